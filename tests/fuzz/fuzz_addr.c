/* fuzz_addr.c - libFuzzer target for the address parser and the key
 * writers: any bytes may be refused, but whatever parses must format and
 * re-parse to the same address, its Sendmail key must parse back to it,
 * and rt_addr_parse() must agree with rt_addr_parse_n(). */
#include "addr.h"
#include "mapkeys.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_prefix_keys(const struct rt_addr *a)
{
	static char keys[RT_PREFIX_KEYS_MAX][RT_KEY_MAX];
	static const unsigned bits[] = { 16, 32, 47, 48, 56, 60, 63, 64 };

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		int n = rt_keys_postfix_prefix(a, bits[i], keys,
					       RT_PREFIX_KEYS_MAX);

		if (n < 0) {
			if (errno != EDOM && errno != EAFNOSUPPORT)
				abort();
			continue;
		}
		if (n == 0 || n > RT_PREFIX_KEYS_MAX)
			abort();
		for (int k = 0; k < n; k++) {
			size_t len = strnlen(keys[k], RT_KEY_MAX);

			if (len == 0 || len >= RT_KEY_MAX ||
			    strspn(keys[k], "0123456789abcdef:") != len)
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_addr a, b;
	char text[RT_ADDR_STRLEN], key[RT_KEY_MAX], copy[128];
	int ret = rt_addr_parse_n((const char *)data, size, &a);

	/* The NUL-terminated entry point agrees when there is no NUL. */
	if (size < sizeof(copy) && memchr(data, '\0', size) == NULL) {
		memcpy(copy, data, size);
		copy[size] = '\0';
		if (rt_addr_parse(copy, &b) != ret ||
		    (ret == 0 && memcmp(a.b, b.b, 16) != 0))
			abort();
	}
	if (ret < 0)
		return 0;
	rt_addr_format(&a, text);
	if (strlen(text) >= RT_ADDR_STRLEN || rt_addr_parse(text, &b) < 0 ||
	    rt_addr_cmp(&a, &b) != 0)
		abort();
	if (rt_key_postfix(&a, key) != strlen(text) || strcmp(key, text) != 0)
		abort();
	if (rt_key_sendmail(&a, NULL, key) == 0 || rt_addr_parse(key, &b) < 0 ||
	    rt_addr_cmp(&a, &b) != 0)
		abort();
	if (!rt_addr_in_net(&a, &a, rt_addr_is_v4(&a) ? 32 : 128))
		abort();
	check_prefix_keys(&a);
	return 0;
}
