/* relaytab-plugin.c - the Dovecot post-login plugin: on every genuine IMAP
 * or POP3 login, record the client IP in the relaytab table; while the
 * session lives, refresh it, and once more at logout.
 *
 * Fails open for the login, closed for relay: any problem with the table or
 * the settings is logged (at most once a minute per kind of problem) and
 * grants nothing; the login itself always goes on. Nothing here may exit,
 * abort or i_fatal. */
#include "lib.h"
#include "ioloop.h"
#include "net.h"
#include "mail-user.h"
#include "mail-storage-hooks.h"
#include "module-context.h"

#include <errno.h>
#include <stdarg.h>
#include <time.h>

#include "relaytab-plugin.h"
#include "relaytab-decide.h"
#include "relaytab-settings.h"

#include "table.h"
#include "service.h"

#define RELAYTAB_USER_CONTEXT(obj) \
	MODULE_CONTEXT(obj, relaytab_user_module)
#define RELAYTAB_LOG_INTERVAL 60	/* seconds between similar errors */
#define RELAYTAB_MAX_REFRESH (24 * 3600)

struct relaytab_user {
	union mail_user_module_context module_ctx;
	struct mail_user *user;
	struct rt_addr ip;
	const char *table_path;
	enum rt_service service;
	struct timeout *to;
};

const char *relaytab_plugin_version = DOVECOT_ABI_VERSION;

static MODULE_CONTEXT_DEFINE_INIT(relaytab_user_module,
				  &mail_user_module_register);

/* The table is mapped once per process and shared by its users. */
static struct rt_table *relaytab_table;
static char *relaytab_table_path;

enum relaytab_problem {
	RELAYTAB_PROBLEM_SETTINGS,
	RELAYTAB_PROBLEM_OPEN,
	RELAYTAB_PROBLEM_WRITE,
	RELAYTAB_PROBLEM_COUNT
};
static time_t relaytab_problem_last[RELAYTAB_PROBLEM_COUNT];
static unsigned int relaytab_problem_suppressed[RELAYTAB_PROBLEM_COUNT];

static void ATTR_FORMAT(3, 4)
relaytab_error(struct mail_user *user, enum relaytab_problem p,
	       const char *fmt, ...)
{
	time_t now = time(NULL);
	const char *msg;
	va_list args;

	if (relaytab_problem_last[p] != 0 &&
	    now - relaytab_problem_last[p] < RELAYTAB_LOG_INTERVAL) {
		relaytab_problem_suppressed[p]++;
		return;
	}
	va_start(args, fmt);
	msg = t_strdup_vprintf(fmt, args);
	va_end(args);
	if (relaytab_problem_suppressed[p] > 0) {
		msg = t_strdup_printf("%s (%u similar errors suppressed)", msg,
				      relaytab_problem_suppressed[p]);
	}
	e_error(user->event, "relaytab: %s", msg);
	relaytab_problem_last[p] = now;
	relaytab_problem_suppressed[p] = 0;
}

static struct rt_table *relaytab_get_table(struct mail_user *user,
					   const char *path)
{
	struct rt_err err;

	if (relaytab_table != NULL &&
	    (strcmp(relaytab_table_path, path) != 0 ||
	     rt_table_still_current(relaytab_table) != 1)) {
		rt_table_close(&relaytab_table);
		i_free(relaytab_table_path);
	}
	if (relaytab_table == NULL) {
		/* windowed: a login maps its two buckets, not the whole table,
		   so any table fits the mail process's vsz_limit */
		if (rt_table_open(path, RT_OPEN_RDWR | RT_OPEN_WINDOW,
				  &relaytab_table, &err) < 0) {
			relaytab_error(user, RELAYTAB_PROBLEM_OPEN,
				"cannot use the table, logins grant no relaying: %s",
				err.msg);
			return NULL;
		}
		relaytab_table_path = i_strdup(path);
	}
	return relaytab_table;
}

static void relaytab_record(struct relaytab_user *ruser, int flags)
{
	struct mail_user *user = ruser->user;
	struct rt_table *t = relaytab_get_table(user, ruser->table_path);
	char ip[RT_ADDR_STRLEN];
	int r;

	if (t == NULL)
		return;
	r = rt_table_upsert(t, &ruser->ip, user->username, ruser->service,
			    rt_time_stamp(), flags);
	rt_addr_format(&ruser->ip, ip);
	if (r < 0) {
		relaytab_error(user, RELAYTAB_PROBLEM_WRITE,
			"cannot record %s in %s (%s): this login grants no relaying",
			ip, ruser->table_path,
			errno == ENOSPC ? "table full" :
			errno == EBUSY ? "table busy" : strerror(errno));
		return;
	}
	e_debug(user->event, "relaytab: %s %s for %s",
		flags == RT_UPSERT_REFRESH ? "refreshed" : "recorded", ip,
		user->username);
}

static void relaytab_refresh(struct relaytab_user *ruser)
{
	relaytab_record(ruser, RT_UPSERT_REFRESH);
}

static void relaytab_user_deinit(struct mail_user *user)
{
	/* set together with this deinit, so never NULL here */
	struct relaytab_user *ruser = RELAYTAB_USER_CONTEXT(user);

	timeout_remove(&ruser->to);
	/* the grace counts from the end of the session */
	relaytab_record(ruser, RT_UPSERT_REFRESH);
	ruser->module_ctx.super.deinit(user);
}

static bool relaytab_is_master_login(const struct mail_user *user)
{
	if (user->userdb_fields != NULL) {
		for (const char *const *f = user->userdb_fields; *f != NULL; f++) {
			if (strncmp(*f, "master_user=", 12) == 0)
				return TRUE;
		}
	}
	return user->auth_user != NULL &&
		strcmp(user->auth_user, user->username) != 0;
}

/* Dovecot marks a login with the ANONYMOUS mechanism with the "anonymous"
 * auth field, which sets user->anonymous; auth_mech says so too. */
static bool relaytab_is_anonymous(const struct mail_user *user)
{
	return user->anonymous ||
		(user->auth_mech != NULL &&
		 strcasecmp(user->auth_mech, "ANONYMOUS") == 0);
}

static bool relaytab_client_ip(const struct mail_user *user, struct rt_addr *ip)
{
	const struct ip_addr *rip = user->conn.remote_ip;

	if (rip == NULL)
		return FALSE;
	if (rip->family == AF_INET) {
		rt_addr_from_v4(ip, (const uint8_t *)&rip->u.ip4.s_addr);
		return TRUE;
	}
	if (rip->family == AF_INET6) {
		rt_addr_from_v6(ip, rip->u.ip6.s6_addr);
		return TRUE;
	}
	return FALSE;
}

static void relaytab_mail_user_created(struct mail_user *user)
{
	struct mail_user_vfuncs *v = user->vlast;
	struct relaytab_settings set;
	struct relaytab_user *ruser;
	enum relaytab_verdict verdict;
	struct rt_addr ip;
	const char *error;

	if (relaytab_settings_read(user, &set, &error) < 0) {
		relaytab_error(user, RELAYTAB_PROBLEM_SETTINGS,
			       "%s; recording is disabled", error);
		relaytab_settings_free(&set);
		return;
	}
	struct relaytab_policy policy = {
		.services = set.services,
		.exclude = set.exclude,
		.master_users = set.master_users,
		.allow_loopback = set.allow_loopback,
	};
	struct relaytab_login login = {
		.service = user->service,
		.autocreated = user->autocreated,
		.ip = relaytab_client_ip(user, &ip) ? &ip : NULL,
		.master_login = relaytab_is_master_login(user),
		.anonymous = relaytab_is_anonymous(user),
	};
	verdict = relaytab_decide(&policy, &login);
	if (verdict != RELAYTAB_RECORD) {
		e_debug(user->event, "relaytab: not recording: %s",
			relaytab_verdict_name(verdict));
		relaytab_settings_free(&set);
		return;
	}

	ruser = p_new(user->pool, struct relaytab_user, 1);
	ruser->user = user;
	ruser->ip = ip;
	ruser->table_path = p_strdup(user->pool, set.table);
	ruser->service = rt_service_from_name(user->service);
	/* IMAP unhibernation is the same session, not a new login */
	relaytab_record(ruser, user->session_restored ?
			RT_UPSERT_REFRESH : RT_UPSERT_LOGIN);
	if (set.refresh_interval > 0 && current_ioloop != NULL) {
		unsigned int secs = set.refresh_interval > RELAYTAB_MAX_REFRESH ?
			RELAYTAB_MAX_REFRESH : set.refresh_interval;

		ruser->to = timeout_add(secs * 1000, relaytab_refresh, ruser);
	}
	relaytab_settings_free(&set);

	ruser->module_ctx.super = *v;
	user->vlast = &ruser->module_ctx.super;
	v->deinit = relaytab_user_deinit;
	MODULE_CONTEXT_SET(user, relaytab_user_module, ruser);
}

static struct mail_storage_hooks relaytab_mail_storage_hooks = {
	.mail_user_created = relaytab_mail_user_created,
};

void relaytab_plugin_init(struct module *module)
{
	mail_storage_hooks_add(module, &relaytab_mail_storage_hooks);
}

void relaytab_plugin_deinit(void)
{
	mail_storage_hooks_remove(&relaytab_mail_storage_hooks);
	rt_table_close(&relaytab_table);
	i_free(relaytab_table_path);
}
