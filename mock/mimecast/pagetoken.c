/*
 * pagetoken.c: self-contained page tokens. A client may send the token alone
 * on the next call (Elastic's v1 input drops `data` after the first page), so
 * the token carries the whole query: which list, which account, the filters,
 * the fixed time window and the position. It is base64url(JSON) "."
 * base64url(first 16 bytes of HMAC-SHA256(payload)) under a key drawn at
 * process start, so a tampered, truncated or foreign token is refused rather
 * than misread. Tokens live as long as the process (the vendor's lifetime is
 * unconfirmed; docs/mimecast.md).
 */
#include "mock/mimecast/mm.h"

#include "common/json.h"
#include "common/mem.h"

#include <stdlib.h>
#include <string.h>

#define MAC_LEN 16

/* The first MAC_LEN bytes of HMAC-SHA256(text) under the process's token key. */
static void mac_of(const struct mm_state *st, const char *text, size_t len,
                   unsigned char out[MAC_LEN])
{
    unsigned char full[MM_HMAC_MAX];

    mm_hmac(MM_SHA256, st->token_key, sizeof(st->token_key), &text, &len, 1, full);
    memcpy(out, full, MAC_LEN);
}

char *mm_token_seal(const struct mm_state *st, const cJSON *payload)
{
    char *json = cm_json_print(payload), *out;
    size_t len = strlen(json), size = len * 4 / 3 + 64;
    unsigned char mac[MAC_LEN];
    int n;

    out = cm_malloc(size);
    n = mm_b64url_encode((const unsigned char *)json, len, out, size);
    mac_of(st, json, len, mac);
    out[n++] = '.';
    mm_b64url_encode(mac, sizeof(mac), out + n, size - (size_t)n);
    free(json);
    return out;
}

cJSON *mm_token_open(const struct mm_state *st, const char *token)
{
    unsigned char mac[MAC_LEN], want[MAC_LEN];
    char *body = NULL, *dot;
    unsigned char *json;
    size_t len;
    cJSON *doc = NULL;
    int n;

    if (token == NULL || (len = strlen(token)) > MM_TOKEN_MAX)
        return NULL;
    body = cm_strdup(token);
    json = cm_malloc(len + 1);
    dot = strchr(body, '.');
    if (dot == NULL)
        goto out;
    *dot = '\0';
    if (mm_b64url_decode(dot + 1, mac, sizeof(mac)) != MAC_LEN)
        goto out;
    n = mm_b64url_decode(body, json, len);
    if (n <= 0)
        goto out;
    mac_of(st, (const char *)json, (size_t)n, want);
    if (!mm_mem_eq_ct(mac, want, MAC_LEN))
        goto out;
    doc = cm_json_parse((const char *)json, (size_t)n, "token", NULL);
    if (doc && !cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        doc = NULL;
    }
out:
    free(json);
    free(body);
    return doc;
}

int64_t mm_token_int(const cJSON *payload, const char *key, int64_t lo, int64_t hi, int64_t dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(payload, key);

    if (!cJSON_IsNumber(v) || v->valuedouble != v->valuedouble)
        return dflt;
    if (v->valuedouble <= (double)lo)
        return lo;
    if (v->valuedouble >= (double)hi)
        return hi;
    return (int64_t)v->valuedouble;
}
