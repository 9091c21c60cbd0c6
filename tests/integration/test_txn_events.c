/* Transaction-service events on Kafka (events.md 2-5): every write of a small scenario arrives exactly
 * once with the CloudEvents headers, key and data of the contract (transaction.posted = the 201 body
 * byte for byte, balance.changed per operation in operation order, balance.created / updated / deleted
 * with the balance representation); a transaction posted while Kafka is stopped succeeds and its events
 * arrive once Kafka is back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "tx_helpers.h"
#include "util/mem.h"

static const char *const USD[] = {"USD", NULL};

static void expect_header(const it_kafka_record *rec, const char *name, const char *want)
{
    const char *got = it_kafka_header_get(rec, name);
    cr_expect_eq(it_kafka_header_count(rec, name), 1, "header %s must appear once", name);
    cr_expect(got && strcmp(got, want) == 0, "header %s: want %s, got %s", name, want,
              got ? got : "(absent)");
}

static json_object *value_json(const it_kafka_record *rec)
{
    json_object *o = json_tokener_parse(rec->value ? rec->value : "");
    cr_assert(json_object_is_type(o, json_type_object), "value is not a JSON object: %s", rec->value);
    return o;
}

Test(txn_events, every_write_is_published_once_with_its_data, .timeout = 180)
{
    it_kafka_consumer *c = it_kafka_consumer_new(TX_TOPIC);
    tx_fix f;
    it_response t, r;
    tx_fix_init(&f, USD);
    char *alice = tx_account(&f, "USD", "@alice", "deposit", NULL);
    char *bob = tx_account(&f, "USD", "@bob", "deposit", NULL);
    tx_fund(&f, "USD", "@alice", "10");
    cr_assert_eq(tx_transfer(&f, "USD", "@alice", "@bob", "4", &t), 201, "%s", it_describe(&t));
    json_object *bob_bal = tx_balance(&f, "@bob", NULL);
    tx_lreqf(&f, "PATCH", "{\"allowReceiving\":false}", &r, "/balances/%s", tx_jstr(bob_bal, "id"));
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
    tx_lreqf(&f, "POST", "{\"key\":\"extra\"}", &r, "/accounts/%s/balances", bob);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    char *extra = xstrdup(tx_jstr(r.json, "id"));
    it_response_free(&r);
    tx_lreqf(&f, "DELETE", NULL, &r, "/balances/%s", extra);
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);

    /* 3 balance.created (external, alice, bob) + 3 (fund) + 3 (transfer) + updated + created + deleted */
    it_kafka_record *recs = NULL;
    size_t n = 0;
    tx_events_for_ledger(c, f.ledger, 12, 60000, 3000, &recs, &n);
    cr_assert_eq(n, 12, "want 12 events of the ledger, got %zu", n);
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            cr_expect_str_neq(it_kafka_header_get(&recs[i], "ce_id"), it_kafka_header_get(&recs[k], "ce_id"),
                              "duplicate event");
    cr_expect_eq(tx_events_count(recs, n, "studio.lerian.balance.created", NULL), 4);
    cr_expect_eq(tx_events_count(recs, n, "studio.lerian.transaction.posted", NULL), 2);
    cr_expect_eq(tx_events_count(recs, n, "studio.lerian.balance.changed", NULL), 4);
    cr_expect_eq(tx_events_count(recs, n, "studio.lerian.balance.updated", NULL), 1);
    cr_expect_eq(tx_events_count(recs, n, "studio.lerian.balance.deleted", NULL), 1);

    /* transaction.posted: headers, key, and the 201 body byte for byte */
    const char *txn = tx_jstr(t.json, "id");
    const it_kafka_record *posted = tx_events_find(recs, n, "studio.lerian.transaction.posted", txn);
    cr_assert(posted, "no transaction.posted for %s", txn);
    expect_header(posted, "ce_specversion", "1.0");
    expect_header(posted, "ce_source", "urn:midaz:transaction");
    expect_header(posted, "ce_subject", txn);
    expect_header(posted, "ce_organizationid", f.org);
    expect_header(posted, "ce_ledgerid", f.ledger);
    expect_header(posted, "content-type", "application/json");
    expect_header(posted, "ce_time", tx_jstr(t.json, "updatedAt"));
    cr_expect(posted->key && strcmp(posted->key, f.ledger) == 0, "key must be the ledger id");
    cr_expect(posted->value_len == t.body_len && memcmp(posted->value, t.body, t.body_len) == 0,
              "transaction.posted data differs from the 201 body:\n%s\n%s", posted->value, t.body);

    /* balance.changed: one per operation, after the transaction event, in operation order */
    json_object *ops = tx_jget(t.json, "operations");
    int64_t last_offset = posted->offset;
    for (size_t k = 0; k < json_object_array_length(ops); k++) {
        json_object *op = json_object_array_get_idx(ops, k);
        const it_kafka_record *ch = NULL;
        for (size_t i = 0; i < n && !ch; i++) {
            const char *type = it_kafka_header_get(&recs[i], "ce_type");
            if (!type || strcmp(type, "studio.lerian.balance.changed") != 0)
                continue;
            json_object *v = value_json(&recs[i]);
            if (strcmp(tx_jstr(v, "operationId"), tx_jstr(op, "id")) == 0)
                ch = &recs[i];
            json_object_put(v);
        }
        cr_assert(ch, "no balance.changed for operation %zu", k);
        cr_expect_eq(ch->partition, posted->partition);
        cr_expect_gt(ch->offset, last_offset, "balance.changed out of order");
        last_offset = ch->offset;
        expect_header(ch, "ce_subject", tx_jstr(op, "balanceId"));
        json_object *v = value_json(ch);
        cr_expect_str_eq(tx_jstr(v, "balanceId"), tx_jstr(op, "balanceId"));
        cr_expect_str_eq(tx_jstr(v, "accountId"), tx_jstr(op, "accountId"));
        cr_expect_str_eq(tx_jstr(v, "alias"), tx_jstr(op, "accountAlias"));
        cr_expect_str_eq(tx_jstr(v, "key"), "default");
        cr_expect_str_eq(tx_jstr(v, "assetCode"), "USD");
        cr_expect_str_eq(tx_jstr(v, "available"), tx_jstr(op, "balanceAfter.available"));
        cr_expect_str_eq(tx_jstr(v, "onHold"), tx_jstr(op, "balanceAfter.onHold"));
        cr_expect_eq(tx_jint(v, "version"), tx_jint(op, "balanceAfter.version"));
        cr_expect_str_eq(tx_jstr(v, "transactionId"), txn);
        cr_expect_str_eq(tx_jstr(v, "operationType"), tx_jstr(op, "type"));
        cr_expect_str_eq(tx_jstr(v, "direction"), tx_jstr(op, "direction"));
        cr_expect_str_eq(tx_jstr(v, "amount"), "4");
        cr_expect_str_eq(it_kafka_header_get(ch, "ce_time"), tx_jstr(op, "updatedAt"));
        json_object_put(v);
    }

    /* balance.created of @alice's default balance: once, as GET shows it at creation */
    size_t alice_created = 0;
    for (size_t i = 0; i < n; i++) {
        const char *type = it_kafka_header_get(&recs[i], "ce_type");
        if (!type || strcmp(type, "studio.lerian.balance.created") != 0)
            continue;
        json_object *v = value_json(&recs[i]);
        if (strcmp(tx_jstr(v, "accountId"), alice) == 0) {
            alice_created++;
            cr_expect_str_eq(tx_jstr(v, "key"), "default");
            cr_expect_str_eq(tx_jstr(v, "available"), "0");
            cr_expect_eq(tx_jint(v, "version"), 0);
            cr_expect(json_object_is_type(tx_jget(v, "deletedAt"), json_type_null));
            cr_expect_str_eq(it_kafka_header_get(&recs[i], "ce_time"), tx_jstr(v, "createdAt"));
        }
        json_object_put(v);
    }
    cr_expect_eq(alice_created, 1);

    const it_kafka_record *upd =
        tx_events_find(recs, n, "studio.lerian.balance.updated", tx_jstr(bob_bal, "id"));
    cr_assert(upd);
    json_object *uv = value_json(upd);
    cr_expect(!json_object_get_boolean(tx_jget(uv, "allowReceiving")));
    cr_expect_str_eq(tx_jstr(uv, "available"), "4");
    json_object_put(uv);
    const it_kafka_record *del = tx_events_find(recs, n, "studio.lerian.balance.deleted", extra);
    cr_assert(del);
    json_object *dv = value_json(del);
    cr_expect(it_is_rfc3339_micro_z(tx_jstr(dv, "deletedAt")), "deletedAt must be set: %s", del->value);
    cr_expect_str_eq(it_kafka_header_get(del, "ce_time"), tx_jstr(dv, "deletedAt"));
    json_object_put(dv);

    it_kafka_records_free(recs, n);
    it_kafka_consumer_free(c);
    json_object_put(bob_bal);
    it_response_free(&t);
    free(extra);
    free(alice);
    free(bob);
}

Test(txn_events, posting_while_kafka_is_down_publishes_later, .timeout = 300)
{
    tx_fix f;
    it_response t;
    tx_fix_init(&f, USD);
    free(tx_account(&f, "USD", "@alice", "deposit", NULL));
    free(tx_account(&f, "USD", "@bob", "deposit", NULL));
    tx_fund(&f, "USD", "@alice", "5");
    cr_assert_eq(it_stack("stop", "kafka"), 0, "cannot stop kafka");
    long st = tx_transfer(&f, "USD", "@alice", "@bob", "5", &t);
    char *txn = t.json && tx_jstr(t.json, "id") ? xstrdup(tx_jstr(t.json, "id")) : NULL;
    it_response_free(&t);
    int started = it_stack("start", "kafka");
    cr_assert_eq(st, 201, "a posting must not depend on Kafka");
    cr_assert_eq(started, 0, "cannot restart kafka");
    tx_expect_available(&f, "@bob", NULL, "5");

    it_kafka_consumer *c = it_kafka_consumer_new(TX_TOPIC);
    it_kafka_record *recs = NULL;
    size_t n = 0;
    /* 3 balance.created + fund (3) + transfer (3) */
    tx_events_for_ledger(c, f.ledger, 9, 120000, 2000, &recs, &n);
    cr_expect_eq(n, 9, "want 9 events of the ledger, got %zu", n);
    cr_expect_eq(tx_events_count(recs, n, "studio.lerian.transaction.posted", txn), 1);
    cr_expect_eq(tx_events_count(recs, n, "studio.lerian.balance.changed", NULL), 4);
    it_kafka_records_free(recs, n);
    it_kafka_consumer_free(c);
    free(txn);
}
