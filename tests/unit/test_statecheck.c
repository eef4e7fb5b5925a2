/*
 * Unit tests for mock/kit/statecheck.c: each member check's refusal names the
 * path and what was expected, and what it accepts is copied with its default.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "common/json.h"
#include "mock/kit/statecheck.h"

static cJSON *doc(const char *text)
{
    cJSON *d = cm_json_parse(text, strlen(text), "test", NULL);

    cr_assert_not_null(d, "%s", text);
    return d;
}

Test(statecheck, keys_refuses_unknown_members_and_non_objects)
{
    static const char *const keys[] = {"name", "size", NULL};
    struct cm_err err = {{0}};
    cJSON *ok = doc("{\"name\":\"a\"}"), *typo = doc("{\"nmae\":\"a\"}"), *arr = doc("[]");

    cr_assert_eq(mk_sc_keys(ok, "accounts[0]", keys, &err), 0);
    cr_assert_eq(mk_sc_keys(typo, "accounts[0]", keys, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg, "accounts[0].nmae: unknown member");
    cr_assert_eq(mk_sc_keys(arr, "accounts[0]", keys, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg, "accounts[0]: expected an object");
    cJSON_Delete(ok);
    cJSON_Delete(typo);
    cJSON_Delete(arr);
}

Test(statecheck, str_required_default_empty_and_length)
{
    struct cm_err err = {{0}};
    cJSON *in = doc("{\"a\":\"\",\"b\":\"toolong\",\"c\":7}"), *out = cJSON_CreateObject();

    cr_assert_eq(mk_sc_str(in, "x", "w", 10, 0, NULL, out, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg, "w.x: required");
    cr_assert_eq(mk_sc_str(in, "x", "w", 10, 0, "dflt", out, &err), 0);
    cr_assert_str_eq(cm_json_str(out, "x", ""), "dflt");
    cr_assert_eq(mk_sc_str(in, "a", "w", 10, 1, NULL, out, &err), 0, "empty allowed");
    cr_assert_eq(mk_sc_str(in, "a", "w", 10, 0, NULL, out, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg, "w.a: expected a non-empty string of at most 10 characters");
    cr_assert_eq(mk_sc_str(in, "b", "w", 3, 1, NULL, out, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg, "w.b: expected a string of at most 3 characters");
    cr_assert_eq(mk_sc_str(in, "c", "w", 3, 1, NULL, out, &err), CM_EINVAL);
    cJSON_Delete(in);
    cJSON_Delete(out);
}

Test(statecheck, bool_and_int)
{
    struct cm_err err = {{0}};
    cJSON *in = doc("{\"t\":true,\"s\":\"yes\",\"n\":5,\"f\":1.5,\"big\":1e12}");
    cJSON *out = cJSON_CreateObject();

    cr_assert_eq(mk_sc_bool(in, "t", "w", 0, out, &err), 0);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(out, "t")));
    cr_assert_eq(mk_sc_bool(in, "missing", "w", 1, out, &err), 0);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(out, "missing")));
    cr_assert_eq(mk_sc_bool(in, "s", "w", 0, out, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg, "w.s: expected true or false");
    cr_assert_eq(mk_sc_int(in, "n", "w", 1, 10, 3, out, &err), 0);
    cr_assert_eq(cm_json_num(out, "n", 0), 5);
    cr_assert_eq(mk_sc_int(in, "m", "w", 1, 10, 3, out, &err), 0);
    cr_assert_eq(cm_json_num(out, "m", 0), 3);
    cr_assert_eq(mk_sc_int(in, "m2", "w", 1, 10, MK_SC_REQUIRED, out, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg, "w.m2: required");
    cr_assert_eq(mk_sc_int(in, "f", "w", 1, 10, 3, out, &err), CM_EINVAL);
    cr_assert_str_eq(err.msg, "w.f: expected an integer from 1 to 10");
    cr_assert_eq(mk_sc_int(in, "big", "w", 1, 10, 3, out, &err), CM_EINVAL);
    cJSON_Delete(in);
    cJSON_Delete(out);
}

Test(statecheck, time_forms_and_a_number_too_big_for_milliseconds)
{
    struct cm_err err = {{0}};
    cJSON *in = doc("{\"a\":\"2026-03-02T09:00:00Z\",\"b\":1000,\"c\":1e300,\"d\":\"soon\"}");
    int64_t ms = -7;
    int present = -1;

    cr_assert_eq(mk_sc_time(in, "none", "w", &ms, &present, &err), 0);
    cr_assert_eq(present, 0);
    cr_assert_eq(ms, -7, "left alone when absent");
    cr_assert_eq(mk_sc_time(in, "a", "w", &ms, &present, &err), 0);
    cr_assert_eq(present, 1);
    cr_assert_eq(ms, 1772442000000LL);
    cr_assert_eq(mk_sc_time(in, "b", "w", &ms, &present, &err), 0);
    cr_assert_eq(ms, 1000);
    cr_assert_eq(mk_sc_time(in, "c", "w", &ms, &present, &err), CM_EINVAL);
    cr_assert(strstr(err.msg, "w.c: expected an RFC 3339 time") != NULL, "%s", err.msg);
    cr_assert_eq(mk_sc_time(in, "d", "w", &ms, &present, &err), CM_EINVAL);
    cJSON_Delete(in);
}
