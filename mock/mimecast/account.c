/*
 * account.c: POST /api/account/get-account, which integrations call to check
 * their credentials and to read the account's packages (Netskope's plugin
 * requires "BYO: Threat Intelligence [1089]" there before it pushes hashes).
 * Any authenticated caller may read it; the mock asks for no permission
 * (unconfirmed, docs/mimecast.md).
 *
 * Ours, for configuration checks (`secmock client mimecast check`): the
 * answer also carries the account's Enhanced Logging directions and, for an
 * API 1.0 caller, its own binding (issued, expires, the user's
 * authentication profile and cache TTL, the application's extended
 * session), so a check can see a binding that will expire without waiting
 * for the 418; and the caller's role (the 1.0 user's, the 2.0
 * application's) with its permissions, so a check can tell a missing
 * "BYO Threat Intelligence | Upload" without uploading anything.
 */
#include "mock/mimecast/mm.h"

#include "common/json.h"
#include "common/timeutil.h"

#include <stdio.h>
#include <string.h>

/* The caller's binding as a check reads it (ours). */
static cJSON *binding_view(const struct mm_state *st, const struct mm_ctx *ctx)
{
    const cJSON *b = ctx->binding, *exp = cJSON_GetObjectItemCaseSensitive(b, "expires");
    const char *profile = cm_json_str(ctx->user, "auth_profile", NULL);
    int64_t ttl = mm_user_cache_ttl(&st->set, ctx->acct->doc, ctx->user);
    char text[40];
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "userName", cm_json_str(b, "user", ""));
    cJSON_AddStringToObject(o, "issued", cm_json_str(b, "issued", ""));
    if (cJSON_IsString(exp))
        cJSON_AddStringToObject(o, "expires", exp->valuestring);
    else
        cJSON_AddNullToObject(o, "expires");
    if (profile)
        cJSON_AddStringToObject(o, "authenticationProfile", profile);
    else
        cJSON_AddNullToObject(o, "authenticationProfile");
    if (ttl < 0)
        snprintf(text, sizeof(text), "never");
    else
        cm_duration_format(ttl, text, sizeof(text));
    cJSON_AddStringToObject(o, "authenticationCacheTtl", text);
    cJSON_AddBoolToObject(o, "extendedSession", cm_json_bool(ctx->app, "extended_session", 0));
    return o;
}

int mm_h_get_account(struct mk_request *req, struct mk_response *resp)
{
    struct mm_state *st = req->svc->data;
    struct mm_ctx ctx;
    cJSON *body, *data, *o, *el;
    const cJSON *a, *elo;

    if (mm_gate(st, req, resp, NULL, &ctx) == MK_DONE || (body = mm_body(req, resp)) == NULL)
        return MK_DONE;
    a = ctx.acct->doc;
    data = cJSON_CreateArray();
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "accountCode", cm_json_str(a, "code", ""));
    cJSON_AddStringToObject(o, "accountName", cm_json_str(a, "name", ""));
    cJSON_AddStringToObject(o, "region", cm_json_str(a, "grid", ""));
    cJSON_AddStringToObject(o, "type", "full");
    cJSON_AddItemToObject(o, "packages",
                          cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(a, "packages"), 1));
    elo = cJSON_GetObjectItemCaseSensitive(a, "enhanced_logging");
    el = cJSON_AddObjectToObject(o, "enhancedLogging");
    cJSON_AddBoolToObject(el, "inbound", cm_json_bool(elo, "inbound", 0));
    cJSON_AddBoolToObject(el, "outbound", cm_json_bool(elo, "outbound", 0));
    cJSON_AddBoolToObject(el, "internal", cm_json_bool(elo, "internal", 0));
    if (ctx.api == MM_API1 && ctx.binding)
        cJSON_AddItemToObject(o, "binding", binding_view(st, &ctx));
    if (ctx.role) {
        cJSON *role = cJSON_AddObjectToObject(o, "role");

        cJSON_AddStringToObject(role, "name", cm_json_str(ctx.role, "name", ""));
        cJSON_AddItemToObject(
            role, "permissions",
            cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(ctx.role, "permissions"), 1));
    } else {
        cJSON_AddNullToObject(o, "role");
    }
    cJSON_AddItemToArray(data, o);
    mk_resp_json(resp, 200, mm_envelope(data));
    mk_req_detail(req, "account %s", cm_json_str(a, "code", ""));
    cJSON_Delete(body);
    return MK_DONE;
}
