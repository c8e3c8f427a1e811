/* test-decide.c - unit tests of the plugin's decision: listed and
 * never-recorded services, autocreated users, anonymous logins, missing,
 * unspecified, link-local and loopback IPs (with and without
 * allow_loopback), excluded networks, master users; and the verdict names. */
#include <stddef.h>
#include <string.h>

#include "relaytab-decide.h"
#include "tap.h"

/* login flags */
#define L_AUTOCREATED	0x1
#define L_MASTER	0x2
#define L_ANONYMOUS	0x4
/* policy flags */
#define P_MASTER_USERS	0x1
#define P_LOOPBACK	0x2
#define P_LIST_ALL	0x4	/* services = ALL_SERVICES below */

#define DEFAULT_SERVICES "imap pop3"
#define ALL_SERVICES \
	"imap pop3 submission lmtp lda doveadm dsync indexer indexer-worker"
#define EXCLUDE "10.0.0.0/8, [2001:db8:ff::]/48, 127.0.0.128/25"

struct decide_case {
	const char *name;
	const char *service;
	const char *ip;		/* NULL: no remote IP */
	unsigned int login;	/* L_* */
	unsigned int policy;	/* P_* */
	enum relaytab_verdict want;
};

static const struct decide_case cases[] = {
	/* genuine logins */
	{ "imap login", "imap", "192.0.2.1", 0, 0, RELAYTAB_RECORD },
	{ "pop3 login", "pop3", "192.0.2.1", 0, 0, RELAYTAB_RECORD },
	{ "ipv6 login", "imap", "2001:db8::5", 0, 0, RELAYTAB_RECORD },
	/* services */
	{ "lmtp delivery", "lmtp", "127.0.0.3", 0, 0, RELAYTAB_SKIP_NEVER_SERVICE },
	{ "lda delivery", "lda", NULL, L_AUTOCREATED, 0, RELAYTAB_SKIP_NEVER_SERVICE },
	{ "doveadm", "doveadm", NULL, 0, 0, RELAYTAB_SKIP_NEVER_SERVICE },
	{ "indexer", "indexer-worker", NULL, 0, 0, RELAYTAB_SKIP_NEVER_SERVICE },
	{ "submission not listed", "submission", "192.0.2.1", 0, 0, RELAYTAB_SKIP_SERVICE },
	{ "service prefix is not a match", "ima", "192.0.2.1", 0, 0, RELAYTAB_SKIP_SERVICE },
	{ "empty service", "", "192.0.2.1", 0, 0, RELAYTAB_SKIP_SERVICE },
	{ "no service", NULL, "192.0.2.1", 0, 0, RELAYTAB_SKIP_SERVICE },
	{ "lmtp listed: still never recorded", "lmtp", "192.0.2.1", 0, P_LIST_ALL, RELAYTAB_SKIP_NEVER_SERVICE },
	{ "lda listed: still never recorded", "lda", "192.0.2.1", 0, P_LIST_ALL, RELAYTAB_SKIP_NEVER_SERVICE },
	{ "doveadm listed: still never recorded", "doveadm", "192.0.2.1", 0, P_LIST_ALL, RELAYTAB_SKIP_NEVER_SERVICE },
	{ "dsync listed: still never recorded", "dsync", "192.0.2.1", 0, P_LIST_ALL, RELAYTAB_SKIP_NEVER_SERVICE },
	{ "indexer listed: still never recorded", "indexer", "192.0.2.1", 0, P_LIST_ALL, RELAYTAB_SKIP_NEVER_SERVICE },
	{ "indexer-worker listed: still never recorded", "indexer-worker", "192.0.2.1", 0, P_LIST_ALL, RELAYTAB_SKIP_NEVER_SERVICE },
	{ "submission listed: recorded", "submission", "192.0.2.1", 0, P_LIST_ALL, RELAYTAB_RECORD },
	{ "lmtp as a prefix of a listed name is no never-service", "lmtpx", "192.0.2.1", 0, 0, RELAYTAB_SKIP_SERVICE },
	/* users */
	{ "autocreated user", "imap", "192.0.2.1", L_AUTOCREATED, 0, RELAYTAB_SKIP_AUTOCREATED },
	{ "anonymous login", "imap", "192.0.2.1", L_ANONYMOUS, 0, RELAYTAB_SKIP_ANONYMOUS },
	{ "anonymous pop3 login", "pop3", "2001:db8::5", L_ANONYMOUS, 0, RELAYTAB_SKIP_ANONYMOUS },
	{ "anonymous, whatever the policy allows", "imap", "127.0.0.1", L_ANONYMOUS,
	  P_MASTER_USERS | P_LOOPBACK | P_LIST_ALL, RELAYTAB_SKIP_ANONYMOUS },
	{ "master user, default", "imap", "192.0.2.1", L_MASTER, 0, RELAYTAB_SKIP_MASTER },
	{ "master user, allowed", "imap", "192.0.2.1", L_MASTER, P_MASTER_USERS, RELAYTAB_RECORD },
	/* addresses */
	{ "no remote IP (PREAUTH)", "imap", NULL, 0, 0, RELAYTAB_SKIP_NO_IP },
	{ "unspecified 0.0.0.0", "imap", "0.0.0.0", 0, 0, RELAYTAB_SKIP_UNSPECIFIED },
	{ "0.255.255.255 (this network, 0/8)", "imap", "0.255.255.255", 0, 0, RELAYTAB_SKIP_UNSPECIFIED },
	{ "unspecified ::", "imap", "::", 0, 0, RELAYTAB_SKIP_UNSPECIFIED },
	{ "unspecified ::ffff:0.0.0.0", "imap", "::ffff:0.0.0.0", 0, 0, RELAYTAB_SKIP_UNSPECIFIED },
	{ "unspecified, loopback allowed", "imap", "::", 0, P_LOOPBACK, RELAYTAB_SKIP_UNSPECIFIED },
	{ "1.0.0.0 is just outside 0/8", "imap", "1.0.0.0", 0, 0, RELAYTAB_RECORD },
	{ "link-local fe80::1", "imap", "fe80::1", 0, 0, RELAYTAB_SKIP_LINK_LOCAL },
	{ "link-local febf:ffff::1 (end of fe80::/10)", "imap", "febf:ffff::1", 0, 0, RELAYTAB_SKIP_LINK_LOCAL },
	{ "fec0::1 is outside fe80::/10", "imap", "fec0::1", 0, 0, RELAYTAB_RECORD },
	{ "fe7f::1 is outside fe80::/10", "imap", "fe7f::1", 0, 0, RELAYTAB_RECORD },
	{ "link-local 169.254.0.1", "imap", "169.254.0.1", 0, 0, RELAYTAB_SKIP_LINK_LOCAL },
	{ "link-local 169.254.255.255", "pop3", "169.254.255.255", 0, 0, RELAYTAB_SKIP_LINK_LOCAL },
	{ "link-local ::ffff:169.254.1.1", "imap", "::ffff:169.254.1.1", 0, 0, RELAYTAB_SKIP_LINK_LOCAL },
	{ "link-local, loopback allowed", "imap", "fe80::1", 0, P_LOOPBACK, RELAYTAB_SKIP_LINK_LOCAL },
	{ "169.253.255.255 is outside 169.254/16", "imap", "169.253.255.255", 0, 0, RELAYTAB_RECORD },
	{ "169.255.0.0 is outside 169.254/16", "imap", "169.255.0.0", 0, 0, RELAYTAB_RECORD },
	{ "loopback 127.0.0.1, default", "imap", "127.0.0.1", 0, 0, RELAYTAB_SKIP_LOOPBACK },
	{ "loopback 127.255.255.254, default", "pop3", "127.255.255.254", 0, 0, RELAYTAB_SKIP_LOOPBACK },
	{ "loopback ::1, default", "imap", "::1", 0, 0, RELAYTAB_SKIP_LOOPBACK },
	{ "loopback ::ffff:127.0.0.1, default", "imap", "::ffff:127.0.0.1", 0, 0, RELAYTAB_SKIP_LOOPBACK },
	{ "loopback master user, master users allowed", "imap", "127.0.0.2", L_MASTER, P_MASTER_USERS, RELAYTAB_SKIP_LOOPBACK },
	{ "loopback 127.0.0.1, allowed", "imap", "127.0.0.1", 0, P_LOOPBACK, RELAYTAB_RECORD },
	{ "loopback ::1, allowed", "imap", "::1", 0, P_LOOPBACK, RELAYTAB_RECORD },
	{ "loopback ::ffff:127.0.0.1, allowed", "imap", "::ffff:127.0.0.1", 0, P_LOOPBACK, RELAYTAB_RECORD },
	{ "loopback allowed, but excluded", "imap", "127.0.0.200", 0, P_LOOPBACK, RELAYTAB_SKIP_EXCLUDED },
	{ "126.255.255.255 is outside 127/8", "imap", "126.255.255.255", 0, 0, RELAYTAB_RECORD },
	{ "128.0.0.1 is outside 127/8", "imap", "128.0.0.1", 0, 0, RELAYTAB_RECORD },
	{ "::2 is not loopback", "imap", "::2", 0, 0, RELAYTAB_RECORD },
	{ "excluded v4 net", "imap", "10.1.2.3", 0, 0, RELAYTAB_SKIP_EXCLUDED },
	{ "excluded v6 net", "imap", "2001:db8:ff::1", 0, 0, RELAYTAB_SKIP_EXCLUDED },
	{ "v4-mapped excluded", "imap", "::ffff:10.9.9.9", 0, 0, RELAYTAB_SKIP_EXCLUDED },
	{ "just outside excluded", "imap", "11.0.0.1", 0, 0, RELAYTAB_RECORD },
};

static void test_case(const struct decide_case *c, const struct rt_netlist *nets)
{
	struct rt_addr a;
	struct relaytab_policy p = {
		.services = (c->policy & P_LIST_ALL) != 0 ?
			ALL_SERVICES : DEFAULT_SERVICES,
		.exclude = nets,
		.master_users = (c->policy & P_MASTER_USERS) != 0,
		.allow_loopback = (c->policy & P_LOOPBACK) != 0,
	};
	struct relaytab_login l = {
		.service = c->service,
		.autocreated = (c->login & L_AUTOCREATED) != 0,
		.master_login = (c->login & L_MASTER) != 0,
		.anonymous = (c->login & L_ANONYMOUS) != 0,
	};

	if (c->ip != NULL) {
		if (rt_addr_parse(c->ip, &a) != 0)
			tap_bail("bad address %s", c->ip);
		l.ip = &a;
	}
	tap_is_str(relaytab_verdict_name(relaytab_decide(&p, &l)),
		   relaytab_verdict_name(c->want), "%s", c->name);
}

/* Every verdict has its own name, so the debug log tells them apart. */
static void test_verdict_names(void)
{
	const char *names[RELAYTAB_SKIP_LOOPBACK + 1];
	int dups = 0, unnamed = 0;

	for (int v = RELAYTAB_RECORD; v <= RELAYTAB_SKIP_LOOPBACK; v++) {
		names[v] = relaytab_verdict_name((enum relaytab_verdict)v);
		if (strcmp(names[v], "?") == 0)
			unnamed++;
		for (int w = RELAYTAB_RECORD; w < v; w++) {
			if (strcmp(names[v], names[w]) == 0)
				dups++;
		}
	}
	tap_is_int(unnamed, 0, "every verdict has a name");
	tap_is_int(dups, 0, "no two verdicts share a name");
	tap_is_str(relaytab_verdict_name(RELAYTAB_SKIP_ANONYMOUS), "anonymous login",
		   "the anonymous verdict's name");
}

int main(void)
{
	struct rt_netlist *nets;
	struct rt_err err;

	if (rt_netlist_parse(EXCLUDE, &nets, &err) != 0)
		tap_bail("netlist: %s", err.msg);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		test_case(&cases[i], nets);
	tap_ok(relaytab_service_listed("imap, pop3", "pop3"), "comma-separated list");
	tap_ok(!relaytab_service_listed("imap pop3", "pop"), "no partial match");
	test_verdict_names();
	rt_netlist_free(&nets);
	return tap_done();
}
