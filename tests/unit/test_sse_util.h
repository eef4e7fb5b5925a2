/*
 * test_sse_util.h: helpers for the unit tests of the Cisco mocks (sse, ctr):
 * a runtime that is built but never started (no sockets), requests made with
 * mk_req_fake() and handed to a service's route table under its lock as the
 * kit would, console actions, and the frozen virtual clock.
 *
 * Everything returned is owned by the caller: cx_res_release() for a result,
 * cJSON_Delete() for an action's answer, mk_runtime_free() for the runtime.
 */
#ifndef TEST_SSE_UTIL_H
#define TEST_SSE_UTIL_H

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"
#include "mock/kit/runtime.h"

#define CX_START   "2026-03-02T09:00:00Z"
#define CX_ORG     "6f1a8d52-5c0b-4b7e-9a43-2d9f0e1c7a11"
#define CX_DEVICE  "874141f7-903f-4be9-b14e-45a7f34a2032"
#define CX_CRED    "5b1f0d3c9a7e42c8b6d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6"
#define CX_CLIENT  "client-0b7c6e7a-3f52-4d1e-9a8b-2c4d6e8f0a1b"
#define CX_SECRET  "Xq3v9Lr2Tz8Wm5Np1Ks7Hd4Gf6Jb0Yc"
#define CX_MODULE  "3c9e2f71-8a4b-4d6e-b1f0-5a7c9e2d4b60"
#define CX_TOKEN_A "a389f98df0e77c5411148e96e239e05d"
/* base64(CX_CLIENT ":" CX_SECRET) */
#define CX_BASIC                                                                                   \
    "Authorization: Basic "                                                                        \
    "Y2xpZW50LTBiN2M2ZTdhLTNmNTItNGQxZS05YThiLTJjNGQ2ZThmMGExYjpYcTN2OUxyMlR6OFdtNU5wMUtzN0hkNEdm" \
    "NkpiMFlj"

struct cx_res {
    int status;
    cJSON *json; /* the body parsed, or NULL */
    char verdict[48];
    char detail[128];
    struct mk_response resp;
};

/* A runtime with the comma-separated services, state loaded from JSON text (may be NULL),
 * the clock frozen at CX_START. */
static inline struct mk_runtime *cx_runtime(const char *services, const char *state)
{
    struct mk_runtime_config cfg = {0};
    struct mk_runtime *rt = mk_runtime_new(&cfg);
    struct cm_err err = {{0}};
    char list[256], *p, *next;
    int64_t t0 = 0;

    cm_strlcpy(list, services, sizeof(list));
    for (p = list; p; p = next) {
        next = strchr(p, ',');
        if (next)
            *next++ = '\0';
        cr_assert_eq(mk_runtime_add(rt, p, 0, 0, &err), 0, "%s", err.msg);
    }
    cm_time_parse(CX_START, &t0);
    mk_clock_set(mk_runtime_clock(rt), t0);
    mk_clock_freeze(mk_runtime_clock(rt));
    if (state) {
        cJSON *doc = cm_json_parse(state, strlen(state), "state", &err);
        cr_assert_not_null(doc, "%s", err.msg);
        cr_assert_eq(mk_runtime_load(rt, doc, &err), 0, "%s", err.msg);
        cJSON_Delete(doc);
    }
    return rt;
}

/* The JSON text of a fixture file under scenarios/fixtures/cisco/; caller frees. */
static inline char *cx_fixture(const char *name)
{
    char path[512];
    struct cm_err err = {{0}};
    cJSON *doc;
    char *text;

    snprintf(path, sizeof(path), "%s/scenarios/fixtures/cisco/%s", SECMOCK_SOURCE_DIR, name);
    doc = cm_json_load_file(path, &err);
    cr_assert_not_null(doc, "%s", err.msg);
    text = cm_json_print(doc);
    cJSON_Delete(doc);
    return text;
}

/* {"<svc1>": fixture1, "<svc2>": fixture2, ...} for NULL-terminated pairs; caller frees. */
static inline char *cx_state(const char *svc, const char *fixture, ...)
{
    struct cm_buf b;
    va_list ap;
    const char *s = svc, *f = fixture;
    int first = 1;

    cm_buf_init(&b, 0);
    cm_buf_putc(&b, '{');
    va_start(ap, fixture);
    while (s) {
        char *text = cx_fixture(f);
        cm_buf_printf(&b, "%s\"%s\":%s", first ? "" : ",", s, text);
        free(text);
        first = 0;
        s = va_arg(ap, const char *);
        if (s)
            f = va_arg(ap, const char *);
    }
    va_end(ap);
    cm_buf_putc(&b, '}');
    return cm_buf_steal(&b, NULL);
}

static inline void cx_set_time(struct mk_runtime *rt, const char *when)
{
    int64_t ms;

    cr_assert_eq(cm_time_parse(when, &ms), 0);
    mk_clock_set(mk_runtime_clock(rt), ms);
}

static inline void cx_advance(struct mk_runtime *rt, const char *duration)
{
    int64_t ms;

    cr_assert_eq(cm_duration_parse(duration, &ms), 0);
    mk_clock_advance(mk_runtime_clock(rt), ms);
}

/* One request to service svc, dispatched as the kit does (under the service lock). */
static inline void cx_call(struct cx_res *r, struct mk_runtime *rt, const char *svc_name,
                           const char *method, const char *path, const char *const *headers,
                           const char *query, const char *body)
{
    struct mk_service *svc = mk_runtime_find(rt, svc_name);
    struct mk_request req;

    cr_assert_not_null(svc, "no service %s", svc_name);
    memset(r, 0, sizeof(*r));
    mk_req_fake(&req, method, path, headers, query, body);
    req.svc = svc;
    req.rt = rt;
    req.now_ms = mk_clock_now(mk_runtime_clock(rt));
    mk_resp_init(&r->resp);
    pthread_mutex_lock(&svc->lock);
    mk_route_dispatch(svc->ops->routes, &req, &r->resp);
    pthread_mutex_unlock(&svc->lock);
    r->status = r->resp.status;
    r->json = cm_json_parse(cm_buf_str(&r->resp.body), r->resp.body.len, "resp", NULL);
    cm_strlcpy(r->verdict, req.verdict, sizeof(r->verdict));
    cm_strlcpy(r->detail, req.detail, sizeof(r->detail));
    mk_req_fake_release(&req);
}

static inline void cx_res_release(struct cx_res *r)
{
    cJSON_Delete(r->json);
    mk_resp_release(&r->resp);
    r->json = NULL;
}

/* A response header's value, or NULL. */
static inline const char *cx_header(const struct cx_res *r, const char *name)
{
    int i;

    for (i = 0; i < r->resp.nheaders; i++)
        if (strcasecmp(r->resp.headers[i].name, name) == 0)
            return r->resp.headers[i].value;
    return NULL;
}

/* A console action with args as JSON text; NULL with err set when it fails. */
static inline cJSON *cx_action(struct mk_runtime *rt, const char *svc_name, const char *action,
                               const char *args, struct cm_err *err)
{
    struct mk_service *svc = mk_runtime_find(rt, svc_name);
    cJSON *a = cm_json_parse(args, strlen(args), "args", NULL), *out;

    cr_assert_not_null(a, "bad args %s", args);
    pthread_mutex_lock(&svc->lock);
    out = svc->ops->action(svc, action, a, err);
    pthread_mutex_unlock(&svc->lock);
    cJSON_Delete(a);
    return out;
}

/* The service's state as dumped; caller frees. */
static inline cJSON *cx_dump(struct mk_runtime *rt, const char *svc_name)
{
    struct mk_service *svc = mk_runtime_find(rt, svc_name);
    cJSON *d;

    pthread_mutex_lock(&svc->lock);
    d = svc->ops->dump(svc);
    pthread_mutex_unlock(&svc->lock);
    return d;
}

static inline const cJSON *cx_at(const cJSON *doc, const char *path)
{
    char buf[256], *p, *next;
    const cJSON *n = doc;

    cm_strlcpy(buf, path, sizeof(buf));
    for (p = buf; p && n; p = next) {
        next = strchr(p, '/');
        if (next)
            *next++ = '\0';
        if (cJSON_IsArray(n))
            n = cJSON_GetArrayItem(n, (int)strtol(p, NULL, 10));
        else
            n = cJSON_GetObjectItemCaseSensitive(n, p);
    }
    return n;
}

/* The string at a slash-separated path of keys and array indexes ("a/0/b"), or "". */
static inline const char *cx_str(const cJSON *doc, const char *path)
{
    const cJSON *n = cx_at(doc, path);

    return cJSON_IsString(n) ? n->valuestring : "";
}

/* Gets an access token from svc's /iroh/oauth2/token with CX_CLIENT and writes
 * "Authorization: Bearer <token>" into auth. */
static inline void cx_bearer(struct mk_runtime *rt, const char *svc, char *auth, size_t size)
{
    const char *hdr[] = {CX_BASIC, "Content-Type: application/x-www-form-urlencoded", NULL};
    struct cx_res r;

    cx_call(&r, rt, svc, "POST", "/iroh/oauth2/token", hdr, NULL, "grant_type=client_credentials");
    cr_assert_eq(r.status, 200, "%s", cm_buf_str(&r.resp.body));
    snprintf(auth, size, "Authorization: Bearer %s", cx_str(r.json, "access_token"));
    cx_res_release(&r);
}

#endif
