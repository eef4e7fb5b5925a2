/*
 * cte_mimecast.c: the Mimecast side of `secmock client cte`, as the CTE
 * Mimecast plugin does it (../shared/vendor/netskope.md 1.5 to 1.10,
 * mimecast.md 8): get-account for the credentials and the BYO package,
 * get-feed (pipe-separated CSV, continued by the x-mc-threat-feed-next-token
 * header) to pull file hashes, create-batch to push them.
 *
 * Authentication is the Mimecast client's (client/mimecast_api.h,
 * mimecast_proto.h): an rc_mm_session holds the credentials; each try is
 * signed afresh (MC scheme, API 1.0) or carries the API 2.0 bearer token,
 * fetched on first use and again once on a 401. A 429 waits
 * X-RateLimit-Reset / X-Rate-Limit-Reset (ms) on the client clock. The
 * calls are made here rather than with rc_mm_call() because get-feed
 * answers CSV and create-batch's partial failures must be read, not
 * judged whole.
 */
#include "client/cte_run.h"

#include "client/mimecast_proto.h"
#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MM_MAX_PAGES      1000
#define MM_FIND_PAGES     50 /* get-batches pages read looking for a lost batch */
#define MM_FIND_PAGE_SIZE 100

enum mm_auth { MM_AUTH_NONE, MM_AUTH_SESSION };

struct mm_call {
    struct rc_cte_run *run;
    struct rc_cte_mm *m;
    enum mm_auth auth;
    const char *path;
    int retokened, token_wanted;
    int hook_failed;
    char hook_msg[512];
};

static struct rc_cte_mm *mm_of(struct rc_cte_run *run, const struct rc_cte_plugin *p)
{
    return &run->mm[p - run->cfg->plugins];
}

static int fetch_token(struct rc_cte_run *run, struct rc_cte_mm *m, struct cm_err *err);

static int prepare(void *ud, int attempt, struct rc_headers *h, struct cm_err *err)
{
    struct mm_call *c = ud;
    struct rc_mm_session *s = &c->m->s;
    char date[RC_MM_DATE_SIZE], guid[RC_MM_GUID_SIZE], sig[RC_MM_SIG_SIZE], *v;
    int64_t now;
    int rc;

    (void)attempt;
    if (c->auth == MM_AUTH_NONE)
        return 0;
    if ((rc = rc_clock_now(c->run->ctx->clock, &now, err)) != 0)
        return rc;
    if (s->api == RC_MM_API2) {
        if (s->token == NULL || now >= s->token_renew_ms || c->token_wanted) {
            c->token_wanted = 0;
            if ((rc = fetch_token(c->run, c->m, err)) != 0) {
                c->hook_failed = 1;
                return rc;
            }
        }
        v = cm_asprintf("Bearer %s", s->token);
        rc_headers_set(h, "Authorization", v);
        free(v);
        return 0;
    }
    rc_mm_date_rfc1123(now, date);
    rc_mm_guid(guid);
    rc_headers_set(h, "x-mc-date", date);
    rc_headers_set(h, "x-mc-req-id", guid);
    rc_headers_set(h, "x-mc-app-id", s->app_id);
    if (rc_mm_sign(s->secret, s->secret_len, date, guid, c->path, s->app_key, sig) != 0)
        return cm_fail(err, CM_EINVAL, "cannot compute the request signature");
    v = cm_asprintf("MC %s:%s", s->access_key, sig);
    rc_headers_set(h, "Authorization", v);
    free(v);
    return 0;
}

static enum rc_http_verdict decide(void *ud, const struct cm_http_response *resp, int attempt)
{
    struct mm_call *c = ud;

    (void)attempt;
    if (c->auth == MM_AUTH_SESSION && c->m->s.api == RC_MM_API2 && resp->status == 401 &&
        !c->retokened) {
        c->retokened = c->token_wanted = 1;
        return RC_HTTP_RETRY_NOW;
    }
    return RC_HTTP_DEFAULT;
}

static int wait_hook(void *ud, const struct cm_http_response *resp, int64_t now_ms,
                     int64_t *wait_ms)
{
    (void)ud;
    (void)now_ms;
    if (resp->status != 429)
        return CM_ENOENT;
    return rc_mm_rate_limit_wait(resp, wait_ms);
}

/* One POST; 0 when an answer came (any status), else CM_E* with err filled. */
static int mm_do(struct rc_cte_run *run, struct rc_cte_mm *m, enum mm_auth auth, const char *path,
                 const char *ctype, const char *body, int lost_final, struct cm_http_response *resp,
                 struct cm_err *err)
{
    struct mm_call c;
    struct rc_http_hooks hooks = {prepare, decide, wait_hook, NULL};
    struct rc_http_req req = {0};
    char ct[96], *url = cm_asprintf("%s%s", m->s.base_url, path);
    const char *headers[4];
    int rc;

    memset(&c, 0, sizeof(c));
    c.run = run;
    c.m = m;
    c.auth = auth;
    c.path = path;
    hooks.ud = &c;
    snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
    headers[0] = ct;
    headers[1] = "Accept: application/json";
    headers[2] = "User-Agent: netskope-ce-secmock-cte-mimecast";
    headers[3] = NULL;
    req.method = "POST";
    req.url = url;
    req.headers = headers;
    req.body = body;
    req.body_len = strlen(body);
    req.lost_final = lost_final;
    req.hooks = &hooks;
    rc = rc_http_do(run->ctx->http, &req, resp, err);
    free(url);
    return rc;
}

static int fetch_token(struct rc_cte_run *run, struct rc_cte_mm *m, struct cm_err *err)
{
    struct rc_mm_session *s = &m->s;
    struct cm_http_response resp;
    struct cm_buf form;
    cJSON *doc = NULL;
    const char *tok, *code, *message;
    double expires;
    int64_t now;
    int rc;

    cm_buf_init(&form, 0);
    cm_buf_puts(&form, "grant_type=client_credentials&client_id=");
    rc_mm_form_escape(&form, s->client_id);
    cm_buf_puts(&form, "&client_secret=");
    rc_mm_form_escape(&form, s->client_secret);
    cm_http_response_init(&resp);
    rc = mm_do(run, m, MM_AUTH_NONE, "/oauth/token", "application/x-www-form-urlencoded",
               cm_buf_str(&form), 0, &resp, err);
    cm_buf_release(&form);
    if (rc)
        goto out;
    doc = cm_json_parse(resp.body.data, resp.body.len, "answer", NULL);
    tok = cm_json_str(doc, "access_token", "");
    if (resp.status != 200 || !*tok) {
        rc_mm_first_error(doc, &code, &message);
        run->log.last_status = resp.status;
        cm_strlcpy(run->log.last_code, code, sizeof(run->log.last_code));
        rc = cm_fail(err, CM_EAUTH,
                     "Mimecast refused the API 2.0 client credentials (HTTP %ld%s%s%s%s): Bearer "
                     "Token not found in the response. Check the Client ID and Client Secret.",
                     resp.status, *code ? ", " : "", code, *message ? ": " : "", message);
        goto out;
    }
    if ((rc = rc_clock_now(run->ctx->clock, &now, err)) != 0)
        goto out;
    expires = cm_json_num(doc, "expires_in", 1800);
    free(s->token);
    s->token = cm_strdup(tok);
    s->token_count++;
    s->token_renew_ms = now + (int64_t)(expires * 1000) - (expires > 120 ? 60000 : 0);
out:
    cJSON_Delete(doc);
    cm_http_response_release(&resp);
    return rc;
}

static int session(struct rc_cte_run *run, const struct rc_cte_plugin *p, struct rc_cte_mm **out)
{
    struct rc_cte_mm *m = mm_of(run, p);
    struct rc_mm_creds cr;

    *out = m;
    if (m->ready)
        return 0;
    memset(&cr, 0, sizeof(cr));
    cr.api = p->api == 2 ? RC_MM_API2 : RC_MM_API1;
    cr.base_url = p->base_url;
    cr.app_id = p->app_id;
    cr.app_key = p->app_key;
    cr.access_key = p->access_key;
    cr.secret_key = p->secret_key;
    cr.client_id = p->client_id;
    cr.client_secret = p->client_secret;
    m->ready = 1;
    if (rc_mm_session_init(&m->s, run->ctx, &cr, "threat-intel") != 0) {
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1005", m->s.msg, NULL,
                   "Invalid configuration parameters.");
        return CM_EINVAL;
    }
    return 0;
}

/* Logs a failed call in the plugin's words, with the Mimecast client's explanation. */
static void call_error(struct rc_cte_run *run, const struct rc_cte_plugin *p,
                       const struct cm_http_response *resp, const cJSON *doc, const char *doing)
{
    struct rc_mm_explain_in in;
    struct cm_buf b;
    const char *code, *message;

    cm_buf_init(&b, 0);
    memset(&in, 0, sizeof(in));
    in.op = RC_MM_OP_LOGS;
    in.api = p->api == 2 ? RC_MM_API2 : RC_MM_API1;
    in.status = resp->status;
    in.body = doc;
    in.raw = cm_buf_str(&resp->body);
    in.tries = run->ctx->http->last_attempts;
    in.app_id = p->app_id;
    in.base_url = p->base_url;
    rc_mm_explain(&in, &b);
    rc_mm_first_error(doc, &code, &message);
    run->log.last_status = resp->status;
    cm_strlcpy(run->log.last_code, code, sizeof(run->log.last_code));
    if (resp->status == 401)
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1036", cm_buf_str(&b),
                   "Check the Application ID, Application Key, Access Key and Secret Key (or the "
                   "API 2.0 Client ID and Secret) of the plugin configuration.",
                   "Incorrect access key or secret key or application key provided.");
    else if (resp->status == 429)
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1036", cm_buf_str(&b),
                   "Mimecast limits requests per user; the next cycle continues.",
                   "Received exit code 429, API rate limit exceeded while %s. Max retries for "
                   "rate limit handler exceeded hence returning status code 429.",
                   doing);
    else
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1036", cm_buf_str(&b), NULL,
                   "Error occurred while %s (HTTP %ld%s%s).", doing, resp->status,
                   *message ? ": " : "", message);
    cm_buf_release(&b);
}

void rc_cte_mm_unreachable(struct rc_cte_run *run, const struct rc_cte_plugin *p, const char *msg,
                           const char *doing)
{
    run->log.conn_errors++;
    rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1021", msg,
               "Check the Base URL (the region of the account) and that this host can reach it.",
               "Incorrect Mimecast base URL provided. Exception occurred while %s.", doing);
}

/* A call that got no answer; or, rc CM_EAUTH, whose API 2.0 token was refused (the token
 * call's status and code are in the log already). */
static void conn_error(struct rc_cte_run *run, const struct rc_cte_plugin *p,
                       const struct cm_err *err, int rc, const char *doing)
{
    if (rc == CM_EAUTH) {
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1036", err->msg,
                   "Check the Client ID and Client Secret of the plugin configuration (Mimecast: "
                   "Services > API and Platform Integrations > the API 2.0 application).",
                   "Incorrect client ID or client secret provided: no access token while %s.",
                   doing);
        return;
    }
    rc_cte_mm_unreachable(run, p, err->msg, doing);
}

/* A JSON call: 0 and *doc on meta.status 200 without fail; else logs and fails. With
 * keep_fail, a 200 with fail entries is returned too (create-batch reads them); with
 * lost_final, a lost answer fails at once, unlogged, with the HTTP layer's last_lost set. */
static int mm_json(struct rc_cte_run *run, const struct rc_cte_plugin *p, const char *path,
                   const cJSON *body, int keep_fail, int lost_final, cJSON **doc, const char *doing)
{
    struct rc_cte_mm *m;
    struct cm_http_response resp;
    struct cm_err err = {{0}};
    const cJSON *fail;
    char *text;
    int rc;

    *doc = NULL;
    if ((rc = session(run, p, &m)) != 0)
        return rc;
    text = cm_json_print(body);
    cm_http_response_init(&resp);
    rc = mm_do(run, m, MM_AUTH_SESSION, path, "application/json", text, lost_final, &resp, &err);
    free(text);
    if (rc && lost_final && run->ctx->http->last_lost) {
        cm_strlcpy(run->lost_msg, err.msg, sizeof(run->lost_msg));
        rc_cte_log(run, RC_CTE_WARN, p, NULL, err.msg, NULL,
                   "No answer to a request while %s; asking Mimecast whether it was done.", doing);
        goto out;
    }
    if (rc) {
        conn_error(run, p, &err, rc, doing);
        goto out;
    }
    *doc = cm_json_parse(resp.body.data, resp.body.len, "answer", NULL);
    fail = cJSON_GetObjectItemCaseSensitive(*doc, "fail");
    if (keep_fail && cJSON_GetArraySize(fail) > 0)
        goto out; /* the caller reads the failures (create-batch: the quota) */
    if (resp.status != 200 || *doc == NULL ||
        (long)cm_json_num(cJSON_GetObjectItemCaseSensitive(*doc, "meta"), "status", 200) != 200 ||
        (!keep_fail && cJSON_GetArraySize(fail) > 0)) {
        if (resp.status == 200 && *doc == NULL)
            rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1036", cm_buf_str(&resp.body), NULL,
                       "Invalid JSON response received from API while %s.", doing);
        else
            call_error(run, p, &resp, *doc, doing);
        cJSON_Delete(*doc);
        *doc = NULL;
        rc = CM_EPROTO;
    }
out:
    cm_http_response_release(&resp);
    return rc;
}

int rc_cte_mm_account(struct rc_cte_run *run, const struct rc_cte_plugin *p)
{
    struct rc_cte_mm *m = mm_of(run, p);
    cJSON *body = cJSON_CreateObject(), *doc = NULL;
    const cJSON *d0, *pk, *role;
    int rc;

    cJSON_AddArrayToObject(body, "data");
    rc = mm_json(run, p, "/api/account/get-account", body, 0, 0, &doc, "validating credentials");
    cJSON_Delete(body);
    if (rc)
        return rc;
    d0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "data"), 0);
    if (d0 == NULL) {
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1036", NULL, NULL,
                   "Invalid response received from get-account: no account in data.");
        cJSON_Delete(doc);
        return CM_EPROTO;
    }
    m->byo = 0;
    cJSON_ArrayForEach(pk, cJSON_GetObjectItemCaseSensitive(d0, "packages"))
    {
        if (cJSON_IsString(pk) && strcmp(pk->valuestring, RC_CTE_BYO_PACKAGE) == 0)
            m->byo = 1;
    }
    role = cJSON_GetObjectItemCaseSensitive(d0, "role");
    m->byo_upload = role == NULL ? -1 : 0;
    cm_strlcpy(m->role, cm_json_str(role, "name", ""), sizeof(m->role));
    cJSON_ArrayForEach(pk, cJSON_GetObjectItemCaseSensitive(role, "permissions"))
    {
        if (cJSON_IsString(pk) &&
            (strcmp(pk->valuestring, RC_CTE_BYO_UPLOAD) == 0 || strcmp(pk->valuestring, "*") == 0))
            m->byo_upload = 1;
    }
    cJSON_Delete(doc);
    return 0;
}

/* ---- get-feed ---- */

/* Splits line (len bytes) on '|' into at most max cells (pointers into a copy in buf). */
static int split_pipe(char *line, char **cells, int max)
{
    int n = 0;
    char *p = line;

    while (n < max) {
        char *bar = strchr(p, '|');

        cells[n++] = p;
        if (!bar)
            break;
        *bar = '\0';
        p = bar + 1;
    }
    return n;
}

static int column(char **cells, int n, const char *name)
{
    int i;

    for (i = 0; i < n; i++)
        if (strcasecmp(cells[i], name) == 0)
            return i;
    return -1;
}

int rc_cte_mm_parse_csv(const char *csv, size_t len, int types,
                        void (*fn)(void *ud, const char *value, const char *sender,
                                   const char *timestamp),
                        void *ud)
{
    char *text = cm_strndup(csv, len), *line = text, *next, *cells[64];
    int header = 1, n, rows = 0, c_md5 = -1, c_sha = -1, c_from = -1, c_ts = -1;

    for (; line && *line; line = next) {
        size_t l;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        l = strlen(line);
        if (l && line[l - 1] == '\r')
            line[--l] = '\0';
        if (!l)
            continue;
        n = split_pipe(line, cells, 64);
        if (header) {
            header = 0;
            c_md5 = column(cells, n, "MD5");
            c_sha = column(cells, n, "SHA256");
            c_from = column(cells, n, "SenderAddress");
            c_ts = column(cells, n, "Timestamp");
            continue;
        }
        rows++;
        if ((types & RC_CTE_MD5) && c_md5 >= 0 && c_md5 < n && *cells[c_md5] &&
            strcmp(cells[c_md5], "null") != 0)
            fn(ud, cells[c_md5], c_from >= 0 && c_from < n ? cells[c_from] : "",
               c_ts >= 0 && c_ts < n ? cells[c_ts] : "");
        if ((types & RC_CTE_SHA256) && c_sha >= 0 && c_sha < n && *cells[c_sha] &&
            strcmp(cells[c_sha], "null") != 0)
            fn(ud, cells[c_sha], c_from >= 0 && c_from < n ? cells[c_from] : "",
               c_ts >= 0 && c_ts < n ? cells[c_ts] : "");
    }
    free(text);
    return rows;
}

struct feed_ud {
    struct rc_cte_run *run;
    const struct rc_cte_plugin *p;
    cJSON *collect;
    int count, invalid;
};

static void on_hash(void *ud, const char *value, const char *sender, const char *timestamp)
{
    struct feed_ud *f = ud;
    struct rc_cte_report r;
    char *comments = NULL;
    int64_t seen;

    if (!rc_cte_hash_type(value)) {
        f->invalid++;
        return;
    }
    f->count++;
    if (f->collect) {
        char low[80];
        size_t i;

        for (i = 0; value[i] && i + 1 < sizeof(low); i++)
            low[i] = (char)((value[i] >= 'A' && value[i] <= 'F') ? value[i] + 32 : value[i]);
        low[i] = '\0';
        if (!cJSON_GetObjectItemCaseSensitive(f->collect, low))
            cJSON_AddTrueToObject(f->collect, low);
        return;
    }
    if (sender && *sender && strcmp(sender, "null") != 0)
        comments = cm_asprintf("Sent from %s", sender);
    memset(&r, 0, sizeof(r));
    r.source = f->p->name;
    r.value = value;
    r.comments = comments;
    r.age_days = f->p->age_days;
    if (!timestamp ||
        (rc_mm_time_parse(timestamp, &seen) != 0 && cm_time_parse(timestamp, &seen) != 0))
        seen = f->run->now;
    r.seen_ms = seen;
    rc_cte_store_report(f->run->store, &r, f->run->now);
    free(comments);
}

static int pull_feed(struct rc_cte_run *run, const struct rc_cte_plugin *p, const char *feed,
                     int64_t start_ms, struct feed_ud *f)
{
    struct rc_cte_mm *m;
    struct cm_http_response resp;
    struct cm_err err = {{0}};
    char start[RC_MM_TIME_SIZE], token[512] = "", prev[512] = "";
    const char *doing = "pulling file hashes";
    cJSON *body, *d0, *doc;
    char *text;
    int rc, pages;

    if ((rc = session(run, p, &m)) != 0)
        return rc;
    rc_mm_time_format(start_ms, start);
    for (pages = 0; pages < MM_MAX_PAGES; pages++) {
        body = cJSON_CreateObject();
        d0 = cJSON_CreateObject();
        cJSON_AddStringToObject(d0, "fileType", "csv");
        cJSON_AddStringToObject(d0, "start", start);
        cJSON_AddStringToObject(d0, "feedType", feed);
        if (*token)
            cJSON_AddStringToObject(d0, "token", token);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(body, "data"), d0);
        text = cm_json_print(body);
        cJSON_Delete(body);
        cm_http_response_init(&resp);
        rc = mm_do(run, m, MM_AUTH_SESSION, "/api/ttp/threat-intel/get-feed", "application/json",
                   text, 0, &resp, &err);
        free(text);
        if (rc) {
            conn_error(run, p, &err, rc, doing);
            cm_http_response_release(&resp);
            return rc;
        }
        doc = NULL;
        if (resp.body.len && (resp.body.data[0] == '{' || resp.status != 200))
            doc = cm_json_parse(resp.body.data, resp.body.len, "answer", NULL);
        if (resp.status != 200 ||
            cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "fail")) ||
            (doc && (long)cm_json_num(cJSON_GetObjectItemCaseSensitive(doc, "meta"), "status",
                                      200) != 200)) {
            call_error(run, p, &resp, doc, doing);
            cJSON_Delete(doc);
            cm_http_response_release(&resp);
            return CM_EPROTO;
        }
        if (doc == NULL)
            rc_cte_mm_parse_csv(resp.body.data, resp.body.len, p->types, on_hash, f);
        cJSON_Delete(doc);
        snprintf(prev, sizeof(prev), "%s", token);
        if (cm_http_header(&resp, "x-mc-threat-feed-next-token", token, sizeof(token)) != 0)
            token[0] = '\0';
        cm_http_response_release(&resp);
        if (!*token)
            break;
        if (strcmp(token, prev) == 0) {
            rc_cte_log(run, RC_CTE_WARN, p, NULL, NULL, NULL,
                       "The %s feed repeated its continuation token; stopping this pull.", feed);
            break;
        }
    }
    return 0;
}

int rc_cte_mm_pull(struct rc_cte_run *run, const struct rc_cte_plugin *p, int64_t start_ms,
                   cJSON *collect, int *pulled)
{
    struct feed_ud f;
    int rc = 0;

    memset(&f, 0, sizeof(f));
    f.run = run;
    f.p = p;
    f.collect = collect;
    if (p->feed_customer)
        rc = pull_feed(run, p, "malware_customer", start_ms, &f);
    if (rc == 0 && p->feed_grid)
        rc = pull_feed(run, p, "malware_grid", start_ms, &f);
    if (f.invalid)
        rc_cte_log(run, RC_CTE_INFO, p, NULL, NULL, NULL,
                   "Skipped %d invalid file hash(es) of the feed.", f.invalid);
    *pulled = f.count;
    return rc;
}

/* ---- create-batch ---- */

const char *rc_cte_mm_description(const char *comments)
{
    return comments && strlen(comments) <= RC_CTE_MM_DESC_MAX ? comments : "";
}

int rc_cte_mm_push_batch(struct rc_cte_run *run, const struct rc_cte_plugin *p, enum rc_cte_op op,
                         const char *const *values, const char *const *descriptions, size_t n,
                         struct rc_cte_mm_batch *out)
{
    cJSON *body = cJSON_CreateObject(), *d0 = cJSON_CreateObject(), *list, *it, *doc = NULL;
    const cJSON *f, *e, *r0;
    struct cm_buf msgs;
    size_t i;
    int rc;

    memset(out, 0, sizeof(*out));
    list = cJSON_AddArrayToObject(d0, "hashList");
    for (i = 0; i < n && i < RC_CTE_MM_BATCH; i++) {
        it = cJSON_CreateObject();
        cJSON_AddStringToObject(it, "hash", values[i]);
        cJSON_AddStringToObject(it, "provider", RC_CTE_MM_PROVIDER);
        cJSON_AddStringToObject(it, "description",
                                rc_cte_mm_description(descriptions ? descriptions[i] : NULL));
        cJSON_AddItemToArray(list, it);
    }
    cJSON_AddStringToObject(d0, "operationType", rc_cte_op_name(op));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(body, "data"), d0);
    rc = mm_json(run, p, "/api/byo-threat-intelligence/create-batch", body, 1, 1, &doc,
                 "pushing file hashes");
    cJSON_Delete(body);
    if (rc) {
        out->lost = run->ctx->http->last_lost;
        cm_strlcpy(out->error, run->lost_msg, sizeof(out->error));
        return rc;
    }
    r0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "data"), 0);
    out->hash_count = (int)cm_json_num(r0, "hashCount", 0);
    cm_strlcpy(out->id, cm_json_str(r0, "batchIdToken", ""), sizeof(out->id));
    cm_buf_init(&msgs, 0);
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(doc, "fail"))
    {
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(f, "errors"))
        {
            const char *m = cm_json_str(e, "message", "");

            if (strstr(m, RC_CTE_QUOTA_MESSAGE))
                out->quota = 1;
            if (msgs.len)
                cm_buf_puts(&msgs, "; ");
            cm_buf_puts(&msgs, m);
        }
    }
    if (out->quota) {
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1036", cm_buf_str(&msgs),
                   "Free quota in the Mimecast account's Bring Your Own Threat Intelligence "
                   "(delete old batches) or ask Mimecast for a larger quota; the hashes not "
                   "shared are sent again next cycle.",
                   "Unable to push indicators to Mimecast: %s. Stopping the push.",
                   RC_CTE_QUOTA_MESSAGE);
        rc = CM_EPROTO;
    } else if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "fail")) > 0) {
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1036", cm_buf_str(&msgs), NULL,
                   "Failed to share %d file hash(es) to Mimecast.",
                   cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "fail")));
        rc = CM_EPROTO;
    }
    cm_buf_release(&msgs);
    cJSON_Delete(doc);
    return rc;
}

/* ---- get-batches ---- */

/* A BYO time ("2026-03-02T09:00:00.000Z[UTC]", the zone name in brackets dropped). */
static int byo_time(const char *s, int64_t *ms)
{
    char t[64];
    size_t i;

    for (i = 0; s[i] && s[i] != '[' && i + 1 < sizeof(t); i++)
        t[i] = s[i];
    t[i] = '\0';
    return rc_mm_time_parse(t, ms);
}

static int has_id(const cJSON *known, const char *id)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, known)
    {
        if (cJSON_IsString(e) && strcmp(e->valuestring, id) == 0)
            return 1;
        if (strcmp(cm_json_str(e, "id", ""), id) == 0)
            return 1;
    }
    return 0;
}

int rc_cte_mm_find_batch(struct rc_cte_run *run, const struct rc_cte_plugin *p, enum rc_cte_op op,
                         size_t n, int64_t since_ms, const cJSON *known, char *id, size_t id_size,
                         int *found)
{
    char token[1024] = "";
    int pages, rc = 0, older = 0;

    *found = 0;
    id[0] = '\0';
    for (pages = 0; pages < MM_FIND_PAGES && !older && !*found; pages++) {
        cJSON *body = cJSON_CreateObject(), *pag, *d0, *doc = NULL;
        const cJSON *b;

        pag = cJSON_AddObjectToObject(cJSON_AddObjectToObject(body, "meta"), "pagination");
        cJSON_AddNumberToObject(pag, "pageSize", MM_FIND_PAGE_SIZE);
        if (*token)
            cJSON_AddStringToObject(pag, "pageToken", token);
        d0 = cJSON_CreateObject();
        cJSON_AddStringToObject(d0, "order", "DESC");
        cJSON_AddStringToObject(d0, "sortBy", "CREATE_TIME");
        cJSON_AddItemToArray(cJSON_AddArrayToObject(body, "data"), d0);
        rc = mm_json(run, p, "/api/byo-threat-intelligence/get-batches", body, 0, 0, &doc,
                     "looking for a batch whose answer was lost");
        cJSON_Delete(body);
        if (rc)
            return rc;
        cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(doc, "data"))
        {
            const char *bid = cm_json_str(b, "id", "");
            int64_t t;

            if (byo_time(cm_json_str(b, "createTime", ""), &t) != 0)
                continue;
            if (t < since_ms - RC_CTE_MM_SKEW_MS) {
                older = 1; /* newest first: the rest is older still */
                break;
            }
            if (strcmp(cm_json_str(b, "operationType", ""), rc_cte_op_name(op)) != 0 ||
                (size_t)cm_json_num(b, "hashCount", -1) != n || !*bid || has_id(known, bid))
                continue;
            *found = 1;
            cm_strlcpy(id, bid, id_size);
            break;
        }
        cm_strlcpy(token,
                   cm_json_str(cJSON_GetObjectItemCaseSensitive(
                                   cJSON_GetObjectItemCaseSensitive(doc, "meta"), "pagination"),
                               "next", ""),
                   sizeof(token));
        cJSON_Delete(doc);
        if (!*token)
            break;
    }
    return 0;
}
