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
 * Ownership: the result's strings belong to it; hx_result_release() frees them.
 */
#ifndef HX_EXEC_H
#define HX_EXEC_H

#include <stdint.h>

#include "harness/scenario.h"

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
};

struct hx_exec_config {
    const char *secmock;      /* the secmock binary, for `serve` and `client` */
    const char *faketime_lib; /* libfaketime.so.1 to preload in run steps; NULL when none */
    const char *keep_logs;    /* copy logs into <keep_logs>/<name>/; NULL = do not */
    const char *tmpdir;       /* parent of work folders; NULL = $TMPDIR or /tmp */
};

void hx_execute(const struct hx_scenario *sc, const struct hx_exec_config *cfg,
                struct hx_result *res);
void hx_result_release(struct hx_result *res);

/* libfaketime.so.1 when installed in a known place; static string or NULL. */
const char *hx_find_faketime(void);

/* "SECMOCK_SSE_EU_URL" for service "sse-eu" into out. */
void hx_service_env_name(const char *service, char *out, size_t size);

#endif
