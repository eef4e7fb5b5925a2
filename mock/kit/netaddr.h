/*
 * netaddr.h: address-range checks for allowlists (Mimecast admin IP ranges,
 * the demo service). Works on the peer address the connection really came
 * from (DESIGN.md: allowlists judge the real peer address).
 */
#ifndef MK_NETADDR_H
#define MK_NETADDR_H

/* 1 when addr (IPv4 or IPv6 text) lies in range: "10.0.0.0/8", "2001:db8::/32",
 * or a single address; 0 when not; CM_EINVAL when range or addr is malformed. */
int mk_cidr_match(const char *range, const char *addr);
/* 0 when range is a valid address or CIDR block, else CM_EINVAL. */
int mk_cidr_valid(const char *range);

#endif
