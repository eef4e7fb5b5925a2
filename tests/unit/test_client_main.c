/*
 * test_client_main.c: `secmock client` dispatch: --help at every level, the
 * documented exit codes for usage errors, flows not built yet, and a
 * connection that cannot be made (127.0.0.1 port 1 refuses at once, so no
 * time passes).
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"

static char captured[16384];

static void setup(void)
{
    static const char *const vars[] = {
        "SECMOCK_CLOCK",   "SECMOCK_ADMIN_URL",     "SECMOCK_CA_FILE",    "SECMOCK_SOURCE_ADDR",
        "SECMOCK_RETRIES", "SECMOCK_CLIENT_CONFIG", "SECMOCK_RETRY_SEED", "SECMOCK_VERBOSE"};
    size_t i;

    for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
    cr_redirect_stdout();
    cr_redirect_stderr();
}

/* Runs `secmock client ARGS...` (NULL-terminated) and returns its exit code. */
static int client(const char *first, ...)
{
    char *argv[32];
    int argc = 0;
    va_list ap;
    const char *a;

    argv[argc++] = (char *)"client";
    va_start(ap, first);
    for (a = first; a && argc < 31; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    return rc_client_main(argc, argv);
}

static const char *read_all(FILE *f)
{
    size_t n = fread(captured, 1, sizeof(captured) - 1, f);

    captured[n] = '\0';
    return captured;
}

static const char *out(void)
{
    fflush(stdout);
    return read_all(cr_get_redirected_stdout());
}

static const char *errs(void)
{
    fflush(stderr);
    return read_all(cr_get_redirected_stderr());
}

TestSuite(client_main, .init = setup);

Test(client_main, top_level_help_lists_integrations_and_commands)
{
    const char *text;

    cr_assert_eq(client("--help", NULL), RC_EXIT_OK);
    text = out();
    cr_assert_not_null(strstr(text, "mimecast"), "%s", text);
    cr_assert_not_null(strstr(text, "cte"));
    cr_assert_null(strstr(text, "not built yet"), "%s", text);
    cr_assert_not_null(strstr(text, "http"));
}

Test(client_main, no_arguments_is_a_usage_error)
{
    cr_assert_eq(client(NULL), RC_EXIT_USAGE);
    cr_assert_not_null(strstr(errs(), "usage: secmock client"));
}

Test(client_main, integration_help_lists_its_commands)
{
    const char *text;

    cr_assert_eq(client("cte", "--help", NULL), RC_EXIT_OK);
    text = out();
    cr_assert_not_null(strstr(text, "sync"), "%s", text);
    cr_assert_not_null(strstr(text, "status"), "%s", text);
}

Test(client_main, unknown_integration_command_is_a_usage_error)
{
    cr_assert_eq(client("cte", "share", NULL), RC_EXIT_USAGE);
    cr_assert_not_null(strstr(errs(), "unknown cte command 'share'"));
}

Test(client_main, unknown_name_is_a_usage_error)
{
    cr_assert_eq(client("sophos", NULL), RC_EXIT_USAGE);
    cr_assert_not_null(strstr(errs(), "unknown integration or command 'sophos'"));
}

Test(client_main, http_help_shows_its_options_and_the_common_ones)
{
    const char *text;

    cr_assert_eq(client("http", "--help", NULL), RC_EXIT_OK);
    text = out();
    cr_assert_not_null(strstr(text, "usage: secmock client http [options] URL"), "%s", text);
    cr_assert_not_null(strstr(text, "--header"));
    cr_assert_not_null(strstr(text, "--retries N"));
    cr_assert_not_null(strstr(text, "[SECMOCK_CA_FILE]"));
}

Test(client_main, http_usage_errors_exit_2)
{
    cr_assert_eq(client("http", NULL), RC_EXIT_USAGE);
    cr_assert_eq(client("http", "--nope", "http://127.0.0.1:1/", NULL), RC_EXIT_USAGE);
    cr_assert_eq(client("http", "ftp://127.0.0.1/", NULL), RC_EXIT_USAGE);
    cr_assert_eq(client("http", "-H", "no-colon", "http://127.0.0.1:1/", NULL), RC_EXIT_USAGE);
    cr_assert_eq(client("http", "--retries", "many", "http://127.0.0.1:1/", NULL), RC_EXIT_USAGE);
    cr_assert_eq(client("http", "--ca-file", "/nonexistent/ca.pem", "https://127.0.0.1:1/", NULL),
                 RC_EXIT_USAGE);
    cr_assert_eq(client("http", "--data", "@/nonexistent/body.json", "http://127.0.0.1:1/", NULL),
                 RC_EXIT_USAGE);
    cr_assert_not_null(strstr(errs(), "--retries: expected an integer from 0 to 100, got 'many'"));
}

Test(client_main, http_connection_refused_exits_3)
{
    cr_assert_eq(client("http", "--retries", "0", "http://127.0.0.1:1/ping", NULL), RC_EXIT_CONN);
    cr_assert_not_null(strstr(errs(), "cannot reach 'http://127.0.0.1:1/ping'"));
    cr_assert_str_eq(out(), "", "nothing is printed on stdout without an answer");
}
