/*
 * log.h: one-line diagnostics on stderr, prefixed with the program part.
 *
 * Messages start lower-case and say what failed first (STYLE.md). The level
 * is process-wide and set once at start-up; logging is thread-safe because
 * each line is written with a single fprintf on an unbuffered stream.
 */
#ifndef CM_LOG_H
#define CM_LOG_H

enum cm_log_level { CM_LOG_ERROR, CM_LOG_WARN, CM_LOG_INFO, CM_LOG_DEBUG };

void cm_log_set_level(enum cm_log_level level);
enum cm_log_level cm_log_get_level(void);
/* prefix is the program part ("serve", "run", "client"); borrowed, must outlive all logging. */
void cm_log_set_prefix(const char *prefix);
void cm_log(enum cm_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* fn(ud) runs before each line is written (common/progress.c erases its status line there);
 * NULL removes it. Set it before other threads log and remove it after they stop. */
void cm_log_set_hook(void (*fn)(void *ud), void *ud);

#define cm_error(...) cm_log(CM_LOG_ERROR, __VA_ARGS__)
#define cm_warn(...)  cm_log(CM_LOG_WARN, __VA_ARGS__)
#define cm_info(...)  cm_log(CM_LOG_INFO, __VA_ARGS__)
#define cm_debug(...) cm_log(CM_LOG_DEBUG, __VA_ARGS__)

#endif
