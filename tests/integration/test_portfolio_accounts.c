/* Account routes through the gateway (api.md "Accounts"): create rules in order (0034, 0035 with the
 * entityId copy, 0036, 0029, 0030, 0020), alias rules (0096, 0009 for an external account, default
 * alias = id), defaults, lookups by alias and external code (0085), PATCH rules (0007, 0074, 0035,
 * 0036, immutable members 0053), DELETE of an external account (0074), list filters and counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "pf_it.h"
#include "util/mem.h"

/* A ledger with asset BRL (and its external account) and USD. */
static void setup_ledger(pf_ctx *c)
{
    pf_ctx_new(c);
    pf_create(c, "/assets", "{\"name\":\"Real\",\"type\":\"currency\",\"code\":\"BRL\"}", NULL);
    pf_create(c, "/assets", "{\"name\":\"Dollar\",\"type\":\"currency\",\"code\":\"USD\"}", NULL);
}

Test(portfolio_accounts, create_defaults_and_full, .timeout = 60)
{
    pf_ctx c;
    it_response r;
    char pf[UUID_STR_LEN + 1];
    char seg[UUID_STR_LEN + 1];
    char *body = NULL;

    setup_ledger(&c);
    /* defaults: alias = id, name "<assetCode> <type> account", blocked false, status ACTIVE */
    pf_call(&r, "POST", &c, "{\"assetCode\":\"BRL\",\"type\":\"deposit\"}", "/accounts");
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(pf_str(&r, "alias"), pf_str(&r, "id"));
    cr_expect_str_eq(pf_str(&r, "name"), "BRL deposit account");
    cr_expect_str_eq(it_json_path_str(&r, "status.code"), "ACTIVE");
    cr_expect(strstr(r.body, "\"blocked\":false") != NULL, "%s", r.body);
    cr_expect(pf_is_null(&r, "portfolioId") && pf_is_null(&r, "entityId") && pf_is_null(&r, "deletedAt"));
    it_response_free(&r);

    pf_create(&c, "/portfolios", "{\"name\":\"Alice Silva\",\"entityId\":\"CUST-001\"}", pf);
    pf_create(&c, "/segments", "{\"name\":\"Retail\"}", seg);
    body = xasprintf(
        "{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"name\":\"Alice wallet\",\"alias\":\"@alice\","
        "\"portfolioId\":\"%s\",\"segmentId\":\"%s\",\"blocked\":true,\"metadata\":{\"tier\":\"gold\"}}",
        pf, seg);
    pf_call(&r, "POST", &c, body, "/accounts");
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(pf_str(&r, "alias"), "@alice");
    cr_expect_str_eq(pf_str(&r, "name"), "Alice wallet");
    cr_expect_str_eq(pf_str(&r, "portfolioId"), pf);
    cr_expect_str_eq(pf_str(&r, "segmentId"), seg);
    cr_expect_str_eq(pf_str(&r, "entityId"), "CUST-001"); /* copied from the portfolio */
    cr_expect(strstr(r.body, "\"blocked\":true") != NULL, "%s", r.body);
    it_response_free(&r);
    free(body);

    /* an explicit entityId wins over the portfolio's */
    body = xasprintf(
        "{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"portfolioId\":\"%s\",\"entityId\":\"E-9\"}", pf);
    pf_call(&r, "POST", &c, body, "/accounts");
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(pf_str(&r, "entityId"), "E-9");
    it_response_free(&r);
    free(body);

    /* "external" in any case is stored as external (an alias is then required) */
    pf_call(&r, "POST", &c, "{\"assetCode\":\"USD\",\"type\":\"EXTERNAL\"}", "/accounts");
    pf_assert_error(&r, 400, "0009", "alias");
    it_response_free(&r);
    pf_call(&r, "POST", &c, "{\"assetCode\":\"USD\",\"type\":\"External\",\"alias\":\"\"}", "/accounts");
    pf_assert_error(&r, 400, "0009", "alias");
    it_response_free(&r);
    pf_call(&r, "POST", &c, "{\"assetCode\":\"USD\",\"type\":\"ExTeRnAl\",\"alias\":\"usd-ext-2\"}",
            "/accounts");
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(pf_str(&r, "type"), "external");
    cr_expect_str_eq(pf_str(&r, "name"), "USD external account");
    it_response_free(&r);
}

typedef struct acct_case {
    const char *body; /* %1$s = a live portfolio id, %2$s = a live segment id */
    long status;
    const char *code;
    const char *field;
} acct_case;

Test(portfolio_accounts, create_error_codes, .timeout = 90)
{
    pf_ctx c;
    it_response r;
    char pf[UUID_STR_LEN + 1];
    char pf2[UUID_STR_LEN + 1];
    char seg[UUID_STR_LEN + 1];
    char parent[UUID_STR_LEN + 1];
    char missing[UUID_STR_LEN + 1];
    char *body = NULL;

    setup_ledger(&c);
    uuid_v7_str(missing);
    pf_create(&c, "/portfolios", "{\"name\":\"P1\"}", pf);
    pf_create(&c, "/portfolios", "{\"name\":\"P2\"}", pf2);
    pf_create(&c, "/segments", "{\"name\":\"S1\"}", seg);
    body = xasprintf(
        "{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"alias\":\"parent-1\",\"portfolioId\":\"%s\"}", pf);
    pf_create(&c, "/accounts", body, parent);
    free(body);

    struct {
        char *body;
        long status;
        const char *code;
        const char *field;
    } cases[] = {
        {xasprintf("{\"assetCode\":\"EUR\",\"type\":\"deposit\"}"), 404, "0034", NULL},
        {xasprintf("{\"assetCode\":\"brl\",\"type\":\"deposit\"}"), 404, "0034", NULL},
        {xasprintf("{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"portfolioId\":\"%s\"}", missing), 404,
         "0035", NULL},
        {xasprintf("{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"segmentId\":\"%s\"}", missing), 404, "0036",
         NULL},
        {xasprintf("{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"parentAccountId\":\"%s\"}", missing), 400,
         "0029", NULL},
        /* the parent is in portfolio pf, the new account names pf2 */
        {xasprintf(
             "{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"portfolioId\":\"%s\",\"parentAccountId\":\"%s\"}",
             pf2, parent),
         400, "0029", NULL},
        {xasprintf("{\"assetCode\":\"USD\",\"type\":\"deposit\",\"parentAccountId\":\"%s\"}", parent), 400,
         "0030", NULL},
        {xasprintf("{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"alias\":\"parent-1\"}"), 409, "0020", NULL},
        /* issue 4: the @external/ prefix is refused with 0047 (a member rule), ahead of the charset 0096 */
        {xasprintf("{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"alias\":\"@external/BRL\"}"), 400, "0047",
         "alias"},
        {xasprintf("{\"assetCode\":\"BRL\",\"type\":\"external\",\"alias\":\"@external/XYZ\",\"name\":\"%0300d\"}", 0),
         400, "0047", "alias"},
        {xasprintf("{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"alias\":\"with space\"}"), 400, "0096",
         NULL},
        {xasprintf("{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"alias\":\"a.b\"}"), 400, "0096", NULL},
        {xasprintf("{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"portfolioId\":\"nope\"}"), 400, "0047",
         "portfolioId"},
        {xasprintf("{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"entityId\":\"%0300d\"}", 0), 400, "0047",
         "entityId"},
        {xasprintf("{\"type\":\"deposit\"}"), 400, "0009", "assetCode"},
        {xasprintf("{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"id\":\"%s\"}", missing), 400, "0053", "id"},
        {xasprintf("{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"blocked\":\"yes\"}"), 400, "0094", NULL},
        /* rule order: 0034 before 0035 */
        {xasprintf("{\"assetCode\":\"EUR\",\"type\":\"deposit\",\"portfolioId\":\"%s\"}", missing), 404,
         "0034", NULL},
        /* 0035 before 0036 */
        {xasprintf("{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"portfolioId\":\"%s\",\"segmentId\":\"%s\"}",
                   missing, missing),
         404, "0035", NULL},
        /* a parent in the same portfolio and asset is fine */
        {xasprintf("{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"portfolioId\":\"%s\",\"segmentId\":\"%s\","
                   "\"parentAccountId\":\"%s\"}",
                   pf, seg, parent),
         201, NULL, NULL},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        pf_call(&r, "POST", &c, cases[i].body, "/accounts");
        cr_expect_eq(r.status, cases[i].status, "case %zu %s: %s", i, cases[i].body, it_describe(&r));
        if (cases[i].code) {
            cr_expect(pf_str(&r, "code") && strcmp(pf_str(&r, "code"), cases[i].code) == 0,
                      "case %zu %s: want %s: %s", i, cases[i].body, cases[i].code, it_describe(&r));
            if (cases[i].field)
                pf_assert_error(&r, cases[i].status, cases[i].code, cases[i].field);
        }
        it_response_free(&r);
        free(cases[i].body);
    }
}

Test(portfolio_accounts, lookups_alias_and_external, .timeout = 60)
{
    pf_ctx c;
    it_response r;
    char id[UUID_STR_LEN + 1];

    setup_ledger(&c);
    pf_create(&c, "/accounts", "{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"alias\":\"@Bob:main_1-x\"}",
              id);

    pf_call(&r, "GET", &c, NULL, "/accounts/alias/@Bob:main_1-x");
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(pf_str(&r, "id"), id);
    it_response_free(&r);

    /* percent-decoded by the router; exact and case-sensitive */
    pf_call(&r, "GET", &c, NULL, "/accounts/alias/%%40Bob%%3Amain_1-x");
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/accounts/alias/@bob:main_1-x");
    pf_assert_error(&r, 404, "0085", NULL);
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/accounts/alias/@Bob");
    pf_assert_error(&r, 404, "0085", NULL);
    it_response_free(&r);
    /* a literal segment after accounts/alias is an alias */
    pf_call(&r, "GET", &c, NULL, "/accounts/alias/balances");
    pf_assert_error(&r, 404, "0085", NULL);
    it_response_free(&r);

    pf_call(&r, "GET", &c, NULL, "/accounts/external/USD");
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(pf_str(&r, "alias"), "@external/USD");
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/accounts/external/usd");
    pf_assert_error(&r, 404, "0085", NULL);
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/accounts/external/EUR");
    pf_assert_error(&r, 404, "0085", NULL);
    it_response_free(&r);

    pf_call(&r, "GET", &c, NULL, "/accounts/%s", id);
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
}

Test(portfolio_accounts, patch_rules, .timeout = 60)
{
    pf_ctx c;
    it_response r;
    char id[UUID_STR_LEN + 1];
    char ext[UUID_STR_LEN + 1];
    char pf[UUID_STR_LEN + 1];
    char seg[UUID_STR_LEN + 1];
    char missing[UUID_STR_LEN + 1];
    char *body = NULL;

    setup_ledger(&c);
    uuid_v7_str(missing);
    pf_create(&c, "/portfolios", "{\"name\":\"P\",\"entityId\":\"PE\"}", pf);
    pf_create(&c, "/segments", "{\"name\":\"S\"}", seg);
    pf_create(&c, "/accounts",
              "{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"alias\":\"acc-1\",\"entityId\":\"E1\","
              "\"metadata\":{\"a\":\"1\",\"b\":\"2\"}}",
              id);

    body = xasprintf("{\"name\":\"Renamed\",\"portfolioId\":\"%s\",\"segmentId\":\"%s\",\"blocked\":true,"
                     "\"metadata\":{\"a\":null,\"c\":3},\"status\":{\"code\":\"FROZEN\"}}",
                     pf, seg);
    pf_call(&r, "PATCH", &c, body, "/accounts/%s", id);
    free(body);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(pf_str(&r, "name"), "Renamed");
    cr_expect_str_eq(pf_str(&r, "portfolioId"), pf);
    cr_expect_str_eq(pf_str(&r, "segmentId"), seg);
    cr_expect_str_eq(pf_str(&r, "entityId"), "E1"); /* not copied on PATCH */
    cr_expect_str_eq(pf_str(&r, "alias"), "acc-1");
    cr_expect_str_eq(it_json_path_str(&r, "status.code"), "FROZEN");
    cr_expect(strstr(r.body, "\"blocked\":true") != NULL, "%s", r.body);
    cr_expect(strstr(r.body, "\"a\"") == NULL && strstr(r.body, "\"b\":\"2\"") && strstr(r.body, "\"c\":3"),
              "%s", r.body);
    it_response_free(&r);

    /* null clears nullable members; {} changes nothing but updatedAt */
    pf_call(&r, "PATCH", &c, "{\"portfolioId\":null,\"segmentId\":null,\"entityId\":null,\"name\":null}",
            "/accounts/%s", id);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect(pf_is_null(&r, "portfolioId") && pf_is_null(&r, "segmentId") && pf_is_null(&r, "entityId"),
              "%s", r.body);
    cr_expect_str_eq(pf_str(&r, "name"), "Renamed");
    it_response_free(&r);
    pf_call(&r, "PATCH", &c, "{}", "/accounts/%s", id);
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);

    body = xasprintf("{\"portfolioId\":\"%s\"}", missing);
    pf_call(&r, "PATCH", &c, body, "/accounts/%s", id);
    pf_assert_error(&r, 404, "0035", NULL);
    it_response_free(&r);
    free(body);
    body = xasprintf("{\"segmentId\":\"%s\"}", missing);
    pf_call(&r, "PATCH", &c, body, "/accounts/%s", id);
    pf_assert_error(&r, 404, "0036", NULL);
    it_response_free(&r);
    free(body);

    static const char *const immutable[] = {"{\"alias\":\"x\"}", "{\"assetCode\":\"USD\"}",
                                            "{\"type\":\"x\"}", "{\"parentAccountId\":null}"};
    static const char *const immutable_field[] = {"alias", "assetCode", "type", "parentAccountId"};
    for (size_t i = 0; i < ARRAY_LEN(immutable); i++) {
        pf_call(&r, "PATCH", &c, immutable[i], "/accounts/%s", id);
        pf_assert_error(&r, 400, "0053", immutable_field[i]);
        it_response_free(&r);
    }

    pf_call(&r, "PATCH", &c, "{\"name\":\"x\"}", "/accounts/%s", missing);
    pf_assert_error(&r, 404, "0007", NULL);
    cr_expect_str_eq(pf_str(&r, "entityType"), "Account");
    it_response_free(&r);

    /* external accounts can be neither changed nor deleted */
    pf_call(&r, "GET", &c, NULL, "/accounts/external/BRL");
    snprintf(ext, sizeof(ext), "%s", pf_str(&r, "id"));
    it_response_free(&r);
    pf_call(&r, "PATCH", &c, "{\"name\":\"x\"}", "/accounts/%s", ext);
    pf_assert_error(&r, 400, "0074", NULL);
    it_response_free(&r);
    pf_call(&r, "DELETE", &c, NULL, "/accounts/%s", ext);
    pf_assert_error(&r, 400, "0074", NULL);
    it_response_free(&r);
    pf_call(&r, "DELETE", &c, NULL, "/accounts/%s", missing);
    pf_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
}

Test(portfolio_accounts, list_filters_and_count, .timeout = 90)
{
    pf_ctx c;
    it_response r;
    char pf[UUID_STR_LEN + 1];
    char seg[UUID_STR_LEN + 1];
    char a1[UUID_STR_LEN + 1];
    char a2[UUID_STR_LEN + 1];
    char *body = NULL;

    setup_ledger(&c);
    pf_create(&c, "/portfolios", "{\"name\":\"P\",\"entityId\":\"ENT-1\"}", pf);
    pf_create(&c, "/segments", "{\"name\":\"S\"}", seg);
    body =
        xasprintf("{\"assetCode\":\"BRL\",\"type\":\"Savings\",\"name\":\"Alpha One\",\"alias\":\"alpha-1\","
                  "\"portfolioId\":\"%s\",\"segmentId\":\"%s\",\"blocked\":true,\"metadata\":{\"m\":\"x\"}}",
                  pf, seg);
    pf_create(&c, "/accounts", body, a1);
    free(body);
    body = xasprintf("{\"assetCode\":\"USD\",\"type\":\"deposit\",\"name\":\"Beta\",\"alias\":\"beta-1\","
                     "\"parentAccountId\":null,\"status\":{\"code\":\"Closed\"},\"metadata\":{\"m\":1}}");
    pf_create(&c, "/accounts", body, a2);
    free(body);

    struct {
        const char *query;
        int count;
        const char *first; /* id of the first item, or NULL */
    } cases[] = {
        {"", 4, NULL},
        {"?portfolio_id=%s", 1, a1},
        {"?segment_id=%s", 1, a1},
        {"?entity_id=ENT-1", 1, a1},
        {"?asset_code=USD", 2, NULL},
        {"?asset_code=usd", 0, NULL},
        {"?type=SAVINGS", 1, a1},
        {"?type=sav", 0, NULL},
        {"?type=external", 2, NULL},
        {"?blocked=true", 1, a1},
        {"?blocked=1", 1, a1},
        {"?blocked=false", 3, NULL},
        {"?name=aLpHa", 1, a1},
        {"?alias=BETA", 1, a2},
        {"?alias=%%40external", 2, NULL},
        {"?status=closed", 1, a2},
        {"?metadata.m=x", 1, a1},
        {"?metadata.m=1", 0, NULL},
        {"?asset_code=USD&type=deposit", 1, a2},
        {"?limit=2&page=2", 2, NULL},
        {"?limit=2&page=3", 0, NULL},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char query[256];
        snprintf(query, sizeof(query), cases[i].query, strstr(cases[i].query, "portfolio_id") ? pf : seg);
        pf_call(&r, "GET", &c, NULL, "/accounts%s", query);
        cr_expect_eq(r.status, 200, "case %zu %s: %s", i, query, it_describe(&r));
        cr_expect_eq(pf_items(&r), cases[i].count, "case %zu %s: %s", i, query, it_describe(&r));
        if (cases[i].first && pf_items(&r) > 0)
            cr_expect_str_eq(pf_obj_str(pf_item(&r, 0), "id"), cases[i].first, "case %zu %s", i, query);
        it_response_free(&r);
    }

    static const char *const bad[] = {"?portfolio_id=nope", "?segment_id=1", "?parent_account_id=x",
                                      "?blocked=yes", "?type=a&type=b"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        pf_call(&r, "GET", &c, NULL, "/accounts%s", bad[i]);
        pf_assert_error(&r, 400, "0082", NULL);
        it_response_free(&r);
    }

    /* the count includes the two external accounts */
    pf_call(&r, "HEAD", &c, NULL, "/accounts/metrics/count");
    cr_expect_eq(r.status, 204, "%s", it_describe(&r));
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "4");
    it_response_free(&r);
}
