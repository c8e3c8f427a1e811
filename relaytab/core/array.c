/* array.c - the growable array and sort-unique of array.h. */
#include "array.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *rt_array_grow(void *arr, size_t *cap, size_t n, size_t elem_size)
{
	size_t want = *cap;
	void *v;

	while (want <= n) {
		if (want > SIZE_MAX / 2 / elem_size) {
			errno = ENOMEM;
			return NULL;
		}
		want = want ? want * 2 : 16;
	}
	if (want == *cap)
		return arr;
	if ((v = realloc(arr, want * elem_size)) == NULL)
		return NULL;
	*cap = want;
	return v;
}

size_t rt_sort_unique(void *base, size_t n, size_t size,
		      int (*cmp)(const void *, const void *),
		      void (*merge)(void *kept, void *other))
{
	char *b = base;
	size_t out = 0;

	if (n == 0)
		return 0;
	qsort(base, n, size, cmp);
	for (size_t i = 1; i < n; i++) {
		char *kept = b + out * size, *e = b + i * size;

		if (cmp(kept, e) == 0) {
			if (merge != NULL)
				merge(kept, e);
			continue;
		}
		if (++out != i)
			memcpy(b + out * size, e, size);
	}
	return out + 1;
}
