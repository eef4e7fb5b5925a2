/*
 * mimecast_keys.c: `secmock client mimecast keys`, the console's "Create
 * Keys" done over API 1.0, as the Sophos and Netskope guides describe it:
 * discover-authentication for the service user (which login types it may
 * use), then login with Basic-Cloud or Basic-AD, which creates a binding:
 * an access key and a secret key.
 *
 * The answer is printed as a config file for `ingest`. Keys asked for
 * before minute 30 of the application are refused by Mimecast; the error
 * quotes when they become available (exit 4).
 */
#include "client/mimecast_cmd.h"

#include "common/log.h"
#include "common/timeutil.h"

#include <string.h>
#include <strings.h>

/* 1 when discover's "authenticate" list allows the chosen login type, or says nothing
 * we can read. */
static int login_type_allowed(const cJSON *d0, int ad, char *listed, size_t size)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(d0, "authenticate"), *it;
    size_t off = 0;
    int readable = 0, ok = 0;

    listed[0] = '\0';
    cJSON_ArrayForEach(it, list)
    {
        const char *v = cJSON_IsString(it) ? it->valuestring : NULL;
        if (v == NULL)
            continue;
        readable = 1;
        if (off < size)
            off += (size_t)snprintf(listed + off, size - off, "%s%s", off ? ", " : "", v);
        if (ad ? (strcasestr(v, "ad") != NULL || strcasestr(v, "domain") != NULL)
               : strcasestr(v, "cloud") != NULL)
            ok = 1;
    }
    return !readable || ok;
}

int rc_mm_keys_run(struct rc_ctx *ctx)
{
    struct rc_mm_creds creds;
    struct rc_mm_session s;
    struct cm_err err = {{0}};
    cJSON *d0 = NULL, *out = NULL, *mc;
    const cJSON *region;
    char listed[256], when[40];
    int64_t duration = -1, now = 0;
    int code, rc;

    code = rc_mm_read_creds(ctx, &creds);
    if (code)
        return code;
    if (ctx->cfg.n_args) {
        cm_error("keys: unexpected operand '%s' (see --help)", ctx->cfg.args[0]);
        return RC_EXIT_USAGE;
    }
    creds.api = RC_MM_API1;
    if (rc_mm_session_init(&s, ctx, &creds, "keys")) {
        cm_error("%s", s.msg);
        code = s.exit_code;
        goto out;
    }
    rc = rc_mm_discover(&s, &d0);
    if (rc) {
        cm_error("discover-authentication for %s: %s", s.user, s.msg);
        code = s.exit_code;
        goto out;
    }
    if (!login_type_allowed(d0, s.auth_ad, listed, sizeof(listed))) {
        cm_error("%s may not log in with %s: Mimecast offers %s. Use --auth-type %s, or allow "
                 "%s in the user's authentication profile (Administration > Services > "
                 "Applications > Authentication Profiles)",
                 s.user, s.auth_ad ? "Basic-AD" : "Basic-Cloud", listed, s.auth_ad ? "cloud" : "ad",
                 s.auth_ad ? "domain authentication" : "the Mimecast cloud password");
        code = RC_MM_EXIT_AUTH;
        goto out;
    }
    rc = rc_mm_login(&s, 0, &duration);
    if (rc) {
        cm_error("login of %s: %s", s.user, s.msg);
        code = s.exit_code;
        goto out;
    }
    out = cJSON_CreateObject();
    mc = cJSON_AddObjectToObject(out, "mimecast");
    cJSON_AddStringToObject(mc, "base_url", s.base_url);
    cJSON_AddStringToObject(mc, "app_id", s.app_id);
    if (s.app_key && *s.app_key)
        cJSON_AddStringToObject(mc, "app_key", s.app_key);
    cJSON_AddStringToObject(mc, "user", s.user);
    cJSON_AddStringToObject(mc, "auth_type", s.auth_ad ? "ad" : "cloud");
    cJSON_AddStringToObject(mc, "access_key", s.access_key);
    cJSON_AddStringToObject(mc, "secret_key", s.secret_b64);
    region = cJSON_GetObjectItemCaseSensitive(d0, "region");
    if (cJSON_IsObject(region) || cJSON_IsString(region))
        cJSON_AddItemToObject(out, "region", cJSON_Duplicate(region, 1));
    if (duration >= 0 && rc_clock_now(ctx->clock, &now, &err) == 0) {
        cJSON_AddNumberToObject(out, "duration_ms", (double)duration);
        cm_time_format(now + duration, when, sizeof(when));
        cJSON_AddStringToObject(out, "expires", when);
    } else {
        cJSON_AddNullToObject(out, "duration_ms");
        cJSON_AddNullToObject(out, "expires");
    }
    if (rc_output_json(&ctx->out, out, &err) || rc_output_flush(&ctx->out, &err)) {
        cm_error("%s", err.msg);
        code = RC_EXIT_USAGE;
        goto out;
    }
    code = RC_EXIT_OK;
out:
    cJSON_Delete(out);
    cJSON_Delete(d0);
    rc_mm_session_release(&s);
    return code;
}
