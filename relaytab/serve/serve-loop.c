/* serve-loop.c - the event loop of "relaytab serve": listening sockets
 * (a unix socket created atomically with its mode and group, an optional
 * TCP address, or sockets passed by systemd), epoll over every connection,
 * bounded buffers, signals through a signalfd. Each request is answered by
 * rt_socketmap_answer() from a read-only mapping of the table. */
#define _GNU_SOURCE 1	/* accept4 */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sysexits.h>
#include <unistd.h>

#include "group.h"
#include "lookup.h"
#include "netstring.h"
#include "socketmap.h"

#define SERVE_IN_MAX (RT_SOCKETMAP_REQ_MAX + 16)	/* one whole frame */
#define SERVE_OUT_MAX 8192
#define SERVE_FRAME_MAX (RT_SOCKETMAP_REPLY_MAX + 16)
#define SERVE_LISTEN_MAX 8
#define SERVE_TICK_MS 1000
#define SERVE_RECHECK_MS 100	/* how often the table file is stat()ed */
#define SERVE_DRAIN_MS 2000
/* The kernel's maximum (net.core.somaxconn): an MTA connects without
 * waiting, so a full backlog is a failed lookup (4xx) for it */
#define SERVE_BACKLOG SOMAXCONN

enum serve_kind { SERVE_LISTENER, SERVE_SIGNALS, SERVE_CONN };

/* What an epoll event points at: a listener, the signalfd, or a
 * connection (which starts with one). */
struct serve_handle {
	enum serve_kind kind;
	int fd;
};

struct serve_conn {
	struct serve_handle h;
	size_t idx;			/* in serve.conns */
	struct serve_conn *next_dead;	/* freed after the epoll batch */
	size_t inlen, outlen, outoff;
	uint32_t events;		/* the epoll events armed */
	uint64_t last_ms;
	char in[SERVE_IN_MAX];
	char out[SERVE_OUT_MAX];
};

struct serve {
	struct rt_serve_conf *conf;
	const char *table_path;
	int verbose;
	int ep;
	struct serve_handle sig;
	struct serve_handle lis[SERVE_LISTEN_MAX];
	size_t nlisten;
	struct serve_conn *dead;
	bool own_socket;		/* we created conf->socket_path */
	bool activated;			/* sockets passed by systemd */
	dev_t sock_dev;
	ino_t sock_ino;
	struct serve_conn **conns;	/* max_conns slots */
	size_t nconns;
	struct rt_table *t;
	char why[RT_ERR_MAX + 32];
	uint64_t checked_ms, open_tried_ms;
	struct rt_lookup lookup;
	struct rt_socketmap sm;
	uint64_t requests, hits, temps, refused, dropped;
};

static int serve_fail(const char *what, const char *arg)
{
	fprintf(stderr, "relaytab: error: %s %s: %s\n", what, arg, strerror(errno));
	return -1;
}

/* --- listening sockets ------------------------------------------------- */

/* Create the unix socket under a temporary name with its mode and group,
 * then rename it over the configured path: clients never see a socket
 * with the wrong permissions, and a stale socket is replaced. A path that
 * exists and is not a socket is refused. */
static int serve_unix(struct serve *s)
{
	const char *path = s->conf->socket_path;
	union {
		struct sockaddr sa;
		struct sockaddr_un un;
	} addr = { .un = { .sun_family = AF_UNIX } };
	char tmp[sizeof(addr.un.sun_path)];
	struct stat st;
	int fd;

	if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "relaytab: error: %s exists and is not a socket\n", path);
		return -1;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >=
	    (int)sizeof(tmp)) {
		fprintf(stderr, "relaytab: error: socket path too long: %s\n", path);
		return -1;
	}
	memcpy(addr.un.sun_path, tmp, strlen(tmp) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return serve_fail("cannot create a socket for", path);
	(void)unlink(tmp);
	if (bind(fd, &addr.sa, sizeof(addr.un)) != 0) {
		serve_fail("cannot bind", tmp);
		close(fd);
		return -1;
	}
	if (chmod(tmp, s->conf->socket_mode) != 0) {
		serve_fail("cannot chmod", tmp);
		goto fail;
	}
	if (s->conf->socket_group != NULL && *s->conf->socket_group != '\0') {
		gid_t gid;

		if (rt_group_parse(s->conf->socket_group, &gid) != 0) {
			fprintf(stderr, "relaytab: error: unknown group \"%s\"\n",
				s->conf->socket_group);
			goto fail;
		}
		if (chown(tmp, (uid_t)-1, gid) != 0) {
			serve_fail("cannot chown", tmp);
			goto fail;
		}
	}
	if (listen(fd, SERVE_BACKLOG) != 0) {
		serve_fail("cannot listen on", tmp);
		goto fail;
	}
	if (rename(tmp, path) != 0) {
		serve_fail("cannot rename the socket to", path);
		goto fail;
	}
	if (stat(path, &st) == 0) {
		s->sock_dev = st.st_dev;
		s->sock_ino = st.st_ino;
		s->own_socket = true;
	}
	s->lis[s->nlisten++] = (struct serve_handle){ SERVE_LISTENER, fd };
	return 0;
fail:
	(void)unlink(tmp);
	close(fd);
	return -1;
}

/* Listen on serve-listen (checked when the settings were read). */
static int serve_tcp(struct serve *s)
{
	const char *spec = s->conf->listen;
	struct addrinfo *ai;
	struct rt_err err;
	int fd, one = 1;

	if (rt_serve_listen_addr(spec, &ai, &err) != 0) {
		fprintf(stderr, "relaytab: error: %s\n", err.msg);
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		freeaddrinfo(ai);
		return serve_fail("cannot create a socket for", spec);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, SERVE_BACKLOG) != 0) {
		freeaddrinfo(ai);
		serve_fail("cannot listen on", spec);
		close(fd);
		return -1;
	}
	freeaddrinfo(ai);
	s->lis[s->nlisten++] = (struct serve_handle){ SERVE_LISTENER, fd };
	return 0;
}

/* Sockets passed by systemd (LISTEN_PID, LISTEN_FDS; fds from 3). */
static size_t serve_systemd(struct serve *s)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	long n;

	if (pid == NULL || fds == NULL || atol(pid) != (long)getpid())
		return 0;
	n = atol(fds);
	for (long i = 0; i < n && s->nlisten < SERVE_LISTEN_MAX; i++) {
		int fd = 3 + (int)i;

		fcntl(fd, F_SETFD, FD_CLOEXEC);
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		s->lis[s->nlisten++] = (struct serve_handle){ SERVE_LISTENER, fd };
	}
	s->activated = s->nlisten > 0;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return s->nlisten;
}

static void serve_unlink_socket(struct serve *s)
{
	struct stat st;

	/* only the socket we made: not one a newer instance put there */
	if (s->own_socket && stat(s->conf->socket_path, &st) == 0 &&
	    st.st_dev == s->sock_dev && st.st_ino == s->sock_ino)
		(void)unlink(s->conf->socket_path);
	s->own_socket = false;
}

/* --- the table ----------------------------------------------------------- */

/* Keep a read-only mapping of the current table file, or t == NULL and the
 * reason in why (every lookup is then answered TEMP). */
static void serve_table(struct serve *s, uint64_t ms)
{
	struct rt_err err;

	if (s->t != NULL) {
		if (ms - s->checked_ms < SERVE_RECHECK_MS)
			return;
		s->checked_ms = ms;
		if (rt_table_still_current(s->t) == 1)
			return;
		rt_table_close(&s->t);
		rt_lookup_reset(&s->lookup);
		s->open_tried_ms = 0;
		fprintf(stderr, "relaytab: table %s was replaced or removed; reopening\n",
			s->table_path);
	}
	if (s->open_tried_ms != 0 && ms - s->open_tried_ms < SERVE_RECHECK_MS)
		return;
	s->open_tried_ms = ms;
	if (rt_table_open(s->table_path, RT_OPEN_RDONLY, &s->t, &err) != 0) {
		char why[sizeof(s->why)];

		snprintf(why, sizeof(why), "relaytab table unavailable: %s", err.msg);
		if (strcmp(why, s->why) != 0)
			fprintf(stderr, "relaytab: error: %s (answering TEMP)\n", err.msg);
		memcpy(s->why, why, sizeof(why));
		return;
	}
	if (s->why[0] != '\0')
		fprintf(stderr, "relaytab: table %s is readable again\n", s->table_path);
	s->why[0] = '\0';
	s->checked_ms = ms;
}

/* --- connections --------------------------------------------------------- */

/* Close a connection; its memory is freed after the current epoll batch
 * (a later event of the batch may still point at it). */
static void serve_close(struct serve *s, struct serve_conn *c, const char *why)
{
	if (why != NULL && s->verbose > 0)
		fprintf(stderr, "relaytab: connection closed: %s\n", why);
	epoll_ctl(s->ep, EPOLL_CTL_DEL, c->h.fd, NULL);
	close(c->h.fd);
	c->h.fd = -1;
	s->conns[c->idx] = s->conns[--s->nconns];
	s->conns[c->idx]->idx = c->idx;
	s->conns[s->nconns] = NULL;
	c->next_dead = s->dead;
	s->dead = c;
}

static void serve_bury(struct serve *s)
{
	while (s->dead != NULL) {
		struct serve_conn *c = s->dead;

		s->dead = c->next_dead;
		free(c);
	}
}

/* Arm the events the connection needs now: reading while the output has
 * room for another reply, writing while output is pending. */
static void serve_want(struct serve *s, struct serve_conn *c)
{
	struct epoll_event ev = { .data.ptr = c };

	ev.events = (SERVE_OUT_MAX - c->outlen >= SERVE_FRAME_MAX ? EPOLLIN : 0) |
		    (c->outlen > c->outoff ? EPOLLOUT : 0);
	if (ev.events != c->events &&
	    epoll_ctl(s->ep, EPOLL_CTL_MOD, c->h.fd, &ev) == 0)
		c->events = ev.events;
}

/* Write what is pending, as far as the socket takes it. Returns -1 if the
 * connection failed. */
static int serve_flush(struct serve_conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n = write(c->h.fd, c->out + c->outoff, c->outlen - c->outoff);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->outoff += (size_t)n;
	}
	c->outoff = c->outlen = 0;
	return 0;
}

static void serve_accept(struct serve *s, int lfd)
{
	for (int n = 0; n < 64; n++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN };
		struct serve_conn *c = NULL;

		if (fd < 0)
			return;
		if (s->nconns >= s->conf->max_conns ||
		    (c = malloc(sizeof(*c))) == NULL) {
			if (s->refused++ % 1000 == 0)
				fprintf(stderr, "relaytab: warning: connection limit (%u) reached; "
					"refusing connections (%llu so far)\n",
					s->conf->max_conns, (unsigned long long)s->refused + 1);
			close(fd);
			continue;
		}
		c->h = (struct serve_handle){ SERVE_CONN, fd };
		c->idx = s->nconns;
		c->inlen = c->outlen = c->outoff = 0;
		c->events = EPOLLIN;
		c->last_ms = rt_clock_ms();
		ev.data.ptr = c;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			close(fd);
			free(c);
			continue;
		}
		s->conns[s->nconns++] = c;
	}
}

/* Answer every whole request in the input while the output has room.
 * Returns -1 (errno EINVAL or EMSGSIZE) if the connection must be closed. */
static int serve_requests(struct serve *s, struct serve_conn *c)
{
	size_t off = 0;
	int r = 0;

	while (SERVE_OUT_MAX - c->outlen >= SERVE_FRAME_MAX) {
		const char *req;
		size_t len, used, rlen;
		char reply[RT_SOCKETMAP_REPLY_MAX];

		r = rt_netstring_decode(c->in + off, c->inlen - off,
					RT_SOCKETMAP_REQ_MAX, &req, &len, &used);
		if (r <= 0)
			break;
		serve_table(s, rt_clock_ms());
		rlen = rt_socketmap_answer(&s->sm, s->t, s->why, req, len,
					   rt_time_now(), reply);
		s->requests++;
		if (rlen >= 3 && memcmp(reply, "OK ", 3) == 0)
			s->hits++;
		else if (rlen >= 5 && memcmp(reply, "TEMP ", 5) == 0)
			s->temps++;
		if (s->verbose > 1)
			fprintf(stderr, "relaytab: \"%.*s\" -> \"%.*s\"\n",
				(int)len, req, (int)rlen, reply);
		c->outlen += rt_netstring_encode(c->out + c->outlen,
						 SERVE_OUT_MAX - c->outlen, reply, rlen);
		off += used;
	}
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
	return r < 0 ? -1 : 0;
}

static void serve_bad(struct serve *s, struct serve_conn *c)
{
	s->dropped++;
	serve_close(s, c, errno == EMSGSIZE ? "request too long" : "malformed netstring");
}

static void serve_read(struct serve *s, struct serve_conn *c)
{
	ssize_t n = read(c->h.fd, c->in + c->inlen, SERVE_IN_MAX - c->inlen);

	if (n == 0) {
		serve_close(s, c, NULL);
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			serve_close(s, c, strerror(errno));
		return;
	}
	c->inlen += (size_t)n;
	c->last_ms = rt_clock_ms();
	if (serve_requests(s, c) != 0) {
		serve_bad(s, c);
		return;
	}
	if (serve_flush(c) != 0) {
		serve_close(s, c, strerror(errno));
		return;
	}
	serve_want(s, c);
}

static void serve_write(struct serve *s, struct serve_conn *c)
{
	/* flush, then answer what waited for room, then flush that too */
	if (serve_flush(c) != 0 || serve_requests(s, c) != 0 || serve_flush(c) != 0) {
		if (errno == EINVAL || errno == EMSGSIZE)
			serve_bad(s, c);
		else
			serve_close(s, c, strerror(errno));
		return;
	}
	c->last_ms = rt_clock_ms();
	serve_want(s, c);
}

static void serve_idle(struct serve *s, uint64_t ms)
{
	uint64_t limit = (uint64_t)s->conf->idle_timeout * 1000;

	for (size_t i = s->nconns; i-- > 0;) {
		if (ms - s->conns[i]->last_ms > limit)
			serve_close(s, s->conns[i], "idle timeout");
	}
}

/* --- settings, signals and the loop ------------------------------------- */

static void serve_apply(struct serve *s)
{
	rt_compile_conf_rule(&s->conf->base, &s->lookup.rule);
	rt_lookup_reset(&s->lookup);
	s->sm.names = s->conf->names;
	s->sm.value = s->conf->value;
	s->sm.lookup = &s->lookup;
}

/* Read the signalfd: SIGHUP re-reads the settings (the sockets stay as
 * they are); returns true on SIGTERM or SIGINT. */
static bool serve_signals(struct serve *s, rt_serve_reload_fn *reload,
			  void *context)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(s->sig.fd, &si, sizeof(si)) == sizeof(si)) {
		struct rt_serve_conf next;

		if (si.ssi_signo != SIGHUP) {
			stop = true;
			continue;
		}
		if (reload(context, &next) != 0) {
			fprintf(stderr, "relaytab: keeping the previous configuration\n");
			continue;
		}
		free(next.socket_path);
		next.socket_path = s->conf->socket_path;
		s->conf->socket_path = NULL;
		rt_serve_conf_free(s->conf);
		*s->conf = next;
		serve_apply(s);
		fprintf(stderr, "relaytab: re-read the configuration "
			"(socket settings apply at restart)\n");
	}
	return stop;
}

static int serve_setup(struct serve *s, sigset_t *mask)
{
	struct epoll_event ev = { .events = EPOLLIN };

	sigemptyset(mask);
	sigaddset(mask, SIGHUP);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGINT);
	sigprocmask(SIG_BLOCK, mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	s->sig.fd = signalfd(-1, mask, SFD_NONBLOCK | SFD_CLOEXEC);
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->sig.fd < 0 || s->ep < 0)
		return serve_fail("cannot set up", "epoll/signalfd");
	if (serve_systemd(s) == 0) {
		if (*s->conf->socket_path != '\0' && serve_unix(s) != 0)
			return -1;
		if (s->conf->listen != NULL && *s->conf->listen != '\0' && serve_tcp(s) != 0)
			return -1;
	}
	for (size_t i = 0; i < s->nlisten; i++) {
		ev.data.ptr = &s->lis[i];
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, s->lis[i].fd, &ev) != 0)
			return serve_fail("cannot watch", "a listening socket");
	}
	ev.data.ptr = &s->sig;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, s->sig.fd, &ev) != 0)
		return serve_fail("cannot watch", "signals");
	s->conns = calloc(s->conf->max_conns, sizeof(*s->conns));
	if (s->conns == NULL)
		return serve_fail("cannot allocate", "the connection table");
	return 0;
}

/* Stop listening; give pending replies up to SERVE_DRAIN_MS to go out. */
static void serve_drain(struct serve *s)
{
	uint64_t end = rt_clock_ms() + SERVE_DRAIN_MS;

	for (size_t i = 0; i < s->nlisten; i++)
		close(s->lis[i].fd);
	s->nlisten = 0;
	serve_unlink_socket(s);
	while (s->nconns > 0 && rt_clock_ms() < end) {
		bool pending = false;

		for (size_t i = 0; i < s->nconns; i++) {
			struct serve_conn *c = s->conns[i];
			ssize_t n;

			if (c->outlen == c->outoff)
				continue;
			n = write(c->h.fd, c->out + c->outoff, c->outlen - c->outoff);
			if (n > 0)
				c->outoff += (size_t)n;
			else if (n < 0 && errno != EAGAIN)
				c->outoff = c->outlen;
			pending = pending || c->outoff < c->outlen;
		}
		if (!pending)
			break;
		usleep(10000);
	}
	while (s->nconns > 0)
		serve_close(s, s->conns[s->nconns - 1], NULL);
	serve_bury(s);
}

int rt_serve_run(const char *table_path, struct rt_serve_conf *conf,
		 int verbose, rt_serve_reload_fn *reload, void *context)
{
	struct serve s = { .conf = conf, .table_path = table_path,
			   .verbose = verbose, .ep = -1,
			   .sig = { SERVE_SIGNALS, -1 } };
	struct epoll_event evs[64];
	sigset_t mask;
	bool stop = false;
	uint64_t tick = rt_clock_ms();
	int status = 0;

	rt_lookup_init(&s.lookup, &(struct rt_relay_rule){ 0 });
	serve_apply(&s);
	if (serve_setup(&s, &mask) != 0) {
		status = EX_OSERR;
		goto out;
	}
	serve_table(&s, rt_clock_ms());
	fprintf(stderr, "relaytab: serving %s (maps \"%s\", grace %us) on %s%s%s\n",
		table_path, conf->names, conf->base.grace,
		s.activated ? "the sockets systemd passed" : conf->socket_path,
		conf->listen != NULL && *conf->listen != '\0' ? " and " : "",
		conf->listen != NULL ? conf->listen : "");
	while (!stop) {
		int n = epoll_wait(s.ep, evs, 64, SERVE_TICK_MS);
		uint64_t ms;

		if (n < 0 && errno != EINTR) {
			serve_fail("epoll_wait", "failed");
			status = EX_OSERR;
			break;
		}
		for (int k = 0; k < n; k++) {
			struct serve_handle *h = evs[k].data.ptr;

			if (h->kind == SERVE_LISTENER) {
				serve_accept(&s, h->fd);
			} else if (h->kind == SERVE_SIGNALS) {
				stop = serve_signals(&s, reload, context) || stop;
			} else if (h->fd >= 0) {	/* not closed earlier in this batch */
				struct serve_conn *c = (struct serve_conn *)h;

				if (evs[k].events & EPOLLOUT)
					serve_write(&s, c);
				else if (evs[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
					serve_read(&s, c);
			}
		}
		serve_bury(&s);
		ms = rt_clock_ms();
		if (ms - tick >= SERVE_TICK_MS) {
			tick = ms;
			serve_idle(&s, ms);
			serve_bury(&s);
			serve_table(&s, ms);
		}
	}
	serve_drain(&s);
	fprintf(stderr, "relaytab: serve stopped (%llu requests, %llu OK, %llu TEMP, "
		"%llu connections dropped for bad input, %llu refused)\n",
		(unsigned long long)s.requests, (unsigned long long)s.hits,
		(unsigned long long)s.temps, (unsigned long long)s.dropped,
		(unsigned long long)s.refused);
out:
	for (size_t i = 0; i < s.nlisten; i++)
		close(s.lis[i].fd);
	serve_unlink_socket(&s);
	free(s.conns);
	rt_table_close(&s.t);
	rt_lookup_free(&s.lookup);
	if (s.ep >= 0)
		close(s.ep);
	if (s.sig.fd >= 0)
		close(s.sig.fd);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
	return status;
}
