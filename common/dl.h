/*
 * dl.h: a shared library opened at run time, its entry points filled into a
 * table of function pointers.
 *
 * secmock links neither libcurl nor OpenSSL: the dynamic loader would map and
 * relocate them, and what they bring, at every start of every command, where
 * `secmock serve` needs none of them (tests/bench/startup.py; common/http.c,
 * common/libcrypto.c).
 */
#ifndef CM_DL_H
#define CM_DL_H

#include <stddef.h>

struct cm_dl_sym {
    const char *name; /* the entry point */
    void *member;     /* the address of the function pointer it fills */
};

/* Opens lib and fills every member of syms from it: 0, or -1 with why in msg, every
 * member then left NULL and the library closed. msg names package, the one that
 * brings lib: "cannot load libcurl.so.4 (libcurl4): ...", or "libc.so.6 has no
 * curl_global_init" for a library that loads but is not the one asked for. */
int cm_dl_open(const char *lib, const char *package, const struct cm_dl_sym *syms, size_t n,
               char *msg, size_t size);

#endif
