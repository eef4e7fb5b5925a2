/*
 * sse_portal.c: what an SSE portal user does, as console actions reached
 * through the admin API (POST /services/sse-<region>/actions/<name>), and the
 * look-ups the Threat Response mock makes into SSE.
 *
 * Actions (docs/cisco.md, "SSE console actions"):
 *   create-account     {org, name?}
 *   generate-token     {org?, devices?: 1..100, expiry?: "1h".."5d", token?}
 *   list-tokens        {org?}
 *   revoke-token       {token}
 *   set-cloud-services {org?, threat_response: bool}
 *   list-devices       {org?}
 *   delete-device      {device_id}
 * "org" may be left out when the region has exactly one account.
 */
#include "mock/sse/sse.h"

#include "common/json.h"
#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The account named by args.org, or the only one; NULL with err set. */
static cJSON *pick_account(struct sse *s, const cJSON *args, const char **org, struct cm_err *err)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(args, "org");
    cJSON *accts = cJSON_GetObjectItemCaseSensitive(s->state, "accounts"), *a;

    if (o && !cJSON_IsString(o)) {
        cm_fail(err, CM_EINVAL, "org: expected a string");
        return NULL;
    }
    if (o) {
        a = cJSON_GetObjectItemCaseSensitive(accts, o->valuestring);
        if (a == NULL)
            cm_fail(err, CM_ENOENT, "org: no account '%s' in this region", o->valuestring);
    } else if (cJSON_GetArraySize(accts) == 1) {
        a = accts->child;
    } else {
        a = NULL;
        cm_fail(err, CM_EINVAL,
                cJSON_GetArraySize(accts) == 0
                    ? "this region has no account: load a state with one or run create-account"
                    : "this region has several accounts: name one with \"org\"");
    }
    if (a)
        *org = a->string;
    return a;
}

cJSON *sse_token_view(const char *token, const char *org, const cJSON *t, int64_t now)
{
    cJSON *o = cJSON_CreateObject();
    double devices = cm_json_num(t, "devices", 1), used = cm_json_num(t, "used", 0);

    cJSON_AddStringToObject(o, "token", token);
    cJSON_AddStringToObject(o, "org", org);
    cJSON_AddNumberToObject(o, "devices", devices);
    cJSON_AddNumberToObject(o, "used", used);
    cJSON_AddNumberToObject(o, "remaining", devices > used ? devices - used : 0);
    cJSON_AddStringToObject(o, "expiry", cm_json_str(t, "expiry", ""));
    cJSON_AddStringToObject(o, "created", cm_json_str(t, "created", ""));
    cJSON_AddStringToObject(o, "expires", cm_json_str(t, "expires", ""));
    cJSON_AddStringToObject(o, "status", sse_token_status(t, now));
    return o;
}

cJSON *sse_token_generate(struct mk_service *svc, const char *org, int devices, const char *expiry,
                          const char *token, struct cm_err *err)
{
    struct sse *s = svc->data;
    cJSON *acct = sse_account(s, org), *toks, *t, *a;
    int64_t now = mk_service_now(svc), ms;
    char label[8], tok[SSE_TOKEN_LEN + 1], region[16], when[40];

    if (acct == NULL) {
        cm_fail(err, CM_ENOENT, "org: no account '%s' in this region", org ? org : "");
        return NULL;
    }
    if (devices < 1 || devices > 100) {
        cm_fail(err, CM_EINVAL, "devices: expected an integer from 1 to 100");
        return NULL;
    }
    if (sse_expiry_parse(expiry, &ms, label, sizeof(label)) != 0) {
        cm_fail(err, CM_EINVAL,
                "expiry: '%.32s' is not offered: choose one of 1h, 2h, 4h, 6h, "
                "8h, 12h, 1d, 2d, 3d, 4d, 5d",
                expiry ? expiry : "");
        return NULL;
    }
    toks = cJSON_GetObjectItemCaseSensitive(acct, "tokens");
    if (cJSON_GetArraySize(toks) >= SSE_MAX_TOKENS) {
        cm_fail(err, CM_ETOOBIG, "this account already has %d tokens: revoke some", SSE_MAX_TOKENS);
        return NULL;
    }
    if (token) {
        if (!sse_is_lower_hex(token, SSE_TOKEN_LEN)) {
            cm_fail(err, CM_EINVAL, "token: expected 32 lowercase hex characters");
            return NULL;
        }
        cm_strlcpy(tok, token, sizeof(tok));
    } else {
        sse_rand_hex(tok, sizeof(tok), SSE_TOKEN_LEN / 2);
    }
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(s->state, "accounts"))
    {
        if (cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(a, "tokens"), tok)) {
            cm_fail(err, CM_EEXIST, "token: '%s' already exists in this region", tok);
            return NULL;
        }
    }
    if (sse_index_find_elsewhere(svc, 't', tok, region, sizeof(region))) {
        cm_fail(err, CM_EEXIST, "token: '%s' already exists in region %s", tok, region);
        return NULL;
    }
    t = cJSON_AddObjectToObject(toks, tok);
    cJSON_AddNumberToObject(t, "devices", devices);
    cJSON_AddNumberToObject(t, "used", 0);
    cJSON_AddStringToObject(t, "expiry", label);
    sse_time(now, when, sizeof(when));
    cJSON_AddStringToObject(t, "created", when);
    sse_time(now + ms, when, sizeof(when));
    cJSON_AddStringToObject(t, "expires", when);
    cJSON_AddBoolToObject(t, "revoked", 0);
    sse_index_publish(svc);
    return sse_token_view(tok, acct->string, t, now);
}

cJSON *sse_device_row(const char *device_id, const cJSON *dev)
{
    static const char *const fields[] = {"name", "type", "version", "status", "description", NULL};
    cJSON *o = cJSON_CreateObject();
    size_t i;

    for (i = 0; fields[i]; i++)
        cJSON_AddStringToObject(o, fields[i], cm_json_str(dev, fields[i], ""));
    cJSON_AddStringToObject(o, "id", device_id);
    cJSON_AddStringToObject(o, "ip", cm_json_str(dev, "ip", ""));
    cJSON_AddStringToObject(o, "connector_version", cm_json_str(dev, "connector_version", ""));
    cJSON_AddStringToObject(o, "created", cm_json_str(dev, "created", ""));
    return o;
}

int sse_device_remove(struct mk_service *svc, const char *device_id)
{
    struct sse *s = svc->data;
    const char *org = NULL;
    cJSON *dev = sse_device_find(s, device_id, &org);

    if (dev == NULL)
        return CM_ENOENT;
    cJSON_DeleteItemFromObjectCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(sse_account(s, org), "devices"), device_id);
    sse_index_publish(svc);
    return 0;
}

static cJSON *act_create_account(struct sse *s, const cJSON *args, struct cm_err *err)
{
    const char *org = cm_json_str(args, "org", NULL), *name = cm_json_str(args, "name", org);
    cJSON *accts = cJSON_GetObjectItemCaseSensitive(s->state, "accounts"), *a, *out;

    if (org == NULL || *org == '\0' || strlen(org) > 128 || name == NULL || strlen(name) > 255) {
        cm_fail(err, CM_EINVAL, "expected {\"org\": \"<org id>\", \"name\": \"<account name>\"}");
        return NULL;
    }
    if (cJSON_GetObjectItemCaseSensitive(accts, org)) {
        cm_fail(err, CM_EEXIST, "org: account '%s' already exists in this region", org);
        return NULL;
    }
    if (cJSON_GetArraySize(accts) >= SSE_MAX_ACCOUNTS) {
        cm_fail(err, CM_ETOOBIG, "at most %d accounts per region", SSE_MAX_ACCOUNTS);
        return NULL;
    }
    a = cJSON_AddObjectToObject(accts, org);
    cJSON_AddStringToObject(a, "name", name);
    cJSON_AddBoolToObject(cJSON_AddObjectToObject(a, "cloud_services"), "threat_response", 0);
    cJSON_AddObjectToObject(a, "tokens");
    cJSON_AddObjectToObject(a, "devices");
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "org", org);
    cJSON_AddStringToObject(out, "name", name);
    return out;
}

static cJSON *act_generate(struct mk_service *svc, const cJSON *args, struct cm_err *err)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(args, "devices"),
                *e = cJSON_GetObjectItemCaseSensitive(args, "expiry"),
                *t = cJSON_GetObjectItemCaseSensitive(args, "token");
    const char *org = NULL;

    if (pick_account(svc->data, args, &org, err) == NULL)
        return NULL;
    if (d && (!cJSON_IsNumber(d) || d->valuedouble != (double)(int)d->valuedouble)) {
        cm_fail(err, CM_EINVAL, "devices: expected an integer from 1 to 100");
        return NULL;
    }
    if ((e && !cJSON_IsString(e)) || (t && !cJSON_IsString(t))) {
        cm_fail(err, CM_EINVAL, "%s: expected a string",
                e && !cJSON_IsString(e) ? "expiry" : "token");
        return NULL;
    }
    return sse_token_generate(svc, org, d ? (int)d->valuedouble : 1, e ? e->valuestring : "1h",
                              t ? t->valuestring : NULL, err);
}

static int cmp_created(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    int c = strcmp(cm_json_str(x, "created", ""), cm_json_str(y, "created", ""));

    return c ? c : strcmp(x->string, y->string);
}

/* The members of obj sorted by "created" then key; caller frees the array with free(). */
static const cJSON **sorted_members(const cJSON *obj, int *n)
{
    const cJSON **v, *it;
    int i = 0;

    *n = cJSON_GetArraySize(obj);
    v = cm_calloc((size_t)*n + 1, sizeof(*v));
    cJSON_ArrayForEach(it, obj) v[i++] = it;
    qsort(v, (size_t)*n, sizeof(*v), cmp_created);
    return v;
}

static cJSON *act_list_tokens(struct mk_service *svc, const cJSON *args, struct cm_err *err)
{
    const char *org = NULL;
    cJSON *a = pick_account(svc->data, args, &org, err), *out, *arr;
    const cJSON **v;
    int n, i;

    if (a == NULL)
        return NULL;
    out = cJSON_CreateObject();
    arr = cJSON_AddArrayToObject(out, "tokens");
    v = sorted_members(cJSON_GetObjectItemCaseSensitive(a, "tokens"), &n);
    for (i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, sse_token_view(v[i]->string, org, v[i], mk_service_now(svc)));
    free(v);
    return out;
}

static cJSON *act_revoke(struct mk_service *svc, const cJSON *args, struct cm_err *err)
{
    struct sse *s = svc->data;
    const char *tok = cm_json_str(args, "token", NULL);
    cJSON *a, *t;

    if (tok == NULL) {
        cm_fail(err, CM_EINVAL, "token: required");
        return NULL;
    }
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(s->state, "accounts"))
    {
        t = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(a, "tokens"), tok);
        if (t) {
            sse_set(t, "revoked", cJSON_CreateBool(1));
            return sse_token_view(tok, a->string, t, mk_service_now(svc));
        }
    }
    cm_fail(err, CM_ENOENT, "token: no token '%.40s' in this region", tok);
    return NULL;
}

static cJSON *act_cloud_services(struct mk_service *svc, const cJSON *args, struct cm_err *err)
{
    const char *org = NULL;
    cJSON *a = pick_account(svc->data, args, &org, err), *out, *cs;
    const cJSON *tr = cJSON_GetObjectItemCaseSensitive(args, "threat_response");

    if (a == NULL)
        return NULL;
    if (!cJSON_IsBool(tr)) {
        cm_fail(err, CM_EINVAL, "threat_response: expected true or false");
        return NULL;
    }
    cs = cJSON_GetObjectItemCaseSensitive(a, "cloud_services");
    sse_set(cs, "threat_response", cJSON_CreateBool(cJSON_IsTrue(tr)));
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "org", org);
    cJSON_AddItemToObject(out, "cloud_services", cJSON_Duplicate(cs, 1));
    return out;
}

static cJSON *act_list_devices(struct mk_service *svc, const cJSON *args, struct cm_err *err)
{
    const char *org = NULL;
    cJSON *a = pick_account(svc->data, args, &org, err), *out, *arr;
    const cJSON **v;
    int n, i;

    if (a == NULL)
        return NULL;
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "org", org);
    arr = cJSON_AddArrayToObject(out, "devices");
    v = sorted_members(cJSON_GetObjectItemCaseSensitive(a, "devices"), &n);
    for (i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, sse_device_row(v[i]->string, v[i]));
    free(v);
    return out;
}

static cJSON *act_delete_device(struct mk_service *svc, const cJSON *args, struct cm_err *err)
{
    const char *id = cm_json_str(args, "device_id", NULL);
    cJSON *out;

    if (id == NULL) {
        cm_fail(err, CM_EINVAL, "device_id: required");
        return NULL;
    }
    if (sse_device_remove(svc, id) != 0) {
        cm_fail(err, CM_ENOENT, "device_id: no device '%.64s' in this region", id);
        return NULL;
    }
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "device_id", id);
    cJSON_AddStringToObject(out, "status", "deleted");
    return out;
}

cJSON *sse_action(struct mk_service *svc, const char *action, const cJSON *args, struct cm_err *err)
{
    sse_settle(svc, mk_service_now(svc));
    if (!cJSON_IsObject(args)) {
        cm_fail(err, CM_EINVAL, "expected an object of arguments");
        return NULL;
    }
    if (strcmp(action, "create-account") == 0)
        return act_create_account(svc->data, args, err);
    if (strcmp(action, "generate-token") == 0)
        return act_generate(svc, args, err);
    if (strcmp(action, "list-tokens") == 0)
        return act_list_tokens(svc, args, err);
    if (strcmp(action, "revoke-token") == 0)
        return act_revoke(svc, args, err);
    if (strcmp(action, "set-cloud-services") == 0)
        return act_cloud_services(svc, args, err);
    if (strcmp(action, "list-devices") == 0)
        return act_list_devices(svc, args, err);
    if (strcmp(action, "delete-device") == 0)
        return act_delete_device(svc, args, err);
    cm_fail(err, CM_ENOENT,
            "unknown action '%s' (create-account, generate-token, list-tokens, revoke-token, "
            "set-cloud-services, list-devices, delete-device)",
            action);
    return NULL;
}

/* ---- look-ups for the ctr mock, each under sse's lock ---- */

struct lookup {
    const char *org;
    const char *device_id;
    cJSON *out;
    struct cm_err *err;
    int rc;
};

static int visible_cb(struct mk_service *svc, void *arg)
{
    struct lookup *l = arg;
    struct sse *s = svc->data;
    cJSON *a, *d, *row;
    const cJSON **v;
    int n, i;

    sse_settle(svc, mk_service_now(svc));
    a = sse_account(s, l->org);
    l->out = cJSON_CreateArray();
    if (a == NULL ||
        !cm_json_bool(cJSON_GetObjectItemCaseSensitive(a, "cloud_services"), "threat_response", 0))
        return 0;
    v = sorted_members(cJSON_GetObjectItemCaseSensitive(a, "devices"), &n);
    for (i = 0; i < n; i++) {
        d = (cJSON *)v[i];
        row = sse_device_row(d->string, d);
        cJSON_AddStringToObject(row, "serial", cm_json_str(d, "serial", ""));
        cJSON_AddBoolToObject(
            row, "xdr", cm_json_bool(cJSON_GetObjectItemCaseSensitive(d, "services"), "xdr", 1));
        cJSON_AddItemToArray(l->out, row);
    }
    free(v);
    return 0;
}

cJSON *sse_visible_devices(struct mk_service *sse, const char *org)
{
    struct lookup l = {org, NULL, NULL, NULL, 0};

    mk_service_with_lock(sse, visible_cb, &l);
    return l.out;
}

static int enabled_cb(struct mk_service *svc, void *arg)
{
    struct lookup *l = arg;
    cJSON *a = sse_account(svc->data, l->org);

    return cm_json_bool(cJSON_GetObjectItemCaseSensitive(a, "cloud_services"), "threat_response",
                        0);
}

int sse_threat_response_enabled(struct mk_service *sse, const char *org)
{
    struct lookup l = {org, NULL, NULL, NULL, 0};

    return mk_service_with_lock(sse, enabled_cb, &l);
}

static int delete_cb(struct mk_service *svc, void *arg)
{
    struct lookup *l = arg;
    struct sse *s = svc->data;
    const char *org = NULL;

    sse_settle(svc, mk_service_now(svc));
    if (!enabled_cb(svc, arg) || sse_device_find(s, l->device_id, &org) == NULL ||
        strcmp(org, l->org) != 0)
        return CM_ENOENT;
    return sse_device_remove(svc, l->device_id);
}

int sse_delete_visible_device(struct mk_service *sse, const char *org, const char *device_id)
{
    struct lookup l = {org, device_id, NULL, NULL, 0};

    return mk_service_with_lock(sse, delete_cb, &l);
}

static int tenant_cb(struct mk_service *svc, void *arg)
{
    struct lookup *l = arg;

    sse_settle(svc, mk_service_now(svc));
    l->out = sse_token_generate(svc, l->org, 1, "1h", NULL, l->err);
    return l->out ? 0 : CM_ENOENT;
}

cJSON *sse_tenant_token(struct mk_service *sse, const char *org, struct cm_err *err)
{
    struct lookup l = {org, NULL, NULL, err, 0};

    mk_service_with_lock(sse, tenant_cb, &l);
    return l.out;
}

static int account_cb(struct mk_service *svc, void *arg)
{
    struct lookup *l = arg;
    cJSON *a;

    sse_settle(svc, mk_service_now(svc));
    a = sse_account(svc->data, l->org);
    if (a == NULL)
        return CM_ENOENT;
    l->out = cJSON_CreateObject();
    cJSON_AddStringToObject(l->out, "name", cm_json_str(a, "name", ""));
    cJSON_AddBoolToObject(
        l->out, "threat_response",
        cm_json_bool(cJSON_GetObjectItemCaseSensitive(a, "cloud_services"), "threat_response", 0));
    cJSON_AddNumberToObject(l->out, "devices",
                            cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(a, "devices")));
    return 0;
}

cJSON *sse_account_view(struct mk_service *sse, const char *org)
{
    struct lookup l = {org, NULL, NULL, NULL, 0};

    mk_service_with_lock(sse, account_cb, &l);
    return l.out;
}
