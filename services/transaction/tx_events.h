/* Outbox rows of the transaction service (events.md 3, 4.2, 4.3): transaction.*, balance.created /
 * updated / deleted and balance.changed. Must only be called inside the PostgreSQL transaction that made
 * the change, after it took all its row locks (events.md 6). */
#pragma once
#include "bus/bus.h"
#include "db/db.h"
#include "txn_model.h"

/* balance.<created|updated|deleted> with the balance representation (deleted: deletedAt set).
 * ce_time = createdAt / updatedAt / deletedAt. */
db_status tx_event_balance(db_conn *c, bus_action action, const balance_row *b) MUSTCHECK;
/* transaction.<action> ("posted", "pending", ...) whose data is the exact JSON text of the transaction
 * with all its operations; ce_time = the transaction's updatedAt (the write time). */
db_status tx_event_transaction(db_conn *c, const char *action, const txn_row *t,
                               const char *json_text) MUSTCHECK;
/* balance.changed of one operation (4.3); ce_time = the operation's write time. */
db_status tx_event_balance_changed(db_conn *c, const op_row *op) MUSTCHECK;
