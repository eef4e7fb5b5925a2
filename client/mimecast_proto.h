/*
 * mimecast_proto.h: the small pieces of the Mimecast wire protocol the
 * reference client writes for itself (DESIGN.md: nothing is shared with the
 * mock, each is the other's cross-check).
 *
 * - API 1.0 request signing ("MC" scheme): the string to sign is
 *   "<x-mc-date>:<x-mc-req-id>:<path>:<application key>", the HMAC-SHA1 key
 *   is the base64-DECODED secret key, the signature is the standard base64
 *   of the 20-byte digest (28 characters), sent as
 *   "Authorization: MC <accessKey>:<signature>".
 * - x-mc-date: RFC 1123 layout with the literal zone "UTC"
 *   ("Tue, 24 Nov 2015 12:50:11 UTC"), always in English whatever the locale.
 * - x-mc-req-id: a fresh random GUID per request, upper-case as in the docs.
 * - Log timestamps: "2015-11-16T14:49:18+0000" written; read with "+0000",
 *   "+00:00" or "Z" and an optional fraction.
 * - Standard base64 (strict: the '+/' alphabet, '=' padding) and
 *   application/x-www-form-urlencoded escaping for the API 2.0 token call.
 *
 * Everything here is pure apart from the GUID's random bytes. The HMAC,
 * SHA-256 and those bytes come from OpenSSL (common/libcrypto.h).
 * Buffers are the caller's; nothing is allocated except by rc_mm_form_escape.
 */
#ifndef RC_MIMECAST_PROTO_H
#define RC_MIMECAST_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define RC_MM_DATE_SIZE 32 /* "Tue, 24 Nov 2015 12:50:11 UTC" and its NUL */
#define RC_MM_GUID_SIZE 37 /* 36 characters and the NUL */
#define RC_MM_SIG_SIZE  29 /* 28 base64 characters and the NUL */
#define RC_MM_TIME_SIZE 32 /* "2015-11-16T14:49:18+0000" and room to spare */

/* x-mc-date for ms since the epoch: "Tue, 24 Nov 2015 12:50:11 UTC". */
void rc_mm_date_rfc1123(int64_t ms, char out[RC_MM_DATE_SIZE]);

/* A log time as Mimecast takes it in from/to: "2015-11-16T14:49:18+0000" (seconds; the
 * fraction of ms is dropped). */
void rc_mm_time_format(int64_t ms, char out[RC_MM_TIME_SIZE]);
/* Parses a log time: "YYYY-MM-DDTHH:MM:SS", an optional ".fff", then "Z", "+hhmm", "+hh:mm"
 * (or '-'). 0 and *ms, or CM_EPARSE. */
int rc_mm_time_parse(const char *s, int64_t *ms);

/* Standard base64 of n bytes into out (NUL-terminated); out_size >= 4 * ((n + 2) / 3) + 1. */
void rc_mm_b64_encode(const unsigned char *in, size_t n, char *out, size_t out_size);
/* Decodes strict standard base64 (length a multiple of 4, '=' only at the end). 0 and
 * *out_len, CM_EPARSE for anything else, CM_ETOOBIG when out is too small. */
int rc_mm_b64_decode(const char *in, unsigned char *out, size_t out_size, size_t *out_len);

/* The "Data To Sign" of a request into b (appended). */
void rc_mm_string_to_sign(struct cm_buf *b, const char *date, const char *req_id, const char *path,
                          const char *app_key);
/* The MC signature: base64(HMAC-SHA1(key, date:req_id:path:app_key)). key is the decoded
 * secret. 0, CM_EINVAL when the HMAC cannot be computed, or CM_ENOENT when
 * libcrypto cannot be opened. */
int rc_mm_sign(const unsigned char *key, size_t key_len, const char *date, const char *req_id,
               const char *path, const char *app_key, char out[RC_MM_SIG_SIZE]);

/* A random GUID, "8578FCFC-A305-4D9A-99CB-F4D5ECEFE297" shape (version 4). */
void rc_mm_guid(char out[RC_MM_GUID_SIZE]);

/* Appends s form-urlencoded (RFC 3986 unreserved kept, space as %20) to b. */
void rc_mm_form_escape(struct cm_buf *b, const char *s);

/* The hex SHA-256 of len bytes, cut to hex_chars (<= 64) characters, into out. */
void rc_mm_sha256_hex(const void *data, size_t len, char *out, size_t hex_chars);

#endif
