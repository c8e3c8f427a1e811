/* fuzz_socketmap.c - libFuzzer target for the socketmap request path: the
 * input is a connection's byte stream; every netstring decoded from it is
 * answered (against no table: TEMP or NOTFOUND or PERM), and the decoder
 * must never read past the input, loop, or return a frame that does not
 * re-encode to the same bytes. */
#include "netstring.h"
#include "socketmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_lookup lk;
	struct rt_socketmap sm = { "relay,relaytab", "OK", &lk };
	const char *in = (const char *)data;
	size_t off = 0;

	rt_lookup_init(&lk, &(struct rt_relay_rule){ 60, NULL, RT_IPV6_PREFIX_DEFAULT, 0 });
	while (off < size) {
		const char *p;
		size_t plen, used, n;
		char reply[RT_SOCKETMAP_REPLY_MAX], again[RT_SOCKETMAP_REQ_MAX + 16];
		int r = rt_netstring_decode(in + off, size - off, RT_SOCKETMAP_REQ_MAX,
					    &p, &plen, &used);

		if (r <= 0)
			break;
		if (used == 0 || used > size - off || plen > RT_SOCKETMAP_REQ_MAX ||
		    p < in + off || p + plen > in + off + used)
			abort();
		if (rt_netstring_encode(again, sizeof(again), p, plen) != used ||
		    memcmp(again, in + off, used) != 0)
			abort();
		n = rt_socketmap_answer(&sm, NULL, "no table", p, plen, 0, reply);
		if (n == 0 || n >= RT_SOCKETMAP_REPLY_MAX ||
		    (strncmp(reply, "TEMP ", 5) != 0 && strncmp(reply, "NOTFOUND ", 9) != 0 &&
		     strncmp(reply, "PERM ", 5) != 0))
			abort();
		off += used;
	}
	rt_lookup_free(&lk);
	return 0;
}
