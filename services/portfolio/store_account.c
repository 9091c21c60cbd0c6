/* SQL of the accounts table (the only file with account SQL text). Every value is a statement
 * parameter; the only text chosen at run time is between constant statements. */
#include "store_account.h"

#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "util/mem.h"

#define ACCOUNT_COLUMNS                                                                                      \
    PF_HEAD_COLUMNS ", asset_code, name, alias, type, parent_account_id::text, portfolio_id::text, "         \
                    "segment_id::text, entity_id, blocked, " PF_TAIL_COLUMNS
enum {
    COL_ASSET_CODE = 3,
    COL_NAME,
    COL_ALIAS,
    COL_TYPE,
    COL_PARENT,
    COL_PORTFOLIO,
    COL_SEGMENT,
    COL_ENTITY,
    COL_BLOCKED,
    COL_TAIL
};

#define ACCOUNT_SCOPE "organization_id = $1::uuid AND ledger_id = $2::uuid"

static const char account_insert_sql[] =
    "INSERT INTO accounts (id, organization_id, ledger_id, asset_code, name, alias, type, parent_account_id, "
    "portfolio_id, segment_id, entity_id, blocked, status_code, status_description, metadata, created_at, "
    "updated_at) VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, $8::uuid, $9::uuid, $10::uuid, $11, "
    "$12::boolean, $13, $14, $15::jsonb, $16::timestamptz, $16::timestamptz) RETURNING " ACCOUNT_COLUMNS;

#define ACCOUNT_GET_SQL                                                                                      \
    "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE " ACCOUNT_SCOPE " AND id = $3::uuid "                    \
    "AND deleted_at IS NULL"
static const char account_get_sql[] = ACCOUNT_GET_SQL;
static const char account_get_key_share_sql[] = ACCOUNT_GET_SQL " FOR KEY SHARE";
static const char account_get_update_sql[] = ACCOUNT_GET_SQL " FOR UPDATE";

static const char account_get_alias_sql[] =
    "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE " ACCOUNT_SCOPE " AND alias = $3 AND deleted_at IS NULL";

static const char account_update_sql[] =
    "UPDATE accounts SET name = $4, portfolio_id = $5::uuid, segment_id = $6::uuid, entity_id = $7, "
    "blocked = $8::boolean, status_code = $9, status_description = $10, metadata = $11::jsonb, "
    "updated_at = $12::timestamptz WHERE " ACCOUNT_SCOPE " AND id = $3::uuid AND deleted_at IS NULL "
    "RETURNING " ACCOUNT_COLUMNS;

static const char account_soft_delete_sql[] =
    "UPDATE accounts SET deleted_at = $4::timestamptz WHERE " ACCOUNT_SCOPE " AND id = $3::uuid "
    "AND deleted_at IS NULL RETURNING " ACCOUNT_COLUMNS;

static const char account_any_live_sql[] =
    "SELECT 1 FROM accounts WHERE " ACCOUNT_SCOPE " AND deleted_at IS NULL LIMIT 1";

static const char account_code_in_use_sql[] =
    "SELECT 1 FROM accounts WHERE " ACCOUNT_SCOPE " AND asset_code = $3 AND type <> 'external' "
    "AND deleted_at IS NULL LIMIT 1";

static const char account_lock_externals_sql[] =
    "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE " ACCOUNT_SCOPE " AND asset_code = $3 "
    "AND type = 'external' AND deleted_at IS NULL ORDER BY id FOR UPDATE";

/* clang-format off */
#define ACCOUNT_LIST_SQL(dir)                                                                                \
    "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE " ACCOUNT_SCOPE " AND deleted_at IS NULL"                \
    " AND ($3::timestamptz IS NULL OR created_at >= $3::timestamptz)"                                        \
    " AND ($4::timestamptz IS NULL OR created_at <= $4::timestamptz)"                                        \
    " AND metadata @> $5::jsonb"                                                                             \
    " AND ($6::text IS NULL OR " DB_SQL_FOLD("status_code") " = " DB_SQL_FOLD("$6::text") ")"                \
    " AND ($7::uuid IS NULL OR portfolio_id = $7::uuid)"                                                     \
    " AND ($8::uuid IS NULL OR segment_id = $8::uuid)"                                                       \
    " AND ($9::uuid IS NULL OR parent_account_id = $9::uuid)"                                                \
    " AND ($10::text IS NULL OR entity_id = $10::text)"                                                      \
    " AND ($11::text IS NULL OR asset_code = $11::text)"                                                     \
    " AND ($12::text IS NULL OR " DB_SQL_FOLD("type") " = " DB_SQL_FOLD("$12::text") ")"                     \
    " AND ($13::boolean IS NULL OR blocked = $13::boolean)"                                                  \
    " AND ($14::text IS NULL OR starts_with(" DB_SQL_FOLD("name") ", " DB_SQL_FOLD("$14::text") "))"         \
    " AND ($15::text IS NULL OR starts_with(" DB_SQL_FOLD("alias") ", " DB_SQL_FOLD("$15::text") "))"        \
    " ORDER BY created_at " dir ", id " dir " LIMIT $16::bigint OFFSET $17::bigint"
/* clang-format on */
static const char account_list_asc_sql[] = ACCOUNT_LIST_SQL("ASC");
static const char account_list_desc_sql[] = ACCOUNT_LIST_SQL("DESC");

static const char account_count_sql[] =
    "SELECT count(*) FROM accounts WHERE " ACCOUNT_SCOPE " AND deleted_at IS NULL";

void pf_account_clear(pf_account *a)
{
    if (!a)
        return;
    pf_base_clear(&a->b);
    free(a->asset_code);
    free(a->name);
    free(a->alias);
    free(a->type);
    free(a->parent_account_id);
    free(a->portfolio_id);
    free(a->segment_id);
    free(a->entity_id);
    a->asset_code = a->name = a->alias = a->type = NULL;
    a->parent_account_id = a->portfolio_id = a->segment_id = a->entity_id = NULL;
    a->blocked = false;
}

void pf_account_list_free(pf_account *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        pf_account_clear(&items[i]);
    free(items);
}

/* db_row_fn of ACCOUNT_COLUMNS into a pf_account. */
static void account_from_row(const PGresult *res, int row, void *out)
{
    pf_account *a = out;

    pf_account_clear(a);
    pf_base_from_row(res, row, COL_TAIL, &a->b);
    a->asset_code = db_col_text(res, row, COL_ASSET_CODE);
    a->name = db_col_text(res, row, COL_NAME);
    a->alias = db_col_text(res, row, COL_ALIAS);
    a->type = db_col_text(res, row, COL_TYPE);
    a->parent_account_id = db_col_text(res, row, COL_PARENT);
    a->portfolio_id = db_col_text(res, row, COL_PORTFOLIO);
    a->segment_id = db_col_text(res, row, COL_SEGMENT);
    a->entity_id = db_col_text(res, row, COL_ENTITY);
    a->blocked = db_col_bool(res, row, COL_BLOCKED);
}

static db_status account_exec_one(db_conn *c, const char *sql, int nparams, const char *const *params,
                                  pf_account *out, bool *found)
{
    return db_exec_one(c, sql, nparams, params, account_from_row, out, found);
}

static db_status account_exec_many(db_conn *c, const char *sql, int nparams, const char *const *params,
                                   pf_account **items, size_t *n)
{
    void *rows = NULL;
    db_status st = db_exec_rows(c, sql, nparams, params, account_from_row, sizeof(pf_account), &rows, n);

    *items = rows;
    return st;
}

db_status pf_store_account_insert(db_conn *c, const pf_account *in, pf_account *out)
{
    db_param_text created = db_param_time(in->b.common.created_us);
    char *metadata = xstrdup(json_dump(in->b.common.metadata));
    const char *params[16] = {
        in->b.id,
        in->b.organization_id,
        in->b.ledger_id,
        in->asset_code,
        in->name,
        in->alias,
        in->type,
        in->parent_account_id,
        in->portfolio_id,
        in->segment_id,
        in->entity_id,
        in->blocked ? "true" : "false",
        in->b.common.status_code,
        in->b.common.status_description,
        metadata,
        created.s,
    };
    bool found = false;
    db_status st = account_exec_one(c, account_insert_sql, 16, params, out, &found);

    free(metadata);
    if (st == DB_OK && !found)
        st = DB_ERROR;
    return st;
}

db_status pf_store_account_get(db_conn *c, const char *org_id, const char *ledger_id, const char *id,
                               db_lock lock, pf_account *out, bool *found)
{
    const char *params[3] = {org_id, ledger_id, id};
    const char *sql = db_lock_pick(lock, account_get_sql, account_get_key_share_sql, account_get_update_sql);

    return account_exec_one(c, sql, 3, params, out, found);
}

db_status pf_store_account_get_by_alias(db_conn *c, const char *org_id, const char *ledger_id,
                                        const char *alias, pf_account *out, bool *found)
{
    const char *params[3] = {org_id, ledger_id, alias};
    return account_exec_one(c, account_get_alias_sql, 3, params, out, found);
}

db_status pf_store_account_update(db_conn *c, const pf_account *in, pf_account *out, bool *found)
{
    db_param_text updated = db_param_time(in->b.common.updated_us);
    char *metadata = xstrdup(json_dump(in->b.common.metadata));
    const char *params[12] = {
        in->b.organization_id,
        in->b.ledger_id,
        in->b.id,
        in->name,
        in->portfolio_id,
        in->segment_id,
        in->entity_id,
        in->blocked ? "true" : "false",
        in->b.common.status_code,
        in->b.common.status_description,
        metadata,
        updated.s,
    };
    db_status st = account_exec_one(c, account_update_sql, 12, params, out, found);

    free(metadata);
    return st;
}

db_status pf_store_account_soft_delete(db_conn *c, const char *org_id, const char *ledger_id, const char *id,
                                       int64_t at_us, pf_account *out, bool *found)
{
    db_param_text at = db_param_time(at_us);
    const char *params[4] = {org_id, ledger_id, id, at.s};
    return account_exec_one(c, account_soft_delete_sql, 4, params, out, found);
}

db_status pf_store_account_any_live(db_conn *c, const char *org_id, const char *ledger_id, bool *result)
{
    const char *params[2] = {org_id, ledger_id};
    return db_exec_exists(c, account_any_live_sql, 2, params, result);
}

db_status pf_store_account_code_in_use(db_conn *c, const char *org_id, const char *ledger_id,
                                       const char *code, bool *result)
{
    const char *params[3] = {org_id, ledger_id, code};
    return db_exec_exists(c, account_code_in_use_sql, 3, params, result);
}

db_status pf_store_account_lock_externals(db_conn *c, const char *org_id, const char *ledger_id,
                                          const char *code, pf_account **items, size_t *n)
{
    const char *params[3] = {org_id, ledger_id, code};
    return account_exec_many(c, account_lock_externals_sql, 3, params, items, n);
}

db_status pf_store_account_list(db_conn *c, const char *org_id, const char *ledger_id, const page_params *p,
                                const pf_account_filter *f, pf_account **items, size_t *n)
{
    db_page_window w;
    db_status st = DB_OK;

    db_page_window_init(&w, p);
    const char *params[17] = {
        org_id,          ledger_id,     w.from_p,
        w.to_p,          w.metadata,    f->status,
        f->portfolio_id, f->segment_id, f->parent_account_id,
        f->entity_id,    f->asset_code, f->type,
        f->blocked,      f->name,       f->alias,
        w.limit.s,       w.offset.s,
    };
    st = account_exec_many(c, p->desc ? account_list_desc_sql : account_list_asc_sql, 17, params, items, n);
    db_page_window_clear(&w);
    return st;
}

db_status pf_store_account_count(db_conn *c, const char *org_id, const char *ledger_id, int64_t *n)
{
    const char *params[2] = {org_id, ledger_id};
    return db_exec_count(c, account_count_sql, 2, params, n);
}
