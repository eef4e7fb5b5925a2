/*
 * cte_sync.h: the Threat Exchange cycle (client/cte_sync.c) and the
 * command table of `secmock client cte` (client/cte_cmd.c).
 *
 *   sync     runs one cycle (--once, the default) or N (--cycles N), each
 *            after the previous one by the shortest sync interval, waited
 *            on the client clock (virtual in a scenario)
 *   status   the store's summary and each configuration's last runs
 *   validate the configuration and the plugins' credential checks, as CE
 *            runs them when a configuration is saved
 *
 * Ownership: the summary is caller storage, zeroed before the first cycle.
 */
#ifndef RC_CTE_SYNC_H
#define RC_CTE_SYNC_H

#include "client/cte_run.h"

struct rc_cte_summary {
    int cycles;
    int pulled;           /* indicators reported by the pulls */
    int shared;           /* values sent (Netskope lists count every value sent) */
    int aged;             /* values made inactive */
    int retracted;        /* records marked retracted */
    int retractions_sent; /* DELETE sent for retracted values */
};

/* One cycle at the clock's now. 0, or the clock's error; plugin failures are logged (and
 * counted in run->log) but do not stop the cycle. */
int rc_cte_cycle(struct rc_cte_run *run, struct rc_cte_summary *sum);
/* The wait between two cycles: the shortest sync interval of the configurations that pull
 * (of all of them when none pulls). */
int64_t rc_cte_cycle_step(const struct rc_cte_config *cfg);

/* The cte integration's commands, ending with a NULL name. */
extern const struct rc_command rc_cte_commands[];

#endif
