/* libpq row and parameter helpers shared by the store files of every service (see db_row.h). It runs
 * only the statements its callers hand it and adds no SQL text of its own. */
#include "db/db_row.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "log/log.h"

/* Depth limit for stored JSON: deeper than any request may send (JSON_MAX_DEPTH), so a stored value
 * is never refused for depth. */
#define DB_STORED_JSON_MAX_DEPTH 64

const char *db_lock_pick(db_lock lock, const char *none_sql, const char *key_share_sql,
                         const char *update_sql)
{
    switch (lock) {
    case DB_LOCK_NONE:
        return none_sql;
    case DB_LOCK_KEY_SHARE:
        return key_share_sql;
    case DB_LOCK_UPDATE:
        return update_sql;
    }
    return none_sql;
}

/* ---- column readers ---------------------------------------------------------------------------- */

char *db_col_text(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return NULL;
    return xstrdup(PQgetvalue(res, row, col));
}

const char *db_col_text_arena(arena *a, const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return NULL;
    return arena_strdup(a, PQgetvalue(res, row, col));
}

void db_col_text_into(const PGresult *res, int row, int col, char *out, size_t cap)
{
    snprintf(out, cap, "%s", PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

int64_t db_col_i64(const PGresult *res, int row, int col, int64_t null_value)
{
    if (PQgetisnull(res, row, col))
        return null_value;
    return (int64_t)strtoll(PQgetvalue(res, row, col), NULL, 10);
}

bool db_col_bool(const PGresult *res, int row, int col)
{
    return !PQgetisnull(res, row, col) && PQgetvalue(res, row, col)[0] == 't';
}

json_object *db_col_json_object(const PGresult *res, int row, int col)
{
    api_error e = {0};
    json_object *obj = NULL;
    const char *text = NULL;

    if (PQgetisnull(res, row, col))
        return json_object_new_object();
    text = PQgetvalue(res, row, col);
    if (json_parse_strict(text, strlen(text), DB_STORED_JSON_MAX_DEPTH, &obj, NULL, &e) < 0 ||
        !json_object_is_type(obj, json_type_object)) {
        log_error("db: stored JSON is not an object: %s", e.message[0] ? e.message : "another JSON type");
        api_error_clear(&e);
        json_object_put(obj);
        return json_object_new_object();
    }
    return obj;
}

void db_col_entity_common(const PGresult *res, int row, int col, entity_common *out)
{
    out->status_code = db_col_text(res, row, col);
    out->status_description = db_col_text(res, row, col + 1);
    out->metadata = db_col_json_object(res, row, col + 2);
    out->created_us = db_col_i64(res, row, col + 3, 0);
    out->updated_us = db_col_i64(res, row, col + 4, 0);
    out->deleted_us = db_col_i64(res, row, col + 5, -1);
}

/* ---- parameter text ---------------------------------------------------------------------------- */

db_param_text db_param_time(int64_t us)
{
    db_param_text t;

    time_format_us(us, t.s, sizeof(t.s));
    return t;
}

db_param_text db_param_int(int64_t v)
{
    db_param_text t;

    snprintf(t.s, sizeof(t.s), "%" PRId64, v);
    return t;
}

char *db_metadata_filter_json(const page_params *p)
{
    json_object *obj = json_object_new_object();
    char *out = NULL;

    for (size_t i = 0; i < p->metadata_count; i++)
        json_object_object_add(obj, p->metadata[i].key, json_object_new_string(p->metadata[i].value));
    out = xstrdup(json_dump(obj));
    json_object_put(obj);
    return out;
}

void db_page_window_init(db_page_window *w, const page_params *p)
{
    memset(w, 0, sizeof(*w));
    if (p->has_range) {
        w->from = db_param_time(p->from_us);
        w->to = db_param_time(p->to_us);
        w->from_p = w->from.s;
        w->to_p = w->to.s;
    }
    w->limit = db_param_int(p->limit);
    w->offset = db_param_int((p->page - 1) * (int64_t)p->limit);
    w->metadata = db_metadata_filter_json(p);
}

void db_page_window_clear(db_page_window *w)
{
    free(w->metadata);
    w->metadata = NULL;
}

/* ---- statement runners ------------------------------------------------------------------------- */

db_status db_exec_one(db_conn *c, const char *sql, int nparams, const char *const *params, db_row_fn fill,
                      void *out, bool *found)
{
    PGresult *res = NULL;
    db_status st = db_exec(c, sql, nparams, params, &res);

    *found = false;
    if (st != DB_OK)
        return st;
    if (PQntuples(res) > 0) {
        *found = true;
        if (out)
            fill(res, 0, out);
    }
    PQclear(res);
    return DB_OK;
}

/* db_row_fn of a count or a boolean in column 0. */
static void db_fill_i64(const PGresult *res, int row, void *out)
{
    *(int64_t *)out = db_col_i64(res, row, 0, 0);
}

static void db_fill_bool(const PGresult *res, int row, void *out)
{
    *(bool *)out = db_col_bool(res, row, 0);
}

db_status db_exec_count(db_conn *c, const char *sql, int nparams, const char *const *params, int64_t *n)
{
    bool found = false;

    *n = 0;
    return db_exec_one(c, sql, nparams, params, db_fill_i64, n, &found);
}

db_status db_exec_exists(db_conn *c, const char *sql, int nparams, const char *const *params, bool *found)
{
    return db_exec_one(c, sql, nparams, params, NULL, NULL, found);
}

db_status db_exec_bool(db_conn *c, const char *sql, int nparams, const char *const *params, bool *result)
{
    bool found = false;

    *result = false;
    return db_exec_one(c, sql, nparams, params, db_fill_bool, result, &found);
}

void db_rows_from_result(const PGresult *res, db_row_fn fill, size_t row_size, void **rows, size_t *n)
{
    int count = PQntuples(res);
    char *items = xcalloc(count > 0 ? (size_t)count : 1, row_size);

    for (int i = 0; i < count; i++)
        fill(res, i, items + (size_t)i * row_size);
    *rows = items;
    *n = count > 0 ? (size_t)count : 0;
}

db_status db_exec_rows(db_conn *c, const char *sql, int nparams, const char *const *params, db_row_fn fill,
                       size_t row_size, void **rows, size_t *n)
{
    PGresult *res = NULL;
    db_status st = db_exec(c, sql, nparams, params, &res);

    *rows = NULL;
    *n = 0;
    if (st != DB_OK)
        return st;
    db_rows_from_result(res, fill, row_size, rows, n);
    PQclear(res);
    return DB_OK;
}
