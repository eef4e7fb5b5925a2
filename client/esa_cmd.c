/*
 * esa_cmd.c: the commands of `secmock client esa`, the appliance's Cloud
 * Service Settings page and cloudserviceconfig CLI, over the state file
 * (client/esa_state.h) and the registration protocol (client/esa_api.h).
 *
 * The rules the seeds give, and where they are enforced:
 * - nothing changes until it is committed: cloud-services and
 *   global-settings edit the pending settings, commit applies them, and
 *   register reads only the committed ones (the CTR tech note's "ESA does not
 *   ask for the registration token" when Threat Response is not committed);
 * - after a commit that turns Cloud Services on, the service is busy for a
 *   while (the Japanese guide: wait a few minutes for the Register button;
 *   the tech note's "The Cisco Cloud Service is busy"): register waits on
 *   the client's clock until it is ready;
 * - registration is asynchronous: register submits, then polls every 10 s
 *   (virtual time in a scenario) until registered or failed, for --wait;
 * - switching to another region needs a deregistration first (the Japanese
 *   guide's note), so cloud-services refuses it while registered;
 * - Cisco Success Network needs the appliance registered.
 */
#include "client/esa_cmd.h"

#include "client/ctr_api.h"
#include "client/ctr_cmd.h"
#include "client/esa_api.h"
#include "client/esa_check.h"
#include "client/esa_state.h"
#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define OPT_END                                                                                    \
    {                                                                                              \
        NULL, NULL, NULL, NULL, RC_OPT_STRING, NULL, NULL, NULL                                    \
    }
#define OPT_STATE                                                                                  \
    {                                                                                              \
        "esa.state", "--state", NULL, "ESA_STATE", RC_OPT_STRING, "esa-state.json", "FILE",        \
            "the appliance's state file (created on first use)"                                    \
    }
#define OPT_APPLIANCE                                                                              \
    OPT_STATE, {"esa.hostname", "--hostname",                                                      \
                NULL,           NULL,                                                              \
                RC_OPT_STRING,  NULL,                                                              \
                "NAME",         "set the appliance's host name (default esa03.mex-amp.inlab)"},    \
        {"esa.serial",  "--serial",                                                                \
         NULL,          NULL,                                                                      \
         RC_OPT_STRING, NULL,                                                                      \
         "SERIAL",      "set the appliance's serial number (its identity in SSE)"},                \
        {"esa.version", "--asyncos-version",                                                       \
         NULL,          NULL,                                                                      \
         RC_OPT_STRING, NULL,                                                                      \
         "VERSION",     "set the AsyncOS version (default 13.0.0-392)"},                           \
        {"esa.ip",      "--ip", NULL,   NULL,                                                      \
         RC_OPT_STRING, NULL,   "ADDR", "set the appliance's IP address (default 127.0.0.1)"},     \
        {"esa.model",   "--model", NULL,    NULL,                                                  \
         RC_OPT_STRING, NULL,      "MODEL", "set the model (default C100V)"},                      \
    {                                                                                              \
        "esa.license", "--license", NULL, NULL, RC_OPT_STRING, NULL, "classic|smart",              \
            "set the licensing mode (default classic)"                                             \
    }
#define OPT_FORMAT                                                                                 \
    {"esa.format",  "--format",                                                                    \
     NULL,          NULL,                                                                          \
     RC_OPT_STRING, NULL,                                                                          \
     "text|json",   "how to print (default: text on a terminal, else JSON)"},                      \
    {                                                                                              \
        "esa.json", "--json", NULL, NULL, RC_OPT_BOOL, NULL, NULL, "print JSON (--format json)"    \
    }

static const struct rc_opt status_opts[] = {OPT_APPLIANCE, OPT_FORMAT, OPT_END};
static const struct rc_opt cloud_opts[] = {
    {"esa.server", "--server", NULL, NULL, RC_OPT_STRING, NULL, "REGION|URL",
     "the Threat Response / Cisco Secure server: AMERICAS (nam, api-sse.cisco.com), EUROPE (eu, "
     "api.eu.sse.itd.cisco.com), APJC (apjc, api.apj.sse.itd.cisco.com), or a URL"},
    OPT_APPLIANCE,
    OPT_END,
};
static const struct rc_opt global_opts[] = {
    {"esa.xdr", "--xdr", NULL, NULL, RC_OPT_STRING, NULL, "enable|disable",
     "Cisco XDR (Threat Response) on the appliance"},
    {"esa.csn", "--csn", NULL, NULL, RC_OPT_STRING, NULL, "enable|disable",
     "Cisco Success Network"},
    OPT_APPLIANCE,
    OPT_END,
};
static const struct rc_opt commit_opts[] = {OPT_APPLIANCE, OPT_END};
static const struct rc_opt register_opts[] = {
    {"esa.token", "--token", NULL, "ESA_REGISTRATION_TOKEN", RC_OPT_STRING, NULL, "TOKEN",
     "the registration token generated in Security Services Exchange"},
    {"esa.wait", "--wait", NULL, NULL, RC_OPT_DURATION, "2m", "DUR",
     "how long to wait for the registration to complete (polling every 10 s)"},
    {"esa.no_wait", "--no-wait", NULL, NULL, RC_OPT_BOOL, NULL, NULL,
     "submit and return; `esa status` picks the result up"},
    OPT_APPLIANCE,
    OPT_END,
};
static const struct rc_opt deregister_opts[] = {OPT_APPLIANCE, OPT_END};
static const struct rc_opt check_opts[] = {
    OPT_STATE,
    {"esa.token", "--token", NULL, "ESA_REGISTRATION_TOKEN", RC_OPT_STRING, NULL, "TOKEN",
     "also check this registration token (when the appliance is not registered)"},
    RC_CTR_OPT_CREDS,
    {"esa.json", "--json", NULL, NULL, RC_OPT_BOOL, NULL, NULL, "print the findings as JSON"},
    {"check.strict", "--strict", NULL, NULL, RC_OPT_BOOL, NULL, NULL,
     "a WARN fails the check too (exit with its code)"},
    OPT_END,
};
static const struct rc_opt usage_opts[] = {OPT_APPLIANCE, OPT_END};

#define EXIT_CODES                                                                                 \
    "Exit codes: 0 done; 1 Cisco Cloud Services answered with an error, or the\n"                  \
    "registration is still in progress; 2 usage; 3 no answer (connection, TLS,\n"                  \
    "time-out); 4 the device credential was refused (deleted in SSE); 5 a setting to\n"            \
    "change first (not committed, not enabled, registered elsewhere, CSN off); 6 the\n"            \
    "registration failed (invalid or expired token). See docs/client.md.\n"

const struct rc_command rc_esa_commands[] = {
    {"status", "show Cloud Services and the registration status", "[options]",
     "Network > Cloud Service Settings, or `cloudserviceconfig status`. A registration\n"
     "in progress is polled once; a registered device is checked with SSE. JSON:\n"
     "  {\"threat_response\", \"server\", \"xdr\", \"csn\", \"status\": \"DISABLED\"|\"BUSY\"|\n"
     "   \"NOT_REGISTERED\"|\"INPROGRESS\"|\"REGISTERED\", \"message\", \"region\",\n"
     "   \"device_id\", \"uncommitted\", \"pending\"}\n"
     "\n" EXIT_CODES,
     status_opts, rc_esa_status_run},
    {"cloud-services", "enable Cisco Cloud Services with a server, or disable it (pending)",
     "enable --server REGION|URL | disable [options]",
     "Edit Settings: check Enable and choose the Threat Response server. The change is\n"
     "pending until `esa commit`. Moving a registered appliance to another region is\n"
     "refused: deregister first.\n"
     "\n" EXIT_CODES,
     cloud_opts, rc_esa_cloud_services_run},
    {"global-settings", "Edit Global Settings: Cisco XDR and Cisco Success Network (pending)",
     "[--xdr enable|disable] [--csn enable|disable] [options]",
     "Cisco Success Network can be enabled once the appliance is registered. Applied to\n"
     "SSE at `esa commit`.\n"
     "\n" EXIT_CODES,
     global_opts, rc_esa_global_settings_run},
    {"commit", "commit the pending changes (Commit Changes)", "[options]", EXIT_CODES, commit_opts,
     rc_esa_commit_run},
    {"register", "register the appliance with Security Services Exchange",
     "--token TOKEN [--wait DUR | --no-wait] [options]",
     "Cloud Services Settings > Registration Token > Register. Needs Cloud Services\n"
     "enabled and committed. Submits the registration, then polls until it completes.\n"
     "\n" EXIT_CODES,
     register_opts, rc_esa_register_run},
    {"deregister", "deregister the appliance (Deregister)", "[options]", EXIT_CODES,
     deregister_opts, rc_esa_deregister_run},
    {"check", "check the appliance and Threat Response / XDR configuration (reads only)",
     "[--token TOKEN] [--client-id ID --client-secret S --region R] [--json] [options]",
     "Reads, never changes: the state file, Security Services Exchange as the\n"
     "appliance sees it, and Threat Response with the API client. One line per\n"
     "finding, in the order of the setup: OK, WARN or FAIL, what, and the console\n"
     "path that fixes it. Findings: cloud-services, commit, region, token (with\n"
     "--token), registration, xdr, api-client, threat-response, device-visible,\n"
     "esa-module, remediation, csn. --json prints\n"
     "  {\"ok\", \"exit\", \"counts\": {\"ok\", \"warn\", \"fail\"},\n"
     "   \"findings\": [{\"id\", \"status\", \"what\", \"fix\"}]}\n"
     "\n"
     "Exit codes: 0 no FAIL (WARNs are remarks; --strict counts them); else the code\n"
     "of the first FAIL, the one to fix first: 1 an answer in error or a\n"
     "registration in progress; 2 usage; 3 no answer; 4 credentials (API client,\n"
     "device credential refused); 5 a configuration to fix; 6 the registration\n"
     "token or the last registration failed. See docs/client.md.\n",
     check_opts, rc_esa_check_run},
    {"usage", "send the Cisco Success Network usage report", "[options]",
     "Sends the appliance and feature usage details of the Japanese guide's sample\n"
     "table (UID, model, sIVAN, deployment, userAccountID, version, install date;\n"
     "per feature: name, enabled, status, expiry, ID) and prints them. Needs the\n"
     "appliance registered and Cisco Success Network enabled.\n"
     "\n" EXIT_CODES,
     usage_opts, rc_esa_usage_run},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};

/* ---- shared ---- */

struct esa {
    struct rc_ctx *ctx;
    const char *path;
    struct rc_esa_state st;
};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
}

static const char *opt(struct rc_ctx *ctx, const char *key, int *bad)
{
    const char *v = NULL;
    struct cm_err err = {{0}};
    int rc = rc_config_string(&ctx->cfg, key, &v, &err);

    if (rc == CM_ENOENT)
        return NULL;
    if (rc) {
        cm_error("%s", err.msg);
        *bad = 1;
        return NULL;
    }
    return v;
}

static int now_ms(struct esa *e, int64_t *now)
{
    struct cm_err err = {{0}};

    if (rc_clock_now(e->ctx->clock, now, &err) != 0) {
        cm_error("%s", err.msg);
        return RC_EXIT_CONN;
    }
    return 0;
}

static int set_field(char *dst, size_t size, const char *v, const char *flag)
{
    if (v == NULL)
        return 0;
    if (*v == '\0' || strlen(v) >= size) {
        cm_error("%s: expected 1 to %zu characters", flag, size - 1);
        return RC_EXIT_USAGE;
    }
    cm_strlcpy(dst, v, size);
    return 0;
}

/* Loads (or creates) the appliance and applies the identity options. 0 or an exit code. */
static int esa_open(struct rc_ctx *ctx, struct esa *e, size_t max_args)
{
    struct rc_esa_appliance *a = &e->st.appliance;
    struct cm_err err = {{0}};
    int64_t now = 0;
    int rc, bad = 0;
    const char *lic;

    memset(e, 0, sizeof(*e));
    e->ctx = ctx;
    e->path = opt(ctx, "esa.state", &bad);
    if (bad)
        return RC_EXIT_USAGE;
    if (ctx->cfg.n_args > max_args) {
        cm_error("unexpected operand '%s' (see --help)", ctx->cfg.args[max_args]);
        return RC_EXIT_USAGE;
    }
    rc = rc_esa_state_load(e->path, &e->st, &err);
    if (rc == CM_ENOENT) {
        if ((rc = now_ms(e, &now)) != 0)
            return rc;
        rc_esa_state_init(&e->st, now);
    } else if (rc) {
        cm_error("%s", err.msg);
        return RC_EXIT_USAGE;
    }
    if (e->st.reg.status != RC_ESA_REG_NONE && e->st.reg.base_url[0] == '\0')
        rc_esa_reg_base_url(&e->st, e->st.reg.base_url, sizeof(e->st.reg.base_url));
    if ((rc = set_field(a->name, sizeof(a->name), opt(ctx, "esa.hostname", &bad), "--hostname")) ||
        (rc = set_field(a->serial, sizeof(a->serial), opt(ctx, "esa.serial", &bad), "--serial")) ||
        (rc = set_field(a->version, sizeof(a->version), opt(ctx, "esa.version", &bad),
                        "--asyncos-version")) ||
        (rc = set_field(a->ip, sizeof(a->ip), opt(ctx, "esa.ip", &bad), "--ip")) ||
        (rc = set_field(a->model, sizeof(a->model), opt(ctx, "esa.model", &bad), "--model")))
        return rc;
    lic = opt(ctx, "esa.license", &bad);
    if (lic && strcmp(lic, "classic") != 0 && strcmp(lic, "smart") != 0) {
        cm_error("--license: expected classic or smart, got '%s'", lic);
        return RC_EXIT_USAGE;
    }
    if (lic)
        cm_strlcpy(a->license, lic, sizeof(a->license));
    return bad ? RC_EXIT_USAGE : 0;
}

static int esa_save(struct esa *e)
{
    struct cm_err err = {{0}};

    if (rc_esa_state_save(e->path, &e->st, &err) != 0) {
        cm_error("%s", err.msg);
        return RC_EXIT_USAGE;
    }
    return 0;
}

static const char *onoff(int v)
{
    return v ? "Enabled" : "Disabled";
}

/* 1 when the two servers are the same cloud. */
static int same_cloud(const char *a, const char *b)
{
    const char *ra = rc_esa_server_region(a), *rb = rc_esa_server_region(b);

    if (ra && rb)
        return strcmp(ra, rb) == 0;
    return strcmp(a, b) == 0;
}

static void clear_registration(struct rc_esa_state *st)
{
    memset(&st->reg, 0, sizeof(st->reg));
    st->reg.status = RC_ESA_REG_NONE;
}

/*
 * Polls a registration in progress once. 0 (st->reg updated), or an exit code after printing.
 * A registration SSE does not know any more is forgotten.
 */
static int poll_once(struct esa *e)
{
    struct rc_esa_registration *g = &e->st.reg;
    struct rc_esa_answer a;
    struct cm_buf msg;
    char *path = cm_asprintf("/v1/devices/registrations/%s", g->registration_id);
    int rc;

    rc = rc_esa_call(e->ctx, "GET", g->base_url, path, NULL, NULL, &a);
    free(path);
    if (rc)
        return rc;
    cm_buf_init(&msg, 0);
    if (a.status == 200) {
        rc_esa_read_poll(a.doc, g);
    } else if (a.status == 404) {
        cm_warn("Cisco Cloud Services does not know the registration %s any more; the appliance "
                "asks for a registration token again",
                g->registration_id);
        clear_registration(&e->st);
    } else {
        rc = rc_esa_explain("registration status", &a, &msg);
        cm_error("%s", cm_buf_str(&msg));
    }
    cm_buf_release(&msg);
    rc_esa_answer_release(&a);
    return rc;
}

/* Checks a registered device with SSE: a refused credential means it was removed. */
static int check_device(struct esa *e, int *removed)
{
    struct rc_esa_registration *g = &e->st.reg;
    struct rc_esa_answer a;
    struct cm_buf msg;
    char *path = cm_asprintf("/v1/devices/%s", g->device_id);
    int rc;

    *removed = 0;
    rc = rc_esa_call(e->ctx, "GET", g->base_url, path, g->device_token, NULL, &a);
    free(path);
    if (rc)
        return rc;
    cm_buf_init(&msg, 0);
    if (a.status == 401 || a.status == 404) {
        cm_warn("the device %s is no longer registered with Cisco Cloud Services (it was "
                "deregistered or deleted in Security Services Exchange); the appliance asks for "
                "a registration token again",
                g->device_id);
        clear_registration(&e->st);
        *removed = 1;
    } else if (a.status != 200) {
        rc = rc_esa_explain("device status", &a, &msg);
        cm_error("%s", cm_buf_str(&msg));
    }
    cm_buf_release(&msg);
    rc_esa_answer_release(&a);
    return rc;
}

/* ---- status ---- */

static cJSON *settings_view(const struct rc_esa_settings *s)
{
    cJSON *o = cJSON_CreateObject();
    char label[RC_ESA_URL + 64];

    rc_esa_server_label(s->server, label, sizeof(label));
    cJSON_AddStringToObject(o, "threat_response", onoff(s->cloud_services));
    cJSON_AddStringToObject(o, "server", label);
    cJSON_AddStringToObject(o, "xdr", onoff(s->xdr));
    cJSON_AddStringToObject(o, "csn", onoff(s->csn));
    return o;
}

int rc_esa_status_run(struct rc_ctx *ctx)
{
    struct esa e;
    struct rc_esa_state *st = &e.st;
    cJSON *doc = NULL;
    const char *status, *fmt;
    char message[1024], label[RC_ESA_URL + 64];
    int64_t now = 0;
    int rc, bad = 0, json = 0, removed = 0;
    struct cm_err err = {{0}};

    rc = esa_open(ctx, &e, 0);
    if (rc)
        return rc;
    fmt = opt(ctx, "esa.format", &bad);
    if (rc_config_bool(&ctx->cfg, "esa.json", &json, &err) == CM_EINVAL) {
        cm_error("%s", err.msg);
        bad = 1;
    }
    if (bad || (fmt && strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0)) {
        if (!bad)
            cm_error("--format: expected text or json, got '%s'", fmt);
        return RC_EXIT_USAGE;
    }
    if (!json)
        json = fmt ? strcmp(fmt, "json") == 0 : !(ctx->out.path == NULL && isatty(STDOUT_FILENO));
    if (st->reg.status == RC_ESA_REG_IN_PROGRESS && (rc = poll_once(&e)) != 0)
        goto out;
    if (st->reg.status == RC_ESA_REG_REGISTERED && (rc = check_device(&e, &removed)) != 0)
        goto out;
    if ((rc = esa_save(&e)) != 0 || (rc = now_ms(&e, &now)) != 0)
        goto out;
    rc_esa_server_label(st->committed.server, label, sizeof(label));
    if (st->reg.status == RC_ESA_REG_REGISTERED) {
        status = "REGISTERED";
        snprintf(message, sizeof(message),
                 "The appliance is registered with Cisco Cloud Services (%s), device ID %s.", label,
                 st->reg.device_id);
    } else if (st->reg.status == RC_ESA_REG_IN_PROGRESS) {
        status = "INPROGRESS";
        snprintf(message, sizeof(message), "%s", RC_ESA_MSG_IN_PROGRESS);
    } else if (!st->committed.cloud_services) {
        status = "DISABLED";
        snprintf(message, sizeof(message), "%s",
                 st->has_pending && st->pending.cloud_services
                     ? "Cisco Cloud Services (Threat Response) is enabled but not committed: the "
                       "appliance does not ask for a registration token until the changes are "
                       "committed (esa commit)."
                     : "Cisco Cloud Services is disabled (Edit Settings: esa cloud-services "
                       "enable --server REGION).");
    } else if (now < st->busy_until_ms) {
        status = "BUSY";
        snprintf(message, sizeof(message), "%s", RC_ESA_MSG_BUSY);
    } else {
        status = "NOT_REGISTERED";
        if (st->reg.status == RC_ESA_REG_FAILED)
            snprintf(message, sizeof(message),
                     "%s. Registration Token: enter a new registration token and click Register "
                     "(esa register --token TOKEN).",
                     st->reg.error);
        else
            snprintf(message, sizeof(message),
                     "Registration Token: enter the registration token "
                     "and click Register (esa register --token TOKEN).");
    }
    doc = settings_view(&st->committed);
    cJSON_AddStringToObject(doc, "status", status);
    cJSON_AddStringToObject(doc, "message", message);
    if (rc_esa_server_region(st->committed.server))
        cJSON_AddStringToObject(doc, "region", rc_esa_server_region(st->committed.server));
    if (st->reg.status == RC_ESA_REG_REGISTERED) {
        cJSON_AddStringToObject(doc, "device_id", st->reg.device_id);
        if (st->reg.region[0])
            cJSON_AddStringToObject(doc, "registered_region", st->reg.region);
    }
    if (st->reg.status == RC_ESA_REG_FAILED && st->reg.error_code[0])
        cJSON_AddStringToObject(doc, "last_error", st->reg.error_code);
    cJSON_AddStringToObject(doc, "hostname", st->appliance.name);
    cJSON_AddStringToObject(doc, "serial", st->appliance.serial);
    cJSON_AddBoolToObject(doc, "uncommitted", rc_esa_state_uncommitted(st));
    if (rc_esa_state_uncommitted(st))
        cJSON_AddItemToObject(doc, "pending", settings_view(&st->pending));
    if (json) {
        if (rc_output_json(&ctx->out, doc, &err) != 0) {
            cm_error("%s", err.msg);
            rc = RC_EXIT_USAGE;
        }
        goto out;
    }
    say("Cloud Services");
    say("  Threat Response:         %s", onoff(st->committed.cloud_services));
    say("  Threat Response Server:  %s", label);
    say("  Cisco XDR:               %s", onoff(st->committed.xdr));
    say("  Cisco Success Network:   %s", onoff(st->committed.csn));
    say("Cloud Services Settings");
    say("  Status:                  %s", message);
    if (st->reg.status == RC_ESA_REG_REGISTERED)
        say("  Device ID:               %s", st->reg.device_id);
    if (rc_esa_state_uncommitted(st))
        say("You have uncommitted changes. They take effect when you commit them (esa commit).");
out:
    cJSON_Delete(doc);
    return rc;
}

/* ---- cloud-services ---- */

int rc_esa_cloud_services_run(struct rc_ctx *ctx)
{
    struct esa e;
    struct rc_esa_settings *s;
    const char *verb, *server;
    char label[RC_ESA_URL + 64], reg_label[RC_ESA_URL + 64];
    int rc, bad = 0;

    rc = esa_open(ctx, &e, 1);
    if (rc)
        return rc;
    verb = ctx->cfg.n_args ? ctx->cfg.args[0] : "";
    server = opt(ctx, "esa.server", &bad);
    if (bad)
        return RC_EXIT_USAGE;
    if (strcmp(verb, "enable") != 0 && strcmp(verb, "disable") != 0) {
        cm_error("cloud-services: expected enable --server REGION|URL, or disable");
        return RC_EXIT_USAGE;
    }
    if (server && rc_esa_region_find(server) == NULL && strncasecmp(server, "http://", 7) != 0 &&
        strncasecmp(server, "https://", 8) != 0) {
        cm_error("--server: expected AMERICAS (nam, api-sse.cisco.com), EUROPE (eu, "
                 "api.eu.sse.itd.cisco.com), APJC (apjc, api.apj.sse.itd.cisco.com) or an "
                 "https:// URL, got '%s'",
                 server);
        return RC_EXIT_USAGE;
    }
    if (server && rc_esa_region_find(server))
        server = rc_esa_region_find(server)->name;
    s = rc_esa_state_editable(&e.st);
    if (strcmp(verb, "disable") == 0) {
        if (e.st.reg.status == RC_ESA_REG_REGISTERED || e.st.reg.status == RC_ESA_REG_IN_PROGRESS) {
            cm_error("the appliance is registered with Cisco Cloud Services: deregister it "
                     "(esa deregister) before disabling Cisco Cloud Services");
            return RC_CISCO_EXIT_FIX;
        }
        s->cloud_services = 0;
    } else {
        if (server &&
            (e.st.reg.status == RC_ESA_REG_REGISTERED ||
             e.st.reg.status == RC_ESA_REG_IN_PROGRESS) &&
            !same_cloud(server, e.st.reg.server)) {
            rc_esa_server_label(e.st.reg.server, reg_label, sizeof(reg_label));
            rc_esa_server_label(server, label, sizeof(label));
            cm_error("cannot switch the appliance from %s to %s while it is registered. %s; "
                     "then get a new token from the %s region's portal and register again.",
                     reg_label, label, RC_ESA_MSG_SWITCH_SERVER, label);
            return RC_CISCO_EXIT_FIX;
        }
        s->cloud_services = 1;
        if (server)
            cm_strlcpy(s->server, server, sizeof(s->server));
    }
    rc = esa_save(&e);
    if (rc)
        return rc;
    rc_esa_server_label(s->server, label, sizeof(label));
    say("Cloud Services settings saved (not committed): Threat Response: %s, Threat Response "
        "Server: %s.",
        onoff(s->cloud_services), label);
    if (rc_esa_state_uncommitted(&e.st))
        say("You have uncommitted changes. Commit them (esa commit) to apply them.");
    return 0;
}

/* ---- global-settings ---- */

static int parse_toggle(const char *v, const char *flag, int *out)
{
    if (v == NULL)
        return 0;
    if (strcmp(v, "enable") == 0 || strcmp(v, "on") == 0) {
        *out = 1;
        return 0;
    }
    if (strcmp(v, "disable") == 0 || strcmp(v, "off") == 0) {
        *out = 0;
        return 0;
    }
    cm_error("%s: expected enable or disable, got '%s'", flag, v);
    return RC_EXIT_USAGE;
}

int rc_esa_global_settings_run(struct rc_ctx *ctx)
{
    struct esa e;
    struct rc_esa_settings *s;
    const char *xdr, *csn;
    int rc, bad = 0, want_csn = -1, want_xdr = -1;

    rc = esa_open(ctx, &e, 0);
    if (rc)
        return rc;
    xdr = opt(ctx, "esa.xdr", &bad);
    csn = opt(ctx, "esa.csn", &bad);
    if (bad || parse_toggle(xdr, "--xdr", &want_xdr) || parse_toggle(csn, "--csn", &want_csn))
        return RC_EXIT_USAGE;
    if (xdr == NULL && csn == NULL) {
        cm_error("global-settings: give --xdr enable|disable and/or --csn enable|disable");
        return RC_EXIT_USAGE;
    }
    if (want_csn == 1 && e.st.reg.status != RC_ESA_REG_REGISTERED) {
        cm_error("Cisco Success Network needs the appliance registered with the Cisco Cloud "
                 "Services portal and enabled: register it first (esa register --token TOKEN)");
        return RC_CISCO_EXIT_FIX;
    }
    s = rc_esa_state_editable(&e.st);
    if (want_xdr >= 0)
        s->xdr = want_xdr;
    if (want_csn >= 0)
        s->csn = want_csn;
    rc = esa_save(&e);
    if (rc)
        return rc;
    say("Global settings saved (not committed): Cisco XDR: %s, Cisco Success Network: %s.",
        onoff(s->xdr), onoff(s->csn));
    if (rc_esa_state_uncommitted(&e.st))
        say("You have uncommitted changes. Commit them (esa commit) to apply them.");
    return 0;
}

/* ---- commit ---- */

int rc_esa_commit_run(struct rc_ctx *ctx)
{
    struct esa e;
    struct rc_esa_state *st = &e.st;
    struct rc_esa_settings *p = &st->pending, *c = &st->committed;
    int64_t now = 0;
    int rc;

    rc = esa_open(ctx, &e, 0);
    if (rc)
        return rc;
    if (!rc_esa_state_uncommitted(st)) {
        st->has_pending = 0;
        say("No changes to commit.");
        return esa_save(&e);
    }
    if ((rc = now_ms(&e, &now)) != 0)
        return rc;
    if (st->reg.status == RC_ESA_REG_REGISTERED && (p->xdr != c->xdr || p->csn != c->csn)) {
        struct rc_esa_answer a;
        struct cm_buf msg;
        cJSON *body = cJSON_CreateObject();
        char *text, *path = cm_asprintf("/v1/devices/%s/services", st->reg.device_id);

        cJSON_AddBoolToObject(body, "xdr", p->xdr);
        cJSON_AddBoolToObject(body, "csn", p->csn);
        text = cm_json_print(body);
        cJSON_Delete(body);
        rc = rc_esa_call(ctx, "PUT", st->reg.base_url, path, st->reg.device_token, text, &a);
        free(text);
        free(path);
        if (rc)
            return rc;
        cm_buf_init(&msg, 0);
        if (a.status == 401) {
            cm_warn("the device %s is no longer registered with Cisco Cloud Services (deleted in "
                    "Security Services Exchange); the appliance asks for a registration token "
                    "again",
                    st->reg.device_id);
            clear_registration(st);
        } else if (a.status != 200) {
            rc = rc_esa_explain("commit", &a, &msg);
            cm_error("%s (nothing was committed)", cm_buf_str(&msg));
        }
        cm_buf_release(&msg);
        rc_esa_answer_release(&a);
        if (rc)
            return rc;
    }
    if (p->cloud_services && (!c->cloud_services || strcmp(p->server, c->server) != 0))
        st->busy_until_ms = now + RC_ESA_BUSY_MS;
    *c = *p;
    st->has_pending = 0;
    rc = esa_save(&e);
    if (rc)
        return rc;
    say("%s", RC_ESA_MSG_COMMITTED);
    return 0;
}

/* ---- register ---- */

static int registration_failed(struct esa *e)
{
    struct cm_buf msg;

    cm_buf_init(&msg, 0);
    cm_buf_printf(&msg, "%s. ", e->st.reg.error[0] ? e->st.reg.error : RC_ESA_MSG_INVALID_TOKEN);
    rc_esa_failure_hint(&e->st.reg, &msg);
    cm_error("%s", cm_buf_str(&msg));
    cm_buf_release(&msg);
    return RC_CISCO_EXIT_REGFAIL;
}

/* Polls until the registration completes or wait_ms passes. */
static int wait_registration(struct esa *e, int64_t wait_ms)
{
    struct cm_err err = {{0}};
    int64_t start = 0, now = 0;
    int rc;

    if ((rc = now_ms(e, &start)) != 0)
        return rc;
    for (;;) {
        int64_t step;

        if ((rc = now_ms(e, &now)) != 0)
            return rc;
        if (now - start >= wait_ms)
            break;
        step = wait_ms - (now - start) < RC_ESA_POLL_MS ? wait_ms - (now - start) : RC_ESA_POLL_MS;
        if (rc_sleep(e->ctx->clock, step, &err) != 0) {
            cm_error("%s", err.msg);
            return RC_EXIT_CONN;
        }
        rc = poll_once(e);
        if (rc == 0)
            rc = esa_save(e);
        if (rc)
            return rc;
        if (e->st.reg.status == RC_ESA_REG_REGISTERED) {
            say("%s", RC_ESA_MSG_REGISTERED);
            say("Device ID: %s", e->st.reg.device_id);
            return 0;
        }
        if (e->st.reg.status == RC_ESA_REG_FAILED)
            return registration_failed(e);
        if (e->st.reg.status == RC_ESA_REG_NONE)
            return RC_EXIT_REMOTE;
    }
    say("%s", RC_ESA_MSG_IN_PROGRESS);
    cm_error("the registration is still in progress after %lld s; `secmock client esa status` "
             "shows its outcome later",
             (long long)(wait_ms / 1000));
    return RC_EXIT_REMOTE;
}

int rc_esa_register_run(struct rc_ctx *ctx)
{
    struct esa e;
    struct rc_esa_state *st = &e.st;
    struct rc_esa_answer a;
    struct cm_err err = {{0}};
    struct cm_buf msg;
    const char *token;
    char *tok = NULL, *text = NULL, label[RC_ESA_URL + 64], base[RC_ESA_URL];
    int64_t wait_ms = 120000, now = 0;
    int rc, bad = 0, no_wait = 0;
    size_t n;
    cJSON *body;

    memset(&a, 0, sizeof(a));
    cm_buf_init(&msg, 0);
    rc = esa_open(ctx, &e, 0);
    if (rc)
        goto out;
    token = opt(ctx, "esa.token", &bad);
    if (rc_config_duration(&ctx->cfg, "esa.wait", &wait_ms, &err) == CM_EINVAL ||
        rc_config_bool(&ctx->cfg, "esa.no_wait", &no_wait, &err) == CM_EINVAL) {
        cm_error("%s", err.msg);
        bad = 1;
    }
    if (bad) {
        rc = RC_EXIT_USAGE;
        goto out;
    }
    rc_esa_server_label(st->committed.server, label, sizeof(label));
    if (st->reg.status == RC_ESA_REG_REGISTERED) {
        cm_error("The appliance is already registered with Cisco Cloud Services (%s, device ID "
                 "%s). Deregister it (esa deregister) before registering it again.",
                 label, st->reg.device_id);
        rc = RC_CISCO_EXIT_FIX;
        goto out;
    }
    if (!st->committed.cloud_services) {
        if (st->has_pending && st->pending.cloud_services)
            cm_error("%s.", RC_ESA_MSG_NOT_COMMITTED);
        else
            cm_error("the appliance does not ask for a registration token: Cisco Cloud Services "
                     "(Threat Response) is disabled. Enable it (esa cloud-services enable "
                     "--server REGION), commit the changes (esa commit), then register.");
        rc = RC_CISCO_EXIT_FIX;
        goto out;
    }
    if (st->reg.status == RC_ESA_REG_IN_PROGRESS) {
        say("%s", RC_ESA_MSG_IN_PROGRESS);
        rc = no_wait ? 0 : wait_registration(&e, wait_ms);
        goto out;
    }
    if (token == NULL) {
        cm_error("register: give the registration token: --token TOKEN (generated in Security "
                 "Services Exchange: Devices > + > Continue > Copy)");
        rc = RC_EXIT_USAGE;
        goto out;
    }
    /* a pasted token keeps no surrounding blanks */
    while (*token == ' ' || *token == '\t' || *token == '\n' || *token == '\r')
        token++;
    n = strlen(token);
    while (n > 0 && (token[n - 1] == ' ' || token[n - 1] == '\t' || token[n - 1] == '\n' ||
                     token[n - 1] == '\r'))
        n--;
    if (n == 0 || n > 256) {
        cm_error("register: --token: expected the registration token (32 characters), got '%s'",
                 token);
        rc = RC_EXIT_USAGE;
        goto out;
    }
    tok = cm_strndup(token, n);
    if (st->has_pending && rc_esa_state_uncommitted(st) &&
        strcmp(st->pending.server, st->committed.server) != 0)
        cm_warn("the change of server is not committed: registering with the committed server, "
                "%s",
                label);
    if ((rc = now_ms(&e, &now)) != 0)
        goto out;
    if (now < st->busy_until_ms) {
        say("%s", RC_ESA_MSG_BUSY);
        if (rc_sleep(ctx->clock, st->busy_until_ms - now, &err) != 0) {
            cm_error("%s", err.msg);
            rc = RC_EXIT_CONN;
            goto out;
        }
    }
    rc_esa_base_url(st->committed.server, base, sizeof(base));
    body = rc_esa_register_body(st, tok);
    text = cm_json_print(body);
    cJSON_Delete(body);
    rc = rc_esa_call(ctx, "POST", base, "/v1/devices/register", NULL, text, &a);
    if (rc) {
        const struct rc_esa_region *r = rc_esa_region_find(st->committed.server);
        if (r && getenv(r->env) == NULL)
            cm_info("inside a scenario, the %s server's mock is given by %s", r->label, r->env);
        goto out;
    }
    if (a.status != 202 && a.status != 200) {
        rc = rc_esa_explain("registration", &a, &msg);
        cm_error("%s", cm_buf_str(&msg));
        goto out;
    }
    clear_registration(st);
    st->reg.status = RC_ESA_REG_IN_PROGRESS;
    cm_strlcpy(st->reg.server, st->committed.server, sizeof(st->reg.server));
    cm_strlcpy(st->reg.base_url, base, sizeof(st->reg.base_url));
    cm_strlcpy(st->reg.registration_id, cm_json_str(a.doc, "registration_id", ""),
               sizeof(st->reg.registration_id));
    cm_strlcpy(st->reg.submitted, cm_json_str(a.doc, "submitted", ""), sizeof(st->reg.submitted));
    rc_esa_read_poll(a.doc, &st->reg);
    if (st->reg.registration_id[0] == '\0') {
        cm_error("registration: Cisco Cloud Services accepted the request without a "
                 "registration_id; check the server (%s)",
                 base);
        clear_registration(st);
        rc = RC_EXIT_REMOTE;
        goto out;
    }
    if ((rc = esa_save(&e)) != 0)
        goto out;
    say("%s", RC_ESA_MSG_INITIATED);
    if (st->reg.status == RC_ESA_REG_REGISTERED) {
        say("%s", RC_ESA_MSG_REGISTERED);
        rc = 0;
    } else if (st->reg.status == RC_ESA_REG_FAILED) {
        rc = registration_failed(&e);
    } else {
        rc = no_wait ? 0 : wait_registration(&e, wait_ms);
    }
out:
    rc_esa_answer_release(&a);
    cm_buf_release(&msg);
    free(tok);
    free(text);
    return rc;
}

/* ---- deregister ---- */

int rc_esa_deregister_run(struct rc_ctx *ctx)
{
    struct esa e;
    struct rc_esa_state *st = &e.st;
    struct rc_esa_answer a;
    struct cm_buf msg;
    char *path;
    int rc;

    rc = esa_open(ctx, &e, 0);
    if (rc)
        return rc;
    if (st->reg.status == RC_ESA_REG_IN_PROGRESS) {
        rc = poll_once(&e);
        if (rc == 0)
            rc = esa_save(&e);
        if (rc)
            return rc;
        if (st->reg.status == RC_ESA_REG_IN_PROGRESS) {
            cm_error("%s Deregister once it completes.", RC_ESA_MSG_IN_PROGRESS);
            return RC_CISCO_EXIT_FIX;
        }
    }
    if (st->reg.status != RC_ESA_REG_REGISTERED) {
        if (st->reg.status == RC_ESA_REG_FAILED) {
            clear_registration(st);
            if ((rc = esa_save(&e)) != 0)
                return rc;
        }
        cm_error("the appliance is not registered with Cisco Cloud Services: there is nothing to "
                 "deregister");
        return RC_CISCO_EXIT_FIX;
    }
    path = cm_asprintf("/v1/devices/%s", st->reg.device_id);
    rc = rc_esa_call(ctx, "DELETE", st->reg.base_url, path, st->reg.device_token, NULL, &a);
    free(path);
    if (rc)
        return rc;
    cm_buf_init(&msg, 0);
    if (a.status == 401 || a.status == 404) {
        cm_warn("the device %s was already removed from Cisco Cloud Services (deleted in "
                "Security Services Exchange)",
                st->reg.device_id);
    } else if (a.status != 200) {
        rc = rc_esa_explain("deregistration", &a, &msg);
        cm_error("%s", cm_buf_str(&msg));
    }
    cm_buf_release(&msg);
    rc_esa_answer_release(&a);
    if (rc)
        return rc;
    clear_registration(st);
    rc = esa_save(&e);
    if (rc)
        return rc;
    say("%s", RC_ESA_MSG_DEREGISTERED);
    say("You can now Edit Global Settings to switch to another Cisco XDR server or change the "
        "registration token; a new registration needs a new token from that server's region.");
    return 0;
}

/* ---- usage ---- */

int rc_esa_usage_run(struct rc_ctx *ctx)
{
    struct esa e;
    struct rc_esa_state *st = &e.st;
    struct rc_esa_answer a;
    struct cm_err err = {{0}};
    struct cm_buf msg;
    cJSON *report = NULL, *out = NULL;
    char *text = NULL, *path = NULL;
    int rc;

    memset(&a, 0, sizeof(a));
    cm_buf_init(&msg, 0);
    rc = esa_open(ctx, &e, 0);
    if (rc)
        goto out;
    if (st->reg.status != RC_ESA_REG_REGISTERED) {
        cm_error("Cisco Success Network needs the appliance registered with the Cisco Cloud "
                 "Services portal and enabled (esa register --token TOKEN)");
        rc = RC_CISCO_EXIT_FIX;
        goto out;
    }
    if (!st->committed.csn) {
        cm_error("Cisco Success Network is not enabled on this appliance: enable it in Cloud "
                 "Service Settings > Edit Global Settings (esa global-settings --csn enable), "
                 "then commit (esa commit)");
        rc = RC_CISCO_EXIT_FIX;
        goto out;
    }
    report = rc_esa_usage_report(st);
    text = cm_json_print(report);
    path = cm_asprintf("/v1/devices/%s/usage", st->reg.device_id);
    rc = rc_esa_call(ctx, "POST", st->reg.base_url, path, st->reg.device_token, text, &a);
    if (rc)
        goto out;
    if (a.status != 202 && a.status != 200) {
        rc = rc_esa_explain("Cisco Success Network", &a, &msg);
        cm_error("%s", cm_buf_str(&msg));
        goto out;
    }
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "status", cm_json_str(a.doc, "status", "accepted"));
    if (cm_json_str(a.doc, "received", NULL))
        cJSON_AddStringToObject(out, "received", cm_json_str(a.doc, "received", ""));
    cJSON_AddItemToObject(out, "report", report);
    report = NULL;
    if (rc_output_json(&ctx->out, out, &err) != 0) {
        cm_error("%s", err.msg);
        rc = RC_EXIT_USAGE;
    }
out:
    cJSON_Delete(report);
    cJSON_Delete(out);
    rc_esa_answer_release(&a);
    cm_buf_release(&msg);
    free(text);
    free(path);
    return rc;
}
