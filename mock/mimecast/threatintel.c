/*
 * threatintel.c: threat intelligence both ways (vendor notes 8).
 *
 * Pull: POST /api/ttp/threat-intel/get-feed answers the account's feed
 * entries between start (default now - 7 days) and end (default now) as a
 * pipe-delimited CSV with a header row (a body of one line means no data) or
 * as a STIX bundle of indicators. When more entries remain than
 * settings.feed_page_size, the x-mc-threat-feed-next-token header carries a
 * token to send back as data[0].token.
 *
 * Push: the BYO ("Bring Your Own") threat-intelligence batches. create-batch
 * takes one operation (ALLOW, BLOCK, DELETE) and at most
 * settings.byo_max_hashes (1000) MD5 or SHA-256 file hashes; the account must
 * hold the "BYO: Threat Intelligence [1089]" package and enough quota
 * (byo_quota hashes over all its batches, else "Quota not available to create
 * the batch"). get-batches lists them, delete-batch removes them, get-quota
 * tells the quota. The mock completes a batch the moment it is created.
 */
#include "mock/mimecast/mm.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FEED_DEFAULT_WINDOW (7LL * 86400000)

/* ---- get-feed ---- */

struct feedq {
    int64_t start, end;
    int stix;
    char type[20];
};

static void csv_field(struct cm_buf *b, const char *s)
{
    for (; s && *s; s++)
        cm_buf_putc(b, (*s == '|' || *s == '\r' || *s == '\n') ? ' ' : *s);
}

static void csv_row(struct cm_buf *b, const cJSON *e)
{
    static const char *const keys[] = {"sender", "recipient", "subject", "file_name", "file_type",
                                       "md5",    "sha1",      "sha256",  "route",     NULL};
    char t[40];
    size_t i;

    mm_time_log(mm_doc_time(e, "time", 0), t, sizeof(t));
    cm_buf_puts(b, t);
    for (i = 0; keys[i]; i++) {
        cm_buf_putc(b, '|');
        csv_field(b, cm_json_str(e, keys[i], ""));
    }
    cm_buf_puts(b, "\r\n");
}

static void uuidish(const char *hex, char *out, size_t size)
{
    char h[33];
    size_t i, n = strlen(hex);

    for (i = 0; i < 32; i++)
        h[i] = i < n ? (char)tolower((unsigned char)hex[i]) : '0';
    h[32] = '\0';
    snprintf(out, size, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

static cJSON *stix_indicator(const cJSON *e)
{
    cJSON *o = cJSON_CreateObject(), *labels;
    const char *sha = cm_json_str(e, "sha256", ""), *md5 = cm_json_str(e, "md5", "");
    char t[40], id[80], pat[160], u[40];

    cm_time_format(mm_doc_time(e, "time", 0), t, sizeof(t));
    uuidish(*sha ? sha : md5, u, sizeof(u));
    snprintf(id, sizeof(id), "indicator--%s", u);
    if (*sha)
        snprintf(pat, sizeof(pat), "[file:hashes.'SHA-256' = '%s']", sha);
    else
        snprintf(pat, sizeof(pat), "[file:hashes.MD5 = '%s']", md5);
    cJSON_AddStringToObject(o, "type", "indicator");
    cJSON_AddStringToObject(o, "spec_version", "2.1");
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "created", t);
    cJSON_AddStringToObject(o, "modified", t);
    cJSON_AddStringToObject(o, "name",
                            *cm_json_str(e, "file_name", "") ? cm_json_str(e, "file_name", "")
                                                             : (*sha ? sha : md5));
    cJSON_AddStringToObject(o, "pattern", pat);
    cJSON_AddStringToObject(o, "pattern_type", "stix");
    cJSON_AddStringToObject(o, "valid_from", t);
    labels = cJSON_AddArrayToObject(o, "labels");
    cJSON_AddItemToArray(labels, cJSON_CreateString("malicious-activity"));
    if (*cm_json_str(e, "sender", ""))
        cJSON_AddStringToObject(o, "description", cm_json_str(e, "sender", ""));
    return o;
}

static int read_feedq(struct mk_request *req, struct mk_response *resp, const cJSON *item,
                      struct feedq *q)
{
    const char *s;
    const cJSON *c;

    q->end = req->now_ms;
    q->start = req->now_ms - FEED_DEFAULT_WINDOW;
    if ((s = cm_json_str(item, "start", NULL)) && mm_iso_parse(s, &q->start) != 0)
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                       "start '%.64s' is not a date such as 2011-12-03T10:15:30+0000", s);
    if ((s = cm_json_str(item, "end", NULL)) && mm_iso_parse(s, &q->end) != 0)
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                       "end '%.64s' is not a date such as 2011-12-03T10:15:30+0000", s);
    if (q->end > req->now_ms)
        q->end = req->now_ms;
    s = cm_json_str(item, "fileType", "csv");
    if (strcmp(s, "csv") != 0 && strcmp(s, "stix") != 0)
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                       "fileType must be csv or stix");
    q->stix = strcmp(s, "stix") == 0;
    s = cm_json_str(item, "feedType", "malware_customer");
    if (strcmp(s, "malware_customer") != 0 && strcmp(s, "malware_grid") != 0)
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                       "feedType must be malware_customer or malware_grid");
    cm_strlcpy(q->type, s, sizeof(q->type));
    c = cJSON_GetObjectItemCaseSensitive(item, "compress");
    if (c && !cJSON_IsBool(c))
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                       "compress must be true or false");
    return -1;
}

int mm_h_get_feed(struct mk_request *req, struct mk_response *resp)
{
    struct mm_state *st = req->svc->data;
    struct mm_ctx ctx;
    struct feedq q;
    const struct mm_feedidx *f;
    const char *tok, *acct;
    cJSON *body, *item, *payload = NULL, *bundle = NULL, *objs = NULL;
    struct cm_buf csv;
    size_t i, pos = 0, n = 0;
    char disp[160], ts[2][40];

    if (mm_gate(st, req, resp, MM_PERM_FEED, &ctx) == MK_DONE ||
        (body = mm_body(req, resp)) == NULL)
        return MK_DONE;
    cm_buf_init(&csv, 0);
    item = mm_body_item(body);
    acct = cm_json_str(ctx.acct->doc, "code", "");
    memset(&q, 0, sizeof(q));
    tok = cm_json_str(item, "token", NULL);
    if (tok && *tok) {
        payload = mm_token_open(st, tok);
        if (payload == NULL || strcmp(cm_json_str(payload, "k", ""), "feed") != 0 ||
            strcmp(cm_json_str(payload, "a", ""), acct) != 0) {
            mm_fail(req, resp, MM_API1, MM_E_INVALID_PAGE_TOKEN, item,
                    "The token is not valid: send the x-mc-threat-feed-next-token value of the "
                    "previous answer, or no token for the first file");
            goto out;
        }
        q.start = mm_token_int(payload, "f", -MM_TOKEN_TIME_MAX, MM_TOKEN_TIME_MAX, 0);
        q.end = mm_token_int(payload, "t", -MM_TOKEN_TIME_MAX, MM_TOKEN_TIME_MAX, 0);
        q.stix = cm_json_bool(payload, "x", 0);
        cm_strlcpy(q.type, cm_json_str(payload, "ft", "malware_customer"), sizeof(q.type));
        pos = (size_t)mm_token_int(payload, "p", 0, INT64_MAX, 0);
    } else if (read_feedq(req, resp, item, &q) != -1) {
        goto out;
    }
    f = &ctx.acct->feed;
    if (q.stix) {
        char u[40];
        bundle = cJSON_CreateObject();
        cJSON_AddStringToObject(bundle, "type", "bundle");
        snprintf(disp, sizeof(disp), "%016llx%016llx", (unsigned long long)q.start,
                 (unsigned long long)q.end);
        uuidish(disp, u, sizeof(u));
        snprintf(disp, sizeof(disp), "bundle--%s", u);
        cJSON_AddStringToObject(bundle, "id", disp);
        objs = cJSON_AddArrayToObject(bundle, "objects");
    } else {
        cm_buf_puts(&csv, "Timestamp|SenderAddress|RecipientAddress|Subject|FileName|FileType|"
                          "MD5|SHA1|SHA256|Route\r\n");
    }
    for (i = pos; i < f->n; i++) {
        if (f->t[i] < q.start || f->t[i] > q.end ||
            strcmp(cm_json_str(f->recs[i], "feed", ""), q.type) != 0)
            continue;
        if (n == (size_t)st->set.feed_page_size) {
            cJSON *p = cJSON_CreateObject();
            char *t;
            cJSON_AddStringToObject(p, "k", "feed");
            cJSON_AddStringToObject(p, "a", acct);
            cJSON_AddNumberToObject(p, "f", (double)q.start);
            cJSON_AddNumberToObject(p, "t", (double)q.end);
            cJSON_AddBoolToObject(p, "x", q.stix);
            cJSON_AddStringToObject(p, "ft", q.type);
            cJSON_AddNumberToObject(p, "p", (double)i);
            t = mm_token_seal(st, p);
            mk_resp_header(resp, "x-mc-threat-feed-next-token", t);
            free(t);
            cJSON_Delete(p);
            break;
        }
        if (q.stix)
            cJSON_AddItemToArray(objs, stix_indicator(f->recs[i]));
        else
            csv_row(&csv, f->recs[i]);
        n++;
    }
    mm_time_log(q.start, ts[0], sizeof(ts[0]));
    mm_time_log(q.end, ts[1], sizeof(ts[1]));
    snprintf(disp, sizeof(disp), "attachment; filename=\"%s_%.10s_%.10s.%s\"", q.type, ts[0], ts[1],
             q.stix ? "json" : "csv");
    mk_resp_header(resp, "Content-Disposition", disp);
    if (q.stix) {
        mk_resp_json(resp, 200, bundle);
        bundle = NULL;
    } else {
        mk_resp_text(resp, 200, "text/csv; charset=utf-8", cm_buf_str(&csv));
    }
    mk_req_detail(req, "%s %s: %zu entries", q.type, q.stix ? "stix" : "csv", n);
out:
    cJSON_Delete(bundle);
    cJSON_Delete(payload);
    cJSON_Delete(body);
    cm_buf_release(&csv);
    return MK_DONE;
}

/* ---- BYO batches ---- */

static int byo_gate(struct mm_state *st, struct mk_request *req, struct mk_response *resp,
                    const char *perm, struct mm_ctx *ctx)
{
    if (mm_gate(st, req, resp, perm, ctx) == MK_DONE)
        return MK_DONE;
    if (!mm_has_package(ctx->acct, MM_PKG_BYO))
        return mm_fail(req, resp, ctx->api, MM_E_PACKAGE_MISSING, NULL,
                       "Forbidden: account %s has no '" MM_PKG_BYO
                       "' package; Bring Your Own Threat Intelligence must be enabled on the "
                       "account",
                       cm_json_str(ctx->acct->doc, "code", ""));
    return -1;
}

static int64_t quota_used(const struct mm_acct *a)
{
    const cJSON *b;
    int64_t used = 0;

    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(a->doc, "byo_batches")) used +=
        cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(b, "hashes"));
    return used;
}

static int hash_ok(const char *s)
{
    size_t n = strlen(s), i;

    if (n != 32 && n != 64)
        return 0;
    for (i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static cJSON *batch_json(const cJSON *b)
{
    cJSON *o = cJSON_CreateObject();
    char t[48];

    cJSON_AddStringToObject(o, "id", cm_json_str(b, "id", ""));
    cJSON_AddStringToObject(o, "operationType", cm_json_str(b, "operation", ""));
    cJSON_AddNumberToObject(o, "hashCount",
                            cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(b, "hashes")));
    mm_time_byo(mm_doc_time(b, "created", 0), t, sizeof(t));
    cJSON_AddStringToObject(o, "createTime", t);
    mm_time_byo(mm_doc_time(b, "completed", 0), t, sizeof(t));
    cJSON_AddStringToObject(o, "completionTime", t);
    cJSON_AddStringToObject(o, "status", "COMPLETED");
    return o;
}

int mm_h_byo_create(struct mk_request *req, struct mk_response *resp)
{
    struct mm_state *st = req->svc->data;
    struct mm_ctx ctx;
    cJSON *body, *item, *list, *h, *b, *hashes, *data, *o;
    const char *op;
    char id[53], t[48];
    int n, i = 0;

    if (byo_gate(st, req, resp, MM_PERM_BYO_UP, &ctx) == MK_DONE ||
        (body = mm_body(req, resp)) == NULL)
        return MK_DONE;
    item = mm_body_item(body);
    op = cm_json_str(item, "operationType", "");
    list = cJSON_GetObjectItemCaseSensitive(item, "hashList");
    if (strcmp(op, "ALLOW") != 0 && strcmp(op, "BLOCK") != 0 && strcmp(op, "DELETE") != 0) {
        mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                "operationType must be ALLOW, BLOCK or DELETE");
        goto out;
    }
    if (!cJSON_IsArray(list) || (n = cJSON_GetArraySize(list)) == 0) {
        mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                "hashList must be a non-empty list of {\"hash\", \"provider\", \"description\"}");
        goto out;
    }
    if (n > st->set.byo_max_hashes) {
        mm_fail(req, resp, MM_API1, MM_E_TOO_MANY_HASHES, item,
                "hashList holds %d hashes: send at most %d per batch", n, st->set.byo_max_hashes);
        goto out;
    }
    cJSON_ArrayForEach(h, list)
    {
        const char *v = cm_json_str(h, "hash", "");
        if (!hash_ok(v)) {
            mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                    "hashList[%d].hash '%.70s' is not an MD5 or SHA-256 value (only file hashes "
                    "are supported)",
                    i, v);
            goto out;
        }
        if (strlen(cm_json_str(h, "provider", "")) > 10) {
            mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                    "hashList[%d].provider is longer than 10 characters", i);
            goto out;
        }
        if (strlen(cm_json_str(h, "description", "")) > 20) {
            mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                    "hashList[%d].description is longer than 20 characters", i);
            goto out;
        }
        i++;
    }
    if (quota_used(ctx.acct) + n > (int64_t)cm_json_num(ctx.acct->doc, "byo_quota", 0)) {
        mm_fail(req, resp, MM_API1, MM_E_QUOTA_EXCEEDED, item,
                "Quota not available to create the batch");
        mk_req_detail(req, "quota %.0f hashes, %lld used, %d asked",
                      cm_json_num(ctx.acct->doc, "byo_quota", 0), (long long)quota_used(ctx.acct),
                      n);
        goto out;
    }
    memcpy(id, "eNo", 3);
    mm_rand_alnum(id + 3, sizeof(id) - 3, 48);
    b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "id", id);
    cJSON_AddStringToObject(b, "operation", op);
    hashes = cJSON_AddArrayToObject(b, "hashes");
    cJSON_ArrayForEach(h, list)
    {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "hash", cm_json_str(h, "hash", ""));
        cJSON_AddStringToObject(o, "provider", cm_json_str(h, "provider", ""));
        cJSON_AddStringToObject(o, "description", cm_json_str(h, "description", ""));
        cJSON_AddItemToArray(hashes, o);
    }
    mm_doc_set_time(b, "created", req->now_ms);
    mm_doc_set_time(b, "completed", req->now_ms);
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(ctx.acct->doc, "byo_batches"), b);
    data = cJSON_CreateArray();
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "batchIdToken", id);
    cJSON_AddNumberToObject(o, "hashCount", n);
    cJSON_AddStringToObject(o, "operationType", op);
    mm_time_byo(req->now_ms, t, sizeof(t));
    cJSON_AddStringToObject(o, "completionTime", t);
    cJSON_AddStringToObject(o, "status", "COMPLETED");
    cJSON_AddItemToArray(data, o);
    mk_resp_json(resp, 200, mm_envelope(data));
    mk_req_detail(req, "%s batch of %d hashes", op, n);
out:
    cJSON_Delete(body);
    return MK_DONE;
}

int mm_h_byo_list(struct mk_request *req, struct mk_response *resp)
{
    struct mm_state *st = req->svc->data;
    struct mm_ctx ctx;
    cJSON *body, *item, *pag, *payload = NULL, *data, *doc, *mp;
    const cJSON *ps, *batches;
    const char *order, *tok, *acct;
    int size, total, i, pos = 0, n = 0, desc;

    if (byo_gate(st, req, resp, MM_PERM_BYO_RD, &ctx) == MK_DONE ||
        (body = mm_body(req, resp)) == NULL)
        return MK_DONE;
    item = mm_body_item(body);
    acct = cm_json_str(ctx.acct->doc, "code", "");
    pag = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(body, "meta"),
                                           "pagination");
    ps = cJSON_GetObjectItemCaseSensitive(pag, "pageSize");
    size = st->set.page_size;
    if (ps) {
        if (!cJSON_IsNumber(ps) || ps->valuedouble < 1 || ps->valuedouble > 1e9) {
            mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                    "meta.pagination.pageSize must be a positive integer");
            goto out;
        }
        size = (int)ps->valuedouble;
    }
    if (size > st->set.page_size_max)
        size = st->set.page_size_max;
    order = cm_json_str(item, "order", "DESC");
    if (strcmp(order, "ASC") != 0 && strcmp(order, "DESC") != 0) {
        mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item, "order must be ASC or DESC");
        goto out;
    }
    if (strcmp(cm_json_str(item, "sortBy", "CREATE_TIME"), "CREATE_TIME") != 0) {
        mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item, "sortBy must be CREATE_TIME");
        goto out;
    }
    desc = strcmp(order, "DESC") == 0;
    tok = cm_json_str(pag, "pageToken", NULL);
    if (tok && *tok) {
        payload = mm_token_open(st, tok);
        if (payload == NULL || strcmp(cm_json_str(payload, "k", ""), "byo") != 0 ||
            strcmp(cm_json_str(payload, "a", ""), acct) != 0) {
            mm_fail(req, resp, MM_API1, MM_E_INVALID_PAGE_TOKEN, item,
                    "The pageToken is not valid for this endpoint: send the exact 'next' value "
                    "of an earlier answer, or an empty pageToken for the first page");
            goto out;
        }
        pos = (int)mm_token_int(payload, "p", 0, INT32_MAX, 0);
        desc = cm_json_bool(payload, "d", desc);
    }
    batches = cJSON_GetObjectItemCaseSensitive(ctx.acct->doc, "byo_batches");
    total = cJSON_GetArraySize(batches);
    data = cJSON_CreateArray();
    /* batches are kept in creation order, so ASC is the array order */
    for (i = pos; i < total && n < size; i++, n++)
        cJSON_AddItemToArray(data,
                             batch_json(cJSON_GetArrayItem(batches, desc ? total - 1 - i : i)));
    doc = mm_envelope(data);
    mp = cJSON_AddObjectToObject(cJSON_GetObjectItemCaseSensitive(doc, "meta"), "pagination");
    cJSON_AddNumberToObject(mp, "pageSize", n);
    cJSON_AddNumberToObject(mp, "totalCount", total);
    if (i < total) {
        cJSON *p = cJSON_CreateObject();
        char *t;
        cJSON_AddStringToObject(p, "k", "byo");
        cJSON_AddStringToObject(p, "a", acct);
        cJSON_AddNumberToObject(p, "p", i);
        cJSON_AddBoolToObject(p, "d", desc);
        t = mm_token_seal(st, p);
        cJSON_AddStringToObject(mp, "next", t);
        free(t);
        cJSON_Delete(p);
    }
    mk_resp_json(resp, 200, doc);
out:
    cJSON_Delete(payload);
    cJSON_Delete(body);
    return MK_DONE;
}

int mm_h_byo_delete(struct mk_request *req, struct mk_response *resp)
{
    struct mm_state *st = req->svc->data;
    struct mm_ctx ctx;
    cJSON *body, *items, *it, *doc, *fail, *data, *b, *batches;
    int deleted = 0;

    if (byo_gate(st, req, resp, MM_PERM_BYO_DL, &ctx) == MK_DONE ||
        (body = mm_body(req, resp)) == NULL)
        return MK_DONE;
    items = cJSON_GetObjectItemCaseSensitive(body, "data");
    if (cJSON_GetArraySize(items) == 0) {
        mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, NULL,
                "data must list the batches to delete: [{\"id\": \"...\"}]");
        goto out;
    }
    batches = cJSON_GetObjectItemCaseSensitive(ctx.acct->doc, "byo_batches");
    doc = mm_envelope(NULL);
    data = cJSON_GetObjectItemCaseSensitive(doc, "data");
    fail = cJSON_GetObjectItemCaseSensitive(doc, "fail");
    cJSON_ArrayForEach(it, items)
    {
        const char *id = cm_json_str(it, "id", "");
        cJSON *o;
        b = NULL;
        cJSON_ArrayForEach(o, batches)
        {
            if (*id && strcmp(cm_json_str(o, "id", ""), id) == 0)
                b = o;
        }
        if (b == NULL) {
            cJSON_AddItemToArray(
                fail, mm_fail_item(it, "err_byo_batch_not_found", "No batch with this id", 0));
            continue;
        }
        cJSON_Delete(cJSON_DetachItemViaPointer(batches, b));
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", id);
        cJSON_AddBoolToObject(o, "success", 1);
        cJSON_AddItemToArray(data, o);
        deleted++;
    }
    mk_resp_json(resp, 200, doc);
    mk_req_detail(req, "%d batches deleted", deleted);
out:
    cJSON_Delete(body);
    return MK_DONE;
}

int mm_h_byo_quota(struct mk_request *req, struct mk_response *resp)
{
    struct mm_state *st = req->svc->data;
    struct mm_ctx ctx;
    cJSON *data, *o;
    int64_t quota, used;

    if (byo_gate(st, req, resp, MM_PERM_BYO_RD, &ctx) == MK_DONE)
        return MK_DONE;
    quota = (int64_t)cm_json_num(ctx.acct->doc, "byo_quota", 0);
    used = quota_used(ctx.acct);
    data = cJSON_CreateArray();
    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "quota", (double)quota);
    cJSON_AddNumberToObject(o, "used", (double)used);
    cJSON_AddNumberToObject(o, "remaining", (double)(quota > used ? quota - used : 0));
    cJSON_AddItemToArray(data, o);
    mk_resp_json(resp, 200, mm_envelope(data));
    return MK_DONE;
}
