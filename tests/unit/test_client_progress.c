/*
 * test_client_progress.c: --progress and --no-progress of the client's long
 * runs (client/progress.h). stderr is redirected here, so it is no terminal:
 * the line stays off unless --progress asks for plain lines, and
 * --no-progress wins over it.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/progress.h"
#include "test_text.h"

static const struct rc_opt opts[] = {
    RC_OPTS_PROGRESS,
    {NULL, NULL, NULL, NULL, RC_OPT_STRING, NULL, NULL, NULL},
};
static const struct rc_opt *const tables[] = {opts, NULL};

/* The progress rc_progress_open() gives for the flags in args (NULL-terminated). */
static struct cm_progress *open_with(struct rc_ctx *ctx, const char *const *args)
{
    struct cm_err err = {{0}};
    char *argv[8];
    int argc = 0;

    while (args[argc]) {
        argv[argc] = (char *)args[argc];
        argc++;
    }
    rc_config_init(&ctx->cfg);
    cr_assert_eq(rc_config_parse(&ctx->cfg, tables, argc, argv, &err), 0, "%s", err.msg);
    return rc_progress_open(ctx, "ingest url");
}

Test(client_progress, off_without_a_terminal_unless_asked, .init = cr_redirect_stderr)
{
    static const char *const none[] = {NULL};
    static const char *const asked[] = {"--progress", NULL};
    static const char *const both[] = {"--progress", "--no-progress", NULL};
    struct rc_ctx ctx;
    struct cm_progress *p;
    char *err;

    cr_assert_null(open_with(&ctx, none), "quiet in a CI log by default");
    rc_config_release(&ctx.cfg);
    cr_assert_null(open_with(&ctx, both), "--no-progress wins");
    rc_config_release(&ctx.cfg);
    p = open_with(&ctx, asked);
    cr_assert_not_null(p);
    cm_progress_update(p, 3, "records", -1, "3 records, 1 pages, 2 alerts");
    cm_progress_free(p);
    rc_config_release(&ctx.cfg);
    err = tt_read_all(cr_get_redirected_stderr());
    cr_assert(strstr(err, "] ingest url: 3 records, 1 pages, 2 alerts (done)\n"), "%s", err);
    cr_assert_null(strchr(err, '\r'), "plain lines: %s", err);
    cr_assert_null(strchr(err, '\033'), "plain lines: %s", err);
    free(err);
}
