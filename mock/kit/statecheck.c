/*
 * statecheck.c: checking the members of a service's state document.
 */
#include "mock/kit/statecheck.h"

#include "common/timeutil.h"

#include <string.h>

int mk_sc_keys(const cJSON *obj, const char *where, const char *const *keys, struct cm_err *err)
{
    const cJSON *it;
    size_t i;

    if (!cJSON_IsObject(obj))
        return cm_fail(err, CM_EINVAL, "%s: expected an object", where);
    cJSON_ArrayForEach(it, obj)
    {
        for (i = 0; keys[i] && strcmp(keys[i], it->string) != 0; i++)
            ;
        if (keys[i] == NULL)
            return cm_fail(err, CM_EINVAL, "%s.%s: unknown member", where, it->string);
    }
    return 0;
}

int mk_sc_str(const cJSON *in, const char *key, const char *where, size_t max, int empty_ok,
              const char *dflt, cJSON *out, struct cm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(in, key);

    if (it == NULL) {
        if (dflt == NULL)
            return cm_fail(err, CM_EINVAL, "%s.%s: required", where, key);
        cJSON_AddStringToObject(out, key, dflt);
        return 0;
    }
    if (!cJSON_IsString(it) || strlen(it->valuestring) > max ||
        (!empty_ok && it->valuestring[0] == '\0'))
        return cm_fail(err, CM_EINVAL, "%s.%s: expected a%s string of at most %zu characters",
                       where, key, empty_ok ? "" : " non-empty", max);
    cJSON_AddStringToObject(out, key, it->valuestring);
    return 0;
}

int mk_sc_bool(const cJSON *in, const char *key, const char *where, int dflt, cJSON *out,
               struct cm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(in, key);

    if (it && !cJSON_IsBool(it))
        return cm_fail(err, CM_EINVAL, "%s.%s: expected true or false", where, key);
    cJSON_AddBoolToObject(out, key, it ? cJSON_IsTrue(it) : dflt);
    return 0;
}

int mk_sc_int(const cJSON *in, const char *key, const char *where, double lo, double hi,
              double dflt, cJSON *out, struct cm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(in, key);

    if (it == NULL && isnan(dflt))
        return cm_fail(err, CM_EINVAL, "%s.%s: required", where, key);
    if (it && (!cJSON_IsNumber(it) || it->valuedouble != (double)(int64_t)it->valuedouble ||
               it->valuedouble < lo || it->valuedouble > hi))
        return cm_fail(err, CM_EINVAL, "%s.%s: expected an integer from %.0f to %.0f", where, key,
                       lo, hi);
    cJSON_AddNumberToObject(out, key, it ? it->valuedouble : dflt);
    return 0;
}

int mk_sc_time(const cJSON *in, const char *key, const char *where, int64_t *ms, int *present,
               struct cm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(in, key);

    *present = it != NULL;
    if (it == NULL)
        return 0;
    if (cJSON_IsNumber(it) && fabs(it->valuedouble) < 9.2e15) {
        *ms = (int64_t)it->valuedouble;
        return 0;
    }
    if (cJSON_IsString(it) && cm_time_parse(it->valuestring, ms) == 0)
        return 0;
    return cm_fail(err, CM_EINVAL,
                   "%s.%s: expected an RFC 3339 time such as \"2026-03-02T09:00:00Z\"", where, key);
}
