/*
 * test_edges.c: bad input at every edge of the mock process (issue 6). The
 * runtime runs in-process with every vendor service on plain HTTP and the
 * admin API; each test sends something a broken or hostile client could send
 * (a body over the limit, a body that never ends, JSON nested 100 000 deep,
 * bytes that are not UTF-8, header floods, half a request, hundreds of idle
 * connections, malformed credentials) over raw sockets or libcurl, checks the
 * answer is a clear error in the vendor's envelope, and then proves the
 * process still serves a correct answer on every listener (probe_all).
 * docs/reliability.md ("Bad input") lists each case with its test.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/fsutil.h"
#include "common/http.h"
#include "common/json.h"
#include "common/spawn.h"
#include "common/timeutil.h"
#include "mock/kit/runtime.h"

#define BODY_MAX (128 * 1024)

/* Credentials from the fixtures the services are loaded with. */
#define MM_APP     "ca16c415-658f-4c87-8fb6-e3e6957771dc"
#define NS_TOKEN   "v2-9e107d9d372bb6826bd81d3542a419d6e4d8c1f0"
#define CTR_CLIENT "client-0b7c6e7a-3f52-4d1e-9a8b-2c4d6e8f0a1b"
#define CTR_SECRET "Xq3v9Lr2Tz8Wm5Np1Ks7Hd4Gf6Jb0Yc"

static const char *const services[] = {"demo", "mimecast", "netskope", "sse-eu", "ctr-eu", NULL};

static struct mk_runtime *rt;

/* ---- starting the runtime ---- */

static cJSON *fixture(const char *rel)
{
    char path[512];
    struct cm_err err = {{0}};
    cJSON *doc;

    snprintf(path, sizeof(path), "%s/scenarios/fixtures/%s", SECMOCK_SOURCE_DIR, rel);
    doc = cm_json_load_file(path, &err);
    cr_assert_not_null(doc, "%s", err.msg);
    return doc;
}

static struct mk_runtime *start_with(struct mk_runtime_config *cfg)
{
    struct cm_err err = {{0}};
    struct mk_runtime *r;
    cJSON *state = cJSON_CreateObject();
    int i;

    cm_http_global_init();
    r = mk_runtime_new(cfg);
    for (i = 0; services[i]; i++)
        cr_assert_eq(mk_runtime_add(r, services[i], 0, 0, &err), 0, "%s", err.msg);
    cJSON_AddItemToObject(state, "demo", fixture("demo/two-items.json"));
    cJSON_AddItemToObject(state, "mimecast", fixture("mimecast/one-account.json"));
    cJSON_AddItemToObject(state, "netskope", fixture("netskope/tenant.json"));
    cJSON_AddItemToObject(state, "sse-eu", fixture("cisco/sse-account.json"));
    cJSON_AddItemToObject(state, "ctr-eu", fixture("cisco/ctr-org.json"));
    cr_assert_eq(mk_runtime_load(r, state, &err), 0, "%s", err.msg);
    cJSON_Delete(state);
    cr_assert_eq(mk_runtime_start(r, &err), 0, "%s", err.msg);
    return r;
}

static void setup(void)
{
    struct mk_runtime_config cfg = {0};

    cfg.body_max = BODY_MAX;
    cfg.conn_timeout = 1;
    rt = start_with(&cfg);
}

static void teardown(void)
{
    mk_runtime_free(rt);
    rt = NULL;
}

static const char *url_of(const char *name)
{
    return strcmp(name, "admin") == 0 ? mk_runtime_admin_url(rt) : mk_runtime_find(rt, name)->url;
}

/* ---- libcurl calls ---- */

static long call(const char *name, const char *method, const char *path, const char *const *headers,
                 const char *body, size_t body_len, struct cm_http_response *resp)
{
    struct cm_http_request req = {0};
    char url[1024];

    snprintf(url, sizeof(url), "%s%s", url_of(name), path);
    req.method = method;
    req.url = url;
    req.headers = headers;
    req.body = body;
    req.body_len = body_len;
    req.timeout_ms = 10000;
    cm_http_response_init(resp);
    cm_http_perform(&req, resp);
    return resp->status;
}

static int valid_utf8(const char *s, size_t n)
{
    char *copy = strndup(s, n), *fixed = mk_utf8_clean(copy);
    int ok = fixed == NULL && strlen(copy) == n;

    free(copy);
    free(fixed);
    return ok;
}

/* The answer is JSON in valid UTF-8 (the vendor's envelope, whatever was asked). Returns the
 * parsed body; caller frees. */
static cJSON *json_answer(const struct cm_http_response *resp, const char *what)
{
    const char *body = resp->body.data ? resp->body.data : "";
    cJSON *doc = cm_json_parse(body, resp->body.len, "answer", NULL);

    cr_assert_not_null(doc, "%s: the answer (%ld) is not JSON: %.200s", what, resp->status, body);
    cr_assert(valid_utf8(body, resp->body.len), "%s: the answer is not valid UTF-8: %.200s", what,
              body);
    return doc;
}

/* One known request per listener with its known answer: the process still serves correctly. */
static void probe(const char *name)
{
    struct cm_http_response r;
    const char *mm_hdrs[] = {"x-mc-app-id: " MM_APP, NULL};
    const char *ns_hdrs[] = {"Netskope-Api-Token: " NS_TOKEN, NULL};
    const char *ctr_hdrs[] = {"Authorization: Basic "
                              "Y2xpZW50LTBiN2M2ZTdhLTNmNTItNGQxZS05YThiLTJjNGQ2ZThmMGExYjpYcTN2O"
                              "Uxy"
                              "MlR6OFdtNU5wMUtzN0hkNEdmNkpiMFlj",
                              NULL};
    static const char disc[] = "{\"data\":[{\"emailAddress\":\"sophos@example.com\"}]}";
    static const char grant[] = "grant_type=client_credentials";
    const char *want;
    long status;

    if (strcmp(name, "demo") == 0) {
        status = call(name, "GET", "/ping", NULL, NULL, 0, &r), want = "\"pong\":true";
    } else if (strcmp(name, "mimecast") == 0) {
        status = call(name, "POST", "/api/login/discover-authentication", mm_hdrs, disc,
                      sizeof(disc) - 1, &r);
        want = "\"emailToken\"";
    } else if (strcmp(name, "netskope") == 0) {
        status =
            call(name, "GET", "/api/v2/events/dataexport/alerts/malware?operation=head&index=p",
                 ns_hdrs, NULL, 0, &r);
        want = "\"ok\":1";
    } else if (strcmp(name, "sse-eu") == 0) {
        status = call(name, "GET", "/v1/devices/registrations/probe", NULL, NULL, 0, &r);
        want = "no registration 'probe' in region eu";
        cr_assert_eq(status, 404, "sse-eu probe: %ld %s", status, cm_buf_str(&r.body));
        status = 200;
    } else if (strcmp(name, "ctr-eu") == 0) {
        status = call(name, "POST", "/iroh/oauth2/token", ctr_hdrs, grant, sizeof(grant) - 1, &r);
        want = "\"access_token\"";
    } else {
        status = call(name, "GET", "/health", NULL, NULL, 0, &r), want = "\"status\":\"ok\"";
    }
    cr_assert_eq(status, 200, "%s probe: %ld %s %s", name, status, r.error, cm_buf_str(&r.body));
    cr_assert(strstr(cm_buf_str(&r.body), want) != NULL, "%s probe: %s", name, cm_buf_str(&r.body));
    cm_http_response_release(&r);
}

static void probe_all(void)
{
    int i;

    for (i = 0; services[i]; i++)
        probe(services[i]);
    probe("admin");
}

/* The journal's entries for a service with a given verdict. */
static int journal_count(const char *service, const char *verdict)
{
    struct cm_http_response r;
    char path[256];
    cJSON *doc;
    int n;

    snprintf(path, sizeof(path), "/journal?service=%s&verdict=%s", service, verdict);
    cr_assert_eq(call("admin", "GET", path, NULL, NULL, 0, &r), 200);
    doc = json_answer(&r, "journal");
    n = (int)cm_json_num(doc, "total", -1);
    cJSON_Delete(doc);
    cm_http_response_release(&r);
    return n;
}

/* ---- raw sockets ---- */

static int connect_to(const char *name)
{
    const char *url = url_of(name), *colon = strrchr(url, ':');
    struct sockaddr_in sin = {0};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    cr_assert_geq(fd, 0);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)strtol(colon + 1, NULL, 10));
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0, "connect %s: %s", url,
                 strerror(errno));
    return fd;
}

/* Sends all of data unless the peer stops reading; returns the bytes sent. */
static size_t send_all(int fd, const void *data, size_t len)
{
    size_t off = 0;
    ssize_t n;

    while (off < len) {
        n = send(fd, (const char *)data + off, len - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    return off;
}

/* Reads until the peer closes, a whole answer is in, or timeout_ms passes without a byte.
 * Returns the answer's status (0 when none came); *closed tells whether the peer closed. */
static int read_answer(int fd, struct cm_buf *out, int timeout_ms, int *closed)
{
    struct pollfd p = {fd, POLLIN, 0};
    char chunk[65536], *head_end;
    ssize_t n;

    *closed = 0;
    for (;;) {
        if (poll(&p, 1, timeout_ms) <= 0)
            break;
        n = recv(fd, chunk, sizeof(chunk), 0);
        if (n <= 0) {
            *closed = 1;
            break;
        }
        cm_buf_append(out, chunk, (size_t)n);
        head_end = strstr(cm_buf_str(out), "\r\n\r\n");
        if (head_end && strncmp(cm_buf_str(out), "HTTP/1.1 100", 12) != 0) {
            const char *cl = strstr(cm_buf_str(out), "Content-Length: ");
            if (cl && cl < head_end &&
                out->len >= (size_t)(head_end + 4 - out->data) + strtoul(cl + 16, NULL, 10))
                break;
        } else if (head_end) {
            /* past "100 Continue": keep what follows */
            size_t skip = (size_t)(head_end + 4 - out->data);
            memmove(out->data, out->data + skip, out->len - skip + 1);
            out->len -= skip;
        }
    }
    return strncmp(cm_buf_str(out), "HTTP/1.1 ", 9) == 0
               ? (int)strtol(cm_buf_str(out) + 9, NULL, 10)
               : 0;
}

static const char *body_of(const struct cm_buf *answer)
{
    const char *p = strstr(cm_buf_str(answer), "\r\n\r\n");

    return p ? p + 4 : "";
}

/* A route's path with its '*' filled, for sending something to every endpoint. */
static void route_path(const char *pattern, char *out, size_t size)
{
    snprintf(out, size, "%s", pattern);
    if (strchr(out, '*'))
        snprintf(strchr(out, '*'), size - (size_t)(strchr(out, '*') - out), "x");
}

TestSuite(edges, .init = setup, .fini = teardown);

/* ---- bodies over the limit ---- */

Test(edges, body_over_limit_413_on_every_listener)
{
    static const char *const listeners[] = {"demo",   "mimecast", "netskope", "sse-eu",
                                            "ctr-eu", "admin",    NULL};
    size_t big = BODY_MAX * 2;
    char *body = malloc(big);
    struct cm_buf ans;
    char head[256];
    int i, fd, closed;

    memset(body, '{', big);
    cm_buf_init(&ans, 0);
    for (i = 0; listeners[i]; i++) {
        const char *path = strcmp(listeners[i], "admin") == 0 ? "/state/demo" : "/anything";
        const char *method = strcmp(listeners[i], "admin") == 0 ? "PUT" : "POST";

        /* declared too big by a client waiting for 100 Continue: answered without the body */
        fd = connect_to(listeners[i]);
        snprintf(head, sizeof(head),
                 "%s %s HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n"
                 "Expect: 100-continue\r\n\r\n",
                 method, path, big);
        send_all(fd, head, strlen(head));
        cm_buf_reset(&ans);
        cr_assert_eq(read_answer(fd, &ans, 5000, &closed), 413, "%s: %s", listeners[i],
                     cm_buf_str(&ans));
        cr_assert(strstr(body_of(&ans), "too") != NULL, "%s: %s", listeners[i], body_of(&ans));
        close(fd);

        /* the same sent at once: read, dropped, then refused */
        fd = connect_to(listeners[i]);
        snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n\r\n",
                 method, path, big);
        send_all(fd, head, strlen(head));
        cr_assert_eq(send_all(fd, body, big), big, "%s: the body was not read", listeners[i]);
        cm_buf_reset(&ans);
        cr_assert_eq(read_answer(fd, &ans, 5000, &closed), 413, "%s", listeners[i]);
        close(fd);

        /* chunked, no Content-Length, growing past the limit */
        fd = connect_to(listeners[i]);
        snprintf(head, sizeof(head),
                 "%s %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", method, path);
        send_all(fd, head, strlen(head));
        for (size_t sent = 0; sent < big; sent += 4096) {
            send_all(fd, "1000\r\n", 6);
            send_all(fd, body, 4096);
            send_all(fd, "\r\n", 2);
        }
        send_all(fd, "0\r\n\r\n", 5);
        cm_buf_reset(&ans);
        cr_assert_eq(read_answer(fd, &ans, 5000, &closed), 413, "%s chunked: %s", listeners[i],
                     cm_buf_str(&ans));
        close(fd);
    }
    for (i = 0; services[i]; i++)
        cr_assert_eq(journal_count(services[i], "body_too_large"), 3, "%s", services[i]);
    /* the admin body was refused before it reached the state */
    probe_all();
    cm_buf_release(&ans);
    free(body);
}

Test(edges, body_over_limit_in_vendor_envelope)
{
    struct cm_http_response r;
    size_t big = BODY_MAX + 1;
    char *body = malloc(big);
    cJSON *doc;

    memset(body, 'a', big);
    cr_assert_eq(call("mimecast", "POST", "/api/login/login", NULL, body, big, &r), 413);
    doc = json_answer(&r, "mimecast");
    cr_assert_eq(cm_json_num(cJSON_GetObjectItem(doc, "meta"), "status", 0), 413);
    cr_assert(strstr(cm_buf_str(&r.body), "err_xdk_request_too_large"));
    cJSON_Delete(doc);
    cm_http_response_release(&r);
    cr_assert_eq(call("ctr-eu", "POST", "/iroh/oauth2/token", NULL, body, big, &r), 413);
    doc = json_answer(&r, "ctr");
    cr_assert_str_eq(cm_json_str(doc, "error", ""), "body_too_large");
    cr_assert(strstr(cm_json_str(doc, "error_description", ""), "--body-max"));
    cJSON_Delete(doc);
    cm_http_response_release(&r);
    cr_assert_eq(call("admin", "POST", "/faults", NULL, body, big, &r), 413);
    doc = json_answer(&r, "admin");
    cr_assert(strstr(cm_json_str(cJSON_GetObjectItem(doc, "error"), "message", ""),
                     "larger than the limit of 131072 bytes"));
    cJSON_Delete(doc);
    cm_http_response_release(&r);
    /* nothing was armed */
    cr_assert_eq(call("admin", "GET", "/faults", NULL, NULL, 0, &r), 200);
    cr_assert(strstr(cm_buf_str(&r.body), "\"faults\":[]"), "%s", cm_buf_str(&r.body));
    cm_http_response_release(&r);
    free(body);
    probe_all();
}

Test(edges, endless_chunked_body_closed_and_journaled)
{
    static const char *const listeners[] = {"demo", "admin", NULL};
    char chunk[4096 + 16];
    size_t total = 0;
    int i, fd, closed;
    struct cm_buf ans;

    memset(chunk, 'x', sizeof(chunk));
    memcpy(chunk, "1000\r\n", 6);
    memcpy(chunk + 6 + 4096, "\r\n", 2);
    cm_buf_init(&ans, 0);
    for (i = 0; listeners[i]; i++) {
        fd = connect_to(listeners[i]);
        static const char head[] =
            "POST /items HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        send_all(fd, head, sizeof(head) - 1);
        /* 64 MiB would be a thousand times the limit: the server must give up long before */
        for (total = 0; total < (64u << 20); total += 4096)
            if (send_all(fd, chunk, 6 + 4096 + 2) != 6 + 4096 + 2)
                break;
        cr_assert_lt(total, 64u << 20, "%s read a never-ending body for ever", listeners[i]);
        cr_assert_gt(total, BODY_MAX);
        cm_buf_reset(&ans);
        read_answer(fd, &ans, 5000, &closed);
        cr_assert(closed, "%s: the connection stays open", listeners[i]);
        close(fd);
    }
    cr_assert_eq(journal_count("demo", "body_too_large"), 1);
    {
        struct cm_http_response r;
        cr_assert_eq(call("admin", "GET", "/journal?service=demo", NULL, NULL, 0, &r), 200);
        cr_assert(strstr(cm_buf_str(&r.body), "connection closed after"), "%s",
                  cm_buf_str(&r.body));
        cr_assert(strstr(cm_buf_str(&r.body), "\"status\":0"), "%s", cm_buf_str(&r.body));
        cm_http_response_release(&r);
    }
    cm_buf_release(&ans);
    probe_all();
}

/* ---- deeply nested JSON ---- */

static char *deep_json(size_t depth)
{
    char *s = malloc(depth + 1);

    memset(s, '[', depth);
    s[depth] = '\0';
    return s;
}

Test(edges, deep_json_on_every_service_route)
{
    const char *auth[] = {"Authorization: Bearer x", "Netskope-Api-Token: " NS_TOKEN,
                          "x-mc-app-id: " MM_APP, "Content-Type: application/json", NULL};
    char *deep = deep_json(100000), path[256];
    int i, requests = 0;

    for (i = 0; services[i]; i++) {
        const struct mk_route *r = mk_runtime_find(rt, services[i])->ops->routes;
        for (; r->method; r++) {
            struct cm_http_response resp;
            long status;
            cJSON *doc;
            route_path(r->path, path, sizeof(path));
            status = call(services[i], r->method, path, auth, deep, 100000, &resp);
            /* a refusal, or (a GET that reads no body) the usual answer; never a crash or 5xx */
            cr_assert(status >= 200 && status < 500, "%s %s %s: %ld", services[i], r->method, path,
                      status);
            doc = json_answer(&resp, path);
            cJSON_Delete(doc);
            cm_http_response_release(&resp);
            requests++;
        }
    }
    cr_assert_gt(requests, 30);
    free(deep);
    probe_all();
}

Test(edges, deep_json_past_auth_is_refused)
{
    const char *ns_hdrs[] = {"Content-Type: application/json", NULL};
    char *deep = deep_json(100000), path[200];
    struct cm_http_response r;
    cJSON *doc;

    /* Netskope v1 reads its token from the body, so the parser is what answers */
    cr_assert_eq(call("netskope", "POST", "/api/v1/updateFileHashList", ns_hdrs, deep, 100000, &r),
                 400);
    doc = json_answer(&r, "netskope v1");
    cr_assert_str_eq(cm_json_str(doc, "status", ""), "error");
    cJSON_Delete(doc);
    cm_http_response_release(&r);
    /* demo parses before it checks anything */
    cr_assert_eq(call("demo", "POST", "/items", ns_hdrs, deep, 100000, &r), 400);
    cm_http_response_release(&r);
    /* CTR with a real token: the body is parsed and refused */
    {
        const char *basic[] = {"Authorization: Basic "
                               "Y2xpZW50LTBiN2M2ZTdhLTNmNTItNGQxZS05YThiLTJjNGQ2ZThmMGExYjpYcTN2O"
                               "UxyMlR6OFdtNU5wMUtzN0hkNEdmNkpiMFlj",
                               NULL};
        char bearer[4096];
        const char *hdrs[] = {bearer, "Content-Type: application/json", NULL};
        static const char grant[] = "grant_type=client_credentials";
        const char *routes[] = {
            "/iroh/iroh-inspect/inspect", "/iroh/iroh-enrich/observe/observables",
            "/iroh/iroh-response/respond/observables", "/iroh/iroh-int/module-instance", NULL};
        int i;

        cr_assert_eq(
            call("ctr-eu", "POST", "/iroh/oauth2/token", basic, grant, sizeof(grant) - 1, &r), 200);
        doc = json_answer(&r, "token");
        snprintf(bearer, sizeof(bearer), "Authorization: Bearer %s",
                 cm_json_str(doc, "access_token", ""));
        cJSON_Delete(doc);
        cm_http_response_release(&r);
        for (i = 0; routes[i]; i++) {
            snprintf(path, sizeof(path), "%s", routes[i]);
            cr_assert_eq(call("ctr-eu", "POST", path, hdrs, deep, 100000, &r), 400, "%s: %ld %s",
                         path, r.status, cm_buf_str(&r.body));
            cJSON_Delete(json_answer(&r, path));
            cm_http_response_release(&r);
        }
    }
    free(deep);
    probe_all();
}

Test(edges, deep_json_on_admin_changes_nothing)
{
    static const char *const calls[][2] = {
        {"PUT", "/state/demo"},     {"PATCH", "/state/demo"},
        {"PUT", "/state/mimecast"}, {"PATCH", "/state/ctr-eu"},
        {"POST", "/state"},         {"POST", "/clock"},
        {"POST", "/faults"},        {"POST", "/services/sse-eu/actions/generate-token"},
    };
    char *deep = deep_json(100000);
    struct cm_http_response r;
    char *before;
    size_t i;
    cJSON *doc;

    cr_assert_eq(call("admin", "GET", "/state", NULL, NULL, 0, &r), 200);
    before = strdup(cm_buf_str(&r.body));
    cm_http_response_release(&r);
    for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        cr_assert_eq(call("admin", calls[i][0], calls[i][1], NULL, deep, 100000, &r), 400, "%s %s",
                     calls[i][0], calls[i][1]);
        doc = json_answer(&r, calls[i][1]);
        cr_assert_str_eq(cm_json_str(cJSON_GetObjectItem(doc, "error"), "code", ""),
                         "invalid_json");
        cr_assert(strstr(cm_json_str(cJSON_GetObjectItem(doc, "error"), "message", ""),
                         "nested deeper than"),
                  "%s: %s", calls[i][1], cm_buf_str(&r.body));
        cJSON_Delete(doc);
        cm_http_response_release(&r);
    }
    cr_assert_eq(call("admin", "GET", "/state", NULL, NULL, 0, &r), 200);
    cr_assert_str_eq(cm_buf_str(&r.body), before, "a refused body changed the state");
    cm_http_response_release(&r);
    free(before);
    free(deep);
    probe_all();
}

Test(edges, admin_body_with_trailing_text_changes_nothing)
{
    static const char body[] = "{\"set\":\"2030-01-01T00:00:00Z\"} junk";
    struct cm_http_response r;
    cJSON *doc;

    cr_assert_eq(call("admin", "POST", "/clock", NULL, body, sizeof(body) - 1, &r), 400);
    doc = json_answer(&r, "clock");
    cr_assert(strstr(cm_json_str(cJSON_GetObjectItem(doc, "error"), "message", ""),
                     "unexpected text after the JSON document"),
              "%s", cm_buf_str(&r.body));
    cJSON_Delete(doc);
    cm_http_response_release(&r);
    cr_assert_eq(call("admin", "GET", "/clock", NULL, NULL, 0, &r), 200);
    cr_assert_null(strstr(cm_buf_str(&r.body), "2030"), "%s", cm_buf_str(&r.body));
    cm_http_response_release(&r);
    probe_all();
}

Test(edges, nested_just_under_the_limit_is_survived)
{
    /* 900 levels parse: the state's validation answers, and nothing recurses itself to death */
    size_t depth = 900, i;
    struct cm_buf b;
    struct cm_http_response r;
    long status;

    cm_buf_init(&b, 0);
    cm_buf_puts(&b, "{\"items\":{\"deep\":{\"value\":");
    for (i = 0; i < depth; i++)
        cm_buf_putc(&b, '[');
    for (i = 0; i < depth; i++)
        cm_buf_putc(&b, ']');
    cm_buf_puts(&b, "}}}");
    status = call("admin", "PATCH", "/state/demo", NULL, b.data, b.len, &r);
    cr_assert(status == 200 || status == 400, "%ld", status);
    cJSON_Delete(json_answer(&r, "patch"));
    cm_http_response_release(&r);
    cr_assert_eq(call("admin", "GET", "/state", NULL, NULL, 0, &r), 200);
    cJSON_Delete(json_answer(&r, "state"));
    cm_http_response_release(&r);
    cm_buf_release(&b);
    probe_all();
}

/* ---- bytes that are not UTF-8 ---- */

Test(edges, invalid_utf8_in_path_query_headers_and_json)
{
    const char *hdrs[] = {"Authorization: Bearer \xff\xfe", "x-mc-app-id: \xc0\xaf",
                          "Netskope-Api-Token: \xed\xa0\x80", "Content-Type: application/json",
                          NULL};
    /* an echoed path cut at 100 bytes in the middle of a character must not be sent cut */
    static const char path[] =
        "/%FF%FE/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa%C3%A9?q=%FF%C0&tok%FF=x";
    static const char body[] = "{\"data\":[{\"emailAddress\":\"\xff@example.com\"}],"
                               "\"id\":\"\xc3\x28\",\"value\":\"\xf8\x88\x80\x80\x80\"}";
    struct cm_http_response r;
    int i;

    for (i = 0; services[i]; i++) {
        call(services[i], "GET", path, hdrs, NULL, 0, &r);
        cr_assert_gt(r.status, 0, "%s: no answer", services[i]);
        cJSON_Delete(json_answer(&r, services[i]));
        cm_http_response_release(&r);
        call(services[i], "POST", "/api/login/discover-authentication", hdrs, body,
             sizeof(body) - 1, &r);
        cJSON_Delete(json_answer(&r, services[i]));
        cm_http_response_release(&r);
    }
    /* a JSON string that is not UTF-8 in the state comes back as U+FFFD, never raw */
    cr_assert_eq(call("admin", "PUT", "/state/demo", NULL,
                      "{\"items\":{\"\xff\":{\"value\":\"\xc3\"}}}",
                      strlen("{\"items\":{\"\xff\":{\"value\":\"\xc3\"}}}"), &r),
                 200, "%s", cm_buf_str(&r.body));
    cJSON_Delete(json_answer(&r, "state"));
    cm_http_response_release(&r);
    cr_assert_eq(call("admin", "GET", "/state/demo", NULL, NULL, 0, &r), 200);
    cJSON_Delete(json_answer(&r, "state"));
    cr_assert(strstr(cm_buf_str(&r.body), "\xef\xbf\xbd"), "%s", cm_buf_str(&r.body));
    cm_http_response_release(&r);
    /* the journal, which keeps paths and queries as received, answers valid UTF-8 */
    cr_assert_eq(call("admin", "GET", "/journal", NULL, NULL, 0, &r), 200);
    cJSON_Delete(json_answer(&r, "journal"));
    cr_assert(strstr(cm_buf_str(&r.body), "q=\xef\xbf\xbd\xef\xbf\xbd&tok\xef\xbf\xbd=x"), "%s",
              cm_buf_str(&r.body));
    cm_http_response_release(&r);
    cr_assert_eq(call("admin", "GET", "/journal?path=%FF", NULL, NULL, 0, &r), 200);
    cJSON_Delete(json_answer(&r, "journal filter"));
    cm_http_response_release(&r);
    probe_all();
}

/* ---- header floods ---- */

static int send_raw(const char *name, const char *req, size_t len, struct cm_buf *ans)
{
    int fd = connect_to(name), closed, status;

    send_all(fd, req, len);
    cm_buf_reset(ans);
    status = read_answer(fd, ans, 5000, &closed);
    close(fd);
    return status;
}

/* head, n times fill, tail: one request with one part blown up. */
static void blown_up(struct cm_buf *req, const char *head, char fill, size_t n, const char *tail)
{
    cm_buf_reset(req);
    cm_buf_puts(req, head);
    while (n--)
        cm_buf_putc(req, fill);
    cm_buf_puts(req, tail);
}

Test(edges, header_floods_refused_and_next_served)
{
    struct cm_buf req, ans;
    int i, status;

    cm_buf_init(&req, 0);
    cm_buf_init(&ans, 0);
    for (i = 0; services[i]; i++) {
        /* 5000 small headers */
        cm_buf_reset(&req);
        cm_buf_puts(&req, "GET /ping HTTP/1.1\r\nHost: x\r\n");
        for (int h = 0; h < 5000; h++)
            cm_buf_printf(&req, "X-Flood-%d: v\r\n", h);
        cm_buf_puts(&req, "\r\n");
        status = send_raw(services[i], req.data, req.len, &ans);
        cr_assert_eq(status, 431, "%s many headers: %s", services[i], cm_buf_str(&ans));
        /* one header of 100 KB */
        blown_up(&req, "GET /ping HTTP/1.1\r\nHost: x\r\nX-Huge: ", 'h', 100000, "\r\n\r\n");
        status = send_raw(services[i], req.data, req.len, &ans);
        cr_assert_eq(status, 431, "%s huge header: %s", services[i], cm_buf_str(&ans));
        /* a request line of 100 KB */
        blown_up(&req, "GET /ping?", 'q', 100000, " HTTP/1.1\r\nHost: x\r\n\r\n");
        status = send_raw(services[i], req.data, req.len, &ans);
        cr_assert_eq(status, 414, "%s long URI: %s", services[i], cm_buf_str(&ans));
    }
    blown_up(&req, "GET /health HTTP/1.1\r\nHost: x\r\nX-Huge: ", 'h', 100000, "\r\n\r\n");
    cr_assert_eq(send_raw("admin", req.data, req.len, &ans), 431);
    cm_buf_release(&req);
    cm_buf_release(&ans);
    probe_all();
}

/* ---- slow and idle connections ---- */

Test(edges, half_a_request_times_out)
{
    static const char *const listeners[] = {"demo", "mimecast", "admin", NULL};
    static const char *const halves[] = {
        "GET /ping HTTP/1.1\r\nHost: x\r\n", /* headers never end */
        "POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id\":", /* body */
        "GE",                                                                     /* request line */
        NULL};
    struct cm_buf ans;
    int i, j, n = 0, fds[16], closed;
    int64_t t0 = cm_mono_us(), waited;

    cm_buf_init(&ans, 0);
    /* all at once, so the test waits about one time-out, not one per case */
    for (i = 0; listeners[i]; i++) {
        for (j = 0; halves[j]; j++) {
            fds[n] = connect_to(listeners[i]);
            send_all(fds[n], halves[j], strlen(halves[j]));
            n++;
        }
    }
    for (i = 0; i < n; i++) {
        cm_buf_reset(&ans);
        /* the runtime's conn_timeout is 1 s; wait for the close, 10 s at most */
        read_answer(fds[i], &ans, 10000, &closed);
        waited = cm_mono_us() - t0;
        cr_assert(closed, "case %d: a stalled request was never timed out", i);
        cr_assert_lt(waited, 5000000, "case %d: closed after %lld us", i, (long long)waited);
        cr_assert_eq(ans.len, 0, "case %d: answered %s", i, cm_buf_str(&ans));
        close(fds[i]);
    }
    cr_assert_eq(journal_count("demo", "ok"), 0, "a half request reached the handler");
    cm_buf_release(&ans);
    probe_all();
}

Test(edges, many_idle_connections_do_not_starve_a_client)
{
    enum { IDLE = 300 };
    static const char *const listeners[] = {"demo",   "mimecast", "netskope", "sse-eu",
                                            "ctr-eu", "admin",    NULL};
    int fds[IDLE * 6];
    int n = 0, i, k;

    for (i = 0; listeners[i]; i++) {
        for (k = 0; k < IDLE; k++) {
            fds[n] = connect_to(listeners[i]);
            if (k % 3 == 1) /* some send half a request line too */
                send_all(fds[n], "GET /pi", 7);
            n++;
        }
    }
    /* every listener still answers at once, with 300 idle connections each */
    probe_all();
    for (i = 0; i < n; i++)
        close(fds[i]);
    probe_all();
}

/* ---- malformed credentials ---- */

Test(edges, malformed_authorization_on_every_service)
{
    /* each service's routes that read Authorization, with the other headers they need first */
    static const struct {
        const char *service, *method, *path, *extra;
    } targets[] = {
        {"demo", "GET", "/secure", NULL},
        {"mimecast", "POST", "/api/account/get-account", "x-mc-app-id: " MM_APP},
        {"mimecast", "POST", "/api/login/login", "x-mc-app-id: " MM_APP},
        {"mimecast", "POST", "/oauth/token", NULL},
        {"netskope", "GET", "/api/v2/events/dataexport/alerts/malware", NULL},
        {"sse-eu", "GET", "/v1/devices/x", NULL},
        {"ctr-eu", "POST", "/iroh/oauth2/token", NULL},
        {"ctr-eu", "GET", "/iroh/profile/whoami", NULL},
    };
    static const char *const bad[] = {"Authorization;", /* curl's way to send it empty */
                                      "Authorization: Bearer",
                                      "Authorization: Bearer ",
                                      "Authorization: Bearer a b c",
                                      "Authorization: bearer eyJhbGciOiJub25lIn0.e30.",
                                      "Authorization: Bearer eyJhbGciOiJub25lIn0.e30.",
                                      "Authorization: Bearer ....",
                                      "Authorization: Basic",
                                      "Authorization: Basic !!!not-base64!!!",
                                      "Authorization: Basic bm9jb2xvbg==",
                                      "Authorization: Basic Og==",
                                      "Authorization: MC",
                                      "Authorization: MC :",
                                      "Authorization: MC a:b:c",
                                      "Authorization: MC \xff\xfe:\xc0",
                                      "Authorization: Negotiate YIIGhgYGKwYBBQUC",
                                      "Authorization: \xff\xfe\xfd",
                                      NULL /* stands for an 8 KB Bearer token */};
    char huge[8200];
    const char *hdrs[4];
    struct cm_http_response r;
    size_t t;
    int b, n = 0;

    snprintf(huge, sizeof(huge), "Authorization: Bearer ");
    memset(huge + 22, 'A', sizeof(huge) - 23);
    huge[sizeof(huge) - 1] = '\0';
    for (t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
        for (b = 0; b <= (int)(sizeof(bad) / sizeof(bad[0])) - 1; b++) {
            hdrs[0] = bad[b] ? bad[b] : huge;
            hdrs[1] = targets[t].extra;
            hdrs[2] = NULL;
            call(targets[t].service, targets[t].method, targets[t].path, hdrs, "{}", 2, &r);
            cr_assert(r.status >= 400 && r.status < 500, "%s %s with '%s': %ld %s",
                      targets[t].service, targets[t].path, hdrs[0], r.status, cm_buf_str(&r.body));
            cJSON_Delete(json_answer(&r, targets[t].path));
            cm_http_response_release(&r);
            n++;
        }
    }
    /* every refusal is in the journal with its verdict, none passed as ok */
    cr_assert_eq(call("admin", "GET", "/journal?verdict=ok", NULL, NULL, 0, &r), 200);
    cr_assert(strstr(cm_buf_str(&r.body), "\"total\":0"), "%s", cm_buf_str(&r.body));
    cm_http_response_release(&r);
    cr_assert_eq(n, (int)(sizeof(targets) / sizeof(targets[0]) * (sizeof(bad) / sizeof(bad[0]))));
    probe_all();
}

/* ---- the admin API off loopback ---- */

Test(edges_admin, token_required_missing_or_wrong_gets_401)
{
    struct mk_runtime_config cfg = {0};
    static const struct {
        const char *header, *says;
    } cases[] = {
        {NULL, "needs its token"},
        {"Authorization: Bearer", "needs its token"},
        {"Authorization: Basic c2VzYW1lOg==", "needs its token"},
        {"Authorization: Bearer sesame2", "does not match"},
        {"Authorization: Bearer sesam", "does not match"},
        {"Authorization: Bearer  sesame", "does not match"},
        {"X-Secmock-Token: nope", "does not match"},
        {"X-Secmock-Token: \xff", "does not match"},
    };
    const char *hdrs[2] = {NULL, NULL};
    struct cm_http_response r;
    cJSON *doc;
    size_t i;

    cfg.admin_bind = "0.0.0.0";
    cfg.admin_token = "sesame";
    rt = start_with(&cfg);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hdrs[0] = cases[i].header;
        cr_assert_eq(call("admin", "PUT", "/state/demo", hdrs, "{\"items\":{}}", 12, &r), 401, "%s",
                     cases[i].header ? cases[i].header : "(none)");
        doc = json_answer(&r, "admin");
        cr_assert_str_eq(cm_json_str(cJSON_GetObjectItem(doc, "error"), "code", ""),
                         "admin_token_required");
        cr_assert(
            strstr(cm_json_str(cJSON_GetObjectItem(doc, "error"), "message", ""), cases[i].says),
            "%s: %s", cases[i].header, cm_buf_str(&r.body));
        cJSON_Delete(doc);
        cm_http_response_release(&r);
    }
    /* nothing was changed by the refused calls; the token opens the door */
    hdrs[0] = "X-Secmock-Token: sesame";
    cr_assert_eq(call("admin", "GET", "/state/demo", hdrs, NULL, 0, &r), 200);
    cr_assert(strstr(cm_buf_str(&r.body), "\"a\""), "%s", cm_buf_str(&r.body));
    cm_http_response_release(&r);
    hdrs[0] = "Authorization: Bearer sesame";
    cr_assert_eq(call("admin", "GET", "/health", hdrs, NULL, 0, &r), 200);
    cm_http_response_release(&r);
    probe("demo");
    teardown();
}

Test(edges_admin, off_loopback_without_token_refused_at_start)
{
    static const char *const binds[] = {"0.0.0.0", "::", "::ffff:127.0.0.1", NULL};
    struct mk_runtime_config cfg = {0};
    struct cm_err err = {{0}};
    struct mk_runtime *r;
    int i;

    for (i = 0; binds[i]; i++) {
        cfg.admin_bind = binds[i];
        cfg.admin_token = i == 1 ? "" : NULL; /* an empty token is no token */
        r = mk_runtime_new(&cfg);
        cr_assert_eq(mk_runtime_add(r, "demo", 0, 0, &err), 0);
        cr_assert_eq(mk_runtime_start(r, &err), CM_EAUTH, "%s started", binds[i]);
        cr_assert(strstr(err.msg, "refusing to serve the admin API on") &&
                      strstr(err.msg, binds[i]) && strstr(err.msg, "--admin-token"),
                  "%s", err.msg);
        mk_runtime_free(r);
    }
}

/* ---- `secmock serve` options for these limits ---- */

/* Runs `secmock ARGS...`, expecting it to exit with want_exit; returns its stderr (free it). */
static char *cli_fails(const char *const *args, int want_exit)
{
    const char *argv[16] = {SECMOCK_BINARY};
    struct cm_spawn_opts o = {0};
    struct cm_spawn_result res;
    size_t n = 1;
    char *err;

    for (; *args && n < 15; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    o.argv = argv;
    o.timeout_ms = 10000;
    cm_spawn_result_init(&res);
    cr_assert_eq(cm_spawn_run(&o, &res, NULL), 0);
    cr_assert(res.exited && res.exit_code == want_exit, "exit %d: %s", res.exit_code,
              cm_buf_str(&res.err));
    err = strdup(cm_buf_str(&res.err));
    cm_spawn_result_release(&res);
    return err;
}

Test(edges_cli, conn_timeout_and_admin_token_refusals)
{
    static const char cfg_text[] = "{\"services\":{\"demo\":{}},\"conn_timeout\":1.5}";
    char cfg_path[64];
    const char *zero[] = {"serve", "--services", "demo", "--conn-timeout", "0", NULL};
    const char *word[] = {"serve", "--services", "demo", "--conn-timeout", "soon", NULL};
    const char *cfg[] = {"serve", "--config", NULL, NULL};
    const char *open_admin[] = {"serve", "--services", "demo", "--admin-bind", "0.0.0.0", NULL};
    char *e;

    e = cli_fails(zero, 2);
    cr_assert(strstr(e, "--conn-timeout: expected whole seconds from 1 to 86400, got '0'"), "%s",
              e);
    free(e);
    e = cli_fails(word, 2);
    cr_assert(strstr(e, "got 'soon'"), "%s", e);
    free(e);
    snprintf(cfg_path, sizeof(cfg_path), "/tmp/secmock-edges-%d.json", (int)getpid());
    cr_assert_eq(cm_write_file_atomic(cfg_path, cfg_text, sizeof(cfg_text) - 1), 0);
    cfg[2] = cfg_path;
    e = cli_fails(cfg, 2);
    cr_assert(strstr(e, "conn_timeout: expected whole seconds"), "%s", e);
    free(e);
    unlink(cfg_path);
    e = cli_fails(open_admin, 1);
    cr_assert(strstr(e, "refusing to serve the admin API on 0.0.0.0 without a token"), "%s", e);
    free(e);
}

Test(edges_cli, bad_scenario_files_are_not_run)
{
    char path[64], *e;
    const char *args[] = {"run", path, NULL};
    struct cm_buf deep;
    unsigned char bin[512];
    size_t i;

    snprintf(path, sizeof(path), "/tmp/secmock-edges-%d.json", (int)getpid());
    cr_assert_eq(cm_write_file_atomic(path, "{\"name\": \"demo/x\", \"steps\": [{\"adv", 33), 0);
    e = cli_fails(args, 2);
    cr_assert(strstr(e, "invalid JSON at line 1, column 32") && strstr(e, "nothing was run"), "%s",
              e);
    free(e);
    for (i = 0; i < sizeof(bin); i++)
        bin[i] = (unsigned char)(i * 167 + 3);
    cr_assert_eq(cm_write_file_atomic(path, bin, sizeof(bin)), 0);
    e = cli_fails(args, 2);
    cr_assert(strstr(e, "invalid JSON at line 1, column "), "%s", e);
    free(e);
    cm_buf_init(&deep, 0);
    for (i = 0; i < 100000; i++)
        cm_buf_putc(&deep, '[');
    cr_assert_eq(cm_write_file_atomic(path, deep.data, deep.len), 0);
    e = cli_fails(args, 2);
    cr_assert(strstr(e, "nested deeper than 1000 levels"), "%s", e);
    free(e);
    cm_buf_release(&deep);
    unlink(path);
}
