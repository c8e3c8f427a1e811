/* err.c - filling a struct rt_err with a one-line reason. */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

static void __attribute__((format(printf, 2, 0)))
rt_err_vset(struct rt_err *err, const char *fmt, va_list ap)
{
	int saved = errno;

	if (err != NULL)
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	errno = saved;
}

void rt_err_set(struct rt_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rt_err_vset(err, fmt, ap);
	va_end(ap);
}

int rt_err_fail(struct rt_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rt_err_vset(err, fmt, ap);
	va_end(ap);
	errno = errnum;
	return -1;
}
