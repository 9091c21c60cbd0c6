/* SQL of the balances table (transactions.md 12): reads, cursor lists, row locks in ascending id order,
 * inserts, flag and amount updates and soft deletes. Callers hold the transaction; nothing here decides
 * a business rule. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "pagination/pagination.h"
#include "txn_model.h"
#include "util/mem.h"

/* One live balance by id in the ledger, optionally locked FOR UPDATE. *found false when missing or
 * deleted. */
db_status store_balance_get(db_conn *c, arena *a, const char *org, const char *ledger, const char *id,
                            bool for_update, balance_row *out, bool *found) MUSTCHECK;
/* The live balance (account, key). */
db_status store_balance_by_key(db_conn *c, arena *a, const char *org, const char *ledger,
                               const char *account_id, const char *key, balance_row *out,
                               bool *found) MUSTCHECK;
/* Whether the account ever had a default balance (deleted ones included). */
db_status store_balance_default_ever(db_conn *c, const char *account_id, bool *exists) MUSTCHECK;
/* Insert a new balance row; DB_CONFLICT when a live balance already has (account, key). */
db_status store_balance_insert(db_conn *c, arena *a, const balance_row *b) MUSTCHECK;
db_status store_balance_set_flags(db_conn *c, const char *id, bool allow_sending, bool allow_receiving,
                                  int64_t updated_us) MUSTCHECK;
/* Soft delete; clear_flags also sets both flags false (12.3). */
db_status store_balance_soft_delete(db_conn *c, const char *id, int64_t deleted_us,
                                    bool clear_flags) MUSTCHECK;
/* Write the amounts and version computed under the row lock. */
db_status store_balance_apply(db_conn *c, arena *a, const char *id, const balance_state *st,
                              int64_t updated_us) MUSTCHECK;

/* Lock every live balance of an account FOR UPDATE in ascending id order. *out is arena-owned. */
db_status store_balance_lock_account(db_conn *c, arena *a, const char *org, const char *ledger,
                                     const char *account_id, balance_row **out, size_t *n) MUSTCHECK;
/* Lock the live balances named by (account_ids[i], keys[i]) FOR UPDATE in ascending id order, with the
 * account's current portfolio in portfolio_id. Pairs without a live balance are simply absent. */
db_status store_balance_lock_pairs(db_conn *c, arena *a, const char *org, const char *ledger,
                                   const char *const *account_ids, const char *const *keys, size_t npairs,
                                   balance_row **out, size_t *n) MUSTCHECK;

/* Lock the live balances with the given ids FOR UPDATE in ascending id order, with the account's current
 * portfolio in portfolio_id (commit / cancel, transactions.md 5.2). Ids without a live balance are simply
 * absent from *out (arena). */
db_status store_balance_lock_ids(db_conn *c, arena *a, const char *org, const char *ledger,
                                 const char *const *ids, size_t nids, balance_row **out, size_t *n) MUSTCHECK;

/* A cursor page of live balances of the ledger, or of one account when account_id is not NULL.
 * Items in the requested order. */
db_status store_balance_list(db_conn *c, arena *a, const char *org, const char *ledger,
                             const char *account_id, const page_params *p, balance_row **out, size_t *n,
                             bool *has_prev, bool *has_next) MUSTCHECK;
