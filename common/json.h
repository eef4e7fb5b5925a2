/*
 * json.h: loading JSON files and small cJSON conveniences.
 *
 * Every parse goes through cJSON_ParseWithOpts (thread-safe, no global error
 * pointer). Errors name the file with a line and column, so a user can fix a
 * scenario or state file without guessing.
 */
#ifndef CM_JSON_H
#define CM_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "common/error.h"

#define CM_JSON_FILE_MAX (64u * 1024 * 1024)

/* Parses text (len bytes, need not be terminated). On error returns NULL and
 * describes the position in err, prefixed by what (a file name or "body").
 * Caller frees the result with cJSON_Delete(). */
cJSON *cm_json_parse(const char *text, size_t len, const char *what, struct cm_err *err);
/* The same, and only white space may follow the document (cm_json_parse() stops at its end and
 * ignores the rest). */
cJSON *cm_json_parse_whole(const char *text, size_t len, const char *what, struct cm_err *err);
/* Reads and parses a file (at most CM_JSON_FILE_MAX bytes) as one whole document. Caller frees
 * with cJSON_Delete(). */
cJSON *cm_json_load_file(const char *path, struct cm_err *err);

/* Typed look-ups that return dflt when the key is missing or of another type. Borrowed strings. */
const char *cm_json_str(const cJSON *obj, const char *key, const char *dflt);
double cm_json_num(const cJSON *obj, const char *key, double dflt);
int cm_json_bool(const cJSON *obj, const char *key, int dflt);

/* RFC 7386 JSON merge patch: applies patch onto target in place (patch is borrowed).
 * Returns target, or a new node when target must be replaced (the old one is freed). */
cJSON *cm_json_merge_patch(cJSON *target, const cJSON *patch);

/* 1 when every member of want is found in have with an equal value, recursively
 * (objects are matched as subsets; arrays must match element by element, each
 * element as a subset). Used by expectations. */
int cm_json_subset(const cJSON *want, const cJSON *have);

/* Serializes unformatted; caller frees with free(). */
char *cm_json_print(const cJSON *node);

#endif
