/* test-compiler.c - the parts of a compiler pass: a liveset holds each live
 * address once (duplicates a forger or a race left in the table merged,
 * keeping the later time), whether the merge's exact pass is reached or
 * not; building again into the buffers of an earlier build (what watch does
 * every pass) gives the same set; a keyset's keys, lengths and digest are
 * the same built fresh or into reused buffers; and a map read back gives
 * the digest and (a cdb) the key count of the keyset it was written from;
 * a map that cannot be written (a full disk) leaves the previous one and
 * leaks nothing (LeakSanitizer, in the sanitizer build, sees to that). */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "compile.h"
#include "emit.h"
#include "keyset.h"
#include "liveset.h"
#include "table-priv.h"
#include "core/table-test.h"
#include "tap.h"

/* the rule the liveset tests build with: grace 1800 s, no exclude */
static const struct rt_relay_rule host_rule = { 1800, NULL, RT_IPV6_PREFIX_HOST, 0 };

static char path[256];

/* Publish a record of ip seen at when into slot i, which must be free: a
 * second record of an address the table already holds, as a writer of the
 * file can leave one. */
static void forge(struct rt_table *t, uint64_t i, const struct rt_addr *ip,
		  uint32_t when)
{
	struct rt_slot *s = &t->slots[i];
	struct rt_copy *c = &s->copy[(s->ver + 1) & 1];

	memset(c, 0, sizeof(*c));
	memcpy(c->ip, ip->b, 16);
	c->state = RT_STATE_LIVE;
	c->first_seen = c->last_seen = when;
	s->ver++;
	t->tags[i] = rt_fingerprint(t, ip->b);
}

static int entry_cmp(const void *a, const void *b)
{
	return rt_addr_cmp(&((const struct rt_live_entry *)a)->ip,
			   &((const struct rt_live_entry *)b)->ip);
}

/* ls's entries in address order (the caller frees them); fails the test if
 * an address is there twice. */
static struct rt_live_entry *sorted_unique(const struct rt_liveset *ls)
{
	struct rt_live_entry *v = malloc((ls->n + 1) * sizeof(*v));
	size_t twice = 0;

	if (v == NULL)
		tap_bail("out of memory");
	memcpy(v, ls->v, ls->n * sizeof(*v));
	qsort(v, ls->n, sizeof(*v), entry_cmp);
	for (size_t i = 1; i < ls->n; i++)
		twice += entry_cmp(&v[i - 1], &v[i]) == 0;
	tap_is_int((long long)twice, 0, "no address is in the liveset twice");
	return v;
}

/* n addresses recorded at now - 100; every dup_every-th (0: none) also
 * forged at a time that alternates between later and earlier than that. */
static void merge_case(unsigned cap_log2, unsigned n, unsigned dup_every)
{
	struct rt_table *t = tt_fresh(path, cap_log2, 1800);
	uint32_t now = rt_time_now();
	struct rt_liveset ls;
	struct rt_err err;
	uint64_t free_slot = 0;
	unsigned forged = 0;

	for (unsigned i = 0; i < n; i++) {
		struct rt_addr a = tt_ip4(10, (uint8_t)(i >> 16), i & 0xffff);

		if (rt_table_upsert(t, &a, "u", RT_SVC_IMAP, now - 100, RT_UPSERT_LOGIN) != RT_STORED)
			tap_bail("cannot record address %u", i);
	}
	for (unsigned i = 0; dup_every != 0 && i < n; i += dup_every) {
		struct rt_addr a = tt_ip4(10, (uint8_t)(i >> 16), i & 0xffff);

		while (free_slot < t->capacity && t->tags[free_slot] != 0)
			free_slot++;
		if (free_slot == t->capacity)
			tap_bail("no free slot for a duplicate");
		forge(t, free_slot, &a, (i / dup_every) % 2 ? now - 10 : now - 500);
		forged++;
	}
	memset(&ls, 0, sizeof(ls));
	for (int round = 0; round < 2; round++) {
		struct rt_live_entry *v;
		unsigned right_time = 0;

		if (rt_liveset_build(t, now, &host_rule, &ls, &err) != 0)
			tap_bail("liveset: %s", err.msg);
		tap_is_int((long long)ls.n, n,
			   "%u addresses and %u duplicates: %u entries (%s)",
			   n, forged, n, round ? "second build, into the first one's buffers" : "first build");
		v = sorted_unique(&ls);
		for (unsigned i = 0; i < n; i++) {
			struct rt_live_entry key = { .ip = tt_ip4(10, (uint8_t)(i >> 16), i & 0xffff) };
			const struct rt_live_entry *e = bsearch(&key, v, ls.n, sizeof(*v), entry_cmp);
			bool dup = dup_every != 0 && i % dup_every == 0;
			uint32_t want = dup && (i / dup_every) % 2 ? now - 10 : now - 100;

			right_time += e != NULL && e->last_seen == want;
		}
		tap_is_int(right_time, n, "every address is there, a duplicated one "
			   "with the later of its two times");
		free(v);
	}
	rt_liveset_free(&ls);
	rt_table_close(&t);
	unlink(path);
}

/* ks written as every kind of map (rt_map_kinds[]), then read back. */
static void maps_read_back(const struct rt_keyset *ks)
{
	char map[300];
	struct rt_err err;
	uint64_t digest;
	size_t count;

	for (size_t m = 0; rt_map_kinds[m] != NULL; m++) {
		const struct rt_map_kind *kind = rt_map_kinds[m];
		char source[300];
		FILE *f;

		/* a kind that merges a text of the site's (tcprules) reads NAME */
		snprintf(source, sizeof(source), "%s.%s", path, kind->setting);
		snprintf(map, sizeof(map), "%s%s", source, kind->suffix);
		if ((f = fopen(source, "w")) == NULL || fclose(f) != 0)
			tap_bail("%s: %s", source, strerror(errno));
		if (rt_emit(kind, map, 0600, ks, &err) != 0)
			tap_bail("emit: %s", err.msg);
		if (kind == &rt_map_tcprules)	/* the site's rules may change */
			tap_ok(rt_emit_digest(kind, map, &digest, &err) != 0,
			       "the tcprules map is never taken as unchanged");
		else
			tap_ok(rt_emit_digest(kind, map, &digest, &err) == 0 &&
			       digest == rt_keyset_digest(ks),
			       "the %s map read back has the keyset's digest", kind->setting);
		if (kind->count != NULL)
			tap_ok(rt_emit_count(kind, map, &count) == 0 &&
			       count == ks->n, "its header tells its %zu keys", ks->n);
		else
			tap_ok(rt_emit_count(kind, map, &count) != 0,
			       "the %s map's count is not known without reading it",
			       kind->setting);
		unlink(map);
		unlink(source);
	}
	snprintf(map, sizeof(map), "%s.none", path);
	tap_ok(rt_emit_count(&rt_map_postfix_cdb, map, &count) != 0 &&
	       rt_emit_digest(&rt_map_postfix_cdb, map, &digest, &err) != 0,
	       "no map: neither count nor digest");
}

/* issue 14: a failed cdb_make_add skipped cdb_make_finish, the only call
 * that frees tinycdb's record lists: watch leaked on every retry. */
static void map_full_disk(const struct rt_keyset *ks)
{
	struct rlimit old, small = { 8192, 8192 };
	struct rt_err err;
	char map[300];
	uint64_t before, after;
	int r;

	snprintf(map, sizeof(map), "%s.full.cdb", path);
	if (rt_emit(&rt_map_postfix_cdb, map, 0600, ks, &err) != 0 ||
	    rt_emit_digest(&rt_map_postfix_cdb, map, &before, &err) != 0)
		tap_bail("emit: %s", err.msg);
	signal(SIGXFSZ, SIG_IGN);	/* a write past the limit fails (EFBIG) */
	getrlimit(RLIMIT_FSIZE, &old);
	small.rlim_max = old.rlim_max;
	setrlimit(RLIMIT_FSIZE, &small);
	r = rt_emit(&rt_map_postfix_cdb, map, 0600, ks, &err);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_DFL);
	tap_ok(r != 0, "a cdb that cannot be written fails (%s)", r != 0 ? err.msg : "no error");
	tap_ok(rt_emit_digest(&rt_map_postfix_cdb, map, &after, &err) == 0 && after == before,
	       "... and the previous map stays as it was");
	unlink(map);
}

static void keyset_reuse(void)
{
	struct rt_liveset ls;
	struct rt_keyset fresh, reused;
	struct rt_relay_rule host = { 1800, NULL, RT_IPV6_PREFIX_HOST, 0 };
	struct rt_relay_rule prefix = { 1800, NULL, 64, 0 };
	struct rt_keyset_opts o = { .form = RT_KEYS_SENDMAIL, .rule = &host };
	struct rt_err err;
	size_t bad_len = 0, differ = 0;
	uint64_t digest;

	memset(&ls, 0, sizeof(ls));
	ls.n = ls.cap = 3000;
	if ((ls.v = calloc(ls.n, sizeof(*ls.v))) == NULL)
		tap_bail("out of memory");
	for (size_t i = 0; i < ls.n; i++) {
		if (i % 3 == 0) {
			uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = (uint8_t)(i >> 8),
					   [15] = (uint8_t)i };

			memcpy(ls.v[i].ip.b, v6, 16);
		} else {
			ls.v[i].ip = tt_ip4(192, 0, (unsigned)i);
		}
	}
	memset(&fresh, 0, sizeof(fresh));
	memset(&reused, 0, sizeof(reused));
	/* a bigger set first (a Sendmail host key per address), so the
	   second build reuses bigger buffers */
	if (rt_keyset_build(&ls, &o, &reused, &err) != 0)
		tap_bail("keyset: %s", err.msg);
	o.form = RT_KEYS_POSTFIX;
	o.rule = &prefix;
	if (rt_keyset_build(&ls, &o, &fresh, &err) != 0 ||
	    rt_keyset_build(&ls, &o, &reused, &err) != 0)
		tap_bail("keyset: %s", err.msg);
	digest = rt_keyset_digest(&fresh);
	tap_is_int((long long)reused.n, (long long)fresh.n,
		   "a keyset built into reused buffers has as many keys (%zu)", fresh.n);
	for (size_t i = 0; i < fresh.n; i++) {
		bad_len += rt_keyset_keylen(&fresh, i) != strlen(rt_keyset_key(&fresh, i));
		differ += i >= reused.n ||
			strcmp(rt_keyset_key(&fresh, i), rt_keyset_key(&reused, i)) != 0;
	}
	tap_is_int((long long)differ, 0, "the same keys in the same order");
	tap_is_int((long long)bad_len, 0, "every key's length is its string's");
	tap_ok(rt_keyset_digest(&reused) == digest, "and the same digest");
	maps_read_back(&fresh);
	map_full_disk(&fresh);
	rt_keyset_free(&fresh);
	rt_keyset_free(&reused);
	rt_liveset_free(&ls);
}

/* A map kind is its emitter's struct rt_map_kind and its line in
 * rt_map_kinds[]: its setting is known to the settings setter and adds an
 * output of that kind, NAME plus the kind's suffix. */
static void map_kinds_are_settings(void)
{
	size_t n = 0;

	for (size_t m = 0; rt_map_kinds[m] != NULL; m++) {
		const struct rt_map_kind *kind = rt_map_kinds[m];
		struct rt_compile_conf c;
		struct rt_err err;
		char want[64];

		rt_compile_conf_init(&c);
		snprintf(want, sizeof(want), "/tmp/map%s", kind->suffix);
		n += rt_map_kind_find(kind->setting) == kind &&
			rt_compile_conf_set(&c, kind->setting, "/tmp/map", &err) == 0 &&
			c.noutputs == 1 && c.outputs[0].kind == kind &&
			strcmp(c.outputs[0].path, want) == 0 &&
			kind->emit != NULL && kind->digest != NULL && kind->help != NULL;
		rt_compile_conf_free(&c);
	}
	tap_ok(n >= 4 && rt_map_kinds[n] == NULL,
	       "each of the %zu map kinds is a setting that adds its output", n);
	tap_ok(rt_map_kind_find("mode") == NULL, "... and no other setting is a map kind");
}

int main(void)
{
	snprintf(path, sizeof(path), "/tmp/rt-compiler-%d.table", (int)getpid());
	map_kinds_are_settings();
	/* no duplicates, few addresses (the exact pass has little or nothing
	   to see) and many (addresses share bits of the first pass) */
	merge_case(10, 40, 0);
	merge_case(17, 60000, 0);
	/* duplicates: a few, and one in 16 of many */
	merge_case(10, 40, 7);
	merge_case(17, 60000, 16);
	keyset_reuse();
	return tap_done();
}
