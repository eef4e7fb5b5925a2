/*
 * dataexport.c: GET /api/v2/events/dataexport/alerts/{malware,malsite}, the
 * REST v2 iterators Cloud Exchange pulls alerts (and their file hashes) from.
 *
 * A client names an iterator with `index` and moves it with `operation`:
 *
 *   <epoch>   position at that time (epoch seconds) and read the first page from there
 *   head      position at the oldest alert and read the first page
 *   tail      position after the newest alert now visible; the page is empty
 *   next      read the page after the previous one (a new index starts at the tail, or
 *             at the head with settings.new_index = "head")
 *   resend    read the previous page again; the position does not move
 *
 * Each (index, feed) keeps its own position, as a key (timestamp, _id) in the
 * feed's order, so alerts added to the state later slot in without
 * disturbing it. Only alerts whose timestamp is not after the virtual clock
 * are visible: advancing the clock makes seeded alerts "arrive". A page holds
 * up to settings.page_size records; wait_time is 0 when more are ready and
 * settings.wait_time otherwise; timestamp_hwm is the last record's time when
 * more are ready and the virtual time otherwise.
 *
 * Auth: the V2 token in `Netskope-Api-Token` (or `Authorization: Bearer`);
 * v2_scopes, when set, lists the endpoints it may call. Each endpoint has its
 * own rate window (4 requests a second by default), told in RateLimit-*
 * headers on every answer, with Retry-After on a 429.
 */
#include "mock/netskope/ns.h"

#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PREFIX "/api/v2/events/dataexport/alerts/"

void ns_v2_error(struct mk_response *resp, int status, const char *message)
{
    cJSON *doc = cJSON_CreateObject();

    cJSON_AddStringToObject(doc, "message", message);
    mk_resp_json(resp, status, doc);
}

static void fail(struct mk_request *req, struct mk_response *resp, int status, const char *verdict,
                 const char *message)
{
    mk_req_verdict(req, verdict);
    ns_v2_error(resp, status, message);
}

/* <0, 0, >0 as record a (ts, id) is before, at, after key k. */
static int cmp_key(int64_t ts, const char *id, const struct ns_key *k)
{
    if (ts != k->ts)
        return ts < k->ts ? -1 : 1;
    return strcmp(id, k->id);
}

/* The first record of f after key k. */
static size_t first_after(const struct ns_feed *f, const struct ns_key *k)
{
    size_t lo = 0, hi = f->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_key(f->sorted[mid].ts, f->sorted[mid].id, k) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Epoch seconds of a virtual time, rounded down. */
static int64_t secs(int64_t ms)
{
    return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

static int visible(const struct ns_alert *a, int64_t now_ms)
{
    return a->ts <= secs(now_ms);
}

static void set_key(struct ns_key *k, int64_t ts, const char *id)
{
    k->ts = ts;
    cm_strlcpy(k->id, id, sizeof(k->id));
}

/* Parses an epoch operation: digits only, at most 12 of them. */
static int epoch_op(const char *op, int64_t *out)
{
    size_t n = strlen(op), i;

    if (n == 0 || n > 12)
        return 0;
    for (i = 0; i < n; i++)
        if (op[i] < '0' || op[i] > '9')
            return 0;
    *out = strtoll(op, NULL, 10);
    return 1;
}

static int authorized(struct mk_request *req, struct mk_response *resp, struct ns_tenant *t)
{
    const char *token = mk_req_header(req, "Netskope-Api-Token");
    const char *auth = mk_req_header(req, "Authorization");
    const cJSON *scope;

    if ((token == NULL || *token == '\0') && auth && strncasecmp(auth, "Bearer ", 7) == 0)
        token = auth + 7;
    if (token == NULL || *token == '\0') {
        mk_req_detail(req, "neither Netskope-Api-Token nor Authorization: Bearer");
        fail(req, resp, 401, "missing_token",
             "API token not passed: send it in the Netskope-Api-Token header");
        return 0;
    }
    if (t->v2_token == NULL || strcmp(token, t->v2_token) != 0) {
        mk_req_detail(req, "%s",
                      t->v1_token && strcmp(token, t->v1_token) == 0
                          ? "the V1 token was sent to a V2 endpoint"
                          : "not the tenant's V2 token");
        fail(req, resp, 401, "invalid_token", "Invalid API token");
        return 0;
    }
    if (t->v2_scopes == NULL)
        return 1;
    cJSON_ArrayForEach(scope, t->v2_scopes)
    {
        if (mk_path_match(scope->valuestring, req->path))
            return 1;
    }
    mk_req_detail(req, "the V2 token's scopes do not include %.90s", req->path);
    fail(req, resp, 403, "insufficient_scope",
         "The API token does not have the scope required for this endpoint");
    return 0;
}

static int rate_ok(struct mk_request *req, struct mk_response *resp, struct ns_tenant *t,
                   enum ns_feed_type type)
{
    struct ns_rate_info info;
    int ok = ns_rate_take(&t->export_rate[type], &t->set.export_rate, req->now_ms, &info);

    if (info.limit > 0) {
        mk_resp_headerf(resp, "RateLimit-Limit", "%d", info.limit);
        mk_resp_headerf(resp, "RateLimit-Remaining", "%d", info.remaining);
        mk_resp_headerf(resp, "RateLimit-Reset", "%lld", (long long)info.reset_s);
    }
    if (ok)
        return 1;
    mk_resp_headerf(resp, "Retry-After", "%lld", (long long)info.reset_s);
    mk_req_detail(req, "more than %d requests in %lld ms on %s", info.limit,
                  (long long)t->set.export_rate.window_ms, ns_feed_name(type));
    fail(req, resp, 429, "rate_limited", "API rate limit exceeded");
    return 0;
}

int ns_export_alerts(struct mk_request *req, struct mk_response *resp)
{
    struct ns_tenant *t = req->svc->data;
    const char *type_name = req->path + strlen(PREFIX), *index, *op;
    enum ns_feed_type type = ns_feed_type_of(type_name);
    const struct ns_feed *f;
    struct ns_iter *it;
    struct ns_key from, to, *stop = NULL;
    size_t i, n = 0;
    int64_t epoch = 0, now_s = secs(req->now_ms), hwm;
    int more, resend = 0;
    cJSON *doc, *result;
    char msg[300];

    if (strncmp(req->path, PREFIX, strlen(PREFIX)) != 0 || type == NS_NFEEDS) {
        snprintf(msg, sizeof(msg), "alert type '%.60s' is not served (malware, malsite)",
                 type_name);
        fail(req, resp, 404, "unknown_alert_type", msg);
        return MK_DONE;
    }
    if (!authorized(req, resp, t) || !rate_ok(req, resp, t, type))
        return MK_DONE;
    index = mk_req_query(req, "index");
    op = mk_req_query(req, "operation");
    if (index == NULL || *index == '\0' || !ns_index_valid(index)) {
        snprintf(msg, sizeof(msg),
                 "index %s: pass an iterator name of 1 to %d letters, digits, '_', '-' or '.'",
                 index && *index ? "is invalid" : "not passed", NS_INDEX_MAX);
        fail(req, resp, 400, index && *index ? "invalid_index" : "missing_index", msg);
        return MK_DONE;
    }
    if (op == NULL || *op == '\0' ||
        (strcmp(op, "next") && strcmp(op, "head") && strcmp(op, "tail") && strcmp(op, "resend") &&
         !epoch_op(op, &epoch))) {
        snprintf(msg, sizeof(msg),
                 "operation %s%.40s%s: use next, head, tail, resend or an epoch timestamp in "
                 "seconds",
                 op && *op ? "'" : "not passed", op && *op ? op : "",
                 op && *op ? "' is invalid" : "");
        fail(req, resp, 400, "invalid_operation", msg);
        return MK_DONE;
    }
    it = ns_iter_find(t, index, type, 0);
    if (it == NULL) {
        it = ns_iter_find(t, index, type, 1);
        if (it == NULL) {
            fail(req, resp, 400, "too_many_iterators",
                 "too many iterators on this tenant: reuse an index name");
            return MK_DONE;
        }
        if (!t->set.new_index_head)
            set_key(&it->cursor, now_s + 1, "");
    }
    f = &t->feeds[type];
    if (strcmp(op, "resend") == 0 && it->has_page) {
        from = it->page_from;
        to = it->page_to;
        stop = &to;
        resend = 1;
    } else if (strcmp(op, "head") == 0) {
        set_key(&from, -1, "");
    } else if (strcmp(op, "tail") == 0) {
        set_key(&from, now_s + 1, "");
    } else if (strcmp(op, "next") == 0 || strcmp(op, "resend") == 0) {
        from = it->cursor;
    } else {
        set_key(&from, epoch, "");
    }

    doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "ok", 1);
    result = cJSON_AddArrayToObject(doc, "result");
    to = resend ? to : from;
    for (i = first_after(f, &from); i < f->n && visible(&f->sorted[i], req->now_ms); i++) {
        if (stop ? cmp_key(f->sorted[i].ts, f->sorted[i].id, stop) > 0 || n >= NS_PAGE_MAX
                 : (int)n >= t->set.page_size)
            break;
        cJSON_AddItemToArray(result, cJSON_Duplicate(f->sorted[i].rec, 1));
        if (!resend)
            set_key(&to, f->sorted[i].ts, f->sorted[i].id);
        n++;
    }
    i = first_after(f, &to);
    more = i < f->n && visible(&f->sorted[i], req->now_ms);
    hwm = more && n ? to.ts : now_s;
    cJSON_AddNumberToObject(doc, "wait_time", more ? 0 : t->set.wait_time);
    cJSON_AddNumberToObject(doc, "timestamp_hwm", (double)hwm);
    if (!resend) {
        it->page_from = from;
        it->page_to = to;
        it->page_n = (int)n;
        it->has_page = 1;
        it->cursor = to;
    }
    mk_req_detail(req, "index '%.60s' %s %.20s: %zu record(s), hwm %lld%s", index,
                  ns_feed_name(type), op, n, (long long)hwm, more ? ", more ready" : "");
    mk_resp_json(resp, 200, doc);
    return MK_DONE;
}
