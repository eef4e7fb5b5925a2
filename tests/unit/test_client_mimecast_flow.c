/*
 * test_client_mimecast_flow.c: `secmock client mimecast keys|ingest` end to
 * end against a fake Mimecast behind the client's transport hook, on a fake
 * clock: no socket, no wall time.
 *
 * The fake checks what a real server would (MC signature recomputed from the
 * received headers, a fresh request id each time, an RFC 1123 "UTC" date,
 * the bearer token) and serves TTP logs oldest first from an inclusive
 * "from", pageSize at a time, with an opaque page token. Canned answers can
 * be queued in front of it (418, 429, 401, 503, a connection failure).
 *
 * Covered: page loop stop conditions, safe/format drops, checkpoint
 * boundary across runs (records sharing a second, a page limit, a crash
 * before the checkpoint), binding refresh, rate-limit waits, token renewal,
 * 5xx retries, keys and the errors a user sees.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client/mimecast_cmd.h"
#include "client/mimecast_proto.h"
#include "common/fsutil.h"
#include "common/json.h"
#include "common/mem.h"

#define T0 1772442000000LL /* 2026-03-02T09:00:00Z, the clock's start */

static const char secret_b64[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
static const char app_key[] = "00000000-1111-2222-3333-444444444444";

/* ---- the fake server ---- */

struct canned {
    int rc; /* a transport failure, or 0 */
    long status;
    const char *headers;
    const char *body;
    const char *path; /* only for this path (NULL: any) */
};

static struct {
    cJSON *records; /* url click logs, by time */
    struct canned queue[16];
    int nq, qpos;
    int calls, log_calls, token_calls, login_calls;
    char last_req_id[64];
    int reused_req_id;
    int bad_signature; /* the fake found a wrong signature */
    char secret[128];  /* the secret the fake expects (changes on refresh) */
    char token[32];
    int token_n;
    char last_body[4096];
    int fail_after_log_calls; /* > 0: a connection failure on that get-logs call */
    const char *cp_path;      /* the run's checkpoint: copied as it is at the first get-logs */
    char *cp_at_first_page;   /* that copy (NULL: there was none); freed by teardown */
} fk;

static struct rc_clock *fake_clock;

static void add_record(const char *json)
{
    cJSON *r = cm_json_parse(json, strlen(json), "record", NULL);

    cr_assert_not_null(r, "%s", json);
    cJSON_AddItemToArray(fk.records, r);
}

static void queue(int rc, long status, const char *headers, const char *body, const char *path)
{
    struct canned c = {rc, status, headers, body, path};

    fk.queue[fk.nq++] = c;
}

static const char *req_header(const struct cm_http_request *req, const char *name)
{
    const char *const *h;
    size_t n = strlen(name);

    for (h = req->headers; h && *h; h++)
        if (strncasecmp(*h, name, n) == 0 && (*h)[n] == ':')
            return *h + n + 2;
    return NULL;
}

static void answer(struct cm_http_response *resp, long status, const char *headers,
                   const char *body)
{
    resp->status = status;
    cm_buf_printf(&resp->headers, "HTTP/1.1 %ld X\r\nContent-Type: application/json\r\n%s\r\n",
                  status, headers ? headers : "");
    cm_buf_puts(&resp->body, body);
}

static const char *path_of(const char *url)
{
    const char *p = strstr(url, "://");

    p = p ? strchr(p + 3, '/') : url;
    return p ? p : "/";
}

/* Checks the MC headers the way a server does; 0 when good. */
static int check_mc(const struct cm_http_request *req, const char *path)
{
    const char *date = req_header(req, "x-mc-date"), *id = req_header(req, "x-mc-req-id");
    const char *auth = req_header(req, "Authorization");
    unsigned char key[128];
    size_t klen = 0;
    char sig[RC_MM_SIG_SIZE], want[256];

    if (!date || !id || !auth || !req_header(req, "x-mc-app-id"))
        return -1;
    if (strlen(date) != 29 || strcmp(date + 26, "UTC") != 0)
        return -1;
    if (strcmp(id, fk.last_req_id) == 0)
        fk.reused_req_id = 1;
    snprintf(fk.last_req_id, sizeof(fk.last_req_id), "%s", id);
    cr_assert_eq(rc_mm_b64_decode(fk.secret, key, sizeof(key), &klen), 0);
    rc_mm_sign(key, klen, date, id, path, app_key, sig);
    snprintf(want, sizeof(want), "MC AK:%s", sig);
    if (strncmp(auth, "MC ", 3) == 0 && strstr(auth, ":") && strcmp(strchr(auth, ':') + 1, sig))
        fk.bad_signature = 1;
    return strcmp(auth, want) == 0 ? 0 : -2;
}

/* get-logs: oldest first from "from" inclusive to "to", pageToken = "o<offset>". */
static void serve_logs(const struct cm_http_request *req, struct cm_http_response *resp)
{
    cJSON *body = cm_json_parse(req->body, req->body_len, "req", NULL), *out, *list, *rec;
    const cJSON *d0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(body, "data"), 0);
    const cJSON *pag = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(body, "meta"), "pagination");
    const char *tok = cm_json_str(pag, "pageToken", "");
    int size = (int)cm_json_num(pag, "pageSize", 100), off = 0, i = 0, n = 0, total = 0;
    int64_t from = 0, to = 0, ts;
    char *text;

    cr_assert(cm_json_bool(d0, "oldestFirst", 0), "the client asks oldest first");
    cr_assert_eq(rc_mm_time_parse(cm_json_str(d0, "from", ""), &from), 0);
    cr_assert_eq(rc_mm_time_parse(cm_json_str(d0, "to", ""), &to), 0);
    if (tok[0] == 'o')
        off = (int)strtol(tok + 1, NULL, 10); /* test code: the token is ours */
    out = cJSON_CreateObject();
    list = cJSON_CreateArray();
    cJSON_ArrayForEach(rec, fk.records)
    {
        const char *date = cm_json_str(rec, "date", NULL);
        if (date == NULL || rc_mm_time_parse(date, &ts) != 0)
            ts = from; /* malformed records are served where they sit */
        if (ts < from || ts > to)
            continue;
        total++;
        if (i++ < off || n >= size)
            continue;
        cJSON_AddItemToArray(list, cJSON_Duplicate(rec, 1));
        n++;
    }
    {
        cJSON *meta = cJSON_AddObjectToObject(out, "meta");
        cJSON *p = cJSON_AddObjectToObject(meta, "pagination");
        cJSON *data = cJSON_AddArrayToObject(out, "data");
        cJSON *d = cJSON_CreateObject();
        char next[32];

        cJSON_AddNumberToObject(meta, "status", 200);
        cJSON_AddNumberToObject(p, "pageSize", n);
        cJSON_AddNumberToObject(p, "totalCount", total);
        if (off + n < total) {
            snprintf(next, sizeof(next), "o%d", off + n);
            cJSON_AddStringToObject(p, "next", next);
        }
        cJSON_AddItemToObject(d, "clickLogs", list);
        cJSON_AddItemToArray(data, d);
        cJSON_AddArrayToObject(out, "fail");
    }
    text = cJSON_PrintUnformatted(out);
    answer(resp, 200, NULL, text);
    cJSON_free(text);
    cJSON_Delete(out);
    cJSON_Delete(body);
}

static int fake_transport(const struct cm_http_request *req, struct cm_http_response *resp)
{
    const char *path = path_of(req->url);

    fk.calls++;
    cm_buf_reset(&resp->body);
    cm_buf_reset(&resp->headers);
    resp->error[0] = '\0';
    resp->curl_code = 0;
    snprintf(fk.last_body, sizeof(fk.last_body), "%.*s", (int)req->body_len,
             req->body ? req->body : "");
    if (strstr(path, "get-logs") && ++fk.log_calls == 1 && fk.cp_path) {
        size_t len;
        if (cm_read_file(fk.cp_path, 1 << 20, &fk.cp_at_first_page, &len) != 0)
            fk.cp_at_first_page = NULL;
    }
    if (strstr(path, "get-logs") && fk.fail_after_log_calls &&
        fk.log_calls == fk.fail_after_log_calls) {
        snprintf(resp->error, sizeof(resp->error), "Connection reset by peer");
        resp->status = 0;
        return CM_ECONN;
    }
    if (fk.qpos < fk.nq &&
        (fk.queue[fk.qpos].path == NULL || strcmp(fk.queue[fk.qpos].path, path) == 0)) {
        const struct canned *c = &fk.queue[fk.qpos++];
        if (c->rc) {
            snprintf(resp->error, sizeof(resp->error), "Connection refused");
            resp->status = 0;
            return c->rc;
        }
        answer(resp, c->status, c->headers, c->body);
        return 0;
    }
    if (strcmp(path, "/oauth/token") == 0) {
        fk.token_calls++;
        cr_assert_not_null(strstr(req->body, "grant_type=client_credentials"));
        cr_assert_not_null(strstr(req->body, "client_secret=s%2Fe%2Bc"), "%s", req->body);
        snprintf(fk.token, sizeof(fk.token), "tok-%d", ++fk.token_n);
        {
            char b[128];
            snprintf(b, sizeof(b),
                     "{\"access_token\":\"%s\",\"token_type\":\"Bearer\",\"expires_in\":1799,"
                     "\"scope\":\"\"}",
                     fk.token);
            answer(resp, 200, NULL, b);
        }
        return 0;
    }
    if (strcmp(path, "/api/login/discover-authentication") == 0) {
        answer(resp, 200, NULL,
               "{\"meta\":{\"status\":200},\"data\":[{\"emailAddress\":\"svc@example.com\","
               "\"authenticate\":[\"Basic-Cloud\"]}],\"fail\":[]}");
        return 0;
    }
    if (strcmp(path, "/api/login/login") == 0) {
        const char *auth = req_header(req, "Authorization");
        fk.login_calls++;
        /* base64("svc@example.com:pw") */
        cr_assert_str_eq(auth, "Basic-Cloud c3ZjQGV4YW1wbGUuY29tOnB3");
        snprintf(fk.secret, sizeof(fk.secret), "%s", "AQIDBAUGBwgJCgsMDQ4PEA==");
        answer(resp, 200, NULL,
               "{\"meta\":{\"status\":200},\"data\":[{\"accessKey\":\"AK\",\"secretKey\":"
               "\"AQIDBAUGBwgJCgsMDQ4PEA==\",\"duration\":259200000}],\"fail\":[]}");
        return 0;
    }
    if (strstr(path, "get-logs")) {
        const char *auth = req_header(req, "Authorization");
        if (auth && strncmp(auth, "Bearer ", 7) == 0) {
            if (strcmp(auth + 7, fk.token) != 0) {
                answer(resp, 401, NULL, "{\"fail\":[{\"code\":\"token_invalid\"}]}");
                return 0;
            }
        } else if (check_mc(req, path) != 0) {
            answer(resp, 401, NULL,
                   "{\"meta\":{\"status\":401},\"data\":[],\"fail\":[{\"errors\":[{\"code\":"
                   "\"err_xdk_invalid_signature\",\"message\":\"0004 Invalid Signature\","
                   "\"retryable\":false}]}]}");
            return 0;
        }
        serve_logs(req, resp);
        return 0;
    }
    answer(resp, 404, NULL, "{}");
    return 0;
}

/* ---- running a command ---- */

static char dir[64];

static void setup(void)
{
    static const char *const vars[] = {
        "SECMOCK_CLOCK",       "SECMOCK_ADMIN_URL",      "SECMOCK_CA_FILE",
        "SECMOCK_SOURCE_ADDR", "SECMOCK_RETRIES",        "SECMOCK_CLIENT_CONFIG",
        "SECMOCK_RETRY_SEED",  "SECMOCK_VERBOSE",        "SECMOCK_MIMECAST_URL",
        "MIMECAST_APP_ID",     "MIMECAST_APP_KEY",       "MIMECAST_ACCESS_KEY",
        "MIMECAST_SECRET_KEY", "MIMECAST_USER",          "MIMECAST_PASSWORD",
        "MIMECAST_CLIENT_ID",  "MIMECAST_CLIENT_SECRET", "MIMECAST_API",
        "MIMECAST_LOG_TYPE",   "MIMECAST_CHECKPOINT",    "MIMECAST_AUTH_TYPE"};
    size_t i;

    for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
    memset(&fk, 0, sizeof(fk));
    fk.records = cJSON_CreateArray();
    snprintf(fk.secret, sizeof(fk.secret), "%s", secret_b64);
    snprintf(dir, sizeof(dir), "/tmp/secmock-mmflow-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    cr_redirect_stdout();
    cr_redirect_stderr();
}

static void teardown(void)
{
    char cmd[128];

    cJSON_Delete(fk.records);
    free(fk.cp_at_first_page);
    rc_clock_free(fake_clock);
    fake_clock = NULL;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(client_mimecast_flow, .init = setup, .fini = teardown);

/* Runs `mimecast <name> args...` (NULL-terminated) on the fake; returns the exit code. The
 * fake clock keeps running across calls of one test. */
static int run_cmd(const char *name, ...)
{
    const struct rc_command *c;
    const struct rc_opt *tables[3] = {rc_common_opts, NULL, NULL};
    struct rc_ctx ctx;
    struct cm_err err = {{0}};
    char *argv[64];
    int argc = 0, code;
    va_list ap;
    const char *a;
    int64_t now = T0;

    for (c = rc_mm_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            break;
    cr_assert_not_null(c->name, "no command %s", name);
    tables[1] = c->opts;
    va_start(ap, name);
    while ((a = va_arg(ap, const char *)) != NULL && argc < 63)
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    rc_config_init(&ctx.cfg);
    cr_assert_eq(rc_config_parse(&ctx.cfg, tables, argc, argv, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_ctx_open(&ctx, &err), 0, "%s", err.msg);
    if (fake_clock)
        now = fake_clock->fake_now_ms;
    rc_clock_free(fake_clock);
    rc_clock_free(ctx.clock);
    ctx.clock = rc_clock_new_fake(now);
    ctx.http->clock = ctx.clock;
    ctx.http->transport = fake_transport;
    fake_clock = ctx.clock;
    code = c->run(&ctx);
    now = ctx.clock->fake_now_ms;
    rc_ctx_close(&ctx);
    fake_clock = NULL;
    /* Keep virtual time for the next run of the test. */
    fake_clock = rc_clock_new_fake(now);
    return code;
}

static void clock_done(void)
{
    rc_clock_free(fake_clock);
    fake_clock = NULL;
}

static char captured[65536];

static const char *read_all(FILE *f)
{
    size_t n = fread(captured, 1, sizeof(captured) - 1, f);

    captured[n] = '\0';
    return captured;
}

static const char *out_text(void)
{
    fflush(stdout);
    return read_all(cr_get_redirected_stdout());
}

static const char *err_text(void)
{
    fflush(stderr);
    return read_all(cr_get_redirected_stderr());
}

/* The alerts file's lines as an array. */
static cJSON *alerts(const char *file)
{
    cJSON *arr = cJSON_CreateArray();
    char *text = NULL, *p, *nl;
    size_t len = 0;

    if (cm_read_file(file, 1 << 24, &text, &len) != 0)
        return arr;
    for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
        cJSON *o = cm_json_parse(p, (size_t)(nl - p), "alert", NULL);
        cr_assert_not_null(o, "a broken alert line");
        cJSON_AddItemToArray(arr, o);
    }
    free(text);
    return arr;
}

/* The keys of the alerts, joined with ','. */
static const char *alert_keys(const char *file, char *buf, size_t size)
{
    cJSON *arr = alerts(file), *a;
    size_t off = 0;

    buf[0] = '\0';
    cJSON_ArrayForEach(a, arr)
    {
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(a, "record");
        off += (size_t)snprintf(buf + off, size - off, "%s%s", off ? "," : "",
                                cm_json_str(r, "n", "?"));
    }
    cJSON_Delete(arr);
    return buf;
}

/* A malicious click numbered n at T0 - back seconds. */
static void click(int n, int back)
{
    char j[256], date[RC_MM_TIME_SIZE];

    rc_mm_time_format(T0 - back * 1000LL, date);
    snprintf(j, sizeof(j),
             "{\"n\": \"%d\", \"date\": \"%s\", \"url\": \"http://bad.example/%d\", "
             "\"scanResult\": \"malicious\", \"ttpDefinition\": \"\", "
             "\"creationMethod\": \"URL Protection\"}",
             n, date, n);
    add_record(j);
}

#define API1_ARGS                                                                                  \
    "--base-url", "https://eu-api.mimecast.com/", "--app-id", "APPID", "--app-key", app_key,       \
        "--access-key", "AK", "--secret-key", secret_b64

/* ---- tests ---- */

Test(client_mimecast_flow, api1_pages_filters_and_summary)
{
    char out[128], cp[128], keys[256];
    cJSON *arr, *sum;

    snprintf(out, sizeof(out), "%s/alerts.jsonl", dir);
    snprintf(cp, sizeof(cp), "%s/cp.json", dir);
    click(1, 300);
    click(2, 200);
    add_record("{\"n\": \"clean\", \"date\": \"2026-03-02T08:57:00+0000\", \"url\": \"http://ok/\","
               " \"scanResult\": \"clean\"}");
    add_record("{\"n\": \"bad\", \"url\": \"http://no-date/\"}");
    click(3, 100);
    click(4, 50);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--page-size", "2", "--checkpoint",
                         cp, "-o", out, "--since", "1h", NULL),
                 0, "%s", err_text());
    clock_done();
    out_text();
    sum = cm_json_parse(captured, strlen(captured), "summary", NULL);
    cr_assert_not_null(sum, "%s", captured);
    cr_assert_eq(cm_json_num(sum, "pages", 0), 3);
    cr_assert_eq(cm_json_num(sum, "records", 0), 6);
    cr_assert_eq(cm_json_num(sum, "alerts", 0), 4);
    cr_assert_eq(cm_json_num(sum, "dropped_safe", 0), 1);
    cr_assert_eq(cm_json_num(sum, "dropped_format", 0), 1);
    cr_assert_str_eq(cm_json_str(sum, "checkpoint", ""), "2026-03-02T08:59:10Z");
    cr_assert(cm_json_bool(sum, "complete", 0));
    cJSON_Delete(sum);
    cr_assert_str_eq(alert_keys(out, keys, sizeof(keys)), "1,2,3,4");
    arr = alerts(out);
    cr_assert_str_eq(cm_json_str(cJSON_GetArrayItem(arr, 0), "alertType", ""), "URL Protection");
    cr_assert_str_eq(cm_json_str(cJSON_GetArrayItem(arr, 0), "threatId", ""), "T1598.003");
    cJSON_Delete(arr);
    cr_assert_eq(fk.log_calls, 3);
    cr_assert_eq(fk.reused_req_id, 0, "a fresh x-mc-req-id on every request");
    cr_assert_eq(fk.bad_signature, 0);
}

Test(client_mimecast_flow, a_second_run_emits_nothing_twice)
{
    char out[128], cp[128], keys[256];

    snprintf(out, sizeof(out), "%s/alerts.jsonl", dir);
    snprintf(cp, sizeof(cp), "%s/cp.json", dir);
    click(1, 10);
    click(2, 10);
    click(3, 10);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--checkpoint", cp, "-o", out, NULL),
                 0);
    click(4, 10); /* arrives late at the same second */
    click(5, -5);
    fake_clock->fake_now_ms += 60000;
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--checkpoint", cp, "-o", out, NULL),
                 0, "%s", err_text());
    clock_done();
    cr_assert_str_eq(alert_keys(out, keys, sizeof(keys)), "1,2,3,4,5");
    cr_assert_not_null(strstr(out_text(), "\"duplicates_skipped\":3"), "%s", captured);
}

Test(client_mimecast_flow, a_page_limit_splits_a_second_and_the_next_run_finishes_it)
{
    char out[128], cp[128], keys[256];
    int i;

    snprintf(out, sizeof(out), "%s/alerts.jsonl", dir);
    snprintf(cp, sizeof(cp), "%s/cp.json", dir);
    for (i = 1; i <= 7; i++)
        click(i, 30); /* seven clicks in one second */
    click(8, 20);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--checkpoint", cp, "-o", out,
                         "--page-size", "3", "--max-pages", "1", NULL),
                 0);
    cr_assert_str_eq(alert_keys(out, keys, sizeof(keys)), "1,2,3");
    cr_assert_eq(fk.log_calls, 1, "a page limit fetches nothing ahead");
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--checkpoint", cp, "-o", out,
                         "--page-size", "3", "--max-pages", "1", NULL),
                 0);
    cr_assert_str_eq(alert_keys(out, keys, sizeof(keys)), "1,2,3,4,5,6");
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--checkpoint", cp, "-o", out,
                         "--page-size", "3", NULL),
                 0);
    clock_done();
    cr_assert_str_eq(alert_keys(out, keys, sizeof(keys)), "1,2,3,4,5,6,7,8");
    cr_assert_not_null(strstr(out_text(), "\"stopped\":\"max_pages\""));
}

Test(client_mimecast_flow, a_connection_lost_mid_run_loses_and_duplicates_nothing)
{
    char out[128], cp[128], keys[256];
    int i;

    snprintf(out, sizeof(out), "%s/alerts.jsonl", dir);
    snprintf(cp, sizeof(cp), "%s/cp.json", dir);
    for (i = 1; i <= 6; i++)
        click(i, 60 - i / 2 * 10); /* pairs share a second */
    fk.fail_after_log_calls = 2;
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--checkpoint", cp, "-o", out,
                         "--page-size", "3", "--retries", "0", NULL),
                 RC_EXIT_CONN);
    cr_assert_str_eq(alert_keys(out, keys, sizeof(keys)), "1,2,3");
    cr_assert_not_null(strstr(err_text(), "cannot reach"), "%s", captured);
    fk.fail_after_log_calls = 0;
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--checkpoint", cp, "-o", out,
                         "--page-size", "3", NULL),
                 0);
    clock_done();
    cr_assert_str_eq(alert_keys(out, keys, sizeof(keys)), "1,2,3,4,5,6");
}

/* A run started again after a crash (2 records a page) ends with the alerts keyed `keys`, and
 * its summary holds `summary_part`. */
static void restart_finds(const char *out, const char *cp, const char *keys,
                          const char *summary_part)
{
    char got[256];

    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--checkpoint", cp, "-o", out,
                         "--page-size", "2", NULL),
                 0);
    clock_done();
    cr_assert_str_eq(alert_keys(out, got, sizeof(got)), keys);
    cr_assert_not_null(strstr(out_text(), summary_part), "%s", captured);
}

Test(client_mimecast_flow, alerts_written_before_a_crash_are_adopted_not_repeated)
{
    char out[128], cp[128], old_cp[128], keys[256], *text = NULL;
    size_t len = 0;
    int i;

    snprintf(out, sizeof(out), "%s/alerts.jsonl", dir);
    snprintf(cp, sizeof(cp), "%s/cp.json", dir);
    snprintf(old_cp, sizeof(old_cp), "%s/cp.page1.json", dir);
    for (i = 1; i <= 4; i++)
        click(i, 40 - i / 2 * 10);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--checkpoint", cp, "-o", out,
                         "--page-size", "2", "--max-pages", "1", NULL),
                 0);
    cr_assert_eq(cm_read_file(cp, 1 << 20, &text, &len), 0);
    cr_assert_eq(cm_write_file_atomic(old_cp, text, len), 0);
    free(text);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--checkpoint", cp, "-o", out,
                         "--page-size", "2", NULL),
                 0);
    /* As if the second run died after syncing its alerts, before its checkpoint. */
    cr_assert_eq(rename(old_cp, cp), 0);
    click(5, 0);
    restart_finds(out, cp, "1,2,3,4,5", "\"recovered\":2");
}

/* The alerts file and the checkpoint in the test's folder (each buffer 128 bytes); returns cp. */
static const char *work_paths(char *out, char *cp)
{
    snprintf(out, 128, "%s/alerts.jsonl", dir);
    snprintf(cp, 128, "%s/cp.json", dir);
    return cp;
}

/* Found by the fault soak (tests/soak): a first run killed after it synced its first page's
 * alerts, before it wrote its first checkpoint, left no checkpoint, so the next run started
 * again at --since and wrote that page twice. The first run now writes its checkpoint before
 * it asks for anything. */
Test(client_mimecast_flow, a_first_run_killed_after_its_first_page_duplicates_nothing)
{
    char out[128], cp[128];
    int i;

    for (i = 1; i <= 4; i++)
        click(i, 40 - i * 5);
    fk.cp_path = work_paths(out, cp);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--checkpoint", cp, "-o", out,
                         "--page-size", "2", "--max-pages", "1", NULL),
                 0);
    /* As if the run died once the first page's alerts were synced: the checkpoint is what
     * it was when that page was asked for. */
    if (fk.cp_at_first_page)
        cr_assert_eq(cm_write_file_atomic(cp, fk.cp_at_first_page, strlen(fk.cp_at_first_page)), 0);
    else
        cr_assert_eq(unlink(cp), 0);
    restart_finds(out, cp, "1,2,3,4", "\"recovered\":2");
}

Test(client_mimecast_flow, binding_expired_is_refreshed_with_a_password)
{
    char out[128];

    snprintf(out, sizeof(out), "%s/alerts.jsonl", dir);
    click(1, 10);
    queue(0, 418, NULL,
          "{\"meta\":{\"status\":418},\"data\":[],\"fail\":[{\"errors\":[{\"code\":"
          "\"err_xdk_binding_expired\",\"message\":\"binding expired\",\"retryable\":false}]}]}",
          "/api/ttp/url/get-logs");
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--user", "svc@example.com",
                         "--password", "pw", "-o", out, NULL),
                 0, "%s", err_text());
    clock_done();
    cr_assert_eq(fk.login_calls, 1);
    cr_assert_not_null(strstr(fk.last_body, "pageSize"), "the logs call was retried");
    cr_assert_not_null(strstr(out_text(), "\"binding_refreshes\":1"), "%s", captured);
}

Test(client_mimecast_flow, binding_expired_without_a_password_names_the_console_fix)
{
    queue(0, 418, NULL,
          "{\"meta\":{\"status\":418},\"data\":[],\"fail\":[{\"errors\":[{\"code\":"
          "\"err_xdk_binding_expired\",\"message\":\"binding expired\"}]}]}",
          NULL);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, NULL), RC_MM_EXIT_FIX);
    clock_done();
    cr_assert_not_null(strstr(err_text(), "Authentication Cache TTL to Never Expire"), "%s",
                       captured);
    cr_assert_eq(fk.login_calls, 0);
}

Test(client_mimecast_flow, rate_limit_waits_the_reset_on_the_clock)
{
    click(1, 10);
    queue(0, 429,
          "X-RateLimit-Limit: 50\r\nX-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 2500\r\n",
          "{\"fail\":[{\"errors\":[{\"code\":\"err_rate_limit\",\"message\":\"slow down\"}]}]}",
          NULL);
    queue(0, 429, "X-Rate-Limit-Reset: 1200.5\r\n", "{}", NULL);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, NULL), 0, "%s", err_text());
    cr_assert_eq(fake_clock->fake_now_ms - T0, 2500 + 1201);
    clock_done();
}

Test(client_mimecast_flow, rate_limit_that_lasts_exits_1_with_advice)
{
    int i;

    for (i = 0; i < 4; i++)
        queue(0, 429, "X-RateLimit-Reset: 1000\r\n",
              "{\"fail\":[{\"errors\":[{\"code\":\"err_rate_limit\",\"message\":\"quota\"}]}]}",
              NULL);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, NULL), RC_EXIT_REMOTE);
    clock_done();
    cr_assert_not_null(strstr(err_text(), "limiting the request rate after 4 tries"), "%s",
                       captured);
}

Test(client_mimecast_flow, server_errors_are_retried)
{
    click(1, 10);
    queue(0, 503, NULL, "{}", NULL);
    queue(0, 500, NULL, "oops", NULL);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, NULL), 0, "%s", err_text());
    clock_done();
    cr_assert_eq(fk.log_calls, 3);
}

Test(client_mimecast_flow, api2_token_then_a_401_gets_one_new_token)
{
    char out[128], keys[64];

    snprintf(out, sizeof(out), "%s/alerts.jsonl", dir);
    click(1, 10);
    click(2, 5);
    queue(0, 401, NULL, "{\"fail\":[{\"code\":\"token_expired\",\"message\":\"expired\"}]}",
          "/api/ttp/url/get-logs");
    cr_assert_eq(run_cmd("ingest", "--type", "url", "--base-url",
                         "https://api.services.mimecast.com", "--client-id", "cid",
                         "--client-secret", "s/e+c", "--page-size", "1", "-o", out, NULL),
                 0, "%s", err_text());
    clock_done();
    cr_assert_eq(fk.token_calls, 2);
    cr_assert_str_eq(alert_keys(out, keys, sizeof(keys)), "1,2");
    cr_assert_not_null(strstr(out_text(), "\"api\":\"2.0\""));
}

Test(client_mimecast_flow, api2_a_token_refused_twice_exits_4)
{
    queue(0, 401, NULL, "{\"fail\":[{\"code\":\"token_invalid\",\"message\":\"no\"}]}", NULL);
    queue(0, 401, NULL, "{\"fail\":[{\"code\":\"token_invalid\",\"message\":\"no\"}]}",
          "/api/ttp/url/get-logs");
    /* The token call itself is refused first. */
    fk.qpos = 0;
    cr_assert_eq(run_cmd("ingest", "--type", "url", "--client-id", "cid", "--client-secret",
                         "s/e+c", "--base-url", "https://x", NULL),
                 RC_MM_EXIT_AUTH);
    clock_done();
    cr_assert_not_null(strstr(err_text(), "Client ID and Client Secret"), "%s", captured);
}

Test(client_mimecast_flow, a_wrong_secret_key_says_what_to_check)
{
    snprintf(fk.secret, sizeof(fk.secret), "%s", "AQIDBAUGBwgJCgsMDQ4PEA==");
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, NULL), RC_MM_EXIT_AUTH);
    clock_done();
    err_text();
    cr_assert_not_null(strstr(captured, "Check the secret key"), "%s", captured);
    cr_assert_not_null(strstr(captured, "application key of application APPID"), "%s", captured);
}

Test(client_mimecast_flow, usage_errors_exit_2)
{
    cr_assert_eq(run_cmd("ingest", API1_ARGS, NULL), RC_EXIT_USAGE);
    cr_assert_eq(run_cmd("ingest", "--type", "siem", API1_ARGS, NULL), RC_EXIT_USAGE);
    cr_assert_eq(run_cmd("ingest", "--type", "url", "--app-id", "x", NULL), RC_EXIT_USAGE);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--api", "3", NULL), RC_EXIT_USAGE);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--since", "soon", NULL),
                 RC_EXIT_USAGE);
    cr_assert_eq(run_cmd("keys", "--user", "a@b", NULL), RC_EXIT_USAGE);
    clock_done();
    cr_assert_eq(fk.calls, 0);
}

Test(client_mimecast_flow, a_secret_key_that_is_not_base64_exits_4)
{
    cr_assert_eq(run_cmd("ingest", "--type", "url", "--base-url", "https://x", "--app-id", "a",
                         "--app-key", "k", "--access-key", "AK", "--secret-key", "not base64!",
                         NULL),
                 RC_MM_EXIT_AUTH);
    clock_done();
    cr_assert_not_null(strstr(err_text(), "not valid base64"));
}

Test(client_mimecast_flow, a_checkpoint_of_another_type_is_refused)
{
    char cp[128];

    snprintf(cp, sizeof(cp), "%s/cp.json", dir);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "--checkpoint", cp, NULL), 0);
    cr_assert_eq(run_cmd("ingest", "--type", "attachment", API1_ARGS, "--checkpoint", cp, NULL),
                 RC_EXIT_USAGE);
    clock_done();
    cr_assert_not_null(strstr(err_text(), "belongs to the url logs"));
}

Test(client_mimecast_flow, a_repeated_page_token_stops_the_loop)
{
    int i;

    for (i = 0; i < 3; i++)
        queue(0, 200, NULL,
              "{\"meta\":{\"status\":200,\"pagination\":{\"pageSize\":0,\"next\":\"same\"}},"
              "\"data\":[{\"clickLogs\":[]}],\"fail\":[]}",
              NULL);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, NULL), 0);
    clock_done();
    cr_assert_eq(fk.log_calls, 2);
    cr_assert_not_null(strstr(err_text(), "\"stopped\":\"repeated_page_token\""), "%s", captured);
}

Test(client_mimecast_flow, an_answer_without_the_list_is_an_error)
{
    queue(0, 200, NULL, "{\"meta\":{\"status\":200},\"data\":[{\"other\":[]}],\"fail\":[]}", NULL);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, NULL), RC_EXIT_REMOTE);
    clock_done();
    cr_assert_not_null(strstr(err_text(), "no \"clickLogs\" list"));
}

Test(client_mimecast_flow, pages_come_in_order_while_the_next_is_fetched_ahead)
{
    char out[128], keys[512], want[512];
    size_t off = 0;
    int i;

    snprintf(out, sizeof(out), "%s/alerts.jsonl", dir);
    for (i = 1; i <= 41; i++) {
        click(i, 100 - i / 3); /* three clicks a second: pages of 2 split the seconds */
        off += (size_t)snprintf(want + off, sizeof(want) - off, "%s%d", i > 1 ? "," : "", i);
    }
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "-o", out, "--page-size", "2", NULL),
                 0);
    clock_done();
    cr_assert_str_eq(alert_keys(out, keys, sizeof(keys)), want);
    cr_assert_eq(fk.log_calls, 21);
    cr_assert_not_null(strstr(out_text(), "\"pages\":21,"), "%s", captured);
}

Test(client_mimecast_flow, a_bad_page_stops_the_run_with_the_next_one_fetched_ahead)
{
    char out[128];

    snprintf(out, sizeof(out), "%s/alerts.jsonl", dir);
    queue(0, 200, NULL,
          "{\"meta\":{\"status\":200,\"pagination\":{\"pageSize\":0,\"next\":\"o0\"}},"
          "\"data\":[{\"other\":[]}],\"fail\":[]}",
          NULL);
    click(1, 30);
    click(2, 20);
    /* the next page (served by the fake) is fetched, maybe taken, and dropped unread */
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, "-o", out, "--page-size", "1", NULL),
                 RC_EXIT_REMOTE);
    clock_done();
    cr_assert_not_null(strstr(err_text(), "no \"clickLogs\" list"), "%s", captured);
    cr_assert_leq(fk.log_calls, 3);
    cr_assert_eq(access(out, F_OK), -1, "no alert was written");
}

Test(client_mimecast_flow, keys_prints_a_config_for_ingest)
{
    char path[128];
    cJSON *doc;

    snprintf(path, sizeof(path), "%s/keys.json", dir);
    cr_assert_eq(run_cmd("keys", "--base-url", "https://eu-api.mimecast.com", "--user",
                         "svc@example.com", "--password", "pw", "--app-id", "APPID", "--app-key",
                         app_key, "-o", path, NULL),
                 0, "%s", err_text());
    doc = cm_json_load_file(path, NULL);
    cr_assert_not_null(doc);
    cr_assert_str_eq(
        cm_json_str(cJSON_GetObjectItemCaseSensitive(doc, "mimecast"), "access_key", ""), "AK");
    cr_assert_eq(cm_json_num(doc, "duration_ms", 0), 259200000);
    cr_assert_str_eq(cm_json_str(doc, "expires", ""), "2026-03-05T09:00:00Z");
    cJSON_Delete(doc);
    /* The printed file drives ingest as it is. */
    click(1, 5);
    cr_assert_eq(run_cmd("ingest", "--type", "url", "--config", path, NULL), 0, "%s", err_text());
    clock_done();
    cr_assert_eq(fk.bad_signature, 0);
}

Test(client_mimecast_flow, keys_too_early_quote_the_time)
{
    queue(0, 200, NULL,
          "{\"meta\":{\"status\":403},\"data\":[],\"fail\":[{\"errors\":[{\"code\":"
          "\"err_keys_not_yet_available\",\"message\":\"keys can be created from "
          "2026-03-02T09:30:00Z\",\"availableAt\":\"2026-03-02T09:30:00Z\"}]}]}",
          "/api/login/login");
    cr_assert_eq(run_cmd("keys", "--user", "svc@example.com", "--password", "pw", "--app-id",
                         "APPID", "--base-url", "https://x", NULL),
                 RC_MM_EXIT_AUTH);
    clock_done();
    err_text();
    cr_assert_not_null(strstr(captured, "not available yet"), "%s", captured);
    cr_assert_not_null(strstr(captured, "they become available at 2026-03-02T09:30:00Z"), "%s",
                       captured);
    cr_assert_str_eq(out_text(), "");
}

Test(client_mimecast_flow, keys_with_a_login_type_the_user_cannot_use)
{
    cr_assert_eq(run_cmd("keys", "--user", "svc@example.com", "--password", "pw", "--app-id",
                         "APPID", "--auth-type", "ad", "--base-url", "https://x", NULL),
                 RC_MM_EXIT_AUTH);
    clock_done();
    cr_assert_not_null(strstr(err_text(), "Use --auth-type cloud"), "%s", captured);
}

Test(client_mimecast_flow, no_answer_exits_3)
{
    int i;

    for (i = 0; i < 4; i++)
        queue(CM_ECONN, 0, NULL, NULL, NULL);
    cr_assert_eq(run_cmd("ingest", "--type", "url", API1_ARGS, NULL), RC_EXIT_CONN);
    clock_done();
    cr_assert_not_null(strstr(err_text(), "check --base-url"), "%s", captured);
}
