/* emit-text.c - the plain text map: sorted "key<TAB>OK" lines, for
 * postmap/makemap pipelines, Exim lsearch and humans. */
#include "emit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void put_text(FILE *f, const char *key)
{
	fprintf(f, "%s\tOK\n", key);
}

static int emit_text(const char *path, mode_t mode, const struct rt_keyset *ks,
		     struct rt_err *err)
{
	return rt_emit_lines(path, mode, ks, NULL, put_text, err);
}

static int emit_text_digest(const char *path, struct rt_key_digest *d,
			    struct rt_err *err)
{
	FILE *f = fopen(path, "re");
	char line[512];

	if (f == NULL)
		return rt_err_fail(err, errno, "cannot open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		char *tab = strchr(line, '\t');

		if (tab == NULL)
			continue;
		rt_key_digest_add(d, line, (size_t)(tab - line));
	}
	fclose(f);
	return 0;
}

const struct rt_map_kind rt_map_text = {
	.setting = "text",
	.help = "write sorted IP<TAB>OK lines",
	.suffix = "",
	.form = RT_KEYS_POSTFIX,
	.emit = emit_text,
	.digest = emit_text_digest,
};
