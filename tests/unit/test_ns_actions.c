/*
 * test_ns_actions.c: the Netskope mock's console actions (mock/netskope/
 * netskope.c): create-profile, edit-profile, apply-changes,
 * regenerate-token, each with its refusals, and how each one changes what
 * the API sees.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "test_ns_util.h"

#define PATH "/api/v1/updateFileHashList"

static struct nsfx fx;

static void setup(void)
{
    nsfx_load(&fx, "{\"v1_token\": \"V1TOK\", \"v2_token\": \"V2TOK\","
                   " \"file_profiles\": {\"CTE_Hashes\": {}}}");
}

static void teardown(void)
{
    nsfx_free(&fx);
}

TestSuite(ns_actions, .init = setup, .fini = teardown);

static cJSON *act(const char *action, const char *args, struct cm_err *err)
{
    cJSON *a = args ? nsfx_json(args) : NULL, *out;

    memset(err, 0, sizeof(*err));
    out = ns_action(fx.t, action, a, NSFX_NOW, err);
    cJSON_Delete(a);
    return out;
}

static void act_fails(const char *action, const char *args, const char *want)
{
    struct cm_err err;
    cJSON *out = act(action, args, &err);

    cr_assert_null(out, "%s accepted %s", action, args ? args : "");
    cr_assert(strstr(err.msg, want) != NULL, "message '%s' lacks '%s'", err.msg, want);
}

static const char *update(const char *name, const char *list)
{
    struct mk_response r;
    char body[512];

    snprintf(body, sizeof(body), "{\"token\": \"V1TOK\", \"name\": \"%s\", \"list\": \"%s\"}", name,
             list);
    nsfx_call(&fx, "POST", PATH, NULL, NULL, body, NSFX_NOW, &r);
    mk_resp_release(&r);
    return fx.verdict;
}

Test(ns_actions, created_profile_is_unknown_until_apply_changes)
{
    struct cm_err err;
    cJSON *out = act("create-profile",
                     "{\"name\": \"New_List\", \"description\": \"from CE\","
                     " \"types\": [\"sha256\"], \"hashes\": [\"" NS_PLACEHOLDER "\"]}",
                     &err);

    cr_assert_not_null(out, "%s", err.msg);
    cr_assert_str_eq(cm_json_str(out, "name", ""), "New_List");
    cr_assert_not(cm_json_bool(out, "published", 1));
    cJSON_Delete(out);
    cr_assert_str_eq(update("New_List", NSFX_SHA_A), "unknown_profile");
    out = act("apply-changes", NULL, &err);
    cr_assert_not_null(out);
    cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(out, "applied"), 0)->valuestring,
                     "New_List");
    cJSON_Delete(out);
    cr_assert_str_eq(update("New_List", NSFX_SHA_A), "ok");
    out = act("apply-changes", "{}", &err);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(out, "applied")), 0, "nothing pending");
    cJSON_Delete(out);
}

Test(ns_actions, create_profile_refusals)
{
    act_fails("create-profile", "{\"hashes\": [\"" NS_PLACEHOLDER "\"]}",
              "name: enter a Profile Name");
    act_fails("create-profile", "{\"name\": \"CTE_Hashes\", \"hashes\": [\"" NS_PLACEHOLDER "\"]}",
              "a File Profile named 'CTE_Hashes' exists");
    act_fails(
        "create-profile", "{\"name\": \"X\"}",
        "the File Hash field cannot be empty; Netskope recommends the placeholder " NS_PLACEHOLDER);
    act_fails("create-profile", "{\"name\": \"X\", \"hashes\": []}", "cannot be empty");
    act_fails("create-profile", "{\"name\": \"X\", \"hashes\": [\"123\"]}",
              "hashes: not an MD5 or SHA256 value: '123'");
    act_fails("create-profile",
              "{\"name\": \"X\", \"types\": [\"sha256\"], \"hashes\": [\"" NSFX_MD5_C "\"]}",
              "MD5 values given but the File Hash type chosen is SHA256");
    act_fails("create-profile",
              "{\"name\": \"X\", \"types\": [\"sha1\"], \"hashes\": [\"" NSFX_MD5_C "\"]}",
              "types:");
    cr_assert_eq(fx.t->nprofiles, 1, "nothing was created");
}

Test(ns_actions, create_profile_names_are_case_sensitive)
{
    struct cm_err err;
    cJSON *out =
        act("create-profile", "{\"name\": \"cte_hashes\", \"hashes\": \"" NSFX_MD5_C "\"}", &err);

    cr_assert_not_null(out, "%s", err.msg);
    cJSON_Delete(out);
    cr_assert_eq(fx.t->nprofiles, 2);
    cr_assert_eq(ns_profile_find(fx.t, "cte_hashes")->types, NS_MD5, "types from the values");
}

Test(ns_actions, console_edit_is_pending_and_blocks_the_api)
{
    struct cm_err err;
    struct ns_profile *p = ns_profile_find(fx.t, "CTE_Hashes");
    cJSON *out =
        act("edit-profile", "{\"name\": \"CTE_Hashes\", \"hashes\": \"" NSFX_SHA_A "\"}", &err);

    cr_assert_not_null(out, "%s", err.msg);
    cr_assert(cJSON_IsArray(cJSON_GetObjectItem(out, "pending")));
    cJSON_Delete(out);
    cr_assert_str_eq(p->hashes.h[0].v, NS_PLACEHOLDER, "not applied yet");
    cr_assert_str_eq(update("CTE_Hashes", NSFX_SHA_B), "pending_change");
    out = act("edit-profile",
              "{\"name\": \"CTE_Hashes\", \"mode\": \"add\", \"hashes\": [\"" NSFX_MD5_C "\"]}",
              &err);
    cr_assert_not_null(out, "%s", err.msg);
    cJSON_Delete(out);
    cr_assert_eq(p->pending.n, 2, "add appends to the pending list");
    cJSON_Delete(act("apply-changes", NULL, &err));
    cr_assert_eq(p->hashes.n, 2);
    cr_assert_str_eq(p->hashes.h[0].v, NSFX_SHA_A);
    cr_assert_str_eq(p->hashes.h[1].v, NSFX_MD5_C);
    cr_assert_not(p->has_pending);
    cr_assert_str_eq(update("CTE_Hashes", NSFX_SHA_B), "ok");
}

Test(ns_actions, edit_profile_refusals)
{
    act_fails("edit-profile", "{\"name\": \"cte_hashes\", \"hashes\": \"" NSFX_SHA_A "\"}",
              "no File Profile 'cte_hashes' ('CTE_Hashes' differs in case)");
    act_fails("edit-profile", "{\"hashes\": \"" NSFX_SHA_A "\"}", "name:");
    act_fails("edit-profile", "{\"name\": \"CTE_Hashes\", \"hashes\": \"\"}", "cannot be empty");
    act_fails("edit-profile",
              "{\"name\": \"CTE_Hashes\", \"mode\": \"merge\", \"hashes\": \"" NSFX_SHA_A "\"}",
              "mode:");
    cr_assert_not(ns_profile_find(fx.t, "CTE_Hashes")->has_pending);
}

Test(ns_actions, regenerated_token_replaces_the_old_one)
{
    struct cm_err err;
    cJSON *out = act("regenerate-token", "{\"version\": \"v1\"}", &err);
    char body[200];
    struct mk_response r;

    cr_assert_not_null(out, "%s", err.msg);
    cr_assert_eq(strlen(cm_json_str(out, "token", "")), 32);
    cr_assert_str_eq(update("CTE_Hashes", NSFX_SHA_A), "invalid_token", "the old token is dead");
    snprintf(body, sizeof(body), "{\"token\": \"%s\", \"name\": \"CTE_Hashes\", \"list\": \"%s\"}",
             cm_json_str(out, "token", ""), NSFX_SHA_A);
    cr_assert_eq(nsfx_call(&fx, "POST", PATH, NULL, NULL, body, NSFX_NOW, &r), 200);
    cr_assert_str_eq(fx.verdict, "ok");
    mk_resp_release(&r);
    cJSON_Delete(out);
    out = act("regenerate-token", "{\"version\": \"v2\"}", &err);
    cr_assert_not_null(out);
    cr_assert_str_eq(fx.t->v2_token, cm_json_str(out, "token", ""));
    cr_assert_neq(strcmp(fx.t->v2_token, "V2TOK"), 0);
    cJSON_Delete(out);
    act_fails("regenerate-token", "{}", "version:");
}

Test(ns_actions, unknown_action_lists_the_known_ones)
{
    act_fails("delete-everything", NULL,
              "unknown action 'delete-everything' (apply-changes, create-profile, edit-profile, "
              "regenerate-token)");
    act_fails("apply-changes", "[]", "expected a JSON object");
}
