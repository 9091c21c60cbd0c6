/* The transaction create write path: locks, checks and writes of one request in a single PostgreSQL
 * transaction, re-runnable from the start when db_tx retries a deadlock or serialization failure. It
 * never reads balances from anywhere but the locked rows, and writes the outbox rows last. */
#include "posting.h"

#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "store_balance.h"
#include "store_idem.h"
#include "store_txn.h"
#include "timeutil/timeutil.h"
#include "tx_events.h"
#include "txn_render.h"
#include "uuid/uuid.h"

typedef struct posting_ctx {
    arena *a;
    const posting_input *in;
    posting_output *out;
} posting_ctx;

static db_status fail(posting_output *out, err_id id, const char *fmt, const char *arg)
{
    api_error_set(&out->err, id, fmt, arg);
    return DB_CHECK;
}

/* Distinct aliases of one side, first-appearance order, as a JSON array text. */
static const char *side_aliases(arena *a, const txn_plan *p, bool source)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < p->n_legs; i++) {
        const txn_leg *l = &p->legs[i];
        if (l->source != source)
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = p->legs[j].source == source && strcmp(p->legs[j].alias, l->alias) == 0;
        if (!seen)
            json_object_array_add(arr, json_object_new_string(l->alias));
    }
    const char *s = arena_strdup(a, json_dump(arr));
    json_object_put(arr);
    return s;
}

static int find_balance(const balance_row *rows, size_t n, const char *account_id, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].account_id, account_id) == 0 && strcmp(rows[i].key, key) == 0)
            return (int)i;
    return -1;
}

static db_status posting_fn(db_conn *c, void *arg)
{
    posting_ctx *x = arg;
    arena *a = x->a;
    const posting_input *in = x->in;
    const txn_plan *p = in->plan;
    posting_output *out = x->out;
    balance_row *rows = NULL;
    size_t nrows = 0;
    db_status st = DB_OK;
    int64_t now = time_now_us();

    /* a retried attempt starts from scratch */
    api_error_clear(&out->err);
    free(out->body);
    out->body = NULL;
    out->idem_conflict = false;
    out->balances = NULL;
    out->n_balances = 0;

    /* 19. lock every touched balance in ascending id order */
    const char **acc_ids = arena_alloc(a, p->n_legs * sizeof(char *));
    const char **keys = arena_alloc(a, p->n_legs * sizeof(char *));
    for (size_t i = 0; i < p->n_legs; i++) {
        acc_ids[i] = in->accounts[i].id;
        keys[i] = p->legs[i].key;
    }
    st = store_balance_lock_pairs(c, a, in->org, in->ledger, acc_ids, keys, p->n_legs, &rows, &nrows);
    if (st != DB_OK)
        return st;
    int *idx = arena_alloc(a, p->n_legs * sizeof(int));
    for (size_t i = 0; i < p->n_legs; i++) {
        idx[i] = find_balance(rows, nrows, in->accounts[i].id, p->legs[i].key);
        if (idx[i] < 0) {
            api_error_set(&out->err, ERR_ACCOUNT_INELIGIBLE, "no live balance %s for %s", p->legs[i].key,
                          p->legs[i].alias);
            return DB_CHECK;
        }
    }
    /* 20. asset */
    for (size_t i = 0; i < p->n_legs; i++)
        if (strcmp(rows[idx[i]].asset_code, p->asset) != 0)
            return fail(out, ERR_ASSET_CODE_NOT_FOUND, "balance of %s does not hold send.asset",
                        p->legs[i].alias);
    /* 21. flags */
    for (size_t i = 0; i < p->n_legs; i++) {
        const balance_row *b = &rows[idx[i]];
        if (p->legs[i].source && !b->allow_sending)
            return fail(out, ERR_ACCOUNT_STATUS_RESTRICTION, "balance of %s does not allow sending",
                        p->legs[i].alias);
        if (!p->legs[i].source && !b->allow_receiving)
            return fail(out, ERR_ACCOUNT_STATUS_RESTRICTION, "balance of %s does not allow receiving",
                        p->legs[i].alias);
    }
    /* 22. pending: no external source */
    if (p->pending)
        for (size_t i = 0; i < p->n_sources; i++)
            if (strcmp(rows[idx[i]].account_type, "external") == 0)
                return fail(out, ERR_INVALID_PENDING_TRANSACTION,
                            "%s is external and cannot be a pending source", p->legs[i].alias);

    /* 23-24. apply in order (sources then destinations) against the locked values */
    txn_row t;
    memset(&t, 0, sizeof(t));
    uuid_v7_str(t.id);
    memcpy(t.organization_id, in->org, TXN_ID_LEN);
    memcpy(t.ledger_id, in->ledger, TXN_ID_LEN);
    t.description = p->description;
    t.asset_code = p->asset;
    t.coa_group = p->coa_group;
    t.status = p->pending ? TXN_STATUS_PENDING : TXN_STATUS_APPROVED;
    t.amount = p->value;
    t.source = side_aliases(a, p, true);
    t.destination = side_aliases(a, p, false);
    t.metadata = p->metadata;
    t.created_us = p->has_date ? p->date_us : now;
    t.updated_us = now;
    t.ops = arena_alloc(a, p->n_legs * sizeof(op_row));

    bool funds = false, overflow = false;
    for (size_t i = 0; i < p->n_legs; i++) {
        const txn_leg *l = &p->legs[i];
        balance_row *b = &rows[idx[i]];
        op_type type;
        if (l->source)
            type = p->pending ? OP_TYPE_ON_HOLD : OP_TYPE_DEBIT;
        else if (p->pending)
            continue; /* pending create: nothing reaches the destinations (6) */
        else
            type = OP_TYPE_CREDIT;

        op_row *op = &t.ops[t.n_ops++];
        memset(op, 0, sizeof(*op));
        uuid_v7_str(op->id);
        memcpy(op->transaction_id, t.id, TXN_ID_LEN);
        memcpy(op->organization_id, in->org, TXN_ID_LEN);
        memcpy(op->ledger_id, in->ledger, TXN_ID_LEN);
        memcpy(op->account_id, b->account_id, TXN_ID_LEN);
        memcpy(op->balance_id, b->id, TXN_ID_LEN);
        memcpy(op->portfolio_id, b->portfolio_id, TXN_ID_LEN);
        op->description = l->description ? l->description : p->description;
        op->chart_of_accounts = l->chart_of_accounts;
        op->asset_code = b->asset_code;
        op->account_alias = l->alias;
        op->balance_key = b->key;
        op->type = type;
        op->status = p->pending ? TXN_STATUS_PENDING : TXN_STATUS_APPROVED;
        op->amount = l->amount;
        op->metadata = l->metadata;
        op->created_us = t.created_us;
        op->updated_us = now;
        op->before = b->st;
        op->after = b->st;
        decimal_status ds = DECIMAL_OK;
        switch (type) {
        case OP_TYPE_DEBIT:
            ds = decimal_sub(&b->st.available, &l->amount, &op->after.available);
            break;
        case OP_TYPE_CREDIT:
            ds = decimal_add(&b->st.available, &l->amount, &op->after.available);
            break;
        case OP_TYPE_ON_HOLD:
            ds = decimal_sub(&b->st.available, &l->amount, &op->after.available);
            if (decimal_add(&b->st.on_hold, &l->amount, &op->after.on_hold) != DECIMAL_OK)
                ds = DECIMAL_ERR_LIMITS;
            break;
        case OP_TYPE_RELEASE:
            ds = decimal_add(&b->st.available, &l->amount, &op->after.available);
            if (decimal_sub(&b->st.on_hold, &l->amount, &op->after.on_hold) != DECIMAL_OK)
                ds = DECIMAL_ERR_LIMITS;
            break;
        }
        op->after.version = b->st.version + 1;
        if (ds != DECIMAL_OK)
            overflow = true;
        if (strcmp(b->account_type, "external") != 0 && decimal_sign(&op->after.available) < 0)
            funds = true;
        if (decimal_sign(&op->after.on_hold) < 0)
            funds = true;
        b->st = op->after;
        b->updated_us = now;
    }
    if (funds)
        return fail(out, ERR_INSUFFICIENT_FUNDS, "%s", "insufficient funds");
    if (overflow)
        return fail(out, ERR_OVERFLOW, "%s", "a balance would leave the decimal limits");

    /* writes */
    st = store_txn_insert(c, a, &t);
    for (size_t i = 0; st == DB_OK && i < t.n_ops; i++)
        st = store_op_insert(c, a, &t.ops[i]);
    if (p->pending) {
        for (size_t i = 0; st == DB_OK && i < p->n_legs; i++) {
            const txn_leg *l = &p->legs[i];
            const balance_row *b = &rows[idx[i]];
            leg_row lr = {.position = (int)i,
                          .source = l->source,
                          .alias = l->alias,
                          .balance_key = b->key,
                          .amount = l->amount,
                          .description = l->description ? l->description : p->description,
                          .chart_of_accounts = l->chart_of_accounts,
                          .metadata = l->metadata};
            memcpy(lr.account_id, b->account_id, TXN_ID_LEN);
            memcpy(lr.balance_id, b->id, TXN_ID_LEN);
            st = store_leg_insert(c, a, t.id, &lr);
        }
    }
    /* each touched balance once, with its final state (version advanced once per operation) */
    bool *touched = arena_alloc(a, (nrows ? nrows : 1) * sizeof(bool));
    for (size_t i = 0; i < p->n_legs; i++)
        if (p->legs[i].source || !p->pending)
            touched[idx[i]] = true;
    for (size_t i = 0; st == DB_OK && i < nrows; i++)
        if (touched[i])
            st = store_balance_apply(c, a, rows[i].id, &rows[i].st, now);
    if (st != DB_OK)
        return st;

    json_object *o = txn_render_transaction(&t);
    out->body = xstrdup(json_dump(o));
    json_object_put(o);

    if (in->idem_key) {
        st = store_idem_insert(c, in->org, in->ledger, in->idem_key, in->idem_fp, 201, out->body,
                               in->idem_ttl_s, &out->idem_expires_us);
        if (st == DB_CONFLICT) {
            out->idem_conflict = true;
            return DB_CONFLICT;
        }
        if (st != DB_OK)
            return st;
    }
    /* events.md 5: the transaction event first, then one balance.changed per operation in id order */
    st = tx_event_transaction(c, p->pending ? "pending" : "posted", &t, out->body);
    for (size_t i = 0; st == DB_OK && i < t.n_ops; i++)
        st = tx_event_balance_changed(c, &t.ops[i]);
    if (st != DB_OK)
        return st;

    size_t nb = 0;
    out->balances = arena_alloc(a, (nrows ? nrows : 1) * sizeof(balance_row));
    for (size_t i = 0; i < nrows; i++)
        if (touched[i])
            out->balances[nb++] = rows[i];
    out->n_balances = nb;
    return DB_OK;
}

db_status posting_run(db_conn *c, arena *a, const posting_input *in, posting_output *out)
{
    posting_ctx x = {a, in, out};
    db_status st = db_tx(c, posting_fn, &x);
    if (st != DB_OK) {
        free(out->body);
        out->body = NULL;
    }
    return st;
}
