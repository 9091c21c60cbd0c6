/* SQL of the assets table (the only file with asset SQL text). Every value is a statement parameter;
 * the only text chosen at run time is between constant statements (lock mode, sort direction). */
#include "store_asset.h"

#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "util/mem.h"

#define ASSET_COLUMNS PF_HEAD_COLUMNS ", name, type, code, " PF_TAIL_COLUMNS
enum { COL_NAME = 3, COL_TYPE, COL_CODE, COL_TAIL };

static const char asset_insert_sql[] =
    "INSERT INTO assets (id, organization_id, ledger_id, name, type, code, status_code, status_description, "
    "metadata, created_at, updated_at) VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, $8, $9::jsonb, "
    "$10::timestamptz, $10::timestamptz) RETURNING " ASSET_COLUMNS;

#define ASSET_GET_SQL                                                                                        \
    "SELECT " ASSET_COLUMNS " FROM assets WHERE organization_id = $1::uuid AND ledger_id = $2::uuid "        \
    "AND id = $3::uuid AND deleted_at IS NULL"
static const char asset_get_sql[] = ASSET_GET_SQL;
static const char asset_get_key_share_sql[] = ASSET_GET_SQL " FOR KEY SHARE";
static const char asset_get_update_sql[] = ASSET_GET_SQL " FOR UPDATE";

static const char asset_lock_code_sql[] =
    "SELECT 1 FROM assets WHERE organization_id = $1::uuid AND ledger_id = $2::uuid AND code = $3 "
    "AND deleted_at IS NULL FOR KEY SHARE";

static const char asset_update_sql[] =
    "UPDATE assets SET name = $4, status_code = $5, status_description = $6, metadata = $7::jsonb, "
    "updated_at = $8::timestamptz WHERE organization_id = $1::uuid AND ledger_id = $2::uuid "
    "AND id = $3::uuid AND deleted_at IS NULL RETURNING " ASSET_COLUMNS;

static const char asset_soft_delete_sql[] =
    "UPDATE assets SET deleted_at = $4::timestamptz WHERE organization_id = $1::uuid "
    "AND ledger_id = $2::uuid AND id = $3::uuid AND deleted_at IS NULL RETURNING " ASSET_COLUMNS;

/* clang-format off */
#define ASSET_LIST_SQL(dir)                                                                                  \
    "SELECT " ASSET_COLUMNS " FROM assets WHERE organization_id = $1::uuid AND ledger_id = $2::uuid"         \
    " AND deleted_at IS NULL"                                                                                \
    " AND ($3::timestamptz IS NULL OR created_at >= $3::timestamptz)"                                        \
    " AND ($4::timestamptz IS NULL OR created_at <= $4::timestamptz)"                                        \
    " AND metadata @> $5::jsonb"                                                                             \
    " AND ($6::text IS NULL OR " DB_SQL_FOLD("status_code") " = " DB_SQL_FOLD("$6::text") ")"                \
    " ORDER BY created_at " dir ", id " dir " LIMIT $7::bigint OFFSET $8::bigint"
/* clang-format on */
static const char asset_list_asc_sql[] = ASSET_LIST_SQL("ASC");
static const char asset_list_desc_sql[] = ASSET_LIST_SQL("DESC");

static const char asset_count_sql[] =
    "SELECT count(*) FROM assets WHERE organization_id = $1::uuid AND ledger_id = $2::uuid "
    "AND deleted_at IS NULL";

void pf_asset_clear(pf_asset *a)
{
    if (!a)
        return;
    pf_base_clear(&a->b);
    free(a->name);
    free(a->type);
    free(a->code);
    a->name = a->type = a->code = NULL;
}

void pf_asset_list_free(pf_asset *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        pf_asset_clear(&items[i]);
    free(items);
}

/* db_row_fn of ASSET_COLUMNS into a pf_asset. */
static void asset_from_row(const PGresult *res, int row, void *out)
{
    pf_asset *a = out;

    pf_asset_clear(a);
    pf_base_from_row(res, row, COL_TAIL, &a->b);
    a->name = db_col_text(res, row, COL_NAME);
    a->type = db_col_text(res, row, COL_TYPE);
    a->code = db_col_text(res, row, COL_CODE);
}

static db_status asset_exec_one(db_conn *c, const char *sql, int nparams, const char *const *params,
                                pf_asset *out, bool *found)
{
    return db_exec_one(c, sql, nparams, params, asset_from_row, out, found);
}

db_status pf_store_asset_insert(db_conn *c, const pf_asset *in, pf_asset *out)
{
    db_param_text created = db_param_time(in->b.common.created_us);
    char *metadata = xstrdup(json_dump(in->b.common.metadata));
    const char *params[10] = {
        in->b.id,
        in->b.organization_id,
        in->b.ledger_id,
        in->name,
        in->type,
        in->code,
        in->b.common.status_code,
        in->b.common.status_description,
        metadata,
        created.s,
    };
    bool found = false;
    db_status st = asset_exec_one(c, asset_insert_sql, 10, params, out, &found);

    free(metadata);
    if (st == DB_OK && !found)
        st = DB_ERROR;
    return st;
}

db_status pf_store_asset_get(db_conn *c, const char *org_id, const char *ledger_id, const char *id,
                             db_lock lock, pf_asset *out, bool *found)
{
    const char *params[3] = {org_id, ledger_id, id};
    const char *sql = db_lock_pick(lock, asset_get_sql, asset_get_key_share_sql, asset_get_update_sql);

    return asset_exec_one(c, sql, 3, params, out, found);
}

db_status pf_store_asset_lock_code(db_conn *c, const char *org_id, const char *ledger_id, const char *code,
                                   bool *found)
{
    const char *params[3] = {org_id, ledger_id, code};
    return db_exec_exists(c, asset_lock_code_sql, 3, params, found);
}

db_status pf_store_asset_update(db_conn *c, const pf_asset *in, pf_asset *out, bool *found)
{
    db_param_text updated = db_param_time(in->b.common.updated_us);
    char *metadata = xstrdup(json_dump(in->b.common.metadata));
    const char *params[8] = {
        in->b.organization_id,           in->b.ledger_id, in->b.id,  in->name, in->b.common.status_code,
        in->b.common.status_description, metadata,        updated.s,
    };
    db_status st = asset_exec_one(c, asset_update_sql, 8, params, out, found);

    free(metadata);
    return st;
}

db_status pf_store_asset_soft_delete(db_conn *c, const char *org_id, const char *ledger_id, const char *id,
                                     int64_t at_us, pf_asset *out, bool *found)
{
    db_param_text at = db_param_time(at_us);
    const char *params[4] = {org_id, ledger_id, id, at.s};
    return asset_exec_one(c, asset_soft_delete_sql, 4, params, out, found);
}

db_status pf_store_asset_list(db_conn *c, const char *org_id, const char *ledger_id, const page_params *p,
                              const char *status, pf_asset **items, size_t *n)
{
    db_page_window w;
    void *rows = NULL;
    db_status st = DB_OK;

    db_page_window_init(&w, p);
    const char *params[8] = {org_id, ledger_id, w.from_p, w.to_p, w.metadata, status, w.limit.s, w.offset.s};
    st = db_exec_rows(c, p->desc ? asset_list_desc_sql : asset_list_asc_sql, 8, params, asset_from_row,
                      sizeof(pf_asset), &rows, n);
    db_page_window_clear(&w);
    *items = rows;
    return st;
}

db_status pf_store_asset_count(db_conn *c, const char *org_id, const char *ledger_id, int64_t *n)
{
    const char *params[2] = {org_id, ledger_id};
    return db_exec_count(c, asset_count_sql, 2, params, n);
}
