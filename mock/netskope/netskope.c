/*
 * netskope.c: the "netskope" service: a Netskope tenant as Cloud Exchange's
 * Threat Exchange sees it, served over HTTPS like the vendor's.
 *
 * Routes are the table below; handlers live in v1.c (File Profile hash
 * lists, V1 token check) and dataexport.c (alert iterators). Errors the kit
 * raises itself (404, 405, 413) are rendered in the envelope of the API the
 * path belongs to: v1 {"status":"error","errorCode":...,"errors":[...]} or
 * v2 {"message": ...}.
 *
 * Console actions (admin API POST /services/netskope/actions/<name>) do what
 * the tenant's UI does and its API cannot: create-profile (Policies > File >
 * New File Profile, Save), edit-profile (a pending UI edit), apply-changes
 * (the top-right Apply Changes button) and regenerate-token (Settings >
 * Tools > REST API). State shape and actions: docs/netskope.md.
 */
#include "mock/netskope/ns.h"

#include "common/mem.h"
#include "common/rng.h"
#include "mock/kit/service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct mk_route ns_routes[] = {
    {"POST", "/api/v1/updateFileHashList", ns_v1_update_hash_list},
    {"GET", "/api/v1/updateFileHashList", ns_v1_update_hash_list},
    {"PUT", "/api/v1/updateFileHashList", ns_v1_update_hash_list},
    {"POST", "/api/v1/app_instances", ns_v1_app_instances},
    {"GET", "/api/v1/app_instances", ns_v1_app_instances},
    {"POST", "/api/v1/fileHashLists", ns_v1_file_hash_lists},
    {"GET", "/api/v1/fileHashLists", ns_v1_file_hash_lists},
    {"GET", "/api/v2/events/dataexport/alerts/*", ns_export_alerts},
    {NULL, NULL, NULL},
};

static const char *const ns_hostnames[] = {"tenant.goskope.com", "*.goskope.com", NULL};

static void ns_error(struct mk_request *req, struct mk_response *resp, int status, const char *code,
                     const char *message)
{
    mk_req_verdict(req, code);
    if (strcmp(code, "body_too_large") == 0)
        message = "Request body too large (a file hash list holds at most 8 MB)";
    if (strncmp(req->path, "/api/v1/", 8) == 0)
        ns_v1_error(resp, status, "General Error", message);
    else
        ns_v2_error(resp, status, message);
}

/* ---- console actions ---- */

static const char *arg_str(const cJSON *args, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Reads args.hashes as the UI's File Hash field: at least one valid value. */
static int arg_hashes(struct ns_hashes *out, const cJSON *args, struct cm_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, "hashes");
    struct ns_bad bad;
    char list[300];

    ns_hashes_init(out);
    if (v == NULL)
        return cm_fail(err, CM_EINVAL,
                       "hashes: the File Hash field cannot be empty; Netskope recommends the "
                       "placeholder " NS_PLACEHOLDER " (64 'f')");
    if (ns_hashes_from_json(out, v, &bad) != 0) {
        ns_bad_describe(&bad, list, sizeof(list));
        ns_hashes_release(out);
        return cm_fail(err, CM_EINVAL,
                       "hashes: not an MD5 or SHA256 value: %s (expected 32 or 64 hexadecimal "
                       "characters)",
                       list);
    }
    if (out->n == 0) {
        ns_hashes_release(out);
        return cm_fail(err, CM_EINVAL,
                       "hashes: the File Hash field cannot be empty; Netskope recommends the "
                       "placeholder " NS_PLACEHOLDER " (64 'f')");
    }
    return 0;
}

static int arg_types(const cJSON *args, int *types, struct cm_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, "types"), *it;

    *types = 0;
    if (v == NULL)
        return 0;
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
        return cm_fail(err, CM_EINVAL, "types: expected [\"sha256\"], [\"md5\"] or both");
    cJSON_ArrayForEach(it, v)
    {
        if (cJSON_IsString(it) && strcmp(it->valuestring, "sha256") == 0)
            *types |= NS_SHA256;
        else if (cJSON_IsString(it) && strcmp(it->valuestring, "md5") == 0)
            *types |= NS_MD5;
        else
            return cm_fail(err, CM_EINVAL, "types: expected [\"sha256\"], [\"md5\"] or both");
    }
    return 0;
}

static cJSON *named_profile(const struct ns_profile *p)
{
    cJSON *o = ns_profile_json(p);

    cJSON_AddStringToObject(o, "name", p->name);
    return o;
}

static cJSON *create_profile(struct ns_tenant *t, const cJSON *args, struct cm_err *err)
{
    const char *name = arg_str(args, "name"), *desc = arg_str(args, "description");
    struct ns_profile *p;
    struct ns_hashes hashes;
    int types;

    if (name == NULL || *name == '\0' || strlen(name) > 256) {
        cm_fail(err, CM_EINVAL,
                "name: enter a Profile Name (1 to 256 characters; Netskope "
                "recommends underscores instead of spaces)");
        return NULL;
    }
    if (ns_profile_find(t, name)) {
        cm_fail(err, CM_EEXIST, "name: a File Profile named '%s' exists", name);
        return NULL;
    }
    if (arg_types(args, &types, err) != 0 || arg_hashes(&hashes, args, err) != 0)
        return NULL;
    if (types == 0)
        types = ns_hashes_kinds(&hashes);
    if (ns_hashes_kinds(&hashes) & ~types) {
        cm_fail(err, CM_EINVAL, "hashes: %s values given but the File Hash type chosen is %s",
                types & NS_SHA256 ? "MD5" : "SHA256", types & NS_SHA256 ? "SHA256" : "MD5");
        ns_hashes_release(&hashes);
        return NULL;
    }
    p = ns_profile_add(t, name);
    if (p == NULL) {
        ns_hashes_release(&hashes);
        cm_fail(err, CM_ETOOBIG, "the tenant has %d File Profiles already", NS_PROFILES_MAX);
        return NULL;
    }
    if (desc) {
        free(p->description);
        p->description = cm_strdup(desc);
    }
    p->types = types;
    p->hashes = hashes;
    p->published = 0;
    return named_profile(p);
}

static struct ns_profile *existing(struct ns_tenant *t, const cJSON *args, struct cm_err *err)
{
    const char *name = arg_str(args, "name");
    struct ns_profile *p = ns_profile_find(t, name), *near;

    if (p)
        return p;
    if (name == NULL) {
        cm_fail(err, CM_EINVAL, "name: the File Profile to change");
        return NULL;
    }
    near = ns_profile_find_nocase(t, name);
    if (near)
        cm_fail(err, CM_ENOENT, "name: no File Profile '%s' ('%s' differs in case)", name,
                near->name);
    else
        cm_fail(err, CM_ENOENT, "name: no File Profile '%s'", name);
    return NULL;
}

static cJSON *edit_profile(struct ns_tenant *t, const cJSON *args, struct cm_err *err)
{
    struct ns_profile *p = existing(t, args, err);
    const char *mode = arg_str(args, "mode");
    struct ns_hashes add, merged;
    size_t i;

    if (p == NULL)
        return NULL;
    if (mode && strcmp(mode, "replace") != 0 && strcmp(mode, "add") != 0) {
        cm_fail(err, CM_EINVAL,
                "mode: expected \"replace\" (Replace File) or \"add\" (Add to List)");
        return NULL;
    }
    if (arg_hashes(&add, args, err) != 0)
        return NULL;
    if (mode && strcmp(mode, "add") == 0) {
        const struct ns_hashes *base = p->has_pending ? &p->pending : &p->hashes;
        struct cm_buf text;
        struct ns_bad bad;
        cm_buf_init(&text, 0);
        for (i = 0; i < base->n; i++)
            cm_buf_printf(&text, "%s,", base->h[i].v);
        for (i = 0; i < add.n; i++)
            cm_buf_printf(&text, "%s,", add.h[i].v);
        ns_hashes_parse(&merged, cm_buf_str(&text), text.len, &bad);
        cm_buf_release(&text);
        ns_hashes_release(&add);
    } else {
        merged = add;
    }
    ns_hashes_release(&p->pending);
    p->pending = merged;
    p->has_pending = 1;
    return named_profile(p);
}

static cJSON *apply_changes(struct ns_tenant *t)
{
    cJSON *out = cJSON_CreateObject(), *names = cJSON_AddArrayToObject(out, "applied");
    size_t i;

    for (i = 0; i < t->nprofiles; i++)
        if (ns_profile_apply(&t->profiles[i]))
            cJSON_AddItemToArray(names, cJSON_CreateString(t->profiles[i].name));
    return out;
}

static cJSON *regenerate_token(struct ns_tenant *t, const cJSON *args, int64_t now_ms,
                               struct cm_err *err)
{
    static const char digits[] = "0123456789abcdef";
    const char *version = arg_str(args, "version");
    char token[48];
    struct cm_rng r;
    size_t i, off = 0, n;
    cJSON *out;

    if (version == NULL || (strcmp(version, "v1") != 0 && strcmp(version, "v2") != 0)) {
        cm_fail(err, CM_EINVAL, "version: expected \"v1\" or \"v2\"");
        return NULL;
    }
    t->serial++;
    cm_rng_seed(&r, (uint64_t)now_ms ^ (t->serial * 0x9E3779B97F4A7C15ull) ^
                        (version[1] == '2' ? 0xA5A5A5A5ull : 0));
    if (version[1] == '2') {
        memcpy(token, "v2-", 3);
        off = 3;
    }
    n = version[1] == '2' ? 40 : 32;
    for (i = 0; i < n; i++)
        token[off + i] = digits[cm_rng_below(&r, 16)];
    token[off + n] = '\0';
    if (version[1] == '2') {
        free(t->v2_token);
        t->v2_token = cm_strdup(token);
    } else {
        free(t->v1_token);
        t->v1_token = cm_strdup(token);
    }
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "version", version);
    cJSON_AddStringToObject(out, "token", token);
    return out;
}

cJSON *ns_action(struct ns_tenant *t, const char *action, const cJSON *args, int64_t now_ms,
                 struct cm_err *err)
{
    if (args && !cJSON_IsObject(args)) {
        cm_fail(err, CM_EINVAL, "expected a JSON object of arguments");
        return NULL;
    }
    if (strcmp(action, "apply-changes") == 0)
        return apply_changes(t);
    if (strcmp(action, "create-profile") == 0)
        return create_profile(t, args, err);
    if (strcmp(action, "edit-profile") == 0)
        return edit_profile(t, args, err);
    if (strcmp(action, "regenerate-token") == 0)
        return regenerate_token(t, args, now_ms, err);
    cm_fail(err, CM_ENOENT,
            "unknown action '%s' (apply-changes, create-profile, edit-profile, regenerate-token)",
            action);
    return NULL;
}

/* ---- the service ---- */

static int ns_create(struct mk_service *svc, struct cm_err *err)
{
    (void)err;
    svc->data = ns_tenant_new();
    return 0;
}

static void ns_destroy(struct mk_service *svc)
{
    ns_tenant_free(svc->data);
    svc->data = NULL;
}

static int ns_load(struct mk_service *svc, const cJSON *doc, struct cm_err *err)
{
    struct ns_tenant *t = ns_tenant_from_json(doc, err);

    if (t == NULL)
        return CM_EINVAL;
    ns_tenant_free(svc->data);
    svc->data = t;
    return 0;
}

static cJSON *ns_dump(struct mk_service *svc)
{
    return ns_tenant_json(svc->data);
}

static cJSON *ns_service_action(struct mk_service *svc, const char *action, const cJSON *args,
                                struct cm_err *err)
{
    return ns_action(svc->data, action, args, svc->rt ? mk_service_now(svc) : 0, err);
}

const struct mk_service_ops ns_service_ops = {
    .type = "netskope",
    .summary = "Netskope tenant: File Profile hash lists (REST v1), malware/malsite alert "
               "iterators (REST v2)",
    .default_tls = 1,
    .hostnames = ns_hostnames,
    .routes = ns_routes,
    .create = ns_create,
    .destroy = ns_destroy,
    .load = ns_load,
    .dump = ns_dump,
    .error = ns_error,
    .action = ns_service_action,
};
