/* relaytab-decide.h - the plugin's pure decision: is this mail user a
 * genuine client login whose IP may be recorded? No Dovecot types, so it
 * is unit-tested on its own.
 *
 * Never recorded, whatever the settings: the services in
 * RELAYTAB_NEVER_SERVICES, anonymous logins, the unspecified address
 * (0.0.0.0/8, ::) and link-local addresses (169.254.0.0/16, fe80::/10).
 * Loopback (127.0.0.0/8, ::1; ::ffff:127.x is 127.x, see addr.h) only with
 * relaytab_allow_loopback. */
#ifndef RELAYTAB_DECIDE_H
#define RELAYTAB_DECIDE_H

#include <stdbool.h>

#include "addr.h"

/* Services that are never recorded even if relaytab_services lists them:
 * deliveries, administration and background indexing are not client
 * logins (an LMTP delivery's "client" is the MTA itself). */
#define RELAYTAB_NEVER_SERVICES "lmtp lda doveadm dsync indexer indexer-worker"

struct relaytab_login {
	const char *service;		/* user->service: "imap", "lmtp", ... */
	bool autocreated;		/* raw/shared users, deliveries */
	const struct rt_addr *ip;	/* client IP, or NULL if none */
	bool master_login;		/* logged in with a master password */
	bool anonymous;			/* SASL ANONYMOUS (auth's anonymous user) */
};

struct relaytab_policy {
	const char *services;		/* space-separated, e.g. "imap pop3" */
	const struct rt_netlist *exclude; /* may be NULL */
	bool master_users;		/* record master-user logins too */
	bool allow_loopback;		/* record 127.0.0.0/8 and ::1 too */
};

enum relaytab_verdict {
	RELAYTAB_RECORD,
	RELAYTAB_SKIP_SERVICE,
	RELAYTAB_SKIP_AUTOCREATED,
	RELAYTAB_SKIP_NO_IP,
	RELAYTAB_SKIP_EXCLUDED,
	RELAYTAB_SKIP_MASTER,
	RELAYTAB_SKIP_NEVER_SERVICE,
	RELAYTAB_SKIP_ANONYMOUS,
	RELAYTAB_SKIP_UNSPECIFIED,
	RELAYTAB_SKIP_LINK_LOCAL,
	RELAYTAB_SKIP_LOOPBACK,
};

enum relaytab_verdict relaytab_decide(const struct relaytab_policy *policy,
				      const struct relaytab_login *login);
const char *relaytab_verdict_name(enum relaytab_verdict v);
/* True if service is one of the space-separated names in list. */
bool relaytab_service_listed(const char *list, const char *service);
/* True if service is in RELAYTAB_NEVER_SERVICES. */
bool relaytab_service_never(const char *service);

#endif
