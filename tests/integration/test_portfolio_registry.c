/* The portfolio service's organization and ledger registries (events.md 7.2 and 7.3): fed by the
 * onboarding events without any portfolio request, refreshed by later events, and — on a miss — by one
 * read-through lookup at the onboarding service, whose unavailability answers 503 0901. Reads and
 * clears registry rows of this test's own ids in the portfolio schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "pf_it.h"
#include "util/mem.h"

#define PG "PORTFOLIO_DATABASE_URL"

static bool onboarding_stopped = false;

static void restore_onboarding(void)
{
    if (onboarding_stopped) {
        if (it_stack("start", "onboarding") != 0)
            fprintf(stderr, "[it] could not restart onboarding: later tests will fail\n");
        onboarding_stopped = false;
    }
}

/* updated_at of the ledger's registry row as RFC 3339 text with 6 digits and Z, or "" when absent. */
static void ledger_row(const char *ledger, char *out, size_t cap)
{
    const char *params[] = {ledger};
    PGresult *res =
        it_pg_exec(PG,
                   "SELECT to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
                   "FROM portfolio.ledgers WHERE id = $1::uuid",
                   1, params);
    snprintf(out, cap, "%s", PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
}

static void forget(const pf_ctx *c)
{
    const char *lp[] = {c->ledger};
    const char *op[] = {c->org};
    PQclear(it_pg_exec(PG, "DELETE FROM portfolio.ledgers WHERE id = $1::uuid", 1, lp));
    PQclear(it_pg_exec(PG, "DELETE FROM portfolio.organizations WHERE id = $1::uuid", 1, op));
}

Test(portfolio_registry, onboarding_events_feed_the_registry, .timeout = 90)
{
    pf_ctx c;
    char row[64] = "";
    char *path = NULL;
    char *url = NULL;
    it_response r;
    int64_t deadline = 0;

    /* no portfolio request at all: only the consumer can write these rows */
    pf_ctx_new(&c);
    deadline = it_now_ms() + 20000;
    while (!row[0] && it_now_ms() < deadline) {
        ledger_row(c.ledger, row, sizeof(row));
        if (!row[0])
            it_sleep_ms(100);
    }
    if (!row[0])
        it_dump_log("portfolio", 60);
    cr_assert(row[0], "the ledger.created event did not reach the registry within 20 s");

    /* a PATCH's ledger.updated moves updated_at to the new updatedAt */
    path = xasprintf("/v1/organizations/%s/ledgers/%s", c.org, c.ledger);
    url = it_url("GATEWAY_URL", path);
    it_request("PATCH", url, NULL, "{\"name\":\"renamed\"}", 18, &r);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    const char *updated = it_json_str(&r, "updatedAt");
    deadline = it_now_ms() + 20000;
    while (strcmp(row, updated) != 0 && it_now_ms() < deadline) {
        it_sleep_ms(100);
        ledger_row(c.ledger, row, sizeof(row));
    }
    cr_expect_str_eq(row, updated, "registry updated_at must follow ledger.updated");
    it_response_free(&r);
    free(url);
    free(path);
}

Test(portfolio_registry, read_through_on_a_registry_miss, .fini = restore_onboarding, .timeout = 180)
{
    pf_ctx c;
    char row[64] = "";
    it_response r;
    int64_t deadline = 0;

    pf_ctx_new(&c);
    /* let the events land first, then forget them: the next request must ask onboarding */
    deadline = it_now_ms() + 20000;
    while (!row[0] && it_now_ms() < deadline) {
        ledger_row(c.ledger, row, sizeof(row));
        if (!row[0])
            it_sleep_ms(100);
    }
    forget(&c);
    pf_call(&r, "GET", &c, NULL, "/segments");
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
    ledger_row(c.ledger, row, sizeof(row));
    cr_expect(row[0], "the read-through must register the ledger");

    /* owner unreachable: 503 0901, never 0038/0037 */
    forget(&c);
    cr_assert_eq(it_stack("stop", "onboarding"), 0);
    onboarding_stopped = true;
    pf_call(&r, "POST", &c, "{\"name\":\"S\"}", "/segments");
    pf_assert_error(&r, 503, "0901", NULL);
    it_response_free(&r);
    restore_onboarding();

    pf_call(&r, "POST", &c, "{\"name\":\"S\"}", "/segments");
    cr_expect_eq(r.status, 201, "%s", it_describe(&r));
    it_response_free(&r);
}
