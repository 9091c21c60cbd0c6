/* Unit tests of common/pagination: the api.md "Lists" parameter table, in its order, with the error
 * code and the `fields` key of each failure, and the cursor codec of transactions.md 10.1. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagination/pagination.h"
#include "util/utf8.h"

#define QP(k, v) ((query_param){(k), (v)})

static const char *const no_filters[] = {NULL};
static const char *const account_filters[] = {"status", "name", "alias", NULL};

typedef struct parse_case {
    const char *label;
    query_param params[6];
    size_t count;
    page_kind kind;
    const char *code;  /* NULL = success */
    const char *field; /* key expected in fields */
} parse_case;

/* Run one case: on failure check the code and that fields has the parameter name as key. */
static void run_case(const parse_case *c, const char *const *filters)
{
    page_params p;
    api_error e = {0};
    int rc = page_params_parse(c->params, c->count, c->kind, filters, &p, &e);
    if (!c->code) {
        cr_assert_eq(rc, 0, "%s: failed with %s (%s)", c->label, err_get(e.id) ? err_get(e.id)->code : "?",
                     e.message);
        cr_assert(!api_error_is_set(&e));
    } else {
        cr_assert_eq(rc, -1, "%s: accepted", c->label);
        cr_assert_str_eq(err_get(e.id)->code, c->code, "%s: message %s", c->label, e.message);
        cr_assert_not_null(e.fields, "%s: no fields", c->label);
        json_object *f = NULL;
        cr_assert(json_object_object_get_ex(e.fields, c->field, &f), "%s: fields lack %s (%s)", c->label,
                  c->field, json_object_to_json_string(e.fields));
        cr_assert_eq(json_object_object_length(e.fields), 1, "%s", c->label);
    }
    api_error_clear(&e);
}

Test(pagination, defaults)
{
    page_params p;
    api_error e = {0};
    cr_assert_eq(page_params_parse(NULL, 0, PAGE_OFFSET, no_filters, &p, &e), 0);
    cr_assert_eq(p.limit, 10);
    cr_assert_eq(p.page, 1);
    cr_assert(!p.desc);
    cr_assert(!p.has_range);
    cr_assert(!p.has_cursor);
    cr_assert_eq(p.metadata_count, 0);
    cr_assert_eq(p.filter_count, 0);
}

Test(pagination, offset_table)
{
    static const char *long_digits =
        "00000000000000000000000000000000000000000000000000000000000000000000000000001";
    const parse_case cases[] = {
        {"limit ok", {QP("limit", "100")}, 1, PAGE_OFFSET, NULL, NULL},
        {"limit leading zeros", {QP("limit", "007")}, 1, PAGE_OFFSET, NULL, NULL},
        {"limit zero", {QP("limit", "0")}, 1, PAGE_OFFSET, "0082", "limit"},
        {"limit 000", {QP("limit", "000")}, 1, PAGE_OFFSET, "0082", "limit"},
        {"limit negative", {QP("limit", "-1")}, 1, PAGE_OFFSET, "0082", "limit"},
        {"limit plus", {QP("limit", "+5")}, 1, PAGE_OFFSET, "0082", "limit"},
        {"limit space", {QP("limit", " 5")}, 1, PAGE_OFFSET, "0082", "limit"},
        {"limit alpha", {QP("limit", "ten")}, 1, PAGE_OFFSET, "0082", "limit"},
        {"limit float", {QP("limit", "1.5")}, 1, PAGE_OFFSET, "0082", "limit"},
        {"limit 101", {QP("limit", "101")}, 1, PAGE_OFFSET, "0080", "limit"},
        {"limit huge",
         {QP("limit", "99999999999999999999999999999999999999999")},
         1,
         PAGE_OFFSET,
         "0080",
         "limit"},
        {"limit padded one", {QP("limit", long_digits)}, 1, PAGE_OFFSET, NULL, NULL},
        {"limit empty is absent", {QP("limit", "")}, 1, PAGE_OFFSET, NULL, NULL},
        {"page ok", {QP("page", "2147483647")}, 1, PAGE_OFFSET, NULL, NULL},
        {"page too big", {QP("page", "2147483648")}, 1, PAGE_OFFSET, "0082", "page"},
        {"page huge", {QP("page", "999999999999999999999999999999")}, 1, PAGE_OFFSET, "0082", "page"},
        {"page zero", {QP("page", "0")}, 1, PAGE_OFFSET, "0082", "page"},
        {"page alpha", {QP("page", "x")}, 1, PAGE_OFFSET, "0082", "page"},
        {"page negative", {QP("page", "-1")}, 1, PAGE_OFFSET, "0082", "page"},
        {"sort asc", {QP("sort_order", "ASC")}, 1, PAGE_OFFSET, NULL, NULL},
        {"sort desc", {QP("sort_order", "Desc")}, 1, PAGE_OFFSET, NULL, NULL},
        {"sort bad", {QP("sort_order", "up")}, 1, PAGE_OFFSET, "0081", "sort_order"},
        {"dates ok",
         {QP("start_date", "2025-01-01"), QP("end_date", "2025-01-01")},
         2,
         PAGE_OFFSET,
         NULL,
         NULL},
        {"start shape",
         {QP("start_date", "2025-01-01T00:00:00"), QP("end_date", "2025-01-02")},
         2,
         PAGE_OFFSET,
         "0131",
         "start_date"},
        {"end unreal",
         {QP("start_date", "2025-01-01"), QP("end_date", "2025-02-30")},
         2,
         PAGE_OFFSET,
         "0077",
         "end_date"},
        {"only start", {QP("start_date", "2025-01-01")}, 1, PAGE_OFFSET, "0083", "end_date"},
        {"only end", {QP("end_date", "2025-01-01")}, 1, PAGE_OFFSET, "0083", "start_date"},
        {"start after end",
         {QP("start_date", "2025-01-02"), QP("end_date", "2025-01-01")},
         2,
         PAGE_OFFSET,
         "0078",
         "start_date"},
        {"unknown ignored",
         {QP("foo", "bar"), QP("foo", "baz"), QP("cursor", "!!")},
         3,
         PAGE_OFFSET,
         NULL,
         NULL},
        {"metadata ok", {QP("metadata.k", "v")}, 1, PAGE_OFFSET, NULL, NULL},
        {"metadata empty key", {QP("metadata.", "v")}, 1, PAGE_OFFSET, "0082", "metadata."},
        {"metadata empty value is absent", {QP("metadata.", "")}, 1, PAGE_OFFSET, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i], no_filters);
}

Test(pagination, check_order_follows_the_table)
{
    const parse_case cases[] = {
        /* repeated beats everything, even when it comes last in the query */
        {"repeat first",
         {QP("limit", "0"), QP("sort_order", "x"), QP("page", "1"), QP("page", "2")},
         4,
         PAGE_OFFSET,
         "0082",
         "page"},
        /* limit before page before sort_order before dates */
        {"limit before sort", {QP("sort_order", "x"), QP("limit", "101")}, 2, PAGE_OFFSET, "0080", "limit"},
        {"page before sort", {QP("sort_order", "x"), QP("page", "0")}, 2, PAGE_OFFSET, "0082", "page"},
        {"sort before dates",
         {QP("start_date", "bad"), QP("sort_order", "x")},
         2,
         PAGE_OFFSET,
         "0081",
         "sort_order"},
        {"dates before metadata",
         {QP("metadata.", "v"), QP("start_date", "2025-01-01")},
         2,
         PAGE_OFFSET,
         "0083",
         "end_date"},
        {"start before end",
         {QP("end_date", "x"), QP("start_date", "2025-02-30")},
         2,
         PAGE_OFFSET,
         "0077",
         "start_date"},
        {"metadata before filters",
         {QP("name", "x"), QP("metadata.", "v")},
         2,
         PAGE_OFFSET,
         "0082",
         "metadata."},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i], account_filters);
}

Test(pagination, repeated_parameters)
{
    const parse_case cases[] = {
        {"limit twice", {QP("limit", "5"), QP("limit", "5")}, 2, PAGE_OFFSET, "0082", "limit"},
        {"sort twice",
         {QP("sort_order", "asc"), QP("sort_order", "desc")},
         2,
         PAGE_OFFSET,
         "0082",
         "sort_order"},
        {"start twice",
         {QP("start_date", "2025-01-01"), QP("start_date", "2025-01-01")},
         2,
         PAGE_OFFSET,
         "0082",
         "start_date"},
        {"same metadata key",
         {QP("metadata.k", "a"), QP("metadata.k", "b")},
         2,
         PAGE_OFFSET,
         "0082",
         "metadata.k"},
        {"different metadata keys",
         {QP("metadata.k", "a"), QP("metadata.j", "b")},
         2,
         PAGE_OFFSET,
         NULL,
         NULL},
        {"filter twice", {QP("status", "ACTIVE"), QP("status", "BLOCKED")}, 2, PAGE_OFFSET, "0082", "status"},
        {"empty repeat is absent", {QP("limit", ""), QP("limit", "5")}, 2, PAGE_OFFSET, NULL, NULL},
        {"cursor twice", {QP("cursor", "a"), QP("cursor", "b")}, 2, PAGE_CURSOR, "0082", "cursor"},
        {"page is unknown on cursor lists", {QP("page", "1"), QP("page", "x")}, 2, PAGE_CURSOR, NULL, NULL},
        /* the second occurrence that comes first in the query is reported */
        {"earliest repeat",
         {QP("sort_order", "a"), QP("limit", "1"), QP("limit", "2"), QP("sort_order", "b")},
         4,
         PAGE_OFFSET,
         "0082",
         "limit"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i], account_filters);
}

Test(pagination, values_are_collected)
{
    const query_param q[] = {
        QP("limit", "25"),
        QP("page", "3"),
        QP("sort_order", "DESC"),
        QP("start_date", "2025-01-01"),
        QP("end_date", "2025-01-31 12:00:00"),
        QP("metadata.orderId", "77"),
        QP("metadata.kind", "rest"),
        QP("name", "Acme"),
        QP("status", "active"),
        QP("other", "ignored"),
    };
    page_params p;
    api_error e = {0};
    cr_assert_eq(page_params_parse(q, sizeof(q) / sizeof(q[0]), PAGE_OFFSET, account_filters, &p, &e), 0);
    cr_assert_eq(p.limit, 25);
    cr_assert_eq(p.page, 3);
    cr_assert(p.desc);
    cr_assert(p.has_range);
    cr_assert_eq(p.from_us, INT64_C(1735689600000000));
    cr_assert_eq(p.to_us, INT64_C(1735689600000000) + INT64_C(30) * 86400000000 + INT64_C(12) * 3600000000);
    cr_assert_eq(p.metadata_count, 2);
    cr_assert_str_eq(p.metadata[0].key, "orderId");
    cr_assert_str_eq(p.metadata[0].value, "77");
    cr_assert_str_eq(p.metadata[1].key, "kind");
    cr_assert_eq(p.filter_count, 2);
    cr_assert_str_eq(page_filter_get(&p, "name"), "Acme");
    cr_assert_str_eq(page_filter_get(&p, "status"), "active");
    cr_assert_null(page_filter_get(&p, "alias"));
    cr_assert_null(page_filter_get(&p, "other"));
}

Test(pagination, metadata_key_length)
{
    char key[120], k100[120];
    strcpy(key, "metadata.");
    memset(key + 9, 'k', 101);
    key[110] = '\0';
    strcpy(k100, key);
    k100[109] = '\0'; /* 100 characters after the prefix */
    const parse_case cases[] = {
        {"101 chars", {QP(key, "v")}, 1, PAGE_OFFSET, "0082", key},
        {"100 chars", {QP(k100, "v")}, 1, PAGE_OFFSET, NULL, NULL},
        /* 100 two-byte characters are 100 characters, not 200 */
        {"utf8", {QP("metadata.\xc3\xa9\xc3\xa9", "v")}, 1, PAGE_OFFSET, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i], no_filters);

    char ukey[9 + 200 + 1];
    strcpy(ukey, "metadata.");
    for (int i = 0; i < 100; i++)
        memcpy(ukey + 9 + 2 * i, "\xc3\xa9", 2);
    ukey[209] = '\0';
    const parse_case utf = {"100 e-acute", {QP(ukey, "v")}, 1, PAGE_OFFSET, NULL, NULL};
    run_case(&utf, no_filters);
}

Test(pagination, filter_value_length)
{
    char v256[257], v257[258];
    memset(v256, 'a', 256);
    v256[256] = '\0';
    memset(v257, 'a', 257);
    v257[257] = '\0';
    const parse_case cases[] = {
        {"256", {QP("name", v256)}, 1, PAGE_OFFSET, NULL, NULL},
        {"257", {QP("name", v257)}, 1, PAGE_OFFSET, "0082", "name"},
        {"257 unknown name ignored", {QP("nickname", v257)}, 1, PAGE_OFFSET, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i], account_filters);
}

Test(pagination, too_many_metadata_filters)
{
    query_param q[PAGE_MAX_METADATA + 1];
    char keys[PAGE_MAX_METADATA + 1][32];
    for (int i = 0; i <= PAGE_MAX_METADATA; i++) {
        snprintf(keys[i], sizeof(keys[i]), "metadata.k%d", i);
        q[i] = QP(keys[i], "v");
    }
    page_params p;
    api_error e = {0};
    cr_assert_eq(page_params_parse(q, PAGE_MAX_METADATA, PAGE_OFFSET, no_filters, &p, &e), 0);
    cr_assert_eq(p.metadata_count, PAGE_MAX_METADATA);
    cr_assert_eq(page_params_parse(q, PAGE_MAX_METADATA + 1, PAGE_OFFSET, no_filters, &p, &e), -1);
    cr_assert_str_eq(err_get(e.id)->code, "0082");
    cr_assert_str_eq(e.message, "at most 32 metadata filters are allowed");
    cr_assert(json_object_object_get_ex(e.fields, "metadata.k32", NULL), "%s",
              json_object_to_json_string(e.fields));
    api_error_clear(&e);
}

Test(pagination, metadata_limit_is_32)
{
    cr_assert_eq(PAGE_MAX_METADATA, 32);
}

/* Regression: metadata values had no length limit, although api.md applies the 256-character limit
 * to every filter value. */
Test(pagination, metadata_value_length)
{
    char v256[257], v257[258], u256[2 * 256 + 1];
    memset(v256, 'a', 256);
    v256[256] = '\0';
    memset(v257, 'a', 257);
    v257[257] = '\0';
    for (int i = 0; i < 256; i++)
        memcpy(u256 + 2 * i, "\xc3\xa9", 2);
    u256[512] = '\0';
    const parse_case cases[] = {
        {"256", {QP("metadata.k", v256)}, 1, PAGE_OFFSET, NULL, NULL},
        {"257", {QP("metadata.k", v257)}, 1, PAGE_OFFSET, "0082", "metadata.k"},
        {"256 two-byte characters", {QP("metadata.k", u256)}, 1, PAGE_OFFSET, NULL, NULL},
        {"257 after a good one",
         {QP("metadata.a", "x"), QP("metadata.k", v257)},
         2,
         PAGE_OFFSET,
         "0082",
         "metadata.k"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i], no_filters);
}

/* Regression: percent-decoded bytes that are not UTF-8 (?legal_name=%FF) reached PostgreSQL, which
 * refused them: 500 0046 instead of 400 0082. Every value collected is now checked. */
Test(pagination, invalid_utf8_is_0082)
{
    const parse_case cases[] = {
        {"limit", {QP("limit", "\xff")}, 1, PAGE_OFFSET, "0082", "limit"},
        {"page", {QP("page", "1\xff")}, 1, PAGE_OFFSET, "0082", "page"},
        {"sort_order is 0082, not 0081", {QP("sort_order", "\xff")}, 1, PAGE_OFFSET, "0082", "sort_order"},
        {"sort_order cut sequence", {QP("sort_order", "as\xc3")}, 1, PAGE_OFFSET, "0082", "sort_order"},
        {"start_date is 0082, not 0131",
         {QP("start_date", "2025-01-01\xff"), QP("end_date", "2025-01-02")},
         2,
         PAGE_OFFSET,
         "0082",
         "start_date"},
        {"end_date",
         {QP("start_date", "2025-01-01"), QP("end_date", "\xe9")},
         2,
         PAGE_OFFSET,
         "0082",
         "end_date"},
        {"cursor", {QP("cursor", "\xff")}, 1, PAGE_CURSOR, "0082", "cursor"},
        {"filter", {QP("name", "\xff")}, 1, PAGE_OFFSET, "0082", "name"},
        {"filter latin-1", {QP("name", "caf\xe9")}, 1, PAGE_OFFSET, "0082", "name"},
        {"filter overlong slash", {QP("name", "\xc0\xaf")}, 1, PAGE_OFFSET, "0082", "name"},
        {"filter surrogate", {QP("alias", "\xed\xa0\x80")}, 1, PAGE_OFFSET, "0082", "alias"},
        {"filter above U+10FFFF", {QP("status", "\xf4\x90\x80\x80")}, 1, PAGE_OFFSET, "0082", "status"},
        {"filter lone continuation", {QP("name", "a\x80")}, 1, PAGE_OFFSET, "0082", "name"},
        {"metadata value", {QP("metadata.k", "\xff")}, 1, PAGE_OFFSET, "0082", "metadata.k"},
        {"metadata key shown escaped", {QP("metadata.\xff", "x")}, 1, PAGE_OFFSET, "0082", "metadata.%FF"},
        {"repeated bad key shown escaped",
         {QP("metadata.a\xfe", "x"), QP("metadata.a\xfe", "y")},
         2,
         PAGE_OFFSET,
         "0082",
         "metadata.a%FE"},
        /* valid UTF-8 of every length passes; unknown parameters are never checked */
        {"filter e-acute", {QP("name", "caf\xc3\xa9")}, 1, PAGE_OFFSET, NULL, NULL},
        {"filter euro and emoji", {QP("name", "\xe2\x82\xac\xf0\x9f\x98\x80")}, 1, PAGE_OFFSET, NULL, NULL},
        {"metadata e-acute key and value", {QP("metadata.\xc3\xa9", "\xc3\xa9")}, 1, PAGE_OFFSET, NULL, NULL},
        {"unknown value ignored", {QP("nickname", "\xff")}, 1, PAGE_OFFSET, NULL, NULL},
        {"unknown key ignored", {QP("\xff", "\xff")}, 1, PAGE_OFFSET, NULL, NULL},
        /* the check runs at each parameter's own step of the table */
        {"limit 101 before a bad sort_order",
         {QP("sort_order", "\xff"), QP("limit", "101")},
         2,
         PAGE_OFFSET,
         "0080",
         "limit"},
        {"bad filter after a bad date shape",
         {QP("name", "\xff"), QP("start_date", "x"), QP("end_date", "2025-01-01")},
         3,
         PAGE_OFFSET,
         "0131",
         "start_date"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        page_params p;
        api_error e = {0};
        run_case(&cases[i], account_filters);
        /* the error text goes into a JSON body: it must itself be UTF-8 */
        if (page_params_parse(cases[i].params, cases[i].count, cases[i].kind, account_filters, &p, &e) < 0) {
            const char *body = json_object_to_json_string(e.fields);
            cr_expect(utf8_valid(e.message, strlen(e.message)), "%s: message", cases[i].label);
            cr_expect(utf8_valid(body, strlen(body)), "%s: fields %s", cases[i].label, body);
        }
        api_error_clear(&e);
    }
}

Test(pagination, cursor_list_parameters)
{
    char *next = cursor_encode("0192F3A4-5B6C-7D8E-9FA0-B1C2D3E4F5A6", CURSOR_PREV);
    const query_param q[] = {QP("cursor", next), QP("limit", "5"), QP("page", "abc")};
    page_params p;
    api_error e = {0};
    cr_assert_eq(page_params_parse(q, 3, PAGE_CURSOR, no_filters, &p, &e), 0);
    cr_assert(p.has_cursor);
    cr_assert_str_eq(p.cursor_id, "0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6");
    cr_assert_eq(p.cursor_dir, CURSOR_PREV);
    cr_assert_eq(p.limit, 5);
    free(next);

    const parse_case bad[] = {
        {"bad cursor", {QP("cursor", "not base64!")}, 1, PAGE_CURSOR, "0082", "cursor"},
        {"json not object", {QP("cursor", "WzFd")}, 1, PAGE_CURSOR, "0082", "cursor"}, /* [1] */
        {"cursor after dates",
         {QP("cursor", "x"), QP("start_date", "2025-01-01")},
         2,
         PAGE_CURSOR,
         "0083",
         "end_date"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        run_case(&bad[i], no_filters);
}

Test(pagination, base64_round_trip_and_alphabets)
{
    const unsigned char data[] = {0xfb, 0xff, 0xbf, 0x00, 0x01, 0x7e};
    for (size_t n = 0; n <= sizeof(data); n++) {
        char *enc = base64url_encode(data, n);
        cr_assert_null(strchr(enc, '='));
        cr_assert_null(strchr(enc, '+'));
        cr_assert_null(strchr(enc, '/'));
        size_t len = 99;
        unsigned char *dec = base64_decode_any(enc, &len);
        cr_assert_not_null(dec);
        cr_assert_eq(len, n);
        cr_assert(n == 0 || memcmp(dec, data, n) == 0);
        free(dec);
        free(enc);
    }
    size_t len = 0;
    unsigned char *d = base64_decode_any("+/+/", &len); /* standard alphabet */
    cr_assert_not_null(d);
    cr_assert_eq(len, 3);
    cr_assert_eq(d[0], 0xfb);
    free(d);
    d = base64_decode_any("-_-_", &len);
    cr_assert_not_null(d);
    cr_assert_eq(d[0], 0xfb);
    free(d);
    d = base64_decode_any("YQ==", &len); /* padded */
    cr_assert_not_null(d);
    cr_assert_eq(len, 1);
    cr_assert_eq(d[0], 'a');
    free(d);
    cr_assert_null(base64_decode_any("YQ=", &len));  /* padding that does not complete the quantum */
    cr_assert_null(base64_decode_any("Y", &len));    /* one leftover character */
    cr_assert_null(base64_decode_any("Y*==", &len)); /* not in either alphabet */
    cr_assert_null(base64_decode_any("YQ===", &len));
}

Test(pagination, cursor_round_trip)
{
    char id[UUID_STR_LEN + 1];
    cursor_dir dir = CURSOR_PREV;
    char *c = cursor_encode("0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6", CURSOR_NEXT);
    cr_assert_null(strchr(c, '='));
    /* The emitted form is exactly base64url of the documented JSON. */
    size_t len = 0;
    unsigned char *raw = base64_decode_any(c, &len);
    cr_assert_str_eq((char *)raw, "{\"id\":\"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6\",\"direction\":\"next\"}");
    free(raw);
    cr_assert_eq(cursor_decode(c, id, &dir), 0);
    cr_assert_str_eq(id, "0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6");
    cr_assert_eq(dir, CURSOR_NEXT);
    free(c);

    c = cursor_encode("0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6", CURSOR_PREV);
    cr_assert_eq(cursor_decode(c, id, &dir), 0);
    cr_assert_eq(dir, CURSOR_PREV);
    free(c);
}

/* base64 (standard alphabet, padded) of a JSON text, for hand-made cursors. */
static char *std_b64(const char *json)
{
    char *u = base64url_encode((const unsigned char *)json, strlen(json));
    size_t n = strlen(u);
    char *s = malloc(n + 3);
    for (size_t i = 0; i < n; i++)
        s[i] = u[i] == '-' ? '+' : u[i] == '_' ? '/' : u[i];
    while (n % 4)
        s[n++] = '=';
    s[n] = '\0';
    free(u);
    return s;
}

typedef struct cursor_case {
    const char *json;
    int rc;
} cursor_case;

Test(pagination, cursor_decode_table)
{
    static const cursor_case cases[] = {
        {"{\"id\":\"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6\",\"direction\":\"next\"}", 0},
        {"{\"direction\":\"prev\",\"id\":\"0192F3A4-5B6C-7D8E-9FA0-B1C2D3E4F5A6\"}", 0},
        {"{\"id\":\"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6\",\"direction\":\"NEXT\"}", -1},
        {"{\"id\":\"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6\",\"direction\":\"up\"}", -1},
        {"{\"id\":\"0192f3a4-5b6c-7d8e-9fa0\",\"direction\":\"next\"}", -1},
        {"{\"id\":\"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6\"}", -1},
        {"{\"direction\":\"next\"}", -1},
        {"{\"id\":12,\"direction\":\"next\"}", -1},
        {"{\"id\":\"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6\",\"direction\":true}", -1},
        {"{\"id\":\"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6\",\"direction\":\"next\"} x", -1},
        {"{\"id\":\"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6\\u0000x\",\"direction\":\"next\"}", -1},
        {"[\"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6\",\"next\"]", -1},
        {"not json", -1},
        {"", -1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char id[UUID_STR_LEN + 1];
        cursor_dir dir;
        char *url = base64url_encode((const unsigned char *)cases[i].json, strlen(cases[i].json));
        char *std = std_b64(cases[i].json);
        cr_assert_eq(cursor_decode(url, id, &dir), cases[i].rc, "url %s", cases[i].json);
        cr_assert_eq(cursor_decode(std, id, &dir), cases[i].rc, "std %s", cases[i].json);
        if (cases[i].rc == 0)
            cr_assert_str_eq(id, "0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6");
        free(url);
        free(std);
    }
    char id[UUID_STR_LEN + 1];
    cursor_dir dir;
    cr_assert_eq(cursor_decode(NULL, id, &dir), -1);
    cr_assert_eq(cursor_decode("%%%", id, &dir), -1);
}
