/* emit-text.c - the plain text map: sorted "key<TAB>OK" lines, for
 * postmap/makemap pipelines, Exim lsearch and humans. */
#include "emit.h"

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

/* "key<TAB>OK" */
static bool key_text(char *line, const char **key_r, size_t *len_r)
{
	char *tab = strchr(line, '\t');

	*key_r = line;
	*len_r = tab != NULL ? (size_t)(tab - line) : 0;
	return tab != NULL;
}

static int emit_text_digest(const char *path, struct rt_key_digest *d,
			    struct rt_err *err)
{
	return rt_emit_lines_digest(path, d, key_text, err);
}

const struct rt_map_kind rt_map_text = {
	.setting = "text",
	.help = "write sorted IP<TAB>OK lines",
	.suffix = "",
	.form = RT_KEYS_POSTFIX,
	.emit = emit_text,
	.digest = emit_text_digest,
};
