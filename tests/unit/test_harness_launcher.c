/*
 * test_harness_launcher.c: harness/launcher. A child it starts is the
 * caller's own (cm_spawn waits for it, reads its exit status and its captured
 * streams), runs the main it was given with the argv, environment and folder
 * of the request, and a folder it cannot enter is an error of the start, as
 * with exec. Only secmock's client and serve go through it, and only when the
 * start-up variables agree; everything else is left to exec.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/spawn.h"
#include "harness/launcher.h"

#define SELF "/opt/secmock/bin/secmock"

/* The children's main: prints its argv, $WHO and its folder; exits with argc. */
static int fake_main(int argc, char **argv)
{
    char cwd[512];
    const char *who = getenv("WHO");
    int i;

    for (i = 0; i < argc; i++)
        printf("%s%s", i ? " " : "", argv[i]);
    printf("\nWHO=%s\n", who ? who : "(unset)");
    fprintf(stderr, "in %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
    return argc;
}

static int launch(struct hx_launcher *l, const char *const *argv, const char *const *env,
                  const char *cwd, struct cm_spawn_result *r, struct cm_err *err)
{
    struct cm_spawn_opts o;

    memset(&o, 0, sizeof(o));
    o.argv = argv;
    o.env = env;
    o.cwd = cwd;
    o.timeout_ms = 10000;
    o.launcher = hx_launcher_for(l, argv, env);
    cr_assert_not_null(o.launcher, "the launcher takes secmock's client");
    return cm_spawn_run(&o, r, err);
}

/* Each test runs in its own process: none of the runner's start-up variables. */
static void quiet_env(void)
{
    clearenv();
}

TestSuite(harness_launcher, .init = quiet_env);

Test(harness_launcher, runs_main_with_argv_env_and_folder, .timeout = 20)
{
    struct hx_launcher *l = hx_launcher_new(SELF, fake_main);
    const char *argv[] = {SELF, "client", "esa", "check", NULL};
    const char *env[] = {"WHO=child", "PATH=/usr/bin:/bin", NULL};
    struct cm_spawn_result r;
    struct cm_err err = {{0}};
    int i;

    if (l == NULL)
        cr_skip_test("no launcher in this build (sanitizers)");
    for (i = 0; i < 3; i++) { /* each child is a fresh copy: the same answer every time */
        cm_spawn_result_init(&r);
        cr_assert_eq(launch(l, argv, env, "/tmp", &r, &err), 0, "%s", err.msg);
        cr_assert(r.exited && r.exit_code == 4, "exit %d", r.exit_code);
        cr_assert_str_eq(cm_buf_str(&r.out), SELF " client esa check\nWHO=child\n");
        cr_assert_str_eq(cm_buf_str(&r.err), "in /tmp\n");
        cm_spawn_result_release(&r);
    }
    hx_launcher_free(l);
}

Test(harness_launcher, a_folder_it_cannot_enter_is_an_error_of_the_start, .timeout = 20)
{
    struct hx_launcher *l = hx_launcher_new(SELF, fake_main);
    const char *argv[] = {SELF, "serve", NULL};
    struct cm_spawn_result r;
    struct cm_err err = {{0}};

    if (l == NULL)
        cr_skip_test("no launcher in this build (sanitizers)");
    cm_spawn_result_init(&r);
    cr_assert_eq(launch(l, argv, NULL, "/nonexistent/folder", &r, &err), CM_ENOENT);
    cr_assert(strstr(err.msg, "cannot enter folder '/nonexistent/folder'"), "%s", err.msg);
    cm_spawn_result_release(&r);
    hx_launcher_free(l);
}

Test(harness_launcher, only_secmock_client_and_serve_with_the_same_startup_variables)
{
    struct hx_launcher *l = hx_launcher_new(SELF, fake_main);
    const char *client[] = {SELF, "client", "http", NULL};
    const char *run[] = {SELF, "run", NULL};
    const char *other[] = {"/bin/secmock", "client", NULL};
    const char *sh[] = {"sh", "-c", "true", NULL};
    const char *plain[] = {"WHO=x", NULL};
    const char *preload[] = {"WHO=x", "LD_PRELOAD=/lib/libfaketime.so.1", NULL};
    const char *crypto[] = {"WHO=x", "SECMOCK_LIBCRYPTO=/opt/ssl/libcrypto.so.3", NULL};

    if (l == NULL)
        cr_skip_test("no launcher in this build (sanitizers)");
    cr_assert_not_null(hx_launcher_for(l, client, plain));
    cr_assert_null(hx_launcher_for(l, run, plain), "not a command it starts");
    cr_assert_null(hx_launcher_for(l, other, plain), "another binary");
    cr_assert_null(hx_launcher_for(l, sh, plain), "not secmock");
    cr_assert_null(hx_launcher_for(l, client, preload), "LD_PRELOAD differs");
    cr_assert_null(hx_launcher_for(l, client, crypto), "another libcrypto than the launcher's");
    cr_assert_null(hx_launcher_for(NULL, client, plain));
    hx_launcher_free(l);
}
