/*
 * test_ns_util.h: a fixture for the Netskope mock's unit tests: a tenant
 * loaded from a JSON text, a service around it, and one call through the
 * service's route table with a fake request (mk_req_fake) at a given virtual
 * time. Header-only (static inline) so each test file stays self-contained.
 *
 * Ownership: nsfx_load() makes fx->t, nsfx_free() frees it; a call's
 * response is the caller's (nsfx_call() initialises it; mk_resp_release()).
 */
#ifndef TEST_NS_UTIL_H
#define TEST_NS_UTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/mem.h"
#include "mock/netskope/ns.h"

/* 2026-03-02T09:00:00Z, the virtual "now" of most tests. */
#define NSFX_NOW 1772442000000LL

#define NSFX_SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define NSFX_SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define NSFX_MD5_C "cccccccccccccccccccccccccccccccc"

struct nsfx {
    struct mk_service svc;
    struct ns_tenant *t;
    char verdict[48]; /* of the last call */
    char detail[128];
};

static inline cJSON *nsfx_json(const char *text)
{
    struct cm_err err = {{0}};
    cJSON *doc = cm_json_parse(text, strlen(text), "test", &err);

    cr_assert_not_null(doc, "%s", err.msg);
    return doc;
}

static inline void nsfx_load(struct nsfx *fx, const char *state)
{
    struct cm_err err = {{0}};
    cJSON *doc = nsfx_json(state);

    memset(fx, 0, sizeof(*fx));
    fx->t = ns_tenant_from_json(doc, &err);
    cJSON_Delete(doc);
    cr_assert_not_null(fx->t, "state refused: %s", err.msg);
    fx->svc.ops = &ns_service_ops;
    fx->svc.data = fx->t;
    cm_strlcpy(fx->svc.name, "netskope", sizeof(fx->svc.name));
}

static inline void nsfx_free(struct nsfx *fx)
{
    ns_tenant_free(fx->svc.data);
    fx->svc.data = fx->t = NULL;
}

/* One request through the route table; returns the status. headers may be NULL. */
static inline int nsfx_call(struct nsfx *fx, const char *method, const char *path,
                            const char *const *headers, const char *query, const char *body,
                            int64_t now_ms, struct mk_response *resp)
{
    struct mk_request req;

    mk_req_fake(&req, method, path, headers, query, body);
    req.svc = &fx->svc;
    req.now_ms = now_ms;
    mk_resp_init(resp);
    mk_route_dispatch(ns_service_ops.routes, &req, resp);
    cm_strlcpy(fx->verdict, req.verdict, sizeof(fx->verdict));
    cm_strlcpy(fx->detail, req.detail, sizeof(fx->detail));
    mk_req_fake_release(&req);
    return resp->status;
}

/* The response body parsed; caller frees with cJSON_Delete(). */
static inline cJSON *nsfx_body(const struct mk_response *resp)
{
    return nsfx_json(cm_buf_str(&resp->body));
}

static inline const char *nsfx_header(const struct mk_response *resp, const char *name)
{
    int i;

    for (i = 0; i < resp->nheaders; i++)
        if (strcmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    return NULL;
}

/* The body must be exactly this JSON text (compared as serialized by cJSON). */
static inline void nsfx_body_is(const struct mk_response *resp, const char *want)
{
    cJSON *w = nsfx_json(want);
    char *ws = cm_json_print(w);

    cr_assert_str_eq(cm_buf_str(&resp->body), ws);
    free(ws);
    cJSON_Delete(w);
}

/* The profile's applied hashes, comma-joined, into out. */
static inline const char *nsfx_hashes(struct nsfx *fx, const char *name, char *out, size_t size)
{
    struct ns_profile *p = ns_profile_find(fx->t, name);
    size_t i, off = 0;

    cr_assert_not_null(p, "no profile '%s'", name);
    out[0] = '\0';
    for (i = 0; i < p->hashes.n && off < size; i++)
        off += (size_t)snprintf(out + off, size - off, "%s%s", i ? "," : "", p->hashes.h[i].v);
    return out;
}

#endif
