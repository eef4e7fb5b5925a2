/*
 * actions.c: the Mimecast administration console, as the admin API's service
 * actions (POST /services/<name>/actions/<action>, docs/mimecast.md). They are
 * the setup steps of the Sophos and Netskope guides, so a scenario can play
 * them in order on the virtual clock:
 *
 *   create-app            Services > API and Platform Integrations > Add API Application
 *   update-app            an application's Status, extended session, role
 *   create-keys           the application's "Create Keys" (email, password, type, OTP)
 *   create-user           Directories > Internal Directories > New Address
 *   change-password       a new password: the user's keys are revoked
 *   disable-user / enable-user
 *   set-role              Account > Roles > New Role (or edit its permissions)
 *   add-user-to-role / remove-user-from-role
 *   set-auth-profile      Services > Applications > Authentication Profiles (TTL, SSO, 2FA)
 *   assign-auth-profile   Application Settings linking the user's group to a profile
 *   set-enhanced-logging  Account > Account Settings > Enhanced Logging
 *   set-admin-ip-ranges   Account Settings > User Access and Permissions
 *   add-package / remove-package
 *
 * Most actions edit a copy of the state and load it back, so the console can
 * never put the state in a shape a load would refuse; create-keys goes through
 * the same core as /api/login/login (keys.c).
 */
#include "mock/mimecast/mm.h"

#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *arg_str(const cJSON *args, const char *key)
{
    return cm_json_str(args, key, NULL);
}

static int arg_bool(const cJSON *args, const char *key, int *out, struct cm_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);

    if (v == NULL)
        return 1;
    if (!cJSON_IsBool(v))
        return cm_fail(err, CM_EINVAL, "%s: expected true or false", key);
    *out = cJSON_IsTrue(v);
    return 0;
}

static cJSON *find_by(cJSON *arr, const char *key, const char *value, int nocase)
{
    cJSON *it;

    cJSON_ArrayForEach(it, arr)
    {
        const char *v = cm_json_str(it, key, NULL);
        if (v && value && (nocase ? strcasecmp(v, value) : strcmp(v, value)) == 0)
            return it;
    }
    return NULL;
}

/* The account args.account names, or the only one, or the one holding args.email or
 * args.id. */
static cJSON *pick_account(cJSON *doc, const cJSON *args, struct cm_err *err)
{
    cJSON *accounts = cJSON_GetObjectItemCaseSensitive(doc, "accounts"), *a;
    const char *code = arg_str(args, "account");
    int n = cJSON_GetArraySize(accounts);

    if (code == NULL) {
        const char *email = arg_str(args, "email"), *id = arg_str(args, "id");
        if (n == 1)
            return cJSON_GetArrayItem(accounts, 0);
        /* the account that holds the user or application the action names */
        cJSON_ArrayForEach(a, accounts)
        {
            cJSON *apps = cJSON_GetObjectItemCaseSensitive(a, "applications");
            if ((email &&
                 find_by(cJSON_GetObjectItemCaseSensitive(a, "users"), "email", email, 1)) ||
                (id && (find_by(apps, "app_id", id, 0) || find_by(apps, "client_id", id, 0))))
                return a;
        }
        cm_fail(err, CM_EINVAL, "account: required: the state has %d accounts", n);
        return NULL;
    }
    cJSON_ArrayForEach(a, accounts)
    {
        if (strcmp(cm_json_str(a, "code", ""), code) == 0)
            return a;
    }
    cm_fail(err, CM_ENOENT, "account: no account '%s'", code);
    return NULL;
}

static cJSON *user_in(cJSON *acct, const cJSON *args, struct cm_err *err)
{
    const char *email = arg_str(args, "email");
    cJSON *u = find_by(cJSON_GetObjectItemCaseSensitive(acct, "users"), "email", email, 1);

    if (u == NULL)
        cm_fail(err, CM_ENOENT, "email: no user '%s' in account %s", email ? email : "(missing)",
                cm_json_str(acct, "code", ""));
    return u;
}

/* Loads the edited doc; on success returns the object found by (list, key, value) in the new
 * state, copied; on failure NULL with err. Frees doc. */
static cJSON *commit(struct mm_state *st, cJSON *doc, int64_t now, const char *acct_code,
                     const char *list, const char *key, const char *value, struct cm_err *err)
{
    struct mm_acct *a;
    cJSON *out = NULL;
    char code[40];
    int rc;

    cm_strlcpy(code, acct_code, sizeof(code)); /* acct_code points into doc */
    rc = mm_state_load(st, doc, now, err);
    cJSON_Delete(doc);
    if (rc != 0)
        return NULL;
    a = mm_find_account(st, code);
    if (a == NULL)
        return cJSON_CreateObject();
    if (list == NULL) {
        out = cJSON_Duplicate(a->doc, 1);
        cJSON_DeleteItemFromObjectCaseSensitive(out, "logs");
        cJSON_DeleteItemFromObjectCaseSensitive(out, "threat_feed");
        cJSON_DeleteItemFromObjectCaseSensitive(out, "byo_batches");
        cJSON_DeleteItemFromObjectCaseSensitive(out, "bindings");
        cJSON_DeleteItemFromObjectCaseSensitive(out, "tokens");
        return out;
    }
    out = find_by(cJSON_GetObjectItemCaseSensitive(a->doc, list), key, value,
                  strcmp(key, "email") == 0);
    return out ? cJSON_Duplicate(out, 1) : cJSON_CreateObject();
}

static void put(cJSON *obj, const char *key, cJSON *v)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
    else
        cJSON_AddItemToObject(obj, key, v);
}

/* Copies args[key] (any JSON) onto obj[key] when present. */
static void copy_arg(cJSON *obj, const cJSON *args, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);

    if (v)
        put(obj, key, cJSON_Duplicate(v, 1));
}

static cJSON *create_app(struct mm_state *st, cJSON *doc, cJSON *acct, const cJSON *args,
                         int64_t now, struct cm_err *err)
{
    static const char *const keys1[] = {"name",    "category",    "extended_session",
                                        "enabled", "description", NULL};
    static const char *const keys2[] = {"name", "role", "products", "enabled", "description", NULL};
    const char *api = arg_str(args, "api") ? arg_str(args, "api") : "1.0", *const * k;
    char id[MM_UUID_LEN + 1], key[MM_UUID_LEN + 1], secret[65];
    cJSON *app = cJSON_CreateObject(), *out;
    int64_t ready = now + st->set.key_delay_ms;
    char when[40];

    if (strcmp(api, "1.0") != 0 && strcmp(api, "2.0") != 0) {
        cJSON_Delete(app);
        cJSON_Delete(doc);
        cm_fail(err, CM_EINVAL, "api: expected \"1.0\" or \"2.0\"");
        return NULL;
    }
    cJSON_AddStringToObject(app, "api", api);
    if (api[0] == '1') {
        mm_rand_uuid(id);
        mm_rand_uuid(key);
        cJSON_AddStringToObject(app, "app_id", id);
        cJSON_AddStringToObject(app, "app_key", key);
        for (k = keys1; *k; k++)
            copy_arg(app, args, *k);
    } else {
        mm_rand_alnum(id, sizeof(id), 32);
        mm_rand_alnum(secret, sizeof(secret), 64);
        cJSON_AddStringToObject(app, "client_id", id);
        cJSON_AddStringToObject(app, "client_secret", secret);
        for (k = keys2; *k; k++)
            copy_arg(app, args, *k);
    }
    mm_doc_set_time(app, "created", now);
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(acct, "applications"), app);
    out = commit(st, doc, now, cm_json_str(acct, "code", ""), "applications",
                 api[0] == '1' ? "app_id" : "client_id", id, err);
    if (out) {
        cm_time_format(ready, when, sizeof(when));
        cJSON_AddStringToObject(out, "keys_available_at", when);
    }
    return out;
}

static cJSON *update_app(struct mm_state *st, cJSON *doc, cJSON *acct, const cJSON *args,
                         int64_t now, struct cm_err *err)
{
    static const char *const keys[] = {"name", "enabled",  "extended_session", "category",
                                       "role", "products", "description",      NULL};
    const char *id = arg_str(args, "id"), *const * k;
    cJSON *apps = cJSON_GetObjectItemCaseSensitive(acct, "applications");
    cJSON *app = find_by(apps, "app_id", id, 0);

    if (app == NULL)
        app = find_by(apps, "client_id", id, 0);
    if (app == NULL) {
        cJSON_Delete(doc);
        cm_fail(err, CM_ENOENT, "id: no application with app_id or client_id '%s'",
                id ? id : "(missing)");
        return NULL;
    }
    for (k = keys; *k; k++)
        copy_arg(app, args, *k);
    return commit(st, doc, now, cm_json_str(acct, "code", ""), "applications",
                  cm_json_str(app, "app_id", NULL) ? "app_id" : "client_id", id, err);
}

static cJSON *create_user(struct mm_state *st, cJSON *doc, cJSON *acct, const cJSON *args,
                          int64_t now, struct cm_err *err)
{
    static const char *const keys[] = {"email", "password", "ad_password", "auth_profile",
                                       "role",  "disabled", NULL};
    const char *email = arg_str(args, "email"), *const * k;
    cJSON *u;

    if (email && find_by(cJSON_GetObjectItemCaseSensitive(acct, "users"), "email", email, 1)) {
        cJSON_Delete(doc);
        cm_fail(err, CM_EEXIST, "email: a user '%s' exists", email);
        return NULL;
    }
    u = cJSON_CreateObject();
    for (k = keys; *k; k++)
        copy_arg(u, args, *k);
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(acct, "users"), u);
    return commit(st, doc, now, cm_json_str(acct, "code", ""), "users", "email", email, err);
}

static cJSON *change_password(struct mm_state *st, cJSON *doc, cJSON *acct, const cJSON *args,
                              int64_t now, struct cm_err *err)
{
    cJSON *u = user_in(acct, args, err), *out;
    struct mm_acct tmp;
    int n;

    if (u == NULL || (!cJSON_GetObjectItemCaseSensitive(args, "password") &&
                      !cJSON_GetObjectItemCaseSensitive(args, "ad_password"))) {
        if (u)
            cm_fail(err, CM_EINVAL, "password: the new cloud password (or ad_password)");
        cJSON_Delete(doc);
        return NULL;
    }
    copy_arg(u, args, "password");
    copy_arg(u, args, "ad_password");
    memset(&tmp, 0, sizeof(tmp));
    tmp.doc = acct;
    n = mm_keys_revoke_user(&tmp, cm_json_str(u, "email", ""), "the user's password was changed");
    out = commit(st, doc, now, cm_json_str(acct, "code", ""), "users", "email",
                 arg_str(args, "email"), err);
    if (out)
        cJSON_AddNumberToObject(out, "revoked_bindings", n);
    return out;
}

static cJSON *set_disabled(struct mm_state *st, cJSON *doc, cJSON *acct, const cJSON *args,
                           int64_t now, int disabled, struct cm_err *err)
{
    cJSON *u = user_in(acct, args, err), *out;
    struct mm_acct tmp;
    int n = 0;

    if (u == NULL) {
        cJSON_Delete(doc);
        return NULL;
    }
    put(u, "disabled", cJSON_CreateBool(disabled));
    memset(&tmp, 0, sizeof(tmp));
    tmp.doc = acct;
    if (disabled)
        n = mm_keys_revoke_user(&tmp, cm_json_str(u, "email", ""), "the user was disabled");
    out = commit(st, doc, now, cm_json_str(acct, "code", ""), "users", "email",
                 arg_str(args, "email"), err);
    if (out)
        cJSON_AddNumberToObject(out, "revoked_bindings", n);
    return out;
}

static cJSON *set_named(struct mm_state *st, cJSON *doc, cJSON *acct, const cJSON *args,
                        int64_t now, const char *list, const char *const *keys, struct cm_err *err)
{
    const char *name = arg_str(args, "name"), *const * k;
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(acct, list);
    cJSON *o = find_by(arr, "name", name, 0);

    if (name == NULL) {
        cJSON_Delete(doc);
        cm_fail(err, CM_EINVAL, "name: required");
        return NULL;
    }
    if (o == NULL) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", name);
        cJSON_AddItemToArray(arr, o);
    }
    for (k = keys; *k; k++)
        copy_arg(o, args, *k);
    return commit(st, doc, now, cm_json_str(acct, "code", ""), list, "name", name, err);
}

static cJSON *set_user_ref(struct mm_state *st, cJSON *doc, cJSON *acct, const cJSON *args,
                           int64_t now, const char *member, const char *arg, struct cm_err *err)
{
    cJSON *u = user_in(acct, args, err);
    const char *v = arg ? arg_str(args, arg) : NULL;

    if (u == NULL || (arg && v == NULL)) {
        if (u)
            cm_fail(err, CM_EINVAL, "%s: required", arg);
        cJSON_Delete(doc);
        return NULL;
    }
    put(u, member, v ? cJSON_CreateString(v) : cJSON_CreateNull());
    return commit(st, doc, now, cm_json_str(acct, "code", ""), "users", "email",
                  arg_str(args, "email"), err);
}

static cJSON *set_logging(struct mm_state *st, cJSON *doc, cJSON *acct, const cJSON *args,
                          int64_t now, struct cm_err *err)
{
    static const char *const keys[] = {"inbound", "outbound", "internal", NULL};
    cJSON *el = cJSON_GetObjectItemCaseSensitive(acct, "enhanced_logging");
    size_t i;
    int v = 0;

    for (i = 0; keys[i]; i++) {
        int rc = arg_bool(args, keys[i], &v, err);
        if (rc < 0) {
            cJSON_Delete(doc);
            return NULL;
        }
        if (rc == 0)
            put(el, keys[i], cJSON_CreateBool(v));
    }
    return commit(st, doc, now, cm_json_str(acct, "code", ""), NULL, NULL, NULL, err);
}

static cJSON *set_array(struct mm_state *st, cJSON *doc, cJSON *acct, const cJSON *args,
                        int64_t now, const char *member, const char *arg, struct cm_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, arg);

    if (!cJSON_IsArray(v)) {
        cJSON_Delete(doc);
        cm_fail(err, CM_EINVAL, "%s: expected an array", arg);
        return NULL;
    }
    put(acct, member, cJSON_Duplicate(v, 1));
    return commit(st, doc, now, cm_json_str(acct, "code", ""), NULL, NULL, NULL, err);
}

static cJSON *package(struct mm_state *st, cJSON *doc, cJSON *acct, const cJSON *args, int64_t now,
                      int add, struct cm_err *err)
{
    const char *name = arg_str(args, "name");
    cJSON *pk = cJSON_GetObjectItemCaseSensitive(acct, "packages"), *p, *found = NULL;

    if (name == NULL) {
        cJSON_Delete(doc);
        cm_fail(err, CM_EINVAL, "name: the package, such as \"" MM_PKG_BYO "\"");
        return NULL;
    }
    cJSON_ArrayForEach(p, pk)
    {
        if (cJSON_IsString(p) && strcmp(p->valuestring, name) == 0)
            found = p;
    }
    if (add && found == NULL)
        cJSON_AddItemToArray(pk, cJSON_CreateString(name));
    if (!add && found)
        cJSON_Delete(cJSON_DetachItemViaPointer(pk, found));
    return commit(st, doc, now, cm_json_str(acct, "code", ""), NULL, NULL, NULL, err);
}

static cJSON *create_keys(struct mm_state *st, const cJSON *args, int64_t now, struct cm_err *err)
{
    const char *id = arg_str(args, "app_id"), *email = arg_str(args, "email");
    const char *password = arg_str(args, "password"), *type = arg_str(args, "type");
    const char *otp = arg_str(args, "otp");
    struct mm_acct *a = NULL;
    cJSON *app = mm_find_app1(st, id, &a), *binding = NULL, *out, *user, *profile;
    char msg[512];
    int rc, domain;
    size_t i;

    if (app == NULL) {
        cm_fail(err, CM_ENOENT, "app_id: no API 1.0 application '%s'", id ? id : "(missing)");
        return NULL;
    }
    if (email == NULL || password == NULL) {
        cm_fail(err, CM_EINVAL, "email and password: the service user's address and password");
        return NULL;
    }
    if (type && strcmp(type, "cloud") != 0 && strcmp(type, "domain") != 0) {
        cm_fail(err, CM_EINVAL, "type: expected \"cloud\" or \"domain\"");
        return NULL;
    }
    domain = type && strcmp(type, "domain") == 0;
    user = mm_find_user(a, email);
    profile = user ? mm_find_profile(a, cm_json_str(user, "auth_profile", NULL)) : NULL;
    if (cm_json_bool(profile, "two_factor", 0)) {
        int ok = otp && strlen(otp) == 6;
        for (i = 0; ok && i < 6; i++)
            ok = isdigit((unsigned char)otp[i]);
        if (!ok) {
            cm_fail(err, CM_EAUTH,
                    "otp: the authentication profile '%s' requires two-step authentication: "
                    "enter the 6-digit code sent to the user's mobile device",
                    cm_json_str(profile, "name", ""));
            return NULL;
        }
    }
    rc = mm_keys_create(st, a, app, email, password, domain, now, &binding, msg, sizeof(msg));
    if (rc != -1) {
        cm_fail(err, CM_EAUTH, "%s (%s)", msg, mm_error_info((enum mm_error)rc)->verdict);
        return NULL;
    }
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "access_key", cm_json_str(binding, "access_key", ""));
    cJSON_AddStringToObject(out, "secret_key", cm_json_str(binding, "secret_key", ""));
    cJSON_AddStringToObject(out, "user", cm_json_str(binding, "user", ""));
    cJSON_AddItemToObject(out, "expires",
                          cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(binding, "expires"), 1));
    return out;
}

enum action_id {
    A_CREATE_APP,
    A_UPDATE_APP,
    A_CREATE_USER,
    A_CHANGE_PASSWORD,
    A_DISABLE_USER,
    A_ENABLE_USER,
    A_SET_ROLE,
    A_SET_AUTH_PROFILE,
    A_ADD_USER_TO_ROLE,
    A_REMOVE_USER_FROM_ROLE,
    A_ASSIGN_AUTH_PROFILE,
    A_SET_ENHANCED_LOGGING,
    A_SET_ADMIN_IP_RANGES,
    A_ADD_PACKAGE,
    A_REMOVE_PACKAGE,
    A_COUNT
};

static const char *const action_names[A_COUNT] = {
    [A_CREATE_APP] = "create-app",
    [A_UPDATE_APP] = "update-app",
    [A_CREATE_USER] = "create-user",
    [A_CHANGE_PASSWORD] = "change-password",
    [A_DISABLE_USER] = "disable-user",
    [A_ENABLE_USER] = "enable-user",
    [A_SET_ROLE] = "set-role",
    [A_SET_AUTH_PROFILE] = "set-auth-profile",
    [A_ADD_USER_TO_ROLE] = "add-user-to-role",
    [A_REMOVE_USER_FROM_ROLE] = "remove-user-from-role",
    [A_ASSIGN_AUTH_PROFILE] = "assign-auth-profile",
    [A_SET_ENHANCED_LOGGING] = "set-enhanced-logging",
    [A_SET_ADMIN_IP_RANGES] = "set-admin-ip-ranges",
    [A_ADD_PACKAGE] = "add-package",
    [A_REMOVE_PACKAGE] = "remove-package",
};

/* Runs action id on the copy doc (taken) of the state. */
static cJSON *run(struct mm_state *st, enum action_id id, cJSON *doc, cJSON *acct,
                  const cJSON *args, int64_t now, struct cm_err *err)
{
    static const char *const role_keys[] = {"permissions", NULL};
    static const char *const profile_keys[] = {"cache_ttl", "sso", "two_factor", NULL};

    switch (id) {
    case A_CREATE_APP:
        return create_app(st, doc, acct, args, now, err);
    case A_UPDATE_APP:
        return update_app(st, doc, acct, args, now, err);
    case A_CREATE_USER:
        return create_user(st, doc, acct, args, now, err);
    case A_CHANGE_PASSWORD:
        return change_password(st, doc, acct, args, now, err);
    case A_DISABLE_USER:
    case A_ENABLE_USER:
        return set_disabled(st, doc, acct, args, now, id == A_DISABLE_USER, err);
    case A_SET_ROLE:
        return set_named(st, doc, acct, args, now, "roles", role_keys, err);
    case A_SET_AUTH_PROFILE:
        return set_named(st, doc, acct, args, now, "auth_profiles", profile_keys, err);
    case A_ADD_USER_TO_ROLE:
        return set_user_ref(st, doc, acct, args, now, "role", "role", err);
    case A_REMOVE_USER_FROM_ROLE:
        return set_user_ref(st, doc, acct, args, now, "role", NULL, err);
    case A_ASSIGN_AUTH_PROFILE:
        return set_user_ref(st, doc, acct, args, now, "auth_profile", "profile", err);
    case A_SET_ENHANCED_LOGGING:
        return set_logging(st, doc, acct, args, now, err);
    case A_SET_ADMIN_IP_RANGES:
        return set_array(st, doc, acct, args, now, "admin_ip_ranges", "ranges", err);
    case A_ADD_PACKAGE:
    case A_REMOVE_PACKAGE:
        return package(st, doc, acct, args, now, id == A_ADD_PACKAGE, err);
    default:
        cJSON_Delete(doc);
        return NULL;
    }
}

cJSON *mm_action(struct mm_state *st, const char *action, const cJSON *args, int64_t now_ms,
                 struct cm_err *err)
{
    cJSON *doc, *acct, *empty = NULL, *out = NULL;
    int i;

    if (args == NULL)
        args = empty = cJSON_CreateObject();
    if (!cJSON_IsObject(args)) {
        cm_fail(err, CM_EINVAL, "expected a JSON object of arguments");
        return NULL;
    }
    if (strcmp(action, "create-keys") == 0) {
        out = create_keys(st, args, now_ms, err);
        cJSON_Delete(empty);
        return out;
    }
    for (i = 0; i < A_COUNT && strcmp(action_names[i], action) != 0; i++)
        ;
    if (i == A_COUNT) {
        cm_fail(err, CM_ENOENT,
                "unknown action '%s' (create-app, update-app, create-keys, create-user, "
                "change-password, disable-user, enable-user, set-role, add-user-to-role, "
                "remove-user-from-role, set-auth-profile, assign-auth-profile, "
                "set-enhanced-logging, set-admin-ip-ranges, add-package, remove-package)",
                action);
    } else {
        doc = mm_state_dump(st);
        acct = pick_account(doc, args, err);
        if (acct == NULL)
            cJSON_Delete(doc);
        else
            out = run(st, (enum action_id)i, doc, acct, args, now_ms, err);
    }
    cJSON_Delete(empty);
    return out;
}
