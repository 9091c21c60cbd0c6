/* PostgreSQL access through libpq: one connection per worker thread, parameterised queries only, a
 * transaction helper that retries deadlocks and serialization failures, SQLSTATE classification, and
 * the embedded migrations applied at start under an advisory lock. No SQL of any service lives here. */
#pragma once
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/mem.h"

typedef enum db_status {
    DB_OK = 0,
    DB_CONFLICT,     /* 23505 unique violation */
    DB_FOREIGN_KEY,  /* 23503 */
    DB_CHECK,        /* 23514 / 23502 / 22xxx data errors */
    DB_RETRY,        /* 40P01 deadlock, 40001 serialization failure */
    DB_UNAVAILABLE,  /* connection lost or cannot connect (-> 503 0901) */
    DB_ERROR         /* anything else (-> 500 0046) */
} db_status;

typedef struct db_conn db_conn;

/* Connect to `url` (libpq URI or keyword string) and SET search_path to `schema` (may be NULL).
 * Returns NULL on failure with a short reason (no credentials) in err. */
db_conn *db_connect(const char *url, const char *schema, char *err, size_t errlen);
void db_free(db_conn *c);
PGconn *db_pg(db_conn *c);
/* Reconnect when the connection is bad; 0 when usable afterwards. */
int db_ensure(db_conn *c);

/* Run one parameterised statement (text params, NULL = SQL NULL). *out (if out != NULL) receives the
 * result on DB_OK and must be PQclear'ed; on failure nothing is returned. SQLSTATE 23505 etc. map to the
 * statuses above; the message is logged at debug level. A broken connection is reset once (outside
 * transactions) and the statement retried. */
db_status db_exec(db_conn *c, const char *sql, int nparams, const char *const *params,
                  PGresult **out) MUSTCHECK;
/* Classify a result's SQLSTATE. */
db_status db_status_of(const PGresult *res);
/* Pure classification of a SQLSTATE text ("23505" -> DB_CONFLICT, ...); NULL or malformed -> DB_ERROR. */
db_status db_status_from_sqlstate(const char *sqlstate);
/* Pure: a short reason from a libpq/server error message into out (NUL-terminated, truncated), with the
 * "connection to server at host, port" prefix, severity and user names removed (safe for /readyz). */
void db_short_reason(const char *msg, char *out, size_t outlen);
const char *db_status_name(db_status s);
/* SQLSTATE of the last failed db_exec on this connection ("" when none). */
const char *db_last_sqlstate(const db_conn *c);

/* Run fn inside BEGIN/COMMIT. When fn or COMMIT yields DB_RETRY the whole transaction is rolled back
 * and retried (up to 5 attempts, short jittered backoff). Any other non-OK status rolls back and is
 * returned. fn must be re-runnable and keep its side effects inside the database. */
typedef db_status (*db_tx_fn)(db_conn *c, void *arg);
db_status db_tx(db_conn *c, db_tx_fn fn, void *arg) MUSTCHECK;
/* Attempts made by the last db_tx on this connection (for tests and metrics). */
int db_tx_last_attempts(const db_conn *c);

/* Round trip "SELECT 1"; 0 with latency, or -1. */
int db_ping(db_conn *c, int *latency_ms);

/* ---- migrations ---- */
typedef struct db_migration {
    const char *name; /* "0001_outbox" (file name without .sql) */
    const char *sql;  /* may hold several statements */
} db_migration;

/* Ensure `schema` exists (creating it only when missing) and apply, in order and each in its own
 * transaction, every migration of `sets` not yet recorded in <schema>.schema_migrations, under
 * pg_advisory_lock(hashtext(schema)) so replicas starting together apply each exactly once.
 * Returns 0, or -1 with the reason logged. */
typedef struct db_migration_set {
    const db_migration *items;
    size_t count;
} db_migration_set;
int db_migrate(db_conn *c, const char *schema, const db_migration_set *sets, size_t nsets) MUSTCHECK;

/* Migrations shared by every service (outbox and inbox tables), embedded from common/bus/migrations. */
extern const db_migration bus_migrations[];
extern const size_t bus_migrations_count;
