/* Strict UTF-8 (RFC 3629) checks shared by the JSON parser, the path/query decoder, the list
 * parameters and the DSL upload: no overlong forms, no UTF-16 surrogates, nothing above U+10FFFF, no cut
 * sequence. Pure byte rules: no allocation, no locale, no state. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* Length (2-4) of the well-formed multi-byte sequence starting at s, whose lead byte is >= 0x80 and of
 * which avail bytes are readable; 0 when it is not well-formed (bad lead byte, overlong form, surrogate,
 * above U+10FFFF, or cut by the end of the buffer). avail must be >= 1. */
size_t utf8_seq_len(const unsigned char *s, size_t avail);

/* True when the n bytes at s are well-formed UTF-8, i.e. text PostgreSQL accepts. NUL bytes count as
 * valid (callers that refuse U+0000 check it themselves). s may be NULL when n is 0. */
bool utf8_valid(const char *s, size_t n);
