/* test-socketmap.c - unit tests of the live-lookup pieces: netstring
 * decoding/encoding (every malformed form), socketmap replies (names, key
 * spellings, TEMP without a table), and rt_lookup_live (grace boundary,
 * exclude list, the IPv6 prefix index and its rebuild on a new insert). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lookup.h"
#include "netstring.h"
#include "socketmap.h"
#include "tap.h"

struct ns_case {
	const char *name, *in;
	int want;		/* 1, 0, -1 */
	int err;		/* errno when -1 */
	const char *payload;	/* when 1 */
	size_t used;		/* when 1 */
};

static const struct ns_case ns_cases[] = {
	{ "simple", "5:hello,", 1, 0, "hello", 8 },
	{ "empty payload", "0:,", 1, 0, "", 3 },
	{ "followed by more", "1:a,2:bc,", 1, 0, "a", 4 },
	{ "nothing yet", "", 0, 0, NULL, 0 },
	{ "digits only", "12", 0, 0, NULL, 0 },
	{ "partial payload", "5:hel", 0, 0, NULL, 0 },
	{ "no comma yet", "5:hello", 0, 0, NULL, 0 },
	{ "wrong terminator", "5:hello;", -1, EINVAL, NULL, 0 },
	{ "no colon", "5-hello,", -1, EINVAL, NULL, 0 },
	{ "no length", ":hello,", -1, EINVAL, NULL, 0 },
	{ "leading zero", "05:hello,", -1, EINVAL, NULL, 0 },
	{ "sign", "+5:hello,", -1, EINVAL, NULL, 0 },
	{ "too long for max", "2000:", -1, EMSGSIZE, NULL, 0 },
	{ "huge length", "99999999999999999999:", -1, EMSGSIZE, NULL, 0 },
	{ "space", " 5:hello,", -1, EINVAL, NULL, 0 },
};

static void test_netstring(void)
{
	char out[32];

	for (size_t i = 0; i < sizeof(ns_cases) / sizeof(ns_cases[0]); i++) {
		const struct ns_case *c = &ns_cases[i];
		const char *p = NULL;
		size_t plen = 0, used = 0;
		int r;

		errno = 0;
		r = rt_netstring_decode(c->in, strlen(c->in), 1024, &p, &plen, &used);
		tap_is_int(r, c->want, "netstring %s: result", c->name);
		if (c->want == -1)
			tap_is_int(errno, c->err, "netstring %s: errno", c->name);
		if (c->want == 1) {
			tap_ok(plen == strlen(c->payload) && memcmp(p, c->payload, plen) == 0,
			       "netstring %s: payload \"%.*s\", want \"%s\"", c->name,
			       (int)plen, p, c->payload);
			tap_is_int((long long)used, (long long)c->used, "netstring %s: used", c->name);
		}
	}
	tap_is_int((long long)rt_netstring_encode(out, sizeof(out), "OK OK", 5), 8, "encode length");
	tap_ok(memcmp(out, "5:OK OK,", 8) == 0, "encode bytes");
	tap_is_int((long long)rt_netstring_encode(out, 8, "OK OK!", 6), 0, "encode refuses a short buffer");
}

static char dir[] = "/tmp/rt-test-socketmap.XXXXXX";
static char path[256];

static struct rt_addr ip(const char *s)
{
	struct rt_addr a;

	if (rt_addr_parse(s, &a) != 0)
		tap_bail("bad test address %s", s);
	return a;
}

static const char *answer(const struct rt_socketmap *sm, struct rt_table *t,
			  const char *req, uint32_t now)
{
	static char buf[RT_SOCKETMAP_REPLY_MAX + 1];
	size_t n = rt_socketmap_answer(sm, t, "table gone", req, strlen(req), now, buf);

	buf[n] = '\0';
	return buf;
}

static void test_socketmap(struct rt_table *t, uint32_t now)
{
	struct rt_lookup lk;
	struct rt_socketmap sm = { "relay, relaytab", "OK", &lk };
	struct {
		const char *req, *want;
	} cases[] = {
		{ "relay 192.0.2.1", "OK OK" },
		{ "relaytab 192.0.2.1", "OK OK" },
		{ "relay [192.0.2.1]", "OK OK" },
		{ "relay 192.0.2.2", "NOTFOUND " },
		{ "relay 2001:db8:1:2::5", "OK OK" },
		{ "relay IPv6:2001:db8:1:2:0:0:0:5", "OK OK" },
		{ "relay ipv6:2001:DB8:1:2::5", "OK OK" },
		{ "relay 2001:db8:1:2::6", "NOTFOUND " },
		{ "relay ::ffff:192.0.2.1", "OK OK" },
		{ "relay unknown", "NOTFOUND " },
		{ "relay mail.example.org", "NOTFOUND " },
		{ "relay 192.0.2", "NOTFOUND " },
		{ "relay ", "NOTFOUND " },
		{ "rela 192.0.2.1", "PERM unknown map name \"rela\"" },
		{ "relayx 192.0.2.1", "PERM unknown map name \"relayx\"" },
		{ "rel\tay 192.0.2.1", "PERM unknown map name \"rel?ay\"" },
		{ "relay", "PERM malformed request (want \"NAME KEY\")" },
		{ " 192.0.2.1", "PERM malformed request (want \"NAME KEY\")" },
	};

	rt_lookup_init(&lk, &(struct rt_relay_rule){ 60, NULL, RT_IPV6_PREFIX_HOST, 0 });
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tap_is_str(answer(&sm, t, cases[i].req, now), cases[i].want,
			   "socketmap \"%s\"", cases[i].req);
	tap_is_str(answer(&sm, NULL, "relay 192.0.2.1", now), "TEMP table gone",
		   "socketmap without a table: TEMP with the reason");
	tap_is_str(answer(&sm, NULL, "relay unknown", now), "NOTFOUND ",
		   "socketmap without a table: a non-address is still NOTFOUND");
	sm.value = "PERMIT";
	tap_is_str(answer(&sm, t, "relay 192.0.2.1", now), "OK PERMIT", "the configured value");
	rt_lookup_free(&lk);
}

static void test_lookup(struct rt_table *t, uint32_t now)
{
	struct rt_lookup lk;
	struct rt_netlist *ex = NULL;
	struct rt_addr a;
	struct rt_err err;

	rt_lookup_init(&lk, &(struct rt_relay_rule){ 60, NULL, RT_IPV6_PREFIX_HOST, 0 });
	a = ip("192.0.2.1");
	tap_is_int(rt_lookup_live(&lk, t, &a, now, NULL), 1, "live at the login");
	tap_is_int(rt_lookup_live(&lk, t, &a, now + 59, NULL), 1, "live 59 s later (grace 60)");
	tap_is_int(rt_lookup_live(&lk, t, &a, now + 60, NULL), 0, "gone at last_seen + grace");
	a = ip("2001:db8:1:2::9");
	tap_is_int(rt_lookup_live(&lk, t, &a, now, NULL), 0, "another address of the /64: no without a prefix");
	lk.rule.ipv6_prefix = 64;
	tap_is_int(rt_lookup_live(&lk, t, &a, now, NULL), 1, "with prefix 64: 2001:db8:1:2::9 matches a login of ::5");
	a = ip("2001:db8:1:3::5");
	tap_is_int(rt_lookup_live(&lk, t, &a, now, NULL), 0, "with prefix 64: 2001:db8:1:3::5 does not");
	a = ip("2001:db8:1:2::9");
	tap_is_int(rt_lookup_live(&lk, t, &a, now + 60, NULL), 0, "the prefix match expires with the record");
	lk.rule.ipv6_prefix = 48;
	a = ip("2001:db8:1:3::5");
	tap_is_int(rt_lookup_live(&lk, t, &a, now, NULL), 1, "with prefix 48: 2001:db8:1:3::5 matches");
	lk.rule.ipv6_prefix = 64;
	a = ip("2001:db8:7:7::1");
	tap_is_int(rt_lookup_live(&lk, t, &a, now, NULL), 0, "2001:db8:7:7::1: no login in its /64 yet");
	uint64_t rebuilds = lk.rebuilds;
	a = ip("2001:db8:7:7::2");
	tap_is_int(rt_table_upsert(t, &a, "carol", RT_SVC_IMAP, now, RT_UPSERT_LOGIN), RT_STORED,
		   "a login from 2001:db8:7:7::2");
	a = ip("2001:db8:7:7::1");
	tap_is_int(rt_lookup_live(&lk, t, &a, now, NULL), 1, "... is seen at once by the prefix index");
	tap_ok(lk.rebuilds > rebuilds, "the new insert rebuilt the index (%llu -> %llu)",
	       (unsigned long long)rebuilds, (unsigned long long)lk.rebuilds);
	a = ip("2001:db8:7:7::2");
	tap_is_int(rt_table_delete(t, &a), 1, "delete 2001:db8:7:7::2");
	a = ip("2001:db8:7:7::1");
	tap_is_int(rt_lookup_live(&lk, t, &a, now, NULL), 0, "after the delete the stale index entry grants nothing");
	if (rt_netlist_parse("192.0.2.0/24, 2001:db8:1:2::/64", &ex, &err) != 0)
		tap_bail("netlist: %s", err.msg);
	lk.rule.exclude = ex;
	a = ip("192.0.2.1");
	tap_is_int(rt_lookup_live(&lk, t, &a, now, NULL), 0, "an excluded client is never live");
	a = ip("2001:db8:1:2::9");
	tap_is_int(rt_lookup_live(&lk, t, &a, now, NULL), 0, "nor one whose prefix match is excluded");
	rt_netlist_free(&ex);
	/* a grant is whole or nothing: one excluded address empties its /64 */
	if (rt_netlist_parse("2001:db8:1:2::77", &ex, &err) != 0)
		tap_bail("netlist: %s", err.msg);
	lk.rule.exclude = ex;
	a = ip("2001:db8:1:2::5");
	tap_is_int(rt_lookup_live(&lk, t, &a, now, NULL), 0,
		   "exclude 2001:db8:1:2::77: the login of 2001:db8:1:2::5 itself grants nothing");
	lk.rule.ipv6_prefix = RT_IPV6_PREFIX_HOST;
	tap_is_int(rt_lookup_live(&lk, t, &a, now, NULL), 1,
		   "... but with prefix 128 its grant is itself, not excluded");
	rt_netlist_free(&ex);
	rt_lookup_free(&lk);
}

int main(void)
{
	struct rt_create_opts o = { 10, 0600, (gid_t)-1, 60, true };
	struct rt_table *t;
	struct rt_err err;
	struct rt_addr a;
	uint32_t now = 1800000000;

	test_netstring();
	if (mkdtemp(dir) == NULL)
		tap_bail("mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/table", dir);
	if (rt_table_create(path, &o, &err) != 0 ||
	    rt_table_open(path, RT_OPEN_RDWR, &t, &err) != 0)
		tap_bail("table: %s", err.msg);
	a = ip("192.0.2.1");
	rt_table_upsert(t, &a, "alice", RT_SVC_IMAP, now, RT_UPSERT_LOGIN);
	a = ip("2001:db8:1:2::5");
	rt_table_upsert(t, &a, "bob", RT_SVC_IMAP, now, RT_UPSERT_LOGIN);
	test_socketmap(t, now);
	test_lookup(t, now);
	rt_table_close(&t);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
