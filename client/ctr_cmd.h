/*
 * ctr_cmd.h: `secmock client ctr <command>`, Cisco Threat Response / XDR as
 * an analyst or a SOAR uses it with an ESA module:
 *
 *   investigate  inspect the query, enrich its observables, print the
 *                sightings (table on a terminal, else JSON)
 *   remediate    run Delete, Forward or Forward and Delete on a message
 *                through the ESA module's response actions
 *   devices      the devices Threat Response sees in Security Services
 *                Exchange (the "Registered Device" list of the ESA module form)
 *
 * Options shared by the three: --region or --base-url, --client-id and
 * --client-secret, under "ctr." in the config file (client/config.h).
 * Exit codes: enum rc_exit and enum rc_cisco_exit (client/ctr_api.h).
 */
#ifndef RC_CTR_CMD_H
#define RC_CTR_CMD_H

#include "client/client.h"
#include "client/ctr_api.h"

/* The options naming the Threat Response API client and its cloud (for struct rc_opt tables). */
#define RC_CTR_OPT_CREDS                                                                           \
    {"ctr.region",                                                                                 \
     "--region",                                                                                   \
     NULL,                                                                                         \
     "CTR_REGION",                                                                                 \
     RC_OPT_STRING,                                                                                \
     "nam",                                                                                        \
     "nam|eu|apjc",                                                                                \
     "the Threat Response cloud of the account (SECMOCK_CTR_<REGION>_URL in a scenario)"},         \
        {"ctr.base_url", "--base-url", NULL,  "CTR_BASE_URL",                                      \
         RC_OPT_STRING,  NULL,         "URL", "the API's base URL, instead of the region's host"}, \
        {"ctr.client_id",                                                                          \
         "--client-id",                                                                            \
         NULL,                                                                                     \
         "CTR_CLIENT_ID",                                                                          \
         RC_OPT_STRING,                                                                            \
         NULL,                                                                                     \
         "ID",                                                                                     \
         "API client ID (Threat Response > Settings > API Clients)"},                              \
    {                                                                                              \
        "ctr.client_secret", "--client-secret", NULL, "CTR_CLIENT_SECRET", RC_OPT_STRING, NULL,    \
            "SECRET", "API client password"                                                        \
    }
/* The ctr integration's commands, ending with a NULL name. */
extern const struct rc_command rc_ctr_commands[];

int rc_ctr_investigate_run(struct rc_ctx *ctx);
int rc_ctr_remediate_run(struct rc_ctx *ctx);
int rc_ctr_devices_run(struct rc_ctx *ctx);

/* Opens the session from the ctr.* options; 0, or an exit code after printing the error. */
int rc_ctr_open_session(struct rc_ctx *ctx, struct rc_ctr_session *s);

/* Appends s to b percent-encoded for a query string (RFC 3986 unreserved characters kept). */
void rc_ctr_query_escape(struct cm_buf *b, const char *s);

#endif
