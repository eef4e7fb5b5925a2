/*
 * test_harness_mockproc.c: the scenario's mock process. The serve command
 * line and state file are built from the scenario; the ready file is parsed
 * strictly; and with small shell scripts standing in for `secmock serve`, a
 * mock that exits before it is ready, or crashes on shutdown, is reported
 * with its log, while a well-behaved one stops cleanly.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/json.h"
#include "common/mem.h"
#include "harness/mockproc.h"

#define DATA SECMOCK_SOURCE_DIR "/tests/data/harness/"

static char dir[] = "/tmp/hx-mockproc-XXXXXX";
static struct hx_scenario *sc;

static void setup(void)
{
    struct cm_err err = {{0}};

    cr_assert_not_null(mkdtemp(dir));
    sc = hx_scenario_load(DATA "good/full.json", &err);
    cr_assert_not_null(sc, "%s", err.msg);
}

static void teardown(void)
{
    char *cmd = cm_asprintf("rm -rf '%s'", dir);

    hx_scenario_free(sc);
    if (system(cmd) != 0)
        cr_log_warn("could not remove %s", dir);
    free(cmd);
}

TestSuite(harness_mockproc, .init = setup, .fini = teardown);

Test(harness_mockproc, serve_command_line)
{
    char **argv = hx_mock_argv(sc, "/bin/secmock", "/w");
    const char *want[] = {"/bin/secmock",
                          "serve",
                          "--services",
                          "demo,sse-eu,ctr",
                          "--state",
                          "/w/state.json",
                          "--ready-file",
                          "/w/ready.json",
                          "--tls-dir",
                          "/w/tls",
                          "--clock",
                          "2026-03-02T09:00:00Z",
                          "--tls",
                          "sse-eu",
                          "--no-tls",
                          "ctr",
                          NULL};
    int i;

    for (i = 0; want[i]; i++) {
        cr_assert_not_null(argv[i], "argv ends early at %d", i);
        cr_assert_str_eq(argv[i], want[i], "argv[%d]", i);
    }
    cr_assert_null(argv[i], "no --freeze when \"frozen\": false");
    hx_argv_free(argv);
}

Test(harness_mockproc, state_file_has_the_services_with_state)
{
    cJSON *doc = hx_mock_state_doc(sc), *demo;

    cr_assert_eq(cJSON_GetArraySize(doc), 1);
    demo = cJSON_GetObjectItem(doc, "demo");
    cr_assert_str_eq(cJSON_GetObjectItem(demo, "token")->valuestring, "t0");
    cr_assert_not_null(cJSON_GetObjectItem(cJSON_GetObjectItem(demo, "items"), "b"));
    cJSON_Delete(doc);
}

Test(harness_mockproc, ready_file_parsing)
{
    struct hx_mock m;
    struct cm_err err = {{0}};
    const char *good = "{\"pid\": 1, \"admin\": \"http://127.0.0.1:1\", \"ca_file\": null, "
                       "\"services\": {\"demo\": \"http://127.0.0.1:2\"}}";
    const char *tls = "{\"pid\": 1, \"admin\": \"http://127.0.0.1:1\", \"ca_file\": \"/x/ca.pem\", "
                      "\"services\": {}}";

    memset(&m, 0, sizeof(m));
    cr_assert_eq(hx_mock_parse_ready(&m, good, strlen(good), &err), 0, "%s", err.msg);
    cr_assert_str_eq(m.admin_url, "http://127.0.0.1:1");
    cr_assert_null(m.ca_file);
    cr_assert_str_eq(cJSON_GetObjectItem(m.services, "demo")->valuestring, "http://127.0.0.1:2");
    cr_assert_eq(hx_mock_parse_ready(&m, tls, strlen(tls), &err), 0, "%s", err.msg);
    cr_assert_str_eq(m.ca_file, "/x/ca.pem");
    cr_assert_neq(hx_mock_parse_ready(&m, "{\"pid\": 1}", 10, &err), 0);
    cr_assert(strstr(err.msg, "expected {\"admin\""), "%s", err.msg);
    cr_assert_neq(hx_mock_parse_ready(&m, "{\"admin\": \"x\", \"services\": {\"a\": 1}}", 37, &err),
                  0);
    cr_assert(strstr(err.msg, "services.a"), "%s", err.msg);
    cr_assert_neq(hx_mock_parse_ready(&m, "{\"adm", 5, &err), 0);
    hx_mock_release(&m);
}

/* Writes an executable stand-in for secmock; caller frees the path. */
static char *fake_secmock(const char *body)
{
    char *path = cm_asprintf("%s/fake-secmock", dir);
    char *text = cm_asprintf("#!/bin/sh\n"
                             "ready=''\n"
                             "while [ $# -gt 0 ]; do\n"
                             "  [ \"$1\" = --ready-file ] && ready=\"$2\"\n"
                             "  shift\n"
                             "done\n"
                             "write_ready() {\n"
                             "  printf '{\"pid\": %%s, \"admin\": \"http://127.0.0.1:9\", "
                             "\"ca_file\": null, \"services\": {\"demo\": \"http://127.0.0.1:9\"}}'"
                             " $$ > \"$ready.tmp\" && mv \"$ready.tmp\" \"$ready\"\n"
                             "}\n"
                             "%s\n",
                             body);

    cr_assert_eq(cm_write_file_atomic(path, text, strlen(text)), 0);
    cr_assert_eq(chmod(path, 0755), 0);
    free(text);
    return path;
}

Test(harness_mockproc, early_exit_is_reported_with_the_log)
{
    char *bin = fake_secmock("echo 'serve: unknown service \"demo\"' >&2; exit 2");
    struct hx_mock m;
    struct cm_err err = {{0}};

    cr_assert_eq(hx_mock_start(&m, sc, bin, NULL, dir, &err), CM_ECHILD);
    cr_assert(strstr(err.msg, "exited before it was ready: exit 2"), "%s", err.msg);
    cr_assert(strstr(err.msg, "serve: unknown service \"demo\""), "%s", err.msg);
    hx_mock_release(&m);
    free(bin);
}

Test(harness_mockproc, clean_start_and_stop)
{
    char *bin = fake_secmock("echo starting >&2; trap 'exit 0' TERM; write_ready; "
                             "while :; do sleep 0.05; done");
    struct hx_mock m;
    struct cm_err err = {{0}};
    char *state = cm_asprintf("%s/state.json", dir);
    cJSON *doc;

    cr_assert_eq(hx_mock_start(&m, sc, bin, NULL, dir, &err), 0, "%s", err.msg);
    cr_assert_str_eq(m.admin_url, "http://127.0.0.1:9");
    doc = cm_json_load_file(state, &err);
    cr_assert_not_null(doc, "the state file was written: %s", err.msg);
    cr_assert_not_null(cJSON_GetObjectItem(doc, "demo"));
    cJSON_Delete(doc);
    cr_assert_eq(hx_mock_alive(&m, &err), 0, "%s", err.msg);
    cr_assert_eq(hx_mock_stop(&m, &err), 0, "%s", err.msg);
    cr_assert(m.proc.res.exited);
    hx_mock_release(&m);
    free(state);
    free(bin);
}

Test(harness_mockproc, crash_on_shutdown_fails)
{
    /* the trap goes in before the ready file, or a quick stop could beat it */
    char *bin = fake_secmock("trap 'echo dying >&2; kill -SEGV $$' TERM; write_ready; "
                             "while :; do sleep 0.05; done");
    struct hx_mock m;
    struct cm_err err = {{0}};

    cr_assert_eq(hx_mock_start(&m, sc, bin, NULL, dir, &err), 0, "%s", err.msg);
    cr_assert_eq(hx_mock_stop(&m, &err), CM_ECHILD);
    cr_assert(strstr(err.msg, "crashed: killed by signal 11"), "%s", err.msg);
    cr_assert(strstr(err.msg, "dying"), "%s", err.msg);
    hx_mock_release(&m);
    free(bin);
}

Test(harness_mockproc, death_during_the_scenario_is_seen)
{
    char *bin = fake_secmock("write_ready; exec sleep 30");
    struct hx_mock m;
    struct cm_err err = {{0}};
    int i;

    cr_assert_eq(hx_mock_start(&m, sc, bin, NULL, dir, &err), 0, "%s", err.msg);
    kill(m.proc.pid, SIGABRT);
    for (i = 0; i < 500 && hx_mock_alive(&m, &err) == 0; i++)
        cm_proc_wait(&m.proc, 10);
    cr_assert_eq(hx_mock_alive(&m, &err), CM_ECHILD);
    cr_assert(strstr(err.msg, "ended during the scenario: killed by signal 6"), "%s", err.msg);
    cr_assert_eq(hx_mock_stop(&m, &err), CM_ECHILD);
    hx_mock_release(&m);
    free(bin);
}

Test(harness_mockproc, tails)
{
    char *t = hx_tail_text("a\nb\nc\nd\n\n", 9, 2);

    cr_assert_str_eq(t, "c\nd");
    free(t);
    t = hx_tail_text("one line", 8, 20);
    cr_assert_str_eq(t, "one line");
    free(t);
    t = hx_tail_file("/no/such/file", 3);
    cr_assert_str_eq(t, "");
    free(t);
}
