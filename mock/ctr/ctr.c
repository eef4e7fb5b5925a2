/*
 * ctr.c: the Threat Response / XDR service type (IROH served at the root):
 * its route table, error envelopes, profile, and state lifecycle.
 *
 * Routes (docs/cisco.md, "Threat Response / XDR API"):
 *   POST /iroh/oauth2/token                                  client credentials
 *   POST /iroh/iroh-inspect/inspect                          observables from text
 *   POST /iroh/iroh-enrich/{observe,deliberate,refer}/observables
 *   GET  /iroh/iroh-enrich/settings, POST /iroh/iroh-enrich/health
 *   POST /iroh/iroh-response/respond/observables, .../respond/trigger/<module>/<action>
 *   GET|DELETE /iroh/iroh-sse/device[/<id>], GET /iroh/iroh-sse/tenant[/token]
 *   GET  /iroh/profile/whoami
 *   GET|POST /iroh/iroh-int/module-instance[/<id>] (DELETE one), GET .../module-type
 */
#include "mock/ctr/ctr.h"

#include "common/json.h"
#include "common/mem.h"

#include <stdlib.h>
#include <string.h>

static const char *const ctr_variants[] = {"nam", "eu", "apjc", NULL};
static const char *const ctr_hosts[] = {"visibility.amp.cisco.com", "visibility.eu.amp.cisco.com",
                                        "visibility.apjc.amp.cisco.com", NULL};

void ctr_error(struct mk_request *req, struct mk_response *resp, int status, const char *code,
               const char *message)
{
    cJSON *doc = cJSON_CreateObject();

    mk_req_verdict(req, code);
    cJSON_AddStringToObject(doc, "error", code);
    cJSON_AddStringToObject(doc, "error_description", message);
    mk_resp_json(resp, status, doc);
}

void ctr_invalid(struct mk_request *req, struct mk_response *resp, const char *member,
                 const char *problem)
{
    cJSON *doc = cJSON_CreateObject();

    mk_req_verdict(req, "invalid_request");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(doc, "errors"), member, problem);
    mk_resp_json(resp, 400, doc);
}

static int whoami(struct mk_request *req, struct mk_response *resp)
{
    struct ctr *c = req->svc->data;
    const char *org = ctr_authorize(req, resp, "profile");
    const cJSON *o, *u;
    cJSON *out, *user, *org_o;

    if (org == NULL)
        return MK_DONE;
    o = ctr_org(c, org);
    u = cJSON_GetObjectItemCaseSensitive(o, "user");
    out = cJSON_CreateObject();
    user = cJSON_AddObjectToObject(out, "user");
    cJSON_AddStringToObject(user, "user-id", cm_json_str(u, "id", ""));
    cJSON_AddStringToObject(user, "user-name", cm_json_str(u, "name", ""));
    cJSON_AddStringToObject(user, "user-email", cm_json_str(u, "email", ""));
    cJSON_AddStringToObject(user, "role", cm_json_str(u, "role", "admin"));
    cJSON_AddStringToObject(user, "org-id", org);
    org_o = cJSON_AddObjectToObject(out, "org");
    cJSON_AddStringToObject(org_o, "id", org);
    cJSON_AddStringToObject(org_o, "name", cm_json_str(o, "name", org));
    cJSON_AddStringToObject(org_o, "region", req->svc->variant[0] ? req->svc->variant : "nam");
    mk_resp_json(resp, 200, out);
    return MK_DONE;
}

static const struct mk_route ctr_routes[] = {
    {"POST", "/iroh/oauth2/token", ctr_token},
    {"POST", "/iroh/iroh-inspect/inspect", ctr_inspect},
    {"POST", "/iroh/iroh-enrich/observe/observables", ctr_observe},
    {"POST", "/iroh/iroh-enrich/deliberate/observables", ctr_deliberate},
    {"POST", "/iroh/iroh-enrich/refer/observables", ctr_refer},
    {"GET", "/iroh/iroh-enrich/settings", ctr_settings},
    {"POST", "/iroh/iroh-enrich/health", ctr_health},
    {"POST", "/iroh/iroh-response/respond/observables", ctr_respond},
    {"POST", "/iroh/iroh-response/respond/trigger/*", ctr_trigger},
    {"GET", "/iroh/iroh-sse/device", ctr_sse_list},
    {"GET", "/iroh/iroh-sse/device/*", ctr_sse_get},
    {"DELETE", "/iroh/iroh-sse/device/*", ctr_sse_delete},
    {"GET", "/iroh/iroh-sse/tenant/token", ctr_sse_tenant_token},
    {"GET", "/iroh/iroh-sse/tenant", ctr_sse_tenant},
    {"GET", "/iroh/profile/whoami", whoami},
    {"GET", "/iroh/iroh-int/module-instance", ctr_mi_list},
    {"POST", "/iroh/iroh-int/module-instance", ctr_mi_create},
    {"GET", "/iroh/iroh-int/module-instance/*", ctr_mi_get},
    {"DELETE", "/iroh/iroh-int/module-instance/*", ctr_mi_delete},
    {"GET", "/iroh/iroh-int/module-type", ctr_mt_list},
    {NULL, NULL, NULL},
};

static int ctr_create(struct mk_service *svc, struct cm_err *err)
{
    struct ctr *c = cm_calloc(1, sizeof(*c));
    cJSON *empty = cJSON_CreateObject();
    int rc;

    svc->data = c;
    rc = ctr_state_load(svc, empty, err);
    cJSON_Delete(empty);
    if (rc) {
        free(c);
        svc->data = NULL;
    }
    return rc;
}

static void ctr_destroy(struct mk_service *svc)
{
    struct ctr *c = svc->data;

    if (c)
        cJSON_Delete(c->state);
    free(c);
    svc->data = NULL;
}

static cJSON *ctr_dump(struct mk_service *svc)
{
    struct ctr *c = svc->data;

    return cJSON_Duplicate(c->state, 1);
}

const struct mk_service_ops ctr_service_ops = {
    .type = "ctr",
    .summary = "Cisco Threat Response / XDR (IROH): OAuth2, inspect, enrich with an ESA module, "
               "remediation, per region (ctr-nam, ctr-eu, ctr-apjc)",
    .variants = ctr_variants,
    .default_variant = "nam",
    .default_tls = 1,
    .hostnames = ctr_hosts,
    .routes = ctr_routes,
    .create = ctr_create,
    .destroy = ctr_destroy,
    .load = ctr_state_load,
    .dump = ctr_dump,
    .error = ctr_error,
    .action = ctr_action,
};
