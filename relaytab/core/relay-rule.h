/* relay-rule.h - the one relay rule: which clients a login lets relay.
 *
 * A live login (rt_live_at) from address L grants its grant network G(L):
 *  - IPv4: L itself (/32);
 *  - IPv6 with an ipv6-prefix of 128: L itself;
 *  - IPv6 with an ipv6-prefix N of 16..64: L's whole /N, but nothing if
 *    Postfix's cut-at-':' lookups cannot tell that /N from its neighbours
 *    (rt_postfix_prefix_exact(): a first group of 0, a /49../64 whose
 *    2nd and 3rd groups are both 0, or a /16 whose first group reads as
 *    an IPv4 first byte);
 *  - nothing, whatever the family, if any address of G(L) is in the
 *    exclude list: a grant is whole or it is nothing, so that an excluded
 *    client is never granted and an excluded login never grants;
 *  - nothing, with max-users-per-address N set, while more than N distinct
 *    users logged in (or refreshed) from L within the grace
 *    (rt_record_users(), table.h): an address shared that widely - a NAT,
 *    a proxy - grants no one.
 * Client C may relay at now iff some live login's G(L) holds C.
 *
 * Every path derives its answer from rt_relay_grant(): the compiler's keys
 * (one key set per grant network, compiler/keyset.c), serve's lookups
 * (serve/lookup.c) and the reference rt_relay_allows() below, which the
 * property test (tests/compiler/test-one-rule.c) holds them all to. */
#ifndef RELAYTAB_RELAY_RULE_H
#define RELAYTAB_RELAY_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define RT_IPV6_PREFIX_DEFAULT 64
#define RT_IPV6_PREFIX_HOST 128	/* the address only */

struct rt_relay_rule {
	uint32_t grace;				/* seconds */
	const struct rt_netlist *exclude;	/* NULL: none */
	unsigned ipv6_prefix;			/* 16..64, or 128 */
	unsigned max_users;			/* 1..RT_USERS_MAX - 1; 0: no limit */
};

/* May a live login from an address with this many users grant? (The
 * limit's half of the rule; rt_relay_grant() is the address's half.) */
static inline bool rt_relay_users_ok(const struct rt_relay_rule *rule,
				     unsigned users)
{
	return rule->max_users == 0 || users <= rule->max_users;
}

struct rt_record;
/* The limit's half for a record live at now: its users are counted
 * (rt_record_users()) only when the rule sets a limit. */
bool rt_relay_record_users_ok(const struct rt_relay_rule *rule,
			      const struct rt_record *rec, uint32_t now);

/* The grant network of a login from login under rule: returns true and
 * sets *net_r (host bits cleared) and *bits_r (in the family's own bits:
 * 32 for IPv4, 16..64 or 128 for IPv6), or false if it grants nothing.
 * Liveness is not looked at (rt_live_at() is the caller's). */
bool rt_relay_grant(const struct rt_relay_rule *rule,
		    const struct rt_addr *login, struct rt_addr *net_r,
		    unsigned *bits_r);

/* A recorded login, as the reference takes them. */
struct rt_relay_login {
	struct rt_addr ip;
	uint32_t last_seen;
	unsigned users;		/* rt_record_users() at the now asked about */
};

/* The rule itself, by brute force over n logins: may client relay at now?
 * What every faster path must agree with. */
bool rt_relay_allows(const struct rt_relay_rule *rule,
		     const struct rt_relay_login *logins, size_t n,
		     const struct rt_addr *client, uint32_t now);

#endif
