/*
 * launcher.c: secmock's own children started by cloning a ready process
 * instead of fork and exec.
 *
 * Why: a scenario starts one `secmock serve` and runs every client step as a
 * new `secmock client` process. Exec'd, each of them first loads and relocates
 * libcurl, OpenSSL, GnuTLS, libmicrohttpd and their thirty-odd libraries and
 * initialises them: about 25 ms of CPU, more than most steps then spend on
 * their work, and over a library of scenarios the largest single cost.
 *
 * How: `secmock run` forks the launcher from itself before it starts any
 * worker thread, so the launcher is single-threaded, has every library loaded
 * and curl initialised, and has run nothing else. It waits on a socket. For
 * each child the harness sends one message (argv, the environment, the
 * folder) with three descriptors for stdin, stdout and stderr (SCM_RIGHTS).
 * The launcher clones itself with CLONE_PARENT, so the new process is a child
 * of the harness and not of the launcher: cm_proc waits for it, stops it and
 * reaps it exactly as one it forked (its pid, pidfd, process group, exit
 * status). The new process sets itself up as spawn.c's child does before exec
 * (own process group, SIGKILL when the harness dies, default signals, the
 * three descriptors and nothing else, the folder), takes the environment it
 * was sent and calls secmock's main with argv: the code an exec would have run,
 * in a fresh copy of a process that did nothing yet (but set up OpenSSL's
 * random generators and fill its algorithm cache, see launcher_main). It ends with main's
 * status once its streams are flushed, without the libraries' exit-time
 * clean-up (nothing outside the process sees it). A failure to enter the
 * folder comes back as an error of the start, as with exec.
 *
 * Only secmock's own `client` and `serve` go through it, and only when the
 * variables read at process start (LD_*, GLIBC_TUNABLES, MALLOC_*, OPENSSL_*,
 * GNUTLS_*, P11_KIT_*, SSL_*, CURL_*, SECMOCK_LIB* naming the libraries the
 * launcher opened, and SECMOCK_NO_LAUNCHER to force an exec)
 * are the launcher's; the rest is exec'd as before. A launcher that stops
 * answering is turned off and later children are exec'd. Sanitizer builds, and
 * a run with SECMOCK_NO_LAUNCHER=1, exec everything (sanitizer runtimes expect
 * to see each fork).
 *
 * The raw clone skips glibc's fork bookkeeping, which a single-threaded parent
 * needs for one thing only: the thread id glibc caches for the main thread
 * still names the launcher's. glibc asks the kernel for it where the calling
 * thread needs it (raise, abort); secmock uses nothing else that reads it.
 */
#include "harness/launcher.h"

#include "common/dl.h"
#include "common/libcrypto.h"
#include "common/mem.h"

#include <openssl/ssl.h>

#include <link.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MSG_MAX  (64u * 1024) /* a request's strings; bigger ones are exec'd */
#define CWD_ROOM 4096         /* kept free in MSG_MAX for the folder */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LAUNCHER_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LAUNCHER_OFF 1
#endif
#endif

/* A request: the header, then cwd, argv[argc] and env[envc], each NUL-terminated. */
struct req_head {
    uint32_t argc;
    uint32_t envc;
};

/* The answer: the child's pid, or the stage that failed (1 chdir, 2 clone) and its errno. */
struct reply {
    int32_t pid;
    int32_t stage;
    int32_t err;
};

enum { STAGE_CHDIR = 1, STAGE_CLONE = 2 };

/*
 * struct hx_launcher: owned by the run; lock serialises requests on sock, so
 * each reply is read by the thread that sent its request. dead is set under
 * lock when the launcher stopped answering; it is never cleared.
 */
struct hx_launcher {
    pthread_mutex_t lock;
    int sock;  /* the harness's end */
    pid_t pid; /* the launcher process */
    int dead;
    char *self;
    struct cm_launcher iface;
};

/* ---- in the launcher ---- */

static void child_fail(int rep, int stage)
{
    struct reply r = {0, stage, errno};
    ssize_t n = write(rep, &r, sizeof(r));

    (void)n;
    _exit(127);
}

/* The new process: set up as spawn.c's child is before exec, then secmock's main. */
static void child_run(hx_main_fn main_fn, pid_t harness, int rep, const int fds[3], const char *cwd,
                      char **argv, char **env)
{
    int argc = 0, i, rc;

    cm_spawn_child_prepare(harness);
    for (i = 0; i < 3; i++)
        if (dup2(fds[i], i) < 0)
            child_fail(rep, STAGE_CHDIR);
    if (cwd[0] && chdir(cwd) != 0)
        child_fail(rep, STAGE_CHDIR);
        /* Everything above stderr goes, the report pipe too: its end of file says "started". */
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3U, ~0U, 0) != 0)
#endif
    {
        long fd, max = sysconf(_SC_OPEN_MAX);
        for (fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
            close((int)fd);
    }
    environ = env;
    while (argv[argc])
        argc++;
    rc = main_fn(argc, argv);
    /* What exit() does that anyone can see: the streams flushed. The libraries'
     * exit-time clean-up (OpenSSL freeing its tables) changes nothing outside. */
    fflush(NULL);
    _exit(rc);
}

/* Splits n strings off *p (bounded by end) into v; v gets a NULL after them. 0 or -1. */
static int take_strings(char **p, const char *end, char **v, uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++) {
        char *z = memchr(*p, '\0', (size_t)(end - *p));
        if (z == NULL)
            return -1;
        v[i] = *p;
        *p = z + 1;
    }
    v[n] = NULL;
    return 0;
}

/* One request: clone, wait for the child to be set up, answer. 0, or -1 when the socket ends. */
static int serve_one(int sock, hx_main_fn main_fn, pid_t harness, char *buf)
{
    union {
        struct cmsghdr align;
        char space[CMSG_SPACE(3 * sizeof(int))];
    } ctl;
    struct iovec iov = {buf, sizeof(struct req_head) + MSG_MAX};
    struct msghdr mh;
    struct cmsghdr *c;
    struct req_head h;
    struct reply r = {0, 0, 0};
    int fds[3] = {-1, -1, -1}, rep[2] = {-1, -1}, i;
    char **argv = NULL, **env = NULL, *p, *end, *cwd;
    ssize_t n;
    pid_t pid;

    memset(&mh, 0, sizeof(mh));
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = ctl.space;
    mh.msg_controllen = sizeof(ctl.space);
    do
        n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return -1;
    for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            c->cmsg_len == CMSG_LEN(3 * sizeof(int)))
            memcpy(fds, CMSG_DATA(c), sizeof(fds));
    if ((size_t)n < sizeof(h) || fds[2] < 0 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
        return -1; /* not the harness speaking: stop */
    memcpy(&h, buf, sizeof(h));
    p = buf + sizeof(h);
    end = buf + n;
    argv = cm_calloc((size_t)h.argc + 1, sizeof(*argv));
    env = cm_calloc((size_t)h.envc + 1, sizeof(*env));
    cwd = p;
    p = memchr(p, '\0', (size_t)(end - p));
    if (p == NULL || (p++, take_strings(&p, end, argv, h.argc)) != 0 ||
        take_strings(&p, end, env, h.envc) != 0 || h.argc == 0) {
        r.stage = STAGE_CLONE;
        r.err = EINVAL;
        goto answer;
    }
    if (pipe2(rep, O_CLOEXEC) != 0) {
        r.stage = STAGE_CLONE;
        r.err = errno;
        goto answer;
    }
    pid =
        (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), NULL, NULL, NULL, NULL);
    if (pid == 0) {
        close(sock);
        close(rep[0]);
        child_run(main_fn, harness, rep[1], fds, cwd, argv, env);
    }
    close(rep[1]);
    if (pid < 0) {
        r.stage = STAGE_CLONE;
        r.err = errno;
    } else {
        struct reply got;
        do
            n = read(rep[0], &got, sizeof(got));
        while (n < 0 && errno == EINTR);
        r = n == (ssize_t)sizeof(got) ? got : r;
        r.pid = pid;
    }
    close(rep[0]);
answer:
    for (i = 0; i < 3; i++)
        close(fds[i]);
    free(argv);
    free(env);
    return send(sock, &r, sizeof(r), MSG_NOSIGNAL) == (ssize_t)sizeof(r) ? 0 : -1;
}

/* dl_iterate_phdr: the path of the loaded libssl, if any. */
static int find_libssl(struct dl_phdr_info *info, size_t size, void *ud)
{
    const char *base = strrchr(info->dlpi_name, '/');

    (void)size;
    base = base ? base + 1 : info->dlpi_name;
    if (strncmp(base, "libssl.so", 9) != 0)
        return 0;
    *(const char **)ud = info->dlpi_name;
    return 1;
}

/* One SSL_CTX made and freed through the libssl that libcurl loaded (common/http.c
 * opens libcurl at run time; secmock does not link libssl, so `serve` starts without
 * it). Nothing happens when it is not there: each child then fills the cache itself. */
static void warm_ssl(void)
{
    static struct {
        const SSL_METHOD *(*method)(void);
        SSL_CTX *(*ctx_new)(const SSL_METHOD *);
        void (*ctx_free)(SSL_CTX *);
    } ssl;
    static const struct cm_dl_sym syms[] = {{"TLS_client_method", &ssl.method},
                                            {"SSL_CTX_new", &ssl.ctx_new},
                                            {"SSL_CTX_free", &ssl.ctx_free}};
    const char *path = NULL;
    char msg[256];

    /* The path of a library already loaded: opening it again loads nothing. */
    dl_iterate_phdr(find_libssl, &path);
    if (path &&
        cm_dl_open(path, "libssl3", syms, sizeof(syms) / sizeof(syms[0]), msg, sizeof(msg)) == 0)
        ssl.ctx_free(ssl.ctx_new(ssl.method()));
}

static void launcher_main(int sock, hx_main_fn main_fn, pid_t harness)
{
    char *buf = cm_malloc(sizeof(struct req_head) + MSG_MAX);
    struct sigaction sa;

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != harness)
        _exit(0);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    /* Every child that speaks TLS first sets up OpenSSL's random generators:
     * fetching and instantiating the DRBGs, milliseconds each time. Done here
     * once, the children inherit them set up; OpenSSL notices the new pid and
     * reseeds each child's copy from the kernel before its first output, so no
     * two children share a stream. Should this fail, each child sets them up
     * itself, as when exec'd. */
    cm_crypto_warm();
    /* And libcurl makes an SSL_CTX for every connection, which fetches its
     * digests and ciphers from OpenSSL's providers: the first time in a process
     * builds them, later times find them in the library's cache. One context
     * made and freed here fills that cache for every child. */
    warm_ssl();
    while (serve_one(sock, main_fn, harness, buf) == 0)
        ;
    _exit(0);
}

/* ---- in the harness ---- */

/* 1 when a variable is read while a process starts (the loader, libc, the TLS libraries). */
static int startup_var(const char *kv)
{
    static const char *const prefixes[] = {"LD_",         "GLIBC_TUNABLES=",
                                           "MALLOC_",     "OPENSSL_",
                                           "GNUTLS_",     "P11_KIT_",
                                           "SSL_",        "CURL_",
                                           "SECMOCK_LIB", "SECMOCK_NO_LAUNCHER=",
                                           NULL};
    int i;

    for (i = 0; prefixes[i]; i++)
        if (strncmp(kv, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

/* 1 when every start-up variable of a is in b with the same value. */
static int startup_subset(char *const *a, const char *const *b)
{
    size_t i, j;

    for (i = 0; a && a[i]; i++) {
        if (!startup_var(a[i]))
            continue;
        for (j = 0; b && b[j]; j++)
            if (strcmp(a[i], b[j]) == 0)
                break;
        if (b == NULL || b[j] == NULL)
            return 0;
    }
    return 1;
}

static int launch(void *ud, const struct cm_spawn_opts *o, int in_fd, int out_fd, int err_fd,
                  pid_t *pid, struct cm_err *err)
{
    struct hx_launcher *l = ud;
    static const char *const none[] = {NULL};
    const char *const *env = o->env ? o->env : environ ? (const char *const *)environ : none;
    union {
        struct cmsghdr align;
        char space[CMSG_SPACE(3 * sizeof(int))];
    } ctl;
    struct req_head h = {0, 0};
    struct reply r;
    struct msghdr mh;
    struct iovec iov[2];
    struct cmsghdr *c;
    char *blob, *q;
    size_t len = strlen(o->cwd ? o->cwd : "") + 1, i;
    int fds[3] = {in_fd, out_fd, err_fd}, rc = 0;
    ssize_t n;

    for (i = 0; o->argv[i]; i++, h.argc++)
        len += strlen(o->argv[i]) + 1;
    for (i = 0; env[i]; i++, h.envc++)
        len += strlen(env[i]) + 1;
    q = blob = cm_malloc(len);
    q = stpcpy(q, o->cwd ? o->cwd : "") + 1;
    for (i = 0; o->argv[i]; i++)
        q = stpcpy(q, o->argv[i]) + 1;
    for (i = 0; env[i]; i++)
        q = stpcpy(q, env[i]) + 1;
    iov[0] = (struct iovec){&h, sizeof(h)};
    iov[1] = (struct iovec){blob, len};
    memset(&mh, 0, sizeof(mh));
    memset(&ctl, 0, sizeof(ctl));
    mh.msg_iov = iov;
    mh.msg_iovlen = 2;
    mh.msg_control = ctl.space;
    mh.msg_controllen = sizeof(ctl.space);
    c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(fds));
    memcpy(CMSG_DATA(c), fds, sizeof(fds));
    pthread_mutex_lock(&l->lock);
    if (l->dead) {
        rc = cm_fail(err, CM_EIO, "cannot run '%s': the launcher has stopped", o->argv[0]);
        goto out;
    }
    do
        n = sendmsg(l->sock, &mh, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n == (ssize_t)(sizeof(h) + len)) {
        do
            n = recv(l->sock, &r, sizeof(r), 0);
        while (n < 0 && errno == EINTR);
    }
    if (n != (ssize_t)sizeof(r)) {
        l->dead = 1;
        rc = cm_fail(err, CM_EIO, "cannot run '%s': the launcher stopped answering", o->argv[0]);
        goto out;
    }
    if (r.stage == STAGE_CHDIR) {
        waitpid(r.pid, NULL, 0);
        rc = cm_fail(err, CM_ENOENT, "cannot run '%s': cannot enter folder '%s': %s", o->argv[0],
                     o->cwd, strerror(r.err));
    } else if (r.stage) {
        if (r.pid > 0)
            waitpid(r.pid, NULL, 0);
        l->dead = 1; /* a clone it cannot make now it will not make later */
        rc = cm_fail(err, CM_EIO, "cannot run '%s': clone: %s", o->argv[0], strerror(r.err));
    } else {
        *pid = r.pid;
    }
out:
    pthread_mutex_unlock(&l->lock);
    free(blob);
    return rc;
}

struct hx_launcher *hx_launcher_new(const char *self, hx_main_fn main_fn)
{
    struct hx_launcher *l;
    const char *off = getenv("SECMOCK_NO_LAUNCHER");
    int sv[2];
    pid_t pid, harness = getpid();

#ifdef LAUNCHER_OFF
    return NULL;
#endif
    if (self == NULL || main_fn == NULL || (off && *off && strcmp(off, "0") != 0))
        return NULL;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return NULL;
    fflush(NULL); /* the launcher's copies of the harness's stdio buffers must be empty */
    pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return NULL;
    }
    if (pid == 0) {
        close(sv[0]);
        launcher_main(sv[1], main_fn, harness);
    }
    close(sv[1]);
    l = cm_calloc(1, sizeof(*l));
    pthread_mutex_init(&l->lock, NULL);
    l->sock = sv[0];
    l->pid = pid;
    l->self = cm_strdup(self);
    l->iface.start = launch;
    l->iface.ud = l;
    return l;
}

void hx_launcher_free(struct hx_launcher *l)
{
    if (l == NULL)
        return;
    close(l->sock); /* the launcher reads end of file and exits */
    while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    pthread_mutex_destroy(&l->lock);
    free(l->self);
    free(l);
}

const struct cm_launcher *hx_launcher_for(struct hx_launcher *l, const char *const *argv,
                                          const char *const *env)
{
    size_t len = 0, i;

    int dead;

    if (l == NULL || argv == NULL || argv[0] == NULL || argv[1] == NULL)
        return NULL;
    pthread_mutex_lock(&l->lock);
    dead = l->dead;
    pthread_mutex_unlock(&l->lock);
    if (dead)
        return NULL;
    if (strcmp(argv[0], l->self) != 0 ||
        (strcmp(argv[1], "client") != 0 && strcmp(argv[1], "serve") != 0))
        return NULL;
    if (env && (!startup_subset((char *const *)env, (const char *const *)environ) ||
                !startup_subset(environ, env)))
        return NULL;
    for (i = 0; argv[i]; i++)
        len += strlen(argv[i]) + 1;
    if (env == NULL)
        env = (const char *const *)environ;
    for (i = 0; env && env[i]; i++)
        len += strlen(env[i]) + 1;
    return len + CWD_ROOM <= MSG_MAX ? &l->iface : NULL;
}
