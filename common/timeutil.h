/*
 * timeutil.h: durations and RFC 3339 timestamps as milliseconds since the
 * Unix epoch (int64_t, UTC).
 *
 * These are protocol-neutral: scenario files, the admin API and reports use
 * them. Vendor date formats (Mimecast's RFC 1123 "UTC" dates, "+0000" offsets)
 * are written separately in the mock and in the client (DESIGN.md).
 */
#ifndef CM_TIMEUTIL_H
#define CM_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* "250ms", "90s", "10m", "1h30m", "5d", "1w", or a bare integer of milliseconds.
 * Returns 0 and sets *ms, or CM_EPARSE. Negative values are refused. */
int cm_duration_parse(const char *s, int64_t *ms);
/* Writes the shortest form ("1h30m", "250ms", "0s") into out. */
void cm_duration_format(int64_t ms, char *out, size_t size);

/* "2026-03-02T09:00:00Z", with optional fraction and "+hh:mm"/"+hhmm" offsets. */
int cm_time_parse(const char *s, int64_t *ms);
/* "2026-03-02T09:00:00.000Z" when ms has a fraction, else "2026-03-02T09:00:00Z". */
void cm_time_format(int64_t ms, char *out, size_t size);
/* The HTTP Date form, "Mon, 02 Mar 2026 09:00:00 GMT", of ms's whole seconds (cut toward zero).
 * Before 1970 and after 9999 as the mocks always wrote it (fields may show a minus sign). Both
 * write at most size bytes, the NUL included, cut as snprintf cuts. */
void cm_time_format_http(int64_t ms, char *out, size_t size);

/* Days since 1970-01-01 for a proleptic Gregorian date, and the reverse. */
int64_t cm_days_from_civil(int64_t y, unsigned m, unsigned d);
void cm_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* Wall-clock milliseconds since the epoch, and a monotonic microsecond count. */
int64_t cm_wall_ms(void);
int64_t cm_mono_us(void);

#endif
