/*
 * test_ctr_inspect.c: observable extraction for /iroh/iroh-inspect/inspect:
 * the investigation syntaxes of the seeds (type:"value", type:'value', bare
 * IPs, hashes, addresses, domains), malformed queries, and the handler's
 * bad inputs.
 */
#include "mock/ctr/ctr.h"
#include "test_sse_util.h"

/* "type=value;type=value" of the extraction, for compact assertions. */
static char *inspect(const char *text)
{
    cJSON *arr = ctr_inspect_text(text, strlen(text)), *it;
    struct cm_buf b;

    cm_buf_init(&b, 0);
    cJSON_ArrayForEach(it, arr) cm_buf_printf(
        &b, "%s%s=%s", b.len ? ";" : "", cm_json_str(it, "type", ""), cm_json_str(it, "value", ""));
    cJSON_Delete(arr);
    return cm_buf_steal(&b, NULL);
}

static void expect(const char *text, const char *want)
{
    char *got = inspect(text);

    cr_assert_str_eq(got, want, "inspect(%s)", text);
    free(got);
}

Test(ctr_inspect, the_seed_syntax_table)
{
    /* [tn215556] Verification: the observables table and the screenshot's query */
    expect("ip:\"4.2.2.2\"", "ip=4.2.2.2");
    expect("domain:\"cisco.com\"", "domain=cisco.com");
    expect("email:\"noreply@cisco.com\"", "email=noreply@cisco.com");
    expect("email_messageid:\"123-abc-456@cisco.com\"", "email_messageid=123-abc-456@cisco.com");
    expect("email_subject:\"Invoice Due\"", "email_subject=Invoice Due");
    expect("cisco_mid:\"12345\"", "cisco_mid=12345");
    expect("sha256:\"8A9F3C2E7B1D4F6A0C5E9B2D7F1A3C6E8B0D2F4A6C8E0B2D4F6A8C0E2B4D6F8A\"",
           "sha256=8a9f3c2e7b1d4f6a0c5e9b2d7f1a3c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a");
    expect("file_name:\"invoice.pdf\"", "file_name=invoice.pdf");
    expect("email_subject:'test test'", "email_subject=test test");
}

Test(ctr_inspect, bare_values_in_free_text)
{
    expect("1.1.1.1", "ip=1.1.1.1"); /* [tr05] functional test */
    expect("cisco.com", "domain=cisco.com");
    expect("Mail from noreply@cisco.com via 4.2.2.2, see https://x.example.com/a?b=1.",
           "email=noreply@cisco.com;ip=4.2.2.2;url=https://x.example.com/a?b=1");
    expect("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect("da39a3ee5e6b4b0d3255bfef95601890afd80709",
           "sha1=da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect("D41D8CD98F00B204E9800998ECF8427E", "md5=d41d8cd98f00b204e9800998ecf8427e");
    expect("2001:db8::1", "ipv6=2001:db8::1");
    expect("<noreply@cisco.com>", "email=noreply@cisco.com");
    expect("WWW.Cisco.COM", "domain=www.cisco.com");
}

Test(ctr_inspect, mixed_duplicates_and_order)
{
    expect("email_subject:\"test test\" 4.2.2.2 ip:\"4.2.2.2\" cisco_mid:8 cisco_mid:\"8\"",
           "email_subject=test test;ip=4.2.2.2;cisco_mid=8");
    expect("IP:\"10.0.0.1\" Domain:'Example.ORG'", "ip=10.0.0.1;domain=example.org");
    expect("email_subject:\"say \\\"hi\\\"\"", "email_subject=say \"hi\"");
    expect("cisco_mid:\"8-4215ABCD\"", "cisco_mid=8-4215ABCD");
    expect("ip:\"2001:db8::2\"", "ipv6=2001:db8::2");
}

Test(ctr_inspect, malformed_queries)
{
    /* nothing to find */
    expect("", "");
    expect("   \t\n ", "");
    expect("hello world", "");
    expect("invoice.pdf report.docx", ""); /* file names are not domains */
    expect("1.2.3", "");
    expect("999.1.1.1", "");
    /* typed values that are not valid for their type are dropped */
    expect("ip:\"not-an-ip\"", "");
    expect("sha256:\"abc\"", "");
    expect("md5:\"zz1d8cd98f00b204e9800998ecf8427e\"", "");
    expect("email:\"no-at-sign\"", "");
    expect("cisco_mid:\"abc\"", "");
    expect("cisco_mid:\"8-\"", "");
    expect("email_subject:\"\"", "");
    /* an unterminated quote: the typed term is dropped, the rest is free text */
    expect("email_subject:\"test test", "");
    expect("ip:\"4.2.2.2", "ip=4.2.2.2");
    /* an unknown type is free text */
    expect("colour:\"cisco.com\"", "domain=cisco.com");
    expect("foo:bar", "");
    /* a colon at the very end and a lone quote */
    expect("ip:", "");
    expect("\"", "");
    expect("'", "");
    /* NUL bytes inside the content do not end the scan */
    {
        static const char nul[] = "x\0 1.1.1.1";
        cJSON *arr = ctr_inspect_text(nul, sizeof(nul) - 1);
        cr_assert_eq(cJSON_GetArraySize(arr), 1);
        cJSON_Delete(arr);
    }
}

Test(ctr_inspect, at_most_1000_observables)
{
    struct cm_buf b;
    cJSON *arr;
    int i;

    cm_buf_init(&b, 0);
    for (i = 0; i < 1500; i++)
        cm_buf_printf(&b, "10.%d.%d.1 ", i / 256, i % 256);
    arr = ctr_inspect_text(cm_buf_str(&b), b.len);
    cr_assert_eq(cJSON_GetArraySize(arr), CTR_MAX_OBSERVABLES);
    cJSON_Delete(arr);
    cm_buf_release(&b);
}

Test(ctr_inspect, vocabulary)
{
    cr_assert(ctr_observable_type_known("cisco_mid"));
    cr_assert(ctr_observable_type_known("email_messageid"));
    cr_assert(ctr_observable_type_known("sha256"));
    cr_assert_not(ctr_observable_type_known("colour"));
    cr_assert_not(ctr_observable_type_known("IP"));
}

/* The handler, with a token obtained through the token endpoint. */
static struct mk_runtime *runtime_with_token(char *auth, size_t size)
{
    char *state = cx_state("ctr-nam", "ctr-org.json", NULL);
    struct mk_runtime *rt = cx_runtime("ctr-nam", state);

    cx_bearer(rt, "ctr-nam", auth, size);
    free(state);
    return rt;
}

Test(ctr_inspect, handler_answers_a_bare_array)
{
    char auth[2048];
    struct mk_runtime *rt = runtime_with_token(auth, sizeof(auth));
    const char *hdr[] = {auth, NULL};
    struct cx_res r;

    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/iroh-inspect/inspect", hdr, NULL,
            "{\"content\":\"email_subject:'test test'\"}");
    cr_assert_eq(r.status, 200);
    cr_assert(cJSON_IsArray(r.json));
    cr_assert_str_eq(cx_str(r.json, "0/type"), "email_subject");
    cr_assert_str_eq(cx_str(r.json, "0/value"), "test test");
    cx_res_release(&r);
    mk_runtime_free(rt);
}

Test(ctr_inspect, handler_bad_inputs)
{
    static const struct {
        const char *body;
        const char *member;
    } bad[] = {
        {"", "body"},           {"{\"content\":", "body"},       {"{}", "content"},
        {"[\"x\"]", "content"}, {"{\"content\":42}", "content"}, {"{\"content\":null}", "content"},
    };
    char auth[2048], *big;
    struct mk_runtime *rt = runtime_with_token(auth, sizeof(auth));
    const char *hdr[] = {auth, NULL};
    struct cx_res r;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cx_call(&r, rt, "ctr-nam", "POST", "/iroh/iroh-inspect/inspect", hdr, NULL, bad[i].body);
        cr_assert_eq(r.status, 400, "%s -> %d", bad[i].body, r.status);
        cr_assert_not_null(cx_at(r.json, "errors"), "%s", cm_buf_str(&r.resp.body));
        cr_assert(cx_str(cx_at(r.json, "errors"), bad[i].member)[0], "%s",
                  cm_buf_str(&r.resp.body));
        cr_assert_str_eq(r.verdict, "invalid_request");
        cx_res_release(&r);
    }
    /* content over 64 KiB */
    big = cm_malloc(CTR_INSPECT_MAX + 32);
    memcpy(big, "{\"content\":\"", 12);
    memset(big + 12, 'a', CTR_INSPECT_MAX + 1);
    memcpy(big + 12 + CTR_INSPECT_MAX + 1, "\"}", 3);
    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/iroh-inspect/inspect", hdr, NULL, big);
    cr_assert_eq(r.status, 400);
    cx_res_release(&r);
    free(big);
    /* a body over 1 MiB */
    big = cm_malloc(CTR_BODY_MAX + 2);
    memset(big, ' ', CTR_BODY_MAX + 1);
    big[CTR_BODY_MAX + 1] = '\0';
    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/iroh-inspect/inspect", hdr, NULL, big);
    cr_assert_eq(r.status, 413);
    cx_res_release(&r);
    free(big);
    /* no token */
    cx_call(&r, rt, "ctr-nam", "POST", "/iroh/iroh-inspect/inspect", NULL, NULL,
            "{\"content\":\"1.1.1.1\"}");
    cr_assert_eq(r.status, 401);
    cx_res_release(&r);
    mk_runtime_free(rt);
}
