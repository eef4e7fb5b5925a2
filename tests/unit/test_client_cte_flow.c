/*
 * test_client_cte_flow.c: `secmock client cte sync` end to end against a
 * fake Netskope tenant and a fake Mimecast behind the client's transport
 * hook, on a fake clock: no socket, no wall time.
 *
 * The fake tenant serves N malware alerts (one SHA256 each) on the first
 * iterator call and nothing after, and records each updateFileHashList
 * list. The fake Mimecast answers get-account (with or without the BYO
 * package) and create-batch, recording every hash it received, and can fail
 * one batch (a 500) or answer the quota error.
 *
 * It also keeps the batches it made for get-batches (newest first), and can
 * lose one create-batch answer after making the batch, lose a request
 * before it arrives, or stand for a kill: keep a copy of the store as it is
 * when a batch arrives and refuse every later connection.
 *
 * Covered: batches of at most 1000, descriptions, the package check, the
 * quota stopping the push, a failed batch then a restart sending the rest
 * and nothing twice, re-reported values sent again, the placeholder, the
 * cycle step on the virtual clock, a lost create-batch answer looked for
 * with get-batches instead of sent again, the temporary files of killed
 * runs removed.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/cte_sync.h"
#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#define T0 1772442000000LL /* 2026-03-02T09:00:00Z */

static struct {
    int alerts;     /* served on the first iterator call */
    int alert_base; /* first alert number */
    int iter_calls; /* dataexport calls */
    int batches;    /* create-batch calls answered 200 */
    int batch_sizes[16];
    char op[16];
    int fail_batch;  /* 1-based batch answered 500 (0: none) */
    int quota_batch; /* 1-based batch answered the quota error */
    int byo;         /* get-account lists the BYO package */
    int account_calls;
    cJSON *received; /* hash -> times received */
    char last_desc[64];
    char *list; /* the last updateFileHashList list */
    int list_calls;
    int iter_fail_call; /* this iterator call (1-based) fails: no answer */
    int iter_lost_call; /* this iterator call is served (the iterator moves on), its answer lost */
    int page;           /* > 0: a real iterator, this many alerts a page (epoch, next, resend) */
    int pos, last_start;
    char last_op[32]; /* the last iterator operation */
    int create_calls; /* create-batch requests, answered or not */
    int lost_batch;   /* this create-batch call (1-based) makes its batch, its answer is lost */
    int drop_batch;   /* this create-batch call never arrives (reset before it is read) */
    int kill_batch;   /* at this call (batch made): a copy of the store, then no connection */
    int down;         /* every request is refused */
    int get_batches;  /* get-batches calls */
    cJSON *made;      /* the batches made: [{"id", "operationType", "hashCount", "createTime"}] */
} fk;

static struct rc_clock *run_clock; /* the running command's clock, for createTime */
static char store_path[128];

static const char *path_of(const char *url)
{
    const char *p = strstr(url, "://");

    p = p ? strchr(p + 3, '/') : url;
    return p ? p : "/";
}

static void answer(struct cm_http_response *resp, long status, const char *body)
{
    resp->status = status;
    cm_buf_printf(&resp->headers, "HTTP/1.1 %ld X\r\nContent-Type: application/json\r\n\r\n",
                  status);
    cm_buf_puts(&resp->body, body);
}

/* The paged iterator: an epoch starts over, "next" serves the following page, "resend" the last
 * one served; wait_time 0 while alerts remain. */
static void serve_page(struct cm_buf *b)
{
    int i, end;

    if (strcmp(fk.last_op, "resend") != 0) {
        if (strcmp(fk.last_op, "next") != 0)
            fk.pos = 0;
        fk.last_start = fk.pos;
        fk.pos = fk.pos + fk.page < fk.alerts ? fk.pos + fk.page : fk.alerts;
    }
    end = fk.last_start + fk.page < fk.alerts ? fk.last_start + fk.page : fk.alerts;
    cm_buf_printf(b, "{\"ok\":1,\"wait_time\":%d,\"timestamp_hwm\":1772442000,\"result\":[",
                  end > fk.last_start ? 0 : 1);
    for (i = fk.last_start; i < end; i++)
        cm_buf_printf(b,
                      "%s{\"_id\":\"id%d\",\"alert_type\":\"Malware\",\"timestamp\":1772441000,"
                      "\"object\":\"f%d.exe\",\"sha256\":\"%064x\"}",
                      i > fk.last_start ? "," : "", i, i, (unsigned)i);
    cm_buf_puts(b, "]}");
}

static void serve_alerts(struct cm_http_response *resp)
{
    struct cm_buf b;
    int i;

    cm_buf_init(&b, 0);
    if (fk.page > 0) {
        serve_page(&b);
        answer(resp, 200, cm_buf_str(&b));
        cm_buf_release(&b);
        return;
    }
    cm_buf_puts(&b, "{\"ok\":1,\"wait_time\":1,\"timestamp_hwm\":1772442000,\"result\":[");
    /* The first call and a resend of it serve the alerts; later calls serve nothing. */
    for (i = 0; (fk.iter_calls == 1 || strcmp(fk.last_op, "resend") == 0) && i < fk.alerts; i++)
        cm_buf_printf(&b,
                      "%s{\"_id\":\"id%d\",\"alert_type\":\"Malware\",\"timestamp\":1772441000,"
                      "\"object\":\"f%d.exe\",\"sha256\":\"%064x\"}",
                      i ? "," : "", fk.alert_base + i, i, (unsigned)(fk.alert_base + i));
    cm_buf_puts(&b, "]}");
    answer(resp, 200, cm_buf_str(&b));
    cm_buf_release(&b);
}

static void serve_batch(const struct cm_http_request *req, struct cm_http_response *resp)
{
    cJSON *body = cm_json_parse(req->body, req->body_len, "req", NULL), *h;
    const cJSON *d0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(body, "data"), 0);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(d0, "hashList");
    int n = cJSON_GetArraySize(list), call = fk.batches + 1;
    char out[128];

    if (fk.fail_batch == call) {
        fk.fail_batch = 0;
        answer(resp, 500, "{\"meta\":{\"status\":500},\"data\":[],\"fail\":[]}");
        cJSON_Delete(body);
        return;
    }
    if (fk.quota_batch == call) {
        answer(resp, 200,
               "{\"meta\":{\"status\":200},\"data\":[],\"fail\":[{\"errors\":[{\"code\":"
               "\"err_quota\",\"message\":\"Quota not available to create the batch\"}]}]}");
        cJSON_Delete(body);
        fk.batches++;
        return;
    }
    cr_assert_leq(n, 1000);
    fk.batch_sizes[fk.batches++] = n;
    snprintf(fk.op, sizeof(fk.op), "%s", cm_json_str(d0, "operationType", ""));
    cJSON_ArrayForEach(h, list)
    {
        const char *v = cm_json_str(h, "hash", "");
        cJSON *seen = cJSON_GetObjectItemCaseSensitive(fk.received, v);

        cr_assert_str_eq(cm_json_str(h, "provider", ""), "NetskopeCE");
        cr_assert_leq(strlen(cm_json_str(h, "description", "")), 20);
        snprintf(fk.last_desc, sizeof(fk.last_desc), "%s", cm_json_str(h, "description", "?"));
        if (seen)
            cJSON_SetNumberValue(seen, seen->valuedouble + 1);
        else
            cJSON_AddNumberToObject(fk.received, v, 1);
    }
    {
        cJSON *b = cJSON_CreateObject();
        char id[16], t[40], ct[48];

        snprintf(id, sizeof(id), "b%d", call);
        cm_time_format(run_clock ? run_clock->fake_now_ms : T0, t, sizeof(t));
        snprintf(ct, sizeof(ct), "%s[UTC]", t);
        cJSON_AddStringToObject(b, "id", id);
        cJSON_AddStringToObject(b, "operationType", cm_json_str(d0, "operationType", ""));
        cJSON_AddNumberToObject(b, "hashCount", n);
        cJSON_AddStringToObject(b, "createTime", ct);
        cJSON_AddStringToObject(b, "status", "COMPLETED");
        cJSON_InsertItemInArray(fk.made, 0, b); /* newest first */
    }
    snprintf(out, sizeof(out),
             "{\"meta\":{\"status\":200},\"data\":[{\"hashCount\":%d,\"batchIdToken\":\"b%d\"}],"
             "\"fail\":[]}",
             n, call);
    answer(resp, 200, out);
    cJSON_Delete(body);
}

static void copy_file(const char *from, const char *to)
{
    char cmd[512];

    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
    cr_assert_eq(system(cmd), 0);
}

/* create-batch with the lost answers, drops and kills the test asked for. */
static int create_batch(const struct cm_http_request *req, struct cm_http_response *resp)
{
    char kept[160];

    fk.create_calls++;
    if (fk.create_calls == fk.drop_batch) {
        snprintf(resp->error, sizeof(resp->error), "Connection reset by peer");
        resp->status = 0;
        return CM_ECONN;
    }
    serve_batch(req, resp);
    if (fk.create_calls == fk.kill_batch) {
        snprintf(kept, sizeof(kept), "%s.killed", store_path);
        copy_file(store_path, kept);
        fk.down = 1;
    }
    if (fk.create_calls == fk.lost_batch || fk.create_calls == fk.kill_batch) {
        cm_buf_reset(&resp->body);
        snprintf(resp->error, sizeof(resp->error), "transfer closed with 40 bytes remaining");
        resp->status = 0;
        return CM_ECONN;
    }
    return 0;
}

static int fake_transport(const struct cm_http_request *req, struct cm_http_response *resp)
{
    const char *path = path_of(req->url);

    cm_buf_reset(&resp->body);
    cm_buf_reset(&resp->headers);
    resp->curl_code = 0;
    resp->error[0] = '\0';
    if (fk.down) {
        snprintf(resp->error, sizeof(resp->error), "Connection refused");
        resp->status = 0;
        return CM_ECONN;
    }
    if (strncmp(path, "/api/v2/events/dataexport/alerts/malware", 40) == 0) {
        const char *op = strstr(req->url, "operation=");

        fk.iter_calls++;
        snprintf(fk.last_op, sizeof(fk.last_op), "%s", op ? op + 10 : "");
        if (fk.iter_calls == fk.iter_lost_call) {
            serve_alerts(resp);
            cm_buf_reset(&resp->body);
            snprintf(resp->error, sizeof(resp->error), "transfer closed with 900 bytes remaining");
            resp->status = 0;
            return CM_ECONN;
        }
        if (fk.iter_calls == fk.iter_fail_call) {
            snprintf(resp->error, sizeof(resp->error), "Connection reset by peer");
            resp->status = 0;
            return CM_ECONN;
        }
        serve_alerts(resp);
    } else if (strcmp(path, "/api/v1/updateFileHashList") == 0) {
        cJSON *b = cm_json_parse(req->body, req->body_len, "req", NULL);

        fk.list_calls++;
        free(fk.list);
        fk.list = cm_strdup(cm_json_str(b, "list", ""));
        cJSON_Delete(b);
        answer(resp, 200,
               "{\"status\":\"success\",\"msg\":\"File Filter Profile updated "
               "successfully\"}");
    } else if (strcmp(path, "/api/account/get-account") == 0) {
        fk.account_calls++;
        answer(resp, 200,
               fk.byo ? "{\"meta\":{\"status\":200},\"data\":[{\"accountName\":\"Acme\","
                        "\"packages\":[\"Email Security [1]\",\"BYO: Threat Intelligence "
                        "[1089]\"]}],\"fail\":[]}"
                      : "{\"meta\":{\"status\":200},\"data\":[{\"accountName\":\"Acme\","
                        "\"packages\":[\"Email Security [1]\"]}],\"fail\":[]}");
    } else if (strcmp(path, "/api/byo-threat-intelligence/create-batch") == 0) {
        return create_batch(req, resp);
    } else if (strcmp(path, "/api/byo-threat-intelligence/get-batches") == 0) {
        char *data = cJSON_PrintUnformatted(fk.made), *doc;

        fk.get_batches++;
        doc = cm_asprintf("{\"meta\":{\"status\":200,\"pagination\":{\"pageSize\":%d,"
                          "\"totalCount\":%d}},\"data\":%s,\"fail\":[]}",
                          cJSON_GetArraySize(fk.made), cJSON_GetArraySize(fk.made), data);
        answer(resp, 200, doc);
        free(doc);
        free(data);
    } else {
        answer(resp, 404, "{}");
    }
    return 0;
}

/* ---- running ---- */

static char dir[64], cfg_path[128];
static struct rc_clock *fake_clock;

static void setup(void)
{
    static const char *const vars[] = {
        "SECMOCK_CLOCK",     "SECMOCK_ADMIN_URL",     "SECMOCK_CA_FILE",    "SECMOCK_SOURCE_ADDR",
        "SECMOCK_RETRIES",   "SECMOCK_CLIENT_CONFIG", "SECMOCK_RETRY_SEED", "SECMOCK_VERBOSE",
        "SECMOCK_CTE_STORE", "SECMOCK_CTE_LOG"};
    size_t i;
    FILE *f;

    for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
    free(fk.list);
    cJSON_Delete(fk.received);
    cJSON_Delete(fk.made);
    memset(&fk, 0, sizeof(fk));
    fk.received = cJSON_CreateObject();
    fk.made = cJSON_CreateArray();
    fk.byo = 1;
    fk.alerts = 2500;
    snprintf(dir, sizeof(dir), "/tmp/secmock-cteflow-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cfg_path, sizeof(cfg_path), "%s/cte.json", dir);
    snprintf(store_path, sizeof(store_path), "%s/iocs.json", dir);
    f = fopen(cfg_path, "w");
    cr_assert_not_null(f);
    fputs("{\"cte\":{\"plugins\":["
          "{\"name\":\"Netskope\",\"plugin\":\"netskope\",\"tenant_url\":"
          "\"https://acme.goskope.com\",\"v2_token\":\"v2\",\"v1_token\":\"v1\","
          "\"sync_interval\":\"10m\"},"
          "{\"name\":\"Netskope List\",\"plugin\":\"netskope\",\"tenant_url\":"
          "\"https://acme.goskope.com\",\"v2_token\":\"v2\",\"v1_token\":\"v1\","
          "\"sync_interval\":\"10m\",\"pull\":false},"
          "{\"name\":\"Mimecast\",\"plugin\":\"mimecast\",\"base_url\":"
          "\"https://us-api.mimecast.com\",\"app_id\":\"app\",\"app_key\":\"key\","
          "\"access_key\":\"AK\",\"secret_key\":\"c2VjcmV0c2VjcmV0\",\"sync_interval\":\"5m\","
          "\"pull\":false}],"
          "\"business_rules\":[{\"name\":\"Hashes\",\"types\":[\"md5\",\"sha256\"]}],"
          "\"sharing\":[{\"source\":\"Netskope\",\"rule\":\"Hashes\",\"destination\":"
          "\"Mimecast\",\"target\":{\"operation\":\"BLOCK\"}},"
          "{\"source\":\"Netskope\",\"rule\":\"Hashes\",\"destination\":\"Netskope List\","
          "\"target\":{\"file_list\":\"CTE_Hashes\"}}]}}",
          f);
    fclose(f);
    cr_redirect_stdout();
    cr_redirect_stderr();
}

static void teardown(void)
{
    char cmd[128];

    rc_clock_free(fake_clock);
    fake_clock = NULL;
    free(fk.list);
    fk.list = NULL;
    cJSON_Delete(fk.received);
    fk.received = NULL;
    cJSON_Delete(fk.made);
    fk.made = NULL;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(client_cte_flow, .init = setup, .fini = teardown);

/* Runs `cte <name> --config cfg --store store args...` (NULL-terminated). */
static int run_cmd(const char *name, ...)
{
    const struct rc_command *c;
    const struct rc_opt *tables[3] = {rc_common_opts, NULL, NULL};
    struct rc_ctx ctx;
    struct cm_err err = {{0}};
    char *argv[32];
    int argc = 0, code;
    va_list ap;
    const char *a;
    int64_t now = fake_clock ? fake_clock->fake_now_ms : T0;

    for (c = rc_cte_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            break;
    cr_assert_not_null(c->name);
    tables[1] = c->opts;
    argv[argc++] = "--config";
    argv[argc++] = cfg_path;
    argv[argc++] = "--store";
    argv[argc++] = store_path;
    argv[argc++] = "--retries";
    argv[argc++] = "0";
    va_start(ap, name);
    while ((a = va_arg(ap, const char *)) != NULL && argc < 31)
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    rc_config_init(&ctx.cfg);
    cr_assert_eq(rc_config_parse(&ctx.cfg, tables, argc, argv, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_ctx_open(&ctx, &err), 0, "%s", err.msg);
    rc_clock_free(ctx.clock);
    ctx.clock = rc_clock_new_fake(now);
    ctx.http->clock = ctx.clock;
    ctx.http->transport = fake_transport;
    run_clock = ctx.clock;
    code = c->run(&ctx);
    run_clock = NULL;
    now = ctx.clock->fake_now_ms;
    rc_ctx_close(&ctx);
    rc_clock_free(fake_clock);
    fake_clock = rc_clock_new_fake(now);
    return code;
}

static int received_once(int first, int n)
{
    char v[80];
    int i;

    for (i = first; i < first + n; i++) {
        snprintf(v, sizeof(v), "%064x", (unsigned)i);
        if (cm_json_num(fk.received, v, 0) != 1)
            return 0;
    }
    return 1;
}

Test(client_cte_flow, batches_of_at_most_1000_and_nothing_twice)
{
    cr_assert_eq(run_cmd("sync", NULL), 0);
    cr_assert_eq(fk.batches, 3);
    cr_assert_eq(fk.batch_sizes[0], 1000);
    cr_assert_eq(fk.batch_sizes[1], 1000);
    cr_assert_eq(fk.batch_sizes[2], 500);
    cr_assert_str_eq(fk.op, "BLOCK");
    cr_assert_str_eq(fk.last_desc, "", "Netskope's comments are longer than 20 characters");
    cr_assert_eq(cJSON_GetArraySize(fk.received), 2500);
    cr_assert(received_once(0, 2500));
    cr_assert_eq(fk.account_calls, 1);
    cr_assert_eq(strlen(fk.list), 2500 * 65 - 1, "the whole list to Netskope");
    /* The next cycle (10 minutes later, on the fake clock): nothing new for Mimecast, the
     * whole list again for Netskope. */
    cr_assert_eq(run_cmd("sync", "--cycles", "2", NULL), 0);
    cr_assert_eq(fake_clock->fake_now_ms, T0 + 10 * 60 * 1000, "one step between two cycles");
    cr_assert_eq(fk.batches, 3);
    cr_assert_eq(fk.list_calls, 3);
}

Test(client_cte_flow, a_failed_batch_then_a_restart_sends_the_rest_once)
{
    fk.fail_batch = 2;
    cr_assert_eq(run_cmd("sync", NULL), RC_EXIT_REMOTE);
    cr_assert_eq(fk.batches, 1, "the push stops at the failed batch");
    cr_assert(received_once(0, 1000));
    cr_assert_eq(run_cmd("sync", NULL), 0);
    cr_assert_eq(fk.batches, 3);
    cr_assert_eq(fk.batch_sizes[1], 1000);
    cr_assert_eq(fk.batch_sizes[2], 500);
    cr_assert_eq(cJSON_GetArraySize(fk.received), 2500);
    cr_assert(received_once(0, 2500), "every hash exactly once");
}

Test(client_cte_flow, the_quota_error_stops_the_push)
{
    fk.quota_batch = 1;
    cr_assert_eq(run_cmd("sync", NULL), RC_EXIT_REMOTE);
    cr_assert_eq(fk.batches, 1);
    cr_assert_eq(cJSON_GetArraySize(fk.received), 0);
    cr_assert_eq(fk.list_calls, 1, "the other sharing still runs");
    fk.quota_batch = 0;
    cr_assert_eq(run_cmd("sync", NULL), 0);
    cr_assert(received_once(0, 2500), "sent after the quota was freed");
}

Test(client_cte_flow, no_byo_package_no_batch)
{
    fk.byo = 0;
    fk.alerts = 3;
    cr_assert_eq(run_cmd("sync", "--log", "/dev/null", NULL), RC_EXIT_REMOTE);
    cr_assert_eq(fk.account_calls, 1);
    cr_assert_eq(fk.batches, 0);
}

Test(client_cte_flow, a_value_reported_again_is_sent_again)
{
    fk.alerts = 3;
    cr_assert_eq(run_cmd("sync", NULL), 0);
    cr_assert(received_once(0, 3));
    /* The tenant reports the same three again, and two new ones. */
    fk.iter_calls = 0;
    fk.alerts = 5;
    fake_clock->fake_now_ms += 10 * 60 * 1000;
    cr_assert_eq(run_cmd("sync", NULL), 0);
    cr_assert_eq(fk.batches, 2);
    cr_assert_eq(fk.batch_sizes[1], 5);
}

Test(client_cte_flow, nothing_matches_the_placeholder)
{
    fk.alerts = 0;
    cr_assert_eq(run_cmd("sync", NULL), 0);
    cr_assert_str_eq(fk.list, RC_CTE_PLACEHOLDER);
    cr_assert_eq(fk.batches, 0);
}

Test(client_cte_flow, a_bad_configuration_is_a_usage_error)
{
    FILE *f = fopen(cfg_path, "w");

    fputs("{\"cte\":{\"plugins\":[{\"name\":\"N\",\"plugin\":\"netskope\",\"tenant_url\":"
          "\"https://a.goskope.com\",\"v2_token\":\"v2\",\"sync_interval\":\"1m\"}]}}",
          f);
    fclose(f);
    cr_assert_eq(run_cmd("sync", NULL), RC_EXIT_USAGE);
    cr_assert_eq(fk.iter_calls, 0);
}

Test(client_cte_flow, a_page_lost_in_flight_is_asked_again_with_resend)
{
    fk.alerts = 3;
    cr_assert_eq(run_cmd("sync", NULL), 0);
    cr_assert_eq(fk.batches, 1);
    /* The next cycle's "next" gets no answer: the page stays marked as asked for. */
    fk.iter_fail_call = 2;
    fake_clock->fake_now_ms += 10 * 60 * 1000;
    cr_assert_eq(run_cmd("sync", NULL), RC_EXIT_CONN);
    cr_assert_str_eq(fk.last_op, "next");
    fake_clock->fake_now_ms += 10 * 60 * 1000;
    cr_assert_eq(run_cmd("sync", NULL), 0);
    cr_assert_str_eq(fk.last_op, "next", "resend first, then next");
    cr_assert_eq(fk.iter_calls, 4);
    /* The resent page held the alerts already merged: nothing is reported again, so nothing
     * goes to Mimecast twice. */
    cr_assert_eq(fk.batches, 1);
    cr_assert(received_once(0, 3));
}

/* Found by the fault soak (tests/soak): a "next" whose answer was cut short had moved the
 * iterator on, and its retry asked "next" again, so that page was never merged. The retry asks
 * "resend" now. */
Test(client_cte_flow, a_next_lost_after_the_tenant_served_it_is_retried_with_resend)
{
    fk.alerts = 10;
    fk.page = 2;
    fk.iter_lost_call = 3; /* the second "next": alerts 4 and 5 */
    cr_assert_eq(run_cmd("sync", "--retries", "2", NULL), 0, "%s", "sync");
    cr_assert(received_once(0, 10), "every alert once at Mimecast");
    cr_assert_eq(cJSON_GetArraySize(fk.received), 10);
}

/* Found by the fault soak: Mimecast made the batch but its answer was cut short, and the HTTP
 * layer's retry sent it again. The client now asks get-batches first. */
Test(client_cte_flow, an_answer_lost_after_acceptance_sends_no_second_batch)
{
    fk.lost_batch = 2;
    cr_assert_eq(run_cmd("sync", "--retries", "2", NULL), 0);
    cr_assert_eq(fk.get_batches, 1, "looked for the batch whose answer was lost");
    cr_assert_eq(fk.create_calls, 3, "no second create-batch for the batch found");
    cr_assert_eq(cJSON_GetArraySize(fk.received), 2500);
    cr_assert(received_once(0, 2500), "every hash exactly once");
    /* Nothing is left in flight: the next run sends nothing and looks for nothing. */
    fake_clock->fake_now_ms += 10 * 60 * 1000;
    cr_assert_eq(run_cmd("sync", NULL), 0);
    cr_assert_eq(fk.create_calls, 3);
    cr_assert_eq(fk.get_batches, 1);
}

/* The run is killed once Mimecast made batch 2, before the store recorded it: the next run finds
 * the batch in flight, finds it with get-batches and sends only batch 3. */
Test(client_cte_flow, a_run_killed_before_saving_a_batch_finds_it_with_get_batches)
{
    char kept[160];

    fk.kill_batch = 2;
    cr_assert_neq(run_cmd("sync", "--retries", "0", NULL), 0);
    cr_assert(received_once(0, 2000));
    snprintf(kept, sizeof(kept), "%s.killed", store_path);
    cr_assert_eq(rename(kept, store_path), 0, "the store as the kill left it");
    fk.down = 0;
    fake_clock->fake_now_ms += 10 * 60 * 1000;
    cr_assert_eq(run_cmd("sync", "--retries", "0", NULL), 0);
    cr_assert_eq(fk.get_batches, 1);
    cr_assert_eq(fk.create_calls, 3, "batch 2 found, only batch 3 sent");
    cr_assert_eq(fk.batch_sizes[2], 500);
    cr_assert(received_once(0, 2500), "every hash exactly once");
}

/* A batch that never reached Mimecast (the connection reset before it was read) is not found
 * by get-batches, so it is sent again, once. */
Test(client_cte_flow, a_batch_mimecast_never_received_is_sent_again_once)
{
    fk.drop_batch = 2;
    cr_assert_eq(run_cmd("sync", "--retries", "2", NULL), 0);
    cr_assert_eq(fk.get_batches, 1);
    cr_assert_eq(fk.create_calls, 4, "batch 2 sent twice, made once");
    cr_assert_eq(fk.batches, 3);
    cr_assert(received_once(0, 2500), "every hash exactly once");
}

/* Out of tries within the run, the batch stays in flight; the next run looks for it first, does
 * not find it and sends it again. */
Test(client_cte_flow, a_batch_left_in_flight_and_not_made_is_sent_by_the_next_run)
{
    fk.drop_batch = 2;
    cr_assert_eq(run_cmd("sync", "--retries", "0", NULL), RC_EXIT_CONN);
    cr_assert_eq(fk.get_batches, 1);
    fake_clock->fake_now_ms += 10 * 60 * 1000;
    cr_assert_eq(run_cmd("sync", "--retries", "0", NULL), 0);
    cr_assert_eq(fk.get_batches, 2, "looked again at the start of the run");
    cr_assert_eq(fk.create_calls, 4);
    cr_assert(received_once(0, 2500), "every hash exactly once");
}

/* A run killed while replacing the store leaves "<store>.tmp.<pid>"; the next one removes it
 * when that process is gone, and leaves a live process's file alone. */
Test(client_cte_flow, the_temporary_file_of_a_killed_run_is_removed)
{
    char dead[160], live[160];
    pid_t pid = fork();
    FILE *f;

    cr_assert_geq(pid, 0);
    if (pid == 0)
        _exit(0);
    cr_assert_eq(waitpid(pid, NULL, 0), pid);
    snprintf(dead, sizeof(dead), "%s.tmp.%ld", store_path, (long)pid);
    snprintf(live, sizeof(live), "%s.tmp.%ld", store_path, (long)getppid());
    cr_assert_not_null(f = fopen(dead, "w"));
    fclose(f);
    cr_assert_not_null(f = fopen(live, "w"));
    fclose(f);
    fk.alerts = 3;
    cr_assert_eq(run_cmd("sync", NULL), 0);
    cr_assert_neq(access(dead, F_OK), 0, "the dead run's file is gone");
    cr_assert_eq(access(live, F_OK), 0, "a live process's file is kept");
}
