/*
 * state.c: the Mimecast console as data. Load validates a state document,
 * fills every default and keeps the normalized copy (so handlers read typed
 * members without checking); dump writes that copy back, which load accepts.
 * Indexes are derived at load: each account's grid, its three TTP logs
 * (logsrc.c) and its threat feed sorted by time.
 *
 * Shape (docs/mimecast.md, "State"):
 *
 *   {"settings": {...},
 *    "accounts": [{"code", "name", "grid", "host", "enhanced_logging": {inbound, outbound,
 *                  internal}, "packages": [], "admin_ip_ranges": [], "byo_quota",
 *                  "auth_profiles": [], "roles": [], "users": [], "applications": [],
 *                  "bindings": [], "tokens": [], "logs": {"url", "impersonation",
 *                  "attachment"}, "threat_feed": [], "byo_batches": []}]}
 *
 * Unknown members are refused, so a typo in a fixture is an error, not a
 * silently ignored setting; every error names the JSON path
 * ("accounts[0].users[2].auth_profile: no profile 'Never' in this account").
 */
#include "mock/mimecast/mm.h"

#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"
#include "mock/kit/netaddr.h"
#include "mock/kit/statecheck.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ACCOUNTS 64
#define MAX_ITEMS    100000 /* users, apps, bindings, tokens, batches, feed entries per account */

const struct mm_grid mm_grids[] = {
    {"us", "us-api.mimecast.com", "CUSA"},
    {"usb", "usb-api.mimecast.com", "CUSB"},
    {"ca", "ca-api.mimecast.com", "CCA"},
    {"eu", "eu-api.mimecast.com", "CUK"},
    {"de", "de-api.mimecast.com", "CDE"},
    {"au", "au-api.mimecast.com", "CAU"},
    {"za", "za-api.mimecast.com", "CSA"},
    {"jer", "jer-api.mimecast.com", ""},
    {"uspcom", "uspcom-api.mimecast-pscom-us.com", ""},
};
const size_t mm_ngrids = sizeof(mm_grids) / sizeof(mm_grids[0]);

int mm_grid_find(const char *name)
{
    size_t i;

    for (i = 0; name && i < mm_ngrids; i++)
        if (strcmp(mm_grids[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* ---- small document helpers ---- */

int64_t mm_doc_time(const cJSON *obj, const char *key, int64_t dflt)
{
    const char *s = cm_json_str(obj, key, NULL);
    int64_t ms;

    return s && cm_time_parse(s, &ms) == 0 ? ms : dflt;
}

void mm_doc_set_time(cJSON *obj, const char *key, int64_t ms)
{
    char t[40];

    cm_time_format(ms, t, sizeof(t));
    mm_doc_set_str(obj, key, t);
}

void mm_doc_set_str(cJSON *obj, const char *key, const char *value)
{
    cJSON *v = value ? cJSON_CreateString(value) : cJSON_CreateNull();

    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
    else
        cJSON_AddItemToObject(obj, key, v);
}

void mm_doc_set_bool(cJSON *obj, const char *key, int value)
{
    cJSON *v = cJSON_CreateBool(value);

    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
    else
        cJSON_AddItemToObject(obj, key, v);
}

int64_t mm_doc_ttl(const cJSON *obj, const char *key, int64_t dflt)
{
    const char *s = cm_json_str(obj, key, NULL);
    int64_t ms;

    if (s == NULL)
        return dflt;
    if (strcmp(s, "never") == 0)
        return -1;
    return cm_duration_parse(s, &ms) == 0 ? ms : dflt;
}

/* ---- validation helpers (the common ones are mock/kit/statecheck.h): each returns 0 or
 * CM_EINVAL with err naming the path ---- */

/* A string or null (absent = null). */
static int v_str_null(const cJSON *in, const char *key, const char *where, size_t max, cJSON *out,
                      struct cm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(in, key);

    if (it == NULL || cJSON_IsNull(it)) {
        cJSON_AddNullToObject(out, key);
        return 0;
    }
    return mk_sc_str(in, key, where, max, 0, NULL, out, err);
}

/* A duration ("90s", "3d", integer ms) or, when never_ok, "never"; written normalized. */
static int v_dur(const cJSON *in, const char *key, const char *where, const char *dflt,
                 int never_ok, int64_t lo_ms, cJSON *out, struct cm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(in, key);
    char norm[32];
    int64_t ms;

    if (it == NULL && strcmp(dflt, "never") != 0 && cm_duration_parse(dflt, &ms) == 0) {
        cm_duration_format(ms, norm, sizeof(norm));
        cJSON_AddStringToObject(out, key, norm);
        return 0;
    }
    if (it == NULL) {
        cJSON_AddStringToObject(out, key, dflt);
        return 0;
    }
    if (never_ok && cJSON_IsString(it) && strcmp(it->valuestring, "never") == 0) {
        cJSON_AddStringToObject(out, key, "never");
        return 0;
    }
    if (cJSON_IsNumber(it) && it->valuedouble >= 0 && it->valuedouble < 9.2e15)
        ms = (int64_t)it->valuedouble;
    else if (!cJSON_IsString(it) || cm_duration_parse(it->valuestring, &ms) != 0)
        ms = -1;
    if (ms < lo_ms)
        return cm_fail(err, CM_EINVAL, "%s.%s: expected a duration such as \"30m\" or \"3d\"%s%s",
                       where, key, never_ok ? " or \"never\"" : "",
                       lo_ms > 0 ? " (greater than zero)" : "");
    cm_duration_format(ms, norm, sizeof(norm));
    cJSON_AddStringToObject(out, key, norm);
    return 0;
}

/* A time (RFC 3339 string or integer ms), written as RFC 3339; *ms receives it. */
static int v_time(const cJSON *in, const char *key, const char *where, int64_t dflt, cJSON *out,
                  int64_t *ms, struct cm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(in, key);
    int64_t v = dflt;

    if (it) {
        if (cJSON_IsNumber(it))
            v = (int64_t)it->valuedouble;
        else if (!cJSON_IsString(it) || mm_iso_parse(it->valuestring, &v) != 0)
            return cm_fail(err, CM_EINVAL,
                           "%s.%s: expected a time such as \"2026-03-02T09:00:00Z\"", where, key);
    }
    mm_doc_set_time(out, key, v);
    if (ms)
        *ms = v;
    return 0;
}

static int v_strarr(const cJSON *in, const char *key, const char *where, int maxn, size_t maxlen,
                    cJSON *out, struct cm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(in, key), *s;
    cJSON *arr = cJSON_AddArrayToObject(out, key);

    if (it == NULL)
        return 0;
    if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) > maxn)
        return cm_fail(err, CM_EINVAL, "%s.%s: expected an array of at most %d strings", where, key,
                       maxn);
    cJSON_ArrayForEach(s, it)
    {
        if (!cJSON_IsString(s) || strlen(s->valuestring) > maxlen)
            return cm_fail(err, CM_EINVAL, "%s.%s: expected strings of at most %zu characters",
                           where, key, maxlen);
        cJSON_AddItemToArray(arr, cJSON_CreateString(s->valuestring));
    }
    return 0;
}

/* The array member key (absent = empty), with at most max items. */
static int v_array(const cJSON *in, const char *key, const char *where, int max, const cJSON **arr,
                   struct cm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(in, key);

    *arr = it;
    if (it && (!cJSON_IsArray(it) || cJSON_GetArraySize(it) > max))
        return cm_fail(err, CM_EINVAL, "%s.%s: expected an array of at most %d items", where, key,
                       max);
    return 0;
}

static int keychars(const char *s, const char *extra)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
            return 0;
    return 1;
}

/* ---- settings ---- */

static int load_settings(const cJSON *in, cJSON *out, struct mm_settings *set, struct cm_err *err)
{
    static const char *const keys[] = {"date_skew",
                                       "strict_request_ids",
                                       "key_delay",
                                       "page_size",
                                       "page_size_max",
                                       "feed_page_size",
                                       "bindings_per_user",
                                       "default_cache_ttl",
                                       "session_ttl",
                                       "token_ttl",
                                       "rate_limit",
                                       "byo_max_hashes",
                                       NULL};
    static const char *const rkeys[] = {"limit", "interval", "headers", NULL};
    const cJSON *rl;
    cJSON *rout, *empty = cJSON_CreateObject();
    const char *hdr;
    int rc;

    if (in == NULL)
        in = empty;
    rl = cJSON_GetObjectItemCaseSensitive(in, "rate_limit");
    if ((rc = mk_sc_keys(in, "settings", keys, err)) ||
        (rc = v_dur(in, "date_skew", "settings", "15m", 0, 0, out, err)) ||
        (rc = mk_sc_bool(in, "strict_request_ids", "settings", 0, out, err)) ||
        (rc = v_dur(in, "key_delay", "settings", "30m", 0, 0, out, err)) ||
        (rc = mk_sc_int(in, "page_size", "settings", 1, 10000, 100, out, err)) ||
        (rc = mk_sc_int(in, "page_size_max", "settings", 1, 10000, 500, out, err)) ||
        (rc = mk_sc_int(in, "feed_page_size", "settings", 1, 100000, 1000, out, err)) ||
        (rc = mk_sc_int(in, "bindings_per_user", "settings", 1, 10000, 10, out, err)) ||
        (rc = v_dur(in, "default_cache_ttl", "settings", "3d", 1, 1, out, err)) ||
        (rc = v_dur(in, "session_ttl", "settings", "3d", 1, 1, out, err)) ||
        (rc = v_dur(in, "token_ttl", "settings", "1799s", 0, 1000, out, err)) ||
        (rc = mk_sc_int(in, "byo_max_hashes", "settings", 1, 100000, 1000, out, err)))
        goto out;
    if (cm_json_num(out, "page_size", 0) > cm_json_num(out, "page_size_max", 0)) {
        rc = cm_fail(err, CM_EINVAL, "settings.page_size: larger than settings.page_size_max");
        goto out;
    }
    rout = cJSON_AddObjectToObject(out, "rate_limit");
    if (rl == NULL)
        rl = empty;
    if ((rc = mk_sc_keys(rl, "settings.rate_limit", rkeys, err)) ||
        (rc = mk_sc_int(rl, "limit", "settings.rate_limit", 0, 10000000, 0, rout, err)) ||
        (rc = v_dur(rl, "interval", "settings.rate_limit", "1h", 0, 1, rout, err)) ||
        (rc = mk_sc_str(rl, "headers", "settings.rate_limit", 16, 0, "on_429", rout, err)))
        goto out;
    hdr = cm_json_str(rout, "headers", "");
    if (strcmp(hdr, "on_429") != 0 && strcmp(hdr, "always") != 0) {
        rc = cm_fail(err, CM_EINVAL,
                     "settings.rate_limit.headers: expected \"on_429\" or "
                     "\"always\"");
        goto out;
    }
    set->date_skew_ms = mm_doc_ttl(out, "date_skew", 0);
    set->strict_request_ids = cm_json_bool(out, "strict_request_ids", 0);
    set->key_delay_ms = mm_doc_ttl(out, "key_delay", 0);
    set->page_size = (int)cm_json_num(out, "page_size", 100);
    set->page_size_max = (int)cm_json_num(out, "page_size_max", 500);
    set->feed_page_size = (int)cm_json_num(out, "feed_page_size", 1000);
    set->bindings_per_user = (int)cm_json_num(out, "bindings_per_user", 10);
    set->default_cache_ttl_ms = mm_doc_ttl(out, "default_cache_ttl", -1);
    set->session_ttl_ms = mm_doc_ttl(out, "session_ttl", -1);
    set->token_ttl_ms = mm_doc_ttl(out, "token_ttl", 1799000);
    set->byo_max_hashes = (int)cm_json_num(out, "byo_max_hashes", 1000);
    set->rate_limit = (int)cm_json_num(rout, "limit", 0);
    set->rate_interval_ms = mm_doc_ttl(rout, "interval", 3600000);
    set->rate_headers_always = strcmp(hdr, "always") == 0;
out:
    cJSON_Delete(empty);
    return rc;
}

/* ---- account members ---- */

/* What an item loader may read besides the item: the normalized state built so far. */
struct item_ctx {
    const struct mm_settings *set;
    const cJSON *accounts; /* the normalized accounts so far */
    const cJSON *acct;     /* the normalized account being built */
    int64_t now;
};

static int load_rate(const cJSON *in, const char *where, cJSON *out, struct cm_err *err)
{
    static const char *const keys[] = {"remaining", "at", NULL};
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(in, "rate");
    char w[256];
    cJSON *o;
    int rc;

    if (r == NULL || cJSON_IsNull(r))
        return 0;
    snprintf(w, sizeof(w), "%s.rate", where);
    o = cJSON_AddObjectToObject(out, "rate");
    if ((rc = mk_sc_keys(r, w, keys, err)) ||
        (rc = mk_sc_int(r, "remaining", w, 0, 10000000, 0, o, err)) ||
        (rc = v_time(r, "at", w, 0, o, NULL, err)))
        return rc;
    return 0;
}

static int load_profile(const cJSON *in, const char *where, const struct item_ctx *ctx, cJSON *out,
                        struct cm_err *err)
{
    (void)ctx;
    static const char *const keys[] = {"name", "cache_ttl", "sso", "two_factor", NULL};
    int rc;

    if ((rc = mk_sc_keys(in, where, keys, err)) ||
        (rc = mk_sc_str(in, "name", where, 128, 0, NULL, out, err)) ||
        (rc = v_dur(in, "cache_ttl", where, "3d", 1, 1, out, err)) ||
        (rc = mk_sc_bool(in, "sso", where, 0, out, err)) ||
        (rc = mk_sc_bool(in, "two_factor", where, 0, out, err)))
        return rc;
    return 0;
}

static int load_role(const cJSON *in, const char *where, const struct item_ctx *ctx, cJSON *out,
                     struct cm_err *err)
{
    (void)ctx;
    static const char *const keys[] = {"name", "permissions", NULL};
    int rc;

    if ((rc = mk_sc_keys(in, where, keys, err)) ||
        (rc = mk_sc_str(in, "name", where, 128, 0, NULL, out, err)) ||
        (rc = v_strarr(in, "permissions", where, 256, 128, out, err)))
        return rc;
    return 0;
}

static int load_user(const cJSON *in, const char *where, const struct item_ctx *ctx, cJSON *out,
                     struct cm_err *err)
{
    const cJSON *acct = ctx->acct;
    static const char *const keys[] = {"email",        "password", "ad_password", "disabled",
                                       "auth_profile", "role",     "rate",        NULL};
    const char *email, *ref;
    int rc;

    if ((rc = mk_sc_keys(in, where, keys, err)) ||
        (rc = mk_sc_str(in, "email", where, 254, 0, NULL, out, err)) ||
        (rc = mk_sc_str(in, "password", where, 256, 1, "", out, err)) ||
        (rc = v_str_null(in, "ad_password", where, 256, out, err)) ||
        (rc = mk_sc_bool(in, "disabled", where, 0, out, err)) ||
        (rc = v_str_null(in, "auth_profile", where, 128, out, err)) ||
        (rc = v_str_null(in, "role", where, 128, out, err)) ||
        (rc = load_rate(in, where, out, err)))
        return rc;
    email = cm_json_str(out, "email", "");
    if (strchr(email, '@') == NULL || email[0] == '@' || strchr(email, '@')[1] == '\0')
        return cm_fail(err, CM_EINVAL, "%s.email: '%s' is not an email address", where, email);
    ref = cm_json_str(out, "auth_profile", NULL);
    if (ref) {
        const cJSON *p;
        int found = 0;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(acct, "auth_profiles")) found |=
            strcmp(cm_json_str(p, "name", ""), ref) == 0;
        if (!found)
            return cm_fail(err, CM_EINVAL, "%s.auth_profile: no profile '%s' in this account",
                           where, ref);
    }
    ref = cm_json_str(out, "role", NULL);
    if (ref) {
        const cJSON *r;
        int found = 0;
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(acct, "roles")) found |=
            strcmp(cm_json_str(r, "name", ""), ref) == 0;
        if (!found)
            return cm_fail(err, CM_EINVAL, "%s.role: no role '%s' in this account", where, ref);
    }
    return 0;
}

static int unique_id(const cJSON *accounts, const cJSON *self_acct, const cJSON *self,
                     const char *id, const char *where, const char *key, struct cm_err *err)
{
    const cJSON *a, *app;

    cJSON_ArrayForEach(a, accounts)
    {
        cJSON_ArrayForEach(app, cJSON_GetObjectItemCaseSensitive(a, "applications"))
        {
            if (app != self &&
                strcmp(cm_json_str(app, "app_id", cm_json_str(app, "client_id", "")), id) == 0)
                return cm_fail(err, CM_EINVAL, "%s.%s: '%s' is used by another application%s",
                               where, key, id, a == self_acct ? "" : " (in another account)");
        }
    }
    return 0;
}

static int load_app(const cJSON *in, const char *where, const struct item_ctx *ctx, cJSON *out,
                    struct cm_err *err)
{
    const cJSON *accounts = ctx->accounts, *acct = ctx->acct;
    static const char *const keys1[] = {
        "api",     "name",    "app_id",      "app_key", "category", "extended_session",
        "enabled", "created", "description", NULL};
    static const char *const keys2[] = {"api",         "name",     "client_id", "client_secret",
                                        "role",        "products", "enabled",   "created",
                                        "description", "rate",     NULL};
    const char *api = cm_json_str(in, "api", NULL), *ref;
    char gen_id[MM_UUID_LEN + 1], gen_key[MM_UUID_LEN + 1], secret[65];
    int rc;

    if (!cJSON_IsObject(in))
        return cm_fail(err, CM_EINVAL, "%s: expected an object", where);
    if (api == NULL || (strcmp(api, "1.0") != 0 && strcmp(api, "2.0") != 0))
        return cm_fail(err, CM_EINVAL, "%s.api: expected \"1.0\" or \"2.0\"", where);
    cJSON_AddStringToObject(out, "api", api);
    if (strcmp(api, "1.0") == 0) {
        mm_rand_uuid(gen_id);
        mm_rand_uuid(gen_key);
        if ((rc = mk_sc_keys(in, where, keys1, err)) ||
            (rc = mk_sc_str(in, "name", where, 128, 0, "API application", out, err)) ||
            (rc = mk_sc_str(in, "app_id", where, 64, 0, gen_id, out, err)) ||
            (rc = mk_sc_str(in, "app_key", where, 64, 0, gen_key, out, err)) ||
            (rc = mk_sc_str(in, "category", where, 64, 0, "Other", out, err)) ||
            (rc = mk_sc_bool(in, "extended_session", where, 0, out, err)))
            return rc;
        if (!keychars(cm_json_str(out, "app_id", ""), "-_"))
            return cm_fail(err, CM_EINVAL, "%s.app_id: letters, digits, '-' and '_' only", where);
        if ((rc = unique_id(accounts, acct, out, cm_json_str(out, "app_id", ""), where, "app_id",
                            err)))
            return rc;
    } else {
        mm_rand_alnum(gen_id, sizeof(gen_id), 32);
        mm_rand_alnum(secret, sizeof(secret), 64);
        if ((rc = mk_sc_keys(in, where, keys2, err)) ||
            (rc = mk_sc_str(in, "name", where, 128, 0, "API 2.0 application", out, err)) ||
            (rc = mk_sc_str(in, "client_id", where, 128, 0, gen_id, out, err)) ||
            (rc = mk_sc_str(in, "client_secret", where, 256, 0, secret, out, err)) ||
            (rc = v_str_null(in, "role", where, 128, out, err)) ||
            (rc = v_strarr(in, "products", where, 64, 128, out, err)) ||
            (rc = load_rate(in, where, out, err)))
            return rc;
        if (!keychars(cm_json_str(out, "client_id", ""), "-_.~"))
            return cm_fail(err, CM_EINVAL, "%s.client_id: letters, digits, '-', '_', '.', '~' only",
                           where);
        if ((rc = unique_id(accounts, acct, out, cm_json_str(out, "client_id", ""), where,
                            "client_id", err)))
            return rc;
        ref = cm_json_str(out, "role", NULL);
        if (ref) {
            const cJSON *r;
            int found = 0;
            cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(acct, "roles")) found |=
                strcmp(cm_json_str(r, "name", ""), ref) == 0;
            if (!found)
                return cm_fail(err, CM_EINVAL, "%s.role: no role '%s' in this account", where, ref);
        }
    }
    if ((rc = mk_sc_bool(in, "enabled", where, 1, out, err)) ||
        (rc = v_time(in, "created", where, 0, out, NULL, err)) ||
        (rc = mk_sc_str(in, "description", where, 512, 1, "", out, err)))
        return rc;
    return 0;
}

static const cJSON *find_in(const cJSON *arr, const char *key, const char *value, int nocase)
{
    const cJSON *it;

    cJSON_ArrayForEach(it, arr)
    {
        const char *v = cm_json_str(it, key, NULL);
        if (v && (nocase ? strcasecmp(v, value) : strcmp(v, value)) == 0)
            return it;
    }
    return NULL;
}

static int load_binding(const cJSON *in, const char *where, const struct item_ctx *ctx, cJSON *out,
                        struct cm_err *err)
{
    const struct mm_settings *set = ctx->set;
    const cJSON *acct_out = ctx->acct;
    int64_t now = ctx->now;
    static const char *const keys[] = {"access_key", "secret_key", "user",    "app_id",
                                       "issued",     "expires",    "revoked", NULL};
    unsigned char raw[128];
    const cJSON *user, *app, *exp;
    int64_t issued;
    int rc;

    if ((rc = mk_sc_keys(in, where, keys, err)) ||
        (rc = mk_sc_str(in, "access_key", where, 256, 0, NULL, out, err)) ||
        (rc = mk_sc_str(in, "secret_key", where, 172, 0, NULL, out, err)) ||
        (rc = mk_sc_str(in, "user", where, 254, 0, NULL, out, err)) ||
        (rc = mk_sc_str(in, "app_id", where, 64, 0, NULL, out, err)) ||
        (rc = v_time(in, "issued", where, now, out, &issued, err)) ||
        (rc = v_str_null(in, "revoked", where, 128, out, err)))
        return rc;
    if (!keychars(cm_json_str(out, "access_key", ""), "-_"))
        return cm_fail(err, CM_EINVAL, "%s.access_key: letters, digits, '-' and '_' only", where);
    if (mm_b64_decode(cm_json_str(out, "secret_key", ""), raw, sizeof(raw)) <= 0)
        return cm_fail(err, CM_EINVAL,
                       "%s.secret_key: expected standard base64 (88 characters "
                       "for the vendor's 64-byte keys)",
                       where);
    user = find_in(cJSON_GetObjectItemCaseSensitive(acct_out, "users"), "email",
                   cm_json_str(out, "user", ""), 1);
    if (user == NULL)
        return cm_fail(err, CM_EINVAL, "%s.user: no user '%s' in this account", where,
                       cm_json_str(out, "user", ""));
    app = find_in(cJSON_GetObjectItemCaseSensitive(acct_out, "applications"), "app_id",
                  cm_json_str(out, "app_id", ""), 0);
    if (app == NULL)
        return cm_fail(err, CM_EINVAL, "%s.app_id: no API 1.0 application '%s' in this account",
                       where, cm_json_str(out, "app_id", ""));
    exp = cJSON_GetObjectItemCaseSensitive(in, "expires");
    if (exp && cJSON_IsNull(exp)) {
        cJSON_AddNullToObject(out, "expires");
    } else if (exp) {
        if ((rc = v_time(in, "expires", where, 0, out, NULL, err)))
            return rc;
    } else {
        /* as login would have set it */
        int64_t ttl = mm_binding_ttl(set, acct_out, user, app);
        if (ttl < 0)
            cJSON_AddNullToObject(out, "expires");
        else
            mm_doc_set_time(out, "expires", issued + ttl);
    }
    return 0;
}

static int load_token(const cJSON *in, const char *where, const struct item_ctx *ctx, cJSON *out,
                      struct cm_err *err)
{
    const cJSON *acct_out = ctx->acct;
    static const char *const keys[] = {"access_token", "client_id", "issued", "expires", NULL};
    int rc;

    if ((rc = mk_sc_keys(in, where, keys, err)) ||
        (rc = mk_sc_str(in, "access_token", where, 256, 0, NULL, out, err)) ||
        (rc = mk_sc_str(in, "client_id", where, 128, 0, NULL, out, err)) ||
        (rc = v_time(in, "issued", where, 0, out, NULL, err)) ||
        (rc = v_time(in, "expires", where, 0, out, NULL, err)))
        return rc;
    if (find_in(cJSON_GetObjectItemCaseSensitive(acct_out, "applications"), "client_id",
                cm_json_str(out, "client_id", ""), 0) == NULL)
        return cm_fail(err, CM_EINVAL, "%s.client_id: no API 2.0 application '%s' in this account",
                       where, cm_json_str(out, "client_id", ""));
    return 0;
}

static int is_hex(const char *s, size_t n)
{
    size_t i;

    if (strlen(s) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int load_feed_entry(const cJSON *in, const char *where, const struct item_ctx *ctx,
                           cJSON *out, struct cm_err *err)
{
    (void)ctx;
    static const char *const keys[] = {"time",      "feed",      "md5",       "sha1",
                                       "sha256",    "sender",    "recipient", "subject",
                                       "file_name", "file_type", "route",     NULL};
    const char *feed, *h;
    int rc;

    if ((rc = mk_sc_keys(in, where, keys, err)) ||
        (rc = v_time(in, "time", where, 0, out, NULL, err)) ||
        (rc = mk_sc_str(in, "feed", where, 32, 0, "malware_customer", out, err)) ||
        (rc = mk_sc_str(in, "md5", where, 32, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "sha1", where, 40, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "sha256", where, 64, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "sender", where, 254, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "recipient", where, 254, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "subject", where, 256, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "file_name", where, 256, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "file_type", where, 128, 1, "", out, err)) ||
        (rc = mk_sc_str(in, "route", where, 16, 1, "inbound", out, err)))
        return rc;
    feed = cm_json_str(out, "feed", "");
    if (strcmp(feed, "malware_customer") != 0 && strcmp(feed, "malware_grid") != 0)
        return cm_fail(err, CM_EINVAL, "%s.feed: expected \"malware_customer\" or \"malware_grid\"",
                       where);
    h = cm_json_str(out, "sha256", "");
    if (*h && !is_hex(h, 64))
        return cm_fail(err, CM_EINVAL, "%s.sha256: expected 64 hexadecimal characters", where);
    h = cm_json_str(out, "md5", "");
    if (*h && !is_hex(h, 32))
        return cm_fail(err, CM_EINVAL, "%s.md5: expected 32 hexadecimal characters", where);
    return 0;
}

static int load_batch(const cJSON *in, const char *where, const struct item_ctx *ctx, cJSON *out,
                      struct cm_err *err)
{
    (void)ctx;
    static const char *const keys[] = {"id", "operation", "hashes", "created", "completed", NULL};
    static const char *const hkeys[] = {"hash", "provider", "description", NULL};
    const cJSON *hashes, *h;
    const char *op;
    cJSON *hout;
    char w[256];
    int rc, i = 0;

    if ((rc = mk_sc_keys(in, where, keys, err)) ||
        (rc = mk_sc_str(in, "id", where, 128, 0, NULL, out, err)) ||
        (rc = mk_sc_str(in, "operation", where, 16, 0, "BLOCK", out, err)) ||
        (rc = v_array(in, "hashes", where, 100000, &hashes, err)) ||
        (rc = v_time(in, "created", where, 0, out, NULL, err)) ||
        (rc = v_time(in, "completed", where, mm_doc_time(out, "created", 0), out, NULL, err)))
        return rc;
    op = cm_json_str(out, "operation", "");
    if (strcmp(op, "ALLOW") != 0 && strcmp(op, "BLOCK") != 0 && strcmp(op, "DELETE") != 0)
        return cm_fail(err, CM_EINVAL, "%s.operation: expected ALLOW, BLOCK or DELETE", where);
    hout = cJSON_AddArrayToObject(out, "hashes");
    cJSON_ArrayForEach(h, hashes)
    {
        cJSON *o = cJSON_CreateObject();
        snprintf(w, sizeof(w), "%s.hashes[%d]", where, i++);
        cJSON_AddItemToArray(hout, o);
        if ((rc = mk_sc_keys(h, w, hkeys, err)) ||
            (rc = mk_sc_str(h, "hash", w, 64, 0, NULL, o, err)) ||
            (rc = mk_sc_str(h, "provider", w, 10, 1, "", o, err)) ||
            (rc = mk_sc_str(h, "description", w, 20, 1, "", o, err)))
            return rc;
    }
    return 0;
}

/* Each item of in[key] through fn into a new array out[key]; names items by index. */
typedef int (*item_fn)(const cJSON *in, const char *where, const struct item_ctx *ctx, cJSON *out,
                       struct cm_err *err);

/* Loads in[key] item by item; uniq (may be NULL) is a member that must differ between
 * items (case-insensitively when nocase). */
static int load_list(const cJSON *in, const char *key, const char *where, item_fn fn,
                     const struct item_ctx *ctx, const char *uniq, int nocase, cJSON *out,
                     struct cm_err *err)
{
    const cJSON *arr, *it;
    cJSON *list = cJSON_AddArrayToObject(out, key);
    char w[256];
    int rc, i = 0;

    if ((rc = v_array(in, key, where, MAX_ITEMS, &arr, err)))
        return rc;
    cJSON_ArrayForEach(it, arr)
    {
        cJSON *o = cJSON_CreateObject();
        snprintf(w, sizeof(w), "%s.%s[%d]", where, key, i++);
        cJSON_AddItemToArray(list, o);
        if (!cJSON_IsObject(it))
            return cm_fail(err, CM_EINVAL, "%s: expected an object", w);
        if ((rc = fn(it, w, ctx, o, err)))
            return rc;
        if (uniq) {
            const char *v = cm_json_str(o, uniq, "");
            const cJSON *prev;
            cJSON_ArrayForEach(prev, list)
            {
                if (prev == o)
                    break;
                if ((nocase ? strcasecmp : strcmp)(cm_json_str(prev, uniq, ""), v) == 0)
                    return cm_fail(err, CM_EINVAL, "%s.%s: '%s' appears twice", w, uniq, v);
            }
        }
    }
    return 0;
}

static int grid_of_code(const char *code)
{
    size_t i;

    for (i = 0; i < mm_ngrids; i++)
        if (mm_grids[i].prefix[0] &&
            strncmp(code, mm_grids[i].prefix, strlen(mm_grids[i].prefix)) == 0)
            return (int)i;
    return -1;
}

/* The normalized generator spec, {"generate": {...}}, into holder. */
static void gen_json(const struct mm_gen *g, cJSON *holder)
{
    cJSON *spec = cJSON_AddObjectToObject(holder, "generate"), *mix, *routes;
    char d[32], t[40];

    cJSON_AddNumberToObject(spec, "seed", (double)g->seed);
    cJSON_AddNumberToObject(spec, "count", (double)g->count);
    cm_time_format(g->start, t, sizeof(t));
    cJSON_AddStringToObject(spec, "start", t);
    cm_duration_format(g->interval, d, sizeof(d));
    cJSON_AddStringToObject(spec, "interval", d);
    mix = cJSON_AddObjectToObject(spec, "mix");
    cJSON_AddNumberToObject(mix, "malicious", g->weights[0]);
    cJSON_AddNumberToObject(mix, "safe", g->weights[1]);
    cJSON_AddNumberToObject(mix, "trusted", g->weights[2]);
    routes = cJSON_AddObjectToObject(spec, "routes");
    cJSON_AddNumberToObject(routes, "inbound", g->routes[0]);
    cJSON_AddNumberToObject(routes, "outbound", g->routes[1]);
    cJSON_AddNumberToObject(routes, "internal", g->routes[2]);
    cJSON_AddStringToObject(spec, "domain", g->domain);
}

static int load_logs(const cJSON *in, const char *where, cJSON *out, struct mm_acct *a,
                     struct cm_err *err)
{
    static const char *const keys[] = {"url", "impersonation", "attachment", NULL};
    const cJSON *logs = cJSON_GetObjectItemCaseSensitive(in, "logs");
    cJSON *lout = cJSON_AddObjectToObject(out, "logs");
    char w[256];
    int k, rc;

    snprintf(w, sizeof(w), "%s.logs", where);
    if (logs && (rc = mk_sc_keys(logs, w, keys, err)))
        return rc;
    for (k = 0; k < MM_NLOGS; k++) {
        const char *name = keys[k];
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(logs, name);
        char wk[300];
        snprintf(wk, sizeof(wk), "%s.%s", w, name);
        if (m == NULL || cJSON_IsArray(m)) {
            /* the index points into the normalized copy, which outlives the input */
            cJSON *copy = m ? cJSON_Duplicate(m, 1) : cJSON_CreateArray();
            cJSON_AddItemToObject(lout, name, copy);
            if ((rc = mm_logsrc_build(&a->logs[k], (enum mm_log_kind)k, copy, wk, err)))
                return rc;
            continue;
        }
        if ((rc = mm_logsrc_build(&a->logs[k], (enum mm_log_kind)k, m, wk, err)))
            return rc;
        gen_json(&a->logs[k].gen, cJSON_AddObjectToObject(lout, name));
    }
    return 0;
}

static int cmp_feed(const void *pa, const void *pb, void *ctx)
{
    const int64_t *t = ctx;
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

    if (t[a] != t[b])
        return t[a] < t[b] ? -1 : 1;
    return a < b ? -1 : a > b;
}

static void build_feed(struct mm_feedidx *f, const cJSON *feed)
{
    size_t n = (size_t)cJSON_GetArraySize(feed), i = 0, *order;
    const cJSON *it;
    int64_t *t;
    const cJSON **recs;

    f->n = n;
    f->recs = cm_calloc(n + 1, sizeof(*f->recs));
    f->t = cm_calloc(n + 1, sizeof(*f->t));
    if (n == 0)
        return;
    t = cm_calloc(n, sizeof(*t));
    recs = cm_calloc(n, sizeof(*recs));
    order = cm_calloc(n, sizeof(*order));
    cJSON_ArrayForEach(it, feed)
    {
        recs[i] = it;
        t[i] = mm_doc_time(it, "time", 0);
        order[i] = i;
        i++;
    }
    qsort_r(order, n, sizeof(*order), cmp_feed, t);
    for (i = 0; i < n; i++) {
        f->recs[i] = recs[order[i]];
        f->t[i] = t[order[i]];
    }
    free(t);
    free(recs);
    free(order);
}

static void acct_release(struct mm_acct *a)
{
    int k;

    for (k = 0; k < MM_NLOGS; k++)
        mm_logsrc_release(&a->logs[k]);
    free(a->feed.recs);
    free(a->feed.t);
    memset(a, 0, sizeof(*a));
}

static int load_account(const struct mm_settings *set, const cJSON *in, const char *where,
                        cJSON *accounts_out, int64_t now, cJSON *out, struct mm_acct *a,
                        struct cm_err *err)
{
    static const char *const keys[] = {"code",
                                       "name",
                                       "grid",
                                       "host",
                                       "enhanced_logging",
                                       "packages",
                                       "admin_ip_ranges",
                                       "byo_quota",
                                       "auth_profiles",
                                       "roles",
                                       "users",
                                       "applications",
                                       "bindings",
                                       "tokens",
                                       "logs",
                                       "threat_feed",
                                       "byo_batches",
                                       NULL};
    static const char *const lkeys[] = {"inbound", "outbound", "internal", NULL};
    const cJSON *el = cJSON_GetObjectItemCaseSensitive(in, "enhanced_logging"), *r;
    const char *code, *grid, *host;
    struct item_ctx ctx = {set, accounts_out, out, now};
    cJSON *elo, *empty = cJSON_CreateObject();
    char w[256];
    int rc, g;

    if ((rc = mk_sc_keys(in, where, keys, err)) ||
        (rc = mk_sc_str(in, "code", where, 32, 0, NULL, out, err)))
        goto out;
    code = cm_json_str(out, "code", "");
    if (!keychars(code, "-_")) {
        rc = cm_fail(err, CM_EINVAL, "%s.code: letters, digits, '-' and '_' only", where);
        goto out;
    }
    if ((rc = mk_sc_str(in, "name", where, 128, 0, code, out, err)))
        goto out;
    grid = cm_json_str(in, "grid", NULL);
    if (cJSON_GetObjectItemCaseSensitive(in, "grid") && grid == NULL) {
        rc = cm_fail(err, CM_EINVAL, "%s.grid: expected a string", where);
        goto out;
    }
    g = grid ? mm_grid_find(grid) : grid_of_code(code);
    if (g < 0) {
        if (grid)
            rc = cm_fail(err, CM_EINVAL,
                         "%s.grid: unknown grid '%s' (us, usb, ca, eu, de, au, za, jer, uspcom)",
                         where, grid);
        else
            rc = cm_fail(err, CM_EINVAL,
                         "%s.grid: required: the account code '%s' does not tell the grid "
                         "(CUSA, CUSB, CCA, CUK, CDE, CAU or CSA prefix)",
                         where, code);
        goto out;
    }
    a->grid = g;
    cJSON_AddStringToObject(out, "grid", mm_grids[g].name);
    host = cm_json_str(in, "host", NULL);
    if (cJSON_GetObjectItemCaseSensitive(in, "host") &&
        (host == NULL || strcmp(host, mm_grids[g].host) != 0)) {
        rc = cm_fail(err, CM_EINVAL, "%s.host: the %s grid's host is %s (set grid, not host)",
                     where, mm_grids[g].name, mm_grids[g].host);
        goto out;
    }
    cJSON_AddStringToObject(out, "host", mm_grids[g].host);
    snprintf(w, sizeof(w), "%s.enhanced_logging", where);
    elo = cJSON_AddObjectToObject(out, "enhanced_logging");
    if ((rc = mk_sc_keys(el ? el : empty, w, lkeys, err)) ||
        (rc = mk_sc_bool(el ? el : empty, "inbound", w, 0, elo, err)) ||
        (rc = mk_sc_bool(el ? el : empty, "outbound", w, 0, elo, err)) ||
        (rc = mk_sc_bool(el ? el : empty, "internal", w, 0, elo, err)) ||
        (rc = v_strarr(in, "packages", where, 256, 128, out, err)) ||
        (rc = v_strarr(in, "admin_ip_ranges", where, 256, 64, out, err)) ||
        (rc = mk_sc_int(in, "byo_quota", where, 0, 100000000, 100000, out, err)))
        goto out;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(out, "admin_ip_ranges"))
    {
        if (mk_cidr_valid(r->valuestring) != 0) {
            rc = cm_fail(err, CM_EINVAL, "%s.admin_ip_ranges: '%s' is not an address or CIDR block",
                         where, r->valuestring);
            goto out;
        }
    }
    if ((rc = load_list(in, "auth_profiles", where, load_profile, &ctx, "name", 0, out, err)) ||
        (rc = load_list(in, "roles", where, load_role, &ctx, "name", 0, out, err)) ||
        (rc = load_list(in, "users", where, load_user, &ctx, "email", 1, out, err)) ||
        (rc = load_list(in, "applications", where, load_app, &ctx, NULL, 0, out, err)) ||
        (rc = load_list(in, "bindings", where, load_binding, &ctx, "access_key", 0, out, err)) ||
        (rc = load_list(in, "tokens", where, load_token, &ctx, "access_token", 0, out, err)) ||
        (rc = load_logs(in, where, out, a, err)) ||
        (rc = load_list(in, "threat_feed", where, load_feed_entry, &ctx, NULL, 0, out, err)) ||
        (rc = load_list(in, "byo_batches", where, load_batch, &ctx, "id", 0, out, err)))
        goto out;
    build_feed(&a->feed, cJSON_GetObjectItemCaseSensitive(out, "threat_feed"));
out:
    cJSON_Delete(empty);
    return rc;
}

static void release_accts(struct mm_acct *accts, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        acct_release(&accts[i]);
    free(accts);
}

int mm_state_load(struct mm_state *st, const cJSON *doc, int64_t now_ms, struct cm_err *err)
{
    static const char *const keys[] = {"settings", "accounts", NULL};
    const cJSON *accounts, *it;
    cJSON *next = cJSON_CreateObject(), *sout, *aout;
    struct mm_settings set;
    struct mm_acct *accts = NULL;
    size_t n = 0, i;
    char w[64];
    int rc;

    memset(&set, 0, sizeof(set));
    if ((rc = mk_sc_keys(doc, "state", keys, err)))
        goto fail;
    sout = cJSON_AddObjectToObject(next, "settings");
    if ((rc = load_settings(cJSON_GetObjectItemCaseSensitive(doc, "settings"), sout, &set, err)))
        goto fail;
    accounts = cJSON_GetObjectItemCaseSensitive(doc, "accounts");
    if (accounts && (!cJSON_IsArray(accounts) || cJSON_GetArraySize(accounts) > MAX_ACCOUNTS)) {
        rc = cm_fail(err, CM_EINVAL, "accounts: expected an array of at most %d accounts",
                     MAX_ACCOUNTS);
        goto fail;
    }
    aout = cJSON_AddArrayToObject(next, "accounts");
    accts = cm_calloc((size_t)cJSON_GetArraySize(accounts) + 1, sizeof(*accts));
    cJSON_ArrayForEach(it, accounts)
    {
        cJSON *o = cJSON_CreateObject();
        snprintf(w, sizeof(w), "accounts[%zu]", n);
        cJSON_AddItemToArray(aout, o);
        accts[n].doc = o;
        rc = load_account(&set, it, w, aout, now_ms, o, &accts[n], err);
        n++;
        if (rc)
            goto fail;
        for (i = 0; i + 1 < n; i++) {
            if (strcmp(cm_json_str(accts[i].doc, "code", ""), cm_json_str(o, "code", "")) == 0) {
                rc = cm_fail(err, CM_EINVAL, "%s.code: '%s' appears twice", w,
                             cm_json_str(o, "code", ""));
                goto fail;
            }
        }
    }
    release_accts(st->accts, st->naccts);
    cJSON_Delete(st->doc);
    st->doc = next;
    st->accts = accts;
    st->naccts = n;
    st->set = set;
    if (st->seen)
        memset(st->seen, 0, sizeof(*st->seen));
    return 0;
fail:
    release_accts(accts, n);
    cJSON_Delete(next);
    return rc;
}

cJSON *mm_state_dump(const struct mm_state *st)
{
    return cJSON_Duplicate(st->doc, 1);
}

struct mm_state *mm_state_new(void)
{
    struct mm_state *st = cm_calloc(1, sizeof(*st));
    cJSON *empty = cJSON_CreateObject();

    mk_random_bytes(st->token_key, sizeof(st->token_key));
    if (mm_state_load(st, empty, 0, NULL) != 0)
        abort(); /* the empty state is always valid */
    cJSON_Delete(empty);
    return st;
}

void mm_state_free(struct mm_state *st)
{
    if (st == NULL)
        return;
    release_accts(st->accts, st->naccts);
    cJSON_Delete(st->doc);
    free(st->seen);
    free(st);
}

/* ---- look-ups ---- */

struct mm_acct *mm_acct_of(struct mm_state *st, const cJSON *acct_doc)
{
    size_t i;

    for (i = 0; i < st->naccts; i++)
        if (st->accts[i].doc == acct_doc)
            return &st->accts[i];
    return NULL;
}

struct mm_acct *mm_find_account(struct mm_state *st, const char *code)
{
    size_t i;

    for (i = 0; code && i < st->naccts; i++)
        if (strcmp(cm_json_str(st->accts[i].doc, "code", ""), code) == 0)
            return &st->accts[i];
    return NULL;
}

static cJSON *find_app(struct mm_state *st, const char *key, const char *id, struct mm_acct **acct)
{
    size_t i;
    cJSON *app;

    for (i = 0; id && i < st->naccts; i++) {
        cJSON_ArrayForEach(app, cJSON_GetObjectItemCaseSensitive(st->accts[i].doc, "applications"))
        {
            const char *v = cm_json_str(app, key, NULL);
            if (v && strcmp(v, id) == 0) {
                if (acct)
                    *acct = &st->accts[i];
                return app;
            }
        }
    }
    return NULL;
}

cJSON *mm_find_app1(struct mm_state *st, const char *app_id, struct mm_acct **acct)
{
    return find_app(st, "app_id", app_id, acct);
}

cJSON *mm_find_app2(struct mm_state *st, const char *client_id, struct mm_acct **acct)
{
    return find_app(st, "client_id", client_id, acct);
}

cJSON *mm_find_app_any(struct mm_acct *a, const char *id)
{
    cJSON *app;

    cJSON_ArrayForEach(app, cJSON_GetObjectItemCaseSensitive(a->doc, "applications"))
    {
        if (id && (strcmp(cm_json_str(app, "app_id", ""), id) == 0 ||
                   strcmp(cm_json_str(app, "client_id", ""), id) == 0))
            return app;
    }
    return NULL;
}

cJSON *mm_find_user(const struct mm_acct *a, const char *email)
{
    return email ? (cJSON *)find_in(cJSON_GetObjectItemCaseSensitive(a->doc, "users"), "email",
                                    email, 1)
                 : NULL;
}

cJSON *mm_find_user_any(struct mm_state *st, const char *email, struct mm_acct **acct)
{
    size_t i;
    cJSON *u;

    for (i = 0; i < st->naccts; i++) {
        u = mm_find_user(&st->accts[i], email);
        if (u) {
            if (acct)
                *acct = &st->accts[i];
            return u;
        }
    }
    return NULL;
}

cJSON *mm_find_role(const struct mm_acct *a, const char *name)
{
    return name ? (cJSON *)find_in(cJSON_GetObjectItemCaseSensitive(a->doc, "roles"), "name", name,
                                   0)
                : NULL;
}

cJSON *mm_find_profile(const struct mm_acct *a, const char *name)
{
    return name ? (cJSON *)find_in(cJSON_GetObjectItemCaseSensitive(a->doc, "auth_profiles"),
                                   "name", name, 0)
                : NULL;
}

cJSON *mm_find_binding(struct mm_state *st, const char *access_key, struct mm_acct **acct)
{
    size_t i;
    cJSON *b;

    for (i = 0; access_key && i < st->naccts; i++) {
        b = (cJSON *)find_in(cJSON_GetObjectItemCaseSensitive(st->accts[i].doc, "bindings"),
                             "access_key", access_key, 0);
        if (b) {
            if (acct)
                *acct = &st->accts[i];
            return b;
        }
    }
    return NULL;
}

int64_t mm_user_cache_ttl(const struct mm_settings *set, const cJSON *acct_doc, const cJSON *user)
{
    const cJSON *p = find_in(cJSON_GetObjectItemCaseSensitive(acct_doc, "auth_profiles"), "name",
                             cm_json_str(user, "auth_profile", ""), 0);

    return p ? mm_doc_ttl(p, "cache_ttl", set->default_cache_ttl_ms) : set->default_cache_ttl_ms;
}

int64_t mm_binding_ttl(const struct mm_settings *set, const cJSON *acct_doc, const cJSON *user,
                       const cJSON *app)
{
    int64_t ttl = mm_user_cache_ttl(set, acct_doc, user);

    if (!cm_json_bool(app, "extended_session", 0) && set->session_ttl_ms >= 0 &&
        (ttl < 0 || ttl > set->session_ttl_ms))
        ttl = set->session_ttl_ms;
    return ttl;
}

int mm_role_has(const cJSON *role, const char *perm)
{
    const cJSON *p;

    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(role, "permissions"))
    {
        if (cJSON_IsString(p) &&
            (strcmp(p->valuestring, "*") == 0 || strcmp(p->valuestring, perm) == 0))
            return 1;
    }
    return 0;
}

int mm_has_package(const struct mm_acct *a, const char *name)
{
    const cJSON *p;

    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(a->doc, "packages"))
    {
        if (cJSON_IsString(p) && strcmp(p->valuestring, name) == 0)
            return 1;
    }
    return 0;
}
