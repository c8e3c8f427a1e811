/* liveset.c - building the set of live addresses from a table scan. */
#include "liveset.h"
#include "array.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct liveset_ctx {
	struct rt_liveset *ls;
	uint32_t cutoff;
	const struct rt_netlist *exclude;
};

static int liveset_add(const struct rt_record *rec, void *context)
{
	struct liveset_ctx *ctx = context;
	struct rt_liveset *ls = ctx->ls;

	if (rec->last_seen < ctx->cutoff ||
	    rt_netlist_match(ctx->exclude, &rec->ip))
		return 0;
	struct rt_live_entry *e = RT_ARRAY_ADD(ls->v, ls->n, ls->cap);

	if (e == NULL)
		return ENOMEM;
	e->ip = rec->ip;
	e->last_seen = rec->last_seen;
	return 0;
}

static int liveset_cmp(const void *a, const void *b)
{
	const struct rt_live_entry *x = a, *y = b;

	return rt_addr_cmp(&x->ip, &y->ip);
}

/* Two records of one IP (a rare duplicate): the later time counts. */
static void liveset_merge(void *kept, void *other)
{
	struct rt_live_entry *k = kept;
	const struct rt_live_entry *o = other;

	if (o->last_seen > k->last_seen)
		k->last_seen = o->last_seen;
}

/* When the first entry of ls expires. */
static void liveset_next_expiry(struct rt_liveset *ls, uint32_t grace)
{
	ls->next_expiry = 0;
	for (size_t i = 0; i < ls->n; i++) {
		uint64_t e = (uint64_t)ls->v[i].last_seen + grace;
		uint32_t e32 = e > UINT32_MAX ? UINT32_MAX : (uint32_t)e;

		if (ls->next_expiry == 0 || e32 < ls->next_expiry)
			ls->next_expiry = e32;
	}
}

int rt_liveset_build(struct rt_table *t, uint32_t now, uint32_t grace,
		     const struct rt_netlist *exclude, struct rt_liveset *ls,
		     struct rt_err *err)
{
	struct liveset_ctx ctx = { ls, now >= grace ? now - grace + 1 : 0, exclude };
	int r;

	memset(ls, 0, sizeof(*ls));
	r = rt_table_scan(t, now, ctx.cutoff, liveset_add, &ctx, &ls->scan);
	if (r != 0) {
		int e = r > 0 ? r : errno;

		rt_liveset_free(ls);
		return rt_err_fail(err, e, "cannot scan the table: %s", strerror(e));
	}
	ls->n = rt_sort_unique(ls->v, ls->n, sizeof(*ls->v), liveset_cmp,
			       liveset_merge);
	liveset_next_expiry(ls, grace);
	return 0;
}

size_t rt_liveset_expire(struct rt_liveset *ls, uint32_t now, uint32_t grace,
			 const struct rt_netlist *exclude)
{
	size_t out = 0, before = ls->n;

	for (size_t i = 0; i < ls->n; i++) {
		if (!rt_live_at(ls->v[i].last_seen, grace, now) ||
		    rt_netlist_match(exclude, &ls->v[i].ip))
			continue;
		ls->v[out++] = ls->v[i];
	}
	ls->n = out;
	liveset_next_expiry(ls, grace);
	return before - out;
}

void rt_liveset_free(struct rt_liveset *ls)
{
	free(ls->v);
	memset(ls, 0, sizeof(*ls));
}
