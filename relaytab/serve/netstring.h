/* netstring.h - netstrings ("LEN:BYTES,"), the framing of the socketmap
 * protocol that Postfix (socketmap_table(5)) and Sendmail (the "socket"
 * map class) speak. Decoding is incremental and bounded: a connection's
 * buffer is offered as it fills, and a frame longer than the caller's
 * limit is refused as soon as its length prefix is read. */
#ifndef RELAYTAB_NETSTRING_H
#define RELAYTAB_NETSTRING_H

#include <stddef.h>

/* Decode one netstring from the start of buf[0, len). Returns 1 with
 * *payload_r / *plen_r pointing into buf and *used_r the bytes the frame
 * takes; 0 if buf holds only a valid beginning (read more); -1 with errno
 * EINVAL (not a netstring: a non-digit length, a leading zero in a longer
 * length, a missing ':' or ',') or EMSGSIZE (payload longer than max). */
int rt_netstring_decode(const char *buf, size_t len, size_t max,
			const char **payload_r, size_t *plen_r, size_t *used_r);

/* Encode payload[0, plen) into out[0, outsize). Returns the bytes written
 * (no NUL is added), or 0 if out is too small. */
size_t rt_netstring_encode(char *out, size_t outsize, const char *payload,
			   size_t plen);

#endif
