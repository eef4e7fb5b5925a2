/*
 * vars.c: checking and expanding ${...} references.
 *
 * One scanner (next_ref) finds references and "$${" escapes; check and
 * expand both walk with it, so what loads is exactly what expands.
 */
#include "harness/vars.h"

#include "common/buf.h"
#include "common/mem.h"
#include "harness/jsonx.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define NAME_HINT                                                                                  \
    "known: admin.url, ca_file, workdir, <service>.url, vars.NAME, env.NAME, saved.NAME, "         \
    "state.<service>.<path>"

/*
 * Scans s from *pos. Returns 0 at the end, 1 with literal text [lit, lit+litlen)
 * to copy, 2 with a reference name [lit, lit+litlen), or -1 on an unterminated
 * reference.
 */
static int next_ref(const char *s, size_t *pos, const char **lit, size_t *litlen)
{
    const char *p = s + *pos, *q;

    if (*p == '\0')
        return 0;
    if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
        *lit = p + 1; /* "${" */
        *litlen = 2;
        *pos += 3;
        return 1;
    }
    if (p[0] == '$' && p[1] == '{') {
        q = strchr(p + 2, '}');
        if (q == NULL)
            return -1;
        *lit = p + 2;
        *litlen = (size_t)(q - p - 2);
        *pos += (size_t)(q - p) + 1;
        return 2;
    }
    q = p + 1;
    while (*q && *q != '$')
        q++;
    *lit = p;
    *litlen = (size_t)(q - p);
    *pos += *litlen;
    return 1;
}

static int has_service(const struct hx_var_scope *sc, const char *name, size_t n)
{
    size_t i;

    for (i = 0; i < sc->n_services; i++)
        if (strlen(sc->services[i]) == n && memcmp(sc->services[i], name, n) == 0)
            return 1;
    return 0;
}

/* A saved name: letters, digits, '_' and '-'. Returns its length. */
static size_t name_len(const char *s)
{
    size_t n = 0;

    while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '-')
        n++;
    return n;
}

static int check_one(const char *name, const struct hx_var_scope *sc, const char *where,
                     struct cm_err *err)
{
    const char *dot;
    size_t n, i;

    if (strcmp(name, "admin.url") == 0 || strcmp(name, "ca_file") == 0 ||
        strcmp(name, "workdir") == 0)
        return 0;
    if (strncmp(name, "state.", 6) == 0) {
        const char *svc = name + 6;
        dot = strchr(svc, '.');
        n = dot ? (size_t)(dot - svc) : strlen(svc);
        if (!has_service(sc, svc, n))
            return cm_fail(err, CM_EINVAL, "%s: ${%s}: '%.*s' is not a service of this scenario",
                           where, name, (int)n, svc);
        if (dot && hx_json_dotted_check(dot + 1) != 0)
            return cm_fail(err, CM_EINVAL,
                           "%s: ${%s}: bad state path '%s' (expected names and [index] joined "
                           "by '.')",
                           where, name, dot + 1);
        return 0;
    }
    if (strncmp(name, "vars.", 5) == 0) {
        if (sc->vars && cJSON_GetObjectItemCaseSensitive(sc->vars, name + 5))
            return 0;
        return cm_fail(err, CM_EINVAL, "%s: unknown variable '${%s}': no '%s' in \"vars\"", where,
                       name, name + 5);
    }
    if (strncmp(name, "env.", 4) == 0) {
        if (name[4] && getenv(name + 4))
            return 0;
        return cm_fail(err, CM_EINVAL,
                       "%s: unknown variable '${%s}': '%s' is not set in the environment of "
                       "secmock run",
                       where, name, name + 4);
    }
    if (strncmp(name, "saved.", 6) == 0) {
        const char *s = name + 6;
        n = name_len(s);
        for (i = 0; n && i < sc->n_saved; i++)
            if (strlen(sc->saved[i]) == n && strncmp(sc->saved[i], s, n) == 0)
                break;
        if (n == 0 || i == sc->n_saved)
            return cm_fail(err, CM_EINVAL,
                           "%s: unknown variable '${%s}': no earlier step saves '%.*s'", where,
                           name, (int)(n ? n : strlen(s)), s);
        if (s[n] != '\0' && (s[n] != '.' || hx_json_dotted_check(s + n + 1) != 0))
            return cm_fail(err, CM_EINVAL, "%s: ${%s}: bad path after 'saved.%.*s'", where, name,
                           (int)n, s);
        return 0;
    }
    dot = strchr(name, '.');
    if (dot && strcmp(dot, ".url") == 0 && has_service(sc, name, (size_t)(dot - name)))
        return 0;
    return cm_fail(err, CM_EINVAL, "%s: unknown variable '${%s}' (%s)", where, name, NAME_HINT);
}

int hx_vars_check(const char *s, const struct hx_var_scope *scope, const char *where,
                  struct cm_err *err)
{
    size_t pos = 0, n;
    const char *lit;
    int k, rc;

    while ((k = next_ref(s, &pos, &lit, &n)) != 0) {
        if (k < 0)
            return cm_fail(err, CM_EINVAL, "%s: unterminated '${' (write '$${' for a literal)",
                           where);
        if (k == 2) {
            char *name = cm_strndup(lit, n);
            rc = check_one(name, scope, where, err);
            free(name);
            if (rc)
                return rc;
        }
    }
    return 0;
}

void hx_vars_init(struct hx_vars *v)
{
    memset(v, 0, sizeof(*v));
    v->saved = cJSON_CreateObject();
    v->ca_file = "";
}

void hx_vars_release(struct hx_vars *v)
{
    cJSON_Delete(v->saved);
    v->saved = NULL;
}

void hx_vars_save(struct hx_vars *v, const char *name, const cJSON *value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(v->saved, name);
    cJSON_AddItemToObject(v->saved, name, cJSON_Duplicate(value, 1));
}

/* The value of one reference: a new node the caller deletes, or NULL with err set. */
static cJSON *resolve(struct hx_vars *v, const char *name, const char *where, struct cm_err *err)
{
    const cJSON *doc, *node;
    const char *dot;
    size_t n;

    if (strcmp(name, "admin.url") == 0)
        return cJSON_CreateString(v->admin_url ? v->admin_url : "");
    if (strcmp(name, "ca_file") == 0)
        return cJSON_CreateString(v->ca_file ? v->ca_file : "");
    if (strcmp(name, "workdir") == 0)
        return cJSON_CreateString(v->workdir ? v->workdir : "");
    if (strncmp(name, "vars.", 5) == 0) {
        node = cJSON_GetObjectItemCaseSensitive(v->vars, name + 5);
        if (node)
            return cJSON_Duplicate(node, 1);
    } else if (strncmp(name, "env.", 4) == 0) {
        const char *e = getenv(name + 4);
        if (e)
            return cJSON_CreateString(e);
    } else if (strncmp(name, "saved.", 6) == 0) {
        const char *s = name + 6;
        char *key;
        n = name_len(s);
        key = cm_strndup(s, n);
        node = cJSON_GetObjectItemCaseSensitive(v->saved, key);
        free(key);
        if (node && s[n] == '.')
            node = hx_json_dotted(node, s + n + 1);
        if (node)
            return cJSON_Duplicate(node, 1);
        if (s[n] == '.') {
            cm_fail(err, CM_ENOENT, "%s: ${%s}: the saved value has no '%s'", where, name,
                    s + n + 1);
            return NULL;
        }
    } else if (strncmp(name, "state.", 6) == 0) {
        char *svc;
        const char *path;
        dot = strchr(name + 6, '.');
        svc = dot ? cm_strndup(name + 6, (size_t)(dot - name - 6)) : cm_strdup(name + 6);
        path = dot ? dot + 1 : "";
        doc = v->fetch_state ? v->fetch_state(v->fetch_ud, svc, err) : NULL;
        if (doc == NULL) {
            if (v->fetch_state == NULL)
                cm_fail(err, CM_ENOENT, "%s: ${%s}: no state source", where, name);
            else {
                char why[sizeof(err->msg)];
                cm_strlcpy(why, err->msg, sizeof(why));
                cm_fail(err, CM_ENOENT, "%s: ${%s}: %s", where, name, why);
            }
            free(svc);
            return NULL;
        }
        node = hx_json_dotted(doc, path);
        if (node == NULL) {
            cm_fail(err, CM_ENOENT, "%s: ${%s}: '%s' is not in the state of '%s'", where, name,
                    path, svc);
            free(svc);
            return NULL;
        }
        free(svc);
        return cJSON_Duplicate(node, 1);
    } else if ((dot = strchr(name, '.')) != NULL && strcmp(dot, ".url") == 0) {
        char *svc = cm_strndup(name, (size_t)(dot - name));
        node = cJSON_GetObjectItemCaseSensitive(v->services, svc);
        free(svc);
        if (cJSON_IsString(node))
            return cJSON_CreateString(node->valuestring);
    }
    cm_fail(err, CM_EINVAL, "%s: unknown variable '${%s}' (%s)", where, name, NAME_HINT);
    return NULL;
}

int hx_vars_expand_str(struct hx_vars *v, const char *s, const char *where, char **out,
                       struct cm_err *err)
{
    struct cm_buf b;
    size_t pos = 0, n;
    const char *lit;
    int k;

    cm_buf_init(&b, 0);
    while ((k = next_ref(s, &pos, &lit, &n)) != 0) {
        if (k < 0) {
            cm_buf_release(&b);
            return cm_fail(err, CM_EINVAL, "%s: unterminated '${'", where);
        }
        if (k == 1) {
            cm_buf_append(&b, lit, n);
        } else {
            char *name = cm_strndup(lit, n), *text;
            cJSON *val = resolve(v, name, where, err);
            free(name);
            if (val == NULL) {
                cm_buf_release(&b);
                return CM_EINVAL;
            }
            text = hx_json_to_text(val);
            cm_buf_puts(&b, text);
            free(text);
            cJSON_Delete(val);
        }
    }
    *out = cm_buf_steal(&b, NULL);
    return 0;
}

static int expand_node(struct hx_vars *v, const cJSON *node, struct cm_buf *path, cJSON **out,
                       struct cm_err *err)
{
    const cJSON *c;
    size_t mark = path->len;
    int i = 0, rc;

    if (cJSON_IsString(node)) {
        const char *s = node->valuestring;
        size_t len = strlen(s);
        char *text;
        /* Exactly one reference: keep the value's type. */
        if (len > 3 && s[0] == '$' && s[1] == '{' && strchr(s, '}') == s + len - 1) {
            char *name = cm_strndup(s + 2, len - 3);
            cJSON *val = resolve(v, name, cm_buf_str(path), err);
            free(name);
            if (val == NULL)
                return CM_EINVAL;
            *out = val;
            return 0;
        }
        rc = hx_vars_expand_str(v, s, cm_buf_str(path), &text, err);
        if (rc)
            return rc;
        *out = cJSON_CreateString(text);
        free(text);
        return 0;
    }
    if (cJSON_IsObject(node) || cJSON_IsArray(node)) {
        cJSON *copy = cJSON_IsObject(node) ? cJSON_CreateObject() : cJSON_CreateArray();
        cJSON_ArrayForEach(c, node)
        {
            cJSON *sub = NULL;
            if (cJSON_IsObject(node))
                hx_path_key(path, c->string);
            else
                hx_path_index(path, i);
            i++;
            rc = expand_node(v, c, path, &sub, err);
            path->len = mark;
            path->data[mark] = '\0';
            if (rc) {
                cJSON_Delete(copy);
                return rc;
            }
            if (cJSON_IsObject(node))
                cJSON_AddItemToObject(copy, c->string, sub);
            else
                cJSON_AddItemToArray(copy, sub);
        }
        *out = copy;
        return 0;
    }
    *out = cJSON_Duplicate(node, 1);
    return 0;
}

int hx_vars_expand_json(struct hx_vars *v, const cJSON *node, const char *where, cJSON **out,
                        struct cm_err *err)
{
    struct cm_buf path;
    int rc;

    cm_buf_init(&path, 0);
    cm_buf_puts(&path, where);
    rc = expand_node(v, node, &path, out, err);
    cm_buf_release(&path);
    return rc;
}
