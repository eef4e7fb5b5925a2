/*
 * mimecast.c: the "mimecast" service: a Mimecast Email Security Cloud Gateway
 * account as its API 1.0 and 2.0 clients see it, served over HTTPS like the
 * vendor's.
 *
 * Instances: "mimecast" serves accounts of every grid (one listener for a
 * simple setup); "mimecast-<grid>" (us, usb, ca, eu, de, au, za, jer,
 * uspcom) is that grid's regional host and refuses accounts hosted elsewhere
 * with err_audit_log_incorrect_region; "mimecast-global" (api.mimecast.com,
 * api.services.mimecast.com) serves every grid like the bare name. Each
 * instance has its own state; docs/mimecast.md has its shape.
 *
 * Routes are the table below, handlers in keys.c, oauth.c, logs.c,
 * threatintel.c and account.c. Errors the kit raises itself (404, 405, 413)
 * use the same envelopes: the 2.0 shape under /oauth/, the 1.0 envelope
 * elsewhere ("Use POST for all API 1.0 endpoints" on a 405).
 */
#include "mock/mimecast/mm.h"

#include "common/mem.h"

#include <stdlib.h>
#include <string.h>

static const struct mk_route mm_routes[] = {
    {"POST", "/api/login/discover-authentication", mm_h_discover},
    {"POST", "/api/login/login", mm_h_login},
    {"POST", "/api/login/logout", mm_h_logout},
    {"POST", "/oauth/token", mm_h_oauth_token},
    {"POST", "/api/account/get-account", mm_h_get_account},
    {"POST", "/api/ttp/url/get-logs", mm_h_url_logs},
    {"POST", "/api/ttp/impersonation/get-logs", mm_h_imp_logs},
    {"POST", "/api/ttp/attachment/get-logs", mm_h_att_logs},
    {"POST", "/api/ttp/threat-intel/get-feed", mm_h_get_feed},
    {"POST", "/api/byo-threat-intelligence/create-batch", mm_h_byo_create},
    {"POST", "/api/byo-threat-intelligence/get-batches", mm_h_byo_list},
    {"POST", "/api/byo-threat-intelligence/delete-batch", mm_h_byo_delete},
    {"POST", "/api/byo-threat-intelligence/get-quota", mm_h_byo_quota},
    {NULL, NULL, NULL},
};

static const char *const mm_variants[] = {"us", "usb", "ca",     "eu",     "de", "au",
                                          "za", "jer", "uspcom", "global", NULL};

static const char *const mm_hostnames[] = {"api.mimecast.com",          "*.mimecast.com",
                                           "api.services.mimecast.com", "*.services.mimecast.com",
                                           "*.mimecast-pscom-us.com",   NULL};

static void mm_error(struct mk_request *req, struct mk_response *resp, int status, const char *code,
                     const char *message)
{
    enum mm_api api = strncmp(req->path, "/oauth/", 7) == 0 ? MM_API2 : MM_API1;

    if (strcmp(code, "method_not_allowed") == 0)
        mm_fail(req, resp, api, MM_E_METHOD_NOT_ALLOWED, NULL,
                "Method %s not allowed: use POST for all API 1.0 endpoints", req->method);
    else if (strcmp(code, "body_too_large") == 0)
        mm_fail(req, resp, api, MM_E_BODY_TOO_LARGE, NULL, "The request body is too large");
    else if (strcmp(code, "not_found") == 0)
        mm_fail(req, resp, api, MM_E_NOT_FOUND, NULL, "No such endpoint: %.100s", req->path);
    else
        mm_render(req, resp, api, status, code, code, 0, NULL, message);
}

static int mm_create(struct mk_service *svc, struct cm_err *err)
{
    struct mm_state *st = mm_state_new();

    (void)err;
    cm_strlcpy(st->grid, svc->variant, sizeof(st->grid));
    svc->data = st;
    return 0;
}

static void mm_destroy(struct mk_service *svc)
{
    mm_state_free(svc->data);
    svc->data = NULL;
}

static int mm_load(struct mk_service *svc, const cJSON *doc, struct cm_err *err)
{
    return mm_state_load(svc->data, doc, svc->rt ? mk_service_now(svc) : 0, err);
}

static cJSON *mm_dump(struct mk_service *svc)
{
    return mm_state_dump(svc->data);
}

static cJSON *mm_service_action(struct mk_service *svc, const char *action, const cJSON *args,
                                struct cm_err *err)
{
    return mm_action(svc->data, action, args, svc->rt ? mk_service_now(svc) : 0, err);
}

const struct mk_service_ops mm_service_ops = {
    .type = "mimecast",
    .summary = "Mimecast Email Security Cloud Gateway: API 1.0 keys and MC signatures, API 2.0 "
               "OAuth, TTP logs, threat feed, BYO threat intelligence",
    .variants = mm_variants,
    .default_variant = NULL,
    .default_tls = 1,
    .hostnames = mm_hostnames,
    .routes = mm_routes,
    .create = mm_create,
    .destroy = mm_destroy,
    .load = mm_load,
    .dump = mm_dump,
    .error = mm_error,
    .action = mm_service_action,
};
