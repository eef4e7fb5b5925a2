/*
 * error.c: messages for the CM_E* table and the cm_fail() helper.
 */
#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>

const char *cm_strerror(int code)
{
    switch (code) {
    case CM_OK:
        return "success";
#define CM_ERR_CASE(name, msg)                                                                     \
    case CM_##name:                                                                                \
        return msg;
        CM_ERRNO_MAP(CM_ERR_CASE)
#undef CM_ERR_CASE
    default:
        return "unknown error";
    }
}

int cm_fail(struct cm_err *err, int code, const char *fmt, ...)
{
    va_list ap;

    if (err != NULL) {
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return code;
}
