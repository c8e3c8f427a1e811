/* netstring.c - netstring decoding and encoding for the socketmap
 * protocol. */
#include "netstring.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Enough digits for any length we accept (max is at most a few KiB). */
#define NETSTRING_DIGITS_MAX 9

int rt_netstring_decode(const char *buf, size_t len, size_t max,
			const char **payload_r, size_t *plen_r, size_t *used_r)
{
	size_t n = 0, i = 0;

	while (i < len && buf[i] >= '0' && buf[i] <= '9') {
		if (i == NETSTRING_DIGITS_MAX || (i == 1 && buf[0] == '0')) {
			errno = i == 1 ? EINVAL : EMSGSIZE;
			return -1;
		}
		n = n * 10 + (size_t)(buf[i] - '0');
		i++;
		if (n > max) {
			errno = EMSGSIZE;
			return -1;
		}
	}
	if (i == len)
		return 0;		/* digits so far (or nothing): read more */
	if (i == 0 || buf[i] != ':') {
		errno = EINVAL;
		return -1;
	}
	i++;
	if (len - i < n + 1)
		return 0;
	if (buf[i + n] != ',') {
		errno = EINVAL;
		return -1;
	}
	*payload_r = buf + i;
	*plen_r = n;
	*used_r = i + n + 1;
	return 1;
}

size_t rt_netstring_encode(char *out, size_t outsize, const char *payload,
			   size_t plen)
{
	char head[24];
	int h = snprintf(head, sizeof(head), "%zu:", plen);

	if (h < 0 || (size_t)h + plen + 1 > outsize)
		return 0;
	memcpy(out, head, (size_t)h);
	memcpy(out + h, payload, plen);
	out[h + plen] = ',';
	return (size_t)h + plen + 1;
}
