/*
 * mimecast_checkpoint.h: where a Mimecast log ingestion resumes, so that a
 * run that stops anywhere (killed, a fault, a page limit) and is started
 * again loses nothing and emits nothing twice.
 *
 * The checkpoint is a boundary time and the identity keys (mimecast_map.h)
 * of the records already handled at exactly that time, with repeats: every
 * record before the boundary was handled, and so were these. The next run
 * asks for logs from the boundary inclusive, skips what comes before it,
 * and at the boundary skips one record per key listed (two identical
 * records are listed twice), so records that share the boundary second are
 * neither lost nor duplicated, however the pages fell.
 *
 * Order of writes (ingest): a page's alerts are appended to the output and
 * fsynced, then the checkpoint is replaced atomically (temporary file,
 * fsync, rename, fsync of the folder). The checkpoint also records the
 * output file and its size at that moment; alerts found past that size at
 * the next start were written by a run that died before its checkpoint, and
 * rc_mm_cp_recover() adopts them instead of fetching them again.
 *
 * File (JSON, ours): {"version": 1, "type": "url", "boundary":
 * "2026-03-02T08:59:00Z", "boundary_ms": n, "seen": ["sha256:...", "id:..."],
 * "output": "/abs/alerts.jsonl", "output_offset": n, "updated": "..."}.
 *
 * Ownership: struct rc_mm_checkpoint and struct rc_mm_dedup live in caller
 * storage, set up by their init/load functions and freed by their release
 * functions; every string in them is owned.
 */
#ifndef RC_MIMECAST_CHECKPOINT_H
#define RC_MIMECAST_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct rc_mm_checkpoint {
    char *type;          /* the log type it belongs to */
    int64_t boundary_ms; /* every record before it was handled */
    char **seen;         /* keys handled at boundary_ms, repeats kept */
    size_t n_seen, cap;
    char *output;          /* absolute path of the alerts file, NULL for stdout */
    int64_t output_offset; /* its size once the covered alerts were synced */
};

/* A fresh checkpoint at boundary_ms with nothing seen. */
void rc_mm_cp_init(struct rc_mm_checkpoint *cp, const char *type, int64_t boundary_ms);
void rc_mm_cp_release(struct rc_mm_checkpoint *cp);
/* Loads path into cp (initialized here). CM_ENOENT when there is no file (cp untouched),
 * CM_EINVAL with err saying what is wrong with it. */
int rc_mm_cp_load(const char *path, struct rc_mm_checkpoint *cp, struct cm_err *err);
/* Writes cp to path atomically. CM_EIO with err. */
int rc_mm_cp_save(const char *path, const struct rc_mm_checkpoint *cp, int64_t now_ms,
                  struct cm_err *err);
/* The file's text for cp (caller frees), and writing such a text to path atomically (CM_EIO
 * with err): rc_mm_cp_save() in two steps, for a save made on another thread. */
char *rc_mm_cp_text(const struct rc_mm_checkpoint *cp, int64_t now_ms);
int rc_mm_cp_write(const char *path, const char *text, struct cm_err *err);
/* Counts a handled record (an alert written, or a record dropped) at time ts. */
void rc_mm_cp_advance(struct rc_mm_checkpoint *cp, int64_t ts, const char *key);
/* Sets the output file the checkpoint refers to (copied; NULL for stdout). */
void rc_mm_cp_set_output(struct rc_mm_checkpoint *cp, const char *path, int64_t offset);

/*
 * Adopts alerts of cp->type found in cp->output past cp->output_offset (see above), as
 * rc_mm_cp_advance() would have, and moves output_offset to the end of the last whole
 * line. A last line without its newline (a write cut by a crash) is cut off the file.
 * Does nothing when output is NULL or differs from cp->output, or when the file is
 * shorter than the offset (rotated: a warning). *adopted counts the alerts taken.
 */
int rc_mm_cp_recover(struct rc_mm_checkpoint *cp, const char *output, size_t *adopted,
                     struct cm_err *err);

enum rc_mm_seen {
    RC_MM_SEEN_NEW,    /* not handled yet */
    RC_MM_SEEN_DUP,    /* handled by an earlier run at the boundary */
    RC_MM_SEEN_BEFORE, /* before the boundary */
};

/* The skip list of one run: a copy of the checkpoint's keys at its start, consumed. */
struct rc_mm_dedup {
    int64_t start_ms;
    char **keys;
    size_t n;
};

void rc_mm_dedup_init(struct rc_mm_dedup *d, const struct rc_mm_checkpoint *cp);
void rc_mm_dedup_release(struct rc_mm_dedup *d);
/* Judges a record at ts with key; an RC_MM_SEEN_DUP consumes one occurrence of key. */
enum rc_mm_seen rc_mm_dedup_check(struct rc_mm_dedup *d, int64_t ts, const char *key);

#endif
