/*
 * test_runtime.c: the mock runtime in-process on ephemeral ports, called
 * over real sockets with libcurl (through cm_http): admin API, faults, body
 * limit, TLS, admin token, reset.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/http.h"
#include "common/json.h"
#include "mock/kit/runtime.h"
#include "mock/kit/tls.h"

static struct mk_runtime *rt;
static char demo_url[128];

static struct mk_runtime *start(const struct mk_runtime_config *cfg, int tls)
{
    struct cm_err err = {{0}};
    struct mk_runtime *r = mk_runtime_new(cfg);
    static const char text[] = "{\"demo\":{\"token\":\"t0k\",\"allow\":[\"127.0.0.1\"],"
                               "\"items\":{\"a\":{\"value\":1}}}}";
    cJSON *state = cm_json_parse(text, sizeof(text) - 1, "state", NULL);

    cr_assert_not_null(state);
    cr_assert_eq(mk_runtime_add(r, "demo", 0, tls, &err), 0, "%s", err.msg);
    cr_assert_eq(mk_runtime_load(r, state, &err), 0, "%s", err.msg);
    cr_assert_eq(mk_runtime_start(r, &err), 0, "%s", err.msg);
    cJSON_Delete(state);
    snprintf(demo_url, sizeof(demo_url), "%s", mk_runtime_find(r, "demo")->url);
    return r;
}

static void setup(void)
{
    struct mk_runtime_config cfg = {0};

    cm_http_global_init();
    cfg.body_max = 1024;
    cfg.journal_max = 50;
    rt = start(&cfg, 0);
}

static void teardown(void)
{
    mk_runtime_free(rt);
    rt = NULL;
}

/* One call; returns the status and leaves the body parsed in *out (or NULL). */
static long call(const char *method, const char *base, const char *path, const char *body,
                 const char *source, cJSON **out)
{
    struct cm_http_request req = {0};
    struct cm_http_response resp;
    char url[256];
    long status;

    snprintf(url, sizeof(url), "%s%s", base, path);
    req.method = method;
    req.url = url;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    req.source_addr = source;
    req.timeout_ms = 5000;
    req.ca_file = mk_runtime_ca_file(rt);
    cm_http_response_init(&resp);
    cm_http_perform(&req, &resp);
    status = resp.status;
    if (out)
        *out = cm_json_parse(resp.body.data ? resp.body.data : "", resp.body.len, "resp", NULL);
    cm_http_response_release(&resp);
    return status;
}

static const char *admin(void)
{
    return mk_runtime_admin_url(rt);
}

TestSuite(runtime, .init = setup, .fini = teardown);

Test(runtime, health_and_services)
{
    cJSON *doc;

    cr_assert_eq(call("GET", admin(), "/health", NULL, NULL, &doc), 200);
    cr_assert_str_eq(cm_json_str(doc, "status", ""), "ok");
    cr_assert_str_eq(cm_json_str(cJSON_GetObjectItem(doc, "services"), "demo", ""), demo_url);
    cJSON_Delete(doc);
    cr_assert_eq(call("GET", admin(), "/services", NULL, NULL, &doc), 200);
    cr_assert_str_eq(cm_json_str(cJSON_GetObjectItem(doc, "demo"), "type", ""), "demo");
    cJSON_Delete(doc);
}

Test(runtime, clock_set_freeze_advance_reaches_service)
{
    cJSON *doc;

    cr_assert_eq(call("POST", admin(), "/clock",
                      "{\"set\":\"2026-03-02T09:00:00Z\",\"freeze\":true,\"advance\":\"30m\"}",
                      NULL, &doc),
                 200);
    cr_assert_str_eq(cm_json_str(doc, "now", ""), "2026-03-02T09:30:00Z");
    cr_assert(cm_json_bool(doc, "frozen", 0));
    cJSON_Delete(doc);
    cr_assert_eq(call("GET", demo_url, "/ping", NULL, NULL, &doc), 200);
    cr_assert_str_eq(cm_json_str(doc, "now", ""), "2026-03-02T09:30:00Z");
    cJSON_Delete(doc);
}

/* Sets the clock (frozen) to `when`, GETs /ping and checks its Date header and body. */
static void ping_at(const char *when, const char *date, const char *now)
{
    struct cm_http_request req = {0};
    struct cm_http_response resp;
    char url[200], value[64], body[120];

    snprintf(body, sizeof(body), "{\"set\":\"%s\",\"freeze\":true}", when);
    cr_assert_eq(call("POST", admin(), "/clock", body, NULL, NULL), 200);
    snprintf(url, sizeof(url), "%s/ping", demo_url);
    req.url = url;
    cm_http_response_init(&resp);
    cr_assert_eq(cm_http_perform(&req, &resp), 0);
    cr_assert_eq(cm_http_header(&resp, "Date", value, sizeof(value)), 0);
    cr_assert_str_eq(value, date);
    snprintf(body, sizeof(body), "{\"pong\":true,\"now\":\"%s\"}", now);
    cr_assert_str_eq(cm_buf_str(&resp.body), body);
    cm_http_response_release(&resp);
}

Test(runtime, date_header_tells_virtual_time)
{
    ping_at("2026-03-02T09:00:00Z", "Mon, 02 Mar 2026 09:00:00 GMT", "2026-03-02T09:00:00Z");
    /* the next second, a fraction, then back: the header follows each move of the clock */
    ping_at("2026-03-02T09:00:01.250Z", "Mon, 02 Mar 2026 09:00:01 GMT",
            "2026-03-02T09:00:01.250Z");
    ping_at("1999-12-31T23:59:59Z", "Fri, 31 Dec 1999 23:59:59 GMT", "1999-12-31T23:59:59Z");
}

Test(runtime, clock_refuses_bad_members)
{
    cJSON *doc;

    cr_assert_eq(call("POST", admin(), "/clock", "{\"advance\":\"-5m\"}", NULL, &doc), 400);
    cJSON_Delete(doc);
    cr_assert_eq(call("POST", admin(), "/clock", "{\"set\":\"yesterday\"}", NULL, &doc), 400);
    cr_assert(strstr(cm_json_str(cJSON_GetObjectItem(doc, "error"), "message", ""), "clock.set") !=
              NULL);
    cJSON_Delete(doc);
    cr_assert_eq(call("POST", admin(), "/clock", "{\"speed\":2}", NULL, &doc), 400);
    cJSON_Delete(doc);
    cr_assert_eq(call("POST", admin(), "/clock", "{not json", NULL, &doc), 400);
    cr_assert_str_eq(cm_json_str(cJSON_GetObjectItem(doc, "error"), "code", ""), "invalid_json");
    cJSON_Delete(doc);
}

Test(runtime, state_patch_put_and_invalid_keeps_old)
{
    cJSON *doc;

    cr_assert_eq(
        call("PATCH", admin(), "/state/demo", "{\"items\":{\"b\":{\"value\":2}}}", NULL, &doc),
        200);
    cJSON_Delete(doc);
    cr_assert_eq(call("GET", demo_url, "/items/b", NULL, NULL, &doc), 200);
    cr_assert_eq(cm_json_num(doc, "value", 0), 2);
    cJSON_Delete(doc);
    cr_assert_eq(call("PUT", admin(), "/state/demo", "{\"allow\":[\"nonsense\"]}", NULL, &doc),
                 400);
    cr_assert_str_eq(cm_json_str(cJSON_GetObjectItem(doc, "error"), "code", ""), "invalid_state");
    cJSON_Delete(doc);
    cr_assert_eq(call("GET", demo_url, "/items/a", NULL, NULL, NULL), 200);
    cr_assert_eq(call("GET", admin(), "/state/nosuch", NULL, NULL, NULL), 404);
    cr_assert_eq(call("PUT", admin(), "/state/demo", "{\"items\":{}}", NULL, NULL), 200);
    cr_assert_eq(call("GET", demo_url, "/items/a", NULL, NULL, NULL), 404);
}

Test(runtime, journal_records_peer_status_verdict)
{
    cJSON *doc, *e;

    cr_assert_eq(call("GET", demo_url, "/secure", NULL, "127.0.0.1", NULL), 401);
    cr_assert_eq(call("GET", demo_url, "/secure", NULL, "127.0.0.7", NULL), 403);
    cr_assert_eq(call("GET", demo_url, "/secure", NULL, "127.255.10.109", NULL), 403);
    cr_assert_eq(call("GET", admin(), "/journal?service=demo&path=/secure", NULL, NULL, &doc), 200);
    cr_assert_eq(cm_json_num(doc, "total", 0), 3);
    e = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "entries"), 1);
    cr_assert_str_eq(cm_json_str(e, "peer", ""), "127.0.0.7");
    cr_assert_str_eq(cm_json_str(e, "verdict", ""), "ip_not_allowed");
    cr_assert_eq(cm_json_num(e, "status", 0), 403);
    e = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "entries"), 2);
    cr_assert_str_eq(cm_json_str(e, "peer", ""), "127.255.10.109", "every width of an octet");
    cJSON_Delete(doc);
    cr_assert_eq(call("DELETE", admin(), "/journal", NULL, NULL, NULL), 200);
    cr_assert_eq(call("GET", admin(), "/journal", NULL, NULL, &doc), 200);
    cr_assert_eq(cm_json_num(doc, "total", -1), 0);
    cJSON_Delete(doc);
}

Test(runtime, fault_status_then_normal)
{
    cJSON *doc;

    cr_assert_eq(call("POST", admin(), "/faults",
                      "{\"service\":\"demo\",\"path\":\"/ping\",\"kind\":\"status\","
                      "\"status\":503,\"body\":\"busy\",\"count\":1}",
                      NULL, &doc),
                 201);
    cr_assert_eq(cm_json_num(doc, "id", 0), 1);
    cJSON_Delete(doc);
    cr_assert_eq(call("GET", demo_url, "/ping", NULL, NULL, NULL), 503);
    cr_assert_eq(call("GET", demo_url, "/ping", NULL, NULL, NULL), 200);
    cr_assert_eq(call("GET", admin(), "/journal?verdict=fault:status", NULL, NULL, &doc), 200);
    cr_assert_eq(cm_json_num(doc, "total", 0), 1);
    cJSON_Delete(doc);
}

static void *delayed_ping(void *status)
{
    atomic_store((atomic_long *)status, call("GET", demo_url, "/ping", NULL, NULL, NULL));
    return NULL;
}

/* How many times the armed faults have fired, read through the admin API. */
static double fired(void)
{
    cJSON *doc = NULL;
    double n;

    cr_assert_eq(call("GET", admin(), "/faults", NULL, NULL, &doc), 200);
    n = cm_json_num(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "faults"), 0), "fired", -1);
    cJSON_Delete(doc);
    return n;
}

/* Arms a 10-minute delay on demo /ping and sends one from thread t; returns once the request
 * is held (the fault has fired: polled, not slept on). *status is -1 until it is answered. */
static void hold_a_ping(pthread_t *t, atomic_long *status)
{
    int polls;

    atomic_init(status, -1);
    cr_assert_eq(call("POST", admin(), "/faults",
                      "{\"service\":\"demo\",\"path\":\"/ping\",\"kind\":\"delay\","
                      "\"delay\":\"10m\"}",
                      NULL, NULL),
                 201);
    cr_assert_eq(pthread_create(t, NULL, delayed_ping, status), 0);
    for (polls = 0; polls < 10000 && fired() != 1; polls++)
        ;
    cr_assert_eq(fired(), 1, "the delayed request never arrived");
}

Test(runtime, clearing_faults_ends_a_delay_under_way)
{
    pthread_t t;
    atomic_long status;

    hold_a_ping(&t, &status);
    cr_assert_eq(call("DELETE", admin(), "/faults", NULL, NULL, NULL), 200);
    pthread_join(t, NULL);
    /* call() gives up after 5 s: a 200 means the 10-minute delay ended at the clear. */
    cr_assert_eq(atomic_load(&status), 200);
}

Test(runtime, a_delayed_request_does_not_hold_up_the_others)
{
    pthread_t t;
    atomic_long status;

    hold_a_ping(&t, &status);
    /* The listener has one thread: it serves the next client while the first one waits. */
    cr_assert_eq(call("GET", demo_url, "/items/a", NULL, NULL, NULL), 200);
    cr_assert_eq(atomic_load(&status), -1, "the delayed request was answered early");
    cr_assert_eq(call("DELETE", admin(), "/faults", NULL, NULL, NULL), 200);
    pthread_join(t, NULL);
    cr_assert_eq(atomic_load(&status), 200);
}

Test(runtime, stopping_ends_a_delay_under_way)
{
    pthread_t t;
    atomic_long status;

    hold_a_ping(&t, &status);
    /* Held for 10 minutes, it must not keep the runtime from stopping (the runner's
     * --timeout fails the test otherwise), and its client is let go. */
    mk_runtime_free(rt);
    rt = NULL;
    pthread_join(t, NULL);
    cr_assert_neq(atomic_load(&status), -1);
}

Test(runtime, fault_reset_and_truncate_fail_the_client)
{
    struct cm_http_request req = {0};
    struct cm_http_response resp;
    char url[200];
    cJSON *doc;

    call("POST", admin(), "/faults", "{\"service\":\"demo\",\"kind\":\"reset\",\"count\":1}", NULL,
         NULL);
    snprintf(url, sizeof(url), "%s/items", demo_url);
    req.url = url;
    req.timeout_ms = 5000;
    cm_http_response_init(&resp);
    cr_assert_neq(cm_http_perform(&req, &resp), 0);
    cr_assert_eq(resp.status, 0);
    call("POST", admin(), "/faults", "{\"service\":\"demo\",\"kind\":\"truncate\",\"count\":1}",
         NULL, NULL);
    cr_assert_neq(cm_http_perform(&req, &resp), 0);
    cr_assert_lt(resp.body.len, 20);
    call("POST", admin(), "/faults", "{\"service\":\"demo\",\"kind\":\"malformed\",\"count\":1}",
         NULL, NULL);
    cr_assert_eq(cm_http_perform(&req, &resp), 0);
    cr_assert_eq(resp.status, 200);
    cr_assert_null(cJSON_ParseWithLength(resp.body.data, resp.body.len));
    cr_assert_eq(cm_http_perform(&req, &resp), 0);
    doc = cJSON_ParseWithLength(resp.body.data, resp.body.len);
    cr_assert_not_null(doc, "after the faults the service answers normally");
    cJSON_Delete(doc);
    cm_http_response_release(&resp);
}

/* A GET of demo's /items with keep_alive; the status, or -1 when no answer came. */
static long kept_get(struct cm_http_response *resp)
{
    struct cm_http_request req = {0};
    char url[200];

    snprintf(url, sizeof(url), "%s/items", demo_url);
    req.url = url;
    req.timeout_ms = 5000;
    req.keep_alive = 1;
    return cm_http_perform(&req, resp) == 0 ? resp->status : -1;
}

Test(runtime, kept_connections_are_reused_until_released)
{
    struct cm_http_response resp;

    cm_http_response_init(&resp);
    cr_assert_eq(kept_get(&resp), 200);
    cr_assert_eq(resp.reused, 0, "the first exchange opens the connection");
    cr_assert_eq(kept_get(&resp), 200);
    cr_assert_eq(resp.reused, 1, "the second goes over the kept one");
    cr_assert_eq(call("GET", demo_url, "/items", NULL, NULL, NULL), 200);
    cr_assert_eq(kept_get(&resp), 200);
    cr_assert_eq(resp.reused, 1, "an exchange without keep_alive leaves the kept one alone");
    cm_http_thread_release();
    cr_assert_eq(kept_get(&resp), 200);
    cr_assert_eq(resp.reused, 0, "released: a new connection");
    cm_http_response_release(&resp);
    cm_http_thread_release();
}

/* libcurl sends a request again, once, when a kept connection dies before any byte of
 * the answer: a reset on a reused connection would never reach the client. While a
 * reset fault is armed the service closes its connections after each answer. */
Test(runtime, a_reset_fault_meets_a_new_connection)
{
    struct cm_http_response resp;
    char value[32];
    cJSON *doc;

    cm_http_response_init(&resp);
    cr_assert_eq(call("POST", admin(), "/faults",
                      "{\"service\":\"demo\",\"path\":\"/items\",\"kind\":\"reset\","
                      "\"after\":1,\"count\":1}",
                      NULL, NULL),
                 201);
    cr_assert_eq(kept_get(&resp), 200);
    cr_assert_eq(cm_http_header(&resp, "Connection", value, sizeof(value)), 0);
    cr_assert_str_eq(value, "close");
    cr_assert_eq(kept_get(&resp), -1, "the reset reaches the client");
    cr_assert_eq(resp.status, 0);
    cr_assert_eq(call("GET", admin(), "/journal?service=demo&path=/items", NULL, NULL, &doc), 200);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "entries")), 2,
                 "no request was sent twice");
    cJSON_Delete(doc);
    cr_assert_eq(kept_get(&resp), 200, "the fault is spent");
    cr_assert_neq(cm_http_header(&resp, "Connection", value, sizeof(value)), 0,
                  "no reset fault armed: connections are kept again");
    cr_assert_eq(kept_get(&resp), 200);
    cr_assert_eq(resp.reused, 1);
    cm_http_response_release(&resp);
    cm_http_thread_release();
}

Test(runtime, fault_status_carries_headers)
{
    struct cm_http_request req = {0};
    struct cm_http_response resp;
    char url[200], value[32];

    cr_assert_eq(call("POST", admin(), "/faults",
                      "{\"service\":\"demo\",\"kind\":\"status\",\"status\":429,"
                      "\"headers\":{\"Retry-After\":\"30\"},\"count\":1}",
                      NULL, NULL),
                 201);
    cr_assert_eq(call("POST", admin(), "/faults",
                      "{\"service\":\"demo\",\"kind\":\"status\",\"status\":429,"
                      "\"headers\":{\"Bad:Name\":\"x\"}}",
                      NULL, NULL),
                 400);
    snprintf(url, sizeof(url), "%s/ping", demo_url);
    req.url = url;
    cm_http_response_init(&resp);
    cr_assert_eq(cm_http_perform(&req, &resp), 0);
    cr_assert_eq(resp.status, 429);
    cr_assert_eq(cm_http_header(&resp, "retry-after", value, sizeof(value)), 0);
    cr_assert_str_eq(value, "30");
    cm_http_response_release(&resp);
}

Test(runtime, fault_bad_spec_and_unknown_service)
{
    cJSON *doc;

    cr_assert_eq(
        call("POST", admin(), "/faults", "{\"service\":\"ghost\",\"kind\":\"reset\"}", NULL, &doc),
        400);
    cr_assert(strstr(cm_json_str(cJSON_GetObjectItem(doc, "error"), "message", ""), "ghost"));
    cJSON_Delete(doc);
    cr_assert_eq(call("DELETE", admin(), "/faults/99", NULL, NULL, NULL), 404);
}

Test(runtime, oversized_body_413_and_keeps_serving)
{
    char big[4096];
    cJSON *doc;

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    cr_assert_eq(call("POST", demo_url, "/items", big, NULL, &doc), 413);
    cr_assert_str_eq(cm_json_str(cJSON_GetObjectItem(doc, "error"), "code", ""), "body_too_large");
    cJSON_Delete(doc);
    cr_assert_eq(call("POST", demo_url, "/items", "{\"id\":\"z\",\"value\":0}", NULL, NULL), 201);
}

Test(runtime, reset_restores_initial_state)
{
    call("POST", demo_url, "/items", "{\"id\":\"new\",\"value\":0}", NULL, NULL);
    call("POST", admin(), "/faults", "{\"service\":\"demo\",\"kind\":\"reset\"}", NULL, NULL);
    cr_assert_eq(call("POST", admin(), "/reset", "", NULL, NULL), 200);
    cr_assert_eq(call("GET", demo_url, "/items/new", NULL, NULL, NULL), 404);
    cr_assert_eq(call("GET", demo_url, "/items/a", NULL, NULL, NULL), 200);
}

Test(runtime, action_runs_console_operation)
{
    cJSON *doc;

    cr_assert_eq(call("POST", admin(), "/services/demo/actions/rotate-token", "", NULL, &doc), 200);
    cr_assert_not_null(cm_json_str(doc, "token", NULL));
    cJSON_Delete(doc);
    cr_assert_eq(call("POST", admin(), "/services/demo/actions/explode", "", NULL, &doc), 400);
    cJSON_Delete(doc);
}

Test(runtime, journal_ring_reports_drops)
{
    cJSON *doc;

    for (int i = 0; i < 60; i++)
        call("GET", demo_url, "/ping", NULL, NULL, NULL);
    cr_assert_eq(call("GET", admin(), "/journal", NULL, NULL, &doc), 200);
    cr_assert_eq(cm_json_num(doc, "total", 0), 50);
    cr_assert_eq(cm_json_num(doc, "dropped", 0), 10);
    cJSON_Delete(doc);
}

/* The counts outlive the 50-entry ring, break answers down by status and verdict, and are
 * emptied with the journal. */
Test(runtime, journal_counts_keep_every_answer)
{
    cJSON *doc, *rows, *r;

    cr_assert_eq(call("POST", admin(), "/faults",
                      "{\"service\":\"demo\",\"path\":\"/ping\",\"kind\":\"status\","
                      "\"status\":503,\"body\":\"busy\",\"count\":5}",
                      NULL, NULL),
                 201);
    for (int i = 0; i < 70; i++)
        call("GET", demo_url, "/ping", NULL, NULL, NULL);
    call("GET", demo_url, "/secure", NULL, "127.0.0.1", NULL);
    cr_assert_eq(call("GET", admin(), "/journal/counts", NULL, NULL, &doc), 200);
    cr_assert_eq(cm_json_num(doc, "total", -1), 71);
    cr_assert_eq(cm_json_num(doc, "held", -1), 50);
    cr_assert_eq(cm_json_num(doc, "dropped", -1), 21);
    rows = cJSON_GetObjectItem(doc, "counts");
    cr_assert_eq(cJSON_GetArraySize(rows), 3);
    r = cJSON_GetArrayItem(rows, 0);
    cr_assert_str_eq(cm_json_str(r, "service", ""), "demo");
    cr_assert_eq(cm_json_num(r, "status", 0), 200);
    cr_assert_str_eq(cm_json_str(r, "verdict", ""), "ok");
    cr_assert_eq(cm_json_num(r, "count", 0), 65);
    r = cJSON_GetArrayItem(rows, 1);
    cr_assert_eq(cm_json_num(r, "status", 0), 401);
    cr_assert_eq(cm_json_num(r, "count", 0), 1);
    r = cJSON_GetArrayItem(rows, 2);
    cr_assert_eq(cm_json_num(r, "status", 0), 503);
    cr_assert_str_eq(cm_json_str(r, "verdict", ""), "fault:status");
    cr_assert_eq(cm_json_num(r, "count", 0), 5);
    cJSON_Delete(doc);
    cr_assert_eq(call("DELETE", admin(), "/journal/counts", NULL, NULL, NULL), 405);
    cr_assert_eq(call("DELETE", admin(), "/journal", NULL, NULL, NULL), 200);
    cr_assert_eq(call("GET", admin(), "/journal/counts", NULL, NULL, &doc), 200);
    cr_assert_eq(cm_json_num(doc, "total", -1), 0);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "counts")), 0);
    cJSON_Delete(doc);
}

Test(runtime_tls, https_verified_against_generated_ca)
{
    struct mk_runtime_config cfg = {0};
    cJSON *doc;

    cm_http_global_init();
    rt = start(&cfg, 1);
    cr_assert_not_null(mk_runtime_ca_file(rt));
    cr_assert(strncmp(demo_url, "https://", 8) == 0);
    cr_assert_eq(call("GET", demo_url, "/ping", NULL, NULL, &doc), 200);
    cr_assert(cm_json_bool(doc, "pong", 0));
    cJSON_Delete(doc);
    teardown();
}

/* A GET of /ping on a runtime's demo service, trusting ca_file. */
static long ping_with(struct mk_runtime *r, const char *ca_file)
{
    struct cm_http_request req = {0};
    struct cm_http_response resp;
    char url[256];
    long status;

    snprintf(url, sizeof(url), "%s/ping", mk_runtime_find(r, "demo")->url);
    req.url = url;
    req.timeout_ms = 5000;
    req.ca_file = ca_file;
    cm_http_response_init(&resp);
    cm_http_perform(&req, &resp);
    status = resp.status;
    cm_http_response_release(&resp);
    return status;
}

static double clock_ms(clockid_t id)
{
    struct timespec t;

    clock_gettime(id, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* A client that connects to an HTTPS listener and says nothing yet (a process
 * still loading its TLS library) must cost the mock nothing while it waits:
 * libmicrohttpd's epoll mode spins through the handshake, its poll mode sleeps.
 * The spin shows as process CPU time close to the time waited. */
Test(runtime_tls, a_silent_client_costs_no_cpu)
{
    struct mk_runtime_config cfg = {0};
    struct sockaddr_in sa = {0};
    double wall, cpu;
    int fd;

    cm_http_global_init();
    rt = start(&cfg, 1);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)strtol(strrchr(demo_url, ':') + 1, NULL, 10));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    wall = clock_ms(CLOCK_MONOTONIC);
    cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
    usleep(300 * 1000);
    cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu;
    wall = clock_ms(CLOCK_MONOTONIC) - wall;
    close(fd);
    cr_assert_lt(cpu, wall / 4,
                 "the mock used %.0f ms of CPU in %.0f ms while a TLS client was silent", cpu,
                 wall);
    cr_assert_eq(ping_with(rt, mk_runtime_ca_file(rt)), 200, "the listener still answers");
    teardown();
}

/* The first runtime's listeners share one parsed leaf (mock/kit/tlscred.h); a
 * second runtime alive beside it, with its own CA, passes its PEMs to its
 * listeners instead; once both are gone the next one takes the shared slot. */
Test(runtime_tls, runtimes_side_by_side_serve_their_own_certificates)
{
    struct mk_runtime_config cfg = {0};
    struct mk_runtime *second, *third;

    cm_http_global_init();
    rt = start(&cfg, 1);
    second = start(&cfg, 1);
    cr_assert_str_neq(mk_runtime_ca_file(rt), mk_runtime_ca_file(second));
    cr_assert_eq(ping_with(rt, mk_runtime_ca_file(rt)), 200);
    cr_assert_eq(ping_with(second, mk_runtime_ca_file(second)), 200);
    cr_assert_eq(ping_with(second, mk_runtime_ca_file(rt)), 0, "the other runtime's CA verified");
    cr_assert_eq(ping_with(rt, mk_runtime_ca_file(second)), 0, "the other runtime's CA verified");
    mk_runtime_free(second);
    cr_assert_eq(ping_with(rt, mk_runtime_ca_file(rt)), 200);
    teardown();
    third = start(&cfg, 1);
    cr_assert_eq(ping_with(third, mk_runtime_ca_file(third)), 200);
    mk_runtime_free(third);
}

static void write_pem(const char *path, const char *pem)
{
    FILE *f = fopen(path, "w");

    cr_assert_not_null(f);
    cr_assert_eq(fputs(pem, f) >= 0, 1);
    cr_assert_eq(fclose(f), 0);
}

Test(runtime_tls, a_given_certificate_is_served)
{
    struct mk_runtime_config cfg = {0};
    struct mk_tls_material m;
    char dir[] = "/tmp/secmock-cert-XXXXXX", cert[64], key[64], ca[64];

    cm_http_global_init();
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
    snprintf(key, sizeof(key), "%s/key.pem", dir);
    snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
    cr_assert_eq(mk_tls_generate(NULL, &m, NULL), 0);
    write_pem(cert, m.cert_pem);
    write_pem(key, m.key_pem);
    write_pem(ca, m.ca_pem);
    cfg.cert_file = cert;
    cfg.key_file = key;
    cfg.ca_file = ca;
    rt = start(&cfg, 1);
    cr_assert_str_eq(mk_runtime_ca_file(rt), ca);
    cr_assert_eq(ping_with(rt, ca), 200);
    teardown();
    mk_tls_material_release(&m);
    unlink(cert), unlink(key), unlink(ca);
    rmdir(dir);
}

Test(runtime_token, admin_token_required_when_set)
{
    struct mk_runtime_config cfg = {0};
    struct cm_http_request req = {0};
    struct cm_http_response resp;
    const char *hdrs[] = {"Authorization: Bearer sesame", NULL};
    char url[200];

    cm_http_global_init();
    cfg.admin_token = "sesame";
    rt = start(&cfg, 0);
    cr_assert_eq(call("GET", admin(), "/health", NULL, NULL, NULL), 401);
    snprintf(url, sizeof(url), "%s/health", admin());
    req.url = url;
    req.headers = hdrs;
    cm_http_response_init(&resp);
    cr_assert_eq(cm_http_perform(&req, &resp), 0);
    cr_assert_eq(resp.status, 200);
    cm_http_response_release(&resp);
    teardown();
}

Test(runtime_token, non_loopback_admin_needs_token)
{
    struct mk_runtime_config cfg = {0};
    struct cm_err err = {{0}};
    struct mk_runtime *r;

    cfg.admin_bind = "0.0.0.0";
    r = mk_runtime_new(&cfg);
    cr_assert_eq(mk_runtime_add(r, "demo", 0, 0, &err), 0);
    cr_assert_eq(mk_runtime_start(r, &err), CM_EAUTH);
    cr_assert(strstr(err.msg, "without a token") != NULL, "%s", err.msg);
    mk_runtime_free(r);
}

Test(runtime_errors, unknown_service_and_bad_state)
{
    struct mk_runtime_config cfg = {0};
    struct cm_err err = {{0}};
    struct mk_runtime *r = mk_runtime_new(&cfg);
    cJSON *bad = cm_json_parse("{\"nosuch\":{}}", strlen("{\"nosuch\":{}}"), "s", NULL);

    cr_assert_eq(mk_runtime_add(r, "mars", 0, -1, &err), CM_ENOENT);
    cr_assert(strstr(err.msg, "unknown service 'mars'") != NULL, "%s", err.msg);
    cr_assert_eq(mk_runtime_add(r, "demo", 0, -1, &err), 0);
    cr_assert_eq(mk_runtime_add(r, "demo", 0, -1, &err), CM_EEXIST);
    cr_assert_eq(mk_runtime_load(r, bad, &err), CM_ENOENT);
    cr_assert(strstr(err.msg, "'nosuch' is not a service") != NULL, "%s", err.msg);
    cJSON_Delete(bad);
    mk_runtime_free(r);
}
