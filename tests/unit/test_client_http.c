/*
 * test_client_http.c: the retry loop of rc_http_do() against a scripted fake
 * transport and a fake clock. No socket is opened and no wall time passes:
 * a 30 s Retry-After is asserted on the fake clock.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/http.h"
#include "common/timeutil.h"

/* One scripted exchange: a transport failure (rc != 0) or an answer. */
struct step {
    int rc;
    long status;
    const char *headers; /* extra "Name: value\r\n" lines */
    const char *body;
    int curl_code;
};

static struct step script[16];
static int n_steps;
static int calls;
static char seen_auth[16][128]; /* the Authorization header each try carried */

static void play(const struct step *steps, int n)
{
    memcpy(script, steps, (size_t)n * sizeof(*steps));
    n_steps = n;
    calls = 0;
}

static int fake_transport(const struct cm_http_request *req, struct cm_http_response *resp)
{
    const struct step *s = &script[calls < n_steps ? calls : n_steps - 1];
    const char *const *h;

    cr_assert_lt(calls, 16);
    seen_auth[calls][0] = '\0';
    for (h = req->headers; h && *h; h++)
        if (strncmp(*h, "Authorization:", 14) == 0)
            snprintf(seen_auth[calls], sizeof(seen_auth[calls]), "%s", *h);
    calls++;
    cm_buf_reset(&resp->body);
    cm_buf_reset(&resp->headers);
    resp->curl_code = s->curl_code;
    resp->error[0] = '\0';
    if (s->rc) {
        resp->status = s->status;
        snprintf(resp->error, sizeof(resp->error), "%s",
                 s->rc == CM_ECONN ? "Failed to connect to 127.0.0.1 port 9: Connection refused"
                 : s->rc == CM_ETIMEDOUT ? "Operation timed out after 30000 milliseconds"
                 : s->curl_code == CURLE_PARTIAL_FILE
                     ? "transfer closed with 10 bytes remaining to read"
                     : "SSL certificate problem: unable to get local issuer");
        return s->rc;
    }
    resp->status = s->status;
    cm_buf_printf(&resp->headers, "HTTP/1.1 %ld Whatever\r\n%s\r\n", s->status,
                  s->headers ? s->headers : "");
    cm_buf_puts(&resp->body, s->body ? s->body : "{}");
    return 0;
}

static struct rc_clock *clk;
static struct rc_http *http;
static struct cm_http_response resp;

static void setup(void)
{
    struct rc_http_opts o = {0};

    rc_retry_policy_default(&o.retry, 7);
    clk = rc_clock_new_fake(1772442000000LL); /* 2026-03-02T09:00:00Z */
    http = rc_http_new(&o, clk);
    http->transport = fake_transport;
    cm_http_response_init(&resp);
}

static void teardown(void)
{
    cm_http_response_release(&resp);
    rc_http_free(http);
    rc_clock_free(clk);
}

static int get(const struct rc_http_hooks *hooks, struct cm_err *err)
{
    struct rc_http_req req = {0};

    req.url = "http://127.0.0.1:9/items";
    req.hooks = hooks;
    return rc_http_do(http, &req, &resp, err);
}

TestSuite(client_http, .init = setup, .fini = teardown);

Test(client_http, a_503_then_200_retries_once)
{
    const struct step s[] = {{0, 503, NULL, "{\"error\":\"busy\"}", 0}, {0, 200, NULL, "[]", 0}};
    struct cm_err err = {{0}};

    play(s, 2);
    cr_assert_eq(get(NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(resp.status, 200);
    cr_assert_str_eq(cm_buf_str(&resp.body), "[]");
    cr_assert_eq(calls, 2);
    cr_assert_eq(http->last_attempts, 2);
    cr_assert_leq(rc_clock_fake_slept(clk), 500, "the first backoff is at most base_ms");
    cr_assert_eq(http->last_waited_ms, rc_clock_fake_slept(clk));
}

Test(client_http, retry_after_30_sleeps_30s_on_the_clock_and_no_wall_time)
{
    const struct step s[] = {{0, 429, "Retry-After: 30\r\n", NULL, 0}, {0, 200, NULL, NULL, 0}};
    struct cm_err err = {{0}};
    int64_t t0 = cm_mono_us(), now = 0;

    play(s, 2);
    cr_assert_eq(get(NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(resp.status, 200);
    cr_assert_eq(calls, 2);
    cr_assert_eq(rc_clock_fake_slept(clk), 30000, "slept %lld ms",
                 (long long)rc_clock_fake_slept(clk));
    cr_assert_eq(rc_clock_now(clk, &now, NULL), 0);
    cr_assert_eq(now, 1772442000000LL + 30000);
    cr_assert_lt(cm_mono_us() - t0, 1000000, "a virtual wait must cost no wall time");
}

Test(client_http, retry_after_http_date_is_read_against_the_client_clock)
{
    const struct step s[] = {{0, 503, "Retry-After: Mon, 02 Mar 2026 09:00:45 GMT\r\n", NULL, 0},
                             {0, 200, NULL, NULL, 0}};
    struct cm_err err = {{0}};

    play(s, 2);
    cr_assert_eq(get(NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_clock_fake_slept(clk), 45000);
}

Test(client_http, connection_refused_retries_then_fails_clearly)
{
    const struct step s[] = {{CM_ECONN, 0, NULL, NULL, 7}};
    struct cm_err err = {{0}};

    play(s, 1);
    cr_assert_eq(get(NULL, &err), CM_ECONN);
    cr_assert_eq(calls, 4, "the default policy tries 4 times");
    cr_assert_str_eq(err.msg, "cannot reach 'http://127.0.0.1:9/items': Failed to connect to "
                              "127.0.0.1 port 9: Connection refused (4 tries)");
    /* Three backoffs, each within its ceiling: 500 + 1000 + 2000 ms at most. */
    cr_assert_leq(rc_clock_fake_slept(clk), 3500);
}

Test(client_http, attempts_follow_the_policy)
{
    const struct step s[] = {{CM_ECONN, 0, NULL, NULL, 7}};
    struct cm_err err = {{0}};

    http->opts.retry.attempts = 1;
    play(s, 1);
    cr_assert_eq(get(NULL, &err), CM_ECONN);
    cr_assert_eq(calls, 1);
    cr_assert_not_null(strstr(err.msg, "(1 try)"), "%s", err.msg);
    cr_assert_eq(rc_clock_fake_slept(clk), 0);
}

Test(client_http, client_errors_other_than_429_are_not_retried)
{
    static const long statuses[] = {400, 401, 403, 404, 409, 418, 422};
    struct cm_err err = {{0}};
    size_t i;

    for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        const struct step s[] = {{0, statuses[i], "Retry-After: 5\r\n", NULL, 0},
                                 {0, 200, NULL, NULL, 0}};
        play(s, 2);
        cr_assert_eq(get(NULL, &err), 0);
        cr_assert_eq(resp.status, statuses[i]);
        cr_assert_eq(calls, 1, "%ld was retried", statuses[i]);
    }
    cr_assert_eq(rc_clock_fake_slept(clk), 0);
}

Test(client_http, persistent_5xx_returns_the_last_answer)
{
    const struct step s[] = {{0, 502, NULL, "bad gateway", 0}};
    struct cm_err err = {{0}};

    play(s, 1);
    cr_assert_eq(get(NULL, &err), 0, "an answer came, so the call itself succeeds");
    cr_assert_eq(resp.status, 502);
    cr_assert_str_eq(cm_buf_str(&resp.body), "bad gateway");
    cr_assert_eq(calls, 4);
}

Test(client_http, timeout_and_truncated_answer_are_retried)
{
    const struct step s[] = {{CM_ETIMEDOUT, 0, NULL, NULL, 28},
                             {CM_EPROTO, 200, NULL, NULL, CURLE_PARTIAL_FILE},
                             {0, 200, NULL, NULL, 0}};
    struct cm_err err = {{0}};

    play(s, 3);
    cr_assert_eq(get(NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(resp.status, 200);
    cr_assert_eq(calls, 3);
}

Test(client_http, tls_verification_failure_is_not_retried)
{
    const struct step s[] = {{CM_EPROTO, 0, NULL, NULL, CURLE_PEER_FAILED_VERIFICATION}};
    struct cm_err err = {{0}};

    play(s, 1);
    cr_assert_eq(get(NULL, &err), CM_EPROTO);
    cr_assert_eq(calls, 1);
    cr_assert_not_null(strstr(err.msg, "SSL certificate problem"), "%s", err.msg);
}

Test(client_http, a_wait_beyond_max_wait_is_not_waited_for)
{
    const struct step s[] = {{0, 429, "Retry-After: 600\r\n", NULL, 0}, {0, 200, NULL, NULL, 0}};
    struct cm_err err = {{0}};

    play(s, 2);
    cr_assert_eq(get(NULL, &err), 0);
    cr_assert_eq(resp.status, 429, "the 429 is handed back to the caller");
    cr_assert_eq(calls, 1);
    cr_assert_eq(rc_clock_fake_slept(clk), 0);
}

Test(client_http, unreadable_retry_after_falls_back_to_backoff)
{
    const struct step s[] = {{0, 503, "Retry-After: later\r\n", NULL, 0}, {0, 200, NULL, NULL, 0}};
    struct cm_err err = {{0}};

    play(s, 2);
    cr_assert_eq(get(NULL, &err), 0);
    cr_assert_eq(calls, 2);
    cr_assert_leq(rc_clock_fake_slept(clk), 500);
}

/* A vendor wait hook: Mimecast-style X-RateLimit-Reset in milliseconds. */
static int reset_ms(void *ud, const struct cm_http_response *r, int64_t now, int64_t *wait)
{
    char v[32];

    (void)ud;
    cr_assert_eq(now, 1772442000000LL, "the hook gets the client clock's time");
    if (cm_http_header(r, "X-RateLimit-Reset", v, sizeof(v)) != 0)
        return CM_ENOENT;
    *wait = strtoll(v, NULL, 10);
    return 0;
}

Test(client_http, vendor_wait_hook_wins_over_retry_after)
{
    const struct step s[] = {{0, 429, "Retry-After: 30\r\nX-RateLimit-Reset: 1500\r\n", NULL, 0},
                             {0, 200, NULL, NULL, 0}};
    const struct rc_http_hooks hooks = {NULL, NULL, reset_ms, NULL};
    struct cm_err err = {{0}};

    play(s, 2);
    cr_assert_eq(get(&hooks, &err), 0);
    cr_assert_eq(rc_clock_fake_slept(clk), 1500);
}

Test(client_http, vendor_wait_hook_without_its_header_leaves_retry_after)
{
    const struct step s[] = {{0, 429, "Retry-After: 30\r\n", NULL, 0}, {0, 200, NULL, NULL, 0}};
    const struct rc_http_hooks hooks = {NULL, NULL, reset_ms, NULL};
    struct cm_err err = {{0}};

    play(s, 2);
    cr_assert_eq(get(&hooks, &err), 0);
    cr_assert_eq(rc_clock_fake_slept(clk), 30000);
}

/* "401 -> refresh the token once": prepare signs each try with the current token. */
struct session {
    const char *token;
    int refreshed;
};

static int sign(void *ud, int attempt, struct rc_headers *h, struct cm_err *err)
{
    struct session *s = ud;
    char v[64];

    (void)attempt;
    (void)err;
    snprintf(v, sizeof(v), "Bearer %s", s->token);
    rc_headers_set(h, "Authorization", v);
    return 0;
}

static enum rc_http_verdict refresh_once(void *ud, const struct cm_http_response *r, int attempt)
{
    struct session *s = ud;

    (void)attempt;
    if (r->status == 401 && !s->refreshed) {
        s->token = "new-token";
        s->refreshed = 1;
        return RC_HTTP_RETRY_NOW;
    }
    return r->status == 401 ? RC_HTTP_ACCEPT : RC_HTTP_DEFAULT;
}

Test(client_http, decide_hook_refreshes_a_token_once)
{
    const struct step s[] = {{0, 401, NULL, NULL, 0}, {0, 200, NULL, NULL, 0}};
    struct session sess = {"old-token", 0};
    const struct rc_http_hooks hooks = {sign, refresh_once, NULL, &sess};
    const char *const base[] = {"Authorization: Bearer stale", "Accept: application/json", NULL};
    struct rc_http_req req = {0};
    struct cm_err err = {{0}};

    play(s, 2);
    req.url = "http://127.0.0.1:9/items";
    req.headers = base;
    req.hooks = &hooks;
    cr_assert_eq(rc_http_do(http, &req, &resp, &err), 0);
    cr_assert_eq(resp.status, 200);
    cr_assert_eq(calls, 2);
    cr_assert_str_eq(seen_auth[0], "Authorization: Bearer old-token");
    cr_assert_str_eq(seen_auth[1], "Authorization: Bearer new-token");
    cr_assert_eq(rc_clock_fake_slept(clk), 0, "a refresh retries at once");
}

Test(client_http, decide_hook_stops_after_the_one_refresh)
{
    const struct step s[] = {{0, 401, NULL, NULL, 0}};
    struct session sess = {"old-token", 0};
    const struct rc_http_hooks hooks = {sign, refresh_once, NULL, &sess};
    struct cm_err err = {{0}};

    play(s, 1);
    cr_assert_eq(get(&hooks, &err), 0);
    cr_assert_eq(resp.status, 401);
    cr_assert_eq(calls, 2);
}

static int refuse(void *ud, int attempt, struct rc_headers *h, struct cm_err *err)
{
    (void)ud;
    (void)attempt;
    (void)h;
    return cm_fail(err, CM_EAUTH, "no credentials for mimecast");
}

Test(client_http, prepare_hook_error_stops_before_sending)
{
    const struct step s[] = {{0, 200, NULL, NULL, 0}};
    const struct rc_http_hooks hooks = {refuse, NULL, NULL, NULL};
    struct cm_err err = {{0}};

    play(s, 1);
    cr_assert_eq(get(&hooks, &err), CM_EAUTH);
    cr_assert_eq(calls, 0);
    cr_assert_str_eq(err.msg, "no credentials for mimecast");
}

Test(client_http, same_seed_same_waits)
{
    const struct step s[] = {{CM_ECONN, 0, NULL, NULL, 7}};
    struct cm_err err = {{0}};
    int64_t first;

    play(s, 1);
    get(NULL, &err);
    first = rc_clock_fake_slept(clk);
    teardown();
    setup();
    play(s, 1);
    get(NULL, &err);
    cr_assert_eq(rc_clock_fake_slept(clk), first);
    cr_assert_gt(first, 0);
}

Test(client_http, headers_set_replaces_every_line_of_that_name)
{
    struct rc_headers h;

    rc_headers_init(&h);
    cr_assert_null(rc_headers_list(&h)[0], "an empty list is still NULL-terminated");
    rc_headers_add_line(&h, "Accept: a");
    rc_headers_add_line(&h, "authorization: x");
    rc_headers_add_line(&h, "Authorization: y");
    rc_headers_set(&h, "Authorization", "Bearer z");
    cr_assert_eq(h.n, 2);
    cr_assert_str_eq(rc_headers_list(&h)[0], "Accept: a");
    cr_assert_str_eq(rc_headers_list(&h)[1], "Authorization: Bearer z");
    cr_assert_null(rc_headers_list(&h)[2]);
    cr_assert_str_eq(rc_headers_get(&h, "AUTHORIZATION"), "Bearer z");
    cr_assert_str_eq(rc_headers_get(&h, "accept"), "a");
    cr_assert_null(rc_headers_get(&h, "Accept-Encoding"), "a longer name must not match");
    rc_headers_release(&h);
}

Test(client_http, retryable_statuses)
{
    cr_assert(rc_http_status_retryable(429));
    cr_assert(rc_http_status_retryable(500));
    cr_assert(rc_http_status_retryable(503));
    cr_assert(rc_http_status_retryable(599));
    cr_assert_not(rc_http_status_retryable(200));
    cr_assert_not(rc_http_status_retryable(404));
    cr_assert_not(rc_http_status_retryable(428));
}
