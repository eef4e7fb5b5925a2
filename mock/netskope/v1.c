/*
 * v1.c: the REST v1 endpoints a Threat Exchange integration calls.
 *
 *   /api/v1/updateFileHashList   replaces a File Profile's hash list (GET, POST, PUT)
 *   /api/v1/app_instances        op=list, which clients call to check a V1 token
 *   /api/v1/fileHashLists        the File Profiles' names and states, no values (ours:
 *                                the vendor has no read-back; a configuration check
 *                                reads whether a sharing's list exists)
 *
 * Parameters (`token`, `name`, `list`, `op`, `limit`) are read from a JSON
 * body, a form body or the query string, in that order, because clients send
 * all three (CTE 2.1.0 put the token in the query, 2.1.1 in the body; Rapid7
 * mixes them). Every request goes through the same gate: a readable body, the
 * V1 token, then the tenant's v1 rate window (24 requests in 5 s by default).
 * The checks that follow in updateFileHashList run in a fixed order and the
 * first failure answers; nothing is changed unless every check passed, so a
 * refused update leaves the profile exactly as it was. Each outcome sets a
 * stable journal verdict (docs/netskope.md lists them with the bodies).
 */
#include "mock/netskope/ns.h"

#include "common/json.h"
#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FORM_MAX 32

/* Where a request's parameters come from. Owns json and the form strings. */
struct params {
    const struct mk_request *req;
    cJSON *json; /* the body when it is a JSON object */
    char *names[FORM_MAX];
    char *values[FORM_MAX];
    int nform;
};

void ns_v1_error(struct mk_response *resp, int status, const char *code, const char *message)
{
    cJSON *doc = cJSON_CreateObject(), *errors;

    cJSON_AddStringToObject(doc, "status", "error");
    cJSON_AddStringToObject(doc, "errorCode", code);
    errors = cJSON_AddArrayToObject(doc, "errors");
    cJSON_AddItemToArray(errors, cJSON_CreateString(message));
    mk_resp_json(resp, status, doc);
}

static int fromhex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* application/x-www-form-urlencoded decoding of s[0..n): '+' is a space, %XX a byte. */
static char *form_decode(const char *s, size_t n)
{
    char *out = cm_malloc(n + 1);
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%' && i + 2 < n && fromhex(s[i + 1]) >= 0 && fromhex(s[i + 2]) >= 0) {
            out[o++] = (char)(fromhex(s[i + 1]) * 16 + fromhex(s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

static void form_parse(struct params *p, const char *body, size_t len)
{
    size_t i = 0;

    while (i < len && p->nform < FORM_MAX) {
        size_t start = i, eq;
        while (i < len && body[i] != '&')
            i++;
        for (eq = start; eq < i && body[eq] != '='; eq++)
            ;
        if (i > start) {
            p->names[p->nform] = form_decode(body + start, eq - start);
            p->values[p->nform] = eq < i ? form_decode(body + eq + 1, i - eq - 1) : cm_strdup("");
            p->nform++;
        }
        i++;
    }
}

static void params_release(struct params *p)
{
    int i;

    cJSON_Delete(p->json);
    for (i = 0; i < p->nform; i++) {
        free(p->names[i]);
        free(p->values[i]);
    }
}

/* Reads the body. CM_EPARSE when it claims to be JSON and is not a JSON object. */
static int params_init(struct params *p, const struct mk_request *req)
{
    const char *ct = mk_req_header(req, "Content-Type");
    size_t i = 0;

    memset(p, 0, sizeof(*p));
    p->req = req;
    while (i < req->body_len && strchr(" \t\r\n", req->body[i]))
        i++;
    if (i == req->body_len)
        return 0;
    if (req->body[i] == '{' || req->body[i] == '[' || (ct && strcasestr(ct, "json"))) {
        p->json = cm_json_parse(req->body, req->body_len, "body", NULL);
        if (!cJSON_IsObject(p->json)) {
            cJSON_Delete(p->json);
            p->json = NULL;
            return CM_EPARSE;
        }
        return 0;
    }
    form_parse(p, req->body, req->body_len);
    return 0;
}

/* The parameter's value (borrowed), or NULL when absent. *bad is set when the JSON body
 * has it with another type than a string. */
static const char *param(const struct params *p, const char *name, int *bad)
{
    const cJSON *v = p->json ? cJSON_GetObjectItemCaseSensitive(p->json, name) : NULL;
    int i;

    if (v && !cJSON_IsNull(v)) {
        if (cJSON_IsString(v))
            return v->valuestring;
        if (bad)
            *bad = 1;
        return NULL;
    }
    for (i = 0; i < p->nform; i++)
        if (strcmp(p->names[i], name) == 0)
            return p->values[i];
    return mk_req_query(p->req, name);
}

/* The gate every v1 call passes: body, token, rate window. Answers and returns non-zero
 * when the request stops here. */
static int gate(struct mk_request *req, struct mk_response *resp, struct params *p)
{
    struct ns_tenant *t = req->svc->data;
    struct ns_rate_info info;
    const char *token;
    int bad = 0;

    if (params_init(p, req) != 0) {
        mk_req_verdict(req, "malformed_body");
        ns_v1_error(resp, 400, "General Error",
                    "Request body is not valid JSON: send a JSON object with token, name and "
                    "list");
        return 1;
    }
    token = param(p, "token", &bad);
    if (token == NULL || *token == '\0') {
        mk_req_verdict(req, "missing_token");
        mk_req_detail(req, "no token in the body or the query string");
        ns_v1_error(resp, 403, "Authorization Error", "token not passed");
        return 1;
    }
    if (t->v1_token == NULL || strcmp(token, t->v1_token) != 0) {
        mk_req_verdict(req, "invalid_token");
        mk_req_detail(req, "%s",
                      t->v1_token ? "not the tenant's V1 token" : "the tenant has no V1 token");
        ns_v1_error(resp, 403, "Authorization Error", "Invalid token");
        return 1;
    }
    if (!ns_rate_take(&t->v1_rate, &t->set.v1_rate, req->now_ms, &info)) {
        mk_req_verdict(req, "rate_limited");
        mk_req_detail(req, "more than %d v1 requests in %lld ms", info.limit,
                      (long long)t->set.v1_rate.window_ms);
        mk_resp_headerf(resp, "Retry-After", "%lld", (long long)info.reset_s);
        ns_v1_error(resp, 429, "General Error", "API rate limit exceeded");
        return 1;
    }
    return 0;
}

static void general_error(struct mk_request *req, struct mk_response *resp, const char *verdict,
                          const char *message)
{
    mk_req_verdict(req, verdict);
    ns_v1_error(resp, 200, "General Error", message);
}

static void size_text(size_t bytes, char *out, size_t size)
{
    if (bytes % (1024 * 1024) == 0)
        snprintf(out, size, "%zu MB", bytes / (1024 * 1024));
    else
        snprintf(out, size, "%zu bytes", bytes);
}

/* Refuses values of a type the profile did not choose (settings.strict_hash_types). */
static int types_refused(struct mk_request *req, struct mk_response *resp,
                         const struct ns_profile *prof, const struct ns_hashes *l)
{
    int extra = ns_hashes_kinds(l) & ~prof->types;
    char msg[400];

    if (extra == 0)
        return 0;
    snprintf(msg, sizeof(msg),
             "File hash list '%s' does not accept %s values (its File Hash type is %s)", prof->name,
             extra & NS_MD5 ? "MD5" : "SHA256", prof->types & NS_SHA256 ? "SHA256" : "MD5");
    general_error(req, resp, "hash_type_not_enabled", msg);
    return 1;
}

int ns_v1_update_hash_list(struct mk_request *req, struct mk_response *resp)
{
    struct ns_tenant *t = req->svc->data;
    struct params p;
    struct ns_profile *prof;
    struct ns_hashes list;
    struct ns_bad bad;
    const char *name, *text;
    int bad_name = 0, bad_list = 0;
    char msg[600], what[300];

    ns_hashes_init(&list);
    if (gate(req, resp, &p))
        goto out;
    name = param(&p, "name", &bad_name);
    text = param(&p, "list", &bad_list);
    if (bad_name || bad_list) {
        mk_req_verdict(req, "invalid_params");
        ns_v1_error(resp, 200, "General Error",
                    bad_name ? "name must be a string"
                             : "list must be a string of comma-separated MD5 or SHA256 values");
        goto out;
    }
    if (name == NULL || *name == '\0' || text == NULL || *text == '\0') {
        cJSON *doc = cJSON_CreateObject(), *errors;
        cJSON_AddStringToObject(doc, "status", "error");
        cJSON_AddStringToObject(doc, "errorCode", "General Error");
        errors = cJSON_AddArrayToObject(doc, "errors");
        if (name == NULL || *name == '\0')
            cJSON_AddItemToArray(errors, cJSON_CreateString("name not passed"));
        if (text == NULL || *text == '\0')
            cJSON_AddItemToArray(errors, cJSON_CreateString("list not passed"));
        mk_req_verdict(req, "missing_params");
        mk_resp_json(resp, 200, doc);
        goto out;
    }
    if (strlen(text) > t->set.list_max_bytes) {
        size_text(t->set.list_max_bytes, what, sizeof(what));
        snprintf(msg, sizeof(msg), "list is larger than the %s limit of a file hash list", what);
        mk_req_verdict(req, "body_too_large");
        mk_req_detail(req, "list of %zu bytes for '%.60s'", strlen(text), name);
        ns_v1_error(resp, 413, "General Error", msg);
        goto out;
    }
    prof = ns_profile_find(t, name);
    if (prof == NULL || !prof->published) {
        const struct ns_profile *near = prof ? NULL : ns_profile_find_nocase(t, name);
        if (prof)
            mk_req_detail(req, "'%.60s' exists but is not published: Apply Changes", name);
        else if (near)
            mk_req_detail(req,
                          "no '%.50s'; '%.50s' differs only in case (names are case-sensitive)",
                          name, near->name);
        else
            mk_req_detail(req, "no File Profile '%.100s'", name);
        snprintf(msg, sizeof(msg), "File hash list '%.300s' does not exist", name);
        general_error(req, resp, "unknown_profile", msg);
        goto out;
    }
    if (prof->has_pending) {
        snprintf(msg, sizeof(msg),
                 "There is already a pending change for file hash list '%s'. Apply Changes in the "
                 "Netskope UI and try again",
                 prof->name);
        general_error(req, resp, "pending_change", msg);
        goto out;
    }
    if (ns_hashes_parse(&list, text, strlen(text), &bad) != 0) {
        ns_bad_describe(&bad, what, sizeof(what));
        snprintf(msg, sizeof(msg),
                 "Invalid file hash in list: %s. Each value must be an MD5 (32 hexadecimal "
                 "characters) or a SHA256 (64 hexadecimal characters)",
                 what);
        mk_req_detail(req, "%zu invalid value(s) for '%.60s'", bad.count, prof->name);
        general_error(req, resp, "invalid_hash", msg);
        goto out;
    }
    if (list.n == 0) {
        general_error(req, resp, "missing_params", "list not passed");
        goto out;
    }
    if (t->set.strict_hash_types && types_refused(req, resp, prof, &list))
        goto out;
    if (ns_hashes_same_set(&list, &prof->hashes)) {
        mk_req_detail(req, "'%.60s' already holds these %zu values", prof->name, list.n);
        general_error(req, resp, "duplicate_request",
                      "Duplicate request, no change in file hashes");
        goto out;
    }
    mk_req_detail(req, "'%.60s': %zu values (%zu sha256, %zu md5)%s%s", prof->name, list.n,
                  ns_hashes_count(&list, NS_SHA256), ns_hashes_count(&list, NS_MD5),
                  list.n == 1 && strcmp(list.h[0].v, NS_PLACEHOLDER) == 0 ? ", placeholder only"
                                                                          : "",
                  t->set.api_update_pending ? ", pending Apply Changes" : "");
    if (t->set.api_update_pending) {
        prof->pending = list;
        prof->has_pending = 1;
    } else {
        ns_hashes_release(&prof->hashes);
        prof->hashes = list;
        prof->types |= ns_hashes_kinds(&list);
    }
    ns_hashes_init(&list);
    {
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddStringToObject(doc, "status", "success");
        cJSON_AddStringToObject(doc, "msg", "File Filter Profile updated successfully");
        mk_resp_json(resp, 200, doc);
    }
out:
    ns_hashes_release(&list);
    params_release(&p);
    return MK_DONE;
}

int ns_v1_app_instances(struct mk_request *req, struct mk_response *resp)
{
    struct ns_tenant *t = req->svc->data;
    struct params p;
    const char *op, *limit;
    char msg[200];

    if (gate(req, resp, &p))
        goto out;
    op = param(&p, "op", NULL);
    if (op == NULL || *op == '\0') {
        general_error(req, resp, "missing_params", "op not passed");
    } else if (strcmp(op, "list") != 0) {
        snprintf(msg, sizeof(msg), "Invalid op '%.100s': this tenant answers op=list", op);
        general_error(req, resp, "invalid_op", msg);
    } else {
        cJSON *doc = cJSON_CreateObject(), *data;
        const cJSON *it;
        long max = -1, n = 0;
        char *end;
        cJSON_AddStringToObject(doc, "status", "success");
        data = cJSON_AddArrayToObject(doc, "data");
        limit = param(&p, "limit", NULL);
        if (limit && *limit) {
            max = strtol(limit, &end, 10);
            if (*end != '\0' || max < 0)
                max = -1;
        }
        cJSON_ArrayForEach(it, t->app_instances)
        {
            if (max >= 0 && n >= max)
                break;
            cJSON_AddItemToArray(data, cJSON_Duplicate(it, 1));
            n++;
        }
        mk_resp_json(resp, 200, doc);
    }
out:
    params_release(&p);
    return MK_DONE;
}

int ns_v1_file_hash_lists(struct mk_request *req, struct mk_response *resp)
{
    struct ns_tenant *t = req->svc->data;
    struct params p;
    cJSON *doc, *data, *o, *types;
    size_t i;

    if (gate(req, resp, &p))
        goto out;
    doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "status", "success");
    data = cJSON_AddArrayToObject(doc, "data");
    for (i = 0; i < t->nprofiles; i++) {
        const struct ns_profile *f = &t->profiles[i];

        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", f->name);
        cJSON_AddBoolToObject(o, "published", f->published);
        cJSON_AddBoolToObject(o, "pending", f->has_pending);
        types = cJSON_AddArrayToObject(o, "types");
        if (f->types & NS_SHA256)
            cJSON_AddItemToArray(types, cJSON_CreateString("sha256"));
        if (f->types & NS_MD5)
            cJSON_AddItemToArray(types, cJSON_CreateString("md5"));
        cJSON_AddNumberToObject(o, "count", (double)f->hashes.n);
        cJSON_AddItemToArray(data, o);
    }
    mk_resp_json(resp, 200, doc);
    mk_req_detail(req, "%zu profile(s)", t->nprofiles);
out:
    params_release(&p);
    return MK_DONE;
}
