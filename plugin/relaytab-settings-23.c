/* relaytab-settings-23.c - Dovecot 2.3: relaytab_* from the plugin {}
 * block, where a bad value can only be found at login (and is logged). */
#include "lib.h"
#include "mail-user.h"

#include "relaytab-settings.h"

int relaytab_settings_read(struct mail_user *user, struct relaytab_settings *set,
			   const char **error_r)
{
	struct relaytab_settings_text text = {
		.table = mail_user_plugin_getenv(user, "relaytab_table"),
		.services = mail_user_plugin_getenv(user, "relaytab_services"),
		.refresh_interval = mail_user_plugin_getenv(user, "relaytab_refresh_interval"),
		.master_users = mail_user_plugin_getenv(user, "relaytab_master_users"),
		.allow_loopback = mail_user_plugin_getenv(user, "relaytab_allow_loopback"),
		.exclude = mail_user_plugin_getenv(user, "relaytab_exclude"),
	};

	/* the values live in the user's settings, as long as the user */
	return relaytab_settings_parse(&text, set, error_r);
}
