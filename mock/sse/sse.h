/*
 * sse.h: the Cisco Security Services Exchange mock (one service per region:
 * sse-nam, sse-eu, sse-apjc), shared between its files and the Threat
 * Response mock (mock/ctr/), which looks devices up here.
 *
 * State (docs/cisco.md, "SSE state") is kept as one normalized cJSON document
 * per service, validated by sse_state_load(): the document is the single
 * source of truth, so dump is a copy and patch/reset come for free from the
 * kit. Registrations complete lazily: sse_settle() moves every registration
 * whose completion time has passed on the virtual clock to its outcome, and
 * every entry point (handler, action, dump, cross-service look-up) calls it
 * first.
 *
 * Regions: each region is its own service with its own accounts, so a token
 * of sse-eu is unknown to sse-nam. To tell "unknown" from "made in another
 * region" (the journal verdict region_mismatch) and to refuse a serial that is
 * registered elsewhere, every sse service publishes its token strings and
 * registered serials to a process-wide index (sse_index_*) guarded by a leaf
 * mutex: it is taken after a service lock and never held while taking one, so
 * no sse service ever locks another (the kit's lock order: ctr -> sse only).
 *
 * Ownership: every function takes borrowed pointers unless it says otherwise;
 * results documented as "caller frees" are released with cJSON_Delete() or
 * free().
 */
#ifndef SSE_H
#define SSE_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "mock/kit/service.h"

#define SSE_TOKEN_LEN        32
#define SSE_CREDENTIAL_LEN   64
#define SSE_UUID_LEN         36
#define SSE_MAX_ACCOUNTS     100
#define SSE_MAX_TOKENS       10000 /* per account */
#define SSE_MAX_DEVICES      10000 /* per account */
#define SSE_MAX_REGS         10000 /* registrations kept per region; oldest completed dropped */
#define SSE_BODY_MAX         (64 * 1024)
#define SSE_DEFAULT_DELAY_MS 20000

extern const char SSE_TOKEN_MESSAGE[]; /* "The registration failed because of an invalid or ..." */

/* The service's data: the state document (normalized, owned). */
struct sse {
    cJSON *state;
};

/* ---- helpers shared with the ctr mock (sse_util.c) ---- */

/* n random bytes as 2n lowercase hex characters into out (size > 2n). */
void sse_rand_hex(char *out, size_t size, size_t nbytes);
/* A random version-4 UUID, lowercase, into out (size > 36). */
void sse_uuid(char *out, size_t size);
/* 1 when s is exactly n characters of 0-9a-f. */
int sse_is_lower_hex(const char *s, size_t n);
/* 1 when s is an IPv4 (4) or IPv6 (6) literal; 0 otherwise. */
int sse_ip_version(const char *s);
/* The time as RFC 3339 UTC into out; a state time back to ms (0 or CM_EPARSE). */
void sse_time(int64_t ms, char *out, size_t size);
int sse_time_get(const cJSON *obj, const char *key, int64_t *ms);
/* Sets obj[key] to item (taking ownership), replacing any previous value. */
void sse_set(cJSON *obj, const char *key, cJSON *item);

/* ---- registration tokens (sse_token.c) ---- */

/* The expiry choices the portal offers (1h, 2h, 4h, 6h, 8h, 12h, 1d .. 5d). Parses s as a
 * duration and writes the canonical label ("1h", "2d") into label; 0, or CM_EINVAL when s is
 * not one of the offered values. */
int sse_expiry_parse(const char *s, int64_t *ms, char *label, size_t label_size);
/* Why a token cannot register a device right now, as a journal verdict, or NULL when it
 * can. tok is the token's state object. */
const char *sse_token_refusal(const cJSON *tok, int64_t now_ms);
/* "active", "expired", "used_up" or "revoked". */
const char *sse_token_status(const cJSON *tok, int64_t now_ms);

/* ---- state (sse_state.c) ---- */

/* Validates doc and replaces the state with its normalized copy; on error nothing changes. */
int sse_state_load(struct mk_service *svc, const cJSON *doc, struct cm_err *err);
/* Moves registrations whose completion time is <= now to their outcome (creating devices). */
void sse_settle(struct mk_service *svc, int64_t now_ms);
/* The account object of org, or NULL. */
cJSON *sse_account(struct sse *s, const char *org);
/* Finds a device by id in any account; sets *org_out (borrowed key) when found. */
cJSON *sse_device_find(struct sse *s, const char *device_id, const char **org_out);
/* The region's label: the service variant ("nam", "eu", "apjc"). */
const char *sse_region(const struct mk_service *svc);

/* ---- the process-wide index (sse_state.c) ---- */

/* Publishes svc's tokens and registered/pending serials; call after every change. */
void sse_index_publish(struct mk_service *svc);
/* Removes svc from the index (destroy). */
void sse_index_forget(struct mk_service *svc);
/* 1 and the region into region (size >= 16) when another sse service of svc's runtime holds
 * the token (kind 't') or the serial (kind 's'); 0 otherwise. */
int sse_index_find_elsewhere(struct mk_service *svc, char kind, const char *value, char *region,
                             size_t size);

/* ---- portal console actions (sse_portal.c) ---- */

cJSON *sse_action(struct mk_service *svc, const char *action, const cJSON *args,
                  struct cm_err *err);
/* Generates a token in account org (the core of generate-token and of the CTR tenant token
 * call): devices 1..100, expiry label as sse_expiry_parse accepts, token NULL for a random one.
 * Returns the token's public view (caller frees) or NULL with err set. */
cJSON *sse_token_generate(struct mk_service *svc, const char *org, int devices, const char *expiry,
                          const char *token, struct cm_err *err);
/* The portal's view of a token: token, org, devices, used, remaining, expiry, created, expires,
 * status (sse_token_status at now). Caller frees. */
cJSON *sse_token_view(const char *token, const char *org, const cJSON *t, int64_t now);
/* The portal's row for a device: name, type, version, status, description, id, ip,
 * connector_version, created. Caller frees. */
cJSON *sse_device_row(const char *device_id, const cJSON *dev);
/* Removes a device (portal delete, CTR delete, deregistration). 0 or CM_ENOENT. */
int sse_device_remove(struct mk_service *svc, const char *device_id);

/* ---- look-ups for the ctr mock: each takes sse's lock itself (never call with it held) ---- */

/* The devices of org that Threat Response can see: registered, in an account whose Cloud
 * Services "threat_response" toggle is on. Returns an array of portal rows plus "serial",
 * "xdr" (bool); an empty array when the toggle is off or org is unknown. Caller frees. */
cJSON *sse_visible_devices(struct mk_service *sse, const char *org);
/* 1 when the toggle of org is on, 0 otherwise. */
int sse_threat_response_enabled(struct mk_service *sse, const char *org);
/* Deletes a device of org seen through CTR; 0, or CM_ENOENT when it is not visible. */
int sse_delete_visible_device(struct mk_service *sse, const char *org, const char *device_id);
/* The account of org as its Cloud Services tab shows it: {"name", "threat_response" (bool),
 * "devices" (count, whatever the toggle)}; NULL when org has no account here. Caller frees. */
cJSON *sse_account_view(struct mk_service *sse, const char *org);
/* A tenant registration token (1 device, 1h) in org's account; caller frees, NULL when the
 * account does not exist. */
cJSON *sse_tenant_token(struct mk_service *sse, const char *org, struct cm_err *err);

/* The service type (sse.c). */
extern const struct mk_service_ops sse_service_ops;

#endif
