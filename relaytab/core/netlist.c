/* netlist.c - network lists in Postfix mynetworks syntax: parse and match.
 *
 * A small array of (net, bits) pairs scanned linearly: lists are short
 * (a site's trusted networks) and matched once per login. */
#include "addr.h"
#include "array.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest single entry accepted: "[v6]/128" with room to spare. */
#define RT_NET_ENTRY_MAX 80

struct rt_net {
	struct rt_addr net;
	unsigned bits;	/* in the address's own family: 0..32 or 0..128 */
};

struct rt_netlist {
	size_t count, alloc;
	struct rt_net *nets;
};

static bool is_separator(char c)
{
	return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\f' || c == '\v';
}

/* A printable copy of an entry for error messages: at most 40 bytes,
 * other bytes as \xNN. */
static const char *entry_show(const char *p, size_t len, char *buf,
			      size_t size)
{
	size_t o = 0;
	bool cut = len > 40;

	if (cut)
		len = 40;
	for (size_t i = 0; i < len && o + 5 < size; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x21 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	if (cut && o + 4 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* "type:table" as Postfix writes lookup tables: a word starting with a
 * lower-case letter, of letters, digits, '_' or '-', a colon and more.
 * Only asked about entries that are not addresses. */
static bool looks_like_table(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && ((p[i] >= 'a' && p[i] <= 'z') ||
			   (p[i] >= '0' && p[i] <= '9') ||
			   p[i] == '_' || p[i] == '-'))
		i++;
	return i > 0 && p[0] >= 'a' && p[0] <= 'z' && i < len && p[i] == ':' &&
	       i + 1 < len;
}

/* Parse a decimal prefix length: 1..3 digits. Returns -1 if not that. */
static int parse_bits(const char *p, size_t len)
{
	int value = 0;

	if (len == 0 || len > 3)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		value = value * 10 + (p[i] - '0');
	}
	return value;
}

static int parse_entry(const char *p, size_t len, unsigned n,
		       struct rt_net *net_r, struct rt_err *err)
{
	char show[RT_ERR_MAX / 2], want[RT_ADDR_STRLEN];
	const char *slash;
	size_t addr_len = len;
	struct rt_addr addr, masked;
	bool v4_syntax, v4;
	int bits = -1;
	unsigned max;

	entry_show(p, len, show, sizeof(show));
	if (p[0] == '/')
		return rt_err_fail(err, EINVAL,
			"network list entry %u \"%s\": /file entries are not "
			"supported; list the networks themselves", n, show);
	if (p[0] == '!')
		return rt_err_fail(err, EINVAL,
			"network list entry %u \"%s\": negated entries are not "
			"supported", n, show);
	if (len > RT_NET_ENTRY_MAX)
		return rt_err_fail(err, EINVAL,
			"network list entry %u \"%s\": too long", n, show);
	slash = memchr(p, '/', len);
	if (slash != NULL) {
		addr_len = (size_t)(slash - p);
		bits = parse_bits(slash + 1, len - addr_len - 1);
	}
	if ((slash != NULL && bits < 0) || addr_len == 0 ||
	    rt_addr_parse_n(p, addr_len, &addr) < 0) {
		if (memchr(p, '%', len) != NULL)
			return rt_err_fail(err, EINVAL,
				"network list entry %u \"%s\": zone ids "
				"(%%name) are not supported", n, show);
		if (p[0] == '[' && slash != NULL && p[len - 1] == ']')
			return rt_err_fail(err, EINVAL,
				"network list entry %u \"%s\": write the "
				"prefix length after the brackets, as in "
				"[2001:db8::]/32", n, show);
		if (looks_like_table(p, len))
			return rt_err_fail(err, EINVAL,
				"network list entry %u \"%s\": type:table "
				"entries are not supported; list the networks "
				"themselves (IPv6 in [brackets] if in doubt)",
				n, show);
		if (slash != NULL && bits < 0)
			return rt_err_fail(err, EINVAL,
				"network list entry %u \"%s\": the prefix "
				"length must be a decimal number", n, show);
		return rt_err_fail(err, EINVAL,
			"network list entry %u \"%s\": not an IP address or "
			"network", n, show);
	}
	v4 = rt_addr_is_v4(&addr);
	v4_syntax = memchr(p, ':', addr_len) == NULL;
	max = v4_syntax ? 32 : 128;
	if (bits < 0)
		bits = (int)max;
	if ((unsigned)bits > max)
		return rt_err_fail(err, EINVAL,
			"network list entry %u \"%s\": prefix length /%d is "
			"larger than /%u", n, show, bits, max);
	if (v4 && !v4_syntax) {
		/* ::ffff:a.b.c.d/n: count the prefix in IPv4 bits. */
		if (bits < 96)
			return rt_err_fail(err, EINVAL,
				"network list entry %u \"%s\": an IPv4-mapped "
				"network needs a prefix of at least /96", n,
				show);
		bits -= 96;
	}
	rt_addr_mask(&addr, (unsigned)bits, &masked);
	if (memcmp(masked.b, addr.b, sizeof(addr.b)) != 0)
		return rt_err_fail(err, EINVAL,
			"network list entry %u \"%s\": host bits are set "
			"below the /%d prefix (the network is %s/%d)", n, show,
			bits, rt_addr_format(&masked, want), bits);
	net_r->net = addr;
	net_r->bits = (unsigned)bits;
	return 0;
}

static int netlist_add(struct rt_netlist *list, const struct rt_net *net,
		       struct rt_err *err)
{
	struct rt_net *n = RT_ARRAY_ADD(list->nets, list->count, list->alloc);

	if (n == NULL)
		return rt_err_fail(err, ENOMEM, "network list: out of memory");
	*n = *net;
	return 0;
}

int rt_netlist_parse(const char *text, struct rt_netlist **list_r,
		     struct rt_err *err)
{
	struct rt_netlist *list;
	unsigned n = 0;
	const char *p = text;

	*list_r = NULL;
	if (text == NULL)
		return rt_err_fail(err, EINVAL, "network list: no text");
	list = calloc(1, sizeof(*list));
	if (list == NULL)
		return rt_err_fail(err, ENOMEM, "network list: out of memory");
	for (;;) {
		const char *start;
		struct rt_net net;

		while (*p != '\0' && is_separator(*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && !is_separator(*p))
			p++;
		n++;
		if (parse_entry(start, (size_t)(p - start), n, &net, err) < 0 ||
		    netlist_add(list, &net, err) < 0) {
			int saved = errno;

			rt_netlist_free(&list);
			errno = saved;
			return -1;
		}
	}
	*list_r = list;
	return 0;
}

bool rt_netlist_match(const struct rt_netlist *list, const struct rt_addr *addr)
{
	if (list == NULL)
		return false;
	for (size_t i = 0; i < list->count; i++) {
		if (rt_addr_in_net(addr, &list->nets[i].net,
				   list->nets[i].bits))
			return true;
	}
	return false;
}

bool rt_netlist_overlaps(const struct rt_netlist *list,
			 const struct rt_addr *net, unsigned bits)
{
	if (list == NULL)
		return false;
	for (size_t i = 0; i < list->count; i++) {
		const struct rt_net *e = &list->nets[i];

		/* two nets overlap iff the shorter holds the other */
		if (rt_addr_in_net(net, &e->net, e->bits) ||
		    rt_addr_in_net(&e->net, net, bits))
			return true;
	}
	return false;
}

size_t rt_netlist_count(const struct rt_netlist *list)
{
	return list == NULL ? 0 : list->count;
}

void rt_netlist_free(struct rt_netlist **list)
{
	if (*list == NULL)
		return;
	free((*list)->nets);
	free(*list);
	*list = NULL;
}
