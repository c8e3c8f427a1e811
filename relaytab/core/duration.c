/* duration.c - parse "90", "90s", "30m", "2h", "1d" into seconds. */
#include "duration.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

/* The longest duration accepted: 10 years of 365 days. */
#define RT_DURATION_MAX (10ULL * 365 * 86400)

int rt_duration_parse(const char *text, uint32_t *seconds_r)
{
	uint64_t value = 0, unit = 1;
	const char *p = text;
	bool too_big = false;

	if (p == NULL || *p < '0' || *p > '9')
		goto invalid;
	for (; *p >= '0' && *p <= '9'; p++) {
		/* Keep scanning the digits but stop growing past the limit. */
		if (value <= RT_DURATION_MAX)
			value = value * 10 + (uint64_t)(*p - '0');
		if (value > RT_DURATION_MAX)
			too_big = true;
	}
	switch (*p) {
	case '\0':
		break;
	case 's':
		unit = 1;
		p++;
		break;
	case 'm':
		unit = 60;
		p++;
		break;
	case 'h':
		unit = 3600;
		p++;
		break;
	case 'd':
		unit = 86400;
		p++;
		break;
	default:
		goto invalid;
	}
	if (*p != '\0')
		goto invalid;
	if (too_big || value * unit > RT_DURATION_MAX) {
		errno = ERANGE;
		return -1;
	}
	*seconds_r = (uint32_t)(value * unit);
	return 0;
invalid:
	errno = EINVAL;
	return -1;
}
