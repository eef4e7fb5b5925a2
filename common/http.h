/*
 * http.h: one HTTP exchange over libcurl, protocol-neutral.
 *
 * The single place libcurl is touched. The harness uses it to drive the admin
 * API; the reference client builds its retrying, redacting layer on top
 * (client/http.c). Knows nothing of any vendor. (DESIGN.md puts libcurl in
 * the client's HTTP layer; the harness needs the same exchange for the admin
 * API, so the neutral part lives here, once.)
 *
 * Not thread-safe per handle: each thread makes its own calls; cm_http_global_init()
 * runs once at start-up before any thread. libcurl is opened then, not linked
 * (see http.c): `secmock serve` starts without it.
 *
 * Kept connections: an exchange with keep_alive runs on the calling thread's own
 * curl handle, whose connection cache outlives the exchange, so a process that
 * calls the same host again skips the TCP and TLS set-up (a TLS handshake costs
 * each side over a millisecond of CPU). libcurl sends a request again, once,
 * when a kept connection dies before any answer byte; the mocks therefore close
 * their connections while a reset fault is armed (docs/admin-api.md), and the
 * harness's own requests to services, whose faults it arms between them, do not
 * keep theirs.
 */
#ifndef CM_HTTP_H
#define CM_HTTP_H

#include <stddef.h>

#include "common/buf.h"

struct cm_http_request {
    const char *method; /* "GET" when NULL */
    const char *url;
    const char *const *headers; /* NULL-terminated "Name: value" lines; may be NULL */
    const char *body;           /* may be NULL */
    size_t body_len;
    const char *ca_file;     /* trust this CA for https (NULL: system store) */
    const char *source_addr; /* bind the connection to this local address (NULL: any) */
    long timeout_ms;         /* whole exchange; 0 = 30 s */
    long connect_timeout_ms; /* 0 = 5 s */
    size_t max_body;         /* response bytes kept; 0 = 64 MiB */
    int keep_alive;          /* 1: reuse the calling thread's open connection to this host and
                                keep it open for its next exchange; 0: a connection of its own,
                                closed after the answer */
};

struct cm_http_response {
    long status;           /* 0 when no answer came */
    struct cm_buf body;    /* response body */
    struct cm_buf headers; /* raw header lines, "Name: value\r\n" each, of the final response */
    int curl_code;         /* 0 on a complete exchange */
    int reused;            /* 1 when it went over a connection kept from an earlier exchange */
    char error[256];       /* what went wrong when curl_code != 0 */
};

/* Opens libcurl (SECMOCK_LIBCURL in the environment names another file than
 * libcurl.so.4) and initialises it. 0, or CM_ENOENT when it cannot be loaded:
 * then every exchange fails with cm_http_load_error() as its error. */
int cm_http_global_init(void);
const char *cm_http_load_error(void);
/* Closes the calling thread's kept connections (keep_alive); a thread that ends closes its own. */
void cm_http_thread_release(void);
void cm_http_response_init(struct cm_http_response *r);
void cm_http_response_release(struct cm_http_response *r);
/* Performs the exchange. Returns 0 when a whole answer came (any status); otherwise
 * CM_ETIMEDOUT, CM_ETLS (certificate or handshake), CM_ECONN (refused, reset, or an
 * answer cut short) or CM_EPROTO, with resp->error saying more. */
int cm_http_perform(const struct cm_http_request *req, struct cm_http_response *resp);
/* Copies the value of response header name (case-insensitive) into out; 0 or CM_ENOENT. */
int cm_http_header(const struct cm_http_response *resp, const char *name, char *out, size_t size);

#endif
