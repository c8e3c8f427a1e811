/* policy.h - the Postfix policy delegation protocol of "relaytab serve"
 * (SMTPD_POLICY_README), without any I/O: attribute lines "name=value\n"
 * in, ended by an empty line; one reply "action=...\n\n" out.
 *
 * The answer comes from the request's full client_address (Postfix sends
 * it whole, so no cut-down lookups happen) by the relay rule (lookup.h):
 * action=OK (or the configured action) for a client with a live grant,
 * action=DUNNO otherwise - also for a request that is not
 * smtpd_access_policy or has no usable client_address (missing, repeated,
 * overlong, not an address) - and action=DEFER_IF_REJECT while the table
 * cannot be read, so a relay attempt is deferred (4xx), not refused, and
 * other mail is not held up. The parser keeps only what it needs: a line
 * longer than RT_POLICY_LINE_MAX is skipped past, but a request over
 * RT_POLICY_REQ_MAX bytes or RT_POLICY_ATTRS_MAX lines, or one with a NUL
 * byte or a line without '=', is a protocol error (the connection is
 * closed: Postfix then applies its smtpd_policy_service_default_action). */
#ifndef RELAYTAB_POLICY_H
#define RELAYTAB_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lookup.h"
#include "table.h"

#define RT_POLICY_LINE_MAX 512		/* longest line kept */
#define RT_POLICY_REQ_MAX 65536		/* longest request */
#define RT_POLICY_ATTRS_MAX 256		/* most lines in a request */
#define RT_POLICY_REPLY_MAX 300		/* room for any reply */
#define RT_POLICY_ACTION_MAX 100	/* longest configured action */

/* One request being read. Zero it to start; rt_policy_feed() resets it
 * after each whole request. */
struct rt_policy_req {
	size_t bytes, lines, linelen;
	bool overlong;			/* the current line is being skipped */
	bool is_access;			/* request=smtpd_access_policy seen */
	int requests_seen, clients_seen;
	bool client_ok;			/* the one client_address parsed */
	struct rt_addr client;
	char line[RT_POLICY_LINE_MAX];
};

/* What a whole request says, for rt_policy_answer(). */
struct rt_policy_query {
	bool valid;			/* an access request, one good address */
	struct rt_addr client;
};

/* Consume bytes of buf[0..len) into r. Returns 1 when a whole request
 * ended (*used: the bytes it took; *q: what it asked; r is reset), 0 when
 * all of buf was taken and more is needed (*used = len), or -1 with errno
 * EMSGSIZE (over a limit) or EINVAL (a NUL byte, a line without '=');
 * *used is then len. */
int rt_policy_feed(struct rt_policy_req *r, const char *buf, size_t len,
		   size_t *used, struct rt_policy_query *q);

/* The reply to q at time now ("action=...\n\n"), from the table t (NULL
 * when it cannot be used). action is the text after "action=" for a
 * client that may relay (e.g. "OK"). Returns its length in reply. */
size_t rt_policy_answer(const struct rt_policy_query *q, const char *action,
			struct rt_lookup *lk, struct rt_table *t, uint32_t now,
			char reply[RT_POLICY_REPLY_MAX]);

/* True if text may be a configured action: 1..RT_POLICY_ACTION_MAX
 * printable ASCII characters, starting with a letter. */
bool rt_policy_action_ok(const char *text);

#endif
