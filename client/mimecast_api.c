/*
 * mimecast_api.c: the Mimecast session of the reference client: the hooks
 * that authenticate every try (MC signature or bearer token), refresh an
 * expired binding or token once, read the vendor's rate-limit wait, and the
 * judgement of every answer into an exit code and a message that says what
 * to change in the Mimecast console.
 *
 * One logical call is one rc_http_do() with three hooks sharing a struct
 * call: prepare (sign, or fetch a token; a refresh asked for by decide runs
 * here, so it is itself a retried, logged request), decide (418 -> refresh
 * once; 401 on API 2.0 -> new token once) and wait (X-RateLimit-Reset).
 *
 * Error codes the vendor notes do not confirm (IP allowlist, permissions,
 * keys asked too early, clock skew, Enhanced Logging) are recognised by the
 * words in their code, then by the HTTP status, so the client keeps working
 * when the exact strings differ; docs/client.md lists what is ours.
 */
#include "client/mimecast_api.h"

#include "client/mimecast_proto.h"
#include "client/retry.h"
#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TOKEN_GRACE_MS 60000

/* ---- session ---- */

static char *trim_url(const char *url)
{
    size_t n = strlen(url);

    while (n > 0 && url[n - 1] == '/')
        n--;
    return cm_strndup(url, n);
}

static int session_fail(struct rc_mm_session *s, int exit_code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int session_fail(struct rc_mm_session *s, int exit_code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
    va_end(ap);
    s->exit_code = exit_code;
    return exit_code == RC_EXIT_USAGE ? CM_EINVAL : CM_EAUTH;
}

static int missing(const char *v)
{
    return v == NULL || *v == '\0';
}

int rc_mm_session_init(struct rc_mm_session *s, struct rc_ctx *ctx, const struct rc_mm_creds *c,
                       const char *what)
{
    memset(s, 0, sizeof(*s));
    s->ctx = ctx;
    s->api = c->api;
    s->base_url = trim_url(c->base_url            ? c->base_url
                           : c->api == RC_MM_API2 ? RC_MM_API2_DEFAULT_URL
                                                  : RC_MM_API1_DEFAULT_URL);
    s->app_id = cm_strdup(c->app_id);
    s->app_key = cm_strdup(c->app_key);
    s->access_key = cm_strdup(c->access_key);
    s->secret_b64 = cm_strdup(c->secret_key);
    s->user = cm_strdup(c->user);
    s->password = cm_strdup(c->password);
    s->auth_ad = c->auth_ad;
    s->client_id = cm_strdup(c->client_id);
    s->client_secret = cm_strdup(c->client_secret);
    if (strncasecmp(s->base_url, "http://", 7) != 0 && strncasecmp(s->base_url, "https://", 8) != 0)
        return session_fail(s, RC_EXIT_USAGE,
                            "--base-url: expected the https:// base URL of the account's region "
                            "(such as %s), got '%s'",
                            RC_MM_API1_DEFAULT_URL, s->base_url);
    if (strcmp(what, "keys") == 0) {
        if (missing(s->user) || missing(s->password) || missing(s->app_id))
            return session_fail(s, RC_EXIT_USAGE,
                                "keys: needs --user (the service user's email address), "
                                "--password and --app-id (the API application's Application ID)");
        return 0;
    }
    if (strcmp(what, "discover") == 0) {
        if (missing(s->user) || missing(s->app_id))
            return session_fail(s, RC_EXIT_USAGE,
                                "API 1.0 needs --app-id, --app-key, --access-key and --secret-key; "
                                "without keys, --app-id and --user tell whether Create Keys works "
                                "yet (or, for API 2.0, give --client-id and --client-secret)");
        return 0;
    }
    if (s->api == RC_MM_API2) {
        if (missing(s->client_id) || missing(s->client_secret))
            return session_fail(s, RC_EXIT_USAGE,
                                "API 2.0 needs --client-id and --client-secret (from the API 2.0 "
                                "application in Services > API and Platform Integrations)");
        return 0;
    }
    if (missing(s->app_id) || missing(s->app_key) || missing(s->access_key) ||
        missing(s->secret_b64))
        return session_fail(s, RC_EXIT_USAGE,
                            "API 1.0 needs --app-id, --app-key, --access-key and --secret-key "
                            "(or, for API 2.0, --client-id and --client-secret)");
    if (rc_mm_b64_decode(s->secret_b64, s->secret, sizeof(s->secret), &s->secret_len) != 0)
        return session_fail(s, RC_MM_EXIT_AUTH,
                            "the secret key is not valid base64 (it is the shorter of the two "
                            "keys shown by Create Keys, ending in '=' or '=='): copy it again "
                            "from the Mimecast console, or create new keys");
    return 0;
}

void rc_mm_session_release(struct rc_mm_session *s)
{
    free(s->base_url);
    free(s->app_id);
    free(s->app_key);
    free(s->access_key);
    free(s->secret_b64);
    free(s->user);
    free(s->password);
    free(s->client_id);
    free(s->client_secret);
    free(s->token);
    memset(s->secret, 0, sizeof(s->secret));
    memset(s, 0, sizeof(*s));
}

/* ---- error explanations ---- */

void rc_mm_first_error(const cJSON *body, const char **code, const char **message)
{
    const cJSON *fail = cJSON_GetObjectItemCaseSensitive(body, "fail");
    const cJSON *f0 = cJSON_IsArray(fail) ? cJSON_GetArrayItem(fail, 0) : NULL;
    const cJSON *errs = cJSON_GetObjectItemCaseSensitive(f0, "errors");
    const cJSON *e0 = cJSON_IsArray(errs) ? cJSON_GetArrayItem(errs, 0) : NULL;
    const cJSON *oauth = cJSON_GetObjectItemCaseSensitive(body, "error");

    *code = "";
    *message = "";
    if (e0) {
        *code = cm_json_str(e0, "code", "");
        *message = cm_json_str(e0, "message", "");
    } else if (f0) {
        *code = cm_json_str(f0, "code", "");
        *message = cm_json_str(f0, "message", "");
    } else if (cJSON_IsString(oauth)) {
        *code = oauth->valuestring;
        *message = cm_json_str(body, "error_description", "");
    } else if (cJSON_IsObject(oauth)) {
        *code = cm_json_str(oauth, "code", "");
        *message = cm_json_str(oauth, "message", "");
    }
    if (**message == '\0')
        *message = cm_json_str(body, "message", cm_json_str(body, "detail", ""));
}

/* The error object that carries code/message, for extra members (a time, a URL). */
static const cJSON *error_object(const cJSON *body)
{
    const cJSON *fail = cJSON_GetObjectItemCaseSensitive(body, "fail");
    const cJSON *f0 = cJSON_IsArray(fail) ? cJSON_GetArrayItem(fail, 0) : NULL;
    const cJSON *errs = cJSON_GetObjectItemCaseSensitive(f0, "errors");
    const cJSON *e0 = cJSON_IsArray(errs) ? cJSON_GetArrayItem(errs, 0) : NULL;

    return e0 ? e0 : f0;
}

static int has(const char *hay, const char *needle)
{
    return hay && strcasestr(hay, needle) != NULL;
}

/* 1 when word is one of the '_'-separated parts of code ("ip" in "err_ip_not_allowed"). */
static int has_word(const char *code, const char *word)
{
    size_t wl = strlen(word);
    const char *p = code;

    while (p && *p) {
        size_t n = strcspn(p, "_-. ");
        if (n == wl && strncasecmp(p, word, wl) == 0)
            return 1;
        p += n;
        p += strspn(p, "_-. ");
    }
    return 0;
}

/* Copies into out what s holds between prefix and the next '\''. 1 when found. */
static int quoted_after(const char *s, const char *prefix, char *out, size_t size)
{
    const char *p = s ? strstr(s, prefix) : NULL, *end;
    size_t n;

    if (p == NULL)
        return 0;
    p += strlen(prefix);
    end = strchr(p, '\'');
    if (end == NULL || end == p)
        return 0;
    n = (size_t)(end - p) < size - 1 ? (size_t)(end - p) : size - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    return 1;
}

/* Copies the first http:// or https:// URL found in s (up to a space or quote) into out. */
static int find_url(const char *s, char *out, size_t size)
{
    const char *p = s ? strcasestr(s, "http") : NULL;

    for (; p; p = strcasestr(p + 4, "http")) {
        size_t n;
        if (strncasecmp(p, "http://", 7) != 0 && strncasecmp(p, "https://", 8) != 0)
            continue;
        n = strcspn(p, " \t\r\n\"'<>),;");
        while (n > 0 && (p[n - 1] == '.' || p[n - 1] == '/'))
            n--;
        if (n >= size)
            n = size - 1;
        memcpy(out, p, n);
        out[n] = '\0';
        return 1;
    }
    return 0;
}

/* A URL anywhere in the error: its string members first, then the message. */
static int error_url(const cJSON *body, const char *message, char *out, size_t size)
{
    const cJSON *e = error_object(body), *m;

    cJSON_ArrayForEach(m, e)
    {
        if (cJSON_IsString(m) && strcmp(m->string, "message") != 0 &&
            find_url(m->valuestring, out, size))
            return 1;
    }
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(body, "meta"))
    {
        if (cJSON_IsString(m) && find_url(m->valuestring, out, size))
            return 1;
    }
    return find_url(message, out, size);
}

/* A time member of the error (other than code/message): its text, borrowed, or NULL. */
static const char *error_time(const cJSON *body)
{
    const cJSON *e = error_object(body), *m;
    int64_t ms;

    cJSON_ArrayForEach(m, e)
    {
        if (cJSON_IsString(m) && strcmp(m->string, "message") != 0 &&
            strcmp(m->string, "code") != 0 &&
            (rc_mm_time_parse(m->valuestring, &ms) == 0 || cm_time_parse(m->valuestring, &ms) == 0))
            return m->valuestring;
    }
    return NULL;
}

static void said(struct cm_buf *b, const char *code, const char *message)
{
    if (*code && *message)
        cm_buf_printf(b, " (%s: \"%s\")", code, message);
    else if (*code || *message)
        cm_buf_printf(b, " (\"%s\")", *code ? code : message);
}

static const char *auth_name(int ad)
{
    return ad ? "Basic-AD" : "Basic-Cloud";
}

int rc_mm_explain(const struct rc_mm_explain_in *in, struct cm_buf *b)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(in->body, "meta");
    const cJSON *fail = cJSON_GetObjectItemCaseSensitive(in->body, "fail");
    const char *code, *message, *user = in->user ? in->user : "the service user";
    const char *app = in->app_id ? in->app_id : "(no app id)";
    long status = in->status, meta_status = (long)cm_json_num(meta, "status", 0);
    int has_fail = cJSON_IsArray(fail) && cJSON_GetArraySize(fail) > 0;
    char url[512];
    const char *when;

    rc_mm_first_error(in->body, &code, &message);
    if (status >= 200 && status <= 299 && (meta_status == 0 || meta_status / 100 == 2) &&
        !has_fail) {
        if (in->body == NULL) {
            cm_buf_printf(b, "Mimecast answered %ld with a body that is not JSON: '%.200s'", status,
                          in->raw ? in->raw : "");
            return RC_EXIT_REMOTE;
        }
        return 0;
    }
    if (status / 100 == 2 && meta_status >= 400)
        status = meta_status; /* HTTP 200 with a function-level failure */

    /* Keys asked for too early (before minute 30 of the application). */
    if (has(code, "not_yet") || has(code, "keys_not") || has(code, "too_early") ||
        has(code, "key_delay") || (has(code, "key") && has(code, "not_available"))) {
        when = error_time(in->body);
        if (in->op == RC_MM_OP_TOKEN) {
            cm_buf_puts(b, "the client credentials of the API 2.0 application are not active yet");
            said(b, code, message);
            cm_buf_puts(b, ". Mimecast accepts an API application's credentials 30 minutes after "
                           "it was created");
            if (when)
                cm_buf_printf(b, "; they work from %s", when);
            cm_buf_puts(b, ". Run the integration again then.");
            return RC_MM_EXIT_AUTH;
        }
        cm_buf_printf(b, "the access and secret keys of application %s are not available yet", app);
        said(b, code, message);
        cm_buf_puts(b, ". Mimecast only creates keys 30 minutes after the API application was "
                       "created");
        if (when)
            cm_buf_printf(b, "; they become available at %s", when);
        cm_buf_puts(b, ". Wait until then and run `keys` again (Services > API and Platform "
                       "Integrations > your application > Create Keys in the console).");
        return RC_MM_EXIT_AUTH;
    }
    if (has(code, "binding_limit")) {
        cm_buf_printf(b, "%s holds as many bindings (keys) as Mimecast allows a user", user);
        said(b, code, message);
        cm_buf_puts(b, ". Log out keys that are no longer used (/api/login/logout), or change the "
                       "user's password to revoke them all, then create keys again.");
        return RC_MM_EXIT_AUTH;
    }
    if (has(code, "authentication_type") || has(code, "auth_type")) {
        cm_buf_printf(b, "Mimecast does not accept %s logins for %s", auth_name(in->auth_ad), user);
        said(b, code, message);
        cm_buf_printf(b,
                      ". Use the login type the user's authentication profile allows (--auth-type "
                      "%s), and when the profile uses SSO, disable SSO on it while the keys are "
                      "created (Administration > Services > Applications > Authentication "
                      "Profiles).",
                      in->auth_ad ? "cloud" : "ad");
        return RC_MM_EXIT_AUTH;
    }
    if ((in->op == RC_MM_OP_LOGIN || in->op == RC_MM_OP_REFRESH) &&
        (status == 403 || has(code, "forbidden"))) {
        cm_buf_printf(b, "%s may not create keys", user);
        said(b, code, message);
        cm_buf_printf(b,
                      ". Only administrators can create keys: in the Mimecast console, go to "
                      "Account > Roles and add %s to the integration's role (for example "
                      "\"Sophos Integration\", with the Monitoring permissions it needs).",
                      user);
        return RC_MM_EXIT_FIX;
    }
    /* Binding expired (418, or the code with any status). */
    if (status == 418 || has(code, "binding_expired") || has(code, "accesskey_expired") ||
        has(code, "access_key_expired")) {
        cm_buf_printf(b, "the access key's binding for %s has expired", user);
        said(b, code, message);
        if (in->op == RC_MM_OP_REFRESH)
            cm_buf_puts(b, " and logging in again did not renew it");
        cm_buf_printf(b,
                      ". In the Mimecast console, set the Authentication Cache TTL to Never "
                      "Expire in the authentication profile that applies to %s "
                      "(Administration > Services > Applications > Authentication "
                      "Profiles, applied through an Application Setting), then create new "
                      "keys. ",
                      user);
        if (!in->has_password)
            cm_buf_puts(b, "Meanwhile, give the client the service user's --user and "
                           "--password so it can refresh the binding by logging in again.");
        return RC_MM_EXIT_FIX;
    }
    if (has(code, "signature")) {
        cm_buf_puts(b, "Mimecast could not verify the request signature");
        said(b, code, message);
        cm_buf_printf(b,
                      ". Check the secret key (the shorter, base64 key shown by Create Keys, "
                      "copied whole) and the application key of application %s; the access "
                      "key and secret key must come from the same Create Keys.",
                      app);
        return RC_MM_EXIT_AUTH;
    }
    if (has(code, "region") || has(message, "region")) {
        cm_buf_printf(b, "the account is not served by %s", in->base_url ? in->base_url : "");
        said(b, code, message);
        if (error_url(in->body, message, url, sizeof(url)))
            cm_buf_printf(b, ". Use the base URL of the account's region: --base-url %s.", url);
        else
            cm_buf_puts(b, ". Use the base URL of the account's region (Mimecast's global base "
                           "URLs; the account code gives the grid: CUS... us-api, CUSB... "
                           "usb-api, CUK... eu-api, CDE... de-api, CCA... ca-api, CAU... "
                           "au-api, CSA... za-api) with --base-url.");
        return RC_MM_EXIT_FIX;
    }
    if (has_word(code, "ip") || has(code, "address_not_allowed")) {
        if (in->source_addr)
            cm_buf_printf(b,
                          "Mimecast refused the request from %s: it is outside the account's "
                          "admin IP ranges",
                          in->source_addr);
        else
            cm_buf_puts(b, "Mimecast refused the request from this host's address: it is "
                           "outside the account's admin IP ranges");
        said(b, code, message);
        cm_buf_puts(b, ". In the Mimecast console, go to Account > Account Settings > User "
                       "Access and Permissions and add the address the integration connects "
                       "from to the admin IP ranges (for Sophos Central: the Sophos IP "
                       "addresses for integrations of your Sophos Central region), or move the "
                       "IP restriction to the administrators' authentication profile.");
        return RC_MM_EXIT_FIX;
    }
    if (has(code, "skew") || has(code, "clock") || has(message, "too skewed")) {
        cm_buf_puts(b, "Mimecast refused the request time (x-mc-date) as too far from its own "
                       "clock");
        said(b, code, message);
        cm_buf_puts(b, ". Synchronise this host's clock (NTP) and try again.");
        return RC_MM_EXIT_FIX;
    }
    if (has(code, "logging") || has(message, "enhanced logging")) {
        cm_buf_puts(b, "Enhanced Logging is not enabled for the account");
        said(b, code, message);
        cm_buf_puts(b, ". In the Mimecast console, go to Administration > Account > Account "
                       "Settings > Enhanced Logging, select Inbound, Outbound and Internal, and "
                       "click Save.");
        return RC_MM_EXIT_FIX;
    }
    if (status == 403 || has(code, "permission") || has(code, "forbidden") ||
        has(code, "not_permitted") || has(code, "role")) {
        const char *perm = in->logtype ? in->logtype->permission
                                       : "the permissions the integration needs (Monitoring > "
                                         "Attachment Protection, URL Protection and Impersonation "
                                         "Protection > Read)";
        char role[128], who[160];

        if (!quoted_after(message, "role '", role, sizeof(role)))
            snprintf(role, sizeof(role), "%s", "");
        if (in->api == RC_MM_API2)
            snprintf(who, sizeof(who), "the API 2.0 application");
        else
            snprintf(who, sizeof(who), "%s", user);
        if (in->logtype)
            cm_buf_printf(b, "%s may not read the %s logs", who, in->logtype->name);
        else
            cm_buf_printf(b, "%s may not do this", who);
        said(b, code, message);
        cm_buf_puts(b, ". In the Mimecast console, go to Account > Roles, open ");
        if (role[0])
            cm_buf_printf(b, "the role '%s'", role);
        else
            cm_buf_puts(b, "the role of the integration (for example \"Sophos Integration\")");
        cm_buf_printf(b, " and under Application Permissions select %s", perm);
        if (in->api == RC_MM_API2)
            cm_buf_puts(b, "; then check that the API 2.0 application uses that role (Services > "
                           "API and Platform Integrations > your application).");
        else
            cm_buf_printf(b, "; then check that %s is a member of that role (Add User to Role).",
                          user);
        return RC_MM_EXIT_FIX;
    }
    if (has(code, "revoked")) {
        cm_buf_printf(b, "the access key of %s was revoked", user);
        said(b, code, message);
        cm_buf_puts(b, ". Changing the service user's password or disabling the user revokes "
                       "its keys: create new keys (Services > API and Platform Integrations > "
                       "your application > Create Keys, or `secmock client mimecast keys`) and "
                       "give them to the integration.");
        return RC_MM_EXIT_AUTH;
    }
    if (has(code, "disabled") &&
        (has(code, "user") || in->op == RC_MM_OP_LOGIN || in->op == RC_MM_OP_REFRESH)) {
        cm_buf_printf(b, "the service user %s is disabled", user);
        said(b, code, message);
        cm_buf_printf(b,
                      ". Enable %s in Directories > Internal Directories (disabling a user "
                      "also revokes its keys: create new keys afterwards).",
                      user);
        return RC_MM_EXIT_AUTH;
    }
    if (has(code, "developer_key") || has(code, "app_id") || has(code, "app_key") ||
        has(code, "application")) {
        cm_buf_printf(b, "Mimecast does not accept application %s or its application key", app);
        said(b, code, message);
        cm_buf_puts(b, ". Check the Application ID and Application Key (Services > API and "
                       "Platform Integrations > Your Application Integrations) and that the "
                       "application is enabled.");
        return RC_MM_EXIT_AUTH;
    }
    if (status == 401 || has(code, "credential") || has(code, "password") ||
        has(code, "invalid_client") || has(code, "unauthorized") || has(code, "auth") ||
        has(code, "user")) {
        switch (in->op) {
        case RC_MM_OP_LOGIN:
        case RC_MM_OP_REFRESH:
        case RC_MM_OP_DISCOVER:
            cm_buf_printf(b, "Mimecast refused the login of %s with %s", user,
                          auth_name(in->auth_ad));
            said(b, code, message);
            cm_buf_printf(b,
                          ". Check the service user's email address and password (%s), "
                          "that the user is enabled (Directories > Internal Directories) and "
                          "that its authentication profile allows %s.",
                          in->auth_ad ? "--auth-type ad: the domain password"
                                      : "--auth-type cloud: the Mimecast cloud password; use "
                                        "--auth-type ad for a domain password",
                          auth_name(in->auth_ad));
            break;
        case RC_MM_OP_TOKEN:
            cm_buf_puts(b, "Mimecast refused the API 2.0 client credentials");
            said(b, code, message);
            cm_buf_puts(b, ". Check the Client ID and Client Secret of the API 2.0 application "
                           "(Services > API and Platform Integrations > Your Application "
                           "Integrations); the secret is shown once: create a new one if it "
                           "is lost.");
            break;
        case RC_MM_OP_LOGS:
            if (in->api == RC_MM_API2) {
                cm_buf_puts(b, "Mimecast refused the API 2.0 token, even a new one");
                said(b, code, message);
                cm_buf_puts(b, ". Check that the API 2.0 application is enabled and that its "
                               "role and products include the TTP logs.");
            } else {
                cm_buf_printf(b, "Mimecast refused the access key of application %s", app);
                said(b, code, message);
                cm_buf_puts(b, ". Check the access key and secret key; changing the service "
                               "user's password or disabling the user revokes its keys: "
                               "create new keys then (`secmock client mimecast keys`).");
            }
            break;
        }
        return RC_MM_EXIT_AUTH;
    }
    if (status == 429) {
        cm_buf_printf(b, "Mimecast is still limiting the request rate after %d %s", in->tries,
                      in->tries == 1 ? "try" : "tries");
        said(b, code, message);
        cm_buf_puts(b, ". The quota is per user, across all of that user's keys: run the "
                       "integrations less often or with larger pages, or ask Mimecast to "
                       "raise the limit.");
        return RC_EXIT_REMOTE;
    }
    if (status >= 500) {
        cm_buf_printf(b, "Mimecast answered %ld after %d %s", status, in->tries,
                      in->tries == 1 ? "try" : "tries");
        said(b, code, message);
        cm_buf_puts(b, "; try again later.");
        return RC_EXIT_REMOTE;
    }
    cm_buf_printf(b, "Mimecast answered %ld", status);
    said(b, code, message);
    if (!*code && !*message && in->raw && *in->raw)
        cm_buf_printf(b, ": '%.200s'", in->raw);
    return RC_EXIT_REMOTE;
}

int rc_mm_rate_limit_wait(const struct cm_http_response *resp, int64_t *wait_ms)
{
    static const char *const names[] = {"X-RateLimit-Reset", "X-Rate-Limit-Reset", NULL};
    const char *const *n;
    char v[64];

    for (n = names; *n; n++)
        if (cm_http_header(resp, *n, v, sizeof(v)) == 0 &&
            rc_reset_wait_parse(v, 1.0, wait_ms) == 0)
            return 0;
    return CM_ENOENT;
}

/* ---- one call ---- */

enum auth_kind { AUTH_NONE, AUTH_DATE, AUTH_MC, AUTH_BEARER, AUTH_LOGIN };

struct call {
    struct rc_mm_session *s;
    enum rc_mm_op op;
    enum auth_kind auth;
    const char *path;
    int tries;
    int refresh_wanted, refreshed;
    int token_wanted, retokened;
    int hook_failed;
};

static int fetch_token(struct rc_mm_session *s);

static int set_date_and_id(struct call *c, struct rc_headers *h, char *date, struct cm_err *err)
{
    char guid[RC_MM_GUID_SIZE];
    int64_t now;
    int rc = rc_clock_now(c->s->ctx->clock, &now, err);

    if (rc)
        return rc;
    rc_mm_date_rfc1123(now, date);
    rc_mm_guid(guid);
    rc_headers_set(h, "x-mc-date", date);
    rc_headers_set(h, "x-mc-req-id", guid);
    rc_headers_set(h, "x-mc-app-id", c->s->app_id);
    return 0;
}

static int prepare(void *ud, int attempt, struct rc_headers *h, struct cm_err *err)
{
    struct call *c = ud;
    struct rc_mm_session *s = c->s;
    char date[RC_MM_DATE_SIZE], sig[RC_MM_SIG_SIZE], *v;
    int64_t now;
    int rc;

    c->tries = attempt + 1;
    switch (c->auth) {
    case AUTH_NONE:
        return 0;
    case AUTH_DATE:
        return set_date_and_id(c, h, date, err);
    case AUTH_LOGIN: {
        struct cm_buf b;
        char *up = cm_asprintf("%s:%s", s->user, s->password);
        size_t n = strlen(up);
        char *enc = cm_malloc(4 * ((n + 2) / 3) + 1);

        rc_mm_b64_encode((const unsigned char *)up, n, enc, 4 * ((n + 2) / 3) + 1);
        cm_buf_init(&b, 0);
        cm_buf_printf(&b, "%s %s", auth_name(s->auth_ad), enc);
        rc_headers_set(h, "Authorization", cm_buf_str(&b));
        cm_buf_release(&b);
        memset(up, 0, n);
        free(up);
        free(enc);
        return set_date_and_id(c, h, date, err);
    }
    case AUTH_MC:
        if (c->refresh_wanted) {
            c->refresh_wanted = 0;
            c->refreshed = 1;
            cm_warn("the binding of %s expired (418); logging in again to refresh it", s->user);
            rc = rc_mm_login(s, 1, NULL);
            if (rc) {
                c->hook_failed = 1;
                return cm_fail(err, rc, "%s", s->msg);
            }
        }
        rc = set_date_and_id(c, h, date, err);
        if (rc)
            return rc;
        if (rc_mm_sign(s->secret, s->secret_len, date, rc_headers_get(h, "x-mc-req-id"), c->path,
                       s->app_key, sig) != 0)
            return cm_fail(err, CM_EINVAL, "cannot compute the request signature");
        v = cm_asprintf("MC %s:%s", s->access_key, sig);
        rc_headers_set(h, "Authorization", v);
        free(v);
        return 0;
    case AUTH_BEARER:
        rc = rc_clock_now(s->ctx->clock, &now, err);
        if (rc)
            return rc;
        if (s->token == NULL || now >= s->token_renew_ms || c->token_wanted) {
            c->token_wanted = 0;
            rc = fetch_token(s);
            if (rc) {
                c->hook_failed = 1;
                return cm_fail(err, rc, "%s", s->msg);
            }
        }
        v = cm_asprintf("Bearer %s", s->token);
        rc_headers_set(h, "Authorization", v);
        free(v);
        return 0;
    }
    return 0;
}

/* 1 when the answer says the binding expired, whatever its status. */
static int binding_expired(const struct cm_http_response *resp)
{
    const char *code, *message;
    cJSON *doc;
    int yes;

    if (resp->status == 418)
        return 1;
    if (resp->body.len == 0 || strstr(cm_buf_str(&resp->body), "binding_expired") == NULL)
        return 0;
    doc = cm_json_parse(resp->body.data, resp->body.len, "answer", NULL);
    rc_mm_first_error(doc, &code, &message);
    yes = has(code, "binding_expired");
    cJSON_Delete(doc);
    return yes;
}

static enum rc_http_verdict decide(void *ud, const struct cm_http_response *resp, int attempt)
{
    struct call *c = ud;

    (void)attempt;
    if (c->auth == AUTH_MC && !c->refreshed && binding_expired(resp) && c->s->user &&
        c->s->password && *c->s->user && *c->s->password) {
        c->refresh_wanted = 1;
        return RC_HTTP_RETRY_NOW;
    }
    if (c->auth == AUTH_BEARER && resp->status == 401 && !c->retokened) {
        c->retokened = 1;
        c->token_wanted = 1;
        cm_info("the bearer token was refused (401); fetching a new one");
        return RC_HTTP_RETRY_NOW;
    }
    return RC_HTTP_DEFAULT;
}

static int wait_hook(void *ud, const struct cm_http_response *resp, int64_t now_ms,
                     int64_t *wait_ms)
{
    (void)ud;
    (void)now_ms;
    if (resp->status != 429)
        return CM_ENOENT;
    return rc_mm_rate_limit_wait(resp, wait_ms);
}

/*
 * Performs one call and judges it. 0 and *doc (when doc is not NULL) on success; else the
 * session holds the exit code and message.
 */
static int perform(struct rc_mm_session *s, enum rc_mm_op op, enum auth_kind auth, const char *path,
                   const char *content_type, const char *body, cJSON **doc)
{
    struct call c;
    struct rc_http_hooks hooks = {prepare, decide, wait_hook, NULL};
    struct rc_http_req req = {0};
    struct cm_http_response resp;
    struct rc_mm_explain_in in;
    struct cm_err err = {{0}};
    const char *headers[3];
    char ct[96];
    struct cm_buf msg;
    cJSON *parsed = NULL;
    char *url = cm_asprintf("%s%s", s->base_url, path);
    int rc, code;

    memset(&c, 0, sizeof(c));
    c.s = s;
    c.op = op;
    c.auth = auth;
    c.path = path;
    hooks.ud = &c;
    snprintf(ct, sizeof(ct), "Content-Type: %s", content_type);
    headers[0] = ct;
    headers[1] = "Accept: application/json";
    headers[2] = NULL;
    req.method = "POST";
    req.url = url;
    req.headers = headers;
    req.body = body;
    req.body_len = strlen(body);
    req.hooks = &hooks;
    cm_http_response_init(&resp);
    cm_buf_init(&msg, 0);
    if (doc)
        *doc = NULL;
    s->err_status = 0;
    s->err_code[0] = s->err_message[0] = '\0';
    rc = rc_http_do(s->ctx->http, &req, &resp, &err);
    if (rc) {
        if (!c.hook_failed) {
            snprintf(s->msg, sizeof(s->msg),
                     "%s; check --base-url (%s) and that this host can "
                     "reach it",
                     err.msg, s->base_url);
            s->exit_code = rc_exit_for(rc);
        }
        goto out;
    }
    if (resp.body.len)
        parsed = cm_json_parse(resp.body.data, resp.body.len, "answer", NULL);
    memset(&in, 0, sizeof(in));
    in.op = op;
    in.api = s->api;
    in.logtype = s->logtype;
    in.status = resp.status;
    in.body = parsed;
    in.raw = cm_buf_str(&resp.body);
    in.tries = c.tries;
    in.user = s->user;
    in.app_id = s->app_id;
    in.base_url = s->base_url;
    in.source_addr = s->ctx->http->opts.source_addr;
    in.auth_ad = s->auth_ad;
    in.has_password = s->password && *s->password && s->user && *s->user;
    code = rc_mm_explain(&in, &msg);
    if (code) {
        const char *ecode, *emsg;

        rc_mm_first_error(parsed, &ecode, &emsg);
        snprintf(s->msg, sizeof(s->msg), "%s", cm_buf_str(&msg));
        snprintf(s->err_code, sizeof(s->err_code), "%s", ecode);
        snprintf(s->err_message, sizeof(s->err_message), "%s", emsg);
        s->err_status = resp.status;
        s->exit_code = code;
        rc = CM_EPROTO;
        goto out;
    }
    if (c.refreshed)
        s->refreshes++;
    if (doc) {
        *doc = parsed;
        parsed = NULL;
    }
out:
    cJSON_Delete(parsed);
    cm_buf_release(&msg);
    cm_http_response_release(&resp);
    free(url);
    return rc;
}

static char *json_body_one(cJSON *item)
{
    cJSON *root = cJSON_CreateObject(), *data = cJSON_CreateArray();
    char *text;

    cJSON_AddItemToArray(data, item);
    cJSON_AddItemToObject(root, "data", data);
    text = cm_json_print(root);
    cJSON_Delete(root);
    return text;
}

static const cJSON *data0(const cJSON *doc)
{
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(doc, "data");

    return cJSON_IsArray(data) ? cJSON_GetArrayItem(data, 0) : NULL;
}

int rc_mm_discover(struct rc_mm_session *s, cJSON **out)
{
    cJSON *item = cJSON_CreateObject(), *doc = NULL;
    const cJSON *d;
    char *body;
    int rc;

    cJSON_AddStringToObject(item, "emailAddress", s->user);
    body = json_body_one(item);
    rc = perform(s, RC_MM_OP_DISCOVER, AUTH_DATE, "/api/login/discover-authentication",
                 "application/json", body, &doc);
    free(body);
    if (rc)
        return rc;
    d = data0(doc);
    *out = d ? cJSON_Duplicate(d, 1) : cJSON_CreateObject();
    cJSON_Delete(doc);
    return 0;
}

int rc_mm_login(struct rc_mm_session *s, int refresh, int64_t *duration_ms)
{
    cJSON *item = cJSON_CreateObject(), *doc = NULL;
    const cJSON *d;
    const char *ak, *sk;
    char *body;
    int rc;

    cJSON_AddStringToObject(item, "userName", s->user);
    if (refresh && s->access_key)
        cJSON_AddStringToObject(item, "accessKey", s->access_key);
    body = json_body_one(item);
    rc = perform(s, refresh ? RC_MM_OP_REFRESH : RC_MM_OP_LOGIN, AUTH_LOGIN, "/api/login/login",
                 "application/json", body, &doc);
    free(body);
    if (rc)
        return rc;
    d = data0(doc);
    ak = cm_json_str(d, "accessKey", "");
    sk = cm_json_str(d, "secretKey", "");
    if (!*ak || !*sk) {
        cJSON_Delete(doc);
        return session_fail(s, RC_EXIT_REMOTE,
                            "Mimecast's login answer has no accessKey and secretKey in data[0]");
    }
    free(s->access_key);
    free(s->secret_b64);
    s->access_key = cm_strdup(ak);
    s->secret_b64 = cm_strdup(sk);
    if (rc_mm_b64_decode(sk, s->secret, sizeof(s->secret), &s->secret_len) != 0) {
        cJSON_Delete(doc);
        return session_fail(s, RC_EXIT_REMOTE,
                            "Mimecast's login answer has a secretKey that is "
                            "not base64");
    }
    if (duration_ms)
        *duration_ms = cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(d, "duration"))
                           ? (int64_t)cm_json_num(d, "duration", 0)
                           : -1;
    cJSON_Delete(doc);
    return 0;
}

static int fetch_token(struct rc_mm_session *s)
{
    struct cm_buf form;
    struct cm_err err = {{0}};
    cJSON *doc = NULL;
    const char *tok;
    double expires;
    int64_t now;
    int rc;

    cm_buf_init(&form, 0);
    cm_buf_puts(&form, "grant_type=client_credentials&client_id=");
    rc_mm_form_escape(&form, s->client_id);
    cm_buf_puts(&form, "&client_secret=");
    rc_mm_form_escape(&form, s->client_secret);
    rc = perform(s, RC_MM_OP_TOKEN, AUTH_NONE, "/oauth/token", "application/x-www-form-urlencoded",
                 cm_buf_str(&form), &doc);
    cm_buf_release(&form);
    if (rc)
        return rc;
    tok = cm_json_str(doc, "access_token", "");
    if (!*tok) {
        cJSON_Delete(doc);
        return session_fail(s, RC_EXIT_REMOTE, "Mimecast's token answer has no access_token");
    }
    rc = rc_clock_now(s->ctx->clock, &now, &err);
    if (rc) {
        cJSON_Delete(doc);
        return session_fail(s, RC_EXIT_CONN, "%s", err.msg);
    }
    expires = cm_json_num(doc, "expires_in", 1800);
    free(s->token);
    s->token = cm_strdup(tok);
    s->token_count++;
    /* Renew a minute early (half the life for very short tokens). */
    s->token_renew_ms =
        now + (int64_t)(expires * 1000) -
        (expires * 1000 > 2 * TOKEN_GRACE_MS ? TOKEN_GRACE_MS : (int64_t)(expires * 500));
    cJSON_Delete(doc);
    return 0;
}

int rc_mm_call(struct rc_mm_session *s, enum rc_mm_op op, const char *path, const cJSON *body,
               cJSON **doc)
{
    char *text = cm_json_print(body);
    int rc = perform(s, op, s->api == RC_MM_API2 ? AUTH_BEARER : AUTH_MC, path, "application/json",
                     text, doc);

    free(text);
    return rc;
}
