/*
 * spawn.c: fork/exec with captured output, deadlines and group-wide stops.
 *
 * The parent prepares everything (program path, descriptors) before fork; the
 * child then only makes async-signal-safe calls: new process group, parent
 * death signal, default signal dispositions, dup2 of stdin/stdout/stderr,
 * chdir, closing every other descriptor, execve. A close-on-exec pipe carries
 * errno back if chdir or exec fails, so a missing program is an error of the
 * call rather than a mysterious exit 127. With opts->launcher, the launcher
 * makes the child instead of fork and exec; the rest is the same.
 *
 * Waiting uses poll() over the output pipes and a pidfd (Linux 5.3+); without
 * pidfd it polls waitpid every 10 ms. When the group leader ends, the rest of
 * its group is killed before the leader is reaped (so the group id cannot have
 * been reused), and the pipes are drained until end of file, for at most a
 * second in case something left the group and kept them open.
 */
#include "common/spawn.h"

#include "common/mem.h"
#include "common/timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define DRAIN_MAX_US 1000000

enum { STAGE_CHDIR = 1, STAGE_EXEC = 2, STAGE_DUP = 3 };

struct child_report {
    int stage;
    int err;
};

void cm_spawn_result_init(struct cm_spawn_result *r)
{
    memset(r, 0, sizeof(*r));
    cm_buf_init(&r->out, CM_SPAWN_CAPTURE_DEFAULT);
    cm_buf_init(&r->err, CM_SPAWN_CAPTURE_DEFAULT);
}

void cm_spawn_result_release(struct cm_spawn_result *r)
{
    cm_buf_release(&r->out);
    cm_buf_release(&r->err);
}

void cm_spawn_describe(const struct cm_spawn_result *r, char *out, size_t size)
{
    char dur[32];

    if (r->timed_out) {
        cm_duration_format(r->duration_us / 1000, dur, sizeof(dur));
        snprintf(out, size, "timed out after %s and was %s", dur,
                 r->killed ? "killed (SIGKILL)" : "stopped (SIGTERM)");
    } else if (r->signaled) {
        snprintf(out, size, "killed by signal %d (%s)", r->term_signal, strsignal(r->term_signal));
    } else if (r->exited) {
        snprintf(out, size, "exit %d", r->exit_code);
    } else {
        snprintf(out, size, "still running");
    }
}

/* The PATH to search: the child's own when an environment is given, else ours. */
static const char *search_path(const struct cm_spawn_opts *o)
{
    const char *const *e;
    const char *p;

    if (o->env) {
        for (e = o->env; *e; e++)
            if (strncmp(*e, "PATH=", 5) == 0)
                return *e + 5;
        return "/usr/local/bin:/usr/bin:/bin";
    }
    p = getenv("PATH");
    return p ? p : "/usr/local/bin:/usr/bin:/bin";
}

/* Finds the file exec will run; caller frees. NULL when nothing executable matches. */
static char *resolve_program(const struct cm_spawn_opts *o)
{
    const char *prog = o->argv[0], *p, *end;
    struct stat st;

    if (strchr(prog, '/'))
        return cm_strdup(prog);
    for (p = search_path(o); *p; p = *end ? end + 1 : end) {
        char *cand;
        size_t n;

        end = strchr(p, ':');
        if (end == NULL)
            end = p + strlen(p);
        n = (size_t)(end - p);
        cand = n ? cm_asprintf("%.*s/%s", (int)n, p, prog) : cm_asprintf("./%s", prog);
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
            return cand;
        free(cand);
    }
    return NULL;
}

static void child_fail(int fd, int stage)
{
    struct child_report rep = {stage, errno};
    ssize_t n = write(fd, &rep, sizeof(rep));

    (void)n;
    _exit(127);
}

static void child_close_from(int lowfd, int maxfd)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)lowfd, ~0U, 0) == 0)
        return;
#endif
    for (int fd = lowfd; fd < maxfd; fd++)
        close(fd);
}

void cm_spawn_child_prepare(pid_t parent)
{
    struct sigaction sa;
    sigset_t all;
    int sig;

    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    for (sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &sa, NULL);
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
}

/* Runs in the child: never returns. */
static void child_exec(const char *path, const struct cm_spawn_opts *o, int in_fd, int out_fd,
                       int err_fd, int rep_fd, pid_t parent, int maxfd)
{
    cm_spawn_child_prepare(parent);
    /* Move the report pipe out of the way of 0..2 first. */
    if (rep_fd < 3) {
        int moved = fcntl(rep_fd, F_DUPFD_CLOEXEC, 3);
        if (moved < 0)
            _exit(127);
        rep_fd = moved;
    }
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        child_fail(rep_fd, STAGE_DUP);
    if (rep_fd != 3) {
        if (dup2(rep_fd, 3) < 0)
            child_fail(rep_fd, STAGE_DUP);
        rep_fd = 3;
    }
    fcntl(rep_fd, F_SETFD, FD_CLOEXEC);
    child_close_from(4, maxfd);
    if (o->cwd && chdir(o->cwd) != 0)
        child_fail(rep_fd, STAGE_CHDIR);
    execve(path, (char *const *)o->argv,
           (char *const *)(o->env ? o->env : (const char *const *)environ));
    child_fail(rep_fd, STAGE_EXEC);
}

static int open_sink(const char *path, struct cm_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

    if (fd < 0)
        cm_fail(err, CM_EIO, "cannot open '%s' for output: %s", path, strerror(errno));
    return fd;
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

int cm_proc_start(struct cm_proc *p, const struct cm_spawn_opts *opts, struct cm_err *err)
{
    int in_fd = -1, outp[2] = {-1, -1}, errp[2] = {-1, -1}, rep[2] = {-1, -1};
    struct child_report report;
    char *path = NULL;
    pid_t pid, self = getpid();
    ssize_t n;
    long maxfd = sysconf(_SC_OPEN_MAX);
    int rc = 0;

    memset(p, 0, sizeof(*p));
    p->pid = -1;
    p->pidfd = p->out_fd = p->err_fd = -1;
    cm_spawn_result_init(&p->res);
    if (opts->capture_max) {
        p->res.out.max = opts->capture_max;
        p->res.err.max = opts->capture_max;
    }
    p->grace_ms = opts->grace_ms > 0 ? opts->grace_ms : CM_SPAWN_GRACE_DEFAULT_MS;
    if (maxfd < 0 || maxfd > 65536)
        maxfd = 65536;
    if (opts->argv == NULL || opts->argv[0] == NULL || opts->argv[0][0] == '\0') {
        rc = cm_fail(err, CM_EINVAL, "cannot run a command: empty argv");
        goto out;
    }
    if (opts->launcher)
        path = cm_strdup(opts->argv[0]); /* the launcher runs it without exec */
    else
        path = resolve_program(opts);
    if (path == NULL) {
        rc = cm_fail(err, CM_ENOENT, "cannot run '%s': not found in PATH", opts->argv[0]);
        goto out;
    }
    in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in_fd < 0 || pipe2(rep, O_CLOEXEC) != 0) {
        rc = cm_fail(err, CM_EIO, "cannot run '%s': %s", opts->argv[0], strerror(errno));
        goto out;
    }
    if (opts->stdout_path) {
        outp[1] = open_sink(opts->stdout_path, err);
        if (outp[1] < 0) {
            rc = CM_EIO;
            goto out;
        }
    } else if (pipe2(outp, O_CLOEXEC) != 0) {
        rc = cm_fail(err, CM_EIO, "cannot run '%s': pipe: %s", opts->argv[0], strerror(errno));
        goto out;
    }
    if (opts->stderr_path) {
        errp[1] = open_sink(opts->stderr_path, err);
        if (errp[1] < 0) {
            rc = CM_EIO;
            goto out;
        }
    } else if (pipe2(errp, O_CLOEXEC) != 0) {
        rc = cm_fail(err, CM_EIO, "cannot run '%s': pipe: %s", opts->argv[0], strerror(errno));
        goto out;
    }
    p->start_us = cm_mono_us();
    if (opts->launcher) {
        rc = opts->launcher->start(opts->launcher->ud, opts, in_fd, outp[1], errp[1], &pid, err);
        if (rc)
            goto out;
        setpgid(pid, pid); /* as after fork: whichever of the two runs first wins */
        p->pid = pid;
        goto started;
    }
    pid = fork();
    if (pid < 0) {
        rc = cm_fail(err, CM_EIO, "cannot run '%s': fork: %s", opts->argv[0], strerror(errno));
        goto out;
    }
    if (pid == 0)
        child_exec(path, opts, in_fd, outp[1], errp[1], rep[1], self, (int)maxfd);
    setpgid(pid, pid); /* also done by the child; whichever runs first wins the race */
    p->pid = pid;
    close_fd(&rep[1]);
    close_fd(&outp[1]);
    close_fd(&errp[1]);
    do
        n = read(rep[0], &report, sizeof(report));
    while (n < 0 && errno == EINTR);
    if (n == (ssize_t)sizeof(report)) {
        waitpid(pid, NULL, 0);
        p->pid = -1;
        errno = report.err;
        if (report.stage == STAGE_CHDIR)
            rc = cm_fail(err, CM_ENOENT, "cannot run '%s': cannot enter folder '%s': %s",
                         opts->argv[0], opts->cwd, strerror(report.err));
        else
            rc =
                cm_fail(err, CM_ENOENT, "cannot run '%s': %s", opts->argv[0], strerror(report.err));
        goto out;
    }
started:
    close_fd(&outp[1]);
    close_fd(&errp[1]);
    p->out_fd = outp[0];
    p->err_fd = errp[0];
    outp[0] = errp[0] = -1;
#ifdef SYS_pidfd_open
    p->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (p->pidfd >= 0)
        fcntl(p->pidfd, F_SETFD, FD_CLOEXEC);
#endif
out:
    free(path);
    close_fd(&in_fd);
    close_fd(&outp[0]);
    close_fd(&outp[1]);
    close_fd(&errp[0]);
    close_fd(&errp[1]);
    close_fd(&rep[0]);
    close_fd(&rep[1]);
    if (rc)
        cm_spawn_result_release(&p->res);
    return rc;
}

/* Reads what is available on *fd into b (dropping what passes its max); closes at EOF. */
static void pump(int *fd, struct cm_buf *b, size_t *dropped)
{
    char chunk[16384];
    ssize_t n;

    n = read(*fd, chunk, sizeof(chunk));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        close_fd(fd);
        return;
    }
    if (cm_buf_append(b, chunk, (size_t)n) != 0) {
        size_t room = b->max - b->len;
        cm_buf_append(b, chunk, room);
        *dropped += (size_t)n - room;
    }
}

/* Reaps the leader if it has ended; kills what is left of its group first. */
static int try_reap(struct cm_proc *p)
{
    siginfo_t si;
    int status;

    if (p->reaped)
        return 1;
    memset(&si, 0, sizeof(si));
    if (waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid == 0)
        return 0;
    kill(-p->pid, SIGKILL); /* the leader is a zombie: its group id cannot be reused yet */
    while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
        ;
    p->reaped = 1;
    p->res.duration_us = cm_mono_us() - p->start_us;
    if (WIFEXITED(status)) {
        p->res.exited = 1;
        p->res.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        p->res.signaled = 1;
        p->res.term_signal = WTERMSIG(status);
    }
    close_fd(&p->pidfd);
    return 1;
}

int cm_proc_wait(struct cm_proc *p, int64_t timeout_ms)
{
    int64_t now = cm_mono_us(), deadline, drain_deadline = 0;

    if (p->pid <= 0)
        return 1;
    deadline = timeout_ms < 0 ? INT64_MAX : now + timeout_ms * 1000;
    for (;;) {
        struct pollfd fds[3];
        nfds_t nfds = 0;
        int wait_ms, i;
        int64_t limit;

        try_reap(p);
        if (p->reaped && p->out_fd < 0 && p->err_fd < 0)
            return 1;
        now = cm_mono_us();
        if (p->reaped && drain_deadline == 0)
            drain_deadline = now + DRAIN_MAX_US;
        if (p->reaped && now >= drain_deadline) {
            close_fd(&p->out_fd);
            close_fd(&p->err_fd);
            return 1;
        }
        if (!p->reaped && now >= deadline && timeout_ms >= 0) {
            /* Take what is already in the pipes without waiting. */
            limit = 0;
        } else {
            limit = (p->reaped ? drain_deadline : deadline) - now;
            if (limit < 0)
                limit = 0;
        }
        if (p->out_fd >= 0)
            fds[nfds++] = (struct pollfd){.fd = p->out_fd, .events = POLLIN};
        if (p->err_fd >= 0)
            fds[nfds++] = (struct pollfd){.fd = p->err_fd, .events = POLLIN};
        if (!p->reaped && p->pidfd >= 0)
            fds[nfds++] = (struct pollfd){.fd = p->pidfd, .events = POLLIN};
        wait_ms = limit / 1000 > 60000 ? 60000 : (int)((limit + 999) / 1000);
        if (!p->reaped && p->pidfd < 0 && wait_ms > 10)
            wait_ms = 10;
        if (poll(fds, nfds, wait_ms) < 0 && errno != EINTR)
            return p->reaped;
        for (i = 0; i < (int)nfds; i++) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (fds[i].fd == p->out_fd)
                pump(&p->out_fd, &p->res.out, &p->res.out_dropped);
            else if (fds[i].fd == p->err_fd)
                pump(&p->err_fd, &p->res.err, &p->res.err_dropped);
        }
        if (!p->reaped && timeout_ms >= 0 && cm_mono_us() >= deadline) {
            try_reap(p);
            if (!p->reaped)
                return 0;
        }
    }
}

void cm_proc_stop(struct cm_proc *p)
{
    if (p->pid <= 0 || p->reaped || cm_proc_wait(p, 0)) {
        cm_proc_wait(p, -1);
        return;
    }
    kill(-p->pid, SIGTERM);
    kill(p->pid, SIGTERM);
    p->res.term_sent = 1;
    if (cm_proc_wait(p, p->grace_ms))
        return;
    kill(-p->pid, SIGKILL);
    kill(p->pid, SIGKILL);
    p->res.killed = 1;
    cm_proc_wait(p, -1);
}

void cm_proc_release(struct cm_proc *p)
{
    if (p->pid > 0 && !p->reaped) {
        kill(-p->pid, SIGKILL);
        kill(p->pid, SIGKILL);
        p->res.killed = 1;
        cm_proc_wait(p, -1);
    }
    close_fd(&p->out_fd);
    close_fd(&p->err_fd);
    close_fd(&p->pidfd);
    cm_spawn_result_release(&p->res);
    p->pid = -1;
}

int cm_spawn_run(const struct cm_spawn_opts *opts, struct cm_spawn_result *r, struct cm_err *err)
{
    struct cm_proc p;
    int rc;

    rc = cm_proc_start(&p, opts, err);
    if (rc)
        return rc;
    if (!cm_proc_wait(&p, opts->timeout_ms > 0 ? opts->timeout_ms : -1)) {
        p.res.timed_out = 1;
        cm_proc_stop(&p);
    }
    cm_proc_wait(&p, -1);
    cm_spawn_result_release(r);
    *r = p.res;
    cm_buf_init(&p.res.out, 0);
    cm_buf_init(&p.res.err, 0);
    cm_proc_release(&p);
    return 0;
}
