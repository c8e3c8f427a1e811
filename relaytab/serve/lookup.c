/* lookup.c - live lookups from the table, with the IPv6 prefix index. */
#include "lookup.h"
#include "array.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LOOKUP_REBUILD_MS 1000	/* rebuild at least this often */

struct rt_lookup_pfx {
	struct rt_addr net;	/* the address with the host bits cleared */
	struct rt_addr ip;	/* the recorded address */
};

static int lookup_pfx_cmp(const void *a, const void *b)
{
	const struct rt_lookup_pfx *x = a, *y = b;

	return memcmp(x->net.b, y->net.b, sizeof(x->net.b));
}

void rt_lookup_init(struct rt_lookup *lk, const struct rt_relay_rule *rule)
{
	memset(lk, 0, sizeof(*lk));
	lk->rule = *rule;
}

void rt_lookup_reset(struct rt_lookup *lk)
{
	lk->n = 0;
	lk->built_for = NULL;
}

void rt_lookup_free(struct rt_lookup *lk)
{
	free(lk->v);
	lk->v = NULL;
	lk->n = lk->cap = 0;
	lk->built_for = NULL;
}

static int lookup_collect(const struct rt_record *rec, void *context)
{
	struct rt_lookup *lk = context;

	struct rt_lookup_pfx *p;

	if (rt_addr_is_v4(&rec->ip))
		return 0;
	if ((p = RT_ARRAY_ADD(lk->v, lk->n, lk->cap)) == NULL)
		return ENOMEM;
	p->ip = rec->ip;
	rt_addr_mask(&rec->ip, lk->rule.ipv6_prefix, &p->net);
	return 0;
}

/* Bring the index up to date: every IPv6 address in the table, by prefix.
 * Expired records are kept (a login refreshes one without an insert). */
static int lookup_index(struct rt_lookup *lk, struct rt_table *t)
{
	uint64_t inserts = rt_table_counter(t, RT_CNT_INSERT);
	uint64_t ms = rt_clock_ms();
	int r;

	if (lk->built_for == t && lk->built_bits == lk->rule.ipv6_prefix &&
	    lk->built_inserts == inserts && ms - lk->built_ms < LOOKUP_REBUILD_MS)
		return 0;
	lk->n = 0;
	lk->built_for = NULL;
	r = rt_table_scan(t, 0, 0, lookup_collect, lk, NULL);
	if (r != 0) {
		if (r > 0)
			errno = r;
		return -1;
	}
	if (lk->n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(lk->v, lk->n, sizeof(*lk->v), lookup_pfx_cmp);
	lk->built_for = t;
	lk->built_bits = lk->rule.ipv6_prefix;
	lk->built_inserts = inserts;
	lk->built_ms = ms;
	lk->rebuilds++;
	return 0;
}

static int lookup_exact(struct rt_lookup *lk, struct rt_table *t,
			const struct rt_addr *ip, uint32_t now,
			struct rt_record *rec_r)
{
	struct rt_record rec;
	int r = rt_table_lookup(t, ip, &rec);

	if (r <= 0)
		return r;
	if (!rt_record_live(&rec, now, lk->rule.grace) ||
	    !rt_relay_record_users_ok(&lk->rule, &rec, now))
		return 0;
	if (rec_r != NULL)
		*rec_r = rec;
	return 1;
}

int rt_lookup_live(struct rt_lookup *lk, struct rt_table *t,
		   const struct rt_addr *ip, uint32_t now,
		   struct rt_record *rec_r)
{
	struct rt_lookup_pfx key;
	unsigned bits;
	size_t lo, hi;
	int r;

	/* every login in ip's grant network has that same network: if it is
	   empty (excluded, inexpressible), no login grants ip */
	if (!rt_relay_grant(&lk->rule, ip, &key.net, &bits))
		return 0;
	if ((r = lookup_exact(lk, t, ip, now, rec_r)) != 0)
		return r;
	if (bits >= 128 || rt_addr_is_v4(ip))
		return 0;
	if (lookup_index(lk, t) != 0)
		return -1;
	lo = 0;
	hi = lk->n;
	while (lo < hi) {	/* the first entry >= key */
		size_t mid = lo + (hi - lo) / 2;

		if (lookup_pfx_cmp(&lk->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < lk->n && lookup_pfx_cmp(&lk->v[lo], &key) == 0; lo++) {
		if ((r = lookup_exact(lk, t, &lk->v[lo].ip, now, rec_r)) != 0)
			return r;
	}
	return 0;
}
