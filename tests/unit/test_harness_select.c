/*
 * test_harness_select.c: finding scenario files (recursion, skipped
 * fixtures/hidden/schema files), --filter and --tag selection, and the
 * deterministic --shard split; the start order (waiting scenarios first).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "harness/select.h"

#define TREE SECMOCK_SOURCE_DIR "/tests/data/harness/tree"

Test(harness_select, discovery_walks_folders_and_skips_fixtures)
{
    const char *paths[] = {TREE, TREE "/a/x.json", TREE "/scenario.schema.json"};
    struct cm_err err = {{0}};
    char **files = NULL;
    size_t n = 0, i;

    cr_assert_eq(hx_discover(paths, 3, &files, &n, &err), 0, "%s", err.msg);
    cr_assert_eq(n, 4, "got %zu files", n);
    cr_assert_str_eq(files[0], TREE "/a/x.json", "duplicates collapse");
    cr_assert_str_eq(files[1], TREE "/b/c/y.json");
    cr_assert_str_eq(files[2], TREE "/scenario.schema.json", "a file named explicitly is kept");
    cr_assert_str_eq(files[3], TREE "/top.json");
    for (i = 0; i < n; i++) {
        cr_assert_null(strstr(files[i], "fixtures"));
        cr_assert_null(strstr(files[i], ".hidden"));
        free(files[i]);
    }
    free(files);
}

Test(harness_select, discovery_of_a_missing_path_fails)
{
    const char *paths[] = {TREE "/nope"};
    struct cm_err err = {{0}};
    char **files = NULL;
    size_t n = 0;

    cr_assert_neq(hx_discover(paths, 1, &files, &n, &err), 0);
    cr_assert(strstr(err.msg, "cannot open") && strstr(err.msg, "nope"), "%s", err.msg);
}

Test(harness_select, shard_syntax)
{
    unsigned i = 0, n = 0;

    cr_assert_eq(hx_parse_shard("2/5", &i, &n), 0);
    cr_assert_eq(i, 2);
    cr_assert_eq(n, 5);
    cr_assert_eq(hx_parse_shard("1/1", &i, &n), 0);
    cr_assert_neq(hx_parse_shard("0/3", &i, &n), 0);
    cr_assert_neq(hx_parse_shard("4/3", &i, &n), 0);
    cr_assert_neq(hx_parse_shard("1/0", &i, &n), 0);
    cr_assert_neq(hx_parse_shard("1-3", &i, &n), 0);
    cr_assert_neq(hx_parse_shard("a/3", &i, &n), 0);
    cr_assert_neq(hx_parse_shard("1/3x", &i, &n), 0);
    cr_assert_neq(hx_parse_shard("", &i, &n), 0);
}

/* Minimal scenarios: only what selection reads. */
static struct hx_scenario *fake(const char *name, const char *tag)
{
    struct hx_scenario *sc = cm_calloc(1, sizeof(*sc));

    sc->name = cm_strdup(name);
    sc->file = cm_asprintf("%s.json", name);
    if (tag) {
        sc->tags = cm_calloc(2, sizeof(*sc->tags));
        sc->tags[0] = cm_strdup(tag);
        sc->ntags = 1;
    }
    return sc;
}

static struct hx_scenario *all[7];

static void make(void)
{
    all[0] = fake("mimecast/keys-late", "mimecast");
    all[1] = fake("demo/ping", "demo");
    all[2] = fake("mimecast/keys-early", "customer-case");
    all[3] = fake("sse/token-expired", NULL);
    all[4] = fake("demo/auth", "demo");
    all[5] = fake("netskope/alerts", "customer-case");
    all[6] = fake("ctr/investigate", NULL);
}

static void destroy(void)
{
    for (int i = 0; i < 7; i++)
        hx_scenario_free(all[i]);
}

TestSuite(harness_select_sel, .init = make, .fini = destroy);

Test(harness_select_sel, no_selection_keeps_all_sorted)
{
    struct hx_selection s = {0};
    struct hx_scenario *out[7];
    size_t n = hx_select(all, 7, &s, out);

    cr_assert_eq(n, 7);
    cr_assert_str_eq(out[0]->name, "ctr/investigate");
    cr_assert_str_eq(out[1]->name, "demo/auth");
    cr_assert_str_eq(out[6]->name, "sse/token-expired");
}

Test(harness_select_sel, filters_are_globs_and_any_may_match)
{
    const char *f1[] = {"mimecast/*"}, *f2[] = {"*keys*", "demo/p?ng"}, *f3[] = {"*/a*"};
    struct hx_selection s = {0};
    struct hx_scenario *out[7];
    size_t n;

    s.filters = f1;
    s.nfilters = 1;
    n = hx_select(all, 7, &s, out);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(out[0]->name, "mimecast/keys-early");
    s.filters = f2;
    s.nfilters = 2;
    n = hx_select(all, 7, &s, out);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(out[0]->name, "demo/ping");
    s.filters = f3;
    s.nfilters = 1;
    n = hx_select(all, 7, &s, out);
    cr_assert_eq(n, 2, "'*' crosses '/' and matches demo/auth and netskope/alerts");
}

Test(harness_select_sel, tags_combine_with_filters)
{
    const char *t[] = {"customer-case", "demo"}, *f[] = {"demo/*"};
    struct hx_selection s = {0};
    struct hx_scenario *out[7];
    size_t n;

    s.tags = t;
    s.ntags = 2;
    n = hx_select(all, 7, &s, out);
    cr_assert_eq(n, 4);
    s.filters = f;
    s.nfilters = 1;
    n = hx_select(all, 7, &s, out);
    cr_assert_eq(n, 2);
    cr_assert(hx_selected(all[4], &s));
    cr_assert_not(hx_selected(all[2], &s));
}

Test(harness_select_sel, shards_partition_the_sorted_list)
{
    struct hx_selection s = {0};
    struct hx_scenario *out[7];
    int seen[7] = {0};
    unsigned i;
    size_t n, k, total = 0;

    s.shard_n = 3;
    for (i = 1; i <= 3; i++) {
        s.shard_i = i;
        n = hx_select(all, 7, &s, out);
        total += n;
        for (k = 0; k < n; k++) {
            int j;
            for (j = 0; j < 7; j++)
                if (out[k] == all[j])
                    seen[j]++;
        }
        if (i == 1) {
            /* sorted positions 0, 3, 6 */
            cr_assert_eq(n, 3);
            cr_assert_str_eq(out[0]->name, "ctr/investigate");
            cr_assert_str_eq(out[1]->name, "mimecast/keys-early");
            cr_assert_str_eq(out[2]->name, "sse/token-expired");
        }
    }
    cr_assert_eq(total, 7);
    for (i = 0; i < 7; i++)
        cr_assert_eq(seen[i], 1, "scenario %u in %d shards", i, seen[i]);
}

/* A scenario whose steps wait: a client killed at its 2 s limit, a command at its 300 ms
 * one, and steps that only have a limit (not counted). */
static struct hx_scenario *parsed(const char *name, const char *steps)
{
    struct cm_err err = {{0}};
    char *text = cm_asprintf("{\"name\": \"%s\", \"services\": {\"demo\": {}}, \"steps\": [%s]}",
                             name, steps);
    struct hx_scenario *sc = hx_scenario_parse("t.json", text, strlen(text), &err);

    cr_assert_not_null(sc, "%s", err.msg);
    free(text);
    return sc;
}

Test(harness_select, scenarios_that_wait_on_purpose_start_first)
{
    struct hx_scenario *sc[4];
    size_t order[4];

    sc[0] = parsed("a/quick", "{\"client\": [\"--help\"], \"timeout\": \"5s\"}");
    sc[1] = parsed("b/short-wait", "{\"run\": [\"sleep\", \"9\"], \"timeout\": \"300ms\", "
                                   "\"expect\": {\"exit\": \"timeout\"}}");
    sc[2] = parsed("c/quick", "{\"advance\": \"1m\"}");
    sc[3] = parsed("d/long-wait", "{\"client\": [\"x\"], \"timeout\": \"2s\", "
                                  "\"expect\": {\"exit\": \"timeout\"}}, "
                                  "{\"run\": [\"true\"], \"timeout\": \"1s\", "
                                  "\"expect\": {\"exit\": \"timeout\"}}");
    cr_assert_eq(hx_scenario_wait_ms(sc[0]), 0, "a limit alone is not a wait");
    cr_assert_eq(hx_scenario_wait_ms(sc[1]), 300);
    cr_assert_eq(hx_scenario_wait_ms(sc[3]), 3000);
    hx_start_order(sc, 4, order);
    cr_assert_eq(order[0], 3, "the longest wait first");
    cr_assert_eq(order[1], 1);
    cr_assert_eq(order[2], 0, "then the rest in their order");
    cr_assert_eq(order[3], 2);
    for (int i = 0; i < 4; i++)
        hx_scenario_free(sc[i]);
}

Test(harness_select, jobs_default_to_one_more_than_the_cpus)
{
    cr_assert_eq(hx_jobs(0, 2, 154), 3);
    cr_assert_eq(hx_jobs(0, 16, 154), 17);
    cr_assert_eq(hx_jobs(0, -1, 154), 1, "CPUs unknown");
    cr_assert_eq(hx_jobs(0, 0, 154), 1);
    cr_assert_eq(hx_jobs(5, 2, 154), 5, "--jobs wins");
    cr_assert_eq(hx_jobs(0, 8, 4), 4, "no more than the scenarios");
    cr_assert_eq(hx_jobs(64, 2, 3), 3);
    cr_assert_eq(hx_jobs(0, 2, 0), 1, "never 0");
}
