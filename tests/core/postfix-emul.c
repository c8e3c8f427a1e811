/* postfix-emul.c - see postfix-emul.h. Uses glibc inet_ntop(), not
 * rt_addr_format(), so that it is an independent oracle. */
#include "postfix-emul.h"

#include <arpa/inet.h>
#include <string.h>

size_t pf_lookup_keys(const struct rt_addr *client,
		      char tried[PF_MAX_LOOKUPS][RT_KEY_MAX])
{
	char text[INET6_ADDRSTRLEN];
	char delim;
	size_t n = 0;

	if (rt_addr_is_v4(client))	/* smtpd_peer.c: mapped -> IPv4 */
		inet_ntop(AF_INET, client->b + 12, text, sizeof(text));
	else
		inet_ntop(AF_INET6, client->b, text, sizeof(text));
	delim = strchr(text, ':') != NULL ? ':' : '.';
	for (;;) {
		char *cut;

		strcpy(tried[n++], text);
		/* split_at_right(): strrchr, cut, go on while one was found */
		cut = strrchr(text, delim);
		if (cut == NULL || n == PF_MAX_LOOKUPS)
			break;
		*cut = '\0';
	}
	return n;
}

bool pf_matches(const struct rt_addr *client, const char (*keys)[RT_KEY_MAX],
		size_t n)
{
	char tried[PF_MAX_LOOKUPS][RT_KEY_MAX];
	size_t count = pf_lookup_keys(client, tried);

	for (size_t i = 0; i < count; i++) {
		for (size_t k = 0; k < n; k++) {
			if (strcmp(tried[i], keys[k]) == 0)
				return true;
		}
	}
	return false;
}
