/* Concurrency guarantees of transactions.md 13 through the gateway: hundreds of parallel transfers among
 * a few accounts (single and multi-leg, legs in any order) only ever answer 201 or 0018 (G9), conserve
 * money per asset including the external account (G4), never leave a non-external balance negative
 * (G3), and leave each balance's operations forming a contiguous version chain whose end is the
 * balance itself (G1, G2). A hot account drained concurrently admits exactly what it holds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "decimal/decimal.h"
#include "harness.h"
#include "tx_helpers.h"
#include "util/mem.h"

static const char *const USD[] = {"USD", NULL};
static const char *const NAMES[] = {"@c0", "@c1", "@c2", "@c3", "@c4"};
#define N_ACC 5

static decimal dec(const char *s)
{
    decimal d;
    cr_assert(s && decimal_parse(s, strlen(s), &d) == DECIMAL_OK, "not a decimal: %s", s ? s : "(null)");
    return d;
}

static char *leg(const char *alias, const char *v)
{
    return xasprintf("{\"accountAlias\":\"%s\",\"amount\":{\"asset\":\"USD\",\"value\":\"%s\"}}", alias, v);
}

/* Verify G1-G4 for every balance of the ledger, from the API and from the operations table. */
static void check_ledger(const tx_fix *f)
{
    it_response r;
    decimal sum;
    decimal_zero(&sum);
    tx_lreq(f, "GET", "/balances?limit=100", NULL, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    json_object *items = tx_jget(r.json, "items");
    size_t nb = json_object_array_length(items);
    cr_assert_eq(nb, N_ACC + 1);
    for (size_t i = 0; i < nb; i++) {
        json_object *b = json_object_array_get_idx(items, i);
        decimal av = dec(tx_jstr(b, "available"));
        decimal oh = dec(tx_jstr(b, "onHold"));
        (void)decimal_add(&sum, &av, &sum);
        (void)decimal_add(&sum, &oh, &sum);
        if (strcmp(tx_jstr(b, "accountType"), "external") != 0)
            cr_expect(decimal_sign(&av) >= 0, "G3: %s is negative: %s", tx_jstr(b, "alias"),
                      tx_jstr(b, "available"));

        /* G2: contiguous chain 0..version-1, each after = before + 1, each after = next before */
        const char *params[] = {tx_jstr(b, "id")};
        PGresult *res =
            it_pg_exec("TRANSACTION_DATABASE_URL",
                       "SELECT before_version, after_version, before_available, after_available, type, amount"
                       " FROM transaction.operations WHERE balance_id = $1::uuid ORDER BY before_version",
                       1, params);
        int n = PQntuples(res);
        cr_expect_eq((int64_t)n, tx_jint(b, "version"), "G1: %s has version %lld but %d operations",
                     tx_jstr(b, "alias"), (long long)tx_jint(b, "version"), n);
        decimal expect;
        decimal_zero(&expect);
        for (int k = 0; k < n; k++) {
            long bv = atol(PQgetvalue(res, k, 0));
            long avn = atol(PQgetvalue(res, k, 1));
            cr_expect_eq(bv, k, "G2: %s operation %d has version %ld", tx_jstr(b, "alias"), k, bv);
            cr_expect_eq(avn, bv + 1);
            decimal before = dec(PQgetvalue(res, k, 2));
            cr_expect(decimal_cmp(&before, &expect) == 0, "G2: %s operation %d starts from %s",
                      tx_jstr(b, "alias"), k, PQgetvalue(res, k, 2));
            decimal amount = dec(PQgetvalue(res, k, 5));
            decimal after = dec(PQgetvalue(res, k, 3));
            decimal want;
            if (strcmp(PQgetvalue(res, k, 4), "CREDIT") == 0)
                (void)decimal_add(&before, &amount, &want);
            else
                (void)decimal_sub(&before, &amount, &want);
            cr_expect(decimal_cmp(&after, &want) == 0, "operation %d of %s does not add up", k,
                      tx_jstr(b, "alias"));
            expect = after;
        }
        cr_expect(decimal_cmp(&expect, &av) == 0, "G1: %s ends at %s but its operations at another value",
                  tx_jstr(b, "alias"), tx_jstr(b, "available"));
        PQclear(res);
    }
    cr_expect(decimal_is_zero(&sum), "G4: the ledger does not sum to zero");
    it_response_free(&r);
}

Test(txn_concurrency, parallel_transfers_conserve_money_and_chain_versions, .timeout = 600)
{
    tx_fix f;
    tx_fix_init(&f, USD);
    for (size_t i = 0; i < N_ACC; i++) {
        free(tx_account(&f, "USD", NAMES[i], "deposit", NULL));
        tx_fund(&f, "USD", NAMES[i], "50");
    }
    static const char *const amounts[] = {"0.01", "1", "7.5", "13.37", "25", "0.000000000000000001"};
    const size_t n = 400;
    tx_par_req *reqs = xcalloc(n, sizeof(*reqs));
    tx_par_res *res = xcalloc(n, sizeof(*res));
    char **bodies = xcalloc(n, sizeof(char *));
    char *path = xasprintf("%s/transactions/json", f.L);
    unsigned seed = 12345;
    for (size_t i = 0; i < n; i++) {
        size_t a = (size_t)rand_r(&seed) % N_ACC;
        size_t b = (a + 1 + (size_t)rand_r(&seed) % (N_ACC - 1)) % N_ACC;
        const char *v = amounts[(size_t)rand_r(&seed) % ARRAY_LEN(amounts)];
        if (i % 4 == 3) {
            /* two sources in either order, one destination: locks must still be taken in id order */
            size_t c = (size_t)rand_r(&seed) % N_ACC;
            while (c == a || c == b)
                c = (c + 1) % N_ACC;
            char *l1 = leg(NAMES[a], "1"), *l2 = leg(NAMES[c], "2"), *l3 = leg(NAMES[b], "3");
            bodies[i] =
                xasprintf("{\"send\":{\"asset\":\"USD\",\"value\":\"3\",\"source\":{\"from\":[%s,%s]},"
                          "\"distribute\":{\"to\":[%s]}}}",
                          i % 8 == 3 ? l1 : l2, i % 8 == 3 ? l2 : l1, l3);
            free(l1);
            free(l2);
            free(l3);
        } else {
            char *l1 = leg(NAMES[a], v), *l2 = leg(NAMES[b], v);
            bodies[i] = xasprintf("{\"send\":{\"asset\":\"USD\",\"value\":\"%s\",\"source\":{\"from\":[%s]},"
                                  "\"distribute\":{\"to\":[%s]}}}",
                                  v, l1, l2);
            free(l1);
            free(l2);
        }
        reqs[i] = (tx_par_req){"POST", path, bodies[i], NULL};
    }
    tx_parallel(n, reqs, 24, res);
    size_t ok = 0, funds = 0;
    for (size_t i = 0; i < n; i++) {
        if (res[i].status == 201)
            ok++;
        else if (res[i].status == 422 && strcmp(res[i].code, "0018") == 0)
            funds++;
        else
            cr_expect_fail("G9: request %zu answered %ld %s", i, res[i].status, res[i].body);
    }
    fprintf(stderr, "[it] %zu transfers: %zu posted, %zu insufficient funds\n", n, ok, funds);
    cr_expect_gt(ok, n / 2);
    check_ledger(&f);
    tx_par_free(res, n);
    for (size_t i = 0; i < n; i++)
        free(bodies[i]);
    free(bodies);
    free(res);
    free(reqs);
    free(path);
}

Test(txn_concurrency, hot_account_admits_exactly_its_funds, .timeout = 300)
{
    tx_fix f;
    tx_fix_init(&f, USD);
    free(tx_account(&f, "USD", "@hot", "deposit", NULL));
    free(tx_account(&f, "USD", "@sink", "deposit", NULL));
    tx_fund(&f, "USD", "@hot", "100");
    const size_t n = 60;
    tx_par_req *reqs = xcalloc(n, sizeof(*reqs));
    tx_par_res *res = xcalloc(n, sizeof(*res));
    char *path = xasprintf("%s/transactions/json", f.L);
    char *l1 = leg("@hot", "3"), *l2 = leg("@sink", "3");
    char *body =
        xasprintf("{\"send\":{\"asset\":\"USD\",\"value\":\"3\",\"source\":{\"from\":[%s]},\"distribute\":"
                  "{\"to\":[%s]}}}",
                  l1, l2);
    for (size_t i = 0; i < n; i++)
        reqs[i] = (tx_par_req){"POST", path, body, NULL};
    tx_parallel(n, reqs, 30, res);
    size_t ok = 0, funds = 0;
    for (size_t i = 0; i < n; i++) {
        if (res[i].status == 201)
            ok++;
        else if (strcmp(res[i].code, "0018") == 0)
            funds++;
    }
    cr_expect_eq(ok, 33);
    cr_expect_eq(funds, 27);
    tx_expect_available(&f, "@hot", NULL, "1");
    tx_expect_available(&f, "@sink", NULL, "99");
    json_object *b = tx_balance(&f, "@hot", NULL);
    cr_expect_eq(tx_jint(b, "version"), 34);
    json_object_put(b);
    tx_par_free(res, n);
    free(res);
    free(reqs);
    free(path);
    free(body);
    free(l1);
    free(l2);
}
