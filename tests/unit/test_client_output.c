/*
 * test_client_output.c: JSON lines are appended whole and survive reopening;
 * a JSON document replaces its file; tables align their columns.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/output.h"
#include "common/fsutil.h"
#include "common/json.h"

static char dir[64];
static char path[128];

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/rc_output_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/out.jsonl", dir);
}

static char *slurp(const char *p)
{
    char *text = NULL;
    size_t len;

    cr_assert_eq(cm_read_file(p, 1 << 20, &text, &len), 0, "cannot read %s", p);
    return text;
}

static cJSON *record(int n, const char *url)
{
    cJSON *r = cJSON_CreateObject();

    cJSON_AddNumberToObject(r, "n", n);
    cJSON_AddStringToObject(r, "url", url);
    return r;
}

TestSuite(client_output, .init = setup);

Test(client_output, jsonl_appends_one_line_per_record)
{
    struct rc_output o;
    struct cm_err err = {{0}};
    cJSON *a = record(1, "http://a/x?y=1"), *b = record(2, "line\nbreak");
    char *text;

    rc_output_open(&o, path);
    cr_assert_eq(rc_output_jsonl(&o, a, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_output_jsonl(&o, b, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_output_flush(&o, &err), 0, "%s", err.msg);
    rc_output_close(&o);
    text = slurp(path);
    cr_assert_str_eq(text, "{\"n\":1,\"url\":\"http://a/x?y=1\"}\n"
                           "{\"n\":2,\"url\":\"line\\nbreak\"}\n");
    free(text);
    cJSON_Delete(a);
    cJSON_Delete(b);
}

Test(client_output, jsonl_keeps_what_an_earlier_run_wrote)
{
    struct rc_output o;
    struct cm_err err = {{0}};
    cJSON *a = record(1, "first"), *b = record(2, "second");
    char *text;

    rc_output_open(&o, path);
    cr_assert_eq(rc_output_jsonl(&o, a, &err), 0);
    rc_output_close(&o);
    rc_output_open(&o, path);
    cr_assert_eq(rc_output_jsonl(&o, b, &err), 0);
    rc_output_close(&o);
    text = slurp(path);
    cr_assert_str_eq(text, "{\"n\":1,\"url\":\"first\"}\n{\"n\":2,\"url\":\"second\"}\n");
    free(text);
    cJSON_Delete(a);
    cJSON_Delete(b);
}

Test(client_output, every_line_parses_back)
{
    struct rc_output o;
    struct cm_err err = {{0}};
    char *text, *line, *next;
    int i, lines = 0;

    rc_output_open(&o, path);
    for (i = 0; i < 50; i++) {
        cJSON *r = record(i, "x");
        cr_assert_eq(rc_output_jsonl(&o, r, &err), 0);
        cJSON_Delete(r);
        if (i % 10 == 9)
            cr_assert_eq(rc_output_flush(&o, &err), 0);
    }
    rc_output_close(&o);
    text = slurp(path);
    for (line = text; *line; line = next + 1) {
        cJSON *r;
        next = strchr(line, '\n');
        cr_assert_not_null(next, "the last line must end with a newline");
        r = cm_json_parse(line, (size_t)(next - line), "line", NULL);
        cr_assert_not_null(r);
        cr_assert_eq(cm_json_num(r, "n", -1), lines);
        cJSON_Delete(r);
        lines++;
    }
    cr_assert_eq(lines, 50);
    free(text);
}

Test(client_output, a_batch_is_written_whole_when_asked_or_when_full)
{
    struct rc_output o;
    struct cm_err err = {{0}};
    cJSON *a = record(1, "first"), *b = record(2, "second");
    char *text;
    int i;

    rc_output_open(&o, path);
    rc_output_batch(&o, 64);
    cr_assert_eq(rc_output_jsonl(&o, a, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_output_jsonl(&o, b, &err), 0, "%s", err.msg);
    cr_assert_eq(access(path, F_OK), -1, "nothing is written before the batch is");
    cr_assert_eq(rc_output_write(&o, &err), 0, "%s", err.msg);
    text = slurp(path);
    cr_assert_str_eq(text, "{\"n\":1,\"url\":\"first\"}\n{\"n\":2,\"url\":\"second\"}\n");
    free(text);
    for (i = 0; i < 3; i++) /* 22 bytes each: the third passes 64 */
        cr_assert_eq(rc_output_jsonl(&o, a, &err), 0, "%s", err.msg);
    text = slurp(path);
    cr_assert_eq(strlen(text), 45 + 3 * 22, "%s", text);
    free(text);
    cr_assert_eq(rc_output_jsonl(&o, b, &err), 0, "%s", err.msg);
    rc_output_close(&o); /* writes what is left */
    text = slurp(path);
    cr_assert_eq(strlen(text), 45 + 3 * 22 + 23, "%s", text);
    free(text);
    cJSON_Delete(a);
    cJSON_Delete(b);
}

Test(client_output, a_line_longer_than_the_buffer_is_printed_whole)
{
    struct rc_output o;
    struct cm_err err = {{0}};
    char *big = malloc(100001), *text;
    cJSON *r;

    memset(big, 'x', 100000);
    big[100000] = '\0';
    r = record(7, big);
    rc_output_open(&o, path);
    rc_output_batch(&o, 16);
    cr_assert_eq(rc_output_jsonl(&o, r, &err), 0, "%s", err.msg);
    rc_output_close(&o);
    text = slurp(path);
    cr_assert_eq(strlen(text), 14 + 100000 + 3, "%zu", strlen(text));
    cr_assert_eq(strncmp(text, "{\"n\":7,\"url\":\"xxx", 17), 0, "%.20s", text);
    cr_assert_str_eq(text + 14 + 100000, "\"}\n");
    free(text);
    free(big);
    cJSON_Delete(r);
}

Test(client_output, json_document_replaces_the_file)
{
    struct rc_output o;
    struct cm_err err = {{0}};
    cJSON *a = record(1, "old"), *b = record(2, "new");
    char *text;

    rc_output_open(&o, path);
    cr_assert_eq(rc_output_json(&o, a, &err), 0);
    cr_assert_eq(rc_output_json(&o, b, &err), 0);
    rc_output_close(&o);
    text = slurp(path);
    cr_assert_str_eq(text, "{\"n\":2,\"url\":\"new\"}\n");
    free(text);
    cJSON_Delete(a);
    cJSON_Delete(b);
}

Test(client_output, unwritable_file_is_a_clear_error)
{
    struct rc_output o;
    struct cm_err err = {{0}};
    cJSON *a = record(1, "x");

    rc_output_open(&o, "/nonexistent/dir/out.jsonl");
    cr_assert_eq(rc_output_jsonl(&o, a, &err), CM_EIO);
    cr_assert_not_null(strstr(err.msg, "cannot open '/nonexistent/dir/out.jsonl' for output"), "%s",
                       err.msg);
    rc_output_close(&o);
    cJSON_Delete(a);
}

Test(client_output, table_aligns_columns)
{
    const char *cols[] = {"id", "action", "count", NULL};
    struct rc_output o;
    struct cm_err err = {{0}};
    const char *json = "[{\"id\":\"a1\",\"action\":\"block\",\"count\":3},"
                       "{\"id\":\"b22222\",\"count\":null}]";
    cJSON *rows = cm_json_parse(json, strlen(json), "rows", NULL);
    char *text;

    cr_assert_not_null(rows);
    rc_output_open(&o, path);
    cr_assert_eq(rc_output_table(&o, cols, rows, &err), 0);
    rc_output_close(&o);
    text = slurp(path);
    cr_assert_str_eq(text, "id      action  count\n"
                           "a1      block   3\n"
                           "b22222  -       -\n");
    free(text);
    cJSON_Delete(rows);
}

Test(client_output, closing_a_zeroed_output_is_harmless)
{
    struct rc_output o;

    /* A zeroed output has fd 0: closing it must not close standard input. */
    if (fcntl(0, F_GETFD) == -1)
        cr_assert_eq(open("/dev/null", O_RDONLY), 0);
    memset(&o, 0, sizeof(o));
    rc_output_close(&o);
    cr_assert_neq(fcntl(0, F_GETFD), -1, "fd 0 was closed");
}

Test(client_output, dev_null_is_written_in_place_not_replaced)
{
    struct rc_output o;
    struct cm_err err = {{0}};
    cJSON *a = record(1, "gone");
    struct stat st;

    rc_output_open(&o, "/dev/null");
    cr_assert_eq(rc_output_jsonl(&o, a, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_output_flush(&o, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_output_json(&o, a, &err), 0, "%s", err.msg);
    rc_output_close(&o);
    cr_assert_eq(stat("/dev/null", &st), 0);
    cr_assert(S_ISCHR(st.st_mode), "/dev/null is no longer a device");
    cJSON_Delete(a);
}
