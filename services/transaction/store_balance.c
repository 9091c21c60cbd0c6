/* SQL of the balances table: reads, cursor pages, FOR UPDATE locks taken in one ordered statement (so
 * concurrent writers always lock in ascending id order and never deadlock), inserts, updates and soft
 * deletes. It never decides funds, flags or existence rules: callers do, under these locks. */
#include "store_balance.h"

#include <string.h>

#include "db/db_row.h"
#include "store_util.h"

#define BALANCE_COLS                                                                                         \
    "b.id, b.organization_id, b.ledger_id, b.account_id, b.alias, b.key, b.asset_code, b.account_type,"      \
    " b.available, b.on_hold, b.version, b.allow_sending, b.allow_receiving, " DB_SQL_EPOCH_US(              \
        "b.created_at") ", " DB_SQL_EPOCH_US("b.updated_at") ", " DB_SQL_EPOCH_US("b.deleted_at")
#define BALANCE_NCOLS 16

static void balance_from_row(arena *a, const PGresult *res, int row, balance_row *b)
{
    memset(b, 0, sizeof(*b));
    db_col_text_into(res, row, 0, b->id, sizeof(b->id));
    db_col_text_into(res, row, 1, b->organization_id, sizeof(b->organization_id));
    db_col_text_into(res, row, 2, b->ledger_id, sizeof(b->ledger_id));
    db_col_text_into(res, row, 3, b->account_id, sizeof(b->account_id));
    b->alias = db_col_text_arena(a, res, row, 4);
    b->key = db_col_text_arena(a, res, row, 5);
    b->asset_code = db_col_text_arena(a, res, row, 6);
    b->account_type = db_col_text_arena(a, res, row, 7);
    b->st.available = store_col_decimal(res, row, 8);
    b->st.on_hold = store_col_decimal(res, row, 9);
    b->st.version = db_col_i64(res, row, 10, 0);
    b->allow_sending = db_col_bool(res, row, 11);
    b->allow_receiving = db_col_bool(res, row, 12);
    b->created_us = db_col_i64(res, row, 13, 0);
    b->updated_us = db_col_i64(res, row, 14, 0);
    b->deleted_us = db_col_i64(res, row, 15, -1);
}

static db_status rows_to_balances(arena *a, PGresult *res, balance_row **out, size_t *n, bool with_portfolio)
{
    int rows = PQntuples(res);
    *out = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(balance_row));
    for (int i = 0; i < rows; i++) {
        balance_from_row(a, res, i, &(*out)[i]);
        if (with_portfolio)
            db_col_text_into(res, i, BALANCE_NCOLS, (*out)[i].portfolio_id, sizeof((*out)[i].portfolio_id));
    }
    *n = (size_t)rows;
    return DB_OK;
}

static const char get_sql[] =
    "SELECT " BALANCE_COLS " FROM balances b"
    " WHERE b.id = $3::uuid AND b.organization_id = $1::uuid AND b.ledger_id = $2::uuid"
    "   AND b.deleted_at IS NULL";
static const char get_lock_sql[] =
    "SELECT " BALANCE_COLS " FROM balances b"
    " WHERE b.id = $3::uuid AND b.organization_id = $1::uuid AND b.ledger_id = $2::uuid"
    "   AND b.deleted_at IS NULL FOR UPDATE";

db_status store_balance_get(db_conn *c, arena *a, const char *org, const char *ledger, const char *id,
                            bool for_update, balance_row *out, bool *found)
{
    const char *params[] = {org, ledger, id};
    PGresult *res = NULL;
    db_status st = db_exec(c, for_update ? get_lock_sql : get_sql, 3, params, &res);
    if (st != DB_OK)
        return st;
    *found = PQntuples(res) == 1;
    if (*found)
        balance_from_row(a, res, 0, out);
    PQclear(res);
    return DB_OK;
}

static const char by_key_sql[] =
    "SELECT " BALANCE_COLS " FROM balances b"
    " WHERE b.organization_id = $1::uuid AND b.ledger_id = $2::uuid AND b.account_id = $3::uuid"
    "   AND b.key = $4 AND b.deleted_at IS NULL";

db_status store_balance_by_key(db_conn *c, arena *a, const char *org, const char *ledger,
                               const char *account_id, const char *key, balance_row *out, bool *found)
{
    const char *params[] = {org, ledger, account_id, key};
    PGresult *res = NULL;
    db_status st = db_exec(c, by_key_sql, 4, params, &res);
    if (st != DB_OK)
        return st;
    *found = PQntuples(res) == 1;
    if (*found)
        balance_from_row(a, res, 0, out);
    PQclear(res);
    return DB_OK;
}

static const char default_ever_sql[] =
    "SELECT 1 FROM balances WHERE account_id = $1::uuid AND key = 'default' LIMIT 1";

db_status store_balance_default_ever(db_conn *c, const char *account_id, bool *exists)
{
    const char *params[] = {account_id};
    PGresult *res = NULL;
    db_status st = db_exec(c, default_ever_sql, 1, params, &res);
    if (st != DB_OK)
        return st;
    *exists = PQntuples(res) > 0;
    PQclear(res);
    return DB_OK;
}

static const char insert_sql[] =
    "INSERT INTO balances (id, organization_id, ledger_id, account_id, alias, key, asset_code, account_type,"
    "  available, on_hold, version, allow_sending, allow_receiving, created_at, updated_at)"
    " VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, $6, $7, $8, $9::numeric, $10::numeric,"
    "  $11::bigint, $12::boolean, $13::boolean, $14::timestamptz, $15::timestamptz)";

db_status store_balance_insert(db_conn *c, arena *a, const balance_row *b)
{
    db_param_text v = db_param_int(b->st.version);
    db_param_text cr = db_param_time(b->created_us);
    db_param_text up = db_param_time(b->updated_us);
    const char *params[] = {b->id,
                            b->organization_id,
                            b->ledger_id,
                            b->account_id,
                            b->alias,
                            b->key,
                            b->asset_code,
                            b->account_type,
                            store_decimal_param(a, &b->st.available),
                            store_decimal_param(a, &b->st.on_hold),
                            v.s,
                            b->allow_sending ? "true" : "false",
                            b->allow_receiving ? "true" : "false",
                            cr.s,
                            up.s};
    return db_exec(c, insert_sql, 15, params, NULL);
}

static const char flags_sql[] =
    "UPDATE balances SET allow_sending = $2::boolean, allow_receiving = $3::boolean,"
    " updated_at = $4::timestamptz WHERE id = $1::uuid";

db_status store_balance_set_flags(db_conn *c, const char *id, bool allow_sending, bool allow_receiving,
                                  int64_t updated_us)
{
    db_param_text up = db_param_time(updated_us);
    const char *params[] = {id, allow_sending ? "true" : "false", allow_receiving ? "true" : "false", up.s};
    return db_exec(c, flags_sql, 4, params, NULL);
}

static const char delete_sql[] =
    "UPDATE balances SET deleted_at = $2::timestamptz WHERE id = $1::uuid AND deleted_at IS NULL";
static const char close_sql[] =
    "UPDATE balances SET deleted_at = $2::timestamptz, allow_sending = false, allow_receiving = false"
    " WHERE id = $1::uuid AND deleted_at IS NULL";

db_status store_balance_soft_delete(db_conn *c, const char *id, int64_t deleted_us, bool clear_flags)
{
    db_param_text d = db_param_time(deleted_us);
    const char *params[] = {id, d.s};
    return db_exec(c, clear_flags ? close_sql : delete_sql, 2, params, NULL);
}

static const char apply_sql[] =
    "UPDATE balances SET available = $2::numeric, on_hold = $3::numeric, version = $4::bigint,"
    " updated_at = $5::timestamptz WHERE id = $1::uuid";

db_status store_balance_apply(db_conn *c, arena *a, const char *id, const balance_state *st,
                              int64_t updated_us)
{
    db_param_text v = db_param_int(st->version);
    db_param_text up = db_param_time(updated_us);
    const char *params[] = {id, store_decimal_param(a, &st->available), store_decimal_param(a, &st->on_hold),
                            v.s, up.s};
    return db_exec(c, apply_sql, 5, params, NULL);
}

static const char lock_account_sql[] =
    "SELECT " BALANCE_COLS " FROM balances b"
    " WHERE b.organization_id = $1::uuid AND b.ledger_id = $2::uuid AND b.account_id = $3::uuid"
    "   AND b.deleted_at IS NULL ORDER BY b.id FOR UPDATE";

db_status store_balance_lock_account(db_conn *c, arena *a, const char *org, const char *ledger,
                                     const char *account_id, balance_row **out, size_t *n)
{
    const char *params[] = {org, ledger, account_id};
    PGresult *res = NULL;
    db_status st = db_exec(c, lock_account_sql, 3, params, &res);
    if (st != DB_OK)
        return st;
    rows_to_balances(a, res, out, n, false);
    PQclear(res);
    return DB_OK;
}

/* LockRows runs above the Sort, so the rows are locked one by one in ascending id order. */
static const char lock_pairs_sql[] =
    "SELECT " BALANCE_COLS ", a.portfolio_id FROM balances b"
    " LEFT JOIN accounts a ON a.id = b.account_id"
    " WHERE b.organization_id = $1::uuid AND b.ledger_id = $2::uuid AND b.deleted_at IS NULL"
    "   AND (b.account_id, b.key) IN (SELECT * FROM unnest($3::uuid[], $4::text[]))"
    " ORDER BY b.id FOR UPDATE OF b";

db_status store_balance_lock_pairs(db_conn *c, arena *a, const char *org, const char *ledger,
                                   const char *const *account_ids, const char *const *keys, size_t npairs,
                                   balance_row **out, size_t *n)
{
    const char *params[] = {org, ledger, store_array_literal(a, account_ids, npairs),
                            store_array_literal(a, keys, npairs)};
    PGresult *res = NULL;
    db_status st = db_exec(c, lock_pairs_sql, 4, params, &res);
    if (st != DB_OK)
        return st;
    rows_to_balances(a, res, out, n, true);
    PQclear(res);
    return DB_OK;
}

static const char lock_ids_sql[] =
    "SELECT " BALANCE_COLS ", a.portfolio_id FROM balances b"
    " LEFT JOIN accounts a ON a.id = b.account_id"
    " WHERE b.organization_id = $1::uuid AND b.ledger_id = $2::uuid AND b.deleted_at IS NULL"
    "   AND b.id = ANY($3::uuid[])"
    " ORDER BY b.id FOR UPDATE OF b";

db_status store_balance_lock_ids(db_conn *c, arena *a, const char *org, const char *ledger,
                                 const char *const *ids, size_t nids, balance_row **out, size_t *n)
{
    const char *params[] = {org, ledger, store_array_literal(a, ids, nids)};
    PGresult *res = NULL;
    db_status st = db_exec(c, lock_ids_sql, 3, params, &res);
    if (st != DB_OK)
        return st;
    rows_to_balances(a, res, out, n, true);
    PQclear(res);
    return DB_OK;
}

static const char list_ledger_from[] =
    " FROM balances b WHERE b.organization_id = $1::uuid AND b.ledger_id = $2::uuid AND b.deleted_at IS NULL"
    " AND ($3::timestamptz IS NULL OR b.created_at >= $3::timestamptz)"
    " AND ($4::timestamptz IS NULL OR b.created_at <= $4::timestamptz)";
static const char list_account_from[] =
    " FROM balances b WHERE b.organization_id = $1::uuid AND b.ledger_id = $2::uuid AND b.deleted_at IS NULL"
    " AND ($3::timestamptz IS NULL OR b.created_at >= $3::timestamptz)"
    " AND ($4::timestamptz IS NULL OR b.created_at <= $4::timestamptz)"
    " AND b.account_id = $5::uuid";

db_status store_balance_list(db_conn *c, arena *a, const char *org, const char *ledger,
                             const char *account_id, const page_params *p, balance_row **out, size_t *n,
                             bool *has_prev, bool *has_next)
{
    db_param_text from = db_param_time(p->from_us);
    db_param_text to = db_param_time(p->to_us);
    const char *params[] = {org, ledger, p->has_range ? from.s : NULL, p->has_range ? to.s : NULL,
                            account_id};
    PGresult *res = NULL;
    int rows = 0;
    bool reversed = false;
    db_status st =
        store_cursor_page(c, BALANCE_COLS, account_id ? list_account_from : list_ledger_from,
                          account_id ? 5 : 4, params, "b.id", p, &res, &rows, &reversed, has_prev, has_next);
    if (st != DB_OK)
        return st;
    *out = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(balance_row));
    for (int i = 0; i < rows; i++)
        balance_from_row(a, res, reversed ? rows - 1 - i : i, &(*out)[i]);
    *n = (size_t)rows;
    PQclear(res);
    return DB_OK;
}
