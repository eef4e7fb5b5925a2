/*
 * retry.c: backoff ceilings and draws, Retry-After and HTTP-date parsing.
 *
 * The HTTP-date parser is written here rather than with strptime(3), whose
 * month and day names follow the locale; the three RFC 9110 forms are small
 * enough to read by hand.
 */
#include "client/retry.h"

#include "common/error.h"
#include "common/timeutil.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void rc_retry_policy_default(struct rc_retry_policy *p, uint64_t seed)
{
    p->attempts = RC_RETRY_ATTEMPTS;
    p->base_ms = RC_RETRY_BASE_MS;
    p->max_ms = RC_RETRY_MAX_MS;
    p->max_wait_ms = RC_RETRY_MAX_WAIT_MS;
    p->seed = seed;
}

int64_t rc_backoff_ceiling(const struct rc_retry_policy *p, int n)
{
    int64_t c = p->base_ms > 0 ? p->base_ms : 0;
    int64_t cap = p->max_ms > 0 ? p->max_ms : 0;

    for (; n > 0 && c < cap; n--)
        c = c > INT64_MAX / 2 ? INT64_MAX : c * 2;
    return c < cap ? c : cap;
}

int64_t rc_backoff_ms(const struct rc_retry_policy *p, int n, struct cm_rng *rng)
{
    int64_t ceiling = rc_backoff_ceiling(p, n);

    if (ceiling <= 0)
        return 0;
    return (int64_t)cm_rng_below(rng, (uint64_t)ceiling + 1);
}

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Reads between lo and hi digits. */
static int read_num(const char **s, int lo, int hi, int *out)
{
    int v = 0, n = 0;

    while (n < hi && isdigit((unsigned char)**s)) {
        v = v * 10 + (*(*s)++ - '0');
        n++;
    }
    if (n < lo || isdigit((unsigned char)**s))
        return CM_EPARSE;
    *out = v;
    return 0;
}

static int read_month(const char **s, int *mon)
{
    static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int i;

    for (i = 0; i < 12; i++) {
        if (strncasecmp(*s, names + 3 * i, 3) == 0 && !isalpha((unsigned char)(*s)[3])) {
            *s += 3;
            *mon = i + 1;
            return 0;
        }
    }
    return CM_EPARSE;
}

static int read_hms(const char **s, int *h, int *mi, int *sec)
{
    if (read_num(s, 2, 2, h) || *(*s)++ != ':' || read_num(s, 2, 2, mi) || *(*s)++ != ':' ||
        read_num(s, 2, 2, sec))
        return CM_EPARSE;
    return 0;
}

static int read_zone(const char **s)
{
    if (strncasecmp(*s, "GMT", 3) == 0 || strncasecmp(*s, "UTC", 3) == 0) {
        *s += 3;
        return 0;
    }
    return CM_EPARSE;
}

int rc_http_date_parse(const char *s, int64_t *ms)
{
    int y, mon, d, h, mi, sec;

    s = skip_ws(s);
    if (!isalpha((unsigned char)*s))
        return CM_EPARSE;
    while (isalpha((unsigned char)*s)) /* the day name, not checked */
        s++;
    if (*s == ',') {
        /* IMF-fixdate or RFC 850: after the comma, the day of the month. */
        s++;
        s = skip_ws(s);
        if (read_num(&s, 1, 2, &d))
            return CM_EPARSE;
        if (*s == '-') {
            s++;
            if (read_month(&s, &mon) || *s++ != '-' || read_num(&s, 2, 4, &y))
                return CM_EPARSE;
            if (y < 100) /* RFC 850 two-digit year: the nearest such year not far ahead */
                y += y < 70 ? 2000 : 1900;
        } else {
            s = skip_ws(s);
            if (read_month(&s, &mon))
                return CM_EPARSE;
            s = skip_ws(s);
            if (read_num(&s, 4, 4, &y))
                return CM_EPARSE;
        }
        s = skip_ws(s);
        if (read_hms(&s, &h, &mi, &sec))
            return CM_EPARSE;
        s = skip_ws(s);
        if (read_zone(&s))
            return CM_EPARSE;
    } else {
        /* asctime: "Sun Nov  6 08:49:37 1994" (no zone; GMT by definition). */
        s = skip_ws(s);
        if (read_month(&s, &mon))
            return CM_EPARSE;
        s = skip_ws(s);
        if (read_num(&s, 1, 2, &d))
            return CM_EPARSE;
        s = skip_ws(s);
        if (read_hms(&s, &h, &mi, &sec))
            return CM_EPARSE;
        s = skip_ws(s);
        if (read_num(&s, 4, 4, &y))
            return CM_EPARSE;
    }
    s = skip_ws(s);
    if (*s != '\0' || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return CM_EPARSE;
    *ms = ((cm_days_from_civil(y, (unsigned)mon, (unsigned)d) * 86400) + h * 3600 + mi * 60 + sec) *
          1000;
    return 0;
}

int rc_retry_after_parse(const char *value, int64_t now_ms, int64_t *wait_ms)
{
    const char *s;
    int64_t secs = 0, at;

    if (value == NULL)
        return CM_EPARSE;
    s = skip_ws(value);
    if (isdigit((unsigned char)*s)) {
        while (isdigit((unsigned char)*s)) {
            /* Saturate: a wait this long is refused by max_wait_ms anyway. */
            secs = secs > INT64_MAX / 10000 ? INT64_MAX / 1000 : secs * 10 + (*s - '0');
            s++;
        }
        if (*skip_ws(s) != '\0')
            return CM_EPARSE;
        *wait_ms = secs > INT64_MAX / 1000 ? INT64_MAX : secs * 1000;
        return 0;
    }
    if (rc_http_date_parse(s, &at))
        return CM_EPARSE;
    *wait_ms = at > now_ms ? at - now_ms : 0;
    return 0;
}

int rc_reset_wait_parse(const char *value, double unit_ms, int64_t *wait_ms)
{
    char *end;
    double ms = strtod(value, &end) * unit_ms;

    while (*end == ' ' || *end == '\t')
        end++;
    if (end == value || *end != '\0' || !(ms >= 0 && ms <= 9e15))
        return CM_EPARSE;
    *wait_ms = (int64_t)ms;
    if ((double)*wait_ms < ms)
        (*wait_ms)++;
    return 0;
}
