/*
 * admin.c: the admin API (docs/admin-api.md), one route table over the
 * runtime's clock, state, journal and faults.
 */
#include "mock/kit/internal.h"

#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <stdlib.h>
#include <string.h>

static void admin_error(struct mk_response *resp, int status, const char *code, const char *msg)
{
    cJSON *doc = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(doc, "error");

    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", msg);
    mk_resp_json(resp, status, doc);
}

/* Parses the request body as JSON; answers 400 and returns NULL when it is not. */
static cJSON *body_json(struct mk_request *req, struct mk_response *resp)
{
    struct cm_err err;
    cJSON *doc = cm_json_parse_whole(req->body, req->body_len, "body", &err);

    if (doc == NULL)
        admin_error(resp, 400, "invalid_json", err.msg);
    return doc;
}

/* The service named by the path segment after prefix, or NULL (404 answered). */
static struct mk_service *path_service(struct mk_request *req, struct mk_response *resp,
                                       const char *prefix, char *rest, size_t rest_size)
{
    const char *name = req->path + strlen(prefix);
    const char *slash = strchr(name, '/');
    char buf[64];
    struct mk_service *svc;

    cm_strlcpy(buf, name, sizeof(buf));
    if (slash && (size_t)(slash - name) < sizeof(buf))
        buf[slash - name] = '\0';
    if (rest)
        cm_strlcpy(rest, slash ? slash + 1 : "", rest_size);
    svc = mk_runtime_find(req->rt, buf);
    if (svc == NULL) {
        char *msg = cm_asprintf("no service '%s' in this process", buf);
        admin_error(resp, 404, "unknown_service", msg);
        free(msg);
    }
    return svc;
}

static int health(struct mk_request *req, struct mk_response *resp)
{
    cJSON *doc = mk_runtime_describe(req->rt);

    cJSON_AddStringToObject(doc, "status", "ok");
    cJSON_AddStringToObject(doc, "version", SECMOCK_VERSION);
    mk_resp_json(resp, 200, doc);
    return MK_DONE;
}

static int services(struct mk_request *req, struct mk_response *resp)
{
    cJSON *doc = cJSON_CreateObject();
    int i;

    for (i = 0; i < req->rt->nservices; i++) {
        struct mk_service *svc = req->rt->services[i];
        cJSON *o = cJSON_AddObjectToObject(doc, svc->name);
        cJSON_AddStringToObject(o, "type", svc->ops->type);
        cJSON_AddStringToObject(o, "variant", svc->variant);
        cJSON_AddStringToObject(o, "url", svc->url);
        cJSON_AddBoolToObject(o, "tls", svc->tls);
    }
    mk_resp_json(resp, 200, doc);
    return MK_DONE;
}

static cJSON *clock_json(struct mk_clock *c)
{
    cJSON *doc = cJSON_CreateObject();
    int64_t now = mk_clock_now(c);
    char t[40];

    cm_time_format(now, t, sizeof(t));
    cJSON_AddStringToObject(doc, "now", t);
    cJSON_AddNumberToObject(doc, "now_ms", (double)now);
    cJSON_AddBoolToObject(doc, "frozen", mk_clock_is_frozen(c));
    return doc;
}

static int clock_get(struct mk_request *req, struct mk_response *resp)
{
    mk_resp_json(resp, 200, clock_json(&req->rt->clock));
    return MK_DONE;
}

/* A time or duration member: a string in its syntax, or an integer of milliseconds. */
static int member_ms(const cJSON *doc, const char *key, int is_time, int64_t *ms, int *present)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(doc, key);

    *present = it != NULL;
    if (it == NULL)
        return 0;
    if (cJSON_IsNumber(it)) {
        *ms = (int64_t)it->valuedouble;
        return 0;
    }
    if (cJSON_IsString(it))
        return is_time ? cm_time_parse(it->valuestring, ms)
                       : cm_duration_parse(it->valuestring, ms);
    return CM_EINVAL;
}

static int clock_post(struct mk_request *req, struct mk_response *resp)
{
    struct mk_clock *c = &req->rt->clock;
    cJSON *doc = body_json(req, resp);
    const cJSON *it;
    int64_t set_ms = 0, adv_ms = 0;
    int has_set, has_adv;

    if (doc == NULL)
        return MK_DONE;
    cJSON_ArrayForEach(it, doc)
    {
        if (strcmp(it->string, "set") && strcmp(it->string, "advance") &&
            strcmp(it->string, "freeze") && strcmp(it->string, "resume")) {
            char *msg = cm_asprintf("clock: unknown member '%s' (set, advance, freeze, resume)",
                                    it->string);
            admin_error(resp, 400, "invalid_clock", msg);
            free(msg);
            cJSON_Delete(doc);
            return MK_DONE;
        }
    }
    if (member_ms(doc, "set", 1, &set_ms, &has_set)) {
        admin_error(resp, 400, "invalid_clock",
                    "clock.set: expected an RFC 3339 time such as \"2026-03-02T09:00:00Z\"");
    } else if (member_ms(doc, "advance", 0, &adv_ms, &has_adv) || adv_ms < 0) {
        admin_error(resp, 400, "invalid_clock",
                    "clock.advance: expected a non-negative duration such as \"30m\"");
    } else {
        if (has_set)
            mk_clock_set(c, set_ms);
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "freeze")))
            mk_clock_freeze(c);
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "resume")))
            mk_clock_resume(c);
        if (has_adv)
            mk_clock_advance(c, adv_ms);
        mk_resp_json(resp, 200, clock_json(c));
    }
    cJSON_Delete(doc);
    return MK_DONE;
}

static cJSON *dump_service(struct mk_service *svc)
{
    cJSON *d;

    pthread_mutex_lock(&svc->lock);
    d = svc->ops->dump(svc);
    pthread_mutex_unlock(&svc->lock);
    return d;
}

static int state_all(struct mk_request *req, struct mk_response *resp)
{
    struct cm_err err;
    cJSON *doc;
    int i;

    if (strcmp(req->method, "GET") == 0) {
        doc = cJSON_CreateObject();
        for (i = 0; i < req->rt->nservices; i++)
            cJSON_AddItemToObject(doc, req->rt->services[i]->name,
                                  dump_service(req->rt->services[i]));
        mk_resp_json(resp, 200, doc);
        return MK_DONE;
    }
    doc = body_json(req, resp);
    if (doc == NULL)
        return MK_DONE;
    if (mk_runtime_load(req->rt, doc, &err) != 0)
        admin_error(resp, 400, "invalid_state", err.msg);
    else
        mk_resp_json(resp, 200, cJSON_CreateObject());
    cJSON_Delete(doc);
    return MK_DONE;
}

static int state_one(struct mk_request *req, struct mk_response *resp)
{
    struct mk_service *svc = path_service(req, resp, "/state/", NULL, 0);
    struct cm_err err;
    cJSON *doc, *cur;

    if (svc == NULL)
        return MK_DONE;
    if (strcmp(req->method, "GET") == 0) {
        mk_resp_json(resp, 200, dump_service(svc));
        return MK_DONE;
    }
    doc = body_json(req, resp);
    if (doc == NULL)
        return MK_DONE;
    if (strcmp(req->method, "PATCH") == 0) {
        /* dump, merge and load under one lock so no request sees half a patch */
        pthread_mutex_lock(&svc->lock);
        cur = cm_json_merge_patch(svc->ops->dump(svc), doc);
        if (svc->ops->load(svc, cur, &err) != 0) {
            pthread_mutex_unlock(&svc->lock);
            admin_error(resp, 400, "invalid_state", err.msg);
        } else {
            pthread_mutex_unlock(&svc->lock);
            mk_resp_json(resp, 200, dump_service(svc));
        }
        cJSON_Delete(cur);
    } else if (mk__service_load(svc, doc, &err) != 0) {
        admin_error(resp, 400, "invalid_state", err.msg);
    } else {
        mk_resp_json(resp, 200, dump_service(svc));
    }
    cJSON_Delete(doc);
    return MK_DONE;
}

static int journal(struct mk_request *req, struct mk_response *resp)
{
    struct mk_journal_filter f = {0};
    const char *s;

    if (strcmp(req->method, "DELETE") == 0) {
        mk_journal_clear(&req->rt->journal);
        mk_resp_json(resp, 200, cJSON_CreateObject());
        return MK_DONE;
    }
    f.service = mk_req_query(req, "service");
    f.method = mk_req_query(req, "method");
    f.path = mk_req_query(req, "path");
    f.verdict = mk_req_query(req, "verdict");
    if ((s = mk_req_query(req, "status")) != NULL)
        f.status = (int)strtol(s, NULL, 10);
    if ((s = mk_req_query(req, "since")) != NULL)
        f.since_seq = strtoull(s, NULL, 10);
    if ((s = mk_req_query(req, "limit")) != NULL)
        f.limit = strtoul(s, NULL, 10);
    mk_resp_json(resp, 200, mk_journal_query(&req->rt->journal, &f));
    return MK_DONE;
}

static int journal_counts(struct mk_request *req, struct mk_response *resp)
{
    mk_resp_json(resp, 200, mk_journal_counts(&req->rt->journal));
    return MK_DONE;
}

static int faults(struct mk_request *req, struct mk_response *resp)
{
    struct cm_err err;
    cJSON *doc, *out;
    const cJSON *svc;
    int id;

    if (strcmp(req->method, "GET") == 0) {
        mk_resp_json(resp, 200, mk_faults_list(&req->rt->faults));
        return MK_DONE;
    }
    if (strcmp(req->method, "DELETE") == 0) {
        mk_faults_clear(&req->rt->faults, 0);
        mk_resp_json(resp, 200, cJSON_CreateObject());
        return MK_DONE;
    }
    doc = body_json(req, resp);
    if (doc == NULL)
        return MK_DONE;
    svc = cJSON_GetObjectItemCaseSensitive(doc, "service");
    if (cJSON_IsString(svc) && mk_runtime_find(req->rt, svc->valuestring) == NULL) {
        char *msg = cm_asprintf("fault.service: no service '%s' in this process", svc->valuestring);
        admin_error(resp, 400, "invalid_fault", msg);
        free(msg);
    } else if ((id = mk_faults_arm(&req->rt->faults, doc, &err)) < 0) {
        admin_error(resp, 400, "invalid_fault", err.msg);
    } else {
        out = cJSON_CreateObject();
        cJSON_AddNumberToObject(out, "id", id);
        mk_resp_json(resp, 201, out);
    }
    cJSON_Delete(doc);
    return MK_DONE;
}

static int fault_one(struct mk_request *req, struct mk_response *resp)
{
    char *end;
    long id = strtol(req->path + strlen("/faults/"), &end, 10);

    if (*end != '\0' || id <= 0 || mk_faults_clear(&req->rt->faults, (int)id) != 0)
        admin_error(resp, 404, "unknown_fault", "no armed fault with that id");
    else
        mk_resp_json(resp, 200, cJSON_CreateObject());
    return MK_DONE;
}

static int action(struct mk_request *req, struct mk_response *resp)
{
    char rest[128];
    struct mk_service *svc = path_service(req, resp, "/services/", rest, sizeof(rest));
    struct cm_err err = {{0}};
    cJSON *args, *out;

    if (svc == NULL)
        return MK_DONE;
    if (strncmp(rest, "actions/", 8) != 0 || rest[8] == '\0') {
        admin_error(resp, 404, "not_found", "expected /services/<service>/actions/<action>");
        return MK_DONE;
    }
    if (svc->ops->action == NULL) {
        admin_error(resp, 404, "unknown_action", "this service has no console actions");
        return MK_DONE;
    }
    args = req->body_len ? body_json(req, resp) : cJSON_CreateObject();
    if (args == NULL)
        return MK_DONE;
    pthread_mutex_lock(&svc->lock);
    out = svc->ops->action(svc, rest + 8, args, &err);
    pthread_mutex_unlock(&svc->lock);
    if (out == NULL)
        admin_error(resp, 400, "action_failed", err.msg[0] ? err.msg : "the action failed");
    else
        mk_resp_json(resp, 200, out);
    cJSON_Delete(args);
    return MK_DONE;
}

static int reset(struct mk_request *req, struct mk_response *resp)
{
    struct cm_err err;

    if (mk__runtime_reset(req->rt, &err) != 0)
        admin_error(resp, 500, "reset_failed", err.msg);
    else
        mk_resp_json(resp, 200, cJSON_CreateObject());
    return MK_DONE;
}

static const struct mk_route admin_routes[] = {
    {"GET", "/health", health},
    {"GET", "/services", services},
    {"POST", "/services/*", action},
    {"GET", "/clock", clock_get},
    {"POST", "/clock", clock_post},
    {"GET", "/state", state_all},
    {"POST", "/state", state_all},
    {"GET", "/state/*", state_one},
    {"PUT", "/state/*", state_one},
    {"PATCH", "/state/*", state_one},
    {"GET", "/journal", journal},
    {"DELETE", "/journal", journal},
    {"GET", "/journal/counts", journal_counts},
    {"GET", "/faults", faults},
    {"POST", "/faults", faults},
    {"DELETE", "/faults", faults},
    {"DELETE", "/faults/*", fault_one},
    {"POST", "/reset", reset},
    {NULL, NULL, NULL},
};

/* 1 when the call carries the admin token (or none is set); otherwise answers 401, saying
 * whether the token is missing or wrong. */
static int token_ok(struct mk_request *req, struct mk_response *resp)
{
    const char *want = req->rt->cfg.admin_token;
    const char *xtok = mk_req_header(req, "X-Secmock-Token");
    const char *auth = mk_req_header(req, "Authorization");
    int bearer = auth && strncmp(auth, "Bearer ", 7) == 0;

    if (want == NULL || *want == '\0')
        return 1;
    if ((xtok && strcmp(xtok, want) == 0) || (bearer && strcmp(auth + 7, want) == 0))
        return 1;
    if (xtok || bearer)
        admin_error(resp, 401, "admin_token_required",
                    "the admin token does not match: send the token secmock serve was started "
                    "with (--admin-token or SECMOCK_ADMIN_TOKEN)");
    else
        admin_error(resp, 401, "admin_token_required",
                    "this admin API needs its token: send Authorization: Bearer <token>");
    return 0;
}

void mk__admin_dispatch(struct mk_request *req, struct mk_response *resp)
{
    if (!token_ok(req, resp))
        return;
    mk_route_dispatch(admin_routes, req, resp);
}
