/* test-decide.c - unit tests of the plugin's decision: service, autocreated
 * users, missing IP, excluded networks, master users. */
#include <stddef.h>

#include "relaytab-decide.h"
#include "tap.h"

struct decide_case {
	const char *name;
	const char *service;
	int autocreated;
	const char *ip;		/* NULL: no remote IP */
	int master;
	int master_users;
	enum relaytab_verdict want;
};

static const struct decide_case cases[] = {
	{ "imap login", "imap", 0, "192.0.2.1", 0, 0, RELAYTAB_RECORD },
	{ "pop3 login", "pop3", 0, "192.0.2.1", 0, 0, RELAYTAB_RECORD },
	{ "ipv6 login", "imap", 0, "2001:db8::5", 0, 0, RELAYTAB_RECORD },
	{ "lmtp delivery", "lmtp", 0, "127.0.0.3", 0, 0, RELAYTAB_SKIP_SERVICE },
	{ "lda delivery", "lda", 1, NULL, 0, 0, RELAYTAB_SKIP_SERVICE },
	{ "doveadm", "doveadm", 0, NULL, 0, 0, RELAYTAB_SKIP_SERVICE },
	{ "indexer", "indexer-worker", 0, NULL, 0, 0, RELAYTAB_SKIP_SERVICE },
	{ "submission not listed", "submission", 0, "192.0.2.1", 0, 0, RELAYTAB_SKIP_SERVICE },
	{ "service prefix is not a match", "ima", 0, "192.0.2.1", 0, 0, RELAYTAB_SKIP_SERVICE },
	{ "empty service", "", 0, "192.0.2.1", 0, 0, RELAYTAB_SKIP_SERVICE },
	{ "autocreated user", "imap", 1, "192.0.2.1", 0, 0, RELAYTAB_SKIP_AUTOCREATED },
	{ "no remote IP (PREAUTH)", "imap", 0, NULL, 0, 0, RELAYTAB_SKIP_NO_IP },
	{ "excluded v4 net", "imap", 0, "10.1.2.3", 0, 0, RELAYTAB_SKIP_EXCLUDED },
	{ "excluded v6 net", "imap", 0, "2001:db8:ff::1", 0, 0, RELAYTAB_SKIP_EXCLUDED },
	{ "v4-mapped excluded", "imap", 0, "::ffff:10.9.9.9", 0, 0, RELAYTAB_SKIP_EXCLUDED },
	{ "just outside excluded", "imap", 0, "11.0.0.1", 0, 0, RELAYTAB_RECORD },
	{ "master user, default", "imap", 0, "192.0.2.1", 1, 0, RELAYTAB_SKIP_MASTER },
	{ "master user, allowed", "imap", 0, "192.0.2.1", 1, 1, RELAYTAB_RECORD },
};

int main(void)
{
	struct rt_netlist *nets;
	struct rt_err err;

	if (rt_netlist_parse("10.0.0.0/8, [2001:db8:ff::]/48", &nets, &err) != 0)
		tap_bail("netlist: %s", err.msg);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct decide_case *c = &cases[i];
		struct rt_addr a;
		struct relaytab_policy p = { "imap pop3", nets, c->master_users };
		struct relaytab_login l = { c->service, c->autocreated, NULL, c->master };

		if (c->ip != NULL) {
			if (rt_addr_parse(c->ip, &a) != 0)
				tap_bail("bad address %s", c->ip);
			l.ip = &a;
		}
		tap_is_str(relaytab_verdict_name(relaytab_decide(&p, &l)),
			   relaytab_verdict_name(c->want), "%s", c->name);
	}
	tap_ok(relaytab_service_listed("imap, pop3", "pop3"), "comma-separated list");
	tap_ok(!relaytab_service_listed("imap pop3", "pop"), "no partial match");
	rt_netlist_free(&nets);
	return tap_done();
}
