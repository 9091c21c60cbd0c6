/* Outbox rows of the transaction service (events.md 3, 4.2, 4.3): transaction.*, balance.created /
 * updated / deleted and balance.changed. Must only be called inside the PostgreSQL transaction that made
 * the change, after it took all its row locks (events.md 6). */
#pragma once
#include "db/db.h"
#include "txn_model.h"

typedef enum tx_balance_event { TX_BALANCE_CREATED, TX_BALANCE_UPDATED, TX_BALANCE_DELETED } tx_balance_event;

/* balance.<created|updated|deleted> with the balance representation (deleted: deletedAt set).
 * ce_time = createdAt / updatedAt / deletedAt. */
db_status tx_event_balance(db_conn *c, tx_balance_event kind, const balance_row *b) MUSTCHECK;
/* transaction.<action> ("posted", "pending", ...) whose data is the exact JSON text of the transaction
 * with all its operations; ce_time = the transaction's updatedAt (the write time). */
db_status tx_event_transaction(db_conn *c, const char *action, const txn_row *t,
                               const char *json_text) MUSTCHECK;
/* balance.changed of one operation (4.3); ce_time = the operation's write time. */
db_status tx_event_balance_changed(db_conn *c, const op_row *op) MUSTCHECK;
