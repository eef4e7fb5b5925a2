/*
 * test_client_mimecast_map.c: the Sophos Central rules on Mimecast TTP
 * records: the 11 rows of the seed's MITRE table (ids and names exactly),
 * the alert type of each category (URL clicks: creationMethod when
 * ttpDefinition is empty, else reason), format checks, the safe/trusted
 * filter and the identity key of a record.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "client/mimecast_map.h"
#include "common/json.h"

static cJSON *rec(const char *json)
{
    cJSON *r = cm_json_parse(json, strlen(json), "test record", NULL);

    cr_assert_not_null(r, "bad test JSON: %s", json);
    return r;
}

static const struct rc_mm_logtype *T(const char *name)
{
    const struct rc_mm_logtype *t = rc_mm_logtype_find(name);

    cr_assert_not_null(t);
    return t;
}

/* The seed's table, as it is printed there. */
static const char *const seed_rows[RC_MM_MITRE_ROWS][3] = {
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

Test(client_mimecast_map, the_table_has_the_seeds_11_rows_exactly)
{
    size_t i;

    for (i = 0; i < RC_MM_MITRE_ROWS; i++) {
        const struct rc_mm_mitre *m = rc_mm_mitre_find(seed_rows[i][0]);
        cr_assert_not_null(m, "row %zu '%s' is missing", i, seed_rows[i][0]);
        cr_assert_str_eq(m->threat_id, seed_rows[i][1], "%s", seed_rows[i][0]);
        cr_assert_str_eq(m->threat_name, seed_rows[i][2], "%s", seed_rows[i][0]);
    }
    cr_assert_null(rc_mm_mitre_find("url protection"), "the match is exact");
    cr_assert_null(rc_mm_mitre_find("User Click"));
}

/* Every URL row reached through a click's reason (ttpDefinition set), each giving the row's
 * technique in the alert. */
Test(client_mimecast_map, every_row_maps_through_a_record)
{
    size_t i;

    for (i = 0; i < RC_MM_MITRE_ROWS; i++) {
        const char *type = seed_rows[i][0];
        const struct rc_mm_logtype *t;
        char json[512];
        cJSON *r, *a;

        if (strcmp(type, "Impersonation Attempt") == 0) {
            t = T("impersonation");
            snprintf(json, sizeof(json),
                     "{\"id\": \"imp-1\", \"eventTime\": \"2026-03-02T08:00:00+0000\", "
                     "\"senderAddress\": \"ceo@examp1e.com\", \"taggedMalicious\": true}");
        } else if (strcmp(type, "Unsafe Email Attachment") == 0) {
            t = T("attachment");
            snprintf(json, sizeof(json),
                     "{\"date\": \"2026-03-02T08:00:00+0000\", \"fileName\": \"x.docm\", "
                     "\"result\": \"malicious\"}");
        } else {
            t = T("url");
            snprintf(json, sizeof(json),
                     "{\"date\": \"2026-03-02T08:00:00+0000\", \"url\": \"http://bad.example/\", "
                     "\"scanResult\": \"malicious\", \"ttpDefinition\": \"Default\", "
                     "\"reason\": \"%s\", \"creationMethod\": \"User Click\"}",
                     type);
        }
        r = rec(json);
        a = rc_mm_alert(t, r, 1772438400000LL, "k");
        cr_assert_str_eq(cm_json_str(a, "alertType", ""), type);
        cr_assert_str_eq(cm_json_str(a, "threatId", ""), seed_rows[i][1], "%s", type);
        cr_assert_str_eq(cm_json_str(a, "threatName", ""), seed_rows[i][2], "%s", type);
        cr_assert_str_eq(cm_json_str(a, "mitreMapping", ""), "table");
        cr_assert_str_eq(cm_json_str(a, "logType", ""), t->name);
        cr_assert_str_eq(cm_json_str(a, "eventTime", ""), "2026-03-02T08:00:00Z");
        cr_assert_str_eq(cm_json_str(a, "eventKey", ""), "k");
        cr_assert(cm_json_subset(r, cJSON_GetObjectItemCaseSensitive(a, "record")));
        cJSON_Delete(a);
        cJSON_Delete(r);
    }
}

Test(client_mimecast_map, url_alert_type_follows_ttp_definition)
{
    cJSON *r;

    r = rec("{\"date\": \"2026-03-02T08:00:00Z\", \"url\": \"u\", \"ttpDefinition\": \"\", "
            "\"creationMethod\": \"URL Protection\", \"reason\": \"Invalid Recipient\"}");
    cr_assert_str_eq(rc_mm_alert_type(T("url"), r), "URL Protection", "empty: creationMethod");
    cJSON_Delete(r);
    r = rec("{\"date\": \"2026-03-02T08:00:00Z\", \"url\": \"u\", "
            "\"creationMethod\": \"Default URL Protection\", \"reason\": \"x\"}");
    cr_assert_str_eq(rc_mm_alert_type(T("url"), r), "Default URL Protection", "absent: the same");
    cJSON_Delete(r);
    r = rec("{\"date\": \"2026-03-02T08:00:00Z\", \"url\": \"u\", \"ttpDefinition\": \"Default "
            "Inbound URL Protect Definition\", \"creationMethod\": \"User Click\", "
            "\"reason\": \"Default Inbound URL Protect Definition\"}");
    cr_assert_str_eq(rc_mm_alert_type(T("url"), r), "Default Inbound URL Protect Definition");
    cJSON_Delete(r);
    r = rec("{\"date\": \"2026-03-02T08:00:00Z\", \"url\": \"u\", \"ttpDefinition\": \"Default "
            "Inbound URL Protect Definition\", \"creationMethod\": \"User Click\"}");
    cr_assert_str_eq(rc_mm_alert_type(T("url"), r), "Default Inbound URL Protect Definition",
                     "no reason: the ttpDefinition");
    cJSON_Delete(r);
    r = rec("{\"date\": \"2026-03-02T08:00:00Z\", \"url\": \"u\"}");
    cr_assert_str_eq(rc_mm_alert_type(T("url"), r), "URL Protection",
                     "nothing to go by: the category's alert type");
    cJSON_Delete(r);
}

Test(client_mimecast_map, attachment_and_impersonation_use_their_defaults)
{
    cJSON *r = rec("{\"date\": \"2026-03-02T08:00:00Z\", \"fileHash\": \"ab\", "
                   "\"reason\": \"Invalid Recipient\"}");

    cr_assert_str_eq(rc_mm_alert_type(T("attachment"), r), "Unsafe Email Attachment");
    cr_assert_str_eq(rc_mm_alert_type(T("impersonation"), r), "Impersonation Attempt");
    cJSON_Delete(r);
}

Test(client_mimecast_map, an_alert_type_outside_the_table_takes_its_categorys_technique)
{
    cJSON *r = rec("{\"date\": \"2026-03-02T08:00:00Z\", \"url\": \"u\", "
                   "\"creationMethod\": \"User Click\"}");
    cJSON *a = rc_mm_alert(T("url"), r, 0, "k");

    cr_assert_str_eq(cm_json_str(a, "alertType", ""), "User Click");
    cr_assert_str_eq(cm_json_str(a, "threatId", ""), "T1598.003");
    cr_assert_str_eq(cm_json_str(a, "threatName", ""), "Spearphishing Link");
    cr_assert_str_eq(cm_json_str(a, "mitreMapping", ""), "category");
    cJSON_Delete(a);
    cJSON_Delete(r);
}

Test(client_mimecast_map, an_alert_by_reference_prints_as_the_alert_with_a_copy)
{
    cJSON *r = rec("{\"date\": \"2026-03-02T08:00:00Z\", \"url\": \"u\\n\\\"q\\\"\", "
                   "\"tagMap\": {\"b\": [1, true, null]}, \"n\": 2.5, \"e\": {}}");
    cJSON *e = rec("{}");
    cJSON *copy = rc_mm_alert(T("url"), r, 1772438400000LL, "k");
    cJSON *ref = rc_mm_alert_ref(T("url"), r, 1772438400000LL, "k");
    cJSON *empty = rc_mm_alert_ref(T("url"), e, 0, "k");
    char *a = cJSON_PrintUnformatted(copy), *b = cJSON_PrintUnformatted(ref);
    char *c = cJSON_PrintUnformatted(empty);

    cr_assert_str_eq(b, a);
    cr_assert_not_null(strstr(c, "\"record\":{}}"), "%s", c);
    cJSON_Delete(ref); /* r stays whole */
    cJSON_Delete(empty);
    cr_assert_str_eq(cm_json_str(r, "url", ""), "u\n\"q\"");
    cJSON_free(a);
    cJSON_free(b);
    cJSON_free(c);
    cJSON_Delete(copy);
    cJSON_Delete(r);
    cJSON_Delete(e);
}

static enum rc_mm_verdict judge(const char *type, const char *json)
{
    cJSON *r = rec(json);
    const char *why;
    int64_t ms = 0;
    enum rc_mm_verdict v = rc_mm_check(T(type), r, &ms, &why);

    cJSON_Delete(r);
    return v;
}

Test(client_mimecast_map, wrong_formats_are_dropped)
{
    cr_assert_eq(judge("url", "[1, 2]"), RC_MM_DROP_FORMAT);
    cr_assert_eq(judge("url", "\"a string\""), RC_MM_DROP_FORMAT);
    cr_assert_eq(judge("url", "{\"url\": \"u\"}"), RC_MM_DROP_FORMAT, "no date");
    cr_assert_eq(judge("url", "{\"url\": \"u\", \"date\": 17}"), RC_MM_DROP_FORMAT);
    cr_assert_eq(judge("url", "{\"url\": \"u\", \"date\": \"yesterday\"}"), RC_MM_DROP_FORMAT);
    cr_assert_eq(judge("url", "{\"date\": \"2026-03-02T08:00:00Z\"}"), RC_MM_DROP_FORMAT);
    cr_assert_eq(judge("url", "{\"date\": \"2026-03-02T08:00:00Z\", \"url\": \"u\", "
                              "\"scanResult\": 3}"),
                 RC_MM_DROP_FORMAT);
    cr_assert_eq(judge("url", "{\"date\": \"2026-03-02T08:00:00Z\", \"url\": \"u\", "
                              "\"ttpDefinition\": {}}"),
                 RC_MM_DROP_FORMAT);
    cr_assert_eq(judge("impersonation", "{\"date\": \"2026-03-02T08:00:00Z\", "
                                        "\"senderAddress\": \"a@b\"}"),
                 RC_MM_DROP_FORMAT, "impersonation records carry eventTime");
    cr_assert_eq(judge("impersonation", "{\"eventTime\": \"2026-03-02T08:00:00Z\", "
                                        "\"senderAddress\": \"a@b\", \"taggedMalicious\": \"y\"}"),
                 RC_MM_DROP_FORMAT);
    cr_assert_eq(judge("attachment", "{\"date\": \"2026-03-02T08:00:00Z\"}"), RC_MM_DROP_FORMAT);
    cr_assert_eq(judge("attachment", "{\"date\": \"2026-03-02T08:00:00Z\", \"fileName\": \"\"}"),
                 RC_MM_DROP_FORMAT);
}

Test(client_mimecast_map, safe_and_trusted_are_dropped)
{
    cr_assert_eq(judge("url", "{\"date\": \"2026-03-02T08:00:00Z\", \"url\": \"u\", "
                              "\"scanResult\": \"clean\"}"),
                 RC_MM_DROP_SAFE);
    cr_assert_eq(judge("url", "{\"date\": \"2026-03-02T08:00:00Z\", \"url\": \"u\", "
                              "\"scanResult\": \"Trusted\"}"),
                 RC_MM_DROP_SAFE);
    cr_assert_eq(judge("url", "{\"date\": \"2026-03-02T08:00:00Z\", \"url\": \"u\", "
                              "\"scanResult\": \"malicious\"}"),
                 RC_MM_KEEP);
    cr_assert_eq(judge("attachment", "{\"date\": \"2026-03-02T08:00:00Z\", \"fileName\": \"f\", "
                                     "\"result\": \"safe\"}"),
                 RC_MM_DROP_SAFE);
    cr_assert_eq(judge("attachment", "{\"date\": \"2026-03-02T08:00:00Z\", \"fileHash\": \"h\", "
                                     "\"result\": \"malicious\"}"),
                 RC_MM_KEEP);
    cr_assert_eq(judge("attachment", "{\"date\": \"2026-03-02T08:00:00Z\", \"fileHash\": \"h\", "
                                     "\"result\": \"unknown\"}"),
                 RC_MM_KEEP, "not marked safe: kept");
    cr_assert_eq(judge("impersonation", "{\"eventTime\": \"2026-03-02T08:00:00Z\", "
                                        "\"senderAddress\": \"a@b\", \"verdict\": \"trusted\"}"),
                 RC_MM_DROP_SAFE);
    cr_assert_eq(judge("impersonation", "{\"eventTime\": \"2026-03-02T08:00:00Z\", "
                                        "\"senderAddress\": \"a@b\", \"taggedMalicious\": true}"),
                 RC_MM_KEEP);
}

Test(client_mimecast_map, record_keys)
{
    cJSON *a = rec("{\"b\": 1, \"a\": {\"y\": [1, \"x\"], \"x\": null}}");
    cJSON *b = rec("{\"a\": {\"x\": null, \"y\": [1, \"x\"]}, \"b\": 1}");
    cJSON *c = rec("{\"a\": {\"x\": null, \"y\": [\"x\", 1]}, \"b\": 1}");
    cJSON *d = rec("{\"id\": \"MTOKEN:eNqr\", \"b\": 2}");
    char ka[RC_MM_KEY_SIZE], kb[RC_MM_KEY_SIZE], kc[RC_MM_KEY_SIZE], kd[RC_MM_KEY_SIZE];

    rc_mm_record_key(a, ka);
    rc_mm_record_key(b, kb);
    rc_mm_record_key(c, kc);
    rc_mm_record_key(d, kd);
    cr_assert_str_eq(ka, kb, "member order does not matter");
    cr_assert_str_neq(ka, kc, "array order does");
    cr_assert_eq(strncmp(ka, "sha256:", 7), 0);
    cr_assert_eq(strlen(ka), 7 + 32);
    cr_assert_str_eq(kd, "id:MTOKEN:eNqr");
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(c);
    cJSON_Delete(d);
}

/* Keys are kept in checkpoints, so they never change: this one is the SHA-256 of the canonical
 * text {"k00":"v\"0\\\n\t\u0001","k01":1,...,"k39":"v\"39\\\n\t\u0001"} (more members than
 * canonical() sorts on its stack, strings with escapes), computed outside the client. */
Test(client_mimecast_map, record_keys_stay_the_same)
{
    cJSON *r = cJSON_CreateObject();
    char key[RC_MM_KEY_SIZE], name[8], value[32];
    int i;

    for (i = 39; i >= 0; i--) {
        snprintf(name, sizeof(name), "k%02d", i);
        snprintf(value, sizeof(value), "v\"%d\\\n\t\001", i);
        if (i % 3 == 0)
            cJSON_AddStringToObject(r, name, value);
        else
            cJSON_AddNumberToObject(r, name, i);
    }
    rc_mm_record_key(r, key);
    cr_assert_str_eq(key, "sha256:f873ae7513400ce3073fefb97d97c133");
    cJSON_Delete(r);
}

Test(client_mimecast_map, log_types)
{
    cr_assert_str_eq(T("url")->path, "/api/ttp/url/get-logs");
    cr_assert_str_eq(T("url")->list_key, "clickLogs");
    cr_assert_str_eq(T("impersonation")->path, "/api/ttp/impersonation/get-logs");
    cr_assert_str_eq(T("impersonation")->list_key, "impersonationLogs");
    cr_assert_str_eq(T("impersonation")->time_key, "eventTime");
    cr_assert_str_eq(T("attachment")->path, "/api/ttp/attachment/get-logs");
    cr_assert_str_eq(T("attachment")->list_key, "attachmentLogs");
    cr_assert_null(rc_mm_logtype_find("siem"));
}
