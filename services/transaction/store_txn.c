/* SQL of the transactions, transaction_legs and operations tables. Rows are written once by the write
 * path and only their description, metadata and updated_at change afterwards (PATCH). Never touches
 * balances; never decides a rule. */
#include "store_txn.h"

#include <json-c/json.h>
#include <string.h>

#include "db/db_row.h"
#include "json/json.h"
#include "store_util.h"

/* ---- inserts ---------------------------------------------------------------------------------- */

static const char txn_insert_sql[] =
    "INSERT INTO transactions (id, organization_id, ledger_id, parent_transaction_id, description, status,"
    "  amount, asset_code, chart_of_accounts_group_name, source, destination, metadata, created_at, "
    "updated_at)"
    " VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, $6, $7::numeric, $8, $9, $10::jsonb, $11::jsonb,"
    "  $12::jsonb, $13::timestamptz, $14::timestamptz)";

db_status store_txn_insert(db_conn *c, arena *a, const txn_row *t)
{
    db_param_text cr = db_param_time(t->created_us);
    db_param_text up = db_param_time(t->updated_us);
    const char *params[] = {t->id,
                            t->organization_id,
                            t->ledger_id,
                            t->parent_id[0] ? t->parent_id : NULL,
                            t->description ? t->description : "",
                            txn_status_name(t->status),
                            store_decimal_param(a, &t->amount),
                            t->asset_code,
                            t->coa_group ? t->coa_group : "",
                            t->source,
                            t->destination,
                            t->metadata,
                            cr.s,
                            up.s};
    return db_exec(c, txn_insert_sql, 14, params, NULL);
}

static const char op_insert_sql[] =
    "INSERT INTO operations (id, transaction_id, organization_id, ledger_id, account_id, balance_id,"
    "  portfolio_id, account_alias, balance_key, asset_code, type, amount, description, chart_of_accounts,"
    "  before_available, before_on_hold, before_version, after_available, after_on_hold, after_version,"
    "  status, metadata, created_at, updated_at)"
    " VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::uuid, $6::uuid, $7::uuid, $8, $9, $10, $11,"
    "  $12::numeric, $13, $14, $15::numeric, $16::numeric, $17::bigint, $18::numeric, $19::numeric,"
    "  $20::bigint, $21, $22::jsonb, $23::timestamptz, $24::timestamptz)";

db_status store_op_insert(db_conn *c, arena *a, const op_row *op)
{
    db_param_text bv = db_param_int(op->before.version);
    db_param_text av = db_param_int(op->after.version);
    db_param_text cr = db_param_time(op->created_us);
    db_param_text up = db_param_time(op->updated_us);
    const char *params[] = {op->id,
                            op->transaction_id,
                            op->organization_id,
                            op->ledger_id,
                            op->account_id,
                            op->balance_id,
                            op->portfolio_id[0] ? op->portfolio_id : NULL,
                            op->account_alias,
                            op->balance_key,
                            op->asset_code,
                            op_type_name(op->type),
                            store_decimal_param(a, &op->amount),
                            op->description ? op->description : "",
                            op->chart_of_accounts ? op->chart_of_accounts : "",
                            store_decimal_param(a, &op->before.available),
                            store_decimal_param(a, &op->before.on_hold),
                            bv.s,
                            store_decimal_param(a, &op->after.available),
                            store_decimal_param(a, &op->after.on_hold),
                            av.s,
                            txn_status_name(op->status),
                            op->metadata ? op->metadata : "{}",
                            cr.s,
                            up.s};
    return db_exec(c, op_insert_sql, 24, params, NULL);
}

static const char leg_insert_sql[] =
    "INSERT INTO transaction_legs (transaction_id, position, side, account_id, balance_id, alias, "
    "balance_key,"
    "  amount, description, chart_of_accounts, metadata)"
    " VALUES ($1::uuid, $2::int, $3, $4::uuid, $5::uuid, $6, $7, $8::numeric, $9, $10, $11::jsonb)";

db_status store_leg_insert(db_conn *c, arena *a, const char *transaction_id, const leg_row *l)
{
    db_param_text pos = db_param_int(l->position);
    const char *params[] = {transaction_id,
                            pos.s,
                            l->source ? "source" : "destination",
                            l->account_id,
                            l->balance_id,
                            l->alias,
                            l->balance_key,
                            store_decimal_param(a, &l->amount),
                            l->description ? l->description : "",
                            l->chart_of_accounts ? l->chart_of_accounts : "",
                            l->metadata ? l->metadata : "{}"};
    return db_exec(c, leg_insert_sql, 11, params, NULL);
}

static const char leg_list_sql[] =
    "SELECT position, side, account_id, balance_id, alias, balance_key, amount, description,"
    " chart_of_accounts, metadata::text FROM transaction_legs WHERE transaction_id = $1::uuid"
    " ORDER BY position";

db_status store_leg_list(db_conn *c, arena *a, const char *transaction_id, leg_row **out, size_t *n)
{
    const char *params[] = {transaction_id};
    PGresult *res = NULL;
    db_status st = db_exec(c, leg_list_sql, 1, params, &res);
    if (st != DB_OK)
        return st;
    int rows = PQntuples(res);
    *out = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(leg_row));
    for (int i = 0; i < rows; i++) {
        leg_row *l = &(*out)[i];
        l->position = (int)db_col_i64(res, i, 0, 0);
        l->source = strcmp(PQgetvalue(res, i, 1), "source") == 0;
        db_col_text_into(res, i, 2, l->account_id, sizeof(l->account_id));
        db_col_text_into(res, i, 3, l->balance_id, sizeof(l->balance_id));
        l->alias = db_col_text_arena(a, res, i, 4);
        l->balance_key = db_col_text_arena(a, res, i, 5);
        l->amount = store_col_decimal(res, i, 6);
        l->description = db_col_text_arena(a, res, i, 7);
        l->chart_of_accounts = db_col_text_arena(a, res, i, 8);
        l->metadata = db_col_text_arena(a, res, i, 9);
    }
    *n = (size_t)rows;
    PQclear(res);
    return DB_OK;
}

/* ---- transactions ------------------------------------------------------------------------------ */

static const char txn_status_sql[] =
    "UPDATE transactions SET status = $2, updated_at = $3::timestamptz WHERE id = $1::uuid";

db_status store_txn_set_status(db_conn *c, const char *id, txn_status status, int64_t updated_us)
{
    db_param_text up = db_param_time(updated_us);
    const char *params[] = {id, txn_status_name(status), up.s};
    return db_exec(c, txn_status_sql, 3, params, NULL);
}

static const char txn_child_sql[] = "SELECT 1 FROM transactions WHERE parent_transaction_id = $1::uuid";

db_status store_txn_has_child(db_conn *c, const char *id, bool *exists)
{
    const char *params[] = {id};
    PGresult *res = NULL;
    db_status st = db_exec(c, txn_child_sql, 1, params, &res);
    if (st != DB_OK)
        return st;
    *exists = PQntuples(res) > 0;
    PQclear(res);
    return DB_OK;
}

#define TXN_COLS                                                                                             \
    "t.id, t.organization_id, t.ledger_id, t.parent_transaction_id, t.description, t.status, t.amount,"      \
    " t.asset_code, t.chart_of_accounts_group_name, t.source::text, t.destination::text, t.metadata::text,"  \
    " " DB_SQL_EPOCH_US("t.created_at") ", " DB_SQL_EPOCH_US("t.updated_at")

static void txn_from_row(arena *a, const PGresult *res, int row, txn_row *t)
{
    memset(t, 0, sizeof(*t));
    db_col_text_into(res, row, 0, t->id, sizeof(t->id));
    db_col_text_into(res, row, 1, t->organization_id, sizeof(t->organization_id));
    db_col_text_into(res, row, 2, t->ledger_id, sizeof(t->ledger_id));
    db_col_text_into(res, row, 3, t->parent_id, sizeof(t->parent_id));
    t->description = db_col_text_arena(a, res, row, 4);
    if (txn_status_parse(PQgetvalue(res, row, 5), &t->status) < 0)
        t->status = TXN_STATUS_APPROVED;
    t->amount = store_col_decimal(res, row, 6);
    t->asset_code = db_col_text_arena(a, res, row, 7);
    t->coa_group = db_col_text_arena(a, res, row, 8);
    t->source = db_col_text_arena(a, res, row, 9);
    t->destination = db_col_text_arena(a, res, row, 10);
    t->metadata = db_col_text_arena(a, res, row, 11);
    t->created_us = db_col_i64(res, row, 12, 0);
    t->updated_us = db_col_i64(res, row, 13, 0);
}

static const char txn_get_sql[] =
    "SELECT " TXN_COLS " FROM transactions t"
    " WHERE t.id = $3::uuid AND t.organization_id = $1::uuid AND t.ledger_id = $2::uuid";
static const char txn_get_lock_sql[] =
    "SELECT " TXN_COLS " FROM transactions t"
    " WHERE t.id = $3::uuid AND t.organization_id = $1::uuid AND t.ledger_id = $2::uuid FOR UPDATE";

db_status store_txn_get(db_conn *c, arena *a, const char *org, const char *ledger, const char *id,
                        bool for_update, txn_row *out, bool *found)
{
    const char *params[] = {org, ledger, id};
    PGresult *res = NULL;
    db_status st = db_exec(c, for_update ? txn_get_lock_sql : txn_get_sql, 3, params, &res);
    if (st != DB_OK)
        return st;
    *found = PQntuples(res) == 1;
    if (*found)
        txn_from_row(a, res, 0, out);
    PQclear(res);
    return DB_OK;
}

/* ---- operations ------------------------------------------------------------------------------- */

#define OP_COLS                                                                                              \
    "o.id, o.transaction_id, o.organization_id, o.ledger_id, o.account_id, o.balance_id, o.portfolio_id,"    \
    " o.account_alias, o.balance_key, o.asset_code, o.type, o.amount, o.description, o.chart_of_accounts,"   \
    " o.before_available, o.before_on_hold, o.before_version, o.after_available, o.after_on_hold,"           \
    " o.after_version, o.status, o.metadata::text, " DB_SQL_EPOCH_US("o.created_at") ", " DB_SQL_EPOCH_US(   \
        "o.updated_at")

static void op_from_row(arena *a, const PGresult *res, int row, op_row *op)
{
    memset(op, 0, sizeof(*op));
    db_col_text_into(res, row, 0, op->id, sizeof(op->id));
    db_col_text_into(res, row, 1, op->transaction_id, sizeof(op->transaction_id));
    db_col_text_into(res, row, 2, op->organization_id, sizeof(op->organization_id));
    db_col_text_into(res, row, 3, op->ledger_id, sizeof(op->ledger_id));
    db_col_text_into(res, row, 4, op->account_id, sizeof(op->account_id));
    db_col_text_into(res, row, 5, op->balance_id, sizeof(op->balance_id));
    db_col_text_into(res, row, 6, op->portfolio_id, sizeof(op->portfolio_id));
    op->account_alias = db_col_text_arena(a, res, row, 7);
    op->balance_key = db_col_text_arena(a, res, row, 8);
    op->asset_code = db_col_text_arena(a, res, row, 9);
    if (op_type_parse(PQgetvalue(res, row, 10), &op->type) < 0)
        op->type = OP_TYPE_DEBIT;
    op->amount = store_col_decimal(res, row, 11);
    op->description = db_col_text_arena(a, res, row, 12);
    op->chart_of_accounts = db_col_text_arena(a, res, row, 13);
    op->before.available = store_col_decimal(res, row, 14);
    op->before.on_hold = store_col_decimal(res, row, 15);
    op->before.version = db_col_i64(res, row, 16, 0);
    op->after.available = store_col_decimal(res, row, 17);
    op->after.on_hold = store_col_decimal(res, row, 18);
    op->after.version = db_col_i64(res, row, 19, 0);
    if (txn_status_parse(PQgetvalue(res, row, 20), &op->status) < 0)
        op->status = TXN_STATUS_APPROVED;
    op->metadata = db_col_text_arena(a, res, row, 21);
    op->created_us = db_col_i64(res, row, 22, 0);
    op->updated_us = db_col_i64(res, row, 23, 0);
}

static const char ops_of_sql[] =
    "SELECT " OP_COLS " FROM operations o WHERE o.transaction_id = ANY($1::uuid[]) ORDER BY o.id";

db_status store_txn_load_ops(db_conn *c, arena *a, txn_row *txns, size_t n)
{
    const char **ids = NULL;
    PGresult *res = NULL;
    db_status st = DB_OK;

    if (n == 0)
        return DB_OK;
    ids = arena_alloc(a, n * sizeof(*ids));
    for (size_t i = 0; i < n; i++) {
        ids[i] = txns[i].id;
        txns[i].n_ops = 0;
    }
    const char *params[] = {store_array_literal(a, ids, n)};
    st = db_exec(c, ops_of_sql, 1, params, &res);
    if (st != DB_OK)
        return st;
    int rows = PQntuples(res);
    /* count per transaction, then fill in id order */
    size_t *counts = arena_alloc(a, n * sizeof(size_t));
    for (int r = 0; r < rows; r++) {
        const char *tid = PQgetvalue(res, r, 1);
        for (size_t i = 0; i < n; i++)
            if (strcmp(txns[i].id, tid) == 0) {
                counts[i]++;
                break;
            }
    }
    for (size_t i = 0; i < n; i++)
        txns[i].ops = arena_alloc(a, (counts[i] ? counts[i] : 1) * sizeof(op_row));
    for (int r = 0; r < rows; r++) {
        const char *tid = PQgetvalue(res, r, 1);
        for (size_t i = 0; i < n; i++)
            if (strcmp(txns[i].id, tid) == 0) {
                op_from_row(a, res, r, &txns[i].ops[txns[i].n_ops++]);
                break;
            }
    }
    PQclear(res);
    return DB_OK;
}

static char *metadata_filter(const page_params *p)
{
    json_object *obj = json_object_new_object();
    for (size_t i = 0; i < p->metadata_count; i++)
        json_object_object_add(obj, p->metadata[i].key, json_object_new_string(p->metadata[i].value));
    char *out = xstrdup(json_dump(obj));
    json_object_put(obj);
    return out;
}

static const char txn_list_from[] =
    " FROM transactions t WHERE t.organization_id = $1::uuid AND t.ledger_id = $2::uuid"
    " AND ($3::timestamptz IS NULL OR t.created_at >= $3::timestamptz)"
    " AND ($4::timestamptz IS NULL OR t.created_at <= $4::timestamptz)"
    " AND t.metadata @> $5::jsonb";

db_status store_txn_list(db_conn *c, arena *a, const char *org, const char *ledger, const page_params *p,
                         txn_row **out, size_t *n, bool *has_prev, bool *has_next)
{
    db_param_text from = db_param_time(p->from_us);
    db_param_text to = db_param_time(p->to_us);
    char *meta = metadata_filter(p);
    const char *params[] = {org, ledger, p->has_range ? from.s : NULL, p->has_range ? to.s : NULL, meta};
    PGresult *res = NULL;
    int rows = 0;
    bool reversed = false;
    db_status st = store_cursor_page(c, TXN_COLS, txn_list_from, 5, params, "t.id", p, &res, &rows, &reversed,
                                     has_prev, has_next);
    free(meta);
    if (st != DB_OK)
        return st;
    *out = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(txn_row));
    for (int i = 0; i < rows; i++)
        txn_from_row(a, res, reversed ? rows - 1 - i : i, &(*out)[i]);
    *n = (size_t)rows;
    PQclear(res);
    return DB_OK;
}

static const char txn_count_sql[] =
    "SELECT count(*) FROM transactions t WHERE t.organization_id = $1::uuid AND t.ledger_id = $2::uuid"
    " AND ($3::timestamptz IS NULL OR t.created_at >= $3::timestamptz)"
    " AND ($4::timestamptz IS NULL OR t.created_at <= $4::timestamptz)"
    " AND ($5::text[] IS NULL OR t.status = ANY($5::text[]))";

db_status store_txn_count(db_conn *c, const char *org, const char *ledger, const txn_status *statuses,
                          size_t n_status, const page_params *p, int64_t *count)
{
    db_param_text from = db_param_time(p->from_us);
    db_param_text to = db_param_time(p->to_us);
    strbuf list = {0};
    strbuf_putc(&list, '{');
    for (size_t i = 0; i < n_status; i++) {
        if (i)
            strbuf_putc(&list, ',');
        strbuf_puts(&list, txn_status_name(statuses[i]));
    }
    strbuf_putc(&list, '}');
    const char *params[] = {org, ledger, p->has_range ? from.s : NULL, p->has_range ? to.s : NULL,
                            n_status ? list.buf : NULL};
    PGresult *res = NULL;
    db_status st = db_exec(c, txn_count_sql, 5, params, &res);
    strbuf_free(&list);
    if (st != DB_OK)
        return st;
    *count = db_col_i64(res, 0, 0, 0);
    PQclear(res);
    return DB_OK;
}

static const char txn_update_sql[] =
    "UPDATE transactions SET description = COALESCE($2, description), metadata = $3::jsonb,"
    " updated_at = $4::timestamptz WHERE id = $1::uuid";

db_status store_txn_update(db_conn *c, const char *id, const char *description, const char *metadata,
                           int64_t updated_us)
{
    db_param_text up = db_param_time(updated_us);
    const char *params[] = {id, description, metadata, up.s};
    return db_exec(c, txn_update_sql, 4, params, NULL);
}

#define OP_GET_SQL                                                                                         \
    "SELECT " OP_COLS " FROM operations o WHERE o.id = $3::uuid AND o.organization_id = $1::uuid"          \
    " AND o.ledger_id = $2::uuid AND ($4::uuid IS NULL OR o.account_id = $4::uuid)"                        \
    " AND ($5::uuid IS NULL OR o.transaction_id = $5::uuid)"
static const char op_get_sql[] = OP_GET_SQL;
static const char op_get_lock_sql[] = OP_GET_SQL " FOR UPDATE";

db_status store_op_get(db_conn *c, arena *a, const char *org, const char *ledger, const char *account_id,
                       const char *transaction_id, const char *id, bool for_update, op_row *out, bool *found)
{
    const char *params[] = {org, ledger, id, account_id, transaction_id};
    PGresult *res = NULL;
    db_status st = db_exec(c, for_update ? op_get_lock_sql : op_get_sql, 5, params, &res);
    if (st != DB_OK)
        return st;
    *found = PQntuples(res) == 1;
    if (*found)
        op_from_row(a, res, 0, out);
    PQclear(res);
    return DB_OK;
}

static const char op_get_portfolio_sql[] =
    "SELECT " OP_COLS " FROM operations o WHERE o.id = $3::uuid AND o.organization_id = $1::uuid"
    " AND o.ledger_id = $2::uuid AND o.portfolio_id = $4::uuid";

db_status store_op_get_portfolio(db_conn *c, arena *a, const char *org, const char *ledger,
                                 const char *portfolio_id, const char *id, op_row *out, bool *found)
{
    const char *params[] = {org, ledger, id, portfolio_id};
    PGresult *res = NULL;
    db_status st = db_exec(c, op_get_portfolio_sql, 4, params, &res);
    if (st != DB_OK)
        return st;
    *found = PQntuples(res) == 1;
    if (*found)
        op_from_row(a, res, 0, out);
    PQclear(res);
    return DB_OK;
}

static const char op_update_sql[] =
    "UPDATE operations SET description = COALESCE($2, description), metadata = $3::jsonb,"
    " updated_at = $4::timestamptz WHERE id = $1::uuid";

db_status store_op_update(db_conn *c, const char *id, const char *description, const char *metadata,
                          int64_t updated_us)
{
    db_param_text up = db_param_time(updated_us);
    const char *params[] = {id, description, metadata, up.s};
    return db_exec(c, op_update_sql, 4, params, NULL);
}

static const char op_list_from[] =
    " FROM operations o WHERE o.organization_id = $1::uuid AND o.ledger_id = $2::uuid"
    " AND ($3::timestamptz IS NULL OR o.created_at >= $3::timestamptz)"
    " AND ($4::timestamptz IS NULL OR o.created_at <= $4::timestamptz)"
    " AND o.metadata @> $5::jsonb"
    " AND ($6::uuid IS NULL OR o.account_id = $6::uuid)"
    " AND ($7::uuid IS NULL OR o.portfolio_id = $7::uuid)"
    " AND ($8::text IS NULL OR o.type = $8::text)"
    " AND ($9::text IS NULL OR o.type = ANY(CASE $9::text WHEN 'debit' THEN ARRAY['DEBIT','ON_HOLD']"
    "                                               ELSE ARRAY['CREDIT','RELEASE'] END))"
    " AND NOT $10::boolean";

db_status store_op_list(db_conn *c, arena *a, const char *org, const char *ledger, const op_filter *f,
                        const page_params *p, op_row **out, size_t *n, bool *has_prev, bool *has_next)
{
    db_param_text from = db_param_time(p->from_us);
    db_param_text to = db_param_time(p->to_us);
    char *meta = metadata_filter(p);
    const char *params[] = {org,
                            ledger,
                            p->has_range ? from.s : NULL,
                            p->has_range ? to.s : NULL,
                            meta,
                            f->account_id,
                            f->portfolio_id,
                            f->type,
                            f->direction,
                            f->match_nothing ? "true" : "false"};
    PGresult *res = NULL;
    int rows = 0;
    bool reversed = false;
    db_status st = store_cursor_page(c, OP_COLS, op_list_from, 10, params, "o.id", p, &res, &rows, &reversed,
                                     has_prev, has_next);
    free(meta);
    if (st != DB_OK)
        return st;
    *out = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(op_row));
    for (int i = 0; i < rows; i++)
        op_from_row(a, res, reversed ? rows - 1 - i : i, &(*out)[i]);
    *n = (size_t)rows;
    PQclear(res);
    return DB_OK;
}
