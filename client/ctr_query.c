/*
 * ctr_query.c: the Investigate syntax of Threat Response (type:"value"
 * terms and free text), parsed and checked before anything is sent.
 *
 * A term is typed when it starts with a word of letters, digits and '_'
 * followed by ':' and either a quote (then the word must be an observable
 * type, or the syntax is wrong) or a known type (then the value runs to the
 * next space). Anything else (1.1.1.1, http://x, a quoted phrase) is free
 * text for inspect. A quoted value ends at the same quote; a backslash
 * keeps the next character as it is.
 */
#include "client/ctr_query.h"

#include "common/error.h"
#include "common/mem.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char rc_ctr_syntax_help[] =
    "  ip:\"4.2.2.2\"                    email_subject:\"Invoice Due\"\n"
    "  domain:\"cisco.com\"              cisco_mid:\"12345\"\n"
    "  email:\"noreply@cisco.com\"       sha256:\"<64 hex digits>\"\n"
    "  email_messageid:\"123-abc-456@cisco.com\"\n"
    "  file_name:\"invoice.pdf\"";

enum check { ANY, IPV4, IPV6, DOMAIN, EMAIL, MID, HEX64, HEX40, HEX32, NOSPACE };

static const struct type {
    const char *name;
    const char *title;
    enum check check;
} types[] = {
    {"ip", "IP address", IPV4},
    {"ipv6", "IPv6 address", IPV6},
    {"domain", "domain", DOMAIN},
    {"hostname", "host name", NOSPACE},
    {"url", "URL", NOSPACE},
    {"email", "email address", EMAIL},
    {"email_subject", "email subject", ANY},
    {"email_messageid", "email message ID", ANY},
    {"cisco_mid", "Cisco message ID", MID},
    {"sha256", "SHA-256 file hash", HEX64},
    {"sha1", "SHA-1 file hash", HEX40},
    {"md5", "MD5 file hash", HEX32},
    {"file_name", "email attachment file name", ANY},
    {"file_path", "file path", ANY},
    {"user", "user", ANY},
    {"mac_address", "MAC address", NOSPACE},
    {NULL, NULL, ANY},
};

/* Words people write for a type (lower case, '_' and '-' removed) and the type they mean. */
static const struct {
    const char *word;
    const char *type;
} guesses[] = {
    {"subject", "email_subject"},
    {"emailsubject", "email_subject"},
    {"title", "email_subject"},
    {"sender", "email"},
    {"from", "email"},
    {"to", "email"},
    {"recipient", "email"},
    {"mail", "email"},
    {"address", "email"},
    {"emailaddress", "email"},
    {"mid", "cisco_mid"},
    {"ciscomid", "cisco_mid"},
    {"messageid", "email_messageid"},
    {"msgid", "email_messageid"},
    {"emailmessageid", "email_messageid"},
    {"hash", "sha256"},
    {"sha", "sha256"},
    {"filehash", "sha256"},
    {"filename", "file_name"},
    {"file", "file_name"},
    {"attachment", "file_name"},
    {"ipaddress", "ip"},
    {"ipv4", "ip"},
    {"host", "hostname"},
    {"dom", "domain"},
    {NULL, NULL},
};

static const struct type *find_type(const char *name, size_t len)
{
    const struct type *t;

    for (t = types; t->name; t++)
        if (strlen(t->name) == len && strncasecmp(t->name, name, len) == 0)
            return t;
    return NULL;
}

int rc_ctr_type_known(const char *type)
{
    return type && find_type(type, strlen(type)) != NULL;
}

const char *rc_ctr_type_title(const char *type)
{
    const struct type *t = type ? find_type(type, strlen(type)) : NULL;

    return t ? t->title : type;
}

/* The type a mistyped word most likely meant, or NULL. */
static const char *guess_type(const char *word, size_t len)
{
    char w[64];
    size_t i, n = 0;

    for (i = 0; i < len && n + 1 < sizeof(w); i++)
        if (word[i] != '_' && word[i] != '-')
            w[n++] = (char)tolower((unsigned char)word[i]);
    w[n] = '\0';
    for (i = 0; guesses[i].word; i++)
        if (strcmp(guesses[i].word, w) == 0)
            return guesses[i].type;
    return NULL;
}

static int all_hex(const char *s, size_t want)
{
    size_t i;

    for (i = 0; s[i]; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return i == want;
}

/* NULL when value fits the type, else what it should look like. */
static const char *check_value(const struct type *t, const char *v)
{
    unsigned char addr[16];
    const char *at, *p;

    switch (t->check) {
    case ANY:
        return NULL;
    case IPV4:
        return inet_pton(AF_INET, v, addr) == 1 ? NULL : "an IPv4 address such as 4.2.2.2";
    case IPV6:
        return inet_pton(AF_INET6, v, addr) == 1 ? NULL : "an IPv6 address such as 2001:db8::1";
    case DOMAIN:
        for (p = v; *p; p++)
            if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
                return "a domain name such as cisco.com";
        return strchr(v, '.') && v[0] != '.' ? NULL : "a domain name such as cisco.com";
    case EMAIL:
        at = strchr(v, '@');
        if (at == NULL || at == v || at[1] == '\0' || strchr(at + 1, '@') || strpbrk(v, " \t"))
            return "an email address such as noreply@cisco.com";
        return NULL;
    case MID:
        /* digits, optionally followed by "-<appliance>" (values seen as "<mid>-<...>") */
        for (p = v; isdigit((unsigned char)*p); p++)
            ;
        if (p == v || (*p && *p != '-') || (*p == '-' && p[1] == '\0'))
            return "a Cisco message ID, the number Message Tracking shows as MID (12345)";
        return NULL;
    case HEX64:
        return all_hex(v, 64) ? NULL : "64 hexadecimal digits";
    case HEX40:
        return all_hex(v, 40) ? NULL : "40 hexadecimal digits";
    case HEX32:
        return all_hex(v, 32) ? NULL : "32 hexadecimal digits";
    case NOSPACE:
        return strpbrk(v, " \t") ? "a value without spaces" : NULL;
    }
    return NULL;
}

void rc_ctr_query_add(struct rc_ctr_query *q, const char *type, const char *value)
{
    size_t i;

    for (i = 0; i < q->n; i++)
        if (strcmp(q->obs[i].type, type) == 0 && strcmp(q->obs[i].value, value) == 0)
            return;
    q->obs = cm_realloc(q->obs, (q->n + 1) * sizeof(*q->obs));
    q->obs[q->n].type = cm_strdup(type);
    q->obs[q->n].value = cm_strdup(value);
    q->n++;
}

void rc_ctr_query_release(struct rc_ctr_query *q)
{
    size_t i;

    for (i = 0; i < q->n; i++) {
        free(q->obs[i].type);
        free(q->obs[i].value);
    }
    free(q->obs);
    free(q->text);
    memset(q, 0, sizeof(*q));
}

cJSON *rc_ctr_query_json(const struct rc_ctr_query *q)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    for (i = 0; i < q->n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", q->obs[i].type);
        cJSON_AddStringToObject(o, "value", q->obs[i].value);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

/*
 * Reads a quoted string starting at *p (on the quote) into out (appended). 0 and *p after the
 * closing quote, or CM_EINVAL when it is not closed.
 */
static int read_quoted(const char **p, struct cm_buf *out)
{
    char quote = **p;
    const char *s = *p + 1;

    for (; *s && *s != quote; s++) {
        if (*s == '\\' && s[1])
            s++;
        cm_buf_putc(out, *s);
    }
    if (*s != quote)
        return CM_EINVAL;
    *p = s + 1;
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int fail(struct cm_buf *msg, const char *term, size_t tlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct cm_buf *msg, const char *term, size_t tlen, const char *fmt, ...)
{
    va_list ap;

    cm_buf_printf(msg, "wrong syntax in '%.*s': ", (int)tlen, term);
    va_start(ap, fmt);
    cm_buf_vprintf(msg, fmt, ap);
    va_end(ap);
    return CM_EINVAL;
}

static void add_text(struct cm_buf *text, const char *s, size_t n)
{
    if (text->len)
        cm_buf_putc(text, ' ');
    cm_buf_append(text, s, n);
}

int rc_ctr_query_parse(const char *q, struct rc_ctr_query *out, struct cm_buf *msg)
{
    struct cm_buf text, val;
    const char *p = q ? q : "";
    int rc = 0;

    memset(out, 0, sizeof(*out));
    cm_buf_init(&text, 0);
    cm_buf_init(&val, 0);
    for (;;) {
        const char *term, *w, *after;
        const struct type *t;
        size_t wlen;

        while (is_space(*p))
            p++;
        if (*p == '\0')
            break;
        term = p;
        w = p;
        while (isalnum((unsigned char)*p) || *p == '_')
            p++;
        wlen = (size_t)(p - w);
        if (wlen > 0 && *p == ':' && !isdigit((unsigned char)w[0])) {
            after = p + 1;
            t = find_type(w, wlen);
            if (*after == '"' || *after == '\'') {
                if (t == NULL) {
                    const char *g = guess_type(w, wlen);
                    size_t tl = strcspn(term, " \t");
                    const char *q2 = strchr(after + 1, *after);
                    if (q2)
                        tl = (size_t)(q2 + 1 - term);
                    cm_buf_printf(msg, "wrong syntax in '%.*s': '%.*s' is not an observable type",
                                  (int)tl, term, (int)wlen, w);
                    if (g)
                        cm_buf_printf(msg, " (did you mean %s?)", g);
                    rc = CM_EINVAL;
                    goto out;
                }
                p = after;
                cm_buf_reset(&val);
                if (read_quoted(&p, &val) != 0) {
                    rc = fail(msg, term, strlen(term), "the %s quote is not closed",
                              *after == '"' ? "\"" : "'");
                    goto out;
                }
                if (*p && !is_space(*p)) {
                    rc = fail(msg, term, strcspn(term, " \t"),
                              "expected a space after the closing quote");
                    goto out;
                }
            } else if (t != NULL) {
                p = after;
                if (*p == '\0' || is_space(*p)) {
                    rc = fail(msg, term, (size_t)(p - term),
                              "no value after '%s:'; write %s:\"value\" with no space after ':'",
                              t->name, t->name);
                    goto out;
                }
                cm_buf_reset(&val);
                while (*p && !is_space(*p))
                    cm_buf_putc(&val, *p++);
            } else {
                /* a word with a colon that is no type (http://x, 12:30): free text */
                while (*p && !is_space(*p))
                    p++;
                add_text(&text, term, (size_t)(p - term));
                continue;
            }
            if (val.len == 0) {
                rc = fail(msg, term, (size_t)(p - term), "the %s is empty", t->title);
                goto out;
            }
            {
                const char *want = check_value(t, cm_buf_str(&val));
                if (want) {
                    cm_buf_printf(msg, "wrong syntax in '%.*s': %s expects %s", (int)(p - term),
                                  term, t->name, want);
                    rc = CM_EINVAL;
                    goto out;
                }
            }
            rc_ctr_query_add(out, t->name, cm_buf_str(&val));
            continue;
        }
        p = term;
        if (*p == '"' || *p == '\'') {
            cm_buf_reset(&val);
            if (read_quoted(&p, &val) != 0) {
                rc = fail(msg, term, strlen(term), "the %s quote is not closed",
                          *term == '"' ? "\"" : "'");
                goto out;
            }
            if (val.len)
                add_text(&text, val.data, val.len);
            continue;
        }
        while (*p && !is_space(*p))
            p++;
        add_text(&text, term, (size_t)(p - term));
    }
    if (out->n == 0 && text.len == 0) {
        cm_buf_puts(msg, "nothing to investigate: give observables such as email_subject:\"test "
                         "test\"");
        rc = CM_EINVAL;
        goto out;
    }
    if (text.len)
        out->text = cm_buf_steal(&text, NULL);
out:
    if (rc)
        rc_ctr_query_release(out);
    cm_buf_release(&text);
    cm_buf_release(&val);
    return rc;
}
