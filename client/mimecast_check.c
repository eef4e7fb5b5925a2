/*
 * mimecast_check.c: `secmock client mimecast check` (client/mimecast_check.h):
 * the reads, the judgement in the Sophos setup guide's order, and the command.
 *
 * The reads go through the Mimecast client's session (client/mimecast_api.h),
 * so they are signed, retried and explained exactly as `ingest` does it;
 * the session is given no password, so a 418 is reported, never "repaired"
 * by a login (which would change the binding). get-logs asks for one record
 * of the last minute: a read the role's permission decides, nothing more.
 *
 * The console paths of the fixes are the guide's steps, in the English
 * console's words: Administration > Account > Account Settings > Enhanced
 * Logging; Account > Roles > Application Permissions; Account > Account
 * Settings > User Access and Permissions; Authentication Profiles'
 * Authentication Cache TTL; Services > API and Platform Integrations.
 */
#include "client/mimecast_check.h"

#include "client/mimecast_cmd.h"
#include "client/mimecast_proto.h"
#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The permission each log type needs, as Mimecast names it (rc_mm_logtypes order). */
static const char *const permissions[RC_MM_CHECK_TYPES] = {
    "Monitoring | URL Protection | Read",
    "Monitoring | Impersonation Protection | Read",
    "Monitoring | Attachment Protection | Read",
};
static const char *const permission_ids[RC_MM_CHECK_TYPES] = {
    "permission.url", "permission.impersonation", "permission.attachment"};

#define FIX_APP1                                                                                   \
    "Services > API and Platform Integrations > Your Application Integrations: copy the "          \
    "Application ID and Application Key; Create Keys (the service user's address and password) "   \
    "for a new Access Key and Secret Key; enter all four in Sophos Central (Threat Analysis "      \
    "Center > Integrations > Mimecast Email Security Cloud Gateway)"
#define FIX_APP2                                                                                   \
    "Services > API and Platform Integrations > your API 2.0 application: copy the Client ID "     \
    "and Client Secret (shown once; create a new secret if it is lost)"
#define FIX_ADMIN_IP                                                                               \
    "Account > Account Settings > User Access and Permissions: add the address to the Admin IP "   \
    "Ranges (for Sophos Central: the Sophos IP addresses for integrations of your Sophos "         \
    "Central region), or move the IP restriction to the administrators' authentication profile"
#define FIX_CLOCK "this host: synchronise the clock (NTP)"
#define FIX_LOGGING                                                                                \
    "Administration > Account > Account Settings > Enhanced Logging: select Inbound, Outbound "    \
    "and Internal, then Save"

void rc_mm_check_facts_release(struct rc_mm_check_facts *f)
{
    cJSON_Delete(f->acct);
    f->acct = NULL;
}

/* ---- judging ---- */

static int has(const char *s, const char *needle)
{
    return s && strcasestr(s, needle) != NULL;
}

const char *rc_mm_check_topic(long status, const char *code, const char *msg)
{
    if (has(code, "region") || has(msg, "incorrect region"))
        return "region";
    if (has(code, "_ip_") || has(code, "ip_address") || has(code, "address_not"))
        return "admin-ip";
    if (has(code, "skew") || has(code, "clock") || has(msg, "too skewed"))
        return "clock";
    if (status == 418 || has(code, "binding_expired") || has(code, "key_expired"))
        return "auth-cache-ttl";
    if (has(code, "not_yet") || has(code, "keys_not") || has(code, "too_early"))
        return "keys";
    if (has(code, "logging"))
        return "enhanced-logging";
    if (status == 403 || has(code, "forbidden") || has(code, "permission"))
        return "permission";
    if (status == 401 || has(code, "credential") || has(code, "signature") ||
        has(code, "developer_key") || has(code, "access_key") || has(code, "invalid_client") ||
        has(code, "token") || has(code, "revoked"))
        return "credentials";
    return "service";
}

/* " (Mimecast: code: message)", or the explanation when Mimecast said nothing. */
static void quote(char *out, size_t size, const struct rc_mm_check_read *rd)
{
    if (rd->code[0] || rd->text[0])
        snprintf(out, size, " (Mimecast: %s%s%s)", rd->code, rd->code[0] && rd->text[0] ? ": " : "",
                 rd->text);
    else
        snprintf(out, size, ": %.1500s", rd->msg);
}

/* Copies what s holds between "role '" and the next quote. */
static void role_of(const char *s, char *out, size_t size)
{
    const char *p = s ? strstr(s, "role '") : NULL, *end;

    out[0] = '\0';
    if (p == NULL || (end = strchr(p + 6, '\'')) == NULL)
        return;
    snprintf(out, size, "%.*s", (int)(end - (p + 6)), p + 6);
}

/* The first https:// or http:// URL of s, or "". */
static void url_in(const char *s, char *out, size_t size)
{
    const char *p = s ? strstr(s, "https://") : NULL;

    if (p == NULL && s)
        p = strstr(s, "http://");
    out[0] = '\0';
    if (p)
        snprintf(out, size, "%.*s", (int)strcspn(p, " ;,)'\""), p);
}

/* The service user: given, or the binding's. */
static const char *user_of(const struct rc_mm_check_facts *f)
{
    if (f->user)
        return f->user;
    return cm_json_str(cJSON_GetObjectItemCaseSensitive(f->acct, "binding"), "userName",
                       "the service user");
}

/* A refused read: one FAIL under the id of its topic (permission reads keep theirs). */
static void refused(const struct rc_mm_check_facts *f, struct rc_check_report *r,
                    const struct rc_mm_check_read *rd, const char *permission_id, int type)
{
    const char *mm_msg = rd->text;
    const char *topic = rd->status == 0 && !rd->code[0]
                            ? (rd->exit == RC_MM_EXIT_AUTH ? "credentials" : "service")
                            : rc_mm_check_topic(rd->status, rd->code, mm_msg);
    const char *who = f->api == RC_MM_API2 ? "the API 2.0 application" : user_of(f);
    char q[1700], fix[512], role[128], url[256];
    int code = rd->exit ? rd->exit : RC_EXIT_REMOTE;

    quote(q, sizeof(q), rd);
    if (strcmp(topic, "permission") == 0 && permission_id) {
        role_of(mm_msg, role, sizeof(role));
        snprintf(fix, sizeof(fix),
                 "Account > Roles > %s%s%s > Application Permissions: select %s, Save and Exit; "
                 "%s",
                 role[0] ? "'" : "the integration's role (for example 'Sophos Integration')", role,
                 role[0] ? "'" : "", rc_mm_logtypes[type].permission,
                 f->api == RC_MM_API2
                     ? "the API 2.0 application must use that role (Services > API and Platform "
                       "Integrations)"
                     : "then Add User to Role for the service user");
        rc_check_add(r, permission_id, RC_CHECK_FAIL, code, fix,
                     "%s may not read the %s logs: %s%s%s lacks %s%s", who,
                     rc_mm_logtypes[type].name, role[0] ? "the role '" : "its role", role,
                     role[0] ? "'" : "", permissions[type], q);
        return;
    }
    if (strcmp(topic, "region") == 0) {
        url_in(mm_msg, url, sizeof(url));
        snprintf(fix, sizeof(fix), "the integration's Base URL (Sophos Central) or --base-url: %s",
                 url[0] ? url
                        : "the base URL of the account's region (Mimecast's global base URLs; "
                          "the account code gives the grid)");
        rc_check_add(r, "region", RC_CHECK_FAIL, code, fix, "%s does not serve the account%s",
                     f->base_url ? f->base_url : "the base URL", q);
    } else if (strcmp(topic, "admin-ip") == 0) {
        rc_check_add(r, "admin-ip", RC_CHECK_FAIL, code, FIX_ADMIN_IP,
                     "requests from %s are outside the account's Admin IP Ranges%s",
                     f->source_addr ? f->source_addr : "this host's address", q);
    } else if (strcmp(topic, "clock") == 0) {
        rc_check_add(r, "clock", RC_CHECK_FAIL, code, FIX_CLOCK,
                     "Mimecast refused the request time as too far from its clock%s", q);
    } else if (strcmp(topic, "auth-cache-ttl") == 0) {
        rc_check_add(r, "auth-cache-ttl", RC_CHECK_FAIL, code,
                     "Administration > Services > Applications > Authentication Profiles > the "
                     "service user's profile: set the Authentication Cache TTL to Never Expire "
                     "(and Enable Extended Session on the API application), then Create Keys "
                     "again",
                     "the binding (access key) of %s has expired%s", who, q);
    } else if (strcmp(topic, "keys") == 0) {
        rc_check_add(r, "keys", RC_CHECK_FAIL, code,
                     "wait: Mimecast accepts an API application's credentials 30 minutes after "
                     "it is created (Services > API and Platform Integrations)",
                     "the credentials of the API application are not active yet%s", q);
    } else if (strcmp(topic, "credentials") == 0) {
        const char *what = has(rd->code, "signature")
                               ? "the secret key or the application key does not match the "
                                 "access key (a bad secret)"
                           : has(rd->code, "developer_key")
                               ? "Mimecast does not know the application (unknown application "
                                 "ID, or the application is disabled)"
                           : has(rd->code, "revoked")
                               ? "the access key was revoked (the service user's password was "
                                 "changed, or the user disabled)"
                           : f->api == RC_MM_API2 ? "Mimecast refused the API 2.0 client"
                                                  : "Mimecast refused the API 1.0 keys";
        rc_check_add(r, "credentials", RC_CHECK_FAIL, code,
                     f->api == RC_MM_API2 ? FIX_APP2 : FIX_APP1, "%s%s", what, q);
    } else {
        rc_check_add(r, permission_id ? permission_id : "service", RC_CHECK_FAIL, code, NULL, "%s",
                     rd->msg[0] ? rd->msg : "Mimecast answered with an error");
    }
}

static void judge_keys(const struct rc_mm_check_facts *f, struct rc_check_report *r)
{
    char since[64] = "";
    int64_t at;

    if (f->discover.exit) {
        refused(f, r, &f->discover, NULL, 0);
        return;
    }
    if (f->keys_at[0] && cm_time_parse(f->keys_at, &at) == 0 && at > f->now_ms) {
        char wait[32];

        cm_duration_format(at - f->now_ms, wait, sizeof(wait));
        rc_check_add(r, "keys", RC_CHECK_FAIL, RC_MM_EXIT_AUTH,
                     "wait until then, then Services > API and Platform Integrations > your "
                     "application > Create Keys (or `secmock client mimecast keys`)",
                     "the access and secret keys of application %s cannot be created yet: "
                     "Mimecast creates them 30 minutes after the application, at %s (in %s)",
                     f->app_id, f->keys_at, wait);
        return;
    }
    if (f->keys_at[0])
        snprintf(since, sizeof(since), " (since %s)", f->keys_at);
    rc_check_add(r, "keys", RC_CHECK_FAIL, RC_MM_EXIT_AUTH,
                 "Services > API and Platform Integrations > your application > Create Keys (or "
                 "`secmock client mimecast keys`), then give --access-key and --secret-key",
                 "no access key and secret key given; application %s may create them now%s",
                 f->app_id, since);
}

static void judge_binding(const struct rc_mm_check_facts *f, struct rc_check_report *r)
{
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(f->acct, "binding");
    const char *expires = cm_json_str(b, "expires", NULL);
    const char *profile = cm_json_str(b, "authenticationProfile", NULL);
    const char *ttl = cm_json_str(b, "authenticationCacheTtl", "");
    int ext = cm_json_bool(b, "extendedSession", 1);
    char fix[512], left[32] = "";
    int64_t at;

    snprintf(fix, sizeof(fix),
             "Administration > Services > Applications > Authentication Profiles > %s%s%s: set "
             "the Authentication Cache TTL to Never Expire%s; then Create Keys again (the "
             "binding keeps the TTL it was made with)",
             profile ? "'" : "the profile applied to the service user (Application Settings)",
             profile ? profile : "", profile ? "'" : "",
             ext ? ""
                 : ", and Enable Extended Session on the API application (Services > API "
                   "and Platform Integrations)");
    if (!cJSON_IsObject(b)) {
        rc_check_add(r, "auth-cache-ttl", RC_CHECK_WARN, RC_MM_EXIT_FIX, fix,
                     "Mimecast does not say when the binding expires; make sure it never does");
        return;
    }
    if (expires == NULL) {
        rc_check_add(r, "auth-cache-ttl", RC_CHECK_OK, 0, NULL,
                     "the binding of %s never expires (authentication profile %s%s%s, cache TTL "
                     "%s)",
                     cm_json_str(b, "userName", ""), profile ? "'" : "", profile ? profile : "none",
                     profile ? "'" : "", ttl);
        return;
    }
    if (cm_time_parse(expires, &at) == 0 && at > f->now_ms)
        cm_duration_format(at - f->now_ms, left, sizeof(left));
    rc_check_add(
        r, "auth-cache-ttl", f->has_password ? RC_CHECK_WARN : RC_CHECK_FAIL, RC_MM_EXIT_FIX, fix,
        "the binding of %s will expire at %s%s%s (authentication profile %s%s%s, cache "
        "TTL %s%s): set the Authentication Cache TTL to Never Expire%s",
        cm_json_str(b, "userName", ""), expires, left[0] ? ", in " : "", left, profile ? "'" : "",
        profile ? profile : "none", profile ? "'" : "", ttl, ext ? "" : ", no Extended Session",
        f->has_password ? "; meanwhile the client logs in again with --password" : "");
}

static void judge_logging(const struct rc_mm_check_facts *f, struct rc_check_report *r)
{
    static const char *const dirs[] = {"inbound", "outbound", "internal"};
    static const char *const names[] = {"Inbound", "Outbound", "Internal"};
    const cJSON *el = cJSON_GetObjectItemCaseSensitive(f->acct, "enhancedLogging");
    char off[64] = "";
    size_t i, n = 0;

    if (!cJSON_IsObject(el)) {
        rc_check_add(r, "enhanced-logging", RC_CHECK_WARN, RC_MM_EXIT_FIX, FIX_LOGGING,
                     "Mimecast does not say whether Enhanced Logging is on; without it the logs "
                     "stay empty");
        return;
    }
    for (i = 0; i < 3; i++)
        if (!cm_json_bool(el, dirs[i], 0))
            n += (size_t)snprintf(off + n, sizeof(off) - n, "%s%s", n ? ", " : "", names[i]);
    if (n == 0)
        rc_check_add(r, "enhanced-logging", RC_CHECK_OK, 0, NULL,
                     "Enhanced Logging is on for Inbound, Outbound and Internal");
    else
        rc_check_add(r, "enhanced-logging", RC_CHECK_FAIL, RC_MM_EXIT_FIX, FIX_LOGGING,
                     "Enhanced Logging is off for %s: Mimecast does not log those messages, so "
                     "their URL, impersonation and attachment logs stay empty (Sophos Central "
                     "shows no data)",
                     off);
}

void rc_mm_check_judge(const struct rc_mm_check_facts *f, struct rc_check_report *r)
{
    const char *code = cm_json_str(f->acct, "accountCode", "?");
    const char *user = user_of(f);
    int i;

    if (f->discover.asked) {
        judge_keys(f, r);
        return;
    }
    if (f->account.exit) {
        refused(f, r, &f->account, NULL, 0);
        return;
    }
    if (f->api == RC_MM_API2)
        rc_check_add(r, "credentials", RC_CHECK_OK, 0, NULL,
                     "the API 2.0 client %s gets a token and reads account %s (%s)",
                     f->client_id ? f->client_id : "", code,
                     cm_json_str(f->acct, "accountName", ""));
    else
        rc_check_add(r, "credentials", RC_CHECK_OK, 0, NULL,
                     "the API 1.0 keys of application %s are accepted for account %s (%s)",
                     f->app_id ? f->app_id : "", code, cm_json_str(f->acct, "accountName", ""));
    rc_check_add(r, "region", RC_CHECK_OK, 0, NULL, "%s serves account %s (grid %s)",
                 f->base_url ? f->base_url : "the base URL", code,
                 cm_json_str(f->acct, "region", "?"));
    rc_check_add(r, "admin-ip", RC_CHECK_OK, 0, NULL,
                 "requests from %s are allowed by the account's Admin IP Ranges",
                 f->source_addr ? f->source_addr : "this host");
    if (f->api == RC_MM_API1)
        judge_binding(f, r);
    judge_logging(f, r);
    for (i = 0; i < RC_MM_CHECK_TYPES; i++) {
        if (!f->want[i])
            continue;
        if (f->logs[i].exit)
            refused(f, r, &f->logs[i], permission_ids[i], i);
        else
            rc_check_add(r, permission_ids[i], RC_CHECK_OK, 0, NULL, "%s may read the %s logs (%s)",
                         f->api == RC_MM_API2 ? "the API 2.0 application" : user,
                         rc_mm_logtypes[i].name, permissions[i]);
    }
}

/* ---- reads ---- */

/* Records a read's outcome from the session. */
static void record(struct rc_mm_check_read *rd, const struct rc_mm_session *s, int rc)
{
    rd->asked = 1;
    if (rc == 0)
        return;
    rd->exit = s->exit_code ? s->exit_code : RC_EXIT_REMOTE;
    rd->status = s->err_status;
    cm_strlcpy(rd->code, s->err_code, sizeof(rd->code));
    cm_strlcpy(rd->text, s->err_message, sizeof(rd->text));
    cm_strlcpy(rd->msg, s->msg, sizeof(rd->msg));
}

int rc_mm_check_gather(struct rc_ctx *ctx, struct rc_mm_session *s, struct rc_mm_check_facts *f)
{
    struct cm_err err = {{0}};
    cJSON *body, *doc = NULL, *d0, *item, *pag;
    char from[RC_MM_TIME_SIZE], to[RC_MM_TIME_SIZE];
    int i, rc;

    if (rc_clock_now(ctx->clock, &f->now_ms, &err) != 0) {
        cm_error("%s", err.msg);
        return RC_EXIT_CONN;
    }
    if (f->api == RC_MM_API1 && !f->has_keys) {
        rc = rc_mm_discover(s, &d0);
        record(&f->discover, s, rc);
        if (rc == 0) {
            cm_strlcpy(f->keys_at, cm_json_str(d0, "keysAvailableAt", ""), sizeof(f->keys_at));
            cJSON_Delete(d0);
        }
        return 0;
    }
    body = cJSON_CreateObject();
    cJSON_AddArrayToObject(body, "data");
    rc = rc_mm_call(s, RC_MM_OP_LOGS, "/api/account/get-account", body, &doc);
    cJSON_Delete(body);
    record(&f->account, s, rc);
    if (rc)
        return 0;
    d0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "data"), 0);
    f->acct = cJSON_IsObject(d0) ? cJSON_Duplicate(d0, 1) : cJSON_CreateObject();
    cJSON_Delete(doc);
    rc_mm_time_format(f->now_ms - 60000, from);
    rc_mm_time_format(f->now_ms, to);
    for (i = 0; i < RC_MM_CHECK_TYPES; i++) {
        if (!f->want[i])
            continue;
        body = cJSON_CreateObject();
        pag = cJSON_AddObjectToObject(cJSON_AddObjectToObject(body, "meta"), "pagination");
        cJSON_AddNumberToObject(pag, "pageSize", 1);
        item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "from", from);
        cJSON_AddStringToObject(item, "to", to);
        cJSON_AddBoolToObject(item, "oldestFirst", 1);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(body, "data"), item);
        s->logtype = &rc_mm_logtypes[i];
        doc = NULL;
        rc = rc_mm_call(s, RC_MM_OP_LOGS, rc_mm_logtypes[i].path, body, &doc);
        record(&f->logs[i], s, rc);
        cJSON_Delete(body);
        cJSON_Delete(doc);
    }
    s->logtype = NULL;
    return 0;
}

/* ---- the command ---- */

/* Which log types to check: --type (repeatable, or comma-separated), all by default. */
static int read_types(struct rc_ctx *ctx, int want[RC_MM_CHECK_TYPES])
{
    struct cm_err err = {{0}};
    const char **list = NULL;
    size_t n = 0, k;
    int i, rc = 0;

    rc = rc_config_list(&ctx->cfg, "check.type", &list, &n, &err);
    if (rc == CM_ENOENT) {
        n = 0;
        rc = 0;
    }
    if (rc != 0) {
        cm_error("%s", err.msg);
        return RC_EXIT_USAGE;
    }
    for (i = 0; i < RC_MM_CHECK_TYPES; i++)
        want[i] = n == 0;
    for (k = 0; k < n && rc == 0; k++) {
        const char *p = list[k];

        while (*p && rc == 0) {
            size_t len = strcspn(p, ",");
            char tok[32];
            const struct rc_mm_logtype *t;

            snprintf(tok, sizeof(tok), "%.*s", (int)(len < 31 ? len : 31), p);
            t = rc_mm_logtype_find(tok);
            if (strcmp(tok, "all") == 0) {
                want[0] = want[1] = want[2] = 1;
            } else if (t) {
                want[t - rc_mm_logtypes] = 1;
            } else {
                cm_error("--type: expected url, impersonation, attachment or all, got '%s'", tok);
                rc = RC_EXIT_USAGE;
            }
            p += len;
            p += *p == ',';
        }
    }
    free(list);
    return rc;
}

int rc_mm_check_run(struct rc_ctx *ctx)
{
    struct rc_mm_creds creds;
    struct rc_mm_session s;
    struct rc_mm_check_facts f;
    struct rc_check_report *r = cm_calloc(1, sizeof(*r));
    int code;

    memset(&f, 0, sizeof(f));
    memset(&s, 0, sizeof(s));
    if ((code = rc_mm_read_creds(ctx, &creds)) != 0 || (code = read_types(ctx, f.want)) != 0)
        goto out;
    if (ctx->cfg.n_args) {
        cm_error("check: unexpected operand '%s' (see --help)", ctx->cfg.args[0]);
        code = RC_EXIT_USAGE;
        goto out;
    }
    f.api = creds.api;
    f.has_keys = creds.access_key && *creds.access_key && creds.secret_key && *creds.secret_key;
    f.has_password = creds.user && *creds.user && creds.password && *creds.password;
    creds.password = NULL; /* reads only: a 418 is reported, not refreshed by a login */
    if (rc_mm_session_init(&s, ctx, &creds,
                           f.api == RC_MM_API1 && !f.has_keys ? "discover" : "logs") != 0) {
        if (s.exit_code == RC_EXIT_USAGE) {
            cm_error("check: %s", s.msg);
            code = RC_EXIT_USAGE;
            goto out;
        }
        f.account.asked = 1; /* a secret key that is not base64: the credentials' finding */
        f.account.exit = s.exit_code;
        snprintf(f.account.msg, sizeof(f.account.msg), "%s", s.msg);
    }
    f.base_url = s.base_url;
    f.app_id = s.app_id;
    f.user = s.user;
    f.client_id = s.client_id;
    f.source_addr = ctx->http->opts.source_addr;
    if (!f.account.asked && (code = rc_mm_check_gather(ctx, &s, &f)) != 0)
        goto out;
    rc_mm_check_judge(&f, r);
    code = rc_check_finish(ctx, r);
out:
    rc_mm_check_facts_release(&f);
    rc_mm_session_release(&s);
    free(r);
    return code;
}
