/* relaytab-decide.c - which logins are recorded (see relaytab-decide.h).
 * Deliveries (lmtp, lda), doveadm, dsync and the indexer are never
 * recorded, even if relaytab_services lists them; nor anonymous logins,
 * nor the unspecified or link-local addresses; loopback only if allowed.
 * Addresses are struct rt_addr: IPv4 as ::ffff:a.b.c.d (addr.h), so one
 * IPv4 test covers both spellings. */
#include "relaytab-decide.h"

#include <string.h>

/* The 4 IPv4 bytes of addr (the tail of ::ffff:a.b.c.d), or NULL if it is
 * IPv6. */
static const uint8_t *relaytab_v4(const struct rt_addr *addr)
{
	return rt_addr_is_v4(addr) ? addr->b + 12 : NULL;
}

/* True if addr is the IPv6 address ::last (15 zero bytes, then last). */
static bool relaytab_v6_is(const struct rt_addr *addr, uint8_t last)
{
	static const uint8_t zero[15];

	return memcmp(addr->b, zero, 15) == 0 && addr->b[15] == last;
}

/* 0.0.0.0/8 ("this network", never a real source) and :: */
static bool relaytab_addr_unspecified(const struct rt_addr *addr)
{
	const uint8_t *v4 = relaytab_v4(addr);

	return v4 != NULL ? v4[0] == 0 : relaytab_v6_is(addr, 0);
}

/* 169.254.0.0/16 and fe80::/10 */
static bool relaytab_addr_link_local(const struct rt_addr *addr)
{
	const uint8_t *v4 = relaytab_v4(addr);

	if (v4 != NULL)
		return v4[0] == 169 && v4[1] == 254;
	return addr->b[0] == 0xfe && (addr->b[1] & 0xc0) == 0x80;
}

/* 127.0.0.0/8 and ::1 */
static bool relaytab_addr_loopback(const struct rt_addr *addr)
{
	const uint8_t *v4 = relaytab_v4(addr);

	return v4 != NULL ? v4[0] == 127 : relaytab_v6_is(addr, 1);
}

/* Why an address is never (or, loopback, not by default) recorded, or
 * RELAYTAB_RECORD if nothing about the address itself forbids it. */
static enum relaytab_verdict
relaytab_decide_addr(const struct relaytab_policy *policy,
		     const struct rt_addr *addr)
{
	if (relaytab_addr_unspecified(addr))
		return RELAYTAB_SKIP_UNSPECIFIED;
	if (relaytab_addr_link_local(addr))
		return RELAYTAB_SKIP_LINK_LOCAL;
	if (relaytab_addr_loopback(addr) && !policy->allow_loopback)
		return RELAYTAB_SKIP_LOOPBACK;
	return RELAYTAB_RECORD;
}

bool relaytab_service_listed(const char *list, const char *service)
{
	size_t len = strlen(service);
	const char *p = list;

	if (len == 0)
		return false;
	while (*p != '\0') {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		n = strcspn(p, " \t,");
		if (n == len && memcmp(p, service, len) == 0)
			return true;
		p += n;
	}
	return false;
}

bool relaytab_service_never(const char *service)
{
	return relaytab_service_listed(RELAYTAB_NEVER_SERVICES, service);
}

enum relaytab_verdict relaytab_decide(const struct relaytab_policy *policy,
				      const struct relaytab_login *login)
{
	enum relaytab_verdict v;

	if (login->service == NULL)
		return RELAYTAB_SKIP_SERVICE;
	/* deliveries, doveadm, the indexer: whatever the list says */
	if (relaytab_service_never(login->service))
		return RELAYTAB_SKIP_NEVER_SERVICE;
	if (!relaytab_service_listed(policy->services, login->service))
		return RELAYTAB_SKIP_SERVICE;
	if (login->autocreated)
		return RELAYTAB_SKIP_AUTOCREATED;
	/* nobody in particular: nothing to grant */
	if (login->anonymous)
		return RELAYTAB_SKIP_ANONYMOUS;
	if (login->ip == NULL)
		return RELAYTAB_SKIP_NO_IP;
	v = relaytab_decide_addr(policy, login->ip);
	if (v != RELAYTAB_RECORD)
		return v;
	if (rt_netlist_match(policy->exclude, login->ip))
		return RELAYTAB_SKIP_EXCLUDED;
	if (login->master_login && !policy->master_users)
		return RELAYTAB_SKIP_MASTER;
	return RELAYTAB_RECORD;
}

const char *relaytab_verdict_name(enum relaytab_verdict v)
{
	switch (v) {
	case RELAYTAB_RECORD: return "record";
	case RELAYTAB_SKIP_SERVICE: return "service not recorded";
	case RELAYTAB_SKIP_AUTOCREATED: return "not a login";
	case RELAYTAB_SKIP_NO_IP: return "no remote IP";
	case RELAYTAB_SKIP_EXCLUDED: return "excluded network";
	case RELAYTAB_SKIP_MASTER: return "master-user login";
	case RELAYTAB_SKIP_NEVER_SERVICE: return "service never recorded";
	case RELAYTAB_SKIP_ANONYMOUS: return "anonymous login";
	case RELAYTAB_SKIP_UNSPECIFIED: return "unspecified address";
	case RELAYTAB_SKIP_LINK_LOCAL: return "link-local address";
	case RELAYTAB_SKIP_LOOPBACK:
		return "loopback address (relaytab_allow_loopback = no)";
	}
	return "?";
}
