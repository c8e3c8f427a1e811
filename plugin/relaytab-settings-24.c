/* relaytab-settings-24.c - Dovecot 2.4: a user's relaytab_* settings, from
 * the configuration (top level, or protocol/local/remote filters). */
#include "lib.h"
#include "mail-user.h"
#include "settings.h"

#include "relaytab-settings-24.h"
#include "relaytab-settings.h"

int relaytab_settings_read(struct mail_user *user, struct relaytab_settings *set,
			   const char **error_r)
{
	const struct relaytab_dovecot_settings *dset;
	struct relaytab_settings_text text;
	const char *error;
	int r;

	i_zero(set);
	if (settings_get(user->event, &relaytab_setting_parser_info, 0,
			 &dset, &error) < 0) {
		*error_r = t_strdup_printf("cannot read the settings: %s", error);
		return -1;
	}
	/* the strings live in the settings' pool: copy them to the user's,
	   which outlives this call, before freeing the settings */
	relaytab_settings_text_of(dset, &text);
	text.table = p_strdup(user->pool, text.table);
	text.services = p_strdup(user->pool, text.services);
	r = relaytab_settings_parse(&text, set, error_r);
	settings_free(dset);
	return r;
}
