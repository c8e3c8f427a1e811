/* emit-opensmtpd.c - the OpenSMTPD table: the grant networks, one per line
 * ("192.0.2.7", "2001:db8:1:2::/64") after "0.0.0.0/32" (see below), for
 * "table relaytab file:NAME" and
 * "match from src <relaytab> for any action ...". OpenSMTPD matches the
 * client against each network, so every prefix is exact; it reads the file
 * at start and at "smtpctl update table relaytab", which only root may run:
 * the shipped relaytab-opensmtpd.path unit runs it when the file changes. */
#include "emit.h"

#include <stdio.h>
#include <string.h>

#define RT_OPENSMTPD_FIRST "0.0.0.0/32"

static void put_opensmtpd(FILE *f, const char *key)
{
	fprintf(f, "%s\n", key);
}

/* smtpd takes a file for a mapping, which "from src" cannot use, when it
 * is empty or its first entry holds a ':' (an IPv6 network: the colon
 * reads as a key's end): the unspecified address, which no client
 * connects from, makes it a list whatever follows. */
static const char opensmtpd_header[] =
	"# written by relaytab: the networks that may relay now\n"
	RT_OPENSMTPD_FIRST "\n";

static int emit_opensmtpd(const char *path, mode_t mode, const struct rt_keyset *ks,
			  struct rt_err *err)
{
	return rt_emit_lines(path, mode, ks, opensmtpd_header, put_opensmtpd, err);
}

/* "key"; comments and the first line, RT_OPENSMTPD_FIRST */
static bool key_opensmtpd(char *line, const char **key_r, size_t *len_r)
{
	size_t len = strcspn(line, "\n");

	*key_r = line;
	*len_r = len;
	return line[0] != '#' && len > 0 &&
	       !(len == strlen(RT_OPENSMTPD_FIRST) && memcmp(line, RT_OPENSMTPD_FIRST, len) == 0);
}

static int emit_opensmtpd_digest(const char *path, struct rt_key_digest *d,
				 struct rt_err *err)
{
	return rt_emit_lines_digest(path, d, key_opensmtpd, err);
}

const struct rt_map_kind rt_map_opensmtpd_table = {
	.setting = "opensmtpd-table",
	.help = "write NAME, the networks that may relay, for OpenSMTPD's table file:NAME",
	.suffix = "",
	.form = RT_KEYS_CIDR,
	.emit = emit_opensmtpd,
	.digest = emit_opensmtpd_digest,
};
