/* libpq helpers for every service's store files: row-lock modes, column readers, parameter text, the
 * offset-list window and its metadata filter, and count/exists/one-row/many-row runners. No table, no
 * statement of any service, no domain rule: SQL text stays in store_*.c (only constant fragments here). */
#pragma once
#include <json-c/json.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "entity/entity.h"
#include "pagination/pagination.h"
#include "timeutil/timeutil.h"
#include "util/mem.h"

/* ---- SQL fragments (constant text only) ---------------------------------------------------------- */

/* ASCII-only case fold of a SQL expression (api.md "Consistency": A-Z equal a-z, every other
 * character compares by code point, so lower() with its locale rules is not used). */
#define DB_SQL_FOLD(x) "translate(" x ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"

/* True when the json column `col` holds, for every member of the filter object bound as `param` (the
 * text of db_metadata_filter_json, "{}" for none), a string equal to the member's value: numbers and
 * booleans never match. For json columns; a jsonb column can say col " @> " param "::jsonb". */
#define DB_SQL_JSON_MATCHES(col, param)                                                                      \
    "NOT EXISTS (SELECT 1 FROM json_each_text(" param "::json) AS f(k, v) WHERE "                            \
    "json_typeof(" col " -> f.k) IS DISTINCT FROM 'string' OR (" col " ->> f.k) IS DISTINCT FROM f.v)"

/* Epoch microseconds of a timestamptz expression, for select lists (exact: extract() is numeric);
 * read it back with db_col_i64. */
#define DB_SQL_EPOCH_US(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

/* The columns of an entity_common (status, metadata, times), in the order db_col_entity_common reads
 * them. */
/* clang-format off */
#define DB_SQL_ENTITY_COLUMNS                                                                                \
    "status_code, status_description, metadata::text, "                                                      \
    DB_SQL_EPOCH_US("created_at") ", " DB_SQL_EPOCH_US("updated_at") ", " DB_SQL_EPOCH_US("deleted_at")
/* clang-format on */
#define DB_ENTITY_COLUMN_COUNT 6

/* ---- row locks ----------------------------------------------------------------------------------- */

/* Row lock taken by a lookup inside a transaction. */
typedef enum db_lock {
    DB_LOCK_NONE,      /* plain read */
    DB_LOCK_KEY_SHARE, /* a child is being written under this row: conflicts only with its delete */
    DB_LOCK_UPDATE     /* the row itself is being changed or deleted */
} db_lock;

/* The one of three constant statements that takes `lock` (the caller wrote each with its
 * FOR KEY SHARE / FOR UPDATE suffix). Borrowed; never NULL when the arguments are not. A value
 * outside the enum gets none_sql. */
const char *db_lock_pick(db_lock lock, const char *none_sql, const char *key_share_sql,
                         const char *update_sql);

/* ---- column readers (res, row, col must be in range unless said otherwise) ----------------------- */

/* Heap copy of a text column, NULL when SQL NULL. Caller frees. */
char *db_col_text(const PGresult *res, int row, int col);
/* Copy of a text column into the arena, NULL when SQL NULL. Owned by the arena. */
const char *db_col_text_arena(arena *a, const PGresult *res, int row, int col);
/* Copy of a text column into out[cap] (truncated, always NUL-terminated); "" when SQL NULL. */
void db_col_text_into(const PGresult *res, int row, int col, char *out, size_t cap);
/* A bigint column (decimal text); null_value when SQL NULL. */
int64_t db_col_i64(const PGresult *res, int row, int col, int64_t null_value);
/* A boolean column: true only for a non-null "t". */
bool db_col_bool(const PGresult *res, int row, int col);
/* A json/jsonb column parsed strictly (numbers keep their text) that must hold an object: a new
 * reference, or a new empty object when the value is SQL NULL, unparseable or not an object (the
 * last two are logged as errors). */
json_object *db_col_json_object(const PGresult *res, int row, int col);

/* An entity_common from columns col .. col + DB_ENTITY_COLUMN_COUNT - 1 (DB_SQL_ENTITY_COLUMNS):
 * *out's members are overwritten, not freed (pass it empty); it owns the new copies. */
void db_col_entity_common(const PGresult *res, int row, int col, entity_common *out);

/* ---- parameter text ------------------------------------------------------------------------------ */

/* Room for the text of one parameter built from a C value (RFC 3339 time or int64 decimal). */
typedef struct db_param_text {
    char s[TIME_STR_MAX > 24 ? TIME_STR_MAX : 24];
} db_param_text;

/* RFC 3339 UTC text (six fractional digits, Z) of epoch microseconds, for "$n::timestamptz". */
db_param_text db_param_time(int64_t us);
/* Decimal text of an int64, for "$n::bigint" / "$n::int". */
db_param_text db_param_int(int64_t v);

/* The metadata.<key>=<value> filters of a list as one JSON object of string values ("{}" when there
 * are none), which a statement matches with jsonb containment or json_each_text. Repeated keys: the
 * last one wins. Caller frees. */
char *db_metadata_filter_json(const page_params *p);

/* The parameters every offset list binds besides its own filters. */
typedef struct db_page_window {
    db_param_text from, to;    /* the date range (only meaningful when p->has_range) */
    db_param_text limit;       /* p->limit */
    db_param_text offset;      /* (p->page - 1) * p->limit */
    const char *from_p, *to_p; /* from.s / to.s, or NULL (SQL NULL) when there is no range */
    char *metadata;            /* db_metadata_filter_json; heap, freed by db_page_window_clear */
} db_page_window;

/* Fill w from p. Pointers in w point into w itself: do not copy the struct after init. */
void db_page_window_init(db_page_window *w, const page_params *p);
/* Free w's heap member (w stays valid and empty). */
void db_page_window_clear(db_page_window *w);

/* ---- statement runners (db_exec underneath: same statuses, nothing returned on failure) ---------- */

/* Runs a statement whose row 0, column 0 is a count; *n = that value (0 when there is no row). */
db_status db_exec_count(db_conn *c, const char *sql, int nparams, const char *const *params,
                        int64_t *n) MUSTCHECK;
/* Runs a statement; *found = it returned at least one row. */
db_status db_exec_exists(db_conn *c, const char *sql, int nparams, const char *const *params,
                         bool *found) MUSTCHECK;
/* Runs a statement whose row 0, column 0 is a boolean (e.g. SELECT EXISTS (...)); *result = it is
 * true (false when there is no row). */
db_status db_exec_bool(db_conn *c, const char *sql, int nparams, const char *const *params,
                       bool *result) MUSTCHECK;

/* Fills the caller's typed row struct *out from row `row` of res. */
typedef void (*db_row_fn)(const PGresult *res, int row, void *out);

/* Runs a statement returning at most one interesting row: *found = it returned a row, and when it
 * did and out is not NULL, fill(res, 0, out) (fill may be NULL when out is). */
db_status db_exec_one(db_conn *c, const char *sql, int nparams, const char *const *params, db_row_fn fill,
                      void *out, bool *found) MUSTCHECK;
/* Converts every row of res: *rows is a new zeroed array of max(1, *n) elements of row_size bytes,
 * element i filled by fill(res, i, element). The caller frees the array (and what fill put in it);
 * res stays the caller's. */
void db_rows_from_result(const PGresult *res, db_row_fn fill, size_t row_size, void **rows, size_t *n);
/* Runs a statement and converts every row with db_rows_from_result (same ownership). On failure
 * *rows = NULL and *n = 0. */
db_status db_exec_rows(db_conn *c, const char *sql, int nparams, const char *const *params, db_row_fn fill,
                       size_t row_size, void **rows, size_t *n) MUSTCHECK;
