/* Pure helpers of the bus: CloudEvents headers of an outbox row, event types, outbox INSERT parameters,
 * librdkafka configuration tables, backoff and delivered-prefix arithmetic, consumer header mapping.
 * No I/O and no allocation beyond the caller's buffers, so all of it is unit-tested without servers. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bus/bus_internal.h"
#include "timeutil/timeutil.h"

size_t bus_ce_headers(const bus_row *row, const char *source, bus_kv out[BUS_MAX_HEADERS])
{
    size_t n = 0;

    out[n++] = (bus_kv){"ce_specversion", "1.0"};
    out[n++] = (bus_kv){"ce_id", row->id};
    out[n++] = (bus_kv){"ce_source", source};
    out[n++] = (bus_kv){"ce_type", row->type};
    out[n++] = (bus_kv){"ce_time", row->time};
    out[n++] = (bus_kv){"ce_subject", row->subject};
    out[n++] = (bus_kv){"ce_organizationid", row->organization_id};
    if (row->ledger_id && row->ledger_id[0])
        out[n++] = (bus_kv){"ce_ledgerid", row->ledger_id};
    out[n++] = (bus_kv){"content-type", "application/json"};
    return n;
}

int bus_outbox_params(const bus_event *ev, const char *id, char *timebuf, size_t timebuf_len,
                      const char *params[8])
{
    if (!ev || !id || !ev->topic || !ev->key || !ev->type || !ev->subject || !ev->organization_id ||
        (!ev->data && ev->data_len > 0) || timebuf_len < 28)
        return -1;
    if (time_format_us(ev->time_us, timebuf, timebuf_len) == 0)
        return -1;
    params[0] = id;
    params[1] = ev->topic;
    params[2] = ev->key;
    params[3] = ev->type;
    params[4] = ev->subject;
    params[5] = timebuf;
    params[6] = ev->organization_id;
    params[7] = ev->ledger_id && ev->ledger_id[0] ? ev->ledger_id : NULL;
    return 0;
}

const char *bus_action_name(bus_action action)
{
    switch (action) {
    case BUS_ACTION_CREATED:
        return "created";
    case BUS_ACTION_UPDATED:
        return "updated";
    case BUS_ACTION_DELETED:
        return "deleted";
    }
    return "updated";
}

int bus_event_type(const char *entity, const char *action, char *out, size_t cap)
{
    int n = 0;

    if (!entity || !action || !out || cap == 0)
        return -1;
    n = snprintf(out, cap, BUS_TYPE_PREFIX "%s.%s", entity, action);
    return n >= 0 && (size_t)n < cap ? 0 : -1;
}

static size_t put(bus_kv *out, size_t cap, size_t n, const char *name, const char *value)
{
    if (n < cap)
        out[n] = (bus_kv){name, value};
    return n + 1;
}

size_t bus_producer_conf(const char *brokers, bus_kv *out, size_t cap)
{
    size_t n = 0;

    n = put(out, cap, n, "bootstrap.servers", brokers);
    n = put(out, cap, n, "enable.idempotence", "true");
    n = put(out, cap, n, "acks", "all");
    n = put(out, cap, n, "linger.ms", "5");
    n = put(out, cap, n, "message.max.bytes", BUS_MAX_MESSAGE_BYTES);
    n = put(out, cap, n, "compression.type", "none");
    /* A bounded wait per delivery so an outage turns into a failed row and a backoff, not a hang. */
    n = put(out, cap, n, "message.timeout.ms", "10000");
    /* Same key -> partition mapping as the Java clients. */
    n = put(out, cap, n, "partitioner", "murmur2_random");
    n = put(out, cap, n, "reconnect.backoff.max.ms", "1000");
    n = put(out, cap, n, "socket.connection.setup.timeout.ms", "5000");
    return n < cap ? n : cap;
}

size_t bus_consumer_conf(const char *brokers, const char *group_id, bus_kv *out, size_t cap)
{
    size_t n = 0;

    n = put(out, cap, n, "bootstrap.servers", brokers);
    n = put(out, cap, n, "group.id", group_id);
    n = put(out, cap, n, "enable.auto.commit", "false");
    n = put(out, cap, n, "enable.auto.offset.store", "false");
    n = put(out, cap, n, "auto.offset.reset", "earliest");
    n = put(out, cap, n, "enable.partition.eof", "false");
    n = put(out, cap, n, "allow.auto.create.topics", "false");
    /* Topics subscribed before their producer created them are picked up within seconds. */
    n = put(out, cap, n, "topic.metadata.refresh.interval.ms", "5000");
    n = put(out, cap, n, "reconnect.backoff.max.ms", "1000");
    return n < cap ? n : cap;
}

size_t bus_topic_conf(bus_kv *out, size_t cap)
{
    size_t n = 0;

    n = put(out, cap, n, "max.message.bytes", BUS_MAX_MESSAGE_BYTES);
    return n < cap ? n : cap;
}

int bus_backoff_next_ms(int current_ms, int initial_ms, int max_ms)
{
    if (initial_ms <= 0)
        initial_ms = 1;
    if (max_ms < initial_ms)
        max_ms = initial_ms;
    if (current_ms <= 0)
        return initial_ms;
    if (current_ms >= max_ms / 2)
        return max_ms;
    return current_ms * 2;
}

size_t bus_delivered_prefix(const bus_delivery_state *states, size_t n)
{
    size_t i = 0;

    while (i < n && states[i] == BUS_DELIVERY_OK)
        i++;
    return i;
}

void bus_message_set_headers(bus_message *m, const bus_kv *headers, size_t n)
{
    static const struct {
        const char *name;
        size_t offset;
    } map[] = {
        {"ce_id", offsetof(bus_message, ce_id)},
        {"ce_type", offsetof(bus_message, ce_type)},
        {"ce_source", offsetof(bus_message, ce_source)},
        {"ce_subject", offsetof(bus_message, ce_subject)},
        {"ce_time", offsetof(bus_message, ce_time)},
        {"ce_organizationid", offsetof(bus_message, ce_organizationid)},
        {"ce_ledgerid", offsetof(bus_message, ce_ledgerid)},
    };
    size_t i = 0, j = 0;

    for (j = 0; j < ARRAY_LEN(map); j++)
        *(const char **)((char *)m + map[j].offset) = NULL;
    for (i = 0; i < n; i++) {
        if (!headers[i].name)
            continue;
        for (j = 0; j < ARRAY_LEN(map); j++) {
            if (strcmp(headers[i].name, map[j].name) == 0)
                *(const char **)((char *)m + map[j].offset) = headers[i].value;
        }
    }
}

void bus_seq_array_literal(strbuf *sb, const int64_t *seqs, size_t n)
{
    size_t i = 0;

    strbuf_putc(sb, '{');
    for (i = 0; i < n; i++)
        strbuf_printf(sb, "%s%" PRId64, i ? "," : "", seqs[i]);
    strbuf_putc(sb, '}');
}
