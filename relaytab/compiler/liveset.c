/* liveset.c - building the set of live addresses from a table scan. */
#include "liveset.h"

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
	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 1024;
		struct rt_live_entry *v = realloc(ls->v, cap * sizeof(*v));

		if (v == NULL)
			return ENOMEM;
		ls->v = v;
		ls->cap = cap;
	}
	ls->v[ls->n].ip = rec->ip;
	ls->v[ls->n].last_seen = rec->last_seen;
	ls->n++;
	return 0;
}

static int liveset_cmp(const void *a, const void *b)
{
	const struct rt_live_entry *x = a, *y = b;

	return rt_addr_cmp(&x->ip, &y->ip);
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
	qsort(ls->v, ls->n, sizeof(*ls->v), liveset_cmp);
	size_t out = 0;
	for (size_t i = 0; i < ls->n; i++) {
		if (out > 0 && rt_addr_cmp(&ls->v[out - 1].ip, &ls->v[i].ip) == 0) {
			if (ls->v[i].last_seen > ls->v[out - 1].last_seen)
				ls->v[out - 1].last_seen = ls->v[i].last_seen;
			continue;
		}
		ls->v[out++] = ls->v[i];
	}
	ls->n = out;
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
