/*
 * report.c: terminal lines, JUnit XML and the JSON report.
 */
#include "harness/report.h"

#include "common/fsutil.h"
#include "common/mem.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GREEN  "\033[32m"
#define RED    "\033[31m"
#define YELLOW "\033[33m"
#define DIM    "\033[2m"
#define RESET  "\033[0m"

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
    size_t n, i;
    unsigned cp;

    if (p[0] < 0x80)
        return 1;
    if ((p[0] & 0xe0) == 0xc0) {
        n = 2;
        cp = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3;
        cp = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        n = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
        return 0;
    return n;
}

void hx_xml_escape(struct cm_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (p && *p) {
        size_t n;
        switch (*p) {
        case '&':
            cm_buf_puts(b, "&amp;");
            p++;
            continue;
        case '<':
            cm_buf_puts(b, "&lt;");
            p++;
            continue;
        case '>':
            cm_buf_puts(b, "&gt;");
            p++;
            continue;
        case '"':
            cm_buf_puts(b, "&quot;");
            p++;
            continue;
        case '\'':
            cm_buf_puts(b, "&apos;");
            p++;
            continue;
        case '\n':
        case '\t':
            cm_buf_putc(b, (char)*p++);
            continue;
        case '\r':
            cm_buf_puts(b, "&#13;");
            p++;
            continue;
        default:
            break;
        }
        if (*p < 0x20 || *p == 0x7f) {
            cm_buf_puts(b, "\xef\xbf\xbd"); /* U+FFFD: not representable in XML 1.0 */
            p++;
            continue;
        }
        n = utf8_len(p);
        if (n == 0) {
            cm_buf_puts(b, "\xef\xbf\xbd");
            p++;
            continue;
        }
        cm_buf_append(b, p, n);
        p += n;
    }
}

/* A copy of s with invalid UTF-8 replaced (for JSON output). Caller frees. */
static char *utf8_clean(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    struct cm_buf b;

    cm_buf_init(&b, 0);
    cm_buf_puts(&b, "");
    while (p && *p) {
        size_t n = utf8_len(p);
        if (n == 0) {
            cm_buf_puts(&b, "\xef\xbf\xbd");
            p++;
        } else {
            cm_buf_append(&b, p, n);
            p += n;
        }
    }
    return cm_buf_steal(&b, NULL);
}

void hx_count(const struct hx_item *items, size_t n, struct hx_counts *c)
{
    size_t i;

    memset(c, 0, sizeof(*c));
    for (i = 0; i < n; i++) {
        if (items[i].res.status == HX_PASS)
            c->passed++;
        else if (items[i].res.status == HX_FAIL)
            c->failed++;
        else
            c->skipped++;
    }
}

void hx_summary_text(const struct hx_counts *c, char *out, size_t size)
{
    if (c->skipped)
        snprintf(out, size, "%zu passed, %zu failed, %zu skipped", c->passed, c->failed,
                 c->skipped);
    else
        snprintf(out, size, "%zu passed, %zu failed", c->passed, c->failed);
}

static void indent(FILE *out, const char *text, const char *pad)
{
    const char *p = text, *nl;

    while (p && *p) {
        nl = strchr(p, '\n');
        fprintf(out, "%s%.*s\n", pad, (int)(nl ? nl - p : (long)strlen(p)), p);
        p = nl ? nl + 1 : NULL;
    }
}

void hx_report_line(FILE *out, const struct hx_item *it, int color, int verbose)
{
    const struct hx_result *r = &it->res;
    double secs = (double)r->duration_us / 1e6;

    switch (r->status) {
    case HX_PASS:
        fprintf(out, "%spass%s  %s  %s(%.2fs)%s\n", color ? GREEN : "", color ? RESET : "",
                it->sc->name, color ? DIM : "", secs, color ? RESET : "");
        break;
    case HX_SKIP:
        fprintf(out, "%sskip%s  %s  (%s)\n", color ? YELLOW : "", color ? RESET : "", it->sc->name,
                r->message ? r->message : "");
        break;
    case HX_FAIL:
        fprintf(out, "%sFAIL%s  %s  %s(%.2fs)%s\n", color ? RED : "", color ? RESET : "",
                it->sc->name, color ? DIM : "", secs, color ? RESET : "");
        fprintf(out, "      file: %s\n", it->sc->file);
        fprintf(out, "      at %s:\n", r->where ? r->where : "?");
        indent(out, r->message, "        ");
        if (r->journal_tail) {
            fprintf(out, "      journal (last entries):\n");
            indent(out, r->journal_tail, "        ");
        }
        if (r->stderr_tail && *r->stderr_tail) {
            fprintf(out, "      client stderr (last lines):\n");
            indent(out, r->stderr_tail, "        ");
        }
        break;
    }
    if (verbose && r->log && *r->log)
        indent(out, r->log, "    | ");
}

static char *failure_text(const struct hx_item *it)
{
    const struct hx_result *r = &it->res;
    struct cm_buf b;

    cm_buf_init(&b, 0);
    cm_buf_printf(&b, "%s: at %s: %s\n", it->sc->file, r->where ? r->where : "?",
                  r->message ? r->message : "");
    if (r->journal_tail)
        cm_buf_printf(&b, "\njournal (last entries):\n%s", r->journal_tail);
    return cm_buf_steal(&b, NULL);
}

char *hx_junit_text(const struct hx_item *items, size_t n, int64_t total_us)
{
    struct hx_counts c;
    struct cm_buf b;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    size_t i;

    hx_count(items, n, &c);
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
    cm_buf_init(&b, 0);
    cm_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    cm_buf_printf(&b,
                  "<testsuites name=\"secmock\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
                  "skipped=\"%zu\" time=\"%.3f\">\n",
                  n, c.failed, c.skipped, (double)total_us / 1e6);
    cm_buf_printf(&b,
                  "  <testsuite name=\"secmock\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
                  "skipped=\"%zu\" time=\"%.3f\" timestamp=\"%s\">\n",
                  n, c.failed, c.skipped, (double)total_us / 1e6, stamp);
    for (i = 0; i < n; i++) {
        const struct hx_item *it = &items[i];
        const struct hx_result *r = &it->res;
        cm_buf_puts(&b, "    <testcase classname=\"");
        hx_xml_escape(&b, it->sc->family);
        cm_buf_puts(&b, "\" name=\"");
        hx_xml_escape(&b, it->sc->name);
        cm_buf_puts(&b, "\" file=\"");
        hx_xml_escape(&b, it->sc->file);
        cm_buf_printf(&b, "\" time=\"%.3f\"", (double)r->duration_us / 1e6);
        if (r->status == HX_PASS) {
            cm_buf_puts(&b, "/>\n");
            continue;
        }
        cm_buf_puts(&b, ">\n");
        if (r->status == HX_SKIP) {
            cm_buf_puts(&b, "      <skipped message=\"");
            hx_xml_escape(&b, r->message ? r->message : "");
            cm_buf_puts(&b, "\"/>\n");
        } else {
            char *text = failure_text(it), *msg;
            msg = cm_asprintf("%s: %s", r->where ? r->where : "?", r->message ? r->message : "");
            cm_buf_puts(&b, "      <failure message=\"");
            hx_xml_escape(&b, msg);
            cm_buf_puts(&b, "\" type=\"failure\">");
            hx_xml_escape(&b, text);
            cm_buf_puts(&b, "</failure>\n");
            free(text);
            free(msg);
            if (r->stderr_tail && *r->stderr_tail) {
                cm_buf_puts(&b, "      <system-err>");
                hx_xml_escape(&b, r->stderr_tail);
                cm_buf_puts(&b, "</system-err>\n");
            }
        }
        cm_buf_puts(&b, "    </testcase>\n");
    }
    cm_buf_puts(&b, "  </testsuite>\n</testsuites>\n");
    return cm_buf_steal(&b, NULL);
}

static void add_clean(cJSON *obj, const char *key, const char *s)
{
    char *c;

    if (s == NULL)
        return;
    c = utf8_clean(s);
    cJSON_AddStringToObject(obj, key, c);
    free(c);
}

cJSON *hx_json_report(const struct hx_item *items, size_t n, int64_t total_us)
{
    static const char *const names[] = {"passed", "failed", "skipped"};
    cJSON *doc = cJSON_CreateObject(), *sum = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    struct hx_counts c;
    size_t i;

    hx_count(items, n, &c);
    cJSON_AddNumberToObject(sum, "passed", (double)c.passed);
    cJSON_AddNumberToObject(sum, "failed", (double)c.failed);
    cJSON_AddNumberToObject(sum, "skipped", (double)c.skipped);
    cJSON_AddNumberToObject(sum, "duration_ms", (double)(total_us / 1000));
    cJSON_AddItemToObject(doc, "summary", sum);
    for (i = 0; i < n; i++) {
        const struct hx_item *it = &items[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", it->sc->name);
        cJSON_AddStringToObject(o, "family", it->sc->family);
        cJSON_AddStringToObject(o, "file", it->sc->file);
        cJSON_AddStringToObject(o, "status", names[it->res.status]);
        cJSON_AddNumberToObject(o, "duration_ms", (double)(it->res.duration_us / 1000));
        if (it->res.status == HX_FAIL) {
            cJSON *f = cJSON_CreateObject();
            if (it->res.failed_step >= 0)
                cJSON_AddNumberToObject(f, "step", it->res.failed_step);
            else
                cJSON_AddNullToObject(f, "step");
            add_clean(f, "where", it->res.where);
            add_clean(f, "message", it->res.message);
            add_clean(f, "journal_tail", it->res.journal_tail);
            add_clean(f, "stderr_tail", it->res.stderr_tail);
            cJSON_AddItemToObject(o, "failure", f);
        } else if (it->res.status == HX_SKIP) {
            add_clean(o, "skip", it->res.message);
        }
        cJSON_AddItemToArray(arr, o);
    }
    cJSON_AddItemToObject(doc, "scenarios", arr);
    return doc;
}

int hx_write_junit(const char *path, const struct hx_item *items, size_t n, int64_t total_us,
                   struct cm_err *err)
{
    char *text = hx_junit_text(items, n, total_us);
    int rc = cm_write_file_atomic(path, text, strlen(text));

    free(text);
    return rc ? cm_fail(err, rc, "cannot write the JUnit report '%s'", path) : 0;
}

int hx_write_json(const char *path, const struct hx_item *items, size_t n, int64_t total_us,
                  struct cm_err *err)
{
    cJSON *doc = hx_json_report(items, n, total_us);
    char *text = cJSON_Print(doc);
    int rc;

    if (text == NULL)
        abort();
    rc = cm_write_file_atomic(path, text, strlen(text));
    free(text);
    cJSON_Delete(doc);
    return rc ? cm_fail(err, rc, "cannot write the JSON report '%s'", path) : 0;
}
