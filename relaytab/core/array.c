/* array.c - the growable array of array.h, and big buffers asking for
 * huge pages. */
#include "array.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE ((uintptr_t)2 << 20)

void rt_advise_huge(void *p, size_t len)
{
	uintptr_t start = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t end = ((uintptr_t)p + len) & ~(HUGE_PAGE - 1);

	if (end > start)	/* advice only: where THP is off, nothing */
		(void)madvise((void *)start, end - start, MADV_HUGEPAGE);
}

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
	rt_advise_huge(v, want * elem_size);
	*cap = want;
	return v;
}
