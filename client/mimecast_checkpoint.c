/*
 * mimecast_checkpoint.c: the ingestion checkpoint: load and atomic save,
 * boundary bookkeeping, the per-run skip list, and the adoption of alerts a
 * crashed run wrote but did not checkpoint.
 */
#include "client/mimecast_checkpoint.h"

#include "client/mimecast_proto.h"
#include "common/fsutil.h"
#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RECOVER_MAX (256u * 1024 * 1024) /* bytes of uncovered alerts read back at most */

void rc_mm_cp_init(struct rc_mm_checkpoint *cp, const char *type, int64_t boundary_ms)
{
    memset(cp, 0, sizeof(*cp));
    cp->type = cm_strdup(type);
    cp->boundary_ms = boundary_ms;
}

static void clear_seen(struct rc_mm_checkpoint *cp)
{
    size_t i;

    for (i = 0; i < cp->n_seen; i++)
        free(cp->seen[i]);
    cp->n_seen = 0;
}

void rc_mm_cp_release(struct rc_mm_checkpoint *cp)
{
    clear_seen(cp);
    free(cp->seen);
    free(cp->type);
    free(cp->output);
    memset(cp, 0, sizeof(*cp));
}

static void push_seen(struct rc_mm_checkpoint *cp, const char *key)
{
    if (cp->n_seen == cp->cap) {
        cp->cap = cp->cap ? cp->cap * 2 : 16;
        cp->seen = cm_realloc(cp->seen, cp->cap * sizeof(*cp->seen));
    }
    cp->seen[cp->n_seen++] = cm_strdup(key);
}

void rc_mm_cp_advance(struct rc_mm_checkpoint *cp, int64_t ts, const char *key)
{
    if (ts < cp->boundary_ms)
        return; /* covered already (out-of-order records are reported by the caller) */
    if (ts > cp->boundary_ms) {
        clear_seen(cp);
        cp->boundary_ms = ts;
    }
    push_seen(cp, key);
}

void rc_mm_cp_set_output(struct rc_mm_checkpoint *cp, const char *path, int64_t offset)
{
    if (path != cp->output) {
        free(cp->output);
        cp->output = cm_strdup(path);
    }
    cp->output_offset = offset;
}

int rc_mm_cp_load(const char *path, struct rc_mm_checkpoint *cp, struct cm_err *err)
{
    struct cm_err jerr = {{0}};
    const cJSON *v, *it;
    cJSON *doc;
    char *text = NULL;
    size_t len = 0;
    int rc;

    rc = cm_read_file(path, CM_JSON_FILE_MAX, &text, &len);
    if (rc == CM_ENOENT)
        return CM_ENOENT;
    if (rc)
        return cm_fail(err, CM_EINVAL, "cannot read the checkpoint '%s': %s", path,
                       cm_strerror(rc));
    doc = cm_json_parse(text, len, path, &jerr);
    free(text);
    if (doc == NULL)
        return cm_fail(err, CM_EINVAL,
                       "the checkpoint is damaged: %s; restore it from a backup, or delete it to "
                       "start again from --since",
                       jerr.msg);
    rc = CM_EINVAL;
    if (cm_json_num(doc, "version", 0) != 1) {
        cm_fail(err, rc, "the checkpoint '%s' is not of version 1", path);
        goto out;
    }
    v = cJSON_GetObjectItemCaseSensitive(doc, "type");
    it = cJSON_GetObjectItemCaseSensitive(doc, "boundary_ms");
    if (!cJSON_IsString(v) || !cJSON_IsNumber(it)) {
        cm_fail(err, rc, "the checkpoint '%s' has no \"type\" or \"boundary_ms\"", path);
        goto out;
    }
    rc_mm_cp_init(cp, v->valuestring, (int64_t)it->valuedouble);
    v = cJSON_GetObjectItemCaseSensitive(doc, "seen");
    cJSON_ArrayForEach(it, v)
    {
        if (cJSON_IsString(it))
            push_seen(cp, it->valuestring);
    }
    v = cJSON_GetObjectItemCaseSensitive(doc, "output");
    if (cJSON_IsString(v))
        rc_mm_cp_set_output(cp, v->valuestring, (int64_t)cm_json_num(doc, "output_offset", 0));
    rc = 0;
out:
    cJSON_Delete(doc);
    return rc;
}

char *rc_mm_cp_text(const struct rc_mm_checkpoint *cp, int64_t now_ms)
{
    cJSON *doc = cJSON_CreateObject(), *seen = cJSON_CreateArray();
    char when[40], *text, *line;
    size_t i;

    cJSON_AddNumberToObject(doc, "version", 1);
    cJSON_AddStringToObject(doc, "type", cp->type);
    cm_time_format(cp->boundary_ms, when, sizeof(when));
    cJSON_AddStringToObject(doc, "boundary", when);
    cJSON_AddNumberToObject(doc, "boundary_ms", (double)cp->boundary_ms);
    for (i = 0; i < cp->n_seen; i++)
        cJSON_AddItemToArray(seen, cJSON_CreateString(cp->seen[i]));
    cJSON_AddItemToObject(doc, "seen", seen);
    if (cp->output) {
        cJSON_AddStringToObject(doc, "output", cp->output);
        cJSON_AddNumberToObject(doc, "output_offset", (double)cp->output_offset);
    }
    cm_time_format(now_ms, when, sizeof(when));
    cJSON_AddStringToObject(doc, "updated", when);
    text = cm_json_print(doc);
    line = cm_asprintf("%s\n", text);
    free(text);
    cJSON_Delete(doc);
    return line;
}

int rc_mm_cp_write(const char *path, const char *text, struct cm_err *err)
{
    int rc = cm_write_file_atomic(path, text, strlen(text));

    if (rc)
        cm_fail(err, rc, "cannot write the checkpoint '%s': %s", path, cm_strerror(rc));
    return rc;
}

int rc_mm_cp_save(const char *path, const struct rc_mm_checkpoint *cp, int64_t now_ms,
                  struct cm_err *err)
{
    char *text = rc_mm_cp_text(cp, now_ms);
    int rc = rc_mm_cp_write(path, text, err);

    free(text);
    return rc;
}

/* Adopts one line of the output if it is an alert of our type. */
static int adopt_line(struct rc_mm_checkpoint *cp, const char *line, size_t len)
{
    cJSON *doc = cm_json_parse(line, len, "alert", NULL);
    const char *type = cm_json_str(doc, "logType", ""), *key = cm_json_str(doc, "eventKey", "");
    int64_t ts;
    int taken = 0;

    if (doc && strcmp(type, cp->type) == 0 && key[0] &&
        rc_mm_time_parse(cm_json_str(doc, "eventTime", ""), &ts) == 0) {
        rc_mm_cp_advance(cp, ts, key);
        taken = 1;
    }
    cJSON_Delete(doc);
    return taken;
}

int rc_mm_cp_recover(struct rc_mm_checkpoint *cp, const char *output, size_t *adopted,
                     struct cm_err *err)
{
    struct stat st;
    char *buf = NULL;
    size_t len, i, start = 0;
    ssize_t got;
    int fd = -1, rc = 0;

    *adopted = 0;
    if (output == NULL || cp->output == NULL || strcmp(output, cp->output) != 0)
        return 0;
    if (stat(output, &st) != 0) {
        if (cp->output_offset > 0)
            cm_warn("the alerts file '%s' is gone; the checkpoint still holds", output);
        cp->output_offset = 0;
        return 0;
    }
    if ((int64_t)st.st_size < cp->output_offset) {
        cm_warn("the alerts file '%s' is shorter than when the checkpoint was written (rotated?); "
                "nothing to recover",
                output);
        cp->output_offset = (int64_t)st.st_size;
        return 0;
    }
    if ((int64_t)st.st_size == cp->output_offset)
        return 0;
    len = (size_t)((int64_t)st.st_size - cp->output_offset);
    if (len > RECOVER_MAX)
        return cm_fail(err, CM_ETOOBIG,
                       "the alerts file '%s' holds %zu bytes past its checkpoint, more than can "
                       "be checked; move it aside to start a new file",
                       output, len);
    fd = open(output, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return cm_fail(err, CM_EIO, "cannot open '%s' to check it: %s", output, strerror(errno));
    buf = cm_malloc(len + 1);
    got = pread(fd, buf, len, (off_t)cp->output_offset);
    if (got < 0 || (size_t)got != len) {
        rc = cm_fail(err, CM_EIO, "cannot read '%s': %s", output,
                     got < 0 ? strerror(errno) : "short read");
        goto out;
    }
    for (i = 0; i < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (i > start)
            *adopted += (size_t)adopt_line(cp, buf + start, i - start);
        start = i + 1;
    }
    if (start < len) {
        cm_warn("'%s' ends with a cut line (%zu bytes) from an interrupted run; removing it",
                output, len - start);
        if (ftruncate(fd, (off_t)(cp->output_offset + (int64_t)start)) != 0 || fsync(fd) != 0) {
            rc = cm_fail(err, CM_EIO, "cannot cut the partial line off '%s': %s", output,
                         strerror(errno));
            goto out;
        }
    }
    cp->output_offset += (int64_t)start;
out:
    free(buf);
    close(fd);
    return rc;
}

void rc_mm_dedup_init(struct rc_mm_dedup *d, const struct rc_mm_checkpoint *cp)
{
    size_t i;

    d->start_ms = cp->boundary_ms;
    d->n = cp->n_seen;
    d->keys = cm_calloc(d->n + 1, sizeof(*d->keys));
    for (i = 0; i < d->n; i++)
        d->keys[i] = cm_strdup(cp->seen[i]);
}

void rc_mm_dedup_release(struct rc_mm_dedup *d)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        free(d->keys[i]);
    free(d->keys);
    memset(d, 0, sizeof(*d));
}

enum rc_mm_seen rc_mm_dedup_check(struct rc_mm_dedup *d, int64_t ts, const char *key)
{
    size_t i;

    if (ts < d->start_ms)
        return RC_MM_SEEN_BEFORE;
    if (ts > d->start_ms)
        return RC_MM_SEEN_NEW;
    for (i = 0; i < d->n; i++) {
        if (strcmp(d->keys[i], key) == 0) {
            free(d->keys[i]);
            d->keys[i] = d->keys[--d->n];
            return RC_MM_SEEN_DUP;
        }
    }
    return RC_MM_SEEN_NEW;
}
