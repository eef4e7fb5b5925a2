/*
 * cte_cmd.c: `secmock client cte sync|status|validate`: options, loading
 * the configuration and the store, the cycle loop, the summary and the exit
 * code.
 *
 * The CTE configuration is the "cte" object of the --config file
 * (client/cte_config.h); the store defaults to cte.store there, else
 * "cte-store.json". Exit codes: 0 done; 1 a plugin call failed (logged);
 * 2 usage or configuration (the CE message); 3 no answer from a service.
 */
#include "client/cte_check.h"
#include "client/cte_sync.h"
#include "client/progress.h"

#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPT_END                                                                                    \
    {                                                                                              \
        NULL, NULL, NULL, NULL, RC_OPT_STRING, NULL, NULL, NULL                                    \
    }
#define OPT_STORE                                                                                  \
    {                                                                                              \
        "cte.store", "--store", NULL, "SECMOCK_CTE_STORE", RC_OPT_STRING, "cte-store.json",        \
            "FILE", "the IoC store (created on the first run, replaced atomically)"                \
    }
#define OPT_LOG                                                                                    \
    {                                                                                              \
        "cte.log", "--log", NULL, "SECMOCK_CTE_LOG", RC_OPT_STRING, NULL, "FILE",                  \
            "append Cloud Exchange-shaped log entries to FILE as JSON lines"                       \
    }

static const struct rc_opt sync_opts[] = {
    OPT_STORE,
    OPT_LOG,
    {"cte.once", "--once", NULL, NULL, RC_OPT_BOOL, NULL, NULL, "run one cycle (the default)"},
    {"cte.cycles", "--cycles", NULL, NULL, RC_OPT_INT, "1", "N",
     "run N cycles, each after the shortest sync interval on the client clock"},
    RC_OPTS_PROGRESS,
    OPT_END,
};

static const struct rc_opt status_opts[] = {
    OPT_STORE,
    {"cte.list", "--list", NULL, NULL, RC_OPT_BOOL, NULL, NULL,
     "also list every value with its sources"},
    OPT_END,
};

static const struct rc_opt validate_opts[] = {OPT_STORE, OPT_LOG, OPT_END};

static const struct rc_opt check_opts[] = {
    OPT_LOG,
    {"check.json", "--json", NULL, NULL, RC_OPT_BOOL, NULL, NULL,
     "print the findings as one JSON document"},
    {"check.strict", "--strict", NULL, NULL, RC_OPT_BOOL, NULL, NULL,
     "exit non-zero on a WARN too"},
    OPT_END,
};

/* Loads config and store; an exit code after printing the error, or 0. */
static int load(struct rc_ctx *ctx, struct rc_cte_config *cfg, struct rc_cte_store *store,
                const char **log_path)
{
    const cJSON *root = cJSON_GetObjectItemCaseSensitive(ctx->cfg.file, "cte");
    struct cm_err err = {{0}};
    const char *path = NULL;
    int rc;

    memset(store, 0, sizeof(*store));
    if (ctx->cfg.file == NULL) {
        cm_error("cte: needs --config FILE with a \"cte\" object: the plugin configurations, "
                 "business rules and sharing configurations (docs/client.md)");
        memset(cfg, 0, sizeof(*cfg));
        return RC_EXIT_USAGE;
    }
    if (rc_cte_config_parse(cfg, root, &err) != 0) {
        cm_error("%s: cte.%s", ctx->cfg.file_name, err.msg);
        return RC_EXIT_USAGE;
    }
    if ((rc = rc_config_string(&ctx->cfg, "cte.store", &path, &err)) != 0) {
        cm_error("%s", err.msg);
        return RC_EXIT_USAGE;
    }
    if (log_path) {
        *log_path = NULL;
        rc = rc_config_string(&ctx->cfg, "cte.log", log_path, &err);
        if (rc && rc != CM_ENOENT) {
            cm_error("%s", err.msg);
            return RC_EXIT_USAGE;
        }
    }
    if (rc_cte_store_load(store, path, &err) != 0) {
        cm_error("cannot load the IoC store: %s", err.msg);
        return RC_EXIT_USAGE;
    }
    return 0;
}

static int exit_code(const struct rc_cte_run *run)
{
    if (run->log.conn_errors)
        return RC_EXIT_CONN;
    return run->log.errors ? RC_EXIT_REMOTE : RC_EXIT_OK;
}

static int sync_run(struct rc_ctx *ctx)
{
    struct rc_cte_config cfg;
    struct rc_cte_store store;
    struct rc_cte_run run;
    struct rc_cte_summary sum;
    struct cm_err err = {{0}};
    const char *log_path = NULL;
    long long cycles = 1, i;
    int once = 0, code, rc, total, active, retracted;
    cJSON *doc;

    if (cm_log_get_level() < CM_LOG_INFO)
        cm_log_set_level(CM_LOG_INFO);
    if ((code = load(ctx, &cfg, &store, &log_path)) != 0)
        goto out_cfg;
    if (rc_config_int(&ctx->cfg, "cte.cycles", 1, 100000, &cycles, &err) != 0 ||
        ((rc = rc_config_bool(&ctx->cfg, "cte.once", &once, &err)) != 0 && rc != CM_ENOENT)) {
        cm_error("%s", err.msg);
        code = RC_EXIT_USAGE;
        goto out_cfg;
    }
    if (once)
        cycles = 1;
    memset(&sum, 0, sizeof(sum));
    rc_cte_run_init(&run, ctx, &cfg, &store, log_path);
    for (i = 0; i < cycles; i++) {
        if (i > 0 && rc_sleep(ctx->clock, rc_cte_cycle_step(&cfg), &err) != 0) {
            cm_error("%s", err.msg);
            run.log.conn_errors++;
            break;
        }
        if (rc_cte_cycle(&run, &sum) != 0) {
            run.log.conn_errors++;
            break;
        }
    }
    rc_cte_store_counts(&store, &total, &active, &retracted);
    doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "cycles", sum.cycles);
    cJSON_AddNumberToObject(doc, "pulled", sum.pulled);
    cJSON_AddNumberToObject(doc, "shared", sum.shared);
    cJSON_AddNumberToObject(doc, "aged", sum.aged);
    cJSON_AddNumberToObject(doc, "retracted", sum.retracted);
    cJSON_AddNumberToObject(doc, "retractions_sent", sum.retractions_sent);
    cJSON_AddNumberToObject(doc, "errors", run.log.errors);
    cJSON_AddNumberToObject(doc, "iocs", total);
    cJSON_AddNumberToObject(doc, "active", active);
    cJSON_AddStringToObject(doc, "store", store.path ? store.path : "");
    if (rc_output_json(&ctx->out, doc, &err) != 0)
        cm_error("%s", err.msg);
    cJSON_Delete(doc);
    code = exit_code(&run);
    rc_cte_run_release(&run);
out_cfg:
    rc_cte_store_release(&store);
    rc_cte_config_release(&cfg);
    return code;
}

static cJSON *dup_or_null(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
}

static int status_run(struct rc_ctx *ctx)
{
    struct rc_cte_config cfg;
    struct rc_cte_store store;
    struct cm_err err = {{0}};
    int code, total, active, retracted, list = 0;
    int md5 = 0, sha256 = 0;
    const cJSON *ioc, *st;
    cJSON *doc, *counts, *plugins, *values = NULL;
    size_t i;

    if ((code = load(ctx, &cfg, &store, NULL)) != 0)
        goto out;
    rc_config_bool(&ctx->cfg, "cte.list", &list, &err);
    rc_cte_store_counts(&store, &total, &active, &retracted);
    cJSON_ArrayForEach(ioc, store.iocs)
    {
        if (strcmp(cm_json_str(ioc, "type", ""), "md5") == 0)
            md5++;
        else
            sha256++;
    }
    doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "store", store.path ? store.path : "");
    counts = cJSON_AddObjectToObject(doc, "iocs");
    cJSON_AddNumberToObject(counts, "total", total);
    cJSON_AddNumberToObject(counts, "active", active);
    cJSON_AddNumberToObject(counts, "inactive", total - active);
    cJSON_AddNumberToObject(counts, "retracted", retracted);
    cJSON_AddNumberToObject(counts, "md5", md5);
    cJSON_AddNumberToObject(counts, "sha256", sha256);
    plugins = cJSON_AddObjectToObject(doc, "plugins");
    for (i = 0; i < cfg.n_plugins; i++) {
        const struct rc_cte_plugin *p = &cfg.plugins[i];
        cJSON *o = cJSON_AddObjectToObject(plugins, p->name);

        cJSON_AddStringToObject(o, "plugin", p->kind == RC_CTE_NETSKOPE ? "netskope" : "mimecast");
        st = cJSON_GetObjectItemCaseSensitive(store.plugin, p->name);
        cJSON_AddItemToObject(o, "last_pull", dup_or_null(st, "last_pull"));
        cJSON_AddItemToObject(o, "last_share", dup_or_null(st, "last_share"));
    }
    if (list) {
        values = cJSON_Duplicate(store.iocs, 1);
        cJSON_AddItemToObject(doc, "values", values);
    }
    if (rc_output_json(&ctx->out, doc, &err) != 0) {
        cm_error("%s", err.msg);
        code = RC_EXIT_USAGE;
    }
    cJSON_Delete(doc);
out:
    rc_cte_store_release(&store);
    rc_cte_config_release(&cfg);
    return code;
}

static int validate_run(struct rc_ctx *ctx)
{
    struct rc_cte_config cfg;
    struct rc_cte_store store;
    struct rc_cte_run run;
    struct cm_err err = {{0}};
    const char *log_path = NULL;
    cJSON *doc, *res;
    size_t i;
    int code, rc;

    if (cm_log_get_level() < CM_LOG_INFO)
        cm_log_set_level(CM_LOG_INFO);
    if ((code = load(ctx, &cfg, &store, &log_path)) != 0)
        goto out;
    if ((code = rc_cte_run_start(&run, ctx, &cfg, &store, log_path)) != 0)
        goto out;
    doc = cJSON_CreateObject();
    res = cJSON_AddObjectToObject(doc, "plugins");
    for (i = 0; i < cfg.n_plugins; i++) {
        const struct rc_cte_plugin *p = &cfg.plugins[i];
        int byo_needed = 0;
        size_t k;

        for (k = 0; k < cfg.n_sharing; k++)
            byo_needed |= cfg.sharing[k].dest == p;
        if (p->kind == RC_CTE_NETSKOPE) {
            rc = rc_cte_ns_validate(&run, p);
        } else {
            rc = rc_cte_mm_account(&run, p);
            if (rc == 0 && byo_needed && run.mm[i].byo == 0) {
                rc_cte_log(&run, RC_CTE_ERROR, p, "CTE_1012", NULL,
                           "Ask Mimecast to enable the Bring Your Own Threat Intelligence "
                           "package (" RC_CTE_BYO_PACKAGE ") for the account.",
                           "'Bring Your Own Threat Intel' package is not enabled in the "
                           "configured account, hence Hashes cannot be shared.");
                rc = CM_EAUTH;
            } else if (rc == 0) {
                rc_cte_log(&run, RC_CTE_INFO, p, NULL, NULL, NULL, "Credentials validated.");
            }
        }
        cJSON_AddBoolToObject(res, p->name, rc == 0);
    }
    cJSON_AddBoolToObject(doc, "valid", run.log.errors == 0);
    if (rc_output_json(&ctx->out, doc, &err) != 0)
        cm_error("%s", err.msg);
    cJSON_Delete(doc);
    code = exit_code(&run);
    rc_cte_run_release(&run);
out:
    rc_cte_store_release(&store);
    rc_cte_config_release(&cfg);
    return code;
}

const struct rc_command rc_cte_commands[] = {
    {"sync", "pull IoCs, age, retract and share them: one cycle, or --cycles N",
     "[--once | --cycles N] [--store FILE] [--log FILE] --config FILE",
     "Runs Threat Exchange cycles as Cloud Exchange does: ages the store, pulls from each\n"
     "plugin configuration whose sync interval has passed (Netskope malware alerts, Mimecast\n"
     "malware feeds), then shares along each sharing configuration (a Netskope File Profile\n"
     "list, whole, every cycle; a Mimecast BYO operation, new or re-reported hashes only).\n"
     "Between cycles the client waits the shortest sync interval on its clock. Prints a\n"
     "summary; the log entries go to stderr and, with --log, to a JSON-lines file.\n",
     sync_opts, sync_run},
    {"status", "the IoC store's summary and each configuration's last pull and share",
     "[--store FILE] [--list] --config FILE", NULL, status_opts, status_run},
    {"validate", "check the configuration and the plugins' credentials as CE does on Save",
     "[--store FILE] [--log FILE] --config FILE", NULL, validate_opts, validate_run},
    {"check", "validate, then check live what sharing needs, one finding per line",
     "[--json] [--strict] [--log FILE] --config FILE",
     "Runs `validate` (the configuration, the tokens and credentials), then reads, and\n"
     "only reads, what the seed's workflow needs: each sharing's File Profile on the\n"
     "tenant (exact, case-sensitive name), the Mimecast BYO package and the role's\n"
     "BYO Threat Intelligence | Upload, the feed permission, the tenant and region\n"
     "reachable. Prints one line per finding (OK, WARN or FAIL, what, and the console\n"
     "path that fixes it), or one JSON document with --json. Exit codes: the first\n"
     "FAIL's: 2 the configuration, 3 no answer, 4 a token or credentials, 5 a setting\n"
     "to change, 1 another error; 0 when every check passes (WARNs too, unless --strict).\n",
     check_opts, rc_cte_check_run},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
