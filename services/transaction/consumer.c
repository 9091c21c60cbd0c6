/* The transaction service's event consumer (events.md 7.1): account.* creates and retires default
 * balances; organization.*, ledger.* and portfolio.* maintain the registries. It never writes outside
 * this service's schema. */
#include "routes.h"

#include "log/log.h"

/* Skeleton: the registry upserts and the default-balance effects arrive with later issues. Until then
 * every event is acknowledged without effect; the bus helper has already recorded its ce_id in the
 * inbox in this same transaction. */
db_status transaction_consume(db_conn *c, const bus_message *m, void *arg)
{
    (void)c;
    (void)arg;
    log_debug("event %s (%s) not handled yet", m->ce_type ? m->ce_type : "(no ce_type)",
              m->ce_id ? m->ce_id : "(no ce_id)");
    return DB_OK;
}
