/* test-netlist.c - rt_netlist: Postfix mynetworks syntax, refusals with
 * one clear reason naming the entry, and matching. */
#include "addr.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct list_case {
	const char *name, *text;
	long count;		/* -1: must be refused */
	const char *reason;	/* substring of the reason when refused */
	const char *inside, *outside;	/* comma-free, space-separated */
};

static const struct list_case list_cases[] = {
	{ "empty", "", 0, NULL, "", "192.0.2.1 ::1" },
	{ "blank", " \t\n ,, ", 0, NULL, "", "127.0.0.1" },
	{ "one host", "127.0.0.1", 1, NULL, "127.0.0.1", "127.0.0.2 ::1" },
	{ "mixed separators", "127.0.0.0/8, 192.168.0.0/16\t[::1]/128\n"
	  "2001:db8::/32,,[2001:db8:1::]/48", 5, NULL,
	  "127.1.2.3 192.168.255.1 ::1 2001:db8:ffff::1 ::ffff:127.0.0.1",
	  "128.0.0.1 192.169.0.1 ::2 2001:db9::1" },
	{ "ipv4 /0", "0.0.0.0/0", 1, NULL, "1.2.3.4 255.255.255.255",
	  "::1 2001:db8::1" },
	{ "ipv6 /0", "::/0", 1, NULL, "::1 2001:db8::1", "1.2.3.4" },
	{ "ipv4 /32", "192.0.2.1/32", 1, NULL, "192.0.2.1", "192.0.2.0" },
	{ "ipv6 odd prefix", "2001:db8:8000::/33", 1, NULL,
	  "2001:db8:8000::1 2001:db8:ffff::", "2001:db8:7fff::1" },
	{ "bracketed host", "[2001:db8::5]", 1, NULL, "2001:db8::5",
	  "2001:db8::6" },
	{ "v4-mapped net counts ipv4 bits", "::ffff:10.0.0.0/104", 1, NULL,
	  "10.1.2.3", "11.0.0.1" },
	{ "ipv4 host bits", "192.168.1.1/24", -1,
	  "entry 1 \"192.168.1.1/24\": host bits are set below the /24 prefix "
	  "(the network is 192.168.1.0/24)", NULL, NULL },
	{ "ipv6 host bits", "::1, 2001:db8::1/64", -1,
	  "entry 2 \"2001:db8::1/64\": host bits are set below the /64 "
	  "prefix (the network is 2001:db8::/64)", NULL, NULL },
	{ "ipv4 /33", "10.0.0.0/33", -1, "/33 is larger than /32", NULL,
	  NULL },
	{ "ipv6 /129", "[::]/129", -1, "/129 is larger than /128", NULL,
	  NULL },
	{ "prefix empty", "10.0.0.0/", -1, "must be a decimal number", NULL,
	  NULL },
	{ "prefix sign", "10.0.0.0/-8", -1, "must be a decimal number", NULL,
	  NULL },
	{ "prefix 4 digits", "10.0.0.0/0008", -1, "must be a decimal number",
	  NULL, NULL },
	{ "prefix hex", "10.0.0.0/0x8", -1, "must be a decimal number", NULL,
	  NULL },
	{ "two slashes", "10.0.0.0/8/8", -1, "must be a decimal number",
	  NULL, NULL },
	{ "slash alone", "/", -1, "/file entries are not supported", NULL,
	  NULL },
	{ "file", "127.0.0.0/8 /etc/postfix/network_table", -1,
	  "entry 2 \"/etc/postfix/network_table\": /file entries are not "
	  "supported", NULL, NULL },
	{ "hash table", "hash:/etc/postfix/network_table", -1,
	  "entry 1 \"hash:/etc/postfix/network_table\": type:table entries "
	  "are not supported", NULL, NULL },
	{ "cidr table", "10.0.0.0/8, cidr:/etc/postfix/net.cidr", -1,
	  "entry 2 \"cidr:/etc/postfix/net.cidr\": type:table", NULL, NULL },
	{ "negation", "!10.0.0.1 10.0.0.0/8", -1,
	  "negated entries are not supported", NULL, NULL },
	{ "hostname", "localhost", -1,
	  "entry 1 \"localhost\": not an IP address or network", NULL, NULL },
	{ "prefix inside brackets", "[2001:db8::/32]", -1,
	  "prefix length after the brackets", NULL, NULL },
	{ "zone id", "fe80::1%lo", -1, "zone ids (%name) are not supported",
	  NULL, NULL },
	{ "not hex", "2001:db8::g", -1, "\"2001:db8::g\": not an IP", NULL,
	  NULL },
	{ "v4-mapped short prefix", "::ffff:10.0.0.0/64", -1,
	  "at least /96", NULL, NULL },
	{ "control byte shown escaped", "10.0.0.\x01", -1,
	  "entry 1 \"10.0.0.\\x01\": not an IP", NULL, NULL },
	{ "long entry cut in message",
	  "1111111111111111111111111111111111111111111111111111111111111111111"
	  "1111111111111111111111111111111111", -1,
	  "\"1111111111111111111111111111111111111111...\": too long", NULL,
	  NULL },
};

static void check_addrs(const struct rt_netlist *list, const char *addrs,
			bool want, const char *name)
{
	char buf[512], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", addrs);
	for (char *tok = strtok_r(buf, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save)) {
		struct rt_addr a;

		if (rt_addr_parse(tok, &a) < 0) {
			tap_ok(false, "%s: bad test address %s", name, tok);
			continue;
		}
		tap_ok(rt_netlist_match(list, &a) == want, "%s: %s %s", name,
		       tok, want ? "matches" : "does not match");
	}
}

int main(void)
{
	for (size_t i = 0; i < sizeof(list_cases) / sizeof(list_cases[0]);
	     i++) {
		const struct list_case *c = &list_cases[i];
		struct rt_netlist *list = NULL;
		struct rt_err err;
		int ret;

		strcpy(err.msg, "(none)");
		errno = 0;
		ret = rt_netlist_parse(c->text, &list, &err);
		if (c->count < 0) {
			tap_ok(ret == -1 && errno == EINVAL && list == NULL,
			       "%s: refused (got %d, errno %d)", c->name, ret,
			       errno);
			if (!tap_ok(strstr(err.msg, c->reason) != NULL,
				    "%s: reason", c->name))
				tap_diag("got \"%s\", want it to contain "
					 "\"%s\"", err.msg, c->reason);
			continue;
		}
		if (!tap_is_int(ret, 0, "%s: parses", c->name)) {
			tap_diag("reason: %s", err.msg);
			continue;
		}
		tap_is_int((long long)rt_netlist_count(list), c->count,
			   "%s: count", c->name);
		check_addrs(list, c->inside, true, c->name);
		check_addrs(list, c->outside, false, c->name);
		rt_netlist_free(&list);
		tap_ok(list == NULL, "%s: free clears the pointer", c->name);
	}
	{
		struct rt_addr a;
		struct rt_netlist *list = NULL;

		rt_addr_parse("127.0.0.1", &a);
		tap_ok(!rt_netlist_match(NULL, &a), "NULL list matches nothing");
		tap_is_int((long long)rt_netlist_count(NULL), 0,
			   "NULL list counts 0");
		rt_netlist_free(&list);
		tap_ok(list == NULL, "free of NULL list");
		tap_is_int(rt_netlist_parse(NULL, &list, NULL), -1,
			   "NULL text refused, err may be NULL");
	}
	return tap_done();
}
