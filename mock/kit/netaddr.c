/*
 * netaddr.c: CIDR parsing and matching with inet_pton.
 */
#include "mock/kit/netaddr.h"

#include "common/error.h"
#include "common/mem.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

struct parsed {
    int family;
    unsigned char bytes[16];
    int prefix;
};

static int parse(const char *text, int allow_prefix, struct parsed *p)
{
    char buf[64];
    char *slash, *end;
    long prefix = -1;

    if (strlen(text) >= sizeof(buf))
        return CM_EINVAL;
    cm_strlcpy(buf, text, sizeof(buf));
    slash = strchr(buf, '/');
    if (slash) {
        if (!allow_prefix || slash[1] == '\0')
            return CM_EINVAL;
        *slash = '\0';
        prefix = strtol(slash + 1, &end, 10);
        if (*end != '\0')
            return CM_EINVAL;
    }
    if (inet_pton(AF_INET, buf, p->bytes) == 1) {
        p->family = AF_INET;
        p->prefix = prefix < 0 ? 32 : (int)prefix;
        return p->prefix <= 32 ? 0 : CM_EINVAL;
    }
    if (inet_pton(AF_INET6, buf, p->bytes) == 1) {
        p->family = AF_INET6;
        p->prefix = prefix < 0 ? 128 : (int)prefix;
        return p->prefix <= 128 ? 0 : CM_EINVAL;
    }
    return CM_EINVAL;
}

int mk_cidr_valid(const char *range)
{
    struct parsed p;

    return parse(range, 1, &p);
}

int mk_cidr_match(const char *range, const char *addr)
{
    struct parsed r, a;
    int bits, i;

    if (parse(range, 1, &r) || parse(addr, 0, &a))
        return CM_EINVAL;
    if (r.family != a.family) {
        /* an IPv4-mapped IPv6 peer (::ffff:a.b.c.d) against an IPv4 range */
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (r.family == AF_INET && a.family == AF_INET6 && memcmp(a.bytes, mapped, 12) == 0) {
            memmove(a.bytes, a.bytes + 12, 4);
            a.family = AF_INET;
        } else {
            return 0;
        }
    }
    bits = r.prefix;
    for (i = 0; bits > 0; i++, bits -= 8) {
        unsigned char mask = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));
        if ((r.bytes[i] & mask) != (a.bytes[i] & mask))
            return 0;
    }
    return 1;
}
