/*
 * cte_run.h: one run of `secmock client cte`: the context the plugins and
 * the sync cycle share, Cloud Exchange-shaped logging, and the plugin calls
 * (client/cte_netskope.c, client/cte_mimecast.c) the cycle
 * (client/cte_sync.c) strings together.
 *
 * Logs: every event is a Cloud Exchange log entry, {"message", "type"
 * (info|warning|error), "createdAt", "errorCode", "details", "resolution"}
 * ([ce] netskope/common/utils/logger.py), with the message prefixed
 * "CTE <Plugin> [<configuration>]" as CE's plugins do. Each entry goes to
 * stderr in a readable line and, with --log FILE, appended to FILE as one
 * JSON line.
 *
 * Ownership: struct rc_cte_run is caller storage; everything in it is
 * borrowed except the Mimecast sessions (rc_cte_run_release() frees them).
 */
#ifndef RC_CTE_RUN_H
#define RC_CTE_RUN_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "client/client.h"
#include "client/cte_config.h"
#include "client/cte_store.h"
#include "client/mimecast_api.h"
#include "common/progress.h"

#define RC_CTE_MM_BATCH      1000 /* PUSH_HASH_BATCH_SIZE */
#define RC_CTE_MM_DESC_MAX   20   /* Mimecast's description limit */
#define RC_CTE_MM_PROVIDER   "NetskopeCE"
#define RC_CTE_MM_SKEW_MS    (5LL * 60 * 1000) /* client and Mimecast clocks may differ (ours) */
#define RC_CTE_RETRACT_DESC  "Retracting File Hash"
#define RC_CTE_NS_MAX_HASHES 300000 /* MAX_PUSH_INDICATORS */
#define RC_CTE_QUOTA_MESSAGE "Quota not available to create the batch"
#define RC_CTE_NS_DUPLICATE  "Duplicate request, no change in file hashes"
#define RC_CTE_BYO_UPLOAD    "BYO Threat Intelligence | Upload"

enum rc_cte_level { RC_CTE_INFO, RC_CTE_WARN, RC_CTE_ERROR };

struct rc_cte_log {
    struct rc_output out; /* the --log file; unused when path is NULL */
    const char *path;     /* borrowed */
    struct rc_clock *clock;
    int errors;      /* error entries so far */
    int conn_errors; /* of which: no answer */
    /* the last entry, and the HTTP status and vendor code of the last refused call (0, ""
     * when none), for `cte check` to turn into a finding */
    enum rc_cte_level last_level;
    char last_message[1024], last_details[1024], last_resolution[512];
    long last_status;
    char last_code[96];
};

struct rc_cte_mm {
    struct rc_mm_session s;
    int ready; /* session initialised */
    int byo;   /* -1 unknown, 0 missing, 1 present (the package check, once per run) */
    /* from get-account's "role" (the mock's; docs/mimecast.md): -1 not said, 0 no, 1 yes */
    int byo_upload;
    char role[128];
};

struct rc_cte_run {
    struct rc_ctx *ctx;
    const struct rc_cte_config *cfg;
    struct rc_cte_store *store;
    struct rc_cte_log log;
    struct rc_cte_mm *mm;         /* one per plugin of cfg (used for Mimecast ones) */
    int64_t now;                  /* the cycle's start on the client clock */
    struct cm_progress *progress; /* sync's progress line (client/progress.h), or NULL; owned */
    char lost_msg[512];           /* the HTTP layer's message of the last lost answer */
};

void rc_cte_run_init(struct rc_cte_run *run, struct rc_ctx *ctx, const struct rc_cte_config *cfg,
                     struct rc_cte_store *store, const char *log_path);
void rc_cte_run_release(struct rc_cte_run *run);
/* rc_cte_run_init() and the run's now from the clock: 0, or RC_EXIT_CONN after printing the
 * clock's error (the run is released then). */
int rc_cte_run_start(struct rc_cte_run *run, struct rc_ctx *ctx, const struct rc_cte_config *cfg,
                     struct rc_cte_store *store, const char *log_path);

/*
 * Logs one entry. p names the configuration (NULL: the core, "CTE"); code is a CE error
 * code or NULL; details and resolution may be NULL.
 */
void rc_cte_log(struct rc_cte_run *run, enum rc_cte_level level, const struct rc_cte_plugin *p,
                const char *code, const char *details, const char *resolution, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* ---- Netskope (client/cte_netskope.c) ---- */

/* Pulls malware alerts through the dataexport iterator into the store (saved after each
 * page); *pulled = indicators reported. 0, or a negative code after logging the error. */
int rc_cte_ns_pull(struct rc_cte_run *run, const struct rc_cte_plugin *p, int *pulled);
/* Replaces the File Profile list of sh with values (the placeholder when n is 0). */
int rc_cte_ns_push(struct rc_cte_run *run, const struct rc_cte_sharing *sh,
                   const char *const *values, size_t n);
/* The tenant's token checks, as CE runs them on Save: V2 (an iterator epoch of now + 60 s)
 * and, when given, V1 (app_instances?op=list). validate is the two in turn. */
int rc_cte_ns_validate(struct rc_cte_run *run, const struct rc_cte_plugin *p);
int rc_cte_ns_check_v2(struct rc_cte_run *run, const struct rc_cte_plugin *p);
int rc_cte_ns_check_v1(struct rc_cte_run *run, const struct rc_cte_plugin *p);
/* The tenant's File Profiles (the mock's /api/v1/fileHashLists: names and states, no values),
 * with the V1 token. 0 and *lists (the data array, caller frees), or logs and fails. */
int rc_cte_ns_file_lists(struct rc_cte_run *run, const struct rc_cte_plugin *p, cJSON **lists);
/* The list content: values joined with ',', at most max_bytes (CE's estimate: length + 3
 * per value) and RC_CTE_NS_MAX_HASHES; *used = values taken. Caller frees. */
char *rc_cte_ns_list(const char *const *values, size_t n, int64_t max_bytes, size_t *used);

/* ---- Mimecast (client/cte_mimecast.c) ---- */

/* get-account: credentials, and whether the BYO package is there (m->byo), and when the
 * answer says, the caller's role and whether it may upload BYO batches (m->byo_upload). */
int rc_cte_mm_account(struct rc_cte_run *run, const struct rc_cte_plugin *p);
/* get-feed for each feed type since start_ms. With collect (retraction check) values are put
 * in collect as members instead of being stored. *pulled = indicators seen. */
int rc_cte_mm_pull(struct rc_cte_run *run, const struct rc_cte_plugin *p, int64_t start_ms,
                   cJSON *collect, int *pulled);
/* What one create-batch did. */
struct rc_cte_mm_batch {
    int hash_count;  /* data[0].hashCount */
    int quota;       /* Mimecast answered the quota error */
    int lost;        /* no answer (none came, or it was cut short): the batch may exist or not */
    char id[64];     /* data[0].batchIdToken; "" when none */
    char error[512]; /* with lost: what the HTTP layer said */
};

/* One create-batch of at most RC_CTE_MM_BATCH hashes; descriptions may be NULL (one per value).
 * 0, or a negative code: logged, except a lost answer (out->lost), which is not retried: the
 * caller asks rc_cte_mm_find_batch() whether Mimecast created the batch before sending again. */
int rc_cte_mm_push_batch(struct rc_cte_run *run, const struct rc_cte_plugin *p, enum rc_cte_op op,
                         const char *const *values, const char *const *descriptions, size_t n,
                         struct rc_cte_mm_batch *out);
/* Logs that Mimecast could not be reached while doing (CTE_1021), msg the cause; counted. */
void rc_cte_mm_unreachable(struct rc_cte_run *run, const struct rc_cte_plugin *p, const char *msg,
                           const char *doing);
/* Looks with get-batches (newest first) for a batch of operation op and n hashes created at or
 * after since_ms (less RC_CTE_MM_SKEW_MS, the clocks' skew allowed) whose id is not in known (an
 * array of ids, or of {"id"} objects: the batches already accounted for; may be NULL). 0 and
 * *found (1: its id copied to id), or a negative code after logging. */
int rc_cte_mm_find_batch(struct rc_cte_run *run, const struct rc_cte_plugin *p, enum rc_cte_op op,
                         size_t n, int64_t since_ms, const cJSON *known, char *id, size_t id_size,
                         int *found);
/* The BYO description of a value's comments: kept when at most 20 characters, else "" (the
 * plugin's rule, [plg] push_hashes). Returns a pointer into comments or to "". */
const char *rc_cte_mm_description(const char *comments);
/* Parses a get-feed CSV page: calls fn for each wanted MD5/SHA256 cell. Returns rows read. */
int rc_cte_mm_parse_csv(const char *csv, size_t len, int types,
                        void (*fn)(void *ud, const char *value, const char *sender,
                                   const char *timestamp),
                        void *ud);

#endif
