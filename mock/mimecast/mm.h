/*
 * mm.h: the Mimecast mock's internals, shared by the files of mock/mimecast/
 * and by their unit tests (tests/unit/test_mm_*.c); nothing else includes it.
 *
 * The mock is a Mimecast console held as data (struct mm_state): a
 * normalized JSON document (accounts with their applications, users, roles,
 * authentication profiles, bindings, OAuth tokens, BYO batches, threat-feed
 * entries and TTP logs) plus indexes derived from it at load (sorted logs and
 * feed entries, generators). The files are:
 *
 *   codec.c        base64, random keys and ids, the vendor's date forms
 *   lenient.c      the lenient body parser (JSON and Python repr)
 *   envelope.c     the error table, the 1.0 envelope, the 2.0 error shape
 *   state.c        the console as JSON in and out: validation, defaults, look-ups
 *   logsrc.c       TTP log sources: explicit records or a seeded generator
 *   pagetoken.c    self-contained, MAC-protected page tokens
 *   ratelimit.c    per-user request quotas on the virtual clock
 *   auth1.c        API 1.0: the MC signature and the binding checks
 *   oauth.c        API 2.0: /oauth/token and Bearer tokens
 *   gate.c         what every signed call goes through: 1.0 or 2.0, IP ranges,
 *                  region, rate limit, permission
 *   keys.c         discover-authentication, login (and binding refresh), logout
 *   logs.c         the three TTP get-logs endpoints
 *   threatintel.c  get-feed and the BYO threat-intelligence batches
 *   account.c      get-account
 *   actions.c      console actions (admin API POST /services/<name>/actions/<a>)
 *   mimecast.c     the service: routes, create/load/dump, error renderer
 *
 * Ownership: a state owns its document and every index; mm_state_free()
 * frees all. cJSON pointers handed out by look-ups are borrowed from the
 * document and stay valid until the next load. The kit holds the service
 * lock around every handler, load, dump and action, so nothing here locks.
 * Time is always passed in (req->now_ms, the virtual clock).
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "mock/kit/service.h"

/* ---- codec.c: encodings, random material, dates ---- */

#define MM_ACCESS_KEY_LEN 150 /* [A-Za-z0-9_-] */
#define MM_SECRET_KEY_LEN 88  /* base64 of 64 bytes */
#define MM_UUID_LEN       36

/* Standard base64 of n bytes into out (NUL-terminated); returns the length or -1 when
 * size is too small. */
int mm_b64_encode(const unsigned char *in, size_t n, char *out, size_t size);
/* Decodes standard base64 (padding required, no blanks) into out; returns the byte
 * count or -1 when s is not valid base64 or does not fit. */
int mm_b64_decode(const char *s, unsigned char *out, size_t size);
/* The same with the URL-safe alphabet and no padding (page tokens). */
int mm_b64url_encode(const unsigned char *in, size_t n, char *out, size_t size);
int mm_b64url_decode(const char *s, unsigned char *out, size_t size);

/* The value of a hexadecimal digit, or -1. */
int mm_hexval(int c);

enum mm_hash { MM_SHA1, MM_SHA256 };
#define MM_HMAC_MAX 32 /* the longest MAC mm_hmac writes: SHA-256's */
/* HMAC (RFC 2104) under key of the n parts, one after the other, into out (MM_HMAC_MAX
 * bytes); returns the MAC's length. */
unsigned mm_hmac(enum mm_hash h, const unsigned char *key, size_t klen, const char *const *parts,
                 const size_t *lens, size_t n, unsigned char *out);

/* Random keys from the kernel (mk_random_bytes). */
void mm_rand_access_key(char out[MM_ACCESS_KEY_LEN + 1]);
void mm_rand_secret_key(char out[MM_SECRET_KEY_LEN + 1]);
void mm_rand_uuid(char out[MM_UUID_LEN + 1]);
/* n characters of [A-Za-z0-9] (n < size). */
void mm_rand_alnum(char *out, size_t size, size_t n);

/* x-mc-date: "Tue, 24 Nov 2015 12:50:11 UTC" (or GMT, +0000; weekday optional). 0 or
 * CM_EPARSE. */
int mm_mc_date_parse(const char *s, int64_t *ms);
/* The same layout with "UTC", for tests and messages. */
void mm_mc_date_format(int64_t ms, char *out, size_t size);
/* A time a client sends in a body: RFC 3339 / ISO 8601 with Z, +0000 or +00:00, or no
 * zone at all (read as UTC). 0 or CM_EPARSE. */
int mm_iso_parse(const char *s, int64_t *ms);
/* Log record times: "2024-11-17T17:02:30+0000". */
void mm_time_log(int64_t ms, char *out, size_t size);
/* BYO completion times: "2020-06-01T19:11:46.000Z[UTC]". */
void mm_time_byo(int64_t ms, char *out, size_t size);
/* "09:30 UTC on 2026-03-02" for messages. */
void mm_time_human(int64_t ms, char *out, size_t size);
/* Constant-time equality of two strings. */
int mm_str_eq_ct(const char *a, const char *b);
/* The same of n bytes: 1 when equal. */
int mm_mem_eq_ct(const void *a, const void *b, size_t n);

/* ---- lenient.c ---- */

#define MM_LENIENT_DEPTH 64

/* Parses a request body: JSON, or a Python repr (single-quoted strings, u'' prefixes,
 * True/False/None, tuples, trailing commas). Returns a document the caller frees with
 * cJSON_Delete(), or NULL with err saying where it failed ("at offset 12: ..."). */
cJSON *mm_lenient_parse(const char *text, size_t len, struct cm_err *err);

/* ---- envelope.c: errors ---- */

/* One row per refusal: id, HTTP status, vendor-style code, journal verdict, retryable. */
#define MM_ERROR_MAP(X)                                                                            \
    X(MISSING_HEADER, 400, "err_xdk_credentials_missing", "missing_header", 0)                     \
    X(BAD_AUTHORIZATION, 401, "err_xdk_authorization_malformed", "bad_authorization", 0)           \
    X(AUTH_TYPE, 401, "err_xdk_authentication_type_not_supported", "auth_type_not_supported", 0)   \
    X(UNKNOWN_APP, 401, "err_developer_key", "unknown_app", 0)                                     \
    X(APP_DISABLED, 401, "err_developer_key", "app_disabled", 0)                                   \
    X(WRONG_REGION, 401, "err_audit_log_incorrect_region", "wrong_region", 0)                      \
    X(BAD_DATE, 401, "err_xdk_invalid_date", "bad_date", 0)                                        \
    X(DATE_SKEWED, 401, "err_xdk_date_header_too_skewed", "date_skewed", 0)                        \
    X(UNKNOWN_KEY, 401, "err_xdk_access_key_not_found", "unknown_access_key", 0)                   \
    X(KEYS_REVOKED, 401, "err_xdk_access_key_revoked", "keys_revoked", 0)                          \
    X(INVALID_SIGNATURE, 401, "err_xdk_invalid_signature", "invalid_signature", 0)                 \
    X(BINDING_EXPIRED, 418, "err_xdk_binding_expired", "binding_expired", 0)                       \
    X(REPLAYED, 401, "err_xdk_duplicate_request_id", "replayed_request_id", 0)                     \
    X(IP_NOT_ALLOWED, 403, "err_xdk_ip_address_not_permitted", "ip_not_allowed", 0)                \
    X(MISSING_PERMISSION, 403, "err_xdk_forbidden", "missing_permission", 0)                       \
    X(RATE_LIMITED, 429, "err_xdk_quota_exceeded", "rate_limited", 1)                              \
    X(INVALID_CREDENTIALS, 401, "err_xdk_invalid_credentials", "invalid_credentials", 0)           \
    X(USER_DISABLED, 401, "err_xdk_user_disabled", "user_disabled", 0)                             \
    X(SSO_ENABLED, 401, "err_xdk_authentication_type_not_supported", "sso_enabled", 0)             \
    X(NOT_ADMIN, 403, "err_xdk_forbidden", "not_admin", 0)                                         \
    X(KEYS_NOT_YET, 409, "err_xdk_keys_not_yet_available", "keys_not_yet_available", 1)            \
    X(BINDING_LIMIT, 409, "err_xdk_binding_limit_reached", "binding_limit", 0)                     \
    X(INVALID_BODY, 400, "err_xdk_malformed_request", "invalid_body", 0)                           \
    X(INVALID_VALUE, 400, "err_validation_invalid_value", "invalid_value", 0)                      \
    X(INVALID_EMAIL, 400, "err_validation_invalid_email_address", "invalid_value", 0)              \
    X(INVALID_PAGE_TOKEN, 400, "err_validation_invalid_page_token", "invalid_page_token", 0)       \
    X(PACKAGE_MISSING, 403, "err_xdk_forbidden", "package_missing", 0)                             \
    X(TOO_MANY_HASHES, 400, "err_validation_too_many_hashes", "too_many_hashes", 0)                \
    X(QUOTA_EXCEEDED, 409, "err_byo_quota_not_available", "quota_exceeded", 0)                     \
    X(NOT_FOUND, 404, "err_xdk_not_found", "not_found", 0)                                         \
    X(METHOD_NOT_ALLOWED, 405, "err_xdk_method_not_allowed", "method_not_allowed", 0)              \
    X(BODY_TOO_LARGE, 413, "err_xdk_request_too_large", "body_too_large", 0)                       \
    X(INVALID_TOKEN, 401, "invalid_token", "invalid_token", 0)                                     \
    X(TOKEN_EXPIRED, 401, "token_expired", "token_expired", 0)                                     \
    X(INVALID_CLIENT, 401, "invalid_client", "invalid_client", 0)                                  \
    X(CLIENT_NOT_YET, 401, "client_not_yet_available", "keys_not_yet_available", 1)                \
    X(INVALID_REQUEST, 400, "invalid_request", "invalid_request", 0)                               \
    X(UNSUPPORTED_GRANT, 400, "unsupported_grant_type", "unsupported_grant_type", 0)

enum mm_error {
#define MM_ERR_ENUM(id, status, code, verdict, retry) MM_E_##id,
    MM_ERROR_MAP(MM_ERR_ENUM)
#undef MM_ERR_ENUM
        MM_NERRORS
};

struct mm_error_info {
    int status;
    const char *code;
    const char *verdict;
    int retryable;
};

const struct mm_error_info *mm_error_info(enum mm_error e);

/* Which shape a refusal takes: the 1.0 envelope {meta, data, fail[{key?, errors[]}]},
 * or the 2.0 gateway shape {"fail": [{"code", "message"}]}. */
enum mm_api { MM_API1 = 1, MM_API2 = 2 };

/* Answers e: status, body, verdict; key (borrowed, may be NULL) is echoed in the 1.0
 * fail item. Returns MK_DONE so a handler can `return mm_fail(...)`. */
int mm_fail(struct mk_request *req, struct mk_response *resp, enum mm_api api, enum mm_error e,
            const cJSON *key, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The same for a refusal outside the table (the kit's own codes). */
void mm_render(struct mk_request *req, struct mk_response *resp, enum mm_api api, int status,
               const char *code, const char *verdict, int retryable, const cJSON *key,
               const char *message);
/* {"meta": {"status": 200}, "data": data, "fail": []}; takes data (NULL = []). */
cJSON *mm_envelope(cJSON *data);
/* A fail item {"key": key, "errors": [{code, message, retryable}]} for partial failures
 * inside a 200 envelope; key is copied. */
cJSON *mm_fail_item(const cJSON *key, const char *code, const char *message, int retryable);

/* ---- state.c: the console ---- */

enum mm_log_kind { MM_LOG_URL, MM_LOG_IMP, MM_LOG_ATT, MM_NLOGS };

#define MM_ROUTE_INBOUND  1
#define MM_ROUTE_OUTBOUND 2
#define MM_ROUTE_INTERNAL 4

/* What a log record looks like to the filters; strings are borrowed (from the state
 * document, a static table, or the generator's buffers in struct mm_logattr_buf). */
struct mm_logattr {
    int64_t t;
    int route;          /* one MM_ROUTE_* (impersonation: inbound) */
    const char *result; /* url scanResult, attachment result; impersonation: NULL */
    int tagged_malicious;
    const char *action;
    const char *sender, *recipient, *subject, *policy;
    const char *identifiers[8];
    int nidentifiers;
};

/* A generator: record i is at start + i * interval; everything else is drawn from
 * (seed, i), so a million records cost no memory and any one is computed alone. */
struct mm_gen {
    uint64_t seed;
    int64_t count;
    int64_t start;
    int64_t interval;
    unsigned weights[3]; /* malicious, safe, trusted */
    unsigned routes[3];  /* inbound, outbound, internal */
    char domain[64];
};

/* One TTP log of one account: explicit records (sorted by time, stable) or a
 * generator. */
struct mm_logsrc {
    enum mm_log_kind kind;
    int generated;
    struct mm_gen gen;
    const cJSON **recs;       /* explicit: borrowed from the document, sorted */
    struct mm_logattr *attrs; /* explicit: parallel to recs */
    int64_t n;
};

/* A threat-feed entry index: sorted by time. */
struct mm_feedidx {
    const cJSON **recs;
    int64_t *t;
    size_t n;
};

/* Derived per account; doc is borrowed from the state document. */
struct mm_acct {
    cJSON *doc;
    int grid; /* index in the grid table */
    struct mm_logsrc logs[MM_NLOGS];
    struct mm_feedidx feed;
};

struct mm_settings {
    int64_t date_skew_ms;
    int strict_request_ids;
    int64_t key_delay_ms;
    int page_size;
    int page_size_max;
    int feed_page_size;
    int bindings_per_user;
    int64_t default_cache_ttl_ms; /* users without a profile; -1 = never */
    int64_t session_ttl_ms;       /* cap when the app has no extended session; -1 = none */
    int64_t token_ttl_ms;         /* OAuth access tokens */
    int rate_limit;               /* requests per interval, 0 = no limit */
    int64_t rate_interval_ms;     /* reset interval */
    int rate_headers_always;      /* 1: X-RateLimit-* on every answer; 0: on 429 only */
    int byo_max_hashes;           /* per create-batch call */
};

#define MM_SEEN_MAX 4096

/* Request ids seen recently (strict mode): a ring, not dumped. */
struct mm_seen {
    char id[MM_SEEN_MAX][40];
    int64_t t[MM_SEEN_MAX];
    size_t next;
};

struct mm_state {
    cJSON *doc; /* normalized state: settings and accounts */
    struct mm_settings set;
    struct mm_acct *accts;
    size_t naccts;
    char grid[16];               /* the listener's grid ("" or "global": all grids) */
    unsigned char token_key[32]; /* page-token MAC key, per process */
    struct mm_seen *seen;        /* NULL until strict mode first needs it */
};

struct mm_grid {
    const char *name;   /* "us" */
    const char *host;   /* "us-api.mimecast.com" */
    const char *prefix; /* account-code prefix, "" when unknown */
};

extern const struct mm_grid mm_grids[];
extern const size_t mm_ngrids;
/* Index of a grid name, or -1. */
int mm_grid_find(const char *name);

/* An empty state (default settings, no account). Never NULL. */
struct mm_state *mm_state_new(void);
void mm_state_free(struct mm_state *st);
/* Replaces the content with doc (borrowed), validated; on error st is unchanged and err
 * names the JSON path. The token key and grid are kept. now_ms dates what the document
 * leaves undated (a binding's issue time). */
int mm_state_load(struct mm_state *st, const cJSON *doc, int64_t now_ms, struct cm_err *err);
/* The state as JSON (what load takes); caller frees with cJSON_Delete(). */
cJSON *mm_state_dump(const struct mm_state *st);

/* Look-ups; NULL when absent. Borrowed. Emails compare case-insensitively. */
struct mm_acct *mm_acct_of(struct mm_state *st, const cJSON *acct_doc);
cJSON *mm_find_app1(struct mm_state *st, const char *app_id, struct mm_acct **acct);
cJSON *mm_find_app2(struct mm_state *st, const char *client_id, struct mm_acct **acct);
cJSON *mm_find_app_any(struct mm_acct *a, const char *id);
cJSON *mm_find_user(const struct mm_acct *a, const char *email);
cJSON *mm_find_user_any(struct mm_state *st, const char *email, struct mm_acct **acct);
cJSON *mm_find_role(const struct mm_acct *a, const char *name);
cJSON *mm_find_profile(const struct mm_acct *a, const char *name);
cJSON *mm_find_binding(struct mm_state *st, const char *access_key, struct mm_acct **acct);
struct mm_acct *mm_find_account(struct mm_state *st, const char *code);
/* The user's authentication cache TTL in ms (-1 = never), from its profile or the default. */
int64_t mm_user_cache_ttl(const struct mm_settings *set, const cJSON *acct_doc, const cJSON *user);
/* How long a binding of user for app lives (-1 = never): the cache TTL, capped by
 * settings.session_ttl when the application has no extended session. */
int64_t mm_binding_ttl(const struct mm_settings *set, const cJSON *acct_doc, const cJSON *user,
                       const cJSON *app);
/* 1 when role (may be NULL) grants perm ("*" grants all). */
int mm_role_has(const cJSON *role, const char *perm);
/* 1 when the account has the package (exact name). */
int mm_has_package(const struct mm_acct *a, const char *name);
/* Time member helpers: a state time (RFC 3339 string) in ms, or dflt. */
int64_t mm_doc_time(const cJSON *obj, const char *key, int64_t dflt);
void mm_doc_set_time(cJSON *obj, const char *key, int64_t ms);
/* Replaces (or adds) a string / bool member. */
void mm_doc_set_str(cJSON *obj, const char *key, const char *value);
void mm_doc_set_bool(cJSON *obj, const char *key, int value);
/* A duration member ("3d", "never") in ms; -1 for never. */
int64_t mm_doc_ttl(const cJSON *obj, const char *key, int64_t dflt);

/* Builds a log source from the state member (array of records or {"generate": spec});
 * where names it in errors. src is initialised here; on error it holds nothing. */
int mm_logsrc_build(struct mm_logsrc *src, enum mm_log_kind kind, const cJSON *member,
                    const char *where, struct cm_err *err);
void mm_logsrc_release(struct mm_logsrc *src);
/* The attributes of record i; buf receives generated strings (generated sources). */
struct mm_logattr_buf {
    char sender[128], recipient[128], subject[96];
};
void mm_logsrc_attr(const struct mm_logsrc *src, int64_t i, struct mm_logattr *out,
                    struct mm_logattr_buf *buf);
/* Appends record i to b as the API returns it, printed unformatted, byte for byte what
 * mk_resp_json() would send for mm_logsrc_record() (strings cleaned to valid UTF-8). */
void mm_logsrc_write(const struct mm_logsrc *src, int64_t i, struct cm_buf *b);
/* Record i as the API returns it; caller frees with cJSON_Delete(). */
cJSON *mm_logsrc_record(const struct mm_logsrc *src, int64_t i);
/* First index with t >= ms, and first index with t > ms. */
int64_t mm_logsrc_lower(const struct mm_logsrc *src, int64_t ms);
int64_t mm_logsrc_upper(const struct mm_logsrc *src, int64_t ms);
const char *mm_log_kind_name(enum mm_log_kind k); /* "url", "impersonation", "attachment" */

/* ---- pagetoken.c ---- */

#define MM_TOKEN_MAX 8192 /* room for a 256-character query of escaped characters */

/* Seals payload (an object, borrowed) into a token: base64url(JSON) "." base64url(MAC).
 * Returns a string the caller frees. */
char *mm_token_seal(const struct mm_state *st, const cJSON *payload);
/* Opens a token: the payload (caller frees) or NULL when it is malformed, tampered with
 * or sealed by another process. */
cJSON *mm_token_open(const struct mm_state *st, const char *token);
/* An integer member of an opened payload: dflt when absent, not a number or NaN, else the
 * number cut to [lo, hi] (a payload is trusted for its origin, not for its range: no
 * out-of-range conversion). */
int64_t mm_token_int(const cJSON *payload, const char *key, int64_t lo, int64_t hi, int64_t dflt);
/* The bound of a time in a token (ms from 1970, either way): beyond the end of 9999, past
 * any date a client can write. */
#define MM_TOKEN_TIME_MAX 253402300799999LL

/* ---- ratelimit.c ---- */

struct mm_rate_info {
    int limit;
    int remaining;
    int64_t reset_ms; /* until one request is added back */
};

/* Takes one request from the bucket stored in holder's "rate" member (a user, or a 2.0
 * application). Returns 1 when admitted, 0 when over the limit; info describes the
 * bucket after the decision. With no limit set it always admits (info->limit == 0). */
int mm_rate_take(const struct mm_settings *set, cJSON *holder, int64_t now_ms,
                 struct mm_rate_info *info);
/* The X-RateLimit-* headers (and X-Rate-Limit-Reset) of info. */
void mm_rate_headers(struct mk_response *resp, const struct mm_rate_info *info);

/* ---- auth1.c, oauth.c, gate.c ---- */

/* Who made a signed call, once the gate let it through. All borrowed. */
struct mm_ctx {
    enum mm_api api;
    struct mm_acct *acct;
    cJSON *app;
    cJSON *user;    /* 1.0: the binding's user; 2.0: NULL */
    cJSON *binding; /* 1.0 */
    cJSON *token;   /* 2.0 */
    cJSON *role;    /* the user's (1.0) or application's (2.0) role; may be NULL */
};

/* The data to sign and the signature of it, as the vendor computes them. sig receives
 * 28 base64 characters. Returns 0, or CM_EINVAL when secret_b64 is not base64. */
int mm_sign(const char *date, const char *req_id, const char *path, const char *app_key,
            const char *secret_b64, char *sig, size_t size);
/* The API 1.0 application app_id names: known, on this listener's grid (when check_region),
 * enabled. NULL after answering the refusal. Borrowed. */
cJSON *mm_app1(struct mm_state *st, struct mk_request *req, struct mk_response *resp,
               const char *app_id, struct mm_acct **a, int check_region);
/* Checks an API 1.0 call's headers, keys and signature. On refusal answers it and returns
 * MK_DONE; on success fills ctx and returns -1. */
int mm_auth1(struct mm_state *st, struct mk_request *req, struct mk_response *resp,
             struct mm_ctx *ctx);
/* The same for "Authorization: Bearer" (API 2.0). */
int mm_auth2(struct mm_state *st, struct mk_request *req, struct mk_response *resp,
             struct mm_ctx *ctx);
/* The full gate: authentication (1.0 or 2.0 by the Authorization header), region, admin
 * IP ranges, rate limit and permission (perm may be NULL). Returns -1 when the call may
 * proceed (ctx filled, rate headers added), or MK_DONE when it was answered. */
int mm_gate(struct mm_state *st, struct mk_request *req, struct mk_response *resp, const char *perm,
            struct mm_ctx *ctx);
/* Region and admin IP checks shared with login and /oauth/token: MK_DONE when refused. */
int mm_check_region(struct mm_state *st, struct mk_request *req, struct mk_response *resp,
                    enum mm_api api, const struct mm_acct *a);
int mm_check_ip(struct mk_request *req, struct mk_response *resp, enum mm_api api,
                const struct mm_acct *a);
/* The request body, parsed leniently; an empty body is {}. NULL after answering 400. */
cJSON *mm_body(struct mk_request *req, struct mk_response *resp);
/* data[0] of a body, or an empty object owned by the body when absent. Borrowed. */
cJSON *mm_body_item(cJSON *body);

/* Issues an OAuth token for app (2.0) at now; returns the token object (borrowed). */
cJSON *mm_oauth_issue(struct mm_state *st, struct mm_acct *a, cJSON *app, int64_t now_ms);

/* ---- keys.c ---- */

/* The key-creation core shared by /api/login/login and the console's Create Keys: checks
 * the user (password by type "cloud" or "domain"), the 30-minute delay, the binding limit,
 * and creates a binding. On refusal returns the error and fills msg; on success returns
 * -1 and *binding (borrowed). */
int mm_keys_create(struct mm_state *st, struct mm_acct *a, cJSON *app, const char *email,
                   const char *password, int domain, int64_t now_ms, cJSON **binding, char *msg,
                   size_t msg_size);
/* Marks a user's live bindings revoked with reason; returns how many. */
int mm_keys_revoke_user(struct mm_acct *a, const char *email, const char *reason);

/* ---- handlers ---- */

int mm_h_discover(struct mk_request *req, struct mk_response *resp);
int mm_h_login(struct mk_request *req, struct mk_response *resp);
int mm_h_logout(struct mk_request *req, struct mk_response *resp);
int mm_h_oauth_token(struct mk_request *req, struct mk_response *resp);
int mm_h_url_logs(struct mk_request *req, struct mk_response *resp);
int mm_h_imp_logs(struct mk_request *req, struct mk_response *resp);
int mm_h_att_logs(struct mk_request *req, struct mk_response *resp);
int mm_h_get_feed(struct mk_request *req, struct mk_response *resp);
int mm_h_byo_create(struct mk_request *req, struct mk_response *resp);
int mm_h_byo_list(struct mk_request *req, struct mk_response *resp);
int mm_h_byo_delete(struct mk_request *req, struct mk_response *resp);
int mm_h_byo_quota(struct mk_request *req, struct mk_response *resp);
int mm_h_get_account(struct mk_request *req, struct mk_response *resp);

/* Permissions the endpoints require (role permission strings, exact). */
#define MM_PERM_URL    "Monitoring | URL Protection | Read"
#define MM_PERM_ATT    "Monitoring | Attachment Protection | Read"
#define MM_PERM_IMP    "Monitoring | Impersonation Protection | Read"
#define MM_PERM_FEED   "Services | Gateway | Tracking | Read"
#define MM_PERM_BYO_UP "BYO Threat Intelligence | Upload"
#define MM_PERM_BYO_RD "BYO Threat Intelligence | Read"
#define MM_PERM_BYO_DL "BYO Threat Intelligence | Delete"
#define MM_PKG_BYO     "BYO: Threat Intelligence [1089]"

/* ---- actions.c, mimecast.c ---- */

/* Console actions (also reached through mm_service_ops.action). */
cJSON *mm_action(struct mm_state *st, const char *action, const cJSON *args, int64_t now_ms,
                 struct cm_err *err);

extern const struct mk_service_ops mm_service_ops;

#endif
