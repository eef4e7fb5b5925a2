/*
 * test_client_esa_api.c: the pure pieces of the appliance's registration
 * protocol: the SSE base URL of a server, reading a poll answer, the advice
 * after a failed registration, and the mapping of every unexpected answer to
 * an exit code and a message.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "client/ctr_api.h"
#include "client/esa_api.h"
#include "common/json.h"

static cJSON *parse(const char *text)
{
    cJSON *doc = cm_json_parse(text, strlen(text), "test", NULL);

    cr_assert_not_null(doc, "%s", text);
    return doc;
}

Test(client_esa_api, the_base_url_of_a_server)
{
    char url[256];

    unsetenv("SECMOCK_SSE_NAM_URL");
    unsetenv("SECMOCK_SSE_URL");
    unsetenv("SECMOCK_SSE_EU_URL");
    rc_esa_base_url("nam", url, sizeof(url));
    cr_assert_str_eq(url, "https://api-sse.cisco.com");
    rc_esa_base_url("EUROPE", url, sizeof(url));
    cr_assert_str_eq(url, "https://api.eu.sse.itd.cisco.com");
    setenv("SECMOCK_SSE_URL", "https://127.0.0.1:4001/", 1);
    rc_esa_base_url("AMERICAS", url, sizeof(url));
    cr_assert_str_eq(url, "https://127.0.0.1:4001", "the bare sse service is the nam one");
    setenv("SECMOCK_SSE_NAM_URL", "https://127.0.0.1:4002", 1);
    rc_esa_base_url("nam", url, sizeof(url));
    cr_assert_str_eq(url, "https://127.0.0.1:4002");
    setenv("SECMOCK_SSE_EU_URL", "https://127.0.0.1:4003//", 1);
    rc_esa_base_url("eu", url, sizeof(url));
    cr_assert_str_eq(url, "https://127.0.0.1:4003");
    rc_esa_base_url("https://sse.example.net/", url, sizeof(url));
    cr_assert_str_eq(url, "https://sse.example.net");
    unsetenv("SECMOCK_SSE_NAM_URL");
    unsetenv("SECMOCK_SSE_URL");
    unsetenv("SECMOCK_SSE_EU_URL");
}

Test(client_esa_api, poll_answers)
{
    struct rc_esa_registration g;
    cJSON *doc;

    memset(&g, 0, sizeof(g));
    doc = parse("{\"registration_id\":\"r\",\"status\":\"in_progress\",\"region\":\"eu\"}");
    cr_assert_eq(rc_esa_read_poll(doc, &g), RC_ESA_REG_IN_PROGRESS);
    cr_assert_str_eq(g.region, "eu");
    cJSON_Delete(doc);
    doc = parse("{\"status\":\"registered\",\"device_id\":\"d1\",\"device_token\":\"t1\"}");
    cr_assert_eq(rc_esa_read_poll(doc, &g), RC_ESA_REG_REGISTERED);
    cr_assert_str_eq(g.device_id, "d1");
    cr_assert_str_eq(g.device_token, "t1");
    cJSON_Delete(doc);
    doc = parse("{\"status\":\"failed\",\"error\":{\"code\":\"invalid_or_expired_token\","
                "\"message\":\"The registration failed because of an invalid or expired token\"}}");
    cr_assert_eq(rc_esa_read_poll(doc, &g), RC_ESA_REG_FAILED);
    cr_assert_str_eq(g.error_code, "invalid_or_expired_token");
    cr_assert_str_eq(g.error, RC_ESA_MSG_INVALID_TOKEN);
    cr_assert_str_eq(g.device_token, "", "a failure forgets any credential");
    cJSON_Delete(doc);
    doc = parse("{\"status\":\"failed\"}");
    rc_esa_read_poll(doc, &g);
    cr_assert_str_eq(g.error, RC_ESA_MSG_INVALID_TOKEN, "the appliance's words by default");
    cJSON_Delete(doc);
    doc = parse("{\"status\":\"queued\"}");
    cr_assert_eq(rc_esa_read_poll(doc, &g), RC_ESA_REG_IN_PROGRESS);
    cJSON_Delete(doc);
}

static const char *hint(const char *server, const char *code)
{
    static char out[2048];
    struct rc_esa_registration g;
    struct cm_buf b;

    memset(&g, 0, sizeof(g));
    snprintf(g.server, sizeof(g.server), "%s", server);
    snprintf(g.error_code, sizeof(g.error_code), "%s", code);
    cm_buf_init(&b, 0);
    rc_esa_failure_hint(&g, &b);
    snprintf(out, sizeof(out), "%s", cm_buf_str(&b));
    cm_buf_release(&b);
    return out;
}

Test(client_esa_api, the_advice_after_a_failure)
{
    const char *h = hint("nam", "invalid_or_expired_token");

    cr_assert_not_null(strstr(h,
                              "this appliance uses AMERICAS (api-sse.cisco.com), so generate the "
                              "token at https://admin.sse.itd.cisco.com/"),
                       "%s", h);
    cr_assert_not_null(strstr(h, "for the Europe (EU) cloud: https://admin.eu.sse.itd.cisco.com/"));
    cr_assert_not_null(strstr(h, "expiration time"));
    h = hint("https://127.0.0.1:4000", "invalid_or_expired_token");
    cr_assert_not_null(strstr(h, "this appliance uses https://127.0.0.1:4000 ("), "%s", h);
    h = hint("eu", "registered_in_other_region");
    cr_assert_not_null(strstr(h, "Deregister the appliance from the region it is registered with"),
                       "%s", h);
    cr_assert_null(strstr(h, "expiration"));
    h = hint("eu", "already_registered");
    cr_assert_not_null(strstr(h, "delete the device in Security Services Exchange"), "%s", h);
}

static int explain(long status, const char *body, char *out, size_t size)
{
    struct rc_esa_answer a;
    const cJSON *e;
    struct cm_buf b;
    int code;

    memset(&a, 0, sizeof(a));
    a.status = status;
    a.doc = body ? parse(body) : NULL;
    e = cJSON_GetObjectItem(a.doc, "error");
    a.code = cm_json_str(e, "code", "");
    a.message = cm_json_str(e, "message", "");
    cm_buf_init(&b, 0);
    code = rc_esa_explain("usage", &a, &b);
    snprintf(out, size, "%s", cm_buf_str(&b));
    cm_buf_release(&b);
    rc_esa_answer_release(&a);
    return code;
}

Test(client_esa_api, every_unexpected_answer_maps_to_an_exit_code)
{
    char m[1024];

    cr_assert_eq(explain(401,
                         "{\"error\":{\"code\":\"device_unauthorized\",\"message\":\"unknown "
                         "device credential\"}}",
                         m, sizeof(m)),
                 RC_CISCO_EXIT_AUTH);
    cr_assert_str_eq(m, "usage: Cisco Cloud Services answered 401 device_unauthorized: unknown "
                        "device credential. The device credential is refused: the device was "
                        "deregistered or deleted in Security Services Exchange. Register the "
                        "appliance again with a new token.");
    cr_assert_eq(explain(409,
                         "{\"error\":{\"code\":\"csn_disabled\",\"message\":\"Cisco Success "
                         "Network is not enabled on this appliance\"}}",
                         m, sizeof(m)),
                 RC_CISCO_EXIT_FIX);
    cr_assert_str_eq(m, "usage: Cisco Cloud Services answered 409 csn_disabled: Cisco Success "
                        "Network is not enabled on this appliance.");
    cr_assert_eq(explain(400,
                         "{\"error\":{\"code\":\"invalid_request\",\"message\":\"device.ip: "
                         "expected an IPv4 or IPv6 address\"}}",
                         m, sizeof(m)),
                 RC_EXIT_REMOTE);
    cr_assert_not_null(strstr(m, "400 invalid_request: device.ip: expected"), "%s", m);
    cr_assert_eq(explain(503, NULL, m, sizeof(m)), RC_EXIT_REMOTE);
    cr_assert_str_eq(m, "usage: Cisco Cloud Services answered 503; try again later.");
    cr_assert_eq(explain(413, "{\"error\":{\"code\":\"body_too_large\"}}", m, sizeof(m)),
                 RC_EXIT_REMOTE);
}

Test(client_esa_api, the_registration_body_and_the_usage_report)
{
    struct rc_esa_state st;
    cJSON *b, *r;
    const cJSON *d, *a, *fs;

    rc_esa_state_init(&st, 1582535814000LL);
    st.committed.csn = 1;
    b = rc_esa_register_body(&st, "a389f98df0e77c5411148e96e239e05d");
    d = cJSON_GetObjectItem(b, "device");
    cr_assert_str_eq(cm_json_str(b, "token", ""), "a389f98df0e77c5411148e96e239e05d");
    cr_assert_str_eq(cm_json_str(d, "version", ""), "13.0.0-392");
    cr_assert_str_eq(cm_json_str(d, "connector_version", ""), "1.3.34");
    cr_assert_str_eq(cm_json_str(d, "ip", ""), "127.0.0.1");
    cr_assert(cm_json_bool(cJSON_GetObjectItem(b, "services"), "csn", 0));
    cJSON_Delete(b);
    snprintf(st.appliance.license, sizeof(st.appliance.license), "smart");
    snprintf(st.appliance.deployment, sizeof(st.appliance.deployment), "cluster");
    r = rc_esa_usage_report(&st);
    a = cJSON_GetObjectItem(r, "appliance");
    cr_assert_str_eq(cm_json_str(a, "sIVAN", ""), "EmailGateway", "smart licensing");
    cr_assert_str_eq(cm_json_str(a, "deployment", ""), "cluster");
    cr_assert_eq((long long)cm_json_num(a, "installDate", 0), 1582535814000LL);
    fs = cJSON_GetObjectItem(r, "features");
    cr_assert_eq(cJSON_GetArraySize(fs), 4);
    cr_assert_eq((long long)cm_json_num(cJSON_GetArrayItem(fs, 0), "expiryDate", 0),
                 1582535814LL + 3 * 365 * 86400LL, "seconds, not milliseconds");
    cJSON_Delete(r);
}
