/*
 * cte_store.h: the IoC store of `secmock client cte`, Cloud Exchange's
 * indicator collection in one JSON file.
 *
 * One entry per value (MD5 and SHA256 stored lower-case), with one record
 * per source configuration that reported it; CE's merge rules
 * (../shared/vendor/netskope.md 4.4, 4.6, 4.7):
 *
 * - a new value takes first_seen = last_seen = the report's time and
 *   expires_at = now + the source's age_after_days (0: never, ours);
 * - a value reported again keeps the earliest first_seen and the latest
 *   last_seen, the latest expires_at, becomes active again, and the
 *   reporting source's record is reset: hits + 1, retracted cleared, and
 *   its "shared" marks emptied, so incremental destinations (Mimecast)
 *   receive it again;
 * - aging marks active values whose expires_at has passed inactive; an
 *   inactive value is never shared;
 * - a retraction marks one source's record retracted; the destinations it
 *   was shared with then get the retraction (retraction_sent tracks them).
 *
 * File shape (times RFC 3339):
 *
 *     {"version": 1,
 *      "iocs": {"<value>": {"type": "sha256", "first_seen", "last_seen", "expires_at", "active",
 *               "sources": {"<source>": {"first_seen", "last_seen", "hits", "comments",
 *                                        "retracted", "shared": ["<dest>"],
 *                                        "retraction_sent": ["<dest>"]}}}},
 *      "plugins": {"<name>": {... per-configuration state, see cte_sync.c ...}}}
 *
 * Saves are atomic (temporary file, fsync, rename): a reader, or a run that
 * is killed, sees the old store or the new one.
 *
 * Ownership: rc_cte_store_load() fills caller storage; rc_cte_store_release()
 * frees it. cJSON nodes handed out are borrowed from the store and live until
 * the next change of the same entry or the release.
 */
#ifndef RC_CTE_STORE_H
#define RC_CTE_STORE_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct rc_cte_store {
    char *path;    /* owned; NULL: in memory only (tests) */
    cJSON *root;   /* owned */
    cJSON *iocs;   /* root.iocs, borrowed */
    cJSON *plugin; /* root.plugins, borrowed */
};

/* One report of a value by a source configuration. Borrowed strings. */
struct rc_cte_report {
    const char *source;
    const char *value; /* MD5 or SHA256, any case */
    int64_t seen_ms;   /* when the source saw it (alert time, feed Timestamp) or now */
    const char *comments;
    int age_days; /* the source's ageAfterDays */
};

enum rc_cte_merge { RC_CTE_INVALID = -1, RC_CTE_NEW = 0, RC_CTE_NEW_SOURCE = 1, RC_CTE_AGAIN = 2 };

/* Loads path (a missing file is an empty store), first removing the temporary files
 * ("<path>.tmp.<pid>") of runs killed while saving, whose process is gone. CM_EPARSE/CM_EIO
 * with err. path may be NULL. */
int rc_cte_store_load(struct rc_cte_store *s, const char *path, struct cm_err *err);
int rc_cte_store_save(struct rc_cte_store *s, struct cm_err *err);
void rc_cte_store_release(struct rc_cte_store *s);

/* Merges one report at time now. Returns what happened (RC_CTE_INVALID: not an MD5/SHA256). */
enum rc_cte_merge rc_cte_store_report(struct rc_cte_store *s, const struct rc_cte_report *r,
                                      int64_t now);
/* Deactivates every active value whose expires_at <= now; returns how many. */
int rc_cte_store_age(struct rc_cte_store *s, int64_t now);
/* Marks source's record of value retracted (pending retraction to every destination it was
 * shared with). 0, or CM_ENOENT when the source never reported it. */
int rc_cte_store_retract(struct rc_cte_store *s, const char *source, const char *value);

/* The entry of a value (lower-cased look-up), or NULL. Borrowed. */
cJSON *rc_cte_store_get(const struct rc_cte_store *s, const char *value);
/* The record of source in an entry, or NULL. */
cJSON *rc_cte_ioc_source(const cJSON *ioc, const char *source);
/* 1 when name is in the string array member key of rec. */
int rc_cte_has_mark(const cJSON *rec, const char *key, const char *name);
/* Adds name to the string array member key of value's record of source (no duplicates). */
void rc_cte_store_mark(struct rc_cte_store *s, const char *value, const char *source,
                       const char *key, const char *name);

/* The state object of a plugin configuration (created empty when missing). Borrowed. */
cJSON *rc_cte_store_plugin(struct rc_cte_store *s, const char *name);

/* Counts for `cte status`: values, active, inactive, retracted records. */
void rc_cte_store_counts(const struct rc_cte_store *s, int *total, int *active, int *retracted);

#endif
