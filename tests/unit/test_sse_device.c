/*
 * test_sse_device.c: the device-side registration protocol of docs/cisco.md
 * ("Device registration protocol (ours)") through the handlers: submission,
 * asynchronous completion on the virtual clock, the appliance message for
 * every bad token, region binding, refusal of a serial registered in another
 * region until it deregisters, the device credential, cloud service settings
 * and the Cisco Success Network usage report; every bad input.
 */
#include "mock/sse/sse.h"
#include "test_sse_util.h"

static const char *const JSON_HDR[] = {"Content-Type: application/json", NULL};
static const char TWO_REGIONS[] =
    "{\"sse-nam\":{\"registration_delay\":\"30s\",\"accounts\":{\"" CX_ORG "\":{\"name\":\"Acme\","
    "\"tokens\":{\"" CX_TOKEN_A "\":{\"devices\":3,\"expiry\":\"1h\"}}}}},"
    "\"sse-eu\":{\"registration_delay\":\"30s\",\"accounts\":{\"" CX_ORG "\":{\"name\":\"Acme EU\","
    "\"tokens\":{\"b92baf968e19418a33fc9023529e0d82\":{\"devices\":1,\"expiry\":\"1h\"}}}}}}";
#define EU_TOKEN "b92baf968e19418a33fc9023529e0d82"

static char *reg_body(const char *token, const char *serial)
{
    return cm_asprintf("{\"token\":\"%s\",\"device\":{\"name\":\"esa03.mex-amp.inlab\","
                       "\"type\":\"ESA\",\"version\":\"13.0.0-392\",\"serial\":\"%s\","
                       "\"ip\":\"127.0.0.1\",\"connector_version\":\"1.3.34\"}}",
                       token, serial);
}

/* Submits and returns the registration id (caller frees); the verdict into v. */
static char *submit(struct mk_runtime *rt, const char *svc, const char *token, const char *serial,
                    char *v, size_t vsize)
{
    struct cx_res r;
    char *body = reg_body(token, serial), *id;

    cx_call(&r, rt, svc, "POST", "/v1/devices/register", JSON_HDR, NULL, body);
    cr_assert_eq(r.status, 202, "%d %s", r.status, cm_buf_str(&r.resp.body));
    cr_assert_str_eq(cx_str(r.json, "status"), "in_progress");
    id = cm_strdup(cx_str(r.json, "registration_id"));
    cr_assert_eq(strlen(id), 36);
    if (v)
        cm_strlcpy(v, r.verdict, vsize);
    cx_res_release(&r);
    free(body);
    return id;
}

static void poll(struct cx_res *r, struct mk_runtime *rt, const char *svc, const char *id)
{
    char path[128];

    snprintf(path, sizeof(path), "/v1/devices/registrations/%s", id);
    cx_call(r, rt, svc, "GET", path, NULL, NULL, NULL);
    cr_assert_eq(r->status, 200, "%d", r->status);
}

/* Registers serial in svc with token through to "registered"; device id and credential out. */
static void register_ok(struct mk_runtime *rt, const char *svc, const char *token,
                        const char *serial, char *dev_id, char *cred)
{
    struct cx_res r;
    char *id = submit(rt, svc, token, serial, NULL, 0);

    cx_advance(rt, "30s");
    poll(&r, rt, svc, id);
    cr_assert_str_eq(cx_str(r.json, "status"), "registered", "%s", cm_buf_str(&r.resp.body));
    cm_strlcpy(dev_id, cx_str(r.json, "device_id"), 64);
    cm_strlcpy(cred, cx_str(r.json, "device_token"), 80);
    cx_res_release(&r);
    free(id);
}

Test(sse_device, registration_is_asynchronous_then_registered)
{
    struct mk_runtime *rt = cx_runtime("sse-nam,sse-eu", TWO_REGIONS);
    struct cx_res r;
    char v[48], *id = submit(rt, "sse-nam", CX_TOKEN_A, "SER1", v, sizeof(v));
    struct cm_err err = {{0}};
    cJSON *list;

    cr_assert_str_eq(v, "registration_accepted");
    poll(&r, rt, "sse-nam", id);
    cr_assert_str_eq(cx_str(r.json, "status"), "in_progress");
    cr_assert_null(cx_at(r.json, "device_token"));
    cx_res_release(&r);
    cx_advance(rt, "29s");
    poll(&r, rt, "sse-nam", id);
    cr_assert_str_eq(cx_str(r.json, "status"), "in_progress");
    cx_res_release(&r);
    list = cx_action(rt, "sse-nam", "list-devices", "{}", &err);
    cr_assert_eq(cJSON_GetArraySize(cx_at(list, "devices")), 0);
    cJSON_Delete(list);
    cx_advance(rt, "1s");
    poll(&r, rt, "sse-nam", id);
    cr_assert_str_eq(cx_str(r.json, "status"), "registered");
    cr_assert_str_eq(cx_str(r.json, "region"), "nam");
    cr_assert_str_eq(cx_str(r.json, "submitted"), CX_START);
    cr_assert_str_eq(cx_str(r.json, "completed"), "2026-03-02T09:00:30Z");
    cr_assert_eq(strlen(cx_str(r.json, "device_id")), 36);
    cr_assert(sse_is_lower_hex(cx_str(r.json, "device_token"), 64));
    /* the portal's device list shows the columns of the seed's screenshot */
    list = cx_action(rt, "sse-nam", "list-devices", "{}", &err);
    cr_assert_not_null(list, "%s", err.msg);
    cr_assert_str_eq(cx_str(list, "devices/0/name"), "esa03.mex-amp.inlab");
    cr_assert_str_eq(cx_str(list, "devices/0/type"), "ESA");
    cr_assert_str_eq(cx_str(list, "devices/0/version"), "13.0.0-392");
    cr_assert_str_eq(cx_str(list, "devices/0/status"), "Registered");
    cr_assert_str_eq(cx_str(list, "devices/0/description"), "ESA");
    cr_assert_str_eq(cx_str(list, "devices/0/id"), cx_str(r.json, "device_id"));
    cr_assert_str_eq(cx_str(list, "devices/0/ip"), "127.0.0.1");
    cr_assert_str_eq(cx_str(list, "devices/0/connector_version"), "1.3.34");
    cr_assert_str_eq(cx_str(list, "devices/0/created"), "2026-03-02T09:00:30Z");
    cJSON_Delete(list);
    cx_res_release(&r);
    free(id);
    mk_runtime_free(rt);
}

static void expect_token_failure(struct mk_runtime *rt, const char *svc, const char *token,
                                 const char *serial, const char *verdict)
{
    struct cx_res r;
    char v[48], *id = submit(rt, svc, token, serial, v, sizeof(v));

    cr_assert_str_eq(v, verdict, "token %s", token);
    cx_advance(rt, "30s");
    poll(&r, rt, svc, id);
    cr_assert_str_eq(cx_str(r.json, "status"), "failed");
    cr_assert_str_eq(cx_str(r.json, "error/code"), "invalid_or_expired_token");
    cr_assert_str_eq(cx_str(r.json, "error/message"),
                     "The registration failed because of an invalid or expired token");
    cr_assert_null(cx_at(r.json, "device_id"));
    cx_res_release(&r);
    free(id);
}

Test(sse_device, every_bad_token_gives_the_appliance_message)
{
    struct mk_runtime *rt = cx_runtime("sse-nam,sse-eu", TWO_REGIONS);
    struct cm_err err = {{0}};
    cJSON *t;

    expect_token_failure(rt, "sse-nam", "0123456789abcdef0123456789abcdef", "S1",
                         "invalid_registration_token");
    expect_token_failure(rt, "sse-nam", "not-a-token", "S2", "invalid_registration_token");
    expect_token_failure(rt, "sse-nam", "A389F98DF0E77C5411148E96E239E05D", "S3",
                         "invalid_registration_token");
    /* a token of the EU portal used against the NAM host */
    expect_token_failure(rt, "sse-nam", EU_TOKEN, "S4", "region_mismatch");
    expect_token_failure(rt, "sse-eu", CX_TOKEN_A, "S5", "region_mismatch");
    t = cx_action(rt, "sse-nam", "revoke-token", "{\"token\":\"" CX_TOKEN_A "\"}", &err);
    cJSON_Delete(t);
    expect_token_failure(rt, "sse-nam", CX_TOKEN_A, "S6", "registration_token_revoked");
    cx_advance(rt, "1h");
    expect_token_failure(rt, "sse-eu", EU_TOKEN, "S7", "registration_token_expired");
    mk_runtime_free(rt);
}

Test(sse_device, registered_elsewhere_is_refused_until_deregistered)
{
    struct mk_runtime *rt = cx_runtime("sse-nam,sse-eu", TWO_REGIONS);
    struct cx_res r;
    char dev[64], cred[80], v[48], *id, path[128], auth[128];
    const char *hdr[] = {auth, NULL};

    register_ok(rt, "sse-nam", CX_TOKEN_A, "SER1", dev, cred);
    /* the same appliance pointed at the EU server, with a good EU token */
    id = submit(rt, "sse-eu", EU_TOKEN, "SER1", v, sizeof(v));
    cr_assert_str_eq(v, "device_registered_elsewhere");
    cx_advance(rt, "30s");
    poll(&r, rt, "sse-eu", id);
    cr_assert_str_eq(cx_str(r.json, "status"), "failed");
    cr_assert_str_eq(cx_str(r.json, "error/code"), "registered_in_other_region");
    cr_assert(strstr(cx_str(r.json, "error/message"), "(region nam)"));
    cr_assert(strstr(cx_str(r.json, "error/message"), "Deregister it"));
    cx_res_release(&r);
    free(id);
    /* and again in its own region */
    id = submit(rt, "sse-nam", CX_TOKEN_A, "SER1", v, sizeof(v));
    cr_assert_str_eq(v, "device_already_registered");
    cx_advance(rt, "30s");
    poll(&r, rt, "sse-nam", id);
    cr_assert_str_eq(cx_str(r.json, "error/code"), "already_registered");
    cx_res_release(&r);
    free(id);
    /* deregister, then the EU token (still unused) works */
    snprintf(path, sizeof(path), "/v1/devices/%s", dev);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", cred);
    cx_call(&r, rt, "sse-nam", "DELETE", path, hdr, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cx_str(r.json, "status"), "deregistered");
    cr_assert_str_eq(r.verdict, "deregistered");
    cx_res_release(&r);
    cx_call(&r, rt, "sse-nam", "GET", path, hdr, NULL, NULL);
    cr_assert_eq(r.status, 401);
    cr_assert_str_eq(cx_str(r.json, "error/code"), "device_unauthorized");
    cx_res_release(&r);
    register_ok(rt, "sse-eu", EU_TOKEN, "SER1", dev, cred);
    mk_runtime_free(rt);
}

Test(sse_device, a_pending_registration_blocks_the_serial_elsewhere)
{
    struct mk_runtime *rt = cx_runtime("sse-nam,sse-eu", TWO_REGIONS);
    char v[48], *a = submit(rt, "sse-nam", CX_TOKEN_A, "SER9", v, sizeof(v)),
                *b = submit(rt, "sse-eu", EU_TOKEN, "SER9", v, sizeof(v));

    cr_assert_str_eq(v, "device_registered_elsewhere");
    free(a);
    free(b);
    mk_runtime_free(rt);
}

Test(sse_device, status_services_and_wrong_credentials)
{
    struct mk_runtime *rt = cx_runtime("sse-nam,sse-eu", TWO_REGIONS);
    struct cx_res r;
    char dev[64], cred[80], dev2[64], cred2[80], path[160], auth[128], auth2[128];
    const char *hdr[] = {auth, NULL}, *hdr2[] = {auth2, NULL},
               *basic[] = {"Authorization: Basic x", NULL};

    register_ok(rt, "sse-nam", CX_TOKEN_A, "SER1", dev, cred);
    register_ok(rt, "sse-nam", CX_TOKEN_A, "SER2", dev2, cred2);
    snprintf(path, sizeof(path), "/v1/devices/%s", dev);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", cred);
    snprintf(auth2, sizeof(auth2), "Authorization: Bearer %s", cred2);
    cx_call(&r, rt, "sse-nam", "GET", path, hdr, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cx_str(r.json, "status"), "registered");
    cr_assert_str_eq(cx_str(r.json, "serial"), "SER1");
    cr_assert(cJSON_IsTrue(cx_at(r.json, "services/xdr")));
    cr_assert(cJSON_IsFalse(cx_at(r.json, "services/csn")));
    cx_res_release(&r);
    /* another device's credential, none, a Basic header */
    cx_call(&r, rt, "sse-nam", "GET", path, hdr2, NULL, NULL);
    cr_assert_eq(r.status, 401);
    cr_assert_str_eq(r.verdict, "device_unauthorized");
    cx_res_release(&r);
    cx_call(&r, rt, "sse-nam", "GET", path, NULL, NULL, NULL);
    cr_assert_eq(r.status, 401);
    cx_res_release(&r);
    cx_call(&r, rt, "sse-nam", "GET", path, basic, NULL, NULL);
    cr_assert_eq(r.status, 401);
    cx_res_release(&r);
    /* the credential is per region: the EU host does not know the device */
    cx_call(&r, rt, "sse-eu", "GET", path, hdr, NULL, NULL);
    cr_assert_eq(r.status, 401);
    cx_res_release(&r);
    /* services */
    snprintf(path, sizeof(path), "/v1/devices/%s/services", dev);
    cx_call(&r, rt, "sse-nam", "PUT", path, hdr, NULL, "{\"xdr\":false,\"csn\":true}");
    cr_assert_eq(r.status, 200, "%s", cm_buf_str(&r.resp.body));
    cr_assert(cJSON_IsFalse(cx_at(r.json, "services/xdr")));
    cr_assert(cJSON_IsTrue(cx_at(r.json, "services/csn")));
    cx_res_release(&r);
    cx_call(&r, rt, "sse-nam", "PUT", path, hdr, NULL, "{}");
    cr_assert_eq(r.status, 400);
    cx_res_release(&r);
    cx_call(&r, rt, "sse-nam", "PUT", path, hdr, NULL, "{\"xdr\":\"yes\"}");
    cr_assert_eq(r.status, 400);
    cr_assert_str_eq(cx_str(r.json, "error/code"), "invalid_request");
    cx_res_release(&r);
    cx_call(&r, rt, "sse-nam", "PUT", path, hdr, NULL, "[1");
    cr_assert_eq(r.status, 400);
    cx_res_release(&r);
    /* the portal deletes the device: its credential stops working */
    {
        struct cm_err err = {{0}};
        char *args = cm_asprintf("{\"device_id\":\"%s\"}", dev);
        cJSON *o = cx_action(rt, "sse-nam", "delete-device", args, &err);
        cr_assert_not_null(o, "%s", err.msg);
        cJSON_Delete(o);
        cr_assert_null(cx_action(rt, "sse-nam", "delete-device", args, &err));
        free(args);
    }
    cx_call(&r, rt, "sse-nam", "PUT", path, hdr, NULL, "{\"csn\":true}");
    cr_assert_eq(r.status, 401);
    cx_res_release(&r);
    mk_runtime_free(rt);
}

static const char USAGE[] =
    "{\"appliance\":{\"uid\":\"4215ABCDEF0123456789-0123ABCD4567\",\"model\":\"C100V\","
    "\"sIVAN\":null,\"deployment\":\"standalone\",\"userAccountID\":\"VLN1234\","
    "\"version\":\"15.0.0-104\",\"installDate\":1582535814000},\"features\":[{\"name\":"
    "\"Email Gateway Feature\",\"enabled\":\"Yes\",\"status\":\"In Compliance\","
    "\"expiryDate\":1831591683,\"featureId\":\"a4de1234-5678-9abc-def0-123456789abc\"}]}";

Test(sse_device, csn_usage_report_only_when_enabled)
{
    static const char *const bad[] = {
        "{}",
        "{\"appliance\":{},\"features\":[]}",
        "{\"appliance\":{\"uid\":\"u\",\"model\":\"m\",\"sIVAN\":null,\"deployment\":\"both\","
        "\"userAccountID\":\"a\",\"version\":\"v\",\"installDate\":1},\"features\":[]}",
        "{\"appliance\":{\"uid\":\"u\",\"model\":\"m\",\"sIVAN\":3,\"deployment\":\"cluster\","
        "\"userAccountID\":\"a\",\"version\":\"v\",\"installDate\":1},\"features\":[]}",
        "{\"appliance\":{\"uid\":\"u\",\"model\":\"m\",\"sIVAN\":null,\"deployment\":\"cluster\","
        "\"userAccountID\":\"a\",\"version\":\"v\",\"installDate\":-1},\"features\":[]}",
        "{\"appliance\":{\"uid\":\"u\",\"model\":\"m\",\"sIVAN\":\"s\",\"deployment\":\"cluster\","
        "\"userAccountID\":\"a\",\"version\":\"v\",\"installDate\":1},\"features\":[{\"name\":"
        "\"f\",\"enabled\":\"maybe\",\"status\":\"s\",\"expiryDate\":1,\"featureId\":\"i\"}]}",
        "{\"appliance\":{\"uid\":\"u\",\"model\":\"m\",\"sIVAN\":\"s\",\"deployment\":\"cluster\","
        "\"userAccountID\":\"a\",\"version\":\"v\",\"installDate\":1},\"features\":[{\"name\":"
        "\"f\",\"enabled\":true,\"status\":\"s\",\"expiryDate\":1.5,\"featureId\":\"i\"}]}",
        "not json",
        NULL};
    struct mk_runtime *rt = cx_runtime("sse-nam,sse-eu", TWO_REGIONS);
    struct cx_res r;
    char dev[64], cred[80], path[160], spath[160], auth[128];
    const char *hdr[] = {auth, NULL};
    cJSON *st;
    int i;

    register_ok(rt, "sse-nam", CX_TOKEN_A, "SER1", dev, cred);
    snprintf(path, sizeof(path), "/v1/devices/%s/usage", dev);
    snprintf(spath, sizeof(spath), "/v1/devices/%s/services", dev);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", cred);
    cx_call(&r, rt, "sse-nam", "POST", path, hdr, NULL, USAGE);
    cr_assert_eq(r.status, 409);
    cr_assert_str_eq(cx_str(r.json, "error/code"), "csn_disabled");
    cr_assert(strstr(cx_str(r.json, "error/message"), "Edit Global Settings"));
    cx_res_release(&r);
    cx_call(&r, rt, "sse-nam", "PUT", spath, hdr, NULL, "{\"csn\":true}");
    cx_res_release(&r);
    cx_call(&r, rt, "sse-nam", "POST", path, hdr, NULL, USAGE);
    cr_assert_eq(r.status, 202, "%s", cm_buf_str(&r.resp.body));
    cr_assert_str_eq(cx_str(r.json, "status"), "accepted");
    cx_res_release(&r);
    for (i = 0; bad[i]; i++) {
        cx_call(&r, rt, "sse-nam", "POST", path, hdr, NULL, bad[i]);
        cr_assert_eq(r.status, 400, "%s -> %d", bad[i], r.status);
        cr_assert_str_eq(cx_str(r.json, "error/code"), "invalid_request");
        cx_res_release(&r);
    }
    st = cx_dump(rt, "sse-nam");
    {
        char key[200];
        snprintf(key, sizeof(key), "accounts/%s/devices/%s/csn", CX_ORG, dev);
        cr_assert_eq(cm_json_num(cx_at(st, key), "reports", 0), 1);
        cr_assert_str_eq(cx_str(cx_at(st, key), "last/appliance/model"), "C100V");
    }
    cJSON_Delete(st);
    cx_call(&r, rt, "sse-nam", "POST", path, NULL, NULL, USAGE);
    cr_assert_eq(r.status, 401);
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(sse_device, malformed_submissions_are_400)
{
    static const char *const bad[] = {
        "",
        "{",
        "[]",
        "{\"device\":{}}",
        "{\"token\":\"\",\"device\":{}}",
        "{\"token\":5}",
        "{\"token\":\"" CX_TOKEN_A "\"}",
        "{\"token\":\"" CX_TOKEN_A "\",\"device\":\"esa\"}",
        "{\"token\":\"" CX_TOKEN_A "\",\"device\":{\"name\":\"n\",\"type\":\"ESA\",\"version\":"
        "\"1\",\"serial\":\"S\",\"ip\":\"999.1.1.1\",\"connector_version\":\"1\"}}",
        "{\"token\":\"" CX_TOKEN_A "\",\"device\":{\"name\":\"n\",\"type\":\"ESA\",\"version\":"
        "\"1\",\"serial\":\"S S\",\"ip\":\"10.0.0.1\",\"connector_version\":\"1\"}}",
        "{\"token\":\"" CX_TOKEN_A "\",\"device\":{\"name\":\"n\",\"type\":\"ESA\",\"version\":"
        "\"1\",\"serial\":\"S\",\"ip\":\"10.0.0.1\"}}",
        "{\"token\":\"" CX_TOKEN_A "\",\"device\":{\"name\":\"n\",\"type\":\"ESA\",\"version\":"
        "\"1\",\"serial\":\"S\",\"ip\":\"10.0.0.1\",\"connector_version\":\"1\"},"
        "\"services\":{\"xdr\":1}}",
        "{\"token\":\"" CX_TOKEN_A "\",\"device\":{\"name\":\"n\",\"type\":\"ESA\",\"version\":"
        "\"1\",\"serial\":\"S\",\"ip\":\"10.0.0.1\",\"connector_version\":\"1\"},"
        "\"services\":[]}",
        NULL};
    struct mk_runtime *rt = cx_runtime("sse-nam,sse-eu", TWO_REGIONS);
    struct cx_res r;
    struct cm_err err = {{0}};
    cJSON *list;
    int i;

    for (i = 0; bad[i]; i++) {
        cx_call(&r, rt, "sse-nam", "POST", "/v1/devices/register", JSON_HDR, NULL, bad[i]);
        cr_assert_eq(r.status, 400, "%s -> %d", bad[i], r.status);
        cr_assert_str_eq(cx_str(r.json, "error/code"), "invalid_request");
        cr_assert_str_eq(r.verdict, "invalid_request");
        cr_assert(cx_str(r.json, "error/message")[0]);
        cx_res_release(&r);
    }
    /* nothing was consumed */
    list = cx_action(rt, "sse-nam", "list-tokens", "{}", &err);
    cr_assert_eq(cm_json_num(cx_at(list, "tokens/0"), "used", -1), 0);
    cJSON_Delete(list);
    mk_runtime_free(rt);
}

Test(sse_device, oversized_and_unknown_paths)
{
    struct mk_runtime *rt = cx_runtime("sse-nam", NULL);
    struct cx_res r;
    char *big = cm_malloc(SSE_BODY_MAX + 2);

    memset(big, ' ', SSE_BODY_MAX + 1);
    big[SSE_BODY_MAX + 1] = '\0';
    cx_call(&r, rt, "sse-nam", "POST", "/v1/devices/register", JSON_HDR, NULL, big);
    cr_assert_eq(r.status, 413);
    cr_assert_str_eq(cx_str(r.json, "error/code"), "body_too_large");
    cx_res_release(&r);
    free(big);
    cx_call(&r, rt, "sse-nam", "GET", "/v1/devices/registrations/nope", NULL, NULL, NULL);
    cr_assert_eq(r.status, 404);
    cr_assert_str_eq(cx_str(r.json, "error/code"), "not_found");
    cx_res_release(&r);
    cx_call(&r, rt, "sse-nam", "GET", "/v1/other", NULL, NULL, NULL);
    cr_assert_eq(r.status, 404);
    cx_res_release(&r);
    cx_call(&r, rt, "sse-nam", "PATCH", "/v1/devices/register", NULL, NULL, "{}");
    cr_assert_eq(r.status, 405);
    cr_assert_str_eq(cx_str(r.json, "error/code"), "method_not_allowed");
    cx_res_release(&r);
    cx_call(&r, rt, "sse-nam", "POST", "/v1/devices/x/other", NULL, NULL, "{}");
    cr_assert_eq(r.status, 404);
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(sse_device, state_round_trips_and_refuses_bad_documents)
{
    static const char *const bad[] = {
        "{\"accounts\":{\"o\":{\"tokens\":{\"XYZ\":{}}}}}",
        "{\"accounts\":{\"o\":{\"tokens\":{\"" CX_TOKEN_A "\":{\"expiry\":\"3h\"}}}}}",
        "{\"accounts\":{\"o\":{\"tokens\":{\"" CX_TOKEN_A "\":{\"devices\":101}}}}}",
        "{\"accounts\":{\"o\":{\"tokens\":{\"" CX_TOKEN_A "\":{\"devices\":2,\"used\":3}}}}}",
        "{\"accounts\":{\"o\":{\"devices\":{\"d1\":{\"name\":\"a\",\"serial\":\"S\"},"
        "\"d2\":{\"name\":\"b\",\"serial\":\"S\"}}}}}",
        "{\"accounts\":{\"o\":{\"devices\":{\"d1\":{\"name\":\"a\"}}}}}",
        "{\"accounts\":{\"o\":{\"cloud_services\":{\"threat_response\":\"on\"}}}}",
        "{\"accounts\":{\"o\":{\"colour\":\"blue\"}}}",
        "{\"registration_delay\":\"soon\"}",
        "{\"accounts\":[]}",
        "{\"registrations\":{\"r\":{\"status\":\"done\",\"device\":{\"serial\":\"S\"}}}}",
        "{\"registrations\":{\"r\":{\"outcome\":\"registered\",\"device\":{\"serial\":\"S\"}}}}",
        "{\"unknown\":1}",
        "[]",
        NULL};
    struct mk_runtime *rt = cx_runtime("sse-nam", NULL);
    struct mk_service *svc = mk_runtime_find(rt, "sse-nam");
    struct cm_err err = {{0}};
    char *fx = cx_fixture("sse-registered.json");
    cJSON *doc = cm_json_parse(fx, strlen(fx), "fx", NULL), *d1, *d2;
    int i;

    for (i = 0; bad[i]; i++) {
        cJSON *b = cm_json_parse(bad[i], strlen(bad[i]), "bad", NULL);
        err.msg[0] = '\0';
        cr_assert_neq(svc->ops->load(svc, b, &err), 0, "%s was accepted", bad[i]);
        cr_assert(err.msg[0]);
        cJSON_Delete(b);
    }
    cr_assert_eq(svc->ops->load(svc, doc, &err), 0, "%s", err.msg);
    d1 = cx_dump(rt, "sse-nam");
    cr_assert_eq(svc->ops->load(svc, d1, &err), 0, "%s", err.msg);
    d2 = cx_dump(rt, "sse-nam");
    cr_assert(cJSON_Compare(d1, d2, 1), "dump -> load -> dump changed the state");
    cJSON_Delete(d1);
    cJSON_Delete(d2);
    cJSON_Delete(doc);
    free(fx);
    mk_runtime_free(rt);
}

Test(sse_device, portal_actions_validate_their_arguments)
{
    struct mk_runtime *rt = cx_runtime("sse-nam", NULL);
    struct cm_err err = {{0}};
    cJSON *o;

    cr_assert_null(cx_action(rt, "sse-nam", "generate-token", "{}", &err));
    cr_assert(strstr(err.msg, "no account"), "%s", err.msg);
    cr_assert_null(cx_action(rt, "sse-nam", "create-account", "{}", &err));
    o = cx_action(rt, "sse-nam", "create-account", "{\"org\":\"a\",\"name\":\"A\"}", &err);
    cr_assert_not_null(o, "%s", err.msg);
    cJSON_Delete(o);
    cr_assert_null(cx_action(rt, "sse-nam", "create-account", "{\"org\":\"a\"}", &err));
    o = cx_action(rt, "sse-nam", "create-account", "{\"org\":\"b\"}", &err);
    cJSON_Delete(o);
    cr_assert_null(cx_action(rt, "sse-nam", "list-tokens", "{}", &err));
    cr_assert(strstr(err.msg, "several accounts"), "%s", err.msg);
    cr_assert_null(cx_action(rt, "sse-nam", "set-cloud-services", "{\"org\":\"a\"}", &err));
    o = cx_action(rt, "sse-nam", "set-cloud-services", "{\"org\":\"a\",\"threat_response\":true}",
                  &err);
    cr_assert_not_null(o, "%s", err.msg);
    cr_assert(cJSON_IsTrue(cx_at(o, "cloud_services/threat_response")));
    cJSON_Delete(o);
    cr_assert_null(cx_action(rt, "sse-nam", "delete-device", "{}", &err));
    cr_assert_null(cx_action(rt, "sse-nam", "launch-rocket", "{}", &err));
    cr_assert(strstr(err.msg, "unknown action"), "%s", err.msg);
    mk_runtime_free(rt);
}
