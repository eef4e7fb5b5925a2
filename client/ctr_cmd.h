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

/* The ctr integration's commands, ending with a NULL name. */
extern const struct rc_command rc_ctr_commands[];

int rc_ctr_investigate_run(struct rc_ctx *ctx);
int rc_ctr_remediate_run(struct rc_ctx *ctx);
int rc_ctr_devices_run(struct rc_ctx *ctx);

/* Appends s to b percent-encoded for a query string (RFC 3986 unreserved characters kept). */
void rc_ctr_query_escape(struct cm_buf *b, const char *s);

#endif
