/*
 * check.h: the report of a configuration check (`secmock client <integration>
 * check`): one finding per item of a vendor's setup guide, each OK, WARN
 * (works, with a remark) or FAIL, saying what was found and the console path
 * that fixes it in the guide's terms. Shared by the checks so that they print
 * and exit alike:
 *
 *   text   one line per finding, "FAIL  permission.url   what; fix: path",
 *          then "N OK, N WARN, N FAIL: exit C"
 *   JSON   {"ok", "exit", "counts": {"ok", "warn", "fail"},
 *           "findings": [{"id", "status", "what", "fix"}]}
 *
 * The exit code is the code of the first FAIL (the first thing to fix; each
 * finding carries the code of its integration's table), 0 when there is
 * none; strict counts WARNs too.
 *
 * Ownership: the report is caller storage (zero it before the first add);
 * ids are static strings; the JSON form is the caller's (cJSON_Delete()).
 */
#ifndef RC_CHECK_H
#define RC_CHECK_H

#include <cjson/cJSON.h>
#include <stdio.h>

enum rc_check_level { RC_CHECK_OK, RC_CHECK_WARN, RC_CHECK_FAIL };

struct rc_check_finding {
    const char *id; /* static */
    enum rc_check_level level;
    int code; /* the exit code it stands for when not OK */
    char what[1536];
    char fix[512]; /* the console path that fixes it; "" when OK */
};

#define RC_CHECK_MAX 48

struct rc_check_report {
    int n; /* findings beyond RC_CHECK_MAX are dropped */
    struct rc_check_finding f[RC_CHECK_MAX];
};

/* Adds a finding; fix may be NULL (and is ignored on an OK). */
void rc_check_add(struct rc_check_report *r, const char *id, enum rc_check_level level, int code,
                  const char *fix, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* "OK", "WARN", "FAIL". */
const char *rc_check_level_name(enum rc_check_level l);
/* The finding with this id, or NULL. */
const struct rc_check_finding *rc_check_find(const struct rc_check_report *r, const char *id);
/* The code of the first FAIL (or, strict, of the first WARN too); 0 when none. */
int rc_check_exit(const struct rc_check_report *r, int strict);
/* The text form. */
void rc_check_print(FILE *out, const struct rc_check_report *r, int exit_code);
/* The JSON form. Caller frees. */
cJSON *rc_check_json(const struct rc_check_report *r, int exit_code);

struct rc_ctx;
/* Ends a check command: the exit code (strict from the option "check.strict"), the report
 * printed as text on stdout, or as JSON on the command's output with "check.json". Returns
 * the exit code. */
int rc_check_finish(struct rc_ctx *ctx, const struct rc_check_report *r);

#endif
