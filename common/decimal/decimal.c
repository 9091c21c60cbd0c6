/* Exact decimal money: 256-bit two's-complement fixed point scaled by 10^18 (transactions.md 2).
 * Parsing, canonical formatting, sums, comparisons and exact shares. Never uses floating point and
 * never rounds: anything that cannot be represented exactly is reported as a status. */
#include "decimal/decimal.h"

#include <limits.h>
#include <string.h>

#define LIMBS 4
#define SCALE_DIGITS 18
/* Any exponent beyond this magnitude is out of limits for a non-zero coefficient of <= 128 digits,
 * so the exponent is saturated here while it is read: bounded work whatever the text says. */
#define EXP_CLAMP 100000
/* Enough for the magnitude of any 256-bit value (at most 78 decimal digits). */
#define MAG_DIGITS_MAX 80

typedef unsigned __int128 u128;

static bool u_is_neg(const uint64_t a[LIMBS])
{
    return (a[LIMBS - 1] >> 63) != 0;
}

static bool u_is_zero(const uint64_t a[LIMBS])
{
    return (a[0] | a[1] | a[2] | a[3]) == 0;
}

/* r = a + b modulo 2^256; returns the carry out of the top limb. r may alias a or b. */
static uint64_t u_add(const uint64_t a[LIMBS], const uint64_t b[LIMBS], uint64_t r[LIMBS])
{
    uint64_t carry = 0;
    for (int i = 0; i < LIMBS; i++) {
        u128 s = (u128)a[i] + b[i] + carry;
        r[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    return carry;
}

/* r = -a modulo 2^256 (two's complement). r may alias a. */
static void u_neg(const uint64_t a[LIMBS], uint64_t r[LIMBS])
{
    uint64_t carry = 1;
    for (int i = 0; i < LIMBS; i++) {
        u128 s = (u128)(~a[i]) + carry;
        r[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
}

/* a *= m as an unsigned 256-bit number; returns the carry out (non-zero = overflow). */
static uint64_t u_mul_small(uint64_t a[LIMBS], uint64_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < LIMBS; i++) {
        u128 p = (u128)a[i] * m + carry;
        a[i] = (uint64_t)p;
        carry = (uint64_t)(p >> 64);
    }
    return carry;
}

/* a = a + v as an unsigned number; returns the carry out. */
static uint64_t u_add_small(uint64_t a[LIMBS], uint64_t v)
{
    uint64_t carry = v;
    for (int i = 0; i < LIMBS && carry; i++) {
        u128 s = (u128)a[i] + carry;
        a[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    return carry;
}

/* a /= d as an unsigned number (d > 0); returns the remainder. */
static uint64_t u_divmod_small(uint64_t a[LIMBS], uint64_t d)
{
    u128 rem = 0;
    for (int i = LIMBS - 1; i >= 0; i--) {
        u128 cur = (rem << 64) | a[i];
        a[i] = (uint64_t)(cur / d);
        rem = cur % d;
    }
    return (uint64_t)rem;
}

/* Magnitude of d as decimal digits, most significant first, no leading zeros ("0" for zero).
 * Returns the number of digits written into digits[MAG_DIGITS_MAX]. */
static size_t magnitude_digits(const decimal *d, char digits[MAG_DIGITS_MAX])
{
    uint64_t m[LIMBS];
    char rev[MAG_DIGITS_MAX];
    size_t n = 0;

    memcpy(m, d->limb, sizeof(m));
    if (u_is_neg(m))
        u_neg(m, m); /* -2^255 stays 2^255 read unsigned, which is what we want */
    do {
        rev[n++] = (char)('0' + u_divmod_small(m, 10));
    } while (!u_is_zero(m) && n < MAG_DIGITS_MAX);
    for (size_t i = 0; i < n; i++)
        digits[i] = rev[n - 1 - i];
    return n;
}

void decimal_zero(decimal *out)
{
    memset(out->limb, 0, sizeof(out->limb));
}

void decimal_from_int(int64_t v, decimal *out)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    decimal_zero(out);
    out->limb[0] = mag;
    /* |v| < 2^63 and 10^18 < 2^60: the product stays far below 2^255. */
    (void)u_mul_small(out->limb, 1000000000000000000ULL);
    if (v < 0)
        u_neg(out->limb, out->limb);
}

bool decimal_in_limits(const decimal *d)
{
    char digits[MAG_DIGITS_MAX];
    size_t n = magnitude_digits(d, digits);
    size_t tz = 0;

    if (n == 1 && digits[0] == '0')
        return true;
    /* The scale is always <= 18 by construction; the coefficient c drops the trailing fractional
     * zeros only (integer trailing zeros are significant digits of c). */
    while (tz < n && tz < SCALE_DIGITS && digits[n - 1 - tz] == '0')
        tz++;
    return n - tz <= DECIMAL_MAX_DIGITS;
}

decimal_status decimal_parse(const char *text, size_t len, decimal *out)
{
    char coef[DECIMAL_MAX_TEXT];
    size_t ncoef = 0;
    size_t frac_len = 0;
    size_t p = 0;
    bool neg = false;
    bool exp_neg = false;
    int64_t exp = 0;

    decimal_zero(out);
    if (len > DECIMAL_MAX_TEXT)
        return DECIMAL_ERR_TOO_LONG;
    if (!text || len == 0)
        return DECIMAL_ERR_SYNTAX;

    if (text[p] == '-') {
        neg = true;
        p++;
    }
    /* int = "0" | nonzero-digit { digit } */
    if (p >= len)
        return DECIMAL_ERR_SYNTAX;
    if (text[p] == '0') {
        coef[ncoef++] = '0';
        p++;
    } else if (text[p] >= '1' && text[p] <= '9') {
        while (p < len && text[p] >= '0' && text[p] <= '9')
            coef[ncoef++] = text[p++];
    } else {
        return DECIMAL_ERR_SYNTAX;
    }
    /* [ "." digit { digit } ] */
    if (p < len && text[p] == '.') {
        p++;
        if (p >= len || text[p] < '0' || text[p] > '9')
            return DECIMAL_ERR_SYNTAX;
        while (p < len && text[p] >= '0' && text[p] <= '9') {
            coef[ncoef++] = text[p++];
            frac_len++;
        }
    }
    /* [ ("e" | "E") [ "+" | "-" ] digit { digit } ] */
    if (p < len && (text[p] == 'e' || text[p] == 'E')) {
        p++;
        if (p < len && (text[p] == '+' || text[p] == '-')) {
            exp_neg = text[p] == '-';
            p++;
        }
        if (p >= len || text[p] < '0' || text[p] > '9')
            return DECIMAL_ERR_SYNTAX;
        while (p < len && text[p] >= '0' && text[p] <= '9') {
            if (exp < EXP_CLAMP)
                exp = exp * 10 + (text[p] - '0');
            p++;
        }
        if (exp_neg)
            exp = -exp;
    }
    if (p != len)
        return DECIMAL_ERR_SYNTAX;

    /* value = coef x 10^(exp - frac_len); strip leading zeros, then trailing zeros into the exponent. */
    size_t lead = 0;
    while (lead < ncoef && coef[lead] == '0')
        lead++;
    if (lead == ncoef)
        return DECIMAL_OK; /* zero, whatever the exponent or sign ("-0.0", "0e999999999") */
    size_t end = ncoef;
    int64_t eff = exp - (int64_t)frac_len;
    while (end > lead && coef[end - 1] == '0') {
        end--;
        eff++;
    }
    int64_t sig = (int64_t)(end - lead);
    if (eff < -SCALE_DIGITS)
        return DECIMAL_ERR_LIMITS;
    if (sig + (eff > 0 ? eff : 0) > DECIMAL_MAX_DIGITS)
        return DECIMAL_ERR_LIMITS;

    /* In limits: |value| < 10^38 and the units fit in well under 2^200. */
    for (size_t i = lead; i < end; i++) {
        (void)u_mul_small(out->limb, 10);
        (void)u_add_small(out->limb, (uint64_t)(coef[i] - '0'));
    }
    for (int64_t i = 0; i < eff + SCALE_DIGITS; i++)
        (void)u_mul_small(out->limb, 10);
    if (neg)
        u_neg(out->limb, out->limb);
    return DECIMAL_OK;
}

size_t decimal_format(const decimal *d, char *buf, size_t cap)
{
    char digits[MAG_DIGITS_MAX];
    char text[MAG_DIGITS_MAX + 8];
    size_t n = magnitude_digits(d, digits);
    size_t len = 0;

    if (u_is_neg(d->limb) && !u_is_zero(d->limb))
        text[len++] = '-';
    if (n <= SCALE_DIGITS) {
        text[len++] = '0';
    } else {
        memcpy(text + len, digits, n - SCALE_DIGITS);
        len += n - SCALE_DIGITS;
    }
    /* Fractional digits: the last 18 digits, left-padded with zeros, trailing zeros dropped. */
    char frac[SCALE_DIGITS];
    for (size_t i = 0; i < SCALE_DIGITS; i++) {
        size_t from_end = SCALE_DIGITS - i; /* 18 .. 1 */
        frac[i] = from_end <= n ? digits[n - from_end] : '0';
    }
    size_t flen = SCALE_DIGITS;
    while (flen > 0 && frac[flen - 1] == '0')
        flen--;
    if (flen > 0) {
        text[len++] = '.';
        memcpy(text + len, frac, flen);
        len += flen;
    }
    if (cap > 0) {
        size_t c = len < cap - 1 ? len : cap - 1;
        memcpy(buf, text, c);
        buf[c] = '\0';
    }
    return len;
}

/* out = a + b with signed-overflow detection; LIMITS on overflow or out-of-limits results. */
decimal_status decimal_add(const decimal *a, const decimal *b, decimal *out)
{
    bool na = u_is_neg(a->limb);
    bool nb = u_is_neg(b->limb);
    uint64_t r[LIMBS];

    (void)u_add(a->limb, b->limb, r);
    memcpy(out->limb, r, sizeof(r));
    if (na == nb && u_is_neg(r) != na)
        return DECIMAL_ERR_LIMITS;
    return decimal_in_limits(out) ? DECIMAL_OK : DECIMAL_ERR_LIMITS;
}

decimal_status decimal_sub(const decimal *a, const decimal *b, decimal *out)
{
    bool na = u_is_neg(a->limb);
    bool nb = u_is_neg(b->limb);
    uint64_t nbv[LIMBS];
    uint64_t r[LIMBS];

    u_neg(b->limb, nbv);
    (void)u_add(a->limb, nbv, r);
    memcpy(out->limb, r, sizeof(r));
    /* a - b overflows when the operands' signs differ and the result's sign is not a's. */
    if (na != nb && u_is_neg(r) != na)
        return DECIMAL_ERR_LIMITS;
    return decimal_in_limits(out) ? DECIMAL_OK : DECIMAL_ERR_LIMITS;
}

void decimal_neg(const decimal *a, decimal *out)
{
    u_neg(a->limb, out->limb);
}

int decimal_cmp(const decimal *a, const decimal *b)
{
    bool na = u_is_neg(a->limb);
    bool nb = u_is_neg(b->limb);

    if (na != nb)
        return na ? -1 : 1;
    /* Same sign: two's-complement order equals unsigned order of the limbs. */
    for (int i = LIMBS - 1; i >= 0; i--) {
        if (a->limb[i] != b->limb[i])
            return a->limb[i] < b->limb[i] ? -1 : 1;
    }
    return 0;
}

int decimal_sign(const decimal *a)
{
    if (u_is_neg(a->limb))
        return -1;
    return u_is_zero(a->limb) ? 0 : 1;
}

bool decimal_is_zero(const decimal *a)
{
    return u_is_zero(a->limb);
}

decimal_status decimal_share(const decimal *v, int percentage, int percentage_of_percentage, decimal *out)
{
    int pp = percentage_of_percentage == 0 ? 100 : percentage_of_percentage;
    bool neg = u_is_neg(v->limb);
    uint64_t m[LIMBS];

    decimal_zero(out);
    if (percentage == INT_MIN || pp == INT_MIN)
        return DECIMAL_ERR_LIMITS;
    if (percentage < 0) {
        neg = !neg;
        percentage = -percentage;
    }
    if (pp < 0) {
        neg = !neg;
        pp = -pp;
    }
    memcpy(m, v->limb, sizeof(m));
    if (u_is_neg(m))
        u_neg(m, m);
    if (u_mul_small(m, (uint64_t)percentage) != 0 || u_mul_small(m, (uint64_t)pp) != 0 || u_is_neg(m))
        return DECIMAL_ERR_LIMITS;
    /* units x pct x pp / 10000 must be a whole number of 10^-18 units, else more than 18 fractional
     * digits would be needed: nothing is ever rounded. */
    if (u_divmod_small(m, 10000) != 0)
        return DECIMAL_ERR_PRECISION;
    if (neg)
        u_neg(m, m);
    memcpy(out->limb, m, sizeof(m));
    return decimal_in_limits(out) ? DECIMAL_OK : DECIMAL_ERR_LIMITS;
}
