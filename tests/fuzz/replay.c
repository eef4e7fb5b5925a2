/*
 * replay.c: fuzz_replay, the fuzz targets without libFuzzer. Every target of
 * tests/fuzz/ is linked in; each file of a target's folders is read and given
 * to it once, so the seed corpus (corpus/<target>/) and every crash
 * reproducer (regressions/<target>/) run in the normal and sanitizer builds
 * as the ctest fuzz-corpus. A target that fails aborts, which fails the test.
 *
 *   fuzz_replay ROOT...            every target, files of ROOT/<target>/ for each ROOT
 *   fuzz_replay -t TARGET FILE...  one target, the files given (to reproduce a crash)
 *
 * A target with no corpus file at all is an error: a folder renamed or
 * emptied by mistake must not turn the test into a silent pass.
 */
#include "tests/fuzz/fuzz.h"

#include "common/fsutil.h"
#include "common/mem.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REPLAY_FILE_MAX (1024 * 1024)

struct target {
    const char *name;
    int (*fn)(const uint8_t *data, size_t size);
};

static const struct target targets[] = {
    {"scenario", fuzz_scenario},   {"lenient", fuzz_lenient},     {"auth", fuzz_auth},
    {"pagetoken", fuzz_pagetoken}, {"ctr_query", fuzz_ctr_query}, {NULL, NULL},
};

/* Runs t on one file; 0, or -1 when it cannot be read. */
static int replay_file(const struct target *t, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    int rc = cm_read_file(path, REPLAY_FILE_MAX, &text, &len);

    if (rc != 0) {
        fprintf(stderr, "fuzz_replay: cannot read '%s': %s\n", path, cm_strerror(rc));
        return -1;
    }
    t->fn((const uint8_t *)text, len);
    free(text);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every regular file of dir (absent: none); returns how many, or -1. */
static long replay_dir(const struct target *t, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL, *path;
    size_t n = 0, cap = 0, i;
    long count = 0;
    struct stat sb;

    if (d == NULL)
        return errno == ENOENT ? 0 : -1;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = cm_realloc(names, cap * sizeof(*names));
        }
        names[n++] = cm_strdup(e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), by_name);
    for (i = 0; i < n; i++) {
        path = cm_asprintf("%s/%s", dir, names[i]);
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
            if (replay_file(t, path) != 0)
                count = -1;
            else if (count >= 0)
                count++;
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return count;
}

static const struct target *find_target(const char *name)
{
    const struct target *t;

    for (t = targets; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

int main(int argc, char **argv)
{
    const struct target *t;
    int i, failed = 0;

    if (argc >= 3 && strcmp(argv[1], "-t") == 0) {
        if ((t = find_target(argv[2])) == NULL) {
            fprintf(stderr, "fuzz_replay: unknown target '%s'\n", argv[2]);
            return 2;
        }
        for (i = 3; i < argc; i++)
            failed |= replay_file(t, argv[i]) != 0;
        return failed;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: fuzz_replay ROOT... | fuzz_replay -t TARGET FILE...\n");
        return 2;
    }
    for (t = targets; t->name; t++) {
        long total = 0, n;
        for (i = 1; i < argc; i++) {
            char *dir = cm_asprintf("%s/%s", argv[i], t->name);
            n = replay_dir(t, dir);
            if (n < 0) {
                fprintf(stderr, "fuzz_replay: cannot read '%s'\n", dir);
                failed = 1;
            } else {
                total += n;
            }
            free(dir);
        }
        printf("fuzz_replay: %s: %ld files\n", t->name, total);
        if (total == 0) {
            fprintf(stderr, "fuzz_replay: %s: no corpus file: expected some under %s/%s\n", t->name,
                    argv[1], t->name);
            failed = 1;
        }
    }
    return failed;
}
