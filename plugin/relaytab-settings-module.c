/* relaytab-settings-module.c - Dovecot 2.4: librelaytab_settings.so, the
 * module Dovecot's config process loads from its modules/settings/ dir so
 * that the relaytab_* settings are known and checked there. Exports only
 * these two symbols (and is built for one Dovecot ABI: DOVECOT_ABI_VERSION,
 * which module_dir_load() compares). */
#include "lib.h"
#include "settings-parser.h"

#include "relaytab-settings-24.h"

const char *relaytab_settings_version = DOVECOT_ABI_VERSION;

const struct setting_parser_info *relaytab_settings_set_infos[] = {
	&relaytab_setting_parser_info,
	NULL
};
