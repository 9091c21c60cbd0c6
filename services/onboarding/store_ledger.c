/* SQL of the ledgers table (the only file with ledger SQL text). Every value is a statement
 * parameter; only constant statements are chosen between at run time. No HTTP, no events, no
 * business decisions: the name rule is enforced by the unique index of 0002_ledgers.sql. */
#include "store_ledger.h"

#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "util/mem.h"

#define LEDGER_COLUMNS "id::text, organization_id::text, name, " DB_SQL_ENTITY_COLUMNS

enum {
    COL_ID,
    COL_ORGANIZATION,
    COL_NAME,
    COL_COMMON, /* the DB_ENTITY_COLUMN_COUNT columns of DB_SQL_ENTITY_COLUMNS */
};

static const char ledger_insert_sql[] =
    "INSERT INTO ledgers (id, organization_id, name, status_code, status_description, metadata, "
    "created_at, updated_at) VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::json, $7::timestamptz, "
    "$7::timestamptz) RETURNING " LEDGER_COLUMNS;

#define LEDGER_GET_SQL                                                                                       \
    "SELECT " LEDGER_COLUMNS " FROM ledgers WHERE organization_id = $1::uuid AND id = $2::uuid"              \
    " AND deleted_at IS NULL"
static const char ledger_get_sql[] = LEDGER_GET_SQL;
static const char ledger_get_key_share_sql[] = LEDGER_GET_SQL " FOR KEY SHARE";
static const char ledger_get_update_sql[] = LEDGER_GET_SQL " FOR UPDATE";

static const char ledger_update_sql[] =
    "UPDATE ledgers SET name = $2, status_code = $3, status_description = $4, metadata = $5::json, "
    "updated_at = $6::timestamptz WHERE id = $1::uuid AND deleted_at IS NULL RETURNING " LEDGER_COLUMNS;

static const char ledger_soft_delete_sql[] =
    "UPDATE ledgers SET deleted_at = $3::timestamptz WHERE organization_id = $1::uuid AND id = $2::uuid"
    " AND deleted_at IS NULL RETURNING " LEDGER_COLUMNS;

static const char ledger_any_live_sql[] =
    "SELECT EXISTS (SELECT 1 FROM ledgers WHERE organization_id = $1::uuid AND deleted_at IS NULL)";

/* clang-format off */
#define LEDGER_LIST_SQL(dir)                                                                                 \
    "SELECT " LEDGER_COLUMNS " FROM ledgers WHERE organization_id = $1::uuid AND deleted_at IS NULL"         \
    " AND ($2::timestamptz IS NULL OR created_at >= $2::timestamptz)"                                        \
    " AND ($3::timestamptz IS NULL OR created_at <= $3::timestamptz)"                                        \
    " AND " DB_SQL_JSON_MATCHES("metadata", "$4")                                                            \
    " AND ($5::text IS NULL OR starts_with(" DB_SQL_FOLD("name") ", " DB_SQL_FOLD("$5::text") "))"           \
    " AND ($6::text IS NULL OR " DB_SQL_FOLD("status_code") " = " DB_SQL_FOLD("$6::text") ")"                \
    " ORDER BY created_at " dir ", id " dir " LIMIT $7::bigint OFFSET $8::bigint"
/* clang-format on */
static const char ledger_list_asc_sql[] = LEDGER_LIST_SQL("ASC");
static const char ledger_list_desc_sql[] = LEDGER_LIST_SQL("DESC");

static const char ledger_count_sql[] =
    "SELECT count(*) FROM ledgers WHERE organization_id = $1::uuid AND deleted_at IS NULL";

void ledger_clear(ledger *l)
{
    if (!l)
        return;
    free(l->name);
    entity_common_clear(&l->common);
    memset(l, 0, sizeof(*l));
    l->common.deleted_us = -1;
}

void ledger_list_free(ledger *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        ledger_clear(&items[i]);
    free(items);
}

/* db_row_fn of LEDGER_COLUMNS into a ledger. */
static void ledger_from_row(const PGresult *res, int row, void *out)
{
    ledger *l = out;

    ledger_clear(l);
    db_col_text_into(res, row, COL_ID, l->id, sizeof(l->id));
    db_col_text_into(res, row, COL_ORGANIZATION, l->organization_id, sizeof(l->organization_id));
    l->name = db_col_text(res, row, COL_NAME);
    db_col_entity_common(res, row, COL_COMMON, &l->common);
}

static db_status ledger_exec_one(db_conn *c, const char *sql, int nparams, const char *const *params,
                                 ledger *out, bool *found)
{
    return db_exec_one(c, sql, nparams, params, ledger_from_row, out, found);
}

db_status store_ledger_insert(db_conn *c, const ledger *in, ledger *out)
{
    db_param_text created = db_param_time(in->common.created_us);
    char *metadata = xstrdup(json_dump(in->common.metadata));
    const char *params[7] = {in->id,
                             in->organization_id,
                             in->name,
                             in->common.status_code,
                             in->common.status_description,
                             metadata,
                             created.s};
    bool found = false;
    db_status st = ledger_exec_one(c, ledger_insert_sql, 7, params, out, &found);

    free(metadata);
    if (st == DB_OK && !found)
        st = DB_ERROR;
    return st;
}

db_status store_ledger_get(db_conn *c, const char *org_id, const char *id, db_lock lock, ledger *out,
                           bool *found)
{
    const char *params[2] = {org_id, id};
    const char *sql = db_lock_pick(lock, ledger_get_sql, ledger_get_key_share_sql, ledger_get_update_sql);

    return ledger_exec_one(c, sql, 2, params, out, found);
}

db_status store_ledger_update(db_conn *c, const ledger *in, ledger *out, bool *found)
{
    db_param_text updated = db_param_time(in->common.updated_us);
    char *metadata = xstrdup(json_dump(in->common.metadata));
    const char *params[6] = {in->id,   in->name, in->common.status_code, in->common.status_description,
                             metadata, updated.s};
    db_status st = ledger_exec_one(c, ledger_update_sql, 6, params, out, found);

    free(metadata);
    return st;
}

db_status store_ledger_soft_delete(db_conn *c, const char *org_id, const char *id, int64_t at_us, ledger *out,
                                   bool *found)
{
    db_param_text at = db_param_time(at_us);
    const char *params[3] = {org_id, id, at.s};
    return ledger_exec_one(c, ledger_soft_delete_sql, 3, params, out, found);
}

db_status store_ledger_any_live(db_conn *c, const char *org_id, bool *result)
{
    const char *params[1] = {org_id};
    return db_exec_bool(c, ledger_any_live_sql, 1, params, result);
}

db_status store_ledger_list(db_conn *c, const char *org_id, const page_params *p, const ledger_filter *f,
                            ledger **items, size_t *n)
{
    db_page_window w;
    void *rows = NULL;
    db_status st = DB_OK;

    db_page_window_init(&w, p);
    const char *params[8] = {org_id, w.from_p, w.to_p, w.metadata, f->name, f->status, w.limit.s, w.offset.s};
    st = db_exec_rows(c, p->desc ? ledger_list_desc_sql : ledger_list_asc_sql, 8, params, ledger_from_row,
                      sizeof(ledger), &rows, n);
    db_page_window_clear(&w);
    *items = rows;
    return st;
}

db_status store_ledger_count(db_conn *c, const char *org_id, int64_t *n)
{
    const char *params[1] = {org_id};
    return db_exec_count(c, ledger_count_sql, 1, params, n);
}
