/*
 * test_mm_actions.c: the console actions (mock/mimecast/actions.c), played in
 * the order of the Sophos setup guide, and each action's refusals: unknown
 * names, missing arguments, a state the loader would refuse (the state is left
 * as it was), and the Create Keys rules (30 minutes, OTP with two-step
 * authentication, the user's checks).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "test_mm_util.h"

static struct mmfx fx;

static void setup(void)
{
    mmfx_load(&fx, MMFX_STATE);
}

static void teardown(void)
{
    mmfx_free(&fx);
}

TestSuite(mm_actions, .init = setup, .fini = teardown);

static cJSON *ok(const char *name, const char *args, int64_t now)
{
    struct cm_err err = {{0}};
    cJSON *out = mmfx_action(&fx, name, args, now, &err);

    cr_assert_not_null(out, "%s %s: %s", name, args, err.msg);
    return out;
}

static void refused(const char *name, const char *args, const char *fragment)
{
    struct cm_err err = {{0}};
    cJSON *before = mmfx_dump(&fx), *out = mmfx_action(&fx, name, args, MMFX_NOW, &err);

    cr_assert_null(out, "%s %s was accepted", name, args);
    cr_assert(strstr(err.msg, fragment) != NULL, "message '%s' lacks '%s'", err.msg, fragment);
    mmfx_unchanged(&fx, before, "a refused action");
}

Test(mm_actions, the_sophos_setup_in_order)
{
    cJSON *out;
    char app_id[64], args[512], ak[200], sk[100];
    struct mmfx_hdrs h;
    struct mk_response r;

    mmfx_free(&fx);
    mmfx_load(&fx, "{\"accounts\": [{\"code\": \"CUSA12A34\"}]}");
    out = ok("set-enhanced-logging", "{\"inbound\": true, \"outbound\": true, \"internal\": true}",
             MMFX_NOW);
    cr_assert(cm_json_bool(cJSON_GetObjectItem(out, "enhanced_logging"), "internal", 0));
    cJSON_Delete(out);
    out = ok("create-app",
             "{\"name\": \"Sophos Central\", \"category\": \"SIEM Integration\", "
             "\"extended_session\": true}",
             MMFX_NOW);
    cr_assert_str_eq(cm_json_str(out, "api", ""), "1.0");
    cr_assert_str_eq(cm_json_str(out, "created", ""), "2026-03-02T09:00:00Z");
    cr_assert_str_eq(cm_json_str(out, "keys_available_at", ""), "2026-03-02T09:30:00Z");
    cr_assert_eq(strlen(cm_json_str(out, "app_id", "")), 36);
    cr_assert_eq(strlen(cm_json_str(out, "app_key", "")), 36);
    cm_strlcpy(app_id, cm_json_str(out, "app_id", ""), sizeof(app_id));
    cJSON_Delete(out);
    cJSON_Delete(ok("create-user",
                    "{\"email\": \"sophos@mydomain.com\", \"password\": \"S3cret!\"}", MMFX_NOW));
    out = ok("set-role",
             "{\"name\": \"Sophos Integration\", \"permissions\": [\"Monitoring | Attachment "
             "Protection | Read\", \"Monitoring | URL Protection | Read\", \"Monitoring | "
             "Impersonation Protection | Read\"]}",
             MMFX_NOW);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(out, "permissions")), 3);
    cJSON_Delete(out);
    out = ok("add-user-to-role",
             "{\"role\": \"Sophos Integration\", \"email\": \"sophos@mydomain.com\"}", MMFX_NOW);
    cr_assert_str_eq(cm_json_str(out, "role", ""), "Sophos Integration");
    cJSON_Delete(out);
    cJSON_Delete(ok("set-auth-profile", "{\"name\": \"API\", \"cache_ttl\": \"never\"}", MMFX_NOW));
    out = ok("assign-auth-profile", "{\"email\": \"sophos@mydomain.com\", \"profile\": \"API\"}",
             MMFX_NOW);
    cr_assert_str_eq(cm_json_str(out, "auth_profile", ""), "API");
    cJSON_Delete(out);

    snprintf(args, sizeof(args),
             "{\"app_id\": \"%s\", \"email\": \"sophos@mydomain.com\", \"password\": \"S3cret!\"}",
             app_id);
    refused("create-keys", args, "available at 09:30 UTC on 2026-03-02 (keys_not_yet_available)");
    out = ok("create-keys", args, MMFX_NOW + 30 * MMFX_MINUTE);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(out, "expires")));
    cm_strlcpy(ak, cm_json_str(out, "access_key", ""), sizeof(ak));
    cm_strlcpy(sk, cm_json_str(out, "secret_key", ""), sizeof(sk));
    cJSON_Delete(out);
    {
        cJSON *app = mm_find_app1(fx.st, app_id, NULL);
        cr_assert_eq(mmfx_call(&fx, "POST", "/api/ttp/url/get-logs",
                               mmfx_sign(&h, app_id, cm_json_str(app, "app_key", ""), ak, sk,
                                         "/api/ttp/url/get-logs", MMFX_NOW + 31 * MMFX_MINUTE),
                               "{}", MMFX_NOW + 31 * MMFX_MINUTE, &r),
                     200, "%s", cm_buf_str(&r.body));
        mk_resp_release(&r);
    }
}

Test(mm_actions, create_app_2_and_update_app)
{
    cJSON *out = ok("create-app",
                    "{\"account\": \"CUSA1\", \"api\": \"2.0\", \"name\": \"XDR\", \"role\": "
                    "\"TI\", \"products\": [\"Threat Intelligence\"]}",
                    MMFX_NOW);
    char id[64], args[200];

    cr_assert_eq(strlen(cm_json_str(out, "client_id", "")), 32);
    cr_assert_eq(strlen(cm_json_str(out, "client_secret", "")), 64);
    cr_assert_str_eq(cm_json_str(out, "role", ""), "TI");
    cm_strlcpy(id, cm_json_str(out, "client_id", ""), sizeof(id));
    cJSON_Delete(out);
    snprintf(args, sizeof(args), "{\"id\": \"%s\", \"enabled\": false}", id);
    out = ok("update-app", args, MMFX_NOW);
    cr_assert_not(cm_json_bool(out, "enabled", 1));
    cJSON_Delete(out);
    out = ok("update-app", "{\"id\": \"" MMFX_NOEXT "\", \"extended_session\": true}", MMFX_NOW);
    cr_assert(cm_json_bool(out, "extended_session", 0));
    cJSON_Delete(out);
}

Test(mm_actions, users_passwords_and_disabling_revoke_keys)
{
    cJSON *out = ok("disable-user", "{\"email\": \"TI@example.com\"}", MMFX_NOW);

    cr_assert(cm_json_bool(out, "disabled", 0));
    cr_assert_eq(cm_json_num(out, "revoked_bindings", -1), 1);
    cJSON_Delete(out);
    cr_assert_str_eq(cm_json_str(mmfx_binding(&fx, MMFX_AK_TI), "revoked", ""),
                     "the user was disabled");
    out = ok("enable-user", "{\"email\": \"ti@example.com\"}", MMFX_NOW);
    cr_assert_not(cm_json_bool(out, "disabled", 1));
    cJSON_Delete(out);
    cr_assert_str_eq(cm_json_str(mmfx_binding(&fx, MMFX_AK_TI), "revoked", ""),
                     "the user was disabled", "enabling the user does not bring keys back");
    out = ok("change-password", "{\"email\": \"ad@example.com\", \"ad_password\": \"New-AD\"}",
             MMFX_NOW);
    cr_assert_str_eq(cm_json_str(out, "ad_password", ""), "New-AD");
    cr_assert_eq(cm_json_num(out, "revoked_bindings", -1), 0);
    cJSON_Delete(out);
    out = ok("remove-user-from-role", "{\"email\": \"svc@example.com\"}", MMFX_NOW);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(out, "role")));
    cJSON_Delete(out);
}

Test(mm_actions, account_settings)
{
    cJSON *out = ok("set-admin-ip-ranges", "{\"account\": \"CUK9\", \"ranges\": []}", MMFX_NOW);

    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(out, "admin_ip_ranges")), 0);
    cr_assert_null(cJSON_GetObjectItem(out, "logs"), "the answer is the account's settings");
    cJSON_Delete(out);
    out = ok("add-package",
             "{\"account\": \"CUK9\", \"name\": \"BYO: Threat Intelligence "
             "[1089]\"}",
             MMFX_NOW);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(out, "packages")), 1);
    cJSON_Delete(out);
    out = ok("add-package",
             "{\"account\": \"CUK9\", \"name\": \"BYO: Threat Intelligence "
             "[1089]\"}",
             MMFX_NOW);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(out, "packages")), 1, "no duplicate");
    cJSON_Delete(out);
    out = ok("set-auth-profile",
             "{\"account\": \"CUSA1\", \"name\": \"Short\", \"cache_ttl\": "
             "\"2h\"}",
             MMFX_NOW);
    cr_assert_str_eq(cm_json_str(out, "cache_ttl", ""), "2h");
    cJSON_Delete(out);
}

Test(mm_actions, create_keys_with_two_step_authentication)
{
    cJSON *out;

    refused("create-keys",
            "{\"app_id\": \"" MMFX_APP "\", \"email\": \"otp@example.com\", \"password\": "
            "\"" MMFX_PASS "\"}",
            "enter the 6-digit code sent to the user's mobile device");
    refused("create-keys",
            "{\"app_id\": \"" MMFX_APP "\", \"email\": \"otp@example.com\", \"password\": "
            "\"" MMFX_PASS "\", \"otp\": \"12a456\"}",
            "6-digit code");
    out = ok("create-keys",
             "{\"app_id\": \"" MMFX_APP "\", \"email\": \"otp@example.com\", \"password\": "
             "\"" MMFX_PASS "\", \"otp\": \"123456\"}",
             MMFX_NOW);
    cr_assert_str_eq(cm_json_str(out, "user", ""), "otp@example.com");
    cJSON_Delete(out);
    out = ok("create-keys",
             "{\"app_id\": \"" MMFX_APP "\", \"email\": \"ad@example.com\", \"password\": "
             "\"Ad-Pass1\", \"type\": \"domain\"}",
             MMFX_NOW);
    cJSON_Delete(out);
}

Test(mm_actions, refusals)
{
    refused("reboot", "{}", "unknown action 'reboot'");
    refused("create-user", "{\"email\": \"x@y.z\"}", "account: required: the state has 2 accounts");
    refused("create-user", "{\"account\": \"CZZ\", \"email\": \"x@y.z\"}", "no account 'CZZ'");
    refused("create-user", "{\"account\": \"CUSA1\", \"email\": \"svc@example.com\"}",
            "a user 'svc@example.com' exists");
    refused("create-user", "{\"account\": \"CUSA1\", \"email\": \"bad\"}",
            "accounts[0].users[10].email: 'bad' is not an email address");
    refused("create-user", "{\"account\": \"CUSA1\", \"email\": \"n@x.io\", \"role\": \"Ghost\"}",
            "no role 'Ghost'");
    refused("create-app", "{\"account\": \"CUSA1\", \"api\": \"3.0\"}", "api: expected");
    refused("create-app", "{\"account\": \"CUSA1\", \"api\": \"2.0\", \"role\": \"Ghost\"}",
            "no role 'Ghost'");
    refused("update-app", "{\"account\": \"CUSA1\", \"id\": \"ghost\"}",
            "no application with app_id or client_id 'ghost'");
    refused("update-app", "{\"id\": \"" MMFX_APP "\", \"enabled\": \"no\"}", "enabled");
    refused("change-password", "{\"email\": \"svc@example.com\"}", "password: the new");
    refused("change-password",
            "{\"account\": \"CUSA1\", \"email\": \"ghost@x.io\", "
            "\"password\": \"p\"}",
            "no user 'ghost@x.io' in account CUSA1");
    refused("disable-user", "{\"account\": \"CUSA1\"}", "email: no user '(missing)'");
    refused("set-role", "{\"account\": \"CUSA1\"}", "name: required");
    refused("set-role", "{\"account\": \"CUSA1\", \"name\": \"R\", \"permissions\": \"all\"}",
            "permissions: expected an array");
    refused("set-auth-profile", "{\"account\": \"CUSA1\", \"name\": \"P\", \"cache_ttl\": \"?\"}",
            "cache_ttl");
    refused("add-user-to-role", "{\"email\": \"svc@example.com\"}", "role: required");
    refused("add-user-to-role", "{\"email\": \"svc@example.com\", \"role\": \"Ghost\"}",
            "no role 'Ghost'");
    refused("assign-auth-profile", "{\"email\": \"svc@example.com\", \"profile\": \"Ghost\"}",
            "no profile 'Ghost'");
    refused("set-enhanced-logging", "{\"account\": \"CUSA1\", \"inbound\": 1}",
            "inbound: expected true or false");
    refused("set-admin-ip-ranges", "{\"account\": \"CUSA1\", \"ranges\": [\"300.1.1.1\"]}",
            "'300.1.1.1' is not an address or CIDR block");
    refused("set-admin-ip-ranges", "{\"account\": \"CUSA1\", \"ranges\": \"10.0.0.0/8\"}",
            "ranges: expected an array");
    refused("add-package", "{\"account\": \"CUSA1\"}", "name: the package");
    refused("create-keys", "{\"app_id\": \"ghost\"}", "no API 1.0 application 'ghost'");
    refused("create-keys", "{\"app_id\": \"" MMFX_APP "\", \"email\": \"svc@example.com\"}",
            "email and password");
    refused("create-keys",
            "{\"app_id\": \"" MMFX_APP "\", \"email\": \"svc@example.com\", \"password\": \"x\", "
            "\"type\": \"sso\"}",
            "type: expected \"cloud\" or \"domain\"");
    refused("create-keys",
            "{\"app_id\": \"" MMFX_APP "\", \"email\": \"svc@example.com\", \"password\": \"x\"}",
            "password is wrong (invalid_credentials)");
    refused("create-keys",
            "{\"app_id\": \"" MMFX_APP "\", \"email\": \"norole@example.com\", \"password\": "
            "\"" MMFX_PASS "\"}",
            "Only administrators can create keys");
}

Test(mm_actions, non_object_arguments)
{
    struct cm_err err = {{0}};
    cJSON *arr = cJSON_CreateArray();

    cr_assert_null(mm_action(fx.st, "create-user", arr, MMFX_NOW, &err));
    cr_assert_str_eq(err.msg, "expected a JSON object of arguments");
    cJSON_Delete(arr);
}
