/*
 * cte_store.c: the IoC store (client/cte_store.h) as a cJSON tree saved
 * atomically, with Cloud Exchange's merge, aging and retraction rules.
 *
 * Look-ups are linear in the number of values (cJSON objects); a store
 * holds what one tenant's sharing moves, thousands of values, which is
 * well within that.
 */
#include "client/cte_store.h"

#include "client/cte_config.h"
#include "common/fsutil.h"
#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DAY_MS (24LL * 3600 * 1000)

static void lower_copy(const char *v, char *out, size_t size)
{
    size_t i;

    for (i = 0; v[i] && i + 1 < size; i++)
        out[i] = (char)tolower((unsigned char)v[i]);
    out[i] = '\0';
}

static void set_time(cJSON *o, const char *key, int64_t ms)
{
    char t[40];

    cm_time_format(ms, t, sizeof(t));
    cJSON_DeleteItemFromObjectCaseSensitive(o, key);
    cJSON_AddStringToObject(o, key, t);
}

/* A time member: 0 and *ms, or CM_ENOENT (absent or null). */
static int get_time(const cJSON *o, const char *key, int64_t *ms)
{
    const char *v = cm_json_str(o, key, NULL);

    return v && cm_time_parse(v, ms) == 0 ? 0 : CM_ENOENT;
}

static void set_bool(cJSON *o, const char *key, int v)
{
    cJSON_DeleteItemFromObjectCaseSensitive(o, key);
    cJSON_AddBoolToObject(o, key, v);
}

static cJSON *child(cJSON *o, const char *key)
{
    cJSON *c = cJSON_GetObjectItemCaseSensitive(o, key);

    if (!cJSON_IsObject(c)) {
        cJSON_DeleteItemFromObjectCaseSensitive(o, key);
        c = cJSON_AddObjectToObject(o, key);
    }
    return c;
}

/* Removes "<path>.tmp.<pid>" files (cm_write_file_atomic's) whose process is gone: a run
 * killed while replacing the store leaves its temporary file behind. */
static void remove_stale_temps(const char *path)
{
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    char *dir = slash ? cm_strndup(path, (size_t)(slash - path) + (slash == path)) : cm_strdup(".");
    char *prefix = cm_asprintf("%s.tmp.", base), *full;
    size_t plen = strlen(prefix);
    struct dirent *e;
    DIR *d = opendir(dir);

    while (d && (e = readdir(d)) != NULL) {
        char *end;
        long pid;

        if (strncmp(e->d_name, prefix, plen) != 0 || !isdigit((unsigned char)e->d_name[plen]))
            continue;
        errno = 0;
        pid = strtol(e->d_name + plen, &end, 10);
        if (*end || errno || pid <= 0 || pid == (long)getpid() ||
            !(kill((pid_t)pid, 0) != 0 && errno == ESRCH))
            continue;
        full = cm_asprintf("%s/%s", dir, e->d_name);
        unlink(full);
        free(full);
    }
    if (d)
        closedir(d);
    free(prefix);
    free(dir);
}

int rc_cte_store_load(struct rc_cte_store *s, const char *path, struct cm_err *err)
{
    memset(s, 0, sizeof(s[0]));
    s->path = cm_strdup(path);
    if (path)
        remove_stale_temps(path);
    if (path && access(path, F_OK) == 0) {
        s->root = cm_json_load_file(path, err);
        if (s->root == NULL)
            return CM_EPARSE;
        if (!cJSON_IsObject(s->root)) {
            cJSON_Delete(s->root);
            s->root = NULL;
            return cm_fail(err, CM_EPARSE, "the IoC store '%s' is not a JSON object", path);
        }
    } else {
        s->root = cJSON_CreateObject();
        cJSON_AddNumberToObject(s->root, "version", 1);
    }
    s->iocs = child(s->root, "iocs");
    s->plugin = child(s->root, "plugins");
    return 0;
}

int rc_cte_store_save(struct rc_cte_store *s, struct cm_err *err)
{
    char *text;
    int rc;

    if (s->path == NULL)
        return 0;
    text = cJSON_Print(s->root);
    rc = cm_write_file_atomic(s->path, text, strlen(text));
    free(text);
    if (rc)
        return cm_fail(err, CM_EIO, "cannot write the IoC store '%s': %s", s->path,
                       cm_strerror(rc));
    return 0;
}

void rc_cte_store_release(struct rc_cte_store *s)
{
    cJSON_Delete(s->root);
    free(s->path);
    memset(s, 0, sizeof(*s));
}

cJSON *rc_cte_store_get(const struct rc_cte_store *s, const char *value)
{
    char v[80];

    lower_copy(value, v, sizeof(v));
    return cJSON_GetObjectItemCaseSensitive(s->iocs, v);
}

cJSON *rc_cte_ioc_source(const cJSON *ioc, const char *source)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ioc, "sources"),
                                            source);
}

int rc_cte_has_mark(const cJSON *rec, const char *key, const char *name)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(rec, key))
    {
        if (cJSON_IsString(e) && strcmp(e->valuestring, name) == 0)
            return 1;
    }
    return 0;
}

void rc_cte_store_mark(struct rc_cte_store *s, const char *value, const char *source,
                       const char *key, const char *name)
{
    cJSON *rec = rc_cte_ioc_source(rc_cte_store_get(s, value), source), *arr;

    if (rec == NULL || rc_cte_has_mark(rec, key, name))
        return;
    arr = cJSON_GetObjectItemCaseSensitive(rec, key);
    if (!cJSON_IsArray(arr)) {
        cJSON_DeleteItemFromObjectCaseSensitive(rec, key);
        arr = cJSON_AddArrayToObject(rec, key);
    }
    cJSON_AddItemToArray(arr, cJSON_CreateString(name));
}

static void set_expiry(cJSON *ioc, int age_days, int64_t now)
{
    int64_t old;

    if (age_days <= 0) { /* never (ours): null wins, as in CE */
        cJSON_DeleteItemFromObjectCaseSensitive(ioc, "expires_at");
        cJSON_AddNullToObject(ioc, "expires_at");
        return;
    }
    if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(ioc, "expires_at")))
        return;
    if (get_time(ioc, "expires_at", &old) == 0 && old >= now + age_days * DAY_MS)
        return;
    set_time(ioc, "expires_at", now + age_days * DAY_MS);
}

static cJSON *new_source(cJSON *sources, const struct rc_cte_report *r)
{
    cJSON *rec = cJSON_AddObjectToObject(sources, r->source);

    set_time(rec, "first_seen", r->seen_ms);
    set_time(rec, "last_seen", r->seen_ms);
    cJSON_AddNumberToObject(rec, "hits", 1);
    cJSON_AddStringToObject(rec, "comments", r->comments ? r->comments : "");
    cJSON_AddBoolToObject(rec, "retracted", 0);
    cJSON_AddArrayToObject(rec, "shared");
    cJSON_AddArrayToObject(rec, "retraction_sent");
    return rec;
}

static void widen(cJSON *o, int64_t seen)
{
    int64_t t;

    if (get_time(o, "first_seen", &t) != 0 || seen < t)
        set_time(o, "first_seen", seen);
    if (get_time(o, "last_seen", &t) != 0 || seen > t)
        set_time(o, "last_seen", seen);
}

enum rc_cte_merge rc_cte_store_report(struct rc_cte_store *s, const struct rc_cte_report *r,
                                      int64_t now)
{
    int type = rc_cte_hash_type(r->value);
    cJSON *ioc, *sources, *rec;
    char v[80];

    if (!type)
        return RC_CTE_INVALID;
    lower_copy(r->value, v, sizeof(v));
    ioc = cJSON_GetObjectItemCaseSensitive(s->iocs, v);
    if (ioc == NULL) {
        ioc = cJSON_AddObjectToObject(s->iocs, v);
        cJSON_AddStringToObject(ioc, "type", rc_cte_type_name(type));
        set_time(ioc, "first_seen", r->seen_ms);
        set_time(ioc, "last_seen", r->seen_ms);
        set_expiry(ioc, r->age_days, now);
        cJSON_AddBoolToObject(ioc, "active", 1);
        new_source(cJSON_AddObjectToObject(ioc, "sources"), r);
        return RC_CTE_NEW;
    }
    widen(ioc, r->seen_ms);
    set_expiry(ioc, r->age_days, now);
    set_bool(ioc, "active", 1);
    sources = child(ioc, "sources");
    rec = cJSON_GetObjectItemCaseSensitive(sources, r->source);
    if (rec == NULL) {
        new_source(sources, r);
        return RC_CTE_NEW_SOURCE;
    }
    widen(rec, r->seen_ms);
    cJSON_ReplaceItemInObjectCaseSensitive(rec, "hits",
                                           cJSON_CreateNumber(cm_json_num(rec, "hits", 0) + 1));
    if (r->comments && *r->comments) {
        cJSON_DeleteItemFromObjectCaseSensitive(rec, "comments");
        cJSON_AddStringToObject(rec, "comments", r->comments);
    }
    set_bool(rec, "retracted", 0);
    cJSON_DeleteItemFromObjectCaseSensitive(rec, "shared");
    cJSON_AddArrayToObject(rec, "shared");
    cJSON_DeleteItemFromObjectCaseSensitive(rec, "retraction_sent");
    cJSON_AddArrayToObject(rec, "retraction_sent");
    return RC_CTE_AGAIN;
}

int rc_cte_store_age(struct rc_cte_store *s, int64_t now)
{
    cJSON *ioc;
    int64_t exp;
    int n = 0;

    cJSON_ArrayForEach(ioc, s->iocs)
    {
        if (!cm_json_bool(ioc, "active", 0) || get_time(ioc, "expires_at", &exp) != 0 || exp > now)
            continue;
        set_bool(ioc, "active", 0);
        n++;
    }
    return n;
}

int rc_cte_store_retract(struct rc_cte_store *s, const char *source, const char *value)
{
    cJSON *rec = rc_cte_ioc_source(rc_cte_store_get(s, value), source);

    if (rec == NULL)
        return CM_ENOENT;
    if (cm_json_bool(rec, "retracted", 0))
        return 0;
    set_bool(rec, "retracted", 1);
    cJSON_DeleteItemFromObjectCaseSensitive(rec, "retraction_sent");
    cJSON_AddArrayToObject(rec, "retraction_sent");
    return 0;
}

cJSON *rc_cte_store_plugin(struct rc_cte_store *s, const char *name)
{
    return child(s->plugin, name);
}

void rc_cte_store_counts(const struct rc_cte_store *s, int *total, int *active, int *retracted)
{
    const cJSON *ioc, *rec;

    *total = *active = *retracted = 0;
    cJSON_ArrayForEach(ioc, s->iocs)
    {
        (*total)++;
        if (cm_json_bool(ioc, "active", 0))
            (*active)++;
        cJSON_ArrayForEach(rec, cJSON_GetObjectItemCaseSensitive(ioc, "sources"))
        {
            if (cm_json_bool(rec, "retracted", 0)) {
                (*retracted)++;
                break;
            }
        }
    }
}
