/*
 * test_text.h: reading what a test captured (a redirected stdout or stderr,
 * a memory stream) as one string.
 */
#ifndef TEST_TEXT_H
#define TEST_TEXT_H

#include <stdio.h>

#include "common/buf.h"

/* Everything left to read in f, after flushing stdout and stderr. Caller frees. */
static inline char *tt_read_all(FILE *f)
{
    struct cm_buf b;
    char chunk[4096];
    size_t n;

    fflush(stdout);
    fflush(stderr);
    cm_buf_init(&b, 0);
    cm_buf_puts(&b, "");
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        cm_buf_append(&b, chunk, n);
    return cm_buf_steal(&b, NULL);
}

#endif
