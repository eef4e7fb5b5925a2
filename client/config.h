/*
 * config.h: the client's options, from flags, the environment and a JSON
 * file, with one precedence: flags > environment > file > defaults.
 *
 * Each command declares its options as tables of struct rc_opt (the common
 * table in client.h plus its own). An option has a key, which is also its
 * dotted path in the config file ("http.retries" is {"http": {"retries": 3}}),
 * and optionally a flag, a short alias, an environment variable and a default.
 * rc_config_parse() reads argv against the tables and loads the file named by
 * the "config" option (--config or SECMOCK_CLIENT_CONFIG) when there is one.
 *
 * The typed getters find the value by precedence and convert it; a value of
 * the wrong shape is an error naming where it came from, so the user knows
 * what to fix:
 *
 *     --page-size: expected a positive integer, got 'ten'
 *     SECMOCK_RETRIES: expected a non-negative integer, got '-1'
 *     client.json: mimecast.base_url: expected a string
 *
 * Getters return 0, CM_ENOENT when the option is set nowhere and has no
 * default, or CM_EINVAL with err filled. Strings they return are borrowed
 * from the config (or the environment) and live until rc_config_release().
 *
 * Lifecycle: rc_config_init() on caller storage, rc_config_release(). The
 * tables are borrowed and must outlive the config (they are static data).
 */
#ifndef RC_CONFIG_H
#define RC_CONFIG_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/error.h"

enum rc_opt_type {
    RC_OPT_STRING,
    RC_OPT_INT,      /* a decimal integer; range checked by the getter */
    RC_OPT_BOOL,     /* a flag without a value; env/file: 1/0, true/false, yes/no, on/off */
    RC_OPT_DURATION, /* "250ms", "30s", "1h30m" or integer milliseconds (cm_duration_parse) */
    RC_OPT_LIST,     /* a flag that may be repeated; in the file, an array of strings */
};

/* One option. Tables end with an entry whose key is NULL. All strings static. */
struct rc_opt {
    const char *key;   /* the getters' name and the dotted path in the config file */
    const char *flag;  /* "--retries", or NULL for no flag */
    const char *alias; /* "-v", or NULL */
    const char *env;   /* "SECMOCK_RETRIES", or NULL */
    enum rc_opt_type type;
    const char *dflt;    /* the default, written as on the command line; NULL for none */
    const char *metavar; /* "N", "FILE" in the help */
    const char *help;
};

/* One flag as given; value owned. */
struct rc_flag_value {
    const struct rc_opt *opt;
    char *value;
};

/*
 * struct rc_config: everything parsed. Callers read args/n_args (positional
 * arguments, borrowed from argv) and help; the rest is private to config.c.
 */
struct rc_config {
    const struct rc_opt *const *tables; /* NULL-terminated; borrowed */
    struct rc_flag_value *flags;        /* in the order given */
    size_t n_flags;
    char **args; /* positional arguments, pointers into argv */
    size_t n_args;
    int help;        /* --help or -h was given */
    cJSON *file;     /* the config file's object, or NULL */
    char *file_name; /* as given, for messages; owned */
};

void rc_config_init(struct rc_config *c);
void rc_config_release(struct rc_config *c);

/*
 * Parses argv[0..argc) (the options and operands after the command's name)
 * against tables, a NULL-terminated array of option tables. "--name value",
 * "--name=value" and "-a value" are accepted; "--" ends the options. Then
 * loads the config file if the "config" option is set. CM_EINVAL (unknown
 * option, missing value) or the file's error, with err filled.
 */
int rc_config_parse(struct rc_config *c, const struct rc_opt *const *tables, int argc, char **argv,
                    struct cm_err *err);

int rc_config_string(const struct rc_config *c, const char *key, const char **out,
                     struct cm_err *err);
/* The value must lie in [min, max]. */
int rc_config_int(const struct rc_config *c, const char *key, long long min, long long max,
                  long long *out, struct cm_err *err);
int rc_config_bool(const struct rc_config *c, const char *key, int *out, struct cm_err *err);
int rc_config_duration(const struct rc_config *c, const char *key, int64_t *ms, struct cm_err *err);
/* Every value of a repeated flag, else the file's array. *out is a new array of borrowed
 * strings (caller frees the array with free()); *n may be 0 (then *out is NULL). */
int rc_config_list(const struct rc_config *c, const char *key, const char ***out, size_t *n,
                   struct cm_err *err);

/* Writes where key's value comes from into buf ("--retries", "SECMOCK_RETRIES",
 * "client.json: http.retries", "the default of http.retries"), for a flow's own checks of a
 * value's meaning; the key itself when it is set nowhere. Returns buf. */
const char *rc_config_where(const struct rc_config *c, const char *key, char *buf, size_t size);

/* Writes the options of a table for --help: flag, alias, metavar, help, env and default. */
void rc_config_usage(FILE *out, const struct rc_opt *table);

#endif
