/* Pieces the transaction service's store files add to common/db/db_row: numeric columns and
 * parameters as decimals, array literals and the cursor-page runner of transactions.md 10.1. Nothing
 * here knows a table; SQL text lives only in the store_*.c files, and only constant fragments are ever
 * concatenated (values go as parameters). */
#pragma once
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "decimal/decimal.h"
#include "pagination/pagination.h"
#include "util/mem.h"

/* numeric column as a decimal (zero when NULL or unparseable: logged). */
decimal store_col_decimal(const PGresult *res, int row, int col);

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
