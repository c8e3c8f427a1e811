/* conf-file.c - the "key = value" settings file reader (conf-file.h). */
#include "conf-file.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rt_conf_set_string(char **slot, const char *value, struct rt_err *err)
{
	char *copy = strdup(value);

	if (copy == NULL)
		return rt_err_fail(err, ENOMEM, "out of memory");
	free(*slot);
	*slot = copy;
	return 0;
}

static char *conf_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int rt_conf_file_load(const char *path, bool must_exist, rt_conf_set_fn *set,
		      void *context, struct rt_err *err)
{
	FILE *f = fopen(path, "re");
	char line[1024];
	struct rt_err lerr;
	int lineno = 0;

	if (f == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		return rt_err_fail(err, errno, "cannot read %s: %s", path, strerror(errno));
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p, *eq, *key, *value;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			fclose(f);
			return rt_err_fail(err, EINVAL, "%s:%d: line too long", path, lineno);
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		p = conf_trim(line);
		if (*p == '\0')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			fclose(f);
			return rt_err_fail(err, EINVAL, "%s:%d: expected \"key = value\"",
					   path, lineno);
		}
		*eq = '\0';
		key = conf_trim(p);
		value = conf_trim(eq + 1);
		if (set(context, key, value, &lerr) != 0) {
			fclose(f);
			return rt_err_fail(err, EINVAL, "%s:%d: %s", path, lineno, lerr.msg);
		}
	}
	fclose(f);
	return 0;
}
