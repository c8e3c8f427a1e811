/* table-fair.c - fair eviction. A principal is a user name or an IPv6 /64;
 * one that holds RT_FAIR_CAP or more live records may not evict another
 * principal's live record to make room for a login (it may still take free
 * slots, expired records and its own). The table's owner (relaytab watch)
 * counts every principal's live records (rt_table_fair_update) and
 * publishes those over the cap in the header; a writer reads that list
 * only when a login finds every candidate slot taken. Principals are 64-bit
 * SipHash values under the table's key. The list is writable by any group
 * member like everything else: forging it can only stop evictions, which
 * costs logins that a full table costs anyway. */
#include "table-priv.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <urcu/uatomic.h>

#include "array.h"
#include "siphash.h"

uint64_t rt_principal_user(const struct rt_table *t, const char *user, size_t len)
{
	uint8_t buf[1 + RT_USER_MAX];

	if (len > RT_USER_MAX)
		len = RT_USER_MAX;
	buf[0] = 'u';
	memcpy(buf + 1, user, len);
	return rt_siphash24(t->seed, buf, 1 + len) | 1;
}

uint64_t rt_principal_net(const struct rt_table *t, const uint8_t ip[16])
{
	struct rt_addr a;
	uint8_t buf[9];

	memcpy(a.b, ip, 16);
	if (rt_addr_is_v4(&a))
		return 0;
	buf[0] = 'n';
	memcpy(buf + 1, ip, 8);
	return rt_siphash24(t->seed, buf, sizeof(buf)) | 1;
}

bool rt_fair_over(struct rt_table *t, uint64_t user_p, uint64_t net_p)
{
	uint32_t n = uatomic_read(&t->hdr->overcap_n);

	if (n > RT_OVERCAP_MAX)
		n = RT_OVERCAP_MAX;
	for (uint32_t k = 0; k < n; k++) {
		uint64_t p = uatomic_read(&t->hdr->overcap[k]);

		if (p != 0 && (p == user_p || p == net_p))
			return true;
	}
	return false;
}

struct rt_fair_ctx {
	struct rt_table *t;
	uint64_t *v;
	size_t n, cap;
	uint32_t now, grace;
};

static int rt_fair_push(struct rt_fair_ctx *c, uint64_t p)
{
	uint64_t *slot = RT_ARRAY_ADD(c->v, c->n, c->cap);

	if (slot == NULL)
		return ENOMEM;
	*slot = p;
	return 0;
}

static int rt_fair_collect(const struct rt_record *rec, void *context)
{
	struct rt_fair_ctx *c = context;
	uint64_t net = rt_principal_net(c->t, rec->ip.b);
	int r;

	if (!rt_record_live(rec, c->now, c->grace))
		return 0;
	if ((r = rt_fair_push(c, rt_principal_user(c->t, rec->user, strlen(rec->user)))) != 0)
		return r;
	return net != 0 ? rt_fair_push(c, net) : 0;
}

static int rt_u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A principal over the cap and how many live records it holds. */
struct rt_fair_over {
	uint64_t p;
	size_t n;
};

static int rt_over_cmp(const void *a, const void *b)
{
	const struct rt_fair_over *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;	/* the largest first */
	return x->p < y->p ? -1 : x->p > y->p;
}

int rt_table_fair_update(struct rt_table *t, uint32_t now, uint32_t grace,
			 unsigned cap, unsigned *over_r)
{
	_Static_assert(RT_OVERCAP_LIST == RT_OVERCAP_MAX, "the header's list");
	struct rt_fair_ctx c = { t, NULL, 0, 0, now, grace };
	struct rt_fair_over *over;
	size_t n = 0, listed;
	int r;

	*over_r = 0;
	if (!t->writable) {
		errno = EBADF;
		return -1;
	}
	if (cap == 0)
		cap = 1;
	if ((r = rt_table_scan(t, now, 0, rt_fair_collect, &c, NULL)) != 0) {
		free(c.v);
		if (r > 0)
			errno = r;
		return -1;
	}
	if (c.n > 1)	/* qsort(NULL, 0) is undefined: c.v is NULL when empty */
		qsort(c.v, c.n, sizeof(*c.v), rt_u64_cmp);
	if ((over = calloc(c.n / cap + 1, sizeof(*over))) == NULL) {
		free(c.v);
		return -1;
	}
	for (size_t i = 0, j; i < c.n; i = j) {
		for (j = i; j < c.n && c.v[j] == c.v[i]; j++)
			;
		if (j - i >= cap)
			over[n++] = (struct rt_fair_over){ c.v[i], j - i };
	}
	free(c.v);
	/* more than the header holds: list the largest */
	if (n > 1)
		qsort(over, n, sizeof(*over), rt_over_cmp);
	listed = n < RT_OVERCAP_MAX ? n : RT_OVERCAP_MAX;
	r = RT_GUARDED(t, int, ({
		for (size_t k = 0; k < listed; k++)
			uatomic_set(&t->hdr->overcap[k], over[k].p);
		uatomic_set(&t->hdr->overcap_n, (uint32_t)listed);
		0; }));
	free(over);
	*over_r = n > UINT_MAX ? UINT_MAX : (unsigned)n;
	return r;
}
