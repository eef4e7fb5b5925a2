/*
 * output.c: JSON, JSON-lines and table output to stdout or a file.
 *
 * Text for a file is built whole in memory and handed to one write(2) on an
 * O_APPEND descriptor, so concurrent writers and crashes never interleave or
 * split a line. A JSON line is printed straight into the output's own
 * buffer (cJSON_PrintPreallocated, grown until it fits), which a batch fills
 * with many lines before one write. Cells of a table are measured in bytes (the values a client
 * prints are ASCII identifiers, dates and counts).
 */
#include "client/output.h"

#include "common/buf.h"
#include "common/fsutil.h"
#include "common/json.h"
#include "common/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void rc_output_open(struct rc_output *o, const char *path)
{
    o->path = path && strcmp(path, "-") != 0 ? cm_strdup(path) : NULL;
    o->fd = -1;
    o->fp = o->path ? NULL : stdout;
    o->text = NULL;
    o->len = o->cap = o->batch_max = 0;
}

void rc_output_close(struct rc_output *o)
{
    rc_output_flush(o, NULL);
    if (o->path && o->fd >= 0)
        close(o->fd);
    free(o->path);
    free(o->text);
    o->path = NULL;
    o->fd = -1;
    o->fp = NULL;
    o->text = NULL;
    o->len = o->cap = o->batch_max = 0;
}

void rc_output_batch(struct rc_output *o, size_t max)
{
    o->batch_max = max;
    if (o->cap < max + 65536) {
        o->cap = max + 65536; /* room for the line that crosses max */
        o->text = cm_realloc(o->text, o->cap);
    }
}

/* Appends len bytes to the output in one write where the system allows. */
static int emit(struct rc_output *o, const char *data, size_t len, struct cm_err *err)
{
    if (o->path == NULL) {
        if (o->fp == NULL || fwrite(data, 1, len, o->fp) != len)
            return cm_fail(err, CM_EIO, "cannot write the output: %s", strerror(errno));
        return 0;
    }
    if (o->fd < 0) {
        o->fd = open(o->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (o->fd < 0)
            return cm_fail(err, CM_EIO, "cannot open '%s' for output: %s", o->path,
                           strerror(errno));
    }
    while (len > 0) {
        ssize_t n = write(o->fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return cm_fail(err, CM_EIO, "cannot write to '%s': %s", o->path, strerror(errno));
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* A path a document can replace atomically: a regular file, or nothing yet. Replacing
 * /dev/null or a FIFO by rename would be wrong; those are written in place. */
static int replaceable(const char *path)
{
    struct stat st;

    return stat(path, &st) != 0 ? errno == ENOENT : S_ISREG(st.st_mode);
}

int rc_output_json(struct rc_output *o, const cJSON *doc, struct cm_err *err)
{
    char *text = cm_json_print(doc);
    char *line = cm_asprintf("%s\n", text);
    int rc;

    if (o->path && replaceable(o->path)) {
        rc = cm_write_file_atomic(o->path, line, strlen(line));
        if (rc)
            cm_fail(err, rc, "cannot write '%s': %s", o->path, cm_strerror(rc));
    } else {
        rc = emit(o, line, strlen(line), err);
    }
    free(line);
    free(text);
    return rc;
}

/* Prints record and a newline after the lines gathered so far. */
static void gather(struct rc_output *o, const cJSON *record)
{
    union {
        const cJSON *c;
        cJSON *m;
    } item = {record}; /* cJSON_PrintPreallocated does not modify it, but is not declared const */
    size_t room, n;

    for (;;) {
        room = o->cap - o->len;
        if (room > 1 && room - 1 <= INT_MAX &&
            cJSON_PrintPreallocated(item.m, o->text + o->len, (int)(room - 1), 0))
            break;
        o->cap = o->cap ? o->cap * 2 : 4096;
        o->text = cm_realloc(o->text, o->cap);
    }
    n = strlen(o->text + o->len);
    o->text[o->len + n] = '\n';
    o->len += n + 1;
}

int rc_output_write(struct rc_output *o, struct cm_err *err)
{
    size_t len = o->len;

    o->len = 0; /* written or failed: either way the lines are gone */
    return len ? emit(o, o->text, len, err) : 0;
}

int rc_output_jsonl(struct rc_output *o, const cJSON *record, struct cm_err *err)
{
    gather(o, record);
    return o->len >= o->batch_max ? rc_output_write(o, err) : 0;
}

int rc_output_flush(struct rc_output *o, struct cm_err *err)
{
    int rc = rc_output_write(o, err);

    if (rc)
        return rc;
    if (o->fp && fflush(o->fp) != 0)
        return cm_fail(err, CM_EIO, "cannot flush the output: %s", strerror(errno));
    return o->path ? rc_output_sync_fd(o->fd, o->path, err) : 0;
}

int rc_output_sync_fd(int fd, const char *name, struct cm_err *err)
{
    /* /dev/null, a pipe or a FIFO cannot be synced, and need not be. */
    if (fd >= 0 && fsync(fd) != 0 && errno != EINVAL && errno != ENOTSUP)
        return cm_fail(err, CM_EIO, "cannot sync '%s': %s", name, strerror(errno));
    return 0;
}

/* A cell's text: strings as they are, "-" when missing, compact JSON otherwise. Caller frees. */
static char *cell_text(const cJSON *row, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, key);

    if (v == NULL || cJSON_IsNull(v))
        return cm_strdup("-");
    if (cJSON_IsString(v))
        return cm_strdup(v->valuestring);
    return cm_json_print(v);
}

int rc_output_table(struct rc_output *o, const char *const *columns, const cJSON *rows,
                    struct cm_err *err)
{
    size_t ncol = 0, nrow = (size_t)cJSON_GetArraySize(rows), c, r;
    size_t *width;
    char **cells;
    const cJSON *row;
    struct cm_buf b;
    int rc;

    while (columns[ncol])
        ncol++;
    width = cm_calloc(ncol + 1, sizeof(*width));
    cells = cm_calloc(nrow * ncol + 1, sizeof(*cells));
    for (c = 0; c < ncol; c++)
        width[c] = strlen(columns[c]);
    r = 0;
    cJSON_ArrayForEach(row, rows)
    {
        for (c = 0; c < ncol; c++) {
            char *t = cell_text(row, columns[c]);
            if (strlen(t) > width[c])
                width[c] = strlen(t);
            cells[r * ncol + c] = t;
        }
        r++;
    }
    cm_buf_init(&b, 0);
    for (r = 0; r <= nrow; r++) {
        for (c = 0; c < ncol; c++) {
            const char *t = r == 0 ? columns[c] : cells[(r - 1) * ncol + c];
            if (c + 1 < ncol)
                cm_buf_printf(&b, "%-*s  ", (int)width[c], t);
            else
                cm_buf_puts(&b, t);
        }
        cm_buf_putc(&b, '\n');
    }
    rc = emit(o, b.data ? b.data : "", b.len, err);
    cm_buf_release(&b);
    for (r = 0; r < nrow * ncol; r++)
        free(cells[r]);
    free(cells);
    free(width);
    return rc;
}
