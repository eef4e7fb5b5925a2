/*
 * service.h: the plug-in interface between the kit and a vendor service.
 *
 * A service type (mimecast, sse, ctr, netskope, demo) is one const
 * struct mk_service_ops: its route table, its state as JSON in and out, its
 * error envelope. The kit owns everything else: listeners, TLS, the clock,
 * the journal, faults, the admin API, patch and reset.
 *
 * State rule: a service's state is plain data. load() replaces it whole from
 * JSON (validating, building indexes); dump() writes it back as JSON that
 * load() accepts. The kit builds patch (dump, merge, load) and reset (load
 * of the state given at start) on those two, so a service writes neither.
 *
 * Locking: the kit holds svc->lock around every handler call, load(), dump()
 * and action(), so service code needs no locks of its own. A handler that reads
 * another service (CTR asking SSE about a device) uses mk_service_with_lock().
 *
 * Instance names: "<type>" or "<type>-<variant>" ("sse-eu", "ctr-apjc",
 * "mimecast-uk"); the variant (region) reaches create() in svc->variant.
 */
#ifndef MK_SERVICE_H
#define MK_SERVICE_H

#include <cjson/cJSON.h>
#include <pthread.h>

#include "common/error.h"
#include "mock/kit/http.h"

struct mk_runtime;
struct mk_service;

struct mk_service_ops {
    const char *type;
    const char *summary;          /* one line for `secmock serve --list` */
    const char *const *variants;  /* allowed variants, NULL-terminated; NULL = none allowed */
    const char *default_variant;  /* used for the bare type name; may be NULL */
    int default_tls;              /* 1 when the vendor serves only HTTPS by default */
    const char *const *hostnames; /* vendor host names put in the TLS certificate; may be NULL */
    const struct mk_route *routes;
    /* Allocates svc->data with an empty state. 0 or CM_E*. */
    int (*create)(struct mk_service *svc, struct cm_err *err);
    void (*destroy)(struct mk_service *svc);
    /* Replaces the state with doc (borrowed). On error the old state is kept. */
    int (*load)(struct mk_service *svc, const cJSON *doc, struct cm_err *err);
    /* The state as JSON; caller frees with cJSON_Delete(). */
    cJSON *(*dump)(struct mk_service *svc);
    /* Renders an error in the vendor's envelope. NULL: the kit's plain JSON error. */
    void (*error)(struct mk_request *req, struct mk_response *resp, int status, const char *code,
                  const char *message);
    /* Console operations that are not part of the vendor API, reached through the admin
     * API as POST /services/<name>/actions/<action> (a portal "generate token", a
     * console "Apply Changes"). Returns a result the caller frees, or NULL with err set.
     * May be NULL when the service has none. */
    cJSON *(*action)(struct mk_service *svc, const char *action, const cJSON *args,
                     struct cm_err *err);
};

struct mk_service {
    const struct mk_service_ops *ops;
    char name[32];    /* instance name */
    char variant[16]; /* "" when none */
    struct mk_runtime *rt;
    pthread_mutex_t lock; /* guards data; taken by the kit, see above */
    void *data;           /* the service's own state, owned by it */
    cJSON *initial;       /* state given at start, for reset; owned by the kit */
    int tls;
    int port;
    char url[128];
};

/* The registry of service types, NULL-terminated (mock/services.c). */
extern const struct mk_service_ops *const mk_service_types[];
/* Resolves "sse-eu" to its type and variant; CM_ENOENT with err naming the known ones. */
int mk_service_resolve(const char *name, const struct mk_service_ops **ops, char *variant,
                       size_t variant_size, struct cm_err *err);

/* Answers an error in the service's envelope (or the kit's default). */
void mk_service_error(struct mk_request *req, struct mk_response *resp, int status,
                      const char *code, const char *message);

/* Runs fn(svc, arg) with another service's lock held, for cross-service look-ups.
 * Never call it for the service whose lock the caller already holds. */
int mk_service_with_lock(struct mk_service *svc, int (*fn)(struct mk_service *, void *), void *arg);

/* The runtime's shared parts, for handlers. */
int64_t mk_service_now(const struct mk_service *svc);

/* n bytes from the kernel's generator (getrandom), for secrets: keys, tokens, credentials.
 * Not OpenSSL's RAND_bytes, whose first call readies OpenSSL's providers and generators,
 * about 3 ms of a mock's start for a few bytes. Aborts if the kernel cannot answer. */
void mk_random_bytes(void *buf, size_t n);

#endif
