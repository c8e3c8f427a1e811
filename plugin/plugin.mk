# plugin/plugin.mk - (to be written)
