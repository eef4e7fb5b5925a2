/*
 * progress.c: --progress and --no-progress of the client's long runs
 * (client/progress.h).
 */
#include "client/progress.h"

#include <string.h>

/* A flag of the table: 1 when given (or set true in the file), else 0. */
static int flag(const struct rc_ctx *ctx, const char *key)
{
    struct cm_err err = {{0}};
    int v = 0;

    return rc_config_bool(&ctx->cfg, key, &v, &err) == 0 && v;
}

struct cm_progress *rc_progress_open(const struct rc_ctx *ctx, const char *label)
{
    struct cm_progress_conf c;
    int want = flag(ctx, "no_progress") ? -1 : flag(ctx, "progress");

    memset(&c, 0, sizeof(c));
    c.out = stderr;
    c.mode = cm_progress_choose_for(want, stderr);
    c.label = label;
    c.hook_log = 1;
    return cm_progress_new(&c);
}
