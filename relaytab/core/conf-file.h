/* conf-file.h - reading "key = value" settings files such as
 * /etc/relaytab.conf: # comments and blank lines skipped, keys and values
 * trimmed, every error naming file:line. What the keys mean is the
 * caller's (cli/settings.c holds relaytab's). */
#ifndef RELAYTAB_CONF_FILE_H
#define RELAYTAB_CONF_FILE_H

#include <stdbool.h>

#include "err.h"

/* Called per line; returns 0, or -1 with err (the reader adds file:line). */
typedef int rt_conf_set_fn(void *context, const char *key, const char *value,
			   struct rt_err *err);
/* Read path line by line into set. A missing file is an error only if
 * must_exist. Returns 0, or -1 with errno and err. */
int rt_conf_file_load(const char *path, bool must_exist, rt_conf_set_fn *set,
		      void *context, struct rt_err *err);
/* Replace the string setting *slot with a copy of value (ENOMEM fails). */
int rt_conf_set_string(char **slot, const char *value, struct rt_err *err);

#endif
