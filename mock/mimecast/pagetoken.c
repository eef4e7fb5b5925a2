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

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAC_LEN 16

static EVP_MD *sha256;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
    sha256 = EVP_MD_fetch(NULL, "SHA256", NULL); /* kept for the process's life */
    if (sha256 == NULL)
        abort();
}

/* HMAC-SHA256 (RFC 2104) by its definition over one digest fetched once: HMAC() fetches
 * its algorithms again on every call, which made it most of a page token's cost. */
static void mac_of(const struct mm_state *st, const char *text, size_t len,
                   unsigned char out[MAC_LEN])
{
    unsigned char ipad[64], opad[64], inner[EVP_MAX_MD_SIZE], full[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    size_t i;

    pthread_once(&sha256_once, fetch_sha256);
    for (i = 0; i < sizeof(ipad); i++) { /* the key (32 bytes) is shorter than a block */
        unsigned char k = i < sizeof(st->token_key) ? st->token_key[i] : 0;
        ipad[i] = k ^ 0x36;
        opad[i] = k ^ 0x5c;
    }
    if (c == NULL || !EVP_DigestInit_ex(c, sha256, NULL) ||
        !EVP_DigestUpdate(c, ipad, sizeof(ipad)) || !EVP_DigestUpdate(c, text, len) ||
        !EVP_DigestFinal_ex(c, inner, &n) || !EVP_DigestInit_ex(c, sha256, NULL) ||
        !EVP_DigestUpdate(c, opad, sizeof(opad)) || !EVP_DigestUpdate(c, inner, n) ||
        !EVP_DigestFinal_ex(c, full, &n))
        abort();
    EVP_MD_CTX_free(c);
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
    if (CRYPTO_memcmp(mac, want, MAC_LEN) != 0)
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
