/*
 * explain.c: a scenario told in plain words (explain.h).
 *
 * The text has three parts: the title (name, summary, description, file and
 * tags), "Setup" (one line per service with the key facts of its starting
 * state, then the clock, source address, environment and time limit) and
 * "Steps" (one numbered paragraph per step: what it does, then "Expected:"
 * and what must hold). Virtual time is followed through advance and
 * set_clock steps so each clock move says the time it reaches.
 *
 * State facts are read generically from the JSON, so every vendor's state is
 * covered: arrays become counts with a few identifying values ("1 account
 * (\"Example Corp\") with 1 user, 2 applications"), maps of objects become
 * counts with their keys, short scalars are shown, secrets only as "set".
 */
#include "harness/explain.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_SHOWN  100 /* longest JSON value quoted in a sentence */
#define FACTS_SHOWN 8   /* state members described per level */
#define IDS_SHOWN   3   /* identifying values listed per array */

/* ---- words ---- */

void hx_human_duration(int64_t ms, char *out, size_t size)
{
    static const struct {
        int64_t ms;
        const char *one;
    } units[] = {
        {7 * 86400000LL, "week"}, {86400000LL, "day"}, {3600000LL, "hour"},
        {60000LL, "minute"},      {1000LL, "second"},  {1LL, "millisecond"},
    };
    size_t i, off = 0;

    out[0] = '\0';
    if (ms <= 0) {
        snprintf(out, size, "0 seconds");
        return;
    }
    for (i = 0; i < sizeof(units) / sizeof(units[0]) && off < size; i++) {
        int64_t n = ms / units[i].ms;
        if (n == 0)
            continue;
        ms -= n * units[i].ms;
        off += (size_t)snprintf(out + off, size - off, "%s%lld %s%s", off ? " " : "", (long long)n,
                                units[i].one, n == 1 ? "" : "s");
    }
}

/* "2026-03-02 09:20:00 UTC", or only "09:20:00" on the same day as ref. */
static void clock_text(int64_t ms, int64_t ref, char *out, size_t size)
{
    char t[40];

    cm_time_format(ms, t, sizeof(t));
    t[19] = '\0'; /* drop a fraction and the Z */
    t[10] = ' ';
    if (ref >= 0 && ms / 86400000LL == ref / 86400000LL)
        snprintf(out, size, "%s", t + 11);
    else
        snprintf(out, size, "%s UTC", t);
}

/* count and noun: "1 account", "2 accounts", "1 policy" from "policies". */
static void noun(struct cm_buf *b, size_t n, const char *plural)
{
    size_t len = strlen(plural);

    if (n == 1 && len > 3 && strcmp(plural + len - 3, "ies") == 0)
        cm_buf_printf(b, "1 %.*sy", (int)(len - 3), plural);
    else if (n == 1 && len > 1 && plural[len - 1] == 's' && plural[len - 2] != 's')
        cm_buf_printf(b, "1 %.*s", (int)(len - 1), plural);
    else
        cm_buf_printf(b, "%zu %s", n, plural);
}

/* A JSON value in compact form, cut at JSON_SHOWN characters. */
static void json_value(struct cm_buf *b, const cJSON *v)
{
    char *text = cm_json_print(v);
    size_t len = strlen(text);

    if (len > JSON_SHOWN)
        cm_buf_printf(b, "%.*s...", JSON_SHOWN, text);
    else
        cm_buf_puts(b, text);
    free(text);
}

/* words and the value of obj's member key, when it has one. */
static void member_phrase(struct cm_buf *b, const cJSON *obj, const char *key, const char *words)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (v) {
        cm_buf_puts(b, words);
        json_value(b, v);
    }
}

/* A list "a, b and c" (conj "and") of the strings of v (a string or an array of strings),
 * each quoted. */
static void quoted_list(struct cm_buf *b, const cJSON *v, const char *conj)
{
    const cJSON *e;
    int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 1, i = 0;

    if (!cJSON_IsArray(v)) {
        json_value(b, v);
        return;
    }
    cJSON_ArrayForEach(e, v)
    {
        cm_buf_puts(b, i == 0 ? "" : i == n - 1 ? conj : ", ");
        json_value(b, e);
        i++;
    }
}

/* A command line as one would type it: arguments with spaces or quotes in single quotes. */
static void command_line(struct cm_buf *b, const cJSON *argv)
{
    const cJSON *a;
    int first = 1;

    cJSON_ArrayForEach(a, argv)
    {
        const char *s = cJSON_IsString(a) ? a->valuestring : "";
        int plain = *s != '\0' && strpbrk(s, " \t\n'\"\\$*?;&|<>()") == NULL;

        cm_buf_puts(b, first ? "" : " ");
        first = 0;
        if (plain) {
            cm_buf_puts(b, s);
            continue;
        }
        cm_buf_putc(b, '\'');
        for (; *s; s++)
            cm_buf_puts(b, *s == '\'' ? "'\\''" : (char[]){*s, '\0'});
        cm_buf_putc(b, '\'');
    }
}

/* The member names of obj: "A, B, C". */
static void key_list(struct cm_buf *b, const cJSON *obj)
{
    const cJSON *m;
    int i = 0;

    cJSON_ArrayForEach(m, obj)
    {
        cm_buf_printf(b, "%s%s", i++ ? ", " : "", m->string);
    }
}

/* ---- state facts ---- */

static int secret_key(const char *key)
{
    static const char *const words[] = {"password", "secret", "token", "key", NULL};
    char low[64];
    size_t i;

    for (i = 0; key[i] && i < sizeof(low) - 1; i++)
        low[i] = (char)tolower((unsigned char)key[i]);
    low[i] = '\0';
    for (i = 0; words[i]; i++)
        if (strstr(low, words[i]))
            return 1;
    return 0;
}

/* The value that names an element: its name, email, code, tenant or id. */
static const cJSON *element_id(const cJSON *o)
{
    static const char *const keys[] = {"name", "email",  "code",      "tenant", "id",
                                       "_id",  "app_id", "client_id", "serial", NULL};
    const cJSON *v;
    size_t i;

    for (i = 0; keys[i]; i++) {
        v = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
        if (cJSON_IsString(v) || cJSON_IsNumber(v))
            return v;
    }
    return NULL;
}

static void facts(struct cm_buf *b, const cJSON *obj, int depth);

/* Array members of the elements, counted over all of them: " with 1 user, 2 applications". */
static void nested_counts(struct cm_buf *b, const cJSON *arr)
{
    const cJSON *first = cJSON_GetArrayItem(arr, 0), *m, *e;
    int shown = 0;

    cJSON_ArrayForEach(m, first)
    {
        size_t total = 0;
        if (!cJSON_IsArray(m) || m->string == NULL || secret_key(m->string))
            continue;
        cJSON_ArrayForEach(e, arr)
        {
            total += (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(e, m->string));
        }
        cm_buf_puts(b, shown ? ", " : " with ");
        noun(b, total, m->string);
        shown++;
    }
}

/* One member: an array as a count, a map of objects as a count of keys, a scalar as it is. */
static void fact(struct cm_buf *b, const char *key, const cJSON *v, int depth)
{
    const cJSON *e;
    int n, i = 0;

    if (cJSON_IsArray(v)) {
        noun(b, (size_t)cJSON_GetArraySize(v), key);
        if (!cJSON_IsObject(cJSON_GetArrayItem(v, 0)))
            return;
        n = 0;
        cJSON_ArrayForEach(e, v)
        {
            const cJSON *id = element_id(e);
            if (id == NULL || n == IDS_SHOWN || secret_key(id->string))
                continue;
            cm_buf_puts(b, n ? ", " : " (");
            json_value(b, id);
            n++;
        }
        if (n)
            cm_buf_puts(b, cJSON_GetArraySize(v) > n ? ", ...)" : ")");
        if (depth == 0)
            nested_counts(b, v);
        return;
    }
    if (cJSON_IsObject(v)) {
        int all_objects = v->child != NULL;
        cJSON_ArrayForEach(e, v) all_objects &= cJSON_IsObject(e);
        if (!all_objects || depth > 0) {
            cm_buf_printf(b, "%s: ", key);
            if (v->child == NULL)
                cm_buf_puts(b, "empty");
            facts(b, v, depth + 1);
            return;
        }
        noun(b, (size_t)cJSON_GetArraySize(v), key);
        cJSON_ArrayForEach(e, v)
        {
            if (i == IDS_SHOWN) {
                cm_buf_puts(b, ", ...");
                break;
            }
            cm_buf_printf(b, "%s'%s'", i++ ? ", " : " (", e->string);
        }
        cm_buf_puts(b, ")");
        return;
    }
    if (secret_key(key)) {
        cm_buf_printf(b, "%s set", key);
        return;
    }
    cm_buf_printf(b, "%s ", key);
    json_value(b, v);
}

static void facts(struct cm_buf *b, const cJSON *obj, int depth)
{
    const cJSON *m;
    int i = 0;

    cJSON_ArrayForEach(m, obj)
    {
        if (i == FACTS_SHOWN) {
            cm_buf_puts(b, ", ...");
            break;
        }
        if (i++)
            cm_buf_puts(b, depth ? ", " : "; ");
        fact(b, m->string, m, depth);
    }
}

/* ---- steps ---- */

/* "POST /api/x answered 409 (verdict v)": a journal filter or pattern; keys it lacks come
 * from inherit (the filter, for the patterns of an order). */
static void request_pattern(struct cm_buf *b, const cJSON *f, const cJSON *inherit)
{
    const char *method = cm_json_str(f, "method", cm_json_str(inherit, "method", NULL));
    const char *path = cm_json_str(f, "path", cm_json_str(inherit, "path", NULL));
    const char *service = cm_json_str(f, "service", NULL);
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(f, "status");
    const char *verdict = cm_json_str(f, "verdict", cm_json_str(inherit, "verdict", NULL));

    if (status == NULL)
        status = cJSON_GetObjectItemCaseSensitive(inherit, "status");
    cm_buf_printf(b, "%s%s%s", method ? method : "", method ? " " : "", path ? path : "any path");
    if (service && inherit)
        cm_buf_printf(b, " on %s", service);
    if (cJSON_IsNumber(status))
        cm_buf_printf(b, " answered %d", status->valueint);
    if (verdict)
        cm_buf_printf(b, " (verdict %s)", verdict);
}

/* "; it keeps /app_id as ${saved.app_id}" for a save object of pointers; from says where. */
static void saves(struct cm_buf *b, const cJSON *save, const char *from)
{
    const cJSON *m;
    int i = 0, n = cJSON_GetArraySize(save);

    cJSON_ArrayForEach(m, save)
    {
        cm_buf_puts(b, i == 0 ? "; it keeps " : i == n - 1 ? " and " : ", ");
        if (i == 0)
            cm_buf_puts(b, from);
        cm_buf_printf(b, "%s as ${saved.%s}",
                      cJSON_IsString(m) && *m->valuestring ? m->valuestring : "all of it",
                      m->string);
        i++;
    }
}

static void expect_streams(struct cm_buf *b, const cJSON *ex, int *n)
{
    /* each expectation key and the words that say it */
    static const char *const checks[][2] = {
        {"stdout_contains", "stdout contains "},
        {"stderr_contains", "stderr contains "},
        {"stdout_not_contains", "stdout contains none of "},
        {"stderr_not_contains", "stderr contains none of "},
        {"stdout_regex", "stdout matches the regular expression "},
        {"stderr_regex", "stderr matches the regular expression "},
        {"stdout_json", "stdout is JSON containing "},
        {"body_contains", "the body contains "},
        {"body_not_contains", "the body contains none of "},
        {"json", "the JSON answer contains "},
    };
    size_t i;

    for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(ex, checks[i][0]);
        if (v == NULL)
            continue;
        cm_buf_puts(b, (*n)++ ? "; " : "");
        cm_buf_puts(b, checks[i][1]);
        if (cJSON_IsString(v) || cJSON_IsArray(v))
            quoted_list(b, v, strstr(checks[i][1], "none") ? " or " : " and ");
        else
            json_value(b, v);
    }
}

/* "Expected: exit status 4; stderr contains ..." for the expect of a step (or its default). */
static void expectations(struct cm_buf *b, const struct hx_step *st)
{
    const cJSON *ex = st->expect, *v, *h;
    int n = 0, command = st->kind == HX_STEP_CLIENT || st->kind == HX_STEP_RUN;

    cm_buf_puts(b, "\n     Expected: ");
    if (command) {
        v = cJSON_GetObjectItemCaseSensitive(ex, "exit");
        if (v == NULL || cJSON_IsNumber(v))
            cm_buf_printf(b, "exit status %d", v ? v->valueint : 0);
        else if (strcmp(v->valuestring, "any") == 0)
            cm_buf_puts(b, "it exits, with any status");
        else if (strcmp(v->valuestring, "nonzero") == 0)
            cm_buf_puts(b, "a non-zero exit status");
        else
            cm_buf_puts(b, "it is still running at its time limit, and is stopped");
        n++;
    } else {
        v = cJSON_GetObjectItemCaseSensitive(ex, "status");
        if (cJSON_IsNumber(v))
            cm_buf_printf(b, "status %d", v->valueint);
        else
            cm_buf_puts(b, "a 2xx status");
        n++;
    }
    expect_streams(b, ex, &n);
    cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(ex, "headers"))
    {
        cm_buf_printf(b, "; header %s: ", h->string);
        json_value(b, h);
    }
    v = cJSON_GetObjectItemCaseSensitive(ex, "jsonl");
    if (v) {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "count");
        cm_buf_printf(b, "; %s holds ", cm_json_str(v, "file", "?"));
        if (cJSON_IsNumber(c))
            cm_buf_printf(b, "exactly %d JSON records", c->valueint);
        else
            cm_buf_puts(b, "JSON records");
        member_phrase(b, v, "contains", ", among them ");
        member_phrase(b, v, "each", ", each containing ");
    }
    cm_buf_puts(b, ".");
}

static void step_fault(struct cm_buf *b, const cJSON *f)
{
    const char *kind = cm_json_str(f, "kind", "status"), *method = cm_json_str(f, "method", NULL);
    const char *path = cm_json_str(f, "path", NULL);
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(f, "count");
    const cJSON *after = cJSON_GetObjectItemCaseSensitive(f, "after");
    const cJSON *prob = cJSON_GetObjectItemCaseSensitive(f, "probability");
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(f, "status");
    int64_t ms = 0;
    char d[64];

    cm_buf_printf(b, "Arm a fault on %s: ", cm_json_str(f, "service", "?"));
    if (cJSON_IsNumber(count) && count->valueint != 1)
        cm_buf_printf(b, "the next %d ", count->valueint);
    else
        cm_buf_puts(b, cJSON_IsNumber(count) ? "the next " : "every ");
    cm_buf_printf(b, "%s%s%s%srequest%s", method ? method : "", method && path ? " " : "",
                  path ? path : "", method || path ? " " : "",
                  cJSON_IsNumber(count) && count->valueint != 1 ? "s" : "");
    if (cJSON_IsNumber(after))
        cm_buf_printf(b, " after the first %d", after->valueint);
    if (cJSON_IsNumber(prob))
        cm_buf_printf(b, ", each with probability %g,", prob->valuedouble);
    if (strcmp(kind, "status") == 0) {
        cm_buf_printf(b, " is answered with status %d",
                      cJSON_IsNumber(status) ? status->valueint : 500);
    } else if (strcmp(kind, "delay") == 0) {
        const cJSON *dv = cJSON_GetObjectItemCaseSensitive(f, "delay");
        if (cJSON_IsString(dv))
            cm_duration_parse(dv->valuestring, &ms);
        else if (cJSON_IsNumber(dv))
            ms = (int64_t)dv->valuedouble;
        hx_human_duration(ms, d, sizeof(d));
        cm_buf_printf(b, " is delayed by %s (real time)", d);
    } else if (strcmp(kind, "reset") == 0) {
        cm_buf_puts(b, " has its connection reset");
    } else if (strcmp(kind, "truncate") == 0) {
        cm_buf_puts(b, " gets a truncated answer");
    } else {
        cm_buf_puts(b, " gets a malformed body");
    }
    cm_buf_puts(b, ".");
}

/* Leaf paths of a merge patch: "settings.rate_limit.limit = 2", "items.c removed". */
static void patch_paths(struct cm_buf *b, const cJSON *p, char *prefix, size_t plen, int *n)
{
    const cJSON *m;

    cJSON_ArrayForEach(m, p)
    {
        size_t len = strlen(prefix);
        snprintf(prefix + len, plen - len, "%s%s", len ? "." : "", m->string);
        if (cJSON_IsObject(m) && m->child && *n < 6) {
            patch_paths(b, m, prefix, plen, n);
        } else if (*n < 6) {
            cm_buf_puts(b, (*n)++ ? ", " : "");
            if (cJSON_IsNull(m)) {
                cm_buf_printf(b, "%s removed", prefix);
            } else {
                cm_buf_printf(b, "%s = ", prefix);
                json_value(b, m);
            }
        } else {
            cm_buf_puts(b, (*n)++ == 6 ? ", ..." : "");
        }
        prefix[len] = '\0';
    }
}

static void step_journal(struct cm_buf *b, const cJSON *j)
{
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(j, "count");
    const cJSON *order = cJSON_GetObjectItemCaseSensitive(j, "order"), *o;
    const char *who = cm_json_str(j, "service", "the mocks");
    int only = cm_json_bool(j, "only", 0), i = 1;

    if (cJSON_IsNumber(count)) {
        cm_buf_printf(b, "Check that %s received exactly %d request%s to ", who, count->valueint,
                      count->valueint == 1 ? "" : "s");
        request_pattern(b, j, NULL);
    } else if (order) {
        cm_buf_printf(b, "Check that %s received, in this order (others may come between):", who);
        cJSON_ArrayForEach(o, order)
        {
            cm_buf_printf(b, "%s %d) ", i > 1 ? "," : "", i);
            request_pattern(b, o, j);
            i++;
        }
    } else if (only) {
        cm_buf_puts(b, "Check that nothing but ");
        request_pattern(b, j, NULL);
        cm_buf_printf(b, " reached %s", who);
    } else {
        cm_buf_printf(b, "Check that %s received at least one request to ", who);
        request_pattern(b, j, NULL);
    }
    if (only && (count || order))
        cm_buf_printf(b, "; and that nothing else reached %s", who);
    cm_buf_puts(b, ".");
}

static void step_check_file(struct cm_buf *b, const cJSON *c)
{
    if (!cm_json_bool(c, "exists", 1)) {
        cm_buf_printf(b, "Check that the file %s does not exist.", cm_json_str(c, "path", "?"));
        return;
    }
    cm_buf_printf(b, "Check that the file %s exists", cm_json_str(c, "path", "?"));
    member_phrase(b, c, "contains", ", contains ");
    member_phrase(b, c, "json", ", and is JSON containing ");
    cm_buf_puts(b, ".");
}

/* The state file a service or load step names, or NULL when the state is inline. */
static const char *state_file(const cJSON *holder)
{
    return cm_json_str(holder, "state", NULL);
}

static void step_text(struct cm_buf *b, const struct hx_step *st, int64_t *now, int64_t start,
                      int has_clock)
{
    static const char *const fixed[HX_STEP__COUNT] = {
        [HX_STEP_CLEAR_FAULTS] = "Clear every armed fault.",
        [HX_STEP_CLEAR_JOURNAL] = "Empty the journal.",
    };
    const cJSON *a = st->arg, *v;
    int64_t ms = 0;
    char t[64], d[64];

    if (fixed[st->kind]) {
        cm_buf_puts(b, fixed[st->kind]);
        return;
    }
    if (st->kind == HX_STEP_JOURNAL || st->kind == HX_STEP_CHECK_FILE) {
        (st->kind == HX_STEP_JOURNAL ? step_journal : step_check_file)(b, a);
        return;
    }
    switch (st->kind) {
    case HX_STEP_ADVANCE:
        if (cJSON_IsString(a))
            cm_duration_parse(a->valuestring, &ms);
        else
            ms = (int64_t)a->valuedouble;
        hx_human_duration(ms, d, sizeof(d));
        cm_buf_printf(b, "Move the clock forward %s", d);
        *now += ms;
        if (has_clock) {
            clock_text(*now, start, t, sizeof(t));
            cm_buf_printf(b, ", to %s", t);
        }
        cm_buf_puts(b, ".");
        return;
    case HX_STEP_SET_CLOCK:
        if (cJSON_IsString(a) && cm_time_parse(a->valuestring, &ms) == 0) {
            *now = ms;
            clock_text(ms, -1, t, sizeof(t));
            cm_buf_printf(b, "Set the clock to %s.", t);
        } else {
            cm_buf_printf(b, "Set the clock to %s.", cJSON_IsString(a) ? a->valuestring : "?");
        }
        return;
    case HX_STEP_PATCH: {
        char prefix[256] = "";
        int n = 0;
        cm_buf_printf(b, "Change the %s state: ", cm_json_str(a, "service", "?"));
        patch_paths(b, cJSON_GetObjectItemCaseSensitive(a, "state"), prefix, sizeof(prefix), &n);
        cm_buf_puts(b, n ? "." : "nothing.");
        break;
    }
    case HX_STEP_LOAD:
        cm_buf_printf(b, "Replace the %s state with ", cm_json_str(a, "service", "?"));
        if (state_file(a))
            cm_buf_printf(b, "the one in %s", state_file(a));
        else
            cm_buf_puts(b, "a new one");
        cm_buf_puts(b, ": ");
        facts(b, st->state ? st->state : cJSON_GetObjectItemCaseSensitive(a, "state"), 0);
        cm_buf_puts(b, ".");
        break;
    case HX_STEP_FAULT:
        step_fault(b, a);
        break;
    case HX_STEP_ACTION:
        cm_buf_printf(b, "Do the console action '%s' on %s", cm_json_str(a, "name", "?"),
                      cm_json_str(a, "service", "?"));
        v = cJSON_GetObjectItemCaseSensitive(a, "args");
        if (v && v->child) {
            cm_buf_puts(b, " with ");
            json_value(b, v);
        }
        saves(b, cJSON_GetObjectItemCaseSensitive(a, "save"), "");
        cm_buf_puts(b, ".");
        break;
    case HX_STEP_HTTP:
        cm_buf_printf(b, "Send %s %s to %s", cm_json_str(a, "method", "GET"),
                      cm_json_str(a, "path", "?"), cm_json_str(a, "service", "?"));
        if (cm_json_str(a, "source", NULL))
            cm_buf_printf(b, " from %s", cm_json_str(a, "source", NULL));
        if ((v = cJSON_GetObjectItemCaseSensitive(a, "headers")) != NULL && v->child) {
            cm_buf_puts(b, cJSON_GetArraySize(v) > 1 ? " with the headers " : " with the header ");
            key_list(b, v);
        }
        if ((v = cJSON_GetObjectItemCaseSensitive(a, "body")) != NULL) {
            cm_buf_puts(b, cJSON_IsString(v) ? " and the raw body " : " and the JSON body ");
            json_value(b, v);
        }
        saves(b, cJSON_GetObjectItemCaseSensitive(a, "save"), "");
        cm_buf_puts(b, ".");
        break;
    case HX_STEP_CLIENT:
    case HX_STEP_RUN:
        cm_buf_puts(b, st->kind == HX_STEP_CLIENT ? "Run the reference client: secmock client "
                                                  : "Run the command: ");
        command_line(b, a);
        if (st->kind == HX_STEP_RUN && !st->faketime)
            cm_buf_puts(b, " (on the wall clock, without libfaketime)");
        if (st->env && st->env->child) {
            cm_buf_puts(b, ", with ");
            key_list(b, st->env);
            cm_buf_puts(b, " set");
        }
        saves(b, st->save, "from its JSON output ");
        cm_buf_puts(b, ".");
        break;
    case HX_STEP_CHECK_STATE:
        cm_buf_printf(b, "Check that the %s state contains ", cm_json_str(a, "service", "?"));
        json_value(b, cJSON_GetObjectItemCaseSensitive(a, "json"));
        saves(b, cJSON_GetObjectItemCaseSensitive(a, "save"), "");
        cm_buf_puts(b, ".");
        return;
    case HX_STEP_FILE:
        v = cJSON_GetObjectItemCaseSensitive(a, "content");
        cm_buf_printf(b, "Write the file %s in the work folder", cm_json_str(a, "path", "?"));
        if (cJSON_IsObject(v) && v->child) {
            cm_buf_puts(b, ", JSON with ");
            facts(b, v, 0);
        } else {
            cm_buf_puts(b, cJSON_IsString(v) ? " (text)" : " (JSON)");
        }
        cm_buf_puts(b, ".");
        return;
    default: /* told above */
        return;
    }
    if (st->timeout_ms != HX_STEP_TIMEOUT_DEFAULT_MS) {
        hx_human_duration(st->timeout_ms, d, sizeof(d));
        cm_buf_printf(b, " Time limit: %s.", d);
    }
    if (st->kind != HX_STEP_PATCH && st->kind != HX_STEP_LOAD && st->kind != HX_STEP_FAULT)
        expectations(b, st);
    else if (st->expect)
        expectations(b, st);
}

/* ---- the whole ---- */

static void setup_text(struct cm_buf *b, const struct hx_scenario *sc)
{
    const cJSON *svcs = cJSON_GetObjectItemCaseSensitive(sc->doc, "services");
    char t[64];
    size_t i;

    cm_buf_puts(b, "\nSetup\n");
    for (i = 0; i < sc->nservices; i++) {
        const struct hx_service *s = &sc->services[i];
        const cJSON *decl = cJSON_GetObjectItemCaseSensitive(svcs, s->name);
        cm_buf_printf(b, "  - The %s mock%s, ", s->name,
                      s->tls == 1   ? " over HTTPS"
                      : s->tls == 0 ? " over plain HTTP"
                                    : "");
        if (s->state == NULL || s->state->child == NULL) {
            cm_buf_puts(b, "with an empty state.\n");
            continue;
        }
        if (state_file(decl))
            cm_buf_printf(b, "state from %s", state_file(decl));
        else
            cm_buf_puts(b, "with this state");
        if (cJSON_GetObjectItemCaseSensitive(decl, "patch")) {
            char prefix[256] = "";
            int n = 0;
            cm_buf_puts(b, " patched with ");
            patch_paths(b, cJSON_GetObjectItemCaseSensitive(decl, "patch"), prefix, sizeof(prefix),
                        &n);
        }
        cm_buf_puts(b, ": ");
        facts(b, s->state, 0);
        cm_buf_puts(b, ".\n");
    }
    if (sc->has_clock) {
        clock_text(sc->clock_start_ms, -1, t, sizeof(t));
        cm_buf_printf(b, "  - The clock starts at %s%s.\n", t,
                      sc->clock_frozen ? ", frozen: it moves only when a step (or the reference "
                                         "client, when it waits) moves it"
                                       : " and runs");
    } else {
        cm_buf_puts(b, "  - The mocks use the wall clock.\n");
    }
    if (sc->client_source)
        cm_buf_printf(b, "  - Clients send from %s.\n", sc->client_source);
    if (sc->env && sc->env->child) {
        cm_buf_puts(b, "  - Every command also gets ");
        key_list(b, sc->env);
        cm_buf_puts(b, ".\n");
    }
    if (sc->timeout_ms != HX_TIMEOUT_DEFAULT_MS) {
        hx_human_duration(sc->timeout_ms, t, sizeof(t));
        cm_buf_printf(b, "  - The whole scenario must end within %s.\n", t);
    }
}

char *hx_explain(const struct hx_scenario *sc)
{
    const char *desc = cm_json_str(sc->doc, "description", NULL);
    struct cm_buf b;
    int64_t now = sc->clock_start_ms;
    size_t i;

    cm_buf_init(&b, 0);
    cm_buf_printf(&b, "%s\n", sc->name);
    if (*sc->summary)
        cm_buf_printf(&b, "%s\n", sc->summary);
    if (desc)
        cm_buf_printf(&b, "\n%s\n", desc);
    cm_buf_printf(&b, "\nFile: %s\n", sc->file);
    if (sc->ntags) {
        cm_buf_puts(&b, "Tags: ");
        for (i = 0; i < sc->ntags; i++)
            cm_buf_printf(&b, "%s%s", i ? ", " : "", sc->tags[i]);
        cm_buf_puts(&b, "\n");
    }
    if (sc->skip)
        cm_buf_printf(&b, "Skipped when run: %s\n", sc->skip);
    setup_text(&b, sc);
    cm_buf_puts(&b, "\nSteps\n");
    for (i = 0; i < sc->nsteps; i++) {
        const struct hx_step *st = &sc->steps[i];
        cm_buf_printf(&b, "  %2zu. ", i + 1);
        if (st->name)
            cm_buf_printf(&b, "\"%s\": ", st->name);
        step_text(&b, st, &now, sc->clock_start_ms, sc->has_clock);
        cm_buf_puts(&b, "\n");
    }
    return cm_buf_steal(&b, NULL);
}

/* ---- close names ---- */

/* Words of s (split at / - _ .) that also occur in t as words. */
static int shared_words(const char *s, const char *t)
{
    static const char seps[] = "/-_.";
    int n = 0;

    while (*s) {
        size_t len = strcspn(s, seps);
        const char *p = t;
        while (len && *p) {
            size_t l2 = strcspn(p, seps);
            if (l2 == len && strncmp(p, s, len) == 0) {
                n++;
                break;
            }
            p += l2;
            p += strspn(p, seps);
        }
        s += len;
        s += strspn(s, seps);
    }
    return n;
}

size_t hx_close_names(const char *name, struct hx_scenario *const *all, size_t n, const char **out,
                      size_t max)
{
    int *score = cm_calloc(n + 1, sizeof(*score));
    size_t i, k = 0;

    for (i = 0; i < n; i++)
        score[i] = 2 * shared_words(name, all[i]->name) + (strstr(all[i]->name, name) ? 10 : 0);
    while (k < max) {
        size_t best = n;
        for (i = 0; i < n; i++)
            if (score[i] > 0 && (best == n || score[i] > score[best]))
                best = i;
        if (best == n)
            break;
        out[k++] = all[best]->name;
        score[best] = 0;
    }
    free(score);
    return k;
}
