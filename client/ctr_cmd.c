/*
 * ctr_cmd.c: the commands of `secmock client ctr`: investigate, remediate,
 * devices; their option tables and help.
 *
 * investigate: the query is parsed and checked (client/ctr_query.h); free
 * text goes to inspect, whose observables join the typed ones; the lot goes
 * to observe; the answer's sightings are printed (client/ctr_result.h). When
 * no ESA data comes back the client says why it may be, in the words of the
 * CTR tech note's troubleshooting: the syntax, the cloud (region), the ESA
 * module and Threat Response in Security Services Exchange.
 *
 * remediate: respond/observables for the message, then respond/trigger with
 * the matching action's url (relative to /iroh/iroh-response).
 */
#include "client/ctr_cmd.h"

#include "client/ctr_api.h"
#include "client/ctr_query.h"
#include "client/ctr_result.h"
#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define OPT_END                                                                                    \
    {                                                                                              \
        NULL, NULL, NULL, NULL, RC_OPT_STRING, NULL, NULL, NULL                                    \
    }
#define OPT_FORMAT                                                                                 \
    {"ctr.format",  "--format",                                                                    \
     NULL,          NULL,                                                                          \
     RC_OPT_STRING, NULL,                                                                          \
     "table|json",  "how to print (default: a table on a terminal, else JSON)"},                   \
    {                                                                                              \
        "ctr.json", "--json", NULL, NULL, RC_OPT_BOOL, NULL, NULL, "print JSON (--format json)"    \
    }

static const struct rc_opt investigate_opts[] = {
    RC_CTR_OPT_CREDS,
    OPT_FORMAT,
    {"ctr.raw", "--raw", NULL, NULL, RC_OPT_BOOL, NULL, NULL,
     "print Threat Response's enrichment answer as it came"},
    OPT_END,
};

static const struct rc_opt remediate_opts[] = {
    {"remediate.mid", "--mid", NULL, NULL, RC_OPT_STRING, NULL, "MID",
     "the Cisco message ID (MID) of the message"},
    {"remediate.message_id", "--message-id", NULL, NULL, RC_OPT_STRING, NULL, "ID",
     "or its email Message-ID header"},
    {"remediate.action", "--action", NULL, NULL, RC_OPT_STRING, NULL,
     "delete|forward|forward-delete", "the remediation"},
    {"remediate.module", "--module", NULL, NULL, RC_OPT_STRING, NULL, "NAME",
     "the module to use when several offer the action (name or instance id)"},
    RC_CTR_OPT_CREDS,
    OPT_END,
};

static const struct rc_opt devices_opts[] = {
    RC_CTR_OPT_CREDS,
    OPT_FORMAT,
    OPT_END,
};

#define EXIT_CODES                                                                                 \
    "Exit codes: 0 done; 1 Threat Response answered with an error; 2 usage or wrong\n"             \
    "query syntax; 3 no answer (connection, TLS, time-out); 4 API client or token\n"               \
    "refused; 5 a configuration to fix (ESA module, region, Threat Response in SSE,\n"             \
    "remediation profile). See docs/client.md.\n"

const struct rc_command rc_ctr_commands[] = {
    {"investigate", "investigate email observables and print the ESA's sightings",
     "[options] 'type:\"value\"'...",
     "Checks the query's syntax, gets an access token (POST /iroh/oauth2/token with\n"
     "the API client), sends the query to inspect (POST /iroh/iroh-inspect/inspect),\n"
     "which finds its observables, then asks every module about them (POST\n"
     "/iroh/iroh-enrich/observe/observables) and prints the sightings. Write\n"
     "observables as in the Threat Response tech note:\n"
     "\n"
     "  ip:\"4.2.2.2\"                    email_subject:\"Invoice Due\"\n"
     "  domain:\"cisco.com\"              cisco_mid:\"12345\"\n"
     "  email:\"noreply@cisco.com\"       sha256:\"<64 hex digits>\"\n"
     "  email_messageid:\"123-abc-456@cisco.com\"\n"
     "  file_name:\"invoice.pdf\"\n"
     "\n"
     "A bare value (1.1.1.1, cisco.com) is found by inspect. JSON output:\n"
     "  {\"region\", \"observables\", \"sightings\": [{\"module\", \"observed\", \"description\",\n"
     "   \"confidence\", \"severity\", \"cisco_mid\", \"sender\", \"recipient\", \"subject\",\n"
     "   ...}], \"errors\", \"modules\", \"esa_modules\"}\n"
     "\n" EXIT_CODES,
     investigate_opts, rc_ctr_investigate_run},
    {"remediate", "delete or forward a message through the ESA module's response actions",
     "--mid N --action delete|forward|forward-delete [options]",
     "Lists the response actions offered for the message (POST\n"
     "/iroh/iroh-response/respond/observables) and runs the one asked for (POST\n"
     "/iroh/iroh-response/respond/trigger/...). The ESA module offers them only when\n"
     "a remediation profile is enabled on the ESA (System Administration > Account\n"
     "Settings) and, for Forward, when the module has a remediation forward address.\n"
     "\n" EXIT_CODES,
     remediate_opts, rc_ctr_remediate_run},
    {"devices", "list the devices Threat Response sees in Security Services Exchange", "[options]",
     "GET /iroh/iroh-sse/device: the appliances registered in Security Services\n"
     "Exchange that Threat Response can use (the \"Registered Device\" list of the\n"
     "Add New Email Security Appliance Module form). An ESA is listed only when Cisco\n"
     "Threat Response is enabled on SSE's Cloud Services tab.\n"
     "\n" EXIT_CODES,
     devices_opts, rc_ctr_devices_run},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};

/* ---- shared ---- */

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

static int flag(struct rc_ctx *ctx, const char *key, int *bad)
{
    struct cm_err err = {{0}};
    int v = 0, rc = rc_config_bool(&ctx->cfg, key, &v, &err);

    if (rc && rc != CM_ENOENT) {
        cm_error("%s", err.msg);
        *bad = 1;
    }
    return rc == 0 && v;
}

int rc_ctr_open_session(struct rc_ctx *ctx, struct rc_ctr_session *s)
{
    struct rc_ctr_creds c;
    int bad = 0;

    c.region = opt(ctx, "ctr.region", &bad);
    c.base_url = opt(ctx, "ctr.base_url", &bad);
    c.client_id = opt(ctx, "ctr.client_id", &bad);
    c.client_secret = opt(ctx, "ctr.client_secret", &bad);
    if (bad) {
        memset(s, 0, sizeof(*s));
        return RC_EXIT_USAGE;
    }
    if (rc_ctr_session_init(s, ctx, &c) != 0) {
        cm_error("%s", s->msg);
        return s->exit_code;
    }
    return 0;
}

/* 1 for a table, 0 for JSON, -1 after printing a usage error. */
static int table_wanted(struct rc_ctx *ctx)
{
    int bad = 0;
    const char *f = opt(ctx, "ctr.format", &bad);
    int json = flag(ctx, "ctr.json", &bad);

    if (bad)
        return -1;
    if (json)
        return 0;
    if (f == NULL)
        return ctx->out.path == NULL && isatty(STDOUT_FILENO);
    if (strcmp(f, "table") == 0)
        return 1;
    if (strcmp(f, "json") == 0)
        return 0;
    cm_error("--format: expected table or json, got '%s'", f);
    return -1;
}

static int print_json(struct rc_ctx *ctx, const cJSON *doc)
{
    struct cm_err err = {{0}};

    if (rc_output_json(&ctx->out, doc, &err) != 0) {
        cm_error("%s", err.msg);
        return RC_EXIT_USAGE;
    }
    return 0;
}

static int print_table(struct rc_ctx *ctx, const char *const *cols, const cJSON *rows)
{
    struct cm_err err = {{0}};

    if (rc_output_table(&ctx->out, cols, rows, &err) != 0) {
        cm_error("%s", err.msg);
        return RC_EXIT_USAGE;
    }
    return 0;
}

void rc_ctr_query_escape(struct cm_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            cm_buf_putc(b, (char)c);
        } else {
            cm_buf_putc(b, '%');
            cm_buf_putc(b, hex[c >> 4]);
            cm_buf_putc(b, hex[c & 15]);
        }
    }
}

static const char *region_name(const struct rc_ctr_session *s)
{
    return s->region ? s->region->name : "custom";
}

/* The checklist of the tech note's "the investigation shows no ESA data". */
static void no_esa_checklist(struct cm_buf *b, const struct rc_ctr_session *s)
{
    cm_buf_puts(
        b,
        "Check that:\n"
        "  - the syntax of the investigation is right: type:\"value\", such as\n"
        "    email_subject:\"Invoice Due\", cisco_mid:\"12345\", email:\"noreply@cisco.com\";\n");
    if (s->region)
        cm_buf_printf(b,
                      "  - you investigate in the cloud the ESA is registered with: this is %s "
                      "(--region %s);\n    the ESA's Threat Response Server must be %s (Network "
                      "> Cloud Service Settings);\n",
                      s->region->label, s->region->name, s->region->label);
    else
        cm_buf_puts(b, "  - you investigate in the cloud the ESA is registered with (Americas or "
                       "Europe: --region nam|eu|apjc);\n");
    cm_buf_puts(b, "  - an Email Security Appliance module is added in Threat Response (Modules > "
                   "Add New Module)\n    with the registered ESA as its Registered Device, and "
                   "Cisco Threat Response is\n    enabled on the Cloud Services tab of Security "
                   "Services Exchange.");
}

/* ---- investigate ---- */

static char *join_args(const struct rc_config *cfg)
{
    struct cm_buf b;
    size_t i;

    cm_buf_init(&b, 0);
    for (i = 0; i < cfg->n_args; i++) {
        if (i)
            cm_buf_putc(&b, ' ');
        cm_buf_puts(&b, cfg->args[i]);
    }
    return cm_buf_steal(&b, NULL);
}

/* inspect: the observables Threat Response finds in text, into *found. 0, or an exit code
 * after printing. */
static int inspect(struct rc_ctr_session *s, const char *text, struct rc_ctr_query *found)
{
    cJSON *req = cJSON_CreateObject(), *doc = NULL, *o;
    char *body;
    int rc;

    memset(found, 0, sizeof(*found));
    cJSON_AddStringToObject(req, "content", text);
    body = cm_json_print(req);
    cJSON_Delete(req);
    rc = rc_ctr_call(s, RC_CTR_OP_INSPECT, "POST", "/iroh/iroh-inspect/inspect", body, &doc);
    free(body);
    if (rc) {
        cm_error("%s", s->msg);
        return s->exit_code;
    }
    if (cJSON_IsArray(doc))
        cJSON_ArrayForEach(o, doc)
        {
            const char *t = cm_json_str(o, "type", NULL), *v = cm_json_str(o, "value", NULL);
            if (t && v && *t && *v)
                rc_ctr_query_add(found, t, v);
        }
    cJSON_Delete(doc);
    return 0;
}

/* Warns about each typed term of the query that inspect did not return. */
static void cross_check(const struct rc_ctr_query *typed, const struct rc_ctr_query *found)
{
    size_t i, j;

    for (i = 0; i < typed->n; i++) {
        for (j = 0; j < found->n; j++)
            if (strcmp(typed->obs[i].type, found->obs[j].type) == 0 &&
                strcmp(typed->obs[i].value, found->obs[j].value) == 0)
                break;
        if (j == found->n)
            cm_warn("inspect did not return %s:\"%s\"; it is not investigated", typed->obs[i].type,
                    typed->obs[i].value);
    }
}

/* 1 when a module's error code says something is to be configured, not that it broke. */
static int config_error(const char *code)
{
    static const char *const words[] = {
        "unavailable",    "not-enabled",    "not_enabled", "disabled",
        "not-configured", "not_configured", "device",      "registration",
        "not-registered", "module",         NULL};
    const char *const *w;

    for (w = words; *w; w++)
        if (strcasestr(code, *w))
            return 1;
    return 0;
}

/* The first ESA module of GET /iroh/iroh-int/module-instance's answer, or NULL. */
static const cJSON *configured_esa(const cJSON *mods)
{
    const cJSON *m,
        *list = cJSON_IsArray(mods) ? mods : cJSON_GetObjectItemCaseSensitive(mods, "data");

    if (cJSON_IsArray(list))
        cJSON_ArrayForEach(m, list)
        {
            if (rc_ctr_module_is_esa(m) && cm_json_bool(m, "enabled", 1))
                return m;
        }
    return NULL;
}

/*
 * After an enrichment without ESA sightings: says why it may be, in the tech note's words, and
 * returns the exit code: 0 when the ESA module is there and simply found nothing, 5 when a
 * configuration is missing (no ESA module, the device not available to it), 1 for a module
 * failure.
 */
static int no_esa_data(struct rc_ctr_session *s, const struct rc_ctr_result *res)
{
    struct cm_buf msg;
    cJSON *mods = NULL;
    const cJSON *e, *esa;
    int code = 0, config = 0;

    cm_buf_init(&msg, 0);
    cm_buf_puts(&msg, "the investigation shows no data from the ESA");
    if (cJSON_GetArraySize(res->errors) > 0) {
        cJSON_ArrayForEach(e, res->errors)
        {
            const char *c = cm_json_str(e, "code", "");
            cm_buf_printf(&msg, ": module '%s' could not answer%s%s%s%s",
                          cm_json_str(e, "module", "?"), *c ? " (" : "", c, *c ? ")" : "", "");
            cm_buf_printf(&msg, ": %s", cm_json_str(e, "message", ""));
            config |= config_error(c);
        }
        cm_buf_puts(&msg, "\n");
        no_esa_checklist(&msg, s);
        cm_error("%s", cm_buf_str(&msg));
        code = config ? RC_CISCO_EXIT_FIX : RC_EXIT_REMOTE;
        goto out;
    }
    if (res->esa_modules > 0) {
        cm_buf_printf(&msg, ": the ESA module '%s' found no message for these observables.\n",
                      res->esa_name ? res->esa_name : "?");
        no_esa_checklist(&msg, s);
        cm_warn("%s", cm_buf_str(&msg));
        goto out;
    }
    if (rc_ctr_call(s, RC_CTR_OP_MODULES, "GET", "/iroh/iroh-int/module-instance", NULL, &mods) !=
        0) {
        cm_warn("cannot tell whether an ESA module is configured: %s", s->msg);
        cm_buf_puts(&msg, ".\n");
        no_esa_checklist(&msg, s);
        cm_error("%s", cm_buf_str(&msg));
        code = RC_CISCO_EXIT_FIX;
        goto out;
    }
    esa = configured_esa(mods);
    if (esa) {
        const cJSON *settings = cJSON_GetObjectItemCaseSensitive(esa, "settings");
        double days = cm_json_num(settings, "timeframe_days", -1);
        cm_buf_printf(&msg, ": the ESA module '%s' found no message for these observables",
                      cm_json_str(esa, "name", cm_json_str(esa, "module", "?")));
        if (days > 0)
            cm_buf_printf(&msg, " in the last %.0f days (its Request Timeframe)", days);
        cm_buf_puts(&msg, ".\n");
        no_esa_checklist(&msg, s);
        cm_warn("%s", cm_buf_str(&msg));
        goto out;
    }
    cm_buf_printf(&msg,
                  ": no Email Security Appliance module is configured in Threat Response (%s, "
                  "%s).\n",
                  region_name(s), s->base_url);
    no_esa_checklist(&msg, s);
    cm_error("%s", cm_buf_str(&msg));
    code = RC_CISCO_EXIT_FIX;
out:
    cJSON_Delete(mods);
    cm_buf_release(&msg);
    return code;
}

int rc_ctr_investigate_run(struct rc_ctx *ctx)
{
    struct rc_ctr_session s;
    struct rc_ctr_query q, found;
    struct rc_ctr_result res;
    struct cm_buf msg;
    cJSON *obs = NULL, *answer = NULL, *out = NULL;
    char *text = join_args(&ctx->cfg), *body = NULL;
    int code, table, bad = 0, raw;
    const cJSON *e;

    memset(&s, 0, sizeof(s));
    memset(&q, 0, sizeof(q));
    memset(&found, 0, sizeof(found));
    memset(&res, 0, sizeof(res));
    cm_buf_init(&msg, 0);
    table = table_wanted(ctx);
    raw = flag(ctx, "ctr.raw", &bad);
    if (table < 0 || bad) {
        code = RC_EXIT_USAGE;
        goto out;
    }
    if (ctx->cfg.n_args == 0) {
        cm_error("investigate: give what to investigate, such as 'email_subject:\"test test\"' "
                 "(see --help)");
        code = RC_EXIT_USAGE;
        goto out;
    }
    if (rc_ctr_query_parse(text, &q, &msg) != 0) {
        cm_error("investigate: %s.\nThe investigation would show no ESA data. Write each "
                 "observable as type:\"value\", as in:\n%s",
                 cm_buf_str(&msg), rc_ctr_syntax_help);
        code = RC_EXIT_USAGE;
        goto out;
    }
    code = rc_ctr_open_session(ctx, &s);
    if (code)
        goto out;
    code = inspect(&s, text, &found);
    if (code)
        goto out;
    cross_check(&q, &found);
    if (found.n == 0) {
        cm_error("investigate: Threat Response found no observable in '%s'. The investigation "
                 "would show no ESA data. Write each observable as type:\"value\", as in:\n%s",
                 text, rc_ctr_syntax_help);
        code = RC_EXIT_USAGE;
        goto out;
    }
    obs = rc_ctr_query_json(&found);
    body = cm_json_print(obs);
    if (rc_ctr_call(&s, RC_CTR_OP_OBSERVE, "POST", "/iroh/iroh-enrich/observe/observables", body,
                    &answer) != 0) {
        cm_error("%s", s.msg);
        code = s.exit_code;
        goto out;
    }
    rc_ctr_result_read(answer, &res);
    if (raw) {
        code = print_json(ctx, answer);
    } else if (table) {
        cJSON *rows = rc_ctr_table_rows(res.sightings);
        code = print_table(ctx, rc_ctr_table_columns, rows);
        cJSON_Delete(rows);
    } else {
        out = cJSON_CreateObject();
        cJSON_AddStringToObject(out, "region", region_name(&s));
        cJSON_AddItemToObject(out, "observables", cJSON_Duplicate(obs, 1));
        cJSON_AddItemToObject(out, "sightings", cJSON_Duplicate(res.sightings, 1));
        cJSON_AddItemToObject(out, "errors", cJSON_Duplicate(res.errors, 1));
        cJSON_AddNumberToObject(out, "modules", res.modules);
        cJSON_AddNumberToObject(out, "esa_modules", res.esa_modules);
        code = print_json(ctx, out);
    }
    if (code)
        goto out;
    if (res.esa_sightings > 0) {
        cJSON_ArrayForEach(e, res.errors)
        {
            cm_warn("module %s: %s%s%s", cm_json_str(e, "module", "?"), cm_json_str(e, "code", ""),
                    *cm_json_str(e, "code", "") ? ": " : "", cm_json_str(e, "message", ""));
        }
    } else {
        code = no_esa_data(&s, &res);
    }
out:
    cJSON_Delete(out);
    cJSON_Delete(answer);
    cJSON_Delete(obs);
    free(body);
    free(text);
    rc_ctr_result_release(&res);
    rc_ctr_query_release(&q);
    rc_ctr_query_release(&found);
    rc_ctr_session_release(&s);
    cm_buf_release(&msg);
    return code;
}

/* ---- remediate ---- */

/* The trigger path of an action: its url (relative to /iroh/iroh-response, or a full path or
 * URL), else one built from its module instance and id. Caller frees. */
static char *trigger_path(const cJSON *a, const char *type, const char *value)
{
    const char *url = cm_json_str(a, "url", NULL);
    struct cm_buf b;

    cm_buf_init(&b, 0);
    if (url && *url) {
        const char *p = url;
        if (strncasecmp(p, "http://", 7) == 0 || strncasecmp(p, "https://", 8) == 0) {
            p = strchr(strstr(p, "://") + 3, '/');
            if (p == NULL)
                p = "/";
        }
        if (strncmp(p, "/iroh/", 6) != 0)
            cm_buf_puts(&b, "/iroh/iroh-response");
        cm_buf_puts(&b, p);
        return cm_buf_steal(&b, NULL);
    }
    cm_buf_puts(&b, "/iroh/iroh-response/respond/trigger/");
    rc_ctr_query_escape(&b, cm_json_str(a, "module_instance_id", ""));
    cm_buf_putc(&b, '/');
    rc_ctr_query_escape(&b, cm_json_str(a, "id", ""));
    cm_buf_puts(&b, "?observable_type=");
    rc_ctr_query_escape(&b, type);
    cm_buf_puts(&b, "&observable_value=");
    rc_ctr_query_escape(&b, value);
    return cm_buf_steal(&b, NULL);
}

int rc_ctr_remediate_run(struct rc_ctx *ctx)
{
    struct rc_ctr_session s;
    struct rc_ctr_query q;
    struct cm_buf msg;
    enum rc_ctr_remedy remedy = RC_CTR_DELETE;
    const char *mid, *msgid, *action, *module, *type, *value;
    cJSON *obs = NULL, *offered_doc = NULL, *answer = NULL, *out = NULL;
    const cJSON *act;
    char *body = NULL, *offered = NULL, *path = NULL, *qtext = NULL;
    int bad = 0, code = RC_EXIT_USAGE;
    const char *status;

    memset(&s, 0, sizeof(s));
    memset(&q, 0, sizeof(q));
    cm_buf_init(&msg, 0);
    mid = opt(ctx, "remediate.mid", &bad);
    msgid = opt(ctx, "remediate.message_id", &bad);
    action = opt(ctx, "remediate.action", &bad);
    module = opt(ctx, "remediate.module", &bad);
    if (bad)
        goto out;
    if ((mid == NULL) == (msgid == NULL)) {
        cm_error("remediate: give the message as --mid N (its Cisco message ID) or --message-id "
                 "ID (its email Message-ID), one of the two");
        goto out;
    }
    if (action == NULL || rc_ctr_remedy_parse(action, &remedy) != 0) {
        cm_error("remediate: --action: expected delete, forward or forward-delete, got '%s'",
                 action ? action : "");
        goto out;
    }
    if (ctx->cfg.n_args) {
        cm_error("remediate: unexpected operand '%s' (see --help)", ctx->cfg.args[0]);
        goto out;
    }
    type = mid ? "cisco_mid" : "email_messageid";
    value = mid ? mid : msgid;
    qtext = cm_asprintf("%s:\"%s\"", type, value);
    if (strchr(value, '"') == NULL && rc_ctr_query_parse(qtext, &q, &msg) != 0) {
        cm_error("remediate: %s", cm_buf_str(&msg));
        goto out;
    }
    code = rc_ctr_open_session(ctx, &s);
    if (code)
        goto out;
    obs = cJSON_CreateArray();
    {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", type);
        cJSON_AddStringToObject(o, "value", value);
        cJSON_AddItemToArray(obs, o);
    }
    body = cm_json_print(obs);
    if (rc_ctr_call(&s, RC_CTR_OP_RESPOND, "POST", "/iroh/iroh-response/respond/observables", body,
                    &offered_doc) != 0) {
        cm_error("%s", s.msg);
        code = s.exit_code;
        goto out;
    }
    act = rc_ctr_find_action(offered_doc, remedy, module, &offered);
    if (act == NULL) {
        if (offered && *offered)
            cm_error("remediate: '%s' is not offered for %s %s (offered: %s). %s",
                     rc_ctr_remedy_title(remedy), rc_ctr_type_title(type), value, offered,
                     remedy == RC_CTR_DELETE
                         ? "Enable and configure a remediation profile on the ESA (System "
                           "Administration > Account Settings)."
                         : "Forwarding needs the remediation forward address in the Email "
                           "Security Appliance module (Threat Response / XDR > Modules) and a "
                           "remediation profile on the ESA (System Administration > Account "
                           "Settings).");
        else
            cm_error("remediate: no response action is offered for %s %s: the ESA module "
                     "offers Delete, Forward and Forward and Delete only when a remediation "
                     "profile is enabled and configured on the ESA (System Administration > "
                     "Account Settings) and the module has a remediation forward address "
                     "(Threat Response / XDR > Modules > the Email Security Appliance module); "
                     "check also that the message is one the ESA processed.",
                     rc_ctr_type_title(type), value);
        code = RC_CISCO_EXIT_FIX;
        goto out;
    }
    path = trigger_path(act, type, value);
    if (rc_ctr_call(&s, RC_CTR_OP_TRIGGER, "POST", path, NULL, &answer) != 0) {
        cm_error("%s", s.msg);
        code = s.exit_code;
        goto out;
    }
    {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(answer, "data");
        status = cm_json_str(cJSON_IsObject(d) ? d : answer, "status", "success");
    }
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "action", rc_ctr_remedy_title(remedy));
    cJSON_AddStringToObject(out, "action_id", cm_json_str(act, "id", ""));
    cJSON_AddStringToObject(out, "observable_type", type);
    cJSON_AddStringToObject(out, "observable_value", value);
    cJSON_AddStringToObject(out, "module", cm_json_str(act, "module", ""));
    cJSON_AddStringToObject(out, "module_instance_id", cm_json_str(act, "module_instance_id", ""));
    cJSON_AddStringToObject(out, "status", status);
    code = print_json(ctx, out);
    if (code == 0 && strcasecmp(status, "success") != 0) {
        const char *ecode = "", *emsg = "";
        rc_ctr_first_error(answer, &ecode, &emsg);
        cm_buf_reset(&msg);
        cm_buf_printf(&msg,
                      "remediate: %s of %s %s failed in module '%s': ", rc_ctr_remedy_title(remedy),
                      rc_ctr_type_title(type), value, cm_json_str(act, "module", "?"));
        if (*ecode)
            cm_buf_printf(&msg, "%s%s%s", ecode, *emsg ? ": " : "", emsg);
        else
            cm_buf_printf(&msg, "status '%s'", status);
        cm_error("%s", cm_buf_str(&msg));
        code = config_error(ecode) || strstr(ecode, "not-configured") ? RC_CISCO_EXIT_FIX
                                                                      : RC_EXIT_REMOTE;
    }
out:
    cJSON_Delete(out);
    cJSON_Delete(answer);
    cJSON_Delete(offered_doc);
    cJSON_Delete(obs);
    free(body);
    free(offered);
    free(path);
    free(qtext);
    rc_ctr_query_release(&q);
    rc_ctr_session_release(&s);
    cm_buf_release(&msg);
    return code;
}

/* ---- devices ---- */

int rc_ctr_devices_run(struct rc_ctx *ctx)
{
    static const char *const cols[] = {"name", "type", "version", "status", "id", "ip", NULL};
    struct rc_ctr_session s;
    cJSON *doc = NULL, *rows = NULL;
    const cJSON *list, *d;
    int table, code;

    memset(&s, 0, sizeof(s));
    table = table_wanted(ctx);
    if (table < 0)
        return RC_EXIT_USAGE;
    code = rc_ctr_open_session(ctx, &s);
    if (code)
        goto out;
    if (rc_ctr_call(&s, RC_CTR_OP_DEVICES, "GET", "/iroh/iroh-sse/device", NULL, &doc) != 0) {
        cm_error("%s", s.msg);
        code = s.exit_code;
        goto out;
    }
    list = cJSON_IsArray(doc) ? doc : cJSON_GetObjectItemCaseSensitive(doc, "data");
    if (!cJSON_IsArray(list) && cJSON_IsObject(list))
        list = cJSON_GetObjectItemCaseSensitive(list, "items");
    rows = cJSON_CreateArray();
    if (cJSON_IsArray(list))
        cJSON_ArrayForEach(d, list)
        {
            cJSON *r = cJSON_CreateObject();
            const char *id = cm_json_str(d, "id", cm_json_str(d, "device_id", ""));
            cJSON_AddStringToObject(r, "name", cm_json_str(d, "name", ""));
            cJSON_AddStringToObject(r, "type",
                                    cm_json_str(d, "type", cm_json_str(d, "device_type", "")));
            cJSON_AddStringToObject(r, "version", cm_json_str(d, "version", ""));
            cJSON_AddStringToObject(r, "status", cm_json_str(d, "status", ""));
            cJSON_AddStringToObject(r, "id", id);
            cJSON_AddStringToObject(r, "ip",
                                    cm_json_str(d, "ip", cm_json_str(d, "ip_address", "")));
            cJSON_AddItemToArray(rows, r);
        }
    code = table ? print_table(ctx, cols, rows) : print_json(ctx, rows);
    if (code == 0 && cJSON_GetArraySize(rows) == 0) {
        cm_error("no device is visible to Threat Response (%s, %s): enable Cisco Threat Response "
                 "on the Cloud Services tab of Security Services Exchange (Modules > Devices > "
                 "Manage Devices), and register the ESA with a token from this region's portal",
                 region_name(&s), s.base_url);
        code = RC_CISCO_EXIT_FIX;
    }
out:
    cJSON_Delete(rows);
    cJSON_Delete(doc);
    rc_ctr_session_release(&s);
    return code;
}
