/*
 * test_mm_pagetoken.c: numbers read back from a page token's payload. The
 * MAC proves a token came from this process, not that its numbers fit: a
 * payload with a time, position or size beyond any integer type is cut to
 * range instead of converted out of range (found by tests/fuzz, pagetoken).
 */
#include <criterion/criterion.h>

#include "mock/mimecast/mm.h"
#include "tests/unit/test_mm_util.h"

static const char payload[] = "{\"f\": 1.77e19, \"t\": -5e30, \"s\": 1e300, \"p\": 3, \"n\": \"7\","
                              " \"q\": 2.9}";

Test(mm_pagetoken, payload_numbers_are_cut_to_range)
{
    cJSON *p = mmfx_json(payload);

    cr_assert_eq(mm_token_int(p, "f", 0, MM_TOKEN_TIME_MAX, 0), MM_TOKEN_TIME_MAX);
    cr_assert_eq(mm_token_int(p, "t", -MM_TOKEN_TIME_MAX, MM_TOKEN_TIME_MAX, 0),
                 -MM_TOKEN_TIME_MAX);
    cr_assert_eq(mm_token_int(p, "s", 0, INT32_MAX, 100), INT32_MAX);
    cr_assert_eq(mm_token_int(p, "p", -1, 10, -1), 3);
    cr_assert_eq(mm_token_int(p, "q", 0, 10, 0), 2);
    cr_assert_eq(mm_token_int(p, "n", 0, 10, 5), 5, "a string is not a number");
    cr_assert_eq(mm_token_int(p, "absent", -1, 10, -1), -1);
    cJSON_Delete(p);
}

Test(mm_pagetoken, sealed_payload_with_huge_numbers_is_served)
{
    struct mmfx fx;
    struct mk_response r;
    cJSON *p =
        mmfx_json("{\"k\": \"url\", \"a\": \"CUSA1\", \"f\": 0, \"t\": 1.77e19, \"s\": 1e300,"
                  " \"p\": 9.2e18, \"o\": true}");
    char *tok, *body;

    mmfx_load(&fx, MMFX_STATE);
    tok = mm_token_seal(fx.st, p);
    body =
        cm_asprintf("{\"meta\": {\"pagination\": {\"pageToken\": \"%s\"}}, \"data\": [{}]}", tok);
    cr_assert_eq(mmfx_post_as(&fx, MMFX_AK, "/api/ttp/url/get-logs", body, MMFX_NOW, &r), 200, "%s",
                 cm_buf_str(&r.body));
    cr_assert(strstr(cm_buf_str(&r.body), "\"clickLogs\":[]"), "%s", cm_buf_str(&r.body));
    mk_resp_release(&r);
    free(body);
    free(tok);
    cJSON_Delete(p);
    mmfx_free(&fx);
}
