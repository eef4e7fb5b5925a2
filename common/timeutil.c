/*
 * timeutil.c: durations, RFC 3339 parsing and formatting, civil-date
 * arithmetic (Howard Hinnant's days_from_civil algorithm, restated).
 */
#include "common/timeutil.h"

#include "common/error.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int cm_duration_parse(const char *s, int64_t *ms)
{
    int64_t total = 0;
    int any = 0;

    if (s == NULL || *s == '\0')
        return CM_EPARSE;
    while (*s) {
        int64_t n = 0, unit;
        int digits = 0;

        while (isdigit((unsigned char)*s)) {
            if (n > INT64_MAX / 10 - 10)
                return CM_EPARSE;
            n = n * 10 + (*s++ - '0');
            digits++;
        }
        if (!digits)
            return CM_EPARSE;
        if (*s == '\0' && !any) {
            *ms = n;
            return 0;
        }
        if (strncmp(s, "ms", 2) == 0) {
            unit = 1;
            s += 2;
        } else {
            switch (*s) {
            case 's':
                unit = 1000;
                break;
            case 'm':
                unit = 60000;
                break;
            case 'h':
                unit = 3600000;
                break;
            case 'd':
                unit = 86400000;
                break;
            case 'w':
                unit = 7 * 86400000LL;
                break;
            default:
                return CM_EPARSE;
            }
            s++;
        }
        if (n > (INT64_MAX - total) / unit)
            return CM_EPARSE;
        total += n * unit;
        any = 1;
    }
    *ms = total;
    return 0;
}

void cm_duration_format(int64_t ms, char *out, size_t size)
{
    static const struct {
        int64_t unit;
        const char *name;
    } units[] = {{86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}, {1, "ms"}};
    size_t i, off = 0;

    if (size == 0)
        return;
    out[0] = '\0';
    if (ms <= 0) {
        snprintf(out, size, "%s0s", ms < 0 ? "-" : "");
        return;
    }
    for (i = 0; i < sizeof(units) / sizeof(units[0]) && off < size; i++) {
        if (ms >= units[i].unit) {
            int n = snprintf(out + off, size - off, "%lld%s", (long long)(ms / units[i].unit),
                             units[i].name);
            if (n < 0)
                return;
            off += (size_t)n;
            ms %= units[i].unit;
        }
    }
}

int64_t cm_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void cm_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int digits(const char **s, int n, int *out)
{
    int v = 0;

    while (n-- > 0) {
        if (!isdigit((unsigned char)**s))
            return -1;
        v = v * 10 + (*(*s)++ - '0');
    }
    *out = v;
    return 0;
}

int cm_time_parse(const char *s, int64_t *ms)
{
    int y, mo, d, h, mi, sec, frac = 0, fdig = 0, oh = 0, om = 0, sign = 0;
    int64_t t;

    if (s == NULL || digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) || *s++ != '-' ||
        digits(&s, 2, &d))
        return CM_EPARSE;
    if (*s != 'T' && *s != 't' && *s != ' ')
        return CM_EPARSE;
    s++;
    if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi) || *s++ != ':' ||
        digits(&s, 2, &sec))
        return CM_EPARSE;
    if (*s == '.') {
        s++;
        while (isdigit((unsigned char)*s)) {
            if (fdig < 3) {
                frac = frac * 10 + (*s - '0');
                fdig++;
            }
            s++;
        }
        if (fdig == 0)
            return CM_EPARSE;
        while (fdig < 3) {
            frac *= 10;
            fdig++;
        }
    }
    if (*s == 'Z' || *s == 'z') {
        s++;
    } else if (*s == '+' || *s == '-') {
        sign = *s++ == '-' ? -1 : 1;
        if (digits(&s, 2, &oh))
            return CM_EPARSE;
        if (*s == ':')
            s++;
        if (digits(&s, 2, &om))
            return CM_EPARSE;
    } else {
        return CM_EPARSE;
    }
    if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return CM_EPARSE;
    t = cm_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec;
    t -= sign * (oh * 3600 + om * 60);
    *ms = t * 1000 + frac;
    return 0;
}

/* Writes v as exactly n decimal digits (v < 10^n) at out; returns the end. */
static char *put_digits(char *out, unsigned v, int n)
{
    int i;

    for (i = n - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return out + n;
}

/* Copies the n bytes of s to out as snprintf(out, size, "%s") would: cut to size - 1 bytes. */
static void copy_cut(char *out, size_t size, const char *s, size_t n)
{
    if (size == 0)
        return;
    if (n > size - 1)
        n = size - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

void cm_time_format(int64_t ms, char *out, size_t size)
{
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000, days, y;
    int64_t rem;
    unsigned m, d;
    int frac = (int)(ms - secs * 1000);
    char buf[32], *p = buf;

    days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    rem = secs - days * 86400;
    cm_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) { /* the rare years that %04lld prints otherwise */
        if (frac)
            snprintf(out, size, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", (long long)y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), frac);
        else
            snprintf(out, size, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
        return;
    }
    /* The same bytes as the snprintf above, without its cost (it was most of a /ping). */
    p = put_digits(p, (unsigned)y, 4);
    *p++ = '-';
    p = put_digits(p, m, 2);
    *p++ = '-';
    p = put_digits(p, d, 2);
    *p++ = 'T';
    p = put_digits(p, (unsigned)(rem / 3600), 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(rem / 60 % 60), 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(rem % 60), 2);
    if (frac) {
        *p++ = '.';
        p = put_digits(p, (unsigned)frac, 3);
    }
    *p++ = 'Z';
    copy_cut(out, size, buf, (size_t)(p - buf));
}

void cm_time_format_http(int64_t ms, char *out, size_t size)
{
    static const char wdays[] = "ThuFriSatSunMonTueWed",
                      months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int64_t secs = ms / 1000, days = secs / 86400, y;
    unsigned m, d, wd;
    char buf[40], *p = buf;

    cm_civil_from_days(days, &y, &m, &d);
    wd = (unsigned)(((days % 7) + 7) % 7);
    if (secs < 0 || y > 9999) { /* as the mocks always wrote them, odd fields and all */
        snprintf(out, size, "%.3s, %02u %.3s %04lld %02d:%02d:%02d GMT", wdays + 3 * wd, d,
                 months + 3 * (m - 1), (long long)y, (int)(secs % 86400 / 3600),
                 (int)(secs % 3600 / 60), (int)(secs % 60));
        return;
    }
    memcpy(p, wdays + 3 * wd, 3);
    memcpy(p + 3, ", ", 2);
    p = put_digits(p + 5, d, 2);
    *p++ = ' ';
    memcpy(p, months + 3 * (m - 1), 3);
    p[3] = ' ';
    p = put_digits(p + 4, (unsigned)y, 4);
    *p++ = ' ';
    p = put_digits(p, (unsigned)(secs % 86400 / 3600), 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(secs % 3600 / 60), 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(secs % 60), 2);
    memcpy(p, " GMT", 4);
    copy_cut(out, size, buf, (size_t)(p + 4 - buf));
}

int64_t cm_wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t cm_mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
