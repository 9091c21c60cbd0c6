/* Balances through the gateway (transactions.md 12): the default balance visible right after an account
 * create, B1 list with cursors, B2 get, B3 PATCH flags (0094, 0053, effective at once), B4 DELETE (0093,
 * 0007 afterwards), B5/B7/B8 lists (0007, 0085), B6 additional balances (0009, 0047, 0123, 0124, 0126),
 * and the internal close endpoint of 12.3 (0012, 204, nothing posts afterwards) also as driven by an
 * account DELETE through the portfolio service. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "tx_helpers.h"
#include "util/mem.h"

static const char *const USD[] = {"USD", NULL};

#define LEG_AMT(alias, v)                                                                                    \
    "{\"accountAlias\":\"" alias "\",\"amount\":{\"asset\":\"USD\",\"value\":\"" v "\"}}"

static char *balance_id(const tx_fix *f, const char *alias, const char *key)
{
    json_object *b = tx_balance(f, alias, key);
    char *id = xstrdup(tx_jstr(b, "id"));
    json_object_put(b);
    return id;
}

Test(txn_balances, default_balance_exists_right_after_account_create, .timeout = 120)
{
    tx_fix f;
    it_response r;
    tx_fix_init(&f, USD);
    char *acc = tx_account(&f, "USD", "@fresh", "deposit", NULL);
    /* no wait: read-through or the consumer already created it */
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/%s/balances", acc);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    json_object *items = tx_jget(r.json, "items");
    cr_assert_eq(json_object_array_length(items), 1, "%s", it_describe(&r));
    json_object *b = json_object_array_get_idx(items, 0);
    cr_expect(it_is_uuid(tx_jstr(b, "id"), 7));
    cr_expect_str_eq(tx_jstr(b, "accountId"), acc);
    cr_expect_str_eq(tx_jstr(b, "alias"), "@fresh");
    cr_expect_str_eq(tx_jstr(b, "key"), "default");
    cr_expect_str_eq(tx_jstr(b, "assetCode"), "USD");
    cr_expect_str_eq(tx_jstr(b, "accountType"), "deposit");
    cr_expect_str_eq(tx_jstr(b, "available"), "0");
    cr_expect_str_eq(tx_jstr(b, "onHold"), "0");
    cr_expect_eq(tx_jint(b, "version"), 0);
    cr_expect(json_object_get_boolean(tx_jget(b, "allowSending")));
    cr_expect(json_object_get_boolean(tx_jget(b, "allowReceiving")));
    cr_expect(json_object_is_type(tx_jget(b, "deletedAt"), json_type_null));
    cr_expect_eq(json_object_object_length(tx_jget(b, "metadata")), 0);
    cr_expect(it_is_rfc3339_micro_z(tx_jstr(b, "createdAt")));
    cr_expect_eq(tx_jint(r.json, "limit"), 10);
    it_response_free(&r);

    /* and a transaction naming a just-created alias succeeds at once */
    free(tx_account(&f, "USD", "@instant", "deposit", NULL));
    tx_fund(&f, "USD", "@instant", "1");
    free(acc);
}

Test(txn_balances, get_patch_delete, .timeout = 120)
{
    tx_fix f;
    it_response r;
    tx_fix_init(&f, USD);
    free(tx_account(&f, "USD", "@alice", "deposit", NULL));
    free(tx_account(&f, "USD", "@bob", "deposit", NULL));
    tx_fund(&f, "USD", "@alice", "7");
    char *alice = balance_id(&f, "@alice", NULL);
    char *bob = balance_id(&f, "@bob", NULL);

    /* B2 */
    tx_lreqf(&f, "GET", NULL, &r, "/balances/%s", alice);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "available"), "7");
    cr_expect_eq(tx_jint(r.json, "version"), 1);
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/balances/0190a1b2-0000-7000-8000-00000000abcd");
    tx_assert_error(&r, 404, "0007", NULL);
    cr_expect_str_eq(it_json_str(&r, "entityType"), "Balance");
    it_response_free(&r);

    /* B3: body rules, then the flags; version unchanged, updatedAt changes */
    tx_lreqf(&f, "PATCH", "{\"allowSending\":\"no\"}", &r, "/balances/%s", alice);
    tx_assert_error(&r, 400, "0094", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "PATCH", "{\"available\":\"100\"}", &r, "/balances/%s", alice);
    tx_assert_error(&r, 400, "0053", "available");
    it_response_free(&r);
    tx_lreqf(&f, "PATCH", "{\"allowReceiving\":false}", &r, "/balances/0190a1b2-0000-7000-8000-00000000abcd");
    tx_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "PATCH", "{\"allowReceiving\":false}", &r, "/balances/%s", alice);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect(!json_object_get_boolean(tx_jget(r.json, "allowReceiving")));
    cr_expect(json_object_get_boolean(tx_jget(r.json, "allowSending")));
    cr_expect_eq(tx_jint(r.json, "version"), 1);
    cr_expect_str_neq(tx_jstr(r.json, "updatedAt"), tx_jstr(r.json, "createdAt"));
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/balances/%s", alice);
    cr_expect(!json_object_get_boolean(tx_jget(r.json, "allowReceiving")), "%s", it_describe(&r));
    it_response_free(&r);
    tx_lreqf(&f, "PATCH", "{}", &r, "/balances/%s", alice);
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect(!json_object_get_boolean(tx_jget(r.json, "allowReceiving")));
    it_response_free(&r);

    /* B4: non-zero refused under the lock, zero deleted, then 404 */
    tx_lreqf(&f, "DELETE", NULL, &r, "/balances/%s", alice);
    tx_assert_error(&r, 400, "0093", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "DELETE", NULL, &r, "/balances/%s", bob);
    cr_expect_eq(r.status, 204, "%s", it_describe(&r));
    cr_expect_eq(r.body_len, 0);
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/balances/%s", bob);
    tx_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "DELETE", NULL, &r, "/balances/%s", bob);
    tx_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    /* a deleted balance cannot be posted to */
    it_response t;
    cr_expect_eq(tx_transfer(&f, "USD", "@alice", "@bob", "1", &t), 422);
    tx_assert_error(&t, 422, "0019", NULL);
    it_response_free(&t);
    free(alice);
    free(bob);
}

Test(txn_balances, lists_and_additional_balances, .timeout = 120)
{
    tx_fix f;
    it_response r;
    tx_fix_init(&f, USD);
    char *acc = tx_account(&f, "USD", "@multi", "deposit", NULL);

    /* B6 */
    tx_lreqf(&f, "POST", "{}", &r, "/accounts/%s/balances", acc);
    tx_assert_error(&r, 400, "0009", "key");
    it_response_free(&r);
    tx_lreqf(&f, "POST", "{\"key\":\"has space\"}", &r, "/accounts/%s/balances", acc);
    tx_assert_error(&r, 400, "0047", "key");
    it_response_free(&r);
    tx_lreqf(&f, "POST", "{\"key\":\"x\",\"alias\":\"y\"}", &r, "/accounts/%s/balances", acc);
    tx_assert_error(&r, 400, "0053", "alias");
    it_response_free(&r);
    tx_lreqf(&f, "POST", "{\"key\":\"x\"}", &r, "/accounts/0190a1b2-0000-7000-8000-00000000abcd/balances");
    tx_assert_error(&r, 404, "0007", NULL);
    cr_expect_str_eq(it_json_str(&r, "entityType"), "Account");
    it_response_free(&r);
    tx_lreqf(&f, "POST", "{\"key\":\"Savings\",\"allowSending\":false}", &r, "/accounts/%s/balances", acc);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "key"), "savings");
    cr_expect_str_eq(tx_jstr(r.json, "alias"), "@multi");
    cr_expect_str_eq(tx_jstr(r.json, "available"), "0");
    cr_expect(!json_object_get_boolean(tx_jget(r.json, "allowSending")));
    cr_expect(json_object_get_boolean(tx_jget(r.json, "allowReceiving")));
    it_response_free(&r);
    tx_lreqf(&f, "POST", "{\"key\":\"SAVINGS\"}", &r, "/accounts/%s/balances", acc);
    tx_assert_error(&r, 409, "0123", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "POST", "{\"key\":\"b3\"}", &r, "/accounts/%s/balances", acc);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    it_response_free(&r);

    /* external accounts: 0124 */
    tx_lreq(&f, "GET", "/accounts/external/USD/balances", NULL, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_assert_eq(json_object_array_length(tx_jget(r.json, "items")), 1);
    cr_expect_str_eq(tx_jstr(r.json, "items.0.alias"), "@external/USD");
    cr_expect_str_eq(tx_jstr(r.json, "items.0.accountType"), "external");
    char *ext = xstrdup(tx_jstr(r.json, "items.0.accountId"));
    it_response_free(&r);
    tx_lreqf(&f, "POST", "{\"key\":\"x\"}", &r, "/accounts/%s/balances", ext);
    tx_assert_error(&r, 400, "0124", NULL);
    it_response_free(&r);
    free(ext);

    /* B5 / B7 with cursors */
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/%s/balances?limit=2", acc);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_eq(json_object_array_length(tx_jget(r.json, "items")), 2);
    const char *next = tx_jstr(r.json, "next_cursor");
    cr_assert(next);
    char *cur = xstrdup(next);
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/%s/balances?limit=2&cursor=%s", acc, cur);
    cr_expect_eq(json_object_array_length(tx_jget(r.json, "items")), 1);
    cr_expect_null(tx_jget(r.json, "next_cursor"));
    cr_expect(tx_jstr(r.json, "prev_cursor"));
    it_response_free(&r);
    free(cur);
    tx_lreq(&f, "GET", "/accounts/alias/%40multi/balances?sort_order=desc", NULL, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_eq(json_object_array_length(tx_jget(r.json, "items")), 3);
    cr_expect(strcmp(tx_jstr(r.json, "items.0.id"), tx_jstr(r.json, "items.1.id")) > 0);
    it_response_free(&r);
    tx_lreq(&f, "GET", "/accounts/alias/%40nobody/balances", NULL, NULL, &r);
    tx_assert_error(&r, 404, "0085", NULL);
    it_response_free(&r);
    tx_lreq(&f, "GET", "/accounts/external/XYZ/balances", NULL, NULL, &r);
    tx_assert_error(&r, 404, "0085", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/0190a1b2-0000-7000-8000-00000000abcd/balances");
    tx_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);

    /* B1: the ledger's live balances (external + 3 of @multi) */
    tx_lreq(&f, "GET", "/balances?limit=100", NULL, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_eq(json_object_array_length(tx_jget(r.json, "items")), 4);
    it_response_free(&r);
    tx_lreq(&f, "GET", "/balances?limit=0", NULL, NULL, &r);
    tx_assert_error(&r, 400, "0082", "limit");
    it_response_free(&r);

    /* deleting the default balance: additional balances can then not be created (0126) */
    char *def = balance_id(&f, "@multi", "default");
    tx_lreqf(&f, "DELETE", NULL, &r, "/balances/%s", def);
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);
    tx_lreqf(&f, "POST", "{\"key\":\"later\"}", &r, "/accounts/%s/balances", acc);
    tx_assert_error(&r, 404, "0126", NULL);
    it_response_free(&r);
    free(def);
    free(acc);
}

/* ---- internal close (12.3) ---------------------------------------------------------------------- */

static void close_call(const tx_fix *f, const char *account, it_response *r)
{
    char *path = xasprintf("/internal%s/accounts/%s/balances/close", f->L, account);
    char *url = it_url("TRANSACTION_URL", path);
    it_request("POST", url, NULL, NULL, 0, r);
    free(url);
    free(path);
}

Test(txn_balances, internal_close_refuses_money_then_closes, .timeout = 120)
{
    tx_fix f;
    it_response r;
    tx_fix_init(&f, USD);
    char *acc = tx_account(&f, "USD", "@closing", "deposit", NULL);
    free(tx_account(&f, "USD", "@other", "deposit", NULL));
    tx_lreqf(&f, "POST", "{\"key\":\"extra\"}", &r, "/accounts/%s/balances", acc);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    it_response_free(&r);
    tx_fund(&f, "USD", "@closing", "2");

    close_call(&f, acc, &r);
    tx_assert_error(&r, 400, "0012", NULL);
    it_response_free(&r);
    /* nothing changed */
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/%s/balances", acc);
    cr_expect_eq(json_object_array_length(tx_jget(r.json, "items")), 2, "%s", it_describe(&r));
    cr_expect(json_object_get_boolean(tx_jget(r.json, "items.0.allowSending")));
    it_response_free(&r);

    it_response t;
    cr_assert_eq(tx_transfer(&f, "USD", "@closing", "@other", "2", &t), 201, "%s", it_describe(&t));
    it_response_free(&t);
    close_call(&f, acc, &r);
    cr_expect_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);
    /* a closed account id is gone for the path checks at once (12.3), even before account.deleted */
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/%s/balances", acc);
    tx_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    /* nothing posts to a closed account, and a second close is still 204 */
    cr_expect_eq(tx_transfer(&f, "USD", "@other", "@closing", "1", &t), 422);
    tx_assert_error(&t, 422, "0019", NULL);
    it_response_free(&t);
    close_call(&f, acc, &r);
    cr_expect_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);
    free(acc);
}

static bool is_404(const it_response *r, void *arg)
{
    (void)arg;
    return r->status == 404;
}

Test(txn_balances, account_delete_through_portfolio_closes_balances, .timeout = 120)
{
    tx_fix f;
    it_response r;
    tx_fix_init(&f, USD);
    char *acc = tx_account(&f, "USD", "@leaving", "deposit", NULL);
    free(tx_account(&f, "USD", "@staying", "deposit", NULL));
    tx_fund(&f, "USD", "@leaving", "1");

    tx_lreqf(&f, "DELETE", NULL, &r, "/accounts/%s", acc);
    tx_assert_error(&r, 400, "0012", NULL);
    it_response_free(&r);
    it_response t;
    cr_assert_eq(tx_transfer(&f, "USD", "@leaving", "@staying", "1", &t), 201, "%s", it_describe(&t));
    it_response_free(&t);
    tx_lreqf(&f, "DELETE", NULL, &r, "/accounts/%s", acc);
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);
    cr_expect_eq(tx_transfer(&f, "USD", "@staying", "@leaving", "1", &t), 422);
    tx_assert_error(&t, 422, "0019", NULL);
    it_response_free(&t);
    /* once account.deleted reached the registry the account itself is gone (0007) */
    char *path = xasprintf("%s/accounts/%s/balances", f.L, acc);
    char *url = it_url("GATEWAY_URL", path);
    cr_expect(it_wait_until(url, 20000, is_404, NULL, NULL), "account still visible after its deletion");
    free(url);
    free(path);
    free(acc);
}

/* ---- Redis cache and read-through owners ------------------------------------------------------- */

Test(txn_balances, get_after_a_redis_restart_is_never_stale, .timeout = 240)
{
    tx_fix f;
    it_response r;
    tx_fix_init(&f, USD);
    free(tx_account(&f, "USD", "@alice", "deposit", NULL));
    free(tx_account(&f, "USD", "@bob", "deposit", NULL));
    tx_fund(&f, "USD", "@alice", "10");
    char *alice = balance_id(&f, "@alice", NULL);
    tx_lreqf(&f, "GET", NULL, &r, "/balances/%s", alice);
    cr_assert_str_eq(tx_jstr(r.json, "available"), "10");
    it_response_free(&r);

    /* Redis goes away (saving its snapshot, cached entry included); money moves meanwhile */
    cr_assert_eq(it_stack("stop", "redis"), 0);
    it_response t;
    long st = tx_transfer(&f, "USD", "@alice", "@bob", "4", &t);
    it_response_free(&t);
    tx_lreqf(&f, "GET", NULL, &r, "/balances/%s", alice);
    long get_down = r.status;
    char *avail_down = tx_jstr(r.json, "available") ? xstrdup(tx_jstr(r.json, "available")) : NULL;
    it_response_free(&r);
    cr_assert_eq(it_stack("start", "redis"), 0);
    cr_expect_eq(st, 201);
    cr_expect_eq(get_down, 200);
    cr_expect_str_eq(avail_down, "6");
    /* the restored entry (available 10) must not be served */
    tx_lreqf(&f, "GET", NULL, &r, "/balances/%s", alice);
    cr_expect_str_eq(tx_jstr(r.json, "available"), "6", "%s", it_describe(&r));
    it_response_free(&r);
    free(avail_down);
    free(alice);
}

Test(txn_balances, unreachable_owner_is_503, .timeout = 240)
{
    tx_fix f;
    it_response r;
    tx_fix_init(&f, USD);
    cr_assert_eq(it_stack("stop", "portfolio"), 0);
    tx_lreq(&f, "GET", "/accounts/alias/%40never-seen/balances", NULL, NULL, &r);
    long alias_status = r.status;
    char alias_code[8] = "";
    if (it_json_str(&r, "code"))
        snprintf(alias_code, sizeof(alias_code), "%s", it_json_str(&r, "code"));
    it_response_free(&r);
    cr_assert_eq(it_stack("start", "portfolio"), 0);
    cr_assert_eq(it_stack("stop", "onboarding"), 0);
    tx_req("GET",
           "/v1/organizations/0190a1b2-0000-7000-8000-0000000000aa/ledgers/"
           "0190a1b2-0000-7000-8000-0000000000bb/balances",
           NULL, NULL, &r);
    long org_status = r.status;
    char org_code[8] = "";
    if (it_json_str(&r, "code"))
        snprintf(org_code, sizeof(org_code), "%s", it_json_str(&r, "code"));
    it_response_free(&r);
    cr_assert_eq(it_stack("start", "onboarding"), 0);
    cr_expect_eq(alias_status, 503);
    cr_expect_str_eq(alias_code, "0901");
    cr_expect_eq(org_status, 503);
    cr_expect_str_eq(org_code, "0901");
    /* with the owners back, the same lookups are plain 404s */
    tx_lreq(&f, "GET", "/accounts/alias/%40never-seen/balances", NULL, NULL, &r);
    tx_assert_error(&r, 404, "0085", NULL);
    it_response_free(&r);
    tx_req("GET",
           "/v1/organizations/0190a1b2-0000-7000-8000-0000000000aa/ledgers/"
           "0190a1b2-0000-7000-8000-0000000000bb/balances",
           NULL, NULL, &r);
    tx_assert_error(&r, 404, "0038", NULL);
    it_response_free(&r);
}
