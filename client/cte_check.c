/*
 * cte_check.c: `secmock client cte check` (client/cte_check.h): the reads,
 * made with the plugins' own calls (the ones `validate` and `sync` use), the
 * judgement in the seed's order, and the command.
 *
 * Each read's outcome is taken from the run's Cloud Exchange log: the
 * entry the call logged (CE's message, the details, the resolution) and the
 * HTTP status and vendor code of a refused call; a call that got no answer
 * counts a connection error. The Mimecast feed is read from a minute ago
 * into a throwaway set (the retraction check's mode), so nothing reaches
 * the store.
 */
#include "client/cte_check.h"

#include "client/mimecast_check.h"
#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIX_TENANT                                                                                 \
    "Cloud Exchange: Settings > Tenants: the Tenant URL with https:// (such as "                   \
    "https://acme.goskope.com), and this host's access to it"
#define FIX_V2                                                                                     \
    "Netskope UI: Settings > Tools > REST API v2: a token with Read access to "                    \
    "/api/v2/events/dataexport/alerts/malware; Cloud Exchange: Settings > Tenants: its V2 token"
#define FIX_V1                                                                                     \
    "Netskope UI: Settings > Tools > REST API v1: the token; Cloud Exchange: Settings > Tenants: " \
    "the tenant's V1 token"
#define FIX_MM_KEYS                                                                                \
    "Cloud Exchange: Settings > Plugins > the Mimecast configuration: Base URL (the region of "    \
    "login-<region>.mimecast.com), Application ID, Application Key, Access Key, Secret Key "       \
    "(Mimecast: Administration > Services > API Applications > Create Keys)"
#define FIX_MM_CLIENT                                                                              \
    "Cloud Exchange: Settings > Plugins > the Mimecast configuration: Base URL, Client ID and "    \
    "Client Secret (Mimecast: Services > API and Platform Integrations > the API 2.0 application)"
#define FIX_BYO_PACKAGE                                                                            \
    "Mimecast: the account needs the Bring Your Own Threat Intelligence package "                  \
    "(" RC_CTE_BYO_PACKAGE "); ask Mimecast to enable it"

void rc_cte_check_facts_release(struct rc_cte_check_facts *f)
{
    size_t i;

    for (i = 0; f->pl && f->cfg && i < f->cfg->n_plugins; i++)
        cJSON_Delete(f->pl[i].file_lists);
    free(f->pl);
    f->pl = NULL;
}

/* ---- judging ---- */

const cJSON *rc_cte_check_list(const cJSON *lists, const char *name, int *nocase)
{
    const cJSON *it, *other = NULL;

    *nocase = 0;
    cJSON_ArrayForEach(it, lists)
    {
        const char *n = cm_json_str(it, "name", "");

        if (strcmp(n, name) == 0)
            return it;
        if (other == NULL && strcasecmp(n, name) == 0)
            other = it;
    }
    *nocase = other != NULL;
    return other;
}

/* What a failed step says: CE's message and the details. */
static void said(char *out, size_t size, const struct rc_cte_check_step *s)
{
    snprintf(out, size, "%s%s%.700s%s", s->message, s->details[0] ? " (" : "", s->details,
             s->details[0] ? ")" : "");
}

/* The exit code of a failed step: no answer 3; else by status (401 a token, 403 a scope). */
static int ns_code(const struct rc_cte_check_step *s, int forbidden)
{
    if (s->conn)
        return RC_EXIT_CONN;
    if (s->status == 401 || (s->status == 403 && forbidden == RC_MM_EXIT_AUTH))
        return RC_MM_EXIT_AUTH;
    if (s->status == 403)
        return forbidden;
    return s->status == 200 ? RC_MM_EXIT_AUTH : RC_EXIT_REMOTE;
}

static void judge_netskope(const struct rc_cte_check_facts *f, const struct rc_cte_plugin *p,
                           const struct rc_cte_check_plugin *c, struct rc_check_report *r)
{
    char what[1800];

    if (!c->v2.asked)
        return;
    if (c->v2.rc && c->v2.conn) {
        said(what, sizeof(what), &c->v2);
        rc_check_add(r, "netskope.tenant", RC_CHECK_FAIL, RC_EXIT_CONN, FIX_TENANT,
                     "'%s': %s does not answer: %s", p->name, p->tenant_url, what);
        return;
    }
    rc_check_add(r, "netskope.tenant", RC_CHECK_OK, 0, NULL, "'%s': %s answers", p->name,
                 p->tenant_url);
    if (c->v2.rc) {
        said(what, sizeof(what), &c->v2);
        rc_check_add(r, "netskope.v2-token", RC_CHECK_FAIL, ns_code(&c->v2, RC_MM_EXIT_FIX), FIX_V2,
                     "'%s': %s", p->name, what);
    } else {
        rc_check_add(r, "netskope.v2-token", RC_CHECK_OK, 0, NULL,
                     "'%s': the V2 token reads the malware alerts iterator", p->name);
    }
    if (!c->v1.asked)
        return;
    if (c->v1.rc) {
        said(what, sizeof(what), &c->v1);
        rc_check_add(r, "netskope.v1-token", RC_CHECK_FAIL, ns_code(&c->v1, RC_MM_EXIT_AUTH),
                     FIX_V1, "'%s': the V1 token: %s", p->name, what);
    } else {
        rc_check_add(r, "netskope.v1-token", RC_CHECK_OK, 0, NULL,
                     "'%s': the V1 token is accepted (file hash lists can be pushed)", p->name);
    }
    (void)f;
}

static void judge_mimecast(const struct rc_cte_check_facts *f, const struct rc_cte_plugin *p,
                           const struct rc_cte_check_plugin *c, struct rc_check_report *r)
{
    char what[1800], fix[512];
    int dest = 0;
    size_t k;

    for (k = 0; k < f->cfg->n_sharing; k++)
        dest |= f->cfg->sharing[k].dest == p;
    if (!c->account.asked)
        return;
    if (c->account.rc) {
        const char *topic =
            rc_mm_check_topic(c->account.status, c->account.code, c->account.details);
        int code = c->account.conn ? RC_EXIT_CONN
                   : strcmp(topic, "credentials") == 0 || strcmp(topic, "keys") == 0
                       ? RC_MM_EXIT_AUTH
                   : strcmp(topic, "service") == 0 ? RC_EXIT_REMOTE
                                                   : RC_MM_EXIT_FIX;

        said(what, sizeof(what), &c->account);
        snprintf(fix, sizeof(fix), "%s%s%.200s", p->api == 2 ? FIX_MM_CLIENT : FIX_MM_KEYS,
                 c->account.resolution[0] ? "; " : "", c->account.resolution);
        rc_check_add(r, "mimecast.credentials", RC_CHECK_FAIL, code, fix, "'%s' (%s, %s): %s",
                     p->name, p->api == 2 ? "API 2.0" : "API 1.0", p->base_url, what);
        return;
    }
    rc_check_add(r, "mimecast.credentials", RC_CHECK_OK, 0, NULL,
                 "'%s': the %s credentials read the account at %s", p->name,
                 p->api == 2 ? "API 2.0" : "API 1.0", p->base_url);
    if (c->feed.asked && c->feed.rc) {
        const char *q = strstr(c->feed.message, "role '"), *e = q ? strchr(q + 6, '\'') : NULL;

        snprintf(fix, sizeof(fix),
                 "Mimecast: Administration > Account > Roles > %s%.*s%s: add Services | Gateway | "
                 "Tracking | Read",
                 e ? "'" : "the role of the plugin's user (or API 2.0 application)",
                 e ? (int)(e - (q + 6)) : 0, e ? q + 6 : "", e ? "'" : "");
        rc_check_add(r, "mimecast.feed", RC_CHECK_FAIL,
                     c->feed.conn            ? RC_EXIT_CONN
                     : c->feed.status == 403 ? RC_MM_EXIT_FIX
                                             : RC_EXIT_REMOTE,
                     fix,
                     "'%s' cannot read the malware feed (Services | Gateway | Tracking | Read): %s",
                     p->name, c->feed.message);
    } else if (c->feed.asked) {
        rc_check_add(r, "mimecast.feed", RC_CHECK_OK, 0, NULL,
                     "'%s' reads the malware feed (Services | Gateway | Tracking | Read)", p->name);
    }
    if (!dest)
        return;
    if (c->byo == 1)
        rc_check_add(r, "mimecast.byo-package", RC_CHECK_OK, 0, NULL, "'%s': the account has %s",
                     p->name, RC_CTE_BYO_PACKAGE);
    else
        rc_check_add(r, "mimecast.byo-package", RC_CHECK_FAIL, RC_MM_EXIT_FIX, FIX_BYO_PACKAGE,
                     "'%s': 'Bring Your Own Threat Intel' package is not enabled in the "
                     "configured account, hence Hashes cannot be shared (no '%s' in the "
                     "account's packages)",
                     p->name, RC_CTE_BYO_PACKAGE);
    snprintf(fix, sizeof(fix),
             "Mimecast: Administration > Account > Roles > %s%s%s: add " RC_CTE_BYO_UPLOAD,
             c->role[0] ? "'" : "the role of the plugin's user", c->role, c->role[0] ? "'" : "");
    if (c->byo_upload == 1)
        rc_check_add(r, "mimecast.byo-upload", RC_CHECK_OK, 0, NULL,
                     "'%s': the role '%s' may upload (" RC_CTE_BYO_UPLOAD ")", p->name, c->role);
    else if (c->byo_upload == 0)
        rc_check_add(r, "mimecast.byo-upload", RC_CHECK_FAIL, RC_MM_EXIT_FIX, fix,
                     "'%s': %s%s%s lacks " RC_CTE_BYO_UPLOAD ", so no batch can be created",
                     p->name, c->role[0] ? "the role '" : "the caller has no role and", c->role,
                     c->role[0] ? "'" : "");
    else
        rc_check_add(
            r, "mimecast.byo-upload", RC_CHECK_WARN, RC_MM_EXIT_FIX, fix,
            "'%s': Mimecast does not say the caller's role; make sure it has " RC_CTE_BYO_UPLOAD,
            p->name);
}

static void judge_list(const struct rc_cte_sharing *sh, const struct rc_cte_check_plugin *c,
                       struct rc_check_report *r)
{
    const cJSON *it;
    char what[1800], fix[512];
    int nocase;

    if (!c->lists.asked)
        return;
    if (c->lists.rc) {
        said(what, sizeof(what), &c->lists);
        rc_check_add(r, "sharing.file-list", RC_CHECK_FAIL,
                     c->lists.conn ? RC_EXIT_CONN : RC_EXIT_REMOTE, NULL,
                     "'%s' -> '%s': cannot read the File Profiles: %s", sh->source->name,
                     sh->dest->name, what);
        return;
    }
    it = rc_cte_check_list(c->file_lists, sh->file_list, &nocase);
    snprintf(fix, sizeof(fix),
             "Netskope UI: Policies > File > New File Profile > File Hash (SHA256, the 64-f "
             "placeholder), Profile Name '%s', Save, then Apply Changes",
             sh->file_list);
    if (it == NULL) {
        rc_check_add(r, "sharing.file-list", RC_CHECK_FAIL, RC_MM_EXIT_FIX, fix,
                     "'%s' -> '%s': no File Profile '%s' on the tenant", sh->source->name,
                     sh->dest->name, sh->file_list);
    } else if (nocase) {
        snprintf(fix, sizeof(fix),
                 "Cloud Exchange: Threat Exchange > Sharing > the configuration's Target: List "
                 "Name '%s' exactly (or create '%s' in Policies > File)",
                 cm_json_str(it, "name", ""), sh->file_list);
        rc_check_add(r, "sharing.file-list", RC_CHECK_FAIL, RC_MM_EXIT_FIX, fix,
                     "'%s' -> '%s': no File Profile '%s'; '%s' differs only in case (names are "
                     "case-sensitive)",
                     sh->source->name, sh->dest->name, sh->file_list, cm_json_str(it, "name", ""));
    } else if (!cm_json_bool(it, "published", 1)) {
        rc_check_add(r, "sharing.file-list", RC_CHECK_FAIL, RC_MM_EXIT_FIX,
                     "Netskope UI: Apply Changes (top right)",
                     "'%s' -> '%s': File Profile '%s' is saved but not published", sh->source->name,
                     sh->dest->name, sh->file_list);
    } else if (cm_json_bool(it, "pending", 0)) {
        rc_check_add(r, "sharing.file-list", RC_CHECK_WARN, RC_MM_EXIT_FIX,
                     "Netskope UI: Apply Changes (top right)",
                     "'%s' -> '%s': File Profile '%s' has a pending change; pushes are refused "
                     "until Apply Changes",
                     sh->source->name, sh->dest->name, sh->file_list);
    } else {
        rc_check_add(r, "sharing.file-list", RC_CHECK_OK, 0, NULL,
                     "'%s' -> '%s': File Profile '%s' exists (%d value(s))", sh->source->name,
                     sh->dest->name, sh->file_list, (int)cm_json_num(it, "count", 0));
    }
}

void rc_cte_check_judge(const struct rc_cte_check_facts *f, struct rc_check_report *r)
{
    size_t i;

    if (f->config_rc) {
        rc_check_add(r, "config", RC_CHECK_FAIL, RC_EXIT_USAGE,
                     "Cloud Exchange: the configuration named (Settings > Plugins, Threat "
                     "Exchange > Business Rules, Sharing)",
                     "%s", f->config_msg);
        return;
    }
    rc_check_add(r, "config", RC_CHECK_OK, 0, NULL,
                 "%zu plugin configuration(s), %zu business rule(s), %zu sharing "
                 "configuration(s)",
                 f->cfg->n_plugins, f->cfg->n_rules, f->cfg->n_sharing);
    for (i = 0; i < f->cfg->n_plugins; i++) {
        if (f->cfg->plugins[i].kind == RC_CTE_NETSKOPE)
            judge_netskope(f, &f->cfg->plugins[i], &f->pl[i], r);
        else
            judge_mimecast(f, &f->cfg->plugins[i], &f->pl[i], r);
    }
    for (i = 0; i < f->cfg->n_sharing; i++) {
        const struct rc_cte_sharing *sh = &f->cfg->sharing[i];

        if (sh->dest->kind == RC_CTE_NETSKOPE)
            judge_list(sh, &f->pl[sh->dest - f->cfg->plugins], r);
    }
}

/* ---- reads ---- */

static void begin(struct rc_cte_run *run, struct rc_cte_check_step *s, int *conn_before)
{
    s->asked = 1;
    run->log.last_status = 0;
    run->log.last_code[0] = '\0';
    *conn_before = run->log.conn_errors;
}

static void end(struct rc_cte_run *run, struct rc_cte_check_step *s, int conn_before, int rc)
{
    s->rc = rc;
    if (rc == 0)
        return;
    s->status = run->log.last_status;
    s->conn = run->log.conn_errors > conn_before && s->status == 0;
    cm_strlcpy(s->code, run->log.last_code, sizeof(s->code));
    cm_strlcpy(s->message, run->log.last_message, sizeof(s->message));
    cm_strlcpy(s->details, run->log.last_details, sizeof(s->details));
    cm_strlcpy(s->resolution, run->log.last_resolution, sizeof(s->resolution));
}

void rc_cte_check_gather(struct rc_cte_run *run, struct rc_cte_check_facts *f)
{
    const struct rc_cte_config *cfg = f->cfg;
    size_t i, k;
    int before, rc, pulled;

    for (i = 0; i < cfg->n_plugins; i++) {
        const struct rc_cte_plugin *p = &cfg->plugins[i];
        struct rc_cte_check_plugin *c = &f->pl[i];
        int dest = 0;

        for (k = 0; k < cfg->n_sharing; k++)
            dest |= cfg->sharing[k].dest == p;
        if (p->kind == RC_CTE_NETSKOPE) {
            begin(run, &c->v2, &before);
            end(run, &c->v2, before, rc = rc_cte_ns_check_v2(run, p));
            if (rc || !p->v1_token)
                continue;
            begin(run, &c->v1, &before);
            end(run, &c->v1, before, rc = rc_cte_ns_check_v1(run, p));
            if (rc || !dest)
                continue;
            begin(run, &c->lists, &before);
            end(run, &c->lists, before, rc_cte_ns_file_lists(run, p, &c->file_lists));
            continue;
        }
        begin(run, &c->account, &before);
        end(run, &c->account, before, rc = rc_cte_mm_account(run, p));
        if (rc)
            continue;
        c->byo = run->mm[i].byo;
        c->byo_upload = run->mm[i].byo_upload;
        cm_strlcpy(c->role, run->mm[i].role, sizeof(c->role));
        if (p->pull) {
            cJSON *seen = cJSON_CreateObject();

            begin(run, &c->feed, &before);
            end(run, &c->feed, before, rc_cte_mm_pull(run, p, run->now - 60000, seen, &pulled));
            cJSON_Delete(seen);
        }
    }
}

/* ---- the command ---- */

int rc_cte_check_run(struct rc_ctx *ctx)
{
    const cJSON *root = cJSON_GetObjectItemCaseSensitive(ctx->cfg.file, "cte");
    struct rc_cte_config cfg;
    struct rc_cte_store store;
    struct rc_cte_run run;
    struct rc_cte_check_facts f;
    struct rc_check_report *r = cm_calloc(1, sizeof(*r));
    struct cm_err err = {{0}};
    const char *log_path = NULL;
    int code, rc;

    memset(&cfg, 0, sizeof(cfg));
    memset(&store, 0, sizeof(store));
    memset(&f, 0, sizeof(f));
    if (ctx->cfg.file == NULL) {
        cm_error("cte: needs --config FILE with a \"cte\" object: the plugin configurations, "
                 "business rules and sharing configurations (docs/client.md)");
        free(r);
        return RC_EXIT_USAGE;
    }
    rc = rc_config_string(&ctx->cfg, "cte.log", &log_path, &err);
    if (rc && rc != CM_ENOENT) {
        cm_error("%s", err.msg);
        free(r);
        return RC_EXIT_USAGE;
    }
    f.cfg = &cfg;
    if (rc_cte_config_parse(&cfg, root, &err) != 0) {
        f.config_rc = CM_EINVAL;
        snprintf(f.config_msg, sizeof(f.config_msg), "%s: cte.%s", ctx->cfg.file_name, err.msg);
    } else {
        f.pl = cm_calloc(cfg.n_plugins + 1, sizeof(*f.pl));
        if ((code = rc_cte_run_start(&run, ctx, &cfg, &store, log_path)) != 0)
            goto out;
        rc_cte_check_gather(&run, &f);
        rc_cte_run_release(&run);
    }
    rc_cte_check_judge(&f, r);
    code = rc_check_finish(ctx, r);
out:
    rc_cte_check_facts_release(&f);
    rc_cte_config_release(&cfg);
    free(r);
    return code;
}
