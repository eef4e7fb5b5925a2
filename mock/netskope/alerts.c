/*
 * alerts.c: the malware and malsite alert feeds the dataexport iterators read.
 *
 * A feed holds the records a state gives (kept as given, with `_id`,
 * `alert_type` and a numeric `timestamp` filled in when missing) and the
 * records generated from a spec {"count", "seed", "start", "every"}. A
 * generated record depends only on (type, seed, position, time), so the same
 * spec gives the same alerts on every run, and raising `count` keeps the
 * earlier ones. Both kinds are indexed together in the order the iterators
 * serve: by timestamp, then by `_id`.
 */
#include "mock/netskope/ns.h"

#include "common/mem.h"
#include "common/rng.h"
#include "common/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const feed_names[NS_NFEEDS] = {"malware", "malsite"};
static const char *const feed_alert_types[NS_NFEEDS] = {"Malware", "malsite"};

enum ns_feed_type ns_feed_type_of(const char *name)
{
    int i;

    for (i = 0; i < NS_NFEEDS; i++)
        if (name && strcmp(name, feed_names[i]) == 0)
            return (enum ns_feed_type)i;
    return NS_NFEEDS;
}

const char *ns_feed_name(enum ns_feed_type t)
{
    return t < NS_NFEEDS ? feed_names[t] : "?";
}

static void hex(struct cm_rng *r, char *out, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++)
        out[i] = digits[cm_rng_below(r, 16)];
    out[n] = '\0';
}

static const char *pick(struct cm_rng *r, const char *const *list, size_t n)
{
    return list[cm_rng_below(r, n)];
}

#define PICK(r, list) pick(r, list, sizeof(list) / sizeof(list[0]))

cJSON *ns_alert_generate(enum ns_feed_type type, uint64_t seed, size_t i, int64_t ts)
{
    static const char *const apps[] = {"Google Drive", "Box", "Dropbox", "Microsoft OneDrive",
                                       "Web"};
    static const char *const exts[] = {"exe", "docm", "zip", "pdf", "js", "xlsm"};
    static const char *const families[] = {"Gen:Variant.Mock", "Trojan.GenericKD",
                                           "W97M.Downloader", "JS.Agent", "Ransom.Mock"};
    static const char *const mtypes[] = {"Trojan", "Ransomware", "Downloader", "Backdoor", "Worm"};
    static const char *const severities[] = {"low", "medium", "high", "critical"};
    static const char *const categories[] = {"Malware", "Phishing", "Botnet", "Spam",
                                             "Command and Control"};
    struct cm_rng r;
    char id[25], md5[33], sha256[65], text[160];
    unsigned user;
    cJSON *o = cJSON_CreateObject();

    cm_rng_seed(&r, (seed * 0x9E3779B97F4A7C15ull) ^ (((uint64_t)type + 1) << 56) ^ (uint64_t)i);
    hex(&r, id, 24);
    hex(&r, md5, 32);
    hex(&r, sha256, 64);
    user = (unsigned)cm_rng_below(&r, 50) + 1;
    cJSON_AddStringToObject(o, "_id", id);
    cJSON_AddStringToObject(o, "alert", "yes");
    cJSON_AddStringToObject(o, "alert_type", feed_alert_types[type]);
    cJSON_AddNumberToObject(o, "timestamp", (double)ts);
    snprintf(text, sizeof(text), "user%02u@example.com", user);
    cJSON_AddStringToObject(o, "user", text);
    if (type == NS_MALWARE) {
        char object[64];
        cJSON_AddStringToObject(o, "app", PICK(&r, apps));
        snprintf(object, sizeof(object), "file-%zu.%s", i + 1, PICK(&r, exts));
        cJSON_AddStringToObject(o, "object", object);
        snprintf(text, sizeof(text), "%s.%u", PICK(&r, families),
                 (unsigned)cm_rng_below(&r, 90000) + 10000);
        cJSON_AddStringToObject(o, "malware_name", text);
        cJSON_AddStringToObject(o, "malware_type", PICK(&r, mtypes));
        cJSON_AddStringToObject(o, "severity", PICK(&r, severities));
        snprintf(text, sizeof(text), "https://files.example.com/%s", object);
        cJSON_AddStringToObject(o, "url", text);
        cJSON_AddStringToObject(o, "md5", md5);
        cJSON_AddStringToObject(o, "sha256", sha256);
        cJSON_AddStringToObject(o, "local_md5", md5);
        cJSON_AddStringToObject(o, "local_sha256", sha256);
    } else {
        unsigned site = (unsigned)cm_rng_below(&r, 900) + 100;
        cJSON *cats = cJSON_AddArrayToObject(o, "malsite_category");
        cJSON_AddItemToArray(cats, cJSON_CreateString(PICK(&r, categories)));
        snprintf(text, sizeof(text), "malsite-%u.example.net", site);
        cJSON_AddStringToObject(o, "site", text);
        snprintf(text, sizeof(text), "http://malsite-%u.example.net/dl/%zu", site, i + 1);
        cJSON_AddStringToObject(o, "url", text);
        cJSON_AddStringToObject(o, "severity", PICK(&r, severities));
        cJSON_AddStringToObject(o, "md5", md5);
        cJSON_AddStringToObject(o, "sha256", sha256);
    }
    return o;
}

static int cmp_alert(const void *a, const void *b)
{
    const struct ns_alert *x = a, *y = b;

    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return strcmp(x->id, y->id);
}

void ns_feed_release(struct ns_feed *f)
{
    cJSON_Delete(f->given);
    cJSON_Delete(f->gen);
    cJSON_Delete(f->made);
    free(f->sorted);
    memset(f, 0, sizeof(*f));
}

/* Epoch seconds from a number or an RFC 3339 string; 0 or CM_EINVAL. */
static int epoch_of(const cJSON *v, int64_t *out)
{
    int64_t ms;

    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e12) {
        *out = (int64_t)v->valuedouble;
        return 0;
    }
    if (cJSON_IsString(v) && cm_time_parse(v->valuestring, &ms) == 0 && ms >= 0) {
        *out = ms / 1000;
        return 0;
    }
    return CM_EINVAL;
}

/* Fills the defaults of one given record (a copy) and checks it. */
static int fix_record(cJSON *rec, enum ns_feed_type type, size_t i, struct cm_err *err)
{
    const char *what = feed_names[type];
    cJSON *id, *ts;
    int64_t secs;

    if (!cJSON_IsObject(rec))
        return cm_fail(err, CM_EINVAL, "alerts.%s[%zu]: expected an alert object", what, i);
    ts = cJSON_GetObjectItemCaseSensitive(rec, "timestamp");
    if (ts == NULL || epoch_of(ts, &secs) != 0)
        return cm_fail(err, CM_EINVAL,
                       "alerts.%s[%zu].timestamp: expected epoch seconds or an RFC 3339 time", what,
                       i);
    cJSON_ReplaceItemInObjectCaseSensitive(rec, "timestamp", cJSON_CreateNumber((double)secs));
    id = cJSON_GetObjectItemCaseSensitive(rec, "_id");
    if (id == NULL) {
        struct cm_rng r;
        char made[25];
        cm_rng_seed(&r, ((uint64_t)type + 1) * 0x100000001B3ull + (uint64_t)i);
        hex(&r, made, 24);
        cJSON_AddStringToObject(rec, "_id", made);
    } else if (!cJSON_IsString(id) || id->valuestring[0] == '\0' ||
               strlen(id->valuestring) > NS_ID_MAX) {
        return cm_fail(err, CM_EINVAL,
                       "alerts.%s[%zu]._id: expected a string of 1 to %d characters", what, i,
                       NS_ID_MAX);
    }
    if (cJSON_GetObjectItemCaseSensitive(rec, "alert_type") == NULL)
        cJSON_AddStringToObject(rec, "alert_type", feed_alert_types[type]);
    return 0;
}

/* Reads a generate spec into count, seed, start (seconds) and every (ms). */
static int read_spec(const cJSON *spec, enum ns_feed_type type, size_t *count, uint64_t *seed,
                     int64_t *start, int64_t *every, struct cm_err *err)
{
    const char *what = feed_names[type];
    const cJSON *it;

    if (!cJSON_IsObject(spec))
        return cm_fail(err, CM_EINVAL,
                       "alerts.generate.%s: expected {\"count\", \"seed\", \"start\", \"every\"}",
                       what);
    cJSON_ArrayForEach(it, spec)
    {
        if (strcmp(it->string, "count") && strcmp(it->string, "seed") &&
            strcmp(it->string, "start") && strcmp(it->string, "every"))
            return cm_fail(err, CM_EINVAL,
                           "alerts.generate.%s.%s: unknown member (count, seed, start, every)",
                           what, it->string);
    }
    it = cJSON_GetObjectItemCaseSensitive(spec, "count");
    if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > NS_GENERATE_MAX ||
        it->valuedouble != (double)(int64_t)it->valuedouble)
        return cm_fail(err, CM_EINVAL, "alerts.generate.%s.count: expected an integer from 0 to %d",
                       what, NS_GENERATE_MAX);
    *count = (size_t)it->valuedouble;
    it = cJSON_GetObjectItemCaseSensitive(spec, "seed");
    if (it && (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 9007199254740991.0))
        return cm_fail(err, CM_EINVAL, "alerts.generate.%s.seed: expected a non-negative integer",
                       what);
    *seed = it ? (uint64_t)it->valuedouble : 1;
    it = cJSON_GetObjectItemCaseSensitive(spec, "start");
    if (it == NULL || epoch_of(it, start) != 0)
        return cm_fail(err, CM_EINVAL,
                       "alerts.generate.%s.start: expected an RFC 3339 time or epoch seconds",
                       what);
    it = cJSON_GetObjectItemCaseSensitive(spec, "every");
    *every = 60000;
    if (it && cJSON_IsNumber(it) && it->valuedouble >= 0)
        *every = (int64_t)it->valuedouble;
    else if (it && !(cJSON_IsString(it) && cm_duration_parse(it->valuestring, every) == 0))
        return cm_fail(err, CM_EINVAL, "alerts.generate.%s.every: expected a duration (\"15m\")",
                       what);
    if (*every > 366LL * 86400 * 1000)
        return cm_fail(err, CM_EINVAL, "alerts.generate.%s.every: at most a year", what);
    return 0;
}

static void index_array(struct ns_feed *f, const cJSON *arr)
{
    const cJSON *rec;

    cJSON_ArrayForEach(rec, arr)
    {
        struct ns_alert *a = &f->sorted[f->n++];
        a->ts = (int64_t)cJSON_GetObjectItemCaseSensitive(rec, "timestamp")->valuedouble;
        a->id = cJSON_GetObjectItemCaseSensitive(rec, "_id")->valuestring;
        a->rec = rec;
    }
}

int ns_feed_build(struct ns_feed *f, enum ns_feed_type type, const cJSON *records,
                  const cJSON *spec, struct cm_err *err)
{
    size_t count = 0, i, given;
    uint64_t seed = 1;
    int64_t start = 0, every = 0;
    cJSON *rec;
    int rc = 0;

    memset(f, 0, sizeof(*f));
    if (records && !cJSON_IsArray(records))
        return cm_fail(err, CM_EINVAL, "alerts.%s: expected an array of alert objects",
                       feed_names[type]);
    given = records ? (size_t)cJSON_GetArraySize(records) : 0;
    if (spec) {
        rc = read_spec(spec, type, &count, &seed, &start, &every, err);
        if (rc)
            return rc;
    }
    if (given + count > NS_ALERTS_MAX)
        return cm_fail(err, CM_ETOOBIG, "alerts.%s: more than %d alerts (given plus generated)",
                       feed_names[type], NS_ALERTS_MAX);
    f->given = records ? cJSON_Duplicate(records, 1) : cJSON_CreateArray();
    f->gen = spec ? cJSON_Duplicate(spec, 1) : NULL;
    f->made = cJSON_CreateArray();
    i = 0;
    cJSON_ArrayForEach(rec, f->given)
    {
        rc = fix_record(rec, type, i++, err);
        if (rc)
            goto out;
    }
    for (i = 0; i < count; i++)
        cJSON_AddItemToArray(f->made,
                             ns_alert_generate(type, seed, i, start + (int64_t)i * every / 1000));
    f->sorted = cm_calloc(given + count + 1, sizeof(*f->sorted));
    index_array(f, f->given);
    index_array(f, f->made);
    qsort(f->sorted, f->n, sizeof(*f->sorted), cmp_alert);
    for (i = 1; i < f->n; i++) {
        if (cmp_alert(&f->sorted[i - 1], &f->sorted[i]) == 0) {
            rc = cm_fail(err, CM_EINVAL, "alerts.%s: two alerts have _id '%s' and timestamp %lld",
                         feed_names[type], f->sorted[i].id, (long long)f->sorted[i].ts);
            goto out;
        }
    }
out:
    if (rc)
        ns_feed_release(f);
    return rc;
}
