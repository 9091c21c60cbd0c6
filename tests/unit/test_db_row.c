/* Unit tests of common/db/db_row: lock statement choice, column readers over client-built results
 * (PQmakeEmptyPGresult + PQsetvalue), time/int parameter text, the metadata filter object, the list
 * window, row conversion, the SQL fragments, and the runners without a server. No PostgreSQL needed. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_row.h"
#include "json/json.h"
#include "log/log.h"

/* ---- a result built on the client ------------------------------------------------------------ */

/* A tuples result with ncols text columns; cells[row][col] NULL means SQL NULL. */
static PGresult *make_result(int ncols, int nrows, const char *const *cells)
{
    PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresAttDesc attrs[8];
    char names[8][8];

    cr_assert_not_null(res);
    cr_assert_leq(ncols, 8);
    memset(attrs, 0, sizeof(attrs));
    for (int c = 0; c < ncols; c++) {
        snprintf(names[c], sizeof(names[c]), "c%d", c);
        attrs[c].name = names[c];
        attrs[c].format = 0;
        attrs[c].typid = 25; /* text */
        attrs[c].typlen = -1;
        attrs[c].atttypmod = -1;
    }
    cr_assert(PQsetResultAttrs(res, ncols, attrs));
    for (int r = 0; r < nrows; r++)
        for (int c = 0; c < ncols; c++) {
            const char *v = cells[r * ncols + c];
            cr_assert(PQsetvalue(res, r, c, (char *)(v ? v : ""), v ? (int)strlen(v) : -1));
        }
    return res;
}

/* ---- locks ------------------------------------------------------------------------------------ */

typedef struct lock_case {
    db_lock lock;
    const char *want;
} lock_case;

Test(db_row, lock_pick_chooses_the_statement_of_the_mode)
{
    static const lock_case cases[] = {
        {DB_LOCK_NONE, "plain"},
        {DB_LOCK_KEY_SHARE, "plain FOR KEY SHARE"},
        {DB_LOCK_UPDATE, "plain FOR UPDATE"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        cr_expect_str_eq(db_lock_pick(cases[i].lock, "plain", "plain FOR KEY SHARE", "plain FOR UPDATE"),
                         cases[i].want, "lock %d", (int)cases[i].lock);
    cr_expect_str_eq(db_lock_pick((db_lock)99, "plain", "ks", "upd"), "plain");
}

/* ---- column readers --------------------------------------------------------------------------- */

Test(db_row, text_readers_tell_null_from_empty)
{
    static const char *const cells[] = {"hello", NULL, ""};
    PGresult *res = make_result(3, 1, cells);
    arena *a = arena_new();
    char buf[4];
    char *t = NULL;

    t = db_col_text(res, 0, 0);
    cr_expect_str_eq(t, "hello");
    free(t);
    cr_expect_null(db_col_text(res, 0, 1));
    t = db_col_text(res, 0, 2);
    cr_expect_str_eq(t, "");
    free(t);

    cr_expect_str_eq(db_col_text_arena(a, res, 0, 0), "hello");
    cr_expect_null(db_col_text_arena(a, res, 0, 1));

    db_col_text_into(res, 0, 0, buf, sizeof(buf));
    cr_expect_str_eq(buf, "hel", "truncated to the buffer, NUL-terminated");
    memcpy(buf, "xyz", 4);
    db_col_text_into(res, 0, 1, buf, sizeof(buf));
    cr_expect_str_eq(buf, "", "SQL NULL reads as empty");
    arena_free(a);
    PQclear(res);
}

typedef struct i64_case {
    const char *text; /* NULL = SQL NULL */
    int64_t want;
} i64_case;

Test(db_row, i64_reader_table)
{
    static const i64_case cases[] = {
        {"0", 0},
        {"-42", -42},
        {"1700000000123456", INT64_C(1700000000123456)},
        {"9223372036854775807", INT64_MAX},
        {"-9223372036854775808", INT64_MIN},
        {NULL, -1},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const char *cells[1] = {cases[i].text};
        PGresult *res = make_result(1, 1, cells);
        cr_expect_eq(db_col_i64(res, 0, 0, -1), cases[i].want, "case %zu", i);
        PQclear(res);
    }
}

Test(db_row, bool_reader_is_true_only_for_t)
{
    static const char *const cells[] = {"t", "f", NULL, "true"};
    PGresult *res = make_result(4, 1, cells);

    cr_expect(db_col_bool(res, 0, 0));
    cr_expect_not(db_col_bool(res, 0, 1));
    cr_expect_not(db_col_bool(res, 0, 2));
    cr_expect(db_col_bool(res, 0, 3), "only the first character counts, as libpq sends t/f");
    PQclear(res);
}

typedef struct json_case {
    const char *text; /* NULL = SQL NULL */
    const char *want; /* json_dump of the result */
} json_case;

Test(db_row, json_reader_gives_an_object_every_time)
{
    static const json_case cases[] = {
        {"{\"a\":\"x\",\"n\":1.50}", "{\"a\":\"x\",\"n\":1.50}"},
        {"{}", "{}"},
        {NULL, "{}"},
        {"[1,2]", "{}"},   /* not an object */
        {"{\"a\":", "{}"}, /* unparseable */
        {"\"text\"", "{}"},
    };
    log_init("test", "error");
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const char *cells[1] = {cases[i].text};
        PGresult *res = make_result(1, 1, cells);
        json_object *obj = db_col_json_object(res, 0, 0);
        cr_assert_not_null(obj, "case %zu", i);
        cr_expect(json_object_is_type(obj, json_type_object), "case %zu", i);
        cr_expect_str_eq(json_dump(obj), cases[i].want, "case %zu", i);
        json_object_put(obj);
        PQclear(res);
    }
}

Test(db_row, json_reader_keeps_number_text)
{
    static const char *const cells[] = {"{\"amount\":100.000}"};
    PGresult *res = make_result(1, 1, cells);
    json_object *obj = db_col_json_object(res, 0, 0);

    cr_expect_str_eq(json_number_text(json_get(obj, "amount")), "100.000");
    json_object_put(obj);
    PQclear(res);
}

/* ---- parameter text --------------------------------------------------------------------------- */

typedef struct time_case {
    int64_t us;
    const char *want;
} time_case;

Test(db_row, time_param_is_rfc3339_with_microseconds)
{
    static const time_case cases[] = {
        {0, "1970-01-01T00:00:00.000000Z"},
        {1, "1970-01-01T00:00:00.000001Z"},
        {INT64_C(1700000000123456), "2023-11-14T22:13:20.123456Z"},
        {INT64_C(951782400000000), "2000-02-29T00:00:00.000000Z"},
        {-1, "1969-12-31T23:59:59.999999Z"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        cr_expect_str_eq(db_param_time(cases[i].us).s, cases[i].want, "case %zu", i);
}

typedef struct int_case {
    int64_t v;
    const char *want;
} int_case;

Test(db_row, int_param_is_decimal_text)
{
    static const int_case cases[] = {
        {0, "0"},
        {10, "10"},
        {-7, "-7"},
        {INT64_MAX, "9223372036854775807"},
        {INT64_MIN, "-9223372036854775808"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        cr_expect_str_eq(db_param_int(cases[i].v).s, cases[i].want, "case %zu", i);
}

/* ---- metadata filter and list window ---------------------------------------------------------- */

typedef struct meta_case {
    size_t n;
    query_param metadata[3];
    const char *want;
} meta_case;

Test(db_row, metadata_filter_json_table)
{
    static const meta_case cases[] = {
        {0, {{NULL, NULL}}, "{}"},
        {1, {{"tier", "gold"}}, "{\"tier\":\"gold\"}"},
        {2, {{"a", "1"}, {"b", "x/y"}}, "{\"a\":\"1\",\"b\":\"x/y\"}"},
        {1, {{"q", "say \"hi\"\\"}}, "{\"q\":\"say \\\"hi\\\"\\\\\"}"},
        {2, {{"k", "first"}, {"k", "last"}}, "{\"k\":\"last\"}"},
        {1, {{"num", "10"}}, "{\"num\":\"10\"}"}, /* always a string: numbers never match */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        page_params p;
        memset(&p, 0, sizeof(p));
        p.metadata_count = cases[i].n;
        for (size_t k = 0; k < cases[i].n; k++)
            p.metadata[k] = cases[i].metadata[k];
        char *got = db_metadata_filter_json(&p);
        cr_expect_str_eq(got, cases[i].want, "case %zu", i);
        free(got);
    }
}

Test(db_row, page_window_without_range_binds_nulls)
{
    page_params p;
    db_page_window w;

    memset(&p, 0, sizeof(p));
    p.limit = 10;
    p.page = 1;
    db_page_window_init(&w, &p);
    cr_expect_null(w.from_p);
    cr_expect_null(w.to_p);
    cr_expect_str_eq(w.limit.s, "10");
    cr_expect_str_eq(w.offset.s, "0");
    cr_expect_str_eq(w.metadata, "{}");
    db_page_window_clear(&w);
    cr_expect_null(w.metadata);
    db_page_window_clear(&w); /* twice is fine */
}

typedef struct window_case {
    int limit;
    int64_t page;
    const char *offset;
} window_case;

Test(db_row, page_window_offset_table)
{
    static const window_case cases[] = {
        {10, 1, "0"},
        {10, 3, "20"},
        {100, 2147483647, "214748364600"}, /* no int overflow at the largest page */
        {1, 2, "1"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        page_params p;
        db_page_window w;
        memset(&p, 0, sizeof(p));
        p.limit = cases[i].limit;
        p.page = cases[i].page;
        db_page_window_init(&w, &p);
        cr_expect_str_eq(w.offset.s, cases[i].offset, "case %zu", i);
        db_page_window_clear(&w);
    }
}

Test(db_row, page_window_with_range_and_metadata)
{
    page_params p;
    db_page_window w;

    memset(&p, 0, sizeof(p));
    p.limit = 5;
    p.page = 2;
    p.has_range = true;
    p.from_us = 0;
    p.to_us = INT64_C(86399999999);
    p.metadata_count = 1;
    p.metadata[0] = (query_param){"tier", "gold"};
    db_page_window_init(&w, &p);
    cr_expect_str_eq(w.from_p, "1970-01-01T00:00:00.000000Z");
    cr_expect_str_eq(w.to_p, "1970-01-01T23:59:59.999999Z");
    cr_expect_eq(w.from_p, w.from.s);
    cr_expect_eq(w.to_p, w.to.s);
    cr_expect_str_eq(w.limit.s, "5");
    cr_expect_str_eq(w.offset.s, "5");
    cr_expect_str_eq(w.metadata, "{\"tier\":\"gold\"}");
    db_page_window_clear(&w);
}

/* ---- row conversion --------------------------------------------------------------------------- */

typedef struct pair_row {
    char *name;
    int64_t n;
} pair_row;

static void pair_from_row(const PGresult *res, int row, void *out)
{
    pair_row *p = out;
    p->name = db_col_text(res, row, 0);
    p->n = db_col_i64(res, row, 1, -1);
}

Test(db_row, rows_from_result_fills_each_element)
{
    static const char *const cells[] = {"a", "1", NULL, "2", "c", NULL};
    PGresult *res = make_result(2, 3, cells);
    void *rows = NULL;
    size_t n = 99;

    db_rows_from_result(res, pair_from_row, sizeof(pair_row), &rows, &n);
    cr_assert_eq(n, 3);
    pair_row *items = rows;
    cr_expect_str_eq(items[0].name, "a");
    cr_expect_eq(items[0].n, 1);
    cr_expect_null(items[1].name);
    cr_expect_eq(items[1].n, 2);
    cr_expect_str_eq(items[2].name, "c");
    cr_expect_eq(items[2].n, -1);
    for (size_t i = 0; i < n; i++)
        free(items[i].name);
    free(rows);
    PQclear(res);
}

Test(db_row, rows_from_empty_result_is_an_empty_array)
{
    PGresult *res = make_result(2, 0, NULL);
    void *rows = NULL;
    size_t n = 99;

    db_rows_from_result(res, pair_from_row, sizeof(pair_row), &rows, &n);
    cr_expect_eq(n, 0);
    cr_expect_not_null(rows, "an empty list is still an array the caller frees");
    free(rows);
    PQclear(res);
}

/* ---- SQL fragments ---------------------------------------------------------------------------- */

Test(db_row, sql_fragments_expand_to_the_expected_text)
{
    cr_expect_str_eq(DB_SQL_FOLD("name"), "translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
                                          "'abcdefghijklmnopqrstuvwxyz')");
    cr_expect_str_eq(DB_SQL_EPOCH_US("created_at"), "(extract(epoch FROM created_at) * 1000000)::bigint");
    cr_expect_str_eq(DB_SQL_JSON_MATCHES("metadata", "$3"),
                     "NOT EXISTS (SELECT 1 FROM json_each_text($3::json) AS f(k, v) WHERE "
                     "json_typeof(metadata -> f.k) IS DISTINCT FROM 'string' OR "
                     "(metadata ->> f.k) IS DISTINCT FROM f.v)");
}

Test(db_row, entity_columns_are_read_in_order)
{
    /* one own column, then the six of DB_SQL_ENTITY_COLUMNS; the second row has every nullable NULL */
    static const char *const cells[] = {
        "x", "BLOCKED", "why", "{\"k\":\"v\"}", "1000", "2000", "3000", "y", "ACTIVE", NULL, NULL,
        "5", "6",       NULL,
    };
    PGresult *res = make_result(1 + DB_ENTITY_COLUMN_COUNT, 2, cells);
    entity_common m = {0};

    db_col_entity_common(res, 0, 1, &m);
    cr_expect_str_eq(m.status_code, "BLOCKED");
    cr_expect_str_eq(m.status_description, "why");
    cr_expect_str_eq(json_dump(m.metadata), "{\"k\":\"v\"}");
    cr_expect_eq(m.created_us, 1000);
    cr_expect_eq(m.updated_us, 2000);
    cr_expect_eq(m.deleted_us, 3000);
    entity_common_clear(&m);

    db_col_entity_common(res, 1, 1, &m);
    cr_expect_str_eq(m.status_code, "ACTIVE");
    cr_expect_null(m.status_description);
    cr_expect_str_eq(json_dump(m.metadata), "{}", "a NULL metadata reads as an empty object");
    cr_expect_eq(m.created_us, 5);
    cr_expect_eq(m.updated_us, 6);
    cr_expect_eq(m.deleted_us, -1, "a NULL deleted_at reads as live");
    entity_common_clear(&m);
    PQclear(res);

    cr_expect_str_eq(DB_SQL_ENTITY_COLUMNS, "status_code, status_description, metadata::text, "
                                            "(extract(epoch FROM created_at) * 1000000)::bigint, "
                                            "(extract(epoch FROM updated_at) * 1000000)::bigint, "
                                            "(extract(epoch FROM deleted_at) * 1000000)::bigint");
}

/* ---- runners without a server ----------------------------------------------------------------- */

static void never_fill(const PGresult *res, int row, void *out)
{
    (void)res;
    (void)row;
    *(int *)out = 1;
}

Test(db_row, runners_on_missing_connection_report_unavailable_and_reset_outputs)
{
    int64_t count = 7;
    bool found = true;
    bool result = true;
    int filled = 0;
    void *rows = (void *)1;
    size_t n = 7;

    cr_expect_eq(db_exec_count(NULL, "SELECT 1", 0, NULL, &count), DB_UNAVAILABLE);
    cr_expect_eq(count, 0);
    cr_expect_eq(db_exec_exists(NULL, "SELECT 1", 0, NULL, &found), DB_UNAVAILABLE);
    cr_expect_not(found);
    cr_expect_eq(db_exec_bool(NULL, "SELECT true", 0, NULL, &result), DB_UNAVAILABLE);
    cr_expect_not(result);
    found = true;
    cr_expect_eq(db_exec_one(NULL, "SELECT 1", 0, NULL, never_fill, &filled, &found), DB_UNAVAILABLE);
    cr_expect_not(found);
    cr_expect_eq(filled, 0);
    cr_expect_eq(db_exec_rows(NULL, "SELECT 1", 0, NULL, never_fill, sizeof(int), &rows, &n), DB_UNAVAILABLE);
    cr_expect_null(rows);
    cr_expect_eq(n, 0);
}
