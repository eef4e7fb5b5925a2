/*
 * test_ctr_auth.c: IROH's token endpoint and bearer checks: the vendor's
 * answer shape, 600 s of virtual validity, 401 on unknown, expired and
 * other-region tokens, bad credentials and grants, the per-org rate limit
 * (429 with X-Ratelimit-Org-Limit, a rolling window, configurable), scopes,
 * and the small encoders the endpoint uses.
 */
#include "mock/ctr/ctr.h"
#include "test_sse_util.h"

static const char *const FORM[] = {CX_BASIC, "Content-Type: application/x-www-form-urlencoded",
                                   NULL};

static struct mk_runtime *org_runtime(const char *services)
{
    char *state = cx_state("ctr-nam", "ctr-org.json", NULL);
    struct mk_runtime *rt = cx_runtime(services, state);

    free(state);
    return rt;
}

static int whoami(struct mk_runtime *rt, const char *svc, const char *auth, char *verdict)
{
    const char *hdr[] = {auth, NULL};
    struct cx_res r;
    int status;

    cx_call(&r, rt, svc, "GET", "/iroh/profile/whoami", hdr, NULL, NULL);
    status = r.status;
    if (verdict)
        cm_strlcpy(verdict, r.verdict, 48);
    cx_res_release(&r);
    return status;
}

Test(ctr_auth, token_answer_has_the_vendor_shape)
{
    struct mk_runtime *rt = org_runtime("ctr-nam");
    struct cx_res r;
    const char *tok;

    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/oauth2/token", FORM, NULL,
            "grant_type=client_credentials");
    cr_assert_eq(r.status, 200);
    tok = cx_str(r.json, "access_token");
    cr_assert(strncmp(tok, "eyJ", 3) == 0, "%s", tok);
    cr_assert_eq(strchr(strchr(tok, '.') + 1, '.') != NULL, 1, "three JWT segments");
    cr_assert_str_eq(cx_str(r.json, "token_type"), "bearer");
    cr_assert_eq(cm_json_num(r.json, "expires_in", 0), 600);
    cr_assert(strstr(cx_str(r.json, "scope"), "enrich:read"));
    cr_assert(strstr(cx_str(r.json, "scope"), "inspect:read"));
    cr_assert_str_eq(r.verdict, "token_issued");
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(ctr_auth, token_valid_600_seconds_of_virtual_time)
{
    struct mk_runtime *rt = org_runtime("ctr-nam");
    char auth[2048], v[48];

    cx_bearer(rt, "ctr-nam", auth, sizeof(auth));
    cr_assert_eq(whoami(rt, "ctr-nam", auth, NULL), 200);
    cx_advance(rt, "599999ms");
    cr_assert_eq(whoami(rt, "ctr-nam", auth, NULL), 200);
    cx_advance(rt, "1ms");
    cr_assert_eq(whoami(rt, "ctr-nam", auth, v), 401);
    cr_assert_str_eq(v, "token_expired");
    /* a new token works again, as [tr05]'s one-time retry expects */
    cx_bearer(rt, "ctr-nam", auth, sizeof(auth));
    cr_assert_eq(whoami(rt, "ctr-nam", auth, NULL), 200);
    mk_runtime_free(rt);
}

Test(ctr_auth, token_ttl_is_configurable)
{
    struct mk_runtime *rt = org_runtime("ctr-nam");
    struct mk_service *svc = mk_runtime_find(rt, "ctr-nam");
    struct cm_err err = {{0}};
    cJSON *st = cx_dump(rt, "ctr-nam");
    struct cx_res r;

    cJSON_ReplaceItemInObjectCaseSensitive(st, "token_ttl", cJSON_CreateString("2m"));
    cr_assert_eq(svc->ops->load(svc, st, &err), 0, "%s", err.msg);
    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/oauth2/token", FORM, NULL,
            "grant_type=client_credentials");
    cr_assert_eq(cm_json_num(r.json, "expires_in", 0), 120);
    cx_res_release(&r);
    cJSON_Delete(st);
    mk_runtime_free(rt);
}

Test(ctr_auth, unknown_and_malformed_bearers_are_401)
{
    struct mk_runtime *rt = org_runtime("ctr-nam,ctr-eu");
    char auth[2048], v[48];
    struct cx_res r;
    const char *hdr[] = {"Authorization: Bearer nope", NULL};

    cr_assert_eq(whoami(rt, "ctr-nam", "Authorization: Bearer nope", v), 401);
    cr_assert_str_eq(v, "invalid_token");
    cr_assert_eq(whoami(rt, "ctr-nam", "Authorization: Bearer ", v), 401);
    cr_assert_str_eq(v, "missing_token");
    cr_assert_eq(whoami(rt, "ctr-nam", "Authorization: Basic abc", v), 401);
    cr_assert_eq(whoami(rt, "ctr-nam", "X-Other: 1", v), 401);
    cx_call(&r, rt, "ctr-nam", "GET", "/iroh/profile/whoami", hdr, NULL, NULL);
    cr_assert_str_eq(cx_str(r.json, "error"), "invalid_token");
    cr_assert(cx_str(r.json, "error_description")[0]);
    cr_assert(strstr(cx_header(&r, "WWW-Authenticate"), "invalid_token"));
    cx_res_release(&r);
    /* a NAM token is unknown to the EU region */
    cx_bearer(rt, "ctr-nam", auth, sizeof(auth));
    cr_assert_eq(whoami(rt, "ctr-eu", auth, v), 401);
    cr_assert_str_eq(v, "invalid_token");
    mk_runtime_free(rt);
}

Test(ctr_auth, bad_credentials_and_grants)
{
    static const struct {
        const char *auth;
        const char *body;
        int status;
        const char *error;
    } cases[] = {
        {"Authorization: Basic "
         "Y2xpZW50LTBiN2M2ZTdhLTNmNTItNGQxZS05YThiLTJjNGQ2ZThmMGExYjp3cm9uZw==",
         "grant_type=client_credentials", 401, "invalid_client"}, /* wrong password */
        {"Authorization: Basic dW5rbm93bjp4", "grant_type=client_credentials", 401,
         "invalid_client"}, /* unknown:x */
        {"Authorization: Basic !!!!", "grant_type=client_credentials", 401, "invalid_client"},
        {"Authorization: Basic bm9jb2xvbg==", "grant_type=client_credentials", 401,
         "invalid_client"},                                                    /* nocolon */
        {"X-None: 1", "grant_type=client_credentials", 401, "invalid_client"}, /* none */
        {CX_BASIC, "", 400, "invalid_request"},
        {CX_BASIC, "grant_type=password", 400, "unsupported_grant_type"},
        {CX_BASIC, "{\"grant_type\":\"authorization_code\"}", 400, "unsupported_grant_type"},
    };
    struct mk_runtime *rt = org_runtime("ctr-nam");
    struct cx_res r;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *hdr[] = {cases[i].auth, NULL};
        cx_call(&r, rt, "ctr-nam", "POST", "/iroh/oauth2/token", hdr, NULL, cases[i].body);
        cr_assert_eq(r.status, cases[i].status, "case %zu: %d %s", i, r.status,
                     cm_buf_str(&r.resp.body));
        cr_assert_str_eq(cx_str(r.json, "error"), cases[i].error, "case %zu", i);
        cx_res_release(&r);
    }
    cx_call(&r, rt, "ctr-nam", "GET", "/iroh/oauth2/token", FORM, NULL, NULL);
    cr_assert_eq(r.status, 405);
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(ctr_auth, lenient_token_requests)
{
    struct mk_runtime *rt = org_runtime("ctr-nam");
    const char *none[] = {NULL};
    struct cx_res r;

    /* credentials in the form body, a JSON body, percent-encoding */
    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/oauth2/token", none, NULL,
            "grant_type=client_credentials&client_id=" CX_CLIENT "&client_secret=" CX_SECRET);
    cr_assert_eq(r.status, 200, "%s", cm_buf_str(&r.resp.body));
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/oauth2/token", FORM, NULL,
            "{\"grant_type\":\"client_credentials\"}");
    cr_assert_eq(r.status, 200);
    cx_res_release(&r);
    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/oauth2/token", FORM, NULL,
            "x=1&grant_type=client%5Fcredentials");
    cr_assert_eq(r.status, 200);
    cx_res_release(&r);
    mk_runtime_free(rt);
}

static void set_rate(struct mk_runtime *rt, const char *rate)
{
    struct mk_service *svc = mk_runtime_find(rt, "ctr-nam");
    struct cm_err err = {{0}};
    cJSON *st = cx_dump(rt, "ctr-nam"), *rl = cm_json_parse(rate, strlen(rate), "rate", NULL);

    cJSON_ReplaceItemInObjectCaseSensitive(st, "rate_limit", rl);
    cr_assert_eq(svc->ops->load(svc, st, &err), 0, "%s", err.msg);
    cJSON_Delete(st);
}

Test(ctr_auth, rate_limit_per_org_in_a_rolling_window)
{
    struct mk_runtime *rt = org_runtime("ctr-nam");
    char auth[2048], v[48];
    const char *hdr[] = {auth, NULL};
    struct cx_res r;
    int i;

    set_rate(rt, "{\"limit\":3,\"window\":\"1h\"}");
    cx_bearer(rt, "ctr-nam", auth, sizeof(auth));
    cr_assert_eq(whoami(rt, "ctr-nam", auth, NULL), 200); /* t = 0 */
    cx_advance(rt, "30m");
    cx_bearer(rt, "ctr-nam", auth, sizeof(auth));         /* tokens last 10 minutes */
    cr_assert_eq(whoami(rt, "ctr-nam", auth, NULL), 200); /* t = 30m */
    cr_assert_eq(whoami(rt, "ctr-nam", auth, NULL), 200);
    cx_call(&r, rt, "ctr-nam", "GET", "/iroh/profile/whoami", hdr, NULL, NULL);
    cr_assert_eq(r.status, 429);
    cr_assert_str_eq(r.verdict, "rate_limited");
    cr_assert_str_eq(cx_header(&r, "X-Ratelimit-Org-Limit"), "3");
    cr_assert_null(cx_header(&r, "Retry-After"));
    cr_assert_str_eq(cx_str(r.json, "error"), "too_many_requests");
    cx_res_release(&r);
    /* refused requests do not count; the first one leaves the window at t = 60m */
    for (i = 0; i < 5; i++)
        cr_assert_eq(whoami(rt, "ctr-nam", auth, v), 429);
    cx_advance(rt, "30m");
    cr_assert_eq(whoami(rt, "ctr-nam", auth, NULL), 401); /* the token expired meanwhile */
    cx_bearer(rt, "ctr-nam", auth, sizeof(auth));         /* the token call does not count */
    cx_call(&r, rt, "ctr-nam", "GET", "/iroh/profile/whoami", hdr, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cx_header(&r, "X-Ratelimit-Org-Limit"), "3");
    cx_res_release(&r);
    cr_assert_eq(whoami(rt, "ctr-nam", auth, NULL), 429);
    mk_runtime_free(rt);
}

Test(ctr_auth, rate_limit_default_and_retry_after_option)
{
    struct mk_runtime *rt = org_runtime("ctr-nam");
    char auth[2048];
    const char *hdr[] = {auth, NULL};
    struct cx_res r;
    cJSON *st = cx_dump(rt, "ctr-nam");

    cr_assert_eq(cm_json_num(cx_at(st, "rate_limit"), "limit", 0), 8000);
    cr_assert_str_eq(cx_str(st, "rate_limit/window"), "1h");
    cJSON_Delete(st);
    set_rate(rt, "{\"limit\":1,\"window\":\"10m\",\"retry_after\":true}");
    cx_bearer(rt, "ctr-nam", auth, sizeof(auth));
    cr_assert_eq(whoami(rt, "ctr-nam", auth, NULL), 200);
    cx_advance(rt, "4m");
    cx_call(&r, rt, "ctr-nam", "GET", "/iroh/profile/whoami", hdr, NULL, NULL);
    cr_assert_eq(r.status, 429);
    cr_assert_str_eq(cx_header(&r, "Retry-After"), "360");
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(ctr_auth, missing_scope_is_403)
{
    struct mk_runtime *rt = org_runtime("ctr-nam");
    struct cm_err err = {{0}};
    cJSON *c = cx_action(rt, "ctr-nam", "create-client",
                         "{\"client_id\":\"client-narrow\",\"secret\":\"s3cret\",\"scopes\":"
                         "[\"inspect:read\"]}",
                         &err);
    const char *hdr[] = {"Authorization: Basic Y2xpZW50LW5hcnJvdzpzM2NyZXQ=", NULL};
    char auth[2048], v[48];
    struct cx_res r;

    cr_assert_not_null(c, "%s", err.msg);
    cJSON_Delete(c);
    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/oauth2/token", hdr, NULL,
            "grant_type=client_credentials");
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cx_str(r.json, "scope"), "inspect:read");
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", cx_str(r.json, "access_token"));
    cx_res_release(&r);
    cr_assert_eq(whoami(rt, "ctr-nam", auth, v), 403);
    cr_assert_str_eq(v, "insufficient_scope");
    cr_assert_null(cx_action(rt, "ctr-nam", "create-client", "{\"scopes\":[\"root\"]}", &err));
    cr_assert_null(cx_action(rt, "ctr-nam", "create-client", "{\"client_id\":\"a:b\"}", &err));
    mk_runtime_free(rt);
}

Test(ctr_auth, whoami_names_the_org_and_user)
{
    struct mk_runtime *rt = org_runtime("ctr-nam");
    char auth[2048];
    const char *hdr[] = {auth, NULL};
    struct cx_res r;

    cx_bearer(rt, "ctr-nam", auth, sizeof(auth));
    cx_call(&r, rt, "ctr-nam", "GET", "/iroh/profile/whoami", hdr, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cx_str(r.json, "org/id"), CX_ORG);
    cr_assert_str_eq(cx_str(r.json, "org/name"), "Sourcefire Support");
    cr_assert_str_eq(cx_str(r.json, "user/user-name"), "Brenda Marquez");
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(ctr_auth, encoders)
{
    char out[64], *s;

    cr_assert_eq(ctr_b64_decode("YTpi", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "a:b");
    cr_assert_eq(ctr_b64_decode("YWJjZA==", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "abcd");
    cr_assert_eq(ctr_b64_decode("YW*j", out, sizeof(out)), -1);
    cr_assert_eq(ctr_b64_decode("YQ==x", out, sizeof(out)), -1);
    cr_assert_eq(ctr_b64_decode("AA==", out, sizeof(out)), -1); /* a NUL inside */
    cr_assert_eq(ctr_b64_decode("YWJjZGVmZ2hpams=", out, 4), -1);
    s = ctr_b64url("\xfb\xff", 2);
    cr_assert_str_eq(s, "-_8");
    free(s);
    cr_assert_eq(ctr_form_get("a=1&b=x+y%21&c", 14, "b", out, sizeof(out)), 1);
    cr_assert_str_eq(out, "x y!");
    cr_assert_eq(ctr_form_get("a=1&b=2", 7, "c", out, sizeof(out)), 0);
    cr_assert_eq(ctr_form_get("a=%zz", 5, "a", out, sizeof(out)), 1);
    cr_assert_str_eq(out, "%zz");
}

Test(ctr_auth, state_refuses_bad_documents)
{
    static const char *const bad[] = {
        "{\"token_ttl\":\"soon\"}",
        "{\"rate_limit\":{\"limit\":0}}",
        "{\"rate_limit\":{\"limit\":10,\"burst\":1}}",
        "{\"orgs\":{\"o\":{\"clients\":{\"c\":{}}}}}",
        "{\"orgs\":{\"o\":{\"clients\":{\"c\":{\"secret\":\"s\",\"scopes\":[\"root\"]}}}}}",
        "{\"orgs\":{\"o\":{\"modules\":{\"m\":{\"type\":\"amp\",\"name\":\"n\",\"device_id\":\"d\"}"
        "}}}}",
        "{\"orgs\":{\"o\":{\"modules\":{\"m\":{\"name\":\"n\",\"device_id\":\"d\","
        "\"timeframe_days\":0}}}}}",
        "{\"orgs\":{\"o\":{\"modules\":{\"m\":{\"name\":\"n\",\"device_id\":\"d\","
        "\"forward_address\":\"nobody\"}}}}}",
        "{\"tokens\":{\"t\":{\"org\":\"o\"}}}",
        "{\"usage\":{\"o\":[[1]]}}",
        "{\"messages\":{\"d\":[{\"mid\":1,\"sender\":\"a@b.c\",\"recipients\":[],"
        "\"time\":\"2020-01-01T00:00:00Z\"}]}}",
        "{\"messages\":{\"d\":[{\"mid\":1,\"sender\":\"a@b.c\",\"recipients\":[\"x@y.z\"],"
        "\"time\":\"yesterday\"}]}}",
        "{\"messages\":{\"d\":[{\"mid\":-1,\"sender\":\"a@b.c\",\"recipients\":[\"x@y.z\"],"
        "\"time\":\"2020-01-01T00:00:00Z\"}]}}",
        "{\"messages\":{\"d\":[{\"mid\":1,\"sender\":\"a@b.c\",\"recipients\":[\"x@y.z\"],"
        "\"time\":\"2020-01-01T00:00:00Z\",\"direction\":\"sideways\"}]}}",
        "{\"messages\":{\"d\":[{\"mid\":1,\"sender\":\"a@b.c\",\"recipients\":[\"x@y.z\"],"
        "\"time\":\"2020-01-01T00:00:00Z\",\"attachments\":[{\"name\":\"a\",\"sha256\":\"xyz\"}]}]}"
        "}",
        "{\"messages\":{\"d\":[{\"mid\":1,\"sender\":\"a@b.c\",\"recipients\":[\"x@y.z\"],"
        "\"time\":\"2020-01-01T00:00:00Z\",\"sender_ip\":\"300.1.1.1\"}]}}",
        "{\"colour\":1}",
        NULL};
    struct mk_runtime *rt = org_runtime("ctr-nam");
    struct mk_service *svc = mk_runtime_find(rt, "ctr-nam");
    struct cm_err err = {{0}};
    cJSON *d1 = cx_dump(rt, "ctr-nam"), *d2;
    int i;

    for (i = 0; bad[i]; i++) {
        cJSON *b = cm_json_parse(bad[i], strlen(bad[i]), "bad", NULL);
        cr_assert_not_null(b, "test data %d", i);
        err.msg[0] = '\0';
        cr_assert_neq(svc->ops->load(svc, b, &err), 0, "%s was accepted", bad[i]);
        cr_assert(err.msg[0]);
        cJSON_Delete(b);
    }
    /* the failed loads changed nothing; dump -> load -> dump is stable */
    d2 = cx_dump(rt, "ctr-nam");
    cr_assert(cJSON_Compare(d1, d2, 1));
    cr_assert_eq(svc->ops->load(svc, d2, &err), 0, "%s", err.msg);
    cJSON_Delete(d2);
    d2 = cx_dump(rt, "ctr-nam");
    cr_assert(cJSON_Compare(d1, d2, 1));
    cJSON_Delete(d1);
    cJSON_Delete(d2);
    mk_runtime_free(rt);
}

Test(ctr_auth, oversized_token_request)
{
    struct mk_runtime *rt = org_runtime("ctr-nam");
    char *big = cm_malloc(CTR_BODY_MAX + 2);
    struct cx_res r;

    memset(big, 'a', CTR_BODY_MAX + 1);
    big[CTR_BODY_MAX + 1] = '\0';
    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/oauth2/token", FORM, NULL, big);
    cr_assert_eq(r.status, 413);
    cr_assert_str_eq(cx_str(r.json, "error"), "body_too_large");
    cx_res_release(&r);
    free(big);
    mk_runtime_free(rt);
}
