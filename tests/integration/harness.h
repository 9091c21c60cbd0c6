/* Helpers for the integration tests: environment of the running stack (scripts/stack.sh), HTTP via
 * libcurl, stack control, polling waits, a Kafka consumer and a libpq runner. Test code only: it may
 * fail the current Criterion test (cr_assert) and never starts or stops processes on its own. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <libpq-fe.h>

/* ---- environment ------------------------------------------------------------------------------- */

/* Value of a variable exported from $STATE_DIR/stack.env (GATEWAY_URL, ONBOARDING_URL, ...). Fails the
 * current test with a clear message when it is missing or empty. The string belongs to the
 * environment; do not free it. */
const char *it_env(const char *name);

/* "<base><path>" for the URL held in the environment variable url_var (e.g. "GATEWAY_URL"). A trailing
 * '/' of the base is dropped. Caller frees. Fails the test when the variable is missing. */
char *it_url(const char *url_var, const char *path);

/* ---- HTTP -------------------------------------------------------------------------------------- */

typedef struct it_header {
    char *name;
    char *value;
} it_header;

typedef struct it_response {
    long status;         /* 0 when the transfer failed (see error) */
    char *body;          /* NUL-terminated (may also contain NULs); never NULL after it_http */
    size_t body_len;
    it_header *headers;  /* of the final response (1xx interim responses are dropped) */
    size_t n_headers;
    json_object *json;   /* parsed body when it is JSON, else NULL; owned by the response */
    double elapsed_s;    /* total transfer time */
    char error[256];     /* libcurl's error text when status == 0 */
    char *summary;       /* cache of it_describe */
} it_response;

/* One request. headers is a NULL-terminated list of "Name: value" lines (NULL for none); body may be
 * NULL. The request never sends "Expect: 100-continue". Fills *out (zeroed first; free it with
 * it_response_free) and returns 0, or -1 when the transfer failed (out->status = 0, out->error set).
 * timeout_ms <= 0 means 30 s. */
int it_http(const char *method, const char *url, const char *const *headers, const char *body,
            size_t body_len, long timeout_ms, it_response *out) __attribute__((warn_unused_result));

/* it_http that fails the current test when the transfer itself fails (any HTTP status is fine). */
void it_request(const char *method, const char *url, const char *const *headers, const char *body,
                size_t body_len, it_response *out);
/* GET with no extra header, failing the test on transfer errors. */
void it_get(const char *url, it_response *out);

/* First value of a response header, case-insensitive name, or NULL. Owned by the response. */
const char *it_header_get(const it_response *r, const char *name);
/* Number of response headers with that name (case-insensitive). */
size_t it_header_count(const it_response *r, const char *name);
/* Member of the top-level JSON object as a string (strings only), or NULL. Owned by the response. */
const char *it_json_str(const it_response *r, const char *member);
/* Nested string member by dotted path ("checks.redis.status"), or NULL. Owned by the response. */
const char *it_json_path_str(const it_response *r, const char *dotted);

/* Human-readable summary for assertion messages: status, elapsed time, headers and up to 2 KiB of
 * body. Owned by the response (freed by it_response_free). */
const char *it_describe(it_response *r);
void it_response_free(it_response *r);

/* Asserts the api.md error envelope: given HTTP status, Content-Type application/json, members code
 * (== code), title (== title when not NULL) and a non-empty message. The failure message carries the
 * whole response. */
void it_assert_error(it_response *r, long status, const char *code, const char *title);

/* ---- polling waits (never fixed sleeps) -------------------------------------------------------- */

/* Predicate over a response; return true when the wait is over. */
typedef bool (*it_response_pred)(const it_response *r, void *arg);

/* GETs url every ~100 ms until pred says yes or timeout_ms elapses. Returns true when it succeeded.
 * The last response (or a zeroed one) is left in *last when last is not NULL; the caller frees it. */
bool it_wait_until(const char *url, long timeout_ms, it_response_pred pred, void *arg, it_response *last);
/* it_wait_until with "status == want". */
bool it_wait_status(const char *url, long want, long timeout_ms, it_response *last);

/* Sleep helper for the polling loops (milliseconds). */
void it_sleep_ms(long ms);
/* Monotonic milliseconds. */
int64_t it_now_ms(void);

/* ---- stack control ----------------------------------------------------------------------------- */

/* Runs "$STACK_CTL <verb> <component>" (verb: stop | start) with STATE_DIR in the environment and
 * returns its exit status (0 on success). Prints the command and its status to stderr. */
int it_stack(const char *verb, const char *component) __attribute__((warn_unused_result));
/* Prints the last max_lines lines of the component's log under $STATE_DIR (best effort), so a
 * failing test shows what the server said. */
void it_dump_log(const char *component, int max_lines);

/* ---- text checks ------------------------------------------------------------------------------- */

/* RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM). */
bool it_is_rfc3339(const char *s);
/* The contract's event/entity timestamps: exactly six fractional digits and Z. */
bool it_is_rfc3339_micro_z(const char *s);
/* Canonical lowercase UUID of the given version (0 = any version). */
bool it_is_uuid(const char *s, int version);

/* ---- Kafka ------------------------------------------------------------------------------------- */

typedef struct it_kafka_header {
    char *name;
    char *value; /* NUL-terminated copy; NULL for a header whose value is null */
    size_t value_len;
} it_kafka_header;

typedef struct it_kafka_record {
    char *topic;
    int32_t partition;
    int64_t offset;
    char *key;   /* NUL-terminated copy, NULL when the key is null */
    size_t key_len;
    char *value; /* NUL-terminated copy, NULL when the value is null */
    size_t value_len;
    it_kafka_header *headers;
    size_t n_headers;
} it_kafka_record;

typedef struct it_kafka_consumer it_kafka_consumer;

/* Predicate over a record; return true to keep it. */
typedef bool (*it_record_pred)(const it_kafka_record *rec, void *arg);

/* New consumer of one topic on $KAFKA_BROKERS with a unique group id, auto.offset.reset=earliest and
 * no offset commits. Fails the test when librdkafka refuses the configuration. Free with
 * it_kafka_consumer_free. */
it_kafka_consumer *it_kafka_consumer_new(const char *topic);
void it_kafka_consumer_free(it_kafka_consumer *c);

/* Polls for up to timeout_ms and appends every record that pred keeps (all when pred is NULL) to
 * *recs / *n (a growable array the caller frees with it_kafka_records_free). Returns early once *n
 * reaches stop_at (0 = never stop early). Returns the number of records appended by this call. */
size_t it_kafka_collect(it_kafka_consumer *c, it_record_pred pred, void *arg, long timeout_ms,
                        size_t stop_at, it_kafka_record **recs, size_t *n);
void it_kafka_records_free(it_kafka_record *recs, size_t n);

/* First header value by exact name, or NULL. Owned by the record. */
const char *it_kafka_header_get(const it_kafka_record *rec, const char *name);
/* Number of headers with that name. */
size_t it_kafka_header_count(const it_kafka_record *rec, const char *name);
/* Predicate: header ce_id equals arg (a const char *). */
bool it_record_has_ce_id(const it_kafka_record *rec, void *arg);

/* ---- PostgreSQL -------------------------------------------------------------------------------- */

/* Runs one parameterised statement (text parameters, NULL = SQL NULL) on the database named by the
 * environment variable url_var (e.g. "ONBOARDING_DATABASE_URL"). Fails the test when the connection
 * or the statement fails. Returns the result (PGRES_COMMAND_OK or PGRES_TUPLES_OK); caller PQclear()s. */
PGresult *it_pg_exec(const char *url_var, const char *sql, int nparams, const char *const *params);
