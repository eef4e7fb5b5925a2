/*
 * fsutil.h: whole-file reads and crash-safe writes.
 */
#ifndef CM_FSUTIL_H
#define CM_FSUTIL_H

#include <stddef.h>

/* Reads path into a new NUL-terminated buffer (caller frees with free()).
 * CM_ENOENT when missing, CM_ETOOBIG past max bytes, CM_EIO otherwise. */
int cm_read_file(const char *path, size_t max, char **out, size_t *len);
/* Writes len bytes to path atomically: a temporary file in the same folder,
 * fsync, rename, fsync of the folder. Readers see the old or the new file. */
int cm_write_file_atomic(const char *path, const void *data, size_t len);
/* The same without the fsyncs, for a file that matters only while its writer
 * runs (a ready file, a throwaway CA): readers still see the old or the new
 * file, but it may not survive a crash of the machine. Each fsync on a disk is
 * a wait of its own, a millisecond or more of a mock's start. */
int cm_write_file_replace(const char *path, const void *data, size_t len);
/* Creates path and its parents (mode 0755); an existing folder is fine. */
int cm_mkdir_p(const char *path);

#endif
