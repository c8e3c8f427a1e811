/* test-one-rule.c - every path answers as the one relay rule does.
 *
 * For many random tables (IPv4 and IPv6 logins of one to eight users, some
 * repeated, stamped at and around the expiry boundary and in the future;
 * random grace, IPv6 prefix /16../64 or /128, exclude nets around the
 * logins, max-users-per-address none or 1..5) and many clients
 * near each login (the login itself, a bit flipped at and around the prefix
 * boundary, groups shifted as Postfix's cut-at-':' lookups confuse them,
 * random neighbours, excluded addresses), the answer of each path must be
 * rt_relay_allows() over the table's records:
 *  - Postfix: the cdb and hash maps the compiler writes, searched with the
 *    keys Postfix's check_client_access tries (postfix-emul.c);
 *  - Sendmail: the hash map, searched as the HACK (sendmail/hack) does:
 *    TAG + ${client_addr} (uncompressed IPv6), then, for an IPv6 prefix
 *    below 128, TAG + "ipv6:" + the prefix's groups;
 *  - tcpserver: the tcprules map, searched as tcpserver -x does, against
 *    the rule less the grants no tcprules key can hold (which the map
 *    leaves out);
 *  - Exim: the iplsearch map, each client matched against its networks;
 *  - serve: rt_lookup_live() on the table.
 * A path is only asked under settings it accepts (rt_compile_conf_finish
 * refuses the others; that is checked too). The seed is printed;
 * RT_TEST_SEED=n repeats a run, RT_PROP_SCALE=n multiplies the tables. */
#include "compile.h"
#include "emit.h"
#include "keyset.h"
#include "liveset.h"
#include "lookup.h"
#include "mapkeys.h"
#include "core/postfix-emul.h"
#include "core/prop-util.h"
#include "relay-rule.h"
#include "core/table-test.h"
#include "tap.h"

#include <cdb.h>
#include <db.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TABLES 1500
#define MAX_LOGINS 12
#define MAX_CLIENTS 400
#define NOW 1800000000u

enum path { P_CDB, P_PHASH, P_SHASH, P_TCPRULES, P_EXIM, P_SERVE, P_COUNT };
static const char *const path_names[P_COUNT] = {
	"Postfix cdb", "Postfix hash", "Sendmail hash", "tcpserver rules",
	"Exim iplsearch", "serve"
};
static unsigned long long asked[P_COUNT], disagreed[P_COUNT], granted[P_COUNT];
static unsigned long long held;	/* clients the users limit denied */

static char dir[] = "/tmp/rt-one-rule-XXXXXX";
static char table_path[300], cdb_path[300], phash_path[300], shash_path[300];
static char rules_path[300], rules_cdb_path[300], exim_path[300];

/* Exim's net-iplsearch over the Exim map: is the client in one of its
 * networks (the lines' keys, quoted or not, as CIDR)? */
static bool exim_allows(const struct rt_addr *client)
{
	FILE *f = fopen(exim_path, "r");
	char line[256];
	bool found = false;

	if (f == NULL)
		tap_bail("%s: %s", exim_path, strerror(errno));
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char *key = line, *end, *slash;
		struct rt_addr net;
		unsigned bits;

		if (*key == '#')
			continue;
		end = *key == '"' ? strchr(++key, '"') : strchr(key, ':');
		if (end == NULL)
			tap_bail("bad Exim map line %s", line);
		*end = '\0';
		slash = strchr(key, '/');
		bits = slash != NULL ? (unsigned)atoi(slash + 1) : 0;
		if (slash != NULL)
			*slash = '\0';
		if (rt_addr_parse(key, &net) != 0)
			tap_bail("bad Exim map key %s", key);
		if (slash == NULL)
			bits = rt_addr_is_v4(&net) ? 32 : 128;
		found = rt_addr_in_net(client, &net, bits);
	}
	fclose(f);
	return found;
}

/* random_group(), and now and then a group that repeats the first. */
static uint16_t login_group(void)
{
	return rng() % 5 == 0 ? 0x2001 : random_group();
}

static struct rt_addr random_v6(void)
{
	struct rt_addr a;

	for (int g = 0; g < 8; g++)
		set_group(&a, g, login_group());
	if (rng() % 3 != 0)
		set_group(&a, 0, 0x2001);	/* most logins are global */
	return a;
}

static struct rt_addr random_v4(void)
{
	uint8_t v4[4] = { 192, 0, 2, (uint8_t)(rng() % 8) };

	if (rng() % 2)
		v4[0] = 198, v4[1] = 51, v4[2] = 100;
	return tt_ip4(v4[0], v4[1], (unsigned)v4[2] << 8 | v4[3]);
}

static void flip_bit(struct rt_addr *a, unsigned bit, bool v4)
{
	if (v4)
		bit = 96 + bit % 32;
	a->b[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
}

/* --- one table ----------------------------------------------------------- */

struct trial {
	struct rt_relay_rule rule;
	struct rt_netlist *exclude;
	const char *tag;
	struct rt_relay_login logins[MAX_LOGINS * 2];
	size_t nlogins;
	struct rt_addr clients[MAX_CLIENTS];
	size_t nclients;
};

static const unsigned prefixes[] = {
	16, 24, 32, 40, 48, 48, 56, 56, 60, 64, 64, 64, 128, 128, 128
};

static uint32_t random_stamp(uint32_t grace)
{
	switch (rng() % 9) {
	case 0: return NOW;
	case 1: return NOW - 1;
	case 2: return NOW - grace + 1;	/* last live second */
	case 3: return NOW - grace;	/* expired at this instant */
	case 4: return NOW - grace - 1;
	case 5: return NOW + RT_FUTURE_SLACK;	/* clock skew: allowed */
	case 6: return NOW + RT_FUTURE_SLACK + 1 + rng() % 100; /* forged */
	default: return NOW - rng() % (2 * grace);
	}
}

static void add_client(struct trial *tr, struct rt_addr a)
{
	if (tr->nclients < MAX_CLIENTS)
		tr->clients[tr->nclients++] = a;
}

/* Clients around login l (the ones a wrong path would let through). */
static void clients_near(struct trial *tr, const struct rt_addr *l)
{
	bool v4 = rt_addr_is_v4(l);
	unsigned bits = v4 ? 32 : tr->rule.ipv6_prefix;
	struct rt_addr c;

	add_client(tr, *l);
	for (int k = 0; k < 6; k++) {	/* a bit at and around the boundary */
		c = *l;
		flip_bit(&c, (bits + (unsigned)k - 3 + 128) % 128, v4);
		add_client(tr, c);
	}
	for (int k = 0; k < 4; k++) {	/* any bit */
		c = *l;
		flip_bit(&c, rng() % 128, v4);
		add_client(tr, c);
	}
	if (v4)
		return;
	for (int k = 0; k < 4; k++) {	/* inside the /bits, host bits random */
		c = *l;
		for (int g = 7; g >= 0 && (unsigned)g * 16 >= bits; g--)
			set_group(&c, g, random_group());
		add_client(tr, c);
	}
	for (int j = 1; j < 8; j++) {	/* a 0 group pushed in at j */
		c = *l;
		for (int g = 7; g > j; g--)
			set_group(&c, g, group(l, g - 1));
		set_group(&c, j, 0);
		add_client(tr, c);
	}
	for (int j = 1; j < 7; j++) {	/* a group dropped at j */
		c = *l;
		for (int g = j; g < 7; g++)
			set_group(&c, g, group(l, g + 1));
		set_group(&c, 7, (uint16_t)(rng() % 3));
		add_client(tr, c);
	}
}

static void pick_settings(struct trial *tr)
{
	memset(tr, 0, sizeof(*tr));
	tr->rule.grace = (uint32_t[]){ 60, 1800, 3600 }[rng() % 3];
	tr->rule.ipv6_prefix = prefixes[rng() % (sizeof(prefixes) / sizeof(prefixes[0]))];
	tr->tag = (const char *[]){ NULL, "pop:", "Relay:" }[rng() % 3];
	tr->rule.max_users = rng() % 2 ? 0 : 1 + rng() % (RT_USERS_MAX - 1);
}

/* The logins (into t), the clients and the exclude list of one table. */
static void make_trial(struct trial *tr, struct rt_table *t)
{
	struct rt_addr raw[MAX_LOGINS];
	size_t n = 1 + rng() % MAX_LOGINS;
	char text[512], at[RT_ADDR_STRLEN];
	size_t len = 0;
	struct rt_err err;

	for (size_t i = 0; i < n; i++) {
		if (i > 0 && rng() % 4 == 0)	/* a neighbour of another login */
			raw[i] = tr->clients[rng() % tr->nclients];
		else
			raw[i] = rng() % 3 == 0 ? random_v4() : random_v6();
		/* one to eight logins of one to eight users, some refreshes */
		for (unsigned k = rng() % 3 ? 1 : 1 + rng() % 8; k > 0; k--) {
			char user[8];

			snprintf(user, sizeof(user), "u%u", (unsigned)(rng() % 8));
			if (rt_table_upsert(t, &raw[i], user, RT_SVC_IMAP,
					    random_stamp(tr->rule.grace),
					    rng() % 4 ? RT_UPSERT_LOGIN : RT_UPSERT_REFRESH) < 0)
				tap_bail("upsert: %s", strerror(errno));
		}
		clients_near(tr, &raw[i]);
	}
	for (int k = 0; k < 8; k++)
		add_client(tr, rng() % 3 == 0 ? random_v4() : random_v6());
	/* exclude: none, or nets around logins and random ones */
	text[0] = '\0';
	for (unsigned k = rng() % 2 ? 0 : 1 + rng() % 3; k > 0; k--) {
		struct rt_addr a = raw[rng() % n], net;
		bool v4 = rt_addr_is_v4(&a);
		unsigned bits = v4 ? 24 + rng() % 9 : 16 + rng() % 113;

		if (rng() % 4 == 0)
			a = v4 ? random_v4() : random_v6();
		rt_addr_mask(&a, bits, &net);
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s%s%s/%u",
					len ? ", " : "", v4 ? "" : "[",
					rt_addr_format(&net, at), v4 ? "" : "]", bits);
		add_client(tr, net);
	}
	if (text[0] != '\0' && rt_netlist_parse(text, &tr->exclude, &err) != 0)
		tap_bail("exclude \"%s\": %s", text, err.msg);
	tr->rule.exclude = tr->exclude;
}

static int collect(const struct rt_record *rec, void *context)
{
	struct trial *tr = context;

	if (tr->nlogins < sizeof(tr->logins) / sizeof(tr->logins[0]))
		tr->logins[tr->nlogins++] = (struct rt_relay_login){
			rec->ip, rec->last_seen,
			rt_record_users(rec, NOW, tr->rule.grace) };
	return 0;
}

/* --- the paths --------------------------------------------------------- */

static bool cdb_has(struct cdb *c, const char *key)
{
	return cdb_find(c, key, (unsigned)strlen(key)) > 0;
}

static bool db_has(DB *db, const char *key, bool nul)
{
	DBT k = { .data = (void *)key, .size = (uint32_t)(strlen(key) + (nul ? 1 : 0)) };
	DBT v = { 0 };

	return db->get(db, NULL, &k, &v, 0) == 0;
}

static DB *db_open(const char *path)
{
	DB *db;

	if (db_create(&db, NULL, 0) != 0 ||
	    db->open(db, NULL, path, NULL, DB_HASH, DB_RDONLY, 0) != 0)
		tap_bail("cannot open %s", path);
	return db;
}

/* Postfix's check_client_access over a map: any tried key found. */
static bool postfix_allows(const struct rt_addr *client, struct cdb *c, DB *db)
{
	char tried[PF_MAX_LOOKUPS][RT_KEY_MAX];
	size_t n = pf_lookup_keys(client, tried);

	for (size_t i = 0; i < n; i++) {
		if (c != NULL ? cdb_has(c, tried[i]) : db_has(db, tried[i], true))
			return true;
	}
	return false;
}

/* The HACK's lookups, spelled as Sendmail spells ${client_addr} (IPv6
 * uncompressed, "IPv6:" prefix; a hash map folds keys to lowercase). */
static bool sendmail_allows(const struct rt_addr *client, const struct trial *tr,
			    DB *db)
{
	char addr[64], key[128];
	const uint8_t *b = client->b;
	size_t len = 0;

	if (rt_addr_is_v4(client)) {
		snprintf(addr, sizeof(addr), "%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
	} else {
		len = (size_t)snprintf(addr, sizeof(addr), "IPv6");
		for (int g = 0; g < 8; g++)
			len += (size_t)snprintf(addr + len, sizeof(addr) - len, ":%x",
						group(client, g));
	}
	snprintf(key, sizeof(key), "%s%s", tr->tag ? tr->tag : "", addr);
	for (char *p = key; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	if (db_has(db, key, false))
		return true;
	if (rt_addr_is_v4(client) || tr->rule.ipv6_prefix == 128)
		return false;
	/* R<?> IPv6 : $- : ... : $*  ->  TAG ipv6:$1:...:$k, k = prefix/16:
	   cut the key at the ':' after group k */
	char *p = key + (tr->tag ? strlen(tr->tag) : 0) + 4;
	for (unsigned g = 0; g < tr->rule.ipv6_prefix / 16; g++)
		p = strchr(p + 1, ':');
	*p = '\0';
	return db_has(db, key, false);
}

/* tcpserver -x over the tcprules map: the first key found of the client's
 * TCPREMOTEIP, that text cut after each '.' or ':' (longest first), and
 * "" - the IPv4 build for an IPv4 client, the IPv6 build for an IPv6 one -
 * and whether its rule sets RELAYCLIENT. */
static bool tcpserver_allows(const struct rt_addr *client, struct cdb *c)
{
	char key[RT_KEY_MAX];
	size_t len = rt_key_tcpserver(client, key);

	for (;;) {
		if (cdb_find(c, key, (unsigned)len) > 0) {
			char v[64] = "";
			unsigned n = cdb_datalen(c) < sizeof(v) - 1 ? cdb_datalen(c) : sizeof(v) - 1;

			cdb_read(c, v, n, cdb_datapos(c));
			for (unsigned i = 0; i < n; i += (unsigned)strlen(v + i) + 1)
				if (strcmp(v + i, "+RELAYCLIENT=") == 0)
					return true;
			return false;
		}
		if (len == 0)
			return false;
		while (--len > 0 && key[len - 1] != '.' && key[len - 1] != ':')
			;
	}
}

/* The rule, less the grants no tcprules key matches exactly
 * (rt_key_tcpserver_net() finds none: a 0 group in the prefix, an IPv6
 * host key ending in ':'), which the map leaves out and says so. */
static bool tcpserver_want(const struct trial *tr, const struct rt_addr *client)
{
	for (size_t i = 0; i < tr->nlogins; i++) {
		const struct rt_relay_login *l = &tr->logins[i];
		char key[RT_KEY_MAX];
		struct rt_addr net;
		unsigned bits;

		if (rt_relay_allows(&tr->rule, l, 1, client, NOW) &&
		    rt_relay_grant(&tr->rule, &l->ip, &net, &bits) &&
		    rt_key_tcpserver_net(rt_addr_is_v4(&l->ip) || bits == 128 ? &l->ip : &net,
					 bits, key) != 0)
			return true;
	}
	return false;
}

static void check(enum path p, const struct trial *tr, const struct rt_addr *c,
		  bool got, bool want)
{
	char ct[RT_ADDR_STRLEN], lt[RT_ADDR_STRLEN];

	asked[p]++;
	granted[p] += got;
	if (got == want)
		return;
	if (disagreed[p]++ < 5) {
		tap_diag("%s says %s for %s; the rule says %s (prefix %u, grace %u, %zu logins, exclude %s, max users %u)",
			 path_names[p], got ? "yes" : "no", rt_addr_format(c, ct),
			 want ? "yes" : "no", tr->rule.ipv6_prefix, tr->rule.grace,
			 tr->nlogins, tr->exclude ? "yes" : "no", tr->rule.max_users);
		for (size_t i = 0; i < tr->nlogins; i++)
			tap_diag("  login %s at now%+lld, %u users", rt_addr_format(&tr->logins[i].ip, lt),
				 (long long)tr->logins[i].last_seen - NOW, tr->logins[i].users);
	}
}

static void run_trial(struct trial *tr)
{
	struct rt_table *t;
	struct rt_liveset ls = { 0 };
	struct rt_keyset pks = { 0 }, sks = { 0 }, tks = { 0 }, eks = { 0 };
	struct rt_keyset_opts eo = { RT_KEYS_CIDR, &tr->rule, NULL };
	struct rt_lookup lk;
	struct rt_err err;
	bool pf_ok, sm_ok;
	struct cdb c, tc;
	DB *pdb = NULL, *sdb = NULL;
	int fd = -1, tfd = -1;

	pick_settings(tr);
	/* the paths that accept these settings (test_refusals: the others
	   are refused before any map is written) */
	pf_ok = tr->rule.ipv6_prefix != 128 &&
		rt_postfix_prefix_bits_ok(tr->rule.ipv6_prefix);
	sm_ok = tr->rule.ipv6_prefix == 128 || tr->rule.ipv6_prefix % 16 == 0;
	t = tt_fresh(table_path, 10, tr->rule.grace);
	make_trial(tr, t);
	if (rt_table_scan(t, 0, 0, collect, tr, NULL) != 0)
		tap_bail("scan: %s", strerror(errno));
	/* serve first: the compiler's scan deletes expired records */
	rt_lookup_init(&lk, &tr->rule);
	for (size_t i = 0; i < tr->nclients; i++) {
		int r = rt_lookup_live(&lk, t, &tr->clients[i], NOW, NULL);

		if (r < 0)
			tap_bail("lookup: %s", strerror(errno));
		check(P_SERVE, tr, &tr->clients[i], r == 1,
		      rt_relay_allows(&tr->rule, tr->logins, tr->nlogins,
				      &tr->clients[i], NOW));
	}
	rt_lookup_free(&lk);
	if (rt_liveset_build(t, NOW, &tr->rule, &ls, &err) != 0)
		tap_bail("liveset: %s", err.msg);
	if (pf_ok) {
		struct rt_keyset_opts o = { RT_KEYS_POSTFIX, &tr->rule, NULL };

		if (rt_keyset_build(&ls, &o, &pks, &err) != 0 ||
		    rt_emit(&rt_map_postfix_cdb, cdb_path, 0600, &pks, &err) != 0 ||
		    rt_emit(&rt_map_postfix_hash, phash_path, 0600, &pks, &err) != 0)
			tap_bail("postfix maps: %s", err.msg);
		if ((fd = open(cdb_path, O_RDONLY)) < 0 || cdb_init(&c, fd) != 0)
			tap_bail("cdb %s: %s", cdb_path, strerror(errno));
		pdb = db_open(phash_path);
	}
	if (sm_ok) {
		struct rt_keyset_opts o = { RT_KEYS_SENDMAIL, &tr->rule, tr->tag };

		if (rt_keyset_build(&ls, &o, &sks, &err) != 0 ||
		    rt_emit(&rt_map_sendmail_hash, shash_path, 0600, &sks, &err) != 0)
			tap_bail("sendmail map: %s", err.msg);
		sdb = db_open(shash_path);
		/* the tcprules map takes the Sendmail map's prefixes */
		struct rt_keyset_opts to = { RT_KEYS_TCPSERVER, &tr->rule, NULL };

		if (rt_keyset_build(&ls, &to, &tks, &err) != 0 ||
		    rt_emit(&rt_map_tcprules, rules_cdb_path, 0600, &tks, &err) != 0)
			tap_bail("tcprules map: %s", err.msg);
		if ((tfd = open(rules_cdb_path, O_RDONLY)) < 0 || cdb_init(&tc, tfd) != 0)
			tap_bail("cdb %s: %s", rules_cdb_path, strerror(errno));
	}
	/* the Exim map takes every prefix */
	if (rt_keyset_build(&ls, &eo, &eks, &err) != 0 ||
	    rt_emit(&rt_map_exim_iplsearch, exim_path, 0600, &eks, &err) != 0)
		tap_bail("exim map: %s", err.msg);
	for (size_t i = 0; i < tr->nclients; i++) {
		const struct rt_addr *cl = &tr->clients[i];
		bool want = rt_relay_allows(&tr->rule, tr->logins, tr->nlogins, cl, NOW);

		check(P_EXIM, tr, cl, exim_allows(cl), want);
		struct rt_relay_rule unlimited = tr->rule;

		unlimited.max_users = 0;
		held += !want && rt_relay_allows(&unlimited, tr->logins, tr->nlogins, cl, NOW);

		if (pf_ok) {
			check(P_CDB, tr, cl, postfix_allows(cl, &c, NULL), want);
			check(P_PHASH, tr, cl, postfix_allows(cl, NULL, pdb), want);
		}
		if (sm_ok) {
			check(P_SHASH, tr, cl, sendmail_allows(cl, tr, sdb), want);
			check(P_TCPRULES, tr, cl, tcpserver_allows(cl, &tc),
			      tcpserver_want(tr, cl));
		}
	}
	if (pf_ok) {
		cdb_free(&c);
		close(fd);
		pdb->close(pdb, 0);
	}
	if (sm_ok) {
		sdb->close(sdb, 0);
		cdb_free(&tc);
		close(tfd);
	}
	rt_keyset_free(&pks);
	rt_keyset_free(&sks);
	rt_keyset_free(&tks);
	rt_keyset_free(&eks);
	rt_liveset_free(&ls);
	rt_netlist_free(&tr->exclude);
	rt_table_close(&t);
}

/* --- the settings no map can hold ------------------------------------------ */

static void refused(const char *output, const char *prefix, bool want_ok,
		    const char *want_text)
{
	struct rt_compile_conf c;
	struct rt_err err = { 0 };
	int r;

	rt_compile_conf_init(&c);
	if (rt_compile_conf_set(&c, output, "/tmp/rt-one-rule-never", &err) != 0 ||
	    (prefix != NULL && rt_compile_conf_set(&c, "ipv6-prefix", prefix, &err) != 0))
		tap_bail("set: %s", err.msg);
	r = rt_compile_conf_finish(&c, &err);
	if (want_ok)
		tap_is_int(r, 0, "%s with ipv6-prefix %s is accepted", output,
			   prefix ? prefix : "(default)");
	else
		tap_ok(r != 0 && strstr(err.msg, want_text) != NULL,
		       "%s with ipv6-prefix %s is refused: %s", output, prefix, err.msg);
	rt_compile_conf_free(&c);
}

static void test_refusals(void)
{
	struct rt_compile_conf c;

	rt_compile_conf_init(&c);
	tap_is_int(c.ipv6_prefix, 64, "the default ipv6-prefix is 64");
	rt_compile_conf_free(&c);
	refused("postfix-cdb", NULL, true, NULL);
	refused("postfix-cdb", "128", false, "use 16..64 (default 64)");
	refused("postfix-hash", "0", false, "cut at each ':'");
	refused("text", "128", false, "socketmap or policy");
	refused("postfix-cdb", "52", false, "needs more than 257");
	refused("postfix-cdb", "56", true, NULL);
	refused("sendmail-hash", "128", true, NULL);
	refused("sendmail-hash", "48", true, NULL);
	refused("sendmail-hash", "56", false, "not whole 16-bit groups");
}

/* --- the two findings of issue 14, by name ------------------------------ */

static struct rt_addr ip(const char *text)
{
	struct rt_addr a;

	if (rt_addr_parse(text, &a) != 0)
		tap_bail("bad address %s", text);
	return a;
}

static void test_findings(void)
{
	struct rt_relay_rule r64 = { 1800, NULL, 64, 0 }, r128 = { 1800, NULL, 128, 0 };
	struct rt_relay_login l1 = { ip("2001:db8:1:2::5"), NOW, 1 };
	struct rt_relay_login l2 = { ip("2001::1:2:3:4"), NOW, 1 };
	struct rt_addr c;

	c = ip("2001:db8:1:2::5:7");
	tap_ok(!rt_relay_allows(&r128, &l1, 1, &c, NOW),
	       "prefix 128: a login from 2001:db8:1:2::5 does not let 2001:db8:1:2::5:7 relay");
	tap_ok(rt_relay_allows(&r64, &l1, 1, &c, NOW),
	       "prefix 64: it does, the same /64");
	c = ip("2001:db8:1:3::5");
	tap_ok(!rt_relay_allows(&r64, &l1, 1, &c, NOW),
	       "prefix 64: 2001:db8:1:3::5, another /64, may not");
	c = ip("2001:0:0:1:2:3:4:5");
	tap_ok(!rt_relay_allows(&r64, &l2, 1, &c, NOW) &&
	       !rt_relay_allows(&r128, &l2, 1, &c, NOW),
	       "a login from 2001::1:2:3:4 does not let 2001:0:0:1:2:3:4:5 relay");
	tap_ok(!rt_relay_allows(&r64, &l2, 1, &l2.ip, NOW),
	       "prefix 64: 2001::1:2:3:4 grants nothing at all (2001:0:0:0::/64 has no exact Postfix keys)");
	tap_ok(rt_relay_allows(&r128, &l2, 1, &l2.ip, NOW),
	       "prefix 128: 2001::1:2:3:4 grants itself");

	/* found by this test at RT_PROP_SCALE=5: with ipv6-prefix 16 a login
	   from 6::6:7fd1:0:0 wrote the Postfix key "6", which Postfix also
	   tries for the IPv4 client 6.51.100.1 (cut at each '.') */
	struct rt_relay_rule r16 = { 1800, NULL, 16, 0 };
	struct rt_relay_login l3 = { ip("6::6:7fd1:0:0"), NOW, 1 };
	struct rt_relay_login l4 = { ip("2a01::1"), NOW, 1 };

	c = ip("6.51.100.1");
	tap_ok(!rt_relay_allows(&r16, &l3, 1, &c, NOW) && !rt_relay_allows(&r16, &l3, 1, &l3.ip, NOW),
	       "prefix 16: 6::/16 grants nothing (its key \"6\" is also an IPv4 client's cut)");
	c = ip("2a01:5::9");
	tap_ok(rt_relay_allows(&r16, &l4, 1, &c, NOW),
	       "... while 2a01::/16 (key \"2a01\", no IPv4 number) grants its /16");
}

int main(void)
{
	unsigned scale = prop_start();
	unsigned long long clients = 0;
	static struct trial tr;

	if (mkdtemp(dir) == NULL)
		tap_bail("mkdtemp: %s", strerror(errno));
	snprintf(table_path, sizeof(table_path), "%s/table", dir);
	snprintf(cdb_path, sizeof(cdb_path), "%s/relay.cdb", dir);
	snprintf(phash_path, sizeof(phash_path), "%s/relay.db", dir);
	snprintf(shash_path, sizeof(shash_path), "%s/popauth.db", dir);
	snprintf(rules_path, sizeof(rules_path), "%s/tcp.smtp", dir);
	snprintf(rules_cdb_path, sizeof(rules_cdb_path), "%s/tcp.smtp.cdb", dir);
	snprintf(exim_path, sizeof(exim_path), "%s/exim-relay", dir);
	{	/* no rules of the site's: only the grants */
		FILE *f = fopen(rules_path, "w");

		if (f == NULL || fclose(f) != 0)
			tap_bail("%s: %s", rules_path, strerror(errno));
	}
	test_refusals();
	test_findings();
	for (unsigned i = 0; i < TABLES * scale; i++) {
		run_trial(&tr);
		clients += tr.nclients;
	}
	for (int p = 0; p < P_COUNT; p++)
		tap_is_int((long long)disagreed[p], 0,
			   "%s: %llu answers (%llu yes), %llu disagree with the rule",
			   path_names[p], asked[p], granted[p], disagreed[p]);
	tap_ok(held > 0, "the paths were asked about clients max-users-per-address denies (%llu)",
	       held);
	tap_diag("%u tables, %llu clients in all", TABLES * scale, clients);
	unlink(table_path);
	unlink(cdb_path);
	unlink(phash_path);
	unlink(shash_path);
	unlink(rules_path);
	unlink(rules_cdb_path);
	unlink(exim_path);
	rmdir(dir);
	return tap_done();
}
