/*
 * select.h: which scenario files to load, and which loaded scenarios to run.
 *
 * Discovery takes files as given and walks folders recursively for *.json,
 * skipping any folder named "fixtures", hidden entries and JSON Schema files
 * (*.schema.json). Selection keeps the scenarios whose name matches any
 * --filter glob (fnmatch, '*' crosses '/') and that carry any --tag, sorts
 * them by name, then keeps shard i of n: the sorted positions p with
 * p % n == i - 1, so n CI jobs split one suite without overlap.
 */
#ifndef HX_SELECT_H
#define HX_SELECT_H

#include <stddef.h>

#include "common/error.h"
#include "harness/scenario.h"

/* Fills *files (caller frees each and the array) sorted and without duplicates. */
int hx_discover(const char *const *paths, size_t npaths, char ***files, size_t *nfiles,
                struct cm_err *err);

/* "2/5" -> i = 2, n = 5; 1 <= i <= n. 0 or CM_EINVAL. */
int hx_parse_shard(const char *s, unsigned *i, unsigned *n);

struct hx_selection {
    const char *const *filters; /* any may match; none = all */
    size_t nfilters;
    const char *const *tags; /* any may be present; none = all */
    size_t ntags;
    unsigned shard_i; /* 1-based; 0 = no sharding */
    unsigned shard_n;
};

/* Does one scenario pass the filters and tags? */
int hx_selected(const struct hx_scenario *sc, const struct hx_selection *sel);
/* Writes the selected scenarios of all (borrowed pointers) into out, sorted by name then
 * file, and sharded. Returns how many. out has room for n. */
size_t hx_select(struct hx_scenario *const *all, size_t n, const struct hx_selection *sel,
                 struct hx_scenario **out);

/* The order to start the n scenarios of sel in: indices into sel, the ones that wait on purpose
 * (hx_scenario_wait_ms) first, longest wait first, then the rest as selected. Their waits then
 * overlap the other scenarios' work instead of ending a run that is otherwise done. */
void hx_start_order(struct hx_scenario *const *sel, size_t n, size_t *order);

/* How many scenarios run at once: asked (--jobs) when not 0, else one more than cpus (the
 * online CPUs; 1 when unknown, cpus <= 0); never more than the n scenarios, never 0. */
unsigned hx_jobs(unsigned asked, long cpus, size_t n);

#endif
