/*
 * check.c: the report of a configuration check (client/check.h): adding
 * findings, the exit code, and the text and JSON forms.
 */
#include "client/check.h"

#include "client/client.h"
#include "common/log.h"
#include "common/mem.h"

#include <stdarg.h>
#include <string.h>

void rc_check_add(struct rc_check_report *r, const char *id, enum rc_check_level level, int code,
                  const char *fix, const char *fmt, ...)
{
    struct rc_check_finding *f;
    va_list ap;

    if (r->n >= RC_CHECK_MAX)
        return;
    f = &r->f[r->n++];
    f->id = id;
    f->level = level;
    f->code = level == RC_CHECK_OK ? 0 : code;
    va_start(ap, fmt);
    vsnprintf(f->what, sizeof(f->what), fmt, ap);
    va_end(ap);
    cm_strlcpy(f->fix, level == RC_CHECK_OK || fix == NULL ? "" : fix, sizeof(f->fix));
}

const char *rc_check_level_name(enum rc_check_level l)
{
    return l == RC_CHECK_OK ? "OK" : l == RC_CHECK_WARN ? "WARN" : "FAIL";
}

const struct rc_check_finding *rc_check_find(const struct rc_check_report *r, const char *id)
{
    int i;

    for (i = 0; i < r->n; i++)
        if (strcmp(r->f[i].id, id) == 0)
            return &r->f[i];
    return NULL;
}

int rc_check_exit(const struct rc_check_report *r, int strict)
{
    int i;

    for (i = 0; i < r->n; i++)
        if (r->f[i].level == RC_CHECK_FAIL || (strict && r->f[i].level == RC_CHECK_WARN))
            return r->f[i].code ? r->f[i].code : RC_EXIT_REMOTE;
    return 0;
}

static void counts(const struct rc_check_report *r, int n[3])
{
    int i;

    n[0] = n[1] = n[2] = 0;
    for (i = 0; i < r->n; i++)
        n[r->f[i].level]++;
}

void rc_check_print(FILE *out, const struct rc_check_report *r, int exit_code)
{
    int i, n[3];

    for (i = 0; i < r->n; i++) {
        const struct rc_check_finding *f = &r->f[i];

        fprintf(out, "%-4s  %-24s  %s", rc_check_level_name(f->level), f->id, f->what);
        if (f->fix[0])
            fprintf(out, "; fix: %s", f->fix);
        fputc('\n', out);
    }
    counts(r, n);
    fprintf(out, "%d OK, %d WARN, %d FAIL: exit %d\n", n[0], n[1], n[2], exit_code);
    fflush(out);
}

cJSON *rc_check_json(const struct rc_check_report *r, int exit_code)
{
    cJSON *doc = cJSON_CreateObject(), *c, *arr;
    int i, n[3];

    counts(r, n);
    cJSON_AddBoolToObject(doc, "ok", exit_code == 0);
    cJSON_AddNumberToObject(doc, "exit", exit_code);
    c = cJSON_AddObjectToObject(doc, "counts");
    cJSON_AddNumberToObject(c, "ok", n[0]);
    cJSON_AddNumberToObject(c, "warn", n[1]);
    cJSON_AddNumberToObject(c, "fail", n[2]);
    arr = cJSON_AddArrayToObject(doc, "findings");
    for (i = 0; i < r->n; i++) {
        cJSON *o = cJSON_CreateObject();

        cJSON_AddStringToObject(o, "id", r->f[i].id);
        cJSON_AddStringToObject(o, "status", rc_check_level_name(r->f[i].level));
        cJSON_AddStringToObject(o, "what", r->f[i].what);
        if (r->f[i].fix[0])
            cJSON_AddStringToObject(o, "fix", r->f[i].fix);
        cJSON_AddItemToArray(arr, o);
    }
    return doc;
}

int rc_check_finish(struct rc_ctx *ctx, const struct rc_check_report *r)
{
    struct cm_err err = {{0}};
    int json = 0, strict = 0, code;
    cJSON *doc;

    rc_config_bool(&ctx->cfg, "check.json", &json, &err);
    rc_config_bool(&ctx->cfg, "check.strict", &strict, &err);
    code = rc_check_exit(r, strict);
    if (json) {
        doc = rc_check_json(r, code);
        if (rc_output_json(&ctx->out, doc, &err) != 0)
            cm_error("%s", err.msg);
        cJSON_Delete(doc);
    } else {
        rc_check_print(stdout, r, code);
    }
    return code;
}
