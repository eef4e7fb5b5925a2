/*
 * test_mm_oauth.c: API 2.0 (mock/mimecast/oauth.c): /oauth/token with the
 * client in the form, in HTTP Basic or in JSON; every refusal in the 2.0
 * shape {"fail": [{"code", "message"}]}; the 30-minute delay for new
 * applications; Bearer tokens accepted on /api/ functions until 1799 s of
 * virtual time have passed; the application's role deciding permissions; and
 * rate limits per application.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "test_mm_util.h"

#define TOKEN "/oauth/token"
#define FORM  "Content-Type: application/x-www-form-urlencoded"

static struct mmfx fx;

static void setup(void)
{
    mmfx_load(&fx, MMFX_STATE);
}

static void teardown(void)
{
    mmfx_free(&fx);
}

TestSuite(mm_oauth, .init = setup, .fini = teardown);

static const char *const form_hdrs[] = {FORM, NULL};

/* Gets a token for the form body at now; copies it into tok. */
static void token(const char *body, int64_t now, char *tok, size_t size)
{
    struct mk_response r;
    cJSON *doc;

    cr_assert_eq(mmfx_call(&fx, "POST", TOKEN, form_hdrs, body, now, &r), 200, "%s",
                 cm_buf_str(&r.body));
    doc = mmfx_body(&r);
    cr_assert_str_eq(cm_json_str(doc, "token_type", ""), "Bearer");
    cr_assert_eq(cm_json_num(doc, "expires_in", 0), 1799);
    cr_assert_str_eq(cm_json_str(doc, "scope", "x"), "");
    cr_assert_eq(strlen(cm_json_str(doc, "access_token", "")), 48);
    cm_strlcpy(tok, cm_json_str(doc, "access_token", ""), size);
    cJSON_Delete(doc);
    mk_resp_release(&r);
}

static int bearer(const char *tok, const char *path, const char *body, int64_t now,
                  struct mk_response *r)
{
    char auth[128];
    const char *hdrs[3] = {auth, "Content-Type: application/json", NULL};

    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tok);
    return mmfx_call(&fx, "POST", path, hdrs, body, now, r);
}

Test(mm_oauth, client_credentials_in_the_form)
{
    struct mk_response r;
    char tok[64];
    cJSON *doc;

    token("grant_type=client_credentials&client_id=cid&client_secret=csecret", MMFX_NOW, tok,
          sizeof(tok));
    cr_assert_eq(bearer(tok, "/api/ttp/threat-intel/get-feed", "{\"data\": [{}]}", MMFX_NOW, &r),
                 200, "%s", cm_buf_str(&r.body));
    cr_assert_str_eq(fx.verdict, "ok");
    mk_resp_release(&r);
    cr_assert_eq(bearer(tok, "/api/account/get-account", "", MMFX_NOW, &r), 200);
    doc = mmfx_body(&r);
    cr_assert_str_eq(
        cm_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0), "accountCode", ""),
        "CUSA1");
    cJSON_Delete(doc);
    mk_resp_release(&r);
}

Test(mm_oauth, client_in_basic_header_or_json_and_form_escapes)
{
    static const char *const basic[] = {FORM, "Authorization: Basic Y2lkOmNzZWNyZXQ=", NULL};
    static const char *const json[] = {"Content-Type: application/json", NULL};
    struct mk_response r;

    cr_assert_eq(
        mmfx_call(&fx, "POST", TOKEN, basic, "grant_type=client_credentials", MMFX_NOW, &r), 200,
        "%s", cm_buf_str(&r.body));
    mk_resp_release(&r);
    cr_assert_eq(mmfx_call(&fx, "POST", TOKEN, json,
                           "{\"client_id\": \"cid\", \"client_secret\": \"csecret\", "
                           "\"grant_type\": \"client_credentials\"}",
                           MMFX_NOW, &r),
                 200, "%s", cm_buf_str(&r.body));
    mk_resp_release(&r);
    cr_assert_eq(mmfx_call(&fx, "POST", TOKEN, form_hdrs,
                           "client_id=c%69d&client_secret=csecre%74&grant_type=client_credentials",
                           MMFX_NOW, &r),
                 200, "percent-escapes are decoded: %s", cm_buf_str(&r.body));
    mk_resp_release(&r);
}

Test(mm_oauth, token_refusals)
{
    struct mk_response r;

    mmfx_call(&fx, "POST", TOKEN, form_hdrs, "client_id=cid&client_secret=csecret", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "invalid_request", "grant_type is required", "invalid_request");
    mmfx_call(&fx, "POST", TOKEN, form_hdrs, "grant_type=password&client_id=cid", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "unsupported_grant_type",
                 "grant_type 'password' is not supported: use client_credentials",
                 "unsupported_grant_type");
    mmfx_call(&fx, "POST", TOKEN, form_hdrs, "grant_type=client_credentials&client_id=cid",
              MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "invalid_request", "client_id and client_secret are required",
                 "invalid_request");
    mmfx_call(&fx, "POST", TOKEN, form_hdrs,
              "grant_type=client_credentials&client_id=cid&client_secret=wrong", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "invalid_client", "unknown client_id or wrong client_secret",
                 "invalid_client");
    mmfx_call(&fx, "POST", TOKEN, form_hdrs,
              "grant_type=client_credentials&client_id=ghost&client_secret=x", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "invalid_client", "unknown client_id", "invalid_client");
    mmfx_call(&fx, "POST", TOKEN, form_hdrs,
              "grant_type=client_credentials&client_id=fresh&client_secret=fs",
              MMFX_NOW + 5 * MMFX_MINUTE, &r);
    mmfx_refused(&fx, &r, 401, "client_not_yet_available",
                 "The client credentials of application 'Fresh' are not active yet: an API "
                 "application can be used 30 minutes after it is created; available at 09:30 UTC "
                 "on 2026-03-02",
                 "keys_not_yet_available");
    {
        char tok[64];
        token("grant_type=client_credentials&client_id=fresh&client_secret=fs",
              MMFX_NOW + 30 * MMFX_MINUTE, tok, sizeof(tok));
    }
}

Test(mm_oauth, disabled_application_and_its_tokens)
{
    struct mk_response r;
    struct cm_err err = {{0}};
    char tok[64];
    cJSON *out;

    token("grant_type=client_credentials&client_id=cid&client_secret=csecret", MMFX_NOW, tok,
          sizeof(tok));
    out = mmfx_action(&fx, "update-app", "{\"id\": \"cid\", \"enabled\": false}", MMFX_NOW, &err);
    cr_assert_not_null(out, "%s", err.msg);
    cJSON_Delete(out);
    mmfx_call(&fx, "POST", TOKEN, form_hdrs,
              "grant_type=client_credentials&client_id=cid&client_secret=csecret", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "invalid_client", "application 'CTE' is disabled", "invalid_client");
    bearer(tok, "/api/account/get-account", "", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "invalid_token", "disabled or deleted", "invalid_token");
}

Test(mm_oauth, tokens_expire_after_1799_seconds)
{
    struct mk_response r;
    char tok[64];
    cJSON *doc;

    token("grant_type=client_credentials&client_id=cid&client_secret=csecret", MMFX_NOW, tok,
          sizeof(tok));
    cr_assert_eq(bearer(tok, "/api/account/get-account", "", MMFX_NOW + 1798999, &r), 200);
    mk_resp_release(&r);
    bearer(tok, "/api/account/get-account", "", MMFX_NOW + 1799000, &r);
    doc = mmfx_body(&r);
    cr_assert_null(cJSON_GetObjectItem(doc, "meta"), "the 2.0 gateway shape has no meta");
    cJSON_Delete(doc);
    mmfx_refused(&fx, &r, 401, "token_expired",
                 "Unauthorized: the access token expired at 2026-03-02T09:29:59Z; request a new "
                 "one from /oauth/token",
                 "token_expired");
}

Test(mm_oauth, unknown_tokens)
{
    struct mk_response r;

    bearer("not-a-token", "/api/account/get-account", "", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "invalid_token",
                 "Unauthorized: the access token is not valid; request one from /oauth/token",
                 "invalid_token");
    bearer("", "/api/account/get-account", "", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "invalid_token", "not valid", "invalid_token");
}

Test(mm_oauth, the_application_role_decides)
{
    struct mk_response r;
    char tok[64];

    token("grant_type=client_credentials&client_id=cid2&client_secret=cs2", MMFX_NOW, tok,
          sizeof(tok));
    cr_assert_eq(bearer(tok, "/api/ttp/url/get-logs", "{}", MMFX_NOW, &r), 200);
    mk_resp_release(&r);
    bearer(tok, "/api/ttp/threat-intel/get-feed", "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 403, "err_xdk_forbidden",
                 "the role 'Sophos' of Sophos2 lacks the permission 'Services | Gateway | "
                 "Tracking | Read'",
                 "missing_permission");
}

Test(mm_oauth, region_ip_and_rate_limits_apply)
{
    struct mk_response r;
    char tok[64];
    int i;

    token("grant_type=client_credentials&client_id=cid&client_secret=csecret", MMFX_NOW, tok,
          sizeof(tok));
    mmfx_patch(&fx, "{\"settings\": {\"rate_limit\": {\"limit\": 2, \"interval\": \"10s\"}}}");
    /* a patch reloads the state; tokens are state, so the token survives */
    for (i = 0; i < 2; i++) {
        cr_assert_eq(bearer(tok, "/api/account/get-account", "", MMFX_NOW, &r), 200, "%s",
                     cm_buf_str(&r.body));
        mk_resp_release(&r);
    }
    bearer(tok, "/api/account/get-account", "", MMFX_NOW, &r);
    cr_assert_str_eq(mmfx_header(&r, "X-Rate-Limit-Reset"), "5000");
    cr_assert_str_eq(mmfx_header(&r, "X-RateLimit-Reset"), "5000");
    mmfx_refused(&fx, &r, 429, "err_xdk_quota_exceeded", "Quota Exceeded: CTE may make 2",
                 "rate_limited");

    fx.peer = "198.51.100.1";
    mmfx_patch(&fx, "{\"settings\": {\"rate_limit\": {\"limit\": 0}}}");
    {
        struct cm_err err = {{0}};
        cJSON *out =
            mmfx_action(&fx, "set-admin-ip-ranges",
                        "{\"account\": \"CUSA1\", \"ranges\": [\"10.0.0.0/8\"]}", MMFX_NOW, &err);
        cr_assert_not_null(out, "%s", err.msg);
        cJSON_Delete(out);
    }
    mmfx_call(&fx, "POST", TOKEN, form_hdrs,
              "grant_type=client_credentials&client_id=cid&client_secret=csecret", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 403, "err_xdk_ip_address_not_permitted", "198.51.100.1",
                 "ip_not_allowed");
    bearer(tok, "/api/account/get-account", "", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 403, "err_xdk_ip_address_not_permitted", "198.51.100.1",
                 "ip_not_allowed");

    mmfx_free(&fx);
    mmfx_load_grid(&fx, MMFX_STATE, "eu");
    mmfx_call(&fx, "POST", TOKEN, form_hdrs,
              "grant_type=client_credentials&client_id=cid&client_secret=csecret", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_audit_log_incorrect_region", "hosted on the us grid",
                 "wrong_region");
}

Test(mm_oauth, old_tokens_are_pruned)
{
    char tok[64];
    int i;
    cJSON *tokens;

    for (i = 0; i < 60; i++)
        token("grant_type=client_credentials&client_id=cid&client_secret=csecret",
              MMFX_NOW + i * 1000, tok, sizeof(tok));
    tokens = cJSON_GetObjectItem(mm_find_account(fx.st, "CUSA1")->doc, "tokens");
    cr_assert_eq(cJSON_GetArraySize(tokens), 50, "at most 50 tokens per application");
    token("grant_type=client_credentials&client_id=cid&client_secret=csecret",
          MMFX_NOW + 3 * 86400000LL, tok, sizeof(tok));
    cr_assert_eq(cJSON_GetArraySize(tokens), 1, "tokens expired for a day are dropped");
}

Test(mm_oauth, malformed_requests)
{
    static const char *const json[] = {"Content-Type: application/json", NULL};
    static const char *const bad_b64[] = {FORM, "Authorization: Basic %%%", NULL};
    static const char *const no_colon[] = {FORM, "Authorization: Basic Y2lk", NULL};
    struct mk_response r;

    mmfx_call(&fx, "POST", TOKEN, json, "{not json", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "invalid_request", "grant_type is required", "invalid_request");
    mmfx_call(&fx, "POST", TOKEN, bad_b64, "grant_type=client_credentials", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "invalid_request", "client_id and client_secret are required",
                 "invalid_request");
    mmfx_call(&fx, "POST", TOKEN, no_colon, "grant_type=client_credentials", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "invalid_request", "client_id and client_secret are required",
                 "invalid_request");
    mmfx_call(&fx, "POST", TOKEN, form_hdrs, "grant_type&client_id=cid&client_secret=csecret",
              MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "invalid_request", "grant_type is required", "invalid_request");
}

Test(mm_oauth, logout_is_for_api1_bindings)
{
    struct mk_response r;
    char tok[64];

    token("grant_type=client_credentials&client_id=cid&client_secret=csecret", MMFX_NOW, tok,
          sizeof(tok));
    bearer(tok, "/api/login/logout", "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value",
                 "logout ends an API 1.0 binding; API 2.0 tokens simply expire", "invalid_value");
}
