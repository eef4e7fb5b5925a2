/*
 * clock.h: where the reference client gets the time and how it waits.
 *
 * Every time-dependent piece of the client (Retry-After, backoff, poll
 * intervals, token expiry, checkpoints) asks rc_clock_now() and waits with
 * rc_sleep(), never time(2) or sleep(3). Three sources:
 *
 * - wall: the system clock and nanosleep(2). The default.
 * - admin: a `secmock serve` process's virtual clock, through its admin API
 *   (docs/admin-api.md). now is GET {admin}/clock's "now_ms"; a sleep is
 *   POST {admin}/clock {"advance": ms}, so a client waiting 30 s for
 *   Retry-After moves the mocks' time 30 s forward and returns at once.
 *   Selected with SECMOCK_CLOCK=admin and SECMOCK_ADMIN_URL (or the matching
 *   options); SECMOCK_ADMIN_TOKEN, when set, goes as Authorization: Bearer.
 * - fake: an in-memory clock for unit tests; sleeping moves it and adds to a
 *   counter the test can read (rc_clock_fake_slept()).
 *
 * Lifecycle: rc_clock_new_*() return a heap clock the caller frees with
 * rc_clock_free() (NULL is a no-op). String arguments are copied. Not
 * thread-safe; one clock per thread of work.
 */
#ifndef RC_CLOCK_H
#define RC_CLOCK_H

#include <stdint.h>

#include "common/error.h"
#include "common/http.h"

/* The exchange the admin clock uses; the same shape as cm_http_perform so tests can fake it. */
typedef int (*rc_transport_fn)(const struct cm_http_request *req, struct cm_http_response *resp);

enum rc_clock_kind { RC_CLOCK_WALL, RC_CLOCK_ADMIN, RC_CLOCK_FAKE };

struct rc_clock {
    enum rc_clock_kind kind;
    /* admin: */
    char *admin_url;           /* without a trailing '/'; owned */
    char *auth_header;         /* "Authorization: Bearer <token>" or NULL; owned */
    rc_transport_fn transport; /* cm_http_perform unless a test sets another */
    /* fake: */
    int64_t fake_now_ms;
    int64_t fake_slept_ms; /* total of every rc_sleep() so far */
};

struct rc_clock *rc_clock_new_wall(void);
/* admin_url: the admin listener ("http://127.0.0.1:40001"); token may be NULL. */
struct rc_clock *rc_clock_new_admin(const char *admin_url, const char *token);
struct rc_clock *rc_clock_new_fake(int64_t start_ms);
void rc_clock_free(struct rc_clock *c);

/* 1 when time is virtual (admin or fake): waits cost no wall time. */
int rc_clock_is_virtual(const struct rc_clock *c);
/* Current time in ms since the epoch. Admin: CM_ECONN/CM_ETIMEDOUT/CM_EPROTO with err saying why.
 */
int rc_clock_now(struct rc_clock *c, int64_t *now_ms, struct cm_err *err);
/* Waits ms (<= 0 returns at once). Wall: nanosleep, resumed after signals. Admin: advances
 * the mocks' clock. Fake: advances fake_now_ms and fake_slept_ms. */
int rc_sleep(struct rc_clock *c, int64_t ms, struct cm_err *err);
/* Total slept on a fake clock (0 for the others). */
int64_t rc_clock_fake_slept(const struct rc_clock *c);

#endif
