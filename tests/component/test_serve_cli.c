/*
 * test_serve_cli.c: `secmock serve` as a user runs it: the ready file, a
 * config file, clean exit on SIGTERM, and a clear error with a non-zero exit
 * for every bad input (unknown service, unreadable or invalid state, a port
 * in use, bad options, an admin API off loopback without a token); and that
 * it runs without loading libcurl.
 */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/http.h"
#include "common/json.h"
#include "common/mem.h"
#include "common/spawn.h"
#include "common/timeutil.h"
#include "mock/kit/tls.h"

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/secmock-serve-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(serve_cli, .init = setup, .fini = teardown);

static const char *path_in(const char *name)
{
    static char p[4][128];
    static int i;

    i = (i + 1) % 4;
    snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
    return p[i];
}

static void write_text(const char *name, const char *text)
{
    cr_assert_eq(cm_write_file_atomic(path_in(name), text, strlen(text)), 0);
}

/* Runs `secmock serve ARGS...` expecting it to fail at start; returns its stderr. */
static char *fails(int want_exit, const char *const *args)
{
    const char *argv[32] = {SECMOCK_BINARY, "serve"};
    struct cm_spawn_opts o = {0};
    struct cm_spawn_result r;
    size_t n = 2;
    char *err;

    for (; *args && n < 31; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    o.argv = argv;
    o.timeout_ms = 10000;
    cm_spawn_result_init(&r);
    cr_assert_eq(cm_spawn_run(&o, &r, NULL), 0);
    cr_assert(r.exited, "secmock serve did not exit by itself");
    cr_assert_eq(r.exit_code, want_exit, "exit %d, stderr: %s", r.exit_code, cm_buf_str(&r.err));
    err = strdup(cm_buf_str(&r.err));
    cm_spawn_result_release(&r);
    return err;
}

#define ASSERT_FAILS_WITH(code, text, ...)                                                         \
    do {                                                                                           \
        const char *a_[] = {__VA_ARGS__, NULL};                                                    \
        char *e_ = fails(code, a_);                                                                \
        cr_assert(strstr(e_, text) != NULL, "stderr '%s' lacks '%s'", e_, text);                   \
        free(e_);                                                                                  \
    } while (0)

Test(serve_cli, unknown_service)
{
    ASSERT_FAILS_WITH(1, "unknown service 'pluto': known services are", "--services", "pluto");
}

Test(serve_cli, no_services)
{
    ASSERT_FAILS_WITH(1, "no services to run", "--admin-port", "0");
}

Test(serve_cli, missing_state_file)
{
    ASSERT_FAILS_WITH(1, "no such file", "--services", "demo", "--state", path_in("nope.json"));
}

Test(serve_cli, invalid_state_json)
{
    write_text("bad.json", "{\"demo\": {\n  \"items\": [\n}");
    ASSERT_FAILS_WITH(1, "invalid JSON at line 3", "--services", "demo", "--state",
                      path_in("bad.json"));
}

Test(serve_cli, state_for_absent_service)
{
    write_text("other.json", "{\"mars\": {}}");
    ASSERT_FAILS_WITH(1, "'mars' is not a service of this process", "--services", "demo", "--state",
                      path_in("other.json"));
}

Test(serve_cli, invalid_state_content)
{
    write_text("content.json", "{\"demo\": {\"allow\": [\"999.1.1.1\"]}}");
    ASSERT_FAILS_WITH(1, "allow: '999.1.1.1' is not an address", "--services", "demo", "--state",
                      path_in("content.json"));
}

Test(serve_cli, port_in_use)
{
    struct sockaddr_in sin = {0};
    socklen_t len = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char arg[32];

    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    cr_assert_eq(listen(fd, 1), 0);
    getsockname(fd, (struct sockaddr *)&sin, &len);
    snprintf(arg, sizeof(arg), "demo=%d", ntohs(sin.sin_port));
    ASSERT_FAILS_WITH(1, "the port is in use", "--services", "demo", "--port", arg);
    close(fd);
}

Test(serve_cli, bad_options)
{
    ASSERT_FAILS_WITH(2, "unknown option '--colour'", "--services", "demo", "--colour");
    ASSERT_FAILS_WITH(2, "--port: expected SERVICE=PORT", "--services", "demo", "--port", "80");
    ASSERT_FAILS_WITH(2, "--admin-port: expected 0 to 65535", "--admin-port", "70000");
    ASSERT_FAILS_WITH(2, "--services needs a value", "--services");
    ASSERT_FAILS_WITH(1, "--clock: 'soon' is not an RFC 3339 time", "--services", "demo", "--clock",
                      "soon");
}

Test(serve_cli, given_certificate_and_key_must_match)
{
    struct mk_tls_material a, b;

    cr_assert_eq(mk_tls_generate(NULL, &a, NULL), 0);
    cr_assert_eq(mk_tls_generate(NULL, &b, NULL), 0);
    write_text("cert.pem", a.cert_pem);
    write_text("other-key.pem", b.key_pem);
    write_text("not-pem.txt", "hello\n");
    ASSERT_FAILS_WITH(1, "is not the key of the certificate in", "--services", "netskope", "--cert",
                      path_in("cert.pem"), "--key", path_in("other-key.pem"));
    ASSERT_FAILS_WITH(1, "no PEM certificate in", "--services", "netskope", "--cert",
                      path_in("not-pem.txt"), "--key", path_in("other-key.pem"));
    ASSERT_FAILS_WITH(1, "no PEM private key in", "--services", "netskope", "--cert",
                      path_in("cert.pem"), "--key", path_in("not-pem.txt"));
    mk_tls_material_release(&a);
    mk_tls_material_release(&b);
}

Test(serve_cli, admin_off_loopback_needs_token)
{
    ASSERT_FAILS_WITH(1, "without a token", "--services", "demo", "--admin-bind", "0.0.0.0");
}

Test(serve_cli, config_file_ready_file_and_sigterm)
{
    struct cm_proc p;
    struct cm_spawn_opts o = {0};
    const char *ready = path_in("ready.json");
    const char *argv[] = {SECMOCK_BINARY, "serve", "--config", path_in("cfg.json"),
                          "--ready-file", ready,   NULL};
    cJSON *doc = NULL;
    int64_t deadline;
    char *text, maps[64];
    size_t len;

    write_text("cfg.json", "{\"services\": {\"demo\": {\"port\": 0}},"
                           " \"clock\": {\"start\": \"2026-03-02T09:00:00Z\", \"frozen\": true}}");
    o.argv = argv;
    cr_assert_eq(cm_proc_start(&p, &o, NULL), 0);
    deadline = cm_mono_us() + 5000000;
    while (cm_read_file(ready, 1 << 20, &text, &len) != 0) {
        cr_assert_eq(cm_proc_wait(&p, 5), 0, "secmock serve ended before its ready file: %s",
                     cm_buf_str(&p.res.err));
        cr_assert_lt(cm_mono_us(), deadline, "no ready file within 5 s");
    }
    doc = cm_json_parse(text, len, "ready", NULL);
    free(text);
    cr_assert_not_null(doc);
    cr_assert_eq(cm_json_num(doc, "pid", 0), p.pid);
    cr_assert(strncmp(cm_json_str(doc, "admin", ""), "http://127.0.0.1:", 17) == 0);
    cr_assert(strncmp(cm_json_str(cJSON_GetObjectItem(doc, "services"), "demo", ""),
                      "http://127.0.0.1:", 17) == 0);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(doc, "ca_file")));
    cJSON_Delete(doc);
    /* libcurl and libcrypto are opened by the commands that make requests, not linked
     * (common/http.c, common/libcrypto.c); the mocks' crypto is GnuTLS's. */
    snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)p.pid);
    cr_assert_eq(cm_read_file(maps, 1 << 24, &text, &len), 0);
    cr_assert_null(strstr(text, "libcurl"), "secmock serve loaded libcurl");
    cr_assert_null(strstr(text, "libssl"), "secmock serve loaded libssl");
    cr_assert_null(strstr(text, "libcrypto"), "secmock serve loaded libcrypto");
    free(text);
    cm_proc_stop(&p);
    cr_assert(p.res.exited && p.res.exit_code == 0, "did not exit cleanly on SIGTERM: %s",
              cm_buf_str(&p.res.err));
    cm_proc_release(&p);
}

/* Starts `secmock serve --services demo` with extra (NULL-terminated), waits for its ready
 * file and asks each listener (demo, admin) once; its pid is the caller's to stop. */
static void serve_demo_and_ask(struct cm_proc *p, const char *const *extra)
{
    const char *ready = path_in("arena-ready.json");
    const char *argv[12] = {SECMOCK_BINARY, "serve", "--services", "demo", "--ready-file", ready};
    struct cm_spawn_opts o = {0};
    char *text, *url[2];
    size_t len, n = 6;
    cJSON *doc;
    int64_t deadline = cm_mono_us() + 5000000;
    int i;

    for (; *extra; extra++)
        argv[n++] = *extra;
    unlink(ready);
    o.argv = argv;
    cr_assert_eq(cm_proc_start(p, &o, NULL), 0);
    while (cm_read_file(ready, 1 << 20, &text, &len) != 0) {
        cr_assert_eq(cm_proc_wait(p, 5), 0, "serve ended: %s", cm_buf_str(&p->res.err));
        cr_assert_lt(cm_mono_us(), deadline, "no ready file within 5 s");
    }
    doc = cm_json_parse(text, len, "ready", NULL);
    free(text);
    cr_assert_not_null(doc);
    url[0] = cm_asprintf("%s/ping", cm_json_str(cJSON_GetObjectItem(doc, "services"), "demo", ""));
    url[1] = cm_asprintf("%s/health", cm_json_str(doc, "admin", ""));
    cJSON_Delete(doc);
    cm_http_global_init();
    for (i = 0; i < 2; i++) {
        struct cm_http_request rq = {.url = url[i]};
        struct cm_http_response rs;

        cm_http_response_init(&rs);
        cr_assert_eq(cm_http_perform(&rq, &rs), 0, "%s: %s", url[i], rs.error);
        cr_assert_eq(rs.status, 200, "%s", url[i]);
        cm_http_response_release(&rs);
        free(url[i]);
    }
}

/* Anonymous reservations of over 1 MiB with no access in /proc/pid/maps: glibc's
 * per-thread malloc arenas (64 MiB each); thread stacks' guards are one page. */
static int arena_reservations(pid_t pid)
{
    char path[64], *text, *line, *save = NULL;
    unsigned long lo, hi, inode;
    char perms[8];
    size_t len;
    int n = 0;

    snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
    cr_assert_eq(cm_read_file(path, 1 << 24, &text, &len), 0);
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (sscanf(line, "%lx-%lx %7s %*s %*s %lu", &lo, &hi, perms, &inode) == 4 &&
            strcmp(perms, "---p") == 0 && inode == 0 && hi - lo > (1ul << 20))
            n++;
    free(text);
    return n;
}

/* The listener threads share the main malloc arena (mock/serve.c) unless a thread pool
 * is asked for: glibc gives every thread that allocates an arena of its own otherwise. */
Test(serve_cli, listener_threads_share_one_malloc_arena)
{
    const char *none[] = {NULL}, *pool[] = {"--threads", "2", NULL};
    struct cm_proc p;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    cr_skip_test("the sanitizers' allocator has no glibc arenas");
#endif
    serve_demo_and_ask(&p, none);
    cr_assert_eq(arena_reservations(p.pid), 0, "a listener thread made an arena of its own");
    cm_proc_stop(&p);
    cm_proc_release(&p);
    serve_demo_and_ask(&p, pool);
    cr_assert_geq(arena_reservations(p.pid), 1, "with --threads 2 glibc's default stays");
    cm_proc_stop(&p);
    cm_proc_release(&p);
}
