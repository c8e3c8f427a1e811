/* keyset.h - the keys one map holds: derived from a liveset for one MTA's
 * key form, unique, in one arena, with a digest of the set (independent of
 * order) to tell whether a map's content changed. No sort: only the text
 * map orders its keys (rt_keyset_sorted). */
#ifndef RELAYTAB_KEYSET_H
#define RELAYTAB_KEYSET_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "liveset.h"
#include "relay-rule.h"

enum rt_key_form {
	RT_KEYS_POSTFIX,	/* RFC 5952 text, optional IPv6 prefix keys */
	RT_KEYS_SENDMAIL,	/* ${client_addr} form, optional tag */
	RT_KEYS_TCPSERVER,	/* TCPREMOTEIP form, IPv6 prefix keys ending ':' */
	RT_KEYS_CIDR,		/* the grant network: a.b.c.d, net/bits */
	RT_KEYS_COUNT
};

struct rt_keyset {
	char *arena;		/* the keys, each NUL-terminated */
	size_t arena_len, arena_cap;
	size_t *off;		/* key i is arena + off[i] */
	size_t n, cap;
	uint64_t sum;		/* sum of the keys' hashes (keyed, secret):
				   the digest */
	uint32_t *set;		/* hash set of key numbers + 1, only while
				   duplicates may come (rt_keyset_dedupe) */
	size_t set_size;
	size_t unwritten;	/* grants the form has no exact key for, left
				   out (RT_KEYS_TCPSERVER only) */
};

static inline const char *rt_keyset_key(const struct rt_keyset *ks, size_t i)
{
	return ks->arena + ks->off[i];
}

/* The length of key i, without its NUL. */
static inline size_t rt_keyset_keylen(const struct rt_keyset *ks, size_t i)
{
	return (i + 1 < ks->n ? ks->off[i + 1] : ks->arena_len) - ks->off[i] - 1;
}

struct rt_keyset_opts {
	enum rt_key_form form;
	const struct rt_relay_rule *rule;	/* what each login grants */
	const char *tag;	/* Sendmail key tag, or NULL */
};

/* Build the keys of ls into ks: for each login, keys that match its grant
 * network (rt_relay_grant) and nothing else, in the MTA's lookup order -
 * an IPv4 or IPv6 /128 host key, Postfix prefix keys
 * (rt_keys_postfix_prefix), a Sendmail prefix key
 * (rt_key_sendmail_prefix) or a tcpserver one (rt_key_tcpserver_net). A
 * grant the Postfix or Sendmail form cannot hold exactly fails with EINVAL
 * (rt_compile_conf_finish refuses such settings first); one the tcpserver
 * form cannot hold is left out and counted in ks->unwritten. ks is
 * zeroed, or a keyset built before, whose buffers are reused (watch's
 * passes fault no new memory in). */
int rt_keyset_build(const struct rt_liveset *ls, const struct rt_keyset_opts *o,
		    struct rt_keyset *ks, struct rt_err *err);
/* Add one key (copied). Keys are taken as unique unless rt_keyset_dedupe()
 * was called first: then a repeated key is dropped. */
int rt_keyset_add(struct rt_keyset *ks, const char *key, size_t len);
/* From now on drop repeated keys (IPv6 prefix keys repeat): a key added
 * after this call is dropped if it was added before (after this call too,
 * or before it: rt_keyset_build calls it on an empty set). Returns 0, or -1
 * (ENOMEM). */
int rt_keyset_dedupe(struct rt_keyset *ks);
/* The set's digest: equal for equal sets, whatever the order. */
uint64_t rt_keyset_digest(const struct rt_keyset *ks);

/* The same digest accumulated one key at a time, keeping no key: how a map
 * read back is compared with a keyset (rt_emit_digest). Start zeroed. */
struct rt_key_digest {
	uint64_t sum;
	size_t n;
};
void rt_key_digest_add(struct rt_key_digest *d, const char *key, size_t len);
uint64_t rt_key_digest_value(const struct rt_key_digest *d);
/* The keys in strcmp order, as a new array of pointers into the arena (the
 * caller frees it), or NULL (ENOMEM). */
const char **rt_keyset_sorted(const struct rt_keyset *ks);
void rt_keyset_free(struct rt_keyset *ks);

#endif
