/* lookup.h - live lookups: "may this client relay now?" answered straight
 * from the table, with the compiler's rules (grace, exclude list, IPv6
 * prefix) but no map in between. Used by "relaytab serve".
 *
 * With an IPv6 prefix of N bits, a client matches a live record of any
 * address in its /N. The exact address is looked up first (one lock-free
 * probe); only a miss consults a small index of the table's IPv6 addresses
 * by prefix, rebuilt by a scan when a new IP was inserted
 * (RT_CNT_INSERT moved) and at least once a second, and every candidate it
 * names is re-checked with an exact lookup, so the index is never trusted
 * for liveness. */
#ifndef RELAYTAB_LOOKUP_H
#define RELAYTAB_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "table.h"

struct rt_lookup_pfx;

struct rt_lookup {
	/* settings: set by the caller, may change between calls */
	uint32_t grace;			/* seconds */
	const struct rt_netlist *exclude; /* NULL: none */
	unsigned ipv6_prefix;		/* 0: exact addresses only; else 16..64 */
	/* the prefix index (private) */
	struct rt_lookup_pfx *v;
	size_t n, cap;
	const struct rt_table *built_for;
	unsigned built_bits;
	uint64_t built_inserts;
	uint64_t built_ms;
	uint64_t rebuilds;		/* index scans so far (for stats) */
};

/* Start with zeroed state and the given settings. */
void rt_lookup_init(struct rt_lookup *lk, uint32_t grace,
		    const struct rt_netlist *exclude, unsigned ipv6_prefix);
/* Free the index. */
void rt_lookup_free(struct rt_lookup *lk);
/* Forget the index (call when the table is reopened or the settings
 * change). */
void rt_lookup_reset(struct rt_lookup *lk);

/* Is ip allowed to relay at now (wall-clock seconds)? Returns 1 (a live
 * record of ip, or of its prefix, exists and ip is not excluded; *rec_r
 * gets that record if rec_r is not NULL), 0 (no), or -1 with errno if the
 * table could not be read. */
int rt_lookup_live(struct rt_lookup *lk, struct rt_table *t,
		   const struct rt_addr *ip, uint32_t now,
		   struct rt_record *rec_r);

#endif
