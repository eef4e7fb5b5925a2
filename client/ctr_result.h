/*
 * ctr_result.h: what the client reads out of Threat Response's answers: the
 * sightings of an enrichment (POST /iroh/iroh-enrich/observe/observables) as
 * rows a person or a script can use, and the response action a remediation
 * asks for among those POST /iroh/iroh-response/respond/observables offers.
 *
 * Enrichment (vendor notes 2.5, 3): {"data": [{"module", "module-type",
 * "module_instance_id", "module_type_id", "data": {"sightings": {"count",
 * "docs": [CTIM sighting]}}}], "errors": [...]}. A sighting row is
 *
 *   {"module", "module_type", "module_instance_id", "observed", "description",
 *    "confidence", "severity", "resolution", "cisco_mid", "sender", "recipient",
 *    "subject", "message_id", "id"}
 *
 * with the email fields taken from the sighting's observables, relations
 * (Sent_By/Sent_From: sender, Sent_To: recipient) and targets; a missing one
 * is absent. An ESA module is recognised by its module type or name: "ESA",
 * "Email Security Appliance", "Secure Email Gateway", "SMA Email" (ours: the
 * exact module-type string is not confirmed).
 *
 * Response actions (vendor notes 2.6): {"data": [{"module", "module_instance_id",
 * "id", "title", "url"}]}. The three remediations of the Japanese XDR guide are
 * Delete, Forward, Forward and Delete; an action is matched by its id or title
 * (ours: ids are not confirmed).
 *
 * Pure functions over borrowed cJSON; results are new trees the caller frees.
 */
#ifndef RC_CTR_RESULT_H
#define RC_CTR_RESULT_H

#include <cjson/cJSON.h>

/* What an enrichment answer holds. */
struct rc_ctr_result {
    cJSON *sightings;     /* array of rows (above), every module's; owned */
    cJSON *errors;        /* array of {"module", "code", "message"}; owned */
    int modules;          /* modules that answered */
    int esa_modules;      /* ESA modules among them */
    int esa_sightings;    /* sightings from ESA modules */
    const char *esa_name; /* the first ESA module's name, borrowed from the answer */
};

/* Reads an observe answer (borrowed; must outlive r's borrowed names). Never fails: a strange
 * answer gives no rows. */
void rc_ctr_result_read(const cJSON *answer, struct rc_ctr_result *r);
void rc_ctr_result_release(struct rc_ctr_result *r);

/* 1 when a module (its "module-type"/"module_type"/"type" and "module" name) is an ESA one. */
int rc_ctr_module_is_esa(const cJSON *module_item);

/* The rows as the table shows them: keys Module, Observed, Description, Confidence, Severity,
 * MID, Sender, Recipient, Subject (NULL-terminated column list in rc_ctr_table_columns). */
cJSON *rc_ctr_table_rows(const cJSON *sightings);
extern const char *const rc_ctr_table_columns[];

/* The remediations the client knows. */
enum rc_ctr_remedy { RC_CTR_DELETE, RC_CTR_FORWARD, RC_CTR_FORWARD_DELETE };

/* "delete", "forward", "forward-delete" (also forward_delete, "forward and delete"); 0 and *out,
 * or -1. */
int rc_ctr_remedy_parse(const char *s, enum rc_ctr_remedy *out);
/* The console's title: "Delete", "Forward", "Forward and Delete". */
const char *rc_ctr_remedy_title(enum rc_ctr_remedy r);

/*
 * The action item of respond/observables' answer that performs r, preferring ESA modules (or
 * the module named module, when not NULL). NULL when none; then *offered (when not NULL) is a
 * new string listing the titles offered, "" when nothing is (caller frees with free()).
 */
const cJSON *rc_ctr_find_action(const cJSON *answer, enum rc_ctr_remedy r, const char *module,
                                char **offered);

#endif
