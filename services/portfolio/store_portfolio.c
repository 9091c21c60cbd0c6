/* SQL of the portfolios table (the only file with portfolio SQL text). Every value is a statement
 * parameter; the only text chosen at run time is between constant statements. */
#include "store_portfolio.h"

#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "util/mem.h"

#define PORTFOLIO_COLUMNS PF_HEAD_COLUMNS ", name, entity_id, " PF_TAIL_COLUMNS
enum { COL_NAME = 3, COL_ENTITY, COL_TAIL };

static const char portfolio_insert_sql[] =
    "INSERT INTO portfolios (id, organization_id, ledger_id, name, entity_id, status_code, "
    "status_description, "
    "metadata, created_at, updated_at) VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, $8::jsonb, "
    "$9::timestamptz, $9::timestamptz) RETURNING " PORTFOLIO_COLUMNS;

#define PORTFOLIO_GET_SQL                                                                                    \
    "SELECT " PORTFOLIO_COLUMNS " FROM portfolios WHERE organization_id = $1::uuid "                         \
    "AND ledger_id = $2::uuid AND id = $3::uuid AND deleted_at IS NULL"
static const char portfolio_get_sql[] = PORTFOLIO_GET_SQL;
static const char portfolio_get_key_share_sql[] = PORTFOLIO_GET_SQL " FOR KEY SHARE";
static const char portfolio_get_update_sql[] = PORTFOLIO_GET_SQL " FOR UPDATE";

static const char portfolio_update_sql[] =
    "UPDATE portfolios SET name = $4, entity_id = $5, status_code = $6, status_description = $7, "
    "metadata = $8::jsonb, updated_at = $9::timestamptz WHERE organization_id = $1::uuid "
    "AND ledger_id = $2::uuid AND id = $3::uuid AND deleted_at IS NULL RETURNING " PORTFOLIO_COLUMNS;

static const char portfolio_soft_delete_sql[] =
    "UPDATE portfolios SET deleted_at = $4::timestamptz WHERE organization_id = $1::uuid "
    "AND ledger_id = $2::uuid AND id = $3::uuid AND deleted_at IS NULL RETURNING " PORTFOLIO_COLUMNS;

/* clang-format off */
#define PORTFOLIO_LIST_SQL(dir)                                                                              \
    "SELECT " PORTFOLIO_COLUMNS " FROM portfolios WHERE organization_id = $1::uuid "                         \
    "AND ledger_id = $2::uuid AND deleted_at IS NULL"                                                        \
    " AND ($3::timestamptz IS NULL OR created_at >= $3::timestamptz)"                                        \
    " AND ($4::timestamptz IS NULL OR created_at <= $4::timestamptz)"                                        \
    " AND metadata @> $5::jsonb"                                                                             \
    " AND ($6::text IS NULL OR " DB_SQL_FOLD("status_code") " = " DB_SQL_FOLD("$6::text") ")"                \
    " AND ($7::text IS NULL OR entity_id = $7::text)"                                                        \
    " ORDER BY created_at " dir ", id " dir " LIMIT $8::bigint OFFSET $9::bigint"
/* clang-format on */
static const char portfolio_list_asc_sql[] = PORTFOLIO_LIST_SQL("ASC");
static const char portfolio_list_desc_sql[] = PORTFOLIO_LIST_SQL("DESC");

static const char portfolio_count_sql[] =
    "SELECT count(*) FROM portfolios WHERE organization_id = $1::uuid AND ledger_id = $2::uuid "
    "AND deleted_at IS NULL";

void pf_portfolio_clear(pf_portfolio *p)
{
    if (!p)
        return;
    pf_base_clear(&p->b);
    free(p->name);
    free(p->entity_id);
    p->name = p->entity_id = NULL;
}

void pf_portfolio_list_free(pf_portfolio *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        pf_portfolio_clear(&items[i]);
    free(items);
}

/* db_row_fn of PORTFOLIO_COLUMNS into a pf_portfolio. */
static void portfolio_from_row(const PGresult *res, int row, void *out)
{
    pf_portfolio *p = out;

    pf_portfolio_clear(p);
    pf_base_from_row(res, row, COL_TAIL, &p->b);
    p->name = db_col_text(res, row, COL_NAME);
    p->entity_id = db_col_text(res, row, COL_ENTITY);
}

static db_status portfolio_exec_one(db_conn *c, const char *sql, int nparams, const char *const *params,
                                    pf_portfolio *out, bool *found)
{
    return db_exec_one(c, sql, nparams, params, portfolio_from_row, out, found);
}

db_status pf_store_portfolio_insert(db_conn *c, const pf_portfolio *in, pf_portfolio *out)
{
    db_param_text created = db_param_time(in->b.common.created_us);
    char *metadata = xstrdup(json_dump(in->b.common.metadata));
    const char *params[9] = {in->b.id,
                             in->b.organization_id,
                             in->b.ledger_id,
                             in->name,
                             in->entity_id,
                             in->b.common.status_code,
                             in->b.common.status_description,
                             metadata,
                             created.s};
    bool found = false;
    db_status st = portfolio_exec_one(c, portfolio_insert_sql, 9, params, out, &found);

    free(metadata);
    if (st == DB_OK && !found)
        st = DB_ERROR;
    return st;
}

db_status pf_store_portfolio_get(db_conn *c, const char *org_id, const char *ledger_id, const char *id,
                                 db_lock lock, pf_portfolio *out, bool *found)
{
    const char *params[3] = {org_id, ledger_id, id};
    const char *sql =
        db_lock_pick(lock, portfolio_get_sql, portfolio_get_key_share_sql, portfolio_get_update_sql);

    return portfolio_exec_one(c, sql, 3, params, out, found);
}

db_status pf_store_portfolio_update(db_conn *c, const pf_portfolio *in, pf_portfolio *out, bool *found)
{
    db_param_text updated = db_param_time(in->b.common.updated_us);
    char *metadata = xstrdup(json_dump(in->b.common.metadata));
    const char *params[9] = {in->b.organization_id,
                             in->b.ledger_id,
                             in->b.id,
                             in->name,
                             in->entity_id,
                             in->b.common.status_code,
                             in->b.common.status_description,
                             metadata,
                             updated.s};
    db_status st = portfolio_exec_one(c, portfolio_update_sql, 9, params, out, found);

    free(metadata);
    return st;
}

db_status pf_store_portfolio_soft_delete(db_conn *c, const char *org_id, const char *ledger_id,
                                         const char *id, int64_t at_us, pf_portfolio *out, bool *found)
{
    db_param_text at = db_param_time(at_us);
    const char *params[4] = {org_id, ledger_id, id, at.s};
    return portfolio_exec_one(c, portfolio_soft_delete_sql, 4, params, out, found);
}

db_status pf_store_portfolio_list(db_conn *c, const char *org_id, const char *ledger_id, const page_params *p,
                                  const pf_portfolio_filter *f, pf_portfolio **items, size_t *n)
{
    db_page_window w;
    void *rows = NULL;
    db_status st = DB_OK;

    db_page_window_init(&w, p);
    const char *params[9] = {org_id,    ledger_id,    w.from_p,  w.to_p,    w.metadata,
                             f->status, f->entity_id, w.limit.s, w.offset.s};
    st = db_exec_rows(c, p->desc ? portfolio_list_desc_sql : portfolio_list_asc_sql, 9, params,
                      portfolio_from_row, sizeof(pf_portfolio), &rows, n);
    db_page_window_clear(&w);
    *items = rows;
    return st;
}

db_status pf_store_portfolio_count(db_conn *c, const char *org_id, const char *ledger_id, int64_t *n)
{
    const char *params[2] = {org_id, ledger_id};
    return db_exec_count(c, portfolio_count_sql, 2, params, n);
}
