/* The legacy portfolio operation routes through the gateway (transactions.md 11 O4/O5): operations are
 * selected by the portfolioId recorded when they were written (an account moved to another portfolio
 * keeps its old operations where they were), with O1's parameters, envelope and errors, and 404 0007
 * (Portfolio) for an unknown or deleted portfolio. Each test uses its own organization and ledger. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "tx_helpers.h"
#include "util/mem.h"

static const char *const USD[] = {"USD", NULL};

static char *portfolio(const tx_fix *f, const char *name)
{
    it_response r;
    char *body = xasprintf("{\"name\":\"%s\"}", name);
    tx_lreq(f, "POST", "/portfolios", NULL, body, &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    char *id = xstrdup(it_json_str(&r, "id"));
    it_response_free(&r);
    free(body);
    return id;
}

/* GET {L}/portfolios/<p>/operations<query>; asserts 200 and returns the response. */
static void list(const tx_fix *f, const char *p, const char *query, it_response *r)
{
    tx_lreqf(f, "GET", NULL, r, "/portfolios/%s/operations%s", p, query);
    cr_assert_eq(r->status, 200, "%s", it_describe(r));
}

static size_t n_items(const it_response *r)
{
    json_object *items = tx_jget(r->json, "items");
    cr_assert(json_object_is_type(items, json_type_array), "%s", r->body);
    return json_object_array_length(items);
}

/* Polls the transaction service's account registry until the account's portfolio is `want`. */
static void wait_registry_portfolio(const char *account, const char *want)
{
    int64_t deadline = it_now_ms() + 20000;
    for (;;) {
        const char *params[] = {account};
        PGresult *res = it_pg_exec("TRANSACTION_DATABASE_URL",
                                   "SELECT portfolio_id::text FROM accounts WHERE id = $1::uuid", 1, params);
        bool ok = PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) && strcmp(PQgetvalue(res, 0, 0), want) == 0;
        PQclear(res);
        if (ok)
            return;
        cr_assert(it_now_ms() < deadline, "the registry never saw account %s move to %s", account, want);
        it_sleep_ms(100);
    }
}

Test(txn_legacy, portfolio_operations_list_and_get, .timeout = 120)
{
    tx_fix f, other;
    it_response r, t1, t2;
    tx_fix_init(&f, USD);
    tx_fix_init(&other, NULL);
    char *p1 = portfolio(&f, "P1");
    char *p2 = portfolio(&f, "P2");
    char *extra = xasprintf("\"portfolioId\":\"%s\"", p1);
    free(tx_account(&f, "USD", "@pa", "deposit", extra));
    free(tx_account(&f, "USD", "@pb", "deposit", extra));
    free(tx_account(&f, "USD", "@pc", "deposit", NULL));
    free(extra);

    tx_fund(&f, "USD", "@pa", "100"); /* CREDIT pa (P1) */
    cr_assert_eq(tx_transfer(&f, "USD", "@pa", "@pb", "10", &t1), 201, "%s",
                 it_describe(&t1)); /* DEBIT pa, CREDIT pb */
    cr_assert_eq(tx_transfer(&f, "USD", "@pa", "@pc", "5", &t2), 201, "%s",
                 it_describe(&t2)); /* DEBIT pa, CREDIT pc (null) */
    cr_expect_str_eq(tx_jstr(t2.json, "operations.0.portfolioId"), p1);
    cr_expect(json_object_is_type(tx_jget(t2.json, "operations.1.portfolioId"), json_type_null));

    /* O4: the four operations written with P1, id ascending, O1's envelope */
    list(&f, p1, "", &r);
    cr_assert_eq(n_items(&r), 4, "%s", r.body);
    cr_expect_eq(tx_jint(r.json, "limit"), 10);
    cr_expect_null(tx_jget(r.json, "next_cursor"));
    cr_expect_null(tx_jget(r.json, "prev_cursor"));
    json_object *items = tx_jget(r.json, "items");
    for (size_t i = 0; i < 4; i++) {
        json_object *op = json_object_array_get_idx(items, i);
        cr_expect_str_eq(tx_jstr(op, "portfolioId"), p1);
        if (i > 0)
            cr_expect(strcmp(tx_jstr(json_object_array_get_idx(items, i - 1), "id"), tx_jstr(op, "id")) < 0);
    }
    cr_expect_str_eq(tx_jstr(items, "0.type"), "CREDIT");
    cr_expect_str_eq(tx_jstr(items, "0.accountAlias"), "@pa");
    cr_expect_str_eq(tx_jstr(items, "2.accountAlias"), "@pb");
    it_response_free(&r);

    /* statement filters */
    list(&f, p1, "?type=debit", &r);
    cr_expect_eq(n_items(&r), 2, "%s", r.body);
    it_response_free(&r);
    list(&f, p1, "?direction=CREDIT", &r);
    cr_expect_eq(n_items(&r), 2, "%s", r.body);
    it_response_free(&r);
    list(&f, p1, "?type=OVERDRAFT", &r);
    cr_expect_eq(n_items(&r), 0);
    it_response_free(&r);
    list(&f, p1, "?metadata.none=x", &r);
    cr_expect_eq(n_items(&r), 0);
    it_response_free(&r);
    list(&f, p1, "?start_date=2000-01-01&end_date=2000-01-02", &r);
    cr_expect_eq(n_items(&r), 0);
    it_response_free(&r);
    list(&f, p1, "?sort_order=desc&limit=3", &r);
    cr_expect_eq(n_items(&r), 3);
    cr_expect_str_eq(tx_jstr(r.json, "items.0.accountAlias"), "@pa");
    cr_expect_str_eq(tx_jstr(r.json, "items.0.type"), "DEBIT");
    const char *next = tx_jstr(r.json, "next_cursor");
    cr_assert(next, "a next page: %s", r.body);
    char *q = xasprintf("?sort_order=desc&limit=3&cursor=%s", next);
    it_response r2;
    list(&f, p1, q, &r2);
    cr_expect_eq(n_items(&r2), 1);
    cr_expect_str_eq(tx_jstr(r2.json, "items.0.type"), "CREDIT");
    cr_expect_null(tx_jget(r2.json, "next_cursor"));
    cr_expect(tx_jstr(r2.json, "prev_cursor") != NULL);
    it_response_free(&r2);
    free(q);
    it_response_free(&r);

    /* O4 errors: O1's */
    tx_lreqf(&f, "GET", NULL, &r, "/portfolios/%s/operations?type=bogus", p1);
    tx_assert_error(&r, 400, "0082", "type");
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/portfolios/%s/operations?limit=0", p1);
    tx_assert_error(&r, 400, "0082", "limit");
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/portfolios/%s/operations?limit=101", p1);
    tx_assert_error(&r, 400, "0080", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/portfolios/%s/operations?direction=up", p1);
    tx_assert_error(&r, 400, "0082", "direction");
    it_response_free(&r);

    /* an empty portfolio lists nothing */
    list(&f, p2, "", &r);
    cr_expect_eq(n_items(&r), 0);
    it_response_free(&r);

    /* O5 */
    const char *debit_pa = tx_jstr(t2.json, "operations.0.id");
    const char *credit_pc = tx_jstr(t2.json, "operations.1.id");
    tx_lreqf(&f, "GET", NULL, &r, "/portfolios/%s/operations/%s", p1, debit_pa);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "id"), debit_pa);
    cr_expect_str_eq(tx_jstr(r.json, "accountAlias"), "@pa");
    cr_expect_str_eq(tx_jstr(r.json, "portfolioId"), p1);
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/portfolios/%s/operations/%s", p1, credit_pc);
    tx_assert_error(&r, 404, "0068", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/portfolios/%s/operations/%s", p2, debit_pa);
    tx_assert_error(&r, 404, "0068", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/portfolios/%s/operations/0196f1a2-7b1c-7d3e-9f00-0000000000a1", p1);
    tx_assert_error(&r, 404, "0068", NULL);
    it_response_free(&r);

    /* path checks: 0065, unknown portfolio 0007 (Portfolio), another ledger's portfolio, 0038/0037 */
    tx_lreqf(&f, "GET", NULL, &r, "/portfolios/%s/operations/bad", p1);
    tx_assert_error(&r, 400, "0065", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/portfolios/not-a-uuid/operations");
    tx_assert_error(&r, 400, "0065", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/portfolios/0196f1a2-7b1c-7d3e-9f00-0000000000a1/operations");
    tx_assert_error(&r, 404, "0007", NULL);
    cr_expect_str_eq(it_json_str(&r, "entityType"), "Portfolio");
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/portfolios/0196f1a2-7b1c-7d3e-9f00-0000000000a1/operations/%s", debit_pa);
    tx_assert_error(&r, 404, "0007", NULL);
    cr_expect_str_eq(it_json_str(&r, "entityType"), "Portfolio");
    it_response_free(&r);
    tx_lreqf(&other, "GET", NULL, &r, "/portfolios/%s/operations", p1);
    tx_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    char *path = xasprintf(
        "/v1/organizations/%s/ledgers/0196f1a2-7b1c-7d3e-9f00-0000000000a1/portfolios/%s/operations", f.org,
        p1);
    tx_req("GET", path, NULL, NULL, &r);
    tx_assert_error(&r, 404, "0037", NULL);
    it_response_free(&r);
    free(path);

    it_response_free(&t1);
    it_response_free(&t2);
    free(p1);
    free(p2);
}

Test(txn_legacy, portfolio_is_recorded_at_write_time, .timeout = 120)
{
    tx_fix f;
    it_response r, t;
    tx_fix_init(&f, USD);
    char *p1 = portfolio(&f, "P1");
    char *p3 = portfolio(&f, "P3");
    char *extra = xasprintf("\"portfolioId\":\"%s\"", p1);
    char *pb = tx_account(&f, "USD", "@pb", "deposit", extra);
    free(tx_account(&f, "USD", "@src", "deposit", NULL));
    free(extra);
    tx_fund(&f, "USD", "@pb", "10"); /* CREDIT pb under P1 */

    /* the account moves to P3: operations written afterwards carry P3, the old one stays under P1 */
    char *body = xasprintf("{\"portfolioId\":\"%s\"}", p3);
    tx_lreqf(&f, "PATCH", body, &r, "/accounts/%s", pb);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
    free(body);
    wait_registry_portfolio(pb, p3);
    cr_assert_eq(tx_transfer(&f, "USD", "@pb", "@src", "4", &t), 201, "%s", it_describe(&t));
    cr_expect_str_eq(tx_jstr(t.json, "operations.0.portfolioId"), p3);
    it_response_free(&t);

    list(&f, p1, "", &r);
    cr_expect_eq(n_items(&r), 1, "%s", r.body);
    cr_expect_str_eq(tx_jstr(r.json, "items.0.type"), "CREDIT");
    it_response_free(&r);
    list(&f, p3, "", &r);
    cr_expect_eq(n_items(&r), 1, "%s", r.body);
    cr_expect_str_eq(tx_jstr(r.json, "items.0.type"), "DEBIT");
    it_response_free(&r);

    /* a deleted portfolio answers 0007 once the deletion reached the registry */
    tx_lreqf(&f, "DELETE", NULL, &r, "/portfolios/%s", p1);
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);
    char *path = xasprintf("%s/portfolios/%s/operations", f.L, p1);
    char *url = it_url("GATEWAY_URL", path);
    it_response last;
    cr_expect(it_wait_status(url, 404, 20000, &last), "deleted portfolio still listed: %s",
              it_describe(&last));
    tx_assert_error(&last, 404, "0007", NULL);
    cr_expect_str_eq(it_json_str(&last, "entityType"), "Portfolio");
    it_response_free(&last);
    free(url);
    free(path);
    free(pb);
    free(p1);
    free(p3);
}
