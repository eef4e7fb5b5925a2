/*
 * test_client_mimecast_check.c: the judgement of `secmock client mimecast
 * check` (client/mimecast_check.c) on facts built by hand, no network: the
 * order and ids of the findings, OK/WARN/FAIL, the console path of each fix,
 * the exit code of the first FAIL, the topic of a refusal, and the report's
 * text and JSON forms (client/check.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "client/mimecast_check.h"
#include "common/json.h"
#include "common/mem.h"

#define NOW 1772442600000LL /* 2026-03-02T09:10:00Z */

static struct rc_mm_check_facts f;
static struct rc_check_report r;

static void setup(void)
{
    memset(&f, 0, sizeof(f));
    memset(&r, 0, sizeof(r));
    f.api = RC_MM_API1;
    f.now_ms = NOW;
    f.base_url = "https://us-api.mimecast.com";
    f.app_id = "ca16c415-658f-4c87-8fb6-e3e6957771dc";
    f.user = "sophos@example.com";
    f.has_keys = 1;
    f.account.asked = 1;
    f.want[0] = f.want[1] = f.want[2] = 1;
    f.logs[0].asked = f.logs[1].asked = f.logs[2].asked = 1;
}

static void teardown(void)
{
    rc_mm_check_facts_release(&f);
}

TestSuite(client_mimecast_check, .init = setup, .fini = teardown);

static void account(const char *json)
{
    f.acct = cm_json_parse(json, strlen(json), "acct", NULL);
    cr_assert_not_null(f.acct);
}

#define GOOD_ACCOUNT                                                                               \
    "{\"accountCode\": \"CUSA12A34\", \"accountName\": \"Example Corp\", \"region\": \"us\","      \
    " \"enhancedLogging\": {\"inbound\": true, \"outbound\": true, \"internal\": true},"           \
    " \"binding\": {\"userName\": \"sophos@example.com\", \"expires\": null,"                      \
    " \"authenticationProfile\": \"API Never Expire\", \"authenticationCacheTtl\": \"never\","     \
    " \"extendedSession\": true}}"

static const struct rc_check_finding *finding(const char *id)
{
    const struct rc_check_finding *x = rc_check_find(&r, id);

    cr_assert_not_null(x, "no finding '%s'", id);
    return x;
}

static void refuse(struct rc_mm_check_read *rd, int exit, long status, const char *code,
                   const char *text)
{
    rd->exit = exit;
    rd->status = status;
    cm_strlcpy(rd->code, code, sizeof(rd->code));
    cm_strlcpy(rd->text, text, sizeof(rd->text));
    cm_strlcpy(rd->msg, "explained", sizeof(rd->msg));
}

Test(client_mimecast_check, a_good_setup_is_eight_oks_in_the_guides_order)
{
    static const char *const ids[] = {"credentials",
                                      "region",
                                      "admin-ip",
                                      "auth-cache-ttl",
                                      "enhanced-logging",
                                      "permission.url",
                                      "permission.impersonation",
                                      "permission.attachment"};
    size_t i;

    account(GOOD_ACCOUNT);
    rc_mm_check_judge(&f, &r);
    cr_assert_eq(r.n, 8);
    for (i = 0; i < 8; i++) {
        cr_assert_str_eq(r.f[i].id, ids[i]);
        cr_assert_eq(r.f[i].level, RC_CHECK_OK, "%s: %s", r.f[i].id, r.f[i].what);
        cr_assert_str_eq(r.f[i].fix, "");
    }
    cr_assert_eq(rc_check_exit(&r, 1), 0);
    cr_assert(strstr(finding("permission.url")->what, "Monitoring | URL Protection | Read"));
}

Test(client_mimecast_check, api2_has_no_binding_finding)
{
    f.api = RC_MM_API2;
    f.client_id = "cid";
    account("{\"accountCode\": \"C\", \"enhancedLogging\": {\"inbound\": true, \"outbound\": "
            "true, \"internal\": true}}");
    rc_mm_check_judge(&f, &r);
    cr_assert_eq(r.n, 7);
    cr_assert_null(rc_check_find(&r, "auth-cache-ttl"));
    cr_assert(strstr(finding("credentials")->what, "API 2.0 client cid"));
}

Test(client_mimecast_check, a_binding_that_will_expire_fails_unless_a_password_can_refresh_it)
{
    const struct rc_check_finding *x;

    account("{\"enhancedLogging\": {\"inbound\": true, \"outbound\": true, \"internal\": true},"
            " \"binding\": {\"userName\": \"sophos@example.com\", \"expires\": "
            "\"2026-03-05T09:10:00Z\", \"authenticationProfile\": \"Default\","
            " \"authenticationCacheTtl\": \"3d\", \"extendedSession\": false}}");
    rc_mm_check_judge(&f, &r);
    x = finding("auth-cache-ttl");
    cr_assert_eq(x->level, RC_CHECK_FAIL);
    cr_assert(strstr(x->what, "will expire at 2026-03-05T09:10:00Z, in 3d"), "%s", x->what);
    cr_assert(strstr(x->what, "set the Authentication Cache TTL to Never Expire"));
    cr_assert(strstr(x->fix, "Authentication Profiles > 'Default'"), "%s", x->fix);
    cr_assert(strstr(x->fix, "Enable Extended Session"), "%s", x->fix);
    cr_assert_eq(rc_check_exit(&r, 0), RC_MM_EXIT_FIX);

    memset(&r, 0, sizeof(r));
    f.has_password = 1;
    rc_mm_check_judge(&f, &r);
    x = finding("auth-cache-ttl");
    cr_assert_eq(x->level, RC_CHECK_WARN);
    cr_assert_eq(rc_check_exit(&r, 0), 0, "a WARN passes");
    cr_assert_eq(rc_check_exit(&r, 1), RC_MM_EXIT_FIX, "--strict counts it");
}

Test(client_mimecast_check, enhanced_logging_names_the_directions_that_are_off)
{
    const struct rc_check_finding *x;

    account("{\"enhancedLogging\": {\"inbound\": false, \"outbound\": true, \"internal\": false}}");
    rc_mm_check_judge(&f, &r);
    x = finding("enhanced-logging");
    cr_assert_eq(x->level, RC_CHECK_FAIL);
    cr_assert(strstr(x->what, "off for Inbound, Internal:"), "%s", x->what);
    cr_assert_str_eq(x->fix, "Administration > Account > Account Settings > Enhanced Logging: "
                             "select Inbound, Outbound and Internal, then Save");
    /* a binding Mimecast does not describe is a WARN, not a guess */
    cr_assert_eq(finding("auth-cache-ttl")->level, RC_CHECK_WARN);
}

Test(client_mimecast_check, a_service_that_does_not_say_gets_warnings)
{
    account("{\"accountCode\": \"C\"}");
    rc_mm_check_judge(&f, &r);
    cr_assert_eq(finding("enhanced-logging")->level, RC_CHECK_WARN);
    cr_assert_eq(finding("auth-cache-ttl")->level, RC_CHECK_WARN);
    cr_assert_eq(rc_check_exit(&r, 0), 0);
}

Test(client_mimecast_check, a_refused_account_read_is_one_fail_of_its_topic)
{
    f.source_addr = "198.51.100.9";
    refuse(&f.account, 5, 403, "err_xdk_ip_address_not_permitted",
           "Access denied for IP address 198.51.100.9");
    rc_mm_check_judge(&f, &r);
    cr_assert_eq(r.n, 1, "nothing is judged past the address");
    cr_assert_str_eq(r.f[0].id, "admin-ip");
    cr_assert(strstr(r.f[0].what, "requests from 198.51.100.9 are outside"));
    cr_assert(strstr(r.f[0].what, "(Mimecast: err_xdk_ip_address_not_permitted: Access denied"));
    cr_assert(strstr(r.f[0].fix, "Account > Account Settings > User Access and Permissions"));
    cr_assert_eq(rc_check_exit(&r, 0), 5);
}

Test(client_mimecast_check, a_wrong_region_names_the_base_url_mimecast_gives)
{
    refuse(&f.account, 5, 401, "err_audit_log_incorrect_region",
           "Incorrect region: account CUSA1 is hosted on the us grid, not eu; use the base URL "
           "https://us-api.mimecast.com");
    rc_mm_check_judge(&f, &r);
    cr_assert_str_eq(r.f[0].id, "region");
    cr_assert(strstr(r.f[0].fix, "--base-url: https://us-api.mimecast.com"), "%s", r.f[0].fix);
}

Test(client_mimecast_check, a_missing_permission_names_the_role_and_the_permission)
{
    const struct rc_check_finding *x;

    account(GOOD_ACCOUNT);
    refuse(&f.logs[2], 5, 403, "err_xdk_forbidden",
           "Forbidden: the role 'SIEM' of sophos@example.com lacks the permission 'Monitoring | "
           "Attachment Protection | Read'; add it in Account > Roles");
    rc_mm_check_judge(&f, &r);
    x = finding("permission.attachment");
    cr_assert_eq(x->level, RC_CHECK_FAIL);
    cr_assert(strstr(x->what, "the role 'SIEM' lacks Monitoring | Attachment Protection | Read"),
              "%s", x->what);
    cr_assert(strstr(x->fix, "Account > Roles > 'SIEM' > Application Permissions: select "
                             "Monitoring > Attachment Protection > Read"),
              "%s", x->fix);
    cr_assert_eq(finding("permission.url")->level, RC_CHECK_OK);
    cr_assert_eq(rc_check_exit(&r, 0), 5);
}

Test(client_mimecast_check, keys_too_early_say_when_and_how_long)
{
    f.has_keys = 0;
    f.account.asked = 0;
    f.discover.asked = 1;
    cm_strlcpy(f.keys_at, "2026-03-02T09:30:00Z", sizeof(f.keys_at));
    rc_mm_check_judge(&f, &r);
    cr_assert_eq(r.n, 1);
    cr_assert_str_eq(r.f[0].id, "keys");
    cr_assert(strstr(r.f[0].what, "at 2026-03-02T09:30:00Z (in 20m)"), "%s", r.f[0].what);
    cr_assert_eq(rc_check_exit(&r, 0), RC_MM_EXIT_AUTH);

    memset(&r, 0, sizeof(r));
    cm_strlcpy(f.keys_at, "2026-03-02T09:00:00Z", sizeof(f.keys_at));
    rc_mm_check_judge(&f, &r);
    cr_assert(strstr(r.f[0].what, "may create them now (since 2026-03-02T09:00:00Z)"), "%s",
              r.f[0].what);
}

Test(client_mimecast_check, topics_of_refusals)
{
    static const struct {
        long status;
        const char *code, *msg, *topic;
    } cases[] = {
        {401, "err_xdk_invalid_signature", "", "credentials"},
        {401, "err_developer_key", "", "credentials"},
        {401, "invalid_client", "", "credentials"},
        {418, "", "", "auth-cache-ttl"},
        {200, "err_xdk_binding_expired", "", "auth-cache-ttl"},
        {401, "client_not_yet_available", "", "keys"},
        {409, "err_xdk_keys_not_yet_available", "", "keys"},
        {403, "err_xdk_ip_address_not_permitted", "", "admin-ip"},
        {401, "err_xdk_date_header_too_skewed", "", "clock"},
        {401, "x", "Incorrect region: use ...", "region"},
        {403, "err_xdk_forbidden", "", "permission"},
        {500, "", "", "service"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        cr_assert_str_eq(rc_mm_check_topic(cases[i].status, cases[i].code, cases[i].msg),
                         cases[i].topic, "%ld %s", cases[i].status, cases[i].code);
}

Test(client_mimecast_check, no_answer_is_exit_3_with_the_explanation)
{
    f.account.exit = 3;
    cm_strlcpy(f.account.msg, "cannot reach 'https://x/': refused", sizeof(f.account.msg));
    rc_mm_check_judge(&f, &r);
    cr_assert_str_eq(r.f[0].id, "service");
    cr_assert(strstr(r.f[0].what, "cannot reach"));
    cr_assert_eq(rc_check_exit(&r, 0), 3);
}

Test(client_mimecast_check, the_text_and_json_forms)
{
    char buf[8192] = "";
    FILE *out = fmemopen(buf, sizeof(buf), "w");
    cJSON *doc;
    char *text;

    account("{\"enhancedLogging\": {\"inbound\": true, \"outbound\": false, \"internal\": true},"
            " \"binding\": {\"expires\": null}}");
    rc_mm_check_judge(&f, &r);
    rc_check_print(out, &r, rc_check_exit(&r, 0));
    fclose(out);
    cr_assert(strstr(buf, "FAIL  enhanced-logging          Enhanced Logging is off for Outbound"),
              "%s", buf);
    cr_assert(strstr(buf, "; fix: Administration > Account > Account Settings > Enhanced Logging"));
    cr_assert(strstr(buf, "7 OK, 0 WARN, 1 FAIL: exit 5\n"), "%s", buf);
    doc = rc_check_json(&r, 5);
    text = cm_json_print(doc);
    cr_assert(strstr(text, "\"ok\":false,\"exit\":5,\"counts\":{\"ok\":7,\"warn\":0,\"fail\":1}"),
              "%s", text);
    cr_assert(strstr(text, "{\"id\":\"enhanced-logging\",\"status\":\"FAIL\",\"what\":"));
    free(text);
    cJSON_Delete(doc);
}
