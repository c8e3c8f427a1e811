/* publish.c - atomic replacement of a map or table file (see publish.h). */
#include "publish.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int rt_publish_begin(struct rt_publish *p, const char *path, mode_t mode,
		     int open_fd, struct rt_err *err)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;
	int dirlen = slash != NULL ? (int)(slash - path + 1) : 0;
	unsigned rnd = 0;

	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
		rnd = (unsigned)time(NULL);
	p->fd = -1;
	p->mode = mode;
	if ((size_t)snprintf(p->path, sizeof(p->path), "%s", path) >= sizeof(p->path) ||
	    (size_t)snprintf(p->tmp, sizeof(p->tmp), "%.*s.%s.relaytab-%ld-%08x",
			     dirlen, path, base, (long)getpid(), rnd) >= sizeof(p->tmp))
		return rt_err_fail(err, ENAMETOOLONG, "path too long: %s", path);
	if (!open_fd)
		return 0;
	/* 0600 until complete (the mode is set at commit); read-write, so
	   that a writer may map it (rt_table_create does) */
	p->fd = open(p->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		     0600);
	if (p->fd < 0)
		return rt_err_fail(err, errno, "cannot create %s: %s", p->tmp,
				   strerror(errno));
	return 0;
}

int rt_publish_commit(struct rt_publish *p, struct rt_err *err)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(p->path, '/');
	int dfd, saved;

	if (p->fd < 0) {
		p->fd = open(p->tmp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (p->fd < 0) {
			saved = errno;
			rt_publish_abort(p);
			return rt_err_fail(err, saved, "cannot reopen %s: %s",
					   p->tmp, strerror(saved));
		}
	}
	if (fchmod(p->fd, p->mode) != 0 || fsync(p->fd) != 0) {
		saved = errno;
		rt_publish_abort(p);
		return rt_err_fail(err, saved, "cannot write %s: %s", p->path,
				   strerror(saved));
	}
	if (close(p->fd) != 0) {
		saved = errno;
		p->fd = -1;
		rt_publish_abort(p);
		return rt_err_fail(err, saved, "cannot write %s: %s", p->path,
				   strerror(saved));
	}
	p->fd = -1;
	if (rename(p->tmp, p->path) != 0) {
		saved = errno;
		rt_publish_abort(p);
		return rt_err_fail(err, saved, "cannot rename %s to %s: %s",
				   p->tmp, p->path, strerror(saved));
	}
	snprintf(dir, sizeof(dir), "%.*s",
		 slash != NULL ? (int)(slash - p->path + 1) : 1,
		 slash != NULL ? p->path : ".");
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
}

void rt_publish_abort(struct rt_publish *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	unlink(p->tmp);
}
