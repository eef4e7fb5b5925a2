/*
 * cte_config.h: the Cloud Exchange Threat Exchange (CTE) configuration of
 * `secmock client cte`: plugin configurations, business rules and sharing
 * configurations, read from the "cte" object of the --config file and
 * validated with the messages Cloud Exchange and its plugins show.
 *
 *     {"cte": {"store": "iocs.json", "retraction": true,
 *       "plugins": [
 *         {"name": "Netskope", "plugin": "netskope", "tenant_url": "https://acme.goskope.com",
 *          "v1_token": "...", "v2_token": "...", "sync_interval": "10m", "age_after_days": 90},
 *         {"name": "Mimecast", "plugin": "mimecast", "base_url": "https://us-api.mimecast.com",
 *          "app_id": "...", "app_key": "...", "access_key": "...", "secret_key": "...",
 *          "feed_type": ["malware_customer"], "indicator_type": ["MD5", "SHA256"], "days": 7}],
 *       "business_rules": [{"name": "Hashes", "types": ["md5", "sha256"], "exceptions": []}],
 *       "sharing": [
 *         {"source": "Netskope", "rule": "Hashes", "destination": "Mimecast",
 *          "target": {"operation": "BLOCK"}},
 *         {"source": "Mimecast", "rule": "All", "destination": "Netskope",
 *          "target": {"file_list": "CTE_Hashes"}}]}}
 *
 * A plugin is a "plugin configuration" of CE (manifest keys in snake case);
 * a business rule filters stored IoCs by type and excludes exception values;
 * a sharing configuration is one-way: source, rule, destination and target
 * (a Mimecast operation BLOCK/ALLOW/DELETE, or a Netskope file hash list).
 * The rule "All" exists without being declared, as in CE.
 *
 * Ownership: every string of the structs is borrowed from the cJSON tree
 * given to rc_cte_config_parse(), which must outlive the config. The arrays
 * are owned: rc_cte_config_release() frees them.
 */
#ifndef RC_CTE_CONFIG_H
#define RC_CTE_CONFIG_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define RC_CTE_PLACEHOLDER            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define RC_CTE_MIN_TENANT_INTERVAL_MS (10LL * 60 * 1000)
#define RC_CTE_MIN_INTERVAL_MS        (10LL * 1000)
#define RC_CTE_MAX_INTERVAL_MS        (365LL * 24 * 3600 * 1000)
#define RC_CTE_BYO_PACKAGE            "BYO: Threat Intelligence [1089]"

enum rc_cte_plugin_kind { RC_CTE_NETSKOPE, RC_CTE_MIMECAST };

/* Indicator types (bit set). */
enum { RC_CTE_MD5 = 1, RC_CTE_SHA256 = 2 };

/* One plugin configuration. Strings borrowed; NULL when not given. */
struct rc_cte_plugin {
    const char *name;
    enum rc_cte_plugin_kind kind;
    int64_t interval_ms; /* sync interval (CE pollInterval) */
    int age_days;        /* ageAfterDays: 0..365, default 90 */
    int days;            /* initial range in days, default 7 */
    int pull;            /* 1: this configuration pulls IoCs */
    /* netskope (the tenant the plugin is bound to) */
    const char *tenant_url, *v1_token, *v2_token, *index;
    /* mimecast */
    int api; /* 1 or 2 */
    const char *base_url, *app_id, *app_key, *access_key, *secret_key;
    const char *client_id, *client_secret;
    int feed_customer, feed_grid; /* feed types pulled */
    int types;                    /* RC_CTE_MD5 | RC_CTE_SHA256 pulled */
    int retraction_days;          /* v2 retraction_interval; 0: none */
};

/* One business rule: types it matches, values it excludes. */
struct rc_cte_rule {
    const char *name;
    int types;
    const char **exceptions; /* owned array of borrowed strings */
    size_t n_exceptions;
};

enum rc_cte_op { RC_CTE_OP_ALLOW, RC_CTE_OP_BLOCK, RC_CTE_OP_DELETE };

/* One one-way sharing configuration; pointers into the config's arrays. */
struct rc_cte_sharing {
    const struct rc_cte_plugin *source, *dest;
    const struct rc_cte_rule *rule;
    enum rc_cte_op op;        /* mimecast destination */
    const char *file_list;    /* netskope destination: the File Profile name */
    const char *default_hash; /* netskope: the placeholder (64 'f' by default) */
    int64_t max_bytes;        /* netskope: list size cap (max_file_hash_cap MB, 8) */
};

struct rc_cte_config {
    struct rc_cte_plugin *plugins;
    size_t n_plugins;
    struct rc_cte_rule *rules; /* rules[0] is the built-in "All" */
    size_t n_rules;
    struct rc_cte_sharing *sharing;
    size_t n_sharing;
    const char *store; /* "store" member, may be NULL */
    int retraction;    /* CE setting cte.iocRetraction */
};

/*
 * Parses and validates root (the file's "cte" object). CM_EINVAL with err
 * holding "<where>: <message>", the message being CE's or the plugin's where
 * they have one ("plugins[1] 'Netskope': Sharing sync interval must be
 * between 10 minutes and 1 year."). The config is usable only on 0; release
 * it either way.
 */
int rc_cte_config_parse(struct rc_cte_config *c, const cJSON *root, struct cm_err *err);
void rc_cte_config_release(struct rc_cte_config *c);

const struct rc_cte_plugin *rc_cte_config_plugin(const struct rc_cte_config *c, const char *name);

/* 1 when a value of this type passes the rule (type and exceptions). */
int rc_cte_rule_match(const struct rc_cte_rule *r, const char *value, int type);

/* "BLOCK", "ALLOW", "DELETE". */
const char *rc_cte_op_name(enum rc_cte_op op);

/* RC_CTE_MD5 or RC_CTE_SHA256 for a 32/64 hex value, else 0. */
int rc_cte_hash_type(const char *value);
const char *rc_cte_type_name(int type);

#endif
