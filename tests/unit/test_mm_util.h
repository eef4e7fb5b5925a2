/*
 * test_mm_util.h: a fixture for the Mimecast mock's unit tests: a console
 * state loaded from JSON text (MMFX_STATE by default), a service around it,
 * signed API 1.0 headers, and one call through the route table with a fake
 * request (mk_req_fake) at a given virtual time. Header-only (static inline)
 * so each test file stays self-contained.
 *
 * Ownership: mmfx_load() makes fx->st, mmfx_free() frees it; a call's
 * response is the caller's (mmfx_call() initialises it; mk_resp_release()).
 */
#ifndef TEST_MM_UTIL_H
#define TEST_MM_UTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/mem.h"
#include "mock/mimecast/mm.h"

/* 2026-03-02T09:00:00Z, the virtual "now" of most tests. */
#define MMFX_NOW    1772442000000LL
#define MMFX_MINUTE 60000LL

#define MMFX_APP    "11111111-1111-4111-8111-111111111111"
#define MMFX_APPKEY "22222222-2222-4222-8222-222222222222"
#define MMFX_NEWAPP "33333333-3333-4333-8333-333333333333"
#define MMFX_NOEXT  "44444444-4444-4444-8444-444444444444"
#define MMFX_OFFAPP "55555555-5555-4555-8555-555555555555"
#define MMFX_EUAPP  "66666666-6666-4666-8666-666666666666"
#define MMFX_SECRET "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define MMFX_AK     "ak-svc"
#define MMFX_AK_TI  "ak-ti"
#define MMFX_AK_OLD "ak-short"
#define MMFX_AK_NR  "ak-norole"
#define MMFX_AK_EU  "ak-eu"
#define MMFX_PASS   "Sv3-Passw0rd!"
#define MMFX_SHA_A  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define MMFX_SHA_B  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define MMFX_MD5_C  "cccccccccccccccccccccccccccccccc"

/* The console most tests use: one US account with every kind of user and application,
 * and one EU account for region checks. */
#define MMFX_STATE                                                                                 \
    "{\"accounts\": [{\"code\": \"CUSA1\", \"name\": \"Test US\","                                 \
    " \"enhanced_logging\": {\"inbound\": true, \"outbound\": true, \"internal\": true},"          \
    " \"packages\": [\"BYO: Threat Intelligence [1089]\"],"                                        \
    " \"auth_profiles\": [{\"name\": \"Never\", \"cache_ttl\": \"never\"},"                        \
    "   {\"name\": \"Short\", \"cache_ttl\": \"1h\"}, {\"name\": \"SSO\", \"sso\": true},"         \
    "   {\"name\": \"2FA\", \"cache_ttl\": \"never\", \"two_factor\": true}],"                     \
    " \"roles\": [{\"name\": \"Sophos\", \"permissions\": [\"Monitoring | URL Protection | "       \
    "Read\","                                                                                      \
    "   \"Monitoring | Attachment Protection | Read\","                                            \
    "   \"Monitoring | Impersonation Protection | Read\"]},"                                       \
    "   {\"name\": \"TI\", \"permissions\": [\"Services | Gateway | Tracking | Read\","            \
    "   \"BYO Threat Intelligence | Upload\", \"BYO Threat Intelligence | Read\","                 \
    "   \"BYO Threat Intelligence | Delete\"]}, {\"name\": \"Empty\"}],"                           \
    " \"users\": [{\"email\": \"svc@example.com\", \"password\": \"" MMFX_PASS "\","               \
    "   \"auth_profile\": \"Never\", \"role\": \"Sophos\"},"                                       \
    "   {\"email\": \"ti@example.com\", \"password\": \"" MMFX_PASS "\", \"auth_profile\": "       \
    "\"Never\", \"role\": \"TI\"},"                                                                \
    "   {\"email\": \"short@example.com\", \"password\": \"" MMFX_PASS "\", \"auth_profile\": "    \
    "\"Short\", \"role\": \"Sophos\"},"                                                            \
    "   {\"email\": \"plain@example.com\", \"password\": \"" MMFX_PASS                             \
    "\", \"role\": \"Sophos\"},"                                                                   \
    "   {\"email\": \"norole@example.com\", \"password\": \"" MMFX_PASS "\", \"auth_profile\": "   \
    "\"Never\"},"                                                                                  \
    "   {\"email\": \"empty@example.com\", \"password\": \"" MMFX_PASS "\", \"role\": \"Empty\"}," \
    "   {\"email\": \"sso@example.com\", \"password\": \"" MMFX_PASS "\", \"auth_profile\": "      \
    "\"SSO\", \"role\": \"Sophos\"},"                                                              \
    "   {\"email\": \"otp@example.com\", \"password\": \"" MMFX_PASS "\", \"auth_profile\": "      \
    "\"2FA\", \"role\": \"Sophos\"},"                                                              \
    "   {\"email\": \"ad@example.com\", \"password\": \"\", \"ad_password\": \"Ad-Pass1\", "       \
    "\"auth_profile\": \"Never\", \"role\": \"Sophos\"},"                                          \
    "   {\"email\": \"off@example.com\", \"password\": \"" MMFX_PASS "\", \"disabled\": true, "    \
    "\"role\": \"Sophos\"}],"                                                                      \
    " \"applications\": [{\"api\": \"1.0\", \"name\": \"Sophos\", \"app_id\": \"" MMFX_APP "\","   \
    "   \"app_key\": \"" MMFX_APPKEY "\", \"extended_session\": true, \"created\": "               \
    "\"2026-03-01T00:00:00Z\"},"                                                                   \
    "   {\"api\": \"1.0\", \"name\": \"New\", \"app_id\": \"" MMFX_NEWAPP                          \
    "\", \"app_key\": \"k2\","                                                                     \
    "   \"extended_session\": true, \"created\": \"2026-03-02T09:00:00Z\"},"                       \
    "   {\"api\": \"1.0\", \"name\": \"NoExt\", \"app_id\": \"" MMFX_NOEXT                         \
    "\", \"app_key\": \"k3\","                                                                     \
    "   \"created\": \"2026-03-01T00:00:00Z\"},"                                                   \
    "   {\"api\": \"1.0\", \"name\": \"Off\", \"app_id\": \"" MMFX_OFFAPP                          \
    "\", \"app_key\": \"k4\","                                                                     \
    "   \"enabled\": false},"                                                                      \
    "   {\"api\": \"2.0\", \"name\": \"CTE\", \"client_id\": \"cid\", \"client_secret\": "         \
    "\"csecret\", \"role\": \"TI\", \"created\": \"2026-03-01T00:00:00Z\"},"                       \
    "   {\"api\": \"2.0\", \"name\": \"Fresh\", \"client_id\": \"fresh\", \"client_secret\": "     \
    "\"fs\","                                                                                      \
    "   \"role\": \"TI\", \"created\": \"2026-03-02T09:00:00Z\"},"                                 \
    "   {\"api\": \"2.0\", \"name\": \"Sophos2\", \"client_id\": \"cid2\", \"client_secret\": "    \
    "\"cs2\", \"role\": \"Sophos\"}],"                                                             \
    " \"bindings\": [{\"access_key\": \"" MMFX_AK "\", \"secret_key\": \"" MMFX_SECRET "\","       \
    "   \"user\": \"svc@example.com\", \"app_id\": \"" MMFX_APP "\", \"issued\": "                 \
    "\"2026-03-01T00:00:00Z\"},"                                                                   \
    "   {\"access_key\": \"" MMFX_AK_TI "\", \"secret_key\": \"" MMFX_SECRET "\","                 \
    "   \"user\": \"ti@example.com\", \"app_id\": \"" MMFX_APP "\", \"issued\": "                  \
    "\"2026-03-01T00:00:00Z\"},"                                                                   \
    "   {\"access_key\": \"" MMFX_AK_OLD "\", \"secret_key\": \"" MMFX_SECRET "\","                \
    "   \"user\": \"short@example.com\", \"app_id\": \"" MMFX_APP "\", \"issued\": "               \
    "\"2026-03-02T07:00:00Z\"},"                                                                   \
    "   {\"access_key\": \"" MMFX_AK_NR "\", \"secret_key\": \"" MMFX_SECRET "\","                 \
    "   \"user\": \"norole@example.com\", \"app_id\": \"" MMFX_APP "\", \"issued\": "              \
    "\"2026-03-01T00:00:00Z\"},"                                                                   \
    "   {\"access_key\": \"ak-empty\", \"secret_key\": \"" MMFX_SECRET "\","                       \
    "   \"user\": \"empty@example.com\", \"app_id\": \"" MMFX_APP "\", \"issued\": "               \
    "\"2026-03-01T00:00:00Z\"},"                                                                   \
    "   {\"access_key\": \"ak-off\", \"secret_key\": \"" MMFX_SECRET "\","                         \
    "   \"user\": \"off@example.com\", \"app_id\": \"" MMFX_APP "\", \"issued\": "                 \
    "\"2026-03-01T00:00:00Z\"}],"                                                                  \
    " \"logs\": {\"url\": {\"generate\": {\"seed\": 7, \"count\": 1000, \"start\": "               \
    "\"2026-03-01T16:20:00Z\", \"interval\": \"1m\"}},"                                            \
    "   \"impersonation\": [{\"eventTime\": \"2026-03-02T08:00:00+0000\", \"senderAddress\": "     \
    "\"ceo@examp1e.com\", \"recipientAddress\": \"fin@example.com\", \"subject\": \"Wire\", "      \
    "\"identifiers\": [\"similar_internal_domain\"], \"action\": \"hold\", \"taggedMalicious\": "  \
    "true},"                                                                                       \
    "   {\"eventTime\": \"2026-03-02T08:30:00Z\", \"senderAddress\": \"news@example.org\", "       \
    "\"recipientAddress\": \"bob@example.com\", \"subject\": \"Weekly\", \"identifiers\": [], "    \
    "\"action\": \"none\", \"taggedMalicious\": false}],"                                          \
    "   \"attachment\": [{\"date\": \"2026-03-02T07:00:00+0000\", \"result\": \"malicious\", "     \
    "\"route\": \"inbound\", \"fileName\": \"a.docm\"},"                                           \
    "   {\"date\": \"2026-03-02T07:30:00+0000\", \"result\": \"safe\", \"route\": \"outbound\", "  \
    "\"fileName\": \"b.pdf\"},"                                                                    \
    "   {\"date\": \"2026-03-02T08:00:00+0000\", \"result\": \"malicious\", \"route\": "           \
    "\"internal\", \"fileName\": \"c.xlsm\"}]},"                                                   \
    " \"threat_feed\": [{\"time\": \"2026-03-01T10:00:00Z\", \"sha256\": \"" MMFX_SHA_A "\","      \
    "   \"md5\": \"" MMFX_MD5_C "\", \"sender\": \"bad@evil.example\", \"file_name\": \"x.exe\"}," \
    "   {\"time\": \"2026-03-01T11:00:00Z\", \"sha256\": \"" MMFX_SHA_B "\", \"sender\": "         \
    "\"worse@evil.example\"},"                                                                     \
    "   {\"time\": \"2026-03-01T12:00:00Z\", \"feed\": \"malware_grid\", \"sha256\": "             \
    "\"" MMFX_SHA_A "\"}]},"                                                                       \
    " {\"code\": \"CUK9\", \"admin_ip_ranges\": [\"10.0.0.0/8\"],"                                 \
    "   \"roles\": [{\"name\": \"All\", \"permissions\": [\"*\"]}],"                               \
    "   \"users\": [{\"email\": \"eu@example.co.uk\", \"password\": \"" MMFX_PASS "\", \"role\": " \
    "\"All\"}],"                                                                                   \
    "   \"applications\": [{\"api\": \"1.0\", \"app_id\": \"" MMFX_EUAPP                           \
    "\", \"app_key\": \"k6\"}],"                                                                   \
    "   \"bindings\": [{\"access_key\": \"" MMFX_AK_EU "\", \"secret_key\": \"" MMFX_SECRET "\","  \
    "   \"user\": \"eu@example.co.uk\", \"app_id\": \"" MMFX_EUAPP "\", \"expires\": null}]}]}"

struct mmfx {
    struct mk_service svc;
    struct mm_state *st;
    char verdict[48]; /* of the last call */
    char detail[128];
    const char *peer; /* the caller's address; "127.0.0.1" when NULL */
};

/* Signed API 1.0 headers; the array h is what a call takes. */
struct mmfx_hdrs {
    char date[64], id[64], app[96], auth[400], ctype[64];
    const char *h[8];
};

static inline cJSON *mmfx_json(const char *text)
{
    struct cm_err err = {{0}};
    cJSON *doc = cm_json_parse(text, strlen(text), "test", &err);

    cr_assert_not_null(doc, "%s", err.msg);
    return doc;
}

/* Loads state into a new fixture served as grid ("" = every grid). */
static inline void mmfx_load_grid(struct mmfx *fx, const char *state, const char *grid)
{
    struct cm_err err = {{0}};
    cJSON *doc = mmfx_json(state);

    memset(fx, 0, sizeof(*fx));
    fx->st = mm_state_new();
    cm_strlcpy(fx->st->grid, grid, sizeof(fx->st->grid));
    cr_assert_eq(mm_state_load(fx->st, doc, MMFX_NOW, &err), 0, "state refused: %s", err.msg);
    cJSON_Delete(doc);
    fx->svc.ops = &mm_service_ops;
    fx->svc.data = fx->st;
    cm_strlcpy(fx->svc.name, "mimecast", sizeof(fx->svc.name));
}

static inline void mmfx_load(struct mmfx *fx, const char *state)
{
    mmfx_load_grid(fx, state, "");
}

static inline void mmfx_free(struct mmfx *fx)
{
    mm_state_free(fx->st);
    fx->svc.data = fx->st = NULL;
}

/* Applies a merge patch to the fixture's state (as the admin API's PATCH does). */
static inline void mmfx_patch(struct mmfx *fx, const char *patch)
{
    struct cm_err err = {{0}};
    cJSON *doc = mm_state_dump(fx->st), *p = mmfx_json(patch);

    doc = cm_json_merge_patch(doc, p);
    cr_assert_eq(mm_state_load(fx->st, doc, MMFX_NOW, &err), 0, "patch refused: %s", err.msg);
    cJSON_Delete(doc);
    cJSON_Delete(p);
}

/* One request through the route table; returns the status. headers may be NULL. */
static inline int mmfx_call(struct mmfx *fx, const char *method, const char *path,
                            const char *const *headers, const char *body, int64_t now_ms,
                            struct mk_response *resp)
{
    struct mk_request req;

    mk_req_fake(&req, method, path, headers, NULL, body);
    req.svc = &fx->svc;
    req.now_ms = now_ms;
    if (fx->peer)
        req.peer = fx->peer;
    mk_resp_init(resp);
    mk_route_dispatch(mm_service_ops.routes, &req, resp);
    cm_strlcpy(fx->verdict, req.verdict, sizeof(fx->verdict));
    cm_strlcpy(fx->detail, req.detail, sizeof(fx->detail));
    mk_req_fake_release(&req);
    return resp->status;
}

/* Headers of a call signed by (app_id, app_key, ak, secret) for path at date_ms. */
static inline const char *const *mmfx_sign(struct mmfx_hdrs *h, const char *app_id,
                                           const char *app_key, const char *ak, const char *secret,
                                           const char *path, int64_t date_ms)
{
    char sig[64], date[48];
    static unsigned serial;

    mm_mc_date_format(date_ms, date, sizeof(date));
    snprintf(h->date, sizeof(h->date), "x-mc-date: %s", date);
    snprintf(h->id, sizeof(h->id), "x-mc-req-id: 8578FCFC-A305-4D9A-99CB-%012u", ++serial);
    snprintf(h->app, sizeof(h->app), "x-mc-app-id: %s", app_id);
    cr_assert_eq(mm_sign(date, h->id + 13, path, app_key, secret, sig, sizeof(sig)), 0);
    snprintf(h->auth, sizeof(h->auth), "Authorization: MC %s:%s", ak, sig);
    snprintf(h->ctype, sizeof(h->ctype), "Content-Type: application/json");
    h->h[0] = h->date;
    h->h[1] = h->id;
    h->h[2] = h->app;
    h->h[3] = h->auth;
    h->h[4] = h->ctype;
    h->h[5] = NULL;
    return h->h;
}

/* A signed POST as the fixture's service user (MMFX_AK) at now. */
static inline int mmfx_post_as(struct mmfx *fx, const char *ak, const char *path, const char *body,
                               int64_t now, struct mk_response *resp)
{
    struct mmfx_hdrs h;
    const char *app = strcmp(ak, MMFX_AK_EU) == 0 ? MMFX_EUAPP : MMFX_APP;
    const char *key = strcmp(ak, MMFX_AK_EU) == 0 ? "k6" : MMFX_APPKEY;

    return mmfx_call(fx, "POST", path, mmfx_sign(&h, app, key, ak, MMFX_SECRET, path, now), body,
                     now, resp);
}

static inline int mmfx_post(struct mmfx *fx, const char *path, const char *body, int64_t now,
                            struct mk_response *resp)
{
    return mmfx_post_as(fx, MMFX_AK, path, body, now, resp);
}

/* The response body parsed; caller frees with cJSON_Delete(). */
static inline cJSON *mmfx_body(const struct mk_response *resp)
{
    return mmfx_json(cm_buf_str(&resp->body));
}

static inline const char *mmfx_header(const struct mk_response *resp, const char *name)
{
    int i;

    for (i = 0; i < resp->nheaders; i++)
        if (strcmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    return NULL;
}

/* The first fail item's first error: its code and message, copied into out. */
static inline void mmfx_error(const struct mk_response *resp, char *code, size_t csize, char *msg,
                              size_t msize)
{
    cJSON *doc = mmfx_body(resp);
    const cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "fail"), 0);
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(f, "errors"), 0);

    if (e == NULL)
        e = f; /* the 2.0 gateway shape */
    cm_strlcpy(code, cm_json_str(e, "code", ""), csize);
    cm_strlcpy(msg, cm_json_str(e, "message", ""), msize);
    cJSON_Delete(doc);
}

/* Asserts an API refusal: status (and meta.status in the 1.0 envelope), code, a message
 * fragment and the journal verdict; failures name the caller's line. */
#define mmfx_refused(...) mmfx_refused_at(__LINE__, __VA_ARGS__)

static inline void mmfx_refused_at(int line, struct mmfx *fx, struct mk_response *resp, int status,
                                   const char *code, const char *fragment, const char *verdict)
{
    char c[96], m[600];

    cr_assert_eq(resp->status, status, "line %d: status %d, want %d: %s", line, resp->status,
                 status, cm_buf_str(&resp->body));
    {
        cJSON *doc = mmfx_body(resp), *meta = cJSON_GetObjectItem(doc, "meta");
        if (meta)
            cr_assert_eq(cm_json_num(meta, "status", 0), status, "line %d: meta.status", line);
        cJSON_Delete(doc);
    }
    mmfx_error(resp, c, sizeof(c), m, sizeof(m));
    cr_assert_str_eq(c, code, "line %d: code '%s', want '%s': %s", line, c, code, m);
    cr_assert(strstr(m, fragment) != NULL, "line %d: message '%s' lacks '%s'", line, m, fragment);
    cr_assert_str_eq(fx->verdict, verdict, "line %d: verdict", line);
    mk_resp_release(resp);
}

/* A state member by path, from the fixture's dump; caller frees with cJSON_Delete(). */
static inline cJSON *mmfx_dump(struct mmfx *fx)
{
    return mm_state_dump(fx->st);
}

/* Asserts that the state is still before (a dump taken earlier, freed here). */
static inline void mmfx_unchanged(struct mmfx *fx, cJSON *before, const char *what)
{
    cJSON *after = mmfx_dump(fx);
    char *b = cm_json_print(before), *a = cm_json_print(after);

    cr_assert_str_eq(a, b, "%s changed the state", what);
    free(a);
    free(b);
    cJSON_Delete(before);
    cJSON_Delete(after);
}

/* Runs a console action with args given as JSON text; the result (caller frees) or NULL
 * with err set. */
static inline cJSON *mmfx_action(struct mmfx *fx, const char *name, const char *args, int64_t now,
                                 struct cm_err *err)
{
    cJSON *a = mmfx_json(args), *out = mm_action(fx->st, name, a, now, err);

    cJSON_Delete(a);
    return out;
}

static inline cJSON *mmfx_binding(struct mmfx *fx, const char *ak)
{
    return mm_find_binding(fx->st, ak, NULL);
}

#endif
