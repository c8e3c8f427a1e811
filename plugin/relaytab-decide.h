/* relaytab-decide.h - the plugin's pure decision: is this mail user a
 * genuine client login whose IP may be recorded? No Dovecot types, so it
 * is unit-tested on its own. */
#ifndef RELAYTAB_DECIDE_H
#define RELAYTAB_DECIDE_H

#include <stdbool.h>

#include "addr.h"

struct relaytab_login {
	const char *service;		/* user->service: "imap", "lmtp", ... */
	bool autocreated;		/* raw/shared users, deliveries */
	const struct rt_addr *ip;	/* client IP, or NULL if none */
	bool master_login;		/* logged in with a master password */
};

struct relaytab_policy {
	const char *services;		/* space-separated, e.g. "imap pop3" */
	const struct rt_netlist *exclude; /* may be NULL */
	bool master_users;		/* record master-user logins too */
};

enum relaytab_verdict {
	RELAYTAB_RECORD,
	RELAYTAB_SKIP_SERVICE,
	RELAYTAB_SKIP_AUTOCREATED,
	RELAYTAB_SKIP_NO_IP,
	RELAYTAB_SKIP_EXCLUDED,
	RELAYTAB_SKIP_MASTER,
};

enum relaytab_verdict relaytab_decide(const struct relaytab_policy *policy,
				      const struct relaytab_login *login);
const char *relaytab_verdict_name(enum relaytab_verdict v);
/* True if service is one of the space-separated names in list. */
bool relaytab_service_listed(const char *list, const char *service);

#endif
