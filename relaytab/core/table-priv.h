/* table-priv.h - what the table library's files share: the per-process
 * handle and the slot primitives (read, lock, publish). Not installed. */
#ifndef RELAYTAB_TABLE_PRIV_H
#define RELAYTAB_TABLE_PRIV_H

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <urcu/compiler.h>
#include <urcu/uatomic.h>

#include "table.h"
#include "table-format.h"

/* A bucket mapped by a windowed handle (table-window.c): its slots (one
 * page) and the page holding its tags. first is UINT64_MAX when unmapped. */
struct rt_win {
	uint64_t first;
	struct rt_slot *slots;
	uint8_t *tag_page;
	uint64_t tag_off;	/* file offset of tag_page */
	uint32_t *tags;
};

/* Where a windowed handle's stray index lands: private, never shared. */
struct rt_spare {
	struct rt_slot slot;
	uint32_t tag;
};

/* The handle. Geometry is copied from the validated private header copy and
 * never re-read from shared memory. */
struct rt_table {
	int fd;
	bool writable;
	char *path;
	dev_t dev;
	ino_t ino;
	uint8_t *map;		/* the whole file, or its header (windowed) */
	size_t map_size;
	uint64_t file_size;
	uint64_t slots_off;
	uint64_t capacity;
	uint64_t mask;
	uint64_t seed[2];
	unsigned window;
	unsigned nwin;
	volatile sig_atomic_t broken; /* the file shrank under the mapping:
				   the mapping is now anonymous zeros, every
				   call fails (table-guard.c) */
	uint8_t fixed[RT_CRC_SPAN + 4]; /* the header's fixed bytes as validated
				   at open, checksum included */
	struct rt_hdr *hdr;	/* shared header (mutable part only is used) */
	uint32_t *tags;		/* whole-file mapping only */
	struct rt_slot *slots;	/* whole-file mapping only */
	bool windowed;		/* RT_OPEN_WINDOW: only win[] is mapped */
	struct rt_win win[RT_NWIN];
	struct rt_spare *spare;
};

/* A windowed handle (table-window.c). rt_window_map() maps the buckets of
 * the candidates c (no-op for a whole-file handle); the accessors below
 * then reach their slots and tags, whichever kind the handle is. */
bool rt_window_possible(const struct rt_table *t);
int rt_window_init(struct rt_table *t);
void rt_window_fini(struct rt_table *t);
struct rt_cand;
int rt_window_map(struct rt_table *t, const struct rt_cand *c);
struct rt_slot *rt_window_slot(const struct rt_table *t, uint64_t i);
uint32_t *rt_window_tag(const struct rt_table *t, uint64_t i);
/* For the SIGBUS handler: does t map address a; map zeros over all of t. */
bool rt_table_maps(const struct rt_table *t, const void *a);
int rt_table_unback(struct rt_table *t);

/* Slot i and its tag (hint); i < capacity. */
static inline struct rt_slot *rt_slot_at(const struct rt_table *t, uint64_t i)
{
	if (__builtin_expect(!t->windowed, 1))
		return &t->slots[i];
	return rt_window_slot(t, i);
}

static inline uint32_t *rt_tag_at(const struct rt_table *t, uint64_t i)
{
	if (__builtin_expect(!t->windowed, 1))
		return &t->tags[i];
	return rt_window_tag(t, i);
}

/* The published copy of slot i: what its holder of the lock works on (a
 * lock-free reader uses rt_slot_read instead). */
static inline struct rt_copy *rt_slot_rec(const struct rt_table *t, uint64_t i)
{
	struct rt_slot *s = rt_slot_at(t, i);

	return &s->copy[uatomic_read(&s->ver) & 1];
}

/* Calls that walk every slot need the whole file mapped: false, with errno
 * EOPNOTSUPP, on a windowed handle. */
static inline bool rt_whole_mapped(const struct rt_table *t)
{
	if (t->windowed)
		errno = EOPNOTSUPP;
	return !t->windowed;
}

/* Candidate slots of one key: two buckets of window slots. */
#define RT_MAX_CAND (2 * RT_WINDOW)
struct rt_cand {
	uint64_t idx[RT_MAX_CAND];
	unsigned n;
	uint32_t fp;
};

void rt_candidates(const struct rt_table *t, const uint8_t ip[16],
		   struct rt_cand *c);
uint32_t rt_fingerprint(const struct rt_table *t, const uint8_t ip[16]);

/* Lock-free consistent read of slot i. Returns the version read (>= 0 as
 * int64) or -1 if the slot stayed busy. The copy is sanitised. */
int64_t rt_slot_read(const struct rt_table *t, uint64_t i, struct rt_copy *out);

/* The slot lock (table-lock.c). */
enum rt_lock_result { RT_LOCKED, RT_LOCK_BUSY };
/* Try to lock slot i, up to spins retries; takes over the lock of a
 * provably dead owner (and repairs the slot's hint). Never blocks. */
enum rt_lock_result rt_slot_lock(struct rt_table *t, uint64_t i, unsigned spins);
/* One compare-and-swap of a free lock, no spin, no take-over, no look at
 * any owner: for the owner's passes, which must stay cheap however many
 * locks are forged. */
enum rt_lock_result rt_slot_trylock(struct rt_table *t, uint64_t i);
void rt_slot_unlock(struct rt_table *t, uint64_t i);
/* This thread's lock word: (start time << 32) | thread id. */
uint64_t rt_lock_self(void);
/* True if the owner named by a lock word is provably gone. */
bool rt_lock_owner_dead(uint64_t word);
/* Low 32 bits of a thread's start time (/proc/<tid>/task/<tid>/stat field 22), 0 if
 * unknown. */
uint32_t rt_thread_start_time(uint32_t tid);

/* The SIGBUS guard (table-guard.c): every call that touches the mapping
 * runs between rt_guard_push() and rt_guard_pop(), which returns -1 with
 * errno EIO if the file shrank under it meanwhile (or before). */
struct rt_guard {
	struct rt_table *table;
	struct rt_guard *prev;
};
void rt_guard_init(void);
void rt_guard_push(struct rt_guard *g, struct rt_table *t);
int rt_guard_pop(struct rt_guard *g);
/* Publish copy[(v + 1) & 1] (already written) and unlock. */
void rt_slot_publish(struct rt_table *t, uint64_t i, uint32_t v);
/* Under the lock: make tag[i] agree with the published record. */
void rt_slot_fix_hint(struct rt_table *t, uint64_t i);
/* Under the lock: publish an empty record (expiry, repair) and unlock. */
void rt_slot_clear(struct rt_table *t, uint64_t i);
/* Under the lock: replace the record by a tombstone of its IP stamped now
 * (an administrator's delete) and unlock. */
void rt_slot_tombstone(struct rt_table *t, uint64_t i);
/* The hint a slot holding r should have: its fingerprint if r is live or
 * a tombstone, else 0. */
uint32_t rt_copy_hint(const struct rt_table *t, const struct rt_copy *r);
bool rt_copy_is_tomb(const struct rt_copy *r, const uint8_t ip[16]);

void rt_count(struct rt_table *t, enum rt_counter c);
/* Set the change flag and wake a waiting compiler. */
void rt_raise_change(struct rt_table *t);
void rt_copy_to_record(const struct rt_copy *r, struct rt_record *out);
bool rt_copy_is(const struct rt_copy *r, const uint8_t ip[16]);

/* Fair eviction (table-fair.c): a principal's 64-bit value (never 0), of a
 * user name or of an IP's /64 (0 for IPv4), and whether either is over the
 * cap published by the table's owner. */
uint64_t rt_principal_user(const struct rt_table *t, const char *user, size_t len);
uint64_t rt_principal_net(const struct rt_table *t, const uint8_t ip[16]);
bool rt_fair_over(struct rt_table *t, uint64_t user_p, uint64_t net_p);
/* The tag of a user name in a record's user set (table-format.h): 16 bits
 * of the user's principal, never 0 (table-write.c). */
uint16_t rt_user_tag(const struct rt_table *t, const char *user);

/* Run body on table t inside a SIGBUS guard; evaluates to -1 (errno EIO)
 * if the table is or became broken, else to body's value. */
#define RT_GUARDED(t, type, body) ({					\
	struct rt_guard rt_g_;						\
	type rt_v_ = (type)-1;						\
	if ((t)->broken) {						\
		errno = EIO;						\
	} else {							\
		rt_guard_push(&rt_g_, (t));				\
		rt_v_ = (body);						\
		if (rt_guard_pop(&rt_g_) < 0)				\
			rt_v_ = (type)-1;				\
	}								\
	rt_v_; })

/* Fault-injection steps passed to rt_table_test_step_hook. */
enum rt_step {
	RT_STEP_LOCKED = 1,
	RT_STEP_HINT_SET,
	RT_STEP_PENDING_TAKEN,
	RT_STEP_COPY_WRITTEN,
	RT_STEP_PUBLISHED,
	RT_STEP_DELETE_LOCKED,
	RT_STEP_DELETE_HINT_CLEARED,
};
static inline void rt_step(int step)
{
	if (__builtin_expect(rt_table_test_step_hook != NULL, 0))
		rt_table_test_step_hook(step);
}

#endif
