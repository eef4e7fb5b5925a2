/*
 * journal.h: the record of every request the mocks received.
 *
 * A bounded ring (100k entries by default): when full the oldest entry is
 * dropped and counted, so a query can tell "nothing happened" from "it fell
 * off". Entries carry the virtual time, the service, method, path, the query
 * string with secrets redacted, the status, a verdict code ("ok",
 * "invalid_signature", "fault:reset"...), the latency, the peer address and a
 * short detail the handler chose (never a secret).
 *
 * Memory is fixed: each entry is a slot of MK_JOURNAL_SLOT bytes with its
 * strings inline, all slots allocated at init (a slot's pages cost nothing until
 * the ring first reaches it), and adding an entry allocates nothing, so memory
 * stops growing once the ring is full. A string longer than its share of the
 * slot (path 255 bytes, detail 127, query what is left) is cut and ends with
 * "...(+N)", N the bytes cut; a path that fits is always kept whole.
 *
 * Beside the ring, a table of answers by (service, status, verdict) counts every
 * request since the last clear and never drops one: a check can verify totals
 * however far the ring has moved on. mk_journal_clear() resets both.
 *
 * Thread-safe: one mutex guards every field below; no field is read without it.
 */
#ifndef MK_JOURNAL_H
#define MK_JOURNAL_H

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define MK_JOURNAL_SLOT       512 /* bytes per entry, its strings included */
#define MK_JOURNAL_COUNT_ROWS 512 /* distinct (service, status, verdict) rows; a power of 2 */

struct mk_journal_entry; /* journal.c: one slot */

/* One row of the counts table; a row with count 0 is free. */
struct mk_journal_count {
    char service[32];
    char verdict[48];
    int status;
    uint64_t count;
};

struct mk_journal {
    pthread_mutex_t lock;
    struct mk_journal_entry *ring; /* cap slots; slot (seq - 1) % cap */
    size_t cap;
    uint64_t next_seq; /* seq of the next entry; entries seq >= first_seq are held */
    uint64_t first_seq;
    uint64_t dropped; /* entries pushed out of the ring since the last clear */
    uint64_t counted; /* requests since the last clear: the sum of the rows and `other` */
    uint64_t other;   /* requests whose row did not fit in the table */
    struct mk_journal_count *counts; /* MK_JOURNAL_COUNT_ROWS rows, open addressing */
};

/* What a query selects; NULL or 0 fields match anything. path may end in '*' (prefix). */
struct mk_journal_filter {
    const char *service;
    const char *method;
    const char *path;
    const char *verdict;
    int status;
    uint64_t since_seq; /* entries with seq > since_seq */
    size_t limit;       /* at most this many, the newest ones; 0 = all */
};

/* Allocates cap slots (cap * MK_JOURNAL_SLOT bytes; aborts when that fails). */
void mk_journal_init(struct mk_journal *j, size_t cap);
void mk_journal_release(struct mk_journal *j);
/* Records one request and counts it. Strings are copied (cut to fit the slot); NULL is
 * stored as "". */
void mk_journal_add(struct mk_journal *j, int64_t time_ms, int64_t latency_us, int status,
                    const char *service, const char *method, const char *path, const char *query,
                    const char *verdict, const char *peer, const char *detail);
/* {"total": n, "dropped": n, "entries": [...]} with the matching entries, oldest first.
 * Caller frees with cJSON_Delete(). */
cJSON *mk_journal_query(struct mk_journal *j, const struct mk_journal_filter *f);
/* {"total": n, "held": n, "dropped": n, "other": n, "counts": [{"service", "status",
 * "verdict", "count"}...]}: every request since the last clear, rows sorted by service,
 * status and verdict. Caller frees with cJSON_Delete(). */
cJSON *mk_journal_counts(struct mk_journal *j);
/* Empties the ring and resets `dropped` and the counts. */
void mk_journal_clear(struct mk_journal *j);

/* Copies query into out with the values of secret-bearing keys (token, password,
 * secret, key, ...) replaced by "***". */
void mk_redact_query(const char *query, char *out, size_t size);

#endif
