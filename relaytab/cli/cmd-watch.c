/* cmd-watch.c - "relaytab watch": the compiler as a daemon, and the owner of
 * the table. Recompiles when the table's change flag is raised (a new
 * address or a deletion), and wakes when the next entry expires; one
 * watcher per table (a lock file). Fails closed in time: while the table
 * cannot be read, it keeps publishing its last good view, expiring it by
 * the clock, so no grant outlives its grace. Repairs the table: a repair
 * pass over a share of the slots every second (rt_table_repair), the header
 * and size written back in place when a group member spoiled them
 * (rt_table_restore), and a new table when the one at the path cannot be
 * opened at all (at start, say). It publishes before it repairs. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "compile.h"

/* A change that comes within WATCH_COALESCE_MS of the end of the previous
 * compile waits for the rest of that time, so that a burst of logins is one
 * compile (and one map for the MTA to reopen); a change after a quiet spell
 * is compiled at once. */
#define WATCH_COALESCE_MS 20
#define WATCH_MAX_SLEEP_MS 60000
#define WATCH_RETRY_MS 1000
#define WATCH_REPAIR_MS 1000	/* between repair passes */
#define WATCH_REPAIR_SLOTS 65536 /* slots per pass: 2^22 slots in 64 s */
#define WATCH_FAIR_MS 5000	/* between fair-eviction counts */
#define WATCH_CHECK_MS 1000	/* between looks at the file (stat, header) */
#define WATCH_RECREATE_MS 10000	/* between replacements of an unusable table */

static volatile sig_atomic_t watch_hup, watch_term;
/* the open table, for the signal handler (NULL while none is open) */
static struct rt_table *volatile watch_table;

static void watch_on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGHUP)
		watch_hup = 1;
	else
		watch_term = 1;
	/* A signal that lands while compiling, before the wait begins, would
	 * not interrupt the wait (up to a minute): raise the change flag so
	 * that the wait returns at once instead. */
	if (watch_table != NULL)
		rt_table_change_notify(watch_table);
	errno = saved;
}

static void watch_close(struct rt_table **t)
{
	watch_table = NULL;
	rt_table_close(t);
}

/* A daemon: every map it writes is logged, details with -v. */
static void watch_log(void *context, enum rt_log_level level, const char *msg)
{
	cli_log(context, 0, level, msg);
}

static void watch_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Milliseconds from now until the unix second "when" begins (rounded up). */
static long watch_ms_until(uint32_t when)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_REALTIME, &now);
	/* + 1: wake just after the second turns, never just before it */
	ms = ((long long)when - now.tv_sec) * 1000 - now.tv_nsec / 1000000 + 1;
	if (ms < 0)
		return 0;
	return ms > WATCH_MAX_SLEEP_MS ? WATCH_MAX_SLEEP_MS : (long)ms;
}

/* The last good view of the table (what the maps were last built from). */
struct watch_view {
	struct rt_liveset ls;
	bool have;
};

/* The table cannot be read: publish the last good view minus what expired
 * since (nothing at all if there never was one). Returns the time to wait. */
static long watch_fail_closed(struct rt_compile_conf *conf, struct watch_view *v,
			      struct cli_global *g)
{
	struct rt_compile_report rep;
	struct rt_relay_rule rule;
	struct rt_err err;
	size_t dropped;

	rt_compile_conf_rule(conf, &rule);
	dropped = rt_liveset_expire(&v->ls, cli_now(), &rule);
	if (dropped > 0 || !v->have)
		fprintf(stderr, "relaytab: the table cannot be read: the maps keep %zu "
			"entr%s of the last good view until each expires\n",
			v->ls.n, v->ls.n == 1 ? "y" : "ies");
	v->have = true;
	(void)rt_compile_publish(conf, &v->ls, watch_log, g, &rep, &err);
	if (rep.next_expiry != 0 && watch_ms_until(rep.next_expiry) < WATCH_RETRY_MS)
		return watch_ms_until(rep.next_expiry);
	return WATCH_RETRY_MS;
}

/* The file at the path is the one we have open, but its header was
 * rewritten or its size changed: write both back in place (the same inode,
 * so no process needs a new file), reopen it, and put back the entries of
 * the last good view that a shrink took away. */
static void watch_restore(struct rt_table **t, const struct watch_view *v,
			  const char *path)
{
	struct rt_err err;
	size_t restored = 0;
	int r = rt_table_restore(*t, &err);

	watch_close(t);
	if (r != 0) {
		fprintf(stderr, "relaytab: error: table %s was damaged in place and "
			"cannot be restored: %s\n", path, err.msg);
		return;
	}
	if (rt_table_open(path, RT_OPEN_RDWR, t, &err) != 0) {
		fprintf(stderr, "relaytab: error: table %s still cannot be opened "
			"after restoring it: %s\n", path, err.msg);
		return;
	}
	for (size_t i = 0; v->have && i < v->ls.n; i++) {
		const struct rt_live_entry *e = &v->ls.v[i];

		if (rt_table_lookup(*t, &e->ip, NULL) == 0 &&
		    rt_table_upsert(*t, &e->ip, "", RT_SVC_OTHER, e->last_seen,
				    RT_UPSERT_LOGIN) >= 0)
			restored++;
	}
	rt_table_count(*t, RT_CNT_REBUILD);
	fprintf(stderr, "relaytab: table %s was damaged in place (header rewritten "
		"or size changed); restored its header and size, and %zu entr%s "
		"from the last compile\n", path, restored, restored == 1 ? "y" : "ies");
	watch_table = *t;
}

/* The table at path cannot be opened (damaged before we opened it, or while
 * we had it closed): replace it with an empty one of the same mode, group
 * and capacity (from its size, if that is a table's), at most once per
 * WATCH_RECREATE_MS. Entries come back with each session's next refresh,
 * or login; meanwhile nothing is granted that was not. */
static void watch_recreate(const char *path, const struct rt_compile_conf *conf,
			   const char *why, uint64_t *recreated_at)
{
	struct rt_create_opts o = { 0 };
	struct rt_err err;
	struct stat st;

	if (*recreated_at != 0 && rt_clock_ms() - *recreated_at < WATCH_RECREATE_MS)
		return;
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return;		/* missing or not a file: not ours to replace */
	*recreated_at = rt_clock_ms();
	o.cap_log2 = rt_table_cap_log2_of_size((uint64_t)st.st_size);
	o.mode = st.st_mode & 07777;
	o.gid = st.st_gid;
	o.grace = conf->grace;
	o.force = true;
	if (rt_table_create(path, &o, &err) != 0) {
		fprintf(stderr, "relaytab: error: cannot replace the unusable table %s: "
			"%s\n", path, err.msg);
		return;
	}
	fprintf(stderr, "relaytab: table %s could not be opened (%s); replaced it "
		"with an empty table of 2^%u slots\n", path, why,
		o.cap_log2 ? o.cap_log2 : RT_CAP_LOG2_DEFAULT);
}

/* A share of the repair pass, logged when it found something. */
static void watch_repair(struct rt_table *t, const char *path, uint64_t *cursor)
{
	struct rt_repair_stats rs;

	if (rt_table_repair(t, cursor, WATCH_REPAIR_SLOTS, &rs) != 0)
		return;
	if (rs.locks_dead + rs.locks_foreign + rs.records + rs.hints == 0)
		return;
	fprintf(stderr, "relaytab: repaired table %s: %llu lock%s of dead owners, "
		"%llu forged lock%s, %llu invalid record%s, %llu stale hint%s\n", path,
		(unsigned long long)rs.locks_dead, rs.locks_dead == 1 ? "" : "s",
		(unsigned long long)rs.locks_foreign, rs.locks_foreign == 1 ? "" : "s",
		(unsigned long long)rs.records, rs.records == 1 ? "" : "s",
		(unsigned long long)rs.hints, rs.hints == 1 ? "" : "s");
}

/* The fair-eviction list: who is over the cap. */
static void watch_fair(struct rt_table *t, uint32_t grace)
{
	unsigned over;

	if (rt_table_fair_update(t, cli_now(), grace, RT_FAIR_CAP, &over) != 0 ||
	    over == 0)
		return;
	fprintf(stderr, "relaytab: %u user%s or IPv6 /64%s hold %d or more live "
		"entries: they no longer evict others' entries%s\n", over,
		over == 1 ? "" : "s", over == 1 ? "" : "s", RT_FAIR_CAP,
		over > RT_OVERCAP_LIST ? " (the header lists the 64 largest)" : "");
}

static int watch_lock(const char *table_path)
{
	char path[4096];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s.watch.lock", table_path);
	/* O_NONBLOCK: a FIFO planted at the path must not hang the start */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (fd < 0)
		return cli_fail(-EX_CANTCREAT, "cannot create lock file %s: %s",
				path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cli_fail(-EX_CANTCREAT, "lock file %s is not a regular file", path);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return cli_fail(-EX_TEMPFAIL,
				"another relaytab watch is running for %s (lock %s)",
				table_path, path);
	}
	return fd;
}

int cmd_watch(const struct cli_global *g, int argc, char **argv)
{
	const struct cli_command *self = cli_find_command("watch");
	struct cli_global lg = *g;
	struct rt_compile_conf conf, next;
	struct rt_compile_report rep;
	struct rt_table *t = NULL;
	struct sigaction sa;
	struct rt_err err;
	char last_err[RT_ERR_MAX] = "";
	struct watch_view view = { .have = false };
	struct rt_liveset spare, last;	/* the next pass builds into spare,
					   reusing the buffers of the one before */
	int status, lock_fd;
	uint64_t compiled_at, repaired_at = 0, fair_at = 0, evict_live = 0;
	uint64_t cursor = 0, recreated_at = 0;

	lg.verbose = cli_verbosity(g, argc, argv);
	if ((status = cli_compile_setup(g, self, argc, argv, &conf)) != 0)
		return status;
	lg.table_path = cli_compile_table(g, &conf);
	if ((lock_fd = watch_lock(lg.table_path)) < 0) {
		rt_compile_conf_free(&conf);
		return -lock_fd;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watch_on_signal;	/* no SA_RESTART: wake the wait */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fprintf(stderr, "relaytab: watching %s (grace %us, %zu map%s)\n",
		lg.table_path, conf.grace, conf.noutputs,
		conf.noutputs == 1 ? "" : "s");

	memset(&spare, 0, sizeof(spare));
	while (!watch_term) {
		long timeout;

		if (watch_hup) {
			watch_hup = 0;
			if (cli_compile_setup(g, self, argc, argv, &next) == 0) {
				rt_compile_conf_free(&conf);
				conf = next;
				fprintf(stderr, "relaytab: re-read the configuration\n");
				if (t != NULL)
					(void)rt_table_set_grace(t, conf.grace);
			} else {
				fprintf(stderr, "relaytab: keeping the previous configuration\n");
			}
		}
		if (t != NULL && rt_table_still_current(t) != 1) {
			if (rt_table_same_file(t)) {
				watch_restore(&t, &view, lg.table_path);
			} else {
				fprintf(stderr, "relaytab: table %s was replaced; reopening\n",
					lg.table_path);
				watch_close(&t);
			}
		}
		if (t == NULL) {
			if (rt_table_open(lg.table_path, RT_OPEN_RDWR, &t, &err) != 0) {
				int open_errno = errno;

				if (strcmp(err.msg, last_err) != 0) {
					fprintf(stderr, "relaytab: error: %s (retrying)\n",
						err.msg);
					snprintf(last_err, sizeof(last_err), "%s", err.msg);
				}
				if (open_errno == EINVAL)	/* not a usable table */
					watch_recreate(lg.table_path, &conf, err.msg,
						       &recreated_at);
				watch_sleep_ms(watch_fail_closed(&conf, &view, &lg));
				continue;
			}
			last_err[0] = '\0';
			watch_table = t;
			repaired_at = fair_at = 0;
		}
		rt_table_change_begin(t);
		if (rt_compile_scan(t, &conf, cli_now(), watch_log, &lg, &spare, &rep,
				    &err) != 0) {
			/* unreadable now (e.g. shrunk under the scan): the
			 * next round rebuilds or reopens it */
			fprintf(stderr, "relaytab: error: %s\n", err.msg);
			watch_sleep_ms(watch_fail_closed(&conf, &view, &lg));
			continue;
		}
		last = view.ls;
		view.ls = spare;
		spare = last;
		view.have = true;
		/* a map that fails is logged and retried within a second */
		(void)rt_compile_publish(&conf, &view.ls, watch_log, &lg, &rep, &err);
		compiled_at = rt_clock_ms();
		/* then the repairs: a share of the slots every second (and
		 * the grace hint put back); the fair-eviction count every
		 * few seconds, or within a second when live entries are
		 * being evicted */
		if (compiled_at - repaired_at >= WATCH_REPAIR_MS) {
			(void)rt_table_set_grace(t, conf.grace);
			watch_repair(t, lg.table_path, &cursor);
			if (compiled_at - fair_at >= WATCH_FAIR_MS ||
			    rt_table_counter(t, RT_CNT_EVICT_LIVE) != evict_live) {
				watch_fair(t, conf.grace);
				evict_live = rt_table_counter(t, RT_CNT_EVICT_LIVE);
				fair_at = compiled_at;
			}
			repaired_at = compiled_at;
		}
		timeout = rep.next_expiry ? watch_ms_until(rep.next_expiry) :
			WATCH_MAX_SLEEP_MS;
		if (rep.failed > 0 && timeout > WATCH_RETRY_MS)
			timeout = WATCH_RETRY_MS;
		if (timeout > WATCH_CHECK_MS)
			timeout = WATCH_CHECK_MS;
		if (watch_hup || watch_term)
			continue;	/* came before the change flag was cleared */
		if (rt_table_change_wait(t, (int)timeout) == 1) {
			uint64_t quiet = rt_clock_ms() - compiled_at;

			if (quiet < WATCH_COALESCE_MS)
				watch_sleep_ms(WATCH_COALESCE_MS - (long)quiet);
		}
	}
	fprintf(stderr, "relaytab: watch stopped\n");
	watch_close(&t);
	rt_liveset_free(&view.ls);
	rt_liveset_free(&spare);
	rt_compile_conf_free(&conf);
	close(lock_fd);
	return 0;
}
