/* bench-serve-hostile.c - figures for "relaytab serve" under hostile load:
 * whether a well-behaved socketmap client (one reused connection, as
 * Postfix's) still gets every lookup answered, and how fast, while
 * unprivileged clients (uid/gid 65534) hold 1000 connections open (500
 * idle, 500 slowloris sending a netstring one byte every 2 s) and 150
 * more loop on malformed or oversized requests. Two scenarios, each with
 * a fresh serve: the hostile load and the good client over the unix
 * socket, then both over TCP on 127.0.0.1 (one address for all, told
 * apart by uid as serve does).
 * The table holds 1000 live IPv4 records in 198.18.0.0/15 (RFC 2544's
 * benchmarking range); half the lookups hit, half miss.
 * Usage: bench-serve-hostile RELAYTAB DIR   (as root; tools/bench runs it) */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"
#include "netstring.h"
#include "table.h"

#define LIVE 1000		/* live records in the table */
#define LOOKUPS 20000		/* the good client's lookups per scenario */
#define HOLD_EACH 500		/* idle connections; slowloris ones as many */
#define GARBAGE 150		/* clients looping on bad requests */
#define NOBODY 65534		/* uid and gid of the hostile clients */
#define OPEN_LIMIT_S 10.0	/* the hostile clients' time to connect */
#define SETTLE_S 1.0		/* for serve to close what it refuses */
#define LOOKUP_LIMIT_S 2.0	/* a lookup without a correct reply by then fails */
#define LOOKUP_TRIES 3		/* connections tried per lookup */
#define PAUSE_S 12		/* the good client's idle pause, mid-run */
#define MEASURE_LIMIT_S 180.0	/* the lookups' time, the pause excluded */
#define SLOW_EVERY_S 2.0	/* slowloris: one byte this often */
#define HOSTILE_MAX_S 300.0	/* a hostile child ends by itself after this */
#define SERVE_START_S 5.0
#define SERVE_STOP_S 5.0
#define NKIDS (2 + GARBAGE)	/* the two holders and the garbage clients */

/* Where a client connects: the unix socket or 127.0.0.1:port. */
struct target {
	union {
		struct sockaddr sa;
		struct sockaddr_un un;
		struct sockaddr_in in;
	} addr;
	socklen_t len;
	const char *name;	/* "unix" or "tcp" */
};

/* What the hostile children report, in memory shared with the parent. */
struct shared {
	atomic_uint held;		/* connected and not closed by serve */
	atomic_uint closed;		/* connected, then closed by serve */
	atomic_uint unconnected;	/* never connected within OPEN_LIMIT_S */
	atomic_uint holders_ready;	/* holder processes done connecting */
	atomic_ulong sessions;		/* garbage sessions done */
	atomic_ulong session_fails;	/* garbage connects that failed */
};

/* The hostile children of one scenario: one process group. */
struct kids {
	pid_t pgid;
	pid_t pid[NKIDS];
	int n;
};

/* The good client's connection and tallies. */
struct good {
	const struct target *to;
	int fd;
	unsigned connects;
	unsigned ok, failed, wrong, skipped;
	double lat[LOOKUPS];	/* of the lookups that succeeded, seconds */
};

struct setup {
	const char *relaytab, *dir;
	char table[256], conf[256], sock[108], log[256];
};

static pid_t parent_pid;

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The i-th address: i < LIVE recorded, LIVE <= i < 2 * LIVE absent. */
static void key_of(unsigned i, char *buf, size_t size)
{
	snprintf(buf, size, "198.%u.%u.%u", 18 + i / LIVE, (i % LIVE) >> 8, (i % LIVE) & 255);
}

/* --- setup ---------------------------------------------------------------- */

static void print_machine(void)
{
	char cpu[256] = "unknown CPU", date[64];
	time_t tt = time(NULL);
	struct utsname u;

	bench_cpu_model(cpu, sizeof(cpu));
	if (uname(&u) != 0)
		snprintf(u.release, sizeof(u.release), "?");
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&tt));
	printf("serve under hostile load - %s, %ld cores, Linux %s, %s\n", cpu,
	       sysconf(_SC_NPROCESSORS_ONLN), u.release, date);
}

/* Serve needs a descriptor per connection: raise the soft limit to the
 * hard one (inherited by serve and the hostile children). */
static int raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < 4096) {
		fprintf(stderr, "bench-serve-hostile: RLIMIT_NOFILE %llu, want 4096\n",
			(unsigned long long)rl.rlim_cur);
		return -1;
	}
	return 0;
}

/* The table: 16384 slots, LIVE records logged in now. */
static int make_table(const char *path)
{
	struct rt_create_opts o = { 14, 0600, (gid_t)-1, 1800, true };
	uint32_t now = rt_time_stamp();
	struct rt_table *t;
	struct rt_err err;

	if (rt_table_create(path, &o, &err) != 0 ||
	    rt_table_open(path, RT_OPEN_RDWR, &t, &err) != 0) {
		fprintf(stderr, "bench-serve-hostile: %s: %s\n", path, err.msg);
		return -1;
	}
	for (unsigned i = 0; i < LIVE; i++) {
		struct rt_addr a;
		char key[32];

		key_of(i, key, sizeof(key));
		if (rt_addr_parse(key, &a) != 0 ||
		    rt_table_upsert(t, &a, "user", RT_SVC_IMAP, now, RT_UPSERT_LOGIN) != 0) {
			fprintf(stderr, "bench-serve-hostile: cannot record %s\n", key);
			rt_table_close(&t);
			return -1;
		}
	}
	rt_table_close(&t);
	return 0;
}

static void target_tcp(struct target *t, int port)
{
	memset(t, 0, sizeof(*t));
	t->addr.in.sin_family = AF_INET;
	t->addr.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	t->addr.in.sin_port = htons((uint16_t)port);
	t->len = sizeof(t->addr.in);
	t->name = "tcp";
}

/* A free TCP port on 127.0.0.1: bind port 0, read it, close. */
static int free_port(void)
{
	struct target t;
	socklen_t len = sizeof(t.addr.in);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

	target_tcp(&t, 0);
	if (fd >= 0 && bind(fd, &t.addr.sa, t.len) == 0 &&
	    getsockname(fd, &t.addr.sa, &len) == 0)
		port = ntohs(t.addr.in.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static int write_conf(const struct setup *su, int port)
{
	int fd = open(su->conf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int r;

	if (fd < 0) {
		perror(su->conf);
		return -1;
	}
	r = dprintf(fd, "grace = 30m\nserve-socket = %s\nserve-socket-mode = 0666\n"
		    "serve-listen = 127.0.0.1:%d\nserve-max-connections = 1000\n"
		    "serve-max-per-client = 500\nserve-idle-timeout = 30\n", su->sock, port);
	if (close(fd) != 0 || r < 0) {
		perror(su->conf);
		return -1;
	}
	return 0;
}

static void target_unix(struct target *t, const char *path)
{
	memset(t, 0, sizeof(*t));
	t->addr.un.sun_family = AF_UNIX;
	snprintf(t->addr.un.sun_path, sizeof(t->addr.un.sun_path), "%s", path);
	t->len = sizeof(t->addr.un);
	t->name = "unix";
}

/* --- connections ---------------------------------------------------------- */

static void set_timeout(int fd, int opt, double s)
{
	struct timeval tv = { (time_t)s, (suseconds_t)((s - (double)(time_t)s) * 1e6) };

	if (tv.tv_sec == 0 && tv.tv_usec < 1000)
		tv.tv_usec = 1000;
	setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv));
}

/* A blocking connection, its connect() bounded by timeout seconds (the
 * send timeout bounds connect on unix and TCP sockets). -1 on failure. */
static int connect_to(const struct target *t, double timeout)
{
	int fd = socket(t->addr.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	set_timeout(fd, SO_SNDTIMEO, timeout);
	if (connect(fd, &t->addr.sa, t->len) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Connect, retrying until the deadline. */
static int connect_until(const struct target *t, double deadline)
{
	for (double left; (left = deadline - now_s()) > 0;) {
		int fd = connect_to(t, left < 1.0 ? left : 1.0);

		if (fd >= 0)
			return fd;
		sleep_s(0.01);
	}
	return -1;
}

/* --- the hostile children --------------------------------------------------- */

/* In a fresh child: no root, and no life beyond the parent's. */
static void drop_privileges(void)
{
	if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
		_exit(71);
	prctl(PR_SET_PDEATHSIG, SIGKILL);	/* after setuid, which clears it */
	if (getppid() != parent_pid)
		_exit(0);
}

/* The k-th byte a slowloris connection sends: the start of a netstring
 * promising 999 bytes, then filler; it never completes in a run. */
static char slow_byte(unsigned k)
{
	static const char start[] = "999:relay 198.18.0.1 ";

	return k < sizeof(start) - 1 ? start[k] : 'x';
}

static void hold_close(struct pollfd *p, struct shared *sh)
{
	close(p->fd);
	p->fd = -1;
	atomic_fetch_sub(&sh->held, 1);
	atomic_fetch_add(&sh->closed, 1);
}

/* Notice connections serve closed (reading whatever it sent). */
static void hold_reap(struct pollfd *p, int n, struct shared *sh)
{
	for (int i = 0; i < n; i++) {
		char buf[512];
		ssize_t r;

		if (p[i].fd < 0 || p[i].revents == 0)
			continue;
		r = read(p[i].fd, buf, sizeof(buf));
		if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
			hold_close(&p[i], sh);
	}
}

static void hold_send(struct pollfd *p, int n, unsigned k, struct shared *sh)
{
	char c = slow_byte(k);

	for (int i = 0; i < n; i++) {
		if (p[i].fd >= 0 && send(p[i].fd, &c, 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
		    errno != EAGAIN)
			hold_close(&p[i], sh);
	}
}

/* Open HOLD_EACH connections (within OPEN_LIMIT_S) and keep them: idle,
 * or slowloris; never reconnects. Runs until killed (or HOSTILE_MAX_S). */
static void holder(const struct target *t, bool slow, struct shared *sh)
{
	static struct pollfd p[HOLD_EACH];
	double start = now_s(), next = start + SLOW_EVERY_S;
	unsigned k = 0;

	for (int i = 0; i < HOLD_EACH; i++) {
		p[i] = (struct pollfd){ connect_until(t, start + OPEN_LIMIT_S), POLLIN, 0 };
		atomic_fetch_add(p[i].fd >= 0 ? &sh->held : &sh->unconnected, 1);
	}
	atomic_fetch_add(&sh->holders_ready, 1);
	while (now_s() - start < HOSTILE_MAX_S) {
		if (poll(p, HOLD_EACH, 200) > 0)
			hold_reap(p, HOLD_EACH, sh);
		if (slow && now_s() >= next) {
			hold_send(p, HOLD_EACH, k++, sh);
			next += SLOW_EVERY_S;
		}
	}
	_exit(0);
}

/* One bad request: random bytes, an oversized length, no netstring at
 * all, or a 2000-byte frame (over serve's 1024). Returns its length. */
static size_t garbage_payload(unsigned n, uint32_t *seed, char *buf, size_t size)
{
	switch (n % 4) {
	case 0:
		for (size_t i = 0; i < 64; i++) {
			*seed ^= *seed << 13;
			*seed ^= *seed >> 17;
			*seed ^= *seed << 5;
			buf[i] = (char)(*seed & 255);
		}
		return 64;
	case 1:
		return (size_t)snprintf(buf, size, "99999:");
	case 2:
		return (size_t)snprintf(buf, size, "abc");
	default: {
		size_t len = (size_t)snprintf(buf, size, "2000:");

		memset(buf + len, 'x', 2000);
		buf[len + 2000] = ',';
		return len + 2001;
	}
	}
}

/* Read until serve closes the connection (at most 1 s per read, 2 s in all). */
static void drain_until_closed(int fd)
{
	double end = now_s() + 2.0;
	char buf[512];

	set_timeout(fd, SO_RCVTIMEO, 1.0);
	while (now_s() < end && read(fd, buf, sizeof(buf)) > 0)
		;
}

/* Connect, send a bad request, read until closed, again, as fast as it
 * goes. Runs until killed (or HOSTILE_MAX_S). */
static void garbage(const struct target *t, uint32_t seed, struct shared *sh)
{
	static char buf[2100];
	double start = now_s();

	for (unsigned n = seed; now_s() - start < HOSTILE_MAX_S; n++) {
		int fd = connect_to(t, 1.0);
		size_t len;

		if (fd < 0) {
			atomic_fetch_add(&sh->session_fails, 1);
			sleep_s(0.001);
			continue;
		}
		len = garbage_payload(n, &seed, buf, sizeof(buf));
		(void)send(fd, buf, len, MSG_NOSIGNAL);
		drain_until_closed(fd);
		close(fd);
		atomic_fetch_add(&sh->sessions, 1);
	}
	_exit(0);
}

/* Fork one hostile child into the group kids->pgid (the first one starts
 * it); it drops root and runs holder() or garbage(). */
static int spawn(struct kids *kids, const struct target *t, int role,
		 struct shared *sh)
{
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) < 0) {
		perror("bench-serve-hostile: fork");
		return -1;
	}
	if (pid == 0) {
		setpgid(0, kids->pgid);
		drop_privileges();
		if (role < 2)
			holder(t, role == 1, sh);
		garbage(t, 2463534242u + (uint32_t)role * 7919u, sh);
	}
	setpgid(pid, kids->n == 0 ? pid : kids->pgid);
	if (kids->n == 0)
		kids->pgid = pid;
	kids->pid[kids->n++] = pid;
	return 0;
}

static void kill_kids(struct kids *kids)
{
	if (kids->n > 0)
		kill(-kids->pgid, SIGKILL);
	for (int i = 0; i < kids->n; i++) {
		kill(kids->pid[i], SIGKILL);	/* if it had not joined the group yet */
		while (waitpid(kids->pid[i], NULL, 0) < 0 && errno == EINTR)
			;
	}
	kids->n = 0;
}

/* The holders, until they are connected (bounded), then the garbage
 * clients; SETTLE_S for serve to close what it will not keep. */
static int start_hostile(struct kids *kids, const struct target *t, struct shared *sh,
			 double *open_s)
{
	double t0 = now_s();

	for (int role = 0; role < 2; role++) {
		if (spawn(kids, t, role, sh) != 0)
			return -1;
	}
	while (atomic_load(&sh->holders_ready) < 2 && now_s() - t0 < OPEN_LIMIT_S + 2.0)
		sleep_s(0.05);
	*open_s = now_s() - t0;
	for (int role = 2; role < NKIDS; role++) {
		if (spawn(kids, t, role, sh) != 0)
			return -1;
	}
	sleep_s(SETTLE_S);
	return 0;
}

/* --- relaytab serve ---------------------------------------------------------- */

static bool serve_ready(const struct setup *su, const struct target *tcp)
{
	struct stat st;
	int fd;

	if (stat(su->sock, &st) != 0 || !S_ISSOCK(st.st_mode))
		return false;
	if ((fd = connect_to(tcp, 0.1)) < 0)
		return false;
	close(fd);
	return true;
}

static void show_log(const struct setup *su)
{
	char line[512];
	FILE *f = fopen(su->log, "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		fprintf(stderr, "  serve: %s", line);
	fclose(f);
}

/* The last "serve stopped" line of the log: serve's own counts. */
static void print_serve_summary(const struct setup *su)
{
	char line[512], last[512] = "";
	FILE *f = fopen(su->log, "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strstr(line, "serve stopped") != NULL)
			memcpy(last, line, sizeof(last));
	}
	fclose(f);
	if (last[0] != '\0')
		printf("  %s", last);
}

static void serve_child(const struct setup *su)
{
	int fd = open(su->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || dup2(fd, 2) < 0)
		_exit(126);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent_pid)
		_exit(0);
	execl(su->relaytab, su->relaytab, "--table", su->table, "serve",
	      "--config", su->conf, (char *)NULL);
	fprintf(stderr, "cannot run %s: %s\n", su->relaytab, strerror(errno));
	_exit(127);
}

/* SIGTERM, then SIGKILL if it has not ended within SERVE_STOP_S. */
static void stop_serve(pid_t pid)
{
	double t0 = now_s();

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	while (waitpid(pid, NULL, WNOHANG) == 0) {
		if (now_s() - t0 > SERVE_STOP_S) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return;
		}
		sleep_s(0.02);
	}
}

/* Start serve; wait (at most SERVE_START_S) for both its sockets. */
static pid_t start_serve(const struct setup *su, const struct target *tcp)
{
	double t0 = now_s();
	pid_t pid;

	(void)unlink(su->sock);
	fflush(NULL);
	if ((pid = fork()) < 0) {
		perror("bench-serve-hostile: fork");
		return -1;
	}
	if (pid == 0)
		serve_child(su);
	while (!serve_ready(su, tcp)) {
		if (waitpid(pid, NULL, WNOHANG) == pid || now_s() - t0 > SERVE_START_S) {
			fprintf(stderr, "bench-serve-hostile: relaytab serve did not start:\n");
			stop_serve(pid);
			show_log(su);
			return -1;
		}
		sleep_s(0.01);
	}
	return pid;
}

/* --- the well-behaved client --------------------------------------------------- */

/* Read one netstring reply by the deadline: 1 (payload in buf), 0 on
 * timeout, -1 if the connection closed or the reply is malformed. */
static int read_reply(int fd, double deadline, char *buf, size_t size,
		      const char **p, size_t *plen)
{
	size_t got = 0, used;

	for (;;) {
		struct pollfd pf = { fd, POLLIN, 0 };
		double left = deadline - now_s();
		int r;
		ssize_t n;

		if (left <= 0 || (r = poll(&pf, 1, (int)(left * 1000) + 1)) == 0)
			return 0;
		if (r < 0)
			continue;
		if ((n = read(fd, buf + got, size - got)) <= 0)
			return -1;
		got += (size_t)n;
		r = rt_netstring_decode(buf, got, size, p, plen, &used);
		if (r != 0)
			return r;
	}
}

static void good_drop(struct good *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

/* The kept connection, or a new one by the deadline. */
static bool good_connect(struct good *g, double deadline)
{
	if (g->fd >= 0)
		return true;
	if ((g->fd = connect_to(g->to, deadline - now_s())) < 0)
		return false;
	g->connects++;
	return true;
}

/* One lookup, as Postfix's socketmap client does it: the kept connection,
 * a new one if serve closed it or connecting failed (LOOKUP_TRIES in
 * all), a correct reply within LOOKUP_LIMIT_S or it failed. */
static void good_lookup(struct good *g, unsigned i)
{
	bool hit = i % 2 == 0;
	const char *want = hit ? "OK OK" : "NOTFOUND ", *p;
	char key[32], req[64], frame[80], reply[512];
	double t0 = now_s(), deadline = t0 + LOOKUP_LIMIT_S;
	size_t len, plen;

	key_of(hit ? (i / 2) % LIVE : LIVE + (i / 2) % LIVE, key, sizeof(key));
	len = (size_t)snprintf(req, sizeof(req), "relay %s", key);
	len = rt_netstring_encode(frame, sizeof(frame), req, len);
	for (int tries = 0; tries < LOOKUP_TRIES && now_s() < deadline; tries++) {
		int r;

		if (!good_connect(g, deadline))
			continue;
		if (send(g->fd, frame, len, MSG_NOSIGNAL) != (ssize_t)len) {
			good_drop(g);
			continue;
		}
		r = read_reply(g->fd, deadline, reply, sizeof(reply), &p, &plen);
		if (r == 1) {
			if (plen == strlen(want) && memcmp(p, want, plen) == 0) {
				g->lat[g->ok++] = now_s() - t0;
				return;
			}
			g->wrong++;
			break;
		}
		good_drop(g);	/* closed, or late: a reply may still come */
		if (r == 0)
			break;
	}
	g->failed++;
}

/* LOOKUPS lookups alternating hit and miss, with the PAUSE_S idle pause
 * halfway; stops at MEASURE_LIMIT_S (the rest count as not tried).
 * Returns the seconds the lookups took, the pause excluded. */
static double good_run(struct good *g)
{
	double t0 = now_s(), paused = 0;

	for (unsigned i = 0; i < LOOKUPS; i++) {
		if (i == LOOKUPS / 2) {
			double p0 = now_s();

			sleep_s(PAUSE_S);
			paused = now_s() - p0;
		}
		if (now_s() - t0 - paused > MEASURE_LIMIT_S) {
			g->skipped = LOOKUPS - i;
			break;
		}
		good_lookup(g, i);
	}
	return now_s() - t0 - paused;
}

/* "p50 0.052 ms, p99 0.412 ms, max 3.100 ms" of the sorted latencies. */
static void format_latency(double *lat, unsigned n, char *buf, size_t size)
{
	if (n == 0) {
		snprintf(buf, size, "p50 -, p99 -, max - (no lookup succeeded)");
		return;
	}
	qsort(lat, n, sizeof(*lat), cmp_double);
	snprintf(buf, size, "p50 %.3f ms, p99 %.3f ms, max %.3f ms", lat[n / 2] * 1e3,
		 lat[(size_t)n * 99 / 100] * 1e3, lat[n - 1] * 1e3);
}

/* The hostile children's counts at one moment. */
struct snap {
	unsigned held, closed, unconnected;
	unsigned long sessions, session_fails;
};

static struct snap snap_of(struct shared *sh)
{
	return (struct snap){ atomic_load(&sh->held), atomic_load(&sh->closed),
			      atomic_load(&sh->unconnected), atomic_load(&sh->sessions),
			      atomic_load(&sh->session_fails) };
}

static void print_scenario(const char *name, struct good *g, const struct snap *s0,
			   const struct snap *s1, double open_s, double took)
{
	char lat[128];

	format_latency(g->lat, g->ok, lat, sizeof(lat));
	printf("serve hostile %s: %u/%u lookups succeeded, %s; hostile connections held "
	       "%u of %u, garbage sessions %lu, reconnects %u\n", name, g->ok, LOOKUPS, lat,
	       s0->held, 2 * HOLD_EACH, s1->sessions - s0->sessions,
	       g->connects > 0 ? g->connects - 1 : 0);
	printf("  %s: hostile connects took %.1f s: %u held, %u closed by serve, %u not "
	       "connected; %u still held at the end; lookups failed %u (%u wrong replies), "
	       "not tried %u (time limit); garbage connects failed %lu; lookups took %.1f s "
	       "plus the %d s pause\n", name, open_s, s0->held, s0->closed, s0->unconnected,
	       s1->held, g->failed, g->wrong, g->skipped, s1->session_fails - s0->session_fails,
	       took, PAUSE_S);
}

/* One scenario with a fresh serve: the hostile load and the good client
 * both over the unix socket, or both over TCP. 0, or -1 if it could not
 * be set up. */
static int scenario(const struct setup *su, bool over_tcp)
{
	static struct good g;
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct kids kids = { 0 };
	struct target un, tcp;
	struct snap s0, s1;
	int port = free_port(), rc = -1;
	double open_s, took;
	pid_t serve = -1;

	if (sh == MAP_FAILED || port < 0 || write_conf(su, port) != 0)
		goto out;
	target_unix(&un, su->sock);
	target_tcp(&tcp, port);
	memset(&g, 0, sizeof(g));
	g.to = over_tcp ? &tcp : &un;
	g.fd = -1;
	if ((serve = start_serve(su, &tcp)) < 0 ||
	    start_hostile(&kids, g.to, sh, &open_s) != 0)
		goto out;
	s0 = snap_of(sh);
	took = good_run(&g);
	s1 = snap_of(sh);
	good_drop(&g);
	kill_kids(&kids);
	stop_serve(serve);
	serve = -1;
	print_scenario(g.to->name, &g, &s0, &s1, open_s, took);
	print_serve_summary(su);
	rc = 0;
out:
	good_drop(&g);
	kill_kids(&kids);
	stop_serve(serve);
	if (sh != MAP_FAILED)
		munmap(sh, sizeof(*sh));
	return rc;
}

/* DIR, made if missing; uid 65534 must be able to reach the socket in it. */
static int check_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		perror(dir);
		return -1;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || !(st.st_mode & S_IXOTH)) {
		fprintf(stderr, "bench-serve-hostile: %s must be a directory others may "
			"search (the hostile clients run as uid %d)\n", dir, NOBODY);
		return -1;
	}
	return 0;
}

static int make_setup(struct setup *su, const char *relaytab, const char *dir)
{
	su->relaytab = relaytab;
	su->dir = dir;
	snprintf(su->table, sizeof(su->table), "%s/hostile.table", dir);
	snprintf(su->conf, sizeof(su->conf), "%s/hostile.conf", dir);
	snprintf(su->log, sizeof(su->log), "%s/hostile-serve.log", dir);
	if (snprintf(su->sock, sizeof(su->sock), "%s/hostile.sock", dir) >= (int)sizeof(su->sock)) {
		fprintf(stderr, "bench-serve-hostile: %s: path too long for a socket\n", dir);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct setup su;

	if (argc != 3) {
		fprintf(stderr, "usage: bench-serve-hostile RELAYTAB DIR\n");
		return 64;
	}
	parent_pid = getpid();
	signal(SIGPIPE, SIG_IGN);
	if (geteuid() != 0) {
		fprintf(stderr, "bench-serve-hostile: run it as root (its hostile clients "
			"switch to uid %d)\n", NOBODY);
		return 1;
	}
	if (raise_nofile() != 0 || check_dir(argv[2]) != 0 ||
	    make_setup(&su, argv[1], argv[2]) != 0 || make_table(su.table) != 0)
		return 1;
	print_machine();
	printf("settings: serve-max-connections 1000, serve-max-per-client 500, "
	       "serve-idle-timeout 30; %d live records; hostile clients uid %d: %d idle + "
	       "%d slowloris + %d garbage; %d lookups, half hits, a %d s pause halfway\n",
	       LIVE, NOBODY, HOLD_EACH, HOLD_EACH, GARBAGE, LOOKUPS, PAUSE_S);
	if (scenario(&su, false) != 0 || scenario(&su, true) != 0)
		return 1;
	unlink(su.table);
	unlink(su.conf);
	return 0;
}
