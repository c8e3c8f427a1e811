/* array.h - the one growable array every layer uses, instead of a realloc
 * loop per file. */
#ifndef RELAYTAB_ARRAY_H
#define RELAYTAB_ARRAY_H

#include <stddef.h>

/* Room for one more than n elements of elem_size bytes in arr, which has
 * *cap slots: doubles *cap (16 at first). Returns the (maybe moved) array,
 * or NULL with errno ENOMEM and arr untouched. */
void *rt_array_grow(void *arr, size_t *cap, size_t n, size_t elem_size);

/* Ask for transparent huge pages over the 2 MiB pages inside [p, p + len)
 * of a big heap buffer not yet written (a few faults instead of one per 4
 * KiB: the compiler's buffers at a million entries). Advice only. */
void rt_advise_huge(void *p, size_t len);

/* Append to arr (a typed pointer lvalue) of n used and cap slots (size_t
 * lvalues): evaluates to a pointer to the new, uninitialised last element
 * (n is incremented), or NULL (ENOMEM; nothing changed). */
#define RT_ARRAY_ADD(arr, n, cap) __extension__ ({			\
	__typeof__(arr) rt_a_ = (n) < (cap) ? (arr) :			\
		rt_array_grow((arr), &(cap), (n), sizeof(*(arr)));	\
	rt_a_ == NULL ? NULL : ((arr) = rt_a_, &rt_a_[(n)++]); })

#endif
