/* relaytab-settings.h - the plugin's settings: their values, parsed the
 * same way on every Dovecot (relaytab-settings-parse.c), and read from
 * Dovecot in one place per version (relaytab-settings-23.c: the plugin {}
 * block of 2.3; relaytab-settings-24.c: the declared settings of 2.4). */
#ifndef RELAYTAB_SETTINGS_H
#define RELAYTAB_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>

struct mail_user;
struct rt_netlist;

#define RELAYTAB_DEFAULT_SERVICES "imap pop3"
#define RELAYTAB_DEFAULT_REFRESH 60
/* The yes/no settings (relaytab_master_users, relaytab_allow_loopback)
 * default to no. */

/* The settings as Dovecot gives them: NULL or "" is unset (the default). */
struct relaytab_settings_text {
	const char *table;		/* relaytab_table */
	const char *services;		/* relaytab_services */
	const char *refresh_interval;	/* relaytab_refresh_interval */
	const char *master_users;	/* relaytab_master_users */
	const char *allow_loopback;	/* relaytab_allow_loopback */
	const char *exclude;		/* relaytab_exclude */
};

struct relaytab_settings {
	const char *table;		/* relaytab_table */
	struct rt_netlist *exclude;	/* relaytab_exclude (owned) */
	const char *services;		/* relaytab_services */
	uint32_t refresh_interval;	/* relaytab_refresh_interval, s; 0 off */
	bool master_users;		/* relaytab_master_users */
	bool allow_loopback;		/* relaytab_allow_loopback */
};

/* Parse text into set (its strings point into text). Returns 0, or -1 with
 * *error_r (data stack) naming the bad setting and its value; set then
 * needs relaytab_settings_free() all the same. */
int relaytab_settings_parse(const struct relaytab_settings_text *text,
			    struct relaytab_settings *set, const char **error_r);

/* Read and parse the settings of user (strings live in the user's pool).
 * Returns 0, or -1 with *error_r naming the bad setting. */
int relaytab_settings_read(struct mail_user *user, struct relaytab_settings *set,
			   const char **error_r);
void relaytab_settings_free(struct relaytab_settings *set);

#endif
