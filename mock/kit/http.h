/*
 * http.h: what a service handler sees of a request and fills of a response,
 * and the route table that maps one to the other.
 *
 * libmicrohttpd stays behind this header (STYLE.md): a handler reads headers
 * and query arguments through mk_req_header()/mk_req_query() and never sees
 * the connection. A request is valid only during the handler call; every
 * string in it is borrowed.
 *
 * Routes: a service's routes are one static table, read at a glance:
 *
 *     static const struct mk_route routes[] = {
 *         {"POST", "/api/login/login", mm_login},
 *         {"GET",  "/iroh/iroh-sse/device*",  ctr_profile},
 *         {NULL, NULL, NULL},
 *     };
 *
 * A path is exact, or ends in '*' to match a prefix. A method of "*" matches
 * any method. A handler returns MK_DONE when it filled the response, or
 * MK_DECLINED for "not mine", and the router tries the next route; only the
 * router answers 404 or 405, through the service's error renderer so that
 * even those carry the vendor's envelope.
 */
#ifndef MK_HTTP_H
#define MK_HTTP_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

struct mk_service;
struct mk_runtime;

#define MK_DONE     0
#define MK_DECLINED 1

struct mk_request {
    const char *method;
    const char *path;  /* decoded path without the query string */
    const char *query; /* raw query string after '?', "" when none */
    const char *peer;  /* the address the connection came from (or X-Forwarded-For when trusted) */
    const char *body;  /* NUL-terminated for convenience; body_len bytes */
    size_t body_len;
    int64_t now_ms;         /* virtual time when the request was dispatched */
    struct mk_service *svc; /* the service answering; NULL on the admin listener */
    struct mk_runtime *rt;  /* the process's runtime */
    void *conn;             /* kit-private: the connection, or a fake's header table */
    /* kit-private: header (query == 0) or query-argument (query == 1) look-up on conn */
    const char *(*lookup)(const struct mk_request *req, int query, const char *name);
    /* Filled by the handler for the journal (optional): */
    char verdict[48]; /* "ok" unless set; a stable code such as "invalid_signature" */
    char detail[128]; /* a short note, never a secret */
};

/* Case-insensitive header look-up; NULL when absent. Borrowed. */
const char *mk_req_header(const struct mk_request *req, const char *name);
/* Decoded query argument; NULL when absent, "" when present without a value. Borrowed. */
const char *mk_req_query(const struct mk_request *req, const char *name);
void mk_req_verdict(struct mk_request *req, const char *verdict);
void mk_req_detail(struct mk_request *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define MK_MAX_RESPONSE_HEADERS 24

struct mk_response {
    int status;         /* 200 unless set */
    struct cm_buf body; /* the bytes sent */
    char content_type[96];
    int nheaders;
    struct {
        char *name; /* owned */
        char *value;
    } headers[MK_MAX_RESPONSE_HEADERS];
};

void mk_resp_init(struct mk_response *r);
void mk_resp_release(struct mk_response *r);
/* Adds a header (copied). Past MK_MAX_RESPONSE_HEADERS the header is dropped with a warning. */
void mk_resp_header(struct mk_response *r, const char *name, const char *value);
void mk_resp_headerf(struct mk_response *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets status and a JSON body serialized from doc, which it takes and frees. Strings that are
 * not valid UTF-8 are sent with U+FFFD in place of each bad byte, so an answer is always
 * valid JSON text (RFC 8259 asks for UTF-8). */
void mk_resp_json(struct mk_response *r, int status, cJSON *doc);
/* A copy of s with each byte that is not part of a valid UTF-8 sequence replaced by U+FFFD;
 * NULL when s is valid already. Caller frees with free(). */
char *mk_utf8_clean(const char *s);
/*
 * Writing a JSON answer straight into the body, for hot paths that would otherwise build a
 * tree only to print it: mk_resp_json_begin() sets status and content type, empties the body
 * and returns it (borrowed; valid until the response is released). What the writers append is
 * byte for byte what mk_resp_json() would send for the same tree: strings escaped as cJSON
 * does, each byte that is not part of valid UTF-8 replaced by U+FFFD, numbers as cJSON prints
 * them. They return 0 or CM_ETOOBIG from the buffer.
 */
struct cm_buf *mk_resp_json_begin(struct mk_response *r, int status);
/* Writes s (NULL as "") as a JSON string literal at out, which has room for 6 * strlen(s) + 2
 * bytes; returns the end (no NUL). */
char *mk_json_escape(char *out, const char *s);
/* Appends s as a JSON string literal (NULL as ""). */
int mk_json_put_string(struct cm_buf *b, const char *s);
/* Appends node (borrowed) printed unformatted. */
int mk_json_put(struct cm_buf *b, const cJSON *node);
/* Sets status, content type and body text (copied). */
void mk_resp_text(struct mk_response *r, int status, const char *content_type, const char *text);

/*
 * A request without a connection, for unit tests of handlers: headers are
 * "Name: value" strings and query is "a=1&b=2" (not decoded). All borrowed;
 * the arrays must outlive the request. mk_req_fake_release() frees its table.
 */
void mk_req_fake(struct mk_request *req, const char *method, const char *path,
                 const char *const *headers, const char *query, const char *body);
void mk_req_fake_release(struct mk_request *req);

typedef int (*mk_handler_fn)(struct mk_request *req, struct mk_response *resp);

struct mk_route {
    const char *method; /* "GET", "POST", ... or "*" */
    const char *path;   /* exact, or prefix ending in '*' */
    mk_handler_fn fn;
};

/* 1 when pattern (exact or trailing '*') matches path. */
int mk_path_match(const char *pattern, const char *path);
/* Runs the first matching route that does not decline. Answers 404 when no
 * path matches and 405 when the path matches with another method, through
 * mk_service_error(). Always fills resp. */
void mk_route_dispatch(const struct mk_route *routes, struct mk_request *req,
                       struct mk_response *resp);

#endif
