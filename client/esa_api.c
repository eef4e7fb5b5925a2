/*
 * esa_api.c: requests of the device registration protocol (docs/cisco.md),
 * the bodies the appliance sends, and the reading of SSE's answers.
 *
 * Every exchange goes through rc_http_do() (retries, Retry-After, the
 * client's clock); SSE's own outcomes (a failed registration, a refused
 * credential) come back as answers and are judged by the commands.
 */
#include "client/esa_api.h"

#include "client/ctr_api.h"
#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void rc_esa_base_url(const char *server, char *out, size_t size)
{
    const struct rc_esa_region *r = rc_esa_region_find(server);
    const char *url = NULL;
    size_t n;

    if (r) {
        url = getenv(r->env);
        if ((url == NULL || *url == '\0') && strcmp(r->name, "nam") == 0)
            url = getenv("SECMOCK_SSE_URL");
        if (url == NULL || *url == '\0') {
            snprintf(out, size, "https://%s", r->host);
            return;
        }
    } else {
        url = server;
    }
    snprintf(out, size, "%s", url);
    n = strlen(out);
    while (n > 0 && out[n - 1] == '/')
        out[--n] = '\0';
}

void rc_esa_answer_release(struct rc_esa_answer *a)
{
    cJSON_Delete(a->doc);
    memset(a, 0, sizeof(*a));
}

void rc_esa_reg_base_url(const struct rc_esa_state *st, char *out, size_t size)
{
    if (st->reg.base_url[0])
        cm_strlcpy(out, st->reg.base_url, size);
    else
        rc_esa_base_url(st->reg.server[0] ? st->reg.server : st->committed.server, out, size);
}

int rc_esa_call(struct rc_ctx *ctx, const char *method, const char *base_url, const char *path,
                const char *bearer, const char *body, struct rc_esa_answer *a)
{
    struct rc_http_req req = {0};
    struct cm_http_response resp;
    struct cm_err err = {{0}};
    const char *headers[4];
    char *url = cm_asprintf("%s%s", base_url, path), *auth = NULL;
    const cJSON *e;
    int rc, n = 0;

    memset(a, 0, sizeof(*a));
    a->code = "";
    a->message = "";
    headers[n++] = "Accept: application/json";
    if (body)
        headers[n++] = "Content-Type: application/json";
    if (bearer) {
        auth = cm_asprintf("Authorization: Bearer %s", bearer);
        headers[n++] = auth;
    }
    headers[n] = NULL;
    req.method = method;
    req.url = url;
    req.headers = headers;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    cm_http_response_init(&resp);
    rc = rc_http_do(ctx->http, &req, &resp, &err);
    if (rc) {
        cm_error("%s; check that the appliance reaches the Cisco Cloud Services server (%s): "
                 "HTTPS port 443 must be open to it",
                 err.msg, base_url);
        rc = rc_exit_for(rc);
        goto out;
    }
    a->status = resp.status;
    if (resp.body.len)
        a->doc = cm_json_parse(resp.body.data, resp.body.len, "answer", NULL);
    e = cJSON_GetObjectItemCaseSensitive(a->doc, "error");
    if (cJSON_IsObject(e)) {
        a->code = cm_json_str(e, "code", "");
        a->message = cm_json_str(e, "message", "");
    }
out:
    cm_http_response_release(&resp);
    free(url);
    free(auth);
    return rc;
}

cJSON *rc_esa_register_body(const struct rc_esa_state *st, const char *token)
{
    const struct rc_esa_appliance *ap = &st->appliance;
    cJSON *b = cJSON_CreateObject(), *d, *s;

    cJSON_AddStringToObject(b, "token", token);
    d = cJSON_AddObjectToObject(b, "device");
    cJSON_AddStringToObject(d, "name", ap->name);
    cJSON_AddStringToObject(d, "type", ap->type);
    cJSON_AddStringToObject(d, "version", ap->version);
    cJSON_AddStringToObject(d, "serial", ap->serial);
    cJSON_AddStringToObject(d, "ip", ap->ip);
    cJSON_AddStringToObject(d, "connector_version", ap->connector_version);
    cJSON_AddStringToObject(d, "description", ap->description);
    s = cJSON_AddObjectToObject(b, "services");
    cJSON_AddBoolToObject(s, "xdr", st->committed.xdr);
    cJSON_AddBoolToObject(s, "csn", st->committed.csn);
    return b;
}

cJSON *rc_esa_usage_report(const struct rc_esa_state *st)
{
    static const struct {
        const char *name, *id;
    } features[] = {
        {"Incoming Mail Handling", "a4de0001-7c1e-4d2a-9b3f-0e5d6c7b8a91"},
        {"IronPort Anti-Spam", "a4de0002-7c1e-4d2a-9b3f-0e5d6c7b8a92"},
        {"Outbreak Filters", "a4de0003-7c1e-4d2a-9b3f-0e5d6c7b8a93"},
        {"File Reputation and Analysis", "a4de0004-7c1e-4d2a-9b3f-0e5d6c7b8a94"},
    };
    const struct rc_esa_appliance *ap = &st->appliance;
    cJSON *r = cJSON_CreateObject(), *a = cJSON_AddObjectToObject(r, "appliance"), *fs;
    double expiry = (double)(ap->install_date_ms / 1000 + 3 * 365 * 86400LL);
    size_t i;

    cJSON_AddStringToObject(a, "uid", ap->serial);
    cJSON_AddStringToObject(a, "model", ap->model);
    if (strcasecmp(ap->license, "smart") == 0)
        cJSON_AddStringToObject(a, "sIVAN", "EmailGateway");
    else
        cJSON_AddNullToObject(a, "sIVAN");
    cJSON_AddStringToObject(a, "deployment",
                            strcasecmp(ap->deployment, "cluster") == 0 ? "cluster" : "standalone");
    cJSON_AddStringToObject(a, "userAccountID", ap->user_account_id);
    cJSON_AddStringToObject(a, "version", ap->version);
    cJSON_AddNumberToObject(a, "installDate", (double)ap->install_date_ms);
    fs = cJSON_AddArrayToObject(r, "features");
    for (i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "name", features[i].name);
        cJSON_AddBoolToObject(f, "enabled", 1);
        cJSON_AddStringToObject(f, "status", "In Compliance");
        cJSON_AddNumberToObject(f, "expiryDate", expiry);
        cJSON_AddStringToObject(f, "featureId", features[i].id);
        cJSON_AddItemToArray(fs, f);
    }
    return r;
}

enum rc_esa_reg_status rc_esa_read_poll(const cJSON *doc, struct rc_esa_registration *reg)
{
    const char *status = cm_json_str(doc, "status", "");
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(doc, "error");

    if (cm_json_str(doc, "region", NULL))
        cm_strlcpy(reg->region, cm_json_str(doc, "region", ""), sizeof(reg->region));
    if (strcmp(status, "registered") == 0) {
        reg->status = RC_ESA_REG_REGISTERED;
        cm_strlcpy(reg->device_id, cm_json_str(doc, "device_id", ""), sizeof(reg->device_id));
        cm_strlcpy(reg->device_token, cm_json_str(doc, "device_token", ""),
                   sizeof(reg->device_token));
        reg->error_code[0] = reg->error[0] = '\0';
    } else if (strcmp(status, "failed") == 0) {
        reg->status = RC_ESA_REG_FAILED;
        cm_strlcpy(reg->error_code, cm_json_str(e, "code", ""), sizeof(reg->error_code));
        cm_strlcpy(reg->error, cm_json_str(e, "message", RC_ESA_MSG_INVALID_TOKEN),
                   sizeof(reg->error));
        reg->device_id[0] = reg->device_token[0] = '\0';
    } else {
        reg->status = RC_ESA_REG_IN_PROGRESS;
    }
    return reg->status;
}

void rc_esa_failure_hint(const struct rc_esa_registration *reg, struct cm_buf *msg)
{
    const struct rc_esa_region *r = rc_esa_region_find(reg->server);
    char label[RC_ESA_URL + 64];

    if (strcmp(reg->error_code, "already_registered") == 0 ||
        strcmp(reg->error_code, "registered_in_other_region") == 0) {
        cm_buf_puts(msg, "Deregister the appliance from the region it is registered with "
                         "(`secmock client esa deregister` there), or delete the device in "
                         "Security Services Exchange (Devices), then register with a new token.");
        return;
    }
    rc_esa_server_label(reg->server, label, sizeof(label));
    cm_buf_printf(msg,
                  "Make sure the token is generated from the right cloud: this appliance "
                  "uses %s",
                  label);
    if (r)
        cm_buf_printf(msg, ", so generate the token at %s", r->portal);
    cm_buf_puts(msg, " (for the Europe (EU) cloud: https://admin.eu.sse.itd.cisco.com/, for the "
                     "Americas (NAM) cloud: https://admin.sse.itd.cisco.com/). Remember that a "
                     "registration token has an expiration time (choose one that leaves time to "
                     "complete the integration) and registers a limited number of devices: "
                     "generate a new token in Security Services Exchange (Devices > + > "
                     "Continue).");
}

int rc_esa_explain(const char *what, const struct rc_esa_answer *a, struct cm_buf *msg)
{
    cm_buf_printf(msg, "%s: Cisco Cloud Services answered %ld", what, a->status);
    if (*a->code)
        cm_buf_printf(msg, " %s", a->code);
    if (*a->message)
        cm_buf_printf(msg, ": %s", a->message);
    if (a->status == 401 || strcmp(a->code, "device_unauthorized") == 0) {
        cm_buf_puts(msg, ". The device credential is refused: the device was deregistered or "
                         "deleted in Security Services Exchange. Register the appliance again "
                         "with a new token.");
        return RC_CISCO_EXIT_AUTH;
    }
    if (a->status == 409 || strcmp(a->code, "csn_disabled") == 0) {
        cm_buf_puts(msg, ".");
        return RC_CISCO_EXIT_FIX;
    }
    if (a->status >= 500 || a->status == 429)
        cm_buf_puts(msg, "; try again later.");
    else
        cm_buf_puts(msg, ".");
    return RC_EXIT_REMOTE;
}
