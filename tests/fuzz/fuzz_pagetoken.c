/*
 * fuzz_pagetoken.c: the Mimecast mock's page tokens (mock/mimecast/
 * pagetoken.c) and the endpoints that take one back from a client: the
 * three TTP get-logs, get-feed and BYO get-batches.
 *
 * Input: one byte, then the rest. Bit 0 of the byte: 0 sends the rest as the
 * token, as a client could (a truncated, tampered or invented one), and
 * checks that mm_token_open() refuses it, since no input can carry the MAC
 * of the process's key; 1 reads the rest as a token's payload (JSON) and
 * seals it with the service's own key first, so the fuzzer reaches what the
 * endpoints do with the contents of a token they trust. The other bits pick
 * the endpoint. Every call is correctly signed (fuzz_mm_sign()).
 */
#include "tests/fuzz/fuzz.h"

#include "common/mem.h"
#include "mock/mimecast/mm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const paths[] = {
    "/api/ttp/url/get-logs",
    "/api/ttp/impersonation/get-logs",
    "/api/ttp/attachment/get-logs",
    "/api/ttp/threat-intel/get-feed",
    "/api/byo-threat-intelligence/get-batches",
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

static struct mk_service *svc;

/* The body that carries tok where the endpoint reads it; caller frees. */
static char *body_with(const char *path, const char *tok)
{
    cJSON *doc = cJSON_CreateObject(), *item = cJSON_CreateObject();
    char *text;

    if (strstr(path, "get-feed"))
        cJSON_AddStringToObject(item, "token", tok);
    else
        cJSON_AddStringToObject(
            cJSON_AddObjectToObject(cJSON_AddObjectToObject(doc, "meta"), "pagination"),
            "pageToken", tok);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(doc, "data"), item);
    text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    return text;
}

/* Fails unless a and b print the same. */
static void same_json(const cJSON *a, const cJSON *b)
{
    char *ta = cJSON_PrintUnformatted(a), *tb = cJSON_PrintUnformatted(b);

    if (ta == NULL || tb == NULL || strcmp(ta, tb) != 0)
        fuzz_fail("a sealed token opens to %s, not %s", ta ? ta : "?", tb ? tb : "?");
    free(ta);
    free(tb);
}

FUZZ_TARGET(pagetoken)
{
    static unsigned serial;
    struct mm_state *st;
    struct fuzz_mm_hdrs h;
    struct mk_response resp;
    const char *path;
    char *rest, *tok, *body, date[48], id[48], verdict[FUZZ_VERDICT_SIZE];
    cJSON *payload, *opened;

    if (size < 1)
        return 0;
    if (svc == NULL)
        svc = fuzz_svc_new("mimecast", FUZZ_MM_STATE);
    st = svc->data;
    path = paths[(data[0] >> 1) % NPATHS];
    rest = fuzz_cstr(data + 1, size - 1);
    if (data[0] & 1) {
        payload = cJSON_ParseWithLength(rest, strlen(rest));
        if (payload == NULL || !cJSON_IsObject(payload)) {
            cJSON_Delete(payload);
            free(rest);
            return 0;
        }
        tok = mm_token_seal(st, payload);
        opened = mm_token_open(st, tok);
        if (opened == NULL)
            fuzz_fail("a sealed token does not open: %s", tok);
        same_json(opened, payload);
        cJSON_Delete(opened);
        cJSON_Delete(payload);
    } else {
        opened = mm_token_open(st, rest);
        if (opened)
            fuzz_fail("a token the process never sealed was opened: %s", rest);
        tok = cm_strdup(rest);
    }
    body = body_with(path, tok);
    mm_mc_date_format(FUZZ_NOW_MS, date, sizeof(date));
    snprintf(id, sizeof(id), "fuzz-%u", ++serial);
    fuzz_call(svc, "POST", path, fuzz_mm_sign(&h, date, id, path), NULL, body, &resp, verdict);
    if (!(data[0] & 1) && *rest && strcmp(verdict, "invalid_page_token") != 0)
        fuzz_fail("%s took a token the process never sealed (status %d, %s)", path, resp.status,
                  verdict);
    mk_resp_release(&resp);
    free(body);
    free(tok);
    free(rest);
    return 0;
}
