/* test-mapkeys.c - Postfix and Sendmail keys for named corner cases, the
 * Postfix lookup emulation against every observed case of doc/mta-keys.md
 * section 4, the /64 rule against section 2, and tcpserver's spelling and
 * tcprules keys against what the real tcpserver did. */
#include "mapkeys.h"
#include "postfix-emul.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct key_case {
	const char *name, *in, *postfix, *sendmail;
};

static const struct key_case key_cases[] = {
	{ "ipv4", "192.0.2.1", "192.0.2.1", "192.0.2.1" },
	{ "ipv4 zeros", "10.0.0.0", "10.0.0.0", "10.0.0.0" },
	{ "v4-mapped", "::ffff:192.0.2.1", "192.0.2.1", "192.0.2.1" },
	{ "sendmail's example", "2001:db8:1:2::5", "2001:db8:1:2::5",
	  "ipv6:2001:db8:1:2:0:0:0:5" },
	{ "loopback", "::1", "::1", "ipv6:0:0:0:0:0:0:0:1" },
	{ "unspecified", "::", "::", "ipv6:0:0:0:0:0:0:0:0" },
	{ "leading zeros dropped", "2001:0DB8:0000:0000:0000:0000:0000:0001",
	  "2001:db8::1", "ipv6:2001:db8:0:0:0:0:0:1" },
	{ "upper case input", "2001:DB8:ABCD::EF", "2001:db8:abcd::ef",
	  "ipv6:2001:db8:abcd:0:0:0:0:ef" },
	{ "sendmail text input", "IPv6:2001:db8:0:0:0:0:0:1", "2001:db8::1",
	  "ipv6:2001:db8:0:0:0:0:0:1" },
	{ "first of two equal runs", "2001:db8:0:0:1:0:0:1",
	  "2001:db8::1:0:0:1", "ipv6:2001:db8:0:0:1:0:0:1" },
	{ "longer later run", "2001:0:0:1:0:0:0:1", "2001:0:0:1::1",
	  "ipv6:2001:0:0:1:0:0:0:1" },
	{ "single zero kept", "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1",
	  "ipv6:2001:db8:0:1:1:1:1:1" },
	{ "trailing run", "fe80::", "fe80::", "ipv6:fe80:0:0:0:0:0:0:0" },
	{ "v4-compatible", "::192.0.2.1", "::192.0.2.1",
	  "ipv6:0:0:0:0:0:0:c000:201" },
	{ "all ffff", "FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF",
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	  "ipv6:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
};

static void test_host_keys(void)
{
	for (size_t i = 0; i < sizeof(key_cases) / sizeof(key_cases[0]); i++) {
		const struct key_case *c = &key_cases[i];
		struct rt_addr a;
		char buf[RT_KEY_MAX], tagged[RT_KEY_MAX];
		size_t len;

		if (!tap_is_int(rt_addr_parse(c->in, &a), 0, "parse %s",
				c->name))
			continue;
		len = rt_key_postfix(&a, buf);
		tap_is_str(buf, c->postfix, "postfix key %s", c->name);
		tap_is_int((long long)len, (long long)strlen(c->postfix),
			   "postfix key length %s", c->name);
		len = rt_key_sendmail(&a, NULL, buf);
		tap_is_str(buf, c->sendmail, "sendmail key %s", c->name);
		tap_is_int((long long)len, (long long)strlen(c->sendmail),
			   "sendmail key length %s", c->name);
		snprintf(tagged, sizeof(tagged), "pop:%s", c->sendmail);
		rt_key_sendmail(&a, "POP:", buf);
		tap_is_str(buf, tagged, "sendmail key %s with tag POP:",
			   c->name);
		rt_key_sendmail(&a, "", buf);
		tap_is_str(buf, c->sendmail, "sendmail key %s with empty tag",
			   c->name);
	}
	{
		struct rt_addr a;
		char buf[RT_KEY_MAX];
		const char *tag32 = "abcdefghijklmnopqrstuvwxyzabcde:";

		rt_addr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &a);
		tap_is_int((long long)rt_key_sendmail(&a, tag32, buf),
			   32 + 44, "sendmail key with a 32-byte tag fits");
		tap_is_int((long long)rt_key_sendmail(&a, "x123456789012345678"
						      "90123456789012", buf),
			   0, "sendmail tag of 33 bytes refused");
	}
}

/* One observed row of doc/mta-keys.md section 4: keys in the map, clients, and
 * whether Postfix answered 250 (match) or 554. */
struct observed {
	const char *name;
	const char *keys[3];
	const char *client;
	bool match;
};

static const struct observed observed[] = {
	{ "/64 key, ::5 client", { "2001:db8:1:2" }, "2001:db8:1:2::5",
	  true },
	{ "/64 key, full client", { "2001:db8:1:2" }, "2001:db8:1:2:a:b:c:d",
	  true },
	{ "/64 key, next /64", { "2001:db8:1:2" }, "2001:db8:1:3::5", false },
	{ "host key with inner :: (false positive)", { "2001:db8::1" },
	  "2001:db8::1:5", true },
	{ "g4=0 key alone misses compressed", { "2001:db8:1:0" },
	  "2001:db8:1::5", false },
	{ "g4=0 key, full client", { "2001:db8:1:0" },
	  "2001:db8:1:0:a:b:c:d", true },
	{ "g4=0 key, run later", { "2001:db8:1:0" }, "2001:db8:1:0:5::",
	  true },
	{ "g4=0 pair, compressed", { "2001:db8:1:0", "2001:db8:1:" },
	  "2001:db8:1::5", true },
	{ "g4=0 pair, full", { "2001:db8:1:0", "2001:db8:1:" },
	  "2001:db8:1:0:a:b:c:d", true },
	{ "g4=0 pair, run later", { "2001:db8:1:0", "2001:db8:1:" },
	  "2001:db8:1:0:5::", true },
	{ "g4=0 pair, other /64", { "2001:db8:1:0", "2001:db8:1:" },
	  "2001:db8:1:2::5", false },
	{ "g3=g4=0 pair, ::1", { "2001:db8:0:0", "2001:db8:" },
	  "2001:db8::1", true },
	{ "g3=g4=0 pair, 0:0:1::", { "2001:db8:0:0", "2001:db8:" },
	  "2001:db8:0:0:1::", true },
	{ "g3=g4=0 pair, ::1:5", { "2001:db8:0:0", "2001:db8:" },
	  "2001:db8::1:5", true },
	{ "g3=g4=0 pair, other /64", { "2001:db8:0:0", "2001:db8:" },
	  "2001:db8:0:1::5", false },
	{ "g2=g3=0 keys, ::1", { "2001:0:0:5", "2001::5" }, "2001:0:0:5::1",
	  true },
	{ "g2=g3=0 keys, full", { "2001:0:0:5", "2001::5" },
	  "2001:0:0:5:a:b:c:d", true },
	{ "g2=g3=0 keys, outside (false positive)",
	  { "2001:0:0:5", "2001::5" }, "2001::5:a:b", true },
	{ "upper-case /64 key never matches", { "2001:DB8:1:2" },
	  "2001:db8:1:2::abcd", false },
	{ "upper-case host key never matches", { "2001:db8:1:2::ABCD" },
	  "2001:db8:1:2::abcd", false },
	{ "leading zeros never match",
	  { "2001:0db8:0001:0002:0000:0000:0000:0005" }, "2001:db8:1:2::5",
	  false },
	{ "uncompressed never matches", { "2001:db8:1:2:0:0:0:5" },
	  "2001:db8:1:2::5", false },
	{ "ipv4 host", { "127.0.0.2" }, "127.0.0.2", true },
	{ "ipv4 net key", { "127.0" }, "127.0.0.2", true },
	{ "ipv4 other", { "127.0.0.2" }, "127.0.0.3", false },
	{ "v4-mapped client looks up ipv4", { "127.0.0.2" },
	  "::ffff:127.0.0.2", true },
};

static void test_observed(void)
{
	for (size_t i = 0; i < sizeof(observed) / sizeof(observed[0]); i++) {
		const struct observed *o = &observed[i];
		char keys[3][RT_KEY_MAX];
		size_t n = 0;
		struct rt_addr a;

		for (; n < 3 && o->keys[n] != NULL; n++)
			snprintf(keys[n], RT_KEY_MAX, "%s", o->keys[n]);
		rt_addr_parse(o->client, &a);
		tap_ok(pf_matches(&a, (const char (*)[RT_KEY_MAX])keys, n) ==
		       o->match, "emulated Postfix: %s: %s %s", o->name,
		       o->client, o->match ? "matches" : "does not match");
	}
}

/* The lookup sequences Postfix logged (doc/mta-keys.md section 4). */
static void test_sequences(void)
{
	static const struct {
		const char *client, *want;
	} seqs[] = {
		{ "127.0.0.2", "127.0.0.2|127.0.0|127.0|127" },
		{ "2001:db8:1:2::5", "2001:db8:1:2::5|2001:db8:1:2:|"
		  "2001:db8:1:2|2001:db8:1|2001:db8|2001" },
		{ "2001:db8:1:2:a:b:c:d", "2001:db8:1:2:a:b:c:d|"
		  "2001:db8:1:2:a:b:c|2001:db8:1:2:a:b|2001:db8:1:2:a|"
		  "2001:db8:1:2|2001:db8:1|2001:db8|2001" },
		{ "2001:db8:1::5", "2001:db8:1::5|2001:db8:1:|2001:db8:1|"
		  "2001:db8|2001" },
		{ "2001::5:a:b", "2001::5:a:b|2001::5:a|2001::5|2001:|2001" },
	};

	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		char tried[PF_MAX_LOOKUPS][RT_KEY_MAX], got[512] = "";
		struct rt_addr a;
		size_t n;

		rt_addr_parse(seqs[i].client, &a);
		n = pf_lookup_keys(&a, tried);
		for (size_t k = 0; k < n; k++) {
			strcat(got, k ? "|" : "");
			strcat(got, tried[k]);
		}
		tap_is_str(got, seqs[i].want, "lookup sequence for %s",
			   seqs[i].client);
	}
}

struct prefix_case {
	const char *name, *net;
	unsigned bits;
	int want_errno;		/* 0: keys below */
	const char *keys;	/* '|'-separated */
};

static const struct prefix_case prefix_cases[] = {
	{ "/64 one key", "2001:db8:1:2::", 64, 0, "2001:db8:1:2" },
	{ "/64 host bits ignored", "2001:db8:1:2:a:b:c:d", 64, 0,
	  "2001:db8:1:2" },
	{ "/64 g4=0", "2001:db8:1::", 64, 0, "2001:db8:1:0|2001:db8:1:" },
	{ "/64 g3=g4=0", "2001:db8::", 64, 0, "2001:db8:0:0|2001:db8:" },
	{ "/64 g2=g3=0", "2001:0:0:5::", 64, EDOM, NULL },
	{ "/64 g2=g3=g4=0", "2001::", 64, EDOM, NULL },
	{ "/64 g2=0 only", "2001:0:1:2::", 64, 0, "2001:0:1:2" },
	{ "/64 g3=0 only", "2001:db8:0:2::", 64, 0, "2001:db8:0:2" },
	{ "/64 g2=0 g4=0", "2001:0:1::", 64, 0, "2001:0:1:0|2001:0:1:" },
	{ "/64 upper-case input", "2001:DB8:AB:CD::", 64, 0,
	  "2001:db8:ab:cd" },
	{ "/48", "2001:db8:1::", 48, 0, "2001:db8:1" },
	{ "/48 g3=0", "2001:db8::", 48, 0, "2001:db8:0|2001:db8:" },
	{ "/48 g2=g3=0", "2001::", 48, 0, "2001:0:0|2001:" },
	{ "/32", "2001:db8::", 32, 0, "2001:db8" },
	{ "/32 g2=0", "2001::", 32, 0, "2001:0|2001:" },
	{ "/16", "2001::", 16, 0, "2001" },
	{ "/63", "2001:db8:1:2::", 63, 0, "2001:db8:1:2|2001:db8:1:3" },
	{ "/63 with g4=0", "2001:db8:1::", 63, 0,
	  "2001:db8:1:0|2001:db8:1:|2001:db8:1:1" },
	{ "/62 g3=g4=0", "2001:db8::", 62, 0,
	  "2001:db8:0:0|2001:db8:|2001:db8:0:1|2001:db8:0:2|2001:db8:0:3" },
	{ "/47", "2001:db8:2::", 47, 0, "2001:db8:2|2001:db8:3" },
	{ "/56 g4 top byte 0: 257 keys", "2001:db8:1::", 56, 0, "#257" },
	{ "/56 g4 top byte 1: 256 keys", "2001:db8:1:100::", 56, 0, "#256" },
	{ "/55: 512 keys, more than allowed", "2001:db8:1:200::", 55, EDOM, NULL },
	{ "/15", "2001::", 15, EINVAL, NULL },
	{ "/65", "2001::", 65, EINVAL, NULL },
	{ "/128", "2001::1", 128, EINVAL, NULL },
	{ "::/16", "::", 16, EDOM, NULL },
	{ "0:1::/32", "0:1::", 32, EDOM, NULL },
	{ "ipv4", "192.0.2.0", 24, EAFNOSUPPORT, NULL },
	{ "v4-mapped is ipv4", "::ffff:192.0.2.0", 120, EAFNOSUPPORT, NULL },
};

static void test_prefix_cases(void)
{
	static char keys[RT_PREFIX_KEYS_MAX][RT_KEY_MAX];

	for (size_t i = 0; i < sizeof(prefix_cases) / sizeof(prefix_cases[0]);
	     i++) {
		const struct prefix_case *c = &prefix_cases[i];
		char got[512] = "";
		struct rt_addr a;
		int n;

		rt_addr_parse(c->net, &a);
		errno = 0;
		n = rt_keys_postfix_prefix(&a, c->bits, keys,
					   RT_PREFIX_KEYS_MAX);
		if (c->want_errno != 0) {
			tap_ok(n == -1 && errno == c->want_errno,
			       "prefix %s: %s/%u refused with errno %d (got "
			       "%d, errno %d)", c->name, c->net, c->bits,
			       c->want_errno, n, errno);
			continue;
		}
		if (c->keys[0] == '#') {	/* "#N": N keys */
			tap_is_int(n, atoi(c->keys + 1), "prefix %s: count",
				   c->name);
			continue;
		}
		for (int k = 0; k < n; k++) {
			strcat(got, k ? "|" : "");
			strcat(got, keys[k]);
		}
		tap_is_str(got, c->keys, "prefix %s: %s/%u", c->name, c->net,
			   c->bits);
	}
	{
		struct rt_addr a;

		rt_addr_parse("2001:db8:1::", &a);
		errno = 0;
		tap_ok(rt_keys_postfix_prefix(&a, 64, keys, 1) == -1 &&
		       errno == ENOSPC, "prefix with room for 1 of 2 keys: "
		       "ENOSPC");
		tap_is_int(rt_keys_postfix_prefix(&a, 64, keys, 2), 2,
			   "prefix with room for exactly 2 keys");
	}
}

/* tcpserver's TCPREMOTEIP as measured with the real tcpserver -6 of
 * ucspi-tcp-ipv6 0.88-7 (../shared/notes/tcpserver-rules.md), and the
 * tcprules keys of a grant. */
static void test_tcpserver(void)
{
	static const struct { const char *in, *want; } seen[] = {
		{ "2001:db8::1", "2001:db8::1" },
		{ "2001:db8:0:0:5:0:0:1", "2001:db8::5:0:0:1" },	/* equal runs: the first */
		{ "2001:db8:0:0:5:0:0:0", "2001:db8:0:0:5::" },	/* the longest */
		{ "2001:db8:1:2:3:4:0:6", "2001:db8:1:2:3:4::6" },	/* one 0 group too */
		{ "2001:db8:1:0:2:0:3:4", "2001:db8:1::2:0:3:4" },
		{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
		{ "2001:db8:1:2:3:4:5:0", "2001:db8:1:2:3:4:5::" },
		{ "2001:db8:0:1::9", "2001:db8:0:1::9" },
		{ "::1", "::1" },
		{ "::", "::" },
		{ "::ffff:192.0.2.7", "192.0.2.7" },
	};
	static const struct { const char *in; unsigned bits; const char *want; } nets[] = {
		{ "192.0.2.7", 32, "192.0.2.7" },
		{ "2001:db8:1:2::5", 64, "2001:db8:1:2:" },
		{ "2001:db8:1:2::5", 48, "2001:db8:1:" },
		{ "2001:db8:1:2::5", 16, "2001:" },
		{ "2001:db8:0:5::1", 64, "" },		/* a 0 group: no exact key */
		{ "2001:db8:1:2::5", 128, "2001:db8:1:2::5" },
		{ "2001:db8:1:2:3::", 128, "" },	/* "2001:db8:1:2:3::" is cut from others too */
		{ "2001:db8:1:2::5", 56, "" },		/* not whole groups */
	};
	char key[RT_KEY_MAX];
	struct rt_addr a;

	for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++) {
		if (rt_addr_parse(seen[i].in, &a) != 0)
			tap_bail("bad address %s", seen[i].in);
		rt_key_tcpserver(&a, key);
		tap_is_str(key, seen[i].want, "tcpserver spells %s as %s", seen[i].in, seen[i].want);
	}
	for (size_t i = 0; i < sizeof(nets) / sizeof(nets[0]); i++) {
		size_t n;

		if (rt_addr_parse(nets[i].in, &a) != 0)
			tap_bail("bad address %s", nets[i].in);
		n = rt_key_tcpserver_net(&a, nets[i].bits, key);
		tap_ok(n == strlen(nets[i].want) && strcmp(key, nets[i].want) == 0,
		       "the tcprules key of %s/%u: \"%s\" (got \"%s\")", nets[i].in,
		       nets[i].bits, nets[i].want, key);
	}
}

int main(void)
{
	test_tcpserver();
	test_host_keys();
	test_sequences();
	test_observed();
	test_prefix_cases();
	return tap_done();
}
