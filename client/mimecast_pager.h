/*
 * mimecast_pager.h: the pages of one Mimecast get-logs query for ingest:
 * each page's request (oldestFirst, from, to, pageSize and the previous
 * page's token), its answer judged and parsed (rc_mm_call), and where the
 * pages end.
 *
 * Fetched ahead (ahead = 1), a thread asks for page N+1 as soon as page N is
 * parsed (page tokens are self-contained: N's "next" is all N+1 needs), while
 * the caller maps and writes page N; the client's work, the server's and the
 * checkpoint's fsyncs overlap instead of taking turns. The thread keeps at
 * most one parsed page the caller has not taken, so at most three pages are
 * in memory at once (the caller's, the waiting one, the one being fetched).
 * It stops after the last page or a failed call. Without (ahead = 0), a page
 * is fetched when it is asked for, in the caller's thread: for a caller that
 * may stop after any page (--max-pages) and must not ask for one more.
 *
 * While a pager fetches ahead its session, and the session's context's HTTP
 * layer and clock, belong to its thread: the caller reads the session's
 * exit_code and msg only after rc_mm_pager_next() failed, and nothing else
 * of it until rc_mm_pager_free().
 *
 * Ownership: rc_mm_pager_new() borrows the session and the log type (both
 * must outlive the pager) and returns a pager the caller frees with
 * rc_mm_pager_free() (NULL is a no-op). Each page's document is the caller's, to give back
 * with rc_mm_pager_done() before the pager is freed.
 */
#ifndef RC_MIMECAST_PAGER_H
#define RC_MIMECAST_PAGER_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "client/mimecast_api.h"
#include "client/mimecast_map.h"

enum rc_mm_page_end {
    RC_MM_PAGE_MORE,     /* the answer gave a next token */
    RC_MM_PAGE_LAST,     /* no next token (absent or empty): the query is done */
    RC_MM_PAGE_REPEATED, /* the next token is the one this page was asked with */
};

struct rc_mm_page {
    cJSON *doc; /* the whole answer; the caller's (rc_mm_pager_done, or cJSON_Delete) */
    enum rc_mm_page_end end;
};

struct rc_mm_pager;

/* A pager from from to to (ms, both inclusive as Mimecast reads them), page_size records a page,
 * fetching ahead on a thread when ahead is non-zero. */
struct rc_mm_pager *rc_mm_pager_new(struct rc_mm_session *s, const struct rc_mm_logtype *t,
                                    int64_t from, int64_t to, long page_size, int ahead);
/* The next page, oldest first: 0 and *page, or the failed call's code, with the session's
 * exit_code and msg saying why. Not to be called again after a failure or a page whose end is
 * not RC_MM_PAGE_MORE. */
int rc_mm_pager_next(struct rc_mm_pager *p, struct rc_mm_page *page);
/* Frees a page's document once the caller is done with it (NULL is a no-op): on the pager's
 * thread when it fetches ahead, which allocated it, so that the two threads do not contend for
 * the allocator. */
void rc_mm_pager_done(struct rc_mm_pager *p, cJSON *doc);
/* Stops the thread (a request in flight is finished first) and frees the pager with any page
 * not taken. */
void rc_mm_pager_free(struct rc_mm_pager *p);

/* The request body of one page (token NULL for the first); caller frees (cJSON_Delete). */
cJSON *rc_mm_page_body(const struct rc_mm_logtype *t, int64_t from, int64_t to, long page_size,
                       const char *token);

#endif
