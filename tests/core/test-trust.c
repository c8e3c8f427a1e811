/* test-trust.c - the table trusts no writer: regression tests for what a
 * review of the robust-mutex table found a group member could do (issue 11),
 * each failing on that design:
 * - garbage in every lock word (on the old table: pointers glibc wrote
 *   through, EIO or a crash) is recovered, and nothing private is stored;
 * - a lock held by a live owner, even a stopped one, is never taken; a dead
 *   or reused-id owner's lock is;
 * - a file shrunk under its mappings kills no reader or writer (SIGBUS
 *   before), and the table works again once its size is back;
 * - a record stamped in the future grants nothing and is expired;
 * - a record of an honest IP forged in another of its candidate slots takes
 *   that IP's logins while it lasts, leaving the honest record intact
 *   (accepted; documents what test-hostile has to allow for);
 * - a SIGBUS that is not the table's still kills as it would. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "table-priv.h"
#include "table-test.h"
#include "tap.h"

static char dir[] = "/tmp/rt-test-trust.XXXXXX";
static char path[256];

static struct rt_addr ip_n(unsigned i)
{
	return tt_ip4(198, 51, i);
}

static struct rt_table *fresh(void)
{
	return tt_fresh(path, 10, 60);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_garbage_locks(void)
{
	struct rt_table *t = fresh();
	uint64_t seed = 0x9e3779b97f4a7c15ULL, nonzero = 0, reserved = 0;
	unsigned stored = 0;

	/* what a hostile writer stores: random words, pointer-like words,
	 * words with a negative or zero thread id */
	for (uint64_t i = 0; i < t->capacity; i++) {
		uint64_t w = xorshift(&seed);

		if (i % 3 == 1)
			w = 0x00007ffc00000000ULL | (w & 0xfffffff0);
		else if (i % 3 == 2)
			w = (w << 32) | 0xffffffffULL;
		t->slots[i].lock = w;
	}
	for (unsigned i = 0; i < 300; i++) {
		struct rt_addr a = ip_n(i);

		stored += rt_table_upsert(t, &a, "u", RT_SVC_IMAP, 1000, 0) == RT_STORED;
	}
	tap_is_int(stored, 300, "every upsert succeeds over garbage lock words");
	tap_ok(rt_table_counter(t, RT_CNT_OWNER_DEAD) > 0,
	       "garbage owners were taken over (%llu)",
	       (unsigned long long)rt_table_counter(t, RT_CNT_OWNER_DEAD));
	for (uint64_t i = 0; i < t->capacity; i++)
		t->slots[i].lock = 0;
	for (unsigned i = 0; i < 300; i++) {
		struct rt_addr a = ip_n(i);

		rt_table_upsert(t, &a, "u", RT_SVC_IMAP, 1001, 0);
	}
	for (uint64_t i = 0; i < t->capacity; i++) {
		nonzero += t->slots[i].lock != 0;
		for (int c = 0; c < 2; c++)	/* a record's unused users */
			for (int k = 0; k < RT_SEEN_N; k++)
				reserved += t->slots[i].copy[c].seen[k].tag == 0 &&
					t->slots[i].copy[c].seen[k].age != 0;
	}
	tap_is_int(nonzero, 0, "after the writes every lock word is free again");
	tap_is_int(reserved, 0, "no unused user entry of a record holds an age");
	rt_table_close(&t);
}

/* A child locks slot i and stops itself. */
static pid_t stopped_holder(uint64_t i)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		tap_bail("fork");
	if (pid == 0) {
		struct rt_table *c;

		if (rt_table_open(path, RT_OPEN_RDWR, &c, NULL) != 0 ||
		    rt_slot_lock(c, i, 0) != RT_LOCKED)
			_exit(2);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status))
		tap_bail("holder did not stop");
	return pid;
}

static void test_live_owner(void)
{
	struct rt_table *t = fresh();
	uint64_t dead0 = rt_table_counter(t, RT_CNT_OWNER_DEAD);
	pid_t pid = stopped_holder(7);
	uint64_t word = t->slots[7].lock;
	int status;

	tap_is_int((long long)(uint32_t)word, pid,
		   "the lock word names the holder's thread id, nothing else");
	tap_is_int((long long)(word >> 32), rt_thread_start_time((uint32_t)pid),
		   "... and its start time");
	tap_is_int(rt_slot_lock(t, 7, 100000), RT_LOCK_BUSY,
		   "a stopped live owner's lock is not taken");
	/* the same identity with another start time: the id was reused */
	t->slots[7].lock = word + ((uint64_t)1 << 32);
	tap_is_int(rt_slot_lock(t, 7, 0), RT_LOCKED,
		   "a lock whose owner's start time does not match is taken over");
	rt_slot_unlock(t, 7);
	t->slots[7].lock = word & 0xffffffffULL;
	tap_is_int(rt_slot_lock(t, 7, 0), RT_LOCK_BUSY,
		   "an owner with an unknown start time counts as alive while its id exists");
	t->slots[7].lock = word;
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	tap_is_int(rt_slot_lock(t, 7, 0), RT_LOCKED,
		   "a dead owner's lock is taken over");
	rt_slot_unlock(t, 7);
	tap_is_int(rt_table_counter(t, RT_CNT_OWNER_DEAD) - dead0, 2,
		   "both take-overs are counted");
	t->slots[9].lock = rt_lock_self();
	tap_is_int(rt_slot_lock(t, 9, 0), RT_LOCKED,
		   "a word naming the locker itself (forged) is taken over");
	rt_slot_unlock(t, 9);
	rt_table_close(&t);
}

static int count_cb(const struct rt_record *rec, void *ctx)
{
	(void)rec;
	(*(int *)ctx)++;
	return 0;
}

/* In a child (a SIGBUS must not kill the test): shrink the file under a
 * read-only and a writable mapping, then use both. Exit status: the number
 * of calls that did not fail cleanly with EIO. */
static void shrink_child(void)
{
	struct rt_table *rd, *wr;
	struct rt_record rec;
	struct rt_addr a = ip_n(3);
	int fd, bad = 0, n = 0;

	if (rt_table_open(path, RT_OPEN_RDONLY, &rd, NULL) != 0 ||
	    rt_table_open(path, RT_OPEN_RDWR, &wr, NULL) != 0)
		_exit(100);
	if ((fd = open(path, O_RDWR)) < 0 || ftruncate(fd, 4096) != 0)
		_exit(101);
	close(fd);
	errno = 0;
	bad += !(rt_table_lookup(rd, &a, &rec) == -1 && errno == EIO);
	errno = 0;
	bad += !(rt_table_upsert(wr, &a, "u", RT_SVC_IMAP, 1000, 0) == -1 && errno == EIO);
	errno = 0;
	bad += !(rt_table_scan(rd, 0, 0, count_cb, &n, NULL) == -1 && errno == EIO);
	errno = 0;
	bad += !(rt_table_delete(wr, &a) == -1 && errno == EIO);
	bad += rt_table_still_current(rd) != 0;
	bad += rt_table_still_current(wr) != 0;
	rt_table_close(&rd);
	rt_table_close(&wr);
	_exit(bad);
}

static void test_shrink(void)
{
	struct rt_table *t = fresh();
	struct rt_table *again;
	struct rt_err err;
	struct rt_addr a = ip_n(3);
	struct stat st;
	int status, fd;
	pid_t pid;

	rt_table_upsert(t, &a, "u", RT_SVC_IMAP, 1000, 0);
	stat(path, &st);
	rt_table_close(&t);
	if ((pid = fork()) == 0)
		shrink_child();
	waitpid(pid, &status, 0);
	if (!tap_ok(WIFEXITED(status), "a reader and a writer survive the file shrinking under them"))
		tap_diag("killed by signal %d", WTERMSIG(status));
	tap_is_int(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0,
		   "every call on the shrunk table fails with EIO, and reopening is asked for");
	if ((fd = open(path, O_RDWR)) < 0 || ftruncate(fd, st.st_size) != 0)
		tap_bail("restore size");
	close(fd);
	tap_is_int(rt_table_open(path, RT_OPEN_RDWR, &again, &err), 0,
		   "the restored file opens");
	tap_is_int(rt_table_upsert(again, &a, "u", RT_SVC_IMAP, 1000, 0), RT_STORED,
		   "and takes writes again (its zeroed slots are free)");
	rt_table_close(&again);
}

static void test_future(void)
{
	struct rt_table *t = fresh();
	struct rt_addr a = ip_n(5);
	struct rt_record rec;
	struct rt_scan_stats st;
	struct rt_stats ss;
	int n = 0;

	rt_table_upsert(t, &a, "forger", RT_SVC_IMAP, 4000000000U, 0);
	tap_is_int(rt_table_lookup(t, &a, &rec), 1, "a future-stamped record is there");
	tap_ok(!rt_record_live(&rec, 1000000000U, 3600), "... and grants nothing");
	tap_ok(rt_record_live(&rec, 4000000000U - RT_FUTURE_SLACK, 3600),
	       "a record RT_FUTURE_SLACK ahead still counts (clock steps)");
	rt_table_scan(t, 1000000000U, 0, count_cb, &n, &st);
	tap_is_int(n, 0, "a scan does not visit it");
	tap_is_int(st.future, 1, "... and counts it");
	rt_table_stats(t, 1000000000U, 3600, &ss);
	tap_is_int(ss.future, 1, "stats count it");
	tap_is_int(ss.live, 0, "stats do not count it live");
	rt_table_scan(t, 1000000000U, 1000000000U - 3600, NULL, NULL, &st);
	tap_is_int(st.expired, 1, "an expiring scan deletes it");
	tap_is_int(rt_table_lookup(t, &a, &rec), 0, "gone");
	rt_table_close(&t);
}

/* A session refresh re-creates an evicted entry, never a deleted one until
 * the tombstone's grace is over (a refresh never re-created anything, so
 * an IMAP IDLE user pushed out lost relay for the rest of the session). */
static void test_tombstone(void)
{
	struct rt_table *t = fresh();
	struct rt_addr a = ip_n(11);
	uint32_t now = rt_time_now();
	struct rt_scan_stats st;

	rt_table_upsert(t, &a, "idle", RT_SVC_IMAP, now, RT_UPSERT_LOGIN);
	tap_is_int(rt_table_delete(t, &a), 1, "the administrator deletes an entry");
	rt_table_scan(t, now, now - 60, NULL, NULL, &st);
	tap_is_int(rt_table_upsert(t, &a, "idle", RT_SVC_IMAP, now, RT_UPSERT_REFRESH),
		   RT_ABSENT, "within the grace a refresh does not bring it back");
	rt_table_scan(t, now + 70, now + 10, NULL, NULL, &st);
	tap_is_int(rt_table_upsert(t, &a, "idle", RT_SVC_IMAP, now + 70, RT_UPSERT_REFRESH),
		   RT_STORED, "once an expiring scan removed the tombstone, a refresh re-creates it");
	rt_table_close(&t);
}

/* 3,000 logins from one IPv6 /64 into a 1,024-slot table, with 100 other
 * users' live entries in it; publish: run the owner's fair-eviction update
 * (as relaytab watch does) every 50 logins. Returns how many of the 100
 * stayed; *stored_r the attacker's logins recorded. */
static unsigned fair_run(bool publish, unsigned *over_r, unsigned *stored_r)
{
	struct rt_table *t = fresh();
	struct rt_addr a;
	unsigned kept = 0;
	char s[64];

	*over_r = *stored_r = 0;
	for (unsigned i = 0; i < 100; i++) {
		struct rt_addr v = ip_n(1000 + i);

		snprintf(s, sizeof(s), "victim%u", i);
		rt_table_upsert(t, &v, s, RT_SVC_IMAP, 1000, RT_UPSERT_LOGIN);
	}
	for (unsigned i = 0; i < 3000; i++) {
		snprintf(s, sizeof(s), "2001:db8:1:2:%x:%x::1", i >> 8, i & 0xff);
		if (rt_addr_parse(s, &a) != 0)
			tap_bail("parse %s", s);
		*stored_r += rt_table_upsert(t, &a, "mallory", RT_SVC_IMAP, 1001,
					     RT_UPSERT_LOGIN) >= 0;
		if (publish && i % 50 == 49)
			rt_table_fair_update(t, 1001, 60, RT_FAIR_CAP, over_r);
	}
	for (unsigned i = 0; i < 100; i++) {
		struct rt_addr v = ip_n(1000 + i);

		kept += rt_table_lookup(t, &v, NULL) == 1;
	}
	rt_table_close(&t);
	return kept;
}

static void test_fair_eviction(void)
{
	unsigned over, stored, kept;

	kept = fair_run(false, &over, &stored);
	tap_ok(kept < 100, "without the owner's list one /64 pushes out others' entries "
	       "(%u of 100 stay)", kept);
	kept = fair_run(true, &over, &stored);
	tap_ok(over >= 1, "with it, the /64 and its user are listed as over the cap (%u)", over);
	tap_is_int(kept, 100, "... the other users' live entries all stay");
	tap_is_int(stored, 3000, "... and the capped user's logins still record (over its own)");
}

/* Where ip's live record is, or -1 (-2 if in more than one slot). */
static int64_t find_live(struct rt_table *t, const struct rt_addr *a)
{
	int64_t at = -1;

	for (uint64_t i = 0; i < t->capacity; i++) {
		struct rt_copy r;

		if (rt_slot_read(t, i, &r) >= 0 && rt_copy_is(&r, a->b))
			at = at == -1 ? (int64_t)i : -2;
	}
	return at;
}

/* A hostile writer forges a record of an honest IP in a slot it writes,
 * one of that IP's candidates that comes before the honest record's: the
 * IP's writer takes it for the IP's record (readers do too) and refreshes
 * it, so the honest record, in a slot nobody else wrote, stays intact but
 * misses those logins; when the forged record is spoiled and cleared, they
 * are gone with it, and the next login goes to the honest record again.
 * Accepted (a group member can write any record in a slot it writes); the
 * hostile torture has to count such logins as diverted. */
static void test_forged_duplicate(void)
{
	struct rt_table *t = fresh();
	struct rt_addr a = ip_n(21);
	struct rt_repair_stats rs;
	struct rt_record rec;
	struct rt_cand c;
	struct rt_slot *z;
	int64_t honest;
	uint64_t zi, cursor;
	uint32_t now = rt_time_now();

	rt_candidates(t, a.b, &c);
	zi = c.idx[0];
	z = &t->slots[zi];
	t->tags[zi] = 0xdeadbeef;	/* the forger's slot looks taken */
	rt_table_upsert(t, &a, "honest", RT_SVC_IMAP, now, RT_UPSERT_LOGIN);
	honest = find_live(t, &a);
	tap_ok(honest >= 0 && (uint64_t)honest != zi,
	       "the login is recorded in another candidate (slot %lld)", (long long)honest);
	if (honest < 0 || (uint64_t)honest == zi)
		tap_bail("no honest record to go on with");
	/* the forger writes a record of the IP into its slot and publishes it;
	 * the owner's repair pass takes it for valid and fixes its hint */
	memset(&z->copy[(z->ver + 1) & 1], 0, sizeof(struct rt_copy));
	memcpy(z->copy[(z->ver + 1) & 1].ip, a.b, 16);
	z->copy[(z->ver + 1) & 1].state = RT_STATE_LIVE;
	z->copy[(z->ver + 1) & 1].first_seen = z->copy[(z->ver + 1) & 1].last_seen = now;
	z->ver++;
	cursor = 0;
	rt_table_repair(t, &cursor, 0, &rs);
	tap_is_int(t->tags[zi], c.fp, "the repair pass gives the forged record its hint");
	tap_is_int(rt_table_upsert(t, &a, "honest", RT_SVC_IMAP, now, RT_UPSERT_LOGIN),
		   RT_STORED, "a second login is stored...");
	tap_is_int(z->copy[z->ver & 1].count, 1, "... in the forged record");
	tap_ok(rt_table_lookup(t, &a, &rec) == 1 && rec.count == 1 &&
	       strcmp(rec.user, "honest") == 0, "a lookup finds the forged record");
	z->copy[z->ver & 1].state = 77;	/* spoiled: the owner clears it */
	cursor = 0;
	rt_table_repair(t, &cursor, 0, &rs);
	tap_is_int(rs.records, 1, "the repair pass clears the spoiled record");
	tap_ok(find_live(t, &a) == honest &&
	       t->slots[honest].copy[t->slots[honest].ver & 1].count == 1,
	       "the honest record is intact, but holds 1 of the 2 logins");
	rt_table_upsert(t, &a, "honest", RT_SVC_IMAP, now, RT_UPSERT_LOGIN);
	tap_is_int(t->slots[honest].copy[t->slots[honest].ver & 1].count, 2,
		   "the next login goes to the honest record again");
	rt_table_close(&t);
}

static void test_foreign_sigbus(void)
{
	struct rt_table *t = fresh();
	int status;
	pid_t pid;

	rt_table_close(&t);
	if ((pid = fork()) == 0) {
		char other[300];
		volatile char *p;
		int fd;

		snprintf(other, sizeof(other), "%s/other", dir);
		if (rt_table_open(path, RT_OPEN_RDONLY, &t, NULL) != 0 ||
		    (fd = open(other, O_RDWR | O_CREAT, 0600)) < 0 ||
		    ftruncate(fd, 8192) != 0)
			_exit(100);
		p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED || ftruncate(fd, 0) != 0)
			_exit(101);
		(void)p[4096];
		_exit(0);
	}
	waitpid(pid, &status, 0);
	/* killed by SIGBUS, or by the sanitizer's own report of it */
	tap_ok(!(WIFEXITED(status) && WEXITSTATUS(status) == 0),
	       "a SIGBUS outside any table still ends the process (status %#x)", status);
}

int main(void)
{
	if (mkdtemp(dir) == NULL)
		tap_bail("mkdtemp");
	snprintf(path, sizeof(path), "%s/table", dir);
	test_garbage_locks();
	test_live_owner();
	test_shrink();
	test_future();
	test_tombstone();
	test_fair_eviction();
	test_forged_duplicate();
	test_foreign_sigbus();
	unlink(path);
	char other[300];
	snprintf(other, sizeof(other), "%s/other", dir);
	unlink(other);
	rmdir(dir);
	return tap_done();
}
