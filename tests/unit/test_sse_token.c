/*
 * test_sse_token.c: the SSE registration token rules: the expiry choices the
 * portal offers, token generation through the console action (format, device
 * count, refused arguments), expiry on the virtual clock at each offered
 * duration, a token's device count being used up, revocation, listing.
 */
#include "mock/sse/sse.h"
#include "test_sse_util.h"

static const char *const offered[] = {"1h", "2h", "4h", "6h", "8h", "12h",
                                      "1d", "2d", "3d", "4d", "5d", NULL};
static const int64_t offered_ms[] = {3600000LL,   7200000LL,   14400000LL, 21600000LL,
                                     28800000LL,  43200000LL,  86400000LL, 172800000LL,
                                     259200000LL, 345600000LL, 432000000LL};

static const char ACCOUNT[] = "{\"sse-nam\":{\"accounts\":{\"" CX_ORG "\":{\"name\":\"Acme\"}}}}";

Test(sse_token, expiry_accepts_each_offered_choice)
{
    char label[8];
    int64_t ms;
    int i;

    for (i = 0; offered[i]; i++) {
        cr_assert_eq(sse_expiry_parse(offered[i], &ms, label, sizeof(label)), 0, "%s", offered[i]);
        cr_assert_eq(ms, offered_ms[i]);
        cr_assert_str_eq(label, offered[i]);
    }
    /* the same duration written differently is the same choice */
    cr_assert_eq(sse_expiry_parse("24h", &ms, label, sizeof(label)), 0);
    cr_assert_str_eq(label, "1d");
    cr_assert_eq(sse_expiry_parse("60m", &ms, label, sizeof(label)), 0);
    cr_assert_str_eq(label, "1h");
}

Test(sse_token, expiry_refuses_other_values)
{
    static const char *const bad[] = {"3h",    "30m",     "6d",    "1w",  "0s",
                                      "",      "3600000", "1hour", "-1h", "99999999999999999999h",
                                      "12h1s", NULL};
    char label[8];
    int64_t ms;
    int i;

    for (i = 0; bad[i]; i++)
        cr_assert_eq(sse_expiry_parse(bad[i], &ms, label, sizeof(label)), CM_EINVAL, "%s", bad[i]);
    cr_assert_eq(sse_expiry_parse(NULL, &ms, label, sizeof(label)), CM_EINVAL);
}

Test(sse_token, generated_token_is_32_lowercase_hex_with_defaults)
{
    struct mk_runtime *rt = cx_runtime("sse-nam", ACCOUNT);
    struct cm_err err = {{0}};
    cJSON *t = cx_action(rt, "sse-nam", "generate-token", "{}", &err);

    cr_assert_not_null(t, "%s", err.msg);
    cr_assert(sse_is_lower_hex(cx_str(t, "token"), 32), "%s", cx_str(t, "token"));
    cr_assert_eq(cm_json_num(t, "devices", 0), 1);
    cr_assert_str_eq(cx_str(t, "expiry"), "1h"); /* [tn215556]: the default is 1 hour */
    cr_assert_str_eq(cx_str(t, "created"), CX_START);
    cr_assert_str_eq(cx_str(t, "expires"), "2026-03-02T10:00:00Z");
    cr_assert_str_eq(cx_str(t, "status"), "active");
    cr_assert_str_eq(cx_str(t, "org"), CX_ORG);
    cJSON_Delete(t);
    mk_runtime_free(rt);
}

Test(sse_token, generate_refuses_bad_arguments)
{
    static const char *const bad[] = {"{\"devices\":0}",
                                      "{\"devices\":101}",
                                      "{\"devices\":2.5}",
                                      "{\"devices\":\"3\"}",
                                      "{\"expiry\":\"3h\"}",
                                      "{\"expiry\":7200000}",
                                      "{\"token\":\"ABC\"}",
                                      "{\"token\":\"A389F98DF0E77C5411148E96E239E05D\"}",
                                      "{\"org\":\"nope\"}",
                                      "{\"org\":5}",
                                      NULL};
    struct mk_runtime *rt = cx_runtime("sse-nam", ACCOUNT);
    struct cm_err err = {{0}};
    cJSON *t;
    int i;

    for (i = 0; bad[i]; i++) {
        err.msg[0] = '\0';
        t = cx_action(rt, "sse-nam", "generate-token", bad[i], &err);
        cr_assert_null(t, "%s was accepted", bad[i]);
        cr_assert(err.msg[0], "%s: no message", bad[i]);
    }
    t = cx_action(rt, "sse-nam", "generate-token", "{\"devices\":100,\"expiry\":\"5d\"}", &err);
    cr_assert_not_null(t, "%s", err.msg);
    cJSON_Delete(t);
    t = cx_action(rt, "sse-nam", "generate-token", "{\"expiry\":\"3h\"}", &err);
    cr_assert(strstr(err.msg, "1h, 2h, 4h, 6h, 8h, 12h, 1d, 2d, 3d, 4d, 5d"), "%s", err.msg);
    mk_runtime_free(rt);
}

Test(sse_token, duplicate_token_refused_in_the_same_and_other_region)
{
    char *state = cm_asprintf("{\"sse-nam\":{\"accounts\":{\"o\":{}}},\"sse-eu\":{\"accounts\":{"
                              "\"o\":{}}}}");
    struct mk_runtime *rt = cx_runtime("sse-nam,sse-eu", state);
    struct cm_err err = {{0}};
    cJSON *t = cx_action(rt, "sse-nam", "generate-token", "{\"token\":\"" CX_TOKEN_A "\"}", &err);

    cr_assert_not_null(t, "%s", err.msg);
    cJSON_Delete(t);
    cr_assert_null(
        cx_action(rt, "sse-nam", "generate-token", "{\"token\":\"" CX_TOKEN_A "\"}", &err));
    cr_assert(strstr(err.msg, "already exists in this region"), "%s", err.msg);
    cr_assert_null(
        cx_action(rt, "sse-eu", "generate-token", "{\"token\":\"" CX_TOKEN_A "\"}", &err));
    cr_assert(strstr(err.msg, "already exists in region nam"), "%s", err.msg);
    free(state);
    mk_runtime_free(rt);
}

static const char *const JSON_HDR[] = {"Content-Type: application/json", NULL};

/* Submits a registration of serial with token; returns the registration id (static). */
static const char *submit(struct mk_runtime *rt, const char *svc, const char *token,
                          const char *serial, char *verdict, size_t vsize)
{
    static char id[64];
    struct cx_res r;
    char *body = cm_asprintf("{\"token\":\"%s\",\"device\":{\"name\":\"esa-%s\",\"type\":\"ESA\","
                             "\"version\":\"13.0.0-392\",\"serial\":\"%s\",\"ip\":\"10.0.0.5\","
                             "\"connector_version\":\"1.3.34\"}}",
                             token, serial, serial);

    cx_call(&r, rt, svc, "POST", "/v1/devices/register", JSON_HDR, NULL, body);
    cr_assert_eq(r.status, 202, "%d %s", r.status, cm_buf_str(&r.resp.body));
    cm_strlcpy(id, cx_str(r.json, "registration_id"), sizeof(id));
    cm_strlcpy(verdict, r.verdict, vsize);
    cx_res_release(&r);
    free(body);
    return id;
}

Test(sse_token, expires_at_each_offered_duration)
{
    int i;

    for (i = 0; offered[i]; i++) {
        struct mk_runtime *rt = cx_runtime("sse-nam", ACCOUNT);
        struct cm_err err = {{0}};
        char *args = cm_asprintf("{\"devices\":5,\"expiry\":\"%s\"}", offered[i]);
        cJSON *t = cx_action(rt, "sse-nam", "generate-token", args, &err);
        char verdict[48], tok[40];

        cr_assert_not_null(t, "%s", err.msg);
        cm_strlcpy(tok, cx_str(t, "token"), sizeof(tok));
        /* one millisecond before the expiry the token still registers a device */
        mk_clock_advance(mk_runtime_clock(rt), offered_ms[i] - 1);
        submit(rt, "sse-nam", tok, "S1", verdict, sizeof(verdict));
        cr_assert_str_eq(verdict, "registration_accepted", "%s", offered[i]);
        /* at the expiry it no longer does */
        mk_clock_advance(mk_runtime_clock(rt), 1);
        submit(rt, "sse-nam", tok, "S2", verdict, sizeof(verdict));
        cr_assert_str_eq(verdict, "registration_token_expired", "%s", offered[i]);
        cJSON_Delete(t);
        free(args);
        mk_runtime_free(rt);
    }
}

Test(sse_token, device_count_is_used_up)
{
    struct mk_runtime *rt = cx_runtime("sse-nam", ACCOUNT);
    struct cm_err err = {{0}};
    cJSON *t = cx_action(rt, "sse-nam", "generate-token",
                         "{\"devices\":2,\"expiry\":\"2h\",\"token\":\"" CX_TOKEN_A "\"}", &err),
          *list;
    char verdict[48];

    cr_assert_not_null(t, "%s", err.msg);
    submit(rt, "sse-nam", CX_TOKEN_A, "S1", verdict, sizeof(verdict));
    cr_assert_str_eq(verdict, "registration_accepted");
    submit(rt, "sse-nam", CX_TOKEN_A, "S2", verdict, sizeof(verdict));
    cr_assert_str_eq(verdict, "registration_accepted");
    submit(rt, "sse-nam", CX_TOKEN_A, "S3", verdict, sizeof(verdict));
    cr_assert_str_eq(verdict, "registration_token_used_up");
    list = cx_action(rt, "sse-nam", "list-tokens", "{}", &err);
    cr_assert_not_null(list, "%s", err.msg);
    cr_assert_eq(cm_json_num(cx_at(list, "tokens/0"), "used", -1), 2);
    cr_assert_eq(cm_json_num(cx_at(list, "tokens/0"), "remaining", -1), 0);
    cr_assert_str_eq(cx_str(list, "tokens/0/status"), "used_up");
    cJSON_Delete(list);
    cJSON_Delete(t);
    mk_runtime_free(rt);
}

Test(sse_token, a_failed_registration_consumes_nothing)
{
    struct mk_runtime *rt = cx_runtime("sse-nam", ACCOUNT);
    struct cm_err err = {{0}};
    cJSON *t = cx_action(rt, "sse-nam", "generate-token", "{\"token\":\"" CX_TOKEN_A "\"}", &err),
          *list;
    char verdict[48];

    cJSON_Delete(t);
    submit(rt, "sse-nam", CX_TOKEN_A, "S1", verdict, sizeof(verdict));
    cx_advance(rt, "20s");
    /* the same serial again: refused for the serial, the token keeps its count */
    submit(rt, "sse-nam", CX_TOKEN_A, "S1", verdict, sizeof(verdict));
    cr_assert_str_eq(verdict, "device_already_registered");
    list = cx_action(rt, "sse-nam", "list-tokens", "{}", &err);
    cr_assert_eq(cm_json_num(cx_at(list, "tokens/0"), "used", -1), 1);
    cJSON_Delete(list);
    mk_runtime_free(rt);
}

Test(sse_token, revoked_token_is_refused_and_listed)
{
    struct mk_runtime *rt = cx_runtime("sse-nam", ACCOUNT);
    struct cm_err err = {{0}};
    cJSON *t = cx_action(rt, "sse-nam", "generate-token", "{\"token\":\"" CX_TOKEN_A "\"}", &err);
    char verdict[48];

    cJSON_Delete(t);
    t = cx_action(rt, "sse-nam", "revoke-token", "{\"token\":\"" CX_TOKEN_A "\"}", &err);
    cr_assert_not_null(t, "%s", err.msg);
    cr_assert_str_eq(cx_str(t, "status"), "revoked");
    cJSON_Delete(t);
    submit(rt, "sse-nam", CX_TOKEN_A, "S1", verdict, sizeof(verdict));
    cr_assert_str_eq(verdict, "registration_token_revoked");
    cr_assert_null(cx_action(rt, "sse-nam", "revoke-token", "{\"token\":\"00\"}", &err));
    cr_assert_null(cx_action(rt, "sse-nam", "revoke-token", "{}", &err));
    mk_runtime_free(rt);
}

Test(sse_token, token_status_helpers)
{
    const char *txt = "{\"devices\":1,\"used\":0,\"revoked\":false,"
                      "\"expires\":\"2026-03-02T10:00:00Z\"}";
    cJSON *tok = cm_json_parse(txt, strlen(txt), "t", NULL);
    int64_t t0 = 0;

    cm_time_parse(CX_START, &t0);
    cr_assert_null(sse_token_refusal(tok, t0));
    cr_assert_str_eq(sse_token_status(tok, t0), "active");
    cr_assert_str_eq(sse_token_refusal(tok, t0 + 3600000), "registration_token_expired");
    cr_assert_str_eq(sse_token_status(tok, t0 + 3600000), "expired");
    cJSON_Delete(tok);
}
