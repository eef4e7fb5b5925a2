/*
 * progress.h: one status line for long runs (the client's ingest and sync,
 * `secmock run`), shared by the client and the harness.
 *
 * Three modes, chosen once by cm_progress_choose():
 *   OFF   nothing is written (the default when the stream is no terminal, so
 *         CI logs stay clean);
 *   LINE  a terminal: the line is redrawn in place ("\r", the text, "erase to
 *         the end of the line"), at most once per redraw interval (100 ms), cut
 *         to the terminal's width, and erased by cm_progress_done();
 *   LOG   asked for with --progress on a stream that is no terminal: plain
 *         lines without control characters, "[12s] label: text", at most one
 *         per log interval (5 s), and a last one with "(done)".
 *
 * The caller says what is done ("1200 records, 3 pages"), how many units that
 * is and, when known, the fraction of the whole; the module adds the rate
 * ("2400 records/s") and the time left ("ETA 12s"). Time comes from an
 * injectable monotonic clock and the terminal decision is a parameter, so
 * tests feed a fake clock and a memory stream.
 *
 * In LINE mode the progress registers a cm_log hook that erases the line
 * before a log line is written (the next update draws it again), so only one
 * progress may be in LINE mode at a time. Every function takes an internal
 * lock: worker threads may update, clear and log at will.
 *
 * Ownership: cm_progress_new() copies the label and borrows the stream (it
 * must outlive the progress); cm_progress_free() (NULL is a no-op) erases the
 * line like cm_progress_done() and unregisters the hook. Every function
 * accepts NULL as "no progress", so callers need no checks.
 */
#ifndef CM_PROGRESS_H
#define CM_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

enum cm_progress_mode { CM_PROGRESS_OFF, CM_PROGRESS_LINE, CM_PROGRESS_LOG };

#define CM_PROGRESS_REDRAW_US 100000LL  /* LINE: at most 10 redraws a second */
#define CM_PROGRESS_LOG_US    5000000LL /* LOG: one line every 5 s at most */
#define CM_PROGRESS_COLUMNS   80        /* when the terminal's width is unknown */
#define CM_PROGRESS_TEXT_SIZE 256

/*
 * The mode for want (-1: --no-progress, 0: neither option, 1: --progress), whether the
 * stream is a terminal, and $TERM (NULL when unset): LINE on a terminal unless
 * --no-progress or TERM=dumb (which cannot erase a line), LOG when asked elsewhere.
 */
enum cm_progress_mode cm_progress_choose(int want, int is_tty, const char *term);
/* The same for a stream: isatty(fileno(f)) and getenv("TERM"). */
enum cm_progress_mode cm_progress_choose_for(int want, FILE *f);

struct cm_progress_conf {
    FILE *out; /* borrowed; usually stderr */
    enum cm_progress_mode mode;
    const char *label;           /* "ingest url"; copied */
    int64_t (*now_us)(void *ud); /* monotonic microseconds; NULL: cm_mono_us() */
    void *now_ud;                /* for now_us */
    int columns;                 /* LINE: the width; 0: the terminal's (else 80) */
    int64_t redraw_us, log_us;   /* 0: the defaults above */
    int hook_log;                /* LINE: erase the line before cm_log lines (1 in programs) */
};

/* NULL when mode is OFF (and then every call below is a no-op). */
struct cm_progress *cm_progress_new(const struct cm_progress_conf *conf);
void cm_progress_free(struct cm_progress *p);

/*
 * The state now: count units done (for the rate; unit is "records", "scenarios", or NULL
 * for no rate), fraction of the whole from 0 to 1 or negative when unknown (no ETA), and
 * the text. Drawn when the interval has passed since the last drawing (or the line was
 * cleared); otherwise kept for the next one.
 */
void cm_progress_update(struct cm_progress *p, int64_t count, const char *unit, double fraction,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* LINE: erases the line now (before other output on the terminal); the next update draws
 * at once. Other modes: nothing. */
void cm_progress_clear(struct cm_progress *p);
/* The end: LINE erases the line, LOG writes the last state with "(done)". Later updates
 * draw nothing. */
void cm_progress_done(struct cm_progress *p);

/* "12s", "1m05s", "2h03m": a short duration for the line; out has room for 16. */
void cm_progress_eta_text(int64_t us, char *out, size_t size);

#endif
