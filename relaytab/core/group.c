/* group.c - a group given by name or number (group.h). */
#include "group.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>

int rt_group_parse(const char *name, gid_t *gid_r)
{
	struct group *gr = getgrnam(name);
	unsigned long id;
	char *end;

	if (gr != NULL) {
		*gid_r = gr->gr_gid;
		return 0;
	}
	if (name[0] < '0' || name[0] > '9')
		return -1;
	errno = 0;
	id = strtoul(name, &end, 10);
	if (errno != 0 || *end != '\0' || id >= (gid_t)-1)
		return -1;
	*gid_r = (gid_t)id;
	return 0;
}
