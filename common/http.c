/*
 * http.c: a blocking libcurl exchange with bounded body capture.
 */
#include "common/http.h"

#include "common/error.h"
#include "common/mem.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void cm_http_global_init(void)
{
    static int done;

    if (!done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        done = 1;
    }
}

static pthread_key_t kept_key;
static pthread_once_t kept_once = PTHREAD_ONCE_INIT;

static void kept_free(void *c)
{
    curl_easy_cleanup(c);
}

static void kept_key_make(void)
{
    if (pthread_key_create(&kept_key, kept_free) != 0)
        abort();
}

/* The calling thread's handle for keep_alive exchanges, with no options set. */
static CURL *kept_handle(void)
{
    CURL *c;

    pthread_once(&kept_once, kept_key_make);
    c = pthread_getspecific(kept_key);
    if (c)
        return c;
    c = curl_easy_init();
    if (c == NULL || pthread_setspecific(kept_key, c) != 0)
        abort();
    return c;
}

void cm_http_thread_release(void)
{
    CURL *c;

    pthread_once(&kept_once, kept_key_make);
    c = pthread_getspecific(kept_key);
    if (c) {
        pthread_setspecific(kept_key, NULL);
        curl_easy_cleanup(c);
    }
}

void cm_http_response_init(struct cm_http_response *r)
{
    r->status = 0;
    cm_buf_init(&r->body, 64u * 1024 * 1024);
    cm_buf_init(&r->headers, 1024u * 1024);
    r->curl_code = 0;
    r->reused = 0;
    r->error[0] = '\0';
}

void cm_http_response_release(struct cm_http_response *r)
{
    cm_buf_release(&r->body);
    cm_buf_release(&r->headers);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct cm_buf *b = ud;

    return cm_buf_append(b, p, size * n) == 0 ? size * n : 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct cm_buf *b = ud;

    /* A new status line starts a new response (after 100-continue or a redirect). */
    if (size * n >= 5 && strncmp(p, "HTTP/", 5) == 0)
        cm_buf_reset(b);
    return cm_buf_append(b, p, size * n) == 0 ? size * n : 0;
}

int cm_http_perform(const struct cm_http_request *req, struct cm_http_response *resp)
{
    CURL *c = req->keep_alive ? kept_handle() : curl_easy_init();
    struct curl_slist *hdrs = NULL;
    const char *const *h;
    CURLcode rc;
    long connects = 0;
    int out = 0;

    if (c == NULL)
        abort();
    if (req->max_body)
        resp->body.max = req->max_body;
    cm_buf_reset(&resp->body);
    cm_buf_reset(&resp->headers);
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method ? req->method : "GET");
    if (req->method && strcmp(req->method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (req->body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
    hdrs = curl_slist_append(hdrs, "Expect:");
    for (h = req->headers; h && *h; h++)
        hdrs = curl_slist_append(hdrs, *h);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms ? req->timeout_ms : 30000L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     req->connect_timeout_ms ? req->connect_timeout_ms : 5000L);
    if (req->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, req->ca_file);
    if (req->source_addr)
        curl_easy_setopt(c, CURLOPT_INTERFACE, req->source_addr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp->headers);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, resp->error);
    resp->error[0] = '\0';
    rc = curl_easy_perform(c);
    resp->curl_code = (int)rc;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
    resp->reused = rc == CURLE_OK && connects == 0;
    if (rc != CURLE_OK) {
        if (resp->error[0] == '\0')
            cm_strlcpy(resp->error, curl_easy_strerror(rc), sizeof(resp->error));
        if (rc == CURLE_OPERATION_TIMEDOUT)
            out = CM_ETIMEDOUT;
        else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR ||
                 rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CERTPROBLEM)
            out = CM_ETLS;
        else if (rc == CURLE_PARTIAL_FILE)
            out = CM_ECONN; /* the answer was cut short: as good as a dropped connection */
        else if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
                 rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING ||
                 rc == CURLE_INTERFACE_FAILED)
            out = CM_ECONN;
        else
            out = CM_EPROTO;
    }
    if (req->keep_alive)
        curl_easy_reset(
            c); /* drops the options (pointers into req, resp, hdrs); the connections stay */
    else
        curl_easy_cleanup(c);
    curl_slist_free_all(hdrs);
    return out;
}

int cm_http_header(const struct cm_http_response *resp, const char *name, char *out, size_t size)
{
    const char *p = cm_buf_str(&resp->headers);
    size_t nlen = strlen(name);

    while (*p) {
        const char *eol = strstr(p, "\r\n");
        size_t llen = eol ? (size_t)(eol - p) : strlen(p);

        if (llen > nlen && p[nlen] == ':' && strncasecmp(p, name, nlen) == 0) {
            const char *v = p + nlen + 1;
            size_t vlen;
            while (*v == ' ' || *v == '\t')
                v++;
            vlen = (size_t)(p + llen - v);
            while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                vlen--;
            if (size > 0) {
                size_t c = vlen < size - 1 ? vlen : size - 1;
                memcpy(out, v, c);
                out[c] = '\0';
            }
            return 0;
        }
        p += llen;
        if (*p)
            p += 2;
    }
    return CM_ENOENT;
}
