/*
 * mimecast_pager.c: the pages of one get-logs query, fetched when asked for
 * or one ahead on a thread (mimecast_pager.h).
 *
 * The thread and the caller share one slot under a lock: the thread fetches
 * a page (request, answer judged, parsed, its next token read), waits until
 * the slot is free, puts the page there (or its error) and goes on with the
 * next token; the caller waits until the slot holds something and takes it.
 * The caller gives each document back (rc_mm_pager_done) for the thread to
 * free: the thread allocated it, and a free from another thread would fight
 * the thread's parse for its malloc arena, page after page. A stop asked by
 * rc_mm_pager_free() is seen before each fetch and while the thread waits
 * for the slot; a fetch already started is finished (libcurl
 * gives no way to break into it from here), bounded by the HTTP time-outs.
 */
#include "client/mimecast_pager.h"

#include "client/mimecast_proto.h"
#include "common/mem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * The pager. The query (s, t, from, to, page_size) is set at creation and read-only after.
 * token is the fetching side's: the thread's while ahead, else the caller's. Under lock: full,
 * slot, slot_rc (a page waiting for the caller), trash and n_trash (documents the caller is
 * done with) and stop (the caller is done).
 */
struct rc_mm_pager {
    struct rc_mm_session *s;
    const struct rc_mm_logtype *t;
    int64_t from, to;
    long page_size;
    char *token; /* the next request's pageToken; NULL for the first */
    int ahead, started;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int full, stop;
    struct rc_mm_page slot;
    int slot_rc;
    cJSON *trash[2]; /* documents given back, for the thread to free */
    size_t n_trash;
};

cJSON *rc_mm_page_body(const struct rc_mm_logtype *t, int64_t from, int64_t to, long page_size,
                       const char *token)
{
    cJSON *root = cJSON_CreateObject(), *meta, *pag, *data, *item;
    char ts[RC_MM_TIME_SIZE];

    meta = cJSON_AddObjectToObject(root, "meta");
    pag = cJSON_AddObjectToObject(meta, "pagination");
    cJSON_AddNumberToObject(pag, "pageSize", (double)page_size);
    if (token)
        cJSON_AddStringToObject(pag, "pageToken", token);
    data = cJSON_AddArrayToObject(root, "data");
    item = cJSON_CreateObject();
    cJSON_AddBoolToObject(item, "oldestFirst", 1);
    rc_mm_time_format(from, ts);
    cJSON_AddStringToObject(item, "from", ts);
    rc_mm_time_format(to, ts);
    cJSON_AddStringToObject(item, "to", ts);
    if (strcmp(t->name, "url") == 0) {
        cJSON_AddStringToObject(item, "route", "all");
        cJSON_AddStringToObject(item, "scanResult", "all");
    } else if (strcmp(t->name, "attachment") == 0) {
        cJSON_AddStringToObject(item, "route", "all");
        cJSON_AddStringToObject(item, "result", "all");
    }
    cJSON_AddItemToArray(data, item);
    return root;
}

/* Fetches the page p->token points at, and moves p->token to its next one. */
static int fetch(struct rc_mm_pager *p, struct rc_mm_page *page)
{
    cJSON *body = rc_mm_page_body(p->t, p->from, p->to, p->page_size, p->token);
    const cJSON *next;
    int rc;

    page->doc = NULL;
    page->end = RC_MM_PAGE_LAST;
    rc = rc_mm_call(p->s, RC_MM_OP_LOGS, p->t->path, body, &page->doc);
    cJSON_Delete(body);
    if (rc)
        return rc;
    next = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(page->doc, "meta"),
                                         "pagination"),
        "next");
    if (!cJSON_IsString(next) || next->valuestring[0] == '\0')
        return 0;
    if (p->token && strcmp(p->token, next->valuestring) == 0) {
        page->end = RC_MM_PAGE_REPEATED;
        return 0;
    }
    page->end = RC_MM_PAGE_MORE;
    free(p->token);
    p->token = cm_strdup(next->valuestring);
    return 0;
}

/* Frees the documents given back; called and returns with the lock held. */
static void empty_trash(struct rc_mm_pager *p)
{
    while (p->n_trash > 0) {
        cJSON *doc = p->trash[--p->n_trash];

        pthread_mutex_unlock(&p->lock);
        cJSON_Delete(doc);
        pthread_mutex_lock(&p->lock);
    }
}

static void *fetch_ahead(void *ud)
{
    struct rc_mm_pager *p = ud;
    struct rc_mm_page page = {NULL, RC_MM_PAGE_LAST};
    int rc = 0, stop;

    do {
        pthread_mutex_lock(&p->lock);
        empty_trash(p);
        stop = p->stop;
        pthread_mutex_unlock(&p->lock);
        if (stop)
            break;
        rc = fetch(p, &page);
        pthread_mutex_lock(&p->lock);
        for (empty_trash(p); p->full && !p->stop; empty_trash(p))
            pthread_cond_wait(&p->changed, &p->lock);
        stop = p->stop;
        if (!stop) {
            p->slot = page;
            p->slot_rc = rc;
            p->full = 1;
            pthread_cond_broadcast(&p->changed);
        }
        pthread_mutex_unlock(&p->lock);
        if (stop)
            cJSON_Delete(page.doc);
    } while (!stop && rc == 0 && page.end == RC_MM_PAGE_MORE);
    return NULL;
}

struct rc_mm_pager *rc_mm_pager_new(struct rc_mm_session *s, const struct rc_mm_logtype *t,
                                    int64_t from, int64_t to, long page_size, int ahead)
{
    struct rc_mm_pager *p = cm_calloc(1, sizeof(*p));

    p->s = s;
    p->t = t;
    p->from = from;
    p->to = to;
    p->page_size = page_size;
    p->ahead = ahead;
    if (ahead) {
        pthread_mutex_init(&p->lock, NULL);
        pthread_cond_init(&p->changed, NULL);
        if (pthread_create(&p->thread, NULL, fetch_ahead, p) != 0)
            abort(); /* as for an allocation that fails */
        p->started = 1;
    }
    return p;
}

int rc_mm_pager_next(struct rc_mm_pager *p, struct rc_mm_page *page)
{
    int rc;

    if (!p->ahead)
        return fetch(p, page);
    pthread_mutex_lock(&p->lock);
    while (!p->full)
        pthread_cond_wait(&p->changed, &p->lock);
    *page = p->slot;
    rc = p->slot_rc;
    p->full = 0;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return rc;
}

void rc_mm_pager_done(struct rc_mm_pager *p, cJSON *doc)
{
    if (doc == NULL)
        return;
    if (p->ahead) {
        pthread_mutex_lock(&p->lock);
        if (p->n_trash < sizeof(p->trash) / sizeof(p->trash[0])) {
            p->trash[p->n_trash++] = doc;
            doc = NULL;
            pthread_cond_broadcast(&p->changed);
        }
        pthread_mutex_unlock(&p->lock);
    }
    cJSON_Delete(doc); /* not ahead, or the thread is behind with its freeing */
}

void rc_mm_pager_free(struct rc_mm_pager *p)
{
    if (p == NULL)
        return;
    if (p->started) {
        pthread_mutex_lock(&p->lock);
        p->stop = 1;
        pthread_cond_broadcast(&p->changed);
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->thread, NULL);
        if (p->full)
            cJSON_Delete(p->slot.doc);
        while (p->n_trash > 0)
            cJSON_Delete(p->trash[--p->n_trash]);
        pthread_cond_destroy(&p->changed);
        pthread_mutex_destroy(&p->lock);
    }
    free(p->token);
    free(p);
}
