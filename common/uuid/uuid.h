/* UUIDs: v7 generation (strictly increasing within the process, thread-safe), v4 generation
 * (request ids), strict parsing of the canonical 8-4-4-4-12 form, lowercase formatting. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UUID_STR_LEN 36

typedef struct uuid_t_ {
    uint8_t b[16];
} uuid_bytes;

/* New v7 id: 48-bit Unix ms timestamp, then a counter/random tail such that every id returned in this
 * process compares greater (bytewise) than the previous one, even within one millisecond. */
void uuid_v7(uuid_bytes *out);
void uuid_v4(uuid_bytes *out);
/* Lowercase canonical text into out[37] (NUL-terminated). */
void uuid_format(const uuid_bytes *u, char out[UUID_STR_LEN + 1]);
/* Convenience: a new v7 / v4 as lowercase text into out[37]. */
void uuid_v7_str(char out[UUID_STR_LEN + 1]);
void uuid_v4_str(char out[UUID_STR_LEN + 1]);
/* Exactly 36 characters, hyphens at 8/13/18/23, hex digits either case, any version. 0 or -1. */
int uuid_parse(const char *s, size_t len, uuid_bytes *out);
bool uuid_valid(const char *s); /* NUL-terminated variant of uuid_parse */
/* Lowercase copy of a valid UUID string into out[37]; -1 when invalid. */
int uuid_normalize(const char *s, char out[UUID_STR_LEN + 1]);
int uuid_cmp(const uuid_bytes *a, const uuid_bytes *b);
