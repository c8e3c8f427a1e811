/* siphash.h - SipHash-2-4 (Aumasson, Bernstein), the keyed hash that places
 * an IP in the table; the key is random per table so clients cannot aim
 * addresses at one bucket. */
#ifndef RELAYTAB_SIPHASH_H
#define RELAYTAB_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t rt_siphash24(const uint64_t key[2], const void *data, size_t len);

#endif
