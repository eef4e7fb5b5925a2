/*
 * context.c: the options every command shares, and the context built from
 * them: clock source, HTTP layer (CA, source address, time-outs, retry
 * policy) and output.
 *
 * The jitter seed defaults to a fresh value per run on the wall clock (so a
 * fleet of clients does not retry in step) and to 1 on a virtual clock (so a
 * scenario's waits, and therefore the mocks' times, replay exactly).
 */
#include "client/client.h"

#include "common/log.h"
#include "common/timeutil.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

const struct rc_opt rc_common_opts[] = {
    {"config", "--config", NULL, "SECMOCK_CLIENT_CONFIG", RC_OPT_STRING, NULL, "FILE",
     "read options from this JSON file (flags and environment win over it)"},
    {"ca_file", "--ca-file", NULL, "SECMOCK_CA_FILE", RC_OPT_STRING, NULL, "FILE",
     "trust this CA certificate (PEM) for https"},
    {"source_addr", "--source", NULL, "SECMOCK_SOURCE_ADDR", RC_OPT_STRING, NULL, "ADDR",
     "send from this local address"},
    {"http.timeout", "--timeout", NULL, "SECMOCK_TIMEOUT", RC_OPT_DURATION, "30s", "DUR",
     "time limit of one try"},
    {"http.connect_timeout", "--connect-timeout", NULL, NULL, RC_OPT_DURATION, "5s", "DUR",
     "time limit to connect"},
    {"http.retries", "--retries", NULL, "SECMOCK_RETRIES", RC_OPT_INT, "3", "N",
     "retries after the first try (0: none)"},
    {"http.retry_base", "--retry-base", NULL, NULL, RC_OPT_DURATION, "500ms", "DUR",
     "ceiling of the first backoff, doubled each retry"},
    {"http.retry_max", "--retry-max", NULL, NULL, RC_OPT_DURATION, "30s", "DUR",
     "largest backoff ceiling"},
    {"http.max_wait", "--max-wait", NULL, NULL, RC_OPT_DURATION, "5m", "DUR",
     "longest wait a server may ask for (Retry-After) before the client gives up"},
    {"http.retry_seed", "--retry-seed", NULL, "SECMOCK_RETRY_SEED", RC_OPT_INT, NULL, "N",
     "jitter seed (default: per run; 1 on the admin clock)"},
    {"clock", "--clock", NULL, "SECMOCK_CLOCK", RC_OPT_STRING, "wall", "wall|admin",
     "time source: the system, or the mocks' virtual clock"},
    {"admin_url", "--admin-url", NULL, "SECMOCK_ADMIN_URL", RC_OPT_STRING, NULL, "URL",
     "the mock process's admin API, for --clock admin"},
    {"admin_token", NULL, NULL, "SECMOCK_ADMIN_TOKEN", RC_OPT_STRING, NULL, NULL,
     "the admin API's token, when it has one"},
    {"output", "--output", "-o", NULL, RC_OPT_STRING, NULL, "FILE",
     "write results to FILE (JSON lines are appended) instead of stdout"},
    {"verbose", "--verbose", "-v", "SECMOCK_VERBOSE", RC_OPT_BOOL, NULL, NULL,
     "log every exchange on stderr, secrets redacted"},
    {NULL, NULL, NULL, NULL, RC_OPT_STRING, NULL, NULL, NULL},
};

/* A string option that may be unset; CM_EINVAL passes through. */
static int opt_string(const struct rc_config *c, const char *key, const char **out,
                      struct cm_err *err)
{
    int rc = rc_config_string(c, key, out, err);

    if (rc == CM_ENOENT) {
        *out = NULL;
        return 0;
    }
    return rc;
}

static int opt_ms(const struct rc_config *c, const char *key, int64_t *out, struct cm_err *err)
{
    int rc = rc_config_duration(c, key, out, err);

    if (rc == CM_ENOENT) {
        *out = 0;
        return 0;
    }
    if (rc == 0 && *out > LONG_MAX)
        *out = LONG_MAX;
    return rc;
}

static int make_clock(struct rc_ctx *ctx, struct cm_err *err)
{
    const char *kind = NULL, *url = NULL, *token = NULL;
    char where[192];
    int rc;

    if ((rc = opt_string(&ctx->cfg, "clock", &kind, err)) ||
        (rc = opt_string(&ctx->cfg, "admin_url", &url, err)) ||
        (rc = opt_string(&ctx->cfg, "admin_token", &token, err)))
        return rc;
    if (kind == NULL || strcmp(kind, "wall") == 0) {
        ctx->clock = rc_clock_new_wall();
        return 0;
    }
    if (strcmp(kind, "admin") != 0)
        return cm_fail(err, CM_EINVAL, "%s: expected wall or admin, got '%s'",
                       rc_config_where(&ctx->cfg, "clock", where, sizeof(where)), kind);
    if (url == NULL || *url == '\0')
        return cm_fail(err, CM_EINVAL,
                       "the admin clock needs the mock's admin URL: set SECMOCK_ADMIN_URL "
                       "or --admin-url (the \"admin\" member of the ready file)");
    ctx->clock = rc_clock_new_admin(url, token);
    return 0;
}

static int make_http(struct rc_ctx *ctx, struct cm_err *err)
{
    struct rc_http_opts o = {0};
    int64_t timeout, connect, base, max, max_wait;
    long long retries, seed;
    char where[192];
    int rc;

    if ((rc = opt_string(&ctx->cfg, "ca_file", &o.ca_file, err)) ||
        (rc = opt_string(&ctx->cfg, "source_addr", &o.source_addr, err)) ||
        (rc = opt_ms(&ctx->cfg, "http.timeout", &timeout, err)) ||
        (rc = opt_ms(&ctx->cfg, "http.connect_timeout", &connect, err)) ||
        (rc = opt_ms(&ctx->cfg, "http.retry_base", &base, err)) ||
        (rc = opt_ms(&ctx->cfg, "http.retry_max", &max, err)) ||
        (rc = opt_ms(&ctx->cfg, "http.max_wait", &max_wait, err)))
        return rc;
    rc = rc_config_int(&ctx->cfg, "http.retries", 0, 100, &retries, err);
    if (rc)
        return rc;
    rc = rc_config_int(&ctx->cfg, "http.retry_seed", 0, LLONG_MAX, &seed, err);
    if (rc == CM_ENOENT)
        seed = rc_clock_is_virtual(ctx->clock) ? 1 : (cm_mono_us() ^ ((long long)getpid() << 32));
    else if (rc)
        return rc;
    if (o.ca_file && access(o.ca_file, R_OK) != 0)
        return cm_fail(err, CM_EINVAL, "%s: cannot read '%s': %s",
                       rc_config_where(&ctx->cfg, "ca_file", where, sizeof(where)), o.ca_file,
                       strerror(errno));
    o.timeout_ms = (long)timeout;
    o.connect_timeout_ms = (long)connect;
    rc_retry_policy_default(&o.retry, (uint64_t)seed);
    o.retry.attempts = (int)retries + 1;
    o.retry.base_ms = base;
    o.retry.max_ms = max;
    o.retry.max_wait_ms = max_wait;
    ctx->http = rc_http_new(&o, ctx->clock);
    return 0;
}

int rc_ctx_open(struct rc_ctx *ctx, struct cm_err *err)
{
    const char *output = NULL;
    int verbose = 0, rc;

    ctx->clock = NULL;
    ctx->http = NULL;
    memset(&ctx->out, 0, sizeof(ctx->out)); /* closing it is a no-op until it is opened */
    rc = rc_config_bool(&ctx->cfg, "verbose", &verbose, err);
    if (rc && rc != CM_ENOENT)
        return rc;
    if (verbose)
        cm_log_set_level(CM_LOG_DEBUG);
    if ((rc = opt_string(&ctx->cfg, "output", &output, err)) || (rc = make_clock(ctx, err)) ||
        (rc = make_http(ctx, err)))
        return rc;
    rc_output_open(&ctx->out, output);
    return 0;
}

void rc_ctx_close(struct rc_ctx *ctx)
{
    rc_output_close(&ctx->out);
    rc_http_free(ctx->http);
    rc_clock_free(ctx->clock);
    rc_config_release(&ctx->cfg);
    ctx->http = NULL;
    ctx->clock = NULL;
}

int rc_exit_for(int rc)
{
    if (rc == 0)
        return RC_EXIT_OK;
    if (rc == CM_ECONN || rc == CM_ETIMEDOUT || rc == CM_EPROTO || rc == CM_ETLS)
        return RC_EXIT_CONN;
    if (rc == CM_EINVAL)
        return RC_EXIT_USAGE;
    return RC_EXIT_REMOTE;
}
