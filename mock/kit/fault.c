/*
 * fault.c: arming, matching and listing faults. The list is short (a
 * scenario arms a handful), so matching walks it under the lock.
 */
#include "mock/kit/fault.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"
#include "mock/kit/http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const kind_names[] = {"none",  "status",   "delay",
                                         "reset", "truncate", "malformed"};

void mk_faults_init(struct mk_faults *f)
{
    pthread_mutex_init(&f->lock, NULL);
    f->head = NULL;
    f->next_id = 1;
    atomic_init(&f->cleared, 0);
}

static void fault_free(struct mk_fault *x)
{
    free(x->body);
    free(x->content_type);
    free(x->headers);
    free(x);
}

void mk_faults_release(struct mk_faults *f)
{
    mk_faults_clear(f, 0);
    pthread_mutex_destroy(&f->lock);
}

static int parse_kind(const char *s, enum mk_fault_kind *kind)
{
    size_t i;

    for (i = 1; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
        if (strcmp(s, kind_names[i]) == 0) {
            *kind = (enum mk_fault_kind)i;
            return 0;
        }
    }
    return CM_EINVAL;
}

static int copy_field(const cJSON *spec, const char *key, char *dst, size_t size,
                      struct cm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(spec, key);

    dst[0] = '\0';
    if (it == NULL)
        return 0;
    if (!cJSON_IsString(it))
        return cm_fail(err, CM_EINVAL, "fault.%s: expected a string", key);
    if (strlen(it->valuestring) >= size)
        return cm_fail(err, CM_EINVAL, "fault.%s: longer than %zu characters", key, size - 1);
    cm_strlcpy(dst, it->valuestring, size);
    return 0;
}

int mk_faults_arm(struct mk_faults *f, const cJSON *spec, struct cm_err *err)
{
    static const char *const known[] = {"service",      "method",  "path",  "kind",        "status",
                                        "body",         "delay",   "count", "probability", "seed",
                                        "content_type", "headers", "after", NULL};
    struct mk_fault *x, **tail;
    const cJSON *it;
    int rc, id;
    size_t k;

    if (!cJSON_IsObject(spec))
        return cm_fail(err, CM_EINVAL, "fault: expected a JSON object");
    cJSON_ArrayForEach(it, spec)
    {
        for (k = 0; known[k] && strcmp(known[k], it->string) != 0; k++)
            ;
        if (known[k] == NULL)
            return cm_fail(err, CM_EINVAL, "fault.%s: unknown member", it->string);
    }
    x = cm_calloc(1, sizeof(*x));
    x->remaining = -1;
    x->probability = 1.0;
    x->seed = 1;
    if ((rc = copy_field(spec, "service", x->service, sizeof(x->service), err)) ||
        (rc = copy_field(spec, "method", x->method, sizeof(x->method), err)) ||
        (rc = copy_field(spec, "path", x->path, sizeof(x->path), err)))
        goto fail;
    if (x->service[0] == '\0') {
        rc = cm_fail(err, CM_EINVAL, "fault.service: required");
        goto fail;
    }
    it = cJSON_GetObjectItemCaseSensitive(spec, "kind");
    if (!cJSON_IsString(it) || parse_kind(it->valuestring, &x->kind)) {
        rc = cm_fail(err, CM_EINVAL,
                     "fault.kind: expected one of status, delay, reset, truncate, malformed");
        goto fail;
    }
    it = cJSON_GetObjectItemCaseSensitive(spec, "status");
    if (it && (!cJSON_IsNumber(it) || it->valueint < 100 || it->valueint > 599)) {
        rc = cm_fail(err, CM_EINVAL, "fault.status: expected an HTTP status from 100 to 599");
        goto fail;
    }
    x->status = it ? it->valueint : 0;
    if (x->kind == MK_FAULT_STATUS && x->status == 0) {
        rc = cm_fail(err, CM_EINVAL, "fault.status: required for kind status");
        goto fail;
    }
    it = cJSON_GetObjectItemCaseSensitive(spec, "body");
    if (cJSON_IsString(it)) {
        x->body = cm_strdup(it->valuestring);
    } else if (it) {
        x->body = cm_json_print(it);
        x->content_type = cm_strdup("application/json");
    }
    it = cJSON_GetObjectItemCaseSensitive(spec, "content_type");
    if (cJSON_IsString(it)) {
        free(x->content_type);
        x->content_type = cm_strdup(it->valuestring);
    }
    it = cJSON_GetObjectItemCaseSensitive(spec, "headers");
    if (it) {
        const cJSON *h;
        struct cm_buf hb;
        if (!cJSON_IsObject(it)) {
            rc = cm_fail(err, CM_EINVAL, "fault.headers: expected an object of strings");
            goto fail;
        }
        cm_buf_init(&hb, 64 * 1024);
        cJSON_ArrayForEach(h, it)
        {
            if (!cJSON_IsString(h) || strpbrk(h->string, ":\r\n") ||
                strpbrk(h->valuestring, "\r\n")) {
                cm_buf_release(&hb);
                rc = cm_fail(err, CM_EINVAL, "fault.headers.%s: expected a one-line string",
                             h->string);
                goto fail;
            }
            cm_buf_printf(&hb, "%s: %s\n", h->string, h->valuestring);
        }
        x->headers = cm_buf_steal(&hb, NULL);
    }
    it = cJSON_GetObjectItemCaseSensitive(spec, "delay");
    if (it) {
        if (cJSON_IsNumber(it) && it->valuedouble >= 0) {
            x->delay_ms = (int64_t)it->valuedouble;
        } else if (!cJSON_IsString(it) || cm_duration_parse(it->valuestring, &x->delay_ms)) {
            rc = cm_fail(err, CM_EINVAL, "fault.delay: expected a duration such as \"500ms\"");
            goto fail;
        }
        if (x->delay_ms > 600000) {
            rc = cm_fail(err, CM_EINVAL, "fault.delay: at most 10m of real time");
            goto fail;
        }
    }
    it = cJSON_GetObjectItemCaseSensitive(spec, "count");
    if (it) {
        if (!cJSON_IsNumber(it) || it->valuedouble < 1) {
            rc = cm_fail(err, CM_EINVAL, "fault.count: expected a positive integer");
            goto fail;
        }
        x->remaining = (int64_t)it->valuedouble;
    }
    it = cJSON_GetObjectItemCaseSensitive(spec, "after");
    if (it) {
        if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 1e9) {
            rc = cm_fail(err, CM_EINVAL, "fault.after: expected a non-negative integer");
            goto fail;
        }
        x->after = (int64_t)it->valuedouble;
    }
    it = cJSON_GetObjectItemCaseSensitive(spec, "probability");
    if (it) {
        if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 1) {
            rc = cm_fail(err, CM_EINVAL, "fault.probability: expected a number from 0 to 1");
            goto fail;
        }
        x->probability = it->valuedouble;
    }
    it = cJSON_GetObjectItemCaseSensitive(spec, "seed");
    if (it) {
        if (!cJSON_IsNumber(it) || it->valuedouble < 0) {
            rc = cm_fail(err, CM_EINVAL, "fault.seed: expected a non-negative integer");
            goto fail;
        }
        x->seed = (uint64_t)it->valuedouble;
    }
    cm_rng_seed(&x->rng, x->seed);

    pthread_mutex_lock(&f->lock);
    id = x->id = f->next_id++;
    for (tail = &f->head; *tail; tail = &(*tail)->next)
        ;
    *tail = x;
    pthread_mutex_unlock(&f->lock);
    return id;
fail:
    fault_free(x);
    return rc;
}

int mk_faults_match(struct mk_faults *f, const char *service, const char *method, const char *path,
                    struct mk_fault_hit *hit)
{
    struct mk_fault *x, **pp;
    int fired = 0;

    memset(hit, 0, sizeof(*hit));
    pthread_mutex_lock(&f->lock);
    for (pp = &f->head; (x = *pp) != NULL; pp = &x->next) {
        if (strcmp(x->service, service) != 0)
            continue;
        if (x->method[0] && strcasecmp(x->method, method) != 0)
            continue;
        if (x->path[0] && !mk_path_match(x->path, path))
            continue;
        if (x->after > 0) {
            x->after--;
            continue;
        }
        if (x->probability < 1.0 && cm_rng_unit(&x->rng) >= x->probability)
            continue;
        hit->kind = x->kind;
        hit->id = x->id;
        hit->status = x->status;
        hit->delay_ms = x->delay_ms;
        hit->body = cm_strdup(x->body);
        hit->content_type = cm_strdup(x->content_type);
        hit->headers = cm_strdup(x->headers);
        hit->cleared = atomic_load(&f->cleared); /* under the lock that a clear takes */
        x->fired++;
        if (x->remaining > 0 && --x->remaining == 0) {
            *pp = x->next;
            fault_free(x);
        }
        fired = 1;
        break;
    }
    pthread_mutex_unlock(&f->lock);
    return fired;
}

int mk_faults_reset_armed(struct mk_faults *f, const char *service)
{
    const struct mk_fault *x;
    int armed = 0;

    pthread_mutex_lock(&f->lock);
    for (x = f->head; x && !armed; x = x->next)
        armed = x->kind == MK_FAULT_RESET && strcmp(x->service, service) == 0;
    pthread_mutex_unlock(&f->lock);
    return armed;
}

void mk_fault_hit_release(struct mk_fault_hit *hit)
{
    free(hit->body);
    free(hit->content_type);
    free(hit->headers);
    hit->body = hit->content_type = hit->headers = NULL;
}

cJSON *mk_faults_list(struct mk_faults *f)
{
    cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "faults");
    struct mk_fault *x;

    pthread_mutex_lock(&f->lock);
    for (x = f->head; x; x = x->next) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", x->id);
        cJSON_AddStringToObject(o, "service", x->service);
        if (x->method[0])
            cJSON_AddStringToObject(o, "method", x->method);
        if (x->path[0])
            cJSON_AddStringToObject(o, "path", x->path);
        cJSON_AddStringToObject(o, "kind", kind_names[x->kind]);
        if (x->status)
            cJSON_AddNumberToObject(o, "status", x->status);
        if (x->body)
            cJSON_AddStringToObject(o, "body", x->body);
        if (x->headers)
            cJSON_AddStringToObject(o, "headers", x->headers);
        if (x->delay_ms)
            cJSON_AddNumberToObject(o, "delay_ms", (double)x->delay_ms);
        if (x->remaining >= 0)
            cJSON_AddNumberToObject(o, "count", (double)x->remaining);
        if (x->after > 0)
            cJSON_AddNumberToObject(o, "after", (double)x->after);
        cJSON_AddNumberToObject(o, "probability", x->probability);
        cJSON_AddNumberToObject(o, "seed", (double)x->seed);
        cJSON_AddNumberToObject(o, "fired", (double)x->fired);
        cJSON_AddItemToArray(arr, o);
    }
    pthread_mutex_unlock(&f->lock);
    return doc;
}

int mk_faults_clear(struct mk_faults *f, int id)
{
    struct mk_fault *x, **pp;
    int rc = id ? CM_ENOENT : 0;

    pthread_mutex_lock(&f->lock);
    atomic_fetch_add(&f->cleared, 1);
    for (pp = &f->head; (x = *pp) != NULL;) {
        if (id == 0 || x->id == id) {
            *pp = x->next;
            fault_free(x);
            rc = 0;
        } else {
            pp = &x->next;
        }
    }
    pthread_mutex_unlock(&f->lock);
    return rc;
}
