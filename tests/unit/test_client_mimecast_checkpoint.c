/*
 * test_client_mimecast_checkpoint.c: the boundary logic of the ingestion
 * checkpoint: records sharing the boundary second are neither lost nor
 * duplicated across runs (identical records counted as many times as they
 * came), the file round-trips, and alerts written by a run that died before
 * its checkpoint are adopted (with a cut last line removed).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/mimecast_checkpoint.h"
#include "common/fsutil.h"

#define T0 1772438400000LL /* 2026-03-02T08:00:00Z */

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/secmock-cp-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(client_mimecast_checkpoint, .init = setup, .fini = teardown);

/* A run over records (ts offset in s, key), as ingest does it; returns emitted keys joined. */
static void run(struct rc_mm_checkpoint *cp, const int *secs, const char *const *keys, size_t n,
                char *emitted, size_t size)
{
    struct rc_mm_dedup d;
    size_t i, off = 0;

    emitted[0] = '\0';
    rc_mm_dedup_init(&d, cp);
    for (i = 0; i < n; i++) {
        int64_t ts = T0 + secs[i] * 1000LL;
        if (rc_mm_dedup_check(&d, ts, keys[i]) != RC_MM_SEEN_NEW)
            continue;
        off += (size_t)snprintf(emitted + off, size - off, "%s%s", off ? "," : "", keys[i]);
        rc_mm_cp_advance(cp, ts, keys[i]);
    }
    rc_mm_dedup_release(&d);
}

Test(client_mimecast_checkpoint, a_boundary_second_split_across_runs)
{
    static const int s1[] = {0, 5, 5};
    static const char *const k1[] = {"a", "b", "c"};
    /* The next query starts at second 5 inclusive: b and c come again, then d at 5, e at 6. */
    static const int s2[] = {5, 5, 5, 6};
    static const char *const k2[] = {"b", "c", "d", "e"};
    static const int s3[] = {6};
    static const char *const k3[] = {"e"};
    struct rc_mm_checkpoint cp;
    char out[256];

    rc_mm_cp_init(&cp, "url", T0);
    run(&cp, s1, k1, 3, out, sizeof(out));
    cr_assert_str_eq(out, "a,b,c");
    cr_assert_eq(cp.boundary_ms, T0 + 5000);
    cr_assert_eq(cp.n_seen, 2);
    run(&cp, s2, k2, 4, out, sizeof(out));
    cr_assert_str_eq(out, "d,e", "b and c were handled; d shares their second and is new");
    cr_assert_eq(cp.boundary_ms, T0 + 6000);
    run(&cp, s3, k3, 1, out, sizeof(out));
    cr_assert_str_eq(out, "", "nothing twice");
    rc_mm_cp_release(&cp);
}

Test(client_mimecast_checkpoint, identical_records_at_the_boundary_are_counted)
{
    static const int s1[] = {1, 1};
    static const char *const k1[] = {"same", "same"};
    static const int s2[] = {1, 1, 1};
    static const char *const k2[] = {"same", "same", "same"};
    struct rc_mm_checkpoint cp;
    char out[256];

    rc_mm_cp_init(&cp, "url", T0);
    run(&cp, s1, k1, 2, out, sizeof(out));
    cr_assert_str_eq(out, "same,same");
    run(&cp, s2, k2, 3, out, sizeof(out));
    cr_assert_str_eq(out, "same", "a third identical click at that second is new");
    rc_mm_cp_release(&cp);
}

Test(client_mimecast_checkpoint, records_before_the_boundary_are_skipped)
{
    struct rc_mm_checkpoint cp;
    struct rc_mm_dedup d;

    rc_mm_cp_init(&cp, "url", T0 + 10000);
    rc_mm_dedup_init(&d, &cp);
    cr_assert_eq(rc_mm_dedup_check(&d, T0, "x"), RC_MM_SEEN_BEFORE);
    cr_assert_eq(rc_mm_dedup_check(&d, T0 + 10000, "x"), RC_MM_SEEN_NEW);
    rc_mm_dedup_release(&d);
    rc_mm_cp_release(&cp);
}

Test(client_mimecast_checkpoint, the_file_round_trips)
{
    struct rc_mm_checkpoint cp, back;
    struct cm_err err = {{0}};
    char path[128];

    snprintf(path, sizeof(path), "%s/cp.json", dir);
    cr_assert_eq(rc_mm_cp_load(path, &back, &err), CM_ENOENT);
    rc_mm_cp_init(&cp, "impersonation", T0);
    rc_mm_cp_advance(&cp, T0 + 1000, "id:1");
    rc_mm_cp_advance(&cp, T0 + 1000, "id:2");
    rc_mm_cp_advance(&cp, T0 + 500, "id:0"); /* before: ignored */
    rc_mm_cp_set_output(&cp, "/x/alerts.jsonl", 1234);
    cr_assert_eq(rc_mm_cp_save(path, &cp, T0, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_mm_cp_load(path, &back, &err), 0, "%s", err.msg);
    cr_assert_str_eq(back.type, "impersonation");
    cr_assert_eq(back.boundary_ms, T0 + 1000);
    cr_assert_eq(back.n_seen, 2);
    cr_assert_str_eq(back.seen[0], "id:1");
    cr_assert_str_eq(back.seen[1], "id:2");
    cr_assert_str_eq(back.output, "/x/alerts.jsonl");
    cr_assert_eq(back.output_offset, 1234);
    rc_mm_cp_release(&back);
    rc_mm_cp_release(&cp);
}

Test(client_mimecast_checkpoint, a_damaged_file_says_what_to_do)
{
    struct rc_mm_checkpoint cp;
    struct cm_err err = {{0}};
    char path[128];

    snprintf(path, sizeof(path), "%s/bad.json", dir);
    cr_assert_eq(cm_write_file_atomic(path, "{\"version\": 1, \"type\"", 21), 0);
    cr_assert_eq(rc_mm_cp_load(path, &cp, &err), CM_EINVAL);
    cr_assert_not_null(strstr(err.msg, "delete it to start again from --since"), "%s", err.msg);
}

Test(client_mimecast_checkpoint, alerts_past_the_offset_are_adopted_and_a_cut_line_removed)
{
    static const char covered[] = "{\"logType\":\"url\",\"eventTime\":\"2026-03-02T08:00:00Z\","
                                  "\"eventKey\":\"a\"}\n";
    static const char after[] =
        "{\"logType\":\"url\",\"eventTime\":\"2026-03-02T08:00:05Z\",\"eventKey\":\"b\"}\n"
        "{\"logType\":\"attachment\",\"eventTime\":\"2026-03-02T08:00:09Z\",\"eventKey\":\"z\"}\n"
        "{\"logType\":\"url\",\"eventTime\":\"2026-03-02T08:00:05Z\",\"eventKey\":\"c\"}\n"
        "{\"logType\":\"url\",\"eventTi";
    struct rc_mm_checkpoint cp;
    struct cm_err err = {{0}};
    char path[128], *text = NULL;
    size_t adopted = 0, len = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/alerts.jsonl", dir);
    f = fopen(path, "w");
    fputs(covered, f);
    fputs(after, f);
    fclose(f);
    rc_mm_cp_init(&cp, "url", T0);
    rc_mm_cp_advance(&cp, T0, "a");
    rc_mm_cp_set_output(&cp, path, (int64_t)strlen(covered));
    cr_assert_eq(rc_mm_cp_recover(&cp, path, &adopted, &err), 0, "%s", err.msg);
    cr_assert_eq(adopted, 2, "b and c; the attachment alert is another integration's");
    cr_assert_eq(cp.boundary_ms, T0 + 5000);
    cr_assert_eq(cp.n_seen, 2);
    cr_assert_eq(cm_read_file(path, 1 << 20, &text, &len), 0);
    cr_assert_eq(text[len - 1], '\n', "the cut line is gone");
    cr_assert_eq((int64_t)len, cp.output_offset);
    free(text);
    /* Nothing more the second time. */
    cr_assert_eq(rc_mm_cp_recover(&cp, path, &adopted, &err), 0);
    cr_assert_eq(adopted, 0);
    /* Another output file: nothing to adopt. */
    cr_assert_eq(rc_mm_cp_recover(&cp, "/elsewhere.jsonl", &adopted, &err), 0);
    cr_assert_eq(adopted, 0);
    rc_mm_cp_release(&cp);
}

Test(client_mimecast_checkpoint, a_rotated_output_is_not_read)
{
    struct rc_mm_checkpoint cp;
    struct cm_err err = {{0}};
    char path[128];
    size_t adopted = 9;

    snprintf(path, sizeof(path), "%s/short.jsonl", dir);
    cr_assert_eq(cm_write_file_atomic(path, "{}\n", 3), 0);
    rc_mm_cp_init(&cp, "url", T0);
    rc_mm_cp_set_output(&cp, path, 1000);
    cr_assert_eq(rc_mm_cp_recover(&cp, path, &adopted, &err), 0);
    cr_assert_eq(adopted, 0);
    cr_assert_eq(cp.output_offset, 3);
    rc_mm_cp_release(&cp);
}
