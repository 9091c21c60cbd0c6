/* SQL of the segments table: insert (the live-name unique index answers DB_CONFLICT), lookups with
 * row locks, update, soft delete, lists and counts. Knows nothing about HTTP or events. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "pagination/pagination.h"
#include "store_common.h"

/* One segment row (pf_segment_clear). */
typedef struct pf_segment {
    pf_base b;
    char *name;
} pf_segment;

/* Free the members of one row and reset it (NULL accepted). */
void pf_segment_clear(pf_segment *s);
/* Free an array of n rows returned by a list/lock function (NULL accepted). */
void pf_segment_list_free(pf_segment *items, size_t n);

/* Insert and read back. DB_CONFLICT when a live segment of the ledger has exactly that name. */
db_status pf_store_segment_insert(db_conn *c, const pf_segment *in, pf_segment *out) MUSTCHECK;
/* Live segment `id` of the ledger, locked as asked; out may be NULL (existence only). */
db_status pf_store_segment_get(db_conn *c, const char *org_id, const char *ledger_id, const char *id,
                               db_lock lock, pf_segment *out, bool *found) MUSTCHECK;
/* Write name, status, metadata, updated_at; DB_CONFLICT when another live segment has the name. */
db_status pf_store_segment_update(db_conn *c, const pf_segment *in, pf_segment *out, bool *found) MUSTCHECK;
/* Set deleted_at and read the deleted row back. */
db_status pf_store_segment_soft_delete(db_conn *c, const char *org_id, const char *ledger_id, const char *id,
                                       int64_t at_us, pf_segment *out, bool *found) MUSTCHECK;
/* One page of live segments (status filter or NULL). Free with pf_segment_list_free. */
db_status pf_store_segment_list(db_conn *c, const char *org_id, const char *ledger_id, const page_params *p,
                                const char *status, pf_segment **items, size_t *n) MUSTCHECK;
db_status pf_store_segment_count(db_conn *c, const char *org_id, const char *ledger_id, int64_t *n) MUSTCHECK;
