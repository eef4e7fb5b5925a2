/*
 * test_harness_vars.c: ${...} references, checked at load time against what
 * a scenario defines and expanded at run time, with typed substitution inside
 * JSON documents and state read through the fetch callback.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "harness/vars.h"

static const char *const services[] = {"demo", "sse-eu"};
static const char *const saved_names[] = {"tok"};
static cJSON *vars_doc;
static struct hx_var_scope scope;

static void setup(void)
{
    vars_doc = cJSON_Parse("{\"who\": \"me\", \"n\": \"3\"}");
    memset(&scope, 0, sizeof(scope));
    scope.services = services;
    scope.n_services = 2;
    scope.vars = vars_doc;
    scope.saved = saved_names;
    scope.n_saved = 1;
    setenv("HX_TEST_ENV", "from-env", 1);
    unsetenv("HX_TEST_UNSET");
}

static void teardown(void)
{
    cJSON_Delete(vars_doc);
}

static int check(const char *s, struct cm_err *err)
{
    return hx_vars_check(s, &scope, "f.json: steps[1].run[2]", err);
}

TestSuite(harness_vars, .init = setup, .fini = teardown);

Test(harness_vars, known_names_pass_the_check)
{
    struct cm_err err = {{0}};

    cr_assert_eq(check("no variables at all", &err), 0);
    cr_assert_eq(check("${admin.url}/clock ${ca_file} ${workdir}/x", &err), 0, "%s", err.msg);
    cr_assert_eq(check("${demo.url} ${sse-eu.url}", &err), 0, "%s", err.msg);
    cr_assert_eq(check("${vars.who} ${env.HX_TEST_ENV} ${saved.tok} ${saved.tok.a[0]}", &err), 0,
                 "%s", err.msg);
    cr_assert_eq(check("${state.demo} ${state.demo.items.a[2].value} ${state.sse-eu.x}", &err), 0,
                 "%s", err.msg);
    cr_assert_eq(check("$${HOME} and $$ and $ alone", &err), 0, "%s", err.msg);
}

Test(harness_vars, unknown_names_are_errors_with_the_path)
{
    struct cm_err err = {{0}};

    cr_assert_neq(check("x ${mimecast.url}", &err), 0);
    cr_assert(strstr(err.msg, "f.json: steps[1].run[2]: unknown variable '${mimecast.url}'"), "%s",
              err.msg);
    cr_assert_neq(check("${vars.nope}", &err), 0);
    cr_assert(strstr(err.msg, "no 'nope' in \"vars\""), "%s", err.msg);
    cr_assert_neq(check("${env.HX_TEST_UNSET}", &err), 0);
    cr_assert(strstr(err.msg, "'HX_TEST_UNSET' is not set"), "%s", err.msg);
    cr_assert_neq(check("${saved.other}", &err), 0);
    cr_assert(strstr(err.msg, "no earlier step saves 'other'"), "%s", err.msg);
    cr_assert_neq(check("${state.ctr.x}", &err), 0);
    cr_assert(strstr(err.msg, "'ctr' is not a service of this scenario"), "%s", err.msg);
    cr_assert_neq(check("${state.demo.a..b}", &err), 0);
    cr_assert(strstr(err.msg, "bad state path"), "%s", err.msg);
    cr_assert_neq(check("${workdir", &err), 0);
    cr_assert(strstr(err.msg, "unterminated"), "%s", err.msg);
    cr_assert_neq(check("${}", &err), 0);
}

/* A fake admin state: {"demo": {...}} answered through the callback. */
static cJSON *fake_state;
static int fetches;

static const cJSON *fetch(void *ud, const char *service, struct cm_err *err)
{
    const cJSON *s = cJSON_GetObjectItem(fake_state, service);

    (void)ud;
    fetches++;
    if (s == NULL)
        cm_fail(err, CM_ENOENT, "no state for '%s'", service);
    return s;
}

static void runtime(struct hx_vars *v, cJSON **svcs)
{
    hx_vars_init(v);
    *svcs = cJSON_Parse("{\"demo\": \"http://127.0.0.1:4000\"}");
    fake_state = cJSON_Parse("{\"demo\": {\"token\": \"s3\", \"n\": 5, \"items\": {\"a\": "
                             "{\"value\": [1, {\"x\": true}]}}}}");
    fetches = 0;
    v->admin_url = "http://127.0.0.1:3999";
    v->ca_file = "/tmp/ca.pem";
    v->workdir = "/tmp/w";
    v->services = *svcs;
    v->vars = vars_doc;
    v->fetch_state = fetch;
}

Test(harness_vars, strings_expand)
{
    struct hx_vars v;
    struct cm_err err = {{0}};
    cJSON *svcs, *tok = cJSON_CreateString("abc"), *obj = cJSON_Parse("{\"k\": [1, 2]}");
    char *out = NULL;

    runtime(&v, &svcs);
    hx_vars_save(&v, "tok", tok);
    hx_vars_save(&v, "obj", obj);
    cr_assert_eq(hx_vars_expand_str(&v,
                                    "${demo.url}/x?t=${saved.tok}&w=${vars.who} ${admin.url} "
                                    "${ca_file} ${workdir} ${env.HX_TEST_ENV} $${literal}",
                                    "w", &out, &err),
                 0, "%s", err.msg);
    cr_assert_str_eq(out, "http://127.0.0.1:4000/x?t=abc&w=me http://127.0.0.1:3999 /tmp/ca.pem "
                          "/tmp/w from-env ${literal}");
    free(out);
    cr_assert_eq(hx_vars_expand_str(&v,
                                    "${state.demo.token}-${state.demo.n}-${saved.obj.k[1]}-"
                                    "${saved.obj}",
                                    "w", &out, &err),
                 0, "%s", err.msg);
    cr_assert_str_eq(out, "s3-5-2-{\"k\":[1,2]}");
    cr_assert_eq(fetches, 2, "one fetch per state reference (exec.c caches per step)");
    free(out);
    cJSON_Delete(tok);
    cJSON_Delete(obj);
    cJSON_Delete(svcs);
    cJSON_Delete(fake_state);
    hx_vars_release(&v);
}

Test(harness_vars, json_keeps_types_for_whole_references)
{
    struct hx_vars v;
    struct cm_err err = {{0}};
    cJSON *svcs, *in, *out = NULL, *want;

    runtime(&v, &svcs);
    in = cJSON_Parse("{\"n\": \"${state.demo.n}\", \"arr\": \"${state.demo.items.a.value}\", "
                     "\"s\": \"n=${state.demo.n}\", \"keep\": [true, null, 1.5], "
                     "\"${vars.who}\": \"key not expanded\"}");
    cr_assert_eq(hx_vars_expand_json(&v, in, "f.json: steps[0].http", &out, &err), 0, "%s",
                 err.msg);
    want = cJSON_Parse("{\"n\": 5, \"arr\": [1, {\"x\": true}], \"s\": \"n=5\", "
                       "\"keep\": [true, null, 1.5], \"${vars.who}\": \"key not expanded\"}");
    cr_assert(cJSON_Compare(out, want, 1), "got %s", cJSON_PrintUnformatted(out));
    cJSON_Delete(in);
    cJSON_Delete(out);
    cJSON_Delete(want);
    cJSON_Delete(svcs);
    cJSON_Delete(fake_state);
    hx_vars_release(&v);
}

Test(harness_vars, runtime_errors_name_the_path)
{
    struct hx_vars v;
    struct cm_err err = {{0}};
    cJSON *svcs, *in, *out = NULL;
    char *s = NULL;

    runtime(&v, &svcs);
    in = cJSON_Parse("{\"body\": {\"list\": [\"ok\", \"${state.demo.items.zz}\"]}}");
    cr_assert_neq(hx_vars_expand_json(&v, in, "f.json: steps[3].http", &out, &err), 0);
    cr_assert(strstr(err.msg, "f.json: steps[3].http.body.list[1]: ${state.demo.items.zz}: "
                              "'items.zz' is not in the state of 'demo'"),
              "%s", err.msg);
    cr_assert_null(out);
    cr_assert_neq(hx_vars_expand_str(&v, "${state.sse-eu.x}", "f.json: steps[0].run[0]", &s, &err),
                  0);
    cr_assert(strstr(err.msg, "no state for 'sse-eu'"), "%s", err.msg);
    cr_assert_neq(hx_vars_expand_str(&v, "${nope.url}", "here", &s, &err), 0);
    cr_assert(strstr(err.msg, "here: unknown variable '${nope.url}'"), "%s", err.msg);
    cJSON_Delete(in);
    cJSON_Delete(svcs);
    cJSON_Delete(fake_state);
    hx_vars_release(&v);
}
