/*
 * scenario.h: one scenario file, loaded and fully validated.
 *
 * hx_scenario_load() reads a file of scenario format v1
 * (docs/scenario-format.md), checks every key, type and variable reference,
 * loads the state fixtures it names (relative to the file) and applies each
 * service's "patch". Any problem is reported once, naming the file and the
 * JSON path: `scenarios/x.json: steps[2].expect.exit: expected an integer`.
 * Nothing is started here; a scenario that loads can only fail by what
 * happens when it runs.
 *
 * Ownership: hx_scenario_load() returns a scenario the caller frees with
 * hx_scenario_free() (NULL is a no-op). Everything inside is owned by the
 * scenario; the cJSON pointers in steps point into sc->doc and stay valid for
 * its life. A loaded scenario is read-only and may be shared between threads.
 */
#ifndef HX_SCENARIO_H
#define HX_SCENARIO_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define HX_TIMEOUT_DEFAULT_MS      60000
#define HX_STEP_TIMEOUT_DEFAULT_MS 30000

/* The step kinds; HX_STEP_KINDS(X) gives each kind's enum tail and its action key. */
#define HX_STEP_KINDS(X)                                                                           \
    X(ADVANCE, "advance")                                                                          \
    X(SET_CLOCK, "set_clock")                                                                      \
    X(PATCH, "patch")                                                                              \
    X(LOAD, "load")                                                                                \
    X(FAULT, "fault")                                                                              \
    X(CLEAR_FAULTS, "clear_faults")                                                                \
    X(ACTION, "action")                                                                            \
    X(HTTP, "http")                                                                                \
    X(CLIENT, "client")                                                                            \
    X(RUN, "run")                                                                                  \
    X(JOURNAL, "journal")                                                                          \
    X(CLEAR_JOURNAL, "clear_journal")                                                              \
    X(FILE, "file")                                                                                \
    X(CHECK_FILE, "check_file")                                                                    \
    X(CHECK_STATE, "check_state")

enum hx_step_kind {
#define HX_STEP_ENUM(name, key) HX_STEP_##name,
    HX_STEP_KINDS(HX_STEP_ENUM)
#undef HX_STEP_ENUM
        HX_STEP__COUNT
};

/* The action key of a kind ("http"); static string. */
const char *hx_step_kind_name(enum hx_step_kind kind);

/*
 * One step. Invariants: arg is the value of the step's single action key;
 * expect is NULL or an object whose keys suit the kind; state is set only for
 * a "load" step whose state is a file (the loaded document, owned).
 */
struct hx_step {
    enum hx_step_kind kind;
    int index;
    const char *name;    /* borrowed from doc; NULL when the step has none */
    const cJSON *node;   /* the step object (borrowed) */
    const cJSON *arg;    /* the action key's value (borrowed) */
    const cJSON *expect; /* borrowed; may be NULL */
    const cJSON *env;    /* client/run: extra environment (borrowed); may be NULL */
    const cJSON *save;   /* "save" (action, http, check_state); "save_stdout_json"; may be NULL */
    int64_t timeout_ms;  /* http, action, client, run */
    int faketime;        /* run: preload libfaketime when installed (default 1) */
    cJSON *state;        /* owned; see above */
};

struct hx_service {
    char *name;
    cJSON *state; /* owned; the initial state with "patch" applied; NULL when none is given */
    int tls;      /* 1: --tls, 0: --no-tls, -1: the service type's default */
};

/*
 * A scenario. name, file and dir are never NULL; summary is "" when absent.
 * vars and env are objects of strings (borrowed from doc), possibly empty.
 */
struct hx_scenario {
    char *file;   /* the path as given */
    char *dir;    /* the folder paths in the file are relative to */
    char *family; /* the name's part before the last '/', else the file's folder name */
    char *name;
    char *summary;
    char *skip; /* NULL, or why the scenario is skipped */
    char **tags;
    size_t ntags;
    struct hx_service *services;
    size_t nservices;
    int has_clock;
    int64_t clock_start_ms;
    int clock_frozen;
    char *client_source; /* NULL when not set */
    const cJSON *vars;
    const cJSON *env;
    int64_t timeout_ms;
    struct hx_step *steps;
    size_t nsteps;
    cJSON *doc;
};

/* The real time sc waits on purpose, whatever the machine: the time limits of its client and run
 * steps that expect "exit": "timeout". */
int64_t hx_scenario_wait_ms(const struct hx_scenario *sc);
/* Loads and validates file. NULL with err set on any problem. */
struct hx_scenario *hx_scenario_load(const char *file, struct cm_err *err);
/* The same for the len bytes of text, read as if they were the content of file (which
 * names it in messages and anchors its relative paths; it is not read). */
struct hx_scenario *hx_scenario_parse(const char *file, const char *text, size_t len,
                                      struct cm_err *err);
void hx_scenario_free(struct hx_scenario *sc);

/* The service called name, or NULL. Borrowed. */
const struct hx_service *hx_scenario_service(const struct hx_scenario *sc, const char *name);
int hx_scenario_has_tag(const struct hx_scenario *sc, const char *tag);

#endif
