/*
 * explain.h: `secmock run --explain NAME`, a scenario's story in plain words.
 *
 * hx_explain() reads a loaded scenario (harness/scenario.h) and writes what
 * it sets up (services, their TLS, the key facts of each starting state, the
 * clock, the source address, extra environment) and then every step in
 * order: clock moves as human durations with the virtual time they reach,
 * faults armed, state changes, console actions, requests, client and command
 * runs, journal and file checks, each with what is expected of it. It is
 * derived from the file alone; nothing is started.
 *
 * hx_close_names() picks, for an unknown name, the loaded scenarios whose
 * names share the most words with it, for the "did you mean" list.
 *
 * Ownership: the scenario and the names are borrowed; hx_explain()'s text
 * is the caller's to free().
 */
#ifndef HX_EXPLAIN_H
#define HX_EXPLAIN_H

#include <stddef.h>

#include "harness/scenario.h"

/* The story, several lines ending in '\n'. Caller frees. */
char *hx_explain(const struct hx_scenario *sc);

/* Writes into out (room for max) the names of all closest to name, best first: those that
 * contain it or share words with it (split at '/', '-', '_' and '.'). Returns how many. */
size_t hx_close_names(const char *name, struct hx_scenario *const *all, size_t n, const char **out,
                      size_t max);

/* "10 minutes", "1 hour 30 minutes", "250 milliseconds" into out. */
void hx_human_duration(int64_t ms, char *out, size_t size);

#endif
