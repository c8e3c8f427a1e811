/* relaytab-settings-24.h - Dovecot 2.4: the settings struct Dovecot fills
 * (relaytab-settings-info-24.c declares it). */
#ifndef RELAYTAB_SETTINGS_24_H
#define RELAYTAB_SETTINGS_24_H

struct relaytab_settings_text;

struct relaytab_dovecot_settings {
	pool_t pool;
	const char *relaytab_table;
	const char *relaytab_services;
	const char *relaytab_refresh_interval;
	const char *relaytab_master_users;
	const char *relaytab_allow_loopback;
	const char *relaytab_exclude;
};

extern const struct setting_parser_info relaytab_setting_parser_info;

/* The strings of set, for relaytab_settings_parse(). */
void relaytab_settings_text_of(const struct relaytab_dovecot_settings *set,
			       struct relaytab_settings_text *text_r);

#endif
