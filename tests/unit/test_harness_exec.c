/*
 * test_harness_exec.c: where a run's work folders go (hx_work_parent):
 * TMPDIR when set, else /dev/shm when it is a roomy tmpfs, else /tmp. And
 * against the real mock (SECMOCK_BINARY), the check_state step: a subset of
 * the state passes and saves, a mismatch says where and what was expected and
 * what came, and an admin error says its status and body.
 */
#include <criterion/criterion.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "common/http.h"
#include "common/mem.h"
#include "harness/exec.h"

Test(harness_exec, tmpdir_wins_when_set)
{
    cr_assert_eq(setenv("TMPDIR", "/var/tmp/somewhere", 1), 0);
    cr_assert_str_eq(hx_work_parent(), "/var/tmp/somewhere");
}

Test(harness_exec, without_tmpdir_a_tmpfs_or_tmp)
{
    const char *p;
    struct statfs fs;

    cr_assert_eq(setenv("TMPDIR", "", 1), 0); /* empty counts as unset */
    p = hx_work_parent();
    cr_assert(strcmp(p, "/dev/shm") == 0 || strcmp(p, "/tmp") == 0, "'%s'", p);
    if (strcmp(p, "/dev/shm") == 0) {
        cr_assert_eq(statfs(p, &fs), 0);
        cr_assert_eq(fs.f_type, TMPFS_MAGIC, "/dev/shm chosen but not a tmpfs");
        cr_assert_geq((long long)fs.f_bavail * fs.f_bsize, 1024LL * 1024 * 1024,
                      "/dev/shm chosen with under 1 GiB free");
    }
    cr_assert_eq(access(p, W_OK | X_OK), 0, "'%s' is not writable", p);
    cr_assert_eq(unsetenv("TMPDIR"), 0);
    cr_assert_str_eq(hx_work_parent(), p, "unset and empty differ");
}

/* A scenario of one demo service whose state is {"token": "t0", "items": {"a": {"value": 1}}},
 * with steps (a JSON array's content). Caller frees with hx_scenario_free(). */
static struct hx_scenario *demo_scenario(const char *steps)
{
    char *text = cm_asprintf("{\"name\": \"mem/check-state\", \"services\": {\"demo\": "
                             "{\"state\": {\"token\": \"t0\", \"items\": {\"a\": {\"value\": "
                             "1}}}}}, \"steps\": [%s]}",
                             steps);
    struct cm_err err = {{0}};
    struct hx_scenario *sc =
        hx_scenario_parse("/nowhere/check-state.json", text, strlen(text), &err);

    cr_assert_not_null(sc, "%s", err.msg);
    free(text);
    return sc;
}

static void execute(const struct hx_scenario *sc, struct hx_result *res)
{
    struct hx_exec_config cfg;

    memset(&cfg, 0, sizeof(cfg));
    cfg.secmock = SECMOCK_BINARY;
    cm_http_global_init();
    hx_execute(sc, &cfg, res);
}

Test(harness_exec, check_state_passes_on_a_subset_and_saves)
{
    struct hx_scenario *sc = demo_scenario(
        "{\"name\": \"item a is there\", \"check_state\": {\"service\": \"demo\", \"json\": "
        "{\"items\": {\"a\": {\"value\": 1}}}, \"save\": {\"tok\": \"/token\"}}},"
        "{\"patch\": {\"service\": \"demo\", \"state\": {\"items\": {\"b\": {\"value\": "
        "\"two\"}}}}},"
        "{\"check_state\": {\"service\": \"demo\", \"json\": {\"token\": \"${saved.tok}\", "
        "\"items\": {\"b\": {\"value\": \"two\"}, \"a\": \"${state.demo.items.a}\"}}}}");
    struct hx_result res;

    execute(sc, &res);
    cr_assert_eq(res.status, HX_PASS, "%s: %s", res.where, res.message);
    cr_assert(strstr(res.log, "steps[0] \"item a is there\" (check_state)\n  admin GET "
                              "/state/demo -> 200\n  saved tok = t0\n  state check passed\n"),
              "%s", res.log);
    cr_assert(strstr(res.log, "steps[2] (check_state)\n"), "%s", res.log);
    hx_result_release(&res);
    hx_scenario_free(sc);
}

Test(harness_exec, check_state_mismatch_says_expected_and_got)
{
    static const struct {
        const char *json, *msg;
    } cases[] = {
        {"{\"items\": {\"a\": {\"value\": 2}}}",
         "the demo state: at .items.a.value: expected 2, got 1"},
        {"{\"items\": {\"c\": {}}}", "the demo state: at .items.c: missing"},
        {"{\"token\": null}", "the demo state: at .token: expected null null, got a string "
                              "\"t0\""},
        {"{\"allow\": [\"127.0.0.0/8\"]}",
         "the demo state: at .allow: expected 1 elements [\"127.0.0.0/8\"], got 2: "
         "[\"127.0.0.0/8\",\"::1\"]"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *step = cm_asprintf("{\"name\": \"read\", \"check_state\": {\"service\": \"demo\", "
                                 "\"json\": %s}}",
                                 cases[i].json);
        struct hx_scenario *sc = demo_scenario(step);
        struct hx_result res;

        execute(sc, &res);
        cr_assert_eq(res.status, HX_FAIL, "%s passed", cases[i].json);
        cr_assert_eq(res.failed_step, 0);
        cr_assert_str_eq(res.where, "steps[0] \"read\" (check_state)");
        cr_assert_str_eq(res.message, cases[i].msg);
        hx_result_release(&res);
        hx_scenario_free(sc);
        free(step);
    }
}

/* The loader refuses a service the scenario does not start, so the step is edited after loading
 * to reach the mock's own refusal. */
Test(harness_exec, check_state_admin_error_says_status_and_body)
{
    struct hx_scenario *sc =
        demo_scenario("{\"check_state\": {\"service\": \"demo\", \"json\": {}}}");
    cJSON *svc = cJSON_GetObjectItem((cJSON *)sc->steps[0].arg, "service");
    struct hx_result res;

    cr_assert_not_null(cJSON_SetValuestring(svc, "nope"));
    execute(sc, &res);
    cr_assert_eq(res.status, HX_FAIL);
    cr_assert_str_eq(res.where, "steps[0] (check_state)");
    cr_assert_str_eq(res.message,
                     "GET /state/nope: the admin API answered 404: {\"error\":{\"code\":"
                     "\"unknown_service\",\"message\":\"no service 'nope' in this process\"}}");
    hx_result_release(&res);
    hx_scenario_free(sc);
}

Test(harness_exec, check_state_save_and_variable_errors_name_the_step)
{
    struct hx_scenario *sc = demo_scenario("{\"check_state\": {\"service\": \"demo\", \"json\": "
                                           "{}, \"save\": {\"x\": \"/nothing\"}}}");
    struct hx_result res;

    execute(sc, &res);
    cr_assert_eq(res.status, HX_FAIL);
    cr_assert_str_eq(res.message, "save x: the state has nothing at \"/nothing\": "
                                  "{\"token\":\"t0\",\"allow\":[\"127.0.0.0/8\",\"::1\"],"
                                  "\"items\":{\"a\":{\"value\":1}}}");
    hx_result_release(&res);
    hx_scenario_free(sc);
    sc = demo_scenario(
        "{\"check_state\": {\"service\": \"demo\", \"json\": {\"a\": \"${state.demo.nothing}\"}}}");
    execute(sc, &res);
    cr_assert_eq(res.status, HX_FAIL);
    cr_assert_str_eq(res.message, "/nowhere/check-state.json: steps[0].check_state.json.a: "
                                  "${state.demo.nothing}: 'nothing' is not in the state of 'demo'");
    hx_result_release(&res);
    hx_scenario_free(sc);
}
