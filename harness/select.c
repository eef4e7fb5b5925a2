/*
 * select.c: finding scenario files and choosing the ones to run.
 */
#include "harness/select.h"

#include "common/mem.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct list {
    char **v;
    size_t n, cap;
};

static void add(struct list *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = cm_realloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = s;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);

    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir);

    while (n > 1 && dir[n - 1] == '/')
        n--;
    return cm_asprintf("%.*s/%s", (int)n, dir, name);
}

static int walk(const char *dir, struct list *out, int depth, struct cm_err *err)
{
    DIR *d;
    struct dirent *e;
    int rc = 0;

    if (depth > 32)
        return cm_fail(err, CM_EINVAL, "cannot read '%s': folders nested too deep", dir);
    d = opendir(dir);
    if (d == NULL)
        return cm_fail(err, CM_EIO, "cannot read folder '%s': %s", dir, strerror(errno));
    while (rc == 0 && (e = readdir(d)) != NULL) {
        struct stat st;
        char *path;
        if (e->d_name[0] == '.')
            continue;
        path = join(dir, e->d_name);
        if (stat(path, &st) != 0) {
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (strcmp(e->d_name, "fixtures") != 0)
                rc = walk(path, out, depth + 1, err);
            free(path);
        } else if (S_ISREG(st.st_mode) && ends_with(e->d_name, ".json") &&
                   !ends_with(e->d_name, ".schema.json")) {
            add(out, path);
        } else {
            free(path);
        }
    }
    closedir(d);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int hx_discover(const char *const *paths, size_t npaths, char ***files, size_t *nfiles,
                struct cm_err *err)
{
    struct list l = {0};
    size_t i, j;
    int rc = 0;

    for (i = 0; rc == 0 && i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0)
            rc = cm_fail(err, CM_ENOENT, "cannot open '%s': %s", paths[i], strerror(errno));
        else if (S_ISDIR(st.st_mode))
            rc = walk(paths[i], &l, 0, err);
        else
            add(&l, cm_strdup(paths[i]));
    }
    if (rc) {
        for (i = 0; i < l.n; i++)
            free(l.v[i]);
        free(l.v);
        return rc;
    }
    if (l.n)
        qsort(l.v, l.n, sizeof(*l.v), cmp_str);
    for (i = j = 0; i < l.n; i++) {
        if (j && strcmp(l.v[j - 1], l.v[i]) == 0)
            free(l.v[i]);
        else
            l.v[j++] = l.v[i];
    }
    *files = l.v;
    *nfiles = j;
    return 0;
}

int hx_parse_shard(const char *s, unsigned *i, unsigned *n)
{
    char *end;
    unsigned long a, b;

    if (s == NULL || *s < '0' || *s > '9')
        return CM_EINVAL;
    errno = 0;
    a = strtoul(s, &end, 10);
    if (*end != '/' || end[1] < '0' || end[1] > '9' || errno)
        return CM_EINVAL;
    b = strtoul(end + 1, &end, 10);
    if (*end != '\0' || errno || b == 0 || a == 0 || a > b || b > 100000)
        return CM_EINVAL;
    *i = (unsigned)a;
    *n = (unsigned)b;
    return 0;
}

int hx_selected(const struct hx_scenario *sc, const struct hx_selection *sel)
{
    size_t i;
    int ok;

    if (sel->nfilters) {
        for (ok = 0, i = 0; !ok && i < sel->nfilters; i++)
            ok = fnmatch(sel->filters[i], sc->name, 0) == 0;
        if (!ok)
            return 0;
    }
    if (sel->ntags) {
        for (ok = 0, i = 0; !ok && i < sel->ntags; i++)
            ok = hx_scenario_has_tag(sc, sel->tags[i]);
        if (!ok)
            return 0;
    }
    return 1;
}

static int cmp_sc(const void *a, const void *b)
{
    const struct hx_scenario *x = *(struct hx_scenario *const *)a;
    const struct hx_scenario *y = *(struct hx_scenario *const *)b;
    int c = strcmp(x->name, y->name);

    return c ? c : strcmp(x->file, y->file);
}

size_t hx_select(struct hx_scenario *const *all, size_t n, const struct hx_selection *sel,
                 struct hx_scenario **out)
{
    size_t i, k = 0, j = 0;

    for (i = 0; i < n; i++)
        if (hx_selected(all[i], sel))
            out[k++] = all[i];
    if (k)
        qsort(out, k, sizeof(*out), cmp_sc);
    if (sel->shard_n == 0)
        return k;
    for (i = 0; i < k; i++)
        if (i % sel->shard_n == sel->shard_i - 1)
            out[j++] = out[i];
    return j;
}

struct start_key {
    int64_t wait_ms;
    size_t index;
};

static int cmp_start(const void *a, const void *b)
{
    const struct start_key *x = a, *y = b;

    if (x->wait_ms != y->wait_ms)
        return x->wait_ms > y->wait_ms ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

void hx_start_order(struct hx_scenario *const *sel, size_t n, size_t *order)
{
    struct start_key *k = cm_calloc(n ? n : 1, sizeof(*k));
    size_t i;

    for (i = 0; i < n; i++) {
        k[i].wait_ms = hx_scenario_wait_ms(sel[i]);
        k[i].index = i;
    }
    qsort(k, n, sizeof(*k), cmp_start);
    for (i = 0; i < n; i++)
        order[i] = k[i].index;
    free(k);
}

unsigned hx_jobs(unsigned asked, long cpus, size_t n)
{
    /* One more than the CPUs: a scenario spends part of its time waiting for its
     * processes to start and answer each other, and the extra one fills those gaps
     * (the library on 2 CPUs: 9.4 s with 2, 8.0 s with 3, the same with 4). */
    unsigned jobs = asked ? asked : cpus > 0 ? (unsigned)cpus + 1 : 1;

    if (jobs > n)
        jobs = n ? (unsigned)n : 1;
    return jobs;
}
