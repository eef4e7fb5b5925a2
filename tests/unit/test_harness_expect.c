/*
 * test_harness_expect.c: the expectation rules on captured results: exit
 * codes, contains / not_contains, POSIX regexes, stdout_json subsets, JSON
 * lines, HTTP answers, admin answers and journal count/order/only; plus the
 * JSON pointer, dotted path and mismatch helpers they rely on.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "common/buf.h"
#include "common/spawn.h"
#include "harness/expect.h"
#include "harness/jsonx.h"

static struct cm_spawn_result res;

static void outcome(int exit_code, const char *out, const char *err)
{
    cm_spawn_result_release(&res);
    cm_spawn_result_init(&res);
    res.exited = 1;
    res.exit_code = exit_code;
    cm_buf_puts(&res.out, out);
    cm_buf_puts(&res.err, err);
}

static int proc(const char *expect_json, struct cm_err *err)
{
    cJSON *e = expect_json ? cJSON_Parse(expect_json) : NULL;
    int rc = hx_expect_process(e, &res, err);

    cJSON_Delete(e);
    return rc;
}

static void fini(void)
{
    cm_spawn_result_release(&res);
}

TestSuite(harness_expect, .fini = fini);

Test(harness_expect, exit_codes)
{
    struct cm_err err = {{0}};

    outcome(0, "", "");
    cr_assert_eq(proc(NULL, &err), 0, "no expect means exit 0");
    cr_assert_eq(proc("{\"exit\": 0}", &err), 0);
    cr_assert_neq(proc("{\"exit\": 3}", &err), 0);
    cr_assert_str_eq(err.msg, "expected exit 3, got exit 0");
    cr_assert_neq(proc("{\"exit\": \"nonzero\"}", &err), 0);
    cr_assert_eq(proc("{\"exit\": \"any\"}", &err), 0);
    outcome(3, "", "");
    cr_assert_neq(proc(NULL, &err), 0);
    cr_assert_eq(proc("{\"exit\": 3}", &err), 0);
    cr_assert_eq(proc("{\"exit\": \"nonzero\"}", &err), 0);
    res.exited = 0;
    res.signaled = 1;
    res.term_signal = 11;
    cr_assert_neq(proc("{\"exit\": \"any\"}", &err), 0);
    cr_assert(strstr(err.msg, "killed by signal 11"), "%s", err.msg);
    res.timed_out = 1;
    cr_assert_neq(proc("{\"exit\": \"any\"}", &err), 0);
    cr_assert(strstr(err.msg, "timed out"), "%s", err.msg);
    cr_assert_eq(proc("{\"exit\": \"timeout\"}", &err), 0);
    res.timed_out = 0;
    cr_assert_neq(proc("{\"exit\": \"timeout\"}", &err), 0);
    cr_assert(strstr(err.msg, "ended by itself"), "%s", err.msg);
}

Test(harness_expect, contains_and_not_contains)
{
    struct cm_err err = {{0}};

    outcome(0, "keys available at 09:30\nline two", "warning: slow");
    cr_assert_eq(proc("{\"stdout_contains\": \"at 09:30\"}", &err), 0);
    cr_assert_eq(
        proc("{\"stdout_contains\": [\"keys\", \"two\"], \"stderr_contains\": \"slow\"}", &err), 0);
    cr_assert_neq(proc("{\"stdout_contains\": [\"keys\", \"three\"]}", &err), 0);
    cr_assert(strstr(err.msg, "expected stdout to contain \"three\"; stdout was: \"keys available "
                              "at 09:30\\nline two\""),
              "%s", err.msg);
    cr_assert_neq(proc("{\"stderr_not_contains\": \"warning\"}", &err), 0);
    cr_assert(strstr(err.msg, "expected stderr not to contain \"warning\""), "%s", err.msg);
    cr_assert_eq(proc("{\"stdout_not_contains\": [\"error\", \"fatal\"]}", &err), 0);
}

Test(harness_expect, regexes_are_posix_extended)
{
    struct cm_err err = {{0}};

    outcome(0, "token=ab12cd\n", "retry after 30s");
    cr_assert_eq(proc("{\"stdout_regex\": \"^token=[a-f0-9]{6}$\"}", &err), 0, "%s", err.msg);
    cr_assert_eq(proc("{\"stderr_regex\": \"after (10|30)s\"}", &err), 0, "%s", err.msg);
    cr_assert_neq(proc("{\"stdout_regex\": \"^token=[0-9]+$\"}", &err), 0);
    cr_assert(strstr(err.msg, "expected stdout to match /^token=[0-9]+$/"), "%s", err.msg);
    cr_assert_neq(proc("{\"stdout_regex\": \"(\"}", &err), 0);
    cr_assert(strstr(err.msg, "invalid regular expression"), "%s", err.msg);
}

Test(harness_expect, stdout_json_subset)
{
    struct cm_err err = {{0}};

    outcome(0, "{\"count\": 2, \"items\": [{\"id\": \"a\", \"x\": 1}, {\"id\": \"b\"}]}\n", "");
    cr_assert_eq(proc("{\"stdout_json\": {\"items\": [{\"id\": \"a\"}, {\"id\": \"b\"}]}}", &err),
                 0, "%s", err.msg);
    cr_assert_neq(proc("{\"stdout_json\": {\"items\": [{\"id\": \"a\"}, {\"id\": \"c\"}]}}", &err),
                  0);
    cr_assert(strstr(err.msg, "at .items[1].id: expected \"c\", got \"b\""), "%s", err.msg);
    cr_assert_neq(proc("{\"stdout_json\": {\"total\": 2}}", &err), 0);
    cr_assert(strstr(err.msg, "at .total: missing"), "%s", err.msg);
    outcome(0, "not json", "");
    cr_assert_neq(proc("{\"stdout_json\": {}}", &err), 0);
    cr_assert(strstr(err.msg, "stdout_json: stdout: invalid JSON"), "%s", err.msg);
}

Test(harness_expect, jsonl)
{
    const char *text = "{\"kind\": \"ttp\", \"id\": 1}\n\n{\"kind\": \"ttp\", \"id\": 2}\r\n";
    struct cm_err err = {{0}};
    cJSON *spec;

    spec = cJSON_Parse("{\"file\": \"o\", \"count\": 2, \"contains\": [{\"id\": 2}], \"each\": "
                       "{\"kind\": \"ttp\"}}");
    cr_assert_eq(hx_expect_jsonl(spec, text, strlen(text), "o.jsonl", &err), 0, "%s", err.msg);
    cJSON_Delete(spec);
    spec = cJSON_Parse("{\"file\": \"o\", \"count\": 3}");
    cr_assert_neq(hx_expect_jsonl(spec, text, strlen(text), "o.jsonl", &err), 0);
    cr_assert_str_eq(err.msg, "jsonl: expected 3 records in o.jsonl, found 2");
    cJSON_Delete(spec);
    spec = cJSON_Parse("{\"file\": \"o\", \"contains\": [{\"id\": 1}, {\"id\": 9}]}");
    cr_assert_neq(hx_expect_jsonl(spec, text, strlen(text), "o.jsonl", &err), 0);
    cr_assert(strstr(err.msg, "no record of o.jsonl matches contains[1] {\"id\":9}"), "%s",
              err.msg);
    cJSON_Delete(spec);
    spec = cJSON_Parse("{\"file\": \"o\", \"each\": {\"id\": 1}}");
    cr_assert_neq(hx_expect_jsonl(spec, text, strlen(text), "o.jsonl", &err), 0);
    cr_assert(strstr(err.msg, "record 2 of o.jsonl does not match \"each\": at .id"), "%s",
              err.msg);
    cJSON_Delete(spec);
    spec = cJSON_Parse("{\"file\": \"o\"}");
    cr_assert_neq(hx_expect_jsonl(spec, "{}\n{oops\n", 9, "o.jsonl", &err), 0);
    cr_assert(strstr(err.msg, "o.jsonl line 2: invalid JSON"), "%s", err.msg);
    cJSON_Delete(spec);
}

Test(harness_expect, http_answers)
{
    const char *hdrs = "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                       "WWW-Authenticate: Bearer\r\n\r\n";
    const char *body = "{\"error\": {\"code\": \"invalid_token\"}}";
    struct cm_err err = {{0}};
    cJSON *e;

    e = cJSON_Parse("{\"status\": 401, \"json\": {\"error\": {\"code\": \"invalid_token\"}}, "
                    "\"body_contains\": \"invalid\", \"headers\": {\"content-type\": "
                    "\"application/json\", \"WWW-Authenticate\": \"Bearer\"}}");
    cr_assert_eq(hx_expect_http(e, 401, body, strlen(body), hdrs, &err), 0, "%s", err.msg);
    cr_assert_neq(hx_expect_http(e, 403, body, strlen(body), hdrs, &err), 0);
    cr_assert(strstr(err.msg, "expected status 401, got 403; body: "), "%s", err.msg);
    cJSON_Delete(e);
    cr_assert_neq(hx_expect_http(NULL, 401, body, strlen(body), hdrs, &err), 0,
                  "without expect a 2xx is required");
    cr_assert_eq(hx_expect_http(NULL, 204, "", 0, hdrs, &err), 0);
    e = cJSON_Parse("{\"status\": 401, \"headers\": {\"Retry-After\": \"30\"}}");
    cr_assert_neq(hx_expect_http(e, 401, body, strlen(body), hdrs, &err), 0);
    cr_assert(strstr(err.msg, "the answer has no Retry-After"), "%s", err.msg);
    cJSON_Delete(e);
    e = cJSON_Parse("{\"status\": 401, \"headers\": {\"WWW-Authenticate\": \"Basic\"}}");
    cr_assert_neq(hx_expect_http(e, 401, body, strlen(body), hdrs, &err), 0);
    cr_assert(strstr(err.msg, "got WWW-Authenticate: Bearer"), "%s", err.msg);
    cJSON_Delete(e);
    e = cJSON_Parse("{\"status\": 200, \"json\": {}}");
    cr_assert_neq(hx_expect_http(e, 200, "<html>", 6, hdrs, &err), 0);
    cr_assert(strstr(err.msg, "json: the body is not JSON"), "%s", err.msg);
    cJSON_Delete(e);
}

Test(harness_expect, admin_answers)
{
    struct cm_err err = {{0}};
    cJSON *ans = cJSON_Parse("{\"error\": {\"code\": \"invalid_state\"}}");
    cJSON *e =
        cJSON_Parse("{\"status\": 400, \"json\": {\"error\": {\"code\": \"invalid_state\"}}}");

    cr_assert_eq(hx_expect_admin(e, 400, ans, &err), 0, "%s", err.msg);
    cr_assert_neq(hx_expect_admin(NULL, 400, ans, &err), 0);
    cr_assert(strstr(err.msg, "the admin API answered 400"), "%s", err.msg);
    cr_assert_eq(hx_expect_admin(NULL, 201, ans, &err), 0);
    cJSON_Delete(ans);
    cJSON_Delete(e);
}

static const char *journal_text =
    "[{\"seq\": 1, \"service\": \"demo\", \"method\": \"GET\", \"path\": \"/ping\", \"status\": "
    "200, \"verdict\": \"ok\"},"
    " {\"seq\": 2, \"service\": \"other\", \"method\": \"GET\", \"path\": \"/x\", \"status\": 200, "
    "\"verdict\": \"ok\"},"
    " {\"seq\": 3, \"service\": \"demo\", \"method\": \"POST\", \"path\": \"/items\", \"status\": "
    "201, \"verdict\": \"ok\"},"
    " {\"seq\": 4, \"service\": \"demo\", \"method\": \"GET\", \"path\": \"/items/a\", \"status\": "
    "404, \"verdict\": \"not_found\"}]";

static int journal(const char *spec_json, struct cm_err *err)
{
    cJSON *entries = cJSON_Parse(journal_text), *spec = cJSON_Parse(spec_json);
    int rc;

    cr_assert_not_null(spec, "bad test spec %s", spec_json);
    rc = hx_expect_journal(spec, entries, 0, err);
    cJSON_Delete(entries);
    cJSON_Delete(spec);
    return rc;
}

Test(harness_expect, journal_count_and_filters)
{
    struct cm_err err = {{0}};

    cr_assert_eq(journal("{\"service\": \"demo\", \"count\": 3}", &err), 0, "%s", err.msg);
    cr_assert_eq(journal("{\"service\": \"demo\", \"path\": \"/items*\", \"count\": 2}", &err), 0,
                 "%s", err.msg);
    cr_assert_eq(journal("{\"method\": \"get\", \"status\": 200, \"count\": 2}", &err), 0, "%s",
                 err.msg);
    cr_assert_eq(journal("{\"verdict\": \"not_found\"}", &err), 0, "%s", err.msg);
    cr_assert_neq(journal("{\"verdict\": \"invalid_token\"}", &err), 0);
    cr_assert(strstr(err.msg, "expected a request matching verdict=invalid_token, found none"),
              "%s", err.msg);
    cr_assert_neq(journal("{\"service\": \"demo\", \"path\": \"/ping\", \"count\": 2}", &err), 0);
    cr_assert(strstr(err.msg, "expected 2 requests matching path=/ping service=demo, found 1"),
              "%s", err.msg);
    cr_assert_eq(journal("{\"service\": \"nobody\", \"count\": 0}", &err), 0);
}

Test(harness_expect, journal_order_and_only)
{
    struct cm_err err = {{0}};

    cr_assert_eq(journal("{\"service\": \"demo\", \"order\": [{\"path\": \"/ping\"}, {\"path\": "
                         "\"/items/a\", \"status\": 404}]}",
                         &err),
                 0, "%s", err.msg);
    cr_assert_neq(journal("{\"service\": \"demo\", \"order\": [{\"path\": \"/items/a\"}, "
                          "{\"path\": \"/ping\"}]}",
                          &err),
                  0);
    cr_assert(strstr(err.msg, "order[1] (path=/ping service=demo) did not arrive after order[0]"),
              "%s", err.msg);
    cr_assert_eq(journal("{\"service\": \"demo\", \"only\": true, \"order\": [{\"path\": "
                         "\"/ping\"}, {\"method\": \"POST\"}, {\"path\": \"/items/*\"}]}",
                         &err),
                 0, "%s", err.msg);
    cr_assert_neq(journal("{\"service\": \"demo\", \"only\": true, \"order\": [{\"path\": "
                          "\"/ping\"}, {\"method\": \"POST\"}]}",
                          &err),
                  0);
    cr_assert(strstr(err.msg, "unexpected request #4 GET /items/a -> 404 not_found (demo)"), "%s",
              err.msg);
    cr_assert_neq(journal("{\"service\": \"demo\", \"only\": true, \"verdict\": \"ok\"}", &err), 0,
                  "only without order: every entry of the service must match the filter");
    cr_assert_eq(journal("{\"service\": \"other\", \"only\": true, \"count\": 1}", &err), 0, "%s",
                 err.msg);
}

Test(harness_expect, json_pointer_and_dotted_paths)
{
    cJSON *doc = cJSON_Parse("{\"a\": {\"b/c\": [10, {\"d~e\": \"x\"}]}, \"list\": [{\"id\": "
                             "\"z\"}], \"\": 1}");

    cr_assert_eq(hx_json_pointer(doc, ""), doc);
    cr_assert_eq(hx_json_pointer(doc, "/a/b~1c/0")->valueint, 10);
    cr_assert_str_eq(hx_json_pointer(doc, "/a/b~1c/1/d~0e")->valuestring, "x");
    cr_assert_eq(hx_json_pointer(doc, "/")->valueint, 1);
    cr_assert_null(hx_json_pointer(doc, "/a/b~1c/01"));
    cr_assert_null(hx_json_pointer(doc, "/nope"));
    cr_assert_null(hx_json_pointer(doc, "a"));
    cr_assert_neq(hx_json_pointer_check("/x~2"), 0);
    cr_assert_str_eq(hx_json_dotted(doc, "list[0].id")->valuestring, "z");
    cr_assert_eq(hx_json_dotted(doc, ""), doc);
    cr_assert_null(hx_json_dotted(doc, "list[1].id"));
    cr_assert_eq(hx_json_dotted_check("a.b[0][1].c"), 0);
    cr_assert_neq(hx_json_dotted_check("a..b"), 0);
    cr_assert_neq(hx_json_dotted_check("a.[0]"), 0);
    cr_assert_neq(hx_json_dotted_check("a[x]"), 0);
    cJSON_Delete(doc);
}

Test(harness_expect, mismatch_descriptions)
{
    cJSON *have = cJSON_Parse("{\"a\": [1, 2], \"b\": {\"c\": \"x\"}, \"weird key\": 1}");
    cJSON *w1 = cJSON_Parse("{\"a\": [1, 2, 3]}"), *w2 = cJSON_Parse("{\"b\": {\"c\": 5}}");
    cJSON *w3 = cJSON_Parse("{\"weird key\": 2}"), *w4 = cJSON_Parse("{\"b\": {}}");
    char out[300];

    cr_assert(hx_json_mismatch(w1, have, out, sizeof(out)));
    cr_assert(strstr(out, "at .a: expected 3 elements [1,2,3], got 2: [1,2]"), "%s", out);
    cr_assert(hx_json_mismatch(w2, have, out, sizeof(out)));
    cr_assert(strstr(out, "at .b.c: expected a number 5, got a string \"x\""), "%s", out);
    cr_assert(hx_json_mismatch(w3, have, out, sizeof(out)));
    cr_assert(strstr(out, "at [\"weird key\"]: expected 2, got 1"), "%s", out);
    cr_assert_not(hx_json_mismatch(w4, have, out, sizeof(out)));
    cJSON_Delete(have);
    cJSON_Delete(w1);
    cJSON_Delete(w2);
    cJSON_Delete(w3);
    cJSON_Delete(w4);
}
