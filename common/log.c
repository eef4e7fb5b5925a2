/*
 * log.c: stderr logging. The line is built in a stack buffer first so that
 * concurrent threads never interleave inside a line.
 */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>

static enum cm_log_level log_level = CM_LOG_WARN;
static const char *log_prefix = "secmock";
static void (*log_hook)(void *ud);
static void *log_hook_ud;

void cm_log_set_level(enum cm_log_level level)
{
    log_level = level;
}

enum cm_log_level cm_log_get_level(void)
{
    return log_level;
}

void cm_log_set_prefix(const char *prefix)
{
    log_prefix = prefix;
}

void cm_log_set_hook(void (*fn)(void *ud), void *ud)
{
    log_hook = fn;
    log_hook_ud = ud;
}

void cm_log(enum cm_log_level level, const char *fmt, ...)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    char line[2048];
    int n;
    va_list ap;

    if (level > log_level)
        return;
    n = snprintf(line, sizeof(line), "%s: %s", log_prefix,
                 level == CM_LOG_INFO || level == CM_LOG_DEBUG ? "" : names[level]);
    if (n < 0)
        return;
    if (level != CM_LOG_INFO && level != CM_LOG_DEBUG && (size_t)n < sizeof(line) - 2) {
        line[n++] = ':';
        line[n++] = ' ';
        line[n] = '\0';
    }
    va_start(ap, fmt);
    if ((size_t)n < sizeof(line))
        vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    if (log_hook)
        log_hook(log_hook_ud);
    fprintf(stderr, "%s\n", line);
}
