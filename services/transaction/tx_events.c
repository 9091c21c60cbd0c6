/* Builds the transaction service's outbox rows: topic = KAFKA_TOPIC, key = ledger id, ce_subject per
 * events.md 3, value = the representation of transactions.md 14 or the balance.changed payload. It never
 * opens or commits a transaction; bus_outbox_insert refuses to run outside one. */
#include "tx_events.h"

#include <stdio.h>
#include <string.h>

#include "bus/bus.h"
#include "json/json.h"
#include "service/service.h"
#include "txn_render.h"

#define TX_DEFAULT_TOPIC "midaz.transaction.events"

static const char *tx_topic(void)
{
    const service_config *cfg = service_config_get();
    return cfg && cfg->kafka_topic && cfg->kafka_topic[0] ? cfg->kafka_topic : TX_DEFAULT_TOPIC;
}

static db_status emit(db_conn *c, const char *entity, const char *action, const char *subject,
                      const char *org, const char *ledger, int64_t time_us, const char *data)
{
    char type[96];
    bus_event ev = {
        .topic = tx_topic(),
        .key = ledger,
        .type = type,
        .subject = subject,
        .time_us = time_us,
        .organization_id = org,
        .ledger_id = ledger,
        .data = data,
        .data_len = strlen(data),
    };
    snprintf(type, sizeof(type), "studio.lerian.%s.%s", entity, action);
    return bus_outbox_insert(c, &ev, NULL);
}

db_status tx_event_balance(db_conn *c, tx_balance_event kind, const balance_row *b)
{
    const char *action = "created";
    int64_t t = b->created_us;
    switch (kind) {
    case TX_BALANCE_CREATED:
        break;
    case TX_BALANCE_UPDATED:
        action = "updated";
        t = b->updated_us;
        break;
    case TX_BALANCE_DELETED:
        action = "deleted";
        t = b->deleted_us;
        break;
    }
    json_object *o = txn_render_balance(b);
    db_status st = emit(c, "balance", action, b->id, b->organization_id, b->ledger_id, t, json_dump(o));
    json_object_put(o);
    return st;
}

db_status tx_event_transaction(db_conn *c, const char *action, const txn_row *t, const char *json_text)
{
    return emit(c, "transaction", action, t->id, t->organization_id, t->ledger_id, t->updated_us, json_text);
}

db_status tx_event_balance_changed(db_conn *c, const op_row *op)
{
    json_object *o = txn_render_balance_changed(op);
    db_status st = emit(c, "balance", "changed", op->balance_id, op->organization_id, op->ledger_id,
                        op->updated_us, json_dump(o));
    json_object_put(o);
    return st;
}
