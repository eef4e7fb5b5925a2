/*
 * journal.c: the request ring and the answer counts.
 *
 * The ring is one array of fixed-size slots allocated at init: an entry's
 * strings are packed inline in its slot (outside the lock, then copied in under
 * it), so a busy mock allocates nothing per request and its memory stops
 * growing once the ring has filled. The counts are an open-addressing table of
 * (service, status, verdict) rows under the same lock.
 */
#include "mock/kit/journal.h"

#include "common/mem.h"
#include "common/timeutil.h"
#include "mock/kit/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* An entry's strings, in the order they are packed into its slot. */
enum field { F_SERVICE, F_METHOD, F_VERDICT, F_PEER, F_PATH, F_DETAIL, F_QUERY, NFIELDS };

/* The most each string may take of a slot, its NUL included. When the slot runs
 * short the last strings packed (detail, query) are the ones cut. */
#define SERVICE_MAX 32
#define VERDICT_MAX 48
static const size_t field_max[NFIELDS] = {SERVICE_MAX, 16, VERDICT_MAX, 48, 256, 128, 512};

/* A slot's room for strings: what its fixed members leave. */
#define TEXT_ROOM                                                                                  \
    (MK_JOURNAL_SLOT - 3 * sizeof(uint64_t) - sizeof(int32_t) - NFIELDS * sizeof(uint16_t))

/* One slot. Invariant: text + off[f] is a NUL-terminated string inside text. */
struct mk_journal_entry {
    uint64_t seq; /* 1, 2, ... in arrival order of completion */
    int64_t time_ms;
    int64_t latency_us;
    int32_t status;
    uint16_t off[NFIELDS];
    char text[TEXT_ROOM];
};

_Static_assert(sizeof(struct mk_journal_entry) == MK_JOURNAL_SLOT, "a slot is MK_JOURNAL_SLOT");

static const char *str(const struct mk_journal_entry *e, enum field f)
{
    return e->text + e->off[f];
}

void mk_journal_init(struct mk_journal *j, size_t cap)
{
    pthread_mutex_init(&j->lock, NULL);
    j->cap = cap ? cap : 1;
    j->ring = cm_calloc(j->cap, sizeof(*j->ring));
    j->counts = cm_calloc(MK_JOURNAL_COUNT_ROWS, sizeof(*j->counts));
    j->next_seq = 1;
    j->first_seq = 1;
    j->dropped = 0;
    j->counted = 0;
    j->other = 0;
}

void mk_journal_release(struct mk_journal *j)
{
    free(j->ring);
    j->ring = NULL;
    free(j->counts);
    j->counts = NULL;
    pthread_mutex_destroy(&j->lock);
}

/* Copies s into dst, which has room bytes (room >= 1); a string that does not fit is cut at a
 * UTF-8 character boundary and ends with "...(+N)", N the bytes cut (or is simply cut when
 * even the marker does not fit). Returns the bytes used, its NUL included. */
static size_t put(char *dst, size_t room, const char *s)
{
    size_t n = strlen(s), keep, mark_len;

    if (n < room) {
        memcpy(dst, s, n + 1);
        return n + 1;
    }
    /* the marker for cutting all n bytes is at least as long as the real one */
    mark_len = (size_t)snprintf(NULL, 0, "...(+%zu)", n);
    keep = room - 1 > mark_len ? room - 1 - mark_len : room - 1;
    while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
        keep--;
    memcpy(dst, s, keep);
    if (keep + mark_len < room)
        keep += (size_t)snprintf(dst + keep, room - keep, "...(+%zu)", n - keep);
    dst[keep] = '\0';
    return keep + 1;
}

/* Packs the strings into e: each gets at most its field_max and leaves a byte to each after it. */
static void pack(struct mk_journal_entry *e, const char *const src[NFIELDS])
{
    size_t off = 0, f;

    for (f = 0; f < NFIELDS; f++) {
        size_t room = sizeof(e->text) - off - (NFIELDS - 1 - f);
        if (room > field_max[f])
            room = field_max[f];
        e->off[f] = (uint16_t)off;
        off += put(e->text + off, room, src[f] ? src[f] : "");
    }
}

/* FNV-1a over the row's key. */
static uint32_t count_hash(const char *service, int status, const char *verdict)
{
    uint32_t h = 2166136261u;
    const unsigned char *p;

    for (p = (const unsigned char *)service; *p; p++)
        h = (h ^ *p) * 16777619u;
    h = (h ^ 0xff) * 16777619u;
    for (p = (const unsigned char *)verdict; *p; p++)
        h = (h ^ *p) * 16777619u;
    return (h ^ (uint32_t)status) * 16777619u;
}

/* Counts one answer (lock held). service and verdict fit their row's fields (their slot's
 * field_max is no larger). A key that finds no free row is counted in `other`. */
static void count(struct mk_journal *j, uint32_t h, const char *service, int status,
                  const char *verdict)
{
    size_t i;

    j->counted++;
    for (i = 0; i < MK_JOURNAL_COUNT_ROWS; i++) {
        struct mk_journal_count *r = &j->counts[(h + i) & (MK_JOURNAL_COUNT_ROWS - 1)];
        if (r->count == 0) {
            cm_strlcpy(r->service, service, sizeof(r->service));
            cm_strlcpy(r->verdict, verdict, sizeof(r->verdict));
            r->status = status;
            r->count = 1;
            return;
        }
        if (r->status == status && strcmp(r->service, service) == 0 &&
            strcmp(r->verdict, verdict) == 0) {
            r->count++;
            return;
        }
    }
    j->other++;
}

_Static_assert(sizeof(((struct mk_journal_count *)0)->service) >= SERVICE_MAX &&
                   sizeof(((struct mk_journal_count *)0)->verdict) >= VERDICT_MAX,
               "a count row holds the slot's service and verdict whole");

void mk_journal_add(struct mk_journal *j, int64_t time_ms, int64_t latency_us, int status,
                    const char *service, const char *method, const char *path, const char *query,
                    const char *verdict, const char *peer, const char *detail)
{
    const char *src[NFIELDS];
    struct mk_journal_entry e;
    uint32_t h;

    src[F_SERVICE] = service;
    src[F_METHOD] = method;
    src[F_VERDICT] = verdict;
    src[F_PEER] = peer;
    src[F_PATH] = path;
    src[F_DETAIL] = detail;
    src[F_QUERY] = query;
    e.time_ms = time_ms;
    e.latency_us = latency_us;
    e.status = status;
    pack(&e, src);
    /* the row's key is the journal's, cut as the slot cuts it */
    h = count_hash(str(&e, F_SERVICE), status, str(&e, F_VERDICT));

    pthread_mutex_lock(&j->lock);
    e.seq = j->next_seq++;
    if (e.seq - j->first_seq >= j->cap) {
        j->first_seq++;
        j->dropped++;
    }
    j->ring[(e.seq - 1) % j->cap] = e;
    count(j, h, str(&e, F_SERVICE), status, str(&e, F_VERDICT));
    pthread_mutex_unlock(&j->lock);
}

static int matches(const struct mk_journal_entry *e, const struct mk_journal_filter *f)
{
    if (e->seq <= f->since_seq)
        return 0;
    if (f->service && *f->service && strcmp(f->service, str(e, F_SERVICE)) != 0)
        return 0;
    if (f->method && *f->method && strcasecmp(f->method, str(e, F_METHOD)) != 0)
        return 0;
    if (f->path && *f->path && !mk_path_match(f->path, str(e, F_PATH)))
        return 0;
    if (f->verdict && *f->verdict && strcmp(f->verdict, str(e, F_VERDICT)) != 0)
        return 0;
    if (f->status && f->status != e->status)
        return 0;
    return 1;
}

static cJSON *entry_json(const struct mk_journal_entry *e)
{
    cJSON *o = cJSON_CreateObject();
    char t[40];

    cm_time_format(e->time_ms, t, sizeof(t));
    cJSON_AddNumberToObject(o, "seq", (double)e->seq);
    cJSON_AddStringToObject(o, "time", t);
    cJSON_AddNumberToObject(o, "time_ms", (double)e->time_ms);
    cJSON_AddStringToObject(o, "service", str(e, F_SERVICE));
    cJSON_AddStringToObject(o, "method", str(e, F_METHOD));
    cJSON_AddStringToObject(o, "path", str(e, F_PATH));
    cJSON_AddStringToObject(o, "query", str(e, F_QUERY));
    cJSON_AddNumberToObject(o, "status", e->status);
    cJSON_AddStringToObject(o, "verdict", str(e, F_VERDICT));
    cJSON_AddNumberToObject(o, "latency_us", (double)e->latency_us);
    cJSON_AddStringToObject(o, "peer", str(e, F_PEER));
    cJSON_AddStringToObject(o, "detail", str(e, F_DETAIL));
    return o;
}

cJSON *mk_journal_query(struct mk_journal *j, const struct mk_journal_filter *f)
{
    cJSON *doc = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    uint64_t s, start;
    size_t n = 0;

    pthread_mutex_lock(&j->lock);
    start = j->first_seq;
    if (f->limit) {
        /* Walk back to find where the newest `limit` matches begin. */
        size_t found = 0;
        for (s = j->next_seq; s > j->first_seq && found < f->limit; s--)
            if (matches(&j->ring[(s - 2) % j->cap], f))
                found++;
        start = s;
    }
    for (s = start; s < j->next_seq; s++) {
        const struct mk_journal_entry *e = &j->ring[(s - 1) % j->cap];
        if (matches(e, f)) {
            cJSON_AddItemToArray(arr, entry_json(e));
            n++;
        }
    }
    cJSON_AddNumberToObject(doc, "total", (double)n);
    cJSON_AddNumberToObject(doc, "dropped", (double)j->dropped);
    pthread_mutex_unlock(&j->lock);
    cJSON_AddItemToObject(doc, "entries", arr);
    return doc;
}

static int count_cmp(const void *a, const void *b)
{
    const struct mk_journal_count *x = a, *y = b;
    int c = strcmp(x->service, y->service);

    if (c == 0)
        c = (x->status > y->status) - (x->status < y->status);
    return c ? c : strcmp(x->verdict, y->verdict);
}

cJSON *mk_journal_counts(struct mk_journal *j)
{
    struct mk_journal_count *rows = cm_malloc(MK_JOURNAL_COUNT_ROWS * sizeof(*rows));
    cJSON *doc = cJSON_CreateObject(), *arr;
    size_t n = 0, i;

    pthread_mutex_lock(&j->lock);
    for (i = 0; i < MK_JOURNAL_COUNT_ROWS; i++)
        if (j->counts[i].count)
            rows[n++] = j->counts[i];
    cJSON_AddNumberToObject(doc, "total", (double)j->counted);
    cJSON_AddNumberToObject(doc, "held", (double)(j->next_seq - j->first_seq));
    cJSON_AddNumberToObject(doc, "dropped", (double)j->dropped);
    cJSON_AddNumberToObject(doc, "other", (double)j->other);
    pthread_mutex_unlock(&j->lock);
    qsort(rows, n, sizeof(*rows), count_cmp);
    arr = cJSON_AddArrayToObject(doc, "counts");
    for (i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "service", rows[i].service);
        cJSON_AddNumberToObject(o, "status", rows[i].status);
        cJSON_AddStringToObject(o, "verdict", rows[i].verdict);
        cJSON_AddNumberToObject(o, "count", (double)rows[i].count);
        cJSON_AddItemToArray(arr, o);
    }
    free(rows);
    return doc;
}

void mk_journal_clear(struct mk_journal *j)
{
    pthread_mutex_lock(&j->lock);
    j->first_seq = j->next_seq;
    j->dropped = 0;
    j->counted = 0;
    j->other = 0;
    memset(j->counts, 0, MK_JOURNAL_COUNT_ROWS * sizeof(*j->counts));
    pthread_mutex_unlock(&j->lock);
}

static int secret_key(const char *k, size_t n)
{
    static const char *const words[] = {"token",  "password", "secret", "key",
                                        "passwd", "auth",     "sig",    NULL};
    size_t i, w;

    for (w = 0; words[w]; w++) {
        size_t wl = strlen(words[w]);
        for (i = 0; i + wl <= n; i++)
            if (strncasecmp(k + i, words[w], wl) == 0)
                return 1;
    }
    return 0;
}

void mk_redact_query(const char *query, char *out, size_t size)
{
    const char *p = query ? query : "";
    size_t o = 0;

    if (size == 0)
        return;
    while (*p && o + 1 < size) {
        const char *amp = strchr(p, '&'), *eq;
        size_t plen = amp ? (size_t)(amp - p) : strlen(p), klen, c;

        eq = memchr(p, '=', plen);
        klen = eq ? (size_t)(eq - p) : plen;
        if (eq && secret_key(p, klen)) {
            c = klen + 1 < size - 1 - o ? klen + 1 : size - 1 - o;
            memcpy(out + o, p, c);
            o += c;
            c = 3 < size - 1 - o ? 3 : size - 1 - o;
            memcpy(out + o, "***", c);
            o += c;
        } else {
            c = plen < size - 1 - o ? plen : size - 1 - o;
            memcpy(out + o, p, c);
            o += c;
        }
        p += plen;
        if (*p == '&' && o + 1 < size) {
            out[o++] = '&';
            p++;
        }
    }
    out[o] = '\0';
}
