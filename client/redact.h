/*
 * redact.h: hiding secrets in what the client logs.
 *
 * The verbose log (--verbose) shows every exchange: URL, headers and bodies,
 * both ways. Before anything is written, secret values are replaced by "***":
 *
 * - headers: Authorization and Proxy-Authorization keep their scheme
 *   ("Bearer ***", "MC ***", "Basic ***"); X-Secmock-Token, Netskope-Api-Token,
 *   Cookie, Set-Cookie and X-Api-Key are replaced whole;
 * - URLs: the password of user:password@ and the values of secret query keys;
 * - bodies: a JSON body is parsed and the value of every secret key, at any
 *   depth, becomes "***"; any other body (form-encoded, Python-repr, text) is
 *   scanned for `key=value`, `key: value`, `'key': 'value'` and `"key": "value"`
 *   pairs with a secret key.
 *
 * A key is secret when, lower-cased and with '_' and '-' removed, it is one of
 * token, password, passwd, secret, clientsecret, accesskey, secretkey,
 * accesstoken, refreshtoken, idtoken, apikey, apitoken (so client_secret,
 * clientSecret and client-secret are all caught; pageToken is not).
 *
 * Each function appends to a caller-owned struct cm_buf and borrows its input.
 * They only return an error when out reaches its maximum (CM_ETOOBIG).
 */
#ifndef RC_REDACT_H
#define RC_REDACT_H

#include <stddef.h>

#include "common/buf.h"

/* 1 when a JSON, query or form key names a secret (see above). key need not be terminated. */
int rc_redact_is_secret_key(const char *key, size_t len);
/* 1 when a header of this name (case-insensitive) is secret. */
int rc_redact_is_secret_header(const char *name);
/* One "Name: value" line (no CR/LF), redacted. */
int rc_redact_header_line(const char *line, struct cm_buf *out);
/* A URL with its password and secret query values redacted. */
int rc_redact_url(const char *url, struct cm_buf *out);
/* A body of len bytes (need not be terminated), redacted as described above. */
int rc_redact_body(const char *body, size_t len, struct cm_buf *out);

#endif
