/*
 * sse_util.c: small helpers the Cisco mocks share: random hex strings and
 * UUIDs from the kernel's generator (mk_random_bytes: tokens and credentials
 * are secrets, so they do not come from the seeded cm_rng), address literals, and state times
 * as RFC 3339 strings.
 */
#include "mock/sse/sse.h"

#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sse_rand_hex(char *out, size_t size, size_t nbytes)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char buf[64];
    size_t i;

    if (nbytes > sizeof(buf))
        nbytes = sizeof(buf);
    if (size < 2 * nbytes + 1) {
        if (size)
            out[0] = '\0';
        return;
    }
    mk_random_bytes(buf, nbytes);
    for (i = 0; i < nbytes; i++) {
        out[2 * i] = hex[buf[i] >> 4];
        out[2 * i + 1] = hex[buf[i] & 15];
    }
    out[2 * nbytes] = '\0';
}

void sse_uuid(char *out, size_t size)
{
    unsigned char b[16];

    mk_random_bytes(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

int sse_is_lower_hex(const char *s, size_t n)
{
    size_t i;

    if (s == NULL || strlen(s) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

int sse_ip_version(const char *s)
{
    unsigned char buf[16];

    if (s == NULL || strlen(s) > 45)
        return 0;
    if (inet_pton(AF_INET, s, buf) == 1)
        return 4;
    if (inet_pton(AF_INET6, s, buf) == 1)
        return 6;
    return 0;
}

void sse_time(int64_t ms, char *out, size_t size)
{
    cm_time_format(ms, out, size);
}

int sse_time_get(const cJSON *obj, const char *key, int64_t *ms)
{
    const char *s = cm_json_str(obj, key, NULL);

    return s ? cm_time_parse(s, ms) : CM_EPARSE;
}

void sse_set(cJSON *obj, const char *key, cJSON *item)
{
    cJSON *old = cJSON_GetObjectItemCaseSensitive(obj, key);

    /* in place, so a dump keeps its member order; the replacement needs the key itself */
    free(item->string);
    item->string = cm_strdup(key);
    if (old == NULL || !cJSON_ReplaceItemViaPointer(obj, old, item)) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
        cJSON_AddItemToObject(obj, key, item);
    }
}
