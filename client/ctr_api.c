/*
 * ctr_api.c: the Threat Response session: regions and base URL, the OAuth2
 * client-credentials token, one authenticated call with its three hooks, and
 * the judgement of every answer into an exit code and a message.
 *
 * A call is one rc_http_do() whose hooks share a struct call: prepare fetches
 * the token when there is none or when decide asked for a new one (so the
 * token request is itself a retried, logged request) and sets the bearer;
 * decide turns the first 401 into "new token, retry at once"; wait reads the
 * vendor's reset header of a 429. Error bodies of IROH are not confirmed by
 * the vendor notes (2.2: "exact IROH JSON body UNCONFIRMED"): the client reads
 * the three shapes clients meet ({"errors": [...]}, OAuth's {"error": "x"},
 * {"error": {...}}) and otherwise relies on the HTTP status.
 */
#include "client/ctr_api.h"

#include "client/retry.h"
#include "common/json.h"
#include "common/libcrypto.h"
#include "common/log.h"
#include "common/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct rc_ctr_region regions[] = {
    {"nam", "AMERICAS", "https://visibility.amp.cisco.com", "SECMOCK_CTR_NAM_URL"},
    {"eu", "EUROPE", "https://visibility.eu.amp.cisco.com", "SECMOCK_CTR_EU_URL"},
    {"apjc", "APJC", "https://visibility.apjc.amp.cisco.com", "SECMOCK_CTR_APJC_URL"},
};

const struct rc_ctr_region *rc_ctr_region_find(const char *name)
{
    static const struct {
        const char *alias;
        int idx;
    } aliases[] = {{"nam", 0},    {"na", 0},   {"us", 0},  {"americas", 0}, {"eu", 1},
                   {"europe", 1}, {"apjc", 2}, {"apj", 2}, {"asia", 2}};
    size_t i;

    if (name == NULL)
        return NULL;
    for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strcasecmp(aliases[i].alias, name) == 0)
            return &regions[aliases[i].idx];
    return NULL;
}

/* The region whose vendor host is url's host, or NULL. */
static const struct rc_ctr_region *region_of_url(const char *url)
{
    size_t i;

    for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
        size_t n = strlen(regions[i].host);
        if (strncasecmp(url, regions[i].host, n) == 0 && (url[n] == '\0' || url[n] == '/'))
            return &regions[i];
    }
    return NULL;
}

static int session_fail(struct rc_ctr_session *s, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int session_fail(struct rc_ctr_session *s, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
    va_end(ap);
    s->exit_code = code;
    return CM_EINVAL;
}

static int missing(const char *v)
{
    return v == NULL || *v == '\0';
}

int rc_ctr_session_init(struct rc_ctr_session *s, struct rc_ctx *ctx, const struct rc_ctr_creds *c)
{
    const char *url = NULL;
    size_t n;

    memset(s, 0, sizeof(s[0]));
    s->ctx = ctx;
    s->region = rc_ctr_region_find(c->region ? c->region : "nam");
    if (s->region == NULL)
        return session_fail(s, RC_EXIT_USAGE,
                            "--region: invalid region '%s', must be one of nam, eu, apjc (the "
                            "Threat Response cloud of the account: Americas, Europe, Asia "
                            "Pacific)",
                            c->region);
    if (!missing(c->base_url)) {
        url = c->base_url;
        s->region = region_of_url(url);
    } else {
        url = getenv(s->region->env);
        if (missing(url) && s->region == &regions[0])
            url = getenv("SECMOCK_CTR_URL");
        if (missing(url))
            url = s->region->host;
    }
    if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
        return session_fail(s, RC_EXIT_USAGE,
                            "--base-url: expected the https:// URL of the Threat Response API "
                            "(such as https://visibility.eu.amp.cisco.com), got '%s'",
                            url);
    n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    s->base_url = cm_strndup(url, n);
    s->client_id = cm_strdup(c->client_id);
    s->client_secret = cm_strdup(c->client_secret);
    if (missing(c->client_id) || missing(c->client_secret))
        return session_fail(s, RC_EXIT_USAGE,
                            "Threat Response needs an API client: give --client-id and "
                            "--client-secret (or CTR_CLIENT_ID and CTR_CLIENT_SECRET); create "
                            "one in Threat Response under Settings > API Clients");
    return 0;
}

void rc_ctr_session_release(struct rc_ctr_session *s)
{
    free(s->base_url);
    free(s->client_id);
    if (s->client_secret)
        memset(s->client_secret, 0, strlen(s->client_secret));
    free(s->client_secret);
    free(s->token);
    memset(s, 0, sizeof(*s));
}

char *rc_ctr_basic_auth(const char *id, const char *secret)
{
    char *up = cm_asprintf("%s:%s", id, secret);
    size_t n = strlen(up);
    char *enc = cm_malloc(4 * ((n + 2) / 3) + 1), *out;

    if (cm_base64(up, n, enc) != 0)
        abort(); /* the client loaded libcrypto before it ran (client/main.c) */
    out = cm_asprintf("Basic %s", (const char *)enc);
    memset(up, 0, n);
    free(up);
    free(enc);
    return out;
}

/* ---- judging answers ---- */

void rc_ctr_first_error(const cJSON *body, const char **code, const char **message)
{
    const cJSON *errs = cJSON_GetObjectItemCaseSensitive(body, "errors");
    const cJSON *e0 = cJSON_IsArray(errs) ? cJSON_GetArrayItem(errs, 0) : NULL;
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(body, "error");

    *code = "";
    *message = "";
    if (cJSON_IsObject(e0)) {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(e0, "code");
        *code = cJSON_IsString(c) ? c->valuestring : cm_json_str(e0, "error", "");
        *message = cm_json_str(e0, "message", cm_json_str(e0, "description", ""));
    } else if (cJSON_IsString(err)) {
        *code = err->valuestring;
        *message = cm_json_str(body, "error_description", cm_json_str(body, "message", ""));
    } else if (cJSON_IsObject(err)) {
        *code = cm_json_str(err, "code", "");
        *message = cm_json_str(err, "message", "");
    } else if (cJSON_IsObject(errs)) {
        /* {"errors": {"invalid_key": "disallowed-key"}} (vendor notes 2.7) */
        const cJSON *first = errs->child;
        if (first && first->string) {
            *code = first->string;
            *message = cJSON_IsString(first) ? first->valuestring : "";
        }
    }
    if (**message == '\0')
        *message = cm_json_str(body, "message", "");
}

static void said(struct cm_buf *b, long status, const char *code, const char *message)
{
    cm_buf_printf(b, " (%ld", status);
    if (*code)
        cm_buf_printf(b, " %s", code);
    if (*message)
        cm_buf_printf(b, ": %s", message);
    cm_buf_putc(b, ')');
}

static const char *op_what(enum rc_ctr_op op)
{
    switch (op) {
    case RC_CTR_OP_TOKEN:
        return "the token request";
    case RC_CTR_OP_INSPECT:
        return "inspect";
    case RC_CTR_OP_OBSERVE:
        return "the enrichment (observe)";
    case RC_CTR_OP_RESPOND:
        return "the list of response actions";
    case RC_CTR_OP_TRIGGER:
        return "the response action";
    case RC_CTR_OP_DEVICES:
        return "the device list";
    case RC_CTR_OP_MODULES:
        return "the module list";
    }
    return "the request";
}

static const char *op_scope(enum rc_ctr_op op)
{
    switch (op) {
    case RC_CTR_OP_INSPECT:
        return "inspect:read";
    case RC_CTR_OP_OBSERVE:
        return "enrich:read";
    case RC_CTR_OP_RESPOND:
    case RC_CTR_OP_TRIGGER:
        return "response";
    case RC_CTR_OP_DEVICES:
        return "sse";
    case RC_CTR_OP_MODULES:
        return "integration";
    case RC_CTR_OP_TOKEN:
        break;
    }
    return "oauth";
}

static void where(struct cm_buf *b, const struct rc_ctr_explain_in *in)
{
    if (in->region)
        cm_buf_printf(b, "region %s, %s", in->region->name, in->base_url ? in->base_url : "");
    else
        cm_buf_printf(b, "%s", in->base_url ? in->base_url : "the --base-url");
}

int rc_ctr_explain(const struct rc_ctr_explain_in *in, struct cm_buf *b)
{
    const char *code = "", *message = "";
    long st = in->status;

    if (st >= 200 && st < 300)
        return 0;
    rc_ctr_first_error(in->body, &code, &message);
    if (in->op == RC_CTR_OP_TOKEN && (st == 400 || st == 401 || st == 403)) {
        cm_buf_printf(b, "Threat Response refused the API client credentials of '%s'",
                      in->client_id ? in->client_id : "");
        said(b, st, code, message);
        cm_buf_puts(b, ". Check --client-id and --client-secret (Threat Response > Settings > API "
                       "Clients; the secret is shown only once: generate a new client if it is "
                       "lost) and the region: an API client works only in the cloud of the "
                       "account that created it (");
        where(b, in);
        cm_buf_puts(b, "; --region nam|eu|apjc).");
        return RC_CISCO_EXIT_AUTH;
    }
    if (st == 401) {
        cm_buf_printf(b, "Threat Response refused the access token for %s, even a new one",
                      op_what(in->op));
        said(b, st, code, message);
        cm_buf_puts(b, ". Check that the API client is still enabled (Settings > API Clients) in "
                       "this region (");
        where(b, in);
        cm_buf_puts(b, ").");
        return RC_CISCO_EXIT_AUTH;
    }
    if (st == 403) {
        cm_buf_printf(b, "Threat Response does not allow %s to this API client", op_what(in->op));
        said(b, st, code, message);
        cm_buf_printf(b,
                      ". Give the API client the '%s' scope (Settings > API Clients > edit), "
                      "or use a client that has it.",
                      op_scope(in->op));
        return RC_CISCO_EXIT_AUTH;
    }
    if (st == 429) {
        cm_buf_printf(b, "Threat Response is still limiting the request rate after %d %s",
                      in->tries, in->tries == 1 ? "try" : "tries");
        said(b, st, code, message);
        cm_buf_printf(b,
                      ". The limit is per organisation (X-Ratelimit-Org-Limit: %s requests in a "
                      "rolling hour) and shared by every API client and integration of the "
                      "organisation: try again later, or make fewer requests.",
                      in->limit && *in->limit ? in->limit : "8000");
        return RC_EXIT_REMOTE;
    }
    if (st >= 500) {
        cm_buf_printf(b, "Threat Response answered %ld to %s after %d %s", st, op_what(in->op),
                      in->tries, in->tries == 1 ? "try" : "tries");
        if (*code || *message)
            cm_buf_printf(b, ": %s%s%s", code, *code && *message ? ": " : "", message);
        cm_buf_puts(b, "; try again later.");
        return RC_EXIT_REMOTE;
    }
    if (st == 404 && in->op == RC_CTR_OP_TOKEN) {
        cm_buf_puts(b, "no Threat Response token endpoint at ");
        where(b, in);
        cm_buf_puts(b, " (404): check --base-url or --region.");
        return RC_EXIT_USAGE;
    }
    cm_buf_printf(b, "Threat Response refused %s", op_what(in->op));
    said(b, st, code, message);
    if (!*code && !*message && in->raw && *in->raw)
        cm_buf_printf(b, ": '%.200s'", in->raw);
    cm_buf_putc(b, '.');
    return RC_EXIT_REMOTE;
}

int rc_ctr_rate_limit_wait(const struct cm_http_response *resp, int64_t *wait_ms)
{
    static const char *const names[] = {"X-Ratelimit-Org-Reset", "X-RateLimit-Reset", NULL};
    const char *const *n;
    char v[64];

    for (n = names; *n; n++)
        if (cm_http_header(resp, *n, v, sizeof(v)) == 0 &&
            rc_reset_wait_parse(v, 1000.0, wait_ms) == 0)
            return 0;
    return CM_ENOENT;
}

/* ---- one call ---- */

struct call {
    struct rc_ctr_session *s;
    int auth; /* 1: bearer */
    int tries;
    int token_wanted, retokened;
    int hook_failed;
};

static int perform(struct rc_ctr_session *s, enum rc_ctr_op op, const char *method,
                   const char *path, const char *content_type, const char *body, int auth,
                   cJSON **doc);

static int fetch_token(struct rc_ctr_session *s)
{
    cJSON *doc = NULL;
    const char *tok;
    int rc;

    rc = perform(s, RC_CTR_OP_TOKEN, "POST", "/iroh/oauth2/token",
                 "application/x-www-form-urlencoded", "grant_type=client_credentials", 0, &doc);
    if (rc)
        return rc;
    tok = cm_json_str(doc, "access_token", NULL);
    if (tok == NULL || *tok == '\0') {
        cJSON_Delete(doc);
        return session_fail(s, RC_CISCO_EXIT_AUTH,
                            "Threat Response answered the token request without an access_token; "
                            "check --base-url (%s)",
                            s->base_url);
    }
    free(s->token);
    s->token = cm_strdup(tok);
    s->tokens++;
    cm_debug("got a Threat Response access token (%s s, scope '%s')",
             cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(doc, "expires_in")) ? "expires_in set"
                                                                                 : "no expires_in",
             cm_json_str(doc, "scope", ""));
    cJSON_Delete(doc);
    return 0;
}

static int prepare(void *ud, int attempt, struct rc_headers *h, struct cm_err *err)
{
    struct call *c = ud;
    struct rc_ctr_session *s = c->s;
    char *v;
    int rc;

    c->tries = attempt + 1;
    if (!c->auth) {
        v = rc_ctr_basic_auth(s->client_id, s->client_secret);
        rc_headers_set(h, "Authorization", v);
        free(v);
        return 0;
    }
    if (s->token == NULL || c->token_wanted) {
        c->token_wanted = 0;
        rc = fetch_token(s);
        if (rc) {
            c->hook_failed = 1;
            return cm_fail(err, rc, "%s", s->msg);
        }
    }
    v = cm_asprintf("Bearer %s", s->token);
    rc_headers_set(h, "Authorization", v);
    free(v);
    return 0;
}

static enum rc_http_verdict decide(void *ud, const struct cm_http_response *resp, int attempt)
{
    struct call *c = ud;

    (void)attempt;
    if (c->auth && resp->status == 401 && !c->retokened) {
        c->retokened = 1;
        c->token_wanted = 1;
        cm_info("the Threat Response access token was refused (401, expired after 10 minutes?); "
                "fetching a new one");
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
    return rc_ctr_rate_limit_wait(resp, wait_ms);
}

static int perform(struct rc_ctr_session *s, enum rc_ctr_op op, const char *method,
                   const char *path, const char *content_type, const char *body, int auth,
                   cJSON **doc)
{
    struct call c;
    struct rc_http_hooks hooks = {prepare, decide, wait_hook, NULL};
    struct rc_http_req req = {0};
    struct cm_http_response resp;
    struct rc_ctr_explain_in in;
    struct cm_err err = {{0}};
    const char *headers[3];
    char ct[96], limit[64];
    struct cm_buf msg;
    cJSON *parsed = NULL;
    char *url = cm_asprintf("%s%s", s->base_url, path);
    int rc, code, n = 0;

    memset(&c, 0, sizeof(c));
    c.s = s;
    c.auth = auth;
    hooks.ud = &c;
    headers[n++] = "Accept: application/json";
    if (body) {
        snprintf(ct, sizeof(ct), "Content-Type: %s", content_type);
        headers[n++] = ct;
    }
    headers[n] = NULL;
    req.method = method;
    req.url = url;
    req.headers = headers;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    req.hooks = &hooks;
    cm_http_response_init(&resp);
    cm_buf_init(&msg, 0);
    if (doc)
        *doc = NULL;
    rc = rc_http_do(s->ctx->http, &req, &resp, &err);
    if (rc) {
        if (!c.hook_failed) {
            snprintf(s->msg, sizeof(s->msg),
                     "%s; check that this host reaches Threat Response at %s (--region, "
                     "--base-url)",
                     err.msg, s->base_url);
            s->exit_code = rc_exit_for(rc);
        }
        goto out;
    }
    if (resp.body.len)
        parsed = cm_json_parse(resp.body.data, resp.body.len, "answer", NULL);
    memset(&in, 0, sizeof(in));
    in.op = op;
    in.status = resp.status;
    in.body = parsed;
    in.raw = cm_buf_str(&resp.body);
    in.tries = c.tries;
    in.client_id = s->client_id;
    in.base_url = s->base_url;
    in.region = s->region;
    if (cm_http_header(&resp, "X-Ratelimit-Org-Limit", limit, sizeof(limit)) == 0)
        in.limit = limit;
    code = rc_ctr_explain(&in, &msg);
    if (code) {
        snprintf(s->msg, sizeof(s->msg), "%s", cm_buf_str(&msg));
        s->exit_code = code;
        rc = CM_EPROTO;
        goto out;
    }
    if (resp.body.len && parsed == NULL) {
        snprintf(s->msg, sizeof(s->msg),
                 "Threat Response answered %s with something else than "
                 "JSON: '%.200s'",
                 op_what(op), cm_buf_str(&resp.body));
        s->exit_code = RC_EXIT_REMOTE;
        rc = CM_EPROTO;
        goto out;
    }
    if (doc) {
        *doc = parsed;
        parsed = NULL;
    }
out:
    cJSON_Delete(parsed);
    cm_buf_release(&msg);
    cm_http_response_release(&resp);
    free(url);
    return rc;
}

int rc_ctr_call(struct rc_ctr_session *s, enum rc_ctr_op op, const char *method, const char *path,
                const char *body, cJSON **doc)
{
    return perform(s, op, method, path, "application/json", body, 1, doc);
}
