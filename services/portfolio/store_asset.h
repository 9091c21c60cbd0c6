/* SQL of the assets table: insert (the live code/name unique indexes answer DB_CONFLICT), lookups
 * with row locks, update, soft delete, lists and counts. Knows nothing about HTTP or events. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "pagination/pagination.h"
#include "store_common.h"

/* One asset row. Strings are owned by the struct (pf_asset_clear). */
typedef struct pf_asset {
    pf_base b;
    char *name;
    char *type;
    char *code;
} pf_asset;

/* Free the members of one row and reset it (NULL accepted). */
void pf_asset_clear(pf_asset *a);
/* Free an array of n rows returned by a list/lock function (NULL accepted). */
void pf_asset_list_free(pf_asset *items, size_t n);

/* Insert `in` (deleted_us ignored) and read it back. DB_CONFLICT when a live asset of the ledger
 * already has the code or the name (the transaction is then aborted). */
db_status pf_store_asset_insert(db_conn *c, const pf_asset *in, pf_asset *out) MUSTCHECK;

/* Live asset `id` of the ledger, locked as asked; out may be NULL (existence only). */
db_status pf_store_asset_get(db_conn *c, const char *org_id, const char *ledger_id, const char *id,
                             db_lock lock, pf_asset *out, bool *found) MUSTCHECK;

/* Lock the live asset with `code` FOR KEY SHARE (an account is being created with that code, which
 * conflicts with the asset's delete). *found false when there is none (-> 0034). */
db_status pf_store_asset_lock_code(db_conn *c, const char *org_id, const char *ledger_id, const char *code,
                                   bool *found) MUSTCHECK;

/* Write name, status, metadata and updated_at of the live row in->b.id and read it back.
 * DB_CONFLICT when another live asset has the new name. */
db_status pf_store_asset_update(db_conn *c, const pf_asset *in, pf_asset *out, bool *found) MUSTCHECK;

/* Set deleted_at of the live asset and read the deleted row back. */
db_status pf_store_asset_soft_delete(db_conn *c, const char *org_id, const char *ledger_id, const char *id,
                                     int64_t at_us, pf_asset *out, bool *found) MUSTCHECK;

/* One page of the ledger's live assets in (created_at, id) order; status = status.code filter
 * (ASCII case-insensitive) or NULL. Free with pf_asset_list_free. */
db_status pf_store_asset_list(db_conn *c, const char *org_id, const char *ledger_id, const page_params *p,
                              const char *status, pf_asset **items, size_t *n) MUSTCHECK;

/* Number of the ledger's live assets. */
db_status pf_store_asset_count(db_conn *c, const char *org_id, const char *ledger_id, int64_t *n) MUSTCHECK;
