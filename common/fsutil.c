/*
 * fsutil.c: file helpers on plain POSIX calls.
 */
#include "common/fsutil.h"

#include "common/buf.h"
#include "common/error.h"
#include "common/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cm_read_file(const char *path, size_t max, char **out, size_t *len)
{
    struct cm_buf b;
    char chunk[65536];
    ssize_t n;
    int fd, rc = 0;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR ? CM_ENOENT : CM_EIO;
    cm_buf_init(&b, max);
    for (;;) {
        n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = CM_EIO;
            break;
        }
        if (n == 0)
            break;
        rc = cm_buf_append(&b, chunk, (size_t)n);
        if (rc)
            break;
    }
    close(fd);
    if (rc) {
        cm_buf_release(&b);
        return rc;
    }
    *out = cm_buf_steal(&b, len);
    return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return CM_EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int write_atomic(const char *path, const void *data, size_t len, int durable)
{
    char *tmp, *dircopy;
    int fd, rc;

    tmp = cm_asprintf("%s.tmp.%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        free(tmp);
        return CM_EIO;
    }
    rc = write_all(fd, data, len);
    if (rc == 0 && durable && fsync(fd) != 0)
        rc = CM_EIO;
    if (close(fd) != 0 && rc == 0)
        rc = CM_EIO;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = CM_EIO;
    if (rc) {
        unlink(tmp);
        free(tmp);
        return rc;
    }
    free(tmp);
    if (!durable)
        return 0;
    dircopy = cm_strdup(path);
    fd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dircopy);
    return 0;
}

int cm_write_file_atomic(const char *path, const void *data, size_t len)
{
    return write_atomic(path, data, len, 1);
}

int cm_write_file_replace(const char *path, const void *data, size_t len)
{
    return write_atomic(path, data, len, 0);
}

int cm_mkdir_p(const char *path)
{
    char *p = cm_strdup(path), *s;
    int rc = 0;

    for (s = p + 1; rc == 0; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST)
                rc = CM_EIO;
            *s = c;
            if (c == '\0')
                break;
        }
    }
    free(p);
    return rc;
}
