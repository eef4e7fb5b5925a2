/*
 * dl.c: see dl.h.
 */
#include "common/dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "dlsym's answers fit the members");

int cm_dl_open(const char *lib, const char *package, const struct cm_dl_sym *syms, size_t n,
               char *msg, size_t size)
{
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL), *fn;
    size_t i, j;

    if (h == NULL) {
        snprintf(msg, size, "cannot load %s (%s): %s", lib, package, dlerror());
        return -1;
    }
    for (i = 0; i < n; i++) {
        fn = dlsym(h, syms[i].name);
        if (fn == NULL) {
            snprintf(msg, size, "%s has no %s", lib, syms[i].name);
            for (j = 0; j < i; j++)
                memset(syms[j].member, 0, sizeof(fn));
            dlclose(h);
            return -1;
        }
        /* Object to function pointer through memcpy: ISO C has no cast between them. */
        memcpy(syms[i].member, &fn, sizeof(fn));
    }
    return 0;
}
