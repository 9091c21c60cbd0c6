/* Portfolio events on Kafka (events.md): an asset create publishes asset.created then account.created
 * of its external account, exactly once each, with the CloudEvents headers, key = ledger id, ce_time =
 * createdAt and data = the entity as GET returns it; PATCH and DELETE publish .updated / .deleted;
 * a refused request publishes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "pf_it.h"
#include "util/mem.h"

#define TOPIC "midaz.portfolio.events"

typedef struct subject_set {
    const char *ids[8];
    size_t n;
} subject_set;

static bool has_subject(const it_kafka_record *rec, void *arg)
{
    const subject_set *s = arg;
    const char *subject = it_kafka_header_get(rec, "ce_subject");

    for (size_t i = 0; subject && i < s->n; i++)
        if (strcmp(subject, s->ids[i]) == 0)
            return true;
    return false;
}

static void expect_header(const it_kafka_record *rec, const char *name, const char *want)
{
    const char *got = it_kafka_header_get(rec, name);

    cr_expect_eq(it_kafka_header_count(rec, name), 1, "header %s must appear once", name);
    cr_expect(got && want && strcmp(got, want) == 0, "header %s: want %s, got %s", name,
              want ? want : "(null)", got ? got : "(absent)");
}

/* Parsed value of a record; caller puts. */
static json_object *record_json(const it_kafka_record *rec)
{
    json_object *obj = json_tokener_parse(rec->value ? rec->value : "");
    cr_assert(json_object_is_type(obj, json_type_object), "value is not a JSON object: %.*s",
              (int)rec->value_len, rec->value ? rec->value : "");
    return obj;
}

/* Every member of the GET body equals the event data's. */
static void expect_same_entity(json_object *data, const it_response *get)
{
    cr_assert(json_object_is_type(get->json, json_type_object), "GET body: %s", get->body);
    cr_expect(json_object_equal(data, get->json), "event data %s differs from GET %s",
              json_object_to_json_string(data), get->body);
}

Test(portfolio_events, asset_create_publishes_asset_then_external_account_once, .timeout = 120)
{
    pf_ctx c;
    it_response r;
    it_response ext;
    it_kafka_consumer *kc = it_kafka_consumer_new(TOPIC);
    it_kafka_record *recs = NULL;
    size_t n = 0;
    char asset[UUID_STR_LEN + 1];
    char ext_id[UUID_STR_LEN + 1];
    subject_set subjects = {0};
    json_object *data = NULL;

    pf_ctx_new(&c);
    /* a refused create publishes nothing (checked below: only two records for this ledger) */
    pf_call(&r, "POST", &c, "{\"name\":\"Real\",\"type\":\"currency\",\"code\":\"XXX\"}", "/assets");
    pf_assert_error(&r, 400, "0005", NULL);
    it_response_free(&r);

    pf_create(&c, "/assets", "{\"name\":\"Real\",\"type\":\"currency\",\"code\":\"BRL\"}", asset);
    pf_call(&r, "GET", &c, NULL, "/assets/%s", asset);
    pf_call(&ext, "GET", &c, NULL, "/accounts/external/BRL");
    snprintf(ext_id, sizeof(ext_id), "%s", pf_str(&ext, "id"));
    subjects.ids[subjects.n++] = asset;
    subjects.ids[subjects.n++] = ext_id;

    it_kafka_collect(kc, has_subject, &subjects, 20000, 2, &recs, &n);
    if (n < 2)
        it_dump_log("portfolio", 60);
    cr_assert_eq(n, 2, "want asset.created and account.created within 20 s, got %zu", n);

    /* write order: asset.created first, same key and partition */
    expect_header(&recs[0], "ce_type", "studio.lerian.asset.created");
    expect_header(&recs[1], "ce_type", "studio.lerian.account.created");
    cr_expect_eq(recs[0].partition, recs[1].partition);
    cr_expect(recs[0].offset < recs[1].offset);
    for (size_t i = 0; i < 2; i++) {
        expect_header(&recs[i], "ce_specversion", "1.0");
        expect_header(&recs[i], "ce_source", "urn:midaz:portfolio");
        expect_header(&recs[i], "ce_organizationid", c.org);
        expect_header(&recs[i], "ce_ledgerid", c.ledger);
        expect_header(&recs[i], "content-type", "application/json");
        cr_expect(it_is_uuid(it_kafka_header_get(&recs[i], "ce_id"), 7), "ce_id must be a UUIDv7");
        cr_expect(recs[i].key && strcmp(recs[i].key, c.ledger) == 0, "key must be the ledger id, got %s",
                  recs[i].key ? recs[i].key : "(null)");
    }
    expect_header(&recs[0], "ce_subject", asset);
    expect_header(&recs[0], "ce_time", pf_str(&r, "createdAt"));
    data = record_json(&recs[0]);
    expect_same_entity(data, &r);
    json_object_put(data);
    expect_header(&recs[1], "ce_subject", ext_id);
    expect_header(&recs[1], "ce_time", pf_str(&ext, "createdAt"));
    data = record_json(&recs[1]);
    expect_same_entity(data, &ext);
    json_object_put(data);

    /* exactly once */
    it_kafka_collect(kc, has_subject, &subjects, 3000, 0, &recs, &n);
    cr_expect_eq(n, 2, "each event exactly once, got %zu records", n);

    it_response_free(&r);
    it_response_free(&ext);
    it_kafka_records_free(recs, n);
    it_kafka_consumer_free(kc);
}

Test(portfolio_events, updated_and_deleted_events, .timeout = 120)
{
    pf_ctx c;
    it_response r;
    it_response after_patch;
    it_kafka_consumer *kc = it_kafka_consumer_new(TOPIC);
    it_kafka_record *recs = NULL;
    size_t n = 0;
    char seg[UUID_STR_LEN + 1];
    char acc[UUID_STR_LEN + 1];
    subject_set subjects = {0};
    json_object *data = NULL;

    pf_ctx_new(&c);
    pf_create(&c, "/segments", "{\"name\":\"S\"}", seg);
    pf_call(&after_patch, "PATCH", &c, "{\"name\":\"S2\",\"metadata\":{\"k\":\"v\"}}", "/segments/%s", seg);
    cr_assert_eq(after_patch.status, 200, "%s", it_describe(&after_patch));
    pf_call(&r, "DELETE", &c, NULL, "/segments/%s", seg);
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);
    pf_create(&c, "/portfolios", "{\"name\":\"P\"}", NULL);
    pf_create(&c, "/assets", "{\"name\":\"Bitcoin\",\"type\":\"crypto\",\"code\":\"BTC\"}", NULL);
    pf_create(&c, "/accounts", "{\"assetCode\":\"BTC\",\"type\":\"wallet\"}", acc);
    pf_call(&r, "PATCH", &c, "{\"blocked\":true}", "/accounts/%s", acc);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    subjects.ids[subjects.n++] = seg;
    subjects.ids[subjects.n++] = acc;

    it_kafka_collect(kc, has_subject, &subjects, 20000, 5, &recs, &n);
    cr_assert_eq(n, 5, "want 3 segment and 2 account events, got %zu", n);
    static const char *const types[] = {"studio.lerian.segment.created", "studio.lerian.segment.updated",
                                        "studio.lerian.segment.deleted", "studio.lerian.account.created",
                                        "studio.lerian.account.updated"};
    for (size_t i = 0; i < 5; i++)
        expect_header(&recs[i], "ce_type", types[i]);

    /* updated: data = the PATCH response, ce_time = updatedAt */
    data = record_json(&recs[1]);
    expect_same_entity(data, &after_patch);
    expect_header(&recs[1], "ce_time", pf_str(&after_patch, "updatedAt"));
    json_object_put(data);

    /* deleted: the last state with deletedAt set, ce_time = deletedAt */
    data = record_json(&recs[2]);
    {
        json_object *del = NULL;
        cr_assert(json_object_object_get_ex(data, "deletedAt", &del) &&
                      json_object_is_type(del, json_type_string),
                  "deletedAt must be set: %s", json_object_to_json_string(data));
        cr_expect(it_is_rfc3339_micro_z(json_object_get_string(del)));
        expect_header(&recs[2], "ce_time", json_object_get_string(del));
        cr_expect_str_eq(pf_obj_str(data, "name"), "S2");
    }
    json_object_put(data);

    data = record_json(&recs[4]);
    expect_same_entity(data, &r);
    json_object_put(data);

    it_response_free(&r);
    it_response_free(&after_patch);
    it_kafka_records_free(recs, n);
    it_kafka_consumer_free(kc);
}
