/*
 * statecheck.h: checking the members of a service's state document.
 *
 * A service's load() reads a document a person wrote (a state file, an admin
 * PUT) and writes its normalised copy. These helpers check one member each and
 * copy it, with its default when absent, into out. Each returns 0, or
 * CM_EINVAL with err naming the path ("accounts[0].name: required") and what
 * was expected, so every service words its refusals alike.
 */
#ifndef MK_STATECHECK_H
#define MK_STATECHECK_H

#include <cjson/cJSON.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* The default of a member that must be given. */
#define MK_SC_REQUIRED NAN

/* obj is an object whose members are all in keys (NULL-terminated). */
int mk_sc_keys(const cJSON *obj, const char *where, const char *const *keys, struct cm_err *err);
/* A string of at most max characters, empty only when empty_ok; dflt NULL = required. */
int mk_sc_str(const cJSON *in, const char *key, const char *where, size_t max, int empty_ok,
              const char *dflt, cJSON *out, struct cm_err *err);
/* true or false. */
int mk_sc_bool(const cJSON *in, const char *key, const char *where, int dflt, cJSON *out,
               struct cm_err *err);
/* An integer from lo to hi; dflt MK_SC_REQUIRED = required. */
int mk_sc_int(const cJSON *in, const char *key, const char *where, double lo, double hi,
              double dflt, cJSON *out, struct cm_err *err);
/* A time, RFC 3339 or integer milliseconds, into *ms; *present tells whether it was given
 * (*ms is left alone otherwise). Nothing is written to a document. */
int mk_sc_time(const cJSON *in, const char *key, const char *where, int64_t *ms, int *present,
               struct cm_err *err);

#endif
