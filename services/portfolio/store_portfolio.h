/* SQL of the portfolios table: insert, lookups with row locks, update, soft delete, lists (entity_id
 * and status filters) and counts. Knows nothing about HTTP or events. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "pagination/pagination.h"
#include "store_common.h"

/* One portfolio row (pf_portfolio_clear). */
typedef struct pf_portfolio {
    pf_base b;
    char *name;
    char *entity_id; /* NULL = null */
} pf_portfolio;

/* Free the members of one row and reset it (NULL accepted). */
void pf_portfolio_clear(pf_portfolio *p);
/* Free an array of n rows returned by a list/lock function (NULL accepted). */
void pf_portfolio_list_free(pf_portfolio *items, size_t n);

typedef struct pf_portfolio_filter {
    const char *entity_id; /* exact */
    const char *status;    /* status.code, ASCII case-insensitive */
} pf_portfolio_filter;

db_status pf_store_portfolio_insert(db_conn *c, const pf_portfolio *in, pf_portfolio *out) MUSTCHECK;
/* Live portfolio `id` of the ledger, locked as asked; out may be NULL (existence only). */
db_status pf_store_portfolio_get(db_conn *c, const char *org_id, const char *ledger_id, const char *id,
                                 db_lock lock, pf_portfolio *out, bool *found) MUSTCHECK;
/* Write name, entity_id, status, metadata, updated_at and read the row back. */
db_status pf_store_portfolio_update(db_conn *c, const pf_portfolio *in, pf_portfolio *out,
                                    bool *found) MUSTCHECK;
db_status pf_store_portfolio_soft_delete(db_conn *c, const char *org_id, const char *ledger_id,
                                         const char *id, int64_t at_us, pf_portfolio *out,
                                         bool *found) MUSTCHECK;
/* One page of live portfolios. Free with pf_portfolio_list_free. */
db_status pf_store_portfolio_list(db_conn *c, const char *org_id, const char *ledger_id, const page_params *p,
                                  const pf_portfolio_filter *f, pf_portfolio **items, size_t *n) MUSTCHECK;
db_status pf_store_portfolio_count(db_conn *c, const char *org_id, const char *ledger_id,
                                   int64_t *n) MUSTCHECK;
