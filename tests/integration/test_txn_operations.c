/* Operations through the gateway (transactions.md 11): the account statement of O1 walked with
 * sort_order=desc and next_cursor until it ends, prev_cursor, type / direction / date filters and their
 * 0082s, O2 get (0007, 0068), O3 PATCH (0070, 0068, metadata merge, no change elsewhere). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "tx_helpers.h"
#include "util/mem.h"

static const char *const USD[] = {"USD", NULL};

typedef struct stmt {
    char *ids[64];
    char *available[64];
    char *direction[64];
    size_t n;
} stmt;

static void stmt_free(stmt *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->ids[i]);
        free(s->available[i]);
        free(s->direction[i]);
    }
}

/* Walk O1 with the given query until next_cursor is absent. */
static void walk_statement(const tx_fix *f, const char *account, const char *query, stmt *s)
{
    char *cursor = NULL;
    memset(s, 0, sizeof(*s));
    for (int guard = 0; guard < 50; guard++) {
        it_response r;
        if (cursor)
            tx_lreqf(f, "GET", NULL, &r, "/accounts/%s/operations?%s&cursor=%s", account, query, cursor);
        else
            tx_lreqf(f, "GET", NULL, &r, "/accounts/%s/operations?%s", account, query);
        cr_assert_eq(r.status, 200, "%s", it_describe(&r));
        json_object *items = tx_jget(r.json, "items");
        for (size_t i = 0; i < json_object_array_length(items) && s->n < 64; i++) {
            json_object *op = json_object_array_get_idx(items, i);
            s->ids[s->n] = xstrdup(tx_jstr(op, "id"));
            s->available[s->n] = xstrdup(tx_jstr(op, "balanceAfter.available"));
            s->direction[s->n] = xstrdup(tx_jstr(op, "direction"));
            s->n++;
        }
        free(cursor);
        cursor = tx_jstr(r.json, "next_cursor") ? xstrdup(tx_jstr(r.json, "next_cursor")) : NULL;
        it_response_free(&r);
        if (!cursor)
            break;
    }
}

Test(txn_operations, statement_walk_and_filters, .timeout = 120)
{
    tx_fix f;
    it_response r;
    tx_fix_init(&f, USD);
    char *alice = tx_account(&f, "USD", "@alice", "deposit", NULL);
    free(tx_account(&f, "USD", "@bob", "deposit", NULL));
    tx_fund(&f, "USD", "@alice", "10"); /* +10 -> 10 */
    it_response t;
    cr_assert_eq(tx_transfer(&f, "USD", "@alice", "@bob", "3", &t), 201); /* -3 -> 7 */
    it_response_free(&t);
    cr_assert_eq(tx_transfer(&f, "USD", "@bob", "@alice", "1.5", &t), 201); /* +1.5 -> 8.5 */
    it_response_free(&t);
    cr_assert_eq(tx_transfer(&f, "USD", "@alice", "@bob", "0.5", &t), 201); /* -0.5 -> 8 */
    it_response_free(&t);
    tx_fund(&f, "USD", "@alice", "2"); /* +2 -> 10 */

    stmt s;
    walk_statement(&f, alice, "limit=2&sort_order=desc&start_date=2000-01-01&end_date=2999-12-31", &s);
    cr_assert_eq(s.n, 5);
    const char *want_avail[] = {"10", "8", "8.5", "7", "10"};
    const char *want_dir[] = {"credit", "debit", "credit", "debit", "credit"};
    for (size_t i = 0; i < 5; i++) {
        cr_expect_str_eq(s.available[i], want_avail[i], "item %zu", i);
        cr_expect_str_eq(s.direction[i], want_dir[i], "item %zu", i);
        if (i)
            cr_expect(strcmp(s.ids[i - 1], s.ids[i]) > 0, "descending ids");
    }

    /* prev_cursor from the second page returns the first page in the same order */
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/%s/operations?limit=2&sort_order=desc", alice);
    char *next = xstrdup(tx_jstr(r.json, "next_cursor"));
    cr_expect_null(tx_jget(r.json, "prev_cursor"));
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/%s/operations?limit=2&sort_order=desc&cursor=%s", alice, next);
    char *prev = xstrdup(tx_jstr(r.json, "prev_cursor"));
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/%s/operations?limit=2&sort_order=desc&cursor=%s", alice, prev);
    cr_expect_str_eq(tx_jstr(r.json, "items.0.id"), s.ids[0]);
    cr_expect_str_eq(tx_jstr(r.json, "items.1.id"), s.ids[1]);
    cr_expect_null(tx_jget(r.json, "prev_cursor"));
    it_response_free(&r);
    free(next);
    free(prev);
    stmt_free(&s);

    /* type and direction filters, case-insensitive */
    walk_statement(&f, alice, "type=debit", &s);
    cr_expect_eq(s.n, 2);
    stmt_free(&s);
    walk_statement(&f, alice, "direction=CREDIT&limit=100", &s);
    cr_expect_eq(s.n, 3);
    stmt_free(&s);
    walk_statement(&f, alice, "type=OVERDRAFT", &s);
    cr_expect_eq(s.n, 0);
    stmt_free(&s);
    walk_statement(&f, alice, "start_date=2000-01-01&end_date=2000-01-01", &s);
    cr_expect_eq(s.n, 0);
    stmt_free(&s);
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/%s/operations?type=TRANSFER", alice);
    tx_assert_error(&r, 400, "0082", "type");
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/%s/operations?direction=up", alice);
    tx_assert_error(&r, 400, "0082", "direction");
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/%s/operations?limit=5&limit=6", alice);
    tx_assert_error(&r, 400, "0082", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/%s/operations?start_date=2020-02-30&end_date=2020-03-01", alice);
    tx_assert_error(&r, 400, "0077", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/0190a1b2-0000-7000-8000-00000000abcd/operations");
    tx_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    free(alice);
}

Test(txn_operations, get_and_patch, .timeout = 120)
{
    tx_fix f;
    it_response r;
    tx_fix_init(&f, USD);
    char *alice = tx_account(&f, "USD", "@alice", "deposit", NULL);
    char *bob = tx_account(&f, "USD", "@bob", "deposit", NULL);
    tx_fund(&f, "USD", "@alice", "4");
    it_response t;
    cr_assert_eq(tx_transfer(&f, "USD", "@alice", "@bob", "4", &t), 201);
    char *txn = xstrdup(tx_jstr(t.json, "id"));
    char *op_alice = xstrdup(tx_jstr(t.json, "operations.0.id"));
    char *op_bob = xstrdup(tx_jstr(t.json, "operations.1.id"));
    it_response_free(&t);

    /* O2 */
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/%s/operations/%s", alice, op_alice);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "type"), "DEBIT");
    cr_expect_str_eq(tx_jstr(r.json, "transactionId"), txn);
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/%s/operations/%s", alice, op_bob);
    tx_assert_error(&r, 404, "0068", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/0190a1b2-0000-7000-8000-00000000abcd/operations/%s", op_bob);
    tx_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);

    /* O3 */
    tx_lreqf(&f, "PATCH", "{\"description\":\"renamed\",\"metadata\":{\"note\":\"x\"}}", &r,
             "/transactions/%s/operations/%s", txn, op_bob);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "description"), "renamed");
    cr_expect_str_eq(tx_jstr(r.json, "metadata.note"), "x");
    cr_expect_str_eq(tx_jstr(r.json, "amount.value"), "4");
    cr_expect_str_neq(tx_jstr(r.json, "updatedAt"), tx_jstr(r.json, "createdAt"));
    it_response_free(&r);
    tx_lreqf(&f, "GET", NULL, &r, "/accounts/%s/operations/%s", bob, op_bob);
    cr_expect_str_eq(tx_jstr(r.json, "description"), "renamed");
    it_response_free(&r);
    tx_lreqf(&f, "PATCH", "{\"type\":\"CREDIT\"}", &r, "/transactions/%s/operations/%s", txn, op_bob);
    tx_assert_error(&r, 400, "0053", "type");
    it_response_free(&r);
    tx_lreqf(&f, "PATCH", "{\"description\":\"y\"}", &r,
             "/transactions/0190a1b2-0000-7000-8000-00000000abcd/operations/%s", op_bob);
    tx_assert_error(&r, 404, "0070", NULL);
    it_response_free(&r);
    tx_lreqf(&f, "PATCH", "{\"description\":\"y\"}", &r,
             "/transactions/%s/operations/0190a1b2-0000-7000-8000-00000000abcd", txn);
    tx_assert_error(&r, 404, "0068", NULL);
    it_response_free(&r);
    /* the transaction itself did not change */
    tx_lreqf(&f, "GET", NULL, &r, "/transactions/%s", txn);
    cr_expect_str_eq(tx_jstr(r.json, "description"), "");
    cr_expect_str_eq(tx_jstr(r.json, "operations.1.description"), "renamed");
    it_response_free(&r);
    free(txn);
    free(op_alice);
    free(op_bob);
    free(alice);
    free(bob);
}
