/*
 * test_common.c: the protocol-neutral helpers: bounded buffers, durations,
 * RFC 3339 times, merge patch, subset matching, file I/O.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fsutil.h"
#include "common/json.h"
#include "common/rng.h"
#include "common/timeutil.h"

Test(buf, append_grows_and_terminates)
{
    struct cm_buf b;

    cm_buf_init(&b, 0);
    cr_assert_str_eq(cm_buf_str(&b), "");
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(cm_buf_puts(&b, "abc"), 0);
    cr_assert_eq(b.len, 3000);
    cr_assert_eq(b.data[3000], '\0');
    cm_buf_release(&b);
}

Test(buf, max_refuses_and_keeps_contents)
{
    struct cm_buf b;

    cm_buf_init(&b, 8);
    cr_assert_eq(cm_buf_puts(&b, "12345678"), 0);
    cr_assert_eq(cm_buf_putc(&b, '9'), CM_ETOOBIG);
    cr_assert_str_eq(cm_buf_str(&b), "12345678");
    cr_assert_eq(cm_buf_printf(&b, "%d", 1), CM_ETOOBIG);
    cr_assert_eq(b.len, 8);
    cm_buf_release(&b);
}

Test(buf, json_string_escapes_controls)
{
    struct cm_buf b;

    cm_buf_init(&b, 0);
    cm_buf_json_string(&b, "a\"b\\c\n\x01");
    cr_assert_str_eq(cm_buf_str(&b), "\"a\\\"b\\\\c\\n\\u0001\"");
    cm_buf_release(&b);
}

/* Runs with nothing to escape go in whole, between and around the escapes. */
Test(buf, json_string_keeps_runs_around_escapes)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", "\"\""},
        {"plain text", "\"plain text\""},
        {"\"lead", "\"\\\"lead\""},
        {"trail\\", "\"trail\\\\\""},
        {"a\tb\rc\x1f", "\"a\\tb\\rc\\u001f\""},
        {"caf\xc3\xa9 \x7f", "\"caf\xc3\xa9 \x7f\""},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cm_buf b;
        cm_buf_init(&b, 0);
        cr_assert_eq(cm_buf_json_string(&b, cases[i].in), 0);
        cr_assert_str_eq(cm_buf_str(&b), cases[i].out, "case %zu", i);
        cm_buf_release(&b);
    }
}

Test(duration, parses_units_and_compounds)
{
    int64_t ms;

    cr_assert_eq(cm_duration_parse("250ms", &ms), 0);
    cr_assert_eq(ms, 250);
    cr_assert_eq(cm_duration_parse("30m", &ms), 0);
    cr_assert_eq(ms, 1800000);
    cr_assert_eq(cm_duration_parse("1h30m", &ms), 0);
    cr_assert_eq(ms, 5400000);
    cr_assert_eq(cm_duration_parse("5d", &ms), 0);
    cr_assert_eq(ms, 5 * 86400000LL);
    cr_assert_eq(cm_duration_parse("1799s", &ms), 0);
    cr_assert_eq(ms, 1799000);
    cr_assert_eq(cm_duration_parse("42", &ms), 0);
    cr_assert_eq(ms, 42);
}

Test(duration, refuses_garbage)
{
    int64_t ms = 7;

    cr_assert_eq(cm_duration_parse("", &ms), CM_EPARSE);
    cr_assert_eq(cm_duration_parse("m", &ms), CM_EPARSE);
    cr_assert_eq(cm_duration_parse("10x", &ms), CM_EPARSE);
    cr_assert_eq(cm_duration_parse("-5m", &ms), CM_EPARSE);
    cr_assert_eq(cm_duration_parse("99999999999999999999d", &ms), CM_EPARSE);
    cr_assert_eq(ms, 7);
}

Test(duration, formats_shortest)
{
    char out[32];

    cm_duration_format(5400000, out, sizeof(out));
    cr_assert_str_eq(out, "1h30m");
    cm_duration_format(250, out, sizeof(out));
    cr_assert_str_eq(out, "250ms");
    cm_duration_format(0, out, sizeof(out));
    cr_assert_str_eq(out, "0s");
}

Test(time, parses_forms_and_offsets)
{
    int64_t a, b, c, d;

    cr_assert_eq(cm_time_parse("2026-03-02T09:00:00Z", &a), 0);
    cr_assert_eq(a, 1772442000000LL);
    cr_assert_eq(cm_time_parse("2026-03-02T10:00:00+01:00", &b), 0);
    cr_assert_eq(cm_time_parse("2026-03-02T10:00:00+0100", &c), 0);
    cr_assert_eq(cm_time_parse("2026-03-02T09:00:00.250Z", &d), 0);
    cr_assert_eq(a, b);
    cr_assert_eq(a, c);
    cr_assert_eq(d, a + 250);
}

Test(time, refuses_garbage)
{
    int64_t t;

    cr_assert_eq(cm_time_parse("2026-03-02", &t), CM_EPARSE);
    cr_assert_eq(cm_time_parse("2026-13-02T09:00:00Z", &t), CM_EPARSE);
    cr_assert_eq(cm_time_parse("2026-03-02T09:00:00", &t), CM_EPARSE);
    cr_assert_eq(cm_time_parse("2026-03-02T09:00:00Zjunk", &t), CM_EPARSE);
    cr_assert_eq(cm_time_parse(NULL, &t), CM_EPARSE);
}

Test(time, format_round_trips)
{
    char out[40];
    int64_t t;

    cm_time_format(1772442000000LL, out, sizeof(out));
    cr_assert_str_eq(out, "2026-03-02T09:00:00Z");
    cm_time_format(1772442000123LL, out, sizeof(out));
    cr_assert_str_eq(out, "2026-03-02T09:00:00.123Z");
    cr_assert_eq(cm_time_parse(out, &t), 0);
    cr_assert_eq(t, 1772442000123LL);
    cm_time_format(951782400000LL, out, sizeof(out)); /* leap day 2000 */
    cr_assert_str_eq(out, "2000-02-29T00:00:00Z");
}

/* The formatters write what snprintf wrote before them (these strings are its output): every
 * field's width, the fraction, years outside 0000-9999, times before 1970, a buffer too small. */
Test(time, format_matches_snprintf)
{
    static const struct {
        int64_t ms;
        const char *rfc3339, *http;
    } cases[] = {
        {0, "1970-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 GMT"},
        {1, "1970-01-01T00:00:00.001Z", "Thu, 01 Jan 1970 00:00:00 GMT"},
        {999, "1970-01-01T00:00:00.999Z", "Thu, 01 Jan 1970 00:00:00 GMT"},
        {-1, "1969-12-31T23:59:59.999Z", "Thu, 01 Jan 1970 00:00:00 GMT"},
        {-1000, "1969-12-31T23:59:59Z", "Thu, 01 Jan 1970 00:00:-1 GMT"},
        {-86400001, "1969-12-30T23:59:59.999Z", "Wed, 31 Dec 1969 00:00:00 GMT"},
        {86399999, "1970-01-01T23:59:59.999Z", "Thu, 01 Jan 1970 23:59:59 GMT"},
        {951782400000LL, "2000-02-29T00:00:00Z", "Tue, 29 Feb 2000 00:00:00 GMT"},
        {1772442000123LL, "2026-03-02T09:00:00.123Z", "Mon, 02 Mar 2026 09:00:00 GMT"},
        {1772442059010LL, "2026-03-02T09:00:59.010Z", "Mon, 02 Mar 2026 09:00:59 GMT"},
        {253402300799999LL, "9999-12-31T23:59:59.999Z", "Fri, 31 Dec 9999 23:59:59 GMT"},
        {253402300800000LL, "10000-01-01T00:00:00Z", "Sat, 01 Jan 10000 00:00:00 GMT"},
        {-62167219200000LL, "0000-01-01T00:00:00Z", "Sat, 01 Jan 0000 00:00:00 GMT"},
        {-62167219200001LL, "-001-12-31T23:59:59.999Z", "Sat, 01 Jan 0000 00:00:00 GMT"},
        {4102444800500LL, "2100-01-01T00:00:00.500Z", "Fri, 01 Jan 2100 00:00:00 GMT"},
    };
    size_t i, size;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size = 0; size <= 40; size++) {
            char want[64], got[64];
            int kind;
            for (kind = 0; kind < 2; kind++) {
                const char *full = kind ? cases[i].http : cases[i].rfc3339;
                memset(want, 'x', sizeof(want));
                memset(got, 'x', sizeof(got));
                if (size) {
                    size_t n = strlen(full) < size - 1 ? strlen(full) : size - 1;
                    memcpy(want, full, n);
                    want[n] = '\0';
                }
                if (kind)
                    cm_time_format_http(cases[i].ms, got, size);
                else
                    cm_time_format(cases[i].ms, got, size);
                cr_assert_eq(memcmp(want, got, sizeof(want)), 0, "%lld, size %zu: '%.40s'",
                             (long long)cases[i].ms, size, got);
            }
        }
    }
}

static cJSON *parse(const char *s)
{
    cJSON *j = cm_json_parse(s, strlen(s), "test", NULL);
    cr_assert_not_null(j, "cannot parse %s", s);
    return j;
}

Test(json, merge_patch_rfc7386)
{
    cJSON *t = parse("{\"a\":\"b\",\"c\":{\"d\":\"e\",\"f\":\"g\"}}");
    cJSON *p = parse("{\"a\":\"z\",\"c\":{\"f\":null}}");
    cJSON *want = parse("{\"a\":\"z\",\"c\":{\"d\":\"e\"}}");

    t = cm_json_merge_patch(t, p);
    cr_assert(cJSON_Compare(t, want, 1));
    cJSON_Delete(t);
    cJSON_Delete(p);
    cJSON_Delete(want);
}

Test(json, subset_matches_and_refuses)
{
    cJSON *have = parse("{\"a\":1,\"b\":{\"c\":[{\"x\":1,\"y\":2}],\"d\":\"s\"}}");
    cJSON *yes = parse("{\"b\":{\"c\":[{\"y\":2}]}}");
    cJSON *no1 = parse("{\"b\":{\"d\":\"t\"}}");
    cJSON *no2 = parse("{\"b\":{\"c\":[]}}");
    cJSON *no3 = parse("{\"z\":null}");

    cr_assert(cm_json_subset(yes, have));
    cr_assert_not(cm_json_subset(no1, have));
    cr_assert_not(cm_json_subset(no2, have));
    cr_assert_not(cm_json_subset(no3, have));
    cJSON_Delete(have);
    cJSON_Delete(yes);
    cJSON_Delete(no1);
    cJSON_Delete(no2);
    cJSON_Delete(no3);
}

Test(json, parse_error_names_line_and_column)
{
    struct cm_err err;
    const char *text = "{\n  \"a\": 1,\n  oops\n}";

    cr_assert_null(cm_json_parse(text, strlen(text), "x.json", &err));
    cr_assert(strstr(err.msg, "x.json: invalid JSON at line 3") != NULL, "%s", err.msg);
    cr_assert_null(cm_json_parse("", 0, "y.json", &err));
    cr_assert(strstr(err.msg, "y.json: empty") != NULL, "%s", err.msg);
}

Test(fsutil, atomic_write_then_read)
{
    char dir[] = "/tmp/secmock-test-XXXXXX", path[64], *data;
    size_t len;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/f.json", dir);
    cr_assert_eq(cm_write_file_atomic(path, "hello", 5), 0);
    cr_assert_eq(cm_read_file(path, 100, &data, &len), 0);
    cr_assert_eq(len, 5);
    cr_assert_str_eq(data, "hello");
    free(data);
    cr_assert_eq(cm_read_file(path, 3, &data, &len), CM_ETOOBIG);
    unlink(path);
    cr_assert_eq(cm_read_file(path, 100, &data, &len), CM_ENOENT);
    rmdir(dir);
}

/* Both writers replace the file whole, by rename, and leave no temporary file behind; the
 * one without fsync fails the same way when it cannot write. */
Test(fsutil, replace_without_sync_replaces_whole)
{
    int (*const writers[2])(const char *, const void *, size_t) = {cm_write_file_atomic,
                                                                   cm_write_file_replace};
    char dir[] = "/tmp/secmock-test-XXXXXX", path[64], missing[96], *data;
    size_t len;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/ready.json", dir);
    snprintf(missing, sizeof(missing), "%s/no/such/folder/f", dir);
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(writers[i](path, "a longer first text", 19), 0);
        cr_assert_eq(writers[i](path, "short", 5), 0);
        cr_assert_eq(cm_read_file(path, 100, &data, &len), 0);
        cr_assert_str_eq(data, "short", "writer %d", i);
        free(data);
        cr_assert_eq(writers[i](missing, "x", 1), CM_EIO);
        unlink(path);
        cr_assert_eq(rmdir(dir), 0, "writer %d left a temporary file", i);
        snprintf(dir, sizeof(dir), "/tmp/secmock-test-XXXXXX");
        cr_assert_not_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/ready.json", dir);
        snprintf(missing, sizeof(missing), "%s/no/such/folder/f", dir);
    }
    rmdir(dir);
}

Test(rng, seeded_sequences_repeat)
{
    struct cm_rng a, b;

    cm_rng_seed(&a, 42);
    cm_rng_seed(&b, 42);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(cm_rng_next(&a), cm_rng_next(&b));
    for (int i = 0; i < 1000; i++) {
        double u = cm_rng_unit(&a);
        cr_assert(u >= 0.0 && u < 1.0);
        cr_assert_lt(cm_rng_below(&a, 7), 7);
    }
}
