/* keyset.h - the keys one map holds: derived from a liveset for one MTA's
 * key form, sorted and unique, with a digest to tell whether a map's
 * content changed. */
#ifndef RELAYTAB_KEYSET_H
#define RELAYTAB_KEYSET_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "liveset.h"

enum rt_key_form {
	RT_KEYS_POSTFIX,	/* RFC 5952 text, optional IPv6 prefix keys */
	RT_KEYS_SENDMAIL,	/* ${client_addr} form, optional tag */
};

struct rt_keyset {
	char **keys;		/* sorted (strcmp), unique, NUL-terminated */
	size_t n, cap;
};

/* Called once per IPv6 prefix that could not be expressed exactly. */
typedef void rt_keyset_warn_fn(void *context, const char *msg);

struct rt_keyset_opts {
	enum rt_key_form form;
	unsigned ipv6_prefix;	/* 0 or 16..64: Postfix prefix keys */
	const char *tag;	/* Sendmail key tag, or NULL */
	rt_keyset_warn_fn *warn;
	void *warn_context;
};

int rt_keyset_build(const struct rt_liveset *ls, const struct rt_keyset_opts *o,
		    struct rt_keyset *ks, struct rt_err *err);
/* Add one key (copied); sort and dedupe with rt_keyset_finish. */
int rt_keyset_add(struct rt_keyset *ks, const char *key, size_t len);
void rt_keyset_finish(struct rt_keyset *ks);
uint64_t rt_keyset_digest(const struct rt_keyset *ks);
void rt_keyset_free(struct rt_keyset *ks);

#endif
