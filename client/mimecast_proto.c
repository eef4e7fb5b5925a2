/*
 * mimecast_proto.c: MC signing, Mimecast's date formats, base64, GUIDs and
 * form escaping, written from the vendor notes (shared/vendor/mimecast.md
 * sections 1.1 to 1.4 and 5.4), not from the mock.
 *
 * Day and month names come from fixed tables, never from strftime(3), whose
 * names follow the locale. base64 is hand-written because OpenSSL's
 * EVP_DecodeBlock accepts whitespace and reports padding as data. HMAC-SHA1,
 * SHA-256 and the GUIDs' bytes are OpenSSL's (common/libcrypto.h).
 */
#include "client/mimecast_proto.h"

#include "common/error.h"
#include "common/timeutil.h"

#include "common/libcrypto.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Splits ms into a civil date and time of day (UTC). */
static void civil(int64_t ms, int64_t *y, unsigned *mo, unsigned *d, int *h, int *mi, int *s,
                  int *wday)
{
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;

    cm_civil_from_days(days, y, mo, d);
    *h = (int)(rem / 3600);
    *mi = (int)(rem / 60 % 60);
    *s = (int)(rem % 60);
    /* 1970-01-01 was a Thursday (4). */
    *wday = (int)(((days % 7) + 11) % 7);
}

void rc_mm_date_rfc1123(int64_t ms, char out[RC_MM_DATE_SIZE])
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t y;
    unsigned mo, d;
    int h, mi, s, wd;

    civil(ms, &y, &mo, &d, &h, &mi, &s, &wd);
    snprintf(out, RC_MM_DATE_SIZE, "%s, %02u %s %04lld %02d:%02d:%02d UTC", days[wd], d,
             months[mo - 1], (long long)y, h, mi, s);
}

void rc_mm_time_format(int64_t ms, char out[RC_MM_TIME_SIZE])
{
    int64_t y;
    unsigned mo, d;
    int h, mi, s, wd;

    civil(ms, &y, &mo, &d, &h, &mi, &s, &wd);
    snprintf(out, RC_MM_TIME_SIZE, "%04lld-%02u-%02uT%02d:%02d:%02d+0000", (long long)y, mo, d, h,
             mi, s);
}

static int digits(const char **p, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return CM_EPARSE;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int rc_mm_time_parse(const char *s, int64_t *ms)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0, frac = 0, scale = 100;
    const char *p = s;
    int64_t t;

    if (s == NULL || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
        digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
        return CM_EPARSE;
    p++;
    if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
        digits(&p, 2, &sec))
        return CM_EPARSE;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return CM_EPARSE;
        for (; isdigit((unsigned char)*p); p++) {
            frac += (*p - '0') * scale;
            scale /= 10;
        }
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p++ == '+' ? 1 : -1;
        if (digits(&p, 2, &oh))
            return CM_EPARSE;
        if (*p == ':')
            p++;
        if (digits(&p, 2, &om))
            return CM_EPARSE;
    } else {
        return CM_EPARSE;
    }
    if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
        sec > 60 || oh > 23 || om > 59)
        return CM_EPARSE;
    t = cm_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec;
    t -= sign * (oh * 3600 + om * 60);
    *ms = t * 1000 + frac;
    return 0;
}

void rc_mm_b64_encode(const unsigned char *in, size_t n, char *out, size_t out_size)
{
    size_t i, o = 0;

    if (out_size == 0)
        return;
    for (i = 0; i < n && o + 4 < out_size; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        size_t left = n - i;

        if (left > 1)
            v |= (unsigned)in[i + 1] << 8;
        if (left > 2)
            v |= in[i + 2];
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = left > 1 ? b64_alphabet[(v >> 6) & 63] : '=';
        out[o++] = left > 2 ? b64_alphabet[v & 63] : '=';
    }
    out[o] = '\0';
}

static int b64_value(char c)
{
    const char *p;

    if (c == '\0')
        return -1;
    p = strchr(b64_alphabet, c);
    return p ? (int)(p - b64_alphabet) : -1;
}

int rc_mm_b64_decode(const char *in, unsigned char *out, size_t out_size, size_t *out_len)
{
    size_t n = strlen(in), i, o = 0;

    if (n == 0 || n % 4 != 0)
        return CM_EPARSE;
    for (i = 0; i < n; i += 4) {
        int a = b64_value(in[i]), b = b64_value(in[i + 1]), c, d;
        int last = i + 4 == n;
        unsigned v;

        c = in[i + 2] == '=' && last ? -2 : b64_value(in[i + 2]);
        d = in[i + 3] == '=' && last ? -2 : b64_value(in[i + 3]);
        if (a < 0 || b < 0 || c == -1 || d == -1 || (c == -2 && d != -2))
            return CM_EPARSE;
        v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)(c < 0 ? 0 : c) << 6 |
            (unsigned)(d < 0 ? 0 : d);
        if (o + 1 + (c >= 0) + (d >= 0) > out_size)
            return CM_ETOOBIG;
        out[o++] = (unsigned char)(v >> 16);
        if (c >= 0)
            out[o++] = (unsigned char)(v >> 8);
        if (d >= 0)
            out[o++] = (unsigned char)v;
    }
    *out_len = o;
    return 0;
}

void rc_mm_string_to_sign(struct cm_buf *b, const char *date, const char *req_id, const char *path,
                          const char *app_key)
{
    cm_buf_printf(b, "%s:%s:%s:%s", date, req_id, path, app_key);
}

int rc_mm_sign(const unsigned char *key, size_t key_len, const char *date, const char *req_id,
               const char *path, const char *app_key, char out[RC_MM_SIG_SIZE])
{
    unsigned char md[20];
    struct cm_buf data;
    int rc;

    cm_buf_init(&data, 0);
    rc_mm_string_to_sign(&data, date, req_id, path, app_key);
    rc = cm_hmac_sha1(key, key_len, cm_buf_str(&data), data.len, md);
    if (rc == 0)
        rc_mm_b64_encode(md, sizeof(md), out, RC_MM_SIG_SIZE);
    cm_buf_release(&data);
    return rc;
}

void rc_mm_guid(char out[RC_MM_GUID_SIZE])
{
    unsigned char r[16];
    static unsigned long long counter;

    if (cm_crypto_random(r, sizeof(r)) != 0) {
        /* Uniqueness is all a request id needs; fall back to time and a counter. */
        unsigned long long t = (unsigned long long)cm_mono_us() ^ (++counter << 40);
        memset(r, 0, sizeof(r));
        memcpy(r, &t, sizeof(t));
    }
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
    snprintf(out, RC_MM_GUID_SIZE,
             "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X", r[0], r[1],
             r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14],
             r[15]);
}

void rc_mm_form_escape(struct cm_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            cm_buf_putc(b, (char)c);
        } else {
            cm_buf_putc(b, '%');
            cm_buf_putc(b, hex[c >> 4]);
            cm_buf_putc(b, hex[c & 15]);
        }
    }
}

void rc_mm_sha256_hex(const void *data, size_t len, char *out, size_t hex_chars)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[32];
    size_t i;

    if (cm_sha256(data, len, md) != 0)
        abort(); /* the client loaded libcrypto before it ran (client/main.c) */
    if (hex_chars > 2 * sizeof(md))
        hex_chars = 2 * sizeof(md);
    for (i = 0; i < hex_chars; i++)
        out[i] = hex[(md[i / 2] >> (i % 2 ? 0 : 4)) & 15];
    out[hex_chars] = '\0';
}
