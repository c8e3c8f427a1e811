/* test-owner.c - what the table's owner (relaytab watch) repairs, and the
 * holes a second review of issue 11's work found, each a regression test
 * that failed before its fix:
 * - a lock forged in the name of a live process that cannot write the slot
 *   (a read-only reader such as serve; a windowed plugin process whose
 *   windows are elsewhere) wedged every slot, and repair kept it;
 * - repair looked each forged owner up again for every slot, and always
 *   walked the whole table: now once per owner, a share at a time;
 * - header and size damage is undone in place (same inode);
 * - a burst of logins evicted an administrator's tombstone, and a future-
 *   stamped tombstone never expired;
 * - more than 64 principals over the fair-eviction cap: the header listed
 *   64 in hash order, not the largest;
 * - a process that ignores SIGBUS was killed by a sent one. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "table-priv.h"
#include "table-test.h"
#include "tap.h"

static char dir[] = "/tmp/rt-test-owner.XXXXXX";
static char path[256];

/* A child that opens the table with flags, upserts ip (if not NULL), says
 * so through a pipe and waits to be killed. Start it before the test opens
 * the table: a child forked later would inherit the test's mapping. */
static pid_t idle_child(int flags, const struct rt_addr *ip)
{
	int p[2];
	char c = 0;
	pid_t pid;

	if (pipe(p) != 0)
		tap_bail("pipe");
	if ((pid = fork()) == 0) {
		struct rt_table *t;

		close(p[0]);
		if (rt_table_open(path, flags, &t, NULL) != 0)
			_exit(1);
		if (ip != NULL && rt_table_upsert(t, ip, "idle", RT_SVC_IMAP, 1000, 0) < 0)
			_exit(2);
		(void)!write(p[1], "r", 1);
		for (int i = 0; i < 600; i++)	/* bounded: 60 s */
			usleep(100000);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1 || c != 'r')
		tap_bail("child did not start");
	close(p[0]);
	return pid;
}

static void end_child(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

static uint64_t word_of(pid_t pid)
{
	return (uint64_t)rt_thread_start_time((uint32_t)pid) << 32 | (uint32_t)pid;
}

static void forge_all(struct rt_table *t, uint64_t word)
{
	for (uint64_t i = 0; i < t->capacity; i++)
		rt_slot_at(t, i)->lock = word;
}

static unsigned locked(struct rt_table *t)
{
	unsigned n = 0;

	for (uint64_t i = 0; i < t->capacity; i++)
		n += rt_slot_at(t, i)->lock != 0;
	return n;
}

static void test_read_only_owner(void)
{
	struct rt_addr a = tt_ip4(192, 0, 2), b = tt_ip4(198, 51, 7);
	struct rt_repair_stats rs;
	uint64_t cursor = 0;
	struct rt_table *t;
	pid_t pid;

	tt_create(path, 10, 60);
	pid = idle_child(RT_OPEN_RDONLY, NULL);
	t = tt_open(path, RT_OPEN_RDWR);

	forge_all(t, word_of(pid));
	errno = 0;
	tap_ok(rt_table_upsert(t, &a, "u", RT_SVC_IMAP, 1000, 0) == -1 && errno == EBUSY,
	       "every lock forged in a live read-only reader's name: logins fail (busy)");
	tap_is_int(rt_table_repair(t, &cursor, 0, &rs), 0, "the repair pass runs");
	tap_is_int((long long)rs.locks_foreign, 1024,
		   "... and releases all 1024: a reader holds no lock");
	tap_is_int((long long)rs.owners, 1, "... looking that owner up once");
	tap_is_int(rt_table_upsert(t, &b, "u", RT_SVC_IMAP, 1000, 0), RT_STORED,
		   "logins record again");
	end_child(pid);
	rt_table_close(&t);
}

static void test_windowed_owner(void)
{
	struct rt_addr x = tt_ip4(203, 0, 9);
	struct rt_repair_stats rs;
	struct rt_table *t;
	struct rt_cand c;
	uint64_t cursor = 0;
	unsigned mine = 0;
	pid_t pid;

	tt_create(path, 10, 60);
	pid = idle_child(RT_OPEN_RDWR | RT_OPEN_WINDOW, &x);
	t = tt_open(path, RT_OPEN_RDWR);

	forge_all(t, word_of(pid));
	tap_is_int(rt_table_repair(t, &cursor, 0, &rs), 0, "repair with locks named for a windowed writer");
	rt_candidates(t, x.b, &c);
	for (unsigned k = 0; k < c.n; k++)
		mine += rt_slot_at(t, c.idx[k])->lock != 0;
	tap_is_int((long long)rs.locks_foreign, 1024 - 32,
		   "... releases those outside the two buckets it maps");
	tap_is_int(mine, 32, "... and keeps the 32 it may be writing");
	tap_is_int(locked(t), 32, "... nothing else stays locked");
	end_child(pid);
	cursor = 0;
	rt_table_repair(t, &cursor, 0, &rs);
	tap_is_int((long long)rs.locks_dead, 32, "once it is gone, the rest are released as dead");
	rt_table_close(&t);
}

static void test_repair_share(void)
{
	struct rt_table *t = tt_fresh(path, 10, 60);
	struct rt_repair_stats rs;
	uint64_t cursor = 1000;

	rt_table_repair(t, &cursor, 100, &rs);
	tap_is_int((long long)rs.slots, 100, "a repair share of 100 slots visits 100");
	tap_is_int((long long)cursor, (1000 + 100) % 1024, "... and moves the cursor past them, wrapping");
	rt_table_close(&t);
}

static void test_restore_in_place(void)
{
	struct rt_table *t = tt_fresh(path, 10, 60), *t2;
	struct rt_addr a = tt_ip4(192, 0, 2);
	struct rt_err err;
	struct stat st0, st1;
	uint8_t b = 0xff;
	int fd;

	rt_table_upsert(t, &a, "u", RT_SVC_IMAP, 1000, 0);
	stat(path, &st0);
	fd = open(path, O_RDWR);
	if (fd < 0 || pwrite(fd, &b, 1, 40) != 1)
		tap_bail("pwrite: %s", strerror(errno));
	tap_is_int(rt_table_still_current(t), 0, "a flipped header byte: the handle is not current");
	tap_ok(rt_table_open(path, RT_OPEN_RDONLY, &t2, &err) != 0, "... and the file does not open");
	tap_is_int(rt_table_restore(t, &err), 0, "restore writes the header back");
	tap_is_int(rt_table_still_current(t), 1, "... the handle is current again");
	stat(path, &st1);
	tap_ok(st0.st_ino == st1.st_ino, "... in place: the same inode");
	tap_is_int(rt_table_lookup(t, &a, NULL), 1, "... with its records");
	if (ftruncate(fd, 4096) != 0)
		tap_bail("ftruncate");
	close(fd);
	tap_is_int(rt_table_restore(t, &err), 0, "restore puts back the size of a shrunk file");
	rt_table_close(&t);
	t = tt_open(path, RT_OPEN_RDWR);
	tap_is_int(rt_table_upsert(t, &a, "u", RT_SVC_IMAP, 1001, 0), RT_STORED,
		   "... which then opens and records");
	rt_table_close(&t);
}

/* n IPs (not v) whose two buckets are v's. */
static void same_buckets(struct rt_table *t, const struct rt_addr *v,
			 struct rt_addr *out, unsigned n)
{
	struct rt_cand cv, c;
	unsigned found = 0;

	rt_candidates(t, v->b, &cv);
	for (unsigned i = 1; i < 4000000 && found < n; i++) {
		struct rt_addr a = tt_ip4(10, (uint8_t)(i >> 16), i & 0xffff);

		rt_candidates(t, a.b, &c);
		if (memcmp(a.b, v->b, 16) != 0 &&
		    ((c.idx[0] == cv.idx[0] && c.idx[16] == cv.idx[16]) ||
		     (c.idx[0] == cv.idx[16] && c.idx[16] == cv.idx[0])))
			out[found++] = a;
	}
	if (found < n)
		tap_bail("found only %u IPs sharing the buckets", found);
}

static void test_tombstone_burst(void)
{
	struct rt_table *t = tt_fresh(path, 10, 600);
	struct rt_addr v = tt_ip4(192, 0, 2), o[40];
	uint32_t now = rt_time_now();	/* a delete stamps the clock's time */
	unsigned stored = 0;

	same_buckets(t, &v, o, 40);
	rt_table_upsert(t, &v, "victim", RT_SVC_IMAP, now, 0);
	tap_is_int(rt_table_delete(t, &v), 1, "the administrator deletes an entry");
	for (unsigned i = 0; i < 40; i++)
		stored += rt_table_upsert(t, &o[i], "burst", RT_SVC_IMAP, now, 0) == RT_STORED;
	tap_is_int(stored, 40, "40 logins into its two buckets all record (evicting live entries)");
	tap_is_int(rt_table_upsert(t, &v, "victim", RT_SVC_IMAP, now, RT_UPSERT_REFRESH),
		   RT_ABSENT, "the deleted session's refresh still finds the tombstone");
	tap_is_int(rt_table_lookup(t, &v, NULL), 0, "... and grants nothing");
	rt_table_close(&t);
}

static void test_future_tombstone(void)
{
	struct rt_table *t = tt_fresh(path, 10, 60);
	struct rt_addr v = tt_ip4(192, 0, 2);
	uint32_t now = rt_time_now();
	struct rt_cand c;
	struct rt_copy r;

	rt_table_upsert(t, &v, "u", RT_SVC_IMAP, now, 0);
	rt_table_delete(t, &v);
	rt_candidates(t, v.b, &c);
	for (unsigned k = 0; k < c.n; k++)
		if (rt_slot_read(t, c.idx[k], &r) >= 0 && rt_copy_is_tomb(&r, v.b))
			rt_slot_rec(t, c.idx[k])->last_seen = now + 100000;	/* forged */
	rt_table_scan(t, now, now - 60, NULL, NULL, NULL);
	tap_is_int(rt_table_upsert(t, &v, "u", RT_SVC_IMAP, now, RT_UPSERT_REFRESH),
		   RT_STORED, "an expiring scan removes a tombstone stamped in the future");
	rt_table_close(&t);
}

static void test_overcap_largest(void)
{
	struct rt_table *t = tt_fresh(path, 14, 600);
	unsigned over = 0, ip = 0, listed = 0, largest = 0;
	char user[16];

	for (unsigned u = 0; u < 70; u++) {
		snprintf(user, sizeof(user), "user%u", u);
		for (unsigned k = 0; k < 64 + u; k++, ip++) {
			struct rt_addr a = tt_ip4(10, (uint8_t)(ip >> 16), ip & 0xffff);

			rt_table_upsert(t, &a, user, RT_SVC_IMAP, 1000, 0);
		}
	}
	tap_is_int(rt_table_fair_update(t, 1000, 600, 64, &over), 0, "fair update with 70 users over the cap");
	tap_is_int(over, 70, "... says 70 are over it");
	tap_is_int(t->hdr->overcap_n, 64, "... the header lists 64");
	for (unsigned u = 0; u < 70; u++) {
		uint64_t p;

		snprintf(user, sizeof(user), "user%u", u);
		p = rt_principal_user(t, user, strlen(user));
		for (unsigned k = 0; k < t->hdr->overcap_n; k++) {
			if (t->hdr->overcap[k] == p) {
				listed++;
				largest += u >= 6;
			}
		}
	}
	tap_is_int(largest, 64, "... the 64 largest (users 6-69)");
	tap_is_int(listed, 64, "... and no other");
	rt_table_close(&t);
}

static void test_ignored_sigbus(void)
{
	int status;
	pid_t pid;

	if ((pid = fork()) == 0) {
		struct rt_table *t;

		signal(SIGBUS, SIG_IGN);
		if (rt_table_open(path, RT_OPEN_RDONLY, &t, NULL) != 0)
			_exit(3);
		raise(SIGBUS);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "a process that ignores SIGBUS is not killed by a sent one (status %#x)", status);
}

int main(void)
{
	if (mkdtemp(dir) == NULL)
		tap_bail("mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/table", dir);
	test_read_only_owner();
	test_windowed_owner();
	test_repair_share();
	test_restore_in_place();
	test_tombstone_burst();
	test_future_tombstone();
	test_overcap_largest();
	test_ignored_sigbus();
	unlink(path);
	rmdir(dir);
	return tap_done();
}
