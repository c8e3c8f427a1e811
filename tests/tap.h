/* tap.h - a small Test Anything Protocol emitter for the C tests.
 *
 * Each check prints "ok N - name" or "not ok N - name" plus "# got X, want Y"
 * diagnostics; tap_done() prints the plan and returns the exit status.
 * automake's tap-driver.sh turns each line into a PASS/FAIL. */
#ifndef RELAYTAB_TAP_H
#define RELAYTAB_TAP_H

#include <stdbool.h>
#include <stdint.h>

/* Record one check; returns cond. */
bool tap_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Integer and string comparisons with "got X, want Y" diagnostics. */
bool tap_is_int(long long got, long long want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool tap_is_str(const char *got, const char *want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A "# ..." diagnostic line. */
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Record n skipped checks with a reason. */
void tap_skip(int n, const char *reason);
/* Skip the whole program: prints "1..0 # SKIP reason" and exits 0, which
 * tap-driver reports as SKIP with the reason. */
void tap_skip_all(const char *reason) __attribute__((noreturn));
/* Abort the run ("Bail out!"); the driver reports an ERROR. */
void tap_bail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Print the plan; returns 0 if every check passed, else 1. */
int tap_done(void);

#endif
