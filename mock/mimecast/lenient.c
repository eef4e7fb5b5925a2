/*
 * lenient.c: the request-body reader. Mimecast's own samples and several
 * production clients post `str(payload)`, a Python dict repr, instead of JSON
 * (vendor notes 1.6): single-quoted strings, u'' prefixes (Python 2), True,
 * False and None, tuples, trailing commas. The vendor accepts these, so the
 * mock does too.
 *
 * One recursive-descent parser reads both JSON and that repr into cJSON
 * nodes: strings in either quote with JSON and Python escapes (\xhh, \uXXXX
 * with surrogate pairs, \UXXXXXXXX), numbers with an optional Python 2 'L'
 * suffix, and the literals of both languages. It is bounded: nesting deeper
 * than MM_LENIENT_DEPTH is refused, a NUL inside a string is refused, and any
 * error names the byte offset and what was expected there.
 */
#include "mock/mimecast/mm.h"

#include "common/buf.h"
#include "common/mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lx {
    const char *s;
    size_t len;
    size_t pos;
    struct cm_err *err;
    int failed;
};

static void fail(struct lx *x, const char *what)
{
    if (!x->failed) {
        x->failed = 1;
        if (x->pos >= x->len)
            cm_fail(x->err, CM_EPARSE, "at offset %zu (end of body): expected %s", x->pos, what);
        else
            cm_fail(x->err, CM_EPARSE, "at offset %zu ('%c'): expected %s", x->pos,
                    isprint((unsigned char)x->s[x->pos]) ? x->s[x->pos] : '?', what);
    }
}

static int peek(const struct lx *x)
{
    return x->pos < x->len ? (unsigned char)x->s[x->pos] : -1;
}

static void skip_ws(struct lx *x)
{
    while (x->pos < x->len && (x->s[x->pos] == ' ' || x->s[x->pos] == '\t' ||
                               x->s[x->pos] == '\n' || x->s[x->pos] == '\r'))
        x->pos++;
}

static int word(struct lx *x, const char *w)
{
    size_t n = strlen(w);

    if (x->len - x->pos >= n && memcmp(x->s + x->pos, w, n) == 0 &&
        (x->pos + n == x->len || !isalnum((unsigned char)x->s[x->pos + n]))) {
        x->pos += n;
        return 1;
    }
    return 0;
}

static int hexn(struct lx *x, int n, unsigned long *out)
{
    unsigned long v = 0;
    int i, h;

    for (i = 0; i < n; i++) {
        h = x->pos < x->len ? mm_hexval((unsigned char)x->s[x->pos]) : -1;
        if (h < 0) {
            fail(x, "a hexadecimal digit in an escape");
            return -1;
        }
        v = v * 16 + (unsigned long)h;
        x->pos++;
    }
    *out = v;
    return 0;
}

static void put_utf8(struct cm_buf *b, unsigned long cp)
{
    char u[4];

    if (cp < 0x80) {
        cm_buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        cm_buf_append(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        cm_buf_append(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        cm_buf_append(b, u, 4);
    }
}

/* One escape after the backslash; 0 or -1. */
static int escape(struct lx *x, struct cm_buf *b)
{
    static const char from[] = "ntrbfva\\'\"/";
    static const char to[] = "\n\t\r\b\f\v\a\\'\"/";
    const char *simple;
    int c = peek(x);
    unsigned long cp, lo;

    if (c < 0) {
        fail(x, "an escaped character");
        return -1;
    }
    x->pos++;
    simple = c ? strchr(from, c) : NULL;
    if (simple) {
        cm_buf_putc(b, to[simple - from]);
        return 0;
    }
    switch (c) {
    case '\n': /* line continuation */
        return 0;
    case 'x':
        if (hexn(x, 2, &cp))
            return -1;
        break;
    case 'U':
        if (hexn(x, 8, &cp))
            return -1;
        break;
    case 'u':
        if (hexn(x, 4, &cp))
            return -1;
        if (cp >= 0xD800 && cp < 0xDC00 && x->len - x->pos >= 6 && x->s[x->pos] == '\\' &&
            x->s[x->pos + 1] == 'u') {
            size_t save = x->pos;
            x->pos += 2;
            if (hexn(x, 4, &lo))
                return -1;
            if (lo >= 0xDC00 && lo < 0xE000)
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            else
                x->pos = save;
        }
        break;
    default: /* Python keeps an unknown escape as written */
        cm_buf_putc(b, '\\');
        cm_buf_putc(b, (char)c);
        return 0;
    }
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) {
        x->pos -= 1;
        fail(x, "a character other than NUL or a lone surrogate");
        return -1;
    }
    put_utf8(b, cp);
    return 0;
}

static cJSON *string(struct lx *x)
{
    struct cm_buf b;
    int q = peek(x), c;
    cJSON *out = NULL;

    x->pos++;
    cm_buf_init(&b, 0);
    for (;;) {
        c = peek(x);
        if (c < 0) {
            fail(x, "a closing quote");
            goto out;
        }
        if (c == q) {
            x->pos++;
            break;
        }
        if (c == '\0') {
            fail(x, "a character other than NUL");
            goto out;
        }
        if (c == '\\') {
            x->pos++;
            if (escape(x, &b))
                goto out;
            continue;
        }
        cm_buf_putc(&b, (char)c);
        x->pos++;
    }
    out = cJSON_CreateString(cm_buf_str(&b));
out:
    cm_buf_release(&b);
    return out;
}

static cJSON *number(struct lx *x)
{
    size_t start = x->pos;
    char buf[64], *end;
    double v;

    if (peek(x) == '-' || peek(x) == '+')
        x->pos++;
    if (!isdigit(peek(x))) {
        fail(x, "a digit");
        return NULL;
    }
    while (isdigit(peek(x)))
        x->pos++;
    if (peek(x) == '.') {
        x->pos++;
        while (isdigit(peek(x)))
            x->pos++;
    }
    if (peek(x) == 'e' || peek(x) == 'E') {
        x->pos++;
        if (peek(x) == '-' || peek(x) == '+')
            x->pos++;
        if (!isdigit(peek(x))) {
            fail(x, "an exponent");
            return NULL;
        }
        while (isdigit(peek(x)))
            x->pos++;
    }
    if (x->pos - start >= sizeof(buf)) {
        x->pos = start;
        fail(x, "a number of at most 63 characters");
        return NULL;
    }
    memcpy(buf, x->s + start, x->pos - start);
    buf[x->pos - start] = '\0';
    if (peek(x) == 'L' || peek(x) == 'l') /* Python 2 long */
        x->pos++;
    v = strtod(buf, &end);
    return cJSON_CreateNumber(v);
}

static cJSON *value(struct lx *x, int depth);

/* Items of an array or tuple up to close; trailing comma allowed. */
static cJSON *sequence(struct lx *x, int close, int depth)
{
    cJSON *arr = cJSON_CreateArray(), *v;

    x->pos++;
    for (;;) {
        skip_ws(x);
        if (peek(x) == close) {
            x->pos++;
            return arr;
        }
        v = value(x, depth + 1);
        if (v == NULL)
            break;
        cJSON_AddItemToArray(arr, v);
        skip_ws(x);
        if (peek(x) == ',') {
            x->pos++;
            continue;
        }
        if (peek(x) == close) {
            x->pos++;
            return arr;
        }
        fail(x, close == ']' ? "',' or ']'" : "',' or ')'");
        break;
    }
    cJSON_Delete(arr);
    return NULL;
}

static cJSON *object(struct lx *x, int depth)
{
    cJSON *obj = cJSON_CreateObject(), *k, *v;
    int c;

    x->pos++;
    for (;;) {
        skip_ws(x);
        c = peek(x);
        if (c == '}') {
            x->pos++;
            return obj;
        }
        if ((c == 'u' || c == 'U') && x->pos + 1 < x->len &&
            (x->s[x->pos + 1] == '\'' || x->s[x->pos + 1] == '"')) {
            x->pos++;
            c = peek(x);
        }
        if (c != '"' && c != '\'') {
            fail(x, "a quoted key or '}'");
            break;
        }
        k = string(x);
        if (k == NULL)
            break;
        skip_ws(x);
        if (peek(x) != ':') {
            cJSON_Delete(k);
            fail(x, "':' after a key");
            break;
        }
        x->pos++;
        skip_ws(x);
        v = value(x, depth + 1);
        if (v == NULL) {
            cJSON_Delete(k);
            break;
        }
        /* a repeated key keeps the last value, as Python and most JSON readers do */
        cJSON_DeleteItemFromObjectCaseSensitive(obj, k->valuestring);
        cJSON_AddItemToObject(obj, k->valuestring, v);
        cJSON_Delete(k);
        skip_ws(x);
        if (peek(x) == ',') {
            x->pos++;
            continue;
        }
        if (peek(x) == '}') {
            x->pos++;
            return obj;
        }
        fail(x, "',' or '}'");
        break;
    }
    cJSON_Delete(obj);
    return NULL;
}

static cJSON *value(struct lx *x, int depth)
{
    int c;

    if (depth > MM_LENIENT_DEPTH) {
        fail(x, "less nesting (at most 64 levels)");
        return NULL;
    }
    skip_ws(x);
    c = peek(x);
    switch (c) {
    case '{':
        return object(x, depth);
    case '[':
        return sequence(x, ']', depth);
    case '(':
        return sequence(x, ')', depth);
    case '"':
    case '\'':
        return string(x);
    default:
        break;
    }
    if ((c == 'u' || c == 'U') && x->pos + 1 < x->len &&
        (x->s[x->pos + 1] == '\'' || x->s[x->pos + 1] == '"')) {
        x->pos++;
        return string(x);
    }
    if (c == '-' || c == '+' || isdigit(c))
        return number(x);
    if (word(x, "True") || word(x, "true"))
        return cJSON_CreateTrue();
    if (word(x, "False") || word(x, "false"))
        return cJSON_CreateFalse();
    if (word(x, "None") || word(x, "null"))
        return cJSON_CreateNull();
    fail(x, "a value (object, list, string, number, True/False/None)");
    return NULL;
}

cJSON *mm_lenient_parse(const char *text, size_t len, struct cm_err *err)
{
    struct lx x = {text, len, 0, err, 0};
    cJSON *v;

    if (text == NULL)
        x.len = 0;
    v = value(&x, 0);
    if (v == NULL)
        return NULL;
    skip_ws(&x);
    if (x.pos < x.len) {
        fail(&x, "the end of the body");
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}
