/* SQL of the segments table (the only file with segment SQL text). Every value is a statement
 * parameter; the only text chosen at run time is between constant statements. */
#include "store_segment.h"

#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "util/mem.h"

#define SEGMENT_COLUMNS PF_HEAD_COLUMNS ", name, " PF_TAIL_COLUMNS
enum { COL_NAME = 3, COL_TAIL };

static const char segment_insert_sql[] =
    "INSERT INTO segments (id, organization_id, ledger_id, name, status_code, status_description, metadata, "
    "created_at, updated_at) VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7::jsonb, $8::timestamptz, "
    "$8::timestamptz) RETURNING " SEGMENT_COLUMNS;

#define SEGMENT_GET_SQL                                                                                      \
    "SELECT " SEGMENT_COLUMNS " FROM segments WHERE organization_id = $1::uuid "                             \
    "AND ledger_id = $2::uuid AND id = $3::uuid AND deleted_at IS NULL"
static const char segment_get_sql[] = SEGMENT_GET_SQL;
static const char segment_get_key_share_sql[] = SEGMENT_GET_SQL " FOR KEY SHARE";
static const char segment_get_update_sql[] = SEGMENT_GET_SQL " FOR UPDATE";

static const char segment_update_sql[] =
    "UPDATE segments SET name = $4, status_code = $5, status_description = $6, metadata = $7::jsonb, "
    "updated_at = $8::timestamptz WHERE organization_id = $1::uuid AND ledger_id = $2::uuid "
    "AND id = $3::uuid AND deleted_at IS NULL RETURNING " SEGMENT_COLUMNS;

static const char segment_soft_delete_sql[] =
    "UPDATE segments SET deleted_at = $4::timestamptz WHERE organization_id = $1::uuid "
    "AND ledger_id = $2::uuid AND id = $3::uuid AND deleted_at IS NULL RETURNING " SEGMENT_COLUMNS;

/* clang-format off */
#define SEGMENT_LIST_SQL(dir)                                                                                \
    "SELECT " SEGMENT_COLUMNS " FROM segments WHERE organization_id = $1::uuid "                             \
    "AND ledger_id = $2::uuid AND deleted_at IS NULL"                                                        \
    " AND ($3::timestamptz IS NULL OR created_at >= $3::timestamptz)"                                        \
    " AND ($4::timestamptz IS NULL OR created_at <= $4::timestamptz)"                                        \
    " AND metadata @> $5::jsonb"                                                                             \
    " AND ($6::text IS NULL OR " DB_SQL_FOLD("status_code") " = " DB_SQL_FOLD("$6::text") ")"                \
    " ORDER BY created_at " dir ", id " dir " LIMIT $7::bigint OFFSET $8::bigint"
/* clang-format on */
static const char segment_list_asc_sql[] = SEGMENT_LIST_SQL("ASC");
static const char segment_list_desc_sql[] = SEGMENT_LIST_SQL("DESC");

static const char segment_count_sql[] =
    "SELECT count(*) FROM segments WHERE organization_id = $1::uuid AND ledger_id = $2::uuid "
    "AND deleted_at IS NULL";

void pf_segment_clear(pf_segment *s)
{
    if (!s)
        return;
    pf_base_clear(&s->b);
    free(s->name);
    s->name = NULL;
}

void pf_segment_list_free(pf_segment *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        pf_segment_clear(&items[i]);
    free(items);
}

/* db_row_fn of SEGMENT_COLUMNS into a pf_segment. */
static void segment_from_row(const PGresult *res, int row, void *out)
{
    pf_segment *s = out;

    pf_segment_clear(s);
    pf_base_from_row(res, row, COL_TAIL, &s->b);
    s->name = db_col_text(res, row, COL_NAME);
}

static db_status segment_exec_one(db_conn *c, const char *sql, int nparams, const char *const *params,
                                  pf_segment *out, bool *found)
{
    return db_exec_one(c, sql, nparams, params, segment_from_row, out, found);
}

db_status pf_store_segment_insert(db_conn *c, const pf_segment *in, pf_segment *out)
{
    db_param_text created = db_param_time(in->b.common.created_us);
    char *metadata = xstrdup(json_dump(in->b.common.metadata));
    const char *params[8] = {in->b.id,
                             in->b.organization_id,
                             in->b.ledger_id,
                             in->name,
                             in->b.common.status_code,
                             in->b.common.status_description,
                             metadata,
                             created.s};
    bool found = false;
    db_status st = segment_exec_one(c, segment_insert_sql, 8, params, out, &found);

    free(metadata);
    if (st == DB_OK && !found)
        st = DB_ERROR;
    return st;
}

db_status pf_store_segment_get(db_conn *c, const char *org_id, const char *ledger_id, const char *id,
                               db_lock lock, pf_segment *out, bool *found)
{
    const char *params[3] = {org_id, ledger_id, id};
    const char *sql = db_lock_pick(lock, segment_get_sql, segment_get_key_share_sql, segment_get_update_sql);

    return segment_exec_one(c, sql, 3, params, out, found);
}

db_status pf_store_segment_update(db_conn *c, const pf_segment *in, pf_segment *out, bool *found)
{
    db_param_text updated = db_param_time(in->b.common.updated_us);
    char *metadata = xstrdup(json_dump(in->b.common.metadata));
    const char *params[8] = {
        in->b.organization_id,           in->b.ledger_id, in->b.id, in->name, in->b.common.status_code,
        in->b.common.status_description, metadata,        updated.s};
    db_status st = segment_exec_one(c, segment_update_sql, 8, params, out, found);

    free(metadata);
    return st;
}

db_status pf_store_segment_soft_delete(db_conn *c, const char *org_id, const char *ledger_id, const char *id,
                                       int64_t at_us, pf_segment *out, bool *found)
{
    db_param_text at = db_param_time(at_us);
    const char *params[4] = {org_id, ledger_id, id, at.s};
    return segment_exec_one(c, segment_soft_delete_sql, 4, params, out, found);
}

db_status pf_store_segment_list(db_conn *c, const char *org_id, const char *ledger_id, const page_params *p,
                                const char *status, pf_segment **items, size_t *n)
{
    db_page_window w;
    void *rows = NULL;
    db_status st = DB_OK;

    db_page_window_init(&w, p);
    const char *params[8] = {org_id, ledger_id, w.from_p, w.to_p, w.metadata, status, w.limit.s, w.offset.s};
    st = db_exec_rows(c, p->desc ? segment_list_desc_sql : segment_list_asc_sql, 8, params, segment_from_row,
                      sizeof(pf_segment), &rows, n);
    db_page_window_clear(&w);
    *items = rows;
    return st;
}

db_status pf_store_segment_count(db_conn *c, const char *org_id, const char *ledger_id, int64_t *n)
{
    const char *params[2] = {org_id, ledger_id};
    return db_exec_count(c, segment_count_sql, 2, params, n);
}
