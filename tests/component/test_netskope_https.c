/*
 * test_netskope_https.c: the Netskope mock in the runtime, in-process on
 * ephemeral ports, over HTTPS with the generated CA, called with libcurl
 * (cm_http_perform): the File Profile cycle with the console's Apply Changes
 * through the admin API, refused updates leaving the state alone, the v1
 * and dataexport rate limits crossed on the frozen virtual clock, the kit's
 * body limit in the v1 envelope, and the journal's verdicts with the token
 * redacted. Nothing waits for real time.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/http.h"
#include "common/json.h"
#include "mock/kit/runtime.h"

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define MD5_C "cccccccccccccccccccccccccccccccc"

static struct mk_runtime *rt;
static char ns_url[128];

static const char state[] = "{\"netskope\": {\"v1_token\": \"V1TOK\", \"v2_token\": \"V2TOK\","
                            " \"file_profiles\": {\"CTE_Hashes\": {\"hashes\": [\"" SHA_A "\"]}},"
                            " \"alerts\": {\"generate\": {\"malware\": {\"count\": 6, \"seed\": 3,"
                            "   \"start\": \"2026-03-02T08:00:00Z\", \"every\": \"20m\"}}}}}";

static void setup(void)
{
    struct mk_runtime_config cfg = {0};
    struct cm_err err = {{0}};
    cJSON *doc = cm_json_parse(state, sizeof(state) - 1, "state", NULL);

    cm_http_global_init();
    cfg.body_max = 256 * 1024;
    rt = mk_runtime_new(&cfg);
    cr_assert_not_null(doc);
    cr_assert_eq(mk_runtime_add(rt, "netskope", 0, -1, &err), 0, "%s", err.msg);
    cr_assert_eq(mk_runtime_load(rt, doc, &err), 0, "%s", err.msg);
    cr_assert_eq(mk_runtime_start(rt, &err), 0, "%s", err.msg);
    cJSON_Delete(doc);
    snprintf(ns_url, sizeof(ns_url), "%s", mk_runtime_find(rt, "netskope")->url);
}

static void teardown(void)
{
    mk_runtime_free(rt);
    rt = NULL;
}

TestSuite(netskope_https, .init = setup, .fini = teardown);

struct answer {
    long status;
    cJSON *json; /* NULL when the body is not JSON */
    char body[1024];
    char retry_after[16];
    char remaining[16];
};

static struct answer call_h(const char *method, const char *base, const char *path,
                            const char *const *headers, const char *body)
{
    struct cm_http_request req = {0};
    struct cm_http_response resp;
    struct answer a;
    char url[512];

    memset(&a, 0, sizeof(a));
    snprintf(url, sizeof(url), "%s%s", base, path);
    req.method = method;
    req.url = url;
    req.headers = headers;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    req.timeout_ms = 10000;
    req.ca_file = mk_runtime_ca_file(rt);
    cm_http_response_init(&resp);
    cr_assert_eq(cm_http_perform(&req, &resp), 0, "%s %s: %s", method, url, resp.error);
    a.status = resp.status;
    snprintf(a.body, sizeof(a.body), "%s", cm_buf_str(&resp.body));
    a.json = cm_json_parse(cm_buf_str(&resp.body), resp.body.len, "resp", NULL);
    cm_http_header(&resp, "Retry-After", a.retry_after, sizeof(a.retry_after));
    cm_http_header(&resp, "RateLimit-Remaining", a.remaining, sizeof(a.remaining));
    cm_http_response_release(&resp);
    return a;
}

static struct answer call(const char *method, const char *base, const char *path, const char *body)
{
    return call_h(method, base, path, NULL, body);
}

static const char *admin(void)
{
    return mk_runtime_admin_url(rt);
}

static void freeze(void)
{
    struct answer a =
        call("POST", admin(), "/clock", "{\"set\": \"2026-03-02T09:00:00Z\", \"freeze\": true}");

    cr_assert_eq(a.status, 200);
    cJSON_Delete(a.json);
}

static void advance(const char *d)
{
    char body[64];
    struct answer a;

    snprintf(body, sizeof(body), "{\"advance\": \"%s\"}", d);
    a = call("POST", admin(), "/clock", body);
    cr_assert_eq(a.status, 200);
    cJSON_Delete(a.json);
}

/* POSTs an update of CTE_Hashes (or name) to list; returns the answer. */
static struct answer update(const char *name, const char *list)
{
    char body[2048];

    snprintf(body, sizeof(body), "{\"token\": \"V1TOK\", \"name\": \"%s\", \"list\": \"%s\"}", name,
             list);
    return call("POST", ns_url, "/api/v1/updateFileHashList", body);
}

/* The applied hashes of a profile, from GET /state/netskope, comma-joined. */
static const char *hashes_of(const char *name, char *out, size_t size)
{
    struct answer a = call("GET", admin(), "/state/netskope", NULL);
    const cJSON *p = cJSON_GetObjectItem(cJSON_GetObjectItem(a.json, "file_profiles"), name), *h;
    size_t off = 0;

    cr_assert_not_null(p, "no profile '%s' in the state", name);
    out[0] = '\0';
    cJSON_ArrayForEach(h, cJSON_GetObjectItem(p, "hashes")) off +=
        (size_t)snprintf(out + off, size - off, "%s%s", off ? "," : "", h->valuestring);
    cJSON_Delete(a.json);
    return out;
}

static void expect(struct answer a, long status, const char *body)
{
    cr_assert_eq(a.status, status, "status %ld, body %s", a.status, a.body);
    cr_assert_str_eq(a.body, body);
    cJSON_Delete(a.json);
}

Test(netskope_https, serves_https_with_the_generated_ca)
{
    struct cm_http_request req = {0};
    struct cm_http_response resp;
    char url[256];

    cr_assert_eq(strncmp(ns_url, "https://", 8), 0, "HTTPS by default: %s", ns_url);
    snprintf(url, sizeof(url), "%s/api/v1/app_instances?op=list", ns_url);
    req.url = url;
    req.timeout_ms = 10000;
    cm_http_response_init(&resp);
    cr_assert_eq(cm_http_perform(&req, &resp), CM_ETLS, "the system store does not know our CA");
    cm_http_response_release(&resp);
    expect(call("POST", ns_url, "/api/v1/app_instances?op=list&limit=1", "token=V1TOK"), 200,
           "{\"status\":\"success\",\"data\":[]}");
    expect(call("POST", ns_url, "/api/v1/app_instances?op=list&limit=1", "token=nope"), 403,
           "{\"status\":\"error\",\"errorCode\":\"Authorization Error\",\"errors\":[\"Invalid "
           "token\"]}");
}

Test(netskope_https, profile_cycle_with_apply_changes)
{
    char list[1024];
    struct answer a;

    a = call(
        "POST", admin(), "/services/netskope/actions/create-profile",
        "{\"name\": \"Mimecast_Hashes\", \"types\": [\"sha256\", \"md5\"], \"hashes\": [\"" SHA_A
        "\"]}");
    cr_assert_eq(a.status, 200, "%s", a.body);
    cJSON_Delete(a.json);
    expect(update("Mimecast_Hashes", SHA_B), 200,
           "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":[\"File hash list "
           "'Mimecast_Hashes' does not exist\"]}");
    a = call("POST", admin(), "/services/netskope/actions/apply-changes", NULL);
    cr_assert_eq(a.status, 200);
    cr_assert_str_eq(a.body, "{\"applied\":[\"Mimecast_Hashes\"]}");
    cJSON_Delete(a.json);
    expect(update("Mimecast_Hashes", SHA_B "," MD5_C), 200,
           "{\"status\":\"success\",\"msg\":\"File Filter Profile updated successfully\"}");
    cr_assert_str_eq(hashes_of("Mimecast_Hashes", list, sizeof(list)), SHA_B "," MD5_C);
    expect(update("Mimecast_Hashes", MD5_C "," SHA_B), 200,
           "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":[\"Duplicate "
           "request, no change in file hashes\"]}");
    a = call("POST", admin(), "/services/netskope/actions/launch", NULL);
    cr_assert_eq(a.status, 400);
    cJSON_Delete(a.json);
}

Test(netskope_https, refused_updates_leave_the_list_alone)
{
    char list[1024];

    expect(update("CTE_Hashes", SHA_B ",nothex"), 200,
           "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":[\"Invalid file hash "
           "in list: 'nothex'. Each value must be an MD5 (32 hexadecimal characters) or a SHA256 "
           "(64 hexadecimal characters)\"]}");
    expect(update("cte_hashes", SHA_B), 200,
           "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":[\"File hash list "
           "'cte_hashes' does not exist\"]}");
    expect(call("POST", ns_url, "/api/v1/updateFileHashList?token=wrong",
                "{\"name\": \"CTE_Hashes\", \"list\": \"" SHA_B "\"}"),
           403,
           "{\"status\":\"error\",\"errorCode\":\"Authorization Error\",\"errors\":[\"Invalid "
           "token\"]}");
    expect(call("POST", ns_url, "/api/v1/updateFileHashList", "{\"token\": \"V1TOK\", \"name\":"),
           400,
           "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":[\"Request body is "
           "not valid JSON: send a JSON object with token, name and list\"]}");
    cr_assert_str_eq(hashes_of("CTE_Hashes", list, sizeof(list)), SHA_A);
}

Test(netskope_https, body_over_the_kit_limit_is_413_in_the_v1_envelope)
{
    size_t n = 300 * 1024, i;
    char *body = malloc(n + 100), list[1024];
    int off = snprintf(body, 100, "{\"token\": \"V1TOK\", \"name\": \"CTE_Hashes\", \"list\": \"");
    struct answer a;

    for (i = 0; i < n; i++)
        body[off + (int)i] = (i + 1) % 65 ? 'd' : ',';
    memcpy(body + off + n, "\"}", 3);
    a = call("POST", ns_url, "/api/v1/updateFileHashList", body);
    expect(a, 413,
           "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":[\"Request body too "
           "large (a file hash list holds at most 8 MB)\"]}");
    cr_assert_str_eq(hashes_of("CTE_Hashes", list, sizeof(list)), SHA_A);
    free(body);
}

Test(netskope_https, v1_rate_limit_on_the_virtual_clock)
{
    char list[1024];
    struct answer a;
    int i;

    freeze();
    for (i = 0; i < 24; i++) {
        a = update("CTE_Hashes", i % 2 ? SHA_A : SHA_B);
        cr_assert_eq(a.status, 200, "request %d: %s", i + 1, a.body);
        cJSON_Delete(a.json);
    }
    a = update("CTE_Hashes", MD5_C);
    cr_assert_str_eq(a.retry_after, "5");
    expect(a, 429,
           "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":[\"API rate limit "
           "exceeded\"]}");
    cr_assert_str_eq(hashes_of("CTE_Hashes", list, sizeof(list)), SHA_A, "the 24th set A");
    advance("5s");
    expect(update("CTE_Hashes", MD5_C), 200,
           "{\"status\":\"success\",\"msg\":\"File Filter Profile updated successfully\"}");
}

Test(netskope_https, dataexport_pages_alerts_and_limits_rate)
{
    static const char *const auth[] = {"Netskope-Api-Token: V2TOK", NULL};
    const char *path = "/api/v2/events/dataexport/alerts/malware?index=ce&operation=";
    char p[256];
    struct answer a;

    freeze();
    snprintf(p, sizeof(p), "%s%s", path, "head");
    a = call_h("GET", ns_url, p, auth, NULL);
    cr_assert_eq(a.status, 200, "%s", a.body);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(a.json, "result")), 4,
                 "08:00, 08:20, 08:40, 09:00 are visible at 09:00");
    cr_assert_str_eq(a.remaining, "3");
    cJSON_Delete(a.json);
    snprintf(p, sizeof(p), "%s%s", path, "next");
    a = call_h("GET", ns_url, p, auth, NULL);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(a.json, "result")), 0);
    cJSON_Delete(a.json);
    a = call_h("GET", ns_url, p, auth, NULL);
    cJSON_Delete(a.json);
    a = call_h("GET", ns_url, p, auth, NULL);
    cr_assert_str_eq(a.remaining, "0");
    cJSON_Delete(a.json);
    a = call_h("GET", ns_url, p, auth, NULL);
    cr_assert_eq(a.status, 429);
    cr_assert_str_eq(a.retry_after, "1");
    cr_assert_str_eq(a.body, "{\"message\":\"API rate limit exceeded\"}");
    cJSON_Delete(a.json);
    advance("30m");
    a = call_h("GET", ns_url, p, auth, NULL);
    cr_assert_eq(a.status, 200);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(a.json, "result")), 1,
                 "09:20 arrived as the clock moved");
    cJSON_Delete(a.json);
    a = call("GET", ns_url, p, NULL);
    cr_assert_eq(a.status, 401);
    cJSON_Delete(a.json);
}

Test(netskope_https, journal_has_verdicts_and_no_token)
{
    struct answer a;
    const cJSON *e;
    int seen = 0;

    cJSON_Delete(call("POST", ns_url, "/api/v1/updateFileHashList?token=V1TOK&name=CTE_Hashes",
                      "{\"list\": \"" SHA_B "\"}")
                     .json);
    cJSON_Delete(update("Nope", SHA_B).json);
    a = call("GET", admin(), "/journal?service=netskope", NULL);
    cr_assert_eq(a.status, 200);
    cr_assert_null(strstr(a.body, "V1TOK"), "a token reached the journal: %s", a.body);
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(a.json, "entries"))
    {
        const char *v = cm_json_str(e, "verdict", "");
        if (strcmp(v, "ok") == 0) {
            cr_assert_str_eq(cm_json_str(e, "query", ""), "token=***&name=CTE_Hashes");
            seen |= 1;
        } else if (strcmp(v, "unknown_profile") == 0) {
            cr_assert_str_eq(cm_json_str(e, "detail", ""), "no File Profile 'Nope'");
            seen |= 2;
        }
    }
    cr_assert_eq(seen, 3);
    cJSON_Delete(a.json);
}

Test(netskope_https, invalid_state_is_refused_and_changes_nothing)
{
    char list[1024];
    struct answer a = call("PUT", admin(), "/state/netskope",
                           "{\"file_profiles\": {\"CTE_Hashes\": {\"hashes\": []}}}");

    cr_assert_eq(a.status, 400);
    cr_assert(strstr(a.body, "never empty") != NULL, "%s", a.body);
    cJSON_Delete(a.json);
    cr_assert_str_eq(hashes_of("CTE_Hashes", list, sizeof(list)), SHA_A);
    a = call("PATCH", admin(), "/state/netskope",
             "{\"file_profiles\": {\"CTE_Hashes\": {\"hashes\": [\"" SHA_B "\"]}}}");
    cr_assert_eq(a.status, 200, "%s", a.body);
    cJSON_Delete(a.json);
    cr_assert_str_eq(hashes_of("CTE_Hashes", list, sizeof(list)), SHA_B);
}
