/* table-format.h - the on-disk layout of a relaytab table file (private to
 * the table library; relaytab(5) documents the same bytes).
 *
 * All integers are in host byte order (the file lives on tmpfs and is never
 * moved between machines); byte_order lets a reader of a foreign file notice.
 *
 *   [0, 4096)                      header (struct rt_hdr)
 *   [4096, 4096 + 4 * capacity)    u32 tag[capacity]: fingerprint hints
 *   [slots_off, file_size)         struct rt_slot[capacity], 256 bytes each
 *   slots_off = round_up(4096 + 4 * capacity, 4096)
 *   file_size = slots_off + 256 * capacity
 *
 * Header: bytes [0, 256) are written once at creation and covered by
 * hdr_crc (CRC-32 over [0, 100)); bytes [256, 4096) are shared, mutable
 * state (change flag, waiters, grace, counters, the principals over the
 * fair-eviction cap).
 *
 * Slot (256 bytes, 64-byte aligned): lock (u64: 0 free, else the owner's
 * identity, see table-lock.c), ver (u32: the published record is
 * copy[ver & 1]), pending (u32: logins handed over by writers that found the
 * slot busy), then two 120-byte record copies. Nothing in a slot is a
 * pointer or process-private data.
 *
 * Record (120 bytes): ip[16] (IPv4 as ::ffff:a.b.c.d), first_seen, last_seen,
 * count (u32 each), state (u8: 0 empty, 1 live, 2 tombstone, anything
 * else invalid),
 * user_len (u8, 0..64), flags (u16: low byte = enum rt_service), user[64]
 * (not NUL-terminated), then seen[6]: the distinct users of the address,
 * each a u16 tag (a 16-bit keyed hash of the user name, never 0; 0: an
 * unused entry, with age 0) and a u16 age (seconds before last_seen that
 * the user last logged in or refreshed, at most RT_AGE_MAX: a user seen
 * longer ago is dropped). Version 3 added seen[] in the 48 bytes version 2
 * reserved in each slot. */
#ifndef RELAYTAB_TABLE_FORMAT_H
#define RELAYTAB_TABLE_FORMAT_H

#include <stdint.h>

#define RT_MAGIC "RELAYTAB"	/* 8 bytes, no NUL */
#define RT_BYTE_ORDER 0x0102
#define RT_VMAJOR 3
#define RT_VMINOR 0
#define RT_HDR_SIZE 4096
#define RT_SLOT_SIZE 256
#define RT_REC_SIZE 120
#define RT_LOCK_ABI_OWNER 2	/* u64 owner word: thread id | start time << 32 */
#define RT_LOCK_SIZE 8
#define RT_WINDOW 16		/* slots per bucket */
#define RT_NWIN 2		/* buckets per key (two-choice) */
#define RT_CRC_SPAN 100		/* hdr_crc covers bytes [0, 100) */
#define RT_NSTAT 16
#define RT_OVERCAP_MAX 64
#define RT_SEEN_N 6		/* users per record (table.h: RT_USERS_MAX) */
#define RT_AGE_MAX 65534	/* the oldest age kept: an older user is dropped */

#define RT_STATE_EMPTY 0
#define RT_STATE_LIVE 1
#define RT_STATE_TOMB 2	/* deleted by the administrator at last_seen: a
				   refresh does not bring it back */

struct rt_hdr {
	char magic[8];		/*   0 */
	uint16_t byte_order;	/*   8 */
	uint16_t vmajor;	/*  10 */
	uint16_t vminor;	/*  12 */
	uint16_t hdr_size;	/*  14 */
	uint32_t slot_size;	/*  16 */
	uint32_t rec_size;	/*  20 */
	uint32_t lock_size;	/*  24 */
	uint32_t lock_abi;	/*  28 */
	uint32_t window;	/*  32 */
	uint32_t cap_log2;	/*  36 */
	uint64_t capacity;	/*  40 */
	uint64_t tags_off;	/*  48 */
	uint64_t slots_off;	/*  56 */
	uint64_t file_size;	/*  64 */
	uint64_t seed[2];	/*  72: SipHash key */
	uint64_t created;	/*  88: unix time */
	uint32_t nwin;		/*  96 */
	uint32_t hdr_crc;	/* 100 */
	uint8_t reserved[152];	/* 104 */
	/* shared, mutable */
	uint32_t dirty;		/* 256: change flag, futex word */
	uint32_t waiters;	/* 260: processes sleeping on dirty */
	uint32_t grace;		/* 264: seconds */
	uint32_t reserved2;	/* 268 */
	uint64_t st[RT_NSTAT];	/* 272: enum rt_counter counters */
	uint32_t overcap_n;	/* 400: entries of overcap in use */
	uint32_t reserved3;	/* 404 */
	uint64_t overcap[RT_OVERCAP_MAX]; /* 408: principals over the cap */
	uint8_t pad[RT_HDR_SIZE - 408 - 8 * RT_OVERCAP_MAX];
};

/* One of a slot's two copies of its record, as stored (struct rt_record,
 * table.h, is the sanitised copy readers get). */
struct rt_copy {
	uint8_t ip[16];
	uint32_t first_seen;
	uint32_t last_seen;
	uint32_t count;
	uint8_t state;
	uint8_t user_len;
	uint16_t flags;
	char user[64];
	struct rt_seen {
		uint16_t tag;	/* 0: unused */
		uint16_t age;	/* seconds before last_seen */
	} seen[RT_SEEN_N];
};

struct rt_slot {
	uint64_t lock;
	uint32_t ver;
	uint32_t pending;
	struct rt_copy copy[2];
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct rt_hdr) == RT_HDR_SIZE, "header size");
_Static_assert(sizeof(struct rt_copy) == RT_REC_SIZE, "record size");
_Static_assert(sizeof(struct rt_slot) == RT_SLOT_SIZE, "slot size");

#endif
