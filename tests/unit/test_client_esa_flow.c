/*
 * test_client_esa_flow.c: `secmock client esa ...` end to end against a fake
 * Security Services Exchange (the device registration protocol of
 * docs/cisco.md) behind the client's transport hook, on a fake clock that
 * keeps running across the commands of a test, with a state file in a
 * temporary folder.
 *
 * The fake completes a registration 20 s (virtual) after its submission:
 * "registered" for the token "good...", "failed" with the appliance's message
 * for any other. It records every request.
 *
 * Covered: pending versus committed (register before commit), the busy
 * window after commit, polling every 10 s on the fake clock, the failure
 * message, the region switch refused until deregistration, Edit Global
 * Settings applied at commit, the Cisco Success Network report, a device
 * deleted in the portal, and the usage errors.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client/ctr_api.h"
#include "client/esa_api.h"
#include "client/esa_cmd.h"
#include "client/esa_state.h"
#include "common/fsutil.h"
#include "common/json.h"
#include "common/mem.h"

#define T0           1589457600000LL /* 2020-05-14T12:00:00Z */
#define GOOD_TOKEN   "a389f98df0e77c5411148e96e239e05d"
#define DEVICE_TOKEN "9f2c0000000000000000000000000000000000000000000000000000000000e1"

static struct {
    int calls;
    char paths[64][160];
    char bodies[64][2048];
    int64_t submitted;
    int registered; /* the outcome of the last submission: 1 registered, 0 failed */
    char region[8];
    int device_gone; /* the device was deleted in the portal */
    int csn;         /* the device's services.csn on the SSE side */
    int n_reg;
} fk;

static int64_t vnow = T0, vslept;
static struct rc_clock *cur_clock;
static char dir[64], state_path[128];

static const char *req_header(const struct cm_http_request *req, const char *name)
{
    const char *const *h;
    size_t n = strlen(name);

    for (h = req->headers; h && *h; h++)
        if (strncasecmp(*h, name, n) == 0 && (*h)[n] == ':')
            return *h + n + 2;
    return NULL;
}

static void answer(struct cm_http_response *resp, long status, const char *body)
{
    resp->status = status;
    cm_buf_printf(&resp->headers, "HTTP/1.1 %ld X\r\nContent-Type: application/json\r\n\r\n",
                  status);
    cm_buf_puts(&resp->body, body);
}

static const char *path_of(const char *url)
{
    const char *p = strstr(url, "://");

    p = p ? strchr(p + 3, '/') : url;
    return p ? p : "/";
}

static int bearer_ok(const struct cm_http_request *req)
{
    const char *auth = req_header(req, "Authorization");

    return auth && strcmp(auth, "Bearer " DEVICE_TOKEN) == 0 && !fk.device_gone;
}

static int fake_transport(const struct cm_http_request *req, struct cm_http_response *resp)
{
    const char *path = path_of(req->url), *method = req->method ? req->method : "GET";
    int i = fk.calls < 64 ? fk.calls : 63;
    char b[1024];

    fk.calls++;
    if (strstr(req->url, "://") == NULL) { /* as libcurl does */
        resp->curl_code = 3;
        cm_strlcpy(resp->error, "URL using bad/illegal format or missing URL", sizeof(resp->error));
        return CM_EPROTO;
    }
    cm_buf_reset(&resp->body);
    cm_buf_reset(&resp->headers);
    resp->error[0] = '\0';
    resp->curl_code = 0;
    snprintf(fk.paths[i], sizeof(fk.paths[i]), "%s %s%s", method,
             strncmp(req->url, "http://sse-eu.test", 18) == 0 ? "eu:" : "", path);
    snprintf(fk.bodies[i], sizeof(fk.bodies[i]), "%.*s", (int)req->body_len,
             req->body ? req->body : "");
    snprintf(fk.region, sizeof(fk.region), "%s",
             strncmp(req->url, "http://sse-eu.test", 18) == 0 ? "eu" : "nam");
    if (strcmp(path, "/v1/devices/register") == 0 && strcmp(method, "POST") == 0) {
        cJSON *doc = cm_json_parse(req->body, req->body_len, "register", NULL);
        cr_assert_not_null(cJSON_GetObjectItem(doc, "device"));
        fk.registered = strcmp(cm_json_str(doc, "token", ""), GOOD_TOKEN) == 0;
        fk.submitted = cur_clock->fake_now_ms;
        fk.n_reg++;
        cJSON_Delete(doc);
        snprintf(b, sizeof(b),
                 "{\"registration_id\":\"r%d\",\"status\":\"in_progress\",\"region\":\"%s\","
                 "\"submitted\":\"x\"}",
                 fk.n_reg, fk.region);
        answer(resp, 202, b);
        return 0;
    }
    if (strncmp(path, "/v1/devices/registrations/", 26) == 0) {
        if (cur_clock->fake_now_ms < fk.submitted + 20000)
            snprintf(b, sizeof(b), "{\"registration_id\":\"%s\",\"status\":\"in_progress\"}",
                     path + 26);
        else if (fk.registered)
            snprintf(b, sizeof(b),
                     "{\"registration_id\":\"%s\",\"status\":\"registered\",\"region\":\"%s\","
                     "\"device_id\":\"d1\",\"device_token\":\"" DEVICE_TOKEN "\"}",
                     path + 26, fk.region);
        else
            snprintf(b, sizeof(b),
                     "{\"registration_id\":\"%s\",\"status\":\"failed\",\"error\":{\"code\":"
                     "\"invalid_or_expired_token\",\"message\":\"" RC_ESA_MSG_INVALID_TOKEN "\"}}",
                     path + 26);
        answer(resp, 200, b);
        return 0;
    }
    if (strncmp(path, "/v1/devices/d1", 14) == 0) {
        if (!bearer_ok(req)) {
            answer(resp, 401, "{\"error\":{\"code\":\"device_unauthorized\",\"message\":\"no\"}}");
            return 0;
        }
        if (strcmp(path, "/v1/devices/d1/usage") == 0) {
            if (fk.csn)
                answer(resp, 202,
                       "{\"status\":\"accepted\",\"received\":\"2020-05-14T12:05:00Z\"}");
            else
                answer(resp, 409,
                       "{\"error\":{\"code\":\"csn_disabled\",\"message\":\"Cisco Success Network "
                       "is not enabled on this appliance\"}}");
            return 0;
        }
        if (strcmp(path, "/v1/devices/d1/services") == 0) {
            cJSON *doc = cm_json_parse(req->body, req->body_len, "services", NULL);
            fk.csn = cm_json_bool(doc, "csn", fk.csn);
            cJSON_Delete(doc);
        }
        if (strcmp(method, "DELETE") == 0) {
            fk.device_gone = 1;
            answer(resp, 200, "{\"device_id\":\"d1\",\"status\":\"deregistered\"}");
            return 0;
        }
        answer(resp, 200, "{\"device_id\":\"d1\",\"status\":\"registered\"}");
        return 0;
    }
    answer(resp, 404, "{\"error\":{\"code\":\"not_found\",\"message\":\"no\"}}");
    return 0;
}

/* ---- running commands ---- */

static void setup(void)
{
    static const char *const vars[] = {
        "SECMOCK_CLOCK",        "SECMOCK_ADMIN_URL", "SECMOCK_CA_FILE",       "SECMOCK_SOURCE_ADDR",
        "SECMOCK_RETRIES",      "SECMOCK_VERBOSE",   "SECMOCK_CLIENT_CONFIG", "SECMOCK_SSE_URL",
        "SECMOCK_SSE_APJC_URL", "ESA_STATE",         "ESA_REGISTRATION_TOKEN"};
    size_t i;

    for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
    setenv("SECMOCK_SSE_NAM_URL", "http://sse-nam.test", 1);
    setenv("SECMOCK_SSE_EU_URL", "http://sse-eu.test/", 1);
    memset(&fk, 0, sizeof(fk));
    vnow = T0;
    vslept = 0;
    snprintf(dir, sizeof(dir), "/tmp/secmock-esaflow-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(state_path, sizeof(state_path), "%s/esa-state.json", dir);
    cr_redirect_stdout();
    cr_redirect_stderr();
}

static void teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(client_esa_flow, .init = setup, .fini = teardown);

/* Runs `esa <name> args...` (NULL-terminated) on the test's state file. */
static int esa(const char *name, ...)
{
    const struct rc_command *c;
    const struct rc_opt *tables[3] = {rc_common_opts, NULL, NULL};
    struct rc_ctx ctx;
    struct cm_err err = {{0}};
    char *argv[64];
    int argc = 0, code;
    va_list ap;
    const char *a;

    for (c = rc_esa_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            break;
    cr_assert_not_null(c->name, "no command %s", name);
    tables[1] = c->opts;
    argv[argc++] = (char *)"--state";
    argv[argc++] = state_path;
    va_start(ap, name);
    while ((a = va_arg(ap, const char *)) != NULL && argc < 63)
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    rc_config_init(&ctx.cfg);
    cr_assert_eq(rc_config_parse(&ctx.cfg, tables, argc, argv, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_ctx_open(&ctx, &err), 0, "%s", err.msg);
    rc_clock_free(ctx.clock);
    ctx.clock = rc_clock_new_fake(vnow);
    ctx.http->clock = ctx.clock;
    ctx.http->transport = fake_transport;
    cur_clock = ctx.clock;
    code = c->run(&ctx);
    vnow = ctx.clock->fake_now_ms;
    vslept += ctx.clock->fake_slept_ms;
    cur_clock = NULL;
    rc_ctx_close(&ctx);
    return code;
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

static struct rc_esa_state *load(void)
{
    static struct rc_esa_state st;
    struct cm_err err = {{0}};

    cr_assert_eq(rc_esa_state_load(state_path, &st, &err), 0, "%s", err.msg);
    return &st;
}

/* enable nam, commit, register with the good token. */
static void register_nam(void)
{
    cr_assert_eq(esa("cloud-services", "enable", "--server", "AMERICAS", NULL), 0);
    cr_assert_eq(esa("commit", NULL), 0);
    cr_assert_eq(esa("register", "--token", GOOD_TOKEN, NULL), 0, "%s", err_text());
}

/* ---- tests ---- */

Test(client_esa_flow, register_before_commit_is_refused_in_the_seeds_words)
{
    cr_assert_eq(esa("cloud-services", "enable", "--server", "AMERICAS", NULL), 0);
    cr_assert_not_null(strstr(out_text(), "You have uncommitted changes"), "%s", captured);
    cr_assert_eq(esa("register", "--token", GOOD_TOKEN, NULL), RC_CISCO_EXIT_FIX);
    cr_assert_eq(fk.calls, 0);
    cr_assert_not_null(strstr(err_text(), "the appliance does not ask for the registration token: "
                                          "Threat Response was enabled but the changes were not "
                                          "committed"),
                       "%s", captured);
    cr_assert_eq(load()->committed.cloud_services, 0);
    cr_assert_eq(load()->pending.cloud_services, 1);
}

Test(client_esa_flow, register_with_cloud_services_disabled_is_refused)
{
    cr_assert_eq(esa("register", "--token", GOOD_TOKEN, NULL), RC_CISCO_EXIT_FIX);
    cr_assert_not_null(strstr(err_text(), "Cisco Cloud Services (Threat Response) is disabled"),
                       "%s", captured);
}

Test(client_esa_flow, the_whole_registration_waits_on_the_clock)
{
    cJSON *body, *doc;

    cr_assert_eq(esa("cloud-services", "enable", "--server", "AMERICAS", NULL), 0);
    cr_assert_eq(esa("commit", NULL), 0);
    cr_assert_not_null(strstr(out_text(), "Success \xe2\x80\x94 Your changes have been committed."),
                       "%s", captured);
    cr_assert_eq(esa("status", "--json", NULL), 0);
    cr_assert_not_null(strstr(out_text(), "\"status\":\"BUSY\""), "%s", captured);
    cr_assert_eq(esa("register", "--token", " " GOOD_TOKEN "\n", NULL), 0, "%s", err_text());
    out_text();
    cr_assert_not_null(strstr(captured, RC_ESA_MSG_BUSY), "%s", captured);
    cr_assert_not_null(strstr(captured, RC_ESA_MSG_INITIATED), "%s", captured);
    cr_assert_not_null(strstr(captured, RC_ESA_MSG_REGISTERED), "%s", captured);
    cr_assert_eq(vslept, RC_ESA_BUSY_MS + 20000, "busy 60 s, then two polls 10 s apart");
    cr_assert_str_eq(fk.paths[0], "POST /v1/devices/register");
    cr_assert_str_eq(fk.paths[1], "GET /v1/devices/registrations/r1");
    cr_assert_str_eq(fk.paths[2], "GET /v1/devices/registrations/r1");
    cr_assert_eq(fk.calls, 3);
    body = cm_json_parse(fk.bodies[0], strlen(fk.bodies[0]), "body", NULL);
    cr_assert_str_eq(cm_json_str(body, "token", ""), GOOD_TOKEN, "the pasted token is trimmed");
    cr_assert_str_eq(cm_json_str(cJSON_GetObjectItem(body, "device"), "name", ""),
                     "esa03.mex-amp.inlab");
    cr_assert_str_eq(cm_json_str(cJSON_GetObjectItem(body, "device"), "type", ""), "ESA");
    cr_assert_str_eq(cm_json_str(cJSON_GetObjectItem(body, "device"), "serial", ""),
                     "4215ABCDEF0123456789-0123ABCD4567");
    cr_assert(cm_json_bool(cJSON_GetObjectItem(body, "services"), "xdr", 0));
    cJSON_Delete(body);
    cr_assert_eq(load()->reg.status, RC_ESA_REG_REGISTERED);
    cr_assert_str_eq(load()->reg.device_token, DEVICE_TOKEN);
    cr_assert_eq(esa("status", "--json", NULL), 0);
    out_text();
    doc = cm_json_parse(captured, strlen(captured), "status", NULL);
    cr_assert_str_eq(cm_json_str(doc, "status", ""), "REGISTERED");
    cr_assert_str_eq(cm_json_str(doc, "device_id", ""), "d1");
    cr_assert_str_eq(cm_json_str(doc, "server", ""), "AMERICAS (api-sse.cisco.com)");
    cr_assert_str_eq(cm_json_str(doc, "threat_response", ""), "Enabled");
    cJSON_Delete(doc);
    cr_assert_str_eq(fk.paths[3], "GET /v1/devices/d1", "status checks the device with SSE");
}

Test(client_esa_flow, an_invalid_token_fails_with_the_appliances_message)
{
    cr_assert_eq(esa("cloud-services", "enable", "--server", "eu", NULL), 0);
    cr_assert_eq(esa("commit", NULL), 0);
    cr_assert_eq(esa("register", "--token", "00000000000000000000000000000000", NULL),
                 RC_CISCO_EXIT_REGFAIL);
    cr_assert_str_eq(fk.paths[0], "POST eu:/v1/devices/register", "EUROPE is the EU mock");
    err_text();
    cr_assert_not_null(strstr(captured, "The registration failed because of an invalid or expired "
                                        "token. Make sure the token is generated from the right "
                                        "cloud: this appliance uses EUROPE "
                                        "(api.eu.sse.itd.cisco.com), so generate the token at "
                                        "https://admin.eu.sse.itd.cisco.com/"),
                       "%s", captured);
    cr_assert_not_null(strstr(captured, "registration token has an expiration time"));
    cr_assert_eq(load()->reg.status, RC_ESA_REG_FAILED);
    cr_assert_eq(esa("status", "--json", NULL), 0);
    cr_assert_not_null(strstr(out_text(), "\"status\":\"NOT_REGISTERED\""), "%s", captured);
    cr_assert_not_null(strstr(captured, "\"last_error\":\"invalid_or_expired_token\""));
    /* a new token registers */
    cr_assert_eq(esa("register", "--token", GOOD_TOKEN, NULL), 0);
}

Test(client_esa_flow, a_slow_registration_is_picked_up_by_status)
{
    cr_assert_eq(esa("cloud-services", "enable", "--server", "nam", NULL), 0);
    cr_assert_eq(esa("commit", NULL), 0);
    vnow += RC_ESA_BUSY_MS;
    cr_assert_eq(esa("register", "--token", GOOD_TOKEN, "--no-wait", NULL), 0);
    cr_assert_eq(vslept, 0);
    cr_assert_eq(load()->reg.status, RC_ESA_REG_IN_PROGRESS);
    cr_assert_eq(esa("status", "--json", NULL), 0);
    cr_assert_not_null(strstr(out_text(), "\"status\":\"INPROGRESS\""), "%s", captured);
    cr_assert_not_null(strstr(captured, RC_ESA_MSG_IN_PROGRESS));
    cr_assert_eq(esa("register", "--wait", "5s", NULL), RC_EXIT_REMOTE);
    cr_assert_not_null(strstr(err_text(), "still in progress after 5 s"), "%s", captured);
    vnow += 30000;
    cr_assert_eq(esa("status", "--json", NULL), 0);
    cr_assert_not_null(strstr(out_text(), "\"status\":\"REGISTERED\""), "%s", captured);
}

Test(client_esa_flow, another_region_needs_deregistration_first)
{
    register_nam();
    cr_assert_eq(esa("cloud-services", "enable", "--server", "EUROPE", NULL), RC_CISCO_EXIT_FIX);
    err_text();
    cr_assert_not_null(strstr(captured, "cannot switch the appliance from AMERICAS "
                                        "(api-sse.cisco.com) to EUROPE (api.eu.sse.itd.cisco.com) "
                                        "while it is registered"),
                       "%s", captured);
    cr_assert_not_null(strstr(captured, "first deregister the email gateway"), "%s", captured);
    cr_assert_eq(esa("register", "--token", GOOD_TOKEN, NULL), RC_CISCO_EXIT_FIX);
    cr_assert_not_null(strstr(err_text(), "already registered"), "%s", captured);
    cr_assert_eq(esa("deregister", NULL), 0);
    cr_assert_not_null(strstr(out_text(), RC_ESA_MSG_DEREGISTERED), "%s", captured);
    cr_assert_eq(load()->reg.status, RC_ESA_REG_NONE);
    cr_assert_eq(esa("cloud-services", "enable", "--server", "EUROPE", NULL), 0);
    cr_assert_eq(esa("commit", NULL), 0);
    cr_assert_eq(esa("register", "--token", GOOD_TOKEN, NULL), 0, "%s", err_text());
    cr_assert_str_eq(load()->reg.region, "eu");
    cr_assert_eq(esa("deregister", NULL), 0);
    cr_assert_eq(esa("deregister", NULL), RC_CISCO_EXIT_FIX);
    cr_assert_not_null(strstr(err_text(), "not registered"), "%s", captured);
}

Test(client_esa_flow, global_settings_apply_at_commit_and_csn_reports)
{
    cJSON *report;
    const cJSON *ap, *f0;

    cr_assert_eq(esa("global-settings", "--csn", "enable", NULL), RC_CISCO_EXIT_FIX);
    cr_assert_not_null(strstr(err_text(), "needs the appliance registered"), "%s", captured);
    register_nam();
    cr_assert_eq(esa("usage", NULL), RC_CISCO_EXIT_FIX);
    cr_assert_not_null(strstr(err_text(), "Cisco Success Network is not enabled on this "
                                          "appliance: enable it in Cloud Service Settings > Edit "
                                          "Global Settings"),
                       "%s", captured);
    cr_assert_eq(esa("global-settings", "--csn", "enable", NULL), 0);
    fk.calls = 0;
    cr_assert_eq(esa("commit", NULL), 0, "%s", err_text());
    cr_assert_str_eq(fk.paths[0], "PUT /v1/devices/d1/services");
    cr_assert_str_eq(fk.bodies[0], "{\"xdr\":true,\"csn\":true}");
    fk.calls = 0;
    cr_assert_eq(esa("usage", NULL), 0, "%s", err_text());
    cr_assert_str_eq(fk.paths[0], "POST /v1/devices/d1/usage");
    report = cm_json_parse(fk.bodies[0], strlen(fk.bodies[0]), "report", NULL);
    ap = cJSON_GetObjectItem(report, "appliance");
    cr_assert_str_eq(cm_json_str(ap, "uid", ""), "4215ABCDEF0123456789-0123ABCD4567");
    cr_assert_str_eq(cm_json_str(ap, "model", ""), "C100V");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(ap, "sIVAN")), "classic licensing: null");
    cr_assert_str_eq(cm_json_str(ap, "deployment", ""), "standalone");
    cr_assert_eq((int64_t)cm_json_num(ap, "installDate", 0), T0);
    f0 = cJSON_GetArrayItem(cJSON_GetObjectItem(report, "features"), 0);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(f0, "enabled")));
    cr_assert_str_eq(cm_json_str(f0, "status", ""), "In Compliance");
    cJSON_Delete(report);
    cr_assert_not_null(strstr(out_text(), "\"status\":\"accepted\""), "%s", captured);
    /* SSE says CSN is off (changed behind the appliance's back): 409 -> 5 */
    fk.csn = 0;
    cr_assert_eq(esa("usage", NULL), RC_CISCO_EXIT_FIX);
    cr_assert_not_null(strstr(err_text(), "csn_disabled"), "%s", captured);
}

/* A state file written by hand may leave out registration.base_url: the
 * registration's region names the SSE to call. */
Test(client_esa_flow, a_state_without_the_base_url_uses_the_region)
{
    cJSON *doc;
    char *text;

    register_nam();
    doc = cm_json_load_file(state_path, NULL);
    cr_assert_not_null(doc);
    cr_assert_not_null(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "registration"), "base_url"));
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(doc, "registration"), "base_url");
    text = cm_json_print(doc);
    cJSON_Delete(doc);
    cr_assert_eq(cm_write_file_atomic(state_path, text, strlen(text)), 0);
    free(text);
    cr_assert_eq(esa("global-settings", "--csn", "enable", NULL), 0);
    fk.calls = 0;
    cr_assert_eq(esa("commit", NULL), 0, "%s", err_text());
    cr_assert_str_eq(fk.paths[0], "PUT /v1/devices/d1/services");
    fk.calls = 0;
    cr_assert_eq(esa("usage", NULL), 0, "%s", err_text());
    cr_assert_str_eq(fk.paths[0], "POST /v1/devices/d1/usage");
}

Test(client_esa_flow, a_device_deleted_in_the_portal_is_noticed)
{
    cJSON *doc;

    register_nam();
    out_text();
    fk.device_gone = 1;
    cr_assert_eq(esa("status", "--json", NULL), 0);
    cr_assert_not_null(strstr(err_text(), "no longer registered with Cisco Cloud Services"), "%s",
                       captured);
    out_text();
    doc = cm_json_parse(captured, strlen(captured), "status", NULL);
    cr_assert_str_eq(cm_json_str(doc, "status", ""), "NOT_REGISTERED");
    cJSON_Delete(doc);
    cr_assert_eq(load()->reg.status, RC_ESA_REG_NONE);
}

Test(client_esa_flow, the_text_status_mirrors_the_settings_page)
{
    cr_assert_eq(esa("cloud-services", "enable", "--server", "AMERICAS", NULL), 0);
    cr_assert_eq(esa("status", "--format", "text", NULL), 0);
    out_text();
    cr_assert_not_null(strstr(captured, "Threat Response:         Disabled"), "%s", captured);
    cr_assert_not_null(strstr(captured, "enabled but not committed"), "%s", captured);
    cr_assert_not_null(strstr(captured, "You have uncommitted changes."), "%s", captured);
}

Test(client_esa_flow, usage_errors)
{
    cr_assert_eq(esa("cloud-services", "enable", "--server", "mars", NULL), RC_EXIT_USAGE);
    cr_assert_not_null(strstr(err_text(), "--server: expected AMERICAS (nam, api-sse.cisco.com)"),
                       "%s", captured);
    cr_assert_eq(esa("cloud-services", "start", NULL), RC_EXIT_USAGE);
    cr_assert_eq(esa("global-settings", NULL), RC_EXIT_USAGE);
    cr_assert_eq(esa("global-settings", "--xdr", "maybe", NULL), RC_EXIT_USAGE);
    cr_assert_eq(esa("status", "--license", "free", NULL), RC_EXIT_USAGE);
    cr_assert_eq(esa("commit", "now", NULL), RC_EXIT_USAGE);
    cr_assert_eq(esa("cloud-services", "enable", "--server", "nam", NULL), 0);
    cr_assert_eq(esa("commit", NULL), 0);
    cr_assert_eq(esa("register", NULL), RC_EXIT_USAGE);
    cr_assert_not_null(strstr(err_text(), "give the registration token"), "%s", captured);
    cr_assert_eq(fk.calls, 0);
    cr_assert_eq(esa("commit", NULL), 0);
    cr_assert_not_null(strstr(out_text(), "No changes to commit."), "%s", captured);
}

Test(client_esa_flow, a_broken_state_file_is_named)
{
    FILE *f = fopen(state_path, "w");

    cr_assert_not_null(f);
    fputs("{\"committed\": []}", f);
    fclose(f);
    cr_assert_eq(esa("status", NULL), RC_EXIT_USAGE);
    cr_assert_not_null(strstr(err_text(), "committed: expected an object"), "%s", captured);
}
