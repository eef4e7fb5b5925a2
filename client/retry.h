/*
 * retry.h: the client's retry arithmetic, kept free of I/O so it can be
 * tested exactly: exponential backoff with full jitter, and the server's own
 * wait read from Retry-After (delay-seconds or an HTTP-date).
 *
 * Backoff (the "full jitter" scheme): before retry number n (0 for the first
 * retry) the ceiling is min(max_ms, base_ms * 2^n) and the wait is drawn
 * uniformly from [0, ceiling]. The draw comes from a seeded struct cm_rng, so
 * a run with the same seed waits the same amounts (scenarios replay exactly).
 *
 * Everything here is pure: no allocation, nothing borrowed beyond the call.
 */
#ifndef RC_RETRY_H
#define RC_RETRY_H

#include <stdint.h>

#include "common/rng.h"

/* Defaults, documented in docs/client.md ("Retry policy"). */
#define RC_RETRY_ATTEMPTS    4      /* tries in all: the first one and 3 retries */
#define RC_RETRY_BASE_MS     500    /* ceiling of the first backoff */
#define RC_RETRY_MAX_MS      30000  /* no backoff ceiling goes above this */
#define RC_RETRY_MAX_WAIT_MS 300000 /* a server asking for longer is not waited for */

/* How one logical request is retried. Plain values; copy freely. */
struct rc_retry_policy {
    int attempts;        /* tries in all, >= 1 (1: never retry) */
    int64_t base_ms;     /* >= 0 */
    int64_t max_ms;      /* >= 0; caps every backoff ceiling */
    int64_t max_wait_ms; /* longest server-requested wait honoured (Retry-After, vendor hook) */
    uint64_t seed;       /* jitter seed */
};

/* The defaults above, with the given seed. */
void rc_retry_policy_default(struct rc_retry_policy *p, uint64_t seed);

/* The ceiling before retry n (n >= 0): min(max_ms, base_ms * 2^n), without overflow. */
int64_t rc_backoff_ceiling(const struct rc_retry_policy *p, int n);
/* A wait in [0, rc_backoff_ceiling(p, n)], drawn from rng (advances it). */
int64_t rc_backoff_ms(const struct rc_retry_policy *p, int n, struct cm_rng *rng);

/*
 * Parses a Retry-After value: delay-seconds ("30") or an HTTP-date in any of
 * the three forms RFC 9110 makes recipients accept (IMF-fixdate
 * "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT",
 * asctime "Sun Nov  6 08:49:37 1994"); "UTC" is accepted for "GMT". A date is
 * turned into a wait relative to now_ms (the client's clock, virtual inside a
 * scenario); a date in the past gives 0. Returns 0 and sets *wait_ms, or
 * CM_EPARSE for anything else (the caller then falls back to backoff).
 */
int rc_retry_after_parse(const char *value, int64_t now_ms, int64_t *wait_ms);
/*
 * Parses a rate-limit reset header's value: a non-negative number of units
 * (unit_ms 1 for milliseconds, 1000 for seconds), blanks after it allowed,
 * into a wait in ms rounded up. Returns 0, or CM_EPARSE for anything else,
 * a negative number, or more than about 285 000 years.
 */
int rc_reset_wait_parse(const char *value, double unit_ms, int64_t *wait_ms);
/* Parses an HTTP-date alone (the forms above) into ms since the epoch; 0 or CM_EPARSE. */
int rc_http_date_parse(const char *s, int64_t *ms);

#endif
