/*
 * test_mm_keys.c: API 1.0 keys (mock/mimecast/keys.c): discover-authentication,
 * login with Basic-Cloud and Basic-AD, the 30-minute delay after an
 * application is created, binding lifetimes from the authentication profile,
 * binding refresh, logout, and every refusal of the login path; and what a
 * configuration check reads without changing anything: get-account's
 * Enhanced Logging and the caller's binding, discover's keysAvailableAt.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <string.h>

#include "test_mm_util.h"

#define LOGIN "/api/login/login"

static struct mmfx fx;

static void setup(void)
{
    mmfx_load(&fx, MMFX_STATE);
}

static void teardown(void)
{
    mmfx_free(&fx);
}

TestSuite(mm_keys, .init = setup, .fini = teardown);

/* Login headers: "<scheme> base64(user:pass)" for app. */
struct login_hdrs {
    char app[96], auth[600];
    const char *h[3];
};

static const char *const *login_as(struct login_hdrs *l, const char *app, const char *scheme,
                                   const char *user, const char *pass)
{
    char raw[400], b64[560];

    snprintf(raw, sizeof(raw), "%s:%s", user, pass);
    mm_b64_encode((const unsigned char *)raw, strlen(raw), b64, sizeof(b64));
    snprintf(l->app, sizeof(l->app), "x-mc-app-id: %s", app);
    snprintf(l->auth, sizeof(l->auth), "Authorization: %s %s", scheme, b64);
    l->h[0] = l->app;
    l->h[1] = l->auth;
    l->h[2] = NULL;
    return l->h;
}

static int login(const char *app, const char *scheme, const char *user, const char *pass,
                 const char *body, int64_t now, struct mk_response *r)
{
    struct login_hdrs l;

    return mmfx_call(&fx, "POST", LOGIN, login_as(&l, app, scheme, user, pass), body, now, r);
}

/* The keys of a successful login answer; strings copied into ak/sk. */
static void keys_of(struct mk_response *r, char *ak, size_t asz, char *sk, size_t ssz,
                    double *duration)
{
    cJSON *doc = mmfx_body(r), *d = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0);

    cr_assert_eq(r->status, 200, "%s", cm_buf_str(&r->body));
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "fail")), 0);
    cr_assert_eq(cm_json_num(cJSON_GetObjectItem(doc, "meta"), "status", 0), 200);
    cm_strlcpy(ak, cm_json_str(d, "accessKey", ""), asz);
    cm_strlcpy(sk, cm_json_str(d, "secretKey", ""), ssz);
    if (duration)
        *duration = cm_json_num(d, "duration", -1);
    cJSON_Delete(doc);
    mk_resp_release(r);
}

Test(mm_keys, login_gives_vendor_shaped_keys_that_sign)
{
    struct mk_response r;
    struct mmfx_hdrs h;
    char ak[200], sk[100];
    unsigned char raw[80];
    double duration;
    size_t i;

    login(MMFX_APP, "Basic-Cloud", "svc@example.com", MMFX_PASS,
          "{'data': [{'userName': 'svc@example.com'}]}", MMFX_NOW, &r);
    cr_assert_str_eq(fx.verdict, "ok");
    keys_of(&r, ak, sizeof(ak), sk, sizeof(sk), &duration);
    cr_assert_eq(strlen(ak), 150);
    for (i = 0; ak[i]; i++)
        cr_assert(isalnum((unsigned char)ak[i]) || ak[i] == '-' || ak[i] == '_');
    cr_assert_eq(strlen(sk), 88);
    cr_assert_eq(mm_b64_decode(sk, raw, sizeof(raw)), 64);
    cr_assert_eq(duration, 315360000000.0, "never expires: ten years");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(mmfx_binding(&fx, ak), "expires")));
    cr_assert_str_eq(cm_json_str(mmfx_binding(&fx, ak), "issued", ""), "2026-03-02T09:00:00Z");
    cr_assert_eq(
        mmfx_call(&fx, "POST", "/api/ttp/url/get-logs",
                  mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, ak, sk, "/api/ttp/url/get-logs", MMFX_NOW),
                  "{}", MMFX_NOW, &r),
        200, "%s", cm_buf_str(&r.body));
    mk_resp_release(&r);
}

Test(mm_keys, domain_passwords_with_basic_ad)
{
    struct mk_response r;
    char ak[200], sk[100];

    login(MMFX_APP, "Basic-AD", "ad@example.com", "Ad-Pass1", "{}", MMFX_NOW, &r);
    keys_of(&r, ak, sizeof(ak), sk, sizeof(sk), NULL);
    login(MMFX_APP, "Basic-Cloud", "ad@example.com", "Ad-Pass1", "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_authentication_type_not_supported",
                 "0001 Authentication type not supported for the user: ad@example.com has no "
                 "cloud password; use Basic-AD",
                 "auth_type_not_supported");
    login(MMFX_APP, "Basic-AD", "svc@example.com", MMFX_PASS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_authentication_type_not_supported",
                 "has no domain (AD) password; use Basic-Cloud", "auth_type_not_supported");
}

Test(mm_keys, keys_wait_thirty_minutes_after_the_application)
{
    struct mk_response r;
    char ak[200], sk[100];

    login(MMFX_NEWAPP, "Basic-Cloud", "svc@example.com", MMFX_PASS, "{}",
          MMFX_NOW + 10 * MMFX_MINUTE, &r);
    mmfx_refused(&fx, &r, 409, "err_xdk_keys_not_yet_available",
                 "Access and secret keys are not yet available for application 'New': keys can "
                 "be created 30m after the application; available at 09:30 UTC on 2026-03-02",
                 "keys_not_yet_available");
    login(MMFX_NEWAPP, "Basic-Cloud", "svc@example.com", MMFX_PASS, "{}",
          MMFX_NOW + 30 * MMFX_MINUTE - 1, &r);
    mmfx_refused(&fx, &r, 409, "err_xdk_keys_not_yet_available", "available at 09:30",
                 "keys_not_yet_available");
    login(MMFX_NEWAPP, "Basic-Cloud", "svc@example.com", MMFX_PASS, "{}",
          MMFX_NOW + 30 * MMFX_MINUTE, &r);
    keys_of(&r, ak, sizeof(ak), sk, sizeof(sk), NULL);
}

Test(mm_keys, binding_lifetime_from_profile_and_session)
{
    struct mk_response r;
    char ak[200], sk[100];
    double duration;

    login(MMFX_APP, "Basic-Cloud", "short@example.com", MMFX_PASS, "{}", MMFX_NOW, &r);
    keys_of(&r, ak, sizeof(ak), sk, sizeof(sk), &duration);
    cr_assert_eq(duration, 3600000.0, "the Short profile's 1h");
    cr_assert_str_eq(cm_json_str(mmfx_binding(&fx, ak), "expires", ""), "2026-03-02T10:00:00Z");
    login(MMFX_APP, "Basic-Cloud", "plain@example.com", MMFX_PASS, "{}", MMFX_NOW, &r);
    keys_of(&r, ak, sizeof(ak), sk, sizeof(sk), &duration);
    cr_assert_eq(duration, 3.0 * 86400000, "no profile: default_cache_ttl 3d");
    login(MMFX_NOEXT, "Basic-Cloud", "svc@example.com", MMFX_PASS, "{}", MMFX_NOW, &r);
    keys_of(&r, ak, sizeof(ak), sk, sizeof(sk), &duration);
    cr_assert_eq(duration, 3.0 * 86400000, "Never Expire without Enable Extended Session: 3d");
}

Test(mm_keys, login_refusals)
{
    static const char *const no_auth[] = {"x-mc-app-id: " MMFX_APP, NULL};
    static const char *const no_app[] = {"Authorization: Basic-Cloud c3ZjQGV4YW1wbGUuY29tOng=",
                                         NULL};
    static const char *const bearer[] = {"x-mc-app-id: " MMFX_APP, "Authorization: Basic abc",
                                         NULL};
    static const char *const garbage[] = {"x-mc-app-id: " MMFX_APP,
                                          "Authorization: Basic-Cloud !!notbase64", NULL};
    static const char *const nocolon[] = {"x-mc-app-id: " MMFX_APP,
                                          "Authorization: Basic-Cloud bm9jb2xvbg==", NULL};
    struct mk_response r;

    mmfx_call(&fx, "POST", LOGIN, no_auth, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_xdk_credentials_missing", "no Authorization header",
                 "missing_header");
    mmfx_call(&fx, "POST", LOGIN, no_app, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_xdk_credentials_missing", "no x-mc-app-id header",
                 "missing_header");
    mmfx_call(&fx, "POST", LOGIN, bearer, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_authentication_type_not_supported",
                 "send Authorization: Basic-Cloud base64(email:password)",
                 "auth_type_not_supported");
    mmfx_call(&fx, "POST", LOGIN, garbage, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_authorization_malformed",
                 "expected Basic-Cloud base64(email:password)", "bad_authorization");
    mmfx_call(&fx, "POST", LOGIN, nocolon, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_authorization_malformed", "base64(email:password)",
                 "bad_authorization");
    login("nope", "Basic-Cloud", "svc@example.com", MMFX_PASS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_developer_key", "not a registered API 1.0", "unknown_app");
    login(MMFX_OFFAPP, "Basic-Cloud", "svc@example.com", MMFX_PASS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_developer_key", "is disabled", "app_disabled");
    login(MMFX_APP, "Basic-Cloud", "svc@example.com", "wrong", "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_invalid_credentials",
                 "Invalid credentials: the email address or password is wrong",
                 "invalid_credentials");
    login(MMFX_APP, "Basic-Cloud", "ghost@example.com", MMFX_PASS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_invalid_credentials", "the email address or password",
                 "invalid_credentials");
    login(MMFX_APP, "Basic-Cloud", "svc@example.com", MMFX_PASS,
          "{\"data\": [{\"userName\": \"other@example.com\"}]}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_invalid_credentials",
                 "userName 'other@example.com' does not match", "invalid_credentials");
    login(MMFX_APP, "Basic-Cloud", "off@example.com", MMFX_PASS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_user_disabled",
                 "The user off@example.com is disabled: enable it in Directories > Internal "
                 "Directories",
                 "user_disabled");
    login(MMFX_APP, "Basic-Cloud", "sso@example.com", MMFX_PASS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_authentication_type_not_supported",
                 "the authentication profile 'SSO' of sso@example.com uses SSO; disable SSO",
                 "sso_enabled");
    login(MMFX_APP, "Basic-Cloud", "norole@example.com", MMFX_PASS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 403, "err_xdk_forbidden",
                 "Only administrators can create keys: add norole@example.com to an "
                 "administrative role",
                 "not_admin");
    login(MMFX_APP, "Basic-Cloud", "svc@example.com", MMFX_PASS, "{'data': [", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_xdk_malformed_request", "cannot be read", "invalid_body");
    fx.peer = "203.0.113.1";
    login(MMFX_EUAPP, "Basic-Cloud", "eu@example.co.uk", MMFX_PASS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 403, "err_xdk_ip_address_not_permitted", "203.0.113.1", "ip_not_allowed");
}

Test(mm_keys, login_on_the_wrong_grid)
{
    struct mk_response r;

    mmfx_free(&fx);
    mmfx_load_grid(&fx, MMFX_STATE, "eu");
    login(MMFX_APP, "Basic-Cloud", "svc@example.com", MMFX_PASS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_audit_log_incorrect_region", "https://us-api.mimecast.com",
                 "wrong_region");
}

Test(mm_keys, binding_limit_and_logout)
{
    struct mk_response r;
    struct mmfx_hdrs h;
    char ak[10][200], sk[10][100], body[300];
    int i;

    mmfx_patch(&fx, "{\"settings\": {\"bindings_per_user\": 2}}");
    /* svc already has one live binding (MMFX_AK) */
    login(MMFX_APP, "Basic-Cloud", "svc@example.com", MMFX_PASS, "{}", MMFX_NOW, &r);
    keys_of(&r, ak[0], sizeof(ak[0]), sk[0], sizeof(sk[0]), NULL);
    login(MMFX_APP, "Basic-Cloud", "svc@example.com", MMFX_PASS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 409, "err_xdk_binding_limit_reached",
                 "svc@example.com already has 2 active bindings, the most a user may have: log "
                 "out unused keys (/api/login/logout)",
                 "binding_limit");
    /* log out the new binding with the old one's signature */
    snprintf(body, sizeof(body), "{\"data\": [{\"accessKey\": \"%s\"}]}", ak[0]);
    cr_assert_eq(mmfx_post(&fx, "/api/login/logout", body, MMFX_NOW, &r), 200, "%s",
                 cm_buf_str(&r.body));
    mk_resp_release(&r);
    cr_assert_str_eq(cm_json_str(mmfx_binding(&fx, ak[0]), "revoked", ""), "logged out");
    mmfx_call(
        &fx, "POST", "/api/account/get-account",
        mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, ak[0], sk[0], "/api/account/get-account", MMFX_NOW),
        "", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_access_key_revoked", "revoked (logged out)",
                 "keys_revoked");
    for (i = 1; i < 2; i++) {
        login(MMFX_APP, "Basic-Cloud", "svc@example.com", MMFX_PASS, "{}", MMFX_NOW, &r);
        keys_of(&r, ak[i], sizeof(ak[i]), sk[i], sizeof(sk[i]), NULL);
    }
    /* logout without a body ends the caller's own binding */
    cr_assert_eq(
        mmfx_call(&fx, "POST", "/api/login/logout",
                  mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, ak[1], sk[1], "/api/login/logout", MMFX_NOW),
                  "", MMFX_NOW, &r),
        200);
    mk_resp_release(&r);
    cr_assert_str_eq(cm_json_str(mmfx_binding(&fx, ak[1]), "revoked", ""), "logged out");
}

Test(mm_keys, logout_of_an_unknown_key_is_a_fail_item)
{
    struct mk_response r;
    cJSON *doc, *f;

    cr_assert_eq(mmfx_post(&fx, "/api/login/logout", "{\"data\": [{\"accessKey\": \"ak-ti\"}]}",
                           MMFX_NOW, &r),
                 200);
    doc = mmfx_body(&r);
    f = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "fail"), 0);
    cr_assert_str_eq(
        cm_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(f, "errors"), 0), "code", ""),
        "err_xdk_access_key_not_found", "another user's key");
    cr_assert_str_eq(cm_json_str(cJSON_GetObjectItem(f, "key"), "accessKey", ""), "ak-ti");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(mmfx_binding(&fx, MMFX_AK_TI), "revoked")));
    cJSON_Delete(doc);
    mk_resp_release(&r);
}

Test(mm_keys, refresh_extends_an_expired_binding)
{
    struct mk_response r;
    char ak[200], sk[100];
    double duration;

    /* short@'s binding expired at 08:00; refresh at 09:00 keeps the keys for another hour */
    login(MMFX_APP, "Basic-Cloud", "short@example.com", MMFX_PASS,
          "{\"data\": [{\"userName\": \"short@example.com\", \"accessKey\": \"" MMFX_AK_OLD "\"}]}",
          MMFX_NOW, &r);
    keys_of(&r, ak, sizeof(ak), sk, sizeof(sk), &duration);
    cr_assert_str_eq(ak, MMFX_AK_OLD);
    cr_assert_str_eq(sk, MMFX_SECRET);
    cr_assert_eq(duration, 3600000.0);
    cr_assert_str_eq(cm_json_str(mmfx_binding(&fx, MMFX_AK_OLD), "expires", ""),
                     "2026-03-02T10:00:00Z");
    cr_assert_eq(mmfx_post_as(&fx, MMFX_AK_OLD, "/api/account/get-account", "", MMFX_NOW, &r), 200);
    mk_resp_release(&r);
}

Test(mm_keys, refresh_refusals)
{
    struct mk_response r;
    struct cm_err err = {{0}};
    cJSON *out;

    login(MMFX_APP, "Basic-Cloud", "short@example.com", MMFX_PASS,
          "{\"data\": [{\"accessKey\": \"" MMFX_AK "\"}]}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_access_key_not_found",
                 "no binding of short@example.com for application 'Sophos' has this accessKey",
                 "unknown_access_key");
    login(MMFX_APP, "Basic-Cloud", "short@example.com", "bad",
          "{\"data\": [{\"accessKey\": \"" MMFX_AK_OLD "\"}]}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_invalid_credentials", "password is wrong",
                 "invalid_credentials");
    out =
        mmfx_action(&fx, "change-password",
                    "{\"email\": \"short@example.com\", \"password\": \"Next-2\"}", MMFX_NOW, &err);
    cr_assert_not_null(out, "%s", err.msg);
    cJSON_Delete(out);
    login(MMFX_APP, "Basic-Cloud", "short@example.com", "Next-2",
          "{\"data\": [{\"accessKey\": \"" MMFX_AK_OLD "\"}]}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_access_key_revoked",
                 "revoked (the user's password was changed)", "keys_revoked");
}

Test(mm_keys, discover_authentication)
{
    static const char *const hdrs[] = {"x-mc-app-id: " MMFX_APP, NULL};
    struct mk_response r;
    cJSON *doc, *d, *region;

    cr_assert_eq(mmfx_call(&fx, "POST", "/api/login/discover-authentication", hdrs,
                           "{'data': [{'emailAddress': 'AD@example.com'}]}", MMFX_NOW, &r),
                 200, "%s", cm_buf_str(&r.body));
    doc = mmfx_body(&r);
    d = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0);
    cr_assert_str_eq(cm_json_str(d, "emailAddress", ""), "ad@example.com");
    cr_assert_eq(strlen(cm_json_str(d, "emailToken", "")), 32);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(d, "authenticate")), 1);
    cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "authenticate"), 0)->valuestring,
                     "Basic-AD");
    region = cJSON_GetObjectItem(d, "region");
    cr_assert_str_eq(cm_json_str(region, "code", ""), "us");
    cr_assert_str_eq(cm_json_str(region, "api", ""), "https://us-api.mimecast.com");
    cJSON_Delete(doc);
    mk_resp_release(&r);

    /* the EU user, asked on any listener, is sent to the eu grid */
    mmfx_call(&fx, "POST", "/api/login/discover-authentication", hdrs,
              "{\"data\": [{\"emailAddress\": \"eu@example.co.uk\"}]}", MMFX_NOW, &r);
    doc = mmfx_body(&r);
    d = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0);
    cr_assert_str_eq(cm_json_str(cJSON_GetObjectItem(d, "region"), "code", ""), "eu");
    cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "authenticate"), 0)->valuestring,
                     "Basic-Cloud");
    cJSON_Delete(doc);
    mk_resp_release(&r);

    mmfx_call(&fx, "POST", "/api/login/discover-authentication", hdrs,
              "{\"data\": [{\"emailAddress\": \"sso@example.com\"}]}", MMFX_NOW, &r);
    doc = mmfx_body(&r);
    d = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0);
    cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "authenticate"), 0)->valuestring,
                     "SAML");
    cJSON_Delete(doc);
    mk_resp_release(&r);
}

Test(mm_keys, discover_refusals)
{
    static const char *const hdrs[] = {"x-mc-app-id: " MMFX_APP, NULL};
    static const char *const bad_app[] = {"x-mc-app-id: nope", NULL};
    struct mk_response r;
    cJSON *doc;

    mmfx_call(&fx, "POST", "/api/login/discover-authentication", hdrs, "{\"data\": [{}]}", MMFX_NOW,
              &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value", "emailAddress is required",
                 "invalid_value");
    mmfx_call(&fx, "POST", "/api/login/discover-authentication", hdrs,
              "{\"data\": [{\"emailAddress\": \"not-an-address\"}]}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_email_address",
                 "'not-an-address' is not a valid email address", "invalid_value");
    mmfx_call(&fx, "POST", "/api/login/discover-authentication", bad_app,
              "{\"data\": [{\"emailAddress\": \"svc@example.com\"}]}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_developer_key", "'nope'", "unknown_app");
    mmfx_call(&fx, "POST", "/api/login/discover-authentication", NULL,
              "{\"data\": [{\"emailAddress\": \"svc@example.com\"}]}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_xdk_credentials_missing", "x-mc-app-id", "missing_header");
    cr_assert_eq(mmfx_call(&fx, "POST", "/api/login/discover-authentication", hdrs,
                           "{\"data\": [{\"emailAddress\": \"ghost@example.com\"}]}", MMFX_NOW, &r),
                 200);
    cr_assert_str_eq(fx.verdict, "unknown_user");
    doc = mmfx_body(&r);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "data")), 0);
    cr_assert_str_eq(
        cm_json_str(cJSON_GetArrayItem(
                        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "fail"), 0),
                                            "errors"),
                        0),
                    "code", ""),
        "err_xdk_user_not_found");
    cJSON_Delete(doc);
    mk_resp_release(&r);
}

/* ---- what a configuration check reads (account.c, discover) ---- */

/* data[0] of a 200 get-account as ak at now; caller frees the returned document. */
static cJSON *account_as(const char *ak, int64_t now, const cJSON **d0)
{
    struct mk_response r;
    cJSON *doc;

    cr_assert_eq(mmfx_post_as(&fx, ak, "/api/account/get-account", "{\"data\": []}", now, &r), 200,
                 "%s", cm_buf_str(&r.body));
    doc = mmfx_body(&r);
    mk_resp_release(&r);
    *d0 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0);
    cr_assert_not_null(*d0);
    return doc;
}

Test(mm_keys, the_account_its_logging_and_a_binding_that_never_expires)
{
    const cJSON *d, *el, *b;
    cJSON *doc = account_as(MMFX_AK, MMFX_NOW, &d);

    cr_assert_str_eq(cm_json_str(d, "accountCode", ""), "CUSA1");
    cr_assert_str_eq(cm_json_str(d, "region", ""), "us");
    el = cJSON_GetObjectItem(d, "enhancedLogging");
    cr_assert(cm_json_bool(el, "inbound", 0) && cm_json_bool(el, "outbound", 0) &&
              cm_json_bool(el, "internal", 0));
    b = cJSON_GetObjectItem(d, "binding");
    cr_assert_str_eq(cm_json_str(b, "userName", ""), "svc@example.com");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(b, "expires")), "never expires");
    cr_assert_str_eq(cm_json_str(b, "authenticationProfile", ""), "Never");
    cr_assert_str_eq(cm_json_str(b, "authenticationCacheTtl", ""), "never");
    cr_assert(cm_json_bool(b, "extendedSession", 0));
    cr_assert_str_eq(cm_json_str(cJSON_GetObjectItem(d, "role"), "name", ""), "Sophos");
    cr_assert_eq(
        cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "role"), "permissions")), 3);
    cJSON_Delete(doc);
    doc = account_as(MMFX_AK_NR, MMFX_NOW, &d);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(d, "role")), "a user in no role");
    cJSON_Delete(doc);
    cr_assert_str_eq(fx.verdict, "ok");
}

Test(mm_keys, a_binding_that_will_expire_names_its_time_and_profile)
{
    const cJSON *d, *b;
    cJSON *doc = account_as(MMFX_AK_OLD, MMFX_NOW - 90 * MMFX_MINUTE, &d);

    b = cJSON_GetObjectItem(d, "binding");
    cr_assert_str_eq(cm_json_str(b, "expires", ""), "2026-03-02T08:00:00Z", "issued 07:00 + 1h");
    cr_assert_str_eq(cm_json_str(b, "authenticationProfile", ""), "Short");
    cr_assert_str_eq(cm_json_str(b, "authenticationCacheTtl", ""), "1h");
    cJSON_Delete(doc);
}

Test(mm_keys, logging_off_is_reported_and_reading_changes_nothing)
{
    const cJSON *d, *el;
    cJSON *doc, *before;

    before = mmfx_dump(&fx);
    cJSON_ReplaceItemInObject(
        cJSON_GetArrayItem(cJSON_GetObjectItem(before, "accounts"), 0), "enhanced_logging",
        mmfx_json("{\"inbound\": true, \"outbound\": false, \"internal\": false}"));
    {
        struct cm_err err = {{0}};
        cr_assert_eq(mm_state_load(fx.st, before, MMFX_NOW, &err), 0, "%s", err.msg);
    }
    cJSON_Delete(before);
    before = mmfx_dump(&fx);
    doc = account_as(MMFX_AK, MMFX_NOW, &d);
    el = cJSON_GetObjectItem(d, "enhancedLogging");
    cr_assert(cm_json_bool(el, "inbound", 0));
    cr_assert_not(cm_json_bool(el, "outbound", 1));
    cr_assert_not(cm_json_bool(el, "internal", 1));
    cJSON_Delete(doc);
    mmfx_unchanged(&fx, before, "get-account");
}

Test(mm_keys, an_api2_caller_has_no_binding)
{
    static const char *const form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    struct mk_response r;
    char auth[128];
    const char *hdrs[3] = {auth, "Content-Type: application/json", NULL};
    cJSON *doc;
    const cJSON *d;

    cr_assert_eq(mmfx_call(&fx, "POST", "/oauth/token", form,
                           "grant_type=client_credentials&client_id=cid2&client_secret=cs2",
                           MMFX_NOW, &r),
                 200);
    doc = mmfx_body(&r);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", cm_json_str(doc, "access_token", ""));
    cJSON_Delete(doc);
    mk_resp_release(&r);
    cr_assert_eq(mmfx_call(&fx, "POST", "/api/account/get-account", hdrs, "{}", MMFX_NOW, &r), 200,
                 "%s", cm_buf_str(&r.body));
    doc = mmfx_body(&r);
    d = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0);
    cr_assert_not_null(cJSON_GetObjectItem(d, "enhancedLogging"));
    cr_assert_null(cJSON_GetObjectItem(d, "binding"));
    cJSON_Delete(doc);
    mk_resp_release(&r);
}

/* keysAvailableAt of discover-authentication for app at now. */
static void keys_available_at(const char *app, int64_t now, const char *want)
{
    char hdr[96];
    const char *hdrs[2] = {hdr, NULL};
    struct mk_response r;
    cJSON *doc;

    snprintf(hdr, sizeof(hdr), "x-mc-app-id: %s", app);
    cr_assert_eq(mmfx_call(&fx, "POST", "/api/login/discover-authentication", hdrs,
                           "{\"data\": [{\"emailAddress\": \"svc@example.com\"}]}", now, &r),
                 200);
    doc = mmfx_body(&r);
    cr_assert_str_eq(
        cm_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0), "keysAvailableAt", ""),
        want);
    cJSON_Delete(doc);
    mk_resp_release(&r);
}

Test(mm_keys, discover_says_when_the_keys_of_the_application_can_be_created)
{
    keys_available_at(MMFX_NEWAPP, MMFX_NOW + 10 * MMFX_MINUTE, "2026-03-02T09:30:00Z");
    keys_available_at(MMFX_APP, MMFX_NOW, "2026-03-01T00:30:00Z");
}
