/* The idempotency state machine of transactions.md 8.3 across Redis (IN_FLIGHT claims with a lease, a
 * cache of COMPLETED records) and PostgreSQL (the durable COMPLETED record, written by the write path in
 * its own transaction). A Redis miss is always confirmed against PostgreSQL before the request goes on;
 * Redis being flushed or down never lets one key post twice. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "cache/cache.h"
#include "db/db.h"
#include "http/http.h"
#include "txn_idem.h"
#include "txn_model.h"

#define IDEM_LEASE_MS 35000 /* >= the gateway's upstream timeout (30 s) */

typedef struct idem_ctx {
    bool active; /* a key was sent */
    txn_idem_headers h;
    char org[TXN_ID_LEN];
    char ledger[TXN_ID_LEN];
    char fp[TXN_FINGERPRINT_LEN + 1];
    char redis_key[TXN_IDEM_KEY_MAX + 128];
    char claim[TXN_FINGERPRINT_LEN + 64]; /* our claim value, to release only our own claim */
    bool claimed;
} idem_ctx;

typedef enum idem_begin_result { IDEM_PROCEED, IDEM_REPLIED } idem_begin_result;

/* Prepare ic for (org, ledger, headers, fingerprint); ic->active is false when no key was sent. */
void idem_init(idem_ctx *ic, const char *org, const char *ledger, const txn_idem_headers *h, const char *fp);

/* Step 18: replay (201, byte-identical, X-Idempotency-Replayed: true), 409 0084 (in flight / body
 * differs), or claim and proceed. With no key it proceeds at once. On IDEM_REPLIED a reply was sent
 * (including a 5xx when PostgreSQL failed). */
idem_begin_result idem_begin(http_request *r, cache *rc, db_conn *c, idem_ctx *ic);

/* The request failed after the claim (4xx of steps 19-24, 5xx): release our claim at once. */
void idem_release(cache *rc, idem_ctx *ic);

/* The ledger write committed with its record: cache COMPLETED until expires_us (replacing our claim). */
void idem_completed(cache *rc, idem_ctx *ic, int status, const char *body, int64_t expires_us);

/* A step after the claim failed with a 4xx that depends on state (5.1 steps 19-24, 5.2 steps 5-7, 5.3
 * steps 5-13). When claims were lost (Redis down, flushed, a lease expired) another holder of the key
 * may have committed first and caused that failure, so the durable record is read again (8.3): a record
 * with our fingerprint is replayed byte for byte, another fingerprint answers 409 0084, and a database
 * failure answers its 5xx; each of these replies and returns true. With no record (or no key sent) it
 * releases our claim and returns false: the caller then sends its own error. */
bool idem_answer_if_completed(http_request *r, cache *rc, db_conn *c, idem_ctx *ic);

/* Another holder committed first (unique violation): answer as its record says (replay or 0084) and
 * release our claim. Replies in every case. */
void idem_answer_winner(http_request *r, cache *rc, db_conn *c, idem_ctx *ic);

/* Send a 201 that carries X-Idempotency-Replayed (true for replays). */
void idem_reply(http_request *r, int status, const char *body, bool replayed);
