/* addr.c - parse, format, compare and match single IP addresses.
 *
 * The parser is our own (not inet_pton): it takes a byte range, refuses
 * everything RFC 4291 / strict dotted-quad does not allow, and strips the
 * bracket and Sendmail "IPv6:" decorations. The formatter is glibc's
 * inet_ntop(), because Postfix looks keys up by that text. */
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Longest text accepted by the parser (the header promises 63 bytes). */
#define RT_ADDR_TEXT_MAX 63

static const uint8_t v4_mapped_head[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Strict dotted quad: exactly four decimal parts 0..255, no leading zeros
 * except a lone "0", nothing else in the range. */
static int parse_v4(const char *p, size_t len, uint8_t out[4])
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned value = 0;
		size_t digits = 0;

		if (part > 0) {
			if (i >= len || p[i] != '.')
				return -1;
			i++;
		}
		while (i < len && p[i] >= '0' && p[i] <= '9' && digits < 4) {
			value = value * 10 + (unsigned)(p[i] - '0');
			digits++;
			i++;
		}
		if (digits == 0 || digits > 3 || value > 255)
			return -1;
		if (digits > 1 && p[i - digits] == '0')
			return -1;
		out[part] = (uint8_t)value;
	}
	return i == len ? 0 : -1;
}

/* RFC 4291 section 2.2 text: hex groups of 1..4 digits, at most one "::",
 * an optional dotted-quad tail in place of the last two groups. */
static int parse_v6(const char *p, size_t len, uint8_t out[16])
{
	uint16_t words[8];
	int count = 0, gap = -1;
	size_t i = 0;

	if (len >= 2 && p[0] == ':' && p[1] == ':') {
		gap = 0;
		i = 2;
	} else if (len == 0 || p[0] == ':') {
		return -1;
	}
	while (i < len) {
		size_t start = i;
		unsigned value = 0;
		int digits = 0, h;

		while (i < len && digits < 5 && (h = hex_value(p[i])) >= 0) {
			value = value * 16 + (unsigned)h;
			digits++;
			i++;
		}
		if (i < len && p[i] == '.') {
			uint8_t v4[4];

			if (count > 6 || parse_v4(p + start, len - start, v4) < 0)
				return -1;
			words[count++] = (uint16_t)(v4[0] << 8 | v4[1]);
			words[count++] = (uint16_t)(v4[2] << 8 | v4[3]);
			i = len;
			break;
		}
		if (digits == 0 || digits > 4 || count >= 8)
			return -1;
		words[count++] = (uint16_t)value;
		if (i == len)
			break;
		if (p[i] != ':')
			return -1;
		i++;
		if (i < len && p[i] == ':') {
			if (gap >= 0)
				return -1;
			gap = count;
			i++;
		} else if (i == len) {
			return -1;	/* a single trailing ':' */
		}
	}
	if (gap < 0 ? count != 8 : count > 7)
		return -1;
	if (gap >= 0) {
		int tail = count - gap;

		memmove(words + 8 - tail, words + gap,
			(size_t)tail * sizeof(words[0]));
		for (int k = gap; k < 8 - tail; k++)
			words[k] = 0;
	}
	for (int k = 0; k < 8; k++) {
		out[2 * k] = (uint8_t)(words[k] >> 8);
		out[2 * k + 1] = (uint8_t)(words[k] & 0xff);
	}
	return 0;
}

static bool has_prefix_icase(const char *p, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	if (len < n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != prefix[i])
			return false;
	}
	return true;
}

int rt_addr_parse_n(const char *text, size_t len, struct rt_addr *addr_r)
{
	bool v6_only = false;
	struct rt_addr addr;

	if (text == NULL || len == 0 || len > RT_ADDR_TEXT_MAX ||
	    memchr(text, '\0', len) != NULL)
		goto invalid;
	if (text[0] == '[') {
		if (len < 3 || text[len - 1] != ']')
			goto invalid;
		text++;
		len -= 2;
	}
	if (has_prefix_icase(text, len, "ipv6:")) {
		text += 5;
		len -= 5;
		v6_only = true;
	}
	if (!v6_only && memchr(text, ':', len) == NULL) {
		uint8_t v4[4];

		if (parse_v4(text, len, v4) < 0)
			goto invalid;
		rt_addr_from_v4(&addr, v4);
	} else if (parse_v6(text, len, addr.b) < 0) {
		goto invalid;
	}
	*addr_r = addr;
	return 0;
invalid:
	errno = EINVAL;
	return -1;
}

int rt_addr_parse(const char *text, struct rt_addr *addr_r)
{
	if (text == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* One byte more than allowed is enough to refuse over-long text. */
	return rt_addr_parse_n(text, strnlen(text, RT_ADDR_TEXT_MAX + 1),
			       addr_r);
}

/* One byte in decimal, no leading zeros. */
static char *format_byte(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/* The text Postfix looks a client up by is glibc's (getnameinfo with
 * NI_NUMERICHOST): inet_ntop's, RFC 5952 for IPv6, which is used as is.
 * The dotted quad is written here: the compiler formats a million of them
 * per pass, and inet_ntop goes through sprintf (tests/core/test-addr checks
 * both against inet_ntop). */
const char *rt_addr_format(const struct rt_addr *addr,
			   char buf[RT_ADDR_STRLEN])
{
	_Static_assert(RT_ADDR_STRLEN >= INET6_ADDRSTRLEN, "room for any address");
	if (rt_addr_is_v4(addr)) {
		char *p = buf;

		for (int i = 12; i < 16; i++) {
			p = format_byte(p, addr->b[i]);
			*p++ = i < 15 ? '.' : '\0';
		}
		return buf;
	}
	inet_ntop(AF_INET6, addr->b, buf, RT_ADDR_STRLEN);
	return buf;
}

void rt_addr_from_v4(struct rt_addr *addr_r, const uint8_t v4[4])
{
	memcpy(addr_r->b, v4_mapped_head, sizeof(v4_mapped_head));
	memcpy(addr_r->b + 12, v4, 4);
}

void rt_addr_from_v6(struct rt_addr *addr_r, const uint8_t v6[16])
{
	memcpy(addr_r->b, v6, 16);
}

bool rt_addr_is_v4(const struct rt_addr *addr)
{
	return memcmp(addr->b, v4_mapped_head, sizeof(v4_mapped_head)) == 0;
}

int rt_addr_cmp(const struct rt_addr *a, const struct rt_addr *b)
{
	bool a4 = rt_addr_is_v4(a), b4 = rt_addr_is_v4(b);

	if (a4 != b4)
		return a4 ? -1 : 1;
	return memcmp(a->b, b->b, sizeof(a->b));
}

bool rt_addr_in_net(const struct rt_addr *addr, const struct rt_addr *net,
		    unsigned bits)
{
	bool v4 = rt_addr_is_v4(net);
	size_t off = v4 ? 12 : 0;
	unsigned max = v4 ? 32 : 128, full;

	if (rt_addr_is_v4(addr) != v4 || bits > max)
		return false;
	full = bits / 8;
	if (memcmp(addr->b + off, net->b + off, full) != 0)
		return false;
	if (bits % 8 != 0) {
		uint8_t mask = (uint8_t)(0xff << (8 - bits % 8));

		if ((addr->b[off + full] & mask) != (net->b[off + full] & mask))
			return false;
	}
	return true;
}

void rt_addr_mask(const struct rt_addr *addr, unsigned bits,
		  struct rt_addr *net_r)
{
	unsigned abs_bits = rt_addr_is_v4(addr) ? bits + 96 : bits;

	*net_r = *addr;
	for (unsigned i = 0; i < 16; i++) {
		unsigned lo = i * 8;

		if (abs_bits <= lo)
			net_r->b[i] = 0;
		else if (abs_bits < lo + 8)
			net_r->b[i] &= (uint8_t)(0xff << (lo + 8 - abs_bits));
	}
}
