/* The write path of the ledger (architecture.md 3, transactions.md 5.1 steps 19-24, 5.2, 5.3, 6, 7,
 * 13): one PostgreSQL transaction per request that locks (the transaction row first for commit, cancel
 * and revert, then) the touched balances in ascending id order, checks existence, assets, flags, pending
 * sources and funds against the locked values, writes the transaction, its operations (and resolved legs
 * when pending), the balance updates, the idempotency record and the outbox events, then commits. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "errors/errors.h"
#include "store_registry.h"
#include "txn_model.h"
#include "txn_plan.h"
#include "util/mem.h"

typedef struct posting_input {
    const txn_plan *plan;
    const char *org;
    const char *ledger;
    const reg_account *accounts; /* one per plan leg, resolved before the transaction */
    const char *idem_key;        /* NULL: no idempotency record */
    const char *idem_fp;
    int idem_ttl_s;
    const char *parent_id; /* revert (5.3): the original transaction, locked and re-checked first; the
                              new transaction is its reversal and emits transaction.reverted */
} posting_input;

typedef struct posting_output {
    api_error err;      /* set for a 4xx of steps 19-24 */
    char *body;         /* the 201 body (heap), valid on DB_OK */
    bool idem_conflict; /* another holder committed the key first */
    int64_t idem_expires_us;
    balance_row *balances; /* committed states of the touched balances (arena) */
    size_t n_balances;
} posting_output;

typedef enum posting_settle_kind { POSTING_COMMIT, POSTING_CANCEL } posting_settle_kind;

/* Commit or cancel of a pending transaction (5.2 steps 5-7, 7.2). */
typedef struct posting_settle_input {
    posting_settle_kind kind;
    const char *org;
    const char *ledger;
    const char *transaction_id;
    const char *idem_key; /* NULL: no idempotency record */
    const char *idem_fp;
    int idem_ttl_s;
} posting_settle_input;

/* Run the write path with deadlock/serialization retries (db_tx). Returns DB_OK (committed; out->body
 * set), DB_CHECK with out->err set (business failure, rolled back), DB_CONFLICT with
 * out->idem_conflict (rolled back), or another status for infrastructure failures. The caller frees
 * out->body and clears out->err. */
db_status posting_run(db_conn *c, arena *a, const posting_input *in, posting_output *out) MUSTCHECK;

/* Commit / cancel: lock the transaction row, then (0099 unless PENDING) its stored legs' balances in
 * ascending id order; commit writes DEBIT-from-hold on the sources and CREDIT on the destinations (0019
 * when a destination balance is no longer live) and sets APPROVED, cancel writes RELEASE on the sources
 * and sets CANCELED (0097 on overflow). out->body = the transaction with all its operations. Same
 * returns and ownership as posting_run (0070 when the row vanished). */
db_status posting_settle_run(db_conn *c, arena *a, const posting_settle_input *in,
                             posting_output *out) MUSTCHECK;
