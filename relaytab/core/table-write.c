/* table-write.c - upsert (insert or refresh a login) and delete, following
 * the copy-update-publish protocol of doc/table-design.md section 3. */
#include "table-priv.h"

#include <errno.h>
#include <string.h>
#include <urcu/arch.h>
#include <urcu/uatomic.h>

#define RT_WRITER_SPINS 256
#define RT_UPSERT_ATTEMPTS 4

static uint32_t rt_sat_add(uint32_t a, uint64_t b)
{
	uint64_t s = (uint64_t)a + b;

	return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

struct rt_login {
	const uint8_t *ip;
	const char *user;
	enum rt_service svc;
	uint32_t now;
	bool count;		/* a login (count it) or a refresh */
};

static void rt_set_user(struct rt_copy *n, const struct rt_login *l)
{
	char user[RT_USER_MAX + 1];
	size_t len = rt_user_truncate(user, l->user != NULL ? l->user : "");

	memset(n->user, 0, sizeof(n->user));
	memcpy(n->user, user, len);
	n->user_len = (uint8_t)len;
	n->flags = (uint16_t)l->svc;
}

uint16_t rt_user_tag(const struct rt_table *t, const char *user)
{
	char u[RT_USER_MAX + 1];
	size_t len = rt_user_truncate(u, user);
	uint64_t h = rt_principal_user(t, u, len);
	uint16_t tag = (uint16_t)(h >> 48);

	return tag != 0 ? tag : 1;
}

/* n's last_seen moved from old_last to n->last_seen, for a login or a
 * refresh of l->user at l->now: note that user at l->now (in its own
 * entry if it has one, else a free one, else the one of the user seen
 * longest ago, if that was before l->now; an empty name - "relaytab add"
 * without --user, watch restoring its last view - is nobody's and is not
 * noted), restate every age from the new last_seen, and drop the entries
 * older than RT_AGE_MAX. So the entries hold the RT_SEEN_N users seen last
 * within RT_AGE_MAX seconds of last_seen, each at the latest time it was
 * seen. Returns true if a user new to the record was noted. */
static bool rt_seen_note(const struct rt_table *t, struct rt_copy *n,
			 uint32_t old_last, const struct rt_login *l)
{
	uint16_t tag = l->user != NULL && *l->user != '\0' ? rt_user_tag(t, l->user) : 0;
	int64_t at[RT_SEEN_N];
	int mine = -1;
	bool added = false;

	for (int k = 0; k < RT_SEEN_N; k++) {
		at[k] = (int64_t)old_last - n->seen[k].age;
		if (tag != 0 && n->seen[k].tag == tag)
			mine = k;
	}
	if (mine >= 0) {
		if (at[mine] < l->now)
			at[mine] = l->now;
	} else if (tag != 0) {
		for (int k = 0; k < RT_SEEN_N && mine < 0; k++)
			if (n->seen[k].tag == 0)
				mine = k;
		if (mine < 0) {	/* all in use: the user seen longest ago */
			mine = 0;
			for (int k = 1; k < RT_SEEN_N; k++)
				if (at[k] < at[mine])
					mine = k;
			if (at[mine] >= l->now)
				mine = -1;	/* this one is older still */
		}
		if (mine >= 0) {
			n->seen[mine].tag = tag;
			at[mine] = l->now;
			added = true;
		}
	}
	for (int k = 0; k < RT_SEEN_N; k++) {
		int64_t age = (int64_t)n->last_seen - at[k];

		if (n->seen[k].tag == 0 || age > RT_AGE_MAX)
			n->seen[k] = (struct rt_seen){ 0, 0 };
		else
			n->seen[k].age = (uint16_t)(age < 0 ? 0 : age);
	}
	return added;
}

/* Slot i is locked and holds l->ip: refresh it and publish. */
static void rt_refresh_locked(struct rt_table *t, uint64_t i,
			      const struct rt_login *l)
{
	struct rt_slot *s = rt_slot_at(t, i);
	uint32_t v = uatomic_read(&s->ver);
	const struct rt_copy *p = &s->copy[v & 1];
	struct rt_copy n = *p;
	uint32_t extra = uatomic_xchg(&s->pending, 0), old_last = n.last_seen;
	bool added;

	rt_step(RT_STEP_PENDING_TAKEN);
	/* later than the stored time, or replacing a time no honest writer
	 * stamped (beyond the clock slack: forged, or the clock stepped
	 * back) */
	if (l->now > n.last_seen || rt_in_future(n.last_seen, l->now))
		n.last_seen = l->now;
	if (n.first_seen > n.last_seen)
		n.first_seen = n.last_seen;
	n.count = rt_sat_add(n.count, (uint64_t)extra + (l->count ? 1 : 0));
	if (l->count)
		rt_set_user(&n, l);
	added = rt_seen_note(t, &n, old_last, l);
	memcpy(&s->copy[(v + 1) & 1], &n, sizeof(n));
	rt_step(RT_STEP_COPY_WRITTEN);
	rt_slot_publish(t, i, v);
	if (added)	/* another user: max-users-per-address may hold it now */
		rt_raise_change(t);
}

/* Slot i is locked and free (or a victim): publish a new record there. */
static void rt_insert_locked(struct rt_table *t, uint64_t i, uint32_t fp,
			     const struct rt_login *l)
{
	struct rt_slot *s = rt_slot_at(t, i);
	uint32_t v = uatomic_read(&s->ver);
	struct rt_copy n;

	uatomic_set(rt_tag_at(t, i), fp);	/* hint before publish */
	rt_step(RT_STEP_HINT_SET);
	(void)uatomic_xchg(&s->pending, 0);
	memset(&n, 0, sizeof(n));
	memcpy(n.ip, l->ip, 16);
	n.first_seen = n.last_seen = l->now;
	n.count = l->count ? 1 : 0;
	n.state = RT_STATE_LIVE;
	rt_set_user(&n, l);
	(void)rt_seen_note(t, &n, n.last_seen, l);
	memcpy(&s->copy[(v + 1) & 1], &n, sizeof(n));
	rt_step(RT_STEP_COPY_WRITTEN);
	rt_slot_publish(t, i, v);
	rt_count(t, RT_CNT_INSERT);
	rt_raise_change(t);
}

/* Slot i is locked. If it holds a tombstone of l->ip (the administrator
 * deleted it): a login replaces it with a new record, a refresh leaves it
 * and reports RT_ABSENT. Returns true (slot published or unlocked, *result
 * set) if it was such a tombstone. */
static bool rt_tomb_locked(struct rt_table *t, uint64_t i, uint32_t fp,
			   const struct rt_login *l, int *result)
{
	if (!rt_copy_is_tomb(rt_slot_rec(t, i), l->ip))
		return false;
	if (l->count) {
		rt_insert_locked(t, i, fp, l);
		*result = RT_STORED;
	} else {
		rt_slot_unlock(t, i);
		*result = RT_ABSENT;
	}
	return true;
}

/* Slot i is locked: if it holds l->ip, refresh it (its hint made right
 * first); if it holds its tombstone, let rt_tomb_locked decide. Returns
 * true (slot published or unlocked, *result set) if so; false with the slot
 * still locked if it holds something else. */
static bool rt_found_locked(struct rt_table *t, uint64_t i, uint32_t fp,
			    const struct rt_login *l, int *result)
{
	if (rt_copy_is(rt_slot_rec(t, i), l->ip)) {
		rt_slot_fix_hint(t, i);
		rt_refresh_locked(t, i, l);
		*result = RT_STORED;
		return true;
	}
	return rt_tomb_locked(t, i, fp, l, result);
}

/* Is another candidate than i already publishing l->ip? */
static bool rt_duplicate_elsewhere(struct rt_table *t, const struct rt_cand *c,
				   uint64_t i, const uint8_t ip[16])
{
	struct rt_copy r;

	for (unsigned k = 0; k < c->n; k++) {
		uint64_t j = c->idx[k];

		if (j == i || uatomic_read(rt_tag_at(t, j)) != c->fp)
			continue;
		if (rt_slot_read(t, j, &r) >= 0 && rt_copy_is(&r, ip))
			return true;
	}
	return false;
}

/* Order candidates: the bucket with more free hints first. */
static void rt_preferred_order(struct rt_table *t, const struct rt_cand *c,
			       uint64_t order[RT_MAX_CAND])
{
	unsigned w = t->window, free_a = 0, free_b = 0, n = 0;
	bool b_first;

	for (unsigned k = 0; k < c->n; k++) {
		if (uatomic_read(rt_tag_at(t, c->idx[k])) != 0)
			continue;
		if (k < w)
			free_a++;
		else
			free_b++;
	}
	b_first = c->n > w && free_b > free_a;
	for (unsigned k = 0; k < c->n; k++)
		order[n++] = c->idx[b_first ? (k + w) % c->n : k];
}

enum rt_try { RT_TRY_DONE, RT_TRY_AGAIN, RT_TRY_FULL };

/* One upsert attempt. Returns RT_TRY_DONE with *result set, or AGAIN. */
static enum rt_try rt_upsert_once(struct rt_table *t, const struct rt_cand *c,
				  const struct rt_login *l, int *result)
{
	uint64_t order[RT_MAX_CAND];
	int64_t busy_slot = -1, victim = -1, seen_ver = -1;
	uint32_t oldest = UINT32_MAX;
	bool victim_live = false;
	struct rt_copy r;

	/* 1. hint-guided search of the existing key */
	for (unsigned k = 0; k < c->n; k++) {
		uint64_t i = c->idx[k];
		enum rt_lock_result lr;

		if (uatomic_read(rt_tag_at(t, i)) != c->fp)
			continue;
		lr = rt_slot_lock(t, i, RT_WRITER_SPINS);
		if (lr == RT_LOCK_BUSY) {
			busy_slot = (int64_t)i;
			continue;
		}
		if (rt_found_locked(t, i, c->fp, l, result))
			return RT_TRY_DONE;
		rt_slot_fix_hint(t, i);	/* the hint was stale */
		rt_slot_unlock(t, i);
	}
	/* 2. hand-over to a busy holder of the same live key */
	if (busy_slot >= 0 && rt_slot_read(t, (uint64_t)busy_slot, &r) >= 0 &&
	    rt_copy_is(&r, l->ip) &&
	    rt_live_at(r.last_seen, uatomic_read(&t->hdr->grace), l->now)) {
		if (l->count)
			uatomic_inc(&rt_slot_at(t, busy_slot)->pending);
		rt_count(t, RT_CNT_MERGED);
		*result = RT_MERGED;
		return RT_TRY_DONE;
	}
	/* A stale hint may hide the key: look at every candidate once. */
	for (unsigned k = 0; k < c->n; k++) {
		uint64_t i = c->idx[k];

		if (rt_slot_read(t, i, &r) < 0 ||
		    !(rt_copy_is(&r, l->ip) || rt_copy_is_tomb(&r, l->ip)))
			continue;
		if (rt_slot_lock(t, i, RT_WRITER_SPINS) != RT_LOCKED)
			continue;
		if (rt_found_locked(t, i, c->fp, l, result))
			return RT_TRY_DONE;
		rt_slot_unlock(t, i);
	}
	/* absent and not deleted: a refresh re-creates what was evicted or
	 * lost (uncounted), a login inserts */
	/* 3. insert into a free slot, preferred bucket first */
	rt_preferred_order(t, c, order);
	for (unsigned k = 0; k < c->n; k++) {
		uint64_t i = order[k];
		const struct rt_copy *p;

		if (uatomic_read(rt_tag_at(t, i)) != 0)
			continue;
		if (rt_slot_lock(t, i, RT_WRITER_SPINS) != RT_LOCKED)
			continue;
		p = rt_slot_rec(t, i);
		if (p->state == RT_STATE_LIVE) {
			rt_slot_fix_hint(t, i);
			rt_slot_unlock(t, i);
			continue;
		}
		if (rt_duplicate_elsewhere(t, c, i, l->ip)) {
			rt_slot_unlock(t, i);
			return RT_TRY_AGAIN;
		}
		rt_insert_locked(t, i, c->fp, l);
		*result = RT_STORED;
		return RT_TRY_DONE;
	}
	/* 4. all used: evict the least recently seen candidate (a record
	 * stamped in the future counts as the oldest); a principal over the
	 * fair-eviction cap only an expired record or one of its own. A
	 * tombstone within its grace is never evicted: the administrator's
	 * delete outlasts any burst of logins (which then evict live records,
	 * which the sessions' refreshes bring back) */
	uint64_t my_user = rt_principal_user(t, l->user != NULL ? l->user : "",
					     l->user != NULL ? strlen(l->user) : 0);
	uint64_t my_net = rt_principal_net(t, l->ip);
	bool capped = rt_fair_over(t, my_user, my_net), spared = false;
	uint32_t hint_grace = uatomic_read(&t->hdr->grace);

	for (unsigned k = 0; k < c->n; k++) {
		uint64_t i = c->idx[k];
		int64_t v = rt_slot_read(t, i, &r);
		uint32_t seen;

		if (v < 0)
			continue;
		if ((r.state == RT_STATE_TOMB &&
		     rt_live_at(r.last_seen, hint_grace, l->now)) ||
		    (capped && r.state == RT_STATE_LIVE &&
		     rt_live_at(r.last_seen, hint_grace, l->now) &&
		     rt_principal_user(t, r.user, r.user_len) != my_user &&
		     (my_net == 0 || rt_principal_net(t, r.ip) != my_net))) {
			spared = true;	/* a delete in force, or another
					   principal's live record */
			continue;
		}
		if (r.state != RT_STATE_LIVE) {
			victim = (int64_t)i;
			seen_ver = v;
			victim_live = false;
			oldest = 0;
			break;
		}
		seen = rt_in_future(r.last_seen, l->now) ? 0 : r.last_seen;
		if (victim < 0 || seen < oldest) {
			oldest = seen;
			victim = (int64_t)i;
			seen_ver = v;
			victim_live = true;
		}
	}
	if (victim < 0)
		return spared ? RT_TRY_FULL : RT_TRY_AGAIN;
	if (rt_slot_lock(t, (uint64_t)victim, RT_WRITER_SPINS) != RT_LOCKED)
		return RT_TRY_AGAIN;
	if ((int64_t)uatomic_read(&rt_slot_at(t, victim)->ver) != seen_ver) {
		rt_slot_unlock(t, (uint64_t)victim);
		return RT_TRY_AGAIN;
	}
	if (victim_live) {
		bool expired = !rt_live_at(oldest, uatomic_read(&t->hdr->grace), l->now);

		rt_count(t, expired ? RT_CNT_EVICT_EXPIRED : RT_CNT_EVICT_LIVE);
	}
	rt_insert_locked(t, (uint64_t)victim, c->fp, l);
	*result = RT_STORED;
	return RT_TRY_DONE;
}

static int rt_upsert(struct rt_table *t, const struct rt_addr *ip,
		     const char *user, enum rt_service svc, uint32_t now,
		     int flags)
{
	struct rt_login l = {
		.ip = ip->b, .user = user, .svc = svc, .now = now,
		.count = (flags & RT_UPSERT_REFRESH) == 0,
	};
	struct rt_cand c;
	int result = 0;

	rt_candidates(t, ip->b, &c);
	if (rt_window_map(t, &c) != 0)
		return -1;
	for (int a = 0; a < RT_UPSERT_ATTEMPTS && !t->broken; a++) {
		enum rt_try tr = rt_upsert_once(t, &c, &l, &result);

		if (tr == RT_TRY_DONE)
			return result;
		if (tr == RT_TRY_FULL) {
			rt_count(t, RT_CNT_FULL);
			errno = ENOSPC;
			return -1;
		}
	}
	rt_count(t, RT_CNT_BUSY);
	errno = EBUSY;
	return -1;
}

int rt_table_upsert(struct rt_table *t, const struct rt_addr *ip,
		    const char *user, enum rt_service svc, uint32_t now,
		    int flags)
{
	if (!t->writable) {
		errno = EBADF;
		return -1;
	}
	return RT_GUARDED(t, int, rt_upsert(t, ip, user, svc, now, flags));
}

/* Delete slot i if it still holds a live record matching (ip or user). */
static int rt_delete_slot(struct rt_table *t, uint64_t i, const uint8_t *ip,
			  const char *user)
{
	const struct rt_copy *p;
	bool match;

	if (rt_slot_lock(t, i, RT_WRITER_SPINS) != RT_LOCKED)
		return -1;
	rt_step(RT_STEP_DELETE_LOCKED);
	p = rt_slot_rec(t, i);
	if (ip != NULL) {
		match = rt_copy_is(p, ip);
	} else {
		size_t len = strlen(user);

		match = p->state == RT_STATE_LIVE && p->user_len == len &&
			memcmp(p->user, user, len) == 0;
	}
	if (!match) {
		rt_slot_unlock(t, i);
		return 0;
	}
	rt_slot_tombstone(t, i);
	return 1;
}

static int rt_delete(struct rt_table *t, const struct rt_addr *ip)
{
	struct rt_cand c;
	struct rt_copy r;
	int removed = 0, r1;

	rt_candidates(t, ip->b, &c);
	if (rt_window_map(t, &c) != 0)
		return -1;
	for (unsigned k = 0; k < c.n; k++) {
		if (rt_slot_read(t, c.idx[k], &r) >= 0 && !rt_copy_is(&r, ip->b))
			continue;
		/* live with ip, or busy: decide under the lock */
		r1 = rt_delete_slot(t, c.idx[k], ip->b, NULL);
		if (r1 < 0) {
			errno = EBUSY;
			return -1;
		}
		removed += r1;
	}
	return removed;
}

int rt_table_delete(struct rt_table *t, const struct rt_addr *ip)
{
	if (!t->writable) {
		errno = EBADF;
		return -1;
	}
	return RT_GUARDED(t, int, rt_delete(t, ip));
}

static int rt_delete_user(struct rt_table *t, const char *user)
{
	size_t len = strlen(user);
	struct rt_copy r;
	int removed = 0, r1;

	for (uint64_t i = 0; i < t->capacity && !t->broken; i++) {
		if (rt_slot_read(t, i, &r) >= 0 &&
		    !(r.state == RT_STATE_LIVE && r.user_len == len &&
		      memcmp(r.user, user, len) == 0))
			continue;
		r1 = rt_delete_slot(t, i, NULL, user);
		if (r1 < 0) {
			errno = EBUSY;
			return -1;
		}
		removed += r1;
	}
	return removed;
}

int rt_table_delete_user(struct rt_table *t, const char *user)
{
	if (!t->writable) {
		errno = EBADF;
		return -1;
	}
	if (strlen(user) > RT_USER_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (!rt_whole_mapped(t))
		return -1;
	return RT_GUARDED(t, int, rt_delete_user(t, user));
}
