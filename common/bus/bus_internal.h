/* Internals shared by the bus files (outbox, relay, consumer) and their unit tests: the pure pieces that
 * decide what goes on the wire (CloudEvents headers, client configuration, backoff, delivery prefix).
 * Nothing here performs I/O; services include bus/bus.h only. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <librdkafka/rdkafka.h>

#include "bus/bus.h"

#define BUS_MAX_HEADERS 9
#define BUS_TOPIC_PARTITIONS 3
#define BUS_TOPIC_REPLICATION 1
#define BUS_MAX_MESSAGE_BYTES "8388608"
#define BUS_RELAY_BATCH 500
#define BUS_RELAY_BACKOFF_MAX_MS 30000
#define BUS_CONSUMER_BACKOFF_MAX_MS 5000

/* One name=value pair (a Kafka header or a librdkafka configuration property). */
typedef struct bus_kv {
    const char *name;
    const char *value;
} bus_kv;

/* One outbox row as read by the relay; strings borrowed from the query result. */
typedef struct bus_row {
    int64_t seq;
    const char *id;
    const char *topic;
    const char *key;
    const char *type;
    const char *subject;
    const char *time;            /* RFC 3339 UTC with 6 fractional digits, as selected */
    const char *organization_id;
    const char *ledger_id;       /* NULL when SQL NULL */
} bus_row;

/* The CloudEvents binary-mode headers of a row, in a fixed order (ce_ledgerid omitted when the row has
 * no ledger). Values point into row / source. Returns the number of headers written (<= BUS_MAX_HEADERS). */
size_t bus_ce_headers(const bus_row *row, const char *source, bus_kv out[BUS_MAX_HEADERS]);

/* The nine text parameters of the outbox INSERT ($1..$8; $9 is the binary value, passed separately):
 * id, topic, key, type, subject, time (formatted from ev->time_us into timebuf), organization id, ledger id
 * (NULL for SQL NULL). Returns 0, or -1 when a required field of ev is missing. */
int bus_outbox_params(const bus_event *ev, const char *id, char *timebuf, size_t timebuf_len,
                      const char *params[8]);

/* Room for a ce_type: BUS_TYPE_PREFIX, an entity name, '.', an action name and the NUL. */
#define BUS_TYPE_MAX 128

/* Write BUS_TYPE_PREFIX "<entity>.<action>" into out[cap]. Returns 0, or -1 when an argument is NULL or
 * the text does not fit (out is then unspecified). */
int bus_event_type(const char *entity, const char *action, char *out, size_t cap) MUSTCHECK;

/* librdkafka properties. Each fills out (cap entries) and returns the number written; values point to
 * static strings or to the arguments. */
size_t bus_producer_conf(const char *brokers, bus_kv *out, size_t cap);
size_t bus_consumer_conf(const char *brokers, const char *group_id, bus_kv *out, size_t cap);
size_t bus_topic_conf(bus_kv *out, size_t cap);

/* Next retry delay: initial_ms when current_ms <= 0, else doubled, capped at max_ms. */
int bus_backoff_next_ms(int current_ms, int initial_ms, int max_ms);

/* Delivery state of one produced row. */
typedef enum bus_delivery_state {
    BUS_DELIVERY_PENDING = 0,
    BUS_DELIVERY_OK,
    BUS_DELIVERY_FAILED
} bus_delivery_state;

/* Number of leading rows (in seq order) whose delivery succeeded: only those may be marked published;
 * the first pending or failed row stops the prefix (rows after it are retried after it). */
size_t bus_delivered_prefix(const bus_delivery_state *states, size_t n);

/* Fill the header fields of m from name/value pairs (NUL-terminated values; a repeated header keeps its
 * last value; unknown names are ignored). Fields without a header are set to NULL. */
void bus_message_set_headers(bus_message *m, const bus_kv *headers, size_t n);

/* librdkafka log callback shared by the producer and the consumer (rate-limited errors, rest at debug).
 * Not pure: it logs. */
void bus_kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf);

/* "{1,2,3}": a PostgreSQL bigint[] literal of seqs (appended to sb). */
void bus_seq_array_literal(strbuf *sb, const int64_t *seqs, size_t n);
