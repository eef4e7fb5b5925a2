/*
 * jsonx.c: JSON pointers, dotted paths, error paths and subset-mismatch
 * descriptions.
 */
#include "harness/jsonx.h"

#include "common/json.h"
#include "common/mem.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hx_json_pointer_check(const char *ptr)
{
    const char *p;

    if (ptr == NULL)
        return CM_EINVAL;
    if (*ptr == '\0')
        return 0;
    if (*ptr != '/')
        return CM_EINVAL;
    for (p = ptr; *p; p++)
        if (*p == '~' && p[1] != '0' && p[1] != '1')
            return CM_EINVAL;
    return 0;
}

/* Is s (n bytes) a canonical array index? */
static int parse_index(const char *s, size_t n, int *out)
{
    long v = 0;
    size_t i;

    if (n == 0 || n > 9 || (n > 1 && s[0] == '0'))
        return 0;
    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = (int)v;
    return 1;
}

static const cJSON *child_named(const cJSON *node, const char *name, size_t n)
{
    const cJSON *c;
    int idx;

    if (cJSON_IsObject(node)) {
        cJSON_ArrayForEach(c, node)
        {
            if (c->string && strlen(c->string) == n && memcmp(c->string, name, n) == 0)
                return c;
        }
        return NULL;
    }
    if (cJSON_IsArray(node) && parse_index(name, n, &idx))
        return cJSON_GetArrayItem(node, idx);
    return NULL;
}

const cJSON *hx_json_pointer(const cJSON *doc, const char *ptr)
{
    const cJSON *node = doc;
    char tok[1024];

    if (hx_json_pointer_check(ptr) != 0)
        return NULL;
    while (node && *ptr == '/') {
        size_t n = 0;

        ptr++;
        while (*ptr && *ptr != '/') {
            char c = *ptr++;
            if (c == '~')
                c = *ptr++ == '0' ? '~' : '/';
            if (n + 1 >= sizeof(tok))
                return NULL;
            tok[n++] = c;
        }
        tok[n] = '\0';
        node = child_named(node, tok, n);
    }
    return node;
}

/* Walks a dotted path; with doc NULL only checks the syntax. */
static int dotted_walk(const cJSON *doc, const char *path, const cJSON **out)
{
    const cJSON *node = doc;
    const char *p = path;

    if (*p == '\0') {
        *out = doc;
        return 0;
    }
    for (int first = 1;; first = 0) {
        size_t n = strcspn(p, ".[");
        if (n == 0 && (*p != '[' || !first))
            return CM_EINVAL;
        if (n > 0) {
            if (doc)
                node = node ? child_named(node, p, n) : NULL;
            p += n;
        }
        while (*p == '[') {
            const char *close = strchr(p, ']');
            int idx;
            if (close == NULL || !parse_index(p + 1, (size_t)(close - p - 1), &idx))
                return CM_EINVAL;
            if (doc)
                node = cJSON_IsArray(node) ? cJSON_GetArrayItem(node, idx) : NULL;
            p = close + 1;
        }
        if (*p == '\0')
            break;
        if (*p != '.')
            return CM_EINVAL;
        p++;
        if (*p == '\0')
            return CM_EINVAL;
    }
    *out = node;
    return 0;
}

const cJSON *hx_json_dotted(const cJSON *doc, const char *path)
{
    const cJSON *out = NULL;

    if (doc == NULL || dotted_walk(doc, path, &out) != 0)
        return NULL;
    return out;
}

int hx_json_dotted_check(const char *path)
{
    const cJSON *out;

    return dotted_walk(NULL, path, &out);
}

static int key_is_plain(const char *key)
{
    const char *p;

    if (*key == '\0')
        return 0;
    for (p = key; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '$'))
            return 0;
    return 1;
}

void hx_path_key(struct cm_buf *b, const char *key)
{
    if (key_is_plain(key)) {
        if (b->len && b->data[b->len - 1] != '.')
            cm_buf_putc(b, '.');
        cm_buf_puts(b, key);
    } else {
        cm_buf_putc(b, '[');
        cm_buf_json_string(b, key);
        cm_buf_putc(b, ']');
    }
}

void hx_path_index(struct cm_buf *b, int i)
{
    cm_buf_printf(b, "[%d]", i);
}

char *hx_json_excerpt(const cJSON *node, size_t max)
{
    char *s, *out;
    size_t n;

    if (node == NULL)
        return cm_strdup("(nothing)");
    s = cm_json_print(node);
    n = strlen(s);
    if (n <= max)
        return s;
    out = cm_asprintf("%.*s...", (int)max, s);
    free(s);
    return out;
}

char *hx_text_excerpt(const char *s, size_t len, size_t max)
{
    struct cm_buf b;
    size_t i;

    cm_buf_init(&b, 0);
    for (i = 0; i < len && i < max; i++) {
        if (s[i] == '\n')
            cm_buf_puts(&b, "\\n");
        else if (s[i] == '\r')
            cm_buf_puts(&b, "\\r");
        else if (s[i] == '\t')
            cm_buf_puts(&b, "\\t");
        else if ((unsigned char)s[i] < 0x20)
            cm_buf_putc(&b, '?');
        else
            cm_buf_putc(&b, s[i]);
    }
    if (len > max)
        cm_buf_puts(&b, "...");
    return cm_buf_steal(&b, NULL);
}

char *hx_json_to_text(const cJSON *node)
{
    if (cJSON_IsString(node))
        return cm_strdup(node->valuestring);
    if (cJSON_IsNumber(node)) {
        double v = node->valuedouble;
        if (fabs(v) < 9007199254740992.0 && v == floor(v))
            return cm_asprintf("%.0f", v);
    }
    return cm_json_print(node);
}

static const char *type_name(const cJSON *n)
{
    if (n == NULL)
        return "nothing";
    if (cJSON_IsObject(n))
        return "an object";
    if (cJSON_IsArray(n))
        return "an array";
    if (cJSON_IsString(n))
        return "a string";
    if (cJSON_IsNumber(n))
        return "a number";
    if (cJSON_IsBool(n))
        return "a boolean";
    return "null";
}

static int mismatch(const cJSON *want, const cJSON *have, struct cm_buf *path, char *out,
                    size_t size)
{
    const cJSON *w, *h;
    size_t mark = path->len;
    int i;

    if (cm_json_subset(want, have))
        return 0;
    if (have == NULL) {
        snprintf(out, size, "at %s: missing", path->len ? cm_buf_str(path) : "(top)");
        return 1;
    }
    if (cJSON_IsObject(want) && cJSON_IsObject(have)) {
        cJSON_ArrayForEach(w, want)
        {
            h = cJSON_GetObjectItemCaseSensitive(have, w->string);
            if (key_is_plain(w->string))
                cm_buf_putc(path, '.');
            hx_path_key(path, w->string);
            if (mismatch(w, h, path, out, size))
                return 1;
            path->len = mark;
            path->data[mark] = '\0';
        }
    } else if (cJSON_IsArray(want) && cJSON_IsArray(have) &&
               cJSON_GetArraySize(want) == cJSON_GetArraySize(have)) {
        for (i = 0, w = want->child, h = have->child; w && h; i++, w = w->next, h = h->next) {
            hx_path_index(path, i);
            if (mismatch(w, h, path, out, size))
                return 1;
            path->len = mark;
            path->data[mark] = '\0';
        }
    }
    {
        char *ws = hx_json_excerpt(want, 120), *hs = hx_json_excerpt(have, 160);
        if (cJSON_IsArray(want) && cJSON_IsArray(have))
            snprintf(out, size, "at %s: expected %d elements %s, got %d: %s",
                     path->len ? cm_buf_str(path) : "(top)", cJSON_GetArraySize(want), ws,
                     cJSON_GetArraySize(have), hs);
        else if (strcmp(type_name(want), type_name(have)) != 0)
            snprintf(out, size, "at %s: expected %s %s, got %s %s",
                     path->len ? cm_buf_str(path) : "(top)", type_name(want), ws, type_name(have),
                     hs);
        else
            snprintf(out, size, "at %s: expected %s, got %s",
                     path->len ? cm_buf_str(path) : "(top)", ws, hs);
        free(ws);
        free(hs);
    }
    return 1;
}

int hx_json_mismatch(const cJSON *want, const cJSON *have, char *out, size_t size)
{
    struct cm_buf path;
    int r;

    cm_buf_init(&path, 0);
    cm_buf_puts(&path, "");
    r = mismatch(want, have, &path, out, size);
    cm_buf_release(&path);
    return r;
}
