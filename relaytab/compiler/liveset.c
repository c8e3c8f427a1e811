/* liveset.c - building the set of live addresses from a table scan. */
#include "liveset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "siphash.h"

struct liveset_ctx {
	struct rt_liveset *ls;
	uint32_t cutoff, now;
	const struct rt_relay_rule *rule;
};

/* rec is live but grants nothing while it has too many users: note when
 * the first of them expires, when it may grant again. */
static void liveset_note_users_change(struct rt_liveset *ls,
				      const struct rt_record *rec,
				      uint32_t now, uint32_t grace)
{
	for (unsigned k = 0; k < RT_USERS_MAX; k++) {
		uint64_t e = (uint64_t)rec->user_seen[k] + grace;

		if (rec->user_seen[k] == 0 || !rt_live_at(rec->user_seen[k], grace, now) ||
		    e > UINT32_MAX)
			continue;
		if (ls->next_change == 0 || e < ls->next_change)
			ls->next_change = (uint32_t)e;
	}
}

/* True if a login from ip grants anything under rule. */
static bool liveset_grants(const struct rt_relay_rule *rule,
			   const struct rt_addr *ip)
{
	struct rt_addr net;
	unsigned bits;

	return rt_relay_grant(rule, ip, &net, &bits);
}

static int liveset_add(const struct rt_record *rec, void *context)
{
	struct liveset_ctx *ctx = context;
	struct rt_liveset *ls = ctx->ls;

	if (rec->last_seen < ctx->cutoff || !liveset_grants(ctx->rule, &rec->ip))
		return 0;
	if (!rt_relay_record_users_ok(ctx->rule, rec, ctx->now)) {
		ls->shared_denied++;
		liveset_note_users_change(ls, rec, ctx->now, ctx->rule->grace);
		return 0;
	}
	struct rt_live_entry *e = RT_ARRAY_ADD(ls->v, ls->n, ls->cap);

	if (e == NULL)
		return ENOMEM;
	e->ip = rec->ip;
	e->last_seen = rec->last_seen;
	return 0;
}

static uint64_t liveset_hash(const struct rt_addr *ip)
{
	uint64_t w[2];

	memcpy(w, ip->b, sizeof(w));
	/* mixed: IPv4 addresses differ only in their last four bytes */
	return rt_mix64(w[0] ^ (w[1] * 0x9e3779b97f4a7c15ULL));
}

/* A table holds one record per address but for rare duplicates (a race
 * between two first logins, or a forger): merge them, keeping the later
 * time - no sort. A first pass marks each entry's hash in a bitmap of 16
 * bits per entry (small enough to stay in the cache) and notes the bits hit
 * twice; only the entries on those bits (a few percent) then go through an
 * exact hash set of entry numbers. */
struct liveset_slot {
	uint32_t idx;	/* the entry's number + 1 (0: free) */
	uint32_t hash;	/* the high half of its hash: a probe touches the
			   entry only on a likely hit */
};

#define BIT_TEST(map, b) ((map)[(b) >> 6] >> ((b) & 63) & 1)
#define BIT_SET(map, b) ((map)[(b) >> 6] |= (uint64_t)1 << ((b) & 63))

/* The buffer of the merge, kept in ls between builds. */
static void *liveset_buffer(struct rt_liveset *ls, size_t bytes)
{
	if (bytes > ls->dedupe_size) {
		free(ls->dedupe);
		ls->dedupe_size = 0;
		if ((ls->dedupe = malloc(bytes)) == NULL)
			return NULL;
		rt_advise_huge(ls->dedupe, bytes);
		ls->dedupe_size = bytes;
	}
	memset(ls->dedupe, 0, bytes);
	return ls->dedupe;
}

static int liveset_dedupe(struct rt_liveset *ls)
{
	size_t nbits = 1024, size = 16, suspects = 0, out = 0;
	uint64_t *seen, *twice;
	struct liveset_slot *set;

	while (nbits < 16 * ls->n)
		nbits *= 2;
	if ((seen = liveset_buffer(ls, nbits / 4)) == NULL)	/* two maps */
		return -1;
	twice = seen + nbits / 64;
	for (size_t i = 0; i < ls->n; i++) {
		size_t b = (size_t)liveset_hash(&ls->v[i].ip) & (nbits - 1);

		if (!BIT_TEST(seen, b))
			BIT_SET(seen, b);
		else if (!BIT_TEST(twice, b))
			BIT_SET(twice, b), suspects += 2;
		else
			suspects++;
	}
	if (suspects == 0)
		return 0;
	while (size < 2 * suspects)
		size *= 2;
	if ((set = calloc(size, sizeof(*set))) == NULL)
		return -1;
	for (size_t i = 0; i < ls->n; i++) {
		const struct rt_live_entry *e = &ls->v[i];
		uint64_t hash = liveset_hash(&e->ip);
		uint32_t hi = (uint32_t)(hash >> 32);
		size_t h = (size_t)hash & (size - 1);

		if (BIT_TEST(twice, (size_t)hash & (nbits - 1))) {
			while (set[h].idx != 0 &&
			       (set[h].hash != hi ||
				rt_addr_cmp(&ls->v[set[h].idx - 1].ip, &e->ip) != 0))
				h = (h + 1) & (size - 1);
			if (set[h].idx != 0) {
				struct rt_live_entry *k = &ls->v[set[h].idx - 1];

				if (e->last_seen > k->last_seen)
					k->last_seen = e->last_seen;
				continue;
			}
			set[h].idx = (uint32_t)out + 1;
			set[h].hash = hi;
		}
		ls->v[out++] = *e;
	}
	ls->n = out;
	free(set);
	return 0;
}

/* When the first entry of ls expires, or an address over the users limit
 * may grant again. */
static void liveset_next_expiry(struct rt_liveset *ls, uint32_t grace)
{
	ls->next_expiry = ls->next_change;
	for (size_t i = 0; i < ls->n; i++) {
		uint64_t e = (uint64_t)ls->v[i].last_seen + grace;
		uint32_t e32 = e > UINT32_MAX ? UINT32_MAX : (uint32_t)e;

		if (ls->next_expiry == 0 || e32 < ls->next_expiry)
			ls->next_expiry = e32;
	}
}

int rt_liveset_build(struct rt_table *t, uint32_t now,
		     const struct rt_relay_rule *rule, struct rt_liveset *ls,
		     struct rt_err *err)
{
	uint32_t grace = rule->grace;
	struct liveset_ctx ctx = { ls, now >= grace ? now - grace + 1 : 0, now, rule };
	int r;

	ls->n = 0;
	ls->next_change = 0;
	ls->shared_denied = 0;
	memset(&ls->scan, 0, sizeof(ls->scan));
	r = rt_table_scan(t, now, ctx.cutoff, liveset_add, &ctx, &ls->scan);
	if (r != 0) {
		int e = r > 0 ? r : errno;

		rt_liveset_free(ls);
		return rt_err_fail(err, e, "cannot scan the table: %s", strerror(e));
	}
	if (ls->n > UINT32_MAX - 1 || liveset_dedupe(ls) != 0) {
		rt_liveset_free(ls);
		return rt_err_fail(err, ENOMEM, "out of memory");
	}
	liveset_next_expiry(ls, grace);
	return 0;
}

size_t rt_liveset_expire(struct rt_liveset *ls, uint32_t now,
			 const struct rt_relay_rule *rule)
{
	size_t out = 0, before = ls->n;

	for (size_t i = 0; i < ls->n; i++) {
		if (!rt_live_at(ls->v[i].last_seen, rule->grace, now) ||
		    !liveset_grants(rule, &ls->v[i].ip))
			continue;
		ls->v[out++] = ls->v[i];
	}
	ls->n = out;
	if (ls->next_change <= now)
		ls->next_change = 0;	/* the next build looks again */
	liveset_next_expiry(ls, rule->grace);
	return before - out;
}

void rt_liveset_free(struct rt_liveset *ls)
{
	free(ls->v);
	free(ls->dedupe);
	memset(ls, 0, sizeof(*ls));
}
