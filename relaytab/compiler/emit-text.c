/* emit-text.c - the plain text map: sorted "key<TAB>OK" lines, for
 * postmap/makemap pipelines, Exim lsearch and humans. */
#include "emit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "publish.h"

static int emit_text(const char *path, mode_t mode, const struct rt_keyset *ks,
		     struct rt_err *err)
{
	const char **sorted = rt_keyset_sorted(ks);
	struct rt_publish p;
	int fd, saved;
	FILE *f;

	if (sorted == NULL)
		return rt_err_fail(err, ENOMEM, "out of memory");
	if (rt_publish_begin(&p, path, mode, 1, err) != 0) {
		free(sorted);
		return -1;
	}
	/* stdio on a duplicate: rt_publish_commit() syncs and closes p.fd */
	if ((fd = dup(p.fd)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		saved = errno;
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	for (size_t i = 0; i < ks->n; i++)
		fprintf(f, "%s\tOK\n", sorted[i]);
	errno = 0;
	if (ferror(f) | (fclose(f) != 0)) {	/* both: fclose always */
		saved = errno != 0 ? errno : EIO;
		goto fail;
	}
	free(sorted);
	return rt_publish_commit(&p, err);
fail:
	free(sorted);
	rt_publish_abort(&p);
	return rt_err_fail(err, saved, "cannot write %s: %s", path, strerror(saved));
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
