/*
 * test_cisco_flow.c: the Cisco mocks in-process on ephemeral ports, called
 * over real sockets with libcurl (through cm_http) and steered through the
 * admin API only, as a user's own test suite would: the whole ESA + SSE +
 * Threat Response flow of the seeds, the cross-region look-ups between
 * sse-<region> and ctr-<region>, HTTPS with the vendor host names, the rate
 * limit and the journal verdicts. The clock is frozen and moved by the admin
 * API: no test waits for real time.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/http.h"
#include "common/json.h"
#include "common/mem.h"
#include "mock/kit/runtime.h"

#define ORG "6f1a8d52-5c0b-4b7e-9a43-2d9f0e1c7a11"
#define BASIC                                                                                      \
    "Y2xpZW50LTBiN2M2ZTdhLTNmNTItNGQxZS05YThiLTJjNGQ2ZThmMGExYjpYcTN2OUxyMlR6OFdtNU5wMUtzN0hkNEdm" \
    "NkpiMFlj"
#define SERIAL "4215ABCDEF0123456789-0123ABCD4567"

static struct mk_runtime *rt;

static cJSON *fixture(const char *name)
{
    char path[512];
    struct cm_err err = {{0}};
    cJSON *doc;

    snprintf(path, sizeof(path), "%s/scenarios/fixtures/cisco/%s", SECMOCK_SOURCE_DIR, name);
    doc = cm_json_load_file(path, &err);
    cr_assert_not_null(doc, "%s", err.msg);
    return doc;
}

static void start(int tls)
{
    struct mk_runtime_config cfg = {0};
    struct cm_err err = {{0}};
    cJSON *state = cJSON_CreateObject();
    static const char *const names[] = {"sse-nam", "sse-eu", "ctr-nam", "ctr-eu", NULL};
    int i;

    cm_http_global_init();
    rt = mk_runtime_new(&cfg);
    for (i = 0; names[i]; i++)
        cr_assert_eq(mk_runtime_add(rt, names[i], 0, tls, &err), 0, "%s", err.msg);
    cJSON_AddItemToObject(state, "sse-nam", fixture("sse-account.json"));
    cJSON_AddItemToObject(state, "sse-eu", fixture("sse-account.json"));
    cJSON_AddItemToObject(state, "ctr-nam", fixture("ctr-org.json"));
    cJSON_AddItemToObject(state, "ctr-eu", fixture("ctr-org.json"));
    cr_assert_eq(mk_runtime_load(rt, state, &err), 0, "%s", err.msg);
    cr_assert_eq(mk_runtime_start(rt, &err), 0, "%s", err.msg);
    cJSON_Delete(state);
}

static void setup(void)
{
    start(0);
}

static void teardown(void)
{
    mk_runtime_free(rt);
    rt = NULL;
}

static const char *url_of(const char *svc)
{
    return svc ? mk_runtime_find(rt, svc)->url : mk_runtime_admin_url(rt);
}

struct answer {
    long status;
    cJSON *json;
    char header[256]; /* the value of the header asked for, "" when none */
};

/* One call to service svc (NULL: the admin API); hdr and want_header may be NULL. */
static void call(struct answer *a, const char *svc, const char *method, const char *path,
                 const char *hdr, const char *body, const char *want_header)
{
    struct cm_http_request req = {0};
    struct cm_http_response resp;
    const char *headers[] = {"Content-Type: application/json", hdr, NULL};
    char url[512];

    snprintf(url, sizeof(url), "%s%s", url_of(svc), path);
    req.method = method;
    req.url = url;
    req.headers = headers;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    req.timeout_ms = 10000;
    req.ca_file = mk_runtime_ca_file(rt);
    cm_http_response_init(&resp);
    cr_assert_eq(cm_http_perform(&req, &resp), 0, "%s %s: %s", method, url, resp.error);
    a->status = resp.status;
    a->json = cm_json_parse(cm_buf_str(&resp.body), resp.body.len, "answer", NULL);
    a->header[0] = '\0';
    if (want_header)
        cm_http_header(&resp, want_header, a->header, sizeof(a->header));
    cm_http_response_release(&resp);
}

static const char *str(const cJSON *doc, const char *k1, const char *k2)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(doc, k1);

    if (k2)
        n = cJSON_GetObjectItemCaseSensitive(n, k2);
    return cJSON_IsString(n) ? n->valuestring : "";
}

/* A console action; the answer's JSON (caller frees) after asserting 200. */
static cJSON *action(const char *svc, const char *name, const char *args)
{
    struct answer a;
    char path[128];

    snprintf(path, sizeof(path), "/services/%s/actions/%s", svc, name);
    call(&a, NULL, "POST", path, NULL, args, NULL);
    cr_assert_eq(a.status, 200, "%s %s: %ld %s", svc, name, a.status,
                 str(a.json, "error", "message"));
    return a.json;
}

static void clock_post(const char *body)
{
    struct answer a;

    call(&a, NULL, "POST", "/clock", NULL, body, NULL);
    cr_assert_eq(a.status, 200);
    cJSON_Delete(a.json);
}

static char *register_body(const char *token)
{
    return cm_asprintf("{\"token\":\"%s\",\"device\":{\"name\":\"esa03.mex-amp.inlab\","
                       "\"type\":\"ESA\",\"version\":\"13.0.0-392\",\"serial\":\"" SERIAL "\","
                       "\"ip\":\"127.0.0.1\",\"connector_version\":\"1.3.34\"}}",
                       token);
}

/* Registers the appliance in region svc with a new token; returns the registration answer. */
static cJSON *register_in(const char *svc, const char *expect_status)
{
    cJSON *tok = action(svc, "generate-token", "{\"devices\":1,\"expiry\":\"1h\"}");
    char *body = register_body(str(tok, "token", NULL)), path[160];
    struct answer a;

    call(&a, svc, "POST", "/v1/devices/register", NULL, body, "Location");
    cr_assert_eq(a.status, 202);
    cr_assert_str_eq(str(a.json, "status", NULL), "in_progress");
    snprintf(path, sizeof(path), "/v1/devices/registrations/%s",
             str(a.json, "registration_id", NULL));
    cr_assert_str_eq(a.header, path);
    cJSON_Delete(a.json);
    clock_post("{\"advance\":\"20s\"}");
    call(&a, svc, "GET", path, NULL, NULL, NULL);
    cr_assert_eq(a.status, 200);
    cr_assert_str_eq(str(a.json, "status", NULL), expect_status);
    free(body);
    cJSON_Delete(tok);
    return a.json;
}

static void bearer(const char *ctr, char *auth, size_t size)
{
    struct cm_http_request req = {0};
    struct cm_http_response resp;
    const char *headers[] = {"Authorization: Basic " BASIC,
                             "Content-Type: application/x-www-form-urlencoded",
                             "Accept: application/json", NULL};
    char url[256];

    snprintf(url, sizeof(url), "%s/iroh/oauth2/token", url_of(ctr));
    req.method = "POST";
    req.url = url;
    req.headers = headers;
    req.body = "grant_type=client_credentials";
    req.body_len = strlen(req.body);
    req.ca_file = mk_runtime_ca_file(rt);
    cm_http_response_init(&resp);
    cr_assert_eq(cm_http_perform(&req, &resp), 0, "%s", resp.error);
    cr_assert_eq(resp.status, 200, "%s", cm_buf_str(&resp.body));
    {
        cJSON *doc = cm_json_parse(cm_buf_str(&resp.body), resp.body.len, "token", NULL);
        snprintf(auth, size, "Authorization: Bearer %s", str(doc, "access_token", NULL));
        cr_assert_eq(cm_json_num(doc, "expires_in", 0), 600);
        cJSON_Delete(doc);
    }
    cm_http_response_release(&resp);
}

TestSuite(cisco, .init = setup, .fini = teardown);

Test(cisco, the_whole_flow_of_the_seeds)
{
    struct answer a;
    cJSON *reg, *o, *mod;
    char auth[2048], dev[64], *args, path[256];

    clock_post("{\"set\":\"2020-05-14T09:00:00Z\",\"freeze\":true}");
    /* French tech note steps 5-7: token from the portal, pasted in the ESA, device in SSE */
    reg = register_in("sse-nam", "registered");
    cm_strlcpy(dev, str(reg, "device_id", NULL), sizeof(dev));
    cJSON_Delete(reg);
    o = action("sse-nam", "list-devices", "{}");
    cr_assert_str_eq(str(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "devices"), 0), "status", NULL),
                     "Registered");
    cJSON_Delete(o);
    /* step 8 before Threat Response is enabled in SSE: the device is not offered */
    o = action("ctr-nam", "module-devices", "{}");
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(o, "devices")), 0);
    cJSON_Delete(o);
    args = cm_asprintf("{\"name\":\"esa03\",\"device_id\":\"%s\"}", dev);
    call(&a, NULL, "POST", "/services/ctr-nam/actions/add-module", NULL, args, NULL);
    cr_assert_eq(a.status, 400);
    cr_assert(strstr(str(a.json, "error", "message"), "Cloud Services tab"));
    cJSON_Delete(a.json);
    o = action("sse-nam", "set-cloud-services", "{\"threat_response\":true}");
    cJSON_Delete(o);
    free(args);
    args = cm_asprintf("{\"name\":\"esa03\",\"device_id\":\"%s\",\"remediation_profile\":"
                       "\"o365\",\"forward_address\":\"soc@cisco.com\"}",
                       dev);
    mod = action("ctr-nam", "add-module", args);
    free(args);
    /* Verification: a test email, then the investigation */
    args = cm_asprintf("{\"device_id\":\"%s\",\"mid\":8,\"icid\":7,\"sender\":"
                       "\"mgmt01@cisco.com\",\"recipients\":[\"testingBren@cisco.com\"],"
                       "\"subject\":\"test test\",\"sender_ip\":\"10.10.1.15\"}",
                       dev);
    o = action("ctr-nam", "add-message", args);
    cJSON_Delete(o);
    free(args);
    clock_post("{\"advance\":\"9h\"}");
    bearer("ctr-nam", auth, sizeof(auth));
    call(&a, "ctr-nam", "POST", "/iroh/iroh-inspect/inspect", auth,
         "{\"content\":\"email_subject:'test test'\"}", NULL);
    cr_assert_eq(a.status, 200);
    {
        char *obs = cm_json_print(a.json);
        cJSON_Delete(a.json);
        call(&a, "ctr-nam", "POST", "/iroh/iroh-enrich/observe/observables", auth, obs,
             "X-Ratelimit-Org-Limit");
        free(obs);
    }
    cr_assert_eq(a.status, 200);
    cr_assert_str_eq(a.header, "8000");
    {
        const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(a.json, "data"), 0);
        const cJSON *s = cJSON_GetArrayItem(
            cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "data"), "sightings"),
                                "docs"),
            0);
        cr_assert_str_eq(str(m, "module", NULL), "esa03");
        cr_assert_str_eq(str(s, "description", NULL), "Incoming message (Delivered)");
        cr_assert_str_eq(str(s, "confidence", NULL), "High");
        cr_assert_str_eq(str(s, "severity", NULL), "Low");
    }
    cJSON_Delete(a.json);
    /* remediation from the pivot menu of the Cisco Message ID */
    call(&a, "ctr-nam", "POST", "/iroh/iroh-response/respond/observables", auth,
         "[{\"type\":\"cisco_mid\",\"value\":\"8\"}]", NULL);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(a.json, "data")), 3);
    snprintf(path, sizeof(path), "/iroh/iroh-response%s",
             str(cJSON_GetArrayItem(cJSON_GetObjectItem(a.json, "data"), 1), "url", NULL));
    cJSON_Delete(a.json);
    call(&a, "ctr-nam", "POST", path, auth, NULL, NULL);
    cr_assert_eq(a.status, 200);
    cr_assert_str_eq(str(a.json, "data", "status"), "success");
    cJSON_Delete(a.json);
    call(&a, NULL, "GET", "/state/ctr-nam", NULL, NULL, NULL);
    {
        const cJSON *rem = cJSON_GetArrayItem(
            cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(a.json, "orgs"), ORG),
                                "remediations"),
            0);
        cr_assert_str_eq(str(rem, "action", NULL), "Forward");
        cr_assert_str_eq(str(rem, "module_instance_id", NULL), str(mod, "id", NULL));
    }
    cJSON_Delete(a.json);
    cJSON_Delete(mod);
}

Test(cisco, tokens_and_devices_are_bound_to_their_region)
{
    struct answer a;
    cJSON *tok = action("sse-eu", "generate-token", "{}"), *reg, *o;
    char *body = register_body(str(tok, "token", NULL)), path[200], auth[200], dev[64];

    clock_post("{\"freeze\":true}");
    /* an EU token used against the NAM host */
    call(&a, "sse-nam", "POST", "/v1/devices/register", NULL, body, NULL);
    cr_assert_eq(a.status, 202);
    snprintf(path, sizeof(path), "/v1/devices/registrations/%s",
             str(a.json, "registration_id", NULL));
    cJSON_Delete(a.json);
    clock_post("{\"advance\":\"20s\"}");
    call(&a, "sse-nam", "GET", path, NULL, NULL, NULL);
    cr_assert_str_eq(str(a.json, "status", NULL), "failed");
    cr_assert_str_eq(str(a.json, "error", "message"),
                     "The registration failed because of an invalid or expired token");
    cJSON_Delete(a.json);
    call(&a, NULL, "GET", "/journal?service=sse-nam&verdict=region_mismatch", NULL, NULL, NULL);
    cr_assert_eq(cm_json_num(a.json, "total", 0), 1);
    cJSON_Delete(a.json);
    /* registered in NAM, the appliance cannot register in EU until it deregisters */
    reg = register_in("sse-nam", "registered");
    cm_strlcpy(dev, str(reg, "device_id", NULL), sizeof(dev));
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", str(reg, "device_token", NULL));
    cJSON_Delete(reg);
    reg = register_in("sse-eu", "failed");
    cr_assert_str_eq(str(reg, "error", "code"), "registered_in_other_region");
    cJSON_Delete(reg);
    /* ctr-eu does not see the NAM device, ctr-nam does once the integration is on */
    o = action("sse-nam", "set-cloud-services", "{\"threat_response\":true}");
    cJSON_Delete(o);
    o = action("sse-eu", "set-cloud-services", "{\"threat_response\":true}");
    cJSON_Delete(o);
    o = action("ctr-eu", "module-devices", "{}");
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(o, "devices")), 0);
    cJSON_Delete(o);
    o = action("ctr-nam", "module-devices", "{}");
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(o, "devices")), 1);
    cJSON_Delete(o);
    snprintf(path, sizeof(path), "/v1/devices/%s", dev);
    call(&a, "sse-nam", "DELETE", path, auth, NULL, NULL);
    cr_assert_eq(a.status, 200);
    cJSON_Delete(a.json);
    reg = register_in("sse-eu", "registered");
    cJSON_Delete(reg);
    o = action("ctr-eu", "module-devices", "{}");
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(o, "devices")), 1);
    cJSON_Delete(o);
    o = action("ctr-nam", "module-devices", "{}");
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(o, "devices")), 0);
    cJSON_Delete(o);
    /* a NAM access token is unknown to the EU region */
    bearer("ctr-nam", auth, sizeof(auth));
    call(&a, "ctr-eu", "GET", "/iroh/profile/whoami", auth, NULL, NULL);
    cr_assert_eq(a.status, 401);
    cJSON_Delete(a.json);
    free(body);
    cJSON_Delete(tok);
}

Test(cisco, expired_access_token_and_rate_limit)
{
    struct answer a;
    char auth[2048];
    int i;

    clock_post("{\"freeze\":true}");
    call(&a, NULL, "PATCH", "/state/ctr-nam", NULL, "{\"rate_limit\":{\"limit\":3}}", NULL);
    cr_assert_eq(a.status, 200);
    cJSON_Delete(a.json);
    bearer("ctr-nam", auth, sizeof(auth));
    for (i = 0; i < 3; i++) {
        call(&a, "ctr-nam", "GET", "/iroh/iroh-enrich/settings", auth, NULL, NULL);
        cr_assert_eq(a.status, 200);
        cJSON_Delete(a.json);
    }
    call(&a, "ctr-nam", "GET", "/iroh/iroh-enrich/settings", auth, NULL, "X-Ratelimit-Org-Limit");
    cr_assert_eq(a.status, 429);
    cr_assert_str_eq(a.header, "3");
    cJSON_Delete(a.json);
    /* an hour later the window is free again, but the token expired after 600 s */
    clock_post("{\"advance\":\"1h\"}");
    call(&a, "ctr-nam", "GET", "/iroh/iroh-enrich/settings", auth, NULL, "WWW-Authenticate");
    cr_assert_eq(a.status, 401);
    cr_assert_str_eq(str(a.json, "error", NULL), "invalid_token");
    cr_assert(strstr(a.header, "Bearer"));
    cJSON_Delete(a.json);
    call(&a, NULL, "GET", "/journal?service=ctr-nam&verdict=token_expired", NULL, NULL, NULL);
    cr_assert_eq(cm_json_num(a.json, "total", 0), 1);
    cJSON_Delete(a.json);
    call(&a, NULL, "GET", "/journal?service=ctr-nam&verdict=rate_limited", NULL, NULL, NULL);
    cr_assert_eq(cm_json_num(a.json, "total", 0), 1);
    cJSON_Delete(a.json);
}

Test(cisco, bad_inputs_over_the_wire)
{
    struct answer a;
    char auth[2048];

    call(&a, "sse-nam", "POST", "/v1/devices/register", NULL, "{\"token\":", NULL);
    cr_assert_eq(a.status, 400);
    cr_assert_str_eq(str(a.json, "error", "code"), "invalid_request");
    cJSON_Delete(a.json);
    call(&a, "ctr-nam", "POST", "/iroh/oauth2/token",
         "Authorization: Basic d3Jvbmc6d3Jvbmc=", "grant_type=client_credentials", NULL);
    cr_assert_eq(a.status, 401);
    cr_assert_str_eq(str(a.json, "error", NULL), "invalid_client");
    cJSON_Delete(a.json);
    bearer("ctr-nam", auth, sizeof(auth));
    call(&a, "ctr-nam", "POST", "/iroh/iroh-enrich/observe/observables", auth, "{\"x\":1}", NULL);
    cr_assert_eq(a.status, 400);
    cJSON_Delete(a.json);
    call(&a, NULL, "POST", "/services/sse-nam/actions/generate-token", NULL, "{\"expiry\":\"7d\"}",
         NULL);
    cr_assert_eq(a.status, 400);
    cr_assert_str_eq(str(a.json, "error", "code"), "action_failed");
    cJSON_Delete(a.json);
    call(&a, NULL, "POST", "/services/sse-apjc/actions/generate-token", NULL, "{}", NULL);
    cr_assert_eq(a.status, 404); /* a region this process does not run */
    cJSON_Delete(a.json);
    call(&a, NULL, "PUT", "/state/sse-nam", NULL, "{\"accounts\":{\"o\":{\"tokens\":{\"x\":{}}}}}",
         NULL);
    cr_assert_eq(a.status, 400);
    cr_assert_str_eq(str(a.json, "error", "code"), "invalid_state");
    cJSON_Delete(a.json);
}

Test(cisco, unknown_region_names_are_refused)
{
    struct mk_runtime_config cfg = {0};
    struct mk_runtime *r2 = mk_runtime_new(&cfg);
    struct cm_err err = {{0}};

    cr_assert_neq(mk_runtime_add(r2, "sse-moon", 0, 0, &err), 0);
    cr_assert(strstr(err.msg, "sse-nam, sse-eu, sse-apjc"), "%s", err.msg);
    cr_assert_neq(mk_runtime_add(r2, "ctr-us", 0, 0, &err), 0);
    cr_assert(strstr(err.msg, "ctr-nam, ctr-eu, ctr-apjc"), "%s", err.msg);
    mk_runtime_free(r2);
}

static void setup_tls(void)
{
    start(1);
}

Test(cisco, https_with_the_vendor_host_names, .init = setup_tls, .fini = teardown)
{
    struct answer a;
    cJSON *reg;
    char auth[2048];

    cr_assert_not_null(mk_runtime_ca_file(rt));
    cr_assert(strncmp(url_of("sse-eu"), "https://", 8) == 0);
    clock_post("{\"freeze\":true}");
    reg = register_in("sse-eu", "registered");
    cJSON_Delete(reg);
    bearer("ctr-eu", auth, sizeof(auth));
    call(&a, "ctr-eu", "GET", "/iroh/profile/whoami", auth, NULL, NULL);
    cr_assert_eq(a.status, 200);
    cr_assert_str_eq(str(a.json, "org", "region"), "eu");
    cJSON_Delete(a.json);
}
