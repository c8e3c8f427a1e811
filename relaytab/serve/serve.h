/* serve.h - "relaytab serve": its settings and its event loop. The
 * protocol logic is in socketmap.h and lookup.h (library); this is the
 * daemon around them (sockets, epoll, signals), part of the command. */
#ifndef RELAYTAB_SERVE_H
#define RELAYTAB_SERVE_H

#include <stdbool.h>
#include <sys/types.h>

#include "compile.h"

struct addrinfo;
struct sockaddr;

#define RT_SERVE_SOCKET_DEFAULT "/run/relaytab/socketmap"
/* The default idle timeout, fitted to the MTAs (their source: see
 * relaytab(8), serve-idle-timeout): Postfix closes an idle socketmap
 * connection after 10 s and an idle policy connection after 300 s, and
 * retries a lookup once on a fresh connection; Sendmail keeps one
 * connection per SMTP session with no idle limit and does not retry (a
 * lookup on a connection serve closed fails once). So serve waits longer
 * than both: Postfix always closes first, and a Sendmail session may
 * pause 5 minutes between commands. */
#define RT_SERVE_IDLE_DEFAULT 330

struct rt_serve_conf {
	/* the settings shared with the compiler: table, grace, exclude,
	   ipv6-prefix (outputs, mode and sendmail-tag are ignored) */
	struct rt_compile_conf base;
	char *socket_path;	/* serve-socket; "" = no unix socket */
	mode_t socket_mode;	/* serve-socket-mode, default 0660 */
	char *socket_group;	/* serve-socket-group, NULL = the process's */
	char *listen;		/* serve-listen "HOST:PORT", NULL = none */
	char *policy_socket;	/* serve-policy-socket, NULL/"" = none */
	char *policy_listen;	/* serve-policy-listen "HOST:PORT" */
	char *policy_action;	/* serve-policy-action, default "OK" */
	bool allow_remote;	/* serve-allow-remote: TCP beyond loopback */
	char *names;		/* serve-names, default "relay,relaytab" */
	char *value;		/* serve-value, default "OK" */
	unsigned max_conns;	/* serve-max-connections, default 1000 */
	unsigned max_per_client; /* serve-max-per-client, default 500 (no
				   limit of its own at max_conns or above): by
				   uid on a unix socket and on loopback TCP, by
				   address on other TCP */
	unsigned idle_timeout;	/* serve-idle-timeout seconds, default 330 */
};

void rt_serve_conf_init(struct rt_serve_conf *c);
void rt_serve_conf_free(struct rt_serve_conf *c);
/* Set one setting by its key: the serve-* keys, and table, grace, exclude
 * and ipv6-prefix (as in rt_compile_conf_set()). */
int rt_serve_conf_set(void *conf, const char *key, const char *value,
		      struct rt_err *err);
/* Parse the exclude list, check the whole. */
int rt_serve_conf_finish(struct rt_serve_conf *c, struct rt_err *err);
/* The address of a serve-listen or serve-policy-listen setting:
 * "127.0.0.1:10027", "[::1]:10027" (numeric; loopback only unless
 * allow_remote: the protocols have no authentication). Returns 0 with
 * *ai_r (freeaddrinfo it), or -1 with err. */
int rt_serve_listen_addr(const char *spec, bool allow_remote,
			 struct addrinfo **ai_r, struct rt_err *err);
/* Is a string setting given (not unset, not empty)? */
static inline bool rt_serve_set(const char *value)
{
	return value != NULL && *value != '\0';
}
/* Is sa a loopback address: 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104? */
bool rt_serve_is_loopback(const struct sockaddr *sa);

/* Run the server until SIGTERM/SIGINT. reload(context, conf_r) is called
 * on SIGHUP to read the settings again (0 = use *conf_r). verbose: 0 quiet,
 * 1 connections and errors, 2 every request. Returns a sysexits code. */
typedef int rt_serve_reload_fn(void *context, struct rt_serve_conf *conf_r);
int rt_serve_run(const char *table_path, struct rt_serve_conf *conf,
		 int verbose, rt_serve_reload_fn *reload, void *context);

#endif
