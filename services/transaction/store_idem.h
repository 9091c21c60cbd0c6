/* SQL of the durable idempotency records (transactions.md 8.3): the COMPLETED record written inside the
 * ledger write's transaction, its lookup among unexpired records, and the removal of an expired record
 * by the next claimer. Unexpired records are unique per (organization, ledger, key). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "util/mem.h"

typedef struct idem_record {
    const char *fingerprint;
    int status;
    const char *body;
    int64_t expires_us;
} idem_record;

/* The unexpired record of (org, ledger, key); *found false when absent or expired. Arena strings. */
db_status store_idem_get(db_conn *c, arena *a, const char *org, const char *ledger, const char *key,
                         idem_record *out, bool *found) MUSTCHECK;
/* Inside the claim holder's transaction: delete an expired record of the key, then insert the new one
 * with expiry = now + ttl_s. DB_CONFLICT when an unexpired record exists (another holder won). */
db_status store_idem_insert(db_conn *c, const char *org, const char *ledger, const char *key,
                            const char *fingerprint, int status, const char *body, int ttl_s,
                            int64_t *expires_us) MUSTCHECK;
