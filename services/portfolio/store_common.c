/* Helpers shared by the portfolio store files: libpq value conversion, parameter formatting and the
 * list window. It holds no SQL statement of its own and no domain rule. */
#include "store_common.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "log/log.h"
#include "util/mem.h"

void pf_base_clear(pf_base *b)
{
    if (!b)
        return;
    free(b->status_code);
    free(b->status_description);
    json_object_put(b->metadata);
    memset(b, 0, sizeof(*b));
    b->deleted_us = -1;
}

static void pf_col_into(const PGresult *res, int row, int col, char *out, size_t cap)
{
    snprintf(out, cap, "%s", PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

void pf_base_from_row(const PGresult *res, int row, int tail_col, pf_base *b)
{
    pf_base_clear(b);
    pf_col_into(res, row, 0, b->id, sizeof(b->id));
    pf_col_into(res, row, 1, b->organization_id, sizeof(b->organization_id));
    pf_col_into(res, row, 2, b->ledger_id, sizeof(b->ledger_id));
    b->status_code = pf_col_text(res, row, tail_col);
    b->status_description = pf_col_text(res, row, tail_col + 1);
    b->metadata = pf_col_json(res, row, tail_col + 2);
    b->created_us = pf_col_i64(res, row, tail_col + 3, 0);
    b->updated_us = pf_col_i64(res, row, tail_col + 4, 0);
    b->deleted_us = pf_col_i64(res, row, tail_col + 5, -1);
}

char *pf_col_text(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return NULL;
    return xstrdup(PQgetvalue(res, row, col));
}

int64_t pf_col_i64(const PGresult *res, int row, int col, int64_t null_value)
{
    if (PQgetisnull(res, row, col))
        return null_value;
    return (int64_t)strtoll(PQgetvalue(res, row, col), NULL, 10);
}

bool pf_col_bool(const PGresult *res, int row, int col)
{
    return !PQgetisnull(res, row, col) && PQgetvalue(res, row, col)[0] == 't';
}

json_object *pf_col_json(const PGresult *res, int row, int col)
{
    api_error e = {0};
    json_object *obj = NULL;
    const char *text = NULL;

    if (PQgetisnull(res, row, col))
        return json_object_new_object();
    text = PQgetvalue(res, row, col);
    if (json_parse_strict(text, strlen(text), 64, &obj, NULL, &e) < 0 ||
        !json_object_is_type(obj, json_type_object)) {
        log_error("portfolio store: stored jsonb is not an object: %s", e.message);
        api_error_clear(&e);
        json_object_put(obj);
        return json_object_new_object();
    }
    return obj;
}

pf_time_text pf_time_param(int64_t us)
{
    pf_time_text t;
    time_format_us(us, t.s, sizeof(t.s));
    return t;
}

pf_int_text pf_int_param(int64_t v)
{
    pf_int_text t;
    snprintf(t.s, sizeof(t.s), "%" PRId64, v);
    return t;
}

char *pf_metadata_filter(const page_params *p)
{
    json_object *obj = json_object_new_object();
    char *out = NULL;

    for (size_t i = 0; i < p->metadata_count; i++)
        json_object_object_add(obj, p->metadata[i].key, json_object_new_string(p->metadata[i].value));
    out = xstrdup(json_dump(obj));
    json_object_put(obj);
    return out;
}

void pf_list_params_init(pf_list_params *lp, const page_params *p)
{
    memset(lp, 0, sizeof(*lp));
    if (p->has_range) {
        lp->from = pf_time_param(p->from_us);
        lp->to = pf_time_param(p->to_us);
        lp->from_p = lp->from.s;
        lp->to_p = lp->to.s;
    }
    lp->limit = pf_int_param(p->limit);
    lp->offset = pf_int_param((p->page - 1) * (int64_t)p->limit);
    lp->metadata = pf_metadata_filter(p);
}

void pf_list_params_clear(pf_list_params *lp)
{
    free(lp->metadata);
    lp->metadata = NULL;
}

db_status pf_exec_count(db_conn *c, const char *sql, int nparams, const char *const *params, int64_t *n)
{
    PGresult *res = NULL;
    db_status st = db_exec(c, sql, nparams, params, &res);

    *n = 0;
    if (st != DB_OK)
        return st;
    if (PQntuples(res) > 0)
        *n = pf_col_i64(res, 0, 0, 0);
    PQclear(res);
    return DB_OK;
}

db_status pf_exec_exists(db_conn *c, const char *sql, int nparams, const char *const *params, bool *found)
{
    PGresult *res = NULL;
    db_status st = db_exec(c, sql, nparams, params, &res);

    *found = false;
    if (st != DB_OK)
        return st;
    *found = PQntuples(res) > 0;
    PQclear(res);
    return DB_OK;
}
