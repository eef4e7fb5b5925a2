/*
 * hashes.c: File Profile hash values and lists.
 *
 * A value is an MD5 (32 hex digits) or a SHA256 (64 hex digits), in either
 * case; it is stored lower-cased, so "ABC..." and "abc..." are one value. A
 * list arrives as text separated by commas (the API) or line breaks (the UI),
 * is checked value by value, and keeps the first occurrence of each value in
 * the order given. Duplicates are found by sorting indexes, not by pairwise
 * comparison, so an 8 MB list (about 250,000 values) parses in milliseconds.
 */
#include "mock/netskope/ns.h"

#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ns_hashes_init(struct ns_hashes *l)
{
    memset(l, 0, sizeof(*l));
}

void ns_hashes_release(struct ns_hashes *l)
{
    free(l->h);
    memset(l, 0, sizeof(*l));
}

void ns_hashes_copy(struct ns_hashes *dst, const struct ns_hashes *src)
{
    ns_hashes_init(dst);
    if (src->n == 0)
        return;
    dst->h = cm_malloc(src->n * sizeof(*dst->h));
    memcpy(dst->h, src->h, src->n * sizeof(*dst->h));
    dst->n = dst->cap = src->n;
}

static int hexdigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int ns_hash_kind(const char *s, size_t len)
{
    size_t i;

    if (len != 32 && len != 64)
        return 0;
    for (i = 0; i < len; i++)
        if (!hexdigit(s[i]))
            return 0;
    return len == 32 ? NS_MD5 : NS_SHA256;
}

static void push(struct ns_hashes *l, const char *s, size_t len)
{
    size_t i;

    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->h = cm_realloc(l->h, l->cap * sizeof(*l->h));
    }
    memset(&l->h[l->n], 0, sizeof(l->h[l->n])); /* whole entries compare with memcmp */
    for (i = 0; i < len; i++)
        l->h[l->n].v[i] = (char)(s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 'a' : s[i]);
    l->h[l->n].v[len] = '\0';
    l->n++;
}

static void note_bad(struct ns_bad *bad, const char *s, size_t len)
{
    if (bad->count < 3) {
        size_t keep = len < 70 ? len : 70;
        memcpy(bad->first[bad->count], s, keep);
        bad->first[bad->count][keep] = '\0';
    }
    bad->count++;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Adds the values of text, checked; duplicates are removed later by dedupe(). */
static void scan(struct ns_hashes *out, const char *text, size_t len, struct ns_bad *bad)
{
    size_t i = 0;

    while (i < len) {
        size_t start, end;
        while (i < len && (is_blank(text[i]) || text[i] == ',' || text[i] == '\n'))
            i++;
        start = i;
        while (i < len && text[i] != ',' && text[i] != '\n')
            i++;
        end = i;
        while (end > start && is_blank(text[end - 1]))
            end--;
        if (end == start)
            continue;
        if (ns_hash_kind(text + start, end - start))
            push(out, text + start, end - start);
        else
            note_bad(bad, text + start, end - start);
    }
}

static int cmp_index(const void *a, const void *b, void *arg)
{
    const struct ns_hashes *l = arg;
    size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
    int c = strcmp(l->h[ia].v, l->h[ib].v);

    if (c)
        return c;
    return ia < ib ? -1 : ia > ib;
}

/* Drops repeated values, keeping each first occurrence where it was. */
static void dedupe(struct ns_hashes *l)
{
    size_t *idx, i, o;
    unsigned char *drop;

    if (l->n < 2)
        return;
    idx = cm_malloc(l->n * sizeof(*idx));
    drop = cm_calloc(l->n, 1);
    for (i = 0; i < l->n; i++)
        idx[i] = i;
    qsort_r(idx, l->n, sizeof(*idx), cmp_index, l);
    for (i = 1; i < l->n; i++)
        if (strcmp(l->h[idx[i]].v, l->h[idx[i - 1]].v) == 0)
            drop[idx[i]] = 1;
    for (i = o = 0; i < l->n; i++)
        if (!drop[i])
            l->h[o++] = l->h[i];
    l->n = o;
    free(idx);
    free(drop);
}

int ns_hashes_parse(struct ns_hashes *out, const char *text, size_t len, struct ns_bad *bad)
{
    ns_hashes_init(out);
    memset(bad, 0, sizeof(*bad));
    scan(out, text ? text : "", text ? len : 0, bad);
    dedupe(out);
    return bad->count ? CM_EINVAL : 0;
}

int ns_hashes_from_json(struct ns_hashes *out, const cJSON *v, struct ns_bad *bad)
{
    const cJSON *it;

    ns_hashes_init(out);
    memset(bad, 0, sizeof(*bad));
    if (cJSON_IsString(v)) {
        scan(out, v->valuestring, strlen(v->valuestring), bad);
    } else if (cJSON_IsArray(v)) {
        cJSON_ArrayForEach(it, v)
        {
            if (cJSON_IsString(it))
                scan(out, it->valuestring, strlen(it->valuestring), bad);
            else
                note_bad(bad, "(not a string)", 14);
        }
    } else {
        note_bad(bad, "(not a string or an array)", 26);
    }
    dedupe(out);
    return bad->count ? CM_EINVAL : 0;
}

static int cmp_hash(const void *a, const void *b)
{
    return strcmp(((const struct ns_hash *)a)->v, ((const struct ns_hash *)b)->v);
}

int ns_hashes_same_set(const struct ns_hashes *a, const struct ns_hashes *b)
{
    struct ns_hashes sa, sb;
    int same;

    if (a->n != b->n)
        return 0;
    if (a->n == 0)
        return 1;
    ns_hashes_copy(&sa, a);
    ns_hashes_copy(&sb, b);
    qsort(sa.h, sa.n, sizeof(*sa.h), cmp_hash);
    qsort(sb.h, sb.n, sizeof(*sb.h), cmp_hash);
    same = memcmp(sa.h, sb.h, sa.n * sizeof(*sa.h)) == 0;
    ns_hashes_release(&sa);
    ns_hashes_release(&sb);
    return same;
}

int ns_hashes_kinds(const struct ns_hashes *l)
{
    return (ns_hashes_count(l, NS_MD5) ? NS_MD5 : 0) |
           (ns_hashes_count(l, NS_SHA256) ? NS_SHA256 : 0);
}

size_t ns_hashes_count(const struct ns_hashes *l, int kind)
{
    size_t i, n = 0, want = kind == NS_MD5 ? 32 : 64;

    for (i = 0; i < l->n; i++)
        n += strlen(l->h[i].v) == want;
    return n;
}

cJSON *ns_hashes_json(const struct ns_hashes *l)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    for (i = 0; i < l->n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(l->h[i].v));
    return arr;
}

void ns_bad_describe(const struct ns_bad *bad, char *out, size_t size)
{
    size_t i, shown = bad->count < 3 ? bad->count : 3, off = 0;

    out[0] = '\0';
    for (i = 0; i < shown && off < size; i++)
        off += (size_t)snprintf(out + off, size - off, "%s'%s'", i ? ", " : "", bad->first[i]);
    if (bad->count > shown && off < size)
        snprintf(out + off, size - off, " and %zu more", bad->count - shown);
}
