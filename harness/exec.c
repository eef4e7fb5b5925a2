/*
 * exec.c: the step interpreter.
 *
 * One struct run per scenario holds the mock, the variables, the work folder,
 * the deadline and the step log. Each step kind is one function that expands
 * its variables, does its one thing (an admin call, an HTTP request, a child
 * process, a file operation) and checks its expectations; the first error
 * ends the scenario. The admin API is the only channel to the mock.
 */
#include "harness/exec.h"

#include "common/buf.h"
#include "common/fsutil.h"
#include "common/http.h"
#include "common/json.h"
#include "common/mem.h"
#include "common/spawn.h"
#include "common/timeutil.h"
#include "harness/expect.h"
#include "harness/jsonx.h"
#include "harness/mockproc.h"
#include "harness/vars.h"

#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define LOG_MAX           (8u * 1024 * 1024)
#define LOG_STREAM_MAX    65536
#define STDERR_TAIL_LINES 20
#define JOURNAL_TAIL      10

struct run {
    const struct hx_scenario *sc;
    const struct hx_exec_config *cfg;
    struct hx_mock mock;
    struct hx_vars vars;
    char *workdir;
    int64_t deadline_us;
    cJSON *state_cache; /* {"<svc>": state} fetched during the current step */
    struct cm_buf log;
    char *last_stderr; /* the latest client/run step's stderr (owned) */
    const struct hx_step *step;
    char *where;      /* "<file>: steps[i]" of the current step */
    char *note;       /* with cfg->timeline: what the current step did, for the timeline */
    long long seq;    /* the highest journal seq recorded in the timeline */
    long long nentry; /* journal entries seen for the timeline, kept or cut */
};

const char *hx_find_faketime(void)
{
    static const char *const candidates[] = {
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/faketime/libfaketime.so.1",
        "/usr/local/lib/faketime/libfaketime.so.1",
        "/usr/lib64/faketime/libfaketime.so.1",
        NULL,
    };
    int i;

    for (i = 0; candidates[i]; i++)
        if (access(candidates[i], R_OK) == 0)
            return candidates[i];
    return NULL;
}

/* The least free space /dev/shm must have to hold work folders (a container's is often 64 MB). */
#define SHM_MIN_FREE (1024LL * 1024 * 1024)

const char *hx_work_parent(void)
{
    const char *tmp = getenv("TMPDIR");
    struct statfs fs;

    if (tmp && *tmp)
        return tmp;
    if (statfs("/dev/shm", &fs) == 0 && fs.f_type == TMPFS_MAGIC &&
        (long long)fs.f_bavail * fs.f_bsize >= SHM_MIN_FREE && access("/dev/shm", W_OK | X_OK) == 0)
        return "/dev/shm";
    return "/tmp";
}

void hx_service_env_name(const char *service, char *out, size_t size)
{
    size_t off = (size_t)snprintf(out, size, "SECMOCK_");
    const char *p;

    for (p = service; *p && off + 5 < size; p++)
        out[off++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
    snprintf(out + off, size - off, "_URL");
}

/* ---- small helpers ---- */

static int64_t remaining_ms(const struct run *r)
{
    int64_t left = (r->deadline_us - cm_mono_us()) / 1000;

    return left > 0 ? left : 0;
}

static int64_t step_budget(const struct run *r, int64_t step_ms)
{
    int64_t left = remaining_ms(r);

    return step_ms < left ? step_ms : left;
}

static void logf_(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(struct run *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cm_buf_vprintf(&r->log, fmt, ap);
    va_end(ap);
}

/* With cfg->timeline: a short note of what the current step did. */
static void note_f(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note_f(struct run *r, const char *fmt, ...)
{
    va_list ap;
    struct cm_buf b;

    if (!r->cfg->timeline)
        return;
    cm_buf_init(&b, 4096);
    va_start(ap, fmt);
    cm_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    free(r->note);
    r->note = cm_buf_steal(&b, NULL);
}

static void log_stream(struct run *r, const char *label, const struct cm_buf *b)
{
    if (b->len == 0)
        return;
    logf_(r, "  --- %s (%zu bytes)%s\n", label, b->len, b->len > LOG_STREAM_MAX ? ", cut" : "");
    cm_buf_append(&r->log, b->data, b->len > LOG_STREAM_MAX ? LOG_STREAM_MAX : b->len);
    if (b->data[b->len - 1] != '\n')
        cm_buf_putc(&r->log, '\n');
}

/* "<file>: steps[i].<sub>" for expansion errors; caller frees. */
static char *where_sub(const struct run *r, const char *sub)
{
    return cm_asprintf("%s.%s", r->where, sub);
}

static int expand_json(struct run *r, const cJSON *node, const char *sub, cJSON **out,
                       struct cm_err *err)
{
    char *w = where_sub(r, sub);
    int rc = hx_vars_expand_json(&r->vars, node, w, out, err);

    free(w);
    return rc;
}

/* Percent-encodes a path segment. Caller frees. */
static char *url_segment(const char *s)
{
    struct cm_buf b;

    cm_buf_init(&b, 0);
    cm_buf_puts(&b, "");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
            cm_buf_putc(&b, (char)c);
        else
            cm_buf_printf(&b, "%%%02X", c);
    }
    return cm_buf_steal(&b, NULL);
}

/* "/state/<service>", the admin API's state of one service. Caller frees. */
static char *state_path(const char *service)
{
    char *seg = url_segment(service), *path = cm_asprintf("/state/%s", seg);

    free(seg);
    return path;
}

/* An admin call that must answer 2xx unless expect says otherwise; answer kept when asked. */
static int admin(struct run *r, const char *method, const char *path, const cJSON *body,
                 const cJSON *expect, cJSON **keep, struct cm_err *err)
{
    cJSON *answer = NULL;
    long status;
    int rc;

    rc = hx_admin_call(&r->mock, method, path, body, step_budget(r, 30000) + 1, &status, &answer,
                       err);
    if (rc)
        return rc;
    logf_(r, "  admin %s %s -> %ld\n", method, path, status);
    rc = hx_expect_admin(expect, status, answer, err);
    if (rc == 0 && keep)
        *keep = answer;
    else
        cJSON_Delete(answer);
    if (rc && expect == NULL) {
        char why[sizeof(err->msg)];
        cm_strlcpy(why, err->msg, sizeof(why));
        cm_fail(err, rc, "%s %s: %s", method, path, why);
    }
    return rc;
}

static const cJSON *fetch_state(void *ud, const char *service, struct cm_err *err)
{
    struct run *r = ud;
    const cJSON *have = cJSON_GetObjectItemCaseSensitive(r->state_cache, service);
    cJSON *answer = NULL;
    char *path;
    long status;

    if (have)
        return have;
    path = state_path(service);
    if (hx_admin_call(&r->mock, "GET", path, NULL, 10000, &status, &answer, err) != 0) {
        free(path);
        return NULL;
    }
    free(path);
    if (status != 200) {
        cJSON_Delete(answer);
        cm_fail(err, CM_EPROTO, "GET /state/%s answered %ld", service, status);
        return NULL;
    }
    cJSON_AddItemToObject(r->state_cache, service, answer);
    return answer;
}

/* Stores the values "save" selects from doc. */
static int save_values(struct run *r, const cJSON *save, const cJSON *doc, const char *what,
                       struct cm_err *err)
{
    const cJSON *s, *v;

    cJSON_ArrayForEach(s, save)
    {
        v = hx_json_pointer(doc, s->valuestring);
        if (v == NULL) {
            char *ex = hx_json_excerpt(doc, 300);
            cm_fail(err, CM_EINVAL, "save %s: %s has nothing at \"%s\": %s", s->string, what,
                    s->valuestring, ex);
            free(ex);
            return CM_EINVAL;
        }
        hx_vars_save(&r->vars, s->string, v);
        {
            char *t = hx_json_to_text(v), *ex = hx_text_excerpt(t, strlen(t), 120);
            logf_(r, "  saved %s = %s\n", s->string, ex);
            free(t);
            free(ex);
        }
    }
    return 0;
}

/* ---- the environment of client and run steps ---- */

struct envlist {
    char **kv;
    size_t n, cap;
};

static void env_set(struct envlist *e, const char *name, const char *value)
{
    size_t i, nl = strlen(name);

    for (i = 0; i < e->n; i++) {
        if (strncmp(e->kv[i], name, nl) == 0 && e->kv[i][nl] == '=') {
            free(e->kv[i]);
            e->kv[i] = cm_asprintf("%s=%s", name, value);
            return;
        }
    }
    if (e->n + 2 > e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        e->kv = cm_realloc(e->kv, e->cap * sizeof(*e->kv));
    }
    e->kv[e->n++] = cm_asprintf("%s=%s", name, value);
    e->kv[e->n] = NULL;
}

static const char *env_get(const struct envlist *e, const char *name)
{
    size_t i, nl = strlen(name);

    for (i = 0; i < e->n; i++)
        if (strncmp(e->kv[i], name, nl) == 0 && e->kv[i][nl] == '=')
            return e->kv[i] + nl + 1;
    return NULL;
}

static void env_free(struct envlist *e)
{
    size_t i;

    for (i = 0; i < e->n; i++)
        free(e->kv[i]);
    free(e->kv);
}

/* Expands and sets each NAME of map; where is map's "<file>: <path>" for errors. */
static int env_apply(struct run *r, struct envlist *e, const cJSON *map, const char *where,
                     struct cm_err *err)
{
    const cJSON *c;

    cJSON_ArrayForEach(c, map)
    {
        char *v, *w = cm_asprintf("%s.%s", where, c->string);
        int rc = hx_vars_expand_str(&r->vars, c->valuestring, w, &v, err);
        free(w);
        if (rc)
            return rc;
        env_set(e, c->string, v);
        free(v);
    }
    return 0;
}

/* Variables the harness sets itself: an inherited value would point at another mock. */
static int harness_owned(const char *name, size_t n)
{
    static const char *const owned[] = {
        "SECMOCK_ADMIN_URL", "SECMOCK_ADMIN_TOKEN", "SECMOCK_CA_FILE",        "SECMOCK_SOURCE_ADDR",
        "SECMOCK_WORKDIR",   "SECMOCK_CLOCK",       "SECMOCK_TIME_OFFSET_MS", NULL};
    int i;

    for (i = 0; owned[i]; i++)
        if (strlen(owned[i]) == n && strncmp(owned[i], name, n) == 0)
            return 1;
    return n > 12 && strncmp(name, "SECMOCK_", 8) == 0 && strncmp(name + n - 4, "_URL", 4) == 0;
}

static int build_env(struct run *r, const struct hx_step *st, struct envlist *e, struct cm_err *err)
{
    const cJSON *svc;
    char **p, name[80];
    int rc;

    memset(e, 0, sizeof(*e));
    for (p = environ; p && *p; p++) {
        const char *eq = strchr(*p, '=');
        if (eq == NULL || harness_owned(*p, (size_t)(eq - *p)))
            continue; /* only the scenario's mock may be named, never an outer one */
        {
            char *n = cm_strndup(*p, (size_t)(eq - *p));
            env_set(e, n, eq + 1);
            free(n);
        }
    }
    env_set(e, "SECMOCK_ADMIN_URL", r->mock.admin_url);
    if (r->mock.ca_file)
        env_set(e, "SECMOCK_CA_FILE", r->mock.ca_file);
    cJSON_ArrayForEach(svc, r->mock.services)
    {
        hx_service_env_name(svc->string, name, sizeof(name));
        env_set(e, name, svc->valuestring);
    }
    if (r->sc->client_source)
        env_set(e, "SECMOCK_SOURCE_ADDR", r->sc->client_source);
    env_set(e, "SECMOCK_WORKDIR", r->workdir);
    env_set(e, "SECMOCK_CLOCK", "admin");
    if (st->kind == HX_STEP_RUN) {
        cJSON *clock = NULL;
        int64_t now_ms;
        char buf[64];
        rc = admin(r, "GET", "/clock", NULL, NULL, &clock, err);
        if (rc)
            return rc;
        if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(clock, "now_ms")))
            now_ms = (int64_t)cm_json_num(clock, "now_ms", 0);
        else if (cm_time_parse(cm_json_str(clock, "now", ""), &now_ms) != 0)
            now_ms = cm_wall_ms();
        cJSON_Delete(clock);
        snprintf(buf, sizeof(buf), "%lld", (long long)(now_ms - cm_wall_ms()));
        env_set(e, "SECMOCK_TIME_OFFSET_MS", buf);
        if (r->cfg->faketime_lib && st->faketime) {
            time_t secs = (time_t)(now_ms / 1000);
            struct tm tm;
            const char *pre = env_get(e, "LD_PRELOAD");
            char *val;
            gmtime_r(&secs, &tm);
            strftime(buf, sizeof(buf), "@%Y-%m-%d %H:%M:%S", &tm);
            env_set(e, "FAKETIME", buf);
            env_set(e, "TZ", "UTC");
            env_set(e, "FAKETIME_DONT_FAKE_MONOTONIC", "1");
            env_set(e, "FAKETIME_DONT_RESET", "1");
            val = pre && *pre ? cm_asprintf("%s:%s", r->cfg->faketime_lib, pre)
                              : cm_strdup(r->cfg->faketime_lib);
            env_set(e, "LD_PRELOAD", val);
            free(val);
        }
    }
    if (r->sc->env) {
        char *w = cm_asprintf("%s: env", r->sc->file);
        rc = env_apply(r, e, r->sc->env, w, err);
        free(w);
        if (rc)
            return rc;
    }
    if (st->env) {
        char *w = where_sub(r, "env");
        rc = env_apply(r, e, st->env, w, err);
        free(w);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- steps ---- */

static int step_clock(struct run *r, const struct hx_step *st, struct cm_err *err)
{
    cJSON *body = cJSON_CreateObject(), *answer = NULL;
    int rc;

    cJSON_AddItemToObject(body, st->kind == HX_STEP_ADVANCE ? "advance" : "set",
                          cJSON_Duplicate(st->arg, 1));
    rc = admin(r, "POST", "/clock", body, NULL, &answer, err);
    if (rc == 0) {
        logf_(r, "  clock now %s\n", cm_json_str(answer, "now", "?"));
        note_f(r, "clock now %s", cm_json_str(answer, "now", "?"));
    }
    cJSON_Delete(body);
    cJSON_Delete(answer);
    return rc;
}

static int step_state(struct run *r, const struct hx_step *st, struct cm_err *err)
{
    const char *svc = cm_json_str(st->arg, "service", "");
    cJSON *state = NULL;
    char *path = state_path(svc);
    int rc = 0;

    if (st->state)
        state = cJSON_Duplicate(st->state, 1);
    else
        rc = expand_json(r, cJSON_GetObjectItemCaseSensitive(st->arg, "state"),
                         st->kind == HX_STEP_PATCH ? "patch.state" : "load.state", &state, err);
    if (rc == 0)
        rc = admin(r, st->kind == HX_STEP_PATCH ? "PATCH" : "PUT", path, state, st->expect, NULL,
                   err);
    cJSON_Delete(state);
    free(path);
    return rc;
}

static int step_fault(struct run *r, const struct hx_step *st, struct cm_err *err)
{
    cJSON *spec = NULL, *answer = NULL;
    int rc = expand_json(r, st->arg, "fault", &spec, err);

    if (rc == 0)
        rc = admin(r, "POST", "/faults", spec, st->expect, &answer, err);
    if (rc == 0) {
        logf_(r, "  fault armed, id %.0f\n", cm_json_num(answer, "id", 0));
        note_f(r, "fault %.0f", cm_json_num(answer, "id", 0));
    }
    cJSON_Delete(spec);
    cJSON_Delete(answer);
    return rc;
}

static int step_action(struct run *r, const struct hx_step *st, struct cm_err *err)
{
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(st->arg, "args");
    cJSON *body = NULL, *answer = NULL, *expect = NULL;
    char *svc = url_segment(cm_json_str(st->arg, "service", ""));
    char *name = url_segment(cm_json_str(st->arg, "name", ""));
    char *path = cm_asprintf("/services/%s/actions/%s", svc, name);
    int rc = 0;

    if (args)
        rc = expand_json(r, args, "action.args", &body, err);
    else
        body = cJSON_CreateObject();
    if (rc == 0 && st->expect)
        rc = expand_json(r, st->expect, "expect", &expect, err);
    if (rc == 0)
        rc = admin(r, "POST", path, body, expect, &answer, err);
    if (rc == 0 && st->save)
        rc = save_values(r, st->save, answer, "the action's answer", err);
    cJSON_Delete(body);
    cJSON_Delete(expect);
    cJSON_Delete(answer);
    free(svc);
    free(name);
    free(path);
    return rc;
}

static int step_http(struct run *r, const struct hx_step *st, struct cm_err *err)
{
    cJSON *spec = NULL, *doc = NULL;
    const cJSON *h, *body, *urlnode;
    struct cm_http_request req;
    struct cm_http_response resp;
    const char **headers = NULL;
    char *url = NULL, *body_text = NULL, **lines = NULL;
    const char *svc = cm_json_str(st->arg, "service", ""), *method, *source;
    size_t nh = 0, i;
    int rc, has_ct = 0;
    int64_t t0;

    cm_http_response_init(&resp);
    rc = expand_json(r, st->arg, "http", &spec, err);
    if (rc)
        goto out;
    urlnode = cJSON_GetObjectItemCaseSensitive(r->mock.services, svc);
    if (!cJSON_IsString(urlnode)) {
        rc = cm_fail(err, CM_ENOENT, "the ready file has no URL for service '%s'", svc);
        goto out;
    }
    url = cm_asprintf("%s%s", urlnode->valuestring, cm_json_str(spec, "path", "/"));
    method = cm_json_str(spec, "method", "GET");
    source = cm_json_str(spec, "source", r->sc->client_source);
    h = cJSON_GetObjectItemCaseSensitive(spec, "headers");
    lines = cm_calloc((size_t)cJSON_GetArraySize(h) + 2, sizeof(*lines));
    cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(spec, "headers"))
    {
        if (strcasecmp(h->string, "Content-Type") == 0)
            has_ct = 1;
        lines[nh++] = cm_asprintf("%s: %s", h->string, cJSON_IsString(h) ? h->valuestring : "");
    }
    body = cJSON_GetObjectItemCaseSensitive(spec, "body");
    if (body) {
        if (cJSON_IsString(body)) {
            body_text = cm_strdup(body->valuestring);
        } else {
            body_text = cm_json_print(body);
            if (!has_ct)
                lines[nh++] = cm_strdup("Content-Type: application/json");
        }
    }
    lines[nh] = NULL;
    headers = (const char **)lines;
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.url = url;
    req.headers = headers;
    req.body = body_text;
    req.body_len = body_text ? strlen(body_text) : 0;
    req.ca_file = r->mock.ca_file;
    req.source_addr = source;
    req.timeout_ms = (long)step_budget(r, st->timeout_ms) + 1;
    t0 = cm_mono_us();
    rc = cm_http_perform(&req, &resp);
    logf_(r, "  %s %s%s%s -> %ld (%lld ms)%s%s\n", method, url, source ? " from " : "",
          source ? source : "", resp.status, (long long)((cm_mono_us() - t0) / 1000),
          rc ? ": " : "", rc ? resp.error : "");
    if (resp.body.len) {
        char *ex = hx_text_excerpt(resp.body.data, resp.body.len, 2000);
        logf_(r, "  body: %s\n", ex);
        free(ex);
    }
    if (rc) {
        note_f(r, "%s %s: no answer: %s", method, url, resp.error);
        rc = cm_fail(err, rc, "%s %s: no answer: %s", method, url, resp.error);
        goto out;
    }
    {
        cJSON *expect = NULL;
        if (st->expect && (rc = expand_json(r, st->expect, "expect", &expect, err)) != 0)
            goto out;
        rc = hx_expect_http(expect, resp.status, cm_buf_str(&resp.body), resp.body.len,
                            cm_buf_str(&resp.headers), err);
        cJSON_Delete(expect);
        if (rc)
            goto out;
    }
    if (st->save) {
        struct cm_err perr;
        doc = cm_json_parse(cm_buf_str(&resp.body), resp.body.len, "the answer", &perr);
        if (doc == NULL) {
            rc = cm_fail(err, CM_EINVAL, "save: %s", perr.msg);
            goto out;
        }
        rc = save_values(r, st->save, doc, "the answer", err);
    }
out:
    for (i = 0; lines && lines[i]; i++)
        free(lines[i]);
    free(lines);
    free(url);
    free(body_text);
    cJSON_Delete(spec);
    cJSON_Delete(doc);
    cm_http_response_release(&resp);
    return rc;
}

/* Reads a file of the work folder (path relative to it unless absolute); caller frees. */
static char *work_path(const struct run *r, const char *path)
{
    return path[0] == '/' ? cm_strdup(path) : cm_asprintf("%s/%s", r->workdir, path);
}

static int step_process(struct run *r, const struct hx_step *st, struct cm_err *err)
{
    struct cm_spawn_opts o;
    struct cm_spawn_result res;
    struct envlist env;
    cJSON *args = NULL, *expect = NULL;
    const cJSON *a;
    char **argv = NULL;
    size_t n = 0, i;
    int64_t budget = step_budget(r, st->timeout_ms);
    int rc;

    memset(&env, 0, sizeof(env));
    cm_spawn_result_init(&res);
    rc = expand_json(r, st->arg, hx_step_kind_name(st->kind), &args, err);
    if (rc)
        goto out;
    argv = cm_calloc((size_t)cJSON_GetArraySize(args) + 3, sizeof(*argv));
    if (st->kind == HX_STEP_CLIENT) {
        argv[n++] = cm_strdup(r->cfg->secmock);
        argv[n++] = cm_strdup("client");
    }
    cJSON_ArrayForEach(a, args) argv[n++] = hx_json_to_text(a);
    argv[n] = NULL;
    if ((rc = build_env(r, st, &env, err)) != 0)
        goto out;
    cm_buf_puts(&r->log, "  $");
    for (i = 0; i < n; i++)
        logf_(r, " %s", argv[i]);
    cm_buf_putc(&r->log, '\n');
    if (budget <= 0) {
        rc = cm_fail(err, CM_ETIMEDOUT, "the scenario's time-out passed before the step began");
        goto out;
    }
    memset(&o, 0, sizeof(o));
    o.argv = (const char *const *)argv;
    o.env = (const char *const *)env.kv;
    o.cwd = r->workdir;
    o.timeout_ms = budget;
    o.launcher = hx_launcher_for(r->cfg->launcher, o.argv, o.env);
    rc = cm_spawn_run(&o, &res, err);
    if (rc)
        goto out;
    {
        char how[200];
        cm_spawn_describe(&res, how, sizeof(how));
        logf_(r, "  -> %s (%lld ms)\n", how, (long long)(res.duration_us / 1000));
        note_f(r, "%s", how);
    }
    log_stream(r, "stdout", &res.out);
    log_stream(r, "stderr", &res.err);
    free(r->last_stderr);
    r->last_stderr = cm_strndup(cm_buf_str(&res.err), res.err.len);
    if (st->expect && (rc = expand_json(r, st->expect, "expect", &expect, err)) != 0)
        goto out;
    rc = hx_expect_process(expect, &res, err);
    if (rc == CM_ETIMEDOUT && budget < st->timeout_ms) {
        cm_fail(err, rc, "the scenario's time-out passed while the command ran (it was stopped)");
        goto out;
    }
    if (rc)
        goto out;
    a = cJSON_GetObjectItemCaseSensitive(expect, "jsonl");
    if (a) {
        char *path = work_path(r, cm_json_str(a, "file", "")), *text = NULL;
        size_t len = 0;
        if (cm_read_file(path, 256u * 1024 * 1024, &text, &len) != 0) {
            rc = cm_fail(err, CM_ENOENT, "jsonl: cannot read '%s'", cm_json_str(a, "file", ""));
        } else {
            rc = hx_expect_jsonl(a, text, len, cm_json_str(a, "file", ""), err);
        }
        free(text);
        free(path);
        if (rc)
            goto out;
    }
    if (st->save) {
        struct cm_err perr;
        cJSON *doc = cm_json_parse(cm_buf_str(&res.out), res.out.len, "stdout", &perr);
        if (doc == NULL) {
            rc = cm_fail(err, CM_EINVAL, "save_stdout_json: %s", perr.msg);
            goto out;
        }
        rc = save_values(r, st->save, doc, "stdout", err);
        cJSON_Delete(doc);
    }
out:
    hx_argv_free(argv);
    env_free(&env);
    cJSON_Delete(args);
    cJSON_Delete(expect);
    cm_spawn_result_release(&res);
    return rc;
}

static int fetch_journal(struct run *r, const char *query, cJSON **entries, long *dropped,
                         struct cm_err *err)
{
    cJSON *answer = NULL;
    char *path = cm_asprintf("/journal%s", query);
    int rc = admin(r, "GET", path, NULL, NULL, &answer, err);

    free(path);
    if (rc)
        return rc;
    *dropped = (long)cm_json_num(answer, "dropped", 0);
    *entries = cJSON_DetachItemFromObjectCaseSensitive(answer, "entries");
    cJSON_Delete(answer);
    if (!cJSON_IsArray(*entries)) {
        cJSON_Delete(*entries);
        *entries = NULL;
        return cm_fail(err, CM_EPROTO, "GET /journal: the answer has no \"entries\" array");
    }
    return 0;
}

static int step_journal(struct run *r, const struct hx_step *st, struct cm_err *err)
{
    cJSON *spec = NULL, *entries = NULL;
    long dropped = 0;
    int rc = expand_json(r, st->arg, "journal", &spec, err);

    /* The mock journals a request before its answer leaves, so one read is the truth. */
    if (rc == 0)
        rc = fetch_journal(r, "", &entries, &dropped, err);
    if (rc == 0)
        rc = hx_expect_journal(spec, entries, dropped, err);
    if (rc == 0)
        logf_(r, "  journal check passed\n");
    cJSON_Delete(entries);
    cJSON_Delete(spec);
    return rc;
}

static int step_file(struct run *r, const struct hx_step *st, struct cm_err *err)
{
    cJSON *spec = NULL;
    const cJSON *content;
    char *path = NULL, *text = NULL;
    int rc = expand_json(r, st->arg, "file", &spec, err);

    if (rc)
        return rc;
    path = work_path(r, cm_json_str(spec, "path", ""));
    content = cJSON_GetObjectItemCaseSensitive(spec, "content");
    text = cJSON_IsString(content) ? cm_strdup(content->valuestring) : cJSON_Print(content);
    {
        char *slash = strrchr(path, '/');
        if (slash && slash != path) {
            *slash = '\0';
            cm_mkdir_p(path);
            *slash = '/';
        }
    }
    if (cm_write_file_atomic(path, text, strlen(text)) != 0)
        rc = cm_fail(err, CM_EIO, "cannot write '%s'", path);
    else
        logf_(r, "  wrote %s (%zu bytes)\n", path, strlen(text));
    free(path);
    free(text);
    cJSON_Delete(spec);
    return rc;
}

static int step_check_file(struct run *r, const struct hx_step *st, struct cm_err *err)
{
    cJSON *spec = NULL, *doc = NULL;
    const cJSON *want;
    const char *rel, *needle;
    char *path = NULL, *text = NULL, why[sizeof(err->msg)];
    size_t len = 0;
    int rc = expand_json(r, st->arg, "check_file", &spec, err), exists, want_exists;

    if (rc)
        return rc;
    rel = cm_json_str(spec, "path", "");
    path = work_path(r, rel);
    want_exists = cm_json_bool(spec, "exists", 1);
    exists = access(path, F_OK) == 0;
    if (exists != want_exists) {
        rc = cm_fail(err, CM_EINVAL, "expected '%s' %s, but it %s", rel,
                     want_exists ? "to exist" : "not to exist", exists ? "does" : "does not");
        goto out;
    }
    if (!exists)
        goto out;
    want = cJSON_GetObjectItemCaseSensitive(spec, "json");
    needle = cm_json_str(spec, "contains", NULL);
    if (!want && !needle)
        goto out;
    if (cm_read_file(path, 256u * 1024 * 1024, &text, &len) != 0) {
        rc = cm_fail(err, CM_EIO, "cannot read '%s'", rel);
        goto out;
    }
    if (needle && (len < strlen(needle) || strstr(text, needle) == NULL)) {
        char *ex = hx_text_excerpt(text, len, 300);
        rc = cm_fail(err, CM_EINVAL, "expected '%s' to contain \"%s\"; it holds: \"%s\"", rel,
                     needle, ex);
        free(ex);
        goto out;
    }
    if (want) {
        struct cm_err perr;
        doc = cm_json_parse(text, len, rel, &perr);
        if (doc == NULL) {
            rc = cm_fail(err, CM_EINVAL, "json: %s", perr.msg);
            goto out;
        }
        if (hx_json_mismatch(want, doc, why, sizeof(why)))
            rc = cm_fail(err, CM_EINVAL, "'%s' json: %s", rel, why);
    }
out:
    free(path);
    free(text);
    cJSON_Delete(spec);
    cJSON_Delete(doc);
    return rc;
}

/* GET /state/<service> (any 2xx), its answer checked as a subset; "save" takes values out of it. */
static int step_check_state(struct run *r, const struct hx_step *st, struct cm_err *err)
{
    const char *svc = cm_json_str(st->arg, "service", "");
    cJSON *want = NULL, *state = NULL;
    char *path = state_path(svc), why[sizeof(err->msg)];
    int rc = expand_json(r, cJSON_GetObjectItemCaseSensitive(st->arg, "json"), "check_state.json",
                         &want, err);

    if (rc == 0)
        rc = admin(r, "GET", path, NULL, NULL, &state, err);
    if (rc == 0 && hx_json_mismatch(want, state, why, sizeof(why)))
        rc = cm_fail(err, CM_EINVAL, "the %s state: %s", svc, why);
    if (rc == 0 && st->save)
        rc = save_values(r, st->save, state, "the state", err);
    if (rc == 0)
        logf_(r, "  state check passed\n");
    cJSON_Delete(want);
    cJSON_Delete(state);
    free(path);
    return rc;
}

static int run_step(struct run *r, const struct hx_step *st, struct cm_err *err)
{
    switch (st->kind) {
    case HX_STEP_ADVANCE:
    case HX_STEP_SET_CLOCK:
        return step_clock(r, st, err);
    case HX_STEP_PATCH:
    case HX_STEP_LOAD:
        return step_state(r, st, err);
    case HX_STEP_FAULT:
        return step_fault(r, st, err);
    case HX_STEP_CLEAR_FAULTS:
        return admin(r, "DELETE", "/faults", NULL, NULL, NULL, err);
    case HX_STEP_ACTION:
        return step_action(r, st, err);
    case HX_STEP_HTTP:
        return step_http(r, st, err);
    case HX_STEP_CLIENT:
    case HX_STEP_RUN:
        return step_process(r, st, err);
    case HX_STEP_JOURNAL:
        return step_journal(r, st, err);
    case HX_STEP_CLEAR_JOURNAL:
        return admin(r, "DELETE", "/journal", NULL, NULL, NULL, err);
    case HX_STEP_FILE:
        return step_file(r, st, err);
    case HX_STEP_CHECK_FILE:
        return step_check_file(r, st, err);
    case HX_STEP_CHECK_STATE:
        return step_check_state(r, st, err);
    default:
        return cm_fail(err, CM_EINVAL, "unknown step kind");
    }
}

/* ---- the scenario ---- */

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static char *journal_tail(struct run *r)
{
    cJSON *entries = NULL;
    const cJSON *e;
    struct cm_err err;
    struct cm_buf b;
    char line[400], q[32];
    long dropped;

    snprintf(q, sizeof(q), "?limit=%d", JOURNAL_TAIL);
    if (r->mock.admin_url == NULL || fetch_journal(r, q, &entries, &dropped, &err) != 0)
        return NULL;
    cm_buf_init(&b, 0);
    cm_buf_puts(&b, "");
    cJSON_ArrayForEach(e, entries)
    {
        hx_journal_format(e, line, sizeof(line));
        cm_buf_printf(&b, "%s\n", line);
    }
    if (cJSON_GetArraySize(entries) == 0)
        cm_buf_puts(&b, "(empty)\n");
    cJSON_Delete(entries);
    return cm_buf_steal(&b, NULL);
}

static void copy_file(const char *from, const char *to)
{
    char *text = NULL;
    size_t len;

    if (cm_read_file(from, 256u * 1024 * 1024, &text, &len) == 0)
        cm_write_file_atomic(to, text, len);
    free(text);
}

/* <keep_logs>/<name with '/' as '.'>; caller frees. */
static char *keep_dir(const struct run *r)
{
    char *name = cm_strdup(r->sc->name), *p, *dir;

    for (p = name; *p; p++)
        if (*p == '/')
            *p = '.';
    dir = cm_asprintf("%s/%s", r->cfg->keep_logs, name);
    free(name);
    return dir;
}

/* Before teardown: the whole journal, while the mock still answers. */
static void keep_journal(struct run *r)
{
    char *dir = keep_dir(r), *t, *text;
    cJSON *entries = NULL;
    struct cm_err err;
    long dropped;

    if (cm_mkdir_p(dir) == 0 && r->mock.admin_url && hx_mock_alive(&r->mock, &err) == 0 &&
        fetch_journal(r, "", &entries, &dropped, &err) == 0) {
        text = cJSON_Print(entries);
        t = cm_asprintf("%s/journal.json", dir);
        if (text)
            cm_write_file_atomic(t, text, strlen(text));
        free(text);
        free(t);
        cJSON_Delete(entries);
    }
    free(dir);
}

/* After teardown: the step log and the mock's files, complete. */
static void keep_files(struct run *r)
{
    static const char *const files[] = {"serve.log", "state.json", "ready.json", NULL};
    char *dir = keep_dir(r), *f, *t;
    int i;

    if (cm_mkdir_p(dir) != 0) {
        free(dir);
        return;
    }
    t = cm_asprintf("%s/steps.log", dir);
    cm_write_file_atomic(t, cm_buf_str(&r->log), r->log.len);
    free(t);
    for (i = 0; r->workdir && files[i]; i++) {
        f = cm_asprintf("%s/%s", r->workdir, files[i]);
        t = cm_asprintf("%s/%s", dir, files[i]);
        copy_file(f, t);
        free(f);
        free(t);
    }
    free(dir);
}

/*
 * With cfg->timeline: one timeline event after start-up (step -1) or a step,
 * with the virtual clock and the journal entries that arrived since the last
 * event. Direct admin calls, so the step log stays as it was.
 */
static void timeline_mark(struct run *r, struct hx_result *res, int step, int ok)
{
    cJSON *ev, *answer = NULL, *entries, *e;
    struct cm_err err;
    char path[64];
    long status;

    if (!r->cfg->timeline)
        return;
    if (res->timeline == NULL) {
        res->timeline = cJSON_CreateArray();
        res->journal = cJSON_CreateArray();
    }
    ev = cJSON_CreateObject();
    cJSON_AddNumberToObject(ev, "step", step);
    cJSON_AddBoolToObject(ev, "ok", ok);
    if (r->mock.admin_url &&
        hx_admin_call(&r->mock, "GET", "/clock", NULL, 5000, &status, &answer, &err) == 0 &&
        status == 200 && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(answer, "now_ms")))
        cJSON_AddNumberToObject(ev, "now_ms", cm_json_num(answer, "now_ms", 0));
    cJSON_Delete(answer);
    answer = NULL;
    snprintf(path, sizeof(path), "/journal?since=%lld", r->seq);
    if (r->mock.admin_url &&
        hx_admin_call(&r->mock, "GET", path, NULL, 5000, &status, &answer, &err) == 0 &&
        status == 200 &&
        cJSON_IsArray(entries = cJSON_GetObjectItemCaseSensitive(answer, "entries"))) {
        while ((e = entries->child) != NULL) {
            long long seq = (long long)cm_json_num(e, "seq", 0);
            cJSON_DetachItemViaPointer(entries, e);
            if (seq > r->seq)
                r->seq = seq;
            if (r->nentry++ < HX_TIMELINE_MAX_ENTRIES)
                cJSON_AddItemToArray(res->journal, e);
            else
                cJSON_Delete(e);
        }
    }
    cJSON_Delete(answer);
    cJSON_AddNumberToObject(ev, "seq", (double)r->seq);
    if (r->nentry > HX_TIMELINE_MAX_ENTRIES)
        cJSON_AddNumberToObject(ev, "cut", (double)(r->nentry - HX_TIMELINE_MAX_ENTRIES));
    if (r->note)
        cJSON_AddStringToObject(ev, "note", r->note);
    free(r->note);
    r->note = NULL;
    cJSON_AddItemToArray(res->timeline, ev);
}

static void fail(struct hx_result *res, int step, const char *where, const char *msg)
{
    res->status = HX_FAIL;
    res->failed_step = step;
    free(res->where);
    free(res->message);
    res->where = cm_strdup(where);
    res->message = cm_strdup(msg);
}

static char *step_label(const struct hx_step *st)
{
    if (st->name)
        return cm_asprintf("steps[%d] \"%s\" (%s)", st->index, st->name,
                           hx_step_kind_name(st->kind));
    return cm_asprintf("steps[%d] (%s)", st->index, hx_step_kind_name(st->kind));
}

void hx_execute(const struct hx_scenario *sc, const struct hx_exec_config *cfg,
                struct hx_result *res)
{
    struct run r;
    struct cm_err err;
    const char *tmp = cfg->tmpdir && *cfg->tmpdir ? cfg->tmpdir : hx_work_parent();
    int64_t t0 = cm_mono_us();
    char *tmpl;
    size_t i;

    memset(res, 0, sizeof(*res));
    res->failed_step = -1;
    memset(&r, 0, sizeof(r));
    r.sc = sc;
    r.cfg = cfg;
    cm_buf_init(&r.log, LOG_MAX);
    cm_buf_puts(&r.log, "");
    hx_vars_init(&r.vars);
    if (sc->skip) {
        res->status = HX_SKIP;
        res->message = cm_strdup(sc->skip);
        goto done;
    }
    r.deadline_us = t0 + sc->timeout_ms * 1000;
    tmpl = cm_asprintf("%s/secmock-run-XXXXXX", tmp);
    if (mkdtemp(tmpl) == NULL) {
        char *msg = cm_asprintf("cannot create a work folder '%s': %s", tmpl, strerror(errno));
        fail(res, -1, "start-up", msg);
        free(msg);
        free(tmpl);
        goto done;
    }
    r.workdir = tmpl;
    logf_(&r, "scenario %s (%s), work folder %s\n", sc->name, sc->file, r.workdir);
    if (hx_mock_start(&r.mock, sc, cfg->secmock, cfg->launcher, r.workdir, &err) != 0) {
        fail(res, -1, "start-up", err.msg);
        goto teardown;
    }
    logf_(&r, "mock ready: admin %s\n", r.mock.admin_url);
    timeline_mark(&r, res, -1, 1);
    r.vars.admin_url = r.mock.admin_url;
    r.vars.ca_file = r.mock.ca_file ? r.mock.ca_file : "";
    r.vars.workdir = r.workdir;
    r.vars.services = r.mock.services;
    r.vars.vars = sc->vars;
    r.vars.fetch_state = fetch_state;
    r.vars.fetch_ud = &r;
    for (i = 0; i < sc->nsteps; i++) {
        const struct hx_step *st = &sc->steps[i];
        char *label = step_label(st);
        int64_t s0 = cm_mono_us();
        int rc;

        r.step = st;
        r.where = cm_asprintf("%s: steps[%d]", sc->file, st->index);
        r.state_cache = cJSON_CreateObject();
        logf_(&r, "%s\n", label);
        if (remaining_ms(&r) == 0) {
            char *msg = cm_asprintf("the scenario timed out (timeout %lld ms) before this step",
                                    (long long)sc->timeout_ms);
            fail(res, st->index, label, msg);
            free(msg);
            rc = CM_ETIMEDOUT;
        } else {
            rc = run_step(&r, st, &err);
            if (rc) {
                struct cm_err merr;
                if (hx_mock_alive(&r.mock, &merr) != 0) {
                    char *msg = cm_asprintf("%s\n(the step failed with: %s)", merr.msg, err.msg);
                    fail(res, st->index, label, msg);
                    free(msg);
                } else {
                    fail(res, st->index, label, err.msg);
                }
            }
        }
        logf_(&r, "  %s (%lld ms)\n", rc ? "FAILED" : "ok",
              (long long)((cm_mono_us() - s0) / 1000));
        timeline_mark(&r, res, st->index, rc == 0);
        cJSON_Delete(r.state_cache);
        r.state_cache = NULL;
        free(r.where);
        r.where = NULL;
        free(label);
        if (rc) {
            logf_(&r, "  %s\n", res->message);
            if (hx_mock_alive(&r.mock, &err) == 0)
                res->journal_tail = journal_tail(&r);
            break;
        }
    }
teardown:
    if (r.last_stderr && *r.last_stderr)
        res->stderr_tail = hx_tail_text(r.last_stderr, strlen(r.last_stderr), STDERR_TAIL_LINES);
    if (cfg->keep_logs)
        keep_journal(&r);
    if (r.mock.started && hx_mock_stop(&r.mock, &err) != 0 && res->status != HX_FAIL)
        fail(res, -1, "teardown", err.msg);
    hx_mock_release(&r.mock);
    cm_http_thread_release(); /* the admin connection kept open went with the mock */
    if (res->status == HX_FAIL)
        logf_(&r, "FAIL %s: %s\n", res->where, res->message);
    if (cfg->keep_logs)
        keep_files(&r);
    if (r.workdir)
        nftw(r.workdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
done:
    res->duration_us = cm_mono_us() - t0;
    res->log = cm_buf_steal(&r.log, NULL);
    hx_vars_release(&r.vars);
    free(r.workdir);
    free(r.last_stderr);
    free(r.note);
}

void hx_result_release(struct hx_result *res)
{
    free(res->where);
    free(res->message);
    free(res->stderr_tail);
    free(res->journal_tail);
    free(res->log);
    cJSON_Delete(res->journal);
    cJSON_Delete(res->timeline);
    memset(res, 0, sizeof(*res));
}
