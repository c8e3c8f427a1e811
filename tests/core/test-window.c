/* test-window.c - a handle opened with RT_OPEN_WINDOW (the plugin's) maps
 * only the header and the two buckets of the IP at hand, yet reads and
 * writes the same table as a whole-file handle:
 * - thousands of mixed logins, refreshes, deletes and lookups through both
 *   kinds of handle agree with a model of the table;
 * - calls that walk every slot refuse with EOPNOTSUPP;
 * - on a 2^22-slot table (over 1 GiB) a windowed handle costs a few pages
 *   of address space, a whole mapping over 1 GiB (Dovecot's default
 *   vsz_limit is 256M: issue 11);
 * - a file shrunk under its windows kills nothing: calls fail with EIO. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "table-priv.h"
#include "table-test.h"
#include "tap.h"

static char dir[] = "/tmp/rt-test-window.XXXXXX";
static char path[256];

static struct rt_addr ip_n(unsigned i)
{
	return tt_ip4(203, 0, i);
}


/* VmSize of this process, in KiB. */
static long vm_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmSize: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

#define NMODEL 300
#define NOPS 20000

static void test_model(void)
{
	struct rt_table *w, *f;
	bool present[NMODEL] = { false }, tomb[NMODEL] = { false };
	uint32_t count[NMODEL] = { 0 };
	unsigned seed = 7, wrong = 0, errors = 0, ops = 0;
	struct rt_record rec;

	tt_create(path, 10, 60);	/* 64 buckets: windows move on nearly every call */
	w = tt_open(path, RT_OPEN_RDWR | RT_OPEN_WINDOW);
	f = tt_open(path, RT_OPEN_RDWR);
	for (unsigned n = 0; n < NOPS; n++) {
		unsigned i = (unsigned)rand_r(&seed) % NMODEL, op = (unsigned)rand_r(&seed) % 10;
		struct rt_table *t = rand_r(&seed) % 2 ? w : f;
		struct rt_addr a = ip_n(i);
		uint32_t now = 1000 + n / 16;
		int r = 0;

		if (op < 6) {		/* login */
			r = rt_table_upsert(t, &a, "u", RT_SVC_IMAP, now, RT_UPSERT_LOGIN);
			count[i] = present[i] ? count[i] + 1 : 1;
			present[i] = true;
			tomb[i] = false;
		} else if (op < 8) {	/* refresh */
			r = rt_table_upsert(t, &a, "u", RT_SVC_IMAP, now, RT_UPSERT_REFRESH);
			if (!present[i] && !tomb[i]) {
				present[i] = true;	/* re-created, uncounted */
				count[i] = 0;
			}
		} else if (op < 9) {	/* delete */
			r = rt_table_delete(t, &a);
			if (r >= 0 && r != (present[i] ? 1 : 0))
				wrong++;
			if (present[i])
				tomb[i] = true;
			present[i] = false;
		}
		errors += r < 0;
		ops++;
		/* both handles see what the model says */
		for (int k = 0; k < 2; k++) {
			int found = rt_table_lookup(k ? w : f, &a, &rec);

			if (found != (present[i] ? 1 : 0) ||
			    (found == 1 && rec.count != count[i]))
				wrong++;
		}
	}
	tap_is_int(errors, 0, "%u calls through a windowed and a whole handle: none failed", ops);
	tap_is_int(wrong, 0, "... and every lookup through either agrees with the model");
	tap_is_int((long long)(rt_table_counter(f, RT_CNT_EVICT_LIVE) +
			       rt_table_counter(f, RT_CNT_EVICT_EXPIRED)), 0,
		   "... with no eviction to blur it");
	rt_table_close(&w);
	rt_table_close(&f);
}

static void test_whole_table_calls(void)
{
	struct rt_table *w, *ro;
	struct rt_stats st;
	struct rt_repair_stats rs;
	struct rt_addr a = ip_n(1);
	uint64_t cursor = 0;
	unsigned over;
	int bad = 0;

	tt_create(path, 10, 60);
	w = tt_open(path, RT_OPEN_RDWR | RT_OPEN_WINDOW);
	tap_ok(rt_slot_at(w, 3) == &w->spare->slot && rt_tag_at(w, 3) == &w->spare->tag,
	       "before any call, a windowed handle's slot 3 is its private spare, not memory near 0");
#define REFUSES(call) do { errno = 0; if ((call) != -1 || errno != EOPNOTSUPP) \
		{ bad++; tap_diag("%s did not refuse", #call); } } while (0)
	REFUSES(rt_table_scan(w, 1000, 0, NULL, NULL, NULL));
	REFUSES(rt_table_scan(w, 1000, 900, NULL, NULL, NULL));
	REFUSES(rt_table_stats(w, 1000, 60, &st));
	REFUSES(rt_table_delete_user(w, "u"));
	REFUSES(rt_table_repair(w, &cursor, 0, &rs));
	REFUSES(rt_table_fair_update(w, 1000, 60, 64, &over));
#undef REFUSES
	tap_is_int(bad, 0, "a windowed handle refuses every whole-table call with EOPNOTSUPP");
	tap_is_int(rt_table_upsert(w, &a, "u", RT_SVC_POP3, 1000, RT_UPSERT_LOGIN), RT_STORED,
		   "... and still records");
	ro = tt_open(path, RT_OPEN_RDONLY | RT_OPEN_WINDOW);
	tap_is_int(rt_table_lookup(ro, &a, NULL), 1, "a read-only windowed handle finds it");
	tap_is_int(rt_table_still_current(ro), 1, "... and is current");
	rt_table_close(&ro);
	rt_table_close(&w);
}

static void test_address_space(void)
{
	struct rt_table *w, *f;
	long before, windowed, whole;
	unsigned stored = 0, found = 0;

	tt_create(path, 22, 60);
	before = vm_kib();
	w = tt_open(path, RT_OPEN_RDWR | RT_OPEN_WINDOW);
	for (unsigned i = 0; i < 200; i++) {
		struct rt_addr a = ip_n(i);

		stored += rt_table_upsert(w, &a, "u", RT_SVC_IMAP, 1000, 0) == RT_STORED;
		found += rt_table_lookup(w, &a, NULL) == 1;
	}
	windowed = vm_kib() - before;
	tap_is_int(stored + found, 400, "200 logins recorded and found through a windowed handle on a 2^22-slot table");
	tap_ok(windowed >= 0 && windowed <= 256,
	       "... which cost %ld KiB of address space (a few pages)", windowed);
	before = vm_kib();
	f = tt_open(path, RT_OPEN_RDONLY);
	whole = vm_kib() - before;
	tap_ok(whole > 1024 * 1024,
	       "a whole mapping of it costs %ld KiB: over Dovecot's default vsz_limit", whole);
	found = 0;
	for (unsigned i = 0; i < 200; i++) {
		struct rt_addr a = ip_n(i);

		found += rt_table_lookup(f, &a, NULL) == 1;
	}
	tap_is_int(found, 200, "the whole handle finds all 200");
	rt_table_close(&f);
	rt_table_close(&w);
	unlink(path);
}

/* In a child (a SIGBUS not caught kills it, not the test): a windowed
 * handle with windows mapped, and one with none yet, on a file then shrunk
 * to its header page. Exit status: bit 0 cached window call failed EIO,
 * bit 1 new window call failed EIO, bit 2 still_current said 0. */
static int shrink_child(void)
{
	struct rt_table *w1 = tt_open(path, RT_OPEN_RDWR | RT_OPEN_WINDOW);
	struct rt_table *w2 = tt_open(path, RT_OPEN_RDWR | RT_OPEN_WINDOW);
	struct rt_addr a = ip_n(1), b = ip_n(2);
	int fd, bits = 0;

	if (rt_table_upsert(w1, &a, "u", RT_SVC_IMAP, 1000, 0) != RT_STORED)
		return 64;
	if ((fd = open(path, O_RDWR)) < 0 || ftruncate(fd, 4096) != 0)
		return 65;
	close(fd);
	errno = 0;
	if (rt_table_upsert(w1, &a, "u", RT_SVC_IMAP, 1001, 0) == -1 && errno == EIO)
		bits |= 1;
	errno = 0;
	if (rt_table_upsert(w2, &b, "u", RT_SVC_IMAP, 1001, 0) == -1 && errno == EIO)
		bits |= 2;
	if (rt_table_still_current(w1) == 0 && rt_table_still_current(w2) == 0)
		bits |= 4;
	rt_table_close(&w1);
	rt_table_close(&w2);
	return bits;
}

static void test_shrink(void)
{
	struct rt_table *w;
	struct rt_addr a = ip_n(3);
	struct stat st;
	pid_t pid;
	int status = 0, fd;

	tt_create(path, 10, 60);
	if (stat(path, &st) != 0)
		tap_bail("stat: %s", strerror(errno));
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(shrink_child());
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status), "windowed handles survive the file shrinking under them (status 0x%x)",
	       status);
	tap_is_int(WIFEXITED(status) ? WEXITSTATUS(status) & 3 : -1, 3,
		   "... a call on mapped windows and one mapping new windows both fail with EIO");
	tap_is_int(WIFEXITED(status) ? WEXITSTATUS(status) & 4 : -1, 4,
		   "... and reopening is asked for");
	if ((fd = open(path, O_RDWR)) < 0 || ftruncate(fd, st.st_size) != 0)
		tap_bail("restore: %s", strerror(errno));
	close(fd);
	w = tt_open(path, RT_OPEN_RDWR | RT_OPEN_WINDOW);
	tap_is_int(rt_table_upsert(w, &a, "u", RT_SVC_IMAP, 1002, 0), RT_STORED,
		   "once the size is back, a new windowed handle records");
	rt_table_close(&w);
}

int main(void)
{
	if (mkdtemp(dir) == NULL)
		tap_bail("mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/table", dir);
	test_model();
	test_whole_table_calls();
	test_address_space();
	test_shrink();
	unlink(path);
	rmdir(dir);
	return tap_done();
}
