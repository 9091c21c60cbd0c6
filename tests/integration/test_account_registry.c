/* Regressions of the transaction service's account registry against the portfolio service's writes:
 * an account PATCH that changes portfolioId is seen by the very next operation (transactions.md 6,
 * api.md Consistency: the registry is refreshed synchronously inside the PATCH, which fails with 503 0901
 * and changes nothing when it cannot be), and an account whose balances were closed by its DELETE answers
 * 404 0007 at once on B5, O1 and O2 (transactions.md 12.3) instead of an empty list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <curl/curl.h>

#include "harness.h"
#include "tx_helpers.h"
#include "util/mem.h"

static const char *const USD[] = {"USD", NULL};

/* ---- one keep-alive client connection ------------------------------------------------------------- */

typedef struct ka_client {
    CURL *h;
    char *base;
} ka_client;

typedef struct ka_response {
    long status;
    char *body;
    json_object *json; /* parsed body or NULL */
} ka_response;

static size_t ka_on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    strbuf_append(userdata, data, size * nmemb);
    return size * nmemb;
}

static void ka_open(ka_client *k)
{
    it_response warm;
    tx_req("GET", "/health", NULL, NULL, &warm); /* libcurl initialised by the harness */
    it_response_free(&warm);
    k->h = curl_easy_init();
    cr_assert_not_null(k->h);
    k->base = xstrdup(it_env("GATEWAY_URL"));
}

static void ka_close(ka_client *k)
{
    curl_easy_cleanup(k->h);
    free(k->base);
}

/* One request on the client's connection (libcurl reuses it while the server keeps it open). */
static void ka_req(ka_client *k, const char *method, const char *path, const char *body, ka_response *out)
{
    strbuf sink = {0};
    struct curl_slist *hl = curl_slist_append(NULL, "Expect:");
    hl = curl_slist_append(hl, "Content-Type: application/json");
    char *url = xasprintf("%s%s", k->base, path);

    curl_easy_reset(k->h);
    curl_easy_setopt(k->h, CURLOPT_URL, url);
    curl_easy_setopt(k->h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(k->h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(k->h, CURLOPT_WRITEFUNCTION, ka_on_body);
    curl_easy_setopt(k->h, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(k->h, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(k->h, CURLOPT_NOSIGNAL, 1L);
    if (body) {
        curl_easy_setopt(k->h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(k->h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    out->status = 0;
    CURLcode rc = curl_easy_perform(k->h);
    if (rc == CURLE_OK)
        curl_easy_getinfo(k->h, CURLINFO_RESPONSE_CODE, &out->status);
    out->body = sink.buf ? strbuf_steal(&sink) : xstrdup("");
    out->json = json_tokener_parse(out->body);
    free(url);
    curl_slist_free_all(hl);
    strbuf_free(&sink);
    cr_assert_eq(rc, CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
}

static void ka_free(ka_response *r)
{
    free(r->body);
    json_object_put(r->json);
    memset(r, 0, sizeof(*r));
}

/* POST {L}/portfolios {"name": name}; asserts 201 and returns the id (caller frees). */
static char *create_portfolio(const tx_fix *f, const char *name)
{
    it_response r;
    char *body = xasprintf("{\"name\":\"%s\"}", name);
    tx_lreq(f, "POST", "/portfolios", NULL, body, &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    char *id = xstrdup(tx_jstr(r.json, "id"));
    it_response_free(&r);
    free(body);
    return id;
}

/* The operation of `alias` in a transaction body, or NULL. */
static json_object *op_of(json_object *txn, const char *alias)
{
    json_object *ops = tx_jget(txn, "operations");
    size_t n = ops ? json_object_array_length(ops) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *op = json_object_array_get_idx(ops, i);
        const char *a = tx_jstr(op, "accountAlias");
        if (a && strcmp(a, alias) == 0)
            return op;
    }
    return NULL;
}

Test(account_registry, portfolio_patch_is_seen_by_the_next_operation, .timeout = 300)
{
    tx_fix f;
    ka_client k;
    tx_fix_init(&f, USD);
    free(tx_account(&f, "USD", "@src", "deposit", NULL));
    char *dst = tx_account(&f, "USD", "@dst", "deposit", NULL);
    char *p[2] = {create_portfolio(&f, "P1"), create_portfolio(&f, "P2")};
    tx_fund(&f, "USD", "@src", "1000");

    ka_open(&k);
    char *acc_path = xasprintf("%s/accounts/%s", f.L, dst);
    char *txn_path = xasprintf("%s/transactions/json", f.L);
    static const char transfer[] =
        "{\"send\":{\"asset\":\"USD\",\"value\":\"1\",\"source\":{\"from\":[{\"accountAlias\":\"@src\","
        "\"amount\":{\"asset\":\"USD\",\"value\":\"1\"}}]},\"distribute\":{\"to\":[{\"accountAlias\":\"@"
        "dst\","
        "\"amount\":{\"asset\":\"USD\",\"value\":\"1\"}}]}}}";
    for (int round = 0; round < 20; round++) {
        const char *want = p[round % 2];
        ka_response patch, txn;
        char *body = xasprintf("{\"portfolioId\":\"%s\"}", want);
        ka_req(&k, "PATCH", acc_path, body, &patch);
        cr_assert_eq(patch.status, 200, "round %d: PATCH %ld %s", round, patch.status, patch.body);
        cr_expect_str_eq(tx_jstr(patch.json, "portfolioId"), want);
        /* at once, on the same connection */
        ka_req(&k, "POST", txn_path, transfer, &txn);
        cr_assert_eq(txn.status, 201, "round %d: transfer %ld %s", round, txn.status, txn.body);
        json_object *credit = op_of(txn.json, "@dst");
        cr_assert_not_null(credit, "round %d: no operation of @dst: %s", round, txn.body);
        const char *got = tx_jstr(credit, "portfolioId");
        cr_expect(got && strcmp(got, want) == 0, "round %d: operation recorded portfolio %s, want %s", round,
                  got ? got : "null", want);
        json_object *debit = op_of(txn.json, "@src");
        cr_expect(debit && !tx_jget(debit, "portfolioId"), "round %d: @src has no portfolio", round);
        ka_free(&patch);
        ka_free(&txn);
        free(body);
    }
    /* the legacy portfolio listing agrees: every other transfer went to each portfolio */
    for (int i = 0; i < 2; i++) {
        it_response l;
        char *suffix = xasprintf("/portfolios/%s/operations?limit=100", p[i]);
        tx_lreq(&f, "GET", suffix, NULL, NULL, &l);
        cr_assert_eq(l.status, 200, "%s", it_describe(&l));
        cr_expect_eq(json_object_array_length(tx_jget(l.json, "items")), 10, "%s", l.body);
        it_response_free(&l);
        free(suffix);
    }
    ka_close(&k);
    free(acc_path);
    free(txn_path);
    free(p[0]);
    free(p[1]);
    free(dst);
}

static bool transaction_stopped;

static void restore_transaction(void)
{
    if (!transaction_stopped)
        return;
    fprintf(stderr, "[it] restarting transaction after a failed test\n");
    if (it_stack("start", "transaction") != 0)
        fprintf(stderr, "[it] could not restart transaction: later tests will fail\n");
    transaction_stopped = false;
}

Test(account_registry, portfolio_patch_fails_503_and_changes_nothing_without_the_transaction_service,
     .fini = restore_transaction, .timeout = 300)
{
    tx_fix f;
    it_response r, g;
    tx_fix_init(&f, USD);
    char *acc = tx_account(&f, "USD", "@held", "deposit", NULL);
    char *pf = create_portfolio(&f, "P");
    char *suffix = xasprintf("/accounts/%s", acc);
    char *body = xasprintf("{\"portfolioId\":\"%s\",\"name\":\"renamed\"}", pf);

    cr_assert_eq(it_stack("stop", "transaction"), 0, "cannot stop the transaction service");
    transaction_stopped = true;
    tx_lreq(&f, "PATCH", suffix, NULL, body, &r);
    tx_lreq(&f, "GET", suffix, NULL, NULL, &g);
    int started = it_stack("start", "transaction");
    transaction_stopped = started != 0;
    cr_assert_eq(started, 0, "cannot restart the transaction service");

    tx_assert_error(&r, 503, "0901", NULL);
    cr_assert_eq(g.status, 200, "%s", it_describe(&g));
    cr_expect_null(tx_jget(g.json, "portfolioId"), "portfolioId must be unchanged: %s", g.body);
    cr_expect_str_neq(tx_jstr(g.json, "name"), "renamed", "the whole PATCH is rolled back");
    it_response_free(&r);
    it_response_free(&g);

    /* a PATCH that does not touch portfolioId needs no call */
    tx_lreq(&f, "PATCH", suffix, NULL, "{\"name\":\"renamed\"}", &r);
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
    /* with the service back the same PATCH succeeds */
    tx_lreq(&f, "PATCH", suffix, NULL, body, &r);
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
    free(body);
    free(suffix);
    free(pf);
    free(acc);
}

Test(account_registry, deleted_account_answers_0007_at_once, .timeout = 300)
{
    tx_fix f;
    tx_fix_init(&f, USD);
    for (int round = 0; round < 10; round++) {
        char alias[32];
        it_response r;
        snprintf(alias, sizeof(alias), "@gone%d", round);
        char *acc = tx_account(&f, "USD", alias, "deposit", NULL);
        char *bal = xasprintf("/accounts/%s/balances", acc);
        char *ops = xasprintf("/accounts/%s/operations", acc);
        char *op = xasprintf("/accounts/%s/operations/01900000-0000-7000-8000-000000000000", acc);
        /* the transaction service knows the account (its default balance is listed) */
        tx_lreq(&f, "GET", bal, NULL, NULL, &r);
        cr_assert_eq(r.status, 200, "%s", it_describe(&r));
        cr_assert_eq(json_object_array_length(tx_jget(r.json, "items")), 1, "%s", r.body);
        it_response_free(&r);
        char *del = xasprintf("/accounts/%s", acc);
        tx_lreq(&f, "DELETE", del, NULL, NULL, &r);
        cr_assert_eq(r.status, 204, "%s", it_describe(&r));
        it_response_free(&r);
        /* at once: no wait for account.deleted */
        tx_lreq(&f, "GET", bal, NULL, NULL, &r);
        tx_assert_error(&r, 404, "0007", NULL);
        it_response_free(&r);
        tx_lreq(&f, "GET", ops, NULL, NULL, &r);
        tx_assert_error(&r, 404, "0007", NULL);
        it_response_free(&r);
        tx_lreq(&f, "GET", op, NULL, NULL, &r);
        tx_assert_error(&r, 404, "0007", NULL);
        it_response_free(&r);
        free(del);
        free(op);
        free(ops);
        free(bal);
        free(acc);
    }
}
