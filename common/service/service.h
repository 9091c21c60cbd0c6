/* The runtime shared by the three services: configuration table, logging, migrations, worker threads
 * (each with its own PostgreSQL and Redis connection), outbox relay, optional Kafka consumer, the
 * operational endpoints, signals and draining shutdown. A service's main.c only describes itself. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "bus/bus.h"
#include "cache/cache.h"
#include "config/config.h"
#include "db/db.h"
#include "http/http.h"

/* Per-worker resources, reachable from a handler through service_worker(r). */
typedef struct service_worker {
    int index;
    db_conn *db;
    cache *cache;
    const struct service_config *config;
} service_worker;

/* Values every service reads from the environment (see service_config_vars). */
typedef struct service_config {
    int port;
    const char *bind_address; /* numeric IPv4/IPv6 address the HTTP listener binds (BIND_ADDRESS) */
    int workers;
    const char *database_url;
    const char *redis_url;
    int redis_timeout_ms;
    const char *kafka_brokers;
    const char *kafka_topic;          /* this service's own topic */
    const char *kafka_consumer_group; /* used when the service consumes */
    const char *onboarding_url;       /* internal calls (read-through, close) */
    const char *portfolio_url;
    const char *transaction_url;
    int internal_timeout_ms;
    const char *log_level;
    int outbox_retention_hours;
    int shutdown_grace_ms;
} service_config;

typedef struct service_def {
    const char *name;          /* "onboarding" */
    const char *schema;        /* PostgreSQL schema owned by the service */
    int default_port;          /* 3001, 3002, 3003 */
    const char *default_topic; /* "midaz.onboarding.events" */
    const route_def *routes;   /* the service's /v1 rows (data = const http_route *) */
    size_t route_count;
    const db_migration *migrations; /* the service's own, after the shared bus migrations */
    size_t migration_count;
    const char **consume_topics; /* NULL-terminated, or NULL when the service consumes nothing */
    bus_handler_fn consume_handler;
} service_def;

/* The environment table of a service (exposed so tests can check names, defaults and bounds).
 * Default strings that depend on the service (PORT, KAFKA_TOPIC, KAFKA_CONSUMER_GROUP) live in the
 * struct, so it must outlive the service_config whose fields point into it. */
#define SERVICE_CONFIG_MAX_VARS 16
typedef struct service_config_table {
    config_var vars[SERVICE_CONFIG_MAX_VARS];
    size_t count;
    char port_def[8];
    char topic_def[128];
    char group_def[128];
} service_config_table;

/* Fill t with the table of def, whose targets are the fields of cfg. Pure: reads no environment. */
void service_config_table_init(service_config_table *t, const service_def *def, service_config *cfg);

/* Run the service described by def until SIGTERM/SIGINT; returns the process exit code
 * (0 after a clean drain, 2 on bad configuration, 1 when start-up fails). */
int service_main(const service_def *def, int argc, char **argv);

/* The worker resources of the thread handling r. */
service_worker *service_worker_of(http_request *r);
/* The worker's PostgreSQL connection, connected or reconnected when needed (w->db may be NULL when
 * PostgreSQL was unreachable as the worker started). NULL when PostgreSQL is unreachable now: the
 * caller replies service_reply_db_error(r, DB_UNAVAILABLE). Owned by the worker. */
db_conn *service_worker_db(service_worker *w);
/* The loaded configuration (valid after service_main started). */
const service_config *service_config_get(void);
/* The topic this service's events go to: KAFKA_TOPIC once the configuration is loaded, else fallback
 * (the service's default, for code run outside service_main). Borrowed; never fails. */
const char *service_event_topic(const char *fallback);

/* Map a db_status to the reply (DB_UNAVAILABLE -> 503 0901, others -> 500 0046) and reply. */
void service_reply_db_error(http_request *r, db_status s);
