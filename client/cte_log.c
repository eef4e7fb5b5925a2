/*
 * cte_log.c: the run context of `secmock client cte` and its Cloud
 * Exchange-shaped log (client/cte_run.h): one entry per event, a readable
 * line on stderr and, with --log FILE, one JSON line appended to FILE.
 */
#include "client/cte_run.h"

#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rc_cte_run_init(struct rc_cte_run *run, struct rc_ctx *ctx, const struct rc_cte_config *cfg,
                     struct rc_cte_store *store, const char *log_path)
{
    size_t i;

    memset(run, 0, sizeof(*run));
    run->ctx = ctx;
    run->cfg = cfg;
    run->store = store;
    run->log.clock = ctx->clock;
    run->log.path = log_path;
    rc_output_open(&run->log.out, log_path);
    run->mm = cm_calloc(cfg->n_plugins + 1, sizeof(*run->mm));
    for (i = 0; i < cfg->n_plugins; i++)
        run->mm[i].byo = run->mm[i].byo_upload = -1;
}

int rc_cte_run_start(struct rc_cte_run *run, struct rc_ctx *ctx, const struct rc_cte_config *cfg,
                     struct rc_cte_store *store, const char *log_path)
{
    struct cm_err err = {{0}};

    rc_cte_run_init(run, ctx, cfg, store, log_path);
    if (rc_clock_now(ctx->clock, &run->now, &err) == 0)
        return 0;
    cm_error("%s", err.msg);
    rc_cte_run_release(run);
    return RC_EXIT_CONN;
}

void rc_cte_run_release(struct rc_cte_run *run)
{
    size_t i;

    for (i = 0; run->mm && i < run->cfg->n_plugins; i++)
        if (run->mm[i].ready)
            rc_mm_session_release(&run->mm[i].s);
    free(run->mm);
    cm_progress_free(run->progress);
    rc_output_close(&run->log.out);
    memset(run, 0, sizeof(*run));
}

static const char *plugin_label(const struct rc_cte_plugin *p)
{
    return p->kind == RC_CTE_NETSKOPE ? "Netskope" : "Mimecast";
}

void rc_cte_log(struct rc_cte_run *run, enum rc_cte_level level, const struct rc_cte_plugin *p,
                const char *code, const char *details, const char *resolution, const char *fmt, ...)
{
    struct cm_buf msg;
    struct cm_err err = {{0}};
    char when[40];
    int64_t now = run->now;
    va_list ap;
    cJSON *e;

    cm_buf_init(&msg, 0);
    if (p)
        cm_buf_printf(&msg, "CTE %s [%s]: ", plugin_label(p), p->name);
    else
        cm_buf_puts(&msg, "CTE: ");
    va_start(ap, fmt);
    cm_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    if (rc_clock_now(run->log.clock, &now, &err) != 0)
        now = run->now;
    cm_time_format(now, when, sizeof(when));
    if (level == RC_CTE_ERROR)
        run->log.errors++;
    run->log.last_level = level;
    cm_strlcpy(run->log.last_message, cm_buf_str(&msg), sizeof(run->log.last_message));
    cm_strlcpy(run->log.last_details, details ? details : "", sizeof(run->log.last_details));
    cm_strlcpy(run->log.last_resolution, resolution ? resolution : "",
               sizeof(run->log.last_resolution));
    cm_log(level == RC_CTE_ERROR  ? CM_LOG_ERROR
           : level == RC_CTE_WARN ? CM_LOG_WARN
                                  : CM_LOG_INFO,
           "%s%s%s%s%s%s%s", cm_buf_str(&msg), code ? " [" : "", code ? code : "", code ? "]" : "",
           details && *details ? "\n  details: " : "", details && *details ? details : "", "");
    if (resolution && *resolution)
        cm_log(level == RC_CTE_ERROR ? CM_LOG_ERROR : CM_LOG_WARN, "  resolution: %s", resolution);
    if (run->log.path) {
        e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "message", cm_buf_str(&msg));
        cJSON_AddStringToObject(e, "type",
                                level == RC_CTE_ERROR  ? "error"
                                : level == RC_CTE_WARN ? "warning"
                                                       : "info");
        cJSON_AddStringToObject(e, "createdAt", when);
        if (code)
            cJSON_AddStringToObject(e, "errorCode", code);
        else
            cJSON_AddNullToObject(e, "errorCode");
        cJSON_AddStringToObject(e, "details", details ? details : "");
        cJSON_AddStringToObject(e, "resolution", resolution ? resolution : "");
        if (rc_output_jsonl(&run->log.out, e, &err) != 0)
            cm_warn("cannot write the log '%s': %s", run->log.path, err.msg);
        cJSON_Delete(e);
    }
    cm_buf_release(&msg);
}
