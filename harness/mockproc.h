/*
 * mockproc.h: the `secmock serve` process of one scenario, and the admin API
 * calls the harness makes to it.
 *
 * hx_mock_start() writes <workdir>/state.json, starts
 *   <secmock> serve --services a,b --state <workdir>/state.json
 *                   --ready-file <workdir>/ready.json --tls-dir <workdir>/tls
 *                   [--clock T [--freeze]] [--tls SVC]...
 * with stdout and stderr appended to <workdir>/serve.log, then waits (at most
 * 5 s) for the ready file to appear, failing at once with the log's tail if the
 * process exits first. The ready file gives the admin URL, the CA file and the
 * service URLs. hx_mock_stop() sends SIGTERM, waits 2 s, then SIGKILL; a mock
 * that crashed, was killed, or exited non-zero is an error.
 *
 * Ownership: struct hx_mock is caller-owned; hx_mock_release() frees what
 * start filled in (and kills the process if it still runs). One per thread.
 */
#ifndef HX_MOCKPROC_H
#define HX_MOCKPROC_H

#include <cjson/cJSON.h>

#include "common/error.h"
#include "common/spawn.h"
#include "harness/launcher.h"
#include "harness/scenario.h"

/* A sanitizer build starts several times slower, and a loaded CI machine
 * slower still: its mocks get four times as long. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HX_READY_TIMEOUT_MS 20000
#else
#define HX_READY_TIMEOUT_MS 5000
#endif
#define HX_STOP_GRACE_MS 2000

struct hx_mock {
    struct cm_proc proc;
    int started;
    char *log_path;  /* <workdir>/serve.log */
    char *admin_url; /* from the ready file */
    char *ca_file;   /* NULL when the ready file says null */
    cJSON *services; /* {"<name>": "<url>"} */
};

/* The serve command line for sc (NULL-terminated, caller frees with hx_argv_free()). */
char **hx_mock_argv(const struct hx_scenario *sc, const char *secmock, const char *workdir);
void hx_argv_free(char **argv);
/* The state file document: {"<svc>": state, ...} for services that have one. */
cJSON *hx_mock_state_doc(const struct hx_scenario *sc);
/* Parses a ready file's text into m's admin_url/ca_file/services. */
int hx_mock_parse_ready(struct hx_mock *m, const char *text, size_t len, struct cm_err *err);

/* Starts the mock, through launcher when it takes the command (NULL: exec), and waits for it
 * to be ready. */
int hx_mock_start(struct hx_mock *m, const struct hx_scenario *sc, const char *secmock,
                  struct hx_launcher *launcher, const char *workdir, struct cm_err *err);
/* 0 while it runs; CM_ECHILD with err describing how it ended otherwise. */
int hx_mock_alive(struct hx_mock *m, struct cm_err *err);
int hx_mock_stop(struct hx_mock *m, struct cm_err *err);
void hx_mock_release(struct hx_mock *m);

/*
 * One admin call: method path (such as "/clock") with body (may be NULL).
 * *status gets the HTTP status and *answer the parsed JSON answer (caller
 * deletes; JSON null when the body is empty). Returns 0 when an answer came,
 * whatever its status; an error when none came or it was not JSON.
 */
int hx_admin_call(const struct hx_mock *m, const char *method, const char *path, const cJSON *body,
                  long timeout_ms, long *status, cJSON **answer, struct cm_err *err);

/* The last n lines of a file (or of text), for reports; caller frees. */
char *hx_tail_file(const char *path, int n);
char *hx_tail_text(const char *text, size_t len, int n);

#endif
