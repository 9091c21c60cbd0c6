/* The transaction service's row types (balances, transactions, operations, resolved legs) shared by the
 * store, the write path and the renderer. Plain data: no I/O, no JSON, no SQL. Strings point into an
 * arena owned by whoever filled the row; metadata travels as JSON text. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decimal/decimal.h"
#include "uuid/uuid.h"

#define TXN_ID_LEN (UUID_STR_LEN + 1)

typedef enum op_type { OP_TYPE_DEBIT, OP_TYPE_CREDIT, OP_TYPE_ON_HOLD, OP_TYPE_RELEASE } op_type;

/* Status codes of transactions and operations (transactions.md 6 and 7). */
typedef enum txn_status { TXN_STATUS_PENDING, TXN_STATUS_APPROVED, TXN_STATUS_CANCELED } txn_status;

/* The amounts and version of a balance at one instant. */
typedef struct balance_state {
    decimal available;
    decimal on_hold;
    int64_t version;
} balance_state;

typedef struct balance_row {
    char id[TXN_ID_LEN];
    char organization_id[TXN_ID_LEN];
    char ledger_id[TXN_ID_LEN];
    char account_id[TXN_ID_LEN];
    const char *alias;
    const char *key;
    const char *asset_code;
    const char *account_type;
    balance_state st;
    bool allow_sending;
    bool allow_receiving;
    int64_t created_us;
    int64_t updated_us;
    int64_t deleted_us; /* < 0: live */
    /* Filled by the posting lock query only: the account's portfolio at write time ("" = none). */
    char portfolio_id[TXN_ID_LEN];
} balance_row;

typedef struct op_row {
    char id[TXN_ID_LEN];
    char transaction_id[TXN_ID_LEN];
    char organization_id[TXN_ID_LEN];
    char ledger_id[TXN_ID_LEN];
    char account_id[TXN_ID_LEN];
    char balance_id[TXN_ID_LEN];
    char portfolio_id[TXN_ID_LEN]; /* "" = null */
    const char *description;
    const char *chart_of_accounts;
    const char *asset_code;
    const char *account_alias;
    const char *balance_key;
    op_type type;
    txn_status status;
    decimal amount;
    balance_state before;
    balance_state after;
    int64_t created_us;
    int64_t updated_us;
    const char *metadata; /* JSON object text */
} op_row;

typedef struct txn_row {
    char id[TXN_ID_LEN];
    char organization_id[TXN_ID_LEN];
    char ledger_id[TXN_ID_LEN];
    char parent_id[TXN_ID_LEN]; /* "" = null */
    const char *description;
    const char *asset_code;
    const char *coa_group;
    txn_status status;
    decimal amount;
    const char *source;      /* JSON array text of aliases */
    const char *destination; /* JSON array text of aliases */
    const char *metadata;    /* JSON object text */
    int64_t created_us;
    int64_t updated_us;
    op_row *ops; /* id ascending */
    size_t n_ops;
} txn_row;

/* A pending transaction's resolved leg, stored so that commit/cancel reuse the amounts and balances
 * resolved at creation (transactions.md 5.2). */
typedef struct leg_row {
    int position;
    bool source;
    char account_id[TXN_ID_LEN];
    char balance_id[TXN_ID_LEN];
    const char *alias;
    const char *balance_key;
    decimal amount;
    const char *description;
    const char *chart_of_accounts;
    const char *metadata;
} leg_row;

/* "DEBIT", "CREDIT", "ON_HOLD", "RELEASE". */
const char *op_type_name(op_type t);
/* "debit" for DEBIT and ON_HOLD, "credit" for CREDIT and RELEASE. */
const char *op_type_direction(op_type t);
/* 0 and *out for an exact upper-case name, -1 otherwise. */
int op_type_parse(const char *s, op_type *out);
const char *txn_status_name(txn_status s);
int txn_status_parse(const char *s, txn_status *out);
