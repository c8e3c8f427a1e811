/* relaytab-settings.h - the plugin's settings, read in one place from the
 * plugin {} block. */
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

struct relaytab_settings {
	const char *table;		/* relaytab_table */
	struct rt_netlist *exclude;	/* relaytab_exclude (owned) */
	const char *services;		/* relaytab_services */
	uint32_t refresh_interval;	/* relaytab_refresh_interval, s; 0 off */
	bool master_users;		/* relaytab_master_users */
	bool allow_loopback;		/* relaytab_allow_loopback */
};

/* Read the settings of user (strings live in the user's pool). Returns 0,
 * or -1 with *error_r naming the bad setting. */
int relaytab_settings_read(struct mail_user *user, struct relaytab_settings *set,
			   const char **error_r);
void relaytab_settings_free(struct relaytab_settings *set);

#endif
