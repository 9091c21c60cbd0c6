/* Renders balances, operations, transactions and balance.changed payloads exactly as transactions.md 14
 * and events.md 4.3 list their members, in a stable order, plus the cursor envelope. Pure: it never
 * reads state, and every value it prints comes from the row it is given. */
#include "txn_render.h"

#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "service/service_http.h"

json_object *txn_json_decimal(const decimal *d)
{
    char buf[DECIMAL_STR_MAX];
    decimal_format(d, buf, sizeof(buf));
    return json_object_new_string(buf);
}

json_object *txn_json_parse_text(const char *text)
{
    json_object *o = NULL;
    api_error e = {0};
    if (!text || json_parse_strict(text, strlen(text), 64, &o, NULL, &e) < 0) {
        api_error_clear(&e);
        return json_object_new_object();
    }
    return o;
}

static json_object *str_or_empty(const char *s)
{
    return json_object_new_string(s ? s : "");
}

static json_object *uuid_or_null(const char *s)
{
    return s && s[0] ? json_object_new_string(s) : NULL;
}

static json_object *status_json(txn_status s)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "code", json_object_new_string(txn_status_name(s)));
    json_object_object_add(o, "description", NULL);
    return o;
}

static json_object *state_json(const balance_state *st)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "available", txn_json_decimal(&st->available));
    json_object_object_add(o, "onHold", txn_json_decimal(&st->on_hold));
    json_object_object_add(o, "version", json_object_new_int64(st->version));
    return o;
}

json_object *txn_render_balance(const balance_row *b)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(b->id));
    json_object_object_add(o, "organizationId", json_object_new_string(b->organization_id));
    json_object_object_add(o, "ledgerId", json_object_new_string(b->ledger_id));
    json_object_object_add(o, "accountId", json_object_new_string(b->account_id));
    json_object_object_add(o, "alias", str_or_empty(b->alias));
    json_object_object_add(o, "key", str_or_empty(b->key));
    json_object_object_add(o, "assetCode", str_or_empty(b->asset_code));
    json_object_object_add(o, "available", txn_json_decimal(&b->st.available));
    json_object_object_add(o, "onHold", txn_json_decimal(&b->st.on_hold));
    json_object_object_add(o, "version", json_object_new_int64(b->st.version));
    json_object_object_add(o, "accountType", str_or_empty(b->account_type));
    json_object_object_add(o, "allowSending", json_object_new_boolean(b->allow_sending));
    json_object_object_add(o, "allowReceiving", json_object_new_boolean(b->allow_receiving));
    json_object_object_add(o, "createdAt", service_json_time(b->created_us));
    json_object_object_add(o, "updatedAt", service_json_time(b->updated_us));
    json_object_object_add(o, "deletedAt", service_json_time(b->deleted_us));
    json_object_object_add(o, "metadata", json_object_new_object());
    return o;
}

json_object *txn_render_operation(const op_row *op)
{
    json_object *o = json_object_new_object();
    json_object *amount = json_object_new_object();
    json_object_object_add(amount, "value", txn_json_decimal(&op->amount));

    json_object_object_add(o, "id", json_object_new_string(op->id));
    json_object_object_add(o, "transactionId", json_object_new_string(op->transaction_id));
    json_object_object_add(o, "description", str_or_empty(op->description));
    json_object_object_add(o, "type", json_object_new_string(op_type_name(op->type)));
    json_object_object_add(o, "direction", json_object_new_string(op_type_direction(op->type)));
    json_object_object_add(o, "assetCode", str_or_empty(op->asset_code));
    json_object_object_add(o, "chartOfAccounts", str_or_empty(op->chart_of_accounts));
    json_object_object_add(o, "amount", amount);
    json_object_object_add(o, "balance", state_json(&op->before));
    json_object_object_add(o, "balanceAfter", state_json(&op->after));
    json_object_object_add(o, "balanceAffected", json_object_new_boolean(1));
    json_object_object_add(o, "accountId", json_object_new_string(op->account_id));
    json_object_object_add(o, "accountAlias", str_or_empty(op->account_alias));
    json_object_object_add(o, "balanceKey", str_or_empty(op->balance_key));
    json_object_object_add(o, "balanceId", json_object_new_string(op->balance_id));
    json_object_object_add(o, "portfolioId", uuid_or_null(op->portfolio_id));
    json_object_object_add(o, "organizationId", json_object_new_string(op->organization_id));
    json_object_object_add(o, "ledgerId", json_object_new_string(op->ledger_id));
    json_object_object_add(o, "status", status_json(op->status));
    json_object_object_add(o, "createdAt", service_json_time(op->created_us));
    json_object_object_add(o, "updatedAt", service_json_time(op->updated_us));
    json_object_object_add(o, "deletedAt", NULL);
    json_object_object_add(o, "metadata", txn_json_parse_text(op->metadata));
    return o;
}

json_object *txn_render_transaction(const txn_row *t)
{
    json_object *o = json_object_new_object();
    json_object *ops = json_object_new_array();
    for (size_t i = 0; i < t->n_ops; i++)
        json_object_array_add(ops, txn_render_operation(&t->ops[i]));

    json_object_object_add(o, "id", json_object_new_string(t->id));
    json_object_object_add(o, "parentTransactionId", uuid_or_null(t->parent_id));
    json_object_object_add(o, "description", str_or_empty(t->description));
    json_object_object_add(o, "status", status_json(t->status));
    json_object_object_add(o, "amount", txn_json_decimal(&t->amount));
    json_object_object_add(o, "assetCode", str_or_empty(t->asset_code));
    json_object_object_add(o, "chartOfAccountsGroupName", str_or_empty(t->coa_group));
    json_object *src = txn_json_parse_text(t->source);
    json_object *dst = txn_json_parse_text(t->destination);
    if (!json_object_is_type(src, json_type_array)) {
        json_object_put(src);
        src = json_object_new_array();
    }
    if (!json_object_is_type(dst, json_type_array)) {
        json_object_put(dst);
        dst = json_object_new_array();
    }
    json_object_object_add(o, "source", src);
    json_object_object_add(o, "destination", dst);
    json_object_object_add(o, "organizationId", json_object_new_string(t->organization_id));
    json_object_object_add(o, "ledgerId", json_object_new_string(t->ledger_id));
    json_object_object_add(o, "createdAt", service_json_time(t->created_us));
    json_object_object_add(o, "updatedAt", service_json_time(t->updated_us));
    json_object_object_add(o, "deletedAt", NULL);
    json_object_object_add(o, "metadata", txn_json_parse_text(t->metadata));
    json_object_object_add(o, "operations", ops);
    return o;
}

json_object *txn_render_balance_changed(const op_row *op)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "organizationId", json_object_new_string(op->organization_id));
    json_object_object_add(o, "ledgerId", json_object_new_string(op->ledger_id));
    json_object_object_add(o, "balanceId", json_object_new_string(op->balance_id));
    json_object_object_add(o, "accountId", json_object_new_string(op->account_id));
    json_object_object_add(o, "alias", str_or_empty(op->account_alias));
    json_object_object_add(o, "key", str_or_empty(op->balance_key));
    json_object_object_add(o, "assetCode", str_or_empty(op->asset_code));
    json_object_object_add(o, "available", txn_json_decimal(&op->after.available));
    json_object_object_add(o, "onHold", txn_json_decimal(&op->after.on_hold));
    json_object_object_add(o, "version", json_object_new_int64(op->after.version));
    json_object_object_add(o, "transactionId", json_object_new_string(op->transaction_id));
    json_object_object_add(o, "operationId", json_object_new_string(op->id));
    json_object_object_add(o, "operationType", json_object_new_string(op_type_name(op->type)));
    json_object_object_add(o, "direction", json_object_new_string(op_type_direction(op->type)));
    json_object_object_add(o, "amount", txn_json_decimal(&op->amount));
    return o;
}

json_object *txn_render_cursor_envelope(json_object *items, int limit, const char *first_id,
                                        const char *last_id, bool has_prev, bool has_next)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "items", items ? items : json_object_new_array());
    json_object_object_add(o, "limit", json_object_new_int(limit));
    if (has_next && last_id) {
        char *c = cursor_encode(last_id, CURSOR_NEXT);
        json_object_object_add(o, "next_cursor", json_object_new_string(c));
        free(c);
    }
    if (has_prev && first_id) {
        char *c = cursor_encode(first_id, CURSOR_PREV);
        json_object_object_add(o, "prev_cursor", json_object_new_string(c));
        free(c);
    }
    return o;
}
