/* fuzz_policy.c - libFuzzer target for the policy request parser: the
 * input's first byte picks a chunk size, the rest is a connection's byte
 * stream, fed to rt_policy_feed() whole and again in chunks of that size.
 * The parser must never take more bytes than it was given, must end the
 * same requests with the same answers however the stream is cut (it is
 * byte-driven), and every answer (against no table) must be a well-formed
 * DUNNO or DEFER_IF_REJECT reply. */
#include "policy.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_EVENTS 4096

/* One outcome of the stream: a request that ended (its validity, its
 * client) or the error that closed the connection. */
struct event {
	int r;
	int err;
	struct rt_policy_query q;
};

static void check_answer(const struct rt_policy_query *q, struct rt_lookup *lk)
{
	char reply[RT_POLICY_REPLY_MAX];
	size_t n = rt_policy_answer(q, "OK", lk, NULL, 0, reply);
	const char *want = q->valid ? "action=DEFER_IF_REJECT relaytab table unavailable\n\n"
				    : "action=DUNNO\n\n";

	if (n != strlen(want) || memcmp(reply, want, n) != 0)
		abort();
}

/* Feed in[0..len) in chunks of step bytes (0: all at once); record what
 * happened; returns the number of events. */
static size_t run(const char *in, size_t len, size_t step, struct event *ev)
{
	struct rt_policy_req r;
	size_t off = 0, nev = 0;

	memset(&r, 0, sizeof(r));
	while (off < len && nev < FUZZ_MAX_EVENTS) {
		size_t n = step == 0 || len - off < step ? len - off : step;
		size_t used = SIZE_MAX;
		struct rt_policy_query q;
		int res;

		memset(&q, 0, sizeof(q));
		errno = 0;
		res = rt_policy_feed(&r, in + off, n, &used, &q);
		if (used > n || (res == 1 && used == 0) || (res != 1 && used != n))
			abort();
		off += used;
		if (res == 0)
			continue;
		ev[nev].r = res;
		ev[nev].err = res < 0 ? errno : 0;
		ev[nev].q = q;
		if (res < 0 && errno != EINVAL && errno != EMSGSIZE)
			abort();
		nev++;
		if (res < 0)
			break;
	}
	return nev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event whole[FUZZ_MAX_EVENTS], cut[FUZZ_MAX_EVENTS];
	struct rt_lookup lk;
	size_t step, n1, n2;

	if (size == 0)
		return 0;
	step = data[0] % 64 + 1;
	rt_lookup_init(&lk, &(struct rt_relay_rule){ 60, NULL, RT_IPV6_PREFIX_DEFAULT, 0 });
	n1 = run((const char *)data + 1, size - 1, 0, whole);
	n2 = run((const char *)data + 1, size - 1, step, cut);
	if (n1 != n2)
		abort();
	for (size_t i = 0; i < n1; i++) {
		if (whole[i].r != cut[i].r || whole[i].err != cut[i].err ||
		    whole[i].q.valid != cut[i].q.valid ||
		    (whole[i].q.valid && memcmp(&whole[i].q.client, &cut[i].q.client,
						sizeof(whole[i].q.client)) != 0))
			abort();
		if (whole[i].r == 1)
			check_answer(&whole[i].q, &lk);
	}
	rt_lookup_free(&lk);
	return 0;
}
