/*
 * keys.c: API 1.0 keys (vendor notes 2): discover-authentication, login
 * (creates a binding: an access key and a secret key for one user and one
 * application), binding refresh (login with the old accessKey in the body)
 * and logout. The console's "Create Keys" (actions.c) uses the same core,
 * mm_keys_create(), so both refuse for the same reasons:
 *
 *   the application is younger than settings.key_delay (30 minutes) ->
 *   unknown user or wrong password -> user disabled -> SSO on the user's
 *   authentication profile -> no password of the chosen type -> no
 *   administrative role -> too many live bindings for the user
 *
 * A binding's lifetime is fixed when it is created or refreshed: the user's
 * authentication cache TTL, capped by settings.session_ttl when the
 * application lacks Enable Extended Session (mm_binding_ttl).
 *
 * discover-authentication also answers "keysAvailableAt" (ours): when the
 * x-mc-app-id application's keys can be created, so a configuration check
 * can tell "too early" without logging in (which would create a binding).
 */
#include "mock/mimecast/mm.h"

#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"
#include "mock/kit/runtime.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NEVER_DURATION_MS 315360000000.0 /* what login reports for "never": ten years */

static int refuse(enum mm_error e, char *msg, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int refuse(enum mm_error e, char *msg, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
    return (int)e;
}

/* The user checks shared by create and refresh; -1 when the user may have keys. */
static int check_user(struct mm_acct *a, const char *email, const char *password, int domain,
                      cJSON **user_out, char *msg, size_t size)
{
    cJSON *user = mm_find_user(a, email), *profile;
    const char *want;

    if (user == NULL)
        return refuse(MM_E_INVALID_CREDENTIALS, msg, size,
                      "Invalid credentials: the email address or password is wrong");
    if (cm_json_bool(user, "disabled", 0))
        return refuse(MM_E_USER_DISABLED, msg, size,
                      "The user %s is disabled: enable it in Directories > Internal Directories",
                      cm_json_str(user, "email", ""));
    profile = mm_find_profile(a, cm_json_str(user, "auth_profile", NULL));
    if (cm_json_bool(profile, "sso", 0))
        return refuse(MM_E_SSO_ENABLED, msg, size,
                      "0001 Authentication type not supported for the user: the authentication "
                      "profile '%s' of %s uses SSO; disable SSO on the profile while you create "
                      "keys",
                      cm_json_str(profile, "name", ""), cm_json_str(user, "email", ""));
    want = domain ? cm_json_str(user, "ad_password", NULL) : cm_json_str(user, "password", "");
    if (want == NULL || *want == '\0')
        return refuse(MM_E_AUTH_TYPE, msg, size,
                      "0001 Authentication type not supported for the user: %s has no %s "
                      "password; use %s",
                      cm_json_str(user, "email", ""), domain ? "domain (AD)" : "cloud",
                      domain ? "Basic-Cloud with the Mimecast cloud password"
                             : "Basic-AD with the domain password");
    if (!mm_str_eq_ct(want, password))
        return refuse(MM_E_INVALID_CREDENTIALS, msg, size,
                      "Invalid credentials: the email address or password is wrong");
    if (cm_json_str(user, "role", NULL) == NULL)
        return refuse(MM_E_NOT_ADMIN, msg, size,
                      "Only administrators can create keys: add %s to an administrative role in "
                      "Account > Roles",
                      cm_json_str(user, "email", ""));
    *user_out = user;
    return -1;
}

static int key_delay(const struct mm_state *st, const cJSON *app, int64_t now, char *msg,
                     size_t size)
{
    int64_t ready = mm_doc_time(app, "created", 0) + st->set.key_delay_ms;
    char when[64], delay[32];

    if (now >= ready)
        return -1;
    mm_time_human(ready, when, sizeof(when));
    cm_duration_format(st->set.key_delay_ms, delay, sizeof(delay));
    return refuse(MM_E_KEYS_NOT_YET, msg, size,
                  "Access and secret keys are not yet available for application '%s': keys can "
                  "be created %s after the application; available at %s",
                  cm_json_str(app, "name", ""), delay, when);
}

static void set_expiry(const struct mm_state *st, const struct mm_acct *a, cJSON *binding,
                       const cJSON *user, const cJSON *app, int64_t now)
{
    int64_t ttl = mm_binding_ttl(&st->set, a->doc, user, app);

    mm_doc_set_time(binding, "issued", now);
    if (ttl < 0)
        mm_doc_set_str(binding, "expires", NULL);
    else
        mm_doc_set_time(binding, "expires", now + ttl);
}

static int live(const cJSON *b, int64_t now)
{
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(b, "expires");

    return cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(b, "revoked")) &&
           (!cJSON_IsString(exp) || now < mm_doc_time(b, "expires", 0));
}

int mm_keys_create(struct mm_state *st, struct mm_acct *a, cJSON *app, const char *email,
                   const char *password, int domain, int64_t now_ms, cJSON **binding, char *msg,
                   size_t msg_size)
{
    cJSON *user = NULL, *bindings = cJSON_GetObjectItemCaseSensitive(a->doc, "bindings"), *b;
    char ak[MM_ACCESS_KEY_LEN + 1], sk[MM_SECRET_KEY_LEN + 1];
    int rc, n = 0;

    if ((rc = key_delay(st, app, now_ms, msg, msg_size)) != -1 ||
        (rc = check_user(a, email, password, domain, &user, msg, msg_size)) != -1)
        return rc;
    cJSON_ArrayForEach(b, bindings)
    {
        if (strcasecmp(cm_json_str(b, "user", ""), cm_json_str(user, "email", "")) == 0 &&
            live(b, now_ms))
            n++;
    }
    if (n >= st->set.bindings_per_user)
        return refuse(MM_E_BINDING_LIMIT, msg, msg_size,
                      "%s already has %d active bindings, the most a user may have: log out "
                      "unused keys (/api/login/logout) or change the user's password to revoke "
                      "them",
                      cm_json_str(user, "email", ""), n);
    mm_rand_access_key(ak);
    mm_rand_secret_key(sk);
    b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "access_key", ak);
    cJSON_AddStringToObject(b, "secret_key", sk);
    cJSON_AddStringToObject(b, "user", cm_json_str(user, "email", ""));
    cJSON_AddStringToObject(b, "app_id", cm_json_str(app, "app_id", ""));
    set_expiry(st, a, b, user, app, now_ms);
    cJSON_AddNullToObject(b, "revoked");
    cJSON_AddItemToArray(bindings, b);
    *binding = b;
    return -1;
}

int mm_keys_revoke_user(struct mm_acct *a, const char *email, const char *reason)
{
    cJSON *b;
    int n = 0;

    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(a->doc, "bindings"))
    {
        if (strcasecmp(cm_json_str(b, "user", ""), email) == 0 &&
            cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(b, "revoked"))) {
            mm_doc_set_str(b, "revoked", reason);
            n++;
        }
    }
    return n;
}

/* ---- handlers ---- */

static cJSON *binding_json(const cJSON *b, const cJSON *app)
{
    cJSON *o = cJSON_CreateObject();
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(b, "expires");

    cJSON_AddStringToObject(o, "accessKey", cm_json_str(b, "access_key", ""));
    cJSON_AddStringToObject(o, "secretKey", cm_json_str(b, "secret_key", ""));
    cJSON_AddNumberToObject(
        o, "duration",
        cJSON_IsString(exp) ? (double)(mm_doc_time(b, "expires", 0) - mm_doc_time(b, "issued", 0))
                            : NEVER_DURATION_MS);
    cJSON_AddStringToObject(o, "userName", cm_json_str(b, "user", ""));
    cJSON_AddBoolToObject(o, "extendOnValidate", cm_json_bool(app, "extended_session", 0));
    return o;
}

/* The application of a key call: x-mc-app-id present, known, on this grid, enabled. */
static cJSON *key_app(struct mm_state *st, struct mk_request *req, struct mk_response *resp,
                      struct mm_acct **a, int check_region)
{
    const char *id = mk_req_header(req, "x-mc-app-id");

    if (id == NULL || *id == '\0') {
        mm_fail(req, resp, MM_API1, MM_E_MISSING_HEADER, NULL,
                "0001 Credentials are missing from the request: no x-mc-app-id header");
        return NULL;
    }
    return mm_app1(st, req, resp, id, a, check_region);
}

int mm_h_discover(struct mk_request *req, struct mk_response *resp)
{
    struct mm_state *st = req->svc->data;
    struct mm_acct *a = NULL, *ua = NULL;
    cJSON *app, *body, *item, *user, *data, *o, *methods, *region, *doc;
    const char *email, *at;
    char token[33], name[40];
    struct mk_service *peer;

    app = key_app(st, req, resp, &a, 0);
    if (app == NULL || (body = mm_body(req, resp)) == NULL)
        return MK_DONE;
    item = mm_body_item(body);
    email = cm_json_str(item, "emailAddress", NULL);
    if (email == NULL || *email == '\0') {
        mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, item,
                "emailAddress is required: send {\"data\": [{\"emailAddress\": \"...\"}]}");
        goto out;
    }
    at = strchr(email, '@');
    if (at == NULL || at == email || at[1] == '\0' || strchr(at + 1, '@')) {
        mm_fail(req, resp, MM_API1, MM_E_INVALID_EMAIL, item,
                "emailAddress '%.100s' is not a valid email address", email);
        goto out;
    }
    user = mm_find_user_any(st, email, &ua);
    if (user == NULL) {
        doc = mm_envelope(NULL);
        cJSON_AddItemToArray(
            cJSON_GetObjectItemCaseSensitive(doc, "fail"),
            mm_fail_item(item, "err_xdk_user_not_found", "No user with this email address", 0));
        mk_req_verdict(req, "unknown_user");
        mk_resp_json(resp, 200, doc);
        goto out;
    }
    data = cJSON_CreateArray();
    o = cJSON_CreateObject();
    cJSON_AddItemToArray(data, o);
    cJSON_AddStringToObject(o, "emailAddress", cm_json_str(user, "email", ""));
    mm_rand_alnum(token, sizeof(token), 32);
    cJSON_AddStringToObject(o, "emailToken", token);
    methods = cJSON_AddArrayToObject(o, "authenticate");
    if (cm_json_bool(mm_find_profile(ua, cm_json_str(user, "auth_profile", NULL)), "sso", 0)) {
        cJSON_AddItemToArray(methods, cJSON_CreateString("SAML"));
    } else {
        if (*cm_json_str(user, "password", ""))
            cJSON_AddItemToArray(methods, cJSON_CreateString("Basic-Cloud"));
        if (cm_json_str(user, "ad_password", NULL))
            cJSON_AddItemToArray(methods, cJSON_CreateString("Basic-AD"));
    }
    region = cJSON_AddObjectToObject(o, "region");
    cJSON_AddStringToObject(region, "code", mm_grids[ua->grid].name);
    {
        char url[160];
        snprintf(url, sizeof(url), "https://%s", mm_grids[ua->grid].host);
        cJSON_AddStringToObject(region, "api", url);
    }
    snprintf(name, sizeof(name), "mimecast-%s", mm_grids[ua->grid].name);
    peer = req->rt ? mk_runtime_find(req->rt, name) : NULL;
    if (peer)
        cJSON_AddStringToObject(region, "mockUrl", peer->url);
    /* ours: when the application's keys can be created (created + key_delay) */
    {
        char when[40];
        cm_time_format(mm_doc_time(app, "created", 0) + st->set.key_delay_ms, when, sizeof(when));
        cJSON_AddStringToObject(o, "keysAvailableAt", when);
    }
    mk_resp_json(resp, 200, mm_envelope(data));
    mk_req_detail(req, "%s on %s", cm_json_str(user, "email", ""), mm_grids[ua->grid].name);
out:
    cJSON_Delete(body);
    return MK_DONE;
}

/* Reads "Basic-Cloud|Basic-AD base64(user:pass)"; -1, or answers and returns MK_DONE. */
static int login_credentials(struct mk_request *req, struct mk_response *resp, char *user,
                             size_t usize, char *pass, size_t psize, int *domain)
{
    const char *auth = mk_req_header(req, "Authorization"), *b64;
    unsigned char raw[800];
    char *colon;
    int n;

    if (auth == NULL || *auth == '\0')
        return mm_fail(req, resp, MM_API1, MM_E_MISSING_HEADER, NULL,
                       "0001 Credentials are missing from the request: no Authorization header");
    if (strncasecmp(auth, "Basic-Cloud ", 12) == 0) {
        *domain = 0;
        b64 = auth + 12;
    } else if (strncasecmp(auth, "Basic-AD ", 9) == 0) {
        *domain = 1;
        b64 = auth + 9;
    } else {
        return mm_fail(req, resp, MM_API1, MM_E_AUTH_TYPE, NULL,
                       "0001 Authentication type not supported: send Authorization: Basic-Cloud "
                       "base64(email:password) for the cloud password or Basic-AD for the "
                       "domain password");
    }
    while (*b64 == ' ')
        b64++;
    n = mm_b64_decode(b64, raw, sizeof(raw) - 1);
    if (n > 0)
        raw[n] = '\0';
    colon = n > 0 ? strchr((char *)raw, ':') : NULL;
    if (colon == NULL || colon == (char *)raw || strlen((char *)raw) != (size_t)n ||
        (size_t)(colon - (char *)raw) >= usize || strlen(colon + 1) >= psize)
        return mm_fail(req, resp, MM_API1, MM_E_BAD_AUTHORIZATION, NULL,
                       "Authorization header is malformed: expected %s base64(email:password)",
                       *domain ? "Basic-AD" : "Basic-Cloud");
    *colon = '\0';
    cm_strlcpy(user, (char *)raw, usize);
    cm_strlcpy(pass, colon + 1, psize);
    return -1;
}

static int refresh(struct mm_state *st, struct mk_request *req, struct mk_response *resp,
                   struct mm_acct *a, cJSON *app, const cJSON *item, const char *email,
                   const char *password, int domain)
{
    const char *ak = cm_json_str(item, "accessKey", "");
    cJSON *user = NULL, *b = NULL, *it, *data;
    char msg[512];
    int rc;

    if ((rc = check_user(a, email, password, domain, &user, msg, sizeof(msg))) != -1)
        return mm_fail(req, resp, MM_API1, (enum mm_error)rc, NULL, "%s", msg);
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(a->doc, "bindings"))
    {
        if (strcmp(cm_json_str(it, "access_key", ""), ak) == 0)
            b = it;
    }
    if (b == NULL || strcasecmp(cm_json_str(b, "user", ""), cm_json_str(user, "email", "")) != 0 ||
        strcmp(cm_json_str(b, "app_id", ""), cm_json_str(app, "app_id", "")) != 0)
        return mm_fail(req, resp, MM_API1, MM_E_UNKNOWN_KEY, item,
                       "Unknown access key: no binding of %s for application '%s' has this "
                       "accessKey; log in without accessKey to create keys",
                       cm_json_str(user, "email", ""), cm_json_str(app, "name", ""));
    if (!cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(b, "revoked")))
        return mm_fail(req, resp, MM_API1, MM_E_KEYS_REVOKED, item,
                       "The access key was revoked (%s): log in without accessKey to create new "
                       "keys",
                       cm_json_str(b, "revoked", ""));
    set_expiry(st, a, b, user, app, req->now_ms);
    data = cJSON_CreateArray();
    cJSON_AddItemToArray(data, binding_json(b, app));
    mk_resp_json(resp, 200, mm_envelope(data));
    mk_req_detail(req, "binding of %s refreshed", cm_json_str(user, "email", ""));
    return MK_DONE;
}

int mm_h_login(struct mk_request *req, struct mk_response *resp)
{
    struct mm_state *st = req->svc->data;
    char email[256], password[512], msg[512];
    struct mm_acct *a = NULL;
    cJSON *app, *body = NULL, *item, *b = NULL, *data;
    const char *name;
    int domain = 0, rc;

    if (login_credentials(req, resp, email, sizeof(email), password, sizeof(password), &domain) !=
        -1)
        return MK_DONE;
    app = key_app(st, req, resp, &a, 1);
    if (app == NULL || (body = mm_body(req, resp)) == NULL)
        goto out;
    item = mm_body_item(body);
    name = cm_json_str(item, "userName", cm_json_str(item, "username", NULL));
    if (name && strcasecmp(name, email) != 0) {
        mm_fail(req, resp, MM_API1, MM_E_INVALID_CREDENTIALS, NULL,
                "Invalid credentials: userName '%.100s' does not match the Authorization header",
                name);
        goto out;
    }
    if (mm_check_ip(req, resp, MM_API1, a) == MK_DONE)
        goto out;
    if (cm_json_str(item, "accessKey", NULL)) {
        refresh(st, req, resp, a, app, item, email, password, domain);
        goto out;
    }
    rc = mm_keys_create(st, a, app, email, password, domain, req->now_ms, &b, msg, sizeof(msg));
    if (rc != -1) {
        mm_fail(req, resp, MM_API1, (enum mm_error)rc, NULL, "%s", msg);
        goto out;
    }
    data = cJSON_CreateArray();
    cJSON_AddItemToArray(data, binding_json(b, app));
    mk_resp_json(resp, 200, mm_envelope(data));
    mk_req_detail(req, "keys for %s", cm_json_str(b, "user", ""));
out:
    cJSON_Delete(body);
    return MK_DONE;
}

int mm_h_logout(struct mk_request *req, struct mk_response *resp)
{
    struct mm_state *st = req->svc->data;
    struct mm_ctx ctx;
    cJSON *body, *item, *b = NULL, *it, *doc;
    const char *ak;

    if (mm_gate(st, req, resp, NULL, &ctx) == MK_DONE || (body = mm_body(req, resp)) == NULL)
        return MK_DONE;
    if (ctx.api == MM_API2) {
        mm_fail(req, resp, MM_API1, MM_E_INVALID_VALUE, NULL,
                "logout ends an API 1.0 binding; API 2.0 tokens simply expire");
        goto out;
    }
    item = mm_body_item(body);
    ak = cm_json_str(item, "accessKey", cm_json_str(ctx.binding, "access_key", ""));
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(ctx.acct->doc, "bindings"))
    {
        if (strcmp(cm_json_str(it, "access_key", ""), ak) == 0)
            b = it;
    }
    doc = mm_envelope(NULL);
    if (b == NULL || strcasecmp(cm_json_str(b, "user", ""), cm_json_str(ctx.user, "email", "")))
        cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(doc, "fail"),
                             mm_fail_item(item, "err_xdk_access_key_not_found",
                                          "No binding of this user has this accessKey", 0));
    else if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(b, "revoked")))
        mm_doc_set_str(b, "revoked", "logged out");
    mk_resp_json(resp, 200, doc);
out:
    cJSON_Delete(body);
    return MK_DONE;
}
