/*
 * sse_state.c: the SSE mock's state document: validation and normalization
 * on load, lazy completion of registrations on the virtual clock (settle),
 * look-ups, and the process-wide index of tokens and serials by region.
 *
 * Normalized state (docs/cisco.md, "SSE state"):
 *
 *   {"registration_delay": "20s",
 *    "accounts": {"<org>": {"name": s, "cloud_services": {"threat_response": b},
 *                           "tokens": {"<32 hex>": token}, "devices": {"<uuid>": device}}},
 *    "registrations": {"<uuid>": registration}}
 *
 * Loading fills every default so the rest of the code reads typed members
 * without checking; unknown members are refused so a typo in a fixture is an
 * error, not a silently ignored setting.
 */
#include "mock/sse/sse.h"

#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"
#include "mock/kit/statecheck.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- times ---- */

static void add_time(cJSON *out, const char *key, int64_t ms)
{
    char t[40];

    sse_time(ms, t, sizeof(t));
    cJSON_AddStringToObject(out, key, t);
}

/* ---- tokens, devices, accounts, registrations ---- */

static int load_token(const char *where, const cJSON *in, int64_t now, cJSON *out,
                      struct cm_err *err)
{
    static const char *const keys[] = {"devices", "used",    "expiry", "created",
                                       "expires", "revoked", NULL};
    const char *label_in;
    char label[8];
    int64_t exp_ms, created = now, expires = 0;
    int has_c, has_e, rc;

    if ((rc = mk_sc_keys(in, where, keys, err)) ||
        (rc = mk_sc_int(in, "devices", where, 1, 100, 1, out, err)))
        return rc;
    if ((rc = mk_sc_int(in, "used", where, 0, cm_json_num(out, "devices", 1), 0, out, err)))
        return rc;
    label_in = cm_json_str(in, "expiry", "1h");
    if (cJSON_GetObjectItemCaseSensitive(in, "expiry") &&
        !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(in, "expiry")))
        label_in = "";
    if (sse_expiry_parse(label_in, &exp_ms, label, sizeof(label)) != 0)
        return cm_fail(err, CM_EINVAL,
                       "%s.expiry: expected one of 1h, 2h, 4h, 6h, 8h, 12h, 1d, 2d, 3d, 4d, 5d",
                       where);
    cJSON_AddStringToObject(out, "expiry", label);
    if ((rc = mk_sc_time(in, "created", where, &created, &has_c, err)) ||
        (rc = mk_sc_time(in, "expires", where, &expires, &has_e, err)))
        return rc;
    if (!has_c && has_e)
        created = expires - exp_ms;
    if (!has_e)
        expires = created + exp_ms;
    add_time(out, "created", created);
    add_time(out, "expires", expires);
    return mk_sc_bool(in, "revoked", where, 0, out, err);
}

static int load_services(const cJSON *in, const char *where, cJSON *out, struct cm_err *err)
{
    static const char *const keys[] = {"xdr", "csn", NULL};
    int rc;

    if (in == NULL)
        in = out; /* empty: defaults only */
    if ((rc = mk_sc_keys(in, where, keys, err)) != 0)
        return rc;
    {
        cJSON *tmp = cJSON_CreateObject();
        rc = mk_sc_bool(in, "xdr", where, 1, tmp, err);
        if (rc == 0)
            rc = mk_sc_bool(in, "csn", where, 0, tmp, err);
        if (rc == 0) {
            cJSON_AddItemToObject(out, "xdr", cJSON_DetachItemFromObject(tmp, "xdr"));
            cJSON_AddItemToObject(out, "csn", cJSON_DetachItemFromObject(tmp, "csn"));
        }
        cJSON_Delete(tmp);
    }
    return rc;
}

static int load_device(const char *where, const cJSON *in, int64_t now, cJSON *out,
                       struct cm_err *err)
{
    static const char *const keys[] = {
        "name",        "type",   "version", "serial", "ip",         "connector_version",
        "description", "status", "created", "token",  "credential", "services",
        "csn",         NULL};
    const cJSON *csn;
    char cred[SSE_CREDENTIAL_LEN + 1], sub[160];
    int64_t created = now;
    int has, rc;

    if ((rc = mk_sc_keys(in, where, keys, err)) ||
        (rc = mk_sc_str(in, "name", where, 255, 1, NULL, out, err)) ||
        (rc = mk_sc_str(in, "type", where, 32, 1, "ESA", out, err)) ||
        (rc = mk_sc_str(in, "version", where, 64, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "serial", where, 64, 1, NULL, out, err)) ||
        (rc = mk_sc_str(in, "ip", where, 45, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "connector_version", where, 32, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "description", where, 255, 1, cm_json_str(out, "type", "ESA"), out,
                        err)) ||
        (rc = mk_sc_str(in, "status", where, 32, 1, "Registered", out, err)) ||
        (rc = mk_sc_time(in, "created", where, &created, &has, err)))
        return rc;
    if (cm_json_str(out, "serial", "")[0] == '\0')
        return cm_fail(err, CM_EINVAL, "%s.serial: must not be empty", where);
    add_time(out, "created", created);
    if ((rc = mk_sc_str(in, "token", where, 256, 1, "", out, err)))
        return rc;
    sse_rand_hex(cred, sizeof(cred), SSE_CREDENTIAL_LEN / 2);
    if ((rc = mk_sc_str(in, "credential", where, 128, 1, cred, out, err)))
        return rc;
    snprintf(sub, sizeof(sub), "%.140s.services", where);
    if ((rc = load_services(cJSON_GetObjectItemCaseSensitive(in, "services"), sub,
                            cJSON_AddObjectToObject(out, "services"), err)))
        return rc;
    csn = cJSON_GetObjectItemCaseSensitive(in, "csn");
    if (csn) {
        if (!cJSON_IsObject(csn))
            return cm_fail(err, CM_EINVAL, "%s.csn: expected an object", where);
        cJSON_AddItemToObject(out, "csn", cJSON_Duplicate(csn, 1));
    }
    return 0;
}

static int load_account(const char *org, const cJSON *in, int64_t now, cJSON *out,
                        struct cm_err *err)
{
    static const char *const keys[] = {"name", "cloud_services", "tokens", "devices", NULL};
    static const char *const cs_keys[] = {"threat_response", NULL};
    const cJSON *cs, *toks, *devs, *it;
    cJSON *o;
    char where[256];
    int rc;

    snprintf(where, sizeof(where), "accounts.%s", org);
    if (strlen(org) == 0 || strlen(org) > 128)
        return cm_fail(err, CM_EINVAL, "accounts: an org id is 1 to 128 characters");
    if ((rc = mk_sc_keys(in, where, keys, err)) ||
        (rc = mk_sc_str(in, "name", where, 255, 1, org, out, err)))
        return rc;
    cs = cJSON_GetObjectItemCaseSensitive(in, "cloud_services");
    o = cJSON_AddObjectToObject(out, "cloud_services");
    snprintf(where, sizeof(where), "accounts.%s.cloud_services", org);
    if (cs && (rc = mk_sc_keys(cs, where, cs_keys, err)))
        return rc;
    if ((rc = mk_sc_bool(cs, "threat_response", where, 0, o, err)))
        return rc;
    toks = cJSON_GetObjectItemCaseSensitive(in, "tokens");
    o = cJSON_AddObjectToObject(out, "tokens");
    if (toks && !cJSON_IsObject(toks))
        return cm_fail(err, CM_EINVAL, "accounts.%s.tokens: expected an object keyed by token",
                       org);
    if (cJSON_GetArraySize(toks) > SSE_MAX_TOKENS)
        return cm_fail(err, CM_ETOOBIG, "accounts.%s.tokens: at most %d", org, SSE_MAX_TOKENS);
    cJSON_ArrayForEach(it, toks)
    {
        snprintf(where, sizeof(where), "accounts.%s.tokens.%.40s", org, it->string);
        if (!sse_is_lower_hex(it->string, SSE_TOKEN_LEN))
            return cm_fail(err, CM_EINVAL, "%s: a token is 32 lowercase hex characters", where);
        if ((rc = load_token(where, it, now, cJSON_AddObjectToObject(o, it->string), err)))
            return rc;
    }
    devs = cJSON_GetObjectItemCaseSensitive(in, "devices");
    o = cJSON_AddObjectToObject(out, "devices");
    if (devs && !cJSON_IsObject(devs))
        return cm_fail(err, CM_EINVAL, "accounts.%s.devices: expected an object keyed by id", org);
    if (cJSON_GetArraySize(devs) > SSE_MAX_DEVICES)
        return cm_fail(err, CM_ETOOBIG, "accounts.%s.devices: at most %d", org, SSE_MAX_DEVICES);
    cJSON_ArrayForEach(it, devs)
    {
        snprintf(where, sizeof(where), "accounts.%s.devices.%.64s", org, it->string);
        if (strlen(it->string) == 0 || strlen(it->string) > 64)
            return cm_fail(err, CM_EINVAL, "%s: a device id is 1 to 64 characters", where);
        if ((rc = load_device(where, it, now, cJSON_AddObjectToObject(o, it->string), err)))
            return rc;
    }
    return 0;
}

static int load_registration(const char *where, const cJSON *in, int64_t now, cJSON *out,
                             struct cm_err *err)
{
    static const char *const keys[] = {
        "status", "outcome",  "verdict",   "submitted",    "completes", "org", "token",
        "device", "services", "device_id", "device_token", "error",     NULL};
    const char *st, *oc;
    const cJSON *it;
    int64_t t = now;
    int has, rc;

    if ((rc = mk_sc_keys(in, where, keys, err)) ||
        (rc = mk_sc_str(in, "status", where, 16, 1, "in_progress", out, err)) ||
        (rc = mk_sc_str(in, "outcome", where, 16, 1, "failed", out, err)) ||
        (rc = mk_sc_str(in, "verdict", where, 47, 1, "invalid_registration_token", out, err)))
        return rc;
    st = cm_json_str(out, "status", "");
    oc = cm_json_str(out, "outcome", "");
    if (strcmp(st, "in_progress") && strcmp(st, "registered") && strcmp(st, "failed"))
        return cm_fail(err, CM_EINVAL, "%s.status: expected in_progress, registered or failed",
                       where);
    if (strcmp(oc, "registered") && strcmp(oc, "failed"))
        return cm_fail(err, CM_EINVAL, "%s.outcome: expected registered or failed", where);
    if ((rc = mk_sc_time(in, "submitted", where, &t, &has, err)))
        return rc;
    add_time(out, "submitted", t);
    t += SSE_DEFAULT_DELAY_MS;
    if ((rc = mk_sc_time(in, "completes", where, &t, &has, err)))
        return rc;
    add_time(out, "completes", t);
    if ((rc = mk_sc_str(in, "org", where, 128, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "token", where, 256, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "device_id", where, 64, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "device_token", where, 128, 1, "", out, err)))
        return rc;
    if (strcmp(oc, "registered") == 0 &&
        (cm_json_str(out, "org", "")[0] == '\0' || cm_json_str(out, "device_id", "")[0] == '\0'))
        return cm_fail(err, CM_EINVAL, "%s: a registered outcome needs \"org\" and \"device_id\"",
                       where);
    it = cJSON_GetObjectItemCaseSensitive(in, "device");
    if (!cJSON_IsObject(it) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(it, "serial")))
        return cm_fail(err, CM_EINVAL, "%s.device: expected the submitted device with a serial",
                       where);
    cJSON_AddItemToObject(out, "device", cJSON_Duplicate(it, 1));
    it = cJSON_GetObjectItemCaseSensitive(in, "services");
    cJSON_AddItemToObject(out, "services", it ? cJSON_Duplicate(it, 1) : cJSON_CreateObject());
    it = cJSON_GetObjectItemCaseSensitive(in, "error");
    if (it)
        cJSON_AddItemToObject(out, "error", cJSON_Duplicate(it, 1));
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A serial two devices of the region share, or NULL (sorted, so n log n). */
static const char *duplicate_serial(const cJSON *accounts)
{
    const cJSON *a, *d;
    const char **v = NULL, *dup = NULL;
    size_t n = 0, cap = 0, i;

    cJSON_ArrayForEach(a, accounts)
    {
        cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(a, "devices"))
        {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                v = cm_realloc(v, cap * sizeof(*v));
            }
            v[n++] = cm_json_str(d, "serial", "");
        }
    }
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_str);
    for (i = 1; i < n && dup == NULL; i++)
        if (strcmp(v[i - 1], v[i]) == 0)
            dup = v[i];
    free(v);
    return dup;
}

int sse_state_load(struct mk_service *svc, const cJSON *doc, struct cm_err *err)
{
    static const char *const keys[] = {"registration_delay", "accounts", "registrations", NULL};
    struct sse *s = svc->data;
    int64_t now = mk_service_now(svc), delay = SSE_DEFAULT_DELAY_MS;
    const cJSON *it, *a;
    cJSON *next = cJSON_CreateObject(), *o;
    const char *dup;
    char where[160], label[32];
    int rc;

    if ((rc = mk_sc_keys(doc, "state", keys, err)))
        goto out;
    it = cJSON_GetObjectItemCaseSensitive(doc, "registration_delay");
    if (it && !(cJSON_IsString(it) && cm_duration_parse(it->valuestring, &delay) == 0) &&
        !(cJSON_IsNumber(it) && it->valuedouble >= 0 && (delay = (int64_t)it->valuedouble, 1))) {
        rc = cm_fail(err, CM_EINVAL,
                     "registration_delay: expected a duration such as \"20s\" or \"2m\"");
        goto out;
    }
    cm_duration_format(delay, label, sizeof(label));
    cJSON_AddStringToObject(next, "registration_delay", label);
    it = cJSON_GetObjectItemCaseSensitive(doc, "accounts");
    o = cJSON_AddObjectToObject(next, "accounts");
    if (it && !cJSON_IsObject(it)) {
        rc = cm_fail(err, CM_EINVAL, "accounts: expected an object keyed by org id");
        goto out;
    }
    if (cJSON_GetArraySize(it) > SSE_MAX_ACCOUNTS) {
        rc = cm_fail(err, CM_ETOOBIG, "accounts: at most %d", SSE_MAX_ACCOUNTS);
        goto out;
    }
    cJSON_ArrayForEach(a, it)
    {
        if ((rc = load_account(a->string, a, now, cJSON_AddObjectToObject(o, a->string), err)))
            goto out;
    }
    if ((dup = duplicate_serial(o)) != NULL) {
        rc = cm_fail(err, CM_EINVAL, "accounts: two devices have the serial '%s'", dup);
        goto out;
    }
    it = cJSON_GetObjectItemCaseSensitive(doc, "registrations");
    o = cJSON_AddObjectToObject(next, "registrations");
    if (it && !cJSON_IsObject(it)) {
        rc = cm_fail(err, CM_EINVAL, "registrations: expected an object keyed by id");
        goto out;
    }
    if (cJSON_GetArraySize(it) > SSE_MAX_REGS) {
        rc = cm_fail(err, CM_ETOOBIG, "registrations: at most %d", SSE_MAX_REGS);
        goto out;
    }
    cJSON_ArrayForEach(a, it)
    {
        snprintf(where, sizeof(where), "registrations.%.64s", a->string);
        if ((rc = load_registration(where, a, now, cJSON_AddObjectToObject(o, a->string), err)))
            goto out;
    }
    cJSON_Delete(s->state);
    s->state = next;
    next = NULL;
    sse_index_publish(svc);
out:
    cJSON_Delete(next);
    return rc;
}

/* ---- look-ups and settle ---- */

const char *sse_region(const struct mk_service *svc)
{
    return svc->variant[0] ? svc->variant : "nam";
}

cJSON *sse_account(struct sse *s, const char *org)
{
    return org ? cJSON_GetObjectItemCaseSensitive(
                     cJSON_GetObjectItemCaseSensitive(s->state, "accounts"), org)
               : NULL;
}

cJSON *sse_device_find(struct sse *s, const char *device_id, const char **org_out)
{
    cJSON *a, *d;

    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(s->state, "accounts"))
    {
        d = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(a, "devices"),
                                             device_id);
        if (d) {
            if (org_out)
                *org_out = a->string;
            return d;
        }
    }
    return NULL;
}

static void complete(struct sse *s, cJSON *reg)
{
    cJSON *acct = sse_account(s, cm_json_str(reg, "org", NULL)), *dev, *devs;
    const cJSON *sub = cJSON_GetObjectItemCaseSensitive(reg, "device");
    const char *outcome = cm_json_str(reg, "outcome", "failed");
    static const char *const fields[] = {
        "name", "type", "version", "serial", "ip", "connector_version", "description", NULL};
    size_t i;

    if (strcmp(outcome, "registered") == 0 && acct == NULL) {
        /* the account was removed while the registration ran */
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "code", "invalid_or_expired_token");
        cJSON_AddStringToObject(e, "message", SSE_TOKEN_MESSAGE);
        sse_set(reg, "outcome", cJSON_CreateString("failed"));
        cJSON_DeleteItemFromObjectCaseSensitive(reg, "error");
        cJSON_AddItemToObject(reg, "error", e);
        outcome = "failed";
    }
    sse_set(reg, "status", cJSON_CreateString(outcome));
    if (strcmp(outcome, "registered") != 0)
        return;
    devs = cJSON_GetObjectItemCaseSensitive(acct, "devices");
    dev = cJSON_CreateObject();
    for (i = 0; fields[i]; i++)
        cJSON_AddStringToObject(dev, fields[i], cm_json_str(sub, fields[i], ""));
    if (cm_json_str(dev, "description", "")[0] == '\0')
        sse_set(dev, "description", cJSON_CreateString(cm_json_str(dev, "type", "ESA")));
    cJSON_AddStringToObject(dev, "status", "Registered");
    cJSON_AddStringToObject(dev, "created", cm_json_str(reg, "completes", ""));
    cJSON_AddStringToObject(dev, "token", cm_json_str(reg, "token", ""));
    cJSON_AddStringToObject(dev, "credential", cm_json_str(reg, "device_token", ""));
    {
        const cJSON *sv = cJSON_GetObjectItemCaseSensitive(reg, "services");
        cJSON *o = cJSON_AddObjectToObject(dev, "services");
        cJSON_AddBoolToObject(o, "xdr", cm_json_bool(sv, "xdr", 1));
        cJSON_AddBoolToObject(o, "csn", cm_json_bool(sv, "csn", 0));
    }
    cJSON_DeleteItemFromObjectCaseSensitive(devs, cm_json_str(reg, "device_id", ""));
    cJSON_AddItemToObject(devs, cm_json_str(reg, "device_id", ""), dev);
}

void sse_settle(struct mk_service *svc, int64_t now_ms)
{
    struct sse *s = svc->data;
    cJSON *reg;
    int64_t t;

    int changed = 0;

    cJSON_ArrayForEach(reg, cJSON_GetObjectItemCaseSensitive(s->state, "registrations"))
    {
        if (strcmp(cm_json_str(reg, "status", ""), "in_progress") != 0)
            continue;
        if (sse_time_get(reg, "completes", &t) == 0 && t <= now_ms) {
            complete(s, reg);
            changed = 1;
        }
    }
    if (changed)
        sse_index_publish(svc);
}

/* ---- the process-wide index ---- */

struct idx_entry {
    struct idx_entry *next;
    struct mk_runtime *rt;
    struct mk_service *svc;
    char region[16];
    char **tokens;
    size_t ntokens;
    char **serials;
    size_t nserials;
};

static pthread_mutex_t idx_lock = PTHREAD_MUTEX_INITIALIZER;
static struct idx_entry *idx_head;

static void free_strings(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void push(char ***v, size_t *n, size_t *cap, const char *s)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = cm_realloc(*v, *cap * sizeof(**v));
    }
    (*v)[(*n)++] = cm_strdup(s);
}

void sse_index_publish(struct mk_service *svc)
{
    struct sse *s = svc->data;
    struct idx_entry *e;
    char **toks = NULL, **sers = NULL;
    size_t nt = 0, ct = 0, ns = 0, cs = 0;
    const cJSON *a, *it;

    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(s->state, "accounts"))
    {
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(a, "tokens"))
            push(&toks, &nt, &ct, it->string);
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(a, "devices"))
            push(&sers, &ns, &cs, cm_json_str(it, "serial", ""));
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(s->state, "registrations"))
    {
        if (strcmp(cm_json_str(it, "status", ""), "in_progress") == 0 &&
            strcmp(cm_json_str(it, "outcome", ""), "registered") == 0)
            push(&sers, &ns, &cs,
                 cm_json_str(cJSON_GetObjectItemCaseSensitive(it, "device"), "serial", ""));
    }
    pthread_mutex_lock(&idx_lock);
    for (e = idx_head; e && e->svc != svc; e = e->next)
        ;
    if (e == NULL) {
        e = cm_calloc(1, sizeof(*e));
        e->svc = svc;
        e->rt = svc->rt;
        cm_strlcpy(e->region, sse_region(svc), sizeof(e->region));
        e->next = idx_head;
        idx_head = e;
    }
    free_strings(e->tokens, e->ntokens);
    free_strings(e->serials, e->nserials);
    e->tokens = toks;
    e->ntokens = nt;
    e->serials = sers;
    e->nserials = ns;
    pthread_mutex_unlock(&idx_lock);
}

void sse_index_forget(struct mk_service *svc)
{
    struct idx_entry **pp, *e;

    pthread_mutex_lock(&idx_lock);
    for (pp = &idx_head; *pp; pp = &(*pp)->next) {
        if ((*pp)->svc == svc) {
            e = *pp;
            *pp = e->next;
            free_strings(e->tokens, e->ntokens);
            free_strings(e->serials, e->nserials);
            free(e);
            break;
        }
    }
    pthread_mutex_unlock(&idx_lock);
}

int sse_index_find_elsewhere(struct mk_service *svc, char kind, const char *value, char *region,
                             size_t size)
{
    struct idx_entry *e;
    size_t i, n;
    char **v;
    int found = 0;

    pthread_mutex_lock(&idx_lock);
    for (e = idx_head; e && !found; e = e->next) {
        if (e->rt != svc->rt || e->svc == svc)
            continue;
        v = kind == 't' ? e->tokens : e->serials;
        n = kind == 't' ? e->ntokens : e->nserials;
        for (i = 0; i < n && !found; i++) {
            if (strcmp(v[i], value) == 0) {
                cm_strlcpy(region, e->region, size);
                found = 1;
            }
        }
    }
    pthread_mutex_unlock(&idx_lock);
    return found;
}
