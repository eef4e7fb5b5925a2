/*
 * internal.h: the runtime's private structures, shared by the kit's own
 * files (runtime.c, server.c, admin.c) and by nothing else.
 */
#ifndef MK_INTERNAL_H
#define MK_INTERNAL_H

#include <limits.h>

#include "mock/kit/runtime.h"
#include "mock/kit/tls.h"

struct MHD_Daemon;

/* One bound socket served by one libmicrohttpd daemon. svc is NULL for the admin API. */
struct mk_listener {
    struct MHD_Daemon *daemon;
    struct mk_runtime *rt;
    struct mk_service *svc;
    int fd;
    int port;
    int tls;
    int tlscred;              /* holds the process's shared leaf (tlscred.h) */
    struct mk_delays *delays; /* requests held by a delay fault (server.c) */
};

/*
 * The runtime. Fields are set before start and read-only afterwards, except
 * the clock, journal and faults (each with its own lock) and each service's
 * data (behind the service's lock).
 */
struct mk_runtime {
    struct mk_runtime_config cfg; /* strings point into owned copies below */
    char *owned[12];
    int nowned;
    struct mk_clock clock;
    struct mk_journal journal;
    struct mk_faults faults;
    struct mk_service *services[MK_MAX_SERVICES];
    int requested_port[MK_MAX_SERVICES];
    int nservices;
    struct mk_listener listeners[MK_MAX_SERVICES];
    struct mk_listener admin;
    struct mk_tls_material tls; /* generated or loaded when any listener is HTTPS */
    char admin_url[128];
    char ca_file[PATH_MAX];
    char tls_dir[PATH_MAX];
    int tls_dir_made; /* we created tls_dir and remove it at exit */
    int started;
};

/* Binds addr:port (0 = ephemeral) and starts a daemon on it. */
int mk__listen(struct mk_runtime *rt, struct mk_listener *l, const char *addr, int port, int tls,
               struct cm_err *err);
void mk__unlisten(struct mk_listener *l);
/* The admin API's router (admin.c). */
void mk__admin_dispatch(struct mk_request *req, struct mk_response *resp);
/* Puts a service back to its initial state (runtime.c). */
int mk__service_load(struct mk_service *svc, const cJSON *doc, struct cm_err *err);
int mk__runtime_reset(struct mk_runtime *rt, struct cm_err *err);

#endif
