/* compile.h - one compiler pass: expire the table, build the liveset, and
 * bring every configured map up to date (rewriting only those whose keys
 * changed). Used by "relaytab compile" and "relaytab watch". Also the
 * compiler's settings, from /etc/relaytab.conf and the command line. */
#ifndef RELAYTAB_COMPILE_H
#define RELAYTAB_COMPILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"
#include "emit.h"
#include "err.h"
#include "keyset.h"
#include "liveset.h"
#include "relay-rule.h"
#include "table.h"

#define RT_CONF_DEFAULT_PATH "/etc/relaytab.conf"
#define RT_GRACE_DEFAULT 1800

struct rt_output {
	const struct rt_map_kind *kind;
	char *name;		/* as configured (cdb:NAME, hash:NAME) */
	char *path;		/* the file written */
	bool have_digest;	/* digest of the keys the file holds */
	uint64_t digest;
};

struct rt_compile_conf {
	char *table_path;	/* NULL: the caller's default */
	uint32_t grace;
	char *exclude_text;
	struct rt_netlist *exclude;
	unsigned ipv6_prefix;	/* 16..64, or RT_IPV6_PREFIX_HOST */
	unsigned max_users;	/* max-users-per-address: 1..RT_USERS_MAX - 1, 0: no limit */
	char *sendmail_tag;
	mode_t mode;
	struct rt_output *outputs;
	size_t noutputs, outputs_cap;
	/* buffers kept from one pass to the next, so that watch's passes
	   (and the benchmark's) fault in no new memory: the keys of each
	   form, and rt_compile_run's liveset */
	struct rt_keyset keys[RT_KEYS_COUNT];
	struct rt_liveset ls;
};

void rt_compile_conf_init(struct rt_compile_conf *c);
void rt_compile_conf_free(struct rt_compile_conf *c);
/* Set one setting by its key in relaytab.conf: table, grace, exclude,
 * ipv6-prefix, sendmail-tag, mode, and the outputs postfix-cdb,
 * postfix-hash, sendmail-hash, text (each may be given several times). An
 * unknown key fails. */
int rt_compile_conf_set(struct rt_compile_conf *c, const char *key,
			const char *value, struct rt_err *err);
/* Drop the configured outputs (command-line outputs replace the file's). */
void rt_compile_conf_clear_outputs(struct rt_compile_conf *c);
/* Check the whole: at least one output, each able to hold the rule's
 * grants exactly (an IPv6 prefix of 128 has no exact Postfix keys, a
 * prefix that is not whole groups no Sendmail keys); parses the exclude
 * list. */
int rt_compile_conf_finish(struct rt_compile_conf *c, struct rt_err *err);
/* The relay rule these settings describe (it points at c's exclude list:
 * valid until c changes). */
void rt_compile_conf_rule(const struct rt_compile_conf *c,
			  struct rt_relay_rule *rule_r);

enum rt_log_level { RT_LOG_ERROR, RT_LOG_WARNING, RT_LOG_INFO, RT_LOG_DEBUG };
typedef void rt_compile_log_fn(void *context, enum rt_log_level level,
			       const char *msg);

struct rt_compile_report {
	size_t live;		/* live addresses */
	size_t expired;		/* records deleted from the table */
	size_t written;		/* maps rewritten */
	size_t failed;		/* maps that could not be written */
	uint32_t next_expiry;	/* when the next entry expires, or an address
				   held by max-users-per-address may grant
				   again (0: none) */
};

/* The compiler's input: expire the table and build its liveset at now
 * (rt_liveset_build with the configured grace and exclude; ls is zeroed
 * or an earlier liveset, whose buffers are reused). Fills the
 * report's live, expired and next_expiry. Returns 0, or -1 with err. */
int rt_compile_scan(struct rt_table *t, struct rt_compile_conf *c, uint32_t now,
		    rt_compile_log_fn *log, void *log_context,
		    struct rt_liveset *ls, struct rt_compile_report *rep,
		    struct rt_err *err);
/* The outputs: bring every configured map up to date with ls (rewriting
 * only those whose keys changed). Logs a line per map written and per
 * failure; fills live, next_expiry, written and failed. Returns 0, or -1
 * if any map failed (err holds the first reason); a failed map keeps its
 * previous content. */
int rt_compile_publish(struct rt_compile_conf *c, const struct rt_liveset *ls,
		       rt_compile_log_fn *log, void *log_context,
		       struct rt_compile_report *rep, struct rt_err *err);
/* One pass at time now: rt_compile_scan, then rt_compile_publish.
 * Returns 0, or -1 if the table could not be read or any map failed (err
 * holds the first reason); a failed map keeps its previous content. */
int rt_compile_run(struct rt_table *t, struct rt_compile_conf *c, uint32_t now,
		   rt_compile_log_fn *log, void *log_context,
		   struct rt_compile_report *rep, struct rt_err *err);

#endif
