/*
 * test_ctr_module.c: adding the ESA module: only a device registered in the
 * same region's SSE, in the org's account, with Threat Response enabled on
 * the Cloud Services tab, can be chosen ([tn215556] troubleshooting); the
 * console actions and the iroh-int / iroh-sse APIs around it.
 */
#include "mock/ctr/ctr.h"
#include "test_sse_util.h"

static struct mk_runtime *rt_with(const char *services, const char *sse_svc,
                                  const char *sse_fixture)
{
    char *state = cx_state(sse_svc, sse_fixture, "ctr-nam", "ctr-org.json", NULL);
    struct mk_runtime *rt = cx_runtime(services, state);

    free(state);
    return rt;
}

static const char ADD[] = "{\"name\":\"esa03\",\"device_id\":\"" CX_DEVICE "\"}";

Test(ctr_module, add_module_with_a_visible_device)
{
    struct mk_runtime *rt = rt_with("sse-nam,ctr-nam", "sse-nam", "sse-registered.json");
    struct cm_err err = {{0}};
    cJSON *devs = cx_action(rt, "ctr-nam", "module-devices", "{}", &err), *m;

    cr_assert_not_null(devs, "%s", err.msg);
    cr_assert_eq(cJSON_GetArraySize(cx_at(devs, "devices")), 1);
    cr_assert_str_eq(cx_str(devs, "devices/0/id"), CX_DEVICE);
    cr_assert_str_eq(cx_str(devs, "devices/0/name"), "esa03.mex-amp.inlab");
    cr_assert_str_eq(cx_str(devs, "devices/0/ip"), "127.0.0.1");
    cJSON_Delete(devs);
    m = cx_action(rt, "ctr-nam", "add-module", ADD, &err);
    cr_assert_not_null(m, "%s", err.msg);
    cr_assert_eq(strlen(cx_str(m, "id")), 36);
    cr_assert_str_eq(cx_str(m, "name"), "esa03");
    cr_assert_eq(cm_json_num(cx_at(m, "settings"), "timeframe_days", 0), 30); /* the default */
    cr_assert_str_eq(cx_str(m, "settings/device_id"), CX_DEVICE);
    cJSON_Delete(m);
    m = cx_action(rt, "ctr-nam", "add-module",
                  "{\"name\":\"esa03-b\",\"device_id\":\"" CX_DEVICE "\",\"timeframe_days\":7,"
                  "\"remediation_profile\":\"p\",\"forward_address\":\"soc@example.com\"}",
                  &err);
    cr_assert_not_null(m, "%s", err.msg);
    cr_assert_eq(cm_json_num(cx_at(m, "settings"), "timeframe_days", 0), 7);
    cJSON_Delete(m);
    mk_runtime_free(rt);
}

Test(ctr_module, device_missing_until_threat_response_is_enabled)
{
    struct mk_runtime *rt = rt_with("sse-nam,ctr-nam", "sse-nam", "sse-registered.json");
    struct cm_err err = {{0}};
    cJSON *o = cx_action(rt, "sse-nam", "set-cloud-services", "{\"threat_response\":false}", &err),
          *devs;

    cJSON_Delete(o);
    devs = cx_action(rt, "ctr-nam", "module-devices", "{}", &err);
    cr_assert_eq(cJSON_GetArraySize(cx_at(devs, "devices")), 0);
    cJSON_Delete(devs);
    cr_assert_null(cx_action(rt, "ctr-nam", "add-module", ADD, &err));
    cr_assert(strstr(err.msg, "enable Cisco Threat Response on the Cloud Services tab"), "%s",
              err.msg);
    o = cx_action(rt, "sse-nam", "set-cloud-services", "{\"threat_response\":true}", &err);
    cJSON_Delete(o);
    o = cx_action(rt, "ctr-nam", "add-module", ADD, &err);
    cr_assert_not_null(o, "%s", err.msg);
    cJSON_Delete(o);
    mk_runtime_free(rt);
}

Test(ctr_module, only_the_same_region)
{
    struct mk_runtime *rt = rt_with("sse-eu,sse-nam,ctr-nam", "sse-eu", "sse-registered.json");
    struct cm_err err = {{0}};

    /* the device is registered in EU; ctr-nam looks at sse-nam only */
    cr_assert_null(cx_action(rt, "ctr-nam", "add-module", ADD, &err));
    cr_assert(strstr(err.msg, "(region nam)"), "%s", err.msg);
    mk_runtime_free(rt);
}

Test(ctr_module, no_sse_in_the_process)
{
    char *state = cx_state("ctr-nam", "ctr-org.json", NULL);
    struct mk_runtime *rt = cx_runtime("ctr-nam", state);
    struct cm_err err = {{0}};
    cJSON *devs;

    cr_assert_null(cx_action(rt, "ctr-nam", "add-module", ADD, &err));
    cr_assert(strstr(err.msg, "run sse-nam beside ctr-nam"), "%s", err.msg);
    devs = cx_action(rt, "ctr-nam", "module-devices", "{}", &err);
    cr_assert_eq(cJSON_GetArraySize(cx_at(devs, "devices")), 0);
    cJSON_Delete(devs);
    free(state);
    mk_runtime_free(rt);
}

Test(ctr_module, bare_service_names_are_nam)
{
    char *state = cx_state("sse", "sse-registered.json", "ctr", "ctr-org.json", NULL);
    struct mk_runtime *rt = cx_runtime("sse,ctr", state);
    struct cm_err err = {{0}};
    cJSON *o = cx_action(rt, "ctr", "add-module", ADD, &err);

    cr_assert_not_null(o, "%s", err.msg);
    cJSON_Delete(o);
    free(state);
    mk_runtime_free(rt);
}

Test(ctr_module, another_org_or_a_non_esa_device_cannot_be_chosen)
{
    struct mk_runtime *rt = rt_with("sse-nam,ctr-nam", "sse-nam", "sse-registered.json");
    struct mk_service *sse = mk_runtime_find(rt, "sse-nam");
    struct cm_err err = {{0}};
    cJSON *st = cx_dump(rt, "sse-nam"), *o;
    char key[200];

    /* an account of another org holding an SMA */
    {
        const char *other = "{\"name\":\"Other\",\"cloud_services\":{\"threat_response\":true},"
                            "\"devices\":{\"d-sma\":{\"name\":\"sma1\",\"type\":\"SMA\","
                            "\"serial\":\"SMA1\"}}}";
        cJSON_AddItemToObject(cJSON_GetObjectItem(st, "accounts"), "other-org",
                              cm_json_parse(other, strlen(other), "o", NULL));
    }
    snprintf(key, sizeof(key), "accounts/%s/devices", CX_ORG);
    {
        const char *sma = "{\"name\":\"sma2\",\"type\":\"SMA\",\"serial\":\"SMA2\"}";
        cJSON_AddItemToObject((cJSON *)cx_at(st, key), "d-sma2",
                              cm_json_parse(sma, strlen(sma), "s", NULL));
    }
    cr_assert_eq(sse->ops->load(sse, st, &err), 0, "%s", err.msg);
    cJSON_Delete(st);
    cr_assert_null(
        cx_action(rt, "ctr-nam", "add-module", "{\"name\":\"x\",\"device_id\":\"d-sma\"}", &err));
    cr_assert(strstr(err.msg, "Registered Device list"), "%s", err.msg);
    cr_assert_null(
        cx_action(rt, "ctr-nam", "add-module", "{\"name\":\"x\",\"device_id\":\"d-sma2\"}", &err));
    cr_assert(strstr(err.msg, "not an Email Security Appliance"), "%s", err.msg);
    o = cx_action(rt, "ctr-nam", "module-devices", "{}", &err);
    cr_assert_eq(cJSON_GetArraySize(cx_at(o, "devices")), 1); /* the SMA is not offered */
    cJSON_Delete(o);
    mk_runtime_free(rt);
}

Test(ctr_module, console_action_arguments)
{
    static const char *const bad_add[] = {
        "{}",
        "{\"name\":\"x\"}",
        "{\"device_id\":\"" CX_DEVICE "\"}",
        "{\"name\":\"x\",\"device_id\":\"" CX_DEVICE "\",\"timeframe_days\":0}",
        "{\"name\":\"x\",\"device_id\":\"" CX_DEVICE "\",\"timeframe_days\":\"30\"}",
        "{\"name\":\"x\",\"device_id\":\"" CX_DEVICE "\",\"forward_address\":\"soc\"}",
        "{\"name\":\"x\",\"device_id\":\"" CX_DEVICE "\",\"colour\":1}",
        "{\"name\":\"x\",\"device_id\":\"" CX_DEVICE "\",\"org\":\"nope\"}",
        NULL};
    struct mk_runtime *rt = rt_with("sse-nam,ctr-nam", "sse-nam", "sse-registered.json");
    struct cm_err err = {{0}};
    cJSON *o;
    int i;

    for (i = 0; bad_add[i]; i++) {
        err.msg[0] = '\0';
        cr_assert_null(cx_action(rt, "ctr-nam", "add-module", bad_add[i], &err), "%s", bad_add[i]);
        cr_assert(err.msg[0]);
    }
    cr_assert_null(cx_action(rt, "ctr-nam", "set-module", "{\"module_id\":\"nope\"}", &err));
    cr_assert_null(cx_action(rt, "ctr-nam", "set-module", "{}", &err));
    cr_assert_null(cx_action(rt, "ctr-nam", "remove-module", "{\"module_id\":\"nope\"}", &err));
    cr_assert_null(cx_action(rt, "ctr-nam", "add-message", "{}", &err));
    cr_assert_null(cx_action(rt, "ctr-nam", "add-message",
                             "{\"device_id\":\"d\",\"mid\":1,\"sender\":\"a@b.c\"}", &err));
    o = cx_action(rt, "ctr-nam", "add-message",
                  "{\"device_id\":\"" CX_DEVICE "\",\"mid\":77,\"sender\":\"a@b.c\","
                  "\"recipients\":[\"x@cisco.com\"],\"subject\":\"fresh\"}",
                  &err);
    cr_assert_not_null(o, "%s", err.msg);
    cr_assert_str_eq(cx_str(o, "time"), CX_START); /* defaults to the virtual now */
    cr_assert_str_eq(cx_str(o, "status"), "Delivered");
    cJSON_Delete(o);
    cr_assert_null(cx_action(rt, "ctr-nam", "create-org", "{}", &err));
    cr_assert_null(cx_action(rt, "ctr-nam", "create-org", "{\"org\":\"" CX_ORG "\"}", &err));
    o = cx_action(rt, "ctr-nam", "create-org", "{\"org\":\"second\"}", &err);
    cr_assert_not_null(o, "%s", err.msg);
    cJSON_Delete(o);
    cr_assert_null(cx_action(rt, "ctr-nam", "module-devices", "{}", &err));
    cr_assert(strstr(err.msg, "several orgs"), "%s", err.msg);
    cr_assert_null(cx_action(rt, "ctr-nam", "fly", "{}", &err));
    cr_assert(strstr(err.msg, "unknown action"), "%s", err.msg);
    mk_runtime_free(rt);
}

Test(ctr_module, module_lifecycle_through_actions)
{
    struct mk_runtime *rt = rt_with("sse-nam,ctr-nam", "sse-nam", "sse-registered.json");
    struct cm_err err = {{0}};
    cJSON *m = cx_action(rt, "ctr-nam", "add-module", ADD, &err), *o;
    char *args;

    cr_assert_not_null(m, "%s", err.msg);
    args = cm_asprintf("{\"module_id\":\"%s\",\"name\":\"renamed\",\"forward_address\":"
                       "\"soc@cisco.com\",\"remediation_profile\":\"o365\"}",
                       cx_str(m, "id"));
    o = cx_action(rt, "ctr-nam", "set-module", args, &err);
    cr_assert_not_null(o, "%s", err.msg);
    cr_assert_str_eq(cx_str(o, "name"), "renamed");
    cr_assert_str_eq(cx_str(o, "settings/forward_address"), "soc@cisco.com");
    cJSON_Delete(o);
    free(args);
    args = cm_asprintf("{\"module_id\":\"%s\"}", cx_str(m, "id"));
    o = cx_action(rt, "ctr-nam", "remove-module", args, &err);
    cr_assert_not_null(o, "%s", err.msg);
    cJSON_Delete(o);
    cr_assert_null(cx_action(rt, "ctr-nam", "remove-module", args, &err));
    free(args);
    o = cx_action(rt, "ctr-nam", "list-remediations", "{}", &err);
    cr_assert_eq(cJSON_GetArraySize(cx_at(o, "remediations")), 0);
    cJSON_Delete(o);
    cJSON_Delete(m);
    mk_runtime_free(rt);
}

Test(ctr_module, iroh_int_module_instances)
{
    struct mk_runtime *rt = rt_with("sse-nam,ctr-nam", "sse-nam", "sse-registered.json");
    char auth[2048], path[160], id[64];
    const char *hdr[] = {auth, NULL};
    struct cx_res r;

    cx_bearer(rt, "ctr-nam", auth, sizeof(auth));
    cx_call(&r, rt, "ctr-nam", "GET", "/iroh/iroh-int/module-type", hdr, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cx_str(r.json, "0/id"), CTR_ESA_TYPE_ID);
    cr_assert_str_eq(cx_str(r.json, "0/title"), "Email Security Appliance");
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/iroh-int/module-instance", hdr, NULL,
            "{\"name\":\"esa03\",\"module_type_id\":\"" CTR_ESA_TYPE_ID "\",\"settings\":{"
            "\"device_id\":\"" CX_DEVICE "\",\"timeframe_days\":14}}");
    cr_assert_eq(r.status, 201, "%s", cm_buf_str(&r.resp.body));
    cm_strlcpy(id, cx_str(r.json, "id"), sizeof(id));
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "GET", "/iroh/iroh-int/module-instance", hdr, NULL, NULL);
    cr_assert_eq(cJSON_GetArraySize(r.json), 1);
    cr_assert_eq(cm_json_num(cx_at(r.json, "0/settings"), "timeframe_days", 0), 14);
    cx_res_release(&r);
    snprintf(path, sizeof(path), "/iroh/iroh-int/module-instance/%s", id);
    cx_call(&r, rt, "ctr-nam", "GET", path, hdr, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "DELETE", path, hdr, NULL, NULL);
    cr_assert_eq(r.status, 204);
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "GET", path, hdr, NULL, NULL);
    cr_assert_eq(r.status, 404);
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "DELETE", path, hdr, NULL, NULL);
    cr_assert_eq(r.status, 404);
    cx_res_release(&r);
    /* bad creations */
    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/iroh-int/module-instance", hdr, NULL, "{");
    cr_assert_eq(r.status, 400);
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/iroh-int/module-instance", hdr, NULL,
            "{\"name\":\"x\",\"module_type_id\":\"amp\",\"settings\":{}}");
    cr_assert_eq(r.status, 400);
    cr_assert(cx_str(r.json, "errors/module_type_id")[0]);
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/iroh-int/module-instance", hdr, NULL,
            "{\"name\":\"x\",\"module_type_id\":\"" CTR_ESA_TYPE_ID "\"}");
    cr_assert_eq(r.status, 400);
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/iroh-int/module-instance", hdr, NULL,
            "{\"name\":\"x\",\"module_type_id\":\"" CTR_ESA_TYPE_ID "\",\"settings\":{"
            "\"device_id\":\"unknown\"}}");
    cr_assert_eq(r.status, 400);
    cr_assert(strstr(cx_str(r.json, "errors/settings"), "Registered Device list"));
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(ctr_module, iroh_sse_devices_and_tenant_token)
{
    struct mk_runtime *rt = rt_with("sse-nam,ctr-nam", "sse-nam", "sse-registered.json");
    char auth[2048];
    const char *hdr[] = {auth, NULL};
    struct cx_res r;
    struct cm_err err = {{0}};
    cJSON *o;

    cx_bearer(rt, "ctr-nam", auth, sizeof(auth));
    cx_call(&r, rt, "ctr-nam", "GET", "/iroh/iroh-sse/device", hdr, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cx_str(r.json, "0/id"), CX_DEVICE);
    cr_assert_null(cx_at(r.json, "0/serial"));
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "GET", "/iroh/iroh-sse/device/" CX_DEVICE, hdr, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cx_str(r.json, "name"), "esa03.mex-amp.inlab");
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "GET", "/iroh/iroh-sse/device/nope", hdr, NULL, NULL);
    cr_assert_eq(r.status, 404);
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "GET", "/iroh/iroh-sse/tenant/token", hdr, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(strlen(cx_str(r.json, "token")), 32);
    cr_assert_str_eq(cx_str(r.json, "expiry"), "1h");
    cx_res_release(&r);
    o = cx_action(rt, "sse-nam", "list-tokens", "{}", &err);
    cr_assert_eq(cJSON_GetArraySize(cx_at(o, "tokens")), 1);
    cJSON_Delete(o);
    cx_call(&r, rt, "ctr-nam", "DELETE", "/iroh/iroh-sse/device/" CX_DEVICE, hdr, NULL, NULL);
    cr_assert_eq(r.status, 204);
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "DELETE", "/iroh/iroh-sse/device/" CX_DEVICE, hdr, NULL, NULL);
    cr_assert_eq(r.status, 404);
    cx_res_release(&r);
    o = cx_action(rt, "sse-nam", "list-devices", "{}", &err);
    cr_assert_eq(cJSON_GetArraySize(cx_at(o, "devices")), 0);
    cJSON_Delete(o);
    mk_runtime_free(rt);
}

Test(ctr_module, unknown_paths_use_the_iroh_envelope)
{
    struct mk_runtime *rt = rt_with("sse-nam,ctr-nam", "sse-nam", "sse-registered.json");
    struct cx_res r;

    cx_call(&r, rt, "ctr-nam", "GET", "/iroh/nothing", NULL, NULL, NULL);
    cr_assert_eq(r.status, 404);
    cr_assert_str_eq(cx_str(r.json, "error"), "not_found");
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "PUT", "/iroh/iroh-inspect/inspect", NULL, NULL, "{}");
    cr_assert_eq(r.status, 405);
    cx_res_release(&r);
    mk_runtime_free(rt);
}
