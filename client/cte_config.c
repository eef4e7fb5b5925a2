/*
 * cte_config.c: reads the "cte" object of the client's config file into
 * plugin, rule and sharing structs (client/cte_config.h), and validates it
 * the way Cloud Exchange validates a configuration on Save: the plugins'
 * own messages where the vendor notes quote them (sync interval, secret
 * key, operation type, V1 token), ours in the same tone elsewhere.
 *
 * Checks stop at the first problem, which names where it is
 * ("plugins[1] 'Mimecast': ...") so the user knows what to fix.
 */
#include "client/cte_config.h"

#include "client/mimecast_proto.h"
#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *str_member(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

int rc_cte_hash_type(const char *v)
{
    size_t n = 0;

    if (v == NULL)
        return 0;
    for (; v[n]; n++)
        if (!isxdigit((unsigned char)v[n]))
            return 0;
    return n == 32 ? RC_CTE_MD5 : n == 64 ? RC_CTE_SHA256 : 0;
}

const char *rc_cte_type_name(int type)
{
    return type == RC_CTE_MD5 ? "md5" : type == RC_CTE_SHA256 ? "sha256" : "unknown";
}

const char *rc_cte_op_name(enum rc_cte_op op)
{
    return op == RC_CTE_OP_ALLOW ? "ALLOW" : op == RC_CTE_OP_BLOCK ? "BLOCK" : "DELETE";
}

/* A duration member: a string ("10m") or whole milliseconds. */
static int duration_member(const cJSON *o, const char *key, int64_t dflt, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    if (v == NULL) {
        *out = dflt;
        return 0;
    }
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 9e15) {
        *out = (int64_t)v->valuedouble;
        return 0;
    }
    if (cJSON_IsString(v) && cm_duration_parse(v->valuestring, out) == 0)
        return 0;
    return CM_EINVAL;
}

static int int_member(const cJSON *o, const char *key, int dflt, int lo, int hi, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    if (v == NULL) {
        *out = dflt;
        return 0;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int)v->valuedouble ||
        v->valuedouble < lo || v->valuedouble > hi)
        return CM_EINVAL;
    *out = (int)v->valuedouble;
    return 0;
}

/* Parses a list of type names (case-insensitive "md5", "sha256") into a bit set. */
static int types_member(const cJSON *o, const char *key, int dflt, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key), *e;
    int t = 0;

    if (v == NULL) {
        *out = dflt;
        return 0;
    }
    if (!cJSON_IsArray(v))
        return CM_EINVAL;
    cJSON_ArrayForEach(e, v)
    {
        if (!cJSON_IsString(e))
            return CM_EINVAL;
        if (strcasecmp(e->valuestring, "md5") == 0)
            t |= RC_CTE_MD5;
        else if (strcasecmp(e->valuestring, "sha256") == 0)
            t |= RC_CTE_SHA256;
        else
            return CM_EINVAL;
    }
    *out = t;
    return 0;
}

static int is_url(const char *s)
{
    return s && (strncasecmp(s, "https://", 8) == 0 || strncasecmp(s, "http://", 7) == 0) &&
           s[strcspn(s, ":") + 3] != '\0';
}

#define FAIL(...) return cm_fail(err, CM_EINVAL, __VA_ARGS__)

static int parse_netskope(struct rc_cte_plugin *p, const cJSON *o, const char *where,
                          struct cm_err *err)
{
    p->tenant_url = str_member(o, "tenant_url");
    p->v1_token = str_member(o, "v1_token");
    p->v2_token = str_member(o, "v2_token");
    p->index = str_member(o, "index");
    if (!p->tenant_url)
        FAIL("%s: Tenant URL is a required field (the tenant's URL with its scheme, such as "
             "https://acme.goskope.com).",
             where);
    if (!is_url(p->tenant_url))
        FAIL("%s: Tenant URL must start with https:// (such as https://acme.goskope.com), got "
             "'%s'.",
             where, p->tenant_url);
    if (!p->v2_token)
        FAIL("%s: V2 API Token is a required field (Settings > Tools > REST API v2 in the "
             "Netskope tenant).",
             where);
    if (p->interval_ms < RC_CTE_MIN_TENANT_INTERVAL_MS || p->interval_ms > RC_CTE_MAX_INTERVAL_MS)
        FAIL("%s: Sharing sync interval must be between 10 minutes and 1 year.", where);
    return 0;
}

static int parse_mimecast(struct rc_cte_plugin *p, const cJSON *o, const char *where,
                          struct cm_err *err)
{
    const cJSON *feeds = cJSON_GetObjectItemCaseSensitive(o, "feed_type"), *e;
    unsigned char secret[256];
    size_t slen;

    p->base_url = str_member(o, "base_url");
    p->app_id = str_member(o, "app_id");
    p->app_key = str_member(o, "app_key");
    p->access_key = str_member(o, "access_key");
    p->secret_key = str_member(o, "secret_key");
    p->client_id = str_member(o, "client_id");
    p->client_secret = str_member(o, "client_secret");
    p->api = p->client_id ? 2 : 1;
    if (!p->base_url)
        p->base_url =
            p->api == 2 ? "https://api.services.mimecast.com" : "https://us-api.mimecast.com";
    if (!is_url(p->base_url))
        FAIL("%s: Base URL must be the region's URL with its scheme (such as "
             "https://us-api.mimecast.com), got '%s'.",
             where, p->base_url);
    if (p->api == 2) {
        if (!p->client_secret)
            FAIL("%s: Client Secret is a required field.", where);
    } else {
        if (!p->app_id)
            FAIL("%s: Application ID is a required field.", where);
        if (!p->app_key)
            FAIL("%s: Application Key is a required field.", where);
        if (!p->access_key)
            FAIL("%s: Access Key is a required field.", where);
        if (!p->secret_key)
            FAIL("%s: Secret Key is a required field.", where);
        if (rc_mm_b64_decode(p->secret_key, secret, sizeof(secret), &slen) != 0)
            FAIL("%s: Invalid Secret Key provided in the configuration parameters.", where);
    }
    if (feeds == NULL) {
        p->feed_customer = p->feed_grid = 1;
    } else if (cJSON_IsArray(feeds) && cJSON_GetArraySize(feeds) > 0) {
        cJSON_ArrayForEach(e, feeds)
        {
            if (cJSON_IsString(e) && strcmp(e->valuestring, "malware_customer") == 0)
                p->feed_customer = 1;
            else if (cJSON_IsString(e) && strcmp(e->valuestring, "malware_grid") == 0)
                p->feed_grid = 1;
            else if (!(cJSON_IsString(e) && strcmp(e->valuestring, "malsite") == 0))
                FAIL("%s: Invalid Indicator Feed Type provided. Allowed values are "
                     "malware_customer, malware_grid, malsite.",
                     where);
        }
    } else {
        FAIL("%s: Indicator Feed Type is a required field (malware_customer, malware_grid, "
             "malsite).",
             where);
    }
    if (types_member(o, "indicator_type", RC_CTE_MD5 | RC_CTE_SHA256, &p->types) || !p->types)
        FAIL("%s: Invalid Types of Malware to Pull provided. Allowed values are MD5, SHA256.",
             where);
    if (int_member(o, "retraction_interval", 0, 0, 365, &p->retraction_days))
        FAIL("%s: Retraction Interval must be a whole number of days from 1 to 365.", where);
    if (p->interval_ms < RC_CTE_MIN_INTERVAL_MS || p->interval_ms > RC_CTE_MAX_INTERVAL_MS)
        FAIL("%s: Sync interval must be between 10 seconds and 1 year.", where);
    return 0;
}

static int parse_plugin(struct rc_cte_plugin *p, const cJSON *o, size_t i, struct cm_err *err)
{
    const char *kind = str_member(o, "plugin");
    char where[192];

    memset(p, 0, sizeof(*p));
    p->name = str_member(o, "name");
    snprintf(where, sizeof(where), "plugins[%zu]", i);
    if (!cJSON_IsObject(o))
        FAIL("%s: expected an object", where);
    if (!p->name)
        FAIL("%s: Configuration Name is a required field.", where);
    snprintf(where, sizeof(where), "plugins[%zu] '%s'", i, p->name);
    if (kind && strcasecmp(kind, "netskope") == 0)
        p->kind = RC_CTE_NETSKOPE;
    else if (kind && strcasecmp(kind, "mimecast") == 0)
        p->kind = RC_CTE_MIMECAST;
    else
        FAIL("%s: plugin must be \"netskope\" or \"mimecast\"", where);
    if (duration_member(o, "sync_interval", 60LL * 60 * 1000, &p->interval_ms))
        FAIL("%s: sync_interval: expected a duration such as \"10m\"", where);
    if (int_member(o, "age_after_days", 90, 0, 365, &p->age_days))
        FAIL("%s: Aging Criteria (age_after_days) must be a whole number of days from 0 to 365.",
             where);
    if (int_member(o, "days", 7, 0, 365, &p->days))
        FAIL("%s: Initial Range (in days) must be a whole number from 0 to 365.", where);
    p->pull = cm_json_bool(o, "pull", 1);
    p->types = RC_CTE_MD5 | RC_CTE_SHA256;
    if (p->kind == RC_CTE_NETSKOPE)
        return parse_netskope(p, o, where, err);
    return parse_mimecast(p, o, where, err);
}

static int parse_rule(struct rc_cte_rule *r, const cJSON *o, size_t i, struct cm_err *err)
{
    const cJSON *exc = cJSON_GetObjectItemCaseSensitive(o, "exceptions"), *e;

    memset(r, 0, sizeof(*r));
    r->name = str_member(o, "name");
    if (!r->name)
        FAIL("business_rules[%zu]: Rule Name is a required field.", i);
    if (types_member(o, "types", RC_CTE_MD5 | RC_CTE_SHA256, &r->types) || !r->types)
        FAIL("business_rules[%zu] '%s': types: expected an array of \"md5\" and \"sha256\"", i,
             r->name);
    if (exc && !cJSON_IsArray(exc))
        FAIL("business_rules[%zu] '%s': exceptions: expected an array of values", i, r->name);
    r->exceptions = cm_calloc((size_t)cJSON_GetArraySize(exc) + 1, sizeof(*r->exceptions));
    cJSON_ArrayForEach(e, exc)
    {
        if (!cJSON_IsString(e))
            FAIL("business_rules[%zu] '%s': exceptions: expected an array of values", i, r->name);
        r->exceptions[r->n_exceptions++] = e->valuestring;
    }
    return 0;
}

static int parse_sharing(struct rc_cte_config *c, struct rc_cte_sharing *s, const cJSON *o,
                         size_t i, struct cm_err *err)
{
    const char *src = str_member(o, "source"), *dst = str_member(o, "destination");
    const char *rule = str_member(o, "rule");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "target");
    const char *op;
    size_t k;
    int mb;

    memset(s, 0, sizeof(*s));
    s->source = src ? rc_cte_config_plugin(c, src) : NULL;
    s->dest = dst ? rc_cte_config_plugin(c, dst) : NULL;
    if (!s->source)
        FAIL("sharing[%zu]: Source Configuration '%s' does not exist.", i, src ? src : "");
    if (!s->dest)
        FAIL("sharing[%zu]: Destination Configuration '%s' does not exist.", i, dst ? dst : "");
    if (s->source == s->dest)
        FAIL("sharing[%zu]: Source and destination configurations must be different.", i);
    for (k = 0; k < c->n_rules; k++)
        if (strcmp(c->rules[k].name, rule ? rule : "All") == 0)
            s->rule = &c->rules[k];
    if (!s->rule)
        FAIL("sharing[%zu]: Business Rule '%s' does not exist.", i, rule);
    if (!cJSON_IsObject(t))
        FAIL("sharing[%zu]: Target is a required field.", i);
    if (s->dest->kind == RC_CTE_MIMECAST) {
        op = str_member(t, "operation");
        if (op && strcmp(op, "ALLOW") == 0)
            s->op = RC_CTE_OP_ALLOW;
        else if (op && strcmp(op, "BLOCK") == 0)
            s->op = RC_CTE_OP_BLOCK;
        else if (op && strcmp(op, "DELETE") == 0)
            s->op = RC_CTE_OP_DELETE;
        else
            FAIL("sharing[%zu]: Invalid Operation Type provided. Allowed values are ALLOW, "
                 "BLOCK, DELETE.",
                 i);
        return 0;
    }
    s->file_list = str_member(t, "file_list");
    s->default_hash = str_member(t, "default_file_hash");
    if (!s->default_hash)
        s->default_hash = RC_CTE_PLACEHOLDER;
    if (!s->file_list)
        FAIL("sharing[%zu]: List Name is a required field (the exact, case-sensitive name of a "
             "File Profile created in the Netskope UI).",
             i);
    if (int_member(t, "max_file_hash_cap", 8, 0, 8, &mb))
        FAIL("sharing[%zu]: List Size should be in range of 0 to 8 MB.", i);
    s->max_bytes = (int64_t)mb * 1024 * 1024;
    if (!s->dest->v1_token)
        FAIL("sharing[%zu]: V1 token is not provided. Please configure V1 token under Settings > "
             "Tenants to share file hashes.",
             i);
    return 0;
}

int rc_cte_config_parse(struct rc_cte_config *c, const cJSON *root, struct cm_err *err)
{
    const cJSON *plugins = cJSON_GetObjectItemCaseSensitive(root, "plugins");
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(root, "business_rules");
    const cJSON *sharing = cJSON_GetObjectItemCaseSensitive(root, "sharing"), *e;
    size_t i = 0, k;
    int rc;

    memset(c, 0, sizeof(*c));
    if (!cJSON_IsObject(root))
        FAIL("no \"cte\" object in the config file: give --config a file with the plugins, "
             "business rules and sharing configurations (docs/client.md)");
    if (!cJSON_IsArray(plugins) || cJSON_GetArraySize(plugins) == 0)
        FAIL("plugins: expected an array of plugin configurations");
    if ((rules && !cJSON_IsArray(rules)) || (sharing && !cJSON_IsArray(sharing)))
        FAIL("business_rules and sharing: expected arrays");
    c->store = str_member(root, "store");
    c->retraction = cm_json_bool(root, "retraction", 0);
    c->plugins = cm_calloc((size_t)cJSON_GetArraySize(plugins), sizeof(*c->plugins));
    cJSON_ArrayForEach(e, plugins)
    {
        rc = parse_plugin(&c->plugins[i], e, i, err);
        if (rc)
            return rc;
        for (k = 0; k < i; k++)
            if (strcmp(c->plugins[k].name, c->plugins[i].name) == 0)
                FAIL("plugins[%zu]: a configuration named '%s' already exists.", i,
                     c->plugins[i].name);
        c->n_plugins = ++i;
    }
    c->rules = cm_calloc((size_t)cJSON_GetArraySize(rules) + 1, sizeof(*c->rules));
    c->rules[0].name = "All";
    c->rules[0].types = RC_CTE_MD5 | RC_CTE_SHA256;
    c->rules[0].exceptions = cm_calloc(1, sizeof(*c->rules[0].exceptions));
    c->n_rules = 1;
    i = 0;
    cJSON_ArrayForEach(e, rules)
    {
        rc = parse_rule(&c->rules[c->n_rules], e, i, err);
        c->n_rules++;
        if (rc)
            return rc;
        for (k = 0; k + 1 < c->n_rules; k++)
            if (strcmp(c->rules[k].name, c->rules[c->n_rules - 1].name) == 0)
                FAIL("business_rules[%zu]: a rule named '%s' already exists.", i, c->rules[k].name);
        i++;
    }
    c->sharing = cm_calloc((size_t)cJSON_GetArraySize(sharing) + 1, sizeof(*c->sharing));
    i = 0;
    cJSON_ArrayForEach(e, sharing)
    {
        rc = parse_sharing(c, &c->sharing[i], e, i, err);
        if (rc)
            return rc;
        c->n_sharing = ++i;
    }
    return 0;
}

void rc_cte_config_release(struct rc_cte_config *c)
{
    size_t i;

    for (i = 0; c->rules && i < c->n_rules; i++)
        free(c->rules[i].exceptions);
    free(c->plugins);
    free(c->rules);
    free(c->sharing);
    memset(c, 0, sizeof(*c));
}

const struct rc_cte_plugin *rc_cte_config_plugin(const struct rc_cte_config *c, const char *name)
{
    size_t i;

    for (i = 0; i < c->n_plugins; i++)
        if (strcmp(c->plugins[i].name, name) == 0)
            return &c->plugins[i];
    return NULL;
}

int rc_cte_rule_match(const struct rc_cte_rule *r, const char *value, int type)
{
    size_t i;

    if (!(r->types & type))
        return 0;
    for (i = 0; i < r->n_exceptions; i++)
        if (strcasecmp(r->exceptions[i], value) == 0)
            return 0;
    return 1;
}
