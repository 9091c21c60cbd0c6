/* Segment and portfolio routes through the gateway (api.md "Segments", "Portfolios"): create, list
 * with filters, get, PATCH semantics, count, soft delete (404 0007 afterwards, names reusable), the
 * segment name rule 0015 (exact, case-sensitive) and the portfolio's free-text entityId. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "pf_it.h"
#include "util/mem.h"

Test(portfolio_segments, crud_and_duplicate_names, .timeout = 60)
{
    pf_ctx c;
    it_response r;
    char s1[UUID_STR_LEN + 1];
    char s2[UUID_STR_LEN + 1];
    char missing[UUID_STR_LEN + 1];

    pf_ctx_new(&c);
    uuid_v7_str(missing);
    pf_call(&r, "POST", &c, "{\"name\":\"Retail\",\"metadata\":{\"region\":\"south\"}}", "/segments");
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    snprintf(s1, sizeof(s1), "%s", pf_str(&r, "id"));
    cr_expect_str_eq(pf_str(&r, "name"), "Retail");
    cr_expect_str_eq(pf_str(&r, "ledgerId"), c.ledger);
    cr_expect_str_eq(it_json_path_str(&r, "metadata.region"), "south");
    it_response_free(&r);

    pf_call(&r, "POST", &c, "{\"name\":\"Retail\"}", "/segments");
    pf_assert_error(&r, 409, "0015", NULL);
    it_response_free(&r);
    /* exact, case-sensitive: another case is another name */
    pf_create(&c, "/segments", "{\"name\":\"retail\"}", s2);

    pf_call(&r, "PATCH", &c, "{\"name\":\"Retail\"}", "/segments/%s", s2);
    pf_assert_error(&r, 409, "0015", NULL);
    it_response_free(&r);
    /* renaming to its own name is fine */
    pf_call(&r, "PATCH", &c, "{\"name\":\"Retail\",\"status\":{\"code\":\"X\",\"description\":\"d\"}}",
            "/segments/%s", s1);
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(it_json_path_str(&r, "status.description"), "d");
    it_response_free(&r);

    pf_call(&r, "GET", &c, NULL, "/segments?status=x");
    cr_expect_eq(pf_items(&r), 1, "%s", it_describe(&r));
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/segments");
    cr_expect_eq(pf_items(&r), 2, "%s", it_describe(&r));
    it_response_free(&r);
    pf_call(&r, "HEAD", &c, NULL, "/segments/metrics/count");
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "2");
    it_response_free(&r);

    pf_call(&r, "DELETE", &c, NULL, "/segments/%s", s1);
    cr_expect_eq(r.status, 204, "%s", it_describe(&r));
    cr_expect_eq(r.body_len, 0);
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/segments/%s", s1);
    pf_assert_error(&r, 404, "0007", NULL);
    cr_expect_str_eq(pf_str(&r, "entityType"), "Segment");
    it_response_free(&r);
    pf_call(&r, "DELETE", &c, NULL, "/segments/%s", s1);
    pf_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    pf_call(&r, "PATCH", &c, "{}", "/segments/%s", missing);
    pf_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    /* the name of a deleted segment can be reused */
    pf_create(&c, "/segments", "{\"name\":\"Retail\"}", NULL);

    pf_call(&r, "POST", &c, "{\"name\":\"x\",\"code\":1}", "/segments");
    pf_assert_error(&r, 400, "0053", "code");
    it_response_free(&r);
}

Test(portfolio_segments, portfolios_crud_and_entity_filter, .timeout = 60)
{
    pf_ctx c;
    it_response r;
    char p1[UUID_STR_LEN + 1];
    char p2[UUID_STR_LEN + 1];

    pf_ctx_new(&c);
    pf_call(&r, "POST", &c, "{\"name\":\"Alice Silva\",\"entityId\":\"CUST-001\"}", "/portfolios");
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    snprintf(p1, sizeof(p1), "%s", pf_str(&r, "id"));
    cr_expect_str_eq(pf_str(&r, "entityId"), "CUST-001");
    it_response_free(&r);
    pf_call(&r, "POST", &c, "{\"name\":\"Alice Silva\"}", "/portfolios"); /* names are not unique */
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    snprintf(p2, sizeof(p2), "%s", pf_str(&r, "id"));
    cr_expect(pf_is_null(&r, "entityId"), "%s", r.body);
    it_response_free(&r);

    pf_call(&r, "GET", &c, NULL, "/portfolios?entity_id=CUST-001");
    cr_assert_eq(pf_items(&r), 1, "%s", it_describe(&r));
    cr_expect_str_eq(pf_obj_str(pf_item(&r, 0), "id"), p1);
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/portfolios?entity_id=cust-001");
    cr_expect_eq(pf_items(&r), 0, "%s", it_describe(&r));
    it_response_free(&r);

    pf_call(&r, "PATCH", &c, "{\"entityId\":\"CUST-002\",\"name\":\"\"}", "/portfolios/%s", p2);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(pf_str(&r, "entityId"), "CUST-002");
    cr_expect_str_eq(pf_str(&r, "name"), "Alice Silva");
    it_response_free(&r);
    pf_call(&r, "PATCH", &c, "{\"entityId\":null}", "/portfolios/%s", p2);
    cr_expect(pf_is_null(&r, "entityId"), "%s", it_describe(&r));
    it_response_free(&r);

    pf_call(&r, "GET", &c, NULL, "/portfolios/%s", p1);
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
    pf_call(&r, "HEAD", &c, NULL, "/portfolios/metrics/count");
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "2");
    it_response_free(&r);

    /* a portfolio delete never blocks; the account keeps its portfolioId */
    char *body = xasprintf("{\"name\":\"R\",\"type\":\"crypto\",\"code\":\"ETH\"}");
    pf_create(&c, "/assets", body, NULL);
    free(body);
    body = xasprintf("{\"assetCode\":\"ETH\",\"type\":\"wallet\",\"portfolioId\":\"%s\"}", p1);
    char acc[UUID_STR_LEN + 1];
    pf_create(&c, "/accounts", body, acc);
    free(body);
    pf_call(&r, "DELETE", &c, NULL, "/portfolios/%s", p1);
    cr_expect_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/portfolios/%s", p1);
    pf_assert_error(&r, 404, "0007", NULL);
    cr_expect_str_eq(pf_str(&r, "entityType"), "Portfolio");
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/accounts/%s", acc);
    cr_expect_str_eq(pf_str(&r, "portfolioId"), p1);
    it_response_free(&r);
    pf_call(&r, "HEAD", &c, NULL, "/portfolios/metrics/count");
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "1");
    it_response_free(&r);
}
