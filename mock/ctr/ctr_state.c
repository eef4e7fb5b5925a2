/*
 * ctr_state.c: the Threat Response mock's state document, validated and
 * normalized on load (every default filled, unknown members refused) so the
 * handlers read typed members without checking.
 *
 *   {"token_ttl": "10m",
 *    "rate_limit": {"limit": 8000, "window": "1h", "retry_after": false},
 *    "orgs": {"<org>": {"name", "user": {...}, "clients": {"<client_id>": {...}},
 *                       "modules": {"<module_instance_id>": module}, "remediations": [...]}},
 *    "tokens": {"<access token>": {"org", "client_id", "issued", "expires", "scope"}},
 *    "usage": {"<org>": [[second_ms, count], ...]},
 *    "messages": {"<device_id>": [message, ...]}}
 */
#include "mock/ctr/ctr.h"

#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"
#include "mock/kit/statecheck.h"
#include "mock/sse/sse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ctr_all_scopes[] = {
    "admin",
    "asset",
    "casebook",
    "enrich:read",
    "event:read",
    "feedback",
    "global-intel:read",
    "inspect:read",
    "integration",
    "investigation",
    "invite",
    "notification",
    "oauth",
    "orbital",
    "private-intel",
    "profile",
    "registry",
    "response",
    "sse",
    "telemetry:write",
    "users",
    "webhook",
    NULL,
};

/* A time member (RFC 3339 or integer ms); dflt < 0 means required. */
static int time_member(const cJSON *obj, const char *key, const char *where, int64_t dflt,
                       cJSON *out, struct cm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    int64_t ms = dflt;
    char t[40];

    if (it == NULL && dflt < 0)
        return cm_fail(err, CM_EINVAL, "%s.%s: required (an RFC 3339 time)", where, key);
    if (it && cJSON_IsNumber(it))
        ms = (int64_t)it->valuedouble;
    else if (it && !(cJSON_IsString(it) && cm_time_parse(it->valuestring, &ms) == 0))
        return cm_fail(err, CM_EINVAL,
                       "%s.%s: expected an RFC 3339 time such as \"2026-03-02T09:00:00Z\"", where,
                       key);
    sse_time(ms, t, sizeof(t));
    cJSON_AddStringToObject(out, key, t);
    return 0;
}

static int duration_member(const cJSON *obj, const char *key, const char *where, int64_t dflt,
                           int64_t min, cJSON *out, struct cm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    int64_t ms = dflt;
    char t[32];

    if (it && cJSON_IsNumber(it))
        ms = (int64_t)it->valuedouble;
    else if (it && !(cJSON_IsString(it) && cm_duration_parse(it->valuestring, &ms) == 0))
        ms = -1;
    if (ms < min)
        return cm_fail(err, CM_EINVAL, "%s.%s: expected a duration such as \"10m\"", where, key);
    cm_duration_format(ms, t, sizeof(t));
    cJSON_AddStringToObject(out, key, t);
    return 0;
}

/* An array of strings (each 1..max chars, at most n); dflt_all: the default when absent. */
static int strings_member(const cJSON *obj, const char *key, const char *where, size_t max, int n,
                          const char *const *dflt, int required, cJSON *out, struct cm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key), *s;
    cJSON *arr = cJSON_AddArrayToObject(out, key);
    size_t i;

    if (it == NULL) {
        if (required)
            return cm_fail(err, CM_EINVAL, "%s.%s: required", where, key);
        for (i = 0; dflt && dflt[i]; i++)
            cJSON_AddItemToArray(arr, cJSON_CreateString(dflt[i]));
        return 0;
    }
    if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) > n ||
        (required && cJSON_GetArraySize(it) == 0))
        return cm_fail(err, CM_EINVAL, "%s.%s: expected an array of %sat most %d strings", where,
                       key, required ? "1 to " : "", n);
    cJSON_ArrayForEach(s, it)
    {
        if (!cJSON_IsString(s) || s->valuestring[0] == '\0' || strlen(s->valuestring) > max)
            return cm_fail(err, CM_EINVAL,
                           "%s.%s: expected non-empty strings of at most %zu "
                           "characters",
                           where, key, max);
        cJSON_AddItemToArray(arr, cJSON_CreateString(s->valuestring));
    }
    return 0;
}

int ctr_message_load(const cJSON *in, const char *where, int64_t now, cJSON *out,
                     struct cm_err *err)
{
    static const char *const keys[] = {
        "mid",    "icid", "sender",     "recipients",  "subject", "sender_ip",   "direction",
        "status", "time", "message_id", "attachments", "urls",    "remediation", NULL};
    const cJSON *att, *a;
    cJSON *arr;
    const char *dir;
    char sub[200];
    int rc, i = 0;

    (void)now;
    if ((rc = mk_sc_keys(in, where, keys, err)) ||
        (rc = mk_sc_int(in, "mid", where, 0, 1e15, MK_SC_REQUIRED, out, err)) ||
        (rc = mk_sc_int(in, "icid", where, 0, 1e15, 0, out, err)) ||
        (rc = mk_sc_str(in, "sender", where, 320, 0, NULL, out, err)) ||
        (rc = strings_member(in, "recipients", where, 320, 1000, NULL, 1, out, err)) ||
        (rc = mk_sc_str(in, "subject", where, 998, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "sender_ip", where, 45, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "direction", where, 16, 1, "incoming", out, err)) ||
        (rc = mk_sc_str(in, "status", where, 128, 1, "Delivered", out, err)) ||
        (rc = time_member(in, "time", where, -1, out, err)) ||
        (rc = mk_sc_str(in, "message_id", where, 998, 1, "", out, err)))
        return rc;
    if (cm_json_str(out, "sender_ip", "")[0] && !sse_ip_version(cm_json_str(out, "sender_ip", "")))
        return cm_fail(err, CM_EINVAL, "%s.sender_ip: expected an IPv4 or IPv6 address", where);
    dir = cm_json_str(out, "direction", "");
    if (strcmp(dir, "incoming") && strcmp(dir, "outgoing"))
        return cm_fail(err, CM_EINVAL, "%s.direction: expected \"incoming\" or \"outgoing\"",
                       where);
    att = cJSON_GetObjectItemCaseSensitive(in, "attachments");
    arr = cJSON_AddArrayToObject(out, "attachments");
    if (att && (!cJSON_IsArray(att) || cJSON_GetArraySize(att) > 100))
        return cm_fail(err, CM_EINVAL, "%s.attachments: expected an array of at most 100", where);
    cJSON_ArrayForEach(a, att)
    {
        static const char *const akeys[] = {"name", "sha256", NULL};
        cJSON *o = cJSON_CreateObject();
        char h[65];
        size_t k;
        snprintf(sub, sizeof(sub), "%.150s.attachments[%d]", where, i++);
        cJSON_AddItemToArray(arr, o);
        if ((rc = mk_sc_keys(a, sub, akeys, err)) ||
            (rc = mk_sc_str(a, "name", sub, 255, 0, NULL, o, err)) ||
            (rc = mk_sc_str(a, "sha256", sub, 64, 1, "", o, err)))
            return rc;
        cm_strlcpy(h, cm_json_str(o, "sha256", ""), sizeof(h));
        for (k = 0; h[k]; k++)
            if (h[k] >= 'A' && h[k] <= 'F')
                h[k] = (char)(h[k] - 'A' + 'a');
        if (h[0] && !sse_is_lower_hex(h, 64))
            return cm_fail(err, CM_EINVAL, "%s.sha256: expected 64 hex characters", sub);
        sse_set(o, "sha256", cJSON_CreateString(h));
    }
    if ((rc = strings_member(in, "urls", where, 2048, 100, NULL, 0, out, err)))
        return rc;
    a = cJSON_GetObjectItemCaseSensitive(in, "remediation");
    if (a) {
        if (!cJSON_IsObject(a))
            return cm_fail(err, CM_EINVAL, "%s.remediation: expected an object", where);
        cJSON_AddItemToObject(out, "remediation", cJSON_Duplicate(a, 1));
    }
    return 0;
}

int ctr_module_load(const cJSON *in, const char *where, int64_t now, cJSON *out, struct cm_err *err)
{
    static const char *const keys[] = {
        "type",    "name", "device_id", "timeframe_days", "remediation_profile", "forward_address",
        "created", NULL};
    const char *fwd;
    int rc;

    if ((rc = mk_sc_keys(in, where, keys, err)) ||
        (rc = mk_sc_str(in, "type", where, 16, 1, "esa", out, err)))
        return rc;
    if (strcmp(cm_json_str(out, "type", ""), "esa") != 0)
        return cm_fail(err, CM_EINVAL, "%s.type: only \"esa\" modules are mocked", where);
    if ((rc = mk_sc_str(in, "name", where, 255, 0, NULL, out, err)) ||
        (rc = mk_sc_str(in, "device_id", where, 64, 0, NULL, out, err)) ||
        (rc = mk_sc_int(in, "timeframe_days", where, 1, 365, 30, out, err)) ||
        (rc = mk_sc_str(in, "remediation_profile", where, 255, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "forward_address", where, 320, 1, "", out, err)) ||
        (rc = time_member(in, "created", where, now, out, err)))
        return rc;
    fwd = cm_json_str(out, "forward_address", "");
    if (fwd[0] && (strchr(fwd, '@') == NULL || strchr(fwd, '@') == fwd || strchr(fwd, ' ')))
        return cm_fail(err, CM_EINVAL, "%s.forward_address: expected an email address", where);
    return 0;
}

static int load_org(const char *org, const cJSON *in, int64_t now, cJSON *out, struct cm_err *err)
{
    static const char *const keys[] = {"name", "user", "clients", "modules", "remediations", NULL};
    static const char *const ukeys[] = {"id", "name", "email", "role", NULL};
    static const char *const ckeys[] = {"secret", "name", "scopes", NULL};
    const cJSON *u, *cl, *it;
    cJSON *o;
    char where[300];
    int rc;

    snprintf(where, sizeof(where), "orgs.%.128s", org);
    if (strlen(org) == 0 || strlen(org) > 128)
        return cm_fail(err, CM_EINVAL, "orgs: an org id is 1 to 128 characters");
    if ((rc = mk_sc_keys(in, where, keys, err)) ||
        (rc = mk_sc_str(in, "name", where, 255, 1, org, out, err)))
        return rc;
    u = cJSON_GetObjectItemCaseSensitive(in, "user");
    o = cJSON_AddObjectToObject(out, "user");
    snprintf(where, sizeof(where), "orgs.%.128s.user", org);
    if (u && (rc = mk_sc_keys(u, where, ukeys, err)))
        return rc;
    {
        char uid[160];
        snprintf(uid, sizeof(uid), "user-%.128s", org);
        if ((rc = mk_sc_str(u, "id", where, 128, 1, uid, o, err)) ||
            (rc = mk_sc_str(u, "name", where, 255, 1, "API Client", o, err)) ||
            (rc = mk_sc_str(u, "email", where, 320, 1, "", o, err)) ||
            (rc = mk_sc_str(u, "role", where, 32, 1, "admin", o, err)))
            return rc;
    }
    cl = cJSON_GetObjectItemCaseSensitive(in, "clients");
    o = cJSON_AddObjectToObject(out, "clients");
    if (cl && !cJSON_IsObject(cl))
        return cm_fail(err, CM_EINVAL, "orgs.%s.clients: expected an object keyed by client id",
                       org);
    cJSON_ArrayForEach(it, cl)
    {
        cJSON *c = cJSON_AddObjectToObject(o, it->string);
        const cJSON *s;
        snprintf(where, sizeof(where), "orgs.%.128s.clients.%.128s", org, it->string);
        if (strlen(it->string) == 0 || strlen(it->string) > 128 || strchr(it->string, ':'))
            return cm_fail(err, CM_EINVAL, "%s: a client id is 1 to 128 characters without ':'",
                           where);
        if ((rc = mk_sc_keys(it, where, ckeys, err)) ||
            (rc = mk_sc_str(it, "secret", where, 256, 0, NULL, c, err)) ||
            (rc = mk_sc_str(it, "name", where, 255, 1, it->string, c, err)) ||
            (rc = strings_member(it, "scopes", where, 64, 64, ctr_all_scopes, 0, c, err)))
            return rc;
        cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(c, "scopes"))
        {
            size_t i;
            for (i = 0; ctr_all_scopes[i] && strcmp(ctr_all_scopes[i], s->valuestring); i++)
                ;
            if (ctr_all_scopes[i] == NULL)
                return cm_fail(err, CM_EINVAL, "%s.scopes: unknown scope '%s'", where,
                               s->valuestring);
        }
    }
    it = cJSON_GetObjectItemCaseSensitive(in, "modules");
    o = cJSON_AddObjectToObject(out, "modules");
    if (it && !cJSON_IsObject(it))
        return cm_fail(err, CM_EINVAL, "orgs.%s.modules: expected an object keyed by id", org);
    for (it = it ? it->child : NULL; it; it = it->next) {
        snprintf(where, sizeof(where), "orgs.%.128s.modules.%.64s", org, it->string);
        if (strlen(it->string) == 0 || strlen(it->string) > 64 || strchr(it->string, '/'))
            return cm_fail(err, CM_EINVAL, "%s: a module id is 1 to 64 characters without '/'",
                           where);
        if ((rc = ctr_module_load(it, where, now, cJSON_AddObjectToObject(o, it->string), err)))
            return rc;
    }
    it = cJSON_GetObjectItemCaseSensitive(in, "remediations");
    if (it && (!cJSON_IsArray(it) || cJSON_GetArraySize(it) > CTR_MAX_REMEDIATIONS))
        return cm_fail(err, CM_EINVAL, "orgs.%s.remediations: expected an array of at most %d", org,
                       CTR_MAX_REMEDIATIONS);
    cJSON_AddItemToObject(out, "remediations", it ? cJSON_Duplicate(it, 1) : cJSON_CreateArray());
    return 0;
}

static int load_tokens(const cJSON *in, cJSON *out, struct cm_err *err)
{
    static const char *const keys[] = {"org", "client_id", "issued", "expires", "scope", NULL};
    const cJSON *it;
    char where[96];
    int rc;

    if (in && !cJSON_IsObject(in))
        return cm_fail(err, CM_EINVAL, "tokens: expected an object keyed by access token");
    if (cJSON_GetArraySize(in) > CTR_MAX_TOKENS)
        return cm_fail(err, CM_ETOOBIG, "tokens: at most %d", CTR_MAX_TOKENS);
    cJSON_ArrayForEach(it, in)
    {
        cJSON *t = cJSON_AddObjectToObject(out, it->string);
        snprintf(where, sizeof(where), "tokens.%.24s...", it->string);
        if (strlen(it->string) == 0 || strlen(it->string) > 4096)
            return cm_fail(err, CM_EINVAL, "%s: a token is 1 to 4096 characters", where);
        if ((rc = mk_sc_keys(it, where, keys, err)) ||
            (rc = mk_sc_str(it, "org", where, 128, 0, NULL, t, err)) ||
            (rc = mk_sc_str(it, "client_id", where, 128, 1, "", t, err)) ||
            (rc = time_member(it, "issued", where, 0, t, err)) ||
            (rc = time_member(it, "expires", where, -1, t, err)) ||
            (rc = mk_sc_str(it, "scope", where, 2048, 1, "", t, err)))
            return rc;
    }
    return 0;
}

static int load_usage(const cJSON *in, cJSON *out, struct cm_err *err)
{
    const cJSON *org, *b;

    if (in && !cJSON_IsObject(in))
        return cm_fail(err, CM_EINVAL, "usage: expected an object keyed by org id");
    cJSON_ArrayForEach(org, in)
    {
        if (!cJSON_IsArray(org) || cJSON_GetArraySize(org) > 100000)
            return cm_fail(err, CM_EINVAL, "usage.%s: expected an array of [time_ms, count]",
                           org->string);
        cJSON_ArrayForEach(b, org)
        {
            if (!cJSON_IsArray(b) || cJSON_GetArraySize(b) != 2 ||
                !cJSON_IsNumber(cJSON_GetArrayItem(b, 0)) ||
                !cJSON_IsNumber(cJSON_GetArrayItem(b, 1)))
                return cm_fail(err, CM_EINVAL, "usage.%s: expected an array of [time_ms, count]",
                               org->string);
        }
        cJSON_AddItemToObject(out, org->string, cJSON_Duplicate(org, 1));
    }
    return 0;
}

static int load_messages(const cJSON *in, int64_t now, cJSON *out, struct cm_err *err)
{
    const cJSON *dev, *m;
    char where[160];
    int rc, i;

    if (in && !cJSON_IsObject(in))
        return cm_fail(err, CM_EINVAL, "messages: expected an object keyed by device id");
    cJSON_ArrayForEach(dev, in)
    {
        cJSON *arr = cJSON_AddArrayToObject(out, dev->string);
        if (!cJSON_IsArray(dev) || cJSON_GetArraySize(dev) > CTR_MAX_MESSAGES)
            return cm_fail(err, CM_EINVAL,
                           "messages.%.64s: expected an array of at most %d "
                           "messages",
                           dev->string, CTR_MAX_MESSAGES);
        i = 0;
        cJSON_ArrayForEach(m, dev)
        {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddItemToArray(arr, o);
            snprintf(where, sizeof(where), "messages.%.64s[%d]", dev->string, i++);
            if ((rc = ctr_message_load(m, where, now, o, err)))
                return rc;
        }
    }
    return 0;
}

int ctr_state_load(struct mk_service *svc, const cJSON *doc, struct cm_err *err)
{
    static const char *const keys[] = {"token_ttl", "rate_limit", "usage", "orgs",
                                       "tokens",    "messages",   NULL};
    static const char *const rkeys[] = {"limit", "window", "retry_after", NULL};
    struct ctr *c = svc->data;
    int64_t now = mk_service_now(svc);
    cJSON *next = cJSON_CreateObject(), *o;
    const cJSON *it, *org;
    int rc;

    if ((rc = mk_sc_keys(doc, "state", keys, err)) ||
        (rc = duration_member(doc, "token_ttl", "state", CTR_DEFAULT_TTL_MS, 1000, next, err)))
        goto out;
    it = cJSON_GetObjectItemCaseSensitive(doc, "rate_limit");
    o = cJSON_AddObjectToObject(next, "rate_limit");
    if ((it && (rc = mk_sc_keys(it, "rate_limit", rkeys, err))) ||
        (rc = mk_sc_int(it, "limit", "rate_limit", 1, 1e9, CTR_DEFAULT_LIMIT, o, err)) ||
        (rc = duration_member(it, "window", "rate_limit", 3600000, 1000, o, err)) ||
        (rc = mk_sc_bool(it, "retry_after", "rate_limit", 0, o, err)))
        goto out;
    it = cJSON_GetObjectItemCaseSensitive(doc, "orgs");
    o = cJSON_AddObjectToObject(next, "orgs");
    if (it && !cJSON_IsObject(it)) {
        rc = cm_fail(err, CM_EINVAL, "orgs: expected an object keyed by org id");
        goto out;
    }
    cJSON_ArrayForEach(org, it)
    {
        if ((rc = load_org(org->string, org, now, cJSON_AddObjectToObject(o, org->string), err)))
            goto out;
    }
    if ((rc = load_tokens(cJSON_GetObjectItemCaseSensitive(doc, "tokens"),
                          cJSON_AddObjectToObject(next, "tokens"), err)) ||
        (rc = load_usage(cJSON_GetObjectItemCaseSensitive(doc, "usage"),
                         cJSON_AddObjectToObject(next, "usage"), err)) ||
        (rc = load_messages(cJSON_GetObjectItemCaseSensitive(doc, "messages"), now,
                            cJSON_AddObjectToObject(next, "messages"), err)))
        goto out;
    cJSON_Delete(c->state);
    c->state = next;
    next = NULL;
out:
    cJSON_Delete(next);
    return rc;
}

cJSON *ctr_org(struct ctr *c, const char *org)
{
    return org ? cJSON_GetObjectItemCaseSensitive(
                     cJSON_GetObjectItemCaseSensitive(c->state, "orgs"), org)
               : NULL;
}
