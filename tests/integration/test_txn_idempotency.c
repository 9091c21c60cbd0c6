/* Idempotency through the gateway (transactions.md 8): header syntax (0047), byte-identical replays with
 * X-Idempotency-Replayed, 0084 for a different body, no key = no deduplication, claims released on 4xx,
 * expiry, concurrent duplicates (one posting), Redis flushed between a request and its retry (replay,
 * not 0018), and Redis stopped (still exactly one posting per key). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "tx_helpers.h"
#include "util/mem.h"

static const char *const USD[] = {"USD", NULL};

#define XFER(v)                                                                                              \
    "{\"send\":{\"asset\":\"USD\",\"value\":\"" v                                                            \
    "\",\"source\":{\"from\":[{\"accountAlias\":\"@alice\",\"amount\":"                                      \
    "{\"asset\":\"USD\",\"value\":\"" v                                                                      \
    "\"}}]},\"distribute\":{\"to\":[{\"accountAlias\":\"@bob\",\"amount\":"                                  \
    "{\"asset\":\"USD\",\"value\":\"" v "\"}}]}}}"

static void setup(tx_fix *f, const char *funds)
{
    tx_fix_init(f, USD);
    free(tx_account(f, "USD", "@alice", "deposit", NULL));
    free(tx_account(f, "USD", "@bob", "deposit", NULL));
    if (funds)
        tx_fund(f, "USD", "@alice", funds);
}

static void post_key(const tx_fix *f, const char *key, const char *ttl, const char *body, it_response *r)
{
    char *kh = key ? xasprintf("X-Idempotency: %s", key) : NULL;
    char *th = ttl ? xasprintf("X-TTL: %s", ttl) : NULL;
    const char *headers[3] = {NULL, NULL, NULL};
    size_t n = 0;
    if (kh)
        headers[n++] = kh;
    if (th)
        headers[n++] = th;
    tx_lreq(f, "POST", "/transactions/json", headers, body, r);
    free(kh);
    free(th);
}

static int64_t count(const tx_fix *f)
{
    it_response r;
    tx_lreq(f, "HEAD", "/transactions/metrics/count", NULL, NULL, &r);
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    int64_t n = atoll(it_header_get(&r, "X-Total-Count"));
    it_response_free(&r);
    return n;
}

Test(txn_idempotency, replay_conflict_and_header_rules, .timeout = 120)
{
    tx_fix f;
    it_response a, b;
    setup(&f, "100");

    post_key(&f, "order-1", NULL, XFER("10"), &a);
    cr_assert_eq(a.status, 201, "%s", it_describe(&a));
    cr_expect_str_eq(it_header_get(&a, "X-Idempotency-Replayed"), "false");
    /* same input, different spelling: key order, whitespace, 10 vs "10.00", explicit defaults */
    post_key(
        &f, "  order-1 ", "60",
        "{ \"pending\": false, \"send\": {\"value\": 10, \"asset\": \"USD\", \"distribute\": {\"to\": [{"
        "\"amount\": {\"value\": \"10.00\", \"asset\": \"USD\"}, \"accountAlias\": \"@bob\", \"balanceKey\":"
        " \"DEFAULT\"}]}, \"source\": {\"from\": [{\"accountAlias\": \"@alice\", \"amount\": {\"asset\": "
        "\"USD\","
        " \"value\": 1e1}}]}}}",
        &b);
    cr_assert_eq(b.status, 201, "%s", it_describe(&b));
    cr_expect_str_eq(it_header_get(&b, "X-Idempotency-Replayed"), "true");
    cr_expect_eq(a.body_len, b.body_len);
    cr_expect(memcmp(a.body, b.body, a.body_len) == 0, "replay differs:\n%s\n%s", a.body, b.body);
    it_response_free(&b);
    it_response_free(&a);
    tx_expect_available(&f, "@alice", NULL, "90");
    cr_expect_eq(count(&f), 2);

    /* different body under the same key */
    post_key(&f, "order-1", NULL, XFER("11"), &b);
    tx_assert_error(&b, 409, "0084", NULL);
    it_response_free(&b);
    /* no key: identical bodies post twice */
    post_key(&f, NULL, NULL, XFER("1"), &a);
    post_key(&f, "", NULL, XFER("1"), &b);
    cr_expect_eq(a.status, 201);
    cr_expect_eq(b.status, 201);
    cr_expect_str_eq(it_header_get(&b, "X-Idempotency-Replayed"), "false");
    cr_expect_str_neq(tx_jstr(a.json, "id"), tx_jstr(b.json, "id"));
    it_response_free(&a);
    it_response_free(&b);
    tx_expect_available(&f, "@alice", NULL, "88");

    /* header syntax (step 3, before the body is even parsed) */
    char long_key[300];
    memset(long_key, 'k', 257);
    long_key[257] = '\0';
    post_key(&f, long_key, NULL, "not json", &a);
    tx_assert_error(&a, 400, "0047", "X-Idempotency");
    it_response_free(&a);
    post_key(&f, "k2", "0", XFER("1"), &a);
    tx_assert_error(&a, 400, "0047", "X-TTL");
    it_response_free(&a);
    post_key(&f, "k2", "86401", XFER("1"), &a);
    tx_assert_error(&a, 400, "0047", "X-TTL");
    it_response_free(&a);
    post_key(&f, "k2", "abc", XFER("1"), &a);
    tx_assert_error(&a, 400, "0047", "X-TTL");
    it_response_free(&a);
    /* shared by the create endpoints: an inflow with the transfer's key is a different body */
    const char *h[] = {"X-Idempotency: order-1", NULL};
    tx_lreq(
        &f, "POST", "/transactions/inflow", h,
        "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"distribute\":{\"to\":[{\"accountAlias\":\"@bob\","
        "\"amount\":{\"asset\":\"USD\",\"value\":\"10\"}}]}}}",
        &a);
    tx_assert_error(&a, 409, "0084", NULL);
    it_response_free(&a);
}

Test(txn_idempotency, claim_released_on_4xx_and_expiry, .timeout = 120)
{
    tx_fix f;
    it_response a;
    setup(&f, NULL);

    post_key(&f, "retry-me", NULL, XFER("5"), &a);
    tx_assert_error(&a, 422, "0018", NULL);
    it_response_free(&a);
    tx_fund(&f, "USD", "@alice", "5");
    post_key(&f, "retry-me", NULL, XFER("5"), &a);
    cr_expect_eq(a.status, 201, "the failed attempt must have released its claim: %s", it_describe(&a));
    cr_expect_str_eq(it_header_get(&a, "X-Idempotency-Replayed"), "false");
    it_response_free(&a);

    /* a TTL of 1 s: after expiry the key is free again */
    tx_fund(&f, "USD", "@alice", "2");
    post_key(&f, "short", "1", XFER("1"), &a);
    cr_assert_eq(a.status, 201, "%s", it_describe(&a));
    it_response_free(&a);
    it_sleep_ms(1500);
    post_key(&f, "short", "1", XFER("1"), &a);
    cr_expect_eq(a.status, 201, "%s", it_describe(&a));
    cr_expect_str_eq(it_header_get(&a, "X-Idempotency-Replayed"), "false");
    it_response_free(&a);
    tx_expect_available(&f, "@alice", NULL, "0");
}

/* n identical requests with one key at once: exactly one posting; every 201 carries the same bytes. */
static void concurrent_duplicates(const tx_fix *f, const char *key, size_t n)
{
    char *hk = xasprintf("X-Idempotency: %s", key);
    const char *headers[] = {hk, NULL};
    char *path = xasprintf("%s/transactions/json", f->L);
    tx_par_req *reqs = xcalloc(n, sizeof(*reqs));
    tx_par_res *res = xcalloc(n, sizeof(*res));
    for (size_t i = 0; i < n; i++)
        reqs[i] = (tx_par_req){"POST", path, XFER("3"), headers};
    int64_t before = count(f);
    tx_parallel(n, reqs, n, res);
    size_t created = 0, replays = 0, conflicts = 0;
    const char *body = NULL;
    for (size_t i = 0; i < n; i++) {
        if (res[i].status == 201) {
            if (strcmp(res[i].replayed, "false") == 0)
                created++;
            else
                replays++;
            if (body)
                cr_expect_str_eq(res[i].body, body, "replays must be byte-identical");
            body = res[i].body;
        } else {
            cr_expect_eq(res[i].status, 409, "unexpected answer %ld: %s", res[i].status, res[i].body);
            cr_expect_str_eq(res[i].code, "0084");
            conflicts++;
        }
    }
    cr_expect_eq(created, 1, "exactly one posting (created %zu, replays %zu, conflicts %zu)", created,
                 replays, conflicts);
    cr_expect_eq(count(f), before + 1);
    tx_par_free(res, n);
    free(res);
    free(reqs);
    free(path);
    free(hk);
}

Test(txn_idempotency, concurrent_duplicates_post_once, .timeout = 120)
{
    tx_fix f;
    setup(&f, "100");
    concurrent_duplicates(&f, "dup-key", 24);
    tx_expect_available(&f, "@alice", NULL, "97");
}

Test(txn_idempotency, redis_flushed_between_request_and_retry_replays, .timeout = 120)
{
    tx_fix f;
    it_response a, b;
    setup(&f, "10");
    /* drain the balance with key K */
    post_key(&f, "drain", NULL, XFER("10"), &a);
    cr_assert_eq(a.status, 201, "%s", it_describe(&a));
    tx_redis_flushall();
    post_key(&f, "drain", NULL, XFER("10"), &b);
    cr_assert_eq(b.status, 201, "a retry after FLUSHALL must replay, not fail 0018: %s", it_describe(&b));
    cr_expect_str_eq(it_header_get(&b, "X-Idempotency-Replayed"), "true");
    cr_expect(a.body_len == b.body_len && memcmp(a.body, b.body, a.body_len) == 0);
    it_response_free(&a);
    it_response_free(&b);
    /* and a different body under K is still refused */
    tx_redis_flushall();
    post_key(&f, "drain", NULL, XFER("1"), &b);
    tx_assert_error(&b, 409, "0084", NULL);
    it_response_free(&b);
    tx_expect_available(&f, "@alice", NULL, "0");
}

Test(txn_idempotency, redis_stopped_still_one_posting_per_key, .timeout = 240)
{
    tx_fix f;
    it_response a, b;
    setup(&f, "100");
    cr_assert_eq(it_stack("stop", "redis"), 0, "cannot stop redis");
    post_key(&f, "no-redis", NULL, XFER("7"), &a);
    post_key(&f, "no-redis", NULL, XFER("7"), &b);
    bool ok_a = a.status == 201, ok_b = b.status == 201;
    bool replayed = ok_b && it_header_get(&b, "X-Idempotency-Replayed") &&
                    strcmp(it_header_get(&b, "X-Idempotency-Replayed"), "true") == 0;
    bool same = ok_a && ok_b && a.body_len == b.body_len && memcmp(a.body, b.body, a.body_len) == 0;
    it_response_free(&a);
    it_response_free(&b);
    post_key(&f, "no-redis", NULL, XFER("8"), &a);
    long conflict = a.status;
    it_response_free(&a);
    concurrent_duplicates(&f, "no-redis-par", 12);
    /* reads keep working from PostgreSQL */
    json_object *bal = tx_balance(&f, "@alice", NULL);
    char *avail = xstrdup(tx_jstr(bal, "available"));
    json_object_put(bal);
    int started = it_stack("start", "redis");
    cr_assert_eq(started, 0, "cannot restart redis");
    cr_expect(ok_a, "first request failed with Redis down");
    cr_expect(replayed && same, "second request must be a byte-identical replay");
    cr_expect_eq(conflict, 409);
    cr_expect_str_eq(avail, "90");
    free(avail);
}
