/*
 * cte_netskope.c: the Netskope side of `secmock client cte`: the tenant
 * plugin's malware alert pull through the REST v2 dataexport iterator, the
 * CTE plugin's push of a whole File Profile hash list through REST v1
 * updateFileHashList, and the tenant's token checks
 * (../shared/vendor/netskope.md 2.2 to 2.6).
 *
 * Pull: GET {tenant}/api/v2/events/dataexport/alerts/malware?index=I&
 * operation=OP with the V2 token in Netskope-Api-Token and as a bearer. The
 * first pull of an index gives an epoch (now - Initial Range), later ones
 * "next"; each page is merged and the store saved with the iterator's
 * position, so a run stopped anywhere loses no page: the state marks a page
 * as "pending" before asking for it, and a run that finds the mark asks
 * "resend" first, skipping the alert ids it already merged. Within a run,
 * the retries of a "next" whose answer was lost ask "resend" too.
 *
 * Push: POST {tenant}/api/v1/updateFileHashList with {"name", "list",
 * "token"} (CTE 2.1.1+). The list replaces the profile's, so the caller
 * gives every matching value every cycle; none gives the placeholder.
 * "Duplicate request, no change in file hashes" is a success.
 */
#include "client/cte_run.h"

#include "client/mimecast_proto.h"

#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NS_MAX_PAGES 10000

static char *tenant_base(const struct rc_cte_plugin *p)
{
    size_t n = strlen(p->tenant_url);

    while (n > 0 && p->tenant_url[n - 1] == '/')
        n--;
    return cm_strndup(p->tenant_url, n);
}

/* One request, its retries going to retry_url (NULL: url); 0 and resp filled when an answer
 * came, else logs the failure. */
static int ns_do_retry(struct rc_cte_run *run, const struct rc_cte_plugin *p, const char *method,
                       const char *url, const char *retry_url, const char *const *headers,
                       const char *body, struct cm_http_response *resp, const char *doing)
{
    struct rc_http_req req = {0};
    struct cm_err err = {{0}};
    int rc;

    req.method = method;
    req.url = url;
    req.retry_url = retry_url;
    req.headers = headers;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    rc = rc_http_do(run->ctx->http, &req, resp, &err);
    if (rc) {
        run->log.conn_errors++;
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1021", err.msg,
                   "Check the Tenant URL and that this host can reach the tenant (and trusts its "
                   "certificate).",
                   "Exception occurred while %s.", doing);
    }
    return rc;
}

static int ns_do(struct rc_cte_run *run, const struct rc_cte_plugin *p, const char *method,
                 const char *url, const char *const *headers, const char *body,
                 struct cm_http_response *resp, const char *doing)
{
    return ns_do_retry(run, p, method, url, NULL, headers, body, resp, doing);
}

static const char *first_error(const cJSON *doc, struct cm_buf *b)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "errors"))
    {
        if (!cJSON_IsString(e))
            continue;
        if (b->len)
            cm_buf_puts(b, "; ");
        cm_buf_puts(b, e->valuestring);
    }
    if (!b->len)
        cm_buf_puts(b, cm_json_str(doc, "message", ""));
    return cm_buf_str(b);
}

/* Logs a non-200 answer of a V2 call in CE's words. */
static void v2_status_error(struct rc_cte_run *run, const struct rc_cte_plugin *p,
                            const struct cm_http_response *resp, const char *doing)
{
    const char *body = cm_buf_str(&resp->body);

    run->log.last_status = resp->status;
    if (resp->status == 401)
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1035", body,
                   "Check the V2 API Token of the tenant (Settings > Tenants in Cloud Exchange; "
                   "Settings > Tools > REST API v2 in the Netskope UI) and the Tenant URL.",
                   "Incorrect tenant URL/API token provided.");
    else if (resp->status == 403)
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1035", body,
                   "In the Netskope UI (Settings > Tools > REST API v2), give the token Read "
                   "access to /api/v2/events/dataexport/alerts/malware.",
                   "The Netskope tenant V2 API Token does not have the necessary permissions "
                   "configured. Make sure the token has access to the dataexport alert "
                   "endpoints.");
    else if (resp->status == 429)
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1036", body,
                   "The tenant allows 4 requests per second per iterator endpoint; the next "
                   "cycle continues from where this one stopped.",
                   "Received exit code 429, Too many requests while %s.", doing);
    else
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1036", body, NULL, "Received exit code %ld while %s.",
                   resp->status, doing);
}

static void index_name(const struct rc_cte_plugin *p, char *out, size_t size, const char *suffix)
{
    size_t i, n = 0;

    if (p->index) {
        snprintf(out, size, "%s%s", p->index, suffix);
        return;
    }
    n = (size_t)snprintf(out, size, "secmock_cte_");
    for (i = 0; p->name[i] && n + 1 < size && n < 100; i++)
        out[n++] =
            isalnum((unsigned char)p->name[i]) ? (char)tolower((unsigned char)p->name[i]) : '_';
    out[n] = '\0';
    snprintf(out + n, size - n, "%s", suffix);
}

static void v2_headers(const struct rc_cte_plugin *p, char **h)
{
    h[0] = cm_asprintf("Netskope-Api-Token: %s", p->v2_token);
    h[1] = cm_asprintf("Authorization: Bearer %s", p->v2_token);
    h[2] = cm_strdup("Accept: application/json");
    h[3] = cm_strdup("User-Agent: netskope-ce-secmock-cte");
    h[4] = NULL;
}

static void free_headers(char **h)
{
    for (; *h; h++)
        free(*h);
}

/* Merges one alert; returns the indicators it reported. */
static int merge_alert(struct rc_cte_run *run, const struct rc_cte_plugin *p, const cJSON *a)
{
    static const char *const keys[] = {"md5", "local_md5", "sha256", "local_sha256"};
    const char *seen[4];
    struct rc_cte_report r;
    char *comments;
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(a, "timestamp");
    size_t i, k, n = 0;
    int count = 0;

    if (strcasecmp(cm_json_str(a, "alert_type", "malware"), "malware") != 0)
        return 0;
    comments = cm_asprintf("%s - %s, Malware Name: %s, Malware Type: %s", p->tenant_url,
                           cm_json_str(a, "object", ""), cm_json_str(a, "malware_name", ""),
                           cm_json_str(a, "malware_type", ""));
    memset(&r, 0, sizeof(r));
    r.source = p->name;
    r.comments = comments;
    r.age_days = p->age_days;
    r.seen_ms = cJSON_IsNumber(ts) ? (int64_t)ts->valuedouble * 1000 : run->now;
    for (i = 0; i < 4; i++) {
        const char *v = cm_json_str(a, keys[i], NULL);
        int type = rc_cte_hash_type(v);
        int dup = 0;

        if (!v || !*v)
            continue;
        for (k = 0; k < n; k++)
            dup |= strcasecmp(seen[k], v) == 0;
        if (dup)
            continue;
        seen[n++] = v;
        if (!type) {
            rc_cte_log(run, RC_CTE_INFO, p, NULL, NULL, NULL,
                       "Skipping invalid indicator '%s' of alert %s.", v,
                       cm_json_str(a, "_id", "?"));
            continue;
        }
        if (!(p->types & type))
            continue;
        r.value = v;
        rc_cte_store_report(run->store, &r, run->now);
        count++;
    }
    free(comments);
    return count;
}

static int id_in(const cJSON *ids, const char *id)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, ids)
    {
        if (cJSON_IsString(e) && strcmp(e->valuestring, id) == 0)
            return 1;
    }
    return 0;
}

int rc_cte_ns_pull(struct rc_cte_run *run, const struct rc_cte_plugin *p, int *pulled)
{
    cJSON *state = rc_cte_store_plugin(run->store, p->name), *it, *doc = NULL;
    char *base = tenant_base(p), *h[5], *url = NULL, *retry_url = NULL, op[32], index[160];
    struct cm_http_response resp;
    struct cm_err err = {{0}};
    const cJSON *result, *a;
    cJSON *ids;
    int rc = 0, pages, resend, n;

    *pulled = 0;
    v2_headers(p, h);
    index_name(p, index, sizeof(index), "");
    cm_http_response_init(&resp);
    it = cJSON_GetObjectItemCaseSensitive(state, "iterator");
    if (!cJSON_IsObject(it) || strcmp(cm_json_str(it, "index", ""), index) != 0) {
        cJSON_DeleteItemFromObjectCaseSensitive(state, "iterator");
        it = cJSON_AddObjectToObject(state, "iterator");
        cJSON_AddStringToObject(it, "index", index);
        cJSON_AddBoolToObject(it, "started", 0);
        cJSON_AddBoolToObject(it, "pending", 0);
        cJSON_AddArrayToObject(it, "last_ids");
    }
    for (pages = 0; pages < NS_MAX_PAGES; pages++) {
        resend = 0;
        if (!cm_json_bool(it, "started", 0)) {
            snprintf(op, sizeof(op), "%lld",
                     (long long)(run->now / 1000 - (int64_t)p->days * 24 * 3600));
        } else if (cm_json_bool(it, "pending", 0)) {
            snprintf(op, sizeof(op), "resend");
            resend = 1;
        } else {
            snprintf(op, sizeof(op), "next");
        }
        if (cm_json_bool(it, "started", 0) && !resend) {
            /* Mark the page as asked for before asking: a run stopped before it is merged
             * asks "resend" next time. */
            cJSON_ReplaceItemInObjectCaseSensitive(it, "pending", cJSON_CreateBool(1));
            if ((rc = rc_cte_store_save(run->store, &err)) != 0) {
                rc_cte_log(run, RC_CTE_ERROR, NULL, "CTE_1000", err.msg, NULL,
                           "Error occurred while storing indicators.");
                goto out;
            }
        }
        free(url);
        free(retry_url);
        url = cm_asprintf("%s/api/v2/events/dataexport/alerts/malware?index=%s&operation=%s", base,
                          index, op);
        /* "next" moves the iterator on when the tenant serves the page, even if the answer is
         * then lost (cut short, reset): the retries after a lost answer ask "resend", or that
         * page would be skipped. (After an error status they ask "next" again: the tenant did
         * not serve the page, and a resend would only repeat the last one.) */
        retry_url = strcmp(op, "next") == 0 ? cm_asprintf("%s/api/v2/events/dataexport/alerts/"
                                                          "malware?index=%s&operation=resend",
                                                          base, index)
                                            : NULL;
        cm_http_response_release(&resp);
        cm_http_response_init(&resp);
        rc = ns_do_retry(run, p, "GET", url, retry_url, (const char *const *)h, NULL, &resp,
                         "pulling malware alerts from the Netskope tenant");
        if (rc)
            goto out;
        if (run->ctx->http->last_used_retry_url)
            resend = 1; /* the answer is a resend: skip what was merged, then ask next */
        if (resp.status != 200) {
            v2_status_error(run, p, &resp, "pulling malware alerts");
            rc = CM_EPROTO;
            goto out;
        }
        cJSON_Delete(doc);
        doc = cm_json_parse(resp.body.data, resp.body.len, "answer", NULL);
        result = cJSON_GetObjectItemCaseSensitive(doc, "result");
        if (doc == NULL || cm_json_num(doc, "ok", 0) != 1 || !cJSON_IsArray(result)) {
            rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1036", cm_buf_str(&resp.body), NULL,
                       "Invalid response received from the dataexport iterator (ok is not 1).");
            rc = CM_EPROTO;
            goto out;
        }
        ids = cJSON_CreateArray();
        n = 0;
        cJSON_ArrayForEach(a, result)
        {
            const char *id = cm_json_str(a, "_id", "");

            if (*id)
                cJSON_AddItemToArray(ids, cJSON_CreateString(id));
            if (resend && *id && id_in(cJSON_GetObjectItemCaseSensitive(it, "last_ids"), id))
                continue;
            n += merge_alert(run, p, a);
        }
        *pulled += n;
        cJSON_ReplaceItemInObjectCaseSensitive(it, "last_ids", ids);
        cJSON_ReplaceItemInObjectCaseSensitive(it, "started", cJSON_CreateBool(1));
        cJSON_ReplaceItemInObjectCaseSensitive(it, "pending", cJSON_CreateBool(0));
        cJSON_DeleteItemFromObjectCaseSensitive(it, "timestamp_hwm");
        cJSON_AddNumberToObject(it, "timestamp_hwm", cm_json_num(doc, "timestamp_hwm", 0));
        if ((rc = rc_cte_store_save(run->store, &err)) != 0) {
            rc_cte_log(run, RC_CTE_ERROR, NULL, "CTE_1000", err.msg, NULL,
                       "Error occurred while storing indicators.");
            goto out;
        }
        /* Caught up: an empty page, or the tenant asks to wait before the next call. After a
         * resend, ask "next" once more: the page resent may be the one already merged. */
        if (!resend && (cJSON_GetArraySize(result) == 0 || cm_json_num(doc, "wait_time", 30) > 0))
            break;
    }
out:
    cJSON_Delete(doc);
    cm_http_response_release(&resp);
    free_headers(h);
    free(url);
    free(retry_url);
    free(base);
    return rc;
}

char *rc_cte_ns_list(const char *const *values, size_t n, int64_t max_bytes, size_t *used)
{
    struct cm_buf b;
    int64_t bytes = 0;
    size_t i;

    cm_buf_init(&b, 0);
    for (i = 0; i < n && i < RC_CTE_NS_MAX_HASHES; i++) {
        int64_t cost = (int64_t)strlen(values[i]) + 3; /* make_batch: len(json.dumps(v)) + 1 */
        if (bytes + cost > max_bytes)
            break;
        bytes += cost;
        if (i)
            cm_buf_putc(&b, ',');
        cm_buf_puts(&b, values[i]);
    }
    *used = i;
    return cm_buf_steal(&b, NULL);
}

int rc_cte_ns_push(struct rc_cte_run *run, const struct rc_cte_sharing *sh,
                   const char *const *values, size_t n)
{
    const struct rc_cte_plugin *p = sh->dest;
    char *base = tenant_base(p), *url = NULL, *list, *body = NULL;
    const char *h[4] = {"Content-Type: application/json", "Accept: application/json",
                        "User-Agent: netskope-ce-secmock-cte", NULL};
    struct cm_http_response resp;
    struct cm_buf errs;
    cJSON *req, *doc = NULL;
    size_t used = 0;
    int rc;

    cm_http_response_init(&resp);
    cm_buf_init(&errs, 0);
    if (!p->v1_token) {
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1021", NULL,
                   "Configure the V1 token under Settings > Tenants.",
                   "Could not share indicators to file hash list as V1 API token is missing.");
        rc = CM_EINVAL;
        goto out;
    }
    list = n ? rc_cte_ns_list(values, n, sh->max_bytes, &used) : cm_strdup(sh->default_hash);
    if (used < n)
        rc_cte_log(run, RC_CTE_WARN, p, NULL, NULL,
                   "Use a larger List Size (up to 8 MB) or a narrower business rule.",
                   "List '%s' holds %zu of the %zu matching file hashes (size or count limit); "
                   "the rest are not shared.",
                   sh->file_list, used, n);
    req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "name", sh->file_list);
    cJSON_AddStringToObject(req, "list", list);
    cJSON_AddStringToObject(req, "token", p->v1_token);
    body = cm_json_print(req);
    cJSON_Delete(req);
    free(list);
    url = cm_asprintf("%s/api/v1/updateFileHashList", base);
    rc = ns_do(run, p, "POST", url, h, body, &resp,
               "pushing file hashes to the Netskope file hash list");
    if (rc)
        goto out;
    doc = cm_json_parse(resp.body.data, resp.body.len, "answer", NULL);
    if (resp.status == 403) {
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1035", cm_buf_str(&resp.body),
                   "Check the V1 API Token of the tenant (Settings > Tenants in Cloud Exchange; "
                   "Settings > Tools > REST API v1 in the Netskope UI) and the Tenant URL.",
                   "Incorrect tenant URL/API token provided.");
        rc = CM_EAUTH;
        goto out;
    }
    if (resp.status == 429) {
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1036", cm_buf_str(&resp.body),
                   "REST v1 allows 24 requests per 5 seconds; the next cycle pushes the list "
                   "again.",
                   "Received exit code 429, API rate limit exceeded while sharing indicators. Max "
                   "retries for rate limit handler exceeded hence returning status code 429.");
        rc = CM_EPROTO;
        goto out;
    }
    if (resp.status != 200 && resp.status != 201) {
        rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1036", cm_buf_str(&resp.body), NULL,
                   "Received exit code %ld while sharing indicators.", resp.status);
        rc = CM_EPROTO;
        goto out;
    }
    if (strcmp(cm_json_str(doc, "status", ""), "error") == 0) {
        first_error(doc, &errs);
        if (strstr(cm_buf_str(&errs), RC_CTE_NS_DUPLICATE)) {
            rc_cte_log(run, RC_CTE_INFO, p, NULL, NULL, NULL,
                       "No changes in file hashes. List '%s' already holds the %zu file "
                       "hash(es).",
                       sh->file_list, used);
            rc = 0;
            goto out;
        }
        rc_cte_log(
            run, RC_CTE_ERROR, p, "CTE_1036", cm_buf_str(&errs),
            strstr(cm_buf_str(&errs), "does not exist")
                ? "Create the File Profile in the Netskope UI (Policies > File > New File Profile "
                  "> File Hash, with the 64-f placeholder), Apply Changes, and give its exact, "
                  "case-sensitive name as the List Name of the sharing configuration."
            : strstr(cm_buf_str(&errs), "pending change")
                ? "Apply Changes in the Netskope UI; the next cycle pushes the list again."
                : NULL,
            "Could not share indicators. Error while pushing file hashes to list '%s'.",
            sh->file_list);
        rc = CM_EPROTO;
        goto out;
    }
    rc_cte_log(run, RC_CTE_INFO, p, NULL, NULL, NULL,
               n ? "Successfully shared %zu file hash(es) to list '%s'."
                 : "Successfully shared %zu file hash(es) to list '%s' (no matching indicator: "
                   "the placeholder was sent).",
               used, sh->file_list);
    rc = 0;
out:
    cJSON_Delete(doc);
    cm_buf_release(&errs);
    cm_http_response_release(&resp);
    free(body);
    free(url);
    free(base);
    return rc;
}

int rc_cte_ns_check_v2(struct rc_cte_run *run, const struct rc_cte_plugin *p)
{
    char *base = tenant_base(p), *h[5], *url, index[160];
    struct cm_http_response resp;
    int rc;

    v2_headers(p, h);
    index_name(p, index, sizeof(index), "_check");
    cm_http_response_init(&resp);
    url = cm_asprintf("%s/api/v2/events/dataexport/alerts/malware?index=%s&operation=%lld", base,
                      index, (long long)(run->now / 1000 + 60));
    rc = ns_do(run, p, "GET", url, (const char *const *)h, NULL, &resp,
               "validating the V2 API token");
    free(url);
    free_headers(h);
    if (rc == 0 && resp.status != 200 && resp.status != 409) {
        v2_status_error(run, p, &resp, "validating the V2 API token");
        rc = CM_EAUTH;
    } else if (rc == 0) {
        rc_cte_log(run, RC_CTE_INFO, p, NULL, NULL, NULL, "V2 API token validated.");
    }
    cm_http_response_release(&resp);
    free(base);
    return rc;
}

/* A POST of the form token=<V1> to a v1 path; 0 and the parsed answer (caller frees) when
 * Netskope answered success, else logs CE's token message and fails. */
static int v1_form(struct rc_cte_run *run, const struct rc_cte_plugin *p, const char *path,
                   const char *doing, cJSON **doc)
{
    char *base = tenant_base(p), *url = cm_asprintf("%s%s", base, path);
    const char *fh[3] = {"Content-Type: application/x-www-form-urlencoded",
                         "Accept: application/json", NULL};
    struct cm_http_response resp;
    struct cm_buf form;
    int rc;

    cm_http_response_init(&resp);
    cm_buf_init(&form, 0);
    cm_buf_puts(&form, "token=");
    rc_mm_form_escape(&form, p->v1_token);
    *doc = NULL;
    rc = ns_do(run, p, "POST", url, fh, cm_buf_str(&form), &resp, doing);
    if (rc == 0) {
        *doc = cm_json_parse(resp.body.data, resp.body.len, "answer", NULL);
        if (resp.status == 403 || strcmp(cm_json_str(*doc, "status", ""), "success") != 0) {
            run->log.last_status = resp.status;
            rc_cte_log(run, RC_CTE_ERROR, p, "CTE_1035", cm_buf_str(&resp.body),
                       "Check the V1 API Token of the tenant (Settings > Tools > REST API v1 in "
                       "the Netskope UI) and the Tenant URL.",
                       "Incorrect tenant URL/API token provided.");
            cJSON_Delete(*doc);
            *doc = NULL;
            rc = CM_EAUTH;
        }
    }
    cm_buf_release(&form);
    cm_http_response_release(&resp);
    free(url);
    free(base);
    return rc;
}

int rc_cte_ns_check_v1(struct rc_cte_run *run, const struct rc_cte_plugin *p)
{
    cJSON *doc;
    int rc = v1_form(run, p, "/api/v1/app_instances?op=list&limit=1", "validating the V1 API token",
                     &doc);

    if (rc == 0)
        rc_cte_log(run, RC_CTE_INFO, p, NULL, NULL, NULL, "V1 API token validated.");
    cJSON_Delete(doc);
    return rc;
}

int rc_cte_ns_validate(struct rc_cte_run *run, const struct rc_cte_plugin *p)
{
    int rc = rc_cte_ns_check_v2(run, p);

    if (rc == 0 && p->v1_token)
        rc = rc_cte_ns_check_v1(run, p);
    return rc;
}

int rc_cte_ns_file_lists(struct rc_cte_run *run, const struct rc_cte_plugin *p, cJSON **lists)
{
    cJSON *doc;
    int rc = v1_form(run, p, "/api/v1/fileHashLists", "reading the File Profiles", &doc);

    *lists = NULL;
    if (rc == 0) {
        *lists = cJSON_DetachItemFromObjectCaseSensitive(doc, "data");
        if (!cJSON_IsArray(*lists)) {
            cJSON_Delete(*lists);
            *lists = NULL;
            rc = CM_EPROTO;
        }
    }
    cJSON_Delete(doc);
    return rc;
}
