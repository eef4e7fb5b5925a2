/*
 * esa_check.h: `secmock client esa check`: is this appliance + Threat Response
 * / XDR configuration ready? The check reads, never changes: the appliance's
 * state file (it is not written back), Security Services Exchange as the
 * appliance sees it (the registration poll, the device's status, a token's
 * status) and Threat Response as its API client sees it (a token, the org's
 * SSE account, the Registered Device list, the module instances).
 *
 * It is two steps so the judgement can be tested without a network:
 * rc_esa_check_gather() makes the reads into struct rc_esa_check_facts, and
 * rc_esa_check_judge() turns facts into findings, one per item of the seeds'
 * setup and troubleshooting, in their order:
 *
 *   cloud-services  Cisco Cloud Services enabled and committed
 *   commit          no uncommitted change
 *   region          the server's region = the Threat Response account's = the device's
 *   token           (with --token, not registered) valid, unexpired, devices left, same region
 *   registration    registered, and SSE still knows the device
 *   xdr             Cisco XDR enabled on the appliance and in SSE
 *   api-client      the Threat Response API client gets a token in its region
 *   threat-response Cisco Threat Response on SSE's Cloud Services tab
 *   device-visible  the device in Threat Response's Registered Device list
 *   esa-module      an ESA module with this device
 *   remediation     the module's remediation profile and forward address
 *   csn             Cisco Success Network, the appliance's and SSE's
 *
 * Findings, their text and JSON forms and the exit code are the shared check
 * report's (client/check.h): the code of the first FAIL, the first to fix.
 *
 * Ownership: facts own their modules document (rc_esa_check_facts_release());
 * the report is caller storage.
 */
#ifndef RC_ESA_CHECK_H
#define RC_ESA_CHECK_H

#include <cjson/cJSON.h>

#include "client/check.h"
#include "client/client.h"
#include "client/esa_state.h"

/* One read of Threat Response: asked, and its exit code (0: answered) and message. */
struct rc_check_read {
    int asked;
    int exit;
    char msg[1024];
};

/* What the reads found. Zeroed means "not asked"; filled by gather, or by a test. */
struct rc_esa_check_facts {
    struct rc_esa_state st; /* the appliance, with a polled registration's outcome */
    int64_t now_ms;
    /* Security Services Exchange, as the appliance reaches it */
    int sse_exit; /* not 0: SSE could not be asked (the exit code), sse_msg says why */
    char sse_msg[1024];
    long device_http;       /* GET /v1/devices/<id>: 0 not asked, else the status */
    char device_region[16]; /* as SSE gives them */
    char device_org[64];
    int device_xdr, device_csn; /* SSE's services of the device */
    /* the registration token, when given and the appliance is not registered */
    const char *token; /* borrowed; NULL when not given */
    long token_http;   /* GET /v1/tokens/<token>: 0 not asked, else the status */
    char token_state[16], token_region[16], token_org[64], token_expires[40];
    char token_code[48]; /* SSE's error code of a 404 */
    int token_devices, token_remaining;
    /* Threat Response / XDR */
    int ctr_given; /* an API client was given */
    int ctr_exit;  /* not 0: no token (the exit code), ctr_msg says why */
    char ctr_msg[1024];
    char ctr_region[16];  /* the account's region, "" unknown */
    char ctr_url[256];    /* the API's base URL */
    char ctr_client[128]; /* the client id */
    struct rc_check_read tenant, devices, modules;
    char tenant_org[64];
    int sse_account, threat_response; /* from GET /iroh/iroh-sse/tenant */
    int device_visible;               /* the device is in GET /iroh/iroh-sse/device */
    cJSON *module_list;               /* GET /iroh/iroh-int/module-instance; owned */
};

void rc_esa_check_facts_release(struct rc_esa_check_facts *f);

/* Judges facts into report (pure). */
void rc_esa_check_judge(const struct rc_esa_check_facts *f, struct rc_check_report *r);
/* The reads, from the command's options (esa.state, esa.token, ctr.*). 0, or an exit code
 * after printing (a bad option or state file). */
int rc_esa_check_gather(struct rc_ctx *ctx, struct rc_esa_check_facts *f);
int rc_esa_check_run(struct rc_ctx *ctx);

#endif
