/*
 * test_mm_lenient.c: the request-body reader (mock/mimecast/lenient.c): JSON
 * and Python repr read alike (single quotes, u'' prefixes, True/False/None,
 * tuples, trailing commas, Python escapes), and every malformed input refused
 * with the offset of the fault.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "test_mm_util.h"

static cJSON *parse(const char *text, struct cm_err *err)
{
    return mm_lenient_parse(text, strlen(text), err);
}

/* text must read as the same document as the JSON want. */
static void same(const char *text, const char *want)
{
    struct cm_err err = {{0}};
    cJSON *got = parse(text, &err), *w = mmfx_json(want);
    char *gs, *ws;

    cr_assert_not_null(got, "refused %s: %s", text, err.msg);
    gs = cm_json_print(got);
    ws = cm_json_print(w);
    cr_assert_str_eq(gs, ws, "read %s", text);
    free(gs);
    free(ws);
    cJSON_Delete(got);
    cJSON_Delete(w);
}

static void refused(const char *text, const char *fragment)
{
    struct cm_err err = {{0}};
    cJSON *got = parse(text, &err);

    cr_assert_null(got, "accepted %s", text);
    cr_assert(strstr(err.msg, fragment) != NULL, "message '%s' lacks '%s'", err.msg, fragment);
}

Test(mm_lenient, strict_json_reads_as_json)
{
    same("{\"data\": [{\"oldestFirst\": true, \"n\": -1.5e3, \"x\": null}], \"s\": \"a\\\"b\"}",
         "{\"data\": [{\"oldestFirst\": true, \"n\": -1500, \"x\": null}], \"s\": \"a\\\"b\"}");
    same("  [1, 2.5, \"\\u00e9\", \"\\ud83d\\ude00\"]  ",
         "[1, 2.5, \"\xc3\xa9\", \"\xf0\x9f\x98\x80\"]");
}

Test(mm_lenient, python_repr_of_a_request)
{
    same(
        "{'meta': {'pagination': {'pageSize': 500, 'pageToken': ''}}, 'data': [{'oldestFirst': "
        "True, 'from': '2026-03-02T00:00:00+0000', 'scanResult': 'all', 'x': None, 'y': False}]}",
        "{\"meta\": {\"pagination\": {\"pageSize\": 500, \"pageToken\": \"\"}}, \"data\": "
        "[{\"oldestFirst\": true, \"from\": \"2026-03-02T00:00:00+0000\", \"scanResult\": \"all\", "
        "\"x\": null, \"y\": false}]}");
}

Test(mm_lenient, python2_prefixes_tuples_trailing_commas_and_longs)
{
    same("{u'data': [{u'emailAddress': u'a@b.c',}], 'n': 10L, 't': (1, 'two',),}",
         "{\"data\": [{\"emailAddress\": \"a@b.c\"}], \"n\": 10, \"t\": [1, \"two\"]}");
    same("()", "[]");
    same("{}", "{}");
}

Test(mm_lenient, python_escapes)
{
    same("'it\\'s \\x41\\u00e9 \\U0001F600 \\n\\t\\\\ \\q'",
         "\"it's A\xc3\xa9 \xf0\x9f\x98\x80 \\n\\t\\\\ \\\\q\"");
    same("\"double \\\"quoted\\\" and 'single'\"", "\"double \\\"quoted\\\" and 'single'\"");
    same("{'k': 'a', 'k': 'b'}", "{\"k\": \"b\"}");
}

Test(mm_lenient, malformed_bodies_name_the_offset)
{
    refused("", "offset 0 (end of body)");
    refused("{'data': [", "end of body");
    refused("{'data' [1]}", "':' after a key");
    refused("{'a': 1 'b': 2}", "',' or '}'");
    refused("[1 2]", "',' or ']'");
    refused("{data: 1}", "a quoted key");
    refused("{'a': Nonsense}", "a value");
    refused("{'a': 'unterminated}", "closing quote");
    refused("{'a': 1} trailing", "the end of the body");
    refused("'\\x4'", "hexadecimal digit");
    refused("'\\x00'", "other than NUL");
    refused("'\\ud800'", "lone surrogate");
    refused("'\\U00110000'", "other than NUL");
    refused("-", "a digit");
    refused("1e", "an exponent");
    refused("'abc\\", "an escaped character");
}

Test(mm_lenient, nesting_is_bounded)
{
    char deep[200];
    int i;

    for (i = 0; i < 70; i++)
        deep[i] = '[';
    deep[70] = '\0';
    refused(deep, "less nesting");
    for (i = 0; i < 60; i++)
        deep[i] = '[';
    for (i = 0; i < 60; i++)
        deep[60 + i] = ']';
    deep[120] = '\0';
    {
        struct cm_err err = {{0}};
        cJSON *ok = parse(deep, &err);
        cr_assert_not_null(ok, "60 levels are fine: %s", err.msg);
        cJSON_Delete(ok);
    }
}

Test(mm_lenient, a_nul_byte_inside_a_string_is_refused)
{
    struct cm_err err = {{0}};
    const char text[] = "'a\0b'";

    cr_assert_null(mm_lenient_parse(text, sizeof(text) - 1, &err));
    cr_assert(strstr(err.msg, "other than NUL") != NULL, "%s", err.msg);
}
