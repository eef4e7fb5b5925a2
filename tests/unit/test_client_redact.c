/*
 * test_client_redact.c: secrets never reach the verbose log: headers, URLs,
 * JSON bodies at any depth, form and Python-repr bodies; and what is not
 * secret comes through unchanged.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "client/redact.h"

static char result[4096];

static int redact_body(const char *text, struct cm_buf *b)
{
    return rc_redact_body(text, strlen(text), b);
}

/* Runs one redactor on in and returns its output (valid until the next call). */
static const char *redact(int (*fn)(const char *, struct cm_buf *), const char *in)
{
    struct cm_buf b;

    cm_buf_init(&b, 0);
    cr_assert_eq(fn(in, &b), 0);
    snprintf(result, sizeof(result), "%s", cm_buf_str(&b));
    cm_buf_release(&b);
    return result;
}

#define header(line) redact(rc_redact_header_line, line)
#define url(u)       redact(rc_redact_url, u)
#define body(text)   redact(redact_body, text)

Test(client_redact, authorization_keeps_its_scheme_only)
{
    cr_assert_str_eq(header("Authorization: Bearer eyJhbGciOi.abc.def"),
                     "Authorization: Bearer ***");
    cr_assert_str_eq(header("authorization: MC mYaCcEsSkEy:c2lnbmF0dXJl"), "authorization: MC ***");
    cr_assert_str_eq(header("Authorization: Basic-Cloud dXNlcjpwYXNz"),
                     "Authorization: Basic-Cloud ***");
    cr_assert_str_eq(header("Authorization: opaque"), "Authorization: ***");
    cr_assert_str_eq(header("Proxy-Authorization: Basic Zm9vOmJhcg=="),
                     "Proxy-Authorization: Basic ***");
}

Test(client_redact, token_and_cookie_headers_are_replaced_whole)
{
    cr_assert_str_eq(header("X-Secmock-Token: admin-secret"), "X-Secmock-Token: ***");
    cr_assert_str_eq(header("Netskope-Api-Token: 0123456789abcdef"), "Netskope-Api-Token: ***");
    cr_assert_str_eq(header("Cookie: session=abc; other=def"), "Cookie: ***");
    cr_assert_str_eq(header("Set-Cookie: session=abc; Path=/"), "Set-Cookie: ***");
    cr_assert_str_eq(header("x-api-key: k"), "x-api-key: ***");
}

Test(client_redact, other_headers_are_untouched)
{
    cr_assert_str_eq(header("Content-Type: application/json"), "Content-Type: application/json");
    cr_assert_str_eq(header("x-mc-req-id: 8f2c"), "x-mc-req-id: 8f2c");
    cr_assert_str_eq(header("X-RateLimit-Reset: 30000"), "X-RateLimit-Reset: 30000");
    cr_assert_str_eq(header("no colon at all"), "no colon at all");
}

Test(client_redact, secret_key_names)
{
    static const char *const secret[] = {
        "token",     "password",  "secret",       "client_secret", "clientSecret", "client-secret",
        "accessKey", "secretKey", "access_token", "refresh_token", "TOKEN",        "api_key"};
    static const char *const plain[] = {"pageToken", "user",   "email", "nextToken",
                                        "key",       "tokens", "",      "id"};
    size_t i;

    for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
        cr_assert(rc_redact_is_secret_key(secret[i], strlen(secret[i])), "%s", secret[i]);
    for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
        cr_assert_not(rc_redact_is_secret_key(plain[i], strlen(plain[i])), "%s", plain[i]);
}

Test(client_redact, url_query_values_and_password)
{
    cr_assert_str_eq(url("https://tenant.goskope.com/api/v1/alerts?token=abc123&type=malware"),
                     "https://tenant.goskope.com/api/v1/alerts?token=***&type=malware");
    cr_assert_str_eq(url("http://h/x?a=1&client_secret=s&password=p#frag"),
                     "http://h/x?a=1&client_secret=***&password=***#frag");
    cr_assert_str_eq(url("https://user:hunter2@h:8443/p?q=1"), "https://user:***@h:8443/p?q=1");
    cr_assert_str_eq(url("http://127.0.0.1:40002/items"), "http://127.0.0.1:40002/items");
    cr_assert_str_eq(url("http://h/oauth/token?grant_type=client_credentials"),
                     "http://h/oauth/token?grant_type=client_credentials");
}

Test(client_redact, json_body_at_any_depth)
{
    const char *out = body("{\"data\":[{\"username\":\"a@b.c\",\"password\":\"pw1\"}],"
                           "\"meta\":{\"accessKey\":\"AK\",\"secretKey\":\"SK\",\"n\":2},"
                           "\"client_secret\":{\"nested\":\"x\"},\"token\":null}");

    cr_assert_str_eq(out, "{\"data\":[{\"username\":\"a@b.c\",\"password\":\"***\"}],"
                          "\"meta\":{\"accessKey\":\"***\",\"secretKey\":\"***\",\"n\":2},"
                          "\"client_secret\":\"***\",\"token\":null}");
}

Test(client_redact, json_duplicate_keys_are_all_masked)
{
    cr_assert_str_eq(body("{\"token\":\"a\",\"token\":\"b\"}"),
                     "{\"token\":\"***\",\"token\":\"***\"}");
}

Test(client_redact, oauth_answer_hides_the_access_token)
{
    const char *out =
        body("{\"access_token\":\"eyJ.x.y\",\"token_type\":\"Bearer\",\"expires_in\":1800}");

    cr_assert_null(strstr(out, "eyJ"));
    cr_assert_not_null(strstr(out, "\"token_type\":\"Bearer\""));
    cr_assert_not_null(strstr(out, "\"expires_in\":1800"));
}

Test(client_redact, form_body)
{
    cr_assert_str_eq(body("grant_type=client_credentials&client_id=id1&client_secret=s3&x=1"),
                     "grant_type=client_credentials&client_id=id1&client_secret=***&x=1");
}

Test(client_redact, python_repr_body)
{
    cr_assert_str_eq(body("{'data': [{'userName': 'a@b.c', 'password': 'p, w'}]}"),
                     "{'data': [{'userName': 'a@b.c', 'password': '***'}]}");
}

Test(client_redact, invalid_json_falls_back_to_the_scanner)
{
    cr_assert_str_eq(body("{\"token\": \"abc\", oops"), "{\"token\": \"***\", oops");
}

Test(client_redact, quoted_value_with_escaped_quote)
{
    cr_assert_str_eq(body("secret: \"a\\\"b\" rest"), "secret: \"***\" rest");
}

Test(client_redact, plain_text_is_untouched)
{
    cr_assert_str_eq(body("hello world, nothing to hide"), "hello world, nothing to hide");
    cr_assert_str_eq(body("pageToken=abc&pageSize=10"), "pageToken=abc&pageSize=10");
}
