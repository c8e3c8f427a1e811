/* test-hostile.c - the hostile-writer torture of issue 11: while writers
 * (as the plugin does: a login, then refreshes), an expiring reader, a real
 * "relaytab watch", a real "relaytab serve" and periodic "relaytab compile"
 * and CLI runs use the table, an attacker process with write access stores
 * random values at random offsets (lock words, versions, pending counts,
 * record bytes, hints, the mutable header), sets lock words to its own
 * identity and holds them forever, and truncates and restores the file;
 * writers are SIGKILLed at random meanwhile. Then:
 * - no process other than the attacker died, hung or stopped answering:
 *   serve answers every socketmap request, watch still publishes, compile
 *   and the CLI never die of a signal or hang;
 * - phase 1 (no truncation): every record in a slot the attacker never
 *   wrote is intact, holding every completed login (but those its writer
 *   gave to a record of the same IP that the attacker forged in one of the
 *   IP's other candidate slots: see a_note_forged());
 * - no slot is stuck once the attacker is dead;
 * - phase 2 ends with the attacker killed while the file is shrunk (the
 *   worst it can leave behind): a fresh login records again within
 *   FRESH_BOUND_MS, and reaches serve and watch's map.
 *
 * RT_HOSTILE_SECONDS (default 8) is the hostile time (40% phase 1, 60%
 * phase 2), RT_HOSTILE_SEED the seed (printed), RELAYTAB the relaytab binary
 * (default $top_builddir/relaytab/relaytab). RT_HOSTILE_KEEP=1 keeps the
 * temp dir (logs of watch, serve, compile). "make torture" runs 120 s. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "table-priv.h"
#include "tap.h"

#define CAP_LOG2 10
#define CAP (1u << CAP_LOG2)
#define TAGS_OFF 4096u
#define SLOTS_OFF 8192u		/* round_up(4096 + 4 * CAP, 4096) */
#define FILE_SIZE (SLOTS_OFF + RT_SLOT_SIZE * CAP)
#define NWRITERS 3
#define NPER 64			/* IPs per writer: 10.20.w.j */
#define NIPS (NWRITERS * NPER)
#define MAX_HELD 48		/* locks the attacker holds at once */
#define FRESH_BOUND_MS 8000	/* watch repairs every 5 s; + 3 s */
#define STUCK_WAIT_MS 6500	/* watch's repair pass: a small table each second */
#define CHILD_MAX_S 600		/* no child outlives this, whatever happens */

enum { A_LOCK, A_VER, A_PENDING, A_RESERVED, A_RECORD, A_TAG, A_HEADER, A_HOLD,
       A_KINDS };

/* Attacker modes, set by the main process. */
enum { M_IDLE, M_STORES, M_ALL, M_DIE_SHRUNK };

struct shared {
	volatile int mode;	/* attacker mode */
	volatile int ack;	/* attacker: the mode it is acting in */
	volatile int shrunk;	/* attacker: the file is shrunk right now */
	volatile int pause;	/* writers: stop between calls */
	volatile int quit;	/* everyone: exit */
	volatile int count1;	/* writers: count phase 1 logins */
	volatile int paused[NWRITERS];
	uint64_t started1[NIPS], stored1[NIPS];
	uint64_t w_ops, w_stored, w_merged, w_eio, w_busy, w_other, w_reopen,
		w_open_fail, w_absent;
	uint64_t r_scans, r_lookups, r_visited, r_eio, r_err, r_reopen,
		r_open_fail, r_bad;
	uint64_t a_kind[A_KINDS], a_truncs, a_reopens, a_sigbus;
	uint8_t touched[CAP];	/* phase 1: slots the attacker wrote */
	uint16_t cand[NIPS][RT_MAX_CAND]; /* each writer IP's candidate slots */
	uint8_t forged[NIPS];	/* phase 1: the attacker made one of this IP's
				   candidate slots hold a record of it */
	uint64_t a_forged;	/* phase 1: how often it did */
};

static struct shared *sh;
static char dir[] = "/tmp/rt-test-hostile.XXXXXX";
static char path[300], sock_path[100], watch_map[300], compile_map[300];
static const char *relaytab_bin;
static pid_t main_pid;
static unsigned seed;

/* --- children ------------------------------------------------------------ */

enum role { R_WRITER, R_READER, R_ATTACKER, R_WATCH, R_SERVE, R_TRANSIENT };
static const char *role_name[] = {
	"writer", "reader", "attacker", "watch", "serve", "cli"
};
#define MAX_KIDS 16
static struct kid {
	pid_t pid;
	enum role role;
} kids[MAX_KIDS];

static void track(pid_t pid, enum role role)
{
	for (int i = 0; i < MAX_KIDS; i++) {
		if (kids[i].pid == 0) {
			kids[i].pid = pid;
			kids[i].role = role;
			return;
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	tap_bail("too many children");
}

static void untrack(pid_t pid)
{
	for (int i = 0; i < MAX_KIDS; i++)
		if (kids[i].pid == pid)
			kids[i].pid = 0;
}

static const char *role_of(pid_t pid)
{
	for (int i = 0; i < MAX_KIDS; i++)
		if (kids[i].pid == pid)
			return role_name[kids[i].role];
	return pid == main_pid ? "test" : NULL;
}

static void kill_reap(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	untrack(pid);
}

static void rm_dir(void)
{
	DIR *d;
	struct dirent *e;
	char p[600];

	if (getenv("RT_HOSTILE_KEEP") != NULL) {
		printf("# kept %s\n", dir);
		return;
	}
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/* On any exit of the main process (tap_bail included): no child survives. */
static void cleanup(void)
{
	if (getpid() != main_pid)
		return;
	if (sh != NULL)
		sh->quit = 1;
	for (int i = 0; i < MAX_KIDS; i++)
		kill_reap(kids[i].pid);
	rm_dir();
}

/* In every child: die with the parent, and never run longer than
 * CHILD_MAX_S. */
static void child_setup(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != main_pid)
		_exit(3);
	alarm(CHILD_MAX_S);
}

static bool over(void)
{
	return sh->quit || getppid() != main_pid;
}

static uint64_t xs(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t ms_now(void)
{
	return rt_clock_ms();
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void ip_of(int k, struct rt_addr *a)
{
	uint8_t v4[4] = { 10, 20, (uint8_t)(k / NPER), (uint8_t)(k % NPER) };

	rt_addr_from_v4(a, v4);
}

static void user_of(int k, char *buf, size_t n)
{
	snprintf(buf, n, "w%du%d", k / NPER, k % NPER);
}

/* Open path, retrying while it is invalid (damaged, being rebuilt) until
 * deadline_ms; NULL if it never opened. */
static struct rt_table *open_retry(int flags, uint64_t deadline_ms, uint64_t *fails)
{
	struct rt_table *t;

	for (;;) {
		if (rt_table_open(path, flags, &t, NULL) == 0)
			return t;
		if (fails != NULL)
			__atomic_fetch_add(fails, 1, __ATOMIC_RELAXED);
		if (ms_now() >= deadline_ms || over())
			return NULL;
		sleep_ms(2);
	}
}

/* --- writer: the plugin's calls -------------------------------------------- */

static void writer(int w, unsigned wseed)
{
	uint64_t s = wseed | 1, ops = 0;
	struct rt_table *t = NULL;
	char user[32];

	child_setup();
	while (!over()) {
		int k = w * NPER + (int)(xs(&s) % NPER), r;
		struct rt_addr a;
		bool c1;

		if (sh->pause) {
			sh->paused[w] = 1;
			while (sh->pause && !over())
				sleep_ms(1);
			sh->paused[w] = 0;
			continue;
		}
		if (t != NULL && (ops++ % 32 == 0) && rt_table_still_current(t) != 1) {
			rt_table_close(&t);
			__atomic_fetch_add(&sh->w_reopen, 1, __ATOMIC_RELAXED);
		}
		if (t == NULL &&
		    (t = open_retry(RT_OPEN_RDWR | (w & 1 ? RT_OPEN_WINDOW : 0),
				    ms_now() + 20, &sh->w_open_fail)) == NULL)
			continue;
		ip_of(k, &a);
		user_of(k, user, sizeof(user));
		c1 = sh->count1;
		if (c1)
			__atomic_fetch_add(&sh->started1[k], 1, __ATOMIC_SEQ_CST);
		r = rt_table_upsert(t, &a, user, RT_SVC_IMAP, rt_time_stamp(),
				    RT_UPSERT_LOGIN);
		__atomic_fetch_add(&sh->w_ops, 1, __ATOMIC_RELAXED);
		if (r == RT_STORED) {
			__atomic_fetch_add(&sh->w_stored, 1, __ATOMIC_RELAXED);
			if (c1)
				__atomic_fetch_add(&sh->stored1[k], 1, __ATOMIC_SEQ_CST);
		} else if (r == RT_MERGED) {
			__atomic_fetch_add(&sh->w_merged, 1, __ATOMIC_RELAXED);
		} else if (r < 0) {
			__atomic_fetch_add(errno == EIO ? &sh->w_eio :
					   errno == EBUSY ? &sh->w_busy : &sh->w_other,
					   1, __ATOMIC_RELAXED);
			if (errno == EIO) {
				rt_table_close(&t);
				__atomic_fetch_add(&sh->w_reopen, 1, __ATOMIC_RELAXED);
			}
			continue;
		}
		/* the session goes on: a refresh or two */
		for (int n = (int)(xs(&s) % 3); n > 0 && t != NULL; n--) {
			r = rt_table_upsert(t, &a, user, RT_SVC_IMAP, rt_time_stamp(),
					    RT_UPSERT_REFRESH);
			if (r == RT_ABSENT)
				__atomic_fetch_add(&sh->w_absent, 1, __ATOMIC_RELAXED);
			if (r < 0 && errno == EIO) {
				rt_table_close(&t);
				__atomic_fetch_add(&sh->w_reopen, 1, __ATOMIC_RELAXED);
			}
		}
	}
	rt_table_close(&t);
	_exit(0);
}

/* --- reader and expirer ------------------------------------------------------ */

static int reader_cb(const struct rt_record *rec, void *ctx)
{
	(void)ctx;
	__atomic_fetch_add(&sh->r_visited, 1, __ATOMIC_RELAXED);
	/* whatever the bytes, what a reader gets is sanitised */
	if (strnlen(rec->user, sizeof(rec->user)) > RT_USER_MAX ||
	    (unsigned)rec->service >= RT_SVC_COUNT)
		__atomic_fetch_add(&sh->r_bad, 1, __ATOMIC_RELAXED);
	return 0;
}

static void reader(unsigned rseed)
{
	uint64_t s = rseed | 1, n = 0;
	struct rt_table *t = NULL;

	child_setup();
	while (!over()) {
		struct rt_addr a;
		struct rt_record rec;
		uint8_t v4[4] = { 10, 30, 0, 0 };
		int r;

		if (t != NULL && (n++ % 8 == 0) && rt_table_still_current(t) != 1) {
			rt_table_close(&t);
			__atomic_fetch_add(&sh->r_reopen, 1, __ATOMIC_RELAXED);
		}
		if (t == NULL &&
		    (t = open_retry(RT_OPEN_RDWR, ms_now() + 20, &sh->r_open_fail)) == NULL)
			continue;
		/* churn: old records of 10.30.0.x, which the scan expires */
		v4[3] = (uint8_t)(xs(&s) % 32);
		rt_addr_from_v4(&a, v4);
		(void)rt_table_upsert(t, &a, "churn", RT_SVC_POP3,
				      1000 + (uint32_t)(xs(&s) % 500), RT_UPSERT_LOGIN);
		for (int i = 0; i < 16; i++) {
			ip_of((int)(xs(&s) % NIPS), &a);
			r = rt_table_lookup(t, &a, &rec);
			__atomic_fetch_add(&sh->r_lookups, 1, __ATOMIC_RELAXED);
			if (r == 1)
				reader_cb(&rec, NULL);
			if (r < 0)
				break;
		}
		r = rt_table_scan(t, rt_time_now(), 2000, reader_cb, NULL, NULL);
		__atomic_fetch_add(&sh->r_scans, 1, __ATOMIC_RELAXED);
		if (r < 0) {
			__atomic_fetch_add(errno == EIO ? &sh->r_eio : &sh->r_err, 1,
					   __ATOMIC_RELAXED);
			rt_table_close(&t);
			__atomic_fetch_add(&sh->r_reopen, 1, __ATOMIC_RELAXED);
		}
		sleep_ms(1);
	}
	rt_table_close(&t);
	_exit(0);
}

/* --- the attacker ---------------------------------------------------------------- */

static sigjmp_buf a_jmp;

static void a_sigbus(int sig)
{
	(void)sig;
	siglongjmp(a_jmp, 1);
}

struct amap {
	int fd;
	dev_t dev;
	ino_t ino;
	volatile uint8_t *m;
};

static void a_unmap(struct amap *am)
{
	if (am->m != NULL)
		munmap((void *)am->m, FILE_SIZE);
	if (am->fd >= 0)
		close(am->fd);
	am->m = NULL;
	am->fd = -1;
}

/* (Re)map the file the path names now, if it is not the one mapped. */
static void a_remap(struct amap *am)
{
	struct stat st;
	int fd;

	if (stat(path, &st) != 0 || st.st_size != FILE_SIZE ||
	    (am->m != NULL && st.st_dev == am->dev && st.st_ino == am->ino))
		return;
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
		return;
	if (fstat(fd, &st) != 0 || st.st_size != FILE_SIZE) {
		close(fd);
		return;
	}
	a_unmap(am);
	am->m = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (am->m == MAP_FAILED) {
		am->m = NULL;
		close(fd);
		return;
	}
	am->fd = fd;
	am->dev = st.st_dev;
	am->ino = st.st_ino;
	__atomic_fetch_add(&sh->a_reopens, 1, __ATOMIC_RELAXED);
}

static uint64_t a_value(uint64_t *s, uint64_t old)
{
	switch (xs(s) % 8) {
	case 0: return 0;
	case 1: return ~(uint64_t)0;
	case 2: return old + 1;
	case 3: return old ^ ((uint64_t)1 << (xs(s) % 64));
	case 4: return xs(s) % 256;
	case 5: return (uint64_t)rt_time_now() + (xs(s) % 4) * 1000000000ULL;
	default: return xs(s);
	}
}

/* Store a size-byte value at off (aligned to size). */
static void a_store(volatile uint8_t *m, uint64_t off, unsigned size, uint64_t *s)
{
	off &= ~(uint64_t)(size - 1);
	switch (size) {
	case 8: {
		volatile uint64_t *p = (volatile uint64_t *)(m + off);
		*p = a_value(s, *p);
		break;
	}
	case 4: {
		volatile uint32_t *p = (volatile uint32_t *)(m + off);
		*p = (uint32_t)a_value(s, *p);
		break;
	}
	default:
		m[off] = (uint8_t)a_value(s, m[off]);
	}
}

/* The writer IP (0..NIPS-1) whose address the record copy at off names,
 * whatever its other bytes, or -1. */
static int a_rec_ip(volatile const uint8_t *m, uint64_t off)
{
	struct rt_addr a;
	int k;

	if (m[off + 12] != 10 || m[off + 13] != 20 || m[off + 14] >= NWRITERS ||
	    m[off + 15] >= NPER)
		return -1;
	k = m[off + 14] * NPER + m[off + 15];
	ip_of(k, &a);
	for (int i = 0; i < 12; i++)
		if (m[off + i] != a.b[i])
			return -1;
	return k;
}

/* A slot's two record copies as the attacker sees them around a store:
 * the writer IP each names (-1: none), and which one is published. */
struct a_seen {
	int ip[2];
	unsigned pub;
};

static void a_look(volatile const uint8_t *m, uint64_t slot, struct a_seen *a)
{
	uint64_t base = SLOTS_OFF + slot * RT_SLOT_SIZE;

	a->pub = *(volatile const uint32_t *)(m + base + 8) & 1;
	for (unsigned c = 0; c < 2; c++)
		a->ip[c] = a_rec_ip(m, base + 64 + c * RT_REC_SIZE);
}

/* Phase 1, after a store to slot's version or record bytes. A copy that
 * names writer IP k now and did not before (a flipped address byte: a
 * record of another IP turned into one of k), or that holds k and is now
 * published where it was not (a flipped version exposing an old or
 * half-written copy), is a record of k forged by the attacker. If the slot
 * is one of k's candidates, k's writer takes it for k's record - it is one,
 * as far as anyone can tell - and refreshes it instead of k's honest
 * record when it comes first; a lookup finds it too. Those logins went into
 * a slot the attacker wrote, and are lost when it spoils that slot again
 * (or watch clears it): damage confined to the attacker's slot, as
 * table-lock.c says, but no longer visible there at the end, while k's
 * honest record, untouched and intact, holds fewer logins than its writer
 * completed. So k is noted here, when it happens, as possibly diverted.
 * (Honest code writes a record of k only into a slot that publishes k or
 * that it found free; an honest duplicate of k is not excused by this.) */
static void a_note_forged(uint64_t slot, const struct a_seen *before,
			  const struct a_seen *after)
{
	for (unsigned c = 0; c < 2; c++) {
		int k = after->ip[c];

		if (k < 0 || (k == before->ip[c] && !(c == after->pub && c != before->pub)))
			continue;
		for (unsigned j = 0; j < RT_MAX_CAND; j++) {
			if (sh->cand[k][j] == slot) {
				sh->forged[k] = 1;
				__atomic_fetch_add(&sh->a_forged, 1, __ATOMIC_RELAXED);
				break;
			}
		}
	}
}

static void attacker(unsigned aseed)
{
	/* static: kept across the siglongjmp out of a SIGBUS */
	static uint64_t s, held[MAX_HELD], self;
	static unsigned nheld, since_trunc, actions;
	static struct amap am = { -1, 0, 0, NULL };
	struct sigaction sa;

	child_setup();
	s = aseed | 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = a_sigbus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	self = rt_lock_self();
	if (sigsetjmp(a_jmp, 1) != 0) {
		/* the mapping faulted (the file changed size under us) */
		__atomic_fetch_add(&sh->a_sigbus, 1, __ATOMIC_RELAXED);
		a_unmap(&am);
	}
	while (!over()) {
		int mode = sh->mode;

		sh->ack = mode;
		if (mode == M_IDLE) {
			sleep_ms(1);
			continue;
		}
		if (actions++ % 64 == 0)
			a_remap(&am);
		if (am.m == NULL) {
			sleep_ms(1);
			continue;
		}
		if (mode == M_DIE_SHRUNK ||
		    (mode == M_ALL && ++since_trunc > 400 && xs(&s) % 1200 == 0)) {
			/* shrink the file, hold it shrunk a little, restore it
			 * (never touching the mapping meanwhile) */
			off_t to = (off_t)(xs(&s) % FILE_SIZE);

			since_trunc = 0;
			if (xs(&s) % 4 == 0)
				to = (off_t)(xs(&s) % RT_HDR_SIZE);
			if (ftruncate(am.fd, to) == 0) {
				__atomic_fetch_add(&sh->a_truncs, 1, __ATOMIC_RELAXED);
				sh->shrunk = 1;
				if (mode == M_DIE_SHRUNK) {
					for (;;)	/* until the SIGKILL */
						pause();
				}
				sleep_ms((unsigned)(xs(&s) % 30));
				if (ftruncate(am.fd, FILE_SIZE) != 0)
					tap_diag("attacker: restore: %s", strerror(errno));
				sh->shrunk = 0;
			}
			a_remap(&am);
			continue;
		}
		{
			unsigned kind = (unsigned)(xs(&s) % 100);
			uint64_t slot = xs(&s) % CAP;

			/* phase 1 attacks the slots of one half only (chosen by
			 * the seed), at full rate: the other half's records
			 * must come through unharmed */
			if (mode == M_STORES)
				slot = (slot & ~(uint64_t)1) | (((slot >> 1) ^ aseed) & 1);
			uint64_t base = SLOTS_OFF + slot * RT_SLOT_SIZE;
			unsigned size = 1u << (xs(&s) % 4);	/* 1, 2, 4, 8 */

			if (size == 2)
				size = 8;
			kind = kind < 20 ? A_LOCK : kind < 32 ? A_VER :
				kind < 40 ? A_PENDING : kind < 44 ? A_RESERVED :
				kind < 70 ? A_RECORD : kind < 78 ? A_TAG :
				kind < 93 ? A_HEADER : A_HOLD;
			if (mode == M_STORES && kind != A_HEADER)
				sh->touched[slot] = 1;
			struct a_seen before, after;
			bool look = mode == M_STORES && (kind == A_VER || kind == A_RECORD);

			if (look)
				a_look(am.m, slot, &before);
			switch (kind) {
			case A_LOCK:
				a_store(am.m, base + xs(&s) % 8, size, &s);
				break;
			case A_VER:
				a_store(am.m, base + 8 + xs(&s) % 4, size > 4 ? 4 : size, &s);
				break;
			case A_PENDING:
				a_store(am.m, base + 12 + xs(&s) % 4, size > 4 ? 4 : size, &s);
				break;
			case A_RESERVED:
				a_store(am.m, base + 16 + xs(&s) % 48, size, &s);
				break;
			case A_RECORD:
				a_store(am.m, base + 64 + xs(&s) % 192, size, &s);
				break;
			case A_TAG:
				a_store(am.m, TAGS_OFF + slot * 4 + xs(&s) % 4,
					size > 4 ? 4 : size, &s);
				break;
			case A_HEADER:
				a_store(am.m, 256 + xs(&s) % (RT_HDR_SIZE - 256), size, &s);
				break;
			case A_HOLD:
				/* take the lock as a writer would, and never
				 * let go; at MAX_HELD, give a random one back */
				if (nheld == MAX_HELD) {
					unsigned v = (unsigned)(xs(&s) % MAX_HELD);
					volatile uint64_t *w = (volatile uint64_t *)
						(am.m + SLOTS_OFF + held[v] * RT_SLOT_SIZE);

					*w = 0;
					if (mode == M_STORES)
						sh->touched[held[v]] = 1;
					held[v] = held[--nheld];
				}
				*(volatile uint64_t *)(am.m + base) = self;
				held[nheld++] = slot;
				break;
			}
			if (look) {
				a_look(am.m, slot, &after);
				a_note_forged(slot, &before, &after);
			}
			__atomic_fetch_add(&sh->a_kind[kind], 1, __ATOMIC_RELAXED);
		}
		if (actions % 16 == 0)
			sleep_ms(1);
	}
	_exit(0);
}

/* --- the real binaries ------------------------------------------------------------ */

static pid_t spawn_fn(void (*fn)(unsigned), unsigned arg, enum role role)
{
	pid_t pid = fork();

	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	track(pid, role);
	return pid;
}

static void writer0(unsigned s) { writer(0, s); }
static void writer1(unsigned s) { writer(1, s); }
static void writer2(unsigned s) { writer(2, s); }
static void (*const writer_fn[NWRITERS])(unsigned) = { writer0, writer1, writer2 };

/* Fork and exec relaytab --table PATH args..., stderr appended to log. */
static pid_t spawn_rt(const char *log, enum role role, const char *const *args)
{
	const char *argv[24];
	int n = 0;
	pid_t pid;

	argv[n++] = relaytab_bin;
	argv[n++] = "--table";
	argv[n++] = path;
	while (*args != NULL && n < 23)
		argv[n++] = *args++;
	argv[n] = NULL;
	if ((pid = fork()) < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0) {
		char lp[400];
		int fd;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != main_pid)
			_exit(3);
		snprintf(lp, sizeof(lp), "%s/%s", dir, log);
		if ((fd = open(lp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) >= 0) {
			dup2(fd, 2);
		}
		if ((fd = open("/dev/null", O_RDWR)) >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
		}
		execv(relaytab_bin, (char *const *)argv);
		_exit(127);
	}
	track(pid, role);
	return pid;
}

/* Wait at most ms for pid; its wait status, or -1 (then it was killed: a
 * hang). */
static int wait_bounded(pid_t pid, unsigned ms)
{
	uint64_t end = ms_now() + ms;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid) {
			untrack(pid);
			return status;
		}
		if (r < 0 || ms_now() >= end) {
			kill_reap(pid);
			return -1;
		}
		sleep_ms(2);
	}
}

struct runs {
	unsigned runs, ok, nonzero, signalled, hung;
};

static int run_rt(struct runs *rs, const char *log, unsigned ms, const char *const *args)
{
	int st = wait_bounded(spawn_rt(log, R_TRANSIENT, args), ms);

	rs->runs++;
	if (st == -1) {
		rs->hung++;
		tap_diag("relaytab %s: no exit within %u ms (killed)", args[0], ms);
	} else if (WIFSIGNALED(st)) {
		rs->signalled++;
		tap_diag("relaytab %s: killed by signal %d", args[0], WTERMSIG(st));
	} else if (WEXITSTATUS(st) != 0) {
		rs->nonzero++;
	} else {
		rs->ok++;
	}
	return st;
}

/* One socketmap request; the reply's first word in *word, or -1 if serve
 * gave no well-formed answer within 2 s. */
static int sm_ask(const char *req, char *reply, size_t n)
{
	union {
		struct sockaddr sa;
		struct sockaddr_un un;
	} addr;
	struct timeval tv = { 2, 0 };
	char out[600], in[1200];
	size_t have = 0;
	int fd, len;

	memset(&addr, 0, sizeof(addr));
	addr.un.sun_family = AF_UNIX;
	snprintf(addr.un.sun_path, sizeof(addr.un.sun_path), "%s", sock_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	len = snprintf(out, sizeof(out), "%zu:%s,", strlen(req), req);
	if (connect(fd, &addr.sa, sizeof(addr.un)) != 0 ||
	    write(fd, out, (size_t)len) != len) {
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t r = read(fd, in + have, sizeof(in) - 1 - have);
		char *colon;

		if (r <= 0)
			break;
		have += (size_t)r;
		in[have] = '\0';
		if ((colon = strchr(in, ':')) != NULL) {
			size_t l = strtoul(in, NULL, 10);

			if ((size_t)(colon - in) + 1 + l + 1 <= have &&
			    colon[1 + l] == ',') {
				snprintf(reply, n, "%.*s", (int)l, colon + 1);
				close(fd);
				return 0;
			}
		}
		if (have >= sizeof(in) - 1)
			break;
	}
	close(fd);
	return -1;
}

struct sm_counts {
	unsigned asked, ok, notfound, temp, other, unanswered;
};

static bool sm_query(struct sm_counts *c, const char *ip, char *reply, size_t n)
{
	char req[100], buf[600];

	snprintf(req, sizeof(req), "relay %s", ip);
	c->asked++;
	if (sm_ask(req, buf, sizeof(buf)) != 0) {
		c->unanswered++;
		if (reply != NULL)
			snprintf(reply, n, "(no answer)");
		return false;
	}
	if (strncmp(buf, "OK", 2) == 0)
		c->ok++;
	else if (strncmp(buf, "NOTFOUND", 8) == 0)
		c->notfound++;
	else if (strncmp(buf, "TEMP", 4) == 0)
		c->temp++;
	else
		c->other++;
	if (reply != NULL)
		snprintf(reply, n, "%s", buf);
	return true;
}

static bool file_has(const char *file, const char *needle)
{
	char line[256];
	bool found = false;
	FILE *f = fopen(file, "r");

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strncmp(line, needle, strlen(needle)) == 0;
	fclose(f);
	return found;
}

static void show_log(const char *name)
{
	char p[400], line[400];
	unsigned n = 0, total = 0;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if ((f = fopen(p, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		total++;
	rewind(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (++n + 12 > total) {
			line[strcspn(line, "\n")] = '\0';
			tap_diag("%s: %s", name, line);
		}
	}
	fclose(f);
}

/* --- the run ---------------------------------------------------------------------- */

static pid_t writers[NWRITERS], rdr, watch_pid, serve_pid;
static unsigned deaths, writer_kills, reader_kills;
static struct runs compiles, clis;
static struct sm_counts smc;
static uint64_t rnd;

static void note_death(pid_t pid, int st, const char *what)
{
	deaths++;
	if (WIFSIGNALED(st))
		tap_diag("%s (pid %d) died of signal %d", what, (int)pid, WTERMSIG(st));
	else
		tap_diag("%s (pid %d) exited %d", what, (int)pid, WEXITSTATUS(st));
}

/* Any death of a process that must live is counted; writers and the
 * reader are restarted so the run goes on. */
static void check_deaths(void)
{
	int st;

	for (int w = 0; w < NWRITERS; w++) {
		if (waitpid(writers[w], &st, WNOHANG) == writers[w]) {
			untrack(writers[w]);
			note_death(writers[w], st, "a writer");
			writers[w] = spawn_fn(writer_fn[w], (unsigned)xs(&rnd), R_WRITER);
		}
	}
	if (waitpid(rdr, &st, WNOHANG) == rdr) {
		untrack(rdr);
		note_death(rdr, st, "the reader");
		rdr = spawn_fn(reader, (unsigned)xs(&rnd), R_READER);
	}
	if (watch_pid > 0 && waitpid(watch_pid, &st, WNOHANG) == watch_pid) {
		untrack(watch_pid);
		note_death(watch_pid, st, "relaytab watch");
		watch_pid = -1;
	}
	if (serve_pid > 0 && waitpid(serve_pid, &st, WNOHANG) == serve_pid) {
		untrack(serve_pid);
		note_death(serve_pid, st, "relaytab serve");
		serve_pid = -1;
	}
}

static const char *const compile_args[] = {
	"compile", "--config", "/dev/null", "--grace", "1h", "--text", compile_map, NULL
};

/* The other processes' activity for ms: socketmap queries, compiles, CLI
 * runs, random writer and reader kills. */
static void run_for(unsigned ms)
{
	uint64_t end = ms_now() + ms, next_kill = ms_now() + 50 + xs(&rnd) % 250;
	uint64_t next_compile = ms_now() + 200, next_cli = ms_now() + 300;
	pid_t compile_pid = 0;
	uint64_t compile_started = 0;

	while (ms_now() < end) {
		char ip[RT_ADDR_STRLEN];
		struct rt_addr a;
		int st;

		check_deaths();
		ip_of((int)(xs(&rnd) % NIPS), &a);
		sm_query(&smc, rt_addr_format(&a, ip), NULL, 0);
		if (ms_now() >= next_kill) {
			if (xs(&rnd) % 8 == 0) {
				kill_reap(rdr);
				rdr = spawn_fn(reader, (unsigned)xs(&rnd), R_READER);
				reader_kills++;
			} else {
				int w = (int)(xs(&rnd) % NWRITERS);

				kill_reap(writers[w]);
				writers[w] = spawn_fn(writer_fn[w], (unsigned)xs(&rnd), R_WRITER);
				writer_kills++;
			}
			next_kill = ms_now() + 50 + xs(&rnd) % 250;
		}
		if (compile_pid == 0 && ms_now() >= next_compile) {
			compile_pid = spawn_rt("compile.log", R_TRANSIENT, compile_args);
			compile_started = ms_now();
		}
		if (compile_pid > 0) {
			pid_t r = waitpid(compile_pid, &st, WNOHANG);

			if (r == compile_pid || ms_now() - compile_started > 10000) {
				compiles.runs++;
				if (r != compile_pid) {
					kill_reap(compile_pid);
					compiles.hung++;
					tap_diag("relaytab compile: no exit within 10 s (killed)");
				} else if (untrack(compile_pid), WIFSIGNALED(st)) {
					compiles.signalled++;
					tap_diag("relaytab compile: killed by signal %d", WTERMSIG(st));
				} else if (WEXITSTATUS(st) != 0) {
					compiles.nonzero++;
				} else {
					compiles.ok++;
				}
				compile_pid = 0;
				next_compile = ms_now() + 300;
			}
		}
		if (ms_now() >= next_cli) {
			uint8_t v4[4] = { 10, 40, 0, (uint8_t)(xs(&rnd) % 250) };
			const char *add[] = { "add", ip, "--user", "cli", NULL };
			const char *query[] = { "query", ip, "--grace", "1h", NULL };

			rt_addr_from_v4(&a, v4);
			rt_addr_format(&a, ip);
			run_rt(&clis, "cli.log", 10000, add);
			st = run_rt(&clis, "cli.log", 10000, query);
			/* query exits 1 for "not there": an answer too */
			if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1) {
				clis.nonzero--;
				clis.ok++;
			}
			next_cli = ms_now() + 500;
		}
		sleep_ms(20);
	}
	if (compile_pid > 0) {
		int st = wait_bounded(compile_pid, 10000);

		compiles.runs++;
		if (st == -1)
			compiles.hung++;
		else if (WIFSIGNALED(st))
			compiles.signalled++;
		else if (WEXITSTATUS(st) != 0)
			compiles.nonzero++;
		else
			compiles.ok++;
	}
}

static bool set_mode(int mode, unsigned ms)
{
	uint64_t end = ms_now() + ms;

	sh->mode = mode;
	while (sh->ack != mode && ms_now() < end)
		sleep_ms(1);
	return sh->ack == mode;
}

static bool pause_writers(bool on)
{
	uint64_t end = ms_now() + 3000;
	bool all;

	sh->pause = on;
	if (!on)
		return true;
	do {
		all = true;
		for (int w = 0; w < NWRITERS; w++)
			all = all && sh->paused[w];
		if (!all)
			sleep_ms(1);
	} while (!all && ms_now() < end);
	return all;
}

/* Where each writer IP's record is (slot, or -1), its count, and the
 * logins handed over to it (pending) not yet counted in. */
static void snapshot(struct rt_table *t, int64_t pos[NIPS], uint32_t cnt[NIPS],
		     uint32_t pend[NIPS])
{
	for (int k = 0; k < NIPS; k++)
		pos[k] = -1;
	for (uint64_t i = 0; i < t->capacity; i++) {
		struct rt_copy r;
		struct rt_record rec;
		char want[32];
		int k;

		if (RT_GUARDED(t, int64_t, rt_slot_read(t, i, &r)) < 0 ||
		    r.state != RT_STATE_LIVE)
			continue;
		rt_copy_to_record(&r, &rec);
		if (!rt_addr_is_v4(&rec.ip) || rec.ip.b[12] != 10 || rec.ip.b[13] != 20 ||
		    rec.ip.b[14] >= NWRITERS || rec.ip.b[15] >= NPER)
			continue;
		k = rec.ip.b[14] * NPER + rec.ip.b[15];
		user_of(k, want, sizeof(want));
		if (strcmp(rec.user, want) != 0 || rec.service != RT_SVC_IMAP)
			continue;
		if (pos[k] != -1) {
			pos[k] = -2;	/* twice: ambiguous, not checked */
			continue;
		}
		pos[k] = (int64_t)i;
		cnt[k] = rec.count;
		pend[k] = __atomic_load_n(&t->slots[i].pending, __ATOMIC_RELAXED);
	}
}

/* Can we (and so watch, as root) read tid's /proc/PID/maps? Not in every
 * sandbox: without CAP_SYS_PTRACE over it, root cannot either. */
static bool maps_readable(pid_t tid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	close(fd);
	return true;
}

/* Every slot can be locked once the attacker is dead. A slot that cannot
 * at first is retried every 50 ms for wait_ms: a live process may hold it
 * a moment, and a forged word naming a live process that does not map the
 * table (pid 1, say) is released by watch's repair pass (a share of the
 * slots every second, as root). What is left is stuck, except words naming a live process that
 * maps the table (one of ours), or any live process whose maps neither we
 * nor watch can read (not root, or a sandbox that denies it): a group member can forge those, and they
 * hold while that process lives (inherent; counted in *inherent). */
static unsigned stuck_slots(struct rt_table *t, unsigned wait_ms, unsigned *inherent,
			    unsigned *late, uint64_t *took)
{
	static uint64_t busy[CAP];
	unsigned nbusy = 0, stuck = 0, first;
	uint64_t start = ms_now();

	*inherent = 0;
	for (uint64_t i = 0; i < t->capacity; i++) {
		if (RT_GUARDED(t, int, rt_slot_lock(t, i, 0) == RT_LOCKED) == 1)
			rt_slot_unlock(t, i);
		else
			busy[nbusy++] = i;
	}
	first = nbusy;
	while (nbusy > 0 && ms_now() - start < wait_ms) {
		unsigned n = 0;

		sleep_ms(50);
		for (unsigned k = 0; k < nbusy; k++) {
			uint64_t i = busy[k];

			if (RT_GUARDED(t, int, rt_slot_lock(t, i, 0) == RT_LOCKED) == 1)
				rt_slot_unlock(t, i);
			else
				busy[n++] = i;
		}
		nbusy = n;
	}
	*took = ms_now() - start;
	*late = first - nbusy;
	for (unsigned k = 0; k < nbusy; k++) {
		uint64_t i = busy[k], word = t->slots[i].lock;
		pid_t tid = (pid_t)(uint32_t)word;
		const char *who = tid > 0 ? role_of(tid) : NULL;
		bool live = tid > 0 && kill(tid, 0) == 0;

		if (live && ((who != NULL && strcmp(who, "attacker") != 0 &&
			      strcmp(who, "test") != 0) || geteuid() != 0 ||
			     !maps_readable(tid))) {
			(*inherent)++;
			tap_diag("slot %llu: lock word %#llx names the live %s %d (forged; "
				 "holds while it lives)", (unsigned long long)i,
				 (unsigned long long)word, who ? who : "process", (int)tid);
			continue;
		}
		stuck++;
		tap_diag("slot %llu stuck: lock word %#llx (tid %d%s%s%s)",
			 (unsigned long long)i, (unsigned long long)word, (int)tid,
			 who ? ", " : "", who ? who : "", live ? ", alive" : "");
	}
	return stuck;
}

/* The check after each phase: no slot stuck once the attacker is dead. */
static void check_not_stuck(struct rt_table *t, const char *phase)
{
	unsigned named_live, late, stuck;
	uint64_t took;

	stuck = stuck_slots(t, STUCK_WAIT_MS, &named_live, &late, &took);
	tap_is_int(stuck, 0, "%s: no slot stuck once the attacker is dead "
		   "(%u freed only by watch's repair, after %llu ms)", phase, late,
		   (unsigned long long)took);
	if (named_live > 0)
		tap_diag("%s: %u slots wedged by forged words naming a live process",
			 phase, named_live);
}

/* Wait until the path opens and keeps naming the same file for 1 s (watch
 * has repaired or rebuilt it), at most ms. */
static bool settle(unsigned ms)
{
	uint64_t end = ms_now() + ms;
	unsigned stable = 0;
	ino_t ino = 0;

	while (ms_now() < end && stable < 5) {
		struct rt_table *t;
		struct stat st;

		if (rt_table_open(path, RT_OPEN_RDONLY, &t, NULL) == 0 &&
		    stat(path, &st) == 0) {
			stable = st.st_ino == ino ? stable + 1 : 0;
			ino = st.st_ino;
			rt_table_close(&t);
		} else {
			stable = 0;
		}
		sleep_ms(200);
	}
	return stable >= 5;
}

/* Phase 1's verdict on every record that sat in a slot the attacker never
 * wrote. Its logins may legitimately have gone elsewhere in one case only:
 * the attacker forged a record of the same IP in another of its candidate
 * slots, so its writer refreshed that one, and a lookup may find that one
 * (*diverted). That forged record need not be there any more at the end:
 * the attacker noted it when it made it (a_note_forged()). Logins handed
 * over before the phase (pend) may be counted in during it. */
static unsigned check_intact(struct rt_table *t, const int64_t pos[NIPS],
			     const uint32_t base[NIPS], const uint32_t pend[NIPS],
			     unsigned *checked, unsigned *diverted)
{
	unsigned bad = 0;
	uint32_t now = rt_time_now();

	*checked = *diverted = 0;
	for (int k = 0; k < NIPS; k++) {
		struct rt_copy r;
		struct rt_record rec, lk;
		struct rt_addr a;
		char want[32], ip[RT_ADDR_STRLEN];
		const char *why = NULL;

		if (pos[k] < 0 || sh->touched[pos[k]])
			continue;
		(*checked)++;
		memset(&r, 0, sizeof(r));
		ip_of(k, &a);
		user_of(k, want, sizeof(want));
		if (RT_GUARDED(t, int64_t, rt_slot_read(t, (uint64_t)pos[k], &r)) < 0) {
			why = "slot unreadable";
		} else if (r.state != RT_STATE_LIVE || !rt_copy_is(&r, a.b)) {
			why = "record gone from its slot";
		} else {
			rt_copy_to_record(&r, &rec);
			if (strcmp(rec.user, want) != 0 || rec.service != RT_SVC_IMAP)
				why = "user or service changed";
			else if (rec.first_seen > rec.last_seen || rec.last_seen > now + 1)
				why = "times inconsistent";
			else if (rec.count < base[k])
				why = "count went back";
			else if ((uint64_t)rec.count >
				 (uint64_t)base[k] + pend[k] + sh->started1[k])
				why = "more logins than attempted";
			else if (sh->forged[k])
				(*diverted)++;
			else if ((uint64_t)rec.count < (uint64_t)base[k] + sh->stored1[k])
				why = "completed logins lost";
			else if (rt_table_lookup(t, &a, &lk) != 1 || lk.count != rec.count)
				why = "lookup does not find it";
		}
		if (why != NULL) {
			bad++;
			tap_diag("%s (slot %lld, untouched): %s (count %u, before the phase "
				 "%u + %u pending; %llu logins attempted, %llu stored)",
				 rt_addr_format(&a, ip), (long long)pos[k], why, r.count, base[k],
				 pend[k], (unsigned long long)sh->started1[k],
				 (unsigned long long)sh->stored1[k]);
		}
	}
	return bad;
}

static bool wait_file_has(const char *file, const char *needle, unsigned ms,
			  uint64_t *took)
{
	uint64_t start = ms_now();
	bool has;

	while (!(has = file_has(file, needle)) && ms_now() - start < ms)
		sleep_ms(10);
	*took = ms_now() - start;
	return has;
}

int main(void)
{
	const char *env_s = getenv("RT_HOSTILE_SECONDS");
	const char *env_seed = getenv("RT_HOSTILE_SEED");
	const char *top = getenv("top_builddir");
	double secs = env_s ? atof(env_s) : 8;
	unsigned ms1, ms2, checked, bad, diverted;
	struct rt_create_opts o = { CAP_LOG2, 0600, (gid_t)-1, 3600, true };
	static char bin[600];
	static int64_t pos[NIPS];
	static uint32_t base[NIPS], pend[NIPS];
	struct rt_table *t;
	struct rt_err err;
	struct stat st;
	uint64_t t0, took;
	pid_t att;
	int status;

	seed = env_seed ? (unsigned)strtoul(env_seed, NULL, 10) :
		(unsigned)time(NULL) ^ (unsigned)getpid();
	rnd = (uint64_t)seed * 0x9e3779b97f4a7c15ULL | 1;
	if (secs < 1)
		secs = 1;
	ms1 = (unsigned)(secs * 400);
	ms2 = (unsigned)(secs * 600);
	printf("# seed %u (RT_HOSTILE_SEED=%u to repeat), %.1f s hostile (phase 1 %u ms, "
	       "phase 2 %u ms)\n", seed, seed, secs, ms1, ms2);
	relaytab_bin = getenv("RELAYTAB");
	if (relaytab_bin == NULL) {
		snprintf(bin, sizeof(bin), "%s/relaytab/relaytab", top ? top : ".");
		relaytab_bin = bin;
	}
	if (access(relaytab_bin, X_OK) != 0)
		tap_bail("no relaytab binary at %s (set RELAYTAB)", relaytab_bin);
	main_pid = getpid();
	if (mkdtemp(dir) == NULL)
		tap_bail("mkdtemp");
	atexit(cleanup);
	signal(SIGPIPE, SIG_IGN);
	snprintf(path, sizeof(path), "%s/table", dir);
	snprintf(sock_path, sizeof(sock_path), "%s/sock", dir);
	snprintf(watch_map, sizeof(watch_map), "%s/watch.txt", dir);
	snprintf(compile_map, sizeof(compile_map), "%s/compile.txt", dir);
	if (rt_table_create(path, &o, &err) != 0)
		tap_bail("create: %s", err.msg);
	if (rt_table_open(path, RT_OPEN_RDONLY, &t, &err) != 0)
		tap_bail("open: %s", err.msg);
	if (t->capacity != CAP || t->map_size != FILE_SIZE ||
	    (uint8_t *)t->slots - t->map != SLOTS_OFF ||
	    (uint8_t *)t->tags - t->map != TAGS_OFF)
		tap_bail("unexpected geometry");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		tap_bail("mmap");
	memset(sh, 0, sizeof(*sh));
	/* phase 1 runs on this file (test 1 checks it is not replaced) */
	for (int k = 0; k < NIPS; k++) {
		struct rt_addr a;
		struct rt_cand c;

		ip_of(k, &a);
		rt_candidates(t, a.b, &c);
		if (c.n != RT_MAX_CAND)
			tap_bail("unexpected candidate count %u", c.n);
		for (unsigned j = 0; j < c.n; j++)
			sh->cand[k][j] = (uint16_t)c.idx[j];
	}
	rt_table_close(&t);

	{
		const char *watch_args[] = { "watch", "--config", "/dev/null", "--grace", "1h",
			"--text", watch_map, NULL };
		const char *serve_args[] = { "serve", "--config", "/dev/null", "--grace", "1h",
			"--socket", sock_path, NULL };

		watch_pid = spawn_rt("watch.log", R_WATCH, watch_args);
		serve_pid = spawn_rt("serve.log", R_SERVE, serve_args);
	}
	for (int w = 0; w < NWRITERS; w++)
		writers[w] = spawn_fn(writer_fn[w], seed + 1000u * (unsigned)w, R_WRITER);
	rdr = spawn_fn(reader, seed + 77, R_READER);
	att = spawn_fn(attacker, seed + 99, R_ATTACKER);
	for (int i = 0; i < 250 && (stat(sock_path, &st) != 0 || stat(watch_map, &st) != 0); i++)
		sleep_ms(20);
	if (stat(sock_path, &st) != 0 || stat(watch_map, &st) != 0) {
		show_log("watch.log");
		show_log("serve.log");
		tap_bail("watch or serve did not start");
	}
	run_for(300);		/* every writer IP recorded, honestly */

	/* Phase 1: stores and held locks, no truncation. Snapshot where each
	 * record is with the writers paused, then attack. */
	if (!pause_writers(true))
		tap_bail("writers do not pause");
	if (rt_table_open(path, RT_OPEN_RDWR, &t, &err) != 0)
		tap_bail("open: %s", err.msg);
	snapshot(t, pos, base, pend);
	fstat(t->fd, &st);
	rt_table_close(&t);
	sh->count1 = 1;
	pause_writers(false);
	set_mode(M_STORES, 1000);
	run_for(ms1);
	set_mode(M_IDLE, 1000);
	if (!pause_writers(true))
		tap_bail("writers do not pause after phase 1");
	sh->count1 = 0;
	if (rt_table_open(path, RT_OPEN_RDWR, &t, &err) != 0)
		tap_bail("open after phase 1: %s", err.msg);
	{
		struct stat st2;

		fstat(t->fd, &st2);
		tap_ok(st2.st_ino == st.st_ino,
		       "phase 1: the table was not replaced (no damage that needs a rebuild)");
	}
	bad = check_intact(t, pos, base, pend, &checked, &diverted);
	unsigned touched = 0;
	for (unsigned i = 0; i < CAP; i++)
		touched += sh->touched[i];
	tap_diag("phase 1: attacker wrote %u of %u slots; %u records in untouched slots "
		 "checked (%u may have had logins diverted to a record of their IP the "
		 "attacker forged in another candidate slot; %llu such forgeries in all)",
		 touched, CAP, checked, diverted, (unsigned long long)sh->a_forged);
	tap_ok(checked >= 20, "phase 1: enough untouched records to check (%u)", checked);
	tap_is_int(bad, 0, "phase 1: every record in a slot the attacker never wrote is intact");
	kill_reap(att);		/* dies holding its locks */
	check_not_stuck(t, "phase 1");
	rt_table_close(&t);
	pause_writers(false);

	/* Phase 2: everything, truncations included; ends with the attacker
	 * killed while the file is shrunk. */
	att = spawn_fn(attacker, seed + 199, R_ATTACKER);
	set_mode(M_ALL, 1000);
	run_for(ms2);
	set_mode(M_DIE_SHRUNK, 1000);
	for (int i = 0; i < 1000 && !sh->shrunk; i++)
		sleep_ms(1);
	tap_ok(sh->shrunk, "phase 2 ends with the file shrunk by the attacker");
	kill_reap(att);
	t0 = ms_now();

	/* A fresh login records within the bound. */
	{
		struct rt_addr a;
		uint8_t v4[4] = { 10, 50, 0, 1 };
		struct rt_record rec;
		bool done = false;
		int tries = 0;

		rt_addr_from_v4(&a, v4);
		while (!done && ms_now() - t0 < FRESH_BOUND_MS) {
			tries++;
			if ((t = open_retry(RT_OPEN_RDWR, ms_now() + 10, NULL)) != NULL) {
				done = rt_table_upsert(t, &a, "fresh", RT_SVC_IMAP,
						       rt_time_stamp(), RT_UPSERT_LOGIN) >= 0 &&
					rt_table_lookup(t, &a, &rec) == 1 &&
					strcmp(rec.user, "fresh") == 0;
				rt_table_close(&t);
			}
			if (!done)
				sleep_ms(5);
		}
		took = ms_now() - t0;
		tap_ok(done, "a fresh login records within %u ms of the attacker's death "
		       "(took %llu ms, %d tries)", FRESH_BOUND_MS, (unsigned long long)took, tries);
	}
	tap_ok(settle(10000), "the table settles (opens, same file for 1 s)");
	run_for(500);		/* writers and the rest on the repaired table */
	if (!pause_writers(true))
		tap_bail("writers do not pause");
	if ((t = open_retry(RT_OPEN_RDWR, ms_now() + 2000, NULL)) == NULL)
		tap_bail("the table does not open after phase 2");
	check_not_stuck(t, "phase 2");
	rt_table_close(&t);
	pause_writers(false);

	/* The CLI, serve, watch and compile all answer. */
	{
		const char *add[] = { "add", "10.50.0.2", "--user", "fresh", NULL };
		const char *query[] = { "query", "10.50.0.2", "--grace", "1h", NULL };
		struct runs final = { 0, 0, 0, 0, 0 };
		struct sm_counts fc = { 0, 0, 0, 0, 0, 0 };
		char reply[600] = "";
		bool has;
		uint64_t s0;
		int st1, st2;

		st1 = run_rt(&final, "cli.log", 10000, add);
		tap_ok(st1 != -1 && WIFEXITED(st1) && WEXITSTATUS(st1) == 0,
		       "relaytab add works afterwards (status %#x)", st1);
		st2 = run_rt(&final, "cli.log", 10000, query);
		tap_ok(st2 != -1 && WIFEXITED(st2) && WEXITSTATUS(st2) == 0,
		       "relaytab query finds it (status %#x)", st2);
		s0 = ms_now();
		while (sm_query(&fc, "10.50.0.2", reply, sizeof(reply)) &&
		       strncmp(reply, "OK", 2) != 0 && ms_now() - s0 < 2000)
			sleep_ms(20);
		tap_ok(fc.unanswered == 0, "serve answers afterwards (%u requests)", fc.asked);
		tap_ok(strncmp(reply, "OK", 2) == 0,
		       "serve grants the fresh login within 2 s (reply \"%s\", %llu ms)",
		       reply, (unsigned long long)(ms_now() - s0));
		/* waited for first: the arguments' order is unspecified */
		has = wait_file_has(watch_map, "10.50.0.2\t", 3000, &took);
		tap_ok(has, "watch publishes the fresh login within 3 s (%llu ms)",
		       (unsigned long long)took);
		st1 = run_rt(&final, "compile.log", 10000, compile_args);
		tap_ok(st1 != -1 && WIFEXITED(st1) && WEXITSTATUS(st1) == 0 &&
		       file_has(compile_map, "10.50.0.2\t"),
		       "relaytab compile works afterwards and publishes it (status %#x)", st1);
	}

	check_deaths();
	{
		unsigned alive = 0;

		for (int w = 0; w < NWRITERS; w++)
			alive += waitpid(writers[w], &status, WNOHANG) == 0;
		alive += waitpid(rdr, &status, WNOHANG) == 0;
		alive += watch_pid > 0 && waitpid(watch_pid, &status, WNOHANG) == 0;
		alive += serve_pid > 0 && waitpid(serve_pid, &status, WNOHANG) == 0;
		tap_is_int(alive, NWRITERS + 3,
			   "every process but the attacker is alive (writers, reader, watch, serve)");
	}
	tap_is_int(deaths, 0, "no process other than the attacker died during the run");
	tap_is_int(smc.unanswered, 0, "serve answered every request during the run (%u)",
		   smc.asked);
	tap_is_int(compiles.signalled + compiles.hung, 0,
		   "no relaytab compile died of a signal or hung (%u runs)", compiles.runs);
	tap_is_int(clis.signalled + clis.hung, 0,
		   "no relaytab add/query died of a signal or hung (%u runs)", clis.runs);
	tap_is_int((long long)sh->r_bad, 0, "every record a reader got was sanitised");

	/* Clean stop. */
	for (int i = 0; i < 2; i++) {
		pid_t *p = i == 0 ? &watch_pid : &serve_pid;

		if (*p <= 0)
			continue;
		kill(*p, SIGTERM);
		status = wait_bounded(*p, 5000);
		tap_ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		       "relaytab %s exits 0 on SIGTERM (status %#x)", i == 0 ? "watch" : "serve",
		       status);
		*p = 0;
	}
	sh->quit = 1;
	for (int w = 0; w < NWRITERS; w++)
		if (wait_bounded(writers[w], 3000) == -1)
			tap_diag("writer %d did not stop (killed)", w);
	wait_bounded(rdr, 3000);

	tap_diag("attacker: %llu stores (lock %llu, ver %llu, pending %llu, reserved %llu, "
		 "record %llu, tag %llu, header %llu), %llu locks held, %llu truncations, "
		 "%llu remaps, %llu SIGBUS",
		 (unsigned long long)(sh->a_kind[A_LOCK] + sh->a_kind[A_VER] +
				      sh->a_kind[A_PENDING] + sh->a_kind[A_RESERVED] +
				      sh->a_kind[A_RECORD] + sh->a_kind[A_TAG] +
				      sh->a_kind[A_HEADER]),
		 (unsigned long long)sh->a_kind[A_LOCK], (unsigned long long)sh->a_kind[A_VER],
		 (unsigned long long)sh->a_kind[A_PENDING],
		 (unsigned long long)sh->a_kind[A_RESERVED],
		 (unsigned long long)sh->a_kind[A_RECORD], (unsigned long long)sh->a_kind[A_TAG],
		 (unsigned long long)sh->a_kind[A_HEADER], (unsigned long long)sh->a_kind[A_HOLD],
		 (unsigned long long)sh->a_truncs, (unsigned long long)sh->a_reopens,
		 (unsigned long long)sh->a_sigbus);
	tap_diag("kills survived: %u writer kills, %u reader kills; deaths %u",
		 writer_kills, reader_kills, deaths);
	tap_diag("writers: %llu logins (%llu stored, %llu merged, %llu EIO, %llu EBUSY, "
		 "%llu other), %llu refreshes absent, %llu reopens, %llu failed opens",
		 (unsigned long long)sh->w_ops, (unsigned long long)sh->w_stored,
		 (unsigned long long)sh->w_merged, (unsigned long long)sh->w_eio,
		 (unsigned long long)sh->w_busy, (unsigned long long)sh->w_other,
		 (unsigned long long)sh->w_absent, (unsigned long long)sh->w_reopen,
		 (unsigned long long)sh->w_open_fail);
	tap_diag("reader: %llu scans, %llu lookups, %llu records, %llu EIO, %llu other "
		 "errors, %llu reopens, %llu failed opens",
		 (unsigned long long)sh->r_scans, (unsigned long long)sh->r_lookups,
		 (unsigned long long)sh->r_visited, (unsigned long long)sh->r_eio,
		 (unsigned long long)sh->r_err, (unsigned long long)sh->r_reopen,
		 (unsigned long long)sh->r_open_fail);
	tap_diag("serve: %u requests (%u OK, %u NOTFOUND, %u TEMP, %u other, %u unanswered)",
		 smc.asked, smc.ok, smc.notfound, smc.temp, smc.other, smc.unanswered);
	tap_diag("compile: %u runs (%u ok, %u nonzero); CLI: %u runs (%u ok, %u nonzero)",
		 compiles.runs, compiles.ok, compiles.nonzero, clis.runs, clis.ok, clis.nonzero);
	{
		char p[400];
		FILE *f;
		char line[400];
		unsigned rebuilds = 0, repairs = 0, lines = 0;

		snprintf(p, sizeof(p), "%s/watch.log", dir);
		if ((f = fopen(p, "r")) != NULL) {
			while (fgets(line, sizeof(line), f) != NULL) {
				lines++;
				rebuilds += strstr(line, "rebuilt") != NULL;
				repairs += strstr(line, "repair") != NULL;
			}
			fclose(f);
		}
		tap_diag("watch log: %u lines, %u rebuilds, %u repair lines", lines, rebuilds,
			 repairs);
	}
	if (tap_done() != 0) {
		show_log("watch.log");
		show_log("serve.log");
		show_log("compile.log");
		show_log("cli.log");
		return 1;
	}
	return 0;
}
