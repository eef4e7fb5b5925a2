/*
 * html.c: the --html report, one self-contained page.
 *
 * The page is built into one cm_buf: a head with the style sheet and a
 * Content-Security-Policy that allows nothing but the inline style and script
 * (so even a bug in escaping cannot fetch anything), the summary table, then a
 * section per scenario. A diagram is a CSS grid: column 1 names the step,
 * column 2 is the virtual time, then one column per lane (client, services,
 * admin). Each row holds one thing: a request (an arrow from the client to a
 * service, coloured by its status), an admin action (an arrow from the admin
 * lane to a service, a note in the admin lane, or a band across all lanes for
 * a clock move), or a note in the client lane (a command, a check). Rows are
 * placed by explicit grid-row numbers, so lifelines can be drawn first,
 * behind everything, once the number of rows is known.
 *
 * The journal entries of step i are those whose seq lies between the
 * timeline's previous event and step i's event (exec.h); both arrays are in
 * order, so one cursor walks the journal.
 */
#include "harness/html.h"

#include "common/fsutil.h"
#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"
#include "harness/jsonx.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TEXT_MAX   160 /* bytes of a JSON excerpt in an arrow's label */
#define MAX_LANES  34  /* client, admin and up to 32 services */
#define OPEN_BELOW 20  /* with fewer scenarios than this, every diagram starts open */

void hx_html_escape(struct cm_buf *b, const char *s)
{
    /* XML 1.0 text escaping is also valid HTML5 text and attribute escaping. */
    hx_xml_escape(b, s);
}

static const char *status_word(enum hx_status s)
{
    return s == HX_PASS ? "pass" : s == HX_FAIL ? "FAIL" : "skip";
}

static const char *status_class(enum hx_status s)
{
    return s == HX_PASS ? "pass" : s == HX_FAIL ? "fail" : "skip";
}

/* ---- the page's frame ---- */

/* one string per rule group: ISO C caps a string literal at 4095 bytes */
static const char *const style[] = {
    ":root{--fg:#1d2330;--mute:#6b7280;--line:#d5d9e0;--bg:#f6f7f9;--ok:#1a7f37;--warn:#9a6700;"
    "--bad:#cf222e;--adm:#6639ba;--cli:#0b5cad}\n",
    "*{box-sizing:border-box}\n",
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);"
    "margin:0;padding:1.5em 2em;background:#fff}\n",
    "h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.15em;margin:0}\n",
    "code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:"
    "12px}\n",
    ".muted{color:var(--mute)}\n",
    ".totals{font-size:1.1em;margin:.3em 0 1em}.totals b.fail{color:var(--bad)}"
    ".totals b.pass{color:var(--ok)}\n",
    ".tools{margin:0 0 1em}.tools button,.tools label{margin-right:1em;font:inherit}\n",
    "table.summary{border-collapse:collapse;width:100%;margin-bottom:2em}\n",
    "table.summary th,table.summary td{text-align:left;padding:.35em .6em;"
    "border-bottom:1px solid var(--line);vertical-align:top}\n",
    "table.summary th{background:var(--bg);font-weight:600}\n",
    "td.num{text-align:right;white-space:nowrap}\n",
    ".badge{display:inline-block;min-width:3.2em;text-align:center;border-radius:3px;padding:0 "
    ".4em;"
    "font-weight:700;font-size:12px;color:#fff}\n",
    ".badge.pass{background:var(--ok)}.badge.fail{background:var(--bad)}"
    ".badge.skip{background:#8c959f}\n",
    ".tag{display:inline-block;background:#eef1f5;border-radius:9px;padding:0 .5em;margin:0 .2em "
    ".1em 0;"
    "font-size:12px}\n",
    "section.scenario{border:1px solid var(--line);border-radius:6px;margin:0 0 1.5em;"
    "overflow:hidden}\n",
    "section.scenario.fail{border-color:var(--bad)}\n",
    "section.scenario>details>summary{cursor:pointer;padding:.6em .9em;background:var(--bg);"
    "list-style-position:inside}\n",
    "section.scenario.fail>details>summary{background:#fff0f0}\n",
    "section.scenario h2{display:inline}\n",
    ".meta{padding:.5em .9em 0}.meta p{margin:.2em 0}\n",
    ".failure{margin:.6em .9em;border:1px solid var(--bad);border-left:5px solid var(--bad);"
    "border-radius:4px;background:#fff6f6;padding:.5em .8em}\n",
    ".failure h3{margin:0 0 .3em;font-size:1em;color:var(--bad)}\n",
    "table.evg{border-collapse:collapse;margin:.3em 0;width:100%}\n",
    "table.evg th{text-align:left;width:6em;vertical-align:top;padding:.2em .5em .2em 0}\n",
    "table.evg td{padding:.2em .5em;background:#fff;border:1px solid #f0c8cb;white-space:pre-wrap;"
    "word-break:break-word}\n",
    "table.evg tr.exp td{border-color:#b7dfc0;background:#f3fbf5}\n",
    "pre{white-space:pre-wrap;word-break:break-word;margin:.3em 0}\n",
    ".scroll{overflow-x:auto;padding:.6em .9em 1em}\n",
    ".diagram{display:grid;column-gap:0;row-gap:2px;position:relative}\n",
    ".lane{text-align:center;font-weight:600;padding:.3em .2em;margin:0 .3em .4em;"
    "border:1px solid var(--line);border-radius:4px;background:var(--bg);overflow-wrap:anywhere}\n",
    ".lane.client{color:var(--cli)}.lane.admin{color:var(--adm)}\n",
    ".life{background:linear-gradient(to right,transparent calc(50% - 1px),var(--line) "
    "calc(50% - 1px),var(--line) calc(50% + 1px),transparent calc(50% + 1px))}\n",
    ".rowbg.failed{background:#ffe9ea}\n",
    ".s{font-size:12px;padding:.15em .4em;overflow-wrap:anywhere}.s b{color:var(--mute)}\n",
    ".s.failed b,.s.failed{color:var(--bad);font-weight:700}\n",
    ".t{font-size:12px;color:var(--mute);padding:.15em .3em;text-align:right;white-space:nowrap}\n",
    ".t small{display:block;font-size:10px}\n",
    ".arrow{position:relative;align-self:end;text-align:center;padding:.1em .4em "
    "9px;font-size:12px;"
    "overflow-wrap:anywhere;z-index:1}\n",
    ".arrow::after{content:'';position:absolute;left:0;right:0;bottom:3px;"
    "border-bottom:2px solid currentColor}\n",
    ".arrow.right::before,.arrow.left::before{content:'';position:absolute;bottom:-1px;"
    "border-top:5px solid transparent;border-bottom:5px solid transparent}\n",
    ".arrow.right::before{right:-2px;border-left:9px solid currentColor}\n",
    ".arrow.left::before{left:-2px;border-right:9px solid currentColor}\n",
    ".arrow .l{color:var(--fg);background:rgba(255,255,255,.85);padding:0 .2em}\n",
    ".arrow.ok{color:var(--ok)}.arrow.warn{color:var(--warn)}.arrow.bad{color:var(--bad)}"
    ".arrow.adm{color:var(--adm)}\n",
    ".st{font-weight:700}\n",
    ".note{align-self:start;margin:.1em .3em;padding:.15em .45em;border:1px solid "
    "var(--line);border-radius:4px;"
    "background:#fff;font-size:12px;overflow-wrap:anywhere;z-index:1}\n",
    ".note.cmd{border-color:#9ec5ef;background:#f1f7fe}.note.adm{border-color:#c9b6ee;"
    "background:#f7f3fd}\n",
    ".note.bad{border-color:var(--bad);background:#fff6f6}.note.muted{border-style:dashed}\n",
    ".band{align-self:start;margin:.15em 0;padding:.1em "
    ".5em;text-align:center;font-size:12px;color:var(--adm);"
    "border-top:1px dashed #c9b6ee;border-bottom:1px dashed "
    "#c9b6ee;background:#faf7ff;z-index:1}\n",
    ".failrow{margin:.3em 0 .5em;z-index:1}\n",
    ".failrow .failure{margin:0}\n",
    "body.only-fail .pass,body.only-fail .skip{display:none}\n",
    NULL};

static const char script[] =
    "document.body.classList.add('js');\n"
    "function setAll(o){document.querySelectorAll('section.scenario>details')"
    ".forEach(function(d){d.open=o;});}\n"
    "document.getElementById('onlyfail').addEventListener('change',function(e){"
    "document.body.classList.toggle('only-fail',e.target.checked);});\n"
    "document.getElementById('openall').addEventListener('click',function(){setAll(true);});\n"
    "document.getElementById('closeall').addEventListener('click',function(){setAll(false);});\n";

static void esc(struct cm_buf *b, const char *s)
{
    hx_html_escape(b, s ? s : "");
}

/* ---- time ---- */

static void split_time(int64_t ms, char *day, size_t dsize, char *tod, size_t tsize)
{
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int frac = (int)(ms - secs * 1000);
    time_t t = (time_t)secs;
    struct tm tm;
    char hms[16];

    gmtime_r(&t, &tm);
    strftime(day, dsize, "%Y-%m-%d", &tm);
    strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
    if (frac)
        snprintf(tod, tsize, "%s.%03d", hms, frac);
    else
        snprintf(tod, tsize, "%s", hms);
}

/* ---- the diagram ---- */

struct diag {
    struct cm_buf *b;
    const char *lanes[MAX_LANES];
    size_t nlanes; /* client first, admin last */
    int row;       /* the next grid row (row 1 is the lane heads) */
    char day[16];  /* the date last shown in the time column */
};

static size_t lane_of(struct diag *d, const char *service)
{
    size_t i;

    for (i = 1; i + 1 < d->nlanes; i++)
        if (strcmp(d->lanes[i], service) == 0)
            return i;
    if (d->nlanes < MAX_LANES) {
        /* a service the scenario did not name: a lane before admin */
        d->lanes[d->nlanes] = d->lanes[d->nlanes - 1];
        d->lanes[d->nlanes - 1] = service;
        return d->nlanes++ - 1;
    }
    return d->nlanes - 2;
}

static size_t admin_lane(const struct diag *d)
{
    return d->nlanes - 1;
}

static void cell_time(struct diag *d, int have, int64_t ms)
{
    char day[16], tod[24], full[40];

    if (!have) {
        cm_buf_printf(d->b, "<div class=\"t\" style=\"grid-row:%d;grid-column:2\"></div>\n",
                      d->row);
        return;
    }
    split_time(ms, day, sizeof(day), tod, sizeof(tod));
    cm_time_format(ms, full, sizeof(full));
    cm_buf_printf(d->b, "<div class=\"t\" style=\"grid-row:%d;grid-column:2\" title=\"%s\">",
                  d->row, full);
    if (strcmp(day, d->day) != 0) {
        cm_buf_printf(d->b, "<small>%s</small>", day);
        cm_strlcpy(d->day, day, sizeof(d->day));
    }
    cm_buf_printf(d->b, "%s</div>\n", tod);
}

/* A row's background and step label; label NULL leaves the label cell empty. */
static void row_start(struct diag *d, const struct hx_step *label, int failed, int have, int64_t ms)
{
    if (failed)
        cm_buf_printf(d->b,
                      "<div class=\"rowbg failed\" style=\"grid-row:%d;grid-column:1/-1\">"
                      "</div>\n",
                      d->row);
    if (label) {
        cm_buf_printf(d->b,
                      "<div class=\"s%s\" style=\"grid-row:%d;grid-column:1\" "
                      "title=\"steps[%d]\"><b>#%d</b> %s",
                      failed ? " failed" : "", d->row, label->index, label->index,
                      hx_step_kind_name(label->kind));
        if (label->name) {
            cm_buf_puts(d->b, "<br>");
            esc(d->b, label->name);
        }
        cm_buf_puts(d->b, "</div>\n");
    }
    cell_time(d, have, ms);
}

static void arrow(struct diag *d, size_t from, size_t to, const char *cls, const char *html)
{
    size_t lo = from < to ? from : to, hi = from < to ? to : from, span = hi - lo + 1;

    /* from the middle of one lane to the middle of the other: half a lane in on each side */
    cm_buf_printf(d->b,
                  "<div class=\"arrow %s %s\" style=\"grid-row:%d;grid-column:%zu/%zu;"
                  "margin:0 calc(100%% / %zu)\"><span class=\"l\">%s</span></div>\n",
                  from <= to ? "right" : "left", cls, d->row, lo + 3, hi + 4, span * 2, html);
}

static void note(struct diag *d, size_t from, size_t to, const char *cls, const char *html)
{
    cm_buf_printf(d->b,
                  "<div class=\"note %s\" style=\"grid-row:%d;grid-column:%zu/%zu\">%s</div>\n",
                  cls, d->row, from + 3, to + 4, html);
}

static void band(struct diag *d, const char *html)
{
    cm_buf_printf(d->b, "<div class=\"band\" style=\"grid-row:%d;grid-column:3/-1\">%s</div>\n",
                  d->row, html);
}

/* "GET /items?x → 503 fault:status" for one journal entry. */
static void request_row(struct diag *d, const cJSON *e, const struct hx_step *label, int failed)
{
    const char *q = cm_json_str(e, "query", ""), *verdict = cm_json_str(e, "verdict", "");
    long status = (long)cm_json_num(e, "status", 0);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "time_ms");
    const char *cls = status >= 500 || status == 0 || strncmp(verdict, "fault:", 6) == 0 ? "bad"
                      : status >= 400                                                    ? "warn"
                                                                                         : "ok";
    struct cm_buf h;

    cm_buf_init(&h, 0);
    cm_buf_puts(&h, "<span class=\"mono\">");
    esc(&h, cm_json_str(e, "method", "?"));
    cm_buf_putc(&h, ' ');
    esc(&h, cm_json_str(e, "path", "?"));
    if (*q) {
        cm_buf_putc(&h, '?');
        esc(&h, q);
    }
    cm_buf_printf(&h, "</span> &rarr; <span class=\"st\">%ld</span> ", status);
    esc(&h, verdict);
    row_start(d, label, failed, cJSON_IsNumber(t), cJSON_IsNumber(t) ? (int64_t)t->valuedouble : 0);
    arrow(d, 0, lane_of(d, cm_json_str(e, "service", "?")), cls, cm_buf_str(&h));
    d->row++;
    cm_buf_release(&h);
}

/* The command line of a client or run step, as written in the scenario. */
static void command_text(struct cm_buf *h, const struct hx_step *st)
{
    const cJSON *a;

    cm_buf_puts(h, "$ ");
    if (st->kind == HX_STEP_CLIENT)
        cm_buf_puts(h, "secmock client");
    cJSON_ArrayForEach(a, st->arg)
    {
        char *t = hx_json_to_text(a);
        int quote = *t == '\0' || strpbrk(t, " \t\n\"'") != NULL;
        if (h->len > 2)
            cm_buf_putc(h, ' ');
        if (quote)
            cm_buf_putc(h, '\'');
        esc(h, t);
        if (quote)
            cm_buf_putc(h, '\'');
        free(t);
    }
}

static void json_excerpt(struct cm_buf *h, const cJSON *node)
{
    char *ex;

    if (node == NULL)
        return;
    ex = hx_json_excerpt(node, TEXT_MAX);
    cm_buf_puts(h, " <span class=\"mono\">");
    esc(h, ex);
    cm_buf_puts(h, "</span>");
    free(ex);
}

/* The step's own row (an admin action, a command, a check); none for an http step with answers. */
static void step_row(struct diag *d, const struct hx_step *st, const cJSON *ev, int failed,
                     int have, int64_t t0, int nrequests)
{
    const char *svc = cm_json_str(st->arg, "service", "?"), *evnote = cm_json_str(ev, "note", NULL);
    const char *mark = failed ? " <b class=\"bad\">&#10007;</b>" : "";
    struct cm_buf h;
    size_t admin = admin_lane(d);

    if (st->kind == HX_STEP_HTTP && nrequests > 0)
        return;
    cm_buf_init(&h, 0);
    row_start(d, st, failed, have, t0);
    switch (st->kind) {
    case HX_STEP_ADVANCE:
    case HX_STEP_SET_CLOCK: {
        const cJSON *now = cJSON_GetObjectItemCaseSensitive(ev, "now_ms");
        char *v = hx_json_to_text(st->arg), when[40];
        cm_buf_puts(&h, "clock ");
        cm_buf_puts(&h, st->kind == HX_STEP_ADVANCE ? "+" : "set to ");
        esc(&h, v);
        free(v);
        if (cJSON_IsNumber(now)) {
            cm_time_format((int64_t)now->valuedouble, when, sizeof(when));
            cm_buf_printf(&h, " &rarr; <b>%s</b>", when);
        }
        cm_buf_puts(&h, mark);
        band(d, cm_buf_str(&h));
        break;
    }
    case HX_STEP_PATCH:
    case HX_STEP_LOAD:
        cm_buf_puts(&h, st->kind == HX_STEP_PATCH ? "state patched" : "state loaded");
        if (st->kind == HX_STEP_PATCH || st->state == NULL)
            json_excerpt(&h, cJSON_GetObjectItemCaseSensitive(st->arg, "state"));
        else
            json_excerpt(&h, st->state);
        cm_buf_puts(&h, mark);
        arrow(d, admin, lane_of(d, svc), failed ? "bad" : "adm", cm_buf_str(&h));
        break;
    case HX_STEP_FAULT: {
        const cJSON *a = st->arg, *count = cJSON_GetObjectItemCaseSensitive(a, "count");
        const cJSON *status = cJSON_GetObjectItemCaseSensitive(a, "status");
        cm_buf_puts(&h, "&#9888; fault armed: <span class=\"mono\">");
        esc(&h, cm_json_str(a, "method", "*"));
        cm_buf_putc(&h, ' ');
        esc(&h, cm_json_str(a, "path", "*"));
        cm_buf_puts(&h, "</span> &rarr; ");
        esc(&h, cm_json_str(a, "kind", "status"));
        if (cJSON_IsNumber(status))
            cm_buf_printf(&h, " %d", status->valueint);
        if (cJSON_IsNumber(count))
            cm_buf_printf(&h, " &times;%d", count->valueint);
        else
            cm_buf_puts(&h, " until cleared");
        cm_buf_puts(&h, mark);
        arrow(d, admin, lane_of(d, svc), failed ? "bad" : "adm", cm_buf_str(&h));
        break;
    }
    case HX_STEP_ACTION:
        cm_buf_puts(&h, "action <b>");
        esc(&h, cm_json_str(st->arg, "name", "?"));
        cm_buf_puts(&h, "</b>");
        json_excerpt(&h, cJSON_GetObjectItemCaseSensitive(st->arg, "args"));
        cm_buf_puts(&h, mark);
        arrow(d, admin, lane_of(d, svc), failed ? "bad" : "adm", cm_buf_str(&h));
        break;
    case HX_STEP_CHECK_STATE:
        cm_buf_puts(&h, failed ? "state check" : "state check &#10003;");
        json_excerpt(&h, cJSON_GetObjectItemCaseSensitive(st->arg, "json"));
        cm_buf_puts(&h, mark);
        arrow(d, admin, lane_of(d, svc), failed ? "bad" : "adm", cm_buf_str(&h));
        break;
    case HX_STEP_CLEAR_FAULTS:
    case HX_STEP_CLEAR_JOURNAL:
        cm_buf_puts(&h, st->kind == HX_STEP_CLEAR_FAULTS ? "faults cleared" : "journal cleared");
        cm_buf_puts(&h, mark);
        note(d, admin, admin, failed ? "adm bad" : "adm", cm_buf_str(&h));
        break;
    case HX_STEP_CLIENT:
    case HX_STEP_RUN:
        cm_buf_puts(&h, "<span class=\"mono\">");
        command_text(&h, st);
        cm_buf_puts(&h, "</span>");
        if (evnote) {
            cm_buf_puts(&h, " &rarr; <b>");
            esc(&h, evnote);
            cm_buf_puts(&h, "</b>");
        }
        cm_buf_puts(&h, mark);
        note(d, 0, admin > 1 ? admin - 1 : 0, failed ? "cmd bad" : "cmd", cm_buf_str(&h));
        break;
    case HX_STEP_HTTP:
        cm_buf_puts(&h, "<span class=\"mono\">");
        esc(&h, cm_json_str(st->arg, "method", "GET"));
        cm_buf_putc(&h, ' ');
        esc(&h, cm_json_str(st->arg, "path", "/"));
        cm_buf_puts(&h, "</span> &rarr; ");
        esc(&h, evnote ? evnote : "no journal entry");
        cm_buf_puts(&h, mark);
        note(d, 0, 0, failed ? "bad" : "muted", cm_buf_str(&h));
        break;
    case HX_STEP_JOURNAL:
        cm_buf_puts(&h, failed ? "journal check" : "journal check &#10003;");
        json_excerpt(&h, st->arg);
        cm_buf_puts(&h, mark);
        note(d, 0, admin > 1 ? admin - 1 : 0, failed ? "bad" : "", cm_buf_str(&h));
        break;
    case HX_STEP_FILE:
    case HX_STEP_CHECK_FILE:
        cm_buf_puts(&h, st->kind == HX_STEP_FILE ? "write file " : "check file ");
        cm_buf_puts(&h, "<span class=\"mono\">");
        esc(&h, cm_json_str(st->arg, "path", "?"));
        cm_buf_puts(&h, "</span>");
        if (st->kind == HX_STEP_CHECK_FILE && !failed)
            cm_buf_puts(&h, " &#10003;");
        cm_buf_puts(&h, mark);
        note(d, 0, 0, failed ? "bad" : "", cm_buf_str(&h));
        break;
    default:
        note(d, 0, 0, "", hx_step_kind_name(st->kind));
        break;
    }
    d->row++;
    cm_buf_release(&h);
}

/* What was expected and what came: "expected X, got Y" split in two when it reads so. */
static void failure_box(struct cm_buf *b, const struct hx_result *r)
{
    const char *msg = r->message ? r->message : "", *exp = strstr(msg, "expected ");
    const char *got = exp ? strstr(exp, ", got ") : NULL;

    cm_buf_puts(b, "<div class=\"failure\"><h3>&#10007; failed at ");
    esc(b, r->where ? r->where : "?");
    cm_buf_puts(b, "</h3>\n");
    if (exp && got) {
        char *context = cm_strndup(msg, (size_t)(exp - msg));
        char *want = cm_strndup(exp + 9, (size_t)(got - exp - 9));
        if (*context) {
            cm_buf_puts(b, "<p class=\"mono\">");
            esc(b, context);
            cm_buf_puts(b, "</p>\n");
        }
        cm_buf_puts(b, "<table class=\"evg\"><tr class=\"exp\"><th>expected</th><td>");
        esc(b, want);
        cm_buf_puts(b, "</td></tr>\n<tr class=\"got\"><th>got</th><td>");
        esc(b, got + 6);
        cm_buf_puts(b, "</td></tr></table>\n");
        free(context);
        free(want);
    } else {
        cm_buf_puts(b, "<pre>");
        esc(b, msg);
        cm_buf_puts(b, "</pre>\n");
    }
    if (r->stderr_tail && *r->stderr_tail) {
        cm_buf_puts(b, "<details><summary>client stderr (last lines)</summary><pre>");
        esc(b, r->stderr_tail);
        cm_buf_puts(b, "</pre></details>\n");
    }
    cm_buf_puts(b, "</div>\n");
}

static void failure_row(struct diag *d, const struct hx_result *r)
{
    cm_buf_printf(d->b, "<div class=\"failrow\" style=\"grid-row:%d;grid-column:1/-1\">", d->row);
    failure_box(d->b, r);
    cm_buf_puts(d->b, "</div>\n");
    d->row++;
}

static void diagram(struct cm_buf *out, const struct hx_item *it)
{
    const struct hx_scenario *sc = it->sc;
    const struct hx_result *r = &it->res;
    const cJSON *ev, *cur = r->journal ? r->journal->child : NULL;
    struct cm_buf body;
    struct diag d;
    double prev_seq = 0;
    int64_t now = 0;
    int have_now = 0, failure_shown = 0, last_step = -1;
    size_t i;

    memset(&d, 0, sizeof(d));
    cm_buf_init(&body, 0);
    cm_buf_puts(&body, "");
    d.b = &body;
    d.row = 2;
    d.lanes[d.nlanes++] = "client";
    for (i = 0; i < sc->nservices && d.nlanes + 1 < MAX_LANES; i++)
        d.lanes[d.nlanes++] = sc->services[i].name;
    d.lanes[d.nlanes++] = "admin";
    cJSON_ArrayForEach(ev, r->timeline)
    {
        int step = (int)cm_json_num(ev, "step", -1), failed, n = 0;
        double seq = cm_json_num(ev, "seq", prev_seq);
        const cJSON *e, *t = cJSON_GetObjectItemCaseSensitive(ev, "now_ms");
        const struct hx_step *st = step >= 0 && (size_t)step < sc->nsteps ? &sc->steps[step] : NULL,
                             *label;

        for (e = cur; e && cm_json_num(e, "seq", 0) <= seq; e = e->next)
            n++;
        failed = r->status == HX_FAIL && st && r->failed_step == step;
        if (st) {
            step_row(&d, st, ev, failed, have_now, now, n);
            last_step = step;
        }
        /* an http step has no row of its own: its first request carries the label */
        for (label = st && st->kind == HX_STEP_HTTP ? st : NULL; n > 0; n--, cur = cur->next) {
            request_row(&d, cur, label, failed);
            label = NULL;
        }
        if (failed) {
            failure_row(&d, r);
            failure_shown = 1;
        }
        if (cJSON_IsNumber(t)) {
            now = (int64_t)t->valuedouble;
            have_now = 1;
        }
        prev_seq = seq;
    }
    for (; cur; cur = cur->next)
        request_row(&d, cur, NULL, 0);
    if (r->timeline && last_step + 1 < (int)sc->nsteps) {
        char text[96];
        if (last_step + 2 == (int)sc->nsteps)
            snprintf(text, sizeof(text), "steps[%d] did not run", last_step + 1);
        else
            snprintf(text, sizeof(text), "steps[%d] to steps[%d] did not run", last_step + 1,
                     (int)sc->nsteps - 1);
        row_start(&d, NULL, 0, 0, 0);
        note(&d, 0, admin_lane(&d), "muted", text);
        d.row++;
    }
    if (r->status == HX_FAIL && !failure_shown)
        failure_row(&d, r);

    cm_buf_printf(out,
                  "<div class=\"scroll\"><div class=\"diagram\" style=\"grid-template-columns:"
                  "minmax(8em,13em) 6.5em repeat(%zu,minmax(9em,1fr));min-width:%zuem\">\n",
                  d.nlanes, 20 + 10 * d.nlanes);
    cm_buf_puts(out, "<div class=\"s\" style=\"grid-row:1;grid-column:1\"><b>step</b></div>"
                     "<div class=\"t\" style=\"grid-row:1;grid-column:2\">virtual time</div>\n");
    for (i = 0; i < d.nlanes; i++) {
        const char *cls = i == 0 ? " client" : i + 1 == d.nlanes ? " admin" : "";
        cm_buf_printf(out, "<div class=\"lane%s\" style=\"grid-row:1;grid-column:%zu\">", cls,
                      i + 3);
        esc(out, d.lanes[i]);
        cm_buf_puts(out, "</div>\n");
        if (d.row > 2)
            cm_buf_printf(out,
                          "<div class=\"life\" style=\"grid-row:2/%d;grid-column:%zu\"></div>\n",
                          d.row, i + 3);
    }
    cm_buf_append(out, body.data, body.len);
    cm_buf_puts(out, "</div></div>\n");
    cm_buf_release(&body);
}

/* ---- the page ---- */

static void tags(struct cm_buf *b, const struct hx_scenario *sc)
{
    size_t i;

    for (i = 0; i < sc->ntags; i++) {
        cm_buf_puts(b, "<span class=\"tag\">");
        esc(b, sc->tags[i]);
        cm_buf_puts(b, "</span>");
    }
}

static void summary_table(struct cm_buf *b, const struct hx_item *items, size_t n)
{
    size_t i;

    cm_buf_puts(b, "<table class=\"summary\">\n<thead><tr><th>result</th><th>scenario</th>"
                   "<th>tags</th><th>time</th><th>requests</th><th>failed at</th></tr></thead>\n"
                   "<tbody>\n");
    for (i = 0; i < n; i++) {
        const struct hx_item *it = &items[i];
        const struct hx_result *r = &it->res;
        cm_buf_printf(b, "<tr class=\"%s\"><td><span class=\"badge %s\">%s</span></td>",
                      status_class(r->status), status_class(r->status), status_word(r->status));
        cm_buf_printf(b, "<td><a href=\"#sc-%zu\">", i);
        esc(b, it->sc->name);
        cm_buf_puts(b, "</a><br><span class=\"muted\">");
        esc(b, it->sc->summary);
        cm_buf_puts(b, "</span></td><td>");
        tags(b, it->sc);
        cm_buf_printf(b, "</td><td class=\"num\">%.2f s</td><td class=\"num\">",
                      (double)r->duration_us / 1e6);
        if (r->journal)
            cm_buf_printf(b, "%d", cJSON_GetArraySize(r->journal));
        cm_buf_puts(b, "</td><td>");
        if (r->status == HX_FAIL)
            esc(b, r->where);
        else if (r->status == HX_SKIP)
            esc(b, r->message);
        cm_buf_puts(b, "</td></tr>\n");
    }
    cm_buf_puts(b, "</tbody></table>\n");
}

static void scenario_section(struct cm_buf *b, const struct hx_item *it, size_t i, int open)
{
    const struct hx_result *r = &it->res;

    cm_buf_printf(b, "<section class=\"scenario %s\" id=\"sc-%zu\">\n<details%s><summary>",
                  status_class(r->status), i, open ? " open" : "");
    cm_buf_printf(b, "<span class=\"badge %s\">%s</span> <h2>", status_class(r->status),
                  status_word(r->status));
    esc(b, it->sc->name);
    cm_buf_printf(b, "</h2> <span class=\"muted\">%.2f s</span></summary>\n",
                  (double)r->duration_us / 1e6);
    cm_buf_puts(b, "<div class=\"meta\">");
    if (*it->sc->summary) {
        cm_buf_puts(b, "<p>");
        esc(b, it->sc->summary);
        cm_buf_puts(b, "</p>");
    }
    cm_buf_puts(b, "<p class=\"muted\">file <span class=\"mono\">");
    esc(b, it->sc->file);
    cm_buf_puts(b, "</span> ");
    tags(b, it->sc);
    cm_buf_puts(b, "</p></div>\n");
    if (r->status == HX_SKIP) {
        cm_buf_puts(b, "<div class=\"meta\"><p>skipped: ");
        esc(b, r->message);
        cm_buf_puts(b, "</p></div>\n");
    } else if (r->timeline) {
        diagram(b, it);
    } else {
        if (r->status == HX_FAIL)
            failure_box(b, r);
        cm_buf_puts(b, "<div class=\"meta\"><p class=\"muted\">no sequence diagram: nothing was "
                       "recorded (the mock did not start, or the run was not made with "
                       "--html)</p></div>\n");
    }
    cm_buf_puts(b, "</details>\n</section>\n");
}

char *hx_html_text(const struct hx_item *items, size_t n, int64_t total_us)
{
    struct hx_counts c;
    struct cm_buf b;
    char summary[128], stamp[40];
    size_t i;

    hx_count(items, n, &c);
    hx_summary_text(&c, summary, sizeof(summary));
    cm_time_format(cm_wall_ms() / 1000 * 1000, stamp, sizeof(stamp));
    cm_buf_init(&b, 0);
    cm_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    cm_buf_printf(&b, "<title>secmock run: %s</title>\n<style>\n", summary);
    for (i = 0; style[i]; i++)
        cm_buf_puts(&b, style[i]);
    cm_buf_puts(&b, "</style>\n</head>\n<body>\n");
    cm_buf_puts(&b, "<h1>secmock run</h1>\n");
    cm_buf_printf(&b,
                  "<p class=\"totals\"><b class=\"pass\">%zu passed</b>, <b class=\"%s\">%zu "
                  "failed</b>",
                  c.passed, c.failed ? "fail" : "", c.failed);
    if (c.skipped)
        cm_buf_printf(&b, ", %zu skipped", c.skipped);
    cm_buf_printf(&b,
                  " <span class=\"muted\">in %.2f s &middot; %zu scenario%s &middot; written %s"
                  "</span></p>\n",
                  (double)total_us / 1e6, n, n == 1 ? "" : "s", stamp);
    cm_buf_puts(&b, "<p class=\"tools\"><label><input type=\"checkbox\" id=\"onlyfail\"> "
                    "failures only</label><button type=\"button\" id=\"openall\">open all</button>"
                    "<button type=\"button\" id=\"closeall\">close all</button></p>\n");
    summary_table(&b, items, n);
    for (i = 0; i < n; i++)
        scenario_section(&b, &items[i], i,
                         items[i].res.status == HX_FAIL ||
                             (n < OPEN_BELOW && items[i].res.status == HX_PASS));
    cm_buf_printf(&b, "<script>\n%s</script>\n</body>\n</html>\n", script);
    return cm_buf_steal(&b, NULL);
}

int hx_write_html(const char *path, const struct hx_item *items, size_t n, int64_t total_us,
                  struct cm_err *err)
{
    char *text = hx_html_text(items, n, total_us);
    int rc = cm_write_file_atomic(path, text, strlen(text));

    free(text);
    return rc ? cm_fail(err, rc, "cannot write the HTML report '%s'", path) : 0;
}
