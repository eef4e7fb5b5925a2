/*
 * mimecast_check.h: `secmock client mimecast check`: would this Mimecast
 * configuration work in Sophos Central? It answers the way the
 * integration's status does, one finding per item of the Sophos setup guide
 * (../shared/seeds/sophos-mimecast-setup.fr.txt), and makes only harmless
 * reads: discover-authentication, get-account, one page of one record of
 * each log type, and for API 2.0 the token those need.
 *
 * Two steps, so the judgement is tested without a network:
 * rc_mm_check_gather() makes the reads into struct rc_mm_check_facts, and
 * rc_mm_check_judge() turns facts into findings (client/check.h), in the
 * guide's order:
 *
 *   keys              API 1.0 keys given, or when Create Keys will work (30 min)
 *   credentials       the keys (or the API 2.0 client) accepted
 *   region            the base URL serves the account
 *   admin-ip          the caller's address inside the Admin IP Ranges
 *   clock             this host's clock near Mimecast's
 *   auth-cache-ttl    (API 1.0) the binding never expires
 *   enhanced-logging  Inbound, Outbound and Internal
 *   permission.<type> the role's Monitoring permission for url, impersonation,
 *                     attachment (each type asked for; all by default)
 *
 * A failed read stops what depends on it: nothing is judged past a refused
 * credential, region, address or clock. Exit codes are the mimecast table's:
 * 4 credentials or keys, 5 a console or host setting, 1 another error, 3 no
 * answer.
 *
 * Ownership: facts own account (rc_mm_check_facts_release()); strings in
 * them are borrowed from the command's session or are copies in arrays.
 */
#ifndef RC_MIMECAST_CHECK_H
#define RC_MIMECAST_CHECK_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "client/check.h"
#include "client/mimecast_api.h"

/* One read: asked, and when it failed its exit code, HTTP status, error code and the
 * Mimecast client's explanation. */
struct rc_mm_check_read {
    int asked;
    int exit; /* 0: answered with success */
    long status;
    char code[96];  /* Mimecast's error code, "" when none */
    char text[512]; /* Mimecast's message */
    char msg[2048]; /* the Mimecast client's explanation */
};

#define RC_MM_CHECK_TYPES 3 /* url, impersonation, attachment (rc_mm_logtypes order) */

struct rc_mm_check_facts {
    enum rc_mm_api api;
    int64_t now_ms;
    const char *base_url, *app_id, *user, *client_id; /* borrowed; may be NULL */
    const char *source_addr;                          /* borrowed; NULL: any */
    int has_keys;                                     /* API 1.0 access and secret key given */
    int has_password;                                 /* user and password given */
    /* API 1.0 without keys: discover-authentication */
    struct rc_mm_check_read discover;
    char keys_at[40]; /* discover's keysAvailableAt, "" when not said */
    /* get-account */
    struct rc_mm_check_read account;
    cJSON *acct; /* data[0] of get-account; owned, NULL when not read */
    /* one get-logs per type asked */
    int want[RC_MM_CHECK_TYPES];
    struct rc_mm_check_read logs[RC_MM_CHECK_TYPES];
};

void rc_mm_check_facts_release(struct rc_mm_check_facts *f);

/* Judges facts into report (pure). */
void rc_mm_check_judge(const struct rc_mm_check_facts *f, struct rc_check_report *r);

/* The finding id a refusal belongs to ("credentials", "region", "admin-ip", "clock",
 * "auth-cache-ttl", "keys", "enhanced-logging", "permission" or "service") from its
 * HTTP status and Mimecast error code (pure; the words the client recognises). */
const char *rc_mm_check_topic(long status, const char *code, const char *msg);

/* The reads; 0, or an exit code after printing (a bad option). */
int rc_mm_check_gather(struct rc_ctx *ctx, struct rc_mm_session *s, struct rc_mm_check_facts *f);

#endif
