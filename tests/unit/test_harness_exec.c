/*
 * test_harness_exec.c: where a run's work folders go (hx_work_parent):
 * TMPDIR when set, else /dev/shm when it is a roomy tmpfs, else /tmp.
 */
#include <criterion/criterion.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "harness/exec.h"

Test(harness_exec, tmpdir_wins_when_set)
{
    cr_assert_eq(setenv("TMPDIR", "/var/tmp/somewhere", 1), 0);
    cr_assert_str_eq(hx_work_parent(), "/var/tmp/somewhere");
}

Test(harness_exec, without_tmpdir_a_tmpfs_or_tmp)
{
    const char *p;
    struct statfs fs;

    cr_assert_eq(setenv("TMPDIR", "", 1), 0); /* empty counts as unset */
    p = hx_work_parent();
    cr_assert(strcmp(p, "/dev/shm") == 0 || strcmp(p, "/tmp") == 0, "'%s'", p);
    if (strcmp(p, "/dev/shm") == 0) {
        cr_assert_eq(statfs(p, &fs), 0);
        cr_assert_eq(fs.f_type, TMPFS_MAGIC, "/dev/shm chosen but not a tmpfs");
        cr_assert_geq((long long)fs.f_bavail * fs.f_bsize, 1024LL * 1024 * 1024,
                      "/dev/shm chosen with under 1 GiB free");
    }
    cr_assert_eq(access(p, W_OK | X_OK), 0, "'%s' is not writable", p);
    cr_assert_eq(unsetenv("TMPDIR"), 0);
    cr_assert_str_eq(hx_work_parent(), p, "unset and empty differ");
}
