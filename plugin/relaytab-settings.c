/* relaytab-settings.c - reading relaytab_* from the plugin {} block. */
#include "lib.h"
#include "mail-user.h"

#include "relaytab-settings.h"

#include "addr.h"
#include "table.h"
#include "duration.h"

static int relaytab_bool(const char *value, bool *r)
{
	if (value == NULL || *value == '\0' || strcasecmp(value, "no") == 0 ||
	    strcasecmp(value, "false") == 0 || strcmp(value, "0") == 0) {
		*r = FALSE;
		return 0;
	}
	if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "true") == 0 ||
	    strcmp(value, "1") == 0) {
		*r = TRUE;
		return 0;
	}
	return -1;
}

/* Read the yes/no setting name into *r (unset: no). */
static int relaytab_bool_setting(struct mail_user *user, const char *name,
				 bool *r, const char **error_r)
{
	const char *value = mail_user_plugin_getenv(user, name);

	if (relaytab_bool(value, r) != 0) {
		*error_r = t_strdup_printf("invalid %s \"%s\" (yes or no)",
					   name, value);
		return -1;
	}
	return 0;
}

int relaytab_settings_read(struct mail_user *user, struct relaytab_settings *set,
			   const char **error_r)
{
	const char *value;
	struct rt_err err;

	i_zero(set);
	value = mail_user_plugin_getenv(user, "relaytab_table");
	set->table = value != NULL && *value != '\0' ? value : RT_TABLE_DEFAULT_PATH;
	value = mail_user_plugin_getenv(user, "relaytab_services");
	set->services = value != NULL && *value != '\0' ? value :
		RELAYTAB_DEFAULT_SERVICES;
	value = mail_user_plugin_getenv(user, "relaytab_refresh_interval");
	set->refresh_interval = RELAYTAB_DEFAULT_REFRESH;
	if (value != NULL && *value != '\0' &&
	    rt_duration_parse(value, &set->refresh_interval) != 0) {
		*error_r = t_strdup_printf(
			"invalid relaytab_refresh_interval \"%s\" (use e.g. 60s, 1m, 0)",
			value);
		return -1;
	}
	if (relaytab_bool_setting(user, "relaytab_master_users",
				  &set->master_users, error_r) < 0 ||
	    relaytab_bool_setting(user, "relaytab_allow_loopback",
				  &set->allow_loopback, error_r) < 0)
		return -1;
	value = mail_user_plugin_getenv(user, "relaytab_exclude");
	if (value != NULL && *value != '\0' &&
	    rt_netlist_parse(value, &set->exclude, &err) != 0) {
		*error_r = t_strdup_printf("invalid relaytab_exclude: %s", err.msg);
		return -1;
	}
	return 0;
}

void relaytab_settings_free(struct relaytab_settings *set)
{
	rt_netlist_free(&set->exclude);
}
