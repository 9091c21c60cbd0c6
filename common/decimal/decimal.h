/* Exact decimal money (transactions.md section 2): value = c x 10^-s, at most 38 significant digits
 * and 18 fractional digits. No floating point anywhere; parse from text, canonical text out.
 * A decimal is a plain value type: copy it freely, nothing to free. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DECIMAL_MAX_DIGITS 38
#define DECIMAL_MAX_SCALE 18
#define DECIMAL_MAX_TEXT 128   /* longer input text is refused (0047) */
#define DECIMAL_STR_MAX 64     /* room for any canonical output plus NUL */

typedef struct decimal {
    /* Fixed point: value = units x 10^-18, units as a 256-bit two's-complement integer in four
     * little-endian 64-bit limbs. Every in-limit value (|c| < 10^38, s <= 18) fits with room for
     * intermediate sums; use the functions below, never the limbs. */
    uint64_t limb[4];
} decimal;

typedef enum decimal_status {
    DECIMAL_OK = 0,
    DECIMAL_ERR_SYNTAX,    /* text does not match the grammar of section 2.1 (-> 0094) */
    DECIMAL_ERR_TOO_LONG,  /* text longer than 128 characters (-> 0047) */
    DECIMAL_ERR_LIMITS,    /* more than 38 significant or 18 fractional digits (-> 0047 / 0097) */
    DECIMAL_ERR_PRECISION  /* exact result needs more than 18 fractional digits (shares, -> 0047) */
} decimal_status;

/* Parse `len` bytes of text: [-] int [. digits] [(e|E) [+|-] digits], int = 0 | [1-9][0-9]*.
 * Exponents are applied exactly and checked without materialising digits (1e999999999 is fast). */
decimal_status decimal_parse(const char *text, size_t len, decimal *out);
/* Canonical text: no exponent, no '+', no trailing fractional zeros, no "-0". Returns length. */
size_t decimal_format(const decimal *d, char *buf, size_t cap);
/* True when the value respects the 38/18 limits (results of arithmetic may not). */
bool decimal_in_limits(const decimal *d);

void decimal_zero(decimal *out);
void decimal_from_int(int64_t v, decimal *out);
/* out = a + b / a - b. DECIMAL_ERR_LIMITS when the result is outside the limits (out still set). */
decimal_status decimal_add(const decimal *a, const decimal *b, decimal *out);
decimal_status decimal_sub(const decimal *a, const decimal *b, decimal *out);
void decimal_neg(const decimal *a, decimal *out);
int decimal_cmp(const decimal *a, const decimal *b); /* -1, 0, 1 */
int decimal_sign(const decimal *a);                  /* -1, 0, 1 */
bool decimal_is_zero(const decimal *a);
/* Exact share: v x percentage x pp / 10000 (pp = 100 when 0). DECIMAL_ERR_PRECISION when the exact
 * result has more than 18 fractional digits; DECIMAL_ERR_LIMITS when out of range. */
decimal_status decimal_share(const decimal *v, int percentage, int percentage_of_percentage, decimal *out);
