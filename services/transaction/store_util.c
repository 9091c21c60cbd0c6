/* Decimal conversion between libpq and the transaction service's C types, and the generic cursor-page
 * runner (transactions.md 10.1). It holds no table knowledge; the only SQL here are constant ordering
 * and boundary fragments appended to a caller's constant FROM/WHERE text. */
#include "store_util.h"

#include <stdlib.h>
#include <string.h>

#include "db/db_row.h"
#include "log/log.h"

decimal store_col_decimal(const PGresult *res, int row, int col)
{
    decimal d;
    decimal_zero(&d);
    if (PQgetisnull(res, row, col))
        return d;
    const char *t = PQgetvalue(res, row, col);
    if (decimal_parse(t, strlen(t), &d) != DECIMAL_OK) {
        log_error("store: numeric value %s is outside the decimal limits", t);
        decimal_zero(&d);
    }
    return d;
}

const char *store_decimal_param(arena *a, const decimal *d)
{
    char buf[DECIMAL_STR_MAX];
    decimal_format(d, buf, sizeof(buf));
    return arena_strdup(a, buf);
}

const char *store_array_literal(arena *a, const char *const *items, size_t n)
{
    strbuf sb = {0};
    strbuf_putc(&sb, '{');
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_putc(&sb, ',');
        strbuf_putc(&sb, '"');
        for (const char *p = items[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                strbuf_putc(&sb, '\\');
            strbuf_putc(&sb, *p);
        }
        strbuf_putc(&sb, '"');
    }
    strbuf_putc(&sb, '}');
    const char *out = arena_strdup(a, sb.buf);
    strbuf_free(&sb);
    return out;
}

db_status store_cursor_page(db_conn *c, const char *select_cols, const char *from_where, int nparams,
                            const char *const *params, const char *id_col, const page_params *p,
                            PGresult **res, int *nrows, bool *reversed, bool *has_prev, bool *has_next)
{
    bool prev = p->has_cursor && p->cursor_dir == CURSOR_PREV;
    bool want_asc = !p->desc;
    bool scan_asc = want_asc != prev; /* a prev cursor scans against the requested order */
    const char **args = xcalloc((size_t)nparams + 2, sizeof(*args));
    db_param_text lim = db_param_int(p->limit + 1);
    strbuf sql = {0};
    db_status st = DB_ERROR;
    int n = 0;

    *res = NULL;
    *nrows = 0;
    *reversed = prev;
    *has_prev = false;
    *has_next = false;
    for (int i = 0; i < nparams; i++)
        args[i] = params[i];
    int k = nparams;

    strbuf_printf(&sql, "SELECT %s%s", select_cols, from_where);
    if (p->has_cursor) {
        args[k++] = p->cursor_id;
        strbuf_printf(&sql, " AND %s %s $%d::uuid", id_col, scan_asc ? ">" : "<", k);
    }
    args[k++] = lim.s;
    strbuf_printf(&sql, " ORDER BY %s %s LIMIT $%d", id_col, scan_asc ? "ASC" : "DESC", k);
    st = db_exec(c, sql.buf, k, args, res);
    if (st != DB_OK)
        goto cleanup;
    n = PQntuples(*res);
    bool more = n > p->limit;
    if (more)
        n = p->limit;
    *nrows = n;
    if (prev)
        *has_prev = more;
    else
        *has_next = more;

    /* The opposite boundary: anything before the first item (next / no cursor) or after the last
     * item (prev cursor), in the requested order. Without a cursor nothing precedes page one. */
    if (p->has_cursor && n > 0) {
        /* the row adjacent to the cursor is the first fetched one */
        const char *edge = PQgetvalue(*res, 0, 0);
        bool edge_is_greater_side = !scan_asc; /* look beyond the cursor, against the scan */
        strbuf_reset(&sql);
        strbuf_printf(&sql, "SELECT EXISTS (SELECT 1%s AND %s %s $%d::uuid)", from_where, id_col,
                      edge_is_greater_side ? ">" : "<", nparams + 1);
        args[nparams] = edge;
        bool yes = false;
        st = db_exec_bool(c, sql.buf, nparams + 1, args, &yes);
        if (st != DB_OK) {
            PQclear(*res);
            *res = NULL;
            goto cleanup;
        }
        if (prev)
            *has_next = yes;
        else
            *has_prev = yes;
    }
    st = DB_OK;
cleanup:
    strbuf_free(&sql);
    free(args);
    return st;
}
