/*
 * demo.c: a tiny service for the runtime's own tests and the harness's demo
 * scenarios. It is not a vendor: it shows each kit feature once (state,
 * clock, tokens, an address allowlist, errors) so they can be tested before
 * and apart from the vendor services.
 *
 * State: {"token": "s3cret", "allow": ["127.0.0.1/32"], "items": {"<id>": {"value": any}}}
 * Routes: GET /ping, GET /items, GET /items/<id>, POST /items, GET /secure.
 */
#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"
#include "mock/kit/netaddr.h"
#include "mock/kit/service.h"

#include <stdlib.h>
#include <string.h>

#define DEMO_MAX_ITEMS 10000

struct demo {
    char *token;  /* owned */
    cJSON *allow; /* array of CIDR strings, owned */
    cJSON *items; /* object id -> {"value": any}, owned */
};

static void demo_error(struct mk_request *req, struct mk_response *resp, int status,
                       const char *code, const char *message)
{
    cJSON *doc = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(doc, "error");

    mk_req_verdict(req, code);
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    mk_resp_json(resp, status, doc);
}

/* {"pong":true,"now":"<RFC 3339>"}: written straight into the body (the bytes cJSON printed:
 * the time has no character to escape), as the trivial route is the one benchmarked. */
static int ping(struct mk_request *req, struct mk_response *resp)
{
    static const char head[] = "{\"pong\":true,\"now\":\"";
    char out[sizeof(head) + 40];
    size_t n = sizeof(head) - 1;

    memcpy(out, head, n);
    cm_time_format(req->now_ms, out + n, sizeof(out) - n - 2);
    n += strlen(out + n);
    memcpy(out + n, "\"}", 2);
    cm_buf_append(mk_resp_json_begin(resp, 200), out, n + 2);
    return MK_DONE;
}

static cJSON *item_json(const cJSON *it)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "id", it->string);
    cJSON_AddItemToObject(o, "value",
                          cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(it, "value"), 1));
    return o;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

static int items_list(struct mk_request *req, struct mk_response *resp)
{
    struct demo *d = req->svc->data;
    cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "items"), *it;
    int n = cJSON_GetArraySize(d->items), i = 0;
    const cJSON **sorted = cm_calloc((size_t)n + 1, sizeof(*sorted));

    cJSON_ArrayForEach(it, d->items) sorted[i++] = it;
    qsort(sorted, (size_t)n, sizeof(*sorted), cmp_str);
    for (i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, item_json(sorted[i]));
    free(sorted);
    mk_resp_json(resp, 200, doc);
    return MK_DONE;
}

static int item_get(struct mk_request *req, struct mk_response *resp)
{
    struct demo *d = req->svc->data;
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(d->items, req->path + strlen("/items/"));

    if (it == NULL) {
        demo_error(req, resp, 404, "not_found", "no item with that id");
        return MK_DONE;
    }
    mk_resp_json(resp, 200, item_json(it));
    return MK_DONE;
}

static int item_post(struct mk_request *req, struct mk_response *resp)
{
    struct demo *d = req->svc->data;
    cJSON *doc = cm_json_parse(req->body, req->body_len, "body", NULL), *o;
    const char *id = cm_json_str(doc, "id", NULL);

    if (doc == NULL || id == NULL || *id == '\0' || strlen(id) > 128 ||
        cJSON_GetObjectItemCaseSensitive(doc, "value") == NULL) {
        demo_error(req, resp, 400, "invalid_body",
                   "expected a JSON object with a string \"id\" and a \"value\"");
    } else if (cJSON_GetObjectItemCaseSensitive(d->items, id)) {
        demo_error(req, resp, 409, "conflict", "an item with that id exists");
    } else if (cJSON_GetArraySize(d->items) >= DEMO_MAX_ITEMS) {
        demo_error(req, resp, 507, "too_many_items", "the demo keeps at most 10000 items");
    } else {
        o = cJSON_AddObjectToObject(d->items, id);
        cJSON_AddItemToObject(o, "value",
                              cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(doc, "value"), 1));
        mk_resp_json(resp, 201, item_json(o));
        mk_req_detail(req, "item %s", id);
    }
    cJSON_Delete(doc);
    return MK_DONE;
}

static int secure(struct mk_request *req, struct mk_response *resp)
{
    struct demo *d = req->svc->data;
    const char *auth = mk_req_header(req, "Authorization");
    const cJSON *r;
    int allowed = 0;

    cJSON_ArrayForEach(r, d->allow) allowed |= mk_cidr_match(r->valuestring, req->peer) == 1;
    if (!allowed) {
        demo_error(req, resp, 403, "ip_not_allowed", "your address is not in the allow list");
    } else if (auth == NULL || strncmp(auth, "Bearer ", 7) != 0 ||
               strcmp(auth + 7, d->token) != 0) {
        demo_error(req, resp, 401, "invalid_token", "send Authorization: Bearer <token>");
    } else {
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddBoolToObject(doc, "secure", 1);
        mk_resp_json(resp, 200, doc);
    }
    return MK_DONE;
}

static const struct mk_route demo_routes[] = {
    {"GET", "/ping", ping},        {"GET", "/items", items_list}, {"POST", "/items", item_post},
    {"GET", "/items/*", item_get}, {"GET", "/secure", secure},    {NULL, NULL, NULL},
};

static void demo_clear(struct demo *d)
{
    free(d->token);
    cJSON_Delete(d->allow);
    cJSON_Delete(d->items);
}

static int demo_load(struct mk_service *svc, const cJSON *doc, struct cm_err *err)
{
    struct demo *d = svc->data, next;
    const cJSON *it;

    if (!cJSON_IsObject(doc))
        return cm_fail(err, CM_EINVAL, "expected an object");
    cJSON_ArrayForEach(it, doc)
    {
        if (strcmp(it->string, "token") && strcmp(it->string, "allow") &&
            strcmp(it->string, "items"))
            return cm_fail(err, CM_EINVAL, "%s: unknown member (token, allow, items)", it->string);
    }
    it = cJSON_GetObjectItemCaseSensitive(doc, "token");
    if (it && !cJSON_IsString(it))
        return cm_fail(err, CM_EINVAL, "token: expected a string");
    next.token = cm_strdup(it ? it->valuestring : "s3cret");
    it = cJSON_GetObjectItemCaseSensitive(doc, "allow");
    if (it) {
        const cJSON *r;
        if (!cJSON_IsArray(it)) {
            free(next.token);
            return cm_fail(err, CM_EINVAL, "allow: expected an array of CIDR strings");
        }
        cJSON_ArrayForEach(r, it)
        {
            if (!cJSON_IsString(r) || mk_cidr_valid(r->valuestring) != 0) {
                free(next.token);
                return cm_fail(err, CM_EINVAL, "allow: '%s' is not an address or CIDR block",
                               cJSON_IsString(r) ? r->valuestring : "(not a string)");
            }
        }
        next.allow = cJSON_Duplicate(it, 1);
    } else {
        next.allow = cJSON_CreateArray();
        cJSON_AddItemToArray(next.allow, cJSON_CreateString("127.0.0.0/8"));
        cJSON_AddItemToArray(next.allow, cJSON_CreateString("::1"));
    }
    it = cJSON_GetObjectItemCaseSensitive(doc, "items");
    if (it && !cJSON_IsObject(it)) {
        free(next.token);
        cJSON_Delete(next.allow);
        return cm_fail(err, CM_EINVAL, "items: expected an object keyed by id");
    }
    next.items = it ? cJSON_Duplicate(it, 1) : cJSON_CreateObject();
    demo_clear(d);
    *d = next;
    return 0;
}

static cJSON *demo_dump(struct mk_service *svc)
{
    struct demo *d = svc->data;
    cJSON *doc = cJSON_CreateObject();

    cJSON_AddStringToObject(doc, "token", d->token);
    cJSON_AddItemToObject(doc, "allow", cJSON_Duplicate(d->allow, 1));
    cJSON_AddItemToObject(doc, "items", cJSON_Duplicate(d->items, 1));
    return doc;
}

static int demo_create(struct mk_service *svc, struct cm_err *err)
{
    struct demo *d = cm_calloc(1, sizeof(*d));
    cJSON *empty = cJSON_CreateObject();
    int rc;

    svc->data = d;
    rc = demo_load(svc, empty, err);
    cJSON_Delete(empty);
    return rc;
}

static void demo_destroy(struct mk_service *svc)
{
    demo_clear(svc->data);
    free(svc->data);
    svc->data = NULL;
}

static cJSON *demo_action(struct mk_service *svc, const char *action, const cJSON *args,
                          struct cm_err *err)
{
    struct demo *d = svc->data;
    cJSON *out;

    (void)args;
    if (strcmp(action, "rotate-token") != 0) {
        cm_fail(err, CM_ENOENT, "unknown action '%s' (rotate-token)", action);
        return NULL;
    }
    free(d->token);
    d->token = cm_asprintf("t%llx", (unsigned long long)mk_service_now(svc));
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "token", d->token);
    return out;
}

const struct mk_service_ops demo_service_ops = {
    .type = "demo",
    .summary = "a small service to try the kit: items, a token, an allowlist",
    .routes = demo_routes,
    .create = demo_create,
    .destroy = demo_destroy,
    .load = demo_load,
    .dump = demo_dump,
    .error = demo_error,
    .action = demo_action,
};
