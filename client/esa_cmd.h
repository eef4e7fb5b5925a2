/*
 * esa_cmd.h: `secmock client esa <command>`: the client plays a Cisco Email
 * Security Appliance (Secure Email Gateway) and its Network > Cloud Service
 * Settings page (CLI: cloudserviceconfig):
 *
 *   status           Cloud Services and registration status
 *   cloud-services   enable --server REGION|URL, or disable (pending until commit)
 *   global-settings  Edit Global Settings: --xdr and --csn enable|disable (pending)
 *   commit           apply the pending changes (Commit Changes)
 *   register         --token T: register with Security Services Exchange, wait
 *   deregister       Deregister
 *   usage            send the Cisco Success Network usage report
 *   check            check the configuration, reads only (client/esa_check.h)
 *
 * The appliance lives in a state file (--state FILE, client/esa_state.h).
 * Exit codes: enum rc_exit and enum rc_cisco_exit (client/ctr_api.h).
 */
#ifndef RC_ESA_CMD_H
#define RC_ESA_CMD_H

#include "client/client.h"

/* The esa integration's commands, ending with a NULL name. */
extern const struct rc_command rc_esa_commands[];

/* Seconds the Cisco Cloud Service stays busy after a commit that enables it or changes its
 * server (ours: the Japanese guide says to wait a few minutes for the Register button). */
#define RC_ESA_BUSY_MS 60000
/* Poll interval of a registration (an ESA test suite polls every 10 s for up to 2 minutes). */
#define RC_ESA_POLL_MS 10000

int rc_esa_status_run(struct rc_ctx *ctx);
int rc_esa_cloud_services_run(struct rc_ctx *ctx);
int rc_esa_global_settings_run(struct rc_ctx *ctx);
int rc_esa_commit_run(struct rc_ctx *ctx);
int rc_esa_register_run(struct rc_ctx *ctx);
int rc_esa_deregister_run(struct rc_ctx *ctx);
int rc_esa_usage_run(struct rc_ctx *ctx);

#endif
