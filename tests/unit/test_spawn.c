/*
 * test_spawn.c: common/spawn. Exit codes and signals are told apart, stdout
 * and stderr are captured separately (and bounded), the environment and
 * working folder are the ones given, a missing program is an error of the
 * call, a time-out stops the whole process group (TERM, then KILL for a
 * child that ignores TERM), and output to files works for background
 * processes. Only tiny polls; the longest wait is the 300 ms grace of the
 * TERM-ignoring test.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/mem.h"
#include "common/spawn.h"

static int run(const char *const *argv, const char *const *env, const char *cwd, int64_t timeout_ms,
               struct cm_spawn_result *r, struct cm_err *err)
{
    struct cm_spawn_opts o;

    memset(&o, 0, sizeof(o));
    o.argv = argv;
    o.env = env;
    o.cwd = cwd;
    o.timeout_ms = timeout_ms;
    o.grace_ms = 300;
    return cm_spawn_run(&o, r, err);
}

Test(spawn, exit_code_and_separate_streams)
{
    const char *argv[] = {"sh", "-c", "echo out; echo err >&2; printf more; exit 7", NULL};
    struct cm_spawn_result r;
    struct cm_err err = {{0}};
    char how[64];

    cm_spawn_result_init(&r);
    cr_assert_eq(run(argv, NULL, NULL, 5000, &r, &err), 0, "%s", err.msg);
    cr_assert(r.exited);
    cr_assert_not(r.signaled);
    cr_assert_eq(r.exit_code, 7);
    cr_assert_not(r.timed_out);
    cr_assert_str_eq(cm_buf_str(&r.out), "out\nmore");
    cr_assert_str_eq(cm_buf_str(&r.err), "err\n");
    cm_spawn_describe(&r, how, sizeof(how));
    cr_assert_str_eq(how, "exit 7");
    cm_spawn_result_release(&r);
}

Test(spawn, death_by_signal_is_detected)
{
    const char *argv[] = {"sh", "-c", "kill -SEGV $$", NULL};
    struct cm_spawn_result r;
    struct cm_err err = {{0}};
    char how[64];

    cm_spawn_result_init(&r);
    cr_assert_eq(run(argv, NULL, NULL, 5000, &r, &err), 0, "%s", err.msg);
    cr_assert_not(r.exited);
    cr_assert(r.signaled);
    cr_assert_eq(r.term_signal, SIGSEGV);
    cm_spawn_describe(&r, how, sizeof(how));
    cr_assert(strstr(how, "killed by signal 11"), "%s", how);
    cm_spawn_result_release(&r);
}

Test(spawn, environment_and_cwd_are_the_given_ones)
{
    const char *argv[] = {"sh", "-c", "echo \"$HX_A|$HOME|$(pwd)\"", NULL};
    const char *env[] = {"HX_A=1", "PATH=/usr/bin:/bin", NULL};
    struct cm_spawn_result r;
    struct cm_err err = {{0}};

    cm_spawn_result_init(&r);
    cr_assert_eq(run(argv, env, "/", 5000, &r, &err), 0, "%s", err.msg);
    cr_assert_str_eq(cm_buf_str(&r.out), "1||/\n", "nothing inherited, cwd honoured");
    cm_spawn_result_release(&r);
}

Test(spawn, missing_program_and_folder_are_call_errors)
{
    const char *argv[] = {"hx-no-such-program-xyz", NULL};
    const char *argv2[] = {"true", NULL};
    const char *argv3[] = {"./nope/x", NULL};
    struct cm_spawn_result r;
    struct cm_err err = {{0}};

    cm_spawn_result_init(&r);
    cr_assert_eq(run(argv, NULL, NULL, 5000, &r, &err), CM_ENOENT);
    cr_assert(strstr(err.msg, "cannot run 'hx-no-such-program-xyz': not found in PATH"), "%s",
              err.msg);
    cr_assert_eq(run(argv2, NULL, "/no/such/folder", 5000, &r, &err), CM_ENOENT);
    cr_assert(strstr(err.msg, "cannot enter folder '/no/such/folder'"), "%s", err.msg);
    cr_assert_eq(run(argv3, NULL, "/", 5000, &r, &err), CM_ENOENT);
    cr_assert(strstr(err.msg, "cannot run './nope/x'"), "%s", err.msg);
    cm_spawn_result_release(&r);
}

Test(spawn, timeout_stops_the_whole_group)
{
    /* The shell starts a grandchild that would hold stdout open for 30 s. */
    const char *argv[] = {"sh", "-c", "echo started; sleep 30 & sleep 30; echo never", NULL};
    struct cm_spawn_result r;
    struct cm_err err = {{0}};
    char how[80];

    cm_spawn_result_init(&r);
    cr_assert_eq(run(argv, NULL, NULL, 100, &r, &err), 0, "%s", err.msg);
    cr_assert(r.timed_out);
    cr_assert(r.signaled, "stopped by SIGTERM");
    cr_assert_eq(r.term_signal, SIGTERM);
    cr_assert_not(r.killed);
    cr_assert_str_eq(cm_buf_str(&r.out), "started\n");
    cr_assert_lt(r.duration_us, 3000000, "took %lld us", (long long)r.duration_us);
    cm_spawn_describe(&r, how, sizeof(how));
    cr_assert(strstr(how, "timed out after"), "%s", how);
    cm_spawn_result_release(&r);
}

Test(spawn, term_ignored_then_kill)
{
    const char *argv[] = {"sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done",
                          NULL};
    struct cm_spawn_result r;
    struct cm_err err = {{0}};

    cm_spawn_result_init(&r);
    cr_assert_eq(run(argv, NULL, NULL, 200, &r, &err), 0, "%s", err.msg);
    cr_assert(r.timed_out);
    cr_assert(r.killed);
    cr_assert(r.signaled);
    cr_assert_eq(r.term_signal, SIGKILL);
    cm_spawn_result_release(&r);
}

Test(spawn, capture_is_bounded_and_the_child_never_blocks)
{
    const char *argv[] = {"sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x; echo done >&2", NULL};
    struct cm_spawn_opts o;
    struct cm_spawn_result r;
    struct cm_err err = {{0}};

    memset(&o, 0, sizeof(o));
    o.argv = argv;
    o.capture_max = 1000;
    o.timeout_ms = 5000;
    cm_spawn_result_init(&r);
    cr_assert_eq(cm_spawn_run(&o, &r, &err), 0, "%s", err.msg);
    cr_assert_eq(r.exit_code, 0);
    cr_assert_eq(r.out.len, 1000);
    cr_assert_eq(r.out_dropped, 299000);
    cr_assert_str_eq(cm_buf_str(&r.err), "done\n");
    cm_spawn_result_release(&r);
}

Test(spawn, background_process_with_output_to_a_file)
{
    char dir[] = "/tmp/hx-spawn-XXXXXX", *log, *text = NULL;
    const char *argv[] = {"sh", "-c", "echo hello; echo oops >&2; exec sleep 30", NULL};
    struct cm_spawn_opts o;
    struct cm_proc p;
    struct cm_err err = {{0}};
    size_t len;
    int tries;

    cr_assert_not_null(mkdtemp(dir));
    log = cm_asprintf("%s/out.log", dir);
    memset(&o, 0, sizeof(o));
    o.argv = argv;
    o.stdout_path = log;
    o.stderr_path = log;
    o.grace_ms = 1000;
    cr_assert_eq(cm_proc_start(&p, &o, &err), 0, "%s", err.msg);
    cr_assert_gt(p.pid, 0);
    cr_assert_eq(cm_proc_wait(&p, 0), 0, "still running");
    for (tries = 0; tries < 200; tries++) {
        free(text);
        text = NULL;
        if (cm_read_file(log, 4096, &text, &len) == 0 && strstr(text, "oops"))
            break;
        cm_proc_wait(&p, 10);
    }
    cr_assert(text && strstr(text, "hello\n") && strstr(text, "oops\n"), "log: %s",
              text ? text : "(none)");
    cm_proc_stop(&p);
    cr_assert(p.reaped);
    cr_assert(p.res.term_sent);
    cr_assert(p.res.signaled);
    cr_assert_eq(p.res.term_signal, SIGTERM);
    cr_assert_eq(p.res.out.len, 0, "nothing captured when it goes to a file");
    cm_proc_release(&p);
    free(text);
    unlink(log);
    rmdir(dir);
    free(log);
}

Test(spawn, early_exit_is_seen_by_wait)
{
    const char *argv[] = {"sh", "-c", "exit 4", NULL};
    struct cm_spawn_opts o;
    struct cm_proc p;
    struct cm_err err = {{0}};

    memset(&o, 0, sizeof(o));
    o.argv = argv;
    cr_assert_eq(cm_proc_start(&p, &o, &err), 0, "%s", err.msg);
    cr_assert_eq(cm_proc_wait(&p, 5000), 1);
    cr_assert(p.res.exited);
    cr_assert_eq(p.res.exit_code, 4);
    cm_proc_stop(&p); /* a no-op on an ended child */
    cr_assert_not(p.res.term_sent);
    cm_proc_release(&p);
}
