/* Unit tests of the portfolio service's pure rules (services/portfolio/pf_rules.c): asset type, code
 * scan and currency list (0040/0004/0033/0005 in api.md order), alias charset (0096), the external
 * type and the account defaults, list filter booleans, optional create text (the status and PATCH
 * rules are tested with common/entity). The rules file is compiled into this test directly because the
 * unit-test binary links only common/. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/portfolio/pf_rules.c"

typedef struct asset_case {
    const char *type;
    const char *code;
    err_id want; /* ERR_NONE = accepted */
} asset_case;

Test(portfolio_rules, asset_check_table)
{
    static const asset_case cases[] = {
        {"currency", "BRL", ERR_NONE},
        {"fiat", "USD", ERR_NONE},
        {"crypto", "BTC", ERR_NONE},
        {"commodity", "XAU", ERR_NONE},
        {"others", "ANYTHINGLONG", ERR_NONE},
        {"crypto", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", ERR_NONE},
        /* 0040 first, whatever the code */
        {"Currency", "BRL", ERR_INVALID_TYPE},
        {"stock", "brl", ERR_INVALID_TYPE},
        {"", "BRL", ERR_INVALID_TYPE},
        {NULL, "BRL", ERR_INVALID_TYPE},
        /* the first character outside A-Z decides */
        {"crypto", "btc", ERR_CODE_UPPERCASE},
        {"crypto", "BTc", ERR_CODE_UPPERCASE},
        {"crypto", "Bt1", ERR_CODE_UPPERCASE},
        {"crypto", "B1t", ERR_INVALID_CODE_FORMAT},
        {"crypto", "B-C", ERR_INVALID_CODE_FORMAT},
        {"crypto", "B C", ERR_INVALID_CODE_FORMAT},
        {"crypto", "\xc3\x89UR", ERR_INVALID_CODE_FORMAT}, /* É */
        {"currency", "brl", ERR_CODE_UPPERCASE},           /* the scan comes before 0005 */
        /* 0005 only for currency and fiat */
        {"currency", "ABC", ERR_CURRENCY_CODE},
        {"fiat", "BTC", ERR_CURRENCY_CODE},
        {"currency", "BRLL", ERR_CURRENCY_CODE},
        {"crypto", "ABC", ERR_NONE},
        {"currency", "AED", ERR_NONE}, /* first of Appendix B */
        {"currency", "ZWL", ERR_NONE}, /* last */
        {"currency", "XSU", ERR_NONE},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        api_error e = {0};
        int rc = pf_asset_check(cases[i].type, cases[i].code, &e);
        if (cases[i].want == ERR_NONE) {
            cr_expect_eq(rc, 0, "case %zu (%s, %s) refused with %d", i, cases[i].type, cases[i].code, e.id);
        } else {
            cr_expect_eq(rc, -1, "case %zu (%s, %s) accepted", i, cases[i].type, cases[i].code);
            cr_expect_eq(e.id, cases[i].want, "case %zu (%s, %s): got %s", i, cases[i].type, cases[i].code,
                         err_get(e.id) ? err_get(e.id)->code : "?");
        }
        api_error_clear(&e);
    }
}

Test(portfolio_rules, currency_list_is_sorted_and_complete)
{
    for (size_t i = 1; i < ARRAY_LEN(pf_currencies); i++)
        cr_assert(strcmp(pf_currencies[i - 1], pf_currencies[i]) < 0, "%s before %s", pf_currencies[i - 1],
                  pf_currencies[i]);
    for (size_t i = 0; i < ARRAY_LEN(pf_currencies); i++)
        cr_expect(pf_currency_valid(pf_currencies[i]), "%s", pf_currencies[i]);
    cr_expect(!pf_currency_valid("brl"));
    cr_expect(!pf_currency_valid("BR"));
    cr_expect(!pf_currency_valid(NULL));
}

Test(portfolio_rules, code_scan_empty)
{
    cr_expect_eq(pf_asset_code_scan(""), ERR_INVALID_CODE_FORMAT);
    cr_expect_eq(pf_asset_code_scan(NULL), ERR_INVALID_CODE_FORMAT);
    cr_expect_eq(pf_asset_code_scan("Z"), ERR_NONE);
}

Test(portfolio_rules, alias_charset)
{
    static const struct {
        const char *alias;
        bool ok;
    } cases[] = {
        {"@alice", true},
        {"a", true},
        {"A-Z_a:z@0-9", true},
        {"@external", true},
        {"@external/BRL", false},
        {"with space", false},
        {"a.b", false},
        {"a/b", false},
        {"", false},
        {"\xc3\xa9", false},
        {"a+b", false},
        {"a%40", false},
        {NULL, false},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        cr_expect_eq(pf_alias_valid(cases[i].alias), cases[i].ok, "alias %s",
                     cases[i].alias ? cases[i].alias : "NULL");
}

Test(portfolio_rules, external_type_and_defaults)
{
    static const struct {
        const char *type;
        bool external;
        const char *stored;
    } cases[] = {
        {"external", true, "external"},    {"EXTERNAL", true, "external"}, {"ExTeRnAl", true, "external"},
        {"externals", false, "externals"}, {"extern", false, "extern"},    {"deposit", false, "deposit"},
        {"Deposit", false, "Deposit"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char *stored = pf_account_type_normalize(cases[i].type);
        cr_expect_eq(pf_type_is_external(cases[i].type), cases[i].external, "%s", cases[i].type);
        cr_expect_str_eq(stored, cases[i].stored);
        free(stored);
    }
    cr_expect(!pf_type_is_external(NULL));

    char *name = pf_account_default_name("BRL", "deposit");
    cr_expect_str_eq(name, "BRL deposit account");
    free(name);
    char *alias = pf_external_alias("USD");
    cr_expect_str_eq(alias, "@external/USD");
    free(alias);
}

Test(portfolio_rules, blocked_filter_values)
{
    static const struct {
        const char *v;
        int rc;
        bool value;
    } cases[] = {
        {"true", 0, true},   {"1", 0, true},     {"false", 0, false}, {"0", 0, false},
        {"TRUE", -1, false}, {"yes", -1, false}, {"", -1, false},     {"10", -1, false},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        bool out = !cases[i].value;
        cr_expect_eq(pf_parse_bool_filter(cases[i].v, &out), cases[i].rc, "%s", cases[i].v);
        if (cases[i].rc == 0)
            cr_expect_eq(out, cases[i].value, "%s", cases[i].v);
    }
}

static json_object *parse(const char *text)
{
    json_object *o = json_tokener_parse(text);
    cr_assert_not_null(o, "bad test JSON %s", text);
    return o;
}

Test(portfolio_rules, text_dup)
{
    json_object *b = parse("{\"a\":\"x\",\"b\":\"\",\"c\":null}");
    char *a = pf_text_dup(b, "a");
    cr_expect_str_eq(a, "x");
    cr_expect_null(pf_text_dup(b, "b"));
    cr_expect_null(pf_text_dup(b, "c"));
    cr_expect_null(pf_text_dup(b, "d"));
    free(a);
    json_object_put(b);
}
