/*
 * mimecast_api.h: the reference client's Mimecast session: credentials,
 * authentication on every request, the JSON envelope, and the explanation
 * of every error a user can hit, in the Mimecast console's own terms.
 *
 * API 1.0: every call except discover-authentication and login is signed
 * with the MC scheme (mimecast_proto.h): a new x-mc-date (from the client's
 * clock, so virtual time in a scenario), a new x-mc-req-id and a new
 * signature on every try. A 418 "binding expired" (or the code
 * err_xdk_binding_expired in the body) logs in again once to refresh the
 * binding when a password is configured; otherwise the call fails with the
 * console fix (Authentication Cache TTL: Never Expire).
 *
 * API 2.0: POST /oauth/token (client_credentials, form-encoded) gives a
 * bearer token, renewed 60 s before expires_in runs out; a 401 fetches a new
 * token and retries once.
 *
 * Both: 5xx, time-outs and 429 are retried by rc_http_do(); a 429 waits
 * X-RateLimit-Reset (ms), or X-Rate-Limit-Reset, on the client's clock.
 *
 * Errors: a call that fails leaves an exit code and a message in the
 * session (rc_mm_session.exit_code, .msg) and returns a negative CM_E*
 * code. The exit codes:
 *
 *   1 the service answered with an error (5xx after retries, rate limit
 *     after retries, an unknown error code)
 *   3 no answer (connection, TLS, time-out) after the retries
 *   4 authentication or keys: invalid credentials, invalid signature, keys
 *     not available yet
 *   5 a fix in the Mimecast console or the host: missing permission, IP
 *     outside the admin IP ranges, wrong region, Enhanced Logging off,
 *     binding expired without a password, clock skew
 *
 * Ownership: rc_mm_session_init() copies every string it is given; release
 * with rc_mm_session_release(). The context is borrowed. Parsed answers
 * handed out are the caller's (cJSON_Delete).
 */
#ifndef RC_MIMECAST_API_H
#define RC_MIMECAST_API_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "client/client.h"
#include "client/mimecast_map.h"

#define RC_MM_EXIT_AUTH 4 /* credentials or keys */
#define RC_MM_EXIT_FIX  5 /* a console (or host) setting to change */

#define RC_MM_API1_DEFAULT_URL "https://api.mimecast.com"
#define RC_MM_API2_DEFAULT_URL "https://api.services.mimecast.com"

enum rc_mm_api { RC_MM_API1 = 1, RC_MM_API2 = 2 };

/* What a call was doing, for the error messages. */
enum rc_mm_op {
    RC_MM_OP_DISCOVER,
    RC_MM_OP_LOGIN,
    RC_MM_OP_REFRESH,
    RC_MM_OP_TOKEN,
    RC_MM_OP_LOGS,
};

/* Credentials and settings, all borrowed by rc_mm_session_init() (which copies them). */
struct rc_mm_creds {
    enum rc_mm_api api;
    const char *base_url;
    const char *app_id, *app_key, *access_key, *secret_key; /* API 1.0 */
    const char *user, *password;
    int auth_ad;                           /* 1: Basic-AD, 0: Basic-Cloud */
    const char *client_id, *client_secret; /* API 2.0 */
};

/*
 * struct rc_mm_session: one run's connection to Mimecast. Commands read exit_code and
 * msg after a failure, access_key/secret_b64 after a login, refreshes; the rest is
 * private to mimecast_api.c.
 */
struct rc_mm_session {
    struct rc_ctx *ctx; /* borrowed */
    enum rc_mm_api api;
    char *base_url; /* no trailing '/' */
    char *app_id, *app_key, *access_key, *secret_b64;
    unsigned char secret[256];
    size_t secret_len;
    char *user, *password;
    int auth_ad;
    char *client_id, *client_secret;
    char *token; /* API 2.0 bearer, NULL until fetched */
    int64_t token_renew_ms;
    int refreshes;                       /* bindings refreshed this run */
    int token_count;                     /* tokens fetched this run */
    const struct rc_mm_logtype *logtype; /* for permission messages; may be NULL */
    /* the last failure */
    int exit_code;
    char msg[2048];
    long err_status;       /* its HTTP status (0: no answer) */
    char err_code[96];     /* Mimecast's error code ("" when none) */
    char err_message[512]; /* and its message */
};

/* Copies creds. CM_EINVAL with the session's msg (exit 2 or 4) when they are incomplete
 * or malformed (a secret key that is not base64, a missing app id...). what says which
 * credentials the command needs: "keys" (user, password, app id), "discover" (user, app
 * id) or "logs". */
int rc_mm_session_init(struct rc_mm_session *s, struct rc_ctx *ctx, const struct rc_mm_creds *creds,
                       const char *what);
void rc_mm_session_release(struct rc_mm_session *s);

/* API 1.0 discover-authentication for the user. 0 and *data0 (data[0], caller frees). */
int rc_mm_discover(struct rc_mm_session *s, cJSON **data0);
/* API 1.0 login (refresh when access_key is set and refresh is 1). On success the session
 * holds the new keys; *duration_ms is the binding's life (-1 when not given). */
int rc_mm_login(struct rc_mm_session *s, int refresh, int64_t *duration_ms);
/* A JSON call on path (POST), authenticated for the session's API. 0 and *doc, the whole
 * parsed answer (caller frees), when the function succeeded. */
int rc_mm_call(struct rc_mm_session *s, enum rc_mm_op op, const char *path, const cJSON *body,
               cJSON **doc);

/* ---- pure pieces, for tests ---- */

/* What the explanation needs besides the answer. Borrowed strings; any may be NULL. */
struct rc_mm_explain_in {
    enum rc_mm_op op;
    enum rc_mm_api api;
    const struct rc_mm_logtype *logtype;
    long status;       /* HTTP status */
    const cJSON *body; /* parsed answer, may be NULL */
    const char *raw;   /* the answer's text when it is not JSON */
    int tries;         /* tries made, for 5xx/429 messages */
    const char *user, *app_id, *base_url, *source_addr;
    int auth_ad, has_password;
};

/*
 * Judges an answer. Returns 0 when it is a success (HTTP 2xx, meta.status 2xx or absent,
 * no "fail" item with errors), else the exit code, with a one-paragraph message appended
 * to msg: what failed, what Mimecast said (code and message quoted), and what to change.
 */
int rc_mm_explain(const struct rc_mm_explain_in *in, struct cm_buf *msg);

/* The first error of an answer: fail[0].errors[0], fail[0], or an OAuth {"error": ...}.
 * Borrowed strings ("" when absent). */
void rc_mm_first_error(const cJSON *body, const char **code, const char **message);

/* The vendor wait of a 429: X-RateLimit-Reset or X-Rate-Limit-Reset, in ms (fraction
 * rounded up). 0 and *wait_ms, or CM_ENOENT. */
int rc_mm_rate_limit_wait(const struct cm_http_response *resp, int64_t *wait_ms);

#endif
