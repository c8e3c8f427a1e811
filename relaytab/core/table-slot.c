/* table-slot.c - the slot primitives every table operation is built from:
 * hashing an IP to its candidate slots, the lock-free latch read, publish,
 * the hint, the counters and the change flag (the lock is table-lock.c). */
#include "table-priv.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <urcu/arch.h>
#include <urcu/futex.h>
#include <urcu/system.h>
#include <urcu/uatomic.h>

#include "siphash.h"

#define RT_READ_RETRIES 64

static uint32_t rt_fp_of_hash(uint64_t h)
{
	uint32_t fp = (uint32_t)(h >> 32);

	return fp == 0 ? 1 : fp;
}

uint32_t rt_fingerprint(const struct rt_table *t, const uint8_t ip[16])
{
	return rt_fp_of_hash(rt_siphash24(t->seed, ip, 16));
}

void rt_candidates(const struct rt_table *t, const uint8_t ip[16],
		   struct rt_cand *c)
{
	uint64_t h = rt_siphash24(t->seed, ip, 16);
	uint64_t w = t->window;
	uint64_t a = (h & t->mask) & ~(w - 1);
	uint64_t b = (rt_mix64(h ^ 0x5bd1e9955bd1e995ULL) & t->mask) & ~(w - 1);

	if (b == a)
		b = (a + w) & t->mask;
	c->fp = rt_fp_of_hash(h);
	c->n = 0;
	for (uint64_t k = 0; k < w; k++)
		c->idx[c->n++] = a + k;
	if (t->nwin == 2) {
		for (uint64_t k = 0; k < w; k++)
			c->idx[c->n++] = b + k;
	}
}

int64_t rt_slot_read(const struct rt_table *t, uint64_t i, struct rt_copy *out)
{
	struct rt_slot *s = rt_slot_at(t, i & t->mask);

	for (int n = 0; n < RT_READ_RETRIES; n++) {
		uint32_t v1 = uatomic_read(&s->ver);

		cmm_smp_rmb();
		memcpy(out, &s->copy[v1 & 1], sizeof(*out));
		cmm_smp_rmb();
		if (uatomic_read(&s->ver) == v1) {
			if (out->user_len > sizeof(out->user))
				out->user_len = sizeof(out->user);
			return v1;
		}
		caa_cpu_relax();
	}
	return -1;
}

bool rt_copy_is(const struct rt_copy *r, const uint8_t ip[16])
{
	return r->state == RT_STATE_LIVE && memcmp(r->ip, ip, 16) == 0;
}

bool rt_copy_is_tomb(const struct rt_copy *r, const uint8_t ip[16])
{
	return r->state == RT_STATE_TOMB && memcmp(r->ip, ip, 16) == 0;
}

uint32_t rt_copy_hint(const struct rt_table *t, const struct rt_copy *r)
{
	return r->state == RT_STATE_LIVE || r->state == RT_STATE_TOMB ?
		rt_fingerprint(t, r->ip) : 0;
}

void rt_slot_fix_hint(struct rt_table *t, uint64_t i)
{
	struct rt_copy *p = rt_slot_rec(t, i);
	uint32_t want = rt_copy_hint(t, p);

	if (uatomic_read(rt_tag_at(t, i)) != want) {
		uatomic_set(rt_tag_at(t, i), want);
		rt_count(t, RT_CNT_HINT_FIX);
	}
}

void rt_slot_publish(struct rt_table *t, uint64_t i, uint32_t v)
{
	struct rt_slot *s = rt_slot_at(t, i);

	cmm_smp_wmb();
	uatomic_set(&s->ver, v + 1);
	rt_step(RT_STEP_PUBLISHED);
	rt_slot_unlock(t, i);
}

void rt_slot_clear(struct rt_table *t, uint64_t i)
{
	struct rt_slot *s = rt_slot_at(t, i);
	uint32_t v = uatomic_read(&s->ver);

	memset(&s->copy[(v + 1) & 1], 0, sizeof(struct rt_copy));
	uatomic_set(&s->pending, 0);
	uatomic_set(rt_tag_at(t, i), 0);
	rt_step(RT_STEP_DELETE_HINT_CLEARED);
	rt_slot_publish(t, i, v);
	rt_count(t, RT_CNT_DELETE);
	rt_raise_change(t);
}

void rt_slot_tombstone(struct rt_table *t, uint64_t i)
{
	struct rt_slot *s = rt_slot_at(t, i);
	uint32_t v = uatomic_read(&s->ver);
	struct rt_copy n;

	memset(&n, 0, sizeof(n));
	memcpy(n.ip, s->copy[v & 1].ip, 16);
	n.first_seen = n.last_seen = rt_time_stamp();
	n.state = RT_STATE_TOMB;
	memcpy(&s->copy[(v + 1) & 1], &n, sizeof(n));
	uatomic_set(&s->pending, 0);
	rt_step(RT_STEP_DELETE_HINT_CLEARED);
	rt_slot_publish(t, i, v);
	rt_count(t, RT_CNT_DELETE);
	rt_raise_change(t);
}

void rt_count(struct rt_table *t, enum rt_counter c)
{
	if (t->writable)
		uatomic_inc(&t->hdr->st[c]);
}

/* urcu/futex.h's futex() is the raw system call. Its futex_async() would
 * fall back, on ENOSYS, to a process-local emulation that cannot wake
 * another process, so it is not used. */
void rt_raise_change(struct rt_table *t)
{
	cmm_smp_mb();
	if (uatomic_read(&t->hdr->dirty) == 0) {
		uatomic_set(&t->hdr->dirty, 1);
		cmm_smp_mb();
		if (uatomic_read(&t->hdr->waiters) != 0)
			futex((int32_t *)&t->hdr->dirty, FUTEX_WAKE,
				    INT_MAX, NULL, NULL, 0);
	}
}

void rt_copy_to_record(const struct rt_copy *r, struct rt_record *out)
{
	unsigned len = r->user_len > RT_USER_MAX ? RT_USER_MAX : r->user_len;
	unsigned svc = r->flags & 0xff;

	memcpy(out->ip.b, r->ip, 16);
	out->first_seen = r->first_seen;
	out->last_seen = r->last_seen;
	out->count = r->count;
	out->service = svc < RT_SVC_COUNT ? (enum rt_service)svc : RT_SVC_OTHER;
	memcpy(out->user, r->user, len);
	out->user[len] = '\0';
	/* A NUL inside the stored bytes ends the name. */
	/* The users: each tag once (no honest writer repeats one), each time
	   at or before last_seen, none older than RT_AGE_MAX before it. */
	unsigned n = 0;

	memset(out->user_seen, 0, sizeof(out->user_seen));
	for (unsigned k = 0; k < RT_SEEN_N && n < RT_USERS_MAX; k++) {
		bool again = r->seen[k].tag == 0 || r->seen[k].age > RT_AGE_MAX ||
			r->seen[k].age > r->last_seen;

		for (unsigned j = 0; j < k && !again; j++)
			again = r->seen[j].tag == r->seen[k].tag;
		if (!again && r->last_seen - r->seen[k].age != 0)
			out->user_seen[n++] = r->last_seen - r->seen[k].age;
	}
}

bool rt_record_live(const struct rt_record *rec, uint32_t now, uint32_t grace)
{
	return rt_live_at(rec->last_seen, grace, now);
}

unsigned rt_record_users(const struct rt_record *rec, uint32_t now,
			 uint32_t grace)
{
	unsigned n = 0;

	if (!rt_record_live(rec, now, grace))
		return 0;
	for (unsigned k = 0; k < RT_USERS_MAX; k++)
		if (rec->user_seen[k] != 0 && rt_live_at(rec->user_seen[k], grace, now))
			n++;
	return n > 0 ? n : 1;	/* a live record was some user's login */
}

uint32_t rt_time_stamp(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (uint32_t)time(NULL);
	return (uint32_t)(ts.tv_sec + (ts.tv_nsec >= 500000000L));
}

uint32_t rt_time_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (uint32_t)time(NULL);
	return (uint32_t)ts.tv_sec;
}

uint64_t rt_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t rt_table_counter(struct rt_table *t, enum rt_counter c)
{
	uint64_t v = RT_GUARDED(t, uint64_t,
		c < RT_CNT_COUNT ? uatomic_read(&t->hdr->st[c]) : 0);

	return v == (uint64_t)-1 ? 0 : v;
}

void rt_table_count(struct rt_table *t, enum rt_counter c)
{
	if (c < RT_CNT_COUNT)
		(void)RT_GUARDED(t, int, (rt_count(t, c), 0));
}

uint32_t rt_table_grace(struct rt_table *t)
{
	uint32_t v = RT_GUARDED(t, uint32_t, uatomic_read(&t->hdr->grace));

	return v == (uint32_t)-1 ? 0 : v;
}

/* A statement in newer liburcu, so not an expression for RT_GUARDED. */
static int rt_store_grace(struct rt_table *t, uint32_t grace)
{
	uatomic_set(&t->hdr->grace, grace);
	return 0;
}

int rt_table_set_grace(struct rt_table *t, uint32_t grace)
{
	if (!t->writable) {
		errno = EBADF;
		return -1;
	}
	return RT_GUARDED(t, int, rt_store_grace(t, grace));
}

_Static_assert(RT_CNT_COUNT <= RT_NSTAT, "every counter has its header word");
_Static_assert(RT_USERS_MAX == RT_SEEN_N, "a record names as many users as readers count");

static const char *const rt_counter_names[RT_CNT_COUNT] = {
	[RT_CNT_INSERT] = "insert",
	[RT_CNT_EVICT_EXPIRED] = "evict_expired",
	[RT_CNT_EVICT_LIVE] = "evict_live",
	[RT_CNT_BUSY] = "busy",
	[RT_CNT_MERGED] = "merged",
	[RT_CNT_OWNER_DEAD] = "owner_dead",
	[RT_CNT_HINT_FIX] = "hint_fix",
	[RT_CNT_DELETE] = "delete",
	[RT_CNT_EXPIRE] = "expire",
	[RT_CNT_REPAIR] = "repair",
	[RT_CNT_REBUILD] = "rebuild",
	[RT_CNT_FULL] = "full",
};

const char *rt_counter_name(enum rt_counter c)
{
	return (unsigned)c < RT_CNT_COUNT ? rt_counter_names[c] : "?";
}
