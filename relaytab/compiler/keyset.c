/* keyset.c - turning a liveset into the sorted keys of one map. */
#include "keyset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "mapkeys.h"
#include "siphash.h"

int rt_keyset_add(struct rt_keyset *ks, const char *key, size_t len)
{
	char *k = malloc(len + 1), **slot;

	if (k == NULL || (slot = RT_ARRAY_ADD(ks->keys, ks->n, ks->cap)) == NULL) {
		free(k);
		return -1;
	}
	memcpy(k, key, len);
	k[len] = '\0';
	*slot = k;
	return 0;
}

static int keyset_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void keyset_drop(void *kept, void *other)
{
	(void)kept;
	free(*(char **)other);
}

void rt_keyset_finish(struct rt_keyset *ks)
{
	ks->n = rt_sort_unique(ks->keys, ks->n, sizeof(*ks->keys), keyset_cmp,
			       keyset_drop);
}

int rt_keyset_build(const struct rt_liveset *ls, const struct rt_keyset_opts *o,
		    struct rt_keyset *ks, struct rt_err *err)
{
	char (*pkeys)[RT_KEY_MAX] = NULL, key[RT_KEY_MAX], msg[160];
	size_t len;

	memset(ks, 0, sizeof(*ks));
	if (o->ipv6_prefix != 0 &&
	    (pkeys = malloc(RT_PREFIX_KEYS_MAX * sizeof(*pkeys))) == NULL)
		return rt_err_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < ls->n; i++) {
		const struct rt_addr *a = &ls->v[i].ip;

		if (o->form == RT_KEYS_SENDMAIL) {
			len = rt_key_sendmail(a, o->tag, key);
			if (len == 0) {
				rt_keyset_free(ks);
				free(pkeys);
				return rt_err_fail(err, EINVAL, "sendmail tag too long");
			}
		} else if (o->ipv6_prefix != 0 && !rt_addr_is_v4(a)) {
			int n = rt_keys_postfix_prefix(a, o->ipv6_prefix, pkeys,
						       RT_PREFIX_KEYS_MAX);

			if (n > 0) {
				for (int k = 0; k < n; k++) {
					if (rt_keyset_add(ks, pkeys[k], strlen(pkeys[k])) != 0)
						goto nomem;
				}
				continue;
			}
			if (o->warn != NULL) {
				snprintf(msg, sizeof(msg),
					 "the /%u prefix of %s cannot be expressed exactly in a Postfix map; writing the host key",
					 o->ipv6_prefix, rt_addr_format(a, key));
				o->warn(o->warn_context, msg);
			}
			len = rt_key_postfix(a, key);
		} else {
			len = rt_key_postfix(a, key);
		}
		if (rt_keyset_add(ks, key, len) != 0)
			goto nomem;
	}
	free(pkeys);
	rt_keyset_finish(ks);
	return 0;
nomem:
	free(pkeys);
	rt_keyset_free(ks);
	return rt_err_fail(err, ENOMEM, "out of memory");
}

uint64_t rt_keyset_digest(const struct rt_keyset *ks)
{
	static const uint64_t key[2] = { 0x72656c6179746162ULL, 0x6b65797365747631ULL };
	uint64_t h = ks->n;

	for (size_t i = 0; i < ks->n; i++) {
		uint64_t k[2] = { key[0] ^ h, key[1] };

		h = rt_siphash24(k, ks->keys[i], strlen(ks->keys[i]) + 1);
	}
	return h;
}

void rt_keyset_free(struct rt_keyset *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		free(ks->keys[i]);
	free(ks->keys);
	memset(ks, 0, sizeof(*ks));
}
