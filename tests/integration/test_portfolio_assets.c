/* Asset routes through the gateway (api.md "Assets"): create with its @external/<code> account, list,
 * get, PATCH, count, DELETE rules, the format rules 0040/0004/0033/0005, uniqueness 0003 and the
 * organization/ledger path checks 0038/0037 (read-through to onboarding for a ledger created a moment
 * before). Each test makes its own organization and ledger. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "pf_it.h"
#include "util/mem.h"

Test(portfolio_assets, create_right_after_ledger_creates_asset_and_external_account, .timeout = 60)
{
    pf_ctx c;
    it_response r;
    char asset[UUID_STR_LEN + 1];

    /* read-your-writes across services: the ledger is seconds old at most, so the portfolio service
     * knows it through the read-through (or the event, whichever came first) */
    pf_ctx_new(&c);
    pf_call(&r, "POST", &c,
            "{\"name\":\"Brazilian Real\",\"type\":\"currency\",\"code\":\"BRL\","
            "\"metadata\":{\"k\":\"v\",\"n\":1.5}}",
            "/assets");
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    snprintf(asset, sizeof(asset), "%s", pf_str(&r, "id"));
    cr_expect(it_is_uuid(asset, 7));
    cr_expect_str_eq(pf_str(&r, "organizationId"), c.org);
    cr_expect_str_eq(pf_str(&r, "ledgerId"), c.ledger);
    cr_expect_str_eq(pf_str(&r, "name"), "Brazilian Real");
    cr_expect_str_eq(pf_str(&r, "type"), "currency");
    cr_expect_str_eq(pf_str(&r, "code"), "BRL");
    cr_expect_str_eq(it_json_path_str(&r, "status.code"), "ACTIVE");
    cr_expect_str_eq(it_json_path_str(&r, "metadata.k"), "v");
    cr_expect(it_is_rfc3339_micro_z(pf_str(&r, "createdAt")));
    cr_expect_str_eq(pf_str(&r, "createdAt"), pf_str(&r, "updatedAt"));
    cr_expect(pf_is_null(&r, "deletedAt"), "%s", it_describe(&r));
    cr_expect(strstr(r.body, "External") == NULL, "the create response is the asset only: %s", r.body);
    it_response_free(&r);

    /* the external account exists at once */
    pf_call(&r, "GET", &c, NULL, "/accounts/external/BRL");
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(pf_str(&r, "alias"), "@external/BRL");
    cr_expect_str_eq(pf_str(&r, "type"), "external");
    cr_expect_str_eq(pf_str(&r, "name"), "External BRL");
    cr_expect_str_eq(pf_str(&r, "assetCode"), "BRL");
    cr_expect_str_eq(it_json_path_str(&r, "status.code"), "external");
    cr_expect_str_eq(it_json_path_str(&r, "status.description"), "Account external created by asset: BRL");
    cr_expect(pf_is_null(&r, "portfolioId") && pf_is_null(&r, "segmentId") && pf_is_null(&r, "entityId") &&
              pf_is_null(&r, "parentAccountId"));
    cr_expect(strstr(r.body, "\"blocked\":false") != NULL, "%s", r.body);
    it_response_free(&r);

    /* the same through the alias lookup, percent-encoded slash */
    pf_call(&r, "GET", &c, NULL, "/accounts/alias/@external%%2FBRL");
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);

    pf_call(&r, "GET", &c, NULL, "/assets/%s", asset);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(pf_str(&r, "id"), asset);
    it_response_free(&r);
}

Test(portfolio_assets, list_get_patch_count, .timeout = 60)
{
    pf_ctx c;
    it_response r;
    char a1[UUID_STR_LEN + 1];
    char a2[UUID_STR_LEN + 1];
    char created[64];

    pf_ctx_new(&c);
    pf_create(&c, "/assets",
              "{\"name\":\"Dollar\",\"type\":\"fiat\",\"code\":\"USD\","
              "\"status\":{\"code\":\"Pending\",\"description\":\"new\"}}",
              a1);
    pf_create(&c, "/assets",
              "{\"name\":\"Bitcoin\",\"type\":\"crypto\",\"code\":\"BTC\","
              "\"metadata\":{\"chain\":\"main\"}}",
              a2);

    pf_call(&r, "GET", &c, NULL, "/assets");
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_assert_eq(pf_items(&r), 2, "%s", it_describe(&r));
    cr_expect_str_eq(pf_obj_str(pf_item(&r, 0), "id"), a1);
    cr_expect_str_eq(pf_obj_str(pf_item(&r, 1), "id"), a2);
    cr_expect(strstr(r.body, "\"page\":1") && strstr(r.body, "\"limit\":10"), "%s", r.body);
    it_response_free(&r);

    pf_call(&r, "GET", &c, NULL, "/assets?sort_order=desc&limit=1");
    cr_assert_eq(pf_items(&r), 1, "%s", it_describe(&r));
    cr_expect_str_eq(pf_obj_str(pf_item(&r, 0), "id"), a2);
    it_response_free(&r);

    pf_call(&r, "GET", &c, NULL, "/assets?status=PENDING");
    cr_assert_eq(pf_items(&r), 1, "%s", it_describe(&r));
    cr_expect_str_eq(pf_obj_str(pf_item(&r, 0), "id"), a1);
    it_response_free(&r);

    pf_call(&r, "GET", &c, NULL, "/assets?metadata.chain=main");
    cr_assert_eq(pf_items(&r), 1, "%s", it_describe(&r));
    cr_expect_str_eq(pf_obj_str(pf_item(&r, 0), "id"), a2);
    it_response_free(&r);

    pf_call(&r, "GET", &c, NULL, "/assets?limit=101");
    pf_assert_error(&r, 400, "0080", NULL);
    it_response_free(&r);

    pf_call(&r, "HEAD", &c, NULL, "/assets/metrics/count");
    cr_expect_eq(r.status, 204, "%s", it_describe(&r));
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "2");
    it_response_free(&r);

    pf_call(&r, "GET", &c, NULL, "/assets/%s", a1);
    snprintf(created, sizeof(created), "%s", pf_str(&r, "createdAt"));
    it_response_free(&r);

    pf_call(&r, "PATCH", &c,
            "{\"name\":\"US Dollar\",\"status\":{\"description\":\"\"},\"metadata\":{\"x\":true}}",
            "/assets/%s", a1);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(pf_str(&r, "name"), "US Dollar");
    cr_expect_str_eq(pf_str(&r, "code"), "USD");
    cr_expect_str_eq(it_json_path_str(&r, "status.code"), "Pending");
    cr_expect(strstr(r.body, "\"description\":null") != NULL, "%s", r.body);
    cr_expect(strstr(r.body, "\"x\":true") != NULL, "%s", r.body);
    cr_expect_str_eq(pf_str(&r, "createdAt"), created);
    cr_expect_str_neq(pf_str(&r, "updatedAt"), created);
    it_response_free(&r);

    /* immutable members */
    pf_call(&r, "PATCH", &c, "{\"code\":\"EUR\"}", "/assets/%s", a1);
    pf_assert_error(&r, 400, "0053", "code");
    it_response_free(&r);
    pf_call(&r, "PATCH", &c, "{\"type\":\"crypto\"}", "/assets/%s", a1);
    pf_assert_error(&r, 400, "0053", "type");
    it_response_free(&r);

    /* PATCH to another live asset's name */
    pf_call(&r, "PATCH", &c, "{\"name\":\"Bitcoin\"}", "/assets/%s", a1);
    pf_assert_error(&r, 409, "0003", NULL);
    it_response_free(&r);
}

typedef struct asset_case {
    const char *body;
    long status;
    const char *code;
    const char *field;
} asset_case;

Test(portfolio_assets, create_validation_codes, .timeout = 60)
{
    static const asset_case cases[] = {
        {"{\"name\":\"X\",\"type\":\"Currency\",\"code\":\"BRL\"}", 400, "0040", NULL},
        {"{\"name\":\"X\",\"type\":\"stock\",\"code\":\"BRL\"}", 400, "0040", NULL},
        {"{\"name\":\"X\",\"type\":\"crypto\",\"code\":\"BTc\"}", 400, "0004", NULL},
        {"{\"name\":\"X\",\"type\":\"crypto\",\"code\":\"B1C\"}", 400, "0033", NULL},
        {"{\"name\":\"X\",\"type\":\"crypto\",\"code\":\"B-c\"}", 400, "0033", NULL},
        {"{\"name\":\"X\",\"type\":\"currency\",\"code\":\"ABC\"}", 400, "0005", NULL},
        {"{\"name\":\"X\",\"type\":\"fiat\",\"code\":\"BTC\"}", 400, "0005", NULL},
        {"{\"type\":\"crypto\",\"code\":\"BTC\"}", 400, "0009", "name"},
        {"{\"name\":\"\",\"type\":\"crypto\",\"code\":\"BTC\"}", 400, "0009", "name"},
        {"{\"name\":\"X\",\"type\":\"crypto\",\"code\":\"BTC\",\"id\":\"x\"}", 400, "0053", "id"},
        {"{\"name\":\"X\",\"type\":\"crypto\",\"code\":\"BTC\",\"metadata\":{\"a\":{}}}", 400, "0067",
         "metadata.a"},
        {"{\"name\":5,\"type\":\"crypto\",\"code\":\"BTC\"}", 400, "0094", NULL},
        {"[1]", 400, "0094", NULL},
    };
    pf_ctx c;
    it_response r;

    pf_ctx_new(&c);
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        pf_call(&r, "POST", &c, cases[i].body, "/assets");
        cr_expect_eq(r.status, cases[i].status, "case %zu %s: %s", i, cases[i].body, it_describe(&r));
        cr_expect(pf_str(&r, "code") && strcmp(pf_str(&r, "code"), cases[i].code) == 0,
                  "case %zu %s: want %s: %s", i, cases[i].body, cases[i].code, it_describe(&r));
        if (cases[i].field)
            pf_assert_error(&r, cases[i].status, cases[i].code, cases[i].field);
        it_response_free(&r);
    }
    /* nothing was created */
    pf_call(&r, "HEAD", &c, NULL, "/assets/metrics/count");
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "0");
    it_response_free(&r);
}

Test(portfolio_assets, duplicate_code_or_name_is_0003, .timeout = 60)
{
    pf_ctx c;
    it_response r;

    pf_ctx_new(&c);
    pf_create(&c, "/assets", "{\"name\":\"Gold\",\"type\":\"commodity\",\"code\":\"XAU\"}", NULL);
    pf_call(&r, "POST", &c, "{\"name\":\"Other\",\"type\":\"commodity\",\"code\":\"XAU\"}", "/assets");
    pf_assert_error(&r, 409, "0003", NULL);
    it_response_free(&r);
    pf_call(&r, "POST", &c, "{\"name\":\"Gold\",\"type\":\"others\",\"code\":\"GLD\"}", "/assets");
    pf_assert_error(&r, 409, "0003", NULL);
    it_response_free(&r);
    /* exact comparison: another case is another name */
    pf_call(&r, "POST", &c, "{\"name\":\"gold\",\"type\":\"others\",\"code\":\"GLD\"}", "/assets");
    cr_expect_eq(r.status, 201, "%s", it_describe(&r));
    it_response_free(&r);
    /* no second external account was left behind by the refused creates */
    pf_call(&r, "GET", &c, NULL, "/accounts?type=external");
    cr_expect_eq(pf_items(&r), 2, "%s", it_describe(&r));
    it_response_free(&r);
}

Test(portfolio_assets, path_checks_0038_0037_0007, .timeout = 60)
{
    pf_ctx c;
    pf_ctx bad;
    it_response r;
    char missing[UUID_STR_LEN + 1];

    pf_ctx_new(&c);
    uuid_v7_str(missing);

    bad = c;
    snprintf(bad.org, sizeof(bad.org), "%s", missing);
    pf_call(&r, "POST", &bad, "{\"name\":\"X\",\"type\":\"crypto\",\"code\":\"BTC\"}", "/assets");
    pf_assert_error(&r, 404, "0038", NULL);
    it_response_free(&r);

    bad = c;
    snprintf(bad.ledger, sizeof(bad.ledger), "%s", missing);
    pf_call(&r, "GET", &bad, NULL, "/assets");
    pf_assert_error(&r, 404, "0037", NULL);
    it_response_free(&r);

    /* HEAD count errors have no body */
    pf_call(&r, "HEAD", &bad, NULL, "/assets/metrics/count");
    cr_expect_eq(r.status, 404, "%s", it_describe(&r));
    cr_expect_eq(r.body_len, 0);
    it_response_free(&r);

    pf_call(&r, "GET", &c, NULL, "/assets/%s", missing);
    pf_assert_error(&r, 404, "0007", NULL);
    cr_expect_str_eq(pf_str(&r, "entityType"), "Asset");
    it_response_free(&r);

    pf_call(&r, "GET", &c, NULL, "/assets/not-a-uuid");
    pf_assert_error(&r, 400, "0065", "asset_id");
    it_response_free(&r);

    /* the body is checked before the path entities */
    pf_call(&r, "POST", &bad, "{\"name\":\"X\",\"type\":\"bad\",\"code\":\"BTC\"}", "/assets");
    pf_assert_error(&r, 400, "0040", NULL);
    it_response_free(&r);

    /* uppercase path ids are accepted */
    for (char *p = c.ledger; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    pf_call(&r, "GET", &c, NULL, "/assets");
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
}

Test(portfolio_assets, delete_refused_while_accounts_use_the_code, .timeout = 60)
{
    pf_ctx c;
    it_response r;
    char asset[UUID_STR_LEN + 1];

    pf_ctx_new(&c);
    pf_create(&c, "/assets", "{\"name\":\"Euro\",\"type\":\"currency\",\"code\":\"EUR\"}", asset);
    /* read-your-writes inside the service: an account right after its asset */
    pf_create(&c, "/accounts", "{\"assetCode\":\"EUR\",\"type\":\"deposit\"}", NULL);
    pf_call(&r, "DELETE", &c, NULL, "/assets/%s", asset);
    pf_assert_error(&r, 422, "0008", NULL);
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/assets/%s", asset);
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
}

Test(portfolio_assets, delete_with_unavailable_balance_close_is_503_and_keeps_everything, .timeout = 60)
{
    pf_ctx c;
    it_response r;
    char asset[UUID_STR_LEN + 1];

    /* The transaction service does not serve the balance close yet (it answers 404 0484), which the
     * portfolio service must treat as "unavailable": nothing is deleted. */
    pf_ctx_new(&c);
    pf_create(&c, "/assets", "{\"name\":\"Yen\",\"type\":\"currency\",\"code\":\"JPY\"}", asset);
    pf_call(&r, "DELETE", &c, NULL, "/assets/%s", asset);
    if (r.status == 204) {
        fprintf(stderr,
                "[it] the transaction service serves the balance close now; skipping the 503 check\n");
        it_response_free(&r);
        return;
    }
    pf_assert_error(&r, 503, "0901", NULL);
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/assets/%s", asset);
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/accounts/external/JPY");
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
}
