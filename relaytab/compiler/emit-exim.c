/* emit-exim.c - the Exim map: an iplsearch file of the grant networks,
 * one line each, "192.0.2.7: OK" or "\"2001:db8:1:2::/64\": OK" (an IPv6
 * key is quoted: a colon would end it), for an ACL condition
 * "hosts = net-iplsearch;NAME". Exim matches the client's address against
 * each network, so every prefix is exact. Each SMTP connection is an Exim
 * process of its own that opens the file afresh: a replaced file counts
 * from the next connection. */
#include "emit.h"

#include <errno.h>
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

static int emit_exim_digest(const char *path, struct rt_key_digest *d,
			    struct rt_err *err)
{
	FILE *f = fopen(path, "re");
	char line[512];

	if (f == NULL)
		return rt_err_fail(err, errno, "cannot open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		char *key = line, *end;

		if (*key == '#')
			continue;
		if (*key == '"') {
			end = strchr(++key, '"');
		} else {
			end = strchr(key, ':');
		}
		if (end == NULL)
			continue;
		rt_key_digest_add(d, key, (size_t)(end - key));
	}
	fclose(f);
	return 0;
}

const struct rt_map_kind rt_map_exim_iplsearch = {
	.setting = "exim-iplsearch",
	.help = "write NAME, the networks that may relay, for Exim's hosts = net-iplsearch;NAME",
	.suffix = "",
	.form = RT_KEYS_CIDR,
	.emit = emit_exim,
	.digest = emit_exim_digest,
};
