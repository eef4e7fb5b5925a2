/*
 * redact.c: secret-hiding for the verbose log.
 *
 * JSON bodies are rewritten structurally (parse, replace, print); everything
 * else goes through one small scanner that finds `key <sep> value` pairs,
 * with sep '=' or ':' and the key and value optionally quoted. The scanner
 * copies the text through unchanged except for the values of secret keys, so
 * a form body, a query string and a Python-repr body are all handled by it.
 */
#include "client/redact.h"

#include "common/json.h"
#include "common/mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MASK "***"

int rc_redact_is_secret_key(const char *key, size_t len)
{
    static const char *const secret[] = {
        "token",     "password",    "passwd",  "secret", "clientsecret", "accesskey",
        "secretkey", "accesstoken", "idtoken", "apikey", "apitoken",     "refreshtoken",
    };
    char norm[32];
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        if (key[i] == '_' || key[i] == '-')
            continue;
        if (n + 1 >= sizeof(norm))
            return 0;
        norm[n++] = (char)tolower((unsigned char)key[i]);
    }
    norm[n] = '\0';
    for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
        if (strcmp(norm, secret[i]) == 0)
            return 1;
    return 0;
}

/* Headers whose whole value is a secret. Authorization is handled apart: its scheme is kept. */
int rc_redact_is_secret_header(const char *name)
{
    static const char *const secret[] = {
        "Authorization", "Proxy-Authorization", "X-Secmock-Token", "Netskope-Api-Token",
        "Cookie",        "Set-Cookie",          "X-Api-Key",
    };
    size_t i;

    for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
        if (strcasecmp(name, secret[i]) == 0)
            return 1;
    return 0;
}

int rc_redact_header_line(const char *line, struct cm_buf *out)
{
    const char *colon = strchr(line, ':');
    const char *v, *sp;
    char name[64];
    size_t nlen;

    if (colon == NULL || (size_t)(colon - line) >= sizeof(name))
        return cm_buf_puts(out, line);
    nlen = (size_t)(colon - line);
    memcpy(name, line, nlen);
    name[nlen] = '\0';
    if (!rc_redact_is_secret_header(name))
        return cm_buf_puts(out, line);
    v = colon + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    if (cm_buf_append(out, line, nlen) || cm_buf_puts(out, ": "))
        return CM_ETOOBIG;
    sp = strchr(v, ' ');
    if ((strcasecmp(name, "Authorization") == 0 || strcasecmp(name, "Proxy-Authorization") == 0) &&
        sp != NULL && sp > v) {
        if (cm_buf_append(out, v, (size_t)(sp - v)) || cm_buf_putc(out, ' '))
            return CM_ETOOBIG;
    }
    return cm_buf_puts(out, MASK);
}

static int is_key_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* The pair scanner described at the top of the file. */
static int redact_pairs(const char *t, size_t len, struct cm_buf *out)
{
    size_t i = 0;

    while (i < len) {
        size_t start = i, j, k;
        char q = 0;

        if (!is_key_char(t[i]) || (i > 0 && is_key_char(t[i - 1]))) {
            if (cm_buf_putc(out, t[i++]))
                return CM_ETOOBIG;
            continue;
        }
        while (i < len && is_key_char(t[i]))
            i++;
        if (cm_buf_append(out, t + start, i - start))
            return CM_ETOOBIG;
        if (start > 0 && (t[start - 1] == '"' || t[start - 1] == '\''))
            q = t[start - 1];
        j = i;
        if (q && j < len && t[j] == q)
            j++;
        while (j < len && (t[j] == ' ' || t[j] == '\t'))
            j++;
        if (j >= len || (t[j] != '=' && t[j] != ':') ||
            !rc_redact_is_secret_key(t + start, i - start))
            continue;
        j++;
        while (j < len && (t[j] == ' ' || t[j] == '\t'))
            j++;
        if (j < len && (t[j] == '"' || t[j] == '\'')) {
            char vq = t[j++];
            for (k = j; k < len && t[k] != vq; k++)
                if (t[k] == '\\' && k + 1 < len)
                    k++;
        } else {
            for (k = j; k < len && strchr("&,; \t\r\n}])", t[k]) == NULL; k++)
                ;
        }
        /* Copy the closing quote, separator and opening quote; mask the value. */
        if (cm_buf_append(out, t + i, j - i) || (k > j && cm_buf_puts(out, MASK)))
            return CM_ETOOBIG;
        i = k;
    }
    return 0;
}

int rc_redact_url(const char *url, struct cm_buf *out)
{
    const char *auth = strstr(url, "://"), *end, *at, *colon, *query;

    if (auth != NULL) {
        auth += 3;
        end = auth + strcspn(auth, "/?#");
        at = memchr(auth, '@', (size_t)(end - auth));
        colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
        if (colon != NULL) {
            if (cm_buf_append(out, url, (size_t)(colon + 1 - url)) || cm_buf_puts(out, MASK))
                return CM_ETOOBIG;
            url = at;
        }
    }
    query = strchr(url, '?');
    if (query == NULL)
        return cm_buf_puts(out, url);
    if (cm_buf_append(out, url, (size_t)(query - url)) ||
        redact_pairs(query, strcspn(query, "#"), out))
        return CM_ETOOBIG;
    return cm_buf_puts(out, query + strcspn(query, "#"));
}

static void redact_json(cJSON *node)
{
    cJSON *it, *next;

    for (it = node ? node->child : NULL; it != NULL; it = next) {
        next = it->next;
        if (cJSON_IsObject(node) && it->string &&
            rc_redact_is_secret_key(it->string, strlen(it->string)) && !cJSON_IsNull(it)) {
            /* Replace this very member (duplicate keys included); the key moves over. */
            cJSON *mask = cJSON_CreateString(MASK);
            if (mask == NULL)
                abort();
            mask->string = it->string;
            it->string = NULL;
            cJSON_ReplaceItemViaPointer(node, it, mask);
        } else {
            redact_json(it);
        }
    }
}

int rc_redact_body(const char *body, size_t len, struct cm_buf *out)
{
    size_t i = 0;
    cJSON *doc;
    char *text;
    int rc;

    while (i < len && isspace((unsigned char)body[i]))
        i++;
    if (i < len && (body[i] == '{' || body[i] == '[')) {
        doc = cm_json_parse(body, len, "body", NULL);
        if (doc != NULL) {
            redact_json(doc);
            text = cm_json_print(doc);
            rc = cm_buf_puts(out, text);
            free(text);
            cJSON_Delete(doc);
            return rc;
        }
    }
    return redact_pairs(body, len, out);
}
