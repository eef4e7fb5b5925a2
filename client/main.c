/*
 * main.c: `secmock client` dispatch.
 *
 *     secmock client <integration> <command> [options]   a vendor flow
 *     secmock client <command> [options]                 a generic command (http)
 *
 * Two tables: the integrations (each with its own table of commands, or NULL
 * while it is not built) and the generic commands. Adding a flow is adding a
 * row. Every level answers --help; errors of usage exit 2 (enum rc_exit).
 */
#include "client/client.h"
#include "client/cte_sync.h"
#include "client/ctr_cmd.h"
#include "client/esa_cmd.h"
#include "client/mimecast_cmd.h"

#include "common/libcrypto.h"
#include "common/log.h"

#include <stdio.h>
#include <string.h>

static const struct rc_integration integrations[] = {
    {"mimecast", "Mimecast: API keys and TTP log ingestion with MITRE mapping (Sophos Central)",
     rc_mm_commands},
    {"esa", "Cisco ESA: Security Services Exchange device registration", rc_esa_commands},
    {"ctr", "Cisco Threat Response / XDR: investigate and remediate email observables",
     rc_ctr_commands},
    {"cte", "Netskope Cloud Exchange: share file hashes between Mimecast and Netskope",
     rc_cte_commands},
    {NULL, NULL, NULL},
};

static const struct rc_command *const generic[] = {&rc_http_command, NULL};

static int is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "help") == 0;
}

static void usage(FILE *out)
{
    const struct rc_integration *in;
    const struct rc_command *const *g;

    fputs("usage: secmock client <integration> <command> [options]\n"
          "       secmock client <command> [options]\n"
          "\n"
          "integrations:\n",
          out);
    for (in = integrations; in->name; in++)
        fprintf(out, "  %-10s %s%s\n", in->name, in->summary,
                in->commands ? "" : " (not built yet)");
    fputs("\ncommands:\n", out);
    for (g = generic; *g; g++)
        fprintf(out, "  %-10s %s\n", (*g)->name, (*g)->summary);
    fputs("\n`secmock client <integration> --help` lists an integration's commands;\n"
          "`--help` after any command describes it and its options.\n"
          "Exit codes: 0 done, 1 the service answered with an error, 2 usage or\n"
          "configuration error, 3 no answer (connection, TLS, time-out); see docs/client.md.\n",
          out);
}

static void integration_usage(FILE *out, const struct rc_integration *in)
{
    const struct rc_command *c;

    fprintf(out, "usage: secmock client %s <command> [options]\n\n%s\n", in->name, in->summary);
    if (in->commands == NULL) {
        fprintf(out, "\nThe %s flow is not built yet.\n", in->name);
        return;
    }
    fputs("\ncommands:\n", out);
    for (c = in->commands; c->name; c++)
        fprintf(out, "  %-16s %s\n", c->name, c->summary);
}

static void command_usage(FILE *out, const char *prefix, const struct rc_command *cmd)
{
    fprintf(out, "usage: secmock client %s%s %s\n\n%s.\n", prefix, cmd->name, cmd->synopsis,
            cmd->summary);
    if (cmd->description)
        fprintf(out, "\n%s", cmd->description);
    if (cmd->opts && cmd->opts->key) {
        fputs("\noptions:\n", out);
        rc_config_usage(out, cmd->opts);
    }
    fputs("\ncommon options:\n", out);
    rc_config_usage(out, rc_common_opts);
}

/* Parses a command's options, builds its context and runs it. prefix: "" or "mimecast ". */
static int run_command(const char *prefix, const struct rc_command *cmd, int argc, char **argv)
{
    const struct rc_opt *tables[3] = {rc_common_opts, cmd->opts, NULL};
    struct rc_ctx ctx;
    struct cm_err err = {{0}};
    int code;

    rc_config_init(&ctx.cfg);
    if (rc_config_parse(&ctx.cfg, tables, argc, argv, &err)) {
        cm_error("%s", err.msg);
        rc_config_release(&ctx.cfg);
        return RC_EXIT_USAGE;
    }
    if (ctx.cfg.help) {
        command_usage(stdout, prefix, cmd);
        rc_config_release(&ctx.cfg);
        return RC_EXIT_OK;
    }
    if (cm_crypto_load()) { /* the flows sign and hash with it; libcurl needs it too */
        cm_error("%s", cm_crypto_load_error());
        rc_config_release(&ctx.cfg);
        return RC_EXIT_USAGE;
    }
    if (rc_ctx_open(&ctx, &err)) {
        cm_error("%s", err.msg);
        rc_ctx_close(&ctx);
        return RC_EXIT_USAGE;
    }
    code = cmd->run(&ctx);
    rc_ctx_close(&ctx);
    return code;
}

static int run_integration(const struct rc_integration *in, int argc, char **argv)
{
    const struct rc_command *c;
    char prefix[64];

    if (argc < 1 || is_help(argv[0])) {
        integration_usage(argc < 1 ? stderr : stdout, in);
        return argc < 1 ? RC_EXIT_USAGE : RC_EXIT_OK;
    }
    if (in->commands == NULL) {
        cm_error("'%s' is not built yet; `secmock client --help` lists what is", in->name);
        return RC_EXIT_USAGE;
    }
    snprintf(prefix, sizeof(prefix), "%s ", in->name);
    for (c = in->commands; c->name; c++)
        if (strcmp(c->name, argv[0]) == 0)
            return run_command(prefix, c, argc - 1, argv + 1);
    cm_error("unknown %s command '%s'", in->name, argv[0]);
    integration_usage(stderr, in);
    return RC_EXIT_USAGE;
}

int rc_client_main(int argc, char **argv)
{
    const struct rc_integration *in;
    const struct rc_command *const *g;

    cm_log_set_prefix("client");
    cm_http_global_init(); /* without libcurl, every exchange fails saying why */
    if (argc < 2) {
        usage(stderr);
        return RC_EXIT_USAGE;
    }
    if (is_help(argv[1])) {
        usage(stdout);
        return RC_EXIT_OK;
    }
    for (g = generic; *g; g++)
        if (strcmp((*g)->name, argv[1]) == 0)
            return run_command("", *g, argc - 2, argv + 2);
    for (in = integrations; in->name; in++)
        if (strcmp(in->name, argv[1]) == 0)
            return run_integration(in, argc - 2, argv + 2);
    cm_error("unknown integration or command '%s'", argv[1]);
    usage(stderr);
    return RC_EXIT_USAGE;
}
