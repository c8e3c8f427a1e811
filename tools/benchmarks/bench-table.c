/* bench-table.c - figures for the table and the compiler: upserts/s
 * (refresh and insert) and lock-free lookups/s with 1 and 2 processes,
 * snapshot (scan) time, bytes per live record, and compile time (expire +
 * publish a cdb) at 10k, 100k and 1M live records, plus a no-op compile;
 * and what forged locks cost: a login whose every candidate slot is locked
 * in a live reader's name, and watch's repair pass over such a table.
 * Usage: bench-table [DIR [RELAYTAB]]   (default /dev/shm; with the path of
 * the relaytab command, also a one-shot compile and tinycdb's cdb -c of the
 * same keys); tools/bench runs it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"
#include "compile.h"
#include "table-priv.h"

static void ip_of(uint32_t i, struct rt_addr *a)
{
	uint8_t v4[4] = { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };

	rt_addr_from_v4(a, v4);
}

static struct rt_table *make_table(const char *path, unsigned cap_log2);

/* Every lock word forged in the name of a live read-only process (an
 * attacker naming serve, say): a login's cost, and a repair pass's. */
static void forged_locks(const char *path)
{
	struct rt_table *t = make_table(path, 14);
	struct rt_repair_stats rs;
	uint64_t word, cursor = 0;
	double t0, login_ms, repair_ms;
	pid_t pid;
	int status;

	rt_table_close(&t);
	if ((pid = fork()) == 0) {
		if (rt_table_open(path, RT_OPEN_RDONLY, &t, NULL) != 0)
			_exit(1);
		sleep(60);
		_exit(0);
	}
	usleep(200000);		/* the reader has the table open */
	if (rt_table_open(path, RT_OPEN_RDWR, &t, NULL) != 0)
		exit(1);
	word = (uint64_t)rt_thread_start_time((uint32_t)pid) << 32 | (uint32_t)pid;
	for (uint64_t i = 0; i < t->capacity; i++)
		t->slots[i].lock = word;
	t0 = now_s();
	for (uint32_t i = 0; i < 200; i++) {
		struct rt_addr a;

		ip_of(i, &a);
		(void)rt_table_upsert(t, &a, "bench", RT_SVC_IMAP, 2000000000U, 0);
	}
	login_ms = (now_s() - t0) * 1000 / 200;
	t0 = now_s();
	rt_table_repair(t, &cursor, 0, &rs);
	repair_ms = (now_s() - t0) * 1000;
	printf("forged locks: a login with all 32 candidates locked %.2f ms; "
	       "repair of %llu such slots %.1f ms (%llu released, %llu owner looked up)\n",
	       login_ms, (unsigned long long)rs.slots, repair_ms,
	       (unsigned long long)rs.locks_foreign, (unsigned long long)rs.owners);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	rt_table_close(&t);
}

static struct rt_table *make_table(const char *path, unsigned cap_log2)
{
	struct rt_create_opts o = { cap_log2, 0600, (gid_t)-1, 1800, true };
	struct rt_table *t;
	struct rt_err err;

	if (rt_table_create(path, &o, &err) != 0 ||
	    rt_table_open(path, RT_OPEN_RDWR, &t, &err) != 0) {
		fprintf(stderr, "bench: %s\n", err.msg);
		exit(1);
	}
	return t;
}

/* op: 0 refresh (same n IPs), 1 insert (distinct), 2 lookup; 3 refresh
 * through a windowed handle (the plugin's), another IP each call so every
 * call maps new windows; 4 windowed refresh of one IP (a session's) */
static double run_procs(const char *path, int procs, int op, uint32_t n, uint32_t base)
{
	double t0 = now_s();

	for (int p = 0; p < procs; p++) {
		if (fork() == 0) {
			struct rt_table *t;
			struct rt_addr a;
			struct rt_record r;

			int flags = op == 2 ? RT_OPEN_RDONLY : RT_OPEN_RDWR;

			if (op >= 3)
				flags |= RT_OPEN_WINDOW;
			if (rt_table_open(path, flags, &t, NULL) != 0)
				_exit(1);
			for (uint32_t i = 0; i < n; i++) {
				uint32_t k = op == 1 ? base + (uint32_t)p * n + i :
					op == 4 ? (uint32_t)p : (i * 2654435761u) % 50000;

				ip_of(k, &a);
				if (op == 2)
					rt_table_lookup(t, &a, &r);
				else
					rt_table_upsert(t, &a, "bench", RT_SVC_IMAP, 2000000000U, 0);
			}
			_exit(0);
		}
	}
	for (int p = 0; p < procs; p++)
		wait(NULL);
	return (double)procs * n / (now_s() - t0);
}

/* Wall time of a shell command, in ms (-1 if it failed). */
static double command_ms(const char *cmd)
{
	double t0 = now_s();

	return system(cmd) == 0 ? (now_s() - t0) * 1000 : -1;
}

#define RUNS 5

static int ms_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of n figures (sorts them). */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), ms_cmp);
	return v[n / 2];
}

/* The compiler at the size of t: watch's passes in this process (the first,
 * a no-op, and RUNS each after one new login), a one-shot "relaytab
 * compile" in a new process after one new login (relaytab may be NULL),
 * and tinycdb's own "cdb -c" writing the same keys, side by side: each
 * repeated figure as its median (and the first login pass, which warms
 * the process, on its own). */
static double compile_ms(struct rt_table *t, const char *path, const char *dir,
			 const char *relaytab, uint32_t now)
{
	struct rt_compile_conf c;
	struct rt_compile_report rep;
	struct rt_err err;
	struct rt_addr a;
	char name[512], cmd[2048];
	double t0, ms, noop, login[RUNS], first, shot[RUNS], cdb[RUNS];
	int shots = 0;

	rt_compile_conf_init(&c);
	c.grace = 1800;
	snprintf(name, sizeof(name), "%s/bench-relay", dir);
	rt_compile_conf_set(&c, "postfix-cdb", name, &err);
	rt_compile_conf_finish(&c, &err);
	t0 = now_s();
	if (rt_compile_run(t, &c, now, NULL, NULL, &rep, &err) != 0)
		fprintf(stderr, "bench: compile: %s\n", err.msg);
	ms = (now_s() - t0) * 1000;
	t0 = now_s();
	rt_compile_run(t, &c, now, NULL, NULL, &rep, &err);	/* nothing changed */
	noop = (now_s() - t0) * 1000;
	for (uint32_t k = 0; k < RUNS; k++) {
		ip_of(0xfffff0 + k, &a);
		rt_table_upsert(t, &a, "bench", RT_SVC_IMAP, now, 0);
		t0 = now_s();
		rt_compile_run(t, &c, now, NULL, NULL, &rep, &err);	/* one login more */
		login[k] = (now_s() - t0) * 1000;
	}
	first = login[0];
	if (relaytab != NULL) {
		/* the records are stamped at the bench's own now */
		snprintf(cmd, sizeof(cmd), "RELAYTAB_NOW=%u %s --table %s compile "
			 "--config /dev/null --grace 30m --postfix-cdb %s/bench-relay "
			 "--text %s/bench-relay.txt", now, relaytab, path, dir, dir);
		if (system(cmd) == 0) {	/* writes the text map for cdb -c */
			for (shots = 0; shots < RUNS; shots++) {
				ip_of(0xffffe0 + (uint32_t)shots, &a);
				rt_table_upsert(t, &a, "bench", RT_SVC_IMAP, now, 0);
				snprintf(cmd, sizeof(cmd), "RELAYTAB_NOW=%u %s --table %s compile "
					 "--config /dev/null --grace 30m --postfix-cdb %s/bench-relay",
					 now, relaytab, path, dir);
				shot[shots] = command_ms(cmd);
				snprintf(cmd, sizeof(cmd), "cdb -c -m %s/bench-ref.cdb < %s/bench-relay.txt",
					 dir, dir);
				cdb[shots] = command_ms(cmd);
			}
		}
	}
	printf("compile %8zu live: %8.1f ms (expire + cdb publish); no-op %.1f ms; "
	       "after one login %.1f ms (median of %d; the first %.1f ms)",
	       rep.live, ms, noop, median(login, RUNS), RUNS, first);
	if (shots > 0)
		printf("; one-shot relaytab compile %.1f ms; cdb -c of the same keys %.1f ms "
		       "(medians of %d)", median(shot, shots), median(cdb, shots), shots);
	printf("\n");
	for (const char *f = "bench-relay.cdb\0bench-relay.txt\0bench-ref.cdb\0"; *f; f += strlen(f) + 1) {
		snprintf(name, sizeof(name), "%s/%s", dir, f);
		unlink(name);
	}
	rt_compile_conf_free(&c);
	return ms;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/dev/shm";
	const char *relaytab = argc > 2 ? argv[2] : NULL;
	char path[512], cpu[256] = "?", date[64];
	time_t tt = time(NULL);

	snprintf(path, sizeof(path), "%s/bench-table.%ld", dir, (long)getpid());
	bench_cpu_model(cpu, sizeof(cpu));
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&tt));
	printf("relaytab table benchmark - %s, %ld cores, %s\n", cpu,
	       sysconf(_SC_NPROCESSORS_ONLN), date);

	struct rt_table *t = make_table(path, 17);	/* 131072 slots */
	run_procs(path, 1, 1, 50000, 0);		/* warm: 50k IPs */
	printf("refresh upserts/s, 1 process : %10.0f\n", run_procs(path, 1, 0, 2000000, 0));
	printf("refresh upserts/s, 2 processes: %10.0f\n", run_procs(path, 2, 0, 1000000, 0));
	printf("lookups/s, 1 process          : %10.0f\n", run_procs(path, 1, 2, 2000000, 0));
	printf("lookups/s, 2 processes        : %10.0f\n", run_procs(path, 2, 2, 1000000, 0));
	printf("windowed refresh/s, new IP each call, 1 process: %10.0f\n",
	       run_procs(path, 1, 3, 200000, 0));
	printf("windowed refresh/s, one IP (a session), 1 process: %10.0f\n",
	       run_procs(path, 1, 4, 2000000, 0));
	rt_table_close(&t);
	t = make_table(path, 18);			/* 262144 slots */
	printf("insert upserts/s, 1 process  : %10.0f\n", run_procs(path, 1, 1, 100000, 100000));
	printf("insert upserts/s, 2 processes: %10.0f\n", run_procs(path, 2, 1, 50000, 300000));
	rt_table_close(&t);

	/* bytes per live record at load 0.8 */
	t = make_table(path, 17);
	run_procs(path, 1, 1, 104858, 0);
	struct rt_stats st;
	rt_table_stats(t, 2000000000U, 1800, &st);
	printf("bytes per live record at load %.2f: %.0f (%llu live in %llu bytes, %llu live evictions)\n",
	       (double)st.used / (double)st.capacity,
	       (double)st.file_size / (double)st.used, (unsigned long long)st.used,
	       (unsigned long long)st.file_size,
	       (unsigned long long)st.counters[RT_CNT_EVICT_LIVE]);
	rt_table_close(&t);

	forged_locks(path);

	/* snapshot and compile at 10k, 100k, 1M */
	static const struct { unsigned log2; uint32_t n; } sizes[] = {
		{ 14, 10000 }, { 17, 100000 }, { 21, 1000000 },
	};
	for (size_t s = 0; s < 3; s++) {
		t = make_table(path, sizes[s].log2);
		run_procs(path, 2, 1, sizes[s].n / 2, 0);
		double t0 = now_s(), t1;
		struct rt_scan_stats ss;
		rt_table_scan(t, 0, 0, NULL, NULL, &ss);
		t1 = now_s();
		rt_table_scan(t, 0, 0, NULL, NULL, &ss);
		/* the first scan of a fresh mapping pays a page fault per 4 KiB;
		   watch and serve keep theirs, so they see the second figure */
		printf("snapshot scan %8llu live: %8.1f ms first (page faults), %.1f ms warm\n",
		       (unsigned long long)ss.live, (t1 - t0) * 1000, (now_s() - t1) * 1000);
		compile_ms(t, path, dir, relaytab, 2000000100U);
		rt_table_close(&t);
	}
	unlink(path);
	return 0;
}

