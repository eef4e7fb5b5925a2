/*
 * ctr_inspect.c: POST /iroh/iroh-inspect/inspect, which pulls observables
 * out of free text, and the CTIM observable vocabulary.
 *
 * Vendor facts ([sx00] query_tr.rst, [tr05] functional test): the body is
 * {"content": "<text>"} and the answer a bare array of {"type", "value"}
 * ({"content": "1.1.1.1"} gives [{"type": "ip", "value": "1.1.1.1"}]). The
 * investigation syntax of [tn215556] (Verification) is type:"value", with
 * double or single quotes (its screenshot shows email_subject:'test test').
 *
 * Ours: the exact extraction rules.
 *   - type:"value", type:'value' and type:value (no spaces) for any CTIM type;
 *     the type is matched case-insensitively; a backslash escapes the quote.
 *   - A typed value that is not valid for its type (ip:"not-an-ip",
 *     sha256:"abc") is dropped; ip:"<IPv6>" is reported as ipv6.
 *   - An unterminated quote drops the typed term and the rest is read as
 *     free text; an unknown type prefix is read as free text.
 *   - Free text yields url (http/https), email, ip, ipv6, sha256, sha1, md5
 *     and domain (a host name with an alphabetic top-level label that is not
 *     a common file extension, so invoice.pdf is not a domain).
 *   - Order of first appearance, duplicates dropped, at most 1000.
 */
#include "mock/ctr/ctr.h"

#include "common/json.h"
#include "common/mem.h"
#include "mock/sse/sse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* [ctim] src/ctim/schemas/vocabularies.cljc, observable-type-identifier (a subset). */
static const char *const ctim_types[] = {
    "amp_computer_guid",
    "certificate_common_name",
    "certificate_issuer",
    "certificate_serial",
    "cisco_cm_id",
    "cisco_mid",
    "cisco_uc_id",
    "crowdstrike_id",
    "cybereason_guid",
    "device",
    "domain",
    "email",
    "email_messageid",
    "email_subject",
    "file_name",
    "file_path",
    "hostname",
    "imei",
    "imsi",
    "ip",
    "ipv6",
    "mac_address",
    "md5",
    "meraki_node_id",
    "ms_machine_id",
    "mutex",
    "ngfw_id",
    "ngfw_name",
    "odns_identity",
    "odns_identity_label",
    "orbital_node_id",
    "pki_serial",
    "process_name",
    "registry_key",
    "s1_agent_id",
    "sha1",
    "sha256",
    "swc_device_id",
    "url",
    "user",
    "user_agent",
    NULL,
};

int ctr_observable_type_known(const char *type)
{
    size_t i;

    for (i = 0; ctim_types[i]; i++)
        if (strcmp(ctim_types[i], type) == 0)
            return 1;
    return 0;
}

static int all_hex(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return n > 0;
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static const char *const file_exts[] = {
    "pdf", "doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "txt", "csv",  "rtf",
    "exe", "dll", "bat",  "cmd",  "ps1", "vbs",  "js",   "jar", "msi",  "iso", "img",  "rar",
    "7z",  "gz",  "tgz",  "tar",  "png", "jpg",  "jpeg", "gif", "bmp",  "htm", "html", "eml",
    "msg", "hta", "lnk",  "scr",  "xml", "json", "log",  "py",  "sh",   NULL,
};

/* 1 when s is a host name with at least two labels and an alphabetic top-level label. */
static int is_domain(const char *s)
{
    const char *label = s, *p, *tld;
    size_t i, n = strlen(s);

    if (n < 4 || n > 253 || s[0] == '.' || s[n - 1] == '.' || strchr(s, '.') == NULL)
        return 0;
    for (p = s; *p; p++) {
        if (*p == '.') {
            if (p == label || p[-1] == '-' || *label == '-' || p - label > 63)
                return 0;
            label = p + 1;
        } else if (!isalnum((unsigned char)*p) && *p != '-') {
            return 0;
        }
    }
    tld = strrchr(s, '.') + 1;
    if (strlen(tld) < 2 || *label == '-' || s[n - 1] == '-')
        return 0;
    for (p = tld; *p; p++)
        if (!isalpha((unsigned char)*p))
            return 0;
    for (i = 0; file_exts[i]; i++)
        if (strcasecmp(tld, file_exts[i]) == 0)
            return 0;
    return 1;
}

static int is_email(const char *s)
{
    const char *at = strchr(s, '@');

    return at && at != s && strchr(at + 1, '@') == NULL && is_domain(at + 1) &&
           strcspn(s, " \t\r\n") == strlen(s) && strlen(s) <= 320;
}

static int is_mid(const char *s)
{
    size_t n = strspn(s, "0123456789");

    return n > 0 && n <= 15 && (s[n] == '\0' || (s[n] == '-' && s[n + 1] != '\0'));
}

/* Appends {type, value} unless present; value is normalized per type first. */
static void add(cJSON *out, const char *type, const char *value)
{
    cJSON *it;

    if (cJSON_GetArraySize(out) >= CTR_MAX_OBSERVABLES || value[0] == '\0')
        return;
    cJSON_ArrayForEach(it, out)
    {
        if (strcmp(cm_json_str(it, "type", ""), type) == 0 &&
            strcmp(cm_json_str(it, "value", ""), value) == 0)
            return;
    }
    it = cJSON_CreateObject();
    cJSON_AddStringToObject(it, "type", type);
    cJSON_AddStringToObject(it, "value", value);
    cJSON_AddItemToArray(out, it);
}

/* A typed term: validated and normalized per type; invalid values are dropped. */
static void add_typed(cJSON *out, const char *type, char *value)
{
    size_t n = strlen(value);

    if (n == 0 || n > 2048)
        return;
    if (strcmp(type, "ip") == 0 || strcmp(type, "ipv6") == 0) {
        int v = sse_ip_version(value);
        if (v == 4 && strcmp(type, "ip") == 0)
            add(out, "ip", value);
        else if (v == 6)
            add(out, "ipv6", value);
    } else if (strcmp(type, "sha256") == 0 || strcmp(type, "sha1") == 0 ||
               strcmp(type, "md5") == 0) {
        size_t want = type[0] == 'm' ? 32 : type[3] == '1' ? 40 : 64;
        if (n == want && all_hex(value, n)) {
            lower(value);
            add(out, type, value);
        }
    } else if (strcmp(type, "email") == 0) {
        if (is_email(value))
            add(out, type, value);
    } else if (strcmp(type, "domain") == 0) {
        lower(value);
        if (is_domain(value))
            add(out, type, value);
    } else if (strcmp(type, "cisco_mid") == 0) {
        if (is_mid(value))
            add(out, type, value);
    } else {
        add(out, type, value);
    }
}

static void add_free(cJSON *out, char *tok)
{
    size_t n = strlen(tok);
    int v;

    while (n > 0 && strchr(".!?", tok[n - 1]))
        tok[--n] = '\0';
    if (n == 0 || n > 2048)
        return;
    if (strncasecmp(tok, "http://", 7) == 0 || strncasecmp(tok, "https://", 8) == 0) {
        if (n > 8)
            add(out, "url", tok);
    } else if (strchr(tok, '@')) {
        if (is_email(tok))
            add(out, "email", tok);
    } else if ((v = sse_ip_version(tok)) != 0) {
        add(out, v == 4 ? "ip" : "ipv6", tok);
    } else if ((n == 64 || n == 40 || n == 32) && all_hex(tok, n)) {
        lower(tok);
        add(out, n == 64 ? "sha256" : n == 40 ? "sha1" : "md5", tok);
    } else {
        lower(tok);
        if (is_domain(tok))
            add(out, "domain", tok);
    }
}

static const char SEPARATORS[] = ",;\"'()[]{}<>|";

cJSON *ctr_inspect_text(const char *text, size_t len)
{
    cJSON *out = cJSON_CreateArray();
    char *buf = cm_malloc(len + 1);
    size_t i = 0, j, k, n;
    char type[40];

    while (i < len && cJSON_GetArraySize(out) < CTR_MAX_OBSERVABLES) {
        unsigned char ch = (unsigned char)text[i];
        if (isspace(ch) || ch == '\0' || strchr(SEPARATORS, ch)) {
            i++;
            continue;
        }
        /* type:"value" */
        for (j = i; j < len && (isalnum((unsigned char)text[j]) || text[j] == '_'); j++)
            ;
        if (j > i && j - i < sizeof(type) && j + 1 < len && text[j] == ':') {
            memcpy(type, text + i, j - i);
            type[j - i] = '\0';
            lower(type);
            if (ctr_observable_type_known(type)) {
                char q = text[j + 1];
                if (q == '"' || q == '\'') {
                    for (k = j + 2, n = 0; k < len && text[k] != q; k++) {
                        if (text[k] == '\\' && k + 1 < len && text[k + 1] == q)
                            k++;
                        buf[n++] = text[k];
                    }
                    if (k < len) {
                        buf[n] = '\0';
                        add_typed(out, type, buf);
                        i = k + 1;
                    } else {
                        i = j + 2; /* unterminated: the rest is free text */
                    }
                    continue;
                }
                if (!isspace((unsigned char)q)) {
                    for (k = j + 1, n = 0; k < len && !isspace((unsigned char)text[k]); k++)
                        buf[n++] = text[k];
                    buf[n] = '\0';
                    add_typed(out, type, buf);
                    i = k;
                    continue;
                }
            }
        }
        /* a free-text token */
        for (j = i, n = 0; j < len && !isspace((unsigned char)text[j]) && text[j] != '\0' &&
                           !strchr(SEPARATORS, text[j]);
             j++)
            buf[n++] = text[j];
        buf[n] = '\0';
        if (n)
            add_free(out, buf);
        i = j > i ? j : i + 1;
    }
    free(buf);
    return out;
}

int ctr_inspect(struct mk_request *req, struct mk_response *resp)
{
    cJSON *doc, *content;
    char msg[96];

    if (ctr_authorize(req, resp, "inspect:read") == NULL)
        return MK_DONE;
    if (req->body_len > CTR_BODY_MAX) {
        ctr_error(req, resp, 413, "body_too_large", "the request body is larger than 1 MiB");
        return MK_DONE;
    }
    doc = cm_json_parse(req->body, req->body_len, "body", NULL);
    if (doc == NULL) {
        ctr_invalid(req, resp, "body", "malformed-json");
        return MK_DONE;
    }
    content = cJSON_GetObjectItemCaseSensitive(doc, "content");
    if (!cJSON_IsObject(doc) || content == NULL) {
        ctr_invalid(req, resp, "content", "missing-required-key");
    } else if (!cJSON_IsString(content)) {
        ctr_invalid(req, resp, "content", "(not (instance? java.lang.String content))");
    } else if (strlen(content->valuestring) > CTR_INSPECT_MAX) {
        snprintf(msg, sizeof(msg), "(not (<= (count content) %d))", CTR_INSPECT_MAX);
        ctr_invalid(req, resp, "content", msg);
    } else {
        cJSON *out = ctr_inspect_text(content->valuestring, strlen(content->valuestring));
        mk_req_detail(req, "%d observables", cJSON_GetArraySize(out));
        mk_resp_json(resp, 200, out);
    }
    cJSON_Delete(doc);
    return MK_DONE;
}
