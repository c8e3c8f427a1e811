/* socketmap.c - answering socketmap requests from the table. */
#include "socketmap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool socketmap_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == ',';
}

/* Is name[0, len) one of the names in the list? */
static bool socketmap_serves(const char *names, const char *name, size_t len)
{
	const char *p = names;

	while (*p != '\0') {
		size_t n;

		while (socketmap_is_blank(*p))
			p++;
		for (n = 0; p[n] != '\0' && !socketmap_is_blank(p[n]); n++)
			;
		if (n > 0 && n == len && memcmp(p, name, len) == 0)
			return true;
		p += n;
	}
	return false;
}

/* reply = status + text (e.g. "TEMP " + reason), truncated to fit. */
static size_t socketmap_reply(char reply[RT_SOCKETMAP_REPLY_MAX],
			      const char *status, const char *text)
{
	int n = snprintf(reply, RT_SOCKETMAP_REPLY_MAX, "%s%s", status, text);

	if (n < 0)
		return 0;
	return (size_t)n >= RT_SOCKETMAP_REPLY_MAX ? RT_SOCKETMAP_REPLY_MAX - 1 : (size_t)n;
}

size_t rt_socketmap_answer(const struct rt_socketmap *sm, struct rt_table *t,
			   const char *why, const char *req, size_t len,
			   uint32_t now, char reply[RT_SOCKETMAP_REPLY_MAX])
{
	const char *sp = memchr(req, ' ', len);
	const char *key;
	size_t name_len, key_len;
	struct rt_addr ip;
	char name[64];
	int r;

	if (sp == NULL || sp == req)
		return socketmap_reply(reply, "PERM ", "malformed request (want \"NAME KEY\")");
	name_len = (size_t)(sp - req);
	key = sp + 1;
	key_len = len - name_len - 1;
	if (!socketmap_serves(sm->names, req, name_len)) {
		snprintf(name, sizeof(name), "%.*s", (int)(name_len < 40 ? name_len : 40), req);
		for (char *c = name; *c != '\0'; c++) {
			if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
				*c = '?';
		}
		snprintf(reply, RT_SOCKETMAP_REPLY_MAX, "PERM unknown map name \"%s\"", name);
		return strlen(reply);
	}
	if (rt_addr_parse_n(key, key_len, &ip) != 0)
		return socketmap_reply(reply, "NOTFOUND ", "");
	if (t == NULL)
		return socketmap_reply(reply, "TEMP ", why != NULL ? why : "table unavailable");
	r = rt_lookup_live(sm->lookup, t, &ip, now, NULL);
	if (r < 0)
		return socketmap_reply(reply, "TEMP cannot read the table: ", strerror(errno));
	if (r == 0)
		return socketmap_reply(reply, "NOTFOUND ", "");
	return socketmap_reply(reply, "OK ", sm->value);
}
