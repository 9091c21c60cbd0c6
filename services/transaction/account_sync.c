/* Synchronous registry refresh of one account (see account_sync.h): the same effect as consuming its
 * account.updated event, applied at once so the next request sees it. It never changes a balance of an
 * existing account and never overwrites a newer registry state. */
#include "account_sync.h"

#include <string.h>

#include "json/json.h"
#include "log/log.h"
#include "registry.h"
#include "service/service.h"
#include "service/service_http.h"
#include "store_registry.h"
#include "util/mem.h"

typedef struct sync_ctx {
    arena *a;
    const reg_account *acc;
} sync_ctx;

static db_status sync_fn(db_conn *c, void *arg)
{
    sync_ctx *x = arg;
    /* insert-or-refresh under the updatedAt rule, plus the default balance of an account seen first here */
    return registry_account_created(c, x->a, x->acc);
}

void account_registry_sync(http_request *r)
{
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN], id[TXN_ID_LEN];
    json_object *body = NULL;
    api_error e = {0};
    reg_account acc;
    size_t len = 0;
    const char *text = http_req_body(r, &len);

    service_path_id(r, "organization_id", org);
    service_path_id(r, "ledger_id", ledger);
    service_path_id(r, "account_id", id);
    if (!text || json_parse_strict(text, len, JSON_MAX_DEPTH, &body, NULL, &e) < 0 ||
        registry_parse_account(body, http_req_arena(r), &acc) < 0 || strcmp(acc.id, id) != 0 ||
        strcmp(acc.organization_id, org) != 0 || strcmp(acc.ledger_id, ledger) != 0 || acc.deleted_us >= 0) {
        http_reply_error(r, ERR_UNMARSHALLING, "the body must be the live account of the path");
        goto cleanup;
    }
    db_conn *c = service_db_or_reply(r);
    if (!c)
        goto cleanup;
    sync_ctx x = {http_req_arena(r), &acc};
    db_status st = db_tx(c, sync_fn, &x);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        goto cleanup;
    }
    http_reply_empty(r, 204);
cleanup:
    api_error_clear(&e);
    json_object_put(body);
}
