/* fuzz_netlist.c - libFuzzer target for the network list parser: any bytes
 * either parse or are refused with EINVAL/ENOMEM and a reason; a parsed
 * list matches a few addresses without crashing and is freed. */
#include "addr.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Longest input tried: mynetworks values are short. */
#define FUZZ_NETLIST_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const probes[] = {
		"127.0.0.1", "0.0.0.0", "255.255.255.255", "192.0.2.1", "::",
		"::1", "2001:db8::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		"::ffff:10.0.0.1",
	};
	struct rt_netlist *list = NULL;
	struct rt_err err;
	char *text;

	if (size > FUZZ_NETLIST_MAX)
		return 0;
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err.msg[0] = '\0';
	if (rt_netlist_parse(text, &list, &err) < 0) {
		if ((errno != EINVAL && errno != ENOMEM) || list != NULL ||
		    err.msg[0] == '\0' || strlen(err.msg) >= RT_ERR_MAX)
			abort();
	} else {
		size_t matched = 0;

		for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]);
		     i++) {
			struct rt_addr a;

			if (rt_addr_parse(probes[i], &a) < 0)
				abort();
			matched += rt_netlist_match(list, &a);
		}
		if (rt_netlist_count(list) == 0 && matched != 0)
			abort();
		if (rt_netlist_count(list) > size)
			abort();
		rt_netlist_free(&list);
		if (list != NULL)
			abort();
	}
	free(text);
	return 0;
}
