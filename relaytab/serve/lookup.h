/* lookup.h - live lookups: "may this client relay now?" answered straight
 * from the table by the one relay rule (core/relay-rule.h) that the
 * compiler's maps are derived from too, but with no map in between. Used by
 * "relaytab serve".
 *
 * A client C may relay iff C's own grant network is not empty and a live
 * record lies in it (a grant network depends only on the /N it covers, so
 * a login L grants C iff L and C share that /N). The exact address is
 * looked up first (one lock-free probe); only a miss, with an IPv6 prefix
 * of 16..64 bits, consults a small index of the table's IPv6 addresses by
 * prefix, rebuilt by a scan when a new IP was inserted
 * (RT_CNT_INSERT moved) and at least once a second, and every candidate it
 * names is re-checked with an exact lookup, so the index is never trusted
 * for liveness. */
#ifndef RELAYTAB_LOOKUP_H
#define RELAYTAB_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "relay-rule.h"
#include "table.h"

struct rt_lookup_pfx;

struct rt_lookup {
	/* the settings: set by the caller, may change between calls */
	struct rt_relay_rule rule;
	/* the prefix index (private) */
	struct rt_lookup_pfx *v;
	size_t n, cap;
	const struct rt_table *built_for;
	unsigned built_bits;
	uint64_t built_inserts;
	uint64_t built_ms;
	uint64_t rebuilds;		/* index scans so far (for stats) */
};

/* Start with zeroed state and the given rule (copied). */
void rt_lookup_init(struct rt_lookup *lk, const struct rt_relay_rule *rule);
/* Free the index. */
void rt_lookup_free(struct rt_lookup *lk);
/* Forget the index (call when the table is reopened or the settings
 * change). */
void rt_lookup_reset(struct rt_lookup *lk);

/* Is ip allowed to relay at now (wall-clock seconds) by the rule? Returns
 * 1 (a live record in ip's grant network exists, with no more users than
 * max-users-per-address; *rec_r gets that record
 * if rec_r is not NULL), 0 (no), or -1 with errno if the table could not
 * be read. */
int rt_lookup_live(struct rt_lookup *lk, struct rt_table *t,
		   const struct rt_addr *ip, uint32_t now,
		   struct rt_record *rec_r);

#endif
