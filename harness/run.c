/*
 * run.c: `secmock run`, the scenario harness's command line.
 *
 * Order of work: parse the options; find the scenario files; load and
 * validate every one of them (any error: print them all, exit 2, start
 * nothing); select by --filter/--tag/--shard; then either list them or run
 * them on --jobs threads, each scenario isolated in its own mock process and
 * work folder; print a line per scenario as it ends and the summary line
 * last; write the JUnit, JSON and HTML reports. Exit 0 when every selected scenario
 * passed (or was skipped), 1 when any failed, 2 on usage or load errors.
 *
 * Source tour of harness/: scenario.c (format and validation), vars.c
 * (${...}), mockproc.c (the mock process and admin calls), exec.c (steps),
 * expect.c (expectations), select.c (discovery, filters, shards), report.c,
 * html.c (the --html report).
 */
#include "harness/harness.h"

#include "common/fsutil.h"
#include "common/http.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/progress.h"
#include "common/timeutil.h"
#include "harness/exec.h"
#include "harness/explain.h"
#include "harness/html.h"
#include "harness/launcher.h"
#include "harness/report.h"
#include "harness/scenario.h"
#include "harness/select.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct opts {
    const char **paths;
    size_t npaths;
    const char **filters;
    size_t nfilters;
    const char **tags;
    size_t ntags;
    unsigned jobs;
    unsigned shard_i, shard_n;
    int list, verbose, no_color;
    int progress;     /* -1 --no-progress, 0 neither, 1 --progress */
    int explain_file; /* --explain names a file */
    const char *junit, *json, *html, *keep_logs, *secmock, *explain;
};

static void usage(FILE *out)
{
    fputs("usage: secmock run [PATHS...] [options]\n"
          "\n"
          "Runs scenario files (docs/scenario-format.md) against fresh mocks, one\n"
          "`secmock serve` per scenario. PATHS are files or folders (searched for *.json,\n"
          "skipping folders named fixtures); the default is ./scenarios.\n"
          "\n"
          "options:\n"
          "  --jobs N          scenarios run at once (default: the number of CPUs plus one)\n"
          "  --filter GLOB     only scenarios whose name matches (repeatable; '*' crosses '/')\n"
          "  --tag T           only scenarios tagged T (repeatable)\n"
          "  --shard I/N       only the I-th of N shards of the sorted selection\n"
          "  --list            print the selected scenarios' names and summaries, run nothing\n"
          "  --junit FILE      write a JUnit XML report\n"
          "  --json FILE       write a JSON report\n"
          "  --html FILE       write an HTML report with a sequence diagram per scenario\n"
          "  --keep-logs DIR   keep each scenario's step log, mock log and journal in DIR\n"
          "  --verbose         print every scenario's step log\n"
          "  --no-color        no colours (also when NO_COLOR is set or stdout is no terminal)\n"
          "  --progress        show progress on stderr even when it is no terminal (plain\n"
          "                    lines every 5 s); on a terminal it is one line, redrawn\n"
          "  --no-progress     no progress line, even on a terminal\n"
          "  --explain NAME    tell what the scenario NAME (a name, or a file) sets up and does,\n"
          "                    step by step, in plain words; run nothing\n"
          "\n"
          "exit status: 0 all passed, 1 some failed, 2 usage or scenario file errors\n",
          out);
}

static void push(const char ***v, size_t *n, const char *s)
{
    *v = cm_realloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = s;
}

/* Option value from "--opt=value" or the next argument. */
static const char *value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);

    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (strcmp(argv[*i], name) == 0) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "secmock run: %s needs a value\n", name);
            return NULL;
        }
        return argv[++*i];
    }
    return NULL;
}

static int is_opt(const char *arg, const char *name)
{
    size_t n = strlen(name);

    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* 0, 1 for --help, 2 on a usage error. */
static int parse(int argc, char **argv, struct opts *o)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return 1;
        if (strcmp(a, "--list") == 0) {
            o->list = 1;
        } else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            o->verbose = 1;
        } else if (strcmp(a, "--no-color") == 0) {
            o->no_color = 1;
        } else if (strcmp(a, "--progress") == 0) {
            if (o->progress == 0)
                o->progress = 1;
        } else if (strcmp(a, "--no-progress") == 0) {
            o->progress = -1;
        } else if (is_opt(a, "--jobs") || strcmp(a, "-j") == 0) {
            char *end;
            long n;
            v = strcmp(a, "-j") == 0 ? (i + 1 < argc ? argv[++i] : NULL)
                                     : value(argc, argv, &i, "--jobs");
            if (v == NULL)
                return 2;
            errno = 0;
            n = strtol(v, &end, 10);
            if (*v == '\0' || *end || errno || n < 1 || n > 1024) {
                fprintf(stderr, "secmock run: --jobs: expected a number from 1 to 1024, got '%s'\n",
                        v);
                return 2;
            }
            o->jobs = (unsigned)n;
        } else if (is_opt(a, "--filter")) {
            if ((v = value(argc, argv, &i, "--filter")) == NULL)
                return 2;
            push(&o->filters, &o->nfilters, v);
        } else if (is_opt(a, "--tag")) {
            if ((v = value(argc, argv, &i, "--tag")) == NULL)
                return 2;
            push(&o->tags, &o->ntags, v);
        } else if (is_opt(a, "--shard")) {
            if ((v = value(argc, argv, &i, "--shard")) == NULL)
                return 2;
            if (hx_parse_shard(v, &o->shard_i, &o->shard_n) != 0) {
                fprintf(stderr, "secmock run: --shard: expected I/N with 1 <= I <= N, got '%s'\n",
                        v);
                return 2;
            }
        } else if (is_opt(a, "--junit")) {
            if ((o->junit = value(argc, argv, &i, "--junit")) == NULL)
                return 2;
        } else if (is_opt(a, "--json")) {
            if ((o->json = value(argc, argv, &i, "--json")) == NULL)
                return 2;
        } else if (is_opt(a, "--html")) {
            if ((o->html = value(argc, argv, &i, "--html")) == NULL)
                return 2;
        } else if (is_opt(a, "--keep-logs")) {
            if ((o->keep_logs = value(argc, argv, &i, "--keep-logs")) == NULL)
                return 2;
        } else if (is_opt(a, "--explain")) {
            if ((o->explain = value(argc, argv, &i, "--explain")) == NULL)
                return 2;
        } else if (is_opt(a, "--secmock")) {
            if ((o->secmock = value(argc, argv, &i, "--secmock")) == NULL)
                return 2;
        } else if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++)
                push(&o->paths, &o->npaths, argv[i]);
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "secmock run: unknown option '%s' (see secmock run --help)\n", a);
            return 2;
        } else {
            push(&o->paths, &o->npaths, a);
        }
    }
    return 0;
}

/* The workers' shared state; every field after lock is touched under it. */
struct pool {
    pthread_mutex_t lock;
    struct hx_item *items;
    const size_t *order; /* the items' indices in the order they start (hx_start_order) */
    size_t n, next, running;
    struct hx_counts done;
    const struct hx_exec_config *cfg;
    struct cm_progress *progress; /* NULL: none */
    int color, verbose;
};

/* The progress line: "12/40, 11 passed, 1 failed, 2 running". Under p->lock. */
static void show_progress(struct pool *p)
{
    size_t done = p->done.passed + p->done.failed + p->done.skipped;
    char skipped[32] = "";

    if (p->done.skipped)
        snprintf(skipped, sizeof(skipped), ", %zu skipped", p->done.skipped);
    cm_progress_update(p->progress, (int64_t)done, "scenarios",
                       p->n ? (double)done / (double)p->n : -1,
                       "%zu/%zu, %zu passed, %zu failed%s, %zu running", done, p->n, p->done.passed,
                       p->done.failed, skipped, p->running);
}

static void *worker(void *arg)
{
    struct pool *p = arg;

    for (;;) {
        size_t i;
        pthread_mutex_lock(&p->lock);
        i = p->next < p->n ? p->order[p->next] : p->n;
        p->next++;
        if (i < p->n) {
            p->running++;
            show_progress(p);
        }
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n)
            break;
        hx_execute(p->items[i].sc, p->cfg, &p->items[i].res);
        pthread_mutex_lock(&p->lock);
        p->running--;
        if (p->items[i].res.status == HX_PASS)
            p->done.passed++;
        else if (p->items[i].res.status == HX_FAIL)
            p->done.failed++;
        else
            p->done.skipped++;
        cm_progress_clear(p->progress);
        hx_report_line(stdout, &p->items[i], p->color, p->verbose);
        fflush(stdout);
        show_progress(p);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

/* The --progress/--no-progress decision for stderr; NULL when it is off. */
static struct cm_progress *open_progress(int want)
{
    struct cm_progress_conf c;

    memset(&c, 0, sizeof(c));
    c.out = stderr;
    c.mode = cm_progress_choose_for(want, stderr);
    c.label = "secmock run";
    c.hook_log = 1;
    return cm_progress_new(&c);
}

static int run_all(struct hx_item *items, const size_t *order, size_t n, const struct opts *o,
                   const struct hx_exec_config *cfg)
{
    struct pool p;
    pthread_t *threads;
    const char *nc = getenv("NO_COLOR");
    unsigned jobs, t, started = 0;

    memset(&p, 0, sizeof(p));
    pthread_mutex_init(&p.lock, NULL);
    p.items = items;
    p.n = n;
    p.order = order;
    p.cfg = cfg;
    p.verbose = o->verbose;
    p.color = !o->no_color && !(nc && *nc) && isatty(STDOUT_FILENO);
    p.progress = open_progress(o->progress);
    jobs = hx_jobs(o->jobs, sysconf(_SC_NPROCESSORS_ONLN), n);
    threads = cm_calloc(jobs, sizeof(*threads));
    for (t = 0; t < jobs; t++) {
        if (pthread_create(&threads[t], NULL, worker, &p) != 0)
            break;
        started++;
    }
    if (started == 0)
        worker(&p);
    for (t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    free(threads);
    cm_progress_free(p.progress);
    pthread_mutex_destroy(&p.lock);
    return 0;
}

/* --explain NAME: the scenario called NAME among all (or the file NAME), told in plain words.
 * 0, or 2 after saying that no scenario has that name and which ones come close. */
static int explain(const char *name, struct hx_scenario *const *all, size_t nall, int load_errors,
                   const struct opts *o)
{
    const char *close[5];
    char *text;
    size_t i, n;

    for (i = 0; i < nall; i++) {
        if (strcmp(all[i]->name, name) == 0 || strcmp(all[i]->file, name) == 0)
            break;
    }
    if (i == nall && load_errors && o->explain_file)
        return 2; /* the file itself did not load: its error is above */
    if (i == nall) {
        fprintf(stderr, "secmock run: --explain: no scenario is named '%s' in %s", name,
                o->npaths ? "the paths given" : "./scenarios");
        n = hx_close_names(name, all, nall, close, sizeof(close) / sizeof(close[0]));
        if (n) {
            fputs("; the closest names:\n", stderr);
            for (i = 0; i < n; i++)
                fprintf(stderr, "  %s\n", close[i]);
        } else {
            fputs(" (secmock run --list shows them all)\n", stderr);
        }
        if (load_errors)
            fprintf(stderr, "(%d scenario file%s did not load, see above)\n", load_errors,
                    load_errors == 1 ? "" : "s");
        return 2;
    }
    text = hx_explain(all[i]);
    fputs(text, stdout);
    free(text);
    return 0;
}

static hx_main_fn self_main;

void hx_run_set_self_main(int (*main_fn)(int argc, char **argv))
{
    self_main = main_fn;
}

static char *self_exe(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return cm_strdup(buf);
}

/* The launcher for exe's children, or NULL: only secmock's own children can be this
 * process's copies. */
static struct hx_launcher *start_launcher(const char *exe)
{
    char *me = self_exe(), *want = realpath(exe, NULL);
    struct hx_launcher *l = NULL;

    if (me && want && strcmp(me, want) == 0)
        l = hx_launcher_new(exe, self_main);
    free(me);
    free(want);
    return l;
}

int hx_run_main(int argc, char **argv)
{
    struct opts o;
    struct hx_scenario **all = NULL, **sel = NULL;
    struct hx_item *items = NULL;
    struct hx_exec_config cfg;
    struct hx_selection s;
    struct hx_counts counts;
    struct cm_err err;
    char **files = NULL, *exe = NULL, summary[128];
    struct hx_launcher *launcher = NULL;
    size_t nfiles = 0, nall = 0, nsel = 0, i, j, *order = NULL;
    int rc, load_errors = 0;
    int64_t t0;
    static const char *const default_paths[] = {"scenarios"};

    memset(&o, 0, sizeof(o));
    cm_log_set_prefix("run");
    rc = parse(argc, argv, &o);
    if (rc == 1) {
        usage(stdout);
        rc = 0;
        goto out;
    }
    if (rc) {
        usage(stderr);
        goto out;
    }
    if (o.explain && strlen(o.explain) > 5 &&
        strcmp(o.explain + strlen(o.explain) - 5, ".json") == 0) {
        /* a file: explained on its own, whatever the paths hold */
        if (access(o.explain, R_OK) != 0) {
            fprintf(stderr, "secmock run: --explain: cannot read '%s': %s\n", o.explain,
                    strerror(errno));
            rc = 2;
            goto out;
        }
        o.explain_file = 1;
        o.paths = cm_realloc(o.paths, sizeof(*o.paths));
        o.paths[0] = o.explain;
        o.npaths = 1;
    }
    if (!o.explain && !o.list) {
        exe = o.secmock ? cm_strdup(o.secmock) : self_exe();
        if (exe == NULL) {
            fprintf(stderr, "secmock run: cannot find the secmock binary (/proc/self/exe)\n");
            rc = 2;
            goto out;
        }
        signal(SIGPIPE, SIG_IGN);
        if (cm_http_global_init() != 0) {
            fprintf(stderr, "secmock run: %s\n", cm_http_load_error());
            rc = 2;
            goto out;
        }
        /* Before the scenarios are loaded: the launcher is this process's copy, and every
         * child its copy in turn, so what the harness holds by then (the parsed files, some
         * megabytes of heap) would be mapped into, and copied a page table at a time for,
         * each of the library's hundreds of children. One thread still. */
        launcher = start_launcher(exe);
    }
    rc = hx_discover(o.npaths ? o.paths : (const char **)default_paths, o.npaths ? o.npaths : 1,
                     &files, &nfiles, &err);
    if (rc) {
        fprintf(stderr, "secmock run: %s\n", err.msg);
        rc = 2;
        goto out;
    }
    all = cm_calloc(nfiles + 1, sizeof(*all));
    for (i = 0; i < nfiles; i++) {
        struct hx_scenario *sc = hx_scenario_load(files[i], &err);
        if (sc == NULL) {
            fprintf(stderr, "%s\n", err.msg);
            load_errors++;
            continue;
        }
        for (j = 0; j < nall; j++) {
            if (strcmp(all[j]->name, sc->name) == 0) {
                fprintf(stderr, "%s: name: '%s' is already the name of %s\n", sc->file, sc->name,
                        all[j]->file);
                load_errors++;
            }
        }
        all[nall++] = sc;
    }
    if (o.explain) {
        rc = explain(o.explain, all, nall, load_errors, &o);
        goto out;
    }
    if (load_errors) {
        fprintf(stderr, "secmock run: %d scenario file%s did not load; nothing was run\n",
                load_errors, load_errors == 1 ? "" : "s");
        rc = 2;
        goto out;
    }
    memset(&s, 0, sizeof(s));
    s.filters = o.filters;
    s.nfilters = o.nfilters;
    s.tags = o.tags;
    s.ntags = o.ntags;
    s.shard_i = o.shard_i;
    s.shard_n = o.shard_n;
    sel = cm_calloc(nall + 1, sizeof(*sel));
    nsel = hx_select(all, nall, &s, sel);
    if (o.list) {
        for (i = 0; i < nsel; i++)
            printf("%-48s %s\n", sel[i]->name, sel[i]->summary);
        rc = 0;
        goto out;
    }
    if (nsel == 0)
        fprintf(stderr, "secmock run: no scenario selected (%zu loaded)\n", nall);
    memset(&cfg, 0, sizeof(cfg));
    cfg.secmock = exe;
    cfg.launcher = launcher;
    cfg.faketime_lib = hx_find_faketime();
    cfg.keep_logs = o.keep_logs;
    cfg.timeline = o.html != NULL;
    if (o.keep_logs && cm_mkdir_p(o.keep_logs) != 0) {
        fprintf(stderr, "secmock run: cannot create '%s'\n", o.keep_logs);
        rc = 2;
        goto out;
    }
    items = cm_calloc(nsel + 1, sizeof(*items));
    for (i = 0; i < nsel; i++)
        items[i].sc = sel[i];
    order = cm_calloc(nsel + 1, sizeof(*order));
    hx_start_order(sel, nsel, order);
    t0 = cm_mono_us();
    run_all(items, order, nsel, &o, &cfg);
    t0 = cm_mono_us() - t0;
    hx_count(items, nsel, &counts);
    rc = counts.failed ? 1 : 0;
    if (o.junit && hx_write_junit(o.junit, items, nsel, t0, &err) != 0) {
        fprintf(stderr, "secmock run: %s\n", err.msg);
        rc = 2;
    }
    if (o.json && hx_write_json(o.json, items, nsel, t0, &err) != 0) {
        fprintf(stderr, "secmock run: %s\n", err.msg);
        rc = 2;
    }
    if (o.html && hx_write_html(o.html, items, nsel, t0, &err) != 0) {
        fprintf(stderr, "secmock run: %s\n", err.msg);
        rc = 2;
    }
    hx_summary_text(&counts, summary, sizeof(summary));
    printf("%s\n", summary);
    fflush(stdout);
out:
    hx_launcher_free(launcher);
    for (i = 0; items && i < nsel; i++)
        hx_result_release(&items[i].res);
    free(items);
    free(order);
    for (i = 0; i < nall; i++)
        hx_scenario_free(all[i]);
    free(all);
    free(sel);
    for (i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    free(exe);
    free(o.paths);
    free(o.filters);
    free(o.tags);
    return rc;
}
