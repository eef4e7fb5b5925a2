/*
 * mimecast_map.h: what the Sophos Central integration does with a Mimecast
 * TTP log record: check its format, drop what Mimecast marked safe or
 * trusted, and turn the rest into an alert with a MITRE ATT&CK technique.
 *
 * The three log types (one per integration, as in Sophos Central):
 *
 *   type           endpoint                          list key           time key
 *   url            /api/ttp/url/get-logs             clickLogs          date
 *   impersonation  /api/ttp/impersonation/get-logs   impersonationLogs  eventTime
 *   attachment     /api/ttp/attachment/get-logs      attachmentLogs     date
 *
 * Alert type (shared/seeds/sophos-mimecast-overview.fr.txt, "Exemples de
 * mappages de menaces"): attachment records are "Unsafe Email Attachment",
 * impersonation records "Impersonation Attempt"; for URL clicks, when
 * ttpDefinition is empty the alert type is the record's creationMethod, else
 * its reason (ours: a click with a ttpDefinition but no reason takes the
 * ttpDefinition, such as "Default Inbound URL Protect Definition", itself a
 * row of the table). The technique comes from the seed's 11-row table by exact
 * alert type; an alert type outside the table takes its category's row
 * (ours: the seed does not say; the alert says "mitreMapping": "category").
 *
 * Pure functions over borrowed cJSON; alerts are new trees the caller frees.
 */
#ifndef RC_MIMECAST_MAP_H
#define RC_MIMECAST_MAP_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

struct rc_mm_logtype {
    const char *name;          /* "url", "impersonation", "attachment" (the --type values) */
    const char *path;          /* the get-logs endpoint */
    const char *list_key;      /* the array inside data[0] */
    const char *time_key;      /* the record's time */
    const char *permission;    /* the role permission the endpoint needs, in console terms */
    const char *default_alert; /* the category's alert type */
};

/* The type called name, or NULL. Static data. */
const struct rc_mm_logtype *rc_mm_logtype_find(const char *name);
extern const struct rc_mm_logtype rc_mm_logtypes[]; /* ends with a NULL name */

/* One row of the seed's mapping table. */
struct rc_mm_mitre {
    const char *alert_type;
    const char *threat_id;
    const char *threat_name;
};

#define RC_MM_MITRE_ROWS 11
extern const struct rc_mm_mitre rc_mm_mitre_table[RC_MM_MITRE_ROWS];
/* The row for exactly this alert type, or NULL. */
const struct rc_mm_mitre *rc_mm_mitre_find(const char *alert_type);

enum rc_mm_verdict {
    RC_MM_KEEP,        /* an alert */
    RC_MM_DROP_FORMAT, /* not a record of this type's format */
    RC_MM_DROP_SAFE,   /* Mimecast's check marked it safe or trusted */
};

/*
 * Judges one record. *time_ms is set unless the verdict is RC_MM_DROP_FORMAT; *why
 * (static text) says what was wrong or which field marked it safe.
 *
 * Format: an object whose time key holds a readable time and whose identifying field
 * is a non-empty string (url: "url"; impersonation: "senderAddress"; attachment:
 * "fileName" or "fileHash"); the verdict fields, when present, are strings (and
 * "taggedMalicious" a boolean). Safe: a verdict field (url: "scanResult"; attachment:
 * "result"; any type: "verdict") equal, ignoring case, to "clean", "safe" or "trusted".
 */
enum rc_mm_verdict rc_mm_check(const struct rc_mm_logtype *t, const cJSON *rec, int64_t *time_ms,
                               const char **why);

/* The alert type of a kept record (borrowed from rec or static). */
const char *rc_mm_alert_type(const struct rc_mm_logtype *t, const cJSON *rec);

/*
 * The alert for a kept record: {"alertType", "threatId", "threatName", "mitreMapping",
 * "logType", "eventTime" (RFC 3339 UTC), "eventKey", "vendor", "product", "record"}.
 * Caller frees with cJSON_Delete().
 */
cJSON *rc_mm_alert(const struct rc_mm_logtype *t, const cJSON *rec, int64_t time_ms,
                   const char *key);
/* The same alert with its "record" a reference to rec (cJSON_CreateObjectReference: printed
 * as a copy would be, not freed with the alert) rather than a copy of it: for an alert that is
 * printed at once. rec, an object (a kept record), is borrowed and must outlive the alert;
 * cJSON_Delete() the alert. */
cJSON *rc_mm_alert_ref(const struct rc_mm_logtype *t, const cJSON *rec, int64_t time_ms,
                       const char *key);

#define RC_MM_KEY_SIZE 80
/* A record's identity: "id:<id>" when it has a non-empty string "id" (up to 64 characters),
 * else "sha256:<32 hex>" of its canonical JSON (keys sorted at every depth). Two identical
 * records get the same key; the checkpoint counts them. */
void rc_mm_record_key(const cJSON *rec, char out[RC_MM_KEY_SIZE]);

#endif
