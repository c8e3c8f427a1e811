/* table-file.c - creating, opening and validating a table file. */
#include "table-priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crc32.h"
#include "publish.h"

void (*rt_table_test_step_hook)(int step) = NULL;

static uint64_t rt_slots_off(uint64_t capacity)
{
	uint64_t end = RT_HDR_SIZE + 4 * capacity;

	return (end + 4095) & ~(uint64_t)4095;
}

uint64_t rt_table_file_size(unsigned cap_log2)
{
	uint64_t capacity = (uint64_t)1 << cap_log2;

	return rt_slots_off(capacity) + capacity * RT_SLOT_SIZE;
}

unsigned rt_table_cap_log2_of_size(uint64_t size)
{
	for (unsigned k = RT_CAP_LOG2_MIN; k <= RT_CAP_LOG2_MAX; k++)
		if (rt_table_file_size(k) == size)
			return k;
	return 0;
}

static int rt_init_file(int fd, unsigned cap_log2, uint32_t grace,
			struct rt_err *err)
{
	uint64_t capacity = (uint64_t)1 << cap_log2;
	uint64_t slots_off = rt_slots_off(capacity);
	uint64_t size = slots_off + capacity * RT_SLOT_SIZE;
	struct rt_hdr *h;
	uint8_t *map;
	int r;

	if ((r = posix_fallocate(fd, 0, (off_t)size)) != 0)
		return rt_err_fail(err, r, "cannot allocate %llu bytes: %s",
				   (unsigned long long)size, strerror(r));
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return rt_err_fail(err, errno, "mmap: %s", strerror(errno));
	h = (struct rt_hdr *)map;
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, RT_MAGIC, 8);
	h->byte_order = RT_BYTE_ORDER;
	h->vmajor = RT_VMAJOR;
	h->vminor = RT_VMINOR;
	h->hdr_size = RT_HDR_SIZE;
	h->slot_size = RT_SLOT_SIZE;
	h->rec_size = RT_REC_SIZE;
	h->lock_size = RT_LOCK_SIZE;
	h->lock_abi = RT_LOCK_ABI_OWNER;
	h->window = RT_WINDOW;
	h->cap_log2 = cap_log2;
	h->capacity = capacity;
	h->tags_off = RT_HDR_SIZE;
	h->slots_off = slots_off;
	h->file_size = size;
	if (getrandom(h->seed, sizeof(h->seed), 0) != sizeof(h->seed)) {
		munmap(map, size);
		return rt_err_fail(err, EIO, "getrandom failed");
	}
	h->created = (uint64_t)time(NULL);
	h->nwin = RT_NWIN;
	h->grace = grace;
	/* posix_fallocate gave zeros: every lock free, every slot empty */
	h->hdr_crc = rt_crc32(h, RT_CRC_SPAN);
	r = msync(map, size, MS_SYNC);
	munmap(map, size);
	if (r != 0 || fsync(fd) != 0)
		return rt_err_fail(err, errno, "sync: %s", strerror(errno));
	return 0;
}

/* Whether the open file fd already has group gid. */
static bool rt_fd_has_group(int fd, gid_t gid)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_gid == gid;
}

int rt_table_create(const char *path, const struct rt_create_opts *opts,
		    struct rt_err *err)
{
	unsigned cap_log2 = opts->cap_log2 ? opts->cap_log2 : RT_CAP_LOG2_DEFAULT;
	uint32_t grace = opts->grace ? opts->grace : 1800;
	struct rt_table *old = NULL;
	struct rt_publish p;
	struct rt_err old_err;
	struct stat st;
	int saved;

	if (cap_log2 < RT_CAP_LOG2_MIN || cap_log2 > RT_CAP_LOG2_MAX)
		return rt_err_fail(err, EINVAL,
				   "capacity 2^%u out of range (2^%d..2^%d slots)",
				   cap_log2, RT_CAP_LOG2_MIN, RT_CAP_LOG2_MAX);
	if (!opts->force && lstat(path, &st) == 0) {
		if (rt_table_open(path, RT_OPEN_RDONLY, &old, &old_err) == 0) {
			rt_table_close(&old);
			return rt_err_fail(err, EEXIST,
				"%s is already a valid table; not replacing it without --force",
				path);
		}
		return rt_err_fail(err, EEXIST,
			"%s exists and is not a usable table (%s); not replacing it without --force",
			path, old_err.msg);
	}
	if (rt_publish_begin(&p, path, opts->mode, 1, err) != 0)
		return -1;
	/* Filled while still 0600, so that no group member can shrink it
	 * under our mapping; the group gets it once it is complete. */
	if (rt_init_file(p.fd, cap_log2, grace, err) != 0) {
		saved = errno;
		rt_publish_abort(&p);
		errno = saved;
		return -1;
	}
	/* (only if it is not that group already: a sandboxed service may not
	 * call fchown at all, and need not when the group is its own) */
	if (opts->gid != (gid_t)-1 && !rt_fd_has_group(p.fd, opts->gid) &&
	    fchown(p.fd, (uid_t)-1, opts->gid) != 0) {
		saved = errno;
		rt_publish_abort(&p);
		return rt_err_fail(err, saved, "cannot set the group of %s: %s",
				   p.tmp, strerror(saved));
	}
	return rt_publish_commit(&p, err);
}

/* Check the private header copy; returns 0 or -1 with the reason. */
static int rt_validate_header(const struct rt_hdr *h, uint64_t st_size,
			      struct rt_err *err)
{
	uint64_t cap;

#define BAD(...) rt_err_fail(err, EINVAL, __VA_ARGS__)
	if (memcmp(h->magic, RT_MAGIC, 8) != 0)
		return BAD("not a relaytab table (bad magic)");
	if (h->byte_order != RT_BYTE_ORDER)
		return BAD("table has foreign byte order (byte_order 0x%04x)",
			   h->byte_order);
	if (h->vmajor != RT_VMAJOR)
		return BAD("unsupported table version %u.%u (this is %d.%d)",
			   h->vmajor, h->vminor, RT_VMAJOR, RT_VMINOR);
	if (rt_crc32(h, RT_CRC_SPAN) != h->hdr_crc)
		return BAD("corrupt table header (hdr_crc mismatch)");
	if (h->hdr_size != RT_HDR_SIZE)
		return BAD("bad hdr_size %u (want %d)", h->hdr_size, RT_HDR_SIZE);
	if (h->slot_size != RT_SLOT_SIZE)
		return BAD("bad slot_size %u (want %d)", h->slot_size, RT_SLOT_SIZE);
	if (h->rec_size != RT_REC_SIZE)
		return BAD("bad rec_size %u (want %d)", h->rec_size, RT_REC_SIZE);
	if (h->lock_abi != RT_LOCK_ABI_OWNER)
		return BAD("bad lock_abi %u (want %d)", h->lock_abi, RT_LOCK_ABI_OWNER);
	if (h->lock_size != RT_LOCK_SIZE)
		return BAD("bad lock_size %u (want %d)", h->lock_size, RT_LOCK_SIZE);
	if (h->cap_log2 < RT_CAP_LOG2_MIN || h->cap_log2 > RT_CAP_LOG2_MAX)
		return BAD("bad cap_log2 %u", h->cap_log2);
	cap = (uint64_t)1 << h->cap_log2;
	if (h->capacity != cap)
		return BAD("bad capacity %llu (cap_log2 %u)",
			   (unsigned long long)h->capacity, h->cap_log2);
	if (h->window != RT_WINDOW)
		return BAD("bad window %u (want %d)", h->window, RT_WINDOW);
	if (h->nwin != 1 && h->nwin != 2)
		return BAD("bad nwin %u", h->nwin);
	if (h->tags_off != RT_HDR_SIZE)
		return BAD("bad tags_off %llu", (unsigned long long)h->tags_off);
	if (h->slots_off != rt_slots_off(cap))
		return BAD("bad slots_off %llu", (unsigned long long)h->slots_off);
	if (h->file_size != h->slots_off + cap * RT_SLOT_SIZE)
		return BAD("bad file_size %llu in header",
			   (unsigned long long)h->file_size);
	if (h->file_size != st_size)
		return BAD("table file is %llu bytes, header says %llu (truncated?)",
			   (unsigned long long)st_size,
			   (unsigned long long)h->file_size);
#undef BAD
	return 0;
}

/* Release everything an open (complete or not) acquired. */
static void rt_table_free(struct rt_table *t)
{
	rt_window_fini(t);
	if (t->map != NULL)
		munmap(t->map, t->map_size);
	close(t->fd);
	free(t->path);
	free(t);
}

int rt_table_open(const char *path, int flags, struct rt_table **table_r,
		  struct rt_err *err)
{
	bool rw = (flags & RT_OPEN_RDWR) != 0;
	struct rt_hdr hdr;
	struct rt_table *t;
	struct stat st;
	ssize_t n;
	int fd, saved;

	*table_r = NULL;
	rt_guard_init();
	/* O_NONBLOCK: a FIFO put at the path must not block the open (it is
	   then refused as not a regular file); a regular file ignores it */
	fd = open(path, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		saved = errno;
		if (saved == ELOOP)
			return rt_err_fail(err, EINVAL,
					   "%s is a symbolic link; refusing it", path);
		return rt_err_fail(err, saved, "cannot open %s: %s", path,
				   strerror(saved));
	}
	if (fstat(fd, &st) != 0) {
		saved = errno;
		close(fd);
		return rt_err_fail(err, saved, "fstat %s: %s", path, strerror(saved));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return rt_err_fail(err, EINVAL, "%s is not a regular file", path);
	}
	if (st.st_size < RT_HDR_SIZE) {
		close(fd);
		return rt_err_fail(err, EINVAL,
			"%s is too small (%lld bytes) to be a relaytab table",
			path, (long long)st.st_size);
	}
	n = pread(fd, &hdr, sizeof(hdr), 0);
	if (n != (ssize_t)sizeof(hdr)) {
		saved = n < 0 ? errno : EIO;
		close(fd);
		return rt_err_fail(err, saved, "cannot read header of %s", path);
	}
	if (rt_validate_header(&hdr, (uint64_t)st.st_size, err) != 0) {
		char reason[RT_ERR_MAX];

		snprintf(reason, sizeof(reason), "%s", err ? err->msg : "");
		close(fd);
		return rt_err_fail(err, EINVAL, "%s: %s", path, reason);
	}
	if ((t = calloc(1, sizeof(*t))) == NULL || (t->path = strdup(path)) == NULL) {
		free(t);
		close(fd);
		return rt_err_fail(err, ENOMEM, "out of memory");
	}
	t->fd = fd;
	t->writable = rw;
	t->window = hdr.window;
	t->map_size = hdr.file_size;
	if ((flags & RT_OPEN_WINDOW) != 0 && rt_window_possible(t)) {
		if (rt_window_init(t) != 0) {
			saved = errno;
			rt_table_free(t);
			return rt_err_fail(err, saved, "%s: cannot map by window: %s",
					   path, strerror(saved));
		}
		t->map_size = RT_HDR_SIZE;
	}
	t->map = mmap(NULL, t->map_size, PROT_READ | (rw ? PROT_WRITE : 0),
		      MAP_SHARED, fd, 0);
	if (t->map == MAP_FAILED) {
		saved = errno;
		t->map = NULL;
		rt_table_free(t);
		return rt_err_fail(err, saved, "mmap %s: %s", path, strerror(saved));
	}
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	t->file_size = hdr.file_size;
	t->slots_off = hdr.slots_off;
	t->capacity = hdr.capacity;
	t->mask = hdr.capacity - 1;
	t->seed[0] = hdr.seed[0];
	t->seed[1] = hdr.seed[1];
	t->nwin = hdr.nwin;
	memcpy(t->fixed, &hdr, sizeof(t->fixed));
	t->hdr = (struct rt_hdr *)t->map;
	if (!t->windowed) {
		t->tags = (uint32_t *)(t->map + hdr.tags_off);
		t->slots = (struct rt_slot *)(t->map + hdr.slots_off);
	}
	*table_r = t;
	return 0;
}

void rt_table_close(struct rt_table **table)
{
	if (*table == NULL)
		return;
	rt_table_free(*table);
	*table = NULL;
}

int rt_table_still_current(struct rt_table *t)
{
	uint8_t fixed[sizeof(t->fixed)];
	struct stat st;

	if (t->broken)
		return 0;
	if (stat(t->path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (st.st_dev != t->dev || st.st_ino != t->ino ||
	    (uint64_t)st.st_size != t->file_size)
		return 0;
	/* the same file: its fixed header must still be the one we opened */
	if (pread(t->fd, fixed, sizeof(fixed), 0) != (ssize_t)sizeof(fixed))
		return 0;
	return memcmp(fixed, t->fixed, sizeof(fixed)) == 0;
}

bool rt_table_same_file(struct rt_table *t)
{
	struct stat st;

	return stat(t->path, &st) == 0 && st.st_dev == t->dev &&
	       st.st_ino == t->ino;
}
