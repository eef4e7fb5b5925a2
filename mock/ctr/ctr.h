/*
 * ctr.h: the Cisco Threat Response / XDR mock (IROH API), one service per
 * region (ctr-nam, ctr-eu, ctr-apjc), shared between its files.
 *
 * IROH is served at the root of each listener (/iroh/...) so unmodified
 * public clients (the threatresponse Python module with environment=...)
 * can be pointed at it. What lives where:
 *
 *   ctr.c          service type, routes, error envelopes, profile
 *   ctr_state.c    the state document: validation and normalization
 *   ctr_auth.c     /iroh/oauth2/token, bearer checks, the per-org rate limit
 *   ctr_inspect.c  /iroh/iroh-inspect/inspect and the observable vocabulary
 *   ctr_email.c    the ESA module's message tracking data: observe, deliberate,
 *                  refer, respond, trigger (CTIM sightings)
 *   ctr_module.c   module instances, console actions, the look-ups into SSE
 *
 * State is one normalized cJSON document (docs/cisco.md, "CTR state"),
 * replaced whole by load(); handlers run under the service lock (the kit's),
 * and reach the same region's SSE service only through the sse_* look-ups,
 * which take sse's lock: the lock order is ctr -> sse, never the reverse.
 *
 * Ownership: pointers are borrowed unless said otherwise; "caller frees"
 * means cJSON_Delete() (or free() for char *).
 */
#ifndef CTR_H
#define CTR_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "mock/kit/service.h"

#define CTR_BODY_MAX         (1024 * 1024)
#define CTR_INSPECT_MAX      (64 * 1024) /* characters of inspect content */
#define CTR_MAX_OBSERVABLES  1000
#define CTR_MAX_TOKENS       10000
#define CTR_MAX_MESSAGES     10000 /* per device */
#define CTR_MAX_REMEDIATIONS 1000  /* per org, oldest dropped */
#define CTR_DEFAULT_TTL_MS   600000
#define CTR_DEFAULT_LIMIT    8000
#define CTR_ESA_TYPE_ID      "ed5e4e5c-3e0b-4f67-a0c6-1ab7d5e0e5a1" /* ours */
#define CTR_ESA_TYPE_NAME    "ESAModule"                            /* ours */
#define CTR_SCHEMA_VERSION   "1.3.29"                               /* [ctim] */

struct ctr {
    cJSON *state; /* normalized, owned */
};

/* ---- state (ctr_state.c) ---- */

int ctr_state_load(struct mk_service *svc, const cJSON *doc, struct cm_err *err);
/* The org object, or NULL. */
cJSON *ctr_org(struct ctr *c, const char *org);
/* Validates and normalizes one message of the tracking data into out; where names it. */
int ctr_message_load(const cJSON *in, const char *where, int64_t now, cJSON *out,
                     struct cm_err *err);
/* Validates and normalizes one module into out. */
int ctr_module_load(const cJSON *in, const char *where, int64_t now, cJSON *out,
                    struct cm_err *err);
/* The 22 API client scopes of [sx00], NULL-terminated. */
extern const char *const ctr_all_scopes[];

/* ---- errors and auth (ctr.c, ctr_auth.c) ---- */

/* RFC 6749/6750 style {"error": code, "error_description": message} (ours), sets the verdict. */
void ctr_error(struct mk_request *req, struct mk_response *resp, int status, const char *code,
               const char *message);
/* 400 {"errors": {"<member>": "<problem>"}}, the plumatic-schema style of [tr05]. */
void ctr_invalid(struct mk_request *req, struct mk_response *resp, const char *member,
                 const char *problem);
/* Checks the bearer token, the rate limit and scope; returns the caller's org id (borrowed
 * from the state) or NULL after answering 401/403/429. */
const char *ctr_authorize(struct mk_request *req, struct mk_response *resp, const char *scope);
int ctr_token(struct mk_request *req, struct mk_response *resp);
/* Base64 helpers: decode standard base64 into out (NUL-terminated); 0 or -1. URL-safe
 * unpadded encoding; caller frees. */
int ctr_b64_decode(const char *in, char *out, size_t size);
char *ctr_b64url(const void *data, size_t len);
/* Form body look-up (application/x-www-form-urlencoded): decoded value of name into out;
 * 1 when found. */
int ctr_form_get(const char *body, size_t len, const char *name, char *out, size_t size);

/* ---- inspect (ctr_inspect.c) ---- */

/* 1 when type is a CTIM observable type. */
int ctr_observable_type_known(const char *type);
/* The observables found in text (len bytes): an array of {"type","value"} in order of
 * appearance, without duplicates, at most CTR_MAX_OBSERVABLES. Caller frees. */
cJSON *ctr_inspect_text(const char *text, size_t len);
int ctr_inspect(struct mk_request *req, struct mk_response *resp);

/* ---- the ESA module (ctr_email.c) ---- */

/* Parses the body as an array of observables; NULL after answering 400/413. Caller frees. */
cJSON *ctr_observables_body(struct mk_request *req, struct mk_response *resp);
/* 1 when message msg matches the observable. */
int ctr_message_matches(const cJSON *msg, const char *type, const char *value);
/* A CTIM sighting of msg for the observable, seen by module (name) on device (its portal
 * row). Caller frees. */
cJSON *ctr_sighting(const cJSON *msg, const char *type, const char *value, const char *module_name,
                    const cJSON *device, int64_t now_ms);
int ctr_observe(struct mk_request *req, struct mk_response *resp);
int ctr_deliberate(struct mk_request *req, struct mk_response *resp);
int ctr_refer(struct mk_request *req, struct mk_response *resp);
int ctr_respond(struct mk_request *req, struct mk_response *resp);
int ctr_trigger(struct mk_request *req, struct mk_response *resp);

/* ---- modules and SSE (ctr_module.c) ---- */

/* The same region's SSE service (sse-<region>, or the bare "sse" for nam), or NULL. */
struct mk_service *ctr_sse_service(struct mk_service *svc);
/* The device a module uses, as SSE shows it to Threat Response (portal row + serial, xdr),
 * or NULL with why filled (a sentence for the module's error). Caller frees. */
cJSON *ctr_module_device(struct mk_service *svc, const char *org, const cJSON *module, char *why,
                         size_t size);
/* A module instance as /iroh/iroh-int/module-instance shows it. Caller frees. */
cJSON *ctr_module_view(const char *id, const cJSON *module);
cJSON *ctr_action(struct mk_service *svc, const char *action, const cJSON *args,
                  struct cm_err *err);
int ctr_settings(struct mk_request *req, struct mk_response *resp);
int ctr_health(struct mk_request *req, struct mk_response *resp);
int ctr_mi_list(struct mk_request *req, struct mk_response *resp);
int ctr_mi_get(struct mk_request *req, struct mk_response *resp);
int ctr_mi_create(struct mk_request *req, struct mk_response *resp);
int ctr_mi_delete(struct mk_request *req, struct mk_response *resp);
int ctr_mt_list(struct mk_request *req, struct mk_response *resp);
int ctr_sse_list(struct mk_request *req, struct mk_response *resp);
int ctr_sse_get(struct mk_request *req, struct mk_response *resp);
int ctr_sse_delete(struct mk_request *req, struct mk_response *resp);
int ctr_sse_tenant_token(struct mk_request *req, struct mk_response *resp);
int ctr_sse_tenant(struct mk_request *req, struct mk_response *resp);

extern const struct mk_service_ops ctr_service_ops;

#endif
