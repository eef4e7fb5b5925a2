/*
 * test_mm_state.c: the Mimecast console as data (mock/mimecast/state.c):
 * defaults, dump/load round trips (fixtures included), the grid derived from
 * the account code, binding lifetimes computed at load, every refusal naming
 * its JSON path, and a refused load leaving the old state in place.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "test_mm_util.h"

static int load_text(struct mm_state *st, const char *text, struct cm_err *err)
{
    cJSON *doc = mmfx_json(text);
    int rc = mm_state_load(st, doc, MMFX_NOW, err);

    cJSON_Delete(doc);
    return rc;
}

static void refused(const char *text, const char *fragment)
{
    struct cm_err err = {{0}};
    struct mm_state *st = mm_state_new();

    cr_assert_neq(load_text(st, text, &err), 0, "accepted: %s", text);
    cr_assert(strstr(err.msg, fragment) != NULL, "message '%s' lacks '%s'", err.msg, fragment);
    mm_state_free(st);
}

#define ACCT(members) "{\"accounts\": [{\"code\": \"CUSA1\"" members "}]}"

Test(mm_state, empty_state_has_every_default)
{
    struct mm_state *st = mm_state_new();
    cJSON *doc = mm_state_dump(st), *s = cJSON_GetObjectItem(doc, "settings");

    cr_assert_eq(st->set.date_skew_ms, 15 * MMFX_MINUTE);
    cr_assert_eq(st->set.key_delay_ms, 30 * MMFX_MINUTE);
    cr_assert_eq(st->set.page_size, 100);
    cr_assert_eq(st->set.page_size_max, 500);
    cr_assert_eq(st->set.token_ttl_ms, 1799000);
    cr_assert_eq(st->set.rate_limit, 0);
    cr_assert_eq(st->set.byo_max_hashes, 1000);
    cr_assert_eq(st->set.strict_request_ids, 0);
    cr_assert_str_eq(cm_json_str(s, "date_skew", ""), "15m");
    cr_assert_str_eq(cm_json_str(s, "default_cache_ttl", ""), "3d");
    cr_assert_str_eq(cm_json_str(cJSON_GetObjectItem(s, "rate_limit"), "headers", ""), "on_429");
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "accounts")), 0);
    cJSON_Delete(doc);
    mm_state_free(st);
    mm_state_free(NULL);
}

Test(mm_state, account_defaults_and_grid_from_the_code)
{
    struct mm_state *st = mm_state_new();
    struct cm_err err = {{0}};
    const char *codes[][2] = {{"CUSA1", "us"}, {"CUSB2", "usb"}, {"CCA3", "ca"}, {"CUK4", "eu"},
                              {"CDE5", "de"},  {"CAU6", "au"},   {"CSA7", "za"}};
    char text[200];
    size_t i;

    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        cJSON *doc, *a;
        snprintf(text, sizeof(text), "{\"accounts\": [{\"code\": \"%s\"}]}", codes[i][0]);
        cr_assert_eq(load_text(st, text, &err), 0, "%s", err.msg);
        doc = mm_state_dump(st);
        a = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "accounts"), 0);
        cr_assert_str_eq(cm_json_str(a, "grid", ""), codes[i][1]);
        cr_assert(strstr(cm_json_str(a, "host", ""), codes[i][1]) == cm_json_str(a, "host", ""));
        cr_assert_str_eq(cm_json_str(a, "name", ""), codes[i][0]);
        cr_assert_not(cm_json_bool(cJSON_GetObjectItem(a, "enhanced_logging"), "inbound", 1),
                      "Enhanced Logging is off until the console turns it on");
        cr_assert_eq(cm_json_num(a, "byo_quota", 0), 100000);
        cJSON_Delete(doc);
    }
    cr_assert_eq(load_text(st, "{\"accounts\": [{\"code\": \"X1\", \"grid\": \"jer\"}]}", &err), 0,
                 "%s", err.msg);
    cr_assert_str_eq(mm_grids[st->accts[0].grid].host, "jer-api.mimecast.com");
    mm_state_free(st);
}

Test(mm_state, dump_then_load_gives_the_same_document)
{
    struct mmfx fx;
    struct cm_err err = {{0}};
    struct mm_state *again = mm_state_new();
    cJSON *d1, *d2;
    char *s1, *s2;

    mmfx_load(&fx, MMFX_STATE);
    d1 = mmfx_dump(&fx);
    cr_assert_eq(mm_state_load(again, d1, MMFX_NOW + 99999, &err), 0, "%s", err.msg);
    d2 = mm_state_dump(again);
    s1 = cm_json_print(d1);
    s2 = cm_json_print(d2);
    cr_assert_str_eq(s1, s2);
    free(s1);
    free(s2);
    cJSON_Delete(d1);
    cJSON_Delete(d2);
    mm_state_free(again);
    mmfx_free(&fx);
}

Test(mm_state, fixtures_load)
{
    static const char *const files[] = {"one-account.json", "two-grids.json", "generated-logs.json",
                                        "threat-exchange.json"};
    char path[512];
    size_t i;

    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        struct cm_err err = {{0}};
        struct mm_state *st = mm_state_new();
        cJSON *doc;
        snprintf(path, sizeof(path), "%s/scenarios/fixtures/mimecast/%s", SECMOCK_SOURCE_DIR,
                 files[i]);
        doc = cm_json_load_file(path, &err);
        cr_assert_not_null(doc, "%s", err.msg);
        cr_assert_eq(mm_state_load(st, doc, MMFX_NOW, &err), 0, "%s: %s", files[i], err.msg);
        cr_assert_gt(st->naccts, 0);
        cJSON_Delete(doc);
        mm_state_free(st);
    }
}

Test(mm_state, binding_lifetimes_are_fixed_at_load)
{
    struct mmfx fx;

    mmfx_load(&fx, MMFX_STATE);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(mmfx_binding(&fx, MMFX_AK), "expires")),
              "Never Expire profile and an extended session: no expiry");
    cr_assert_str_eq(cm_json_str(mmfx_binding(&fx, MMFX_AK_OLD), "expires", ""),
                     "2026-03-02T08:00:00Z", "issued 07:00 with a 1h profile");
    mmfx_free(&fx);

    /* no extended session: capped at settings.session_ttl; no profile: default_cache_ttl */
    mmfx_load(&fx, ACCT(", \"auth_profiles\": [{\"name\": \"N\", \"cache_ttl\": \"never\"}],"
                        " \"users\": [{\"email\": \"a@x.io\", \"auth_profile\": \"N\"},"
                        "  {\"email\": \"b@x.io\"}],"
                        " \"applications\": [{\"api\": \"1.0\", \"app_id\": \"e\", \"app_key\": "
                        "\"k\", \"extended_session\": true}, {\"api\": \"1.0\", \"app_id\": \"n\", "
                        "\"app_key\": \"k\"}],"
                        " \"bindings\": [{\"access_key\": \"k1\", \"secret_key\": \"" MMFX_SECRET
                        "\", \"user\": \"a@x.io\", \"app_id\": \"n\"},"
                        "  {\"access_key\": \"k2\", \"secret_key\": \"" MMFX_SECRET
                        "\", \"user\": \"b@x.io\", \"app_id\": \"e\"}]"));
    cr_assert_str_eq(cm_json_str(mmfx_binding(&fx, "k1"), "expires", ""), "2026-03-05T09:00:00Z");
    cr_assert_str_eq(cm_json_str(mmfx_binding(&fx, "k2"), "expires", ""), "2026-03-05T09:00:00Z");
    cr_assert_str_eq(cm_json_str(mmfx_binding(&fx, "k1"), "issued", ""), "2026-03-02T09:00:00Z",
                     "undated bindings are issued at load");
    mmfx_free(&fx);
}

Test(mm_state, a_refused_load_keeps_the_old_state)
{
    struct mmfx fx;
    struct cm_err err = {{0}};

    mmfx_load(&fx, MMFX_STATE);
    cr_assert_neq(load_text(fx.st, "{\"accounts\": [{\"code\": \"\"}]}", &err), 0);
    cr_assert_eq(fx.st->naccts, 2);
    cr_assert_not_null(mm_find_app1(fx.st, MMFX_APP, NULL));
    mmfx_free(&fx);
}

Test(mm_state, look_ups)
{
    struct mmfx fx;
    struct mm_acct *a = NULL;

    mmfx_load(&fx, MMFX_STATE);
    cr_assert_not_null(mm_find_app1(fx.st, MMFX_EUAPP, &a));
    cr_assert_str_eq(cm_json_str(a->doc, "code", ""), "CUK9");
    cr_assert_not_null(mm_find_app2(fx.st, "cid", &a));
    cr_assert_null(mm_find_app1(fx.st, "nope", NULL));
    cr_assert_not_null(mm_find_user(a, "SVC@Example.COM"), "emails ignore case");
    cr_assert_not_null(mm_find_user_any(fx.st, "eu@example.co.uk", &a));
    cr_assert_str_eq(cm_json_str(a->doc, "code", ""), "CUK9");
    cr_assert_not_null(mm_find_account(fx.st, "CUSA1"));
    cr_assert_null(mm_find_account(fx.st, "CUSA2"));
    cr_assert(mm_role_has(mm_find_role(a, "All"), "anything"), "'*' grants all");
    cr_assert(mm_has_package(mm_find_account(fx.st, "CUSA1"), MM_PKG_BYO));
    cr_assert_not(mm_has_package(a, MM_PKG_BYO));
    mmfx_free(&fx);
}

Test(mm_state, refusals_name_the_json_path)
{
    refused("[]", "state: expected an object");
    refused("{\"acounts\": []}", "state.acounts: unknown member");
    refused("{\"settings\": {\"date_skew\": \"soon\"}}", "settings.date_skew: expected a duration");
    refused("{\"settings\": {\"page_size\": 600}}", "settings.page_size: larger than");
    refused("{\"settings\": {\"page_size\": 0}}", "settings.page_size: expected an integer");
    refused("{\"settings\": {\"rate_limit\": {\"headers\": \"sometimes\"}}}",
            "settings.rate_limit.headers");
    refused("{\"settings\": {\"rate_limit\": {\"limt\": 1}}}", "settings.rate_limit.limt: unknown");
    refused("{\"settings\": {\"token_ttl\": \"never\"}}", "settings.token_ttl");
    refused("{\"settings\": {\"strict_request_ids\": 1}}", "strict_request_ids: expected true");
    refused("{\"accounts\": {}}", "accounts: expected an array");
    refused("{\"accounts\": [{}]}", "accounts[0].code: required");
    refused("{\"accounts\": [{\"code\": \"A B\"}]}", "accounts[0].code: letters");
    refused("{\"accounts\": [{\"code\": \"XYZ\"}]}", "accounts[0].grid: required");
    refused("{\"accounts\": [{\"code\": \"CUSA1\", \"grid\": \"mars\"}]}", "unknown grid 'mars'");
    refused("{\"accounts\": [{\"code\": \"CUSA1\", \"host\": \"eu-api.mimecast.com\"}]}",
            "accounts[0].host: the us grid's host is us-api.mimecast.com");
    refused("{\"accounts\": [{\"code\": \"CUSA1\"}, {\"code\": \"CUSA1\"}]}",
            "accounts[1].code: 'CUSA1' appears twice");
    refused(ACCT(", \"enhanced_logging\": {\"inbound\": \"yes\"}"),
            "accounts[0].enhanced_logging.inbound: expected true or false");
    refused(ACCT(", \"admin_ip_ranges\": [\"10.0.0.0/33\"]"), "'10.0.0.0/33' is not an address");
    refused(ACCT(", \"packages\": \"BYO\""), "accounts[0].packages: expected an array");
    refused(ACCT(", \"auth_profiles\": [{\"name\": \"P\", \"cache_ttl\": \"forever\"}]"),
            "accounts[0].auth_profiles[0].cache_ttl");
    refused(ACCT(", \"auth_profiles\": [{\"name\": \"P\"}, {\"name\": \"P\"}]"),
            "accounts[0].auth_profiles[1].name: 'P' appears twice");
    refused(ACCT(", \"users\": [{\"email\": \"nobody\"}]"), "users[0].email: 'nobody' is not");
    refused(ACCT(", \"users\": [{\"email\": \"a@b.c\"}, {\"email\": \"A@B.C\"}]"),
            "users[1].email: 'A@B.C' appears twice");
    refused(ACCT(", \"users\": [{\"email\": \"a@b.c\", \"auth_profile\": \"Never\"}]"),
            "users[0].auth_profile: no profile 'Never'");
    refused(ACCT(", \"users\": [{\"email\": \"a@b.c\", \"role\": \"Admin\"}]"),
            "users[0].role: no role 'Admin'");
    refused(ACCT(", \"users\": [{\"email\": \"a@b.c\", \"pasword\": \"x\"}]"),
            "users[0].pasword: unknown member");
    refused(ACCT(", \"applications\": [{\"name\": \"x\"}]"), "applications[0].api: expected");
    refused(ACCT(", \"applications\": [{\"api\": \"1.0\", \"client_id\": \"x\"}]"),
            "applications[0].client_id: unknown member");
    refused(ACCT(", \"applications\": [{\"api\": \"1.0\", \"app_id\": \"a\"}, {\"api\": \"1.0\", "
                 "\"app_id\": \"a\"}]"),
            "applications[1].app_id: 'a' is used by another application");
    refused(ACCT(", \"applications\": [{\"api\": \"2.0\", \"role\": \"R\"}]"),
            "applications[0].role: no role 'R'");
    refused(ACCT(", \"applications\": [{\"api\": \"1.0\", \"created\": \"noon\"}]"),
            "applications[0].created: expected a time");
    refused(ACCT(", \"users\": [{\"email\": \"a@b.c\"}], \"applications\": [{\"api\": \"1.0\", "
                 "\"app_id\": \"a\"}], \"bindings\": [{\"access_key\": \"k\", \"secret_key\": "
                 "\"!!\", \"user\": \"a@b.c\", \"app_id\": \"a\"}]"),
            "bindings[0].secret_key: expected standard base64");
    refused(ACCT(", \"applications\": [{\"api\": \"1.0\", \"app_id\": \"a\"}], \"bindings\": "
                 "[{\"access_key\": \"k\", \"secret_key\": \"" MMFX_SECRET
                 "\", \"user\": \"x@y.z\", \"app_id\": \"a\"}]"),
            "bindings[0].user: no user 'x@y.z'");
    refused(ACCT(", \"users\": [{\"email\": \"a@b.c\"}], \"bindings\": [{\"access_key\": \"k\", "
                 "\"secret_key\": \"" MMFX_SECRET "\", \"user\": \"a@b.c\", \"app_id\": \"z\"}]"),
            "bindings[0].app_id: no API 1.0 application 'z'");
    refused(ACCT(", \"tokens\": [{\"access_token\": \"t\", \"client_id\": \"c\"}]"),
            "tokens[0].client_id: no API 2.0 application 'c'");
    refused(ACCT(", \"logs\": {\"url\": 5}"), "accounts[0].logs.url: expected an array of records");
    refused(ACCT(", \"logs\": {\"click\": []}"), "accounts[0].logs.click: unknown member");
    refused(ACCT(", \"logs\": {\"url\": [{\"url\": \"x\"}]}"),
            "accounts[0].logs.url[0].date: every record needs a time");
    refused(ACCT(", \"logs\": {\"impersonation\": [{\"date\": \"2026-03-02T00:00:00Z\"}]}"),
            "logs.impersonation[0].eventTime");
    refused(ACCT(", \"logs\": {\"url\": {\"generate\": {\"start\": \"2026-03-02T00:00:00Z\"}}}"),
            "accounts[0].logs.url.generate.count: required");
    refused(ACCT(", \"logs\": {\"url\": {\"generate\": {\"count\": 10}}}"),
            "logs.url.generate.start: required");
    refused(ACCT(", \"logs\": {\"url\": {\"generate\": {\"count\": 10, \"start\": 0, "
                 "\"interval\": \"0s\"}}}"),
            "logs.url.generate.interval");
    refused(ACCT(", \"logs\": {\"url\": {\"generate\": {\"count\": 10, \"start\": 0, "
                 "\"mix\": {\"evil\": 1}}}}"),
            "logs.url.generate.mix.evil: unknown member");
    refused(ACCT(", \"logs\": {\"url\": {\"generate\": {\"count\": 10, \"start\": 0, "
                 "\"mix\": {\"safe\": 0}}}}"),
            "logs.url.generate.mix: at least one weight");
    refused(ACCT(", \"logs\": {\"url\": {\"generate\": {\"count\": 100000000, \"start\": 0}}}"),
            "generate.count: required, an integer from 0 to 10000000");
    refused(ACCT(", \"logs\": {\"url\": {\"generate\": {\"count\": 10, \"start\": 0, "
                 "\"seeds\": 1}}}"),
            "generate.seeds: unknown member");
    refused(ACCT(", \"threat_feed\": [{\"time\": \"2026-03-01T00:00:00Z\", \"sha256\": \"xyz\"}]"),
            "threat_feed[0].sha256: expected 64 hexadecimal");
    refused(ACCT(", \"threat_feed\": [{\"time\": \"2026-03-01T00:00:00Z\", \"feed\": \"mine\"}]"),
            "threat_feed[0].feed: expected");
    refused(ACCT(", \"byo_batches\": [{\"id\": \"b\", \"operation\": \"PERMIT\"}]"),
            "byo_batches[0].operation: expected ALLOW, BLOCK or DELETE");
    refused(ACCT(", \"byo_batches\": [{\"id\": \"b\", \"hashes\": [{\"hash\": \"" MMFX_SHA_A
                 "\", \"provider\": \"TooLongProvider\"}]}]"),
            "byo_batches[0].hashes[0].provider");
}
