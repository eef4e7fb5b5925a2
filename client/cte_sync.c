/*
 * cte_sync.c: one Threat Exchange cycle of `secmock client cte sync`, in
 * Cloud Exchange's order (../shared/vendor/netskope.md 4.4 to 4.7):
 *
 *   1. aging: values past expires_at become inactive;
 *   2. pull: each plugin configuration whose sync interval has passed pulls
 *      (Netskope alerts, Mimecast feeds) into the store; with retraction
 *      on, a Mimecast configuration with a retraction interval then
 *      re-reads that many days of its feeds and retracts what is gone;
 *   3. share: each sharing configuration sends what its rule selects from
 *      its source's active, non-retracted records: Netskope (patch not
 *      supported) the whole list every cycle, the placeholder when empty;
 *      Mimecast only values not yet marked shared to it, in batches of
 *      1000, after the BYO package check; then retracted values it had
 *      received, as DELETE.
 *
 * Restart safety: a value is marked shared to a Mimecast destination only
 * once its batch was accepted, and the store is saved after each batch; a
 * run stopped between two batches sends the rest, and nothing twice, when
 * it runs again. create-batch has no idempotency key, so each batch is
 * saved as in flight ("byo_in_flight": its values, operation and time)
 * before it is sent; when its answer is lost (within the run) or a run finds
 * one left in flight, get-batches says whether Mimecast made it: a batch of
 * that operation and size created since, whose id is not among the recent
 * accepted ones ("byo_batches"). Found, the values are marked shared; not,
 * the batch is sent again. A Netskope list is idempotent (the whole list
 * each time).
 *
 * Per-configuration state (in the store's "plugins"): "last_pull_at",
 * "checkpoint" (Mimecast: where the next feed pull starts), "iterator"
 * (Netskope, cte_netskope.c), "byo_in_flight" and "byo_batches" (a
 * Mimecast destination, above), and "last_pull" / "last_share" records
 * ({"at", "success", "count", "message"}) for `cte status`.
 */
#include "client/cte_sync.h"
#include "client/progress.h"

#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (24LL * 3600 * 1000)

/* ---- progress ---- */

/* The cycles this sync runs (--cycles N, 1 with --once), for the ETA. */
static long long planned_cycles(const struct rc_cte_run *run)
{
    struct cm_err err = {{0}};
    long long n = 1;
    int once = 0;

    if (rc_config_bool(&run->ctx->cfg, "cte.once", &once, &err) == 0 && once)
        return 1;
    return rc_config_int(&run->ctx->cfg, "cte.cycles", 1, 100000, &n, &err) == 0 ? n : 1;
}

/*
 * The progress line: "cycle 1/3, 1200 pulled, 1000 shared: sharing 'Netskope' to 'Mimecast',
 * batch 2/5". step counts the pulls and shares this cycle has done, for the fraction.
 */
static void show(struct rc_cte_run *run, const struct rc_cte_summary *sum, size_t step,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void show(struct rc_cte_run *run, const struct rc_cte_summary *sum, size_t step,
                 const char *fmt, ...)
{
    size_t steps = run->cfg->n_plugins + run->cfg->n_sharing;
    long long total;
    char what[160];
    va_list ap;

    if (run->progress == NULL)
        return;
    total = planned_cycles(run);
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    cm_progress_update(run->progress, (int64_t)sum->pulled + sum->shared, "indicators",
                       ((double)sum->cycles + (steps ? (double)step / (double)steps : 0)) /
                           (double)total,
                       "cycle %d/%lld, %d pulled, %d shared: %s", sum->cycles + 1, total,
                       sum->pulled, sum->shared, what);
}

static int64_t state_time(const cJSON *state, const char *key, int64_t dflt)
{
    int64_t ms;
    const char *v = cm_json_str(state, key, NULL);

    return v && cm_time_parse(v, &ms) == 0 ? ms : dflt;
}

static void state_set_time(cJSON *state, const char *key, int64_t ms)
{
    char t[40];

    cm_time_format(ms, t, sizeof(t));
    cJSON_DeleteItemFromObjectCaseSensitive(state, key);
    cJSON_AddStringToObject(state, key, t);
}

static void record(struct rc_cte_run *run, cJSON *state, const char *key, int ok, int count,
                   const char *message)
{
    cJSON *r = cJSON_CreateObject();
    char t[40];

    cm_time_format(run->now, t, sizeof(t));
    cJSON_AddStringToObject(r, "at", t);
    cJSON_AddBoolToObject(r, "success", ok);
    cJSON_AddNumberToObject(r, "count", count);
    cJSON_AddStringToObject(r, "message", message);
    cJSON_DeleteItemFromObjectCaseSensitive(state, key);
    cJSON_AddItemToObject(state, key, r);
}

static void save(struct rc_cte_run *run)
{
    struct cm_err err = {{0}};

    if (rc_cte_store_save(run->store, &err) != 0)
        rc_cte_log(run, RC_CTE_ERROR, NULL, "CTE_1000", err.msg,
                   "Check that the store's folder is writable.",
                   "Error occurred while storing indicators.");
}

static void retraction_check(struct rc_cte_run *run, const struct rc_cte_plugin *p,
                             struct rc_cte_summary *sum)
{
    cJSON *seen = cJSON_CreateObject(), *ioc, *rec;
    int pulled = 0, n = 0;

    if (rc_cte_mm_pull(run, p, run->now - (int64_t)p->retraction_days * DAY_MS, seen, &pulled) ==
        0) {
        cJSON_ArrayForEach(ioc, run->store->iocs)
        {
            rec = rc_cte_ioc_source(ioc, p->name);
            if (rec && !cm_json_bool(rec, "retracted", 0) &&
                !cJSON_GetObjectItemCaseSensitive(seen, ioc->string)) {
                rc_cte_store_retract(run->store, p->name, ioc->string);
                n++;
            }
        }
        if (n)
            rc_cte_log(run, RC_CTE_INFO, p, NULL, NULL, NULL,
                       "[Retraction] %d indicator(s) no longer in the feed of the last %d day(s) "
                       "marked retracted.",
                       n, p->retraction_days);
        sum->retracted += n;
    }
    cJSON_Delete(seen);
}

static void pull(struct rc_cte_run *run, const struct rc_cte_plugin *p, struct rc_cte_summary *sum)
{
    cJSON *state = rc_cte_store_plugin(run->store, p->name);
    int64_t last = state_time(state, "last_pull_at", -1);
    int count = 0, rc, before = run->log.errors;

    if (!p->pull || (last >= 0 && run->now < last + p->interval_ms))
        return;
    show(run, sum, (size_t)(p - run->cfg->plugins), "pulling from '%s'", p->name);
    if (p->kind == RC_CTE_NETSKOPE) {
        rc = rc_cte_ns_pull(run, p, &count);
    } else {
        int64_t start = state_time(state, "checkpoint", run->now - (int64_t)p->days * DAY_MS);

        rc = rc_cte_mm_pull(run, p, start, NULL, &count);
        if (rc == 0)
            state_set_time(state, "checkpoint", run->now);
    }
    state = rc_cte_store_plugin(run->store, p->name);
    state_set_time(state, "last_pull_at", run->now);
    if (rc == 0) {
        rc_cte_log(run, RC_CTE_INFO, p, NULL, NULL, NULL, "Successfully pulled %d indicator(s).",
                   count);
        record(run, state, "last_pull", 1, count, "");
    } else {
        record(run, state, "last_pull", 0, count,
               run->log.errors > before ? "pull failed: see the log" : "pull failed");
    }
    sum->pulled += count;
    if (rc == 0 && p->kind == RC_CTE_MIMECAST && run->cfg->retraction && p->retraction_days > 0)
        retraction_check(run, p, sum);
    save(run);
}

/* ---- selection ---- */

struct pick {
    const char *value;
    const char *comments;
    int64_t last_seen;
};

struct picks {
    struct pick *v;
    size_t n, cap;
};

static int by_last_seen_desc(const void *a, const void *b)
{
    const struct pick *x = a, *y = b;

    if (x->last_seen != y->last_seen)
        return x->last_seen > y->last_seen ? -1 : 1;
    return strcmp(x->value, y->value);
}

enum which { ALL_MATCHING, NOT_SHARED, TO_RETRACT };

static void select_iocs(struct rc_cte_run *run, const struct rc_cte_sharing *sh, enum which w,
                        struct picks *out)
{
    const cJSON *ioc, *rec;
    int64_t t;

    memset(out, 0, sizeof(*out));
    cJSON_ArrayForEach(ioc, run->store->iocs)
    {
        int type = rc_cte_hash_type(ioc->string);

        rec = rc_cte_ioc_source(ioc, sh->source->name);
        if (!rec || !rc_cte_rule_match(sh->rule, ioc->string, type))
            continue;
        if (w == TO_RETRACT) {
            if (!cm_json_bool(rec, "retracted", 0) ||
                !rc_cte_has_mark(rec, "shared", sh->dest->name) ||
                rc_cte_has_mark(rec, "retraction_sent", sh->dest->name))
                continue;
        } else {
            if (!cm_json_bool(ioc, "active", 0) || cm_json_bool(rec, "retracted", 0))
                continue;
            if (w == NOT_SHARED && rc_cte_has_mark(rec, "shared", sh->dest->name))
                continue;
        }
        if (out->n == out->cap) {
            out->cap = out->cap ? 2 * out->cap : 64;
            out->v = cm_realloc(out->v, out->cap * sizeof(*out->v));
        }
        out->v[out->n].value = ioc->string;
        out->v[out->n].comments = cm_json_str(rec, "comments", "");
        out->v[out->n].last_seen =
            cm_time_parse(cm_json_str(rec, "last_seen", ""), &t) == 0 ? t : 0;
        out->n++;
    }
    if (out->n)
        qsort(out->v, out->n, sizeof(*out->v), by_last_seen_desc);
}

/* ---- share ---- */

static int share_netskope(struct rc_cte_run *run, const struct rc_cte_sharing *sh)
{
    struct picks ps;
    const char **values;
    size_t i;
    int rc;

    select_iocs(run, sh, ALL_MATCHING, &ps);
    values = cm_calloc(ps.n + 1, sizeof(*values));
    for (i = 0; i < ps.n; i++)
        values[i] = ps.v[i].value;
    rc = rc_cte_ns_push(run, sh, values, ps.n);
    if (rc == 0)
        for (i = 0; i < ps.n; i++)
            rc_cte_store_mark(run->store, ps.v[i].value, sh->source->name, "shared",
                              sh->dest->name);
    free(values);
    free(ps.v);
    return rc ? rc : (int)(ps.n > INT32_MAX ? INT32_MAX : (int)ps.n);
}

/* ---- batches in flight ---- */

#define RECENT_KEEP_MS (3600LL * 1000) /* accepted batch ids kept this long (ours) */

/* Records a batch about to be sent to dest as in flight, and saves: a lost answer, or a run
 * killed before the acceptance was saved, is then looked for with get-batches instead of being
 * sent again. Shape: "byo_in_flight": {"source", "key", "operation", "sent_at", "provider",
 * "values": [...]} in dest's plugin state. */
static void in_flight_record(struct rc_cte_run *run, const struct rc_cte_sharing *sh,
                             enum rc_cte_op op, const char *key, const char *const *values,
                             size_t n)
{
    cJSON *state = rc_cte_store_plugin(run->store, sh->dest->name), *r, *arr;
    struct cm_err err = {{0}};
    int64_t now = run->now;
    size_t k;

    rc_clock_now(run->ctx->clock, &now, &err);
    r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "source", sh->source->name);
    cJSON_AddStringToObject(r, "key", key);
    cJSON_AddStringToObject(r, "operation", rc_cte_op_name(op));
    cJSON_AddStringToObject(r, "provider", RC_CTE_MM_PROVIDER);
    state_set_time(r, "sent_at", now);
    arr = cJSON_AddArrayToObject(r, "values");
    for (k = 0; k < n; k++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(values[k]));
    cJSON_DeleteItemFromObjectCaseSensitive(state, "byo_in_flight");
    cJSON_AddItemToObject(state, "byo_in_flight", r);
    save(run);
}

/* The in-flight batch is accepted (id, "" when unknown): its values are marked, the record
 * dropped, the id kept among the recent ones (so a later look-up does not take it for another
 * batch), and the store saved. */
static void in_flight_accepted(struct rc_cte_run *run, const struct rc_cte_plugin *dest,
                               const char *id)
{
    cJSON *state = rc_cte_store_plugin(run->store, dest->name), *r, *recent, *e, *next, *o;
    const cJSON *v;
    struct cm_err err = {{0}};
    int64_t now = run->now, at;

    rc_clock_now(run->ctx->clock, &now, &err);
    r = cJSON_GetObjectItemCaseSensitive(state, "byo_in_flight");
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(r, "values"))
    {
        if (cJSON_IsString(v))
            rc_cte_store_mark(run->store, v->valuestring, cm_json_str(r, "source", ""),
                              cm_json_str(r, "key", "shared"), dest->name);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(state, "byo_in_flight");
    recent = cJSON_GetObjectItemCaseSensitive(state, "byo_batches");
    if (!cJSON_IsArray(recent)) {
        cJSON_DeleteItemFromObjectCaseSensitive(state, "byo_batches");
        recent = cJSON_AddArrayToObject(state, "byo_batches");
    }
    for (e = recent->child; e; e = next) {
        next = e->next;
        at = state_time(e, "at", 0);
        if (at < now - RECENT_KEEP_MS)
            cJSON_Delete(cJSON_DetachItemViaPointer(recent, e));
    }
    if (id && *id) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", id);
        state_set_time(o, "at", now);
        cJSON_AddItemToArray(recent, o);
    }
    save(run);
}

static void in_flight_forget(struct rc_cte_run *run, const struct rc_cte_plugin *dest)
{
    cJSON_DeleteItemFromObjectCaseSensitive(rc_cte_store_plugin(run->store, dest->name),
                                            "byo_in_flight");
    save(run);
}

/* Asks get-batches whether the in-flight batch of dest exists: 0 and *found, or a negative
 * code (logged). */
static int in_flight_find(struct rc_cte_run *run, const struct rc_cte_plugin *dest, char *id,
                          size_t id_size, int *found)
{
    cJSON *state = rc_cte_store_plugin(run->store, dest->name);
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(state, "byo_in_flight");
    enum rc_cte_op op = RC_CTE_OP_BLOCK;
    int o;

    for (o = RC_CTE_OP_ALLOW; o <= RC_CTE_OP_DELETE; o++)
        if (strcmp(rc_cte_op_name((enum rc_cte_op)o), cm_json_str(r, "operation", "")) == 0)
            op = (enum rc_cte_op)o;
    return rc_cte_mm_find_batch(
        run, dest, op, (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "values")),
        state_time(r, "sent_at", run->now), cJSON_GetObjectItemCaseSensitive(state, "byo_batches"),
        id, id_size, found);
}

/* A batch left in flight by an earlier run (killed, or its answer lost on every try): found
 * with get-batches, its values are marked as shared; not found, the record is dropped and the
 * values, unmarked, are sent again. 0, or a negative code (the record kept: nothing may be sent
 * to dest until it is resolved). */
static int in_flight_resolve(struct rc_cte_run *run, const struct rc_cte_plugin *dest)
{
    cJSON *state = rc_cte_store_plugin(run->store, dest->name);
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(state, "byo_in_flight");
    char id[64];
    int found, rc, n;

    if (!cJSON_IsObject(r))
        return 0;
    n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "values"));
    if ((rc = in_flight_find(run, dest, id, sizeof(id), &found)) != 0)
        return rc;
    if (found) {
        rc_cte_log(run, RC_CTE_INFO, dest, NULL, NULL, NULL,
                   "The batch of %d file hash(es) sent before the last stop was accepted (batch "
                   "%s); marked shared, not sent again.",
                   n, id);
        in_flight_accepted(run, dest, id);
    } else {
        rc_cte_log(run, RC_CTE_INFO, dest, NULL, NULL, NULL,
                   "The batch of %d file hash(es) sent before the last stop did not reach "
                   "Mimecast; sending it again.",
                   n);
        in_flight_forget(run, dest);
    }
    return 0;
}

/* One batch: recorded in flight, sent; a lost answer is looked for with get-batches and the
 * batch sent again only when Mimecast does not have it, up to the retry policy's tries. 0 once
 * accepted (marked, saved), or a negative code. */
static int mm_batch(struct rc_cte_run *run, const struct rc_cte_sharing *sh, enum rc_cte_op op,
                    const char *key, const char *const *values, const char *const *descs, size_t n)
{
    struct rc_cte_mm_batch res;
    int tries = run->ctx->http->opts.retry.attempts, t, rc = 0, found;
    char id[64];

    in_flight_record(run, sh, op, key, values, n);
    for (t = 0; t < (tries < 1 ? 1 : tries); t++) {
        rc = rc_cte_mm_push_batch(run, sh->dest, op, values, descs, n, &res);
        if (rc == 0) {
            in_flight_accepted(run, sh->dest, res.id);
            return 0;
        }
        if (!res.lost) { /* answered: no batch was made */
            in_flight_forget(run, sh->dest);
            return rc;
        }
        if ((rc = in_flight_find(run, sh->dest, id, sizeof(id), &found)) != 0)
            return rc; /* kept in flight: the next run looks again */
        if (found) {
            rc_cte_log(run, RC_CTE_INFO, sh->dest, NULL, NULL, NULL,
                       "Mimecast had accepted the batch of %zu file hash(es) whose answer was "
                       "lost (batch %s); not sent again.",
                       n, id);
            in_flight_accepted(run, sh->dest, id);
            return 0;
        }
    }
    rc_cte_mm_unreachable(run, sh->dest, res.error, "pushing file hashes");
    return rc ? rc : CM_ECONN; /* still in flight: the next run looks for it first */
}

/* Sends picks in batches of 1000; marks each batch (key) once accepted and saves. Returns the
 * number sent, or a negative code (after what could be sent was marked). */
static int mm_batches(struct rc_cte_run *run, const struct rc_cte_sharing *sh, struct picks *ps,
                      enum rc_cte_op op, const char *desc, const char *key,
                      const struct rc_cte_summary *sum)
{
    const char **values = cm_calloc(RC_CTE_MM_BATCH, sizeof(*values));
    const char **descs = cm_calloc(RC_CTE_MM_BATCH, sizeof(*descs));
    size_t i = 0, k, n;
    int rc = 0, sent = 0;

    while (i < ps->n) {
        n = ps->n - i < RC_CTE_MM_BATCH ? ps->n - i : RC_CTE_MM_BATCH;
        show(run, sum, run->cfg->n_plugins + (size_t)(sh - run->cfg->sharing),
             "sharing '%s' to '%s', batch %zu/%zu", sh->source->name, sh->dest->name,
             i / RC_CTE_MM_BATCH + 1, (ps->n + RC_CTE_MM_BATCH - 1) / RC_CTE_MM_BATCH);
        for (k = 0; k < n; k++) {
            values[k] = ps->v[i + k].value;
            descs[k] = desc ? desc : ps->v[i + k].comments;
        }
        rc = mm_batch(run, sh, op, key, values, descs, n);
        if (rc)
            break;
        sent += (int)n;
        i += n;
    }
    free(values);
    free(descs);
    return rc ? rc : sent;
}

static int share_mimecast(struct rc_cte_run *run, const struct rc_cte_sharing *sh,
                          struct rc_cte_summary *sum)
{
    struct rc_cte_mm *m = &run->mm[sh->dest - run->cfg->plugins];
    struct picks ps;
    int rc, sent = 0;

    if (m->byo < 0 && (rc = rc_cte_mm_account(run, sh->dest)) != 0)
        return rc;
    if (m->byo == 0) {
        rc_cte_log(run, RC_CTE_ERROR, sh->dest, "CTE_1012", "get-account: data[0].packages",
                   "Ask Mimecast to enable the Bring Your Own Threat Intelligence package "
                   "(" RC_CTE_BYO_PACKAGE ") for the account.",
                   "'Bring Your Own Threat Intel' package is not enabled in the configured "
                   "account, hence Hashes cannot be shared.");
        return CM_EAUTH;
    }
    if ((rc = in_flight_resolve(run, sh->dest)) != 0)
        return rc;
    select_iocs(run, sh, NOT_SHARED, &ps);
    if (ps.n == 0) {
        rc_cte_log(run, RC_CTE_INFO, sh->dest, NULL, NULL, NULL,
                   "No new file hashes from '%s' to share (operation %s).", sh->source->name,
                   rc_cte_op_name(sh->op));
        rc = 0;
    } else {
        rc = mm_batches(run, sh, &ps, sh->op, NULL, "shared", sum);
        if (rc >= 0) {
            sent = rc;
            rc_cte_log(run, RC_CTE_INFO, sh->dest, NULL, NULL, NULL,
                       "Successfully shared %d file hash(es) from '%s' (operation %s).", sent,
                       sh->source->name, rc_cte_op_name(sh->op));
        }
    }
    free(ps.v);
    if (rc < 0)
        return rc;
    if (run->cfg->retraction) {
        select_iocs(run, sh, TO_RETRACT, &ps);
        if (ps.n) {
            rc = mm_batches(run, sh, &ps, RC_CTE_OP_DELETE, RC_CTE_RETRACT_DESC, "retraction_sent",
                            sum);
            if (rc >= 0) {
                sum->retractions_sent += rc;
                rc_cte_log(run, RC_CTE_INFO, sh->dest, NULL, NULL, NULL,
                           "[Retraction] Successfully retracted %d file hash(es) (DELETE).", rc);
            }
        }
        free(ps.v);
        if (rc < 0)
            return rc;
    }
    return sent;
}

static void share(struct rc_cte_run *run, const struct rc_cte_sharing *sh,
                  struct rc_cte_summary *sum)
{
    int before = run->log.errors, rc;
    cJSON *state;

    show(run, sum, run->cfg->n_plugins + (size_t)(sh - run->cfg->sharing), "sharing '%s' to '%s'",
         sh->source->name, sh->dest->name);
    rc = sh->dest->kind == RC_CTE_NETSKOPE ? share_netskope(run, sh) : share_mimecast(run, sh, sum);
    state = rc_cte_store_plugin(run->store, sh->dest->name);
    if (rc >= 0) {
        record(run, state, "last_share", 1, rc, "");
        sum->shared += rc;
    } else {
        record(run, state, "last_share", 0, 0,
               run->log.errors > before ? "share failed: see the log" : "share failed");
    }
    save(run);
}

int rc_cte_cycle(struct rc_cte_run *run, struct rc_cte_summary *sum)
{
    struct cm_err err = {{0}};
    size_t i;
    int aged, rc;

    if ((rc = rc_clock_now(run->ctx->clock, &run->now, &err)) != 0) {
        cm_error("%s", err.msg);
        return rc;
    }
    if (run->progress == NULL)
        run->progress = rc_progress_open(run->ctx, "cte sync");
    show(run, sum, 0, "aging");
    aged = rc_cte_store_age(run->store, run->now);
    if (aged)
        rc_cte_log(run, RC_CTE_INFO, NULL, NULL, NULL, NULL,
                   "%d indicator(s) marked inactive by the aging criteria.", aged);
    sum->aged += aged;
    for (i = 0; i < run->cfg->n_plugins; i++)
        pull(run, &run->cfg->plugins[i], sum);
    for (i = 0; i < run->cfg->n_sharing; i++)
        share(run, &run->cfg->sharing[i], sum);
    save(run);
    show(run, sum, run->cfg->n_plugins + run->cfg->n_sharing, "cycle done");
    sum->cycles++;
    if (sum->cycles >= planned_cycles(run))
        cm_progress_done(run->progress); /* before the summary reaches the terminal */
    return 0;
}

int64_t rc_cte_cycle_step(const struct rc_cte_config *cfg)
{
    int64_t step = RC_CTE_MAX_INTERVAL_MS, any = RC_CTE_MAX_INTERVAL_MS;
    size_t i;

    for (i = 0; i < cfg->n_plugins; i++) {
        if (cfg->plugins[i].interval_ms < any)
            any = cfg->plugins[i].interval_ms;
        if (cfg->plugins[i].pull && cfg->plugins[i].interval_ms < step)
            step = cfg->plugins[i].interval_ms;
    }
    return step < RC_CTE_MAX_INTERVAL_MS ? step : any;
}
