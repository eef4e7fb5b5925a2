/*
 * progress.h: the progress line of the client's long runs (mimecast ingest,
 * cte sync), on common/progress.h.
 *
 * A command that shows progress lists RC_OPTS_PROGRESS in its option table
 * (--progress, --no-progress) and opens its line with rc_progress_open(): on
 * stderr, redrawn in place when stderr is a terminal, quiet when it is not
 * (a scenario's captured stderr, a CI log) unless --progress asks for plain
 * periodic lines; --no-progress wins.
 */
#ifndef RC_PROGRESS_H
#define RC_PROGRESS_H

#include "client/client.h"
#include "common/progress.h"

#define RC_OPTS_PROGRESS                                                                           \
    {"progress",  "--progress",                                                                    \
     NULL,        NULL,                                                                            \
     RC_OPT_BOOL, NULL,                                                                            \
     NULL,        "show progress on stderr even when it is no terminal (plain lines every 5 s)"},  \
    {                                                                                              \
        "no_progress", "--no-progress", NULL, NULL, RC_OPT_BOOL, NULL, NULL,                       \
            "no progress line, even on a terminal (the default elsewhere)"                         \
    }

/* The command's progress line on stderr, labelled label ("ingest url"); NULL when off (every
 * cm_progress_ call accepts NULL). Caller frees with cm_progress_free(). */
struct cm_progress *rc_progress_open(const struct rc_ctx *ctx, const char *label);

#endif
