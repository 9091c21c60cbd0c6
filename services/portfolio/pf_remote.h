/* The portfolio service's outgoing internal calls (paths outside /v1, events.md 7.3 and
 * transactions.md 12.3): the read-through lookups of an organization or ledger at the onboarding
 * service, the balance close at the transaction service before an account is deleted, and the account
 * registry refresh there inside an account PATCH that changes portfolioId. Blocking,
 * bounded by INTERNAL_TIMEOUT_MS, X-Request-Id propagated. No SQL, no replies to clients. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "util/mem.h"

typedef enum pf_lookup_result {
    PF_LOOKUP_FOUND,      /* 200: the entity exists and is live */
    PF_LOOKUP_NOT_FOUND,  /* 404: the owner says it does not exist (-> 0038 / 0037) */
    PF_LOOKUP_UNAVAILABLE /* any other answer, unreachable or timeout (-> 503 0901) */
} pf_lookup_result;

/* GET /internal/v1/organizations/{org_id} at ONBOARDING_URL. On FOUND *updated_us is the entity's
 * updatedAt (the current time when the body lacks it). */
pf_lookup_result pf_remote_organization(const char *request_id, const char *org_id,
                                        int64_t *updated_us) MUSTCHECK;
/* GET /internal/v1/organizations/{org_id}/ledgers/{ledger_id} at ONBOARDING_URL. */
pf_lookup_result pf_remote_ledger(const char *request_id, const char *org_id, const char *ledger_id,
                                  int64_t *updated_us) MUSTCHECK;

typedef enum pf_close_result {
    PF_CLOSE_DONE,       /* 204: balances closed (or nothing to close) */
    PF_CLOSE_NONZERO,    /* 400 with code 0012: a balance is not zero (-> 0012) */
    PF_CLOSE_UNAVAILABLE /* anything else, unreachable or timeout (-> 503 0901) */
} pf_close_result;

/* POST /internal/v1/organizations/{o}/ledgers/{l}/accounts/{a}/balances/close at TRANSACTION_URL. */
pf_close_result pf_remote_close_balances(const char *request_id, const char *org_id, const char *ledger_id,
                                         const char *account_id) MUSTCHECK;

/* POST /internal/v1/organizations/{o}/ledgers/{l}/accounts/{a}/registry at TRANSACTION_URL with the
 * account's JSON representation (the account.updated event data, len bytes): the transaction service
 * refreshes its registry entry at once (updatedAt rule), so an operation written right after the PATCH
 * records the new portfolioId (transactions.md 6, api.md Consistency). Called inside the PATCH's
 * transaction before it commits. Returns 0 on 204, -1 on any other answer, unreachable or timeout (the
 * caller rolls back and answers 503 0901). */
int pf_remote_sync_account(const char *request_id, const char *org_id, const char *ledger_id,
                           const char *account_id, const char *json, size_t len) MUSTCHECK;
