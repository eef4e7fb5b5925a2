/*
 * test_harness_scenario.c: loading scenario files. A good file that uses
 * every step kind loads into the expected model; each kind of bad file is
 * refused with a message naming the file and the JSON path of the problem.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/mem.h"
#include "harness/scenario.h"
#include "harness/select.h"

#define DATA SECMOCK_SOURCE_DIR "/tests/data/harness/"

static struct hx_scenario *load(const char *rel, struct cm_err *err)
{
    char *path = cm_asprintf("%s%s", DATA, rel);
    struct hx_scenario *sc = hx_scenario_load(path, err);

    free(path);
    return sc;
}

/* Loads a bad file and checks the message has the file name and every fragment. */
static void refused(const char *name, const char *const *fragments)
{
    struct cm_err err = {{0}};
    char *rel = cm_asprintf("bad/%s.json", name);
    struct hx_scenario *sc = load(rel, &err);
    int i;

    cr_assert_null(sc, "%s loaded but should not", name);
    cr_assert(strstr(err.msg, rel) != NULL, "%s: message does not name the file: %s", name,
              err.msg);
    for (i = 0; fragments[i]; i++)
        cr_assert(strstr(err.msg, fragments[i]) != NULL, "%s: expected '%s' in: %s", name,
                  fragments[i], err.msg);
    free(rel);
}

#define REFUSED(name, ...)                                                                         \
    do {                                                                                           \
        static const char *const frags_[] = {__VA_ARGS__, NULL};                                   \
        refused(name, frags_);                                                                     \
    } while (0)

Test(harness_scenario, full_file_loads_into_the_model)
{
    struct cm_err err = {{0}};
    struct hx_scenario *sc = load("good/full.json", &err);
    const struct hx_service *demo;

    cr_assert_not_null(sc, "%s", err.msg);
    cr_assert_str_eq(sc->name, "harness-test/full");
    cr_assert_str_eq(sc->family, "harness-test");
    cr_assert_str_eq(sc->summary, "Uses every step kind once.");
    cr_assert_eq(sc->ntags, 2);
    cr_assert(hx_scenario_has_tag(sc, "t2"));
    cr_assert_not(hx_scenario_has_tag(sc, "t3"));
    cr_assert_eq(sc->nservices, 3);
    demo = hx_scenario_service(sc, "demo");
    cr_assert_not_null(demo);
    /* The fixture and the start-up patch are merged. */
    cr_assert_str_eq(cJSON_GetObjectItem(demo->state, "token")->valuestring, "t0");
    cr_assert_not_null(cJSON_GetObjectItem(cJSON_GetObjectItem(demo->state, "items"), "a"));
    cr_assert_not_null(cJSON_GetObjectItem(cJSON_GetObjectItem(demo->state, "items"), "b"));
    cr_assert_eq(demo->tls, -1);
    cr_assert_eq(hx_scenario_service(sc, "sse-eu")->tls, 1);
    cr_assert_eq(hx_scenario_service(sc, "ctr")->tls, 0);
    cr_assert_null(hx_scenario_service(sc, "sse-eu")->state);
    cr_assert(sc->has_clock);
    cr_assert_eq(sc->clock_start_ms, 1772442000000LL);
    cr_assert_eq(sc->clock_frozen, 0);
    cr_assert_str_eq(sc->client_source, "127.0.0.7");
    cr_assert_eq(sc->timeout_ms, 120000);
    cr_assert_eq(sc->nsteps, 17);
    cr_assert_eq(sc->steps[0].kind, HX_STEP_ADVANCE);
    cr_assert_eq(sc->steps[2].kind, HX_STEP_SET_CLOCK);
    cr_assert_eq(sc->steps[4].kind, HX_STEP_LOAD);
    cr_assert_not_null(sc->steps[4].state, "a load step's state file is loaded up front");
    cr_assert_null(sc->steps[5].state);
    cr_assert_eq(sc->steps[8].kind, HX_STEP_ACTION);
    cr_assert_not_null(sc->steps[8].save);
    cr_assert_eq(sc->steps[9].kind, HX_STEP_HTTP);
    cr_assert_str_eq(sc->steps[9].name, "uses the saved token");
    cr_assert_eq(sc->steps[9].timeout_ms, 5000);
    cr_assert_eq(sc->steps[10].kind, HX_STEP_CLIENT);
    cr_assert_eq(sc->steps[10].timeout_ms, HX_STEP_TIMEOUT_DEFAULT_MS);
    cr_assert_not_null(sc->steps[10].env);
    cr_assert_eq(sc->steps[11].kind, HX_STEP_RUN);
    cr_assert_eq(sc->steps[11].faketime, 0);
    cr_assert_eq(sc->steps[10].faketime, 1);
    cr_assert_eq(sc->steps[15].kind, HX_STEP_CHECK_FILE);
    cr_assert_eq(sc->steps[16].kind, HX_STEP_CHECK_STATE);
    cr_assert_not_null(sc->steps[16].save);
    hx_scenario_free(sc);
}

Test(harness_scenario, minimal_file_gets_defaults)
{
    struct cm_err err = {{0}};
    struct hx_scenario *sc = load("good/minimal.json", &err);

    cr_assert_not_null(sc, "%s", err.msg);
    cr_assert_str_eq(sc->summary, "");
    cr_assert_eq(sc->timeout_ms, HX_TIMEOUT_DEFAULT_MS);
    cr_assert_eq(sc->has_clock, 0);
    cr_assert_null(sc->client_source);
    cr_assert_null(sc->skip);
    cr_assert_null(sc->steps[0].expect);
    cr_assert_str_eq(sc->family, "harness-test");
    hx_scenario_free(sc);
    hx_scenario_free(NULL);
}

Test(harness_scenario, missing_file)
{
    struct cm_err err = {{0}};

    cr_assert_null(load("good/nope.json", &err));
    cr_assert(strstr(err.msg, "no such file") != NULL, "%s", err.msg);
}

Test(harness_scenario, invalid_json_names_line_and_column)
{
    REFUSED("invalid-json", "invalid JSON at line 4, column");
    REFUSED("empty", "invalid JSON");
}

Test(harness_scenario, wrong_types_name_the_json_path)
{
    REFUSED("wrong-type-exit", ": steps[2].expect.exit: expected an integer");
    REFUSED("wrong-type-name", ": name: expected a string");
    REFUSED("not-object", "expected an object");
    REFUSED("string-argv", "steps[0].run: expected a non-empty array of strings");
    REFUSED("argv-number", "steps[0].run[1]: expected a string");
    REFUSED("clear-faults-false", "steps[0].clear_faults: expected true");
    REFUSED("bad-duration", "steps[0].advance: expected a duration");
    REFUSED("bad-time", "clock.start: expected an RFC 3339 time");
    REFUSED("bad-regex", "steps[0].expect.stdout_regex: invalid regular expression");
    REFUSED("bad-pointer", "steps[0].action.save.t: expected a JSON pointer");
    REFUSED("bad-service-name", "services.Demo: bad service name");
}

Test(harness_scenario, unknown_steps_and_keys_are_errors)
{
    REFUSED("unknown-step", "steps[0]: unknown step or key 'htpp' (did you mean 'http'?)");
    REFUSED("unknown-step-far", "steps[0]: unknown step or key 'teleport' (steps are: advance");
    REFUSED("unknown-top-key", ": unknown key 'servces' (did you mean 'services'?)");
    REFUSED("unknown-expect-key",
            "steps[0].expect: unknown key 'stdout_contain' (did you mean 'stdout_contains'?)");
    REFUSED("two-actions", "steps[0]: a step has one action, found both 'run' and 'client'");
    REFUSED("no-action", "steps[0]: a step needs an action key");
    REFUSED("expect-on-journal", "steps[0].expect: a \"journal\" step takes no \"expect\"");
    REFUSED("timeout-on-advance", "steps[0].timeout: only http, action, client and run");
    REFUSED("bad-fault-kind", "steps[0].fault.kind: unknown fault kind 'rest' (did you mean "
                              "'reset'?)");
    REFUSED("duplicate-key", "duplicate key 'name'");
    REFUSED("unknown-service-ref",
            "steps[0].http.service: 'mimecast' is not a service of this scenario");
}

Test(harness_scenario, missing_required_keys)
{
    REFUSED("missing-name", "missing required key 'name'");
    REFUSED("missing-steps", "missing required key 'steps'");
    REFUSED("empty-steps", "steps: expected a non-empty array of steps");
    REFUSED("no-services", "services: expected an object naming at least one service");
    REFUSED("missing-http-path", "steps[0].http: missing required key 'path'");
    REFUSED("missing-fixture", "services.demo.state: cannot open", "nope.json");
}

Test(harness_scenario, variables_are_checked_at_load_time)
{
    REFUSED("unknown-var", "steps[0].http.path: unknown variable '${demo.ur}'");
    REFUSED("unknown-vars-name",
            "steps[0].run[1]: unknown variable '${vars.b}': no 'b' in \"vars\"");
    REFUSED("saved-before-save",
            "steps[0].run[1]: unknown variable '${saved.tok}': no earlier step "
            "saves 'tok'");
    REFUSED("unterminated-var", "steps[0].run[1]: unterminated '${'");
    REFUSED("bad-state-var", "steps[0].run[1]: ${state.demo.items[x]}: bad state path");
}

Test(harness_scenario, kind_names_round_trip)
{
    cr_assert_str_eq(hx_step_kind_name(HX_STEP_HTTP), "http");
    cr_assert_str_eq(hx_step_kind_name(HX_STEP_CHECK_FILE), "check_file");
    cr_assert_str_eq(hx_step_kind_name(HX_STEP__COUNT), "?");
}

/* Every scenario shipped in the repository loads, and the editor schema is JSON Schema 2020-12. */
Test(harness_scenario, repository_scenarios_load)
{
    const char *paths[] = {SECMOCK_SOURCE_DIR "/scenarios"};
    struct cm_err err = {{0}};
    char **files = NULL;
    size_t n = 0, i;
    cJSON *schema;

    cr_assert_eq(hx_discover(paths, 1, &files, &n, &err), 0, "%s", err.msg);
    cr_assert_geq(n, 6, "the demo family has at least six scenarios");
    for (i = 0; i < n; i++) {
        struct hx_scenario *sc = hx_scenario_load(files[i], &err);
        cr_assert_not_null(sc, "%s", err.msg);
        cr_assert_str_eq(sc->family, strncmp(sc->name, "demo/", 5) == 0 ? "demo" : sc->family);
        hx_scenario_free(sc);
        free(files[i]);
    }
    free(files);
    schema = cm_json_load_file(SECMOCK_SOURCE_DIR "/scenarios/scenario.schema.json", &err);
    cr_assert_not_null(schema, "%s", err.msg);
    cr_assert_str_eq(cJSON_GetObjectItem(schema, "$schema")->valuestring,
                     "https://json-schema.org/draft/2020-12/schema");
    cr_assert_not_null(cJSON_GetObjectItem(cJSON_GetObjectItem(schema, "$defs"), "step"));
    cJSON_Delete(schema);
}

Test(harness_scenario, text_is_read_as_the_file_it_names)
{
    static const char good[] =
        "{\"name\": \"mem/one\", \"services\": {\"demo\": {}}, \"steps\": [{\"advance\": \"1m\"}]}";
    static const char bad[] = "{\"name\": \"mem/two\", \"services\": {\"demo\": {}}, \"steps\": "
                              "[{\"advance\": \"soon\"}]}";
    struct cm_err err = {{0}};
    struct hx_scenario *sc;

    sc = hx_scenario_parse("/nowhere/mem.json", good, sizeof(good) - 1, &err);
    cr_assert_not_null(sc, "%s", err.msg);
    cr_assert_str_eq(sc->file, "/nowhere/mem.json");
    cr_assert_str_eq(sc->dir, "/nowhere");
    cr_assert_eq(sc->nsteps, 1);
    hx_scenario_free(sc);
    sc = hx_scenario_parse("/nowhere/mem.json", bad, sizeof(bad) - 1, &err);
    cr_assert_null(sc);
    cr_assert(strstr(err.msg, "/nowhere/mem.json") && strstr(err.msg, "steps[0].advance"), "%s",
              err.msg);
    sc = hx_scenario_parse("/nowhere/mem.json", "{", 1, &err);
    cr_assert_null(sc);
    cr_assert(strstr(err.msg, "/nowhere/mem.json"), "%s", err.msg);
}

Test(harness_scenario, a_repeated_repetition_is_refused_before_it_is_compiled)
{
    static const char text[] = "{\"name\": \"mem/re\", \"services\": {\"demo\": {}}, \"steps\": "
                               "[{\"run\": [\"true\"], \"expect\": {\"stderr_regex\": "
                               "\"[+]a\\\\+b{1,2}c++++++++++++++++++++++++++++++++++++++++d\"}}]}";
    struct cm_err err = {{0}};
    struct hx_scenario *sc = hx_scenario_parse("/nowhere/re.json", text, sizeof(text) - 1, &err);

    cr_assert_null(sc);
    cr_assert(strstr(err.msg, "steps[0].expect.stderr_regex") &&
                  strstr(err.msg, "follows another one"),
              "%s", err.msg);
}

/* The check_state step of text ("services": demo and netskope) loaded as /nowhere/cs.json:
 * NULL with err set when it is refused. */
static struct hx_scenario *check_state_step(const char *step, struct cm_err *err)
{
    char *text = cm_asprintf("{\"name\": \"mem/cs\", \"services\": {\"demo\": {}, \"netskope\": "
                             "{}}, \"steps\": [%s, {\"run\": [\"echo\", \"${saved.tok}\"]}]}",
                             step);
    struct hx_scenario *sc = hx_scenario_parse("/nowhere/cs.json", text, strlen(text), err);

    free(text);
    return sc;
}

Test(harness_scenario, check_state_loads_with_its_save)
{
    struct cm_err err = {{0}};
    struct hx_scenario *sc;

    sc = check_state_step("{\"name\": \"the token is set\", \"check_state\": {\"service\": "
                          "\"netskope\", \"json\": {\"file_profiles\": {}, \"v1_token\": "
                          "\"${vars.x}\"}, \"save\": {\"tok\": \"/v1_token\"}}}",
                          &err);
    cr_assert_null(sc, "${vars.x} is not defined");
    cr_assert(strstr(err.msg, "/nowhere/cs.json: steps[0].check_state.json.v1_token: unknown "
                              "variable '${vars.x}'"),
              "%s", err.msg);
    sc = check_state_step("{\"name\": \"the token is set\", \"check_state\": {\"service\": "
                          "\"netskope\", \"json\": {\"file_profiles\": {}}, \"save\": {\"tok\": "
                          "\"/v1_token\"}}}",
                          &err);
    cr_assert_not_null(sc, "%s", err.msg);
    cr_assert_eq(sc->steps[0].kind, HX_STEP_CHECK_STATE);
    cr_assert_str_eq(hx_step_kind_name(sc->steps[0].kind), "check_state");
    cr_assert_str_eq(sc->steps[0].name, "the token is set");
    cr_assert_not_null(sc->steps[0].save, "the next step uses ${saved.tok}");
    cr_assert_null(sc->steps[0].expect);
    hx_scenario_free(sc);
    /* json is any JSON value */
    sc = check_state_step("{\"check_state\": {\"service\": \"demo\", \"json\": null, \"save\": "
                          "{\"tok\": \"\"}}}",
                          &err);
    cr_assert_not_null(sc, "%s", err.msg);
    hx_scenario_free(sc);
}

Test(harness_scenario, check_state_errors_name_the_json_path)
{
    static const struct {
        const char *step, *msg;
    } cases[] = {
        {"{\"check_state\": {\"json\": {}}}",
         "/nowhere/cs.json: steps[0].check_state: missing required key 'service'"},
        {"{\"check_state\": {\"service\": \"foo\", \"json\": {}}}",
         "/nowhere/cs.json: steps[0].check_state.service: 'foo' is not a service of this "
         "scenario (add it under \"services\")"},
        {"{\"check_state\": {\"service\": \"demo\"}}",
         "/nowhere/cs.json: steps[0].check_state: missing required key 'json'"},
        {"{\"check_state\": {\"service\": 7, \"json\": {}}}",
         "/nowhere/cs.json: steps[0].check_state.service: expected a string"},
        {"{\"check_state\": \"demo\"}",
         "/nowhere/cs.json: steps[0].check_state: expected an object"},
        {"{\"check_state\": {\"service\": \"demo\", \"jsn\": {}, \"json\": {}}}",
         "/nowhere/cs.json: steps[0].check_state: unknown key 'jsn' (did you mean 'json'?)"},
        {"{\"check_state\": {\"service\": \"demo\", \"json\": {}, \"save\": {\"tok\": \"v\"}}}",
         "/nowhere/cs.json: steps[0].check_state.save.tok: expected a JSON pointer"},
        {"{\"check_state\": {\"service\": \"demo\", \"json\": {}, \"save\": [\"/tok\"]}}",
         "/nowhere/cs.json: steps[0].check_state.save: expected an object of strings"},
        {"{\"check_state\": {\"service\": \"demo\", \"json\": {}}, \"expect\": {\"status\": 200}}",
         "/nowhere/cs.json: steps[0].expect: a \"check_state\" step takes no \"expect\""},
        {"{\"check_state\": {\"service\": \"demo\", \"json\": {}}, \"timeout\": \"5s\"}",
         "/nowhere/cs.json: steps[0].timeout: only http, action, client and run steps take a "
         "timeout"},
        {"{\"check_stat\": {\"service\": \"demo\", \"json\": {}}}",
         "/nowhere/cs.json: steps[0]: unknown step or key 'check_stat' (did you mean "
         "'check_state'?)"},
    };
    struct cm_err err;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&err, 0, sizeof(err));
        cr_assert_null(check_state_step(cases[i].step, &err), "%s loaded", cases[i].step);
        cr_assert(strstr(err.msg, cases[i].msg), "%s\nexpected: %s\ngot:      %s", cases[i].step,
                  cases[i].msg, err.msg);
    }
}
