/*
 * json.c: file loading with positioned errors, typed look-ups, merge patch
 * and subset matching.
 */
#include "common/json.h"

#include "common/fsutil.h"
#include "common/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Line and column (from 1) of byte off of text. */
static void position(const char *text, size_t off, size_t *line, size_t *col)
{
    size_t i;

    *line = 1;
    *col = 1;
    for (i = 0; i < off; i++) {
        if (text[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

/* Nesting depth (arrays and objects, outside strings) of text at off. */
static size_t depth_at(const char *text, size_t off)
{
    size_t depth = 0, i;
    int in_str = 0;

    for (i = 0; i < off; i++) {
        char c = text[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '[' || c == '{') {
            depth++;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return depth;
}

cJSON *cm_json_parse(const char *text, size_t len, const char *what, struct cm_err *err)
{
    const char *end = NULL;
    cJSON *doc;
    size_t off, line, col;

    doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (doc != NULL)
        return doc;
    off = end && end >= text ? (size_t)(end - text) : 0;
    position(text, off < len ? off : len, &line, &col);
    if (len == 0)
        cm_fail(err, CM_EPARSE, "%s: empty, expected a JSON document", what);
    else if (depth_at(text, off < len ? off + 1 : len) > CJSON_NESTING_LIMIT)
        cm_fail(err, CM_EPARSE,
                "%s: invalid JSON at line %zu, column %zu: nested deeper than %d levels", what,
                line, col, CJSON_NESTING_LIMIT);
    else
        cm_fail(err, CM_EPARSE, "%s: invalid JSON at line %zu, column %zu", what, line, col);
    return NULL;
}

cJSON *cm_json_parse_whole(const char *text, size_t len, const char *what, struct cm_err *err)
{
    const char *end = NULL;
    size_t off, line, col;
    cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);

    if (doc == NULL)
        return cm_json_parse(text, len, what, err);
    off = end && end >= text ? (size_t)(end - text) : len;
    while (off < len &&
           (text[off] == ' ' || text[off] == '\t' || text[off] == '\r' || text[off] == '\n'))
        off++;
    if (off >= len)
        return doc;
    cJSON_Delete(doc);
    position(text, off, &line, &col);
    cm_fail(err, CM_EPARSE,
            "%s: unexpected text after the JSON document at line %zu, column %zu (one document "
            "per file or body)",
            what, line, col);
    return NULL;
}

cJSON *cm_json_load_file(const char *path, struct cm_err *err)
{
    size_t len;
    char *text;
    int rc;
    cJSON *doc;

    rc = cm_read_file(path, CM_JSON_FILE_MAX, &text, &len);
    if (rc == CM_ENOENT) {
        cm_fail(err, rc, "cannot open '%s': no such file", path);
        return NULL;
    }
    if (rc == CM_ETOOBIG) {
        cm_fail(err, rc, "cannot load '%s': larger than %u bytes", path, CM_JSON_FILE_MAX);
        return NULL;
    }
    if (rc) {
        cm_fail(err, rc, "cannot read '%s': %s", path, cm_strerror(rc));
        return NULL;
    }
    doc = cm_json_parse_whole(text, len, path, err);
    free(text);
    return doc;
}

const char *cm_json_str(const cJSON *obj, const char *key, const char *dflt)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

    return cJSON_IsString(it) ? it->valuestring : dflt;
}

double cm_json_num(const cJSON *obj, const char *key, double dflt)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

    return cJSON_IsNumber(it) ? it->valuedouble : dflt;
}

int cm_json_bool(const cJSON *obj, const char *key, int dflt)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

    return cJSON_IsBool(it) ? cJSON_IsTrue(it) : dflt;
}

cJSON *cm_json_merge_patch(cJSON *target, const cJSON *patch)
{
    const cJSON *p;

    if (!cJSON_IsObject(patch)) {
        cJSON_Delete(target);
        return cJSON_Duplicate(patch, 1);
    }
    if (!cJSON_IsObject(target)) {
        cJSON_Delete(target);
        target = cJSON_CreateObject();
    }
    cJSON_ArrayForEach(p, patch)
    {
        if (cJSON_IsNull(p)) {
            cJSON_DeleteItemFromObjectCaseSensitive(target, p->string);
        } else {
            cJSON *old = cJSON_DetachItemFromObjectCaseSensitive(target, p->string);
            cJSON *merged = cm_json_merge_patch(old, p);
            cJSON_AddItemToObject(target, p->string, merged);
        }
    }
    return target;
}

int cm_json_subset(const cJSON *want, const cJSON *have)
{
    const cJSON *w, *h;

    if (want == NULL)
        return 1;
    if (have == NULL)
        return 0;
    if (cJSON_IsObject(want)) {
        if (!cJSON_IsObject(have))
            return 0;
        cJSON_ArrayForEach(w, want)
        {
            h = cJSON_GetObjectItemCaseSensitive(have, w->string);
            if (h == NULL || !cm_json_subset(w, h))
                return 0;
        }
        return 1;
    }
    if (cJSON_IsArray(want)) {
        if (!cJSON_IsArray(have) || cJSON_GetArraySize(want) != cJSON_GetArraySize(have))
            return 0;
        for (w = want->child, h = have->child; w && h; w = w->next, h = h->next)
            if (!cm_json_subset(w, h))
                return 0;
        return 1;
    }
    if (cJSON_IsNumber(want))
        return cJSON_IsNumber(have) && fabs(want->valuedouble - have->valuedouble) < 1e-9;
    if (cJSON_IsString(want))
        return cJSON_IsString(have) && strcmp(want->valuestring, have->valuestring) == 0;
    if (cJSON_IsBool(want))
        return cJSON_IsBool(have) && cJSON_IsTrue(want) == cJSON_IsTrue(have);
    if (cJSON_IsNull(want))
        return cJSON_IsNull(have);
    return 0;
}

char *cm_json_print(const cJSON *node)
{
    char *s = cJSON_PrintUnformatted(node);

    if (s == NULL)
        abort();
    return s;
}
