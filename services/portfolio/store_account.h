/* SQL of the accounts table: insert (the live-alias unique index answers DB_CONFLICT), lookups by id
 * and alias with row locks, update, soft delete, the checks of the asset delete and the ledger close,
 * lists with the account filters, and counts. Knows nothing about HTTP or events. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "pagination/pagination.h"
#include "store_common.h"

/* One account row (pf_account_clear). */
typedef struct pf_account {
    pf_base b;
    char *asset_code;
    char *name;
    char *alias;
    char *type;
    char *parent_account_id; /* NULL = null (lowercase UUID text otherwise) */
    char *portfolio_id;      /* NULL = null */
    char *segment_id;        /* NULL = null */
    char *entity_id;         /* NULL = null */
    bool blocked;
} pf_account;

/* Free the members of one row and reset it (NULL accepted). */
void pf_account_clear(pf_account *a);
/* Free an array of n rows returned by a list/lock function (NULL accepted). */
void pf_account_list_free(pf_account *items, size_t n);

/* List filters of api.md "Accounts" (NULL = not given); values already validated by the handler. */
typedef struct pf_account_filter {
    const char *portfolio_id;      /* UUID, exact */
    const char *segment_id;        /* UUID, exact */
    const char *parent_account_id; /* UUID, exact */
    const char *entity_id;         /* exact */
    const char *asset_code;        /* exact, case-sensitive */
    const char *type;              /* ASCII case-insensitive, whole value */
    const char *blocked;           /* "true" / "false" */
    const char *name;              /* ASCII case-insensitive literal prefix */
    const char *alias;             /* same */
    const char *status;            /* status.code, ASCII case-insensitive */
} pf_account_filter;

/* Insert `in` and read it back. DB_CONFLICT when a live account of the ledger has the alias. */
db_status pf_store_account_insert(db_conn *c, const pf_account *in, pf_account *out) MUSTCHECK;

/* Live account by id / by exact alias, locked as asked; out may be NULL (existence only). */
db_status pf_store_account_get(db_conn *c, const char *org_id, const char *ledger_id, const char *id,
                               db_lock lock, pf_account *out, bool *found) MUSTCHECK;
db_status pf_store_account_get_by_alias(db_conn *c, const char *org_id, const char *ledger_id,
                                        const char *alias, pf_account *out, bool *found) MUSTCHECK;

/* Write name, portfolio_id, segment_id, entity_id, blocked, status, metadata and updated_at of the
 * live row in->b.id and read it back. */
db_status pf_store_account_update(db_conn *c, const pf_account *in, pf_account *out, bool *found) MUSTCHECK;

/* Set deleted_at of the live account and read the deleted row back. */
db_status pf_store_account_soft_delete(db_conn *c, const char *org_id, const char *ledger_id, const char *id,
                                       int64_t at_us, pf_account *out, bool *found) MUSTCHECK;

/* *result = the ledger has at least one live account (external ones included). */
db_status pf_store_account_any_live(db_conn *c, const char *org_id, const char *ledger_id,
                                    bool *result) MUSTCHECK;

/* *result = a live account whose type is not "external" uses asset code `code`. */
db_status pf_store_account_code_in_use(db_conn *c, const char *org_id, const char *ledger_id,
                                       const char *code, bool *result) MUSTCHECK;

/* The live external accounts with asset code `code`, locked FOR UPDATE in id order. Free with
 * pf_account_list_free. */
db_status pf_store_account_lock_externals(db_conn *c, const char *org_id, const char *ledger_id,
                                          const char *code, pf_account **items, size_t *n) MUSTCHECK;

/* One page of the ledger's live accounts. Free with pf_account_list_free. */
db_status pf_store_account_list(db_conn *c, const char *org_id, const char *ledger_id, const page_params *p,
                                const pf_account_filter *f, pf_account **items, size_t *n) MUSTCHECK;

/* Number of the ledger's live accounts (external ones included). */
db_status pf_store_account_count(db_conn *c, const char *org_id, const char *ledger_id, int64_t *n) MUSTCHECK;
