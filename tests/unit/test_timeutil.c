/* Unit tests of common/timeutil: RFC 3339 output with six fractional digits, the list date filters of
 * api.md "Lists" (0131/0077/0083/0078) and transactionDate parsing (transactions.md 3.5). */
#include <criterion/criterion.h>
#include <string.h>

#include "timeutil/timeutil.h"

/* 2025-01-01T00:00:00Z in microseconds. */
#define JAN1_2025 INT64_C(1735689600000000)
#define DAY_US INT64_C(86400000000)
#define HOUR_US INT64_C(3600000000)

typedef struct fmt_case {
    int64_t us;
    const char *text;
} fmt_case;

Test(timeutil, format_us)
{
    static const fmt_case cases[] = {
        {0, "1970-01-01T00:00:00.000000Z"},
        {1, "1970-01-01T00:00:00.000001Z"},
        {-1, "1969-12-31T23:59:59.999999Z"},
        {JAN1_2025, "2025-01-01T00:00:00.000000Z"},
        {INT64_C(1741616525481237), "2025-03-10T14:22:05.481237Z"},
        {INT64_C(951782400000000), "2000-02-29T00:00:00.000000Z"},
        {INT64_C(253402300799999999), "9999-12-31T23:59:59.999999Z"},
        {INT64_C(-62135596800000000), "0001-01-01T00:00:00.000000Z"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[TIME_STR_MAX];
        size_t n = time_format_us(cases[i].us, buf, sizeof(buf));
        cr_assert_str_eq(buf, cases[i].text);
        cr_assert_eq(n, strlen(cases[i].text));
        /* And back. */
        int64_t back = 0;
        cr_assert_eq(time_parse_rfc3339(buf, &back), 0, "%s", buf);
        cr_assert_eq(back, cases[i].us, "%s", buf);
    }
}

Test(timeutil, clocks)
{
    int64_t now = time_now_us();
    cr_assert_gt(now, INT64_C(1700000000000000)); /* after 2023 */
    int64_t m1 = time_monotonic_us(), m2 = time_monotonic_us();
    cr_assert_geq(m2, m1);
    char buf[TIME_STR_MAX];
    cr_assert_eq(time_format_us(now, buf, sizeof(buf)), 27);
    cr_assert_eq(buf[26], 'Z');
}

typedef struct filter_case {
    const char *in;
    bool is_end;
    err_id want;
    int64_t us;
} filter_case;

Test(timeutil, filter_dates)
{
    static const filter_case cases[] = {
        {"2025-01-01", false, ERR_NONE, JAN1_2025},
        {"2025-01-01", true, ERR_NONE, JAN1_2025 + DAY_US - 1},
        {"2025-01-01 10:00:00", false, ERR_NONE, JAN1_2025 + 10 * HOUR_US},
        {"2025-01-01 10:00:00", true, ERR_NONE, JAN1_2025 + 10 * HOUR_US},
        {"2025-01-01 23:59:59", false, ERR_NONE, JAN1_2025 + DAY_US - 1000000},
        {"2024-02-29", false, ERR_NONE, JAN1_2025 - 307 * DAY_US},
        {"2000-02-29", false, ERR_NONE, INT64_C(951782400000000)},
        /* right shape, not a real date/time: 0077 */
        {"2025-02-30", false, ERR_INVALID_DATE_FORMAT, 0},
        {"2025-02-29", false, ERR_INVALID_DATE_FORMAT, 0},
        {"1900-02-29", false, ERR_INVALID_DATE_FORMAT, 0},
        {"2025-13-01", false, ERR_INVALID_DATE_FORMAT, 0},
        {"2025-00-10", false, ERR_INVALID_DATE_FORMAT, 0},
        {"2025-04-31", false, ERR_INVALID_DATE_FORMAT, 0},
        {"2025-01-00", true, ERR_INVALID_DATE_FORMAT, 0},
        {"0000-01-01", false, ERR_INVALID_DATE_FORMAT, 0},
        {"2025-01-01 24:00:00", false, ERR_INVALID_DATE_FORMAT, 0},
        {"2025-01-01 23:60:00", false, ERR_INVALID_DATE_FORMAT, 0},
        {"2025-01-01 23:59:60", false, ERR_INVALID_DATE_FORMAT, 0},
        /* other shapes: 0131 */
        {"2025-1-01", false, ERR_INVALID_DATETIME_FORMAT, 0},
        {"2025-01-01T00:00:00", false, ERR_INVALID_DATETIME_FORMAT, 0},
        {"2025-01-01 00:00", false, ERR_INVALID_DATETIME_FORMAT, 0},
        {"2025-01-01 00:00:00.5", false, ERR_INVALID_DATETIME_FORMAT, 0},
        {"2025-01-01 00:00:00Z", false, ERR_INVALID_DATETIME_FORMAT, 0},
        {"2025/01/01", false, ERR_INVALID_DATETIME_FORMAT, 0},
        {"20250101", false, ERR_INVALID_DATETIME_FORMAT, 0},
        {"yesterday", false, ERR_INVALID_DATETIME_FORMAT, 0},
        {" 2025-01-01", false, ERR_INVALID_DATETIME_FORMAT, 0},
        {"2025-01-01 ", false, ERR_INVALID_DATETIME_FORMAT, 0},
        {"2025-01-01  0:00:00", false, ERR_INVALID_DATETIME_FORMAT, 0},
        {"", false, ERR_INVALID_DATETIME_FORMAT, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t us = -42;
        err_id got = time_parse_filter_date(cases[i].in, cases[i].is_end, &us);
        cr_assert_eq(got, cases[i].want, "\"%s\": got %d want %d", cases[i].in, (int)got, (int)cases[i].want);
        if (cases[i].want == ERR_NONE)
            cr_assert_eq(us, cases[i].us, "\"%s\": %lld", cases[i].in, (long long)us);
    }
}

typedef struct range_case {
    const char *start, *end;
    err_id want;
    const char *param;
    bool has_range;
} range_case;

Test(timeutil, filter_range)
{
    static const range_case cases[] = {
        {NULL, NULL, ERR_NONE, NULL, false},
        {"", "", ERR_NONE, NULL, false},
        {"2025-01-01", "2025-01-01", ERR_NONE, NULL, true}, /* end is 23:59:59.999999 */
        {"2025-01-01 10:00:00", "2025-01-01 10:00:00", ERR_NONE, NULL, true},
        {"2025-01-01 23:00:00", "2025-01-01", ERR_NONE, NULL, true},
        {"2025-01-02", "2025-01-01", ERR_INVALID_FINAL_DATE, "start_date", false},
        {"2025-01-01 10:00:01", "2025-01-01 10:00:00", ERR_INVALID_FINAL_DATE, "start_date", false},
        {"2025-01-01", NULL, ERR_INVALID_DATE_RANGE, "end_date", false},
        {"2025-01-01", "", ERR_INVALID_DATE_RANGE, "end_date", false},
        {NULL, "2025-01-01", ERR_INVALID_DATE_RANGE, "start_date", false},
        /* shape errors come before both-or-neither, start before end */
        {"bad", NULL, ERR_INVALID_DATETIME_FORMAT, "start_date", false},
        {NULL, "2025-02-30", ERR_INVALID_DATE_FORMAT, "end_date", false},
        {"2025-02-30", "bad", ERR_INVALID_DATE_FORMAT, "start_date", false},
        {"2025-01-01", "2025-01-01T00:00:00", ERR_INVALID_DATETIME_FORMAT, "end_date", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool has = true;
        int64_t from = 0, to = 0;
        const char *param = "unset";
        err_id got = time_parse_filter_range(cases[i].start, cases[i].end, &has, &from, &to, &param);
        cr_assert_eq(got, cases[i].want, "case %zu: got %d", i, (int)got);
        cr_assert_eq(has, cases[i].has_range, "case %zu", i);
        if (cases[i].param)
            cr_assert_str_eq(param, cases[i].param, "case %zu", i);
        else
            cr_assert_null(param, "case %zu", i);
        if (has)
            cr_assert_leq(from, to);
    }
    bool has = false;
    int64_t from = 0, to = 0;
    const char *param = NULL;
    cr_assert_eq(time_parse_filter_range("2025-01-01", "2025-01-01", &has, &from, &to, &param), ERR_NONE);
    cr_assert_eq(from, JAN1_2025);
    cr_assert_eq(to, JAN1_2025 + DAY_US - 1);
}

typedef struct txdate_case {
    const char *in;
    int rc;
    int64_t us;
} txdate_case;

Test(timeutil, transaction_date)
{
    static const txdate_case cases[] = {
        {"2025-01-01", 0, JAN1_2025},
        {"2025-01-01T10:00:00", 0, JAN1_2025 + 10 * HOUR_US},
        {"2025-01-01T10:00:00Z", 0, JAN1_2025 + 10 * HOUR_US},
        {"2025-01-01t10:00:00z", 0, JAN1_2025 + 10 * HOUR_US},
        {"2025-01-01T10:00:00-03:00", 0, JAN1_2025 + 13 * HOUR_US},
        {"2025-01-01T10:00:00+05:30", 0, JAN1_2025 + 10 * HOUR_US - 5 * HOUR_US - 30 * INT64_C(60000000)},
        {"2025-01-01T01:00:00+02:00", 0, JAN1_2025 - HOUR_US}, /* previous day in UTC */
        {"2025-01-01T10:00:00.5Z", 0, JAN1_2025 + 10 * HOUR_US + 500000},
        {"2025-01-01T10:00:00.123456Z", 0, JAN1_2025 + 10 * HOUR_US + 123456},
        {"2025-01-01T10:00:00.1234569Z", 0, JAN1_2025 + 10 * HOUR_US + 123456}, /* truncated */
        {"2025-01-01T10:00:00.000001-00:00", 0, JAN1_2025 + 10 * HOUR_US + 1},
        {"2025-01-01T10:00:00.25", 0, JAN1_2025 + 10 * HOUR_US + 250000},
        {"2024-02-29T12:00:00Z", 0, JAN1_2025 - 307 * DAY_US + 12 * HOUR_US},
        {"2023-02-29", -1, 0},
        {"2100-02-29T00:00:00Z", -1, 0},
        {"2025-01-01T24:00:00Z", -1, 0},
        {"2025-01-01T10:00:00+24:00", -1, 0},
        {"2025-01-01T10:00:00+05", -1, 0},
        {"2025-01-01T10:00:00+0500", -1, 0},
        {"2025-01-01 10:00:00", -1, 0},
        {"2025-01-01T10:00", -1, 0},
        {"2025-01-01T10:00:00.", -1, 0},
        {"2025-01-01T10:00:00.Z", -1, 0},
        {"2025-01-01T10:00:00ZZ", -1, 0},
        {"2025-01-01T10:00:00Z ", -1, 0},
        {"2025-1-1", -1, 0},
        {"01/01/2025", -1, 0},
        {"garbage", -1, 0},
        {"", -1, 0},
        {"1735689600", -1, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t us = -42;
        int rc = time_parse_transaction_date(cases[i].in, &us);
        cr_assert_eq(rc, cases[i].rc, "\"%s\": rc %d", cases[i].in, rc);
        if (rc == 0)
            cr_assert_eq(us, cases[i].us, "\"%s\": %lld want %lld", cases[i].in, (long long)us,
                         (long long)cases[i].us);
    }
    int64_t us = 0;
    cr_assert_eq(time_parse_transaction_date(NULL, &us), -1);
}

Test(timeutil, rfc3339_reads_postgres_text)
{
    int64_t us = 0;
    cr_assert_eq(time_parse_rfc3339("2025-03-10 14:22:05.481237+00", &us), 0);
    cr_assert_eq(us, INT64_C(1741616525481237));
    cr_assert_eq(time_parse_rfc3339("2025-03-10T11:22:05.481237-03", &us), 0);
    cr_assert_eq(us, INT64_C(1741616525481237));
    cr_assert_eq(time_parse_rfc3339("2025-03-10T14:22:05Z", &us), 0);
    cr_assert_eq(us, INT64_C(1741616525000000));
    cr_assert_eq(time_parse_rfc3339("2025-03-10", &us), -1);
    cr_assert_eq(time_parse_rfc3339("infinity", &us), -1);
}
