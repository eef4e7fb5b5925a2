/*
 * scenario.c: loading and validating scenario files.
 *
 * The loader walks the document once with a running JSON path (struct ld) and
 * stops at the first problem, reporting it as "<file>: <path>: <what>". Every
 * object is checked against the list of keys it may have, so a typo is an
 * error with a suggestion rather than a silently ignored expectation. Variable
 * references are checked in step order, so ${saved.x} is only accepted after a
 * step that saves x.
 */
#include "harness/scenario.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"
#include "harness/expect.h"
#include "harness/jsonx.h"
#include "harness/vars.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
#define HX_STEP_NAME(name, key) key,
    HX_STEP_KINDS(HX_STEP_NAME)
#undef HX_STEP_NAME
};

const char *hx_step_kind_name(enum hx_step_kind kind)
{
    return kind >= 0 && kind < HX_STEP__COUNT ? kind_names[kind] : "?";
}

/* Loader context: the file, the JSON path being checked, the error, the scope. */
struct ld {
    const char *file;
    struct cm_buf path;
    struct cm_err *err;
    struct hx_scenario *sc;
    const char **services;
    const char **saved;
    size_t nsaved;
};

static size_t ld_key(struct ld *l, const char *key)
{
    size_t mark = l->path.len;

    hx_path_key(&l->path, key);
    return mark;
}

static size_t ld_index(struct ld *l, int i)
{
    size_t mark = l->path.len;

    hx_path_index(&l->path, i);
    return mark;
}

static void ld_pop(struct ld *l, size_t mark)
{
    l->path.len = mark;
    if (l->path.data)
        l->path.data[mark] = '\0';
}

static int ld_fail(struct ld *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int ld_fail(struct ld *l, const char *fmt, ...)
{
    char what[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (l->path.len)
        return cm_fail(l->err, CM_EINVAL, "%s: %s: %s", l->file, cm_buf_str(&l->path), what);
    return cm_fail(l->err, CM_EINVAL, "%s: %s", l->file, what);
}

/* "<file>: <path>" for messages made elsewhere (variables); caller frees. */
static char *ld_where(struct ld *l)
{
    return l->path.len ? cm_asprintf("%s: %s", l->file, cm_buf_str(&l->path)) : cm_strdup(l->file);
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j, prev, tmp;
    size_t row[64];

    if (la >= 63 || lb >= 63)
        return 99;
    for (j = 0; j <= lb; j++)
        row[j] = j;
    for (i = 1; i <= la; i++) {
        prev = row[0];
        row[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t best = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            tmp = row[j];
            row[j] = best;
            prev = tmp;
        }
    }
    return row[lb];
}

/* " (did you mean 'x'?)" or " (expected one of: a, b, c)" into out. */
static void suggest(const char *key, const char *const *allowed, char *out, size_t size)
{
    const char *best = NULL;
    size_t bestd = 3, d, off;
    int i;

    for (i = 0; allowed[i]; i++) {
        d = edit_distance(key, allowed[i]);
        if (d < bestd) {
            bestd = d;
            best = allowed[i];
        }
    }
    if (best) {
        snprintf(out, size, " (did you mean '%s'?)", best);
        return;
    }
    off = (size_t)snprintf(out, size, " (expected one of:");
    for (i = 0; allowed[i] && off < size; i++)
        off += (size_t)snprintf(out + off, size - off, "%s %s", i ? "," : "", allowed[i]);
    if (off < size)
        snprintf(out + off, size - off, ")");
}

/* Checks obj is an object with only allowed keys, no duplicates, and every required key. */
static int ld_object(struct ld *l, const cJSON *obj, const char *const *allowed,
                     const char *const *required)
{
    const cJSON *c, *d;
    char hint[200];
    int i;

    if (!cJSON_IsObject(obj))
        return ld_fail(l, "expected an object");
    cJSON_ArrayForEach(c, obj)
    {
        for (i = 0; allowed[i] && strcmp(allowed[i], c->string) != 0; i++)
            ;
        if (allowed[i] == NULL) {
            suggest(c->string, allowed, hint, sizeof(hint));
            return ld_fail(l, "unknown key '%s'%s", c->string, hint);
        }
        for (d = obj->child; d != c; d = d->next)
            if (strcmp(d->string, c->string) == 0)
                return ld_fail(l, "duplicate key '%s'", c->string);
    }
    for (i = 0; required && required[i]; i++)
        if (cJSON_GetObjectItemCaseSensitive(obj, required[i]) == NULL)
            return ld_fail(l, "missing required key '%s'", required[i]);
    return 0;
}

static int ld_string(struct ld *l, const cJSON *obj, const char *key, const char **out)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t mark;
    int rc = 0;

    if (c == NULL)
        return 0;
    mark = ld_key(l, key);
    if (!cJSON_IsString(c))
        rc = ld_fail(l, "expected a string");
    else if (out)
        *out = c->valuestring;
    ld_pop(l, mark);
    return rc;
}

static int ld_bool(struct ld *l, const cJSON *obj, const char *key, int *out)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t mark;
    int rc = 0;

    if (c == NULL)
        return 0;
    mark = ld_key(l, key);
    if (!cJSON_IsBool(c))
        rc = ld_fail(l, "expected true or false");
    else if (out)
        *out = cJSON_IsTrue(c);
    ld_pop(l, mark);
    return rc;
}

static int is_integer(const cJSON *c)
{
    return cJSON_IsNumber(c) && c->valuedouble == floor(c->valuedouble) &&
           fabs(c->valuedouble) < 9007199254740992.0;
}

/* An integer in [lo, hi]. */
static int ld_int(struct ld *l, const cJSON *obj, const char *key, double lo, double hi,
                  int64_t *out)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t mark;
    int rc = 0;

    if (c == NULL)
        return 0;
    mark = ld_key(l, key);
    if (!is_integer(c))
        rc = ld_fail(l, "expected an integer");
    else if (c->valuedouble < lo || c->valuedouble > hi)
        rc = ld_fail(l, "expected an integer from %.0f to %.0f, got %.0f", lo, hi, c->valuedouble);
    else if (out)
        *out = (int64_t)c->valuedouble;
    ld_pop(l, mark);
    return rc;
}

/* A duration: "10m" or an integer of milliseconds. The path is the node's. */
static int ld_duration_node(struct ld *l, const cJSON *c, int64_t *out)
{
    int64_t ms;

    if (is_integer(c) && c->valuedouble >= 0) {
        ms = (int64_t)c->valuedouble;
    } else if (!cJSON_IsString(c) || cm_duration_parse(c->valuestring, &ms) != 0) {
        return ld_fail(l, "expected a duration such as \"10m\", \"90s\", \"1h30m\" or an integer "
                          "of milliseconds");
    }
    if (out)
        *out = ms;
    return 0;
}

static int ld_duration(struct ld *l, const cJSON *obj, const char *key, int64_t *out)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t mark;
    int rc;

    if (c == NULL)
        return 0;
    mark = ld_key(l, key);
    rc = ld_duration_node(l, c, out);
    ld_pop(l, mark);
    return rc;
}

static int ld_time_node(struct ld *l, const cJSON *c, int64_t *out)
{
    if (!cJSON_IsString(c) || cm_time_parse(c->valuestring, out) != 0)
        return ld_fail(l, "expected an RFC 3339 time such as \"2026-03-02T09:00:00Z\"");
    return 0;
}

/* An object whose values are all strings. */
static int ld_string_map(struct ld *l, const cJSON *c)
{
    const cJSON *v, *d;
    size_t mark;

    if (!cJSON_IsObject(c))
        return ld_fail(l, "expected an object of strings");
    cJSON_ArrayForEach(v, c)
    {
        for (d = c->child; d != v; d = d->next)
            if (strcmp(d->string, v->string) == 0)
                return ld_fail(l, "duplicate key '%s'", v->string);
        mark = ld_key(l, v->string);
        if (!cJSON_IsString(v)) {
            int rc = ld_fail(l, "expected a string");
            ld_pop(l, mark);
            return rc;
        }
        ld_pop(l, mark);
    }
    return 0;
}

/* A string or an array of strings (the *_contains expectations). */
static int ld_strings(struct ld *l, const cJSON *c)
{
    const cJSON *v;

    if (cJSON_IsString(c))
        return 0;
    if (!cJSON_IsArray(c) || cJSON_GetArraySize(c) == 0)
        return ld_fail(l, "expected a string or a non-empty array of strings");
    cJSON_ArrayForEach(v, c) if (!cJSON_IsString(v)) return ld_fail(
        l, "expected a string or a non-empty array of strings");
    return 0;
}

static int ld_argv(struct ld *l, const cJSON *c, int allow_empty)
{
    const cJSON *v;
    int i = 0;

    if (!cJSON_IsArray(c) || (!allow_empty && cJSON_GetArraySize(c) == 0))
        return ld_fail(l, "expected a non-empty array of strings (the command and its arguments)");
    cJSON_ArrayForEach(v, c)
    {
        if (!cJSON_IsString(v)) {
            size_t mark = ld_index(l, i);
            int rc = ld_fail(l, "expected a string");
            ld_pop(l, mark);
            return rc;
        }
        i++;
    }
    return 0;
}

static int valid_service_name(const char *s)
{
    const char *p;

    if (*s == '\0' || strlen(s) > 31 || !islower((unsigned char)*s))
        return 0;
    for (p = s; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
            return 0;
    return 1;
}

/* obj.service must name one of the scenario's services. */
static int ld_service_ref(struct ld *l, const cJSON *obj)
{
    const char *name = NULL;
    size_t mark;
    int rc;

    rc = ld_string(l, obj, "service", &name);
    if (rc || name == NULL)
        return rc;
    if (hx_scenario_service(l->sc, name))
        return 0;
    mark = ld_key(l, "service");
    rc = ld_fail(l, "'%s' is not a service of this scenario (add it under \"services\")", name);
    ld_pop(l, mark);
    return rc;
}

/* A state given as a file name (loaded relative to the scenario) or inline. */
static int ld_state(struct ld *l, const cJSON *c, cJSON **loaded)
{
    struct cm_err ferr;
    char *full;

    *loaded = NULL;
    if (cJSON_IsObject(c))
        return 0;
    if (!cJSON_IsString(c))
        return ld_fail(l, "expected a file name (relative to the scenario) or an object");
    full = c->valuestring[0] == '/' ? cm_strdup(c->valuestring)
                                    : cm_asprintf("%s/%s", l->sc->dir, c->valuestring);
    *loaded = cm_json_load_file(full, &ferr);
    free(full);
    if (*loaded == NULL)
        return ld_fail(l, "%s", ferr.msg);
    if (!cJSON_IsObject(*loaded)) {
        cJSON_Delete(*loaded);
        *loaded = NULL;
        return ld_fail(l, "state file '%s' must hold a JSON object", c->valuestring);
    }
    return 0;
}

/* Checks the variables in every string under node. skip_top: keys of node not expanded. */
static int ld_vars(struct ld *l, const cJSON *node, const char *const *skip_top)
{
    struct hx_var_scope scope;
    const cJSON *c;
    int i = 0, rc = 0;

    if (cJSON_IsString(node)) {
        char *where = ld_where(l);
        scope.services = l->services;
        scope.n_services = l->sc->nservices;
        scope.vars = l->sc->vars;
        scope.saved = l->saved;
        scope.n_saved = l->nsaved;
        rc = hx_vars_check(node->valuestring, &scope, where, l->err);
        free(where);
        return rc;
    }
    if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
        return 0;
    cJSON_ArrayForEach(c, node)
    {
        size_t mark;
        int j, skip = 0;
        if (cJSON_IsObject(node)) {
            for (j = 0; skip_top && skip_top[j]; j++)
                if (strcmp(skip_top[j], c->string) == 0)
                    skip = 1;
            if (skip)
                continue;
            mark = ld_key(l, c->string);
        } else {
            mark = ld_index(l, i++);
        }
        rc = ld_vars(l, c, NULL);
        ld_pop(l, mark);
        if (rc)
            return rc;
    }
    return 0;
}

/* "save": {"name": "/json/pointer"}; records the names for later steps. */
static int ld_save(struct ld *l, const cJSON *save)
{
    const cJSON *c;
    size_t mark;
    int rc = ld_string_map(l, save);

    if (rc)
        return rc;
    cJSON_ArrayForEach(c, save)
    {
        const char *p;
        mark = ld_key(l, c->string);
        for (p = c->string; *p; p++)
            if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-'))
                break;
        if (*p || c->string[0] == '\0')
            rc = ld_fail(l, "a saved name may only use letters, digits, '_' and '-'");
        else if (hx_json_pointer_check(c->valuestring) != 0)
            rc = ld_fail(l, "expected a JSON pointer such as \"/token\" or \"/items/0/id\"");
        ld_pop(l, mark);
        if (rc)
            return rc;
        l->saved = cm_realloc(l->saved, (l->nsaved + 1) * sizeof(*l->saved));
        l->saved[l->nsaved++] = c->string;
    }
    return 0;
}

/* 1 when re repeats a repetition ("a++", "a*{2}"): POSIX leaves it undefined, and glibc
 * compiles a run of them into a tree that doubles with each one (gigabytes; found by the
 * scenario fuzzer). */
static int repeats_repetition(const char *re)
{
    const char *p = re;
    int after_dup = 0;

    while (*p) {
        if (*p == '\\' && p[1]) {
            p += 2;
            after_dup = 0;
        } else if (*p == '[') {
            p += p[1] == '^' ? 2 : 1;
            p += *p == ']';
            while (*p && *p != ']')
                p++;
            p += *p == ']';
            after_dup = 0;
        } else if (*p == '*' || *p == '+' || *p == '?' || *p == '{') {
            if (after_dup)
                return 1;
            p = *p == '{' && strchr(p, '}') ? strchr(p, '}') + 1 : p + 1;
            after_dup = 1;
        } else {
            p++;
            after_dup = 0;
        }
    }
    return 0;
}

static int ld_regex(struct ld *l, const cJSON *c)
{
    regex_t re;
    char msg[200];
    int rc;

    if (!cJSON_IsString(c))
        return ld_fail(l, "expected a string (a POSIX extended regular expression)");
    if (strstr(c->valuestring, "${"))
        return 0; /* compiled after expansion, at run time */
    if (repeats_repetition(c->valuestring))
        return ld_fail(l, "invalid regular expression: a repetition ('*', '+', '?' or '{n}') "
                          "follows another one, as in 'a++'; write one, such as 'a+'");
    rc = regcomp(&re, c->valuestring, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
    if (rc) {
        regerror(rc, &re, msg, sizeof(msg));
        return ld_fail(l, "invalid regular expression: %s", msg);
    }
    regfree(&re);
    return 0;
}

/* Runs check on obj[key] with the path pushed, when present. */
#define LD_AT(l, obj, key, call)                                                                   \
    do {                                                                                           \
        const cJSON *at_ = cJSON_GetObjectItemCaseSensitive((obj), (key));                         \
        if (at_) {                                                                                 \
            size_t mark_ = ld_key((l), (key));                                                     \
            int rc_ = (call);                                                                      \
            ld_pop((l), mark_);                                                                    \
            if (rc_)                                                                               \
                return rc_;                                                                        \
        }                                                                                          \
    } while (0)

static int ld_jsonl(struct ld *l, const cJSON *c)
{
    static const char *const keys[] = {"file", "count", "contains", "each", NULL};
    static const char *const req[] = {"file", NULL};
    const cJSON *at_;
    int rc = ld_object(l, c, keys, req);

    if (rc || (rc = ld_string(l, c, "file", NULL)) || (rc = ld_int(l, c, "count", 0, 1e9, NULL)))
        return rc;
    at_ = cJSON_GetObjectItemCaseSensitive(c, "contains");
    if (at_ && !cJSON_IsArray(at_)) {
        size_t mark = ld_key(l, "contains");
        rc = ld_fail(l, "expected an array of JSON values (each a subset of some line)");
        ld_pop(l, mark);
    }
    return rc;
}

static int ld_exit(struct ld *l, const cJSON *c)
{
    if (is_integer(c) && c->valuedouble >= 0 && c->valuedouble <= 255)
        return 0;
    if (cJSON_IsString(c) &&
        (strcmp(c->valuestring, "any") == 0 || strcmp(c->valuestring, "nonzero") == 0 ||
         strcmp(c->valuestring, "timeout") == 0))
        return 0;
    return ld_fail(l, "expected an integer from 0 to 255, \"any\", \"nonzero\" or \"timeout\"");
}

static int ld_expect(struct ld *l, const struct hx_step *st, const cJSON *e)
{
    static const char *const http_keys[] = {"status",  "json", "body_contains", "body_not_contains",
                                            "headers", NULL};
    static const char *const proc_keys[] = {"exit",
                                            "stdout_contains",
                                            "stderr_contains",
                                            "stdout_not_contains",
                                            "stderr_not_contains",
                                            "stdout_regex",
                                            "stderr_regex",
                                            "stdout_json",
                                            "jsonl",
                                            NULL};
    static const char *const admin_keys[] = {"status", "json", NULL};
    int rc;

    switch (st->kind) {
    case HX_STEP_HTTP:
        rc = ld_object(l, e, http_keys, NULL);
        if (rc || (rc = ld_int(l, e, "status", 100, 599, NULL)))
            return rc;
        LD_AT(l, e, "body_contains", ld_strings(l, at_));
        LD_AT(l, e, "body_not_contains", ld_strings(l, at_));
        LD_AT(l, e, "headers", ld_string_map(l, at_));
        return 0;
    case HX_STEP_CLIENT:
    case HX_STEP_RUN:
        rc = ld_object(l, e, proc_keys, NULL);
        if (rc)
            return rc;
        LD_AT(l, e, "exit", ld_exit(l, at_));
        LD_AT(l, e, "stdout_contains", ld_strings(l, at_));
        LD_AT(l, e, "stderr_contains", ld_strings(l, at_));
        LD_AT(l, e, "stdout_not_contains", ld_strings(l, at_));
        LD_AT(l, e, "stderr_not_contains", ld_strings(l, at_));
        LD_AT(l, e, "stdout_regex", ld_regex(l, at_));
        LD_AT(l, e, "stderr_regex", ld_regex(l, at_));
        LD_AT(l, e, "jsonl", ld_jsonl(l, at_));
        return 0;
    case HX_STEP_ACTION:
    case HX_STEP_PATCH:
    case HX_STEP_LOAD:
    case HX_STEP_FAULT:
        rc = ld_object(l, e, admin_keys, NULL);
        if (rc || (rc = ld_int(l, e, "status", 100, 599, NULL)))
            return rc;
        return 0;
    default:
        return ld_fail(l, "a \"%s\" step takes no \"expect\" (it is a check or a plain command)",
                       hx_step_kind_name(st->kind));
    }
}

static int ld_true(struct ld *l, const cJSON *c)
{
    return cJSON_IsTrue(c) ? 0 : ld_fail(l, "expected true");
}

static int ld_journal_pattern(struct ld *l, const cJSON *c, int top)
{
    static const char *const top_keys[] = {"service", "method", "path", "status", "verdict",
                                           "count",   "order",  "only", NULL};
    static const char *const pat_keys[] = {"service", "method", "path", "status", "verdict", NULL};
    int rc = ld_object(l, c, top ? top_keys : pat_keys, NULL);

    if (rc || (rc = ld_service_ref(l, c)) || (rc = ld_string(l, c, "method", NULL)) ||
        (rc = ld_string(l, c, "path", NULL)) || (rc = ld_int(l, c, "status", 100, 599, NULL)) ||
        (rc = ld_string(l, c, "verdict", NULL)))
        return rc;
    return 0;
}

static int ld_journal(struct ld *l, const cJSON *c)
{
    const cJSON *order, *p;
    int rc = ld_journal_pattern(l, c, 1), i = 0, only = 0;

    if (rc || (rc = ld_int(l, c, "count", 0, 1e9, NULL)) || (rc = ld_bool(l, c, "only", &only)))
        return rc;
    order = cJSON_GetObjectItemCaseSensitive(c, "order");
    if (order) {
        size_t mark = ld_key(l, "order");
        if (!cJSON_IsArray(order) || cJSON_GetArraySize(order) == 0) {
            rc = ld_fail(l, "expected a non-empty array of request patterns");
            ld_pop(l, mark);
            return rc;
        }
        cJSON_ArrayForEach(p, order)
        {
            size_t m2 = ld_index(l, i++);
            rc = ld_journal_pattern(l, p, 0);
            ld_pop(l, m2);
            if (rc)
                break;
        }
        ld_pop(l, mark);
    }
    return rc;
}

static int ld_fault(struct ld *l, const cJSON *c)
{
    static const char *const keys[] = {"service", "method",       "path",  "kind",  "status",
                                       "body",    "content_type", "delay", "count", "probability",
                                       "seed",    "headers",      "after", NULL};
    static const char *const req[] = {"service", NULL};
    static const char *const kinds[] = {"status", "delay", "reset", "truncate", "malformed", NULL};
    const char *kind = NULL;
    const cJSON *prob;
    int rc = ld_object(l, c, keys, req), i;

    if (rc || (rc = ld_service_ref(l, c)) || (rc = ld_string(l, c, "method", NULL)) ||
        (rc = ld_string(l, c, "path", NULL)) || (rc = ld_string(l, c, "kind", &kind)) ||
        (rc = ld_int(l, c, "status", 100, 599, NULL)) ||
        (rc = ld_string(l, c, "content_type", NULL)) || (rc = ld_duration(l, c, "delay", NULL)) ||
        (rc = ld_int(l, c, "count", 1, 1e9, NULL)) || (rc = ld_int(l, c, "after", 0, 1e9, NULL)) ||
        (rc = ld_int(l, c, "seed", 0, 9e15, NULL)))
        return rc;
    if (kind) {
        for (i = 0; kinds[i] && strcmp(kinds[i], kind) != 0; i++)
            ;
        if (kinds[i] == NULL) {
            size_t mark = ld_key(l, "kind");
            char hint[200];
            suggest(kind, kinds, hint, sizeof(hint));
            rc = ld_fail(l, "unknown fault kind '%s'%s", kind, hint);
            ld_pop(l, mark);
            return rc;
        }
    }
    LD_AT(l, c, "headers", ld_string_map(l, at_));
    prob = cJSON_GetObjectItemCaseSensitive(c, "probability");
    if (prob && (!cJSON_IsNumber(prob) || prob->valuedouble < 0 || prob->valuedouble > 1)) {
        size_t mark = ld_key(l, "probability");
        rc = ld_fail(l, "expected a number from 0 to 1");
        ld_pop(l, mark);
    }
    return rc;
}

/* Validates the action value of st. */
static int ld_action(struct ld *l, struct hx_step *st)
{
    static const char *const patch_keys[] = {"service", "state", NULL};
    static const char *const action_keys[] = {"service", "name", "args", "save", NULL};
    static const char *const action_req[] = {"service", "name", NULL};
    static const char *const http_keys[] = {"service", "method", "path", "headers",
                                            "body",    "source", "save", NULL};
    static const char *const http_req[] = {"service", "path", NULL};
    static const char *const file_keys[] = {"path", "content", NULL};
    static const char *const check_keys[] = {"path", "exists", "json", "contains", NULL};
    static const char *const state_keys[] = {"service", "json", "save", NULL};
    static const char *const state_req[] = {"service", "json", NULL};
    static const char *const path_req[] = {"path", NULL};
    static const char *const file_req[] = {"path", "content", NULL};
    const cJSON *c = st->arg, *at;
    const char *s = NULL;
    int rc = 0;

    switch (st->kind) {
    case HX_STEP_ADVANCE:
        return ld_duration_node(l, c, NULL);
    case HX_STEP_SET_CLOCK: {
        int64_t ms;
        return ld_time_node(l, c, &ms);
    }
    case HX_STEP_CLEAR_FAULTS:
    case HX_STEP_CLEAR_JOURNAL:
        return ld_true(l, c);
    case HX_STEP_PATCH:
    case HX_STEP_LOAD:
        rc = ld_object(l, c, patch_keys, patch_keys);
        if (rc || (rc = ld_service_ref(l, c)))
            return rc;
        at = cJSON_GetObjectItemCaseSensitive(c, "state");
        {
            size_t mark = ld_key(l, "state");
            if (st->kind == HX_STEP_PATCH && !cJSON_IsObject(at))
                rc = ld_fail(l, "expected an object (an RFC 7386 merge patch)");
            else if (st->kind == HX_STEP_LOAD)
                rc = ld_state(l, at, &st->state);
            ld_pop(l, mark);
        }
        return rc;
    case HX_STEP_FAULT:
        return ld_fault(l, c);
    case HX_STEP_ACTION:
        rc = ld_object(l, c, action_keys, action_req);
        if (rc || (rc = ld_service_ref(l, c)) || (rc = ld_string(l, c, "name", NULL)))
            return rc;
        LD_AT(l, c, "args", cJSON_IsObject(at_) ? 0 : ld_fail(l, "expected an object"));
        st->save = cJSON_GetObjectItemCaseSensitive(c, "save");
        return 0;
    case HX_STEP_HTTP:
        rc = ld_object(l, c, http_keys, http_req);
        if (rc || (rc = ld_service_ref(l, c)) || (rc = ld_string(l, c, "method", NULL)) ||
            (rc = ld_string(l, c, "path", &s)) || (rc = ld_string(l, c, "source", NULL)))
            return rc;
        if (s[0] != '/' && s[0] != '$') {
            size_t mark = ld_key(l, "path");
            rc = ld_fail(l, "expected a path starting with '/'");
            ld_pop(l, mark);
            return rc;
        }
        LD_AT(l, c, "headers", ld_string_map(l, at_));
        st->save = cJSON_GetObjectItemCaseSensitive(c, "save");
        return 0;
    case HX_STEP_CLIENT:
        return ld_argv(l, c, 0);
    case HX_STEP_RUN:
        return ld_argv(l, c, 0);
    case HX_STEP_JOURNAL:
        return ld_journal(l, c);
    case HX_STEP_FILE:
        rc = ld_object(l, c, file_keys, file_req);
        return rc ? rc : ld_string(l, c, "path", NULL);
    case HX_STEP_CHECK_FILE:
        rc = ld_object(l, c, check_keys, path_req);
        if (rc || (rc = ld_string(l, c, "path", NULL)) || (rc = ld_bool(l, c, "exists", NULL)) ||
            (rc = ld_string(l, c, "contains", NULL)))
            return rc;
        return 0;
    case HX_STEP_CHECK_STATE:
        rc = ld_object(l, c, state_keys, state_req);
        if (rc || (rc = ld_service_ref(l, c)))
            return rc;
        st->save = cJSON_GetObjectItemCaseSensitive(c, "save");
        return 0;
    default:
        return ld_fail(l, "internal: unhandled step kind");
    }
}

static int ld_step(struct ld *l, struct hx_step *st, const cJSON *node)
{
    static const char *const common[] = {"name",     "expect", "timeout", "env", "save_stdout_json",
                                         "faketime", NULL};
    static const char *const no_vars[] = {"service", "save", NULL};
    const cJSON *c, *action = NULL;
    const char *allowed[HX_STEP__COUNT + 8];
    char hint[300];
    int i, n = 0, rc;

    if (!cJSON_IsObject(node))
        return ld_fail(l, "expected an object with one action key (such as \"http\" or \"run\")");
    cJSON_ArrayForEach(c, node)
    {
        for (i = 0; common[i] && strcmp(common[i], c->string) != 0; i++)
            ;
        if (common[i])
            continue;
        for (i = 0; i < HX_STEP__COUNT && strcmp(kind_names[i], c->string) != 0; i++)
            ;
        if (i == HX_STEP__COUNT) {
            for (i = 0; i < HX_STEP__COUNT; i++)
                allowed[n++] = kind_names[i];
            for (i = 0; common[i]; i++)
                allowed[n++] = common[i];
            allowed[n] = NULL;
            suggest(c->string, allowed, hint, sizeof(hint));
            if (strstr(hint, "did you mean") == NULL) {
                size_t off = (size_t)snprintf(hint, sizeof(hint), " (steps are:");
                for (i = 0; i < HX_STEP__COUNT && off < sizeof(hint); i++)
                    off += (size_t)snprintf(hint + off, sizeof(hint) - off, "%s %s", i ? "," : "",
                                            kind_names[i]);
                if (off < sizeof(hint))
                    snprintf(hint + off, sizeof(hint) - off, ")");
            }
            return ld_fail(l, "unknown step or key '%s'%s", c->string, hint);
        }
        if (action)
            return ld_fail(l, "a step has one action, found both '%s' and '%s'", action->string,
                           c->string);
        action = c;
        st->kind = (enum hx_step_kind)i;
    }
    if (action == NULL)
        return ld_fail(l, "a step needs an action key (one of: advance, set_clock, patch, load, "
                          "fault, clear_faults, action, http, client, run, journal, "
                          "clear_journal, file, check_file, check_state)");
    st->node = node;
    st->arg = action;
    rc = ld_string(l, node, "name", &st->name);
    if (rc)
        return rc;
    {
        size_t mark = ld_key(l, action->string);
        rc = ld_action(l, st);
        ld_pop(l, mark);
        if (rc)
            return rc;
    }
    st->timeout_ms = HX_STEP_TIMEOUT_DEFAULT_MS;
    st->faketime = 1;
    c = cJSON_GetObjectItemCaseSensitive(node, "timeout");
    if (c) {
        size_t mark = ld_key(l, "timeout");
        if (st->kind != HX_STEP_HTTP && st->kind != HX_STEP_ACTION && st->kind != HX_STEP_CLIENT &&
            st->kind != HX_STEP_RUN)
            rc = ld_fail(l, "only http, action, client and run steps take a timeout");
        else
            rc = ld_duration_node(l, c, &st->timeout_ms);
        if (rc == 0 && st->timeout_ms <= 0)
            rc = ld_fail(l, "expected a positive duration");
        ld_pop(l, mark);
        if (rc)
            return rc;
    }
    c = cJSON_GetObjectItemCaseSensitive(node, "env");
    if (c) {
        size_t mark = ld_key(l, "env");
        if (st->kind != HX_STEP_CLIENT && st->kind != HX_STEP_RUN)
            rc = ld_fail(l, "only client and run steps take an env");
        else
            rc = ld_string_map(l, c);
        ld_pop(l, mark);
        if (rc)
            return rc;
        st->env = c;
    }
    c = cJSON_GetObjectItemCaseSensitive(node, "faketime");
    if (c) {
        size_t mark = ld_key(l, "faketime");
        if (st->kind != HX_STEP_RUN)
            rc = ld_fail(l, "only run steps take \"faketime\"");
        ld_pop(l, mark);
        if (rc || (rc = ld_bool(l, node, "faketime", &st->faketime)))
            return rc;
    }
    c = cJSON_GetObjectItemCaseSensitive(node, "expect");
    if (c) {
        size_t mark = ld_key(l, "expect");
        rc = ld_expect(l, st, c);
        ld_pop(l, mark);
        if (rc)
            return rc;
        st->expect = c;
    }
    /* Variables: everything the step will expand, before its own saves count. */
    if (st->kind != HX_STEP_ADVANCE && st->kind != HX_STEP_SET_CLOCK) {
        size_t mark = ld_key(l, action->string);
        if (st->kind == HX_STEP_LOAD && st->state)
            rc = ld_vars(l, NULL, NULL); /* state from a file is taken literally */
        else
            rc = ld_vars(l, st->arg, no_vars);
        ld_pop(l, mark);
        if (rc)
            return rc;
    }
    if (st->env) {
        size_t mark = ld_key(l, "env");
        rc = ld_vars(l, st->env, NULL);
        ld_pop(l, mark);
        if (rc)
            return rc;
    }
    if (st->expect) {
        size_t mark = ld_key(l, "expect");
        rc = ld_vars(l, st->expect, NULL);
        ld_pop(l, mark);
        if (rc)
            return rc;
    }
    c = cJSON_GetObjectItemCaseSensitive(node, "save_stdout_json");
    if (c) {
        size_t mark = ld_key(l, "save_stdout_json");
        if (st->kind != HX_STEP_CLIENT && st->kind != HX_STEP_RUN)
            rc = ld_fail(l, "only client and run steps take \"save_stdout_json\"");
        else
            rc = ld_save(l, c);
        ld_pop(l, mark);
        if (rc)
            return rc;
        st->save = c;
    } else if (st->save) {
        size_t mark = ld_key(l, action->string);
        size_t m2 = ld_key(l, "save");
        rc = ld_save(l, st->save);
        ld_pop(l, m2);
        ld_pop(l, mark);
        if (rc)
            return rc;
    }
    return 0;
}

static int ld_services(struct ld *l, const cJSON *svcs)
{
    static const char *const keys[] = {"state", "patch", "tls", NULL};
    const cJSON *c, *d;
    size_t i = 0, mark;
    int rc = 0;

    if (!cJSON_IsObject(svcs) || svcs->child == NULL)
        return ld_fail(l, "expected an object naming at least one service, such as "
                          "{\"demo\": {}}");
    l->sc->services = cm_calloc((size_t)cJSON_GetArraySize(svcs), sizeof(*l->sc->services));
    l->services = cm_calloc((size_t)cJSON_GetArraySize(svcs) + 1, sizeof(*l->services));
    cJSON_ArrayForEach(c, svcs)
    {
        struct hx_service *s = &l->sc->services[i];
        const cJSON *st, *patch;

        for (d = svcs->child; d != c; d = d->next)
            if (strcmp(d->string, c->string) == 0)
                return ld_fail(l, "duplicate service '%s'", c->string);
        mark = ld_key(l, c->string);
        if (!valid_service_name(c->string)) {
            rc = ld_fail(l, "bad service name (lower-case letters, digits and '-', such as "
                            "\"sse-eu\")");
            goto next;
        }
        s->name = cm_strdup(c->string);
        l->services[i] = s->name;
        l->sc->nservices = ++i;
        s->tls = -1;
        if ((rc = ld_object(l, c, keys, NULL)) || (rc = ld_bool(l, c, "tls", &s->tls)))
            goto next;
        st = cJSON_GetObjectItemCaseSensitive(c, "state");
        if (st) {
            size_t m2 = ld_key(l, "state");
            rc = ld_state(l, st, &s->state);
            if (rc == 0 && s->state == NULL)
                s->state = cJSON_Duplicate(st, 1);
            ld_pop(l, m2);
            if (rc)
                goto next;
        }
        patch = cJSON_GetObjectItemCaseSensitive(c, "patch");
        if (patch) {
            size_t m2 = ld_key(l, "patch");
            if (!cJSON_IsObject(patch))
                rc = ld_fail(l, "expected an object (an RFC 7386 merge patch)");
            else
                s->state = cm_json_merge_patch(s->state, patch); /* NULL: onto {} */
            ld_pop(l, m2);
        }
    next:
        ld_pop(l, mark);
        if (rc)
            return rc;
    }
    return 0;
}

static int ld_top(struct ld *l, const cJSON *doc)
{
    static const char *const keys[] = {"$schema", "name",     "summary", "description", "tags",
                                       "skip",    "services", "clock",   "vars",        "env",
                                       "client",  "timeout",  "steps",   NULL};
    static const char *const req[] = {"name", "services", "steps", NULL};
    static const char *const clock_keys[] = {"start", "frozen", NULL};
    static const char *const clock_req[] = {"start", NULL};
    static const char *const client_keys[] = {"source", NULL};
    struct hx_scenario *sc = l->sc;
    const char *s = NULL;
    const cJSON *c, *steps;
    int rc, i;

    rc = ld_object(l, doc, keys, req);
    if (rc || (rc = ld_string(l, doc, "$schema", NULL)) ||
        (rc = ld_string(l, doc, "description", NULL)) || (rc = ld_string(l, doc, "name", &s)))
        return rc;
    if (s == NULL || s[0] == '\0' || s[0] == '/' || s[strlen(s) - 1] == '/' ||
        strpbrk(s, " \t\n")) {
        size_t mark = ld_key(l, "name");
        rc = ld_fail(l, "expected a name such as \"family/what-it-checks\" (no spaces)");
        ld_pop(l, mark);
        return rc;
    }
    sc->name = cm_strdup(s);
    s = "";
    if ((rc = ld_string(l, doc, "summary", &s)))
        return rc;
    sc->summary = cm_strdup(s);
    s = NULL;
    if ((rc = ld_string(l, doc, "skip", &s)))
        return rc;
    sc->skip = cm_strdup(s);
    c = cJSON_GetObjectItemCaseSensitive(doc, "tags");
    if (c) {
        size_t mark = ld_key(l, "tags");
        rc = ld_argv(l, c, 1);
        ld_pop(l, mark);
        if (rc)
            return rc;
        sc->ntags = (size_t)cJSON_GetArraySize(c);
        sc->tags = cm_calloc(sc->ntags + 1, sizeof(*sc->tags));
        for (i = 0; i < (int)sc->ntags; i++)
            sc->tags[i] = cm_strdup(cJSON_GetArrayItem(c, i)->valuestring);
    }
    c = cJSON_GetObjectItemCaseSensitive(doc, "vars");
    if (c) {
        size_t mark = ld_key(l, "vars");
        rc = ld_string_map(l, c);
        ld_pop(l, mark);
        if (rc)
            return rc;
        sc->vars = c;
    }
    {
        size_t mark = ld_key(l, "services");
        rc = ld_services(l, cJSON_GetObjectItemCaseSensitive(doc, "services"));
        ld_pop(l, mark);
        if (rc)
            return rc;
    }
    c = cJSON_GetObjectItemCaseSensitive(doc, "clock");
    if (c) {
        size_t mark = ld_key(l, "clock");
        rc = ld_object(l, c, clock_keys, clock_req);
        if (rc == 0) {
            size_t m2 = ld_key(l, "start");
            rc = ld_time_node(l, cJSON_GetObjectItemCaseSensitive(c, "start"), &sc->clock_start_ms);
            ld_pop(l, m2);
        }
        sc->clock_frozen = 1;
        if (rc == 0)
            rc = ld_bool(l, c, "frozen", &sc->clock_frozen);
        ld_pop(l, mark);
        if (rc)
            return rc;
        sc->has_clock = 1;
    }
    c = cJSON_GetObjectItemCaseSensitive(doc, "client");
    if (c) {
        size_t mark = ld_key(l, "client");
        s = NULL;
        rc = ld_object(l, c, client_keys, NULL);
        if (rc == 0)
            rc = ld_string(l, c, "source", &s);
        ld_pop(l, mark);
        if (rc)
            return rc;
        sc->client_source = cm_strdup(s);
    }
    c = cJSON_GetObjectItemCaseSensitive(doc, "env");
    if (c) {
        size_t mark = ld_key(l, "env");
        rc = ld_string_map(l, c);
        if (rc == 0)
            rc = ld_vars(l, c, NULL);
        ld_pop(l, mark);
        if (rc)
            return rc;
        sc->env = c;
    }
    sc->timeout_ms = HX_TIMEOUT_DEFAULT_MS;
    if ((rc = ld_duration(l, doc, "timeout", &sc->timeout_ms)))
        return rc;
    if (sc->timeout_ms <= 0) {
        size_t mark = ld_key(l, "timeout");
        rc = ld_fail(l, "expected a positive duration");
        ld_pop(l, mark);
        return rc;
    }
    steps = cJSON_GetObjectItemCaseSensitive(doc, "steps");
    {
        size_t mark = ld_key(l, "steps");
        if (!cJSON_IsArray(steps) || cJSON_GetArraySize(steps) == 0) {
            rc = ld_fail(l, "expected a non-empty array of steps");
            ld_pop(l, mark);
            return rc;
        }
        sc->steps = cm_calloc((size_t)cJSON_GetArraySize(steps), sizeof(*sc->steps));
        i = 0;
        cJSON_ArrayForEach(c, steps)
        {
            size_t m2 = ld_index(l, i);
            sc->steps[i].index = i;
            sc->nsteps = (size_t)i + 1;
            rc = ld_step(l, &sc->steps[i], c);
            ld_pop(l, m2);
            if (rc)
                break;
            i++;
        }
        ld_pop(l, mark);
    }
    return rc;
}

static char *family_of(const char *name, const char *dir)
{
    const char *slash = strrchr(name, '/'), *base;

    if (slash)
        return cm_strndup(name, (size_t)(slash - name));
    base = strrchr(dir, '/');
    return cm_strdup(base ? base + 1 : dir);
}

/* Validates doc (taken) as the scenario of file; see hx_scenario_load(). */
static struct hx_scenario *scenario_of(const char *file, cJSON *doc, struct cm_err *err)
{
    struct hx_scenario *sc = cm_calloc(1, sizeof(*sc));
    struct ld l;
    const char *slash;
    int rc;

    memset(&l, 0, sizeof(l));
    l.file = file;
    l.err = err;
    l.sc = sc;
    cm_buf_init(&l.path, 4096);
    cm_buf_puts(&l.path, "");
    sc->file = cm_strdup(file);
    slash = strrchr(file, '/');
    sc->dir = slash ? cm_strndup(file, slash == file ? 1 : (size_t)(slash - file)) : cm_strdup(".");
    sc->doc = doc;
    if (sc->doc == NULL) {
        rc = CM_EPARSE;
        goto out;
    }
    rc = ld_top(&l, sc->doc);
    if (rc == 0)
        sc->family = family_of(sc->name, sc->dir);
out:
    cm_buf_release(&l.path);
    free(l.services);
    free(l.saved);
    if (rc) {
        hx_scenario_free(sc);
        return NULL;
    }
    return sc;
}

struct hx_scenario *hx_scenario_load(const char *file, struct cm_err *err)
{
    return scenario_of(file, cm_json_load_file(file, err), err);
}

struct hx_scenario *hx_scenario_parse(const char *file, const char *text, size_t len,
                                      struct cm_err *err)
{
    return scenario_of(file, cm_json_parse(text, len, file, err), err);
}

int64_t hx_scenario_wait_ms(const struct hx_scenario *sc)
{
    int64_t ms = 0;
    size_t i;

    for (i = 0; i < sc->nsteps; i++) {
        const struct hx_step *st = &sc->steps[i];

        if ((st->kind == HX_STEP_CLIENT || st->kind == HX_STEP_RUN) &&
            hx_expects_timeout(st->expect))
            ms += st->timeout_ms;
    }
    return ms;
}

void hx_scenario_free(struct hx_scenario *sc)
{
    size_t i;

    if (sc == NULL)
        return;
    for (i = 0; i < sc->nservices; i++) {
        free(sc->services[i].name);
        cJSON_Delete(sc->services[i].state);
    }
    for (i = 0; i < sc->nsteps; i++)
        cJSON_Delete(sc->steps[i].state);
    for (i = 0; i < sc->ntags; i++)
        free(sc->tags[i]);
    free(sc->tags);
    free(sc->services);
    free(sc->steps);
    free(sc->file);
    free(sc->dir);
    free(sc->family);
    free(sc->name);
    free(sc->summary);
    free(sc->skip);
    free(sc->client_source);
    cJSON_Delete(sc->doc);
    free(sc);
}

const struct hx_service *hx_scenario_service(const struct hx_scenario *sc, const char *name)
{
    size_t i;

    for (i = 0; i < sc->nservices; i++)
        if (sc->services[i].name && strcmp(sc->services[i].name, name) == 0)
            return &sc->services[i];
    return NULL;
}

int hx_scenario_has_tag(const struct hx_scenario *sc, const char *tag)
{
    size_t i;

    for (i = 0; i < sc->ntags; i++)
        if (strcmp(sc->tags[i], tag) == 0)
            return 1;
    return 0;
}
