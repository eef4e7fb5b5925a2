/*
 * config.c: argv parsing against option tables, the config file, and the
 * typed getters.
 *
 * Every getter goes through find(), which applies the precedence once and
 * records where the value came from (a flag, a variable, "FILE: key" or the
 * default), so that every conversion error can name its source.
 */
#include "client/config.h"

#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void rc_config_init(struct rc_config *c)
{
    memset(c, 0, sizeof(*c));
}

void rc_config_release(struct rc_config *c)
{
    size_t i;

    for (i = 0; i < c->n_flags; i++)
        free(c->flags[i].value);
    free(c->flags);
    free(c->args);
    cJSON_Delete(c->file);
    free(c->file_name);
    rc_config_init(c);
}

static const struct rc_opt *opt_by_key(const struct rc_config *c, const char *key)
{
    const struct rc_opt *const *t;
    const struct rc_opt *o;

    for (t = c->tables; t && *t; t++)
        for (o = *t; o->key; o++)
            if (strcmp(o->key, key) == 0)
                return o;
    return NULL;
}

static const struct rc_opt *opt_by_flag(const struct rc_opt *const *tables, const char *a,
                                        size_t len)
{
    const struct rc_opt *const *t;
    const struct rc_opt *o;

    for (t = tables; t && *t; t++) {
        for (o = *t; o->key; o++) {
            if (o->flag && strlen(o->flag) == len && strncmp(o->flag, a, len) == 0)
                return o;
            if (o->alias && strlen(o->alias) == len && strncmp(o->alias, a, len) == 0)
                return o;
        }
    }
    return NULL;
}

int rc_config_parse(struct rc_config *c, const struct rc_opt *const *tables, int argc, char **argv,
                    struct cm_err *err)
{
    const char *path = NULL;
    int i, done = 0, rc;

    c->tables = tables;
    c->flags = cm_calloc((size_t)argc + 1, sizeof(*c->flags));
    c->args = cm_calloc((size_t)argc + 1, sizeof(*c->args));
    for (i = 0; i < argc; i++) {
        const char *a = argv[i], *eq, *value;
        const struct rc_opt *o;
        size_t len;

        if (done || a[0] != '-' || a[1] == '\0') {
            c->args[c->n_args++] = argv[i];
            continue;
        }
        if (strcmp(a, "--") == 0) {
            done = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            c->help = 1;
            continue;
        }
        eq = a[1] == '-' ? strchr(a, '=') : NULL;
        len = eq ? (size_t)(eq - a) : strlen(a);
        o = opt_by_flag(tables, a, len);
        if (o == NULL)
            return cm_fail(err, CM_EINVAL, "unknown option '%.*s' (see --help)", (int)len, a);
        if (eq)
            value = eq + 1;
        else if (o->type == RC_OPT_BOOL)
            value = "true";
        else if (i + 1 < argc)
            value = argv[++i];
        else
            return cm_fail(err, CM_EINVAL, "%s: expected %s after it", a,
                           o->metavar ? o->metavar : "a value");
        c->flags[c->n_flags].opt = o;
        c->flags[c->n_flags++].value = cm_strdup(value);
    }
    if (c->help) /* help needs no configuration, even a broken one */
        return 0;
    rc = rc_config_string(c, "config", &path, err);
    if (rc == CM_ENOENT)
        return 0;
    if (rc)
        return rc;
    c->file = cm_json_load_file(path, err);
    if (c->file == NULL)
        return CM_EINVAL;
    c->file_name = cm_strdup(path);
    if (!cJSON_IsObject(c->file))
        return cm_fail(err, CM_EINVAL, "%s: expected a JSON object of options", path);
    return 0;
}

/* The value found for a key, and where it came from. */
struct found {
    const char *text;  /* from a flag, the environment or the default */
    const cJSON *node; /* from the file */
    char src[192];
};

static const cJSON *file_get(const cJSON *root, const char *key)
{
    char seg[128];
    const cJSON *node = root;

    while (node && *key) {
        size_t n = strcspn(key, ".");
        if (n >= sizeof(seg))
            return NULL;
        memcpy(seg, key, n);
        seg[n] = '\0';
        node = cJSON_GetObjectItemCaseSensitive(node, seg);
        key += n;
        if (*key == '.')
            key++;
    }
    return node;
}

/* Applies the precedence. 0 when found, CM_ENOENT otherwise. */
static int find(const struct rc_config *c, const char *key, struct found *f)
{
    const struct rc_opt *o = opt_by_key(c, key);
    const char *env;
    size_t i;

    f->text = NULL;
    f->node = NULL;
    for (i = c->n_flags; o && i > 0; i--) {
        if (c->flags[i - 1].opt == o) {
            f->text = c->flags[i - 1].value;
            snprintf(f->src, sizeof(f->src), "%s", o->flag ? o->flag : o->alias);
            return 0;
        }
    }
    env = o && o->env ? getenv(o->env) : NULL;
    if (env && *env) {
        f->text = env;
        snprintf(f->src, sizeof(f->src), "%s", o->env);
        return 0;
    }
    f->node = c->file ? file_get(c->file, key) : NULL;
    if (f->node) {
        snprintf(f->src, sizeof(f->src), "%s: %s", c->file_name, key);
        return 0;
    }
    if (o && o->dflt) {
        f->text = o->dflt;
        snprintf(f->src, sizeof(f->src), "the default of %s", key);
        return 0;
    }
    return CM_ENOENT;
}

const char *rc_config_where(const struct rc_config *c, const char *key, char *buf, size_t size)
{
    struct found f;

    snprintf(buf, size, "%s", find(c, key, &f) == 0 ? f.src : key);
    return buf;
}

int rc_config_string(const struct rc_config *c, const char *key, const char **out,
                     struct cm_err *err)
{
    struct found f;

    if (find(c, key, &f))
        return CM_ENOENT;
    if (f.node && !cJSON_IsString(f.node))
        return cm_fail(err, CM_EINVAL, "%s: expected a string", f.src);
    *out = f.node ? f.node->valuestring : f.text;
    return 0;
}

static int fail_int(struct cm_err *err, const struct found *f, long long min, long long max)
{
    char want[96];

    if (min == 1 && max == LLONG_MAX)
        snprintf(want, sizeof(want), "a positive integer");
    else if (min == 0 && max == LLONG_MAX)
        snprintf(want, sizeof(want), "a non-negative integer");
    else
        snprintf(want, sizeof(want), "an integer from %lld to %lld", min, max);
    if (f->text)
        return cm_fail(err, CM_EINVAL, "%s: expected %s, got '%s'", f->src, want, f->text);
    return cm_fail(err, CM_EINVAL, "%s: expected %s", f->src, want);
}

int rc_config_int(const struct rc_config *c, const char *key, long long min, long long max,
                  long long *out, struct cm_err *err)
{
    struct found f;
    long long v;
    char *end;

    if (find(c, key, &f))
        return CM_ENOENT;
    if (f.node) {
        double d = f.node->valuedouble;

        if (!cJSON_IsNumber(f.node) || d != floor(d) || d < (double)min || d > (double)max)
            return fail_int(err, &f, min, max);
        *out = (long long)d;
        return 0;
    }
    errno = 0;
    v = strtoll(f.text, &end, 10);
    if (errno || end == f.text || *end != '\0' || v < min || v > max)
        return fail_int(err, &f, min, max);
    *out = v;
    return 0;
}

int rc_config_bool(const struct rc_config *c, const char *key, int *out, struct cm_err *err)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    struct found f;
    size_t i;

    if (find(c, key, &f))
        return CM_ENOENT;
    if (f.node) {
        if (!cJSON_IsBool(f.node))
            return cm_fail(err, CM_EINVAL, "%s: expected true or false", f.src);
        *out = cJSON_IsTrue(f.node);
        return 0;
    }
    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcasecmp(f.text, yes[i]) == 0 || strcasecmp(f.text, no[i]) == 0) {
            *out = strcasecmp(f.text, yes[i]) == 0;
            return 0;
        }
    }
    return cm_fail(err, CM_EINVAL, "%s: expected true or false (1/0, yes/no, on/off), got '%s'",
                   f.src, f.text);
}

int rc_config_duration(const struct rc_config *c, const char *key, int64_t *ms, struct cm_err *err)
{
    struct found f;
    const char *text;

    if (find(c, key, &f))
        return CM_ENOENT;
    text = f.text;
    if (f.node && cJSON_IsNumber(f.node)) {
        double d = f.node->valuedouble;

        if (d != floor(d) || d < 0 || d > 9.2e15)
            return cm_fail(err, CM_EINVAL,
                           "%s: expected a duration such as \"30s\" or a whole number of ms",
                           f.src);
        *ms = (int64_t)d;
        return 0;
    }
    if (f.node)
        text = cJSON_IsString(f.node) ? f.node->valuestring : NULL;
    if (text == NULL || cm_duration_parse(text, ms) != 0) {
        if (text)
            return cm_fail(err, CM_EINVAL,
                           "%s: expected a duration such as 250ms, 30s or 1h30m, got '%s'", f.src,
                           text);
        return cm_fail(err, CM_EINVAL,
                       "%s: expected a duration such as \"30s\" or a whole number of ms", f.src);
    }
    return 0;
}

int rc_config_list(const struct rc_config *c, const char *key, const char ***out, size_t *n,
                   struct cm_err *err)
{
    const struct rc_opt *o = opt_by_key(c, key);
    const cJSON *node, *it;
    size_t i, k = 0;

    *out = NULL;
    *n = 0;
    for (i = 0; o && i < c->n_flags; i++)
        if (c->flags[i].opt == o)
            k++;
    if (k > 0) {
        *out = cm_calloc(k, sizeof(**out));
        for (i = 0; i < c->n_flags; i++)
            if (c->flags[i].opt == o)
                (*out)[(*n)++] = c->flags[i].value;
        return 0;
    }
    node = c->file ? file_get(c->file, key) : NULL;
    if (node == NULL)
        return CM_ENOENT;
    if (!cJSON_IsArray(node))
        return cm_fail(err, CM_EINVAL, "%s: %s: expected an array of strings", c->file_name, key);
    cJSON_ArrayForEach(it, node)
    {
        if (!cJSON_IsString(it))
            return cm_fail(err, CM_EINVAL, "%s: %s[%zu]: expected a string", c->file_name, key, k);
        k++;
    }
    if (k == 0)
        return 0;
    *out = cm_calloc(k, sizeof(**out));
    cJSON_ArrayForEach(it, node)
    {
        (*out)[(*n)++] = it->valuestring;
    }
    return 0;
}

void rc_config_usage(FILE *out, const struct rc_opt *table)
{
    const struct rc_opt *o;
    char left[64];

    for (o = table; o->key; o++) {
        if (o->flag == NULL && o->alias == NULL) {
            snprintf(left, sizeof(left), "%s", o->env ? o->env : o->key);
            fprintf(out, "  %-28s %s", left, o->help);
        } else {
            snprintf(left, sizeof(left), "%s%s%s%s%s", o->alias ? o->alias : "",
                     o->alias && o->flag ? ", " : "", o->flag ? o->flag : "", o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
            fprintf(out, "  %s%-*s %s", o->alias ? "" : "    ", o->alias ? 28 : 24, left, o->help);
            if (o->env)
                fprintf(out, " [%s]", o->env);
        }
        if (o->dflt && o->type != RC_OPT_BOOL)
            fprintf(out, " (default %s)", o->dflt);
        fputc('\n', out);
    }
}
