/* emit.h - the compiler's outputs: write a keyset as a map file, and read
 * an existing map's digest back to tell whether it would change.
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
/* The digest (rt_keyset_digest) of the keys of an existing map, read as
 * they are, none kept. Returns 0, or -1 (errno ENOENT if there is no map,
 * anything else if unreadable). */
int rt_emit_digest(enum rt_map_format fmt, const char *path,
		   uint64_t *digest, struct rt_err *err);

/* How many keys an existing map holds, where that is cheap to tell (a cdb:
 * from its header; its writer must have made each hash table twice its
 * records, as tinycdb and cdbmake do - a map of another writer can only
 * look changed, never unchanged). Returns 0, or -1 (not known). */
int rt_emit_count(enum rt_map_format fmt, const char *path, size_t *count);

/* The emitters; their _digest functions add each key of the map to d. */
int rt_emit_cdb(const char *path, mode_t mode, const struct rt_keyset *ks,
		struct rt_err *err);
int rt_emit_cdb_digest(const char *path, struct rt_key_digest *d,
		       struct rt_err *err);
int rt_emit_cdb_count(const char *path, size_t *count);
int rt_emit_db(const char *path, mode_t mode, bool nul,
	       const struct rt_keyset *ks, struct rt_err *err);
int rt_emit_db_digest(const char *path, bool nul, struct rt_key_digest *d,
		      struct rt_err *err);
int rt_emit_text(const char *path, mode_t mode, const struct rt_keyset *ks,
		 struct rt_err *err);
int rt_emit_text_digest(const char *path, struct rt_key_digest *d,
			struct rt_err *err);

#endif
