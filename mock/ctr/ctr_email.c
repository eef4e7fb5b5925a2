/*
 * ctr_email.c: what an ESA module gives Threat Response: message tracking
 * hits as CTIM sightings (observe), pivot links (refer), and the
 * remediation actions Delete, Forward, Forward and Delete (respond, trigger).
 *
 * The appliance's message tracking data is state of the ctr service, keyed
 * by device id (docs/cisco.md, "Message tracking data"). A module sees the
 * messages of its device inside its request timeframe (timeframe_days back
 * from the virtual now), and only while SSE shows the device to Threat
 * Response (ctr_module_device()).
 *
 * Vendor facts: the enrich envelope and the sighting's required fields
 * ([sx00] query_tr.rst, [ctim] sighting.md); "Incoming"/"Outgoing" in the
 * description and relations whose related side is cisco_mid, email,
 * email_subject (banhao/AutoSpamEmailScan); the respond item and trigger URL
 * shapes ([sx00] respond_observable.rst); the three remediation names
 * (Japanese XDR guide) and their prerequisites (a module forward address and
 * a remediation profile). Ours: the description's "(<status>)" part, the
 * relation set, severity/resolution by status, the refer links, the action
 * ids and the trigger answers.
 */
#include "mock/ctr/ctr.h"

#include "common/json.h"
#include "common/mem.h"
#include "mock/sse/sse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ORIGIN "ESA Module"

cJSON *ctr_observables_body(struct mk_request *req, struct mk_response *resp)
{
    cJSON *doc;
    const cJSON *it, *t, *v;
    char key[48], msg[160];
    int i = 0;

    if (req->body_len > CTR_BODY_MAX) {
        ctr_error(req, resp, 413, "body_too_large", "the request body is larger than 1 MiB");
        return NULL;
    }
    doc = cm_json_parse(req->body, req->body_len, "body", NULL);
    if (doc == NULL) {
        ctr_invalid(req, resp, "body", "malformed-json");
        return NULL;
    }
    if (!cJSON_IsArray(doc)) {
        ctr_invalid(req, resp, "observables", "expected an array of {\"type\", \"value\"} objects");
        goto bad;
    }
    if (cJSON_GetArraySize(doc) > CTR_MAX_OBSERVABLES) {
        ctr_invalid(req, resp, "observables", "at most 1000 observables per request");
        goto bad;
    }
    cJSON_ArrayForEach(it, doc)
    {
        t = cJSON_GetObjectItemCaseSensitive(it, "type");
        v = cJSON_GetObjectItemCaseSensitive(it, "value");
        snprintf(key, sizeof(key), "observables[%d]", i++);
        if (!cJSON_IsObject(it) || t == NULL || v == NULL) {
            ctr_invalid(req, resp, key, "missing-required-key (type, value)");
            goto bad;
        }
        if (!cJSON_IsString(t) || !cJSON_IsString(v) || t->valuestring[0] == '\0' ||
            v->valuestring[0] == '\0' || strlen(v->valuestring) > 2048) {
            ctr_invalid(req, resp, key, "type and value must be non-blank strings");
            goto bad;
        }
        if (!ctr_observable_type_known(t->valuestring)) {
            snprintf(msg, sizeof(msg), "unknown observable type '%.64s'", t->valuestring);
            ctr_invalid(req, resp, key, msg);
            goto bad;
        }
    }
    return doc;
bad:
    cJSON_Delete(doc);
    return NULL;
}

static const char *domain_of(const char *s)
{
    const char *at = strrchr(s, '@');

    return at ? at + 1 : "";
}

/* The host of a URL into out ("" when none). */
static void url_host(const char *url, char *out, size_t size)
{
    const char *p = strstr(url, "://");
    size_t n;

    out[0] = '\0';
    if (p == NULL)
        return;
    p += 3;
    if (strchr(p, '@') && strchr(p, '@') < p + strcspn(p, "/?#"))
        p = strchr(p, '@') + 1;
    n = strcspn(p, ":/?#");
    if (n < size) {
        memcpy(out, p, n);
        out[n] = '\0';
    }
}

/* "<a@b>" and "a@b" compare equal. */
static int same_messageid(const char *a, const char *b)
{
    size_t la, lb;

    if (*a == '<')
        a++;
    if (*b == '<')
        b++;
    la = strlen(a);
    lb = strlen(b);
    if (la && a[la - 1] == '>')
        la--;
    if (lb && b[lb - 1] == '>')
        lb--;
    return la == lb && la > 0 && strncasecmp(a, b, la) == 0;
}

int ctr_message_matches(const cJSON *msg, const char *type, const char *value)
{
    const cJSON *it;
    char host[256];

    if (strcmp(type, "ip") == 0 || strcmp(type, "ipv6") == 0)
        return strcasecmp(cm_json_str(msg, "sender_ip", ""), value) == 0;
    if (strcmp(type, "email") == 0 || strcmp(type, "domain") == 0) {
        int dom = type[0] == 'd';
        const char *s = cm_json_str(msg, "sender", "");
        if (strcasecmp(dom ? domain_of(s) : s, value) == 0)
            return 1;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(msg, "recipients"))
        {
            if (strcasecmp(dom ? domain_of(it->valuestring) : it->valuestring, value) == 0)
                return 1;
        }
        if (dom) {
            cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(msg, "urls"))
            {
                url_host(it->valuestring, host, sizeof(host));
                if (strcasecmp(host, value) == 0)
                    return 1;
            }
        }
        return 0;
    }
    if (strcmp(type, "email_subject") == 0)
        return strcasecmp(cm_json_str(msg, "subject", ""), value) == 0;
    if (strcmp(type, "cisco_mid") == 0) {
        char *end;
        long long mid = strtoll(value, &end, 10);
        return end != value && (*end == '\0' || *end == '-') && isdigit((unsigned char)*value) &&
               (double)mid == cm_json_num(msg, "mid", -1);
    }
    if (strcmp(type, "email_messageid") == 0)
        return same_messageid(cm_json_str(msg, "message_id", ""), value);
    if (strcmp(type, "sha256") == 0 || strcmp(type, "file_name") == 0) {
        const char *key = type[0] == 's' ? "sha256" : "name";
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(msg, "attachments"))
        {
            const char *v = cm_json_str(it, key, "");
            if (v[0] && strcasecmp(v, value) == 0)
                return 1;
        }
        return 0;
    }
    if (strcmp(type, "url") == 0) {
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(msg, "urls"))
        {
            if (strcmp(it->valuestring, value) == 0)
                return 1;
        }
    }
    return 0;
}

static cJSON *observable(const char *type, const char *value)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "type", type);
    cJSON_AddStringToObject(o, "value", value);
    return o;
}

static void relation(cJSON *arr, const char *stype, const char *svalue, const char *rel,
                     const char *rtype, const char *rvalue)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "origin", ORIGIN);
    cJSON_AddStringToObject(o, "relation", rel);
    cJSON_AddItemToObject(o, "source", observable(stype, svalue));
    cJSON_AddItemToObject(o, "related", observable(rtype, rvalue));
    cJSON_AddItemToArray(arr, o);
}

/* Severity and resolution by delivery status (ours). */
static void judge(const char *status, const char **severity, const char **resolution)
{
    char s[129];
    size_t i;

    cm_strlcpy(s, status, sizeof(s));
    for (i = 0; s[i]; i++)
        s[i] = (char)tolower((unsigned char)s[i]);
    *severity = "Low";
    *resolution = "detected";
    if (strstr(s, "deliver")) {
        *resolution = "allowed";
    } else if (strstr(s, "quarantin")) {
        *severity = "Medium";
        *resolution = "contained";
    } else if (strstr(s, "drop") || strstr(s, "bounce") || strstr(s, "reject") ||
               strstr(s, "block")) {
        *severity = "High";
        *resolution = "blocked";
    }
}

cJSON *ctr_sighting(const cJSON *msg, const char *type, const char *value, const char *module_name,
                    const cJSON *device, int64_t now_ms)
{
    cJSON *s = cJSON_CreateObject(), *arr, *ot, *tg, *tobs;
    const cJSON *it;
    const char *time = cm_json_str(msg, "time", ""), *sev, *res;
    char id[64], uuid[40], mid[24], now[40], *desc;

    sse_uuid(uuid, sizeof(uuid));
    snprintf(id, sizeof(id), "transient:%s", uuid);
    snprintf(mid, sizeof(mid), "%.0f", cm_json_num(msg, "mid", 0));
    sse_time(now_ms, now, sizeof(now));
    judge(cm_json_str(msg, "status", ""), &sev, &res);
    desc = cm_asprintf("%s message (%s)",
                       strcmp(cm_json_str(msg, "direction", ""), "outgoing") == 0 ? "Outgoing"
                                                                                  : "Incoming",
                       cm_json_str(msg, "status", ""));
    cJSON_AddStringToObject(s, "type", "sighting");
    cJSON_AddStringToObject(s, "id", id);
    cJSON_AddStringToObject(s, "schema_version", CTR_SCHEMA_VERSION);
    cJSON_AddNumberToObject(s, "count", 1);
    cJSON_AddStringToObject(s, "confidence", "High");
    cJSON_AddStringToObject(s, "severity", sev);
    cJSON_AddStringToObject(s, "resolution", res);
    cJSON_AddStringToObject(s, "title", "Message tracking");
    cJSON_AddStringToObject(s, "description", desc);
    cJSON_AddStringToObject(s, "short_description", desc);
    cJSON_AddStringToObject(s, "source", module_name);
    cJSON_AddBoolToObject(s, "internal", 1);
    cJSON_AddStringToObject(s, "sensor", "process.email-service");
    cJSON_AddStringToObject(s, "timestamp", now);
    ot = cJSON_AddObjectToObject(s, "observed_time");
    cJSON_AddStringToObject(ot, "start_time", time);
    cJSON_AddStringToObject(ot, "end_time", time);
    arr = cJSON_AddArrayToObject(s, "observables");
    cJSON_AddItemToArray(arr, observable(type, value));
    arr = cJSON_AddArrayToObject(s, "relations");
    relation(arr, "cisco_mid", mid, "Sent_By", "email", cm_json_str(msg, "sender", ""));
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(msg, "recipients"))
        relation(arr, "cisco_mid", mid, "Sent_To", "email", it->valuestring);
    if (cm_json_str(msg, "sender_ip", "")[0])
        relation(arr, "cisco_mid", mid, "Sent_From", "ip", cm_json_str(msg, "sender_ip", ""));
    if (cm_json_str(msg, "subject", "")[0])
        relation(arr, "cisco_mid", mid, "Related_To", "email_subject",
                 cm_json_str(msg, "subject", ""));
    relation(arr, "email", cm_json_str(msg, "sender", ""), "Related_To", "cisco_mid", mid);
    if (cm_json_str(msg, "message_id", "")[0])
        relation(arr, "email_messageid", cm_json_str(msg, "message_id", ""), "Related_To",
                 "cisco_mid", mid);
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(msg, "attachments"))
    {
        if (cm_json_str(it, "sha256", "")[0])
            relation(arr, "cisco_mid", mid, "Contains", "sha256", cm_json_str(it, "sha256", ""));
        relation(arr, "cisco_mid", mid, "Contains", "file_name", cm_json_str(it, "name", ""));
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(msg, "urls"))
        relation(arr, "cisco_mid", mid, "Contains", "url", it->valuestring);
    arr = cJSON_AddArrayToObject(s, "targets");
    tg = cJSON_CreateObject();
    cJSON_AddItemToArray(arr, tg);
    cJSON_AddStringToObject(tg, "type", "email");
    tobs = cJSON_AddArrayToObject(tg, "observables");
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(msg, "recipients"))
        cJSON_AddItemToArray(tobs, observable("email", it->valuestring));
    ot = cJSON_AddObjectToObject(tg, "observed_time");
    cJSON_AddStringToObject(ot, "start_time", time);
    cJSON_AddStringToObject(ot, "end_time", time);
    {
        cJSON *sc = cJSON_AddObjectToObject(s, "sensor_coordinates");
        cJSON *so = cJSON_AddArrayToObject(sc, "observables");
        cJSON_AddStringToObject(sc, "type", "process.email-service");
        cJSON_AddItemToArray(so, observable("hostname", cm_json_str(device, "name", "")));
        if (cm_json_str(device, "ip", "")[0])
            cJSON_AddItemToArray(so, observable("ip", cm_json_str(device, "ip", "")));
    }
    free(desc);
    return s;
}

/* ---- enrich ---- */

/* 1 when msg's time lies within the module's timeframe ending at now. */
static int in_timeframe(const cJSON *msg, const cJSON *module, int64_t now)
{
    int64_t t;
    double days = cm_json_num(module, "timeframe_days", 30);

    return sse_time_get(msg, "time", &t) == 0 && t <= now &&
           t >= now - (int64_t)(days * 86400000.0);
}

static cJSON *module_error(const char *id, const cJSON *module, const char *code,
                           const char *message)
{
    cJSON *e = cJSON_CreateObject();

    cJSON_AddStringToObject(e, "module", cm_json_str(module, "name", ""));
    cJSON_AddStringToObject(e, "module_instance_id", id);
    cJSON_AddStringToObject(e, "module_type_id", CTR_ESA_TYPE_ID);
    cJSON_AddStringToObject(e, "type", "fatal");
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    return e;
}

static void module_head(cJSON *o, const char *id, const cJSON *module)
{
    cJSON_AddStringToObject(o, "module", cm_json_str(module, "name", ""));
    cJSON_AddStringToObject(o, "module-type", CTR_ESA_TYPE_NAME);
    cJSON_AddStringToObject(o, "module_type_id", CTR_ESA_TYPE_ID);
    cJSON_AddStringToObject(o, "module_instance_id", id);
}

/* The messages of the module's device, or NULL (device unknown to the tracking data). */
static cJSON *device_messages(struct ctr *c, const cJSON *module)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c->state, "messages"),
                                            cm_json_str(module, "device_id", ""));
}

int ctr_observe(struct mk_request *req, struct mk_response *resp)
{
    struct ctr *c = req->svc->data;
    const char *org = ctr_authorize(req, resp, "enrich:read");
    cJSON *obs, *out, *data, *errors, *m, *dev, *msg, *o;
    const cJSON *ob;
    char why[400];
    int total = 0;

    if (org == NULL || (obs = ctr_observables_body(req, resp)) == NULL)
        return MK_DONE;
    out = cJSON_CreateObject();
    data = cJSON_AddArrayToObject(out, "data");
    errors = cJSON_AddArrayToObject(out, "errors");
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(ctr_org(c, org), "modules"))
    {
        cJSON *docs = cJSON_CreateArray(), *sg;
        dev = ctr_module_device(req->svc, org, m, why, sizeof(why));
        if (dev == NULL) {
            cJSON_AddItemToArray(errors, module_error(m->string, m, "device-unavailable", why));
            cJSON_Delete(docs);
            continue;
        }
        cJSON_ArrayForEach(ob, obs)
        {
            const char *t = cm_json_str(ob, "type", ""), *v = cm_json_str(ob, "value", "");
            cJSON_ArrayForEach(msg, device_messages(c, m))
            {
                if (cJSON_GetArraySize(docs) < 10000 && in_timeframe(msg, m, req->now_ms) &&
                    ctr_message_matches(msg, t, v))
                    cJSON_AddItemToArray(docs, ctr_sighting(msg, t, v, cm_json_str(m, "name", ""),
                                                            dev, req->now_ms));
            }
        }
        cJSON_Delete(dev);
        if (cJSON_GetArraySize(docs) == 0) {
            cJSON_Delete(docs);
            continue;
        }
        total += cJSON_GetArraySize(docs);
        o = cJSON_CreateObject();
        module_head(o, m->string, m);
        sg = cJSON_AddObjectToObject(cJSON_AddObjectToObject(o, "data"), "sightings");
        cJSON_AddNumberToObject(sg, "count", cJSON_GetArraySize(docs));
        cJSON_AddItemToObject(sg, "docs", docs);
        cJSON_AddItemToArray(data, o);
    }
    mk_req_detail(req, "org %.48s: %d observables, %d sightings", org, cJSON_GetArraySize(obs),
                  total);
    cJSON_Delete(obs);
    mk_resp_json(resp, 200, out);
    return MK_DONE;
}

int ctr_deliberate(struct mk_request *req, struct mk_response *resp)
{
    cJSON *obs, *out;

    if (ctr_authorize(req, resp, "enrich:read") == NULL ||
        (obs = ctr_observables_body(req, resp)) == NULL)
        return MK_DONE;
    cJSON_Delete(obs);
    /* the ESA module gives no verdicts (ours) */
    out = cJSON_CreateObject();
    cJSON_AddArrayToObject(out, "data");
    cJSON_AddArrayToObject(out, "errors");
    mk_resp_json(resp, 200, out);
    return MK_DONE;
}

static const struct {
    const char *type;
    const char *field;
} tracking_fields[] = {
    {"email", "envelopeSenderfilterValue"},
    {"email_subject", "subjectfilterValue"},
    {"cisco_mid", "ciscoMid"},
    {"email_messageid", "messageIdHeader"},
    {"ip", "senderIp"},
    {"sha256", "fileSha256"},
    {"file_name", "attachmentNameValue"},
    {"domain", "domainNameValue"},
    {NULL, NULL},
};

/* Percent-encodes s (RFC 3986 unreserved kept) into b. */
static void url_encode(struct cm_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (isalnum(ch) || strchr("-._~", ch))
            cm_buf_putc(b, (char)ch);
        else
            cm_buf_printf(b, "%%%02X", ch);
    }
}

int ctr_refer(struct mk_request *req, struct mk_response *resp)
{
    struct ctr *c = req->svc->data;
    const char *org = ctr_authorize(req, resp, "enrich:read");
    cJSON *obs, *out, *data, *m, *dev, *o, *cats;
    const cJSON *ob;
    char why[400];
    size_t i;

    if (org == NULL || (obs = ctr_observables_body(req, resp)) == NULL)
        return MK_DONE;
    out = cJSON_CreateObject();
    data = cJSON_AddArrayToObject(out, "data");
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(ctr_org(c, org), "modules"))
    {
        dev = ctr_module_device(req->svc, org, m, why, sizeof(why));
        if (dev == NULL)
            continue;
        cJSON_ArrayForEach(ob, obs)
        {
            const char *t = cm_json_str(ob, "type", ""), *v = cm_json_str(ob, "value", "");
            struct cm_buf url;
            for (i = 0; tracking_fields[i].type && strcmp(tracking_fields[i].type, t); i++)
                ;
            if (tracking_fields[i].type == NULL)
                continue;
            cm_buf_init(&url, 8192);
            cm_buf_printf(&url, "https://%s/ng-tracking/search?%s=", cm_json_str(dev, "ip", ""),
                          tracking_fields[i].field);
            url_encode(&url, v);
            o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "id", "ref-esa-message-tracking");
            module_head(o, m->string, m);
            cJSON_AddStringToObject(o, "title", "Search in Message Tracking");
            cJSON_AddStringToObject(o, "description",
                                    "Look this observable up in the appliance's Message "
                                    "Tracking");
            cJSON_AddStringToObject(o, "url", cm_buf_str(&url));
            cats = cJSON_AddArrayToObject(o, "categories");
            cJSON_AddItemToArray(cats, cJSON_CreateString("Email Security Appliance"));
            cJSON_AddItemToArray(cats, cJSON_CreateString("Search"));
            cJSON_AddItemToArray(data, o);
            cm_buf_release(&url);
        }
        cJSON_Delete(dev);
    }
    cJSON_Delete(obs);
    mk_resp_json(resp, 200, out);
    return MK_DONE;
}

/* ---- response ---- */

static const struct {
    const char *id;
    const char *title;
    const char *description;
    int forwards;
    int deletes;
} actions[] = {
    {"delete", "Delete", "Delete the message from the recipients' mailboxes", 0, 1},
    {"forward", "Forward", "Forward the message to the module's remediation address", 1, 0},
    {"forward_delete", "Forward and Delete",
     "Forward the message to the module's remediation address, then delete it from the "
     "recipients' mailboxes",
     1, 1},
};
#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

static int remediable_type(const char *t)
{
    return strcmp(t, "cisco_mid") == 0 || strcmp(t, "email_messageid") == 0;
}

static int remediation_ready(const cJSON *m)
{
    return cm_json_str(m, "remediation_profile", "")[0] && cm_json_str(m, "forward_address", "")[0];
}

int ctr_respond(struct mk_request *req, struct mk_response *resp)
{
    struct ctr *c = req->svc->data;
    const char *org = ctr_authorize(req, resp, "response");
    cJSON *obs, *out, *data, *m, *dev, *msg, *o, *qp, *cats;
    const cJSON *ob;
    char why[400];
    size_t i;

    if (org == NULL || (obs = ctr_observables_body(req, resp)) == NULL)
        return MK_DONE;
    out = cJSON_CreateObject();
    data = cJSON_AddArrayToObject(out, "data");
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(ctr_org(c, org), "modules"))
    {
        if (!remediation_ready(m) ||
            (dev = ctr_module_device(req->svc, org, m, why, sizeof(why))) == NULL)
            continue;
        cJSON_Delete(dev);
        cJSON_ArrayForEach(ob, obs)
        {
            const char *t = cm_json_str(ob, "type", ""), *v = cm_json_str(ob, "value", "");
            int found = 0;
            if (!remediable_type(t))
                continue;
            cJSON_ArrayForEach(msg, device_messages(c, m)) found |=
                in_timeframe(msg, m, req->now_ms) && ctr_message_matches(msg, t, v);
            if (!found)
                continue;
            for (i = 0; i < NACTIONS; i++) {
                struct cm_buf url;
                cm_buf_init(&url, 8192);
                cm_buf_printf(&url, "/respond/trigger/%s/%s?observable_type=%s&observable_value=",
                              m->string, actions[i].id, t);
                url_encode(&url, v);
                o = cJSON_CreateObject();
                module_head(o, m->string, m);
                cJSON_AddStringToObject(o, "id", actions[i].id);
                cJSON_AddStringToObject(o, "title", actions[i].title);
                cJSON_AddStringToObject(o, "description", actions[i].description);
                cats = cJSON_AddArrayToObject(o, "categories");
                cJSON_AddItemToArray(cats, cJSON_CreateString("Email Security Appliance"));
                cJSON_AddItemToArray(cats, cJSON_CreateString("Remediation"));
                qp = cJSON_AddObjectToObject(o, "query-params");
                cJSON_AddStringToObject(qp, "observable_type", t);
                cJSON_AddStringToObject(qp, "observable_value", v);
                cJSON_AddStringToObject(o, "url", cm_buf_str(&url));
                cJSON_AddItemToArray(data, o);
                cm_buf_release(&url);
            }
        }
    }
    cJSON_Delete(obs);
    mk_resp_json(resp, 200, out);
    return MK_DONE;
}

static void trigger_answer(struct mk_request *req, struct mk_response *resp, const char *verdict,
                           const char *code, const char *message)
{
    cJSON *out = cJSON_CreateObject(), *errs;

    cJSON_AddStringToObject(cJSON_AddObjectToObject(out, "data"), "status",
                            code ? "failure" : "success");
    if (code) {
        cJSON *e = cJSON_CreateObject();
        errs = cJSON_AddArrayToObject(out, "errors");
        cJSON_AddStringToObject(e, "type", "fatal");
        cJSON_AddStringToObject(e, "code", code);
        cJSON_AddStringToObject(e, "message", message);
        cJSON_AddItemToArray(errs, e);
    }
    mk_resp_json(resp, 200, out);
    mk_req_verdict(req, verdict);
}

int ctr_trigger(struct mk_request *req, struct mk_response *resp)
{
    struct ctr *c = req->svc->data;
    const char *org = ctr_authorize(req, resp, "response"), *rest, *slash, *t, *v;
    char mod_id[72], why[400], when[40], rid[40];
    cJSON *m, *dev, *msg, *rec, *mids, *rcpts, *list, *mark;
    const cJSON *r;
    size_t i;
    int hits = 0, gone = 0;

    if (org == NULL)
        return MK_DONE;
    rest = req->path + strlen("/iroh/iroh-response/respond/trigger/");
    slash = strchr(rest, '/');
    if (slash == NULL || slash == rest || (size_t)(slash - rest) >= sizeof(mod_id) ||
        strchr(slash + 1, '/') || slash[1] == '\0') {
        ctr_error(req, resp, 404, "not_found",
                  "expected /iroh/iroh-response/respond/trigger/<module_instance_id>/<action_id>");
        return MK_DONE;
    }
    memcpy(mod_id, rest, (size_t)(slash - rest));
    mod_id[slash - rest] = '\0';
    m = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(ctr_org(c, org), "modules"), mod_id);
    if (m == NULL) {
        ctr_error(req, resp, 404, "not_found", "no module instance with that id in this org");
        return MK_DONE;
    }
    for (i = 0; i < NACTIONS && strcmp(actions[i].id, slash + 1); i++)
        ;
    if (i == NACTIONS) {
        ctr_invalid(req, resp, "action_id", "unknown action (delete, forward, forward_delete)");
        return MK_DONE;
    }
    t = mk_req_query(req, "observable_type");
    v = mk_req_query(req, "observable_value");
    if (t == NULL || *t == '\0' || v == NULL || *v == '\0') {
        ctr_invalid(req, resp, t == NULL || *t == '\0' ? "observable_type" : "observable_value",
                    "missing-required-key");
        return MK_DONE;
    }
    if (!remediable_type(t)) {
        ctr_invalid(req, resp, "observable_type",
                    "remediation works on cisco_mid and email_messageid observables");
        return MK_DONE;
    }
    mk_req_detail(req, "%s %s:%.60s", actions[i].id, t, v);
    if (!remediation_ready(m)) {
        trigger_answer(req, resp, "remediation_not_configured", "remediation-not-configured",
                       "set a remediation profile and a forward address in the module settings "
                       "before remediating messages");
        return MK_DONE;
    }
    dev = ctr_module_device(req->svc, org, m, why, sizeof(why));
    if (dev == NULL) {
        trigger_answer(req, resp, "device_unavailable", "device-unavailable", why);
        return MK_DONE;
    }
    sse_time(req->now_ms, when, sizeof(when));
    sse_uuid(rid, sizeof(rid));
    rec = cJSON_CreateObject();
    mids = cJSON_CreateArray();
    rcpts = cJSON_CreateArray();
    cJSON_ArrayForEach(msg, device_messages(c, m))
    {
        const cJSON *prev;
        if (!in_timeframe(msg, m, req->now_ms) || !ctr_message_matches(msg, t, v))
            continue;
        prev = cJSON_GetObjectItemCaseSensitive(msg, "remediation");
        if (prev && strstr(cm_json_str(prev, "action", ""), "delete")) {
            gone++;
            continue;
        }
        hits++;
        cJSON_AddItemToArray(mids, cJSON_CreateNumber(cm_json_num(msg, "mid", 0)));
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(msg, "recipients"))
            cJSON_AddItemToArray(rcpts, cJSON_CreateString(r->valuestring));
        mark = cJSON_CreateObject();
        cJSON_AddStringToObject(mark, "action", actions[i].id);
        cJSON_AddStringToObject(mark, "time", when);
        cJSON_AddStringToObject(mark, "id", rid);
        if (actions[i].forwards)
            cJSON_AddStringToObject(mark, "forwarded_to", cm_json_str(m, "forward_address", ""));
        sse_set(msg, "remediation", mark);
    }
    cJSON_Delete(dev);
    if (hits == 0) {
        cJSON_Delete(rec);
        cJSON_Delete(mids);
        cJSON_Delete(rcpts);
        trigger_answer(req, resp, gone ? "already_deleted" : "message_not_found",
                       gone ? "already-deleted" : "not-found",
                       gone ? "the message was already deleted from the mailboxes"
                            : "no message matches this observable in the appliance's message "
                              "tracking within the module's request timeframe");
        return MK_DONE;
    }
    cJSON_AddStringToObject(rec, "id", rid);
    cJSON_AddStringToObject(rec, "time", when);
    cJSON_AddStringToObject(rec, "module_instance_id", mod_id);
    cJSON_AddStringToObject(rec, "module", cm_json_str(m, "name", ""));
    cJSON_AddStringToObject(rec, "device_id", cm_json_str(m, "device_id", ""));
    cJSON_AddStringToObject(rec, "action_id", actions[i].id);
    cJSON_AddStringToObject(rec, "action", actions[i].title);
    cJSON_AddStringToObject(rec, "observable_type", t);
    cJSON_AddStringToObject(rec, "observable_value", v);
    cJSON_AddItemToObject(rec, "mids", mids);
    cJSON_AddItemToObject(rec, "recipients", rcpts);
    cJSON_AddStringToObject(rec, "remediation_profile", cm_json_str(m, "remediation_profile", ""));
    if (actions[i].forwards)
        cJSON_AddStringToObject(rec, "forward_address", cm_json_str(m, "forward_address", ""));
    cJSON_AddBoolToObject(rec, "deleted", actions[i].deletes);
    cJSON_AddStringToObject(rec, "status", "success");
    list = cJSON_GetObjectItemCaseSensitive(ctr_org(c, org), "remediations");
    while (cJSON_GetArraySize(list) >= CTR_MAX_REMEDIATIONS)
        cJSON_DeleteItemFromArray(list, 0);
    cJSON_AddItemToArray(list, rec);
    trigger_answer(req, resp, "remediated", NULL, NULL);
    return MK_DONE;
}
