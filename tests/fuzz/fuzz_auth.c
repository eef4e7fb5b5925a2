/*
 * fuzz_auth.c: the authorization headers of every mock that reads one,
 * through the services' own route tables with fake requests:
 *
 *   Mimecast API 1.0 "MC accessKey:signature" with x-mc-date, x-mc-req-id
 *   and x-mc-app-id; API 2.0 "Bearer"; login's "Basic-Cloud"/"Basic-AD";
 *   /oauth/token's "Basic" (and its form body); the x-mc-date parser alone;
 *   Threat Response's /iroh/oauth2/token "Basic" and its Bearer check;
 *   Netskope's V2 "Netskope-Api-Token" / "Bearer" and V1 token= query.
 *
 * Input: one byte choosing the call, then newline-separated fields:
 * Authorization, date (or Netskope-Api-Token), request id, application id,
 * query string, body (the rest). One call ("signed") computes a correct MC
 * signature for the fuzzed date and request id, so that what comes after
 * the signature check (date skew, request ids, the body) is reached too.
 * Every answer must be a status the route can give, never a crash.
 */
#include "tests/fuzz/fuzz.h"

#include "common/mem.h"
#include "mock/mimecast/mm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_AUTH, F_DATE, F_ID, F_APP, F_QUERY, F_BODY, NFIELDS };

struct call {
    int svc; /* 0 mimecast, 1 ctr, 2 netskope */
    const char *method, *path;
    int form; /* the body is a form, not JSON */
};

static const struct call calls[] = {
    {0, "POST", "/api/ttp/url/get-logs", 0},
    {0, "POST", "/api/login/login", 0},
    {0, "POST", "/oauth/token", 1},
    {0, "POST", "/api/account/get-account", 0},
    {1, "POST", "/iroh/oauth2/token", 1},
    {1, "GET", "/iroh/profile/whoami", 0},
    {2, "GET", "/api/v2/events/dataexport/alerts/malware", 0},
    {2, "GET", "/api/v1/app_instances", 1},
};
#define NCALLS     (sizeof(calls) / sizeof(calls[0]))
#define CALL_DATE  NCALLS       /* the date parsers alone */
#define CALL_SIGN  (NCALLS + 1) /* a correctly signed get-logs */
#define CALL_COUNT (NCALLS + 2)

static struct mk_service *svcs[3];

static void services(void)
{
    if (svcs[0])
        return;
    svcs[0] = fuzz_svc_new("mimecast", FUZZ_MM_STATE);
    svcs[1] = fuzz_svc_new("ctr-nam", "scenarios/fixtures/cisco/ctr-org.json");
    svcs[2] = fuzz_svc_new("netskope", "scenarios/fixtures/netskope/tenant.json");
}

/* ms rounded down to the second (dates before 1970 too). */
static int64_t whole_seconds(int64_t ms)
{
    return ms - ((ms % 1000) + 1000) % 1000;
}

/* The date parsers: what parses formats back to the same instant. */
static void dates(const char *s)
{
    char out[64];
    int64_t ms, again;

    if (mm_mc_date_parse(s, &ms) == 0) {
        mm_mc_date_format(ms, out, sizeof(out));
        if (mm_mc_date_parse(out, &again) != 0 || again != whole_seconds(ms))
            fuzz_fail("x-mc-date '%s' read as %lld, formatted '%s', read back differently", s,
                      (long long)ms, out);
    }
    if (mm_iso_parse(s, &ms) == 0) {
        mm_time_log(ms, out, sizeof(out));
        if (mm_iso_parse(out, &again) != 0 || again != whole_seconds(ms))
            fuzz_fail("date '%s' read as %lld, formatted '%s', read back differently", s,
                      (long long)ms, out);
    }
}

FUZZ_TARGET(auth)
{
    char *f[NFIELDS], *block, *hv[5];
    struct fuzz_mm_hdrs signed_hdrs;
    char verdict[FUZZ_VERDICT_SIZE];
    const char *h[7];
    unsigned which;
    struct mk_response resp;
    const struct call *c;
    int i;

    if (size < 1)
        return 0;
    services();
    which = data[0] % CALL_COUNT;
    block = fuzz_fields(data + 1, size - 1, f, NFIELDS);
    if (which == CALL_DATE) {
        dates(f[F_DATE]);
        free(block);
        return 0;
    }
    if (which == CALL_SIGN) {
        /* the server drops the spaces after "Name:", so a client signs without them */
        f[F_DATE] += strspn(f[F_DATE], " ");
        f[F_ID] += strspn(f[F_ID], " ");
        fuzz_call(svcs[0], "POST", calls[0].path,
                  fuzz_mm_sign(&signed_hdrs, f[F_DATE], f[F_ID], calls[0].path), f[F_QUERY],
                  f[F_BODY], &resp, verdict);
        if (strcmp(verdict, "invalid_signature") == 0)
            fuzz_fail("a correctly signed call was refused for its signature: %s",
                      cm_buf_str(&resp.body));
    } else {
        c = &calls[which];
        hv[0] = cm_asprintf("Authorization: %s", f[F_AUTH]);
        hv[1] = cm_asprintf("%s: %s", c->svc == 2 ? "Netskope-Api-Token" : "x-mc-date", f[F_DATE]);
        hv[2] = cm_asprintf("x-mc-req-id: %s", f[F_ID]);
        hv[3] = cm_asprintf("x-mc-app-id: %s", f[F_APP]);
        hv[4] = cm_strdup(c->form ? "Content-Type: application/x-www-form-urlencoded"
                                  : "Content-Type: application/json");
        for (i = 0; i < 5; i++)
            h[i] = hv[i];
        h[5] = NULL;
        fuzz_call(svcs[c->svc], c->method, c->path, h, f[F_QUERY], f[F_BODY], &resp, NULL);
        for (i = 0; i < 5; i++)
            free(hv[i]);
    }
    mk_resp_release(&resp);
    free(block);
    return 0;
}
