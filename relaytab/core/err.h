/* err.h - the error-message buffer that library calls fill on failure.
 *
 * Library functions never print and never exit. A function that can fail
 * for a reason worth telling an administrator takes a struct rt_err * (which
 * may be NULL) and, on failure, writes one human-readable line into it
 * (no trailing newline, no "relaytab:" prefix) and sets errno. */
#ifndef RELAYTAB_ERR_H
#define RELAYTAB_ERR_H

#define RT_ERR_MAX 256

struct rt_err {
	char msg[RT_ERR_MAX];
};

/* Format a message into err (if not NULL). Keeps errno unchanged. */
void rt_err_set(struct rt_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Like rt_err_set, and sets errno to errnum. Returns -1 for tail calls:
 * return rt_err_fail(err, EINVAL, "bad %s", x); */
int rt_err_fail(struct rt_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
