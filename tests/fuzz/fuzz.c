/*
 * fuzz.c: the helpers of fuzz.h: input slicing, and services of the
 * product's own types driven through fake requests (no sockets, no threads,
 * a fixed virtual time), so a fuzzer reaches a handler in microseconds.
 */
#include "tests/fuzz/fuzz.h"

#include "common/json.h"
#include "common/mem.h"
#include "mock/kit/clock.h"
#include "mock/kit/runtime.h"
#include "mock/mimecast/mm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("fuzz: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

char *fuzz_cstr(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);

    return cm_strndup((const char *)data, nul ? (size_t)(nul - data) : size);
}

char *fuzz_fields(const uint8_t *data, size_t size, char **fields, int n)
{
    char *block = fuzz_cstr(data, size), *p = block, *nl;
    int i;

    for (i = 0; i < n; i++) {
        fields[i] = p;
        if (i + 1 < n && (nl = strchr(p, '\n')) != NULL) {
            *nl = '\0';
            p = nl + 1;
        } else {
            p += strlen(p);
        }
    }
    return block;
}

/* One runtime for the process, never started (no listener): it gives the services
 * their shared clock, frozen at FUZZ_NOW_MS, and finds them by name. */
static struct mk_runtime *runtime(void)
{
    static struct mk_runtime *rt;
    struct mk_runtime_config cfg;

    if (rt == NULL) {
        memset(&cfg, 0, sizeof(cfg));
        rt = mk_runtime_new(&cfg);
        mk_clock_set(mk_runtime_clock(rt), FUZZ_NOW_MS);
        mk_clock_freeze(mk_runtime_clock(rt));
    }
    return rt;
}

struct mk_service *fuzz_svc_new(const char *type, const char *state_rel)
{
    struct mk_service *svc;
    struct cm_err err = {{0}};
    char *path;
    cJSON *doc;

    if ((svc = mk_runtime_find(runtime(), type)) != NULL)
        return svc; /* another target of fuzz_replay made it */
    if (mk_runtime_add(runtime(), type, 0, 0, &err) != 0 ||
        (svc = mk_runtime_find(runtime(), type)) == NULL)
        fuzz_fail("cannot create service '%s': %s", type, err.msg);
    if (state_rel) {
        path = cm_asprintf("%s/%s", SECMOCK_SOURCE_DIR, state_rel);
        doc = cm_json_load_file(path, &err);
        if (doc == NULL || svc->ops->load(svc, doc, &err) != 0)
            fuzz_fail("cannot load '%s' into '%s': %s", path, type, err.msg);
        cJSON_Delete(doc);
        free(path);
    }
    return svc;
}

int fuzz_call(struct mk_service *svc, const char *method, const char *path,
              const char *const *headers, const char *query, const char *body,
              struct mk_response *resp, char *verdict)
{
    struct mk_request req;

    mk_req_fake(&req, method, path, headers, query, body);
    req.svc = svc;
    req.now_ms = FUZZ_NOW_MS;
    mk_resp_init(resp);
    mk_route_dispatch(svc->ops->routes, &req, resp);
    if (getenv("FUZZ_TRACE"))
        fprintf(stderr, "fuzz: %s %s %s -> %d %s\n", svc->name, method, path, resp->status,
                req.verdict);
    if (verdict)
        cm_strlcpy(verdict, req.verdict, FUZZ_VERDICT_SIZE);
    mk_req_fake_release(&req);
    if (resp->status < 200 || resp->status > 599)
        fuzz_fail("%s %s answered status %d", method, path, resp->status);
    return resp->status;
}

const char *const *fuzz_mm_sign(struct fuzz_mm_hdrs *h, const char *date, const char *req_id,
                                const char *path)
{
    char sig[64];

    /* long values are cut here, and what is sent is what is signed */
    snprintf(h->date, sizeof(h->date), "x-mc-date: %s", date);
    snprintf(h->id, sizeof(h->id), "x-mc-req-id: %s", req_id);
    if (mm_sign(h->date + 11, h->id + 13, path, FUZZ_MM_APPKEY, FUZZ_MM_SECRET, sig, sizeof(sig)))
        fuzz_fail("cannot sign with the fixture's key");
    snprintf(h->auth, sizeof(h->auth), "Authorization: MC " FUZZ_MM_AK ":%s", sig);
    memcpy(h->h,
           (const char *const[]){h->date, h->id, "x-mc-app-id: " FUZZ_MM_APP, h->auth,
                                 "Content-Type: application/json", NULL},
           sizeof(h->h));
    return h->h;
}
