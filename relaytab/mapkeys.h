/* mapkeys.h - the key strings each MTA looks a client address up by.
 *
 * Postfix check_client_access looks up the client address as glibc prints
 * it (IPv4 dotted, IPv6 RFC 5952), then the same text cut back at its last
 * '.' or ':' again and again. Sendmail looks up ${client_addr}: IPv4 dotted,
 * IPv6 as "IPv6:" plus eight uncompressed groups. Keys are always lowercase
 * and never carry a trailing NUL. See ../shared/notes/mta-maps.md sections
 * 1-2 and 6. */
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

/* Postfix keys that match every address of addr's IPv6 /bits prefix and
 * nothing outside it (bits 16..64; see mta-maps.md section 2.3). Writes up
 * to RT_PREFIX_KEYS_MAX keys into keys[] and returns how many, or returns
 * -1 (errno EDOM) if Postfix's cut-at-':' lookups cannot express that prefix
 * exactly - the caller then emits the host key and warns. IPv4 addresses
 * return -1 with errno EAFNOSUPPORT (callers use the host key). */
#define RT_PREFIX_KEYS_MAX 256
int rt_keys_postfix_prefix(const struct rt_addr *addr, unsigned bits,
			   char keys[][RT_KEY_MAX], size_t max_keys);

#endif
