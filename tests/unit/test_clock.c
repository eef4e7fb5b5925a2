/*
 * test_clock.c: the virtual clock, with an injected wall clock so that no
 * test depends on real time passing.
 */
#include <criterion/criterion.h>

#include "mock/kit/clock.h"

static int64_t fake_wall_ms;

static int64_t fake_wall(void)
{
    return fake_wall_ms;
}

static struct mk_clock c;

static void setup(void)
{
    fake_wall_ms = 1000000;
    mk_clock_init(&c, fake_wall);
}

static void teardown(void)
{
    mk_clock_release(&c);
}

TestSuite(clock, .init = setup, .fini = teardown);

Test(clock, running_follows_wall)
{
    cr_assert_eq(mk_clock_now(&c), 1000000);
    fake_wall_ms += 250;
    cr_assert_eq(mk_clock_now(&c), 1000250);
    cr_assert_not(mk_clock_is_frozen(&c));
}

Test(clock, set_while_running_keeps_flowing)
{
    mk_clock_set(&c, 5000);
    cr_assert_eq(mk_clock_now(&c), 5000);
    fake_wall_ms += 10;
    cr_assert_eq(mk_clock_now(&c), 5010);
}

Test(clock, frozen_stands_still_until_advanced)
{
    mk_clock_set(&c, 7000);
    mk_clock_freeze(&c);
    fake_wall_ms += 99999;
    cr_assert_eq(mk_clock_now(&c), 7000);
    cr_assert_eq(mk_clock_advance(&c, 30 * 60 * 1000), 0);
    cr_assert_eq(mk_clock_now(&c), 7000 + 1800000);
    cr_assert(mk_clock_is_frozen(&c));
}

Test(clock, resume_continues_from_frozen_time)
{
    mk_clock_set(&c, 7000);
    mk_clock_freeze(&c);
    fake_wall_ms += 500;
    mk_clock_resume(&c);
    cr_assert_eq(mk_clock_now(&c), 7000);
    fake_wall_ms += 20;
    cr_assert_eq(mk_clock_now(&c), 7020);
}

Test(clock, freeze_and_resume_are_idempotent)
{
    mk_clock_freeze(&c);
    mk_clock_freeze(&c);
    cr_assert_eq(mk_clock_now(&c), 1000000);
    mk_clock_resume(&c);
    mk_clock_resume(&c);
    fake_wall_ms += 1;
    cr_assert_eq(mk_clock_now(&c), 1000001);
}

Test(clock, advance_refuses_negative)
{
    cr_assert_neq(mk_clock_advance(&c, -1), 0);
    cr_assert_eq(mk_clock_now(&c), 1000000);
}

Test(clock, advance_while_running_shifts_offset)
{
    cr_assert_eq(mk_clock_advance(&c, 5 * 86400000LL), 0);
    cr_assert_eq(mk_clock_now(&c), 1000000 + 5 * 86400000LL);
}
