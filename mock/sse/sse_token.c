/*
 * sse_token.c: the rules of a portal registration token: the expiry choices
 * the portal offers and why a token can or cannot register one more device
 * at a given virtual time.
 *
 * A token's state object is {"devices": n, "used": n, "expiry": "1h",
 * "created": time, "expires": time, "revoked": bool} (normalized by
 * sse_state_load(), so the members are present and typed here).
 */
#include "mock/sse/sse.h"

#include "common/json.h"
#include "common/mem.h"
#include "common/timeutil.h"

#include <string.h>

/* [tn215556] step 5: 1h, 2h, 4h, 6h, 8h, 12h, 01 .. 05 days. */
static const struct {
    const char *label;
    int64_t ms;
} expiries[] = {
    {"1h", 3600000LL},   {"2h", 7200000LL},   {"4h", 14400000LL},  {"6h", 21600000LL},
    {"8h", 28800000LL},  {"12h", 43200000LL}, {"1d", 86400000LL},  {"2d", 172800000LL},
    {"3d", 259200000LL}, {"4d", 345600000LL}, {"5d", 432000000LL},
};

int sse_expiry_parse(const char *s, int64_t *ms, char *label, size_t label_size)
{
    int64_t v;
    size_t i;

    if (s == NULL || strlen(s) > 16 || cm_duration_parse(s, &v) != 0)
        return CM_EINVAL;
    /* a bare number is milliseconds for cm_duration_parse: not a portal choice */
    if (s[strspn(s, "0123456789")] == '\0')
        return CM_EINVAL;
    for (i = 0; i < sizeof(expiries) / sizeof(expiries[0]); i++) {
        if (expiries[i].ms == v) {
            *ms = v;
            cm_strlcpy(label, expiries[i].label, label_size);
            return 0;
        }
    }
    return CM_EINVAL;
}

const char *sse_token_refusal(const cJSON *tok, int64_t now_ms)
{
    int64_t expires = 0;

    if (cm_json_bool(tok, "revoked", 0))
        return "registration_token_revoked";
    if (sse_time_get(tok, "expires", &expires) != 0 || now_ms >= expires)
        return "registration_token_expired";
    if (cm_json_num(tok, "used", 0) >= cm_json_num(tok, "devices", 1))
        return "registration_token_used_up";
    return NULL;
}

const char *sse_token_status(const cJSON *tok, int64_t now_ms)
{
    const char *why = sse_token_refusal(tok, now_ms);

    if (why == NULL)
        return "active";
    if (strcmp(why, "registration_token_revoked") == 0)
        return "revoked";
    if (strcmp(why, "registration_token_expired") == 0)
        return "expired";
    return "used_up";
}
