/*
 * test_progress.c: the status line (common/progress.h) on a fake clock and a
 * memory stream: the mode decision, redraw throttling, erasing, the plain
 * lines of LOG mode, rate and ETA, width, and the cm_log hook.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/progress.h"

struct fake {
    int64_t now;
};

static int64_t fake_now(void *ud)
{
    return ((struct fake *)ud)->now;
}

struct mem {
    FILE *f;
    char *buf;
    size_t len;
};

static void mem_open(struct mem *m)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    cr_assert_not_null(m->f);
}

/* Everything written so far (valid until the next write). */
static const char *mem_text(struct mem *m)
{
    fflush(m->f);
    return m->buf ? m->buf : "";
}

static void mem_close(struct mem *m)
{
    fclose(m->f);
    free(m->buf);
}

static size_t count_of(const char *s, const char *needle)
{
    size_t n = 0;

    while ((s = strstr(s, needle)) != NULL) {
        n++;
        s += strlen(needle);
    }
    return n;
}

/* One progress on a memory stream and a fake clock. */
struct fx {
    struct mem m;
    struct fake clk;
    struct cm_progress *p;
};

static void fx_start(struct fx *x, enum cm_progress_mode mode, int columns, int hook_log)
{
    struct cm_progress_conf c;

    memset(x, 0, sizeof(*x));
    mem_open(&x->m);
    memset(&c, 0, sizeof(c));
    c.out = x->m.f;
    c.mode = mode;
    c.label = hook_log ? "run" : "ingest url";
    c.now_us = fake_now;
    c.now_ud = &x->clk;
    c.columns = columns;
    c.hook_log = hook_log;
    x->p = cm_progress_new(&c);
}

static void fx_end(struct fx *x)
{
    cm_progress_free(x->p);
    mem_close(&x->m);
}

Test(progress, mode_follows_the_terminal_and_the_options)
{
    struct fx x;

    cr_assert_eq(cm_progress_choose(0, 1, "xterm-256color"), CM_PROGRESS_LINE);
    cr_assert_eq(cm_progress_choose(0, 0, "xterm"), CM_PROGRESS_OFF, "quiet in CI logs");
    cr_assert_eq(cm_progress_choose(1, 0, NULL), CM_PROGRESS_LOG, "--progress without a tty");
    cr_assert_eq(cm_progress_choose(1, 1, "xterm"), CM_PROGRESS_LINE);
    cr_assert_eq(cm_progress_choose(-1, 1, "xterm"), CM_PROGRESS_OFF, "--no-progress wins");
    cr_assert_eq(cm_progress_choose(0, 1, "dumb"), CM_PROGRESS_OFF, "dumb cannot erase");
    cr_assert_eq(cm_progress_choose(1, 1, "dumb"), CM_PROGRESS_LOG);
    fx_start(&x, CM_PROGRESS_OFF, 80, 0);
    cr_assert_null(x.p);
    cm_progress_update(x.p, 1, "records", 0.5, "x");
    cm_progress_clear(x.p);
    cm_progress_done(x.p);
    cr_assert_str_eq(mem_text(&x.m), "", "no progress writes nothing");
    fx_end(&x);
}

Test(progress, line_is_drawn_at_most_ten_times_a_second)
{
    struct fx x;
    int i;

    fx_start(&x, CM_PROGRESS_LINE, 200, 0);
    cm_progress_update(x.p, 0, "records", -1, "0 records, 0 pages");
    cr_assert_str_eq(mem_text(&x.m), "\ringest url: 0 records, 0 pages\033[K", "first draws");
    /* 1000 updates over 1 s of fake time: one redraw per 100 ms. */
    for (i = 1; i <= 1000; i++) {
        x.clk.now += 1000;
        cm_progress_update(x.p, i, "records", -1, "%d records", i);
    }
    cr_assert_eq(count_of(mem_text(&x.m), "\r"), 11, "%s", mem_text(&x.m));
    cr_assert_eq(strchr(mem_text(&x.m), '\n'), NULL, "the line is never ended");
    cm_progress_done(x.p);
    cr_assert(strstr(mem_text(&x.m), "1000 records, 1000 records/s\033[K\r\033[K") != NULL,
              "the end erases the line: %s", mem_text(&x.m));
    fx_end(&x);
}

Test(progress, rate_and_eta_after_a_second)
{
    struct fx x;

    fx_start(&x, CM_PROGRESS_LINE, 200, 0);
    cm_progress_update(x.p, 10, "records", 0.01, "10 records");
    cr_assert_str_eq(mem_text(&x.m), "\ringest url: 10 records\033[K", "none before 1 s");
    x.clk.now = 20 * 1000000LL;
    cm_progress_update(x.p, 500, "records", 0.25, "500 records, 2 pages");
    cr_assert(strstr(mem_text(&x.m),
                     "\ringest url: 500 records, 2 pages, ETA 1m00s, 25 records/s\033[K") != NULL,
              "%s", mem_text(&x.m));
    x.clk.now += 200000;
    cm_progress_update(x.p, 2, "scenarios", 0.5, "2/4");
    cr_assert(strstr(mem_text(&x.m), "2/4, ETA 20s, 0.1 scenarios/s") != NULL, "%s",
              mem_text(&x.m));
    fx_end(&x);
}

Test(progress, line_is_cut_to_the_width)
{
    struct fx x;
    const char *t;

    fx_start(&x, CM_PROGRESS_LINE, 30, 0);
    cm_progress_update(x.p, 0, NULL, -1, "%s", "a very long text that does not fit in 30 columns");
    t = mem_text(&x.m);
    cr_assert_str_eq(t, "\ringest url: a very long text \033[K");
    cr_assert_eq(strlen(t) - strlen("\r\033[K"), 29, "one column left for the cursor");
    fx_end(&x);
}

Test(progress, clear_erases_and_the_next_update_draws_at_once)
{
    struct fx x;

    fx_start(&x, CM_PROGRESS_LINE, 80, 0);
    cm_progress_update(x.p, 1, NULL, -1, "1/3");
    x.clk.now += 1000;
    cm_progress_update(x.p, 1, NULL, -1, "1/3 again");
    cr_assert_eq(count_of(mem_text(&x.m), "again"), 0, "throttled");
    cm_progress_clear(x.p);
    fputs("pass demo/x\n", x.m.f);
    cm_progress_update(x.p, 2, NULL, -1, "2/3");
    cr_assert_str_eq(mem_text(&x.m),
                     "\ringest url: 1/3\033[K\r\033[Kpass demo/x\n\ringest url: 2/3\033[K");
    cm_progress_clear(x.p);
    cm_progress_clear(x.p);
    cm_progress_done(x.p);
    cr_assert_eq(count_of(mem_text(&x.m), "\r\033[K"), 2, "an erased line is not erased twice");
    cm_progress_update(x.p, 3, NULL, -1, "3/3");
    cr_assert_eq(count_of(mem_text(&x.m), "3/3"), 0, "nothing after the end");
    fx_end(&x);
}

Test(progress, log_mode_writes_plain_periodic_lines)
{
    struct fx x;
    const char *t, *c;
    int i;

    fx_start(&x, CM_PROGRESS_LOG, 0, 0);
    /* 12 s of updates, ten a second: a line at 5 s and at 10 s, then the last one. */
    for (i = 1; i <= 120; i++) {
        x.clk.now += 100000;
        cm_progress_update(x.p, i * 10, "records", -1, "%d records", i * 10);
    }
    cm_progress_clear(x.p);
    cm_progress_done(x.p);
    t = mem_text(&x.m);
    cr_assert_str_eq(t, "[5s] ingest url: 500 records, 100 records/s\n"
                        "[10s] ingest url: 1000 records, 100 records/s\n"
                        "[12s] ingest url: 1200 records, 100 records/s (done)\n");
    for (c = t; *c; c++)
        cr_assert(*c == '\n' || (*c >= 0x20 && *c < 0x7f), "no control characters");
    fx_end(&x);
}

Test(progress, text_cannot_carry_control_characters)
{
    struct fx x;

    fx_start(&x, CM_PROGRESS_LINE, 80, 0);
    cm_progress_update(x.p, 0, NULL, -1, "%s", "evil\r\033[2Jname\n");
    cr_assert_str_eq(mem_text(&x.m), "\ringest url: evil  [2Jname \033[K");
    fx_end(&x);
}

Test(progress, eta_text)
{
    static const struct {
        int64_t us;
        const char *text;
    } cases[] = {
        {0, "0s"},
        {-5, "0s"},
        {59400000, "59s"},
        {65000000, "1m05s"},
        {(2 * 3600 + 3 * 60 + 9) * 1000000LL, "2h03m"},
    };
    char b[16];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cm_progress_eta_text(cases[i].us, b, sizeof(b));
        cr_assert_str_eq(b, cases[i].text);
    }
}

/* Runs cm_warn(msg) with stderr sent to a pipe; returns 1 when msg came out. */
static int warn_captured(const char *msg)
{
    int fds[2], saved, ok;
    char got[256];
    ssize_t n;

    cr_assert_eq(pipe(fds), 0);
    fflush(stderr);
    saved = dup(STDERR_FILENO);
    dup2(fds[1], STDERR_FILENO);
    cm_warn("%s", msg);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fds[1]);
    n = read(fds[0], got, sizeof(got) - 1);
    close(fds[0]);
    got[n > 0 ? n : 0] = '\0';
    ok = strstr(got, msg) != NULL;
    return ok;
}

Test(progress, log_lines_erase_the_status_line_first)
{
    struct fx x;

    fx_start(&x, CM_PROGRESS_LINE, 80, 1);
    cm_progress_update(x.p, 1, NULL, -1, "1/2");
    cr_assert(warn_captured("something happened"));
    cr_assert_str_eq(mem_text(&x.m), "\rrun: 1/2\033[K\r\033[K", "erased before the log line");
    cm_progress_update(x.p, 2, NULL, -1, "2/2");
    cr_assert(strstr(mem_text(&x.m), "\rrun: 2/2\033[K") != NULL, "drawn again at once");
    cm_progress_free(x.p);
    x.p = NULL;
    cr_assert(warn_captured("later"));
    cr_assert_eq(count_of(mem_text(&x.m), "\r\033[K"), 2, "the hook left with the progress");
    fx_end(&x);
}
