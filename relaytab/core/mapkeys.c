/* mapkeys.c - the key strings Postfix and Sendmail look client addresses up
 * by, and the Postfix keys that cover an IPv6 prefix exactly.
 *
 * Why the prefix rule holds (k = number of whole or partial 16-bit groups
 * the prefix fixes, 1..4; g1..gk its groups; g1 != 0). Postfix looks up the
 * RFC 5952 text T of the client, then T cut at its last ':' again and
 * again. A key "g1:...:gj" (no "::") is found exactly for clients whose
 * first j groups are g1..gj and whose "::" run does not start within them;
 * a key "g1:...:gj:" exactly for clients whose first j groups are g1..gj and
 * whose "::" run starts at group j+1. Sort the clients inside the prefix by
 * where their "::" run starts (at s, covering groups s..e):
 *  - no run, or s > k: "g1:...:gk" matches them, and only prefix members.
 *  - s == k (gk == 0): "g1:...:g(k-1):" matches them; any client it matches
 *    has group k zero, so it is inside.
 *  - s == k-1 (g(k-1) == gk == 0): "g1:...:g(k-2):" likewise.
 *  - s <= k-2: then g(s) == g(s+1) == 0 with 2 <= s, s+1 <= k-1: only for
 *    k == 4 with g2 == g3 == 0. Every key that such a client's lookups try,
 *    except its own full text, is also found for clients outside the prefix
 *    (a run one group longer or shorter shifts the later groups), so only
 *    host keys would do: not expressible.
 * A prefix that ends inside a group is the union of the 2^(16k - bits)
 * whole-group prefixes below it, each expressed by the rule above. The
 * property test tests/core/test-mapkeys-prop.c checks all of this against
 * an emulation of Postfix's lookups over glibc inet_ntop() text. */
#include "mapkeys.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define RT_SENDMAIL_TAG_MAX 32

size_t rt_key_postfix(const struct rt_addr *addr, char buf[RT_KEY_MAX])
{
	return strlen(rt_addr_format(addr, buf));
}

size_t rt_key_sendmail(const struct rt_addr *addr, const char *tag,
		       char buf[RT_KEY_MAX])
{
	size_t len = tag == NULL ? 0 : strlen(tag);
	const uint8_t *b = addr->b;

	if (len > RT_SENDMAIL_TAG_MAX) {
		buf[0] = '\0';
		return 0;
	}
	for (size_t i = 0; i < len; i++) {
		char c = tag[i];

		buf[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	if (rt_addr_is_v4(addr)) {
		len += (size_t)snprintf(buf + len, RT_KEY_MAX - len,
					"%u.%u.%u.%u", b[12], b[13], b[14],
					b[15]);
	} else {
		len += (size_t)snprintf(buf + len, RT_KEY_MAX - len, "ipv6:");
		for (int g = 0; g < 8; g++)
			len += (size_t)snprintf(buf + len, RT_KEY_MAX - len,
						g == 0 ? "%x" : ":%x",
						b[2 * g] << 8 | b[2 * g + 1]);
	}
	return len;
}

size_t rt_key_sendmail_prefix(const struct rt_addr *addr, unsigned bits,
			      const char *tag, char buf[RT_KEY_MAX])
{
	struct rt_addr net;
	size_t len;

	buf[0] = '\0';
	if (rt_addr_is_v4(addr) || bits < 16 || bits > 64 || bits % 16 != 0)
		return 0;
	rt_addr_mask(addr, bits, &net);
	if ((len = rt_key_sendmail(&net, tag, buf)) == 0)
		return 0;
	/* cut "ipv6:g1:...:g8" after group bits/16 */
	for (size_t i = len - 1, colons = 8 - bits / 16; i > 0; i--) {
		if (buf[i] == ':' && --colons == 0) {
			buf[i] = '\0';
			return i;
		}
	}
	return 0;
}

static uint16_t addr_group(const struct rt_addr *a, unsigned g)
{
	return (uint16_t)(a->b[2 * g] << 8 | a->b[2 * g + 1]);
}

/* True if group g's text ("%x") also reads as an IPv4 address's first
 * byte (decimal digits only, at most 255): Postfix cuts an IPv4 client's
 * address down to that byte ("6.51.100.1" -> "6"), so a /16 key "6" would
 * let 6.0.0.0/8 relay. */
static bool group_reads_as_v4_byte(unsigned g)
{
	unsigned dec = 0, scale = 1;

	for (; g != 0; g >>= 4, scale *= 10) {
		if ((g & 0xf) > 9)
			return false;
		dec += (g & 0xf) * scale;
	}
	return dec <= 255;
}

bool rt_postfix_prefix_exact(const struct rt_addr *addr, unsigned bits)
{
	if (addr_group(addr, 0) == 0)		/* ::/16: not global unicast */
		return false;
	if (bits < 24 && group_reads_as_v4_byte(addr_group(addr, 0)))
		return false;			/* its key "g1" is an IPv4 cut */
	return !(bits > 48 && addr_group(addr, 1) == 0 &&
		 addr_group(addr, 2) == 0);
}

bool rt_postfix_prefix_bits_ok(unsigned bits)
{
	return bits >= 16 && bits <= 64 && (bits % 16 == 0 || bits % 16 >= 8);
}

/* "g1:...:gn" plus a ':' if colon; groups[] holds at least n groups. */
static void groups_key(const uint16_t *groups, unsigned n, bool colon,
		       char key[RT_KEY_MAX])
{
	size_t len = 0;

	for (unsigned i = 0; i < n; i++)
		len += (size_t)snprintf(key + len, RT_KEY_MAX - len,
					i == 0 ? "%x" : ":%x", groups[i]);
	if (colon)
		snprintf(key + len, RT_KEY_MAX - len, ":");
}

int rt_keys_postfix_prefix(const struct rt_addr *addr, unsigned bits,
			   char keys[][RT_KEY_MAX], size_t max_keys)
{
	uint16_t g[4];
	unsigned k, spare;
	size_t subnets, needed, n = 0;

	if (rt_addr_is_v4(addr)) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (bits < 16 || bits > 64) {
		errno = EINVAL;
		return -1;
	}
	k = (bits + 15) / 16;
	spare = 16 * k - bits;
	for (unsigned i = 0; i < 4; i++)
		g[i] = (uint16_t)(addr->b[2 * i] << 8 | addr->b[2 * i + 1]);
	/* Clear the host bits of the last fixed group. */
	g[k - 1] = (uint16_t)(g[k - 1] & (0xffffu << spare));
	subnets = (size_t)1 << spare;
	/* Only the whole-group prefix whose group k is 0 needs 2 keys. */
	needed = subnets + (g[k - 1] == 0 && k >= 2 ? 1 : 0);
	if (!rt_postfix_prefix_exact(addr, bits) || needed > RT_PREFIX_KEYS_MAX) {
		errno = EDOM;
		return -1;
	}
	if (needed > max_keys) {
		errno = ENOSPC;
		return -1;
	}
	for (size_t sub = 0; sub < subnets; sub++) {
		uint16_t groups[4];

		memcpy(groups, g, sizeof(groups));
		groups[k - 1] = (uint16_t)(g[k - 1] | sub);
		groups_key(groups, k, false, keys[n++]);
		if (groups[k - 1] != 0 || k < 2)
			continue;
		if (groups[k - 2] != 0)		/* "::" may start at k */
			groups_key(groups, k - 1, true, keys[n++]);
		else				/* "::" starts at k - 1 */
			groups_key(groups, k - 2, true, keys[n++]);
	}
	return (int)n;
}

size_t rt_key_tcpserver(const struct rt_addr *addr, char buf[RT_KEY_MAX])
{
	int run = -1, run_len = 0;
	size_t len = 0;

	if (rt_addr_is_v4(addr))
		return rt_key_postfix(addr, buf);
	for (int g = 0; g < 8; g++) {	/* the longest run, the first of equals */
		int n = 0;

		while (g + n < 8 && addr_group(addr, (unsigned)(g + n)) == 0)
			n++;
		if (n > run_len) {
			run = g;
			run_len = n;
		}
		g += n;
	}
	for (int g = 0; g < 8; g++) {
		if (g == run) {
			len += (size_t)snprintf(buf + len, RT_KEY_MAX - len, "::");
			g += run_len - 1;
			continue;
		}
		len += (size_t)snprintf(buf + len, RT_KEY_MAX - len, "%s%x",
					g > 0 && g != run + run_len ? ":" : "",
					addr_group(addr, (unsigned)g));
	}
	return len;
}

size_t rt_key_tcpserver_net(const struct rt_addr *addr, unsigned bits,
			    char buf[RT_KEY_MAX])
{
	size_t len = 0;

	buf[0] = '\0';
	if (rt_addr_is_v4(addr) || bits == 128) {
		len = rt_key_tcpserver(addr, buf);
		return len > 0 && buf[len - 1] == ':' ? (buf[0] = '\0', 0) : len;
	}
	if (bits == 0 || bits > 64 || bits % 16 != 0)
		return 0;
	for (unsigned g = 0; g < bits / 16; g++) {
		if (addr_group(addr, g) == 0) {
			buf[0] = '\0';
			return 0;
		}
		len += (size_t)snprintf(buf + len, RT_KEY_MAX - len, "%x:",
					addr_group(addr, g));
	}
	return len;
}

size_t rt_key_cidr(const struct rt_addr *net, unsigned bits, char buf[RT_KEY_MAX])
{
	size_t len = strlen(rt_addr_format(net, buf));

	if (!rt_addr_is_v4(net) && bits < 128)
		len += (size_t)snprintf(buf + len, RT_KEY_MAX - len, "/%u", bits);
	return len;
}
