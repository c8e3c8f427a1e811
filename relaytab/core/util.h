/* util.h - small parsers shared by the CLI, the compiler and the plugin:
 * durations, login services, usernames. */
#ifndef RELAYTAB_UTIL_H
#define RELAYTAB_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Parse a duration: a decimal number of seconds, optionally followed by
 * one lower-case unit s, m, h or d ("90", "90s", "30m", "2h", "1d"). No
 * sign, no white space, no fraction; "0" is 0. At most 10 years of 365
 * days (315360000 s). Returns 0, or -1 with errno EINVAL (syntax) or ERANGE
 * (longer than 10 years, however many digits). */
int rt_duration_parse(const char *text, uint32_t *seconds_r);

/* The service a login came through, stored in each record. */
enum rt_service {
	RT_SVC_OTHER = 0,
	RT_SVC_IMAP = 1,
	RT_SVC_POP3 = 2,
	RT_SVC_SUBMISSION = 3,
	RT_SVC_MANAGESIEVE = 4,
	RT_SVC_MANUAL = 5,	/* "relaytab add" */
};
#define RT_SVC_COUNT 6

/* "imap", "pop3", "submission", "managesieve", "manual", "other". */
const char *rt_service_name(enum rt_service svc);
/* Map a name (case-sensitive, as above) to its code; unknown names give
 * RT_SVC_OTHER. */
enum rt_service rt_service_from_name(const char *name);

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
