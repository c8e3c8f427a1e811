/* test-util.c - durations, service names and username truncation. */
#include "duration.h"
#include "service.h"
#include "user.h"
#include "tap.h"

#include <errno.h>
#include <string.h>

struct duration_case {
	const char *name, *in;
	long long want;		/* -1: EINVAL, -2: ERANGE */
};

static const struct duration_case duration_cases[] = {
	{ "bare seconds", "90", 90 },
	{ "seconds", "90s", 90 },
	{ "minutes", "30m", 1800 },
	{ "hours", "2h", 7200 },
	{ "days", "1d", 86400 },
	{ "zero", "0", 0 },
	{ "leading zeros", "007m", 420 },
	{ "ten years in days", "3650d", 315360000 },
	{ "ten years in seconds", "315360000", 315360000 },
	{ "just over ten years", "315360001", -2 },
	{ "3651 days", "3651d", -2 },
	{ "huge", "99999999999999999999999999999999", -2 },
	{ "huge with unit", "99999999999999999999999h", -2 },
	{ "uint32 wrap", "4294967296", -2 },
	{ "empty", "", -1 },
	{ "negative", "-1", -1 },
	{ "plus", "+1", -1 },
	{ "unknown unit", "1x", -1 },
	{ "upper unit", "1H", -1 },
	{ "fraction", "1.5m", -1 },
	{ "unit only", "m", -1 },
	{ "two units", "1hm", -1 },
	{ "space", "1 h", -1 },
	{ "leading space", " 1", -1 },
	{ "trailing space", "1 ", -1 },
	{ "hex", "0x10", -1 },
};

static void test_durations(void)
{
	for (size_t i = 0;
	     i < sizeof(duration_cases) / sizeof(duration_cases[0]); i++) {
		const struct duration_case *c = &duration_cases[i];
		uint32_t secs = 12345;
		int ret;

		errno = 0;
		ret = rt_duration_parse(c->in, &secs);
		if (c->want >= 0) {
			tap_is_int(ret, 0, "duration %s \"%s\"", c->name,
				   c->in);
			tap_is_int(secs, c->want, "duration %s value", c->name);
		} else {
			tap_ok(ret == -1 && errno ==
			       (c->want == -1 ? EINVAL : ERANGE) &&
			       secs == 12345,
			       "duration %s \"%s\" refused with %s (got %d, "
			       "errno %d)", c->name, c->in,
			       c->want == -1 ? "EINVAL" : "ERANGE", ret,
			       errno);
		}
	}
	errno = 0;
	tap_ok(rt_duration_parse(NULL, &(uint32_t){ 0 }) == -1 &&
	       errno == EINVAL, "duration NULL refused");
}

static void test_services(void)
{
	static const struct {
		enum rt_service svc;
		const char *name;
	} names[] = {
		{ RT_SVC_OTHER, "other" },
		{ RT_SVC_IMAP, "imap" },
		{ RT_SVC_POP3, "pop3" },
		{ RT_SVC_SUBMISSION, "submission" },
		{ RT_SVC_MANAGESIEVE, "managesieve" },
		{ RT_SVC_MANUAL, "manual" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		tap_is_str(rt_service_name(names[i].svc), names[i].name,
			   "service name %d", names[i].svc);
		tap_is_int(rt_service_from_name(names[i].name), names[i].svc,
			   "service from name %s", names[i].name);
	}
	tap_is_str(rt_service_name((enum rt_service)RT_SVC_COUNT), "other",
		   "out-of-range service is other");
	tap_is_str(rt_service_name((enum rt_service)-1), "other",
		   "negative service is other");
	tap_is_int(rt_service_from_name("IMAP"), RT_SVC_OTHER,
		   "names are case-sensitive");
	tap_is_int(rt_service_from_name("lmtp"), RT_SVC_OTHER,
		   "unknown name is other");
	tap_is_int(rt_service_from_name(""), RT_SVC_OTHER, "empty name");
	tap_is_int(rt_service_from_name(NULL), RT_SVC_OTHER, "NULL name");
}

struct user_case {
	const char *name;
	const char *prefix;	/* repeated to fill, then tail appended */
	size_t fill;		/* bytes of prefix */
	const char *tail;
	size_t want_len;
};

static const struct user_case user_cases[] = {
	{ "short ascii", "", 0, "alice@example.org", 17 },
	{ "empty", "", 0, "", 0 },
	{ "exactly 64", "a", 64, "", 64 },
	{ "65 ascii cut to 64", "a", 65, "", 64 },
	{ "long ascii", "a", 300, "", 64 },
	{ "2-byte seq fits at 63..64", "a", 62, "\xc3\xa9", 64 },
	{ "2-byte seq straddles 64", "a", 63, "\xc3\xa9", 63 },
	{ "3-byte seq straddles (1 in)", "a", 63, "\xe2\x82\xac", 63 },
	{ "3-byte seq straddles (2 in)", "a", 62, "\xe2\x82\xac", 62 },
	{ "3-byte seq fits", "a", 61, "\xe2\x82\xac" "b", 64 },
	{ "4-byte seq straddles (3 in)", "a", 61, "\xf0\x9f\x98\x80", 61 },
	{ "4-byte seq straddles (1 in)", "a", 63, "\xf0\x9f\x98\x80", 63 },
	{ "4-byte seq fits exactly", "a", 60, "\xf0\x9f\x98\x80" "zz", 64 },
	{ "all 2-byte", "\xc3\xa9", 80, "", 64 },
	{ "all 3-byte", "\xe2\x82\xac", 90, "", 63 },
	{ "all 4-byte", "\xf0\x9f\x98\x80", 100, "", 64 },
	{ "stray continuation bytes cut as bytes", "\x80", 70, "", 64 },
	{ "control bytes kept", "\x01\x7f", 10, "", 10 },
};

static void test_users(void)
{
	for (size_t i = 0; i < sizeof(user_cases) / sizeof(user_cases[0]);
	     i++) {
		const struct user_case *c = &user_cases[i];
		char in[512], out[RT_USER_MAX + 1];
		size_t plen = strlen(c->prefix), n = 0, got;

		for (size_t k = 0; k < c->fill; k++)
			in[n++] = c->prefix[k % (plen ? plen : 1)];
		strcpy(in + n, c->tail);
		memset(out, 'X', sizeof(out));
		got = rt_user_truncate(out, in);
		tap_is_int((long long)got, (long long)c->want_len,
			   "user %s: length", c->name);
		tap_ok(out[got] == '\0' && memcmp(out, in, got) == 0,
		       "user %s: a NUL-terminated prefix of the input",
		       c->name);
	}
	{
		char out[RT_USER_MAX + 1];

		tap_is_int((long long)rt_user_truncate(out, NULL), 0,
			   "user NULL is empty");
		tap_is_str(out, "", "user NULL gives \"\"");
	}
}

int main(void)
{
	test_durations();
	test_services();
	test_users();
	return tap_done();
}
