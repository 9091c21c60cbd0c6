/* Unit tests of the pure parts of common/bus: CloudEvents headers of an outbox row, outbox INSERT
 * parameters (ce_time formatting), librdkafka/topic configuration, backoff, delivered prefix, consumer
 * header mapping. No Kafka or PostgreSQL needed. */
#include <criterion/criterion.h>
#include <string.h>

#include "bus/bus_internal.h"

static const char *kv_get(const bus_kv *kv, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(kv[i].name, name) == 0)
            return kv[i].value;
    return NULL;
}

static const bus_row ledger_row = {
    .seq = 42,
    .id = "01956f3a-1c2b-7d4e-8f00-112233445566",
    .topic = "midaz.portfolio.events",
    .key = "0195aaaa-0000-7000-8000-000000000002",
    .type = "studio.lerian.account.created",
    .subject = "0195bbbb-0000-7000-8000-000000000003",
    .time = "2025-03-10T14:22:05.481237Z",
    .organization_id = "0195cccc-0000-7000-8000-000000000001",
    .ledger_id = "0195aaaa-0000-7000-8000-000000000002",
};

Test(bus, ce_headers_full_set_in_order)
{
    static const char *const want[][2] = {
        {"ce_specversion", "1.0"},
        {"ce_id", "01956f3a-1c2b-7d4e-8f00-112233445566"},
        {"ce_source", "urn:midaz:portfolio"},
        {"ce_type", "studio.lerian.account.created"},
        {"ce_time", "2025-03-10T14:22:05.481237Z"},
        {"ce_subject", "0195bbbb-0000-7000-8000-000000000003"},
        {"ce_organizationid", "0195cccc-0000-7000-8000-000000000001"},
        {"ce_ledgerid", "0195aaaa-0000-7000-8000-000000000002"},
        {"content-type", "application/json"},
    };
    bus_kv h[BUS_MAX_HEADERS];
    size_t n = bus_ce_headers(&ledger_row, "urn:midaz:portfolio", h);

    cr_assert_eq(n, 9);
    for (size_t i = 0; i < n; i++) {
        cr_expect_str_eq(h[i].name, want[i][0]);
        cr_expect_str_eq(h[i].value, want[i][1], "header %s", want[i][0]);
    }
}

Test(bus, ce_headers_omit_ledger_for_organization_events)
{
    bus_row row = ledger_row;
    bus_kv h[BUS_MAX_HEADERS];
    size_t n = 0;

    row.type = "studio.lerian.organization.created";
    row.ledger_id = NULL;
    n = bus_ce_headers(&row, "urn:midaz:onboarding", h);
    cr_expect_eq(n, 8);
    cr_expect_null(kv_get(h, n, "ce_ledgerid"));
    cr_expect_str_eq(kv_get(h, n, "ce_source"), "urn:midaz:onboarding");
    cr_expect_str_eq(h[n - 1].name, "content-type");

    row.ledger_id = ""; /* an empty text is treated as absent, never sent as an empty header */
    n = bus_ce_headers(&row, "urn:midaz:onboarding", h);
    cr_expect_eq(n, 8);
    cr_expect_null(kv_get(h, n, "ce_ledgerid"));
}

Test(bus, outbox_params_format_ce_time_with_microseconds)
{
    static const struct {
        int64_t us;
        const char *want;
    } cases[] = {
        {1741616525481237LL, "2025-03-10T14:22:05.481237Z"},
        {0, "1970-01-01T00:00:00.000000Z"},
        {1741616525000000LL, "2025-03-10T14:22:05.000000Z"}, /* zeros are kept: always 6 digits */
        {951782400000001LL, "2000-02-29T00:00:00.000001Z"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bus_event ev = {.topic = "t", .key = "k", .type = "ty", .subject = "s", .time_us = cases[i].us,
                        .organization_id = "o", .ledger_id = NULL, .data = "{}", .data_len = 2};
        char timebuf[40];
        const char *params[8];
        cr_assert_eq(bus_outbox_params(&ev, "id", timebuf, sizeof(timebuf), params), 0);
        cr_expect_str_eq(params[5], cases[i].want);
    }
}

Test(bus, outbox_params_order_and_null_ledger)
{
    bus_event ev = {.topic = "midaz.onboarding.events", .key = "k1", .type = "studio.lerian.ledger.created",
                    .subject = "s1", .time_us = 1, .organization_id = "o1", .ledger_id = "l1",
                    .data = "{\"a\":1}", .data_len = 7};
    char timebuf[40];
    const char *p[8];

    cr_assert_eq(bus_outbox_params(&ev, "the-id", timebuf, sizeof(timebuf), p), 0);
    cr_expect_str_eq(p[0], "the-id");
    cr_expect_str_eq(p[1], "midaz.onboarding.events");
    cr_expect_str_eq(p[2], "k1");
    cr_expect_str_eq(p[3], "studio.lerian.ledger.created");
    cr_expect_str_eq(p[4], "s1");
    cr_expect_str_eq(p[6], "o1");
    cr_expect_str_eq(p[7], "l1");

    ev.ledger_id = "";
    cr_assert_eq(bus_outbox_params(&ev, "the-id", timebuf, sizeof(timebuf), p), 0);
    cr_expect_null(p[7], "empty ledger id must be SQL NULL");
    ev.ledger_id = NULL;
    cr_assert_eq(bus_outbox_params(&ev, "the-id", timebuf, sizeof(timebuf), p), 0);
    cr_expect_null(p[7]);
}

Test(bus, outbox_params_reject_incomplete_events)
{
    bus_event base = {.topic = "t", .key = "k", .type = "ty", .subject = "s", .time_us = 1,
                      .organization_id = "o", .data = "{}", .data_len = 2};
    char timebuf[40];
    const char *p[8];
    bus_event ev;

    ev = base, ev.topic = NULL;
    cr_expect_eq(bus_outbox_params(&ev, "id", timebuf, sizeof(timebuf), p), -1);
    ev = base, ev.key = NULL;
    cr_expect_eq(bus_outbox_params(&ev, "id", timebuf, sizeof(timebuf), p), -1);
    ev = base, ev.type = NULL;
    cr_expect_eq(bus_outbox_params(&ev, "id", timebuf, sizeof(timebuf), p), -1);
    ev = base, ev.organization_id = NULL;
    cr_expect_eq(bus_outbox_params(&ev, "id", timebuf, sizeof(timebuf), p), -1);
    ev = base, ev.data = NULL;
    cr_expect_eq(bus_outbox_params(&ev, "id", timebuf, sizeof(timebuf), p), -1);
    cr_expect_eq(bus_outbox_params(&base, NULL, timebuf, sizeof(timebuf), p), -1);
    cr_expect_eq(bus_outbox_params(&base, "id", timebuf, 10, p), -1, "time buffer too small");
}

Test(bus, producer_conf_is_idempotent_acks_all_8mib)
{
    bus_kv kv[32];
    size_t n = bus_producer_conf("127.0.0.1:9092", kv, 32);

    cr_expect_str_eq(kv_get(kv, n, "bootstrap.servers"), "127.0.0.1:9092");
    cr_expect_str_eq(kv_get(kv, n, "enable.idempotence"), "true");
    cr_expect_str_eq(kv_get(kv, n, "acks"), "all");
    cr_expect_str_eq(kv_get(kv, n, "linger.ms"), "5");
    cr_expect_str_eq(kv_get(kv, n, "message.max.bytes"), "8388608");
    cr_expect_str_eq(kv_get(kv, n, "compression.type"), "none");
    cr_expect_not_null(kv_get(kv, n, "message.timeout.ms"), "deliveries must end in a report");

    /* A short table is filled up to its capacity, never past it. */
    cr_expect_eq(bus_producer_conf("b", kv, 2), 2);
}

Test(bus, consumer_and_topic_conf)
{
    bus_kv kv[32];
    size_t n = bus_consumer_conf("b:1", "midaz-portfolio", kv, 32);

    cr_expect_str_eq(kv_get(kv, n, "bootstrap.servers"), "b:1");
    cr_expect_str_eq(kv_get(kv, n, "group.id"), "midaz-portfolio");
    cr_expect_str_eq(kv_get(kv, n, "enable.auto.commit"), "false");
    cr_expect_str_eq(kv_get(kv, n, "auto.offset.reset"), "earliest");
    cr_expect_str_eq(kv_get(kv, n, "enable.partition.eof"), "false");
    cr_expect_str_eq(kv_get(kv, n, "allow.auto.create.topics"), "false");

    n = bus_topic_conf(kv, 32);
    cr_expect_eq(n, 1);
    cr_expect_str_eq(kv_get(kv, n, "max.message.bytes"), "8388608");
    cr_expect_eq(BUS_TOPIC_PARTITIONS, 3);
    cr_expect_eq(BUS_TOPIC_REPLICATION, 1);
}

Test(bus, backoff_doubles_up_to_cap)
{
    static const int want[] = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
    int cur = 0;

    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        cur = bus_backoff_next_ms(cur, 500, BUS_RELAY_BACKOFF_MAX_MS);
        cr_expect_eq(cur, want[i], "step %zu: %d", i, cur);
    }
    cr_expect_eq(bus_backoff_next_ms(0, 100, BUS_CONSUMER_BACKOFF_MAX_MS), 100);
    cr_expect_eq(bus_backoff_next_ms(4000, 100, BUS_CONSUMER_BACKOFF_MAX_MS), 5000);
    cr_expect_eq(bus_backoff_next_ms(-3, 0, 0), 1, "degenerate bounds stay positive");
}

Test(bus, delivered_prefix_stops_at_first_failure)
{
    static const struct {
        bus_delivery_state s[5];
        size_t n;
        size_t want;
    } cases[] = {
        {{BUS_DELIVERY_OK, BUS_DELIVERY_OK, BUS_DELIVERY_OK}, 3, 3},
        {{BUS_DELIVERY_OK, BUS_DELIVERY_FAILED, BUS_DELIVERY_OK}, 3, 1}, /* never skip row 2 */
        {{BUS_DELIVERY_FAILED, BUS_DELIVERY_OK}, 2, 0},
        {{BUS_DELIVERY_OK, BUS_DELIVERY_OK, BUS_DELIVERY_PENDING, BUS_DELIVERY_OK}, 4, 2},
        {{BUS_DELIVERY_OK}, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        cr_expect_eq(bus_delivered_prefix(cases[i].s, cases[i].n), cases[i].want, "case %zu", i);
}

Test(bus, message_headers_mapping)
{
    const bus_kv hdrs[] = {
        {"ce_specversion", "1.0"},
        {"ce_id", "first"},
        {"traceparent", "00-abc-def-01"}, /* unknown: ignored */
        {"ce_type", "studio.lerian.ledger.created"},
        {"ce_source", "urn:midaz:onboarding"},
        {"ce_subject", "sub"},
        {"ce_time", "2025-03-10T14:22:05.481237Z"},
        {"ce_organizationid", "org"},
        {"ce_id", "last"}, /* repeated: last wins */
        {"content-type", "application/json"},
    };
    bus_message m;

    memset(&m, 0, sizeof(m));
    m.ce_ledgerid = "stale";
    bus_message_set_headers(&m, hdrs, sizeof(hdrs) / sizeof(hdrs[0]));
    cr_expect_str_eq(m.ce_id, "last");
    cr_expect_str_eq(m.ce_type, "studio.lerian.ledger.created");
    cr_expect_str_eq(m.ce_source, "urn:midaz:onboarding");
    cr_expect_str_eq(m.ce_subject, "sub");
    cr_expect_str_eq(m.ce_time, "2025-03-10T14:22:05.481237Z");
    cr_expect_str_eq(m.ce_organizationid, "org");
    cr_expect_null(m.ce_ledgerid, "absent header resets the field");

    bus_message_set_headers(&m, hdrs, 0);
    cr_expect_null(m.ce_id, "no headers: no ce_id (the consumer skips such records)");
}

Test(bus, seq_array_literal)
{
    strbuf sb = {0};
    const int64_t seqs[] = {1, 22, 9007199254740993LL};

    bus_seq_array_literal(&sb, seqs, 3);
    cr_expect_str_eq(sb.buf, "{1,22,9007199254740993}");
    strbuf_reset(&sb);
    bus_seq_array_literal(&sb, seqs, 0);
    cr_expect_str_eq(sb.buf, "{}");
    strbuf_free(&sb);
}

Test(bus, start_rejects_incomplete_config_and_stop_accepts_null)
{
    bus_relay_config rc = {.service = "onboarding", .source = "urn:midaz:onboarding", .schema = "onboarding",
                           .brokers = "127.0.0.1:1"};
    bus_consumer_config cc = {.service = "portfolio", .schema = "portfolio", .brokers = "127.0.0.1:1",
                              .group_id = "g", .database_url = "postgresql://x"};

    cr_expect_null(bus_relay_start(NULL));
    cr_expect_null(bus_relay_start(&rc), "missing database_url");
    cr_expect_null(bus_consumer_start(&cc), "missing handler and topics");
    cr_expect_not(bus_relay_kafka_up(NULL, NULL, 0));
    cr_expect_not(bus_relay_is_leader(NULL));
    bus_relay_stop(NULL);
    bus_consumer_stop(NULL);
}

Test(bus, action_names_and_event_types)
{
    static const struct {
        const char *entity;
        const char *action;
        const char *want; /* NULL = refused */
    } cases[] = {
        {"organization", "created", "studio.lerian.organization.created"},
        {"ledger", "deleted", "studio.lerian.ledger.deleted"},
        {"transaction", "posted", "studio.lerian.transaction.posted"},
        {"balance", "changed", "studio.lerian.balance.changed"},
        {NULL, "created", NULL},
        {"asset", NULL, NULL},
    };
    char type[BUS_TYPE_MAX];

    cr_expect_str_eq(bus_action_name(BUS_ACTION_CREATED), "created");
    cr_expect_str_eq(bus_action_name(BUS_ACTION_UPDATED), "updated");
    cr_expect_str_eq(bus_action_name(BUS_ACTION_DELETED), "deleted");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = bus_event_type(cases[i].entity, cases[i].action, type, sizeof(type));
        if (cases[i].want) {
            cr_expect_eq(rc, 0, "case %zu", i);
            cr_expect_str_eq(type, cases[i].want);
        } else {
            cr_expect_eq(rc, -1, "case %zu", i);
        }
    }
    /* exactly fitting, one byte short */
    cr_expect_eq(bus_event_type("a", "b", type, sizeof("studio.lerian.a.b")), 0);
    cr_expect_str_eq(type, "studio.lerian.a.b");
    cr_expect_eq(bus_event_type("a", "b", type, sizeof("studio.lerian.a.b") - 1), -1);
}

Test(bus, entity_event_insert_without_a_connection)
{
    char entity[BUS_TYPE_MAX];
    json_object *data = json_object_new_object();

    memset(entity, 'x', sizeof(entity) - 1);
    entity[sizeof(entity) - 1] = '\0';
    /* a type that cannot fit is refused before any I/O */
    cr_expect_eq(bus_outbox_insert_text(NULL, "t", entity, "created", "k", "s", "o", NULL, 1, "{}"),
                 DB_ERROR);
    /* otherwise the insert itself reports the missing connection */
    cr_expect_eq(bus_outbox_insert_text(NULL, "t", "ledger", "created", "k", "s", "o", "l", 1, "{}"),
                 DB_UNAVAILABLE);
    cr_expect_eq(bus_outbox_insert_json(NULL, "t", "ledger", "created", "k", "s", "o", "l", 1, data),
                 DB_UNAVAILABLE);
    json_object_put(data);
}
