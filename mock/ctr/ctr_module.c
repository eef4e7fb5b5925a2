/*
 * ctr_module.c: ESA module instances (console actions and the iroh-int
 * API), the Threat Response view of SSE devices (iroh-sse), and the look-ups
 * into the same region's SSE service that decide whether a module's device
 * can be used.
 *
 * Vendor facts ([tn215556] step 8 and troubleshooting): a module has a name,
 * a Registered Device chosen from the devices registered in SSE, and a
 * Request Timeframe in days (default 30); a device is missing from that list
 * until Cisco Threat Response is enabled on SSE's Cloud Services tab; the
 * investigation shows no ESA data when the wrong cloud (region) is used. So
 * a ctr-<region> service sees only sse-<region>, and only the accounts whose
 * id is the CTR org id. Ours: the iroh-int shapes, the module type id, the
 * console actions.
 */
#include "mock/ctr/ctr.h"

#include "common/json.h"
#include "common/mem.h"
#include "mock/kit/runtime.h"
#include "mock/sse/sse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *region_of(const struct mk_service *svc)
{
    return svc->variant[0] ? svc->variant : "nam";
}

struct mk_service *ctr_sse_service(struct mk_service *svc)
{
    char name[40];
    struct mk_service *sse;

    snprintf(name, sizeof(name), "sse-%s", region_of(svc));
    sse = mk_runtime_find(svc->rt, name);
    if (sse == NULL && strcmp(region_of(svc), "nam") == 0)
        sse = mk_runtime_find(svc->rt, "sse");
    return sse;
}

/* The visible device row with id, or NULL; why says what is missing. Caller frees. */
static cJSON *visible_device(struct mk_service *svc, const char *org, const char *device_id,
                             char *why, size_t size)
{
    struct mk_service *sse = ctr_sse_service(svc);
    cJSON *devs, *d, *found = NULL;

    if (sse == NULL) {
        snprintf(why, size,
                 "no Security Services Exchange for region %s in this process (run "
                 "sse-%s beside %s)",
                 region_of(svc), region_of(svc), svc->name);
        return NULL;
    }
    devs = sse_visible_devices(sse, org);
    cJSON_ArrayForEach(d, devs)
    {
        if (strcmp(cm_json_str(d, "id", ""), device_id) == 0) {
            found = cJSON_DetachItemViaPointer(devs, d);
            break;
        }
    }
    cJSON_Delete(devs);
    if (found == NULL) {
        if (!sse_threat_response_enabled(sse, org))
            snprintf(why, size,
                     "device '%.64s' is not in the Registered Device list: enable Cisco Threat "
                     "Response on the Cloud Services tab of Security Services Exchange (region %s)",
                     device_id, region_of(svc));
        else
            snprintf(why, size,
                     "device '%.64s' is not in the Registered Device list: register the "
                     "appliance in Security Services Exchange (region %s) first",
                     device_id, region_of(svc));
    }
    return found;
}

cJSON *ctr_module_device(struct mk_service *svc, const char *org, const cJSON *module, char *why,
                         size_t size)
{
    cJSON *d = visible_device(svc, org, cm_json_str(module, "device_id", ""), why, size);

    if (d && !cm_json_bool(d, "xdr", 1)) {
        snprintf(why, size,
                 "Cisco XDR is not enabled on the appliance '%.64s' (Cloud Service "
                 "Settings > Edit Global Settings)",
                 cm_json_str(d, "name", ""));
        cJSON_Delete(d);
        return NULL;
    }
    return d;
}

cJSON *ctr_module_view(const char *id, const cJSON *module)
{
    static const char *const settings[] = {"device_id", "remediation_profile", "forward_address",
                                           NULL};
    cJSON *o = cJSON_CreateObject(), *s;
    size_t i;

    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "name", cm_json_str(module, "name", ""));
    cJSON_AddStringToObject(o, "module_type_id", CTR_ESA_TYPE_ID);
    cJSON_AddStringToObject(o, "module-type", CTR_ESA_TYPE_NAME);
    cJSON_AddBoolToObject(o, "enabled", 1);
    cJSON_AddStringToObject(o, "created_at", cm_json_str(module, "created", ""));
    s = cJSON_AddObjectToObject(o, "settings");
    for (i = 0; settings[i]; i++)
        cJSON_AddStringToObject(s, settings[i], cm_json_str(module, settings[i], ""));
    cJSON_AddNumberToObject(s, "timeframe_days", cm_json_num(module, "timeframe_days", 30));
    return o;
}

/* Adds a module to org after checking its device can be chosen; the view, or NULL with err. */
static cJSON *module_add(struct mk_service *svc, const char *org, const cJSON *spec,
                         struct cm_err *err)
{
    struct ctr *c = svc->data;
    cJSON *mods = cJSON_GetObjectItemCaseSensitive(ctr_org(c, org), "modules"), *m, *dev;
    char id[40], why[400];

    if (cJSON_GetArraySize(mods) >= 100) {
        cm_fail(err, CM_ETOOBIG, "at most 100 modules per org");
        return NULL;
    }
    m = cJSON_CreateObject();
    if (ctr_module_load(spec, "module", mk_service_now(svc), m, err) != 0) {
        cJSON_Delete(m);
        return NULL;
    }
    dev = visible_device(svc, org, cm_json_str(m, "device_id", ""), why, sizeof(why));
    if (dev == NULL || strcmp(cm_json_str(dev, "type", ""), "ESA") != 0) {
        cm_fail(err, CM_ENOENT, "%s",
                dev ? "the chosen device is not an Email Security Appliance" : why);
        cJSON_Delete(dev);
        cJSON_Delete(m);
        return NULL;
    }
    cJSON_Delete(dev);
    sse_uuid(id, sizeof(id));
    cJSON_AddItemToObject(mods, id, m);
    return ctr_module_view(id, m);
}

/* ---- console actions ---- */

static const char *pick_org(struct ctr *c, const cJSON *args, struct cm_err *err)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(args, "org");
    cJSON *orgs = cJSON_GetObjectItemCaseSensitive(c->state, "orgs");

    if (o && !cJSON_IsString(o)) {
        cm_fail(err, CM_EINVAL, "org: expected a string");
        return NULL;
    }
    if (o) {
        if (cJSON_GetObjectItemCaseSensitive(orgs, o->valuestring))
            return cJSON_GetObjectItemCaseSensitive(orgs, o->valuestring)->string;
        cm_fail(err, CM_ENOENT, "org: no org '%s' in this region", o->valuestring);
        return NULL;
    }
    if (cJSON_GetArraySize(orgs) == 1)
        return orgs->child->string;
    cm_fail(err, CM_EINVAL,
            cJSON_GetArraySize(orgs) == 0
                ? "this region has no org: load a state with one or run create-org"
                : "this region has several orgs: name one with \"org\"");
    return NULL;
}

static cJSON *act_create_org(struct ctr *c, const cJSON *args, struct cm_err *err)
{
    const char *org = cm_json_str(args, "org", NULL), *name = cm_json_str(args, "name", org);
    cJSON *orgs = cJSON_GetObjectItemCaseSensitive(c->state, "orgs"), *o, *u, *out;
    char uid[160];

    if (org == NULL || *org == '\0' || strlen(org) > 128 || name == NULL || strlen(name) > 255) {
        cm_fail(err, CM_EINVAL, "expected {\"org\": \"<org id>\", \"name\": \"<org name>\"}");
        return NULL;
    }
    if (cJSON_GetObjectItemCaseSensitive(orgs, org)) {
        cm_fail(err, CM_EEXIST, "org: '%s' already exists in this region", org);
        return NULL;
    }
    o = cJSON_AddObjectToObject(orgs, org);
    cJSON_AddStringToObject(o, "name", name);
    u = cJSON_AddObjectToObject(o, "user");
    snprintf(uid, sizeof(uid), "user-%.128s", org);
    cJSON_AddStringToObject(u, "id", uid);
    cJSON_AddStringToObject(u, "name", "API Client");
    cJSON_AddStringToObject(u, "email", "");
    cJSON_AddStringToObject(u, "role", "admin");
    cJSON_AddObjectToObject(o, "clients");
    cJSON_AddObjectToObject(o, "modules");
    cJSON_AddArrayToObject(o, "remediations");
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "org", org);
    cJSON_AddStringToObject(out, "name", name);
    return out;
}

static cJSON *act_create_client(struct ctr *c, const cJSON *args, struct cm_err *err)
{
    const char *org = pick_org(c, args, err), *id = cm_json_str(args, "client_id", NULL),
               *secret = cm_json_str(args, "secret", NULL);
    const cJSON *scopes = cJSON_GetObjectItemCaseSensitive(args, "scopes"), *s;
    cJSON *clients, *cl, *out, *arr;
    char uuid[40], gen_id[48], gen_secret[80];
    size_t i;

    if (org == NULL)
        return NULL;
    if (id == NULL) {
        sse_uuid(uuid, sizeof(uuid));
        snprintf(gen_id, sizeof(gen_id), "client-%s", uuid);
        id = gen_id;
    }
    if (secret == NULL) {
        sse_rand_hex(gen_secret, sizeof(gen_secret), 32);
        secret = gen_secret;
    }
    if (*id == '\0' || strlen(id) > 128 || strchr(id, ':') || *secret == '\0' ||
        strlen(secret) > 256) {
        cm_fail(err, CM_EINVAL, "client_id: 1 to 128 characters without ':'; secret: 1 to 256");
        return NULL;
    }
    clients = cJSON_GetObjectItemCaseSensitive(ctr_org(c, org), "clients");
    if (cJSON_GetObjectItemCaseSensitive(clients, id)) {
        cm_fail(err, CM_EEXIST, "client_id: '%s' already exists", id);
        return NULL;
    }
    if (scopes && !cJSON_IsArray(scopes)) {
        cm_fail(err, CM_EINVAL, "scopes: expected an array of scope names");
        return NULL;
    }
    cJSON_ArrayForEach(s, scopes)
    {
        for (i = 0;
             cJSON_IsString(s) && ctr_all_scopes[i] && strcmp(ctr_all_scopes[i], s->valuestring);
             i++)
            ;
        if (!cJSON_IsString(s) || ctr_all_scopes[i] == NULL) {
            cm_fail(err, CM_EINVAL, "scopes: unknown scope '%s'",
                    cJSON_IsString(s) ? s->valuestring : "(not a string)");
            return NULL;
        }
    }
    cl = cJSON_AddObjectToObject(clients, id);
    cJSON_AddStringToObject(cl, "secret", secret);
    cJSON_AddStringToObject(cl, "name", cm_json_str(args, "name", id));
    arr = cJSON_AddArrayToObject(cl, "scopes");
    if (scopes) {
        cJSON_ArrayForEach(s, scopes) cJSON_AddItemToArray(arr, cJSON_CreateString(s->valuestring));
    } else {
        for (i = 0; ctr_all_scopes[i]; i++)
            cJSON_AddItemToArray(arr, cJSON_CreateString(ctr_all_scopes[i]));
    }
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "org", org);
    cJSON_AddStringToObject(out, "client_id", id);
    cJSON_AddStringToObject(out, "client_secret", secret);
    cJSON_AddItemToObject(out, "scopes", cJSON_Duplicate(arr, 1));
    return out;
}

static cJSON *act_module_devices(struct mk_service *svc, const cJSON *args, struct cm_err *err)
{
    const char *org = pick_org(svc->data, args, err);
    struct mk_service *sse;
    cJSON *out, *devs, *d, *next;

    if (org == NULL)
        return NULL;
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "org", org);
    sse = ctr_sse_service(svc);
    devs = sse ? sse_visible_devices(sse, org) : cJSON_CreateArray();
    for (d = devs->child; d; d = next) {
        next = d->next;
        if (strcmp(cm_json_str(d, "type", ""), "ESA") != 0)
            cJSON_Delete(cJSON_DetachItemViaPointer(devs, d));
        else
            cJSON_DeleteItemFromObjectCaseSensitive(d, "xdr");
    }
    cJSON_AddItemToObject(out, "devices", devs);
    return out;
}

static cJSON *find_module(struct ctr *c, const char *org, const cJSON *args, struct cm_err *err)
{
    const char *id = cm_json_str(args, "module_id", NULL);
    cJSON *m;

    if (id == NULL) {
        cm_fail(err, CM_EINVAL, "module_id: required");
        return NULL;
    }
    m = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(ctr_org(c, org), "modules"), id);
    if (m == NULL)
        cm_fail(err, CM_ENOENT, "module_id: no module '%.64s' in org '%s'", id, org);
    return m;
}

static cJSON *act_set_module(struct mk_service *svc, const cJSON *args, struct cm_err *err)
{
    struct ctr *c = svc->data;
    const char *org = pick_org(c, args, err);
    static const char *const keys[] = {"name", "timeframe_days", "remediation_profile",
                                       "forward_address", NULL};
    cJSON *m, *merged, *norm;
    const cJSON *it;
    size_t i;

    if (org == NULL || (m = find_module(c, org, args, err)) == NULL)
        return NULL;
    merged = cJSON_Duplicate(m, 1);
    for (i = 0; keys[i]; i++) {
        it = cJSON_GetObjectItemCaseSensitive(args, keys[i]);
        if (it)
            sse_set(merged, keys[i], cJSON_Duplicate(it, 1));
    }
    norm = cJSON_CreateObject();
    if (ctr_module_load(merged, "module", mk_service_now(svc), norm, err) != 0) {
        cJSON_Delete(merged);
        cJSON_Delete(norm);
        return NULL;
    }
    cJSON_Delete(merged);
    sse_set(cJSON_GetObjectItemCaseSensitive(ctr_org(c, org), "modules"), m->string, norm);
    return ctr_module_view(norm->string, norm);
}

static cJSON *act_remove_module(struct mk_service *svc, const cJSON *args, struct cm_err *err)
{
    struct ctr *c = svc->data;
    const char *org = pick_org(c, args, err);
    cJSON *m, *out;

    if (org == NULL || (m = find_module(c, org, args, err)) == NULL)
        return NULL;
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "module_id", m->string);
    cJSON_AddStringToObject(out, "status", "removed");
    cJSON_DeleteItemFromObjectCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(ctr_org(c, org), "modules"), m->string);
    return out;
}

static cJSON *act_add_message(struct mk_service *svc, const cJSON *args, struct cm_err *err)
{
    struct ctr *c = svc->data;
    const char *dev = cm_json_str(args, "device_id", NULL);
    cJSON *spec, *norm, *msgs, *arr;
    char t[40];

    if (dev == NULL || *dev == '\0' || strlen(dev) > 64) {
        cm_fail(err, CM_EINVAL, "device_id: required (the SSE device id of the appliance)");
        return NULL;
    }
    spec = cJSON_Duplicate(args, 1);
    cJSON_DeleteItemFromObjectCaseSensitive(spec, "device_id");
    if (cJSON_GetObjectItemCaseSensitive(spec, "time") == NULL) {
        sse_time(mk_service_now(svc), t, sizeof(t));
        cJSON_AddStringToObject(spec, "time", t);
    }
    norm = cJSON_CreateObject();
    if (ctr_message_load(spec, "message", mk_service_now(svc), norm, err) != 0) {
        cJSON_Delete(spec);
        cJSON_Delete(norm);
        return NULL;
    }
    cJSON_Delete(spec);
    msgs = cJSON_GetObjectItemCaseSensitive(c->state, "messages");
    arr = cJSON_GetObjectItemCaseSensitive(msgs, dev);
    if (arr == NULL)
        arr = cJSON_AddArrayToObject(msgs, dev);
    if (cJSON_GetArraySize(arr) >= CTR_MAX_MESSAGES) {
        cJSON_Delete(norm);
        cm_fail(err, CM_ETOOBIG, "at most %d messages per device", CTR_MAX_MESSAGES);
        return NULL;
    }
    cJSON_AddItemToArray(arr, norm);
    return cJSON_Duplicate(norm, 1);
}

static cJSON *act_list_remediations(struct ctr *c, const cJSON *args, struct cm_err *err)
{
    const char *org = pick_org(c, args, err);
    cJSON *out;

    if (org == NULL)
        return NULL;
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "org", org);
    cJSON_AddItemToObject(
        out, "remediations",
        cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(ctr_org(c, org), "remediations"), 1));
    return out;
}

cJSON *ctr_action(struct mk_service *svc, const char *action, const cJSON *args, struct cm_err *err)
{
    struct ctr *c = svc->data;
    const char *org;

    if (!cJSON_IsObject(args)) {
        cm_fail(err, CM_EINVAL, "expected an object of arguments");
        return NULL;
    }
    if (strcmp(action, "create-org") == 0)
        return act_create_org(c, args, err);
    if (strcmp(action, "create-client") == 0)
        return act_create_client(c, args, err);
    if (strcmp(action, "module-devices") == 0)
        return act_module_devices(svc, args, err);
    if (strcmp(action, "add-module") == 0) {
        cJSON *spec, *out;
        if ((org = pick_org(c, args, err)) == NULL)
            return NULL;
        spec = cJSON_Duplicate(args, 1);
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "org");
        out = module_add(svc, org, spec, err);
        cJSON_Delete(spec);
        return out;
    }
    if (strcmp(action, "set-module") == 0)
        return act_set_module(svc, args, err);
    if (strcmp(action, "remove-module") == 0)
        return act_remove_module(svc, args, err);
    if (strcmp(action, "add-message") == 0)
        return act_add_message(svc, args, err);
    if (strcmp(action, "list-remediations") == 0)
        return act_list_remediations(c, args, err);
    cm_fail(err, CM_ENOENT,
            "unknown action '%s' (create-org, create-client, module-devices, add-module, "
            "set-module, remove-module, add-message, list-remediations)",
            action);
    return NULL;
}

/* ---- the iroh-int API ---- */

static cJSON *org_modules(struct mk_request *req, const char *org)
{
    return cJSON_GetObjectItemCaseSensitive(ctr_org(req->svc->data, org), "modules");
}

int ctr_mi_list(struct mk_request *req, struct mk_response *resp)
{
    const char *org = ctr_authorize(req, resp, "integration");
    cJSON *out, *m;

    if (org == NULL)
        return MK_DONE;
    out = cJSON_CreateArray();
    cJSON_ArrayForEach(m, org_modules(req, org))
        cJSON_AddItemToArray(out, ctr_module_view(m->string, m));
    mk_resp_json(resp, 200, out);
    return MK_DONE;
}

int ctr_mi_get(struct mk_request *req, struct mk_response *resp)
{
    const char *org = ctr_authorize(req, resp, "integration");
    const char *id = req->path + strlen("/iroh/iroh-int/module-instance/");
    cJSON *m;

    if (org == NULL)
        return MK_DONE;
    m = cJSON_GetObjectItemCaseSensitive(org_modules(req, org), id);
    if (m == NULL)
        ctr_error(req, resp, 404, "not_found", "no module instance with that id in this org");
    else
        mk_resp_json(resp, 200, ctr_module_view(m->string, m));
    return MK_DONE;
}

int ctr_mi_create(struct mk_request *req, struct mk_response *resp)
{
    const char *org = ctr_authorize(req, resp, "integration");
    cJSON *doc, *spec, *view;
    const cJSON *st, *tid;
    struct cm_err err = {{0}};
    static const char *const skeys[] = {"device_id", "timeframe_days", "remediation_profile",
                                        "forward_address", NULL};
    size_t i;

    if (org == NULL)
        return MK_DONE;
    if (req->body_len > CTR_BODY_MAX) {
        ctr_error(req, resp, 413, "body_too_large", "the request body is larger than 1 MiB");
        return MK_DONE;
    }
    doc = cm_json_parse(req->body, req->body_len, "body", NULL);
    if (!cJSON_IsObject(doc)) {
        ctr_invalid(req, resp, "body", doc ? "expected an object" : "malformed-json");
        cJSON_Delete(doc);
        return MK_DONE;
    }
    tid = cJSON_GetObjectItemCaseSensitive(doc, "module_type_id");
    st = cJSON_GetObjectItemCaseSensitive(doc, "settings");
    if (!cJSON_IsString(tid) || strcmp(tid->valuestring, CTR_ESA_TYPE_ID) != 0) {
        ctr_invalid(req, resp, "module_type_id",
                    "expected the Email Security Appliance module type id (see "
                    "/iroh/iroh-int/module-type)");
    } else if (!cJSON_IsObject(st)) {
        ctr_invalid(req, resp, "settings", "missing-required-key");
    } else {
        spec = cJSON_CreateObject();
        if (cJSON_GetObjectItemCaseSensitive(doc, "name"))
            cJSON_AddItemToObject(
                spec, "name", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(doc, "name"), 1));
        for (i = 0; skeys[i]; i++)
            if (cJSON_GetObjectItemCaseSensitive(st, skeys[i]))
                cJSON_AddItemToObject(
                    spec, skeys[i],
                    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(st, skeys[i]), 1));
        view = module_add(req->svc, org, spec, &err);
        cJSON_Delete(spec);
        if (view == NULL) {
            ctr_invalid(req, resp, "settings", err.msg);
        } else {
            mk_req_detail(req, "module %s", cm_json_str(view, "id", ""));
            mk_resp_json(resp, 201, view);
        }
    }
    cJSON_Delete(doc);
    return MK_DONE;
}

int ctr_mi_delete(struct mk_request *req, struct mk_response *resp)
{
    const char *org = ctr_authorize(req, resp, "integration");
    const char *id = req->path + strlen("/iroh/iroh-int/module-instance/");
    cJSON *mods;

    if (org == NULL)
        return MK_DONE;
    mods = org_modules(req, org);
    if (cJSON_GetObjectItemCaseSensitive(mods, id) == NULL) {
        ctr_error(req, resp, 404, "not_found", "no module instance with that id in this org");
        return MK_DONE;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(mods, id);
    mk_resp_text(resp, 204, "application/json", "");
    return MK_DONE;
}

int ctr_mt_list(struct mk_request *req, struct mk_response *resp)
{
    cJSON *out, *t, *p;

    if (ctr_authorize(req, resp, "integration") == NULL)
        return MK_DONE;
    out = cJSON_CreateArray();
    t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "id", CTR_ESA_TYPE_ID);
    cJSON_AddStringToObject(t, "title", "Email Security Appliance");
    cJSON_AddStringToObject(t, "short_description",
                            "The Cisco Email Security Appliance (ESA) provides advanced threat "
                            "protection capabilities to detect, block, and remediate threats "
                            "faster");
    p = cJSON_AddArrayToObject(t, "properties");
    cJSON_AddItemToArray(p, cJSON_CreateString("device_id"));
    cJSON_AddItemToArray(p, cJSON_CreateString("timeframe_days"));
    cJSON_AddItemToArray(p, cJSON_CreateString("remediation_profile"));
    cJSON_AddItemToArray(p, cJSON_CreateString("forward_address"));
    cJSON_AddItemToArray(out, t);
    mk_resp_json(resp, 200, out);
    return MK_DONE;
}

/* ---- enrich settings and health ---- */

int ctr_settings(struct mk_request *req, struct mk_response *resp)
{
    const char *org = ctr_authorize(req, resp, "enrich:read");
    static const char *const observe[] = {"cisco_mid",     "domain",    "email", "email_messageid",
                                          "email_subject", "file_name", "ip",    "ipv6",
                                          "sha256",        "url",       NULL};
    cJSON *out, *mods, *m, *o, *arr;
    size_t i;

    if (org == NULL)
        return MK_DONE;
    out = cJSON_CreateObject();
    mods = cJSON_AddArrayToObject(cJSON_AddObjectToObject(out, "data"), "modules");
    cJSON_ArrayForEach(m, org_modules(req, org))
    {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "module", cm_json_str(m, "name", ""));
        cJSON_AddStringToObject(o, "module_instance_id", m->string);
        cJSON_AddStringToObject(o, "module_type_id", CTR_ESA_TYPE_ID);
        arr = cJSON_AddArrayToObject(o, "observe");
        for (i = 0; observe[i]; i++)
            cJSON_AddItemToArray(arr, cJSON_CreateString(observe[i]));
        arr = cJSON_AddArrayToObject(o, "respond");
        cJSON_AddItemToArray(arr, cJSON_CreateString("cisco_mid"));
        cJSON_AddItemToArray(arr, cJSON_CreateString("email_messageid"));
        cJSON_AddItemToArray(mods, o);
    }
    mk_resp_json(resp, 200, out);
    return MK_DONE;
}

int ctr_health(struct mk_request *req, struct mk_response *resp)
{
    const char *org = ctr_authorize(req, resp, "enrich:read");
    cJSON *out, *data, *errors, *m, *dev, *o;
    char why[400];

    if (org == NULL)
        return MK_DONE;
    out = cJSON_CreateObject();
    data = cJSON_AddArrayToObject(out, "data");
    errors = cJSON_AddArrayToObject(out, "errors");
    cJSON_ArrayForEach(m, org_modules(req, org))
    {
        dev = ctr_module_device(req->svc, org, m, why, sizeof(why));
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "module", cm_json_str(m, "name", ""));
        cJSON_AddStringToObject(o, "module_instance_id", m->string);
        cJSON_AddStringToObject(o, "module_type_id", CTR_ESA_TYPE_ID);
        if (dev) {
            cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "data"), "status", "ok");
            cJSON_AddItemToArray(data, o);
        } else {
            cJSON_AddStringToObject(o, "type", "fatal");
            cJSON_AddStringToObject(o, "code", "device-unavailable");
            cJSON_AddStringToObject(o, "message", why);
            cJSON_AddItemToArray(errors, o);
        }
        cJSON_Delete(dev);
    }
    mk_resp_json(resp, 200, out);
    return MK_DONE;
}

/* ---- iroh-sse: SSE devices as Threat Response shows them ---- */

static cJSON *visible_rows(struct mk_request *req, const char *org)
{
    struct mk_service *sse = ctr_sse_service(req->svc);
    cJSON *devs = sse ? sse_visible_devices(sse, org) : cJSON_CreateArray(), *d;

    cJSON_ArrayForEach(d, devs)
    {
        cJSON_DeleteItemFromObjectCaseSensitive(d, "xdr");
        cJSON_DeleteItemFromObjectCaseSensitive(d, "serial");
    }
    return devs;
}

int ctr_sse_list(struct mk_request *req, struct mk_response *resp)
{
    const char *org = ctr_authorize(req, resp, "sse");

    if (org)
        mk_resp_json(resp, 200, visible_rows(req, org));
    return MK_DONE;
}

int ctr_sse_get(struct mk_request *req, struct mk_response *resp)
{
    const char *org = ctr_authorize(req, resp, "sse");
    const char *id = req->path + strlen("/iroh/iroh-sse/device/");
    cJSON *devs, *d, *found = NULL;

    if (org == NULL)
        return MK_DONE;
    devs = visible_rows(req, org);
    cJSON_ArrayForEach(d, devs)
    {
        if (strcmp(cm_json_str(d, "id", ""), id) == 0) {
            found = cJSON_DetachItemViaPointer(devs, d);
            break;
        }
    }
    cJSON_Delete(devs);
    if (found)
        mk_resp_json(resp, 200, found);
    else
        ctr_error(req, resp, 404, "not_found", "no such device in Security Services Exchange");
    return MK_DONE;
}

int ctr_sse_delete(struct mk_request *req, struct mk_response *resp)
{
    const char *org = ctr_authorize(req, resp, "sse");
    const char *id = req->path + strlen("/iroh/iroh-sse/device/");
    struct mk_service *sse;

    if (org == NULL)
        return MK_DONE;
    sse = ctr_sse_service(req->svc);
    if (sse == NULL || sse_delete_visible_device(sse, org, id) != 0) {
        ctr_error(req, resp, 404, "not_found", "no such device in Security Services Exchange");
        return MK_DONE;
    }
    mk_req_detail(req, "device %.64s deleted", id);
    mk_resp_text(resp, 204, "application/json", "");
    return MK_DONE;
}

int ctr_sse_tenant_token(struct mk_request *req, struct mk_response *resp)
{
    const char *org = ctr_authorize(req, resp, "sse");
    struct mk_service *sse;
    struct cm_err err = {{0}};
    cJSON *tok;

    if (org == NULL)
        return MK_DONE;
    sse = ctr_sse_service(req->svc);
    tok = sse ? sse_tenant_token(sse, org, &err) : NULL;
    if (tok == NULL) {
        ctr_error(req, resp, 404, "not_found",
                  "this org has no Security Services Exchange account in this region");
        return MK_DONE;
    }
    mk_resp_json(resp, 200, tok);
    return MK_DONE;
}

/* GET /iroh/iroh-sse/tenant (ours): the org's Security Services Exchange account in this
 * region as its Cloud Services tab shows it, so a configuration check can tell "the
 * integration is off" from "no device registered". */
int ctr_sse_tenant(struct mk_request *req, struct mk_response *resp)
{
    const char *org = ctr_authorize(req, resp, "sse");
    struct mk_service *sse;
    cJSON *acct, *out, *cs;

    if (org == NULL)
        return MK_DONE;
    sse = ctr_sse_service(req->svc);
    acct = sse ? sse_account_view(sse, org) : NULL;
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "org", org);
    cJSON_AddStringToObject(out, "region", region_of(req->svc));
    cJSON_AddBoolToObject(out, "sse_account", acct != NULL);
    cJSON_AddStringToObject(out, "name", cm_json_str(acct, "name", ""));
    cs = cJSON_AddObjectToObject(out, "cloud_services");
    cJSON_AddBoolToObject(cs, "threat_response", cm_json_bool(acct, "threat_response", 0));
    cJSON_AddNumberToObject(out, "devices", cm_json_num(acct, "devices", 0));
    cJSON_Delete(acct);
    mk_resp_json(resp, 200, out);
    mk_req_detail(req, "tenant %.40s", org);
    return MK_DONE;
}
