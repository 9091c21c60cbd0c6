/* Transactions through the gateway (transactions.md 1-7, 10, 14): T1 json / T2 inflow / T3 outflow
 * success paths and response shape, the worked examples of section 4 end to end, decimal edge cases
 * (0.1 + 0.2, 38 digits, 18 fractional digits, overflow 0097), every create error code of 5.1, pending
 * creates, back-dating, and T8 get / T9 cursor list / T10 PATCH / T11 count. Each test uses its own
 * organization and ledger on a stack started by scripts/stack.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "tx_helpers.h"
#include "util/mem.h"

static const char *const USD[] = {"USD", NULL};
static const char *const USD_EUR[] = {"USD", "EUR", NULL};

#define LEG_AMT(alias, v)                                                                                    \
    "{\"accountAlias\":\"" alias "\",\"amount\":{\"asset\":\"USD\",\"value\":\"" v "\"}}"

static void post(const tx_fix *f, const char *endpoint, const char *body, it_response *r)
{
    char *suffix = xasprintf("/transactions/%s", endpoint);
    tx_lreq(f, "POST", suffix, NULL, body, r);
    free(suffix);
}

/* POST and assert the error. */
static void post_err(const tx_fix *f, const char *endpoint, const char *body, long status, const char *code,
                     const char *field)
{
    it_response r;
    post(f, endpoint, body, &r);
    tx_assert_error(&r, status, code, field);
    it_response_free(&r);
}

static void setup_alice_bob(tx_fix *f, const char *const *assets)
{
    tx_fix_init(f, assets);
    free(tx_account(f, "USD", "@alice", "deposit", NULL));
    free(tx_account(f, "USD", "@bob", "deposit", NULL));
}

/* ---- success paths ---------------------------------------------------------------------------- */

Test(txn_create, json_transfer_returns_the_transaction_and_moves_money, .timeout = 120)
{
    tx_fix f;
    it_response r, g;
    setup_alice_bob(&f, USD);
    tx_fund(&f, "USD", "@alice", "100");

    post(&f, "json",
         "{\"description\":\"p2p\",\"chartOfAccountsGroupName\":\"G1\",\"code\":\"C-1\",\"metadata\":{\"k\":"
         "\"v\"},"
         "\"send\":{\"asset\":\"USD\",\"value\":\"25.50\",\"source\":{\"from\":[" LEG_AMT(
             "@alice",
             "25.5") "]},\"distribute\":{\"to\":[{\"accountAlias\":\"@bob\",\"share\":{\"percentage\":100},"
                     "\"chartOfAccounts\":\"4001\",\"description\":\"to bob\",\"metadata\":{\"leg\":1}}]}}}",
         &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(it_header_get(&r, "X-Idempotency-Replayed"), "false");
    json_object *t = r.json;
    cr_expect(it_is_uuid(tx_jstr(t, "id"), 7));
    cr_expect(json_object_is_type(tx_jget(t, "parentTransactionId"), json_type_null));
    cr_expect_str_eq(tx_jstr(t, "description"), "p2p");
    cr_expect_str_eq(tx_jstr(t, "status.code"), "APPROVED");
    cr_expect(json_object_is_type(tx_jget(t, "status.description"), json_type_null));
    cr_expect_str_eq(tx_jstr(t, "amount"), "25.5");
    cr_expect_str_eq(tx_jstr(t, "assetCode"), "USD");
    cr_expect_str_eq(tx_jstr(t, "chartOfAccountsGroupName"), "G1");
    cr_expect_null(tx_jget(t, "code"), "code is never returned");
    cr_expect_str_eq(tx_jstr(t, "source.0"), "@alice");
    cr_expect_str_eq(tx_jstr(t, "destination.0"), "@bob");
    cr_expect_str_eq(tx_jstr(t, "organizationId"), f.org);
    cr_expect_str_eq(tx_jstr(t, "ledgerId"), f.ledger);
    cr_expect(it_is_rfc3339_micro_z(tx_jstr(t, "createdAt")));
    cr_expect_str_eq(tx_jstr(t, "createdAt"), tx_jstr(t, "updatedAt"));
    cr_expect(json_object_is_type(tx_jget(t, "deletedAt"), json_type_null));
    cr_expect_str_eq(tx_jstr(t, "metadata.k"), "v");
    json_object *ops = tx_jget(t, "operations");
    cr_assert_eq(json_object_array_length(ops), 2);
    /* sources first, ids ascending */
    cr_expect(strcmp(tx_jstr(ops, "0.id"), tx_jstr(ops, "1.id")) < 0);
    cr_expect(strcmp(tx_jstr(t, "id"), tx_jstr(ops, "0.id")) < 0);
    cr_expect_str_eq(tx_jstr(ops, "0.type"), "DEBIT");
    cr_expect_str_eq(tx_jstr(ops, "0.direction"), "debit");
    cr_expect_str_eq(tx_jstr(ops, "0.accountAlias"), "@alice");
    cr_expect_str_eq(tx_jstr(ops, "0.balanceKey"), "default");
    cr_expect_str_eq(tx_jstr(ops, "0.description"), "p2p");
    cr_expect_str_eq(tx_jstr(ops, "0.chartOfAccounts"), "");
    cr_expect_str_eq(tx_jstr(ops, "0.amount.value"), "25.5");
    cr_expect_str_eq(tx_jstr(ops, "0.balance.available"), "100");
    cr_expect_eq(tx_jint(ops, "0.balance.version"), 1);
    cr_expect_str_eq(tx_jstr(ops, "0.balanceAfter.available"), "74.5");
    cr_expect_str_eq(tx_jstr(ops, "0.balanceAfter.onHold"), "0");
    cr_expect_eq(tx_jint(ops, "0.balanceAfter.version"), 2);
    cr_expect(json_object_get_boolean(tx_jget(ops, "0.balanceAffected")));
    cr_expect_str_eq(tx_jstr(ops, "0.status.code"), "APPROVED");
    cr_expect(json_object_is_type(tx_jget(ops, "0.portfolioId"), json_type_null));
    cr_expect_eq(json_object_object_length(tx_jget(ops, "0.metadata")), 0,
                 "transaction metadata is not copied");
    cr_expect_str_eq(tx_jstr(ops, "1.type"), "CREDIT");
    cr_expect_str_eq(tx_jstr(ops, "1.direction"), "credit");
    cr_expect_str_eq(tx_jstr(ops, "1.description"), "to bob");
    cr_expect_str_eq(tx_jstr(ops, "1.chartOfAccounts"), "4001");
    cr_expect_str_eq(tx_jstr(ops, "1.balance.available"), "0");
    cr_expect_eq(tx_jint(ops, "1.balance.version"), 0);
    cr_expect_str_eq(tx_jstr(ops, "1.balanceAfter.available"), "25.5");
    cr_expect_eq(tx_jint(ops, "1.balanceAfter.version"), 1);
    cr_expect_eq(tx_jint(ops, "1.metadata.leg"), 1);
    cr_expect_str_eq(tx_jstr(ops, "1.transactionId"), tx_jstr(t, "id"));

    /* T8 returns the same representation */
    tx_lreqf(&f, "GET", NULL, &g, "/transactions/%s", tx_jstr(t, "id"));
    cr_assert_eq(g.status, 200, "%s", it_describe(&g));
    cr_expect(json_object_equal(g.json, t), "GET differs:\n%s\n%s", g.body, r.body);
    it_response_free(&g);

    tx_expect_available(&f, "@alice", NULL, "74.5");
    tx_expect_available(&f, "@bob", NULL, "25.5");
    tx_expect_available(&f, "@external/USD", NULL, "-100");
    it_response_free(&r);
}

Test(txn_create, inflow_and_outflow_use_the_external_account, .timeout = 120)
{
    tx_fix f;
    it_response r;
    setup_alice_bob(&f, USD);

    post(&f, "inflow",
         "{\"send\":{\"asset\":\"USD\",\"value\":\"40\",\"distribute\":{\"to\":[" LEG_AMT("@alice",
                                                                                          "40") "]}}}",
         &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "source.0"), "@external/USD");
    cr_expect_str_eq(tx_jstr(r.json, "operations.0.accountAlias"), "@external/USD");
    cr_expect_str_eq(tx_jstr(r.json, "operations.0.balanceAfter.available"), "-40");
    it_response_free(&r);

    post(
        &f, "outflow",
        "{\"send\":{\"asset\":\"USD\",\"value\":\"15\",\"source\":{\"from\":[" LEG_AMT("@alice", "15") "]}}}",
        &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "destination.0"), "@external/USD");
    cr_expect_str_eq(tx_jstr(r.json, "operations.1.type"), "CREDIT");
    it_response_free(&r);

    tx_expect_available(&f, "@alice", NULL, "25");
    tx_expect_available(&f, "@external/USD", NULL, "-25");

    /* inflow refuses pending and source; outflow refuses distribute */
    post_err(&f, "inflow",
             "{\"pending\":true,\"send\":{\"asset\":\"USD\",\"value\":\"1\",\"distribute\":{\"to\":[" LEG_AMT(
                 "@alice", "1") "]}}}",
             400, "0053", "pending");
    post_err(&f, "outflow",
             "{\"send\":{\"asset\":\"USD\",\"value\":\"1\",\"source\":{\"from\":[" LEG_AMT(
                 "@alice", "1") "]},\"distribute\":{\"to\":[" LEG_AMT("@bob", "1") "]}}}",
             400, "0053", "send.distribute");
}

/* ---- worked examples of section 4 ------------------------------------------------------------------ */

static void expect_op_amounts(json_object *t, const char *const *aliases, const char *const *amounts,
                              size_t n)
{
    json_object *ops = tx_jget(t, "operations");
    cr_assert_eq(json_object_array_length(ops), n, "%s", json_object_to_json_string(t));
    for (size_t i = 0; i < n; i++) {
        json_object *op = json_object_array_get_idx(ops, i);
        cr_expect_str_eq(tx_jstr(op, "accountAlias"), aliases[i], "op %zu", i);
        cr_expect_str_eq(tx_jstr(op, "amount.value"), amounts[i], "op %zu of %s", i, aliases[i]);
    }
}

Test(txn_create, worked_examples_end_to_end, .timeout = 180)
{
    tx_fix f;
    it_response r;
    tx_fix_init(&f, USD);
    const char *const names[] = {"@src", "@bob", "@carol", "@dave", "@a", "@b", "@c", "@x", "@y", "@z", "@w"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        free(tx_account(&f, "USD", names[i], "deposit", NULL));
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/alias/%%40dave/balances");
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    const char *dave = tx_jstr(r.json, "items.0.accountId");
    cr_assert(dave);
    char *dave_id = xstrdup(dave);
    it_response_free(&r);
    tx_lreqf(&f, "POST", "{\"key\":\"savings\"}", &r, "/accounts/%s/balances", dave_id);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    it_response_free(&r);
    free(dave_id);
    tx_fund(&f, "USD", "@src", "1000");
    tx_fund(&f, "USD", "@x", "100");
    tx_fund(&f, "USD", "@y", "100");

    /* E1 */
    post(&f, "json",
         "{\"send\":{\"asset\":\"USD\",\"value\":\"100\",\"source\":{\"from\":[" LEG_AMT(
             "@src",
             "100") "]},\"distribute\":{\"to\":[{\"accountAlias\":\"@bob\",\"share\":{\"percentage\":50}},"
                    "{\"accountAlias\":\"@carol\",\"share\":{\"percentage\":50,\"percentageOfPercentage\":50}"
                    "},"
                    "{\"accountAlias\":\"@dave\",\"balanceKey\":\"savings\",\"remaining\":\"remaining\"}]}}}",
         &r);
    cr_assert_eq(r.status, 201, "E1: %s", it_describe(&r));
    {
        const char *const al[] = {"@src", "@bob", "@carol", "@dave"};
        const char *const am[] = {"100", "50", "25", "25"};
        expect_op_amounts(r.json, al, am, 4);
        cr_expect_str_eq(tx_jstr(r.json, "operations.3.balanceKey"), "savings");
    }
    it_response_free(&r);
    tx_expect_available(&f, "@dave", "savings", "25");
    tx_expect_available(&f, "@dave", NULL, "0");

    /* E2 */
    post(&f, "json",
         "{\"send\":{\"asset\":\"USD\",\"value\":\"0.10\",\"source\":{\"from\":[" LEG_AMT(
             "@src",
             "0.10") "]},\"distribute\":{\"to\":[{\"accountAlias\":\"@a\",\"share\":{\"percentage\":33}},"
                     "{\"accountAlias\":\"@b\",\"share\":{\"percentage\":33}},{\"accountAlias\":\"@c\","
                     "\"remaining\":\"r\"}]}}}",
         &r);
    cr_assert_eq(r.status, 201, "E2: %s", it_describe(&r));
    {
        const char *const al[] = {"@src", "@a", "@b", "@c"};
        const char *const am[] = {"0.1", "0.033", "0.033", "0.034"};
        expect_op_amounts(r.json, al, am, 4);
    }
    it_response_free(&r);

    /* E3 */
    post(&f, "json",
         "{\"send\":{\"asset\":\"USD\",\"value\":\"200\",\"source\":{\"from\":[{\"accountAlias\":\"@x\","
         "\"share\":"
         "{\"percentage\":50}},{\"accountAlias\":\"@y\",\"share\":{\"percentage\":50}}]},\"distribute\":{"
         "\"to\":["
         "{\"accountAlias\":\"@z\",\"share\":{\"percentage\":25,\"percentageOfPercentage\":40}},"
         "{\"accountAlias\":\"@w\",\"remaining\":\"remaining\"}]}}}",
         &r);
    cr_assert_eq(r.status, 201, "E3: %s", it_describe(&r));
    {
        const char *const al[] = {"@x", "@y", "@z", "@w"};
        const char *const am[] = {"100", "100", "20", "180"};
        expect_op_amounts(r.json, al, am, 4);
    }
    it_response_free(&r);

    /* E4 - E8 */
    post_err(&f, "json",
             "{\"send\":{\"asset\":\"USD\",\"value\":\"100\",\"source\":{\"from\":[" LEG_AMT(
                 "@src",
                 "100") "]},\"distribute\":{\"to\":[{\"accountAlias\":\"@a\",\"share\":{\"percentage\":60}},"
                        "{\"accountAlias\":\"@b\",\"share\":{\"percentage\":60}}]}}}",
             400, "0073", NULL);
    post_err(
        &f, "json",
        "{\"send\":{\"asset\":\"USD\",\"value\":\"100\",\"source\":{\"from\":[" LEG_AMT(
            "@src", "100") "]},\"distribute\":{\"to\":[{\"accountAlias\":\"@a\",\"remaining\":\"remaining\"},"
                           "{\"accountAlias\":\"@b\",\"share\":{\"percentage\":10}}]}}}",
        400, "0072", NULL);
    post_err(
        &f, "json",
        "{\"send\":{\"asset\":\"USD\",\"value\":\"100\",\"source\":{\"from\":[" LEG_AMT(
            "@src", "100") "]},\"distribute\":{\"to\":[" LEG_AMT("@a", "100") ",{\"accountAlias\":\"@b\","
                                                                              "\"remaining\":\"r\"}]}}}",
        400, "0073", NULL);
    post_err(
        &f, "json",
        "{\"send\":{\"asset\":\"USD\",\"value\":\"0.000000000000000003\",\"source\":{\"from\":[" LEG_AMT(
            "@src",
            "0.000000000000000003") "]},\"distribute\":{\"to\":[{\"accountAlias\":\"@a\",\"share\":"
                                    "{\"percentage\":50}},{\"accountAlias\":\"@b\",\"remaining\":\"r\"}]}}}",
        400, "0047", "send.distribute.to[0].share");
    post_err(&f, "json",
             "{\"send\":{\"asset\":\"USD\",\"value\":\"100\",\"source\":{\"from\":[" LEG_AMT(
                 "@src", "0") "]},\"distribute\":{\"to\":[" LEG_AMT("@a", "100") "]}}}",
             422, "0125", NULL);

    /* E9 */
    post(
        &f, "json",
        "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[" LEG_AMT(
            "@src", "10") "]},\"distribute\":{\"to\":[{\"accountAlias\":\"@a\",\"share\":{\"percentage\":100,"
                          "\"percentageOfPercentage\":0}}]}}}",
        &r);
    cr_assert_eq(r.status, 201, "E9: %s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "operations.1.amount.value"), "10");
    it_response_free(&r);
}

/* ---- decimals end to end ----------------------------------------------------------------------- */

Test(txn_create, decimal_edge_cases_are_exact, .timeout = 120)
{
    tx_fix f;
    it_response r;
    setup_alice_bob(&f, USD);

    /* 0.1 + 0.2 == 0.3, number and string inputs alike */
    post(&f, "inflow",
         "{\"send\":{\"asset\":\"USD\",\"value\":0.1,\"distribute\":{\"to\":[{\"accountAlias\":\"@alice\","
         "\"amount\":"
         "{\"asset\":\"USD\",\"value\":0.1}}]}}}",
         &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    it_response_free(&r);
    tx_fund(&f, "USD", "@alice", "0.2");
    tx_expect_available(&f, "@alice", NULL, "0.3");

    /* 18 fractional digits */
    tx_fund(&f, "USD", "@bob", "0.000000000000000001");
    tx_expect_available(&f, "@bob", NULL, "0.000000000000000001");
    /* 38 significant digits with 18 fractional digits, exactly */
    tx_fund(&f, "USD", "@bob", "12345678901234567890.123456789012345678");
    tx_expect_available(&f, "@bob", NULL, "12345678901234567890.123456789012345679");
    /* canonical output of exponent input */
    post(&f, "inflow",
         "{\"send\":{\"asset\":\"USD\",\"value\":\"1.5E-3\",\"distribute\":{\"to\":[{\"accountAlias\":\"@"
         "alice\","
         "\"amount\":{\"asset\":\"USD\",\"value\":15e-4}}]}}}",
         &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "amount"), "0.0015");
    it_response_free(&r);

    /* limits: 39 digits, 19 fractional digits, a huge exponent (answered at once) */
    post_err(
        &f, "inflow",
        "{\"send\":{\"asset\":\"USD\",\"value\":\"123456789012345678901234567890123456789\",\"distribute\":{"
        "\"to\":[{\"accountAlias\":\"@alice\",\"remaining\":\"r\"}]}}}",
        400, "0047", "send.value");
    post_err(&f, "inflow",
             "{\"send\":{\"asset\":\"USD\",\"value\":\"0.0000000000000000001\",\"distribute\":{"
             "\"to\":[{\"accountAlias\":\"@alice\",\"remaining\":\"r\"}]}}}",
             400, "0047", "send.value");
    post(&f, "inflow",
         "{\"send\":{\"asset\":\"USD\",\"value\":1e999999999,\"distribute\":{\"to\":[{\"accountAlias\":\"@"
         "alice\","
         "\"remaining\":\"r\"}]}}}",
         &r);
    tx_assert_error(&r, 400, "0047", "send.value");
    cr_expect(r.elapsed_s < 2.0, "huge exponent took %.2f s", r.elapsed_s);
    it_response_free(&r);
    post_err(
        &f, "inflow",
        "{\"send\":{\"asset\":\"USD\",\"value\":\"1,5\",\"distribute\":{\"to\":[{\"accountAlias\":\"@alice\","
        "\"remaining\":\"r\"}]}}}",
        400, "0094", NULL);

    tx_expect_available(&f, "@alice", NULL, "0.3015");
}

/* Overflow: a balance result beyond 38 significant digits -> 422 0097, and nothing changes. */
Test(txn_create, overflow_is_0097_and_leaves_no_trace, .timeout = 120)
{
    tx_fix f;
    it_response r;
    setup_alice_bob(&f, USD);
    tx_fund(&f, "USD", "@alice", "99999999999999999999999999999999999999");
    post(
        &f, "inflow",
        "{\"send\":{\"asset\":\"USD\",\"value\":\"1\",\"distribute\":{\"to\":[" LEG_AMT("@alice", "1") "]}}}",
        &r);
    tx_assert_error(&r, 422, "0097", NULL);
    it_response_free(&r);
    tx_expect_available(&f, "@alice", NULL, "99999999999999999999999999999999999999");
    tx_expect_available(&f, "@external/USD", NULL, "-99999999999999999999999999999999999999");
    json_object *b = tx_balance(&f, "@alice", NULL);
    cr_expect_eq(tx_jint(b, "version"), 1);
    json_object_put(b);
}

/* ---- errors of 5.1 ---------------------------------------------------------------------------- */

Test(txn_errors, body_and_path_codes, .timeout = 120)
{
    tx_fix f;
    it_response r;
    setup_alice_bob(&f, USD);
    tx_fund(&f, "USD", "@alice", "10");
#define SEND10                                                                                               \
    "\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[" LEG_AMT(                           \
        "@alice", "10") "]},\"distribute\":{\"to\":[" LEG_AMT("@bob", "10") "]}}"

    post_err(&f, "json", "{\"send\":", 400, "0094", NULL);
    post_err(&f, "json", "[]", 400, "0094", NULL);
    post_err(&f, "json", "{\"pending\":\"yes\"," SEND10 "}", 400, "0094", NULL);
    post_err(&f, "json", "{\"description\":\"a\",\"description\":\"b\"," SEND10 "}", 400, "0094", NULL);
    post_err(&f, "json", "{\"metadata\":{\"a\":[[[[[[[[[[1]]]]]]]]]]}," SEND10 "}", 400, "0144", NULL);
    post_err(&f, "json", "{\"routeId\":\"x\"," SEND10 "}", 400, "0053", "routeId");
    post_err(&f, "json", "{\"description\":\"a\\u0000\"," SEND10 "}", 400, "0047", "description");
    post_err(&f, "json", "{}", 400, "0009", "send");
    post_err(&f, "json", "{\"metadata\":{\"n\":{\"x\":1}}," SEND10 "}", 400, "0067", "metadata.n");
    {
        char key[102], val[2002];
        memset(key, 'k', 101);
        key[101] = '\0';
        memset(val, 'v', 2001);
        val[2001] = '\0';
        char *b1 = xasprintf("{\"metadata\":{\"%s\":1}," SEND10 "}", key);
        char *f1 = xasprintf("metadata.%s", key);
        post_err(&f, "json", b1, 400, "0050", f1);
        char *b2 =
            xasprintf("{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[{"
                      "\"accountAlias\":\"@alice\",\"metadata\":{\"v\":\"%s\"},\"amount\":{\"asset\":\"USD\","
                      "\"value\":\"10\"}}]},\"distribute\":{\"to\":[" LEG_AMT("@bob", "10") "]}}}",
                      val);
        post_err(&f, "json", b2, 400, "0051", "send.source.from[0].metadata.v");
        free(b1);
        free(f1);
        free(b2);
    }
    post_err(
        &f, "json",
        "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[{\"accountAlias\":\"@alice\","
        "\"amount\":{\"asset\":\"EUR\",\"value\":\"10\"}}]},\"distribute\":{\"to\":[" LEG_AMT("@bob",
                                                                                              "10") "]}}}",
        400, "0047", "send.source.from[0].amount.asset");
    post_err(&f, "json",
             "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[" LEG_AMT(
                 "@alice", "10") "]},\"distribute\":{\"to\":[{\"accountAlias\":\"@bob\"}]}}}",
             400, "0072", NULL);
    post_err(&f, "json", "{\"pending\":true,\"transactionDate\":\"2020-01-01\"," SEND10 "}", 400, "0122",
             NULL);
    post_err(&f, "json", "{\"transactionDate\":\"2999-01-01T00:00:00Z\"," SEND10 "}", 400, "0121", NULL);
    post_err(&f, "json", "{\"transactionDate\":\"01/02/2020\"," SEND10 "}", 400, "0047", "transactionDate");
    post_err(&f, "json",
             "{\"send\":{\"asset\":\"USD\",\"value\":\"-1\",\"source\":{\"from\":[" LEG_AMT(
                 "@alice", "10") "]},\"distribute\":{\"to\":[" LEG_AMT("@bob", "10") "]}}}",
             422, "0125", NULL);
    post_err(&f, "json",
             "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[" LEG_AMT(
                 "@alice", "10") "]},\"distribute\":{\"to\":[" LEG_AMT("@alice", "10") "]}}}",
             400, "0090", NULL);
    post_err(&f, "json",
             "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[" LEG_AMT(
                 "@alice", "10") "]},\"distribute\":{\"to\":[" LEG_AMT("@bob", "9") "]}}}",
             400, "0073", NULL);

    /* path ids and path entities */
    tx_req("POST", "/v1/organizations/nope/ledgers/also-nope/transactions/json", NULL, "{" SEND10 "}", &r);
    tx_assert_error(&r, 400, "0065", "organization_id");
    it_response_free(&r);
    char *p = xasprintf("/v1/organizations/%s/ledgers/0190a1b2-0000-7000-8000-000000000001/transactions/json",
                        f.org);
    tx_req("POST", p, NULL, "{" SEND10 "}", &r);
    tx_assert_error(&r, 404, "0037", NULL);
    it_response_free(&r);
    free(p);
    p = xasprintf("/v1/organizations/0190a1b2-0000-7000-8000-000000000002/ledgers/%s/transactions/json",
                  f.ledger);
    tx_req("POST", p, NULL, "{" SEND10 "}", &r);
    tx_assert_error(&r, 404, "0038", NULL);
    it_response_free(&r);
    free(p);

    /* body too large */
    size_t big = 1024 * 1024 + 16;
    char *huge = xmalloc(big + 1);
    memset(huge, ' ', big);
    huge[0] = '{';
    huge[big - 1] = '}';
    huge[big] = '\0';
    post(&f, "json", huge, &r);
    cr_expect_eq(r.status, 413, "%s", it_describe(&r));
    it_response_free(&r);
    free(huge);
    tx_expect_available(&f, "@alice", NULL, "10");
}

Test(txn_errors, state_codes_under_lock, .timeout = 120)
{
    tx_fix f;
    it_response r;
    setup_alice_bob(&f, USD_EUR);
    free(tx_account(&f, "EUR", "@euro", "deposit", NULL));
    tx_fund(&f, "USD", "@alice", "10");

    /* 0019: unknown alias; unknown balance key */
    post_err(&f, "json",
             "{\"send\":{\"asset\":\"USD\",\"value\":\"1\",\"source\":{\"from\":[" LEG_AMT(
                 "@alice", "1") "]},\"distribute\":{\"to\":[" LEG_AMT("@nobody", "1") "]}}}",
             422, "0019", NULL);
    post_err(&f, "json",
             "{\"send\":{\"asset\":\"USD\",\"value\":\"1\",\"source\":{\"from\":[" LEG_AMT(
                 "@alice", "1") "]},\"distribute\":{\"to\":[{\"accountAlias\":\"@bob\",\"balanceKey\":"
                                "\"nokey\",\"amount\":{\"asset\":"
                                "\"USD\",\"value\":\"1\"}}]}}}",
             422, "0019", NULL);
    /* 0034: a balance of another asset */
    post_err(&f, "json",
             "{\"send\":{\"asset\":\"USD\",\"value\":\"1\",\"source\":{\"from\":[" LEG_AMT(
                 "@alice", "1") "]},\"distribute\":{\"to\":[" LEG_AMT("@euro", "1") "]}}}",
             404, "0034", NULL);
    /* 0018 */
    post_err(&f, "json",
             "{\"send\":{\"asset\":\"USD\",\"value\":\"10.01\",\"source\":{\"from\":[" LEG_AMT(
                 "@alice", "10.01") "]},\"distribute\":{\"to\":[" LEG_AMT("@bob", "10.01") "]}}}",
             422, "0018", NULL);
    /* the same alias twice on one side: two operations, funds checked after each */
    post(&f, "json",
         "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[" LEG_AMT(
             "@alice", "4") "," LEG_AMT("@alice", "6") "]},\"distribute\":{\"to\":[" LEG_AMT("@bob",
                                                                                             "10") "]}}}",
         &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_eq(tx_jint(r.json, "operations.0.balanceAfter.version"), 2);
    cr_expect_eq(tx_jint(r.json, "operations.1.balance.version"), 2);
    cr_expect_str_eq(tx_jstr(r.json, "operations.1.balance.available"), "6");
    cr_expect_str_eq(tx_jstr(r.json, "operations.1.balanceAfter.available"), "0");
    it_response_free(&r);

    /* 0024: flags effective for the very next transaction */
    json_object *bb = tx_balance(&f, "@bob", NULL);
    char *bob_bal = xstrdup(tx_jstr(bb, "id"));
    json_object_put(bb);
    tx_lreqf(&f, "PATCH", "{\"allowSending\":false}", &r, "/balances/%s", bob_bal);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
    post_err(&f, "json",
             "{\"send\":{\"asset\":\"USD\",\"value\":\"1\",\"source\":{\"from\":[" LEG_AMT(
                 "@bob", "1") "]},\"distribute\":{\"to\":[" LEG_AMT("@alice", "1") "]}}}",
             400, "0024", NULL);
    tx_lreqf(&f, "PATCH", "{\"allowSending\":true,\"allowReceiving\":false}", &r, "/balances/%s", bob_bal);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
    post_err(
        &f, "inflow",
        "{\"send\":{\"asset\":\"USD\",\"value\":\"1\",\"distribute\":{\"to\":[" LEG_AMT("@bob", "1") "]}}}",
        400, "0024", NULL);
    free(bob_bal);

    /* 0098: pending with an external source */
    post_err(&f, "json",
             "{\"pending\":true,\"send\":{\"asset\":\"USD\",\"value\":\"1\",\"source\":{\"from\":[" LEG_AMT(
                 "@external/USD", "1") "]},\"distribute\":{\"to\":[" LEG_AMT("@alice", "1") "]}}}",
             422, "0098", NULL);
    tx_expect_available(&f, "@bob", NULL, "10");
    tx_expect_available(&f, "@alice", NULL, "0");
}

/* ---- pending create and back-dating ----------------------------------------------------------------- */

Test(txn_create, pending_create_holds_the_source_amount, .timeout = 120)
{
    tx_fix f;
    it_response r;
    setup_alice_bob(&f, USD);
    tx_fund(&f, "USD", "@alice", "100");
    post(&f, "json",
         "{\"pending\":true,\"send\":{\"asset\":\"USD\",\"value\":\"30\",\"source\":{\"from\":[" LEG_AMT(
             "@alice", "30") "]},\"distribute\":{\"to\":[" LEG_AMT("@bob", "30") "]}}}",
         &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "status.code"), "PENDING");
    json_object *ops = tx_jget(r.json, "operations");
    cr_assert_eq(json_object_array_length(ops), 1, "only the ON_HOLD operations: %s", r.body);
    cr_expect_str_eq(tx_jstr(ops, "0.type"), "ON_HOLD");
    cr_expect_str_eq(tx_jstr(ops, "0.direction"), "debit");
    cr_expect_str_eq(tx_jstr(ops, "0.status.code"), "PENDING");
    cr_expect_str_eq(tx_jstr(ops, "0.balanceAfter.available"), "70");
    cr_expect_str_eq(tx_jstr(ops, "0.balanceAfter.onHold"), "30");
    it_response_free(&r);
    json_object *a = tx_balance(&f, "@alice", NULL);
    cr_expect_str_eq(tx_jstr(a, "available"), "70");
    cr_expect_str_eq(tx_jstr(a, "onHold"), "30");
    json_object_put(a);
    tx_expect_available(&f, "@bob", NULL, "0");
    /* funds are checked against available */
    post_err(&f, "outflow",
             "{\"pending\":true,\"send\":{\"asset\":\"USD\",\"value\":\"71\",\"source\":{\"from\":[" LEG_AMT(
                 "@alice", "71") "]}}}",
             422, "0018", NULL);
}

Test(txn_create, back_dated_transaction_keeps_its_date, .timeout = 120)
{
    tx_fix f;
    it_response r;
    setup_alice_bob(&f, USD);
    tx_fund(&f, "USD", "@alice", "5");
    post(&f, "json",
         "{\"transactionDate\":\"2024-02-29T23:59:59.1234567+02:00\",\"send\":{\"asset\":\"USD\",\"value\":"
         "\"5\","
         "\"source\":{\"from\":[" LEG_AMT("@alice", "5") "]},\"distribute\":{\"to\":[" LEG_AMT("@bob",
                                                                                               "5") "]}}}",
         &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "createdAt"), "2024-02-29T21:59:59.123456Z");
    cr_expect_str_neq(tx_jstr(r.json, "updatedAt"), tx_jstr(r.json, "createdAt"));
    cr_expect_str_eq(tx_jstr(r.json, "operations.0.createdAt"), "2024-02-29T21:59:59.123456Z");
    it_response_free(&r);
    post(&f, "json",
         "{\"transactionDate\":\"2024-03-01\",\"send\":{\"asset\":\"USD\",\"value\":\"5\","
         "\"source\":{\"from\":[" LEG_AMT("@bob", "5") "]},\"distribute\":{\"to\":[" LEG_AMT("@alice",
                                                                                             "5") "]}}}",
         &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "createdAt"), "2024-03-01T00:00:00.000000Z");
    it_response_free(&r);
}

/* ---- reads: T8, T9, T10, T11 ------------------------------------------------------------------------ */

Test(txn_read, get_patch_and_not_found, .timeout = 120)
{
    tx_fix f, other;
    it_response r;
    setup_alice_bob(&f, USD);
    tx_fix_init(&other, NULL);
    tx_fund(&f, "USD", "@alice", "3");
    tx_lreq(&f, "GET", "/transactions?limit=1", NULL, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    char *id = xstrdup(tx_jstr(r.json, "items.0.id"));
    it_response_free(&r);

    tx_lreqf(&f, "GET", NULL, &r, "/transactions/0190a1b2-0000-7000-8000-00000000ffff");
    tx_assert_error(&r, 404, "0070", NULL);
    it_response_free(&r);
    tx_lreqf(&other, "GET", NULL, &r, "/transactions/%s", id);
    tx_assert_error(&r, 404, "0070", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/transactions/metrics");
    tx_assert_error(&r, 400, "0065", "transaction_id");
    it_response_free(&r);

    /* T10: description when non-empty, metadata merge, no other member */
    tx_lreqf(&f, "PATCH", "{\"description\":\"first\",\"metadata\":{\"a\":\"1\",\"b\":2}}", &r,
             "/transactions/%s", id);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "description"), "first");
    cr_expect_str_eq(tx_jstr(r.json, "metadata.a"), "1");
    cr_expect_str_neq(tx_jstr(r.json, "updatedAt"), tx_jstr(r.json, "createdAt"));
    cr_expect_eq(json_object_array_length(tx_jget(r.json, "operations")), 2);
    it_response_free(&r);
    tx_lreqf(&f, "PATCH", "{\"description\":\"\",\"metadata\":{\"a\":null,\"c\":true}}", &r,
             "/transactions/%s", id);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "description"), "first");
    cr_expect_null(tx_jget(r.json, "metadata.a"));
    cr_expect_eq(tx_jint(r.json, "metadata.b"), 2);
    cr_expect(json_object_get_boolean(tx_jget(r.json, "metadata.c")));
    it_response_free(&r);
    tx_lreqf(&f, "PATCH", "{\"metadata\":null}", &r, "/transactions/%s", id);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_eq(json_object_object_length(tx_jget(r.json, "metadata")), 0);
    it_response_free(&r);
    tx_lreqf(&f, "PATCH", "{\"status\":{\"code\":\"CANCELED\"},\"amount\":\"1\"}", &r, "/transactions/%s",
             id);
    tx_assert_error(&r, 400, "0053", "status");
    it_response_free(&r);
    tx_lreqf(&f, "PATCH", "{\"description\":\"x\"}", &r,
             "/transactions/0190a1b2-0000-7000-8000-00000000ffff");
    tx_assert_error(&r, 404, "0070", NULL);
    it_response_free(&r);
    free(id);
}

/* Walk a cursor list to the end; returns the ids in order (caller frees each and the array). */
static char **walk(const tx_fix *f, const char *base_query, size_t *count)
{
    char **ids = NULL;
    size_t n = 0;
    char *cursor = NULL;
    for (int guard = 0; guard < 100; guard++) {
        it_response r;
        char *suffix = cursor ? xasprintf("/transactions?%s&cursor=%s", base_query, cursor)
                              : xasprintf("/transactions?%s", base_query);
        tx_lreq(f, "GET", suffix, NULL, NULL, &r);
        cr_assert_eq(r.status, 200, "%s: %s", suffix, it_describe(&r));
        json_object *items = tx_jget(r.json, "items");
        for (size_t i = 0; i < json_object_array_length(items); i++) {
            ids = xrealloc(ids, (n + 1) * sizeof(char *));
            ids[n++] = xstrdup(tx_jstr(json_object_array_get_idx(items, i), "id"));
            cr_expect_eq(json_object_array_length(tx_jget(json_object_array_get_idx(items, i), "operations")),
                         2);
        }
        free(cursor);
        cursor = NULL;
        const char *next = tx_jstr(r.json, "next_cursor");
        if (next)
            cursor = xstrdup(next);
        it_response_free(&r);
        free(suffix);
        if (!cursor)
            break;
    }
    *count = n;
    return ids;
}

Test(txn_read, cursor_list_and_count, .timeout = 180)
{
    tx_fix f;
    it_response r;
    setup_alice_bob(&f, USD);
    for (int i = 0; i < 5; i++)
        tx_fund(&f, "USD", "@alice", "1");
    size_t n_asc = 0, n_desc = 0;
    char **asc = walk(&f, "limit=2", &n_asc);
    char **desc = walk(&f, "limit=2&sort_order=DESC", &n_desc);
    cr_assert_eq(n_asc, 5);
    cr_assert_eq(n_desc, 5);
    for (size_t i = 0; i < 5; i++) {
        cr_expect_str_eq(asc[i], desc[4 - i]);
        if (i)
            cr_expect(strcmp(asc[i - 1], asc[i]) < 0);
    }

    /* first page has no prev_cursor; a prev cursor returns the items just before it, in order */
    tx_lreq(&f, "GET", "/transactions?limit=2", NULL, NULL, &r);
    cr_expect_null(tx_jget(r.json, "prev_cursor"));
    char *next = xstrdup(tx_jstr(r.json, "next_cursor"));
    it_response_free(&r);
    char *s = xasprintf("/transactions?limit=2&cursor=%s", next);
    tx_lreq(&f, "GET", s, NULL, NULL, &r);
    free(s);
    cr_expect_str_eq(tx_jstr(r.json, "items.0.id"), asc[2]);
    cr_expect_str_eq(tx_jstr(r.json, "items.1.id"), asc[3]);
    char *prev = xstrdup(tx_jstr(r.json, "prev_cursor"));
    cr_expect(tx_jstr(r.json, "next_cursor") != NULL);
    it_response_free(&r);
    s = xasprintf("/transactions?limit=2&cursor=%s", prev);
    tx_lreq(&f, "GET", s, NULL, NULL, &r);
    free(s);
    cr_expect_str_eq(tx_jstr(r.json, "items.0.id"), asc[0]);
    cr_expect_str_eq(tx_jstr(r.json, "items.1.id"), asc[1]);
    cr_expect_null(tx_jget(r.json, "prev_cursor"));
    cr_expect(tx_jstr(r.json, "next_cursor") != NULL);
    it_response_free(&r);
    free(next);
    free(prev);

    /* filters and errors */
    tx_lreq(&f, "GET", "/transactions?metadata.none=x", NULL, NULL, &r);
    cr_expect_eq(r.status, 200);
    cr_expect_eq(json_object_array_length(tx_jget(r.json, "items")), 0);
    cr_expect_null(tx_jget(r.json, "next_cursor"));
    it_response_free(&r);
    tx_lreq(&f, "GET", "/transactions?start_date=2000-01-01&end_date=2000-01-02", NULL, NULL, &r);
    cr_expect_eq(json_object_array_length(tx_jget(r.json, "items")), 0);
    it_response_free(&r);
    tx_lreq(&f, "GET", "/transactions?start_date=2000-01-01&end_date=2999-01-02&limit=100", NULL, NULL, &r);
    cr_expect_eq(json_object_array_length(tx_jget(r.json, "items")), 5);
    it_response_free(&r);
    tx_lreq(&f, "GET", "/transactions?cursor=%%%%", NULL, NULL, &r);
    tx_assert_error(&r, 400, "0082", NULL);
    it_response_free(&r);
    tx_lreq(&f, "GET", "/transactions?cursor=bm90LWpzb24", NULL, NULL, &r);
    tx_assert_error(&r, 400, "0082", "cursor");
    it_response_free(&r);
    tx_lreq(&f, "GET", "/transactions?limit=101", NULL, NULL, &r);
    tx_assert_error(&r, 400, "0080", NULL);
    it_response_free(&r);
    tx_lreq(&f, "GET", "/transactions?sort_order=up", NULL, NULL, &r);
    tx_assert_error(&r, 400, "0081", NULL);
    it_response_free(&r);
    tx_lreq(&f, "GET", "/transactions?start_date=2020-01-01", NULL, NULL, &r);
    tx_assert_error(&r, 400, "0083", NULL);
    it_response_free(&r);
    tx_lreq(&f, "GET", "/transactions?start_date=2020/01/01&end_date=2020-01-02", NULL, NULL, &r);
    tx_assert_error(&r, 400, "0131", NULL);
    it_response_free(&r);
    tx_lreq(&f, "GET", "/transactions?start_date=2020-01-03&end_date=2020-01-02", NULL, NULL, &r);
    tx_assert_error(&r, 400, "0078", NULL);
    it_response_free(&r);

    /* T11 */
    tx_lreq(&f, "HEAD", "/transactions/metrics/count", NULL, NULL, &r);
    cr_expect_eq(r.status, 204);
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "5");
    cr_expect_eq(r.body_len, 0);
    it_response_free(&r);
    tx_lreq(&f, "HEAD", "/transactions/metrics/count?status=approved", NULL, NULL, &r);
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "5");
    it_response_free(&r);
    tx_lreq(&f, "HEAD", "/transactions/metrics/count?status=PENDING", NULL, NULL, &r);
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "0");
    it_response_free(&r);
    tx_lreq(&f, "HEAD", "/transactions/metrics/count?status=CREATED", NULL, NULL, &r);
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "0");
    it_response_free(&r);
    tx_lreq(&f, "HEAD", "/transactions/metrics/count?start_date=2000-01-01&end_date=2000-12-31", NULL, NULL,
            &r);
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "0");
    it_response_free(&r);
    tx_lreq(&f, "HEAD", "/transactions/metrics/count?status=DONE", NULL, NULL, &r);
    cr_expect_eq(r.status, 400);
    it_response_free(&r);
    for (size_t i = 0; i < 5; i++) {
        free(asc[i]);
        free(desc[i]);
    }
    free(asc);
    free(desc);
}
