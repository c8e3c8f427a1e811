/* group.h - a group given by name or number, as chown(1) takes it. */
#ifndef RELAYTAB_GROUP_H
#define RELAYTAB_GROUP_H

#include <sys/types.h>

/* The gid of the group called name, or of the decimal number name (a
 * group this system may not list, e.g. one of a chroot's). Returns 0, or
 * -1 if name is neither. */
int rt_group_parse(const char *name, gid_t *gid_r);

#endif
