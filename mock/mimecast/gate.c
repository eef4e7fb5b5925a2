/*
 * gate.c: what every authenticated Mimecast call goes through before its
 * function runs, for both APIs:
 *
 *   authentication   "Authorization: Bearer" -> API 2.0 (oauth.c), else the
 *                    API 1.0 MC scheme (auth1.c); each also checks the grid
 *   admin IP ranges  the account's list judged on the real peer address
 *                    (empty list: no restriction)
 *   rate limit       per user (1.0) or per application (2.0); 429 without
 *                    running the function
 *   permission       the role's permission the endpoint requires
 *
 * Refusals use the API's own shape (mm_fail with MM_API1 or MM_API2). Also
 * here: reading the request body leniently, shared by every handler.
 */
#include "mock/mimecast/mm.h"

#include "common/json.h"
#include "common/timeutil.h"
#include "mock/kit/netaddr.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int mm_check_region(struct mm_state *st, struct mk_request *req, struct mk_response *resp,
                    enum mm_api api, const struct mm_acct *a)
{
    const struct mm_grid *g = &mm_grids[a->grid];

    if (st->grid[0] == '\0' || strcmp(st->grid, "global") == 0 || strcmp(st->grid, g->name) == 0)
        return -1;
    return mm_fail(req, resp, api, MM_E_WRONG_REGION, NULL,
                   "Incorrect region: account %s is hosted on the %s grid, not %s; use the base "
                   "URL https://%s",
                   cm_json_str(a->doc, "code", ""), g->name, st->grid, g->host);
}

int mm_check_ip(struct mk_request *req, struct mk_response *resp, enum mm_api api,
                const struct mm_acct *a)
{
    const cJSON *ranges = cJSON_GetObjectItemCaseSensitive(a->doc, "admin_ip_ranges"), *r;

    if (cJSON_GetArraySize(ranges) == 0)
        return -1;
    cJSON_ArrayForEach(r, ranges)
    {
        if (mk_cidr_match(r->valuestring, req->peer ? req->peer : "") == 1)
            return -1;
    }
    return mm_fail(req, resp, api, MM_E_IP_NOT_ALLOWED, NULL,
                   "Access denied for IP address %s: account %s allows administrative actions, "
                   "API calls included, only from its Admin IP Ranges; add this address in "
                   "Account > Account Settings > User Access and Permissions",
                   req->peer ? req->peer : "?", cm_json_str(a->doc, "code", ""));
}

static int rate(struct mm_state *st, struct mk_request *req, struct mk_response *resp,
                struct mm_ctx *ctx)
{
    cJSON *holder = ctx->api == MM_API1 ? ctx->user : ctx->app;
    struct mm_rate_info info;
    char interval[32];

    if (mm_rate_take(&st->set, holder, req->now_ms, &info)) {
        if (info.limit > 0 && st->set.rate_headers_always)
            mm_rate_headers(resp, &info);
        return -1;
    }
    mm_rate_headers(resp, &info);
    cm_duration_format(st->set.rate_interval_ms, interval, sizeof(interval));
    return mm_fail(req, resp, ctx->api, MM_E_RATE_LIMITED, NULL,
                   "Quota Exceeded: %s may make %d requests per %s; one more is allowed in %lld "
                   "ms (X-RateLimit-Reset)",
                   ctx->api == MM_API1 ? cm_json_str(ctx->user, "email", "the user")
                                       : cm_json_str(ctx->app, "name", "the application"),
                   info.limit, interval, (long long)info.reset_ms);
}

static int permission(struct mk_request *req, struct mk_response *resp, struct mm_ctx *ctx,
                      const char *perm)
{
    const char *who = ctx->api == MM_API1 ? cm_json_str(ctx->user, "email", "?")
                                          : cm_json_str(ctx->app, "name", "?");

    if (perm == NULL || mm_role_has(ctx->role, perm))
        return -1;
    if (ctx->role == NULL)
        return mm_fail(req, resp, ctx->api, MM_E_MISSING_PERMISSION, NULL,
                       "Forbidden: %s has no role; add it to a role with the permission '%s' in "
                       "Account > Roles",
                       who, perm);
    return mm_fail(req, resp, ctx->api, MM_E_MISSING_PERMISSION, NULL,
                   "Forbidden: the role '%s' of %s lacks the permission '%s'; add it in Account > "
                   "Roles",
                   cm_json_str(ctx->role, "name", ""), who, perm);
}

int mm_gate(struct mm_state *st, struct mk_request *req, struct mk_response *resp, const char *perm,
            struct mm_ctx *ctx)
{
    const char *auth = mk_req_header(req, "Authorization");
    int rc;

    if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
        rc = mm_auth2(st, req, resp, ctx);
    else
        rc = mm_auth1(st, req, resp, ctx);
    if (rc != -1)
        return rc;
    if (mm_check_ip(req, resp, ctx->api, ctx->acct) == MK_DONE ||
        rate(st, req, resp, ctx) == MK_DONE || permission(req, resp, ctx, perm) == MK_DONE)
        return MK_DONE;
    return -1;
}

cJSON *mm_body(struct mk_request *req, struct mk_response *resp)
{
    struct cm_err err = {{0}};
    const cJSON *data;
    cJSON *doc;
    size_t i;

    for (i = 0; i < req->body_len && (req->body[i] == ' ' || req->body[i] == '\t' ||
                                      req->body[i] == '\r' || req->body[i] == '\n');
         i++)
        ;
    if (i == req->body_len)
        return cJSON_CreateObject();
    doc = mm_lenient_parse(req->body, req->body_len, &err);
    if (doc == NULL) {
        mm_fail(req, resp, MM_API1, MM_E_INVALID_BODY, NULL,
                "The request body cannot be read %s; send JSON such as {\"data\": [{...}]}",
                err.msg);
        return NULL;
    }
    data = cJSON_GetObjectItemCaseSensitive(doc, "data");
    if (!cJSON_IsObject(doc) || (data && !cJSON_IsArray(data))) {
        cJSON_Delete(doc);
        mm_fail(req, resp, MM_API1, MM_E_INVALID_BODY, NULL,
                "The request body must be an object with a \"data\" array, such as {\"data\": "
                "[{...}]}");
        return NULL;
    }
    return doc;
}

cJSON *mm_body_item(cJSON *body)
{
    cJSON *item = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(body, "data"), 0);

    return cJSON_IsObject(item) ? item : NULL;
}
