/* test-mapkeys-prop.c - property test of rt_keys_postfix_prefix().
 *
 * For many IPv6 prefixes (random, and every zero/non-zero pattern of the
 * first four groups at every whole-group length and some odd lengths) and
 * many clients inside and near each prefix, the emulated Postfix lookup
 * (postfix-emul.c: glibc inet_ntop text, cut at the last ':' again and
 * again) must find a client in the generated keys exactly when the client
 * is inside the prefix. For every key it also searches crafted clients that
 * share the key as a lookup piece and requires them all to be inside.
 * Every refusal (EDOM) is checked too: a /16 whose key would be an IPv4
 * client's cut is shown to be one by the emulation; for the cases the rule calls
 * inexpressible it finds an inside client whose every lookup piece but its
 * full text is also tried by some client outside, which proves that no key
 * set short of 65535 host keys can cover the prefix.
 * The seed is printed; RT_TEST_SEED=n repeats a run, RT_PROP_SCALE=n
 * multiplies the number of random prefixes. */
#include "mapkeys.h"
#include "postfix-emul.h"
#include "prop-util.h"
#include "tap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RANDOM_PREFIXES 3000
#define CLIENTS_PER_PREFIX 200

static char keys[RT_PREFIX_KEYS_MAX][RT_KEY_MAX];

static unsigned long long n_prefixes, n_expressed, n_keys, n_inside,
	n_outside, n_key_probes, n_refused_proved, n_refused_policy,
	n_refused_size, n_refused_v4cut, n_failures;

static void fail(const char *what, const struct rt_addr *net, unsigned bits,
		 const struct rt_addr *client, int n)
{
	char nt[RT_ADDR_STRLEN], ct[RT_ADDR_STRLEN];

	n_failures++;
	if (n_failures > 10)
		return;
	tap_diag("%s: prefix %s/%u, client %s, %d keys:", what,
		 rt_addr_format(net, nt), bits,
		 client != NULL ? rt_addr_format(client, ct) : "-", n);
	for (int k = 0; k < n && k < 8; k++)
		tap_diag("  key %s", keys[k]);
}

/* Copy the first bits of net into a (the rest of a stays). */
static void merge_prefix(struct rt_addr *a, const struct rt_addr *net,
			 unsigned bits)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned lo = i * 8;
		uint8_t mask;

		if (bits >= lo + 8)
			mask = 0xff;
		else if (bits <= lo)
			mask = 0;
		else
			mask = (uint8_t)(0xff << (lo + 8 - bits));
		a->b[i] = (uint8_t)((net->b[i] & mask) | (a->b[i] & ~mask));
	}
}

static void random_client(struct rt_addr *a)
{
	for (int g = 0; g < 8; g++)
		set_group(a, g, random_group());
}

static void check_client(const struct rt_addr *net, unsigned bits,
			 const struct rt_addr *client, int n)
{
	bool inside = rt_addr_in_net(client, net, bits);
	bool found = pf_matches(client, (const char (*)[RT_KEY_MAX])keys,
				(size_t)n);

	if (inside)
		n_inside++;
	else
		n_outside++;
	if (found != inside)
		fail(inside ? "inside client not matched"
			    : "outside client matched", net, bits, client, n);
}

/* Clients whose lookup pieces include piece: piece itself as an address,
 * and piece followed by a few suffixes; returns how many parse. */
static const char *const suffixes[] = {
	"", ":1", "::", "::1", ":1:1", ":1::", "::1:1", ":0:1", ":1:0:1",
	":1:1:1", "::1:1:1", ":1:1:1:1", "::1:1:1:1", ":1:1:1:1:1",
	":0:0:1", ":1:0:0:1", "::1:0:0:1", ":ffff:1:1:1:1", ":0:1:1:1:1:1",
	":1:1:1:1:1:1", "::1:1:1:1:1", ":1:1:1:1:1:1:1",
};

static bool piece_of(const struct rt_addr *client, const char *piece)
{
	char tried[PF_MAX_LOOKUPS][RT_KEY_MAX];
	size_t n = pf_lookup_keys(client, tried);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(tried[i], piece) == 0)
			return true;
	}
	return false;
}

/* An outside client that Postfix would look up by piece, or false. */
static bool outside_witness(const struct rt_addr *net, unsigned bits,
			    const char *piece, struct rt_addr *witness_r)
{
	for (size_t s = 0; s < sizeof(suffixes) / sizeof(suffixes[0]); s++) {
		char text[128];
		struct rt_addr c;

		snprintf(text, sizeof(text), "%s%s", piece, suffixes[s]);
		if (rt_addr_parse(text, &c) < 0 || !piece_of(&c, piece))
			continue;
		n_key_probes++;
		if (!rt_addr_in_net(&c, net, bits)) {
			*witness_r = c;
			return true;
		}
	}
	return false;
}

static void check_expressed(const struct rt_addr *net, unsigned bits, int n)
{
	struct rt_addr c;

	n_expressed++;
	n_keys += (unsigned)n;
	/* No key is a lookup piece of a crafted outside client. */
	for (int k = 0; k < n; k++) {
		if (outside_witness(net, bits, keys[k], &c))
			fail("key also found for an outside client", net, bits,
			     &c, n);
	}
	/* Inside clients and their neighbours. */
	for (int i = 0; i < CLIENTS_PER_PREFIX; i++) {
		struct rt_addr in, out;
		unsigned flip;

		random_client(&in);
		merge_prefix(&in, net, bits);
		check_client(net, bits, &in, n);
		/* a neighbour: one prefix bit flipped (often near the end) */
		out = in;
		flip = rng() % 2 ? bits - 1 - rng() % (bits < 8 ? bits : 8)
				 : rng() % bits;
		out.b[flip / 8] ^= (uint8_t)(0x80 >> flip % 8);
		check_client(net, bits, &out, n);
		/* a zero-heavy client sharing only part of the prefix */
		random_client(&out);
		merge_prefix(&out, net, rng() % (bits + 1));
		check_client(net, bits, &out, n);
	}
	/* Every zero/non-zero pattern of the four free groups, and the
	 * prefix's last address. */
	for (unsigned pat = 0; pat < 16; pat++) {
		struct rt_addr in = *net, last;

		for (int g = 4; g < 8; g++)
			set_group(&in, g, pat & (1u << (g - 4)) ? 1 : 0);
		merge_prefix(&in, net, bits);
		check_client(net, bits, &in, n);
		memset(&last, 0xff, sizeof(last));
		merge_prefix(&last, net, bits);
		check_client(net, bits, &last, n);
	}
}

/* A /16 key is its first group's text alone: true if Postfix also tries
 * that text for some IPv4 client (a cut of "a.b.c.d" down to "a"), which
 * is why such a /16 is refused. Checked with the emulation itself: the
 * client a.51.100.1, a being the group's text read as decimal. */
static bool v4_cut_collides(unsigned g)
{
	char text[8], tried[PF_MAX_LOOKUPS][RT_KEY_MAX], v4[32];
	struct rt_addr c;
	unsigned long a;
	char *end;
	size_t n;

	snprintf(text, sizeof(text), "%x", g);
	a = strtoul(text, &end, 10);
	if (*end != '\0' || a > 255)
		return false;
	snprintf(v4, sizeof(v4), "%lu.51.100.1", a);
	if (rt_addr_parse(v4, &c) != 0)
		return false;
	n = pf_lookup_keys(&c, tried);
	for (size_t i = 0; i < n; i++)
		if (strcmp(tried[i], text) == 0)
			return true;
	return false;
}

/* For a refused prefix the rule calls inexpressible: an inside client with
 * a non-zero last group, every lookup piece of which but the full text is
 * also a piece of some outside client. */
static bool prove_inexpressible(const struct rt_addr *net, unsigned bits)
{
	for (int attempt = 0; attempt < 64; attempt++) {
		struct rt_addr in, w;
		char tried[PF_MAX_LOOKUPS][RT_KEY_MAX];
		size_t n;
		bool all_unsafe = true;

		/* a few shapes first: the rest all 1 or all ffff, with or
		 * without a zero 4th group; then random ones */
		for (int g = 0; g < 8; g++) {
			uint16_t v = attempt % 2 ? 0xffff : 1;

			if (attempt >= 4)
				v = random_group();
			else if (attempt >= 2 && g == 3)
				v = 0;
			set_group(&in, g, v);
		}
		merge_prefix(&in, net, bits);
		if (group(&in, 7) == 0)
			continue;
		n = pf_lookup_keys(&in, tried);
		for (size_t i = 1; i < n && all_unsafe; i++)
			all_unsafe = outside_witness(net, bits, tried[i], &w);
		if (all_unsafe)
			return true;
	}
	return false;
}

static void check_prefix(const struct rt_addr *net_in, unsigned bits)
{
	struct rt_addr net;
	int n;

	net = *net_in;
	{
		/* clear host bits: a zero address with the prefix merged */
		struct rt_addr z;

		memset(&z, 0, sizeof(z));
		merge_prefix(&z, &net, bits);
		net = z;
	}
	n_prefixes++;
	errno = 0;
	n = rt_keys_postfix_prefix(&net, bits, keys, RT_PREFIX_KEYS_MAX);
	if (n >= 0) {
		check_expressed(&net, bits, n);
		return;
	}
	if (errno != EDOM) {
		fail("unexpected errno", &net, bits, NULL, -1);
		return;
	}
	if (group(&net, 0) == 0) {
		n_refused_policy++;	/* ::/16 refused by choice */
	} else if (bits < 24 && v4_cut_collides(group(&net, 0))) {
		n_refused_v4cut++;	/* its key "g1" is an IPv4 client's cut */
	} else if (rt_addr_is_v4(&net)) {
		fail("IPv4 refused with EDOM", &net, bits, NULL, -1);
	} else if (bits > 48 && group(&net, 1) == 0 && group(&net, 2) == 0) {
		if (prove_inexpressible(&net, bits))
			n_refused_proved++;
		else
			fail("refused but no proof it is inexpressible", &net,
			     bits, NULL, -1);
	} else {
		unsigned k = (bits + 15) / 16;

		n_refused_size++;	/* > RT_PREFIX_KEYS_MAX keys */
		if (16 * k - bits < 8)
			fail("refused as too many keys at > /56", &net, bits,
			     NULL, -1);
	}
}

int main(void)
{
	unsigned scale = prop_start();
	static const unsigned edge_bits[] = {
		16, 17, 24, 31, 32, 33, 47, 48, 49, 56, 57, 60, 63, 64
	};
	struct rt_addr net;

	/* Edge prefixes: every zero/non-zero pattern of groups 1..4 (non-zero
	 * groups 1, 0x8000 or random) at the edge lengths. */
	for (unsigned pat = 0; pat < 16; pat++) {
		for (size_t b = 0; b < sizeof(edge_bits) / sizeof(edge_bits[0]);
		     b++) {
			for (int v = 0; v < 3; v++) {
				memset(&net, 0, sizeof(net));
				for (int g = 0; g < 4; g++) {
					uint16_t val = v == 0 ? 1 : v == 1 ?
						0x8000 : (uint16_t)(rng() | 1);

					set_group(&net, g, pat & (1u << g) ?
						  val : 0);
				}
				check_prefix(&net, edge_bits[b]);
			}
		}
	}
	/* Random prefixes, lengths biased to whole groups. */
	for (unsigned i = 0; i < RANDOM_PREFIXES * scale; i++) {
		unsigned bits = rng() % 2 ? 16 * (1 + rng() % 4)
					  : 16 + rng() % 49;

		random_client(&net);
		if (rng() % 8 != 0 && group(&net, 0) == 0)
			set_group(&net, 0, (uint16_t)(0x2000 | rng() % 0x2000));
		check_prefix(&net, bits);
	}

	tap_diag("prefixes %llu: expressed %llu (%llu keys), refused as "
		 "inexpressible %llu (each proved), refused ::/16 %llu, "
		 "refused for > %d keys %llu, refused as an IPv4 cut %llu (each proved)",
		 n_prefixes, n_expressed, n_keys,
		 n_refused_proved, n_refused_policy, RT_PREFIX_KEYS_MAX,
		 n_refused_size, n_refused_v4cut);
	tap_diag("clients checked: %llu inside, %llu outside; crafted "
		 "clients probed per key/piece: %llu", n_inside, n_outside,
		 n_key_probes);
	tap_is_int((long long)n_failures, 0,
		   "Postfix finds exactly the inside clients (%llu cases over "
		   "%llu prefixes)", n_inside + n_outside, n_prefixes);
	tap_ok(n_inside > 0 && n_outside > 0 && n_refused_proved > 0 &&
	       n_expressed > 0, "every kind of case was exercised");
	return tap_done();
}
