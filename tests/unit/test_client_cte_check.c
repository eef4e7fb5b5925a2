/*
 * test_client_cte_check.c: the judgement of `secmock client cte check`
 * (client/cte_check.c) on facts built by hand, no network: the findings in
 * the seed's order, the File Profile look-up (exact, case-only, missing,
 * unpublished, pending), the exit code of the first FAIL, and what stops
 * the reads of a plugin.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "client/cte_check.h"
#include "common/json.h"
#include "common/mem.h"

#define CONFIG                                                                                     \
    "{\"plugins\": [{\"name\": \"Netskope\", \"plugin\": \"netskope\", \"tenant_url\": "           \
    "\"https://acme.goskope.com\", \"v2_token\": \"v2\", \"v1_token\": \"v1\", "                   \
    "\"sync_interval\": "                                                                          \
    "\"10m\"}, {\"name\": \"Mimecast\", \"plugin\": \"mimecast\", \"base_url\": "                  \
    "\"https://us-api.mimecast.com\", \"app_id\": \"a\", \"app_key\": \"k\", \"access_key\": "     \
    "\"ak\", \"secret_key\": \"c2VjcmV0\"}], \"sharing\": [{\"source\": \"Netskope\", "            \
    "\"destination\": \"Mimecast\", \"target\": {\"operation\": \"BLOCK\"}}, {\"source\": "        \
    "\"Mimecast\", \"destination\": \"Netskope\", \"target\": {\"file_list\": \"CTE_Hashes\"}}]}"

static cJSON *root;
static struct rc_cte_config cfg;
static struct rc_cte_check_facts f;
static struct rc_check_report r;

static void lists(const char *json)
{
    cJSON_Delete(f.pl[0].file_lists);
    f.pl[0].file_lists = cm_json_parse(json, strlen(json), "lists", NULL);
    cr_assert_not_null(f.pl[0].file_lists);
}

/* Every read asked and answered: the seed's setup done right. */
static void setup(void)
{
    struct cm_err err = {{0}};

    root = cm_json_parse(CONFIG, strlen(CONFIG), "config", NULL);
    cr_assert_eq(rc_cte_config_parse(&cfg, root, &err), 0, "%s", err.msg);
    memset(&f, 0, sizeof(f));
    memset(&r, 0, sizeof(r));
    f.cfg = &cfg;
    f.pl = cm_calloc(cfg.n_plugins, sizeof(*f.pl));
    f.pl[0].v2.asked = f.pl[0].v1.asked = f.pl[0].lists.asked = 1;
    lists("[{\"name\": \"CTE_Hashes\", \"published\": true, \"pending\": false, \"count\": 1}]");
    f.pl[1].account.asked = f.pl[1].feed.asked = 1;
    f.pl[1].byo = f.pl[1].byo_upload = 1;
    cm_strlcpy(f.pl[1].role, "Basic Administrator", sizeof(f.pl[1].role));
}

static void teardown(void)
{
    rc_cte_check_facts_release(&f);
    rc_cte_config_release(&cfg);
    cJSON_Delete(root);
}

TestSuite(client_cte_check, .init = setup, .fini = teardown);

static const struct rc_check_finding *finding(const char *id)
{
    const struct rc_check_finding *x = rc_check_find(&r, id);

    cr_assert_not_null(x, "no finding '%s'", id);
    return x;
}

static void refuse(struct rc_cte_check_step *s, long status, int conn, const char *message)
{
    s->rc = -1;
    s->status = status;
    s->conn = conn;
    cm_strlcpy(s->message, message, sizeof(s->message));
}

Test(client_cte_check, the_seeds_setup_is_nine_oks_in_order)
{
    static const char *const ids[] = {"config",
                                      "netskope.tenant",
                                      "netskope.v2-token",
                                      "netskope.v1-token",
                                      "mimecast.credentials",
                                      "mimecast.feed",
                                      "mimecast.byo-package",
                                      "mimecast.byo-upload",
                                      "sharing.file-list"};
    int i;

    rc_cte_check_judge(&f, &r);
    cr_assert_eq(r.n, 9);
    for (i = 0; i < 9; i++) {
        cr_assert_str_eq(r.f[i].id, ids[i]);
        cr_assert_eq(r.f[i].level, RC_CHECK_OK, "%s: %s", r.f[i].id, r.f[i].what);
    }
    cr_assert_eq(rc_check_exit(&r, 1), 0);
}

Test(client_cte_check, a_list_name_that_differs_only_in_case_gets_a_hint)
{
    const struct rc_check_finding *x;

    lists("[{\"name\": \"cte_hashes\", \"published\": true}]");
    rc_cte_check_judge(&f, &r);
    x = finding("sharing.file-list");
    cr_assert_eq(x->level, RC_CHECK_FAIL);
    cr_assert(strstr(x->what, "no File Profile 'CTE_Hashes'; 'cte_hashes' differs only in case "
                              "(names are case-sensitive)"),
              "%s", x->what);
    cr_assert(strstr(x->fix, "List Name 'cte_hashes' exactly"), "%s", x->fix);
    cr_assert_eq(rc_check_exit(&r, 0), 5);
}

Test(client_cte_check, a_missing_unpublished_or_pending_profile)
{
    lists("[]");
    rc_cte_check_judge(&f, &r);
    cr_assert(strstr(finding("sharing.file-list")->what, "no File Profile 'CTE_Hashes' on the"));
    cr_assert(strstr(finding("sharing.file-list")->fix, "Policies > File > New File Profile"));

    memset(&r, 0, sizeof(r));
    lists("[{\"name\": \"CTE_Hashes\", \"published\": false}]");
    rc_cte_check_judge(&f, &r);
    cr_assert(strstr(finding("sharing.file-list")->what, "saved but not published"));
    cr_assert_eq(rc_check_exit(&r, 0), 5);

    memset(&r, 0, sizeof(r));
    lists("[{\"name\": \"CTE_Hashes\", \"published\": true, \"pending\": true}]");
    rc_cte_check_judge(&f, &r);
    cr_assert_eq(finding("sharing.file-list")->level, RC_CHECK_WARN);
    cr_assert_eq(rc_check_exit(&r, 0), 0);
    cr_assert_eq(rc_check_exit(&r, 1), 5);
}

Test(client_cte_check, the_list_lookup_prefers_the_exact_name)
{
    static const char text[] = "[{\"name\": \"a\"}, {\"name\": \"A\"}]";
    cJSON *l = cm_json_parse(text, strlen(text), "l", NULL);
    int nocase;

    cr_assert_str_eq(cm_json_str(rc_cte_check_list(l, "A", &nocase), "name", ""), "A");
    cr_assert_eq(nocase, 0);
    cr_assert_str_eq(cm_json_str(rc_cte_check_list(l, "a", &nocase), "name", ""), "a");
    cr_assert_str_eq(cm_json_str(rc_cte_check_list(NULL, "a", &nocase), "name", "none"), "none");
    cJSON_Delete(l);
}

Test(client_cte_check, a_tenant_that_does_not_answer_stops_its_checks)
{
    refuse(&f.pl[0].v2, 0, 1, "CTE Netskope [Netskope]: Exception occurred while validating.");
    f.pl[0].v1.asked = f.pl[0].lists.asked = 0;
    rc_cte_check_judge(&f, &r);
    cr_assert_eq(finding("netskope.tenant")->level, RC_CHECK_FAIL);
    cr_assert_null(rc_check_find(&r, "netskope.v2-token"));
    cr_assert_null(rc_check_find(&r, "sharing.file-list"));
    cr_assert_eq(rc_check_exit(&r, 0), 3);
}

Test(client_cte_check, token_refusals_are_4_and_a_missing_scope_5)
{
    refuse(&f.pl[0].v2, 401, 0, "Incorrect tenant URL/API token provided.");
    rc_cte_check_judge(&f, &r);
    cr_assert_eq(rc_check_exit(&r, 0), 4);
    cr_assert(strstr(finding("netskope.v2-token")->fix, "Settings > Tools > REST API v2"));

    memset(&r, 0, sizeof(r));
    refuse(&f.pl[0].v2, 403, 0, "does not have the necessary permissions");
    rc_cte_check_judge(&f, &r);
    cr_assert_eq(rc_check_exit(&r, 0), 5);

    memset(&r, 0, sizeof(r));
    memset(&f.pl[0].v2, 0, sizeof(f.pl[0].v2));
    f.pl[0].v2.asked = 1;
    refuse(&f.pl[0].v1, 403, 0, "Incorrect tenant URL/API token provided.");
    rc_cte_check_judge(&f, &r);
    cr_assert_eq(finding("netskope.v1-token")->level, RC_CHECK_FAIL);
    cr_assert_eq(rc_check_exit(&r, 0), 4);
}

Test(client_cte_check, mimecast_refusals_by_topic)
{
    refuse(&f.pl[1].account, 401, 0, "Incorrect access key or secret key or application key.");
    cm_strlcpy(f.pl[1].account.code, "err_xdk_invalid_signature", sizeof(f.pl[1].account.code));
    rc_cte_check_judge(&f, &r);
    cr_assert_eq(finding("mimecast.credentials")->level, RC_CHECK_FAIL);
    cr_assert_null(rc_check_find(&r, "mimecast.byo-package"), "nothing past the credentials");
    cr_assert_eq(rc_check_exit(&r, 0), 4);

    memset(&r, 0, sizeof(r));
    cm_strlcpy(f.pl[1].account.code, "err_audit_log_incorrect_region",
               sizeof(f.pl[1].account.code));
    rc_cte_check_judge(&f, &r);
    cr_assert_eq(rc_check_exit(&r, 0), 5, "a region is a setting to change");
}

Test(client_cte_check, byo_package_upload_and_feed)
{
    f.pl[1].byo = 0;
    f.pl[1].byo_upload = 0;
    refuse(&f.pl[1].feed, 403, 0,
           "Error (HTTP 403: Forbidden: the role 'Basic Administrator' of cte@example.com lacks)");
    rc_cte_check_judge(&f, &r);
    cr_assert(strstr(finding("mimecast.byo-package")->what, "BYO: Threat Intelligence [1089]"));
    cr_assert(strstr(finding("mimecast.byo-upload")->what,
                     "the role 'Basic Administrator' lacks BYO Threat Intelligence | Upload"));
    cr_assert(strstr(finding("mimecast.feed")->fix,
                     "Roles > 'Basic Administrator': add Services | Gateway | Tracking | Read"),
              "%s", finding("mimecast.feed")->fix);
    cr_assert_eq(rc_check_exit(&r, 0), 5);

    memset(&r, 0, sizeof(r));
    memset(&f.pl[1].feed, 0, sizeof(f.pl[1].feed));
    f.pl[1].byo = 1;
    f.pl[1].byo_upload = -1;
    rc_cte_check_judge(&f, &r);
    cr_assert_eq(finding("mimecast.byo-upload")->level, RC_CHECK_WARN, "not said: a WARN");
    cr_assert_null(rc_check_find(&r, "mimecast.feed"), "the feed was not asked");
}

Test(client_cte_check, an_invalid_configuration_is_one_fail_exit_2)
{
    f.config_rc = -1;
    cm_strlcpy(f.config_msg, "cte.json: cte.plugins[0] 'Netskope': Sharing sync interval must be",
               sizeof(f.config_msg));
    rc_cte_check_judge(&f, &r);
    cr_assert_eq(r.n, 1);
    cr_assert_str_eq(r.f[0].id, "config");
    cr_assert_eq(rc_check_exit(&r, 0), 2);
}
