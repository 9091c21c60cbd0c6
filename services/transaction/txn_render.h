/* JSON representations of transactions.md 14 (Transaction, Operation, Balance), the balance.changed
 * payload of events.md 4.3 and the cursor list envelope of 10.1. Pure: rows in, json-c objects out;
 * money as canonical decimal strings, timestamps with six fractional digits and Z. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>

#include "pagination/pagination.h"
#include "txn_model.h"

/* Each returns a new reference (caller puts it). */
json_object *txn_render_balance(const balance_row *b);
json_object *txn_render_operation(const op_row *op);
/* The transaction with t->ops (already id-ascending) as "operations". */
json_object *txn_render_transaction(const txn_row *t);
/* events.md 4.3 for one operation of `op` on balance identity b (alias/key/asset from the operation). */
json_object *txn_render_balance_changed(const op_row *op);

/* {"items": items, "limit": limit[, "next_cursor"][, "prev_cursor"]}; takes the items reference.
 * first_id / last_id are the ids of the first and last item (NULL when items is empty). */
json_object *txn_render_cursor_envelope(json_object *items, int limit, const char *first_id,
                                        const char *last_id, bool has_prev, bool has_next);

/* Decimal as a canonical JSON string. New reference. */
json_object *txn_json_decimal(const decimal *d);
/* Parse JSON text (metadata, alias arrays) keeping number texts; an empty object when text is NULL or
 * not valid JSON. New reference. */
json_object *txn_json_parse_text(const char *text);
