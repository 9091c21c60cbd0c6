/* PostgreSQL access: connections with the service search_path, parameterised statements classified by
 * SQLSTATE, the retrying transaction helper and the advisory-locked migration runner.
 * Must not hold any service SQL, and must never build SQL text out of values (identifiers only, escaped). */
#include "db/db.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log/log.h"

#define DB_TX_MAX_ATTEMPTS 5

struct db_conn {
    PGconn *pg;
    char *url;
    char *schema;          /* NULL: leave the server's search_path alone */
    bool in_tx;            /* inside db_tx (or a BEGIN issued through db_exec) */
    bool session_ok;       /* search_path applied on the current server session */
    int tx_attempts;       /* attempts made by the last db_tx */
    unsigned int rng;      /* jitter state (rand_r) */
    char sqlstate[6];      /* SQLSTATE of the last failed db_exec */
};

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

db_status db_status_from_sqlstate(const char *sqlstate)
{
    if (!sqlstate || strlen(sqlstate) != 5)
        return DB_ERROR;
    if (strcmp(sqlstate, "23505") == 0)
        return DB_CONFLICT;
    if (strcmp(sqlstate, "23503") == 0)
        return DB_FOREIGN_KEY;
    if (strcmp(sqlstate, "23514") == 0 || strcmp(sqlstate, "23502") == 0 || strncmp(sqlstate, "22", 2) == 0)
        return DB_CHECK;
    if (strcmp(sqlstate, "40P01") == 0 || strcmp(sqlstate, "40001") == 0)
        return DB_RETRY;
    if (strncmp(sqlstate, "08", 2) == 0 || strcmp(sqlstate, "57P01") == 0 || strcmp(sqlstate, "57P02") == 0 ||
        strcmp(sqlstate, "57P03") == 0)
        return DB_UNAVAILABLE;
    return DB_ERROR;
}

db_status db_status_of(const PGresult *res)
{
    if (!res)
        return DB_ERROR;
    switch (PQresultStatus(res)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_SINGLE_TUPLE:
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
    case PGRES_COPY_BOTH:
    case PGRES_PIPELINE_SYNC:
    case PGRES_EMPTY_QUERY:
        return DB_OK;
    case PGRES_BAD_RESPONSE:
    case PGRES_NONFATAL_ERROR:
    case PGRES_FATAL_ERROR:
    case PGRES_PIPELINE_ABORTED:
        break;
    }
    return db_status_from_sqlstate(PQresultErrorField(res, PG_DIAG_SQLSTATE));
}

const char *db_status_name(db_status s)
{
    switch (s) {
    case DB_OK:
        return "ok";
    case DB_CONFLICT:
        return "conflict";
    case DB_FOREIGN_KEY:
        return "foreign_key";
    case DB_CHECK:
        return "check";
    case DB_RETRY:
        return "retry";
    case DB_UNAVAILABLE:
        return "unavailable";
    case DB_ERROR:
        return "error";
    }
    return "unknown";
}

void db_short_reason(const char *msg, char *out, size_t outlen)
{
    const char *p = NULL;
    const char *q = NULL;
    size_t n = 0, i = 0, o = 0;

    if (!out || outlen == 0)
        return;
    out[0] = '\0';
    if (!msg)
        return;
    /* libpq prefixes connection errors with 'connection to server at "host", port N failed: '; keep
     * only what follows the last "failed: " so neither host nor port reach logs or /readyz. */
    p = msg;
    for (q = strstr(p, "failed: "); q; q = strstr(q + 1, "failed: "))
        p = q + strlen("failed: ");
    if (p == msg && strstr(msg, "connection to server") == msg) {
        snprintf(out, outlen, "connection failed");
        return;
    }
    if (strncmp(p, "FATAL:", 6) == 0 || strncmp(p, "ERROR:", 6) == 0)
        p += 6;
    while (*p == ' ')
        p++;
    n = strcspn(p, "\r\n");
    q = strstr(p, " for user ");
    if (q && (size_t)(q - p) < n)
        n = (size_t)(q - p);
    /* Drop quoted names (hosts, users, databases) and the space before them. */
    for (i = 0; i < n && o + 1 < outlen; i++) {
        if (p[i] == '"') {
            const char *close = memchr(p + i + 1, '"', n - i - 1);
            i = close ? (size_t)(close - p) : n;
            while (o > 0 && out[o - 1] == ' ')
                o--;
            continue;
        }
        if (p[i] == ' ' && (o == 0 || out[o - 1] == ' '))
            continue;
        out[o++] = p[i];
    }
    while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == ':'))
        o--;
    out[o] = '\0';
    if (o == 0 && n > 0)
        snprintf(out, outlen, "connection failed");
}

/* Session set-up after every (re)connection: the reset loses the SET. */
static int db_setup_session(db_conn *c)
{
    char *ident = NULL;
    char *sql = NULL;
    PGresult *res = NULL;
    int rc = -1;

    c->session_ok = false;
    if (!c->schema) {
        c->session_ok = true;
        return 0;
    }
    ident = PQescapeIdentifier(c->pg, c->schema, strlen(c->schema));
    if (!ident)
        goto cleanup;
    sql = xasprintf("SET search_path TO %s", ident);
    res = PQexec(c->pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        log_warn("db: set search_path failed: %s", PQresultErrorMessage(res));
        goto cleanup;
    }
    c->session_ok = true;
    rc = 0;
cleanup:
    PQclear(res);
    free(sql);
    PQfreemem(ident);
    return rc;
}

static PGconn *db_open(const char *url, const char *appname)
{
    /* Later keywords override the expanded connection string, earlier ones are defaults it may
     * override: so the URL can still set its own timeouts. */
    const char *keys[] = {"connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
                          "keepalives_count", "fallback_application_name", "dbname", NULL};
    const char *vals[] = {"5", "1", "30", "10", "3", appname, url, NULL};
    return PQconnectdbParams(keys, vals, 1);
}

db_conn *db_connect(const char *url, const char *schema, char *err, size_t errlen)
{
    db_conn *c = NULL;
    char *appname = NULL;

    if (err && errlen)
        err[0] = '\0';
    if (!url) {
        if (err && errlen)
            snprintf(err, errlen, "no database url");
        return NULL;
    }
    c = xcalloc(1, sizeof(*c));
    c->url = xstrdup(url);
    c->schema = schema ? xstrdup(schema) : NULL;
    c->rng = (unsigned int)mono_us() ^ (unsigned int)(uintptr_t)c;
    appname = xasprintf("midaz-%s", schema ? schema : "service");
    c->pg = db_open(url, appname);
    free(appname);
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        if (err && errlen)
            db_short_reason(c->pg ? PQerrorMessage(c->pg) : "out of memory", err, errlen);
        goto failed;
    }
    if (db_setup_session(c) < 0) {
        if (err && errlen)
            snprintf(err, errlen, "cannot set search_path");
        goto failed;
    }
    return c;
failed:
    db_free(c);
    return NULL;
}

void db_free(db_conn *c)
{
    if (!c)
        return;
    if (c->pg)
        PQfinish(c->pg);
    free(c->url);
    free(c->schema);
    free(c);
}

PGconn *db_pg(db_conn *c)
{
    return c ? c->pg : NULL;
}

int db_ensure(db_conn *c)
{
    if (!c || !c->pg)
        return -1;
    if (PQstatus(c->pg) == CONNECTION_OK && c->session_ok)
        return 0;
    if (PQstatus(c->pg) != CONNECTION_OK) {
        char why[128];
        c->in_tx = false;
        c->session_ok = false;
        PQreset(c->pg);
        if (PQstatus(c->pg) != CONNECTION_OK) {
            db_short_reason(PQerrorMessage(c->pg), why, sizeof(why));
            log_debug("db: reconnect failed: %s", why);
            return -1;
        }
        log_info("db: reconnected");
    }
    /* Never run on a session whose search_path is not the service schema. */
    return db_setup_session(c);
}

const char *db_last_sqlstate(const db_conn *c)
{
    return c ? c->sqlstate : "";
}

int db_tx_last_attempts(const db_conn *c)
{
    return c ? c->tx_attempts : 0;
}

db_status db_exec(db_conn *c, const char *sql, int nparams, const char *const *params, PGresult **out)
{
    PGresult *res = NULL;
    db_status st = DB_ERROR;
    const char *state = NULL;
    bool in_tx = false;
    int attempt = 0;

    if (out)
        *out = NULL;
    if (!c || !c->pg)
        return DB_UNAVAILABLE;
    c->sqlstate[0] = '\0';
    for (attempt = 0; attempt < 2; attempt++) {
        PGTransactionStatusType ts = PQtransactionStatus(c->pg);
        in_tx = c->in_tx || ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR || ts == PQTRANS_ACTIVE;
        if (PQstatus(c->pg) != CONNECTION_OK || !c->session_ok) {
            /* A transaction that lost its connection is gone: the caller must redo it as a whole. */
            if (in_tx || db_ensure(c) < 0) {
                snprintf(c->sqlstate, sizeof(c->sqlstate), "08006");
                return DB_UNAVAILABLE;
            }
        }
        res = PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
        st = db_status_of(res);
        if (st == DB_OK) {
            if (out)
                *out = res;
            else
                PQclear(res);
            return DB_OK;
        }
        state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        if (PQstatus(c->pg) != CONNECTION_OK) {
            PQclear(res);
            res = NULL;
            if (!in_tx && attempt == 0) {
                log_debug("db: connection lost, resetting and retrying once");
                continue;
            }
            snprintf(c->sqlstate, sizeof(c->sqlstate), "%s", state ? state : "08006");
            return DB_UNAVAILABLE;
        }
        snprintf(c->sqlstate, sizeof(c->sqlstate), "%s", state ? state : "");
        log_debug("db: statement failed (%s, %s): %s", c->sqlstate, db_status_name(st),
                  res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg));
        PQclear(res);
        return st;
    }
    return DB_UNAVAILABLE;
}

/* Rollback that never resets: after a lost connection the transaction is gone anyway. */
static void db_rollback(db_conn *c)
{
    PGresult *res = NULL;

    if (c->pg && PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        res = PQexec(c->pg, "ROLLBACK");
        PQclear(res);
    }
    c->in_tx = false;
}

db_status db_tx(db_conn *c, db_tx_fn fn, void *arg)
{
    db_status st = DB_ERROR;
    int attempt = 0;
    static const int jitter_cap_ms[DB_TX_MAX_ATTEMPTS] = {2, 5, 10, 20, 20};

    if (!c)
        return DB_UNAVAILABLE;
    c->tx_attempts = 0;
    for (attempt = 1; attempt <= DB_TX_MAX_ATTEMPTS; attempt++) {
        c->tx_attempts = attempt;
        st = db_exec(c, "BEGIN", 0, NULL, NULL);
        if (st != DB_OK)
            return st;
        c->in_tx = true;
        st = fn(c, arg);
        if (st == DB_OK) {
            if (PQtransactionStatus(c->pg) == PQTRANS_INERROR) {
                /* fn swallowed an error: COMMIT would silently roll back. */
                log_error("db: transaction function returned ok on an aborted transaction");
                st = DB_ERROR;
            } else {
                st = db_exec(c, "COMMIT", 0, NULL, NULL);
                if (st == DB_OK) {
                    c->in_tx = false;
                    return DB_OK;
                }
            }
        }
        db_rollback(c);
        if (st != DB_RETRY)
            return st;
        if (attempt < DB_TX_MAX_ATTEMPTS) {
            int cap = jitter_cap_ms[attempt - 1];
            int ms = 1 + (int)(rand_r(&c->rng) % (unsigned int)cap);
            log_debug("db: transaction attempt %d hit %s, retrying in %d ms", attempt, c->sqlstate, ms);
            sleep_ms(ms);
        }
    }
    log_warn("db: transaction gave up after %d attempts (%s)", DB_TX_MAX_ATTEMPTS, c->sqlstate);
    return DB_RETRY;
}

int db_ping(db_conn *c, int *latency_ms)
{
    int64_t t0 = mono_us();
    PGresult *res = NULL;

    if (latency_ms)
        *latency_ms = -1;
    if (!c || c->in_tx)
        return -1;
    if (db_exec(c, "SELECT 1", 0, NULL, &res) != DB_OK)
        return -1;
    PQclear(res);
    if (latency_ms)
        *latency_ms = (int)((mono_us() - t0 + 999) / 1000);
    return 0;
}

/* ---- migrations ---- */

/* Run raw (possibly multi-statement) text; 0 or -1 with the server message logged. */
static int db_run_raw(db_conn *c, const char *sql, const char *what)
{
    PGresult *res = PQexec(c->pg, sql);
    ExecStatusType rs = PQresultStatus(res);
    int rc = 0;

    if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK && rs != PGRES_EMPTY_QUERY) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        char why[256];
        db_short_reason(res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg), why, sizeof(why));
        log_error("db: migrate: %s failed (%s): %s", what, state ? state : "", why);
        rc = -1;
    }
    PQclear(res);
    return rc;
}

/* 1 when the query returned at least one row, 0 when none, -1 on error. */
static int db_query_exists(db_conn *c, const char *sql, const char *param, const char *what)
{
    PGresult *res = NULL;
    const char *params[1] = {param};
    db_status st = db_exec(c, sql, 1, params, &res);
    int rc = -1;

    if (st != DB_OK) {
        log_error("db: migrate: %s failed (%s %s)", what, db_status_name(st), c->sqlstate);
        return -1;
    }
    rc = PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) ? 1 : 0;
    PQclear(res);
    return rc;
}

static int db_ensure_schema(db_conn *c, const char *schema, const char *ident)
{
    char *sql = NULL;
    int rc = -1;
    int exists = db_query_exists(c, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", schema,
                                 "schema lookup");

    if (exists < 0)
        return -1;
    if (exists == 0) {
        /* Only when missing: an operator may have created it for a role without CREATE on the database. */
        PGresult *res = NULL;
        sql = xasprintf("CREATE SCHEMA IF NOT EXISTS %s", ident);
        res = PQexec(c->pg, sql);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
            /* A replica may have won a concurrent CREATE SCHEMA race: check again. */
            if (db_query_exists(c, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", schema,
                                "schema lookup") != 1) {
                char why[256];
                db_short_reason(PQresultErrorMessage(res), why, sizeof(why));
                log_error("db: migrate: cannot create schema %s (%s): %s", schema, state ? state : "", why);
                PQclear(res);
                goto cleanup;
            }
        } else {
            log_info("db: migrate: created schema %s", schema);
        }
        PQclear(res);
    }
    rc = 0;
cleanup:
    free(sql);
    return rc;
}

static int db_apply_one(db_conn *c, const char *table, const db_migration *m)
{
    char *insert = xasprintf("INSERT INTO %s(name) VALUES ($1)", table);
    const char *params[1] = {m->name};
    int rc = -1;
    db_status st = DB_ERROR;

    if (db_run_raw(c, "BEGIN", "begin") < 0)
        goto cleanup;
    c->in_tx = true;
    if (db_run_raw(c, m->sql, m->name) < 0)
        goto cleanup;
    st = db_exec(c, insert, 1, params, NULL);
    if (st != DB_OK) {
        log_error("db: migrate: cannot record %s (%s %s)", m->name, db_status_name(st), c->sqlstate);
        goto cleanup;
    }
    if (db_run_raw(c, "COMMIT", "commit") < 0)
        goto cleanup;
    c->in_tx = false;
    log_info("db: migrate: applied %s", m->name);
    rc = 0;
cleanup:
    if (rc < 0)
        db_rollback(c);
    free(insert);
    return rc;
}

int db_migrate(db_conn *c, const char *schema, const db_migration_set *sets, size_t nsets)
{
    char *ident = NULL;
    char *table = NULL;
    char *regclass = NULL;
    char *sql = NULL;
    char *check = NULL;
    PGresult *res = NULL;
    const char *lock_params[1] = {schema};
    bool locked = false;
    int exists = -1;
    int rc = -1;
    size_t i = 0, j = 0;
    db_status st = DB_ERROR;

    if (!c || !c->pg || !schema || !*schema)
        return -1;
    if (PQstatus(c->pg) != CONNECTION_OK && db_ensure(c) < 0) {
        log_error("db: migrate: database unavailable");
        return -1;
    }
    ident = PQescapeIdentifier(c->pg, schema, strlen(schema));
    if (!ident)
        goto cleanup;
    if (db_ensure_schema(c, schema, ident) < 0)
        goto cleanup;

    st = db_exec(c, "SELECT pg_advisory_lock(hashtext($1))", 1, lock_params, NULL);
    if (st != DB_OK) {
        log_error("db: migrate: advisory lock failed (%s)", db_status_name(st));
        goto cleanup;
    }
    locked = true;

    /* The schema may have been created after connecting: make it current for unqualified DDL. */
    sql = xasprintf("SET search_path TO %s", ident);
    if (db_run_raw(c, sql, "set search_path") < 0)
        goto cleanup;

    table = xasprintf("%s.schema_migrations", ident);
    regclass = xstrdup(table);
    exists = db_query_exists(c, "SELECT to_regclass($1)", regclass, "migrations table lookup");
    if (exists < 0)
        goto cleanup;
    if (exists == 0) {
        free(sql);
        sql = xasprintf("CREATE TABLE IF NOT EXISTS %s (name text PRIMARY KEY, "
                        "applied_at timestamptz NOT NULL DEFAULT now())",
                        table);
        if (db_run_raw(c, sql, "create schema_migrations") < 0)
            goto cleanup;
    }

    check = xasprintf("SELECT 1 FROM %s WHERE name = $1", table);
    for (i = 0; i < nsets; i++) {
        for (j = 0; j < sets[i].count; j++) {
            const db_migration *m = &sets[i].items[j];
            int done = 0;
            if (!m->name || !m->sql)
                continue;
            done = db_query_exists(c, check, m->name, "migration lookup");
            if (done < 0)
                goto cleanup;
            if (done == 1)
                continue;
            if (db_apply_one(c, table, m) < 0)
                goto cleanup;
        }
    }
    rc = 0;
cleanup:
    if (locked && PQstatus(c->pg) == CONNECTION_OK) {
        res = PQexecParams(c->pg, "SELECT pg_advisory_unlock(hashtext($1))", 1, NULL, lock_params, NULL, NULL,
                           0);
        PQclear(res);
    }
    free(check);
    free(sql);
    free(regclass);
    free(table);
    PQfreemem(ident);
    return rc;
}
