/*
 * jsonx.h: JSON helpers the harness needs beyond common/json.h: RFC 6901
 * pointers (for "save"), dotted state paths (for ${state.svc.a[0].b}), the
 * JSON-path notation used in error messages (steps[2].expect.exit), and a
 * description of where a subset match fails, so a report says
 * `at .items[0].value: expected 2, got 3` instead of dumping two documents.
 *
 * Everything here is pure and thread-safe. Results pointing into a document
 * are borrowed from it.
 */
#ifndef HX_JSONX_H
#define HX_JSONX_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"

/* Resolves an RFC 6901 pointer ("" is the whole document, "/a/0/b~1c"). Borrowed
 * result, NULL when it does not resolve. */
const cJSON *hx_json_pointer(const cJSON *doc, const char *ptr);
/* 0 when ptr is syntactically a JSON pointer ("" or starting with '/', ~ only as ~0/~1). */
int hx_json_pointer_check(const char *ptr);

/* Resolves a dotted path ("items.a.value", "list[0].id", "" is the document).
 * Borrowed result; NULL when it does not resolve. */
const cJSON *hx_json_dotted(const cJSON *doc, const char *path);
/* 0 when path is a well-formed dotted path. */
int hx_json_dotted_check(const char *path);

/* Appends ".key" (or "[\"key\"]" for keys that are not plain names; no dot when
 * b is empty) or "[i]" to an error path. */
void hx_path_key(struct cm_buf *b, const char *key);
void hx_path_index(struct cm_buf *b, int i);

/*
 * When cm_json_subset(want, have) fails, writes where and why into out:
 * "at .a[1]: expected \"x\", got 3" or "at .b: missing". Returns 1 when a
 * mismatch was found, 0 when want is a subset of have.
 */
int hx_json_mismatch(const cJSON *want, const cJSON *have, char *out, size_t size);

/* Compact JSON of node cut to at most max bytes (with "..." when cut); caller frees. */
char *hx_json_excerpt(const cJSON *node, size_t max);
/* Text cut to at most max bytes with "..." when cut, newlines shown as \n; caller frees. */
char *hx_text_excerpt(const char *s, size_t len, size_t max);

/* The text form of a value used inside a string: strings raw, numbers as JSON
 * (integers without a fraction), true/false/null, objects and arrays as compact
 * JSON. Caller frees. */
char *hx_json_to_text(const cJSON *node);

#endif
