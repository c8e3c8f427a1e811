/* serve-listen.c - the listening sockets of "relaytab serve": unix sockets
 * created atomically with their mode and group, TCP addresses (loopback
 * unless serve-allow-remote), and the sockets systemd passed (then the
 * configured TCP addresses it did not pass are opened too; the socket unit
 * owns the unix sockets); each speaks the socketmap or the policy protocol. */
#include "serve-priv.h"

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "group.h"

/* The kernel's maximum (net.core.somaxconn): an MTA connects without
 * waiting, so a full backlog is a failed lookup (4xx) for it */
#define SERVE_BACKLOG SOMAXCONN

int serve_fail(const char *what, const char *arg)
{
	fprintf(stderr, "relaytab: error: %s %s: %s\n", what, arg, strerror(errno));
	return -1;
}

static void serve_add_listener(struct serve *s, int fd, enum serve_proto proto,
			       bool tcp)
{
	s->lis[s->nlisten++] = (struct serve_handle){ SERVE_LISTENER, fd, proto, tcp };
}

/* Create a unix socket under a temporary name with its mode and group,
 * then rename it over path: clients never see a socket with the wrong
 * permissions, and a stale socket is replaced. A path that exists and is
 * not a socket is refused. */
static int serve_unix(struct serve *s, const char *path, enum serve_proto proto)
{
	union serve_addr addr = { .un = { .sun_family = AF_UNIX } };
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
	if (rt_serve_set(s->conf->socket_group)) {
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
	if (stat(path, &st) == 0)
		s->own[s->nown++] = (struct serve_own_socket){ path, st.st_dev, st.st_ino };
	serve_add_listener(s, fd, proto, false);
	return 0;
fail:
	(void)unlink(tmp);
	close(fd);
	return -1;
}

/* Listen on a TCP address (checked when the settings were read). */
static int serve_tcp(struct serve *s, const char *spec, enum serve_proto proto)
{
	struct addrinfo *ai;
	struct rt_err err;
	int fd, one = 1;

	if (rt_serve_listen_addr(spec, s->conf->allow_remote, &ai, &err) != 0) {
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
	serve_add_listener(s, fd, proto, true);
	return 0;
}

/* The i-th name of LISTEN_FDNAMES ("a:b:c"), into buf. */
static void serve_fdname(const char *names, long i, char *buf, size_t size)
{
	buf[0] = '\0';
	for (; names != NULL && i > 0; i--) {
		names = strchr(names, ':');
		if (names != NULL)
			names++;
	}
	if (names != NULL) {
		size_t len = strcspn(names, ":");

		snprintf(buf, size, "%.*s", (int)len, names);
	}
}

/* Sockets passed by systemd (LISTEN_PID, LISTEN_FDS; fds from 3). */
static size_t serve_systemd(struct serve *s)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	const char *names = getenv("LISTEN_FDNAMES");
	long n;

	if (pid == NULL || fds == NULL || atol(pid) != (long)getpid())
		return 0;
	n = atol(fds);
	for (long i = 0; i < n && s->nlisten < SERVE_LISTEN_MAX; i++) {
		int fd = 3 + (int)i;
		union serve_addr addr;
		socklen_t alen = sizeof(addr);
		char name[64];

		serve_fdname(names, i, name, sizeof(name));
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		if (getsockname(fd, &addr.sa, &alen) != 0)
			addr.sa.sa_family = AF_UNSPEC;
		serve_add_listener(s, fd,
				   strcmp(name, "policy") == 0 ? SERVE_POLICY : SERVE_SOCKETMAP,
				   addr.sa.sa_family == AF_INET || addr.sa.sa_family == AF_INET6);
	}
	s->activated = s->nlisten > 0;
	s->npassed = s->nlisten;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return s->nlisten;
}

/* Is a listener passed by systemd bound where spec (a unix path, or a TCP
 * HOST:PORT) says? */
static bool serve_passed(const struct serve *s, const char *spec, bool tcp)
{
	struct addrinfo *ai = NULL;
	struct rt_err err;
	bool found = false;

	if (tcp && rt_serve_listen_addr(spec, true, &ai, &err) != 0)
		return false;
	for (size_t i = 0; i < s->nlisten && !found; i++) {
		union serve_addr a;
		socklen_t alen = sizeof(a);

		if (s->lis[i].tcp != tcp || getsockname(s->lis[i].fd, &a.sa, &alen) != 0)
			continue;
		if (!tcp)
			found = a.sa.sa_family == AF_UNIX &&
				strncmp(a.un.sun_path, spec, sizeof(a.un.sun_path)) == 0;
		else
			found = alen == ai->ai_addrlen && memcmp(&a, ai->ai_addr, alen) == 0;
	}
	if (ai != NULL)
		freeaddrinfo(ai);
	return found;
}

int serve_listen_open(struct serve *s)
{
	const struct rt_serve_conf *c = s->conf;
	const struct {
		const char *spec, *key;
		bool tcp;
		enum serve_proto proto;
	} want[] = {
		{ c->socket_path, "serve-socket", false, SERVE_SOCKETMAP },
		{ c->listen, "serve-listen", true, SERVE_SOCKETMAP },
		{ c->policy_socket, "serve-policy-socket", false, SERVE_POLICY },
		{ c->policy_listen, "serve-policy-listen", true, SERVE_POLICY },
	};
	bool activated = serve_systemd(s) > 0;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!rt_serve_set(want[i].spec) || (activated && serve_passed(s, want[i].spec, want[i].tcp)))
			continue;
		if (activated && !want[i].tcp) {
			/* the socket unit owns the unix sockets (their path,
			 * owner and mode); the default path is no request */
			if (strcmp(want[i].key, "serve-socket") != 0 ||
			    strcmp(want[i].spec, RT_SERVE_SOCKET_DEFAULT) != 0)
				fprintf(stderr, "relaytab: warning: %s %s is not opened: "
					"systemd passed the sockets (put it in the socket unit)\n",
					want[i].key, want[i].spec);
			continue;
		}
		if (s->nlisten == SERVE_LISTEN_MAX) {
			fprintf(stderr, "relaytab: error: more than %d listening sockets\n",
				SERVE_LISTEN_MAX);
			return -1;
		}
		if ((want[i].tcp ? serve_tcp(s, want[i].spec, want[i].proto)
				 : serve_unix(s, want[i].spec, want[i].proto)) != 0)
			return -1;
	}
	return 0;
}

/* What serve listens on, from the sockets themselves: "PATH", "HOST:PORT",
 * "[HOST]:PORT", each with " (policy)" for the policy protocol and
 * " (systemd)" if passed by systemd. */
void serve_listen_describe(const struct serve *s, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->nlisten && len < size; i++) {
		union serve_addr a;
		socklen_t alen = sizeof(a);
		char host[INET6_ADDRSTRLEN] = "?", where[sizeof(a.un.sun_path) + 64];

		memset(&a, 0, sizeof(a));
		if (getsockname(s->lis[i].fd, &a.sa, &alen) != 0)
			a.sa.sa_family = AF_UNSPEC;
		if (a.sa.sa_family == AF_UNIX)
			snprintf(where, sizeof(where), "%.*s", (int)sizeof(a.un.sun_path),
				 a.un.sun_path);
		else if (a.sa.sa_family == AF_INET)
			snprintf(where, sizeof(where), "%s:%u",
				 inet_ntop(AF_INET, &a.in.sin_addr, host, sizeof(host)) ? host : "?",
				 (unsigned)ntohs(a.in.sin_port));
		else if (a.sa.sa_family == AF_INET6)
			snprintf(where, sizeof(where), "[%s]:%u",
				 inet_ntop(AF_INET6, &a.in6.sin6_addr, host, sizeof(host)) ? host : "?",
				 (unsigned)ntohs(a.in6.sin6_port));
		else
			snprintf(where, sizeof(where), "descriptor %d", s->lis[i].fd);
		len += (size_t)snprintf(buf + len, size - len, "%s%s%s%s", len ? " and " : "",
					where, s->lis[i].proto == SERVE_POLICY ? " (policy)" : "",
					i < s->npassed ? " (systemd)" : "");
	}
}

void serve_listen_arm(struct serve *s, bool on)
{
	for (size_t i = 0; i < s->nlisten; i++) {
		struct epoll_event ev = { .events = on ? EPOLLIN : 0,
					  .data.ptr = &s->lis[i] };

		(void)epoll_ctl(s->ep, EPOLL_CTL_MOD, s->lis[i].fd, &ev);
	}
	s->paused = !on;
}

void serve_listen_close(struct serve *s)
{
	struct stat st;

	for (size_t i = 0; i < s->nlisten; i++)
		close(s->lis[i].fd);
	s->nlisten = 0;
	/* only the sockets serve made: not one a newer instance put there */
	for (size_t i = 0; i < s->nown; i++) {
		if (stat(s->own[i].path, &st) == 0 && st.st_dev == s->own[i].dev &&
		    st.st_ino == s->own[i].ino)
			(void)unlink(s->own[i].path);
	}
	s->nown = 0;
}
