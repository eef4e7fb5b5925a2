/*
 * test_mm_auth1.c: API 1.0 request authentication and the gate
 * (mock/mimecast/auth1.c, gate.c) through the route table: the worked
 * example of the vendor notes accepted end to end, then every refusal with
 * its HTTP status, code, message and journal verdict: missing headers,
 * malformed Authorization, unknown or disabled application, wrong grid, bad
 * or skewed date, unknown or foreign access key, bad signature, revoked keys,
 * expired binding (418), strict request ids, admin IP ranges, rate limits and
 * permissions.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "test_mm_util.h"

#define URL_LOGS "/api/ttp/url/get-logs"

static struct mmfx fx;

static void setup(void)
{
    mmfx_load(&fx, MMFX_STATE);
}

static void teardown(void)
{
    mmfx_free(&fx);
}

TestSuite(mm_auth1, .init = setup, .fini = teardown);

Test(mm_auth1, worked_example_is_accepted)
{
    /* the notes' section 1.4: same key, request id, app key, date and paths */
    static const char *const url_hdrs[] = {
        "x-mc-date: Tue, 24 Nov 2015 12:50:11 UTC",
        "x-mc-req-id: 8578FCFC-A305-4D9A-99CB-F4D5ECEFE297", "x-mc-app-id: " MMFX_APP,
        "Authorization: MC ak-worked:1QCXEsM1rTTNn4hfH98ya9hp3dk=", NULL};
    static const char *const acct_hdrs[] = {
        "x-mc-date: Tue, 24 Nov 2015 12:50:11 GMT",
        "x-mc-req-id: 8578FCFC-A305-4D9A-99CB-F4D5ECEFE297", "x-mc-app-id: " MMFX_APP,
        "Authorization: MC ak-worked:tZLYBEzNCrGlPk1Rf+fYdOApRRw=", NULL};
    struct mk_response r;
    const int64_t then = 1448369411000LL;

    mmfx_patch(&fx,
               "{\"accounts\": [{\"code\": \"W1\", \"grid\": \"us\", \"enhanced_logging\": "
               "{\"inbound\": true}, \"roles\": [{\"name\": \"R\", \"permissions\": [\"*\"]}], "
               "\"users\": [{\"email\": \"w@x.io\", \"role\": \"R\"}], \"applications\": "
               "[{\"api\": \"1.0\", \"app_id\": \"" MMFX_APP
               "\", \"app_key\": \"00000000-1111-2222-3333-444444444444\"}], \"bindings\": "
               "[{\"access_key\": \"ak-worked\", \"secret_key\": \"" MMFX_SECRET
               "\", \"user\": \"w@x.io\", \"app_id\": \"" MMFX_APP "\", \"expires\": null}]}]}");
    cr_assert_eq(mmfx_call(&fx, "POST", URL_LOGS, url_hdrs, "{}", then, &r), 200, "%s",
                 cm_buf_str(&r.body));
    cr_assert_str_eq(fx.verdict, "ok");
    cr_assert_str_eq(fx.detail, "W1: 0 records");
    mk_resp_release(&r);
    cr_assert_eq(mmfx_call(&fx, "POST", "/api/account/get-account", acct_hdrs, "", then, &r), 200,
                 "%s", cm_buf_str(&r.body));
    mk_resp_release(&r);
}

Test(mm_auth1, each_missing_header_is_named)
{
    static const char *const names[] = {"x-mc-app-id", "x-mc-date", "x-mc-req-id", "Authorization"};
    struct mmfx_hdrs h;
    struct mk_response r;
    const char *hs[6];
    char want[80];
    int i, j, k;

    for (i = 0; i < 4; i++) {
        mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, MMFX_AK, MMFX_SECRET, URL_LOGS, MMFX_NOW);
        for (j = 0, k = 0; j < 4; j++)
            if (strncasecmp(h.h[j], names[i], strlen(names[i])) != 0)
                hs[k++] = h.h[j];
        hs[k] = NULL;
        mmfx_call(&fx, "POST", URL_LOGS, hs, "{}", MMFX_NOW, &r);
        snprintf(want, sizeof(want), "0001 Credentials are missing from the request: no %s header",
                 names[i]);
        mmfx_refused(&fx, &r, 400, "err_xdk_credentials_missing", want, "missing_header");
    }
}

Test(mm_auth1, malformed_authorization)
{
    static const char *const bad[] = {"Authorization: Bearer-ish x", "Authorization: MC nocolon",
                                      "Authorization: MC :sig",
                                      "Authorization: MC key:", "Authorization: mc key:sig"};
    struct mmfx_hdrs h;
    struct mk_response r;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, MMFX_AK, MMFX_SECRET, URL_LOGS, MMFX_NOW);
        h.h[3] = bad[i];
        mmfx_call(&fx, "POST", URL_LOGS, h.h, "{}", MMFX_NOW, &r);
        mmfx_refused(&fx, &r, 401, "err_xdk_authorization_malformed",
                     "expected 'MC <accessKey>:<signature>'", "bad_authorization");
    }
}

Test(mm_auth1, unknown_and_disabled_applications)
{
    struct mmfx_hdrs h;
    struct mk_response r;

    mmfx_call(&fx, "POST", URL_LOGS,
              mmfx_sign(&h, "no-such-app", MMFX_APPKEY, MMFX_AK, MMFX_SECRET, URL_LOGS, MMFX_NOW),
              "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_developer_key", "x-mc-app-id 'no-such-app' is not a registered",
                 "unknown_app");
    mmfx_call(&fx, "POST", URL_LOGS,
              mmfx_sign(&h, "cid", "csecret", MMFX_AK, MMFX_SECRET, URL_LOGS, MMFX_NOW), "{}",
              MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_developer_key", "not a registered API 1.0", "unknown_app");
    mmfx_call(&fx, "POST", URL_LOGS,
              mmfx_sign(&h, MMFX_OFFAPP, "k4", MMFX_AK, MMFX_SECRET, URL_LOGS, MMFX_NOW), "{}",
              MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_developer_key", "Application 'Off' is disabled",
                 "app_disabled");
}

Test(mm_auth1, wrong_grid)
{
    struct mk_response r;

    mmfx_free(&fx);
    mmfx_load_grid(&fx, MMFX_STATE, "eu");
    mmfx_post(&fx, URL_LOGS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_audit_log_incorrect_region",
                 "account CUSA1 is hosted on the us grid, not eu; use the base URL "
                 "https://us-api.mimecast.com",
                 "wrong_region");
    fx.peer = "10.1.2.3";
    cr_assert_eq(mmfx_post_as(&fx, MMFX_AK_EU, "/api/account/get-account", "", MMFX_NOW, &r), 200,
                 "the eu listener serves the eu account: %s", cm_buf_str(&r.body));
    mk_resp_release(&r);
    mmfx_free(&fx);
    mmfx_load_grid(&fx, MMFX_STATE, "global");
    cr_assert_eq(mmfx_post(&fx, URL_LOGS, "{}", MMFX_NOW, &r), 200, "global serves every grid");
    mk_resp_release(&r);
}

Test(mm_auth1, unreadable_and_skewed_dates)
{
    struct mmfx_hdrs h;
    struct mk_response r;

    mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, MMFX_AK, MMFX_SECRET, URL_LOGS, MMFX_NOW);
    h.h[0] = "x-mc-date: 2026-03-02T09:00:00Z";
    mmfx_call(&fx, "POST", URL_LOGS, h.h, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_invalid_date", "expected a date such as 'Tue, 24 Nov",
                 "bad_date");
    mmfx_call(&fx, "POST", URL_LOGS,
              mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, MMFX_AK, MMFX_SECRET, URL_LOGS,
                        MMFX_NOW - 16 * MMFX_MINUTE),
              "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_date_header_too_skewed",
                 "Date Header Too Skewed: x-mc-date is 16m behind the server time (at most 15m",
                 "date_skewed");
    mmfx_call(&fx, "POST", URL_LOGS,
              mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, MMFX_AK, MMFX_SECRET, URL_LOGS,
                        MMFX_NOW + 20 * MMFX_MINUTE),
              "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_date_header_too_skewed", "20m ahead of", "date_skewed");
    /* inside the window, and a configured window */
    cr_assert_eq(mmfx_call(&fx, "POST", URL_LOGS,
                           mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, MMFX_AK, MMFX_SECRET, URL_LOGS,
                                     MMFX_NOW - 14 * MMFX_MINUTE),
                           "{}", MMFX_NOW, &r),
                 200);
    mk_resp_release(&r);
    mmfx_patch(&fx, "{\"settings\": {\"date_skew\": \"1m\"}}");
    mmfx_call(&fx, "POST", URL_LOGS,
              mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, MMFX_AK, MMFX_SECRET, URL_LOGS,
                        MMFX_NOW - 2 * MMFX_MINUTE),
              "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_date_header_too_skewed", "(at most 1m allowed)",
                 "date_skewed");
}

Test(mm_auth1, gmt_dates_are_accepted)
{
    static const char *const fmt = "x-mc-date: Mon, 02 Mar 2026 09:00:00 GMT";
    struct mmfx_hdrs h;
    struct mk_response r;
    char sig[64];

    mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, MMFX_AK, MMFX_SECRET, URL_LOGS, MMFX_NOW);
    h.h[0] = fmt;
    mm_sign(fmt + 11, h.id + 13, URL_LOGS, MMFX_APPKEY, MMFX_SECRET, sig, sizeof(sig));
    snprintf(h.auth, sizeof(h.auth), "Authorization: MC " MMFX_AK ":%s", sig);
    cr_assert_eq(mmfx_call(&fx, "POST", URL_LOGS, h.h, "{}", MMFX_NOW, &r), 200, "%s",
                 cm_buf_str(&r.body));
    mk_resp_release(&r);
}

Test(mm_auth1, unknown_or_foreign_access_keys)
{
    struct mmfx_hdrs h;
    struct mk_response r;

    mmfx_post_as(&fx, "ak-nobody", URL_LOGS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_access_key_not_found", "Unknown access key: create keys",
                 "unknown_access_key");
    /* a key issued for the Sophos application, used with the NoExt application */
    mmfx_call(&fx, "POST", URL_LOGS,
              mmfx_sign(&h, MMFX_NOEXT, "k3", MMFX_AK, MMFX_SECRET, URL_LOGS, MMFX_NOW), "{}",
              MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_access_key_not_found", "created for another application",
                 "unknown_access_key");
    /* a key of another account */
    mmfx_call(&fx, "POST", URL_LOGS,
              mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, MMFX_AK_EU, MMFX_SECRET, URL_LOGS, MMFX_NOW),
              "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_access_key_not_found", "Unknown access key",
                 "unknown_access_key");
}

Test(mm_auth1, bad_signatures)
{
    struct mmfx_hdrs h;
    struct mk_response r;
    static const char *const other = "AQECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    /* signed with another secret */
    mmfx_call(&fx, "POST", URL_LOGS,
              mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, MMFX_AK, other, URL_LOGS, MMFX_NOW), "{}",
              MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_invalid_signature", "0004 Invalid Signature",
                 "invalid_signature");
    /* with another application key */
    mmfx_call(&fx, "POST", URL_LOGS,
              mmfx_sign(&h, MMFX_APP, "wrong-app-key", MMFX_AK, MMFX_SECRET, URL_LOGS, MMFX_NOW),
              "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_invalid_signature", "0004 Invalid Signature",
                 "invalid_signature");
    /* over another path (a signature for get-account replayed on get-logs) */
    mmfx_call(&fx, "POST", URL_LOGS,
              mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, MMFX_AK, MMFX_SECRET, "/api/account/get-account",
                        MMFX_NOW),
              "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_invalid_signature", "0004", "invalid_signature");
    /* the path with its query is not what is signed */
    mmfx_call(&fx, "POST", URL_LOGS,
              mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, MMFX_AK, MMFX_SECRET, URL_LOGS "?x=1", MMFX_NOW),
              "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_invalid_signature", "0004", "invalid_signature");
    /* one character changed, and the date header changed after signing */
    mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, MMFX_AK, MMFX_SECRET, URL_LOGS, MMFX_NOW);
    h.auth[strlen(h.auth) - 2] ^= 1;
    mmfx_call(&fx, "POST", URL_LOGS, h.h, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_invalid_signature", "0004", "invalid_signature");
    mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, MMFX_AK, MMFX_SECRET, URL_LOGS, MMFX_NOW);
    h.h[0] = "x-mc-date: Mon, 02 Mar 2026 09:00:01 UTC";
    mmfx_call(&fx, "POST", URL_LOGS, h.h, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_invalid_signature", "0004", "invalid_signature");
}

Test(mm_auth1, revoked_keys)
{
    struct mk_response r;
    struct cm_err err = {{0}};
    cJSON *out;

    mmfx_post_as(&fx, "ak-off", URL_LOGS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_access_key_revoked",
                 "The access key was revoked (the user is disabled)", "keys_revoked");
    out = mmfx_action(&fx, "change-password",
                      "{\"email\": \"svc@example.com\", \"password\": \"New-1\"}", MMFX_NOW, &err);
    cr_assert_not_null(out, "%s", err.msg);
    cr_assert_eq(cm_json_num(out, "revoked_bindings", 0), 1);
    cJSON_Delete(out);
    mmfx_post(&fx, URL_LOGS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_access_key_revoked",
                 "revoked (the user's password was changed): create new keys for svc@example.com",
                 "keys_revoked");
}

Test(mm_auth1, expired_binding_is_418)
{
    struct mk_response r;

    mmfx_post_as(&fx, MMFX_AK_OLD, URL_LOGS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 418, "err_xdk_binding_expired",
                 "Binding Expired: the access key expired at 2026-03-02T08:00:00Z, 1h after it "
                 "was issued; set the Authentication Cache TTL of short@example.com's "
                 "authentication profile to Never Expires",
                 "binding_expired");
    /* a minute before its expiry it worked */
    cr_assert_eq(mmfx_post_as(&fx, MMFX_AK_OLD, URL_LOGS, "{}", MMFX_NOW - 61 * MMFX_MINUTE, &r),
                 200, "%s", cm_buf_str(&r.body));
    mk_resp_release(&r);
}

Test(mm_auth1, request_ids_may_repeat_unless_strict)
{
    struct mmfx_hdrs h;
    struct mk_response r;

    mmfx_sign(&h, MMFX_APP, MMFX_APPKEY, MMFX_AK, MMFX_SECRET, URL_LOGS, MMFX_NOW);
    cr_assert_eq(mmfx_call(&fx, "POST", URL_LOGS, h.h, "{}", MMFX_NOW, &r), 200);
    mk_resp_release(&r);
    cr_assert_eq(mmfx_call(&fx, "POST", URL_LOGS, h.h, "{}", MMFX_NOW + 1000, &r), 200,
                 "the same signed headers again (Netskope, XSOAR do this)");
    mk_resp_release(&r);
    mmfx_patch(&fx, "{\"settings\": {\"strict_request_ids\": true}}");
    cr_assert_eq(mmfx_call(&fx, "POST", URL_LOGS, h.h, "{}", MMFX_NOW, &r), 200);
    mk_resp_release(&r);
    mmfx_call(&fx, "POST", URL_LOGS, h.h, "{}", MMFX_NOW + 1000, &r);
    mmfx_refused(&fx, &r, 401, "err_xdk_duplicate_request_id", "was already used",
                 "replayed_request_id");
}

Test(mm_auth1, admin_ip_ranges_judge_the_peer)
{
    struct mk_response r;

    {
        struct cm_err err = {{0}};
        cJSON *out = mmfx_action(&fx, "set-admin-ip-ranges",
                                 "{\"account\": \"CUSA1\", \"ranges\": [\"192.0.2.0/24\", "
                                 "\"2001:db8::/32\"]}",
                                 MMFX_NOW, &err);
        cr_assert_not_null(out, "%s", err.msg);
        cJSON_Delete(out);
    }
    fx.peer = "198.51.100.9";
    mmfx_post(&fx, URL_LOGS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 403, "err_xdk_ip_address_not_permitted",
                 "Access denied for IP address 198.51.100.9: account CUSA1 allows administrative "
                 "actions, API calls included, only from its Admin IP Ranges",
                 "ip_not_allowed");
    fx.peer = "192.0.2.77";
    cr_assert_eq(mmfx_post(&fx, URL_LOGS, "{}", MMFX_NOW, &r), 200);
    mk_resp_release(&r);
    fx.peer = "2001:db8::5";
    cr_assert_eq(mmfx_post(&fx, URL_LOGS, "{}", MMFX_NOW, &r), 200, "IPv6 in range");
    mk_resp_release(&r);
    fx.peer = "::1";
    mmfx_post(&fx, URL_LOGS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 403, "err_xdk_ip_address_not_permitted", "::1", "ip_not_allowed");
}

Test(mm_auth1, missing_permission_names_it)
{
    struct mk_response r;

    mmfx_post(&fx, "/api/ttp/threat-intel/get-feed", "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 403, "err_xdk_forbidden",
                 "Forbidden: the role 'Sophos' of svc@example.com lacks the permission 'Services "
                 "| Gateway | Tracking | Read'; add it in Account > Roles",
                 "missing_permission");
    mmfx_post_as(&fx, MMFX_AK_NR, URL_LOGS, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 403, "err_xdk_forbidden",
                 "norole@example.com has no role; add it to a role with the permission "
                 "'Monitoring | URL Protection | Read'",
                 "missing_permission");
    mmfx_post_as(&fx, "ak-empty", "/api/ttp/attachment/get-logs", "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 403, "err_xdk_forbidden", "'Monitoring | Attachment Protection | Read'",
                 "missing_permission");
    mmfx_post_as(&fx, "ak-empty", "/api/ttp/impersonation/get-logs", "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 403, "err_xdk_forbidden",
                 "'Monitoring | Impersonation Protection | Read'", "missing_permission");
}

Test(mm_auth1, rate_limit_per_user_on_the_virtual_clock)
{
    struct mk_response r;
    int i;

    mmfx_patch(&fx, "{\"settings\": {\"rate_limit\": {\"limit\": 3, \"interval\": \"1m\"}}}");
    for (i = 0; i < 3; i++) {
        cr_assert_eq(mmfx_post(&fx, URL_LOGS, "{}", MMFX_NOW, &r), 200, "request %d", i);
        cr_assert_null(mmfx_header(&r, "X-RateLimit-Limit"), "on_429: no headers until limited");
        mk_resp_release(&r);
    }
    mmfx_post(&fx, URL_LOGS, "{}", MMFX_NOW + 1000, &r);
    cr_assert_str_eq(mmfx_header(&r, "X-RateLimit-Limit"), "3");
    cr_assert_str_eq(mmfx_header(&r, "X-RateLimit-Remaining"), "0");
    cr_assert_str_eq(mmfx_header(&r, "X-RateLimit-Reset"), "19000", "one back every 20 s");
    cr_assert_str_eq(mmfx_header(&r, "X-Rate-Limit-Reset"), "19000");
    mmfx_refused(&fx, &r, 429, "err_xdk_quota_exceeded",
                 "Quota Exceeded: svc@example.com may make 3 requests per 1m; one more is allowed "
                 "in 19000 ms",
                 "rate_limited");
    /* another user has its own quota */
    cr_assert_eq(mmfx_post_as(&fx, MMFX_AK_TI, "/api/account/get-account", "", MMFX_NOW, &r), 200);
    mk_resp_release(&r);
    /* 20 s later one request is back, and the bucket is in the state */
    cr_assert_eq(mmfx_post(&fx, URL_LOGS, "{}", MMFX_NOW + 20000, &r), 200);
    mk_resp_release(&r);
    {
        cJSON *u = mm_find_user(mm_find_account(fx.st, "CUSA1"), "svc@example.com");
        cJSON *rate = cJSON_GetObjectItem(u, "rate");
        cr_assert_eq(cm_json_num(rate, "remaining", -1), 0);
        cr_assert_str_eq(cm_json_str(rate, "at", ""), "2026-03-02T09:00:20Z");
    }
    mmfx_post(&fx, URL_LOGS, "{}", MMFX_NOW + 20000, &r);
    mmfx_refused(&fx, &r, 429, "err_xdk_quota_exceeded", "in 20000 ms", "rate_limited");
    cr_assert_eq(mmfx_post(&fx, URL_LOGS, "{}", MMFX_NOW + 10 * MMFX_MINUTE, &r), 200,
                 "full again");
    mk_resp_release(&r);
}

Test(mm_auth1, rate_headers_always_when_configured)
{
    struct mk_response r;

    mmfx_patch(&fx, "{\"settings\": {\"rate_limit\": {\"limit\": 100, \"interval\": \"1h\", "
                    "\"headers\": \"always\"}}}");
    cr_assert_eq(mmfx_post(&fx, URL_LOGS, "{}", MMFX_NOW, &r), 200);
    cr_assert_str_eq(mmfx_header(&r, "X-RateLimit-Limit"), "100");
    cr_assert_str_eq(mmfx_header(&r, "X-RateLimit-Remaining"), "99");
    cr_assert_str_eq(mmfx_header(&r, "X-RateLimit-Reset"), "36000");
    cr_assert_str_eq(mmfx_header(&r, "X-Rate-Limit-Remaining"), "99");
    mk_resp_release(&r);
}

Test(mm_auth1, kit_errors_use_the_envelope)
{
    struct mk_response r;

    mmfx_call(&fx, "GET", URL_LOGS, NULL, NULL, MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 405, "err_xdk_method_not_allowed", "use POST for all API 1.0 endpoints",
                 "method_not_allowed");
    mmfx_call(&fx, "POST", "/api/nope", NULL, "{}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 404, "err_xdk_not_found", "No such endpoint: /api/nope", "not_found");
    mmfx_call(&fx, "GET", "/oauth/token", NULL, NULL, MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 405, "err_xdk_method_not_allowed", "use POST", "method_not_allowed");
}

Test(mm_auth1, unreadable_body_after_a_good_signature)
{
    struct mk_response r;

    mmfx_post(&fx, URL_LOGS, "{'data': [", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_xdk_malformed_request", "The request body cannot be read",
                 "invalid_body");
    mmfx_post(&fx, URL_LOGS, "[1, 2]", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_xdk_malformed_request", "must be an object with a \"data\"",
                 "invalid_body");
    mmfx_post(&fx, URL_LOGS, "{\"data\": {}}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_xdk_malformed_request", "\"data\" array", "invalid_body");
}

Test(mm_auth1, kit_refusals_rendered_by_the_service)
{
    struct mk_request req;
    struct mk_response r;

    mk_req_fake(&req, "POST", "/api/ttp/url/get-logs", NULL, NULL, "");
    req.svc = &fx.svc;
    mk_resp_init(&r);
    mk_service_error(&req, &r, 413, "body_too_large", "the request body is larger than the limit");
    cm_strlcpy(fx.verdict, req.verdict, sizeof(fx.verdict));
    mmfx_refused(&fx, &r, 413, "err_xdk_request_too_large", "The request body is too large",
                 "body_too_large");
    mk_resp_init(&r);
    mk_service_error(&req, &r, 503, "unavailable", "try later");
    cm_strlcpy(fx.verdict, req.verdict, sizeof(fx.verdict));
    mmfx_refused(&fx, &r, 503, "unavailable", "try later", "unavailable");
    mk_req_fake_release(&req);
}

Test(mm_auth1, a_body_of_nul_bytes_is_not_empty)
{
    static const char body[] = "\0\0";
    struct mk_request req;
    struct mk_response r;
    cJSON *doc;

    mk_req_fake(&req, "POST", "/api/ttp/url/get-logs", NULL, NULL, body);
    req.body_len = 2;
    req.svc = &fx.svc;
    mk_resp_init(&r);
    doc = mm_body(&req, &r);
    cr_assert_null(doc);
    cm_strlcpy(fx.verdict, req.verdict, sizeof(fx.verdict));
    mmfx_refused(&fx, &r, 400, "err_xdk_malformed_request", "cannot be read", "invalid_body");
    mk_req_fake_release(&req);
}
