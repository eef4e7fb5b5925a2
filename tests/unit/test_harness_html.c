/*
 * test_harness_html.c: the --html report. Escaping; a passing and a failing
 * scenario rendered from hand-made timelines (the page is self-contained,
 * nothing from a scenario or a request reaches the page unescaped, the
 * diagram has its lanes, requests, admin actions and the failing step's
 * expected versus got); a skipped scenario and one without a timeline; and
 * against the real mock (SECMOCK_BINARY), the timeline and the whole journal
 * hx_execute() records when asked, entries of a cleared journal included, and
 * a passing and a failing check_state step drawn as admin arrows.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/http.h"
#include "common/json.h"
#include "common/mem.h"
#include "harness/exec.h"
#include "harness/html.h"

#define FAILING SECMOCK_SOURCE_DIR "/tests/data/html/failing.json"
#define PASSING SECMOCK_SOURCE_DIR "/scenarios/demo/fault-once.json"

static char *escaped(const char *s)
{
    struct cm_buf b;

    cm_buf_init(&b, 0);
    cm_buf_puts(&b, "");
    hx_html_escape(&b, s);
    return cm_buf_steal(&b, NULL);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
        n++;
    return n;
}

Test(harness_html, escaping)
{
    char *s;

    s = escaped("<script>alert('x')</script> & \"q\"");
    cr_assert_str_eq(s, "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;q&quot;");
    free(s);
    s = escaped("caf\xc3\xa9 bad \xff bell\a");
    cr_assert_str_eq(s, "caf\xc3\xa9 bad \xef\xbf\xbd bell\xef\xbf\xbd");
    free(s);
    s = escaped("line\nnext");
    cr_assert_str_eq(s, "line\nnext");
    free(s);
}

static struct hx_scenario *load(const char *file)
{
    struct cm_err err = {{0}};
    struct hx_scenario *sc = hx_scenario_load(file, &err);

    cr_assert_not_null(sc, "%s", err.msg);
    return sc;
}

static cJSON *parse(const char *text)
{
    cJSON *doc = cJSON_Parse(text);

    cr_assert_not_null(doc, "%s", text);
    return doc;
}

/* 2026-03-02T09:00:00Z */
#define T0 "1772442000000"

static void failing_result(struct hx_result *r)
{
    memset(r, 0, sizeof(*r));
    r->status = HX_FAIL;
    r->duration_us = 30000;
    r->failed_step = 5;
    r->where = cm_strdup("steps[5] \"the outage is over <i>?</i>\" (http)");
    r->message = cm_strdup("expected status 200, got 503; body: "
                           "\"{\"message\":\"<img src=x onerror=alert(1)>\"}\"");
    r->stderr_tail = cm_strdup("</pre><b>stderr</b>");
    r->log = cm_strdup("");
    r->timeline = parse("[{\"step\":-1,\"ok\":true,\"now_ms\":" T0 ",\"seq\":0},"
                        "{\"step\":0,\"ok\":true,\"now_ms\":" T0 ",\"seq\":1},"
                        "{\"step\":1,\"ok\":true,\"now_ms\":" T0 ",\"seq\":1,\"note\":\"fault 1\"},"
                        "{\"step\":2,\"ok\":true,\"now_ms\":" T0 ",\"seq\":1},"
                        "{\"step\":3,\"ok\":true,\"now_ms\":" T0 ",\"seq\":2},"
                        "{\"step\":4,\"ok\":true,\"now_ms\":1772442300000,\"seq\":2},"
                        "{\"step\":5,\"ok\":false,\"now_ms\":1772442300000,\"seq\":3}]");
    r->journal = parse(
        "[{\"seq\":1,\"time_ms\":" T0 ",\"service\":\"demo\",\"method\":\"GET\",\"path\":\"/ping\","
        "\"query\":\"\",\"status\":200,\"verdict\":\"ok\"},"
        "{\"seq\":2,\"time_ms\":" T0 ",\"service\":\"demo\",\"method\":\"GET\",\"path\":\"/items\","
        "\"query\":\"\",\"status\":503,\"verdict\":\"fault:status\"},"
        "{\"seq\":3,\"time_ms\":1772442300000,\"service\":\"demo\",\"method\":\"GET\","
        "\"path\":\"/"
        "items\",\"query\":\"after=<x>\",\"status\":503,\"verdict\":\"fault:status\"}]");
}

/* A passing run of fault-once: every step, the requests its http steps made. */
static void passing_result(struct hx_result *r, const struct hx_scenario *sc)
{
    static const int seq_after[] = {0, 1, 2, 2, 2, 3, 4, 5, 5, 6, 6};
    static const char *const paths[] = {"/items",   "/items", "/items/a",
                                        "/items/b", "/ping",  "/items/a"};
    static const int status[] = {503, 200, 500, 500, 200, 200};
    size_t i;

    cr_assert_eq(sc->nsteps, 11);
    memset(r, 0, sizeof(*r));
    r->status = HX_PASS;
    r->duration_us = 20000;
    r->failed_step = -1;
    r->log = cm_strdup("");
    r->timeline = parse("[{\"step\":-1,\"ok\":true,\"now_ms\":" T0 ",\"seq\":0}]");
    r->journal = cJSON_CreateArray();
    for (i = 0; i < sc->nsteps; i++) {
        cJSON *ev = cJSON_CreateObject();
        cJSON_AddNumberToObject(ev, "step", (double)i);
        cJSON_AddBoolToObject(ev, "ok", 1);
        cJSON_AddNumberToObject(ev, "now_ms", 1772442000000.0);
        cJSON_AddNumberToObject(ev, "seq", seq_after[i]);
        cJSON_AddItemToArray(r->timeline, ev);
    }
    for (i = 0; i < 6; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "seq", (double)i + 1);
        cJSON_AddNumberToObject(e, "time_ms", 1772442000000.0);
        cJSON_AddStringToObject(e, "service", "demo");
        cJSON_AddStringToObject(e, "method", "GET");
        cJSON_AddStringToObject(e, "path", paths[i]);
        cJSON_AddNumberToObject(e, "status", status[i]);
        cJSON_AddStringToObject(e, "verdict", status[i] == 200 ? "ok" : "fault:status");
        cJSON_AddItemToArray(r->journal, e);
    }
}

/* The part of the page from the section of scenario i to the next one. */
static char *section(const char *page, int i)
{
    char id[32];
    const char *start, *end;

    snprintf(id, sizeof(id), "id=\"sc-%d\"", i);
    start = strstr(page, id);
    cr_assert_not_null(start, "%s", id);
    end = strstr(start, "</section>");
    cr_assert_not_null(end);
    return cm_strndup(start, (size_t)(end - start));
}

Test(harness_html, a_passing_and_a_failing_scenario)
{
    struct hx_scenario *pass = load(PASSING), *failing = load(FAILING);
    struct hx_item items[2];
    char *page, *s;

    items[0].sc = pass;
    passing_result(&items[0].res, pass);
    items[1].sc = failing;
    failing_result(&items[1].res);
    page = hx_html_text(items, 2, 50000);

    /* one self-contained document */
    cr_assert_eq(strncmp(page, "<!DOCTYPE html>\n<html lang=\"en\">", 32), 0, "%.80s", page);
    cr_assert(strstr(page, "<title>secmock run: 1 passed, 1 failed</title>"), "%.400s", page);
    cr_assert(strstr(page, "content=\"default-src 'none'; style-src 'unsafe-inline'; "
                           "script-src 'unsafe-inline'\""));
    cr_assert(strstr(page, "</html>\n"));
    cr_assert_eq(count(page, "<script"), 1, "only the page's own script");
    cr_assert_eq(count(page, "<style"), 1);
    cr_assert_null(strstr(page, "src=\""));
    cr_assert_null(strstr(page, "<link"));
    cr_assert_null(strstr(page, "<img"));
    cr_assert_null(strstr(page, "url("));
    cr_assert_null(strstr(page, "@import"));
    cr_assert_null(strstr(page, "<i>"));
    cr_assert_null(strstr(page, "<b>not bold"));

    /* the summary table */
    cr_assert(strstr(page, "<table class=\"summary\">"));
    cr_assert(strstr(page, "<td><a href=\"#sc-0\">demo/fault-once</a>"), "%s", page);
    cr_assert(strstr(page, "<a href=\"#sc-1\">html/items-after-outage-&lt;script&gt;alert(1)&lt;/"
                           "script&gt;</a>"));
    cr_assert(strstr(page, "<span class=\"tag\">fails-on-purpose</span>"));
    cr_assert(strstr(page, "<span class=\"badge pass\">pass</span>"));
    cr_assert(strstr(page, "<span class=\"badge fail\">FAIL</span>"));

    /* the passing scenario: lanes, every request, the admin actions, no failure */
    s = section(page, 0);
    cr_assert(strstr(s, "<section") == NULL && strstr(s, "details open"), "%s", s);
    cr_assert(strstr(s, "<div class=\"lane client\""));
    cr_assert(strstr(s, ">demo</div>"));
    cr_assert(strstr(s, "<div class=\"lane admin\""));
    cr_assert_eq(count(s, "class=\"life\""), 3);
    cr_assert_eq(count(s, "<div class=\"arrow right"), 6, "six requests: %s", s);
    cr_assert(strstr(s, "GET /items</span> &rarr; <span class=\"st\">503</span> fault:status"));
    cr_assert(strstr(s, "fault armed: <span class=\"mono\">GET /items</span> &rarr; status 503 "
                        "&times;1"),
              "%s", s);
    cr_assert(strstr(s, "until cleared"));
    cr_assert(strstr(s, "faults cleared"));
    cr_assert_eq(count(s, "journal check &#10003;"), 2);
    cr_assert_null(strstr(s, "failed"));
    cr_assert_null(strstr(s, "did not run"));
    free(s);

    /* the failing scenario: the failing step highlighted, expected versus got */
    s = section(page, 1);
    cr_assert(strstr(s, "<div class=\"rowbg failed\""), "%s", s);
    cr_assert(strstr(s, "<b>#5</b> http<br>the outage is over &lt;i&gt;?&lt;/i&gt;</div>"), "%s",
              s);
    cr_assert(strstr(s, "GET /items?after=&lt;x&gt;</span> &rarr; <span class=\"st\">503</span>"));
    cr_assert(strstr(s, "<h3>&#10007; failed at steps[5] &quot;the outage is over "
                        "&lt;i&gt;?&lt;/i&gt;&quot; (http)</h3>"),
              "%s", s);
    cr_assert(strstr(s, "<tr class=\"exp\"><th>expected</th><td>status 200</td></tr>"), "%s", s);
    cr_assert(strstr(s, "<th>got</th><td>503; body: &quot;{&quot;message&quot;:&quot;&lt;img "
                        "src=x onerror=alert(1)&gt;&quot;}&quot;</td>"),
              "%s", s);
    cr_assert(strstr(s, "&lt;/pre&gt;&lt;b&gt;stderr&lt;/b&gt;"));
    cr_assert(strstr(s, "clock +5m &rarr; <b>2026-03-02T09:05:00Z</b>"), "%s", s);
    cr_assert(strstr(s, "state patched <span class=\"mono\">{&quot;items&quot;:"), "%s", s);
    cr_assert(strstr(s, "<small>2026-03-02</small>09:00:00"), "%s", s);
    cr_assert(strstr(s, "steps[6] did not run"));
    /* the failure box comes right after the failing request */
    cr_assert(strstr(s, "after=&lt;x&gt;") < strstr(s, "class=\"failrow\""));
    free(s);

    free(page);
    hx_result_release(&items[0].res);
    hx_result_release(&items[1].res);
    hx_scenario_free(pass);
    hx_scenario_free(failing);
}

Test(harness_html, skipped_and_without_timeline)
{
    struct hx_scenario *sc = load(FAILING);
    struct hx_item items[2];
    char *page;

    memset(items, 0, sizeof(items));
    items[0].sc = sc;
    items[0].res.status = HX_SKIP;
    items[0].res.message = cm_strdup("vendor <answer>");
    items[1].sc = sc;
    items[1].res.status = HX_FAIL;
    items[1].res.failed_step = -1;
    items[1].res.where = cm_strdup("start-up");
    items[1].res.message = cm_strdup("the mock exited & said <nothing>");
    page = hx_html_text(items, 2, 1000);
    cr_assert(strstr(page, "skipped: vendor &lt;answer&gt;"), "%s", page);
    cr_assert(strstr(page, "<h3>&#10007; failed at start-up</h3>"));
    cr_assert(strstr(page, "<pre>the mock exited &amp; said &lt;nothing&gt;</pre>"));
    cr_assert(strstr(page, "no sequence diagram"));
    cr_assert(strstr(page, "0 passed</b>, <b class=\"fail\">1 failed</b>, 1 skipped"), "%s", page);
    cr_assert_null(strstr(page, "class=\"diagram\""));
    free(page);
    hx_result_release(&items[0].res);
    hx_result_release(&items[1].res);
    hx_scenario_free(sc);
}

static void execute(const char *file, struct hx_result *res, int timeline)
{
    struct hx_scenario *sc = load(file);
    struct hx_exec_config cfg;

    memset(&cfg, 0, sizeof(cfg));
    cfg.secmock = SECMOCK_BINARY;
    cfg.timeline = timeline;
    cm_http_global_init();
    hx_execute(sc, &cfg, res);
    hx_scenario_free(sc);
}

Test(harness_html, exec_records_the_timeline_and_journal)
{
    struct hx_result res;
    const cJSON *ev;

    execute(FAILING, &res, 1);
    cr_assert_eq(res.status, HX_FAIL, "%s", res.message);
    cr_assert_eq(res.failed_step, 5);
    cr_assert_eq(cJSON_GetArraySize(res.timeline), 7, "start-up and steps 0 to 5");
    cr_assert_eq(cJSON_GetArraySize(res.journal), 3);
    ev = cJSON_GetArrayItem(res.timeline, 0);
    cr_assert_eq(cm_json_num(ev, "step", 0), -1);
    cr_assert_eq(cm_json_num(ev, "now_ms", 0), 1772442000000.0);
    ev = cJSON_GetArrayItem(res.timeline, 2);
    cr_assert_str_eq(cm_json_str(ev, "note", ""), "fault 1");
    cr_assert_eq(cm_json_num(ev, "seq", 0), 1);
    ev = cJSON_GetArrayItem(res.timeline, 5);
    cr_assert_eq(cm_json_num(ev, "now_ms", 0), 1772442300000.0, "after advance 5m");
    cr_assert_str_eq(cm_json_str(ev, "note", ""), "clock now 2026-03-02T09:05:00Z");
    ev = cJSON_GetArrayItem(res.timeline, 6);
    cr_assert_eq(cm_json_bool(ev, "ok", 1), 0);
    cr_assert_eq(cm_json_num(ev, "seq", 0), 3);
    cr_assert_str_eq(cm_json_str(cJSON_GetArrayItem(res.journal, 2), "verdict", ""),
                     "fault:status");
    hx_result_release(&res);

    /* a cleared journal: what came before the clear is kept */
    execute(SECMOCK_SOURCE_DIR "/scenarios/demo/ping-and-journal.json", &res, 1);
    cr_assert_eq(res.status, HX_PASS, "%s", res.message);
    cr_assert_eq(cJSON_GetArraySize(res.journal), 4);
    hx_result_release(&res);

    /* without --html nothing is recorded */
    execute(FAILING, &res, 0);
    cr_assert_null(res.timeline);
    cr_assert_null(res.journal);
    hx_result_release(&res);
}

/* A check_state step is drawn as the other admin steps are: an arrow from the admin lane to the
 * service, ticked when it passed; a failing one is shaded and followed by expected versus got. */
Test(harness_html, a_state_check_is_an_admin_arrow)
{
    static const char text[] =
        "{\"name\": \"html/state-check\", \"services\": {\"demo\": {\"state\": {\"items\": "
        "{\"a\": {\"value\": 1}}}}}, \"steps\": ["
        "{\"name\": \"a is 1\", \"check_state\": {\"service\": \"demo\", \"json\": {\"items\": "
        "{\"a\": {\"value\": 1}}}}},"
        "{\"name\": \"a is 2\", \"check_state\": {\"service\": \"demo\", \"json\": {\"items\": "
        "{\"a\": {\"value\": 2}}}}}]}";
    struct cm_err err = {{0}};
    struct hx_scenario *sc =
        hx_scenario_parse("/nowhere/state-check.json", text, sizeof(text) - 1, &err);
    struct hx_exec_config cfg;
    struct hx_item item;
    char *page, *s;

    cr_assert_not_null(sc, "%s", err.msg);
    memset(&cfg, 0, sizeof(cfg));
    cfg.secmock = SECMOCK_BINARY;
    cfg.timeline = 1;
    cm_http_global_init();
    item.sc = sc;
    hx_execute(sc, &cfg, &item.res);
    cr_assert_eq(item.res.status, HX_FAIL, "%s", item.res.message);
    cr_assert_eq(cJSON_GetArraySize(item.res.timeline), 3, "start-up and both steps");
    page = hx_html_text(&item, 1, item.res.duration_us);
    s = section(page, 0);
    cr_assert(strstr(s, "<b>#0</b> check_state<br>a is 1</div>"), "%s", s);
    cr_assert(strstr(s, "<div class=\"arrow left adm\""), "%s", s);
    cr_assert(strstr(s,
                     "state check &#10003; <span class=\"mono\">{&quot;items&quot;:{&quot;a&quot;"
                     ":{&quot;value&quot;:1}}}</span></span></div>"),
              "%s", s);
    cr_assert(strstr(s, "<div class=\"rowbg failed\""), "%s", s);
    cr_assert(strstr(s, "<b>#1</b> check_state<br>a is 2</div>"), "%s", s);
    cr_assert(strstr(s, "<div class=\"arrow left bad\""), "%s", s);
    cr_assert(strstr(s, "state check <span class=\"mono\">{&quot;items&quot;:{&quot;a&quot;:"
                        "{&quot;value&quot;:2}}}</span> <b class=\"bad\">&#10007;</b>"),
              "%s", s);
    cr_assert(strstr(s, "<h3>&#10007; failed at steps[1] &quot;a is 2&quot; (check_state)</h3>"),
              "%s", s);
    cr_assert(strstr(s, "<p class=\"mono\">the demo state: at .items.a.value: </p>"), "%s", s);
    cr_assert(strstr(s, "<tr class=\"exp\"><th>expected</th><td>2</td></tr>"), "%s", s);
    cr_assert(strstr(s, "<tr class=\"got\"><th>got</th><td>1</td></tr>"), "%s", s);
    free(s);
    free(page);
    hx_result_release(&item.res);
    hx_scenario_free(sc);
}
