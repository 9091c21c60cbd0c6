/* Events (events.md): the transactional outbox written inside a service's own PostgreSQL transaction,
 * the relay thread that publishes it to Kafka as CloudEvents in binary mode (idempotent producer,
 * acks=all, one active relay per service through an advisory lock, LISTEN/NOTIFY wake-up with polling
 * fallback), and the consumer helper (manual offset commits after an inbox-deduplicated handler). */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* One event to record. Strings are copied into the outbox row; data is the exact JSON value bytes. */
typedef struct bus_event {
    const char *topic;           /* e.g. "midaz.onboarding.events" */
    const char *key;             /* lowercase UUID text (events.md section 1) */
    const char *type;            /* full ce_type, "studio.lerian.organization.created" */
    const char *subject;         /* ce_subject */
    int64_t time_us;             /* ce_time */
    const char *organization_id; /* ce_organizationid */
    const char *ledger_id;       /* ce_ledgerid, NULL for organization.* */
    const char *data;            /* record value (JSON text) */
    size_t data_len;
} bus_event;

/* Insert one outbox row on `c`, which must be inside the caller's transaction (after it took its row
 * locks). Generates the ce_id (UUIDv7) into id_out when not NULL. The row's trigger sends NOTIFY. */
db_status bus_outbox_insert(db_conn *c, const bus_event *ev, char id_out[37]) MUSTCHECK;

/* ---- entity events (events.md sections 2-4) ---- */

/* Every ce_type is BUS_TYPE_PREFIX "<entity>.<action>", e.g. "studio.lerian.ledger.created". */
#define BUS_TYPE_PREFIX "studio.lerian."

/* The lifecycle actions most entities emit (others, such as "posted" or "changed", are passed as text). */
typedef enum bus_action { BUS_ACTION_CREATED, BUS_ACTION_UPDATED, BUS_ACTION_DELETED } bus_action;

/* "created", "updated" or "deleted": a static string ("updated" for a value outside the enum). */
const char *bus_action_name(bus_action action);

/* bus_outbox_insert of the event BUS_TYPE_PREFIX "<entity>.<action>" on `topic`, with key, subject,
 * organization_id, ledger_id (NULL: none) and time_us as in bus_event and the value json_text byte for
 * byte (NUL-terminated; the caller keeps it). Same transaction rule and DB_* statuses as
 * bus_outbox_insert (DB_ERROR, logged, when the type would not fit); the ce_id is not returned. */
db_status bus_outbox_insert_text(db_conn *c, const char *topic, const char *entity, const char *action,
                                 const char *key, const char *subject, const char *organization_id,
                                 const char *ledger_id, int64_t time_us, const char *json_text) MUSTCHECK;

/* bus_outbox_insert_text with the value data serialised by json_dump (plain, slashes unescaped); data
 * stays the caller's. */
db_status bus_outbox_insert_json(db_conn *c, const char *topic, const char *entity, const char *action,
                                 const char *key, const char *subject, const char *organization_id,
                                 const char *ledger_id, int64_t time_us, json_object *data) MUSTCHECK;

/* ---- relay ---- */
typedef struct bus_relay_config {
    const char *service;       /* "onboarding" */
    const char *source;        /* ce_source, "urn:midaz:onboarding" */
    const char *database_url;
    const char *schema;
    const char *brokers;       /* KAFKA_BROKERS */
    const char **topics;       /* topics this service produces to (created if missing), NULL-terminated */
    int retention_hours;       /* published rows older than this are purged */
    int poll_interval_ms;      /* polling fallback, e.g. 1000 */
} bus_relay_config;

typedef struct bus_relay bus_relay;
/* Start the relay thread (it keeps its own PostgreSQL connection and producer). NULL on bad config. */
bus_relay *bus_relay_start(const bus_relay_config *cfg);
/* Flush what can be flushed (bounded wait), stop the thread, free. NULL accepted. */
void bus_relay_stop(bus_relay *r);
/* Kafka reachability as last observed by the relay (for /readyz): true when up. err gets a short reason. */
bool bus_relay_kafka_up(bus_relay *r, char *err, size_t errlen);
/* Whether this process currently holds the relay leadership lock. */
bool bus_relay_is_leader(bus_relay *r);

/* ---- consumer ---- */
typedef struct bus_message {
    const char *topic;
    int32_t partition;
    int64_t offset;
    const char *key;     /* may be NULL */
    const char *ce_id;   /* header values; NULL when absent */
    const char *ce_type;
    const char *ce_source;
    const char *ce_subject;
    const char *ce_time;
    const char *ce_organizationid;
    const char *ce_ledgerid;
    const char *data;    /* value bytes, NUL-terminated copy */
    size_t data_len;
} bus_message;

/* Called inside a PostgreSQL transaction on the consumer's connection, after the message's ce_id was
 * inserted into <schema>.inbox (a ce_id already there is skipped without calling the handler).
 * Return DB_OK to commit (then the offset is committed), DB_RETRY/DB_UNAVAILABLE to retry later, or
 * DB_ERROR to log, count and skip the message. */
typedef db_status (*bus_handler_fn)(db_conn *c, const bus_message *m, void *arg);

typedef struct bus_consumer_config {
    const char *service;
    const char *database_url;
    const char *schema;
    const char *brokers;
    const char *group_id;      /* "midaz-portfolio" */
    const char **topics;       /* NULL-terminated */
    bus_handler_fn handler;
    void *arg;
} bus_consumer_config;

typedef struct bus_consumer bus_consumer;
bus_consumer *bus_consumer_start(const bus_consumer_config *cfg);
void bus_consumer_stop(bus_consumer *c); /* NULL accepted */
