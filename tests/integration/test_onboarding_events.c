/* Onboarding events on Kafka (events.md sections 1-4): organization.* and ledger.* arrive exactly once
 * per committed change, in order per key, with the CloudEvents headers, the key and the entity as GET
 * returns it right after the change; failed requests publish nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "onb_helpers.h"
#include "util/mem.h"
#include "uuid/uuid.h"

#define EVENT_TIMEOUT_MS 30000
#define SETTLE_MS 3000

/* Headers every onboarding record carries; ledger_id NULL for organization.* (no ce_ledgerid). */
static void check_headers(const it_kafka_record *rec, const char *type, const char *subject, const char *org,
                          const char *ledger_id, const char *time)
{
    cr_expect_str_eq(rec->topic, onb_topic());
    cr_expect_eq(it_kafka_header_count(rec, "ce_specversion"), 1);
    cr_expect_str_eq(it_kafka_header_get(rec, "ce_specversion"), "1.0");
    cr_expect(it_is_uuid(it_kafka_header_get(rec, "ce_id"), 7), "ce_id must be a UUIDv7: %s",
              it_kafka_header_get(rec, "ce_id"));
    cr_expect_str_eq(it_kafka_header_get(rec, "ce_source"), "urn:midaz:onboarding");
    cr_expect_str_eq(it_kafka_header_get(rec, "ce_type"), type);
    cr_expect_str_eq(it_kafka_header_get(rec, "ce_subject"), subject);
    cr_expect_str_eq(it_kafka_header_get(rec, "ce_organizationid"), org);
    if (ledger_id)
        cr_expect_str_eq(it_kafka_header_get(rec, "ce_ledgerid"), ledger_id);
    else
        cr_expect_eq(it_kafka_header_count(rec, "ce_ledgerid"), 0, "organization events carry no ce_ledgerid");
    cr_expect_str_eq(it_kafka_header_get(rec, "content-type"), "application/json");
    cr_expect(it_is_rfc3339_micro_z(it_kafka_header_get(rec, "ce_time")), "ce_time: %s",
              it_kafka_header_get(rec, "ce_time"));
    if (time)
        cr_expect_str_eq(it_kafka_header_get(rec, "ce_time"), time, "ce_time of %s", type);
    cr_expect(rec->key && strcmp(rec->key, ledger_id ? ledger_id : org) == 0, "key of %s: %s", type,
              rec->key ? rec->key : "(null)");
}

/* The record value parsed (new reference). */
static json_object *value_of(const it_kafka_record *rec)
{
    cr_assert_not_null(rec->value, "record without a value");
    return onb_parse(rec->value);
}

static void expect_same(json_object *a, json_object *b, const char *what)
{
    cr_expect(json_object_equal(a, b), "%s differs:\nevent %s\nhttp  %s", what, json_object_to_json_string(a),
              json_object_to_json_string(b));
}

Test(onb_events, organization_lifecycle, .timeout = 120)
{
    it_kafka_consumer *kc = it_kafka_consumer_new(onb_topic());
    it_response created, u1, u2, bad, g, del;
    it_kafka_record *recs = NULL;
    size_t n = 0;

    onb_req("POST", "/v1/organizations",
            "{\"legalName\":\"Evented\",\"legalDocument\":\"42\",\"address\":{\"country\":\"BR\",\"city\":\"Rio\"},"
            "\"metadata\":{\"k\":\"v\",\"n\":2}}",
            &created);
    cr_assert_eq(created.status, 201, "%s", it_describe(&created));
    const char *org = it_json_str(&created, "id");
    onb_reqf("PATCH", "{}", &u1, "/v1/organizations/%s", org);
    cr_assert_eq(u1.status, 200, "%s", it_describe(&u1));
    onb_reqf("PATCH", "{\"legalName\":\"Evented 2\",\"metadata\":{\"k\":null}}", &u2, "/v1/organizations/%s", org);
    cr_assert_eq(u2.status, 200, "%s", it_describe(&u2));
    /* failures publish nothing */
    onb_reqf("PATCH", "{\"legalDocument\":\"x\"}", &bad, "/v1/organizations/%s", org);
    cr_assert_eq(bad.status, 400, "%s", it_describe(&bad));
    it_response_free(&bad);
    onb_reqf("PATCH", "{\"address\":{\"city\":\"x\"}}", &bad, "/v1/organizations/%s", org);
    cr_assert_eq(bad.status, 400, "%s", it_describe(&bad));
    it_response_free(&bad);
    onb_reqf("GET", NULL, &g, "/v1/organizations/%s", org);
    cr_assert_eq(g.status, 200);
    onb_reqf("DELETE", NULL, &del, "/v1/organizations/%s", org);
    cr_assert_eq(del.status, 204, "%s", it_describe(&del));
    onb_reqf("DELETE", NULL, &bad, "/v1/organizations/%s", org);
    cr_assert_eq(bad.status, 404, "%s", it_describe(&bad));
    it_response_free(&bad);

    onb_events_for(kc, org, false, 4, EVENT_TIMEOUT_MS, SETTLE_MS, &recs, &n);
    cr_assert_eq(n, 4, "created, 2 x updated, deleted: got %zu records", n);
    cr_expect_eq(onb_events_count_type(recs, n, "studio.lerian.organization.created"), 1);
    cr_expect_eq(onb_events_count_type(recs, n, "studio.lerian.organization.updated"), 2);
    cr_expect_eq(onb_events_count_type(recs, n, "studio.lerian.organization.deleted"), 1);

    /* one key, one partition: write order */
    check_headers(&recs[0], "studio.lerian.organization.created", org, org, NULL, it_json_str(&created, "createdAt"));
    check_headers(&recs[1], "studio.lerian.organization.updated", org, org, NULL, it_json_str(&u1, "updatedAt"));
    check_headers(&recs[2], "studio.lerian.organization.updated", org, org, NULL, it_json_str(&u2, "updatedAt"));
    json_object *v = value_of(&recs[0]);
    expect_same(v, created.json, "organization.created data");
    json_object_put(v);
    v = value_of(&recs[1]);
    expect_same(v, u1.json, "first organization.updated data (no change but updatedAt)");
    json_object_put(v);
    v = value_of(&recs[2]);
    expect_same(v, u2.json, "second organization.updated data");
    json_object_put(v);

    /* deleted: the last state with deletedAt set to the deletion time (= ce_time) */
    const char *ce_time = it_kafka_header_get(&recs[3], "ce_time");
    check_headers(&recs[3], "studio.lerian.organization.deleted", org, org, NULL, NULL);
    v = value_of(&recs[3]);
    const char *deleted_at = onb_jstr(v, "deletedAt");
    cr_expect(deleted_at && ce_time && strcmp(deleted_at, ce_time) == 0, "deletedAt %s vs ce_time %s",
              deleted_at ? deleted_at : "(null)", ce_time ? ce_time : "(null)");
    cr_expect(deleted_at && strcmp(deleted_at, onb_jstr(g.json, "updatedAt")) >= 0);
    json_object *last = NULL;
    json_object_deep_copy(g.json, &last, NULL);
    json_object_object_add(last, "deletedAt", json_object_new_string(deleted_at ? deleted_at : ""));
    expect_same(v, last, "organization.deleted data");
    json_object_put(last);
    json_object_put(v);

    /* distinct ce_ids */
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            cr_expect_str_neq(it_kafka_header_get(&recs[i], "ce_id"), it_kafka_header_get(&recs[j], "ce_id"));

    it_kafka_records_free(recs, n);
    it_kafka_consumer_free(kc);
    it_response_free(&created);
    it_response_free(&u1);
    it_response_free(&u2);
    it_response_free(&g);
    it_response_free(&del);
}

Test(onb_events, ledger_created_and_updated_and_failures_publish_nothing, .timeout = 120)
{
    it_kafka_consumer *kc = it_kafka_consumer_new(onb_topic());
    char *org = onb_create_org(NULL);
    it_response created, upd, bad;
    it_kafka_record *recs = NULL;
    size_t n = 0;

    onb_reqf("POST", "{\"name\":\"Evented Ledger\",\"metadata\":{\"x\":\"1\"}}", &created, "/v1/organizations/%s/ledgers",
             org);
    cr_assert_eq(created.status, 201, "%s", it_describe(&created));
    const char *ledger = it_json_str(&created, "id");
    onb_reqf("PATCH", "{\"name\":\"EVENTED LEDGER\",\"status\":{\"code\":\"X\"}}", &upd,
             "/v1/organizations/%s/ledgers/%s", org, ledger);
    cr_assert_eq(upd.status, 200, "%s", it_describe(&upd));
    /* failures: duplicate name, unknown member, organization delete refused */
    onb_reqf("POST", "{\"name\":\"evented ledger\"}", &bad, "/v1/organizations/%s/ledgers", org);
    cr_assert_eq(bad.status, 409, "%s", it_describe(&bad));
    it_response_free(&bad);
    onb_reqf("PATCH", "{\"settings\":{}}", &bad, "/v1/organizations/%s/ledgers/%s", org, ledger);
    cr_assert_eq(bad.status, 400, "%s", it_describe(&bad));
    it_response_free(&bad);
    onb_reqf("DELETE", NULL, &bad, "/v1/organizations/%s", org);
    cr_assert_eq(bad.status, 422, "%s", it_describe(&bad));
    it_response_free(&bad);

    /* by organization: organization.created, ledger.created, ledger.updated and nothing else */
    onb_events_for(kc, org, true, 3, EVENT_TIMEOUT_MS, SETTLE_MS, &recs, &n);
    cr_assert_eq(n, 3, "got %zu records for the organization", n);
    cr_expect_eq(onb_events_count_type(recs, n, "studio.lerian.organization.created"), 1);
    cr_expect_eq(onb_events_count_type(recs, n, "studio.lerian.ledger.created"), 1);
    cr_expect_eq(onb_events_count_type(recs, n, "studio.lerian.ledger.updated"), 1);
    cr_expect_eq(onb_events_count_type(recs, n, "studio.lerian.organization.deleted"), 0);

    const it_kafka_record *c = onb_events_find(recs, n, "studio.lerian.ledger.created");
    const it_kafka_record *u = onb_events_find(recs, n, "studio.lerian.ledger.updated");
    cr_assert(c && u);
    check_headers(c, "studio.lerian.ledger.created", ledger, org, ledger, it_json_str(&created, "createdAt"));
    check_headers(u, "studio.lerian.ledger.updated", ledger, org, ledger, it_json_str(&upd, "updatedAt"));
    json_object *v = value_of(c);
    expect_same(v, created.json, "ledger.created data");
    json_object_put(v);
    v = value_of(u);
    expect_same(v, upd.json, "ledger.updated data");
    json_object_put(v);
    cr_expect(c->offset < u->offset && c->partition == u->partition, "created before updated on one partition");

    it_kafka_records_free(recs, n);
    it_kafka_consumer_free(kc);
    it_response_free(&created);
    it_response_free(&upd);
    free(org);
}
