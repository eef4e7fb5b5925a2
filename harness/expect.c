/*
 * expect.c: the expectation rules. Messages quote what was expected first,
 * then what came, cut to a readable excerpt.
 */
#include "harness/expect.h"

#include "common/json.h"
#include "common/mem.h"
#include "harness/jsonx.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EXCERPT 300

/* Does text (len bytes, may hold NULs) contain needle? */
static int contains(const char *text, size_t len, const char *needle)
{
    size_t n = strlen(needle), i;

    if (n == 0)
        return 1;
    for (i = 0; i + n <= len; i++)
        if (text[i] == needle[0] && memcmp(text + i, needle, n) == 0)
            return 1;
    return 0;
}

/* *_contains / *_not_contains: a string or an array of strings. */
static int check_contains(const cJSON *want, const char *stream, const char *text, size_t len,
                          int negate, struct cm_err *err)
{
    const cJSON *one;

    if (want == NULL)
        return 0;
    for (one = cJSON_IsArray(want) ? want->child : want; one;
         one = cJSON_IsArray(want) ? one->next : NULL) {
        if (!cJSON_IsString(one))
            continue;
        if (contains(text, len, one->valuestring) == !negate)
            continue;
        {
            char *ex = hx_text_excerpt(text, len, EXCERPT);
            cm_fail(err, CM_EINVAL, "expected %s %sto contain \"%s\"; %s was: \"%s\"", stream,
                    negate ? "not " : "", one->valuestring, stream, ex);
            free(ex);
        }
        return CM_EINVAL;
    }
    return 0;
}

static int check_regex(const cJSON *want, const char *stream, const char *text, size_t len,
                       struct cm_err *err)
{
    regex_t re;
    char msg[200], *copy;
    int rc;

    if (!cJSON_IsString(want))
        return 0;
    rc = regcomp(&re, want->valuestring, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
    if (rc) {
        regerror(rc, &re, msg, sizeof(msg));
        return cm_fail(err, CM_EINVAL, "%s_regex /%s/: invalid regular expression: %s", stream,
                       want->valuestring, msg);
    }
    copy = cm_strndup(text, len); /* regexec needs a terminated string */
    rc = regexec(&re, copy, 0, NULL, 0);
    regfree(&re);
    if (rc != 0) {
        char *ex = hx_text_excerpt(text, len, EXCERPT);
        cm_fail(err, CM_EINVAL, "expected %s to match /%s/; %s was: \"%s\"", stream,
                want->valuestring, stream, ex);
        free(ex);
        free(copy);
        return CM_EINVAL;
    }
    free(copy);
    return 0;
}

int hx_expects_timeout(const cJSON *expect)
{
    const cJSON *exit_want = cJSON_GetObjectItemCaseSensitive(expect, "exit");

    return cJSON_IsString(exit_want) && strcmp(exit_want->valuestring, "timeout") == 0;
}

int hx_expect_process(const cJSON *expect, const struct cm_spawn_result *r, struct cm_err *err)
{
    const cJSON *exit_want = cJSON_GetObjectItemCaseSensitive(expect, "exit");
    const cJSON *sj;
    const char *out = cm_buf_str(&r->out), *errs = cm_buf_str(&r->err);
    char how[200];
    int rc, want_timeout = hx_expects_timeout(expect);

    cm_spawn_describe(r, how, sizeof(how));
    if (want_timeout) {
        if (!r->timed_out)
            return cm_fail(err, CM_EINVAL,
                           "expected the command to be stopped by its time-out, "
                           "but it ended by itself: %s",
                           how);
    } else if (r->timed_out) {
        return cm_fail(err, CM_ETIMEDOUT, "the command %s", how);
    }
    if (want_timeout) {
        /* checked above */
    } else if (cJSON_IsString(exit_want) && strcmp(exit_want->valuestring, "any") == 0) {
        if (!r->exited)
            return cm_fail(err, CM_EINVAL, "expected the command to exit, but it was %s", how);
    } else if (cJSON_IsString(exit_want) && strcmp(exit_want->valuestring, "nonzero") == 0) {
        if (!r->exited || r->exit_code == 0)
            return cm_fail(err, CM_EINVAL, "expected a non-zero exit, got %s", how);
    } else {
        int want = cJSON_IsNumber(exit_want) ? exit_want->valueint : 0;
        if (!r->exited || r->exit_code != want)
            return cm_fail(err, CM_EINVAL, "expected exit %d, got %s", want, how);
    }
    if (expect == NULL)
        return 0;
    if ((rc = check_contains(cJSON_GetObjectItemCaseSensitive(expect, "stdout_contains"), "stdout",
                             out, r->out.len, 0, err)) ||
        (rc = check_contains(cJSON_GetObjectItemCaseSensitive(expect, "stderr_contains"), "stderr",
                             errs, r->err.len, 0, err)) ||
        (rc = check_contains(cJSON_GetObjectItemCaseSensitive(expect, "stdout_not_contains"),
                             "stdout", out, r->out.len, 1, err)) ||
        (rc = check_contains(cJSON_GetObjectItemCaseSensitive(expect, "stderr_not_contains"),
                             "stderr", errs, r->err.len, 1, err)) ||
        (rc = check_regex(cJSON_GetObjectItemCaseSensitive(expect, "stdout_regex"), "stdout", out,
                          r->out.len, err)) ||
        (rc = check_regex(cJSON_GetObjectItemCaseSensitive(expect, "stderr_regex"), "stderr", errs,
                          r->err.len, err)))
        return rc;
    sj = cJSON_GetObjectItemCaseSensitive(expect, "stdout_json");
    if (sj) {
        struct cm_err perr;
        cJSON *doc = cm_json_parse(out, r->out.len, "stdout", &perr);
        char where[sizeof(err->msg)];
        if (doc == NULL) {
            char *ex = hx_text_excerpt(out, r->out.len, EXCERPT);
            cm_fail(err, CM_EINVAL, "stdout_json: %s; stdout was: \"%s\"", perr.msg, ex);
            free(ex);
            return CM_EINVAL;
        }
        if (hx_json_mismatch(sj, doc, where, sizeof(where))) {
            cm_fail(err, CM_EINVAL, "stdout_json: %s", where);
            cJSON_Delete(doc);
            return CM_EINVAL;
        }
        cJSON_Delete(doc);
    }
    return 0;
}

int hx_expect_jsonl(const cJSON *spec, const char *text, size_t len, const char *what,
                    struct cm_err *err)
{
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(spec, "count");
    const cJSON *cont = cJSON_GetObjectItemCaseSensitive(spec, "contains");
    const cJSON *each = cJSON_GetObjectItemCaseSensitive(spec, "each");
    const cJSON *want, *rec;
    cJSON *records = cJSON_CreateArray();
    size_t pos = 0, line = 0;
    char why[sizeof(err->msg)];
    int rc = 0, i;

    while (pos < len) {
        const char *start = text + pos, *nl = memchr(start, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - start) : len - pos, k;
        struct cm_err perr;
        char *label;
        cJSON *doc;

        pos += n + (nl ? 1 : 0);
        line++;
        for (k = 0; k < n && (start[k] == ' ' || start[k] == '\t' || start[k] == '\r'); k++)
            ;
        if (k == n)
            continue;
        label = cm_asprintf("%s line %zu", what, line);
        doc = cm_json_parse(start, n, label, &perr);
        free(label);
        if (doc == NULL) {
            rc = cm_fail(err, CM_EINVAL, "jsonl: %s", perr.msg);
            goto out;
        }
        cJSON_AddItemToArray(records, doc);
    }
    if (cJSON_IsNumber(count) && cJSON_GetArraySize(records) != count->valueint) {
        rc = cm_fail(err, CM_EINVAL, "jsonl: expected %d records in %s, found %d", count->valueint,
                     what, cJSON_GetArraySize(records));
        goto out;
    }
    i = 0;
    cJSON_ArrayForEach(want, cont)
    {
        int found = 0;
        cJSON_ArrayForEach(rec, records) if (cm_json_subset(want, rec))
        {
            found = 1;
            break;
        }
        if (!found) {
            char *ex = hx_json_excerpt(want, 200);
            rc = cm_fail(err, CM_EINVAL, "jsonl: no record of %s matches contains[%d] %s", what, i,
                         ex);
            free(ex);
            goto out;
        }
        i++;
    }
    if (each) {
        i = 0;
        cJSON_ArrayForEach(rec, records)
        {
            i++;
            if (hx_json_mismatch(each, rec, why, sizeof(why))) {
                rc = cm_fail(err, CM_EINVAL, "jsonl: record %d of %s does not match \"each\": %s",
                             i, what, why);
                goto out;
            }
        }
    }
out:
    cJSON_Delete(records);
    return rc;
}

int hx_expect_http(const cJSON *expect, long status, const char *body, size_t body_len,
                   const char *headers, struct cm_err *err)
{
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(expect, "status");
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(expect, "json");
    const cJSON *hd = cJSON_GetObjectItemCaseSensitive(expect, "headers"), *h;
    char why[sizeof(err->msg)];
    int rc;

    if (cJSON_IsNumber(st) ? status != st->valueint : (status < 200 || status > 299)) {
        char *ex = hx_text_excerpt(body, body_len, EXCERPT);
        if (cJSON_IsNumber(st))
            cm_fail(err, CM_EINVAL, "expected status %d, got %ld; body: \"%s\"", st->valueint,
                    status, ex);
        else
            cm_fail(err, CM_EINVAL, "expected a 2xx status, got %ld; body: \"%s\"", status, ex);
        free(ex);
        return CM_EINVAL;
    }
    if ((rc = check_contains(cJSON_GetObjectItemCaseSensitive(expect, "body_contains"), "body",
                             body, body_len, 0, err)) ||
        (rc = check_contains(cJSON_GetObjectItemCaseSensitive(expect, "body_not_contains"), "body",
                             body, body_len, 1, err)))
        return rc;
    cJSON_ArrayForEach(h, hd)
    {
        const char *p = headers;
        size_t nlen = strlen(h->string);
        int found = 0;
        char got[512] = "";

        while (p && *p) {
            const char *eol = strstr(p, "\r\n");
            size_t llen = eol ? (size_t)(eol - p) : strlen(p);
            if (llen > nlen && p[nlen] == ':' && strncasecmp(p, h->string, nlen) == 0) {
                const char *v = p + nlen + 1;
                size_t vlen;
                while (*v == ' ' || *v == '\t')
                    v++;
                vlen = (size_t)(p + llen - v);
                while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                    vlen--;
                snprintf(got, sizeof(got), "%.*s", (int)vlen, v);
                found = 1;
                if (strcmp(got, h->valuestring) == 0)
                    break;
            }
            p = eol ? eol + 2 : NULL;
        }
        if (!found)
            return cm_fail(err, CM_EINVAL, "expected header %s: %s, but the answer has no %s",
                           h->string, h->valuestring, h->string);
        if (strcmp(got, h->valuestring) != 0)
            return cm_fail(err, CM_EINVAL, "expected header %s: %s, got %s: %s", h->string,
                           h->valuestring, h->string, got);
    }
    if (js) {
        struct cm_err perr;
        cJSON *doc = cm_json_parse(body, body_len, "body", &perr);
        if (doc == NULL) {
            char *ex = hx_text_excerpt(body, body_len, EXCERPT);
            cm_fail(err, CM_EINVAL, "json: the body is not JSON (%s): \"%s\"", perr.msg, ex);
            free(ex);
            return CM_EINVAL;
        }
        rc = hx_json_mismatch(js, doc, why, sizeof(why));
        cJSON_Delete(doc);
        if (rc)
            return cm_fail(err, CM_EINVAL, "json: %s", why);
    }
    return 0;
}

int hx_expect_admin(const cJSON *expect, long status, const cJSON *answer, struct cm_err *err)
{
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(expect, "status");
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(expect, "json");
    char why[sizeof(err->msg)];

    if (cJSON_IsNumber(st) ? status != st->valueint : (status < 200 || status > 299)) {
        char *ex = hx_json_excerpt(answer, EXCERPT);
        if (cJSON_IsNumber(st))
            cm_fail(err, CM_EINVAL, "expected status %d, got %ld: %s", st->valueint, status, ex);
        else
            cm_fail(err, CM_EINVAL, "the admin API answered %ld: %s", status, ex);
        free(ex);
        return CM_EINVAL;
    }
    if (js && hx_json_mismatch(js, answer, why, sizeof(why)))
        return cm_fail(err, CM_EINVAL, "json: %s", why);
    return 0;
}

static int path_match(const char *pattern, const char *path)
{
    size_t n = strlen(pattern);

    if (n && pattern[n - 1] == '*')
        return strncmp(pattern, path, n - 1) == 0;
    return strcmp(pattern, path) == 0;
}

/* Matches entry against the fields of a, then of b (b may be NULL); a later
 * source overrides nothing, both must hold. */
int hx_journal_match(const cJSON *pattern, const cJSON *entry)
{
    const char *s;
    const cJSON *st;

    if ((s = cm_json_str(pattern, "service", NULL)) &&
        strcmp(s, cm_json_str(entry, "service", "")) != 0)
        return 0;
    if ((s = cm_json_str(pattern, "method", NULL)) &&
        strcasecmp(s, cm_json_str(entry, "method", "")) != 0)
        return 0;
    if ((s = cm_json_str(pattern, "path", NULL)) && !path_match(s, cm_json_str(entry, "path", "")))
        return 0;
    if ((s = cm_json_str(pattern, "verdict", NULL)) &&
        strcmp(s, cm_json_str(entry, "verdict", "")) != 0)
        return 0;
    st = cJSON_GetObjectItemCaseSensitive(pattern, "status");
    if (cJSON_IsNumber(st) && (int)cm_json_num(entry, "status", -1) != st->valueint)
        return 0;
    return 1;
}

void hx_journal_format(const cJSON *e, char *out, size_t size)
{
    const char *q = cm_json_str(e, "query", "");

    snprintf(out, size, "#%.0f %s %s%s%s -> %.0f %s (%s)", cm_json_num(e, "seq", 0),
             cm_json_str(e, "method", "?"), cm_json_str(e, "path", "?"), *q ? "?" : "", q,
             cm_json_num(e, "status", 0), cm_json_str(e, "verdict", "?"),
             cm_json_str(e, "service", "?"));
}

/* "GET /items verdict=ok status=200 service=demo" for messages. */
static void describe_pattern(const cJSON *p, char *out, size_t size)
{
    size_t off = 0;
    const char *keys[] = {"method", "path", "verdict", "service"};
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(p, "status");
    size_t i;

    out[0] = '\0';
    for (i = 0; i < 4 && off < size; i++) {
        const char *v = cm_json_str(p, keys[i], NULL);
        if (v)
            off += (size_t)snprintf(out + off, size - off, "%s%s=%s", off ? " " : "", keys[i], v);
    }
    if (cJSON_IsNumber(st) && off < size)
        off += (size_t)snprintf(out + off, size - off, "%sstatus=%d", off ? " " : "", st->valueint);
    if (off == 0)
        snprintf(out, size, "any request");
}

/* pattern merged with the step's filter (the step's fields fill what pattern leaves out). */
static cJSON *merged(const cJSON *filter, const cJSON *pattern)
{
    static const char *const keys[] = {"service", "method", "path", "status", "verdict"};
    cJSON *m = cJSON_CreateObject();
    size_t i;

    for (i = 0; i < 5; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(pattern, keys[i]);
        if (v == NULL)
            v = cJSON_GetObjectItemCaseSensitive(filter, keys[i]);
        if (v)
            cJSON_AddItemToObject(m, keys[i], cJSON_Duplicate(v, 1));
    }
    return m;
}

int hx_expect_journal(const cJSON *spec, const cJSON *entries, long dropped, struct cm_err *err)
{
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(spec, "count");
    const cJSON *order = cJSON_GetObjectItemCaseSensitive(spec, "order");
    const cJSON *e, *p;
    const char *svc = cm_json_str(spec, "service", NULL);
    char desc[300], line[300], note[120] = "";
    int n = 0, rc = 0;

    if (dropped > 0)
        snprintf(note, sizeof(note), " (%ld older entries fell off the journal ring)", dropped);
    describe_pattern(spec, desc, sizeof(desc));
    cJSON_ArrayForEach(e, entries) if (hx_journal_match(spec, e)) n++;
    if (cJSON_IsNumber(count) && n != count->valueint)
        return cm_fail(err, CM_EINVAL, "journal: expected %d request%s matching %s, found %d%s",
                       count->valueint, count->valueint == 1 ? "" : "s", desc, n, note);
    if (!count && !order && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(spec, "only")) && n == 0)
        return cm_fail(err, CM_EINVAL, "journal: expected a request matching %s, found none%s",
                       desc, note);
    if (order) {
        int idx = 0;
        e = entries ? entries->child : NULL;
        cJSON_ArrayForEach(p, order)
        {
            cJSON *m = merged(spec, p);
            while (e && !hx_journal_match(m, e))
                e = e->next;
            if (e == NULL) {
                describe_pattern(m, desc, sizeof(desc));
                cJSON_Delete(m);
                return cm_fail(err, CM_EINVAL,
                               "journal: order[%d] (%s) did not arrive after order[%d]%s", idx,
                               desc, idx ? idx - 1 : 0, note);
            }
            cJSON_Delete(m);
            e = e->next;
            idx++;
        }
    }
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(spec, "only"))) {
        cJSON_ArrayForEach(e, entries)
        {
            int ok = 0;
            if (svc && strcmp(svc, cm_json_str(e, "service", "")) != 0)
                continue;
            if (order) {
                cJSON_ArrayForEach(p, order)
                {
                    cJSON *m = merged(spec, p);
                    ok = hx_journal_match(m, e);
                    cJSON_Delete(m);
                    if (ok)
                        break;
                }
            } else {
                ok = hx_journal_match(spec, e);
            }
            if (!ok) {
                hx_journal_format(e, line, sizeof(line));
                rc =
                    cm_fail(err, CM_EINVAL, "journal: unexpected request %s (\"only\" allows %s%s)",
                            line, order ? "the patterns in \"order\"" : desc, "");
                break;
            }
        }
    }
    return rc;
}
