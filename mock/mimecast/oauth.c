/*
 * oauth.c: API 2.0 (vendor notes 6). POST /oauth/token takes the OAuth 2.0
 * client-credentials grant, form-encoded (client_id, client_secret,
 * grant_type=client_credentials) or with the client in an HTTP Basic header,
 * and answers {"access_token", "token_type": "Bearer", "expires_in": 1799,
 * "scope": ""}. A token is accepted on every /api/ function as
 * "Authorization: Bearer <token>" until settings.token_ttl of virtual time has
 * passed; then 401 token_expired, so a client fetches a new one and retries.
 *
 * Like keys in API 1.0, a new application's credentials work 30 minutes
 * (settings.key_delay) after it was created. Errors take the 2.0 gateway shape
 * {"fail": [{"code", "message"}]}; the codes are ours (docs/mimecast.md).
 */
#include "mock/mimecast/mm.h"

#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TOKENS_PER_APP 50

/* Decodes application/x-www-form-urlencoded text (s, n bytes) into a new string. */
static char *form_decode(const char *s, size_t n)
{
    char *out = cm_malloc(n + 1);
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%' && i + 2 < n && mm_hexval((unsigned char)s[i + 1]) >= 0 &&
                   mm_hexval((unsigned char)s[i + 2]) >= 0) {
            out[o++] = (char)(mm_hexval((unsigned char)s[i + 1]) * 16 +
                              mm_hexval((unsigned char)s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

/* The value of name in a form body, decoded; NULL when absent. Caller frees. */
static char *form_get(const char *body, size_t len, const char *name)
{
    size_t nlen = strlen(name), i = 0;

    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end - i > nlen && memcmp(body + i, name, nlen) == 0 && body[i + nlen] == '=')
            return form_decode(body + i + nlen + 1, end - i - nlen - 1);
        if (end - i == nlen && memcmp(body + i, name, nlen) == 0)
            return cm_strdup("");
        i = end + 1;
    }
    return NULL;
}

static void prune(cJSON *tokens, const char *client_id, int64_t now)
{
    cJSON *t, *next, *oldest;
    int n;

    for (t = tokens ? tokens->child : NULL; t; t = next) {
        next = t->next;
        if (mm_doc_time(t, "expires", 0) + 86400000 < now)
            cJSON_Delete(cJSON_DetachItemViaPointer(tokens, t));
    }
    for (;;) {
        n = 0;
        oldest = NULL;
        cJSON_ArrayForEach(t, tokens)
        {
            if (strcmp(cm_json_str(t, "client_id", ""), client_id) == 0) {
                n++;
                if (oldest == NULL)
                    oldest = t;
            }
        }
        if (n < TOKENS_PER_APP || oldest == NULL)
            return;
        cJSON_Delete(cJSON_DetachItemViaPointer(tokens, oldest));
    }
}

cJSON *mm_oauth_issue(struct mm_state *st, struct mm_acct *a, cJSON *app, int64_t now_ms)
{
    cJSON *tokens = cJSON_GetObjectItemCaseSensitive(a->doc, "tokens"), *t;
    char tok[49];

    prune(tokens, cm_json_str(app, "client_id", ""), now_ms);
    mm_rand_alnum(tok, sizeof(tok), 48);
    t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "access_token", tok);
    cJSON_AddStringToObject(t, "client_id", cm_json_str(app, "client_id", ""));
    mm_doc_set_time(t, "issued", now_ms);
    mm_doc_set_time(t, "expires", now_ms + st->set.token_ttl_ms);
    cJSON_AddItemToArray(tokens, t);
    return t;
}

/* Client id and secret from a Basic header; 0 when present and well formed. */
static int basic_client(const char *auth, char **id, char **secret)
{
    unsigned char raw[1024];
    char *colon;
    int n;

    if (auth == NULL || strncasecmp(auth, "Basic ", 6) != 0)
        return -1;
    n = mm_b64_decode(auth + 6, raw, sizeof(raw) - 1);
    if (n <= 0)
        return -1;
    raw[n] = '\0';
    colon = strchr((char *)raw, ':');
    if (colon == NULL)
        return -1;
    *colon = '\0';
    *id = form_decode((char *)raw, strlen((char *)raw));
    *secret = form_decode(colon + 1, strlen(colon + 1));
    return 0;
}

int mm_h_oauth_token(struct mk_request *req, struct mk_response *resp)
{
    struct mm_state *st = req->svc->data;
    char *id = NULL, *secret = NULL, *grant = NULL, when[64];
    const char *ctype = mk_req_header(req, "Content-Type");
    struct mm_acct *a = NULL;
    cJSON *app, *tok, *doc;
    int64_t ready;
    int rc = MK_DONE;

    if (ctype && strncasecmp(ctype, "application/json", 16) == 0) {
        cJSON *body = mm_lenient_parse(req->body, req->body_len, NULL);
        const char *v;
        if ((v = cm_json_str(body, "client_id", NULL)))
            id = cm_strdup(v);
        if ((v = cm_json_str(body, "client_secret", NULL)))
            secret = cm_strdup(v);
        if ((v = cm_json_str(body, "grant_type", NULL)))
            grant = cm_strdup(v);
        cJSON_Delete(body);
    } else {
        id = form_get(req->body, req->body_len, "client_id");
        secret = form_get(req->body, req->body_len, "client_secret");
        grant = form_get(req->body, req->body_len, "grant_type");
    }
    if (id == NULL && secret == NULL)
        basic_client(mk_req_header(req, "Authorization"), &id, &secret);
    if (grant == NULL || *grant == '\0') {
        mm_fail(req, resp, MM_API2, MM_E_INVALID_REQUEST, NULL,
                "grant_type is required: send grant_type=client_credentials");
        goto out;
    }
    if (strcmp(grant, "client_credentials") != 0) {
        mm_fail(req, resp, MM_API2, MM_E_UNSUPPORTED_GRANT, NULL,
                "grant_type '%.32s' is not supported: use client_credentials", grant);
        goto out;
    }
    if (id == NULL || *id == '\0' || secret == NULL || *secret == '\0') {
        mm_fail(req, resp, MM_API2, MM_E_INVALID_REQUEST, NULL,
                "client_id and client_secret are required (form fields or HTTP Basic)");
        goto out;
    }
    app = mm_find_app2(st, id, &a);
    if (app == NULL || !mm_str_eq_ct(cm_json_str(app, "client_secret", ""), secret)) {
        mm_fail(req, resp, MM_API2, MM_E_INVALID_CLIENT, NULL,
                "Invalid client: unknown client_id or wrong client_secret; copy both from "
                "Services > API and Platform Integrations (the secret is shown once)");
        goto out;
    }
    if (mm_check_region(st, req, resp, MM_API2, a) == MK_DONE)
        goto out;
    if (!cm_json_bool(app, "enabled", 1)) {
        mm_fail(req, resp, MM_API2, MM_E_INVALID_CLIENT, NULL,
                "Invalid client: application '%s' is disabled; enable it in Services > API and "
                "Platform Integrations",
                cm_json_str(app, "name", ""));
        goto out;
    }
    ready = mm_doc_time(app, "created", 0) + st->set.key_delay_ms;
    if (req->now_ms < ready) {
        mm_time_human(ready, when, sizeof(when));
        mm_fail(req, resp, MM_API2, MM_E_CLIENT_NOT_YET, NULL,
                "The client credentials of application '%s' are not active yet: an API "
                "application can be used 30 minutes after it is created; available at %s",
                cm_json_str(app, "name", ""), when);
        goto out;
    }
    if (mm_check_ip(req, resp, MM_API2, a) == MK_DONE)
        goto out;
    tok = mm_oauth_issue(st, a, app, req->now_ms);
    doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "access_token", cm_json_str(tok, "access_token", ""));
    cJSON_AddStringToObject(doc, "token_type", "Bearer");
    cJSON_AddNumberToObject(doc, "expires_in", (double)(st->set.token_ttl_ms / 1000));
    cJSON_AddStringToObject(doc, "scope", "");
    mk_resp_json(resp, 200, doc);
    mk_req_detail(req, "token for %s", cm_json_str(app, "name", ""));
out:
    free(id);
    free(secret);
    free(grant);
    return rc;
}

int mm_auth2(struct mm_state *st, struct mk_request *req, struct mk_response *resp,
             struct mm_ctx *ctx)
{
    const char *auth = mk_req_header(req, "Authorization"), *tok = auth + 7;
    cJSON *t = NULL, *app;
    struct mm_acct *a = NULL;
    char when[40];
    size_t i;

    memset(ctx, 0, sizeof(*ctx));
    ctx->api = MM_API2;
    while (*tok == ' ')
        tok++;
    for (i = 0; i < st->naccts && t == NULL; i++) {
        cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(st->accts[i].doc, "tokens"))
        {
            if (mm_str_eq_ct(cm_json_str(it, "access_token", ""), tok)) {
                t = it;
                a = &st->accts[i];
                break;
            }
        }
    }
    if (t == NULL || *tok == '\0')
        return mm_fail(
            req, resp, MM_API2, MM_E_INVALID_TOKEN, NULL,
            "Unauthorized: the access token is not valid; request one from /oauth/token");
    app = mm_find_app2(st, cm_json_str(t, "client_id", ""), NULL);
    if (app == NULL || !cm_json_bool(app, "enabled", 1))
        return mm_fail(req, resp, MM_API2, MM_E_INVALID_TOKEN, NULL,
                       "Unauthorized: the application of this token is disabled or deleted");
    if (mm_check_region(st, req, resp, MM_API2, a) == MK_DONE)
        return MK_DONE;
    if (req->now_ms >= mm_doc_time(t, "expires", 0)) {
        cm_time_format(mm_doc_time(t, "expires", 0), when, sizeof(when));
        return mm_fail(req, resp, MM_API2, MM_E_TOKEN_EXPIRED, NULL,
                       "Unauthorized: the access token expired at %s; request a new one from "
                       "/oauth/token",
                       when);
    }
    ctx->acct = a;
    ctx->app = app;
    ctx->token = t;
    ctx->role = mm_find_role(a, cm_json_str(app, "role", NULL));
    mk_req_detail(req, "bearer of %s", cm_json_str(app, "name", ""));
    return -1;
}
