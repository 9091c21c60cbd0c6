/* Outbox round trip (events.md sections 2 and 6): a row written straight into the onboarding outbox
 * must reach Kafka exactly once with the CloudEvents headers, key and value of the contract, and be
 * marked published. Writes one probe row to the onboarding schema; changes nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "util/mem.h"
#include "uuid/uuid.h"

#define TOPIC "midaz.onboarding.events"
#define PROBE_VALUE "{\"probe\":true}"

static void dump_record(const it_kafka_record *rec)
{
    fprintf(stderr, "[it] record %s[%d]@%lld key=%s value=%.*s\n", rec->topic, (int)rec->partition,
            (long long)rec->offset, rec->key != NULL ? rec->key : "(null)", (int)rec->value_len,
            rec->value != NULL ? rec->value : "");
    for (size_t i = 0; i < rec->n_headers; i++)
        fprintf(stderr, "[it]   %s: %s\n", rec->headers[i].name,
                rec->headers[i].value != NULL ? rec->headers[i].value : "(null)");
}

static void expect_header(const it_kafka_record *rec, const char *name, const char *want)
{
    const char *got = it_kafka_header_get(rec, name);
    size_t count = it_kafka_header_count(rec, name);

    cr_expect_eq(count, 1, "header %s must appear exactly once (found %zu)", name, count);
    cr_expect(got != NULL && strcmp(got, want) == 0, "header %s: want \"%s\", got \"%s\"", name, want,
              got != NULL ? got : "(absent)");
}

static bool row_published(const char *id)
{
    const char *params[] = {id};
    PGresult *res = it_pg_exec("ONBOARDING_DATABASE_URL",
                               "SELECT published_at IS NOT NULL FROM onboarding.outbox WHERE id = $1::uuid",
                               1, params);
    bool yes = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    return yes;
}

Test(outbox, inserted_row_is_published_once_with_cloudevents_headers, .timeout = 120)
{
    char id[UUID_STR_LEN + 1];
    char subject[UUID_STR_LEN + 1];
    char *row_time = NULL;
    it_kafka_consumer *c = NULL;
    it_kafka_record *recs = NULL;
    size_t n = 0;
    PGresult *res = NULL;
    int64_t t_insert = 0;
    int64_t deadline = 0;
    bool published = false;
    const it_kafka_record *rec = NULL;

    uuid_v7_str(id);
    uuid_v4_str(subject);

    /* subscribe first so the group join overlaps with the relay's work */
    c = it_kafka_consumer_new(TOPIC);

    {
        const char *params[] = {id, TOPIC, subject, "studio.lerian.organization.created", subject, subject,
                                PROBE_VALUE};
        res = it_pg_exec("ONBOARDING_DATABASE_URL",
                         "INSERT INTO onboarding.outbox (id, topic, key, type, subject, time, organization_id, "
                         "ledger_id, value) VALUES ($1::uuid, $2, $3, $4, $5, now(), $6::uuid, NULL, "
                         "convert_to($7, 'UTF8')) "
                         "RETURNING to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
                         7, params);
        cr_assert_eq(PQntuples(res), 1, "INSERT ... RETURNING gave no row");
        row_time = xstrdup(PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    t_insert = it_now_ms();
    fprintf(stderr, "[it] outbox probe id=%s subject=%s time=%s\n", id, subject, row_time);

    it_kafka_collect(c, it_record_has_ce_id, id, 15000, 1, &recs, &n);
    if (n == 0)
        it_dump_log("onboarding", 60);
    cr_assert_eq(n, 1, "no record with ce_id %s arrived on %s within 15 s", id, TOPIC);
    fprintf(stderr, "[it] record arrived %lld ms after the insert\n", (long long)(it_now_ms() - t_insert));
    rec = &recs[0];
    dump_record(rec);

    expect_header(rec, "ce_specversion", "1.0");
    expect_header(rec, "ce_id", id);
    expect_header(rec, "ce_source", "urn:midaz:onboarding");
    expect_header(rec, "ce_type", "studio.lerian.organization.created");
    expect_header(rec, "ce_subject", subject);
    expect_header(rec, "ce_organizationid", subject);
    expect_header(rec, "content-type", "application/json");
    expect_header(rec, "ce_time", row_time);
    cr_expect(it_is_rfc3339_micro_z(it_kafka_header_get(rec, "ce_time")),
              "ce_time must be RFC 3339 UTC with 6 fractional digits and Z");
    cr_expect_eq(it_kafka_header_count(rec, "ce_ledgerid"), 0, "ce_ledgerid must be omitted when ledger_id is null");
    cr_expect(rec->key != NULL && rec->key_len == strlen(subject) && memcmp(rec->key, subject, rec->key_len) == 0,
              "key must be \"%s\"", subject);
    cr_expect(rec->value != NULL && rec->value_len == strlen(PROBE_VALUE) &&
                  memcmp(rec->value, PROBE_VALUE, rec->value_len) == 0,
              "value must be byte-identical to the stored bytes %s", PROBE_VALUE);

    /* the relay marks the row only after the delivery report: poll for it */
    deadline = it_now_ms() + 15000;
    while (!(published = row_published(id)) && it_now_ms() < deadline)
        it_sleep_ms(100);
    cr_expect(published, "outbox row %s still has published_at NULL 15 s after delivery", id);

    /* no second copy of the event shows up */
    it_kafka_collect(c, it_record_has_ce_id, id, 3000, 0, &recs, &n);
    if (n > 1)
        for (size_t i = 1; i < n; i++)
            dump_record(&recs[i]);
    cr_expect_eq(n, 1, "exactly one record with ce_id %s expected, got %zu", id, n);

    it_kafka_records_free(recs, n);
    it_kafka_consumer_free(c);
    free(row_time);
}
