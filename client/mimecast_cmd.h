/*
 * mimecast_cmd.h: `secmock client mimecast <command>`: the command table
 * client/main.c dispatches to, and what its commands share.
 *
 *   keys     discover-authentication and login over API 1.0; prints the
 *            access and secret keys (client/mimecast_keys.c)
 *   ingest   pulls one type of TTP logs since the checkpoint and writes
 *            MITRE-mapped alerts as JSON lines (client/mimecast_ingest.c)
 *   check    judges a configuration as Sophos Central's integration status
 *            would, with harmless reads only (client/mimecast_check.c)
 *
 * Credentials are options under "mimecast." (flags > environment > config
 * file, client/config.h), so the JSON `keys` prints is itself a config file
 * `ingest --config` can read.
 *
 * Ownership: rc_mm_read_creds() fills creds with strings borrowed from the
 * context's config (valid until rc_ctx_close()).
 */
#ifndef RC_MIMECAST_CMD_H
#define RC_MIMECAST_CMD_H

#include "client/client.h"
#include "client/mimecast_api.h"

/* The mimecast integration's commands, ending with a NULL name. */
extern const struct rc_command rc_mm_commands[];

/* Reads the credential options into creds (api from --api, or API 2.0 when a client ID is
 * given). 0, or an exit code after printing the error. */
int rc_mm_read_creds(struct rc_ctx *ctx, struct rc_mm_creds *creds);

int rc_mm_keys_run(struct rc_ctx *ctx);
int rc_mm_ingest_run(struct rc_ctx *ctx);
int rc_mm_check_run(struct rc_ctx *ctx); /* client/mimecast_check.c */

#endif
