/*
 * ctr_api.h: the reference client's session with the Cisco Threat Response /
 * XDR API ("IROH"), written from the vendor notes (../shared/vendor/
 * cisco-sse-ctr.md, section 2) and shared with nothing in mock/.
 *
 * - Hosts, one per region: nam https://visibility.amp.cisco.com, eu
 *   https://visibility.eu.amp.cisco.com, apjc https://visibility.apjc.amp.cisco.com.
 *   Inside a scenario the region's mock is SECMOCK_CTR_<REGION>_URL (nam also
 *   SECMOCK_CTR_URL); --base-url overrides the region.
 * - Token: POST /iroh/oauth2/token, HTTP Basic client_id:client_secret, form
 *   grant_type=client_credentials, answer {"access_token", "expires_in": 600}.
 *   Like the vendor's own client (tr-05-api-module) the session does not
 *   watch expires_in: a 401 on any call fetches a token once more and the
 *   call is retried at once, once.
 * - 429: the client waits on its clock (virtual in a scenario) for the
 *   server's Retry-After, or the vendor's reset header when one is sent, then
 *   retries (client/http.h); X-Ratelimit-Org-Limit is quoted in the message
 *   when the tries run out.
 *
 * Every failure leaves an exit code (enum rc_ctr_exit) and a message that says
 * what to check, in Threat Response's terms, in the session.
 *
 * Ownership: rc_ctr_session_init() copies what it keeps; rc_ctr_session_release()
 * frees it. The context is borrowed. Documents returned by rc_ctr_call() are
 * the caller's (cJSON_Delete()).
 */
#ifndef RC_CTR_API_H
#define RC_CTR_API_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "client/client.h"
#include "common/buf.h"

/* Exit codes of the Cisco flows (esa and ctr), documented in docs/client.md. */
enum rc_cisco_exit {
    RC_CISCO_EXIT_AUTH = 4,    /* credentials or token refused */
    RC_CISCO_EXIT_FIX = 5,     /* a configuration to fix: integration, module, commit, region */
    RC_CISCO_EXIT_REGFAIL = 6, /* the appliance's registration failed */
};

/* One Threat Response region. Static data. */
struct rc_ctr_region {
    const char *name;  /* "nam", "eu", "apjc" */
    const char *label; /* "AMERICAS", "EUROPE", "APJC" (the ESA's server labels) */
    const char *host;  /* "https://visibility.amp.cisco.com" */
    const char *env;   /* "SECMOCK_CTR_NAM_URL" */
};

/* The region called name (nam|na|us|americas, eu|europe, apjc|apj|asia; any case), or NULL. */
const struct rc_ctr_region *rc_ctr_region_find(const char *name);

/* What a call is, for messages. */
enum rc_ctr_op {
    RC_CTR_OP_TOKEN,
    RC_CTR_OP_INSPECT,
    RC_CTR_OP_OBSERVE,
    RC_CTR_OP_RESPOND,
    RC_CTR_OP_TRIGGER,
    RC_CTR_OP_DEVICES,
    RC_CTR_OP_MODULES,
};

struct rc_ctr_creds {
    const char *region;   /* may be NULL: nam */
    const char *base_url; /* overrides the region; may be NULL */
    const char *client_id;
    const char *client_secret;
};

/*
 * struct rc_ctr_session: one run's connection. Commands read exit_code and msg after a
 * failure, and tokens (how many were fetched); the rest is private to ctr_api.c.
 */
struct rc_ctr_session {
    struct rc_ctx *ctx;                 /* borrowed */
    const struct rc_ctr_region *region; /* NULL with a --base-url of no known region */
    char *base_url;                     /* no trailing '/'; owned */
    char *client_id, *client_secret;    /* owned */
    char *token;                        /* the bearer, NULL until fetched; owned */
    int tokens;                         /* tokens fetched this run */
    int exit_code;                      /* of the last failure */
    char msg[2048];                     /* its message */
};

/* 0, or CM_EINVAL with the session's exit code and message (bad region, missing credentials). */
int rc_ctr_session_init(struct rc_ctr_session *s, struct rc_ctx *ctx, const struct rc_ctr_creds *c);
void rc_ctr_session_release(struct rc_ctr_session *s);

/*
 * One authenticated JSON call: method on path (relative to the base URL, may carry a query),
 * body (JSON text, may be NULL). 0 and *doc (the parsed answer; NULL when empty) on a 2xx;
 * else non-zero with the session's exit code and message.
 */
int rc_ctr_call(struct rc_ctr_session *s, enum rc_ctr_op op, const char *method, const char *path,
                const char *body, cJSON **doc);

/* ---- pure pieces, for tests ---- */

struct rc_ctr_explain_in {
    enum rc_ctr_op op;
    long status;
    const cJSON *body; /* the parsed answer, may be NULL */
    const char *raw;   /* the answer's text, may be NULL */
    const char *limit; /* X-Ratelimit-Org-Limit, may be NULL */
    int tries;
    const char *client_id, *base_url;
    const struct rc_ctr_region *region; /* may be NULL */
};

/* 0 for a 2xx; else the exit code, with a message appended to msg: what failed, what Threat
 * Response said, what to check. */
int rc_ctr_explain(const struct rc_ctr_explain_in *in, struct cm_buf *msg);

/* The error code and message of an IROH answer: {"errors": [{"code", "message"}]},
 * {"error": "x", "error_description"}, {"error": {"code", "message"}} or {"message"}. Borrowed
 * ("" when absent). */
void rc_ctr_first_error(const cJSON *body, const char **code, const char **message);

/* The wait a 429 asks for in a vendor header (X-Ratelimit-Org-Reset or X-RateLimit-Reset, in
 * seconds); 0 and *wait_ms, or CM_ENOENT (then Retry-After or backoff applies). */
int rc_ctr_rate_limit_wait(const struct cm_http_response *resp, int64_t *wait_ms);

/* "Basic <base64(id:secret)>" into out (caller frees with free()). */
char *rc_ctr_basic_auth(const char *id, const char *secret);

#endif
