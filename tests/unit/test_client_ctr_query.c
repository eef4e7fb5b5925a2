/*
 * test_client_ctr_query.c: the Investigate syntax the ctr client checks before
 * anything is sent: every form of the CTR tech note's table, bare values for
 * inspect, and each wrong syntax with the message the user sees.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "client/ctr_query.h"
#include "common/error.h"

static struct rc_ctr_query q;
static struct cm_buf msg;

static void setup(void)
{
    memset(&q, 0, sizeof(q));
    cm_buf_init(&msg, 0);
}

static void teardown(void)
{
    rc_ctr_query_release(&q);
    cm_buf_release(&msg);
}

TestSuite(client_ctr_query, .init = setup, .fini = teardown);

static void ok(const char *text)
{
    rc_ctr_query_release(&q);
    cm_buf_reset(&msg);
    cr_assert_eq(rc_ctr_query_parse(text, &q, &msg), 0, "%s: %s", text, cm_buf_str(&msg));
}

static const char *bad(const char *text)
{
    rc_ctr_query_release(&q);
    cm_buf_reset(&msg);
    cr_assert_eq(rc_ctr_query_parse(text, &q, &msg), CM_EINVAL, "%s parsed", text);
    cr_assert_eq(q.n, 0);
    cr_assert_null(q.text);
    return cm_buf_str(&msg);
}

static void has(size_t i, const char *type, const char *value)
{
    cr_assert_lt(i, q.n);
    cr_assert_str_eq(q.obs[i].type, type);
    cr_assert_str_eq(q.obs[i].value, value);
}

Test(client_ctr_query, the_tech_notes_table_parses)
{
    ok("ip:\"4.2.2.2\"");
    has(0, "ip", "4.2.2.2");
    ok("domain:\"cisco.com\"");
    has(0, "domain", "cisco.com");
    ok("email:\"noreply@cisco.com\"");
    has(0, "email", "noreply@cisco.com");
    ok("email_messageid:\"123-abc-456@cisco.com\"");
    has(0, "email_messageid", "123-abc-456@cisco.com");
    ok("email_subject:\"Invoice Due\"");
    has(0, "email_subject", "Invoice Due");
    ok("cisco_mid:\"12345\"");
    has(0, "cisco_mid", "12345");
    ok("sha256:\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"");
    has(0, "sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ok("file_name:\"invoice.pdf\"");
    has(0, "file_name", "invoice.pdf");
    cr_assert_null(q.text);
}

Test(client_ctr_query, single_quotes_unquoted_values_and_several_terms)
{
    ok("email_subject:'test test'"); /* the tech note's screenshot */
    has(0, "email_subject", "test test");
    ok("ip:4.2.2.2 email:noreply@cisco.com  cisco_mid:\"8\"");
    cr_assert_eq(q.n, 3);
    has(0, "ip", "4.2.2.2");
    has(1, "email", "noreply@cisco.com");
    has(2, "cisco_mid", "8");
    ok("email_subject:\"say \\\"hi\\\"\"");
    has(0, "email_subject", "say \"hi\"");
    ok("Email_Subject:\"x\" email_subject:\"x\""); /* type names ignore case; no duplicates */
    cr_assert_eq(q.n, 1);
    has(0, "email_subject", "x");
}

Test(client_ctr_query, bare_values_are_kept_for_inspect)
{
    ok("1.1.1.1 cisco.com");
    cr_assert_eq(q.n, 0);
    cr_assert_str_eq(q.text, "1.1.1.1 cisco.com");
    ok("https://pay.example.net/login  ip:4.2.2.2 \"free text\"");
    cr_assert_eq(q.n, 1);
    cr_assert_str_eq(q.text, "https://pay.example.net/login free text");
    ok("2001:db8::1 12:30");
    cr_assert_eq(q.n, 0);
    cr_assert_str_eq(q.text, "2001:db8::1 12:30");
}

Test(client_ctr_query, an_unknown_type_names_the_one_meant)
{
    const char *m = bad("subject:\"test test\"");

    cr_assert_str_eq(m, "wrong syntax in 'subject:\"test test\"': 'subject' is not an observable "
                        "type (did you mean email_subject?)");
    cr_assert_not_null(strstr(bad("mid:\"8\""), "(did you mean cisco_mid?)"));
    cr_assert_not_null(strstr(bad("message_id:'x'"), "(did you mean email_messageid?)"));
    cr_assert_not_null(strstr(bad("sender:\"a@b.c\""), "(did you mean email?)"));
    cr_assert_not_null(strstr(bad("attachment:\"a.pdf\""), "(did you mean file_name?)"));
    m = bad("colour:\"red\"");
    cr_assert_not_null(strstr(m, "'colour' is not an observable type"));
    cr_assert_null(strstr(m, "did you mean"));
}

Test(client_ctr_query, values_that_cannot_be_of_their_type)
{
    cr_assert_str_eq(bad("ip:\"4.2.2\""),
                     "wrong syntax in 'ip:\"4.2.2\"': ip expects an IPv4 address such as 4.2.2.2");
    cr_assert_not_null(strstr(bad("sha256:\"sha256filehash\""), "64 hexadecimal digits"));
    cr_assert_not_null(strstr(bad("cisco_mid:\"abc\""), "the number Message Tracking shows"));
    cr_assert_not_null(strstr(bad("email:\"noreply\""), "an email address"));
    cr_assert_not_null(strstr(bad("domain:\"cisco com\""), "a domain name"));
    ok("cisco_mid:\"1619-EC2C1234\""); /* "<mid>-<appliance>" as consumers see it */
    has(0, "cisco_mid", "1619-EC2C1234");
}

Test(client_ctr_query, quotes_spaces_and_empty_values)
{
    cr_assert_str_eq(bad("email_subject:\"test test"),
                     "wrong syntax in 'email_subject:\"test test': the \" quote is not closed");
    cr_assert_not_null(strstr(bad("email_subject: \"test\""),
                              "no value after 'email_subject:'; write email_subject:\"value\""));
    cr_assert_not_null(strstr(bad("email_subject:\"\""), "the email subject is empty"));
    cr_assert_not_null(strstr(bad("ip:\"4.2.2.2\"x"), "expected a space after the closing quote"));
    cr_assert_not_null(strstr(bad("'open"), "quote is not closed"));
    cr_assert_not_null(strstr(bad("   "), "nothing to investigate"));
    cr_assert_not_null(strstr(bad(NULL), "nothing to investigate"));
}

Test(client_ctr_query, observables_as_iroh_json)
{
    cJSON *arr;
    char *text;

    ok("email_subject:\"test test\" cisco_mid:8");
    arr = rc_ctr_query_json(&q);
    text = cJSON_PrintUnformatted(arr);
    cr_assert_str_eq(text, "[{\"type\":\"email_subject\",\"value\":\"test test\"},"
                           "{\"type\":\"cisco_mid\",\"value\":\"8\"}]");
    cJSON_free(text);
    cJSON_Delete(arr);
    cr_assert(rc_ctr_type_known("email_messageid"));
    cr_assert_not(rc_ctr_type_known("subject"));
    cr_assert_str_eq(rc_ctr_type_title("cisco_mid"), "Cisco message ID");
    cr_assert_str_eq(rc_ctr_type_title("nope"), "nope");
}
