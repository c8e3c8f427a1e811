/* table-guard.c - surviving a table file shrunk under its mapping.
 *
 * Any member of the table's group can ftruncate the file (or punch holes in
 * it on a full tmpfs); a process touching a mapped page that no longer has
 * a backing page then gets SIGBUS, which would kill it. Every table call
 * that touches the mapping runs inside a guard (rt_guard_push/pop): a
 * per-thread stack of the tables in use. The library installs one SIGBUS
 * handler per process, on the first rt_table_open, that chains to whatever
 * was installed before it. A fault inside a guarded table's mapping is
 * answered by mapping anonymous zero pages over every mapping of that
 * table (MAP_FIXED; a windowed handle has several, table-window.c) and
 * marking the table broken; the faulting instruction then
 * completes on the zeros, the call fails with EIO, and so does every later
 * call on that handle, until the caller reopens the path
 * (rt_table_still_current() says 0 for a broken table). Any other SIGBUS -
 * outside a guard, outside the mapping, or sent by kill - goes to the
 * previous handler, or to the default action as if we were not here.
 *
 * The same technique protects compositors from clients that shrink shared
 * buffers (libwayland-server's wl_shm_buffer_begin_access). It keeps the
 * readers' lock-free loads at full speed: a guard is two thread-local
 * stores. A process that installs its own SIGBUS handler after opening a
 * table replaces this one and loses the protection (relaytab's programs and
 * Dovecot do not). */
#include "table-priv.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

static __thread struct rt_guard *rt_guard_top;
static struct sigaction rt_sigbus_prev;
static pthread_once_t rt_sigbus_once = PTHREAD_ONCE_INIT;

void rt_guard_push(struct rt_guard *g, struct rt_table *t)
{
	g->table = t;
	g->prev = rt_guard_top;
	cmm_barrier();
	rt_guard_top = g;
	cmm_barrier();
}

int rt_guard_pop(struct rt_guard *g)
{
	cmm_barrier();
	rt_guard_top = g->prev;
	cmm_barrier();
	if (g->table->broken) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* Hand a SIGBUS that is not ours to whoever had it before. */
static void rt_sigbus_chain(int sig, siginfo_t *si, void *uc)
{
	if ((rt_sigbus_prev.sa_flags & SA_SIGINFO) != 0 &&
	    rt_sigbus_prev.sa_sigaction != NULL) {
		rt_sigbus_prev.sa_sigaction(sig, si, uc);
		return;
	}
	if (rt_sigbus_prev.sa_handler == SIG_IGN && si->si_code <= 0)
		return;		/* a sent SIGBUS, which the process ignores */
	if (rt_sigbus_prev.sa_handler != SIG_DFL &&
	    rt_sigbus_prev.sa_handler != SIG_IGN) {
		rt_sigbus_prev.sa_handler(sig);
		return;
	}
	/* Default action (a fault is never ignored): restore it; a fault
	 * then repeats and kills as it would have, a sent signal is sent
	 * again. */
	signal(SIGBUS, SIG_DFL);
	if (si->si_code <= 0)
		raise(sig);
}

static void rt_sigbus(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;

	if (si->si_code > 0) {	/* a fault, not kill() */
		uint8_t *a = si->si_addr;

		for (struct rt_guard *g = rt_guard_top; g != NULL; g = g->prev) {
			struct rt_table *t = g->table;

			if (!rt_table_maps(t, a))
				continue;
			if (rt_table_unback(t) != 0)
				break;
			t->broken = 1;
			errno = saved;
			return;
		}
	}
	rt_sigbus_chain(sig, si, uc);
	errno = saved;
}

static void rt_sigbus_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = rt_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGBUS, &sa, &rt_sigbus_prev);
}

void rt_guard_init(void)
{
	pthread_once(&rt_sigbus_once, rt_sigbus_install);
}
