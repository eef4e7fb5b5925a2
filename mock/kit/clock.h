/*
 * clock.h: the virtual clock every service of one `secmock serve` reads.
 *
 * Two modes. Real: wall time plus an offset, so time flows as usual but can be
 * moved. Frozen: time stands at one value until it is set or advanced. Every
 * time-based rule (key delay, TTLs, token expiry, rate windows) asks
 * mk_clock_now(), so a scenario crosses 30 minutes or 5 days in a call.
 *
 * Thread-safe: all calls take the clock's own mutex. Time never moves
 * backwards through advance(); set() may move it anywhere (a scenario's
 * choice).
 */
#ifndef MK_CLOCK_H
#define MK_CLOCK_H

#include <pthread.h>
#include <stdint.h>

struct mk_clock {
    pthread_mutex_t lock;
    int frozen;            /* 1: now is frozen_ms; 0: wall() + offset_ms */
    int64_t offset_ms;     /* used when running */
    int64_t frozen_ms;     /* used when frozen */
    int64_t (*wall)(void); /* wall-clock source in ms; cm_wall_ms unless a test injects one */
};

/* Real mode with no offset. wall may be NULL (cm_wall_ms). */
void mk_clock_init(struct mk_clock *c, int64_t (*wall)(void));
void mk_clock_release(struct mk_clock *c);
int64_t mk_clock_now(struct mk_clock *c);
/* Moves to ms in either mode. */
void mk_clock_set(struct mk_clock *c, int64_t ms);
/* Moves forward by ms (>= 0, else CM_EINVAL). */
int mk_clock_advance(struct mk_clock *c, int64_t ms);
/* Stops time where it is now; resume() lets it flow again from there. Both idempotent. */
void mk_clock_freeze(struct mk_clock *c);
void mk_clock_resume(struct mk_clock *c);
int mk_clock_is_frozen(struct mk_clock *c);

#endif
