/*
 * html.h: the visual run report of `secmock run --html FILE`.
 *
 * One self-contained HTML file: inline CSS and a few lines of inline script,
 * no fetch of any kind (a Content-Security-Policy forbids them). It opens with
 * the run's summary and a table of the scenarios (result, name, tags, time,
 * requests, where a failure happened), then one section per scenario with a
 * sequence diagram on the virtual clock. The diagram's lanes are the client
 * (the harness's own requests and the client under test), each mock service
 * and the admin API; its rows are the steps in order, each with the requests
 * the mocks journaled while it ran (method, path, status, verdict) and the
 * admin actions (clock moves, armed faults, state changes, service actions).
 * The failing step's rows are marked and followed by its expected versus got.
 *
 * The diagram needs the journal and the timeline that hx_execute() records
 * when hx_exec_config.timeline is set; a result without them (a skipped
 * scenario, a mock that did not start) gets its section without a diagram.
 * Every piece of text from a scenario, a request or a message is escaped.
 *
 * Items are borrowed; nothing here keeps a pointer.
 */
#ifndef HX_HTML_H
#define HX_HTML_H

#include <stdint.h>

#include "common/buf.h"
#include "common/error.h"
#include "harness/report.h"

/* Appends s escaped for HTML text and quoted attribute values (markup characters as
 * entities, control characters and invalid UTF-8 as U+FFFD). */
void hx_html_escape(struct cm_buf *b, const char *s);
/* The whole document; caller frees. */
char *hx_html_text(const struct hx_item *items, size_t n, int64_t total_us);
int hx_write_html(const char *path, const struct hx_item *items, size_t n, int64_t total_us,
                  struct cm_err *err);

#endif
