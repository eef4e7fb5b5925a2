/*
 * launcher.h: starting secmock's own children (`client` steps, each
 * scenario's `serve`) without exec, from a copy of the harness made before any
 * worker thread exists. See launcher.c for how and why.
 *
 * Lifecycle: hx_launcher_new() while the process has one thread (it forks);
 * NULL when it cannot start, and then everything is exec'd as before.
 * hx_launcher_free() ends it (NULL is a no-op) once no child is being started.
 * hx_launcher_for() may be called from any thread: it returns the cm_launcher
 * to put in cm_spawn_opts for this argv and environment, or NULL when they
 * must be exec'd (not secmock's client or serve, a start-up variable differs,
 * too big, or the launcher broke). The result is borrowed from l.
 */
#ifndef HX_LAUNCHER_H
#define HX_LAUNCHER_H

#include "common/spawn.h"

struct hx_launcher;

/* The function a child runs in place of exec: secmock's main, called with argv as an exec would. */
typedef int (*hx_main_fn)(int argc, char **argv);

/* self: the secmock binary children name as argv[0] (borrowed, copied); main_fn: its main. */
struct hx_launcher *hx_launcher_new(const char *self, hx_main_fn main_fn);
void hx_launcher_free(struct hx_launcher *l);
const struct cm_launcher *hx_launcher_for(struct hx_launcher *l, const char *const *argv,
                                          const char *const *env);

#endif
