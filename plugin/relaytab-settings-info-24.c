/* relaytab-settings-info-24.c - Dovecot 2.4: the relaytab_* settings as
 * declared to Dovecot, compiled into both the plugin and the settings
 * module (which Dovecot's config process loads, so that the settings are
 * known, and checked, when the configuration is read). Every value is a
 * plain string, parsed by relaytab-settings-parse.c as on 2.3: the values
 * accepted are the same on both versions, and a bad one is a configuration
 * error naming the setting. The order of the defines must be the same in
 * both .so files: it is, they are this one file. */
#include "lib.h"
#include "settings-parser.h"

#include "relaytab-settings-24.h"
#include "relaytab-settings.h"

#include "table.h"

#undef DEF
#define DEF(name) \
	SETTING_DEFINE_STRUCT_STR_NOVARS(#name, name, struct relaytab_dovecot_settings)

static const struct setting_define relaytab_setting_defines[] = {
	DEF(relaytab_table),
	DEF(relaytab_services),
	DEF(relaytab_refresh_interval),
	DEF(relaytab_master_users),
	DEF(relaytab_allow_loopback),
	DEF(relaytab_exclude),
	SETTING_DEFINE_LIST_END
};

/* What doveconf shows for an unset setting: the plugin's own defaults. */
static const struct relaytab_dovecot_settings relaytab_default_settings = {
	.relaytab_table = RT_TABLE_DEFAULT_PATH,
	.relaytab_services = RELAYTAB_DEFAULT_SERVICES,
	.relaytab_refresh_interval = "60s",
	.relaytab_master_users = "no",
	.relaytab_allow_loopback = "no",
	.relaytab_exclude = "",
};

void relaytab_settings_text_of(const struct relaytab_dovecot_settings *set,
			       struct relaytab_settings_text *text_r)
{
	text_r->table = set->relaytab_table;
	text_r->services = set->relaytab_services;
	text_r->refresh_interval = set->relaytab_refresh_interval;
	text_r->master_users = set->relaytab_master_users;
	text_r->allow_loopback = set->relaytab_allow_loopback;
	text_r->exclude = set->relaytab_exclude;
}

/* Run by doveconf, by the config process when Dovecot starts or reloads,
 * and by every settings_get(): a bad value stops the configuration. */
static bool relaytab_settings_check(void *_set, pool_t pool ATTR_UNUSED,
				    const char **error_r)
{
	struct relaytab_dovecot_settings *set = _set;
	struct relaytab_settings_text text;
	struct relaytab_settings parsed;
	int r;

	relaytab_settings_text_of(set, &text);
	r = relaytab_settings_parse(&text, &parsed, error_r);
	relaytab_settings_free(&parsed);
	return r == 0;
}

const struct setting_parser_info relaytab_setting_parser_info = {
	.name = "relaytab",
	.defines = relaytab_setting_defines,
	.defaults = &relaytab_default_settings,
	.check_func = relaytab_settings_check,
	.struct_size = sizeof(struct relaytab_dovecot_settings),
	.pool_offset1 = 1 + offsetof(struct relaytab_dovecot_settings, pool),
};
