/*
 * server.c: the libmicrohttpd glue, the only file that includes microhttpd.h.
 *
 * Each listener is one daemon in epoll mode with a small thread pool. A
 * request's state (its body buffer and start time) is allocated on the first
 * callback and freed in the completed callback; every response is destroyed
 * right after it is queued. On the last callback the request is checked
 * against the armed faults, handed to the service's router with the service
 * locked (or to the admin API), and recorded in the journal.
 *
 * Sockets are bound here, not by libmicrohttpd, so that a port in use gives
 * the errno-based message a user can act on.
 */
#include "mock/kit/internal.h"
#include "mock/kit/tlscred.h"

#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Per-request state, from the first callback to the completed one. */
struct conn_state {
    struct cm_buf body;
    int64_t t0_us;
    int too_big;     /* the body is over the limit; what came of it was dropped */
    int answered;    /* answer() ran; later callbacks only drain the upload */
    int abandoned;   /* the body went on too long: closed without an answer */
    size_t received; /* body bytes received, kept or not */
    int matched;     /* the faults were looked at; fired and hit tell what came of it */
    int fired;
    struct mk_fault_hit hit;
};

/* A body over the limit is read and dropped up to this many times the limit (plus 1 MiB). */
#define MK_BODY_DRAIN_FACTOR 4

struct mhd_conn {
    struct MHD_Connection *mhd;
};

static const char *mhd_lookup(const struct mk_request *req, int query, const char *name)
{
    const struct mhd_conn *c = req->conn;

    return MHD_lookup_connection_value(c->mhd, query ? MHD_GET_ARGUMENT_KIND : MHD_HEADER_KIND,
                                       name);
}

/* Writes v (0 to 255) in decimal without leading zeros at p; returns the end. */
static char *put_octet(char *p, unsigned v)
{
    if (v >= 100)
        *p++ = (char)('0' + v / 100);
    if (v >= 10)
        *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

/* The peer's address as inet_ntop() writes it; an IPv4 one (every request on loopback) is
 * formatted here, at a tenth of inet_ntop's cost. size is at least INET6_ADDRSTRLEN. */
static void peer_of(struct MHD_Connection *conn, char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    out[0] = '\0';
    if (sa == NULL)
        return;
    if (sa->sa_family == AF_INET) {
        const unsigned char *a =
            (const unsigned char *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
        char *p = out;
        int i;
        for (i = 0; i < 4; i++) {
            if (i)
                *p++ = '.';
            p = put_octet(p, a[i]);
        }
        *p = '\0';
    } else if (sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)size);
    }
}

/* The raw query string is not kept by libmicrohttpd; rebuild it from the arguments. */
struct query_build {
    struct cm_buf *b;
};

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    struct query_build *qb = cls;

    (void)kind;
    if (qb->b->len)
        cm_buf_putc(qb->b, '&');
    cm_buf_puts(qb->b, key);
    if (value) {
        cm_buf_putc(qb->b, '=');
        cm_buf_puts(qb->b, value);
    }
    return MHD_YES;
}

/* Truncated body: serve the first half, then fail the stream so the connection drops. */
struct truncated {
    char *data;
    size_t send; /* bytes to send before failing */
};

static ssize_t truncated_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct truncated *t = cls;
    size_t n;

    if (pos >= t->send)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    n = t->send - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(buf, t->data + pos, n);
    return (ssize_t)n;
}

static void truncated_free(void *cls)
{
    struct truncated *t = cls;

    free(t->data);
    free(t);
}

static void reset_connection(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    struct linger lg = {1, 0};

    if (ci)
        setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

/*
 * A fault's delay holds a request without holding its listener: the
 * connection is suspended and put on the listener's list, and the listener's
 * delay thread (started by the first delay) resumes it when it is due, when
 * the faults are cleared, or when the listener stops. libmicrohttpd then calls
 * on_request() again and the request is answered.
 */
struct delayed {
    struct delayed *next;
    struct MHD_Connection *conn;
    int64_t due_us;
    unsigned cleared; /* the faults' clear count when it was held */
};

struct mk_delays {
    pthread_mutex_t lock;
    pthread_cond_t cond; /* on CLOCK_MONOTONIC */
    struct delayed *head;
    pthread_t thread;
    int started;
    int stop;
};

static struct mk_delays *delays_new(void)
{
    struct mk_delays *d = cm_calloc(1, sizeof(*d));
    pthread_condattr_t ca;

    pthread_mutex_init(&d->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&d->cond, &ca);
    pthread_condattr_destroy(&ca);
    return d;
}

/* Resumes the held requests that are due, or all of them with all set; under d->lock.
 * Returns the earliest due time left, or INT64_MAX. */
static int64_t delays_resume(struct mk_delays *d, unsigned cleared, int all)
{
    int64_t now = cm_mono_us(), next = INT64_MAX;
    struct delayed **pp = &d->head, *x;

    while ((x = *pp) != NULL) {
        if (all || x->due_us <= now || x->cleared != cleared) {
            *pp = x->next;
            MHD_resume_connection(x->conn);
            free(x);
        } else {
            next = x->due_us < next ? x->due_us : next;
            pp = &x->next;
        }
    }
    return next;
}

static void *delays_main(void *arg)
{
    struct mk_listener *l = arg;
    struct mk_delays *d = l->delays;

    pthread_mutex_lock(&d->lock);
    while (!d->stop) {
        int64_t next = delays_resume(d, atomic_load(&l->rt->faults.cleared), 0), now = cm_mono_us();
        struct timespec ts;

        if (d->head == NULL) {
            pthread_cond_wait(&d->cond, &d->lock);
            continue;
        }
        /* Look again within 20 ms: a clear of the faults is not signalled. */
        if (next - now > 20000)
            next = now + 20000;
        ts.tv_sec = (time_t)(next / 1000000);
        ts.tv_nsec = (long)(next % 1000000) * 1000L;
        pthread_cond_timedwait(&d->cond, &d->lock, &ts);
    }
    delays_resume(d, 0, 1);
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

/* Suspends conn for ms, or until the faults' clear count is no longer cleared (read when the
 * fault fired: a clear between that and now ends the delay at once). 1 when held; 0 when the
 * listener is stopping (answer now). */
static int delay_hold(struct mk_listener *l, struct MHD_Connection *conn, int64_t ms,
                      unsigned cleared)
{
    struct mk_delays *d = l->delays;
    struct delayed *x;

    pthread_mutex_lock(&d->lock);
    if (d->stop || (!d->started && pthread_create(&d->thread, NULL, delays_main, l) != 0)) {
        pthread_mutex_unlock(&d->lock);
        return 0;
    }
    d->started = 1;
    x = cm_calloc(1, sizeof(*x));
    x->conn = conn;
    x->due_us = cm_mono_us() + ms * 1000;
    x->cleared = cleared;
    MHD_suspend_connection(conn);
    x->next = d->head;
    d->head = x;
    pthread_cond_signal(&d->cond);
    pthread_mutex_unlock(&d->lock);
    return 1;
}

/* Resumes every held request and ends the delay thread; before the daemon stops. */
static void delays_stop(struct mk_delays *d)
{
    int started;

    pthread_mutex_lock(&d->lock);
    d->stop = 1;
    started = d->started;
    pthread_cond_signal(&d->cond);
    pthread_mutex_unlock(&d->lock);
    if (started)
        pthread_join(d->thread, NULL); /* it resumes what it holds before it ends */
}

static void delays_free(struct mk_delays *d)
{
    if (d == NULL)
        return;
    pthread_cond_destroy(&d->cond);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

/* The Date header's value for the virtual time now_ms: the vendor's would tell its own time.
 * Each listener thread keeps the last value it wrote, so a busy listener formats it once a
 * virtual second. The result is the calling thread's, valid until its next call. */
static const char *http_date(int64_t now_ms)
{
    static _Thread_local int64_t cached_secs = INT64_MIN;
    static _Thread_local char cached[40];

    if (now_ms / 1000 != cached_secs) {
        cm_time_format_http(now_ms, cached, sizeof(cached));
        cached_secs = now_ms / 1000;
    }
    return cached;
}

/* Sends resp; with truncate set, only half the body reaches the wire. */
static enum MHD_Result send_response(struct MHD_Connection *conn, struct mk_response *resp,
                                     int truncate, int64_t now_ms)
{
    struct MHD_Response *r;
    enum MHD_Result ret;
    size_t len;
    char *body;
    int i;

    body = cm_buf_steal(&resp->body, &len);
    if (truncate && len > 1) {
        struct truncated *t = cm_malloc(sizeof(*t));
        t->data = body;
        t->send = len / 2;
        r = MHD_create_response_from_callback(len, 4096, truncated_read, t, truncated_free);
    } else {
        r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    }
    if (r == NULL) {
        cm_error("cannot create a response");
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_DATE, http_date(now_ms));
    if (resp->content_type[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    for (i = 0; i < resp->nheaders; i++)
        MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
    ret = MHD_queue_response(conn, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Adds "Name: value\n" lines (already validated when the fault was armed). */
static void add_fault_headers(struct mk_response *resp, const char *lines)
{
    char name[128];

    while (lines && *lines) {
        const char *colon = strchr(lines, ':'), *eol = strchr(lines, '\n');
        char *value;
        if (colon == NULL || eol == NULL || colon > eol)
            break;
        if ((size_t)(colon - lines) < sizeof(name)) {
            cm_strlcpy(name, lines, (size_t)(colon - lines) + 1);
            value = cm_strndup(colon + 2, (size_t)(eol - colon - 2));
            mk_resp_header(resp, name, value);
            free(value);
        }
        lines = eol + 1;
    }
}

static void make_malformed(struct mk_response *resp)
{
    size_t keep = resp->body.len / 2;

    resp->body.len = keep;
    if (resp->body.data)
        resp->body.data[keep] = '\0';
    cm_buf_puts(&resp->body, "<!-- upstream error -->");
}

/* Caller frees. */
static char *too_big_message(const struct mk_runtime *rt)
{
    return cm_asprintf("the request body is larger than the limit of %zu bytes (secmock serve "
                       "--body-max)",
                       rt->cfg.body_max);
}

/* Whether a fault fires for this request, looked up once: the first look takes its turn
 * (count, probability), later ones read what it found. */
static int faults_of(struct mk_listener *l, struct conn_state *st, const char *method,
                     const char *url)
{
    if (!st->matched) {
        st->matched = 1;
        st->fired = mk_faults_match(&l->rt->faults, l->svc->name, method, url, &st->hit);
    }
    return st->fired;
}

/* Checks faults, runs the handler (or the admin API), journals and sends the answer. Called
 * once per request: at its end, or as soon as its body is known to be over the limit. */
static enum MHD_Result answer(struct mk_listener *l, struct MHD_Connection *conn,
                              struct conn_state *st, const char *url, const char *method)
{
    struct mk_runtime *rt = l->rt;
    struct mhd_conn mc = {conn};
    struct mk_request req;
    struct mk_response resp;
    const struct mk_fault_hit *hit = &st->hit;
    struct cm_buf query;
    struct query_build qb = {&query};
    char peer[64], redacted[512];
    int fired = 0, truncate = 0;
    enum MHD_Result ret;

    st->answered = 1;
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = url;
    req.rt = rt;
    req.svc = l->svc;
    req.conn = &mc;
    req.lookup = mhd_lookup;
    req.body = cm_buf_str(&st->body);
    req.body_len = st->body.len;
    req.now_ms = mk_clock_now(&rt->clock);
    cm_strlcpy(req.verdict, "ok", sizeof(req.verdict));
    cm_buf_init(&query, 64 * 1024);
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, &qb);
    req.query = cm_buf_str(&query);
    peer_of(conn, peer, sizeof(peer));
    req.peer = peer;
    if (rt->cfg.trust_forwarded) {
        const char *xff = mk_req_header(&req, "X-Forwarded-For");
        if (xff && *xff) {
            size_t n = strcspn(xff, ", ");
            if (n < sizeof(peer)) {
                memmove(peer, xff, n);
                peer[n] = '\0';
            }
        }
    }
    mk_resp_init(&resp);

    if (l->svc == NULL) {
        if (st->too_big) {
            char *msg = too_big_message(rt);
            cJSON *doc = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(doc, "error");
            cJSON_AddStringToObject(e, "code", "body_too_large");
            cJSON_AddStringToObject(e, "message", msg);
            mk_resp_json(&resp, 413, doc);
            free(msg);
        } else {
            mk__admin_dispatch(&req, &resp);
        }
        ret = st->abandoned ? MHD_NO : send_response(conn, &resp, 0, req.now_ms);
        goto out;
    }

    fired = faults_of(l, st, method, url); /* a refusal before the body's end: no delay */
    if (fired && hit->kind == MK_FAULT_RESET) {
        reset_connection(conn);
        mk_req_verdict(&req, "fault:reset");
        resp.status = 0;
        ret = MHD_NO;
    } else {
        if (fired && hit->kind == MK_FAULT_STATUS) {
            resp.status = hit->status;
            if (hit->content_type)
                cm_strlcpy(resp.content_type, hit->content_type, sizeof(resp.content_type));
            cm_buf_puts(&resp.body, hit->body ? hit->body : "");
            add_fault_headers(&resp, hit->headers);
            mk_req_verdict(&req, "fault:status");
        } else if (st->too_big) {
            char *msg = too_big_message(rt);
            mk_req_verdict(&req, "body_too_large");
            mk_service_error(&req, &resp, 413, "body_too_large", msg);
            free(msg);
        } else {
            pthread_mutex_lock(&l->svc->lock);
            mk_route_dispatch(l->svc->ops->routes, &req, &resp);
            pthread_mutex_unlock(&l->svc->lock);
        }
        if (fired && hit->kind == MK_FAULT_MALFORMED) {
            make_malformed(&resp);
            mk_req_verdict(&req, "fault:malformed");
        } else if (fired && hit->kind == MK_FAULT_TRUNCATE) {
            truncate = 1;
            mk_req_verdict(&req, "fault:truncate");
        } else if (fired && hit->kind == MK_FAULT_DELAY && strcmp(req.verdict, "ok") == 0) {
            mk_req_verdict(&req, "fault:delay");
        }
    }
    if (st->abandoned) {
        mk_req_detail(&req, "connection closed after %zu bytes of body", st->received);
        resp.status = 0;
        ret = MHD_NO;
    }
    /* Journal before the answer leaves: a client that got its answer must find the entry. */
    mk_redact_query(req.query, redacted, sizeof(redacted));
    mk_journal_add(&rt->journal, req.now_ms, cm_mono_us() - st->t0_us, resp.status, l->svc->name,
                   method, url, redacted, req.verdict, peer, req.detail);
    if (rt->cfg.verbose)
        cm_info("%s %s %s%s%s -> %d %s (%s)", l->svc->name, method, url, redacted[0] ? "?" : "",
                redacted, resp.status, req.verdict, peer);
    if (!(fired && hit->kind == MK_FAULT_RESET) && !st->abandoned) {
        if (mk_faults_reset_armed(&rt->faults, l->svc->name))
            mk_resp_header(&resp, MHD_HTTP_HEADER_CONNECTION, "close");
        ret = send_response(conn, &resp, truncate, req.now_ms);
    }
out:
    mk_resp_release(&resp);
    cm_buf_release(&query);
    return ret;
}

/* A declared Content-Length over the limit: the body need not be read to refuse it. */
static int declared_too_big(struct MHD_Connection *conn, size_t max)
{
    const char *cl =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    unsigned long long n;
    char *end;

    if (cl == NULL || *cl < '0' || *cl > '9')
        return 0;
    n = strtoull(cl, &end, 10);
    return *end == '\0' && n > max;
}

/* The client waits for "100 Continue" before it sends its body. */
static int expects_continue(struct MHD_Connection *conn)
{
    const char *e = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);

    return e && strcasecmp(e, "100-continue") == 0;
}

/*
 * libmicrohttpd calls this once when the headers are in, once per piece of
 * body, and once at the end. A body over the limit is never kept:
 *   - declared too big by a client that waits for "100 Continue": answered 413
 *     at once, and the body is never sent;
 *   - otherwise (no Expect, or chunked and growing past the limit) the rest
 *     is read and dropped, and 413 is answered at its end, so that a client
 *     still sending reads the answer instead of a reset;
 *   - a body that goes on past MK_BODY_DRAIN_FACTOR times the limit (plus
 *     1 MiB) is given up on: the connection is closed without an answer and
 *     the journal says so, so a body that never ends costs nothing.
 * libmicrohttpd 0.9.75 cannot queue an answer in the middle of an upload,
 * which is why the answer waits for the end of the body.
 */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    struct mk_listener *l = cls;
    struct conn_state *st = *req_cls;
    size_t max = l->rt->cfg.body_max;

    (void)version;
    if (st == NULL) {
        st = cm_calloc(1, sizeof(*st));
        cm_buf_init(&st->body, max);
        st->t0_us = cm_mono_us();
        *req_cls = st;
        if (!declared_too_big(conn, max))
            return MHD_YES;
        st->too_big = 1;
        return expects_continue(conn) ? answer(l, conn, st, url, method) : MHD_YES;
    }
    if (*upload_data_size != 0) {
        st->received += *upload_data_size;
        if (!st->too_big && cm_buf_append(&st->body, upload_data, *upload_data_size) != 0) {
            st->too_big = 1;
            cm_buf_release(&st->body);
        }
        *upload_data_size = 0;
        if (st->too_big && !st->answered && st->received > (1u << 20) &&
            (st->received - (1u << 20)) / MK_BODY_DRAIN_FACTOR > max) {
            st->abandoned = 1;
            return answer(l, conn, st, url, method);
        }
        return MHD_YES;
    }
    if (st->answered)
        return MHD_YES;
    /* A delay holds the request once; libmicrohttpd calls again when it is resumed. */
    if (l->svc && !st->matched && faults_of(l, st, method, url) && st->hit.delay_ms > 0 &&
        delay_hold(l, conn, st->hit.delay_ms, st->hit.cleared))
        return MHD_YES;
    return answer(l, conn, st, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct conn_state *st = *req_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (st) {
        cm_buf_release(&st->body);
        mk_fault_hit_release(&st->hit);
        free(st);
        *req_cls = NULL;
    }
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];

    (void)cls;
    vsnprintf(line, sizeof(line), fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    cm_debug("libmicrohttpd: %s", line);
}

static int bind_socket(const char *addr, int port, int *fd_out, int *port_out, struct cm_err *err)
{
    struct sockaddr_storage ss;
    socklen_t slen;
    int fd, one = 1, family;

    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        sin->sin_family = family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        slen = sizeof(*sin);
    } else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        sin6->sin6_family = family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        slen = sizeof(*sin6);
    } else {
        return cm_fail(err, CM_EINVAL, "cannot listen on '%s': not an IPv4 or IPv6 address", addr);
    }
    fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return cm_fail(err, CM_EIO, "cannot create a socket: %s", strerror(errno));
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&ss, slen) != 0) {
        int e = errno;
        close(fd);
        if (e == EADDRINUSE)
            return cm_fail(err, CM_EADDRINUSE,
                           "cannot listen on %s port %d: the port is in use (choose another "
                           "port, or 0 for any free one)",
                           addr, port);
        return cm_fail(err, CM_EIO, "cannot listen on %s port %d: %s", addr, port, strerror(e));
    }
    if (listen(fd, 1024) != 0) {
        int e = errno;
        close(fd);
        return cm_fail(err, CM_EIO, "cannot listen on %s port %d: %s", addr, port, strerror(e));
    }
    slen = sizeof(ss);
    getsockname(fd, (struct sockaddr *)&ss, &slen);
    *port_out = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                        : ((struct sockaddr_in6 *)&ss)->sin6_port);
    *fd_out = fd;
    return 0;
}

/* Lets go of the process's shared leaf, if this listener held it (its daemon is gone). */
static void drop_tlscred(struct mk_listener *l)
{
    if (l->tlscred)
        mk_tlscred_release(&l->rt->tls);
    l->tlscred = 0;
}

int mk__listen(struct mk_runtime *rt, struct mk_listener *l, const char *addr, int port, int tls,
               struct cm_err *err)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO |
                     MHD_USE_ERROR_LOG | MHD_USE_SUPPRESS_DATE_NO_CLOCK | MHD_ALLOW_SUSPEND_RESUME;
    unsigned threads = rt->cfg.threads ? rt->cfg.threads : 1;
    gnutls_certificate_retrieve_function2 *cb = NULL;
    struct MHD_OptionItem pems[3] = {
        {MHD_OPTION_END, 0, NULL}, {MHD_OPTION_END, 0, NULL}, {MHD_OPTION_END, 0, NULL}};
    int rc;

    l->rt = rt;
    if (l->delays == NULL)
        l->delays = delays_new();
    l->tls = tls;
    rc = bind_socket(addr, port, &l->fd, &l->port, err);
    if (rc)
        return rc;
    if (l->svc == NULL)
        threads = 1;
    if (tls) {
        if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
            close(l->fd);
            l->fd = -1;
            return cm_fail(err, CM_ETLS, "cannot serve HTTPS: libmicrohttpd was built without TLS");
        }
        /* poll(2), not epoll, for HTTPS: libmicrohttpd 0.9.75 (Debian 12) in
         * epoll mode calls epoll_wait with a zero timeout for as long as a TLS
         * handshake waits for the client, one core busy per connection being
         * set up. A fresh client process takes milliseconds to send its hello
         * and answer, so every new HTTPS connection cost the mock about 5 ms of
         * CPU instead of 1.5 (and took it from the client). Plain listeners
         * keep epoll. Tested by runtime_tls/a_silent_client_costs_no_cpu. */
        flags = (flags & ~(unsigned)MHD_USE_EPOLL) | MHD_USE_POLL | MHD_USE_TLS;
        cb = mk_tlscred_acquire(&rt->tls);
        l->tlscred = cb != NULL;
        if (cb == NULL) {
            pems[0] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, rt->tls.key_pem};
            pems[1] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, rt->tls.cert_pem};
        }
    }
    /* The options end after `pems` unless there is a certificate callback. */
    l->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, l, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_LISTEN_SOCKET, l->fd, MHD_OPTION_NOTIFY_COMPLETED, on_completed, l,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT, 1000,
        MHD_OPTION_CONNECTION_TIMEOUT, rt->cfg.conn_timeout, MHD_OPTION_ARRAY, pems,
        cb ? MHD_OPTION_HTTPS_CERT_CALLBACK : MHD_OPTION_END, cb, MHD_OPTION_END);
    if (l->daemon == NULL) {
        /* libmicrohttpd may already have closed the socket; leave it to process exit. */
        l->fd = -1;
        drop_tlscred(l);
        return cm_fail(err, CM_EIO, "cannot start the HTTP server on %s port %d", addr, l->port);
    }
    return 0;
}

void mk__unlisten(struct mk_listener *l)
{
    if (l->daemon) {
        delays_stop(l->delays);
        MHD_stop_daemon(l->daemon); /* closes the listening socket too */
        l->daemon = NULL;
        drop_tlscred(l);
    }
    delays_free(l->delays);
    l->delays = NULL;
    l->fd = -1;
}
