/*
 * report.h: what `secmock run` tells: the terminal lines, JUnit XML and JSON
 * (the --html page is html.h, built on hx_count() and hx_xml_escape()).
 *
 * Terminal: one line per scenario ("pass", "FAIL" or "skip", the name, the
 * time), a failure's details indented under it (where, expected versus got,
 * the journal tail, the client's stderr tail), and last a summary line alone:
 * "N passed, N failed" with ", N skipped" only when some were.
 *
 * JUnit: one <testsuite name="secmock"> whose <testcase>s have classname =
 * the scenario's family and name = its name; a failure carries a <failure
 * message=...> with the details as text, and the stderr tail as <system-err>.
 * Text is escaped for XML 1.0: markup characters become entities, control
 * characters and invalid UTF-8 become U+FFFD.
 *
 * Items are borrowed; nothing here keeps a pointer.
 */
#ifndef HX_REPORT_H
#define HX_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"
#include "harness/exec.h"
#include "harness/scenario.h"

struct hx_item {
    const struct hx_scenario *sc;
    struct hx_result res;
};

struct hx_counts {
    size_t passed, failed, skipped;
};

void hx_report_line(FILE *out, const struct hx_item *it, int color, int verbose);
/* "3 passed, 1 failed" (", 2 skipped" when any) into out. */
void hx_summary_text(const struct hx_counts *c, char *out, size_t size);
void hx_count(const struct hx_item *items, size_t n, struct hx_counts *c);

/* Appends s escaped for XML text and attribute values. */
void hx_xml_escape(struct cm_buf *b, const char *s);
/* The whole JUnit document; caller frees. */
char *hx_junit_text(const struct hx_item *items, size_t n, int64_t total_us);
/* The JSON report document; caller frees with cJSON_Delete(). */
cJSON *hx_json_report(const struct hx_item *items, size_t n, int64_t total_us);

int hx_write_junit(const char *path, const struct hx_item *items, size_t n, int64_t total_us,
                   struct cm_err *err);
int hx_write_json(const char *path, const struct hx_item *items, size_t n, int64_t total_us,
                  struct cm_err *err);

#endif
