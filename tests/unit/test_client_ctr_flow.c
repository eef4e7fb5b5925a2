/*
 * test_client_ctr_flow.c: `secmock client ctr investigate|remediate|devices`
 * end to end against a fake Threat Response behind the client's transport
 * hook, on a fake clock: no socket, no wall time.
 *
 * The fake checks what IROH would (Basic client credentials and the form body
 * of the token call, the bearer of every other call) and records each
 * request's path and body. Canned answers can be queued in front of it (a
 * 429 with Retry-After, a 401, a 503).
 *
 * Covered: the token call and the once-more on a 401 mid-run, the inspect and
 * observe bodies, the sightings as JSON and as a table, the rate limit waited
 * on the clock, the "no ESA data" judgements (no module, module without data,
 * module error), remediation with and without the action offered, and the
 * usage errors.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/ctr_api.h"
#include "client/ctr_cmd.h"
#include "common/json.h"

#define T0 1589533200000LL /* 2020-05-15T09:00:00Z */

static const char sighting[] =
    "{\"data\":[{\"module\":\"esa03\",\"module-type\":\"ESAModule\",\"module_instance_id\":\"m1\","
    "\"data\":{\"sightings\":{\"count\":1,\"docs\":[{\"type\":\"sighting\",\"confidence\":\"High\","
    "\"severity\":\"Low\",\"description\":\"Incoming message (Delivered)\","
    "\"observed_time\":{\"start_time\":\"2020-05-14T13:23:57Z\"},"
    "\"observables\":[{\"type\":\"email_subject\",\"value\":\"test test\"}],\"relations\":["
    "{\"relation\":\"Sent_By\",\"source\":{\"type\":\"cisco_mid\",\"value\":\"8\"},"
    "\"related\":{\"type\":\"email\",\"value\":\"mgmt01@cisco.com\"}},"
    "{\"relation\":\"Sent_To\",\"source\":{\"type\":\"cisco_mid\",\"value\":\"8\"},"
    "\"related\":{\"type\":\"email\",\"value\":\"testingBren@cisco.com\"}}]}]}}}],"
    "\"errors\":[]}";

static const char esa_module[] =
    "[{\"id\":\"m1\",\"name\":\"esa03\",\"module-type\":\"ESAModule\",\"enabled\":true,"
    "\"settings\":{\"timeframe_days\":30}}]";

static const char all_actions[] =
    "{\"data\":["
    "{\"module\":\"esa03\",\"module-type\":\"ESAModule\",\"module_instance_id\":\"m1\","
    "\"id\":\"delete\",\"title\":\"Delete\","
    "\"url\":\"/respond/trigger/m1/delete?observable_type=cisco_mid&observable_value=8\"},"
    "{\"module\":\"esa03\",\"module-type\":\"ESAModule\",\"module_instance_id\":\"m1\","
    "\"id\":\"forward_delete\",\"title\":\"Forward and Delete\"}]}";

struct canned {
    long status;
    const char *headers;
    const char *body;
    const char *path; /* only for this path (NULL: any) */
};

static struct {
    struct canned queue[16];
    int nq, qpos;
    int calls, token_calls, trigger_calls;
    char token[32];
    int token_n;
    int revoke_on_observe; /* > 0: the token is invalid from that observe call on (expiry) */
    int observe_calls;
    int bad_secret;
    const char *observe;   /* the observe answer */
    const char *inspect;   /* the inspect answer (NULL: echo the typed terms the fake knows) */
    const char *modules;   /* GET /iroh/iroh-int/module-instance */
    const char *actions;   /* respond/observables */
    const char *devices;   /* GET /iroh/iroh-sse/device */
    char paths[32][256];   /* "METHOD path" of each request */
    char bodies[32][1024]; /* and its body */
} fk;

static struct rc_clock *fake_clock;

static void queue(long status, const char *headers, const char *body, const char *path)
{
    struct canned c = {status, headers, body, path};

    fk.queue[fk.nq++] = c;
}

static const char *req_header(const struct cm_http_request *req, const char *name)
{
    const char *const *h;
    size_t n = strlen(name);

    for (h = req->headers; h && *h; h++)
        if (strncasecmp(*h, name, n) == 0 && (*h)[n] == ':')
            return *h + n + 2;
    return NULL;
}

static void answer(struct cm_http_response *resp, long status, const char *headers,
                   const char *body)
{
    resp->status = status;
    cm_buf_printf(&resp->headers,
                  "HTTP/1.1 %ld X\r\nContent-Type: application/json\r\nX-Ratelimit-Org-Limit: "
                  "8000\r\n%s\r\n",
                  status, headers ? headers : "");
    cm_buf_puts(&resp->body, body);
}

static const char *path_of(const char *url)
{
    const char *p = strstr(url, "://");

    p = p ? strchr(p + 3, '/') : url;
    return p ? p : "/";
}

static int fake_transport(const struct cm_http_request *req, struct cm_http_response *resp)
{
    const char *path = path_of(req->url), *auth = req_header(req, "Authorization");
    int i = fk.calls < 32 ? fk.calls : 31;

    fk.calls++;
    cm_buf_reset(&resp->body);
    cm_buf_reset(&resp->headers);
    resp->error[0] = '\0';
    resp->curl_code = 0;
    snprintf(fk.paths[i], sizeof(fk.paths[i]), "%s %s", req->method ? req->method : "GET", path);
    snprintf(fk.bodies[i], sizeof(fk.bodies[i]), "%.*s", (int)req->body_len,
             req->body ? req->body : "");
    if (fk.qpos < fk.nq &&
        (fk.queue[fk.qpos].path == NULL || strcmp(fk.queue[fk.qpos].path, path) == 0)) {
        const struct canned *c = &fk.queue[fk.qpos++];
        answer(resp, c->status, c->headers, c->body);
        return 0;
    }
    if (strcmp(path, "/iroh/oauth2/token") == 0) {
        char b[160];
        fk.token_calls++;
        cr_assert_str_eq(req->body, "grant_type=client_credentials");
        cr_assert_str_eq(req_header(req, "Content-Type"), "application/x-www-form-urlencoded");
        /* base64("client-1:s3cret") */
        if (auth == NULL || strcmp(auth, "Basic Y2xpZW50LTE6czNjcmV0") != 0 || fk.bad_secret) {
            answer(resp, 401, NULL,
                   "{\"error\":\"invalid_client\",\"error_description\":\"client authentication "
                   "failed\"}");
            return 0;
        }
        snprintf(fk.token, sizeof(fk.token), "tok-%d", ++fk.token_n);
        snprintf(b, sizeof(b),
                 "{\"access_token\":\"%s\",\"token_type\":\"bearer\",\"expires_in\":600,"
                 "\"scope\":\"enrich:read inspect:read response\"}",
                 fk.token);
        answer(resp, 200, NULL, b);
        return 0;
    }
    if (strcmp(path, "/iroh/iroh-enrich/observe/observables") == 0 && fk.revoke_on_observe &&
        ++fk.observe_calls >= fk.revoke_on_observe && strcmp(fk.token, "tok-1") == 0)
        snprintf(fk.token, sizeof(fk.token), "expired");
    if (auth == NULL || strncmp(auth, "Bearer ", 7) != 0 || strcmp(auth + 7, fk.token) != 0) {
        answer(resp, 401, NULL,
               "{\"errors\":[{\"code\":\"invalid_token\",\"message\":\"the "
               "access token expired\"}]}");
        return 0;
    }
    if (strcmp(path, "/iroh/iroh-inspect/inspect") == 0) {
        cJSON *doc = cm_json_parse(req->body, req->body_len, "inspect", NULL);
        const char *c = cm_json_str(doc, "content", "");
        if (fk.inspect)
            answer(resp, 200, NULL, fk.inspect);
        else if (strstr(c, "email_subject:\"test test\"") || strstr(c, "email_subject:'test test'"))
            answer(resp, 200, NULL, "[{\"type\":\"email_subject\",\"value\":\"test test\"}]");
        else if (strstr(c, "1.1.1.1"))
            answer(resp, 200, NULL, "[{\"type\":\"ip\",\"value\":\"1.1.1.1\"}]");
        else
            answer(resp, 200, NULL, "[]");
        cJSON_Delete(doc);
        return 0;
    }
    if (strcmp(path, "/iroh/iroh-enrich/observe/observables") == 0) {
        answer(resp, 200, NULL, fk.observe ? fk.observe : "{\"data\":[],\"errors\":[]}");
        return 0;
    }
    if (strcmp(path, "/iroh/iroh-int/module-instance") == 0) {
        answer(resp, 200, NULL, fk.modules ? fk.modules : "[]");
        return 0;
    }
    if (strcmp(path, "/iroh/iroh-response/respond/observables") == 0) {
        answer(resp, 200, NULL, fk.actions ? fk.actions : "{\"data\":[]}");
        return 0;
    }
    if (strncmp(path, "/iroh/iroh-response/respond/trigger/", 36) == 0) {
        fk.trigger_calls++;
        answer(resp, 200, NULL, "{\"data\":{\"status\":\"success\"}}");
        return 0;
    }
    if (strcmp(path, "/iroh/iroh-sse/device") == 0) {
        answer(resp, 200, NULL, fk.devices ? fk.devices : "[]");
        return 0;
    }
    answer(resp, 404, NULL, "{\"errors\":[{\"code\":\"not_found\"}]}");
    return 0;
}

/* ---- running a command ---- */

static void setup(void)
{
    static const char *const vars[] = {
        "SECMOCK_CLOCK",   "SECMOCK_ADMIN_URL",  "SECMOCK_CA_FILE",      "SECMOCK_SOURCE_ADDR",
        "SECMOCK_RETRIES", "SECMOCK_RETRY_SEED", "SECMOCK_VERBOSE",      "SECMOCK_CLIENT_CONFIG",
        "SECMOCK_CTR_URL", "SECMOCK_CTR_EU_URL", "SECMOCK_CTR_APJC_URL", "CTR_REGION",
        "CTR_BASE_URL",    "CTR_CLIENT_ID",      "CTR_CLIENT_SECRET"};
    size_t i;

    for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
    setenv("SECMOCK_CTR_NAM_URL", "http://ctr-nam.test/", 1);
    memset(&fk, 0, sizeof(fk));
    fake_clock = NULL;
    cr_redirect_stdout();
    cr_redirect_stderr();
}

static void teardown(void)
{
    rc_clock_free(fake_clock);
    fake_clock = NULL;
}

TestSuite(client_ctr_flow, .init = setup, .fini = teardown);

/* Runs `ctr <name> args...` (NULL-terminated) with the test's credentials. */
static int run_cmd(const char *name, ...)
{
    const struct rc_command *c;
    const struct rc_opt *tables[3] = {rc_common_opts, NULL, NULL};
    struct rc_ctx ctx;
    struct cm_err err = {{0}};
    char *argv[64];
    int argc = 0, code;
    va_list ap;
    const char *a;

    for (c = rc_ctr_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            break;
    cr_assert_not_null(c->name, "no command %s", name);
    tables[1] = c->opts;
    argv[argc++] = (char *)"--client-id";
    argv[argc++] = (char *)"client-1";
    argv[argc++] = (char *)"--client-secret";
    argv[argc++] = (char *)"s3cret";
    va_start(ap, name);
    while ((a = va_arg(ap, const char *)) != NULL && argc < 63)
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    rc_config_init(&ctx.cfg);
    cr_assert_eq(rc_config_parse(&ctx.cfg, tables, argc, argv, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_ctx_open(&ctx, &err), 0, "%s", err.msg);
    rc_clock_free(ctx.clock);
    ctx.clock = rc_clock_new_fake(T0);
    ctx.http->clock = ctx.clock;
    ctx.http->transport = fake_transport;
    code = c->run(&ctx);
    rc_clock_free(fake_clock);
    fake_clock = rc_clock_new_fake(ctx.clock->fake_now_ms);
    fake_clock->fake_slept_ms = ctx.clock->fake_slept_ms;
    rc_ctx_close(&ctx);
    return code;
}

static int64_t slept(void)
{
    int64_t ms = fake_clock ? fake_clock->fake_slept_ms : 0;

    rc_clock_free(fake_clock);
    fake_clock = NULL;
    return ms;
}

static char captured[65536];

static const char *read_all(FILE *f)
{
    size_t n = fread(captured, 1, sizeof(captured) - 1, f);

    captured[n] = '\0';
    return captured;
}

static const char *out_text(void)
{
    fflush(stdout);
    return read_all(cr_get_redirected_stdout());
}

static const char *err_text(void)
{
    fflush(stderr);
    return read_all(cr_get_redirected_stderr());
}

/* ---- investigate ---- */

Test(client_ctr_flow, token_then_inspect_then_observe)
{
    cJSON *doc;
    const cJSON *s0;

    fk.observe = sighting;
    cr_assert_eq(run_cmd("investigate", "--json", "email_subject:\"test test\"", NULL), 0);
    cr_assert_eq(fk.calls, 3);
    cr_assert_str_eq(fk.paths[0], "POST /iroh/oauth2/token");
    cr_assert_str_eq(fk.paths[1], "POST /iroh/iroh-inspect/inspect");
    cr_assert_str_eq(fk.bodies[1], "{\"content\":\"email_subject:\\\"test test\\\"\"}");
    cr_assert_str_eq(fk.paths[2], "POST /iroh/iroh-enrich/observe/observables");
    cr_assert_str_eq(fk.bodies[2], "[{\"type\":\"email_subject\",\"value\":\"test test\"}]");
    out_text();
    doc = cm_json_parse(captured, strlen(captured), "stdout", NULL);
    cr_assert_not_null(doc, "%s", captured);
    cr_assert_str_eq(cm_json_str(doc, "region", ""), "nam");
    cr_assert_eq(cm_json_num(doc, "esa_modules", 0), 1);
    s0 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "sightings"), 0);
    cr_assert_str_eq(cm_json_str(s0, "cisco_mid", ""), "8");
    cr_assert_str_eq(cm_json_str(s0, "description", ""), "Incoming message (Delivered)");
    cr_assert_str_eq(cm_json_str(s0, "sender", ""), "mgmt01@cisco.com");
    cJSON_Delete(doc);
    cr_assert_eq(slept(), 0);
}

Test(client_ctr_flow, bare_values_go_through_inspect_and_the_table_is_printed)
{
    fk.observe = sighting;
    cr_assert_eq(run_cmd("investigate", "--format", "table", "1.1.1.1", NULL), 0);
    cr_assert_str_eq(fk.bodies[1], "{\"content\":\"1.1.1.1\"}");
    cr_assert_str_eq(fk.bodies[2], "[{\"type\":\"ip\",\"value\":\"1.1.1.1\"}]");
    out_text();
    cr_assert_not_null(strstr(captured, "Module  Observed              Description"), "%s",
                       captured);
    cr_assert_not_null(
        strstr(captured, "esa03   2020-05-14T13:23:57Z  Incoming message (Delivered)"), "%s",
        captured);
}

Test(client_ctr_flow, a_401_mid_run_fetches_a_token_once_more)
{
    fk.observe = sighting;
    fk.revoke_on_observe = 1; /* the token expires between inspect and observe */
    cr_assert_eq(run_cmd("investigate", "--json", "email_subject:'test test'", NULL), 0, "%s",
                 err_text());
    cr_assert_eq(fk.token_calls, 2);
    cr_assert_str_eq(fk.paths[2], "POST /iroh/iroh-enrich/observe/observables");
    cr_assert_str_eq(fk.paths[3], "POST /iroh/oauth2/token");
    cr_assert_str_eq(fk.paths[4], "POST /iroh/iroh-enrich/observe/observables");
    cr_assert_eq(slept(), 0, "a new token is fetched at once");
}

Test(client_ctr_flow, a_second_401_is_final)
{
    queue(401, NULL, "{\"errors\":[{\"code\":\"invalid_token\"}]}",
          "/iroh/iroh-enrich/observe/observables");
    queue(401, NULL, "{\"errors\":[{\"code\":\"invalid_token\"}]}",
          "/iroh/iroh-enrich/observe/observables");
    cr_assert_eq(run_cmd("investigate", "email_subject:\"test test\"", NULL), RC_CISCO_EXIT_AUTH);
    cr_assert_eq(fk.token_calls, 2, "one token, then exactly one more");
    cr_assert_not_null(strstr(err_text(), "refused the access token for the enrichment (observe), "
                                          "even a new one"),
                       "%s", captured);
}

Test(client_ctr_flow, bad_credentials_exit_4_and_name_the_region)
{
    fk.bad_secret = 1;
    cr_assert_eq(run_cmd("investigate", "email_subject:\"test test\"", NULL), RC_CISCO_EXIT_AUTH);
    cr_assert_eq(fk.calls, 1);
    err_text();
    cr_assert_not_null(strstr(captured, "refused the API client credentials of 'client-1' (401 "
                                        "invalid_client: client authentication failed)"),
                       "%s", captured);
    cr_assert_not_null(strstr(captured, "(region nam, http://ctr-nam.test; --region"), "%s",
                       captured);
}

Test(client_ctr_flow, the_rate_limit_is_waited_on_the_clock)
{
    fk.observe = sighting;
    queue(429, "Retry-After: 30\r\n",
          "{\"error\":\"too_many_requests\",\"error_description\":\"too many requests\"}",
          "/iroh/iroh-enrich/observe/observables");
    cr_assert_eq(run_cmd("investigate", "--json", "email_subject:\"test test\"", NULL), 0);
    cr_assert_eq(slept(), 30000);
    cr_assert_not_null(strstr(err_text(), "429; retrying in 30s (Retry-After, try 2 of 4)"), "%s",
                       captured);
}

Test(client_ctr_flow, the_vendor_reset_header_is_read_too)
{
    fk.observe = sighting;
    queue(429, "X-Ratelimit-Org-Reset: 12\r\n", "{}", "/iroh/iroh-inspect/inspect");
    cr_assert_eq(run_cmd("investigate", "--json", "email_subject:\"test test\"", NULL), 0);
    cr_assert_eq(slept(), 12000);
}

Test(client_ctr_flow, a_rate_limit_that_lasts_exits_1)
{
    int i;

    for (i = 0; i < 4; i++)
        queue(429, NULL,
              "{\"error\":\"too_many_requests\",\"error_description\":\"this organization is "
              "limited to 8000 requests per 1h\"}",
              "/iroh/iroh-inspect/inspect");
    cr_assert_eq(run_cmd("investigate", "email_subject:\"test test\"", NULL), RC_EXIT_REMOTE);
    cr_assert_gt(slept(), 0);
    cr_assert_not_null(strstr(err_text(), "still limiting the request rate after 4 tries"), "%s",
                       captured);
    cr_assert_not_null(strstr(captured, "X-Ratelimit-Org-Limit: 8000 requests in a rolling hour"),
                       "%s", captured);
}

Test(client_ctr_flow, wrong_syntax_sends_nothing)
{
    cr_assert_eq(run_cmd("investigate", "subject:\"test test\"", NULL), RC_EXIT_USAGE);
    cr_assert_eq(fk.calls, 0);
    err_text();
    cr_assert_not_null(strstr(captured, "wrong syntax in 'subject:\"test test\"': 'subject' is "
                                        "not an observable type (did you mean email_subject?)"),
                       "%s", captured);
    cr_assert_not_null(strstr(captured, "The investigation would show no ESA data"), "%s",
                       captured);
    cr_assert_not_null(strstr(captured, "email_subject:\"Invoice Due\""));
}

Test(client_ctr_flow, nothing_found_by_inspect_is_wrong_syntax_too)
{
    cr_assert_eq(run_cmd("investigate", "test", "test", NULL), RC_EXIT_USAGE);
    cr_assert_eq(fk.calls, 2, "token and inspect, no observe");
    cr_assert_str_eq(fk.bodies[1], "{\"content\":\"test test\"}");
    cr_assert_not_null(strstr(err_text(), "Threat Response found no observable in 'test test'"),
                       "%s", captured);
}

Test(client_ctr_flow, no_esa_module_configured_exits_5)
{
    cr_assert_eq(run_cmd("investigate", "--json", "email_subject:\"test test\"", NULL),
                 RC_CISCO_EXIT_FIX);
    cr_assert_str_eq(fk.paths[3], "GET /iroh/iroh-int/module-instance");
    err_text();
    cr_assert_not_null(strstr(captured, "the investigation shows no data from the ESA: no Email "
                                        "Security Appliance module is configured in Threat "
                                        "Response (nam, http://ctr-nam.test)"),
                       "%s", captured);
    cr_assert_not_null(strstr(captured, "the syntax of the investigation is right"));
    cr_assert_not_null(strstr(captured, "this is AMERICAS (--region nam)"));
    cr_assert_not_null(strstr(captured, "Cloud Services tab of Security Services Exchange"));
    cr_assert_not_null(strstr(out_text(), "\"sightings\":[]"), "%s", captured);
}

Test(client_ctr_flow, an_esa_module_without_data_exits_0_with_the_checklist)
{
    fk.modules = esa_module;
    cr_assert_eq(run_cmd("investigate", "--json", "email_subject:\"test test\"", NULL), 0);
    cr_assert_not_null(strstr(err_text(), "warning: the investigation shows no data from the ESA: "
                                          "the ESA module 'esa03' found no message for these "
                                          "observables in the last 30 days"),
                       "%s", captured);
}

Test(client_ctr_flow, a_module_error_says_what_to_enable)
{
    fk.observe = "{\"data\":[],\"errors\":[{\"module\":\"esa03\",\"type\":\"fatal\",\"code\":"
                 "\"device-unavailable\",\"message\":\"device 'd1' is not in the Registered "
                 "Device list: enable Cisco Threat Response on the Cloud Services tab of Security "
                 "Services Exchange (region nam)\"}]}";
    cr_assert_eq(run_cmd("investigate", "--json", "email_subject:\"test test\"", NULL),
                 RC_CISCO_EXIT_FIX);
    cr_assert_not_null(strstr(err_text(), "module 'esa03' could not answer (device-unavailable): "
                                          "device 'd1' is not in the Registered Device list"),
                       "%s", captured);
    fk.calls = 0;
}

Test(client_ctr_flow, another_region_is_another_url)
{
    setenv("SECMOCK_CTR_EU_URL", "http://ctr-eu.test", 1);
    fk.bad_secret = 1;
    cr_assert_eq(run_cmd("investigate", "--region", "eu", "ip:1.1.1.1", NULL), RC_CISCO_EXIT_AUTH);
    cr_assert_not_null(strstr(err_text(), "(region eu, http://ctr-eu.test;"), "%s", captured);
    unsetenv("SECMOCK_CTR_EU_URL");
}

Test(client_ctr_flow, usage_errors)
{
    const struct rc_opt *tables[3] = {rc_common_opts, rc_ctr_commands[0].opts, NULL};
    struct rc_ctx ctx;
    struct cm_err err = {{0}};
    char *argv[] = {(char *)"ip:1.1.1.1", NULL};

    cr_assert_eq(run_cmd("investigate", "--region", "mars", "ip:1.1.1.1", NULL), RC_EXIT_USAGE);
    cr_assert_not_null(strstr(err_text(), "invalid region 'mars', must be one of nam, eu, apjc"),
                       "%s", captured);
    cr_assert_eq(run_cmd("investigate", "--format", "xml", "ip:1.1.1.1", NULL), RC_EXIT_USAGE);
    cr_assert_eq(run_cmd("investigate", NULL), RC_EXIT_USAGE);
    cr_assert_eq(fk.calls, 0);
    /* no credentials at all */
    rc_config_init(&ctx.cfg);
    cr_assert_eq(rc_config_parse(&ctx.cfg, tables, 1, argv, &err), 0);
    cr_assert_eq(rc_ctx_open(&ctx, &err), 0);
    ctx.http->transport = fake_transport;
    cr_assert_eq(rc_ctr_investigate_run(&ctx), RC_EXIT_USAGE);
    rc_ctx_close(&ctx);
    cr_assert_not_null(strstr(err_text(), "Threat Response needs an API client"), "%s", captured);
}

/* ---- remediate ---- */

Test(client_ctr_flow, remediate_lists_then_triggers)
{
    cJSON *doc;

    fk.actions = all_actions;
    cr_assert_eq(run_cmd("remediate", "--mid", "8", "--action", "delete", NULL), 0, "%s",
                 err_text());
    cr_assert_str_eq(fk.paths[1], "POST /iroh/iroh-response/respond/observables");
    cr_assert_str_eq(fk.bodies[1], "[{\"type\":\"cisco_mid\",\"value\":\"8\"}]");
    cr_assert_str_eq(fk.paths[2],
                     "POST /iroh/iroh-response/respond/trigger/m1/delete?observable_type=cisco_mid&"
                     "observable_value=8");
    out_text();
    doc = cm_json_parse(captured, strlen(captured), "stdout", NULL);
    cr_assert_str_eq(cm_json_str(doc, "action", ""), "Delete");
    cr_assert_str_eq(cm_json_str(doc, "status", ""), "success");
    cJSON_Delete(doc);
}

Test(client_ctr_flow, remediate_builds_the_trigger_url_when_none_is_given)
{
    fk.actions = all_actions;
    cr_assert_eq(
        run_cmd("remediate", "--message-id", "<a b@x>", "--action", "forward-delete", NULL), 0,
        "%s", err_text());
    cr_assert_str_eq(fk.bodies[1], "[{\"type\":\"email_messageid\",\"value\":\"<a b@x>\"}]");
    cr_assert_str_eq(fk.paths[2],
                     "POST /iroh/iroh-response/respond/trigger/m1/forward_delete?observable_type="
                     "email_messageid&observable_value=%3Ca%20b%40x%3E");
}

Test(client_ctr_flow, remediate_without_a_remediation_profile_exits_5)
{
    cr_assert_eq(run_cmd("remediate", "--mid", "8", "--action", "delete", NULL), RC_CISCO_EXIT_FIX);
    cr_assert_eq(fk.trigger_calls, 0);
    cr_assert_not_null(strstr(err_text(), "no response action is offered for Cisco message ID 8"),
                       "%s", captured);
    cr_assert_not_null(strstr(captured, "remediation profile is enabled and configured on the ESA "
                                        "(System Administration > Account Settings)"));
}

Test(client_ctr_flow, remediate_forward_not_offered_names_the_forward_address)
{
    fk.actions = all_actions;
    cr_assert_eq(run_cmd("remediate", "--mid", "8", "--action", "forward", NULL),
                 RC_CISCO_EXIT_FIX);
    cr_assert_not_null(strstr(err_text(), "'Forward' is not offered for Cisco message ID 8 "
                                          "(offered: 'Delete' (esa03), 'Forward and Delete' "
                                          "(esa03))"),
                       "%s", captured);
    cr_assert_not_null(strstr(captured, "remediation forward address"));
}

Test(client_ctr_flow, remediate_usage_errors)
{
    cr_assert_eq(run_cmd("remediate", "--action", "delete", NULL), RC_EXIT_USAGE);
    cr_assert_eq(run_cmd("remediate", "--mid", "8", "--action", "quarantine", NULL), RC_EXIT_USAGE);
    cr_assert_eq(run_cmd("remediate", "--mid", "x8", "--action", "delete", NULL), RC_EXIT_USAGE);
    cr_assert_eq(fk.calls, 0);
}

/* ---- devices ---- */

Test(client_ctr_flow, devices_lists_or_says_what_to_enable)
{
    cr_assert_eq(run_cmd("devices", "--json", NULL), RC_CISCO_EXIT_FIX);
    cr_assert_not_null(strstr(err_text(), "no device is visible to Threat Response"), "%s",
                       captured);
    fk.devices = "[{\"name\":\"esa03.mex-amp.inlab\",\"type\":\"ESA\",\"id\":\"d1\","
                 "\"status\":\"Registered\"}]";
    cr_assert_eq(run_cmd("devices", "--json", NULL), 0);
    cr_assert_not_null(strstr(out_text(), "\"name\":\"esa03.mex-amp.inlab\""), "%s", captured);
}
