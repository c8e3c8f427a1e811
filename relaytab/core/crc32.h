/* crc32.h - CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the
 * checksum of the table header. */
#ifndef RELAYTAB_CRC32_H
#define RELAYTAB_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t rt_crc32(const void *data, size_t len);

#endif
