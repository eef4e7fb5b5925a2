/*
 * test_library_load.c: the commands that make requests open libcurl and
 * OpenSSL's libcrypto at run time (common/http.c, common/libcrypto.c, through
 * common/dl.c); without libcurl `secmock run` stops at once and a client
 * request fails, without libcrypto a client command stops before it starts,
 * each saying which file it could not load, or which entry point a library
 * that is not the one asked for lacks.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/spawn.h"

extern char **environ;

#define MISSING "/nonexistent/libcurl-for-secmock-tests.so"

/* Runs secmock with argv (after the binary) and the variable var naming lib. */
static void run_with(const char *var, const char *lib, const char *const *args,
                     struct cm_spawn_result *r)
{
    const char *argv[16] = {SECMOCK_BINARY};
    const char **env;
    struct cm_spawn_opts o = {0};
    size_t n = 1, ne = 0, i;

    for (; *args && n < 15; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    while (environ[ne])
        ne++;
    env = cm_calloc(ne + 2, sizeof(*env));
    for (i = 0; i < ne; i++)
        env[i] = environ[i];
    env[ne] = cm_asprintf("%s=%s", var, lib);
    o.argv = argv;
    o.env = env;
    o.timeout_ms = 20000;
    cm_spawn_result_init(r);
    cr_assert_eq(cm_spawn_run(&o, r, NULL), 0);
    free((char *)env[ne]);
    free(env);
    cr_assert(r->exited, "secmock did not exit by itself");
}

Test(libcurl_load, run_stops_with_the_reason)
{
    const char *args[] = {"run", SECMOCK_SOURCE_DIR "/scenarios/demo/fault-once.json", NULL};
    struct cm_spawn_result r;

    run_with("SECMOCK_LIBCURL", MISSING, args, &r);
    cr_assert_eq(r.exit_code, 2, "stderr: %s", cm_buf_str(&r.err));
    cr_assert_not_null(strstr(cm_buf_str(&r.err), "cannot load " MISSING " (libcurl4)"), "%s",
                       cm_buf_str(&r.err));
    cr_assert_null(strstr(cm_buf_str(&r.out), "passed"), "no scenario ran");
    cm_spawn_result_release(&r);
}

Test(libcurl_load, a_client_request_fails_with_the_reason)
{
    const char *args[] = {"client", "http", "--retries", "0", "http://127.0.0.1:9/", NULL};
    struct cm_spawn_result r;

    run_with("SECMOCK_LIBCURL", MISSING, args, &r);
    cr_assert_eq(r.exit_code, 3, "stderr: %s", cm_buf_str(&r.err));
    cr_assert_not_null(strstr(cm_buf_str(&r.err), "cannot load " MISSING " (libcurl4)"), "%s",
                       cm_buf_str(&r.err));
    cm_spawn_result_release(&r);
}

/* A library that loads but is not libcurl: the first entry point it lacks is named. */
Test(libcurl_load, a_library_without_curl_is_refused)
{
    const char *args[] = {"run", SECMOCK_SOURCE_DIR "/scenarios/demo/fault-once.json", NULL};
    struct cm_spawn_result r;

    run_with("SECMOCK_LIBCURL", "libc.so.6", args, &r);
    cr_assert_eq(r.exit_code, 2, "stderr: %s", cm_buf_str(&r.err));
    cr_assert_not_null(strstr(cm_buf_str(&r.err), "libc.so.6 has no curl_global_init"), "%s",
                       cm_buf_str(&r.err));
    cm_spawn_result_release(&r);
}

#define NO_CRYPTO "/nonexistent/libcrypto-for-secmock-tests.so"

Test(libcrypto_load, a_client_command_stops_with_the_reason)
{
    const char *args[] = {"client", "http", "--retries", "0", "http://127.0.0.1:9/", NULL};
    struct cm_spawn_result r;

    run_with("SECMOCK_LIBCRYPTO", NO_CRYPTO, args, &r);
    cr_assert_eq(r.exit_code, 2, "stderr: %s", cm_buf_str(&r.err));
    cr_assert_not_null(strstr(cm_buf_str(&r.err), "cannot load " NO_CRYPTO " (libssl3)"), "%s",
                       cm_buf_str(&r.err));
    cr_assert_null(strstr(cm_buf_str(&r.err), "127.0.0.1:9"), "no request was tried: %s",
                   cm_buf_str(&r.err));
    cm_spawn_result_release(&r);
}

/* Help needs no library. */
Test(libcrypto_load, help_still_answers)
{
    const char *args[] = {"client", "http", "--help", NULL};
    struct cm_spawn_result r;

    run_with("SECMOCK_LIBCRYPTO", NO_CRYPTO, args, &r);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", cm_buf_str(&r.err));
    cr_assert_not_null(strstr(cm_buf_str(&r.out), "--retries"), "%s", cm_buf_str(&r.out));
    cm_spawn_result_release(&r);
}

Test(libcrypto_load, a_library_without_hmac_is_refused)
{
    const char *args[] = {"client", "http", "--retries", "0", "http://127.0.0.1:9/", NULL};
    struct cm_spawn_result r;

    run_with("SECMOCK_LIBCRYPTO", "libc.so.6", args, &r);
    cr_assert_eq(r.exit_code, 2, "stderr: %s", cm_buf_str(&r.err));
    cr_assert_not_null(strstr(cm_buf_str(&r.err), "libc.so.6 has no HMAC"), "%s",
                       cm_buf_str(&r.err));
    cm_spawn_result_release(&r);
}
