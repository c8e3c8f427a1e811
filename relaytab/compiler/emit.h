/* emit.h - the compiler's outputs: the map kinds. Each kind is one emitter
 * file that defines its struct rt_map_kind (write a keyset as a map file,
 * read an existing map's keys back to tell whether it would change) and
 * one line in rt_map_kinds[] (emit.c), which is the kind's entry in the
 * settings schema too: its key in relaytab.conf, its option and its help
 * (cli/settings.c lists the kinds among the other settings). Every emitter
 * publishes through publish.h. Values are "OK". */
#ifndef RELAYTAB_EMIT_H
#define RELAYTAB_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "err.h"
#include "keyset.h"

struct rt_map_kind {
	const char *setting;	/* key in relaytab.conf and option: "postfix-cdb" */
	const char *help;	/* for usage and "relaytab help settings" */
	const char *suffix;	/* added to the configured NAME: ".cdb" */
	enum rt_key_form form;	/* the keys it holds */
	/* Write ks to path atomically with the given mode. */
	int (*emit)(const char *path, mode_t mode, const struct rt_keyset *ks,
		    struct rt_err *err);
	/* Add each key of the map at path to d, read as it is. */
	int (*digest)(const char *path, struct rt_key_digest *d,
		      struct rt_err *err);
	/* How many keys the map holds, where that is cheap to tell; NULL if
	 * it never is. */
	int (*count)(const char *path, size_t *count);
};

/* Every map kind, NULL-terminated, in the order usage lists them. */
extern const struct rt_map_kind *const rt_map_kinds[];
/* The kind whose setting is key, or NULL. */
const struct rt_map_kind *rt_map_kind_find(const char *key);

/* The kinds (one emitter file each). */
extern const struct rt_map_kind rt_map_postfix_cdb;	/* emit-cdb.c */
extern const struct rt_map_kind rt_map_postfix_hash;	/* emit-db.c */
extern const struct rt_map_kind rt_map_sendmail_hash;	/* emit-db.c */
extern const struct rt_map_kind rt_map_text;		/* emit-text.c */
extern const struct rt_map_kind rt_map_tcprules;	/* emit-tcprules.c */
extern const struct rt_map_kind rt_map_exim_iplsearch;	/* emit-exim.c */
extern const struct rt_map_kind rt_map_opensmtpd_table;	/* emit-opensmtpd.c */

/* For the emitters of text maps: write header (may be NULL), then each key
 * of ks in strcmp order through put, to path atomically with mode. */
int rt_emit_lines(const char *path, mode_t mode, const struct rt_keyset *ks,
		  const char *header, void (*put)(FILE *f, const char *key),
		  struct rt_err *err);

/* ... and read one back: key finds the key in each line (returns false
 * for a line that holds none, such as a comment), which goes into d. */
int rt_emit_lines_digest(const char *path, struct rt_key_digest *d,
			 bool (*key)(char *line, const char **key_r, size_t *len_r),
			 struct rt_err *err);

/* Write ks to path atomically with the given mode. */
int rt_emit(const struct rt_map_kind *kind, const char *path, mode_t mode,
	    const struct rt_keyset *ks, struct rt_err *err);
/* The digest (rt_keyset_digest) of the keys of an existing map, read as
 * they are, none kept. Returns 0, or -1 (errno ENOENT if there is no map,
 * anything else if unreadable). */
int rt_emit_digest(const struct rt_map_kind *kind, const char *path,
		   uint64_t *digest, struct rt_err *err);
/* How many keys an existing map holds, where that is cheap to tell (a cdb:
 * from its header; its writer must have made each hash table twice its
 * records, as tinycdb and cdbmake do - a map of another writer can only
 * look changed, never unchanged). Returns 0, or -1 (not known). */
int rt_emit_count(const struct rt_map_kind *kind, const char *path, size_t *count);

#endif
