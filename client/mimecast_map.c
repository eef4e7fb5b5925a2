/*
 * mimecast_map.c: format checks, the safe/trusted filter, the alert type
 * rules and the MITRE table of the Sophos Central Mimecast integration, and
 * the identity key of a record (used by the checkpoint to tell records that
 * share a timestamp apart).
 *
 * The MITRE rows are copied character for character from the seed's table;
 * tests/unit/test_client_mimecast_map.c checks all 11.
 */
#include "client/mimecast_map.h"

#include "client/mimecast_proto.h"
#include "common/buf.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct rc_mm_logtype rc_mm_logtypes[] = {
    {"url", "/api/ttp/url/get-logs", "clickLogs", "date", "Monitoring > URL Protection > Read",
     "URL Protection"},
    {"impersonation", "/api/ttp/impersonation/get-logs", "impersonationLogs", "eventTime",
     "Monitoring > Impersonation Protection > Read", "Impersonation Attempt"},
    {"attachment", "/api/ttp/attachment/get-logs", "attachmentLogs", "date",
     "Monitoring > Attachment Protection > Read", "Unsafe Email Attachment"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};

const struct rc_mm_mitre rc_mm_mitre_table[RC_MM_MITRE_ROWS] = {
    {"Impersonation Attempt", "T1598.003", "Spearphishing Link"},
    {"Unsafe Email Attachment", "T1598.002", "Spearphishing Attachment"},
    {"URL Protection", "T1598.003", "Spearphishing Link"},
    {"Default URL Protection", "T1598.003", "Spearphishing Link"},
    {"IP Temporarily Blacklisted", "TA0001", "Initial Access"},
    {"Submitter failed to authenticate", "T1078", "Valid Accounts"},
    {"Anti-Spoofing policy - Inbound not allowed", "T1598.003", "Spearphishing Link"},
    {"Invalid Recipient", "TA0005", "Defense Evasion"},
    {"Exceeding outbound thread limit", "T1041", "Exfiltration Over C2 Channel"},
    {"Message bounced due to Content Examination Policy", "T1598", "Phishing for Information"},
    {"Default Inbound URL Protect Definition", "T1598.003", "Spearphishing Link"},
};

const struct rc_mm_logtype *rc_mm_logtype_find(const char *name)
{
    const struct rc_mm_logtype *t;

    for (t = rc_mm_logtypes; name && t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

const struct rc_mm_mitre *rc_mm_mitre_find(const char *alert_type)
{
    size_t i;

    for (i = 0; alert_type && i < RC_MM_MITRE_ROWS; i++)
        if (strcmp(rc_mm_mitre_table[i].alert_type, alert_type) == 0)
            return &rc_mm_mitre_table[i];
    return NULL;
}

/* A member that is a non-empty string, or NULL. */
static const char *nonempty(const cJSON *rec, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, key);

    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* 1 when the member is absent, null or a string. */
static int string_or_absent(const cJSON *rec, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, key);

    return v == NULL || cJSON_IsNull(v) || cJSON_IsString(v);
}

static int is_safe_value(const char *v)
{
    return v && (strcasecmp(v, "clean") == 0 || strcasecmp(v, "safe") == 0 ||
                 strcasecmp(v, "trusted") == 0);
}

enum rc_mm_verdict rc_mm_check(const struct rc_mm_logtype *t, const cJSON *rec, int64_t *time_ms,
                               const char **why)
{
    static const char *const verdict_keys[] = {"scanResult", "result", "verdict", NULL};
    const cJSON *tm, *tagged;
    const char *const *k;

    *why = "";
    if (!cJSON_IsObject(rec)) {
        *why = "not a JSON object";
        return RC_MM_DROP_FORMAT;
    }
    tm = cJSON_GetObjectItemCaseSensitive(rec, t->time_key);
    if (!cJSON_IsString(tm)) {
        *why = strcmp(t->time_key, "date") == 0 ? "no \"date\" string" : "no \"eventTime\" string";
        return RC_MM_DROP_FORMAT;
    }
    if (rc_mm_time_parse(tm->valuestring, time_ms) != 0) {
        *why = "unreadable time";
        return RC_MM_DROP_FORMAT;
    }
    if (strcmp(t->name, "url") == 0 && nonempty(rec, "url") == NULL) {
        *why = "no \"url\"";
        return RC_MM_DROP_FORMAT;
    }
    if (strcmp(t->name, "impersonation") == 0 && nonempty(rec, "senderAddress") == NULL) {
        *why = "no \"senderAddress\"";
        return RC_MM_DROP_FORMAT;
    }
    if (strcmp(t->name, "attachment") == 0 && nonempty(rec, "fileName") == NULL &&
        nonempty(rec, "fileHash") == NULL) {
        *why = "no \"fileName\" or \"fileHash\"";
        return RC_MM_DROP_FORMAT;
    }
    for (k = verdict_keys; *k; k++) {
        if (!string_or_absent(rec, *k)) {
            *why = "a verdict field that is not a string";
            return RC_MM_DROP_FORMAT;
        }
    }
    if (!string_or_absent(rec, "ttpDefinition") || !string_or_absent(rec, "creationMethod") ||
        !string_or_absent(rec, "reason")) {
        *why = "an alert-type field that is not a string";
        return RC_MM_DROP_FORMAT;
    }
    tagged = cJSON_GetObjectItemCaseSensitive(rec, "taggedMalicious");
    if (tagged && !cJSON_IsBool(tagged) && !cJSON_IsNull(tagged)) {
        *why = "\"taggedMalicious\" is not a boolean";
        return RC_MM_DROP_FORMAT;
    }
    /* The verdict fields of each type, then "verdict" for any. */
    if (strcmp(t->name, "url") == 0 && is_safe_value(nonempty(rec, "scanResult"))) {
        *why = "scanResult";
        return RC_MM_DROP_SAFE;
    }
    if (strcmp(t->name, "attachment") == 0 && is_safe_value(nonempty(rec, "result"))) {
        *why = "result";
        return RC_MM_DROP_SAFE;
    }
    if (is_safe_value(nonempty(rec, "verdict"))) {
        *why = "verdict";
        return RC_MM_DROP_SAFE;
    }
    return RC_MM_KEEP;
}

const char *rc_mm_alert_type(const struct rc_mm_logtype *t, const cJSON *rec)
{
    const char *v;

    if (strcmp(t->name, "url") != 0)
        return t->default_alert;
    if (nonempty(rec, "ttpDefinition") == NULL)
        v = nonempty(rec, "creationMethod");
    else if ((v = nonempty(rec, "reason")) == NULL)
        v = nonempty(rec, "ttpDefinition"); /* ours: records without a reason */
    return v ? v : t->default_alert;
}

/* The alert of rec with record (a copy of rec or a reference to it) as its "record". */
static cJSON *alert_with(const struct rc_mm_logtype *t, const cJSON *rec, int64_t time_ms,
                         const char *key, cJSON *record)
{
    const char *type = rc_mm_alert_type(t, rec);
    const struct rc_mm_mitre *row = rc_mm_mitre_find(type);
    cJSON *a = cJSON_CreateObject();
    char when[40];
    int table = row != NULL;

    if (row == NULL)
        row = rc_mm_mitre_find(t->default_alert);
    cm_time_format(time_ms, when, sizeof(when));
    cJSON_AddStringToObject(a, "alertType", type);
    cJSON_AddStringToObject(a, "threatId", row ? row->threat_id : "");
    cJSON_AddStringToObject(a, "threatName", row ? row->threat_name : "");
    cJSON_AddStringToObject(a, "mitreMapping", table ? "table" : "category");
    cJSON_AddStringToObject(a, "logType", t->name);
    cJSON_AddStringToObject(a, "eventTime", when);
    cJSON_AddStringToObject(a, "eventKey", key);
    cJSON_AddStringToObject(a, "vendor", "Mimecast");
    cJSON_AddStringToObject(a, "product", "Email Security, Cloud Gateway");
    cJSON_AddItemToObject(a, "record", record);
    return a;
}

cJSON *rc_mm_alert(const struct rc_mm_logtype *t, const cJSON *rec, int64_t time_ms,
                   const char *key)
{
    return alert_with(t, rec, time_ms, key, cJSON_Duplicate(rec, 1));
}

cJSON *rc_mm_alert_ref(const struct rc_mm_logtype *t, const cJSON *rec, int64_t time_ms,
                       const char *key)
{
    /* a reference object holds the members of the object it refers to */
    return alert_with(t, rec, time_ms, key, cJSON_CreateObjectReference(rec->child));
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* Canonical JSON: object members sorted by name at every depth, no spaces. */
static void canonical(struct cm_buf *b, const cJSON *v)
{
    const cJSON *c;

    if (cJSON_IsObject(v)) {
        size_t n = 0, i;
        const cJSON *few[32], **kids = few; /* a record has about 20 members */

        for (c = v->child; c; c = c->next)
            n++;
        if (n > sizeof(few) / sizeof(few[0]))
            kids = cm_calloc(n, sizeof(*kids));
        n = 0;
        for (c = v->child; c; c = c->next)
            kids[n++] = c;
        qsort(kids, n, sizeof(*kids), cmp_names);
        cm_buf_putc(b, '{');
        for (i = 0; i < n; i++) {
            if (i)
                cm_buf_putc(b, ',');
            cm_buf_json_string(b, kids[i]->string);
            cm_buf_putc(b, ':');
            canonical(b, kids[i]);
        }
        cm_buf_putc(b, '}');
        if (kids != few)
            free(kids);
    } else if (cJSON_IsArray(v)) {
        cm_buf_putc(b, '[');
        for (c = v->child; c; c = c->next) {
            if (c != v->child)
                cm_buf_putc(b, ',');
            canonical(b, c);
        }
        cm_buf_putc(b, ']');
    } else if (cJSON_IsString(v)) {
        cm_buf_json_string(b, v->valuestring);
    } else {
        char *s = cJSON_PrintUnformatted(v);
        cm_buf_puts(b, s ? s : "null");
        cJSON_free(s);
    }
}

void rc_mm_record_key(const cJSON *rec, char out[RC_MM_KEY_SIZE])
{
    const char *id = nonempty(rec, "id");
    struct cm_buf b;
    char hex[65];

    if (id && strlen(id) <= 64) {
        snprintf(out, RC_MM_KEY_SIZE, "id:%s", id);
        return;
    }
    cm_buf_init(&b, 0);
    canonical(&b, rec);
    rc_mm_sha256_hex(b.data ? b.data : "", b.len, hex, 32);
    snprintf(out, RC_MM_KEY_SIZE, "sha256:%s", hex);
    cm_buf_release(&b);
}
