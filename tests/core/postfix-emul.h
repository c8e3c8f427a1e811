/* postfix-emul.h - an emulation of Postfix's check_client_access address
 * lookups (smtpd_check.c check_addr_access), for the map key tests: the
 * client text as glibc inet_ntop() prints it (IPv4-mapped clients as IPv4),
 * looked up whole, then cut at its last ':' (IPv6) or '.' (IPv4) again and
 * again, every piece looked up; the first hit wins. */
#ifndef RELAYTAB_POSTFIX_EMUL_H
#define RELAYTAB_POSTFIX_EMUL_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "mapkeys.h"

#define PF_MAX_LOOKUPS 16

/* The lookup keys Postfix tries for client, in order, into tried[];
 * returns how many. */
size_t pf_lookup_keys(const struct rt_addr *client,
		      char tried[PF_MAX_LOOKUPS][RT_KEY_MAX]);

/* True if Postfix would find client in a map holding exactly keys[0..n). */
bool pf_matches(const struct rt_addr *client, const char (*keys)[RT_KEY_MAX],
		size_t n);

#endif
