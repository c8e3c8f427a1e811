/* socketmap.h - the socketmap request/reply logic of "relaytab serve",
 * without any I/O: a request "NAME KEY" (the netstring's payload) in, a
 * reply payload out ("OK value", "NOTFOUND ", "TEMP reason",
 * "PERM reason"), as Postfix socketmap_table(5) and Sendmail's "socket" map
 * class expect. */
#ifndef RELAYTAB_SOCKETMAP_H
#define RELAYTAB_SOCKETMAP_H

#include <stddef.h>
#include <stdint.h>

#include "lookup.h"
#include "table.h"

/* Longest request payload accepted, and room for any reply payload. */
#define RT_SOCKETMAP_REQ_MAX 1024
#define RT_SOCKETMAP_REPLY_MAX 300

struct rt_socketmap {
	const char *names;	/* the map names served, separated by commas
				   and/or blanks, e.g. "relay,relaytab" */
	const char *value;	/* the value of a hit, e.g. "OK" */
	struct rt_lookup *lookup;
};

/* Answer one request at time now. t is NULL when the table cannot be used;
 * why (one line) says why, and every lookup is answered TEMP. Keys are
 * client addresses in any spelling rt_addr_parse() accepts (Postfix's
 * "192.0.2.1" / "2001:db8::5", Sendmail's "IPv6:2001:db8:0:0:0:0:0:5");
 * anything else - a hostname, Postfix's "unknown", a partial address - is
 * NOTFOUND. Returns the reply's length in reply (not NUL-terminated; the
 * buffer has RT_SOCKETMAP_REPLY_MAX bytes). */
size_t rt_socketmap_answer(const struct rt_socketmap *sm, struct rt_table *t,
			   const char *why, const char *req, size_t len,
			   uint32_t now, char reply[RT_SOCKETMAP_REPLY_MAX]);

#endif
