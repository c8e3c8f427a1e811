/* test-addr.c - rt_addr parse/format/compare/match: named cases, hostile
 * input, and randomised comparison with glibc inet_pton()/inet_ntop() as
 * the oracle (the seed is printed; RT_TEST_SEED=n repeats a run). */
#include "addr.h"
#include "tap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RANDOM_FORMAT_CASES 200000
#define RANDOM_PARSE_CASES 200000

struct parse_case {
	const char *name, *in, *want;	/* want NULL: must be refused */
};

static const struct parse_case parse_cases[] = {
	{ "ipv4", "192.0.2.1", "192.0.2.1" },
	{ "ipv4 zeros", "0.0.0.0", "0.0.0.0" },
	{ "ipv4 max", "255.255.255.255", "255.255.255.255" },
	{ "ipv4 in brackets", "[192.0.2.1]", "192.0.2.1" },
	{ "ipv6 loopback", "::1", "::1" },
	{ "ipv6 any", "::", "::" },
	{ "ipv6 full with leading zeros",
	  "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },
	{ "ipv6 upper case", "2001:DB8::ABCD", "2001:db8::abcd" },
	{ "ipv6 brackets", "[2001:db8::1]", "2001:db8::1" },
	{ "sendmail prefix", "IPv6:2001:db8:1:2:0:0:0:5", "2001:db8:1:2::5" },
	{ "sendmail prefix lower", "ipv6:2001:db8::5", "2001:db8::5" },
	{ "sendmail prefix upper", "IPV6:::1", "::1" },
	{ "sendmail prefix in brackets", "[IPv6:2001:db8::1]", "2001:db8::1" },
	{ "v4-mapped is ipv4", "::ffff:192.0.2.1", "192.0.2.1" },
	{ "v4-mapped hex is ipv4", "::FFFF:c000:0201", "192.0.2.1" },
	{ "v4-mapped uncompressed", "0:0:0:0:0:ffff:192.0.2.1", "192.0.2.1" },
	{ "v4-compatible keeps dotted tail", "::192.0.2.1", "::192.0.2.1" },
	{ "v4-compatible hex", "::c000:201", "::192.0.2.1" },
	{ "siit form stays hex", "::ffff:0:192.0.2.1", "::ffff:0:c000:201" },
	{ "dotted tail after groups", "2001:db8:1:2:3:4:192.0.2.1",
	  "2001:db8:1:2:3:4:c000:201" },
	{ "trailing ::", "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0" },
	{ "leading ::", "::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8" },
	{ "single zero not compressed", "2001:db8:0:1:1:1:1:1",
	  "2001:db8:0:1:1:1:1:1" },
	{ "first run on tie", "2001:0:0:1:0:0:1:1", "2001::1:0:0:1:1" },
	{ "longest run wins", "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
	{ "trailing run", "2001:db8:1:2::", "2001:db8:1:2::" },
	{ "ipv6 0.0.0.1 tail is ::1", "::0.0.0.1", "::1" },
	{ "max text", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	/* refused */
	{ "empty", "", NULL },
	{ "three parts", "1.2.3", NULL },
	{ "five parts", "1.2.3.4.5", NULL },
	{ "leading zero", "01.2.3.4", NULL },
	{ "leading zero last", "1.2.3.04", NULL },
	{ "octet 256", "256.1.1.1", NULL },
	{ "octet 1000", "1000.1.1.1", NULL },
	{ "empty octet", "1..3.4", NULL },
	{ "trailing dot", "1.2.3.4.", NULL },
	{ "hex ipv4", "0x1.2.3.4", NULL },
	{ "sign", "+1.2.3.4", NULL },
	{ "space before", " 1.2.3.4", NULL },
	{ "space after", "1.2.3.4 ", NULL },
	{ "tab inside", "1.2.\t3.4", NULL },
	{ "newline after", "::1\n", NULL },
	{ "triple colon", ":::", NULL },
	{ "two ::", "1::2::3", NULL },
	{ "nine groups", "1:2:3:4:5:6:7:8:9", NULL },
	{ "seven groups", "1:2:3:4:5:6:7", NULL },
	{ ":: with eight groups", "1:2:3:4::5:6:7:8", NULL },
	{ "single leading colon", ":1::2", NULL },
	{ "single trailing colon", "1::2:", NULL },
	{ "five hex digits", "12345::", NULL },
	{ "non-hex", "2001:db8::g", NULL },
	{ "zone id", "fe80::1%eth0", NULL },
	{ "zone id number", "fe80::1%1", NULL },
	{ "prefix", "2001:db8::/32", NULL },
	{ "bracket unclosed", "[2001:db8::1", NULL },
	{ "bracket only close", "2001:db8::1]", NULL },
	{ "empty brackets", "[]", NULL },
	{ "double brackets", "[[::1]]", NULL },
	{ "sendmail prefix on ipv4", "IPv6:192.0.2.1", NULL },
	{ "sendmail prefix alone", "IPv6:", NULL },
	{ "sendmail prefix one colon", "IPv6::1", NULL },
	{ "dotted tail too late", "1:2:3:4:5:6:7:1.2.3.4", NULL },
	{ "dotted tail with :: too long", "::1:2:3:4:5:6:1.2.3.4", NULL },
	{ "dotted tail not last", "::1.2.3.4:1", NULL },
	{ "dotted tail bad", "::1.2.3.256", NULL },
	{ "dotted tail leading zero", "::1.2.3.04", NULL },
	{ "dotted tail short", "::1.2.3", NULL },
	{ "dotted tail hex", "::a.2.3.4", NULL },
	{ "only colon", ":", NULL },
	{ "only dot", ".", NULL },
	{ "garbage", "localhost", NULL },
	{ "over-long", "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:"
	  "0000:0000:0000", NULL },
};

static void test_parse_cases(void)
{
	char buf[RT_ADDR_STRLEN];

	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]);
	     i++) {
		const struct parse_case *c = &parse_cases[i];
		struct rt_addr a;
		int ret;

		errno = 0;
		ret = rt_addr_parse(c->in, &a);
		if (c->want == NULL) {
			tap_ok(ret == -1 && errno == EINVAL,
			       "parse refuses %s: \"%s\" (got %d errno %d)",
			       c->name, c->in, ret, errno);
		} else if (tap_is_int(ret, 0, "parse %s: \"%s\"", c->name,
				      c->in)) {
			tap_is_str(rt_addr_format(&a, buf), c->want,
				   "format %s", c->name);
		}
	}
}

static void test_parse_n(void)
{
	struct rt_addr a;
	char buf[RT_ADDR_STRLEN];
	const char text[] = "192.0.2.1xyz";
	const char nul[] = "::1\0:2";
	char big[200];

	tap_is_int(rt_addr_parse_n(text, 9, &a), 0, "parse_n stops at len");
	tap_is_str(rt_addr_format(&a, buf), "192.0.2.1", "parse_n text");
	tap_is_int(rt_addr_parse_n(text, 8, &a), -1,
		   "parse_n range \"192.0.2.\" refused");
	tap_is_int(rt_addr_parse_n(text, 10, &a), -1,
		   "parse_n with trailing byte refused");
	tap_is_int(rt_addr_parse_n(nul, sizeof(nul) - 1, &a), -1,
		   "parse_n refuses an inner NUL");
	tap_is_int(rt_addr_parse_n(text, 0, &a), -1, "parse_n empty range");
	tap_is_int(rt_addr_parse_n(NULL, 3, &a), -1, "parse_n NULL");
	tap_is_int(rt_addr_parse(NULL, &a), -1, "parse NULL");
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tap_is_int(rt_addr_parse(big, &a), -1, "parse over-long digits");
	/* The longest legal text, decorated: 52 bytes (the limit is 63). */
	tap_is_int(rt_addr_parse("[IPv6:0000:0000:0000:0000:0000:FFFF:"
				 "255.255.255.255]", &a), 0,
		   "52-byte decorated address accepted");
	tap_is_str(rt_addr_format(&a, buf), "255.255.255.255",
		   "52-byte decorated address is v4-mapped");
}

static int rand_group_style(unsigned r)
{
	return (int)(r % 4);
}

/* A random address with many zero groups, to exercise "::" placement. */
static void random_addr(struct rt_addr *a)
{
	unsigned kind = (unsigned)rand() % 8;

	for (int g = 0; g < 8; g++) {
		uint16_t w;

		switch (rand_group_style((unsigned)rand())) {
		case 0:
		case 1:
			w = 0;
			break;
		case 2:
			w = (uint16_t)(rand() % 16);
			break;
		default:
			w = (uint16_t)rand();
			break;
		}
		a->b[2 * g] = (uint8_t)(w >> 8);
		a->b[2 * g + 1] = (uint8_t)w;
	}
	if (kind == 0) {	/* v4-mapped */
		memset(a->b, 0, 10);
		a->b[10] = a->b[11] = 0xff;
	} else if (kind == 1) {	/* v4-compatible and near it */
		memset(a->b, 0, 12 - (unsigned)rand() % 3 * 2);
	}
}

static void test_random_format(unsigned seed)
{
	unsigned fails = 0;
	char want[INET6_ADDRSTRLEN], got[RT_ADDR_STRLEN];
	struct rt_addr a, back;

	srand(seed);
	for (unsigned i = 0; i < RANDOM_FORMAT_CASES; i++) {
		random_addr(&a);
		if (rt_addr_is_v4(&a))
			inet_ntop(AF_INET, a.b + 12, want, sizeof(want));
		else
			inet_ntop(AF_INET6, a.b, want, sizeof(want));
		rt_addr_format(&a, got);
		if (strcmp(got, want) != 0 || rt_addr_parse(got, &back) < 0 ||
		    memcmp(back.b, a.b, 16) != 0) {
			if (fails++ < 5)
				tap_diag("format: got %s, want %s", got, want);
		}
	}
	tap_is_int(fails, 0, "%d random addresses format like inet_ntop and "
		   "parse back", RANDOM_FORMAT_CASES);
}

/* Render an address as some legal or nearly legal text, then maybe
 * damage it, and compare our verdict with inet_pton's. */
static void random_text(char *out, size_t size)
{
	struct rt_addr a;
	char base[64];
	size_t len;
	const char alphabet[] = "0123456789abcdefABCDEF:.";

	random_addr(&a);
	switch (rand() % 4) {
	case 0:
		rt_addr_format(&a, base);
		break;
	case 1:
		snprintf(base, sizeof(base), "%x:%x:%x:%x:%x:%x:%u.%u.%u.%u",
			 a.b[0] << 8 | a.b[1], a.b[2] << 8 | a.b[3],
			 a.b[4] << 8 | a.b[5], a.b[6] << 8 | a.b[7],
			 a.b[8] << 8 | a.b[9], a.b[10] << 8 | a.b[11],
			 a.b[12], a.b[13], a.b[14], a.b[15]);
		break;
	case 2:
		snprintf(base, sizeof(base),
			 "%04X:%04x:%X:%x:%04x:%x:%X:%04x",
			 a.b[0] << 8 | a.b[1], a.b[2] << 8 | a.b[3],
			 a.b[4] << 8 | a.b[5], a.b[6] << 8 | a.b[7],
			 a.b[8] << 8 | a.b[9], a.b[10] << 8 | a.b[11],
			 a.b[12] << 8 | a.b[13], a.b[14] << 8 | a.b[15]);
		break;
	default:
		snprintf(base, sizeof(base), "%u.%u.%u.%u", a.b[12], a.b[13],
			 a.b[14], a.b[15]);
		break;
	}
	len = strlen(base);
	for (int m = rand() % 3; m > 0; m--) {
		size_t pos = (size_t)rand() % (len + 1);

		switch (rand() % 3) {
		case 0:	/* delete */
			if (pos < len) {
				memmove(base + pos, base + pos + 1, len - pos);
				len--;
			}
			break;
		case 1:	/* insert */
			if (len + 2 < sizeof(base)) {
				memmove(base + pos + 1, base + pos,
					len - pos + 1);
				base[pos] = alphabet[(unsigned)rand() %
						     (sizeof(alphabet) - 1)];
				len++;
			}
			break;
		default: /* replace */
			if (pos < len)
				base[pos] = alphabet[(unsigned)rand() %
						     (sizeof(alphabet) - 1)];
			break;
		}
	}
	snprintf(out, size, "%s", base);
}

static void test_random_parse(unsigned seed)
{
	unsigned fails = 0, accepted = 0;
	char text[64];

	srand(seed + 1);
	for (unsigned i = 0; i < RANDOM_PARSE_CASES; i++) {
		struct rt_addr a, want;
		bool v6 = strchr((random_text(text, sizeof(text)), text),
				 ':') != NULL;
		int ours = rt_addr_parse(text, &a);
		int theirs;

		if (v6) {
			theirs = inet_pton(AF_INET6, text, want.b);
		} else {
			uint8_t v4[4];

			theirs = inet_pton(AF_INET, text, v4);
			if (theirs == 1)
				rt_addr_from_v4(&want, v4);
		}
		if ((ours == 0) != (theirs == 1) ||
		    (ours == 0 && memcmp(a.b, want.b, 16) != 0)) {
			if (fails++ < 5)
				tap_diag("\"%s\": ours %d, inet_pton %d", text,
					 ours, theirs);
		}
		accepted += ours == 0;
	}
	tap_is_int(fails, 0, "%d random texts (%u valid) parse like inet_pton",
		   RANDOM_PARSE_CASES, accepted);
}

static void test_cmp_and_net(void)
{
	struct rt_addr v4a, v4b, v6a, v6b, net4, net6;

	rt_addr_parse("10.0.0.1", &v4a);
	rt_addr_parse("10.0.0.2", &v4b);
	rt_addr_parse("::1", &v6a);
	rt_addr_parse("2001:db8::1", &v6b);
	tap_ok(rt_addr_cmp(&v4a, &v4b) < 0, "cmp ipv4 numeric");
	tap_ok(rt_addr_cmp(&v4b, &v6a) < 0, "cmp ipv4 before ::1");
	tap_ok(rt_addr_cmp(&v6a, &v4a) > 0, "cmp ::1 after ipv4");
	tap_ok(rt_addr_cmp(&v6a, &v6b) < 0, "cmp ipv6 numeric");
	tap_ok(rt_addr_cmp(&v6b, &v6b) == 0, "cmp equal");
	tap_ok(rt_addr_is_v4(&v4a) && !rt_addr_is_v4(&v6a), "is_v4");

	rt_addr_parse("10.0.0.0", &net4);
	rt_addr_parse("2001:db8::", &net6);
	tap_ok(rt_addr_in_net(&v4a, &net4, 8), "10.0.0.1 in 10/8");
	tap_ok(rt_addr_in_net(&v4a, &net4, 30), "10.0.0.1 in 10.0.0.0/30");
	tap_ok(!rt_addr_in_net(&v4a, &net4, 32), "10.0.0.1 not in /32");
	tap_ok(rt_addr_in_net(&v4a, &net4, 0), "ipv4 /0 matches ipv4");
	tap_ok(!rt_addr_in_net(&v6a, &net4, 0), "ipv4 /0 not ipv6");
	tap_ok(!rt_addr_in_net(&v4a, &net6, 0), "ipv6 /0 not ipv4");
	tap_ok(!rt_addr_in_net(&v4a, &net4, 33), "ipv4 /33 never matches");
	tap_ok(rt_addr_in_net(&v6b, &net6, 32), "2001:db8::1 in /32");
	tap_ok(rt_addr_in_net(&v6b, &net6, 127), "2001:db8::1 in /127");
	tap_ok(!rt_addr_in_net(&v6b, &net6, 128), "2001:db8::1 not in /128");
	tap_ok(!rt_addr_in_net(&v6b, &net6, 129), "ipv6 /129 never matches");
	tap_ok(rt_addr_in_net(&v6a, &net6, 0), "ipv6 /0 matches ipv6");
}

static void test_from(void)
{
	const uint8_t v4[4] = { 192, 0, 2, 1 };
	uint8_t v6[16] = { 0 };
	struct rt_addr a;
	char buf[RT_ADDR_STRLEN];

	rt_addr_from_v4(&a, v4);
	tap_is_str(rt_addr_format(&a, buf), "192.0.2.1", "from_v4");
	v6[10] = v6[11] = 0xff;
	memcpy(v6 + 12, v4, 4);
	rt_addr_from_v6(&a, v6);
	tap_ok(rt_addr_is_v4(&a), "from_v6 of v4-mapped is ipv4");
	tap_is_str(rt_addr_format(&a, buf), "192.0.2.1", "from_v6 mapped");
	v6[10] = 0;
	rt_addr_from_v6(&a, v6);
	tap_is_str(rt_addr_format(&a, buf), "::ff:c000:201", "from_v6");
}

int main(void)
{
	const char *env = getenv("RT_TEST_SEED");
	unsigned seed = env != NULL ? (unsigned)strtoul(env, NULL, 10)
				    : (unsigned)time(NULL);

	tap_diag("seed %u (RT_TEST_SEED=%u repeats this run)", seed, seed);
	test_parse_cases();
	test_parse_n();
	test_from();
	test_cmp_and_net();
	test_random_format(seed);
	test_random_parse(seed);
	return tap_done();
}
