/*
 * ratelimit.c: request quotas on the virtual clock (vendor notes 4.4).
 *
 * Mimecast limits each user across all of its keys: a quota that is refilled
 * one request at a time. The mock keeps one bucket per user (API 1.0) or per
 * application (API 2.0, which has no user) in the holder's "rate" member
 * {"remaining": n, "at": time}: settings.rate_limit.limit requests at most,
 * one added back every interval / limit. X-RateLimit-Reset is the time in
 * milliseconds until the next request is added back. The bucket lives in the
 * state document, so a dump shows it and a patch keeps it.
 */
#include "mock/mimecast/mm.h"

#include "common/json.h"

#include <stdio.h>

int mm_rate_take(const struct mm_settings *set, cJSON *holder, int64_t now_ms,
                 struct mm_rate_info *info)
{
    int64_t limit = set->rate_limit, step, remaining, at, add;
    cJSON *rate;
    int admitted;

    info->limit = 0;
    info->remaining = 0;
    info->reset_ms = 0;
    if (limit <= 0)
        return 1;
    step = set->rate_interval_ms / limit;
    if (step < 1)
        step = 1;
    rate = cJSON_GetObjectItemCaseSensitive(holder, "rate");
    if (!cJSON_IsObject(rate)) {
        cJSON_DeleteItemFromObjectCaseSensitive(holder, "rate");
        rate = cJSON_AddObjectToObject(holder, "rate");
        remaining = limit;
        at = now_ms;
    } else {
        remaining = (int64_t)cm_json_num(rate, "remaining", (double)limit);
        at = mm_doc_time(rate, "at", now_ms);
    }
    if (at > now_ms) /* the clock was set back */
        at = now_ms;
    add = (now_ms - at) / step;
    if (add > 0) {
        remaining += add;
        at += add * step;
    }
    if (remaining >= limit) {
        remaining = limit;
        at = now_ms;
    }
    admitted = remaining > 0;
    if (admitted)
        remaining--;
    cJSON_DeleteItemFromObjectCaseSensitive(rate, "remaining");
    cJSON_AddNumberToObject(rate, "remaining", (double)remaining);
    mm_doc_set_time(rate, "at", at);
    info->limit = (int)limit;
    info->remaining = (int)remaining;
    info->reset_ms = remaining >= limit ? 0 : step - (now_ms - at);
    return admitted;
}

void mm_rate_headers(struct mk_response *resp, const struct mm_rate_info *info)
{
    char v[3][32];

    snprintf(v[0], sizeof(v[0]), "%d", info->limit);
    snprintf(v[1], sizeof(v[1]), "%d", info->remaining);
    snprintf(v[2], sizeof(v[2]), "%lld", (long long)info->reset_ms);
    mk_resp_header(resp, "X-RateLimit-Limit", v[0]);
    mk_resp_header(resp, "X-RateLimit-Remaining", v[1]);
    mk_resp_header(resp, "X-RateLimit-Reset", v[2]);
    mk_resp_header(resp, "X-Rate-Limit-Limit", v[0]);
    mk_resp_header(resp, "X-Rate-Limit-Remaining", v[1]);
    mk_resp_header(resp, "X-Rate-Limit-Reset", v[2]);
}
