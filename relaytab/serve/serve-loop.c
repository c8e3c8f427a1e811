/* serve-loop.c - the event loop of "relaytab serve": epoll over the
 * listeners (serve-listen.c) and every connection, bounded buffers,
 * requests answered in order by rt_socketmap_answer() or rt_policy_answer()
 * from a read-only mapping of the table, signals through a signalfd, and
 * the limits that keep one client from starving the others: connections
 * per client (uid on a unix socket, address on TCP), an idle timeout, a
 * deadline for a started request, the longest-idle connection evicted when
 * all are taken, and accepting paused while descriptors run out. */
#define _GNU_SOURCE 1	/* accept4 */
#include "serve-priv.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sysexits.h>
#include <unistd.h>

#include "netstring.h"

#define SERVE_IN_MAX (RT_SOCKETMAP_REQ_MAX + 16)	/* one whole frame */
#define SERVE_OUT_MAX 8192
#define SERVE_FRAME_MAX (RT_SOCKETMAP_REPLY_MAX + 16)
#define SERVE_TICK_MS 1000
#define SERVE_PAUSE_MS 100	/* accepting paused while out of descriptors */
#define SERVE_RECHECK_MS 100	/* how often the table file is stat()ed */
#define SERVE_DRAIN_MS 2000
/* A request started must end within this: an MTA writes a request at
 * once, a slowloris client trickles it */
#define SERVE_REQUEST_MS 10000
/* With every connection taken, the longest-idle one is closed for a new
 * one if idle at least this long (an MTA reconnects when it needs to) */
#define SERVE_EVICT_IDLE_MS 1000
#define SERVE_WARN_EVERY_MS 60000	/* limit warnings, at most this often */
#define SERVE_FD_RESERVE 32	/* descriptors kept for the table, logs... */

struct serve_conn {
	struct serve_handle h;
	size_t idx;			/* in serve.conns */
	struct serve_conn *next_dead;	/* freed after the epoll batch */
	struct serve_client client;
	size_t inlen, outlen, outoff;
	uint32_t events;		/* the epoll events armed */
	uint64_t last_ms;		/* accepted, or last request answered */
	uint64_t started_ms;		/* the unanswered request's first byte */
	struct rt_policy_req pol;	/* policy connections */
	char in[SERVE_IN_MAX];
	char out[SERVE_OUT_MAX];
};

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

/* A limit warning, at most every SERVE_WARN_EVERY_MS. */
static void serve_warn(struct serve *s, uint64_t ms, const char *what)
{
	if (s->limit_logged_ms != 0 && ms - s->limit_logged_ms < SERVE_WARN_EVERY_MS)
		return;
	s->limit_logged_ms = ms;
	fprintf(stderr, "relaytab: warning: %s (so far: %llu refused, %llu evicted, "
		"%llu timed out)\n", what, (unsigned long long)s->refused,
		(unsigned long long)s->evicted, (unsigned long long)s->timed_out);
}

/* May a new connection of cl be served? Makes room by closing the
 * longest-idle connection when all are taken. */
static bool serve_admit(struct serve *s, const struct serve_client *cl, uint64_t ms)
{
	struct serve_conn *idlest = NULL;
	unsigned same = 0;

	for (size_t i = 0; i < s->nconns; i++) {
		struct serve_conn *c = s->conns[i];

		same += serve_same_client(&c->client, cl);
		if (c->inlen == 0 && c->pol.bytes == 0 && c->outlen == 0 &&
		    (idlest == NULL || c->last_ms < idlest->last_ms))
			idlest = c;
	}
	/* a per-client limit as large as the whole is no limit of its own */
	if (same >= s->conf->max_per_client && s->conf->max_per_client < s->conf->max_conns) {
		s->refused++;
		serve_warn(s, ms, "a client reached serve-max-per-client; refusing its new connections");
		return false;
	}
	if (s->nconns < s->conf->max_conns)
		return true;
	if (idlest != NULL && ms - idlest->last_ms >= SERVE_EVICT_IDLE_MS) {
		s->evicted++;
		serve_close(s, idlest, "evicted (all connections taken)");
		return true;
	}
	s->refused++;
	serve_warn(s, ms, "all serve-max-connections are busy; refusing connections");
	return false;
}

/* Out of descriptors (or memory): stop accepting for SERVE_PAUSE_MS, so
 * the listener does not spin, instead of refusing what waits in the
 * backlog. */
static void serve_pause(struct serve *s, uint64_t ms)
{
	char what[160];

	snprintf(what, sizeof(what), "accept: %s; pausing new connections",
		 strerror(errno));
	serve_warn(s, ms, what);
	serve_listen_arm(s, false);
	s->resume_ms = ms + SERVE_PAUSE_MS;
}

static void serve_accept(struct serve *s, const struct serve_handle *l)
{
	for (int n = 0; n < 64; n++) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN };
		uint64_t ms = rt_clock_ms();
		struct serve_client cl;
		struct serve_conn *c;

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM)
				serve_pause(s, ms);
			return;
		}
		serve_peer(s->diag, fd, l->tcp, &cl);
		if (!serve_admit(s, &cl, ms) || (c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		c->h = (struct serve_handle){ SERVE_CONN, fd, l->proto, l->tcp };
		c->idx = s->nconns;
		c->client = cl;
		c->events = EPOLLIN;
		c->last_ms = ms;
		ev.data.ptr = c;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			close(fd);
			free(c);
			continue;
		}
		s->conns[s->nconns++] = c;
	}
}

/* Count and log one answer. */
static void serve_count(struct serve *s, const char *req, size_t len,
			const char *reply, size_t rlen, bool hit, bool temp)
{
	s->requests++;
	s->hits += hit;
	s->temps += temp;
	if (s->verbose > 1)
		fprintf(stderr, "relaytab: \"%.*s\" -> \"%.*s\"\n",
			(int)len, req, (int)rlen, reply);
}

/* Answer every whole socketmap request in the input while the output has
 * room. Returns -1 (errno EINVAL or EMSGSIZE) if the connection must be
 * closed. */
static int serve_socketmap(struct serve *s, struct serve_conn *c)
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
		serve_count(s, req, len, reply, rlen,
			    rlen >= 3 && memcmp(reply, "OK ", 3) == 0,
			    rlen >= 5 && memcmp(reply, "TEMP ", 5) == 0);
		c->outlen += rt_netstring_encode(c->out + c->outlen,
						 SERVE_OUT_MAX - c->outlen, reply, rlen);
		off += used;
	}
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
	return r < 0 ? -1 : 0;
}

/* The same for policy requests: the parser takes every byte it is given
 * (it keeps what it needs), so only a request that ended while the output
 * was full leaves input behind. */
static int serve_policy(struct serve *s, struct serve_conn *c)
{
	size_t off = 0;
	int r = 0;

	while (off < c->inlen && SERVE_OUT_MAX - c->outlen >= RT_POLICY_REPLY_MAX) {
		struct rt_policy_query q;
		size_t used, rlen;
		char reply[RT_POLICY_REPLY_MAX];
		bool temp;

		r = rt_policy_feed(&c->pol, c->in + off, c->inlen - off, &used, &q);
		off += used;
		if (r <= 0)
			break;
		serve_table(s, rt_clock_ms());
		rlen = rt_policy_answer(&q, s->conf->policy_action, &s->lookup,
					s->t, rt_time_now(), reply);
		temp = strncmp(reply, "action=DEFER_IF_REJECT", 22) == 0;
		serve_count(s, "policy request", 14, reply, rlen - 2,
			    q.valid && !temp && strncmp(reply, "action=DUNNO", 12) != 0, temp);
		memcpy(c->out + c->outlen, reply, rlen);
		c->outlen += rlen;
	}
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
	return r < 0 ? -1 : 0;
}

/* Answer what can be answered; keep the request deadline and the idle
 * clock. Returns -1 (errno EINVAL or EMSGSIZE) if the connection must be
 * closed. */
static int serve_requests(struct serve *s, struct serve_conn *c)
{
	uint64_t before = s->requests;
	int r = c->h.proto == SERVE_POLICY ? serve_policy(s, c) : serve_socketmap(s, c);
	uint64_t ms = rt_clock_ms();

	if (s->requests != before)
		c->last_ms = ms;
	if (c->inlen == 0 && c->pol.bytes == 0)
		c->started_ms = 0;
	else if (c->started_ms == 0 || s->requests != before)
		c->started_ms = ms;
	return r;
}

static void serve_bad(struct serve *s, struct serve_conn *c)
{
	s->dropped++;
	serve_close(s, c, errno == EMSGSIZE ? "request too long" :
		    c->h.proto == SERVE_POLICY ? "malformed policy request" :
		    "malformed netstring");
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
	serve_want(s, c);
}

/* Close the connections idle past serve-idle-timeout, and those whose
 * started request did not end within SERVE_REQUEST_MS (slowloris). */
static void serve_idle(struct serve *s, uint64_t ms)
{
	uint64_t limit = (uint64_t)s->conf->idle_timeout * 1000;

	for (size_t i = s->nconns; i-- > 0;) {
		struct serve_conn *c = s->conns[i];

		if (c->started_ms != 0 && ms - c->started_ms > SERVE_REQUEST_MS) {
			s->timed_out++;
			serve_close(s, c, "request not completed in time");
		} else if (c->started_ms == 0 && c->outlen == 0 &&
			   ms - c->last_ms > limit) {
			serve_close(s, c, "idle timeout");
		}
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
		/* the sockets are open (and the paths serve removes at exit
		   point into these strings), the connection table is sized */
		free(next.socket_path);
		free(next.policy_socket);
		next.socket_path = s->conf->socket_path;
		next.policy_socket = s->conf->policy_socket;
		s->conf->socket_path = s->conf->policy_socket = NULL;
		next.max_conns = s->conf->max_conns;
		rt_serve_conf_free(s->conf);
		*s->conf = next;
		serve_apply(s);
		fprintf(stderr, "relaytab: re-read the configuration "
			"(socket settings and serve-max-connections apply at restart)\n");
	}
	return stop;
}

/* Every connection takes a descriptor: raise the soft limit to the hard
 * one, and serve no more connections than it leaves room for (accept
 * would fail with EMFILE; serve_pause handles that too, but a connection
 * refused up front is an MTA's clean retry, not a wait). */
static void serve_fd_limit(struct serve *s)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)s->conf->max_conns + SERVE_FD_RESERVE > rl.rlim_cur) {
		unsigned max = rl.rlim_cur > SERVE_FD_RESERVE + 1 ?
			(unsigned)(rl.rlim_cur - SERVE_FD_RESERVE) : 1;

		fprintf(stderr, "relaytab: warning: serve-max-connections %u is above "
			"what the descriptor limit (%llu) allows; serving at most %u\n",
			s->conf->max_conns, (unsigned long long)rl.rlim_cur, max);
		s->conf->max_conns = max;
	}
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
	serve_fd_limit(s);
	if (serve_listen_open(s) != 0)
		return -1;
	for (size_t i = 0; i < s->nlisten; i++) {
		if (s->lis[i].tcp && s->diag < 0 && (s->diag = serve_peer_open()) < 0)
			fprintf(stderr, "relaytab: warning: no socket diagnostics (%s): "
				"TCP clients on loopback are told apart by address only\n",
				strerror(errno));
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

	serve_listen_close(s);
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
			   .verbose = verbose, .ep = -1, .diag = -1,
			   .sig = { SERVE_SIGNALS, -1 } };
	struct epoll_event evs[64];
	char where[1024];
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
	serve_listen_describe(&s, where, sizeof(where));
	fprintf(stderr, "relaytab: serving %s (maps \"%s\", grace %us) on %s\n",
		table_path, conf->names, conf->base.grace, where);
	while (!stop) {
		int n = epoll_wait(s.ep, evs, 64, s.paused ? SERVE_PAUSE_MS : SERVE_TICK_MS);
		uint64_t ms;

		if (n < 0 && errno != EINTR) {
			serve_fail("epoll_wait", "failed");
			status = EX_OSERR;
			break;
		}
		for (int k = 0; k < n; k++) {
			struct serve_handle *h = evs[k].data.ptr;

			if (h->kind == SERVE_LISTENER) {
				serve_accept(&s, h);
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
		if (s.paused && ms >= s.resume_ms)
			serve_listen_arm(&s, true);
		if (ms - tick >= SERVE_TICK_MS) {
			tick = ms;
			serve_idle(&s, ms);
			serve_bury(&s);
			serve_table(&s, ms);
		}
	}
	serve_drain(&s);
	fprintf(stderr, "relaytab: serve stopped (%llu requests, %llu OK, %llu TEMP, "
		"%llu connections dropped for bad input, %llu refused, %llu evicted, "
		"%llu timed out)\n",
		(unsigned long long)s.requests, (unsigned long long)s.hits,
		(unsigned long long)s.temps, (unsigned long long)s.dropped,
		(unsigned long long)s.refused, (unsigned long long)s.evicted,
		(unsigned long long)s.timed_out);
out:
	serve_listen_close(&s);
	free(s.conns);
	rt_table_close(&s.t);
	rt_lookup_free(&s.lookup);
	if (s.ep >= 0)
		close(s.ep);
	if (s.sig.fd >= 0)
		close(s.sig.fd);
	if (s.diag >= 0)
		close(s.diag);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
	return status;
}
