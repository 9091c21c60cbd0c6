/* Time as microseconds since the Unix epoch: clocks, RFC 3339 formatting (UTC, six fractional digits)
 * and strict parsers for list date filters and transactionDate. Civil-date arithmetic is done here
 * by hand so nothing depends on the process time zone; no floating point, no locale. */
#include "timeutil/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)

int64_t time_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

int64_t time_monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

size_t time_format_us(int64_t us, char *out, size_t cap)
{
    int64_t days = floor_div(us, US_PER_DAY);
    int64_t rem = us - days * US_PER_DAY; /* 0 .. US_PER_DAY-1 */
    int64_t y;
    int m, d;
    char text[TIME_STR_MAX * 2];

    civil_from_days(days, &y, &m, &d);
    int64_t secs = rem / US_PER_SEC;
    int64_t frac = rem % US_PER_SEC;
    int n = snprintf(text, sizeof(text), "%04lld-%02d-%02dT%02d:%02d:%02d.%06lldZ", (long long)y, m, d,
                     (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60), (long long)frac);
    size_t len = n > 0 ? (size_t)n : 0;
    if (cap > 0) {
        size_t c = len < cap - 1 ? len : cap - 1;
        memcpy(out, text, c);
        out[c] = '\0';
    }
    return len;
}

/* ---- parsing ------------------------------------------------------------------------------------ */

static bool digits_at(const char *s, size_t pos, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[pos + i] < '0' || s[pos + i] > '9')
            return false;
    return true;
}

static int num_at(const char *s, size_t pos, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[pos + i] - '0');
    return v;
}

/* "YYYY-MM-DD" at s (shape already checked): 0 and *days, or -1 when not a real date. */
static int date_fields(const char *s, int64_t *days)
{
    int y = num_at(s, 0, 4), m = num_at(s, 5, 2), d = num_at(s, 8, 2);
    /* Year 0 is refused: PostgreSQL has no year 0 and it is no real date to a client. */
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -1;
    *days = days_from_civil(y, m, d);
    return 0;
}

static bool date_shape(const char *s, size_t len)
{
    return len >= 10 && digits_at(s, 0, 4) && s[4] == '-' && digits_at(s, 5, 2) && s[7] == '-' &&
           digits_at(s, 8, 2);
}

static bool hms_shape(const char *s, size_t pos, size_t len)
{
    return len >= pos + 8 && digits_at(s, pos, 2) && s[pos + 2] == ':' && digits_at(s, pos + 3, 2) &&
           s[pos + 5] == ':' && digits_at(s, pos + 6, 2);
}

/* "HH:MM:SS" at s+pos (shape checked): 0 and *secs, or -1 when not a real time (no leap second). */
static int hms_fields(const char *s, size_t pos, int64_t *secs)
{
    int h = num_at(s, pos, 2), mi = num_at(s, pos + 3, 2), se = num_at(s, pos + 6, 2);
    if (h > 23 || mi > 59 || se > 59)
        return -1;
    *secs = (int64_t)h * 3600 + mi * 60 + se;
    return 0;
}

err_id time_parse_filter_date(const char *s, bool is_end, int64_t *us)
{
    size_t len = s ? strlen(s) : 0;
    int64_t days = 0, secs = 0;

    if (len == 10 && date_shape(s, len)) {
        if (date_fields(s, &days) < 0)
            return ERR_INVALID_DATE_FORMAT;
        *us = days * US_PER_DAY + (is_end ? US_PER_DAY - 1 : 0);
        return ERR_NONE;
    }
    if (len == 19 && date_shape(s, len) && s[10] == ' ' && hms_shape(s, 11, len)) {
        if (date_fields(s, &days) < 0 || hms_fields(s, 11, &secs) < 0)
            return ERR_INVALID_DATE_FORMAT;
        *us = days * US_PER_DAY + secs * US_PER_SEC;
        return ERR_NONE;
    }
    return ERR_INVALID_DATETIME_FORMAT;
}

err_id time_parse_filter_range(const char *start, const char *end, bool *has_range, int64_t *from_us,
                               int64_t *to_us, const char **param)
{
    bool has_start = start && start[0];
    bool has_end = end && end[0];
    int64_t from = 0, to = 0;
    err_id rc;

    *has_range = false;
    *param = NULL;
    if (has_start && (rc = time_parse_filter_date(start, false, &from)) != ERR_NONE) {
        *param = "start_date";
        return rc;
    }
    if (has_end && (rc = time_parse_filter_date(end, true, &to)) != ERR_NONE) {
        *param = "end_date";
        return rc;
    }
    if (has_start != has_end) {
        /* Name the one that is missing: that is what the client has to add. */
        *param = has_start ? "end_date" : "start_date";
        return ERR_INVALID_DATE_RANGE;
    }
    if (!has_start)
        return ERR_NONE;
    if (from > to) {
        *param = "start_date";
        return ERR_INVALID_FINAL_DATE;
    }
    *has_range = true;
    *from_us = from;
    *to_us = to;
    return ERR_NONE;
}

/* Options of the shared timestamp parser: transactionDate is strict RFC 3339; the reader of stored
 * timestamps also takes PostgreSQL's text output ("2025-03-10 14:22:05.481237+00"). */
typedef struct ts_rules {
    bool allow_date_only;
    bool allow_space;        /* ' ' as the date/time separator */
    bool allow_short_offset; /* "+HH", "+HHMM" and "+HH:MM:SS" besides "+HH:MM" */
} ts_rules;

static int parse_timestamp(const char *s, const ts_rules *r, int64_t *us)
{
    size_t len = s ? strlen(s) : 0;
    size_t p;
    int64_t days = 0, secs = 0, frac = 0, offset = 0;

    if (!date_shape(s, len))
        return -1;
    if (date_fields(s, &days) < 0)
        return -1;
    if (len == 10) {
        if (!r->allow_date_only)
            return -1;
        *us = days * US_PER_DAY;
        return 0;
    }
    if (!(s[10] == 'T' || s[10] == 't' || (r->allow_space && s[10] == ' ')))
        return -1;
    if (!hms_shape(s, 11, len) || hms_fields(s, 11, &secs) < 0)
        return -1;
    p = 19;
    if (p < len && s[p] == '.') {
        int ndig = 0;
        p++;
        if (p >= len || s[p] < '0' || s[p] > '9')
            return -1;
        while (p < len && s[p] >= '0' && s[p] <= '9') {
            if (ndig < 6) /* beyond microseconds: truncated */
                frac = frac * 10 + (s[p] - '0');
            ndig++;
            p++;
        }
        for (; ndig < 6; ndig++)
            frac *= 10;
    }
    if (p < len && (s[p] == 'Z' || s[p] == 'z')) {
        p++;
    } else if (p < len && (s[p] == '+' || s[p] == '-')) {
        int sign = s[p] == '-' ? -1 : 1;
        size_t rest = len - p - 1;
        int oh, om = 0, os = 0;
        p++;
        if (rest == 5 && digits_at(s, p, 2) && s[p + 2] == ':' && digits_at(s, p + 3, 2)) {
            oh = num_at(s, p, 2);
            om = num_at(s, p + 3, 2);
        } else if (r->allow_short_offset && rest == 2 && digits_at(s, p, 2)) {
            oh = num_at(s, p, 2);
        } else if (r->allow_short_offset && rest == 4 && digits_at(s, p, 4)) {
            oh = num_at(s, p, 2);
            om = num_at(s, p + 2, 2);
        } else if (r->allow_short_offset && rest == 8 && digits_at(s, p, 2) && s[p + 2] == ':' &&
                   digits_at(s, p + 3, 2) && s[p + 5] == ':' && digits_at(s, p + 6, 2)) {
            oh = num_at(s, p, 2);
            om = num_at(s, p + 3, 2);
            os = num_at(s, p + 6, 2);
        } else {
            return -1;
        }
        if (oh > 23 || om > 59 || os > 59)
            return -1;
        offset = sign * ((int64_t)oh * 3600 + om * 60 + os);
        p = len;
    }
    if (p != len)
        return -1;
    /* Local time minus its offset is UTC. */
    *us = days * US_PER_DAY + (secs - offset) * US_PER_SEC + frac;
    return 0;
}

int time_parse_transaction_date(const char *s, int64_t *us)
{
    static const ts_rules strict = {
        .allow_date_only = true, .allow_space = false, .allow_short_offset = false};
    return parse_timestamp(s, &strict, us);
}

int time_parse_rfc3339(const char *s, int64_t *us)
{
    static const ts_rules lenient = {
        .allow_date_only = false, .allow_space = true, .allow_short_offset = true};
    return parse_timestamp(s, &lenient, us);
}
