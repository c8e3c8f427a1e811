/* publish.h - replacing a file the safe way (the maps, and a new table):
 * a temp file in the same
 * directory (O_CREAT|O_EXCL, explicit mode), written, fsynced and closed,
 * then renamed over the live name, then the directory fsynced. The live
 * file is never written in place, never unlinked, never hard-linked; on any
 * error the temp file is removed and the live file is left as it was. */
#ifndef RELAYTAB_PUBLISH_H
#define RELAYTAB_PUBLISH_H

#include <limits.h>
#include <sys/types.h>

#include "err.h"

struct rt_publish {
	char path[PATH_MAX];	/* the live file */
	char tmp[PATH_MAX];	/* the temp file beside it */
	mode_t mode;
	int fd;			/* open on tmp, or -1 */
};

/* Choose a temp name beside path. With open_fd, create it (O_EXCL, mode
 * 0600 until the commit gives it mode) and leave p->fd open read-write;
 * without, the caller creates p->tmp itself (exclusively: Berkeley DB
 * does). */
int rt_publish_begin(struct rt_publish *p, const char *path, mode_t mode,
		     int open_fd, struct rt_err *err);
/* fsync, close, set the mode, rename over the live file, fsync the dir. */
int rt_publish_commit(struct rt_publish *p, struct rt_err *err);
/* Close and remove the temp file. */
void rt_publish_abort(struct rt_publish *p);

#endif
