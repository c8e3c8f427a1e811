# relaytab/table.mk - (to be written)
