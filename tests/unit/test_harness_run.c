/*
 * test_harness_run.c: `secmock run` as a command. Usage and load errors exit
 * 2 before anything starts; --list prints the selection; and against the real
 * `secmock serve` (SECMOCK_BINARY) a passing, a failing and a skipped
 * scenario give exit 1, the terminal report, JUnit and JSON files and kept
 * logs with the expected content.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/fsutil.h"
#include "common/json.h"
#include "common/mem.h"
#include "harness/harness.h"

#define DATA SECMOCK_SOURCE_DIR "/tests/data/harness/"

/* hx_run_main("run", args..., NULL). */
static int run_args(const char *first, ...)
{
    const char *argv[32];
    const char *a;
    va_list ap;
    int n = 0;

    argv[n++] = "run";
    va_start(ap, first);
    for (a = first; a && n < 31; a = va_arg(ap, const char *))
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    return hx_run_main(n, (char **)argv);
}

#define RUN(...) run_args(__VA_ARGS__, (const char *)NULL)

static char *slurp(FILE *f)
{
    struct cm_buf b;
    char chunk[4096];
    size_t n;

    cm_buf_init(&b, 0);
    cm_buf_puts(&b, "");
    fflush(stdout);
    fflush(stderr);
    fflush(f);
    rewind(f);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        cm_buf_append(&b, chunk, n);
    return cm_buf_steal(&b, NULL);
}

Test(harness_run, usage_errors_exit_2, .init = cr_redirect_stderr)
{
    cr_assert_eq(RUN("--jobs", "0", DATA "good"), 2);
    cr_assert_eq(RUN("--shard", "3/2", DATA "good"), 2);
    cr_assert_eq(RUN("--bogus", DATA "good"), 2);
    cr_assert_eq(RUN("--junit"), 2);
    cr_assert_eq(RUN(DATA "no-such-folder"), 2);
}

Test(harness_run, help_exits_0, .init = cr_redirect_stdout)
{
    cr_assert_eq(RUN("--help"), 0);
}

Test(harness_run, load_errors_exit_2_and_name_every_file, .init = cr_redirect_stderr)
{
    char *err;

    cr_assert_eq(RUN(DATA "bad", "--list"), 2);
    err = slurp(cr_get_redirected_stderr());
    cr_assert(strstr(err, "bad/unknown-step.json: steps[0]: unknown step"), "%s", err);
    cr_assert(strstr(err, "bad/missing-name.json: missing required key 'name'"), "%s", err);
    cr_assert(strstr(err, "scenario files did not load; nothing was run"), "%s", err);
    free(err);
}

Test(harness_run, list_prints_the_selection, .init = cr_redirect_stdout)
{
    char *out;

    cr_assert_eq(RUN(DATA "good", DATA "e2e", "--list", "--filter", "*/f*", "--shard", "1/1"), 0);
    out = slurp(cr_get_redirected_stdout());
    cr_assert(strstr(out, "e2e/fail") && strstr(out, "Fails at its third step"), "%s", out);
    cr_assert(strstr(out, "harness-test/full") && strstr(out, "Uses every step kind once."), "%s",
              out);
    cr_assert_null(strstr(out, "e2e/pass"), "%s", out);
    cr_assert_null(strstr(out, "minimal"), "%s", out);
    free(out);
}

Test(harness_run, runs_against_the_real_mock, .init = cr_redirect_stdout)
{
    char dir[] = "/tmp/hx-run-XXXXXX", *junit, *json, *logs, *out, *text = NULL, *cmd;
    struct cm_err err = {{0}};
    size_t len;
    cJSON *doc;
    int rc;

    cr_assert_not_null(mkdtemp(dir));
    junit = cm_asprintf("%s/junit.xml", dir);
    json = cm_asprintf("%s/report.json", dir);
    logs = cm_asprintf("%s/logs", dir);
    rc = RUN(DATA "e2e", "--secmock", SECMOCK_BINARY, "--jobs", "2", "--no-color", "--junit", junit,
             "--json", json, "--keep-logs", logs);
    out = slurp(cr_get_redirected_stdout());
    cr_assert_eq(rc, 1, "one scenario fails: %s", out);
    cr_assert(strstr(out, "pass  e2e/pass  ("), "%s", out);
    cr_assert(strstr(out, "skip  e2e/skip  (waiting for a vendor answer)"), "%s", out);
    cr_assert(strstr(out, "FAIL  e2e/fail  ("), "%s", out);
    cr_assert(strstr(out, "at steps[2] \"wrong on purpose\" (http):\n        expected status 500, "
                          "got 200"),
              "%s", out);
    cr_assert(strstr(out, "GET /ping -> 200 ok (demo)"), "journal tail: %s", out);
    cr_assert(strstr(out, "client stderr (last lines):\n        first <line>\n        second line"),
              "%s", out);
    cr_assert(strstr(out, "\n1 passed, 1 failed, 1 skipped\n"), "%s", out);
    cr_assert_null(strstr(out, "never reached"));
    /* JUnit */
    cr_assert_eq(cm_read_file(junit, 1 << 20, &text, &len), 0);
    cr_assert(strstr(text, "tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""), "%s", text);
    cr_assert(strstr(text, "<testcase classname=\"e2e\" name=\"e2e/fail\""), "%s", text);
    cr_assert(strstr(text, "<system-err>first &lt;line&gt;\nsecond line</system-err>"), "%s", text);
    free(text);
    /* JSON */
    doc = cm_json_load_file(json, &err);
    cr_assert_not_null(doc, "%s", err.msg);
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "summary"), "failed")->valueint, 1);
    cJSON_Delete(doc);
    /* kept logs */
    text = cm_asprintf("%s/e2e.fail/steps.log", logs);
    cr_assert_eq(access(text, R_OK), 0, "%s", text);
    free(text);
    text = cm_asprintf("%s/e2e.pass/journal.json", logs);
    doc = cm_json_load_file(text, &err);
    cr_assert_not_null(doc, "%s", err.msg);
    cr_assert_eq(cJSON_GetArraySize(doc), 2, "two requests journaled");
    cJSON_Delete(doc);
    free(text);
    text = cm_asprintf("%s/e2e.pass/serve.log", logs);
    cr_assert_eq(access(text, R_OK), 0, "%s", text);
    free(text);
    cmd = cm_asprintf("rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    free(out);
    free(junit);
    free(json);
    free(logs);
}

static void redirect_both(void)
{
    cr_redirect_stdout();
    cr_redirect_stderr();
}

/* stderr is no terminal here: quiet by default, plain lines with --progress. */
Test(harness_run, progress_only_when_asked_off_a_terminal, .init = redirect_both)
{
    char *err;
    const char *c;

    cr_assert_eq(RUN(DATA "e2e", "--secmock", SECMOCK_BINARY, "--filter", "e2e/pass"), 0);
    cr_assert_eq(RUN(DATA "e2e", "--secmock", SECMOCK_BINARY, "--filter", "e2e/s*", "--progress"),
                 0);
    cr_assert_eq(RUN(DATA "e2e", "--secmock", SECMOCK_BINARY, "--filter", "e2e/pass", "--progress",
                     "--no-progress"),
                 0);
    err = slurp(cr_get_redirected_stderr());
    cr_assert(strstr(err, "] secmock run: 1/1, 0 passed, 0 failed, 1 skipped, 0 running"), "%s",
              err);
    cr_assert(strstr(err, " (done)\n"), "%s", err);
    c = strstr(err, "secmock run:");
    cr_assert_null(strstr(c + 1, "secmock run:"), "one progress line only: %s", err);
    for (c = err; *c; c++)
        cr_assert(*c == '\n' || (*c >= 0x20 && *c < 0x7f), "no control characters: %s", err);
    free(err);
}
