/* table-lock.c - the per-slot writer lock, which trusts nothing in the file.
 *
 * The lock is one aligned 64-bit word in the slot: 0 when free, otherwise
 * the owner's identity, (start << 32) | tid, where tid is the owner thread's
 * kernel thread id and start the low 32 bits of that thread's start time
 * (field 22 of /proc/<tid>/task/<tid>/stat, clock ticks since boot; 0 when
 * the owner could not read it, e.g. in a chroot without /proc). A thread
 * reads its own start time by that path too, never through /proc/self,
 * which emulators such as qemu-user rewrite. It is taken by
 * compare-and-swap 0 -> self, released by compare-and-swap self -> 0, and
 * only ever spun on for a bounded number of tries: no futex, no blocking,
 * no pointer, no address, nothing of a process's private memory is stored.
 *
 * Taking over a lock. After the spin budget a locker asks whether the word's
 * owner is provably dead, and only then swaps the same word for its own:
 * - kill(tid, 0) fails with ESRCH: no such thread exists now;
 * - or start is known and the thread's stat, readable, shows another start
 *   time: the thread id was reused, so its owner is gone;
 * - or the word cannot be anyone's lock: tid 0 or above INT32_MAX, or our
 *   own identity (a thread holds at most one slot lock, and never locks a
 *   slot it holds: a word naming us while we lock is a leftover or forged).
 * Anything else - a live owner, even one stopped or stalled, a zombie not yet
 * reaped, or a thread whose /proc entry is hidden (hidepid) - counts as
 * alive, and its lock is never taken: two writers in one slot could write
 * the published copy under a reader. The compare-and-swap after the check
 * fails if the word moved in between, so one locker alone takes over a dead
 * owner's lock. A dead owner leaves the published copy complete (it only
 * ever wrote the other copy); the new owner repairs the hint and goes on.
 *
 * What a hostile writer can do with the word: set it to a live process's
 * identity (its own, say, or serve's), which wedges that slot while that
 * process lives - writers then skip the slot after their spin and use
 * another; a call costs at most RT_MAX_CAND spins and owner checks, a few
 * milliseconds - and the table's owner (relaytab watch, as root) takes such
 * a lock over unless the named process maps that slot writable
 * (rt_table_repair, within a second for the default table). It
 * can clear a lock under its holder: two honest writers may then share the
 * slot and tear its record, which readers take as one more forged record
 * (sanitised, bounded, confined to that slot) - no worse than the record the
 * attacker could have written itself. Identities assume one PID namespace
 * for every process that uses the table (documented in relaytab(5)). */
#include "table-priv.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <urcu/arch.h>
#include <urcu/uatomic.h>

/* This thread's identity word, 0 until first needed; cleared in the child
 * of a fork, whose thread id differs. */
static __thread uint64_t rt_self_word;
static pthread_once_t rt_self_once = PTHREAD_ONCE_INIT;

static void rt_self_forget(void)
{
	rt_self_word = 0;
}

static void rt_self_init_once(void)
{
	(void)pthread_atfork(NULL, NULL, rt_self_forget);
}

uint32_t rt_thread_start_time(uint32_t tid)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd, saved = errno;

	snprintf(path, sizeof(path), "/proc/%u/task/%u/stat", tid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errno = saved;
		return 0;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	errno = saved;
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* "tid (comm) state ppid ...": comm may hold anything, so count
	 * fields from its last ')'; field 3 (state) follows it, 22 is the
	 * start time. */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (int field = 2; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (p == NULL)
			return 0;
	}
	return (uint32_t)strtoull(p + 1, NULL, 10);
}

uint64_t rt_lock_self(void)
{
	if (__builtin_expect(rt_self_word == 0, 0)) {
		uint32_t tid = (uint32_t)syscall(SYS_gettid);

		pthread_once(&rt_self_once, rt_self_init_once);
		rt_self_word = (uint64_t)rt_thread_start_time(tid) << 32 | tid;
	}
	return rt_self_word;
}

bool rt_lock_owner_dead(uint64_t word)
{
	uint32_t tid = (uint32_t)word, start = (uint32_t)(word >> 32), now;
	int saved = errno;
	bool gone;

	if (word == rt_lock_self() || tid == 0 || tid > INT32_MAX)
		return true;
	gone = kill((pid_t)tid, 0) != 0 && errno == ESRCH;
	errno = saved;
	if (gone)
		return true;
	if (start == 0)
		return false;
	now = rt_thread_start_time(tid);
	return now != 0 && now != start;
}

/* Take over the lock at w from its seen owner; true if this call did. */
static bool rt_lock_take_over(uint64_t *w, uint64_t seen)
{
	return uatomic_cmpxchg(w, seen, rt_lock_self()) == seen;
}

enum rt_lock_result rt_slot_lock(struct rt_table *t, uint64_t i, unsigned spins)
{
	uint64_t *w = &rt_slot_at(t, i)->lock;
	uint64_t self = rt_lock_self(), seen = 0;
	bool taken = false, recovered = false;

	/* At most spins + 2 tries, whatever the word does meanwhile. */
	for (unsigned n = 0; n <= spins + 1 && !taken; n++) {
		seen = uatomic_read(w);
		if (seen == 0) {
			taken = uatomic_cmpxchg(w, 0, self) == 0;
			continue;
		}
		if (n >= spins) {
			if (!rt_lock_owner_dead(seen))
				return RT_LOCK_BUSY;
			taken = recovered = rt_lock_take_over(w, seen);
			if (!taken)
				return RT_LOCK_BUSY;
			break;
		}
		caa_cpu_relax();
	}
	if (!taken)
		return RT_LOCK_BUSY;
	cmm_smp_mb();
	if (recovered) {
		/* The published copy is complete; only the hint and pending
		 * may be off. */
		rt_slot_fix_hint(t, i);
		rt_count(t, RT_CNT_OWNER_DEAD);
	}
	rt_step(RT_STEP_LOCKED);
	return RT_LOCKED;
}

enum rt_lock_result rt_slot_trylock(struct rt_table *t, uint64_t i)
{
	if (uatomic_cmpxchg(&rt_slot_at(t, i)->lock, 0, rt_lock_self()) != 0)
		return RT_LOCK_BUSY;
	cmm_smp_mb();
	rt_step(RT_STEP_LOCKED);
	return RT_LOCKED;
}

void rt_slot_unlock(struct rt_table *t, uint64_t i)
{
	/* A full barrier, and a no-op if someone replaced our word. */
	(void)uatomic_cmpxchg(&rt_slot_at(t, i)->lock, rt_lock_self(), 0);
}
