/*
 * mimecast_cmd.c: the option tables and help of `secmock client mimecast`,
 * and the reading of credentials every command shares.
 *
 * The credential rows are macros so both commands list them in the same
 * words; each command's table is what its --help shows.
 */
#include "client/mimecast_cmd.h"
#include "client/progress.h"

#include "common/log.h"

#include <string.h>
#include <strings.h>

#define OPT_END                                                                                    \
    {                                                                                              \
        NULL, NULL, NULL, NULL, RC_OPT_STRING, NULL, NULL, NULL                                    \
    }
#define OPT_BASE_URL                                                                               \
    {                                                                                              \
        "mimecast.base_url", "--base-url", NULL, "SECMOCK_MIMECAST_URL", RC_OPT_STRING, NULL,      \
            "URL",                                                                                 \
            "the account's regional base URL (default: https://api.mimecast.com for API 1.0, "     \
            "https://api.services.mimecast.com for API 2.0)"                                       \
    }
#define OPT_APP_ID                                                                                 \
    {                                                                                              \
        "mimecast.app_id", "--app-id", NULL, "MIMECAST_APP_ID", RC_OPT_STRING, NULL, "GUID",       \
            "API 1.0 application ID"                                                               \
    }
#define OPT_APP_KEY                                                                                \
    {                                                                                              \
        "mimecast.app_key", "--app-key", NULL, "MIMECAST_APP_KEY", RC_OPT_STRING, NULL, "GUID",    \
            "API 1.0 application key"                                                              \
    }
#define OPT_USER                                                                                   \
    {                                                                                              \
        "mimecast.user", "--user", NULL, "MIMECAST_USER", RC_OPT_STRING, NULL, "EMAIL",            \
            "the service user's email address"                                                     \
    }
#define OPT_PASSWORD                                                                               \
    {                                                                                              \
        "mimecast.password", "--password", NULL, "MIMECAST_PASSWORD", RC_OPT_STRING, NULL, "PASS", \
            "the service user's password"                                                          \
    }
#define OPT_AUTH_TYPE                                                                              \
    {                                                                                              \
        "mimecast.auth_type", "--auth-type", NULL, "MIMECAST_AUTH_TYPE", RC_OPT_STRING, "cloud",   \
            "cloud|ad",                                                                            \
            "login with the Mimecast cloud password (Basic-Cloud) or the domain one "              \
            "(Basic-AD)"                                                                           \
    }

/* What ingest and check take to sign or get a token. */
#define OPT_CREDENTIALS                                                                            \
    {"mimecast.api", "--api",                                                                      \
     NULL,           "MIMECAST_API",                                                               \
     RC_OPT_STRING,  NULL,                                                                         \
     "1|2",          "API version (default: 2.0 when a client ID is given, else 1.0)"},            \
        OPT_BASE_URL, OPT_APP_ID, OPT_APP_KEY,                                                     \
        {"mimecast.access_key", "--access-key", NULL,  "MIMECAST_ACCESS_KEY",                      \
         RC_OPT_STRING,         NULL,           "KEY", "API 1.0 access key"},                      \
        {"mimecast.secret_key", "--secret-key", NULL,  "MIMECAST_SECRET_KEY",                      \
         RC_OPT_STRING,         NULL,           "KEY", "API 1.0 secret key (base64)"},             \
        {"mimecast.client_id", "--client-id", NULL, "MIMECAST_CLIENT_ID",                          \
         RC_OPT_STRING,        NULL,          "ID", "API 2.0 client ID"},                          \
    {                                                                                              \
        "mimecast.client_secret", "--client-secret", NULL, "MIMECAST_CLIENT_SECRET",               \
            RC_OPT_STRING, NULL, "SECRET", "API 2.0 client secret"                                 \
    }

static const struct rc_opt check_opts[] = {
    {"check.type", "--type", "-t", NULL, RC_OPT_LIST, NULL, "url|impersonation|attachment|all",
     "the log types whose permission to check (repeatable, or comma-separated; default all)"},
    {"check.json", "--json", NULL, NULL, RC_OPT_BOOL, NULL, NULL,
     "print the findings as one JSON document"},
    {"check.strict", "--strict", NULL, NULL, RC_OPT_BOOL, NULL, NULL,
     "exit non-zero on a WARN too"},
    OPT_CREDENTIALS,
    OPT_USER,
    {"mimecast.password", "--password", NULL, "MIMECAST_PASSWORD", RC_OPT_STRING, NULL, "PASS",
     "the service user's password: with it, an expiring binding is a WARN (ingest logs in "
     "again), not a FAIL; never sent by check"},
    OPT_END,
};

static const struct rc_opt keys_opts[] = {
    OPT_BASE_URL, OPT_APP_ID, OPT_APP_KEY, OPT_USER, OPT_PASSWORD, OPT_AUTH_TYPE, OPT_END,
};

static const struct rc_opt ingest_opts[] = {
    {"ingest.type", "--type", "-t", "MIMECAST_LOG_TYPE", RC_OPT_STRING, NULL,
     "url|impersonation|attachment", "the log type this integration collects (one per run)"},
    {"ingest.checkpoint", "--checkpoint", NULL, "MIMECAST_CHECKPOINT", RC_OPT_STRING, NULL, "FILE",
     "resume from this checkpoint and keep it up to date (created on the first run)"},
    {"ingest.since", "--since", NULL, NULL, RC_OPT_STRING, "7d", "TIME|DUR",
     "first run only: start at this RFC 3339 time, or this long before now"},
    {"ingest.page_size", "--page-size", NULL, NULL, RC_OPT_INT, "500", "N", "records per page"},
    {"ingest.max_pages", "--max-pages", NULL, NULL, RC_OPT_INT, "0", "N",
     "stop after N pages that brought new records (0: no limit); the next run continues"},
    RC_OPTS_PROGRESS,
    OPT_CREDENTIALS,
    {"mimecast.user", "--user", NULL, "MIMECAST_USER", RC_OPT_STRING, NULL, "EMAIL",
     "API 1.0: the service user, to refresh an expired binding (418)"},
    {"mimecast.password", "--password", NULL, "MIMECAST_PASSWORD", RC_OPT_STRING, NULL, "PASS",
     "API 1.0: its password, to refresh an expired binding"},
    OPT_AUTH_TYPE,
    OPT_END,
};

#define EXIT_CODES                                                                                 \
    "Exit codes: 0 done; 1 Mimecast answered with an error; 2 usage; 3 no answer\n"                \
    "(connection, TLS, time-out); 4 credentials or keys (invalid, revoked, or not\n"               \
    "available yet); 5 a setting to change in the Mimecast console or on this host\n"              \
    "(permission, admin IP ranges, region, Enhanced Logging, Authentication Cache TTL,\n"          \
    "clock). Every error says what to change.\n"

const struct rc_command rc_mm_commands[] = {
    {"keys", "create API 1.0 access and secret keys for the service user (Create Keys)",
     "--user EMAIL --password PASS --app-id GUID [options]",
     "Runs discover-authentication for the user, then logs in (Basic-Cloud or Basic-AD)\n"
     "over API 1.0 and prints the new binding:\n"
     "\n"
     "  {\"mimecast\": {\"base_url\", \"app_id\", \"app_key\", \"user\", \"auth_type\",\n"
     "                \"access_key\", \"secret_key\"}, \"duration_ms\", \"expires\"}\n"
     "\n"
     "which `ingest --config FILE` reads as it is (use -o FILE to write it atomically).\n"
     "Mimecast creates keys only 30 minutes after the API application was created;\n"
     "before that the command says when they become available and exits 4.\n"
     "\n" EXIT_CODES,
     keys_opts, rc_mm_keys_run},
    {"ingest", "pull one type of TTP logs and write MITRE-mapped alerts as JSON lines",
     "--type url|impersonation|attachment [--checkpoint FILE] [-o FILE] [options]",
     "Pulls the URL click, impersonation or attachment logs logged since the checkpoint\n"
     "(or --since on the first run), page by page, oldest first, over API 1.0 (signed\n"
     "with the access and secret keys) or API 2.0 (OAuth client credentials). Records\n"
     "of the wrong format and records Mimecast marked safe or trusted are dropped and\n"
     "counted; the rest become alerts mapped as Sophos Central does (alert type, then\n"
     "MITRE ATT&CK technique), appended to -o FILE as JSON lines. After each page the\n"
     "alerts are synced and then the checkpoint is replaced atomically, so a run that\n"
     "is stopped anywhere and started again loses and duplicates nothing.\n"
     "\n"
     "The summary goes to stdout (to stderr when the alerts do):\n"
     "  {\"type\", \"api\", \"pages\", \"records\", \"alerts\", \"dropped_format\",\n"
     "   \"dropped_safe\", \"duplicates_skipped\", \"recovered\", \"checkpoint\", ...}\n"
     "\n" EXIT_CODES,
     ingest_opts, rc_mm_ingest_run},
    {"check", "judge a configuration as Sophos Central's integration status would",
     "[--type T]... [--json] [--strict] [credentials as for ingest]",
     "Checks, with harmless reads only (discover-authentication, get-account, one\n"
     "record of each log type), what the Sophos setup guide asks for, and prints one\n"
     "line per finding: OK, WARN or FAIL, what was found and the console path that\n"
     "fixes it:\n"
     "\n"
     "  keys              API 1.0 keys given, or when Create Keys works (30 minutes)\n"
     "  credentials       the keys or the API 2.0 client accepted\n"
     "  region            the base URL serves the account\n"
     "  admin-ip          this address inside the Admin IP Ranges\n"
     "  clock             this host's clock near Mimecast's\n"
     "  auth-cache-ttl    the binding never expires (Authentication Cache TTL)\n"
     "  enhanced-logging  Inbound, Outbound and Internal\n"
     "  permission.<type> Monitoring | <type> Protection | Read in the user's role\n"
     "\n"
     "--json prints {\"ok\", \"exit\", \"counts\", \"findings\": [{\"id\", \"status\",\n"
     "\"what\", \"fix\"}]}. The exit code is the first FAIL's: 0 when every check\n"
     "passes (WARNs too, unless --strict).\n"
     "\n" EXIT_CODES,
     check_opts, rc_mm_check_run},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};

/* An option that may be unset. Returns 0, or prints the error and returns 2. */
static int opt(struct rc_ctx *ctx, const char *key, const char **out)
{
    struct cm_err err = {{0}};
    int rc = rc_config_string(&ctx->cfg, key, out, &err);

    if (rc == CM_ENOENT) {
        *out = NULL;
        return 0;
    }
    if (rc) {
        cm_error("%s", err.msg);
        return RC_EXIT_USAGE;
    }
    return 0;
}

int rc_mm_read_creds(struct rc_ctx *ctx, struct rc_mm_creds *c)
{
    const char *api = NULL, *auth = NULL;
    char where[192];
    int rc;

    memset(c, 0, sizeof(*c));
    if ((rc = opt(ctx, "mimecast.base_url", &c->base_url)) ||
        (rc = opt(ctx, "mimecast.app_id", &c->app_id)) ||
        (rc = opt(ctx, "mimecast.app_key", &c->app_key)) ||
        (rc = opt(ctx, "mimecast.access_key", &c->access_key)) ||
        (rc = opt(ctx, "mimecast.secret_key", &c->secret_key)) ||
        (rc = opt(ctx, "mimecast.user", &c->user)) ||
        (rc = opt(ctx, "mimecast.password", &c->password)) ||
        (rc = opt(ctx, "mimecast.client_id", &c->client_id)) ||
        (rc = opt(ctx, "mimecast.client_secret", &c->client_secret)) ||
        (rc = opt(ctx, "mimecast.api", &api)) || (rc = opt(ctx, "mimecast.auth_type", &auth)))
        return rc;
    if (c->base_url && *c->base_url == '\0')
        c->base_url = NULL;
    if (auth == NULL || strcasecmp(auth, "cloud") == 0 || strcasecmp(auth, "Basic-Cloud") == 0) {
        c->auth_ad = 0;
    } else if (strcasecmp(auth, "ad") == 0 || strcasecmp(auth, "domain") == 0 ||
               strcasecmp(auth, "Basic-AD") == 0) {
        c->auth_ad = 1;
    } else {
        cm_error("%s: expected cloud or ad, got '%s'",
                 rc_config_where(&ctx->cfg, "mimecast.auth_type", where, sizeof(where)), auth);
        return RC_EXIT_USAGE;
    }
    if (api == NULL || *api == '\0') {
        c->api = c->client_id && *c->client_id ? RC_MM_API2 : RC_MM_API1;
    } else if (strcmp(api, "1") == 0 || strcmp(api, "1.0") == 0) {
        c->api = RC_MM_API1;
    } else if (strcmp(api, "2") == 0 || strcmp(api, "2.0") == 0) {
        c->api = RC_MM_API2;
    } else {
        cm_error("%s: expected 1 or 2, got '%s'",
                 rc_config_where(&ctx->cfg, "mimecast.api", where, sizeof(where)), api);
        return RC_EXIT_USAGE;
    }
    return 0;
}
