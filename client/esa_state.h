/*
 * esa_state.h: the appliance `secmock client esa` plays, kept in a JSON state
 * file between commands (--state FILE).
 *
 * Like AsyncOS, the appliance has a committed configuration (what runs) and
 * pending changes (what Submit saved but Commit has not applied yet): the CTR
 * tech note's troubleshooting "ESA does not ask for the registration token"
 * is exactly a pending Threat Response change. The file holds:
 *
 *   {"appliance": {name, type, version, serial, ip, connector_version,
 *                  description, model, license, deployment, user_account_id,
 *                  install_date},
 *    "committed": {"cloud_services", "server", "xdr", "csn"},
 *    "pending":   the same, or absent when nothing is uncommitted,
 *    "busy_until": ms since the epoch (the Cisco Cloud Service is busy after
 *                  a commit that turned it on or changed its server),
 *    "registration": {"status": "none"|"in_progress"|"registered"|"failed",
 *                     "server", "region", "base_url", "registration_id",
 *                     "submitted", "device_id", "device_token",
 *                     "error_code", "error"}}
 *
 * "server" is a region name (nam, eu, apjc) or a URL. The file is replaced
 * atomically (cm_write_file_atomic) after every change, so a command stopped
 * at any point leaves the old or the new state, never half of one; a
 * registration submitted and not yet complete is resumed by `esa status`.
 *
 * Ownership: struct rc_esa_state is caller storage of fixed-size strings;
 * nothing to free. Functions borrow their arguments.
 */
#ifndef RC_ESA_STATE_H
#define RC_ESA_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* One SSE region (the appliance's "Threat Response Server" / "Cisco Secure server"). Static. */
struct rc_esa_region {
    const char *name;   /* "nam", "eu", "apjc" */
    const char *label;  /* "AMERICAS", "EUROPE", "APJC" */
    const char *host;   /* "api-sse.cisco.com" */
    const char *env;    /* "SECMOCK_SSE_NAM_URL" */
    const char *portal; /* "https://admin.sse.itd.cisco.com/" */
};

/* The region called name: nam|na|us|americas, eu|europe, apjc|apj|asia, a vendor host, or a
 * label such as "EUROPE (api.eu.sse.itd.cisco.com)"; any case. NULL when none. */
const struct rc_esa_region *rc_esa_region_find(const char *name);

#define RC_ESA_STR 256
#define RC_ESA_URL 512

struct rc_esa_settings {
    int cloud_services;      /* Cisco Cloud Services / Threat Response: Enabled */
    char server[RC_ESA_URL]; /* a region name or a URL */
    int xdr;                 /* Cisco XDR / Threat Response: Enable (Edit Global Settings) */
    int csn;                 /* Cisco Success Network: Enable */
};

struct rc_esa_appliance {
    char name[RC_ESA_STR], type[32], version[64], serial[65], ip[64], connector_version[32];
    char description[RC_ESA_STR], model[64], license[16], deployment[16];
    char user_account_id[128];
    int64_t install_date_ms;
};

enum rc_esa_reg_status {
    RC_ESA_REG_NONE,
    RC_ESA_REG_IN_PROGRESS,
    RC_ESA_REG_REGISTERED,
    RC_ESA_REG_FAILED
};

struct rc_esa_registration {
    enum rc_esa_reg_status status;
    char server[RC_ESA_URL];   /* the committed server it was made against */
    char region[16];           /* as SSE reported it */
    char base_url[RC_ESA_URL]; /* the SSE API it talks to */
    char registration_id[64];
    char submitted[40];
    char device_id[64];
    char device_token[160];
    char error_code[64];
    char error[RC_ESA_STR * 2];
};

struct rc_esa_state {
    struct rc_esa_appliance appliance;
    struct rc_esa_settings committed;
    struct rc_esa_settings pending;
    int has_pending;
    int64_t busy_until_ms;
    struct rc_esa_registration reg;
};

/* A fresh appliance (the CTR tech note's lab ESA: esa03.mex-amp.inlab, C100V, AsyncOS
 * 13.0.0-392), Cloud Services disabled, server AMERICAS, installed at now_ms. */
void rc_esa_state_init(struct rc_esa_state *st, int64_t now_ms);

/* Reads path into st. CM_ENOENT when it does not exist (st untouched), CM_EPARSE with err for
 * a file that is not a state file. */
int rc_esa_state_load(const char *path, struct rc_esa_state *st, struct cm_err *err);
/* Replaces path atomically with st. */
int rc_esa_state_save(const char *path, const struct rc_esa_state *st, struct cm_err *err);

/* The settings a change starts from: the pending ones if any, else the committed. */
struct rc_esa_settings *rc_esa_state_editable(struct rc_esa_state *st);
/* 1 when pending differs from committed (what Commit would apply). */
int rc_esa_state_uncommitted(const struct rc_esa_state *st);

/* "AMERICAS (api-sse.cisco.com)" for a region name, or the URL itself, into out. */
void rc_esa_server_label(const char *server, char *out, size_t size);
/* The region name of a server ("nam" for a region, NULL for a URL). */
const char *rc_esa_server_region(const char *server);

const char *rc_esa_reg_status_name(enum rc_esa_reg_status s);

#endif
