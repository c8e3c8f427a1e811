/* emit.c - dispatch from a map format to its emitter and reader. */
#include "emit.h"

#include <string.h>

#include <errno.h>

int rt_emit(enum rt_map_format fmt, const char *path, mode_t mode,
	    const struct rt_keyset *ks, struct rt_err *err)
{
	switch (fmt) {
	case RT_MAP_CDB:
		return rt_emit_cdb(path, mode, ks, err);
	case RT_MAP_DB_POSTFIX:
		return rt_emit_db(path, mode, true, ks, err);
	case RT_MAP_DB_SENDMAIL:
		return rt_emit_db(path, mode, false, ks, err);
	case RT_MAP_TEXT:
		return rt_emit_text(path, mode, ks, err);
	}
	return rt_err_fail(err, EINVAL, "unknown map format");
}

int rt_emit_count(enum rt_map_format fmt, const char *path, size_t *count)
{
	return fmt == RT_MAP_CDB ? rt_emit_cdb_count(path, count) : -1;
}

int rt_emit_digest(enum rt_map_format fmt, const char *path,
		   uint64_t *digest, struct rt_err *err)
{
	/* Read as is: a map someone else wrote might hold a key twice; its
	   digest then differs, and the map is rewritten - which is right. */
	struct rt_key_digest d = { 0, 0 };
	int r;

	switch (fmt) {
	case RT_MAP_CDB:
		r = rt_emit_cdb_digest(path, &d, err);
		break;
	case RT_MAP_DB_POSTFIX:
		r = rt_emit_db_digest(path, true, &d, err);
		break;
	case RT_MAP_DB_SENDMAIL:
		r = rt_emit_db_digest(path, false, &d, err);
		break;
	case RT_MAP_TEXT:
		r = rt_emit_text_digest(path, &d, err);
		break;
	default:
		r = rt_err_fail(err, EINVAL, "unknown map format");
		break;
	}
	if (r == 0)
		*digest = rt_key_digest_value(&d);
	return r;
}
