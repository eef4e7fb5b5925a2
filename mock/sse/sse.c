/*
 * sse.c: the SSE service type and its device-facing API, the registration
 * protocol of docs/cisco.md ("Device registration protocol (ours)"):
 *
 *   POST   /v1/devices/register                 submit: 202 {registration_id, in_progress}
 *   GET    /v1/devices/registrations/<id>       poll: in_progress | registered | failed
 *   GET    /v1/devices/<id>                     device status (device credential)
 *   PUT    /v1/devices/<id>/services            xdr / csn settings (device credential)
 *   DELETE /v1/devices/<id>                     deregister (device credential)
 *   POST   /v1/devices/<id>/usage               Cisco Success Network report (device credential)
 *   GET    /v1/tokens/<token>                   a registration token's status (for checks)
 *
 * A submission is judged at once (device serial first, then the token) and
 * its outcome is published registration_delay later on the virtual clock;
 * sse_settle() completes it when anything next looks. Every refusal of a
 * token gives the appliance the same message, and the journal the precise
 * verdict.
 */
#include "mock/sse/sse.h"

#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char SSE_TOKEN_MESSAGE[] = "The registration failed because of an invalid or expired token";

static const char *const sse_variants[] = {"nam", "eu", "apjc", NULL};
static const char *const sse_hosts[] = {"api-sse.cisco.com", "api.eu.sse.itd.cisco.com",
                                        "api.apj.sse.itd.cisco.com", NULL};

static void sse_error(struct mk_request *req, struct mk_response *resp, int status,
                      const char *code, const char *message)
{
    cJSON *doc = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(doc, "error");

    mk_req_verdict(req, code);
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    mk_resp_json(resp, status, doc);
}

/* Parses the body as a JSON object within SSE_BODY_MAX; answers the error and returns NULL. */
static cJSON *body_object(struct mk_request *req, struct mk_response *resp)
{
    struct cm_err err = {{0}};
    cJSON *doc;

    if (req->body_len > SSE_BODY_MAX) {
        sse_error(req, resp, 413, "body_too_large", "the request body is larger than 64 KiB");
        return NULL;
    }
    doc = cm_json_parse(req->body, req->body_len, "body", &err);
    if (doc == NULL) {
        sse_error(req, resp, 400, "invalid_request", err.msg);
        return NULL;
    }
    if (!cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        sse_error(req, resp, 400, "invalid_request", "body: expected a JSON object");
        return NULL;
    }
    return doc;
}

/* A string member of 1..max characters into out (borrowed), or a 400 message into msg. */
static int want_str(const cJSON *obj, const char *key, const char *where, size_t max, int required,
                    const char **out, char *msg, size_t size)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

    *out = NULL;
    if (it == NULL && !required)
        return 0;
    if (!cJSON_IsString(it) || (required && it->valuestring[0] == '\0') ||
        strlen(it->valuestring) > max) {
        snprintf(msg, size, "%s%s: %s", where, key,
                 it == NULL ? "required" : "expected a non-empty string within the length limit");
        return -1;
    }
    *out = it->valuestring;
    return 0;
}

static int serial_ok(const char *s)
{
    return s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")] ==
           '\0';
}

/* Validates the submission into a normalized device and services; 0 or -1 with msg. */
static int check_submission(const cJSON *doc, cJSON *dev, cJSON *services, const char **token,
                            char *msg, size_t size)
{
    static const struct {
        const char *key;
        size_t max;
        int required;
    } fields[] = {{"name", 255, 1},       {"type", 32, 1}, {"version", 64, 1},
                  {"serial", 64, 1},      {"ip", 45, 1},   {"connector_version", 32, 1},
                  {"description", 255, 0}};
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(doc, "device"), *sv, *b;
    const char *v;
    size_t i;

    if (want_str(doc, "token", "", 256, 1, token, msg, size))
        return -1;
    if (!cJSON_IsObject(d)) {
        snprintf(msg, size,
                 "device: expected an object with name, type, version, serial, ip "
                 "and connector_version");
        return -1;
    }
    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (want_str(d, fields[i].key, "device.", fields[i].max, fields[i].required, &v, msg, size))
            return -1;
        if (v)
            cJSON_AddStringToObject(dev, fields[i].key, v);
    }
    if (!serial_ok(cm_json_str(dev, "serial", ""))) {
        snprintf(msg, size, "device.serial: expected letters, digits, '-', '_' or '.'");
        return -1;
    }
    if (sse_ip_version(cm_json_str(dev, "ip", "")) == 0) {
        snprintf(msg, size, "device.ip: expected an IPv4 or IPv6 address");
        return -1;
    }
    if (cJSON_GetObjectItemCaseSensitive(dev, "description") == NULL)
        cJSON_AddStringToObject(dev, "description", cm_json_str(dev, "type", "ESA"));
    sv = cJSON_GetObjectItemCaseSensitive(doc, "services");
    if (sv && !cJSON_IsObject(sv)) {
        snprintf(msg, size, "services: expected an object {\"xdr\": bool, \"csn\": bool}");
        return -1;
    }
    b = cJSON_GetObjectItemCaseSensitive(sv, "xdr");
    if (b && !cJSON_IsBool(b)) {
        snprintf(msg, size, "services.xdr: expected true or false");
        return -1;
    }
    cJSON_AddBoolToObject(services, "xdr", b ? cJSON_IsTrue(b) : 1);
    b = cJSON_GetObjectItemCaseSensitive(sv, "csn");
    if (b && !cJSON_IsBool(b)) {
        snprintf(msg, size, "services.csn: expected true or false");
        return -1;
    }
    cJSON_AddBoolToObject(services, "csn", b ? cJSON_IsTrue(b) : 0);
    return 0;
}

/* 1 when serial has a device or a pending successful registration in this region. */
static int serial_here(struct sse *s, const char *serial)
{
    const cJSON *a, *it;

    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(s->state, "accounts"))
    {
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(a, "devices"))
        {
            if (strcmp(cm_json_str(it, "serial", ""), serial) == 0)
                return 1;
        }
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(s->state, "registrations"))
    {
        if (strcmp(cm_json_str(it, "status", ""), "in_progress") == 0 &&
            strcmp(cm_json_str(it, "outcome", ""), "registered") == 0 &&
            strcmp(cm_json_str(cJSON_GetObjectItemCaseSensitive(it, "device"), "serial", ""),
                   serial) == 0)
            return 1;
    }
    return 0;
}

/* The token's state object in any account of this region; sets *org. */
static cJSON *token_find(struct sse *s, const char *token, const char **org)
{
    cJSON *a, *t;

    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(s->state, "accounts"))
    {
        t = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(a, "tokens"), token);
        if (t) {
            *org = a->string;
            return t;
        }
    }
    return NULL;
}

/* Drops the oldest completed registrations beyond SSE_MAX_REGS - 1. */
static void prune_registrations(cJSON *regs)
{
    while (cJSON_GetArraySize(regs) >= SSE_MAX_REGS) {
        cJSON *it, *oldest = NULL;
        int64_t t, best = INT64_MAX;
        cJSON_ArrayForEach(it, regs)
        {
            if (strcmp(cm_json_str(it, "status", ""), "in_progress") != 0 &&
                sse_time_get(it, "submitted", &t) == 0 && t < best) {
                best = t;
                oldest = it;
            }
        }
        if (oldest == NULL)
            return;
        cJSON_Delete(cJSON_DetachItemViaPointer(regs, oldest));
    }
}

static void set_error(cJSON *reg, const char *code, const char *message)
{
    cJSON *e = cJSON_AddObjectToObject(reg, "error");

    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
}

static int reg_submit(struct mk_request *req, struct mk_response *resp)
{
    struct mk_service *svc = req->svc;
    struct sse *s = svc->data;
    cJSON *doc, *dev = cJSON_CreateObject(), *services = cJSON_CreateObject(), *reg, *tok = NULL,
                *regs, *out;
    const char *token = NULL, *org = NULL, *serial, *verdict = NULL;
    char msg[256], where[16] = "", id[40], cred[SSE_CREDENTIAL_LEN + 1], dev_id[40], t[40];
    int64_t delay = SSE_DEFAULT_DELAY_MS;

    sse_settle(svc, req->now_ms);
    doc = body_object(req, resp);
    if (doc == NULL)
        goto out;
    if (check_submission(doc, dev, services, &token, msg, sizeof(msg)) != 0) {
        sse_error(req, resp, 400, "invalid_request", msg);
        goto out;
    }
    serial = cm_json_str(dev, "serial", "");
    reg = cJSON_CreateObject();
    if (serial_here(s, serial)) {
        verdict = "device_already_registered";
        char *m = cm_asprintf("The appliance is already registered with Cisco Cloud Services "
                              "(region %s). Deregister it before registering it again.",
                              sse_region(svc));
        set_error(reg, "already_registered", m);
        free(m);
    } else if (sse_index_find_elsewhere(svc, 's', serial, where, sizeof(where))) {
        verdict = "device_registered_elsewhere";
        char *m = cm_asprintf("The appliance is already registered with Cisco Cloud Services "
                              "(region %s). Deregister it before registering it again.",
                              where);
        set_error(reg, "registered_in_other_region", m);
        free(m);
    } else if ((tok = token_find(s, token, &org)) == NULL) {
        verdict = sse_is_lower_hex(token, SSE_TOKEN_LEN) &&
                          sse_index_find_elsewhere(svc, 't', token, where, sizeof(where))
                      ? "region_mismatch"
                      : "invalid_registration_token";
    } else {
        verdict = sse_token_refusal(tok, req->now_ms);
    }
    if (verdict && cJSON_GetObjectItemCaseSensitive(reg, "error") == NULL)
        set_error(reg, "invalid_or_expired_token", SSE_TOKEN_MESSAGE);
    sse_uuid(id, sizeof(id));
    cJSON_AddStringToObject(reg, "status", "in_progress");
    cJSON_AddStringToObject(reg, "outcome", verdict ? "failed" : "registered");
    cJSON_AddStringToObject(reg, "verdict", verdict ? verdict : "registration_accepted");
    sse_time(req->now_ms, t, sizeof(t));
    cJSON_AddStringToObject(reg, "submitted", t);
    cm_duration_parse(cm_json_str(s->state, "registration_delay", "20s"), &delay);
    sse_time(req->now_ms + delay, t, sizeof(t));
    cJSON_AddStringToObject(reg, "completes", t);
    cJSON_AddStringToObject(reg, "org", verdict ? "" : org);
    cJSON_AddStringToObject(reg, "token", token);
    cJSON_AddItemToObject(reg, "device", dev);
    cJSON_AddItemToObject(reg, "services", services);
    dev = services = NULL;
    if (verdict == NULL) {
        sse_set(tok, "used", cJSON_CreateNumber(cm_json_num(tok, "used", 0) + 1));
        sse_uuid(dev_id, sizeof(dev_id));
        sse_rand_hex(cred, sizeof(cred), SSE_CREDENTIAL_LEN / 2);
        cJSON_AddStringToObject(reg, "device_id", dev_id);
        cJSON_AddStringToObject(reg, "device_token", cred);
    } else {
        cJSON_AddStringToObject(reg, "device_id", "");
        cJSON_AddStringToObject(reg, "device_token", "");
    }
    regs = cJSON_GetObjectItemCaseSensitive(s->state, "registrations");
    prune_registrations(regs);
    cJSON_AddItemToObject(regs, id, reg);
    if (verdict == NULL)
        sse_index_publish(svc);
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "registration_id", id);
    cJSON_AddStringToObject(out, "status", "in_progress");
    cJSON_AddStringToObject(out, "region", sse_region(svc));
    cJSON_AddStringToObject(out, "submitted", cm_json_str(reg, "submitted", ""));
    mk_resp_json(resp, 202, out);
    mk_resp_headerf(resp, "Location", "/v1/devices/registrations/%s", id);
    mk_req_verdict(req, verdict ? verdict : "registration_accepted");
    if (verdict && (strcmp(verdict, "region_mismatch") == 0 ||
                    strcmp(verdict, "device_registered_elsewhere") == 0))
        mk_req_detail(req, "registration %s serial %.40s: %s of region %s", id, serial,
                      verdict[0] == 'r' ? "token" : "device", where);
    else
        mk_req_detail(req, "registration %s serial %.40s", id, serial);
out:
    cJSON_Delete(doc);
    cJSON_Delete(dev);
    cJSON_Delete(services);
    return MK_DONE;
}

static int reg_get(struct mk_request *req, struct mk_response *resp)
{
    struct sse *s = req->svc->data;
    const char *id = req->path + strlen("/v1/devices/registrations/");
    const cJSON *reg, *e;
    cJSON *out;
    const char *st;
    char *m;

    sse_settle(req->svc, req->now_ms);
    reg = *id && strchr(id, '/') == NULL
              ? cJSON_GetObjectItemCaseSensitive(
                    cJSON_GetObjectItemCaseSensitive(s->state, "registrations"), id)
              : NULL;
    if (reg == NULL) {
        m = cm_asprintf("no registration '%.64s' in region %s", id, sse_region(req->svc));
        sse_error(req, resp, 404, "not_found", m);
        free(m);
        return MK_DONE;
    }
    st = cm_json_str(reg, "status", "in_progress");
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "registration_id", id);
    cJSON_AddStringToObject(out, "status", st);
    cJSON_AddStringToObject(out, "region", sse_region(req->svc));
    cJSON_AddStringToObject(out, "submitted", cm_json_str(reg, "submitted", ""));
    if (strcmp(st, "in_progress") != 0)
        cJSON_AddStringToObject(out, "completed", cm_json_str(reg, "completes", ""));
    if (strcmp(st, "registered") == 0) {
        cJSON_AddStringToObject(out, "device_id", cm_json_str(reg, "device_id", ""));
        cJSON_AddStringToObject(out, "device_token", cm_json_str(reg, "device_token", ""));
    } else if (strcmp(st, "failed") == 0) {
        e = cJSON_GetObjectItemCaseSensitive(reg, "error");
        cJSON_AddItemToObject(out, "error", cJSON_Duplicate(e, 1));
    }
    mk_resp_json(resp, 200, out);
    mk_req_detail(req, "registration %s %s", id, st);
    return MK_DONE;
}

/*
 * Splits /v1/devices/<id>[/<suffix>] into id and suffix (both into caller buffers);
 * returns 0, or -1 when the path has another shape.
 */
static int device_path(const char *path, char *id, size_t id_size, char *suffix, size_t sfx_size)
{
    const char *p = path + strlen("/v1/devices/"), *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);

    if (n == 0 || n >= id_size)
        return -1;
    memcpy(id, p, n);
    id[n] = '\0';
    cm_strlcpy(suffix, slash ? slash + 1 : "", sfx_size);
    return strchr(suffix, '/') ? -1 : 0;
}

/* The device of the path when the request carries its credential; else answers 401. */
static cJSON *device_auth(struct mk_request *req, struct mk_response *resp, const char *id)
{
    struct sse *s = req->svc->data;
    const char *auth = mk_req_header(req, "Authorization");
    cJSON *dev;

    sse_settle(req->svc, req->now_ms);
    dev = sse_device_find(s, id, NULL);
    if (dev == NULL || auth == NULL || strncmp(auth, "Bearer ", 7) != 0 ||
        strcmp(auth + 7, cm_json_str(dev, "credential", "")) != 0 ||
        cm_json_str(dev, "credential", "")[0] == '\0') {
        sse_error(req, resp, 401, "device_unauthorized",
                  "send this device's credential as Authorization: Bearer <device_token>; a "
                  "deregistered or deleted device must register again with a new token");
        return NULL;
    }
    return dev;
}

static cJSON *device_view(struct mk_service *svc, const char *id, const cJSON *dev)
{
    static const char *const fields[] = {"name", "type", "version", "serial", "created", NULL};
    cJSON *o = cJSON_CreateObject();
    size_t i;

    const char *org = "";

    sse_device_find(svc->data, id, &org);
    cJSON_AddStringToObject(o, "device_id", id);
    cJSON_AddStringToObject(o, "status", "registered");
    cJSON_AddStringToObject(o, "region", sse_region(svc));
    cJSON_AddStringToObject(o, "org", org);
    for (i = 0; fields[i]; i++)
        cJSON_AddStringToObject(o, fields[i], cm_json_str(dev, fields[i], ""));
    cJSON_AddItemToObject(o, "services",
                          cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(dev, "services"), 1));
    return o;
}

static int device_get(struct mk_request *req, struct mk_response *resp)
{
    char id[80], sfx[32];
    cJSON *dev;

    if (device_path(req->path, id, sizeof(id), sfx, sizeof(sfx)) || sfx[0] ||
        strcmp(id, "register") == 0 || strcmp(id, "registrations") == 0)
        return MK_DECLINED;
    if ((dev = device_auth(req, resp, id)) == NULL)
        return MK_DONE;
    mk_resp_json(resp, 200, device_view(req->svc, id, dev));
    mk_req_detail(req, "device %s", id);
    return MK_DONE;
}

static int device_services(struct mk_request *req, struct mk_response *resp)
{
    char id[80], sfx[32];
    cJSON *dev, *doc, *sv;
    const cJSON *x, *c;

    if (device_path(req->path, id, sizeof(id), sfx, sizeof(sfx)) || strcmp(sfx, "services"))
        return MK_DECLINED;
    if ((dev = device_auth(req, resp, id)) == NULL || (doc = body_object(req, resp)) == NULL)
        return MK_DONE;
    x = cJSON_GetObjectItemCaseSensitive(doc, "xdr");
    c = cJSON_GetObjectItemCaseSensitive(doc, "csn");
    if ((x && !cJSON_IsBool(x)) || (c && !cJSON_IsBool(c)) || (!x && !c)) {
        sse_error(req, resp, 400, "invalid_request",
                  "body: expected {\"xdr\": true|false, \"csn\": true|false} (at least one)");
    } else {
        sv = cJSON_GetObjectItemCaseSensitive(dev, "services");
        if (x)
            sse_set(sv, "xdr", cJSON_CreateBool(cJSON_IsTrue(x)));
        if (c)
            sse_set(sv, "csn", cJSON_CreateBool(cJSON_IsTrue(c)));
        mk_resp_json(resp, 200, device_view(req->svc, id, dev));
        mk_req_detail(req, "device %s xdr=%d csn=%d", id, cm_json_bool(sv, "xdr", 0),
                      cm_json_bool(sv, "csn", 0));
    }
    cJSON_Delete(doc);
    return MK_DONE;
}

static int device_delete(struct mk_request *req, struct mk_response *resp)
{
    char id[80], sfx[32];
    cJSON *out;

    if (device_path(req->path, id, sizeof(id), sfx, sizeof(sfx)) || sfx[0])
        return MK_DECLINED;
    if (device_auth(req, resp, id) == NULL)
        return MK_DONE;
    sse_device_remove(req->svc, id);
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "device_id", id);
    cJSON_AddStringToObject(out, "status", "deregistered");
    mk_resp_json(resp, 200, out);
    mk_req_verdict(req, "deregistered");
    mk_req_detail(req, "device %s", id);
    return MK_DONE;
}

/* Checks a CSN report against the Japanese guide's table; 0 or -1 with msg. */
static int check_usage(const cJSON *doc, char *msg, size_t size)
{
    static const char *const astr[] = {"uid", "model", "userAccountID", "version", NULL};
    static const char *const fstr[] = {"name", "status", "featureId", NULL};
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, "appliance"), *f, *it, *x;
    const char *v;
    char where[48];
    size_t i;
    int n = 0;

    if (!cJSON_IsObject(a)) {
        snprintf(msg, size, "appliance: expected an object");
        return -1;
    }
    for (i = 0; astr[i]; i++)
        if (want_str(a, astr[i], "appliance.", 128, 1, &v, msg, size))
            return -1;
    x = cJSON_GetObjectItemCaseSensitive(a, "sIVAN");
    if (!cJSON_IsNull(x) && !(cJSON_IsString(x) && strlen(x->valuestring) <= 128)) {
        snprintf(msg, size, "appliance.sIVAN: expected a string or null");
        return -1;
    }
    v = cm_json_str(a, "deployment", "");
    if (strcmp(v, "cluster") && strcmp(v, "standalone")) {
        snprintf(msg, size, "appliance.deployment: expected \"cluster\" or \"standalone\"");
        return -1;
    }
    x = cJSON_GetObjectItemCaseSensitive(a, "installDate");
    if (!cJSON_IsNumber(x) || x->valuedouble < 0 ||
        x->valuedouble != (double)(int64_t)x->valuedouble) {
        snprintf(msg, size, "appliance.installDate: expected milliseconds since the epoch");
        return -1;
    }
    f = cJSON_GetObjectItemCaseSensitive(doc, "features");
    if (!cJSON_IsArray(f) || cJSON_GetArraySize(f) > 200) {
        snprintf(msg, size, "features: expected an array of at most 200 objects");
        return -1;
    }
    cJSON_ArrayForEach(it, f)
    {
        snprintf(where, sizeof(where), "features[%d].", n++);
        if (!cJSON_IsObject(it)) {
            snprintf(msg, size, "%.40s: expected an object", where);
            return -1;
        }
        for (i = 0; fstr[i]; i++)
            if (want_str(it, fstr[i], where, 128, 1, &v, msg, size))
                return -1;
        x = cJSON_GetObjectItemCaseSensitive(it, "enabled");
        if (!cJSON_IsBool(x) && !(cJSON_IsString(x) && (!strcmp(x->valuestring, "Yes") ||
                                                        !strcmp(x->valuestring, "No")))) {
            snprintf(msg, size, "%.40senabled: expected true, false, \"Yes\" or \"No\"", where);
            return -1;
        }
        x = cJSON_GetObjectItemCaseSensitive(it, "expiryDate");
        if (!cJSON_IsNumber(x) || x->valuedouble < 0 ||
            x->valuedouble != (double)(int64_t)x->valuedouble) {
            snprintf(msg, size, "%.40sexpiryDate: expected seconds since the epoch", where);
            return -1;
        }
    }
    return 0;
}

static int device_usage(struct mk_request *req, struct mk_response *resp)
{
    char id[80], sfx[32], msg[256], t[40];
    cJSON *dev, *doc, *csn, *out;

    if (device_path(req->path, id, sizeof(id), sfx, sizeof(sfx)) || strcmp(sfx, "usage"))
        return MK_DECLINED;
    if ((dev = device_auth(req, resp, id)) == NULL)
        return MK_DONE;
    if (!cm_json_bool(cJSON_GetObjectItemCaseSensitive(dev, "services"), "csn", 0)) {
        sse_error(req, resp, 409, "csn_disabled",
                  "Cisco Success Network is not enabled on this appliance: enable it in Cloud "
                  "Service Settings > Edit Global Settings");
        return MK_DONE;
    }
    if ((doc = body_object(req, resp)) == NULL)
        return MK_DONE;
    if (check_usage(doc, msg, sizeof(msg)) != 0) {
        sse_error(req, resp, 400, "invalid_request", msg);
        cJSON_Delete(doc);
        return MK_DONE;
    }
    sse_time(req->now_ms, t, sizeof(t));
    csn = cJSON_GetObjectItemCaseSensitive(dev, "csn");
    if (csn == NULL)
        csn = cJSON_AddObjectToObject(dev, "csn");
    cJSON_DeleteItemFromObjectCaseSensitive(csn, "last");
    cJSON_DeleteItemFromObjectCaseSensitive(csn, "last_received");
    sse_set(csn, "reports", cJSON_CreateNumber(cm_json_num(csn, "reports", 0) + 1));
    cJSON_AddStringToObject(csn, "last_received", t);
    cJSON_AddItemToObject(csn, "last", doc);
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "status", "accepted");
    cJSON_AddStringToObject(out, "received", t);
    mk_resp_json(resp, 202, out);
    mk_req_detail(req, "device %s usage report", id);
    return MK_DONE;
}

/*
 * GET /v1/tokens/<token> (ours): what the appliance's configuration check may learn about a
 * registration token before it registers: its account, counts, expiry and status. Unknown
 * tokens are 404 not_found, or token_in_other_region with the region when another sse
 * service of the process holds the token (the mock knows; a real regional SSE may not).
 */
static int token_get(struct mk_request *req, struct mk_response *resp)
{
    struct sse *s = req->svc->data;
    const char *token = req->path + strlen("/v1/tokens/"), *org = NULL;
    char where[16] = "", *m;
    const cJSON *t;
    cJSON *out, *e;

    sse_settle(req->svc, req->now_ms);
    t = *token && strchr(token, '/') == NULL ? token_find(s, token, &org) : NULL;
    if (t) {
        out = sse_token_view(token, org, t, req->now_ms);
        cJSON_DeleteItemFromObjectCaseSensitive(out, "token");
        cJSON_AddStringToObject(out, "region", sse_region(req->svc));
        mk_req_detail(req, "token of org %.40s %s", org, cm_json_str(out, "status", ""));
        mk_resp_json(resp, 200, out);
        return MK_DONE;
    }
    if (sse_is_lower_hex(token, SSE_TOKEN_LEN) &&
        sse_index_find_elsewhere(req->svc, 't', token, where, sizeof(where))) {
        m = cm_asprintf("this registration token was generated in the Security Services "
                        "Exchange portal of region %s: it registers devices only with that "
                        "region's server, not with region %s",
                        where, sse_region(req->svc));
        out = cJSON_CreateObject();
        e = cJSON_AddObjectToObject(out, "error");
        cJSON_AddStringToObject(e, "code", "token_in_other_region");
        cJSON_AddStringToObject(e, "message", m);
        cJSON_AddStringToObject(e, "region", where);
        free(m);
        mk_resp_json(resp, 404, out);
        mk_req_verdict(req, "token_in_other_region");
        return MK_DONE;
    }
    m = cm_asprintf("no registration token like this in region %s: it is mistyped, cut short "
                    "or was never generated",
                    sse_region(req->svc));
    sse_error(req, resp, 404, "not_found", m);
    free(m);
    return MK_DONE;
}

static const struct mk_route sse_routes[] = {
    {"GET", "/v1/tokens/*", token_get},
    {"POST", "/v1/devices/register", reg_submit},
    {"GET", "/v1/devices/registrations/*", reg_get},
    {"GET", "/v1/devices/*", device_get},
    {"PUT", "/v1/devices/*", device_services},
    {"DELETE", "/v1/devices/*", device_delete},
    {"POST", "/v1/devices/*", device_usage},
    {NULL, NULL, NULL},
};

static int sse_create(struct mk_service *svc, struct cm_err *err)
{
    struct sse *s = cm_calloc(1, sizeof(*s));
    cJSON *empty = cJSON_CreateObject();
    int rc;

    svc->data = s;
    rc = sse_state_load(svc, empty, err);
    cJSON_Delete(empty);
    if (rc) {
        free(s);
        svc->data = NULL;
    }
    return rc;
}

static void sse_destroy(struct mk_service *svc)
{
    struct sse *s = svc->data;

    sse_index_forget(svc);
    if (s)
        cJSON_Delete(s->state);
    free(s);
    svc->data = NULL;
}

static cJSON *sse_dump(struct mk_service *svc)
{
    struct sse *s = svc->data;

    sse_settle(svc, mk_service_now(svc));
    return cJSON_Duplicate(s->state, 1);
}

const struct mk_service_ops sse_service_ops = {
    .type = "sse",
    .summary = "Cisco Security Services Exchange: device registration tokens and devices, per "
               "region (sse-nam, sse-eu, sse-apjc)",
    .variants = sse_variants,
    .default_variant = "nam",
    .default_tls = 1,
    .hostnames = sse_hosts,
    .routes = sse_routes,
    .create = sse_create,
    .destroy = sse_destroy,
    .load = sse_state_load,
    .dump = sse_dump,
    .error = sse_error,
    .action = sse_action,
};
