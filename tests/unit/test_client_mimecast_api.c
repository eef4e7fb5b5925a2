/*
 * test_client_mimecast_api.c: rc_mm_explain(), the judgement of a Mimecast
 * answer into an exit code and a message that says what to change in the
 * console: each error a user can hit, with the seed's terms; and the error
 * shapes (fail[].errors[], fail[] with code/message, OAuth) and the
 * rate-limit headers.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "client/mimecast_api.h"
#include "common/json.h"

static char text[4096];

/* Explains an answer for a url-logs call of API 1.0 from 127.0.0.9; returns the exit code. */
static int explain(enum rc_mm_op op, long status, const char *body)
{
    struct rc_mm_explain_in in;
    cJSON *doc = body ? cm_json_parse(body, strlen(body), "body", NULL) : NULL;
    struct cm_buf b;
    int code;

    memset(&in, 0, sizeof(in));
    in.op = op;
    in.api = RC_MM_API1;
    in.logtype = rc_mm_logtype_find("url");
    in.status = status;
    in.body = doc;
    in.raw = body;
    in.tries = 4;
    in.user = "sophos@example.com";
    in.app_id = "4a2f0000-1111-2222-3333-444444444444";
    in.base_url = "https://eu-api.mimecast.com";
    in.source_addr = "127.0.0.9";
    cm_buf_init(&b, 0);
    code = rc_mm_explain(&in, &b);
    snprintf(text, sizeof(text), "%s", cm_buf_str(&b));
    cm_buf_release(&b);
    cJSON_Delete(doc);
    return code;
}

static void says(const char *what)
{
    cr_assert_not_null(strstr(text, what), "expected '%s' in: %s", what, text);
}

#define FAIL1(code, msg)                                                                           \
    "{\"meta\":{\"status\":200},\"data\":[],\"fail\":[{\"errors\":[{\"code\":\"" code              \
    "\",\"message\":\"" msg "\",\"retryable\":false}]}]}"

Test(client_mimecast_api, success_is_zero)
{
    cr_assert_eq(explain(RC_MM_OP_LOGS, 200,
                         "{\"meta\":{\"status\":200},\"data\":[{\"clickLogs\":[]}],\"fail\":[]}"),
                 0);
    cr_assert_eq(explain(RC_MM_OP_TOKEN, 200, "{\"access_token\":\"x\",\"expires_in\":1799}"), 0);
    cr_assert_eq(explain(RC_MM_OP_LOGS, 200, NULL), RC_EXIT_REMOTE, "no JSON");
}

Test(client_mimecast_api, a_fail_with_http_200_is_an_error)
{
    cr_assert_eq(explain(RC_MM_OP_LOGS, 200, FAIL1("err_validation_null", "from is null")),
                 RC_EXIT_REMOTE);
    says("err_validation_null: \"from is null\"");
}

Test(client_mimecast_api, missing_permission_names_it_and_the_role)
{
    cr_assert_eq(explain(RC_MM_OP_LOGS, 403, FAIL1("err_xdk_forbidden", "missing permission")),
                 RC_MM_EXIT_FIX);
    says("Monitoring > URL Protection > Read");
    says("Account > Roles");
    says("Application Permissions");
    says("sophos@example.com is a member of that role");
    /* The body-level 403 of an HTTP 200 answer. */
    cr_assert_eq(explain(RC_MM_OP_LOGS, 200, "{\"meta\":{\"status\":403},\"data\":[],\"fail\":[]}"),
                 RC_MM_EXIT_FIX);
    says("Monitoring > URL Protection > Read");
}

Test(client_mimecast_api, the_role_the_answer_names_is_quoted)
{
    cr_assert_eq(explain(RC_MM_OP_LOGS, 403,
                         FAIL1("err_xdk_forbidden", "the role 'SIEM Readers' of x lacks it")),
                 RC_MM_EXIT_FIX);
    says("open the role 'SIEM Readers' and under Application Permissions select Monitoring > URL "
         "Protection > Read");
}

Test(client_mimecast_api, revoked_keys_and_disabled_users)
{
    cr_assert_eq(explain(RC_MM_OP_LOGS, 401, FAIL1("err_xdk_access_key_revoked", "revoked")),
                 RC_MM_EXIT_AUTH);
    says("was revoked");
    says("create new keys");
    cr_assert_eq(explain(RC_MM_OP_LOGIN, 401, FAIL1("err_xdk_user_disabled", "disabled")),
                 RC_MM_EXIT_AUTH);
    says("Enable sophos@example.com in Directories > Internal Directories");
}

Test(client_mimecast_api, login_refusals_of_the_mock_docs)
{
    cr_assert_eq(explain(RC_MM_OP_LOGIN, 401,
                         FAIL1("err_xdk_authentication_type_not_supported", "uses SSO")),
                 RC_MM_EXIT_AUTH);
    says("disable SSO");
    says("--auth-type ad");
    cr_assert_eq(explain(RC_MM_OP_LOGIN, 403, FAIL1("err_xdk_forbidden", "Only administrators")),
                 RC_MM_EXIT_FIX);
    says("Only administrators can create keys");
    cr_assert_eq(explain(RC_MM_OP_LOGIN, 409, FAIL1("err_xdk_binding_limit_reached", "10")),
                 RC_MM_EXIT_AUTH);
    says("/api/login/logout");
    cr_assert_eq(explain(RC_MM_OP_TOKEN, 401,
                         "{\"fail\":[{\"code\":\"client_not_yet_available\",\"message\":\"not "
                         "active yet\"}]}"),
                 RC_MM_EXIT_AUTH);
    says("client credentials of the API 2.0 application are not active yet");
    cr_assert_eq(explain(RC_MM_OP_LOGS, 401, FAIL1("err_xdk_invalid_date", "bad date")),
                 RC_MM_EXIT_AUTH, "an unreadable date is not a clock skew");
    cr_assert_null(strstr(text, "Synchronise"), "%s", text);
}

Test(client_mimecast_api, an_address_outside_the_admin_ip_ranges)
{
    cr_assert_eq(explain(RC_MM_OP_LOGS, 403, FAIL1("err_ip_not_allowed", "127.0.0.9 not allowed")),
                 RC_MM_EXIT_FIX);
    says("127.0.0.9");
    says("admin IP ranges");
    says("Account > Account Settings > User Access and Permissions");
    says("Sophos IP addresses for integrations");
    cr_assert_eq(explain(RC_MM_OP_LOGS, 403, FAIL1("err_membership_missing", "no")),
                 RC_MM_EXIT_FIX);
    cr_assert_null(strstr(text, "IP ranges"), "'ip' is matched as a word: %s", text);
}

Test(client_mimecast_api, keys_too_early_say_when)
{
    cr_assert_eq(explain(RC_MM_OP_LOGIN, 403,
                         "{\"fail\":[{\"errors\":[{\"code\":\"err_keys_not_yet_available\","
                         "\"message\":\"available at 09:30 UTC\"}]}]}"),
                 RC_MM_EXIT_AUTH);
    says("not available yet");
    says("30 minutes");
    says("available at 09:30 UTC");
}

Test(client_mimecast_api, wrong_region_names_the_url_the_api_gives)
{
    cr_assert_eq(explain(RC_MM_OP_LOGS, 200,
                         FAIL1("err_audit_log_incorrect_region",
                               "use https://us-api.mimecast.com for this account")),
                 RC_MM_EXIT_FIX);
    says("--base-url https://us-api.mimecast.com.");
    cr_assert_eq(explain(RC_MM_OP_LOGS, 200,
                         "{\"fail\":[{\"errors\":[{\"code\":\"err_audit_log_incorrect_region\","
                         "\"message\":\"wrong region\",\"baseUrl\":\"https://de-api.mimecast.com/\""
                         "}]}]}"),
                 RC_MM_EXIT_FIX);
    says("--base-url https://de-api.mimecast.com.");
    cr_assert_eq(explain(RC_MM_OP_LOGS, 200, FAIL1("err_audit_log_incorrect_region", "wrong")),
                 RC_MM_EXIT_FIX);
    says("CUK... eu-api");
}

Test(client_mimecast_api, invalid_signature_points_at_the_keys)
{
    cr_assert_eq(
        explain(RC_MM_OP_LOGS, 401,
                "{\"meta\":{\"status\":401},\"data\":[],\"fail\":[{\"errors\":[{\"code\":"
                "\"err_xdk_invalid_signature\",\"message\":\"0004 Invalid Signature\"}]}]}"),
        RC_MM_EXIT_AUTH);
    says("secret key");
    says("application key of application 4a2f0000");
}

Test(client_mimecast_api, binding_expired_gives_the_ttl_fix)
{
    cr_assert_eq(explain(RC_MM_OP_LOGS, 418, FAIL1("err_xdk_binding_expired", "expired")),
                 RC_MM_EXIT_FIX);
    says("Authentication Cache TTL to Never Expire");
    says("--password");
}

Test(client_mimecast_api, enhanced_logging_and_clock_skew)
{
    cr_assert_eq(explain(RC_MM_OP_LOGS, 403, FAIL1("err_enhanced_logging_disabled", "off")),
                 RC_MM_EXIT_FIX);
    says("Enhanced Logging");
    says("Inbound, Outbound and Internal");
    cr_assert_eq(explain(RC_MM_OP_LOGS, 401, FAIL1("err_xdk_date_skewed", "too old")),
                 RC_MM_EXIT_FIX);
    says("Synchronise this host's clock");
}

Test(client_mimecast_api, invalid_logins_and_tokens)
{
    cr_assert_eq(explain(RC_MM_OP_LOGIN, 401,
                         "{\"fail\":[{\"code\":\"err_invalid_credentials\","
                         "\"message\":\"bad password\"}]}"),
                 RC_MM_EXIT_AUTH);
    says("refused the login of sophos@example.com with Basic-Cloud");
    says("err_invalid_credentials: \"bad password\"");
    says("--auth-type ad");
    cr_assert_eq(explain(RC_MM_OP_TOKEN, 401,
                         "{\"error\":\"invalid_client\","
                         "\"error_description\":\"unknown client\"}"),
                 RC_MM_EXIT_AUTH);
    says("Client ID and Client Secret");
    says("invalid_client: \"unknown client\"");
    cr_assert_eq(explain(RC_MM_OP_LOGS, 401, FAIL1("err_developer_key", "unknown app")),
                 RC_MM_EXIT_AUTH);
    says("Application ID and Application Key");
}

Test(client_mimecast_api, server_errors_and_rate_limits_exit_1)
{
    cr_assert_eq(explain(RC_MM_OP_LOGS, 503, "busy"), RC_EXIT_REMOTE);
    says("answered 503 after 4 tries");
    cr_assert_eq(explain(RC_MM_OP_LOGS, 429, FAIL1("err_rate_limit", "quota")), RC_EXIT_REMOTE);
    says("quota is per user");
    cr_assert_eq(explain(RC_MM_OP_LOGS, 404, "not here"), RC_EXIT_REMOTE);
    says("answered 404: 'not here'");
}

#define B2 "{\"fail\":[{\"code\":\"c2\",\"message\":\"m2\"}]}"

Test(client_mimecast_api, first_error_shapes)
{
    const char *code, *msg;
    cJSON *a = cm_json_parse(FAIL1("c1", "m1"), strlen(FAIL1("c1", "m1")), "a", NULL);
    cJSON *b = cm_json_parse(B2, strlen(B2), "b", NULL);

    rc_mm_first_error(a, &code, &msg);
    cr_assert_str_eq(code, "c1");
    cr_assert_str_eq(msg, "m1");
    rc_mm_first_error(b, &code, &msg);
    cr_assert_str_eq(code, "c2");
    cr_assert_str_eq(msg, "m2");
    rc_mm_first_error(NULL, &code, &msg);
    cr_assert_str_eq(code, "");
    cJSON_Delete(a);
    cJSON_Delete(b);
}

static void with_headers(struct cm_http_response *r, const char *h)
{
    cm_http_response_init(r);
    cm_buf_puts(&r->headers, "HTTP/1.1 429 Too Many\r\n");
    cm_buf_puts(&r->headers, h);
    r->status = 429;
}

Test(client_mimecast_api, rate_limit_headers)
{
    struct cm_http_response r;
    int64_t w = 0;

    with_headers(&r, "X-RateLimit-Reset: 1500\r\n");
    cr_assert_eq(rc_mm_rate_limit_wait(&r, &w), 0);
    cr_assert_eq(w, 1500);
    cm_http_response_release(&r);
    with_headers(&r, "x-rate-limit-reset: 20.2\r\n");
    cr_assert_eq(rc_mm_rate_limit_wait(&r, &w), 0);
    cr_assert_eq(w, 21);
    cm_http_response_release(&r);
    with_headers(&r, "Retry-After: 3\r\n");
    cr_assert_eq(rc_mm_rate_limit_wait(&r, &w), CM_ENOENT);
    cm_http_response_release(&r);
    with_headers(&r, "X-RateLimit-Reset: soon\r\n");
    cr_assert_eq(rc_mm_rate_limit_wait(&r, &w), CM_ENOENT);
    cm_http_response_release(&r);
}
