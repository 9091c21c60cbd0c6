/* Helpers of the transaction-service integration tests: a fresh organization + ledger + assets +
 * accounts per test (created through the gateway), request wrappers, balance reads, exact decimal
 * comparisons, parallel requests, Redis control and the transaction event stream.
 * Test code only: built on harness.h, never edits the harness. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "harness.h"

#define TX_TOPIC "midaz.transaction.events"

/* One test's ledger: L = "/v1/organizations/<org>/ledgers/<ledger>". */
typedef struct tx_fix {
    char org[40];
    char ledger[40];
    char L[160];
} tx_fix;

/* New organization and ledger, plus one asset per code of the NULL-terminated list (type crypto, so any
 * A-Z code works; each asset brings its @external/<code> account). */
void tx_fix_init(tx_fix *f, const char *const *asset_codes);
/* POST L/accounts {assetCode, type, alias} (+ extra members, a fragment without braces, may be NULL);
 * asserts 201 and returns the id (caller frees). */
char *tx_account(const tx_fix *f, const char *asset, const char *alias, const char *type, const char *extra);

/* Request to GATEWAY_URL + path; headers NULL-terminated "Name: value" lines or NULL; body may be NULL. */
void tx_req(const char *method, const char *path, const char *const *headers, const char *body,
            it_response *out);
/* Request to GATEWAY_URL + f->L + suffix. */
void tx_lreq(const tx_fix *f, const char *method, const char *suffix, const char *const *headers,
             const char *body, it_response *out);
/* Formatted suffix variant. */
void tx_lreqf(const tx_fix *f, const char *method, const char *body, it_response *out, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Member by dotted path ("status.code", "operations.0.type": numeric parts index arrays). */
json_object *tx_jget(json_object *o, const char *dotted);
const char *tx_jstr(json_object *o, const char *dotted);
int64_t tx_jint(json_object *o, const char *dotted);
/* Asserts the error envelope, and that fields has `field` when not NULL. */
void tx_assert_error(it_response *r, long status, const char *code, const char *field);

/* Exact decimal equality of two decimal texts (canonical or not). */
bool tx_dec_eq(const char *a, const char *b);

/* inflow of value (decimal text) of asset into alias (default key); asserts 201. */
void tx_fund(const tx_fix *f, const char *asset, const char *alias, const char *value);
/* POST transactions/json moving value from -> to (amount legs, default keys); returns the status and
 * leaves the response in *out. */
long tx_transfer(const tx_fix *f, const char *asset, const char *from, const char *to, const char *value,
                 it_response *out);
/* The balance object (alias, key) through B7 (asserts 200 and that it exists). New reference. */
json_object *tx_balance(const tx_fix *f, const char *alias, const char *key);
/* Convenience: its available text, compared exactly with want. */
void tx_expect_available(const tx_fix *f, const char *alias, const char *key, const char *want);

/* ---- parallel requests ---- */
typedef struct tx_par_req {
    const char *method;
    const char *path; /* full path below GATEWAY_URL */
    const char *body;
    const char *const *headers; /* NULL-terminated or NULL */
} tx_par_req;

typedef struct tx_par_res {
    long status;
    char code[8];
    char replayed[8]; /* X-Idempotency-Replayed value */
    char *body;       /* heap, tx_par_free */
} tx_par_res;

/* Runs n requests on `threads` threads (each with its own libcurl handle, started together). */
void tx_parallel(size_t n, const tx_par_req *reqs, size_t threads, tx_par_res *res);
void tx_par_free(tx_par_res *res, size_t n);

/* ---- Redis ---- */
/* FLUSHALL on $REDIS_URL (fails the test when Redis does not answer). */
void tx_redis_flushall(void);

/* ---- events ---- */
/* Records of the transaction topic whose ce_ledgerid is ledger, until `expected` arrived or timeout_ms,
 * then settle_ms more (to catch duplicates). */
void tx_events_for_ledger(it_kafka_consumer *c, const char *ledger, size_t expected, long timeout_ms,
                          long settle_ms, it_kafka_record **recs, size_t *n);
size_t tx_events_count(const it_kafka_record *recs, size_t n, const char *ce_type, const char *subject);
const it_kafka_record *tx_events_find(const it_kafka_record *recs, size_t n, const char *ce_type,
                                      const char *subject);
