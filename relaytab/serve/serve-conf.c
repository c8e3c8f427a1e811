/* serve-conf.c - relaytab serve's settings: one setter, by key in
 * /etc/relaytab.conf, for its serve-* keys and those it shares with the
 * compiler (cli/settings.c maps the command line's options to the keys). */
#include "serve.h"

#include "conf-file.h"
#include "policy.h"

#include <ctype.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

void rt_serve_conf_init(struct rt_serve_conf *c)
{
	memset(c, 0, sizeof(*c));
	rt_compile_conf_init(&c->base);
	c->socket_mode = 0660;
	c->max_conns = 1000;
	c->max_per_client = 500;
	c->idle_timeout = RT_SERVE_IDLE_DEFAULT;
}

void rt_serve_conf_free(struct rt_serve_conf *c)
{
	rt_compile_conf_free(&c->base);
	free(c->socket_path);
	free(c->socket_group);
	free(c->listen);
	free(c->policy_socket);
	free(c->policy_listen);
	free(c->policy_action);
	free(c->names);
	free(c->value);
	memset(c, 0, sizeof(*c));
}

static int serve_uint(const char *key, const char *value, unsigned min,
		      unsigned max, unsigned *out, struct rt_err *err)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(value, &end, 10);
	if (!isdigit((unsigned char)value[0]) || *end != '\0' || errno != 0 ||
	    n < min || n > max)
		return rt_err_fail(err, EINVAL, "invalid %s \"%s\" (%u..%u)",
				   key, value, min, max);
	*out = (unsigned)n;
	return 0;
}

static bool serve_printable(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	}
	return true;
}

int rt_serve_conf_set(void *conf, const char *key, const char *value,
		      struct rt_err *err)
{
	struct rt_serve_conf *c = conf;
	char *end;

	if (strcmp(key, "serve-socket") == 0)
		return rt_conf_set_string(&c->socket_path, value, err);
	if (strcmp(key, "serve-socket-mode") == 0) {
		unsigned long m = strtoul(value, &end, 8);

		if (*value == '\0' || *end != '\0' || m > 0777)
			return rt_err_fail(err, EINVAL,
					   "invalid serve-socket-mode \"%s\" (octal, e.g. 0660)", value);
		c->socket_mode = (mode_t)m;
		return 0;
	}
	if (strcmp(key, "serve-socket-group") == 0)
		return rt_conf_set_string(&c->socket_group, value, err);
	if (strcmp(key, "serve-listen") == 0)
		return rt_conf_set_string(&c->listen, value, err);
	if (strcmp(key, "serve-policy-socket") == 0)
		return rt_conf_set_string(&c->policy_socket, value, err);
	if (strcmp(key, "serve-policy-listen") == 0)
		return rt_conf_set_string(&c->policy_listen, value, err);
	if (strcmp(key, "serve-policy-action") == 0) {
		if (!rt_policy_action_ok(value))
			return rt_err_fail(err, EINVAL,
					   "invalid serve-policy-action \"%s\" (an access(5) action: 1..%d printable characters, e.g. OK or PERMIT)",
					   value, RT_POLICY_ACTION_MAX);
		return rt_conf_set_string(&c->policy_action, value, err);
	}
	if (strcmp(key, "serve-allow-remote") == 0) {
		if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
			return rt_err_fail(err, EINVAL,
					   "invalid serve-allow-remote \"%s\" (yes or no)", value);
		c->allow_remote = strcmp(value, "yes") == 0;
		return 0;
	}
	if (strcmp(key, "serve-names") == 0) {
		if (*value == '\0' || !serve_printable(value))
			return rt_err_fail(err, EINVAL, "invalid serve-names \"%s\"", value);
		return rt_conf_set_string(&c->names, value, err);
	}
	if (strcmp(key, "serve-value") == 0) {
		if (*value == '\0' || strlen(value) > 64 || !serve_printable(value))
			return rt_err_fail(err, EINVAL,
					   "invalid serve-value (1..64 printable characters)");
		return rt_conf_set_string(&c->value, value, err);
	}
	if (strcmp(key, "serve-max-connections") == 0)
		return serve_uint(key, value, 1, 1000000, &c->max_conns, err);
	if (strcmp(key, "serve-max-per-client") == 0)
		return serve_uint(key, value, 1, 1000000, &c->max_per_client, err);
	if (strcmp(key, "serve-idle-timeout") == 0)
		return serve_uint(key, value, 1, 86400, &c->idle_timeout, err);
	if (strncmp(key, "serve-", 6) == 0)
		return rt_err_fail(err, EINVAL, "unknown setting \"%s\"", key);
	/* the settings serve shares with the compiler (table, grace,
	   exclude, ipv6-prefix, max-users-per-address: cli/settings.c
	   passes no others) */
	return rt_compile_conf_set(&c->base, key, value, err);
}

bool rt_serve_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(a) ||
			(IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}

int rt_serve_listen_addr(const char *spec, bool allow_remote,
			 struct addrinfo **ai_r, struct rt_err *err)
{
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	char host[128];
	size_t hlen;
	int r;

	if (colon == NULL || colon == spec || colon[1] == '\0' ||
	    (size_t)(colon - spec) >= sizeof(host))
		return rt_err_fail(err, EINVAL, "invalid serve-listen \"%s\" (want HOST:PORT)", spec);
	hlen = (size_t)(colon - spec);
	if (spec[0] == '[' && hlen >= 2 && spec[hlen - 1] == ']') {
		memcpy(host, spec + 1, hlen - 2);
		host[hlen - 2] = '\0';
	} else {
		memcpy(host, spec, hlen);
		host[hlen] = '\0';
	}
	if ((r = getaddrinfo(host, colon + 1, &hints, ai_r)) != 0)
		return rt_err_fail(err, EINVAL, "invalid serve-listen \"%s\": %s", spec,
				   gai_strerror(r));
	if (!allow_remote && !rt_serve_is_loopback((*ai_r)->ai_addr)) {
		freeaddrinfo(*ai_r);
		*ai_r = NULL;
		return rt_err_fail(err, EINVAL,
				   "%s is not a loopback address: the protocol has no authentication (use the unix socket or 127.0.0.1 / [::1], or set serve-allow-remote = yes and firewall it)",
				   spec);
	}
	return 0;
}

int rt_serve_conf_finish(struct rt_serve_conf *c, struct rt_err *err)
{
	struct rt_err nerr;
	struct addrinfo *ai;

	if (c->socket_path == NULL &&
	    rt_conf_set_string(&c->socket_path, RT_SERVE_SOCKET_DEFAULT, err) != 0)
		return -1;
	if (c->names == NULL && rt_conf_set_string(&c->names, "relay,relaytab", err) != 0)
		return -1;
	if (c->value == NULL && rt_conf_set_string(&c->value, "OK", err) != 0)
		return -1;
	if (c->policy_action == NULL && rt_conf_set_string(&c->policy_action, "OK", err) != 0)
		return -1;
	if (*c->socket_path == '\0' && !rt_serve_set(c->listen) &&
	    !rt_serve_set(c->policy_socket) && !rt_serve_set(c->policy_listen))
		return rt_err_fail(err, EINVAL, "nothing to listen on (serve-socket, serve-listen, serve-policy-socket and serve-policy-listen are all empty)");
	for (int i = 0; i < 2; i++) {
		const char *spec = i == 0 ? c->listen : c->policy_listen;

		if (!rt_serve_set(spec))
			continue;
		if (rt_serve_listen_addr(spec, c->allow_remote, &ai, err) != 0)
			return -1;
		freeaddrinfo(ai);
	}
	rt_netlist_free(&c->base.exclude);
	if (rt_serve_set(c->base.exclude_text) &&
	    rt_netlist_parse(c->base.exclude_text, &c->base.exclude, &nerr) != 0)
		return rt_err_fail(err, EINVAL, "exclude: %s", nerr.msg);
	return 0;
}
