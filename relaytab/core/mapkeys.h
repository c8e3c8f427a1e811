/* mapkeys.h - the key strings each MTA looks a client address up by.
 *
 * Postfix check_client_access looks up the client address as glibc prints
 * it (IPv4 dotted, IPv6 RFC 5952), then the same text cut back at its last
 * '.' or ':' again and again. Sendmail looks up ${client_addr}: IPv4 dotted,
 * IPv6 as "IPv6:" plus eight uncompressed groups. Keys are always lowercase
 * and never carry a trailing NUL. See doc/mta-keys.md. */
#ifndef RELAYTAB_MAPKEYS_H
#define RELAYTAB_MAPKEYS_H

#include <stddef.h>

#include "addr.h"

/* Room for any key below, with its NUL (tag up to 32 bytes). */
#define RT_KEY_MAX 96

/* The Postfix host key: rt_addr_format() text. Returns its length. */
size_t rt_key_postfix(const struct rt_addr *addr, char buf[RT_KEY_MAX]);

/* The Sendmail key: tag (may be NULL or "", e.g. "pop:", lowercased) plus
 * "a.b.c.d" or "ipv6:" and eight uncompressed lowercase groups without
 * leading zeros ("ipv6:2001:db8:0:0:0:0:0:5"). Returns its length, or 0 if
 * the tag is longer than 32 bytes. */
size_t rt_key_sendmail(const struct rt_addr *addr, const char *tag,
		       char buf[RT_KEY_MAX]);

/* The Sendmail key of addr's IPv6 /bits prefix (bits 16, 32, 48 or 64):
 * tag plus "ipv6:" and the first bits/16 groups as in rt_key_sendmail()
 * ("ipv6:2001:db8:0:5" for /64), what the HACK looks up with
 * RELAYTAB_IPV6_PREFIX. Returns its length, or 0 (a tag over 32 bytes,
 * an IPv4 addr, other bits). */
size_t rt_key_sendmail_prefix(const struct rt_addr *addr, unsigned bits,
			      const char *tag, char buf[RT_KEY_MAX]);

/* True if Postfix keys can match addr's IPv6 /bits (16..64) exactly: its
 * first group is not 0, for bits 16..23 that group's text does not read as
 * an IPv4 first byte ("6", "192": Postfix cuts IPv4 clients down to it),
 * and for bits > 48 its 2nd and 3rd groups are not both 0 (see
 * doc/mta-keys.md section 2 and mapkeys.c for why). */
bool rt_postfix_prefix_exact(const struct rt_addr *addr, unsigned bits);

/* True if every /bits prefix (16..64) that is exact needs at most
 * RT_PREFIX_KEYS_MAX keys: bits a multiple of 16, or ending at least 8
 * bits into a group (/56: 256 keys, or 257). */
bool rt_postfix_prefix_bits_ok(unsigned bits);

/* Postfix keys that match every address of addr's IPv6 /bits prefix and
 * nothing outside it (bits 16..64; see doc/mta-keys.md section 2; host bits
 * of addr are ignored). Writes up to max_keys keys into keys[] and returns
 * how many (at most RT_PREFIX_KEYS_MAX). For /64, prefix g1:g2:g3:g4:
 * "g1:g2:g3:g4", plus "g1:g2:g3:" if g4 is 0, or "g1:g2:" if g3 and g4
 * are 0; shorter whole-group prefixes alike; a prefix that ends inside a
 * group gets the keys of each whole-group prefix it covers (e.g. /60: 16
 * or 17 keys). Fails with -1 and errno:
 *  EDOM  Postfix's cut-at-':' lookups cannot express the prefix exactly in
 *        at most RT_PREFIX_KEYS_MAX keys: /49../64 with groups 2 and 3 both
 *        0, a first group of 0 (::/16, not global unicast), or more than
 *        RT_PREFIX_KEYS_MAX keys (e.g. a /56 whose 4th group starts 00).
 *        The caller then emits the host key and warns.
 *  EAFNOSUPPORT  addr is IPv4 (callers use the host key).
 *  EINVAL  bits outside 16..64.
 *  ENOSPC  more keys needed than max_keys. */
#define RT_PREFIX_KEYS_MAX 257
int rt_keys_postfix_prefix(const struct rt_addr *addr, unsigned bits,
			   char keys[][RT_KEY_MAX], size_t max_keys);

/* A grant network as a CIDR key, for maps searched by network rather than
 * by string (Exim's iplsearch, OpenSMTPD's netaddr tables): IPv4 "a.b.c.d",
 * IPv6 "net/bits" ("2001:db8:1:2::/64"), or with bits 128 the address
 * alone. Exact for every prefix. Returns its length. */
size_t rt_key_cidr(const struct rt_addr *net, unsigned bits, char buf[RT_KEY_MAX]);

/* tcpserver (ucspi-tcp 0.88; IPv6 in the ucspi-tcp-ipv6 build) looks up
 * its rules cdb by TCPREMOTEIP - IPv4 dotted, IPv6 as tcpserver -6 writes
 * it: lowercase groups without leading zeros, the longest run of ONE or
 * more 0 groups (the first of equal runs) as "::" - then by that text cut
 * after each '.' or ':', longest first, then "". The first found wins.
 * The client's key (TCPREMOTEIP). Returns its length. */
size_t rt_key_tcpserver(const struct rt_addr *addr, char buf[RT_KEY_MAX]);
/* The one tcprules key that matches every address of addr's /bits and
 * nothing else: for IPv4 (bits 32) or bits 128, the host key, unless it
 * ends in ':' (an address ending in a 0 group: "2001:db8::" is also cut
 * from "2001:db8::5"); for IPv6 bits 16, 32, 48 or 64, the prefix's groups
 * each followed by ':' ("2001:db8:1:2:"), unless one of them is 0 (then
 * where the "::" falls depends on the host bits: no key is exact). Returns
 * its length, or 0 if no key is exact (the login is not written). */
size_t rt_key_tcpserver_net(const struct rt_addr *addr, unsigned bits,
			    char buf[RT_KEY_MAX]);

#endif
