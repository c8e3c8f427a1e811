/* cmd-list.c - "relaytab list": the entries, sorted by IP, as text or JSON.
 * The text is columns separated by two spaces, each as wide as its widest
 * value (the address first, then a space: "cut -d' ' -f1" gives it), with
 * a header line naming them when the output is a terminal; after the
 * users column, an address over max-users-per-address says it is held. */
#include "cli.h"
#include "array.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* a user name as list prints it (control bytes escaped: up to 4 bytes each) */
#define LIST_USER_MAX (4 * sizeof(((struct rt_record *)0)->user) + 1)

struct list_ctx {
	struct rt_record *recs;
	size_t n, cap;
};

static int list_collect(const struct rt_record *rec, void *context)
{
	struct list_ctx *ctx = context;

	struct rt_record *r = RT_ARRAY_ADD(ctx->recs, ctx->n, ctx->cap);

	if (r == NULL)
		return ENOMEM;
	*r = *rec;
	return 0;
}

static int list_cmp(const void *a, const void *b)
{
	const struct rt_record *x = a, *y = b;
	int c = rt_addr_cmp(&x->ip, &y->ip);

	if (c != 0)
		return c;
	return x->last_seen > y->last_seen ? -1 : x->last_seen < y->last_seen;
}

/* Merge the rare duplicates of one IP (sorted newest first), keeping the
 * user set that counts more users. */
static size_t list_merge(struct rt_record *recs, size_t n, uint32_t now,
			 uint32_t grace)
{
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		if (out > 0 && rt_addr_cmp(&recs[out - 1].ip, &recs[i].ip) == 0) {
			struct rt_record *m = &recs[out - 1];
			uint64_t sum = (uint64_t)m->count + recs[i].count;

			if (recs[i].first_seen < m->first_seen)
				m->first_seen = recs[i].first_seen;
			m->count = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
			if (rt_record_users(&recs[i], now, grace) >
			    rt_record_users(m, now, grace))
				memcpy(m->user_seen, recs[i].user_seen, sizeof(m->user_seen));
			continue;
		}
		recs[out++] = recs[i];
	}
	return out;
}

/* The user name as the text output prints it, into buf. */
static const char *list_user(const struct rt_record *rec, char *buf, size_t size)
{
	FILE *f = fmemopen(buf, size, "w");

	buf[0] = '\0';
	if (f != NULL) {
		cli_put_user(f, rec->user, false);
		fclose(f);
	}
	return buf;
}

/* The USERS column: how many users, "6+" at the most a record tells. */
static const char *list_users(unsigned users, char buf[8])
{
	snprintf(buf, 8, "%u%s", users, users >= RT_USERS_MAX ? "+" : "");
	return buf;
}

static bool list_shown(const struct rt_record *rec, bool all, uint32_t now, uint32_t grace)
{
	return all || rt_record_live(rec, now, grace);
}

int cmd_list(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		CLI_VIEW_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_command *self = cli_find_command("list");
	struct list_ctx ctx = { NULL, 0, 0 };
	struct cli_view view = { 0 };
	bool json = false, all = false, first = true;
	char addr[RT_ADDR_STRLEN], t1[32], t2[32], user[LIST_USER_MAX];
	int w_addr = (int)strlen("ADDRESS"), w_user = (int)strlen("USER");
	int w_count = (int)strlen("LOGINS");
	uint32_t grace, now = cli_now();
	unsigned max_users;
	char nusers[8];
	struct rt_table *t;
	int c, r, status;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			all = true;
		else if (c == 'j')
			json = true;
		else if (!cli_view_option(&view, c, optarg))
			return cli_usage(self, "unknown option \"%s\"", argv[optind - 1]);
	}
	if (optind != argc)
		return cli_usage(self, "unexpected argument \"%s\"", argv[optind]);
	if ((status = cli_view_resolve(&view)) != 0)
		return status;
	grace = view.grace;
	max_users = view.max_users;
	if ((status = cli_open_table(g, RT_OPEN_RDONLY, &t)) != 0)
		return status;
	r = rt_table_scan(t, 0, 0, list_collect, &ctx, NULL);
	rt_table_close(&t);
	if (r != 0) {
		free(ctx.recs);
		if (r < 0 && errno == EIO)
			return cli_fail(EX_DATAERR, "table %s was truncated while being read",
					g->table_path);
		return cli_fail(EX_OSERR, "out of memory");
	}
	if (ctx.n > 1)	/* qsort(NULL, 0) is undefined: an empty table */
		qsort(ctx.recs, ctx.n, sizeof(*ctx.recs), list_cmp);
	ctx.n = list_merge(ctx.recs, ctx.n, now, grace);
	if (json)
		fputs("[", stdout);
	for (size_t i = 0; !json && i < ctx.n; i++) {
		const struct rt_record *rec = &ctx.recs[i];
		int n;

		if (!list_shown(rec, all, now, grace))
			continue;
		rt_addr_format(&rec->ip, addr);
		if ((n = (int)strlen(addr)) > w_addr)
			w_addr = n;
		if ((n = (int)strlen(list_user(rec, user, sizeof(user)))) > w_user)
			w_user = n;
		if ((n = snprintf(NULL, 0, "%u", rec->count)) > w_count)
			w_count = n;
	}
	if (!json && isatty(STDOUT_FILENO))
		printf("%-*s  %-*s  %-7s  %-20s  %-20s  %-*s  %s\n", w_addr, "ADDRESS", w_user,
		       "USER", "SERVICE", "FIRST SEEN", "LAST SEEN", w_count, "LOGINS", "USERS");
	for (size_t i = 0; i < ctx.n; i++) {
		const struct rt_record *rec = &ctx.recs[i];
		unsigned users = rt_record_users(rec, now, grace);
		bool held = max_users != 0 && users > max_users;

		if (!list_shown(rec, all, now, grace))
			continue;
		rt_addr_format(&rec->ip, addr);
		cli_iso_time(rec->first_seen, t1);
		cli_iso_time(rec->last_seen, t2);
		if (json) {
			printf("%s\n  {\"ip\": \"%s\", \"user\": \"", first ? "" : ",", addr);
			cli_put_user(stdout, rec->user, true);
			printf("\", \"service\": \"%s\", \"first_seen\": \"%s\", "
			       "\"last_seen\": \"%s\", \"count\": %u, \"live\": %s, "
			       "\"users\": %u, \"users_or_more\": %s, \"held\": %s}",
			       rt_service_name(rec->service), t1, t2, rec->count,
			       rt_record_live(rec, now, grace) ? "true" : "false", users,
			       users >= RT_USERS_MAX ? "true" : "false",
			       held ? "true" : "false");
		} else {
			printf("%-*s  %-*s  %-7s  %-20s  %-20s  %-*u  %s", w_addr, addr, w_user,
			       list_user(rec, user, sizeof(user)), rt_service_name(rec->service),
			       t1, t2, w_count, rec->count, list_users(users, nusers));
			if (held)
				printf("  held: more than max-users-per-address %u", max_users);
			putchar('\n');
		}
		first = false;
	}
	if (json)
		fputs(first ? "]\n" : "\n]\n", stdout);
	free(ctx.recs);
	if (fflush(stdout) != 0)
		return cli_fail(EX_IOERR, "write error: %s", strerror(errno));
	return 0;
}
