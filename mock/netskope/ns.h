/*
 * ns.h: the Netskope mock's internals, shared by the files of mock/netskope/
 * and by their unit tests (tests/unit/test_ns_*.c); nothing else includes it.
 *
 * The mock is one tenant (struct ns_tenant): a V1 and a V2 token, File
 * Profiles holding MD5/SHA256 hash lists (applied, and pending until the
 * console's Apply Changes), malware and malsite alerts (given, or generated
 * from a seed), the dataexport iterators' positions and the rate windows.
 * The files are:
 *
 *   hashes.c      hash values and lists: validation, normalisation, sets
 *   rate.c        sliding-window rate limits on the virtual clock
 *   state.c       the tenant as JSON in and out (load validates, dump writes back)
 *   alerts.c      alert feeds: defaults, generation from a seed, ordering
 *   v1.c          REST v1: /api/v1/updateFileHashList, /api/v1/app_instances
 *   dataexport.c  REST v2: /api/v2/events/dataexport/alerts/{malware,malsite}
 *   netskope.c    the service: routes, error envelopes, console actions
 *
 * Ownership: a tenant owns everything it points to; ns_tenant_free() frees
 * it all. The kit holds the service lock around every handler, load, dump and
 * action, so none of this is locked again here. Time is always passed in
 * (req->now_ms, the virtual clock), never read from the wall.
 */
#ifndef NS_NS_H
#define NS_NS_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "mock/kit/service.h"

/* ---- hash values and lists (hashes.c) ---- */

#define NS_MD5      1 /* 32 hexadecimal characters */
#define NS_SHA256   2 /* 64 hexadecimal characters */
#define NS_HASH_MAX 64
/* What the Netskope UI asks for when a File Profile would otherwise be empty. */
#define NS_PLACEHOLDER "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"

struct ns_hash {
    char v[NS_HASH_MAX + 1]; /* lower-case hex, NUL-padded: whole entries compare with memcmp */
};

/* A hash list: lower-case, no duplicates, in the order the values were first given.
 * Owns h. Init/release on caller storage. */
struct ns_hashes {
    struct ns_hash *h;
    size_t n;
    size_t cap;
};

/* Values refused by a parse: how many, and the first three (quoted as given, cut at 70). */
struct ns_bad {
    size_t count;
    char first[3][72];
};

void ns_hashes_init(struct ns_hashes *l);
void ns_hashes_release(struct ns_hashes *l);
/* Deep copy into dst (initialised here). */
void ns_hashes_copy(struct ns_hashes *dst, const struct ns_hashes *src);
/* NS_MD5 or NS_SHA256 when s (len bytes) is 32 or 64 hex digits of either case, else 0. */
int ns_hash_kind(const char *s, size_t len);
/* Parses a list separated by commas or line breaks; blanks around values and empty values
 * are skipped; values are lower-cased and duplicates dropped. out is initialised here and
 * holds the valid values even on error. Returns 0, or CM_EINVAL when bad->count > 0. */
int ns_hashes_parse(struct ns_hashes *out, const char *text, size_t len, struct ns_bad *bad);
/* Same from JSON: an array of strings or one string in the list syntax above. */
int ns_hashes_from_json(struct ns_hashes *out, const cJSON *v, struct ns_bad *bad);
/* 1 when both hold the same values, in any order. */
int ns_hashes_same_set(const struct ns_hashes *a, const struct ns_hashes *b);
/* NS_MD5 | NS_SHA256 bits of the kinds present. */
int ns_hashes_kinds(const struct ns_hashes *l);
size_t ns_hashes_count(const struct ns_hashes *l, int kind);
/* A JSON array of the values; caller frees with cJSON_Delete(). */
cJSON *ns_hashes_json(const struct ns_hashes *l);
/* "'abc', 'def' and 3 more" for messages, into out. */
void ns_bad_describe(const struct ns_bad *bad, char *out, size_t size);

/* ---- rate windows (rate.c) ---- */

#define NS_RATE_MAX_REQUESTS 100000

/* At most `requests` accepted requests in any `window_ms`; requests == 0 means no limit. */
struct ns_rate_limit {
    int requests;
    int64_t window_ms;
};

/* The times of the accepted requests still in the window, oldest first. Owns t. */
struct ns_rate {
    int64_t *t;
    int n;
    int cap;
};

/* What a client is told: RateLimit-Limit / -Remaining / -Reset (seconds), Retry-After. */
struct ns_rate_info {
    int limit;
    int remaining;
    int64_t reset_s;
};

void ns_rate_init(struct ns_rate *r);
void ns_rate_release(struct ns_rate *r);
void ns_rate_clear(struct ns_rate *r);
/* Forgets requests older than the window (and any "in the future" after the clock was set
 * back), then admits this one (returns 1, recording now_ms) or refuses it (returns 0,
 * recording nothing). info (may be NULL) describes the window after the decision. */
int ns_rate_take(struct ns_rate *r, const struct ns_rate_limit *lim, int64_t now_ms,
                 struct ns_rate_info *info);
/* Adds a time as given (state loading); keeps the order. */
void ns_rate_push(struct ns_rate *r, int64_t t_ms);

/* ---- alerts (alerts.c) ---- */

enum ns_feed_type { NS_MALWARE, NS_MALSITE, NS_NFEEDS };

#define NS_ID_MAX       64
#define NS_ALERTS_MAX   200000 /* given plus generated, per feed */
#define NS_GENERATE_MAX 100000

/* One alert in a feed's order: borrowed from the feed's arrays. */
struct ns_alert {
    int64_t ts; /* epoch seconds */
    const char *id;
    const cJSON *rec;
};

/* A feed: the records given in the state and those generated from a seed, in one order
 * (timestamp, then _id). Owns the three documents and the index. */
struct ns_feed {
    cJSON *given; /* array of records, defaults filled in; dumped */
    cJSON *gen;   /* the "generate" spec as given, or NULL; dumped */
    cJSON *made;  /* records generated from gen; not dumped */
    struct ns_alert *sorted;
    size_t n;
};

/* "malware" / "malsite"; NS_NFEEDS when name is neither. */
enum ns_feed_type ns_feed_type_of(const char *name);
const char *ns_feed_name(enum ns_feed_type t);
/* Builds a feed from the state's records (array, may be NULL) and spec (may be NULL).
 * path names the state member in errors. f is initialised here; on error it holds nothing. */
int ns_feed_build(struct ns_feed *f, enum ns_feed_type type, const cJSON *records,
                  const cJSON *spec, struct cm_err *err);
void ns_feed_release(struct ns_feed *f);
/* The record generated for (type, seed, i) at time ts: the same for the same inputs.
 * Caller frees with cJSON_Delete(). */
cJSON *ns_alert_generate(enum ns_feed_type type, uint64_t seed, size_t i, int64_t ts);

/* ---- the tenant (state.c) ---- */

#define NS_PROFILES_MAX     1000
#define NS_ITERS_MAX        1000
#define NS_INDEX_MAX        128
#define NS_LIST_MAX_DEFAULT (8u * 1024 * 1024)
#define NS_PAGE_MAX         10000

/* A File Profile. published is 0 between its creation on the console and Apply Changes;
 * the API does not see it then. pending holds a console edit (or an API update when
 * settings.api_update_pending) until Apply Changes. hashes is never empty. */
struct ns_profile {
    char *name; /* case-sensitive, unique in the tenant */
    char *description;
    int types; /* NS_MD5 | NS_SHA256: the hash types chosen in the UI */
    int published;
    struct ns_hashes hashes;
    int has_pending;
    struct ns_hashes pending;
};

/* An iterator position, per index name and feed. A record (ts, id) comes after the key
 * when ts > key.ts, or ts == key.ts and id > key.id ("" is before every id). */
struct ns_key {
    int64_t ts;
    char id[NS_ID_MAX + 1];
};

struct ns_iter {
    char index[NS_INDEX_MAX + 1];
    enum ns_feed_type type;
    struct ns_key cursor; /* the next page starts after it */
    int has_page;         /* the last page, for resend: records after page_from through page_to */
    struct ns_key page_from;
    struct ns_key page_to;
    int page_n;
};

struct ns_settings {
    int api_update_pending;           /* 1: an API update waits for Apply Changes */
    int strict_hash_types;            /* 1: refuse values of a type the profile did not choose */
    size_t list_max_bytes;            /* largest `list` updateFileHashList takes */
    struct ns_rate_limit v1_rate;     /* every v1 endpoint together */
    struct ns_rate_limit export_rate; /* each dataexport endpoint */
    int page_size;                    /* records per dataexport page */
    int wait_time;                    /* seconds told to a client that is caught up */
    int new_index_head;               /* 1: `next` on a new index starts at the oldest record */
};

struct ns_tenant {
    char *host;
    char *v1_token;
    char *v2_token;
    cJSON *v2_scopes; /* array of endpoint paths the V2 token may call; NULL = all */
    struct ns_settings set;
    struct ns_profile *profiles;
    size_t nprofiles;
    cJSON *app_instances; /* array, answered by app_instances?op=list */
    struct ns_feed feeds[NS_NFEEDS];
    struct ns_iter *iters;
    size_t niters;
    struct ns_rate v1_rate;
    struct ns_rate export_rate[NS_NFEEDS];
    uint64_t serial; /* counts regenerated tokens, so each new one differs */
};

/* An empty tenant (default tokens and settings, no profiles, no alerts). Never NULL. */
struct ns_tenant *ns_tenant_new(void);
void ns_tenant_free(struct ns_tenant *t);
/* A tenant built from a state document; NULL with err naming the bad member. */
struct ns_tenant *ns_tenant_from_json(const cJSON *doc, struct cm_err *err);
/* The state as JSON (what ns_tenant_from_json takes); caller frees with cJSON_Delete(). */
cJSON *ns_tenant_json(const struct ns_tenant *t);

/* Exact (case-sensitive) look-up; NULL when absent. Borrowed. */
struct ns_profile *ns_profile_find(struct ns_tenant *t, const char *name);
/* A profile whose name differs only in case; NULL when none. Borrowed. */
struct ns_profile *ns_profile_find_nocase(struct ns_tenant *t, const char *name);
/* Adds an empty profile named name (copied); NULL when the tenant is full. */
struct ns_profile *ns_profile_add(struct ns_tenant *t, const char *name);
cJSON *ns_profile_json(const struct ns_profile *p);
/* Publishes p: pending (if any) replaces hashes, published = 1. Returns 1 when it changed. */
int ns_profile_apply(struct ns_profile *p);

/* 1 when s is a usable iterator name: 1 to NS_INDEX_MAX letters, digits, '_', '-', '.'. */
int ns_index_valid(const char *s);
/* The iterator of (index, type); created at the head when create is set and the tenant
 * has room, else NULL. Borrowed. */
struct ns_iter *ns_iter_find(struct ns_tenant *t, const char *index, enum ns_feed_type type,
                             int create);

/* ---- handlers (v1.c, dataexport.c) ---- */

int ns_v1_update_hash_list(struct mk_request *req, struct mk_response *resp);
int ns_v1_app_instances(struct mk_request *req, struct mk_response *resp);
int ns_v1_file_hash_lists(struct mk_request *req, struct mk_response *resp);
int ns_export_alerts(struct mk_request *req, struct mk_response *resp);

/* The v1 error envelope: {"status":"error","errorCode":code,"errors":[message]}. */
void ns_v1_error(struct mk_response *resp, int status, const char *code, const char *message);
/* The v2 error envelope: {"message": message}. */
void ns_v2_error(struct mk_response *resp, int status, const char *message);

/* ---- the service (netskope.c) ---- */

extern const struct mk_service_ops ns_service_ops;
/* Console actions (also reached through ns_service_ops.action). */
cJSON *ns_action(struct ns_tenant *t, const char *action, const cJSON *args, int64_t now_ms,
                 struct cm_err *err);

#endif
