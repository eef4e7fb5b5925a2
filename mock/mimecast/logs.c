/*
 * logs.c: POST /api/ttp/url/get-logs, /api/ttp/impersonation/get-logs and
 * /api/ttp/attachment/get-logs (vendor notes 5), the same in API 1.0 and 2.0.
 *
 * A first page reads its filters from data[0]: oldestFirst, from, to (any of
 * "+0000", "Z", "+00:00" or no zone), route and scanResult (URL), route and
 * result (attachment), taggedMalicious, searchField + query, identifiers and
 * actions (impersonation). from defaults to the start of the current UTC day
 * and to to now; to is clamped to now, so records "in the future" of a
 * generator are not there yet. The window is then fixed in the page token,
 * which holds the whole query: the token alone resumes it (a body with data and
 * a token follows the token). An empty pageToken means the first page.
 *
 * Pages: meta.pagination.pageSize asks for a size (default settings.page_size,
 * larger values are cut to settings.page_size_max); the answer's pageSize is
 * the number of records in the page, `next` is present only when another
 * matching record exists and `previous` only when one precedes the page.
 *
 * Enhanced Logging: a record whose route (impersonation: inbound) has Enhanced
 * Logging off in the account is not logged, so it is not returned; the
 * journal verdict of such an answer is "enhanced_logging_off".
 */
#include "mock/mimecast/mm.h"

#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_LIST 8

struct query {
    enum mm_log_kind kind;
    int64_t from, to;
    int oldest;
    int page_size;
    int routes;      /* MM_ROUTE_* bits; 0 = all */
    char result[16]; /* "" = all */
    int tagged;      /* -1 any, 0, 1 */
    char field[20];  /* impersonation searchField; "" = none */
    char text[257];  /* query */
    char ids[MAX_LIST][40];
    int nids;
    char actions[MAX_LIST][40];
    int nactions;
};

static const char *const list_keys[] = {"clickLogs", "impersonationLogs", "attachmentLogs"};
static const char *const perms[] = {MM_PERM_URL, MM_PERM_IMP, MM_PERM_ATT};
static const char *const identifiers[] = {"newly_observed_domain",
                                          "internal_user_name",
                                          "reply_address_mismatch",
                                          "targeted_threat_dictionary",
                                          "similar_internal_domain",
                                          "custom_external_domain",
                                          "mimecast_external_domain",
                                          "advanced_similar_internal_domain",
                                          "advanced_custom_external_domain",
                                          "advanced_mimecast_external_domain",
                                          "custom_name_list",
                                          NULL};

static int in_list(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(*list, v) == 0)
            return 1;
    return 0;
}

static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    if (hay == NULL)
        return 0;
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return n == 0;
}

/* ---- reading the query from data[0] ---- */

static int bool_of(const cJSON *v, int *out)
{
    if (cJSON_IsBool(v)) {
        *out = cJSON_IsTrue(v);
        return 0;
    }
    if (cJSON_IsString(v) &&
        (strcasecmp(v->valuestring, "true") == 0 || strcasecmp(v->valuestring, "false") == 0)) {
        *out = strcasecmp(v->valuestring, "true") == 0;
        return 0;
    }
    return -1;
}

/* Fills q from item; -1, or answers 400 naming the field and returns MK_DONE. */
static int read_query(struct mk_request *req, struct mk_response *resp, const cJSON *item,
                      struct query *q)
{
    static const char *const routes[] = {"inbound", "outbound", "internal", "all", NULL};
    static const char *const url_results[] = {"clean", "malicious", "all", NULL};
    static const char *const att_results[] = {"all",     "malicious", "clean", "safe",
                                              "unknown", "timeout",   NULL};
    static const char *const fields[] = {
        "senderAddress", "recipientAddress", "subject", "policy", "all", NULL};
    const cJSON *v, *e;
    const char *s;
    int64_t day = req->now_ms - ((req->now_ms % 86400000) + 86400000) % 86400000;
    const char *rkey = q->kind == MM_LOG_URL ? "scanResult" : "result";

    q->from = day;
    q->to = req->now_ms;
    q->oldest = 0;
    q->tagged = -1;
    v = cJSON_GetObjectItemCaseSensitive(item, "oldestFirst");
    if (v && !cJSON_IsNull(v) && bool_of(v, &q->oldest) != 0)
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                       "oldestFirst must be true or false");
    if ((s = cm_json_str(item, "from", NULL)) && mm_iso_parse(s, &q->from) != 0)
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                       "from '%.64s' is not a date such as 2015-11-16T14:49:18+0000", s);
    if ((s = cm_json_str(item, "to", NULL)) && mm_iso_parse(s, &q->to) != 0)
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                       "to '%.64s' is not a date such as 2015-11-16T14:49:18+0000", s);
    if (((v = cJSON_GetObjectItemCaseSensitive(item, "from")) && !cJSON_IsString(v)) ||
        ((v = cJSON_GetObjectItemCaseSensitive(item, "to")) && !cJSON_IsString(v)))
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                       "from and to must be date strings such as 2015-11-16T14:49:18+0000");
    if (q->to > req->now_ms)
        q->to = req->now_ms;
    if (q->kind != MM_LOG_IMP) {
        s = cm_json_str(item, "route", "all");
        if (!in_list(s, routes) ||
            (cJSON_GetObjectItemCaseSensitive(item, "route") &&
             !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(item, "route"))))
            return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                           "route must be one of inbound, outbound, internal, all");
        q->routes = strcmp(s, "inbound") == 0    ? MM_ROUTE_INBOUND
                    : strcmp(s, "outbound") == 0 ? MM_ROUTE_OUTBOUND
                    : strcmp(s, "internal") == 0 ? MM_ROUTE_INTERNAL
                                                 : 0;
        v = cJSON_GetObjectItemCaseSensitive(item, rkey);
        s = cm_json_str(item, rkey, "all");
        if ((v && !cJSON_IsString(v)) ||
            !in_list(s, q->kind == MM_LOG_URL ? url_results : att_results))
            return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                           q->kind == MM_LOG_URL
                               ? "scanResult must be one of clean, malicious, all"
                               : "result must be one of all, malicious, clean, safe, unknown, "
                                 "timeout");
        cm_strlcpy(q->result, strcmp(s, "all") == 0 ? "" : s, sizeof(q->result));
        return -1;
    }
    v = cJSON_GetObjectItemCaseSensitive(item, "taggedMalicious");
    if (v && !cJSON_IsNull(v) && bool_of(v, &q->tagged) != 0)
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                       "taggedMalicious must be true or false (omit it for no filter)");
    v = cJSON_GetObjectItemCaseSensitive(item, "searchField");
    s = cm_json_str(item, "query", NULL);
    if ((v && (!cJSON_IsString(v) || !in_list(v->valuestring, fields))))
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                       "searchField must be one of senderAddress, recipientAddress, subject, "
                       "policy, all");
    if (v && (s == NULL || *s == '\0'))
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                       "query is required when searchField is set");
    if (s && strlen(s) >= sizeof(q->text))
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                       "query is longer than 256 characters");
    if (s && *s) {
        cm_strlcpy(q->field, v ? v->valuestring : "all", sizeof(q->field));
        cm_strlcpy(q->text, s, sizeof(q->text));
    }
    v = cJSON_GetObjectItemCaseSensitive(item, "identifiers");
    if (v && (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > MAX_LIST))
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                       "identifiers must be a list of at most 8 identifiers");
    cJSON_ArrayForEach(e, v)
    {
        if (!cJSON_IsString(e) || !in_list(e->valuestring, identifiers))
            return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                           "identifiers: '%.40s' is not one of newly_observed_domain, "
                           "internal_user_name, reply_address_mismatch, "
                           "targeted_threat_dictionary, similar_internal_domain, ...",
                           cJSON_IsString(e) ? e->valuestring : "(not a string)");
        cm_strlcpy(q->ids[q->nids++], e->valuestring, sizeof(q->ids[0]));
    }
    v = cJSON_GetObjectItemCaseSensitive(item, "actions");
    if (v && (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > MAX_LIST))
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                       "actions must be a list of at most 8 actions such as hold, bounce, none");
    cJSON_ArrayForEach(e, v)
    {
        if (!cJSON_IsString(e) || strlen(e->valuestring) >= sizeof(q->actions[0]))
            return mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                           "actions must be strings such as hold, bounce, none");
        cm_strlcpy(q->actions[q->nactions++], e->valuestring, sizeof(q->actions[0]));
    }
    return -1;
}

/* ---- the query in a token and back ---- */

static cJSON *query_json(const struct query *q, const char *acct, int64_t pos)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    int i;

    cJSON_AddStringToObject(o, "k", mm_log_kind_name(q->kind));
    cJSON_AddStringToObject(o, "a", acct);
    cJSON_AddNumberToObject(o, "f", (double)q->from);
    cJSON_AddNumberToObject(o, "t", (double)q->to);
    cJSON_AddBoolToObject(o, "o", q->oldest);
    cJSON_AddNumberToObject(o, "s", q->page_size);
    cJSON_AddNumberToObject(o, "p", (double)pos);
    if (q->routes)
        cJSON_AddNumberToObject(o, "r", q->routes);
    if (q->result[0])
        cJSON_AddStringToObject(o, "x", q->result);
    if (q->tagged >= 0)
        cJSON_AddNumberToObject(o, "m", q->tagged);
    if (q->field[0]) {
        cJSON_AddStringToObject(o, "sf", q->field);
        cJSON_AddStringToObject(o, "q", q->text);
    }
    if (q->nids) {
        arr = cJSON_AddArrayToObject(o, "id");
        for (i = 0; i < q->nids; i++)
            cJSON_AddItemToArray(arr, cJSON_CreateString(q->ids[i]));
    }
    if (q->nactions) {
        arr = cJSON_AddArrayToObject(o, "ac");
        for (i = 0; i < q->nactions; i++)
            cJSON_AddItemToArray(arr, cJSON_CreateString(q->actions[i]));
    }
    return o;
}

/* The sealed token of the query at pos; caller frees. */
static char *page_token(const struct mm_state *st, const struct query *q, const char *acct,
                        int64_t pos)
{
    cJSON *p = query_json(q, acct, pos);
    char *t = mm_token_seal(st, p);

    cJSON_Delete(p);
    return t;
}

/* Reads a token's payload into q and *pos; 0, or -1 when it does not fit this call. */
static int query_of(const cJSON *p, enum mm_log_kind kind, const char *acct, struct query *q,
                    int64_t *pos)
{
    const cJSON *e;

    if (strcmp(cm_json_str(p, "k", ""), mm_log_kind_name(kind)) != 0 ||
        strcmp(cm_json_str(p, "a", ""), acct) != 0)
        return -1;
    q->kind = kind;
    q->from = mm_token_int(p, "f", -MM_TOKEN_TIME_MAX, MM_TOKEN_TIME_MAX, 0);
    q->to = mm_token_int(p, "t", -MM_TOKEN_TIME_MAX, MM_TOKEN_TIME_MAX, 0);
    q->oldest = cm_json_bool(p, "o", 0);
    q->page_size = (int)mm_token_int(p, "s", 0, INT32_MAX, 100);
    *pos = mm_token_int(p, "p", -1, INT64_MAX / 2, -1); /* pos +- 1 stays in range */
    q->routes = (int)mm_token_int(p, "r", 0, INT32_MAX, 0);
    cm_strlcpy(q->result, cm_json_str(p, "x", ""), sizeof(q->result));
    q->tagged = (int)mm_token_int(p, "m", -1, 1, -1);
    cm_strlcpy(q->field, cm_json_str(p, "sf", ""), sizeof(q->field));
    cm_strlcpy(q->text, cm_json_str(p, "q", ""), sizeof(q->text));
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(p, "id"))
    {
        if (q->nids < MAX_LIST && cJSON_IsString(e))
            cm_strlcpy(q->ids[q->nids++], e->valuestring, sizeof(q->ids[0]));
    }
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(p, "ac"))
    {
        if (q->nactions < MAX_LIST && cJSON_IsString(e))
            cm_strlcpy(q->actions[q->nactions++], e->valuestring, sizeof(q->actions[0]));
    }
    return q->page_size > 0 ? 0 : -1;
}

/* ---- matching and scanning ---- */

static int matches(const struct query *q, const struct mm_logattr *a)
{
    int i, j, hit;

    if (q->routes && !(a->route & q->routes))
        return 0;
    if (q->result[0] && (a->result == NULL || strcmp(a->result, q->result) != 0))
        return 0;
    if (q->tagged >= 0 && a->tagged_malicious != q->tagged)
        return 0;
    if (q->field[0]) {
        const char *f = q->field;
        hit = 0;
        if (strcmp(f, "senderAddress") == 0 || strcmp(f, "all") == 0)
            hit |= contains_nocase(a->sender, q->text);
        if (strcmp(f, "recipientAddress") == 0 || strcmp(f, "all") == 0)
            hit |= contains_nocase(a->recipient, q->text);
        if (strcmp(f, "subject") == 0 || strcmp(f, "all") == 0)
            hit |= contains_nocase(a->subject, q->text);
        if (strcmp(f, "policy") == 0 || strcmp(f, "all") == 0)
            hit |= contains_nocase(a->policy, q->text);
        if (!hit)
            return 0;
    }
    if (q->nids) {
        hit = 0;
        for (i = 0; i < q->nids; i++)
            for (j = 0; j < a->nidentifiers; j++)
                hit |= strcmp(q->ids[i], a->identifiers[j]) == 0;
        if (!hit)
            return 0;
    }
    if (q->nactions) {
        hit = 0;
        for (i = 0; i < q->nactions; i++)
            hit |= a->action && strcasecmp(q->actions[i], a->action) == 0;
        if (!hit)
            return 0;
    }
    return 1;
}

struct scan {
    const struct mm_logsrc *src;
    const struct query *q;
    int logging; /* MM_ROUTE_* bits with Enhanced Logging on */
    int64_t lo, hi;
    int64_t hidden; /* matching records not logged */
};

/* Walks from pos in direction dir (+1/-1) within [lo, hi); stores up to max matching
 * indexes in out (may be NULL) and returns how many it found. */
static int64_t walk(struct scan *s, int64_t pos, int dir, int64_t max, int64_t *out)
{
    struct mm_logattr a;
    struct mm_logattr_buf buf;
    int64_t found = 0;

    for (; pos >= s->lo && pos < s->hi && found < max; pos += dir) {
        mm_logsrc_attr(s->src, pos, &a, &buf);
        if (!matches(s->q, &a))
            continue;
        if (!(a.route & s->logging)) {
            s->hidden++;
            continue;
        }
        if (out)
            out[found] = pos;
        found++;
    }
    return found;
}

static int get_logs(struct mk_request *req, struct mk_response *resp, enum mm_log_kind kind)
{
    struct mm_state *st = req->svc->data;
    const char *acct, *tok;
    struct mm_ctx ctx;
    struct query q;
    struct scan sc;
    cJSON *body, *item, *pag, *payload = NULL, *elo;
    const cJSON *ps;
    int64_t pos = -1, n, i, *idx = NULL, nextpos[1];
    int dir, requested = 0;
    char *next = NULL, *previous = NULL;
    struct cm_buf *w;

    if (mm_gate(st, req, resp, perms[kind], &ctx) == MK_DONE || (body = mm_body(req, resp)) == NULL)
        return MK_DONE;
    item = mm_body_item(body);
    pag = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(body, "meta"),
                                           "pagination");
    acct = cm_json_str(ctx.acct->doc, "code", "");
    memset(&q, 0, sizeof(q));
    q.kind = kind;
    ps = cJSON_GetObjectItemCaseSensitive(pag, "pageSize");
    if (ps && !cJSON_IsNull(ps)) {
        if (!cJSON_IsNumber(ps) || ps->valuedouble < 1 || ps->valuedouble > 1e9 ||
            ps->valuedouble != (double)(int)ps->valuedouble) {
            mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                    "meta.pagination.pageSize must be a positive integer");
            goto out;
        }
        requested = (int)ps->valuedouble;
    }
    tok = cm_json_str(pag, "pageToken", NULL);
    if (cJSON_GetObjectItemCaseSensitive(pag, "pageToken") && tok == NULL &&
        !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(pag, "pageToken"))) {
        mm_fail(req, resp, MM_API1, MM_E_INVALID_PAGE_TOKEN, item,
                "meta.pagination.pageToken must be a string");
        goto out;
    }
    if (tok && *tok) {
        payload = mm_token_open(st, tok);
        if (payload == NULL || query_of(payload, kind, acct, &q, &pos) != 0) {
            mm_fail(req, resp, MM_API1, MM_E_INVALID_PAGE_TOKEN, item,
                    "The pageToken is not valid for this endpoint: send the exact 'next' or "
                    "'previous' value of an earlier answer, or an empty pageToken for the first "
                    "page");
            goto out;
        }
    } else if (read_query(req, resp, item, &q) != -1) {
        goto out;
    }
    if (requested)
        q.page_size = requested;
    else if (q.page_size == 0)
        q.page_size = st->set.page_size;
    if (q.page_size > st->set.page_size_max)
        q.page_size = st->set.page_size_max;

    memset(&sc, 0, sizeof(sc));
    sc.src = &ctx.acct->logs[kind];
    sc.q = &q;
    elo = cJSON_GetObjectItemCaseSensitive(ctx.acct->doc, "enhanced_logging");
    sc.logging = (cm_json_bool(elo, "inbound", 0) ? MM_ROUTE_INBOUND : 0) |
                 (cm_json_bool(elo, "outbound", 0) ? MM_ROUTE_OUTBOUND : 0) |
                 (cm_json_bool(elo, "internal", 0) ? MM_ROUTE_INTERNAL : 0);
    sc.lo = q.from <= q.to ? mm_logsrc_lower(sc.src, q.from) : 0;
    sc.hi = q.from <= q.to ? mm_logsrc_upper(sc.src, q.to) : 0;
    dir = q.oldest ? 1 : -1;
    if (pos < 0 || payload == NULL)
        pos = q.oldest ? sc.lo : sc.hi - 1;

    idx = cm_calloc((size_t)q.page_size + 1, sizeof(*idx));
    n = walk(&sc, pos, dir, q.page_size, idx);
    if (walk(&sc, n ? idx[n - 1] + dir : pos, dir, 1, nextpos) == 1)
        next = page_token(st, &q, acct, nextpos[0]);
    if (payload) {
        /* the previous page starts page_size matches before this one */
        int64_t *back = cm_calloc((size_t)q.page_size + 1, sizeof(*back));
        int64_t nb = walk(&sc, pos - dir, -dir, q.page_size, back);
        if (nb > 0)
            previous = page_token(st, &q, acct, back[nb - 1]);
        free(back);
    }

    /* written straight into the body, the bytes mk_resp_json() gave for the tree of
     * mm_envelope() with meta.pagination and data[0] = {list: [records], resultCount} */
    w = mk_resp_json_begin(resp, 200);
    cm_buf_printf(w, "{\"meta\":{\"status\":200,\"pagination\":{\"pageSize\":%lld", (long long)n);
    if (next) {
        cm_buf_puts(w, ",\"next\":");
        mk_json_put_string(w, next);
    }
    if (previous) {
        cm_buf_puts(w, ",\"previous\":");
        mk_json_put_string(w, previous);
    }
    cm_buf_printf(w, "}},\"data\":[{\"%s\":[", list_keys[kind]);
    for (i = 0; i < n; i++) {
        if (i)
            cm_buf_putc(w, ',');
        mm_logsrc_write(sc.src, idx[i], w);
    }
    cm_buf_putc(w, ']');
    if (kind == MM_LOG_IMP)
        cm_buf_printf(w, ",\"resultCount\":%lld", (long long)n);
    cm_buf_puts(w, "}],\"fail\":[]}");
    if (sc.hidden)
        mk_req_verdict(req, "enhanced_logging_off");
    mk_req_detail(req, "%s: %lld records%s%s", acct, (long long)n,
                  sc.hidden ? ", some not logged: Enhanced Logging is off" : "",
                  payload ? " (page token)" : "");
out:
    free(next);
    free(previous);
    free(idx);
    cJSON_Delete(payload);
    cJSON_Delete(body);
    return MK_DONE;
}

int mm_h_url_logs(struct mk_request *req, struct mk_response *resp)
{
    return get_logs(req, resp, MM_LOG_URL);
}

int mm_h_imp_logs(struct mk_request *req, struct mk_response *resp)
{
    return get_logs(req, resp, MM_LOG_IMP);
}

int mm_h_att_logs(struct mk_request *req, struct mk_response *resp)
{
    return get_logs(req, resp, MM_LOG_ATT);
}
