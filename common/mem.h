/*
 * mem.h: allocation that never returns NULL.
 *
 * secmock is a test tool: nothing useful can be done after an allocation
 * fails, so these abort with a message instead of growing a recovery path in
 * every caller (STYLE.md: out-of-memory aborts).
 */
#ifndef CM_MEM_H
#define CM_MEM_H

#include <stddef.h>

void *cm_malloc(size_t n);
void *cm_calloc(size_t count, size_t size);
void *cm_realloc(void *p, size_t n);
/* Copies of s (NULL gives NULL) and of its first n bytes; caller frees with free(). */
char *cm_strdup(const char *s);
char *cm_strndup(const char *s, size_t n);
/* printf into a new string; caller frees with free(). */
char *cm_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Bounded copy that always terminates dst (dst_size > 0); returns strlen(src). */
size_t cm_strlcpy(char *dst, const char *src, size_t dst_size);

#endif
