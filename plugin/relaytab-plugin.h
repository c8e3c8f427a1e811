/* relaytab-plugin.h - the Dovecot module entry points (the only exported
 * symbols of lib95_relaytab_plugin.so). */
#ifndef RELAYTAB_PLUGIN_H
#define RELAYTAB_PLUGIN_H

struct module;

extern const char *relaytab_plugin_version;
void relaytab_plugin_init(struct module *module);
void relaytab_plugin_deinit(void);

#endif
