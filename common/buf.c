/*
 * buf.c: the bounded growable buffer. Growth doubles, clamped to max + 1 so
 * that the terminating NUL always fits.
 */
#include "common/buf.h"

#include "common/error.h"
#include "common/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cm_buf_init(struct cm_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : SIZE_MAX - 1;
}

void cm_buf_release(struct cm_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void cm_buf_reset(struct cm_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int reserve(struct cm_buf *b, size_t extra)
{
    size_t need, cap;

    if (extra > b->max - b->len)
        return CM_ETOOBIG;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    b->data = cm_realloc(b->data, cap);
    b->cap = cap;
    return 0;
}

int cm_buf_append(struct cm_buf *b, const void *p, size_t n)
{
    int rc = reserve(b, n);

    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int cm_buf_puts(struct cm_buf *b, const char *s)
{
    return cm_buf_append(b, s, strlen(s));
}

int cm_buf_putc(struct cm_buf *b, char c)
{
    return cm_buf_append(b, &c, 1);
}

int cm_buf_vprintf(struct cm_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n, rc;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return CM_EINVAL;
    rc = reserve(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int cm_buf_printf(struct cm_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = cm_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int cm_buf_json_string(struct cm_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    int rc = cm_buf_putc(b, '"');

    while (rc == 0 && *p) {
        const unsigned char *run = p;

        /* the bytes with nothing to escape go in whole */
        while (*p >= 0x20 && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            rc = cm_buf_append(b, run, (size_t)(p - run));
        if (rc || *p == '\0')
            break;
        switch (*p) {
        case '"':
            rc = cm_buf_puts(b, "\\\"");
            break;
        case '\\':
            rc = cm_buf_puts(b, "\\\\");
            break;
        case '\n':
            rc = cm_buf_puts(b, "\\n");
            break;
        case '\r':
            rc = cm_buf_puts(b, "\\r");
            break;
        case '\t':
            rc = cm_buf_puts(b, "\\t");
            break;
        default: {
            char esc[7] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15], 0};
            rc = cm_buf_puts(b, esc);
        }
        }
        p++;
    }
    return rc ? rc : cm_buf_putc(b, '"');
}

const char *cm_buf_str(const struct cm_buf *b)
{
    return b->data ? b->data : "";
}

char *cm_buf_steal(struct cm_buf *b, size_t *len)
{
    char *p;

    if (b->data == NULL)
        cm_buf_append(b, "", 0);
    p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
