/*
 * test_client_config.c: option precedence (flags > environment > file >
 * defaults), typed getters, and error messages that name the source.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/client.h"
#include "client/config.h"
#include "common/fsutil.h"

static const struct rc_opt opts[] = {
    {"config", "--config", NULL, "TEST_RC_CONFIG", RC_OPT_STRING, NULL, "FILE", "config file"},
    {"mimecast.base_url", "--base-url", NULL, "TEST_RC_MIMECAST_URL", RC_OPT_STRING,
     "https://api.mimecast.com", "URL", "base URL"},
    {"page_size", "--page-size", NULL, "TEST_RC_PAGE_SIZE", RC_OPT_INT, "100", "N", "page size"},
    {"retries", "--retries", NULL, NULL, RC_OPT_INT, NULL, "N", "retries"},
    {"verbose", "--verbose", "-v", "TEST_RC_VERBOSE", RC_OPT_BOOL, NULL, NULL, "verbose"},
    {"interval", "--interval", NULL, "TEST_RC_INTERVAL", RC_OPT_DURATION, "5m", "DUR", "poll"},
    {"header", "--header", "-H", NULL, RC_OPT_LIST, NULL, "H", "header"},
    {NULL, NULL, NULL, NULL, RC_OPT_STRING, NULL, NULL, NULL},
};
static const struct rc_opt *const tables[] = {opts, NULL};

static char dir[64];

static void setup(void)
{
    static const char *const vars[] = {"TEST_RC_CONFIG", "TEST_RC_MIMECAST_URL",
                                       "TEST_RC_PAGE_SIZE", "TEST_RC_VERBOSE", "TEST_RC_INTERVAL"};
    size_t i;

    for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
    snprintf(dir, sizeof(dir), "/tmp/rc_config_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static const char *write_config(const char *name, const char *text)
{
    static char path[128];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    cr_assert_eq(cm_write_file_atomic(path, text, strlen(text)), 0);
    return path;
}

/* Parses a space-free argument list given as a NULL-terminated array. */
static int parse(struct rc_config *c, const char *const *args, struct cm_err *err)
{
    char *argv[32];
    int argc = 0;

    while (args && args[argc]) {
        argv[argc] = (char *)args[argc];
        argc++;
    }
    rc_config_init(c);
    return rc_config_parse(c, tables, argc, argv, err);
}

static void teardown(void)
{
    char cmd[96];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(client_config, .init = setup, .fini = teardown);

Test(client_config, defaults_apply_when_nothing_is_set)
{
    struct rc_config c;
    struct cm_err err = {{0}};
    const char *s = NULL;
    long long n = 0;
    int64_t ms = 0;

    cr_assert_eq(parse(&c, NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_config_string(&c, "mimecast.base_url", &s, &err), 0);
    cr_assert_str_eq(s, "https://api.mimecast.com");
    cr_assert_eq(rc_config_int(&c, "page_size", 1, LLONG_MAX, &n, &err), 0);
    cr_assert_eq(n, 100);
    cr_assert_eq(rc_config_duration(&c, "interval", &ms, &err), 0);
    cr_assert_eq(ms, 300000);
    cr_assert_eq(rc_config_int(&c, "retries", 0, 10, &n, &err), CM_ENOENT);
    rc_config_release(&c);
}

Test(client_config, flag_beats_env_beats_file_beats_default)
{
    const char *path =
        write_config("c.json", "{\"mimecast\": {\"base_url\": \"http://file\"}, \"page_size\": 7}");
    const char *with_flag[] = {"--config", path, "--base-url", "http://flag", NULL};
    const char *with_file[] = {"--config", path, NULL};
    struct rc_config c;
    struct cm_err err = {{0}};
    const char *s = NULL;
    long long n = 0;

    setenv("TEST_RC_MIMECAST_URL", "http://env", 1);
    cr_assert_eq(parse(&c, with_flag, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_config_string(&c, "mimecast.base_url", &s, &err), 0);
    cr_assert_str_eq(s, "http://flag");
    cr_assert_eq(rc_config_int(&c, "page_size", 1, LLONG_MAX, &n, &err), 0);
    cr_assert_eq(n, 7, "the file beats the default");
    rc_config_release(&c);

    cr_assert_eq(parse(&c, with_file, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_config_string(&c, "mimecast.base_url", &s, &err), 0);
    cr_assert_str_eq(s, "http://env", "the environment beats the file");
    rc_config_release(&c);

    unsetenv("TEST_RC_MIMECAST_URL");
    cr_assert_eq(parse(&c, with_file, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_config_string(&c, "mimecast.base_url", &s, &err), 0);
    cr_assert_str_eq(s, "http://file");
    rc_config_release(&c);
}

Test(client_config, empty_env_counts_as_unset)
{
    struct rc_config c;
    struct cm_err err = {{0}};
    long long n = 0;

    setenv("TEST_RC_PAGE_SIZE", "", 1);
    cr_assert_eq(parse(&c, NULL, &err), 0);
    cr_assert_eq(rc_config_int(&c, "page_size", 1, LLONG_MAX, &n, &err), 0);
    cr_assert_eq(n, 100);
    rc_config_release(&c);
}

Test(client_config, config_file_from_the_environment)
{
    const char *path = write_config("env.json", "{\"page_size\": 42}");
    struct rc_config c;
    struct cm_err err = {{0}};
    long long n = 0;

    setenv("TEST_RC_CONFIG", path, 1);
    cr_assert_eq(parse(&c, NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_config_int(&c, "page_size", 1, LLONG_MAX, &n, &err), 0);
    cr_assert_eq(n, 42);
    rc_config_release(&c);
}

Test(client_config, last_flag_wins_and_equals_form_works)
{
    const char *args[] = {"--page-size", "5", "--page-size=9", "operand", NULL};
    struct rc_config c;
    struct cm_err err = {{0}};
    long long n = 0;

    cr_assert_eq(parse(&c, args, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_config_int(&c, "page_size", 1, LLONG_MAX, &n, &err), 0);
    cr_assert_eq(n, 9);
    cr_assert_eq(c.n_args, 1);
    cr_assert_str_eq(c.args[0], "operand");
    rc_config_release(&c);
}

Test(client_config, flag_type_errors_name_the_flag)
{
    const char *args[] = {"--page-size", "ten", NULL};
    const char *zero[] = {"--page-size", "0", NULL};
    struct rc_config c;
    struct cm_err err = {{0}};
    long long n = 0;

    cr_assert_eq(parse(&c, args, &err), 0);
    cr_assert_eq(rc_config_int(&c, "page_size", 1, LLONG_MAX, &n, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg, "--page-size: expected a positive integer, got 'ten'");
    rc_config_release(&c);

    cr_assert_eq(parse(&c, zero, &err), 0);
    cr_assert_eq(rc_config_int(&c, "page_size", 1, LLONG_MAX, &n, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg, "--page-size: expected a positive integer, got '0'");
    cr_assert_eq(rc_config_int(&c, "page_size", 0, LLONG_MAX, &n, &err), 0);
    cr_assert_eq(n, 0);
    rc_config_release(&c);
}

Test(client_config, env_type_errors_name_the_variable)
{
    struct rc_config c;
    struct cm_err err = {{0}};
    long long n = 0;
    int64_t ms = 0;
    int b = 0;

    setenv("TEST_RC_PAGE_SIZE", "12abc", 1);
    setenv("TEST_RC_INTERVAL", "soon", 1);
    setenv("TEST_RC_VERBOSE", "maybe", 1);
    cr_assert_eq(parse(&c, NULL, &err), 0);
    cr_assert_eq(rc_config_int(&c, "page_size", 1, 500, &n, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg, "TEST_RC_PAGE_SIZE: expected an integer from 1 to 500, got '12abc'");
    cr_assert_eq(rc_config_duration(&c, "interval", &ms, &err), CM_EINVAL);
    cr_assert_str_eq(
        err.msg, "TEST_RC_INTERVAL: expected a duration such as 250ms, 30s or 1h30m, got 'soon'");
    cr_assert_eq(rc_config_bool(&c, "verbose", &b, &err), CM_EINVAL);
    cr_assert_not_null(strstr(err.msg, "TEST_RC_VERBOSE: expected true or false"), "%s", err.msg);
    rc_config_release(&c);
}

Test(client_config, file_type_errors_name_the_file_and_key)
{
    const char *path = write_config("bad.json", "{\"mimecast\": {\"base_url\": 12}, "
                                                "\"page_size\": 2.5, \"interval\": true, "
                                                "\"verbose\": \"yes\", \"header\": [\"a: b\", 3]}");
    const char *args[] = {"--config", path, NULL};
    struct rc_config c;
    struct cm_err err = {{0}};
    char want[256];
    const char *s = NULL, **list = NULL;
    long long n = 0;
    int64_t ms = 0;
    size_t count = 0;
    int b = 0;

    cr_assert_eq(parse(&c, args, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_config_string(&c, "mimecast.base_url", &s, &err), CM_EINVAL);
    snprintf(want, sizeof(want), "%s: mimecast.base_url: expected a string", path);
    cr_assert_str_eq(err.msg, want);
    cr_assert_eq(rc_config_int(&c, "page_size", 1, LLONG_MAX, &n, &err), CM_EINVAL);
    snprintf(want, sizeof(want), "%s: page_size: expected a positive integer", path);
    cr_assert_str_eq(err.msg, want);
    cr_assert_eq(rc_config_duration(&c, "interval", &ms, &err), CM_EINVAL);
    cr_assert_not_null(strstr(err.msg, "interval: expected a duration"), "%s", err.msg);
    cr_assert_eq(rc_config_bool(&c, "verbose", &b, &err), CM_EINVAL);
    cr_assert_not_null(strstr(err.msg, "verbose: expected true or false"), "%s", err.msg);
    cr_assert_eq(rc_config_list(&c, "header", &list, &count, &err), CM_EINVAL);
    snprintf(want, sizeof(want), "%s: header[1]: expected a string", path);
    cr_assert_str_eq(err.msg, want);
    rc_config_release(&c);
}

Test(client_config, file_values_of_the_right_type)
{
    const char *path =
        write_config("ok.json", "{\"interval\": \"90s\", \"verbose\": true, "
                                "\"header\": [\"A: 1\", \"B: 2\"], \"page_size\": 3}");
    const char *args[] = {"--config", path, NULL};
    struct rc_config c;
    struct cm_err err = {{0}};
    const char **list = NULL;
    size_t count = 0;
    int64_t ms = 0;
    int b = 0;

    cr_assert_eq(parse(&c, args, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_config_duration(&c, "interval", &ms, &err), 0);
    cr_assert_eq(ms, 90000);
    cr_assert_eq(rc_config_bool(&c, "verbose", &b, &err), 0);
    cr_assert_eq(b, 1);
    cr_assert_eq(rc_config_list(&c, "header", &list, &count, &err), 0);
    cr_assert_eq(count, 2);
    cr_assert_str_eq(list[1], "B: 2");
    free(list);
    rc_config_release(&c);
}

Test(client_config, repeated_list_flags_beat_the_file)
{
    const char *path = write_config("l.json", "{\"header\": [\"From: file\"]}");
    const char *args[] = {"--config", path, "-H", "A: 1", "--header", "B: 2", NULL};
    struct rc_config c;
    struct cm_err err = {{0}};
    const char **list = NULL;
    size_t count = 0;

    cr_assert_eq(parse(&c, args, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_config_list(&c, "header", &list, &count, &err), 0);
    cr_assert_eq(count, 2);
    cr_assert_str_eq(list[0], "A: 1");
    cr_assert_str_eq(list[1], "B: 2");
    free(list);
    rc_config_release(&c);
}

Test(client_config, bool_flag_takes_no_value)
{
    const char *args[] = {"-v", "operand", NULL};
    struct rc_config c;
    struct cm_err err = {{0}};
    int b = 0;

    cr_assert_eq(parse(&c, args, &err), 0);
    cr_assert_eq(rc_config_bool(&c, "verbose", &b, &err), 0);
    cr_assert_eq(b, 1);
    cr_assert_eq(c.n_args, 1, "the operand after a bool flag is not its value");
    rc_config_release(&c);
}

Test(client_config, usage_errors)
{
    const char *unknown[] = {"--nope", NULL};
    const char *missing[] = {"--page-size", NULL};
    struct rc_config c;
    struct cm_err err = {{0}};

    cr_assert_eq(parse(&c, unknown, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg, "unknown option '--nope' (see --help)");
    rc_config_release(&c);
    cr_assert_eq(parse(&c, missing, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg, "--page-size: expected N after it");
    rc_config_release(&c);
}

Test(client_config, double_dash_ends_options)
{
    const char *args[] = {"--", "--page-size", NULL};
    struct rc_config c;
    struct cm_err err = {{0}};

    cr_assert_eq(parse(&c, args, &err), 0);
    cr_assert_eq(c.n_args, 1);
    cr_assert_str_eq(c.args[0], "--page-size");
    rc_config_release(&c);
}

Test(client_config, broken_config_file_is_an_error_with_position)
{
    const char *path = write_config("broken.json", "{\n  \"page_size\": ,\n}");
    const char *missing_file[] = {"--config", "/nonexistent/c.json", NULL};
    const char *args[] = {"--config", path, NULL};
    const char *not_object[] = {"--config", NULL, NULL};
    struct rc_config c;
    struct cm_err err = {{0}};

    cr_assert_eq(parse(&c, args, &err), CM_EINVAL);
    cr_assert_not_null(strstr(err.msg, "line 2"), "%s", err.msg);
    rc_config_release(&c);
    cr_assert_eq(parse(&c, missing_file, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg, "cannot open '/nonexistent/c.json': no such file");
    rc_config_release(&c);
    not_object[1] = write_config("arr.json", "[1]");
    cr_assert_eq(parse(&c, not_object, &err), CM_EINVAL);
    cr_assert_not_null(strstr(err.msg, "expected a JSON object"), "%s", err.msg);
    rc_config_release(&c);
}

Test(client_config, help_skips_a_broken_config_file)
{
    const char *args[] = {"--config", "/nonexistent/c.json", "--help", NULL};
    struct rc_config c;
    struct cm_err err = {{0}};

    cr_assert_eq(parse(&c, args, &err), 0);
    cr_assert_eq(c.help, 1);
    rc_config_release(&c);
}

Test(client_config, where_names_the_source)
{
    const char *args[] = {"--page-size", "3", NULL};
    struct rc_config c;
    struct cm_err err = {{0}};
    char buf[128];

    setenv("TEST_RC_MIMECAST_URL", "http://env", 1);
    cr_assert_eq(parse(&c, args, &err), 0);
    cr_assert_str_eq(rc_config_where(&c, "page_size", buf, sizeof(buf)), "--page-size");
    cr_assert_str_eq(rc_config_where(&c, "mimecast.base_url", buf, sizeof(buf)),
                     "TEST_RC_MIMECAST_URL");
    cr_assert_str_eq(rc_config_where(&c, "interval", buf, sizeof(buf)), "the default of interval");
    rc_config_release(&c);
}

/* The shared context: the common options turn into clock, HTTP policy and output. */
Test(client_config, context_from_common_options)
{
    char *argv[] = {"--retries",  "5",       "--retry-base", "100ms",       "--retry-max",
                    "2s",         "--clock", "admin",        "--admin-url", "http://127.0.0.1:9/",
                    "--max-wait", "1m"};
    const struct rc_opt *t[] = {rc_common_opts, NULL};
    struct rc_ctx ctx;
    struct cm_err err = {{0}};

    unsetenv("SECMOCK_RETRY_SEED");
    rc_config_init(&ctx.cfg);
    cr_assert_eq(rc_config_parse(&ctx.cfg, t, 12, argv, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_ctx_open(&ctx, &err), 0, "%s", err.msg);
    cr_assert_eq(ctx.http->opts.retry.attempts, 6);
    cr_assert_eq(ctx.http->opts.retry.base_ms, 100);
    cr_assert_eq(ctx.http->opts.retry.max_ms, 2000);
    cr_assert_eq(ctx.http->opts.retry.max_wait_ms, 60000);
    cr_assert_eq(ctx.http->opts.retry.seed, 1, "a virtual clock defaults to seed 1");
    cr_assert_eq(ctx.clock->kind, RC_CLOCK_ADMIN);
    cr_assert_str_eq(ctx.clock->admin_url, "http://127.0.0.1:9");
    rc_ctx_close(&ctx);
}

Test(client_config, context_errors)
{
    char *bad_clock[] = {"--clock", "sundial"};
    char *no_url[] = {"--clock", "admin"};
    char *no_ca[] = {"--ca-file", "/nonexistent/ca.pem"};
    const struct rc_opt *t[] = {rc_common_opts, NULL};
    struct rc_ctx ctx;
    struct cm_err err = {{0}};

    unsetenv("SECMOCK_ADMIN_URL");
    unsetenv("SECMOCK_CLOCK");
    rc_config_init(&ctx.cfg);
    cr_assert_eq(rc_config_parse(&ctx.cfg, t, 2, bad_clock, &err), 0);
    cr_assert_eq(rc_ctx_open(&ctx, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg, "--clock: expected wall or admin, got 'sundial'");
    rc_ctx_close(&ctx);

    rc_config_init(&ctx.cfg);
    cr_assert_eq(rc_config_parse(&ctx.cfg, t, 2, no_url, &err), 0);
    cr_assert_eq(rc_ctx_open(&ctx, &err), CM_EINVAL);
    cr_assert_not_null(strstr(err.msg, "SECMOCK_ADMIN_URL"), "%s", err.msg);
    rc_ctx_close(&ctx);

    rc_config_init(&ctx.cfg);
    cr_assert_eq(rc_config_parse(&ctx.cfg, t, 2, no_ca, &err), 0);
    cr_assert_eq(rc_ctx_open(&ctx, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg,
                     "--ca-file: cannot read '/nonexistent/ca.pem': No such file or directory");
    rc_ctx_close(&ctx);
}
