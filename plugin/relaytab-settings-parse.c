/* relaytab-settings-parse.c - the values of relaytab_* settings, parsed
 * alike on Dovecot 2.3 and 2.4 (both read them as plain strings). */
#include "lib.h"

#include "relaytab-settings.h"

#include "addr.h"
#include "duration.h"
#include "table.h"

static bool relaytab_unset(const char *value)
{
	return value == NULL || *value == '\0';
}

static int relaytab_bool(const char *name, const char *value, bool *r,
			 const char **error_r)
{
	if (relaytab_unset(value) || strcasecmp(value, "no") == 0 ||
	    strcasecmp(value, "false") == 0 || strcmp(value, "0") == 0) {
		*r = FALSE;
		return 0;
	}
	if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "true") == 0 ||
	    strcmp(value, "1") == 0) {
		*r = TRUE;
		return 0;
	}
	*error_r = t_strdup_printf("invalid %s \"%s\" (yes or no)", name, value);
	return -1;
}

int relaytab_settings_parse(const struct relaytab_settings_text *text,
			    struct relaytab_settings *set, const char **error_r)
{
	struct rt_err err;

	i_zero(set);
	set->table = relaytab_unset(text->table) ? RT_TABLE_DEFAULT_PATH : text->table;
	set->services = relaytab_unset(text->services) ? RELAYTAB_DEFAULT_SERVICES :
		text->services;
	set->refresh_interval = RELAYTAB_DEFAULT_REFRESH;
	if (!relaytab_unset(text->refresh_interval) &&
	    rt_duration_parse(text->refresh_interval, &set->refresh_interval) != 0) {
		*error_r = t_strdup_printf(
			"invalid relaytab_refresh_interval \"%s\" (use e.g. 60s, 1m, 0)",
			text->refresh_interval);
		return -1;
	}
	if (relaytab_bool("relaytab_master_users", text->master_users,
			  &set->master_users, error_r) < 0 ||
	    relaytab_bool("relaytab_allow_loopback", text->allow_loopback,
			  &set->allow_loopback, error_r) < 0)
		return -1;
	if (!relaytab_unset(text->exclude) &&
	    rt_netlist_parse(text->exclude, &set->exclude, &err) != 0) {
		*error_r = t_strdup_printf("invalid relaytab_exclude: %s", err.msg);
		return -1;
	}
	return 0;
}

void relaytab_settings_free(struct relaytab_settings *set)
{
	rt_netlist_free(&set->exclude);
}
