/* Kafka consumer helper: one thread that hands each record to a service handler inside a PostgreSQL
 * transaction that also records the event's ce_id in the inbox, and commits the offset only afterwards.
 * It must never advance past a record whose handling failed transiently, and never die on broker errors. */
#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus/bus_internal.h"
#include "log/log.h"
#include "metrics/metrics.h"

#define CONSUMER_POLL_MS 200
#define CONSUMER_MAX_HEADERS 64
#define CONSUMER_LOG_EVERY_US 30000000

struct bus_consumer {
    char *service;
    char *database_url;
    char *schema;
    char *group_id;
    bus_handler_fn handler;
    void *arg;

    rd_kafka_t *rk;
    db_conn *db;
    pthread_t thread;
    bool thread_started;
    atomic_bool stop;
    int64_t last_err_log_us;
};

typedef struct consumer_ctx {
    bus_consumer *bc;
    const bus_message *m;
    bool duplicate;
} consumer_ctx;

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static bool consumer_stopping(bus_consumer *bc)
{
    return atomic_load(&bc->stop);
}

/* Sleep in short slices so stop stays prompt. */
static void consumer_sleep(bus_consumer *bc, int ms)
{
    int64_t until = mono_us() + (int64_t)ms * 1000;

    while (!consumer_stopping(bc) && mono_us() < until) {
        int64_t left = (until - mono_us()) / 1000;
        struct timespec ts = {0, (long)(left > CONSUMER_POLL_MS ? CONSUMER_POLL_MS : left) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static db_status consumer_tx(db_conn *c, void *arg)
{
    consumer_ctx *ctx = arg;
    const bus_message *m = ctx->m;
    char partition[16];
    char offset[24];
    const char *params[4] = {m->ce_id, m->topic, partition, offset};
    PGresult *res = NULL;
    db_status st = DB_ERROR;
    bool inserted = false;

    snprintf(partition, sizeof(partition), "%" PRId32, m->partition);
    snprintf(offset, sizeof(offset), "%" PRId64, m->offset);
    st = db_exec(c,
                 "INSERT INTO inbox(ce_id, topic, partition, \"offset\") VALUES ($1, $2, $3::int, $4::bigint) "
                 "ON CONFLICT (ce_id) DO NOTHING",
                 4, params, &res);
    if (st != DB_OK)
        return st;
    inserted = strcmp(PQcmdTuples(res), "1") == 0;
    PQclear(res);
    ctx->duplicate = !inserted;
    if (!inserted)
        return DB_OK; /* handled before: keep the transaction empty, commit the offset */
    return ctx->bc->handler(c, m, ctx->bc->arg);
}

static void consumer_commit(bus_consumer *bc, const rd_kafka_message_t *msg)
{
    rd_kafka_resp_err_t err = rd_kafka_commit_message(bc->rk, msg, 0);

    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
        /* Typically a rebalance: the record comes back and the inbox makes it a no-op. */
        log_warn("bus: consumer: offset commit failed on %s[%" PRId32 "]@%" PRId64 ": %s",
                 rd_kafka_topic_name(msg->rkt), msg->partition, msg->offset, rd_kafka_err2str(err));
}

static void consumer_count_skip(const char *reason)
{
    char labels[64];

    snprintf(labels, sizeof(labels), "reason=\"%s\"", reason);
    metrics_counter_add("bus_consumer_skipped_total", "Consumed events skipped without effect", labels, 1);
}

/* Handle one record until it is done (handled, duplicate or skipped) or the consumer stops. */
static void consumer_handle(bus_consumer *bc, const rd_kafka_message_t *msg)
{
    rd_kafka_headers_t *hdrs = NULL;
    bus_kv kv[CONSUMER_MAX_HEADERS];
    size_t nkv = 0, i = 0;
    bus_message m = {0};
    consumer_ctx ctx = {.bc = bc, .m = &m};
    char *key = NULL;
    char *data = NULL;
    int backoff_ms = 0;

    if (rd_kafka_message_headers(msg, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR && hdrs) {
        const char *name = NULL;
        const void *val = NULL;
        size_t size = 0;
        for (i = 0; nkv < CONSUMER_MAX_HEADERS &&
                    rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
             i++) {
            if (!val)
                continue;
            kv[nkv].name = name;
            kv[nkv].value = xstrndup(val, size);
            nkv++;
        }
    }
    m.topic = rd_kafka_topic_name(msg->rkt);
    m.partition = msg->partition;
    m.offset = msg->offset;
    if (msg->key) {
        key = xstrndup(msg->key, msg->key_len);
        m.key = key;
    }
    data = xmalloc(msg->len + 1);
    if (msg->len)
        memcpy(data, msg->payload, msg->len);
    data[msg->len] = '\0';
    m.data = data;
    m.data_len = msg->len;
    bus_message_set_headers(&m, kv, nkv);

    if (!m.ce_id || !m.ce_id[0]) {
        log_warn("bus: consumer: record %s[%" PRId32 "]@%" PRId64 " has no ce_id, skipped", m.topic, m.partition,
                 m.offset);
        consumer_count_skip("missing_ce_id");
        consumer_commit(bc, msg);
        goto cleanup;
    }

    while (!consumer_stopping(bc)) {
        char err[128];
        db_status st = DB_UNAVAILABLE;

        if (!bc->db) {
            bc->db = db_connect(bc->database_url, bc->schema, err, sizeof(err));
            if (!bc->db)
                log_debug("bus: consumer: cannot connect to database: %s", err);
        }
        if (bc->db)
            st = db_tx(bc->db, consumer_tx, &ctx);
        switch (st) {
        case DB_OK:
            consumer_commit(bc, msg);
            if (ctx.duplicate)
                log_debug("bus: consumer: %s already handled", m.ce_id);
            metrics_counter_add("bus_consumer_handled_total", "Consumed events handled (or known duplicates)",
                                NULL, 1);
            goto cleanup;
        case DB_RETRY:
        case DB_UNAVAILABLE:
            backoff_ms = bus_backoff_next_ms(backoff_ms, 100, BUS_CONSUMER_BACKOFF_MAX_MS);
            log_debug("bus: consumer: %s on %s, retrying in %d ms", db_status_name(st), m.ce_id, backoff_ms);
            if (st == DB_UNAVAILABLE && backoff_ms >= BUS_CONSUMER_BACKOFF_MAX_MS)
                log_warn("bus: consumer: database unavailable, event %s waits", m.ce_id);
            consumer_sleep(bc, backoff_ms);
            break;
        case DB_CONFLICT:
        case DB_FOREIGN_KEY:
        case DB_CHECK:
        case DB_ERROR:
            log_error("bus: consumer: event %s (%s) failed (%s), skipped", m.ce_id,
                      m.ce_type ? m.ce_type : "no type", db_status_name(st));
            consumer_count_skip("handler_error");
            consumer_commit(bc, msg);
            goto cleanup;
        }
    }
cleanup:
    for (i = 0; i < nkv; i++)
        free((char *)kv[i].value);
    free(key);
    free(data);
}

static void consumer_log_error(bus_consumer *bc, const rd_kafka_message_t *msg)
{
    int64_t t = mono_us();
    bool unknown = msg->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || msg->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;

    if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
        return;
    if (t - bc->last_err_log_us < CONSUMER_LOG_EVERY_US) {
        log_debug("bus: consumer: %s", rd_kafka_message_errstr(msg));
        return;
    }
    bc->last_err_log_us = t;
    if (unknown)
        log_info("bus: consumer: subscribed topic not available yet: %s", rd_kafka_message_errstr(msg));
    else
        log_warn("bus: consumer: %s", rd_kafka_message_errstr(msg));
}

static void *consumer_main(void *arg)
{
    bus_consumer *bc = arg;

    log_set_request_id(NULL);
    while (!consumer_stopping(bc)) {
        rd_kafka_message_t *msg = rd_kafka_consumer_poll(bc->rk, CONSUMER_POLL_MS);
        if (!msg)
            continue;
        if (msg->err)
            consumer_log_error(bc, msg);
        else
            consumer_handle(bc, msg);
        rd_kafka_message_destroy(msg);
    }
    (void)rd_kafka_consumer_close(bc->rk);
    return NULL;
}

static void consumer_free(bus_consumer *bc)
{
    if (!bc)
        return;
    if (bc->rk)
        rd_kafka_destroy(bc->rk);
    db_free(bc->db);
    free(bc->service);
    free(bc->database_url);
    free(bc->schema);
    free(bc->group_id);
    free(bc);
}

bus_consumer *bus_consumer_start(const bus_consumer_config *cfg)
{
    bus_consumer *bc = NULL;
    rd_kafka_conf_t *conf = NULL;
    rd_kafka_topic_partition_list_t *subs = NULL;
    bus_kv items[16];
    size_t n = 0, i = 0;
    char errstr[256];
    rd_kafka_resp_err_t err;

    if (!cfg || !cfg->database_url || !cfg->schema || !cfg->brokers || !cfg->group_id || !cfg->handler ||
        !cfg->topics || !cfg->topics[0]) {
        log_error("bus: consumer: incomplete configuration");
        return NULL;
    }
    bc = xcalloc(1, sizeof(*bc));
    atomic_init(&bc->stop, false);
    bc->service = cfg->service ? xstrdup(cfg->service) : NULL;
    bc->database_url = xstrdup(cfg->database_url);
    bc->schema = xstrdup(cfg->schema);
    bc->group_id = xstrdup(cfg->group_id);
    bc->handler = cfg->handler;
    bc->arg = cfg->arg;

    conf = rd_kafka_conf_new();
    n = bus_consumer_conf(cfg->brokers, cfg->group_id, items, ARRAY_LEN(items));
    for (i = 0; i < n; i++) {
        if (rd_kafka_conf_set(conf, items[i].name, items[i].value, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
            log_error("bus: consumer: kafka config %s: %s", items[i].name, errstr);
            goto failed;
        }
    }
    (void)rd_kafka_conf_set(conf, "log.connection.close", "false", errstr, sizeof(errstr));
    rd_kafka_conf_set_log_cb(conf, bus_kafka_log_cb);
    bc->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    if (!bc->rk) {
        log_error("bus: consumer: cannot create consumer: %s", errstr);
        goto failed;
    }
    conf = NULL; /* owned by rk now */
    (void)rd_kafka_poll_set_consumer(bc->rk);
    subs = rd_kafka_topic_partition_list_new(4);
    for (i = 0; cfg->topics[i]; i++)
        rd_kafka_topic_partition_list_add(subs, cfg->topics[i], RD_KAFKA_PARTITION_UA);
    err = rd_kafka_subscribe(bc->rk, subs);
    rd_kafka_topic_partition_list_destroy(subs);
    if (err) {
        log_error("bus: consumer: subscribe failed: %s", rd_kafka_err2str(err));
        goto failed;
    }
    if (pthread_create(&bc->thread, NULL, consumer_main, bc) != 0) {
        log_error("bus: consumer: cannot start thread");
        goto failed;
    }
    bc->thread_started = true;
    log_info("bus: consumer: started (group %s)", bc->group_id);
    return bc;
failed:
    if (conf)
        rd_kafka_conf_destroy(conf);
    consumer_free(bc);
    return NULL;
}

void bus_consumer_stop(bus_consumer *bc)
{
    if (!bc)
        return;
    atomic_store(&bc->stop, true);
    if (bc->thread_started)
        pthread_join(bc->thread, NULL);
    else if (bc->rk)
        (void)rd_kafka_consumer_close(bc->rk);
    consumer_free(bc);
}
