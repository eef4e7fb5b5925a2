/*
 * test_ns_v1.c: the Netskope mock's REST v1 handlers (mock/netskope/v1.c)
 * called with fake requests: updateFileHashList and app_instances?op=list.
 * Every refusal is checked for its exact status and body, its journal
 * verdict, and that the profile's list is unchanged afterwards.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_ns_util.h"

#define PATH    "/api/v1/updateFileHashList"
#define V1      "V1TOK"
#define SUCCESS "{\"status\":\"success\",\"msg\":\"File Filter Profile updated successfully\"}"

static struct nsfx fx;
static char before[4096];

static const char state[] =
    "{\"v1_token\": \"" V1 "\", \"v2_token\": \"V2TOK\","
    " \"file_profiles\": {\"CTE_Hashes\": {\"hashes\": [\"" NSFX_SHA_A "\"]},"
    "                     \"Only_SHA\": {\"types\": [\"sha256\"]},"
    "                     \"Draft\": {\"published\": false},"
    "                     \"Edited\": {\"pending\": [\"" NSFX_SHA_B "\"]}},"
    " \"app_instances\": [{\"app\": \"Box\", \"instance_id\": \"b1\"},"
    "                     {\"app\": \"Slack\", \"instance_id\": \"s1\"}]}";

static void setup(void)
{
    nsfx_load(&fx, state);
    nsfx_hashes(&fx, "CTE_Hashes", before, sizeof(before));
}

static void teardown(void)
{
    nsfx_free(&fx);
}

TestSuite(ns_v1, .init = setup, .fini = teardown);

/* POSTs body (and query) to updateFileHashList at NSFX_NOW + offset_ms. */
static int post(const char *query, const char *body, int64_t offset_ms, struct mk_response *r)
{
    return nsfx_call(&fx, "POST", PATH, NULL, query, body, NSFX_NOW + offset_ms, r);
}

static void unchanged(void)
{
    char now[4096];

    cr_assert_str_eq(nsfx_hashes(&fx, "CTE_Hashes", now, sizeof(now)), before,
                     "a refused update changed the list");
}

Test(ns_v1, update_replaces_the_whole_list)
{
    struct mk_response r;
    char list[4096];

    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": \"" NSFX_SHA_B
                      "," NSFX_MD5_C "\"}",
                      0, &r),
                 200);
    nsfx_body_is(&r, SUCCESS);
    cr_assert_str_eq(r.content_type, "application/json");
    cr_assert_str_eq(fx.verdict, "ok");
    cr_assert_str_eq(fx.detail, "'CTE_Hashes': 2 values (1 sha256, 1 md5)");
    cr_assert_str_eq(nsfx_hashes(&fx, "CTE_Hashes", list, sizeof(list)), NSFX_SHA_B "," NSFX_MD5_C,
                     "the old value is gone: full replacement");
    cr_assert_eq(ns_profile_find(fx.t, "CTE_Hashes")->types, NS_SHA256 | NS_MD5);
    mk_resp_release(&r);
}

Test(ns_v1, token_in_query_and_form_bodies_and_get_put)
{
    struct mk_response r;
    char list[4096];

    cr_assert_eq(
        post("token=" V1, "{\"name\": \"CTE_Hashes\", \"list\": \"" NSFX_SHA_B "\"}", 0, &r), 200);
    nsfx_body_is(&r, SUCCESS);
    mk_resp_release(&r);
    cr_assert_eq(
        post(NULL, "token=" V1 "&name=CTE%5FHashes&list=" NSFX_MD5_C "%2C" NSFX_SHA_A, 0, &r), 200);
    nsfx_body_is(&r, SUCCESS);
    cr_assert_str_eq(nsfx_hashes(&fx, "CTE_Hashes", list, sizeof(list)), NSFX_MD5_C "," NSFX_SHA_A);
    mk_resp_release(&r);
    cr_assert_eq(nsfx_call(&fx, "PUT", PATH, NULL, "name=CTE_Hashes&list=" NSFX_SHA_B,
                           "{\"token\": \"" V1 "\"}", NSFX_NOW, &r),
                 200, "Rapid7 style: PUT, name and list in the query, token in the body");
    mk_resp_release(&r);
    cr_assert_eq(nsfx_call(&fx, "GET", PATH, NULL, "token=" V1 "&name=CTE_Hashes&list=" NSFX_SHA_A,
                           NULL, NSFX_NOW, &r),
                 200);
    cr_assert_str_eq(nsfx_hashes(&fx, "CTE_Hashes", list, sizeof(list)), NSFX_SHA_A);
    mk_resp_release(&r);
}

Test(ns_v1, upper_case_values_are_accepted_and_lowered)
{
    struct mk_response r;
    char list[4096];

    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": "
                      "\"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\"}",
                      0, &r),
                 200);
    cr_assert_str_eq(nsfx_hashes(&fx, "CTE_Hashes", list, sizeof(list)), NSFX_SHA_B);
    mk_resp_release(&r);
}

Test(ns_v1, missing_token_and_bad_tokens_are_403)
{
    struct mk_response r;

    cr_assert_eq(post(NULL, "{\"name\": \"CTE_Hashes\", \"list\": \"" NSFX_SHA_B "\"}", 0, &r),
                 403);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"Authorization Error\",\"errors\":"
                     "[\"token not passed\"]}");
    cr_assert_str_eq(fx.verdict, "missing_token");
    mk_resp_release(&r);
    unchanged();
    cr_assert_eq(
        post("token=nope", "{\"name\": \"CTE_Hashes\", \"list\": \"" NSFX_SHA_B "\"}", 0, &r), 403);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"Authorization Error\",\"errors\":"
                     "[\"Invalid token\"]}");
    cr_assert_str_eq(fx.verdict, "invalid_token");
    mk_resp_release(&r);
    cr_assert_eq(
        post(NULL, "{\"token\": \"V2TOK\", \"name\": \"CTE_Hashes\", \"list\": \"" NSFX_SHA_B "\"}",
             0, &r),
        403, "the V2 token does not open v1");
    cr_assert_str_eq(fx.verdict, "invalid_token");
    mk_resp_release(&r);
    unchanged();
}

Test(ns_v1, tenant_without_v1_token_refuses_every_token)
{
    struct mk_response r;

    nsfx_free(&fx);
    nsfx_load(&fx, "{\"v1_token\": null, \"file_profiles\": {\"CTE_Hashes\": {}}}");
    nsfx_hashes(&fx, "CTE_Hashes", before, sizeof(before));
    cr_assert_eq(
        post("token=anything", "{\"name\": \"CTE_Hashes\", \"list\": \"" NSFX_SHA_B "\"}", 0, &r),
        403);
    cr_assert_str_eq(fx.detail, "the tenant has no V1 token");
    mk_resp_release(&r);
    unchanged();
}

Test(ns_v1, missing_name_and_list_are_reported_together)
{
    struct mk_response r;

    cr_assert_eq(post(NULL, "{\"token\": \"" V1 "\"}", 0, &r), 200);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"name not passed\",\"list not passed\"]}");
    cr_assert_str_eq(fx.verdict, "missing_params");
    mk_resp_release(&r);
    cr_assert_eq(
        post(NULL, "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": \"\"}", 0, &r),
        200);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"list not passed\"]}");
    mk_resp_release(&r);
    cr_assert_eq(
        post(NULL, "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": \" , ,\"}", 0, &r),
        200, "a list of separators only holds nothing");
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"list not passed\"]}");
    mk_resp_release(&r);
    cr_assert_eq(post(NULL, "{\"token\": \"" V1 "\", \"list\": \"" NSFX_SHA_B "\"}", 0, &r), 200);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"name not passed\"]}");
    mk_resp_release(&r);
    unchanged();
}

Test(ns_v1, non_string_parameters_are_refused)
{
    struct mk_response r;

    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": [\"" NSFX_SHA_B
                      "\"]}",
                      0, &r),
                 200);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"list must be a string of comma-separated MD5 or SHA256 values\"]}");
    cr_assert_str_eq(fx.verdict, "invalid_params");
    mk_resp_release(&r);
    unchanged();
}

Test(ns_v1, unknown_and_case_differing_profiles)
{
    struct mk_response r;

    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"Nope\", \"list\": \"" NSFX_SHA_B "\"}",
                      0, &r),
                 200);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"File hash list 'Nope' does not exist\"]}");
    cr_assert_str_eq(fx.verdict, "unknown_profile");
    cr_assert_str_eq(fx.detail, "no File Profile 'Nope'");
    mk_resp_release(&r);
    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"cte_hashes\", \"list\": \"" NSFX_SHA_B
                      "\"}",
                      0, &r),
                 200);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"File hash list 'cte_hashes' does not exist\"]}");
    cr_assert_str_eq(fx.verdict, "unknown_profile");
    cr_assert_str_eq(fx.detail, "no 'cte_hashes'; 'CTE_Hashes' differs only in case (names are "
                                "case-sensitive)");
    mk_resp_release(&r);
    unchanged();
}

Test(ns_v1, unpublished_profile_is_unknown_to_the_api)
{
    struct mk_response r;

    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"Draft\", \"list\": \"" NSFX_SHA_B "\"}",
                      0, &r),
                 200);
    cr_assert_str_eq(fx.verdict, "unknown_profile");
    cr_assert_str_eq(fx.detail, "'Draft' exists but is not published: Apply Changes");
    mk_resp_release(&r);
    cr_assert_str_eq(ns_profile_find(fx.t, "Draft")->hashes.h[0].v, NS_PLACEHOLDER);
}

Test(ns_v1, pending_console_change_refuses_the_update)
{
    struct mk_response r;
    struct ns_profile *p = ns_profile_find(fx.t, "Edited");

    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"Edited\", \"list\": \"" NSFX_SHA_A "\"}",
                      0, &r),
                 200);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"There is already a pending change for file hash list 'Edited'. Apply "
                     "Changes in the Netskope UI and try again\"]}");
    cr_assert_str_eq(fx.verdict, "pending_change");
    mk_resp_release(&r);
    cr_assert_str_eq(p->hashes.h[0].v, NS_PLACEHOLDER);
    cr_assert_str_eq(p->pending.h[0].v, NSFX_SHA_B, "the pending edit is kept");
}

Test(ns_v1, malformed_hash_refuses_the_whole_list)
{
    struct mk_response r;

    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": \"" NSFX_SHA_B
                      ",not-a-hash,da39a3ee5e6b4b0d3255bfef95601890afd80709\"}",
                      0, &r),
                 200);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"Invalid file hash in list: 'not-a-hash', "
                     "'da39a3ee5e6b4b0d3255bfef95601890afd80709'. Each value must be an MD5 (32 "
                     "hexadecimal characters) or a SHA256 (64 hexadecimal characters)\"]}");
    cr_assert_str_eq(fx.verdict, "invalid_hash");
    cr_assert_str_eq(fx.detail, "2 invalid value(s) for 'CTE_Hashes'");
    mk_resp_release(&r);
    unchanged();
}

Test(ns_v1, duplicate_request_changes_nothing)
{
    struct mk_response r;

    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": \"" NSFX_SHA_A
                      "\"}",
                      0, &r),
                 200);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"Duplicate request, no change in file hashes\"]}");
    cr_assert_str_eq(fx.verdict, "duplicate_request");
    mk_resp_release(&r);
    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": \"" NSFX_MD5_C
                      "," NSFX_SHA_B "\"}",
                      0, &r),
                 200);
    nsfx_body_is(&r, SUCCESS);
    mk_resp_release(&r);
    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": \"" NSFX_SHA_B
                      ",CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC," NSFX_SHA_B "\"}",
                      0, &r),
                 200);
    cr_assert_str_eq(fx.verdict, "duplicate_request", "same set in another order, case, repeats");
    mk_resp_release(&r);
}

Test(ns_v1, placeholder_only_list_is_a_normal_update)
{
    struct mk_response r;
    char list[200];

    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1
                      "\", \"name\": \"CTE_Hashes\", \"list\": \"" NS_PLACEHOLDER "\"}",
                      0, &r),
                 200);
    nsfx_body_is(&r, SUCCESS);
    cr_assert(strstr(fx.detail, "placeholder only") != NULL, "%s", fx.detail);
    cr_assert_str_eq(nsfx_hashes(&fx, "CTE_Hashes", list, sizeof(list)), NS_PLACEHOLDER);
    mk_resp_release(&r);
}

Test(ns_v1, oversized_list_is_413_and_changes_nothing)
{
    struct mk_response r;
    size_t n = 8u * 1024 * 1024 / 65 + 10, i, len;
    char *body = malloc(n * 65 + 200), *p;

    p = body +
        snprintf(body, 200, "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": \"");
    for (i = 0; i < n; i++)
        p += snprintf(p, 67, "%064zx,", i);
    memcpy(p - 1, "\"}", 3);
    len = strlen(body);
    cr_assert_gt(len, 8u * 1024 * 1024);
    cr_assert_eq(post(NULL, body, 0, &r), 413);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"list is larger than the 8 MB limit of a file hash list\"]}");
    cr_assert_str_eq(fx.verdict, "body_too_large");
    mk_resp_release(&r);
    unchanged();
    free(body);
}

Test(ns_v1, list_limit_comes_from_settings)
{
    struct mk_response r;

    nsfx_free(&fx);
    nsfx_load(&fx, "{\"v1_token\": \"" V1 "\", \"settings\": {\"list_max_bytes\": 100},"
                   " \"file_profiles\": {\"CTE_Hashes\": {}}}");
    nsfx_hashes(&fx, "CTE_Hashes", before, sizeof(before));
    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": \"" NSFX_SHA_A
                      "," NSFX_SHA_B "\"}",
                      0, &r),
                 413);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"list is larger than the 100 bytes limit of a file hash list\"]}");
    mk_resp_release(&r);
    unchanged();
    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": \"" NSFX_SHA_A
                      "\"}",
                      0, &r),
                 200, "64 bytes fit");
    mk_resp_release(&r);
}

Test(ns_v1, malformed_bodies_are_400)
{
    static const char *const bodies[] = {"{\"token\": \"" V1 "\", \"name\": ", "[1, 2]",
                                         "{\"token\": \"" V1 "\"} trailing", NULL};
    static const char *const json_ct[] = {"Content-Type: application/json", NULL};
    struct mk_response r;
    int i;

    for (i = 0; bodies[i]; i++) {
        int status = post("token=" V1, bodies[i], 0, &r);
        if (i == 2) {
            cr_assert_eq(status, 200, "lenient: a JSON object followed by text");
        } else {
            cr_assert_eq(status, 400, "body %d", i);
            nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                             "[\"Request body is not valid JSON: send a JSON object with token, "
                             "name and list\"]}");
            cr_assert_str_eq(fx.verdict, "malformed_body");
        }
        mk_resp_release(&r);
    }
    cr_assert_eq(nsfx_call(&fx, "POST", PATH, json_ct, "token=" V1, "name=x", NSFX_NOW, &r), 400,
                 "declared JSON that is not JSON");
    mk_resp_release(&r);
    unchanged();
}

Test(ns_v1, more_than_24_requests_in_5_seconds_is_429)
{
    struct mk_response r;
    const char *body =
        "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": \"" NSFX_SHA_A "\"}";
    int i;

    for (i = 0; i < 24; i++) {
        cr_assert_eq(post(NULL, body, i * 100, &r), 200, "request %d", i + 1);
        mk_resp_release(&r);
    }
    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": \"" NSFX_SHA_B
                      "\"}",
                      2500, &r),
                 429);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"API rate limit exceeded\"]}");
    cr_assert_str_eq(nsfx_header(&r, "Retry-After"), "3");
    cr_assert_str_eq(fx.verdict, "rate_limited");
    mk_resp_release(&r);
    unchanged();
    cr_assert_eq(nsfx_call(&fx, "POST", "/api/v1/app_instances", NULL, "op=list", "token=" V1,
                           NSFX_NOW + 4999, &r),
                 429, "the window is shared by every v1 endpoint");
    mk_resp_release(&r);
    cr_assert_eq(post(NULL, body, 5000, &r), 200, "the first request left the window");
    mk_resp_release(&r);
}

Test(ns_v1, strict_types_refuse_values_of_another_type)
{
    struct mk_response r;

    fx.t->set.strict_hash_types = 1;
    cr_assert_eq(
        post(NULL, "{\"token\": \"" V1 "\", \"name\": \"Only_SHA\", \"list\": \"" NSFX_MD5_C "\"}",
             0, &r),
        200);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"File hash list 'Only_SHA' does not accept MD5 values (its File Hash type "
                     "is SHA256)\"]}");
    cr_assert_str_eq(fx.verdict, "hash_type_not_enabled");
    mk_resp_release(&r);
    cr_assert_str_eq(ns_profile_find(fx.t, "Only_SHA")->hashes.h[0].v, NS_PLACEHOLDER);
    fx.t->set.strict_hash_types = 0;
    cr_assert_eq(
        post(NULL, "{\"token\": \"" V1 "\", \"name\": \"Only_SHA\", \"list\": \"" NSFX_MD5_C "\"}",
             0, &r),
        200);
    nsfx_body_is(&r, SUCCESS);
    mk_resp_release(&r);
}

Test(ns_v1, pending_mode_waits_for_apply_changes)
{
    struct mk_response r;
    struct ns_profile *p = ns_profile_find(fx.t, "CTE_Hashes");

    fx.t->set.api_update_pending = 1;
    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": \"" NSFX_SHA_B
                      "\"}",
                      0, &r),
                 200);
    nsfx_body_is(&r, SUCCESS);
    cr_assert(strstr(fx.detail, "pending Apply Changes") != NULL);
    mk_resp_release(&r);
    unchanged();
    cr_assert(p->has_pending);
    cr_assert_eq(post(NULL,
                      "{\"token\": \"" V1 "\", \"name\": \"CTE_Hashes\", \"list\": \"" NSFX_MD5_C
                      "\"}",
                      0, &r),
                 200);
    cr_assert_str_eq(fx.verdict, "pending_change", "the second update waits for the first");
    mk_resp_release(&r);
    cr_assert(ns_profile_apply(p));
    cr_assert_str_eq(p->hashes.h[0].v, NSFX_SHA_B);
}

Test(ns_v1, app_instances_list_checks_the_v1_token)
{
    static const char *const form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    struct mk_response r;
    cJSON *doc;

    cr_assert_eq(nsfx_call(&fx, "POST", "/api/v1/app_instances", form, "op=list&limit=1",
                           "token=" V1, NSFX_NOW, &r),
                 200);
    nsfx_body_is(&r,
                 "{\"status\":\"success\",\"data\":[{\"app\":\"Box\",\"instance_id\":\"b1\"}]}");
    mk_resp_release(&r);
    cr_assert_eq(nsfx_call(&fx, "GET", "/api/v1/app_instances", NULL, "op=list&token=" V1, NULL,
                           NSFX_NOW, &r),
                 200);
    doc = nsfx_body(&r);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "data")), 2);
    cJSON_Delete(doc);
    mk_resp_release(&r);
    cr_assert_eq(nsfx_call(&fx, "POST", "/api/v1/app_instances", form, "op=list&limit=1",
                           "token=wrong", NSFX_NOW, &r),
                 403);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"Authorization Error\",\"errors\":"
                     "[\"Invalid token\"]}");
    mk_resp_release(&r);
    cr_assert_eq(
        nsfx_call(&fx, "POST", "/api/v1/app_instances", form, NULL, "token=" V1, NSFX_NOW, &r),
        200);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"op not passed\"]}");
    mk_resp_release(&r);
    cr_assert_eq(nsfx_call(&fx, "POST", "/api/v1/app_instances", form, "op=delete", "token=" V1,
                           NSFX_NOW, &r),
                 200);
    cr_assert_str_eq(fx.verdict, "invalid_op");
    mk_resp_release(&r);
}

Test(ns_v1, router_errors_use_the_v1_envelope)
{
    struct mk_response r;

    cr_assert_eq(nsfx_call(&fx, "DELETE", PATH, NULL, NULL, NULL, NSFX_NOW, &r), 405);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"this path does not accept that method\"]}");
    mk_resp_release(&r);
    cr_assert_eq(nsfx_call(&fx, "GET", "/api/v1/nothing", NULL, NULL, NULL, NSFX_NOW, &r), 404);
    nsfx_body_is(&r, "{\"status\":\"error\",\"errorCode\":\"General Error\",\"errors\":"
                     "[\"no such endpoint\"]}");
    mk_resp_release(&r);
}

Test(ns_v1, file_hash_lists_names_the_profiles_and_their_state_not_their_values)
{
    static const char *const form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    struct mk_response r;
    cJSON *doc;
    const cJSON *it;
    int n = 0;

    cr_assert_eq(
        nsfx_call(&fx, "POST", "/api/v1/fileHashLists", form, NULL, "token=" V1, NSFX_NOW, &r),
        200);
    doc = nsfx_body(&r);
    cr_assert_str_eq(cm_json_str(doc, "status", ""), "success");
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "data"))
    {
        const char *name = cm_json_str(it, "name", "");

        n++;
        cr_assert_null(cJSON_GetObjectItem(it, "hashes"), "no values are read back");
        if (strcmp(name, "CTE_Hashes") == 0)
            cr_assert(cm_json_bool(it, "published", 0) && !cm_json_bool(it, "pending", 1) &&
                      cm_json_num(it, "count", 0) == 1);
        else if (strcmp(name, "Draft") == 0)
            cr_assert_not(cm_json_bool(it, "published", 1));
        else if (strcmp(name, "Edited") == 0)
            cr_assert(cm_json_bool(it, "pending", 0));
    }
    cr_assert_eq(n, 4);
    cJSON_Delete(doc);
    mk_resp_release(&r);
    cr_assert_str_eq(fx.verdict, "ok");
    /* the V1 token is required, as on every v1 endpoint; nothing changes */
    cr_assert_eq(
        nsfx_call(&fx, "GET", "/api/v1/fileHashLists", NULL, "token=V2TOK", NULL, NSFX_NOW, &r),
        403);
    mk_resp_release(&r);
    cr_assert_str_eq(fx.verdict, "invalid_token");
    unchanged();
}
