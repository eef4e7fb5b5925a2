/*
 * fuzz.h: what every fuzz target of tests/fuzz/ shares.
 *
 * A target is one file with one FUZZ_TARGET(name) function taking the bytes
 * of one input. Built with SECMOCK_FUZZ (clang), FUZZ_TARGET is libFuzzer's
 * LLVMFuzzerTestOneInput and each file is its own fuzzer binary; otherwise
 * it is a plain function fuzz_<name>() and every target is linked into
 * fuzz_replay (replay.c), which runs the committed seed corpus and crash
 * reproducers as the ctest fuzz-corpus. A target returns 0; a failed check
 * calls fuzz_fail(), which aborts, so either build reports it as a crash.
 *
 * The services the targets call are the product's own, through the fake
 * requests of mock/kit/http.h: fuzz_svc_new() creates one service of a type
 * with a state file under the source tree; fuzz_call() sends it one request
 * at a fixed virtual time (with FUZZ_TRACE set in the environment, it prints
 * each call's status and journal verdict: how to see what a corpus file
 * reaches). Services live for the whole process (a fuzzer
 * runs millions of inputs against one), so a target must not leave state
 * behind that changes what the next input sees beyond what the service
 * itself keeps (tokens issued, rate-limit counters: bounded by the mocks).
 *
 * fuzz_mm_sign() gives the headers of a Mimecast API 1.0 call signed with
 * the binding of state/mimecast.json, so a target reaches what lies behind
 * the signature check.
 *
 * Ownership: fuzz_svc_new() returns a service the process keeps; fuzz_cstr()
 * returns a string the caller frees; a response from fuzz_call() is the
 * caller's (mk_resp_release()).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "mock/kit/http.h"
#include "mock/kit/service.h"

#ifdef SECMOCK_FUZZ_ENGINE
#define FUZZ_TARGET(name) int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#else
#define FUZZ_TARGET(name) int fuzz_##name(const uint8_t *data, size_t size)
#endif

/* The targets (declared for replay.c and for -Wmissing-prototypes). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int fuzz_scenario(const uint8_t *data, size_t size);
int fuzz_lenient(const uint8_t *data, size_t size);
int fuzz_auth(const uint8_t *data, size_t size);
int fuzz_pagetoken(const uint8_t *data, size_t size);
int fuzz_ctr_query(const uint8_t *data, size_t size);

/* 2026-03-02T09:00:00Z: the virtual time of every fuzzed request. */
#define FUZZ_NOW_MS 1772442000000LL

/* Prints what went wrong and aborts. */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* data as a NUL-terminated string (cut at the first NUL); caller frees. */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* Splits data into up to n fields at '\n' (the last field takes the rest, newlines and
 * all); fields[i] are NUL-terminated copies in one block the caller frees (returned).
 * Fields that are not there are "". */
char *fuzz_fields(const uint8_t *data, size_t size, char **fields, int n);

/* The service of type (e.g. "mimecast", "ctr-nam") with the state in the JSON file at
 * state_rel, relative to the source tree (NULL: the empty state), made by the first call
 * for that type (later calls get the same service). Aborts on failure. */
struct mk_service *fuzz_svc_new(const char *type, const char *state_rel);

/* One request to svc at FUZZ_NOW_MS through its route table; headers are "Name: value"
 * strings, NULL-terminated (may be NULL). Returns the status; resp is initialised here;
 * verdict (may be NULL, FUZZ_VERDICT_SIZE bytes) receives the journal verdict. */
#define FUZZ_VERDICT_SIZE 48
int fuzz_call(struct mk_service *svc, const char *method, const char *path,
              const char *const *headers, const char *query, const char *body,
              struct mk_response *resp, char *verdict);

/* ---- Mimecast (state/mimecast.json) ---- */

#define FUZZ_MM_STATE  "tests/fuzz/state/mimecast.json"
#define FUZZ_MM_APP    "11111111-1111-4111-8111-111111111111"
#define FUZZ_MM_APPKEY "22222222-2222-4222-8222-222222222222"
#define FUZZ_MM_AK     "ak-fuzz"
#define FUZZ_MM_SECRET "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

/* The headers of an API 1.0 call to path correctly signed with the fixture's binding
 * for date and req_id (as sent; a client signs what it sends). h->h is what fuzz_call()
 * takes; the strings are h's own. */
struct fuzz_mm_hdrs {
    char date[160], id[160], auth[160];
    const char *h[6];
};
const char *const *fuzz_mm_sign(struct fuzz_mm_hdrs *h, const char *date, const char *req_id,
                                const char *path);

#endif
