/*
 * test_client_ctr_result.c: what the ctr client reads out of Threat Response's
 * answers (sighting rows, ESA modules, module errors, the table) and how it
 * judges an answer into an exit code and a message (every error mapping of
 * rc_ctr_explain), without any I/O.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <string.h>

#include "client/ctr_api.h"
#include "client/ctr_result.h"
#include "client/output.h"
#include "common/json.h"

static cJSON *parse(const char *text)
{
    cJSON *doc = cm_json_parse(text, strlen(text), "test", NULL);

    cr_assert_not_null(doc, "%s", text);
    return doc;
}

/* One ESA sighting as the mock and CTIM shape it: relations carry sender and recipients. */
static const char observe_answer[] =
    "{\"data\":[{\"module\":\"esa03\",\"module-type\":\"ESAModule\","
    "\"module_instance_id\":\"3c9e\",\"data\":{\"sightings\":{\"count\":1,\"docs\":[{"
    "\"type\":\"sighting\",\"id\":\"transient:1\",\"count\":1,\"confidence\":\"High\","
    "\"severity\":\"Low\",\"resolution\":\"allowed\","
    "\"description\":\"Incoming message (Delivered)\","
    "\"observed_time\":{\"start_time\":\"2020-05-14T13:23:57Z\"},"
    "\"observables\":[{\"type\":\"email_subject\",\"value\":\"test test\"}],"
    "\"relations\":["
    "{\"relation\":\"Sent_By\",\"source\":{\"type\":\"cisco_mid\",\"value\":\"8\"},"
    "\"related\":{\"type\":\"email\",\"value\":\"mgmt01@cisco.com\"}},"
    "{\"relation\":\"Sent_To\",\"source\":{\"type\":\"cisco_mid\",\"value\":\"8\"},"
    "\"related\":{\"type\":\"email\",\"value\":\"testingBren@cisco.com\"}},"
    "{\"relation\":\"Sent_To\",\"source\":{\"type\":\"cisco_mid\",\"value\":\"8\"},"
    "\"related\":{\"type\":\"email\",\"value\":\"ap@cisco.com\"}},"
    "{\"relation\":\"Sent_From\",\"source\":{\"type\":\"cisco_mid\",\"value\":\"8\"},"
    "\"related\":{\"type\":\"ip\",\"value\":\"10.10.1.15\"}},"
    "{\"relation\":\"Related_To\",\"source\":{\"type\":\"email_messageid\",\"value\":\"<m@x>\"},"
    "\"related\":{\"type\":\"cisco_mid\",\"value\":\"8\"}}]}]}}},"
    "{\"module\":\"AMP\",\"module-type\":\"AMPModule\",\"data\":{\"sightings\":{\"docs\":[{"
    "\"description\":\"Seen on host\",\"targets\":[{\"observables\":[{\"type\":\"email\","
    "\"value\":\"victim@cisco.com\"}]}]}]}}}],\"errors\":[]}";

Test(client_ctr_result, sightings_become_rows)
{
    cJSON *doc = parse(observe_answer);
    struct rc_ctr_result r;
    const cJSON *row;
    cJSON *want;

    rc_ctr_result_read(doc, &r);
    cr_assert_eq(r.modules, 2);
    cr_assert_eq(r.esa_modules, 1);
    cr_assert_eq(r.esa_sightings, 1);
    cr_assert_str_eq(r.esa_name, "esa03");
    cr_assert_eq(cJSON_GetArraySize(r.sightings), 2);
    row = cJSON_GetArrayItem(r.sightings, 0);
    want = parse("{\"module\":\"esa03\",\"module_type\":\"ESAModule\",\"module_instance_id\":"
                 "\"3c9e\",\"observed\":\"2020-05-14T13:23:57Z\",\"description\":\"Incoming "
                 "message (Delivered)\",\"confidence\":\"High\",\"severity\":\"Low\","
                 "\"resolution\":\"allowed\",\"cisco_mid\":\"8\",\"sender\":\"mgmt01@cisco.com\","
                 "\"recipient\":\"testingBren@cisco.com, ap@cisco.com\",\"subject\":\"test test\","
                 "\"message_id\":\"<m@x>\",\"id\":\"transient:1\"}");
    cr_assert(cJSON_Compare(want, row, 1), "%s", cJSON_PrintUnformatted(row));
    row = cJSON_GetArrayItem(r.sightings, 1);
    cr_assert_str_eq(cm_json_str(row, "recipient", ""), "victim@cisco.com");
    cr_assert_null(cJSON_GetObjectItem(row, "sender"));
    cJSON_Delete(want);
    rc_ctr_result_release(&r);
    cJSON_Delete(doc);
}

Test(client_ctr_result, module_errors_and_strange_answers)
{
    cJSON *doc = parse("{\"data\":[],\"errors\":[{\"module\":\"esa03\",\"type\":\"fatal\","
                       "\"code\":\"device-unavailable\",\"message\":\"device is not in the "
                       "Registered Device list\"}]}");
    struct rc_ctr_result r;

    rc_ctr_result_read(doc, &r);
    cr_assert_eq(r.modules, 0);
    cr_assert_eq(cJSON_GetArraySize(r.errors), 1);
    cr_assert_str_eq(cm_json_str(cJSON_GetArrayItem(r.errors, 0), "code", ""),
                     "device-unavailable");
    rc_ctr_result_release(&r);
    cJSON_Delete(doc);
    doc = parse("[1, 2]");
    rc_ctr_result_read(doc, &r);
    cr_assert_eq(cJSON_GetArraySize(r.sightings), 0);
    rc_ctr_result_release(&r);
    cJSON_Delete(doc);
}

Test(client_ctr_result, esa_modules_are_recognised)
{
    static const char *const yes[] = {"{\"module-type\":\"ESAModule\"}",
                                      "{\"module_type\":\"esa-module\"}",
                                      "{\"module\":\"esa03\"}",
                                      "{\"module-type\":\"Email Security Appliance\"}",
                                      "{\"module\":\"SMA Email\"}",
                                      "{\"module-type\":\"Secure Email Gateway\"}",
                                      NULL};
    static const char *const no[] = {"{\"module-type\":\"AMPModule\"}", "{\"module\":\"Mesa\"}",
                                     "{\"module\":\"essay\"}", "{}", NULL};
    size_t i;

    for (i = 0; yes[i]; i++) {
        cJSON *m = parse(yes[i]);
        cr_assert(rc_ctr_module_is_esa(m), "%s", yes[i]);
        cJSON_Delete(m);
    }
    for (i = 0; no[i]; i++) {
        cJSON *m = parse(no[i]);
        cr_assert_not(rc_ctr_module_is_esa(m), "%s", no[i]);
        cJSON_Delete(m);
    }
}

Test(client_ctr_result, the_table_shows_the_tech_notes_columns, .init = cr_redirect_stdout)
{
    cJSON *doc = parse(observe_answer), *rows;
    struct rc_ctr_result r;
    struct rc_output o;
    struct cm_err err = {{0}};
    char text[4096];
    size_t n;

    rc_ctr_result_read(doc, &r);
    rows = rc_ctr_table_rows(r.sightings);
    rc_output_open(&o, NULL);
    cr_assert_eq(rc_output_table(&o, rc_ctr_table_columns, rows, &err), 0);
    rc_output_close(&o);
    fflush(stdout);
    n = fread(text, 1, sizeof(text) - 1, cr_get_redirected_stdout());
    text[n] = '\0';
    cr_assert_not_null(strstr(text, "Module  Observed              Description                   "
                                    "Confidence  Severity  MID  Sender"),
                       "%s", text);
    cr_assert_not_null(
        strstr(text, "esa03   2020-05-14T13:23:57Z  Incoming message (Delivered)  High        Low "
                     "      8    mgmt01@cisco.com"),
        "%s", text);
    cr_assert_not_null(strstr(text, "AMP     -                     Seen on host"), "%s", text);
    cJSON_Delete(rows);
    rc_ctr_result_release(&r);
    cJSON_Delete(doc);
}

Test(client_ctr_result, remedies_and_actions)
{
    cJSON *doc =
        parse("{\"data\":[{\"module\":\"other\",\"module-type\":\"X\",\"id\":\"delete\",\"title\":"
              "\"Delete\",\"module_instance_id\":\"o1\"},"
              "{\"module\":\"esa03\",\"module-type\":\"ESAModule\",\"module_instance_id\":\"m1\","
              "\"id\":\"delete\",\"title\":\"Delete\",\"url\":\"/respond/trigger/m1/delete?x=1\"},"
              "{\"module\":\"esa03\",\"module-type\":\"ESAModule\",\"module_instance_id\":\"m1\","
              "\"id\":\"forward_delete\",\"title\":\"Forward and Delete\"}]}");
    enum rc_ctr_remedy r;
    const cJSON *a;
    char *offered = NULL;

    cr_assert_eq(rc_ctr_remedy_parse("forward-delete", &r), 0);
    cr_assert_eq(r, RC_CTR_FORWARD_DELETE);
    cr_assert_eq(rc_ctr_remedy_parse("Forward and Delete", &r), 0);
    cr_assert_eq(r, RC_CTR_FORWARD_DELETE);
    cr_assert_eq(rc_ctr_remedy_parse("forward", &r), 0);
    cr_assert_eq(r, RC_CTR_FORWARD);
    cr_assert_eq(rc_ctr_remedy_parse("quarantine", &r), -1);
    cr_assert_str_eq(rc_ctr_remedy_title(RC_CTR_FORWARD_DELETE), "Forward and Delete");

    a = rc_ctr_find_action(doc, RC_CTR_DELETE, NULL, &offered);
    cr_assert_str_eq(cm_json_str(a, "module", ""), "esa03", "the ESA module is preferred");
    a = rc_ctr_find_action(doc, RC_CTR_FORWARD_DELETE, NULL, NULL);
    cr_assert_str_eq(cm_json_str(a, "id", ""), "forward_delete");
    a = rc_ctr_find_action(doc, RC_CTR_DELETE, "other", NULL);
    cr_assert_str_eq(cm_json_str(a, "module_instance_id", ""), "o1");
    a = rc_ctr_find_action(doc, RC_CTR_FORWARD, NULL, &offered);
    cr_assert_null(a);
    cr_assert_str_eq(offered, "'Delete' (other), 'Delete' (esa03), 'Forward and Delete' (esa03)");
    free(offered);
    offered = NULL;
    cJSON_Delete(doc);
    doc = parse("{\"data\":[]}");
    cr_assert_null(rc_ctr_find_action(doc, RC_CTR_DELETE, NULL, &offered));
    cr_assert_str_eq(offered, "");
    free(offered);
    cJSON_Delete(doc);
}

/* ---- error mappings ---- */

static int explain(enum rc_ctr_op op, long status, const char *body, char *out, size_t size)
{
    struct rc_ctr_explain_in in;
    cJSON *doc = body ? parse(body) : NULL;
    struct cm_buf b;
    int code;

    memset(&in, 0, sizeof(in));
    in.op = op;
    in.status = status;
    in.body = doc;
    in.raw = body;
    in.tries = 4;
    in.client_id = "client-1";
    in.base_url = "https://visibility.eu.amp.cisco.com";
    in.region = rc_ctr_region_find("eu");
    cm_buf_init(&b, 0);
    code = rc_ctr_explain(&in, &b);
    snprintf(out, size, "%s", cm_buf_str(&b));
    cm_buf_release(&b);
    cJSON_Delete(doc);
    return code;
}

Test(client_ctr_result, every_error_maps_to_an_exit_code_and_a_message)
{
    char m[2048];

    cr_assert_eq(explain(RC_CTR_OP_OBSERVE, 200, "{}", m, sizeof(m)), 0);
    cr_assert_eq(explain(RC_CTR_OP_TOKEN, 401,
                         "{\"error\":\"invalid_client\",\"error_description\":\"unknown client\"}",
                         m, sizeof(m)),
                 RC_CISCO_EXIT_AUTH);
    cr_assert_str_eq(m, "Threat Response refused the API client credentials of 'client-1' (401 "
                        "invalid_client: unknown client). Check --client-id and --client-secret "
                        "(Threat Response > Settings > API Clients; the secret is shown only "
                        "once: generate a new client if it is lost) and the region: an API client "
                        "works only in the cloud of the account that created it (region eu, "
                        "https://visibility.eu.amp.cisco.com; --region nam|eu|apjc).");
    cr_assert_eq(explain(RC_CTR_OP_OBSERVE, 401, "{\"errors\":[{\"code\":\"invalid_token\"}]}", m,
                         sizeof(m)),
                 RC_CISCO_EXIT_AUTH);
    cr_assert_not_null(strstr(m, "refused the access token for the enrichment (observe), even a "
                                 "new one (401 invalid_token)"),
                       "%s", m);
    cr_assert_eq(
        explain(RC_CTR_OP_INSPECT, 403, "{\"error\":{\"code\":\"forbidden\"}}", m, sizeof(m)),
        RC_CISCO_EXIT_AUTH);
    cr_assert_not_null(strstr(m, "'inspect:read' scope"), "%s", m);
    cr_assert_eq(explain(RC_CTR_OP_TRIGGER, 403, NULL, m, sizeof(m)), RC_CISCO_EXIT_AUTH);
    cr_assert_not_null(strstr(m, "'response' scope"), "%s", m);
    cr_assert_eq(explain(RC_CTR_OP_OBSERVE, 429,
                         "{\"error\":\"too_many_requests\",\"error_description\":\"limited\"}", m,
                         sizeof(m)),
                 RC_EXIT_REMOTE);
    cr_assert_not_null(strstr(m, "still limiting the request rate after 4 tries (429 "
                                 "too_many_requests: limited)"),
                       "%s", m);
    cr_assert_not_null(strstr(m, "X-Ratelimit-Org-Limit: 8000"), "%s", m);
    cr_assert_eq(explain(RC_CTR_OP_OBSERVE, 503, NULL, m, sizeof(m)), RC_EXIT_REMOTE);
    cr_assert_str_eq(m, "Threat Response answered 503 to the enrichment (observe) after 4 tries; "
                        "try again later.");
    cr_assert_eq(explain(RC_CTR_OP_TOKEN, 404, NULL, m, sizeof(m)), RC_EXIT_USAGE);
    cr_assert_not_null(strstr(m, "no Threat Response token endpoint"), "%s", m);
    cr_assert_eq(explain(RC_CTR_OP_RESPOND, 400,
                         "{\"errors\":{\"invalid_key\":\"disallowed-key\"}}", m, sizeof(m)),
                 RC_EXIT_REMOTE);
    cr_assert_str_eq(m, "Threat Response refused the list of response actions (400 invalid_key: "
                        "disallowed-key).");
}

Test(client_ctr_result, regions_and_basic_auth)
{
    char *auth;

    cr_assert_str_eq(rc_ctr_region_find("us")->name, "nam");
    cr_assert_str_eq(rc_ctr_region_find("EUROPE")->host, "https://visibility.eu.amp.cisco.com");
    cr_assert_str_eq(rc_ctr_region_find("apjc")->env, "SECMOCK_CTR_APJC_URL");
    cr_assert_null(rc_ctr_region_find("mars"));
    auth = rc_ctr_basic_auth("client-1", "s3cret");
    cr_assert_str_eq(auth, "Basic Y2xpZW50LTE6czNjcmV0");
    free(auth);
}
