/*
 * progress.c: the status line of long runs (progress.h).
 *
 * An update formats the caller's text into the progress, adds the rate and
 * the ETA, and draws only when due: LINE mode every redraw interval (or at
 * once after a clear), LOG mode every log interval. The ETA comes before the
 * rate (a narrow terminal cuts the end): the elapsed time scaled by what is
 * left of the fraction. Both appear once a second has passed, so the first
 * noisy estimates are not shown.
 */
#include "common/progress.h"

#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define ERASE_LINE "\r\033[K"

/*
 * Invariants: drawn is 1 only in LINE mode while the line is on the terminal; due is 1 when
 * the next update must draw whatever the interval; finished is 1 after cm_progress_done().
 * Every field is touched under lock.
 */
struct cm_progress {
    pthread_mutex_t lock;
    FILE *out;
    enum cm_progress_mode mode;
    char *label;
    int64_t (*now_us)(void *ud);
    void *now_ud;
    int columns;
    int64_t interval_us;
    int hooked;
    int64_t start_us, last_us;
    int drawn, due, finished, has_text;
    char text[CM_PROGRESS_TEXT_SIZE];
};

enum cm_progress_mode cm_progress_choose(int want, int is_tty, const char *term)
{
    if (want < 0)
        return CM_PROGRESS_OFF;
    if (is_tty && !(term && strcmp(term, "dumb") == 0))
        return CM_PROGRESS_LINE;
    return want > 0 ? CM_PROGRESS_LOG : CM_PROGRESS_OFF;
}

enum cm_progress_mode cm_progress_choose_for(int want, FILE *f)
{
    return cm_progress_choose(want, isatty(fileno(f)), getenv("TERM"));
}

static int64_t mono_now(void *ud)
{
    (void)ud;
    return cm_mono_us();
}

static int terminal_columns(FILE *f)
{
    struct winsize ws;

    if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return CM_PROGRESS_COLUMNS;
}

static void erase_locked(struct cm_progress *p)
{
    if (p->drawn) {
        fputs(ERASE_LINE, p->out);
        fflush(p->out);
        p->drawn = 0;
    }
    p->due = 1;
}

static void log_hook(void *ud)
{
    struct cm_progress *p = ud;

    pthread_mutex_lock(&p->lock);
    erase_locked(p);
    pthread_mutex_unlock(&p->lock);
}

struct cm_progress *cm_progress_new(const struct cm_progress_conf *conf)
{
    struct cm_progress *p;

    if (conf->mode == CM_PROGRESS_OFF || conf->out == NULL)
        return NULL;
    p = cm_calloc(1, sizeof(*p));
    pthread_mutex_init(&p->lock, NULL);
    p->out = conf->out;
    p->mode = conf->mode;
    p->label = cm_strdup(conf->label ? conf->label : "");
    p->now_us = conf->now_us ? conf->now_us : mono_now;
    p->now_ud = conf->now_ud;
    if (p->mode == CM_PROGRESS_LINE) {
        p->columns = conf->columns > 0 ? conf->columns : terminal_columns(p->out);
        p->interval_us = conf->redraw_us > 0 ? conf->redraw_us : CM_PROGRESS_REDRAW_US;
        p->due = 1;
    } else {
        p->interval_us = conf->log_us > 0 ? conf->log_us : CM_PROGRESS_LOG_US;
    }
    p->start_us = p->last_us = p->now_us(p->now_ud);
    if (p->mode == CM_PROGRESS_LINE && conf->hook_log) {
        cm_log_set_hook(log_hook, p);
        p->hooked = 1;
    }
    return p;
}

void cm_progress_eta_text(int64_t us, char *out, size_t size)
{
    int64_t s = us < 0 ? 0 : (us + 500000) / 1000000;

    if (s < 60)
        snprintf(out, size, "%llds", (long long)s);
    else if (s < 3600)
        snprintf(out, size, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
    else
        snprintf(out, size, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
}

/* Writes the current line: LINE in place, cut to the width; LOG as a plain line. */
static void draw_locked(struct cm_progress *p, int64_t now, const char *suffix)
{
    char elapsed[16];

    if (!p->has_text)
        return;
    if (p->mode == CM_PROGRESS_LINE) {
        int room = p->columns - 1 - (int)strlen(p->label) - 2;
        if (room < 8)
            room = 8;
        fprintf(p->out, "\r%s: %.*s\033[K", p->label, room, p->text);
        p->drawn = 1;
    } else {
        cm_progress_eta_text(now - p->start_us, elapsed, sizeof(elapsed));
        fprintf(p->out, "[%s] %s: %s%s\n", elapsed, p->label, p->text, suffix);
    }
    fflush(p->out);
    p->last_us = now;
    p->due = 0;
}

/* Keeps only printable characters, so the text cannot move the cursor. */
static void sanitize(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
}

void cm_progress_update(struct cm_progress *p, int64_t count, const char *unit, double fraction,
                        const char *fmt, ...)
{
    int64_t now, elapsed;
    size_t n;
    va_list ap;

    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    if (p->finished)
        goto out;
    now = p->now_us(p->now_ud);
    elapsed = now - p->start_us;
    va_start(ap, fmt);
    vsnprintf(p->text, sizeof(p->text), fmt, ap);
    va_end(ap);
    sanitize(p->text);
    p->has_text = 1;
    n = strlen(p->text);
    if (elapsed >= 1000000 && fraction > 0 && fraction < 1 && n < sizeof(p->text)) {
        char eta[16];
        cm_progress_eta_text((int64_t)((double)elapsed * (1 - fraction) / fraction), eta,
                             sizeof(eta));
        n += (size_t)snprintf(p->text + n, sizeof(p->text) - n, ", ETA %s", eta);
    }
    if (elapsed >= 1000000 && unit && count >= 0 && n < sizeof(p->text)) {
        double rate = (double)count * 1e6 / (double)elapsed;
        snprintf(p->text + n, sizeof(p->text) - n, rate >= 10 ? ", %.0f %s/s" : ", %.1f %s/s", rate,
                 unit);
    }
    if ((p->due && p->mode == CM_PROGRESS_LINE) || now - p->last_us >= p->interval_us)
        draw_locked(p, now, "");
out:
    pthread_mutex_unlock(&p->lock);
}

void cm_progress_clear(struct cm_progress *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    if (!p->finished)
        erase_locked(p);
    pthread_mutex_unlock(&p->lock);
}

void cm_progress_done(struct cm_progress *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    if (!p->finished) {
        if (p->mode == CM_PROGRESS_LINE)
            erase_locked(p);
        else
            draw_locked(p, p->now_us(p->now_ud), " (done)");
        p->finished = 1;
    }
    pthread_mutex_unlock(&p->lock);
}

void cm_progress_free(struct cm_progress *p)
{
    if (p == NULL)
        return;
    cm_progress_done(p);
    if (p->hooked)
        cm_log_set_hook(NULL, NULL);
    pthread_mutex_destroy(&p->lock);
    free(p->label);
    free(p);
}
