/*
 * logsrc.c: the TTP logs of an account, as sources the get-logs endpoints
 * page through: click (URL), impersonation and attachment records.
 *
 * A source is either the records a state gives (sorted once at load by time,
 * ties kept in the given order) or a generator: {"generate": {"seed", "count",
 * "start", "interval", "mix", "routes", "domain"}}. Record i of a generator is
 * at start + i * interval and everything else in it is drawn from (seed, kind,
 * i) alone, so a million records cost no memory, paging is O(page), and a time
 * bound is found by arithmetic (explicit records: binary search). The same
 * draws give the filter attributes (mm_logsrc_attr, cheap: no JSON) and the
 * full record (mm_logsrc_record), so the two always agree.
 *
 * Mix classes: "malicious" (scanResult malicious / result malicious /
 * taggedMalicious), "safe" (clean / safe / untagged) and "trusted" (clean
 * but permitted by an administrator, what Sophos drops as "trusted").
 */
#include "mock/mimecast/mm.h"

#include "common/json.h"
#include "common/mem.h"
#include "common/rng.h"
#include "common/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EXPLICIT  200000
#define MAX_GENERATED 10000000LL

enum { CLS_MALICIOUS, CLS_SAFE, CLS_TRUSTED };

static const char *const kind_names[] = {"url", "impersonation", "attachment"};
static const char *const time_keys[] = {"date", "eventTime", "date"};

const char *mm_log_kind_name(enum mm_log_kind k)
{
    return (unsigned)k < MM_NLOGS ? kind_names[k] : "?";
}

static int route_bit(const char *s)
{
    if (s && strcmp(s, "outbound") == 0)
        return MM_ROUTE_OUTBOUND;
    if (s && strcmp(s, "internal") == 0)
        return MM_ROUTE_INTERNAL;
    return MM_ROUTE_INBOUND; /* inbound, external, or unset */
}

/* ---- explicit records ---- */

/* The members a record's filter attributes come from, per kind (NULL: none). */
static const struct {
    const char *route, *result, *action, *sender, *recipient, *policy;
} attr_keys[] = {
    {"route", "scanResult", "action", "fromUserEmailAddress", "userEmailAddress", "ttpDefinition"},
    {NULL, NULL, "action", "senderAddress", "recipientAddress", "definition"},
    {"route", "result", "actionTriggered", "senderAddress", "recipientAddress", "definition"},
};

static void explicit_attr(enum mm_log_kind kind, const cJSON *rec, int64_t t, struct mm_logattr *a)
{
    const cJSON *id;

    memset(a, 0, sizeof(*a));
    a->t = t;
    a->route = attr_keys[kind].route ? route_bit(cm_json_str(rec, attr_keys[kind].route, NULL))
                                     : MM_ROUTE_INBOUND;
    a->result = attr_keys[kind].result ? cm_json_str(rec, attr_keys[kind].result, "") : NULL;
    a->action = cm_json_str(rec, attr_keys[kind].action, "");
    a->sender = cm_json_str(rec, attr_keys[kind].sender, "");
    a->recipient = cm_json_str(rec, attr_keys[kind].recipient, "");
    a->subject = cm_json_str(rec, "subject", "");
    a->policy = cm_json_str(rec, attr_keys[kind].policy, "");
    a->tagged_malicious = kind == MM_LOG_IMP && cm_json_bool(rec, "taggedMalicious", 0);
    cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(rec, "identifiers"))
    {
        if (kind == MM_LOG_IMP && cJSON_IsString(id) && a->nidentifiers < 8)
            a->identifiers[a->nidentifiers++] = id->valuestring;
    }
}

struct sort_item {
    int64_t t;
    int64_t i;
    const cJSON *rec;
};

static int cmp_item(const void *pa, const void *pb)
{
    const struct sort_item *a = pa, *b = pb;

    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static int build_explicit(struct mm_logsrc *src, const cJSON *arr, const char *where,
                          struct cm_err *err)
{
    int64_t n = cJSON_GetArraySize(arr), i = 0;
    struct sort_item *items;
    const cJSON *rec;
    const char *tkey = time_keys[src->kind];

    if (n > MAX_EXPLICIT)
        return cm_fail(err, CM_EINVAL, "%s: at most %d records (use \"generate\" for more)", where,
                       MAX_EXPLICIT);
    items = cm_calloc((size_t)n + 1, sizeof(*items));
    cJSON_ArrayForEach(rec, arr)
    {
        int64_t t;
        if (!cJSON_IsObject(rec) || mm_iso_parse(cm_json_str(rec, tkey, NULL), &t) != 0) {
            free(items);
            return cm_fail(err, CM_EINVAL,
                           "%s[%lld].%s: every record needs a time such as "
                           "\"2026-03-02T09:00:00+0000\"",
                           where, (long long)i, tkey);
        }
        items[i].t = t;
        items[i].i = i;
        items[i].rec = rec;
        i++;
    }
    qsort(items, (size_t)n, sizeof(*items), cmp_item);
    src->recs = cm_calloc((size_t)n + 1, sizeof(*src->recs));
    src->attrs = cm_calloc((size_t)n + 1, sizeof(*src->attrs));
    for (i = 0; i < n; i++) {
        src->recs[i] = items[i].rec;
        explicit_attr(src->kind, items[i].rec, items[i].t, &src->attrs[i]);
    }
    src->n = n;
    free(items);
    return 0;
}

/* ---- generator ---- */

static int weights(const cJSON *spec, const char *key, const char *where, const char *const *names,
                   const unsigned *dflt, unsigned *out, struct cm_err *err)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(spec, key), *it;
    unsigned sum = 0;
    int i;

    for (i = 0; i < 3; i++)
        out[i] = o ? 0 : dflt[i];
    if (o == NULL)
        return 0;
    if (!cJSON_IsObject(o))
        return cm_fail(err, CM_EINVAL, "%s.%s: expected an object of weights", where, key);
    cJSON_ArrayForEach(it, o)
    {
        for (i = 0; i < 3 && strcmp(names[i], it->string) != 0; i++)
            ;
        if (i == 3)
            return cm_fail(err, CM_EINVAL, "%s.%s.%s: unknown member (%s, %s, %s)", where, key,
                           it->string, names[0], names[1], names[2]);
        if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 1000000 ||
            it->valuedouble != (double)(unsigned)it->valuedouble)
            return cm_fail(err, CM_EINVAL, "%s.%s.%s: expected an integer weight from 0 to 1000000",
                           where, key, it->string);
        out[i] = (unsigned)it->valuedouble;
        sum += out[i];
    }
    if (sum == 0)
        return cm_fail(err, CM_EINVAL, "%s.%s: at least one weight must be above zero", where, key);
    return 0;
}

static int build_gen(struct mm_logsrc *src, const cJSON *spec, const char *where0,
                     struct cm_err *err)
{
    static const char *const keys[] = {"seed", "count",  "start",  "interval",
                                       "mix",  "routes", "domain", NULL};
    static const char *const mix_names[] = {"malicious", "safe", "trusted"};
    static const char *const route_names[] = {"inbound", "outbound", "internal"};
    static const unsigned mix_dflt[] = {20, 70, 10}, route_dflt[] = {80, 10, 10};
    struct mm_gen *g = &src->gen;
    const cJSON *it;
    char where[300];
    int rc;

    snprintf(where, sizeof(where), "%s.generate", where0);
    if (!cJSON_IsObject(spec))
        return cm_fail(err, CM_EINVAL, "%s: expected an object", where);
    cJSON_ArrayForEach(it, spec)
    {
        size_t i;
        for (i = 0; keys[i] && strcmp(keys[i], it->string) != 0; i++)
            ;
        if (keys[i] == NULL)
            return cm_fail(err, CM_EINVAL,
                           "%s.%s: unknown member (seed, count, start, interval, mix, routes, "
                           "domain)",
                           where, it->string);
    }
    it = cJSON_GetObjectItemCaseSensitive(spec, "seed");
    if (it && (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 9007199254740991.0 ||
               it->valuedouble != (double)(int64_t)it->valuedouble))
        return cm_fail(err, CM_EINVAL, "%s.seed: expected a non-negative integer", where);
    g->seed = it ? (uint64_t)it->valuedouble : 1;
    it = cJSON_GetObjectItemCaseSensitive(spec, "count");
    if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > (double)MAX_GENERATED ||
        it->valuedouble != (double)(int64_t)it->valuedouble)
        return cm_fail(err, CM_EINVAL, "%s.count: required, an integer from 0 to %lld", where,
                       MAX_GENERATED);
    g->count = (int64_t)it->valuedouble;
    it = cJSON_GetObjectItemCaseSensitive(spec, "start");
    if (cJSON_IsNumber(it))
        g->start = (int64_t)it->valuedouble;
    else if (!cJSON_IsString(it) || mm_iso_parse(it->valuestring, &g->start) != 0)
        return cm_fail(err, CM_EINVAL,
                       "%s.start: required, a time such as \"2026-03-02T00:00:00Z\"", where);
    it = cJSON_GetObjectItemCaseSensitive(spec, "interval");
    g->interval = 60000;
    if (cJSON_IsNumber(it))
        g->interval = it->valuedouble >= 1 && it->valuedouble < 9e15 ? (int64_t)it->valuedouble : 0;
    else if (it && (!cJSON_IsString(it) || cm_duration_parse(it->valuestring, &g->interval) != 0))
        g->interval = 0;
    if (g->interval <= 0)
        return cm_fail(err, CM_EINVAL,
                       "%s.interval: expected a duration above zero such as "
                       "\"1m\"",
                       where);
    if (g->count > 0 && (g->start < -(INT64_C(1) << 50) || g->start > (INT64_C(1) << 50) ||
                         g->interval > (INT64_C(1) << 52) / g->count))
        return cm_fail(err, CM_EINVAL, "%s: start + count * interval is out of range", where);
    if ((rc = weights(spec, "mix", where, mix_names, mix_dflt, g->weights, err)) ||
        (rc = weights(spec, "routes", where, route_names, route_dflt, g->routes, err)))
        return rc;
    it = cJSON_GetObjectItemCaseSensitive(spec, "domain");
    if (it && (!cJSON_IsString(it) || it->valuestring[0] == '\0' ||
               strlen(it->valuestring) >= sizeof(g->domain) || strchr(it->valuestring, '@')))
        return cm_fail(err, CM_EINVAL,
                       "%s.domain: expected a domain name such as "
                       "\"example.com\"",
                       where);
    cm_strlcpy(g->domain, it ? it->valuestring : "example.com", sizeof(g->domain));
    src->generated = 1;
    src->n = g->count;
    return 0;
}

int mm_logsrc_build(struct mm_logsrc *src, enum mm_log_kind kind, const cJSON *member,
                    const char *where, struct cm_err *err)
{
    int rc;

    memset(src, 0, sizeof(*src));
    src->kind = kind;
    if (member == NULL)
        return 0;
    if (cJSON_IsArray(member))
        rc = build_explicit(src, member, where, err);
    else if (cJSON_IsObject(member) && cJSON_GetArraySize(member) == 1 &&
             cJSON_GetObjectItemCaseSensitive(member, "generate"))
        rc = build_gen(src, cJSON_GetObjectItemCaseSensitive(member, "generate"), where, err);
    else
        rc = cm_fail(err, CM_EINVAL,
                     "%s: expected an array of records or {\"generate\": {\"seed\": 1, "
                     "\"count\": 1000, \"start\": \"2026-03-01T00:00:00Z\", \"interval\": "
                     "\"1m\"}}",
                     where);
    if (rc)
        mm_logsrc_release(src);
    src->kind = kind;
    return rc;
}

void mm_logsrc_release(struct mm_logsrc *src)
{
    free(src->recs);
    free(src->attrs);
    memset(src, 0, sizeof(*src));
}

int64_t mm_logsrc_lower(const struct mm_logsrc *src, int64_t ms)
{
    int64_t lo = 0, hi = src->n, mid;

    if (src->generated) {
        const struct mm_gen *g = &src->gen;
        int64_t i;
        if (ms <= g->start)
            return 0;
        i = (ms - g->start + g->interval - 1) / g->interval;
        return i < g->count ? i : g->count;
    }
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (src->attrs[mid].t < ms)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int64_t mm_logsrc_upper(const struct mm_logsrc *src, int64_t ms)
{
    if (ms == INT64_MAX)
        return src->n;
    return mm_logsrc_lower(src, ms + 1);
}

/* ---- generated records ---- */

static const char *const url_bad_categories[] = {"Phishing & Fraud", "Malware", "Compromised",
                                                 "Dangerous file extension"};
static const char *const url_good_categories[] = {"Search Engines & Portals", "Business",
                                                  "News & Media", "Technology"};
static const char *const subjects[] = {
    "Invoice overdue",         "Your parcel is waiting", "Quarterly report",
    "Password expires today",  "Meeting notes",          "Updated payment details",
    "Shared document for you", "Team lunch on Friday",   "Action required: verify account",
    "Contract draft v2"};
static const char *const identifier_names[] = {
    "newly_observed_domain", "internal_user_name", "reply_address_mismatch",
    "targeted_threat_dictionary", "similar_internal_domain"};
static const char *const file_types[][2] = {
    {"invoice.pdf", "application/pdf"},
    {"report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"payload.xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12"},
    {"photo.jpg", "image/jpeg"},
    {"setup.zip", "application/zip"}};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Appends the decimal digits of v at p; returns the end (no NUL). */
static char *put_u(char *p, uint64_t v)
{
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static char *put_s(char *p, const char *s)
{
    size_t n = strlen(s);

    memcpy(p, s, n);
    return p + n;
}

static unsigned pick(struct cm_rng *r, const unsigned *w)
{
    uint64_t total = (uint64_t)w[0] + w[1] + w[2], x = cm_rng_below(r, total);

    if (x < w[0])
        return 0;
    return x < (uint64_t)w[0] + w[1] ? 1 : 2;
}

/* The draws every record of a kind starts with, in a fixed order. */
struct draw {
    struct cm_rng r;
    unsigned cls;
    int route;
    unsigned user, ext, subject, nident, ident0, variant;
};

static void draw(const struct mm_logsrc *src, int64_t i, struct draw *d)
{
    const struct mm_gen *g = &src->gen;
    static const int bits[] = {MM_ROUTE_INBOUND, MM_ROUTE_OUTBOUND, MM_ROUTE_INTERNAL};

    cm_rng_seed(&d->r, g->seed * 0x9E3779B97F4A7C15ull ^ (uint64_t)i * 0xBF58476D1CE4E5B9ull ^
                           ((uint64_t)src->kind + 1) * 0x94D049BB133111EBull);
    d->cls = pick(&d->r, g->weights);
    d->route = src->kind == MM_LOG_IMP ? MM_ROUTE_INBOUND : bits[pick(&d->r, g->routes)];
    d->user = (unsigned)cm_rng_below(&d->r, 500);
    d->ext = (unsigned)cm_rng_below(&d->r, 10000);
    d->subject = (unsigned)cm_rng_below(&d->r, NELEM(subjects));
    d->nident = d->cls == CLS_MALICIOUS ? 1 + (unsigned)cm_rng_below(&d->r, 3)
                : d->cls == CLS_SAFE    ? (unsigned)cm_rng_below(&d->r, 2)
                                        : 0;
    d->ident0 = (unsigned)cm_rng_below(&d->r, NELEM(identifier_names));
    d->variant = (unsigned)cm_rng_below(&d->r, 1000);
}

static void gen_attr(const struct mm_logsrc *src, int64_t i, const struct draw *d,
                     struct mm_logattr *a, struct mm_logattr_buf *buf)
{
    const struct mm_gen *g = &src->gen;
    char user[128], ext[96];
    unsigned k;

    memset(a, 0, sizeof(*a));
    a->t = g->start + i * g->interval;
    a->route = d->route;
    /* by hand, not snprintf: every record a page scans comes through here */
    *put_s(put_s(put_u(put_s(user, "user"), d->user), "@"), g->domain) = '\0';
    *put_s(put_u(put_s(put_u(put_s(ext, "sender"), d->ext), "@external"), d->ext % 97),
           ".example.net") = '\0';
    if (d->route == MM_ROUTE_OUTBOUND) {
        cm_strlcpy(buf->sender, user, sizeof(buf->sender));
        cm_strlcpy(buf->recipient, ext, sizeof(buf->recipient));
    } else if (d->route == MM_ROUTE_INTERNAL) {
        cm_strlcpy(buf->sender, user, sizeof(buf->sender));
        *put_s(put_s(put_u(put_s(buf->recipient, "user"), (d->user + 1 + d->ext) % 500), "@"),
               g->domain) = '\0';
    } else {
        cm_strlcpy(buf->sender, ext, sizeof(buf->sender));
        cm_strlcpy(buf->recipient, user, sizeof(buf->recipient));
    }
    cm_strlcpy(buf->subject, subjects[d->subject], sizeof(buf->subject));
    a->sender = buf->sender;
    a->recipient = buf->recipient;
    a->subject = buf->subject;
    switch (src->kind) {
    case MM_LOG_URL:
        a->result = d->cls == CLS_MALICIOUS ? "malicious" : "clean";
        a->action = d->cls == CLS_MALICIOUS ? "block" : "allow";
        a->policy = d->variant % 5 == 0             ? ""
                    : d->route == MM_ROUTE_OUTBOUND ? "Default Outbound URL Protect Definition"
                    : d->route == MM_ROUTE_INTERNAL ? "Default Internal URL Protect Definition"
                                                    : "Default Inbound URL Protect Definition";
        break;
    case MM_LOG_ATT:
        a->result = d->cls == CLS_MALICIOUS ? "malicious" : d->cls == CLS_SAFE ? "safe" : "clean";
        a->action = d->cls == CLS_MALICIOUS ? "sandbox, block" : "none, none";
        a->policy = d->route == MM_ROUTE_OUTBOUND ? "Default Outbound Attachment Protect Definition"
                                                  : "Default Inbound Attachment Protect Definition";
        break;
    default:
        a->tagged_malicious = d->cls == CLS_MALICIOUS;
        a->action = d->cls == CLS_MALICIOUS ? (d->variant % 2 ? "hold" : "bounce") : "none";
        a->policy = "Default Impersonation Definition";
        for (k = 0; k < d->nident; k++)
            a->identifiers[a->nidentifiers++] =
                identifier_names[(d->ident0 + k) % NELEM(identifier_names)];
        break;
    }
}

void mm_logsrc_attr(const struct mm_logsrc *src, int64_t i, struct mm_logattr *out,
                    struct mm_logattr_buf *buf)
{
    struct draw d;

    if (!src->generated) {
        *out = src->attrs[i];
        return;
    }
    draw(src, i, &d);
    gen_attr(src, i, &d, out, buf);
}

static const char *route_name(int bit)
{
    return bit == MM_ROUTE_OUTBOUND   ? "outbound"
           : bit == MM_ROUTE_INTERNAL ? "internal"
                                      : "inbound";
}

static void hexdraw(struct cm_rng *r, char *out, size_t nhex)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < nhex; i++)
        out[i] = hex[cm_rng_below(r, 16)];
    out[nhex] = '\0';
}

/* Writes key, the literal text before the value such as ",\"url\":", and value as a JSON
 * string at w; returns the end. */
static char *field(char *w, const char *key, const char *value)
{
    return mk_json_escape(put_s(w, key), value);
}

/* The same for a value known to need no escape: printable ASCII without '"' or '\\' (the
 * generator's own words, digits and hex, never the domain). */
static char *plain(char *w, const char *key, const char *value)
{
    w = put_s(w, key);
    *w++ = '"';
    w = put_s(w, value);
    *w++ = '"';
    return w;
}

/* Record i of a generator written as JSON: what the API returns, member for member. Written
 * into rec first, then appended once: the strings that can grow when escaped all come from
 * the domain (under 64 bytes, at most 6 bytes written for each), so a record stays under
 * 4 KB. */
static void gen_write(const struct mm_logsrc *src, int64_t i, struct cm_buf *b)
{
    char rec[8192], *w = rec;
    struct mm_logattr a;
    struct mm_logattr_buf buf;
    struct draw d;
    const char *dom = src->gen.domain;
    char t[40], tmp[160], msgid[160], mid[40], hash[65], *p;
    unsigned k;

    draw(src, i, &d);
    gen_attr(src, i, &d, &a, &buf);
    mm_time_log(a.t, t, sizeof(t));
    hexdraw(&d.r, mid, 16);
    p = put_s(put_s(put_s(put_s(msgid, "<"), mid), "@mail."), dom);
    *put_s(p, ">") = '\0';
    switch (src->kind) {
    case MM_LOG_URL:
        w = field(w, "{\"userEmailAddress\":", a.recipient);
        w = field(w, ",\"fromUserEmailAddress\":", a.sender);
        if (d.cls == CLS_MALICIOUS)
            p = put_u(put_s(put_s(put_s(tmp, "https://login-"), mid), ".example.net/verify?id="),
                      d.variant);
        else
            p = put_u(put_s(put_s(put_s(tmp, "https://www.example.org/"),
                                  d.cls == CLS_TRUSTED ? "partners" : "news"),
                            "/page"),
                      d.variant);
        *p = '\0';
        w = plain(w, ",\"url\":", tmp);
        w = plain(w, ",\"ttpDefinition\":", a.policy);
        w = plain(w, ",\"subject\":", a.subject);
        w = plain(w, ",\"action\":", a.action);
        w = plain(w, ",\"adminOverride\":", d.cls == CLS_TRUSTED ? "Permit" : "N/A");
        w = plain(w, ",\"userOverride\":", "None");
        w = plain(w, ",\"scanResult\":", a.result);
        w = plain(w, ",\"category\":",
                  d.cls == CLS_MALICIOUS ? url_bad_categories[d.variant % NELEM(url_bad_categories)]
                  : d.cls == CLS_TRUSTED
                      ? "Trusted"
                      : url_good_categories[d.variant % NELEM(url_good_categories)]);
        if (a.route == MM_ROUTE_INBOUND)
            *put_u(put_s(tmp, "203.0.113."), d.ext % 254 + 1) = '\0';
        else
            cm_strlcpy(tmp, "Internal IP", sizeof(tmp));
        w = plain(w, ",\"sendingIp\":", tmp);
        w = plain(w, ",\"userAwarenessAction\":", "N/A");
        w = plain(w, ",\"date\":", t);
        w = plain(w, ",\"actions\":", d.cls == CLS_MALICIOUS ? "Block" : "Allow");
        w = plain(w, ",\"route\":", route_name(a.route));
        w = plain(w, ",\"creationMethod\":", d.variant % 10 ? "User Click" : "Entry Scan");
        w = put_s(w, ",\"emailPartsDescription\":[\"Body\"]");
        w = field(w, ",\"messageId\":", msgid);
        w = put_s(w, ",\"tagMap\":{}}");
        break;
    case MM_LOG_ATT:
        k = d.variant % NELEM(file_types);
        hexdraw(&d.r, hash, 64);
        w = plain(w, "{\"result\":", a.result);
        w = plain(w, ",\"date\":", t);
        w = field(w, ",\"senderAddress\":", a.sender);
        w = plain(w, ",\"fileName\":", file_types[k][0]);
        w = plain(w, ",\"actionTriggered\":", a.action);
        w = plain(w, ",\"route\":", route_name(a.route));
        w = field(w, ",\"details\":",
                  d.cls == CLS_MALICIOUS ? "Malicious\r\nTime taken: 0 hrs, 0 min, 41 sec"
                                         : "Safe\r\nTime taken: 0 hrs, 0 min, 3 sec");
        w = field(w, ",\"recipientAddress\":", a.recipient);
        w = plain(w, ",\"fileType\":", file_types[k][1]);
        w = plain(w, ",\"fileHash\":", hash);
        w = field(w, ",\"messageId\":", msgid);
        w = plain(w, ",\"subject\":", a.subject);
        w = plain(w, ",\"definition\":", a.policy);
        *w++ = '}';
        break;
    default: {
        unsigned char idb[12];
        char idtxt[20];
        for (k = 0; k < sizeof(idb); k++)
            idb[k] = (unsigned char)cm_rng_below(&d.r, 256);
        mm_b64url_encode(idb, sizeof(idb), idtxt, sizeof(idtxt));
        *put_s(put_s(tmp, "MTOKEN:eNq"), idtxt) = '\0';
        w = plain(w, "{\"id\":", tmp);
        w = field(w, ",\"senderAddress\":", a.sender);
        w = field(w, ",\"recipientAddress\":", a.recipient);
        w = plain(w, ",\"subject\":", subjects[d.subject]);
        w = plain(w, ",\"definition\":", a.policy);
        *put_u(put_s(tmp, ",\"hits\":"), (unsigned)a.nidentifiers) = '\0';
        w = put_s(w, tmp);
        w = put_s(w, ",\"identifiers\":[");
        for (k = 0; k < (unsigned)a.nidentifiers; k++)
            w = plain(w, k ? "," : "", a.identifiers[k]);
        w = plain(w, "],\"action\":", a.action);
        w = put_s(w,
                  d.cls != CLS_TRUSTED ? ",\"taggedExternal\":true" : ",\"taggedExternal\":false");
        w = put_s(w,
                  a.tagged_malicious ? ",\"taggedMalicious\":true" : ",\"taggedMalicious\":false");
        *put_u(put_s(tmp, "198.51.100."), d.ext % 254 + 1) = '\0';
        w = plain(w, ",\"senderIpAddress\":", tmp);
        w = plain(w, ",\"eventTime\":", t);
        w = put_s(w, ",\"impersonationResults\":[");
        if (a.nidentifiers > 0) {
            *put_s(put_s(tmp, dom), "-secure.example.net") = '\0';
            w = plain(w, "{\"impersonationDomainSource\":", "Mimecast");
            w = field(w, ",\"similarDomain\":", tmp);
            w = field(w, ",\"stringSimilarToDomain\":", dom);
            w = plain(w, ",\"checkerResult\":", "similar_internal_domain");
            *w++ = '}';
        }
        w = field(w, "],\"messageId\":", msgid);
        *w++ = '}';
        break;
    }
    }
    cm_buf_append(b, rec, (size_t)(w - rec));
}

void mm_logsrc_write(const struct mm_logsrc *src, int64_t i, struct cm_buf *b)
{
    if (src->generated)
        gen_write(src, i, b);
    else
        mk_json_put(b, src->recs[i]);
}

cJSON *mm_logsrc_record(const struct mm_logsrc *src, int64_t i)
{
    struct cm_buf b;
    cJSON *rec;

    if (!src->generated)
        return cJSON_Duplicate(src->recs[i], 1);
    cm_buf_init(&b, 0);
    gen_write(src, i, &b);
    rec = cm_json_parse(cm_buf_str(&b), b.len, "generated record", NULL);
    cm_buf_release(&b);
    if (rec == NULL)
        abort();
    return rec;
}
