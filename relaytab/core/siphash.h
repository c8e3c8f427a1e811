/* siphash.h - SipHash-2-4 (Aumasson, Bernstein), the keyed hash that places
 * an IP in the table; the key is random per table so clients cannot aim
 * addresses at one bucket. And murmur3's 64-bit finaliser, for unkeyed
 * mixing where every input bit must reach every output bit. */
#ifndef RELAYTAB_SIPHASH_H
#define RELAYTAB_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t rt_siphash24(const uint64_t key[2], const void *data, size_t len);

static inline uint64_t rt_mix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

#endif
