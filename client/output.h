/*
 * output.h: where the client's results go, and in what shape.
 *
 * Results are JSON: either one document per run (rc_output_json), or one
 * record per line (rc_output_jsonl), which is what log ingestion emits so a
 * consumer can stream it and a crash loses at most the unflushed tail. Both
 * go to stdout, or to --output FILE:
 *
 * - one document replaces FILE atomically (cm_write_file_atomic), so a
 *   reader never sees half of it;
 * - JSON lines are appended to FILE (created 0644 if missing), each line
 *   written whole with one write(2); rc_output_flush() fsyncs the file, so
 *   a flow flushes after each page before it moves its checkpoint;
 * - after rc_output_batch(), JSON lines are gathered in memory instead and
 *   written together, whole lines only, with one write(2) once max bytes
 *   wait, and at rc_output_write(), rc_output_flush() and rc_output_close()
 *   (log ingestion writes a page's alerts at once, not one call each).
 *
 * rc_output_table() prints an array of objects as an aligned text table for
 * people (`--format table` in flows that offer it).
 *
 * Lifecycle: rc_output_open() on caller storage, rc_output_close() (flushes
 * and closes; safe on a closed or never-opened zeroed output). Not
 * thread-safe. Documents are borrowed.
 */
#ifndef RC_OUTPUT_H
#define RC_OUTPUT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "common/error.h"

struct rc_output {
    char *path; /* NULL: stdout; owned */
    int fd;     /* the JSON-lines file, opened on the first line; -1 before */
    FILE *fp;   /* stdout when path is NULL (borrowed) */
    /* JSON lines not written yet: len bytes of whole lines in text (cap bytes, owned). */
    char *text;
    size_t len, cap;
    size_t batch_max; /* 0: each line is written at once; else see rc_output_batch() */
};

/* path NULL or "-" means stdout. Nothing is opened or created until something is written. */
void rc_output_open(struct rc_output *o, const char *path);
void rc_output_close(struct rc_output *o);

/* Writes one JSON document (unformatted, then a newline). */
int rc_output_json(struct rc_output *o, const cJSON *doc, struct cm_err *err);
/* Appends one record as a single line. */
int rc_output_jsonl(struct rc_output *o, const cJSON *record, struct cm_err *err);
/* Gathers JSON lines in memory from now on, written once max bytes (> 0) wait. */
void rc_output_batch(struct rc_output *o, size_t max);
/* Writes the gathered lines, without syncing them. */
int rc_output_write(struct rc_output *o, struct cm_err *err);
/* Makes the lines written so far durable: writes the gathered ones, then fflush for stdout,
 * fsync for a file. */
int rc_output_flush(struct rc_output *o, struct cm_err *err);
/* fsync of an output's descriptor (name for the message); one that cannot be synced (/dev/null,
 * a pipe, a FIFO) is not an error, nor is fd -1 (nothing opened yet). */
int rc_output_sync_fd(int fd, const char *name, struct cm_err *err);

/*
 * Prints rows (an array of objects) as a table with the given columns
 * (NULL-terminated keys, used as headings). Strings print as they are, other
 * values as compact JSON, missing ones as "-". Always to the output's stream
 * or file (appended).
 */
int rc_output_table(struct rc_output *o, const char *const *columns, const cJSON *rows,
                    struct cm_err *err);

#endif
