/* Unit tests of common/http/router: literal-over-parameter with backtracking, slash rules,
 * percent-decoding of parameters, 404/405 and the Allow text. Generic tables only: the gateway's real
 * route table is tested with the gateway. */
#include <criterion/criterion.h>
#include <string.h>

#include "http/router.h"
#include "util/mem.h"

enum {
    ROW_ORG_ONE,
    ROW_ORG_LIST,
    ROW_ORG_PUT,
    ROW_ORG_COUNT,
    ROW_ALIAS,
    ROW_ALIAS_BAL,
    ROW_ACC,
    ROW_ACC_BAL,
    ROW_TXN_JSON,
    ROW_TXN_ONE,
    ROW_OPT,
    ROW_X_LIT,
    ROW_X_PARAM,
    ROW_LEDGER,
};

static const route_def rows[] = {
    [ROW_ORG_ONE] = {HTTP_M_GET | HTTP_M_PATCH | HTTP_M_DELETE, "/v1/org/{organization_id}", NULL},
    [ROW_ORG_LIST] = {HTTP_M_POST | HTTP_M_GET, "/v1/org", NULL},
    [ROW_ORG_PUT] = {HTTP_M_PUT, "/v1/org", NULL},
    [ROW_ORG_COUNT] = {HTTP_M_HEAD, "/v1/org/metrics/count", NULL},
    [ROW_ALIAS] = {HTTP_M_GET, "/v1/acc/alias/{alias}", NULL},
    [ROW_ALIAS_BAL] = {HTTP_M_GET, "/v1/acc/alias/{alias}/balances", NULL},
    [ROW_ACC] = {HTTP_M_GET | HTTP_M_PATCH | HTTP_M_DELETE, "/v1/acc/{account_id}", NULL},
    [ROW_ACC_BAL] = {HTTP_M_GET | HTTP_M_POST, "/v1/acc/{account_id}/balances", NULL},
    [ROW_TXN_JSON] = {HTTP_M_POST, "/v1/txn/json", NULL},
    [ROW_TXN_ONE] = {HTTP_M_GET | HTTP_M_PATCH, "/v1/txn/{transaction_id}", NULL},
    [ROW_OPT] = {HTTP_M_OPTIONS | HTTP_M_GET, "/opt", NULL},
    [ROW_X_LIT] = {HTTP_M_GET, "/x/lit/b", NULL},
    [ROW_X_PARAM] = {HTTP_M_GET, "/x/{p}/c", NULL},
    [ROW_LEDGER] = {HTTP_M_GET, "/v1/org/{organization_id}/ledgers/{ledger_id}", NULL},
};

typedef struct match_case {
    unsigned method;
    const char *path;
    route_result want;
    int row;            /* ROUTE_OK: expected row index; else -1 */
    const char *tmpl;   /* OK and 405: expected template */
    const char *pname;  /* a parameter to check, or NULL */
    const char *pvalue;
} match_case;

static const match_case cases[] = {
    /* plain literal routes; two rows with one template: the method picks the row */
    {HTTP_M_GET, "/v1/org", ROUTE_OK, ROW_ORG_LIST, "/v1/org", NULL, NULL},
    {HTTP_M_POST, "/v1/org", ROUTE_OK, ROW_ORG_LIST, "/v1/org", NULL, NULL},
    {HTTP_M_PUT, "/v1/org", ROUTE_OK, ROW_ORG_PUT, "/v1/org", NULL, NULL},
    {HTTP_M_DELETE, "/v1/org", ROUTE_METHOD_NOT_ALLOWED, -1, "/v1/org", NULL, NULL},
    /* literal beats parameter, with backtracking when the literal branch dead-ends */
    {HTTP_M_HEAD, "/v1/org/metrics/count", ROUTE_OK, ROW_ORG_COUNT, "/v1/org/metrics/count", NULL, NULL},
    {HTTP_M_GET, "/v1/org/metrics/count", ROUTE_METHOD_NOT_ALLOWED, -1, "/v1/org/metrics/count", NULL, NULL},
    {HTTP_M_GET, "/v1/org/metrics", ROUTE_OK, ROW_ORG_ONE, "/v1/org/{organization_id}", "organization_id",
     "metrics"},
    {HTTP_M_GET, "/v1/acc/alias/balances", ROUTE_OK, ROW_ALIAS, "/v1/acc/alias/{alias}", "alias", "balances"},
    {HTTP_M_GET, "/v1/acc/alias", ROUTE_OK, ROW_ACC, "/v1/acc/{account_id}", "account_id", "alias"},
    {HTTP_M_POST, "/v1/acc/alias/balances", ROUTE_METHOD_NOT_ALLOWED, -1, "/v1/acc/alias/{alias}", NULL,
     NULL},
    {HTTP_M_GET, "/v1/acc/alias/x/balances", ROUTE_OK, ROW_ALIAS_BAL, "/v1/acc/alias/{alias}/balances",
     "alias", "x"},
    {HTTP_M_GET, "/x/lit/b", ROUTE_OK, ROW_X_LIT, "/x/lit/b", NULL, NULL},
    {HTTP_M_GET, "/x/lit/c", ROUTE_OK, ROW_X_PARAM, "/x/{p}/c", "p", "lit"},
    {HTTP_M_GET, "/x/other/b", ROUTE_NOT_FOUND, -1, NULL, NULL, NULL},
    {HTTP_M_GET, "/v1/txn/json", ROUTE_METHOD_NOT_ALLOWED, -1, "/v1/txn/json", NULL, NULL},
    {HTTP_M_GET, "/v1/txn/abc", ROUTE_OK, ROW_TXN_ONE, "/v1/txn/{transaction_id}", "transaction_id", "abc"},
    {HTTP_M_GET, "/v1/org/o1/ledgers/l1", ROUTE_OK, ROW_LEDGER,
     "/v1/org/{organization_id}/ledgers/{ledger_id}", "ledger_id", "l1"},
    /* percent-decoding after matching: %2F never splits a segment */
    {HTTP_M_GET, "/v1/acc/alias/@external%2FUSD", ROUTE_OK, ROW_ALIAS, "/v1/acc/alias/{alias}", "alias",
     "@external/USD"},
    {HTTP_M_GET, "/v1/acc/alias/@external%2fUSD/balances", ROUTE_OK, ROW_ALIAS_BAL,
     "/v1/acc/alias/{alias}/balances", "alias", "@external/USD"},
    {HTTP_M_GET, "/v1/acc/%41%62", ROUTE_OK, ROW_ACC, "/v1/acc/{account_id}", "account_id", "Ab"},
    {HTTP_M_GET, "/v1/acc/a+b", ROUTE_OK, ROW_ACC, "/v1/acc/{account_id}", "account_id", "a+b"},
    {HTTP_M_GET, "/v1/acc/%41%zz", ROUTE_OK, ROW_ACC, "/v1/acc/{account_id}", "account_id", "%41%zz"},
    {HTTP_M_GET, "/v1/acc/ab%4", ROUTE_OK, ROW_ACC, "/v1/acc/{account_id}", "account_id", "ab%4"},
    {HTTP_M_GET, "/v1/acc/a%00b", ROUTE_OK, ROW_ACC, "/v1/acc/{account_id}", "account_id", "a%00b"},
    {HTTP_M_GET, "/v1/org%2Fx", ROUTE_NOT_FOUND, -1, NULL, NULL, NULL},
    /* a parameter that does not decode to UTF-8 keeps its raw text (never a byte PostgreSQL refuses) */
    {HTTP_M_GET, "/v1/acc/alias/caf%C3%A9", ROUTE_OK, ROW_ALIAS, "/v1/acc/alias/{alias}", "alias",
     "caf\xc3\xa9"},
    {HTTP_M_GET, "/v1/acc/alias/%FF", ROUTE_OK, ROW_ALIAS, "/v1/acc/alias/{alias}", "alias", "%FF"},
    {HTTP_M_GET, "/v1/acc/alias/%41%C3", ROUTE_OK, ROW_ALIAS, "/v1/acc/alias/{alias}", "alias", "%41%C3"},
    {HTTP_M_GET, "/v1/acc/alias/%ED%A0%80/balances", ROUTE_OK, ROW_ALIAS_BAL,
     "/v1/acc/alias/{alias}/balances", "alias", "%ED%A0%80"},
    {HTTP_M_GET, "/v1/acc/%FF", ROUTE_OK, ROW_ACC, "/v1/acc/{account_id}", "account_id", "%FF"},
    {HTTP_M_GET, "/v1/acc/alias/\xc3\xa9%41", ROUTE_OK, ROW_ALIAS, "/v1/acc/alias/{alias}", "alias",
     "\303\251A"},
    {HTTP_M_GET, "/v1/acc/alias/\xc3\xa9%FF", ROUTE_OK, ROW_ALIAS, "/v1/acc/alias/{alias}", "alias",
     "\xc3\xa9%FF"},
    /* bytes sent unencoded that are not UTF-8 come back escaped */
    {HTTP_M_GET, "/v1/acc/alias/a\xff%41", ROUTE_OK, ROW_ALIAS, "/v1/acc/alias/{alias}", "alias", "a%FF%41"},
    /* slashes and empty segments */
    {HTTP_M_GET, "/v1/org/", ROUTE_NOT_FOUND, -1, NULL, NULL, NULL},
    {HTTP_M_GET, "//v1/org", ROUTE_NOT_FOUND, -1, NULL, NULL, NULL},
    {HTTP_M_GET, "/v1//org", ROUTE_NOT_FOUND, -1, NULL, NULL, NULL},
    {HTTP_M_GET, "/v1/acc//balances", ROUTE_NOT_FOUND, -1, NULL, NULL, NULL},
    {HTTP_M_GET, "/", ROUTE_NOT_FOUND, -1, NULL, NULL, NULL},
    {HTTP_M_GET, "", ROUTE_NOT_FOUND, -1, NULL, NULL, NULL},
    {HTTP_M_GET, "v1/org", ROUTE_NOT_FOUND, -1, NULL, NULL, NULL},
    {HTTP_M_GET, "/v1/unknown", ROUTE_NOT_FOUND, -1, NULL, NULL, NULL},
    {HTTP_M_GET, "/V1/org", ROUTE_NOT_FOUND, -1, NULL, NULL, NULL},
    /* OPTIONS and unknown methods are never allowed unless listed */
    {HTTP_M_OPTIONS, "/v1/org", ROUTE_METHOD_NOT_ALLOWED, -1, "/v1/org", NULL, NULL},
    {HTTP_M_OPTIONS, "/opt", ROUTE_OK, ROW_OPT, "/opt", NULL, NULL},
    {HTTP_M_OTHER, "/v1/org", ROUTE_METHOD_NOT_ALLOWED, -1, "/v1/org", NULL, NULL},
};

Test(router, match_table)
{
    router *r = router_new(rows, ARRAY_LEN(rows));
    cr_assert_not_null(r);
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const match_case *c = &cases[i];
        route_match m;
        route_result got = router_match(r, c->path, c->method, &m);
        cr_expect_eq(got, c->want, "case %zu %s %s: result %d, want %d", i, http_method_name(c->method), c->path,
                     got, c->want);
        if (got == c->want && c->want == ROUTE_OK)
            cr_expect_eq(m.def, &rows[c->row], "case %zu %s: row %td, want %d", i, c->path,
                         m.def ? m.def - rows : -1, c->row);
        if (c->want == ROUTE_NOT_FOUND)
            cr_expect_null(m.tmpl, "case %zu %s: no template on 404", i, c->path);
        else
            cr_expect_str_eq(m.tmpl ? m.tmpl : "(null)", c->tmpl, "case %zu %s", i, c->path);
        if (c->pname) {
            const char *v = route_match_param(&m, c->pname);
            cr_expect_str_eq(v ? v : "(null)", c->pvalue, "case %zu %s: %s", i, c->path, c->pname);
        }
        route_match_clear(&m);
    }
    router_free(r);
}

Test(router, params_in_template_order_and_allowed_union)
{
    router *r = router_new(rows, ARRAY_LEN(rows));
    route_match m;
    cr_assert_eq(router_match(r, "/v1/org/o%201/ledgers/l1", HTTP_M_GET, &m), ROUTE_OK);
    cr_assert_eq(m.param_count, 2);
    cr_expect_str_eq(m.param_names[0], "organization_id");
    cr_expect_str_eq(m.param_values[0], "o 1");
    cr_expect_str_eq(m.param_names[1], "ledger_id");
    cr_expect_str_eq(m.param_values[1], "l1");
    cr_expect_null(route_match_param(&m, "alias"));
    route_match_clear(&m);

    cr_assert_eq(router_match(r, "/v1/org", HTTP_M_PATCH, &m), ROUTE_METHOD_NOT_ALLOWED);
    cr_expect_eq(m.allowed, HTTP_M_GET | HTTP_M_POST | HTTP_M_PUT, "union of both /v1/org rows");
    cr_expect_null(m.def);
    route_match_clear(&m);
    router_free(r);
}

typedef struct allow_case {
    unsigned methods;
    const char *want;
} allow_case;

Test(router, allow_header_order)
{
    static const allow_case allow[] = {
        {HTTP_M_DELETE | HTTP_M_PATCH | HTTP_M_GET, "GET, PATCH, DELETE"},
        {HTTP_M_POST | HTTP_M_GET, "GET, POST"},
        {HTTP_M_HEAD, "HEAD"},
        {HTTP_M_PUT | HTTP_M_HEAD | HTTP_M_DELETE, "HEAD, PUT, DELETE"},
        {HTTP_M_OPTIONS | HTTP_M_POST, "POST, OPTIONS"},
        {HTTP_M_OTHER | HTTP_M_GET, "GET"},
        {0, ""},
    };
    for (size_t i = 0; i < ARRAY_LEN(allow); i++) {
        char buf[96];
        router_allow_header(allow[i].methods, buf, sizeof(buf));
        cr_expect_str_eq(buf, allow[i].want, "case %zu", i);
    }
}

Test(router, allow_header_never_cuts_a_name)
{
    char buf[12];
    router_allow_header(HTTP_M_GET | HTTP_M_PATCH | HTTP_M_DELETE, buf, sizeof(buf));
    cr_expect_str_eq(buf, "GET, PATCH");
}

Test(router, method_names)
{
    static const struct {
        const char *name;
        unsigned bit;
    } m[] = {
        {"GET", HTTP_M_GET},       {"HEAD", HTTP_M_HEAD},       {"POST", HTTP_M_POST},
        {"PUT", HTTP_M_PUT},       {"PATCH", HTTP_M_PATCH},     {"DELETE", HTTP_M_DELETE},
        {"OPTIONS", HTTP_M_OPTIONS}, {"TRACE", HTTP_M_OTHER},   {"patch", HTTP_M_OTHER},
        {"", HTTP_M_OTHER},
    };
    for (size_t i = 0; i < ARRAY_LEN(m); i++) {
        cr_expect_eq(http_method_bit(m[i].name), m[i].bit, "%s", m[i].name);
        if (m[i].bit != HTTP_M_OTHER)
            cr_expect_str_eq(http_method_name(m[i].bit), m[i].name);
    }
}

Test(router, malformed_templates_rejected)
{
    static const char *const bad[] = {"no-slash", "/a/{b", "/a/b}", "/a//b", "/a/", "/a/{}", "/a/{b{c}", ""};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        route_def row = {HTTP_M_GET, bad[i], NULL};
        router *r = router_new(&row, 1);
        cr_expect_null(r, "template \"%s\" must be rejected", bad[i]);
        router_free(r);
    }
}

Test(router, ambiguous_templates_rejected)
{
    static const route_def amb[] = {
        {HTTP_M_GET, "/a/{x}", NULL},
        {HTTP_M_POST, "/a/{y}", NULL},
    };
    router *r = router_new(amb, ARRAY_LEN(amb));
    cr_expect_null(r);
    router_free(r);
}

Test(router, percent_decode_helper)
{
    static const struct {
        const char *in, *out;
    } d[] = {
        {"abc", "abc"},
        {"a%20b", "a b"},
        {"%E2%82%AC", "\xE2\x82\xAC"},
        {"a+b", "a+b"},
        {"%", "%"},
        {"%2", "%2"},
        {"%g0x", "%g0x"},
        {"x%00", "x%00"},
        {"", ""},
        {"%2B", "+"},
        {"%C3%A9", "\xc3\xa9"},
        /* decoded bytes that are not UTF-8: the raw text is kept */
        {"%FF", "%FF"},
        {"a%C3", "a%C3"},
        {"%C0%AF", "%C0%AF"},
        {"%F4%90%80%80", "%F4%90%80%80"},
        {"\xff", "%FF"},
        {"\xc3\xa9%zz", "\xc3\xa9%zz"},
        {"\xc3%zz", "%C3%zz"},
    };
    for (size_t i = 0; i < ARRAY_LEN(d); i++) {
        char *got = router_percent_decode(d[i].in, strlen(d[i].in));
        cr_expect_str_eq(got, d[i].out, "case %zu", i);
        free(got);
    }
}

Test(router, query_decode_helper)
{
    static const struct {
        const char *in, *out;
    } d[] = {
        /* form encoding: '+' is a space, %2B is a '+' */
        {"a+b", "a b"},
        {"2025-01-01+00:00:00", "2025-01-01 00:00:00"},
        {"+", " "},
        {"a%2Bb", "a+b"},
        {"a%2bb+c", "a+b c"},
        {"a%20b", "a b"},
        {"%C3%A9", "\xc3\xa9"},
        {"", ""},
        /* malformed escape or %00: the raw text, '+' included */
        {"a+b%zz", "a+b%zz"},
        {"a+%4", "a+%4"},
        {"x%00+", "x%00+"},
        /* invalid UTF-8 is decoded as it is: page_params_parse refuses it with 0082 */
        {"%FF", "\xff"},
        {"a+%C3", "a \xc3"},
    };
    for (size_t i = 0; i < ARRAY_LEN(d); i++) {
        char *got = router_query_decode(d[i].in, strlen(d[i].in));
        cr_expect_str_eq(got, d[i].out, "case %zu (%s)", i, d[i].in);
        free(got);
    }
}
