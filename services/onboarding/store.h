/* Pieces shared by the onboarding store files: row-lock modes and helpers that turn libpq values
 * into C values and C values into statement parameters. No SQL text lives here (style.md: SQL only
 * in store_<x>.c); nothing here talks HTTP. */
#pragma once
#include <json-c/json.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "pagination/pagination.h"
#include "timeutil/timeutil.h"

/* Row lock taken by a lookup inside a transaction. */
typedef enum store_lock {
    STORE_LOCK_NONE,      /* plain read */
    STORE_LOCK_KEY_SHARE, /* a child is being written under this row: blocks its delete only */
    STORE_LOCK_UPDATE     /* the row itself is being changed or deleted */
} store_lock;

/* Heap copy of a text column, NULL when the value is SQL NULL. Caller frees. */
char *store_text(const PGresult *res, int row, int col);
/* Copy of a non-null text column into a fixed buffer of cap bytes (truncated, NUL-terminated). */
void store_text_into(const PGresult *res, int row, int col, char *out, size_t cap);
/* A bigint column; `null_value` when SQL NULL. */
int64_t store_i64(const PGresult *res, int row, int col, int64_t null_value);
/* A json/jsonb column (text form) parsed strictly so numbers keep their text; a new reference, or an
 * empty object when the value is NULL or unparseable (logged). */
json_object *store_json(const PGresult *res, int row, int col);

/* RFC 3339 text of an epoch-microsecond time, for a "$n::timestamptz" parameter. */
typedef struct store_time_text {
    char s[TIME_STR_MAX];
} store_time_text;
store_time_text store_time(int64_t us);

/* The metadata.<key>=<value> filters of a list as one JSON object of string values, which the list
 * statements expand with json_each_text (a filter matches only a string value). "{}" when there are none.
 * Caller frees. */
char *store_metadata_filter(const page_params *p);

/* Decimal text of an int64 for a parameter. */
typedef struct store_int_text {
    char s[24];
} store_int_text;
store_int_text store_int(int64_t v);
