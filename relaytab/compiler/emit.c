/* emit.c - dispatch from a map format to its emitter and reader. */
#include "emit.h"

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

int rt_emit_read(enum rt_map_format fmt, const char *path,
		 struct rt_keyset *ks, struct rt_err *err)
{
	switch (fmt) {
	case RT_MAP_CDB:
		return rt_emit_cdb_read(path, ks, err);
	case RT_MAP_DB_POSTFIX:
		return rt_emit_db_read(path, true, ks, err);
	case RT_MAP_DB_SENDMAIL:
		return rt_emit_db_read(path, false, ks, err);
	case RT_MAP_TEXT:
		return rt_emit_text_read(path, ks, err);
	}
	return rt_err_fail(err, EINVAL, "unknown map format");
}
