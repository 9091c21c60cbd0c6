/* SQL of the organization, ledger, portfolio and account registries and of the closed account ids.
 * Writers are the event consumer and the read-through fallback; readers are the path checks and leg
 * resolution. Never writes outside these tables. */
#include "store_registry.h"

#include <string.h>

#include "db/db_row.h"
#include "store_util.h"

static const char org_ledger_sql[] =
    "SELECT (SELECT CASE WHEN deleted_at IS NULL THEN 1 ELSE 2 END FROM organizations WHERE id = $1::uuid),"
    "       (SELECT CASE WHEN deleted_at IS NULL AND organization_id = $1::uuid THEN 1"
    "                    WHEN organization_id <> $1::uuid THEN 0 ELSE 2 END"
    "          FROM ledgers WHERE id = $2::uuid)";

static reg_state state_of(const PGresult *res, int col)
{
    if (PQgetisnull(res, 0, col))
        return REG_MISSING;
    switch (PQgetvalue(res, 0, col)[0]) {
    case '1':
        return REG_LIVE;
    case '2':
        return REG_DELETED;
    default:
        return REG_MISSING;
    }
}

db_status store_reg_org_ledger(db_conn *c, const char *org, const char *ledger, reg_state *org_state,
                               reg_state *ledger_state)
{
    const char *params[] = {org, ledger};
    PGresult *res = NULL;
    db_status st = db_exec(c, org_ledger_sql, 2, params, &res);
    if (st != DB_OK)
        return st;
    *org_state = state_of(res, 0);
    *ledger_state = state_of(res, 1);
    PQclear(res);
    return DB_OK;
}

/* A deletion is final; otherwise the newer-or-equal change wins (events.md 7). */
static const char org_upsert_sql[] = "INSERT INTO organizations (id, updated_at, deleted_at) VALUES "
                                     "($1::uuid, $2::timestamptz, $3::timestamptz)"
                                     " ON CONFLICT (id) DO UPDATE SET updated_at = EXCLUDED.updated_at,"
                                     "   deleted_at = COALESCE(organizations.deleted_at, EXCLUDED.deleted_at)"
                                     " WHERE organizations.updated_at <= EXCLUDED.updated_at";

static const char ledger_upsert_sql[] = "INSERT INTO ledgers (id, organization_id, updated_at, deleted_at)"
                                        " VALUES ($1::uuid, $2::uuid, $3::timestamptz, $4::timestamptz)"
                                        " ON CONFLICT (id) DO UPDATE SET updated_at = EXCLUDED.updated_at,"
                                        "   deleted_at = COALESCE(ledgers.deleted_at, EXCLUDED.deleted_at)"
                                        " WHERE ledgers.updated_at <= EXCLUDED.updated_at";

static const char portfolio_upsert_sql[] =
    "INSERT INTO portfolios (id, organization_id, ledger_id, updated_at, deleted_at)"
    " VALUES ($1::uuid, $2::uuid, $3::uuid, $4::timestamptz, $5::timestamptz)"
    " ON CONFLICT (id) DO UPDATE SET updated_at = EXCLUDED.updated_at,"
    "   deleted_at = COALESCE(portfolios.deleted_at, EXCLUDED.deleted_at)"
    " WHERE portfolios.updated_at <= EXCLUDED.updated_at";

db_status store_reg_org_upsert(db_conn *c, const char *id, int64_t updated_us, int64_t deleted_us)
{
    db_param_text u = db_param_time(updated_us);
    db_param_text d = db_param_time(deleted_us);
    const char *params[] = {id, u.s, deleted_us >= 0 ? d.s : NULL};
    return db_exec(c, org_upsert_sql, 3, params, NULL);
}

db_status store_reg_ledger_upsert(db_conn *c, const char *id, const char *org, int64_t updated_us,
                                  int64_t deleted_us)
{
    db_param_text u = db_param_time(updated_us);
    db_param_text d = db_param_time(deleted_us);
    const char *params[] = {id, org, u.s, deleted_us >= 0 ? d.s : NULL};
    return db_exec(c, ledger_upsert_sql, 4, params, NULL);
}

db_status store_reg_portfolio_upsert(db_conn *c, const char *id, const char *org, const char *ledger,
                                     int64_t updated_us, int64_t deleted_us)
{
    db_param_text u = db_param_time(updated_us);
    db_param_text d = db_param_time(deleted_us);
    const char *params[] = {id, org, ledger, u.s, deleted_us >= 0 ? d.s : NULL};
    return db_exec(c, portfolio_upsert_sql, 5, params, NULL);
}

static const char portfolio_state_sql[] =
    "SELECT CASE WHEN deleted_at IS NULL THEN 1 ELSE 2 END FROM portfolios"
    " WHERE id = $3::uuid AND organization_id = $1::uuid AND ledger_id = $2::uuid";

db_status store_reg_portfolio_state(db_conn *c, const char *org, const char *ledger, const char *id,
                                    reg_state *state)
{
    const char *params[] = {org, ledger, id};
    PGresult *res = NULL;
    db_status st = db_exec(c, portfolio_state_sql, 3, params, &res);
    if (st != DB_OK)
        return st;
    *state = PQntuples(res) == 1 ? state_of(res, 0) : REG_MISSING;
    PQclear(res);
    return DB_OK;
}

static const char account_upsert_sql[] =
    "INSERT INTO accounts (id, organization_id, ledger_id, alias, type, asset_code, portfolio_id, updated_at,"
    "  deleted_at)"
    " VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7::uuid, $8::timestamptz, $9::timestamptz)"
    " ON CONFLICT (id) DO UPDATE SET alias = EXCLUDED.alias, type = EXCLUDED.type,"
    "   asset_code = EXCLUDED.asset_code, portfolio_id = EXCLUDED.portfolio_id,"
    "   updated_at = EXCLUDED.updated_at, deleted_at = COALESCE(accounts.deleted_at, EXCLUDED.deleted_at)"
    " WHERE accounts.updated_at <= EXCLUDED.updated_at";

db_status store_reg_account_upsert(db_conn *c, const reg_account *a)
{
    db_param_text u = db_param_time(a->updated_us);
    db_param_text d = db_param_time(a->deleted_us);
    const char *params[] = {a->id,
                            a->organization_id,
                            a->ledger_id,
                            a->alias,
                            a->type,
                            a->asset_code,
                            a->portfolio_id[0] ? a->portfolio_id : NULL,
                            u.s,
                            a->deleted_us >= 0 ? d.s : NULL};
    return db_exec(c, account_upsert_sql, 9, params, NULL);
}

#define ACCOUNT_COLS                                                                                         \
    "id, organization_id, ledger_id, alias, type, asset_code, portfolio_id, " DB_SQL_EPOCH_US(               \
        "updated_at") ", " DB_SQL_EPOCH_US("deleted_at")

static void account_from_row(arena *a, const PGresult *res, int row, reg_account *out)
{
    memset(out, 0, sizeof(*out));
    db_col_text_into(res, row, 0, out->id, sizeof(out->id));
    db_col_text_into(res, row, 1, out->organization_id, sizeof(out->organization_id));
    db_col_text_into(res, row, 2, out->ledger_id, sizeof(out->ledger_id));
    out->alias = db_col_text_arena(a, res, row, 3);
    out->type = db_col_text_arena(a, res, row, 4);
    out->asset_code = db_col_text_arena(a, res, row, 5);
    db_col_text_into(res, row, 6, out->portfolio_id, sizeof(out->portfolio_id));
    out->updated_us = db_col_i64(res, row, 7, 0);
    out->deleted_us = db_col_i64(res, row, 8, -1);
}

static const char account_get_sql[] =
    "SELECT " ACCOUNT_COLS ", EXISTS (SELECT 1 FROM closed_accounts x WHERE x.account_id = accounts.id)"
    " FROM accounts WHERE id = $3::uuid AND organization_id = $1::uuid AND ledger_id = $2::uuid";

db_status store_reg_account_get(db_conn *c, arena *a, const char *org, const char *ledger, const char *id,
                                reg_account *out, reg_state *state)
{
    const char *params[] = {org, ledger, id};
    PGresult *res = NULL;
    db_status st = db_exec(c, account_get_sql, 3, params, &res);
    if (st != DB_OK)
        return st;
    *state = REG_MISSING;
    if (PQntuples(res) == 1) {
        account_from_row(a, res, 0, out);
        /* a closed id (12.3) is gone for every path check even before account.deleted arrives */
        *state = out->deleted_us < 0 && !db_col_bool(res, 0, 9) ? REG_LIVE : REG_DELETED;
    }
    PQclear(res);
    return DB_OK;
}

static const char account_by_alias_sql[] =
    "SELECT " ACCOUNT_COLS " FROM accounts a"
    " WHERE organization_id = $1::uuid AND ledger_id = $2::uuid AND alias = $3 AND deleted_at IS NULL"
    "   AND NOT EXISTS (SELECT 1 FROM closed_accounts x WHERE x.account_id = a.id)"
    " ORDER BY id DESC LIMIT 1";

db_status store_reg_account_by_alias(db_conn *c, arena *a, const char *org, const char *ledger,
                                     const char *alias, reg_account *out, bool *found)
{
    const char *params[] = {org, ledger, alias};
    PGresult *res = NULL;
    db_status st = db_exec(c, account_by_alias_sql, 3, params, &res);
    if (st != DB_OK)
        return st;
    *found = PQntuples(res) == 1;
    if (*found)
        account_from_row(a, res, 0, out);
    PQclear(res);
    return DB_OK;
}

static const char account_lock_sql[] = "SELECT pg_advisory_xact_lock(hashtextextended($1, 7031))";

db_status store_reg_account_lock(db_conn *c, const char *account_id)
{
    const char *params[] = {account_id};
    return db_exec(c, account_lock_sql, 1, params, NULL);
}

static const char account_closed_sql[] = "SELECT 1 FROM closed_accounts WHERE account_id = $1::uuid";

db_status store_reg_account_is_closed(db_conn *c, const char *account_id, bool *closed)
{
    const char *params[] = {account_id};
    PGresult *res = NULL;
    db_status st = db_exec(c, account_closed_sql, 1, params, &res);
    if (st != DB_OK)
        return st;
    *closed = PQntuples(res) > 0;
    PQclear(res);
    return DB_OK;
}

static const char account_close_sql[] =
    "INSERT INTO closed_accounts (account_id, organization_id, ledger_id, closed_at)"
    " VALUES ($1::uuid, $2::uuid, $3::uuid, $4::timestamptz) ON CONFLICT (account_id) DO NOTHING";

db_status store_reg_account_close(db_conn *c, const char *account_id, const char *org, const char *ledger,
                                  int64_t closed_us)
{
    db_param_text t = db_param_time(closed_us);
    const char *params[] = {account_id, org, ledger, t.s};
    return db_exec(c, account_close_sql, 4, params, NULL);
}
