/*
 * mimecast_cpsync.c: a thread that fsyncs the alerts and saves the latest
 * checkpoint (mimecast_cpsync.h). One pending text under a lock: post
 * replaces it, the thread takes it, syncs, saves, and waits for the next;
 * the first failure is kept and every later text is dropped, since a
 * checkpoint must never be saved past alerts that are not durable.
 */
#include "client/mimecast_cpsync.h"

#include "client/mimecast_checkpoint.h"
#include "client/output.h"
#include "common/mem.h"

#include <pthread.h>
#include <stdlib.h>

/* Paths are set at creation and read-only after; the rest is under lock. */
struct rc_mm_cpsync {
    char *cp_path, *output;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    char *pending; /* the text to save next; NULL: none */
    int pending_fd;
    int stop;
    int rc; /* the first failure */
    struct cm_err err;
};

static int sync_and_save(struct rc_mm_cpsync *c, int fd, const char *text, struct cm_err *err)
{
    int rc = rc_output_sync_fd(fd, c->output, err);

    return rc ? rc : rc_mm_cp_write(c->cp_path, text, err);
}

static void *run(void *ud)
{
    struct rc_mm_cpsync *c = ud;
    struct cm_err err = {{0}};

    pthread_mutex_lock(&c->lock);
    for (;;) {
        char *text;
        int fd, rc;

        while (c->pending == NULL && !c->stop)
            pthread_cond_wait(&c->changed, &c->lock);
        if (c->pending == NULL)
            break; /* stopped with nothing left */
        text = c->pending;
        fd = c->pending_fd;
        c->pending = NULL;
        rc = c->rc;
        pthread_mutex_unlock(&c->lock);
        if (rc == 0) /* after a failure, nothing more is saved */
            rc = sync_and_save(c, fd, text, &err);
        free(text);
        pthread_mutex_lock(&c->lock);
        if (rc && c->rc == 0) {
            c->rc = rc;
            c->err = err;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

struct rc_mm_cpsync *rc_mm_cpsync_new(const char *cp_path, const char *output)
{
    struct rc_mm_cpsync *c = cm_calloc(1, sizeof(*c));

    c->cp_path = cm_strdup(cp_path);
    c->output = cm_strdup(output ? output : "the output");
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->changed, NULL);
    if (pthread_create(&c->thread, NULL, run, c) != 0)
        abort(); /* as for an allocation that fails */
    return c;
}

int rc_mm_cpsync_post(struct rc_mm_cpsync *c, int fd, char *text, struct cm_err *err)
{
    char *dropped = NULL;
    int rc;

    pthread_mutex_lock(&c->lock);
    rc = c->rc;
    if (rc) {
        if (err)
            *err = c->err;
        dropped = text;
    } else {
        dropped = c->pending; /* covered by the newer one */
        c->pending = text;
        c->pending_fd = fd;
        pthread_cond_broadcast(&c->changed);
    }
    pthread_mutex_unlock(&c->lock);
    free(dropped);
    return rc;
}

int rc_mm_cpsync_finish(struct rc_mm_cpsync *c, struct cm_err *err)
{
    int rc;

    if (c == NULL)
        return 0;
    pthread_mutex_lock(&c->lock);
    c->stop = 1;
    pthread_cond_broadcast(&c->changed);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    rc = c->rc;
    if (rc && err)
        *err = c->err;
    pthread_cond_destroy(&c->changed);
    pthread_mutex_destroy(&c->lock);
    free(c->cp_path);
    free(c->output);
    free(c);
    return rc;
}
