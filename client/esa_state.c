/*
 * esa_state.c: the appliance state file: defaults, JSON reading and atomic
 * writing, pending versus committed settings, and the SSE regions the
 * appliance can point at.
 *
 * Reading is lenient (unknown members are ignored, a missing member keeps its
 * default) so a user can write a state file by hand; a member of the wrong
 * type is an error naming it.
 */
#include "client/esa_state.h"

#include "common/fsutil.h"
#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct rc_esa_region regions[] = {
    {"nam", "AMERICAS", "api-sse.cisco.com", "SECMOCK_SSE_NAM_URL",
     "https://admin.sse.itd.cisco.com/"},
    {"eu", "EUROPE", "api.eu.sse.itd.cisco.com", "SECMOCK_SSE_EU_URL",
     "https://admin.eu.sse.itd.cisco.com/"},
    {"apjc", "APJC", "api.apj.sse.itd.cisco.com", "SECMOCK_SSE_APJC_URL",
     "https://admin.apj.sse.itd.cisco.com/"},
};

const struct rc_esa_region *rc_esa_region_find(const char *name)
{
    static const struct {
        const char *alias;
        int idx;
    } aliases[] = {{"nam", 0},    {"na", 0},   {"us", 0},  {"americas", 0}, {"eu", 1},
                   {"europe", 1}, {"apjc", 2}, {"apj", 2}, {"asia", 2}};
    char word[64];
    size_t i, n;

    if (name == NULL)
        return NULL;
    for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strcasecmp(aliases[i].alias, name) == 0)
            return &regions[aliases[i].idx];
    for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
        if (strcasecmp(regions[i].host, name) == 0)
            return &regions[i];
    /* "EUROPE (api.eu.sse.itd.cisco.com)": the label before the space */
    n = strcspn(name, " (");
    if (n > 0 && n < sizeof(word) && name[n] != '\0') {
        memcpy(word, name, n);
        word[n] = '\0';
        for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
            if (strcasecmp(regions[i].label, word) == 0 || strcasecmp(regions[i].name, word) == 0)
                return &regions[i];
    }
    return NULL;
}

const char *rc_esa_server_region(const char *server)
{
    const struct rc_esa_region *r = rc_esa_region_find(server);

    return r ? r->name : NULL;
}

void rc_esa_server_label(const char *server, char *out, size_t size)
{
    const struct rc_esa_region *r = rc_esa_region_find(server);

    if (r)
        snprintf(out, size, "%s (%s)", r->label, r->host);
    else
        snprintf(out, size, "%s", server && *server ? server : "-");
}

const char *rc_esa_reg_status_name(enum rc_esa_reg_status s)
{
    switch (s) {
    case RC_ESA_REG_NONE:
        return "none";
    case RC_ESA_REG_IN_PROGRESS:
        return "in_progress";
    case RC_ESA_REG_REGISTERED:
        return "registered";
    case RC_ESA_REG_FAILED:
        return "failed";
    }
    return "none";
}

void rc_esa_state_init(struct rc_esa_state *st, int64_t now_ms)
{
    struct rc_esa_appliance *a = &st->appliance;

    memset(st, 0, sizeof(*st));
    cm_strlcpy(a->name, "esa03.mex-amp.inlab", sizeof(a->name));
    cm_strlcpy(a->type, "ESA", sizeof(a->type));
    cm_strlcpy(a->version, "13.0.0-392", sizeof(a->version));
    cm_strlcpy(a->serial, "4215ABCDEF0123456789-0123ABCD4567", sizeof(a->serial));
    cm_strlcpy(a->ip, "127.0.0.1", sizeof(a->ip));
    cm_strlcpy(a->connector_version, "1.3.34", sizeof(a->connector_version));
    cm_strlcpy(a->description, "ESA", sizeof(a->description));
    cm_strlcpy(a->model, "C100V", sizeof(a->model));
    cm_strlcpy(a->license, "classic", sizeof(a->license));
    cm_strlcpy(a->deployment, "standalone", sizeof(a->deployment));
    cm_strlcpy(a->user_account_id, "VLN-ESA-0001", sizeof(a->user_account_id));
    a->install_date_ms = now_ms;
    st->committed.cloud_services = 0;
    cm_strlcpy(st->committed.server, "nam", sizeof(st->committed.server));
    st->committed.xdr = 1;
    st->committed.csn = 0;
    st->reg.status = RC_ESA_REG_NONE;
}

struct rc_esa_settings *rc_esa_state_editable(struct rc_esa_state *st)
{
    if (!st->has_pending) {
        st->pending = st->committed;
        st->has_pending = 1;
    }
    return &st->pending;
}

int rc_esa_state_uncommitted(const struct rc_esa_state *st)
{
    const struct rc_esa_settings *p = &st->pending, *c = &st->committed;

    return st->has_pending &&
           (p->cloud_services != c->cloud_services || strcmp(p->server, c->server) != 0 ||
            p->xdr != c->xdr || p->csn != c->csn);
}

/* ---- reading ---- */

struct reader {
    const char *path;
    struct cm_err *err;
    int bad;
};

static void get_str(struct reader *r, const cJSON *obj, const char *section, const char *key,
                    char *out, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (v == NULL || cJSON_IsNull(v) || r->bad)
        return;
    if (!cJSON_IsString(v) || strlen(v->valuestring) >= size) {
        cm_fail(r->err, CM_EPARSE, "%s: %s.%s: expected a string of at most %zu characters",
                r->path, section, key, size - 1);
        r->bad = 1;
        return;
    }
    cm_strlcpy(out, v->valuestring, size);
}

static void get_bool(struct reader *r, const cJSON *obj, const char *section, const char *key,
                     int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (v == NULL || r->bad)
        return;
    if (!cJSON_IsBool(v)) {
        cm_fail(r->err, CM_EPARSE, "%s: %s.%s: expected true or false", r->path, section, key);
        r->bad = 1;
        return;
    }
    *out = cJSON_IsTrue(v);
}

static void get_ms(struct reader *r, const cJSON *obj, const char *section, const char *key,
                   int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (v == NULL || r->bad)
        return;
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 9e15) {
        cm_fail(r->err, CM_EPARSE, "%s: %s.%s: expected milliseconds since the epoch", r->path,
                section, key);
        r->bad = 1;
        return;
    }
    *out = (int64_t)v->valuedouble;
}

static void get_settings(struct reader *r, const cJSON *obj, const char *section,
                         struct rc_esa_settings *s)
{
    if (obj == NULL)
        return;
    if (!cJSON_IsObject(obj)) {
        cm_fail(r->err, CM_EPARSE, "%s: %s: expected an object", r->path, section);
        r->bad = 1;
        return;
    }
    get_bool(r, obj, section, "cloud_services", &s->cloud_services);
    get_str(r, obj, section, "server", s->server, sizeof(s->server));
    get_bool(r, obj, section, "xdr", &s->xdr);
    get_bool(r, obj, section, "csn", &s->csn);
}

int rc_esa_state_load(const char *path, struct rc_esa_state *st, struct cm_err *err)
{
    struct reader r = {path, err, 0};
    struct cm_err jerr = {{0}};
    struct rc_esa_state tmp;
    const cJSON *a, *reg, *pending;
    char status[32] = "none";
    cJSON *doc;
    char *text = NULL;
    size_t len = 0;
    int rc;

    rc = cm_read_file(path, 1u << 20, &text, &len);
    if (rc == CM_ENOENT)
        return CM_ENOENT;
    if (rc)
        return cm_fail(err, rc, "cannot read the appliance state '%s': %s", path, cm_strerror(rc));
    doc = cm_json_parse(text, len, path, &jerr);
    free(text);
    if (!cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        return cm_fail(err, CM_EPARSE, "%s: not an appliance state file: %s", path,
                       jerr.msg[0] ? jerr.msg : "expected a JSON object");
    }
    rc_esa_state_init(&tmp, 0);
    a = cJSON_GetObjectItemCaseSensitive(doc, "appliance");
    if (a) {
        struct rc_esa_appliance *ap = &tmp.appliance;
        get_str(&r, a, "appliance", "name", ap->name, sizeof(ap->name));
        get_str(&r, a, "appliance", "type", ap->type, sizeof(ap->type));
        get_str(&r, a, "appliance", "version", ap->version, sizeof(ap->version));
        get_str(&r, a, "appliance", "serial", ap->serial, sizeof(ap->serial));
        get_str(&r, a, "appliance", "ip", ap->ip, sizeof(ap->ip));
        get_str(&r, a, "appliance", "connector_version", ap->connector_version,
                sizeof(ap->connector_version));
        get_str(&r, a, "appliance", "description", ap->description, sizeof(ap->description));
        get_str(&r, a, "appliance", "model", ap->model, sizeof(ap->model));
        get_str(&r, a, "appliance", "license", ap->license, sizeof(ap->license));
        get_str(&r, a, "appliance", "deployment", ap->deployment, sizeof(ap->deployment));
        get_str(&r, a, "appliance", "user_account_id", ap->user_account_id,
                sizeof(ap->user_account_id));
        get_ms(&r, a, "appliance", "install_date", &ap->install_date_ms);
    }
    get_settings(&r, cJSON_GetObjectItemCaseSensitive(doc, "committed"), "committed",
                 &tmp.committed);
    pending = cJSON_GetObjectItemCaseSensitive(doc, "pending");
    if (pending && !cJSON_IsNull(pending)) {
        tmp.pending = tmp.committed;
        get_settings(&r, pending, "pending", &tmp.pending);
        tmp.has_pending = 1;
    }
    get_ms(&r, doc, "state", "busy_until", &tmp.busy_until_ms);
    reg = cJSON_GetObjectItemCaseSensitive(doc, "registration");
    if (reg) {
        struct rc_esa_registration *g = &tmp.reg;
        get_str(&r, reg, "registration", "status", status, sizeof(status));
        get_str(&r, reg, "registration", "server", g->server, sizeof(g->server));
        get_str(&r, reg, "registration", "region", g->region, sizeof(g->region));
        get_str(&r, reg, "registration", "base_url", g->base_url, sizeof(g->base_url));
        get_str(&r, reg, "registration", "registration_id", g->registration_id,
                sizeof(g->registration_id));
        get_str(&r, reg, "registration", "submitted", g->submitted, sizeof(g->submitted));
        get_str(&r, reg, "registration", "device_id", g->device_id, sizeof(g->device_id));
        get_str(&r, reg, "registration", "device_token", g->device_token, sizeof(g->device_token));
        get_str(&r, reg, "registration", "error_code", g->error_code, sizeof(g->error_code));
        get_str(&r, reg, "registration", "error", g->error, sizeof(g->error));
        if (strcmp(status, "in_progress") == 0)
            g->status = RC_ESA_REG_IN_PROGRESS;
        else if (strcmp(status, "registered") == 0)
            g->status = RC_ESA_REG_REGISTERED;
        else if (strcmp(status, "failed") == 0)
            g->status = RC_ESA_REG_FAILED;
        else if (strcmp(status, "none") == 0)
            g->status = RC_ESA_REG_NONE;
        else if (!r.bad) {
            cm_fail(err, CM_EPARSE,
                    "%s: registration.status: expected none, in_progress, registered or failed",
                    path);
            r.bad = 1;
        }
    }
    cJSON_Delete(doc);
    if (r.bad)
        return CM_EPARSE;
    *st = tmp;
    return 0;
}

/* ---- writing ---- */

static cJSON *settings_json(const struct rc_esa_settings *s)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddBoolToObject(o, "cloud_services", s->cloud_services);
    cJSON_AddStringToObject(o, "server", s->server);
    cJSON_AddBoolToObject(o, "xdr", s->xdr);
    cJSON_AddBoolToObject(o, "csn", s->csn);
    return o;
}

static void add_opt(cJSON *o, const char *key, const char *v)
{
    if (v[0])
        cJSON_AddStringToObject(o, key, v);
}

int rc_esa_state_save(const char *path, const struct rc_esa_state *st, struct cm_err *err)
{
    const struct rc_esa_appliance *a = &st->appliance;
    const struct rc_esa_registration *g = &st->reg;
    cJSON *doc = cJSON_CreateObject(), *ap = cJSON_AddObjectToObject(doc, "appliance"), *reg;
    char *text, *line;
    int rc;

    cJSON_AddStringToObject(ap, "name", a->name);
    cJSON_AddStringToObject(ap, "type", a->type);
    cJSON_AddStringToObject(ap, "version", a->version);
    cJSON_AddStringToObject(ap, "serial", a->serial);
    cJSON_AddStringToObject(ap, "ip", a->ip);
    cJSON_AddStringToObject(ap, "connector_version", a->connector_version);
    cJSON_AddStringToObject(ap, "description", a->description);
    cJSON_AddStringToObject(ap, "model", a->model);
    cJSON_AddStringToObject(ap, "license", a->license);
    cJSON_AddStringToObject(ap, "deployment", a->deployment);
    cJSON_AddStringToObject(ap, "user_account_id", a->user_account_id);
    cJSON_AddNumberToObject(ap, "install_date", (double)a->install_date_ms);
    cJSON_AddItemToObject(doc, "committed", settings_json(&st->committed));
    if (rc_esa_state_uncommitted(st))
        cJSON_AddItemToObject(doc, "pending", settings_json(&st->pending));
    if (st->busy_until_ms)
        cJSON_AddNumberToObject(doc, "busy_until", (double)st->busy_until_ms);
    reg = cJSON_AddObjectToObject(doc, "registration");
    cJSON_AddStringToObject(reg, "status", rc_esa_reg_status_name(g->status));
    add_opt(reg, "server", g->server);
    add_opt(reg, "region", g->region);
    add_opt(reg, "base_url", g->base_url);
    add_opt(reg, "registration_id", g->registration_id);
    add_opt(reg, "submitted", g->submitted);
    add_opt(reg, "device_id", g->device_id);
    add_opt(reg, "device_token", g->device_token);
    add_opt(reg, "error_code", g->error_code);
    add_opt(reg, "error", g->error);
    text = cJSON_Print(doc);
    line = cm_asprintf("%s\n", text);
    rc = cm_write_file_atomic(path, line, strlen(line));
    if (rc)
        cm_fail(err, rc, "cannot write the appliance state '%s': %s", path, cm_strerror(rc));
    cJSON_free(text);
    free(line);
    cJSON_Delete(doc);
    return rc;
}
