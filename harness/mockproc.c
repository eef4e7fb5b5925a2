/*
 * mockproc.c: starting, watching and stopping a scenario's mock process, and
 * the admin API client.
 *
 * Readiness is the ready file, written atomically by the mock once every
 * listener is bound (a rename into the work folder). The harness waits for it
 * by event: inotify on the work folder, set before the mock starts, and the
 * mock's pidfd, so a mock that fails to start is reported at once with its own
 * message. Only without inotify or pidfd does it look again every 5 ms.
 */
#include "harness/mockproc.h"

#include "common/buf.h"
#include "common/fsutil.h"
#include "common/http.h"
#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TAIL_LINES 20

void hx_argv_free(char **argv)
{
    char **p;

    if (argv == NULL)
        return;
    for (p = argv; *p; p++)
        free(*p);
    free(argv);
}

char **hx_mock_argv(const struct hx_scenario *sc, const char *secmock, const char *workdir)
{
    size_t n = 0, i, cap = 14 + 2 * sc->nservices;
    char **argv = cm_calloc(cap, sizeof(*argv));
    struct cm_buf names;
    char t[64];

    cm_buf_init(&names, 0);
    for (i = 0; i < sc->nservices; i++) {
        if (i)
            cm_buf_putc(&names, ',');
        cm_buf_puts(&names, sc->services[i].name);
    }
    argv[n++] = cm_strdup(secmock);
    argv[n++] = cm_strdup("serve");
    argv[n++] = cm_strdup("--services");
    argv[n++] = cm_buf_steal(&names, NULL);
    argv[n++] = cm_strdup("--state");
    argv[n++] = cm_asprintf("%s/state.json", workdir);
    argv[n++] = cm_strdup("--ready-file");
    argv[n++] = cm_asprintf("%s/ready.json", workdir);
    argv[n++] = cm_strdup("--tls-dir");
    argv[n++] = cm_asprintf("%s/tls", workdir);
    if (sc->has_clock) {
        cm_time_format(sc->clock_start_ms, t, sizeof(t));
        argv[n++] = cm_strdup("--clock");
        argv[n++] = cm_strdup(t);
        if (sc->clock_frozen)
            argv[n++] = cm_strdup("--freeze");
    }
    for (i = 0; i < sc->nservices; i++) {
        if (sc->services[i].tls >= 0) {
            argv[n++] = cm_strdup(sc->services[i].tls ? "--tls" : "--no-tls");
            argv[n++] = cm_strdup(sc->services[i].name);
        }
    }
    argv[n] = NULL;
    return argv;
}

cJSON *hx_mock_state_doc(const struct hx_scenario *sc)
{
    cJSON *doc = cJSON_CreateObject();
    size_t i;

    for (i = 0; i < sc->nservices; i++)
        if (sc->services[i].state)
            cJSON_AddItemToObject(doc, sc->services[i].name,
                                  cJSON_Duplicate(sc->services[i].state, 1));
    return doc;
}

int hx_mock_parse_ready(struct hx_mock *m, const char *text, size_t len, struct cm_err *err)
{
    struct cm_err perr;
    cJSON *doc = cm_json_parse(text, len, "ready file", &perr), *svcs, *c;
    const cJSON *ca;
    const char *admin;

    if (doc == NULL)
        return cm_fail(err, CM_EPROTO, "%s", perr.msg);
    admin = cm_json_str(doc, "admin", NULL);
    svcs = cJSON_GetObjectItemCaseSensitive(doc, "services");
    ca = cJSON_GetObjectItemCaseSensitive(doc, "ca_file");
    if (admin == NULL || !cJSON_IsObject(svcs)) {
        cJSON_Delete(doc);
        return cm_fail(err, CM_EPROTO,
                       "ready file: expected {\"admin\": url, \"services\": {...}}");
    }
    cJSON_ArrayForEach(c, svcs) if (!cJSON_IsString(c))
    {
        cm_fail(err, CM_EPROTO, "ready file: services.%s: expected a URL string", c->string);
        cJSON_Delete(doc);
        return CM_EPROTO;
    }
    free(m->admin_url);
    free(m->ca_file);
    cJSON_Delete(m->services);
    m->admin_url = cm_strdup(admin);
    m->ca_file = cJSON_IsString(ca) && ca->valuestring[0] ? cm_strdup(ca->valuestring) : NULL;
    m->services = cJSON_DetachItemFromObjectCaseSensitive(doc, "services");
    cJSON_Delete(doc);
    return 0;
}

char *hx_tail_text(const char *text, size_t len, int n)
{
    size_t i = len;
    int lines = 0;

    while (i > 0 && (text[i - 1] == '\n' || text[i - 1] == '\r'))
        i--;
    len = i;
    while (i > 0) {
        if (text[i - 1] == '\n' && ++lines == n)
            break;
        i--;
    }
    return cm_strndup(text + i, len - i);
}

char *hx_tail_file(const char *path, int n)
{
    char *text = NULL, *tail;
    size_t len = 0;

    if (path == NULL || cm_read_file(path, 64u * 1024 * 1024, &text, &len) != 0)
        return cm_strdup("");
    tail = hx_tail_text(text, len, n);
    free(text);
    return tail;
}

#define READY_RECHECK_MS 5 /* without inotify or a pidfd: how often to look again */

/* Waits up to ms for a file to be renamed into the watched folder or the child to end. */
static void wait_event(int ino, int pidfd, int64_t ms)
{
    struct pollfd fds[2];
    nfds_t n = 0;
    char events[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

    if (ino >= 0)
        fds[n++] = (struct pollfd){.fd = ino, .events = POLLIN};
    if (pidfd >= 0)
        fds[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
    if (ino < 0 || pidfd < 0)
        ms = ms < READY_RECHECK_MS ? ms : READY_RECHECK_MS;
    if (poll(fds, n, (int)ms) > 0 && ino >= 0 && (fds[0].revents & POLLIN))
        while (read(ino, events, sizeof(events)) > 0)
            ; /* what happened does not matter: the file is read again */
}

static void describe_end(struct hx_mock *m, const char *what, struct cm_err *err)
{
    char how[200];
    char *tail = hx_tail_file(m->log_path, TAIL_LINES);

    cm_spawn_describe(&m->proc.res, how, sizeof(how));
    cm_fail(err, CM_ECHILD, "the mock (secmock serve) %s: %s%s%s", what, how,
            *tail ? "; its log ends with:\n" : "", tail);
    free(tail);
}

int hx_mock_start(struct hx_mock *m, const struct hx_scenario *sc, const char *secmock,
                  struct hx_launcher *launcher, const char *workdir, struct cm_err *err)
{
    struct cm_spawn_opts o;
    char **argv = NULL, *state_path = NULL, *ready_path = NULL, *text = NULL, *json = NULL;
    cJSON *state = NULL;
    int64_t deadline;
    size_t len;
    int rc, ino = -1;

    memset(m, 0, sizeof(*m));
    m->log_path = cm_asprintf("%s/serve.log", workdir);
    state_path = cm_asprintf("%s/state.json", workdir);
    ready_path = cm_asprintf("%s/ready.json", workdir);
    state = hx_mock_state_doc(sc);
    json = cJSON_Print(state);
    if (json == NULL)
        abort();
    if (cm_write_file_atomic(state_path, json, strlen(json)) != 0) {
        rc = cm_fail(err, CM_EIO, "cannot write the state file '%s'", state_path);
        goto out;
    }
    argv = hx_mock_argv(sc, secmock, workdir);
    memset(&o, 0, sizeof(o));
    o.argv = (const char *const *)argv;
    o.cwd = workdir;
    o.stdout_path = m->log_path;
    o.stderr_path = m->log_path;
    o.grace_ms = HX_STOP_GRACE_MS;
    o.launcher = hx_launcher_for(launcher, o.argv, NULL);
    ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC); /* before the start: no rename is missed */
    if (ino >= 0 && inotify_add_watch(ino, workdir, IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
        close(ino);
        ino = -1;
    }
    rc = cm_proc_start(&m->proc, &o, err);
    if (rc)
        goto out;
    m->started = 1;
    deadline = cm_mono_us() + HX_READY_TIMEOUT_MS * 1000LL;
    for (;;) {
        struct cm_err rerr;
        int64_t left;
        if (cm_read_file(ready_path, 1024 * 1024, &text, &len) == 0) {
            rc = hx_mock_parse_ready(m, text, len, &rerr);
            free(text);
            text = NULL;
            if (rc == 0)
                break;
            /* A torn or foreign file: keep polling until the deadline. */
        }
        if (cm_proc_wait(&m->proc, 0)) {
            describe_end(m, "exited before it was ready", err);
            rc = CM_ECHILD;
            goto out;
        }
        left = (deadline - cm_mono_us()) / 1000;
        if (left < 0) {
            char *tail = hx_tail_file(m->log_path, TAIL_LINES);
            rc = cm_fail(err, CM_ETIMEDOUT,
                         "the mock (secmock serve) wrote no ready file within %d ms%s%s",
                         HX_READY_TIMEOUT_MS, *tail ? "; its log ends with:\n" : "", tail);
            free(tail);
            goto out;
        }
        wait_event(ino, m->proc.pidfd, left + 1);
    }
out:
    if (ino >= 0)
        close(ino);
    cJSON_Delete(state);
    free(json);
    free(text);
    free(state_path);
    free(ready_path);
    hx_argv_free(argv);
    return rc;
}

int hx_mock_alive(struct hx_mock *m, struct cm_err *err)
{
    if (!m->started)
        return cm_fail(err, CM_ECHILD, "the mock was not started");
    if (cm_proc_wait(&m->proc, 0)) {
        describe_end(m, "ended during the scenario", err);
        return CM_ECHILD;
    }
    return 0;
}

int hx_mock_stop(struct hx_mock *m, struct cm_err *err)
{
    const struct cm_spawn_result *r = &m->proc.res;
    int was_running;

    if (!m->started)
        return 0;
    was_running = !cm_proc_wait(&m->proc, 0);
    if (was_running)
        cm_proc_stop(&m->proc);
    if (!was_running) {
        describe_end(m, "ended during the scenario", err);
        return CM_ECHILD;
    }
    if (r->killed) {
        describe_end(m, "did not stop within 2 s of SIGTERM", err);
        return CM_ECHILD;
    }
    if (r->signaled && r->term_signal != SIGTERM) {
        describe_end(m, "crashed", err);
        return CM_ECHILD;
    }
    if (r->exited && r->exit_code != 0) {
        describe_end(m, "failed on shutdown", err);
        return CM_ECHILD;
    }
    return 0;
}

void hx_mock_release(struct hx_mock *m)
{
    if (m->started)
        cm_proc_release(&m->proc);
    m->started = 0;
    free(m->log_path);
    free(m->admin_url);
    free(m->ca_file);
    cJSON_Delete(m->services);
    m->log_path = m->admin_url = m->ca_file = NULL;
    m->services = NULL;
}

int hx_admin_call(const struct hx_mock *m, const char *method, const char *path, const cJSON *body,
                  long timeout_ms, long *status, cJSON **answer, struct cm_err *err)
{
    static const char *const json_headers[] = {"Content-Type: application/json",
                                               "Accept: application/json", NULL};
    struct cm_http_request req;
    struct cm_http_response resp;
    struct cm_err perr;
    char *url, *text = NULL;
    int rc;

    *answer = NULL;
    *status = 0;
    url = cm_asprintf("%s%s", m->admin_url, path);
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.url = url;
    req.headers = json_headers;
    if (body) {
        text = cm_json_print(body);
        req.body = text;
        req.body_len = strlen(text);
    }
    req.timeout_ms = timeout_ms > 0 ? timeout_ms : 30000;
    req.keep_alive = 1; /* the admin API has no faults */
    cm_http_response_init(&resp);
    rc = cm_http_perform(&req, &resp);
    if (rc) {
        rc = cm_fail(err, rc, "admin API %s %s: %s", method, path, resp.error);
        goto out;
    }
    *status = resp.status;
    if (resp.body.len == 0) {
        *answer = cJSON_CreateNull();
        goto out;
    }
    *answer = cm_json_parse(resp.body.data, resp.body.len, "answer", &perr);
    if (*answer == NULL)
        rc = cm_fail(err, CM_EPROTO, "admin API %s %s answered %ld with a body that is not JSON",
                     method, path, resp.status);
out:
    cm_http_response_release(&resp);
    free(url);
    free(text);
    return rc;
}
