/* emit.h - the compiler's outputs: write a keyset as a map file, and read
 * the keys back from an existing map to tell whether it would change.
 * Every emitter publishes through publish.h. Values are "OK". */
#ifndef RELAYTAB_EMIT_H
#define RELAYTAB_EMIT_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "keyset.h"

enum rt_map_format {
	RT_MAP_CDB,		/* tinycdb, keys without NUL (Postfix cdb:) */
	RT_MAP_DB_POSTFIX,	/* Berkeley DB hash, keys and values with a
				   trailing NUL, as postmap writes them */
	RT_MAP_DB_SENDMAIL,	/* Berkeley DB hash, no NUL (makemap) */
	RT_MAP_TEXT,		/* sorted "key<TAB>OK" lines */
};

/* Write ks to path atomically with the given mode. */
int rt_emit(enum rt_map_format fmt, const char *path, mode_t mode,
	    const struct rt_keyset *ks, struct rt_err *err);
/* Read the keys of an existing map into ks, as they are. Returns 0, or -1
 * (errno ENOENT if there is no map, anything else if unreadable). */
int rt_emit_read(enum rt_map_format fmt, const char *path,
		 struct rt_keyset *ks, struct rt_err *err);

/* The emitters; their _read functions add to a ks rt_emit_read prepared. */
int rt_emit_cdb(const char *path, mode_t mode, const struct rt_keyset *ks,
		struct rt_err *err);
int rt_emit_cdb_read(const char *path, struct rt_keyset *ks, struct rt_err *err);
int rt_emit_db(const char *path, mode_t mode, bool nul,
	       const struct rt_keyset *ks, struct rt_err *err);
int rt_emit_db_read(const char *path, bool nul, struct rt_keyset *ks,
		    struct rt_err *err);
int rt_emit_text(const char *path, mode_t mode, const struct rt_keyset *ks,
		 struct rt_err *err);
int rt_emit_text_read(const char *path, struct rt_keyset *ks, struct rt_err *err);

#endif
