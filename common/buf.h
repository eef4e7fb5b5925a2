/*
 * buf.h: a growable byte buffer with a hard maximum.
 *
 * Invariants: data is NULL or holds len bytes followed by a NUL (so text can
 * be used as a C string); len < cap when data != NULL; len never exceeds max.
 * An append that would pass max changes nothing and returns CM_ETOOBIG, so a
 * caller can answer 413 knowing the buffer still holds what came before.
 *
 * Lifecycle: cm_buf_init() on caller-owned storage, cm_buf_release() frees
 * the bytes; cm_buf_steal() hands them to the caller (free() them).
 */
#ifndef CM_BUF_H
#define CM_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct cm_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max; /* 0 means SIZE_MAX */
};

void cm_buf_init(struct cm_buf *b, size_t max);
void cm_buf_release(struct cm_buf *b);
void cm_buf_reset(struct cm_buf *b); /* len = 0, keeps the storage */
int cm_buf_append(struct cm_buf *b, const void *p, size_t n);
int cm_buf_puts(struct cm_buf *b, const char *s);
int cm_buf_putc(struct cm_buf *b, char c);
int cm_buf_printf(struct cm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cm_buf_vprintf(struct cm_buf *b, const char *fmt, va_list ap);
/* Appends s as a JSON string literal, quotes included. */
int cm_buf_json_string(struct cm_buf *b, const char *s);
/* The bytes as a NUL-terminated string (never NULL, "" when empty); borrowed. */
const char *cm_buf_str(const struct cm_buf *b);
/* Takes the bytes out (NUL-terminated, caller frees) and leaves b empty. */
char *cm_buf_steal(struct cm_buf *b, size_t *len);

#endif
