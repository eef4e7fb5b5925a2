/*
 * state.c: the tenant as plain JSON, in and out.
 *
 * ns_tenant_from_json() builds a whole new tenant from a state document and
 * checks every member on the way, so the service can swap it in or keep the
 * old one (service.h: on error the old state is kept); unknown members are
 * errors, so a misspelt fixture key is reported, not ignored.
 * ns_tenant_json() writes back exactly what from_json() takes: the kit builds
 * PATCH (dump, merge, load) and reset on the pair. Generated alerts are
 * written as their spec, not as records. The shape is documented in
 * docs/netskope.md.
 */
#include "mock/netskope/ns.h"

#include "common/mem.h"
#include "common/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_V1_TOKEN "a1b2c3d4e5f60718293a4b5c6d7e8f90"
#define DEFAULT_V2_TOKEN "v2-0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"
#define TOKEN_MAX        256
#define NAME_MAX_LEN     256

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* CM_EINVAL naming the first member of obj that is not in names. */
static int only_members(const cJSON *obj, const char *path, const char *const *names,
                        struct cm_err *err)
{
    const cJSON *it;
    char list[256];
    size_t i, off = 0;

    cJSON_ArrayForEach(it, obj)
    {
        for (i = 0; names[i]; i++)
            if (strcmp(it->string, names[i]) == 0)
                break;
        if (names[i] == NULL) {
            list[0] = '\0';
            for (i = 0; names[i] && off < sizeof(list); i++)
                off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "",
                                        names[i]);
            return cm_fail(err, CM_EINVAL, "%s%s%s: unknown member (%s)", path, *path ? "." : "",
                           it->string, list);
        }
    }
    return 0;
}

static void settings_default(struct ns_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->list_max_bytes = NS_LIST_MAX_DEFAULT;
    s->v1_rate.requests = 24;
    s->v1_rate.window_ms = 5000;
    s->export_rate.requests = 4;
    s->export_rate.window_ms = 1000;
    s->page_size = NS_PAGE_MAX;
    s->wait_time = 1;
}

struct ns_tenant *ns_tenant_new(void)
{
    struct ns_tenant *t = cm_calloc(1, sizeof(*t));
    int i;

    t->host = cm_strdup("tenant.goskope.com");
    t->v1_token = cm_strdup(DEFAULT_V1_TOKEN);
    t->v2_token = cm_strdup(DEFAULT_V2_TOKEN);
    settings_default(&t->set);
    t->app_instances = cJSON_CreateArray();
    for (i = 0; i < NS_NFEEDS; i++) {
        ns_feed_build(&t->feeds[i], (enum ns_feed_type)i, NULL, NULL, NULL);
        ns_rate_init(&t->export_rate[i]);
    }
    ns_rate_init(&t->v1_rate);
    return t;
}

static void profile_release(struct ns_profile *p)
{
    free(p->name);
    free(p->description);
    ns_hashes_release(&p->hashes);
    ns_hashes_release(&p->pending);
}

void ns_tenant_free(struct ns_tenant *t)
{
    size_t i;

    if (t == NULL)
        return;
    free(t->host);
    free(t->v1_token);
    free(t->v2_token);
    cJSON_Delete(t->v2_scopes);
    for (i = 0; i < t->nprofiles; i++)
        profile_release(&t->profiles[i]);
    free(t->profiles);
    cJSON_Delete(t->app_instances);
    for (i = 0; i < NS_NFEEDS; i++) {
        ns_feed_release(&t->feeds[i]);
        ns_rate_release(&t->export_rate[i]);
    }
    free(t->iters);
    ns_rate_release(&t->v1_rate);
    free(t);
}

/* ---- profiles ---- */

struct ns_profile *ns_profile_find(struct ns_tenant *t, const char *name)
{
    size_t i;

    for (i = 0; name && i < t->nprofiles; i++)
        if (strcmp(t->profiles[i].name, name) == 0)
            return &t->profiles[i];
    return NULL;
}

struct ns_profile *ns_profile_find_nocase(struct ns_tenant *t, const char *name)
{
    size_t i;

    for (i = 0; name && i < t->nprofiles; i++)
        if (strcasecmp(t->profiles[i].name, name) == 0)
            return &t->profiles[i];
    return NULL;
}

struct ns_profile *ns_profile_add(struct ns_tenant *t, const char *name)
{
    struct ns_profile *p;

    if (t->nprofiles >= NS_PROFILES_MAX)
        return NULL;
    t->profiles = cm_realloc(t->profiles, (t->nprofiles + 1) * sizeof(*t->profiles));
    p = &t->profiles[t->nprofiles++];
    memset(p, 0, sizeof(*p));
    p->name = cm_strdup(name);
    p->description = cm_strdup("");
    p->published = 1;
    ns_hashes_init(&p->hashes);
    ns_hashes_init(&p->pending);
    return p;
}

int ns_profile_apply(struct ns_profile *p)
{
    int changed = !p->published || p->has_pending;

    if (p->has_pending) {
        ns_hashes_release(&p->hashes);
        p->hashes = p->pending;
        ns_hashes_init(&p->pending);
        p->has_pending = 0;
        p->types |= ns_hashes_kinds(&p->hashes);
    }
    p->published = 1;
    return changed;
}

static cJSON *types_json(int types)
{
    cJSON *arr = cJSON_CreateArray();

    if (types & NS_SHA256)
        cJSON_AddItemToArray(arr, cJSON_CreateString("sha256"));
    if (types & NS_MD5)
        cJSON_AddItemToArray(arr, cJSON_CreateString("md5"));
    return arr;
}

cJSON *ns_profile_json(const struct ns_profile *p)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "description", p->description);
    cJSON_AddItemToObject(o, "types", types_json(p->types));
    cJSON_AddItemToObject(o, "hashes", ns_hashes_json(&p->hashes));
    if (p->has_pending)
        cJSON_AddItemToObject(o, "pending", ns_hashes_json(&p->pending));
    else
        cJSON_AddNullToObject(o, "pending");
    cJSON_AddBoolToObject(o, "published", p->published);
    return o;
}

static int hashes_member(struct ns_hashes *out, const cJSON *v, const char *name,
                         const char *member, struct cm_err *err)
{
    struct ns_bad bad;
    char list[300];

    if (ns_hashes_from_json(out, v, &bad) != 0) {
        ns_bad_describe(&bad, list, sizeof(list));
        ns_hashes_release(out);
        return cm_fail(err, CM_EINVAL,
                       "file_profiles.%s.%s: not an MD5 or SHA256 value: %s (expected 32 or 64 "
                       "hexadecimal characters)",
                       name, member, list);
    }
    if (out->n == 0) {
        ns_hashes_release(out);
        return cm_fail(err, CM_EINVAL,
                       "file_profiles.%s.%s: a File Profile is never empty; the Netskope UI asks "
                       "for a value such as the placeholder " NS_PLACEHOLDER,
                       name, member);
    }
    return 0;
}

static int load_profile(struct ns_tenant *t, const cJSON *doc, struct cm_err *err)
{
    static const char *const members[] = {"description", "types",     "hashes",
                                          "pending",     "published", NULL};
    const char *name = doc->string;
    struct ns_profile *p;
    const cJSON *v;
    char path[300];
    int rc;

    if (*name == '\0' || strlen(name) > NAME_MAX_LEN)
        return cm_fail(err, CM_EINVAL, "file_profiles: a name has 1 to %d characters",
                       NAME_MAX_LEN);
    if (ns_profile_find(t, name))
        return cm_fail(err, CM_EINVAL, "file_profiles.%s: listed twice", name);
    if (!cJSON_IsObject(doc))
        return cm_fail(err, CM_EINVAL, "file_profiles.%s: expected an object", name);
    snprintf(path, sizeof(path), "file_profiles.%s", name);
    rc = only_members(doc, path, members, err);
    if (rc)
        return rc;
    p = ns_profile_add(t, name);
    if (p == NULL)
        return cm_fail(err, CM_ETOOBIG, "file_profiles: more than %d profiles", NS_PROFILES_MAX);
    v = get(doc, "description");
    if (v && !cJSON_IsString(v))
        return cm_fail(err, CM_EINVAL, "file_profiles.%s.description: expected a string", name);
    if (v) {
        free(p->description);
        p->description = cm_strdup(v->valuestring);
    }
    v = get(doc, "hashes");
    if (v) {
        rc = hashes_member(&p->hashes, v, name, "hashes", err);
        if (rc)
            return rc;
    } else {
        ns_hashes_parse(&p->hashes, NS_PLACEHOLDER, strlen(NS_PLACEHOLDER), &(struct ns_bad){0});
    }
    v = get(doc, "pending");
    if (v && !cJSON_IsNull(v)) {
        rc = hashes_member(&p->pending, v, name, "pending", err);
        if (rc)
            return rc;
        p->has_pending = 1;
    }
    v = get(doc, "published");
    if (v && !cJSON_IsBool(v))
        return cm_fail(err, CM_EINVAL, "file_profiles.%s.published: expected true or false", name);
    p->published = v ? cJSON_IsTrue(v) : 1;
    v = get(doc, "types");
    if (v) {
        const cJSON *it;
        if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
            return cm_fail(err, CM_EINVAL,
                           "file_profiles.%s.types: expected an array of \"sha256\" and/or \"md5\"",
                           name);
        cJSON_ArrayForEach(it, v)
        {
            if (cJSON_IsString(it) && strcasecmp(it->valuestring, "sha256") == 0)
                p->types |= NS_SHA256;
            else if (cJSON_IsString(it) && strcasecmp(it->valuestring, "md5") == 0)
                p->types |= NS_MD5;
            else
                return cm_fail(err, CM_EINVAL,
                               "file_profiles.%s.types: expected \"sha256\" or \"md5\"", name);
        }
    } else {
        p->types = ns_hashes_kinds(&p->hashes) | ns_hashes_kinds(&p->pending);
        if (p->types == 0)
            p->types = NS_SHA256;
    }
    return 0;
}

/* ---- iterators ---- */

int ns_index_valid(const char *s)
{
    size_t i, n = s ? strlen(s) : 0;

    if (n == 0 || n > NS_INDEX_MAX)
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

struct ns_iter *ns_iter_find(struct ns_tenant *t, const char *index, enum ns_feed_type type,
                             int create)
{
    struct ns_iter *it;
    size_t i;

    for (i = 0; i < t->niters; i++)
        if (t->iters[i].type == type && strcmp(t->iters[i].index, index) == 0)
            return &t->iters[i];
    if (!create || t->niters >= NS_ITERS_MAX || !ns_index_valid(index))
        return NULL;
    t->iters = cm_realloc(t->iters, (t->niters + 1) * sizeof(*t->iters));
    it = &t->iters[t->niters++];
    memset(it, 0, sizeof(*it));
    cm_strlcpy(it->index, index, sizeof(it->index));
    it->type = type;
    it->cursor.ts = -1;
    return it;
}

static cJSON *key_json(const struct ns_key *k)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddNumberToObject(o, "timestamp", (double)k->ts);
    cJSON_AddStringToObject(o, "_id", k->id);
    return o;
}

static int key_from(struct ns_key *k, const cJSON *v, const char *path, struct cm_err *err)
{
    const cJSON *ts = get(v, "timestamp"), *id = get(v, "_id");

    if (!cJSON_IsObject(v) || !cJSON_IsNumber(ts) || ts->valuedouble < -1 ||
        ts->valuedouble > 1e13 ||
        (id && (!cJSON_IsString(id) || strlen(id->valuestring) > NS_ID_MAX)))
        return cm_fail(err, CM_EINVAL,
                       "%s: expected {\"timestamp\": epoch seconds, \"_id\": \"...\"}", path);
    k->ts = (int64_t)ts->valuedouble;
    cm_strlcpy(k->id, id ? id->valuestring : "", sizeof(k->id));
    return 0;
}

static int load_iterators(struct ns_tenant *t, const cJSON *doc, struct cm_err *err)
{
    static const char *const feeds[] = {"malware", "malsite", NULL};
    static const char *const members[] = {"cursor", "page", NULL};
    static const char *const page_members[] = {"after", "through", "count", NULL};
    const cJSON *idx, *f, *v;
    char path[400];
    int rc;

    if (!cJSON_IsObject(doc))
        return cm_fail(err, CM_EINVAL, "iterators: expected an object keyed by index name");
    cJSON_ArrayForEach(idx, doc)
    {
        if (!ns_index_valid(idx->string))
            return cm_fail(err, CM_EINVAL,
                           "iterators.%s: an index name has 1 to %d letters, digits, '_', '-' "
                           "or '.'",
                           idx->string, NS_INDEX_MAX);
        snprintf(path, sizeof(path), "iterators.%s", idx->string);
        if (!cJSON_IsObject(idx))
            return cm_fail(err, CM_EINVAL, "%s: expected {\"malware\": ..., \"malsite\": ...}",
                           path);
        rc = only_members(idx, path, feeds, err);
        if (rc)
            return rc;
        cJSON_ArrayForEach(f, idx)
        {
            enum ns_feed_type type = ns_feed_type_of(f->string);
            struct ns_iter *it;
            snprintf(path, sizeof(path), "iterators.%s.%s", idx->string, f->string);
            if (!cJSON_IsObject(f))
                return cm_fail(err, CM_EINVAL, "%s: expected {\"cursor\", \"page\"}", path);
            rc = only_members(f, path, members, err);
            if (rc)
                return rc;
            if (ns_iter_find(t, idx->string, type, 0))
                return cm_fail(err, CM_EINVAL, "%s: listed twice", path);
            it = ns_iter_find(t, idx->string, type, 1);
            if (it == NULL)
                return cm_fail(err, CM_ETOOBIG, "iterators: more than %d", NS_ITERS_MAX);
            v = get(f, "cursor");
            if (v) {
                rc = key_from(&it->cursor, v, path, err);
                if (rc)
                    return rc;
            }
            v = get(f, "page");
            if (v && !cJSON_IsNull(v)) {
                const cJSON *count = get(v, "count");
                rc = only_members(v, path, page_members, err);
                if (rc == 0)
                    rc = key_from(&it->page_from, get(v, "after"), path, err);
                if (rc == 0)
                    rc = key_from(&it->page_to, get(v, "through"), path, err);
                if (rc)
                    return rc;
                if (!cJSON_IsNumber(count) || count->valuedouble < 0 ||
                    count->valuedouble > NS_PAGE_MAX)
                    return cm_fail(err, CM_EINVAL, "%s.page.count: expected 0 to %d", path,
                                   NS_PAGE_MAX);
                it->page_n = (int)count->valuedouble;
                it->has_page = 1;
            }
        }
    }
    return 0;
}

/* ---- settings ---- */

static int duration_of(const cJSON *v, int64_t *ms)
{
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e12) {
        *ms = (int64_t)v->valuedouble;
        return 0;
    }
    if (cJSON_IsString(v) && cm_duration_parse(v->valuestring, ms) == 0)
        return 0;
    return CM_EINVAL;
}

static int load_rate_limit(struct ns_rate_limit *lim, const cJSON *v, const char *path,
                           struct cm_err *err)
{
    static const char *const members[] = {"requests", "window", NULL};
    const cJSON *req;
    int rc;

    if (!cJSON_IsObject(v))
        return cm_fail(err, CM_EINVAL, "%s: expected {\"requests\": n, \"window\": \"5s\"}", path);
    rc = only_members(v, path, members, err);
    if (rc)
        return rc;
    req = get(v, "requests");
    if (req) {
        if (!cJSON_IsNumber(req) || req->valuedouble < 0 || req->valuedouble > NS_RATE_MAX_REQUESTS)
            return cm_fail(err, CM_EINVAL, "%s.requests: expected 0 (no limit) to %d", path,
                           NS_RATE_MAX_REQUESTS);
        lim->requests = (int)req->valuedouble;
    }
    if (get(v, "window") &&
        (duration_of(get(v, "window"), &lim->window_ms) != 0 || lim->window_ms <= 0))
        return cm_fail(err, CM_EINVAL, "%s.window: expected a positive duration (\"5s\")", path);
    return 0;
}

static int int_member(const cJSON *obj, const char *key, int lo, int hi, int *out,
                      struct cm_err *err)
{
    const cJSON *v = get(obj, key);

    if (v == NULL)
        return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi ||
        v->valuedouble != (double)(int)v->valuedouble)
        return cm_fail(err, CM_EINVAL, "settings.%s: expected an integer from %d to %d", key, lo,
                       hi);
    *out = (int)v->valuedouble;
    return 0;
}

static int load_settings(struct ns_settings *s, const cJSON *doc, struct cm_err *err)
{
    static const char *const members[] = {"api_update", "strict_hash_types", "list_max_bytes",
                                          "v1_rate",    "dataexport_rate",   "page_size",
                                          "wait_time",  "new_index",         NULL};
    const cJSON *v;
    int rc, max_bytes = (int)s->list_max_bytes;

    if (!cJSON_IsObject(doc))
        return cm_fail(err, CM_EINVAL, "settings: expected an object");
    rc = only_members(doc, "settings", members, err);
    if (rc)
        return rc;
    v = get(doc, "api_update");
    if (v && !(cJSON_IsString(v) &&
               (strcmp(v->valuestring, "apply") == 0 || strcmp(v->valuestring, "pending") == 0)))
        return cm_fail(err, CM_EINVAL, "settings.api_update: expected \"apply\" or \"pending\"");
    if (v)
        s->api_update_pending = strcmp(v->valuestring, "pending") == 0;
    v = get(doc, "strict_hash_types");
    if (v && !cJSON_IsBool(v))
        return cm_fail(err, CM_EINVAL, "settings.strict_hash_types: expected true or false");
    if (v)
        s->strict_hash_types = cJSON_IsTrue(v);
    v = get(doc, "new_index");
    if (v && !(cJSON_IsString(v) &&
               (strcmp(v->valuestring, "tail") == 0 || strcmp(v->valuestring, "head") == 0)))
        return cm_fail(err, CM_EINVAL, "settings.new_index: expected \"tail\" or \"head\"");
    if (v)
        s->new_index_head = strcmp(v->valuestring, "head") == 0;
    rc = int_member(doc, "list_max_bytes", 1, 64 * 1024 * 1024, &max_bytes, err);
    if (rc == 0)
        rc = int_member(doc, "page_size", 1, NS_PAGE_MAX, &s->page_size, err);
    if (rc == 0)
        rc = int_member(doc, "wait_time", 0, 3600, &s->wait_time, err);
    if (rc)
        return rc;
    s->list_max_bytes = (size_t)max_bytes;
    if (get(doc, "v1_rate")) {
        rc = load_rate_limit(&s->v1_rate, get(doc, "v1_rate"), "settings.v1_rate", err);
        if (rc)
            return rc;
    }
    if (get(doc, "dataexport_rate"))
        return load_rate_limit(&s->export_rate, get(doc, "dataexport_rate"),
                               "settings.dataexport_rate", err);
    return 0;
}

static cJSON *rate_limit_json(const struct ns_rate_limit *lim)
{
    cJSON *o = cJSON_CreateObject();
    char d[32];

    cJSON_AddNumberToObject(o, "requests", lim->requests);
    cm_duration_format(lim->window_ms, d, sizeof(d));
    cJSON_AddStringToObject(o, "window", d);
    return o;
}

static cJSON *settings_json(const struct ns_settings *s)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "api_update", s->api_update_pending ? "pending" : "apply");
    cJSON_AddBoolToObject(o, "strict_hash_types", s->strict_hash_types);
    cJSON_AddNumberToObject(o, "list_max_bytes", (double)s->list_max_bytes);
    cJSON_AddItemToObject(o, "v1_rate", rate_limit_json(&s->v1_rate));
    cJSON_AddItemToObject(o, "dataexport_rate", rate_limit_json(&s->export_rate));
    cJSON_AddNumberToObject(o, "page_size", s->page_size);
    cJSON_AddNumberToObject(o, "wait_time", s->wait_time);
    cJSON_AddStringToObject(o, "new_index", s->new_index_head ? "head" : "tail");
    return o;
}

/* ---- rate windows ---- */

static int load_window(struct ns_rate *r, const cJSON *v, const char *path, struct cm_err *err)
{
    const cJSON *it;

    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > NS_RATE_MAX_REQUESTS)
        return cm_fail(err, CM_EINVAL, "rate.%s: expected an array of times in milliseconds", path);
    cJSON_ArrayForEach(it, v)
    {
        if (!cJSON_IsNumber(it))
            return cm_fail(err, CM_EINVAL, "rate.%s: expected times in milliseconds", path);
        ns_rate_push(r, (int64_t)it->valuedouble);
    }
    return 0;
}

static cJSON *window_json(const struct ns_rate *r)
{
    cJSON *arr = cJSON_CreateArray();
    int i;

    for (i = 0; i < r->n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)r->t[i]));
    return arr;
}

/* ---- the whole tenant ---- */

static int string_member(char **dst, const cJSON *doc, const char *key, int nullable,
                         struct cm_err *err)
{
    const cJSON *v = get(doc, key);

    if (v == NULL)
        return 0;
    if (nullable && cJSON_IsNull(v)) {
        free(*dst);
        *dst = NULL;
        return 0;
    }
    if (!cJSON_IsString(v) || v->valuestring[0] == '\0' || strlen(v->valuestring) > TOKEN_MAX)
        return cm_fail(err, CM_EINVAL, "%s: expected a string of 1 to %d characters%s", key,
                       TOKEN_MAX, nullable ? " or null" : "");
    free(*dst);
    *dst = cm_strdup(v->valuestring);
    return 0;
}

static int load_alerts(struct ns_tenant *t, const cJSON *doc, struct cm_err *err)
{
    static const char *const members[] = {"malware", "malsite", "generate", NULL};
    static const char *const gen_members[] = {"malware", "malsite", NULL};
    const cJSON *gen;
    int i, rc;

    if (!cJSON_IsObject(doc))
        return cm_fail(err, CM_EINVAL,
                       "alerts: expected {\"malware\": [...], \"malsite\": [...], "
                       "\"generate\": {...}}");
    rc = only_members(doc, "alerts", members, err);
    if (rc)
        return rc;
    gen = get(doc, "generate");
    if (gen && !cJSON_IsObject(gen))
        return cm_fail(err, CM_EINVAL, "alerts.generate: expected {\"malware\": spec, ...}");
    if (gen && (rc = only_members(gen, "alerts.generate", gen_members, err)) != 0)
        return rc;
    for (i = 0; i < NS_NFEEDS; i++) {
        const char *name = ns_feed_name((enum ns_feed_type)i);
        ns_feed_release(&t->feeds[i]);
        rc = ns_feed_build(&t->feeds[i], (enum ns_feed_type)i, get(doc, name),
                           gen ? get(gen, name) : NULL, err);
        if (rc) {
            ns_feed_build(&t->feeds[i], (enum ns_feed_type)i, NULL, NULL, NULL);
            return rc;
        }
    }
    return 0;
}

static int load_all(struct ns_tenant *t, const cJSON *doc, struct cm_err *err)
{
    static const char *const members[] = {
        "tenant",        "v1_token", "v2_token",  "v2_scopes", "settings", "file_profiles",
        "app_instances", "alerts",   "iterators", "rate",      NULL};
    const cJSON *v, *it;
    int rc, i;

    if (!cJSON_IsObject(doc))
        return cm_fail(err, CM_EINVAL, "expected an object");
    rc = only_members(doc, "", members, err);
    if (rc == 0)
        rc = string_member(&t->host, doc, "tenant", 0, err);
    if (rc == 0)
        rc = string_member(&t->v1_token, doc, "v1_token", 1, err);
    if (rc == 0)
        rc = string_member(&t->v2_token, doc, "v2_token", 1, err);
    if (rc)
        return rc;
    v = get(doc, "v2_scopes");
    if (v && !cJSON_IsNull(v)) {
        if (!cJSON_IsArray(v))
            return cm_fail(err, CM_EINVAL,
                           "v2_scopes: expected an array of endpoint paths or "
                           "null (every endpoint)");
        cJSON_ArrayForEach(it, v)
        {
            if (!cJSON_IsString(it) || it->valuestring[0] != '/')
                return cm_fail(err, CM_EINVAL,
                               "v2_scopes: expected endpoint paths such as "
                               "\"/api/v2/events/dataexport/alerts/malware\"");
        }
        t->v2_scopes = cJSON_Duplicate(v, 1);
    }
    if ((v = get(doc, "settings")) != NULL && (rc = load_settings(&t->set, v, err)) != 0)
        return rc;
    v = get(doc, "file_profiles");
    if (v && !cJSON_IsObject(v))
        return cm_fail(err, CM_EINVAL, "file_profiles: expected an object keyed by profile name");
    cJSON_ArrayForEach(it, v)
    {
        rc = load_profile(t, it, err);
        if (rc)
            return rc;
    }
    v = get(doc, "app_instances");
    if (v) {
        if (!cJSON_IsArray(v))
            return cm_fail(err, CM_EINVAL, "app_instances: expected an array");
        cJSON_Delete(t->app_instances);
        t->app_instances = cJSON_Duplicate(v, 1);
    }
    if ((v = get(doc, "alerts")) != NULL && (rc = load_alerts(t, v, err)) != 0)
        return rc;
    if ((v = get(doc, "iterators")) != NULL && (rc = load_iterators(t, v, err)) != 0)
        return rc;
    v = get(doc, "rate");
    if (v) {
        static const char *const windows[] = {"v1", "malware", "malsite", NULL};
        if (!cJSON_IsObject(v))
            return cm_fail(err, CM_EINVAL, "rate: expected {\"v1\": [...], \"malware\": [...]}");
        rc = only_members(v, "rate", windows, err);
        if (rc == 0 && get(v, "v1"))
            rc = load_window(&t->v1_rate, get(v, "v1"), "v1", err);
        for (i = 0; rc == 0 && i < NS_NFEEDS; i++)
            if (get(v, ns_feed_name((enum ns_feed_type)i)))
                rc = load_window(&t->export_rate[i], get(v, ns_feed_name((enum ns_feed_type)i)),
                                 ns_feed_name((enum ns_feed_type)i), err);
    }
    return rc;
}

struct ns_tenant *ns_tenant_from_json(const cJSON *doc, struct cm_err *err)
{
    struct ns_tenant *t = ns_tenant_new();

    if (load_all(t, doc, err) != 0) {
        ns_tenant_free(t);
        return NULL;
    }
    return t;
}

cJSON *ns_tenant_json(const struct ns_tenant *t)
{
    cJSON *doc = cJSON_CreateObject(), *o, *alerts, *gen = NULL, *rate;
    size_t i;
    int f;

    cJSON_AddStringToObject(doc, "tenant", t->host);
    if (t->v1_token)
        cJSON_AddStringToObject(doc, "v1_token", t->v1_token);
    else
        cJSON_AddNullToObject(doc, "v1_token");
    if (t->v2_token)
        cJSON_AddStringToObject(doc, "v2_token", t->v2_token);
    else
        cJSON_AddNullToObject(doc, "v2_token");
    if (t->v2_scopes)
        cJSON_AddItemToObject(doc, "v2_scopes", cJSON_Duplicate(t->v2_scopes, 1));
    cJSON_AddItemToObject(doc, "settings", settings_json(&t->set));
    o = cJSON_AddObjectToObject(doc, "file_profiles");
    for (i = 0; i < t->nprofiles; i++)
        cJSON_AddItemToObject(o, t->profiles[i].name, ns_profile_json(&t->profiles[i]));
    cJSON_AddItemToObject(doc, "app_instances", cJSON_Duplicate(t->app_instances, 1));
    alerts = cJSON_AddObjectToObject(doc, "alerts");
    for (f = 0; f < NS_NFEEDS; f++) {
        cJSON_AddItemToObject(alerts, ns_feed_name((enum ns_feed_type)f),
                              cJSON_Duplicate(t->feeds[f].given, 1));
        if (t->feeds[f].gen) {
            if (gen == NULL)
                gen = cJSON_CreateObject();
            cJSON_AddItemToObject(gen, ns_feed_name((enum ns_feed_type)f),
                                  cJSON_Duplicate(t->feeds[f].gen, 1));
        }
    }
    if (gen)
        cJSON_AddItemToObject(alerts, "generate", gen);
    o = cJSON_AddObjectToObject(doc, "iterators");
    for (i = 0; i < t->niters; i++) {
        const struct ns_iter *it = &t->iters[i];
        cJSON *idx = cJSON_GetObjectItemCaseSensitive(o, it->index), *one;
        if (idx == NULL)
            idx = cJSON_AddObjectToObject(o, it->index);
        one = cJSON_AddObjectToObject(idx, ns_feed_name(it->type));
        cJSON_AddItemToObject(one, "cursor", key_json(&it->cursor));
        if (it->has_page) {
            cJSON *page = cJSON_AddObjectToObject(one, "page");
            cJSON_AddItemToObject(page, "after", key_json(&it->page_from));
            cJSON_AddItemToObject(page, "through", key_json(&it->page_to));
            cJSON_AddNumberToObject(page, "count", it->page_n);
        }
    }
    rate = cJSON_CreateObject();
    if (t->v1_rate.n)
        cJSON_AddItemToObject(rate, "v1", window_json(&t->v1_rate));
    for (f = 0; f < NS_NFEEDS; f++)
        if (t->export_rate[f].n)
            cJSON_AddItemToObject(rate, ns_feed_name((enum ns_feed_type)f),
                                  window_json(&t->export_rate[f]));
    if (rate->child)
        cJSON_AddItemToObject(doc, "rate", rate);
    else
        cJSON_Delete(rate);
    return doc;
}
