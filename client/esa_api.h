/*
 * esa_api.h: the appliance's side of the device registration protocol
 * between an ESA and Security Services Exchange, written from docs/cisco.md
 * ("Device registration protocol (ours)") and shared with nothing in mock/.
 *
 *   POST   /v1/devices/register              submit {token, device, services}: 202
 *   GET    /v1/devices/registrations/<id>    poll: in_progress, registered, failed
 *   GET    /v1/devices/<device_id>           device status (Bearer device_token)
 *   PUT    /v1/devices/<device_id>/services  {"xdr", "csn"} (Edit Global Settings)
 *   DELETE /v1/devices/<device_id>           deregister
 *   POST   /v1/devices/<device_id>/usage     Cisco Success Network report
 *
 * Errors are {"error": {"code", "message"}}. The base URL of a region's SSE
 * is SECMOCK_SSE_<REGION>_URL inside a scenario (nam also SECMOCK_SSE_URL),
 * else https://<the vendor host>; a server given as a URL is used as it is.
 *
 * The appliance's own words (the CTR tech note's screens, the ESA test
 * suites' strings) are the RC_ESA_MSG_* below; those marked (ours) are
 * invented where no public text was found.
 *
 * Ownership: answers are the caller's (cJSON_Delete()); everything else is
 * borrowed for the call.
 */
#ifndef RC_ESA_API_H
#define RC_ESA_API_H

#include <cjson/cJSON.h>

#include "client/client.h"
#include "client/esa_state.h"
#include "common/buf.h"

/* [tn215556] step 4 */
#define RC_ESA_MSG_COMMITTED "Success \xe2\x80\x94 Your changes have been committed."
#define RC_ESA_MSG_BUSY                                                                            \
    "The Cisco Cloud Service is busy. Navigate back to this page after some time to check the "    \
    "appliance status."
/* [tn215556] step 6 */
#define RC_ESA_MSG_INITIATED                                                                       \
    "Success \xe2\x80\x94 A request to register your appliance with the Cisco Threat Response "    \
    "portal is initiated. Navigate back to this page after some time to check the appliance "      \
    "status."
#define RC_ESA_MSG_IN_PROGRESS                                                                     \
    "The appliance registration is in progress. Navigate back to this page after some time to "    \
    "check the appliance status."
/* [esa-robot] index ids 15597846974, 15653004855 */
#define RC_ESA_MSG_INVALID_TOKEN "The registration failed because of an invalid or expired token"
/* (ours) */
#define RC_ESA_MSG_REGISTERED                                                                      \
    "Success \xe2\x80\x94 Your appliance is successfully registered with the Cisco Threat "        \
    "Response portal."
#define RC_ESA_MSG_DEREGISTERED                                                                    \
    "Success \xe2\x80\x94 Your appliance is successfully deregistered from the Cisco Threat "      \
    "Response portal."
/* Japanese XDR guide, "登録が成功したかどうかの確認" note (translated) */
#define RC_ESA_MSG_SWITCH_SERVER                                                                   \
    "To switch to another Cisco XDR server (such as api.eu.sse.itd.cisco.com for Europe), first "  \
    "deregister the email gateway from the Cisco Cloud Services portal (Network > Cloud Service "  \
    "Settings > Deregister)"
/* [tn215556] troubleshooting "ESA ne demande pas le jeton d'enregistrement" (translated) */
#define RC_ESA_MSG_NOT_COMMITTED                                                                   \
    "the appliance does not ask for the registration token: Threat Response was enabled but the "  \
    "changes were not committed, so they are not applied to the Threat Response section. Commit "  \
    "the changes (`secmock client esa commit`), then register"

/* The SSE base URL for a server (region name or URL) into out (no trailing '/'). */
void rc_esa_base_url(const char *server, char *out, size_t size);

/* The SSE base URL of the state's registration: the one it recorded, else the
 * one of its server (a state file written by hand may leave base_url out). */
void rc_esa_reg_base_url(const struct rc_esa_state *st, char *out, size_t size);

/* One exchange with SSE. */
struct rc_esa_answer {
    long status;                /* HTTP status */
    cJSON *doc;                 /* the parsed body, or NULL; owned */
    const char *code, *message; /* the error's, borrowed from doc ("" when none) */
};

/*
 * method on base_url + path, with the device credential when bearer is not NULL and body
 * (JSON text) when not NULL. 0 when an answer came (any status; a->doc is the caller's to
 * free with rc_esa_answer_release()), else an exit code after printing why.
 */
int rc_esa_call(struct rc_ctx *ctx, const char *method, const char *base_url, const char *path,
                const char *bearer, const char *body, struct rc_esa_answer *a);
void rc_esa_answer_release(struct rc_esa_answer *a);

/* The registration request body for this appliance and token. Caller frees (cJSON_Delete). */
cJSON *rc_esa_register_body(const struct rc_esa_state *st, const char *token);
/* The Cisco Success Network report of this appliance (docs/cisco.md step 6). Caller frees. */
cJSON *rc_esa_usage_report(const struct rc_esa_state *st);

/*
 * Reads a poll answer into st->reg: status, device id and credential, or the failure. Returns
 * the new status. A 200 with an unknown status leaves it in progress.
 */
enum rc_esa_reg_status rc_esa_read_poll(const cJSON *doc, struct rc_esa_registration *reg);

/* What to do after a failed registration, appended to msg: the seed's troubleshooting (the
 * region's portal, expiry, device count) for an invalid token, deregistration otherwise. */
void rc_esa_failure_hint(const struct rc_esa_registration *reg, struct cm_buf *msg);

/* A message for an unexpected answer (what failed, SSE's code and message); returns the exit
 * code: 4 for a refused device credential, 5 for csn_disabled, else 1. */
int rc_esa_explain(const char *what, const struct rc_esa_answer *a, struct cm_buf *msg);

#endif
