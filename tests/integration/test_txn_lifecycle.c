/* The transaction lifecycle through the gateway (transactions.md 5.2, 5.3, 6, 7, 13 G5-G6): the effects
 * table of 6 row by row on operations and balances (pending create, commit, cancel, revert), the error
 * codes and their order (0065, 0070, 0099, 0019, 0087, 0088, 0018), idempotency on T5-T7, concurrent
 * commit / cancel / revert races, and the events of every step exactly once. Each test uses its own
 * organization and ledger on a stack started by scripts/stack.sh. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <libpq-fe.h>

#include "harness.h"
#include "tx_helpers.h"
#include "util/mem.h"

static const char *const USD[] = {"USD", NULL};

#define LEG_AMT(alias, v)                                                                                    \
    "{\"accountAlias\":\"" alias "\",\"amount\":{\"asset\":\"USD\",\"value\":\"" v "\"}}"

static void setup(tx_fix *f, const char *const *aliases)
{
    tx_fix_init(f, USD);
    for (size_t i = 0; aliases[i]; i++)
        free(tx_account(f, "USD", aliases[i], "deposit", NULL));
}

/* POST {L}/transactions/json with body; asserts 201 and returns the response. */
static void create(const tx_fix *f, const char *body, it_response *r)
{
    tx_lreq(f, "POST", "/transactions/json", NULL, body, r);
    cr_assert_eq(r->status, 201, "%s: %s", body, it_describe(r));
}

/* POST {L}/transactions/<id>/<action> with optional extra headers. */
static void act(const tx_fix *f, const char *id, const char *action, const char *const *headers,
                it_response *r)
{
    char *suffix = xasprintf("/transactions/%s/%s", id, action);
    tx_lreq(f, "POST", suffix, headers, NULL, r);
    free(suffix);
}

static void act_err(const tx_fix *f, const char *id, const char *action, long status, const char *code)
{
    it_response r;
    act(f, id, action, NULL, &r);
    tx_assert_error(&r, status, code, NULL);
    it_response_free(&r);
}

/* Asserts available / onHold / version of a balance. */
static void expect_balance(const tx_fix *f, const char *alias, const char *available, const char *on_hold,
                           int64_t version)
{
    json_object *b = tx_balance(f, alias, NULL);
    cr_expect(tx_dec_eq(tx_jstr(b, "available"), available), "%s available: want %s, got %s", alias,
              available, tx_jstr(b, "available"));
    cr_expect(tx_dec_eq(tx_jstr(b, "onHold"), on_hold), "%s onHold: want %s, got %s", alias, on_hold,
              tx_jstr(b, "onHold"));
    if (version >= 0)
        cr_expect_eq(tx_jint(b, "version"), version, "%s version", alias);
    json_object_put(b);
}

/* Asserts one operation of the effects table: type, direction, status, alias, amount and the balance
 * states before and after ("available/onHold/version"). */
static void expect_op(json_object *op, const char *type, const char *direction, const char *status,
                      const char *alias, const char *amount, const char *before_av, const char *before_oh,
                      int64_t before_v, const char *after_av, const char *after_oh)
{
    cr_assert(op, "missing operation %s on %s", type, alias);
    cr_expect_str_eq(tx_jstr(op, "type"), type);
    cr_expect_str_eq(tx_jstr(op, "direction"), direction, "%s direction", type);
    cr_expect_str_eq(tx_jstr(op, "status.code"), status, "%s status", type);
    cr_expect_str_eq(tx_jstr(op, "accountAlias"), alias);
    cr_expect(tx_dec_eq(tx_jstr(op, "amount.value"), amount), "%s amount %s", type,
              tx_jstr(op, "amount.value"));
    cr_expect(tx_dec_eq(tx_jstr(op, "balance.available"), before_av), "%s %s before.available %s", type,
              alias, tx_jstr(op, "balance.available"));
    cr_expect(tx_dec_eq(tx_jstr(op, "balance.onHold"), before_oh), "%s %s before.onHold %s", type, alias,
              tx_jstr(op, "balance.onHold"));
    cr_expect_eq(tx_jint(op, "balance.version"), before_v, "%s %s before.version", type, alias);
    cr_expect(tx_dec_eq(tx_jstr(op, "balanceAfter.available"), after_av), "%s %s after.available %s", type,
              alias, tx_jstr(op, "balanceAfter.available"));
    cr_expect(tx_dec_eq(tx_jstr(op, "balanceAfter.onHold"), after_oh), "%s %s after.onHold %s", type, alias,
              tx_jstr(op, "balanceAfter.onHold"));
    cr_expect_eq(tx_jint(op, "balanceAfter.version"), before_v + 1, "%s %s after.version", type, alias);
    cr_expect(json_object_get_boolean(tx_jget(op, "balanceAffected")), "balanceAffected");
}

static size_t n_ops(json_object *t)
{
    json_object *ops = tx_jget(t, "operations");
    return ops ? json_object_array_length(ops) : 0;
}

/* Operation ids strictly ascending (id order = lowercase hex order of UUIDv7). */
static void expect_ops_ascending(json_object *t)
{
    json_object *ops = tx_jget(t, "operations");
    for (size_t i = 1; ops && i < json_object_array_length(ops); i++) {
        const char *a = tx_jstr(json_object_array_get_idx(ops, i - 1), "id");
        const char *b = tx_jstr(json_object_array_get_idx(ops, i), "id");
        cr_expect(strcmp(a, b) < 0, "operations not id-ascending: %s then %s", a, b);
    }
}

#define PENDING_30                                                                                           \
    "{\"pending\":true,\"description\":\"hold\",\"send\":{\"asset\":\"USD\",\"value\":\"30\",\"source\":{"   \
    "\"from\":[" LEG_AMT("@alice", "30") "]},\"distribute\":{\"to\":[" LEG_AMT("@bob", "30") "]}}}"

static const char *const ALICE_BOB[] = {"@alice", "@bob", NULL};
static const char *const ALICE_BOB_CAROL[] = {"@alice", "@bob", "@carol", NULL};

/* ---- the effects table of 6, row by row ------------------------------------------------------------------
 */

Test(txn_lifecycle, pending_then_commit_follows_the_effects_table, .timeout = 120)
{
    tx_fix f;
    it_response p, c, g;
    setup(&f, ALICE_BOB);
    tx_fund(&f, "USD", "@alice", "100"); /* alice v1: 100/0 */

    /* pending create: source ON_HOLD (available -a, onHold +a, PENDING); destination: nothing */
    create(&f, PENDING_30, &p);
    const char *id = tx_jstr(p.json, "id");
    cr_expect_str_eq(tx_jstr(p.json, "status.code"), "PENDING");
    cr_assert_eq(n_ops(p.json), 1, "%s", p.body);
    expect_op(tx_jget(p.json, "operations.0"), "ON_HOLD", "debit", "PENDING", "@alice", "30", "100", "0", 1,
              "70", "30");
    expect_balance(&f, "@alice", "70", "30", 2);
    expect_balance(&f, "@bob", "0", "0", 0);

    /* commit: source DEBIT from hold (onHold -a), destination CREDIT (available +a), both APPROVED */
    act(&f, id, "commit", NULL, &c);
    cr_assert_eq(c.status, 201, "%s", it_describe(&c));
    cr_expect_str_eq(it_header_get(&c, "X-Idempotency-Replayed"), "false");
    cr_expect_str_eq(tx_jstr(c.json, "id"), id);
    cr_expect_str_eq(tx_jstr(c.json, "status.code"), "APPROVED");
    cr_expect_str_eq(tx_jstr(c.json, "description"), "hold");
    cr_expect_str_eq(tx_jstr(c.json, "createdAt"), tx_jstr(p.json, "createdAt"));
    cr_expect_str_neq(tx_jstr(c.json, "updatedAt"), tx_jstr(p.json, "updatedAt"), "updatedAt changes");
    cr_assert_eq(n_ops(c.json), 3, "all operations, old and new: %s", c.body);
    expect_ops_ascending(c.json);
    cr_expect_str_eq(tx_jstr(c.json, "operations.0.id"), tx_jstr(p.json, "operations.0.id"));
    expect_op(tx_jget(c.json, "operations.0"), "ON_HOLD", "debit", "PENDING", "@alice", "30", "100", "0", 1,
              "70", "30");
    expect_op(tx_jget(c.json, "operations.1"), "DEBIT", "debit", "APPROVED", "@alice", "30", "70", "30", 2,
              "70", "0");
    expect_op(tx_jget(c.json, "operations.2"), "CREDIT", "credit", "APPROVED", "@bob", "30", "0", "0", 0,
              "30", "0");
    cr_expect_str_eq(tx_jstr(c.json, "operations.2.description"), "hold");
    cr_expect_str_eq(tx_jstr(c.json, "operations.1.updatedAt"), tx_jstr(c.json, "updatedAt"));
    expect_balance(&f, "@alice", "70", "0", 3);
    expect_balance(&f, "@bob", "30", "0", 1);

    /* every later read agrees */
    char *suffix = xasprintf("/transactions/%s", id);
    tx_lreq(&f, "GET", suffix, NULL, NULL, &g);
    cr_assert_eq(g.status, 200, "%s", it_describe(&g));
    cr_expect_str_eq(g.body, c.body, "GET equals the commit response");
    it_response_free(&g);
    free(suffix);

    /* nothing more is possible but a revert */
    act_err(&f, id, "commit", 409, "0099");
    act_err(&f, id, "cancel", 409, "0099");
    it_response_free(&p);
    it_response_free(&c);
}

Test(txn_lifecycle, pending_then_cancel_releases_the_hold, .timeout = 120)
{
    tx_fix f;
    it_response p, c;
    setup(&f, ALICE_BOB);
    tx_fund(&f, "USD", "@alice", "100");
    create(&f, PENDING_30, &p);
    const char *id = tx_jstr(p.json, "id");

    /* cancel: source RELEASE (available +a, onHold -a, direction credit, CANCELED); destination: nothing */
    act(&f, id, "cancel", NULL, &c);
    cr_assert_eq(c.status, 201, "%s", it_describe(&c));
    cr_expect_str_eq(it_header_get(&c, "X-Idempotency-Replayed"), "false");
    cr_expect_str_eq(tx_jstr(c.json, "status.code"), "CANCELED");
    cr_assert_eq(n_ops(c.json), 2, "%s", c.body);
    expect_ops_ascending(c.json);
    expect_op(tx_jget(c.json, "operations.1"), "RELEASE", "credit", "CANCELED", "@alice", "30", "70", "30", 2,
              "100", "0");
    cr_expect_str_neq(tx_jstr(c.json, "updatedAt"), tx_jstr(p.json, "updatedAt"));
    expect_balance(&f, "@alice", "100", "0", 3);
    expect_balance(&f, "@bob", "0", "0", 0);

    /* CANCELED is terminal */
    act_err(&f, id, "commit", 409, "0099");
    act_err(&f, id, "cancel", 409, "0099");
    act_err(&f, id, "revert", 409, "0099");
    it_response_free(&p);
    it_response_free(&c);
}

Test(txn_lifecycle, commit_uses_the_legs_resolved_at_creation, .timeout = 120)
{
    tx_fix f;
    it_response p, c, r;
    setup(&f, ALICE_BOB_CAROL);
    tx_fund(&f, "USD", "@alice", "60");
    tx_fund(&f, "USD", "@bob", "60");
    /* two sources by share, three destinations (share, share of share, remaining) */
    create(&f,
           "{\"pending\":true,\"send\":{\"asset\":\"USD\",\"value\":\"100\",\"source\":{\"from\":["
           "{\"accountAlias\":\"@alice\",\"share\":{\"percentage\":50}},"
           "{\"accountAlias\":\"@bob\",\"remaining\":\"remaining\",\"description\":\"bob part\"}]},"
           "\"distribute\":{\"to\":[{\"accountAlias\":\"@carol\",\"share\":{\"percentage\":50},"
           "\"chartOfAccounts\":\"4001\",\"metadata\":{\"leg\":\"c1\"}},"
           "{\"accountAlias\":\"@carol\",\"balanceKey\":\"DEFAULT\",\"share\":{\"percentage\":50,"
           "\"percentageOfPercentage\":50}},"
           "{\"accountAlias\":\"@external/USD\",\"remaining\":\"remaining\"}]}}}",
           &p);
    const char *id = tx_jstr(p.json, "id");
    cr_assert_eq(n_ops(p.json), 2);
    expect_op(tx_jget(p.json, "operations.0"), "ON_HOLD", "debit", "PENDING", "@alice", "50", "60", "0", 1,
              "10", "50");
    expect_op(tx_jget(p.json, "operations.1"), "ON_HOLD", "debit", "PENDING", "@bob", "50", "60", "0", 1,
              "10", "50");
    cr_expect_str_eq(tx_jstr(p.json, "operations.1.description"), "bob part");

    /* flags are not re-checked at commit (5.2) */
    json_object *bob = tx_balance(&f, "@bob", NULL);
    tx_lreqf(&f, "PATCH", "{\"allowSending\":false}", &r, "/balances/%s", tx_jstr(bob, "id"));
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
    json_object_put(bob);

    act(&f, id, "commit", NULL, &c);
    cr_assert_eq(c.status, 201, "%s", it_describe(&c));
    cr_assert_eq(n_ops(c.json), 7, "%s", c.body);
    expect_ops_ascending(c.json);
    expect_op(tx_jget(c.json, "operations.2"), "DEBIT", "debit", "APPROVED", "@alice", "50", "10", "50", 2,
              "10", "0");
    expect_op(tx_jget(c.json, "operations.3"), "DEBIT", "debit", "APPROVED", "@bob", "50", "10", "50", 2,
              "10", "0");
    cr_expect_str_eq(tx_jstr(c.json, "operations.3.description"), "bob part");
    expect_op(tx_jget(c.json, "operations.4"), "CREDIT", "credit", "APPROVED", "@carol", "50", "0", "0", 0,
              "50", "0");
    cr_expect_str_eq(tx_jstr(c.json, "operations.4.chartOfAccounts"), "4001");
    cr_expect_str_eq(tx_jstr(c.json, "operations.4.metadata.leg"), "c1");
    expect_op(tx_jget(c.json, "operations.5"), "CREDIT", "credit", "APPROVED", "@carol", "25", "50", "0", 1,
              "75", "0");
    cr_expect_str_eq(tx_jstr(c.json, "operations.6.accountAlias"), "@external/USD");
    cr_expect(tx_dec_eq(tx_jstr(c.json, "operations.6.amount.value"), "25"));
    expect_balance(&f, "@alice", "10", "0", 3);
    expect_balance(&f, "@bob", "10", "0", 3);
    expect_balance(&f, "@carol", "75", "0", 2);
    it_response_free(&p);
    it_response_free(&c);
}

/* ---- errors of 5.2
 * ------------------------------------------------------------------------------------------ */

Test(txn_lifecycle, commit_and_cancel_errors, .timeout = 120)
{
    tx_fix f, other;
    it_response p, t, r;
    setup(&f, ALICE_BOB);
    tx_fix_init(&other, NULL);
    tx_fund(&f, "USD", "@alice", "100");
    create(&f, PENDING_30, &p);
    const char *id = tx_jstr(p.json, "id");

    /* path and existence */
    act_err(&f, "not-a-uuid", "commit", 400, "0065");
    act_err(&f, "0196f1a2-7b1c-7d3e-9f00-0000000000a1", "commit", 404, "0070");
    act_err(&f, "0196f1a2-7b1c-7d3e-9f00-0000000000a1", "cancel", 404, "0070");
    act_err(&other, id, "commit", 404, "0070"); /* another ledger */
    char *path =
        xasprintf("/v1/organizations/%s/ledgers/0196f1a2-7b1c-7d3e-9f00-0000000000a1/transactions/%s/cancel",
                  f.org, id);
    tx_req("POST", path, NULL, NULL, &r);
    tx_assert_error(&r, 404, "0037", NULL);
    it_response_free(&r);
    free(path);
    /* idempotency headers come before the path entities */
    char long_key[16 + 257 + 1];
    memcpy(long_key, "X-Idempotency: ", 15);
    memset(long_key + 15, 'k', 257);
    long_key[15 + 257] = '\0';
    const char *const bad_key[] = {long_key, NULL};
    act(&f, "0196f1a2-7b1c-7d3e-9f00-0000000000a1", "commit", bad_key, &r);
    tx_assert_error(&r, 400, "0047", "X-Idempotency");
    it_response_free(&r);
    static const char *const bad_ttl[] = {"X-Idempotency: k", "X-TTL: 0", NULL};
    act(&f, id, "commit", bad_ttl, &r);
    tx_assert_error(&r, 400, "0047", "X-TTL");
    it_response_free(&r);

    /* a non-pending transaction */
    cr_assert_eq(tx_transfer(&f, "USD", "@alice", "@bob", "1", &t), 201, "%s", it_describe(&t));
    act_err(&f, tx_jstr(t.json, "id"), "commit", 409, "0099");
    act_err(&f, tx_jstr(t.json, "id"), "cancel", 409, "0099");

    /* 0019: the destination balance was deleted while pending; the transaction stays PENDING */
    json_object *bob = tx_balance(&f, "@bob", NULL);
    /* bob holds 1 from the transfer: move it back so the balance can be deleted */
    it_response back;
    cr_assert_eq(tx_transfer(&f, "USD", "@bob", "@alice", "1", &back), 201, "%s", it_describe(&back));
    it_response_free(&back);
    tx_lreqf(&f, "DELETE", NULL, &r, "/balances/%s", tx_jstr(bob, "id"));
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);
    json_object_put(bob);
    act_err(&f, id, "commit", 422, "0019");
    char *suffix = xasprintf("/transactions/%s", id);
    tx_lreq(&f, "GET", suffix, NULL, NULL, &r);
    cr_expect_str_eq(tx_jstr(r.json, "status.code"), "PENDING");
    cr_expect_eq(n_ops(r.json), 1);
    it_response_free(&r);
    free(suffix);
    /* cancel does not need the destination */
    act(&f, id, "cancel", NULL, &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    it_response_free(&r);
    it_response_free(&p);
    it_response_free(&t);
}

Test(txn_lifecycle, commit_cancel_and_revert_are_idempotent, .timeout = 120)
{
    tx_fix f;
    it_response p, p2, a, b, r;
    setup(&f, ALICE_BOB);
    tx_fund(&f, "USD", "@alice", "100");
    create(&f, PENDING_30, &p);
    create(&f, PENDING_30, &p2);
    const char *id = tx_jstr(p.json, "id");

    static const char *const k1[] = {"X-Idempotency: life-k1", NULL};
    act(&f, id, "commit", k1, &a);
    cr_assert_eq(a.status, 201, "%s", it_describe(&a));
    cr_expect_str_eq(it_header_get(&a, "X-Idempotency-Replayed"), "false");
    /* same key, same endpoint and transaction: replay byte for byte, no effect */
    char *suffix = xasprintf("/transactions/%s/commit", id);
    tx_lreq(&f, "POST", suffix, k1, "{\"ignored\":true}", &b);
    cr_assert_eq(b.status, 201, "%s", it_describe(&b));
    cr_expect_str_eq(it_header_get(&b, "X-Idempotency-Replayed"), "true");
    cr_expect_str_eq(b.body, a.body);
    it_response_free(&b);
    free(suffix);
    expect_balance(&f, "@bob", "30", "0", 1);
    /* same key on another endpoint or another transaction: the fingerprint differs */
    act(&f, id, "cancel", k1, &r);
    tx_assert_error(&r, 409, "0084", NULL);
    it_response_free(&r);
    act(&f, tx_jstr(p2.json, "id"), "commit", k1, &r);
    tx_assert_error(&r, 409, "0084", NULL);
    it_response_free(&r);
    /* a failed step releases the claim: a new key on a committed transaction answers 0099 twice */
    static const char *const k2[] = {"X-Idempotency: life-k2", NULL};
    act(&f, id, "cancel", k2, &r);
    tx_assert_error(&r, 409, "0099", NULL);
    it_response_free(&r);
    act(&f, id, "cancel", k2, &r);
    tx_assert_error(&r, 409, "0099", NULL);
    it_response_free(&r);
    /* cancel of the second one with k2 now succeeds and replays */
    act(&f, tx_jstr(p2.json, "id"), "cancel", k2, &a);
    cr_assert_eq(a.status, 201, "%s", it_describe(&a));
    act(&f, tx_jstr(p2.json, "id"), "cancel", k2, &b);
    cr_assert_eq(b.status, 201, "%s", it_describe(&b));
    cr_expect_str_eq(it_header_get(&b, "X-Idempotency-Replayed"), "true");
    cr_expect_str_eq(b.body, a.body);
    it_response_free(&b);
    it_response_free(&a);

    /* revert with a key: replay returns the same reversal, even after Redis lost everything */
    static const char *const k3[] = {"X-Idempotency: life-k3", NULL};
    act(&f, id, "revert", k3, &a);
    cr_assert_eq(a.status, 201, "%s", it_describe(&a));
    cr_expect_str_eq(it_header_get(&a, "X-Idempotency-Replayed"), "false");
    tx_redis_flushall();
    act(&f, id, "revert", k3, &b);
    cr_assert_eq(b.status, 201, "%s", it_describe(&b));
    cr_expect_str_eq(it_header_get(&b, "X-Idempotency-Replayed"), "true");
    cr_expect_str_eq(b.body, a.body);
    it_response_free(&b);
    it_response_free(&a);
    act_err(&f, id, "revert", 400, "0087");
    expect_balance(&f, "@bob", "0", "0", 2);
    it_response_free(&p);
    it_response_free(&p2);
}

/* ---- revert (5.3, 7.3)
 * ------------------------------------------------------------------------------------- */

Test(txn_lifecycle, revert_creates_the_swapped_transaction, .timeout = 120)
{
    tx_fix f;
    it_response t, v, r;
    setup(&f, ALICE_BOB_CAROL);
    tx_fund(&f, "USD", "@alice", "100");
    create(&f,
           "{\"description\":\"split\",\"chartOfAccountsGroupName\":\"G7\",\"metadata\":{\"order\":\"7\"},"
           "\"send\":{\"asset\":\"USD\",\"value\":\"90\",\"source\":{\"from\":[" LEG_AMT(
               "@alice",
               "90") "]},"
                     "\"distribute\":{\"to\":[{\"accountAlias\":\"@bob\",\"amount\":{\"asset\":\"USD\","
                     "\"value\":\"60\"},"
                     "\"description\":\"to bob\",\"chartOfAccounts\":\"4001\",\"metadata\":{\"leg\":\"b\"}},"
                     "{\"accountAlias\":\"@carol\",\"remaining\":\"x\"}]}}}",
           &t);
    const char *id = tx_jstr(t.json, "id");
    /* the operation's description as currently stored is copied (O3 PATCH) */
    tx_lreqf(&f, "PATCH", "{\"description\":\"to bob (edited)\"}", &r, "/transactions/%s/operations/%s", id,
             tx_jstr(t.json, "operations.1.id"));
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);

    act(&f, id, "revert", NULL, &v);
    cr_assert_eq(v.status, 201, "%s", it_describe(&v));
    cr_expect_str_eq(it_header_get(&v, "X-Idempotency-Replayed"), "false");
    json_object *rv = v.json;
    cr_expect_str_neq(tx_jstr(rv, "id"), id);
    cr_expect_str_eq(tx_jstr(rv, "parentTransactionId"), id);
    cr_expect_str_eq(tx_jstr(rv, "status.code"), "APPROVED");
    cr_expect_str_eq(tx_jstr(rv, "description"), "split");
    cr_expect_str_eq(tx_jstr(rv, "chartOfAccountsGroupName"), "G7");
    cr_expect_str_eq(tx_jstr(rv, "metadata.order"), "7");
    cr_expect_str_eq(tx_jstr(rv, "amount"), "90");
    cr_expect_str_eq(tx_jstr(rv, "assetCode"), "USD");
    cr_expect_str_eq(tx_jstr(rv, "source.0"), "@bob");
    cr_expect_str_eq(tx_jstr(rv, "source.1"), "@carol");
    cr_expect_str_eq(tx_jstr(rv, "destination.0"), "@alice");
    cr_expect(json_object_array_length(tx_jget(rv, "destination")) == 1);
    cr_assert_eq(n_ops(rv), 3, "%s", v.body);
    expect_ops_ascending(rv);
    expect_op(tx_jget(rv, "operations.0"), "DEBIT", "debit", "APPROVED", "@bob", "60", "60", "0", 1, "0",
              "0");
    cr_expect_str_eq(tx_jstr(rv, "operations.0.description"), "to bob (edited)");
    cr_expect_str_eq(tx_jstr(rv, "operations.0.chartOfAccounts"), "4001");
    cr_expect_str_eq(tx_jstr(rv, "operations.0.metadata.leg"), "b");
    expect_op(tx_jget(rv, "operations.1"), "DEBIT", "debit", "APPROVED", "@carol", "30", "30", "0", 1, "0",
              "0");
    cr_expect_str_eq(tx_jstr(rv, "operations.1.description"), "split");
    expect_op(tx_jget(rv, "operations.2"), "CREDIT", "credit", "APPROVED", "@alice", "90", "10", "0", 2,
              "100", "0");
    expect_balance(&f, "@alice", "100", "0", 3);
    expect_balance(&f, "@bob", "0", "0", 2);
    expect_balance(&f, "@carol", "0", "0", 2);

    /* the original is unchanged; at most one reversal; a reversal cannot be reverted */
    char *suffix = xasprintf("/transactions/%s", id);
    tx_lreq(&f, "GET", suffix, NULL, NULL, &r);
    cr_expect_str_eq(tx_jstr(r.json, "status.code"), "APPROVED");
    cr_expect(json_object_is_type(tx_jget(r.json, "parentTransactionId"), json_type_null));
    cr_expect_eq(n_ops(r.json), 3);
    it_response_free(&r);
    free(suffix);
    act_err(&f, id, "revert", 400, "0087");
    act_err(&f, tx_jstr(rv, "id"), "revert", 400, "0088");
    act_err(&f, "0196f1a2-7b1c-7d3e-9f00-0000000000a1", "revert", 404, "0070");
    act_err(&f, "nope", "revert", 400, "0065");
    it_response_free(&t);
    it_response_free(&v);
}

Test(txn_lifecycle, revert_of_inflow_and_of_a_committed_pending_transaction, .timeout = 120)
{
    tx_fix f;
    it_response in, p, c, v;
    setup(&f, ALICE_BOB);
    /* an inflow reverts into an outflow-shaped transaction (@external/USD receives) */
    tx_lreq(&f, "POST", "/transactions/inflow", NULL,
            "{\"send\":{\"asset\":\"USD\",\"value\":\"100\",\"distribute\":{\"to\":[" LEG_AMT("@alice",
                                                                                              "100") "]}}}",
            &in);
    cr_assert_eq(in.status, 201, "%s", it_describe(&in));
    create(&f, PENDING_30, &p);
    act(&f, tx_jstr(p.json, "id"), "commit", NULL, &c);
    cr_assert_eq(c.status, 201, "%s", it_describe(&c));

    /* ON_HOLD is ignored: CREDIT @bob -> source, DEBIT @alice -> destination */
    act(&f, tx_jstr(p.json, "id"), "revert", NULL, &v);
    cr_assert_eq(v.status, 201, "%s", it_describe(&v));
    cr_expect_str_eq(tx_jstr(v.json, "parentTransactionId"), tx_jstr(p.json, "id"));
    cr_assert_eq(n_ops(v.json), 2, "%s", v.body);
    expect_op(tx_jget(v.json, "operations.0"), "DEBIT", "debit", "APPROVED", "@bob", "30", "30", "0", 1, "0",
              "0");
    expect_op(tx_jget(v.json, "operations.1"), "CREDIT", "credit", "APPROVED", "@alice", "30", "70", "0", 3,
              "100", "0");
    cr_expect_str_eq(tx_jstr(v.json, "description"), "hold");
    it_response_free(&v);
    expect_balance(&f, "@alice", "100", "0", 4);
    expect_balance(&f, "@bob", "0", "0", 2);

    act(&f, tx_jstr(in.json, "id"), "revert", NULL, &v);
    cr_assert_eq(v.status, 201, "%s", it_describe(&v));
    cr_expect_str_eq(tx_jstr(v.json, "source.0"), "@alice");
    cr_expect_str_eq(tx_jstr(v.json, "destination.0"), "@external/USD");
    it_response_free(&v);
    expect_balance(&f, "@alice", "0", "0", 5);
    json_object *ext = tx_balance(&f, "@external/USD", NULL);
    cr_expect(tx_dec_eq(tx_jstr(ext, "available"), "0"), "external back to 0: %s", tx_jstr(ext, "available"));
    json_object_put(ext);
    it_response_free(&in);
    it_response_free(&p);
    it_response_free(&c);
}

Test(txn_lifecycle, revert_needs_the_money_back, .timeout = 120)
{
    tx_fix f;
    it_response t, u, r;
    setup(&f, ALICE_BOB_CAROL);
    tx_fund(&f, "USD", "@alice", "10");
    cr_assert_eq(tx_transfer(&f, "USD", "@alice", "@bob", "10", &t), 201, "%s", it_describe(&t));
    cr_assert_eq(tx_transfer(&f, "USD", "@bob", "@carol", "4", &u), 201, "%s", it_describe(&u));
    /* bob holds 6 of the 10: 0018, and nothing changes */
    act_err(&f, tx_jstr(t.json, "id"), "revert", 422, "0018");
    expect_balance(&f, "@bob", "6", "0", 2);
    /* 0024: the reversal's destination no longer receives */
    json_object *bob = tx_balance(&f, "@bob", NULL);
    tx_lreqf(&f, "PATCH", "{\"allowReceiving\":false}", &r, "/balances/%s", tx_jstr(bob, "id"));
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
    act_err(&f, tx_jstr(u.json, "id"), "revert", 400, "0024");
    tx_lreqf(&f, "PATCH", "{\"allowReceiving\":true}", &r, "/balances/%s", tx_jstr(bob, "id"));
    it_response_free(&r);
    json_object_put(bob);
    /* the failed attempts left no reversal behind */
    act(&f, tx_jstr(u.json, "id"), "revert", NULL, &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    it_response_free(&r);
    act(&f, tx_jstr(t.json, "id"), "revert", NULL, &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    it_response_free(&r);
    expect_balance(&f, "@alice", "10", "0", 3);
    it_response_free(&t);
    it_response_free(&u);
}

/* ---- G5, G6 ------------------------------------------------------------------------------------------- */

#define RACERS 20

static void race(const tx_fix *f, const char *id, const char *const *actions, const char *const *headers,
                 tx_par_res *res)
{
    tx_par_req reqs[RACERS];
    char *paths[RACERS];
    for (size_t i = 0; i < RACERS; i++) {
        paths[i] = xasprintf("%s/transactions/%s/%s", f->L, id, actions[i % 2]);
        reqs[i] = (tx_par_req){.method = "POST", .path = paths[i], .body = NULL, .headers = headers};
    }
    tx_parallel(RACERS, reqs, RACERS, res);
    for (size_t i = 0; i < RACERS; i++)
        free(paths[i]);
}

Test(txn_lifecycle, concurrent_commits_have_exactly_one_winner, .timeout = 180)
{
    tx_fix f;
    it_response p, g;
    tx_par_res res[RACERS];
    static const char *const commits[] = {"commit", "commit"};
    setup(&f, ALICE_BOB);
    tx_fund(&f, "USD", "@alice", "100");
    create(&f, PENDING_30, &p);
    race(&f, tx_jstr(p.json, "id"), commits, NULL, res);
    size_t won = 0;
    for (size_t i = 0; i < RACERS; i++) {
        if (res[i].status == 201)
            won++;
        else
            cr_expect(res[i].status == 409 && strcmp(res[i].code, "0099") == 0, "loser %zu: %ld %s", i,
                      res[i].status, res[i].body);
    }
    cr_expect_eq(won, 1, "exactly one commit wins, got %zu", won);
    tx_par_free(res, RACERS);
    char *suffix = xasprintf("/transactions/%s", tx_jstr(p.json, "id"));
    tx_lreq(&f, "GET", suffix, NULL, NULL, &g);
    cr_expect_eq(n_ops(g.json), 3, "%s", g.body);
    it_response_free(&g);
    free(suffix);
    expect_balance(&f, "@alice", "70", "0", 3);
    expect_balance(&f, "@bob", "30", "0", 1);
    it_response_free(&p);
}

Test(txn_lifecycle, concurrent_commit_and_cancel_have_exactly_one_winner, .timeout = 180)
{
    tx_fix f;
    tx_par_res res[RACERS];
    static const char *const mixed[] = {"commit", "cancel"};
    setup(&f, ALICE_BOB);
    tx_fund(&f, "USD", "@alice", "300");
    for (int round = 0; round < 3; round++) {
        it_response p, g;
        create(&f, PENDING_30, &p);
        race(&f, tx_jstr(p.json, "id"), mixed, NULL, res);
        size_t won = 0, winner = 0;
        for (size_t i = 0; i < RACERS; i++) {
            if (res[i].status == 201) {
                won++;
                winner = i;
            } else {
                cr_expect(res[i].status == 409 && strcmp(res[i].code, "0099") == 0, "loser %zu: %ld %s", i,
                          res[i].status, res[i].body);
            }
        }
        cr_assert_eq(won, 1, "round %d: exactly one winner, got %zu", round, won);
        const char *want = winner % 2 == 0 ? "APPROVED" : "CANCELED";
        char *suffix = xasprintf("/transactions/%s", tx_jstr(p.json, "id"));
        tx_lreq(&f, "GET", suffix, NULL, NULL, &g);
        cr_expect_str_eq(tx_jstr(g.json, "status.code"), want);
        cr_expect_eq(n_ops(g.json), winner % 2 == 0 ? 3u : 2u, "%s", g.body);
        it_response_free(&g);
        free(suffix);
        tx_par_free(res, RACERS);
        it_response_free(&p);
    }
    /* G1 on the source: every hold was either debited or released */
    json_object *a = tx_balance(&f, "@alice", NULL);
    cr_expect(tx_dec_eq(tx_jstr(a, "onHold"), "0"), "onHold %s", tx_jstr(a, "onHold"));
    cr_expect_eq(tx_jint(a, "version"), 1 + 3 * 2);
    json_object_put(a);
}

Test(txn_lifecycle, concurrent_commits_sharing_a_key, .timeout = 180)
{
    tx_fix f;
    it_response p, g;
    tx_par_res res[RACERS];
    static const char *const commits[] = {"commit", "commit"};
    static const char *const key[] = {"X-Idempotency: shared-commit", NULL};
    setup(&f, ALICE_BOB);
    tx_fund(&f, "USD", "@alice", "100");
    create(&f, PENDING_30, &p);
    race(&f, tx_jstr(p.json, "id"), commits, key, res);
    size_t first = 0, replays = 0;
    const char *body = NULL;
    for (size_t i = 0; i < RACERS; i++) {
        if (res[i].status == 201 && strcmp(res[i].replayed, "false") == 0) {
            first++;
            body = res[i].body;
        } else if (res[i].status == 201) {
            replays++;
        } else {
            cr_expect(res[i].status == 409 && strcmp(res[i].code, "0084") == 0, "other %zu: %ld %s", i,
                      res[i].status, res[i].body);
        }
    }
    cr_expect_eq(first, 1, "one processed commit, got %zu", first);
    for (size_t i = 0; body && i < RACERS; i++)
        if (res[i].status == 201)
            cr_expect_str_eq(res[i].body, body, "replays are byte-identical");
    tx_par_free(res, RACERS);
    char *suffix = xasprintf("/transactions/%s", tx_jstr(p.json, "id"));
    tx_lreq(&f, "GET", suffix, NULL, NULL, &g);
    cr_expect_eq(n_ops(g.json), 3);
    it_response_free(&g);
    free(suffix);
    (void)replays;
    it_response_free(&p);
}

/* Lost Redis claims (transactions.md 8.3): with Redis stopped every request sharing the key reaches
 * PostgreSQL; the losers of the row lock must answer as the winner's record says (replay or 0084), never
 * with the state they find after it (0099 for commit, 0087 for revert). To make the losers certain, a
 * separate session holds the transaction row lock while the racers pile up behind it (every worker past
 * its idempotency check), then lets them go. */
static bool redis_stopped;

static void restore_redis(void)
{
    if (!redis_stopped)
        return;
    fprintf(stderr, "[it] restarting redis after a failed test\n");
    if (it_stack("start", "redis") != 0)
        fprintf(stderr, "[it] could not restart redis: later tests will fail\n");
    redis_stopped = false;
}

static void stop_redis(void)
{
    cr_assert_eq(it_stack("stop", "redis"), 0, "cannot stop redis");
    redis_stopped = true;
}

static void start_redis(void)
{
    int rc = it_stack("start", "redis");
    redis_stopped = rc != 0;
    cr_assert_eq(rc, 0, "cannot restart redis");
}

#define PILE_UP_WAITERS 2        /* requests blocked on the row lock before it is released */
#define PILE_UP_TIMEOUT_MS 10000 /* release anyway after this long (the assertions then decide) */
#define PILE_UP_EXTRA_MS 300     /* after the minimum, let more workers arrive for up to this long */

/* A session holding one transaction row FOR UPDATE until PILE_UP_WAITERS other sessions wait for a
 * lock (or the timeout). Runs on its own thread and never asserts: the main thread checks `error`. */
typedef struct row_holder {
    const char *txn_id;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool locked;
    bool done;
    int max_waiters;
    char error[256];
} row_holder;

static void holder_signal(row_holder *h, bool locked, const char *error)
{
    pthread_mutex_lock(&h->mu);
    h->locked = locked;
    h->done = true;
    if (error)
        snprintf(h->error, sizeof(h->error), "%s", error);
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

static bool holder_exec(PGconn *pg, const char *sql, int n, const char *const *params, PGresult **out)
{
    PGresult *res = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (ok && out)
        *out = res;
    else
        PQclear(res);
    return ok;
}

static void *holder_run(void *arg)
{
    row_holder *h = arg;
    static const char lock_sql[] = "SELECT 1 FROM transaction.transactions WHERE id = $1::uuid FOR UPDATE";
    /* sessions waiting for a row lock of the transactions table (statistics are read from a second,
     * autocommit session: inside a transaction they would be a frozen snapshot) */
    static const char waiters_sql[] =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock' AND query LIKE '%FROM transactions%FOR UPDATE%'";
    const char *params[] = {h->txn_id};
    const char *url = getenv("TRANSACTION_DATABASE_URL");
    PGconn *pg = PQconnectdb(url ? url : "");
    PGconn *watch = PQconnectdb(url ? url : "");
    PGresult *res = NULL;

    if (PQstatus(pg) != CONNECTION_OK || PQstatus(watch) != CONNECTION_OK ||
        !holder_exec(pg, "BEGIN", 0, NULL, NULL) || !holder_exec(pg, lock_sql, 1, params, &res) ||
        PQntuples(res) != 1) {
        PQclear(res);
        holder_signal(h, false, PQstatus(pg) != CONNECTION_OK ? PQerrorMessage(pg) : PQerrorMessage(watch));
        PQfinish(pg);
        PQfinish(watch);
        return NULL;
    }
    PQclear(res);
    holder_signal(h, true, NULL);
    int64_t start = it_now_ms(), enough_at = 0;
    while (it_now_ms() - start < PILE_UP_TIMEOUT_MS) {
        res = NULL;
        if (!holder_exec(watch, waiters_sql, 0, NULL, &res))
            break;
        int w = atoi(PQgetvalue(res, 0, 0));
        PQclear(res);
        if (w > h->max_waiters)
            h->max_waiters = w;
        if (w >= PILE_UP_WAITERS && enough_at == 0)
            enough_at = it_now_ms();
        if (enough_at && it_now_ms() - enough_at >= PILE_UP_EXTRA_MS)
            break;
        it_sleep_ms(20);
    }
    (void)holder_exec(pg, "COMMIT", 0, NULL, NULL);
    PQfinish(pg);
    PQfinish(watch);
    return NULL;
}

/* race() while txn_id's row is held: the racers queue behind the lock past their idempotency check. */
static void race_behind_lock(const tx_fix *f, const char *txn_id, const char *const *actions,
                             const char *const *headers, tx_par_res *res)
{
    row_holder h = {.txn_id = txn_id};
    pthread_t tid;
    pthread_mutex_init(&h.mu, NULL);
    pthread_cond_init(&h.cv, NULL);
    cr_assert_eq(pthread_create(&tid, NULL, holder_run, &h), 0);
    pthread_mutex_lock(&h.mu);
    while (!h.done)
        pthread_cond_wait(&h.cv, &h.mu);
    pthread_mutex_unlock(&h.mu);
    if (!h.locked) {
        pthread_join(tid, NULL);
        cr_assert_fail("cannot hold the transaction row: %s", h.error);
    }
    race(f, txn_id, actions, headers, res);
    pthread_join(tid, NULL);
    cr_expect_geq(h.max_waiters, PILE_UP_WAITERS, "only %d request(s) queued behind the row lock",
                  h.max_waiters);
    pthread_mutex_destroy(&h.mu);
    pthread_cond_destroy(&h.cv);
}

/* Exactly one processed 201, the others byte-identical replays or 0084. */
static void expect_one_winner_and_replays(tx_par_res *res)
{
    size_t first = 0;
    const char *body = NULL;
    for (size_t i = 0; i < RACERS; i++) {
        if (res[i].status == 201 && strcmp(res[i].replayed, "false") == 0) {
            first++;
            body = res[i].body;
        } else if (res[i].status == 201) {
            cr_expect_str_eq(res[i].replayed, "true", "racer %zu", i);
        } else {
            cr_expect(res[i].status == 409 && strcmp(res[i].code, "0084") == 0, "racer %zu: %ld %s", i,
                      res[i].status, res[i].body);
        }
    }
    cr_expect_eq(first, 1, "one processed request, got %zu", first);
    for (size_t i = 0; body && i < RACERS; i++)
        if (res[i].status == 201)
            cr_expect_str_eq(res[i].body, body, "replays are byte-identical");
}

Test(txn_lifecycle, concurrent_commits_sharing_a_key_with_redis_stopped, .fini = restore_redis,
     .timeout = 240)
{
    tx_fix f;
    it_response p, g;
    tx_par_res res[RACERS];
    static const char *const commits[] = {"commit", "commit"};
    static const char *const key[] = {"X-Idempotency: shared-commit-no-redis", NULL};
    setup(&f, ALICE_BOB);
    tx_fund(&f, "USD", "@alice", "100");
    create(&f, PENDING_30, &p);
    stop_redis();
    race_behind_lock(&f, tx_jstr(p.json, "id"), commits, key, res);
    start_redis();
    expect_one_winner_and_replays(res);
    tx_par_free(res, RACERS);
    char *suffix = xasprintf("/transactions/%s", tx_jstr(p.json, "id"));
    tx_lreq(&f, "GET", suffix, NULL, NULL, &g);
    cr_expect_eq(n_ops(g.json), 3, "%s", g.body);
    it_response_free(&g);
    free(suffix);
    expect_balance(&f, "@alice", "70", "0", 3);
    expect_balance(&f, "@bob", "30", "0", 1);
    it_response_free(&p);
}

Test(txn_lifecycle, concurrent_reverts_sharing_a_key_with_redis_stopped, .fini = restore_redis,
     .timeout = 240)
{
    tx_fix f;
    it_response t, l;
    tx_par_res res[RACERS];
    static const char *const reverts[] = {"revert", "revert"};
    static const char *const key[] = {"X-Idempotency: shared-revert-no-redis", NULL};
    setup(&f, ALICE_BOB);
    tx_fund(&f, "USD", "@alice", "100");
    cr_assert_eq(tx_transfer(&f, "USD", "@alice", "@bob", "40", &t), 201, "%s", it_describe(&t));
    stop_redis();
    race_behind_lock(&f, tx_jstr(t.json, "id"), reverts, key, res);
    start_redis();
    expect_one_winner_and_replays(res);
    tx_par_free(res, RACERS);
    expect_balance(&f, "@alice", "100", "0", 3);
    expect_balance(&f, "@bob", "0", "0", 2);
    tx_lreq(&f, "GET", "/transactions?limit=100", NULL, NULL, &l);
    cr_expect_eq(json_object_array_length(tx_jget(l.json, "items")), 3, "%s", l.body);
    it_response_free(&l);
    it_response_free(&t);
}

Test(txn_lifecycle, concurrent_reverts_create_one_reversal, .timeout = 180)
{
    tx_fix f;
    it_response t, l;
    tx_par_res res[RACERS];
    static const char *const reverts[] = {"revert", "revert"};
    setup(&f, ALICE_BOB);
    tx_fund(&f, "USD", "@alice", "100");
    cr_assert_eq(tx_transfer(&f, "USD", "@alice", "@bob", "40", &t), 201, "%s", it_describe(&t));
    race(&f, tx_jstr(t.json, "id"), reverts, NULL, res);
    size_t won = 0;
    for (size_t i = 0; i < RACERS; i++) {
        if (res[i].status == 201)
            won++;
        else
            cr_expect(res[i].status == 400 && strcmp(res[i].code, "0087") == 0, "loser %zu: %ld %s", i,
                      res[i].status, res[i].body);
    }
    cr_expect_eq(won, 1, "exactly one reversal, got %zu", won);
    tx_par_free(res, RACERS);
    expect_balance(&f, "@alice", "100", "0", 3);
    expect_balance(&f, "@bob", "0", "0", 2);
    /* fund + transfer + one reversal */
    tx_lreq(&f, "GET", "/transactions?limit=100", NULL, NULL, &l);
    cr_expect_eq(json_object_array_length(tx_jget(l.json, "items")), 3, "%s", l.body);
    it_response_free(&l);
    it_response_free(&t);
}

/* ---- events exactly once per step ------------------------------------------------------------------ */

/* The record of type `type` whose subject is `subject`, asserting there is exactly one. */
static const it_kafka_record *one_event(const it_kafka_record *recs, size_t n, const char *type,
                                        const char *subject)
{
    char full[96];
    snprintf(full, sizeof(full), "studio.lerian.%s", type);
    cr_expect_eq(tx_events_count(recs, n, full, subject), 1, "%s of %s must appear once", type, subject);
    const it_kafka_record *rec = tx_events_find(recs, n, full, subject);
    cr_assert(rec, "no %s for %s", type, subject);
    return rec;
}

/* The transaction event carries the response body byte for byte, then one balance.changed per new
 * operation follows in operation order (new = operations from index `first`). */
static void expect_step_events(const it_kafka_record *recs, size_t n, const char *type,
                               const it_response *resp, size_t first)
{
    const char *subject = tx_jstr(resp->json, "id");
    const it_kafka_record *ev = one_event(recs, n, type, subject);
    cr_expect(ev->value_len == resp->body_len && memcmp(ev->value, resp->body, resp->body_len) == 0,
              "%s data differs from the 201 body:\n%s\n%s", type, ev->value, resp->body);
    const char *t = it_kafka_header_get(ev, "ce_time");
    cr_expect(t && strcmp(t, tx_jstr(resp->json, "updatedAt")) == 0, "%s ce_time %s", type, t);
    json_object *ops = tx_jget(resp->json, "operations");
    int64_t last = ev->offset;
    for (size_t k = first; k < json_object_array_length(ops); k++) {
        json_object *op = json_object_array_get_idx(ops, k);
        const it_kafka_record *ch = NULL;
        size_t copies = 0;
        for (size_t i = 0; i < n; i++) {
            const char *ty = it_kafka_header_get(&recs[i], "ce_type");
            if (!ty || strcmp(ty, "studio.lerian.balance.changed") != 0)
                continue;
            json_object *v = json_tokener_parse(recs[i].value);
            if (strcmp(tx_jstr(v, "operationId"), tx_jstr(op, "id")) == 0) {
                ch = &recs[i];
                copies++;
                cr_expect_str_eq(tx_jstr(v, "operationType"), tx_jstr(op, "type"));
                cr_expect_str_eq(tx_jstr(v, "direction"), tx_jstr(op, "direction"));
                cr_expect_str_eq(tx_jstr(v, "available"), tx_jstr(op, "balanceAfter.available"));
                cr_expect_str_eq(tx_jstr(v, "onHold"), tx_jstr(op, "balanceAfter.onHold"));
                cr_expect_eq(tx_jint(v, "version"), tx_jint(op, "balanceAfter.version"));
                cr_expect_str_eq(tx_jstr(v, "transactionId"), subject);
            }
            json_object_put(v);
        }
        cr_assert_eq(copies, 1, "%s: balance.changed of operation %zu appears %zu times", type, k, copies);
        cr_expect_gt(ch->offset, last, "balance.changed after the transaction event, in operation order");
        cr_expect_eq(ch->partition, ev->partition);
        last = ch->offset;
    }
}

Test(txn_lifecycle, every_step_publishes_its_events_once, .timeout = 240)
{
    it_kafka_consumer *kc = it_kafka_consumer_new(TX_TOPIC);
    tx_fix f;
    it_response p1, c1, p2, c2, v, r;
    setup(&f, ALICE_BOB);
    tx_fund(&f, "USD", "@alice", "100");
    create(&f, PENDING_30, &p1);
    act(&f, tx_jstr(p1.json, "id"), "commit", NULL, &c1);
    cr_assert_eq(c1.status, 201, "%s", it_describe(&c1));
    create(&f, PENDING_30, &p2);
    act(&f, tx_jstr(p2.json, "id"), "cancel", NULL, &c2);
    cr_assert_eq(c2.status, 201, "%s", it_describe(&c2));
    act(&f, tx_jstr(p1.json, "id"), "revert", NULL, &v);
    cr_assert_eq(v.status, 201, "%s", it_describe(&v));
    /* failures, replays and reads publish nothing */
    act_err(&f, tx_jstr(p1.json, "id"), "commit", 409, "0099");
    act_err(&f, tx_jstr(p1.json, "id"), "revert", 400, "0087");
    static const char *const k[] = {"X-Idempotency: ev-k", NULL};
    act(&f, tx_jstr(v.json, "id"), "revert", k, &r); /* 0088 */
    tx_assert_error(&r, 400, "0088", NULL);
    it_response_free(&r);

    /* 3 balance.created + fund (posted + 2 changed) + pending (1+1) + committed (1+2) + pending (1+1)
     * + canceled (1+1) + reverted (1+2) */
    size_t expected = 3 + 3 + 2 + 3 + 2 + 2 + 3;
    it_kafka_record *recs = NULL;
    size_t n = 0;
    tx_events_for_ledger(kc, f.ledger, expected, 60000, 3000, &recs, &n);
    cr_assert_eq(n, expected, "want %zu events of the ledger, got %zu", expected, n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            cr_expect_str_neq(it_kafka_header_get(&recs[i], "ce_id"), it_kafka_header_get(&recs[j], "ce_id"));
    cr_expect_eq(tx_events_count(recs, n, "studio.lerian.transaction.pending", NULL), 2);
    cr_expect_eq(tx_events_count(recs, n, "studio.lerian.transaction.committed", NULL), 1);
    cr_expect_eq(tx_events_count(recs, n, "studio.lerian.transaction.canceled", NULL), 1);
    cr_expect_eq(tx_events_count(recs, n, "studio.lerian.transaction.reverted", NULL), 1);
    cr_expect_eq(tx_events_count(recs, n, "studio.lerian.transaction.posted", NULL), 1);
    expect_step_events(recs, n, "transaction.pending", &p1, 0);
    expect_step_events(recs, n, "transaction.committed", &c1, 1);
    expect_step_events(recs, n, "transaction.pending", &p2, 0);
    expect_step_events(recs, n, "transaction.canceled", &c2, 1);
    expect_step_events(recs, n, "transaction.reverted", &v, 0);
    /* pending -> committed on one key and partition, in that order */
    const it_kafka_record *pe = one_event(recs, n, "transaction.pending", tx_jstr(p1.json, "id"));
    const it_kafka_record *ce = one_event(recs, n, "transaction.committed", tx_jstr(p1.json, "id"));
    cr_expect_eq(pe->partition, ce->partition);
    cr_expect_lt(pe->offset, ce->offset);
    const it_kafka_record *re = one_event(recs, n, "transaction.reverted", tx_jstr(v.json, "id"));
    cr_expect(strstr(re->value, tx_jstr(p1.json, "id")) != NULL, "the reversal names its parent");
    it_kafka_records_free(recs, n);
    it_kafka_consumer_free(kc);
    it_response_free(&p1);
    it_response_free(&c1);
    it_response_free(&p2);
    it_response_free(&c2);
    it_response_free(&v);
}
