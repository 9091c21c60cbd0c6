/* The portfolio service's event consumer (events.md 7.2): organization.* and ledger.* maintain the
 * local organization and ledger registries. It never writes outside this service's schema. */
#include "routes.h"

#include "log/log.h"

/* Skeleton: the registry upserts arrive with the organization/ledger registry issue. Until then every
 * event is acknowledged without effect; the bus helper has already recorded its ce_id in the inbox in
 * this same transaction. */
db_status portfolio_consume(db_conn *c, const bus_message *m, void *arg)
{
    (void)c;
    (void)arg;
    log_debug("event %s (%s) not handled yet", m->ce_type ? m->ce_type : "(no ce_type)",
              m->ce_id ? m->ce_id : "(no ce_id)");
    return DB_OK;
}
