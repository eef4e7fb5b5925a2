/*
 * test_mm_logs.c: the TTP get-logs endpoints (mock/mimecast/logs.c) and their
 * sources (logsrc.c): envelopes, ordering, every filter, every date form, page
 * sizes, self-contained page tokens (token alone, empty token, tampered and
 * foreign tokens), next/previous, Enhanced Logging, and generated records that
 * are the same for the same seed and cost nothing until asked for.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "test_mm_util.h"

#define URL_LOGS "/api/ttp/url/get-logs"
#define IMP_LOGS "/api/ttp/impersonation/get-logs"
#define ATT_LOGS "/api/ttp/attachment/get-logs"

static struct mmfx fx;

static void setup(void)
{
    mmfx_load(&fx, MMFX_STATE);
}

static void teardown(void)
{
    mmfx_free(&fx);
}

TestSuite(mm_logs, .init = setup, .fini = teardown);

/* One page: the parsed answer (caller frees) after asserting 200. */
static cJSON *page(const char *path, const char *body, int64_t now)
{
    struct mk_response r;
    cJSON *doc;

    cr_assert_eq(mmfx_post(&fx, path, body, now, &r), 200, "%s: %s", body, cm_buf_str(&r.body));
    doc = mmfx_body(&r);
    mk_resp_release(&r);
    return doc;
}

static cJSON *records(cJSON *doc, const char *key)
{
    return cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0), key);
}

static const char *next_of(cJSON *doc)
{
    return cm_json_str(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "meta"), "pagination"), "next",
                       NULL);
}

static const char *prev_of(cJSON *doc)
{
    return cm_json_str(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "meta"), "pagination"),
                       "previous", NULL);
}

static int page_size_of(cJSON *doc)
{
    return (int)cm_json_num(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "meta"), "pagination"),
                            "pageSize", -1);
}

static const char *date_at(cJSON *doc, const char *key, int i)
{
    return cm_json_str(cJSON_GetArrayItem(records(doc, key), i), "date", "");
}

static char *token_body(const char *tok)
{
    return cm_asprintf("{\"meta\": {\"pagination\": {\"pageToken\": \"%s\"}}}", tok);
}

Test(mm_logs, first_page_defaults_newest_first_today)
{
    cJSON *doc = page(URL_LOGS, "", MMFX_NOW);

    cr_assert_eq(cm_json_num(cJSON_GetObjectItem(doc, "meta"), "status", 0), 200);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "fail")), 0);
    cr_assert_eq(page_size_of(doc), 100, "default page size");
    cr_assert_eq(cJSON_GetArraySize(records(doc, "clickLogs")), 100);
    cr_assert_str_eq(date_at(doc, "clickLogs", 0), "2026-03-02T08:59:00+0000");
    cr_assert_str_eq(date_at(doc, "clickLogs", 1), "2026-03-02T08:58:00+0000");
    cr_assert_not_null(next_of(doc));
    cr_assert_null(prev_of(doc), "no previous on the first page");
    cJSON_Delete(doc);
    cr_assert_str_eq(fx.verdict, "ok");
    cr_assert_str_eq(fx.detail, "CUSA1: 100 records");
}

Test(mm_logs, every_date_form_reads_the_same)
{
    static const char *const forms[] = {"2026-03-02T08:00:00+0000", "2026-03-02T08:00:00Z",
                                        "2026-03-02T08:00:00+00:00", "2026-03-02T08:00:00",
                                        "2026-03-02T09:00:00+01:00"};
    size_t i;

    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        char *body = cm_asprintf("{'data': [{'oldestFirst': True, 'from': '%s'}], 'meta': "
                                 "{'pagination': {'pageSize': 5}}}",
                                 forms[i]);
        cJSON *doc = page(URL_LOGS, body, MMFX_NOW);
        cr_assert_str_eq(date_at(doc, "clickLogs", 0), "2026-03-02T08:00:00+0000", "%s", forms[i]);
        cr_assert_str_eq(date_at(doc, "clickLogs", 4), "2026-03-02T08:04:00+0000");
        cJSON_Delete(doc);
        free(body);
    }
}

Test(mm_logs, to_is_clamped_to_now_and_from_after_to_is_empty)
{
    cJSON *doc = page(URL_LOGS, "{\"data\": [{\"to\": \"2030-01-01T00:00:00Z\"}]}",
                      MMFX_NOW - 60 * MMFX_MINUTE);

    cr_assert_str_eq(date_at(doc, "clickLogs", 0), "2026-03-02T08:00:00+0000",
                     "records after the virtual now do not exist yet");
    cJSON_Delete(doc);
    doc =
        page(URL_LOGS,
             "{\"data\": [{\"from\": \"2026-03-02T08:00:00Z\", \"to\": \"2026-03-02T07:00:00Z\"}]}",
             MMFX_NOW);
    cr_assert_eq(cJSON_GetArraySize(records(doc, "clickLogs")), 0);
    cr_assert_eq(page_size_of(doc), 0);
    cr_assert_null(next_of(doc));
    cJSON_Delete(doc);
}

/* Walks every page from body with tokens alone; returns the record count and checks order. */
static int walk_all(const char *path, const char *key, const char *body, int oldest)
{
    cJSON *doc = page(path, body, MMFX_NOW);
    char last[40] = "";
    int total = 0, pages = 0, i;

    for (;;) {
        cJSON *recs = records(doc, key);
        char *next;
        pages++;
        cr_assert_eq(page_size_of(doc), cJSON_GetArraySize(recs));
        for (i = 0; i < cJSON_GetArraySize(recs); i++) {
            const char *d = cm_json_str(cJSON_GetArrayItem(recs, i), "date", "");
            if (last[0])
                cr_assert(oldest ? strcmp(last, d) < 0 : strcmp(last, d) > 0, "%s then %s", last,
                          d);
            cm_strlcpy(last, d, sizeof(last));
            total++;
        }
        if (next_of(doc) == NULL)
            break;
        next = token_body(next_of(doc));
        cJSON_Delete(doc);
        doc = page(path, next, MMFX_NOW);
        free(next);
        cr_assert_lt(pages, 1000);
    }
    cJSON_Delete(doc);
    return total;
}

/* How many records of the fixture's URL log match, counted from the source itself. */
static int count_url(const char *result, int route, int64_t from)
{
    const struct mm_logsrc *src = &mm_find_account(fx.st, "CUSA1")->logs[MM_LOG_URL];
    struct mm_logattr a;
    struct mm_logattr_buf buf;
    int64_t i;
    int n = 0;

    for (i = 0; i < src->n; i++) {
        mm_logsrc_attr(src, i, &a, &buf);
        if (a.t >= from && a.t <= MMFX_NOW && (!result || strcmp(a.result, result) == 0) &&
            (!route || a.route == route))
            n++;
    }
    return n;
}

Test(mm_logs, the_token_alone_walks_every_page_once)
{
    cr_assert_eq(walk_all(URL_LOGS, "clickLogs", "{}", 0), 540, "00:00 to 08:59, newest first");
    cr_assert_eq(walk_all(URL_LOGS, "clickLogs",
                          "{\"data\": [{\"oldestFirst\": true, \"from\": "
                          "\"2026-03-01T00:00:00Z\"}], \"meta\": {\"pagination\": {\"pageSize\": "
                          "77}}}",
                          1),
                 1000);
    cr_assert_eq(walk_all(URL_LOGS, "clickLogs",
                          "{'data': [{'scanResult': 'malicious', 'from': '2026-03-01T00:00:00Z', "
                          "'oldestFirst': True}], 'meta': {'pagination': {'pageSize': 7, "
                          "'pageToken': ''}}}",
                          1),
                 count_url("malicious", 0, 0));
}

Test(mm_logs, exact_fit_page_has_no_next)
{
    cJSON *doc = page(URL_LOGS,
                      "{\"data\": [{\"from\": \"2026-03-02T08:00:00Z\", \"to\": "
                      "\"2026-03-02T08:09:00Z\"}], \"meta\": {\"pagination\": {\"pageSize\": 10}}}",
                      MMFX_NOW);

    cr_assert_eq(page_size_of(doc), 10);
    cr_assert_null(next_of(doc), "ten records, a page of ten: no next");
    cJSON_Delete(doc);
}

Test(mm_logs, previous_leads_back)
{
    cJSON *p1 = page(URL_LOGS, "{\"meta\": {\"pagination\": {\"pageSize\": 3}}}", MMFX_NOW), *p2,
          *back;
    char *b = token_body(next_of(p1));

    p2 = page(URL_LOGS, b, MMFX_NOW);
    free(b);
    cr_assert_str_eq(date_at(p2, "clickLogs", 0), "2026-03-02T08:56:00+0000");
    cr_assert_not_null(prev_of(p2));
    b = token_body(prev_of(p2));
    back = page(URL_LOGS, b, MMFX_NOW);
    free(b);
    cr_assert_str_eq(date_at(back, "clickLogs", 0), date_at(p1, "clickLogs", 0));
    cr_assert_str_eq(date_at(back, "clickLogs", 2), date_at(p1, "clickLogs", 2));
    cr_assert_null(prev_of(back), "back on the first page");
    cJSON_Delete(p1);
    cJSON_Delete(p2);
    cJSON_Delete(back);
}

Test(mm_logs, the_token_wins_over_data_and_empty_token_is_first_page)
{
    cJSON *p1 = page(URL_LOGS,
                     "{\"data\": [{\"oldestFirst\": true, \"from\": \"2026-03-02T08:00:00Z\"}], "
                     "\"meta\": {\"pagination\": {\"pageSize\": 2, \"pageToken\": \"\"}}}",
                     MMFX_NOW),
          *p2;
    char *b;

    cr_assert_str_eq(date_at(p1, "clickLogs", 0), "2026-03-02T08:00:00+0000");
    b = cm_asprintf("{\"data\": [{\"oldestFirst\": false, \"scanResult\": \"malicious\"}], "
                    "\"meta\": {\"pagination\": {\"pageSize\": 2, \"pageToken\": \"%s\"}}}",
                    next_of(p1));
    p2 = page(URL_LOGS, b, MMFX_NOW);
    free(b);
    cr_assert_str_eq(date_at(p2, "clickLogs", 0), "2026-03-02T08:02:00+0000",
                     "Elastic CEL and Sentinel resend data with the token: the token's query");
    cJSON_Delete(p1);
    cJSON_Delete(p2);
}

Test(mm_logs, page_sizes)
{
    struct mk_response r;
    cJSON *doc = page(URL_LOGS, "{\"meta\": {\"pagination\": {\"pageSize\": 100000}}}", MMFX_NOW);

    cr_assert_eq(page_size_of(doc), 500, "cut to page_size_max");
    cJSON_Delete(doc);
    doc = page(URL_LOGS, "{\"meta\": {\"pagination\": {\"page_size\": 3}}}", MMFX_NOW);
    cr_assert_eq(page_size_of(doc), 100, "XSOAR's snake case is an unknown key: default size");
    cJSON_Delete(doc);
    mmfx_post(&fx, URL_LOGS, "{\"meta\": {\"pagination\": {\"pageSize\": 0}}}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value",
                 "meta.pagination.pageSize must be a positive integer", "invalid_value");
    mmfx_post(&fx, URL_LOGS, "{\"meta\": {\"pagination\": {\"pageSize\": \"ten\"}}}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value", "pageSize", "invalid_value");
    mmfx_post(&fx, URL_LOGS, "{\"meta\": {\"pagination\": {\"pageSize\": 2.5}}}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value", "pageSize", "invalid_value");
}

Test(mm_logs, tampered_garbage_and_foreign_tokens)
{
    struct mk_response r;
    cJSON *p1 = page(URL_LOGS, "{\"meta\": {\"pagination\": {\"pageSize\": 1}}}", MMFX_NOW), *imp;
    char tok[MM_TOKEN_MAX], *b;
    const char *garbage[] = {"abc", "x.y", ".", "eyJrIjoidXJsIn0.AAAAAAAAAAAAAAAAAAAAAA",
                             "!!!.???"};
    size_t i;

    cm_strlcpy(tok, next_of(p1), sizeof(tok));
    for (i = 0; i < 3; i++) {
        char t[MM_TOKEN_MAX];
        cm_strlcpy(t, tok, sizeof(t));
        t[i == 0 ? 5 : i == 1 ? strlen(t) - 3 : strlen(t) / 2] ^= 1; /* payload, MAC, middle */
        b = token_body(t);
        mmfx_post(&fx, URL_LOGS, b, MMFX_NOW, &r);
        free(b);
        mmfx_refused(&fx, &r, 400, "err_validation_invalid_page_token",
                     "The pageToken is not valid for this endpoint: send the exact 'next' or "
                     "'previous' value",
                     "invalid_page_token");
    }
    for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
        b = token_body(garbage[i]);
        mmfx_post(&fx, URL_LOGS, b, MMFX_NOW, &r);
        free(b);
        mmfx_refused(&fx, &r, 400, "err_validation_invalid_page_token", "not valid",
                     "invalid_page_token");
    }
    tok[strlen(tok) - 1] = '\0';
    b = token_body(tok);
    mmfx_post(&fx, URL_LOGS, b, MMFX_NOW, &r);
    free(b);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_page_token", "not valid",
                 "invalid_page_token");
    /* a URL token on the impersonation endpoint, and on another account */
    b = token_body(next_of(p1));
    mmfx_post(&fx, IMP_LOGS, b, MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_page_token", "for this endpoint",
                 "invalid_page_token");
    fx.peer = "10.9.9.9";
    mmfx_post_as(&fx, MMFX_AK_EU, URL_LOGS, b, MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_page_token", "not valid",
                 "invalid_page_token");
    free(b);
    fx.peer = NULL;
    mmfx_post(&fx, URL_LOGS, "{\"meta\": {\"pagination\": {\"pageToken\": 5}}}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_page_token", "must be a string",
                 "invalid_page_token");
    /* a token sealed by another process (another key) */
    imp = page(URL_LOGS, "{\"meta\": {\"pagination\": {\"pageSize\": 1}}}", MMFX_NOW);
    cm_strlcpy(tok, next_of(imp), sizeof(tok));
    cJSON_Delete(imp);
    mmfx_free(&fx);
    mmfx_load(&fx, MMFX_STATE);
    b = token_body(tok);
    mmfx_post(&fx, URL_LOGS, b, MMFX_NOW, &r);
    free(b);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_page_token", "not valid",
                 "invalid_page_token");
    cJSON_Delete(p1);
}

Test(mm_logs, url_filters)
{
    cJSON *doc = page(URL_LOGS,
                      "{\"data\": [{\"scanResult\": \"malicious\", \"route\": \"inbound\", "
                      "\"from\": \"2026-03-01T00:00:00Z\"}], \"meta\": {\"pagination\": "
                      "{\"pageSize\": 500}}}",
                      MMFX_NOW),
          *rec;
    int n = 0;

    cJSON_ArrayForEach(rec, records(doc, "clickLogs"))
    {
        cr_assert_str_eq(cm_json_str(rec, "scanResult", ""), "malicious");
        cr_assert_str_eq(cm_json_str(rec, "route", ""), "inbound");
        cr_assert_str_eq(cm_json_str(rec, "action", ""), "block");
        n++;
    }
    cr_assert_eq(n, count_url("malicious", MM_ROUTE_INBOUND, 0));
    cr_assert_gt(n, 50, "the default mix has 20%% malicious, 80%% inbound");
    cJSON_Delete(doc);
    doc = page(URL_LOGS,
               "{\"data\": [{\"scanResult\": \"clean\", \"route\": \"outbound\", \"from\": "
               "\"2026-03-01T00:00:00Z\"}], \"meta\": {\"pagination\": {\"pageSize\": 500}}}",
               MMFX_NOW);
    cr_assert_eq(cJSON_GetArraySize(records(doc, "clickLogs")),
                 count_url("clean", MM_ROUTE_OUTBOUND, 0));
    cJSON_ArrayForEach(rec, records(doc, "clickLogs"))
    {
        cr_assert_str_eq(cm_json_str(rec, "scanResult", ""), "clean");
        cr_assert_str_eq(cm_json_str(rec, "sendingIp", ""), "Internal IP");
    }
    cJSON_Delete(doc);
}

Test(mm_logs, invalid_filters_are_named)
{
    static const char *const cases[][3] = {
        {URL_LOGS, "{\"data\": [{\"route\": \"sideways\"}]}",
         "route must be one of inbound, outbound, internal, all"},
        {URL_LOGS, "{\"data\": [{\"scanResult\": \"evil\"}]}",
         "scanResult must be one of clean, malicious, all"},
        {URL_LOGS, "{\"data\": [{\"from\": \"yesterday\"}]}",
         "from 'yesterday' is not a date such as 2015-11-16T14:49:18+0000"},
        {URL_LOGS, "{\"data\": [{\"to\": \"2026-13-01T00:00:00Z\"}]}", "to '2026-13-01"},
        {URL_LOGS, "{\"data\": [{\"from\": 1772442000000}]}", "from and to must be date strings"},
        {URL_LOGS, "{\"data\": [{\"oldestFirst\": \"maybe\"}]}",
         "oldestFirst must be true or false"},
        {URL_LOGS, "{\"data\": [{\"route\": 1}]}", "route must be one of"},
        {ATT_LOGS, "{\"data\": [{\"result\": \"evil\"}]}",
         "result must be one of all, malicious, clean, safe, unknown, timeout"},
        {IMP_LOGS, "{\"data\": [{\"taggedMalicious\": 1}]}",
         "taggedMalicious must be true or false"},
        {IMP_LOGS, "{\"data\": [{\"searchField\": \"subject\"}]}",
         "query is required when searchField is set"},
        {IMP_LOGS, "{\"data\": [{\"searchField\": \"body\", \"query\": \"x\"}]}",
         "searchField must be one of senderAddress, recipientAddress, subject, policy, all"},
        {IMP_LOGS, "{\"data\": [{\"identifiers\": [\"made_up\"]}]}",
         "identifiers: 'made_up' is not one of"},
        {IMP_LOGS, "{\"data\": [{\"identifiers\": \"internal_user_name\"}]}",
         "identifiers must be a list"},
        {IMP_LOGS, "{\"data\": [{\"actions\": [1]}]}", "actions must be strings"},
    };
    struct mk_response r;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *doc;
        mmfx_post(&fx, cases[i][0], cases[i][1], MMFX_NOW, &r);
        doc = mmfx_body(&r);
        cr_assert_not_null(
            cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "fail"), 0), "key"),
            "the fail item echoes the request item");
        cJSON_Delete(doc);
        mmfx_refused(&fx, &r, 400, "err_validation_invalid_value", cases[i][2], "invalid_value");
    }
}

Test(mm_logs, impersonation_filters_and_envelope)
{
    static const char *const cases[][2] = {
        {"{'data': [{'taggedMalicious': True}]}", "Wire"},
        {"{'data': [{'taggedMalicious': False}]}", "Weekly"},
        {"{'data': [{'searchField': 'subject', 'query': 'WIRE'}]}", "Wire"},
        {"{'data': [{'query': 'news@'}]}", "Weekly"},
        {"{'data': [{'searchField': 'senderAddress', 'query': 'examp1e'}]}", "Wire"},
        {"{'data': [{'identifiers': ['similar_internal_domain']}]}", "Wire"},
        {"{'data': [{'actions': ['none']}]}", "Weekly"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *doc = page(IMP_LOGS, cases[i][0], MMFX_NOW);
        cJSON *list = records(doc, "impersonationLogs");
        cr_assert_eq(cJSON_GetArraySize(list), 1, "%s", cases[i][0]);
        cr_assert_str_eq(cm_json_str(cJSON_GetArrayItem(list, 0), "subject", ""), cases[i][1]);
        cr_assert_eq(
            cm_json_num(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0), "resultCount", -1),
            1);
        cJSON_Delete(doc);
    }
}

Test(mm_logs, attachment_filters_and_envelope)
{
    cJSON *doc = page(ATT_LOGS, "{\"data\": [{\"result\": \"malicious\"}]}", MMFX_NOW);

    cr_assert_eq(cJSON_GetArraySize(records(doc, "attachmentLogs")), 2);
    cr_assert_str_eq(
        cm_json_str(cJSON_GetArrayItem(records(doc, "attachmentLogs"), 0), "fileName", ""),
        "c.xlsm", "newest first");
    cJSON_Delete(doc);
    doc = page(ATT_LOGS, "{\"data\": [{\"route\": \"outbound\", \"result\": \"all\"}]}", MMFX_NOW);
    cr_assert_eq(cJSON_GetArraySize(records(doc, "attachmentLogs")), 1);
    cJSON_Delete(doc);
}

Test(mm_logs, records_are_not_logged_without_enhanced_logging)
{
    struct cm_err err = {{0}};
    cJSON *out, *doc, *rec;

    out = mmfx_action(&fx, "set-enhanced-logging",
                      "{\"account\": \"CUSA1\", \"inbound\": false, \"internal\": false}", MMFX_NOW,
                      &err);
    cr_assert_not_null(out, "%s", err.msg);
    cJSON_Delete(out);
    doc = page(ATT_LOGS, "{}", MMFX_NOW);
    cr_assert_eq(cJSON_GetArraySize(records(doc, "attachmentLogs")), 1);
    cr_assert_str_eq(
        cm_json_str(cJSON_GetArrayItem(records(doc, "attachmentLogs"), 0), "route", ""),
        "outbound");
    cr_assert_str_eq(fx.verdict, "enhanced_logging_off");
    cr_assert_str_eq(fx.detail, "CUSA1: 1 records, some not logged: Enhanced Logging is off");
    cJSON_Delete(doc);
    doc = page(URL_LOGS, "{\"meta\": {\"pagination\": {\"pageSize\": 500}}}", MMFX_NOW);
    cJSON_ArrayForEach(rec, records(doc, "clickLogs"))
        cr_assert_str_eq(cm_json_str(rec, "route", ""), "outbound");
    cJSON_Delete(doc);
    doc = page(IMP_LOGS, "{}", MMFX_NOW);
    cr_assert_eq(cJSON_GetArraySize(records(doc, "impersonationLogs")), 0,
                 "impersonation logs are inbound mail");
    cJSON_Delete(doc);
}

static struct mm_logsrc gen(enum mm_log_kind kind, const char *spec)
{
    struct mm_logsrc src;
    struct cm_err err = {{0}};
    cJSON *doc = mmfx_json(spec);

    cr_assert_eq(mm_logsrc_build(&src, kind, doc, "test", &err), 0, "%s", err.msg);
    cJSON_Delete(doc);
    return src;
}

Test(mm_logs, generation_is_deterministic_and_consistent)
{
    static const char *const spec =
        "{\"generate\": {\"seed\": 42, \"count\": 1000000, \"start\": \"2026-01-01T00:00:00Z\", "
        "\"interval\": \"2s\"}}";
    struct mm_logsrc a = gen(MM_LOG_URL, spec), b = gen(MM_LOG_URL, spec);
    struct mm_logsrc c = gen(MM_LOG_URL, "{\"generate\": {\"seed\": 43, \"count\": 1000000, "
                                         "\"start\": \"2026-01-01T00:00:00Z\", \"interval\": "
                                         "\"2s\"}}");
    int64_t idx[] = {0, 1, 4242, 999999};
    int differ = 0;
    size_t i;

    for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
        cJSON *ra = mm_logsrc_record(&a, idx[i]), *rb = mm_logsrc_record(&b, idx[i]);
        cJSON *rc = mm_logsrc_record(&c, idx[i]);
        char *sa = cm_json_print(ra), *sb = cm_json_print(rb), *sc = cm_json_print(rc);
        struct mm_logattr at;
        struct mm_logattr_buf buf;
        char t[40];
        cr_assert_str_eq(sa, sb, "record %lld", (long long)idx[i]);
        differ += strcmp(sa, sc) != 0;
        mm_logsrc_attr(&a, idx[i], &at, &buf);
        mm_time_log(at.t, t, sizeof(t));
        cr_assert_str_eq(cm_json_str(ra, "date", ""), t);
        cr_assert_str_eq(cm_json_str(ra, "scanResult", ""), at.result);
        cr_assert_str_eq(cm_json_str(ra, "userEmailAddress", ""), at.recipient);
        cr_assert_str_eq(cm_json_str(ra, "ttpDefinition", ""), at.policy);
        free(sa);
        free(sb);
        free(sc);
        cJSON_Delete(ra);
        cJSON_Delete(rb);
        cJSON_Delete(rc);
    }
    cr_assert_gt(differ, 0, "another seed, other records");
    cr_assert_eq(mm_logsrc_lower(&a, MMFX_NOW * 10), 1000000);
    cr_assert_eq(mm_logsrc_lower(&a, 0), 0);
    /* record i is at 2026-01-01T00:00:00Z + 2 s * i */
    cr_assert_eq(mm_logsrc_lower(&a, 1767225600000LL + 2000), 1);
    cr_assert_eq(mm_logsrc_lower(&a, 1767225600000LL + 2001), 2);
    cr_assert_eq(mm_logsrc_upper(&a, 1767225600000LL + 2000), 2);
    cr_assert_eq(mm_logsrc_upper(&a, 1767225600000LL + 1999), 1);
    mm_logsrc_release(&a);
    mm_logsrc_release(&b);
    mm_logsrc_release(&c);
}

Test(mm_logs, mix_and_routes_shape_the_records)
{
    struct mm_logsrc s = gen(MM_LOG_ATT, "{\"generate\": {\"count\": 200, \"start\": 0, "
                                         "\"mix\": {\"malicious\": 1}, \"routes\": {\"internal\": "
                                         "1}, \"domain\": \"corp.test\"}}");
    struct mm_logsrc imp = gen(MM_LOG_IMP, "{\"generate\": {\"count\": 50, \"start\": 0, "
                                           "\"mix\": {\"trusted\": 1}}}");
    struct mm_logattr a;
    struct mm_logattr_buf buf;
    int64_t i;

    for (i = 0; i < 200; i++) {
        mm_logsrc_attr(&s, i, &a, &buf);
        cr_assert_str_eq(a.result, "malicious");
        cr_assert_eq(a.route, MM_ROUTE_INTERNAL);
        cr_assert(strstr(a.sender, "@corp.test") != NULL && strstr(a.recipient, "@corp.test"));
    }
    for (i = 0; i < 50; i++) {
        cJSON *r = mm_logsrc_record(&imp, i);
        cr_assert_not(cm_json_bool(r, "taggedMalicious", 1));
        cr_assert_not(cm_json_bool(r, "taggedExternal", 1));
        cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r, "identifiers")), 0);
        cr_assert(strncmp(cm_json_str(r, "id", ""), "MTOKEN:", 7) == 0);
        cJSON_Delete(r);
    }
    mm_logsrc_release(&s);
    mm_logsrc_release(&imp);
}

Test(mm_logs, a_million_generated_records_page_from_the_middle)
{
    cJSON *doc;

    mmfx_patch(&fx, "{\"accounts\": [{\"code\": \"CUSA1\", \"enhanced_logging\": {\"inbound\": "
                    "true, \"outbound\": true, \"internal\": true}, \"roles\": [{\"name\": \"R\", "
                    "\"permissions\": [\"*\"]}], \"users\": [{\"email\": \"svc@example.com\", "
                    "\"role\": \"R\"}], \"applications\": [{\"api\": \"1.0\", \"app_id\": "
                    "\"" MMFX_APP "\", \"app_key\": \"" MMFX_APPKEY "\"}], \"bindings\": "
                    "[{\"access_key\": \"" MMFX_AK "\", \"secret_key\": \"" MMFX_SECRET
                    "\", \"user\": \"svc@example.com\", \"app_id\": \"" MMFX_APP
                    "\", \"expires\": null}], \"logs\": {\"url\": {\"generate\": {\"seed\": 1, "
                    "\"count\": 1000000, \"start\": \"2026-02-01T00:00:00Z\", \"interval\": "
                    "\"2s\"}}}}]}");
    doc = page(URL_LOGS,
               "{\"data\": [{\"oldestFirst\": true, \"from\": \"2026-02-10T12:00:00Z\", \"to\": "
               "\"2026-02-10T12:00:09Z\"}]}",
               MMFX_NOW);
    cr_assert_eq(page_size_of(doc), 5, "12:00:00, :02, :04, :06, :08");
    cr_assert_str_eq(date_at(doc, "clickLogs", 0), "2026-02-10T12:00:00+0000");
    cr_assert_null(next_of(doc));
    cJSON_Delete(doc);
    /* a filter that matches nothing scans the whole range and answers empty */
    doc = page(URL_LOGS,
               "{\"data\": [{\"route\": \"internal\", \"scanResult\": \"malicious\", \"from\": "
               "\"2026-02-20T00:00:00Z\", \"to\": \"2026-02-20T00:00:01Z\"}]}",
               MMFX_NOW);
    cr_assert_eq(page_size_of(doc), 0);
    cJSON_Delete(doc);
}

Test(mm_logs, tokens_hold_the_longest_query)
{
    cJSON *p = cJSON_CreateObject(), *back;
    char q[257], *tok, *a, *b;
    int i;

    for (i = 0; i < 256; i++)
        q[i] = (char)(1 + i % 31); /* control characters: six bytes each in JSON */
    q[256] = '\0';
    cJSON_AddStringToObject(p, "k", "impersonation");
    cJSON_AddStringToObject(p, "q", q);
    tok = mm_token_seal(fx.st, p);
    cr_assert_lt(strlen(tok), MM_TOKEN_MAX);
    back = mm_token_open(fx.st, tok);
    cr_assert_not_null(back, "a token the mock sealed opens");
    a = cm_json_print(p);
    b = cm_json_print(back);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    free(tok);
    cJSON_Delete(p);
    cJSON_Delete(back);
}
