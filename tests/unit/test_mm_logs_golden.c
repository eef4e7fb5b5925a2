/*
 * test_mm_logs_golden.c: the exact bytes the TTP get-logs endpoints answer
 * (mock/mimecast/logs.c, logsrc.c), against golden files captured from the
 * cJSON-tree implementation, so that a faster writer cannot drift by a byte:
 * envelope, member order, number formats, escaping of quotes, backslashes and
 * control characters, U+FFFD for bytes that are not UTF-8, non-ASCII kept.
 *
 * Each case is a data set (generated records, or explicit ones with awkward
 * strings), a first request and a number of pages followed through `next`,
 * all at the fixture's frozen time with a fixed page-token key, so tokens are
 * the same on every run. The golden files are tests/unit/golden/mm_logs/
 * <case>-<page>.json; SECMOCK_GOLDEN_UPDATE=1 rewrites them from the current
 * code (only ever from a tree whose output is known to be right).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_mm_util.h"

#define URL_LOGS "/api/ttp/url/get-logs"
#define IMP_LOGS "/api/ttp/impersonation/get-logs"
#define ATT_LOGS "/api/ttp/attachment/get-logs"

/* Generated records for each kind; the attachment domain needs escaping. */
#define GEN_LOGS                                                                                   \
    "{\"url\": {\"generate\": {\"seed\": 11, \"count\": 100000, \"start\": "                       \
    "\"2026-02-01T00:00:00Z\", \"interval\": \"30s\"}},"                                           \
    " \"impersonation\": {\"generate\": {\"seed\": 3, \"count\": 5000, \"start\": "                \
    "\"2026-03-01T00:00:00Z\", \"interval\": \"15s\", \"domain\": \"corp.example\"}},"             \
    " \"attachment\": {\"generate\": {\"seed\": 5, \"count\": 5000, \"start\": "                   \
    "\"2026-03-01T00:00:00Z\", \"interval\": \"15s\","                                             \
    " \"mix\": {\"malicious\": 1, \"safe\": 1, \"trusted\": 1},"                                   \
    " \"domain\": \"we\\\"ird\\\\d\\u0001om\xff\xc3(\xc3\xa9\xe6\xbc\xa2.example\"}}}"

/* Explicit records: quotes, backslashes, every kind of control character, DEL, non-ASCII,
 * bytes that are not UTF-8 (in values and keys), numbers of every form, nesting. */
#define ODD_STR                                                                                    \
    "\"q\\\"b\\\\s/l\\b\\f\\n\\r\\t\\u0001\\u001f\x7f \xc3\xa9\xe6\xbc\xa2\xf0\x9f\x98\x80"        \
    " bad:\xff\xfe\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82 end\""
#define ODD_EXTRA                                                                                  \
    " \"n\": [0, -0, 1.5, -2.25, 1e300, 123456789012, 2147483648, -2147483649, 0.1, 3e-7],"        \
    " \"b\": [true, false, null], \"e\": {}, \"ea\": [],"                                          \
    " \"k\xff\xc3\xa9\\\"\": {\"deep\": [{\"x\": " ODD_STR "}]}"
#define ODD_LOGS                                                                                   \
    "{\"url\": [{\"date\": \"2026-03-02T08:00:00+0000\", \"url\": " ODD_STR ","                    \
    " \"route\": \"inbound\", \"scanResult\": \"malicious\", \"subject\": " ODD_STR "," ODD_EXTRA  \
    "},"                                                                                           \
    " {\"date\": \"2026-03-02T08:00:00Z\", \"url\": \"https://a.example/?q=1&r=\\u00e9\"},"        \
    " {\"date\": \"2026-03-02T07:00:00+00:00\", \"url\": \"\", \"route\": \"outbound\"}],"         \
    " \"impersonation\": [{\"eventTime\": \"2026-03-02T08:00:00+0000\", "                          \
    "\"senderAddress\": " ODD_STR ", \"identifiers\": [\"similar_internal_domain\", " ODD_STR "]," \
    " \"taggedMalicious\": true, \"hits\": 1," ODD_EXTRA "},"                                      \
    " {\"eventTime\": \"2026-03-02T08:10:00Z\", \"subject\": \"\\u0000after nul\"},"               \
    " {\"eventTime\": \"2026-03-02T08:20:00Z\"}],"                                                 \
    " \"attachment\": [{\"date\": \"2026-03-02T06:00:00+0000\", \"fileName\": " ODD_STR ","        \
    " \"result\": \"malicious\", \"route\": \"internal\"," ODD_EXTRA "},"                          \
    " {\"date\": \"2026-03-02T06:30:00+0000\", \"fileName\": \"\\ud83d\\ude00.pdf\"}]}"

struct golden_case {
    const char *name;
    const char *logs; /* accounts[0].logs of the state */
    const char *path;
    const char *body; /* the first request */
    int pages;        /* how many pages, following next */
};

static const struct golden_case cases[] = {
    {"url-first", GEN_LOGS, URL_LOGS, "", 2},
    {"url-from", GEN_LOGS, URL_LOGS, "{\"data\": [{\"from\": \"2026-02-20T00:00:00+0000\"}]}", 3},
    {"url-oldest-500", GEN_LOGS, URL_LOGS,
     "{\"meta\": {\"pagination\": {\"pageSize\": 500}}, \"data\": [{\"oldestFirst\": true, "
     "\"from\": \"2026-02-01T00:00:00Z\"}]}",
     1},
    {"url-malicious", GEN_LOGS, URL_LOGS,
     "{\"meta\": {\"pagination\": {\"pageSize\": 50}}, \"data\": [{\"scanResult\": "
     "\"malicious\", \"route\": \"inbound\", \"from\": \"2026-02-25T00:00:00Z\"}]}",
     2},
    {"url-empty", GEN_LOGS, URL_LOGS,
     "{\"data\": [{\"from\": \"2026-03-02T08:00:00Z\", \"to\": \"2026-03-01T08:00:00Z\"}]}", 1},
    {"imp-100", GEN_LOGS, IMP_LOGS,
     "{\"meta\": {\"pagination\": {\"pageSize\": 100}}, \"data\": [{\"from\": "
     "\"2026-03-01T00:00:00Z\"}]}",
     2},
    {"imp-tagged", GEN_LOGS, IMP_LOGS,
     "{\"data\": [{\"taggedMalicious\": true, \"from\": \"2026-03-01T00:00:00Z\"}]}", 2},
    {"att-100", GEN_LOGS, ATT_LOGS,
     "{\"meta\": {\"pagination\": {\"pageSize\": 100}}, \"data\": [{\"oldestFirst\": true, "
     "\"from\": \"2026-03-01T00:00:00Z\"}]}",
     2},
    {"att-malicious", GEN_LOGS, ATT_LOGS,
     "{\"data\": [{\"result\": \"malicious\", \"from\": \"2026-03-01T00:00:00Z\"}]}", 1},
    {"odd-url", ODD_LOGS, URL_LOGS,
     "{\"meta\": {\"pagination\": {\"pageSize\": 2}}, \"data\": [{\"from\": "
     "\"2026-03-01T00:00:00Z\"}]}",
     2},
    {"odd-imp", ODD_LOGS, IMP_LOGS,
     "{\"meta\": {\"pagination\": {\"pageSize\": 2}}, \"data\": [{\"from\": "
     "\"2026-03-01T00:00:00Z\"}]}",
     2},
    {"odd-att", ODD_LOGS, ATT_LOGS,
     "{\"data\": [{\"oldestFirst\": true, \"from\": \"2026-03-01T00:00:00Z\"}]}", 1},
};

/* MMFX_STATE with accounts[0].logs replaced by logs. */
static void load_with_logs(struct mmfx *fx, const char *logs)
{
    cJSON *doc = mmfx_json(MMFX_STATE),
          *acct = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "accounts"), 0);
    char *text;

    cJSON_ReplaceItemInObjectCaseSensitive(acct, "logs", mmfx_json(logs));
    text = cm_json_print(doc);
    mmfx_load(fx, text);
    memset(fx->st->token_key, 0x5a, sizeof(fx->st->token_key));
    free(text);
    cJSON_Delete(doc);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct cm_buf b;
    char chunk[4096];
    size_t n;

    if (f == NULL)
        return NULL;
    cm_buf_init(&b, 0);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        cm_buf_append(&b, chunk, n);
    fclose(f);
    return cm_buf_steal(&b, len);
}

/* The first offset where a and b differ. */
static size_t diff_at(const char *a, size_t na, const char *b, size_t nb)
{
    size_t i;

    for (i = 0; i < na && i < nb && a[i] == b[i]; i++)
        ;
    return i;
}

static void check_case(const struct golden_case *c)
{
    struct mmfx fx;
    const char *update = getenv("SECMOCK_GOLDEN_UPDATE");
    char *body = cm_strdup(c->body);
    int p;

    load_with_logs(&fx, c->logs);
    for (p = 0; p < c->pages; p++) {
        struct mk_response r;
        char *path = cm_asprintf("%s/tests/unit/golden/mm_logs/%s-%d.json", SECMOCK_SOURCE_DIR,
                                 c->name, p + 1);
        const char *got;
        size_t ngot, nwant = 0, at;
        char *want;
        cJSON *doc;
        const char *next;

        cr_assert_eq(mmfx_post(&fx, c->path, body, MMFX_NOW, &r), 200, "%s page %d: %s", c->name,
                     p + 1, cm_buf_str(&r.body));
        got = cm_buf_str(&r.body);
        ngot = r.body.len;
        if (update && strcmp(update, "1") == 0) {
            FILE *f = fopen(path, "wb");
            cr_assert_not_null(f, "cannot write '%s'", path);
            cr_assert_eq(fwrite(got, 1, ngot, f), ngot);
            fclose(f);
        }
        want = read_all(path, &nwant);
        cr_assert_not_null(want,
                           "cannot read '%s': run with SECMOCK_GOLDEN_UPDATE=1 on a known "
                           "good tree to make it",
                           path);
        at = diff_at(got, ngot, want, nwant);
        cr_assert(ngot == nwant && at == ngot,
                  "%s page %d differs from '%s' at byte %zu (%zu bytes, want %zu):\n"
                  "got  ...%.80s\nwant ...%.80s",
                  c->name, p + 1, path, at, ngot, nwant, got + (at > 20 ? at - 20 : 0),
                  want + (at > 20 ? at - 20 : 0));
        doc = mmfx_body(&r);
        next = cm_json_str(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "meta"), "pagination"),
                           "next", NULL);
        free(body);
        body = next ? cm_asprintf("{\"meta\": {\"pagination\": {\"pageToken\": \"%s\"}}}", next)
                    : cm_strdup("{}");
        cr_assert(next || p + 1 == c->pages, "%s page %d: no next page", c->name, p + 1);
        cJSON_Delete(doc);
        free(want);
        free(path);
        mk_resp_release(&r);
    }
    free(body);
    mmfx_free(&fx);
}

TestSuite(mm_logs_golden, .timeout = 30);

Test(mm_logs_golden, every_case_is_byte_identical)
{
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_case(&cases[i]);
}

Test(mm_logs_golden, the_odd_strings_are_still_in_the_data)
{
    /* guards against a state loader that would quietly drop the awkward parts */
    struct mmfx fx;
    struct mk_response r;

    load_with_logs(&fx, ODD_LOGS);
    cr_assert_eq(mmfx_post(&fx, URL_LOGS, "{\"data\": [{\"from\": \"2026-03-01T00:00:00Z\"}]}",
                           MMFX_NOW, &r),
                 200);
    cr_assert_not_null(strstr(cm_buf_str(&r.body), "\\\"b\\\\s/l\\b\\f\\n\\r\\t\\u0001\\u001f"),
                       "%s", cm_buf_str(&r.body));
    cr_assert_not_null(strstr(cm_buf_str(&r.body), "bad:\xef\xbf\xbd\xef\xbf\xbd"));
    cr_assert_not_null(strstr(cm_buf_str(&r.body), "\xc3\xa9\xe6\xbc\xa2\xf0\x9f\x98\x80"));
    cr_assert_not_null(strstr(cm_buf_str(&r.body), "1e+300"), "%s", cm_buf_str(&r.body));
    mk_resp_release(&r);
    mmfx_free(&fx);
}
