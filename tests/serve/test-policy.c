/* test-policy.c - the policy protocol without sockets: requests whole, cut
 * anywhere, pipelined; bad and oversized attribute lists; the answers
 * from a real table. */
#include "policy.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/rt-policy-XXXXXX";
static char path[300];
#define NOW 1800000000u

/* Feed text in pieces of step bytes (0: at once); returns the result of
 * the feed that ended or failed, and the bytes consumed in all. */
static int feed(const char *text, size_t len, size_t step,
		struct rt_policy_query *q, size_t *total)
{
	struct rt_policy_req r;
	size_t off = 0;

	memset(&r, 0, sizeof(r));
	*total = 0;
	while (off < len) {
		size_t n = step == 0 || len - off < step ? len - off : step;
		size_t used = SIZE_MAX;	/* must be set on every outcome */
		int res = rt_policy_feed(&r, text + off, n, &used, q);

		if (used > n)
			tap_bail("rt_policy_feed used %zu of %zu bytes (returned %d)", used, n, res);
		off += used;
		*total = off;
		if (res != 0)
			return res;
	}
	return 0;
}

struct parse_case {
	const char *name;
	const char *text;
	int want;		/* 1 valid, 0 answered DUNNO, -1 error */
	int want_errno;
};

static void test_parse(void)
{
	static char big_helo[4000], big_client[1000], many[8000], huge[70000];
	struct parse_case cases[] = {
		{ "a whole request", "request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=192.0.2.1\n\n", 1, 0 },
		{ "IPv6 client", "request=smtpd_access_policy\nclient_address=2001:db8::5\n\n", 1, 0 },
		{ "no client_address", "request=smtpd_access_policy\nsender=a@b\n\n", 0, 0 },
		{ "no request", "client_address=192.0.2.1\n\n", 0, 0 },
		{ "another request type", "request=junk\nclient_address=192.0.2.1\n\n", 0, 0 },
		{ "two client_address", "request=smtpd_access_policy\nclient_address=192.0.2.9\nclient_address=192.0.2.1\n\n", 0, 0 },
		{ "two requests", "request=smtpd_access_policy\nrequest=smtpd_access_policy\nclient_address=192.0.2.1\n\n", 0, 0 },
		{ "client_address not an address", "request=smtpd_access_policy\nclient_address=unknown\n\n", 0, 0 },
		{ "client_address with CR", "request=smtpd_access_policy\nclient_address=192.0.2.1\r\n\n", 0, 0 },
		{ "empty value", "request=smtpd_access_policy\nclient_address=\n\n", 0, 0 },
		{ "an overlong attribute is skipped", big_helo, 1, 0 },
		{ "an overlong client_address", big_client, 0, 0 },
		{ "a line without '='", "request=smtpd_access_policy\ngarbage\n\n", -1, EINVAL },
		{ "a NUL byte", "request=smtpd_access_policy\nclient_address=192.0.2.1\0\n\n", -1, EINVAL },
		{ "too many lines", many, -1, EMSGSIZE },
		{ "over 64 KiB", huge, -1, EMSGSIZE },
	};
	size_t len;

	snprintf(big_helo, sizeof(big_helo), "request=smtpd_access_policy\nhelo_name=%03000d\nclient_address=192.0.2.1\n\n", 0);
	snprintf(big_client, sizeof(big_client), "request=smtpd_access_policy\nclient_address=192.0.2.1%0600d\n\n", 0);
	len = (size_t)snprintf(many, sizeof(many), "request=smtpd_access_policy\nclient_address=192.0.2.1\n");
	for (int i = 0; i < RT_POLICY_ATTRS_MAX; i++)
		len += (size_t)snprintf(many + len, sizeof(many) - len, "x=%d\n", i);
	snprintf(many + len, sizeof(many) - len, "\n");
	len = (size_t)snprintf(huge, sizeof(huge), "request=smtpd_access_policy\n");
	while (len + 1000 < sizeof(huge) - 100)	/* 69 lines of 995 bytes */
		len += (size_t)snprintf(huge + len, sizeof(huge) - len, "ccert_subject=%0980d\n", 0);
	snprintf(huge + len, sizeof(huge) - len, "\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct parse_case *c = &cases[i];
		size_t tlen = strlen(c->text) + (strstr(c->name, "NUL") ? 4 : 0);

		for (size_t step = 0; step <= 7; step += 7) {	/* whole, and 7-byte pieces */
			struct rt_policy_query q = { 0 };
			size_t used;
			int r = feed(c->text, tlen, step, &q, &used);

			if (c->want < 0)
				tap_ok(r == -1 && errno == c->want_errno,
				       "%s (%s): refused, errno %d", c->name,
				       step ? "in pieces" : "whole", c->want_errno);
			else
				tap_ok(r == 1 && used == tlen && q.valid == (c->want == 1),
				       "%s (%s): %s", c->name, step ? "in pieces" : "whole",
				       c->want == 1 ? "a valid query" : "answered DUNNO");
		}
	}
}

static void test_pipelined(void)
{
	const char two[] = "request=smtpd_access_policy\nclient_address=192.0.2.1\n\n"
			   "request=smtpd_access_policy\nclient_address=192.0.2.2\n\n";
	struct rt_policy_req r;
	struct rt_policy_query q1, q2;
	size_t used1, used2;
	struct rt_addr a;

	memset(&r, 0, sizeof(r));
	tap_is_int(rt_policy_feed(&r, two, sizeof(two) - 1, &used1, &q1), 1, "pipelined: the first request ends");
	tap_is_int(rt_policy_feed(&r, two + used1, sizeof(two) - 1 - used1, &used2, &q2), 1,
		   "... and the second");
	tap_is_int((long long)(used1 + used2), (long long)sizeof(two) - 1, "... using every byte");
	rt_addr_parse("192.0.2.2", &a);
	tap_ok(q1.valid && q2.valid && rt_addr_cmp(&q2.client, &a) == 0, "... each with its own client");
}

static void test_answers(void)
{
	struct rt_create_opts o = { 10, 0600, (gid_t)-1, 60, true };
	struct rt_relay_rule rule = { 60, NULL, 64, 0 };
	struct rt_policy_query q = { .valid = true };
	struct rt_lookup lk;
	struct rt_table *t;
	struct rt_err err;
	char reply[RT_POLICY_REPLY_MAX];
	size_t n;

	if (mkdtemp(dir) == NULL)
		tap_bail("mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/table", dir);
	if (rt_table_create(path, &o, &err) != 0 || rt_table_open(path, RT_OPEN_RDWR, &t, &err) != 0)
		tap_bail("table: %s", err.msg);
	rt_addr_parse("2001:db8:1:2::5", &q.client);
	rt_table_upsert(t, &q.client, "alice", RT_SVC_IMAP, NOW, RT_UPSERT_LOGIN);
	rt_lookup_init(&lk, &rule);
	rt_addr_parse("2001:db8:1:2::9", &q.client);
	n = rt_policy_answer(&q, "OK", &lk, t, NOW, reply);
	tap_is_str((reply[n] = '\0', reply), "action=OK\n\n", "a client in a login's /64: action=OK");
	n = rt_policy_answer(&q, "PERMIT relayed for a recent login", &lk, t, NOW, reply);
	tap_is_str(reply, "action=PERMIT relayed for a recent login\n\n", "the configured action");
	n = rt_policy_answer(&q, "OK", &lk, t, NOW + 60, reply);
	tap_is_str(reply, "action=DUNNO\n\n", "after the grace: action=DUNNO");
	rt_addr_parse("2001:db8:1:3::5", &q.client);
	n = rt_policy_answer(&q, "OK", &lk, t, NOW, reply);
	tap_is_str(reply, "action=DUNNO\n\n", "another /64: action=DUNNO");
	q.valid = false;
	rt_addr_parse("2001:db8:1:2::9", &q.client);
	n = rt_policy_answer(&q, "OK", &lk, t, NOW, reply);
	tap_is_str(reply, "action=DUNNO\n\n", "an invalid request: action=DUNNO, whatever its client");
	n = rt_policy_answer(&q, "OK", &lk, NULL, NOW, reply);
	tap_is_str(reply, "action=DUNNO\n\n", "... also without a table");
	q.valid = true;
	n = rt_policy_answer(&q, "OK", &lk, NULL, NOW, reply);
	tap_is_str(reply, "action=DEFER_IF_REJECT relaytab table unavailable\n\n",
		   "no table: DEFER_IF_REJECT (a relay attempt is deferred, other mail passes)");
	tap_ok(n == strlen(reply), "the returned length is the reply's");
	/* issue 18: max-users-per-address 1, a second user in the /64 */
	lk.rule.max_users = 1;
	rt_addr_parse("2001:db8:1:2::9", &q.client);
	n = rt_policy_answer(&q, "OK", &lk, t, NOW, reply);
	tap_is_str(reply, "action=OK\n\n", "max-users-per-address 1, one user: action=OK");
	rt_addr_parse("2001:db8:1:2::5", &q.client);
	rt_table_upsert(t, &q.client, "bob", RT_SVC_POP3, NOW, RT_UPSERT_LOGIN);
	n = rt_policy_answer(&q, "OK", &lk, t, NOW, reply);
	tap_is_str(reply, "action=DUNNO\n\n", "... bob logs in from the same address: action=DUNNO");
	lk.rule.max_users = 2;
	n = rt_policy_answer(&q, "OK", &lk, t, NOW, reply);
	tap_is_str(reply, "action=OK\n\n", "... with max-users-per-address 2: action=OK");
	rt_lookup_free(&lk);
	rt_table_close(&t);
	unlink(path);
	rmdir(dir);
	tap_ok(rt_policy_action_ok("OK") && rt_policy_action_ok("PREPEND X-Relay: yes") &&
	       !rt_policy_action_ok("") && !rt_policy_action_ok("OK\nx") &&
	       !rt_policy_action_ok("5xx") && !rt_policy_action_ok(" OK"),
	       "configured actions: printable, starting with a letter, one line");
}

int main(void)
{
	test_parse();
	test_pipelined();
	test_answers();
	return tap_done();
}
