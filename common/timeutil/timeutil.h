/* Time as microseconds since the Unix epoch (UTC), RFC 3339 formatting with six fractional digits,
 * and the parsers for list date filters and transactionDate. Pure code except time_now_us. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors/errors.h"

#define TIME_STR_MAX 40

int64_t time_now_us(void);            /* wall clock, microseconds */
int64_t time_monotonic_us(void);      /* monotonic clock, microseconds */
/* "2025-03-10T14:22:05.481237Z" into out (>= 28 bytes). Returns length. */
size_t time_format_us(int64_t us, char *out, size_t cap);

/* List filter value: "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" (UTC). A date-only start is 00:00:00.000000,
 * a date-only end 23:59:59.999999 of that day. Returns ERR_NONE and sets *us, or ERR_INVALID_DATETIME_FORMAT
 * (0131, wrong shape) or ERR_INVALID_DATE_FORMAT (0077, right shape but not a real date/time). */
err_id time_parse_filter_date(const char *s, bool is_end, int64_t *us);

/* Both ends of a list date window from raw parameter values (NULL or "" = absent), checked in api.md
 * order: start shape, end shape (0131/0077), both-or-neither (0083), start <= end (0078).
 * On success *has_range says whether a window was given. Returns ERR_NONE or the failing code and
 * names the failing parameter in *param. */
err_id time_parse_filter_range(const char *start, const char *end, bool *has_range, int64_t *from_us,
                               int64_t *to_us, const char **param);

/* transactionDate (transactions.md 3.5): RFC 3339 with offset and optional fraction;
 * YYYY-MM-DDTHH:MM:SS[.f...][Z] (UTC); YYYY-MM-DD. Fractions beyond microseconds are truncated.
 * 0 and *us set, or -1 when the text is not one of those shapes or not a real instant. */
int time_parse_transaction_date(const char *s, int64_t *us);
/* RFC 3339 text (as produced by time_format_us or PostgreSQL) back to microseconds; -1 on error. */
int time_parse_rfc3339(const char *s, int64_t *us);
