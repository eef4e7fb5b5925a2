/*
 * client.h: `secmock client`, the reference client, and what every command
 * of it shares.
 *
 * `secmock client <integration> <command> [options]` runs one of the
 * vendors' integrations end to end (mimecast, esa, ctr, cte; one file per
 * flow); `secmock client http URL` is a generic request through the same
 * plumbing. client/main.c holds the dispatch tables; a new integration is one
 * row there and one table of struct rc_command.
 *
 * A command receives a struct rc_ctx built from its options (client/config.h,
 * with rc_common_opts below plus its own): the clock every wait goes through,
 * the retrying HTTP layer and the output. It returns a process exit code
 * (enum rc_exit) and prints its own errors.
 *
 * Ownership: rc_ctx_open() fills caller storage whose config was parsed by
 * the caller; rc_ctx_close() frees everything in it, config included.
 */
#ifndef RC_CLIENT_H
#define RC_CLIENT_H

#include "client/clock.h"
#include "client/config.h"
#include "client/http.h"
#include "client/output.h"
#include "common/error.h"

/* Exit codes of every client command (docs/client.md). */
enum rc_exit {
    RC_EXIT_OK = 0,     /* done */
    RC_EXIT_REMOTE = 1, /* the service answered with an error */
    RC_EXIT_USAGE = 2,  /* bad command line or configuration */
    RC_EXIT_CONN = 3,   /* no answer: connection, TLS or time-out, after the retries */
    RC_EXIT_FLOW = 4,   /* 4 and up: outcomes a flow documents itself */
};

struct rc_ctx {
    struct rc_config cfg; /* parsed by the caller before rc_ctx_open() */
    struct rc_clock *clock;
    struct rc_http *http; /* borrows clock */
    struct rc_output out;
};

/* Options every command takes: config file, TLS, source address, time-outs, retries, clock,
 * output, verbosity. */
extern const struct rc_opt rc_common_opts[];

/* Builds clock, HTTP layer and output from ctx->cfg (and sets the log level). CM_EINVAL with
 * err naming the option at fault. */
int rc_ctx_open(struct rc_ctx *ctx, struct cm_err *err);
void rc_ctx_close(struct rc_ctx *ctx);

/* Maps an rc_http_do() failure to an exit code (RC_EXIT_CONN for transport failures). */
int rc_exit_for(int rc);

/* One command: `secmock client [<integration>] <name> [options] [operands]`. */
struct rc_command {
    const char *name;
    const char *summary;       /* one line for the lists */
    const char *synopsis;      /* "[options] URL" */
    const char *description;   /* paragraphs for --help, may be NULL */
    const struct rc_opt *opts; /* the command's own options; may be NULL */
    int (*run)(struct rc_ctx *ctx);
};

/* One integration; commands ends with a NULL name, or is NULL while the flow is not built. */
struct rc_integration {
    const char *name;
    const char *summary;
    const struct rc_command *commands;
};

/* The generic request command (client/http_cmd.c). */
extern const struct rc_command rc_http_command;

/* `secmock client <integration> <command> [options]`; returns the process exit code. */
int rc_client_main(int argc, char **argv);

#endif
