/*
 * http.h: the reference client's HTTP layer, on top of cm_http_perform.
 *
 * One call, rc_http_do(), performs one logical request: it tries it, and on
 * a connection error, a time-out, a truncated answer, a 5xx or a 429 tries
 * again, up to policy.attempts tries in all. Between tries it waits, through
 * the client's clock (client/clock.h, so a scenario's wait costs no wall
 * time), for:
 *
 *   1. the vendor's own wait, when the caller's wait hook finds one (for
 *      example Mimecast's X-RateLimit-Reset in ms);
 *   2. else the server's Retry-After (seconds or an HTTP-date);
 *   3. else an exponential backoff with full jitter (client/retry.h).
 *
 * A server asking for more than policy.max_wait_ms is not waited for: the
 * answer is returned as it is, with a warning. Every request is retried,
 * whatever its method, as the vendors' own connectors do.
 *
 * The caller's decide hook sees every answer first and may accept it, retry
 * it at once (after refreshing a token: "401 -> new token, once"), retry it
 * after the usual wait, or leave the choice to the policy. Its prepare hook
 * runs before every try and may set headers on a fresh copy of the request's
 * (a new signature with a new date, a refreshed bearer token).
 *
 * With the log level at debug (--verbose) every exchange is logged on stderr,
 * secrets redacted (client/redact.h).
 *
 * Ownership: struct rc_http is created with rc_http_new() and freed with
 * rc_http_free() (NULL is a no-op); it copies the option strings and borrows
 * the clock, which must outlive it. Requests and hooks are borrowed for the
 * call. The response is caller-owned storage (cm_http_response_init/release).
 */
#ifndef RC_HTTP_H
#define RC_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "client/clock.h"
#include "client/retry.h"
#include "common/error.h"
#include "common/http.h"
#include "common/rng.h"

/*
 * struct rc_headers: a growable, NULL-terminated list of "Name: value" lines,
 * each owned by the list. rc_headers_init() on caller storage, then
 * rc_headers_release(). v is always NULL-terminated once anything was added
 * (rc_headers_list() never returns NULL).
 */
struct rc_headers {
    char **v;
    size_t n;
    size_t cap;
};

void rc_headers_init(struct rc_headers *h);
void rc_headers_release(struct rc_headers *h);
/* Appends a "Name: value" line as given (copied). */
void rc_headers_add_line(struct rc_headers *h, const char *line);
/* The value of the first header of this name (case-insensitive), borrowed; NULL when absent. */
const char *rc_headers_get(const struct rc_headers *h, const char *name);
/* Replaces every header of this name (case-insensitive) by one "name: value" line. */
void rc_headers_set(struct rc_headers *h, const char *name, const char *value);
/* The lines, for struct cm_http_request.headers; borrowed from h. */
const char *const *rc_headers_list(struct rc_headers *h);

/* What a decide hook says about an answer. */
enum rc_http_verdict {
    RC_HTTP_DEFAULT,   /* let the policy decide: retry 5xx and 429, accept the rest */
    RC_HTTP_ACCEPT,    /* final: return this answer */
    RC_HTTP_RETRY,     /* retry after the usual wait (vendor wait, Retry-After, backoff) */
    RC_HTTP_RETRY_NOW, /* retry at once (the hook fixed something, such as a token) */
};

/* Caller hooks; every member may be NULL. ud is passed back as is. */
struct rc_http_hooks {
    /* Before each try (attempt 0 first): may change headers, a fresh copy of the request's.
     * A non-zero return stops the call with that code (the hook fills err). */
    int (*prepare)(void *ud, int attempt, struct rc_headers *headers, struct cm_err *err);
    /* After each answer (not after a transport failure). */
    enum rc_http_verdict (*decide)(void *ud, const struct cm_http_response *resp, int attempt);
    /* The vendor's requested wait read from the answer: 0 and *wait_ms, or CM_ENOENT. */
    int (*wait)(void *ud, const struct cm_http_response *resp, int64_t now_ms, int64_t *wait_ms);
    void *ud;
};

/* One logical request. All borrowed. */
struct rc_http_req {
    const char *method; /* "GET" when NULL */
    const char *url;
    /* The URL of the tries that follow a lost answer (none came, or it was cut short); NULL:
     * url. For an iterator whose "next" moves on once the server has served the page: the
     * retries of a lost "next" ask "resend". An error status is retried on url. */
    const char *retry_url;
    /* Non-zero: a lost answer (none came, or it was cut short) ends the call at once, with
     * last_lost set, instead of being retried; for a request that is not idempotent
     * (Mimecast's create-batch), whose caller first asks the server whether it was done.
     * Error statuses are retried as usual. */
    int lost_final;
    const char *const *headers; /* NULL-terminated "Name: value" lines; may be NULL */
    const char *body;           /* may be NULL */
    size_t body_len;
    const struct rc_http_hooks *hooks; /* may be NULL */
};

struct rc_http_opts {
    const char *ca_file;     /* trust this CA (PEM) for https; NULL: the system store */
    const char *source_addr; /* bind to this local address; NULL: any */
    long timeout_ms;         /* per try; 0: 30 s */
    long connect_timeout_ms; /* per try; 0: 5 s */
    size_t max_body;         /* response bytes kept; 0: 64 MiB */
    struct rc_retry_policy retry;
};

/*
 * struct rc_http: options (owned copies), the clock (borrowed), the jitter
 * generator and the transport. Callers may set transport (tests inject a
 * fake) and read last_attempts / last_waited_ms / last_used_retry_url / last_lost after
 * a call; nothing else.
 */
struct rc_http {
    struct rc_http_opts opts;
    struct rc_clock *clock;
    struct cm_rng rng;
    rc_transport_fn transport; /* cm_http_perform by default */
    int last_attempts;         /* tries made by the last rc_http_do() */
    int64_t last_waited_ms;    /* total waited between them */
    int last_used_retry_url;   /* non-zero: the last call's later tries went to its retry_url */
    int last_lost;             /* the last call ended on a lost answer (its req.lost_final) */
};

struct rc_http *rc_http_new(const struct rc_http_opts *opts, struct rc_clock *clock);
void rc_http_free(struct rc_http *h);

/*
 * Performs req with retries (see above). Returns 0 when an answer came, whatever its status
 * (resp holds the last one; the caller judges the status). Otherwise CM_ECONN, CM_ETIMEDOUT or
 * CM_EPROTO once the tries are used up or the failure is not worth retrying (a TLS
 * verification failure), with err naming the URL, the cause and the number of tries; or a
 * hook's or the clock's error.
 */
int rc_http_do(struct rc_http *h, const struct rc_http_req *req, struct cm_http_response *resp,
               struct cm_err *err);

/* 1 when the policy retries this status by default (5xx and 429). */
int rc_http_status_retryable(long status);

#endif
