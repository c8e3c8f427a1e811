/* emit.c - the list of map kinds, the calls that go through a kind, and
 * the writer the text maps share. */
#include "emit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "publish.h"

const struct rt_map_kind *const rt_map_kinds[] = {
	&rt_map_postfix_cdb,
	&rt_map_postfix_hash,
	&rt_map_sendmail_hash,
	&rt_map_text,
	&rt_map_tcprules,
	&rt_map_exim_iplsearch,
	&rt_map_opensmtpd_table,
	NULL,
};

const struct rt_map_kind *rt_map_kind_find(const char *key)
{
	for (size_t i = 0; rt_map_kinds[i] != NULL; i++)
		if (strcmp(rt_map_kinds[i]->setting, key) == 0)
			return rt_map_kinds[i];
	return NULL;
}

int rt_emit(const struct rt_map_kind *kind, const char *path, mode_t mode,
	    const struct rt_keyset *ks, struct rt_err *err)
{
	return kind->emit(path, mode, ks, err);
}

int rt_emit_count(const struct rt_map_kind *kind, const char *path, size_t *count)
{
	return kind->count != NULL ? kind->count(path, count) : -1;
}

int rt_emit_digest(const struct rt_map_kind *kind, const char *path,
		   uint64_t *digest, struct rt_err *err)
{
	/* Read as is: a map someone else wrote might hold a key twice; its
	   digest then differs, and the map is rewritten - which is right. */
	struct rt_key_digest d = { 0, 0 };
	int r = kind->digest(path, &d, err);

	if (r == 0)
		*digest = rt_key_digest_value(&d);
	return r;
}

int rt_emit_lines(const char *path, mode_t mode, const struct rt_keyset *ks,
		  const char *header, void (*put)(FILE *f, const char *key),
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
	if (header != NULL)
		fputs(header, f);
	for (size_t i = 0; i < ks->n; i++)
		put(f, sorted[i]);
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

int rt_emit_lines_digest(const char *path, struct rt_key_digest *d,
			 bool (*key)(char *line, const char **key_r, size_t *len_r),
			 struct rt_err *err)
{
	FILE *f = fopen(path, "re");
	char line[512];
	const char *k;
	size_t len;

	if (f == NULL)
		return rt_err_fail(err, errno, "cannot open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL)
		if (key(line, &k, &len))
			rt_key_digest_add(d, k, len);
	fclose(f);
	return 0;
}
