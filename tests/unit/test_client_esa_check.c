/*
 * test_client_esa_check.c: the judgement of `secmock client esa check`
 * (client/esa_check.h) over facts written by hand: one test per finding and
 * per way it fails, the fix each names in the seeds' console terms, the exit
 * code (the first FAIL's; --strict counts WARNs), the text lines and the
 * JSON form. The reads themselves run in scenarios/cisco/check-*.json.
 */
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/ctr_api.h"
#include "client/esa_api.h"
#include "client/esa_check.h"
#include "common/json.h"
#include "common/mem.h"

#define ORG    "6f1a8d52-5c0b-4b7e-9a43-2d9f0e1c7a11"
#define DEVICE "874141f7-903f-4be9-b14e-45a7f34a2032"

static const char MODULES[] =
    "[{\"id\":\"m1\",\"name\":\"esa03\",\"module-type\":\"ESAModule\",\"enabled\":true,"
    "\"settings\":{\"device_id\":\"" DEVICE "\",\"timeframe_days\":30,"
    "\"remediation_profile\":\"o365\",\"forward_address\":\"soc@cisco.com\"}}]";

/* A registered appliance in nam whose every finding is OK. */
static void good(struct rc_esa_check_facts *f)
{
    memset(f, 0, sizeof(*f));
    rc_esa_state_init(&f->st, 0);
    f->st.committed.cloud_services = 1;
    f->st.committed.xdr = 1;
    f->st.reg.status = RC_ESA_REG_REGISTERED;
    cm_strlcpy(f->st.reg.server, "nam", sizeof(f->st.reg.server));
    cm_strlcpy(f->st.reg.region, "nam", sizeof(f->st.reg.region));
    cm_strlcpy(f->st.reg.device_id, DEVICE, sizeof(f->st.reg.device_id));
    f->device_http = 200;
    cm_strlcpy(f->device_region, "nam", sizeof(f->device_region));
    cm_strlcpy(f->device_org, ORG, sizeof(f->device_org));
    f->device_xdr = 1;
    f->ctr_given = 1;
    cm_strlcpy(f->ctr_region, "nam", sizeof(f->ctr_region));
    cm_strlcpy(f->ctr_url, "https://visibility.amp.cisco.com", sizeof(f->ctr_url));
    cm_strlcpy(f->ctr_client, "client-1", sizeof(f->ctr_client));
    f->tenant.asked = f->devices.asked = f->modules.asked = 1;
    cm_strlcpy(f->tenant_org, ORG, sizeof(f->tenant_org));
    f->sse_account = f->threat_response = f->device_visible = 1;
    f->module_list = cJSON_Parse(MODULES);
}

static struct rc_check_report rep;

static const struct rc_check_finding *find(const char *id)
{
    return rc_check_find(&rep, id);
}

static const struct rc_check_finding *judge(struct rc_esa_check_facts *f, const char *id)
{
    rc_esa_check_judge(f, &rep);
    rc_esa_check_facts_release(f);
    return find(id);
}

static void expect(const struct rc_check_finding *x, enum rc_check_level level, int code,
                   const char *what, const char *fix)
{
    cr_assert_not_null(x);
    cr_assert_eq(x->level, level, "%s: level %d: %s", x->id, x->level, x->what);
    cr_assert_eq(x->code, code, "%s: code %d", x->id, x->code);
    cr_assert(strstr(x->what, what) != NULL, "%s: '%s' lacks '%s'", x->id, x->what, what);
    if (fix)
        cr_assert(strstr(x->fix, fix) != NULL, "%s: fix '%s' lacks '%s'", x->id, x->fix, fix);
    else
        cr_assert_str_empty(x->fix);
}

Test(esa_check, everything_ok_exits_0)
{
    struct rc_esa_check_facts f;
    static const char *const ids[] = {
        "cloud-services",  "commit",         "region",     "registration", "xdr", "api-client",
        "threat-response", "device-visible", "esa-module", "remediation",  "csn"};
    cJSON *doc;
    int i;

    good(&f);
    judge(&f, "csn");
    cr_assert_eq(rep.n, 11);
    for (i = 0; i < rep.n; i++) {
        cr_assert_str_eq(rep.f[i].id, ids[i]);
        cr_assert_eq(rep.f[i].level, RC_CHECK_OK, "%s: %s", rep.f[i].id, rep.f[i].what);
    }
    cr_assert_eq(rc_check_exit(&rep, 1), 0);
    doc = rc_check_json(&rep, 0);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(doc, "ok")));
    cr_assert_eq(cm_json_num(cJSON_GetObjectItem(doc, "counts"), "ok", 0), 11);
    cr_assert_null(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "findings"), 0), "fix"),
        "an OK has nothing to fix");
    cJSON_Delete(doc);
}

Test(esa_check, cloud_services_disabled_or_not_committed)
{
    struct rc_esa_check_facts f;

    good(&f);
    f.st.committed.cloud_services = 0;
    expect(judge(&f, "cloud-services"), RC_CHECK_FAIL, RC_CISCO_EXIT_FIX, "is disabled",
           "Network > Cloud Service Settings > Edit Settings: check Enable");
    cr_assert_eq(rc_check_exit(&rep, 0), RC_CISCO_EXIT_FIX);
    good(&f);
    f.st.committed.cloud_services = 0;
    f.st.pending = f.st.committed;
    f.st.pending.cloud_services = 1;
    f.st.has_pending = 1;
    expect(judge(&f, "cloud-services"), RC_CHECK_FAIL, RC_CISCO_EXIT_FIX,
           "enabled but the change is not committed: the appliance does not ask for the "
           "registration token",
           "Submit, then Commit Changes");
    expect(find("commit"), RC_CHECK_WARN, RC_CISCO_EXIT_FIX, "Threat Response Enabled",
           "Commit Changes");
}

Test(esa_check, uncommitted_settings_are_listed)
{
    struct rc_esa_check_facts f;

    good(&f);
    f.st.pending = f.st.committed;
    f.st.pending.xdr = 0;
    f.st.pending.csn = 1;
    cm_strlcpy(f.st.pending.server, "eu", sizeof(f.st.pending.server));
    f.st.has_pending = 1;
    expect(judge(&f, "commit"), RC_CHECK_WARN, RC_CISCO_EXIT_FIX,
           "server EUROPE (api.eu.sse.itd.cisco.com) (now AMERICAS (api-sse.cisco.com)), Cisco XDR "
           "Disabled, Cisco Success Network Enabled",
           "Commit Changes");
    cr_assert_eq(rc_check_exit(&rep, 0), 0, "a WARN alone passes");
    cr_assert_eq(rc_check_exit(&rep, 1), RC_CISCO_EXIT_FIX, "unless --strict");
}

Test(esa_check, region_of_the_account_and_of_the_registration)
{
    struct rc_esa_check_facts f;

    good(&f);
    cm_strlcpy(f.ctr_region, "eu", sizeof(f.ctr_region));
    expect(judge(&f, "region"), RC_CHECK_FAIL, RC_CISCO_EXIT_FIX,
           "the appliance's server is AMERICAS (api-sse.cisco.com) but the Threat Response account "
           "is in region eu",
           "Threat Response Server EUROPE (api.eu.sse.itd.cisco.com) (deregister first");
    good(&f);
    cm_strlcpy(f.device_region, "apjc", sizeof(f.device_region));
    expect(judge(&f, "region"), RC_CHECK_FAIL, RC_CISCO_EXIT_FIX,
           "registered in region apjc but its server is AMERICAS", "first deregister");
    good(&f);
    cm_strlcpy(f.st.committed.server, "https://sse.example.test", sizeof(f.st.committed.server));
    expect(judge(&f, "region"), RC_CHECK_WARN, RC_CISCO_EXIT_FIX, "the server is a URL",
           "choose AMERICAS, EUROPE or APJC");
}

/* An appliance enabled and committed in nam, not registered, checked with a token. */
static void with_token(struct rc_esa_check_facts *f, long http, const char *state)
{
    good(f);
    memset(&f->st.reg, 0, sizeof(f->st.reg));
    f->device_http = 0;
    f->token = "a389f98df0e77c5411148e96e239e05d";
    f->token_http = http;
    cm_strlcpy(f->token_state, state, sizeof(f->token_state));
    cm_strlcpy(f->token_region, "nam", sizeof(f->token_region));
    cm_strlcpy(f->token_org, ORG, sizeof(f->token_org));
    cm_strlcpy(f->token_expires, "2020-05-14T13:00:00Z", sizeof(f->token_expires));
    f->token_devices = 5;
    f->token_remaining = 4;
}

Test(esa_check, token_valid_with_devices_left)
{
    struct rc_esa_check_facts f;

    with_token(&f, 200, "active");
    expect(judge(&f, "token"), RC_CHECK_OK, 0,
           "valid: 4 of 5 devices left, expires 2020-05-14T13:00:00Z (region nam)", NULL);
    expect(find("registration"), RC_CHECK_FAIL, RC_CISCO_EXIT_FIX, "not registered",
           "Registration Token > Register");
    cr_assert_null(find("device-visible"), "nothing to look for before registration");
    expect(find("esa-module"), RC_CHECK_WARN, RC_CISCO_EXIT_FIX, "(which is not registered)",
           "Registered Device esa03.mex-amp.inlab");
}

Test(esa_check, token_expired_used_up_revoked)
{
    static const struct {
        const char *state, *what;
    } cases[] = {{"expired", "the token expired at 2020-05-14T13:00:00Z"},
                 {"used_up", "registered all its 5 devices, none is left"},
                 {"revoked", "the token was revoked"}};
    struct rc_esa_check_facts f;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        with_token(&f, 200, cases[i].state);
        expect(judge(&f, "token"), RC_CHECK_FAIL, RC_CISCO_EXIT_REGFAIL, cases[i].what,
               "generate a new token at https://admin.sse.itd.cisco.com/");
        cr_assert(strstr(find("token")->what, RC_ESA_MSG_INVALID_TOKEN) == find("token")->what,
                  "in the appliance's words first");
        cr_assert_eq(rc_check_exit(&rep, 0), RC_CISCO_EXIT_REGFAIL,
                     "the token comes before the registration");
    }
}

Test(esa_check, token_of_another_region_or_unknown)
{
    struct rc_esa_check_facts f;

    with_token(&f, 404, "");
    cm_strlcpy(f.token_code, "token_in_other_region", sizeof(f.token_code));
    cm_strlcpy(f.token_region, "eu", sizeof(f.token_region));
    expect(judge(&f, "token"), RC_CHECK_FAIL, RC_CISCO_EXIT_REGFAIL,
           "generated in the portal of region eu, but the appliance's server is AMERICAS",
           "https://admin.sse.itd.cisco.com/");
    with_token(&f, 404, "");
    cm_strlcpy(f.token_code, "not_found", sizeof(f.token_code));
    f.token = "a389f98df0e77c54";
    expect(judge(&f, "token"), RC_CHECK_FAIL, RC_CISCO_EXIT_REGFAIL,
           "does not know this token (16 characters; a token has 32)", "generate a new token");
    with_token(&f, 200, "active");
    cm_strlcpy(f.token_org, "other-org", sizeof(f.token_org));
    expect(judge(&f, "token"), RC_CHECK_FAIL, RC_CISCO_EXIT_FIX,
           "the token was generated in Security Services Exchange account other-org, not of the "
           "Threat Response org " ORG,
           "Modules > Devices > Manage Devices");
    with_token(&f, 0, "");
    f.sse_exit = RC_EXIT_CONN;
    cm_strlcpy(f.sse_msg, "no answer from Cisco Cloud Services", sizeof(f.sse_msg));
    expect(judge(&f, "token"), RC_CHECK_FAIL, RC_EXIT_CONN, "no answer from Cisco Cloud Services",
           NULL);
    with_token(&f, 503, "");
    expect(judge(&f, "token"), RC_CHECK_FAIL, RC_EXIT_REMOTE, "answered 503", NULL);
}

Test(esa_check, token_not_checked_once_registered)
{
    struct rc_esa_check_facts f;

    good(&f);
    f.token = "a389f98df0e77c5411148e96e239e05d";
    cr_assert_null(judge(&f, "token"));
}

Test(esa_check, registration_states_and_xdr)
{
    struct rc_esa_check_facts f;

    good(&f);
    f.device_http = 401;
    expect(judge(&f, "registration"), RC_CHECK_FAIL, RC_CISCO_EXIT_AUTH,
           "refuses the device credential of " DEVICE ": the device was deleted or deregistered",
           "Devices > + (Add Devices and Generate Tokens)");
    good(&f);
    f.st.reg.status = RC_ESA_REG_IN_PROGRESS;
    expect(judge(&f, "registration"), RC_CHECK_WARN, RC_EXIT_REMOTE, RC_ESA_MSG_IN_PROGRESS,
           "come back after some time");
    cr_assert_eq(rc_check_exit(&rep, 1), RC_EXIT_REMOTE);
    good(&f);
    f.st.reg.status = RC_ESA_REG_FAILED;
    cm_strlcpy(f.st.reg.error_code, "invalid_or_expired_token", sizeof(f.st.reg.error_code));
    cm_strlcpy(f.st.reg.error, RC_ESA_MSG_INVALID_TOKEN, sizeof(f.st.reg.error));
    expect(judge(&f, "registration"), RC_CHECK_FAIL, RC_CISCO_EXIT_REGFAIL,
           "the last registration failed: " RC_ESA_MSG_INVALID_TOKEN " (invalid_or_expired_token)",
           "https://admin.sse.itd.cisco.com/");
    good(&f);
    f.st.reg.status = RC_ESA_REG_FAILED;
    cm_strlcpy(f.st.reg.error_code, "registered_in_other_region", sizeof(f.st.reg.error_code));
    expect(judge(&f, "registration"), RC_CHECK_FAIL, RC_CISCO_EXIT_REGFAIL,
           "(registered_in_other_region)", "Deregister");
    good(&f);
    f.device_http = 0;
    f.sse_exit = RC_EXIT_CONN;
    cm_strlcpy(f.sse_msg, "no answer", sizeof(f.sse_msg));
    expect(judge(&f, "registration"), RC_CHECK_FAIL, RC_EXIT_CONN, "could not be checked", NULL);
    cr_assert_eq(rc_check_exit(&rep, 0), RC_EXIT_CONN);

    /* Cisco XDR, on the appliance and in SSE */
    good(&f);
    f.st.committed.xdr = 0;
    expect(judge(&f, "xdr"), RC_CHECK_FAIL, RC_CISCO_EXIT_FIX, "Cisco XDR is disabled",
           "Edit Global Settings > Cisco XDR: Enable");
    good(&f);
    f.device_xdr = 0;
    expect(judge(&f, "xdr"), RC_CHECK_FAIL, RC_CISCO_EXIT_FIX,
           "disabled for the device in Security Services Exchange", "Commit Changes");
}

Test(esa_check, without_an_api_client_the_threat_response_side_is_a_warning)
{
    struct rc_esa_check_facts f;

    good(&f);
    f.ctr_given = 0;
    f.ctr_region[0] = '\0';
    expect(judge(&f, "api-client"), RC_CHECK_WARN, RC_CISCO_EXIT_AUTH, "not checked",
           "Threat Response > Settings > API Clients");
    cr_assert_null(find("threat-response"));
    cr_assert_null(find("esa-module"));
    cr_assert_eq(rc_check_exit(&rep, 0), 0);
    cr_assert_eq(rc_check_exit(&rep, 1), RC_CISCO_EXIT_AUTH);
}

Test(esa_check, api_client_refused_stops_the_threat_response_side)
{
    struct rc_esa_check_facts f;

    good(&f);
    f.ctr_exit = RC_CISCO_EXIT_AUTH;
    cm_strlcpy(f.ctr_msg, "Threat Response refused the API client credentials of 'client-1'",
               sizeof(f.ctr_msg));
    expect(judge(&f, "api-client"), RC_CHECK_FAIL, RC_CISCO_EXIT_AUTH, "refused the API client",
           "API Clients");
    cr_assert_null(find("esa-module"));
}

/* The read at offset (a struct rc_check_read of the facts) refused for a missing scope: the
 * finding id fails with Threat Response's message and exit code. */
static void refused_read(size_t offset, const char *id)
{
    struct rc_esa_check_facts f;
    struct rc_check_read *rd;

    good(&f);
    rd = (struct rc_check_read *)((char *)&f + offset);
    rd->exit = RC_CISCO_EXIT_AUTH;
    cm_strlcpy(rd->msg, "give the API client the scope", sizeof(rd->msg));
    expect(judge(&f, id), RC_CHECK_FAIL, RC_CISCO_EXIT_AUTH, "give the API client the scope", NULL);
}

Test(esa_check, threat_response_off_on_the_cloud_services_tab)
{
    struct rc_esa_check_facts f;

    good(&f);
    f.threat_response = 0;
    f.device_visible = 0;
    expect(judge(&f, "threat-response"), RC_CHECK_FAIL, RC_CISCO_EXIT_FIX,
           "Cisco Threat Response is disabled on the Cloud Services tab",
           "Security Services Exchange > Cloud Services tab: enable Cisco Threat Response");
    expect(find("device-visible"), RC_CHECK_FAIL, RC_CISCO_EXIT_FIX,
           "not in Threat Response's Registered Device list: Cisco Threat Response is disabled",
           "Cloud Services tab");
    good(&f);
    f.sse_account = 0;
    expect(judge(&f, "threat-response"), RC_CHECK_FAIL, RC_CISCO_EXIT_FIX,
           "has no Security Services Exchange account in region nam", "Manage Devices");
    refused_read(offsetof(struct rc_esa_check_facts, tenant), "threat-response");
}

Test(esa_check, device_registered_in_another_account)
{
    struct rc_esa_check_facts f;

    good(&f);
    f.device_visible = 0;
    cm_strlcpy(f.device_org, "other-org", sizeof(f.device_org));
    expect(judge(&f, "device-visible"), RC_CHECK_FAIL, RC_CISCO_EXIT_FIX,
           "registered in Security Services Exchange account other-org, not of the Threat "
           "Response org " ORG,
           "token generated from the org's Security Services Exchange");
}

Test(esa_check, esa_module_missing_or_of_another_device)
{
    struct rc_esa_check_facts f;

    good(&f);
    cJSON_Delete(f.module_list);
    f.module_list = cJSON_Parse("{\"data\":[{\"name\":\"amp\",\"module-type\":\"AMP\"}]}");
    expect(judge(&f, "esa-module"), RC_CHECK_FAIL, RC_CISCO_EXIT_FIX,
           "no Email Security Appliance module in Threat Response (region nam)",
           "Modules > Add New Module > Email Security Appliance");
    cr_assert_null(find("remediation"));
    good(&f);
    cm_strlcpy(f.st.reg.device_id, "11111111-2222-3333-4444-555555555555",
               sizeof(f.st.reg.device_id));
    expect(judge(&f, "esa-module"), RC_CHECK_FAIL, RC_CISCO_EXIT_FIX,
           "module 'esa03' uses device " DEVICE ", not this appliance",
           "Modules > 'esa03' > Edit: Registered Device esa03.mex-amp.inlab");
    refused_read(offsetof(struct rc_esa_check_facts, modules), "esa-module");
    refused_read(offsetof(struct rc_esa_check_facts, devices), "device-visible");
}

Test(esa_check, remediation_needs_a_profile_and_a_forward_address)
{
    struct rc_esa_check_facts f;
    cJSON *s;

    good(&f);
    s = cJSON_GetObjectItem(cJSON_GetArrayItem(f.module_list, 0), "settings");
    cJSON_ReplaceItemInObject(s, "forward_address", cJSON_CreateString(""));
    expect(judge(&f, "remediation"), RC_CHECK_WARN, RC_CISCO_EXIT_FIX,
           "not offered: no remediation forward address",
           "System Administration > Account Settings");
    good(&f);
    s = cJSON_GetObjectItem(cJSON_GetArrayItem(f.module_list, 0), "settings");
    cJSON_ReplaceItemInObject(s, "forward_address", cJSON_CreateString(""));
    cJSON_ReplaceItemInObject(s, "remediation_profile", cJSON_CreateString(""));
    expect(judge(&f, "remediation"), RC_CHECK_WARN, RC_CISCO_EXIT_FIX,
           "no remediation profile nor forward address", "remediation forward address");
    cr_assert_eq(rc_check_exit(&rep, 0), 0);
}

Test(esa_check, cisco_success_network)
{
    struct rc_esa_check_facts f;

    good(&f);
    f.st.committed.csn = 1;
    expect(judge(&f, "csn"), RC_CHECK_WARN, RC_CISCO_EXIT_FIX,
           "enabled on the appliance but disabled for the device in Security Services Exchange",
           "Security Services > Cloud Service Settings > Edit Global Settings > Cisco Success "
           "Network");
    good(&f);
    f.st.committed.csn = f.device_csn = 1;
    expect(judge(&f, "csn"), RC_CHECK_OK, 0, "Cisco Success Network is enabled", NULL);
    good(&f);
    f.st.committed.csn = 1;
    f.st.reg.status = RC_ESA_REG_NONE;
    expect(judge(&f, "csn"), RC_CHECK_WARN, RC_CISCO_EXIT_FIX, "not registered: nothing is sent",
           "Register");
}

Test(esa_check, the_first_fail_gives_the_exit_code)
{
    struct rc_esa_check_facts f;

    good(&f);
    f.st.reg.status = RC_ESA_REG_FAILED;
    cJSON_Delete(f.module_list);
    f.module_list = cJSON_CreateArray();
    judge(&f, "csn");
    cr_assert_eq(find("esa-module")->level, RC_CHECK_FAIL);
    cr_assert_eq(rc_check_exit(&rep, 0), RC_CISCO_EXIT_REGFAIL);
}

/* The line of text holding what starts with prefix (the shared report pads the id). */
static void line_is(const char *text, const char *prefix, const char *what)
{
    const char *p = strstr(text, what), *bol;

    cr_assert_not_null(p, "no '%s' in:\n%s", what, text);
    for (bol = p; bol > text && bol[-1] != '\n'; bol--)
        ;
    cr_assert(strncmp(bol, prefix, strlen(prefix)) == 0, "'%s' not on a '%s' line:\n%s", what,
              prefix, text);
}

Test(esa_check, text_lines_and_json)
{
    struct rc_esa_check_facts f;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cJSON *doc, *it;

    good(&f);
    f.st.committed.xdr = 0;
    judge(&f, "xdr");
    rc_check_print(out, &rep, rc_check_exit(&rep, 0));
    fclose(out);
    line_is(text, "OK    cloud-services ",
            "Cisco Cloud Services (Threat Response) is enabled and committed, server AMERICAS "
            "(api-sse.cisco.com)\n");
    line_is(text, "FAIL  xdr ",
            "Cisco XDR is disabled on the appliance: Threat Response cannot reach it; fix: Network "
            "> Cloud Service Settings > Edit Global Settings > Cisco XDR: Enable");
    cr_assert(strstr(text, "\n10 OK, 0 WARN, 1 FAIL: exit 5\n") != NULL, "%s", text);
    free(text);
    doc = rc_check_json(&rep, 5);
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(doc, "ok")));
    cr_assert_eq(cm_json_num(doc, "exit", 0), 5);
    cr_assert_eq(cm_json_num(cJSON_GetObjectItem(doc, "counts"), "fail", 0), 1);
    it = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "findings"), 4);
    cr_assert_str_eq(cm_json_str(it, "id", ""), "xdr");
    cr_assert_str_eq(cm_json_str(it, "status", ""), "FAIL");
    cr_assert(strstr(cm_json_str(it, "fix", ""), "Edit Global Settings") != NULL);
    cJSON_Delete(doc);
}
