/*
 * serve.c: `secmock serve`, the mock process.
 *
 * Reads options (and an optional JSON config file), adds the services, loads
 * their state, binds every listener, writes the ready file, then waits for
 * SIGINT or SIGTERM with sigwait(). The signals are blocked before any
 * listener thread starts, so every thread inherits the mask and only the
 * main thread ever takes them.
 */
#include "mock/kit/runtime.h"

#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SERVE_MAX_PORTS MK_MAX_SERVICES

struct serve_opts {
    struct mk_runtime_config cfg;
    char *services; /* comma list, owned */
    const char *state_file;
    const char *config_file;
    const char *ready_file;
    const char *clock_start;
    int freeze;
    int list;
    struct {
        char name[32];
        int port;
    } ports[SERVE_MAX_PORTS];
    int nports;
    char tls_on[256]; /* comma list of services, or "all" */
    char tls_off[256];
};

static void usage(FILE *out)
{
    fputs("usage: secmock serve [options]\n"
          "\n"
          "Runs mock services, each on its own listener, with one admin API.\n"
          "\n"
          "  --services LIST        services to run, comma-separated (see --list)\n"
          "  --config FILE          a JSON config file (docs/serve.md); flags override it\n"
          "  --state FILE           initial state: {\"<service>\": state, ...}\n"
          "  --port SVC=PORT        a service's port (default 0: any free port)\n"
          "  --bind ADDR            services' address (default 127.0.0.1)\n"
          "  --admin-port PORT      admin API port (default 0)\n"
          "  --admin-bind ADDR      admin API address (default 127.0.0.1)\n"
          "  --admin-token TOKEN    require this token on the admin API (or SECMOCK_ADMIN_TOKEN)\n"
          "  --ready-file FILE      write the URLs here once every listener is bound\n"
          "  --tls SVC|all          serve HTTPS (a throwaway CA unless --cert is given)\n"
          "  --no-tls SVC|all       serve plain HTTP even where the vendor is HTTPS-only\n"
          "  --cert FILE --key FILE [--ca FILE]  serve this certificate instead\n"
          "  --tls-dir DIR          where the generated ca.pem is written\n"
          "  --clock TIME           start the virtual clock at this RFC 3339 time\n"
          "  --freeze               start with the clock frozen\n"
          "  --body-max BYTES       largest request body (default 8388608)\n"
          "  --journal-max N        journal entries kept (default 100000)\n"
          "  --threads N            threads per listener (default 1)\n"
          "  --conn-timeout SECONDS close a connection silent this long (default 30)\n"
          "  --trust-forwarded      take the client address from X-Forwarded-For\n"
          "  -v, --verbose          one log line per request\n"
          "  --list                 list the services this build can run\n"
          "  -h, --help             this help\n",
          out);
}

static int parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    if (s == NULL || *s == '\0')
        return CM_EINVAL;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end != '\0' || v < min || v > max)
        return CM_EINVAL;
    *out = v;
    return 0;
}

static int add_port(struct serve_opts *o, const char *name, long port, struct cm_err *err)
{
    if (o->nports >= SERVE_MAX_PORTS)
        return cm_fail(err, CM_ETOOBIG, "--port: too many");
    if (strlen(name) >= sizeof(o->ports[0].name))
        return cm_fail(err, CM_EINVAL, "--port: service name '%s' too long", name);
    cm_strlcpy(o->ports[o->nports].name, name, sizeof(o->ports[0].name));
    o->ports[o->nports++].port = (int)port;
    return 0;
}

static int in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    const char *p = list;

    if (strcmp(list, "all") == 0)
        return 1;
    while ((p = strstr(p, name)) != NULL) {
        if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return 1;
        p += n;
    }
    return 0;
}

static void append_list(char *list, size_t size, const char *name)
{
    size_t n = strlen(list);

    if (n)
        snprintf(list + n, size - n, ",%s", name);
    else
        cm_strlcpy(list, name, size);
}

/* Applies a config file; flags given on the command line are applied after it. */
static int apply_config(struct serve_opts *o, cJSON *cfg, struct cm_err *err)
{
    const char *file = o->config_file;
    const cJSON *it, *s;

    if (!cJSON_IsObject(cfg))
        return cm_fail(err, CM_EINVAL, "%s: expected a JSON object", file);
    cJSON_ArrayForEach(it, cfg)
    {
        static const char *const known[] = {
            "services",    "bind",    "admin",           "state",        "clock", "body_max",
            "journal_max", "threads", "trust_forwarded", "conn_timeout", NULL};
        size_t k;
        for (k = 0; known[k] && strcmp(known[k], it->string); k++)
            ;
        if (known[k] == NULL)
            return cm_fail(err, CM_EINVAL, "%s: %s: unknown member", file, it->string);
    }
    s = cJSON_GetObjectItemCaseSensitive(cfg, "services");
    if (s && !cJSON_IsObject(s))
        return cm_fail(err, CM_EINVAL, "%s: services: expected an object keyed by service name",
                       file);
    cJSON_ArrayForEach(it, s)
    {
        const cJSON *port = cJSON_GetObjectItemCaseSensitive(it, "port");
        const cJSON *tls = cJSON_GetObjectItemCaseSensitive(it, "tls");
        char *list = o->services;
        o->services = cm_asprintf("%s%s%s", list ? list : "", list && *list ? "," : "", it->string);
        free(list);
        if (port) {
            if (!cJSON_IsNumber(port) || port->valuedouble < 0 || port->valuedouble > 65535)
                return cm_fail(err, CM_EINVAL, "%s: services.%s.port: expected 0 to 65535", file,
                               it->string);
            if (add_port(o, it->string, (long)port->valuedouble, err))
                return CM_EINVAL;
        }
        if (cJSON_IsBool(tls))
            append_list(cJSON_IsTrue(tls) ? o->tls_on : o->tls_off, sizeof(o->tls_on), it->string);
        else if (tls)
            return cm_fail(err, CM_EINVAL, "%s: services.%s.tls: expected true or false", file,
                           it->string);
    }
    o->cfg.bind = cm_json_str(cfg, "bind", o->cfg.bind);
    it = cJSON_GetObjectItemCaseSensitive(cfg, "admin");
    if (it) {
        o->cfg.admin_bind = cm_json_str(it, "bind", o->cfg.admin_bind);
        o->cfg.admin_port = (int)cm_json_num(it, "port", o->cfg.admin_port);
        o->cfg.admin_token = cm_json_str(it, "token", o->cfg.admin_token);
    }
    o->state_file = cm_json_str(cfg, "state", o->state_file);
    it = cJSON_GetObjectItemCaseSensitive(cfg, "clock");
    if (it) {
        o->clock_start = cm_json_str(it, "start", o->clock_start);
        o->freeze = cm_json_bool(it, "frozen", o->freeze);
    }
    o->cfg.body_max = (size_t)cm_json_num(cfg, "body_max", (double)o->cfg.body_max);
    o->cfg.journal_max = (size_t)cm_json_num(cfg, "journal_max", (double)o->cfg.journal_max);
    o->cfg.threads = (unsigned)cm_json_num(cfg, "threads", o->cfg.threads);
    it = cJSON_GetObjectItemCaseSensitive(cfg, "conn_timeout");
    if (it && (!cJSON_IsNumber(it) || it->valuedouble < 1 || it->valuedouble > 86400 ||
               it->valuedouble != (double)(unsigned)it->valuedouble))
        return cm_fail(err, CM_EINVAL, "%s: conn_timeout: expected whole seconds from 1 to 86400",
                       file);
    if (it)
        o->cfg.conn_timeout = (unsigned)it->valuedouble;
    o->cfg.trust_forwarded = cm_json_bool(cfg, "trust_forwarded", o->cfg.trust_forwarded);
    return 0;
}

/* Needs a value: returns it and advances *i, or fails naming the option. */
static const char *value_of(int argc, char **argv, int *i, struct cm_err *err, int *rc)
{
    if (*i + 1 >= argc) {
        *rc = cm_fail(err, CM_EINVAL, "%s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

static int parse_args(int argc, char **argv, struct serve_opts *o, struct cm_err *err)
{
    long v;
    int i, rc = 0;

    for (i = 1; i < argc && rc == 0; i++) {
        const char *a = argv[i], *val = NULL;
#define NEED() (val = value_of(argc, argv, &i, err, &rc)) != NULL
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "--services") == 0 && NEED()) {
            free(o->services);
            o->services = cm_strdup(val);
        } else if (strcmp(a, "--config") == 0 && NEED()) {
            o->config_file = val;
        } else if (strcmp(a, "--state") == 0 && NEED()) {
            o->state_file = val;
        } else if (strcmp(a, "--port") == 0 && NEED()) {
            const char *eq = strchr(val, '=');
            char name[64];
            if (eq == NULL || eq == val || (size_t)(eq - val) >= sizeof(name) ||
                parse_long(eq + 1, 0, 65535, &v))
                return cm_fail(err, CM_EINVAL, "--port: expected SERVICE=PORT, got '%s'", val);
            cm_strlcpy(name, val, (size_t)(eq - val) + 1);
            rc = add_port(o, name, v, err);
        } else if (strcmp(a, "--bind") == 0 && NEED()) {
            o->cfg.bind = val;
        } else if (strcmp(a, "--admin-port") == 0 && NEED()) {
            if (parse_long(val, 0, 65535, &v))
                return cm_fail(err, CM_EINVAL, "--admin-port: expected 0 to 65535, got '%s'", val);
            o->cfg.admin_port = (int)v;
        } else if (strcmp(a, "--admin-bind") == 0 && NEED()) {
            o->cfg.admin_bind = val;
        } else if (strcmp(a, "--admin-token") == 0 && NEED()) {
            o->cfg.admin_token = val;
        } else if (strcmp(a, "--ready-file") == 0 && NEED()) {
            o->ready_file = val;
        } else if (strcmp(a, "--tls") == 0 && NEED()) {
            append_list(o->tls_on, sizeof(o->tls_on), val);
        } else if (strcmp(a, "--no-tls") == 0 && NEED()) {
            append_list(o->tls_off, sizeof(o->tls_off), val);
        } else if (strcmp(a, "--cert") == 0 && NEED()) {
            o->cfg.cert_file = val;
        } else if (strcmp(a, "--key") == 0 && NEED()) {
            o->cfg.key_file = val;
        } else if (strcmp(a, "--ca") == 0 && NEED()) {
            o->cfg.ca_file = val;
        } else if (strcmp(a, "--tls-dir") == 0 && NEED()) {
            o->cfg.tls_dir = val;
        } else if (strcmp(a, "--clock") == 0 && NEED()) {
            o->clock_start = val;
        } else if (strcmp(a, "--freeze") == 0) {
            o->freeze = 1;
        } else if (strcmp(a, "--body-max") == 0 && NEED()) {
            if (parse_long(val, 1, LONG_MAX, &v))
                return cm_fail(err, CM_EINVAL, "--body-max: expected a positive number of bytes");
            o->cfg.body_max = (size_t)v;
        } else if (strcmp(a, "--journal-max") == 0 && NEED()) {
            if (parse_long(val, 1, 100000000, &v))
                return cm_fail(err, CM_EINVAL, "--journal-max: expected a positive integer");
            o->cfg.journal_max = (size_t)v;
        } else if (strcmp(a, "--threads") == 0 && NEED()) {
            if (parse_long(val, 1, 64, &v))
                return cm_fail(err, CM_EINVAL, "--threads: expected 1 to 64");
            o->cfg.threads = (unsigned)v;
        } else if (strcmp(a, "--conn-timeout") == 0 && NEED()) {
            if (parse_long(val, 1, 86400, &v))
                return cm_fail(err, CM_EINVAL,
                               "--conn-timeout: expected whole seconds from 1 to "
                               "86400, got '%s'",
                               val);
            o->cfg.conn_timeout = (unsigned)v;
        } else if (strcmp(a, "--trust-forwarded") == 0) {
            o->cfg.trust_forwarded = 1;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            o->cfg.verbose = 1;
        } else if (strcmp(a, "--list") == 0) {
            o->list = 1;
        } else if (rc == 0) {
            return cm_fail(err, CM_EINVAL, "unknown option '%s' (see secmock serve --help)", a);
        }
#undef NEED
    }
    return rc;
}

static void list_services(void)
{
    size_t i;

    for (i = 0; mk_service_types[i]; i++) {
        const struct mk_service_ops *o = mk_service_types[i];
        const char *const *v;
        printf("%-10s %s%s\n", o->type, o->summary, o->default_tls ? " (HTTPS)" : "");
        for (v = o->variants; v && *v; v++)
            printf("  %s-%s\n", o->type, *v);
    }
}

static int run(struct serve_opts *o, struct cm_err *err)
{
    struct mk_runtime *rt = NULL;
    cJSON *state = NULL;
    char *list = NULL, *name, *next;
    sigset_t set;
    int sig, rc = 0, i;
    int64_t start = 0;

    if (o->services == NULL || o->services[0] == '\0') {
        rc = cm_fail(err, CM_EINVAL,
                     "no services to run: give --services LIST (see secmock serve --list)");
        goto out;
    }
    if (o->clock_start && cm_time_parse(o->clock_start, &start) != 0) {
        rc = cm_fail(err, CM_EINVAL,
                     "--clock: '%s' is not an RFC 3339 time such as 2026-03-02T09:00:00Z",
                     o->clock_start);
        goto out;
    }
    if (o->cfg.admin_token == NULL)
        o->cfg.admin_token = getenv("SECMOCK_ADMIN_TOKEN");
    /* One malloc arena for the listener threads (unless the user chose): glibc gives each
     * thread that allocates an arena of its own, a 64 MiB reservation whose first pages fault
     * in one by one, ten of them with every service; a mock's threads rarely allocate at once.
     * A thread pool (--threads) keeps glibc's default. */
    if (getenv("MALLOC_ARENA_MAX") == NULL && o->cfg.threads <= 1)
        mallopt(M_ARENA_MAX, 1);
    rt = mk_runtime_new(&o->cfg);
    list = cm_strdup(o->services);
    for (name = list; name; name = next) {
        int port = 0, tls = -1;
        next = strchr(name, ',');
        if (next)
            *next++ = '\0';
        if (*name == '\0')
            continue;
        for (i = 0; i < o->nports; i++)
            if (strcmp(o->ports[i].name, name) == 0)
                port = o->ports[i].port;
        if (in_list(o->tls_off, name))
            tls = 0;
        if (in_list(o->tls_on, name))
            tls = 1;
        rc = mk_runtime_add(rt, name, port, tls, err);
        if (rc)
            goto out;
    }
    for (i = 0; i < o->nports; i++) {
        if (mk_runtime_find(rt, o->ports[i].name) == NULL) {
            rc =
                cm_fail(err, CM_EINVAL, "--port: '%s' is not among the services", o->ports[i].name);
            goto out;
        }
    }
    if (o->state_file) {
        state = cm_json_load_file(o->state_file, err);
        if (state == NULL) {
            rc = CM_EINVAL;
            goto out;
        }
        rc = mk_runtime_load(rt, state, err);
        if (rc) {
            char msg[sizeof(err->msg)];
            cm_strlcpy(msg, err->msg, sizeof(msg));
            rc = cm_fail(err, rc, "%s: %s", o->state_file, msg);
            goto out;
        }
    }
    /* Frozen first, so that a frozen clock starts at exactly --clock: set then freeze let the
     * wall clock tick in between (a scenario's first answer said 09:00:00.001Z under ASan). */
    if (o->freeze)
        mk_clock_freeze(mk_runtime_clock(rt));
    if (o->clock_start)
        mk_clock_set(mk_runtime_clock(rt), start);

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    rc = mk_runtime_start(rt, err);
    if (rc)
        goto out;
    if (o->ready_file) {
        rc = mk_runtime_write_ready(rt, o->ready_file, err);
        if (rc)
            goto out;
    }
    {
        cJSON *d = mk_runtime_describe(rt);
        char *s = cm_json_print(d);
        cm_info("ready: %s", s);
        free(s);
        cJSON_Delete(d);
    }
    while (sigwait(&set, &sig) != 0)
        ;
    cm_info("stopping on signal %d", sig);
out:
    mk_runtime_free(rt);
    cJSON_Delete(state);
    free(list);
    return rc;
}

int mk_serve_main(int argc, char **argv)
{
    struct serve_opts o;
    struct cm_err err = {{0}};
    int rc = 0;

    cJSON *cfg = NULL;
    int i;

    memset(&o, 0, sizeof(o));
    cm_log_set_prefix("secmock serve");
    /* The config file first, so that flags given beside it win. */
    for (i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0)
            o.config_file = argv[i + 1];
    if (o.config_file) {
        cfg = cm_json_load_file(o.config_file, &err);
        rc = cfg ? apply_config(&o, cfg, &err) : CM_EINVAL;
    }
    if (rc == 0)
        rc = parse_args(argc, argv, &o, &err);
    if (rc) {
        cm_error("%s", err.msg);
        free(o.services);
        cJSON_Delete(cfg);
        return 2;
    }
    if (o.cfg.verbose)
        cm_log_set_level(CM_LOG_INFO);
    if (o.list) {
        list_services();
        free(o.services);
        cJSON_Delete(cfg);
        return 0;
    }
    rc = run(&o, &err);
    free(o.services);
    cJSON_Delete(cfg);
    if (rc) {
        cm_error("%s", err.msg);
        return 1;
    }
    return 0;
}
