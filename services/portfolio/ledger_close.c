/* Ledger close handler (see ledger_close.h). Child creates hold FOR KEY SHARE on the same registry
 * row, so a close and a concurrent create are serialised: the create either commits first (and its
 * account makes the close answer 0008) or finds the ledger closed (0037). No SQL here. */
#include "ledger_close.h"

#include "pf_http.h"
#include "pf_scope.h"
#include "service/service.h"
#include "service/service_http.h"
#include "store_account.h"
#include "store_registry.h"
#include "timeutil/timeutil.h"

typedef struct close_write {
    pf_scope scope;
    int64_t now_us;
    pf_outcome outcome;
} close_write;

static db_status ledger_close_tx(db_conn *c, void *arg)
{
    close_write *w = arg;
    bool found = false;
    bool has_accounts = false;
    db_status st = DB_OK;

    w->outcome = PF_OK;
    if ((st = pf_reg_ledger_lock_for_close(c, w->scope.org, w->scope.ledger, &found)) != DB_OK)
        return st;
    if (!found) {
        w->outcome = PF_LEDGER_GONE;
        return DB_OK;
    }
    if ((st = pf_store_account_any_live(c, w->scope.org, w->scope.ledger, &has_accounts)) != DB_OK)
        return st;
    if (has_accounts) {
        w->outcome = PF_IN_USE;
        return DB_OK;
    }
    return pf_reg_ledger_mark_closed(c, w->scope.ledger, w->now_us);
}

void ledger_close(http_request *r)
{
    close_write w = {0};
    bool exists = false;
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (!(c = service_db_or_reply(r)))
        return;
    if (pf_scope_register_ledger_or_reply(r, c, &w.scope, &exists) < 0)
        return;
    if (!exists) {
        service_reply_not_found(r, ERR_LEDGER_NOT_FOUND, "Ledger");
        return;
    }
    w.now_us = time_now_us();
    st = db_tx(c, ledger_close_tx, &w);
    if (w.outcome == PF_IN_USE) {
        http_reply_error(r, ERR_ACTION_NOT_PERMITTED, "the ledger still has live accounts");
        return;
    }
    pf_reply_write(r, w.outcome, st, "Ledger", 204, NULL);
}
