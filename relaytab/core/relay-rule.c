/* relay-rule.c - the one relay rule (see relay-rule.h). */
#include "relay-rule.h"

#include "mapkeys.h"
#include "table.h"

bool rt_relay_grant(const struct rt_relay_rule *rule,
		    const struct rt_addr *login, struct rt_addr *net_r,
		    unsigned *bits_r)
{
	unsigned bits;

	if (rt_addr_is_v4(login))
		bits = 32;
	else if (rule->ipv6_prefix >= 16 && rule->ipv6_prefix <= 64)
		bits = rule->ipv6_prefix;
	else
		bits = 128;
	if (bits < 128 && !rt_addr_is_v4(login) &&
	    !rt_postfix_prefix_exact(login, bits))
		return false;
	rt_addr_mask(login, bits, net_r);
	*bits_r = bits;
	return !rt_netlist_overlaps(rule->exclude, net_r, bits);
}

bool rt_relay_record_users_ok(const struct rt_relay_rule *rule,
			      const struct rt_record *rec, uint32_t now)
{
	return rule->max_users == 0 ||
	       rt_relay_users_ok(rule, rt_record_users(rec, now, rule->grace));
}

bool rt_relay_allows(const struct rt_relay_rule *rule,
		     const struct rt_relay_login *logins, size_t n,
		     const struct rt_addr *client, uint32_t now)
{
	struct rt_addr net;
	unsigned bits;

	for (size_t i = 0; i < n; i++) {
		if (rt_live_at(logins[i].last_seen, rule->grace, now) &&
		    rt_relay_users_ok(rule, logins[i].users) &&
		    rt_relay_grant(rule, &logins[i].ip, &net, &bits) &&
		    rt_addr_in_net(client, &net, bits))
			return true;
	}
	return false;
}
