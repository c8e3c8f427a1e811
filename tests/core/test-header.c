/* test-header.c - a corrupt, truncated or foreign table file is refused
 * with EINVAL and a reason naming what is wrong: one case per header field. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32.h"
#include "table.h"
#include "table-format.h"
#include "tap.h"

static char dir[] = "/tmp/rt-test-header.XXXXXX";
static char good[256], bad[256];
static size_t good_size;
static unsigned char *good_bytes;

struct header_case {
	const char *name;
	size_t off;
	int width;		/* 1, 2, 4 or 8 bytes */
	uint64_t value;
	int fix_crc;		/* recompute hdr_crc to reach later checks */
	const char *want;	/* substring of the reason */
};

static const struct header_case cases[] = {
	{ "magic", 0, 1, 'X', 0, "magic" },
	{ "byte order", 8, 2, 0x0201, 0, "byte order" },
	{ "major version", 10, 2, 1, 0, "version" },
	{ "checksum", 72, 1, 0x55, 0, "hdr_crc" },
	{ "hdr_size", 14, 2, 2048, 1, "hdr_size" },
	{ "slot_size", 16, 4, 128, 1, "slot_size" },
	{ "rec_size", 20, 4, 64, 1, "rec_size" },
	{ "lock_size", 24, 4, 48, 1, "lock_size" },
	{ "lock_abi", 28, 4, 1, 1, "lock_abi" },
	{ "window", 32, 4, 8, 1, "window" },
	{ "cap_log2 too large", 36, 4, 40, 1, "cap_log2" },
	{ "cap_log2 too small", 36, 4, 3, 1, "cap_log2" },
	{ "capacity", 40, 8, 2048, 1, "capacity" },
	{ "tags_off", 48, 8, 8192, 1, "tags_off" },
	{ "slots_off", 56, 8, 4096, 1, "slots_off" },
	{ "file_size", 64, 8, 0, 1, "file_size" },	/* value: size + 256 */
	{ "nwin", 96, 4, 3, 1, "nwin" },
};

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd) != 0)
		tap_bail("write %s", path);
}

static void expect_refused(const char *name, const char *path, const char *want)
{
	struct rt_table *t = NULL;
	struct rt_err err = { "" };
	int r;

	errno = 0;
	r = rt_table_open(path, RT_OPEN_RDONLY, &t, &err);
	tap_is_int(r, -1, "%s: refused", name);
	tap_is_int(errno, EINVAL, "%s: errno EINVAL", name);
	if (!tap_ok(strstr(err.msg, want) != NULL, "%s: reason mentions \"%s\"", name, want))
		tap_diag("got reason \"%s\"", err.msg);
	rt_table_close(&t);
}

int main(void)
{
	struct rt_create_opts o = { 10, 0600, (gid_t)-1, 0, false };
	struct rt_table *t;
	struct rt_err err;
	struct stat st;
	unsigned char *b;
	int fd;

	if (mkdtemp(dir) == NULL)
		tap_bail("mkdtemp");
	snprintf(good, sizeof(good), "%s/good", dir);
	snprintf(bad, sizeof(bad), "%s/bad", dir);
	if (rt_table_create(good, &o, &err) != 0)
		tap_bail("create: %s", err.msg);
	stat(good, &st);
	good_size = (size_t)st.st_size;
	good_bytes = malloc(good_size);
	b = malloc(good_size);
	fd = open(good, O_RDONLY);
	if (fd < 0 || read(fd, good_bytes, good_size) != (ssize_t)good_size)
		tap_bail("read good table");
	close(fd);
	tap_is_int(rt_table_open(good, RT_OPEN_RDONLY, &t, &err), 0, "the good table opens");
	rt_table_close(&t);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct header_case *c = &cases[i];
		uint64_t v = c->value;

		if (strcmp(c->name, "file_size") == 0)
			v = good_size + 256;
		memcpy(b, good_bytes, good_size);
		switch (c->width) {
		case 1: b[c->off] = (unsigned char)v; break;
		case 2: { uint16_t x = (uint16_t)v; memcpy(b + c->off, &x, 2); break; }
		case 4: { uint32_t x = (uint32_t)v; memcpy(b + c->off, &x, 4); break; }
		default: memcpy(b + c->off, &v, 8); break;
		}
		if (c->fix_crc) {
			uint32_t crc = rt_crc32(b, RT_CRC_SPAN);
			memcpy(b + RT_CRC_SPAN, &crc, 4);
		}
		write_file(bad, b, good_size);
		expect_refused(c->name, bad, c->want);
	}
	write_file(bad, good_bytes, good_size - 256);
	expect_refused("truncated file", bad, "truncated");
	write_file(bad, "", 0);
	expect_refused("empty file", bad, "too small");
	memset(b, 0xa5, 4096);
	write_file(bad, b, 4096);
	expect_refused("foreign file", bad, "magic");
	unlink(bad);
	if (symlink(good, bad) != 0)
		tap_bail("symlink");
	expect_refused("symbolic link", bad, "symbolic link");
	unlink(bad);
	expect_refused("directory", dir, "not a regular file");
	errno = 0;
	tap_is_int(rt_table_open(bad, RT_OPEN_RDONLY, &t, &err), -1, "missing file refused");
	tap_is_int(errno, ENOENT, "missing file: ENOENT");
	unlink(good);
	rmdir(dir);
	free(b);
	free(good_bytes);
	return tap_done();
}
