/*
 * test_harness_report.c: the reports. XML escaping (markup, control
 * characters, invalid UTF-8), the JUnit document's shape, the JSON report and
 * the exact summary line.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/mem.h"
#include "harness/report.h"

static char *escaped(const char *s)
{
    struct cm_buf b;

    cm_buf_init(&b, 0);
    cm_buf_puts(&b, "");
    hx_xml_escape(&b, s);
    return cm_buf_steal(&b, NULL);
}

Test(harness_report, xml_escaping)
{
    char *s;

    s = escaped("a<b> & \"c\" 'd'");
    cr_assert_str_eq(s, "a&lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;");
    free(s);
    s = escaped("tab\tnl\ncr\r");
    cr_assert_str_eq(s, "tab\tnl\ncr&#13;");
    free(s);
    s = escaped("bell\a esc\x1b del\x7f");
    cr_assert_str_eq(s, "bell\xef\xbf\xbd esc\xef\xbf\xbd del\xef\xbf\xbd");
    free(s);
    s = escaped("caf\xc3\xa9 \xe2\x82\xac ok");
    cr_assert_str_eq(s, "caf\xc3\xa9 \xe2\x82\xac ok", "valid UTF-8 passes through");
    free(s);
    s = escaped("bad \xc3 \xff \xc0\xaf end");
    cr_assert_str_eq(s, "bad \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd end",
                     "invalid and overlong sequences are replaced");
    free(s);
    s = escaped("]]> in text");
    cr_assert_str_eq(s, "]]&gt; in text");
    free(s);
}

Test(harness_report, summary_line)
{
    struct hx_counts c = {3, 1, 0};
    char out[64];

    hx_summary_text(&c, out, sizeof(out));
    cr_assert_str_eq(out, "3 passed, 1 failed");
    c.skipped = 2;
    hx_summary_text(&c, out, sizeof(out));
    cr_assert_str_eq(out, "3 passed, 1 failed, 2 skipped");
    c = (struct hx_counts){0, 0, 0};
    hx_summary_text(&c, out, sizeof(out));
    cr_assert_str_eq(out, "0 passed, 0 failed");
}

static struct hx_scenario sc_pass, sc_fail, sc_skip;
static struct hx_item items[3];

static void make(void)
{
    sc_pass = (struct hx_scenario){.name = "demo/ok", .family = "demo", .file = "s/demo/ok.json"};
    sc_fail =
        (struct hx_scenario){.name = "demo/<bad>", .family = "demo", .file = "s/demo/bad.json"};
    sc_skip = (struct hx_scenario){
        .name = "mimecast/later", .family = "mimecast", .file = "s/mimecast/later.json"};
    memset(items, 0, sizeof(items));
    items[0].sc = &sc_pass;
    items[0].res.status = HX_PASS;
    items[0].res.duration_us = 12000;
    items[1].sc = &sc_fail;
    items[1].res.status = HX_FAIL;
    items[1].res.duration_us = 1500000;
    items[1].res.failed_step = 2;
    items[1].res.where = cm_strdup("steps[2] \"x\" (http)");
    items[1].res.message = cm_strdup("expected status 200, got 404; body: \"<html>&\"");
    items[1].res.journal_tail = cm_strdup("#1 GET /x -> 404 not_found (demo)\n");
    items[1].res.stderr_tail = cm_strdup("client: error \x01 here\n");
    items[2].sc = &sc_skip;
    items[2].res.status = HX_SKIP;
    items[2].res.message = cm_strdup("waiting for the mock");
}

static void destroy(void)
{
    for (int i = 0; i < 3; i++)
        hx_result_release(&items[i].res);
}

TestSuite(harness_report_docs, .init = make, .fini = destroy);

Test(harness_report_docs, junit_document)
{
    char *x = hx_junit_text(items, 3, 2000000);

    cr_assert(strstr(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>") == x);
    cr_assert(strstr(x, "<testsuite name=\"secmock\" tests=\"3\" failures=\"1\" errors=\"0\" "
                        "skipped=\"1\" time=\"2.000\""),
              "%s", x);
    cr_assert(strstr(x, "<testcase classname=\"demo\" name=\"demo/ok\" file=\"s/demo/ok.json\" "
                        "time=\"0.012\"/>"),
              "%s", x);
    cr_assert(strstr(x, "<testcase classname=\"demo\" name=\"demo/&lt;bad&gt;\""), "%s", x);
    cr_assert(strstr(x, "<failure message=\"steps[2] &quot;x&quot; (http): expected status 200, "
                        "got 404; body: &quot;&lt;html&gt;&amp;&quot;\" type=\"failure\">"),
              "%s", x);
    cr_assert(strstr(x, "#1 GET /x -&gt; 404 not_found (demo)"), "%s", x);
    cr_assert(strstr(x, "<system-err>client: error \xef\xbf\xbd here\n</system-err>"), "%s", x);
    cr_assert(strstr(x, "<testcase classname=\"mimecast\" name=\"mimecast/later\""), "%s", x);
    cr_assert(strstr(x, "<skipped message=\"waiting for the mock\"/>"), "%s", x);
    cr_assert(strstr(x, "</testsuite>\n</testsuites>\n"), "%s", x);
    free(x);
}

Test(harness_report_docs, json_document)
{
    cJSON *doc = hx_json_report(items, 3, 2000000), *s, *f;

    s = cJSON_GetObjectItem(doc, "summary");
    cr_assert_eq(cJSON_GetObjectItem(s, "passed")->valueint, 1);
    cr_assert_eq(cJSON_GetObjectItem(s, "failed")->valueint, 1);
    cr_assert_eq(cJSON_GetObjectItem(s, "skipped")->valueint, 1);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "scenarios")), 3);
    f = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "scenarios"), 1);
    cr_assert_str_eq(cJSON_GetObjectItem(f, "status")->valuestring, "failed");
    cr_assert_str_eq(cJSON_GetObjectItem(f, "family")->valuestring, "demo");
    f = cJSON_GetObjectItem(f, "failure");
    cr_assert_eq(cJSON_GetObjectItem(f, "step")->valueint, 2);
    cr_assert(strstr(cJSON_GetObjectItem(f, "message")->valuestring, "got 404"));
    cJSON_Delete(doc);
}

Test(harness_report_docs, terminal_lines)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    hx_report_line(f, &items[0], 0, 0);
    hx_report_line(f, &items[1], 0, 0);
    hx_report_line(f, &items[2], 0, 0);
    fclose(f);
    cr_assert(strstr(text, "pass  demo/ok  (0.01s)\n") == text, "%s", text);
    cr_assert(strstr(text, "FAIL  demo/<bad>  (1.50s)\n"), "%s", text);
    cr_assert(strstr(text, "      at steps[2] \"x\" (http):\n        expected status 200"), "%s",
              text);
    cr_assert(strstr(text, "      journal (last entries):\n        #1 GET /x"), "%s", text);
    cr_assert(strstr(text, "      client stderr (last lines):\n        client: error"), "%s", text);
    cr_assert(strstr(text, "skip  mimecast/later  (waiting for the mock)\n"), "%s", text);
    cr_assert_null(strstr(text, "\033["), "no colour when not asked");
    free(text);
}
