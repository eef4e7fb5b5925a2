/*
 * test_client_retry.c: the retry arithmetic of client/retry.c: backoff
 * ceilings and jittered draws (bounds, cap, reproducibility) and Retry-After
 * parsing (delay-seconds, the three HTTP-date forms, garbage).
 */
#include <criterion/criterion.h>

#include "client/retry.h"
#include "common/error.h"

/* Sun, 06 Nov 1994 08:49:37 GMT, the RFC 9110 example. */
#define EXAMPLE_MS 784111777000LL

static struct rc_retry_policy policy(int64_t base, int64_t max)
{
    struct rc_retry_policy p;

    rc_retry_policy_default(&p, 42);
    p.base_ms = base;
    p.max_ms = max;
    return p;
}

Test(client_backoff, defaults_are_documented_values)
{
    struct rc_retry_policy p;

    rc_retry_policy_default(&p, 7);
    cr_assert_eq(p.attempts, 4);
    cr_assert_eq(p.base_ms, 500);
    cr_assert_eq(p.max_ms, 30000);
    cr_assert_eq(p.max_wait_ms, 300000);
    cr_assert_eq(p.seed, 7);
}

Test(client_backoff, ceiling_doubles_then_caps)
{
    struct rc_retry_policy p = policy(500, 30000);

    cr_assert_eq(rc_backoff_ceiling(&p, 0), 500);
    cr_assert_eq(rc_backoff_ceiling(&p, 1), 1000);
    cr_assert_eq(rc_backoff_ceiling(&p, 2), 2000);
    cr_assert_eq(rc_backoff_ceiling(&p, 5), 16000);
    cr_assert_eq(rc_backoff_ceiling(&p, 6), 30000, "32 s must be capped to 30 s");
    cr_assert_eq(rc_backoff_ceiling(&p, 1000), 30000, "a large retry number must not overflow");
}

Test(client_backoff, cap_below_base_wins)
{
    struct rc_retry_policy p = policy(5000, 1000);

    cr_assert_eq(rc_backoff_ceiling(&p, 0), 1000);
    cr_assert_eq(rc_backoff_ceiling(&p, 3), 1000);
}

Test(client_backoff, huge_base_does_not_overflow)
{
    struct rc_retry_policy p = policy(INT64_MAX / 2 + 1, INT64_MAX);

    cr_assert_eq(rc_backoff_ceiling(&p, 3), INT64_MAX);
}

Test(client_backoff, zero_base_never_waits)
{
    struct rc_retry_policy p = policy(0, 30000);
    struct cm_rng rng;
    int n;

    cm_rng_seed(&rng, 1);
    for (n = 0; n < 10; n++)
        cr_assert_eq(rc_backoff_ms(&p, n, &rng), 0);
}

Test(client_backoff, draws_stay_within_zero_and_ceiling_and_spread)
{
    struct rc_retry_policy p = policy(500, 30000);
    struct cm_rng rng;
    int n, i;

    cm_rng_seed(&rng, 99);
    for (n = 0; n < 8; n++) {
        int64_t ceiling = rc_backoff_ceiling(&p, n), lo = INT64_MAX, hi = -1;
        for (i = 0; i < 2000; i++) {
            int64_t w = rc_backoff_ms(&p, n, &rng);
            cr_assert(w >= 0 && w <= ceiling, "retry %d: %lld outside [0, %lld]", n, (long long)w,
                      (long long)ceiling);
            lo = w < lo ? w : lo;
            hi = w > hi ? w : hi;
        }
        /* Full jitter: the draws cover most of the range, not a band near the ceiling. */
        cr_assert(lo < ceiling / 10, "retry %d: smallest draw %lld", n, (long long)lo);
        cr_assert(hi > ceiling - ceiling / 10, "retry %d: largest draw %lld", n, (long long)hi);
    }
}

Test(client_backoff, same_seed_same_waits_other_seed_other_waits)
{
    struct rc_retry_policy p = policy(500, 30000);
    struct cm_rng a, b, c;
    int n, differ = 0;

    cm_rng_seed(&a, 1234);
    cm_rng_seed(&b, 1234);
    cm_rng_seed(&c, 1235);
    for (n = 0; n < 20; n++) {
        int64_t wa = rc_backoff_ms(&p, n % 7, &a);
        cr_assert_eq(wa, rc_backoff_ms(&p, n % 7, &b), "draw %d differs with the same seed", n);
        differ += wa != rc_backoff_ms(&p, n % 7, &c);
    }
    cr_assert_gt(differ, 10, "another seed should give other waits");
}

Test(client_retry_after, delay_seconds)
{
    int64_t w = -1;

    cr_assert_eq(rc_retry_after_parse("30", 0, &w), 0);
    cr_assert_eq(w, 30000);
    cr_assert_eq(rc_retry_after_parse(" 120 ", 0, &w), 0);
    cr_assert_eq(w, 120000);
    cr_assert_eq(rc_retry_after_parse("0", 0, &w), 0);
    cr_assert_eq(w, 0);
}

Test(client_retry_after, huge_delay_saturates_instead_of_overflowing)
{
    int64_t w = 0;

    cr_assert_eq(rc_retry_after_parse("99999999999999999999999999", 0, &w), 0);
    cr_assert_gt(w, (int64_t)1e15);
}

Test(client_retry_after, imf_fixdate_is_relative_to_the_clock)
{
    int64_t w = -1;

    cr_assert_eq(rc_retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", EXAMPLE_MS - 45000, &w), 0);
    cr_assert_eq(w, 45000);
}

Test(client_retry_after, utc_is_accepted_for_gmt)
{
    int64_t w = -1;

    cr_assert_eq(rc_retry_after_parse("Sun, 06 Nov 1994 08:49:37 UTC", EXAMPLE_MS - 1000, &w), 0);
    cr_assert_eq(w, 1000);
}

Test(client_retry_after, rfc850_and_asctime_forms)
{
    int64_t t = 0;

    cr_assert_eq(rc_http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", &t), 0);
    cr_assert_eq(t, EXAMPLE_MS);
    cr_assert_eq(rc_http_date_parse("Sun Nov  6 08:49:37 1994", &t), 0);
    cr_assert_eq(t, EXAMPLE_MS);
    cr_assert_eq(rc_http_date_parse("Mon, 02 Mar 2026 09:30:00 GMT", &t), 0);
    cr_assert_eq(t, 1772443800000LL);
}

Test(client_retry_after, date_in_the_past_means_now)
{
    int64_t w = -1;

    cr_assert_eq(rc_retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", EXAMPLE_MS + 60000, &w), 0);
    cr_assert_eq(w, 0);
}

Test(client_retry_after, garbage_is_refused)
{
    static const char *const bad[] = {
        "",
        "soon",
        "-5",
        "1.5",
        "30s",
        "30 seconds",
        "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 06 Nov 1994 25:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT junk",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "2026-03-02T09:00:00Z",
    };
    size_t i;
    int64_t w = 77;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(rc_retry_after_parse(bad[i], 0, &w), CM_EPARSE, "'%s' was accepted", bad[i]);
    cr_assert_eq(rc_retry_after_parse(NULL, 0, &w), CM_EPARSE);
    cr_assert_eq(w, 77, "a refused value must not touch the output");
}

Test(client_retry_after, reset_wait_in_seconds_or_milliseconds_rounded_up)
{
    int64_t w = -1;

    cr_assert_eq(rc_reset_wait_parse("1500", 1.0, &w), 0);
    cr_assert_eq(w, 1500);
    cr_assert_eq(rc_reset_wait_parse("2.5", 1000.0, &w), 0);
    cr_assert_eq(w, 2500);
    cr_assert_eq(rc_reset_wait_parse("0.0004", 1000.0, &w), 0);
    cr_assert_eq(w, 1, "a part of a millisecond is waited whole");
    cr_assert_eq(rc_reset_wait_parse("30 \t", 1000.0, &w), 0);
    cr_assert_eq(w, 30000);
    w = -1;
    cr_assert_eq(rc_reset_wait_parse("", 1.0, &w), CM_EPARSE);
    cr_assert_eq(rc_reset_wait_parse("-1", 1.0, &w), CM_EPARSE);
    cr_assert_eq(rc_reset_wait_parse("soon", 1.0, &w), CM_EPARSE);
    cr_assert_eq(rc_reset_wait_parse("10s", 1000.0, &w), CM_EPARSE);
    cr_assert_eq(rc_reset_wait_parse("1e300", 1.0, &w), CM_EPARSE);
    cr_assert_eq(rc_reset_wait_parse("nan", 1.0, &w), CM_EPARSE);
    cr_assert_eq(w, -1, "left alone when refused");
}
