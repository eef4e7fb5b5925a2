/*
 * test_mimecast_api.c: the Mimecast mock in-process (mimecast and
 * mimecast-eu on ephemeral ports, plain HTTP) called over real sockets with
 * libcurl. The test signs its requests itself with OpenSSL's HMAC, apart from
 * the mock's code, and moves time only through the admin API's clock: the
 * 30-minute key delay, binding and token expiry, rate-limit windows. Also:
 * the admin IP ranges judged on the real peer address (the client binds to
 * 127.0.0.2), the wrong grid, paging a generated log with tokens alone over
 * the wire, Python-repr bodies, console actions and journal verdicts.
 */
#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/http.h"
#include "common/json.h"
#include "common/mem.h"
#include "mock/kit/runtime.h"

#define APP    "ca16c415-658f-4c87-8fb6-e3e6957771dc"
#define APPKEY "5d3c7d4e-2a4b-4c8e-9f1a-0b6e2c9d8f71"
#define USER   "sophos@example.com"
#define PASS   "Sophos-Passw0rd!"
#define T0     "2026-03-02T09:10:00Z"

static struct mk_runtime *rt;
static char mm_url[128], eu_url[128];
static int64_t now_ms; /* the frozen virtual time, kept in step with the admin clock */

static cJSON *fixture(const char *name)
{
    struct cm_err err = {{0}};
    char path[512];
    cJSON *doc;

    snprintf(path, sizeof(path), "%s/scenarios/fixtures/mimecast/%s", SECMOCK_SOURCE_DIR, name);
    doc = cm_json_load_file(path, &err);
    cr_assert_not_null(doc, "%s", err.msg);
    return doc;
}

struct answer {
    long status;
    cJSON *doc;
    char *text;
    struct cm_buf headers;
};

static void answer_free(struct answer *a)
{
    cJSON_Delete(a->doc);
    free(a->text);
    cm_buf_release(&a->headers);
}

/* One call; headers NULL-terminated; source binds the client to an address (or NULL). */
static long call(const char *method, const char *base, const char *path, const char *const *headers,
                 const char *body, const char *source, struct answer *out)
{
    struct cm_http_request req = {0};
    struct cm_http_response resp;
    char url[512];

    snprintf(url, sizeof(url), "%s%s", base, path);
    req.method = method;
    req.url = url;
    req.headers = headers;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    req.source_addr = source;
    req.timeout_ms = 10000;
    cm_http_response_init(&resp);
    cr_assert_eq(cm_http_perform(&req, &resp), 0, "%s %s: %s", method, url, resp.error);
    memset(out, 0, sizeof(*out));
    out->status = resp.status;
    out->text = cm_strdup(cm_buf_str(&resp.body));
    out->doc = cm_json_parse(out->text, strlen(out->text), "answer", NULL);
    out->headers = resp.headers;
    cm_buf_init(&resp.headers, 0);
    cm_http_response_release(&resp);
    return out->status;
}

static cJSON *admin(const char *method, const char *path, const char *body)
{
    struct answer a;
    cJSON *doc;

    call(method, mk_runtime_admin_url(rt), path, NULL, body, NULL, &a);
    cr_assert_eq(a.status, 200, "admin %s %s: %s", method, path, a.text);
    doc = a.doc;
    a.doc = NULL;
    answer_free(&a);
    return doc;
}

static void advance(const char *dur, int64_t ms)
{
    char body[64];

    snprintf(body, sizeof(body), "{\"advance\": \"%s\"}", dur);
    cJSON_Delete(admin("POST", "/clock", body));
    now_ms += ms;
}

static cJSON *action(const char *name, const char *args)
{
    char path[128];

    snprintf(path, sizeof(path), "/services/mimecast/actions/%s", name);
    return admin("POST", path, args);
}

static const char *header_of(struct answer *a, const char *name, char *out, size_t size)
{
    const char *p = cm_buf_str(&a->headers);
    size_t n = strlen(name);

    for (; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            size_t len = strcspn(p + n + 1, "\r\n");
            const char *v = p + n + 1;
            while (*v == ' ' && len) {
                v++;
                len--;
            }
            snprintf(out, size, "%.*s", (int)len, v);
            return out;
        }
    }
    return NULL;
}

static const char *first_error(struct answer *a, const char *what)
{
    const cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItem(a->doc, "fail"), 0);
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(f, "errors"), 0);

    return cm_json_str(e ? e : f, what, "");
}

/* ---- signing, written here apart from the mock ---- */

static void mc_date(int64_t ms, char *out, size_t size)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, size, "%a, %d %b %Y %H:%M:%S UTC", &tm);
}

static void hmac_sign(const char *data, const char *secret_b64, char *out, size_t size)
{
    unsigned char key[128], mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    size_t blen = strlen(secret_b64);
    int klen = EVP_DecodeBlock(key, (const unsigned char *)secret_b64, (int)blen);

    cr_assert_gt(klen, 0);
    klen -= (blen > 0 && secret_b64[blen - 1] == '=') + (blen > 1 && secret_b64[blen - 2] == '=');
    HMAC(EVP_sha1(), key, klen, (const unsigned char *)data, strlen(data), mac, &maclen);
    cr_assert_lt(4 * ((maclen + 2) / 3), size);
    EVP_EncodeBlock((unsigned char *)out, mac, (int)maclen);
}

struct signed_hdrs {
    char date[80], id[80], app[96], auth[400];
    const char *h[6];
};

static const char *const *sign(struct signed_hdrs *s, const char *ak, const char *sk,
                               const char *path)
{
    static unsigned serial;
    char date[48], id[48], data[512], sig[64];

    mc_date(now_ms, date, sizeof(date));
    snprintf(id, sizeof(id), "00000000-0000-4000-8000-%012u", ++serial);
    snprintf(data, sizeof(data), "%s:%s:%s:%s", date, id, path, APPKEY);
    hmac_sign(data, sk, sig, sizeof(sig));
    snprintf(s->date, sizeof(s->date), "x-mc-date: %s", date);
    snprintf(s->id, sizeof(s->id), "x-mc-req-id: %s", id);
    snprintf(s->app, sizeof(s->app), "x-mc-app-id: %s", APP);
    snprintf(s->auth, sizeof(s->auth), "Authorization: MC %s:%s", ak, sig);
    s->h[0] = s->date;
    s->h[1] = s->id;
    s->h[2] = s->app;
    s->h[3] = s->auth;
    s->h[4] = "Content-Type: application/json";
    s->h[5] = NULL;
    return s->h;
}

/* Logs in as USER; copies the keys; returns the status. */
static long login(char *ak, size_t asz, char *sk, size_t ssz, struct answer *a)
{
    static const char *const hdrs[] = {
        "x-mc-app-id: " APP,
        "Authorization: Basic-Cloud c29waG9zQGV4YW1wbGUuY29tOlNvcGhvcy1QYXNzdzByZCE=", NULL};
    const cJSON *d;

    call("POST", mm_url, "/api/login/login", hdrs, "{'data': [{'userName': '" USER "'}]}", NULL, a);
    d = cJSON_GetArrayItem(cJSON_GetObjectItem(a->doc, "data"), 0);
    if (ak) {
        cm_strlcpy(ak, cm_json_str(d, "accessKey", ""), asz);
        cm_strlcpy(sk, cm_json_str(d, "secretKey", ""), ssz);
    }
    return a->status;
}

/* A POST without headers. */
static long call_raw(const char *base, const char *path, const char *body, struct answer *a)
{
    return call("POST", base, path, NULL, body, NULL, a);
}

static int journal_count(const char *query)
{
    char path[256];
    cJSON *doc;
    int n;

    snprintf(path, sizeof(path), "/journal?service=mimecast&%s", query);
    doc = admin("GET", path, NULL);
    n = (int)cm_json_num(doc, "total", -1);
    cJSON_Delete(doc);
    return n;
}

static void setup(void)
{
    struct mk_runtime_config cfg = {0};
    struct cm_err err = {{0}};
    cJSON *state = cJSON_CreateObject();

    cm_http_global_init();
    rt = mk_runtime_new(&cfg);
    cr_assert_eq(mk_runtime_add(rt, "mimecast", 0, 0, &err), 0, "%s", err.msg);
    cr_assert_eq(mk_runtime_add(rt, "mimecast-eu", 0, 0, &err), 0, "%s", err.msg);
    cJSON_AddItemToObject(state, "mimecast", fixture("one-account.json"));
    cJSON_AddItemToObject(state, "mimecast-eu", fixture("two-grids.json"));
    cr_assert_eq(mk_runtime_load(rt, state, &err), 0, "%s", err.msg);
    cJSON_Delete(state);
    cr_assert_eq(mk_runtime_start(rt, &err), 0, "%s", err.msg);
    cm_strlcpy(mm_url, mk_runtime_find(rt, "mimecast")->url, sizeof(mm_url));
    cm_strlcpy(eu_url, mk_runtime_find(rt, "mimecast-eu")->url, sizeof(eu_url));
    cJSON_Delete(admin("POST", "/clock", "{\"set\": \"" T0 "\", \"freeze\": true}"));
    now_ms = 1772442600000LL; /* T0 */
}

static void teardown(void)
{
    mk_runtime_free(rt);
    rt = NULL;
}

TestSuite(mimecast_api, .init = setup, .fini = teardown);

Test(mimecast_api, keys_come_thirty_minutes_after_the_application)
{
    struct answer a;
    struct signed_hdrs s;
    char ak[200], sk[100];

    /* the fixture's application was created at 09:00; it is 09:10 */
    cr_assert_eq(login(NULL, 0, NULL, 0, &a), 409, "%s", a.text);
    cr_assert_str_eq(first_error(&a, "code"), "err_xdk_keys_not_yet_available");
    cr_assert(strstr(first_error(&a, "message"), "available at 09:30 UTC") != NULL, "%s", a.text);
    answer_free(&a);
    cr_assert_eq(journal_count("path=/api/login/login&verdict=keys_not_yet_available"), 1);
    advance("20m", 20 * 60000);
    cr_assert_eq(login(ak, sizeof(ak), sk, sizeof(sk), &a), 200, "%s", a.text);
    cr_assert_eq(strlen(ak), 150);
    cr_assert_eq(strlen(sk), 88);
    answer_free(&a);

    cr_assert_eq(
        call("POST", mm_url, "/api/ttp/url/get-logs", sign(&s, ak, sk, "/api/ttp/url/get-logs"),
             "{'data': [{'oldestFirst': True, 'from': '2026-03-02T00:00:00+0000'}]}", NULL, &a),
        200, "%s", a.text);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(
                     cJSON_GetArrayItem(cJSON_GetObjectItem(a.doc, "data"), 0), "clickLogs")),
                 2);
    answer_free(&a);
    /* a wrong signature is journalled with its verdict */
    sign(&s, ak, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "/api/ttp/url/get-logs");
    cr_assert_eq(call("POST", mm_url, "/api/ttp/url/get-logs", s.h, "{}", NULL, &a), 401);
    cr_assert_str_eq(first_error(&a, "message"), "0004 Invalid Signature");
    answer_free(&a);
    cr_assert_eq(journal_count("verdict=invalid_signature&status=401"), 1);
    cr_assert_eq(journal_count("path=/api/ttp/url/get-logs&verdict=ok"), 1);
}

Test(mimecast_api, binding_expires_with_the_profile_ttl)
{
    struct answer a;
    struct signed_hdrs s;
    char ak[200], sk[100];

    advance("30m", 30 * 60000);
    cJSON_Delete(action("set-auth-profile", "{\"name\": \"API Never Expire\", \"cache_ttl\": "
                                            "\"1h\"}"));
    cr_assert_eq(login(ak, sizeof(ak), sk, sizeof(sk), &a), 200, "%s", a.text);
    answer_free(&a);
    advance("59m", 59 * 60000);
    cr_assert_eq(call("POST", mm_url, "/api/account/get-account",
                      sign(&s, ak, sk, "/api/account/get-account"), "", NULL, &a),
                 200, "%s", a.text);
    answer_free(&a);
    advance("1m", 60000);
    cr_assert_eq(call("POST", mm_url, "/api/account/get-account",
                      sign(&s, ak, sk, "/api/account/get-account"), "", NULL, &a),
                 418, "%s", a.text);
    cr_assert_str_eq(first_error(&a, "code"), "err_xdk_binding_expired");
    cr_assert_eq(cm_json_num(cJSON_GetObjectItem(a.doc, "meta"), "status", 0), 418);
    answer_free(&a);
    cr_assert_eq(journal_count("verdict=binding_expired&status=418"), 1);
}

Test(mimecast_api, admin_ip_ranges_judge_the_real_peer)
{
    struct answer a;
    struct signed_hdrs s;
    char ak[200], sk[100];

    advance("30m", 30 * 60000);
    cr_assert_eq(login(ak, sizeof(ak), sk, sizeof(sk), &a), 200);
    answer_free(&a);
    cJSON_Delete(action("set-admin-ip-ranges", "{\"ranges\": [\"127.0.0.2/32\"]}"));
    cr_assert_eq(call("POST", mm_url, "/api/account/get-account",
                      sign(&s, ak, sk, "/api/account/get-account"), "", "127.0.0.1", &a),
                 403, "%s", a.text);
    cr_assert(strstr(first_error(&a, "message"), "Access denied for IP address 127.0.0.1") != NULL);
    answer_free(&a);
    cr_assert_eq(call("POST", mm_url, "/api/account/get-account",
                      sign(&s, ak, sk, "/api/account/get-account"), "", "127.0.0.2", &a),
                 200, "%s", a.text);
    answer_free(&a);
    cr_assert_eq(journal_count("verdict=ip_not_allowed"), 1);
}

Test(mimecast_api, the_wrong_grid_is_refused)
{
    static const char *const hdrs[] = {
        "x-mc-app-id: " APP,
        "Authorization: Basic-Cloud c29waG9zQGV4YW1wbGUuY29tOlNvcGhvcy1QYXNzdzByZCE=", NULL};
    struct answer a;

    cr_assert_eq(call("POST", eu_url, "/api/login/login", hdrs, "{}", NULL, &a), 401, "%s", a.text);
    cr_assert_str_eq(first_error(&a, "code"), "err_audit_log_incorrect_region");
    cr_assert(strstr(first_error(&a, "message"), "https://us-api.mimecast.com") != NULL);
    answer_free(&a);
}

Test(mimecast_api, rate_limit_on_the_virtual_clock)
{
    struct answer a;
    struct signed_hdrs s;
    char ak[200], sk[100], v[32];
    int i;

    advance("30m", 30 * 60000);
    cr_assert_eq(login(ak, sizeof(ak), sk, sizeof(sk), &a), 200);
    answer_free(&a);
    cJSON_Delete(admin("PATCH", "/state/mimecast",
                       "{\"settings\": {\"rate_limit\": {\"limit\": 2, \"interval\": \"1m\"}}}"));
    for (i = 0; i < 2; i++) {
        cr_assert_eq(call("POST", mm_url, "/api/account/get-account",
                          sign(&s, ak, sk, "/api/account/get-account"), "", NULL, &a),
                     200);
        answer_free(&a);
    }
    cr_assert_eq(call("POST", mm_url, "/api/account/get-account",
                      sign(&s, ak, sk, "/api/account/get-account"), "", NULL, &a),
                 429);
    cr_assert_str_eq(header_of(&a, "X-RateLimit-Limit", v, sizeof(v)), "2");
    cr_assert_str_eq(header_of(&a, "X-RateLimit-Remaining", v, sizeof(v)), "0");
    cr_assert_str_eq(header_of(&a, "X-RateLimit-Reset", v, sizeof(v)), "30000");
    cr_assert_str_eq(header_of(&a, "X-Rate-Limit-Reset", v, sizeof(v)), "30000");
    cr_assert(cm_json_bool(
        cJSON_GetArrayItem(cJSON_GetObjectItem(
                               cJSON_GetArrayItem(cJSON_GetObjectItem(a.doc, "fail"), 0), "errors"),
                           0),
        "retryable", 0));
    answer_free(&a);
    advance("30s", 30000);
    cr_assert_eq(call("POST", mm_url, "/api/account/get-account",
                      sign(&s, ak, sk, "/api/account/get-account"), "", NULL, &a),
                 200, "one request came back after X-RateLimit-Reset");
    answer_free(&a);
    cr_assert_eq(journal_count("verdict=rate_limited&status=429"), 1);
}

Test(mimecast_api, oauth_tokens_on_the_virtual_clock)
{
    static const char *const form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    struct answer a;
    char body[300], auth[128];
    const char *hdrs[2] = {auth, NULL};
    cJSON *app = action("create-app", "{\"api\": \"2.0\", \"name\": \"XDR\", \"role\": \"Sophos "
                                      "Integration\"}");

    snprintf(body, sizeof(body), "grant_type=client_credentials&client_id=%s&client_secret=%s",
             cm_json_str(app, "client_id", ""), cm_json_str(app, "client_secret", ""));
    cJSON_Delete(app);
    cr_assert_eq(call("POST", mm_url, "/oauth/token", form, body, NULL, &a), 401, "%s", a.text);
    cr_assert_str_eq(first_error(&a, "code"), "client_not_yet_available");
    cr_assert(strstr(first_error(&a, "message"), "available at 09:40 UTC") != NULL, "%s", a.text);
    answer_free(&a);
    advance("30m", 30 * 60000);
    cr_assert_eq(call("POST", mm_url, "/oauth/token", form, body, NULL, &a), 200, "%s", a.text);
    cr_assert_eq(cm_json_num(a.doc, "expires_in", 0), 1799);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
             cm_json_str(a.doc, "access_token", ""));
    answer_free(&a);
    cr_assert_eq(call("POST", mm_url, "/api/ttp/url/get-logs", hdrs, "{}", NULL, &a), 200, "%s",
                 a.text);
    answer_free(&a);
    advance("1799s", 1799000);
    cr_assert_eq(call("POST", mm_url, "/api/ttp/url/get-logs", hdrs, "{}", NULL, &a), 401);
    cr_assert_str_eq(first_error(&a, "code"), "token_expired");
    cr_assert_null(cJSON_GetObjectItem(a.doc, "meta"), "the 2.0 error shape");
    answer_free(&a);
}

Test(mimecast_api, a_generated_log_pages_with_tokens_alone)
{
    struct answer a;
    struct signed_hdrs s;
    const char *ak = "mK2v_generated-logs-fixture-access-key";
    const char *sk = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4"
                     "OTo7PD0+Pw==";
    char *body, *next = NULL;
    int total = 0, pages = 0;
    cJSON *st = fixture("generated-logs.json");
    char *text = cm_json_print(st);

    cJSON_Delete(admin("PUT", "/state/mimecast", text));
    free(text);
    cJSON_Delete(st);
    body = cm_strdup("{\"meta\": {\"pagination\": {\"pageSize\": 500, \"pageToken\": \"\"}}, "
                     "\"data\": [{\"oldestFirst\": true, \"from\": \"2026-02-10T00:00:00Z\", "
                     "\"to\": \"2026-02-10T01:00:00Z\"}]}");
    for (;;) {
        const cJSON *pag;
        cr_assert_eq(call("POST", mm_url, "/api/ttp/url/get-logs",
                          sign(&s, ak, sk, "/api/ttp/url/get-logs"), body, NULL, &a),
                     200, "%s", a.text);
        free(body);
        total += cJSON_GetArraySize(cJSON_GetObjectItem(
            cJSON_GetArrayItem(cJSON_GetObjectItem(a.doc, "data"), 0), "clickLogs"));
        pages++;
        pag = cJSON_GetObjectItem(cJSON_GetObjectItem(a.doc, "meta"), "pagination");
        free(next);
        next = cm_json_str(pag, "next", NULL) ? cm_strdup(cm_json_str(pag, "next", NULL)) : NULL;
        answer_free(&a);
        if (next == NULL)
            break;
        body = cm_asprintf("{\"meta\": {\"pagination\": {\"pageToken\": \"%s\"}}}", next);
    }
    cr_assert_eq(total, 1801, "one record every 2 s from 00:00:00 to 01:00:00 inclusive");
    cr_assert_eq(pages, 4);
}

Test(mimecast_api, actions_over_the_admin_api)
{
    struct answer a;
    cJSON *out;

    call_raw(mk_runtime_admin_url(rt), "/services/mimecast/actions/create-user",
             "{\"email\": \"sophos@example.com\"}", &a);
    cr_assert_eq(a.status, 400, "%s", a.text);
    cr_assert(strstr(cm_json_str(cJSON_GetObjectItem(a.doc, "error"), "message", ""),
                     "a user 'sophos@example.com' exists") != NULL,
              "%s", a.text);
    answer_free(&a);
    out = action("disable-user", "{\"email\": \"sophos@example.com\"}");
    cr_assert(cm_json_bool(out, "disabled", 0));
    cJSON_Delete(out);
    advance("30m", 30 * 60000);
    cr_assert_eq(login(NULL, 0, NULL, 0, &a), 401);
    cr_assert_str_eq(first_error(&a, "code"), "err_xdk_user_disabled");
    answer_free(&a);
}

Test(mimecast_api, unsigned_calls_and_unknown_paths)
{
    struct answer a;

    cr_assert_eq(call_raw(mm_url, "/api/ttp/url/get-logs", "{}", &a), 400);
    cr_assert_str_eq(first_error(&a, "code"), "err_xdk_credentials_missing");
    answer_free(&a);
    cr_assert_eq(call("GET", mm_url, "/api/ttp/url/get-logs", NULL, NULL, NULL, &a), 405);
    cr_assert(strstr(first_error(&a, "message"), "use POST") != NULL);
    answer_free(&a);
    cr_assert_eq(call_raw(mm_url, "/api/no/such", "{}", &a), 404);
    answer_free(&a);
    cr_assert_eq(journal_count("verdict=missing_header"), 1);
}
