/*
 * envelope.c: how the Mimecast mock answers, right or wrong.
 *
 * API 1.0 (and every /api/ function under 2.0) answers with one envelope
 * (vendor notes 4.2): {"meta": {"status": N}, "data": [...], "fail": [...]},
 * where a fail item is {"key": <the request item>, "errors": [{"code",
 * "message", "retryable"}]}. The 2.0 gateway (OAuth, Bearer checks, rate
 * limits on Bearer calls) answers {"fail": [{"code", "message"}]} (notes 6).
 *
 * Every refusal the mock can give is one row of MM_ERROR_MAP (mm.h): HTTP
 * status, code, journal verdict, retryable. The message is the caller's, so it
 * can name the header, permission or time concerned. docs/mimecast.md lists
 * them all and marks which codes are the vendor's and which are ours.
 */
#include "mock/mimecast/mm.h"

#include "common/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct mm_error_info table[] = {
#define MM_ERR_ROW(id, status, code, verdict, retry) {status, code, verdict, retry},
    MM_ERROR_MAP(MM_ERR_ROW)
#undef MM_ERR_ROW
};

const struct mm_error_info *mm_error_info(enum mm_error e)
{
    return &table[(unsigned)e < MM_NERRORS ? e : MM_E_INVALID_BODY];
}

cJSON *mm_envelope(cJSON *data)
{
    cJSON *doc = cJSON_CreateObject(), *meta = cJSON_AddObjectToObject(doc, "meta");

    cJSON_AddNumberToObject(meta, "status", 200);
    cJSON_AddItemToObject(doc, "data", data ? data : cJSON_CreateArray());
    cJSON_AddArrayToObject(doc, "fail");
    return doc;
}

cJSON *mm_fail_item(const cJSON *key, const char *code, const char *message, int retryable)
{
    cJSON *item = cJSON_CreateObject(), *errors, *e;

    if (key)
        cJSON_AddItemToObject(item, "key", cJSON_Duplicate(key, 1));
    errors = cJSON_AddArrayToObject(item, "errors");
    e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    cJSON_AddBoolToObject(e, "retryable", retryable);
    cJSON_AddItemToArray(errors, e);
    return item;
}

void mm_render(struct mk_request *req, struct mk_response *resp, enum mm_api api, int status,
               const char *code, const char *verdict, int retryable, const cJSON *key,
               const char *message)
{
    cJSON *doc = cJSON_CreateObject(), *fail, *item;

    if (api == MM_API2) {
        fail = cJSON_AddArrayToObject(doc, "fail");
        item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "code", code);
        cJSON_AddStringToObject(item, "message", message);
        cJSON_AddItemToArray(fail, item);
    } else {
        cJSON *meta = cJSON_AddObjectToObject(doc, "meta");
        cJSON_AddNumberToObject(meta, "status", status);
        cJSON_AddArrayToObject(doc, "data");
        fail = cJSON_AddArrayToObject(doc, "fail");
        cJSON_AddItemToArray(fail, mm_fail_item(key, code, message, retryable));
    }
    mk_req_verdict(req, verdict);
    mk_req_detail(req, "%s", message);
    mk_resp_json(resp, status, doc);
}

int mm_fail(struct mk_request *req, struct mk_response *resp, enum mm_api api, enum mm_error e,
            const cJSON *key, const char *fmt, ...)
{
    const struct mm_error_info *info = mm_error_info(e);
    char message[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    mm_render(req, resp, api, info->status, info->code, info->verdict, info->retryable, key,
              message);
    return MK_DONE;
}
