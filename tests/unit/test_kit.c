/*
 * test_kit.c: the mock kit's parts that need no socket: journal ring and counts,
 * faults, router, query redaction, address ranges.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "mock/kit/fault.h"
#include "mock/kit/http.h"
#include "mock/kit/journal.h"
#include "mock/kit/netaddr.h"

static void add(struct mk_journal *j, const char *path, int status, const char *verdict)
{
    mk_journal_add(j, 1000, 5, status, "demo", "GET", path, "", verdict, "127.0.0.1", "");
}

Test(journal, ring_drops_oldest_and_counts)
{
    struct mk_journal j;
    struct mk_journal_filter f = {0};
    cJSON *doc, *first;

    mk_journal_init(&j, 3);
    for (int i = 0; i < 5; i++)
        add(&j, i % 2 ? "/odd" : "/even", 200, "ok");
    doc = mk_journal_query(&j, &f);
    cr_assert_eq(cm_json_num(doc, "total", -1), 3);
    cr_assert_eq(cm_json_num(doc, "dropped", -1), 2);
    first = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "entries"), 0);
    cr_assert_eq(cm_json_num(first, "seq", -1), 3);
    cJSON_Delete(doc);
    mk_journal_clear(&j);
    doc = mk_journal_query(&j, &f);
    cr_assert_eq(cm_json_num(doc, "total", -1), 0);
    cr_assert_eq(cm_json_num(doc, "dropped", -1), 0);
    cJSON_Delete(doc);
    add(&j, "/after", 200, "ok");
    doc = mk_journal_query(&j, &f);
    cr_assert_eq(cm_json_num(doc, "total", -1), 1);
    cJSON_Delete(doc);
    mk_journal_release(&j);
}

Test(journal, filters_and_limit_keep_newest)
{
    struct mk_journal j;
    struct mk_journal_filter f = {0};
    cJSON *doc, *e;

    mk_journal_init(&j, 100);
    add(&j, "/a", 200, "ok");
    add(&j, "/b", 401, "invalid_token");
    add(&j, "/a", 200, "ok");
    add(&j, "/a/x", 500, "fault:status");
    f.path = "/a";
    doc = mk_journal_query(&j, &f);
    cr_assert_eq(cm_json_num(doc, "total", -1), 2);
    cJSON_Delete(doc);
    f.path = "/a*";
    f.limit = 2;
    doc = mk_journal_query(&j, &f);
    cr_assert_eq(cm_json_num(doc, "total", -1), 2);
    e = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "entries"), 1);
    cr_assert_str_eq(cm_json_str(e, "path", ""), "/a/x");
    cJSON_Delete(doc);
    memset(&f, 0, sizeof(f));
    f.verdict = "invalid_token";
    f.status = 401;
    doc = mk_journal_query(&j, &f);
    cr_assert_eq(cm_json_num(doc, "total", -1), 1);
    cJSON_Delete(doc);
    memset(&f, 0, sizeof(f));
    f.since_seq = 3;
    doc = mk_journal_query(&j, &f);
    cr_assert_eq(cm_json_num(doc, "total", -1), 1);
    cJSON_Delete(doc);
    mk_journal_release(&j);
}

/* stored is orig cut to a prefix and the marker "...(+N)", N the bytes cut. */
static void assert_cut(const char *stored, const char *orig)
{
    const char *mark = strstr(stored, "...(+");
    unsigned long cut = 0;

    cr_assert_not_null(mark, "'%s' has no marker", stored);
    cr_assert_eq(sscanf(mark, "...(+%lu)", &cut), 1);
    cr_assert_eq((size_t)(mark - stored) + cut, strlen(orig), "'%s'", stored);
    cr_assert_eq(strncmp(stored, orig, (size_t)(mark - stored)), 0);
}

/* A slot is fixed: strings over their share are cut with a marker, the rest kept whole. */
Test(journal, long_strings_are_cut_with_a_marker)
{
    struct mk_journal j;
    struct mk_journal_filter f = {0};
    char path[301], fits[256], query[1001], detail[201];
    cJSON *doc, *e;
    const char *s;

    memset(path, 'p', sizeof(path) - 1);
    path[0] = '/';
    path[sizeof(path) - 1] = '\0';
    memcpy(fits, path, sizeof(fits) - 1);
    fits[sizeof(fits) - 1] = '\0';
    memset(query, 'q', sizeof(query) - 1);
    query[sizeof(query) - 1] = '\0';
    for (size_t i = 0; i + 2 < sizeof(detail); i += 2)
        memcpy(detail + i, "\xc3\xa9", 2); /* U+00E9, two bytes */
    detail[sizeof(detail) - 1] = '\0';
    mk_journal_init(&j, 4);
    mk_journal_add(&j, 1000, 5, 200, "demo", "GET", path, query, "ok", "127.0.0.1", detail);
    mk_journal_add(&j, 1000, 5, 200, "demo", "GET", fits, "a=1", "ok", "127.0.0.1", "note");
    doc = mk_journal_query(&j, &f);
    e = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "entries"), 0);
    s = cm_json_str(e, "path", "");
    cr_assert_lt(strlen(s), 256);
    assert_cut(s, path);
    s = cm_json_str(e, "detail", "");
    cr_assert_lt(strlen(s), 128);
    assert_cut(s, detail);
    cr_assert_eq((strstr(s, "...") - s) % 2, 0, "cut inside a character: '%s'", s);
    assert_cut(cm_json_str(e, "query", ""), query);
    cr_assert_str_eq(cm_json_str(e, "service", ""), "demo");
    cr_assert_str_eq(cm_json_str(e, "verdict", ""), "ok");
    cr_assert_str_eq(cm_json_str(e, "peer", ""), "127.0.0.1");
    e = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "entries"), 1);
    cr_assert_str_eq(cm_json_str(e, "path", ""), fits);
    cr_assert_str_eq(cm_json_str(e, "query", ""), "a=1");
    cr_assert_str_eq(cm_json_str(e, "detail", ""), "note");
    cJSON_Delete(doc);
    /* a path that fits is found by an exact filter */
    f.path = fits;
    doc = mk_journal_query(&j, &f);
    cr_assert_eq(cm_json_num(doc, "total", -1), 1);
    cJSON_Delete(doc);
    mk_journal_release(&j);
}

/* The count of the row (service, status, verdict) in a counts document, or -1. */
static double row(const cJSON *doc, const char *service, int status, const char *verdict)
{
    const cJSON *r;

    cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "counts"))
    {
        if (strcmp(cm_json_str(r, "service", ""), service) == 0 &&
            cm_json_num(r, "status", 0) == status &&
            strcmp(cm_json_str(r, "verdict", ""), verdict) == 0)
            return cm_json_num(r, "count", -1);
    }
    return -1;
}

Test(journal, counts_keep_what_the_ring_drops)
{
    struct mk_journal j;
    cJSON *doc, *first;

    mk_journal_init(&j, 3);
    for (int i = 0; i < 7; i++)
        add(&j, "/p", i % 3 ? 200 : 503, i % 3 ? "ok" : "fault:status");
    mk_journal_add(&j, 1000, 5, 0, "alpha", "GET", "/x", "", "fault:reset", "", "");
    doc = mk_journal_counts(&j);
    cr_assert_eq(cm_json_num(doc, "total", -1), 8);
    cr_assert_eq(cm_json_num(doc, "held", -1), 3);
    cr_assert_eq(cm_json_num(doc, "dropped", -1), 5);
    cr_assert_eq(cm_json_num(doc, "other", -1), 0);
    cr_assert_eq(row(doc, "demo", 200, "ok"), 4);
    cr_assert_eq(row(doc, "demo", 503, "fault:status"), 3);
    cr_assert_eq(row(doc, "alpha", 0, "fault:reset"), 1);
    /* sorted by service, then status */
    first = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "counts"), 0);
    cr_assert_str_eq(cm_json_str(first, "service", ""), "alpha");
    first = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "counts"), 1);
    cr_assert_eq(cm_json_num(first, "status", 0), 200);
    cJSON_Delete(doc);
    mk_journal_clear(&j);
    doc = mk_journal_counts(&j);
    cr_assert_eq(cm_json_num(doc, "total", -1), 0);
    cr_assert_eq(cm_json_num(doc, "held", -1), 0);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "counts")), 0);
    cJSON_Delete(doc);
    add(&j, "/p", 200, "ok");
    doc = mk_journal_counts(&j);
    cr_assert_eq(row(doc, "demo", 200, "ok"), 1);
    cJSON_Delete(doc);
    mk_journal_release(&j);
}

Test(journal, counts_past_a_full_table_go_to_other)
{
    struct mk_journal j;
    char verdict[32];
    cJSON *doc;

    mk_journal_init(&j, 10);
    for (int i = 0; i < MK_JOURNAL_COUNT_ROWS + 20; i++) {
        snprintf(verdict, sizeof(verdict), "v%d", i);
        add(&j, "/p", 400, verdict);
    }
    add(&j, "/p", 400, "v0");
    doc = mk_journal_counts(&j);
    cr_assert_eq(cm_json_num(doc, "total", -1), MK_JOURNAL_COUNT_ROWS + 21);
    cr_assert_eq(cm_json_num(doc, "other", -1), 20);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "counts")), MK_JOURNAL_COUNT_ROWS);
    cr_assert_eq(row(doc, "demo", 400, "v0"), 2);
    cJSON_Delete(doc);
    mk_journal_release(&j);
}

#define ADDERS    4
#define EACH_ADDS 20000

static void *adder(void *arg)
{
    struct mk_journal *j = arg;

    for (int i = 0; i < EACH_ADDS; i++)
        add(j, "/p", i % 2 ? 200 : 429, i % 2 ? "ok" : "rate_limited");
    return NULL;
}

/* Threads adding at once lose no count (the TSan build checks the locking). */
Test(journal, counts_from_many_threads_add_up)
{
    struct mk_journal j;
    pthread_t t[ADDERS];
    cJSON *doc;

    mk_journal_init(&j, 1000);
    for (int i = 0; i < ADDERS; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, adder, &j), 0);
    for (int i = 0; i < ADDERS; i++)
        pthread_join(t[i], NULL);
    doc = mk_journal_counts(&j);
    cr_assert_eq(cm_json_num(doc, "total", -1), ADDERS * EACH_ADDS);
    cr_assert_eq(cm_json_num(doc, "held", -1) + cm_json_num(doc, "dropped", -1),
                 ADDERS * EACH_ADDS);
    cr_assert_eq(row(doc, "demo", 200, "ok"), ADDERS * EACH_ADDS / 2);
    cr_assert_eq(row(doc, "demo", 429, "rate_limited"), ADDERS * EACH_ADDS / 2);
    cJSON_Delete(doc);
    mk_journal_release(&j);
}

Test(journal, redacts_secret_query_values)
{
    char out[256];

    mk_redact_query("token=abc&name=x&client_secret=s&apiKey=k", out, sizeof(out));
    cr_assert_str_eq(out, "token=***&name=x&client_secret=***&apiKey=***");
    mk_redact_query("", out, sizeof(out));
    cr_assert_str_eq(out, "");
    mk_redact_query("op=list&token=0123456789", out, 12);
    cr_assert_eq(strlen(out), 11);
    cr_assert_null(strstr(out, "0123"));
}

static cJSON *spec(const char *s)
{
    cJSON *j = cm_json_parse(s, strlen(s), "spec", NULL);
    cr_assert_not_null(j);
    return j;
}

Test(fault, count_limits_firing)
{
    struct mk_faults f;
    struct mk_fault_hit hit;
    cJSON *s = spec("{\"service\":\"demo\",\"path\":\"/items*\",\"kind\":\"status\","
                    "\"status\":503,\"body\":{\"e\":1},\"count\":2}");

    mk_faults_init(&f);
    cr_assert_eq(mk_faults_arm(&f, s, NULL), 1);
    cr_assert_eq(mk_faults_match(&f, "demo", "GET", "/ping", &hit), 0);
    cr_assert_eq(mk_faults_match(&f, "other", "GET", "/items", &hit), 0);
    cr_assert_eq(mk_faults_match(&f, "demo", "GET", "/items/a", &hit), 1);
    cr_assert_eq(hit.status, 503);
    cr_assert_str_eq(hit.body, "{\"e\":1}");
    cr_assert_str_eq(hit.content_type, "application/json");
    mk_fault_hit_release(&hit);
    cr_assert_eq(mk_faults_match(&f, "demo", "POST", "/items", &hit), 1);
    mk_fault_hit_release(&hit);
    cr_assert_eq(mk_faults_match(&f, "demo", "GET", "/items", &hit), 0);
    cJSON_Delete(s);
    mk_faults_release(&f);
}

Test(fault, after_lets_the_first_requests_through)
{
    struct mk_faults f;
    struct mk_fault_hit hit;
    cJSON *s = spec("{\"service\":\"demo\",\"path\":\"/items\",\"kind\":\"reset\","
                    "\"after\":3,\"count\":1}");
    cJSON *list;

    mk_faults_init(&f);
    cr_assert_eq(mk_faults_arm(&f, s, NULL), 1);
    cr_assert_eq(mk_faults_match(&f, "demo", "GET", "/ping", &hit), 0, "others do not count");
    for (int i = 0; i < 3; i++)
        cr_assert_eq(mk_faults_match(&f, "demo", "GET", "/items", &hit), 0, "request %d", i + 1);
    list = mk_faults_list(&f);
    cr_assert_null(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(list, "faults"), 0), "after"));
    cJSON_Delete(list);
    cr_assert_eq(mk_faults_match(&f, "demo", "GET", "/items", &hit), 1, "the fourth fires");
    cr_assert_eq(hit.kind, MK_FAULT_RESET);
    mk_fault_hit_release(&hit);
    cr_assert_eq(mk_faults_match(&f, "demo", "GET", "/items", &hit), 0, "count spent");
    cJSON_Delete(s);
    mk_faults_release(&f);
}

Test(fault, probability_is_reproducible_with_seed)
{
    struct mk_faults a, b;
    struct mk_fault_hit hit;
    cJSON *s = spec("{\"service\":\"demo\",\"kind\":\"reset\",\"probability\":0.3,\"seed\":7}");
    int fired_a = 0, same = 1;

    mk_faults_init(&a);
    mk_faults_init(&b);
    mk_faults_arm(&a, s, NULL);
    mk_faults_arm(&b, s, NULL);
    for (int i = 0; i < 1000; i++) {
        int x = mk_faults_match(&a, "demo", "GET", "/", &hit);
        mk_fault_hit_release(&hit);
        int y = mk_faults_match(&b, "demo", "GET", "/", &hit);
        mk_fault_hit_release(&hit);
        fired_a += x;
        same &= x == y;
    }
    cr_assert(same);
    cr_assert(fired_a > 200 && fired_a < 400, "fired %d of 1000 at p=0.3", fired_a);
    cJSON_Delete(s);
    mk_faults_release(&a);
    mk_faults_release(&b);
}

Test(fault, bad_specs_name_the_member)
{
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"[]", "expected a JSON object"},
        {"{\"kind\":\"reset\"}", "fault.service: required"},
        {"{\"service\":\"d\",\"kind\":\"boom\"}", "fault.kind"},
        {"{\"service\":\"d\",\"kind\":\"status\"}", "fault.status: required"},
        {"{\"service\":\"d\",\"kind\":\"status\",\"status\":99}", "fault.status"},
        {"{\"service\":\"d\",\"kind\":\"delay\",\"delay\":\"soon\"}", "fault.delay"},
        {"{\"service\":\"d\",\"kind\":\"reset\",\"count\":0}", "fault.count"},
        {"{\"service\":\"d\",\"kind\":\"reset\",\"after\":-1}", "fault.after"},
        {"{\"service\":\"d\",\"kind\":\"reset\",\"probability\":2}", "fault.probability"},
        {"{\"service\":\"d\",\"kind\":\"reset\",\"colour\":1}", "fault.colour: unknown"},
    };
    struct mk_faults f;
    struct cm_err err;

    mk_faults_init(&f);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *s = spec(cases[i].json);
        cr_assert_lt(mk_faults_arm(&f, s, &err), 0, "%s", cases[i].json);
        cr_assert(strstr(err.msg, cases[i].want) != NULL, "%s: got '%s'", cases[i].json, err.msg);
        cJSON_Delete(s);
    }
    cJSON *list = mk_faults_list(&f);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(list, "faults")), 0);
    cJSON_Delete(list);
    mk_faults_release(&f);
}

Test(fault, reset_armed_per_service_until_spent_or_cleared)
{
    struct mk_faults f;
    struct mk_fault_hit hit;
    cJSON *st = spec("{\"service\":\"demo\",\"kind\":\"status\",\"status\":503}");
    cJSON *rs = spec("{\"service\":\"demo\",\"path\":\"/items\",\"kind\":\"reset\","
                     "\"after\":1,\"count\":1,\"probability\":1}");

    mk_faults_init(&f);
    cr_assert_eq(mk_faults_reset_armed(&f, "demo"), 0, "nothing armed");
    mk_faults_arm(&f, st, NULL);
    cr_assert_eq(mk_faults_reset_armed(&f, "demo"), 0, "another kind");
    mk_faults_arm(&f, rs, NULL);
    cr_assert_eq(mk_faults_reset_armed(&f, "demo"), 1, "whatever its path and after");
    cr_assert_eq(mk_faults_reset_armed(&f, "other"), 0, "another service");
    mk_faults_clear(&f, 1); /* the status fault: the reset is reached now */
    cr_assert_eq(mk_faults_match(&f, "demo", "GET", "/items", &hit), 0, "after 1");
    cr_assert_eq(mk_faults_reset_armed(&f, "demo"), 1);
    cr_assert_eq(mk_faults_match(&f, "demo", "GET", "/items", &hit), 1);
    mk_fault_hit_release(&hit);
    cr_assert_eq(mk_faults_reset_armed(&f, "demo"), 0, "spent");
    mk_faults_arm(&f, rs, NULL);
    cr_assert_eq(mk_faults_clear(&f, 0), 0);
    cr_assert_eq(mk_faults_reset_armed(&f, "demo"), 0, "cleared");
    cJSON_Delete(st);
    cJSON_Delete(rs);
    mk_faults_release(&f);
}

/* A delay is held after its fault fired; a clear in between must still end it. The hit
 * carries the clear count of the moment it fired, so the holder cannot miss that clear. */
Test(fault, a_hit_remembers_the_clears_before_it)
{
    struct mk_faults f;
    struct mk_fault_hit hit;
    cJSON *s = spec("{\"service\":\"demo\",\"kind\":\"delay\",\"delay\":\"10m\"}");

    mk_faults_init(&f);
    mk_faults_arm(&f, s, NULL);
    cr_assert_eq(mk_faults_match(&f, "demo", "GET", "/ping", &hit), 1);
    cr_assert_eq(hit.cleared, atomic_load(&f.cleared));
    cr_assert_eq(mk_faults_clear(&f, 0), 0);
    cr_assert_neq(hit.cleared, atomic_load(&f.cleared), "the clear after it fired shows");
    mk_fault_hit_release(&hit);
    cJSON_Delete(s);
    mk_faults_release(&f);
}

Test(fault, clear_one_and_all)
{
    struct mk_faults f;
    cJSON *s = spec("{\"service\":\"demo\",\"kind\":\"reset\"}");
    int a, b;

    mk_faults_init(&f);
    a = mk_faults_arm(&f, s, NULL);
    b = mk_faults_arm(&f, s, NULL);
    cr_assert_eq(mk_faults_clear(&f, a), 0);
    cr_assert_eq(mk_faults_clear(&f, a), CM_ENOENT);
    cJSON *list = mk_faults_list(&f);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(list, "faults")), 1);
    cJSON_Delete(list);
    cr_assert_eq(mk_faults_clear(&f, 0), 0);
    cr_assert_eq(mk_faults_clear(&f, b), CM_ENOENT);
    cJSON_Delete(s);
    mk_faults_release(&f);
}

static int calls;

static int declines(struct mk_request *req, struct mk_response *resp)
{
    (void)req;
    (void)resp;
    calls++;
    return MK_DECLINED;
}

static int answers(struct mk_request *req, struct mk_response *resp)
{
    calls++;
    mk_resp_text(resp, 200, "text/plain", req->path);
    return MK_DONE;
}

static const struct mk_route routes[] = {
    {"GET", "/a", declines},       {"GET", "/a", answers}, {"POST", "/p/*", answers},
    {"GET", "/only-get", answers}, {NULL, NULL, NULL},
};

static int dispatch(const char *method, const char *path, struct mk_response *resp)
{
    struct mk_request req;

    mk_req_fake(&req, method, path, NULL, NULL, NULL);
    mk_resp_init(resp);
    mk_route_dispatch(routes, &req, resp);
    mk_req_fake_release(&req);
    return resp->status;
}

Test(router, declined_falls_through_and_prefix_matches)
{
    struct mk_response resp;

    calls = 0;
    cr_assert_eq(dispatch("GET", "/a", &resp), 200);
    cr_assert_eq(calls, 2);
    mk_resp_release(&resp);
    cr_assert_eq(dispatch("POST", "/p/x/y", &resp), 200);
    cr_assert_str_eq(cm_buf_str(&resp.body), "/p/x/y");
    mk_resp_release(&resp);
}

Test(router, unknown_path_404_wrong_method_405)
{
    struct mk_response resp;

    cr_assert_eq(dispatch("GET", "/nope", &resp), 404);
    cr_assert(strstr(cm_buf_str(&resp.body), "not_found") != NULL);
    mk_resp_release(&resp);
    cr_assert_eq(dispatch("DELETE", "/only-get", &resp), 405);
    cr_assert(strstr(cm_buf_str(&resp.body), "method_not_allowed") != NULL);
    mk_resp_release(&resp);
}

Test(request, fake_headers_and_query)
{
    const char *headers[] = {"X-Mc-Date: Tue, 24 Nov 2015 12:50:11 UTC", "Accept: */*", NULL};
    struct mk_request req;

    mk_req_fake(&req, "GET", "/x", headers, "a=1&b=&c", "");
    cr_assert_str_eq(mk_req_header(&req, "x-mc-date"), "Tue, 24 Nov 2015 12:50:11 UTC");
    cr_assert_null(mk_req_header(&req, "Authorization"));
    cr_assert_str_eq(mk_req_query(&req, "a"), "1");
    cr_assert_str_eq(mk_req_query(&req, "b"), "");
    cr_assert_str_eq(mk_req_query(&req, "c"), "");
    cr_assert_null(mk_req_query(&req, "d"));
    mk_req_fake_release(&req);
}

Test(netaddr, cidr_matching)
{
    cr_assert_eq(mk_cidr_match("127.0.0.0/8", "127.0.0.9"), 1);
    cr_assert_eq(mk_cidr_match("127.0.0.1/32", "127.0.0.9"), 0);
    cr_assert_eq(mk_cidr_match("10.1.0.0/16", "10.1.255.1"), 1);
    cr_assert_eq(mk_cidr_match("10.1.0.0/16", "10.2.0.1"), 0);
    cr_assert_eq(mk_cidr_match("203.0.113.7", "203.0.113.7"), 1);
    cr_assert_eq(mk_cidr_match("0.0.0.0/0", "8.8.8.8"), 1);
    cr_assert_eq(mk_cidr_match("2001:db8::/32", "2001:db8:1::5"), 1);
    cr_assert_eq(mk_cidr_match("2001:db8::/32", "2001:db9::5"), 0);
    cr_assert_eq(mk_cidr_match("127.0.0.0/8", "::ffff:127.0.0.5"), 1);
    cr_assert_eq(mk_cidr_match("10.0.0.0/8", "::1"), 0);
    cr_assert_lt(mk_cidr_match("10.0.0.0/33", "10.0.0.1"), 0);
    cr_assert_lt(mk_cidr_match("banana", "10.0.0.1"), 0);
    cr_assert_lt(mk_cidr_match("10.0.0.0/8", "10.0.0.1/8"), 0);
    cr_assert_eq(mk_cidr_valid("192.168.0.0/24"), 0);
    cr_assert_neq(mk_cidr_valid("192.168.0.0/"), 0);
}
