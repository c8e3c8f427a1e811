# relaytab/cli.mk - (to be written)
