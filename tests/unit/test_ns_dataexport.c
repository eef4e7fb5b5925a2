/*
 * test_ns_dataexport.c: the Netskope mock's v2 alert iterators
 * (mock/netskope/dataexport.c) called with fake requests on a virtual
 * clock: auth by header or Bearer, scopes, each operation (head, next, tail,
 * resend, epoch), pages, visibility of alerts as time passes, independent
 * indexes, wait_time and timestamp_hwm, RateLimit-* headers and the 429.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "test_ns_util.h"

#define MALWARE "/api/v2/events/dataexport/alerts/malware"
#define MALSITE "/api/v2/events/dataexport/alerts/malsite"
#define NOW_S   1772442000

static struct nsfx fx;
static const char *const auth[] = {"Netskope-Api-Token: V2TOK", NULL};

/* m5 is 100 s in the future: it "arrives" when the clock passes it. */
static const char state[] =
    "{\"v1_token\": \"V1TOK\", \"v2_token\": \"V2TOK\","
    " \"settings\": {\"page_size\": 2, \"wait_time\": 5, \"dataexport_rate\": {\"requests\": 0}},"
    " \"alerts\": {\"malware\": ["
    "   {\"_id\": \"m3\", \"timestamp\": 1772441500, \"sha256\": \"" NSFX_SHA_B "\"},"
    "   {\"_id\": \"m1\", \"timestamp\": 1772441000, \"md5\": \"" NSFX_MD5_C "\"},"
    "   {\"_id\": \"m2\", \"timestamp\": 1772441500, \"sha256\": \"" NSFX_SHA_A "\"},"
    "   {\"_id\": \"m4\", \"timestamp\": 1772441900},"
    "   {\"_id\": \"m5\", \"timestamp\": 1772442100}],"
    "  \"malsite\": [{\"_id\": \"s1\", \"timestamp\": 1772441000, \"url\": "
    "\"http://x.example\"}]}}";

static void setup(void)
{
    nsfx_load(&fx, state);
}

static void teardown(void)
{
    nsfx_free(&fx);
}

TestSuite(ns_export, .init = setup, .fini = teardown);

struct page {
    int status;
    char ids[256]; /* the _id of each record, comma-joined */
    int wait_time;
    long long hwm;
};

static struct page pull_at(const char *path, const char *query, int64_t offset_ms)
{
    struct mk_response r;
    struct page pg = {0};
    const cJSON *rec;
    cJSON *doc;
    size_t off = 0;

    pg.status = nsfx_call(&fx, "GET", path, auth, query, NULL, NSFX_NOW + offset_ms, &r);
    if (pg.status == 200) {
        doc = nsfx_body(&r);
        cr_assert_eq(cm_json_num(doc, "ok", 0), 1);
        cJSON_ArrayForEach(rec, cJSON_GetObjectItem(doc, "result")) off +=
            (size_t)snprintf(pg.ids + off, sizeof(pg.ids) - off, "%s%s", off ? "," : "",
                             cm_json_str(rec, "_id", "?"));
        pg.wait_time = (int)cm_json_num(doc, "wait_time", -1);
        pg.hwm = (long long)cm_json_num(doc, "timestamp_hwm", -1);
        cJSON_Delete(doc);
    }
    mk_resp_release(&r);
    return pg;
}

static struct page pull(const char *query)
{
    return pull_at(MALWARE, query, 0);
}

Test(ns_export, head_then_next_pages_in_order)
{
    struct page p = pull("index=ce&operation=head");

    cr_assert_eq(p.status, 200);
    cr_assert_str_eq(p.ids, "m1,m2");
    cr_assert_eq(p.wait_time, 0, "more are ready");
    cr_assert_eq(p.hwm, 1772441500, "the last record's time while more are ready");
    p = pull("index=ce&operation=next");
    cr_assert_str_eq(p.ids, "m3,m4", "same timestamp: ordered by _id");
    cr_assert_eq(p.wait_time, 5, "caught up: settings.wait_time");
    cr_assert_eq(p.hwm, NOW_S, "caught up: the virtual time");
    p = pull("index=ce&operation=next");
    cr_assert_str_eq(p.ids, "", "m5 is in the future");
    p = pull_at(MALWARE, "index=ce&operation=next", 100000);
    cr_assert_str_eq(p.ids, "m5", "advancing the clock makes it arrive");
    cr_assert_eq(p.hwm, NOW_S + 100);
}

Test(ns_export, response_shape_is_exact)
{
    struct mk_response r;

    fx.t->set.page_size = 1;
    cr_assert_eq(
        nsfx_call(&fx, "GET", MALWARE, auth, "index=ce&operation=head", NULL, NSFX_NOW, &r), 200);
    nsfx_body_is(
        &r, "{\"ok\":1,\"result\":[{\"_id\":\"m1\",\"timestamp\":1772441000,\"md5\":\"" NSFX_MD5_C
            "\",\"alert_type\":\"Malware\"}],\"wait_time\":0,\"timestamp_hwm\":1772441000}");
    cr_assert_str_eq(r.content_type, "application/json");
    cr_assert_str_eq(fx.verdict, "ok");
    cr_assert_str_eq(fx.detail, "index 'ce' malware head: 1 record(s), hwm 1772441000, more ready");
    mk_resp_release(&r);
}

Test(ns_export, resend_repeats_the_last_page_without_moving)
{
    struct page p;

    cr_assert_str_eq(pull("index=ce&operation=head").ids, "m1,m2");
    cr_assert_str_eq(pull("index=ce&operation=next").ids, "m3,m4");
    p = pull("index=ce&operation=resend");
    cr_assert_str_eq(p.ids, "m3,m4");
    cr_assert_str_eq(pull("index=ce&operation=resend").ids, "m3,m4", "again");
    cr_assert_str_eq(pull_at(MALWARE, "index=ce&operation=next", 100000).ids, "m5",
                     "next continues after the resent page");
}

Test(ns_export, resend_without_a_page_reads_like_next)
{
    fx.t->set.new_index_head = 1;
    cr_assert_str_eq(pull("index=fresh&operation=resend").ids, "m1,m2");
    cr_assert_str_eq(pull("index=fresh&operation=resend").ids, "m1,m2");
}

Test(ns_export, epoch_positions_the_iterator)
{
    struct page p = pull("index=ce&operation=1772441500");

    cr_assert_str_eq(p.ids, "m2,m3", "records at the epoch are included");
    cr_assert_str_eq(pull("index=ce&operation=next").ids, "m4");
    cr_assert_str_eq(pull("index=ce&operation=1772441501").ids, "m4");
    p = pull("index=ce&operation=1772442060");
    cr_assert_eq(p.status, 200, "Cloud Exchange checks a V2 token with now+60 s");
    cr_assert_str_eq(p.ids, "");
    cr_assert_str_eq(pull_at(MALWARE, "index=ce&operation=next", 100000).ids, "m5",
                     "positioned at the epoch, m5 (after it) comes next");
    cr_assert_str_eq(pull("index=ce&operation=0").ids, "m1,m2", "epoch 0 is the start");
}

Test(ns_export, tail_skips_what_is_there)
{
    struct page p = pull("index=ce&operation=tail");

    cr_assert_str_eq(p.ids, "");
    cr_assert_eq(p.wait_time, 5);
    cr_assert_str_eq(pull("index=ce&operation=next").ids, "");
    cr_assert_str_eq(pull_at(MALWARE, "index=ce&operation=next", 100000).ids, "m5");
}

Test(ns_export, new_index_next_starts_at_the_tail_unless_set_to_head)
{
    cr_assert_str_eq(pull("index=new1&operation=next").ids, "");
    cr_assert_str_eq(pull_at(MALWARE, "index=new1&operation=next", 100000).ids, "m5");
    fx.t->set.new_index_head = 1;
    cr_assert_str_eq(pull("index=new2&operation=next").ids, "m1,m2");
}

Test(ns_export, indexes_and_feeds_keep_their_own_positions)
{
    cr_assert_str_eq(pull("index=a&operation=head").ids, "m1,m2");
    cr_assert_str_eq(pull("index=b&operation=head").ids, "m1,m2", "another index starts afresh");
    cr_assert_str_eq(pull("index=a&operation=next").ids, "m3,m4");
    cr_assert_str_eq(pull_at(MALSITE, "index=a&operation=head", 0).ids, "s1");
    cr_assert_str_eq(pull("index=b&operation=next").ids, "m3,m4");
}

Test(ns_export, position_survives_dump_and_load)
{
    struct cm_err err = {{0}};
    struct ns_tenant *u;
    cJSON *doc;

    cr_assert_str_eq(pull("index=ce&operation=head").ids, "m1,m2");
    doc = ns_tenant_json(fx.t);
    u = ns_tenant_from_json(doc, &err);
    cJSON_Delete(doc);
    cr_assert_not_null(u, "%s", err.msg);
    ns_tenant_free(fx.t);
    fx.svc.data = fx.t = u;
    cr_assert_str_eq(pull("index=ce&operation=next").ids, "m3,m4");
    cr_assert_str_eq(pull("index=ce&operation=resend").ids, "m3,m4");
}

Test(ns_export, auth_by_header_or_bearer)
{
    static const char *const bearer[] = {"Authorization: Bearer V2TOK", NULL};
    static const char *const v1[] = {"Netskope-Api-Token: V1TOK", NULL};
    static const char *const wrong[] = {"Authorization: Bearer nope", NULL};
    struct mk_response r;

    cr_assert_eq(
        nsfx_call(&fx, "GET", MALWARE, bearer, "index=ce&operation=head", NULL, NSFX_NOW, &r), 200);
    mk_resp_release(&r);
    cr_assert_eq(
        nsfx_call(&fx, "GET", MALWARE, NULL, "index=ce&operation=head", NULL, NSFX_NOW, &r), 401);
    nsfx_body_is(&r, "{\"message\":\"API token not passed: send it in the Netskope-Api-Token "
                     "header\"}");
    cr_assert_str_eq(fx.verdict, "missing_token");
    mk_resp_release(&r);
    cr_assert_eq(
        nsfx_call(&fx, "GET", MALWARE, wrong, "index=ce&operation=head", NULL, NSFX_NOW, &r), 401);
    nsfx_body_is(&r, "{\"message\":\"Invalid API token\"}");
    cr_assert_str_eq(fx.verdict, "invalid_token");
    mk_resp_release(&r);
    cr_assert_eq(nsfx_call(&fx, "GET", MALWARE, v1, "index=ce&operation=head", NULL, NSFX_NOW, &r),
                 401);
    cr_assert_str_eq(fx.detail, "the V1 token was sent to a V2 endpoint");
    mk_resp_release(&r);
    cr_assert_eq(fx.t->niters, 1, "refused calls create no iterator");
}

Test(ns_export, scopes_limit_the_v2_token)
{
    struct mk_response r;

    fx.t->v2_scopes = nsfx_json("[\"" MALSITE "\"]");
    cr_assert_eq(
        nsfx_call(&fx, "GET", MALWARE, auth, "index=ce&operation=head", NULL, NSFX_NOW, &r), 403);
    nsfx_body_is(&r, "{\"message\":\"The API token does not have the scope required for this "
                     "endpoint\"}");
    cr_assert_str_eq(fx.verdict, "insufficient_scope");
    mk_resp_release(&r);
    cr_assert_eq(pull_at(MALSITE, "index=ce&operation=head", 0).status, 200);
}

Test(ns_export, bad_parameters_are_400)
{
    struct mk_response r;
    static const char *const cases[][2] = {
        {"operation=head", "missing_index"},
        {"index=&operation=head", "missing_index"},
        {"index=a%20b&operation=head", "invalid_index"},
        {"index=ce", "invalid_operation"},
        {"index=ce&operation=later", "invalid_operation"},
        {"index=ce&operation=-5", "invalid_operation"},
        {"index=ce&operation=1772442000000", "invalid_operation"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(nsfx_call(&fx, "GET", MALWARE, auth, cases[i][0], NULL, NSFX_NOW, &r), 400,
                     "%s", cases[i][0]);
        cr_assert_str_eq(fx.verdict, cases[i][1], "%s", cases[i][0]);
        mk_resp_release(&r);
    }
    cr_assert_eq(
        nsfx_call(&fx, "GET", MALWARE, auth, "index=ce&operation=later", NULL, NSFX_NOW, &r), 400);
    nsfx_body_is(&r, "{\"message\":\"operation 'later' is invalid: use next, head, tail, resend "
                     "or an epoch timestamp in seconds\"}");
    mk_resp_release(&r);
    cr_assert_eq(fx.t->niters, 0);
}

Test(ns_export, unknown_alert_types_are_404)
{
    struct mk_response r;

    cr_assert_eq(nsfx_call(&fx, "GET", "/api/v2/events/dataexport/alerts/dlp", auth,
                           "index=ce&operation=head", NULL, NSFX_NOW, &r),
                 404);
    nsfx_body_is(&r, "{\"message\":\"alert type 'dlp' is not served (malware, malsite)\"}");
    cr_assert_str_eq(fx.verdict, "unknown_alert_type");
    mk_resp_release(&r);
    cr_assert_eq(nsfx_call(&fx, "POST", MALWARE, auth, NULL, NULL, NSFX_NOW, &r), 405);
    nsfx_body_is(&r, "{\"message\":\"this path does not accept that method\"}");
    mk_resp_release(&r);
}

Test(ns_export, rate_limit_headers_and_429)
{
    struct mk_response r;
    char want[8];
    int i;

    fx.t->set.export_rate.requests = 4;
    fx.t->set.export_rate.window_ms = 1000;
    for (i = 0; i < 4; i++) {
        cr_assert_eq(nsfx_call(&fx, "GET", MALWARE, auth,
                               i ? "index=ce&operation=resend" : "index=ce&operation=head", NULL,
                               NSFX_NOW + i * 10, &r),
                     200);
        snprintf(want, sizeof(want), "%d", 3 - i);
        cr_assert_str_eq(nsfx_header(&r, "RateLimit-Limit"), "4");
        cr_assert_str_eq(nsfx_header(&r, "RateLimit-Remaining"), want);
        cr_assert_str_eq(nsfx_header(&r, "RateLimit-Reset"), "1");
        mk_resp_release(&r);
    }
    cr_assert_eq(
        nsfx_call(&fx, "GET", MALWARE, auth, "index=ce&operation=next", NULL, NSFX_NOW + 500, &r),
        429);
    nsfx_body_is(&r, "{\"message\":\"API rate limit exceeded\"}");
    cr_assert_str_eq(nsfx_header(&r, "Retry-After"), "1");
    cr_assert_str_eq(nsfx_header(&r, "RateLimit-Remaining"), "0");
    cr_assert_str_eq(fx.verdict, "rate_limited");
    mk_resp_release(&r);
    cr_assert_eq(pull_at(MALSITE, "index=ce&operation=head", 500).status, 200,
                 "each endpoint has its own window");
    cr_assert_str_eq(pull_at(MALWARE, "index=ce&operation=next", 1000).ids, "m3,m4",
                     "the refused next did not move the iterator");
}
