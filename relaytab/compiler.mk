# relaytab/compiler.mk - (to be written)
