/* SQL of the ledgers table: insert (the unique live-name index answers DB_CONFLICT), lookups with
 * row locks, update, soft delete, lists, counts and the "organization has live ledgers" check.
 * Knows nothing about HTTP or events; every value travels as a statement parameter. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "db/db_row.h"
#include "entity/entity.h"
#include "pagination/pagination.h"
#include "uuid/uuid.h"

/* One ledger row. Strings and JSON objects are owned by the struct (ledger_clear). */
typedef struct ledger {
    char id[UUID_STR_LEN + 1];
    char organization_id[UUID_STR_LEN + 1];
    char *name;
    entity_common common; /* status, metadata and times */
} ledger;

void ledger_clear(ledger *l);

typedef struct ledger_filter {
    const char *name;   /* ASCII case-insensitive literal prefix */
    const char *status; /* status.code, ASCII case-insensitive */
} ledger_filter;

/* Insert `in` and read the stored row back. DB_CONFLICT when a live ledger of the organization has
 * the same name (ASCII case-insensitive): the transaction is then aborted. */
db_status store_ledger_insert(db_conn *c, const ledger *in, ledger *out) MUSTCHECK;

/* Live ledger `id` of organization `org_id`, locked as asked. out may be NULL (existence only). */
db_status store_ledger_get(db_conn *c, const char *org_id, const char *id, db_lock lock, ledger *out,
                           bool *found) MUSTCHECK;

/* Write name, status, metadata and updated_at of in->id and read the row back. DB_CONFLICT as for
 * insert when the new name belongs to another live ledger. */
db_status store_ledger_update(db_conn *c, const ledger *in, ledger *out, bool *found) MUSTCHECK;

/* Set deleted_at of the live ledger and read the deleted row back (deleted_us set). */
db_status store_ledger_soft_delete(db_conn *c, const char *org_id, const char *id, int64_t at_us, ledger *out,
                                   bool *found) MUSTCHECK;

/* *result = the organization has at least one live ledger. */
db_status store_ledger_any_live(db_conn *c, const char *org_id, bool *result) MUSTCHECK;

/* One page of the organization's live ledgers in (created_at, id) order. Free with ledger_list_free. */
db_status store_ledger_list(db_conn *c, const char *org_id, const page_params *p, const ledger_filter *f,
                            ledger **items, size_t *n) MUSTCHECK;
void ledger_list_free(ledger *items, size_t n);

/* Number of the organization's live ledgers. */
db_status store_ledger_count(db_conn *c, const char *org_id, int64_t *n) MUSTCHECK;
