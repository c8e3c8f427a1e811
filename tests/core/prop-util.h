/* prop-util.h - what the property tests share: a seeded xorshift32 (the
 * same sequence everywhere for a seed, so RT_TEST_SEED=n repeats a run)
 * and access to an IPv6 address's 16-bit groups. */
#ifndef RELAYTAB_PROP_UTIL_H
#define RELAYTAB_PROP_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "addr.h"
#include "tap.h"

static uint32_t rng_state = 1;

static inline uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Seed rng from $RT_TEST_SEED (or the clock), say so, and return the
 * scale: $RT_PROP_SCALE (1..1000, default 1), the factor on the number of
 * random cases. */
static inline unsigned prop_start(void)
{
	const char *env = getenv("RT_TEST_SEED");
	const char *scale_env = getenv("RT_PROP_SCALE");
	unsigned seed = env != NULL ? (unsigned)strtoul(env, NULL, 10)
				    : (unsigned)time(NULL);
	unsigned scale = scale_env != NULL ? (unsigned)atoi(scale_env) : 1;

	if (scale == 0 || scale > 1000)
		scale = 1;
	tap_diag("seed %u (RT_TEST_SEED=%u repeats this run)", seed, seed);
	rng_state = seed != 0 ? seed : 1;
	return scale;
}

/* Group g (0..7) of a. */
static inline uint16_t group(const struct rt_addr *a, int g)
{
	return (uint16_t)(a->b[2 * g] << 8 | a->b[2 * g + 1]);
}

static inline void set_group(struct rt_addr *a, int g, uint16_t v)
{
	a->b[2 * g] = (uint8_t)(v >> 8);
	a->b[2 * g + 1] = (uint8_t)v;
}

/* A group value biased towards zero and small numbers, where Postfix's
 * cut-at-':' lookups of different addresses collide. */
static inline uint16_t random_group(void)
{
	switch (rng() % 4) {
	case 0:
	case 1:
		return 0;
	case 2:
		return (uint16_t)(1 + rng() % 15);
	default:
		return (uint16_t)rng();
	}
}

#endif
