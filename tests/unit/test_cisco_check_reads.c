/*
 * test_cisco_check_reads.c: the read-only calls the Cisco mocks serve for a
 * configuration check (`secmock client esa check`), all ours
 * (docs/cisco.md): a registration token's status on SSE (GET
 * /v1/tokens/<token>), the account of a device (GET /v1/devices/<id>
 * names its org), and the org's SSE account as Threat Response sees it
 * (GET /iroh/iroh-sse/tenant). Each read changes nothing: the state dumped
 * after it is the state before.
 */
#include "mock/ctr/ctr.h"
#include "mock/sse/sse.h"
#include "test_sse_util.h"

#define EU_TOKEN "b92baf968e19418a33fc9023529e0d82"

static const char STATE[] =
    "{\"sse-nam\":{\"accounts\":{\"" CX_ORG "\":{\"name\":\"Acme\","
    "\"tokens\":{\"" CX_TOKEN_A "\":{\"devices\":3,\"used\":1,\"expiry\":\"2h\","
    "\"created\":\"" CX_START "\"},"
    "\"00112233445566778899aabbccddeeff\":{\"devices\":1,\"used\":1}}}}},"
    "\"sse-eu\":{\"accounts\":{\"" CX_ORG "\":{\"name\":\"Acme EU\","
    "\"tokens\":{\"" EU_TOKEN "\":{\"devices\":1,\"expiry\":\"1h\"}}}}}}";

static void token_get(struct cx_res *r, struct mk_runtime *rt, const char *svc, const char *tok)
{
    char path[128];

    snprintf(path, sizeof(path), "/v1/tokens/%s", tok);
    cx_call(r, rt, svc, "GET", path, NULL, NULL, NULL);
}

Test(cisco_check_reads, token_status_counts_and_expiry)
{
    struct mk_runtime *rt = cx_runtime("sse-nam,sse-eu", STATE);
    struct cx_res r;
    cJSON *before = cx_dump(rt, "sse-nam"), *after;

    token_get(&r, rt, "sse-nam", CX_TOKEN_A);
    cr_assert_eq(r.status, 200, "%s", cm_buf_str(&r.resp.body));
    cr_assert_str_eq(cx_str(r.json, "status"), "active");
    cr_assert_str_eq(cx_str(r.json, "region"), "nam");
    cr_assert_str_eq(cx_str(r.json, "org"), CX_ORG);
    cr_assert_eq(cm_json_num(r.json, "devices", 0), 3);
    cr_assert_eq(cm_json_num(r.json, "remaining", 0), 2);
    cr_assert_str_eq(cx_str(r.json, "expires"), "2026-03-02T11:00:00Z");
    cr_assert_null(cJSON_GetObjectItem(r.json, "token"), "the secret is not echoed");
    cr_assert_str_eq(r.verdict, "ok");
    cx_res_release(&r);
    after = cx_dump(rt, "sse-nam");
    cr_assert(cJSON_Compare(before, after, 1), "a read changes nothing");
    cJSON_Delete(before);
    cJSON_Delete(after);
    cx_advance(rt, "2h");
    token_get(&r, rt, "sse-nam", CX_TOKEN_A);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cx_str(r.json, "status"), "expired");
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(cisco_check_reads, token_revoked_and_used_up)
{
    struct mk_runtime *rt = cx_runtime("sse-nam,sse-eu", STATE);
    struct cm_err err = {{0}};
    struct cx_res r;
    cJSON *o = cx_action(rt, "sse-nam", "revoke-token", "{\"token\":\"" CX_TOKEN_A "\"}", &err);

    cr_assert_not_null(o, "%s", err.msg);
    cJSON_Delete(o);
    token_get(&r, rt, "sse-nam", CX_TOKEN_A);
    cr_assert_str_eq(cx_str(r.json, "status"), "revoked");
    cx_res_release(&r);
    token_get(&r, rt, "sse-nam", "00112233445566778899aabbccddeeff");
    cr_assert_str_eq(cx_str(r.json, "status"), "used_up");
    cr_assert_eq(cm_json_num(r.json, "remaining", 9), 0);
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(cisco_check_reads, unknown_and_other_region_tokens)
{
    struct mk_runtime *rt = cx_runtime("sse-nam,sse-eu", STATE);
    struct cx_res r;

    token_get(&r, rt, "sse-nam", EU_TOKEN);
    cr_assert_eq(r.status, 404);
    cr_assert_str_eq(cx_str(r.json, "error/code"), "token_in_other_region");
    cr_assert_str_eq(cx_str(r.json, "error/region"), "eu");
    cr_assert(strstr(cx_str(r.json, "error/message"), "region eu") != NULL);
    cr_assert_str_eq(r.verdict, "token_in_other_region");
    cx_res_release(&r);
    token_get(&r, rt, "sse-nam", "ffffffffffffffffffffffffffffffff");
    cr_assert_eq(r.status, 404);
    cr_assert_str_eq(cx_str(r.json, "error/code"), "not_found");
    cr_assert(strstr(cx_str(r.json, "error/message"), "mistyped") != NULL);
    cx_res_release(&r);
    token_get(&r, rt, "sse-nam", "a/b");
    cr_assert_eq(r.status, 404);
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(cisco_check_reads, device_status_names_its_account)
{
    char *state = cx_state("sse-nam", "sse-registered.json", NULL);
    struct mk_runtime *rt = cx_runtime("sse-nam", state);
    const char *hdr[] = {"Authorization: Bearer " CX_CRED, NULL};
    struct cx_res r;

    cx_call(&r, rt, "sse-nam", "GET", "/v1/devices/" CX_DEVICE, hdr, NULL, NULL);
    cr_assert_eq(r.status, 200, "%s", cm_buf_str(&r.resp.body));
    cr_assert_str_eq(cx_str(r.json, "org"), CX_ORG);
    cr_assert_str_eq(cx_str(r.json, "region"), "nam");
    cx_res_release(&r);
    free(state);
    mk_runtime_free(rt);
}

static void tenant(struct cx_res *r, struct mk_runtime *rt, const char *svc)
{
    char auth[2048];
    const char *hdr[] = {auth, NULL};

    cx_bearer(rt, svc, auth, sizeof(auth));
    cx_call(r, rt, svc, "GET", "/iroh/iroh-sse/tenant", hdr, NULL, NULL);
    cr_assert_eq(r->status, 200, "%s", cm_buf_str(&r->resp.body));
}

Test(cisco_check_reads, tenant_shows_the_cloud_services_toggle)
{
    char *state = cx_state("sse-nam", "sse-registered.json", "ctr-nam", "ctr-org.json", NULL);
    struct mk_runtime *rt = cx_runtime("sse-nam,ctr-nam", state);
    struct cm_err err = {{0}};
    struct cx_res r;
    cJSON *o;

    tenant(&r, rt, "ctr-nam");
    cr_assert_str_eq(cx_str(r.json, "org"), CX_ORG);
    cr_assert_str_eq(cx_str(r.json, "region"), "nam");
    cr_assert(cJSON_IsTrue(cx_at(r.json, "sse_account")));
    cr_assert(cJSON_IsTrue(cx_at(r.json, "cloud_services/threat_response")));
    cr_assert_eq(cm_json_num(r.json, "devices", 0), 1);
    cx_res_release(&r);
    o = cx_action(rt, "sse-nam", "set-cloud-services", "{\"threat_response\":false}", &err);
    cJSON_Delete(o);
    tenant(&r, rt, "ctr-nam");
    cr_assert(cJSON_IsFalse(cx_at(r.json, "cloud_services/threat_response")));
    cr_assert_eq(cm_json_num(r.json, "devices", 0), 1, "devices count whatever the toggle");
    cx_res_release(&r);
    free(state);
    mk_runtime_free(rt);
}

Test(cisco_check_reads, tenant_without_an_account_or_an_sse)
{
    char *state = cx_state("ctr-nam", "ctr-org.json", NULL);
    struct mk_runtime *rt = cx_runtime("sse-nam,ctr-nam", state);
    struct cx_res r;

    tenant(&r, rt, "ctr-nam");
    cr_assert(cJSON_IsFalse(cx_at(r.json, "sse_account")));
    cr_assert(cJSON_IsFalse(cx_at(r.json, "cloud_services/threat_response")));
    cx_res_release(&r);
    mk_runtime_free(rt);
    rt = cx_runtime("ctr-nam", state);
    tenant(&r, rt, "ctr-nam");
    cr_assert(cJSON_IsFalse(cx_at(r.json, "sse_account")));
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "GET", "/iroh/iroh-sse/tenant", NULL, NULL, NULL);
    cr_assert_eq(r.status, 401, "a bearer token is needed");
    cx_res_release(&r);
    free(state);
    mk_runtime_free(rt);
}
