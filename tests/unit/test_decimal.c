/* Unit tests of common/decimal: the grammar and limits of transactions.md 2.1/2.2, canonical output,
 * exact sums and comparisons, and the share arithmetic of the worked examples of section 4. */
#include <criterion/criterion.h>
#include <string.h>

#include "decimal/decimal.h"

static decimal_status parse(const char *s, decimal *d)
{
    return decimal_parse(s, strlen(s), d);
}

/* Parse text that must be valid, or fail the test. */
static decimal dec(const char *s)
{
    decimal d;
    decimal_status st = parse(s, &d);
    cr_assert_eq(st, DECIMAL_OK, "parse(%s) = %d", s, (int)st);
    return d;
}

static void assert_text(const decimal *d, const char *want)
{
    char buf[DECIMAL_STR_MAX];
    size_t n = decimal_format(d, buf, sizeof(buf));
    cr_assert_str_eq(buf, want);
    cr_assert_eq(n, strlen(want));
}

typedef struct canon_case {
    const char *in;
    const char *out;
} canon_case;

Test(decimal, canonical_table_of_2_2)
{
    static const canon_case cases[] = {
        {"100.00", "100"},
        {"100.50", "100.5"},
        {"1e3", "1000"},
        {"1.5E-3", "0.0015"},
        {"-0.0", "0"},
        {"0.000000000000000001", "0.000000000000000001"},
        {"12345678901234567890.123456789012345678", "12345678901234567890.123456789012345678"},
        {"1.00000000000000000000000", "1"},
        {"0", "0"},
        {"-0", "0"},
        {"0e999999999", "0"},
        {"0.000e-999999999999999999999999", "0"},
        {"-12.340", "-12.34"},
        {"1E+2", "100"},
        {"12e-1", "1.2"},
        {"99999999999999999999999999999999999999", "99999999999999999999999999999999999999"},
        {"1e37", "10000000000000000000000000000000000000"},
        {"-0.000000000000000001", "-0.000000000000000001"},
        {"123.456e2", "12345.6"},
        {"1000000000000000000000e-39", "0.000000000000000001"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        decimal d = dec(cases[i].in);
        assert_text(&d, cases[i].out);
        cr_assert(decimal_in_limits(&d), "%s in limits", cases[i].in);
    }
}

typedef struct status_case {
    const char *in;
    decimal_status want;
} status_case;

Test(decimal, grammar_rejects_of_2_1)
{
    static const status_case cases[] = {
        {" 1", DECIMAL_ERR_SYNTAX},    {"+1", DECIMAL_ERR_SYNTAX},       {"01", DECIMAL_ERR_SYNTAX},
        {".5", DECIMAL_ERR_SYNTAX},    {"5.", DECIMAL_ERR_SYNTAX},       {"1,5", DECIMAL_ERR_SYNTAX},
        {"NaN", DECIMAL_ERR_SYNTAX},   {"Infinity", DECIMAL_ERR_SYNTAX}, {"", DECIMAL_ERR_SYNTAX},
        {"-", DECIMAL_ERR_SYNTAX},     {"1e", DECIMAL_ERR_SYNTAX},       {"1e+", DECIMAL_ERR_SYNTAX},
        {"1 ", DECIMAL_ERR_SYNTAX},    {"--1", DECIMAL_ERR_SYNTAX},      {"1.2.3", DECIMAL_ERR_SYNTAX},
        {"1e1.5", DECIMAL_ERR_SYNTAX}, {"00", DECIMAL_ERR_SYNTAX},       {"-01", DECIMAL_ERR_SYNTAX},
        {"0x10", DECIMAL_ERR_SYNTAX},  {"1e-", DECIMAL_ERR_SYNTAX},      {"-.5", DECIMAL_ERR_SYNTAX},
        {"1..2", DECIMAL_ERR_SYNTAX},  {"e5", DECIMAL_ERR_SYNTAX},       {"1ee5", DECIMAL_ERR_SYNTAX},
        {"inf", DECIMAL_ERR_SYNTAX},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        decimal d;
        decimal_status st = parse(cases[i].in, &d);
        cr_assert_eq(st, cases[i].want, "parse(\"%s\") = %d, want %d", cases[i].in, (int)st,
                     (int)cases[i].want);
    }
}

Test(decimal, embedded_nul_is_a_syntax_error)
{
    decimal d;
    static const char with_nul[3] = {'1', '\0', '2'};
    cr_assert_eq(decimal_parse(with_nul, sizeof(with_nul), &d), DECIMAL_ERR_SYNTAX);
    /* Only `len` bytes are read: "12" with len 1 is 1. */
    cr_assert_eq(decimal_parse("12", 1, &d), DECIMAL_OK);
    assert_text(&d, "1");
}

Test(decimal, limits)
{
    static const status_case cases[] = {
        {"0.0000000000000000001", DECIMAL_ERR_LIMITS},                   /* s = 19 */
        {"123456789012345678901234567890123456789", DECIMAL_ERR_LIMITS}, /* 39 digits */
        {"1e38", DECIMAL_ERR_LIMITS},                                    /* c = 10^38 has 39 digits */
        {"1e999999999", DECIMAL_ERR_LIMITS},
        {"1e99999999999999999999999999999999999999", DECIMAL_ERR_LIMITS},
        {"1e-999999999", DECIMAL_ERR_LIMITS},
        {"1e-19", DECIMAL_ERR_LIMITS},
        {"12345678901234567890.1234567890123456789", DECIMAL_ERR_LIMITS},  /* 39 digits, s = 19 */
        {"1234567890123456789012.123456789012345678", DECIMAL_ERR_LIMITS}, /* 40 digits, s = 18 */
        {"-123456789012345678901234567890123456789", DECIMAL_ERR_LIMITS},
        {"1e-18", DECIMAL_OK},
        {"1e37", DECIMAL_OK},
        {"10000000000000000000000000000000000000.0000", DECIMAL_OK},
        {"0.10000000000000000000000000000000000000000000000000", DECIMAL_OK},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        decimal d;
        decimal_status st = parse(cases[i].in, &d);
        cr_assert_eq(st, cases[i].want, "parse(\"%s\") = %d, want %d", cases[i].in, (int)st,
                     (int)cases[i].want);
    }
}

Test(decimal, too_long_checked_first)
{
    char buf[200];
    decimal d;

    memset(buf, '1', sizeof(buf));
    cr_assert_eq(decimal_parse(buf, 129, &d), DECIMAL_ERR_TOO_LONG);
    /* Even garbage longer than 128 characters is TOO_LONG, not SYNTAX. */
    memset(buf, 'x', sizeof(buf));
    cr_assert_eq(decimal_parse(buf, 129, &d), DECIMAL_ERR_TOO_LONG);
    /* 128 characters is allowed: "0." followed by zeros then a 1 inside the scale limit. */
    memset(buf, '0', 128);
    buf[1] = '.';
    cr_assert_eq(decimal_parse(buf, 128, &d), DECIMAL_OK);
    cr_assert(decimal_is_zero(&d));
    buf[127] = '1';
    cr_assert_eq(decimal_parse(buf, 128, &d), DECIMAL_ERR_LIMITS);
}

Test(decimal, huge_exponent_is_fast_and_bounded)
{
    /* Bounded work: a long exponent digit string must not be materialised. */
    char buf[129];
    decimal d;
    memset(buf, '9', 128);
    buf[0] = '1';
    buf[1] = 'e';
    buf[128] = '\0';
    cr_assert_eq(parse(buf, &d), DECIMAL_ERR_LIMITS);
    buf[0] = '0';
    cr_assert_eq(parse(buf, &d), DECIMAL_OK);
    cr_assert(decimal_is_zero(&d));
}

Test(decimal, point_one_plus_point_two)
{
    decimal a = dec("0.1"), b = dec("0.2"), c = dec("0.3"), r;
    cr_assert_eq(decimal_add(&a, &b, &r), DECIMAL_OK);
    cr_assert_eq(decimal_cmp(&r, &c), 0);
    assert_text(&r, "0.3");
}

Test(decimal, add_sub_negative_values)
{
    decimal a = dec("-5.25"), b = dec("2.75"), r;
    cr_assert_eq(decimal_add(&a, &b, &r), DECIMAL_OK);
    assert_text(&r, "-2.5");
    cr_assert_eq(decimal_sub(&b, &a, &r), DECIMAL_OK);
    assert_text(&r, "8");
    cr_assert_eq(decimal_sub(&a, &a, &r), DECIMAL_OK);
    assert_text(&r, "0");
    cr_assert(decimal_is_zero(&r));
    cr_assert_eq(decimal_sign(&r), 0);
    decimal n;
    decimal_neg(&b, &n);
    assert_text(&n, "-2.75");
    cr_assert_eq(decimal_sign(&n), -1);
    decimal_neg(&n, &n);
    cr_assert_eq(decimal_cmp(&n, &b), 0);
}

Test(decimal, add_overflow_reports_limits)
{
    decimal max = dec("99999999999999999999999999999999999999");
    decimal one = dec("1"), r;
    /* 10^38 needs 39 digits. */
    cr_assert_eq(decimal_add(&max, &one, &r), DECIMAL_ERR_LIMITS);
    cr_assert(!decimal_in_limits(&r));
    decimal neg;
    decimal_neg(&max, &neg);
    cr_assert_eq(decimal_sub(&neg, &one, &r), DECIMAL_ERR_LIMITS);
    /* Sum at the edge stays in limits. */
    decimal a = dec("49999999999999999999999999999999999999"),
            b = dec("50000000000000000000000000000000000000");
    cr_assert_eq(decimal_add(&a, &b, &r), DECIMAL_OK);
    assert_text(&r, "99999999999999999999999999999999999999");
    /* A fractional sum with more than 38 digits overall. */
    decimal x = dec("99999999999999999999.999999999999999999"), y = dec("0.000000000000000001");
    cr_assert_eq(decimal_add(&x, &y, &r), DECIMAL_OK);
    assert_text(&r, "100000000000000000000");
    decimal z = dec("99999999999999999999.99999999999999999");
    cr_assert_eq(decimal_add(&x, &z, &r), DECIMAL_ERR_LIMITS); /* 199...9.99...989: 39 digits */
}

Test(decimal, repeated_out_of_limit_sums_never_wrap_silently)
{
    decimal big = dec("99999999999999999999999999999999999999"), acc = big, r;
    for (int i = 0; i < 200; i++) {
        decimal_status st = decimal_add(&acc, &acc, &r);
        cr_assert_eq(st, DECIMAL_ERR_LIMITS);
        acc = r;
    }
}

typedef struct cmp_case {
    const char *a, *b;
    int want;
} cmp_case;

Test(decimal, compare)
{
    static const cmp_case cases[] = {
        {"1", "2", -1},
        {"2", "1", 1},
        {"1.0", "1", 0},
        {"-1", "1", -1},
        {"-2", "-1", -1},
        {"0", "-0", 0},
        {"0.3", "0.30", 0},
        {"-0.000000000000000001", "0", -1},
        {"1e2", "100.0", 0},
        {"99999999999999999999999999999999999999", "-99999999999999999999999999999999999999", 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        decimal a = dec(cases[i].a), b = dec(cases[i].b);
        cr_assert_eq(decimal_cmp(&a, &b), cases[i].want, "cmp(%s,%s)", cases[i].a, cases[i].b);
        cr_assert_eq(decimal_cmp(&b, &a), -cases[i].want, "cmp(%s,%s)", cases[i].b, cases[i].a);
    }
}

Test(decimal, sign_and_zero)
{
    decimal d;
    decimal_zero(&d);
    cr_assert(decimal_is_zero(&d));
    cr_assert_eq(decimal_sign(&d), 0);
    d = dec("-0.5");
    cr_assert_eq(decimal_sign(&d), -1);
    cr_assert(!decimal_is_zero(&d));
    d = dec("0.5");
    cr_assert_eq(decimal_sign(&d), 1);
}

Test(decimal, from_int)
{
    decimal d, e;
    decimal_from_int(42, &d);
    assert_text(&d, "42");
    decimal_from_int(-7, &d);
    assert_text(&d, "-7");
    decimal_from_int(0, &d);
    assert_text(&d, "0");
    decimal_from_int(INT64_MIN, &d);
    assert_text(&d, "-9223372036854775808");
    e = dec("-9223372036854775808");
    cr_assert_eq(decimal_cmp(&d, &e), 0);
    decimal_from_int(INT64_MAX, &d);
    assert_text(&d, "9223372036854775807");
}

Test(decimal, format_truncates_but_reports_length)
{
    decimal d = dec("-1234.5");
    char small[4];
    size_t n = decimal_format(&d, small, sizeof(small));
    cr_assert_eq(n, 7);
    cr_assert_str_eq(small, "-12");
}

/* Share of V as transactions.md section 4 defines it. */
static decimal share(const char *v, int pct, int pp)
{
    decimal V = dec(v), out;
    decimal_status st = decimal_share(&V, pct, pp, &out);
    cr_assert_eq(st, DECIMAL_OK, "share(%s,%d,%d) = %d", v, pct, pp, (int)st);
    return out;
}

/* remaining = V - sum(others), as the amount resolution computes it. */
static decimal remaining(const char *v, const decimal *legs, size_t n)
{
    decimal r = dec(v);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(decimal_sub(&r, &legs[i], &r), DECIMAL_OK);
    return r;
}

Test(decimal, share_E1)
{
    decimal legs[2] = {share("100", 50, 0), share("100", 50, 50)};
    assert_text(&legs[0], "50");
    assert_text(&legs[1], "25");
    decimal rest = remaining("100", legs, 2);
    assert_text(&rest, "25");
}

Test(decimal, share_E2_no_rounding)
{
    decimal legs[2] = {share("0.10", 33, 0), share("0.10", 33, 0)};
    assert_text(&legs[0], "0.033");
    assert_text(&legs[1], "0.033");
    decimal rest = remaining("0.10", legs, 2);
    assert_text(&rest, "0.034");
}

Test(decimal, share_E3_both_sides)
{
    decimal from[2] = {share("200", 50, 0), share("200", 50, 0)};
    assert_text(&from[0], "100");
    assert_text(&from[1], "100");
    decimal sum, V = dec("200");
    cr_assert_eq(decimal_add(&from[0], &from[1], &sum), DECIMAL_OK);
    cr_assert_eq(decimal_cmp(&sum, &V), 0);
    decimal to = share("200", 25, 40);
    assert_text(&to, "20");
    decimal rest = remaining("200", &to, 1);
    assert_text(&rest, "180");
}

Test(decimal, share_E4_sum_exceeds)
{
    decimal a = share("100", 60, 0), b = share("100", 60, 0), sum, V = dec("100");
    cr_assert_eq(decimal_add(&a, &b, &sum), DECIMAL_OK);
    assert_text(&sum, "120");
    cr_assert_eq(decimal_cmp(&sum, &V), 1);
}

Test(decimal, share_E7_precision)
{
    decimal V = dec("0.000000000000000003"), out;
    cr_assert_eq(decimal_share(&V, 50, 0, &out), DECIMAL_ERR_PRECISION);
    /* 0.000000000000000002 x 50% is exactly 0.000000000000000001. */
    V = dec("0.000000000000000002");
    cr_assert_eq(decimal_share(&V, 50, 0, &out), DECIMAL_OK);
    assert_text(&out, "0.000000000000000001");
    /* 33% of 0.01 needs s = 4; 1% of 1% of 0.000000000000001 needs s = 19. */
    V = dec("0.000000000000001");
    cr_assert_eq(decimal_share(&V, 1, 1, &out), DECIMAL_ERR_PRECISION);
}

Test(decimal, share_E9_pp_zero_means_hundred)
{
    decimal a = share("10", 100, 0);
    assert_text(&a, "10");
    decimal b = share("10", 100, 100);
    cr_assert_eq(decimal_cmp(&a, &b), 0);
}

Test(decimal, share_of_large_and_negative_values)
{
    decimal a = share("99999999999999999999999999999999999999", 100, 0);
    assert_text(&a, "99999999999999999999999999999999999999");
    decimal b = share("99999999999999999999999999999999999998", 50, 0);
    assert_text(&b, "49999999999999999999999999999999999999");
    decimal c = share("-10", 25, 0);
    assert_text(&c, "-2.5");
    /* 38 integer digits times 1% leaves a value with 38 digits and s=2: in limits. */
    decimal d = share("12345678901234567890123456789012345678", 1, 0);
    assert_text(&d, "123456789012345678901234567890123456.78");
}
