/*
 * test_ns_hashes.c: the Netskope mock's hash values and lists
 * (mock/netskope/hashes.c) and its rate windows (rate.c): MD5/SHA256
 * validation in either case, list parsing, duplicates, set comparison, the
 * placeholder, and sliding windows on a virtual clock.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "test_ns_util.h"

Test(ns_hashes, kinds_by_length_and_hex_in_either_case)
{
    cr_assert_eq(ns_hash_kind(NSFX_MD5_C, 32), NS_MD5);
    cr_assert_eq(ns_hash_kind(NSFX_SHA_A, 64), NS_SHA256);
    cr_assert_eq(ns_hash_kind("0123456789ABCDEF0123456789abcdef", 32), NS_MD5);
    cr_assert_eq(ns_hash_kind(NS_PLACEHOLDER, 64), NS_SHA256, "the placeholder is a SHA256");
    cr_assert_eq(ns_hash_kind("0123456789abcdef0123456789abcde", 31), 0);
    cr_assert_eq(ns_hash_kind("0123456789abcdef0123456789abcdef0", 33), 0);
    cr_assert_eq(ns_hash_kind("da39a3ee5e6b4b0d3255bfef95601890afd80709", 40), 0, "SHA1");
    cr_assert_eq(ns_hash_kind("g123456789abcdef0123456789abcdef", 32), 0);
    cr_assert_eq(ns_hash_kind("0123456789abcdef 123456789abcdef", 32), 0);
    cr_assert_eq(ns_hash_kind("", 0), 0);
}

Test(ns_hashes, parse_normalises_and_keeps_first_order)
{
    struct ns_hashes l;
    struct ns_bad bad;
    const char *text =
        " " NSFX_SHA_B ",\n" NSFX_MD5_C " ,,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        "AAAAAAAAAAAAAAAAAAAAA\r\n" NSFX_SHA_B "," NSFX_SHA_A ",";

    cr_assert_eq(ns_hashes_parse(&l, text, strlen(text), &bad), 0);
    cr_assert_eq(bad.count, 0);
    cr_assert_eq(l.n, 3, "duplicates (also across case) are dropped");
    cr_assert_str_eq(l.h[0].v, NSFX_SHA_B);
    cr_assert_str_eq(l.h[1].v, NSFX_MD5_C);
    cr_assert_str_eq(l.h[2].v, NSFX_SHA_A, "upper case is stored lower-cased");
    cr_assert_eq(ns_hashes_count(&l, NS_MD5), 1);
    cr_assert_eq(ns_hashes_count(&l, NS_SHA256), 2);
    cr_assert_eq(ns_hashes_kinds(&l), NS_MD5 | NS_SHA256);
    ns_hashes_release(&l);
}

Test(ns_hashes, parse_reports_bad_values)
{
    struct ns_hashes l;
    struct ns_bad bad;
    char msg[300];
    const char *text = NSFX_SHA_A ",xyz,da39a3ee5e6b4b0d3255bfef95601890afd80709,"
                                  "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz,bad4,bad5";

    cr_assert_eq(ns_hashes_parse(&l, text, strlen(text), &bad), CM_EINVAL);
    cr_assert_eq(bad.count, 5);
    cr_assert_eq(l.n, 1, "the valid values are still parsed");
    ns_bad_describe(&bad, msg, sizeof(msg));
    cr_assert_str_eq(msg, "'xyz', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', "
                          "'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz' and 2 more");
    ns_hashes_release(&l);
}

Test(ns_hashes, parse_cuts_long_bad_values_in_reports)
{
    struct ns_hashes l;
    struct ns_bad bad;
    char *text = malloc(500);

    memset(text, 'x', 499);
    text[499] = '\0';
    cr_assert_eq(ns_hashes_parse(&l, text, strlen(text), &bad), CM_EINVAL);
    cr_assert_eq(strlen(bad.first[0]), 70);
    ns_hashes_release(&l);
    free(text);
}

Test(ns_hashes, empty_and_blank_lists_parse_to_nothing)
{
    struct ns_hashes l;
    struct ns_bad bad;

    cr_assert_eq(ns_hashes_parse(&l, " , ,\n", 5, &bad), 0);
    cr_assert_eq(l.n, 0);
    ns_hashes_release(&l);
    cr_assert_eq(ns_hashes_parse(&l, NULL, 0, &bad), 0);
    cr_assert_eq(l.n, 0);
    ns_hashes_release(&l);
}

Test(ns_hashes, from_json_takes_arrays_and_strings)
{
    struct ns_hashes l;
    struct ns_bad bad;
    cJSON *v = nsfx_json("[\"" NSFX_SHA_A "\", \"" NSFX_MD5_C "\\n" NSFX_SHA_B "\"]");

    cr_assert_eq(ns_hashes_from_json(&l, v, &bad), 0);
    cr_assert_eq(l.n, 3);
    ns_hashes_release(&l);
    cJSON_Delete(v);
    v = nsfx_json("[\"" NSFX_SHA_A "\", 12]");
    cr_assert_eq(ns_hashes_from_json(&l, v, &bad), CM_EINVAL);
    cr_assert_str_eq(bad.first[0], "(not a string)");
    ns_hashes_release(&l);
    cJSON_Delete(v);
    v = nsfx_json("{\"a\": 1}");
    cr_assert_eq(ns_hashes_from_json(&l, v, &bad), CM_EINVAL);
    ns_hashes_release(&l);
    cJSON_Delete(v);
}

Test(ns_hashes, same_set_ignores_order_and_case)
{
    struct ns_hashes a, b;
    struct ns_bad bad;
    const char *x = NSFX_SHA_A "," NSFX_MD5_C, *y = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC," NSFX_SHA_A,
               *z = NSFX_SHA_A "," NSFX_SHA_B;

    ns_hashes_parse(&a, x, strlen(x), &bad);
    ns_hashes_parse(&b, y, strlen(y), &bad);
    cr_assert(ns_hashes_same_set(&a, &b));
    ns_hashes_release(&b);
    ns_hashes_parse(&b, z, strlen(z), &bad);
    cr_assert_not(ns_hashes_same_set(&a, &b));
    ns_hashes_release(&b);
    ns_hashes_parse(&b, NSFX_SHA_A, 64, &bad);
    cr_assert_not(ns_hashes_same_set(&a, &b), "a subset is not the same set");
    ns_hashes_release(&b);
    ns_hashes_release(&a);
}

Test(ns_hashes, large_list_dedupes_quickly)
{
    size_t n = 200000, i;
    char *text = malloc(n * 65 + 1), *p = text;
    struct ns_hashes l;
    struct ns_bad bad;

    for (i = 0; i < n; i++) {
        snprintf(p, 66, "%064zx,", i % 150000);
        p += 65;
    }
    *p = '\0';
    cr_assert_eq(ns_hashes_parse(&l, text, strlen(text), &bad), 0);
    cr_assert_eq(l.n, 150000);
    cr_assert_str_eq(l.h[149999].v,
                     "00000000000000000000000000000000000000000000000000000000000249ef");
    ns_hashes_release(&l);
    free(text);
}

/* ---- rate windows ---- */

Test(ns_rate, admits_up_to_the_limit_per_window)
{
    struct ns_rate r;
    struct ns_rate_limit lim = {24, 5000};
    struct ns_rate_info info;
    int i;

    ns_rate_init(&r);
    for (i = 0; i < 24; i++)
        cr_assert(ns_rate_take(&r, &lim, 1000 + i * 100, &info), "request %d", i + 1);
    cr_assert_eq(info.remaining, 0);
    cr_assert_not(ns_rate_take(&r, &lim, 3400, &info), "the 25th within 5 s");
    cr_assert_eq(info.reset_s, 3, "the oldest (t=1000) leaves at 6000: 2.6 s, rounded up");
    cr_assert_not(ns_rate_take(&r, &lim, 5999, &info));
    cr_assert(ns_rate_take(&r, &lim, 6000, &info), "the oldest left the window");
    cr_assert_eq(info.remaining, 0);
    ns_rate_release(&r);
}

Test(ns_rate, refused_requests_are_not_counted)
{
    struct ns_rate r;
    struct ns_rate_limit lim = {2, 1000};
    struct ns_rate_info info;
    int i;

    ns_rate_init(&r);
    cr_assert(ns_rate_take(&r, &lim, 0, &info));
    cr_assert_eq(info.remaining, 1);
    cr_assert_eq(info.reset_s, 1);
    cr_assert(ns_rate_take(&r, &lim, 10, &info));
    for (i = 0; i < 100; i++)
        cr_assert_not(ns_rate_take(&r, &lim, 500, &info));
    cr_assert_eq(info.reset_s, 1);
    cr_assert(ns_rate_take(&r, &lim, 1000, &info));
    cr_assert(ns_rate_take(&r, &lim, 1010, &info), "100 refusals left no trace");
    ns_rate_release(&r);
}

Test(ns_rate, clock_set_back_forgets_future_times)
{
    struct ns_rate r;
    struct ns_rate_limit lim = {1, 60000};

    ns_rate_init(&r);
    cr_assert(ns_rate_take(&r, &lim, 100000, NULL));
    cr_assert_not(ns_rate_take(&r, &lim, 100001, NULL));
    cr_assert(ns_rate_take(&r, &lim, 5000, NULL), "a window 'in the future' is dropped");
    ns_rate_release(&r);
}

Test(ns_rate, zero_requests_means_no_limit)
{
    struct ns_rate r;
    struct ns_rate_limit lim = {0, 1000};
    struct ns_rate_info info;
    int i;

    ns_rate_init(&r);
    for (i = 0; i < 1000; i++)
        cr_assert(ns_rate_take(&r, &lim, 0, &info));
    cr_assert_eq(r.n, 0, "nothing recorded");
    cr_assert_eq(info.limit, 0);
    ns_rate_release(&r);
}
