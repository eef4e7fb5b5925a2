/*
 * test_client_mimecast_cpsync.c: the checkpoint saved on a thread
 * (client/mimecast_cpsync.c): the last text posted is the one on disk once
 * finished, whatever the thread skipped; a save that fails is reported by a
 * later post or by finish, and nothing is saved after it.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/mimecast_cpsync.h"
#include "common/fsutil.h"
#include "common/mem.h"

static char dir[64], cp[128], out[128];

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/rc_cpsync_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cp, sizeof(cp), "%s/cp.json", dir);
    snprintf(out, sizeof(out), "%s/alerts.jsonl", dir);
}

static void teardown(void)
{
    unlink(cp);
    unlink(out);
    rmdir(dir);
}

TestSuite(client_mimecast_cpsync, .init = setup, .fini = teardown, .timeout = 30);

Test(client_mimecast_cpsync, the_last_text_posted_is_saved)
{
    struct cm_err err = {{0}};
    struct rc_mm_cpsync *c = rc_mm_cpsync_new(cp, out);
    int fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0644), i;
    char *text = NULL;
    size_t len;

    cr_assert_geq(fd, 0);
    for (i = 0; i < 200; i++) {
        cr_assert_eq(write(fd, "{}\n", 3), 3);
        cr_assert_eq(rc_mm_cpsync_post(c, fd, cm_asprintf("{\"page\": %d}\n", i), &err), 0, "%s",
                     err.msg);
    }
    cr_assert_eq(rc_mm_cpsync_finish(c, &err), 0, "%s", err.msg);
    cr_assert_eq(cm_read_file(cp, 4096, &text, &len), 0);
    cr_assert_str_eq(text, "{\"page\": 199}\n");
    free(text);
    close(fd);
}

Test(client_mimecast_cpsync, a_failed_save_is_reported_and_ends_the_saves)
{
    struct cm_err err = {{0}};
    char bad[160];
    struct rc_mm_cpsync *c;
    int i, rc = 0;

    snprintf(bad, sizeof(bad), "%s/no/such/dir/cp.json", dir);
    c = rc_mm_cpsync_new(bad, out);
    for (i = 0; i < 50 && rc == 0; i++)
        rc = rc_mm_cpsync_post(c, -1, cm_asprintf("{\"page\": %d}\n", i), &err);
    if (rc == 0)
        rc = rc_mm_cpsync_finish(c, &err);
    else
        cr_assert_neq(rc_mm_cpsync_finish(c, NULL), 0, "finish says it again");
    cr_assert_neq(rc, 0);
    cr_assert_not_null(strstr(err.msg, "cannot write the checkpoint"), "%s", err.msg);
    cr_assert_not_null(strstr(err.msg, "no/such/dir"), "%s", err.msg);
}

Test(client_mimecast_cpsync, finishing_nothing_is_harmless)
{
    cr_assert_eq(rc_mm_cpsync_finish(NULL, NULL), 0);
}
