/* user.c - store a username in a fixed-size field without splitting a
 * UTF-8 sequence. */
#include "user.h"

#include <stdbool.h>
#include <string.h>

static bool is_utf8_continuation(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

size_t rt_user_truncate(char dst[RT_USER_MAX + 1], const char *user)
{
	size_t len;

	if (user == NULL)
		user = "";
	len = strnlen(user, RT_USER_MAX + 1);
	if (len > RT_USER_MAX) {
		/* user[RT_USER_MAX] is the first byte cut off. If it
		 * continues a sequence, cut before that sequence's lead
		 * byte; a UTF-8 sequence has at most 3 continuation bytes,
		 * so more than that is not UTF-8 and is cut as bytes. */
		size_t cut = RT_USER_MAX;

		while (cut > RT_USER_MAX - 3 && is_utf8_continuation(user[cut]))
			cut--;
		if (is_utf8_continuation(user[cut]))
			cut = RT_USER_MAX;
		len = cut;
	}
	memcpy(dst, user, len);
	dst[len] = '\0';
	return len;
}
