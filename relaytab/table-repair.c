/* table-repair.c - what the table's owner (relaytab watch, as root) does
 * about damage that writers leave behind or forge: a repair pass over every
 * slot, and rebuilding a table whose header or size was spoiled. */
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

/* Does thread tid's process map the file (dev, ino)? 1 yes, 0 no, -1 if
 * its maps cannot be read (not root, hidepid): then it may. */
static int rt_owner_maps(uint32_t tid, dev_t dev, ino_t ino)
{
	char path[64], line[512];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%u/maps", tid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	/* 7f..-7f.. rw-s 00000000 00:1a 1234   /run/relaytab/table */
	for (unsigned n = 0; n < 1000000 && fgets(line, sizeof(line), f) != NULL; n++) {
		unsigned maj, min;
		unsigned long long inode;

		if (sscanf(line, "%*s %*s %*s %x:%x %llu", &maj, &min, &inode) == 3 &&
		    maj == major(dev) && min == minor(dev) && inode == (unsigned long long)ino) {
			found = 1;
			break;
		}
		/* a line longer than the buffer: skip its rest */
		while (strchr(line, '\n') == NULL && fgets(line, sizeof(line), f) != NULL)
			;
	}
	if (ferror(f))
		found = -1;
	fclose(f);
	return found;
}

/* A record no honest writer publishes. */
static bool rt_rec_invalid(const struct rt_rec *r)
{
	if (r->state == RT_STATE_EMPTY)
		return false;
	if (r->state == RT_STATE_TOMB)
		return r->user_len != 0 || r->first_seen > r->last_seen;
	return r->state != RT_STATE_LIVE || r->user_len > sizeof(r->user) ||
	       (r->flags & 0xff) >= RT_SVC_COUNT || r->first_seen > r->last_seen;
}

/* Release slot i's lock if its owner is dead, or alive but not even
 * mapping this table (a forged owner: it cannot be mid-update here). */
static void rt_repair_lock(struct rt_table *t, uint64_t i,
			   struct rt_repair_stats *st)
{
	uint64_t *w = &rt_slot_at(t, i)->lock;
	uint64_t seen = uatomic_read(w);
	bool dead;

	if (seen == 0)
		return;
	dead = rt_lock_owner_dead(seen);
	if (!dead && rt_owner_maps((uint32_t)seen, t->dev, t->ino) != 0)
		return;		/* a live writer of this table, or unknown */
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

static int rt_repair(struct rt_table *t, struct rt_repair_stats *st)
{
	for (uint64_t i = 0; i < t->capacity && !t->broken; i++) {
		struct rt_rec r;
		uint32_t want;

		rt_repair_lock(t, i, st);
		if (rt_slot_read(t, i, &r) < 0)
			continue;	/* a writer at work (or a spinning forger) */
		want = rt_rec_hint(t, &r);
		if (!rt_rec_invalid(&r) && uatomic_read(rt_tag_at(t, i)) == want)
			continue;
		if (rt_slot_lock(t, i, 0) != RT_LOCKED)
			continue;
		r = *rt_slot_rec(t, i);
		if (rt_rec_invalid(&r)) {
			rt_slot_clear(t, i);
			st->records++;
			rt_count(t, RT_CNT_REPAIR);
			continue;
		}
		st->hints += uatomic_read(rt_tag_at(t, i)) != rt_rec_hint(t, &r);
		rt_slot_fix_hint(t, i);
		rt_slot_unlock(t, i);
	}
	return 0;
}

int rt_table_repair(struct rt_table *t, struct rt_repair_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!t->writable) {
		errno = EBADF;
		return -1;
	}
	if (!rt_whole_mapped(t))
		return -1;
	return RT_GUARDED(t, int, rt_repair(t, st));
}

struct rt_copy_ctx {
	struct rt_table *to;
	int copied;
};

static int rt_copy_record(const struct rt_record *rec, void *context)
{
	struct rt_copy_ctx *c = context;

	if (rt_table_upsert(c->to, &rec->ip, rec->user, rec->service,
			    rec->last_seen, RT_UPSERT_LOGIN) >= 0)
		c->copied++;
	return 0;
}

int rt_table_rebuild(struct rt_table *old, uint32_t grace,
		     struct rt_table **new_r, struct rt_err *err)
{
	const struct rt_hdr *fixed = (const struct rt_hdr *)old->fixed;
	struct rt_create_opts o = { 0 };
	struct rt_copy_ctx c = { NULL, 0 };
	struct stat st;

	*new_r = NULL;
	if (!rt_whole_mapped(old))
		return rt_err_fail(err, errno, "%s: a windowed handle cannot be rebuilt from",
				   old->path);
	/* the mode and group of the file we opened: a group member can
	 * write its bytes, not change its owner's chmod or chown */
	if (fstat(old->fd, &st) != 0)
		return rt_err_fail(err, errno, "fstat %s: %s", old->path,
				   strerror(errno));
	o.cap_log2 = fixed->cap_log2;
	o.mode = st.st_mode & 07777;
	o.gid = st.st_gid;
	o.grace = grace;
	o.force = true;
	if (rt_table_create(old->path, &o, err) != 0)
		return -1;
	if (rt_table_open(old->path, RT_OPEN_RDWR, &c.to, err) != 0)
		return -1;
	(void)rt_table_scan(old, 0, 0, rt_copy_record, &c, NULL);
	rt_count(c.to, RT_CNT_REBUILD);
	*new_r = c.to;
	return c.copied;
}
