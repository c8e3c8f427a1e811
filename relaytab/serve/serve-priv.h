/* serve-priv.h - what the parts of "relaytab serve" share: the listening
 * sockets (serve-listen.c), who a client is (serve-peer.c) and the event
 * loop with its connections (serve-loop.c). Private to them. */
#ifndef RELAYTAB_SERVE_PRIV_H
#define RELAYTAB_SERVE_PRIV_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "lookup.h"
#include "policy.h"
#include "serve.h"
#include "socketmap.h"

#define SERVE_LISTEN_MAX 8

enum serve_kind { SERVE_LISTENER, SERVE_SIGNALS, SERVE_CONN };
enum serve_proto { SERVE_SOCKETMAP, SERVE_POLICY };

/* What an epoll event points at: a listener, the signalfd, or a
 * connection (which starts with one). */
struct serve_handle {
	enum serve_kind kind;
	int fd;
	enum serve_proto proto;		/* listeners and connections */
	bool tcp;			/* listeners: clients by address */
};

/* Any socket address serve meets (getsockname, getpeername, bind). */
union serve_addr {
	struct sockaddr sa;
	struct sockaddr_un un;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};

/* A unix socket serve made, to remove at exit if it is still ours. */
struct serve_own_socket {
	const char *path;
	dev_t dev;
	ino_t ino;
};

/* Who a connection comes from, for the per-client limit: a uid (unix
 * sockets, and TCP on loopback) or, for a remote TCP client, its address. */
struct serve_client {
	bool by_addr;
	uid_t uid;
	struct rt_addr addr;
};

struct serve_conn;

struct serve {
	struct rt_serve_conf *conf;
	const char *table_path;
	int verbose;
	int ep;
	struct serve_handle sig;
	struct serve_handle lis[SERVE_LISTEN_MAX];
	size_t nlisten;
	bool paused;			/* listeners disarmed (out of fds) */
	uint64_t resume_ms;
	struct serve_own_socket own[2];
	size_t nown;
	bool activated;			/* sockets passed by systemd */
	size_t npassed;			/* lis[0..npassed) came from systemd */
	int diag;			/* NETLINK_SOCK_DIAG, or -1 */
	struct serve_conn *dead;
	struct serve_conn **conns;	/* max_conns slots */
	size_t nconns;
	struct rt_table *t;
	char why[RT_ERR_MAX + 32];
	uint64_t checked_ms, open_tried_ms;
	struct rt_lookup lookup;
	struct rt_socketmap sm;
	uint64_t requests, hits, temps, refused, dropped, evicted, timed_out;
	uint64_t limit_logged_ms;	/* rate limit of the limit warnings */
};

/* Report errno for what/arg on stderr; returns -1. */
int serve_fail(const char *what, const char *arg);

/* A socket for serve_peer() to ask the kernel who owns the other end of a
 * loopback TCP connection, or -1 (serve_peer then uses the address). */
int serve_peer_open(void);
/* Who is on the other end of fd (accepted on a TCP listener or not). */
void serve_peer(int diag, int fd, bool tcp, struct serve_client *cl);
bool serve_same_client(const struct serve_client *a, const struct serve_client *b);

/* Open the listeners: those systemd passed (LISTEN_FDS; a socket named
 * "policy" by FileDescriptorName= speaks the policy protocol), or else
 * the configured unix sockets and TCP addresses. Returns 0 or -1. */
int serve_listen_open(struct serve *s);
/* A text naming what serve listens on, for its start line. */
void serve_listen_describe(const struct serve *s, char *buf, size_t size);
/* Arm (true) or disarm the listeners in epoll. */
void serve_listen_arm(struct serve *s, bool on);
/* Close the listeners and remove the unix sockets serve made. */
void serve_listen_close(struct serve *s);

#endif
