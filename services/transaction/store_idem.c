/* SQL of the idempotency_records table. Expiry is judged by the database clock so that every instance
 * agrees; an expired record is never returned and is replaced in the claimer's own transaction. */
#include "store_idem.h"

#include "db/db_row.h"
#include "store_util.h"

static const char get_sql[] = "SELECT fingerprint, status, body, " DB_SQL_EPOCH_US(
    "expires_at") " FROM idempotency_records"
                  " WHERE organization_id = $1::uuid AND ledger_id = $2::uuid AND key = $3 AND expires_at > "
                  "clock_timestamp()";

db_status store_idem_get(db_conn *c, arena *a, const char *org, const char *ledger, const char *key,
                         idem_record *out, bool *found)
{
    const char *params[] = {org, ledger, key};
    PGresult *res = NULL;
    db_status st = db_exec(c, get_sql, 3, params, &res);
    if (st != DB_OK)
        return st;
    *found = PQntuples(res) == 1;
    if (*found) {
        out->fingerprint = db_col_text_arena(a, res, 0, 0);
        out->status = (int)db_col_i64(res, 0, 1, 201);
        out->body = db_col_text_arena(a, res, 0, 2);
        out->expires_us = db_col_i64(res, 0, 3, 0);
    }
    PQclear(res);
    return DB_OK;
}

static const char purge_sql[] =
    "DELETE FROM idempotency_records WHERE organization_id = $1::uuid AND ledger_id = $2::uuid AND key = $3"
    " AND expires_at <= clock_timestamp()";

static const char insert_sql[] =
    "INSERT INTO idempotency_records (organization_id, ledger_id, key, fingerprint, status, body, created_at,"
    "  expires_at)"
    " VALUES ($1::uuid, $2::uuid, $3, $4, $5::int, $6, clock_timestamp(),"
    "  clock_timestamp() + make_interval(secs => $7::int))"
    " RETURNING " DB_SQL_EPOCH_US("expires_at");

db_status store_idem_insert(db_conn *c, const char *org, const char *ledger, const char *key,
                            const char *fingerprint, int status, const char *body, int ttl_s,
                            int64_t *expires_us)
{
    db_param_text s = db_param_int(status);
    db_param_text t = db_param_int(ttl_s);
    const char *purge[] = {org, ledger, key};
    const char *params[] = {org, ledger, key, fingerprint, s.s, body, t.s};
    PGresult *res = NULL;
    db_status st = db_exec(c, purge_sql, 3, purge, NULL);
    if (st != DB_OK)
        return st;
    st = db_exec(c, insert_sql, 7, params, &res);
    if (st != DB_OK)
        return st;
    *expires_us = db_col_i64(res, 0, 0, 0);
    PQclear(res);
    return DB_OK;
}
