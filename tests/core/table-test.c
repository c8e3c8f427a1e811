/* table-test.c - the table tests' shared helpers (table-test.h). */
#include "table-test.h"

#include "tap.h"

struct rt_addr tt_ip4(uint8_t a, uint8_t b, unsigned i)
{
	uint8_t v4[4] = { a, b, (uint8_t)(i >> 8), (uint8_t)i };
	struct rt_addr r;

	rt_addr_from_v4(&r, v4);
	return r;
}

void tt_create(const char *path, unsigned cap_log2, uint32_t grace)
{
	struct rt_create_opts o = { cap_log2, 0600, (gid_t)-1, grace, true };
	struct rt_err err;

	if (rt_table_create(path, &o, &err) != 0)
		tap_bail("create %s: %s", path, err.msg);
}

struct rt_table *tt_open(const char *path, int flags)
{
	struct rt_table *t;
	struct rt_err err;

	if (rt_table_open(path, flags, &t, &err) != 0)
		tap_bail("open %s: %s", path, err.msg);
	return t;
}

struct rt_table *tt_fresh(const char *path, unsigned cap_log2, uint32_t grace)
{
	tt_create(path, cap_log2, grace);
	return tt_open(path, RT_OPEN_RDWR);
}
