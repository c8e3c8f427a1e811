/* test-fault.c - fault injection: writer and expirer processes are SIGKILLed
 * at random instants and at each protocol step, while a reader checks every
 * record it sees; afterwards the table must satisfy its invariants: every
 * slot empty or valid, no slot stuck locked, every completed login present,
 * fresh upserts succeed.
 *
 * RT_FAULT_KILLS (default 600) sets the number of kills, RT_FAULT_SEED the
 * seed (printed). "make torture" runs 10,000 kills. RT_FAULT_STEP_MS
 * (default 1) is how long a writer hooked to die at a protocol step is given
 * to get there before it is killed anyway: a fresh process needs longer
 * under emulation (qemu-user: 5-20 ms), and with 1 ms there none would die
 * at its step (tools/check-arm64 sets 20). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "table-priv.h"
#include "tap.h"

#define NIP 64			/* IPs 0..47 stay; 48..63 churn and expire */
#define NSTAY 48
#define NWRITERS 3
#define BASE_NOW 2000000000U

struct shared {
	uint64_t started[NIP];	/* upserts begun */
	uint64_t stored[NIP];	/* upserts that returned RT_STORED */
	uint64_t torn;		/* reader: inconsistent records seen */
	uint64_t checked;	/* reader: records checked */
	uint64_t kill_step;	/* writer: step at which to die (0 = none) */
	uint64_t kill_after;	/* ...after passing it this many times */
};

static char dir[] = "/tmp/rt-test-fault.XXXXXX";
static char path[256];
static struct shared *sh;

static void ip_of(int i, struct rt_addr *a)
{
	uint8_t v4[4] = { 10, 9, (uint8_t)(i / 256), (uint8_t)(i % 256) };

	rt_addr_from_v4(a, v4);
}

static int index_of(const struct rt_addr *a)
{
	if (!rt_addr_is_v4(a) || a->b[12] != 10 || a->b[13] != 9)
		return -1;
	return a->b[14] * 256 + a->b[15];
}

static uint64_t step_countdown;
static void die_at_step(int step)
{
	if ((uint64_t)step == sh->kill_step && step_countdown-- == 0)
		raise(SIGKILL);
}

static void writer(unsigned seed, bool hooked)
{
	struct rt_table *t;
	char user[32];

	/* half the writers map by window, as the plugin does */
	if (rt_table_open(path, RT_OPEN_RDWR | (seed & 1 ? RT_OPEN_WINDOW : 0),
			  &t, NULL) != 0)
		_exit(2);
	if (hooked) {
		step_countdown = sh->kill_after;
		rt_table_test_step_hook = die_at_step;
	}
	for (;;) {
		int i = (int)(rand_r(&seed) % NIP);
		struct rt_addr a;
		uint32_t now = i < NSTAY ? BASE_NOW + (unsigned)(rand_r(&seed) % 1000) :
			1000U + (unsigned)(rand_r(&seed) % 1000);

		ip_of(i, &a);
		snprintf(user, sizeof(user), "user%d", i);
		__atomic_fetch_add(&sh->started[i], 1, __ATOMIC_SEQ_CST);
		if (rt_table_upsert(t, &a, user, RT_SVC_IMAP, now, RT_UPSERT_LOGIN) == RT_STORED)
			__atomic_fetch_add(&sh->stored[i], 1, __ATOMIC_SEQ_CST);
	}
}

static void expirer(void)
{
	struct rt_table *t;

	if (rt_table_open(path, RT_OPEN_RDWR, &t, NULL) != 0)
		_exit(2);
	for (;;) {
		rt_table_scan(t, 0, 2000, NULL, NULL, NULL);	/* churn set only */
		usleep(200);
	}
}

static int check_record(const struct rt_record *rec, void *ctx)
{
	char want[32];
	int i = index_of(&rec->ip);

	(void)ctx;
	__atomic_fetch_add(&sh->checked, 1, __ATOMIC_RELAXED);
	snprintf(want, sizeof(want), "user%d", i);
	if (i < 0 || i >= NIP || strcmp(rec->user, want) != 0 ||
	    rec->first_seen > rec->last_seen || rec->count == 0 ||
	    rec->service != RT_SVC_IMAP ||
	    (i < NSTAY) != (rec->last_seen >= BASE_NOW))
		__atomic_fetch_add(&sh->torn, 1, __ATOMIC_RELAXED);
	return 0;
}

static void reader(void)
{
	struct rt_table *t;

	if (rt_table_open(path, RT_OPEN_RDONLY, &t, NULL) != 0)
		_exit(2);
	for (;;)
		rt_table_scan(t, 0, 0, check_record, NULL, NULL);
}

static pid_t spawn(void (*fn)(unsigned, bool), unsigned seed, bool hooked)
{
	pid_t pid = fork();

	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0) {
		fn(seed, hooked);
		_exit(0);
	}
	return pid;
}

static void run_expirer(unsigned s, bool h) { (void)s; (void)h; expirer(); }
static void run_reader(unsigned s, bool h) { (void)s; (void)h; reader(); }

static void kill_wait(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int main(void)
{
	const char *env_kills = getenv("RT_FAULT_KILLS");
	const char *env_seed = getenv("RT_FAULT_SEED");
	const char *env_step_ms = getenv("RT_FAULT_STEP_MS");
	unsigned kills = env_kills ? (unsigned)atoi(env_kills) : 600;
	unsigned step_ms = env_step_ms ? (unsigned)atoi(env_step_ms) : 1;
	unsigned seed = env_seed ? (unsigned)strtoul(env_seed, NULL, 10) :
		(unsigned)time(NULL) ^ (unsigned)getpid();
	struct rt_create_opts o = { 10, 0600, (gid_t)-1, 100000, true };
	pid_t writers[NWRITERS], exp, rd;
	unsigned step_kills = 0, random_kills = 0, self_deaths = 0;
	struct rt_table *t;
	struct rt_err err;

	printf("# seed %u (RT_FAULT_SEED=%u to repeat), %u kills, %u ms to reach a step\n",
	       seed, seed, kills, step_ms);
	if (mkdtemp(dir) == NULL)
		tap_bail("mkdtemp");
	snprintf(path, sizeof(path), "%s/table", dir);
	if (rt_table_create(path, &o, &err) != 0)
		tap_bail("create: %s", err.msg);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		tap_bail("mmap");
	memset(sh, 0, sizeof(*sh));

	/* Deterministic kills at each protocol step (about 1/8 of the kills). */
	rd = spawn(run_reader, 0, false);
	exp = spawn(run_expirer, 0, false);
	for (int step = RT_STEP_LOCKED; step <= RT_STEP_DELETE_HINT_CLEARED; step++) {
		unsigned per_step = kills / 8 / 7 + 1;

		for (unsigned k = 0; k < per_step; k++) {
			int status, died = 0;
			pid_t w;

			sh->kill_step = (uint64_t)step;
			sh->kill_after = k % 5;
			w = spawn(writer, seed + k * 7919u + (unsigned)step, true);
			/* delete steps happen in the expirer: kill it too */
			for (unsigned us = 0; us < step_ms * 1000 && !died; us += 250) {
				usleep(250);
				died = waitpid(w, &status, WNOHANG) == w;
			}
			if (died)
				self_deaths += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
			else
				kill_wait(w);
			step_kills++;
			if (step >= RT_STEP_DELETE_LOCKED) {
				kill_wait(exp);
				exp = spawn(run_expirer, 0, false);
				step_kills++;
			}
		}
	}
	sh->kill_step = 0;
	/* Random kills of writers and the expirer. */
	for (int i = 0; i < NWRITERS; i++)
		writers[i] = spawn(writer, seed + 1000u * (unsigned)i, false);
	while (step_kills + random_kills < kills) {
		unsigned victim = (unsigned)rand_r(&seed) % (NWRITERS + 1);

		usleep((useconds_t)(rand_r(&seed) % 2000));
		if (victim == NWRITERS) {
			kill_wait(exp);
			exp = spawn(run_expirer, 0, false);
		} else {
			kill_wait(writers[victim]);
			writers[victim] = spawn(writer, (unsigned)rand_r(&seed), false);
		}
		random_kills++;
	}
	for (int i = 0; i < NWRITERS; i++)
		kill_wait(writers[i]);
	kill_wait(exp);
	usleep(50000);		/* let the reader check the final state */
	kill_wait(rd);

	tap_diag("%u step kills (%u died at the chosen step), %u random kills; "
		 "reader checked %llu records", step_kills, self_deaths,
		 random_kills, (unsigned long long)sh->checked);
	tap_ok(step_kills + random_kills >= kills, "%u kills done", step_kills + random_kills);
	tap_ok(sh->checked > 0, "the reader checked records");
	tap_is_int((long long)sh->torn, 0, "no torn or inconsistent record seen by the reader");

	if (rt_table_open(path, RT_OPEN_RDWR, &t, &err) != 0)
		tap_bail("reopen: %s", err.msg);
	unsigned invalid = 0, stuck = 0, lost = 0, over = 0, fresh_fail = 0;
	for (uint64_t i = 0; i < t->capacity; i++) {
		struct rt_copy r;

		if (rt_slot_read(t, i, &r) < 0 ||
		    (r.state != RT_STATE_EMPTY && r.state != RT_STATE_LIVE)) {
			invalid++;
			continue;
		}
		if (rt_slot_lock(t, i, 0) != RT_LOCKED) {
			stuck++;
			continue;
		}
		rt_slot_unlock(t, i);
	}
	for (int i = 0; i < NSTAY; i++) {
		struct rt_addr a;
		struct rt_record rec;

		ip_of(i, &a);
		if (rt_table_lookup(t, &a, &rec) != 1) {
			lost += sh->stored[i] > 0;
			continue;
		}
		if (rec.count < sh->stored[i] && rec.count != UINT32_MAX)
			lost++;
		if (rec.count > sh->started[i])
			over++;
	}
	for (int i = 0; i < NIP; i++) {
		struct rt_addr a;

		ip_of(i, &a);
		if (rt_table_upsert(t, &a, "fresh", RT_SVC_IMAP, BASE_NOW + 5000, 0) < 0)
			fresh_fail++;
	}
	tap_is_int(invalid, 0, "every slot is empty or valid");
	tap_is_int(stuck, 0, "no slot is stuck locked");
	tap_is_int(lost, 0, "every completed login is counted");
	tap_is_int(over, 0, "no login counted more than it was attempted");
	tap_is_int(fresh_fail, 0, "fresh upserts succeed on every IP");
	struct rt_stats st;
	rt_table_stats(t, BASE_NOW, 1800, &st);
	tap_diag("owner_dead recoveries %llu, merged %llu, busy %llu, hint_fix %llu",
		 (unsigned long long)st.counters[RT_CNT_OWNER_DEAD],
		 (unsigned long long)st.counters[RT_CNT_MERGED],
		 (unsigned long long)st.counters[RT_CNT_BUSY],
		 (unsigned long long)st.counters[RT_CNT_HINT_FIX]);
	rt_table_close(&t);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
