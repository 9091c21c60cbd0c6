/* The path checks every portfolio route starts with (api.md "Validation order" step 5): organization
 * (0038) then ledger (0037), answered from the local registries and, on a miss, by one read-through
 * lookup at the onboarding service (events.md 7.3). No SQL here (store_registry.c). */
#pragma once
#include <stdbool.h>

#include "db/db.h"
#include "http/http.h"
#include "uuid/uuid.h"

/* The path scope of a request below L, ids in lowercase canonical form. */
typedef struct pf_scope {
    char org[UUID_STR_LEN + 1];
    char ledger[UUID_STR_LEN + 1];
} pf_scope;

/* Fill s from the path, then check that the organization is live (0038) and the ledger is live, of
 * that organization and not closed (0037). A registry miss asks onboarding once: 200 registers the
 * entity and continues, 404 answers 0038/0037, anything else 503 0901. Returns 0, or -1 after
 * replying. */
int pf_scope_or_reply(http_request *r, db_conn *c, pf_scope *s) MUSTCHECK;

/* Make sure the registry has a row for the path ledger (read-through when missing), without judging
 * its state: used by the ledger close. Returns 0 (*exists false when onboarding answered 404), or -1
 * after replying 503/500. */
int pf_scope_register_ledger_or_reply(http_request *r, db_conn *c, pf_scope *s, bool *exists) MUSTCHECK;

/* Inside a child-creating transaction: take the registry lock that conflicts with the ledger close.
 * *live false when the ledger was closed meanwhile (-> 0037). */
db_status pf_scope_lock(db_conn *c, const pf_scope *s, bool *live) MUSTCHECK;
