/*
 * ctr_query.h: what `secmock client ctr investigate` makes of the text a
 * user types in Threat Response's Investigate box.
 *
 * The CTR tech note's syntax ([tn215556], "Vérification"): an observable is
 * written type:"value" (or type:'value', as in its screenshot
 * `email_subject:'test test'`), for example
 *
 *     ip:"4.2.2.2"   domain:"cisco.com"   email:"noreply@cisco.com"
 *     email_subject:"Invoice Due"   cisco_mid:"12345"   sha256:"<64 hex>"
 *     email_messageid:"123-abc-456@cisco.com"   file_name:"invoice.pdf"
 *
 * A value without spaces may go unquoted (ip:4.2.2.2). Several terms may
 * follow each other. Anything that is not a typed term (bare values such as
 * 1.1.1.1 or free text) is kept, in order, as the content the client sends to
 * POST /iroh/iroh-inspect/inspect, which finds the observables in it.
 *
 * Wrong syntax is found here, before anything is sent, and described in the
 * tech note's terms (it is the first cause its troubleshooting gives for
 * "the investigation shows no ESA data"): a quoted value after a word that is
 * not an observable type (subject:"x", with the type it most likely meant),
 * a quote left open, an empty value, a value that cannot be of its type
 * (ip:"4.2.2", sha256:"abc", cisco_mid:"x").
 *
 * Pure: no I/O. struct rc_ctr_query is caller storage; rc_ctr_query_release()
 * frees what rc_ctr_query_parse() put in it.
 */
#ifndef RC_CTR_QUERY_H
#define RC_CTR_QUERY_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "common/buf.h"

/* One observable; both strings owned by the query. */
struct rc_ctr_obs {
    char *type;
    char *value;
};

struct rc_ctr_query {
    struct rc_ctr_obs *obs; /* the typed terms, in order, without duplicates */
    size_t n;
    char *text; /* the untyped rest for inspect, words separated by one space; NULL when none */
};

/*
 * Parses q. 0 on success (at least one typed term or some text). CM_EINVAL on wrong syntax
 * or an empty query, with msg (appended) saying what is wrong and how to write it.
 */
int rc_ctr_query_parse(const char *q, struct rc_ctr_query *out, struct cm_buf *msg);
void rc_ctr_query_release(struct rc_ctr_query *q);

/* Adds type/value unless already there (copies). */
void rc_ctr_query_add(struct rc_ctr_query *q, const char *type, const char *value);

/* The observables as the IROH array [{"type", "value"}]; caller frees with cJSON_Delete(). */
cJSON *rc_ctr_query_json(const struct rc_ctr_query *q);

/* 1 when type is a CTIM observable type the client knows (ip, domain, email_subject, ...). */
int rc_ctr_type_known(const char *type);
/* The display name of a type ("Cisco message ID" for cisco_mid), or type itself. Static or
 * borrowed. */
const char *rc_ctr_type_title(const char *type);

/* The tech note's examples, one per line, indented by two spaces, no final newline. */
extern const char rc_ctr_syntax_help[];

#endif
