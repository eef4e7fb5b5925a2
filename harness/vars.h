/*
 * vars.h: ${...} variables in scenario strings.
 *
 * Names (docs/scenario-format.md, "Variables"):
 *   admin.url  ca_file  workdir            from the running mock and the harness
 *   <service>.url                          a service's base URL (ready file)
 *   vars.NAME  env.NAME  saved.NAME        the scenario's vars, the harness's own
 *                                          environment, values saved by earlier steps
 *   state.<service>.<dotted.path[0].x>     read from GET /state/<service> at use time
 * "$${" is a literal "${". A string that is exactly one reference to a value
 * that is not a string (a saved number, a state object) takes that value's
 * JSON type when expanded inside a JSON document.
 *
 * Two phases. At load time hx_vars_check() proves every reference names
 * something that will exist (a known service, a defined var, a set environment
 * variable, a value saved by an earlier step); at run time hx_vars_expand_*()
 * substitutes, and can then only fail on a state path that is not in the state.
 *
 * struct hx_vars is owned by one running scenario (one thread); saved and the
 * state cache are owned by it and freed by hx_vars_release().
 */
#ifndef HX_VARS_H
#define HX_VARS_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "common/error.h"

/* What is known at load time. Borrowed pointers. */
struct hx_var_scope {
    const char *const *services; /* service names, n_services of them */
    size_t n_services;
    const cJSON *vars;        /* object of strings; may be NULL */
    const char *const *saved; /* names saved by earlier steps */
    size_t n_saved;
};

/* Checks every reference in s. On error, err reads "<where>: <why>". */
int hx_vars_check(const char *s, const struct hx_var_scope *scope, const char *where,
                  struct cm_err *err);

/* Fetches a service's current state for ${state...}; returns a document the
 * callee keeps (the harness caches it for the step), or NULL with err set. */
typedef const cJSON *(*hx_state_fetch_fn)(void *ud, const char *service, struct cm_err *err);

struct hx_vars {
    const char *admin_url; /* borrowed */
    const char *ca_file;   /* borrowed; "" when none */
    const char *workdir;   /* borrowed */
    const cJSON *services; /* {"<name>": "<url>"} (borrowed, from the ready file) */
    const cJSON *vars;     /* borrowed */
    cJSON *saved;          /* owned object */
    hx_state_fetch_fn fetch_state;
    void *fetch_ud;
};

void hx_vars_init(struct hx_vars *v);
void hx_vars_release(struct hx_vars *v);
/* Stores value (copied) as saved.name. */
void hx_vars_save(struct hx_vars *v, const char *name, const cJSON *value);

/* Expands s into a new string (caller frees). where names the JSON path for errors. */
int hx_vars_expand_str(struct hx_vars *v, const char *s, const char *where, char **out,
                       struct cm_err *err);
/* Expands every string value of node (keys are kept as they are) into a new
 * document the caller frees with cJSON_Delete(). where is node's JSON path. */
int hx_vars_expand_json(struct hx_vars *v, const cJSON *node, const char *where, cJSON **out,
                        struct cm_err *err);

#endif
