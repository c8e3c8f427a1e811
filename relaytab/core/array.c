/* array.c - the growable array of array.h. */
#include "array.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

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
