/*
 * test_ctr_email.c: the ESA module's answers: CTIM sighting shape, message
 * matching per observable type, observe within the module's timeframe on the
 * virtual clock, the troubleshooting cases (integration off in SSE, XDR off
 * on the appliance, no SSE for the region), deliberate and refer, and the
 * remediation actions with every refusal.
 */
#include "mock/ctr/ctr.h"
#include "test_sse_util.h"

#define NOW "2020-05-14T22:00:00Z" /* "9 hours ago" for MID 8, as in [tn215556] */

static struct mk_runtime *esa_runtime(const char *services, const char *ctr_fixture)
{
    char *state = cx_state("sse-nam", "sse-registered.json", "ctr-nam", ctr_fixture, NULL);
    struct mk_runtime *rt = cx_runtime(services, state);

    cx_set_time(rt, NOW);
    free(state);
    return rt;
}

static void call(struct cx_res *r, struct mk_runtime *rt, const char *path, const char *body)
{
    char auth[2048];
    const char *hdr[] = {auth, NULL};

    cx_bearer(rt, "ctr-nam", auth, sizeof(auth));
    cx_call(r, rt, "ctr-nam", "POST", path, hdr, NULL, body);
}

static int observe_count(struct mk_runtime *rt, const char *type, const char *value)
{
    struct cx_res r;
    char *body = cm_asprintf("[{\"type\":\"%s\",\"value\":\"%s\"}]", type, value);
    int n;

    call(&r, rt, "/iroh/iroh-enrich/observe/observables", body);
    cr_assert_eq(r.status, 200, "%s", cm_buf_str(&r.resp.body));
    n = (int)cm_json_num(cx_at(r.json, "data/0/data/sightings"), "count", 0);
    cx_res_release(&r);
    free(body);
    return n;
}

static int has_relation(const cJSON *s, const char *rel, const char *rtype, const char *rvalue)
{
    const cJSON *it;

    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(s, "relations"))
    {
        if (strcmp(cx_str(it, "relation"), rel) == 0 &&
            strcmp(cx_str(it, "related/type"), rtype) == 0 &&
            strcmp(cx_str(it, "related/value"), rvalue) == 0 && cx_str(it, "origin")[0] &&
            cx_str(it, "source/type")[0] && cx_str(it, "source/value")[0])
            return 1;
    }
    return 0;
}

Test(ctr_email, observe_returns_valid_ctim_sightings)
{
    static const char *const confidences[] = {"Info", "Low",     "Medium", "High",
                                              "None", "Unknown", NULL};
    struct mk_runtime *rt = esa_runtime("sse-nam,ctr-nam", "ctr-esa-module.json");
    struct cx_res r;
    const cJSON *s;
    int i, ok = 0;

    call(&r, rt, "/iroh/iroh-enrich/observe/observables",
         "[{\"type\":\"email_subject\",\"value\":\"test test\"}]");
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cx_str(r.json, "data/0/module"), "esa03");
    cr_assert_str_eq(cx_str(r.json, "data/0/module_instance_id"), CX_MODULE);
    cr_assert(cx_str(r.json, "data/0/module_type_id")[0]);
    cr_assert(cx_str(r.json, "data/0/module-type")[0]);
    cr_assert(cJSON_IsArray(cx_at(r.json, "errors")));
    /* MID 3 with the same subject is older than the 30-day timeframe */
    cr_assert_eq(cm_json_num(cx_at(r.json, "data/0/data/sightings"), "count", 0), 1);
    s = cx_at(r.json, "data/0/data/sightings/docs/0");
    cr_assert_str_eq(cx_str(s, "type"), "sighting");
    cr_assert(strncmp(cx_str(s, "id"), "transient:", 10) == 0);
    cr_assert(cx_str(s, "schema_version")[0]);
    cr_assert(cJSON_IsNumber(cx_at(s, "count")));
    for (i = 0; confidences[i]; i++)
        ok |= strcmp(cx_str(s, "confidence"), confidences[i]) == 0;
    cr_assert(ok, "confidence %s", cx_str(s, "confidence"));
    cr_assert_str_eq(cx_str(s, "confidence"), "High");
    cr_assert_str_eq(cx_str(s, "severity"), "Low");
    cr_assert_str_eq(cx_str(s, "observed_time/start_time"), "2020-05-14T13:23:57Z");
    cr_assert_str_eq(cx_str(s, "description"), "Incoming message (Delivered)");
    cr_assert_str_eq(cx_str(s, "observables/0/type"), "email_subject");
    cr_assert_str_eq(cx_str(s, "observables/0/value"), "test test");
    cr_assert(has_relation(s, "Sent_By", "email", "mgmt01@cisco.com"));
    cr_assert(has_relation(s, "Sent_To", "email", "testingBren@cisco.com"));
    cr_assert(has_relation(s, "Related_To", "email_subject", "test test"));
    cr_assert(has_relation(s, "Related_To", "cisco_mid", "8"));
    cr_assert(has_relation(s, "Sent_From", "ip", "10.10.1.15"));
    cr_assert_str_eq(cx_str(s, "targets/0/observables/0/value"), "testingBren@cisco.com");
    cr_assert_str_eq(cx_str(s, "targets/0/observed_time/start_time"), "2020-05-14T13:23:57Z");
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(ctr_email, every_observable_type_of_the_seed)
{
    struct mk_runtime *rt = esa_runtime("sse-nam,ctr-nam", "ctr-esa-module.json");

    cr_assert_eq(observe_count(rt, "ip", "4.2.2.2"), 1);
    cr_assert_eq(observe_count(rt, "domain", "cisco.com"), 4); /* MIDs 8, 9, 10, 11 */
    cr_assert_eq(observe_count(rt, "domain", "pay.invoices.example.net"), 1); /* a URL host */
    cr_assert_eq(observe_count(rt, "email", "noreply@invoices.example.net"), 1);
    cr_assert_eq(observe_count(rt, "email", "AP@cisco.com"), 2);
    cr_assert_eq(observe_count(rt, "email_subject", "Invoice Due"), 2);
    cr_assert_eq(observe_count(rt, "email_subject", "INVOICE DUE"), 2);
    cr_assert_eq(observe_count(rt, "cisco_mid", "8"), 1);
    cr_assert_eq(observe_count(rt, "cisco_mid", "8-4215ABCD"), 1);
    cr_assert_eq(observe_count(rt, "cisco_mid", "3"), 0); /* outside the timeframe */
    cr_assert_eq(observe_count(rt, "sha256",
                               "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"),
                 1);
    cr_assert_eq(observe_count(rt, "email_messageid", "123-abc-456@invoices.example.net"), 1);
    cr_assert_eq(observe_count(rt, "email_messageid", "<123-abc-456@invoices.example.net>"), 1);
    cr_assert_eq(observe_count(rt, "file_name", "invoice.pdf"), 1);
    cr_assert_eq(observe_count(rt, "url", "https://pay.invoices.example.net/login"), 1);
    cr_assert_eq(observe_count(rt, "hostname", "esa03"), 0);
    mk_runtime_free(rt);
}

Test(ctr_email, severity_and_direction)
{
    struct mk_runtime *rt = esa_runtime("sse-nam,ctr-nam", "ctr-esa-module.json");
    struct cx_res r;

    call(&r, rt, "/iroh/iroh-enrich/observe/observables",
         "[{\"type\":\"cisco_mid\",\"value\":\"10\"},{\"type\":\"cisco_mid\",\"value\":\"11\"}]");
    cr_assert_eq(cm_json_num(cx_at(r.json, "data/0/data/sightings"), "count", 0), 2);
    cr_assert_str_eq(cx_str(r.json, "data/0/data/sightings/docs/0/description"),
                     "Incoming message (Dropped By Anti-Virus)");
    cr_assert_str_eq(cx_str(r.json, "data/0/data/sightings/docs/0/severity"), "High");
    cr_assert_str_eq(cx_str(r.json, "data/0/data/sightings/docs/0/resolution"), "blocked");
    cr_assert_str_eq(cx_str(r.json, "data/0/data/sightings/docs/1/description"),
                     "Outgoing message (Delivered)");
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(ctr_email, timeframe_follows_the_virtual_clock_and_the_module)
{
    struct mk_runtime *rt = esa_runtime("sse-nam,ctr-nam", "ctr-esa-module.json");
    struct cm_err err = {{0}};
    cJSON *o;

    cr_assert_eq(observe_count(rt, "email_subject", "test test"), 1);
    o = cx_action(rt, "ctr-nam", "set-module",
                  "{\"module_id\":\"" CX_MODULE "\",\"timeframe_days\":90}", &err);
    cr_assert_not_null(o, "%s", err.msg);
    cJSON_Delete(o);
    cr_assert_eq(observe_count(rt, "email_subject", "test test"), 2);
    /* 91 days later even MID 8 is out of the window */
    cx_advance(rt, "91d");
    cr_assert_eq(observe_count(rt, "email_subject", "test test"), 0);
    /* before the message was sent it is not seen either */
    cx_set_time(rt, "2020-05-14T13:00:00Z");
    cr_assert_eq(observe_count(rt, "cisco_mid", "8"), 0);
    mk_runtime_free(rt);
}

static void expect_module_error(struct mk_runtime *rt, const char *needle)
{
    struct cx_res r;

    call(&r, rt, "/iroh/iroh-enrich/observe/observables",
         "[{\"type\":\"email_subject\",\"value\":\"test test\"}]");
    cr_assert_eq(r.status, 200);
    cr_assert_eq(cJSON_GetArraySize(cx_at(r.json, "data")), 0);
    cr_assert_str_eq(cx_str(r.json, "errors/0/code"), "device-unavailable");
    cr_assert_str_eq(cx_str(r.json, "errors/0/module"), "esa03");
    cr_assert(strstr(cx_str(r.json, "errors/0/message"), needle), "%s",
              cx_str(r.json, "errors/0/message"));
    cx_res_release(&r);
}

Test(ctr_email, troubleshooting_no_esa_data)
{
    struct mk_runtime *rt = esa_runtime("sse-nam,ctr-nam", "ctr-esa-module.json");
    struct mk_service *sse = mk_runtime_find(rt, "sse-nam");
    struct cm_err err = {{0}};
    cJSON *o, *st;
    char key[200];

    /* Threat Response turned off on the SSE Cloud Services tab */
    o = cx_action(rt, "sse-nam", "set-cloud-services", "{\"threat_response\":false}", &err);
    cJSON_Delete(o);
    expect_module_error(rt, "Cloud Services tab");
    o = cx_action(rt, "sse-nam", "set-cloud-services", "{\"threat_response\":true}", &err);
    cJSON_Delete(o);
    cr_assert_eq(observe_count(rt, "email_subject", "test test"), 1);
    /* Cisco XDR not enabled on the appliance */
    st = cx_dump(rt, "sse-nam");
    snprintf(key, sizeof(key), "accounts/%s/devices/%s/services", CX_ORG, CX_DEVICE);
    cJSON_ReplaceItemInObjectCaseSensitive((cJSON *)cx_at(st, key), "xdr", cJSON_CreateFalse());
    cr_assert_eq(sse->ops->load(sse, st, &err), 0, "%s", err.msg);
    cJSON_Delete(st);
    expect_module_error(rt, "Edit Global Settings");
    /* the device deleted from SSE */
    o = cx_action(rt, "sse-nam", "delete-device", "{\"device_id\":\"" CX_DEVICE "\"}", &err);
    cJSON_Delete(o);
    expect_module_error(rt, "register the appliance");
    mk_runtime_free(rt);
}

Test(ctr_email, troubleshooting_wrong_cloud)
{
    /* ctr-nam without an sse-nam: the device is registered in another region only */
    char *state = cx_state("sse-eu", "sse-registered.json", "ctr-nam", "ctr-esa-module.json", NULL);
    struct mk_runtime *rt = cx_runtime("sse-eu,ctr-nam", state);

    cx_set_time(rt, NOW);
    expect_module_error(rt, "no Security Services Exchange for region nam");
    free(state);
    mk_runtime_free(rt);
}

Test(ctr_email, observables_body_bad_inputs)
{
    static const struct {
        const char *body;
        const char *member;
    } bad[] = {
        {"", "body"},
        {"[{", "body"},
        {"{\"type\":\"ip\",\"value\":\"1.1.1.1\"}", "observables"},
        {"[{\"type\":\"ip\"}]", "observables[0]"},
        {"[1]", "observables[0]"},
        {"[{\"type\":\"ip\",\"value\":\"\"}]", "observables[0]"},
        {"[{\"type\":\"ip\",\"value\":7}]", "observables[0]"},
        {"[{\"type\":\"ip\",\"value\":\"1.1.1.1\"},{\"type\":\"colour\",\"value\":\"x\"}]",
         "observables[1]"},
    };
    static const char *const paths[] = {
        "/iroh/iroh-enrich/observe/observables", "/iroh/iroh-enrich/deliberate/observables",
        "/iroh/iroh-enrich/refer/observables", "/iroh/iroh-response/respond/observables", NULL};
    struct mk_runtime *rt = esa_runtime("sse-nam,ctr-nam", "ctr-esa-module.json");
    struct cm_buf many;
    struct cx_res r;
    size_t i, p;
    int k;

    for (p = 0; paths[p]; p++) {
        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            call(&r, rt, paths[p], bad[i].body);
            cr_assert_eq(r.status, 400, "%s %s -> %d", paths[p], bad[i].body, r.status);
            cr_assert(cx_str(cx_at(r.json, "errors"), bad[i].member)[0], "%s: %s", bad[i].body,
                      cm_buf_str(&r.resp.body));
            cx_res_release(&r);
        }
    }
    cm_buf_init(&many, 0);
    cm_buf_putc(&many, '[');
    for (k = 0; k < 1001; k++)
        cm_buf_printf(&many, "%s{\"type\":\"ip\",\"value\":\"10.0.%d.%d\"}", k ? "," : "", k / 256,
                      k % 256);
    cm_buf_putc(&many, ']');
    call(&r, rt, "/iroh/iroh-enrich/observe/observables", cm_buf_str(&many));
    cr_assert_eq(r.status, 400);
    cr_assert(strstr(cx_str(r.json, "errors/observables"), "1000"));
    cx_res_release(&r);
    cm_buf_release(&many);
    mk_runtime_free(rt);
}

Test(ctr_email, deliberate_refer_settings_health)
{
    struct mk_runtime *rt = esa_runtime("sse-nam,ctr-nam", "ctr-esa-module.json");
    char auth[2048];
    const char *hdr[] = {auth, NULL};
    struct cx_res r;

    call(&r, rt, "/iroh/iroh-enrich/deliberate/observables",
         "[{\"type\":\"ip\",\"value\":\"4.2.2.2\"}]");
    cr_assert_eq(r.status, 200);
    cr_assert_eq(cJSON_GetArraySize(cx_at(r.json, "data")), 0);
    cx_res_release(&r);
    call(&r, rt, "/iroh/iroh-enrich/refer/observables",
         "[{\"type\":\"email\",\"value\":\"a b@c.d\"},{\"type\":\"user\",\"value\":\"x\"}]");
    cr_assert_eq(r.status, 200);
    cr_assert_eq(cJSON_GetArraySize(cx_at(r.json, "data")), 1);
    cr_assert_str_eq(cx_str(r.json, "data/0/module"), "esa03");
    cr_assert_str_eq(cx_str(r.json, "data/0/url"),
                     "https://127.0.0.1/ng-tracking/search?envelopeSenderfilterValue=a%20b%40c.d");
    cx_res_release(&r);
    cx_bearer(rt, "ctr-nam", auth, sizeof(auth));
    cx_call(&r, rt, "ctr-nam", "GET", "/iroh/iroh-enrich/settings", hdr, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cx_str(r.json, "data/modules/0/module_instance_id"), CX_MODULE);
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/iroh-enrich/health", hdr, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cx_str(r.json, "data/0/data/status"), "ok");
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(ctr_email, matching_rules)
{
    const char *txt = "{\"mid\":42,\"sender\":\"A@Example.com\",\"recipients\":[\"b@corp.io\"],"
                      "\"subject\":\"Hello\",\"sender_ip\":\"2001:DB8::1\",\"message_id\":"
                      "\"<m1@example.com>\",\"attachments\":[{\"name\":\"x.doc\",\"sha256\":\"\"}],"
                      "\"urls\":[\"http://user@evil.example.net:8080/x\"]}";
    cJSON *m = cm_json_parse(txt, strlen(txt), "m", NULL);

    cr_assert(ctr_message_matches(m, "ipv6", "2001:db8::1"));
    cr_assert(ctr_message_matches(m, "email", "a@example.com"));
    cr_assert(ctr_message_matches(m, "domain", "EXAMPLE.com"));
    cr_assert(ctr_message_matches(m, "domain", "corp.io"));
    cr_assert(ctr_message_matches(m, "domain", "evil.example.net"));
    cr_assert(ctr_message_matches(m, "cisco_mid", "42"));
    cr_assert(ctr_message_matches(m, "cisco_mid", "42-SERIAL"));
    cr_assert_not(ctr_message_matches(m, "cisco_mid", "4"));
    cr_assert_not(ctr_message_matches(m, "cisco_mid", "-42"));
    cr_assert_not(ctr_message_matches(m, "cisco_mid", "42x"));
    cr_assert(ctr_message_matches(m, "email_messageid", "m1@example.com"));
    cr_assert_not(ctr_message_matches(m, "email_messageid", "<>"));
    cr_assert(ctr_message_matches(m, "file_name", "X.DOC"));
    cr_assert_not(ctr_message_matches(m, "sha256", ""));
    cr_assert_not(ctr_message_matches(m, "email_subject", "Hell"));
    cr_assert_not(ctr_message_matches(m, "md5", "x"));
    cJSON_Delete(m);
}

/* ---- remediation ---- */

static const char *trigger(struct cx_res *r, struct mk_runtime *rt, const char *module,
                           const char *action, const char *query)
{
    char auth[2048], path[256];
    const char *hdr[] = {auth, NULL};

    cx_bearer(rt, "ctr-nam", auth, sizeof(auth));
    snprintf(path, sizeof(path), "/iroh/iroh-response/respond/trigger/%s/%s", module, action);
    cx_call(r, rt, "ctr-nam", "POST", path, hdr, query, NULL);
    return r->verdict;
}

Test(ctr_email, respond_offers_the_three_actions_on_messages)
{
    struct mk_runtime *rt = esa_runtime("sse-nam,ctr-nam", "ctr-esa-module.json");
    struct cx_res r;

    call(&r, rt, "/iroh/iroh-response/respond/observables",
         "[{\"type\":\"cisco_mid\",\"value\":\"8\"},{\"type\":\"email\",\"value\":"
         "\"mgmt01@cisco.com\"},{\"type\":\"cisco_mid\",\"value\":\"999\"}]");
    cr_assert_eq(r.status, 200);
    cr_assert_eq(cJSON_GetArraySize(cx_at(r.json, "data")), 3);
    cr_assert_str_eq(cx_str(r.json, "data/0/title"), "Delete");
    cr_assert_str_eq(cx_str(r.json, "data/1/title"), "Forward");
    cr_assert_str_eq(cx_str(r.json, "data/2/title"), "Forward and Delete");
    cr_assert_str_eq(cx_str(r.json, "data/2/id"), "forward_delete");
    cr_assert_str_eq(cx_str(r.json, "data/0/module_instance_id"), CX_MODULE);
    cr_assert_str_eq(cx_str(r.json, "data/0/url"),
                     "/respond/trigger/" CX_MODULE
                     "/delete?observable_type=cisco_mid&observable_value=8");
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(ctr_email, respond_needs_a_profile_and_a_forward_address)
{
    struct mk_runtime *rt = esa_runtime("sse-nam,ctr-nam", "ctr-esa-module.json");
    struct cm_err err = {{0}};
    struct cx_res r;
    cJSON *o = cx_action(rt, "ctr-nam", "set-module",
                         "{\"module_id\":\"" CX_MODULE "\",\"forward_address\":\"\"}", &err);

    cr_assert_not_null(o, "%s", err.msg);
    cJSON_Delete(o);
    call(&r, rt, "/iroh/iroh-response/respond/observables",
         "[{\"type\":\"cisco_mid\",\"value\":\"8\"}]");
    cr_assert_eq(cJSON_GetArraySize(cx_at(r.json, "data")), 0);
    cx_res_release(&r);
    cr_assert_str_eq(trigger(&r, rt, CX_MODULE, "delete",
                             "observable_type=cisco_mid&"
                             "observable_value=8"),
                     "remediation_not_configured");
    cr_assert_str_eq(cx_str(r.json, "data/status"), "failure");
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(ctr_email, trigger_records_the_action_in_state)
{
    struct mk_runtime *rt = esa_runtime("sse-nam,ctr-nam", "ctr-esa-module.json");
    struct cx_res r;
    cJSON *st;
    char key[200];

    cr_assert_str_eq(
        trigger(&r, rt, CX_MODULE, "forward", "observable_type=cisco_mid&observable_value=8"),
        "remediated");
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cx_str(r.json, "data/status"), "success");
    cx_res_release(&r);
    cr_assert_str_eq(trigger(&r, rt, CX_MODULE, "forward_delete",
                             "observable_type=email_messageid&observable_value=<123-abc-456@"
                             "invoices.example.net>"),
                     "remediated");
    cx_res_release(&r);
    st = cx_dump(rt, "ctr-nam");
    snprintf(key, sizeof(key), "orgs/%s/remediations", CX_ORG);
    cr_assert_eq(cJSON_GetArraySize(cx_at(st, key)), 2);
    snprintf(key, sizeof(key), "orgs/%s/remediations/0", CX_ORG);
    cr_assert_str_eq(cx_str(cx_at(st, key), "action"), "Forward");
    cr_assert_str_eq(cx_str(cx_at(st, key), "forward_address"), "soc@cisco.com");
    cr_assert_eq(cJSON_GetArrayItem(cx_at(cx_at(st, key), "mids"), 0)->valuedouble, 8);
    snprintf(key, sizeof(key), "orgs/%s/remediations/1", CX_ORG);
    cr_assert_str_eq(cx_str(cx_at(st, key), "action"), "Forward and Delete");
    cr_assert(cJSON_IsTrue(cx_at(cx_at(st, key), "deleted")));
    snprintf(key, sizeof(key), "messages/%s/1/remediation/action", CX_DEVICE);
    cr_assert_str_eq(cx_str(st, key), "forward_delete");
    cJSON_Delete(st);
    /* a deleted message cannot be remediated again */
    cr_assert_str_eq(
        trigger(&r, rt, CX_MODULE, "delete", "observable_type=cisco_mid&observable_value=9"),
        "already_deleted");
    cr_assert_str_eq(cx_str(r.json, "errors/0/code"), "already-deleted");
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(ctr_email, trigger_refusals)
{
    static const struct {
        const char *module;
        const char *action;
        const char *query;
        int status;
        const char *verdict;
    } cases[] = {
        {"nope", "delete", "observable_type=cisco_mid&observable_value=8", 404, "not_found"},
        {CX_MODULE, "shred", "observable_type=cisco_mid&observable_value=8", 400,
         "invalid_request"},
        {CX_MODULE, "delete", "observable_value=8", 400, "invalid_request"},
        {CX_MODULE, "delete", "observable_type=cisco_mid", 400, "invalid_request"},
        {CX_MODULE, "delete", "observable_type=cisco_mid&observable_value=", 400,
         "invalid_request"},
        {CX_MODULE, "delete", "observable_type=email&observable_value=a@b.c", 400,
         "invalid_request"},
        {CX_MODULE, "delete", "observable_type=cisco_mid&observable_value=999", 200,
         "message_not_found"},
        {CX_MODULE, "delete", "observable_type=cisco_mid&observable_value=3", 200,
         "message_not_found"},
    };
    struct mk_runtime *rt = esa_runtime("sse-nam,ctr-nam", "ctr-esa-module.json");
    struct cx_res r;
    size_t i;
    cJSON *o;
    struct cm_err err = {{0}};

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        trigger(&r, rt, cases[i].module, cases[i].action, cases[i].query);
        cr_assert_eq(r.status, cases[i].status, "case %zu: %d", i, r.status);
        cr_assert_str_eq(r.verdict, cases[i].verdict, "case %zu", i);
        cx_res_release(&r);
    }
    {
        char auth[2048];
        const char *hdr[] = {auth, NULL};
        cx_bearer(rt, "ctr-nam", auth, sizeof(auth));
        cx_call(&r, rt, "ctr-nam", "POST", "/iroh/iroh-response/respond/trigger/" CX_MODULE, hdr,
                "observable_type=cisco_mid&observable_value=8", NULL);
        cr_assert_eq(r.status, 404);
        cx_res_release(&r);
    }
    o = cx_action(rt, "sse-nam", "set-cloud-services", "{\"threat_response\":false}", &err);
    cJSON_Delete(o);
    trigger(&r, rt, CX_MODULE, "delete", "observable_type=cisco_mid&observable_value=8");
    cr_assert_str_eq(r.verdict, "device_unavailable");
    cr_assert_str_eq(cx_str(r.json, "data/status"), "failure");
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(ctr_email, oversized_observables)
{
    struct mk_runtime *rt = esa_runtime("sse-nam,ctr-nam", "ctr-esa-module.json");
    char *big = cm_malloc(CTR_BODY_MAX + 2);
    struct cx_res r;

    memset(big, ' ', CTR_BODY_MAX + 1);
    big[CTR_BODY_MAX + 1] = '\0';
    big[0] = '[';
    call(&r, rt, "/iroh/iroh-enrich/observe/observables", big);
    cr_assert_eq(r.status, 413);
    cx_res_release(&r);
    call(&r, rt, "/iroh/iroh-response/respond/observables", big);
    cr_assert_eq(r.status, 413);
    cx_res_release(&r);
    call(&r, rt, "/iroh/iroh-int/module-instance", big);
    cr_assert_eq(r.status, 413);
    cx_res_release(&r);
    free(big);
    /* an over-long observable value */
    big = cm_malloc(4200);
    memcpy(big, "[{\"type\":\"email_subject\",\"value\":\"", 35);
    memset(big + 35, 'x', 3000);
    memcpy(big + 3035, "\"}]", 4);
    call(&r, rt, "/iroh/iroh-enrich/observe/observables", big);
    cr_assert_eq(r.status, 400);
    cx_res_release(&r);
    free(big);
    mk_runtime_free(rt);
}
