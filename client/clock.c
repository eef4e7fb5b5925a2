/*
 * clock.c: the wall, admin and fake clock sources behind rc_clock_now() and
 * rc_sleep().
 *
 * The admin source talks to the mock process directly with the transport
 * (cm_http_perform), not through the client's retrying layer: that layer
 * sleeps through this clock, and the admin API is on loopback, where a
 * failure is a broken scenario to report, not a blip to retry.
 */
#include "client/clock.h"

#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ADMIN_TIMEOUT_MS 10000

static struct rc_clock *clock_new(enum rc_clock_kind kind)
{
    struct rc_clock *c = cm_calloc(1, sizeof(*c));

    c->kind = kind;
    c->transport = cm_http_perform;
    return c;
}

struct rc_clock *rc_clock_new_wall(void)
{
    return clock_new(RC_CLOCK_WALL);
}

struct rc_clock *rc_clock_new_admin(const char *admin_url, const char *token)
{
    struct rc_clock *c = clock_new(RC_CLOCK_ADMIN);
    size_t n = strlen(admin_url);

    while (n > 0 && admin_url[n - 1] == '/')
        n--;
    c->admin_url = cm_strndup(admin_url, n);
    if (token != NULL && *token != '\0')
        c->auth_header = cm_asprintf("Authorization: Bearer %s", token);
    return c;
}

struct rc_clock *rc_clock_new_fake(int64_t start_ms)
{
    struct rc_clock *c = clock_new(RC_CLOCK_FAKE);

    c->fake_now_ms = start_ms;
    return c;
}

void rc_clock_free(struct rc_clock *c)
{
    if (c == NULL)
        return;
    free(c->admin_url);
    free(c->auth_header);
    free(c);
}

int rc_clock_is_virtual(const struct rc_clock *c)
{
    return c->kind != RC_CLOCK_WALL;
}

/* One admin call on /clock; on success *now_ms is the clock's "now_ms" after the call. */
static int admin_clock(struct rc_clock *c, const char *body, int64_t *now_ms, struct cm_err *err)
{
    const char *headers[3] = {"Content-Type: application/json", c->auth_header, NULL};
    struct cm_http_request req = {0};
    struct cm_http_response resp;
    cJSON *doc = NULL;
    const cJSON *v;
    char *url = cm_asprintf("%s/clock", c->admin_url);
    int rc;

    req.method = body ? "POST" : "GET";
    req.url = url;
    req.headers = headers;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    req.timeout_ms = ADMIN_TIMEOUT_MS;
    req.max_body = 64 * 1024;
    req.keep_alive = 1;
    cm_http_response_init(&resp);
    rc = c->transport(&req, &resp);
    if (rc) {
        cm_fail(err, rc, "cannot reach the admin clock at '%s': %s", url, resp.error);
        goto out;
    }
    doc = cm_json_parse(resp.body.data, resp.body.len, "admin clock answer", NULL);
    if (resp.status != 200) {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(doc, "error");
        rc = cm_fail(
            err, resp.status == 401 ? CM_EAUTH : CM_EPROTO, "admin clock at '%s' answered %ld %s%s",
            url, resp.status, cm_json_str(e, "message", ""),
            resp.status == 401 ? "; set SECMOCK_ADMIN_TOKEN to the mock's admin token" : "");
        goto out;
    }
    v = cJSON_GetObjectItemCaseSensitive(doc, "now_ms");
    if (!cJSON_IsNumber(v)) {
        rc = cm_fail(err, CM_EPROTO, "admin clock at '%s' answered without a numeric \"now_ms\"",
                     url);
        goto out;
    }
    *now_ms = (int64_t)v->valuedouble;
out:
    cJSON_Delete(doc);
    cm_http_response_release(&resp);
    free(url);
    return rc;
}

int rc_clock_now(struct rc_clock *c, int64_t *now_ms, struct cm_err *err)
{
    switch (c->kind) {
    case RC_CLOCK_ADMIN:
        return admin_clock(c, NULL, now_ms, err);
    case RC_CLOCK_FAKE:
        *now_ms = c->fake_now_ms;
        return 0;
    case RC_CLOCK_WALL:
        break;
    }
    *now_ms = cm_wall_ms();
    return 0;
}

int rc_sleep(struct rc_clock *c, int64_t ms, struct cm_err *err)
{
    struct timespec ts, rem;
    char body[64];
    int64_t now;

    if (ms <= 0)
        return 0;
    switch (c->kind) {
    case RC_CLOCK_ADMIN:
        snprintf(body, sizeof(body), "{\"advance\": %" PRId64 "}", ms);
        return admin_clock(c, body, &now, err);
    case RC_CLOCK_FAKE:
        c->fake_now_ms += ms;
        c->fake_slept_ms += ms;
        return 0;
    case RC_CLOCK_WALL:
        break;
    }
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &rem) != 0 && errno == EINTR)
        ts = rem;
    return 0;
}

int64_t rc_clock_fake_slept(const struct rc_clock *c)
{
    return c->kind == RC_CLOCK_FAKE ? c->fake_slept_ms : 0;
}
