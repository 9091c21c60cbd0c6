/* Outbox relay: one thread per service process that, while it holds the schema's relay advisory lock,
 * publishes unpublished outbox rows to Kafka in seq order and marks each published only after its
 * delivery report succeeded. It must never skip a row, never publish while not the leader, and never
 * let a Kafka or PostgreSQL outage escape to request handling (it only waits and retries). */
#include <errno.h>
#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "bus/bus_internal.h"
#include "log/log.h"
#include "metrics/metrics.h"

#define RELAY_STANDBY_RETRY_MS 2000
#define RELAY_PROBE_EVERY_US 5000000
#define RELAY_PURGE_EVERY_US (5 * 60 * 1000000LL)
#define RELAY_GAUGE_EVERY_US 5000000
#define RELAY_TOPICS_RETRY_US 5000000
#define RELAY_SLICE_MS 100

typedef struct relay_item {
    int64_t seq;
    bus_delivery_state state;
    rd_kafka_resp_err_t err;
} relay_item;

struct bus_relay {
    /* configuration (owned copies) */
    char *service;
    char *source;
    char *database_url;
    char *schema;
    char *brokers;
    char **topics;
    size_t ntopics;
    int retention_hours;
    int poll_interval_ms;

    pthread_t thread;
    bool thread_started;
    atomic_bool stop;
    int wake_fd;

    /* shared with other threads */
    atomic_bool kafka_up;
    atomic_bool leader;
    pthread_mutex_t mu;
    char kafka_err[128];

    /* relay thread only */
    db_conn *db;
    int backend_pid;  /* session that holds the lock and the LISTEN */
    rd_kafka_t *rk;
    bool topics_ready;
    int64_t topics_tried_us;
    int64_t last_probe_us;
    int64_t last_purge_us;
    int64_t last_gauge_us;
    relay_item items[BUS_RELAY_BATCH];
    size_t outstanding;
    int backoff_ms;
};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static bool relay_stopping(bus_relay *r)
{
    return atomic_load(&r->stop);
}

static void relay_set_kafka(bus_relay *r, bool up, const char *why)
{
    bool was = atomic_exchange(&r->kafka_up, up);

    pthread_mutex_lock(&r->mu);
    snprintf(r->kafka_err, sizeof(r->kafka_err), "%s", up ? "" : (why ? why : "unreachable"));
    pthread_mutex_unlock(&r->mu);
    if (was && !up) {
        log_warn("bus: relay: kafka down: %s", why ? why : "unreachable");
        r->topics_ready = false; /* a broker that comes back may have lost its topics */
        r->topics_tried_us = 0;
    } else if (!was && up) {
        log_info("bus: relay: kafka up");
    }
}

/* ---- waiting ---- */

/* Drain pending notifications; false when the connection broke. */
static bool relay_drain_notifies(bus_relay *r)
{
    PGconn *pg = db_pg(r->db);
    PGnotify *n = NULL;

    if (!pg || PQconsumeInput(pg) == 0)
        return false;
    while ((n = PQnotifies(pg)) != NULL)
        PQfreemem(n);
    return PQstatus(pg) == CONNECTION_OK;
}

/* Sleep up to timeout_ms, waking early on stop or (when listening) on a NOTIFY. Returns true when a
 * notification (or connection event) arrived. */
static bool relay_wait(bus_relay *r, int timeout_ms, bool on_db)
{
    struct pollfd fds[2];
    int nfds = 1;
    int rc = 0;
    uint64_t v = 0;

    if (timeout_ms < 0)
        timeout_ms = 0;
    fds[0] = (struct pollfd){.fd = r->wake_fd, .events = POLLIN};
    if (on_db && r->db && PQsocket(db_pg(r->db)) >= 0) {
        fds[1] = (struct pollfd){.fd = PQsocket(db_pg(r->db)), .events = POLLIN};
        nfds = 2;
    }
    rc = poll(fds, (nfds_t)nfds, timeout_ms);
    if (rc <= 0)
        return false;
    if (fds[0].revents & POLLIN) {
        if (read(r->wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
            log_debug("bus: relay: wake read failed");
    }
    if (nfds == 2 && fds[1].revents) {
        if (!relay_drain_notifies(r))
            log_warn("bus: relay: database connection lost");
        return true;
    }
    return false;
}

/* ---- Kafka ---- */

static void relay_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    bus_relay *r = opaque;
    relay_item *it = m->_private;

    (void)rk;
    if (!it)
        return;
    it->err = m->err;
    it->state = m->err ? BUS_DELIVERY_FAILED : BUS_DELIVERY_OK;
    if (r->outstanding > 0)
        r->outstanding--;
}

static void relay_error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    bus_relay *r = opaque;

    (void)rk;
    (void)reason;
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || err == RD_KAFKA_RESP_ERR__FATAL ||
        err == RD_KAFKA_RESP_ERR__AUTHENTICATION || err == RD_KAFKA_RESP_ERR__RESOLVE)
        relay_set_kafka(r, false, rd_kafka_err2str((rd_kafka_resp_err_t)err));
    else
        log_debug("bus: relay: kafka: %s", rd_kafka_err2str((rd_kafka_resp_err_t)err));
}

void bus_kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    /* librdkafka repeats connection errors on every reconnect attempt; the relay and the consumer
     * report outages themselves, so its errors are rate-limited and the rest goes to debug. */
    static _Atomic int64_t next_us;
    int64_t t = now_us();
    int64_t due = atomic_load(&next_us);

    (void)rk;
    if (level <= 3 && t >= due && atomic_compare_exchange_strong(&next_us, &due, t + 10000000))
        log_warn("kafka: %s: %s", fac, buf);
    else
        log_debug("kafka: %s: %s", fac, buf);
}

static rd_kafka_t *relay_new_producer(bus_relay *r)
{
    bus_kv conf_items[16];
    size_t n = bus_producer_conf(r->brokers, conf_items, ARRAY_LEN(conf_items));
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char errstr[256];
    rd_kafka_t *rk = NULL;
    size_t i = 0;

    for (i = 0; i < n; i++) {
        if (rd_kafka_conf_set(conf, conf_items[i].name, conf_items[i].value, errstr, sizeof(errstr)) !=
            RD_KAFKA_CONF_OK) {
            log_error("bus: relay: kafka config %s: %s", conf_items[i].name, errstr);
            rd_kafka_conf_destroy(conf);
            return NULL;
        }
    }
    (void)rd_kafka_conf_set(conf, "log.connection.close", "false", errstr, sizeof(errstr));
    rd_kafka_conf_set_opaque(conf, r);
    rd_kafka_conf_set_dr_msg_cb(conf, relay_dr_cb);
    rd_kafka_conf_set_error_cb(conf, relay_error_cb);
    rd_kafka_conf_set_log_cb(conf, bus_kafka_log_cb);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk) {
        log_error("bus: relay: cannot create producer: %s", errstr);
        rd_kafka_conf_destroy(conf);
    }
    return rk;
}

/* Drop whatever is still queued, serve the reports (they point into r->items), destroy. */
static void relay_destroy_producer(bus_relay *r)
{
    if (!r->rk)
        return;
    (void)rd_kafka_purge(r->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    (void)rd_kafka_poll(r->rk, 0);
    rd_kafka_destroy(r->rk);
    r->rk = NULL;
    r->outstanding = 0;
}

static void relay_probe(bus_relay *r)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err;

    r->last_probe_us = now_us();
    if (!r->rk)
        return;
    err = rd_kafka_metadata(r->rk, 0, NULL, &md, 1000);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR && md && md->broker_cnt > 0)
        relay_set_kafka(r, true, NULL);
    else
        relay_set_kafka(r, false, err ? rd_kafka_err2str(err) : "no brokers");
    if (md)
        rd_kafka_metadata_destroy(md);
}

static void relay_maybe_probe(bus_relay *r)
{
    if (now_us() - r->last_probe_us >= RELAY_PROBE_EVERY_US)
        relay_probe(r);
}

/* Create the configured topics when missing ("already exists" is success). */
static void relay_ensure_topics(bus_relay *r)
{
    rd_kafka_NewTopic_t **nts = NULL;
    rd_kafka_AdminOptions_t *opts = NULL;
    rd_kafka_queue_t *q = NULL;
    rd_kafka_event_t *ev = NULL;
    const rd_kafka_CreateTopics_result_t *res = NULL;
    const rd_kafka_topic_result_t **trs = NULL;
    bus_kv tconf[4];
    size_t ntconf = bus_topic_conf(tconf, ARRAY_LEN(tconf));
    size_t i = 0, j = 0, ntr = 0, created = 0;
    char errstr[256];
    bool ok = true;
    int64_t deadline = 0;

    r->topics_tried_us = now_us();
    if (r->ntopics == 0) {
        r->topics_ready = true;
        return;
    }
    nts = xcalloc(r->ntopics, sizeof(*nts));
    for (i = 0; i < r->ntopics; i++) {
        nts[i] = rd_kafka_NewTopic_new(r->topics[i], BUS_TOPIC_PARTITIONS, BUS_TOPIC_REPLICATION, errstr,
                                       sizeof(errstr));
        if (!nts[i]) {
            log_error("bus: relay: topic %s: %s", r->topics[i], errstr);
            goto cleanup;
        }
        for (j = 0; j < ntconf; j++)
            (void)rd_kafka_NewTopic_set_config(nts[i], tconf[j].name, tconf[j].value);
    }
    opts = rd_kafka_AdminOptions_new(r->rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    (void)rd_kafka_AdminOptions_set_request_timeout(opts, 5000, errstr, sizeof(errstr));
    (void)rd_kafka_AdminOptions_set_operation_timeout(opts, 5000, errstr, sizeof(errstr));
    q = rd_kafka_queue_new(r->rk);
    rd_kafka_CreateTopics(r->rk, nts, r->ntopics, opts, q);
    deadline = now_us() + 12000000;
    while (!ev && !relay_stopping(r) && now_us() < deadline)
        ev = rd_kafka_queue_poll(q, RELAY_SLICE_MS);
    if (!ev) {
        log_warn("bus: relay: topic creation did not answer");
        goto cleanup;
    }
    if (rd_kafka_event_error(ev)) {
        log_warn("bus: relay: topic creation failed: %s", rd_kafka_event_error_string(ev));
        relay_set_kafka(r, false, rd_kafka_err2str(rd_kafka_event_error(ev)));
        goto cleanup;
    }
    res = rd_kafka_event_CreateTopics_result(ev);
    trs = res ? rd_kafka_CreateTopics_result_topics(res, &ntr) : NULL;
    for (i = 0; i < ntr; i++) {
        rd_kafka_resp_err_t e = rd_kafka_topic_result_error(trs[i]);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
            created++;
            log_info("bus: relay: created topic %s", rd_kafka_topic_result_name(trs[i]));
        } else if (e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
            ok = false;
            log_warn("bus: relay: cannot create topic %s: %s", rd_kafka_topic_result_name(trs[i]),
                     rd_kafka_err2str(e));
        }
    }
    r->topics_ready = ok;
    (void)created;
cleanup:
    if (ev)
        rd_kafka_event_destroy(ev);
    if (q)
        rd_kafka_queue_destroy(q);
    if (opts)
        rd_kafka_AdminOptions_destroy(opts);
    if (nts) {
        for (i = 0; i < r->ntopics; i++)
            if (nts[i])
                rd_kafka_NewTopic_destroy(nts[i]);
        free(nts);
    }
}

/* ---- PostgreSQL ---- */

static void relay_lose_db(bus_relay *r, const char *why)
{
    if (atomic_exchange(&r->leader, false)) {
        if (relay_stopping(r))
            log_info("bus: relay: leadership released");
        else
            log_warn("bus: relay: leadership lost (%s)", why);
    }
    db_free(r->db);
    r->db = NULL;
    r->backend_pid = 0;
}

/* The session changed under us (db_exec resets broken connections): lock and LISTEN are gone. */
static bool relay_session_intact(bus_relay *r)
{
    PGconn *pg = db_pg(r->db);

    return pg && PQstatus(pg) == CONNECTION_OK && PQbackendPID(pg) == r->backend_pid;
}

static int relay_connect(bus_relay *r)
{
    char err[128];

    if (r->db && PQstatus(db_pg(r->db)) == CONNECTION_OK)
        return 0;
    if (r->db)
        relay_lose_db(r, "connection lost");
    r->db = db_connect(r->database_url, r->schema, err, sizeof(err));
    if (!r->db) {
        log_debug("bus: relay: cannot connect to database: %s", err);
        return -1;
    }
    r->backend_pid = PQbackendPID(db_pg(r->db));
    return 0;
}

/* 1 leader, 0 standby, -1 database error. */
static int relay_try_lead(bus_relay *r)
{
    char *lock_key = xasprintf("%s.outbox_relay", r->schema);
    char *channel = xasprintf("%s_outbox", r->schema);
    char *ident = NULL;
    char *listen_sql = NULL;
    const char *params[1] = {lock_key};
    PGresult *res = NULL;
    db_status st = DB_ERROR;
    int rc = -1;

    st = db_exec(r->db, "SELECT pg_try_advisory_lock(hashtext($1))", 1, params, &res);
    if (st != DB_OK)
        goto cleanup;
    r->backend_pid = PQbackendPID(db_pg(r->db));
    if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
        rc = 0;
        goto cleanup;
    }
    ident = PQescapeIdentifier(db_pg(r->db), channel, strlen(channel));
    if (!ident)
        goto cleanup;
    listen_sql = xasprintf("LISTEN %s", ident);
    st = db_exec(r->db, listen_sql, 0, NULL, NULL);
    if (st != DB_OK || !relay_session_intact(r))
        goto cleanup;
    atomic_store(&r->leader, true);
    log_info("bus: relay: leadership acquired for schema %s", r->schema);
    rc = 1;
cleanup:
    if (rc < 0)
        log_warn("bus: relay: leader election failed (%s)", db_status_name(st));
    PQclear(res);
    PQfreemem(ident);
    free(listen_sql);
    free(channel);
    free(lock_key);
    return rc;
}

static void relay_update_gauges(bus_relay *r, bool idle)
{
    PGresult *res = NULL;
    int64_t t = now_us();

    if (idle) {
        metrics_gauge_set("outbox_pending", "Outbox rows not yet published", NULL, 0);
        metrics_gauge_set("outbox_lag_seconds", "Age of the oldest unpublished outbox row", NULL, 0);
        r->last_gauge_us = t;
        return;
    }
    if (t - r->last_gauge_us < RELAY_GAUGE_EVERY_US)
        return;
    r->last_gauge_us = t;
    if (db_exec(r->db,
                "SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - "
                "(SELECT created_at FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT 1)), 0)::bigint "
                "FROM outbox WHERE published_at IS NULL",
                0, NULL, &res) == DB_OK) {
        metrics_gauge_set("outbox_pending", "Outbox rows not yet published", NULL,
                          (double)strtoll(PQgetvalue(res, 0, 0), NULL, 10));
        metrics_gauge_set("outbox_lag_seconds", "Age of the oldest unpublished outbox row", NULL,
                          (double)strtoll(PQgetvalue(res, 0, 1), NULL, 10));
    }
    PQclear(res);
}

static void relay_purge(bus_relay *r)
{
    char hours[16];
    const char *params[1] = {hours};
    PGresult *res = NULL;
    long total = 0;
    int round = 0;

    r->last_purge_us = now_us();
    if (r->retention_hours <= 0)
        return;
    snprintf(hours, sizeof(hours), "%d", r->retention_hours);
    /* Bounded batches keep each delete short; a large backlog is worked off over several rounds. */
    for (round = 0; round < 20 && !relay_stopping(r); round++) {
        long n = 0;
        if (db_exec(r->db,
                    "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE published_at IS NOT NULL "
                    "AND published_at < now() - make_interval(hours => $1::int) ORDER BY seq LIMIT 5000)",
                    1, params, &res) != DB_OK)
            break;
        n = strtol(PQcmdTuples(res), NULL, 10);
        PQclear(res);
        res = NULL;
        total += n;
        if (n < 5000)
            break;
    }
    if (total > 0)
        log_info("bus: relay: purged %ld published outbox rows", total);
}

/* ---- publishing ---- */

static void relay_mark_published(bus_relay *r, size_t n)
{
    strbuf sb = {0};
    int64_t seqs[BUS_RELAY_BATCH];
    const char *params[1];
    size_t i = 0;
    db_status st = DB_ERROR;

    if (n == 0)
        return;
    for (i = 0; i < n; i++)
        seqs[i] = r->items[i].seq;
    bus_seq_array_literal(&sb, seqs, n);
    params[0] = sb.buf;
    st = db_exec(r->db, "UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])", 1, params,
                 NULL);
    if (st != DB_OK)
        /* They were delivered: the next leader republishes them (at-least-once, same ce_id). */
        log_warn("bus: relay: cannot mark %zu rows published (%s)", n, db_status_name(st));
    strbuf_free(&sb);
}

/* Wait until every produced row has its delivery report (or stop: flush for up to 2 s). */
static void relay_await_reports(bus_relay *r)
{
    while (r->outstanding > 0) {
        if (relay_stopping(r)) {
            (void)rd_kafka_flush(r->rk, 2000);
            break;
        }
        (void)rd_kafka_poll(r->rk, RELAY_SLICE_MS);
        if (r->outstanding > 0 && !atomic_load(&r->kafka_up))
            relay_maybe_probe(r);
    }
}

static bool relay_kafka_error_is_outage(rd_kafka_resp_err_t e)
{
    return e == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT || e == RD_KAFKA_RESP_ERR__TRANSPORT ||
           e == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || e == RD_KAFKA_RESP_ERR__TIMED_OUT ||
           e == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT || e == RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS ||
           e == RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND ||
           e == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE || e == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION;
}

/* Publish one batch. Returns the number of rows fetched (0 = nothing pending), or -1 on a database
 * error; *failed is set when a row could not be delivered (the caller backs off). */
static int relay_publish_batch(bus_relay *r, bool *failed)
{
    static const char select_sql[] =
        "SELECT seq, id, topic, key, type, subject, "
        "to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), organization_id, ledger_id, "
        "value FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT 500";
    _Static_assert(BUS_RELAY_BATCH == 500, "keep the LIMIT in step with the batch array");
    PGresult *res = NULL;
    int nrows = 0;
    int i = 0;
    size_t produced = 0, done = 0;
    rd_kafka_resp_err_t first_err = RD_KAFKA_RESP_ERR_NO_ERROR;
    bus_delivery_state states[BUS_RELAY_BATCH];

    *failed = false;
    if (db_exec(r->db, select_sql, 0, NULL, &res) != DB_OK)
        return -1;
    if (!relay_session_intact(r)) {
        PQclear(res);
        relay_lose_db(r, "session reset");
        return -1;
    }
    nrows = PQntuples(res);
    if (nrows > BUS_RELAY_BATCH)
        nrows = BUS_RELAY_BATCH;
    for (i = 0; i < nrows && !relay_stopping(r); i++) {
        bus_row row = {0};
        bus_kv hdrs[BUS_MAX_HEADERS];
        size_t nh = 0, h = 0;
        rd_kafka_headers_t *kh = NULL;
        unsigned char *value = NULL;
        size_t value_len = 0;
        rd_kafka_resp_err_t err;
        relay_item *it = &r->items[i];

        row.seq = strtoll(PQgetvalue(res, i, 0), NULL, 10);
        row.id = PQgetvalue(res, i, 1);
        row.topic = PQgetvalue(res, i, 2);
        row.key = PQgetvalue(res, i, 3);
        row.type = PQgetvalue(res, i, 4);
        row.subject = PQgetvalue(res, i, 5);
        row.time = PQgetvalue(res, i, 6);
        row.organization_id = PQgetvalue(res, i, 7);
        row.ledger_id = PQgetisnull(res, i, 8) ? NULL : PQgetvalue(res, i, 8);
        *it = (relay_item){.seq = row.seq, .state = BUS_DELIVERY_PENDING};

        value = PQunescapeBytea((const unsigned char *)PQgetvalue(res, i, 9), &value_len);
        if (!value) {
            it->state = BUS_DELIVERY_FAILED;
            first_err = RD_KAFKA_RESP_ERR__BAD_MSG;
            produced = (size_t)i + 1;
            break;
        }
        nh = bus_ce_headers(&row, r->source, hdrs);
        kh = rd_kafka_headers_new(nh);
        for (h = 0; h < nh; h++)
            (void)rd_kafka_header_add(kh, hdrs[h].name, -1, hdrs[h].value, -1);
        for (;;) {
            err = rd_kafka_producev(r->rk, RD_KAFKA_V_TOPIC(row.topic), RD_KAFKA_V_KEY(row.key, strlen(row.key)),
                                    RD_KAFKA_V_VALUE(value, value_len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                    RD_KAFKA_V_HEADERS(kh), RD_KAFKA_V_OPAQUE(it), RD_KAFKA_V_END);
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || relay_stopping(r))
                break;
            (void)rd_kafka_poll(r->rk, RELAY_SLICE_MS);
        }
        PQfreemem(value);
        produced = (size_t)i + 1;
        if (err) {
            /* Not enqueued: headers still ours, and no report will come for this row. */
            rd_kafka_headers_destroy(kh);
            it->state = BUS_DELIVERY_FAILED;
            it->err = err;
            first_err = err;
            break;
        }
        r->outstanding++;
    }
    (void)rd_kafka_poll(r->rk, 0);
    relay_await_reports(r);

    for (done = 0; done < produced; done++)
        states[done] = r->items[done].state;
    done = bus_delivered_prefix(states, produced);
    if (done < produced && first_err == RD_KAFKA_RESP_ERR_NO_ERROR)
        first_err = r->items[done].err;
    if (done > 0) {
        relay_set_kafka(r, true, NULL);
        relay_mark_published(r, done);
    }
    if (done < (size_t)nrows) {
        *failed = true;
        if (first_err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            log_warn("bus: relay: delivery of outbox seq %" PRId64 " failed: %s", r->items[done].seq,
                     rd_kafka_err2str(first_err));
            if (relay_kafka_error_is_outage(first_err))
                relay_set_kafka(r, false, rd_kafka_err2str(first_err));
            if (first_err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
                first_err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
                r->topics_ready = false;
        }
    }
    PQclear(res);
    return nrows;
}

/* Back off after a failed delivery; cut short when Kafka comes back from an outage. */
static void relay_backoff(bus_relay *r)
{
    int64_t until = 0;
    bool was_down = !atomic_load(&r->kafka_up);

    r->backoff_ms = bus_backoff_next_ms(r->backoff_ms, 500, BUS_RELAY_BACKOFF_MAX_MS);
    until = now_us() + (int64_t)r->backoff_ms * 1000;
    log_debug("bus: relay: retrying in %d ms", r->backoff_ms);
    while (!relay_stopping(r) && now_us() < until) {
        int64_t left_ms = (until - now_us()) / 1000;
        (void)relay_wait(r, left_ms > 1000 ? 1000 : (int)left_ms, false);
        if (was_down) {
            relay_maybe_probe(r);
            if (atomic_load(&r->kafka_up))
                break;
        }
        if (r->rk)
            (void)rd_kafka_poll(r->rk, 0);
    }
}

/* ---- thread ---- */

static void relay_sleep(bus_relay *r, int ms)
{
    int64_t until = now_us() + (int64_t)ms * 1000;

    while (!relay_stopping(r) && now_us() < until) {
        int64_t left = (until - now_us()) / 1000;
        (void)relay_wait(r, left > 1000 ? 1000 : (int)left, false);
        if (r->rk) {
            (void)rd_kafka_poll(r->rk, 0);
            relay_maybe_probe(r);
        }
    }
}

static void relay_check_fatal(bus_relay *r)
{
    char errstr[256];

    if (r->rk && rd_kafka_fatal_error(r->rk, errstr, sizeof(errstr)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        log_error("bus: relay: producer fatal error, recreating: %s", errstr);
        relay_destroy_producer(r);
    }
    if (!r->rk) {
        r->rk = relay_new_producer(r);
        r->topics_ready = false;
        if (r->rk)
            relay_probe(r);
    }
}

static void *relay_main(void *arg)
{
    bus_relay *r = arg;
    int db_retry_ms = 0;

    log_set_request_id(NULL);
    relay_check_fatal(r);
    while (!relay_stopping(r)) {
        bool failed = false;
        int n = 0;

        relay_check_fatal(r);
        if (!r->rk) {
            relay_sleep(r, 5000);
            continue;
        }
        if (!r->topics_ready && atomic_load(&r->kafka_up) &&
            (r->topics_tried_us == 0 || now_us() - r->topics_tried_us >= RELAY_TOPICS_RETRY_US))
            relay_ensure_topics(r);

        if (relay_connect(r) < 0) {
            db_retry_ms = bus_backoff_next_ms(db_retry_ms, 500, 5000);
            relay_sleep(r, db_retry_ms);
            continue;
        }
        db_retry_ms = 0;
        if (!atomic_load(&r->leader) || !relay_session_intact(r)) {
            int led = 0;
            if (atomic_load(&r->leader)) {
                relay_lose_db(r, "session reset");
                continue;
            }
            led = relay_try_lead(r);
            if (led < 0) {
                relay_lose_db(r, "election failed");
                relay_sleep(r, 1000);
                continue;
            }
            if (led == 0) {
                relay_sleep(r, RELAY_STANDBY_RETRY_MS);
                continue;
            }
            r->backoff_ms = 0;
        }

        n = relay_publish_batch(r, &failed);
        if (n < 0) {
            if (r->db && PQstatus(db_pg(r->db)) != CONNECTION_OK)
                relay_lose_db(r, "connection lost");
            relay_sleep(r, 500);
            continue;
        }
        if (failed) {
            relay_update_gauges(r, false);
            relay_backoff(r);
            continue;
        }
        r->backoff_ms = 0;
        if (n > 0) {
            relay_update_gauges(r, false);
            continue;
        }
        /* Idle: nothing pending. */
        relay_update_gauges(r, true);
        if (now_us() - r->last_purge_us >= RELAY_PURGE_EVERY_US)
            relay_purge(r);
        relay_maybe_probe(r);
        {
            int wait_ms = r->poll_interval_ms > 0 ? r->poll_interval_ms : 1000;
            if (wait_ms > 5000)
                wait_ms = 5000;
            (void)relay_wait(r, wait_ms, true);
        }
        (void)rd_kafka_poll(r->rk, 0);
    }
    if (r->rk)
        (void)rd_kafka_flush(r->rk, 2000);
    relay_destroy_producer(r);
    if (r->db)
        relay_lose_db(r, "stopping");
    return NULL;
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static void relay_free(bus_relay *r)
{
    size_t i = 0;

    if (!r)
        return;
    if (r->wake_fd >= 0)
        close(r->wake_fd);
    for (i = 0; i < r->ntopics; i++)
        free(r->topics[i]);
    free(r->topics);
    free(r->service);
    free(r->source);
    free(r->database_url);
    free(r->schema);
    free(r->brokers);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

bus_relay *bus_relay_start(const bus_relay_config *cfg)
{
    bus_relay *r = NULL;
    size_t i = 0;

    if (!cfg || !cfg->database_url || !cfg->schema || !*cfg->schema || !cfg->brokers || !cfg->source) {
        log_error("bus: relay: incomplete configuration");
        return NULL;
    }
    r = xcalloc(1, sizeof(*r));
    pthread_mutex_init(&r->mu, NULL);
    r->wake_fd = -1;
    r->service = dup_or_null(cfg->service);
    r->source = xstrdup(cfg->source);
    r->database_url = xstrdup(cfg->database_url);
    r->schema = xstrdup(cfg->schema);
    r->brokers = xstrdup(cfg->brokers);
    for (i = 0; cfg->topics && cfg->topics[i]; i++)
        ;
    r->ntopics = i;
    r->topics = xcalloc(i + 1, sizeof(char *));
    for (i = 0; i < r->ntopics; i++)
        r->topics[i] = xstrdup(cfg->topics[i]);
    r->retention_hours = cfg->retention_hours;
    r->poll_interval_ms = cfg->poll_interval_ms > 0 ? cfg->poll_interval_ms : 1000;
    atomic_init(&r->stop, false);
    atomic_init(&r->kafka_up, false);
    atomic_init(&r->leader, false);
    snprintf(r->kafka_err, sizeof(r->kafka_err), "not checked yet");
    r->last_purge_us = now_us() - RELAY_PURGE_EVERY_US + 30000000; /* first purge 30 s after start */
    r->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (r->wake_fd < 0) {
        log_error("bus: relay: eventfd: %s", strerror(errno));
        goto failed;
    }
    if (pthread_create(&r->thread, NULL, relay_main, r) != 0) {
        log_error("bus: relay: cannot start thread");
        goto failed;
    }
    r->thread_started = true;
    return r;
failed:
    relay_free(r);
    return NULL;
}

void bus_relay_stop(bus_relay *r)
{
    uint64_t one = 1;

    if (!r)
        return;
    atomic_store(&r->stop, true);
    if (r->wake_fd >= 0 && write(r->wake_fd, &one, sizeof(one)) < 0)
        log_debug("bus: relay: wake write failed");
    if (r->thread_started)
        pthread_join(r->thread, NULL);
    relay_free(r);
}

bool bus_relay_kafka_up(bus_relay *r, char *err, size_t errlen)
{
    bool up = false;

    if (!r) {
        if (err && errlen)
            snprintf(err, errlen, "relay not running");
        return false;
    }
    up = atomic_load(&r->kafka_up);
    if (err && errlen) {
        pthread_mutex_lock(&r->mu);
        snprintf(err, errlen, "%s", up ? "" : r->kafka_err);
        pthread_mutex_unlock(&r->mu);
    }
    return up;
}

bool bus_relay_is_leader(bus_relay *r)
{
    return r && atomic_load(&r->leader);
}
