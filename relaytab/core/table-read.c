/* table-read.c - the lock-free readers: lookup, scan (with the compiler's
 * expiry), stats, and waiting for the change flag. */
#include "table-priv.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <urcu/arch.h>
#include <urcu/futex.h>
#include <urcu/uatomic.h>

static int rt_lookup(struct rt_table *t, const struct rt_addr *ip,
		     struct rt_record *rec_r)
{
	struct rt_cand c;
	struct rt_copy r;

	rt_candidates(t, ip->b, &c);
	if (rt_window_map(t, &c) != 0)
		return -1;
	/* hinted candidates first, then every candidate (stale hints) */
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned k = 0; k < c.n; k++) {
			uint64_t i = c.idx[k];

			if (pass == 0 && uatomic_read(rt_tag_at(t, i)) != c.fp)
				continue;
			if (rt_slot_read(t, i, &r) < 0 || !rt_copy_is(&r, ip->b))
				continue;
			if (rec_r != NULL)
				rt_copy_to_record(&r, rec_r);
			return 1;
		}
	}
	return 0;
}

int rt_table_lookup(struct rt_table *t, const struct rt_addr *ip,
		    struct rt_record *rec_r)
{
	return RT_GUARDED(t, int, rt_lookup(t, ip, rec_r));
}

/* Expire slot i if it is still the record seen at version v. */
static bool rt_expire_slot(struct rt_table *t, uint64_t i, int64_t v)
{
	if (rt_slot_trylock(t, i) != RT_LOCKED)
		return false;	/* busy, maybe forged: the repair pass sees to it */
	if ((int64_t)uatomic_read(&rt_slot_at(t, i)->ver) != v) {
		rt_slot_unlock(t, i);
		return false;
	}
	rt_slot_clear(t, i);
	rt_count(t, RT_CNT_EXPIRE);
	return true;
}

static int rt_scan(struct rt_table *t, uint32_t now, uint32_t expire_before,
		   rt_scan_fn *fn, void *context, struct rt_scan_stats *st)
{
	struct rt_record rec;
	struct rt_copy r;
	int ret = 0;

	for (uint64_t i = 0; i < t->capacity && !t->broken; i++) {
		int64_t v;
		bool future;

		/* An empty hint: no record a writer published (it sets the
		 * hint first) - skipping it reads a 4-byte hint instead of
		 * a 256-byte slot. A hint someone cleared hides its record
		 * (a grant lost, never one made) until the repair pass,
		 * which reads every slot, puts it back. */
		if (uatomic_read(rt_tag_at(t, i)) == 0)
			continue;
		v = rt_slot_read(t, i, &r);
		if (v < 0) {
			st->busy++;
			continue;
		}
		if (r.state == RT_STATE_TOMB && expire_before != 0 &&
		    (r.last_seen < expire_before ||
		     (now != 0 && rt_in_future(r.last_seen, now)))) {
			(void)rt_expire_slot(t, i, v);	/* its grace is over */
			continue;
		}
		if (r.state != RT_STATE_LIVE)
			continue;	/* empty, tombstone or invalid: skip */
		future = now != 0 && rt_in_future(r.last_seen, now);
		if (future)
			st->future++;
		if (expire_before != 0 && (future || r.last_seen < expire_before)) {
			if (rt_expire_slot(t, i, v))
				st->expired++;
			else
				st->busy++;	/* expired anyway: not visited */
			continue;
		}
		if (future)
			continue;
		st->live++;
		if (fn != NULL) {
			rt_copy_to_record(&r, &rec);
			if ((ret = fn(&rec, context)) != 0)
				break;
		}
	}
	return ret;
}

int rt_table_scan(struct rt_table *t, uint32_t now, uint32_t expire_before,
		  rt_scan_fn *fn, void *context, struct rt_scan_stats *stats_r)
{
	struct rt_scan_stats st = { 0, 0, 0, 0 };
	int ret;

	if (expire_before != 0 && !t->writable) {
		errno = EBADF;
		return -1;
	}
	if (!rt_whole_mapped(t))
		return -1;
	ret = RT_GUARDED(t, int, rt_scan(t, now, expire_before, fn, context, &st));
	if (stats_r != NULL)
		*stats_r = st;
	return ret;
}

static int rt_stats(struct rt_table *t, uint32_t now, uint32_t grace,
		    struct rt_stats *s)
{
	struct rt_hdr h;
	struct rt_copy r;
	struct rt_record rec;

	if (pread(t->fd, &h, 256, 0) != 256)
		return -1;
	s->version_major = h.vmajor;
	s->version_minor = h.vminor;
	s->capacity = t->capacity;
	s->file_size = t->file_size;
	s->slot_size = RT_SLOT_SIZE;
	s->created = (uint32_t)h.created;
	s->grace = grace;
	for (uint64_t i = 0; i < t->capacity && !t->broken; i++) {
		if (rt_slot_read(t, i, &r) < 0) {
			s->busy++;
			continue;
		}
		if (r.state != RT_STATE_LIVE)
			continue;
		s->used++;
		if (rt_in_future(r.last_seen, now))
			s->future++;
		else if (rt_live_at(r.last_seen, grace, now)) {
			s->live++;
			rt_copy_to_record(&r, &rec);
			s->by_users[rt_record_users(&rec, now, grace)]++;
		}
	}
	for (int c = 0; c < RT_CNT_COUNT; c++)
		s->counters[c] = uatomic_read(&t->hdr->st[c]);
	return 0;
}

int rt_table_stats(struct rt_table *t, uint32_t now, uint32_t grace,
		   struct rt_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (!rt_whole_mapped(t))
		return -1;
	return RT_GUARDED(t, int, rt_stats(t, now, grace, s));
}

static int rt_change_begin(struct rt_table *t)
{
	uatomic_set(&t->hdr->dirty, 0);
	cmm_smp_mb();
	return 0;
}

void rt_table_change_begin(struct rt_table *t)
{
	if (t->writable)
		(void)RT_GUARDED(t, int, rt_change_begin(t));
}

void rt_table_change_notify(struct rt_table *t)
{
	if (t->writable)
		(void)RT_GUARDED(t, int, (rt_raise_change(t), 0));
}

static int rt_change_wait(struct rt_table *t, int timeout_ms)
{
	struct timespec ts = {
		.tv_sec = timeout_ms / 1000,
		.tv_nsec = (long)(timeout_ms % 1000) * 1000000L,
	};
	int r = 0, saved = 0;

	uatomic_inc(&t->hdr->waiters);
	cmm_smp_mb();
	if (uatomic_read(&t->hdr->dirty) == 0 && timeout_ms > 0) {
		r = futex((int32_t *)&t->hdr->dirty, FUTEX_WAIT, 0, &ts,
				NULL, 0);
		saved = errno;
	}
	uatomic_dec(&t->hdr->waiters);
	cmm_smp_mb();
	if (uatomic_read(&t->hdr->dirty) != 0)
		return 1;
	if (r < 0 && saved == EINTR) {
		errno = EINTR;
		return -1;
	}
	return 0;
}

int rt_table_change_wait(struct rt_table *t, int timeout_ms)
{
	if (!t->writable) {
		errno = EBADF;
		return -1;
	}
	return RT_GUARDED(t, int, rt_change_wait(t, timeout_ms));
}
