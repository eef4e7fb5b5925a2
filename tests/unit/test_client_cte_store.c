/*
 * test_client_cte_store.c: the cte IoC store and configuration, pure: CE's
 * merge rules (one entry per value, one record per source, re-reports reset
 * the shared marks), aging on a given clock, retraction, the atomic file;
 * the configuration's validation messages and business rule filtering; the
 * Mimecast description rule, the Netskope list builder and the get-feed
 * CSV parser.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/cte_run.h"
#include "common/json.h"

#define T0  1772442000000LL /* 2026-03-02T09:00:00Z */
#define DAY (24LL * 3600 * 1000)

static const char sha_a[] = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";
static const char md5_b[] = "44d88612fea8a8f36de82e1278abb02f";

static void report(struct rc_cte_store *s, const char *source, const char *value, int64_t now,
                   int age, enum rc_cte_merge want)
{
    struct rc_cte_report r = {source, value, now, "Sent from a@b.c", age};

    cr_assert_eq(rc_cte_store_report(s, &r, now), want, "%s by %s", value, source);
}

Test(client_cte_store, merge_one_entry_per_value_one_record_per_source)
{
    struct rc_cte_store s;
    cJSON *ioc, *rec;

    cr_assert_eq(rc_cte_store_load(&s, NULL, NULL), 0);
    report(&s, "Netskope", "275A021BBFB6489E54D471899F7DB9D1663FC695EC2FE2A2C4538AABF651FD0F", T0,
           90, RC_CTE_NEW);
    report(&s, "Mimecast", sha_a, T0 + 1000, 90, RC_CTE_NEW_SOURCE);
    report(&s, "Netskope", sha_a, T0 - 5000, 90, RC_CTE_AGAIN);
    report(&s, "Netskope", "not-a-hash", T0, 90, RC_CTE_INVALID);
    cr_assert_eq(cJSON_GetArraySize(s.iocs), 1);
    ioc = rc_cte_store_get(&s, sha_a);
    cr_assert_not_null(ioc);
    cr_assert_str_eq(cm_json_str(ioc, "type", ""), "sha256");
    cr_assert_str_eq(cm_json_str(ioc, "first_seen", ""), "2026-03-02T08:59:55Z");
    cr_assert_str_eq(cm_json_str(ioc, "last_seen", ""), "2026-03-02T09:00:01Z");
    rec = rc_cte_ioc_source(ioc, "Netskope");
    cr_assert_eq(cm_json_num(rec, "hits", 0), 2);
    cr_assert_str_eq(cm_json_str(rec, "first_seen", ""), "2026-03-02T08:59:55Z");
    rc_cte_store_release(&s);
}

Test(client_cte_store, a_report_again_resets_the_shared_marks)
{
    struct rc_cte_store s;
    cJSON *rec;

    rc_cte_store_load(&s, NULL, NULL);
    report(&s, "Netskope", md5_b, T0, 90, RC_CTE_NEW);
    rc_cte_store_mark(&s, md5_b, "Netskope", "shared", "Mimecast");
    rc_cte_store_mark(&s, md5_b, "Netskope", "shared", "Mimecast");
    rec = rc_cte_ioc_source(rc_cte_store_get(&s, md5_b), "Netskope");
    cr_assert(rc_cte_has_mark(rec, "shared", "Mimecast"));
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rec, "shared")), 1);
    report(&s, "Mimecast", md5_b, T0 + 1, 90, RC_CTE_NEW_SOURCE);
    rec = rc_cte_ioc_source(rc_cte_store_get(&s, md5_b), "Netskope");
    cr_assert(rc_cte_has_mark(rec, "shared", "Mimecast"), "another source keeps the marks");
    report(&s, "Netskope", md5_b, T0 + 2, 90, RC_CTE_AGAIN);
    rec = rc_cte_ioc_source(rc_cte_store_get(&s, md5_b), "Netskope");
    cr_assert_not(rc_cte_has_mark(rec, "shared", "Mimecast"), "offered again");
    rc_cte_store_release(&s);
}

Test(client_cte_store, aging_on_the_clock_and_a_report_revives)
{
    struct rc_cte_store s;
    struct rc_clock *clock = rc_clock_new_fake(T0);
    int64_t now;
    int total, active, retracted;

    rc_cte_store_load(&s, NULL, NULL);
    report(&s, "Netskope", md5_b, T0, 90, RC_CTE_NEW);
    report(&s, "Netskope", sha_a, T0, 0, RC_CTE_NEW); /* age 0: never (ours) */
    cr_assert_eq(rc_sleep(clock, 90 * DAY - 1, NULL), 0);
    rc_clock_now(clock, &now, NULL);
    cr_assert_eq(rc_cte_store_age(&s, now), 0);
    rc_sleep(clock, 1, NULL);
    rc_clock_now(clock, &now, NULL);
    cr_assert_eq(rc_cte_store_age(&s, now), 1);
    rc_cte_store_counts(&s, &total, &active, &retracted);
    cr_assert_eq(total, 2);
    cr_assert_eq(active, 1);
    report(&s, "Netskope", md5_b, now, 90, RC_CTE_AGAIN);
    cr_assert(cm_json_bool(rc_cte_store_get(&s, md5_b), "active", 0));
    cr_assert_eq(rc_cte_store_age(&s, now + 89 * DAY), 0, "the expiry moved with the report");
    rc_clock_free(clock);
    rc_cte_store_release(&s);
}

Test(client_cte_store, retraction_and_a_report_clears_it)
{
    struct rc_cte_store s;
    int total, active, retracted;

    rc_cte_store_load(&s, NULL, NULL);
    report(&s, "Mimecast", sha_a, T0, 90, RC_CTE_NEW);
    cr_assert_eq(rc_cte_store_retract(&s, "Netskope", sha_a), CM_ENOENT);
    cr_assert_eq(rc_cte_store_retract(&s, "Mimecast", sha_a), 0);
    rc_cte_store_counts(&s, &total, &active, &retracted);
    cr_assert_eq(retracted, 1);
    report(&s, "Mimecast", sha_a, T0 + 1, 90, RC_CTE_AGAIN);
    rc_cte_store_counts(&s, &total, &active, &retracted);
    cr_assert_eq(retracted, 0);
    rc_cte_store_release(&s);
}

Test(client_cte_store, saved_atomically_and_loaded_back)
{
    char dir[] = "/tmp/secmock-ctestore-XXXXXX", path[96], cmd[128];
    struct rc_cte_store s;
    struct cm_err err = {{0}};

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/iocs.json", dir);
    cr_assert_eq(rc_cte_store_load(&s, path, &err), 0, "%s", err.msg);
    report(&s, "Netskope", md5_b, T0, 90, RC_CTE_NEW);
    cJSON_AddTrueToObject(rc_cte_store_plugin(&s, "Netskope"), "x");
    cr_assert_eq(rc_cte_store_save(&s, &err), 0, "%s", err.msg);
    rc_cte_store_release(&s);
    cr_assert_eq(rc_cte_store_load(&s, path, &err), 0, "%s", err.msg);
    cr_assert_not_null(rc_cte_store_get(&s, md5_b));
    cr_assert(cm_json_bool(rc_cte_store_plugin(&s, "Netskope"), "x", 0));
    rc_cte_store_release(&s);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

/* ---- configuration ---- */

static int parse(const char *json, struct cm_err *err)
{
    cJSON *root = cm_json_parse(json, strlen(json), "cfg", NULL);
    struct rc_cte_config c;
    int rc;

    cr_assert_not_null(root, "%s", json);
    rc = rc_cte_config_parse(&c, root, err);
    rc_cte_config_release(&c);
    cJSON_Delete(root);
    return rc;
}

#define NS(name, extra)                                                                            \
    "{\"name\":\"" name "\",\"plugin\":\"netskope\",\"tenant_url\":\"https://acme.goskope.com\","  \
    "\"v2_token\":\"v2\",\"v1_token\":\"v1\"" extra "}"
#define MM(extra)                                                                                  \
    "{\"name\":\"Mimecast\",\"plugin\":\"mimecast\",\"app_id\":\"a\",\"app_key\":\"b\","           \
    "\"access_key\":\"c\",\"secret_key\":\"c2VjcmV0\"" extra "}"

static void refused(const char *json, const char *message)
{
    struct cm_err err = {{0}};

    cr_assert_eq(parse(json, &err), CM_EINVAL, "%s", json);
    cr_assert_not_null(strstr(err.msg, message), "got: %s", err.msg);
}

Test(client_cte_config, the_plugins_messages)
{
    struct cm_err err = {{0}};

    cr_assert_eq(parse("{\"plugins\":[" NS("N", ",\"sync_interval\":\"10m\"") "," MM(
                           "") "],"
                               "\"sharing\":[{\"source\":\"N\",\"destination\":\"Mimecast\","
                               "\"target\":{\"operation\":\"BLOCK\"}}]}",
                       &err),
                 0, "%s", err.msg);
    refused("{\"plugins\":[" NS("N", ",\"sync_interval\":\"9m59s\"") "]}",
            "plugins[0] 'N': Sharing sync interval must be between 10 minutes and 1 year.");
    refused("{\"plugins\":[" NS("N", ",\"sync_interval\":\"366d\"") "]}",
            "Sharing sync interval must be between 10 minutes and 1 year.");
    refused("{\"plugins\":[" MM(",\"sync_interval\":\"5s\"") "]}",
            "Sync interval must be between 10 seconds and 1 year.");
    refused("{\"plugins\":[{\"name\":\"Mimecast\",\"plugin\":\"mimecast\",\"app_id\":\"a\","
            "\"app_key\":\"b\",\"access_key\":\"c\",\"secret_key\":\"%%%\"}]}",
            "Invalid Secret Key provided in the configuration parameters.");
    refused("{\"plugins\":[" NS("N", "") "," MM(
                "") "],\"sharing\":[{\"source\":\"N\","
                    "\"destination\":\"Mimecast\",\"target\":{\"operation\":\"block\"}}]}",
            "Invalid Operation Type provided. Allowed values are ALLOW, BLOCK, DELETE.");
    refused("{\"plugins\":[" MM(
                "") ",{\"name\":\"N\",\"plugin\":\"netskope\",\"tenant_url\":"
                    "\"https://a.goskope.com\",\"v2_token\":\"v2\",\"sync_interval\":\"10m\"}],"
                    "\"sharing\":[{\"source\":\"Mimecast\",\"destination\":\"N\","
                    "\"target\":{\"file_list\":\"L\"}}]}",
            "V1 token is not provided. Please configure V1 token under Settings > Tenants to "
            "share file hashes.");
    refused("{\"plugins\":[" MM(",\"feed_type\":[\"malware_all\"]") "]}",
            "Invalid Indicator Feed Type provided.");
    refused("{\"plugins\":[" NS("N", "") "," NS("N", "") "]}",
            "a configuration named 'N' already exists.");
    refused("{\"plugins\":[" NS("N", "") "," MM(
                "") "],\"sharing\":[{\"source\":\"N\","
                    "\"rule\":\"Nope\",\"destination\":\"Mimecast\",\"target\":{\"operation\":"
                    "\"BLOCK\"}}]}",
            "Business Rule 'Nope' does not exist.");
    refused("{\"plugins\":[" NS("N", "") "," MM(
                "") "],\"sharing\":[{\"source\":\"X\","
                    "\"destination\":\"Mimecast\",\"target\":{\"operation\":\"BLOCK\"}}]}",
            "Source Configuration 'X' does not exist.");
    refused(
        "{\"plugins\":[" NS("N", "") "," NS(
            "M",
            "") "],\"sharing\":[{\"source\":\"N\","
                "\"destination\":\"M\",\"target\":{\"file_list\":\"L\",\"max_file_hash_cap\":9}}]}",
        "List Size should be in range of 0 to 8 MB.");
    refused("{\"plugins\":[{\"name\":\"N\",\"plugin\":\"netskope\",\"tenant_url\":"
            "\"https://a.goskope.com\"}]}",
            "V2 API Token is a required field");
    refused("[]", "no \"cte\" object");
}

Test(client_cte_config, business_rules_filter_types_and_exceptions)
{
    const char *json = "{\"plugins\":[" NS(
        "N", "") "],\"business_rules\":[{\"name\":\"S\","
                 "\"types\":[\"SHA256\"],\"exceptions\":[\"275A021BBFB6489E54D471899F7DB9D"
                 "1663FC695EC2FE2A2C4538AABF651FD0F\"]}]}";
    cJSON *root = cm_json_parse(json, strlen(json), "cfg", NULL);
    struct rc_cte_config c;
    struct cm_err err = {{0}};

    cr_assert_eq(rc_cte_config_parse(&c, root, &err), 0, "%s", err.msg);
    cr_assert_eq(c.n_rules, 2);
    cr_assert_str_eq(c.rules[0].name, "All");
    cr_assert(rc_cte_rule_match(&c.rules[0], md5_b, RC_CTE_MD5));
    cr_assert_not(rc_cte_rule_match(&c.rules[1], md5_b, RC_CTE_MD5), "type filter");
    cr_assert_not(rc_cte_rule_match(&c.rules[1], sha_a, RC_CTE_SHA256), "exception");
    cr_assert(rc_cte_rule_match(&c.rules[1],
                                "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
                                RC_CTE_SHA256));
    cr_assert_eq(rc_cte_hash_type(md5_b), RC_CTE_MD5);
    cr_assert_eq(rc_cte_hash_type("44d88612fea8a8f36de82e1278abb02"), 0);
    cr_assert_eq(rc_cte_hash_type("g4d88612fea8a8f36de82e1278abb02f"), 0);
    rc_cte_config_release(&c);
    cJSON_Delete(root);
}

/* ---- plugin pieces ---- */

Test(client_cte_pieces, description_at_most_20_characters)
{
    cr_assert_str_eq(rc_cte_mm_description("Sent from a@b.co"), "Sent from a@b.co");
    cr_assert_str_eq(rc_cte_mm_description("12345678901234567890"), "12345678901234567890");
    cr_assert_str_eq(rc_cte_mm_description("123456789012345678901"), "");
    cr_assert_str_eq(rc_cte_mm_description(NULL), "");
    cr_assert_eq(strlen(RC_CTE_RETRACT_DESC), 20);
}

Test(client_cte_pieces, netskope_list_caps_and_placeholder)
{
    const char *v[3] = {sha_a, md5_b, sha_a};
    size_t used = 0;
    char *list = rc_cte_ns_list(v, 3, 8LL << 20, &used);

    cr_assert_eq(used, 3);
    cr_assert_eq(strlen(list), 64 + 1 + 32 + 1 + 64);
    free(list);
    list = rc_cte_ns_list(v, 3, 64 + 3 + 32 + 3, &used);
    cr_assert_eq(used, 2);
    cr_assert_str_eq(strchr(list, ',') + 1, md5_b);
    free(list);
    cr_assert_eq(strlen(RC_CTE_PLACEHOLDER), 64);
    cr_assert_eq(strspn(RC_CTE_PLACEHOLDER, "f"), 64);
}

struct csv_seen {
    char v[8][80];
    char from[8][64];
    int n;
};

static void on_csv(void *ud, const char *value, const char *sender, const char *timestamp)
{
    struct csv_seen *s = ud;

    (void)timestamp;
    snprintf(s->v[s->n], sizeof(s->v[0]), "%s", value);
    snprintf(s->from[s->n++], sizeof(s->from[0]), "%s", sender);
}

Test(client_cte_pieces, get_feed_csv)
{
    const char csv[] =
        "Timestamp|SenderAddress|MD5|SHA256|FileName\r\n"
        "2026-03-02T08:00:00+0000|a@x.com|44d88612fea8a8f36de82e1278abb02f|null|x\r\n"
        "2026-03-02T08:01:00+0000||null|275a021bbfb6489e54d471899f7db9d1663fc695ec2f"
        "e2a2c4538aabf651fd0f|y\n\n";
    struct csv_seen s;

    memset(&s, 0, sizeof(s));
    cr_assert_eq(rc_cte_mm_parse_csv(csv, strlen(csv), RC_CTE_MD5 | RC_CTE_SHA256, on_csv, &s), 2);
    cr_assert_eq(s.n, 2);
    cr_assert_str_eq(s.v[0], md5_b);
    cr_assert_str_eq(s.from[0], "a@x.com");
    cr_assert_str_eq(s.v[1], sha_a);
    memset(&s, 0, sizeof(s));
    rc_cte_mm_parse_csv(csv, strlen(csv), RC_CTE_SHA256, on_csv, &s);
    cr_assert_eq(s.n, 1);
    memset(&s, 0, sizeof(s));
    cr_assert_eq(rc_cte_mm_parse_csv("MD5|SHA256\n", 11, 3, on_csv, &s), 0, "header only");
}
