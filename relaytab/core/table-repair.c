/* table-repair.c - what the table's owner (relaytab watch, as root or with
 * CAP_SYS_PTRACE, to read the lock owners' /proc/PID/maps) does
 * about damage that writers leave behind or forge: a repair pass over the
 * slots, a share at a time, and restoring in place a header or size that
 * was spoiled. */
#include "table-priv.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <urcu/uatomic.h>

/* What /proc/<tid>/maps says of one lock owner, looked up once per pass:
 * the file ranges [lo, hi) of this table it maps writable and shared. A
 * lock it holds in a slot outside them is forged: it cannot write there. */
#define RT_OWNER_RANGES 8
#define RT_OWNER_CACHE 512	/* owners remembered per pass (power of 2) */
struct rt_owner {
	uint64_t word;		/* 0: unused entry */
	bool dead;
	bool anywhere;		/* maps unreadable, or too many ranges: it may
				   hold any slot */
	unsigned n;
	uint64_t lo[RT_OWNER_RANGES], hi[RT_OWNER_RANGES];
};

static void rt_owner_read(struct rt_owner *o, dev_t dev, ino_t ino)
{
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/maps", (uint32_t)o->word);
	if ((f = fopen(path, "re")) == NULL) {
		o->anywhere = true;	/* not root, hidepid, or just gone */
		return;
	}
	/* 7f..-7f.. rw-s 00000000 00:1a 1234   /run/relaytab/table */
	for (unsigned k = 0; k < 1000000 && fgets(line, sizeof(line), f) != NULL; k++) {
		unsigned long long start, end, off, inode;
		unsigned maj, min;
		char perms[5];

		if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu", &start, &end,
			   perms, &off, &maj, &min, &inode) == 7 &&
		    perms[1] == 'w' && perms[3] == 's' && end > start &&
		    maj == major(dev) && min == minor(dev) &&
		    inode == (unsigned long long)ino) {
			if (o->n == RT_OWNER_RANGES) {
				o->anywhere = true;
				break;
			}
			o->lo[o->n] = off;
			o->hi[o->n++] = off + (end - start);
		}
		/* a line longer than the buffer: skip its rest */
		while (strchr(line, '\n') == NULL && fgets(line, sizeof(line), f) != NULL)
			;
	}
	if (ferror(f))
		o->anywhere = true;
	fclose(f);
}

/* The cached verdict on word (NULL if the cache is full: then the caller
 * decides with a temporary entry). */
static struct rt_owner *rt_owner_find(struct rt_owner *cache, uint64_t word)
{
	uint64_t h = word * 0x9e3779b97f4a7c15ULL;

	for (unsigned k = 0; k < RT_OWNER_CACHE; k++) {
		struct rt_owner *o = &cache[((h >> 32) + k) & (RT_OWNER_CACHE - 1)];

		if (o->word == word || o->word == 0)
			return o;
	}
	return NULL;
}

/* May the owner named by word be writing slot i? */
static bool rt_owner_may_hold(struct rt_table *t, struct rt_owner *cache,
			      uint64_t word, uint64_t i, struct rt_repair_stats *st,
			      bool *dead)
{
	struct rt_owner tmp, *o = rt_owner_find(cache, word);
	uint64_t off = t->slots_off + i * RT_SLOT_SIZE;

	if (o == NULL) {
		memset(&tmp, 0, sizeof(tmp));
		o = &tmp;
	}
	if (o->word != word) {
		o->word = word;
		st->owners++;
		o->dead = rt_lock_owner_dead(word);
		if (!o->dead)
			rt_owner_read(o, t->dev, t->ino);
	}
	*dead = o->dead;
	if (o->dead)
		return false;
	if (o->anywhere)
		return true;
	for (unsigned k = 0; k < o->n; k++)
		if (off >= o->lo[k] && off < o->hi[k])
			return true;
	return false;
}

/* A user set no honest writer publishes: an unused entry with an age, a
 * tag twice, an age beyond last_seen or RT_AGE_MAX; for a tombstone, any
 * entry. */
static bool rt_seen_invalid(const struct rt_copy *r)
{
	for (int k = 0; k < RT_SEEN_N; k++) {
		const struct rt_seen *e = &r->seen[k];

		if ((e->tag == 0 && e->age != 0) || e->age > r->last_seen ||
		    e->age > RT_AGE_MAX ||
		    (e->tag != 0 && r->state == RT_STATE_TOMB))
			return true;
		for (int j = 0; j < k; j++)
			if (e->tag != 0 && r->seen[j].tag == e->tag)
				return true;
	}
	return false;
}

/* A record no honest writer publishes. */
static bool rt_copy_invalid(const struct rt_copy *r)
{
	if (r->state == RT_STATE_EMPTY)
		return false;
	if (r->state == RT_STATE_TOMB)
		return r->user_len != 0 || r->first_seen > r->last_seen ||
		       rt_seen_invalid(r);
	return r->state != RT_STATE_LIVE || r->user_len > sizeof(r->user) ||
	       (r->flags & 0xff) >= RT_SVC_COUNT || r->first_seen > r->last_seen ||
	       rt_seen_invalid(r);
}

/* Release slot i's lock if its owner is dead, or alive but without a
 * writable mapping of this slot (a forged owner: it cannot be mid-update
 * here). */
static void rt_repair_lock(struct rt_table *t, uint64_t i, struct rt_owner *cache,
			   struct rt_repair_stats *st)
{
	uint64_t *w = &rt_slot_at(t, i)->lock;
	uint64_t seen = uatomic_read(w);
	bool dead;

	if (seen == 0 || rt_owner_may_hold(t, cache, seen, i, st, &dead))
		return;		/* free, or a live writer of this slot */
	if (uatomic_cmpxchg(w, seen, rt_lock_self()) != seen)
		return;
	rt_slot_fix_hint(t, i);
	rt_slot_unlock(t, i);
	if (dead) {
		st->locks_dead++;
		rt_count(t, RT_CNT_OWNER_DEAD);
	} else {
		st->locks_foreign++;
		rt_count(t, RT_CNT_REPAIR);
	}
}

static int rt_repair(struct rt_table *t, uint64_t first, uint64_t count,
		     struct rt_owner *cache, struct rt_repair_stats *st)
{
	for (uint64_t n = 0; n < count && !t->broken; n++) {
		uint64_t i = (first + n) & t->mask;
		struct rt_copy r;
		uint32_t want;

		st->slots++;
		rt_repair_lock(t, i, cache, st);
		if (rt_slot_read(t, i, &r) < 0)
			continue;	/* a writer at work (or a spinning forger) */
		want = rt_copy_hint(t, &r);
		if (!rt_copy_invalid(&r) && uatomic_read(rt_tag_at(t, i)) == want)
			continue;
		if (rt_slot_trylock(t, i) != RT_LOCKED)
			continue;
		r = *rt_slot_rec(t, i);
		if (rt_copy_invalid(&r)) {
			rt_slot_clear(t, i);
			st->records++;
			rt_count(t, RT_CNT_REPAIR);
			continue;
		}
		st->hints += uatomic_read(rt_tag_at(t, i)) != rt_copy_hint(t, &r);
		rt_slot_fix_hint(t, i);
		rt_slot_unlock(t, i);
	}
	return 0;
}

int rt_table_repair(struct rt_table *t, uint64_t *cursor, uint64_t count,
		    struct rt_repair_stats *st)
{
	struct rt_owner *cache;
	uint64_t first = *cursor & t->mask;
	int r;

	memset(st, 0, sizeof(*st));
	if (!t->writable) {
		errno = EBADF;
		return -1;
	}
	if (!rt_whole_mapped(t))
		return -1;
	if (count == 0 || count > t->capacity)
		count = t->capacity;
	if ((cache = calloc(RT_OWNER_CACHE, sizeof(*cache))) == NULL)
		return -1;
	r = RT_GUARDED(t, int, rt_repair(t, first, count, cache, st));
	free(cache);
	*cursor = (first + count) & t->mask;
	return r;
}

/* The fixed header as validated at open, and the size: written back over
 * whatever a group member put there. The mapping may be broken meanwhile
 * (a shrink); the caller reopens. */
int rt_table_restore(struct rt_table *t, struct rt_err *err)
{
	uint8_t reserved[256 - sizeof(t->fixed)];
	struct stat st;

	if (!t->writable)
		return rt_err_fail(err, EBADF, "%s is open read-only", t->path);
	if (fstat(t->fd, &st) != 0)
		return rt_err_fail(err, errno, "fstat %s: %s", t->path, strerror(errno));
	if ((uint64_t)st.st_size != t->file_size &&
	    ftruncate(t->fd, (off_t)t->file_size) != 0)
		return rt_err_fail(err, errno, "cannot restore the size of %s: %s",
				   t->path, strerror(errno));
	memset(reserved, 0, sizeof(reserved));
	if (pwrite(t->fd, t->fixed, sizeof(t->fixed), 0) != (ssize_t)sizeof(t->fixed) ||
	    pwrite(t->fd, reserved, sizeof(reserved), sizeof(t->fixed)) !=
	    (ssize_t)sizeof(reserved))
		return rt_err_fail(err, errno ? errno : EIO,
				   "cannot restore the header of %s: %s", t->path,
				   strerror(errno ? errno : EIO));
	return 0;
}
