/*
 * ctr_result.c: enrichment answers into sighting rows, and the search of a
 * remediation among the response actions offered.
 *
 * CTIM sightings (vendor notes 2.9) carry their email facts in three places:
 * "observables" ({type, value}), "relations" ({origin, relation, source,
 * related}) and "targets" ({type, observables}). The row takes each field
 * from the first place that has it, in that order; relations decide sender
 * (Sent_By, Sent_From) and recipient (Sent_To) when there are several
 * email addresses.
 */
#include "client/ctr_result.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const rc_ctr_table_columns[] = {"Module",   "Observed", "Description", "Confidence",
                                            "Severity", "MID",      "Sender",      "Recipient",
                                            "Subject",  NULL};

static const char *module_type(const cJSON *m)
{
    const char *t = cm_json_str(m, "module-type", NULL);

    if (t == NULL)
        t = cm_json_str(m, "module_type", NULL);
    if (t == NULL)
        t = cm_json_str(m, "type", "");
    return t;
}

/* 1 when s has "esa" at the start of a word, not followed by a lower-case letter ("ESA",
 * "esa03", "ESAModule", "esa-module"; not "essay" or "Mesa"). */
static int has_esa(const char *s)
{
    const char *p;

    for (p = s; (p = strcasestr(p, "esa")) != NULL; p++)
        if ((p == s || !isalnum((unsigned char)p[-1])) && !islower((unsigned char)p[3]))
            return 1;
    return 0;
}

static int name_is_esa(const char *s)
{
    return s && (has_esa(s) || strcasestr(s, "email security") || strcasestr(s, "secure email") ||
                 strcasestr(s, "sma email") || strcasestr(s, "email gateway"));
}

int rc_ctr_module_is_esa(const cJSON *m)
{
    return name_is_esa(module_type(m)) || name_is_esa(cm_json_str(m, "module", NULL));
}

/* The value of the first observable of this type in an array of {type, value}. */
static const char *obs_value(const cJSON *arr, const char *type)
{
    const cJSON *o;

    cJSON_ArrayForEach(o, arr)
    {
        if (strcmp(cm_json_str(o, "type", ""), type) == 0) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "value");
            if (cJSON_IsString(v))
                return v->valuestring;
        }
    }
    return NULL;
}

static const char *rel_value(const cJSON *rels, const char *type)
{
    const cJSON *r;

    cJSON_ArrayForEach(r, rels)
    {
        const cJSON *src = cJSON_GetObjectItemCaseSensitive(r, "source");
        const cJSON *rel = cJSON_GetObjectItemCaseSensitive(r, "related");
        if (strcmp(cm_json_str(src, "type", ""), type) == 0)
            return cm_json_str(src, "value", NULL);
        if (strcmp(cm_json_str(rel, "type", ""), type) == 0)
            return cm_json_str(rel, "value", NULL);
    }
    return NULL;
}

/* The email addresses of relations named like one of names ("Sent_By", "Sent_To"): whichever
 * of source/related is an email, each once, joined with ", " into b. */
static void rel_emails(const cJSON *rels, const char *const *names, struct cm_buf *b)
{
    const cJSON *r;
    const char *const *n;

    cJSON_ArrayForEach(r, rels)
    {
        const char *name = cm_json_str(r, "relation", "");
        for (n = names; *n; n++) {
            const cJSON *src, *rel;
            const char *v = NULL;
            if (strcasecmp(name, *n) != 0)
                continue;
            src = cJSON_GetObjectItemCaseSensitive(r, "source");
            rel = cJSON_GetObjectItemCaseSensitive(r, "related");
            /* "<mid> Sent_By <email>" reads source -> related; take the email side */
            if (strcmp(cm_json_str(rel, "type", ""), "email") == 0)
                v = cm_json_str(rel, "value", NULL);
            else if (strcmp(cm_json_str(src, "type", ""), "email") == 0)
                v = cm_json_str(src, "value", NULL);
            if (v == NULL || *v == '\0')
                continue;
            {
                /* skip duplicates */
                const char *have = cm_buf_str(b), *hit = strstr(have, v);
                size_t vl = strlen(v);
                int dup = 0;
                for (; hit; hit = strstr(hit + 1, v))
                    if ((hit == have || hit[-1] == ' ') && (hit[vl] == '\0' || hit[vl] == ','))
                        dup = 1;
                if (dup)
                    continue;
            }
            if (b->len)
                cm_buf_puts(b, ", ");
            cm_buf_puts(b, v);
        }
    }
}

static const char *target_email(const cJSON *targets)
{
    const cJSON *t;

    cJSON_ArrayForEach(t, targets)
    {
        const char *v = obs_value(cJSON_GetObjectItemCaseSensitive(t, "observables"), "email");
        if (v)
            return v;
    }
    return NULL;
}

static void put(cJSON *row, const char *key, const char *v)
{
    if (v && *v)
        cJSON_AddStringToObject(row, key, v);
}

static cJSON *sighting_row(const cJSON *m, const cJSON *doc)
{
    static const char *const by[] = {"Sent_By", "Sent_From", NULL};
    static const char *const to[] = {"Sent_To", NULL};
    const cJSON *obs = cJSON_GetObjectItemCaseSensitive(doc, "observables");
    const cJSON *rels = cJSON_GetObjectItemCaseSensitive(doc, "relations");
    const cJSON *targets = cJSON_GetObjectItemCaseSensitive(doc, "targets");
    const cJSON *ot = cJSON_GetObjectItemCaseSensitive(doc, "observed_time");
    cJSON *row = cJSON_CreateObject();
    const char *mid, *subject, *msgid;
    struct cm_buf sender, recipient;

    cm_buf_init(&sender, 0);
    cm_buf_init(&recipient, 0);
    put(row, "module", cm_json_str(m, "module", ""));
    put(row, "module_type", module_type(m));
    put(row, "module_instance_id", cm_json_str(m, "module_instance_id", ""));
    put(row, "observed", cm_json_str(ot, "start_time", ""));
    put(row, "description", cm_json_str(doc, "description", ""));
    put(row, "confidence", cm_json_str(doc, "confidence", ""));
    put(row, "severity", cm_json_str(doc, "severity", ""));
    put(row, "resolution", cm_json_str(doc, "resolution", ""));
    mid = obs_value(obs, "cisco_mid");
    if (mid == NULL)
        mid = rel_value(rels, "cisco_mid");
    subject = obs_value(obs, "email_subject");
    if (subject == NULL)
        subject = rel_value(rels, "email_subject");
    msgid = obs_value(obs, "email_messageid");
    if (msgid == NULL)
        msgid = rel_value(rels, "email_messageid");
    rel_emails(rels, by, &sender);
    rel_emails(rels, to, &recipient);
    if (recipient.len == 0 && target_email(targets))
        cm_buf_puts(&recipient, target_email(targets));
    if (sender.len == 0) {
        const char *e = obs_value(obs, "email");
        if (e == NULL)
            e = rel_value(rels, "email");
        if (e && strstr(cm_buf_str(&recipient), e) == NULL)
            cm_buf_puts(&sender, e);
    }
    put(row, "cisco_mid", mid);
    put(row, "sender", cm_buf_str(&sender));
    put(row, "recipient", cm_buf_str(&recipient));
    put(row, "subject", subject);
    put(row, "message_id", msgid);
    put(row, "id", cm_json_str(doc, "id", ""));
    cm_buf_release(&sender);
    cm_buf_release(&recipient);
    return row;
}

void rc_ctr_result_read(const cJSON *answer, struct rc_ctr_result *r)
{
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(answer, "data");
    const cJSON *errs = cJSON_GetObjectItemCaseSensitive(answer, "errors");
    const cJSON *m, *e;

    memset(r, 0, sizeof(*r));
    r->sightings = cJSON_CreateArray();
    r->errors = cJSON_CreateArray();
    if (cJSON_IsArray(data))
        cJSON_ArrayForEach(m, data)
        {
            const cJSON *sd = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(m, "data"), "sightings");
            const cJSON *docs = cJSON_GetObjectItemCaseSensitive(sd, "docs");
            const cJSON *doc;
            int esa = rc_ctr_module_is_esa(m);

            r->modules++;
            if (esa) {
                r->esa_modules++;
                if (r->esa_name == NULL)
                    r->esa_name = cm_json_str(m, "module", NULL);
            }
            if (cJSON_IsArray(docs))
                cJSON_ArrayForEach(doc, docs)
                {
                    cJSON_AddItemToArray(r->sightings, sighting_row(m, doc));
                    if (esa)
                        r->esa_sightings++;
                }
        }
    if (cJSON_IsArray(errs))
        cJSON_ArrayForEach(e, errs)
        {
            cJSON *o = cJSON_CreateObject();
            const char *msg = cm_json_str(e, "message", cm_json_str(e, "description", ""));

            put(o, "module", cm_json_str(e, "module", cm_json_str(e, "module_name", "")));
            put(o, "code", cm_json_str(e, "code", cm_json_str(e, "error", "")));
            cJSON_AddStringToObject(o, "message", msg);
            cJSON_AddItemToArray(r->errors, o);
        }
}

void rc_ctr_result_release(struct rc_ctr_result *r)
{
    cJSON_Delete(r->sightings);
    cJSON_Delete(r->errors);
    memset(r, 0, sizeof(*r));
}

cJSON *rc_ctr_table_rows(const cJSON *sightings)
{
    static const char *const keys[] = {"module",     "observed",  "description",
                                       "confidence", "severity",  "cisco_mid",
                                       "sender",     "recipient", "subject"};
    cJSON *rows = cJSON_CreateArray();
    const cJSON *s;
    size_t i;

    cJSON_ArrayForEach(s, sightings)
    {
        cJSON *row = cJSON_CreateObject();
        for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
            const char *v = cm_json_str(s, keys[i], NULL);
            if (v)
                cJSON_AddStringToObject(row, rc_ctr_table_columns[i], v);
        }
        cJSON_AddItemToArray(rows, row);
    }
    return rows;
}

int rc_ctr_remedy_parse(const char *s, enum rc_ctr_remedy *out)
{
    char w[32];
    size_t i, n = 0;

    if (s == NULL)
        return -1;
    for (i = 0; s[i] && n + 1 < sizeof(w); i++)
        if (isalnum((unsigned char)s[i]))
            w[n++] = (char)tolower((unsigned char)s[i]);
    w[n] = '\0';
    if (s[i])
        return -1;
    if (strcmp(w, "delete") == 0)
        *out = RC_CTR_DELETE;
    else if (strcmp(w, "forward") == 0)
        *out = RC_CTR_FORWARD;
    else if (strcmp(w, "forwarddelete") == 0 || strcmp(w, "forwardanddelete") == 0)
        *out = RC_CTR_FORWARD_DELETE;
    else
        return -1;
    return 0;
}

const char *rc_ctr_remedy_title(enum rc_ctr_remedy r)
{
    switch (r) {
    case RC_CTR_DELETE:
        return "Delete";
    case RC_CTR_FORWARD:
        return "Forward";
    case RC_CTR_FORWARD_DELETE:
        return "Forward and Delete";
    }
    return "?";
}

/* Which remediation an action is, from its id, else its title; -1 for none. */
static int action_kind(const cJSON *a)
{
    const char *fields[2];
    int i;

    fields[0] = cm_json_str(a, "id", "");
    fields[1] = cm_json_str(a, "title", "");
    for (i = 0; i < 2; i++) {
        int del = strcasestr(fields[i], "delete") != NULL;
        int fwd = strcasestr(fields[i], "forward") != NULL;
        if (del && fwd)
            return RC_CTR_FORWARD_DELETE;
        if (fwd)
            return RC_CTR_FORWARD;
        if (del)
            return RC_CTR_DELETE;
    }
    return -1;
}

const cJSON *rc_ctr_find_action(const cJSON *answer, enum rc_ctr_remedy r, const char *module,
                                char **offered)
{
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(answer, "data");
    const cJSON *a, *found = NULL;
    int found_esa = 0;
    struct cm_buf b;

    if (!cJSON_IsArray(data) && cJSON_IsArray(answer))
        data = answer;
    cm_buf_init(&b, 0);
    if (cJSON_IsArray(data))
        cJSON_ArrayForEach(a, data)
        {
            int esa = rc_ctr_module_is_esa(a);
            const char *title = cm_json_str(a, "title", cm_json_str(a, "id", ""));

            if (module && strcmp(cm_json_str(a, "module", ""), module) != 0 &&
                strcmp(cm_json_str(a, "module_instance_id", ""), module) != 0)
                continue;
            if (b.len)
                cm_buf_puts(&b, ", ");
            cm_buf_printf(&b, "'%s' (%s)", title, cm_json_str(a, "module", "?"));
            if (action_kind(a) != (int)r)
                continue;
            if (found == NULL || (esa && !found_esa)) {
                found = a;
                found_esa = esa;
            }
        }
    if (found == NULL && offered)
        *offered = cm_buf_steal(&b, NULL);
    cm_buf_release(&b);
    return found;
}
