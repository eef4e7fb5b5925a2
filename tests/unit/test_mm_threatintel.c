/*
 * test_mm_threatintel.c: threat intelligence (mock/mimecast/threatintel.c)
 * and get-account (account.c): the feed as pipe-delimited CSV and as STIX,
 * its next-token header and token continuation, and the BYO batches: create
 * (at most 1000 hashes, file hashes only, provider and description limits,
 * the package, the quota message), list with paging and order, delete and
 * quota.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "test_mm_util.h"

#define FEED   "/api/ttp/threat-intel/get-feed"
#define CREATE "/api/byo-threat-intelligence/create-batch"
#define LIST   "/api/byo-threat-intelligence/get-batches"
#define DELETE "/api/byo-threat-intelligence/delete-batch"
#define QUOTA  "/api/byo-threat-intelligence/get-quota"

static struct mmfx fx;

static void setup(void)
{
    mmfx_load(&fx, MMFX_STATE);
}

static void teardown(void)
{
    mmfx_free(&fx);
}

TestSuite(mm_threatintel, .init = setup, .fini = teardown);

static int ti(const char *path, const char *body, struct mk_response *r)
{
    return mmfx_post_as(&fx, MMFX_AK_TI, path, body, MMFX_NOW, r);
}

static int count_lines(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

Test(mm_threatintel, csv_feed_with_header)
{
    struct mk_response r;
    const char *body;

    cr_assert_eq(ti(FEED, "{'data': [{'feedType': 'malware_customer', 'fileType': 'csv'}]}", &r),
                 200, "%s", cm_buf_str(&r.body));
    body = cm_buf_str(&r.body);
    cr_assert_str_eq(r.content_type, "text/csv; charset=utf-8");
    cr_assert(strncmp(body,
                      "Timestamp|SenderAddress|RecipientAddress|Subject|FileName|FileType|MD5|"
                      "SHA1|SHA256|Route\r\n",
                      79) == 0,
              "%s", body);
    cr_assert_eq(count_lines(body), 3, "header and two customer entries: %s", body);
    cr_assert(strstr(body, "2026-03-01T10:00:00+0000|bad@evil.example|||x.exe||" MMFX_MD5_C
                           "||" MMFX_SHA_A "|inbound\r\n") != NULL,
              "%s", body);
    cr_assert_null(mmfx_header(&r, "x-mc-threat-feed-next-token"));
    cr_assert(strstr(mmfx_header(&r, "Content-Disposition"), "malware_customer_2026-02-23") !=
              NULL);
    mk_resp_release(&r);
    cr_assert_eq(ti(FEED, "{\"data\": [{\"feedType\": \"malware_grid\"}]}", &r), 200);
    cr_assert_eq(count_lines(cm_buf_str(&r.body)), 2);
    mk_resp_release(&r);
    cr_assert_eq(ti(FEED, "{\"data\": [{\"start\": \"2026-03-02T00:00:00+0000\"}]}", &r), 200);
    cr_assert_eq(count_lines(cm_buf_str(&r.body)), 1, "no data: the header line alone");
    mk_resp_release(&r);
}

Test(mm_threatintel, stix_feed)
{
    struct mk_response r;
    cJSON *doc, *objs, *o;

    cr_assert_eq(ti(FEED, "{\"data\": [{\"fileType\": \"stix\", \"compress\": false}]}", &r), 200);
    doc = mmfx_body(&r);
    cr_assert_str_eq(cm_json_str(doc, "type", ""), "bundle");
    cr_assert(strncmp(cm_json_str(doc, "id", ""), "bundle--", 8) == 0);
    objs = cJSON_GetObjectItem(doc, "objects");
    cr_assert_eq(cJSON_GetArraySize(objs), 2);
    o = cJSON_GetArrayItem(objs, 0);
    cr_assert_str_eq(cm_json_str(o, "type", ""), "indicator");
    cr_assert_str_eq(cm_json_str(o, "pattern", ""), "[file:hashes.'SHA-256' = '" MMFX_SHA_A "']");
    cr_assert_str_eq(cm_json_str(o, "created", ""), "2026-03-01T10:00:00Z");
    cr_assert_str_eq(cm_json_str(o, "modified", ""), "2026-03-01T10:00:00Z");
    cr_assert_str_eq(cm_json_str(o, "id", ""), "indicator--aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa");
    cJSON_Delete(doc);
    mk_resp_release(&r);
}

Test(mm_threatintel, next_token_header_continues_the_feed)
{
    struct mk_response r;
    char tok[MM_TOKEN_MAX], *body;

    mmfx_patch(&fx, "{\"settings\": {\"feed_page_size\": 1}}");
    cr_assert_eq(ti(FEED, "{\"data\": [{}]}", &r), 200);
    cr_assert_eq(count_lines(cm_buf_str(&r.body)), 2);
    cr_assert(strstr(cm_buf_str(&r.body), MMFX_SHA_A) != NULL);
    cr_assert_not_null(mmfx_header(&r, "x-mc-threat-feed-next-token"));
    cm_strlcpy(tok, mmfx_header(&r, "x-mc-threat-feed-next-token"), sizeof(tok));
    mk_resp_release(&r);
    body = cm_asprintf("{\"data\": [{\"token\": \"%s\"}]}", tok);
    cr_assert_eq(ti(FEED, body, &r), 200);
    free(body);
    cr_assert(strstr(cm_buf_str(&r.body), MMFX_SHA_B) != NULL);
    cr_assert_null(mmfx_header(&r, "x-mc-threat-feed-next-token"), "the last file");
    mk_resp_release(&r);
    tok[3] ^= 1;
    body = cm_asprintf("{\"data\": [{\"token\": \"%s\"}]}", tok);
    ti(FEED, body, &r);
    free(body);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_page_token",
                 "send the x-mc-threat-feed-next-token value", "invalid_page_token");
}

Test(mm_threatintel, feed_refusals)
{
    struct mk_response r;

    ti(FEED, "{\"data\": [{\"fileType\": \"xml\"}]}", &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value", "fileType must be csv or stix",
                 "invalid_value");
    ti(FEED, "{\"data\": [{\"feedType\": \"everything\"}]}", &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value",
                 "feedType must be malware_customer or malware_grid", "invalid_value");
    ti(FEED, "{\"data\": [{\"start\": \"last week\"}]}", &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value", "start 'last week' is not a date",
                 "invalid_value");
    ti(FEED, "{\"data\": [{\"end\": \"soon\"}]}", &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value", "end 'soon'", "invalid_value");
    ti(FEED, "{\"data\": [{\"compress\": \"yes\"}]}", &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value", "compress must be true or false",
                 "invalid_value");
}

static char *batch_body(const char *op, int n, const char *hash)
{
    struct cm_buf b;
    int i;

    cm_buf_init(&b, 0);
    cm_buf_printf(&b, "{\"data\": [{\"operationType\": \"%s\", \"hashList\": [", op);
    for (i = 0; i < n; i++)
        cm_buf_printf(&b,
                      "%s{\"hash\": \"%s\", \"provider\": \"NetskopeCE\", \"description\": "
                      "\"malware\"}",
                      i ? ", " : "", hash ? hash : MMFX_SHA_A);
    cm_buf_puts(&b, "]}]}");
    return cm_buf_steal(&b, NULL);
}

Test(mm_threatintel, create_list_delete_batches)
{
    struct mk_response r;
    cJSON *doc, *d;
    char id[80], *b;

    b = batch_body("BLOCK", 3, NULL);
    cr_assert_eq(ti(CREATE, b, &r), 200, "%s", cm_buf_str(&r.body));
    free(b);
    doc = mmfx_body(&r);
    d = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0);
    cr_assert_eq(cm_json_num(d, "hashCount", 0), 3);
    cr_assert_str_eq(cm_json_str(d, "completionTime", ""), "2026-03-02T09:00:00.000Z[UTC]");
    cr_assert_str_eq(cm_json_str(d, "operationType", ""), "BLOCK");
    cm_strlcpy(id, cm_json_str(d, "batchIdToken", ""), sizeof(id));
    cr_assert_gt(strlen(id), 20);
    cJSON_Delete(doc);
    mk_resp_release(&r);
    b = batch_body("ALLOW", 1, MMFX_MD5_C);
    cr_assert_eq(ti(CREATE, b, &r), 200, "MD5 values are file hashes too");
    free(b);
    mk_resp_release(&r);

    cr_assert_eq(ti(LIST,
                    "{\"data\": [{\"order\": \"ASC\", \"sortBy\": \"CREATE_TIME\"}], "
                    "\"meta\": {\"pagination\": {\"pageSize\": 1}}}",
                    &r),
                 200);
    doc = mmfx_body(&r);
    d = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0);
    cr_assert_str_eq(cm_json_str(d, "id", ""), id);
    cr_assert_eq(cm_json_num(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "meta"), "pagination"),
                             "totalCount", 0),
                 2);
    {
        const char *next = cm_json_str(
            cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "meta"), "pagination"), "next", NULL);
        char *nb;
        cJSON *p2;
        cr_assert_not_null(next);
        nb = cm_asprintf("{\"meta\": {\"pagination\": {\"pageToken\": \"%s\"}}}", next);
        cJSON_Delete(doc);
        mk_resp_release(&r);
        cr_assert_eq(ti(LIST, nb, &r), 200);
        free(nb);
        p2 = mmfx_body(&r);
        cr_assert_str_eq(cm_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(p2, "data"), 0),
                                     "operationType", ""),
                         "ALLOW");
        cr_assert_null(cm_json_str(
            cJSON_GetObjectItem(cJSON_GetObjectItem(p2, "meta"), "pagination"), "next", NULL));
        cJSON_Delete(p2);
        mk_resp_release(&r);
    }
    cr_assert_eq(ti(LIST, "{}", &r), 200);
    doc = mmfx_body(&r);
    cr_assert_str_eq(
        cm_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0), "operationType", ""),
        "ALLOW", "DESC by default: newest first");
    cJSON_Delete(doc);
    mk_resp_release(&r);

    cr_assert_eq(ti(QUOTA, "{}", &r), 200);
    doc = mmfx_body(&r);
    d = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0);
    cr_assert_eq(cm_json_num(d, "used", 0), 4);
    cr_assert_eq(cm_json_num(d, "remaining", 0), 100000 - 4);
    cJSON_Delete(doc);
    mk_resp_release(&r);

    b = cm_asprintf("{\"data\": [{\"id\": \"%s\"}, {\"id\": \"no-such-batch\"}]}", id);
    cr_assert_eq(ti(DELETE, b, &r), 200);
    free(b);
    doc = mmfx_body(&r);
    d = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0);
    cr_assert_str_eq(cm_json_str(d, "id", ""), id);
    cr_assert(cm_json_bool(d, "success", 0));
    d = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "fail"), 0);
    cr_assert_str_eq(cm_json_str(cJSON_GetObjectItem(d, "key"), "id", ""), "no-such-batch");
    cr_assert_str_eq(
        cm_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "errors"), 0), "code", ""),
        "err_byo_batch_not_found");
    cJSON_Delete(doc);
    mk_resp_release(&r);
    cr_assert_eq(cJSON_GetArraySize(
                     cJSON_GetObjectItem(mm_find_account(fx.st, "CUSA1")->doc, "byo_batches")),
                 1);
}

Test(mm_threatintel, create_refusals)
{
    struct mk_response r;
    char *b;

    b = batch_body("BLOCK", 1001, NULL);
    ti(CREATE, b, &r);
    free(b);
    mmfx_refused(&fx, &r, 400, "err_validation_too_many_hashes",
                 "hashList holds 1001 hashes: send at most 1000 per batch", "too_many_hashes");
    b = batch_body("BLOCK", 1000, NULL);
    cr_assert_eq(ti(CREATE, b, &r), 200, "exactly 1000 is fine");
    free(b);
    mk_resp_release(&r);
    b = batch_body("QUARANTINE", 1, NULL);
    ti(CREATE, b, &r);
    free(b);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value",
                 "operationType must be ALLOW, BLOCK or DELETE", "invalid_value");
    b = batch_body("BLOCK", 1, "https://evil.example/");
    ti(CREATE, b, &r);
    free(b);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value",
                 "hashList[0].hash 'https://evil.example/' is not an MD5 or SHA-256 value",
                 "invalid_value");
    ti(CREATE, "{\"data\": [{\"operationType\": \"BLOCK\", \"hashList\": []}]}", &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value", "hashList must be a non-empty list",
                 "invalid_value");
    ti(CREATE,
       "{\"data\": [{\"operationType\": \"BLOCK\", \"hashList\": [{\"hash\": \"" MMFX_SHA_A
       "\", \"provider\": \"NetskopeCloudExchange\"}]}]}",
       &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value",
                 "hashList[0].provider is longer than 10 characters", "invalid_value");
    ti(CREATE,
       "{\"data\": [{\"operationType\": \"BLOCK\", \"hashList\": [{\"hash\": \"" MMFX_SHA_A
       "\", \"description\": \"a description that is too long\"}]}]}",
       &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value",
                 "hashList[0].description is longer than 20 characters", "invalid_value");
}

Test(mm_threatintel, quota_and_package)
{
    struct mk_response r;
    struct cm_err err = {{0}};
    cJSON *out;
    char *b;

    mmfx_patch(&fx, "{\"accounts\": [{\"code\": \"CUSA1\", \"byo_quota\": 1500, \"packages\": "
                    "[\"BYO: Threat Intelligence [1089]\"], \"roles\": [{\"name\": \"TI\", "
                    "\"permissions\": [\"*\"]}], \"users\": [{\"email\": \"ti@example.com\", "
                    "\"role\": \"TI\"}], \"applications\": [{\"api\": \"1.0\", \"app_id\": "
                    "\"" MMFX_APP "\", \"app_key\": \"" MMFX_APPKEY "\"}], \"bindings\": "
                    "[{\"access_key\": \"" MMFX_AK_TI "\", \"secret_key\": \"" MMFX_SECRET
                    "\", \"user\": \"ti@example.com\", \"app_id\": \"" MMFX_APP
                    "\", \"expires\": null}]}]}");
    b = batch_body("BLOCK", 1000, NULL);
    cr_assert_eq(ti(CREATE, b, &r), 200);
    mk_resp_release(&r);
    ti(CREATE, b, &r);
    free(b);
    cr_assert(strstr(fx.detail, "quota 1500 hashes, 1000 used, 1000 asked") != NULL, "%s",
              fx.detail);
    mmfx_refused(&fx, &r, 409, "err_byo_quota_not_available",
                 "Quota not available to create the batch", "quota_exceeded");
    out = mmfx_action(&fx, "remove-package", "{\"name\": \"BYO: Threat Intelligence [1089]\"}",
                      MMFX_NOW, &err);
    cr_assert_not_null(out, "%s", err.msg);
    cJSON_Delete(out);
    b = batch_body("BLOCK", 1, NULL);
    ti(CREATE, b, &r);
    free(b);
    mmfx_refused(&fx, &r, 403, "err_xdk_forbidden",
                 "account CUSA1 has no 'BYO: Threat Intelligence [1089]' package",
                 "package_missing");
    ti(LIST, "{}", &r);
    mmfx_refused(&fx, &r, 403, "err_xdk_forbidden", "package", "package_missing");
    ti(QUOTA, "{}", &r);
    mmfx_refused(&fx, &r, 403, "err_xdk_forbidden", "package", "package_missing");
}

Test(mm_threatintel, list_and_delete_refusals)
{
    struct mk_response r;

    ti(LIST, "{\"data\": [{\"order\": \"RANDOM\"}]}", &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value", "order must be ASC or DESC",
                 "invalid_value");
    ti(LIST, "{\"data\": [{\"sortBy\": \"NAME\"}]}", &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value", "sortBy must be CREATE_TIME",
                 "invalid_value");
    ti(LIST, "{\"meta\": {\"pagination\": {\"pageToken\": \"forged.token\"}}}", &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_page_token", "not valid",
                 "invalid_page_token");
    ti(LIST, "{\"meta\": {\"pagination\": {\"pageSize\": -1}}}", &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value", "pageSize", "invalid_value");
    ti(DELETE, "{\"data\": []}", &r);
    mmfx_refused(&fx, &r, 400, "err_validation_invalid_value", "data must list the batches",
                 "invalid_value");
    mmfx_post(&fx, DELETE, "{\"data\": [{\"id\": \"x\"}]}", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 403, "err_xdk_forbidden", "'BYO Threat Intelligence | Delete'",
                 "missing_permission");
}

Test(mm_threatintel, get_account_tells_the_packages)
{
    struct mk_response r;
    cJSON *doc, *d;

    cr_assert_eq(mmfx_post(&fx, "/api/account/get-account", "{\"data\": []}", MMFX_NOW, &r), 200);
    doc = mmfx_body(&r);
    d = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "data"), 0);
    cr_assert_str_eq(cm_json_str(d, "accountCode", ""), "CUSA1");
    cr_assert_str_eq(cm_json_str(d, "accountName", ""), "Test US");
    cr_assert_str_eq(cm_json_str(d, "region", ""), "us");
    cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "packages"), 0)->valuestring,
                     MM_PKG_BYO);
    cJSON_Delete(doc);
    mk_resp_release(&r);
    mmfx_post(&fx, "/api/account/get-account", "{oops", MMFX_NOW, &r);
    mmfx_refused(&fx, &r, 400, "err_xdk_malformed_request", "cannot be read", "invalid_body");
}
