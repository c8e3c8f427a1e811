/* emit-exim.c - the Exim map: an iplsearch file of the grant networks,
 * one line each, "192.0.2.7: OK" or "\"2001:db8:1:2::/64\": OK" (an IPv6
 * key is quoted: a colon would end it), for an ACL condition
 * "hosts = net-iplsearch;NAME". Exim matches the client's address against
 * each network, so every prefix is exact. Each SMTP connection is an Exim
 * process of its own that opens the file afresh: a replaced file counts
 * from the next connection. */
#include "emit.h"

#include <stdio.h>
#include <string.h>

static void put_exim(FILE *f, const char *key)
{
	bool quote = strchr(key, ':') != NULL;

	fprintf(f, "%s%s%s: OK\n", quote ? "\"" : "", key, quote ? "\"" : "");
}

static int emit_exim(const char *path, mode_t mode, const struct rt_keyset *ks,
		     struct rt_err *err)
{
	return rt_emit_lines(path, mode, ks,
			     "# written by relaytab: the networks that may relay now\n",
			     put_exim, err);
}

/* "key: OK" or "\"key\": OK"; comments */
static bool key_exim(char *line, const char **key_r, size_t *len_r)
{
	char *key = line, *end;

	if (*key == '#')
		return false;
	end = *key == '"' ? strchr(++key, '"') : strchr(key, ':');
	*key_r = key;
	*len_r = end != NULL ? (size_t)(end - key) : 0;
	return end != NULL;
}

static int emit_exim_digest(const char *path, struct rt_key_digest *d,
			    struct rt_err *err)
{
	return rt_emit_lines_digest(path, d, key_exim, err);
}

const struct rt_map_kind rt_map_exim_iplsearch = {
	.setting = "exim-iplsearch",
	.help = "write NAME, the networks that may relay, for Exim's hosts = net-iplsearch;NAME",
	.suffix = "",
	.form = RT_KEYS_CIDR,
	.emit = emit_exim,
	.digest = emit_exim_digest,
};
