/* emit-cdb.c - the Postfix cdb: map, written with tinycdb: keys exactly as
 * Postfix looks them up, lowercase, without a trailing NUL; value "OK". */
#include "emit.h"

#include <cdb.h>
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "publish.h"

static int emit_cdb(const char *path, mode_t mode, const struct rt_keyset *ks,
		    struct rt_err *err)
{
	struct rt_publish p;
	struct cdb_make cm;
	int saved;

	if (rt_publish_begin(&p, path, mode, 1, err) != 0)
		return -1;
	if (cdb_make_start(&cm, p.fd) != 0)
		goto fail;
	for (size_t i = 0; i < ks->n; i++) {
		if (cdb_make_add(&cm, rt_keyset_key(ks, i),
				 (unsigned)rt_keyset_keylen(ks, i), "OK", 2) != 0) {
			saved = errno;
			/* the only call that frees tinycdb's record lists */
			(void)cdb_make_finish(&cm);
			errno = saved;
			goto fail;
		}
	}
	if (cdb_make_finish(&cm) != 0)
		goto fail;
	return rt_publish_commit(&p, err);
fail:
	saved = errno;
	rt_publish_abort(&p);
	return rt_err_fail(err, saved, "cannot write %s: %s", path, strerror(saved));
}

static int emit_cdb_digest(const char *path, struct rt_key_digest *d,
			   struct rt_err *err)
{
	struct cdb c;
	unsigned pos;
	int fd, r, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return rt_err_fail(err, errno, "cannot open %s: %s", path, strerror(errno));
	if (cdb_init(&c, fd) != 0) {
		saved = errno;
		close(fd);
		return rt_err_fail(err, saved, "%s is not a cdb file", path);
	}
	cdb_seqinit(&pos, &c);
	while ((r = cdb_seqnext(&pos, &c)) > 0) {
		const char *k = cdb_getkey(&c);

		if (k == NULL) {
			r = -1;
			break;
		}
		rt_key_digest_add(d, k, cdb_keylen(&c));
	}
	saved = errno;
	cdb_free(&c);
	close(fd);
	if (r < 0)
		return rt_err_fail(err, saved ? saved : EINVAL, "cannot read %s", path);
	return 0;
}

static int emit_cdb_count(const char *path, size_t *count)
{
	unsigned char hdr[2048];	/* 256 tables: position, slots */
	uint64_t slots = 0;
	int fd;
	ssize_t got;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	got = pread(fd, hdr, sizeof(hdr), 0);
	close(fd);
	if (got != (ssize_t)sizeof(hdr))
		return -1;
	for (int i = 0; i < 256; i++)
		slots += cdb_unpack(hdr + 8 * i + 4);
	*count = (size_t)(slots / 2);
	return 0;
}

const struct rt_map_kind rt_map_postfix_cdb = {
	.setting = "postfix-cdb",
	.help = "write NAME.cdb for Postfix cdb:NAME",
	.suffix = ".cdb",
	.form = RT_KEYS_POSTFIX,
	.emit = emit_cdb,
	.digest = emit_cdb_digest,
	.count = emit_cdb_count,
};
