/* Idempotency pieces that need no server (transactions.md 8.1, 8.2): X-Idempotency / X-TTL syntax and
 * the request fingerprint (endpoint + normalised input, SHA-256). Pure code: no Redis, no database. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "errors/errors.h"
#include "util/mem.h"

#define TXN_IDEM_KEY_MAX 256
#define TXN_IDEM_TTL_DEFAULT 300
#define TXN_IDEM_TTL_MAX 86400
#define TXN_FINGERPRINT_LEN 64 /* hex SHA-256 */

typedef struct txn_idem_headers {
    bool present;                   /* a non-empty key was sent */
    char key[TXN_IDEM_KEY_MAX + 1]; /* trimmed */
    int ttl_s;                      /* 1..86400, 300 when X-TTL is absent */
} txn_idem_headers;

/* Check the raw header values (NULL = absent): the key trimmed of surrounding spaces (empty = absent),
 * else 1..256 characters in 0x20-0x7E; X-TTL only when a key is present: absent -> 300, else a decimal
 * integer 1..86400. Returns 0, or -1 with e = 0047 and fields["X-Idempotency"] / fields["X-TTL"]. */
int txn_idem_parse_headers(const char *key, const char *ttl, txn_idem_headers *out, api_error *e) MUSTCHECK;

/* The normalised input of a create body accepted by txn_plan_decode: nulls and "" members removed (not
 * inside metadata), defaults applied (balanceKey "default" lower-cased, percentageOfPercentage 100,
 * pending false where the endpoint has it), decimals canonical, transactionDate as a UTC instant with
 * six fractional digits, object keys sorted. `with_pending` says whether the endpoint has `pending`.
 * Returns a new heap string (caller frees). */
char *txn_canonical_input(json_object *body, bool with_pending);

/* Fingerprint = hex SHA-256 of "<endpoint>\n<transaction_id or empty>\n<canonical input or empty>".
 * body may be NULL (commit/cancel/revert), transaction_id may be NULL (creates). out gets 64 hex
 * characters and a NUL. */
void txn_fingerprint(const char *endpoint, const char *transaction_id, json_object *body, bool with_pending,
                     char out[TXN_FINGERPRINT_LEN + 1]);

/* Hex SHA-256 of len bytes (FIPS 180-4), lowercase. */
void txn_sha256_hex(const void *data, size_t len, char out[TXN_FINGERPRINT_LEN + 1]);
