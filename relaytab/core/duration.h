/* duration.h - durations as relaytab's settings and options write them. */
#ifndef RELAYTAB_DURATION_H
#define RELAYTAB_DURATION_H

#include <stdint.h>

/* Parse a duration: a decimal number of seconds, optionally followed by
 * one lower-case unit s, m, h or d ("90", "90s", "30m", "2h", "1d"). No
 * sign, no white space, no fraction; "0" is 0. At most 10 years of 365
 * days (315360000 s). Returns 0, or -1 with errno EINVAL (syntax) or ERANGE
 * (longer than 10 years, however many digits). */
int rt_duration_parse(const char *text, uint32_t *seconds_r);

#endif
