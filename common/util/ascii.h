/* ASCII character rules shared by the parsers of common/ and the services (percent-decoding, UUIDs,
 * JSON escapes): locale-independent on purpose, unlike <ctype.h>. No allocation, no state. */
#pragma once

/* The value 0-15 of the hexadecimal digit c (0-9, a-f, A-F), or -1 for any other value (a negative
 * char included). */
int ascii_hex_value(int c);
