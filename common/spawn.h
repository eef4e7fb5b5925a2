/*
 * spawn.h: running child processes, protocol-neutral.
 *
 * A child is started with fork and exec in its own process group, with an
 * explicit argv, an optional full environment, a working folder, stdin on
 * /dev/null and stdout/stderr either captured into bounded buffers or sent to
 * files. Stopping is always the same gentle-then-firm sequence: SIGTERM to the
 * whole group, a grace period, then SIGKILL, so a shell and the commands it
 * started go together. A child is also sent SIGKILL if the thread that started
 * it dies (PR_SET_PDEATHSIG), so a crashed harness leaves no mocks behind.
 *
 * Two ways to use it:
 *   cm_spawn_run()     start, wait with a deadline, stop, reap; for a command
 *                      that is expected to finish (a client under test).
 *   cm_proc_start()    start and return; the caller polls with cm_proc_wait(),
 *                      stops with cm_proc_stop() and frees with
 *                      cm_proc_release(); for a server that lives beside the
 *                      caller (the mock process of a scenario).
 *
 * Safe to use from several threads at once: every descriptor is created
 * close-on-exec and the child closes everything above stderr before exec, so a
 * child never holds another thread's pipe open. The child only calls
 * async-signal-safe functions between fork and exec; everything it needs
 * (resolved program path, environment array) is prepared before the fork.
 */
#ifndef CM_SPAWN_H
#define CM_SPAWN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/buf.h"
#include "common/error.h"

#define CM_SPAWN_CAPTURE_DEFAULT  (16u * 1024 * 1024)
#define CM_SPAWN_GRACE_DEFAULT_MS 2000

/*
 * A launcher starts a child for cm_proc_start() in place of fork and exec (the
 * harness's pre-started copy of itself, harness/launcher.c). start() gets the
 * options and the descriptors the child must have as stdin, stdout and stderr
 * (borrowed: the launcher passes copies on), and returns 0 with *pid that of a
 * process that is a child of the caller, in a process group of its own, sent
 * SIGKILL when the caller dies, running opts->argv with opts->env in opts->cwd;
 * or CM_ENOENT (it could not enter cwd) or CM_EIO with err saying why. From
 * then on the child is waited for, stopped and reaped exactly like a forked one.
 */
struct cm_spawn_opts;
struct cm_launcher {
    int (*start)(void *ud, const struct cm_spawn_opts *opts, int in_fd, int out_fd, int err_fd,
                 pid_t *pid, struct cm_err *err);
    void *ud;
};

/* What to run. Every pointer is borrowed and only read during the start call. */
struct cm_spawn_opts {
    const char *const *argv; /* NULL-terminated; argv[0] is searched in PATH unless it has a '/' */
    const char *const *env;  /* full environment, "NAME=value" lines, NULL-terminated;
                                NULL = inherit the caller's */
    const char *cwd;         /* working folder; NULL = the caller's */
    const char *stdout_path; /* append stdout to this file instead of capturing it */
    const char *stderr_path; /* append stderr to this file instead of capturing it */
    size_t capture_max;      /* bytes kept per captured stream; 0 = CM_SPAWN_CAPTURE_DEFAULT.
                                Output past it is read and dropped (the child never blocks). */
    int64_t timeout_ms;      /* cm_spawn_run only: stop the child after this long; 0 = never */
    int64_t grace_ms;        /* between SIGTERM and SIGKILL; 0 = CM_SPAWN_GRACE_DEFAULT_MS */
    const struct cm_launcher *launcher; /* start through it; NULL = fork and exec argv[0] */
};

/*
 * How a child ended. Exactly one of exited/signaled is set once it was reaped.
 * timed_out: the caller's deadline passed and the child was stopped.
 * killed: it was still alive after the grace period and got SIGKILL.
 */
struct cm_spawn_result {
    int exited;
    int exit_code;
    int signaled;
    int term_signal;
    int timed_out;
    int term_sent; /* SIGTERM was sent by cm_proc_stop() */
    int killed;
    int64_t duration_us;
    struct cm_buf out;  /* captured stdout (empty when it went to a file) */
    struct cm_buf err;  /* captured stderr (empty when it went to a file) */
    size_t out_dropped; /* bytes read past capture_max */
    size_t err_dropped;
};

/*
 * struct cm_proc: one started child. Caller-owned storage; fields are read-only
 * for the caller. Invariants: pid > 0 until reaped; out_fd/err_fd are -1 once
 * their stream reached end of file (or when it goes to a file); res is final
 * once reaped is 1.
 */
struct cm_proc {
    pid_t pid;
    int reaped;
    int pidfd; /* -1 when the kernel has no pidfd_open; then waiting polls */
    int out_fd;
    int err_fd;
    int64_t start_us;
    int64_t grace_ms;
    struct cm_spawn_result res;
};

/* In a new child, before it runs anything: its own process group, SIGKILL when
 * the parent dies (exit 127 if it already has: getppid() is no longer parent),
 * every signal back to its default, none blocked. Async-signal-safe. */
void cm_spawn_child_prepare(pid_t parent);

void cm_spawn_result_init(struct cm_spawn_result *r);
void cm_spawn_result_release(struct cm_spawn_result *r);
/* One line for a report: "exit 3", "killed by signal 11 (Segmentation fault)",
 * "timed out after 30s and was stopped". */
void cm_spawn_describe(const struct cm_spawn_result *r, char *out, size_t size);

/*
 * Runs opts->argv to completion, or until opts->timeout_ms then stops it.
 * r must be initialized (cm_spawn_result_init) and receives the outcome.
 * Returns 0 when the child ran (whatever its exit), CM_ENOENT when the program
 * cannot be found or executed, CM_EIO when a pipe, fork or file fails;
 * err says which.
 */
int cm_spawn_run(const struct cm_spawn_opts *opts, struct cm_spawn_result *r, struct cm_err *err);

/* Starts a child; p is initialized here. 0, CM_ENOENT or CM_EIO as above. On
 * error p needs no release. */
int cm_proc_start(struct cm_proc *p, const struct cm_spawn_opts *opts, struct cm_err *err);
/* Reads pending output and reaps the child if it ended, waiting up to timeout_ms
 * (0: do not wait, -1: until it ends). Returns 1 when the child has ended (p->res
 * is final), 0 when it still runs. */
int cm_proc_wait(struct cm_proc *p, int64_t timeout_ms);
/* SIGTERM to the group, up to grace_ms for it to end, then SIGKILL; reaps. */
void cm_proc_stop(struct cm_proc *p);
/* Stops the child if it still runs, closes descriptors and frees the buffers. */
void cm_proc_release(struct cm_proc *p);

#endif
