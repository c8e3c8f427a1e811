/* emit-text.c - the plain text map: sorted "key<TAB>OK" lines, for
 * postmap/makemap pipelines, Exim lsearch and humans. */
#include "emit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "publish.h"

int rt_emit_text(const char *path, mode_t mode, const struct rt_keyset *ks,
		 struct rt_err *err)
{
	struct rt_publish p;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int saved;

	if (rt_publish_begin(&p, path, mode, 1, err) != 0)
		return -1;
	for (size_t i = 0; i < ks->n; i++) {
		size_t kl = strlen(ks->keys[i]);

		if (len + kl + 4 > cap) {
			size_t ncap = (cap + kl + 4) * 2;
			char *nb = realloc(buf, ncap);

			if (nb == NULL) {
				errno = ENOMEM;
				goto fail;
			}
			buf = nb;
			cap = ncap;
		}
		memcpy(buf + len, ks->keys[i], kl);
		memcpy(buf + len + kl, "\tOK\n", 4);
		len += kl + 4;
	}
	for (size_t off = 0; off < len;) {
		ssize_t n = write(p.fd, buf + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	free(buf);
	return rt_publish_commit(&p, err);
fail:
	saved = errno;
	free(buf);
	rt_publish_abort(&p);
	return rt_err_fail(err, saved, "cannot write %s: %s", path, strerror(saved));
}

int rt_emit_text_read(const char *path, struct rt_keyset *ks, struct rt_err *err)
{
	FILE *f = fopen(path, "re");
	char line[512];

	memset(ks, 0, sizeof(*ks));
	if (f == NULL)
		return rt_err_fail(err, errno, "cannot open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		char *tab = strchr(line, '\t');

		if (tab == NULL)
			continue;
		if (rt_keyset_add(ks, line, (size_t)(tab - line)) != 0) {
			fclose(f);
			rt_keyset_free(ks);
			return rt_err_fail(err, ENOMEM, "out of memory");
		}
	}
	fclose(f);
	rt_keyset_finish(ks);
	return 0;
}
