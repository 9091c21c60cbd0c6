/* The write path of a transaction create (architecture.md 3, transactions.md 5.1 steps 19-24, 6, 7.1,
 * 13): one PostgreSQL transaction that locks the touched balances in ascending id order, checks
 * existence, assets, flags, pending sources and funds against the locked values, writes the
 * transaction, its operations (and resolved legs when pending), the balance updates, the idempotency
 * record and the outbox events, then commits. */
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
} posting_input;

typedef struct posting_output {
    api_error err;      /* set for a 4xx of steps 19-24 */
    char *body;         /* the 201 body (heap), valid on DB_OK */
    bool idem_conflict; /* another holder committed the key first */
    int64_t idem_expires_us;
    balance_row *balances; /* committed states of the touched balances (arena) */
    size_t n_balances;
} posting_output;

/* Run the write path with deadlock/serialization retries (db_tx). Returns DB_OK (committed; out->body
 * set), DB_CHECK with out->err set (business failure, rolled back), DB_CONFLICT with
 * out->idem_conflict (rolled back), or another status for infrastructure failures. The caller frees
 * out->body and clears out->err. */
db_status posting_run(db_conn *c, arena *a, const posting_input *in, posting_output *out) MUSTCHECK;
