/*
 * exec.h: running one loaded scenario from start to teardown.
 *
 * hx_execute() makes a fresh work folder, starts the scenario's mock, runs the
 * steps in order until one fails or the scenario's time-out passes, collects
 * what a report needs about a failure (the step, expected versus got, the last
 * journal entries, the client's stderr tail), stops the mock and removes the
 * folder (after copying the logs when asked). It never exits the process and
 * touches no global state, so several scenarios run at once on threads.
 *
 * With cfg->timeline set (for `secmock run --html`), it also records what a
 * sequence diagram needs: after start-up and after every step it reads the
 * virtual clock and the journal entries that arrived since the last look
 * (GET /clock, GET /journal?since=SEQ), so the result holds the whole journal,
 * entries removed by a clear_journal step included, and one timeline event
 * per step: {"step": index (-1: start-up), "ok": bool, "now_ms": the virtual
 * clock after it (absent when unknown), "seq": the highest journal seq seen
 * after it, "note": what it did ("exit 0", "fault 2"; optional), "cut": entries
 * left out once HX_TIMELINE_MAX_ENTRIES were kept (optional)}. The entries of
 * step i are those with a seq above the previous event's "seq", up to its own.
 *
 * Ownership: the result's strings and cJSON trees belong to it;
 * hx_result_release() frees them.
 */
#ifndef HX_EXEC_H
#define HX_EXEC_H

#include <stdint.h>

#include "harness/launcher.h"
#include "harness/scenario.h"

#define HX_TIMELINE_MAX_ENTRIES 5000

enum hx_status { HX_PASS, HX_FAIL, HX_SKIP };

struct hx_result {
    enum hx_status status;
    int64_t duration_us;
    int failed_step;    /* index, or -1 for start-up, teardown or a time-out between steps */
    char *where;        /* "steps[2] \"list items\" (http)", "start-up", "teardown"; NULL on pass */
    char *message;      /* what was expected and what came; the skip reason for HX_SKIP */
    char *stderr_tail;  /* last lines of the latest client/run step's stderr; may be NULL */
    char *journal_tail; /* the last journal entries, one per line; may be NULL */
    char *log;          /* what every step did, for --verbose and --keep-logs; never NULL */
    cJSON *journal;     /* with cfg->timeline: every journal entry, in seq order; else NULL */
    cJSON *timeline;    /* with cfg->timeline: the events described above; else NULL */
};

struct hx_exec_config {
    const char *secmock;          /* the secmock binary, for `serve` and `client` */
    const char *faketime_lib;     /* libfaketime.so.1 to preload in run steps; NULL when none */
    const char *keep_logs;        /* copy logs into <keep_logs>/<name>/; NULL = do not */
    const char *tmpdir;           /* parent of work folders; NULL = hx_work_parent() */
    int timeline;                 /* record the journal and a timeline of the steps (--html) */
    struct hx_launcher *launcher; /* starts secmock's own children; NULL: exec them all */
};

void hx_execute(const struct hx_scenario *sc, const struct hx_exec_config *cfg,
                struct hx_result *res);
void hx_result_release(struct hx_result *res);

/* libfaketime.so.1 when installed in a known place; static string or NULL. */
const char *hx_find_faketime(void);

/*
 * Where work folders go by default: $TMPDIR when set; else /dev/shm when it is a
 * tmpfs we may write with at least 1 GiB free; else /tmp. A work folder is
 * thrown away, so the files the mock and the client write there atomically
 * (state, ready file, CA, checkpoints) gain nothing from reaching a disk, and
 * on a tmpfs their fsync costs nothing. Static string or the environment's.
 */
const char *hx_work_parent(void);

/* "SECMOCK_SSE_EU_URL" for service "sse-eu" into out. */
void hx_service_env_name(const char *service, char *out, size_t size);

#endif
