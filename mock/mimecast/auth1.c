/*
 * auth1.c: API 1.0 request authentication, the "MC" scheme (vendor notes 1).
 *
 * A signed call carries x-mc-app-id, x-mc-date, x-mc-req-id and
 * "Authorization: MC <accessKey>:<signature>", where the signature is
 * base64(HMAC-SHA1(base64decode(secretKey), date ":" reqId ":" path ":"
 * appKey)) over the header strings exactly as received and the request path
 * alone (no host, no query). The checks run in a fixed order so that one
 * fault gives one answer:
 *
 *   headers present -> Authorization shape -> application known -> grid ->
 *   application enabled -> date readable -> date within the skew ->
 *   access key known (and issued for this application) -> signature ->
 *   binding not revoked (password change, disabled user, logout) ->
 *   binding not expired (418) -> request id unused (strict mode only)
 *
 * Each refusal is one row of MM_ERROR_MAP with a message naming the console
 * fix; docs/mimecast.md has the table.
 */
#include "mock/mimecast/mm.h"

#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int mm_sign(const char *date, const char *req_id, const char *path, const char *app_key,
            const char *secret_b64, char *sig, size_t size)
{
    const char *parts[] = {date, ":", req_id, ":", path, ":", app_key};
    size_t lens[sizeof(parts) / sizeof(parts[0])], i;
    unsigned char key[256], mac[MM_HMAC_MAX];
    unsigned int maclen;
    int klen;

    klen = mm_b64_decode(secret_b64, key, sizeof(key));
    if (klen <= 0)
        return CM_EINVAL;
    for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        lens[i] = strlen(parts[i]);
    /* date ":" reqId ":" path ":" appKey, without copying them into one string */
    maclen =
        mm_hmac(MM_SHA1, key, (size_t)klen, parts, lens, sizeof(parts) / sizeof(parts[0]), mac);
    gnutls_memset(key, 0, sizeof(key));
    return mm_b64_encode(mac, maclen, sig, size) < 0 ? CM_EINVAL : 0;
}

/* Strict mode: 1 when id was seen within window before now (then or now recorded). */
static int replayed(struct mm_state *st, const char *id, int64_t now, int64_t window)
{
    struct mm_seen *s;
    size_t i;

    if (st->seen == NULL)
        st->seen = cm_calloc(1, sizeof(*st->seen));
    s = st->seen;
    for (i = 0; i < MM_SEEN_MAX; i++)
        if (s->id[i][0] && now - s->t[i] <= window && strcmp(s->id[i], id) == 0)
            return 1;
    cm_strlcpy(s->id[s->next], id, sizeof(s->id[0]));
    s->t[s->next] = now;
    s->next = (s->next + 1) % MM_SEEN_MAX;
    return 0;
}

cJSON *mm_app1(struct mm_state *st, struct mk_request *req, struct mk_response *resp,
               const char *app_id, struct mm_acct **a, int check_region)
{
    cJSON *app = mm_find_app1(st, app_id, a);

    if (app == NULL) {
        mm_fail(req, resp, MM_API1, MM_E_UNKNOWN_APP, NULL,
                "Unknown application: x-mc-app-id '%.64s' is not a registered API 1.0 "
                "application; copy the Application ID from Services > API and Platform "
                "Integrations",
                app_id);
        return NULL;
    }
    if (check_region && mm_check_region(st, req, resp, MM_API1, *a) == MK_DONE)
        return NULL;
    if (!cm_json_bool(app, "enabled", 1)) {
        mm_fail(req, resp, MM_API1, MM_E_APP_DISABLED, NULL,
                "Application '%s' is disabled: set its Status to Enabled in Services > API and "
                "Platform Integrations",
                cm_json_str(app, "name", ""));
        return NULL;
    }
    return app;
}

static const char *const required[] = {"x-mc-app-id", "x-mc-date", "x-mc-req-id", "Authorization"};

int mm_auth1(struct mm_state *st, struct mk_request *req, struct mk_response *resp,
             struct mm_ctx *ctx)
{
    const char *hdr[4], *auth, *colon, *sig;
    char ak[300], want[64], when[48], lim[32], off[32];
    cJSON *app, *binding, *user;
    struct mm_acct *a = NULL, *ba = NULL;
    int64_t date, skew, expires;
    size_t i, aklen;
    const char *revoked;

    memset(ctx, 0, sizeof(*ctx));
    ctx->api = MM_API1;
    for (i = 0; i < 4; i++) {
        hdr[i] = mk_req_header(req, required[i]);
        if (hdr[i] == NULL || hdr[i][0] == '\0')
            return mm_fail(req, resp, MM_API1, MM_E_MISSING_HEADER, NULL,
                           "0001 Credentials are missing from the request: no %s header",
                           required[i]);
    }
    auth = hdr[3];
    colon = strchr(auth, ':');
    if (strncmp(auth, "MC ", 3) != 0 || colon == NULL || colon == auth + 3 || colon[1] == '\0' ||
        (aklen = (size_t)(colon - (auth + 3))) >= sizeof(ak))
        return mm_fail(req, resp, MM_API1, MM_E_BAD_AUTHORIZATION, NULL,
                       "Authorization header is malformed: expected 'MC <accessKey>:<signature>'");
    memcpy(ak, auth + 3, aklen);
    ak[aklen] = '\0';
    sig = colon + 1;

    app = mm_app1(st, req, resp, hdr[0], &a, 1);
    if (app == NULL)
        return MK_DONE;
    if (mm_mc_date_parse(hdr[1], &date) != 0)
        return mm_fail(req, resp, MM_API1, MM_E_BAD_DATE, NULL,
                       "Invalid x-mc-date header '%.64s': expected a date such as 'Tue, 24 Nov "
                       "2015 12:50:11 UTC'",
                       hdr[1]);
    skew = date - req->now_ms;
    if (skew > st->set.date_skew_ms || -skew > st->set.date_skew_ms) {
        cm_duration_format(skew < 0 ? -skew : skew, off, sizeof(off));
        cm_duration_format(st->set.date_skew_ms, lim, sizeof(lim));
        return mm_fail(req, resp, MM_API1, MM_E_DATE_SKEWED, NULL,
                       "Date Header Too Skewed: x-mc-date is %s %s the server time (at most %s "
                       "allowed); sign each request with the current UTC time",
                       off, skew < 0 ? "behind" : "ahead of", lim);
    }
    binding = mm_find_binding(st, ak, &ba);
    if (binding == NULL || ba != a)
        return mm_fail(req, resp, MM_API1, MM_E_UNKNOWN_KEY, NULL,
                       "Unknown access key: create keys for the application (Services > API and "
                       "Platform Integrations > Create Keys)");
    if (strcmp(cm_json_str(binding, "app_id", ""), hdr[0]) != 0)
        return mm_fail(req, resp, MM_API1, MM_E_UNKNOWN_KEY, NULL,
                       "Unknown access key for application '%s': the key was created for another "
                       "application; create keys for this one",
                       cm_json_str(app, "name", ""));
    if (mm_sign(hdr[1], hdr[2], req->path, cm_json_str(app, "app_key", ""),
                cm_json_str(binding, "secret_key", ""), want, sizeof(want)) != 0 ||
        !mm_str_eq_ct(want, sig)) {
        return mm_fail(req, resp, MM_API1, MM_E_INVALID_SIGNATURE, NULL, "0004 Invalid Signature");
    }
    user = mm_find_user(a, cm_json_str(binding, "user", ""));
    revoked = cm_json_str(binding, "revoked", NULL);
    if (revoked == NULL && (user == NULL || cm_json_bool(user, "disabled", 0)))
        revoked = "the user is disabled";
    if (revoked)
        return mm_fail(req, resp, MM_API1, MM_E_KEYS_REVOKED, NULL,
                       "The access key was revoked (%s): create new keys for %s", revoked,
                       cm_json_str(binding, "user", ""));
    expires = mm_doc_time(binding, "expires", -1);
    if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(binding, "expires")) &&
        req->now_ms >= expires) {
        char life[32];
        cm_time_format(expires, when, sizeof(when));
        cm_duration_format(expires - mm_doc_time(binding, "issued", expires), life, sizeof(life));
        return mm_fail(req, resp, MM_API1, MM_E_BINDING_EXPIRED, NULL,
                       "Binding Expired: the access key expired at %s, %s after it was issued; "
                       "set the Authentication Cache TTL of %s's authentication profile to Never "
                       "Expires (and Enable Extended Session on the application), then refresh "
                       "the binding with /api/login/login",
                       when, life, cm_json_str(binding, "user", ""));
    }
    if (st->set.strict_request_ids && replayed(st, hdr[2], req->now_ms, 2 * st->set.date_skew_ms))
        return mm_fail(req, resp, MM_API1, MM_E_REPLAYED, NULL,
                       "Duplicate request: x-mc-req-id '%.64s' was already used; send a new GUID "
                       "with each request",
                       hdr[2]);
    ctx->acct = a;
    ctx->app = app;
    ctx->binding = binding;
    ctx->user = user;
    ctx->role = mm_find_role(a, cm_json_str(user, "role", NULL));
    mk_req_detail(req, "%s via %s", cm_json_str(user, "email", ""), cm_json_str(app, "name", ""));
    return -1;
}
