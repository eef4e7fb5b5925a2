/*
 * mimecast_cpsync.h: the checkpoint's fsyncs off the ingest loop.
 *
 * After each page the loop writes the page's alerts (write(2), no fsync)
 * and posts the text of the checkpoint that covers them; a thread fsyncs
 * the alerts file, then replaces the checkpoint file with that text
 * (rc_mm_cp_write: temporary file, fsync, rename, fsync of the folder). The
 * order of mimecast_checkpoint.h holds: a checkpoint is saved only once the
 * alerts it covers are durable. A text posted while the thread is busy waits;
 * a newer one replaces it unsaved, since each checkpoint covers every alert
 * before it: on a slow disk the saves thin out instead of holding up the
 * loop. A run killed meanwhile leaves alerts past the saved checkpoint's
 * offset, which the next run adopts (rc_mm_cp_recover), as when it is killed
 * between the fsync and the save.
 *
 * Ownership: rc_mm_cpsync_new() copies the paths; rc_mm_cpsync_post() takes
 * the text; rc_mm_cpsync_finish() waits for the last text, stops the thread
 * and frees everything (NULL: nothing to do, 0).
 */
#ifndef RC_MIMECAST_CPSYNC_H
#define RC_MIMECAST_CPSYNC_H

#include "common/error.h"

struct rc_mm_cpsync;

/* A thread saving to cp_path, after fsyncing the alerts file output (named in messages). */
struct rc_mm_cpsync *rc_mm_cpsync_new(const char *cp_path, const char *output);
/* Queues text (taken; caller allocated) to be saved once fd (the alerts file; -1: nothing
 * written yet) is fsynced. 0, or the error of an earlier fsync or save, with err. */
int rc_mm_cpsync_post(struct rc_mm_cpsync *c, int fd, char *text, struct cm_err *err);
/* Saves what is queued, stops the thread and frees c. 0, or the first error, with err. */
int rc_mm_cpsync_finish(struct rc_mm_cpsync *c, struct cm_err *err);

#endif
