/*
 * fault.h: failures armed on purpose, per service and route.
 *
 * A fault matches a service (required), optionally a method and a path (exact
 * or ending in '*'), lets the first `after` matching requests through, then
 * fires for the next `count` matching requests (-1: until cleared), each time
 * with `probability` (1 by default) drawn from its own seeded generator, so a
 * run can be replayed. Kinds:
 *
 *   status     answer `status` with `body` (content type, headers) instead of the handler
 *   delay      wait `delay_ms` of real time, then handle normally
 *   reset      close the connection with a TCP reset, no answer
 *   truncate   send the handler's answer but cut the body at half its length
 *   malformed  send the handler's status with a body that is not valid JSON
 *
 * Any kind may also carry delay_ms, applied first; clearing the faults ends a
 * delay under way. Thread-safe: one mutex.
 */
#ifndef MK_FAULT_H
#define MK_FAULT_H

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "common/error.h"
#include "common/rng.h"

enum mk_fault_kind {
    MK_FAULT_NONE,
    MK_FAULT_STATUS,
    MK_FAULT_DELAY,
    MK_FAULT_RESET,
    MK_FAULT_TRUNCATE,
    MK_FAULT_MALFORMED
};

struct mk_fault {
    struct mk_fault *next;
    int id;
    enum mk_fault_kind kind;
    char service[32];
    char method[16]; /* "" = any */
    char path[256];  /* "" = any; trailing '*' = prefix */
    int status;
    char *body;         /* owned; may be NULL */
    char *content_type; /* owned; may be NULL */
    char *headers;      /* owned "Name: value\n" lines added to the answer; may be NULL */
    int64_t delay_ms;
    int64_t remaining; /* -1 = unlimited */
    int64_t after;     /* matching requests still let through before it fires */
    double probability;
    uint64_t seed;
    struct cm_rng rng;
    uint64_t fired; /* how many times it fired */
};

/* What a request must undergo, copied out of the matching fault under the lock. */
struct mk_fault_hit {
    enum mk_fault_kind kind;
    int id;
    int status;
    int64_t delay_ms;
    char *body;         /* caller frees with free() */
    char *content_type; /* caller frees with free() */
    char *headers;      /* "Name: value\n" lines; caller frees with free() */
    unsigned cleared;   /* the faults' clear count when it fired: a delay ends once it changes */
};

struct mk_faults {
    pthread_mutex_t lock;
    struct mk_fault *head; /* in arming order; the first match wins */
    int next_id;
    atomic_uint cleared; /* bumped by every clear: a delay under way ends when it changes */
};

void mk_faults_init(struct mk_faults *f);
void mk_faults_release(struct mk_faults *f);
/* Arms a fault from its JSON description (see docs/admin-api.md). Returns the
 * new id (> 0) or a negative CM_E* with err describing the bad field. */
int mk_faults_arm(struct mk_faults *f, const cJSON *spec, struct cm_err *err);
/* Fills hit and returns 1 when a fault fires for this request; 0 otherwise. */
int mk_faults_match(struct mk_faults *f, const char *service, const char *method, const char *path,
                    struct mk_fault_hit *hit);
/* 1 when a reset fault is armed on service (whatever its method, path, after or
 * probability). The runtime then closes every connection of that service after
 * its answer: an HTTP client retries a request once, unasked, when a kept-alive
 * connection dies before any answer byte (libcurl does), which would hide the
 * reset; on a new connection it reaches the client. */
int mk_faults_reset_armed(struct mk_faults *f, const char *service);
/* Frees the strings of a hit. */
void mk_fault_hit_release(struct mk_fault_hit *hit);
cJSON *mk_faults_list(struct mk_faults *f);
/* Clears one fault (id > 0) or all (id == 0). Returns CM_ENOENT for an unknown id. */
int mk_faults_clear(struct mk_faults *f, int id);

#endif
