/* test-table.c - unit tests of the table operations: create, upsert,
 * refresh, lookup, delete, scan with expiry, eviction, change flag, stats. */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "table.h"
#include "table-test.h"
#include "tap.h"

static char dir[] = "/tmp/rt-test-table.XXXXXX";
static char path[256];

static struct rt_addr ip(const char *s)
{
	struct rt_addr a;

	if (rt_addr_parse(s, &a) != 0)
		tap_bail("bad test address %s", s);
	return a;
}

static struct rt_table *fresh(unsigned cap_log2, uint32_t grace)
{
	return tt_fresh(path, cap_log2, grace);
}

static int count_cb(const struct rt_record *rec, void *ctx)
{
	(void)rec;
	(*(int *)ctx)++;
	return 0;
}

static void test_create(void)
{
	struct rt_create_opts o = { 10, 0640, getgid(), 60, false };
	struct rt_table *t;
	struct rt_err err;
	struct stat st;

	unlink(path);
	tap_is_int(rt_table_create(path, &o, &err), 0, "create a new table");
	tap_ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640,
	       "create applies the mode (got %o)", st.st_mode & 07777);
	tap_is_int(st.st_size, 4096 + 4096 + 1024 * 256, "file size for 1024 slots");
	errno = 0;
	tap_is_int(rt_table_create(path, &o, &err), -1, "create refuses a valid table");
	tap_is_int(errno, EEXIST, "... with EEXIST");
	tap_ok(strstr(err.msg, "--force") != NULL, "... saying --force (%s)", err.msg);
	o.force = true;
	tap_is_int(rt_table_create(path, &o, &err), 0, "create --force replaces it");
	o.cap_log2 = 30;
	tap_is_int(rt_table_create(path, &o, &err), -1, "capacity 2^30 refused");
	tap_is_int(rt_table_open(path, RT_OPEN_RDONLY, &t, &err), 0, "open read-only");
	tap_is_int(rt_table_grace(t), 60, "grace stored at creation");
	struct rt_addr a = ip("192.0.2.1");
	errno = 0;
	tap_is_int(rt_table_upsert(t, &a, "u", RT_SVC_IMAP, 100, 0), -1,
		   "upsert on a read-only table fails");
	tap_is_int(errno, EBADF, "... with EBADF");
	tap_is_int(rt_table_still_current(t), 1, "still current");
	rt_table_close(&t);
	tap_ok(t == NULL, "close sets the handle to NULL");
}

static void test_upsert_lookup(void)
{
	struct rt_table *t = fresh(10, 1800);
	struct rt_addr a = ip("192.0.2.1"), b = ip("2001:db8::5"), m = ip("::ffff:192.0.2.1");
	struct rt_record r;
	char longuser[100];

	tap_is_int(rt_table_lookup(t, &a, &r), 0, "lookup of an absent IP");
	tap_is_int(rt_table_upsert(t, &a, "alice", RT_SVC_IMAP, 1000, RT_UPSERT_LOGIN),
		   RT_STORED, "insert");
	tap_is_int(rt_table_lookup(t, &a, &r), 1, "lookup finds it");
	tap_is_str(r.user, "alice", "user stored");
	tap_is_int(r.service, RT_SVC_IMAP, "service stored");
	tap_is_int(r.count, 1, "count 1");
	tap_is_int(r.first_seen, 1000, "first_seen");
	tap_is_int(r.last_seen, 1000, "last_seen");
	tap_is_int(rt_table_upsert(t, &m, "bob", RT_SVC_POP3, 1010, RT_UPSERT_LOGIN),
		   RT_STORED, "login again (v4-mapped spelling)");
	rt_table_lookup(t, &a, &r);
	tap_is_int(r.count, 2, "count 2: same IPv4 entry");
	tap_is_int(r.first_seen, 1000, "first_seen kept");
	tap_is_int(r.last_seen, 1010, "last_seen advanced");
	tap_is_str(r.user, "bob", "user of the last login");
	tap_is_int(r.service, RT_SVC_POP3, "service of the last login");
	tap_is_int(rt_table_upsert(t, &a, "carol", RT_SVC_IMAP, 1020, RT_UPSERT_REFRESH),
		   RT_STORED, "refresh of a present IP");
	rt_table_lookup(t, &a, &r);
	tap_is_int(r.count, 2, "refresh does not count");
	tap_is_int(r.last_seen, 1020, "refresh advances last_seen");
	tap_is_str(r.user, "bob", "refresh keeps the user");
	tap_is_int(rt_table_upsert(t, &b, "x", RT_SVC_IMAP, 1020, RT_UPSERT_REFRESH),
		   RT_STORED, "refresh of an absent (evicted, lost) IP re-creates it");
	tap_is_int(rt_table_lookup(t, &b, &r), 1, "... present again");
	tap_is_int(r.count, 0, "... with no login counted");
	tap_is_int(rt_table_delete(t, &b), 1, "delete it (leaves a tombstone)");
	tap_is_int(rt_table_upsert(t, &b, "x", RT_SVC_IMAP, 1021, RT_UPSERT_REFRESH),
		   RT_ABSENT, "a refresh does not bring back a deleted IP");
	tap_is_int(rt_table_lookup(t, &b, &r), 0, "... still absent");
	tap_is_int(rt_table_upsert(t, &b, "x", RT_SVC_IMAP, 1022, RT_UPSERT_LOGIN),
		   RT_STORED, "a new login of the deleted IP records it");
	tap_is_int(rt_table_lookup(t, &b, &r), 1, "... present");
	tap_is_int(r.count, 1, "... as one login");
	rt_table_delete(t, &b);
	memset(longuser, 'u', sizeof(longuser) - 1);
	longuser[sizeof(longuser) - 1] = '\0';
	rt_table_upsert(t, &b, longuser, RT_SVC_IMAP, 1030, RT_UPSERT_LOGIN);
	rt_table_lookup(t, &b, &r);
	tap_is_int(strlen(r.user), RT_USER_MAX, "long user truncated to 64 bytes");
	tap_is_int(rt_table_upsert(t, &a, "z", RT_SVC_IMAP, 1020 - RT_FUTURE_SLACK,
				   RT_UPSERT_LOGIN),
		   RT_STORED, "login with a clock behind, within the slack");
	rt_table_lookup(t, &a, &r);
	tap_is_int(r.last_seen, 1020, "last_seen does not go back within the slack");
	tap_is_int(rt_table_upsert(t, &a, "z", RT_SVC_IMAP, 900, RT_UPSERT_LOGIN),
		   RT_STORED, "login with a clock 120 s behind the stored time");
	rt_table_lookup(t, &a, &r);
	tap_is_int(r.last_seen, 900,
		   "a stored time beyond the slack (forged, or the clock stepped back) is replaced");
	tap_is_int(r.first_seen, 900, "first_seen is never after last_seen");
	rt_table_close(&t);
}

static void test_delete_scan(void)
{
	struct rt_table *t = fresh(10, 100);
	struct rt_scan_stats st;
	char s[32];
	int n = 0;

	for (int i = 0; i < 50; i++) {
		snprintf(s, sizeof(s), "10.0.%d.%d", i / 10, i % 10);
		struct rt_addr a = ip(s);
		rt_table_upsert(t, &a, i % 2 ? "odd" : "even", RT_SVC_IMAP,
				(uint32_t)(1000 + i), 0);
	}
	tap_is_int(rt_table_scan(t, 0, 0, count_cb, &n, &st), 0, "scan");
	tap_is_int(n, 50, "scan visits 50 records");
	struct rt_addr a = ip("10.0.0.0");
	tap_is_int(rt_table_delete(t, &a), 1, "delete one IP");
	tap_is_int(rt_table_delete(t, &a), 0, "delete it again: nothing");
	tap_is_int(rt_table_delete_user(t, "odd"), 25, "delete 25 records of a user");
	n = 0;
	rt_table_scan(t, 0, 1030, count_cb, &n, &st);
	tap_is_int(st.expired, 14, "scan expires the 14 remaining records seen before 1030");
	tap_is_int(n, 10, "and visits the 10 newer ones");
	n = 0;
	rt_table_scan(t, 0, 0, count_cb, &n, NULL);
	tap_is_int(n, 10, "expired records are gone");
	struct rt_stats ss;
	tap_is_int(rt_table_stats(t, 1100, 100, &ss), 0, "stats");
	tap_is_int(ss.used, 10, "stats: used");
	tap_is_int(ss.live, 10, "stats: live within the grace given");
	tap_is_int(rt_table_stats(t, 1100, 50, &ss), 0, "stats, a shorter grace");
	tap_is_int(ss.live, 0, "stats: none live within 50 s (the newest is from 1049)");
	tap_is_int(ss.counters[RT_CNT_INSERT], 50, "stats: inserts counted");
	tap_is_int(ss.counters[RT_CNT_EXPIRE], 14, "stats: expiries counted");
	tap_is_int(ss.counters[RT_CNT_DELETE], 40, "stats: deletes counted (1+25+14)");
	rt_table_close(&t);
}

static void test_eviction(void)
{
	struct rt_table *t = fresh(10, 100);
	struct rt_stats ss;
	char s[32];
	int stored = 0, n = 0;

	/* 3000 IPs into 1024 slots: old ones are evicted, never refused */
	for (int i = 0; i < 3000; i++) {
		snprintf(s, sizeof(s), "10.%d.%d.1", i / 250, i % 250);
		struct rt_addr a = ip(s);
		if (rt_table_upsert(t, &a, "u", RT_SVC_IMAP, (uint32_t)(10000 + i), 0) >= 0)
			stored++;
	}
	tap_is_int(stored, 3000, "every upsert into a full table succeeds");
	rt_table_scan(t, 0, 0, count_cb, &n, NULL);
	tap_is_int(n, 1024, "the table is full (1024 records)");
	rt_table_stats(t, 13000, 60, &ss);
	tap_ok(ss.counters[RT_CNT_EVICT_LIVE] + ss.counters[RT_CNT_EVICT_EXPIRED] >= 3000 - 1024,
	       "evictions counted (%llu live, %llu expired)",
	       (unsigned long long)ss.counters[RT_CNT_EVICT_LIVE],
	       (unsigned long long)ss.counters[RT_CNT_EVICT_EXPIRED]);
	struct rt_addr last = ip("10.11.249.1");
	tap_is_int(rt_table_lookup(t, &last, NULL), 1, "the newest IP is present");
	rt_table_close(&t);
}

static void test_change_flag(void)
{
	struct rt_table *t = fresh(10, 100);
	struct rt_addr a = ip("192.0.2.7");
	pid_t pid;
	int status;

	rt_table_change_begin(t);
	tap_is_int(rt_table_change_wait(t, 50), 0, "no change: wait times out");
	rt_table_upsert(t, &a, "u", RT_SVC_IMAP, 100, 0);
	tap_is_int(rt_table_change_wait(t, 5000), 1, "insert sets the change flag");
	rt_table_change_begin(t);
	rt_table_upsert(t, &a, "u", RT_SVC_IMAP, 101, 0);
	tap_is_int(rt_table_change_wait(t, 50), 0, "a refresh does not");
	rt_table_change_begin(t);
	pid = fork();
	if (pid == 0) {
		struct rt_table *c;
		struct rt_addr b = ip("192.0.2.8");

		usleep(100000);
		if (rt_table_open(path, RT_OPEN_RDWR, &c, NULL) != 0)
			_exit(1);
		rt_table_upsert(c, &b, "child", RT_SVC_IMAP, 102, 0);
		_exit(0);
	}
	tap_is_int(rt_table_change_wait(t, 10000), 1,
		   "another process's insert wakes a waiting reader");
	waitpid(pid, &status, 0);
	rt_table_change_begin(t);
	rt_table_delete(t, &a);
	tap_is_int(rt_table_change_wait(t, 50), 1, "a delete sets the change flag");
	rt_table_close(&t);
}

/* The owner's fair-eviction count over an empty table (watch's first pass
 * on a new table): qsort of no principals once got a NULL pointer. */
static void test_fair_empty(void)
{
	struct rt_table *t = fresh(10, 600);
	unsigned over = 99;

	tap_is_int(rt_table_fair_update(t, 1000, 600, RT_FAIR_CAP, &over), 0,
		   "fair update of an empty table");
	tap_is_int(over, 0, "... finds no principal over the cap");
	rt_table_close(&t);
}

int main(void)
{
	if (mkdtemp(dir) == NULL)
		tap_bail("mkdtemp");
	snprintf(path, sizeof(path), "%s/table", dir);
	test_create();
	test_upsert_lookup();
	test_delete_scan();
	test_eviction();
	test_change_flag();
	test_fair_empty();
	unlink(path);
	rmdir(dir);
	return tap_done();
}
