/* Uniqueness and parent/child serialisation under concurrency (api.md "Consistency"): of several
 * concurrent creates with the same alias, asset code or segment name exactly one succeeds and the rest
 * get the conflict code; a ledger delete racing asset creates never leaves a live account under a
 * closed ledger. Requests run on plain threads; assertions run on the test's thread. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "pf_it.h"
#include "util/mem.h"

#define RACERS 8

typedef struct racer {
    const char *method;
    char *url;
    char *body;
    pthread_barrier_t *start;
    long status;
    char code[8];
} racer;

static void *racer_main(void *arg)
{
    racer *rc = arg;
    it_response r;

    pthread_barrier_wait(rc->start);
    if (it_http(rc->method, rc->url, NULL, rc->body, rc->body ? strlen(rc->body) : 0, 30000, &r) == 0) {
        rc->status = r.status;
        const char *code = it_json_str(&r, "code");
        snprintf(rc->code, sizeof(rc->code), "%s", code ? code : "");
    }
    it_response_free(&r);
    return NULL;
}

/* Runs n racers at once (all released by one barrier) and joins them. */
static void race(racer *rs, size_t n)
{
    pthread_t th[RACERS + 1];
    pthread_barrier_t start;

    cr_assert(n <= RACERS + 1);
    pthread_barrier_init(&start, NULL, (unsigned)n);
    for (size_t i = 0; i < n; i++) {
        rs[i].start = &start;
        cr_assert(pthread_create(&th[i], NULL, racer_main, &rs[i]) == 0);
    }
    for (size_t i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start);
}

/* The same POST from RACERS threads: exactly one 201, every other one `status` with `code`. */
static void one_winner(const pf_ctx *c, const char *suffix, const char *body, long status, const char *code)
{
    racer rs[RACERS];
    size_t won = 0;

    memset(rs, 0, sizeof(rs));
    for (size_t i = 0; i < RACERS; i++) {
        rs[i].method = "POST";
        rs[i].url = pf_url("GATEWAY_URL", c, "%s", suffix);
        rs[i].body = xstrdup(body);
    }
    race(rs, RACERS);
    for (size_t i = 0; i < RACERS; i++) {
        if (rs[i].status == 201)
            won++;
        else
            cr_expect(rs[i].status == status && strcmp(rs[i].code, code) == 0,
                      "racer %zu: got %ld %s, want %ld %s", i, rs[i].status, rs[i].code, status, code);
        free(rs[i].url);
        free(rs[i].body);
    }
    cr_expect_eq(won, 1, "exactly one create must win, %zu did", won);
}

Test(portfolio_concurrency, concurrent_alias_has_one_winner, .timeout = 120)
{
    pf_ctx c;
    it_response r;

    pf_ctx_new(&c); /* also initialises libcurl before any thread runs */
    pf_create(&c, "/assets", "{\"name\":\"Real\",\"type\":\"currency\",\"code\":\"BRL\"}", NULL);
    one_winner(&c, "/accounts", "{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"alias\":\"@race\"}", 409,
               "0020");
    pf_call(&r, "GET", &c, NULL, "/accounts?alias=@race");
    cr_expect_eq(pf_items(&r), 1, "%s", it_describe(&r));
    it_response_free(&r);
}

Test(portfolio_concurrency, concurrent_asset_code_and_segment_name, .timeout = 120)
{
    pf_ctx c;
    it_response r;

    pf_ctx_new(&c);
    one_winner(&c, "/assets", "{\"name\":\"Euro\",\"type\":\"currency\",\"code\":\"EUR\"}", 409, "0003");
    pf_call(&r, "GET", &c, NULL, "/accounts?alias=@external/EUR");
    cr_expect_eq(pf_items(&r), 1, "exactly one external account: %s", it_describe(&r));
    it_response_free(&r);
    pf_call(&r, "HEAD", &c, NULL, "/assets/metrics/count");
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "1");
    it_response_free(&r);

    one_winner(&c, "/segments", "{\"name\":\"Retail\"}", 409, "0015");
}

Test(portfolio_concurrency, ledger_delete_racing_asset_creates, .timeout = 120)
{
    pf_ctx c;
    racer rs[RACERS];
    char *ledger_path = NULL;
    size_t created = 0;
    long delete_status = 0;
    PGresult *res = NULL;

    pf_ctx_new(&c);
    /* make sure the portfolio service knows the ledger, so the race is about the close, not the lookup */
    pf_create(&c, "/segments", "{\"name\":\"warm-up\"}", NULL);

    memset(rs, 0, sizeof(rs));
    for (size_t i = 0; i < RACERS - 1; i++) {
        rs[i].method = "POST";
        rs[i].url = pf_url("GATEWAY_URL", &c, "/assets");
        rs[i].body =
            xasprintf("{\"name\":\"A%zu\",\"type\":\"crypto\",\"code\":\"C%c\"}", i, (char)('A' + i));
    }
    ledger_path = xasprintf("/v1/organizations/%s/ledgers/%s", c.org, c.ledger);
    rs[RACERS - 1].method = "DELETE";
    rs[RACERS - 1].url = it_url("GATEWAY_URL", ledger_path);
    race(rs, RACERS);

    delete_status = rs[RACERS - 1].status;
    for (size_t i = 0; i < RACERS - 1; i++) {
        if (rs[i].status == 201)
            created++;
        else
            cr_expect(rs[i].status == 404 && strcmp(rs[i].code, "0037") == 0, "create %zu: %ld %s", i,
                      rs[i].status, rs[i].code);
    }
    fprintf(stderr, "[it] ledger delete -> %ld, %zu asset creates won\n", delete_status, created);
    {
        const char *params[] = {c.ledger};
        res = it_pg_exec(
            "PORTFOLIO_DATABASE_URL",
            "SELECT count(*) FROM portfolio.accounts WHERE ledger_id = $1::uuid AND deleted_at IS NULL", 1,
            params);
    }
    long live = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    if (delete_status == 204) {
        cr_expect_eq(created, 0, "no asset create may succeed after the close it raced");
        cr_expect_eq(live, 0, "no live account may exist under a deleted ledger");
    } else {
        cr_expect(delete_status == 422 && strcmp(rs[RACERS - 1].code, "0008") == 0, "delete: %ld %s",
                  delete_status, rs[RACERS - 1].code);
        cr_expect(created > 0, "a refused delete means some account existed");
        cr_expect_eq(live, (long)created, "one external account per created asset");
    }
    for (size_t i = 0; i < RACERS; i++) {
        free(rs[i].url);
        free(rs[i].body);
    }
    free(ledger_path);
}
