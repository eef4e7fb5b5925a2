/*
 * cte_check.h: `secmock client cte check`: would this Threat Exchange
 * configuration share file hashes? `validate` is its first part (the
 * configuration as CE checks it on Save, then the plugins' credential
 * checks); check adds the live reads the seed's workflow depends on and
 * prints one finding per item (client/check.h), in the seed's order:
 *
 *   config                  the configuration (CE's and the plugins' messages)
 *   netskope.tenant         the Tenant URL answers
 *   netskope.v2-token       the V2 token reads the dataexport iterator
 *   netskope.v1-token       the V1 token (app_instances), needed to push a list
 *   mimecast.credentials    get-account: keys or API 2.0 client, region reachable
 *   mimecast.feed           (a pulling configuration) get-feed of the last minute:
 *                           Services | Gateway | Tracking | Read
 *   mimecast.byo-package    (a sharing destination) BYO: Threat Intelligence [1089]
 *   mimecast.byo-upload     (a sharing destination) BYO Threat Intelligence | Upload
 *   sharing.file-list       (a sharing to Netskope) the File Profile named by the
 *                           List Name exists, exactly (a hint when only the case
 *                           differs), published, no pending change
 *
 * Only reads: the V2 check's iterator epoch (as CE's Save), app_instances,
 * the mock's fileHashLists, get-account, get-feed. Two steps, as the other
 * checks: rc_cte_check_gather() fills facts from a run's log (the last
 * entry and the refused call's status), rc_cte_check_judge() is pure.
 *
 * Exit codes (the first FAIL's): 2 the configuration, 3 no answer, 4 a token
 * or credentials refused, 5 a setting to change (a scope, a permission, the
 * BYO package, a File Profile), 1 another error of a service.
 *
 * Ownership: facts own their arrays and the File Profile lists
 * (rc_cte_check_facts_release()); cfg is borrowed.
 */
#ifndef RC_CTE_CHECK_H
#define RC_CTE_CHECK_H

#include <cjson/cJSON.h>

#include "client/check.h"
#include "client/cte_run.h"

/* One read's outcome, copied from the run's log. */
struct rc_cte_check_step {
    int asked;
    int rc;   /* 0: success */
    int conn; /* no answer */
    long status;
    char code[96];
    char message[1024], details[1024], resolution[512];
};

struct rc_cte_check_plugin {
    struct rc_cte_check_step v2, v1, lists; /* netskope */
    cJSON *file_lists;                      /* netskope: the fileHashLists data; owned */
    struct rc_cte_check_step account, feed; /* mimecast */
    int byo, byo_upload;                    /* as struct rc_cte_mm */
    char role[128];
};

struct rc_cte_check_facts {
    int config_rc; /* not 0: the configuration is invalid */
    char config_msg[1024];
    const struct rc_cte_config *cfg; /* borrowed; plugins etc. valid when config_rc is 0 */
    struct rc_cte_check_plugin *pl;  /* one per plugin; owned */
};

void rc_cte_check_facts_release(struct rc_cte_check_facts *f);

/* Judges facts into report (pure). */
void rc_cte_check_judge(const struct rc_cte_check_facts *f, struct rc_check_report *r);

/* Looks name up in a fileHashLists array: the exact profile, or (*nocase) one whose name
 * differs only in case. Borrowed; NULL when neither. */
const cJSON *rc_cte_check_list(const cJSON *lists, const char *name, int *nocase);

/* The reads for cfg, on run. */
void rc_cte_check_gather(struct rc_cte_run *run, struct rc_cte_check_facts *f);

int rc_cte_check_run(struct rc_ctx *ctx);

#endif
