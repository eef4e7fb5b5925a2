/*
 * http_cmd.c: `secmock client http [options] URL`, one request through the
 * client's HTTP layer (CA, source address, time-outs, retries, Retry-After
 * on the client clock), printed as
 *
 *     {"status": 200, "attempts": 1, "waited_ms": 0,
 *      "headers": {"content-type": "application/json", ...}, "body": <JSON or string>}
 *
 * It lets scenarios exercise the client's plumbing against any service
 * before a vendor flow exists. Header names are lower-cased; a repeated
 * header's values are joined with ", ". The body is the parsed JSON when it
 * is JSON, else a string.
 */
#include "client/client.h"

#include "common/fsutil.h"
#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DATA_FILE_MAX (64u * 1024 * 1024)

static const struct rc_opt http_opts[] = {
    {"request.method", "--method", "-X", NULL, RC_OPT_STRING, NULL, "METHOD",
     "request method (default GET, or POST with --data)"},
    {"request.headers", "--header", "-H", NULL, RC_OPT_LIST, NULL, "'NAME: VALUE'",
     "add a request header; may be repeated"},
    {"request.data", "--data", "-d", NULL, RC_OPT_STRING, NULL, "BODY",
     "request body; @FILE reads it from FILE"},
    {NULL, NULL, NULL, NULL, RC_OPT_STRING, NULL, NULL, NULL},
};

/* The answer's headers as an object of lower-cased names. */
static cJSON *headers_object(const struct cm_http_response *resp)
{
    cJSON *obj = cJSON_CreateObject();
    const char *p = cm_buf_str(&resp->headers);

    while (*p) {
        size_t n = strcspn(p, "\r\n"), k;
        const char *colon = memchr(p, ':', n);

        if (colon && strncmp(p, "HTTP/", 5) != 0) {
            char *name = cm_strndup(p, (size_t)(colon - p));
            const char *v = colon + 1;
            size_t vlen;
            char *value;
            cJSON *old;

            for (k = 0; name[k]; k++)
                name[k] = (char)tolower((unsigned char)name[k]);
            while (*v == ' ' || *v == '\t')
                v++;
            vlen = (size_t)(p + n - v);
            while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                vlen--;
            value = cm_strndup(v, vlen);
            old = cJSON_GetObjectItemCaseSensitive(obj, name);
            if (old) {
                char *joined = cm_asprintf("%s, %s", old->valuestring, value);
                cJSON_ReplaceItemInObjectCaseSensitive(obj, name, cJSON_CreateString(joined));
                free(joined);
            } else {
                cJSON_AddStringToObject(obj, name, value);
            }
            free(value);
            free(name);
        }
        p += n;
        p += strspn(p, "\r\n");
    }
    return obj;
}

static int run_http(struct rc_ctx *ctx)
{
    const char *method = NULL, *data = NULL, *url;
    const char **lines = NULL;
    struct rc_headers hdrs;
    struct rc_http_req req = {0};
    struct cm_http_response resp;
    struct cm_err err = {{0}};
    char *file_body = NULL;
    size_t n_lines = 0, body_len = 0, i;
    cJSON *out = NULL, *body;
    int rc, code = RC_EXIT_USAGE;

    rc_headers_init(&hdrs);
    cm_http_response_init(&resp);
    if (ctx->cfg.n_args != 1) {
        cm_error("http: expected one URL, got %zu operands (see --help)", ctx->cfg.n_args);
        goto out;
    }
    url = ctx->cfg.args[0];
    if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0) {
        cm_error("http: expected an http:// or https:// URL, got '%s'", url);
        goto out;
    }
    if (((rc = rc_config_string(&ctx->cfg, "request.method", &method, &err)) && rc != CM_ENOENT) ||
        ((rc = rc_config_string(&ctx->cfg, "request.data", &data, &err)) && rc != CM_ENOENT) ||
        ((rc = rc_config_list(&ctx->cfg, "request.headers", &lines, &n_lines, &err)) &&
         rc != CM_ENOENT)) {
        cm_error("%s", err.msg);
        goto out;
    }
    for (i = 0; i < n_lines; i++) {
        const char *colon = strchr(lines[i], ':');
        if (colon == NULL || colon == lines[i]) {
            cm_error("--header: expected 'NAME: VALUE', got '%s'", lines[i]);
            goto out;
        }
        rc_headers_add_line(&hdrs, lines[i]);
    }
    if (data && data[0] == '@') {
        rc = cm_read_file(data + 1, DATA_FILE_MAX, &file_body, &body_len);
        if (rc) {
            cm_error("--data: cannot read '%s': %s", data + 1, cm_strerror(rc));
            goto out;
        }
        data = file_body;
    } else if (data) {
        body_len = strlen(data);
    }
    if (data && rc_headers_get(&hdrs, "Content-Type") == NULL) {
        size_t k = strspn(data, " \t\r\n");
        rc_headers_add_line(&hdrs, k < body_len && (data[k] == '{' || data[k] == '[')
                                       ? "Content-Type: application/json"
                                       : "Content-Type: application/x-www-form-urlencoded");
    }
    req.method = method ? method : data ? "POST" : "GET";
    req.url = url;
    req.headers = rc_headers_list(&hdrs);
    req.body = data;
    req.body_len = body_len;
    rc = rc_http_do(ctx->http, &req, &resp, &err);
    if (rc) {
        cm_error("%s", err.msg);
        code = rc_exit_for(rc);
        goto out;
    }
    out = cJSON_CreateObject();
    cJSON_AddNumberToObject(out, "status", (double)resp.status);
    cJSON_AddNumberToObject(out, "attempts", ctx->http->last_attempts);
    cJSON_AddNumberToObject(out, "waited_ms", (double)ctx->http->last_waited_ms);
    cJSON_AddItemToObject(out, "headers", headers_object(&resp));
    body = resp.body.len ? cm_json_parse(resp.body.data, resp.body.len, "body", NULL) : NULL;
    cJSON_AddItemToObject(out, "body", body ? body : cJSON_CreateString(cm_buf_str(&resp.body)));
    if (rc_output_json(&ctx->out, out, &err) || rc_output_flush(&ctx->out, &err)) {
        cm_error("%s", err.msg);
        code = RC_EXIT_USAGE;
        goto out;
    }
    code = resp.status >= 200 && resp.status <= 299 ? RC_EXIT_OK : RC_EXIT_REMOTE;
out:
    cJSON_Delete(out);
    free(file_body);
    free(lines);
    cm_http_response_release(&resp);
    rc_headers_release(&hdrs);
    return code;
}

const struct rc_command rc_http_command = {
    "http",
    "send one request through the client's HTTP layer and print the answer as JSON",
    "[options] URL",
    "Performs the request with the client's TLS trust, source address, time-outs and\n"
    "retries (connection errors, time-outs, 5xx and 429; Retry-After is honoured on\n"
    "the client clock), then prints {\"status\", \"attempts\", \"waited_ms\", \"headers\",\n"
    "\"body\"}. Exit 0 on a 2xx answer, 1 on any other status, 3 when no answer came.\n",
    http_opts,
    run_http,
};
