/* Builds the transaction service's outbox rows: topic = KAFKA_TOPIC, key = ledger id, ce_subject per
 * events.md 3, value = the representation of transactions.md 14 or the balance.changed payload. It never
 * opens or commits a transaction; bus_outbox_insert refuses to run outside one. */
#include "tx_events.h"

#include "service/service.h"
#include "txn_render.h"

#define TX_DEFAULT_TOPIC "midaz.transaction.events"

db_status tx_event_balance(db_conn *c, bus_action action, const balance_row *b)
{
    int64_t t = b->created_us;
    switch (action) {
    case BUS_ACTION_CREATED:
        break;
    case BUS_ACTION_UPDATED:
        t = b->updated_us;
        break;
    case BUS_ACTION_DELETED:
        t = b->deleted_us;
        break;
    }
    json_object *o = txn_render_balance(b);
    db_status st =
        bus_outbox_insert_json(c, service_event_topic(TX_DEFAULT_TOPIC), "balance", bus_action_name(action),
                               b->ledger_id, b->id, b->organization_id, b->ledger_id, t, o);
    json_object_put(o);
    return st;
}

db_status tx_event_transaction(db_conn *c, const char *action, const txn_row *t, const char *json_text)
{
    return bus_outbox_insert_text(c, service_event_topic(TX_DEFAULT_TOPIC), "transaction", action,
                                  t->ledger_id, t->id, t->organization_id, t->ledger_id, t->updated_us,
                                  json_text);
}

db_status tx_event_balance_changed(db_conn *c, const op_row *op)
{
    json_object *o = txn_render_balance_changed(op);
    db_status st =
        bus_outbox_insert_json(c, service_event_topic(TX_DEFAULT_TOPIC), "balance", "changed", op->ledger_id,
                               op->balance_id, op->organization_id, op->ledger_id, op->updated_us, o);
    json_object_put(o);
    return st;
}
