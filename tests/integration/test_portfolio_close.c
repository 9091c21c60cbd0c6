/* Account and asset deletes against the transaction service's balance close (transactions.md 12.3).
 * The transaction service does not serve that endpoint yet, so these tests stop it and put a stand-in
 * on its port (pf_fake.h) that answers 204, 400 0012 or 500; the real service is restarted afterwards,
 * also when a test fails. Also covers the stopped-service case (503 0901). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "pf_fake.h"
#include "pf_it.h"
#include "util/mem.h"

#define ZERO_BALANCE_REFUSAL                                                                                 \
    "{\"code\":\"0012\",\"title\":\"Account Balance Deletion Error\",\"message\":\"balance not zero\"}"

/* Per test process (Criterion forks one per test). */
static pf_fake *fake = NULL;
static bool txn_stopped = false;

static void stop_transaction(void)
{
    int rc = it_stack("stop", "transaction");
    cr_assert_eq(rc, 0, "scripts/stack.sh stop transaction failed (%d)", rc);
    txn_stopped = true;
}

static void restore_transaction(void)
{
    pf_fake_stop(fake);
    fake = NULL;
    if (txn_stopped) {
        if (it_stack("start", "transaction") != 0)
            fprintf(stderr, "[it] could not restart the transaction service: later tests will fail\n");
        txn_stopped = false;
    }
}

Test(portfolio_close, account_delete_follows_the_balance_close, .fini = restore_transaction, .timeout = 180)
{
    pf_ctx c;
    it_response r;
    char acc[UUID_STR_LEN + 1];
    char acc2[UUID_STR_LEN + 1];
    char last[512];
    char want[256];

    pf_ctx_new(&c);
    pf_create(&c, "/assets", "{\"name\":\"Real\",\"type\":\"currency\",\"code\":\"BRL\"}", NULL);
    pf_create(&c, "/accounts", "{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"alias\":\"@del\"}", acc);
    pf_create(&c, "/accounts", "{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"alias\":\"@del2\"}", acc2);

    stop_transaction();
    /* transaction service down: 503 0901, nothing deleted */
    pf_call(&r, "DELETE", &c, NULL, "/accounts/%s", acc);
    pf_assert_error(&r, 503, "0901", NULL);
    it_response_free(&r);

    fake = pf_fake_start(400, ZERO_BALANCE_REFUSAL);
    pf_call(&r, "DELETE", &c, NULL, "/accounts/%s", acc);
    pf_assert_error(&r, 400, "0012", NULL);
    it_response_free(&r);
    snprintf(want, sizeof(want), "POST /internal/v1/organizations/%s/ledgers/%s/accounts/%s/balances/close",
             c.org, c.ledger, acc);
    cr_expect_eq(pf_fake_count(fake, last, sizeof(last)), 1);
    cr_expect(strncmp(last, want, strlen(want)) == 0, "close call: want \"%s\", got \"%s\"", want, last);
    pf_call(&r, "GET", &c, NULL, "/accounts/%s", acc);
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);

    /* any other refusal is "unavailable" */
    pf_fake_set(fake, 500,
                "{\"code\":\"0046\",\"title\":\"Internal Server Error\",\"message\":\"internal error\"}");
    pf_call(&r, "DELETE", &c, NULL, "/accounts/%s", acc);
    pf_assert_error(&r, 503, "0901", NULL);
    it_response_free(&r);
    pf_fake_set(fake, 400, "{\"code\":\"0093\",\"title\":\"Balance cannot be deleted\",\"message\":\"x\"}");
    pf_call(&r, "DELETE", &c, NULL, "/accounts/%s", acc);
    pf_assert_error(&r, 503, "0901", NULL);
    it_response_free(&r);

    pf_fake_set(fake, 204, NULL);
    pf_call(&r, "DELETE", &c, NULL, "/accounts/%s", acc);
    cr_expect_eq(r.status, 204, "%s", it_describe(&r));
    cr_expect_eq(r.body_len, 0);
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/accounts/%s", acc);
    pf_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/accounts/alias/@del");
    pf_assert_error(&r, 404, "0085", NULL);
    it_response_free(&r);
    pf_call(&r, "DELETE", &c, NULL, "/accounts/%s", acc);
    pf_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    /* the alias of a deleted account can be reused */
    pf_create(&c, "/accounts", "{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"alias\":\"@del\"}", NULL);
}

Test(portfolio_close, asset_delete_removes_its_external_accounts, .fini = restore_transaction, .timeout = 180)
{
    pf_ctx c;
    it_response r;
    char asset[UUID_STR_LEN + 1];
    char acc[UUID_STR_LEN + 1];
    char ext[UUID_STR_LEN + 1];

    pf_ctx_new(&c);
    pf_create(&c, "/assets", "{\"name\":\"Real\",\"type\":\"currency\",\"code\":\"BRL\"}", asset);
    pf_create(&c, "/accounts", "{\"assetCode\":\"BRL\",\"type\":\"deposit\"}", acc);
    pf_call(&r, "GET", &c, NULL, "/accounts/external/BRL");
    snprintf(ext, sizeof(ext), "%s", pf_str(&r, "id"));
    it_response_free(&r);

    stop_transaction();
    fake = pf_fake_start(204, NULL);

    /* a live non-external account uses the code: refused before any close call */
    pf_call(&r, "DELETE", &c, NULL, "/assets/%s", asset);
    pf_assert_error(&r, 422, "0008", NULL);
    it_response_free(&r);
    pf_call(&r, "DELETE", &c, NULL, "/accounts/%s", acc);
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);

    /* the external account's balance close refuses: nothing is deleted */
    pf_fake_set(fake, 400, ZERO_BALANCE_REFUSAL);
    pf_call(&r, "DELETE", &c, NULL, "/assets/%s", asset);
    pf_assert_error(&r, 400, "0012", NULL);
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/accounts/external/BRL");
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);

    pf_fake_set(fake, 204, NULL);
    pf_call(&r, "DELETE", &c, NULL, "/assets/%s", asset);
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);
    cr_expect_eq(pf_fake_count_matching(fake, ext), 2, "one close call per attempt for the external account");
    pf_call(&r, "GET", &c, NULL, "/assets/%s", asset);
    pf_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/accounts/external/BRL");
    pf_assert_error(&r, 404, "0085", NULL);
    it_response_free(&r);
    pf_call(&r, "HEAD", &c, NULL, "/accounts/metrics/count");
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "0");
    it_response_free(&r);

    /* the code can be used again, with a new external account */
    pf_create(&c, "/assets", "{\"name\":\"Real\",\"type\":\"currency\",\"code\":\"BRL\"}", NULL);
    pf_call(&r, "GET", &c, NULL, "/accounts/external/BRL");
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_neq(pf_str(&r, "id"), ext);
    it_response_free(&r);
}
