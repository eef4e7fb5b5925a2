/*
 * esa_check.c: `secmock client esa check`, the configuration check of an
 * appliance and its Threat Response / XDR account (client/esa_check.h).
 *
 * gather makes only reads: the registration poll and the device status with
 * the appliance's credential (docs/cisco.md steps 2 and 3), a token's status
 * (GET /v1/tokens/<token>), and with the API client the org's SSE account
 * (GET /iroh/iroh-sse/tenant), the Registered Device list and the module
 * instances. The state file is read and never written back.
 *
 * judge follows the seeds: the Japanese guide's table (Cloud Services, the
 * token, the registration check, Cisco XDR, the module, remediation, CSN)
 * and the French tech note's troubleshooting (not committed, the device not
 * in the Registered Device list, the wrong cloud, an invalid or expired
 * token). Each fix names the console path of the seeds.
 */
#include "client/esa_check.h"

#include "client/ctr_cmd.h"
#include "client/ctr_result.h"
#include "client/esa_api.h"
#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <stdlib.h>
#include <string.h>

#define FIX_COMMIT "Network > Cloud Service Settings: Submit, then Commit Changes (esa commit)"
#define FIX_ENABLE                                                                                 \
    "Network > Cloud Service Settings > Edit Settings: check Enable, choose the Threat Response "  \
    "Server, Submit, then Commit Changes (esa cloud-services enable --server REGION; esa commit)"
#define FIX_REGISTER                                                                               \
    "Security Services Exchange > Devices > + (Add Devices and Generate Tokens) > Continue, copy " \
    "the token; then Network > Cloud Service Settings > Registration Token > Register (esa "       \
    "register --token TOKEN)"
#define FIX_XDR                                                                                    \
    "Network > Cloud Service Settings > Edit Global Settings > Cisco XDR: Enable, Submit, then "   \
    "Commit Changes (esa global-settings --xdr enable; esa commit)"
#define FIX_CSN                                                                                    \
    "Security Services > Cloud Service Settings > Edit Global Settings > Cisco Success Network: "  \
    "Enable or disable, Submit, then Commit Changes (esa global-settings --csn ...; esa commit)"
#define FIX_API_CLIENT                                                                             \
    "Threat Response > Settings > API Clients: create a client in the account's region; give "     \
    "--client-id and --client-secret (CTR_CLIENT_ID, CTR_CLIENT_SECRET) and --region"
#define FIX_CLOUD_TAB                                                                              \
    "Security Services Exchange > Cloud Services tab: enable Cisco Threat Response (Threat "       \
    "Response > Modules > Devices > Manage Devices opens it)"
#define FIX_MODULE                                                                                 \
    "Threat Response > Modules > Add New Module > Email Security Appliance: Module Name, "         \
    "Registered Device (this appliance), Request Timeframe (days), Save"
#define FIX_REMEDIATION                                                                            \
    "on the ESA, System Administration > Account Settings: enable and configure a remediation "    \
    "profile; in XDR, the Email Security Appliance module's remediation forward address "          \
    "(Administration > Integrations > the module > Edit)"

/* ---- judging ---- */

static const char *server_label(const char *server, char *buf, size_t size)
{
    rc_esa_server_label(server, buf, size);
    return buf;
}

/* "AMERICAS (api-sse.cisco.com)" for a region name, else the name. */
static const char *region_label(const char *region, char *buf, size_t size)
{
    return server_label(region, buf, size);
}

static const char *portal_of(const char *server)
{
    const struct rc_esa_region *r = rc_esa_region_find(server);

    return r ? r->portal : "the Security Services Exchange portal of the appliance's region";
}

/* 1 when both are known and differ. */
static int differ(const char *a, const char *b)
{
    return a[0] && b[0] && strcmp(a, b) != 0;
}

/* A FAIL for what (a sentence ending before the account) being of SSE account other, not the
 * org's: Threat Response does not see it. */
static void other_account(struct rc_check_report *r, const char *id, const char *what,
                          const char *other, const char *org)
{
    rc_check_add(r, id, RC_CHECK_FAIL, RC_CISCO_EXIT_FIX,
                 "register with a token generated from the org's Security Services Exchange "
                 "(Threat Response > Modules > Devices > Manage Devices > +)",
                 "%s Security Services Exchange account %s, not of the Threat Response org %s: "
                 "Threat Response does not see its devices",
                 what, other, org);
}

/* A FAIL for a read of Threat Response that was refused; 1 when added. */
static int read_failed(struct rc_check_report *r, const char *id, const struct rc_check_read *rd)
{
    if (rd->exit == 0)
        return 0;
    rc_check_add(r, id, RC_CHECK_FAIL, rd->exit, NULL, "%s", rd->msg);
    return 1;
}

static int registered(const struct rc_esa_check_facts *f)
{
    return f->st.reg.status == RC_ESA_REG_REGISTERED;
}

static void judge_cloud(const struct rc_esa_check_facts *f, struct rc_check_report *r)
{
    const struct rc_esa_state *st = &f->st;
    char l[RC_ESA_URL + 64];

    if (st->committed.cloud_services)
        rc_check_add(r, "cloud-services", RC_CHECK_OK, 0, NULL,
                     "Cisco Cloud Services (Threat Response) is enabled and committed, server %s",
                     server_label(st->committed.server, l, sizeof(l)));
    else if (st->has_pending && st->pending.cloud_services)
        rc_check_add(
            r, "cloud-services", RC_CHECK_FAIL, RC_CISCO_EXIT_FIX, FIX_COMMIT,
            "Threat Response is enabled but the change is not committed: the appliance does not "
            "ask for the registration token");
    else
        rc_check_add(r, "cloud-services", RC_CHECK_FAIL, RC_CISCO_EXIT_FIX, FIX_ENABLE,
                     "Cisco Cloud Services (Threat Response) is disabled");
}

static void judge_commit(const struct rc_esa_check_facts *f, struct rc_check_report *r)
{
    const struct rc_esa_settings *c = &f->st.committed, *p = &f->st.pending;
    char a[RC_ESA_URL + 64], b[RC_ESA_URL + 64], list[1200] = "";
    size_t n = 0;

    if (!rc_esa_state_uncommitted(&f->st)) {
        rc_check_add(r, "commit", RC_CHECK_OK, 0, NULL, "no uncommitted changes");
        return;
    }
    if (c->cloud_services != p->cloud_services)
        n += (size_t)snprintf(list + n, sizeof(list) - n, "%sThreat Response %s", n ? ", " : "",
                              p->cloud_services ? "Enabled" : "Disabled");
    if (strcmp(c->server, p->server) != 0 && n < sizeof(list))
        n += (size_t)snprintf(list + n, sizeof(list) - n, "%sserver %s (now %s)", n ? ", " : "",
                              server_label(p->server, a, sizeof(a)),
                              server_label(c->server, b, sizeof(b)));
    if (c->xdr != p->xdr && n < sizeof(list))
        n += (size_t)snprintf(list + n, sizeof(list) - n, "%sCisco XDR %s", n ? ", " : "",
                              p->xdr ? "Enabled" : "Disabled");
    if (c->csn != p->csn && n < sizeof(list))
        snprintf(list + n, sizeof(list) - n, "%sCisco Success Network %s", n ? ", " : "",
                 p->csn ? "Enabled" : "Disabled");
    rc_check_add(r, "commit", RC_CHECK_WARN, RC_CISCO_EXIT_FIX, FIX_COMMIT,
                 "uncommitted changes, not applied yet: %s", list);
}

static void judge_region(const struct rc_esa_check_facts *f, struct rc_check_report *r)
{
    const char *sr = rc_esa_server_region(f->st.committed.server);
    const char *dr = f->device_region[0] ? f->device_region : f->st.reg.region;
    char l1[RC_ESA_URL + 64], l2[128];

    if (sr == NULL) {
        rc_check_add(
            r, "region", RC_CHECK_WARN, RC_CISCO_EXIT_FIX,
            "Network > Cloud Service Settings > Edit Settings: choose AMERICAS, EUROPE or APJC",
            "the server is a URL (%s): its region cannot be compared with the Threat Response "
            "account's",
            f->st.committed.server);
        return;
    }
    if (registered(f) && differ(dr, sr)) {
        rc_check_add(r, "region", RC_CHECK_FAIL, RC_CISCO_EXIT_FIX, RC_ESA_MSG_SWITCH_SERVER,
                     "the appliance is registered in region %s but its server is %s", dr,
                     region_label(sr, l1, sizeof(l1)));
        return;
    }
    if (differ(f->ctr_region, sr)) {
        char fix[512];
        snprintf(fix, sizeof(fix),
                 "Network > Cloud Service Settings > Edit Settings: Threat Response Server %s "
                 "(deregister first when registered: Network > Cloud Service Settings > "
                 "Deregister), or check the account of region %s (--region %s)",
                 region_label(f->ctr_region, l2, sizeof(l2)), sr, sr);
        rc_check_add(r, "region", RC_CHECK_FAIL, RC_CISCO_EXIT_FIX, fix,
                     "the appliance's server is %s but the Threat Response account is in region %s "
                     "(%s): Threat Response sees only the devices of its own region",
                     region_label(sr, l1, sizeof(l1)), f->ctr_region, f->ctr_url);
        return;
    }
    if (f->ctr_region[0] || (registered(f) && dr[0]))
        rc_check_add(r, "region", RC_CHECK_OK, 0, NULL, "%s: the server%s%s agree",
                     region_label(sr, l1, sizeof(l1)),
                     f->ctr_region[0]
                         ? (registered(f) && dr[0] ? ", the Threat Response account"
                                                   : " and the Threat Response account")
                         : "",
                     registered(f) && dr[0] ? " and the registration" : "");
    else
        rc_check_add(
            r, "region", RC_CHECK_OK, 0, NULL,
            "%s: the server (no registration nor Threat Response account to compare it with)",
            region_label(sr, l1, sizeof(l1)));
}

static void judge_token(const struct rc_esa_check_facts *f, struct rc_check_report *r)
{
    const char *server = f->st.committed.server, *sr = rc_esa_server_region(server);
    char fix[512], l[RC_ESA_URL + 64];

    if (f->token == NULL || registered(f))
        return;
    snprintf(fix, sizeof(fix),
             "generate a new token at %s (Devices > + > Continue; 1 to 100 devices, 1 hour to 5 "
             "days), then Register",
             portal_of(server));
    if (f->token_http == 0) {
        rc_check_add(r, "token", RC_CHECK_FAIL, f->sse_exit ? f->sse_exit : RC_EXIT_CONN, NULL,
                     "the registration token could not be checked: %s",
                     f->sse_msg[0] ? f->sse_msg : "Security Services Exchange was not asked");
        return;
    }
    if (f->token_http == 404 && strcmp(f->token_code, "token_in_other_region") == 0) {
        rc_check_add(r, "token", RC_CHECK_FAIL, RC_CISCO_EXIT_REGFAIL, fix,
                     "%s: the token was generated in the portal of region %s, but the appliance's "
                     "server is %s",
                     RC_ESA_MSG_INVALID_TOKEN, f->token_region, server_label(server, l, sizeof(l)));
        return;
    }
    if (f->token_http == 404) {
        rc_check_add(
            r, "token", RC_CHECK_FAIL, RC_CISCO_EXIT_REGFAIL, fix,
            "%s: Security Services Exchange (%s) does not know this token (%zu characters; a "
            "token has 32): mistyped, cut short, or never generated",
            RC_ESA_MSG_INVALID_TOKEN, server_label(server, l, sizeof(l)), strlen(f->token));
        return;
    }
    if (f->token_http != 200) {
        rc_check_add(r, "token", RC_CHECK_FAIL, RC_EXIT_REMOTE, NULL,
                     "Security Services Exchange answered %ld to the token look-up", f->token_http);
        return;
    }
    if (strcmp(f->token_state, "expired") == 0)
        rc_check_add(r, "token", RC_CHECK_FAIL, RC_CISCO_EXIT_REGFAIL, fix,
                     "%s: the token expired at %s", RC_ESA_MSG_INVALID_TOKEN, f->token_expires);
    else if (strcmp(f->token_state, "used_up") == 0)
        rc_check_add(r, "token", RC_CHECK_FAIL, RC_CISCO_EXIT_REGFAIL, fix,
                     "%s: the token has registered all its %d devices, none is left",
                     RC_ESA_MSG_INVALID_TOKEN, f->token_devices);
    else if (strcmp(f->token_state, "revoked") == 0)
        rc_check_add(r, "token", RC_CHECK_FAIL, RC_CISCO_EXIT_REGFAIL, fix,
                     "%s: the token was revoked", RC_ESA_MSG_INVALID_TOKEN);
    else if (sr && differ(f->token_region, sr))
        rc_check_add(r, "token", RC_CHECK_FAIL, RC_CISCO_EXIT_REGFAIL, fix,
                     "%s: the token is of region %s, the appliance's server of region %s",
                     RC_ESA_MSG_INVALID_TOKEN, f->token_region, sr);
    else if (differ(f->token_org, f->tenant_org))
        other_account(r, "token", "the token was generated in", f->token_org, f->tenant_org);
    else
        rc_check_add(
            r, "token", RC_CHECK_OK, 0, NULL,
            "the registration token is valid: %d of %d devices left, expires %s (region %s)",
            f->token_remaining, f->token_devices, f->token_expires, f->token_region);
}

static void judge_registration(const struct rc_esa_check_facts *f, struct rc_check_report *r)
{
    const struct rc_esa_registration *g = &f->st.reg;
    char fix[512];

    switch (g->status) {
    case RC_ESA_REG_REGISTERED:
        if (f->device_http == 200)
            rc_check_add(
                r, "registration", RC_CHECK_OK, 0, NULL,
                "the appliance %s is registered with Cisco Cloud Services (region %s) as device "
                "%s",
                f->st.appliance.name, f->device_region[0] ? f->device_region : g->region,
                g->device_id);
        else if (f->device_http == 401 || f->device_http == 404)
            rc_check_add(
                r, "registration", RC_CHECK_FAIL, RC_CISCO_EXIT_AUTH, FIX_REGISTER,
                "Security Services Exchange refuses the device credential of %s: the device was "
                "deleted or deregistered in SSE, the appliance must register again",
                g->device_id);
        else if (f->device_http == 0)
            rc_check_add(r, "registration", RC_CHECK_FAIL, f->sse_exit ? f->sse_exit : RC_EXIT_CONN,
                         NULL, "the device %s could not be checked: %s", g->device_id, f->sse_msg);
        else
            rc_check_add(r, "registration", RC_CHECK_FAIL, RC_EXIT_REMOTE, NULL,
                         "Security Services Exchange answered %ld to the device status of %s",
                         f->device_http, g->device_id);
        return;
    case RC_ESA_REG_IN_PROGRESS:
        if (f->sse_exit)
            rc_check_add(r, "registration", RC_CHECK_FAIL, f->sse_exit, NULL,
                         "the registration in progress could not be polled: %s", f->sse_msg);
        else
            rc_check_add(r, "registration", RC_CHECK_WARN, RC_EXIT_REMOTE,
                         "Network > Cloud Service Settings: come back after some time (esa status)",
                         "%s", RC_ESA_MSG_IN_PROGRESS);
        return;
    case RC_ESA_REG_FAILED:
        if (strcmp(g->error_code, "already_registered") == 0 ||
            strcmp(g->error_code, "registered_in_other_region") == 0)
            snprintf(fix, sizeof(fix),
                     "deregister the appliance where it is registered (Network > Cloud Service "
                     "Settings > Deregister) or delete it in Security Services Exchange "
                     "(Devices), then register with a new token");
        else
            snprintf(fix, sizeof(fix),
                     "generate a new token at %s (Devices > + > Continue), then Network > Cloud "
                     "Service Settings > Registration Token > Register",
                     portal_of(f->st.committed.server));
        rc_check_add(r, "registration", RC_CHECK_FAIL, RC_CISCO_EXIT_REGFAIL, fix,
                     "the last registration failed: %s (%s)",
                     g->error[0] ? g->error : RC_ESA_MSG_INVALID_TOKEN,
                     g->error_code[0] ? g->error_code : "failed");
        return;
    case RC_ESA_REG_NONE:
        break;
    }
    rc_check_add(r, "registration", RC_CHECK_FAIL, RC_CISCO_EXIT_FIX, FIX_REGISTER,
                 "the appliance is not registered with Cisco Cloud Services");
}

/* A setting of Edit Global Settings that SSE does not have for the device. */
static void not_applied(struct rc_check_report *r, const char *id, enum rc_check_level level,
                        const char *fix, const char *name, int app, int sse)
{
    rc_check_add(r, id, level, RC_CISCO_EXIT_FIX, fix,
                 "%s is %s on the appliance but %s for the device in Security Services Exchange: "
                 "the change was not applied",
                 name, app ? "enabled" : "disabled", sse ? "enabled" : "disabled");
}

static void judge_xdr(const struct rc_esa_check_facts *f, struct rc_check_report *r)
{
    if (!f->st.committed.xdr)
        rc_check_add(r, "xdr", RC_CHECK_FAIL, RC_CISCO_EXIT_FIX, FIX_XDR,
                     "Cisco XDR is disabled on the appliance: Threat Response cannot reach it");
    else if (registered(f) && f->device_http == 200 && !f->device_xdr)
        not_applied(r, "xdr", RC_CHECK_FAIL, FIX_XDR, "Cisco XDR", 1, 0);
    else
        rc_check_add(r, "xdr", RC_CHECK_OK, 0, NULL, "Cisco XDR is enabled on the appliance%s",
                     registered(f) && f->device_http == 200 ? " and in Security Services Exchange"
                                                            : "");
}

/* The module instances of the answer (a bare array, or {"data": [...]}). */
static const cJSON *module_items(const cJSON *doc)
{
    return cJSON_IsArray(doc) ? doc : cJSON_GetObjectItemCaseSensitive(doc, "data");
}

static const char *module_device(const cJSON *m)
{
    return cm_json_str(cJSON_GetObjectItemCaseSensitive(m, "settings"), "device_id", "");
}

/* This appliance's ESA module, else the first ESA module (*mine 0), else NULL. */
static const cJSON *find_module(const struct rc_esa_check_facts *f, int *mine)
{
    const cJSON *m, *first = NULL;

    *mine = 0;
    cJSON_ArrayForEach(m, module_items(f->module_list))
    {
        if (!rc_ctr_module_is_esa(m))
            continue;
        if (registered(f) && strcmp(module_device(m), f->st.reg.device_id) == 0) {
            *mine = 1;
            return m;
        }
        if (first == NULL)
            first = m;
    }
    return first;
}

static void judge_device_visible(const struct rc_esa_check_facts *f, struct rc_check_report *r)
{
    const char *id = f->st.reg.device_id;

    if (!registered(f) || !f->devices.asked)
        return;
    if (read_failed(r, "device-visible", &f->devices))
        return;
    if (f->device_visible)
        rc_check_add(r, "device-visible", RC_CHECK_OK, 0, NULL,
                     "the device %s (%s) is in Threat Response's Registered Device list", id,
                     f->st.appliance.name);
    else if (differ(f->device_org, f->tenant_org)) {
        char what[256];
        snprintf(what, sizeof(what),
                 "the device %s is not in Threat Response's Registered Device list: it is "
                 "registered in",
                 id);
        other_account(r, "device-visible", what, f->device_org, f->tenant_org);
    } else if (f->tenant.exit == 0 && f->sse_account && !f->threat_response)
        rc_check_add(
            r, "device-visible", RC_CHECK_FAIL, RC_CISCO_EXIT_FIX, FIX_CLOUD_TAB,
            "the device %s is not in Threat Response's Registered Device list: Cisco Threat "
            "Response is disabled on SSE's Cloud Services tab",
            id);
    else
        rc_check_add(r, "device-visible", RC_CHECK_FAIL, RC_CISCO_EXIT_FIX, FIX_REGISTER,
                     "the device %s is not in Threat Response's Registered Device list (region %s)",
                     id, f->ctr_region[0] ? f->ctr_region : "?");
}

static void judge_module(const struct rc_esa_check_facts *f, struct rc_check_report *r)
{
    const cJSON *m, *s;
    char fix[512];
    int mine;

    if (!f->modules.asked)
        return;
    if (read_failed(r, "esa-module", &f->modules))
        return;
    m = find_module(f, &mine);
    if (m == NULL) {
        rc_check_add(r, "esa-module", RC_CHECK_FAIL, RC_CISCO_EXIT_FIX, FIX_MODULE,
                     "no Email Security Appliance module in Threat Response (region %s)",
                     f->ctr_region[0] ? f->ctr_region : "?");
        return;
    }
    s = cJSON_GetObjectItemCaseSensitive(m, "settings");
    if (!mine) {
        snprintf(fix, sizeof(fix),
                 "Threat Response > Modules > '%s' > Edit: Registered Device %s (or Add New "
                 "Module for this appliance)",
                 cm_json_str(m, "name", "?"), f->st.appliance.name);
        rc_check_add(
            r, "esa-module", registered(f) ? RC_CHECK_FAIL : RC_CHECK_WARN, RC_CISCO_EXIT_FIX, fix,
            "the Email Security Appliance module '%s' uses device %s, not this appliance%s",
            cm_json_str(m, "name", "?"), module_device(m),
            registered(f) ? "" : " (which is not registered)");
        return;
    }
    rc_check_add(
        r, "esa-module", RC_CHECK_OK, 0, NULL,
        "the Email Security Appliance module '%s' uses this appliance, Request Timeframe %.0f "
        "days",
        cm_json_str(m, "name", "?"), cm_json_num(s, "timeframe_days", 30));
    if (*cm_json_str(s, "remediation_profile", "") && *cm_json_str(s, "forward_address", ""))
        rc_check_add(
            r, "remediation", RC_CHECK_OK, 0, NULL,
            "Delete, Forward and Forward and Delete are offered: remediation profile '%s', "
            "forward address %s",
            cm_json_str(s, "remediation_profile", ""), cm_json_str(s, "forward_address", ""));
    else
        rc_check_add(r, "remediation", RC_CHECK_WARN, RC_CISCO_EXIT_FIX, FIX_REMEDIATION,
                     "Delete, Forward and Forward and Delete are not offered: no %s",
                     *cm_json_str(s, "remediation_profile", "")
                         ? "remediation forward address"
                         : (*cm_json_str(s, "forward_address", "")
                                ? "remediation profile"
                                : "remediation profile nor forward "
                                  "address"));
}

static void judge_tenant(const struct rc_esa_check_facts *f, struct rc_check_report *r)
{
    if (!f->sse_account)
        rc_check_add(
            r, "threat-response", RC_CHECK_FAIL, RC_CISCO_EXIT_FIX,
            "Threat Response > Modules > Devices > Manage Devices (links the org to Security "
            "Services Exchange in its region)",
            "the org %s has no Security Services Exchange account in region %s", f->tenant_org,
            f->ctr_region);
    else if (!f->threat_response)
        rc_check_add(
            r, "threat-response", RC_CHECK_FAIL, RC_CISCO_EXIT_FIX, FIX_CLOUD_TAB,
            "Cisco Threat Response is disabled on the Cloud Services tab of Security Services "
            "Exchange: no device is in the Registered Device list");
    else
        rc_check_add(
            r, "threat-response", RC_CHECK_OK, 0, NULL,
            "Cisco Threat Response is enabled on the Cloud Services tab of Security Services "
            "Exchange (account %s)",
            f->tenant_org);
}

static void judge_ctr(const struct rc_esa_check_facts *f, struct rc_check_report *r)
{
    if (!f->ctr_given) {
        rc_check_add(
            r, "api-client", RC_CHECK_WARN, RC_CISCO_EXIT_AUTH, FIX_API_CLIENT,
            "the Threat Response side (Cloud Services tab, Registered Device list, ESA module, "
            "remediation) is not checked: no API client given");
        return;
    }
    if (f->ctr_exit) {
        rc_check_add(r, "api-client", RC_CHECK_FAIL, f->ctr_exit, FIX_API_CLIENT, "%s", f->ctr_msg);
        return;
    }
    rc_check_add(r, "api-client", RC_CHECK_OK, 0, NULL,
                 "the API client %s gets a token from %s (region %s)", f->ctr_client, f->ctr_url,
                 f->ctr_region[0] ? f->ctr_region : "?");
    if (!read_failed(r, "threat-response", &f->tenant))
        judge_tenant(f, r);
    judge_device_visible(f, r);
    judge_module(f, r);
}

static void judge_csn(const struct rc_esa_check_facts *f, struct rc_check_report *r)
{
    int app = f->st.committed.csn;

    if (registered(f) && f->device_http == 200 && app != f->device_csn)
        not_applied(r, "csn", RC_CHECK_WARN, FIX_CSN, "Cisco Success Network", app, f->device_csn);
    else if (app && !registered(f))
        rc_check_add(
            r, "csn", RC_CHECK_WARN, RC_CISCO_EXIT_FIX, FIX_REGISTER,
            "Cisco Success Network is enabled but the appliance is not registered: nothing is "
            "sent");
    else
        rc_check_add(r, "csn", RC_CHECK_OK, 0, NULL, "Cisco Success Network is %s%s",
                     app ? "enabled" : "disabled (optional)",
                     app ? ": the usage details are sent to Cisco" : "");
}

void rc_esa_check_judge(const struct rc_esa_check_facts *f, struct rc_check_report *r)
{
    memset(r, 0, sizeof(*r));
    judge_cloud(f, r);
    judge_commit(f, r);
    judge_region(f, r);
    judge_token(f, r);
    judge_registration(f, r);
    judge_xdr(f, r);
    judge_ctr(f, r);
    judge_csn(f, r);
}

void rc_esa_check_facts_release(struct rc_esa_check_facts *f)
{
    cJSON_Delete(f->module_list);
    f->module_list = NULL;
}

/* ---- gathering ---- */

static void say_unreachable(struct rc_esa_check_facts *f, int rc, const char *base)
{
    if (f->sse_exit == 0) {
        f->sse_exit = rc;
        snprintf(f->sse_msg, sizeof(f->sse_msg),
                 "no answer from Cisco Cloud Services at %s (the error is above); HTTPS port 443 "
                 "must be open to the server",
                 base);
    }
}

/* The poll of a registration in progress, into f->st.reg. */
static void read_poll(struct rc_ctx *ctx, struct rc_esa_check_facts *f, const char *base)
{
    struct rc_esa_registration *g = &f->st.reg;
    struct rc_esa_answer a;
    char *path = cm_asprintf("/v1/devices/registrations/%s", g->registration_id);
    int rc = rc_esa_call(ctx, "GET", base, path, NULL, NULL, &a);

    free(path);
    if (rc) {
        say_unreachable(f, rc, base);
        return;
    }
    if (a.status == 200) {
        rc_esa_read_poll(a.doc, g);
    } else if (a.status == 404) {
        memset(g, 0, sizeof(*g));
        g->status = RC_ESA_REG_NONE;
    }
    rc_esa_answer_release(&a);
}

/* The device's status with its credential. */
static void read_device(struct rc_ctx *ctx, struct rc_esa_check_facts *f, const char *base)
{
    const struct rc_esa_registration *g = &f->st.reg;
    const cJSON *sv;
    struct rc_esa_answer a;
    char *path = cm_asprintf("/v1/devices/%s", g->device_id);
    int rc = rc_esa_call(ctx, "GET", base, path, g->device_token, NULL, &a);

    free(path);
    if (rc) {
        say_unreachable(f, rc, base);
        return;
    }
    f->device_http = a.status;
    if (a.status == 200) {
        sv = cJSON_GetObjectItemCaseSensitive(a.doc, "services");
        cm_strlcpy(f->device_region, cm_json_str(a.doc, "region", ""), sizeof(f->device_region));
        cm_strlcpy(f->device_org, cm_json_str(a.doc, "org", ""), sizeof(f->device_org));
        f->device_xdr = cm_json_bool(sv, "xdr", 1);
        f->device_csn = cm_json_bool(sv, "csn", 0);
    }
    rc_esa_answer_release(&a);
}

/* A registration token's status on the committed server's SSE. */
static void read_token(struct rc_ctx *ctx, struct rc_esa_check_facts *f)
{
    struct rc_esa_answer a;
    struct cm_buf path;
    char base[RC_ESA_URL];
    const cJSON *e;
    int rc;

    rc_esa_base_url(f->st.committed.server, base, sizeof(base));
    cm_buf_init(&path, 0);
    cm_buf_puts(&path, "/v1/tokens/");
    rc_ctr_query_escape(&path, f->token);
    rc = rc_esa_call(ctx, "GET", base, cm_buf_str(&path), NULL, NULL, &a);
    cm_buf_release(&path);
    if (rc) {
        say_unreachable(f, rc, base);
        return;
    }
    f->token_http = a.status;
    e = cJSON_GetObjectItemCaseSensitive(a.doc, "error");
    cm_strlcpy(f->token_code, a.code, sizeof(f->token_code));
    cm_strlcpy(f->token_state, cm_json_str(a.doc, "status", ""), sizeof(f->token_state));
    cm_strlcpy(f->token_region, cm_json_str(a.doc, "region", cm_json_str(e, "region", "")),
               sizeof(f->token_region));
    cm_strlcpy(f->token_org, cm_json_str(a.doc, "org", ""), sizeof(f->token_org));
    cm_strlcpy(f->token_expires, cm_json_str(a.doc, "expires", ""), sizeof(f->token_expires));
    f->token_devices = (int)cm_json_num(a.doc, "devices", 0);
    f->token_remaining = (int)cm_json_num(a.doc, "remaining", 0);
    rc_esa_answer_release(&a);
}

/* One read of Threat Response; 0 and *doc, or the failure in rd. */
static int ctr_read(struct rc_ctr_session *s, const char *path, struct rc_check_read *rd,
                    cJSON **doc)
{
    rd->asked = 1;
    if (rc_ctr_call(s, RC_CTR_OP_DEVICES, "GET", path, NULL, doc) == 0)
        return 0;
    rd->exit = s->exit_code ? s->exit_code : RC_EXIT_REMOTE;
    cm_strlcpy(rd->msg, s->msg, sizeof(rd->msg));
    return -1;
}

static void read_ctr(struct rc_esa_check_facts *f, struct rc_ctr_session *s)
{
    cJSON *doc = NULL;
    const cJSON *d;

    cm_strlcpy(f->ctr_url, s->base_url, sizeof(f->ctr_url));
    cm_strlcpy(f->ctr_client, s->client_id, sizeof(f->ctr_client));
    if (ctr_read(s, "/iroh/iroh-sse/tenant", &f->tenant, &doc) != 0 && s->tokens == 0) {
        f->ctr_exit = f->tenant.exit;
        cm_strlcpy(f->ctr_msg, f->tenant.msg, sizeof(f->ctr_msg));
        return;
    }
    /* the client got a token here: the account is of this region */
    if (s->region)
        cm_strlcpy(f->ctr_region, s->region->name, sizeof(f->ctr_region));
    if (doc) {
        cm_strlcpy(f->tenant_org, cm_json_str(doc, "org", ""), sizeof(f->tenant_org));
        if (*cm_json_str(doc, "region", ""))
            cm_strlcpy(f->ctr_region, cm_json_str(doc, "region", ""), sizeof(f->ctr_region));
        f->sse_account = cm_json_bool(doc, "sse_account", 0);
        f->threat_response = cm_json_bool(cJSON_GetObjectItemCaseSensitive(doc, "cloud_services"),
                                          "threat_response", 0);
        cJSON_Delete(doc);
        doc = NULL;
    }
    if (f->st.reg.status == RC_ESA_REG_REGISTERED &&
        ctr_read(s, "/iroh/iroh-sse/device", &f->devices, &doc) == 0) {
        const cJSON *list = module_items(doc);
        cJSON_ArrayForEach(d, list)
        {
            if (strcmp(cm_json_str(d, "id", ""), f->st.reg.device_id) == 0)
                f->device_visible = 1;
        }
        cJSON_Delete(doc);
        doc = NULL;
    }
    if (ctr_read(s, "/iroh/iroh-int/module-instance", &f->modules, &doc) == 0)
        f->module_list = doc;
}

int rc_esa_check_gather(struct rc_ctx *ctx, struct rc_esa_check_facts *f)
{
    static const char *const keys[] = {"esa.state", "esa.token", "ctr.client_id",
                                       "ctr.client_secret"};
    const char *v[4] = {NULL, NULL, NULL, NULL};
    struct rc_ctr_session s;
    struct cm_err err = {{0}};
    char base[RC_ESA_URL];
    size_t i;
    int rc;

    memset(f, 0, sizeof(*f));
    for (i = 0; i < 4; i++) {
        rc = rc_config_string(&ctx->cfg, keys[i], &v[i], &err);
        if (rc && rc != CM_ENOENT) {
            cm_error("%s", err.msg);
            return RC_EXIT_USAGE;
        }
    }
    if (ctx->cfg.n_args) {
        cm_error("check: unexpected operand '%s' (see --help)", ctx->cfg.args[0]);
        return RC_EXIT_USAGE;
    }
    if (rc_clock_now(ctx->clock, &f->now_ms, &err) != 0) {
        cm_error("%s", err.msg);
        return RC_EXIT_CONN;
    }
    rc = rc_esa_state_load(v[0], &f->st, &err);
    if (rc == CM_ENOENT) {
        cm_warn("no appliance state '%s': checking a new appliance (nothing configured)", v[0]);
        rc_esa_state_init(&f->st, f->now_ms);
    } else if (rc) {
        cm_error("%s", err.msg);
        return RC_EXIT_USAGE;
    }
    f->token = v[1] && *v[1] ? v[1] : NULL;
    rc_esa_reg_base_url(&f->st, base, sizeof(base));
    if (f->st.reg.status == RC_ESA_REG_IN_PROGRESS)
        read_poll(ctx, f, base);
    if (f->st.reg.status == RC_ESA_REG_REGISTERED)
        read_device(ctx, f, base);
    if (f->token && f->st.reg.status != RC_ESA_REG_REGISTERED)
        read_token(ctx, f);
    f->ctr_given = v[2] && *v[2] && v[3] && *v[3];
    if (!f->ctr_given)
        return 0;
    rc = rc_ctr_open_session(ctx, &s);
    if (rc == 0)
        read_ctr(f, &s);
    rc_ctr_session_release(&s);
    return rc;
}

int rc_esa_check_run(struct rc_ctx *ctx)
{
    struct rc_esa_check_facts f;
    struct rc_check_report r;
    struct cm_err err = {{0}};
    int json = 0, strict = 0, code;
    cJSON *doc;

    if (rc_config_bool(&ctx->cfg, "esa.json", &json, &err) == CM_EINVAL ||
        rc_config_bool(&ctx->cfg, "check.strict", &strict, &err) == CM_EINVAL) {
        cm_error("%s", err.msg);
        return RC_EXIT_USAGE;
    }
    code = rc_esa_check_gather(ctx, &f);
    if (code) {
        rc_esa_check_facts_release(&f);
        return code;
    }
    rc_esa_check_judge(&f, &r);
    rc_esa_check_facts_release(&f);
    code = rc_check_exit(&r, strict);
    if (!json) {
        rc_check_print(stdout, &r, code);
        return code;
    }
    doc = rc_check_json(&r, code);
    if (rc_output_json(&ctx->out, doc, &err) != 0) {
        cm_error("%s", err.msg);
        code = RC_EXIT_USAGE;
    }
    cJSON_Delete(doc);
    return code;
}
