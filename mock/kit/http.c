/*
 * http.c: request accessors, response building and the router.
 */
#include "mock/kit/http.h"

#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"
#include "mock/kit/service.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *mk_req_header(const struct mk_request *req, const char *name)
{
    return req->lookup ? req->lookup(req, 0, name) : NULL;
}

const char *mk_req_query(const struct mk_request *req, const char *name)
{
    return req->lookup ? req->lookup(req, 1, name) : NULL;
}

void mk_req_verdict(struct mk_request *req, const char *verdict)
{
    cm_strlcpy(req->verdict, verdict, sizeof(req->verdict));
}

void mk_req_detail(struct mk_request *req, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(req->detail, sizeof(req->detail), fmt, ap);
    va_end(ap);
}

/* The fake's table: headers as given, query split into decoded-free pairs. */
struct fake_conn {
    const char *const *headers;
    char *query_copy;
    char *names[64];
    char *values[64];
    int nargs;
};

static const char *fake_lookup(const struct mk_request *req, int query, const char *name)
{
    const struct fake_conn *fc = req->conn;
    size_t nlen = strlen(name);
    const char *const *h;
    int i;

    if (query) {
        for (i = 0; i < fc->nargs; i++)
            if (strcmp(fc->names[i], name) == 0)
                return fc->values[i];
        return NULL;
    }
    for (h = fc->headers; h && *h; h++) {
        if (strncasecmp(*h, name, nlen) == 0 && (*h)[nlen] == ':') {
            const char *v = *h + nlen + 1;
            while (*v == ' ')
                v++;
            return v;
        }
    }
    return NULL;
}

void mk_req_fake(struct mk_request *req, const char *method, const char *path,
                 const char *const *headers, const char *query, const char *body)
{
    struct fake_conn *fc = cm_calloc(1, sizeof(*fc));
    char *p, *next;

    memset(req, 0, sizeof(*req));
    req->method = method;
    req->path = path;
    req->query = query ? query : "";
    req->peer = "127.0.0.1";
    req->body = body ? body : "";
    req->body_len = strlen(req->body);
    fc->headers = headers;
    fc->query_copy = cm_strdup(req->query);
    for (p = fc->query_copy; p && *p && fc->nargs < 64; p = next) {
        char *eq;
        next = strchr(p, '&');
        if (next)
            *next++ = '\0';
        eq = strchr(p, '=');
        if (eq)
            *eq++ = '\0';
        fc->names[fc->nargs] = p;
        fc->values[fc->nargs++] = eq ? eq : p + strlen(p);
    }
    req->conn = fc;
    req->lookup = fake_lookup;
    cm_strlcpy(req->verdict, "ok", sizeof(req->verdict));
}

void mk_req_fake_release(struct mk_request *req)
{
    struct fake_conn *fc = req->conn;

    if (fc) {
        free(fc->query_copy);
        free(fc);
    }
    req->conn = NULL;
}

void mk_resp_init(struct mk_response *r)
{
    memset(r, 0, sizeof(*r));
    r->status = 200;
    cm_buf_init(&r->body, 0);
    cm_strlcpy(r->content_type, "application/json", sizeof(r->content_type));
}

void mk_resp_release(struct mk_response *r)
{
    int i;

    for (i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    r->nheaders = 0;
    cm_buf_release(&r->body);
}

void mk_resp_header(struct mk_response *r, const char *name, const char *value)
{
    if (r->nheaders >= MK_MAX_RESPONSE_HEADERS) {
        cm_warn("response header '%s' dropped: more than %d headers", name,
                MK_MAX_RESPONSE_HEADERS);
        return;
    }
    r->headers[r->nheaders].name = cm_strdup(name);
    r->headers[r->nheaders].value = cm_strdup(value);
    r->nheaders++;
}

void mk_resp_headerf(struct mk_response *r, const char *name, const char *fmt, ...)
{
    char value[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    mk_resp_header(r, name, value);
}

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when none starts there (a stray
 * continuation byte, an overlong form, a surrogate, past U+10FFFF, or cut short). Never reads
 * past a NUL. */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned c = s[0], lo, hi;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80 ? 4 : 0;
    }
    return 0;
}

char *mk_utf8_clean(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    struct cm_buf b;
    size_t n;

    while (*p && (n = utf8_seq(p)) != 0)
        p += n;
    if (*p == '\0')
        return NULL;
    cm_buf_init(&b, 0);
    cm_buf_append(&b, s, (size_t)(p - (const unsigned char *)s));
    while (*p) {
        n = utf8_seq(p);
        if (n) {
            cm_buf_append(&b, p, n);
            p += n;
        } else {
            cm_buf_puts(&b, "\xEF\xBF\xBD"); /* U+FFFD REPLACEMENT CHARACTER */
            p++;
        }
    }
    return cm_buf_steal(&b, &n);
}

/* Replaces *s, allocated by cJSON, with its cleaned copy when it is not valid UTF-8. */
static void clean_cjson_string(char **s)
{
    char *fixed = *s ? mk_utf8_clean(*s) : NULL;
    size_t n;

    if (fixed == NULL)
        return;
    n = strlen(fixed) + 1;
    cJSON_free(*s);
    *s = cJSON_malloc(n);
    memcpy(*s, fixed, n);
    free(fixed);
}

/* Every string and key of the tree, so that an answer is valid UTF-8 whatever a request or
 * a state carried (an echoed path cut in the middle of a character, a %FF in a query). */
static void clean_tree(cJSON *node)
{
    for (; node; node = node->next) {
        if (!(node->type & cJSON_StringIsConst))
            clean_cjson_string(&node->string);
        if (cJSON_IsString(node) || cJSON_IsRaw(node))
            clean_cjson_string(&node->valuestring);
        clean_tree(node->child);
    }
}

void mk_resp_json(struct mk_response *r, int status, cJSON *doc)
{
    char *s;

    clean_tree(doc);
    s = cm_json_print(doc);

    cJSON_Delete(doc);
    r->status = status;
    cm_strlcpy(r->content_type, "application/json", sizeof(r->content_type));
    cm_buf_reset(&r->body);
    cm_buf_puts(&r->body, s);
    free(s);
}

#define MK_ROW0 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
#define MK_ROW1 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
/* 1 for a byte cJSON prints as is and that is a whole UTF-8 sequence: 0x20 to 0x7F but '"'
 * and '\\'. */
static const unsigned char plain_byte[256] = {
    MK_ROW0, MK_ROW0, /* 0x00-0x1F */
    1,       1,       0,       1,       1,       1,       1,       1,
    1,       1,       1,       1,       1,       1,       1,       1, /* 0x20-0x2F: '"' */
    MK_ROW1, MK_ROW1,                                                 /* 0x30-0x4F */
    1,       1,       1,       1,       1,       1,       1,       1,
    1,       1,       1,       1,       0,       1,       1,       1,        /* 0x50-0x5F: '\\' */
    MK_ROW1, MK_ROW1,                                                        /* 0x60-0x7F */
    MK_ROW0, MK_ROW0, MK_ROW0, MK_ROW0, MK_ROW0, MK_ROW0, MK_ROW0, MK_ROW0}; /* 0x80-0xFF */

char *mk_json_escape(char *out, const char *s)
{
    static const char hex[] = "0123456789abcdef", ctl[] = "\"\\\b\f\n\r\t", named[] = "\"\\bfnrt";
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    const char *k;
    size_t n;

    *out++ = '"';
    for (;;) {
        while (plain_byte[*p])
            *out++ = (char)*p++;
        if (*p == '\0')
            break;
        if (*p < 0x80) { /* cJSON's escapes (print_string_ptr) */
            *out++ = '\\';
            if ((k = strchr(ctl, *p)) != NULL) {
                *out++ = named[k - ctl];
            } else {
                memcpy(out, "u00", 3);
                out[3] = hex[*p >> 4];
                out[4] = hex[*p & 15];
                out += 5;
            }
            p++;
        } else if ((n = utf8_seq(p)) != 0) {
            memcpy(out, p, n);
            out += n;
            p += n;
        } else {
            memcpy(out, "\xEF\xBF\xBD", 3); /* U+FFFD REPLACEMENT CHARACTER */
            out += 3;
            p++;
        }
    }
    *out++ = '"';
    return out;
}

int mk_json_put_string(struct cm_buf *b, const char *s)
{
    char small[6 * 256 + 2], *big = NULL, *end;
    size_t n = s ? strlen(s) : 0;
    int rc;

    if (n > 256)
        big = cm_malloc(6 * n + 2);
    end = mk_json_escape(big ? big : small, s);
    rc = cm_buf_append(b, big ? big : small, (size_t)(end - (big ? big : small)));
    free(big);
    return rc;
}

int mk_json_put(struct cm_buf *b, const cJSON *node)
{
    const cJSON *c;
    char num[64];
    int rc = 0;
    char *raw;

    switch (node->type & 0xFF) {
    case cJSON_False:
        return cm_buf_append(b, "false", 5);
    case cJSON_True:
        return cm_buf_append(b, "true", 4);
    case cJSON_NULL:
        return cm_buf_append(b, "null", 4);
    case cJSON_Number:
        if (!cJSON_PrintPreallocated((cJSON *)node, num, (int)sizeof(num), 0))
            abort();
        return cm_buf_puts(b, num);
    case cJSON_String:
        return mk_json_put_string(b, node->valuestring);
    case cJSON_Raw:
        if (node->valuestring == NULL)
            abort();
        raw = mk_utf8_clean(node->valuestring);
        rc = cm_buf_puts(b, raw ? raw : node->valuestring);
        free(raw);
        return rc;
    case cJSON_Array:
    case cJSON_Object:
        rc = cm_buf_putc(b, cJSON_IsArray(node) ? '[' : '{');
        for (c = node->child; rc == 0 && c; c = c->next) {
            if (c != node->child)
                rc = cm_buf_putc(b, ',');
            if (rc == 0 && cJSON_IsObject(node)) {
                rc = mk_json_put_string(b, c->string);
                rc = rc ? rc : cm_buf_putc(b, ':');
            }
            rc = rc ? rc : mk_json_put(b, c);
        }
        return rc ? rc : cm_buf_putc(b, cJSON_IsArray(node) ? ']' : '}');
    default:
        abort(); /* cJSON cannot print it either */
    }
}

struct cm_buf *mk_resp_json_begin(struct mk_response *r, int status)
{
    r->status = status;
    cm_strlcpy(r->content_type, "application/json", sizeof(r->content_type));
    cm_buf_reset(&r->body);
    return &r->body;
}

void mk_resp_text(struct mk_response *r, int status, const char *content_type, const char *text)
{
    r->status = status;
    cm_strlcpy(r->content_type, content_type, sizeof(r->content_type));
    cm_buf_reset(&r->body);
    cm_buf_puts(&r->body, text);
}

int mk_path_match(const char *pattern, const char *path)
{
    size_t n = strlen(pattern);

    if (n > 0 && pattern[n - 1] == '*')
        return strncmp(pattern, path, n - 1) == 0;
    return strcmp(pattern, path) == 0;
}

void mk_route_dispatch(const struct mk_route *routes, struct mk_request *req,
                       struct mk_response *resp)
{
    const struct mk_route *r;
    int path_seen = 0, method_seen = 0;

    for (r = routes; r && r->path; r++) {
        if (!mk_path_match(r->path, req->path))
            continue;
        path_seen = 1;
        if (strcmp(r->method, "*") != 0 && strcmp(r->method, req->method) != 0)
            continue;
        method_seen = 1;
        if (r->fn(req, resp) == MK_DONE)
            return;
    }
    if (path_seen && !method_seen) {
        mk_req_verdict(req, "method_not_allowed");
        mk_service_error(req, resp, 405, "method_not_allowed",
                         "this path does not accept that method");
    } else {
        mk_req_verdict(req, "not_found");
        mk_service_error(req, resp, 404, "not_found", "no such endpoint");
    }
}
