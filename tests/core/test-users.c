/* test-users.c - the distinct users of an address (issue 18): how many
 * users logged in or refreshed from it within the grace, as every reader
 * gets it from rt_record_users(): counted by user, not by login; expired
 * users drop out; a refresh keeps its user counted; RT_USERS_MAX means
 * that many or more; a delete starts again from nothing; bytes no honest
 * writer stores (repeated tags, ages beyond last_seen) count nobody twice;
 * and, over random sequences of logins and refreshes, the count is the
 * model's: min(RT_USERS_MAX, users seen within the grace). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/prop-util.h"
#include "table-format.h"
#include "table-priv.h"
#include "table-test.h"
#include "tap.h"

#define T0 1800000000u
#define GRACE 600u

static char dir[] = "/tmp/rt-test-users.XXXXXX";
static char path[256];

static unsigned users_at(struct rt_table *t, const struct rt_addr *a, uint32_t now)
{
	struct rt_record rec;

	if (rt_table_lookup(t, a, &rec) != 1)
		return 0;
	return rt_record_users(&rec, now, GRACE);
}

static void login(struct rt_table *t, const struct rt_addr *a, const char *user,
		  uint32_t now, int flags)
{
	if (rt_table_upsert(t, a, user, RT_SVC_IMAP, now, flags) < 0)
		tap_bail("upsert %s: %s", user, strerror(errno));
}

static void test_counting(void)
{
	struct rt_table *t = tt_fresh(path, 10, GRACE);
	struct rt_addr a = tt_ip4(192, 0, 2 << 8 | 7), b = tt_ip4(198, 51, 100 << 8 | 1);
	char name[16];

	tap_is_int(users_at(t, &a, T0), 0, "an address never seen has no users");
	login(t, &a, "alice", T0, RT_UPSERT_LOGIN);
	login(t, &a, "alice", T0 + 5, RT_UPSERT_LOGIN);
	login(t, &a, "alice", T0 + 9, RT_UPSERT_REFRESH);
	tap_is_int(users_at(t, &a, T0 + 10), 1, "one user logging in three times is one user");
	login(t, &a, "bob", T0 + 20, RT_UPSERT_LOGIN);
	login(t, &a, "carol", T0 + 30, RT_UPSERT_LOGIN);
	tap_is_int(users_at(t, &a, T0 + 31), 3, "three users on one address: 3");
	login(t, &b, "dave", T0 + 30, RT_UPSERT_LOGIN);
	tap_is_int(users_at(t, &b, T0 + 31), 1, "another address counts its own users: 1");
	/* alice was last seen at T0 + 9: out of the count at T0 + 9 + GRACE */
	tap_is_int(users_at(t, &a, T0 + 9 + GRACE - 1), 3, "alice counts until her grace ends");
	tap_is_int(users_at(t, &a, T0 + 9 + GRACE), 2, "... and not after: 2 (bob, carol)");
	login(t, &a, "bob", T0 + 9 + GRACE, RT_UPSERT_REFRESH);
	tap_is_int(users_at(t, &a, T0 + 30 + GRACE), 1,
		   "a refresh keeps bob counted after carol's grace ends: 1");
	tap_is_int(users_at(t, &a, T0 + 9 + 2 * GRACE), 0, "no live user: the record is expired, 0");

	/* more users than a record tells apart */
	for (unsigned u = 0; u < RT_USERS_MAX + 3; u++) {
		snprintf(name, sizeof(name), "user%u", u);
		login(t, &b, name, T0 + 100 + u, RT_UPSERT_LOGIN);
	}
	tap_is_int(users_at(t, &b, T0 + 200), RT_USERS_MAX,
		   "%d users on one address: %d, \"that many or more\"", RT_USERS_MAX + 3,
		   RT_USERS_MAX);
	/* the entries kept are the users seen last: user3..user8, seen at
	   T0 + 103..108; the first of them leaves the count at T0 + 103 + GRACE */
	tap_is_int(users_at(t, &b, T0 + 103 + GRACE), RT_USERS_MAX - 1,
		   "the users kept are the ones seen last: one fewer when the oldest kept expires");
	login(t, &b, "user0", T0 + 50, RT_UPSERT_LOGIN);	/* older than all kept */
	tap_is_int(users_at(t, &b, T0 + 200), RT_USERS_MAX,
		   "a login stamped before every kept user replaces none of them");

	tap_is_int(rt_table_delete(t, &b), 1, "delete the shared address");
	login(t, &b, "erin", T0 + 300, RT_UPSERT_LOGIN);
	tap_is_int(users_at(t, &b, T0 + 301), 1, "after a delete the next login counts alone: 1");

	rt_table_close(&t);
}

/* Review findings, each failing before its fix: with a grace over 18 h a
 * user seen once stayed counted while another kept the address in use (an
 * age saturated at 65535 and was carried forward by every refresh); a
 * login with no user name counted as a user; a new user on a known
 * address did not raise the change flag, so watch kept the map key of an
 * address that had just gone over the limit until its next timed pass. */
static void test_findings(void)
{
	struct rt_table *t = tt_fresh(path, 10, GRACE);
	struct rt_addr a = tt_ip4(192, 0, 2 << 8 | 20), b = tt_ip4(192, 0, 2 << 8 | 21);
	struct rt_record rec;
	uint32_t day = 86400;

	login(t, &a, "bob", T0, RT_UPSERT_LOGIN);
	for (uint32_t h = 0; h <= 30; h++)
		login(t, &a, "alice", T0 + 3600 * h, h == 0 ? RT_UPSERT_LOGIN : RT_UPSERT_REFRESH);
	if (rt_table_lookup(t, &a, &rec) != 1)
		tap_bail("lookup");
	tap_is_int(rt_record_users(&rec, T0 + 30 * 3600, day), 1,
		   "grace 1d: bob, seen 30 h ago, no longer counts while alice keeps the address");

	login(t, &b, "", T0, RT_UPSERT_LOGIN);
	login(t, &b, "alice", T0 + 1, RT_UPSERT_LOGIN);
	tap_is_int(users_at(t, &b, T0 + 2), 1, "a login with no user name is nobody's: alice alone, 1");

	rt_table_change_begin(t);
	login(t, &b, "alice", T0 + 3, RT_UPSERT_REFRESH);
	tap_is_int(rt_table_change_wait(t, 0), 0, "a refresh of a known user raises no change");
	login(t, &b, "bob", T0 + 4, RT_UPSERT_LOGIN);
	tap_is_int(rt_table_change_wait(t, 0), 1, "a new user on a known address raises the change flag");
	rt_table_close(&t);
}

/* rt_table_stats counts the live addresses by their users. */
static void test_stats(void)
{
	struct rt_table *t = tt_fresh(path, 10, GRACE);
	struct rt_stats st;

	for (unsigned i = 1; i <= 3; i++) {
		struct rt_addr a = tt_ip4(192, 0, 2 << 8 | i);

		for (unsigned u = 0; u < i; u++)
			login(t, &a, (const char *[]){ "ann", "ben", "cat" }[u], T0 + u, RT_UPSERT_LOGIN);
	}
	if (rt_table_stats(t, T0 + 5, GRACE, &st) != 0)
		tap_bail("stats: %s", strerror(errno));
	tap_ok(st.live == 3 && st.by_users[1] == 1 && st.by_users[2] == 1 &&
	       st.by_users[3] == 1 && st.by_users[4] == 0,
	       "stats: three live addresses, of 1, 2 and 3 users");
	rt_table_close(&t);
}

/* What a group member may write: repeated tags, ages beyond last_seen,
 * ages in unused entries. */
static void test_forged(void)
{
	struct rt_table *t = tt_fresh(path, 10, GRACE);
	struct rt_addr a = tt_ip4(192, 0, 2 << 8 | 9);
	struct rt_cand c;
	struct rt_copy *p = NULL;

	login(t, &a, "alice", T0, RT_UPSERT_LOGIN);
	rt_candidates(t, a.b, &c);
	for (unsigned k = 0; k < c.n && p == NULL; k++)
		if (rt_copy_is(rt_slot_rec(t, c.idx[k]), a.b))
			p = rt_slot_rec(t, c.idx[k]);
	if (p == NULL)
		tap_bail("the record is not in its candidates");
	for (int k = 0; k < RT_SEEN_N; k++)
		p->seen[k] = (struct rt_seen){ 0x1234, (uint16_t)k };
	tap_is_int(users_at(t, &a, T0 + 1), 1, "six entries of one tag are one user");
	for (int k = 0; k < RT_SEEN_N; k++)
		p->seen[k] = (struct rt_seen){ 0, 7 };
	tap_is_int(users_at(t, &a, T0 + 1), 1,
		   "unused entries count nobody (a live record is still its login's user)");
	p->last_seen = 100;
	for (int k = 0; k < RT_SEEN_N; k++)
		p->seen[k] = (struct rt_seen){ (uint16_t)(k + 1), 200 };
	tap_is_int(users_at(t, &a, 150), 1, "ages beyond last_seen count nobody");

	/* the owner's repair pass clears such a record */
	struct rt_repair_stats rs;
	uint64_t cursor = 0;

	p->last_seen = T0;
	for (int k = 0; k < RT_SEEN_N; k++)
		p->seen[k] = (struct rt_seen){ 0x1234, (uint16_t)k };
	if (rt_table_repair(t, &cursor, 0, &rs) != 0)
		tap_bail("repair: %s", strerror(errno));
	tap_ok(rs.records == 1 && users_at(t, &a, T0 + 1) == 0,
	       "the repair pass clears a record whose users repeat a tag (%llu cleared)",
	       (unsigned long long)rs.records);
	login(t, &a, "alice", T0 + 2, RT_UPSERT_LOGIN);
	tap_is_int(users_at(t, &a, T0 + 3), 1, "... and the next login records the address afresh");
	rt_table_close(&t);
}

/* Random logins and refreshes of up to 10 users on one address, over two
 * graces, against the model. */
static void test_model(unsigned scale)
{
	unsigned rounds = 400 * scale, bad = 0;

	for (unsigned r = 0; r < rounds; r++) {
		struct rt_table *t = tt_fresh(path, 10, GRACE);
		struct rt_addr a = tt_ip4(198, 51, 100 << 8 | (r & 255));
		uint32_t seen[10] = { 0 }, now = T0 + 2 * GRACE;
		unsigned n = 1 + rng() % 30, live = 0, got, owner[10];
		char name[10][8];

		/* users whose tags collide are one user to the table (about
		   1 in 65536 pairs): the model merges them too */
		for (unsigned u = 0; u < 10; u++) {
			snprintf(name[u], sizeof(name[u]), "u%u", u);
			owner[u] = u;
			for (unsigned v = 0; v < u; v++)
				if (rt_user_tag(t, name[v]) == rt_user_tag(t, name[u]))
					owner[u] = owner[v];
		}

		for (unsigned i = 0; i < n; i++) {
			unsigned u = rng() % 10;
			/* the clock moves on (within two graces); processes'
			   stamps lag it by up to 5 s */
			uint32_t stamp = T0 + (2 * GRACE * (i + 1)) / n - rng() % 6;

			/* a refresh of an address not recorded records it, as
			   a login does */
			login(t, &a, name[u], stamp, rng() % 3 ? RT_UPSERT_LOGIN : RT_UPSERT_REFRESH);
			if (stamp > seen[owner[u]])
				seen[owner[u]] = stamp;
		}
		for (unsigned u = 0; u < 10; u++)
			live += seen[u] != 0 && rt_live_at(seen[u], GRACE, now);
		if (live > RT_USERS_MAX)
			live = RT_USERS_MAX;
		got = users_at(t, &a, now);
		if (got != live && bad++ < 5)
			tap_diag("round %u: %u users counted, the model says %u", r, got, live);
		rt_table_close(&t);
	}
	tap_is_int(bad, 0, "%u random sequences of logins and refreshes: the count is the model's",
		   rounds);
}

int main(void)
{
	unsigned scale = prop_start();

	if (mkdtemp(dir) == NULL)
		tap_bail("mkdtemp");
	snprintf(path, sizeof(path), "%s/table", dir);
	test_counting();
	test_stats();
	test_findings();
	test_forged();
	test_model(scale);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
