/* keyset.c - turning a liveset into the keys of one map (unique, unsorted). */
#include "keyset.h"

#include <errno.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "array.h"
#include "mapkeys.h"
#include "siphash.h"

/* A key's hash, for the digest and the hash set: SipHash with a key drawn
 * at random once per process. The digest is a sum of these, and a sum of
 * hashes someone can compute could be balanced by a chosen set of logins
 * (an expiry hidden by an addition of equal sum would leave a map
 * unwritten); with a secret key that cannot be aimed at. Digests are only
 * ever compared within one process (watch's, or one compile's). */
static uint64_t keyset_secret[2];
static pthread_once_t keyset_secret_once = PTHREAD_ONCE_INIT;

static void keyset_secret_init(void)
{
	if (getrandom(keyset_secret, sizeof(keyset_secret), 0) !=
	    (ssize_t)sizeof(keyset_secret)) {
		/* no entropy (a very early boot): a fixed key is still a
		   correct digest, only a predictable one */
		keyset_secret[0] = 0x72656c6179746162ULL;
		keyset_secret[1] = (uint64_t)getpid();
	}
}

static uint64_t keyset_hash(const char *key, size_t len)
{
	pthread_once(&keyset_secret_once, keyset_secret_init);
	return rt_siphash24(keyset_secret, key, len);
}

/* The slot of key in the hash set: where it is, or the empty one to put it. */
static size_t keyset_slot(const struct rt_keyset *ks, const char *key,
			  size_t len, uint64_t h)
{
	size_t i = (size_t)h & (ks->set_size - 1);

	while (ks->set[i] != 0) {
		const char *k = rt_keyset_key(ks, ks->set[i] - 1);

		if (strncmp(k, key, len) == 0 && k[len] == '\0')
			break;
		i = (i + 1) & (ks->set_size - 1);
	}
	return i;
}

/* Keep the hash set at most half full. */
static int keyset_set_grow(struct rt_keyset *ks)
{
	size_t size = ks->set_size ? ks->set_size * 2 : 1024;
	uint32_t *old = ks->set;
	size_t old_size = ks->set_size;

	if ((ks->set = calloc(size, sizeof(*ks->set))) == NULL) {
		ks->set = old;
		return -1;
	}
	ks->set_size = size;
	for (size_t i = 0; i < old_size; i++) {
		if (old[i] != 0) {
			const char *k = rt_keyset_key(ks, old[i] - 1);
			size_t len = strlen(k);

			ks->set[keyset_slot(ks, k, len, keyset_hash(k, len))] = old[i];
		}
	}
	free(old);
	return 0;
}

int rt_keyset_dedupe(struct rt_keyset *ks)
{
	return ks->set != NULL ? 0 : keyset_set_grow(ks);
}

int rt_keyset_add(struct rt_keyset *ks, const char *key, size_t len)
{
	uint64_t h = keyset_hash(key, len);
	size_t slot = 0, *off;
	char *arena;

	if (ks->set != NULL) {
		if (2 * (ks->n + 1) > ks->set_size && keyset_set_grow(ks) != 0)
			return -1;
		slot = keyset_slot(ks, key, len, h);
		if (ks->set[slot] != 0)
			return 0;	/* already there */
	}
	if (ks->n >= UINT32_MAX - 1)
		return -1;
	while (ks->arena_len + len + 1 > ks->arena_cap) {
		size_t cap = ks->arena_cap ? ks->arena_cap * 2 : 65536;

		if ((arena = realloc(ks->arena, cap)) == NULL)
			return -1;
		ks->arena = arena;
		ks->arena_cap = cap;
	}
	if ((off = RT_ARRAY_ADD(ks->off, ks->n, ks->cap)) == NULL)
		return -1;
	*off = ks->arena_len;
	memcpy(ks->arena + ks->arena_len, key, len);
	ks->arena[ks->arena_len + len] = '\0';
	ks->arena_len += len + 1;
	ks->sum += h;
	if (ks->set != NULL)
		ks->set[slot] = (uint32_t)ks->n;
	return 0;
}

static uint64_t keyset_digest(uint64_t sum, size_t n)
{
	return sum ^ (uint64_t)n * 0x9e3779b97f4a7c15ULL;
}

uint64_t rt_keyset_digest(const struct rt_keyset *ks)
{
	return keyset_digest(ks->sum, ks->n);
}

void rt_key_digest_add(struct rt_key_digest *d, const char *key, size_t len)
{
	d->sum += keyset_hash(key, len);
	d->n++;
}

uint64_t rt_key_digest_value(const struct rt_key_digest *d)
{
	return keyset_digest(d->sum, d->n);
}

static int keyset_strcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **rt_keyset_sorted(const struct rt_keyset *ks)
{
	const char **v = malloc((ks->n ? ks->n : 1) * sizeof(*v));

	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < ks->n; i++)
		v[i] = rt_keyset_key(ks, i);
	qsort(v, ks->n, sizeof(*v), keyset_strcmp);
	return v;
}

/* The keys of one grant network net/bits (from a login at a) into ks.
 * Returns 0, or -1 with err. */
static int keyset_add_grant(struct rt_keyset *ks, const struct rt_keyset_opts *o,
			    const struct rt_addr *a, const struct rt_addr *net,
			    unsigned bits, char (*pkeys)[RT_KEY_MAX],
			    struct rt_err *err)
{
	char key[RT_KEY_MAX], text[RT_ADDR_STRLEN];
	size_t len;
	int n;

	if (o->form == RT_KEYS_CIDR) {
		len = rt_key_cidr(rt_addr_is_v4(a) ? a : net, bits, key);
	} else if (o->form == RT_KEYS_TCPSERVER) {
		if ((len = rt_key_tcpserver_net(rt_addr_is_v4(a) || bits == 128 ? a : net,
						bits, key)) == 0) {
			ks->unwritten++;
			return 0;
		}
		if (rt_addr_is_v4(a)) {	/* as the IPv6 build sees it too */
			char mapped[RT_KEY_MAX];
			int n = snprintf(mapped, sizeof(mapped), "::ffff:%s", key);

			if (rt_keyset_add(ks, mapped, (size_t)n) != 0)
				return rt_err_fail(err, ENOMEM, "out of memory");
		}
	} else if (o->form == RT_KEYS_SENDMAIL) {
		len = rt_addr_is_v4(a) || bits == 128 ?
			rt_key_sendmail(a, o->tag, key) :
			rt_key_sendmail_prefix(net, bits, o->tag, key);
		if (len == 0)
			return rt_err_fail(err, EINVAL,
					   "no Sendmail key for %s/%u (sendmail-tag over 32 bytes, or a prefix that is not whole groups)",
					   rt_addr_format(net, text), bits);
	} else if (rt_addr_is_v4(a)) {
		len = rt_key_postfix(a, key);
	} else {
		n = bits == 128 ? -1 :
			rt_keys_postfix_prefix(net, bits, pkeys, RT_PREFIX_KEYS_MAX);
		if (n <= 0)
			return rt_err_fail(err, EINVAL,
					   "the IPv6 /%u of %s cannot be written exactly as Postfix keys",
					   bits, rt_addr_format(a, text));
		for (int k = 0; k < n; k++) {
			if (rt_keyset_add(ks, pkeys[k], strlen(pkeys[k])) != 0)
				return rt_err_fail(err, ENOMEM, "out of memory");
		}
		return 0;
	}
	if (rt_keyset_add(ks, key, len) != 0)
		return rt_err_fail(err, ENOMEM, "out of memory");
	return 0;
}

int rt_keyset_build(const struct rt_liveset *ls, const struct rt_keyset_opts *o,
		    struct rt_keyset *ks, struct rt_err *err)
{
	char (*pkeys)[RT_KEY_MAX] = NULL;
	bool prefixes = o->rule->ipv6_prefix < 128;

	/* room for one key per address at once (an IPv4 key is at most 16
	   bytes with its NUL): no regrowth, no copying, for the common case;
	   the buffers of an earlier build are kept if big enough */
	free(ks->set);
	ks->set = NULL;
	ks->set_size = ks->n = ks->arena_len = 0;
	ks->sum = 0;
	ks->unwritten = 0;
	if (ls->n > ks->cap) {
		size_t *off = realloc(ks->off, ls->n * sizeof(*off));

		if (off == NULL)
			goto nomem;
		rt_advise_huge(off, ls->n * sizeof(*off));
		ks->off = off;
		ks->cap = ls->n;
	}
	if (ls->n * 16 > ks->arena_cap) {
		char *arena = realloc(ks->arena, ls->n * 16);

		if (arena == NULL)
			goto nomem;
		rt_advise_huge(arena, ls->n * 16);
		ks->arena = arena;
		ks->arena_cap = ls->n * 16;
	}
	/* host keys of distinct addresses are distinct; prefix keys repeat
	   (logins of one /N, and Postfix's keys of neighbouring nets) */
	if (prefixes &&
	    ((pkeys = malloc(RT_PREFIX_KEYS_MAX * sizeof(*pkeys))) == NULL ||
	     rt_keyset_dedupe(ks) != 0))
		goto nomem;
	for (size_t i = 0; i < ls->n; i++) {
		const struct rt_addr *a = &ls->v[i].ip;
		struct rt_addr net;
		unsigned bits;

		/* the liveset holds only logins that grant (rt_liveset_build) */
		if (!rt_relay_grant(o->rule, a, &net, &bits))
			continue;
		if (keyset_add_grant(ks, o, a, &net, bits, pkeys, err) != 0) {
			free(pkeys);
			rt_keyset_free(ks);
			return -1;
		}
	}
	free(pkeys);
	free(ks->set);		/* complete: no more adds */
	ks->set = NULL;
	ks->set_size = 0;
	return 0;
nomem:
	free(pkeys);
	rt_keyset_free(ks);
	return rt_err_fail(err, ENOMEM, "out of memory");
}

void rt_keyset_free(struct rt_keyset *ks)
{
	free(ks->arena);
	free(ks->off);
	free(ks->set);
	memset(ks, 0, sizeof(*ks));
}
