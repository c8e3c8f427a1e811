/* liveset.h - the compiler's input: the set of addresses live in the table
 * now, after expiring the old ones. The emitters read this, never the
 * table (relaytab serve answers from the table itself: serve/lookup.h). */
#ifndef RELAYTAB_LIVESET_H
#define RELAYTAB_LIVESET_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "err.h"
#include "relay-rule.h"
#include "table.h"

struct rt_live_entry {
	struct rt_addr ip;
	uint32_t last_seen;
};

struct rt_liveset {
	struct rt_live_entry *v;	/* one per address, in table order */
	size_t n, cap;
	uint32_t next_expiry;	/* unix second at which the view next changes
				   by the clock alone: the first entry expires,
				   or an address held back by max-users-per-
				   address may grant again (0: never) */
	uint32_t next_change;	/* the latter alone (0: none) */
	size_t shared_denied;	/* live addresses held back by
				   max-users-per-address */
	struct rt_scan_stats scan;
	void *dedupe;		/* the merge's hash set, kept for reuse */
	size_t dedupe_size;
};

/* Scan the table at time now: delete the records last seen more than
 * rule->grace seconds ago (the table must be opened RT_OPEN_RDWR: EBADF
 * otherwise), drop the logins that grant nothing under rule (excluded, or
 * an IPv6 prefix no map can express, or an address with more users
 * than max-users-per-address: relay-rule.h), merge duplicates (not sorted: no output needs
 * an order but the text map, which sorts its keys). ls is zeroed, or a
 * liveset built before, whose buffers are reused (watch's passes then
 * fault no new memory in). Returns 0, or -1 with errno and err (ls freed). */
int rt_liveset_build(struct rt_table *t, uint32_t now,
		     const struct rt_relay_rule *rule, struct rt_liveset *ls,
		     struct rt_err *err);
/* Drop the entries that are no longer live at now (or grant nothing under
 * rule now) and recompute next_expiry: how relaytab watch keeps expiring
 * its last good view while the table cannot be read. Returns the number
 * dropped. */
size_t rt_liveset_expire(struct rt_liveset *ls, uint32_t now,
			 const struct rt_relay_rule *rule);
void rt_liveset_free(struct rt_liveset *ls);

#endif
