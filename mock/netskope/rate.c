/*
 * rate.c: sliding-window rate limits read on the virtual clock.
 *
 * A window keeps the times of the requests it admitted during the last
 * window_ms. A request is admitted while fewer than `requests` remain in it;
 * a refused request is not recorded, so a client that backs off for the
 * Retry-After it was told gets through. Reset (seconds, rounded up) is when
 * the oldest admitted request leaves the window, which is when a refused
 * client may try again. Times after "now" (the clock was set back) are
 * forgotten rather than blocking a scenario until the clock catches up.
 */
#include "mock/netskope/ns.h"

#include "common/mem.h"

#include <stdlib.h>
#include <string.h>

void ns_rate_init(struct ns_rate *r)
{
    memset(r, 0, sizeof(*r));
}

void ns_rate_release(struct ns_rate *r)
{
    free(r->t);
    memset(r, 0, sizeof(*r));
}

void ns_rate_clear(struct ns_rate *r)
{
    r->n = 0;
}

void ns_rate_push(struct ns_rate *r, int64_t t_ms)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 8;
        r->t = cm_realloc(r->t, (size_t)r->cap * sizeof(*r->t));
    }
    r->t[r->n++] = t_ms;
}

static int64_t ceil_s(int64_t ms)
{
    return ms <= 0 ? 0 : (ms + 999) / 1000;
}

int ns_rate_take(struct ns_rate *r, const struct ns_rate_limit *lim, int64_t now_ms,
                 struct ns_rate_info *info)
{
    int i, o, admitted;

    for (i = o = 0; i < r->n; i++)
        if (r->t[i] > now_ms - lim->window_ms && r->t[i] <= now_ms)
            r->t[o++] = r->t[i];
    r->n = o;
    admitted = lim->requests <= 0 || r->n < lim->requests;
    if (admitted && lim->requests > 0)
        ns_rate_push(r, now_ms);
    if (info) {
        info->limit = lim->requests;
        info->remaining = lim->requests > r->n ? lim->requests - r->n : 0;
        info->reset_s = r->n ? ceil_s(r->t[0] + lim->window_ms - now_ms) : 0;
        if (!admitted && info->reset_s < 1)
            info->reset_s = 1;
    }
    return admitted;
}
