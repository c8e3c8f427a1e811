/* emit.c - the list of map kinds, and the calls that go through a kind. */
#include "emit.h"

#include <errno.h>
#include <string.h>

const struct rt_map_kind *const rt_map_kinds[] = {
	&rt_map_postfix_cdb,
	&rt_map_postfix_hash,
	&rt_map_sendmail_hash,
	&rt_map_text,
	&rt_map_tcprules,
	&rt_map_exim_iplsearch,
	&rt_map_opensmtpd_table,
	NULL,
};

const struct rt_map_kind *rt_map_kind_find(const char *key)
{
	for (size_t i = 0; rt_map_kinds[i] != NULL; i++)
		if (strcmp(rt_map_kinds[i]->setting, key) == 0)
			return rt_map_kinds[i];
	return NULL;
}

int rt_emit(const struct rt_map_kind *kind, const char *path, mode_t mode,
	    const struct rt_keyset *ks, struct rt_err *err)
{
	return kind->emit(path, mode, ks, err);
}

int rt_emit_count(const struct rt_map_kind *kind, const char *path, size_t *count)
{
	return kind->count != NULL ? kind->count(path, count) : -1;
}

int rt_emit_digest(const struct rt_map_kind *kind, const char *path,
		   uint64_t *digest, struct rt_err *err)
{
	/* Read as is: a map someone else wrote might hold a key twice; its
	   digest then differs, and the map is rewritten - which is right. */
	struct rt_key_digest d = { 0, 0 };
	int r = kind->digest(path, &d, err);

	if (r == 0)
		*digest = rt_key_digest_value(&d);
	return r;
}
