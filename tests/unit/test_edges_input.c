/*
 * test_edges_input.c: the pieces that keep bad input from becoming a bad
 * answer (issue 6): the UTF-8 cleaner every JSON answer goes through, the
 * nesting limit of every JSON parse and its message, the Mimecast body
 * parser's own limit, and scenario files that are truncated, binary, huge or
 * nested past the limit.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/json.h"
#include "harness/scenario.h"
#include "mock/kit/http.h"
#include "mock/mimecast/mm.h"

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);

    memset(s, c, n);
    s[n] = '\0';
    return s;
}

Test(edges_input, utf8_valid_text_is_left_alone)
{
    cr_assert_null(mk_utf8_clean(""));
    cr_assert_null(mk_utf8_clean("plain ascii"));
    cr_assert_null(mk_utf8_clean("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"));
}

Test(edges_input, utf8_bad_bytes_become_replacement_characters)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"\xff", "\xef\xbf\xbd"},                                 /* never valid */
        {"a\x80z", "a\xef\xbf\xbdz"},                             /* stray continuation */
        {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                 /* overlong '/' */
        {"\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong, 3 bytes */
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
        {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* > U+10FFFF */
        {"caf\xc3", "caf\xef\xbf\xbd"},                         /* cut at the end */
        {"\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd"},               /* cut, 3 bytes */
        {"ok \xc3\xa9 \xfe ok", "ok \xc3\xa9 \xef\xbf\xbd ok"}, /* good kept around bad */
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = mk_utf8_clean(cases[i].in);
        cr_assert_not_null(got, "case %zu was taken for valid", i);
        cr_assert_str_eq(got, cases[i].out, "case %zu", i);
        cr_assert_null(mk_utf8_clean(got), "case %zu: the cleaned text is not valid", i);
        free(got);
    }
}

Test(edges_input, json_answers_are_valid_utf8)
{
    struct mk_response r;
    cJSON *doc = cJSON_CreateObject();

    cJSON_AddStringToObject(doc, "k\xff", "v\xc3");
    cJSON_AddItemToObject(cJSON_AddArrayToObject(doc, "a"), "", cJSON_CreateString("\x80"));
    mk_resp_init(&r);
    mk_resp_json(&r, 200, doc);
    cr_assert_str_eq(cm_buf_str(&r.body),
                     "{\"k\xef\xbf\xbd\":\"v\xef\xbf\xbd\",\"a\":[\"\xef\xbf\xbd\"]}");
    mk_resp_release(&r);
}

Test(edges_input, json_nesting_limit_named_in_the_message)
{
    struct cm_err err = {{0}};
    char *deep = repeat('[', 100000);
    struct cm_buf b;
    cJSON *doc;
    int i;

    cr_assert_null(cm_json_parse(deep, 100000, "body", &err));
    cr_assert(strstr(err.msg, "nested deeper than 1000 levels"), "%s", err.msg);
    cr_assert(strstr(err.msg, "column 1001"), "%s", err.msg);
    free(deep);
    /* objects too, and brackets inside strings do not count */
    cm_buf_init(&b, 0);
    cm_buf_puts(&b, "{\"s\":\"[[[[[[[[\",\"d\":");
    for (i = 0; i < 2000; i++)
        cm_buf_puts(&b, "{\"a\":");
    cr_assert_null(cm_json_parse(b.data, b.len, "x.json", &err));
    cr_assert(strstr(err.msg, "x.json: invalid JSON") && strstr(err.msg, "nested deeper"), "%s",
              err.msg);
    cm_buf_release(&b);
    /* 1000 levels are the most that parse; an error at that depth is an ordinary one */
    cm_buf_init(&b, 0);
    for (i = 0; i < 1000; i++)
        cm_buf_putc(&b, '[');
    for (i = 0; i < 1000; i++)
        cm_buf_putc(&b, ']');
    doc = cm_json_parse(b.data, b.len, "body", &err);
    cr_assert_not_null(doc, "%s", err.msg);
    cJSON_Delete(doc);
    b.data[999] = 'x';
    cr_assert_null(cm_json_parse(b.data, b.len, "body", &err));
    cr_assert_null(strstr(err.msg, "nested"), "%s", err.msg);
    cm_buf_release(&b);
}

Test(edges_input, one_whole_document_or_nothing)
{
    struct cm_err err = {{0}};
    cJSON *doc;

    doc = cm_json_parse_whole("{\"a\":1}\n\t \r\n", 12, "body", &err);
    cr_assert_not_null(doc, "%s", err.msg);
    cJSON_Delete(doc);
    cr_assert_null(cm_json_parse_whole("{\"a\":1}\n} junk", 14, "body", &err));
    cr_assert_str_eq(err.msg, "body: unexpected text after the JSON document at line 2, column 1 "
                              "(one document per file or body)");
    cr_assert_null(cm_json_parse_whole("{\"a\":1}{\"b\":2}", 14, "x.json", &err));
    cr_assert(strstr(err.msg, "line 1, column 8"), "%s", err.msg);
    cr_assert_null(cm_json_parse_whole("{\"a\":", 5, "body", &err));
    cr_assert(strstr(err.msg, "invalid JSON at line 1"), "%s", err.msg);
}

Test(edges_input, mimecast_body_parser_has_its_own_limit)
{
    struct cm_err err = {{0}};
    char *deep = repeat('[', 100000);
    char *py = repeat('(', 100000);

    cr_assert_null(mm_lenient_parse(deep, 100000, &err));
    cr_assert(strstr(err.msg, "nesting"), "%s", err.msg);
    cr_assert_null(mm_lenient_parse(py, 100000, &err));
    cr_assert(strstr(err.msg, "nesting"), "%s", err.msg);
    cr_assert_null(mm_lenient_parse("{'data': [\xff", 12, &err));
    free(deep);
    free(py);
}

/* ---- scenario files ---- */

static char dir[64];

static void mkdir_tmp(void)
{
    snprintf(dir, sizeof(dir), "/tmp/secmock-edges-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void rm_tmp(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

static const char *file_with(const char *name, const void *data, size_t len)
{
    static char path[128];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    cr_assert_eq(cm_write_file_atomic(path, data, len), 0);
    return path;
}

/* Loading file fails with a message naming it and containing want. */
static void refused(const char *file, const char *want)
{
    struct cm_err err = {{0}};
    struct hx_scenario *sc = hx_scenario_load(file, &err);

    cr_assert_null(sc, "'%s' was accepted", file);
    cr_assert(strstr(err.msg, file) != NULL, "the message does not name the file: %s", err.msg);
    cr_assert(strstr(err.msg, want) != NULL, "'%s' lacks '%s'", err.msg, want);
}

TestSuite(edges_scenario, .init = mkdir_tmp, .fini = rm_tmp);

Test(edges_scenario, truncated_file)
{
    static const char text[] = "{\n  \"name\": \"demo/x\",\n  \"services\": {\"demo\": {}},\n"
                               "  \"steps\": [\n    {\"advance\": \"1m\"},\n    {\"adv";

    refused(file_with("t.json", text, sizeof(text) - 1), "invalid JSON at line 6");
}

Test(edges_scenario, a_second_document_after_the_first)
{
    static const char text[] = "{\"name\": \"demo/x\", \"services\": {\"demo\": {}},"
                               " \"steps\": [{\"advance\": \"1m\"}]}\n"
                               "{\"name\": \"demo/y\"}\n";

    refused(file_with("two.json", text, sizeof(text) - 1),
            "unexpected text after the JSON document at line 2, column 1");
}

Test(edges_scenario, empty_file)
{
    refused(file_with("e.json", "", 0), "empty");
}

Test(edges_scenario, binary_file)
{
    unsigned char bin[4096];
    size_t i;

    for (i = 0; i < sizeof(bin); i++)
        bin[i] = (unsigned char)(i * 131 + 7);
    bin[0] = 0x7f, bin[1] = 'E', bin[2] = 'L', bin[3] = 'F';
    refused(file_with("b.json", bin, sizeof(bin)), "invalid JSON at line 1, column 1");
    /* NUL bytes where a document should be */
    memset(bin, 0, sizeof(bin));
    refused(file_with("z.json", bin, sizeof(bin)), "invalid JSON");
}

Test(edges_scenario, huge_file)
{
    const char *path = file_with("h.json", "{", 1);
    int fd = open(path, O_WRONLY);

    /* a sparse file one byte past the limit: nothing is written to disk */
    cr_assert_geq(fd, 0);
    cr_assert_eq(ftruncate(fd, (off_t)CM_JSON_FILE_MAX + 1), 0);
    close(fd);
    refused(path, "larger than 67108864 bytes");
}

Test(edges_scenario, nested_past_the_limit)
{
    char *deep = repeat('[', 100000);

    memcpy(deep, "{\"name\":", 8);
    refused(file_with("d.json", deep, 100000), "nested deeper than 1000 levels");
    free(deep);
}

Test(edges_scenario, invalid_utf8_in_a_name_is_loaded_or_refused_cleanly)
{
    static const char text[] = "{\"name\": \"demo/\xff\xfe\", \"services\": {\"demo\": {}},"
                               " \"steps\": [{\"advance\": \"1m\"}]}";
    struct cm_err err = {{0}};
    struct hx_scenario *sc = hx_scenario_load(file_with("u.json", text, sizeof(text) - 1), &err);

    /* either outcome is fine as long as it is clear; the harness must not crash */
    if (sc == NULL)
        cr_assert_neq(err.msg[0], '\0');
    hx_scenario_free(sc);
}
