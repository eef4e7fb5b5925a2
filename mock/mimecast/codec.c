/*
 * codec.c: the Mimecast mock's encodings: standard and URL-safe base64, key
 * material from the kernel (mk_random_bytes: access keys, secret keys, application
 * ids are secrets, so never from the seeded cm_rng), and the date forms the
 * vendor and its clients use: the RFC 1123 x-mc-date with a "UTC" or "GMT"
 * zone, ISO 8601 times in bodies with "Z", "+0000" or "+00:00", and the
 * record and BYO time layouts of the answers.
 *
 * And the HMAC of the API 1.0 signature (SHA-1) and of page tokens
 * (SHA-256), with GnuTLS.
 *
 * These are written here and not shared with the client (DESIGN.md): the
 * client has its own, and each checks the other.
 */
#include "mock/mimecast/mm.h"

#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <ctype.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int encode(const char *alpha, int pad, const unsigned char *in, size_t n, char *out,
                  size_t size)
{
    size_t i, o = 0, need = pad ? (n + 2) / 3 * 4 : (n * 4 + 2) / 3;

    if (need + 1 > size)
        return -1;
    for (i = 0; i + 2 < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[o++] = alpha[v >> 18];
        out[o++] = alpha[(v >> 12) & 63];
        out[o++] = alpha[(v >> 6) & 63];
        out[o++] = alpha[v & 63];
    }
    if (n - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        out[o++] = alpha[v >> 18];
        out[o++] = alpha[(v >> 12) & 63];
        if (pad) {
            out[o++] = '=';
            out[o++] = '=';
        }
    } else if (n - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        out[o++] = alpha[v >> 18];
        out[o++] = alpha[(v >> 12) & 63];
        out[o++] = alpha[(v >> 6) & 63];
        if (pad)
            out[o++] = '=';
    }
    out[o] = '\0';
    return (int)o;
}

static int sextet(const char *alpha, char c)
{
    const char *p = c ? strchr(alpha, c) : NULL;

    return p ? (int)(p - alpha) : -1;
}

static int decode(const char *alpha, int pad, const char *s, unsigned char *out, size_t size)
{
    size_t len = strlen(s), i, o = 0, npad = 0;
    unsigned v = 0;
    int bits = 0;

    if (pad) {
        if (len % 4 != 0)
            return -1;
        while (npad < 2 && len > npad && s[len - 1 - npad] == '=')
            npad++;
        len -= npad;
    } else if (len % 4 == 1) {
        return -1;
    }
    for (i = 0; i < len; i++) {
        int x = sextet(alpha, s[i]);
        if (x < 0)
            return -1;
        v = v << 6 | (unsigned)x;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= size)
                return -1;
            out[o++] = (unsigned char)(v >> bits);
        }
    }
    /* the leftover bits must be zero (canonical encoding) */
    if (bits > 0 && (v & ((1u << bits) - 1)) != 0)
        return -1;
    return (int)o;
}

int mm_b64_encode(const unsigned char *in, size_t n, char *out, size_t size)
{
    return encode(b64_std, 1, in, n, out, size);
}

int mm_b64_decode(const char *s, unsigned char *out, size_t size)
{
    return decode(b64_std, 1, s, out, size);
}

int mm_b64url_encode(const unsigned char *in, size_t n, char *out, size_t size)
{
    return encode(b64_url, 0, in, n, out, size);
}

int mm_b64url_decode(const char *s, unsigned char *out, size_t size)
{
    return decode(b64_url, 0, s, out, size);
}

static void rand_from(const char *alpha, unsigned mask, char *out, size_t n)
{
    unsigned char buf[256];
    size_t i, done = 0;

    while (done < n) {
        size_t chunk = n - done < sizeof(buf) ? n - done : sizeof(buf);
        mk_random_bytes(buf, chunk);
        for (i = 0; i < chunk; i++)
            out[done + i] = alpha[buf[i] & mask];
        done += chunk;
    }
    out[n] = '\0';
}

void mm_rand_access_key(char out[MM_ACCESS_KEY_LEN + 1])
{
    rand_from(b64_url, 63, out, MM_ACCESS_KEY_LEN);
}

void mm_rand_secret_key(char out[MM_SECRET_KEY_LEN + 1])
{
    unsigned char raw[64];

    mk_random_bytes(raw, sizeof(raw));
    mm_b64_encode(raw, sizeof(raw), out, MM_SECRET_KEY_LEN + 1);
}

void mm_rand_uuid(char out[MM_UUID_LEN + 1])
{
    unsigned char b[16];

    mk_random_bytes(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, MM_UUID_LEN + 1,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
}

void mm_rand_alnum(char *out, size_t size, size_t n)
{
    /* 62 symbols: draw bytes and reject those >= 248 to stay uniform */
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char b;
    size_t i = 0;

    if (size == 0)
        return;
    if (n >= size)
        n = size - 1;
    while (i < n) {
        mk_random_bytes(&b, 1);
        if (b < 248)
            out[i++] = alpha[b % 62];
    }
    out[n] = '\0';
}

int mm_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* ---- dates ---- */

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const wdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};

static int num(const char **s, int min_digits, int max_digits, int *out)
{
    int n = 0, v = 0;

    while (n < max_digits && isdigit((unsigned char)**s)) {
        v = v * 10 + (**s - '0');
        (*s)++;
        n++;
    }
    if (n < min_digits)
        return -1;
    *out = v;
    return 0;
}

int mm_mc_date_parse(const char *s, int64_t *ms)
{
    int d, y, h, mi, sec, mon = -1, i;

    if (s == NULL)
        return CM_EPARSE;
    while (*s == ' ')
        s++;
    if (isalpha((unsigned char)*s)) { /* optional weekday: "Tue," */
        for (i = 0; i < 7 && strncasecmp(s, wdays[i], 3) != 0; i++)
            ;
        if (i == 7 || s[3] != ',')
            return CM_EPARSE;
        s += 4;
        while (*s == ' ')
            s++;
    }
    if (num(&s, 1, 2, &d) || *s++ != ' ')
        return CM_EPARSE;
    for (i = 0; i < 12; i++)
        if (strncasecmp(s, months[i], 3) == 0)
            mon = i + 1;
    if (mon < 0 || s[3] != ' ')
        return CM_EPARSE;
    s += 4;
    if (num(&s, 4, 4, &y) || *s++ != ' ' || num(&s, 2, 2, &h) || *s++ != ':' ||
        num(&s, 2, 2, &mi) || *s++ != ':' || num(&s, 2, 2, &sec) || *s++ != ' ')
        return CM_EPARSE;
    if (strcmp(s, "UTC") != 0 && strcmp(s, "GMT") != 0 && strcmp(s, "+0000") != 0 &&
        strcmp(s, "Z") != 0)
        return CM_EPARSE;
    if (d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return CM_EPARSE;
    *ms = (cm_days_from_civil(y, (unsigned)mon, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec) *
          1000;
    return 0;
}

static void civil(int64_t ms, int64_t *y, unsigned *mo, unsigned *d, int *h, int *mi, int *s,
                  int *frac, int *wday)
{
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;

    cm_civil_from_days(days, y, mo, d);
    *h = (int)(rem / 3600);
    *mi = (int)(rem % 3600 / 60);
    *s = (int)(rem % 60);
    *frac = (int)(ms - secs * 1000);
    *wday = (int)(((days % 7) + 7) % 7);
}

void mm_mc_date_format(int64_t ms, char *out, size_t size)
{
    int64_t y;
    unsigned mo, d;
    int h, mi, s, frac, wd;

    civil(ms, &y, &mo, &d, &h, &mi, &s, &frac, &wd);
    snprintf(out, size, "%s, %02u %s %04lld %02d:%02d:%02d UTC", wdays[wd], d, months[mo - 1],
             (long long)y, h, mi, s);
}

int mm_iso_parse(const char *s, int64_t *ms)
{
    char buf[64];
    size_t n;

    if (s == NULL)
        return CM_EPARSE;
    while (*s == ' ')
        s++;
    n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    if (n == 0 || n + 2 > sizeof(buf))
        return CM_EPARSE;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (cm_time_parse(buf, ms) == 0)
        return 0;
    /* no zone at all (Python's isoformat() of a naive datetime): UTC */
    if (n >= 19 && strchr(buf + 19, 'Z') == NULL && strchr(buf + 19, '+') == NULL &&
        strchr(buf + 19, '-') == NULL) {
        buf[n] = 'Z';
        buf[n + 1] = '\0';
        return cm_time_parse(buf, ms);
    }
    return CM_EPARSE;
}

void mm_time_log(int64_t ms, char *out, size_t size)
{
    int64_t y;
    unsigned mo, d;
    int h, mi, s, frac, wd;

    civil(ms, &y, &mo, &d, &h, &mi, &s, &frac, &wd);
    if (y >= 0 && y <= 9999 && size >= 25) {
        /* by hand: every generated TTP record has one (same bytes as the snprintf below) */
        const unsigned f[6] = {(unsigned)y / 100, (unsigned)y % 100, mo, d,
                               (unsigned)h,       (unsigned)mi};
        static const char sep[] = "  --T:"; /* a separator before fields 2 to 5 */
        char *p = out;
        int k;

        for (k = 0; k < 6; k++) {
            if (k > 1)
                *p++ = sep[k];
            *p++ = (char)('0' + f[k] / 10);
            *p++ = (char)('0' + f[k] % 10);
        }
        *p++ = ':';
        *p++ = (char)('0' + s / 10);
        *p++ = (char)('0' + s % 10);
        memcpy(p, "+0000", 6);
        return;
    }
    snprintf(out, size, "%04lld-%02u-%02uT%02d:%02d:%02d+0000", (long long)y, mo, d, h, mi, s);
}

void mm_time_byo(int64_t ms, char *out, size_t size)
{
    int64_t y;
    unsigned mo, d;
    int h, mi, s, frac, wd;

    civil(ms, &y, &mo, &d, &h, &mi, &s, &frac, &wd);
    snprintf(out, size, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ[UTC]", (long long)y, mo, d, h, mi, s,
             frac);
}

void mm_time_human(int64_t ms, char *out, size_t size)
{
    int64_t y;
    unsigned mo, d;
    int h, mi, s, frac, wd;

    civil(ms, &y, &mo, &d, &h, &mi, &s, &frac, &wd);
    if (s == 0)
        snprintf(out, size, "%02d:%02d UTC on %04lld-%02u-%02u", h, mi, (long long)y, mo, d);
    else
        snprintf(out, size, "%02d:%02d:%02d UTC on %04lld-%02u-%02u", h, mi, s, (long long)y, mo,
                 d);
}

int mm_str_eq_ct(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);

    /* the shorter length's bytes compared whatever the lengths, as before a length check */
    return mm_mem_eq_ct(a, b, la < lb ? la : lb) & (la == lb);
}

int mm_mem_eq_ct(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    unsigned char diff = 0;
    size_t i;

    for (i = 0; i < n; i++)
        diff |= (unsigned char)(x[i] ^ y[i]);
    return diff == 0;
}

/* ---- HMAC ---- */

/* GnuTLS's (nettle's) HMAC, not OpenSSL's: the client signs with OpenSSL, so
 * each side's MAC checks the other's library too, and `serve` does not load
 * libcrypto (about 4 ms of every start on the 2-CPU machine). */
unsigned mm_hmac(enum mm_hash h, const unsigned char *key, size_t klen, const char *const *parts,
                 const size_t *lens, size_t n, unsigned char *out)
{
    static const gnutls_mac_algorithm_t algo[] = {
        [MM_SHA1] = GNUTLS_MAC_SHA1, [MM_SHA256] = GNUTLS_MAC_SHA256};
    gnutls_hmac_hd_t hd;
    size_t i;

    if (gnutls_hmac_init(&hd, algo[h], key, klen) < 0)
        abort(); /* only out of memory: both algorithms are always built in */
    for (i = 0; i < n; i++)
        if (gnutls_hmac(hd, parts[i], lens[i]) < 0)
            abort();
    gnutls_hmac_deinit(hd, out);
    return gnutls_hmac_get_len(algo[h]);
}
