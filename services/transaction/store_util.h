/* Pieces shared by the transaction service's store files: libpq values to C values (text, decimals,
 * epoch microseconds), C values to statement parameters (times, integers, array literals) and the
 * cursor-page runner of transactions.md 10.1. Nothing here knows a table; SQL text lives only in the
 * store_*.c files, and only constant fragments are ever concatenated (values go as parameters). */
#pragma once
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "decimal/decimal.h"
#include "pagination/pagination.h"
#include "timeutil/timeutil.h"
#include "util/mem.h"

/* Epoch microseconds of a timestamptz column, for select lists (exact: extract() is numeric). */
#define SQL_US(col) "(extract(epoch from " col ") * 1000000)::bigint"

/* Text column copied into the arena; NULL when SQL NULL. */
const char *store_arena_text(arena *a, const PGresult *res, int row, int col);
/* Text column into a fixed buffer ("" when NULL). */
void store_copy(const PGresult *res, int row, int col, char *out, size_t cap);
/* bigint column; null_value when NULL. */
int64_t store_col_i64(const PGresult *res, int row, int col, int64_t null_value);
bool store_col_bool(const PGresult *res, int row, int col);
/* numeric column as a decimal (zero when NULL or unparseable: logged). */
decimal store_col_decimal(const PGresult *res, int row, int col);

typedef struct store_text_buf {
    char s[TIME_STR_MAX > 24 ? TIME_STR_MAX : 24];
} store_text_buf;
/* RFC 3339 text of epoch microseconds for "$n::timestamptz". */
store_text_buf store_time_param(int64_t us);
store_text_buf store_int_param(int64_t v);
/* Canonical decimal text for "$n::numeric" (arena copy). */
const char *store_decimal_param(arena *a, const decimal *d);

/* PostgreSQL array literal of n strings, each double-quoted and escaped, for "$n::text[]" /
 * "$n::uuid[]". Arena-owned. */
const char *store_array_literal(arena *a, const char *const *items, size_t n);

/* One page of a cursor list (10.1). from_where is a constant " FROM ... WHERE ..." fragment whose
 * parameters are $1..$nparams; id_col names the ordering id column ("t.id"). Runs the page query and,
 * when needed, one EXISTS query for the opposite boundary. On DB_OK *res holds up to p->limit rows in
 * scan order; when *reversed is set the caller must read them last to first to get the requested order.
 * *has_prev / *has_next say whether the cursors must be emitted. */
db_status store_cursor_page(db_conn *c, const char *select_cols, const char *from_where, int nparams,
                            const char *const *params, const char *id_col, const page_params *p,
                            PGresult **res, int *nrows, bool *reversed, bool *has_prev,
                            bool *has_next) MUSTCHECK;
