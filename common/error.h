/*
 * error.h: the one table of error codes shared by every part of secmock.
 *
 * Functions return int: 0 on success, a negative CM_E* code on failure. The
 * table is an X-macro so that the enum and the messages cannot drift apart
 * (the libuv habit). cm_strerror() never returns NULL.
 */
#ifndef CM_ERROR_H
#define CM_ERROR_H

#define CM_ERRNO_MAP(X)                                                                            \
    X(EINVAL, "invalid argument")                                                                  \
    X(ENOENT, "no such file or entry")                                                             \
    X(EIO, "input/output error")                                                                   \
    X(EPARSE, "cannot parse")                                                                      \
    X(ETOOBIG, "too large")                                                                        \
    X(EEXIST, "already exists")                                                                    \
    X(EADDRINUSE, "address already in use")                                                        \
    X(ETIMEDOUT, "timed out")                                                                      \
    X(ECONN, "connection failed")                                                                  \
    X(EPROTO, "protocol error")                                                                    \
    X(EAUTH, "not authorized")                                                                     \
    X(ESTATE, "invalid state")                                                                     \
    X(ECHILD, "child process failed")                                                              \
    X(ETLS, "TLS set-up failed")

enum cm_errno {
    CM_OK = 0,
#define CM_ERR_ENUM(name, msg) CM_##name,
    CM__ERR_FIRST = -100,
    CM_ERRNO_MAP(CM_ERR_ENUM)
#undef CM_ERR_ENUM
        CM__ERR_LAST
};

/* The message for a CM_E* code; "unknown error" for anything else. Static string. */
const char *cm_strerror(int code);

/*
 * struct cm_err: a human message for the caller to print, filled by functions
 * that can fail for reasons the user must see (a file name, a JSON path, a
 * port). Fixed size so it can live on the stack; never needs freeing.
 */
struct cm_err {
    char msg[512];
};

/* Formats into err (if not NULL) and returns code, so `return cm_fail(err, CM_EINVAL, ...)`. */
int cm_fail(struct cm_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
