/* SQL of the registries (events.md 7.1, transactions.md 12.4): organizations, ledgers, portfolios and
 * accounts as the other services announce them, and the closed account ids of 12.3. Upserts follow the
 * updatedAt rule: a row is only overwritten by a change that is not older; a deletion is final. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "txn_model.h"
#include "util/mem.h"

typedef enum reg_state { REG_MISSING, REG_LIVE, REG_DELETED } reg_state;

typedef struct reg_account {
    char id[TXN_ID_LEN];
    char organization_id[TXN_ID_LEN];
    char ledger_id[TXN_ID_LEN];
    const char *alias;
    const char *type;
    const char *asset_code;
    char portfolio_id[TXN_ID_LEN]; /* "" = none */
    int64_t updated_us;
    int64_t deleted_us; /* < 0: live */
} reg_account;

/* State of an organization and of a ledger (a ledger of another organization counts as missing). */
db_status store_reg_org_ledger(db_conn *c, const char *org, const char *ledger, reg_state *org_state,
                               reg_state *ledger_state) MUSTCHECK;
/* Upserts; deleted_us < 0 means live. */
db_status store_reg_org_upsert(db_conn *c, const char *id, int64_t updated_us, int64_t deleted_us) MUSTCHECK;
db_status store_reg_ledger_upsert(db_conn *c, const char *id, const char *org, int64_t updated_us,
                                  int64_t deleted_us) MUSTCHECK;
db_status store_reg_portfolio_upsert(db_conn *c, const char *id, const char *org, const char *ledger,
                                     int64_t updated_us, int64_t deleted_us) MUSTCHECK;
db_status store_reg_portfolio_state(db_conn *c, const char *org, const char *ledger, const char *id,
                                    reg_state *state) MUSTCHECK;

db_status store_reg_account_upsert(db_conn *c, const reg_account *a) MUSTCHECK;
/* The account with that id in the ledger; *state says whether it was found live. An account whose id is
 * recorded as closed (transactions.md 12.3) is REG_DELETED even while its registry row is live. */
db_status store_reg_account_get(db_conn *c, arena *a, const char *org, const char *ledger, const char *id,
                                reg_account *out, reg_state *state) MUSTCHECK;
/* The newest live, non-closed account with that alias; *found false when none. */
db_status store_reg_account_by_alias(db_conn *c, arena *a, const char *org, const char *ledger,
                                     const char *alias, reg_account *out, bool *found) MUSTCHECK;

/* Serialise balance creation and closing of one account (transaction-scoped advisory lock). */
db_status store_reg_account_lock(db_conn *c, const char *account_id) MUSTCHECK;
db_status store_reg_account_is_closed(db_conn *c, const char *account_id, bool *closed) MUSTCHECK;
/* Record the account as closed (idempotent). */
db_status store_reg_account_close(db_conn *c, const char *account_id, const char *org, const char *ledger,
                                  int64_t closed_us) MUSTCHECK;
