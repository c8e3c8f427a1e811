/* policy.c - Postfix policy delegation requests and replies (policy.h). */
#include "policy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define ACCESS_REQUEST "smtpd_access_policy"

/* One whole line of r (without its '\n'): note what it says. */
static int policy_line(struct rt_policy_req *r)
{
	const char *eq = memchr(r->line, '=', r->linelen);
	size_t nlen = eq != NULL ? (size_t)(eq - r->line) : 0;
	const char *value = eq != NULL ? eq + 1 : NULL;
	size_t vlen = eq != NULL ? r->linelen - nlen - 1 : 0;

	if (eq == NULL)		/* an overlong name: nothing relaytab reads */
		return r->overlong ? 0 : -1;
	if (nlen == 7 && memcmp(r->line, "request", 7) == 0) {
		r->requests_seen++;
		r->is_access = !r->overlong && vlen == strlen(ACCESS_REQUEST) &&
			memcmp(value, ACCESS_REQUEST, vlen) == 0;
	} else if (nlen == 14 && memcmp(r->line, "client_address", 14) == 0) {
		r->clients_seen++;
		r->client_ok = !r->overlong &&
			rt_addr_parse_n(value, vlen, &r->client) == 0;
	}
	return 0;
}

int rt_policy_feed(struct rt_policy_req *r, const char *buf, size_t len,
		   size_t *used, struct rt_policy_query *q)
{
	*used = len;	/* on an error too: the caller drops the connection */
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (++r->bytes > RT_POLICY_REQ_MAX) {
			errno = EMSGSIZE;
			return -1;
		}
		if (c == '\0') {
			errno = EINVAL;
			return -1;
		}
		if (c != '\n') {
			if (r->linelen < sizeof(r->line))
				r->line[r->linelen++] = c;
			else
				r->overlong = true;
			continue;
		}
		if (r->linelen == 0 && !r->overlong) {	/* the empty line */
			q->valid = r->requests_seen == 1 && r->is_access &&
				r->clients_seen == 1 && r->client_ok;
			q->client = r->client;
			memset(r, 0, sizeof(*r));
			*used = i + 1;
			return 1;
		}
		if (++r->lines > RT_POLICY_ATTRS_MAX) {
			errno = EMSGSIZE;
			return -1;
		}
		if (policy_line(r) != 0) {
			errno = EINVAL;
			return -1;
		}
		r->linelen = 0;
		r->overlong = false;
	}
	return 0;
}

size_t rt_policy_answer(const struct rt_policy_query *q, const char *action,
			struct rt_lookup *lk, struct rt_table *t, uint32_t now,
			char reply[RT_POLICY_REPLY_MAX])
{
	int r = 0;

	if (q->valid && t != NULL)
		r = rt_lookup_live(lk, t, &q->client, now, NULL);
	if (q->valid && (t == NULL || r < 0))
		return (size_t)snprintf(reply, RT_POLICY_REPLY_MAX,
					"action=DEFER_IF_REJECT relaytab table unavailable\n\n");
	return (size_t)snprintf(reply, RT_POLICY_REPLY_MAX, "action=%s\n\n",
				r == 1 ? action : "DUNNO");
}

bool rt_policy_action_ok(const char *text)
{
	size_t len = strlen(text);

	if (len == 0 || len > RT_POLICY_ACTION_MAX ||
	    !((text[0] >= 'A' && text[0] <= 'Z') || (text[0] >= 'a' && text[0] <= 'z')))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < 0x20 || text[i] > 0x7e)
			return false;
	}
	return true;
}
