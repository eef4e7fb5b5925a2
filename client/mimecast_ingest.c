/*
 * mimecast_ingest.c: `secmock client mimecast ingest --type T`, the Sophos
 * Central integration's data ingestion for one log type.
 *
 * One run:
 *   1. load the checkpoint (or start at --since), and adopt alerts a crashed
 *      run wrote past the checkpoint's output offset (mimecast_checkpoint.h);
 *   2. ask for the logs from the boundary (inclusive) to now, oldest first,
 *      pageSize records a page, following meta.pagination.next until it is
 *      absent (or repeats, or --max-pages is reached); a thread fetches
 *      and parses the next page while this one is handled (mimecast_pager.h;
 *      not with --max-pages, which must not ask for a page it will not use);
 *   3. per record: drop a wrong format, skip what an earlier run handled at
 *      the boundary, drop what Mimecast marked safe or trusted, else append
 *      the alert (mimecast_map.h);
 *   4. after each page: write the page's alerts (gathered in memory, in writes
 *      of up to 1 MiB) and fsync them, then replace the checkpoint (on a
 *      thread when both go to files, mimecast_cpsync.h; a
 *      first run saves one before its first page too, and removes it if it
 *      fails before handling a page);
 *   5. print the summary.
 *
 * A failure after some pages keeps what those pages produced (alerts and
 * checkpoint), prints the summary with "error", and exits with the error's
 * code; the next run continues from there.
 */
#include "client/mimecast_checkpoint.h"
#include "client/mimecast_cmd.h"
#include "client/mimecast_cpsync.h"
#include "client/mimecast_pager.h"
#include "client/mimecast_proto.h"
#include "client/progress.h"

#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The alerts of a page are written together, in writes of about this many bytes. */
#define OUTPUT_BATCH (1024 * 1024)

struct counts {
    long pages, records, alerts, dropped_format, dropped_safe, duplicates, before, recovered;
};

/* The records of the current page at the newest time handled so far. The checkpoint keeps the
 * identity keys of the records at its boundary only, and a key costs a canonical JSON and a
 * SHA-256, so the keys are computed when the page is done (pending_flush), for these records
 * alone, rather than for every record. The pointers are borrowed from the page's document:
 * flush before it is freed. */
struct pending {
    const cJSON **recs;
    size_t n, cap;
    int64_t ts;
};

/* What rc_mm_cp_advance(cp, ts, key) would do for a record, without its key yet. */
static void pending_add(struct pending *p, const cJSON *rec, int64_t ts)
{
    if (ts < p->ts)
        return;
    if (ts > p->ts) {
        p->n = 0;
        p->ts = ts;
    }
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->recs = cm_realloc(p->recs, p->cap * sizeof(*p->recs));
    }
    p->recs[p->n++] = rec;
}

static void pending_flush(struct pending *p, struct rc_mm_checkpoint *cp)
{
    char key[RC_MM_KEY_SIZE];
    size_t i;

    for (i = 0; i < p->n; i++) {
        rc_mm_record_key(p->recs[i], key);
        rc_mm_cp_advance(cp, p->ts, key);
    }
    p->n = 0;
}

/* --since: an RFC 3339 (or Mimecast) time, or a duration back from now. */
static int parse_since(const char *v, int64_t now, int64_t *out)
{
    int64_t d;

    if (rc_mm_time_parse(v, out) == 0 || cm_time_parse(v, out) == 0)
        return 0;
    if (cm_duration_parse(v, &d) == 0) {
        *out = now - d;
        return 0;
    }
    return CM_EINVAL;
}

/* The output file as an absolute path (caller frees), or NULL for stdout and for what is not a
 * regular file (/dev/null, a FIFO: nothing to sync or to read back). */
static char *absolute_output(const struct rc_output *o)
{
    char cwd[PATH_MAX];
    struct stat st;

    if (o->path == NULL || (stat(o->path, &st) == 0 && !S_ISREG(st.st_mode)))
        return NULL;
    if (o->path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
        return cm_strdup(o->path);
    return cm_asprintf("%s/%s", cwd, o->path);
}

static int64_t file_size(const char *path)
{
    struct stat st;

    return path && stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* The progress line after a page. Mimecast tells no total, so there is no ETA; records come
 * oldest first, so the last one's time shows how far through the window the run is. */
static void show_progress(struct cm_progress *prog, const struct counts *n, int64_t last_ts)
{
    char when[40] = "";

    if (last_ts != INT64_MIN) {
        cm_time_format(last_ts, when, sizeof(when));
        when[16] = '\0'; /* 2026-03-02T08:39 */
    }
    cm_progress_update(prog, n->records, "records", -1, "%ld records, %ld pages, %ld alerts%s%s",
                       n->records, n->pages, n->alerts, *when ? ", reached " : "", when);
}

static void summary(struct rc_ctx *ctx, const struct rc_mm_session *s, const char *type,
                    const struct counts *n, const struct rc_mm_checkpoint *cp, const char *cp_path,
                    const char *out_abs, int64_t from, int64_t to, int complete,
                    const char *stopped, const char *error)
{
    cJSON *doc = cJSON_CreateObject();
    char when[40], *text;

    cJSON_AddStringToObject(doc, "type", type);
    cJSON_AddStringToObject(doc, "api", s->api == RC_MM_API2 ? "2.0" : "1.0");
    cJSON_AddNumberToObject(doc, "pages", (double)n->pages);
    cJSON_AddNumberToObject(doc, "records", (double)n->records);
    cJSON_AddNumberToObject(doc, "alerts", (double)n->alerts);
    cJSON_AddNumberToObject(doc, "dropped_format", (double)n->dropped_format);
    cJSON_AddNumberToObject(doc, "dropped_safe", (double)n->dropped_safe);
    cJSON_AddNumberToObject(doc, "duplicates_skipped", (double)n->duplicates);
    cJSON_AddNumberToObject(doc, "before_checkpoint", (double)n->before);
    cJSON_AddNumberToObject(doc, "recovered", (double)n->recovered);
    cJSON_AddNumberToObject(doc, "binding_refreshes", s->refreshes);
    cJSON_AddNumberToObject(doc, "tokens", s->token_count);
    cm_time_format(from, when, sizeof(when));
    cJSON_AddStringToObject(doc, "from", when);
    cm_time_format(to, when, sizeof(when));
    cJSON_AddStringToObject(doc, "to", when);
    if (cp) {
        cm_time_format(cp->boundary_ms, when, sizeof(when));
        cJSON_AddStringToObject(doc, "checkpoint", when);
        cJSON_AddNumberToObject(doc, "at_checkpoint", (double)cp->n_seen);
    } else {
        cJSON_AddNullToObject(doc, "checkpoint");
    }
    if (cp_path)
        cJSON_AddStringToObject(doc, "checkpoint_file", cp_path);
    else
        cJSON_AddNullToObject(doc, "checkpoint_file");
    if (out_abs)
        cJSON_AddStringToObject(doc, "output", out_abs);
    else
        cJSON_AddNullToObject(doc, "output");
    cJSON_AddBoolToObject(doc, "complete", complete);
    if (stopped)
        cJSON_AddStringToObject(doc, "stopped", stopped);
    if (error)
        cJSON_AddStringToObject(doc, "error", error);
    text = cm_json_print(doc);
    /* With the alerts on stdout, the summary goes to stderr so stdout stays JSON lines. */
    fprintf(ctx->out.path ? stdout : stderr, "%s\n", text);
    fflush(ctx->out.path ? stdout : stderr);
    free(text);
    cJSON_Delete(doc);
}

/* The records of a page: data[0][list_key]. NULL with *bad set when the answer has a data
 * item without the list; an empty data array is an empty page. */
static const cJSON *page_records(const cJSON *doc, const struct rc_mm_logtype *t, int *bad)
{
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(doc, "data");
    const cJSON *d0 = cJSON_IsArray(data) ? cJSON_GetArrayItem(data, 0) : NULL;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(d0, t->list_key);

    *bad = 0;
    if (d0 == NULL)
        return NULL;
    if (!cJSON_IsArray(list))
        *bad = 1;
    return cJSON_IsArray(list) ? list : NULL;
}

int rc_mm_ingest_run(struct rc_ctx *ctx)
{
    const char *type = NULL, *cp_path = NULL, *since = "7d", *stopped = NULL;
    const struct rc_mm_logtype *t;
    struct rc_mm_creds creds;
    struct rc_mm_session s;
    struct rc_mm_checkpoint cp;
    struct rc_mm_dedup dd;
    struct counts n;
    struct pending pend;
    struct cm_err err = {{0}};
    long long page_size = 500, max_pages = 0;
    int64_t now = 0, from = 0, to = 0, start = 0, last_ts = INT64_MIN;
    char *out_abs = NULL, where[192], bad_msg[160];
    size_t adopted = 0;
    long fruitful = 0, handled_before = 0;
    int code, rc, first_run = 0, saved_first = 0, have_cp = 0, have_dd = 0, have_s = 0,
                  warned_order = 0, complete = 0;
    const char *error = NULL;
    struct cm_progress *prog = NULL;
    struct rc_mm_pager *pager = NULL;
    struct rc_mm_cpsync *cps = NULL;
    struct cm_err cp_err = {{0}};
    char label[48];

    memset(&n, 0, sizeof(n));
    memset(&pend, 0, sizeof(pend));
    memset(&cp, 0, sizeof(cp));
    memset(&dd, 0, sizeof(dd));
    code = rc_mm_read_creds(ctx, &creds);
    if (code)
        return code;
    code = RC_EXIT_USAGE;
    if (ctx->cfg.n_args) {
        cm_error("ingest: unexpected operand '%s' (see --help)", ctx->cfg.args[0]);
        goto out;
    }
    if (((rc = rc_config_string(&ctx->cfg, "ingest.type", &type, &err)) && rc != CM_ENOENT) ||
        ((rc = rc_config_string(&ctx->cfg, "ingest.checkpoint", &cp_path, &err)) &&
         rc != CM_ENOENT) ||
        ((rc = rc_config_string(&ctx->cfg, "ingest.since", &since, &err)) && rc != CM_ENOENT) ||
        (rc = rc_config_int(&ctx->cfg, "ingest.page_size", 1, 10000, &page_size, &err)) ||
        (rc = rc_config_int(&ctx->cfg, "ingest.max_pages", 0, LONG_MAX, &max_pages, &err))) {
        cm_error("%s", err.msg);
        goto out;
    }
    if (type == NULL) {
        cm_error("ingest: --type is required: url, impersonation or attachment (one type per "
                 "integration, as in Sophos Central; the same credentials can run all three)");
        goto out;
    }
    t = rc_mm_logtype_find(type);
    if (t == NULL) {
        cm_error("%s: expected url, impersonation or attachment, got '%s'",
                 rc_config_where(&ctx->cfg, "ingest.type", where, sizeof(where)), type);
        goto out;
    }
    if (cp_path && *cp_path == '\0')
        cp_path = NULL;
    have_s = 1;
    if (rc_mm_session_init(&s, ctx, &creds, "logs")) {
        cm_error("%s", s.msg);
        code = s.exit_code;
        goto out;
    }
    s.logtype = t;
    rc = rc_clock_now(ctx->clock, &now, &err);
    if (rc) {
        cm_error("%s", err.msg);
        code = rc_exit_for(rc);
        goto out;
    }
    if (parse_since(since, now, &start) != 0) {
        cm_error("%s: expected an RFC 3339 time such as 2026-03-01T00:00:00Z or a duration such "
                 "as 24h, got '%s'",
                 rc_config_where(&ctx->cfg, "ingest.since", where, sizeof(where)), since);
        goto out;
    }
    out_abs = absolute_output(&ctx->out);

    /* 1. Where to resume. */
    rc = cp_path ? rc_mm_cp_load(cp_path, &cp, &err) : CM_ENOENT;
    if (rc == CM_ENOENT) {
        first_run = 1;
        rc_mm_cp_init(&cp, t->name, start);
        if (cp_path == NULL)
            cm_warn("no --checkpoint: this run starts at --since and the next one will too");
    } else if (rc) {
        cm_error("%s", err.msg);
        goto out;
    } else if (strcmp(cp.type, t->name) != 0) {
        cm_error("the checkpoint '%s' belongs to the %s logs, not %s: give each integration "
                 "its own --checkpoint",
                 cp_path, cp.type, t->name);
        rc_mm_cp_release(&cp);
        goto out;
    }
    have_cp = 1;
    if (cp_path) {
        rc = rc_mm_cp_recover(&cp, out_abs, &adopted, &err);
        if (rc) {
            cm_error("%s", err.msg);
            goto out;
        }
        if (adopted) {
            cm_warn("adopted %zu alerts an interrupted run wrote to '%s' after its last "
                    "checkpoint",
                    adopted, out_abs);
            n.recovered = (long)adopted;
        }
        rc_mm_cp_set_output(&cp, out_abs, out_abs ? file_size(out_abs) : 0);
        /* A first run saves its checkpoint before it asks for anything: killed once its first
         * page's alerts are synced, it leaves the output offset the next run adopts them from.
         * (A first run that handles no page removes it again, below.) */
        if ((adopted || first_run) && (rc = rc_mm_cp_save(cp_path, &cp, now, &err)) != 0) {
            cm_error("%s", err.msg);
            code = RC_EXIT_USAGE;
            goto out;
        }
        saved_first = first_run;
    }
    rc_mm_dedup_init(&dd, &cp);
    have_dd = 1;
    from = cp.boundary_ms;
    to = now;
    if (from > to) {
        cm_warn("the checkpoint (%lld) is ahead of the clock; nothing to ask for until then",
                (long long)from);
        complete = 1;
        code = RC_EXIT_OK;
        goto out;
    }

    /* 2-4. The pages, fetched one ahead unless the run may stop after any page. */
    rc_output_batch(&ctx->out, OUTPUT_BATCH);
    snprintf(label, sizeof(label), "ingest %s", t->name);
    prog = rc_progress_open(ctx, label);
    pager = rc_mm_pager_new(&s, t, from, to, (long)page_size, max_pages == 0);
    for (;;) {
        struct rc_mm_page page;
        const cJSON *list, *rec;
        cJSON *doc;
        int bad;

        rc = rc_mm_pager_next(pager, &page);
        doc = page.doc;
        if (rc) {
            cm_error("%s logs, page %ld: %s", t->name, n.pages + 1, s.msg);
            error = s.msg;
            code = s.exit_code;
            goto out;
        }
        list = page_records(doc, t, &bad);
        if (bad) {
            rc_mm_pager_done(pager, doc);
            /* not in the session, which the pager may be using */
            snprintf(bad_msg, sizeof(bad_msg), "Mimecast's answer has no \"%s\" list in data[0]",
                     t->list_key);
            cm_error("%s logs, page %ld: %s", t->name, n.pages + 1, bad_msg);
            error = bad_msg;
            code = RC_EXIT_REMOTE;
            goto out;
        }
        if (ctx->out.path == NULL)
            cm_progress_clear(prog); /* the alerts go to the same terminal */
        pend.ts = cp.boundary_ms;
        cJSON_ArrayForEach(rec, list)
        {
            char key[RC_MM_KEY_SIZE];
            const char *why;
            int64_t ts = 0;
            enum rc_mm_verdict v = rc_mm_check(t, rec, &ts, &why);
            enum rc_mm_seen seen;

            n.records++;
            if (v == RC_MM_DROP_FORMAT) {
                n.dropped_format++;
                cm_debug("dropped a record of the wrong format: %s", why);
                continue;
            }
            /* only a record at the previous run's boundary can have been handled already */
            key[0] = '\0';
            if (ts == dd.start_ms)
                rc_mm_record_key(rec, key);
            seen = rc_mm_dedup_check(&dd, ts, key);
            if (seen == RC_MM_SEEN_BEFORE) {
                n.before++;
                continue;
            }
            if (seen == RC_MM_SEEN_DUP) {
                n.duplicates++;
                continue;
            }
            if (ts < last_ts && !warned_order) {
                cm_warn("Mimecast returned records out of time order (oldestFirst was asked)");
                warned_order = 1;
            }
            if (ts > last_ts)
                last_ts = ts;
            if (v == RC_MM_DROP_SAFE) {
                n.dropped_safe++;
                cm_debug("dropped a record marked safe by %s", why);
            } else {
                cJSON *alert;

                if (key[0] == '\0')
                    rc_mm_record_key(rec, key);
                alert = rc_mm_alert_ref(t, rec, ts, key);
                rc = rc_output_jsonl(&ctx->out, alert, &err);
                cJSON_Delete(alert);
                if (rc) {
                    pending_flush(&pend, &cp);
                    rc_mm_pager_done(pager, doc);
                    cm_error("%s", err.msg);
                    error = err.msg;
                    code = RC_EXIT_USAGE;
                    goto out;
                }
                n.alerts++;
            }
            pending_add(&pend, rec, ts);
        }
        pending_flush(&pend, &cp);
        n.pages++;
        show_progress(prog, &n, last_ts);
        if (n.alerts + n.dropped_safe > handled_before)
            fruitful++;
        handled_before = n.alerts + n.dropped_safe;
        /* Alerts first, durable, then the checkpoint that covers them. With a checkpoint and an
         * alerts file, the fsync and the save are the cpsync thread's (mimecast_cpsync.h); a
         * file that is not a regular one is only written. */
        if ((!(cp_path && out_abs) && (out_abs || ctx->out.path == NULL)
                 ? rc_output_flush(&ctx->out, &err)
                 : rc_output_write(&ctx->out, &err)) != 0) {
            rc_mm_pager_done(pager, doc);
            cm_error("%s", err.msg);
            error = err.msg;
            code = RC_EXIT_USAGE;
            goto out;
        }
        if (cp_path) {
            rc_mm_cp_set_output(&cp, out_abs, out_abs ? file_size(out_abs) : 0);
            if (out_abs && cps == NULL)
                cps = rc_mm_cpsync_new(cp_path, out_abs);
            rc = out_abs ? rc_mm_cpsync_post(cps, ctx->out.fd, rc_mm_cp_text(&cp, now), &err)
                         : rc_mm_cp_save(cp_path, &cp, now, &err);
            if (rc != 0) {
                rc_mm_pager_done(pager, doc);
                cm_error("%s", err.msg);
                error = err.msg;
                code = RC_EXIT_USAGE;
                goto out;
            }
        }
        rc_mm_pager_done(pager, doc);
        if (page.end == RC_MM_PAGE_LAST) {
            complete = 1;
            break;
        }
        if (page.end == RC_MM_PAGE_REPEATED) {
            cm_warn("Mimecast returned the same page token twice; stopping here");
            stopped = "repeated_page_token";
            break;
        }
        if (max_pages > 0 && fruitful >= max_pages) {
            stopped = "max_pages";
            break;
        }
    }
    if (n.records == 0 && first_run)
        cm_warn("Mimecast returned no %s logs since %s. If some are expected, check in the "
                "Mimecast console that Enhanced Logging is on (Administration > Account > Account "
                "Settings > Enhanced Logging: Inbound, Outbound, Internal)",
                t->name, since);
    code = RC_EXIT_OK;
out:
    if (saved_first && n.pages == 0 && unlink(cp_path) != 0)
        cm_warn("cannot remove the checkpoint '%s' of a run that handled nothing: %s", cp_path,
                strerror(errno));
    rc_mm_pager_free(pager);                             /* the session is the run's again */
    if (cps && rc_mm_cpsync_finish(cps, &cp_err) != 0) { /* the last checkpoint saved */
        cm_error("%s", cp_err.msg);
        if (error == NULL) {
            error = cp_err.msg;
            code = RC_EXIT_USAGE;
        }
    }
    cm_progress_free(prog);
    if (have_cp && (code != RC_EXIT_USAGE || error))
        summary(ctx, &s, cp.type, &n, &cp, cp_path, out_abs, from, to, complete, stopped, error);
    if (have_dd)
        rc_mm_dedup_release(&dd);
    if (have_cp)
        rc_mm_cp_release(&cp);
    if (have_s)
        rc_mm_session_release(&s);
    free(pend.recs);
    free(out_abs);
    return code;
}
