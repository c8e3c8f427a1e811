/* user.h - the user name each record stores, cut to its field. */
#ifndef RELAYTAB_USER_H
#define RELAYTAB_USER_H

#include <stddef.h>

/* Longest username stored, in bytes. */
#define RT_USER_MAX 64

/* Copy a username into dst (RT_USER_MAX + 1 bytes, NUL-terminated),
 * truncating it to at most RT_USER_MAX bytes without splitting a UTF-8
 * sequence: if the cut would fall inside a sequence, the whole sequence is
 * dropped. Bytes are otherwise kept as they are (invalid UTF-8, control
 * characters): whoever displays a username sanitises it. A C string has no
 * inner NUL, so the name ends at its first NUL. NULL counts as "". Returns
 * the stored length (no NUL counted). */
size_t rt_user_truncate(char dst[RT_USER_MAX + 1], const char *user);

#endif
