/* compile.c - one compiler pass (see compile.h). */
#include "compile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "keyset.h"
#include "liveset.h"

struct log_ctx {
	rt_compile_log_fn *log;
	void *context;
};

static void compile_log(rt_compile_log_fn *log, void *context,
			enum rt_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void compile_log(rt_compile_log_fn *log, void *context,
			enum rt_log_level level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log(context, level, msg);
}

/* Bring one output up to date from the keys of its form. Returns 1
 * written, 0 unchanged, -1 error. */
static int compile_output(struct rt_output *o, const struct rt_keyset *ks,
			  const struct rt_compile_conf *c, struct log_ctx *w,
			  struct rt_err *err)
{
	uint64_t digest = rt_keyset_digest(ks);
	size_t count;

	/* the first pass of a process reads the map's digest back, unless
	   its key count already tells it changed */
	if (!o->have_digest &&
	    (rt_emit_count(o->kind, o->path, &count) != 0 || count == ks->n) &&
	    rt_emit_digest(o->kind, o->path, &o->digest, NULL) == 0)
		o->have_digest = true;
	if (o->have_digest && o->digest == digest)
		return 0;
	if (rt_emit(o->kind, o->path, c->mode, ks, err) != 0)
		return -1;
	o->digest = digest;
	o->have_digest = true;
	compile_log(w->log, w->context, RT_LOG_INFO, "wrote %s: %zu key%s",
		    o->path, ks->n, ks->n == 1 ? "" : "s");
	if (ks->unwritten > 0)
		compile_log(w->log, w->context, RT_LOG_WARNING,
			    "%s: %zu IPv6 grant%s left out: no key %s matches exactly (a 0 group in the prefix, or an address ending in one)",
			    o->path, ks->unwritten, ks->unwritten == 1 ? "" : "s",
			    o->kind->setting);
	return 1;
}

/* The keys of one form for this pass: built at most once, whatever number
 * of maps share them (cdb, hash and text all take Postfix's), into the
 * buffers of the last pass. */
static const struct rt_keyset *compile_keys(struct rt_compile_conf *c,
					    bool *built, enum rt_key_form form,
					    const struct rt_liveset *ls,
					    struct rt_err *err)
{
	struct rt_relay_rule rule;
	struct rt_keyset_opts ko = {
		.form = form,
		.rule = &rule,
		.tag = c->sendmail_tag,
	};

	rt_compile_conf_rule(c, &rule);

	if (!built[form]) {
		if (rt_keyset_build(ls, &ko, &c->keys[form], err) != 0)
			return NULL;
		built[form] = true;
	}
	return &c->keys[form];
}

int rt_compile_publish(struct rt_compile_conf *c, const struct rt_liveset *ls,
		       rt_compile_log_fn *log, void *log_context,
		       struct rt_compile_report *rep, struct rt_err *err)
{
	struct log_ctx w = { log, log_context };
	bool built[RT_KEYS_COUNT] = { false };	/* by rt_key_form */
	struct rt_err oerr;
	int ret = 0;

	rep->live = ls->n;
	rep->next_expiry = ls->next_expiry;
	rep->written = rep->failed = 0;
	for (size_t i = 0; i < c->noutputs; i++) {
		enum rt_key_form form = c->outputs[i].kind->form;
		const struct rt_keyset *ks = compile_keys(c, built, form, ls,
							  &oerr);
		int r = ks == NULL ? -1 :
			compile_output(&c->outputs[i], ks, c, &w, &oerr);

		if (r > 0)
			rep->written++;
		if (r < 0) {
			rep->failed++;
			compile_log(log, log_context, RT_LOG_ERROR, "%s", oerr.msg);
			if (ret == 0)
				rt_err_set(err, "%s", oerr.msg);
			ret = -1;
		}
	}
	return ret;
}

int rt_compile_scan(struct rt_table *t, struct rt_compile_conf *c, uint32_t now,
		    rt_compile_log_fn *log, void *log_context,
		    struct rt_liveset *ls, struct rt_compile_report *rep,
		    struct rt_err *err)
{
	struct rt_relay_rule rule;

	memset(rep, 0, sizeof(*rep));
	rt_compile_conf_rule(c, &rule);
	if (rt_liveset_build(t, now, &rule, ls, err) != 0)
		return -1;
	rep->live = ls->n;
	rep->expired = ls->scan.expired;
	rep->next_expiry = ls->next_expiry;
	if (ls->shared_denied > 0)
		compile_log(log, log_context, RT_LOG_DEBUG,
			    "%zu address%s with more than %u users (max-users-per-address) granted nothing",
			    ls->shared_denied, ls->shared_denied == 1 ? "" : "es",
			    c->max_users);
	if (ls->scan.expired > 0)
		compile_log(log, log_context, RT_LOG_DEBUG, "expired %llu entr%s",
			    (unsigned long long)ls->scan.expired,
			    ls->scan.expired == 1 ? "y" : "ies");
	return 0;
}

int rt_compile_run(struct rt_table *t, struct rt_compile_conf *c, uint32_t now,
		   rt_compile_log_fn *log, void *log_context,
		   struct rt_compile_report *rep, struct rt_err *err)
{
	if (rt_compile_scan(t, c, now, log, log_context, &c->ls, rep, err) != 0)
		return -1;
	return rt_compile_publish(c, &c->ls, log, log_context, rep, err);
}
