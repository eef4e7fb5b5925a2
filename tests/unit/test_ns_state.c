/*
 * test_ns_state.c: the Netskope tenant's state (mock/netskope/state.c,
 * alerts.c): defaults, dump/load round trips, every refusal naming its member,
 * a refused load keeping the old state, and deterministic generated alerts.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "test_ns_util.h"

static struct ns_tenant *load(const char *text, struct cm_err *err)
{
    cJSON *doc = nsfx_json(text);
    struct ns_tenant *t = ns_tenant_from_json(doc, err);

    cJSON_Delete(doc);
    return t;
}

static void refused(const char *text, const char *want)
{
    struct cm_err err = {{0}};
    struct ns_tenant *t = load(text, &err);

    cr_assert_null(t, "accepted: %s", text);
    cr_assert(strstr(err.msg, want) != NULL, "message '%s' lacks '%s'", err.msg, want);
}

Test(ns_state, empty_state_has_defaults)
{
    struct cm_err err = {{0}};
    struct ns_tenant *t = load("{}", &err);

    cr_assert_not_null(t, "%s", err.msg);
    cr_assert_str_eq(t->host, "tenant.goskope.com");
    cr_assert_not_null(t->v1_token);
    cr_assert_not_null(t->v2_token);
    cr_assert_eq(t->set.v1_rate.requests, 24);
    cr_assert_eq(t->set.v1_rate.window_ms, 5000);
    cr_assert_eq(t->set.export_rate.requests, 4);
    cr_assert_eq(t->set.export_rate.window_ms, 1000);
    cr_assert_eq(t->set.list_max_bytes, 8u * 1024 * 1024);
    cr_assert_eq(t->set.page_size, 10000);
    cr_assert_eq(t->nprofiles, 0);
    ns_tenant_free(t);
}

Test(ns_state, profile_defaults_to_the_placeholder)
{
    struct cm_err err = {{0}};
    struct ns_tenant *t = load("{\"file_profiles\": {\"CTE_Hashes\": {}}}", &err);
    struct ns_profile *p;

    cr_assert_not_null(t, "%s", err.msg);
    p = ns_profile_find(t, "CTE_Hashes");
    cr_assert_not_null(p);
    cr_assert_eq(p->hashes.n, 1);
    cr_assert_str_eq(p->hashes.h[0].v, NS_PLACEHOLDER);
    cr_assert_eq(p->types, NS_SHA256);
    cr_assert(p->published);
    cr_assert_not(p->has_pending);
    cr_assert_null(ns_profile_find(t, "cte_hashes"), "names are case-sensitive");
    cr_assert_eq(ns_profile_find_nocase(t, "cte_hashes"), p);
    ns_tenant_free(t);
}

static const char full_state[] =
    "{\"tenant\": \"acme.goskope.com\", \"v1_token\": \"one\", \"v2_token\": \"two\","
    " \"v2_scopes\": [\"/api/v2/events/dataexport/alerts/malware\"],"
    " \"settings\": {\"api_update\": \"pending\", \"strict_hash_types\": true,"
    "   \"list_max_bytes\": 1000, \"v1_rate\": {\"requests\": 3, \"window\": \"2s\"},"
    "   \"dataexport_rate\": {\"requests\": 0, \"window\": 1500}, \"page_size\": 2,"
    "   \"wait_time\": 0, \"new_index\": \"head\"},"
    " \"file_profiles\": {"
    "   \"A\": {\"description\": \"d\", \"types\": [\"md5\", \"sha256\"],"
    "          \"hashes\": [\"" NSFX_SHA_A "\", \"" NSFX_MD5_C "\"],"
    "          \"pending\": [\"" NSFX_SHA_B "\"], \"published\": true},"
    "   \"B\": {\"hashes\": \"" NSFX_SHA_B "\", \"published\": false}},"
    " \"app_instances\": [{\"app\": \"Box\", \"instance_id\": \"box-1\"}],"
    " \"alerts\": {\"malware\": [{\"_id\": \"m1\", \"timestamp\": 1772440000, \"md5\": \"x\"}],"
    "   \"malsite\": [], \"generate\": {\"malsite\": {\"count\": 3, \"seed\": 9,"
    "   \"start\": \"2026-03-01T00:00:00Z\", \"every\": \"1h\"}}},"
    " \"iterators\": {\"ce\": {\"malware\": {\"cursor\": {\"timestamp\": 1772440000, \"_id\": "
    "   \"m1\"}, \"page\": {\"after\": {\"timestamp\": -1, \"_id\": \"\"}, \"through\": "
    "   {\"timestamp\": 1772440000, \"_id\": \"m1\"}, \"count\": 1}}}},"
    " \"rate\": {\"v1\": [1772441999000], \"malsite\": [1772441999500]}}";

Test(ns_state, dump_then_load_is_identity)
{
    struct cm_err err = {{0}};
    struct ns_tenant *t = load(full_state, &err), *u;
    cJSON *d1, *d2;
    char *s1, *s2;

    cr_assert_not_null(t, "%s", err.msg);
    cr_assert_eq(t->feeds[NS_MALSITE].n, 3, "generated records are indexed");
    cr_assert_eq(t->feeds[NS_MALWARE].n, 1);
    d1 = ns_tenant_json(t);
    u = ns_tenant_from_json(d1, &err);
    cr_assert_not_null(u, "%s", err.msg);
    d2 = ns_tenant_json(u);
    s1 = cm_json_print(d1);
    s2 = cm_json_print(d2);
    cr_assert_str_eq(s1, s2);
    cr_assert_null(strstr(s1, "malsite-"), "generated records are dumped as their spec");
    cr_assert(strstr(s1, "\"window\":\"1s500ms\"") != NULL || strstr(s1, "1500") != NULL);
    free(s1);
    free(s2);
    cJSON_Delete(d1);
    cJSON_Delete(d2);
    ns_tenant_free(t);
    ns_tenant_free(u);
}

Test(ns_state, refusals_name_the_member)
{
    refused("[]", "expected an object");
    refused("{\"tenants\": 1}", "tenants: unknown member");
    refused("{\"v1_token\": \"\"}", "v1_token: expected a string");
    refused("{\"v2_scopes\": [\"api\"]}", "v2_scopes");
    refused("{\"settings\": {\"api_update\": \"later\"}}", "settings.api_update");
    refused("{\"settings\": {\"page_size\": 10001}}", "settings.page_size");
    refused("{\"settings\": {\"v1_rate\": {\"requests\": 3, \"window\": \"soon\"}}}",
            "settings.v1_rate.window");
    refused("{\"settings\": {\"dataexport_rate\": {\"max\": 3}}}",
            "settings.dataexport_rate.max: unknown member");
    refused("{\"file_profiles\": []}", "file_profiles: expected an object");
    refused("{\"file_profiles\": {\"A\": {\"hashes\": []}}}",
            "file_profiles.A.hashes: a File Profile is never empty");
    refused("{\"file_profiles\": {\"A\": {\"hashes\": \" , \"}}}", "never empty");
    refused("{\"file_profiles\": {\"A\": {\"hashes\": [\"abc\"]}}}",
            "file_profiles.A.hashes: not an MD5 or SHA256 value: 'abc'");
    refused("{\"file_profiles\": {\"A\": {\"pending\": []}}}", "file_profiles.A.pending");
    refused("{\"file_profiles\": {\"A\": {}, \"A\": {}}}", "file_profiles.A: listed twice");
    refused("{\"file_profiles\": {\"A\": {\"types\": [\"sha1\"]}}}", "file_profiles.A.types");
    refused("{\"file_profiles\": {\"A\": {\"color\": 1}}}", "file_profiles.A.color");
    refused("{\"alerts\": {\"malware\": [{\"_id\": \"x\"}]}}", "alerts.malware[0].timestamp");
    refused("{\"alerts\": {\"malware\": [1]}}", "alerts.malware[0]: expected an alert object");
    refused("{\"alerts\": {\"malware\": [{\"_id\": \"x\", \"timestamp\": 5},"
            " {\"_id\": \"x\", \"timestamp\": 5}]}}",
            "two alerts have _id 'x'");
    refused("{\"alerts\": {\"generate\": {\"malware\": {\"count\": 3}}}}",
            "alerts.generate.malware.start");
    refused("{\"alerts\": {\"generate\": {\"malware\": {\"count\": 100001, \"start\": 0}}}}",
            "alerts.generate.malware.count");
    refused("{\"alerts\": {\"generate\": {\"dlp\": {}}}}", "alerts.generate.dlp: unknown member");
    refused("{\"iterators\": {\"bad name\": {}}}", "iterators.bad name");
    refused("{\"iterators\": {\"ce\": {\"dlp\": {}}}}", "iterators.ce.dlp: unknown member");
    refused("{\"rate\": {\"v1\": [\"x\"]}}", "rate.v1");
}

Test(ns_state, refused_load_keeps_the_old_state)
{
    struct nsfx fx;
    struct cm_err err = {{0}};
    cJSON *bad = nsfx_json("{\"file_profiles\": {\"A\": {\"hashes\": []}}}");
    char list[200];

    nsfx_load(&fx, "{\"file_profiles\": {\"A\": {\"hashes\": [\"" NSFX_SHA_A "\"]}}}");
    cr_assert_neq(ns_service_ops.load(&fx.svc, bad, &err), 0);
    cr_assert_eq(fx.svc.data, fx.t, "the tenant was not replaced");
    cr_assert_str_eq(nsfx_hashes(&fx, "A", list, sizeof(list)), NSFX_SHA_A);
    cJSON_Delete(bad);
    nsfx_free(&fx);
}

Test(ns_state, generated_alerts_are_deterministic)
{
    cJSON *a = ns_alert_generate(NS_MALWARE, 7, 3, 1000),
          *b = ns_alert_generate(NS_MALWARE, 7, 3, 1000);
    cJSON *c = ns_alert_generate(NS_MALWARE, 8, 3, 1000),
          *s = ns_alert_generate(NS_MALSITE, 7, 3, 1000);
    char *sa = cm_json_print(a), *sb = cm_json_print(b), *sc = cm_json_print(c);
    const char *md5 = cm_json_str(a, "md5", ""), *sha = cm_json_str(a, "sha256", "");

    cr_assert_str_eq(sa, sb);
    cr_assert_str_neq(sa, sc, "another seed, another alert");
    cr_assert_eq(ns_hash_kind(md5, strlen(md5)), NS_MD5);
    cr_assert_eq(ns_hash_kind(sha, strlen(sha)), NS_SHA256);
    cr_assert_str_eq(cm_json_str(a, "local_sha256", ""), sha);
    cr_assert_str_eq(cm_json_str(a, "alert_type", ""), "Malware");
    cr_assert_eq(cm_json_num(a, "timestamp", 0), 1000);
    cr_assert_str_eq(cm_json_str(s, "alert_type", ""), "malsite");
    cr_assert(cJSON_IsArray(cJSON_GetObjectItem(s, "malsite_category")));
    cr_assert_eq(ns_hash_kind(cm_json_str(s, "md5", ""), 32), NS_MD5);
    cr_assert_eq(ns_hash_kind(cm_json_str(s, "sha256", ""), 64), NS_SHA256);
    free(sa);
    free(sb);
    free(sc);
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(c);
    cJSON_Delete(s);
}

Test(ns_state, raising_count_keeps_earlier_alerts)
{
    struct ns_feed f3, f5;
    struct cm_err err = {{0}};
    cJSON *s3 = nsfx_json("{\"count\": 3, \"seed\": 4, \"start\": 1000, \"every\": \"1m\"}");
    cJSON *s5 = nsfx_json("{\"count\": 5, \"seed\": 4, \"start\": 1000, \"every\": \"1m\"}");
    size_t i;

    cr_assert_eq(ns_feed_build(&f3, NS_MALWARE, NULL, s3, &err), 0, "%s", err.msg);
    cr_assert_eq(ns_feed_build(&f5, NS_MALWARE, NULL, s5, &err), 0, "%s", err.msg);
    cr_assert_eq(f3.n, 3);
    cr_assert_eq(f5.n, 5);
    for (i = 0; i < 3; i++) {
        cr_assert_str_eq(f3.sorted[i].id, f5.sorted[i].id);
        cr_assert_eq(f3.sorted[i].ts, 1000 + (int64_t)i * 60);
    }
    ns_feed_release(&f3);
    ns_feed_release(&f5);
    cJSON_Delete(s3);
    cJSON_Delete(s5);
}

Test(ns_state, given_alerts_get_defaults_and_order)
{
    struct ns_feed f;
    struct cm_err err = {{0}};
    cJSON *recs =
        nsfx_json("[{\"_id\": \"b\", \"timestamp\": 20}, {\"_id\": \"a\", \"timestamp\": 20},"
                  " {\"timestamp\": \"1970-01-01T00:00:10Z\"}]");

    cr_assert_eq(ns_feed_build(&f, NS_MALSITE, recs, NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(f.n, 3);
    cr_assert_eq(f.sorted[0].ts, 10, "an RFC 3339 time becomes epoch seconds");
    cr_assert_eq(strlen(f.sorted[0].id), 24, "a missing _id is made up");
    cr_assert_str_eq(f.sorted[1].id, "a", "same time: ordered by _id");
    cr_assert_str_eq(f.sorted[2].id, "b");
    cr_assert_str_eq(cm_json_str(f.sorted[1].rec, "alert_type", ""), "malsite");
    ns_feed_release(&f);
    cJSON_Delete(recs);
}
