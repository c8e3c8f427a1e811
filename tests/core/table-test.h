/* table-test.h - what the table's C tests share: test addresses and fresh
 * tables that bail out of the test when they cannot be made. */
#ifndef RELAYTAB_TABLE_TEST_H
#define RELAYTAB_TABLE_TEST_H

#include "table.h"

/* The IPv4 address a.b.(i >> 8).(i & 255). */
struct rt_addr tt_ip4(uint8_t a, uint8_t b, unsigned i);
/* Create (replacing) a table of 2^cap_log2 slots, mode 0600, at path. */
void tt_create(const char *path, unsigned cap_log2, uint32_t grace);
/* Open path with flags (RT_OPEN_*). */
struct rt_table *tt_open(const char *path, int flags);
/* tt_create, then open it read-write. */
struct rt_table *tt_fresh(const char *path, unsigned cap_log2, uint32_t grace);

#endif
