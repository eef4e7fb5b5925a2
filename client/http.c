/*
 * http.c: the retry loop of rc_http_do(), the header list, and the verbose
 * exchange log.
 *
 * The loop, per try: copy the request's headers, let the prepare hook adjust
 * them, perform the exchange through the transport, log it (redacted), then
 * either return or pick a wait (vendor hook, Retry-After, backoff), sleep it
 * on the client clock and go round again. Every wait and give-up is reported
 * with cm_warn so an operator sees why a run took long; the exchanges
 * themselves are logged at debug level only.
 */
#include "client/http.h"

#include "client/redact.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LOG_BODY_MAX 1500 /* bytes of a (redacted) body shown in the verbose log */

void rc_headers_init(struct rc_headers *h)
{
    h->v = NULL;
    h->n = 0;
    h->cap = 0;
}

void rc_headers_release(struct rc_headers *h)
{
    size_t i;

    for (i = 0; i < h->n; i++)
        free(h->v[i]);
    free(h->v);
    rc_headers_init(h);
}

static void headers_push(struct rc_headers *h, char *line)
{
    if (h->n + 2 > h->cap) {
        h->cap = h->cap ? h->cap * 2 : 8;
        h->v = cm_realloc(h->v, h->cap * sizeof(*h->v));
    }
    h->v[h->n++] = line;
    h->v[h->n] = NULL;
}

void rc_headers_add_line(struct rc_headers *h, const char *line)
{
    headers_push(h, cm_strdup(line));
}

/* 1 when line is a header of that name (case-insensitive). */
static int line_is(const char *line, const char *name, size_t nlen)
{
    return strncasecmp(line, name, nlen) == 0 && line[nlen] == ':';
}

const char *rc_headers_get(const struct rc_headers *h, const char *name)
{
    size_t i, nlen = strlen(name);
    const char *v;

    for (i = 0; i < h->n; i++) {
        if (line_is(h->v[i], name, nlen)) {
            for (v = h->v[i] + nlen + 1; *v == ' ' || *v == '\t'; v++)
                ;
            return v;
        }
    }
    return NULL;
}

void rc_headers_set(struct rc_headers *h, const char *name, const char *value)
{
    size_t i, j, nlen = strlen(name);

    for (i = j = 0; i < h->n; i++) {
        if (line_is(h->v[i], name, nlen))
            free(h->v[i]);
        else
            h->v[j++] = h->v[i];
    }
    h->n = j;
    if (h->v)
        h->v[h->n] = NULL;
    headers_push(h, cm_asprintf("%s: %s", name, value));
}

const char *const *rc_headers_list(struct rc_headers *h)
{
    static const char *const empty[] = {NULL};

    return h->v ? (const char *const *)h->v : empty;
}

struct rc_http *rc_http_new(const struct rc_http_opts *opts, struct rc_clock *clock)
{
    struct rc_http *h = cm_calloc(1, sizeof(*h));

    h->opts = *opts;
    h->opts.ca_file = cm_strdup(opts->ca_file);
    h->opts.source_addr = cm_strdup(opts->source_addr);
    if (h->opts.retry.attempts < 1)
        h->opts.retry.attempts = 1;
    h->clock = clock;
    cm_rng_seed(&h->rng, opts->retry.seed);
    h->transport = cm_http_perform;
    return h;
}

void rc_http_free(struct rc_http *h)
{
    if (h == NULL)
        return;
    free((char *)h->opts.ca_file);
    free((char *)h->opts.source_addr);
    free(h);
}

int rc_http_status_retryable(long status)
{
    return status == 429 || (status >= 500 && status <= 599);
}

/* Transport failures worth another try: no connection, a time-out, an answer cut short. */
static int transport_retryable(int rc, const struct cm_http_response *resp)
{
    return rc == CM_ECONN || rc == CM_ETIMEDOUT ||
           (rc == CM_EPROTO && resp->curl_code == CURLE_PARTIAL_FILE);
}

/* Logs a body, redacted and cut to LOG_BODY_MAX bytes, prefixed by dir ('>' or '<'). */
static void log_body(char dir, const char *body, size_t len)
{
    struct cm_buf b;

    if (body == NULL || len == 0)
        return;
    cm_buf_init(&b, 0);
    rc_redact_body(body, len, &b);
    if (b.len > LOG_BODY_MAX)
        cm_debug("%c %.*s... (%zu bytes)", dir, LOG_BODY_MAX, cm_buf_str(&b), len);
    else
        cm_debug("%c %s", dir, cm_buf_str(&b));
    cm_buf_release(&b);
}

static void log_request(const struct cm_http_request *creq, const char *shown, int attempt,
                        int attempts)
{
    const char *const *hl;
    struct cm_buf b;

    if (cm_log_get_level() < CM_LOG_DEBUG)
        return;
    cm_debug("> %s %s (try %d of %d)", creq->method, shown, attempt + 1, attempts);
    cm_buf_init(&b, 0);
    for (hl = creq->headers; hl && *hl; hl++) {
        cm_buf_reset(&b);
        rc_redact_header_line(*hl, &b);
        cm_debug("> %s", cm_buf_str(&b));
    }
    cm_buf_release(&b);
    log_body('>', creq->body, creq->body_len);
}

static void log_response(int rc, const struct cm_http_response *resp, int64_t us)
{
    const char *p = cm_buf_str(&resp->headers);
    struct cm_buf line, b;

    if (cm_log_get_level() < CM_LOG_DEBUG)
        return;
    if (rc) {
        cm_debug("< no answer after %lld ms: %s", (long long)(us / 1000), resp->error);
        return;
    }
    cm_debug("< %ld in %lld ms", resp->status, (long long)(us / 1000));
    cm_buf_init(&line, 0);
    cm_buf_init(&b, 0);
    while (*p) {
        size_t n = strcspn(p, "\r\n");

        if (n > 0 && strncmp(p, "HTTP/", 5) != 0) {
            cm_buf_reset(&line);
            cm_buf_reset(&b);
            cm_buf_append(&line, p, n);
            rc_redact_header_line(cm_buf_str(&line), &b);
            cm_debug("< %s", cm_buf_str(&b));
        }
        p += n;
        p += strspn(p, "\r\n");
    }
    cm_buf_release(&line);
    cm_buf_release(&b);
    log_body('<', resp->body.data, resp->body.len);
}

/*
 * The server's requested wait: the vendor hook first, then Retry-After. 0 and
 * *wait_ms and *why, CM_ENOENT when the answer asks for nothing, or a clock error.
 */
static int server_wait(struct rc_http *h, const struct rc_http_hooks *hk,
                       const struct cm_http_response *resp, int64_t *wait_ms, const char **why,
                       struct cm_err *err)
{
    char value[128];
    int64_t now = 0;
    int rc;

    if (hk && hk->wait) {
        rc = rc_clock_now(h->clock, &now, err);
        if (rc)
            return rc;
        if (hk->wait(hk->ud, resp, now, wait_ms) == 0) {
            *why = "as the service asks";
            return 0;
        }
    }
    if (cm_http_header(resp, "Retry-After", value, sizeof(value)) != 0)
        return CM_ENOENT;
    /* Only an HTTP-date needs the time; delay-seconds costs no clock read. */
    if (!isdigit((unsigned char)value[0]) && !(hk && hk->wait)) {
        rc = rc_clock_now(h->clock, &now, err);
        if (rc)
            return rc;
    }
    if (rc_retry_after_parse(value, now, wait_ms) != 0) {
        cm_warn("ignoring an unreadable Retry-After: '%s'", value);
        return CM_ENOENT;
    }
    *why = "Retry-After";
    return 0;
}

int rc_http_do(struct rc_http *h, const struct rc_http_req *req, struct cm_http_response *resp,
               struct cm_err *err)
{
    const struct rc_http_hooks *hk = req->hooks;
    const struct rc_retry_policy *pol = &h->opts.retry;
    struct cm_http_request creq = {0};
    struct rc_headers hdrs;
    struct cm_buf shown;
    const char *const *hl;
    char dur[32], dur2[32];
    int attempt, rc = 0;

    h->last_attempts = 0;
    h->last_waited_ms = 0;
    h->last_used_retry_url = 0;
    h->last_lost = 0;
    cm_buf_init(&shown, 0);
    rc_redact_url(req->url, &shown);
    creq.method = req->method ? req->method : "GET";
    creq.url = req->url;
    creq.body = req->body;
    creq.body_len = req->body_len;
    creq.ca_file = h->opts.ca_file;
    creq.source_addr = h->opts.source_addr;
    creq.timeout_ms = h->opts.timeout_ms;
    creq.connect_timeout_ms = h->opts.connect_timeout_ms;
    creq.keep_alive = 1;
    creq.max_body = h->opts.max_body;
    for (attempt = 0;; attempt++) {
        int last = attempt + 1 >= pol->attempts;
        enum rc_http_verdict v;
        const char *why = "backoff";
        int64_t wait, t0;

        if (h->last_used_retry_url == 1) { /* the last try's answer was lost: switch for good */
            h->last_used_retry_url = 2;
            creq.url = req->retry_url;
            cm_buf_reset(&shown);
            rc_redact_url(req->retry_url, &shown);
        }
        rc_headers_init(&hdrs);
        for (hl = req->headers; hl && *hl; hl++)
            rc_headers_add_line(&hdrs, *hl);
        if (hk && hk->prepare) {
            rc = hk->prepare(hk->ud, attempt, &hdrs, err);
            if (rc) {
                rc_headers_release(&hdrs);
                goto out;
            }
        }
        creq.headers = rc_headers_list(&hdrs);
        log_request(&creq, cm_buf_str(&shown), attempt, pol->attempts);
        t0 = cm_mono_us();
        rc = h->transport(&creq, resp);
        h->last_attempts++;
        log_response(rc, resp, cm_mono_us() - t0);
        rc_headers_release(&hdrs);

        if (rc) {
            if (req->retry_url && !h->last_used_retry_url)
                h->last_used_retry_url = 1;
            if (req->lost_final && transport_retryable(rc, resp))
                h->last_lost = 1;
            if (last || !transport_retryable(rc, resp) || h->last_lost) {
                cm_fail(err, rc, "cannot reach '%s': %s (%d %s)", cm_buf_str(&shown),
                        resp->error[0] ? resp->error : cm_strerror(rc), attempt + 1,
                        attempt ? "tries" : "try");
                goto out;
            }
            wait = rc_backoff_ms(pol, attempt, &h->rng);
            cm_duration_format(wait, dur, sizeof(dur));
            cm_warn("%s %s: %s; retrying in %s (try %d of %d)", creq.method, cm_buf_str(&shown),
                    resp->error[0] ? resp->error : cm_strerror(rc), dur, attempt + 2,
                    pol->attempts);
        } else {
            v = hk && hk->decide ? hk->decide(hk->ud, resp, attempt) : RC_HTTP_DEFAULT;
            if (v == RC_HTTP_DEFAULT)
                v = rc_http_status_retryable(resp->status) ? RC_HTTP_RETRY : RC_HTTP_ACCEPT;
            if (v == RC_HTTP_ACCEPT)
                goto out;
            if (last) {
                cm_warn("%s %s: %ld, giving up after %d %s", creq.method, cm_buf_str(&shown),
                        resp->status, attempt + 1, attempt ? "tries" : "try");
                goto out;
            }
            if (v == RC_HTTP_RETRY_NOW) {
                wait = 0;
                why = "at once";
            } else {
                rc = server_wait(h, hk, resp, &wait, &why, err);
                if (rc == CM_ENOENT) {
                    wait = rc_backoff_ms(pol, attempt, &h->rng);
                    why = "backoff";
                } else if (rc) {
                    goto out;
                } else if (wait > pol->max_wait_ms) {
                    cm_duration_format(wait, dur, sizeof(dur));
                    cm_duration_format(pol->max_wait_ms, dur2, sizeof(dur2));
                    cm_warn("%s %s: %ld asks to wait %s, more than the %s limit (--max-wait); "
                            "not retrying",
                            creq.method, cm_buf_str(&shown), resp->status, dur, dur2);
                    rc = 0;
                    goto out;
                }
                rc = 0;
            }
            cm_duration_format(wait, dur, sizeof(dur));
            cm_log(v == RC_HTTP_RETRY_NOW ? CM_LOG_INFO : CM_LOG_WARN,
                   "%s %s: %ld; retrying in %s (%s, try %d of %d)", creq.method, cm_buf_str(&shown),
                   resp->status, dur, why, attempt + 2, pol->attempts);
        }
        rc = rc_sleep(h->clock, wait, err);
        if (rc)
            goto out;
        h->last_waited_ms += wait;
    }
out:
    cm_buf_release(&shown);
    return rc;
}
