/*
 * account.c: POST /api/account/get-account, which integrations call to check
 * their credentials and to read the account's packages (Netskope's plugin
 * requires "BYO: Threat Intelligence [1089]" there before it pushes hashes).
 * Any authenticated caller may read it; the mock asks for no permission
 * (unconfirmed, docs/mimecast.md).
 */
#include "mock/mimecast/mm.h"

#include "common/json.h"

#include <string.h>

int mm_h_get_account(struct mk_request *req, struct mk_response *resp)
{
    struct mm_state *st = req->svc->data;
    struct mm_ctx ctx;
    cJSON *body, *data, *o;
    const cJSON *a;

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
    cJSON_AddItemToArray(data, o);
    mk_resp_json(resp, 200, mm_envelope(data));
    mk_req_detail(req, "account %s", cm_json_str(a, "code", ""));
    cJSON_Delete(body);
    return MK_DONE;
}
