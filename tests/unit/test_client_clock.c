/*
 * test_client_clock.c: the client's clock sources. The admin clock is driven
 * through a fake transport standing in for `secmock serve`'s admin API: it
 * must read "now_ms", advance instead of sleeping, send the admin token, and
 * explain failures. And the HTTP layer's Retry-After wait, on the admin
 * clock, must become one POST /clock {"advance": 30000}.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "client/clock.h"
#include "client/http.h"
#include "common/json.h"
#include "common/timeutil.h"

/* The fake admin API: a frozen clock at now_ms, and what it was sent. */
static int64_t admin_now = 1772442000000LL;
static long admin_status = 200;
static int admin_down;
static int admin_calls;
static char last_method[8], last_url[256], last_body[256], last_auth[128];
static int service_calls; /* requests to the fake service, for the HTTP-layer test */

static int fake_admin(const struct cm_http_request *req, struct cm_http_response *resp)
{
    const char *const *h;

    cm_buf_reset(&resp->body);
    cm_buf_reset(&resp->headers);
    resp->error[0] = '\0';
    if (strstr(req->url, "/clock") == NULL) {
        /* The service under test: 429 with Retry-After: 30, then 200. */
        resp->status = service_calls++ == 0 ? 429 : 200;
        cm_buf_puts(&resp->headers, resp->status == 429 ? "HTTP/1.1 429 Too Many\r\nRetry-After: "
                                                          "30\r\n\r\n"
                                                        : "HTTP/1.1 200 OK\r\n\r\n");
        return 0;
    }
    admin_calls++;
    snprintf(last_method, sizeof(last_method), "%s", req->method ? req->method : "GET");
    snprintf(last_url, sizeof(last_url), "%s", req->url);
    snprintf(last_body, sizeof(last_body), "%.*s", (int)req->body_len, req->body ? req->body : "");
    last_auth[0] = '\0';
    for (h = req->headers; h && *h; h++)
        if (strncmp(*h, "Authorization:", 14) == 0)
            snprintf(last_auth, sizeof(last_auth), "%s", *h);
    if (admin_down) {
        snprintf(resp->error, sizeof(resp->error), "Failed to connect: Connection refused");
        return CM_ECONN;
    }
    resp->status = admin_status;
    if (admin_status != 200) {
        cm_buf_puts(&resp->body, "{\"error\":{\"code\":\"admin_token_required\","
                                 "\"message\":\"this admin API needs a token\"}}");
        return 0;
    }
    if (req->body) {
        cJSON *doc = cm_json_parse(req->body, req->body_len, "advance", NULL);
        cr_assert_not_null(doc);
        admin_now += (int64_t)cm_json_num(doc, "advance", 0);
        cJSON_Delete(doc);
    }
    cm_buf_printf(&resp->body, "{\"now\":\"x\",\"now_ms\":%lld,\"frozen\":true}",
                  (long long)admin_now);
    return 0;
}

static struct rc_clock *admin(const char *token)
{
    struct rc_clock *c = rc_clock_new_admin("http://127.0.0.1:40001/", token);

    c->transport = fake_admin;
    return c;
}

Test(client_clock, admin_now_reads_now_ms)
{
    struct rc_clock *c = admin(NULL);
    struct cm_err err = {{0}};
    int64_t now = 0;

    cr_assert(rc_clock_is_virtual(c));
    cr_assert_eq(rc_clock_now(c, &now, &err), 0, "%s", err.msg);
    cr_assert_eq(now, 1772442000000LL);
    cr_assert_str_eq(last_method, "GET");
    cr_assert_str_eq(last_url, "http://127.0.0.1:40001/clock", "the trailing '/' is dropped");
    cr_assert_str_eq(last_auth, "", "no token, no Authorization header");
    rc_clock_free(c);
}

Test(client_clock, admin_sleep_advances_the_mocks_clock)
{
    struct rc_clock *c = admin("adm1n");
    struct cm_err err = {{0}};
    int64_t t0 = cm_mono_us(), now = 0;

    cr_assert_eq(rc_sleep(c, 30 * 60 * 1000, &err), 0, "%s", err.msg);
    cr_assert_str_eq(last_method, "POST");
    cr_assert_str_eq(last_body, "{\"advance\": 1800000}");
    cr_assert_str_eq(last_auth, "Authorization: Bearer adm1n");
    cr_assert_eq(rc_clock_now(c, &now, &err), 0);
    cr_assert_eq(now, 1772442000000LL + 1800000);
    cr_assert_lt(cm_mono_us() - t0, 1000000, "30 virtual minutes must cost no wall time");
    rc_clock_free(c);
}

Test(client_clock, admin_zero_sleep_makes_no_call)
{
    struct rc_clock *c = admin(NULL);

    cr_assert_eq(rc_sleep(c, 0, NULL), 0);
    cr_assert_eq(rc_sleep(c, -5, NULL), 0);
    cr_assert_eq(admin_calls, 0);
    rc_clock_free(c);
}

Test(client_clock, admin_refusal_says_to_set_the_token)
{
    struct rc_clock *c = admin(NULL);
    struct cm_err err = {{0}};
    int64_t now = 0;

    admin_status = 401;
    cr_assert_eq(rc_clock_now(c, &now, &err), CM_EAUTH);
    cr_assert_str_eq(err.msg, "admin clock at 'http://127.0.0.1:40001/clock' answered 401 this "
                              "admin API needs a token; set SECMOCK_ADMIN_TOKEN to the mock's "
                              "admin token");
    rc_clock_free(c);
}

Test(client_clock, admin_unreachable_names_the_url)
{
    struct rc_clock *c = admin(NULL);
    struct cm_err err = {{0}};

    admin_down = 1;
    cr_assert_eq(rc_sleep(c, 1000, &err), CM_ECONN);
    cr_assert_str_eq(err.msg, "cannot reach the admin clock at 'http://127.0.0.1:40001/clock': "
                              "Failed to connect: Connection refused");
    rc_clock_free(c);
}

Test(client_clock, fake_clock_counts_what_it_slept)
{
    struct rc_clock *c = rc_clock_new_fake(1000);
    int64_t now = 0;

    cr_assert(rc_clock_is_virtual(c));
    cr_assert_eq(rc_sleep(c, 250, NULL), 0);
    cr_assert_eq(rc_sleep(c, 750, NULL), 0);
    cr_assert_eq(rc_clock_fake_slept(c), 1000);
    cr_assert_eq(rc_clock_now(c, &now, NULL), 0);
    cr_assert_eq(now, 2000);
    rc_clock_free(c);
}

Test(client_clock, wall_clock_is_the_system_time)
{
    struct rc_clock *c = rc_clock_new_wall();
    int64_t before = cm_wall_ms(), now = 0;

    cr_assert_not(rc_clock_is_virtual(c));
    cr_assert_eq(rc_clock_now(c, &now, NULL), 0);
    cr_assert_geq(now, before);
    cr_assert_leq(now, cm_wall_ms());
    cr_assert_eq(rc_clock_fake_slept(c), 0);
    rc_clock_free(c);
}

Test(client_clock, retry_after_on_the_admin_clock_advances_it)
{
    struct rc_clock *c = admin(NULL);
    struct rc_http_opts o = {0};
    struct rc_http *h;
    struct rc_http_req req = {0};
    struct cm_http_response resp;
    struct cm_err err = {{0}};
    int64_t t0 = cm_mono_us();

    rc_retry_policy_default(&o.retry, 1);
    h = rc_http_new(&o, c);
    h->transport = fake_admin;
    cm_http_response_init(&resp);
    req.url = "http://127.0.0.1:40002/items";
    cr_assert_eq(rc_http_do(h, &req, &resp, &err), 0, "%s", err.msg);
    cr_assert_eq(resp.status, 200);
    cr_assert_eq(service_calls, 2);
    cr_assert_eq(admin_calls, 1, "Retry-After in seconds needs no clock read, one advance");
    cr_assert_str_eq(last_body, "{\"advance\": 30000}");
    cr_assert_eq(admin_now, 1772442000000LL + 30000);
    cr_assert_lt(cm_mono_us() - t0, 1000000);
    cm_http_response_release(&resp);
    rc_http_free(h);
    rc_clock_free(c);
}
