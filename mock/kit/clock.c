/*
 * clock.c: the virtual clock. Running mode keeps only an offset from the
 * wall clock, so reading it costs one clock_gettime and a lock.
 */
#include "mock/kit/clock.h"

#include "common/error.h"
#include "common/timeutil.h"

void mk_clock_init(struct mk_clock *c, int64_t (*wall)(void))
{
    pthread_mutex_init(&c->lock, NULL);
    c->frozen = 0;
    c->offset_ms = 0;
    c->frozen_ms = 0;
    c->wall = wall ? wall : cm_wall_ms;
}

void mk_clock_release(struct mk_clock *c)
{
    pthread_mutex_destroy(&c->lock);
}

static int64_t now_locked(const struct mk_clock *c)
{
    return c->frozen ? c->frozen_ms : c->wall() + c->offset_ms;
}

int64_t mk_clock_now(struct mk_clock *c)
{
    int64_t t;

    pthread_mutex_lock(&c->lock);
    t = now_locked(c);
    pthread_mutex_unlock(&c->lock);
    return t;
}

void mk_clock_set(struct mk_clock *c, int64_t ms)
{
    pthread_mutex_lock(&c->lock);
    if (c->frozen)
        c->frozen_ms = ms;
    else
        c->offset_ms = ms - c->wall();
    pthread_mutex_unlock(&c->lock);
}

int mk_clock_advance(struct mk_clock *c, int64_t ms)
{
    if (ms < 0)
        return CM_EINVAL;
    pthread_mutex_lock(&c->lock);
    if (c->frozen)
        c->frozen_ms += ms;
    else
        c->offset_ms += ms;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

void mk_clock_freeze(struct mk_clock *c)
{
    pthread_mutex_lock(&c->lock);
    if (!c->frozen) {
        c->frozen_ms = now_locked(c);
        c->frozen = 1;
    }
    pthread_mutex_unlock(&c->lock);
}

void mk_clock_resume(struct mk_clock *c)
{
    pthread_mutex_lock(&c->lock);
    if (c->frozen) {
        c->offset_ms = c->frozen_ms - c->wall();
        c->frozen = 0;
    }
    pthread_mutex_unlock(&c->lock);
}

int mk_clock_is_frozen(struct mk_clock *c)
{
    int f;

    pthread_mutex_lock(&c->lock);
    f = c->frozen;
    pthread_mutex_unlock(&c->lock);
    return f;
}
