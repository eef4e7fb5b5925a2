/*
 * ctr_auth.c: IROH's OAuth2 client-credentials token endpoint, the bearer
 * check every other call goes through, and the per-org rate limit.
 *
 * Vendor facts ([sx00] api_client.rst, [tr05] request/authorized.py): POST
 * /iroh/oauth2/token with Basic client_id:client_password and the form body
 * grant_type=client_credentials answers {"access_token", "token_type":
 * "bearer", "expires_in": 600, "scope"}; tokens last 10 minutes; 8000
 * requests per rolling hour per org, then 429 with X-Ratelimit-Org-Limit.
 * Ours: the error bodies (RFC 6749/6750 style), the JWT's claims (it is only
 * JWT-shaped: clients must treat it as opaque), counting only bearer calls,
 * and Retry-After (off unless the state asks for it).
 */
#include "mock/ctr/ctr.h"

#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"
#include "mock/sse/sse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- encodings ---- */

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

int ctr_b64_decode(const char *in, char *out, size_t size)
{
    size_t n = 0;
    unsigned acc = 0;
    int bits = 0, v;

    for (; *in && *in != '='; in++) {
        if ((v = b64_value(*in)) < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n + 1 >= size)
                return -1;
            out[n++] = (char)((acc >> bits) & 0xff);
        }
    }
    while (*in == '=')
        in++;
    if (*in)
        return -1;
    out[n] = '\0';
    return memchr(out, '\0', n) ? -1 : 0;
}

char *ctr_b64url(const void *data, size_t len)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const unsigned char *p = data;
    char *out = cm_malloc(len / 3 * 4 + 5), *o = out;
    size_t i;

    for (i = 0; i + 2 < len; i += 3) {
        *o++ = tab[p[i] >> 2];
        *o++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
        *o++ = tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
        *o++ = tab[p[i + 2] & 63];
    }
    if (len - i == 1) {
        *o++ = tab[p[i] >> 2];
        *o++ = tab[(p[i] & 3) << 4];
    } else if (len - i == 2) {
        *o++ = tab[p[i] >> 2];
        *o++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
        *o++ = tab[(p[i + 1] & 15) << 2];
    }
    *o = '\0';
    return out;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int ctr_form_get(const char *body, size_t len, const char *name, char *out, size_t size)
{
    const char *p = body, *end = body + len;
    size_t nlen = strlen(name);

    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p)), *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (eq && (size_t)(eq - p) == nlen && strncmp(p, name, nlen) == 0) {
            size_t n = 0;
            for (p = eq + 1; p < stop && n + 1 < size; p++) {
                if (*p == '+') {
                    out[n++] = ' ';
                } else if (*p == '%' && stop - p >= 3 && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
                    out[n++] = (char)(hexval(p[1]) * 16 + hexval(p[2]));
                    p += 2;
                } else {
                    out[n++] = *p;
                }
            }
            out[n] = '\0';
            return 1;
        }
        p = stop + 1;
    }
    return 0;
}

/* ---- the token endpoint ---- */

static void oauth_error(struct mk_request *req, struct mk_response *resp, int status,
                        const char *code, const char *verdict, const char *message)
{
    ctr_error(req, resp, status, code, message);
    mk_req_verdict(req, verdict);
    if (status == 401)
        mk_resp_header(resp, "WWW-Authenticate", "Basic realm=\"IROH\"");
}

/* The client (and its org) for the credentials of the request; NULL when none match. */
static cJSON *find_client(struct ctr *c, const char *id, const char *secret, const char **org)
{
    cJSON *o, *cl;

    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(c->state, "orgs"))
    {
        cl = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "clients"), id);
        if (cl && strcmp(cm_json_str(cl, "secret", ""), secret) == 0) {
            *org = o->string;
            return cl;
        }
    }
    return NULL;
}

/* Drops tokens that expired over an hour ago, then the oldest while over the cap. */
static void purge_tokens(cJSON *tokens, int64_t now)
{
    cJSON *t = tokens->child, *next;
    int64_t exp;

    for (; t; t = next) {
        next = t->next;
        if (sse_time_get(t, "expires", &exp) == 0 && exp + 3600000 < now)
            cJSON_Delete(cJSON_DetachItemViaPointer(tokens, t));
    }
    while (cJSON_GetArraySize(tokens) >= CTR_MAX_TOKENS)
        cJSON_Delete(cJSON_DetachItemViaPointer(tokens, tokens->child));
}

static char *make_jwt(const char *org, const char *client_id, const char *scope, int64_t now,
                      int64_t exp, const char *region)
{
    static const char header[] = "{\"alg\":\"RS256\",\"kid\":\"secmock\",\"typ\":\"JWT\"}";
    cJSON *claims = cJSON_CreateObject();
    char jti[40], sig[65], *payload, *h64, *p64, *jwt;

    sse_uuid(jti, sizeof(jti));
    sse_rand_hex(sig, sizeof(sig), 32);
    cJSON_AddStringToObject(claims, "iss", "IROH Auth");
    cJSON_AddStringToObject(claims, "sub", client_id);
    cJSON_AddStringToObject(claims, "org", org);
    cJSON_AddStringToObject(claims, "region", region);
    cJSON_AddStringToObject(claims, "scope", scope);
    cJSON_AddStringToObject(claims, "jti", jti);
    cJSON_AddNumberToObject(claims, "iat", (double)(now / 1000));
    cJSON_AddNumberToObject(claims, "exp", (double)(exp / 1000));
    payload = cm_json_print(claims);
    cJSON_Delete(claims);
    h64 = ctr_b64url(header, strlen(header));
    p64 = ctr_b64url(payload, strlen(payload));
    jwt = cm_asprintf("%s.%s.%s", h64, p64, sig);
    free(payload);
    free(h64);
    free(p64);
    return jwt;
}

int ctr_token(struct mk_request *req, struct mk_response *resp)
{
    struct ctr *c = req->svc->data;
    const char *auth = mk_req_header(req, "Authorization"), *org = NULL, *colon;
    char creds[600], id[260], secret[260], grant[64];
    cJSON *client, *tok, *out, *body_json = NULL;
    struct cm_buf scope;
    const cJSON *s;
    int64_t ttl = CTR_DEFAULT_TTL_MS;
    char *jwt, when[40];
    int have_grant;

    if (req->body_len > CTR_BODY_MAX) {
        ctr_error(req, resp, 413, "body_too_large", "the request body is larger than 1 MiB");
        return MK_DONE;
    }
    id[0] = secret[0] = '\0';
    if (auth && strncasecmp(auth, "Basic ", 6) == 0) {
        if (strlen(auth + 6) > 800 || ctr_b64_decode(auth + 6, creds, sizeof(creds)) != 0 ||
            (colon = strchr(creds, ':')) == NULL || (size_t)(colon - creds) >= sizeof(id) ||
            strlen(colon + 1) >= sizeof(secret)) {
            oauth_error(req, resp, 401, "invalid_client", "invalid_client",
                        "malformed Basic credentials: send base64(client_id:client_password)");
            return MK_DONE;
        }
        memcpy(id, creds, (size_t)(colon - creds));
        id[colon - creds] = '\0';
        cm_strlcpy(secret, colon + 1, sizeof(secret));
    } else {
        ctr_form_get(req->body, req->body_len, "client_id", id, sizeof(id));
        ctr_form_get(req->body, req->body_len, "client_secret", secret, sizeof(secret));
    }
    if (id[0] == '\0') {
        oauth_error(req, resp, 401, "invalid_client", "missing_credentials",
                    "client authentication required: send Authorization: Basic "
                    "base64(client_id:client_password)");
        return MK_DONE;
    }
    client = find_client(c, id, secret, &org);
    if (client == NULL) {
        oauth_error(req, resp, 401, "invalid_client", "invalid_client",
                    "client authentication failed: unknown client id or wrong password for this "
                    "region");
        mk_req_detail(req, "client %.64s", id);
        return MK_DONE;
    }
    have_grant = ctr_form_get(req->body, req->body_len, "grant_type", grant, sizeof(grant));
    if (!have_grant && req->body_len && req->body[0] == '{') {
        body_json = cm_json_parse(req->body, req->body_len, "body", NULL);
        if (cm_json_str(body_json, "grant_type", NULL)) {
            cm_strlcpy(grant, cm_json_str(body_json, "grant_type", ""), sizeof(grant));
            have_grant = 1;
        }
        cJSON_Delete(body_json);
    }
    if (!have_grant) {
        oauth_error(req, resp, 400, "invalid_request", "invalid_request",
                    "missing grant_type: send the form body grant_type=client_credentials");
        return MK_DONE;
    }
    if (strcmp(grant, "client_credentials") != 0) {
        oauth_error(req, resp, 400, "unsupported_grant_type", "unsupported_grant_type",
                    "only grant_type=client_credentials is supported");
        return MK_DONE;
    }
    cm_buf_init(&scope, 4096);
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(client, "scopes"))
    {
        if (scope.len)
            cm_buf_putc(&scope, ' ');
        cm_buf_puts(&scope, s->valuestring);
    }
    cm_duration_parse(cm_json_str(c->state, "token_ttl", "10m"), &ttl);
    jwt = make_jwt(org, id, cm_buf_str(&scope), req->now_ms, req->now_ms + ttl,
                   req->svc->variant[0] ? req->svc->variant : "nam");
    purge_tokens(cJSON_GetObjectItemCaseSensitive(c->state, "tokens"), req->now_ms);
    tok = cJSON_AddObjectToObject(cJSON_GetObjectItemCaseSensitive(c->state, "tokens"), jwt);
    cJSON_AddStringToObject(tok, "org", org);
    cJSON_AddStringToObject(tok, "client_id", id);
    sse_time(req->now_ms, when, sizeof(when));
    cJSON_AddStringToObject(tok, "issued", when);
    sse_time(req->now_ms + ttl, when, sizeof(when));
    cJSON_AddStringToObject(tok, "expires", when);
    cJSON_AddStringToObject(tok, "scope", cm_buf_str(&scope));
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "access_token", jwt);
    cJSON_AddStringToObject(out, "token_type", "bearer");
    cJSON_AddNumberToObject(out, "expires_in", (double)(ttl / 1000));
    cJSON_AddStringToObject(out, "scope", cm_buf_str(&scope));
    mk_resp_json(resp, 200, out);
    mk_req_verdict(req, "token_issued");
    mk_req_detail(req, "client %.64s org %.48s", id, org);
    cm_buf_release(&scope);
    free(jwt);
    return MK_DONE;
}

/* ---- bearer check and rate limit ---- */

/* 1 when the space-separated list holds scope. */
static int has_scope(const char *list, const char *scope)
{
    size_t n = strlen(scope);

    while (*list) {
        size_t w = strcspn(list, " ");
        if (w == n && strncmp(list, scope, n) == 0)
            return 1;
        list += w;
        list += strspn(list, " ");
    }
    return 0;
}

/* Counts one request of org in the rolling window; 0, or the ms until a slot frees when the
 * limit is reached (the request is then not counted). */
static int64_t rate_take(struct ctr *c, const char *org, int64_t now)
{
    const cJSON *rl = cJSON_GetObjectItemCaseSensitive(c->state, "rate_limit");
    cJSON *usage = cJSON_GetObjectItemCaseSensitive(c->state, "usage"), *b, *next, *arr;
    double limit = cm_json_num(rl, "limit", CTR_DEFAULT_LIMIT), sum = 0;
    int64_t window = 3600000, sec = now - now % 1000, oldest = -1;

    cm_duration_parse(cm_json_str(rl, "window", "1h"), &window);
    arr = cJSON_GetObjectItemCaseSensitive(usage, org);
    if (arr == NULL)
        arr = cJSON_AddArrayToObject(usage, org);
    for (b = arr->child; b; b = next) {
        int64_t t = (int64_t)cJSON_GetArrayItem(b, 0)->valuedouble;
        next = b->next;
        if (t <= now - window) {
            cJSON_Delete(cJSON_DetachItemViaPointer(arr, b));
            continue;
        }
        if (oldest < 0)
            oldest = t;
        sum += cJSON_GetArrayItem(b, 1)->valuedouble;
    }
    if (sum >= limit)
        return oldest + window - now > 0 ? oldest + window - now : 1;
    b = cJSON_GetArrayItem(arr, cJSON_GetArraySize(arr) - 1);
    if (b && (int64_t)cJSON_GetArrayItem(b, 0)->valuedouble == sec) {
        cJSON *n = cJSON_GetArrayItem(b, 1);
        cJSON_SetNumberValue(n, n->valuedouble + 1);
    } else {
        cJSON *nb = cJSON_CreateArray();
        cJSON_AddItemToArray(nb, cJSON_CreateNumber((double)sec));
        cJSON_AddItemToArray(nb, cJSON_CreateNumber(1));
        cJSON_AddItemToArray(arr, nb);
    }
    return 0;
}

static void bearer_error(struct mk_request *req, struct mk_response *resp, const char *verdict,
                         const char *message)
{
    char *h = cm_asprintf("Bearer realm=\"IROH\", error=\"invalid_token\", "
                          "error_description=\"%s\"",
                          message);

    ctr_error(req, resp, 401, "invalid_token", message);
    mk_req_verdict(req, verdict);
    mk_resp_header(resp, "WWW-Authenticate", h);
    free(h);
}

const char *ctr_authorize(struct mk_request *req, struct mk_response *resp, const char *scope)
{
    struct ctr *c = req->svc->data;
    const char *auth = mk_req_header(req, "Authorization"), *org;
    const cJSON *rl = cJSON_GetObjectItemCaseSensitive(c->state, "rate_limit");
    cJSON *tok, *o;
    int64_t exp = 0, wait;
    char *msg;

    if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0 || auth[7] == '\0') {
        bearer_error(req, resp, "missing_token",
                     "no access token: send Authorization: Bearer <access_token> from "
                     "/iroh/oauth2/token");
        return NULL;
    }
    tok = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c->state, "tokens"),
                                           auth + 7);
    if (tok == NULL || (o = ctr_org(c, cm_json_str(tok, "org", NULL))) == NULL) {
        bearer_error(req, resp, "invalid_token",
                     "unknown access token (tokens are per region: ask this region's "
                     "/iroh/oauth2/token)");
        return NULL;
    }
    if (sse_time_get(tok, "expires", &exp) != 0 || req->now_ms >= exp) {
        bearer_error(req, resp, "token_expired",
                     "the access token has expired: request a new one from /iroh/oauth2/token");
        return NULL;
    }
    org = o->string;
    mk_req_detail(req, "org %.48s client %.48s", org, cm_json_str(tok, "client_id", ""));
    mk_resp_headerf(resp, "X-Ratelimit-Org-Limit", "%.0f",
                    cm_json_num(rl, "limit", CTR_DEFAULT_LIMIT));
    if ((wait = rate_take(c, org, req->now_ms)) > 0) {
        msg = cm_asprintf("too many requests: this organization is limited to %.0f requests per "
                          "%s",
                          cm_json_num(rl, "limit", CTR_DEFAULT_LIMIT),
                          cm_json_str(rl, "window", "1h"));
        ctr_error(req, resp, 429, "too_many_requests", msg);
        mk_req_verdict(req, "rate_limited");
        if (cm_json_bool(rl, "retry_after", 0))
            mk_resp_headerf(resp, "Retry-After", "%lld", (long long)((wait + 999) / 1000));
        free(msg);
        return NULL;
    }
    if (scope && !has_scope(cm_json_str(tok, "scope", ""), scope)) {
        msg = cm_asprintf("the API client lacks the '%s' scope needed here", scope);
        ctr_error(req, resp, 403, "insufficient_scope", msg);
        free(msg);
        return NULL;
    }
    return org;
}
