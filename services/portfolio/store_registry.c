/* SQL of the organizations and ledgers registry tables (the only file with registry SQL text). Every
 * value is a statement parameter. No HTTP, no events, no business decisions. */
#include "store_registry.h"

#include <string.h>

#include "store_common.h"

static const char reg_org_state_sql[] = "SELECT deleted_at IS NULL FROM organizations WHERE id = $1::uuid";

static const char reg_ledger_state_sql[] =
    "SELECT deleted_at IS NULL AND closed_at IS NULL AND organization_id = $1::uuid "
    "FROM ledgers WHERE id = $2::uuid";

static const char reg_org_register_sql[] =
    "INSERT INTO organizations (id, updated_at, deleted_at) VALUES ($1::uuid, $2::timestamptz, NULL) "
    "ON CONFLICT (id) DO NOTHING";

static const char reg_ledger_register_sql[] =
    "INSERT INTO ledgers (id, organization_id, updated_at, deleted_at) "
    "VALUES ($2::uuid, $1::uuid, $3::timestamptz, NULL) ON CONFLICT (id) DO NOTHING";

static const char reg_org_apply_sql[] = "INSERT INTO organizations AS o (id, updated_at, deleted_at) "
                                        "VALUES ($1::uuid, $2::timestamptz, $3::timestamptz) "
                                        "ON CONFLICT (id) DO UPDATE SET updated_at = EXCLUDED.updated_at, "
                                        "deleted_at = COALESCE(o.deleted_at, EXCLUDED.deleted_at) "
                                        "WHERE o.updated_at <= EXCLUDED.updated_at";

static const char reg_ledger_apply_sql[] =
    "INSERT INTO ledgers AS l (id, organization_id, updated_at, deleted_at) "
    "VALUES ($2::uuid, $1::uuid, $3::timestamptz, $4::timestamptz) "
    "ON CONFLICT (id) DO UPDATE SET organization_id = EXCLUDED.organization_id, "
    "updated_at = EXCLUDED.updated_at, deleted_at = COALESCE(l.deleted_at, EXCLUDED.deleted_at) "
    "WHERE l.updated_at <= EXCLUDED.updated_at";

static const char reg_ledger_lock_live_sql[] =
    "SELECT 1 FROM ledgers WHERE id = $2::uuid AND organization_id = $1::uuid "
    "AND deleted_at IS NULL AND closed_at IS NULL FOR KEY SHARE";

static const char reg_ledger_lock_close_sql[] =
    "SELECT 1 FROM ledgers WHERE id = $2::uuid AND organization_id = $1::uuid FOR UPDATE";

static const char reg_ledger_mark_closed_sql[] =
    "UPDATE ledgers SET closed_at = COALESCE(closed_at, $2::timestamptz) WHERE id = $1::uuid";

/* db_row_fn of a state query: column 0 says whether the registered entity is live. */
static void reg_state_from_row(const PGresult *res, int row, void *out)
{
    *(pf_reg_state *)out = db_col_bool(res, row, 0) ? PF_REG_LIVE : PF_REG_GONE;
}

/* PF_REG_UNKNOWN when the statement finds no registry row. */
static db_status reg_state(db_conn *c, const char *sql, int n, const char *const *params, pf_reg_state *state)
{
    bool found = false;

    *state = PF_REG_UNKNOWN;
    return db_exec_one(c, sql, n, params, reg_state_from_row, state, &found);
}

db_status pf_reg_org_state(db_conn *c, const char *id, pf_reg_state *state)
{
    const char *params[1] = {id};
    return reg_state(c, reg_org_state_sql, 1, params, state);
}

db_status pf_reg_ledger_state(db_conn *c, const char *org_id, const char *id, pf_reg_state *state)
{
    const char *params[2] = {org_id, id};
    return reg_state(c, reg_ledger_state_sql, 2, params, state);
}

db_status pf_reg_org_register(db_conn *c, const char *id, int64_t updated_us)
{
    db_param_text t = db_param_time(updated_us);
    const char *params[2] = {id, t.s};
    return db_exec(c, reg_org_register_sql, 2, params, NULL);
}

db_status pf_reg_ledger_register(db_conn *c, const char *org_id, const char *id, int64_t updated_us)
{
    db_param_text t = db_param_time(updated_us);
    const char *params[3] = {org_id, id, t.s};
    return db_exec(c, reg_ledger_register_sql, 3, params, NULL);
}

db_status pf_reg_org_apply(db_conn *c, const char *id, int64_t time_us, int64_t deleted_us)
{
    db_param_text t = db_param_time(time_us);
    db_param_text d = db_param_time(deleted_us);
    const char *params[3] = {id, t.s, deleted_us >= 0 ? d.s : NULL};
    return db_exec(c, reg_org_apply_sql, 3, params, NULL);
}

db_status pf_reg_ledger_apply(db_conn *c, const char *org_id, const char *id, int64_t time_us,
                              int64_t deleted_us)
{
    db_param_text t = db_param_time(time_us);
    db_param_text d = db_param_time(deleted_us);
    const char *params[4] = {org_id, id, t.s, deleted_us >= 0 ? d.s : NULL};
    return db_exec(c, reg_ledger_apply_sql, 4, params, NULL);
}

db_status pf_reg_ledger_lock_live(db_conn *c, const char *org_id, const char *id, bool *live)
{
    const char *params[2] = {org_id, id};
    return db_exec_exists(c, reg_ledger_lock_live_sql, 2, params, live);
}

db_status pf_reg_ledger_lock_for_close(db_conn *c, const char *org_id, const char *id, bool *found)
{
    const char *params[2] = {org_id, id};
    return db_exec_exists(c, reg_ledger_lock_close_sql, 2, params, found);
}

db_status pf_reg_ledger_mark_closed(db_conn *c, const char *id, int64_t at_us)
{
    db_param_text t = db_param_time(at_us);
    const char *params[2] = {id, t.s};
    return db_exec(c, reg_ledger_mark_closed_sql, 2, params, NULL);
}
