/* Resolution of the entities other services own (transactions.md 1 and 12.4, events.md 7.1 and 7.3):
 * organizations, ledgers, portfolios and accounts from the local registries, with one synchronous
 * read-through to the owner when an id or alias is not live locally; and the account.created /
 * account.deleted effects on default balances shared by the consumer and the read-through. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>

#include "cache/cache.h"
#include "db/db.h"
#include "http/http.h"
#include "store_registry.h"
#include "util/mem.h"

typedef enum reg_result {
    REG_RESULT_FOUND,
    REG_RESULT_NOT_FOUND,   /* registry and owner agree: no live entity */
    REG_RESULT_UNAVAILABLE, /* owner unreachable, timed out or answered neither 200 nor 404 (503 0901) */
    REG_RESULT_DB_ERROR     /* *dbst says which */
} reg_result;

/* Path checks of every route: organization (404 0038) then ledger (404 0037), read-through included.
 * Returns 0, or -1 after replying (404, 503 0901, or the database error). */
int registry_ledger_or_reply(http_request *r, db_conn *c, const char *org, const char *ledger) MUSTCHECK;

/* Account by id (live), registry then read-through; a found account is registered and its default
 * balance created (insert-if-absent, balance.created) before this returns. */
reg_result registry_account_by_id(http_request *r, db_conn *c, arena *a, const char *org, const char *ledger,
                                  const char *id, reg_account *out, db_status *dbst) MUSTCHECK;
/* Account by alias (live, newest); "@external/<code>" is looked up through .../accounts/external/{code}. */
reg_result registry_account_by_alias(http_request *r, db_conn *c, arena *a, const char *org,
                                     const char *ledger, const char *alias, reg_account *out,
                                     db_status *dbst) MUSTCHECK;
/* Portfolio by id (live), registry then read-through. */
reg_result registry_portfolio(http_request *r, db_conn *c, const char *org, const char *ledger,
                              const char *id, db_status *dbst) MUSTCHECK;

/* Reply for a failed lookup: NOT_FOUND -> not_found_id (with entity_type for 0007), UNAVAILABLE -> 503
 * 0901, DB_ERROR -> the database error. */
void registry_reply(http_request *r, reg_result res, db_status dbst, err_id not_found_id,
                    const char *entity_type);

/* ---- effects (inside the caller's PostgreSQL transaction) ---- */

/* account.created: register the account and, unless it is deleted or closed or ever had one, insert its
 * default balance and emit balance.created. */
db_status registry_account_created(db_conn *c, arena *a, const reg_account *acc) MUSTCHECK;
/* account.updated: refresh the registry entry. */
db_status registry_account_updated(db_conn *c, const reg_account *acc) MUSTCHECK;
/* account.deleted: mark it deleted and soft-delete its zero live balances (balance.deleted each);
 * non-zero balances are left alone and reported. rc (may be NULL) gets a tombstone per deleted balance. */
db_status registry_account_deleted(db_conn *c, arena *a, const reg_account *acc, cache *rc) MUSTCHECK;

/* The REST account representation (api.md Accounts) into *out (arena strings). 0, or -1 when a member
 * the registry needs is missing or malformed. */
int registry_parse_account(json_object *o, arena *a, reg_account *out) MUSTCHECK;
/* "<prefix>/<segment percent-encoded>" helper: every byte outside A-Z a-z 0-9 - . _ ~ becomes %XX. */
char *registry_percent_encode(arena *a, const char *s);
