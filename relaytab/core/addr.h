/* addr.h - IP addresses and network lists: parse, format, compare, match.
 *
 * One struct holds IPv4 and IPv6 alike: 16 bytes in network order, IPv4 as
 * the IPv4-mapped form ::ffff:a.b.c.d. So "::ffff:192.0.2.1" and
 * "192.0.2.1" are the same address everywhere in relaytab, and it is always
 * formatted as IPv4. Nothing here allocates except the network list. Hostile
 * input never crashes these functions; it is refused with EINVAL. */
#ifndef RELAYTAB_ADDR_H
#define RELAYTAB_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct rt_addr {
	uint8_t b[16];
};

/* Room for any text rt_addr_format() writes, with its NUL (as
 * INET6_ADDRSTRLEN; the longest it really writes is 39 bytes plus NUL). */
#define RT_ADDR_STRLEN 46

/* Parse an address. Accepts dotted IPv4 ("192.0.2.1", exactly 4 decimal
 * parts, each 0..255, no leading zeros beyond a lone "0"), and IPv6 text as
 * in RFC 4291 section 2.2 (any case, compressed or not, embedded IPv4 tail),
 * optionally in brackets ("[2001:db8::1]") or with Sendmail's "IPv6:" prefix
 * (any case; "[IPv6:...]" too). Brackets may also enclose IPv4. No zone
 * ids, no white space, no NUL bytes, at most 63 bytes in all.
 * Returns 0, or -1 with errno EINVAL. */
int rt_addr_parse(const char *text, struct rt_addr *addr_r);

/* Like rt_addr_parse() for a byte range that need not be NUL-terminated. */
int rt_addr_parse_n(const char *text, size_t len, struct rt_addr *addr_r);

/* Format an address: IPv4 dotted, IPv6 in RFC 5952 form (lowercase, no
 * leading zeros, the longest run of two or more zero groups as "::", the
 * first one on a tie) - byte for byte the text glibc's inet_ntop() and so
 * Postfix print. Like glibc, an IPv4-compatible address (six zero groups,
 * then a non-zero seventh group: ::a.b.c.d) is written with a dotted tail,
 * "::192.0.2.1". Returns buf. */
const char *rt_addr_format(const struct rt_addr *addr, char buf[RT_ADDR_STRLEN]);

/* Build from IPv4 bytes (network order) or from 16 IPv6 bytes. An
 * IPv4-mapped IPv6 address stays IPv4-mapped, i.e. becomes IPv4. */
void rt_addr_from_v4(struct rt_addr *addr_r, const uint8_t v4[4]);
void rt_addr_from_v6(struct rt_addr *addr_r, const uint8_t v6[16]);

/* True for IPv4 (IPv4-mapped) addresses. */
bool rt_addr_is_v4(const struct rt_addr *addr);

/* memcmp-style order: all IPv4 before all IPv6, then numeric. */
int rt_addr_cmp(const struct rt_addr *a, const struct rt_addr *b);

/* True if addr lies in net/bits. bits counts in the address's own family:
 * 0..32 for an IPv4 net, 0..128 for an IPv6 net; families never match each
 * other. */
bool rt_addr_in_net(const struct rt_addr *addr, const struct rt_addr *net,
		    unsigned bits);

/* Copy addr into net_r with every bit after the first bits (counted in the
 * address's own family, as above) cleared: its network. */
void rt_addr_mask(const struct rt_addr *addr, unsigned bits,
		  struct rt_addr *net_r);

/* A list of networks in Postfix mynetworks syntax: entries separated by
 * commas and/or white space; each "a.b.c.d", "a.b.c.d/n", "ipv6",
 * "ipv6/n", "[ipv6]" or "[ipv6]/n". A net with host bits set below its
 * prefix is refused, as Postfix does. "/file" and "type:table" entries are
 * refused with a clear reason. An empty or all-blank text is an empty list. */
struct rt_netlist;

/* Returns 0, or -1 with errno EINVAL (err says which entry and why) or
 * ENOMEM. */
int rt_netlist_parse(const char *text, struct rt_netlist **list_r,
		     struct rt_err *err);
/* True if addr is inside any net of the list (a NULL list matches nothing). */
bool rt_netlist_match(const struct rt_netlist *list, const struct rt_addr *addr);
/* True if any net of the list shares an address with net/bits (bits in
 * net's own family, as for rt_addr_in_net; host bits of net clear): one of
 * the two holds the other. */
bool rt_netlist_overlaps(const struct rt_netlist *list,
			 const struct rt_addr *net, unsigned bits);
/* Number of nets in the list. */
size_t rt_netlist_count(const struct rt_netlist *list);
/* Free the list and set *list to NULL. */
void rt_netlist_free(struct rt_netlist **list);

#endif
