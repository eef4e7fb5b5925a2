/*
 * test_harness_explain.c: `secmock run --explain` on real library scenarios
 * (the sentences a reader relies on: state facts, clock moves with the time
 * they reach, faults, requests, client runs and what is expected of them),
 * on the test scenario that uses every step kind, the close names offered for
 * an unknown name, and the command's exit codes and messages.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/explain.h"
#include "harness/harness.h"
#include "test_text.h"

#define LIB  SECMOCK_SOURCE_DIR "/scenarios/"
#define DATA SECMOCK_SOURCE_DIR "/tests/data/harness/"

static char *explain_file(const char *file)
{
    struct cm_err err = {{0}};
    struct hx_scenario *sc = hx_scenario_load(file, &err);
    char *text;

    cr_assert_not_null(sc, "%s", err.msg);
    text = hx_explain(sc);
    hx_scenario_free(sc);
    return text;
}

#define HAS(text, s) cr_assert(strstr((text), (s)) != NULL, "missing: %s\n--- in:\n%s", (s), (text))

Test(harness_explain, keys_before_and_after_30_minutes)
{
    char *t = explain_file(LIB "mimecast/client-keys-before-and-after-30-minutes.json");

    HAS(t, "mimecast/client-keys-before-and-after-30-minutes\nKeys asked 10 minutes after");
    HAS(t, "  - The mimecast mock, state from ../fixtures/mimecast/client-sophos.json: 1 account "
           "(\"Example Corp\") with ");
    HAS(t, "1 user, 2 applications");
    HAS(t, "  - The clock starts at 2026-03-02 09:10:00 UTC, frozen");
    HAS(t, "   1. \"Services > API and Platform Integrations > Add API Application (09:10)\": Do "
           "the console action 'create-app' on mimecast with {\"name\":\"Sophos Central "
           "(new)\",\"category\":\"SIEM Integration\"}; it keeps /app_id as ${saved.app_id} and "
           "/app_key as ${saved.app_key}.");
    HAS(t, "   2. Move the clock forward 10 minutes, to 09:20:00.\n");
    HAS(t, "   3. \"Create Keys at 09:20\": Run the reference client: secmock client mimecast keys "
           "--user sophos@example.com --password Sophos-Passw0rd! --app-id '${saved.app_id}'.\n"
           "     Expected: exit status 4; stderr contains \"not available yet\", \"30 minutes\" "
           "and \"09:40\".\n");
    HAS(t, "   4. Move the clock forward 20 minutes, to 09:40:00.\n");
    HAS(t, "Expected: exit status 0; stdout is JSON containing {\"alerts\":6}.");
    HAS(t, "   8. Check that mimecast received, in this order (others may come between): 1) "
           "/api/login/login answered 409 (verdict keys_not_yet_available), 2) /api/login/login "
           "answered 200 (verdict ok).\n");
    free(t);
}

Test(harness_explain, cte_sharing_with_two_services_and_a_config_file)
{
    char *t = explain_file(LIB "netskope/client-cte-alerts-to-mimecast-block.json");

    HAS(t, "\nSeed: netskope-cte-mimecast-plugin");
    HAS(t, "  - The netskope mock, state from ../fixtures/netskope/client-tenant.json: tenant "
           "\"acme.goskope.com\"; v1_token set; v2_token set;");
    HAS(t, "1 file_profile ('CTE_Hashes')");
    HAS(t, "it keeps from its JSON output /mimecast/access_key as ${saved.ak} and "
           "/mimecast/secret_key as ${saved.sk}.");
    HAS(t, "   2. Write the file cte.json in the work folder, JSON with cte: 2 plugins "
           "(\"Netskope\", \"Mimecast\"), 1 business_rule (\"Hashes\"), 1 sharing.\n");
    HAS(t, "Run the reference client: secmock client cte sync --config cte.json --store "
           "iocs.json --log cte.log.");
    HAS(t, "   6. Move the clock forward 10 minutes, to 09:10:00.\n");
    HAS(t, "   8. Check that mimecast received exactly 2 requests to "
           "/api/byo-threat-intelligence/create-batch.\n");
    HAS(t, "   9. Check that the mimecast state contains "
           "{\"accounts\":[{\"byo_batches\":[{},{}]}]}.\n");
    cr_assert_null(strstr(t, "secret_key \""), "secrets are not shown");
    free(t);
}

Test(harness_explain, faults_and_a_patched_fixture)
{
    char *t = explain_file(LIB "demo/fault-once.json");

    HAS(t, "  - The mocks use the wall clock.\n");
    HAS(t, "   1. \"arm one 503 on GET /items\": Arm a fault on demo: the next GET /items request "
           "is answered with status 503.\n");
    HAS(t, "Arm a fault on demo: every /items* request is answered with status 500.\n");
    HAS(t, "Clear every armed fault.\n");
    HAS(t, "Check that demo received exactly 2 requests to any path answered 500.\n");
    free(t);
    t = explain_file(LIB "mimecast/client-rate-limit-burst.json");
    HAS(t, "state from ../fixtures/mimecast/client-sophos-many.json patched with "
           "settings.rate_limit.limit = 2, settings.rate_limit.interval = \"1m\": ");
    HAS(t, "  - Every command also gets MIMECAST_APP_ID, MIMECAST_APP_KEY, MIMECAST_ACCESS_KEY, "
           "MIMECAST_SECRET_KEY.\n");
    HAS(t, "alerts.jsonl holds exactly 228 JSON records.");
    free(t);
}

Test(harness_explain, every_step_kind)
{
    char *t = explain_file(DATA "good/full.json");

    HAS(t, "  - The sse-eu mock over HTTPS, with an empty state.\n");
    HAS(t, "  - The ctr mock over plain HTTP, with an empty state.\n");
    HAS(t, "  - The clock starts at 2026-03-02 09:00:00 UTC and runs.\n");
    HAS(t, "  - Clients send from 127.0.0.7.\n");
    HAS(t, "  - The whole scenario must end within 2 minutes.\n");
    HAS(t, "   2. Move the clock forward 1 second 500 milliseconds, to 09:10:01.\n");
    HAS(t, "   3. Set the clock to 2026-03-02 09:00:00 UTC.\n");
    HAS(t, "   4. Change the demo state: items.a removed.\n");
    HAS(t, "   5. Replace the demo state with the one in ../fixtures/state.json: token set; 1 item "
           "('a').\n     Expected: status 200.\n");
    HAS(t, "each with probability 0.5, is answered with status 503.");
    HAS(t, "Send POST /items to demo from 127.0.0.1 with the header Authorization and the JSON "
           "body {\"id\":\"${saved.token}\"}; it keeps /id as ${saved.id}. Time limit: 5 "
           "seconds.");
    HAS(t, "out.jsonl holds exactly 2 JSON records, among them [{\"a\":1}], each containing "
           "{\"b\":true}.");
    HAS(t, "${saved.whole}' (on the wall clock, without libfaketime).");
    HAS(t, "stderr contains none of \"a\" or \"b\"");
    HAS(t, "; and that nothing else reached demo.\n");
    HAS(t, "  14. Empty the journal.\n");
    HAS(t, "  16. Check that the file in.json exists, contains \"url\", and is JSON containing "
           "{\"url\":\"x\"}.\n");
    HAS(t, "  17. Check that the demo state contains {\"items\":{\"b\":{\"value\":2}},"
           "\"token\":\"${vars.who}\"}; it keeps /items as ${saved.items}.\n");
    cr_assert_null(strstr(t, "?"), "every step is told: %s", t);
    free(t);
}

Test(harness_explain, human_durations)
{
    static const struct {
        int64_t ms;
        const char *text;
    } cases[] = {
        {600000, "10 minutes"},     {5400000, "1 hour 30 minutes"},
        {5 * 86400000LL, "5 days"}, {7 * 86400000LL + 1000, "1 week 1 second"},
        {250, "250 milliseconds"},  {0, "0 seconds"},
    };
    char b[64];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hx_human_duration(cases[i].ms, b, sizeof(b));
        cr_assert_str_eq(b, cases[i].text);
    }
}

static int run_args(const char *a, const char *b, const char *c)
{
    const char *argv[] = {"run", a, b, c, NULL};

    return hx_run_main(c ? 4 : 3, (char **)argv);
}

Test(harness_explain, unknown_name_lists_close_ones, .init = cr_redirect_stderr)
{
    char *err;

    cr_assert_eq(run_args("--explain", "mimecast/keys-befor-30-minutes", LIB "mimecast"), 2);
    cr_assert_eq(run_args("--explain", "zzz", LIB "demo"), 2);
    cr_assert_eq(run_args("--explain", "/no/such/file.json", NULL), 2);
    cr_assert_eq(run_args("--explain", DATA "bad/unknown-step.json", NULL), 2);
    err = tt_read_all(cr_get_redirected_stderr());
    HAS(err, "secmock run: --explain: no scenario is named 'mimecast/keys-befor-30-minutes' in "
             "the paths given; the closest names:\n  "
             "mimecast/client-keys-before-and-after-30-minutes\n");
    HAS(err, "secmock run: --explain: no scenario is named 'zzz' in the paths given (secmock run "
             "--list shows them all)\n");
    HAS(err, "secmock run: --explain: cannot read '/no/such/file.json': No such file or "
             "directory\n");
    HAS(err, "bad/unknown-step.json: steps[0]: unknown step");
    cr_assert_null(strstr(err, "no scenario is named '" DATA "bad"), "the load error is enough");
    free(err);
}

Test(harness_explain, by_name_or_file, .init = cr_redirect_stdout)
{
    char *out;

    cr_assert_eq(run_args("--explain", "demo/fault-once", LIB "demo"), 0);
    cr_assert_eq(run_args("--explain", DATA "good/minimal.json", NULL), 0);
    out = tt_read_all(cr_get_redirected_stdout());
    HAS(out, "demo/fault-once\n");
    HAS(out, "\nSteps\n   1. \"arm one 503 on GET /items\"");
    HAS(out, "File: " DATA "good/minimal.json\n");
    free(out);
}

Test(harness_explain, close_names_share_words)
{
    struct cm_err err = {{0}};
    struct hx_scenario *all[3];
    const char *out[3];
    size_t n;

    all[0] = hx_scenario_load(LIB "demo/fault-once.json", &err);
    all[1] = hx_scenario_load(LIB "demo/post-items.json", &err);
    all[2] = hx_scenario_load(LIB "demo/ping-and-journal.json", &err);
    cr_assert(all[0] && all[1] && all[2], "%s", err.msg);
    n = hx_close_names("demo/journal-ping", all, 3, out, 3);
    cr_assert_geq(n, 1);
    cr_assert_str_eq(out[0], "demo/ping-and-journal");
    n = hx_close_names("fault", all, 3, out, 3);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(out[0], "demo/fault-once");
    cr_assert_eq(hx_close_names("nothing-alike", all, 3, out, 3), 0);
    for (n = 0; n < 3; n++)
        hx_scenario_free(all[n]);
}
