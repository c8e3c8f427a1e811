/* serve-peer.c - who is on the other end of a connection, for serve's
 * per-client limit: the uid of a unix-socket client (SO_PEERCRED), and of
 * a TCP client on loopback (the kernel's socket diagnostics, as "ss -e"
 * shows it: every local user shares 127.0.0.1, so the address alone would
 * let one user's connections crowd out the MTA's); a remote TCP client is
 * its address. */
#define _GNU_SOURCE 1	/* struct ucred */
#include "serve-priv.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define SERVE_DIAG_TIMEOUT_US 100000	/* the kernel answers at once */

int serve_peer_open(void)
{
	struct timeval tv = { 0, SERVE_DIAG_TIMEOUT_US };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (fd >= 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* The owner of the socket at the other end of a loopback TCP connection:
 * the socket whose source is our peer and whose destination is us. */
static int serve_loopback_uid(int diag, const union serve_addr *peer,
			      const union serve_addr *self, uid_t *uid)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} q;
	union {
		struct nlmsghdr nlh;
		char buf[1024];
	} a;
	const struct inet_diag_msg *m;
	ssize_t n;

	memset(&q, 0, sizeof(q));
	q.nlh.nlmsg_len = sizeof(q);
	q.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	q.nlh.nlmsg_flags = NLM_F_REQUEST;
	q.req.sdiag_family = (uint8_t)peer->sa.sa_family;
	q.req.sdiag_protocol = IPPROTO_TCP;
	q.req.idiag_states = ~0U;
	q.req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	q.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (peer->sa.sa_family == AF_INET) {
		q.req.id.idiag_sport = peer->in.sin_port;
		q.req.id.idiag_dport = self->in.sin_port;
		memcpy(q.req.id.idiag_src, &peer->in.sin_addr, 4);
		memcpy(q.req.id.idiag_dst, &self->in.sin_addr, 4);
	} else {
		q.req.id.idiag_sport = peer->in6.sin6_port;
		q.req.id.idiag_dport = self->in6.sin6_port;
		memcpy(q.req.id.idiag_src, &peer->in6.sin6_addr, 16);
		memcpy(q.req.id.idiag_dst, &self->in6.sin6_addr, 16);
	}
	if (send(diag, &q, sizeof(q), 0) < 0)	/* unaddressed: to the kernel */
		return -1;
	n = recv(diag, &a, sizeof(a), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(*m)) || a.nlh.nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    a.nlh.nlmsg_len > (size_t)n || a.nlh.nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return -1;
	m = NLMSG_DATA(&a.nlh);
	if (m->id.idiag_sport != q.req.id.idiag_sport ||
	    m->id.idiag_dport != q.req.id.idiag_dport)
		return -1;
	*uid = (uid_t)m->idiag_uid;
	return 0;
}

void serve_peer(int diag, int fd, bool tcp, struct serve_client *cl)
{
	memset(cl, 0, sizeof(*cl));
	if (tcp) {
		union serve_addr peer, self;
		socklen_t plen = sizeof(peer), slen = sizeof(self);

		if (getpeername(fd, &peer.sa, &plen) != 0 ||
		    getsockname(fd, &self.sa, &slen) != 0)
			return;		/* all such clients count as one */
		if (diag >= 0 && rt_serve_is_loopback(&peer.sa) &&
		    peer.sa.sa_family == self.sa.sa_family &&
		    serve_loopback_uid(diag, &peer, &self, &cl->uid) == 0)
			return;		/* a local user, as on the unix socket */
		cl->by_addr = true;
		if (peer.sa.sa_family == AF_INET)
			rt_addr_from_v4(&cl->addr, (const uint8_t *)&peer.in.sin_addr.s_addr);
		else if (peer.sa.sa_family == AF_INET6)
			rt_addr_from_v6(&cl->addr, peer.in6.sin6_addr.s6_addr);
	} else {
		struct ucred cr;
		socklen_t len = sizeof(cr);

		cl->uid = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 ?
			cr.uid : (uid_t)-1;
	}
}

bool serve_same_client(const struct serve_client *a, const struct serve_client *b)
{
	return a->by_addr == b->by_addr &&
		(a->by_addr ? memcmp(&a->addr, &b->addr, sizeof(a->addr)) == 0
			: a->uid == b->uid);
}
