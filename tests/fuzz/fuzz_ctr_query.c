/*
 * fuzz_ctr_query.c: the Threat Response observable syntax, on both sides:
 * the reference client's parser of what a user types in Investigate
 * (client/ctr_query.c) and the mock's inspect, which finds observables in
 * free text (mock/ctr/ctr_inspect.c). The client's answer must be a clear
 * refusal or observables of known types with values; inspect must give an
 * array of {type, value} strings.
 */
#include "tests/fuzz/fuzz.h"

#include "client/ctr_query.h"
#include "common/buf.h"
#include "mock/ctr/ctr.h"

#include <stdlib.h>
#include <string.h>

static void check_observables(const cJSON *arr, const char *who)
{
    const cJSON *o;

    if (!cJSON_IsArray(arr))
        fuzz_fail("%s: not an array", who);
    cJSON_ArrayForEach(o, arr)
    {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "type");
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "value");
        if (!cJSON_IsString(t) || !cJSON_IsString(v) || v->valuestring[0] == '\0')
            fuzz_fail("%s: an observable without a type or a value", who);
    }
}

FUZZ_TARGET(ctr_query)
{
    struct rc_ctr_query q;
    struct cm_buf msg;
    char *text = fuzz_cstr(data, size);
    cJSON *arr;
    size_t i;

    cm_buf_init(&msg, 0);
    memset(&q, 0, sizeof(q));
    if (rc_ctr_query_parse(text, &q, &msg) == 0) {
        if (q.n == 0 && q.text == NULL)
            fuzz_fail("an accepted query with nothing in it");
        for (i = 0; i < q.n; i++)
            if (!rc_ctr_type_known(q.obs[i].type) || q.obs[i].value[0] == '\0')
                fuzz_fail("an observable of unknown type '%s' or empty value", q.obs[i].type);
        arr = rc_ctr_query_json(&q);
        check_observables(arr, "client");
        cJSON_Delete(arr);
    } else if (msg.len == 0) {
        fuzz_fail("a refused query without a message");
    }
    rc_ctr_query_release(&q);
    cm_buf_release(&msg);
    free(text);

    arr = ctr_inspect_text((const char *)data, size);
    check_observables(arr, "inspect");
    cJSON_Delete(arr);
    return 0;
}
