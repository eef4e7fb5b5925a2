/*
 * expect.h: checking what a step produced against its "expect".
 *
 * Pure functions over captured results (an exit status and output, an HTTP
 * answer, journal entries, a JSON-lines file), so each rule is unit-tested
 * without a process or a mock. The expect objects passed in are already
 * variable-expanded. Each returns 0 when everything matched, or CM_EINVAL with
 * err saying what was expected and what came (the first mismatch only).
 */
#ifndef HX_EXPECT_H
#define HX_EXPECT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "common/error.h"
#include "common/spawn.h"

/* 1 when a client/run step's expect says "exit": "timeout": the command is to be
 * stopped at its time limit (so the step waits that long on purpose). */
int hx_expects_timeout(const cJSON *expect);
/* A client/run step: exit (default 0), *_contains, *_not_contains, *_regex,
 * stdout_json. jsonl is checked separately (it reads a file). */
int hx_expect_process(const cJSON *expect, const struct cm_spawn_result *r, struct cm_err *err);

/* A "jsonl" expectation against the text of the file (what names it in messages). */
int hx_expect_jsonl(const cJSON *spec, const char *text, size_t len, const char *what,
                    struct cm_err *err);

/* An http step: status (default: any 2xx), json, body_contains, body_not_contains,
 * headers (raw "Name: value\r\n" lines). */
int hx_expect_http(const cJSON *expect, long status, const char *body, size_t body_len,
                   const char *headers, struct cm_err *err);

/* An admin step (action, patch, load, fault): status (default: any 2xx) and json. */
int hx_expect_admin(const cJSON *expect, long status, const cJSON *answer, struct cm_err *err);

/*
 * A "journal" step against entries (the "entries" array of GET /journal, oldest
 * first, every service). Filters by service/method/path/status/verdict; then
 * count (exact; without count, at least one), order (patterns matched as a
 * subsequence), only (every entry of the filtered service matches the filter
 * and, with order, one of its patterns). dropped > 0 is mentioned on failure.
 */
int hx_expect_journal(const cJSON *spec, const cJSON *entries, long dropped, struct cm_err *err);

/* Does a journal entry match a pattern (service, method, path with a trailing '*'
 * as prefix, status, verdict)? */
int hx_journal_match(const cJSON *pattern, const cJSON *entry);

/* Writes "GET /ping -> 200 ok" for an entry. */
void hx_journal_format(const cJSON *entry, char *out, size_t size);

#endif
