/* relaytab-decide.c - which logins are recorded (see relaytab-decide.h).
 * Deliveries (lmtp, lda), doveadm and the indexer are never recorded: they
 * are not in the service list, whatever the configuration loads. */
#include "relaytab-decide.h"

#include <string.h>

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

enum relaytab_verdict relaytab_decide(const struct relaytab_policy *policy,
				      const struct relaytab_login *login)
{
	if (login->service == NULL ||
	    !relaytab_service_listed(policy->services, login->service))
		return RELAYTAB_SKIP_SERVICE;
	if (login->autocreated)
		return RELAYTAB_SKIP_AUTOCREATED;
	if (login->ip == NULL)
		return RELAYTAB_SKIP_NO_IP;
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
	}
	return "?";
}
