/* SQL of transactions, their resolved legs and operations (transactions.md 6, 10, 11): inserts of the
 * write path, reads with all operations, cursor lists, the count, and the description/metadata PATCHes.
 * Callers own the transaction; nothing here checks a business rule. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "pagination/pagination.h"
#include "txn_model.h"
#include "util/mem.h"

db_status store_txn_insert(db_conn *c, arena *a, const txn_row *t) MUSTCHECK;
db_status store_op_insert(db_conn *c, arena *a, const op_row *op) MUSTCHECK;
db_status store_leg_insert(db_conn *c, arena *a, const char *transaction_id, const leg_row *l) MUSTCHECK;

/* The resolved legs of a pending transaction in position order (sources first). *out is arena-owned. */
db_status store_leg_list(db_conn *c, arena *a, const char *transaction_id, leg_row **out,
                         size_t *n) MUSTCHECK;

/* Set the status and updated_at of a transaction (commit / cancel). */
db_status store_txn_set_status(db_conn *c, const char *id, txn_status status, int64_t updated_us) MUSTCHECK;

/* Whether a reversal of the transaction exists (a row whose parent_transaction_id is id). */
db_status store_txn_has_child(db_conn *c, const char *id, bool *exists) MUSTCHECK;

/* The transaction (without operations), optionally locked FOR UPDATE. */
db_status store_txn_get(db_conn *c, arena *a, const char *org, const char *ledger, const char *id,
                        bool for_update, txn_row *out, bool *found) MUSTCHECK;
/* Fill ops / n_ops of each of the n transactions with all their operations, id ascending. */
db_status store_txn_load_ops(db_conn *c, arena *a, txn_row *txns, size_t n) MUSTCHECK;
/* A cursor page of the ledger's transactions (metadata filters and dates of p), without operations. */
db_status store_txn_list(db_conn *c, arena *a, const char *org, const char *ledger, const page_params *p,
                         txn_row **out, size_t *n, bool *has_prev, bool *has_next) MUSTCHECK;
/* Number of transactions with one of the given statuses (n_status = 0: all), in the date window. */
db_status store_txn_count(db_conn *c, const char *org, const char *ledger, const txn_status *statuses,
                          size_t n_status, const page_params *p, int64_t *count) MUSTCHECK;
/* description NULL keeps it. */
db_status store_txn_update(db_conn *c, const char *id, const char *description, const char *metadata,
                           int64_t updated_us) MUSTCHECK;

/* One operation. account_id and/or transaction_id restrict the scope when not NULL. */
db_status store_op_get(db_conn *c, arena *a, const char *org, const char *ledger, const char *account_id,
                       const char *transaction_id, const char *id, bool for_update, op_row *out,
                       bool *found) MUSTCHECK;
/* One operation whose portfolio_id (recorded at write time) is portfolio_id (O5). */
db_status store_op_get_portfolio(db_conn *c, arena *a, const char *org, const char *ledger,
                                 const char *portfolio_id, const char *id, op_row *out,
                                 bool *found) MUSTCHECK;
db_status store_op_update(db_conn *c, const char *id, const char *description, const char *metadata,
                          int64_t updated_us) MUSTCHECK;

typedef struct op_filter {
    const char *account_id;   /* O1 */
    const char *portfolio_id; /* O4 */
    const char *type;         /* exact type name, NULL = any */
    const char *direction;    /* "debit" / "credit", NULL = any */
    bool match_nothing;       /* e.g. type=OVERDRAFT: always an empty page */
} op_filter;

/* A cursor page of operations (dates and metadata filters of p). */
db_status store_op_list(db_conn *c, arena *a, const char *org, const char *ledger, const op_filter *f,
                        const page_params *p, op_row **out, size_t *n, bool *has_prev,
                        bool *has_next) MUSTCHECK;
