/* SQL of the organizations table (the only file with organization SQL text). Every value is a
 * statement parameter; the only text chosen at run time is between constant statements (lock mode,
 * sort direction). No HTTP, no events, no business decisions: callers interpret the results. */
#include "store_organization.h"

#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "util/mem.h"

/* clang-format off */
#define ORG_COLUMNS                                                                                          \
    "id::text, parent_organization_id::text, legal_name, doing_business_as, legal_document, "                \
    "address::text, " DB_SQL_ENTITY_COLUMNS
/* clang-format on */

enum {
    COL_ID,
    COL_PARENT,
    COL_LEGAL_NAME,
    COL_DBA,
    COL_LEGAL_DOCUMENT,
    COL_ADDRESS,
    COL_COMMON, /* the DB_ENTITY_COLUMN_COUNT columns of DB_SQL_ENTITY_COLUMNS */
};

static const char org_insert_sql[] =
    "INSERT INTO organizations (id, parent_organization_id, legal_name, doing_business_as, "
    "legal_document, address, status_code, status_description, metadata, created_at, updated_at) "
    "VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::jsonb, $7, $8, $9::json, $10::timestamptz, "
    "$10::timestamptz) RETURNING " ORG_COLUMNS;

#define ORG_GET_SQL "SELECT " ORG_COLUMNS " FROM organizations WHERE id = $1::uuid AND deleted_at IS NULL"
static const char org_get_sql[] = ORG_GET_SQL;
static const char org_get_key_share_sql[] = ORG_GET_SQL " FOR KEY SHARE";
static const char org_get_update_sql[] = ORG_GET_SQL " FOR UPDATE";

#define ORG_EXISTS_SQL "SELECT 1 FROM organizations WHERE id = $1::uuid AND deleted_at IS NULL"
static const char org_exists_sql[] = ORG_EXISTS_SQL;
static const char org_exists_key_share_sql[] = ORG_EXISTS_SQL " FOR KEY SHARE";
static const char org_exists_update_sql[] = ORG_EXISTS_SQL " FOR UPDATE";

static const char org_update_sql[] =
    "UPDATE organizations SET parent_organization_id = $2::uuid, legal_name = $3, "
    "doing_business_as = $4, address = $5::jsonb, status_code = $6, status_description = $7, "
    "metadata = $8::json, updated_at = $9::timestamptz "
    "WHERE id = $1::uuid AND deleted_at IS NULL RETURNING " ORG_COLUMNS;

static const char org_soft_delete_sql[] = "UPDATE organizations SET deleted_at = $2::timestamptz "
                                          "WHERE id = $1::uuid AND deleted_at IS NULL RETURNING " ORG_COLUMNS;

/* Two-key advisory lock space: never collides with the single-key locks of migrations or the relay. */
static const char org_lock_tree_sql[] =
    "SELECT pg_advisory_xact_lock(hashtext('onboarding.organizations'), 91)";

static const char org_descendant_sql[] =
    "WITH RECURSIVE tree(id) AS ("
    "  SELECT $1::uuid"
    "  UNION"
    "  SELECT o.id FROM organizations o JOIN tree t ON o.parent_organization_id = t.id"
    "  WHERE o.deleted_at IS NULL"
    ") SELECT EXISTS (SELECT 1 FROM tree WHERE id = $2::uuid)";

/* clang-format off */
#define ORG_LIST_SQL(dir)                                                                                    \
    "SELECT " ORG_COLUMNS " FROM organizations WHERE deleted_at IS NULL"                                     \
    " AND ($1::timestamptz IS NULL OR created_at >= $1::timestamptz)"                                        \
    " AND ($2::timestamptz IS NULL OR created_at <= $2::timestamptz)"                                        \
    " AND " DB_SQL_JSON_MATCHES("metadata", "$3")                                                            \
    " AND ($4::text IS NULL OR starts_with(" DB_SQL_FOLD("legal_name") ", " DB_SQL_FOLD("$4::text") "))"     \
    " AND ($5::text IS NULL OR starts_with(" DB_SQL_FOLD("doing_business_as") ", "                           \
    DB_SQL_FOLD("$5::text") "))"                                                                             \
    " AND ($6::text IS NULL OR legal_document = $6::text)"                                                   \
    " AND ($7::text IS NULL OR " DB_SQL_FOLD("status_code") " = " DB_SQL_FOLD("$7::text") ")"                \
    " ORDER BY created_at " dir ", id " dir " LIMIT $8::bigint OFFSET $9::bigint"
/* clang-format on */
static const char org_list_asc_sql[] = ORG_LIST_SQL("ASC");
static const char org_list_desc_sql[] = ORG_LIST_SQL("DESC");

static const char org_count_sql[] = "SELECT count(*) FROM organizations WHERE deleted_at IS NULL";

void organization_clear(organization *o)
{
    if (!o)
        return;
    free(o->parent_id);
    free(o->legal_name);
    free(o->doing_business_as);
    free(o->legal_document);
    json_object_put(o->address);
    entity_common_clear(&o->common);
    memset(o, 0, sizeof(*o));
    o->common.deleted_us = -1;
}

void organization_list_free(organization *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        organization_clear(&items[i]);
    free(items);
}

/* db_row_fn of ORG_COLUMNS into an organization. */
static void org_from_row(const PGresult *res, int row, void *out)
{
    organization *o = out;

    organization_clear(o);
    db_col_text_into(res, row, COL_ID, o->id, sizeof(o->id));
    o->parent_id = db_col_text(res, row, COL_PARENT);
    o->legal_name = db_col_text(res, row, COL_LEGAL_NAME);
    o->doing_business_as = db_col_text(res, row, COL_DBA);
    o->legal_document = db_col_text(res, row, COL_LEGAL_DOCUMENT);
    o->address = db_col_json_object(res, row, COL_ADDRESS);
    db_col_entity_common(res, row, COL_COMMON, &o->common);
}

/* Runs a statement returning at most one organization row; *found tells whether it did. */
static db_status org_exec_one(db_conn *c, const char *sql, int nparams, const char *const *params,
                              organization *out, bool *found)
{
    return db_exec_one(c, sql, nparams, params, org_from_row, out, found);
}

db_status store_organization_insert(db_conn *c, const organization *in, organization *out)
{
    db_param_text created = db_param_time(in->common.created_us);
    char *addr = xstrdup(json_dump(in->address));
    char *metadata = xstrdup(json_dump(in->common.metadata));
    const char *params[10] = {
        in->id,
        in->parent_id,
        in->legal_name,
        in->doing_business_as,
        in->legal_document,
        addr,
        in->common.status_code,
        in->common.status_description,
        metadata,
        created.s,
    };
    bool found = false;
    db_status st = org_exec_one(c, org_insert_sql, 10, params, out, &found);

    free(addr);
    free(metadata);
    if (st == DB_OK && !found)
        st = DB_ERROR; /* INSERT ... RETURNING always returns the row */
    return st;
}

db_status store_organization_get(db_conn *c, const char *id, db_lock lock, organization *out, bool *found)
{
    const char *params[1] = {id};
    const char *sql = NULL;

    /* An existence check reads no columns: the same lock over a cheaper select list. */
    if (!out) {
        sql = db_lock_pick(lock, org_exists_sql, org_exists_key_share_sql, org_exists_update_sql);
        return db_exec_exists(c, sql, 1, params, found);
    }
    sql = db_lock_pick(lock, org_get_sql, org_get_key_share_sql, org_get_update_sql);
    return org_exec_one(c, sql, 1, params, out, found);
}

db_status store_organization_update(db_conn *c, const organization *in, organization *out, bool *found)
{
    db_param_text updated = db_param_time(in->common.updated_us);
    char *addr = xstrdup(json_dump(in->address));
    char *metadata = xstrdup(json_dump(in->common.metadata));
    const char *params[9] = {
        in->id,
        in->parent_id,
        in->legal_name,
        in->doing_business_as,
        addr,
        in->common.status_code,
        in->common.status_description,
        metadata,
        updated.s,
    };
    db_status st = org_exec_one(c, org_update_sql, 9, params, out, found);

    free(addr);
    free(metadata);
    return st;
}

db_status store_organization_soft_delete(db_conn *c, const char *id, int64_t at_us, organization *out,
                                         bool *found)
{
    db_param_text at = db_param_time(at_us);
    const char *params[2] = {id, at.s};
    return org_exec_one(c, org_soft_delete_sql, 2, params, out, found);
}

db_status store_organization_lock_tree(db_conn *c)
{
    return db_exec(c, org_lock_tree_sql, 0, NULL, NULL);
}

db_status store_organization_is_self_or_descendant(db_conn *c, const char *id, const char *candidate,
                                                   bool *result)
{
    const char *params[2] = {id, candidate};
    return db_exec_bool(c, org_descendant_sql, 2, params, result);
}

db_status store_organization_list(db_conn *c, const page_params *p, const organization_filter *f,
                                  organization **items, size_t *n)
{
    db_page_window w;
    void *rows = NULL;
    db_status st = DB_OK;

    db_page_window_init(&w, p);
    const char *params[9] = {
        w.from_p,          w.to_p,    w.metadata, f->legal_name, f->doing_business_as,
        f->legal_document, f->status, w.limit.s,  w.offset.s,
    };
    st = db_exec_rows(c, p->desc ? org_list_desc_sql : org_list_asc_sql, 9, params, org_from_row,
                      sizeof(organization), &rows, n);
    db_page_window_clear(&w);
    *items = rows;
    return st;
}

db_status store_organization_count(db_conn *c, int64_t *n)
{
    return db_exec_count(c, org_count_sql, 0, NULL, n);
}
