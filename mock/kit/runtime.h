/*
 * runtime.h: one `secmock serve` process: its services, listeners, clock,
 * journal, faults and admin API.
 *
 * Lifecycle: mk_runtime_new(), mk_runtime_add() for each service,
 * mk_runtime_load() for the initial state, mk_runtime_start() binds every
 * listener (port 0 = ephemeral), mk_runtime_write_ready() writes the ready
 * file, then the caller waits for a signal and calls mk_runtime_free(), which
 * stops the listeners first. mk_runtime_free(NULL) is a no-op.
 *
 * Ready file (written atomically once every listener is bound):
 *   {"pid": 123, "admin": "http://127.0.0.1:40001", "ca_file": "/tmp/x/ca.pem" | null,
 *    "services": {"mimecast": "http://127.0.0.1:40002", ...}}
 */
#ifndef MK_RUNTIME_H
#define MK_RUNTIME_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "common/error.h"
#include "mock/kit/clock.h"
#include "mock/kit/fault.h"
#include "mock/kit/journal.h"
#include "mock/kit/service.h"

#define MK_BODY_MAX_DEFAULT     (8u * 1024 * 1024)
#define MK_JOURNAL_DEFAULT      100000
#define MK_MAX_SERVICES         16
#define MK_CONN_TIMEOUT_DEFAULT 30u

struct mk_runtime_config {
    const char *bind;        /* service listeners' address; "127.0.0.1" when NULL */
    const char *admin_bind;  /* "127.0.0.1" when NULL */
    int admin_port;          /* 0 = ephemeral */
    const char *admin_token; /* required on every admin call when set; mandatory off loopback */
    size_t body_max;         /* 0 = MK_BODY_MAX_DEFAULT */
    size_t journal_max;      /* 0 = MK_JOURNAL_DEFAULT */
    unsigned threads;        /* per listener; 0 = 1 (each listener already has its own) */
    unsigned conn_timeout;   /* seconds a connection may stay silent; 0 = MK_CONN_TIMEOUT_DEFAULT */
    int trust_forwarded;     /* take the peer from X-Forwarded-For */
    int verbose;             /* one log line per request */
    const char *tls_dir;     /* where ca.pem is written; NULL = a new folder under $TMPDIR */
    const char *cert_file;   /* PEM leaf certificate to serve instead of a generated one */
    const char *key_file;    /* its key */
    const char *ca_file;     /* the CA to report for cert_file; may be NULL */
};

struct mk_runtime;

/* cfg is copied. Never NULL. */
struct mk_runtime *mk_runtime_new(const struct mk_runtime_config *cfg);
void mk_runtime_free(struct mk_runtime *rt);
/* Adds service `name` listening on port (0 = ephemeral); tls: 1, 0, or -1 for the type's
 * default. */
int mk_runtime_add(struct mk_runtime *rt, const char *name, int port, int tls, struct cm_err *err);
/* Loads {"<service>": state, ...}; every key must name an added service. The loaded
 * state becomes what reset returns to. */
int mk_runtime_load(struct mk_runtime *rt, const cJSON *doc, struct cm_err *err);
int mk_runtime_start(struct mk_runtime *rt, struct cm_err *err);
int mk_runtime_write_ready(struct mk_runtime *rt, const char *path, struct cm_err *err);
/* The ready-file document; caller frees with cJSON_Delete(). */
cJSON *mk_runtime_describe(struct mk_runtime *rt);

struct mk_service *mk_runtime_find(struct mk_runtime *rt, const char *name);
struct mk_clock *mk_runtime_clock(struct mk_runtime *rt);
struct mk_journal *mk_runtime_journal(struct mk_runtime *rt);
struct mk_faults *mk_runtime_faults(struct mk_runtime *rt);
const char *mk_runtime_admin_url(struct mk_runtime *rt);
const char *mk_runtime_ca_file(struct mk_runtime *rt);

/* `secmock serve` (mock/serve.c). */
int mk_serve_main(int argc, char **argv);

#endif
