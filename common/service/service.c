/* The runtime shared by the three services: environment table, start-up (connect, migrate, relay,
 * consumer), worker threads with their own PostgreSQL and Redis connections, /readyz probes, signals
 * and the draining shutdown. It must not know any service's routes, tables or SQL. */
#include "service/service.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "health/health.h"
#include "log/log.h"
#include "timeutil/timeutil.h"

/* PostgreSQL may still be starting when the service starts (compose, k8s): wait this long for it. */
#define SERVICE_CONNECT_WAIT_MS 30000
#define SERVICE_CONNECT_RETRY_MS 500
/* A worker that cannot connect at once retries briefly, then starts anyway and reconnects lazily. */
#define SERVICE_WORKER_CONNECT_WAIT_MS 5000
#define SERVICE_RELAY_POLL_MS 1000

/* Process-wide state: one service per process. Written by service_main before the workers start;
 * the signal handler only touches the atomics. */
static const service_def *svc_def;
static service_config svc_config;
static service_config_table svc_table;
static bus_relay *svc_relay;
static _Atomic(http_server *) svc_server;
static atomic_int svc_workers_ready;
static volatile sig_atomic_t svc_stop_requested;

void service_config_table_init(service_config_table *t, const service_def *def, service_config *cfg)
{
    memset(t, 0, sizeof(*t));
    memset(cfg, 0, sizeof(*cfg));
    snprintf(t->port_def, sizeof(t->port_def), "%d", def->default_port);
    if (def->default_topic)
        snprintf(t->topic_def, sizeof(t->topic_def), "%s", def->default_topic);
    else
        snprintf(t->topic_def, sizeof(t->topic_def), "midaz.%s.events", def->name);
    snprintf(t->group_def, sizeof(t->group_def), "midaz-%s", def->name);

    const config_var rows[] = {
        {"PORT", CFG_INT, t->port_def, 1, 65535, NULL, false, "HTTP listening port", &cfg->port},
        {"BIND_ADDRESS", CFG_IP_ADDRESS, "0.0.0.0", 0, 0, NULL, false,
         "address the HTTP port listens on (127.0.0.1: this host only; :: for IPv6)", &cfg->bind_address},
        {"WORKERS", CFG_INT, "4", 1, 256, NULL, false,
         "worker threads, each with its own PostgreSQL and Redis connection", &cfg->workers},
        {"DATABASE_URL", CFG_PG_CONNINFO, NULL, 0, 0, NULL, true, "PostgreSQL connection URI",
         &cfg->database_url},
        {"REDIS_URL", CFG_STRING, "redis://127.0.0.1:6379/0", 0, 0, NULL, true,
         "Redis URL redis://[:password@]host:port[/db]", &cfg->redis_url},
        {"REDIS_TIMEOUT_MS", CFG_INT, "200", 10, 10000, NULL, false, "Redis connect and command timeout",
         &cfg->redis_timeout_ms},
        {"KAFKA_BROKERS", CFG_HOST_PORTS, "127.0.0.1:9092", 0, 0, NULL, false, "Kafka bootstrap servers",
         &cfg->kafka_brokers},
        {"KAFKA_TOPIC", CFG_STRING, t->topic_def, 0, 0, NULL, false, "topic this service publishes to",
         &cfg->kafka_topic},
        {"KAFKA_CONSUMER_GROUP", CFG_STRING, t->group_def, 0, 0, NULL, false,
         "consumer group of this service's event consumer", &cfg->kafka_consumer_group},
        {"ONBOARDING_URL", CFG_HTTP_URL, "http://127.0.0.1:3001", 0, 0, NULL, false,
         "onboarding base URL for internal calls", &cfg->onboarding_url},
        {"PORTFOLIO_URL", CFG_HTTP_URL, "http://127.0.0.1:3002", 0, 0, NULL, false,
         "portfolio base URL for internal calls", &cfg->portfolio_url},
        {"TRANSACTION_URL", CFG_HTTP_URL, "http://127.0.0.1:3003", 0, 0, NULL, false,
         "transaction base URL for internal calls", &cfg->transaction_url},
        {"INTERNAL_TIMEOUT_MS", CFG_INT, "2000", 100, 60000, NULL, false, "timeout of internal calls",
         &cfg->internal_timeout_ms},
        {"LOG_LEVEL", CFG_ENUM, "info", 0, 0, "debug|info|warn|error", false, "minimum log level",
         &cfg->log_level},
        {"OUTBOX_RETENTION_HOURS", CFG_INT, "168", 1, 8760, NULL, false,
         "published outbox rows older than this are purged", &cfg->outbox_retention_hours},
        {"SHUTDOWN_GRACE_MS", CFG_INT, "10000", 0, 120000, NULL, false,
         "time in-flight requests get to finish on SIGTERM", &cfg->shutdown_grace_ms},
    };
    _Static_assert(ARRAY_LEN(rows) <= SERVICE_CONFIG_MAX_VARS, "SERVICE_CONFIG_MAX_VARS too small");
    memcpy(t->vars, rows, sizeof(rows));
    t->count = ARRAY_LEN(rows);
}

const service_config *service_config_get(void)
{
    return &svc_config;
}

const char *service_event_topic(const char *fallback)
{
    const service_config *cfg = service_config_get();

    return cfg && cfg->kafka_topic && cfg->kafka_topic[0] ? cfg->kafka_topic : fallback;
}

service_worker *service_worker_of(http_request *r)
{
    return http_req_worker_data(r);
}

static void service_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL); /* an interrupting signal only shortens one retry interval */
}

/* Connect, retrying until wait_ms elapsed or a stop was requested. err receives the last reason. */
static db_conn *service_connect_wait(int wait_ms, char *err, size_t errlen)
{
    int64_t deadline = time_monotonic_us() + (int64_t)wait_ms * 1000;

    for (int attempt = 1;; attempt++) {
        db_conn *c = db_connect(svc_config.database_url, svc_def->schema, err, errlen);
        if (c)
            return c;
        if (svc_stop_requested || time_monotonic_us() >= deadline)
            return NULL;
        if (attempt == 1)
            log_warn("PostgreSQL not reachable yet (%s); retrying", err);
        service_sleep_ms(SERVICE_CONNECT_RETRY_MS);
    }
}

db_conn *service_worker_db(service_worker *w)
{
    char err[256];

    if (!w->db) {
        w->db = db_connect(svc_config.database_url, svc_def->schema, err, sizeof(err));
        if (!w->db) {
            log_warn("worker %d: PostgreSQL unavailable: %s", w->index, err);
            return NULL;
        }
        return w->db;
    }
    if (db_ensure(w->db) != 0)
        return NULL;
    return w->db;
}

void service_reply_db_error(http_request *r, db_status s)
{
    switch (s) {
    case DB_UNAVAILABLE:
        http_reply_error(r, ERR_SERVICE_UNAVAILABLE, "database unavailable");
        return;
    case DB_OK:
    case DB_CONFLICT:
    case DB_FOREIGN_KEY:
    case DB_CHECK:
    case DB_RETRY:
    case DB_ERROR:
        break;
    }
    log_error("unexpected database status %s", db_status_name(s));
    http_reply_error(r, ERR_INTERNAL, "internal error");
}

/* ---- workers ---------------------------------------------------------------------------------- */

static void *service_worker_init(int index, struct event_base *base, void *arg)
{
    char err[256] = "";
    service_worker *w = xcalloc(1, sizeof(*w));

    (void)base;
    (void)arg;
    w->index = index;
    w->config = &svc_config;
    w->db = service_connect_wait(SERVICE_WORKER_CONNECT_WAIT_MS, err, sizeof(err));
    if (!w->db)
        log_warn("worker %d starts without PostgreSQL (%s); it reconnects on use", index, err);
    /* The URL was checked at start, so cache_new cannot fail here; Redis itself may be down. */
    w->cache = cache_new(svc_config.redis_url, svc_config.redis_timeout_ms);

    if (atomic_fetch_add(&svc_workers_ready, 1) + 1 == svc_config.workers) {
        http_server *s = atomic_load(&svc_server);
        log_info("listening on port %d", s ? http_server_port(s) : svc_config.port);
    }
    return w;
}

static void service_worker_free(void *data)
{
    service_worker *w = data;

    if (!w)
        return;
    db_free(w->db);
    cache_free(w->cache);
    free(w);
}

/* ---- /readyz probes (run on the worker thread of the request) --------------------------------- */

static void service_probe_postgres(http_request *r, health_check *out)
{
    service_worker *w = service_worker_of(r);
    int latency = -1;

    out->state = HEALTH_DOWN;
    /* service_worker_db runs db_ensure first, so the probe recovers after a PostgreSQL restart. */
    if (!w || !service_worker_db(w)) {
        snprintf(out->error, sizeof(out->error), "connection failed");
        return;
    }
    if (db_ping(w->db, &latency) != 0) {
        snprintf(out->error, sizeof(out->error), "ping failed");
        return;
    }
    out->state = HEALTH_UP;
    out->latency_ms = latency;
}

static void service_probe_redis(http_request *r, health_check *out)
{
    service_worker *w = service_worker_of(r);
    int latency = -1;

    out->state = HEALTH_DOWN;
    if (!w || !w->cache) {
        snprintf(out->error, sizeof(out->error), "not configured");
        return;
    }
    if (cache_ping(w->cache, &latency) != 0) {
        const char *why = cache_last_error(w->cache);
        snprintf(out->error, sizeof(out->error), "%s", why && *why ? why : "unavailable");
        return;
    }
    out->state = HEALTH_UP;
    out->latency_ms = latency;
}

static void service_probe_kafka(http_request *r, health_check *out)
{
    char err[sizeof(out->error)] = "";

    (void)r;
    if (bus_relay_kafka_up(svc_relay, err, sizeof(err))) {
        out->state = HEALTH_UP;
        return;
    }
    out->state = HEALTH_DOWN;
    snprintf(out->error, sizeof(out->error), "%s", err[0] ? err : "unavailable");
}

static bool service_probe_ready(http_request *r)
{
    http_server *s = atomic_load(&svc_server);

    (void)r;
    if (svc_stop_requested || !s || http_server_draining(s))
        return false;
    return atomic_load(&svc_workers_ready) >= svc_config.workers;
}

/* ---- signals ---------------------------------------------------------------------------------- */

static void service_on_signal(int sig)
{
    (void)sig;
    svc_stop_requested = 1;
    http_server *s = atomic_load(&svc_server);
    if (s)
        http_server_stop(s);
}

static int service_install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = service_on_signal;
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0)
        return -1;
    /* A client that hangs up mid-reply must not kill the process. */
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) != 0)
        return -1;
    return 0;
}

/* ---- main ------------------------------------------------------------------------------------- */

int service_main(const service_def *def, int argc, char **argv)
{
    char prog[64];
    char source[96];
    char err[256] = "";
    const char *own_topics[2] = {NULL, NULL};
    db_conn *db = NULL;
    cache *url_check = NULL;
    route_def *routes = NULL;
    http_server *server = NULL;
    bus_consumer *consumer = NULL;
    int rc = 1;

    svc_def = def;
    snprintf(prog, sizeof(prog), "midaz-%s", def->name);
    service_config_table_init(&svc_table, def, &svc_config);
    config_load(prog, svc_table.vars, svc_table.count, argc, argv);

    /* config cannot check the URL's shape; cache_new does (without connecting). */
    url_check = cache_new(svc_config.redis_url, svc_config.redis_timeout_ms);
    if (!url_check) {
        fprintf(stderr, "%s: REDIS_URL: malformed URL\n", prog);
        return 2;
    }
    cache_free(url_check);

    log_init(def->name, svc_config.log_level);
    if (service_install_signals() != 0) {
        log_error("cannot install signal handlers");
        return 1;
    }
    log_info("starting %s: %s port %d, %d workers", def->name, svc_config.bind_address, svc_config.port,
             svc_config.workers);

    db = service_connect_wait(SERVICE_CONNECT_WAIT_MS, err, sizeof(err));
    if (!db) {
        if (svc_stop_requested) {
            rc = 0;
            goto cleanup;
        }
        log_error("cannot connect to PostgreSQL: %s", err);
        goto cleanup;
    }
    const db_migration_set sets[2] = {
        {bus_migrations, bus_migrations_count},
        {def->migrations, def->migration_count},
    };
    if (db_migrate(db, def->schema, sets, ARRAY_LEN(sets)) != 0) {
        log_error("migrations of schema %s failed", def->schema);
        goto cleanup;
    }
    db_free(db);
    db = NULL;

    snprintf(source, sizeof(source), "urn:midaz:%s", def->name);
    own_topics[0] = svc_config.kafka_topic;
    const bus_relay_config relay_cfg = {
        .service = def->name,
        .source = source,
        .database_url = svc_config.database_url,
        .schema = def->schema,
        .brokers = svc_config.kafka_brokers,
        .topics = own_topics,
        .retention_hours = svc_config.outbox_retention_hours,
        .poll_interval_ms = SERVICE_RELAY_POLL_MS,
    };
    svc_relay = bus_relay_start(&relay_cfg);
    if (!svc_relay) {
        log_error("cannot start the outbox relay");
        goto cleanup;
    }

    if (def->consume_topics && def->consume_topics[0]) {
        const bus_consumer_config consumer_cfg = {
            .service = def->name,
            .database_url = svc_config.database_url,
            .schema = def->schema,
            .brokers = svc_config.kafka_brokers,
            .group_id = svc_config.kafka_consumer_group,
            .topics = def->consume_topics,
            .handler = def->consume_handler,
            .arg = NULL,
        };
        consumer = bus_consumer_start(&consumer_cfg);
        if (!consumer) {
            log_error("cannot start the event consumer");
            goto cleanup;
        }
    }

    size_t route_count = def->route_count + health_routes_count;
    routes = xcalloc(route_count, sizeof(*routes));
    if (def->route_count)
        memcpy(routes, def->routes, def->route_count * sizeof(*routes));
    memcpy(routes + def->route_count, health_routes, health_routes_count * sizeof(*routes));

    const health_probe probe = {
        .postgres = service_probe_postgres,
        .redis = service_probe_redis,
        .kafka = service_probe_kafka,
        .ready = service_probe_ready,
    };
    health_configure(def->name, &probe);

    const http_server_config http_cfg = {
        .service = def->name,
        .bind_addr = svc_config.bind_address,
        .port = svc_config.port,
        .workers = svc_config.workers,
        .routes = routes,
        .route_count = route_count,
        .validate_path_ids = true,
        .max_body = 0,
        .worker_init = service_worker_init,
        .worker_free = service_worker_free,
        .worker_arg = NULL,
    };
    server = http_server_new(&http_cfg);
    if (!server) {
        log_error("cannot listen on %s port %d", svc_config.bind_address, svc_config.port);
        goto cleanup;
    }
    atomic_store(&svc_server, server);
    /* A signal that arrived before the store found no server to stop: honour it here. */
    if (!svc_stop_requested)
        (void)http_server_run(server, svc_config.shutdown_grace_ms);
    log_info("stopping: draining background threads");
    rc = 0;

cleanup:
    atomic_store(&svc_server, NULL);
    bus_consumer_stop(consumer);
    bus_relay_stop(svc_relay); /* flushes what it can before returning */
    svc_relay = NULL;
    http_server_free(server);
    free(routes);
    db_free(db);
    if (rc == 0)
        log_info("stopped");
    return rc;
}
