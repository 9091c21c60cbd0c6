/* The ledger write path: locks, checks and writes of one request in a single PostgreSQL transaction,
 * re-runnable from the start when db_tx retries a deadlock or serialization failure. Creates, reversals,
 * commits and cancels share the operation effects, the balance writes, the idempotency record and the
 * event order here. It never reads balances from anywhere but the locked rows, and writes the outbox
 * rows last. */
#include "posting.h"

#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "store_balance.h"
#include "store_idem.h"
#include "store_txn.h"
#include "timeutil/timeutil.h"
#include "tx_events.h"
#include "util/write_time.h"
#include "txn_render.h"
#include "uuid/uuid.h"

typedef struct posting_ctx {
    arena *a;
    const posting_input *in;
    posting_output *out;
} posting_ctx;

typedef struct settle_ctx {
    arena *a;
    const posting_settle_input *in;
    posting_output *out;
} settle_ctx;

static db_status fail(posting_output *out, err_id id, const char *fmt, const char *arg)
{
    api_error_set(&out->err, id, fmt, arg);
    return DB_CHECK;
}

/* A retried attempt starts from scratch. */
static void reset_output(posting_output *out)
{
    api_error_clear(&out->err);
    free(out->body);
    out->body = NULL;
    out->idem_conflict = false;
    out->balances = NULL;
    out->n_balances = 0;
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

/* The write time of a step, taken once every row it changes is locked: the clock, but strictly after the
 * stored updatedAt of each of them (floor_us: the transaction row's, or -1), so that of two committed
 * writes to one row the later one always carries the later time. */
static int64_t locked_write_time(const balance_row *rows, size_t n, int64_t floor_us)
{
    int64_t now = write_time_now_after(floor_us);
    for (size_t i = 0; i < n; i++)
        now = write_time_after(now, rows[i].updated_us);
    return now;
}

static int find_balance(const balance_row *rows, size_t n, const char *account_id, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].account_id, account_id) == 0 && strcmp(rows[i].key, key) == 0)
            return (int)i;
    return -1;
}

static int find_balance_id(const balance_row *rows, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* ---- operations (6) -------------------------------------------------------------------------------- */

/* Fill the identity of a new operation of t on balance b. */
static void op_init(op_row *op, const txn_row *t, const balance_row *b, op_type type, txn_status status,
                    const char *alias, const decimal *amount, int64_t created_us, int64_t now)
{
    memset(op, 0, sizeof(*op));
    uuid_v7_str(op->id);
    memcpy(op->transaction_id, t->id, TXN_ID_LEN);
    memcpy(op->organization_id, t->organization_id, TXN_ID_LEN);
    memcpy(op->ledger_id, t->ledger_id, TXN_ID_LEN);
    memcpy(op->account_id, b->account_id, TXN_ID_LEN);
    memcpy(op->balance_id, b->id, TXN_ID_LEN);
    memcpy(op->portfolio_id, b->portfolio_id, TXN_ID_LEN);
    op->asset_code = b->asset_code;
    op->account_alias = alias;
    op->balance_key = b->key;
    op->type = type;
    op->status = status;
    op->amount = *amount;
    op->created_us = created_us;
    op->updated_us = now;
}

/* Apply op to the locked balance b (the effects table of 6): op->before / op->after are set and b->st
 * advances by one version. from_hold: a commit's DEBIT, taken from onHold instead of available. Sets
 * *funds when a non-external available or any onHold goes negative, *overflow when a result leaves the
 * decimal limits. */
static void op_apply(op_row *op, balance_row *b, bool from_hold, int64_t now, bool *funds, bool *overflow)
{
    decimal_status ds = DECIMAL_OK;
    op->before = b->st;
    op->after = b->st;
    switch (op->type) {
    case OP_TYPE_DEBIT:
        if (from_hold)
            ds = decimal_sub(&b->st.on_hold, &op->amount, &op->after.on_hold);
        else
            ds = decimal_sub(&b->st.available, &op->amount, &op->after.available);
        break;
    case OP_TYPE_CREDIT:
        ds = decimal_add(&b->st.available, &op->amount, &op->after.available);
        break;
    case OP_TYPE_ON_HOLD:
        ds = decimal_sub(&b->st.available, &op->amount, &op->after.available);
        if (decimal_add(&b->st.on_hold, &op->amount, &op->after.on_hold) != DECIMAL_OK)
            ds = DECIMAL_ERR_LIMITS;
        break;
    case OP_TYPE_RELEASE:
        ds = decimal_add(&b->st.available, &op->amount, &op->after.available);
        if (decimal_sub(&b->st.on_hold, &op->amount, &op->after.on_hold) != DECIMAL_OK)
            ds = DECIMAL_ERR_LIMITS;
        break;
    }
    op->after.version = b->st.version + 1;
    if (ds != DECIMAL_OK)
        *overflow = true;
    if (strcmp(b->account_type, "external") != 0 && decimal_sign(&op->after.available) < 0)
        *funds = true;
    if (decimal_sign(&op->after.on_hold) < 0)
        *funds = true;
    b->st = op->after;
    b->updated_us = now;
}

/* ---- the common tail ----------------------------------------------------------------------------- */

typedef struct tail_args {
    const char *org;
    const char *ledger;
    const char *idem_key;
    const char *idem_fp;
    int idem_ttl_s;
    const char *action;    /* transaction.<action> */
    const txn_row *t;      /* the transaction as the response shows it (all its operations) */
    const op_row *new_ops; /* the operations this step wrote, id ascending */
    size_t n_new;
    balance_row *rows; /* locked balances with their final states */
    const bool *touched;
    size_t nrows;
    int64_t now;
} tail_args;

/* Balance rows (each touched one once, at its final version), the 201 body, the idempotency record,
 * then the events: the transaction event first and one balance.changed per new operation (events.md 5). */
static db_status write_tail(db_conn *c, arena *a, const tail_args *x, posting_output *out)
{
    db_status st = DB_OK;
    for (size_t i = 0; st == DB_OK && i < x->nrows; i++)
        if (x->touched[i])
            st = store_balance_apply(c, a, x->rows[i].id, &x->rows[i].st, x->now);
    if (st != DB_OK)
        return st;

    json_object *o = txn_render_transaction(x->t);
    out->body = xstrdup(json_dump(o));
    json_object_put(o);

    if (x->idem_key) {
        st = store_idem_insert(c, x->org, x->ledger, x->idem_key, x->idem_fp, 201, out->body, x->idem_ttl_s,
                               &out->idem_expires_us);
        if (st == DB_CONFLICT) {
            out->idem_conflict = true;
            return DB_CONFLICT;
        }
        if (st != DB_OK)
            return st;
    }
    st = tx_event_transaction(c, x->action, x->t, out->body);
    for (size_t i = 0; st == DB_OK && i < x->n_new; i++)
        st = tx_event_balance_changed(c, &x->new_ops[i]);
    if (st != DB_OK)
        return st;

    size_t nb = 0;
    out->balances = arena_alloc(a, (x->nrows ? x->nrows : 1) * sizeof(balance_row));
    for (size_t i = 0; i < x->nrows; i++)
        if (x->touched[i])
            out->balances[nb++] = x->rows[i];
    out->n_balances = nb;
    return DB_OK;
}

/* ---- create and revert (5.1 steps 19-24, 5.3 steps 5-13) ------------------------------------------ */

/* Revert only: lock the original first (13), then 5.3 steps 5-7 against its committed state. */
static db_status lock_parent(db_conn *c, arena *a, const posting_input *in, posting_output *out)
{
    txn_row parent;
    bool found = false, child = false;
    db_status st = store_txn_get(c, a, in->org, in->ledger, in->parent_id, true, &parent, &found);
    if (st != DB_OK)
        return st;
    if (!found)
        return fail(out, ERR_TRANSACTION_NOT_FOUND, "%s", "transaction not found");
    if (parent.parent_id[0])
        return fail(out, ERR_TRANSACTION_IS_REVERSAL, "%s", "the transaction is itself a reversal");
    if (parent.status != TXN_STATUS_APPROVED)
        return fail(out, ERR_INVALID_TRANSACTION_STATUS,
                    "only an APPROVED transaction can be reverted, it is %s", txn_status_name(parent.status));
    st = store_txn_has_child(c, in->parent_id, &child);
    if (st != DB_OK)
        return st;
    if (child)
        return fail(out, ERR_TRANSACTION_REVERT_EXISTS, "%s", "the transaction was already reverted");
    return DB_OK;
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
    int64_t now = -1;

    reset_output(out);
    if (in->parent_id) {
        st = lock_parent(c, a, in, out);
        if (st != DB_OK)
            return st;
    }

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
    now = locked_write_time(rows, nrows, -1);
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
    if (in->parent_id)
        memcpy(t.parent_id, in->parent_id, TXN_ID_LEN);
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
        op_init(op, &t, b, type, p->pending ? TXN_STATUS_PENDING : TXN_STATUS_APPROVED, l->alias, &l->amount,
                t.created_us, now);
        op->description = l->description ? l->description : p->description;
        op->chart_of_accounts = l->chart_of_accounts;
        op->metadata = l->metadata;
        op_apply(op, b, false, now, &funds, &overflow);
    }
    if (funds)
        return fail(out, ERR_INSUFFICIENT_FUNDS, "%s", "insufficient funds");
    if (overflow)
        return fail(out, ERR_OVERFLOW, "%s", "a balance would leave the decimal limits");

    /* writes */
    st = store_txn_insert(c, a, &t);
    if (st == DB_CONFLICT && in->parent_id) /* transactions_parent_uq: G6's last line of defence */
        return fail(out, ERR_TRANSACTION_REVERT_EXISTS, "%s", "the transaction was already reverted");
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
    if (st != DB_OK)
        return st;
    /* each touched balance once, with its final state (version advanced once per operation) */
    bool *touched = arena_alloc(a, (nrows ? nrows : 1) * sizeof(bool));
    for (size_t i = 0; i < p->n_legs; i++)
        if (p->legs[i].source || !p->pending)
            touched[idx[i]] = true;
    tail_args tail = {.org = in->org,
                      .ledger = in->ledger,
                      .idem_key = in->idem_key,
                      .idem_fp = in->idem_fp,
                      .idem_ttl_s = in->idem_ttl_s,
                      .action = in->parent_id ? "reverted"
                                : p->pending  ? "pending"
                                              : "posted",
                      .t = &t,
                      .new_ops = t.ops,
                      .n_new = t.n_ops,
                      .rows = rows,
                      .touched = touched,
                      .nrows = nrows,
                      .now = now};
    return write_tail(c, a, &tail, out);
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

/* ---- commit and cancel (5.2 steps 5-7, 7.2) ------------------------------------------------------------ */

static db_status settle_fn(db_conn *c, void *arg)
{
    settle_ctx *x = arg;
    arena *a = x->a;
    const posting_settle_input *in = x->in;
    posting_output *out = x->out;
    bool commit = in->kind == POSTING_COMMIT;
    txn_row t;
    bool found = false;
    leg_row *legs = NULL;
    size_t nlegs = 0;
    balance_row *rows = NULL;
    size_t nrows = 0;
    int64_t now = -1;

    reset_output(out);
    /* 13: the transaction row first, then the balances */
    db_status st = store_txn_get(c, a, in->org, in->ledger, in->transaction_id, true, &t, &found);
    if (st != DB_OK)
        return st;
    if (!found)
        return fail(out, ERR_TRANSACTION_NOT_FOUND, "%s", "transaction not found");
    /* 5. PENDING only */
    if (t.status != TXN_STATUS_PENDING)
        return fail(out, ERR_INVALID_TRANSACTION_STATUS, "the transaction is %s, not PENDING",
                    txn_status_name(t.status));
    st = store_leg_list(c, a, t.id, &legs, &nlegs);
    if (st != DB_OK)
        return st;
    const char **ids = arena_alloc(a, (nlegs ? nlegs : 1) * sizeof(char *));
    size_t nids = 0;
    for (size_t i = 0; i < nlegs; i++)
        if (commit || legs[i].source)
            ids[nids++] = legs[i].balance_id;
    st = store_balance_lock_ids(c, a, in->org, in->ledger, ids, nids, &rows, &nrows);
    if (st != DB_OK)
        return st;
    now = locked_write_time(rows, nrows, t.updated_us);
    /* 6. commit: every balance still live (a source holds money, so only a destination can be gone) */
    int *idx = arena_alloc(a, (nlegs ? nlegs : 1) * sizeof(int));
    for (size_t i = 0; i < nlegs; i++) {
        idx[i] = -1;
        if (!commit && !legs[i].source)
            continue;
        idx[i] = find_balance_id(rows, nrows, legs[i].balance_id);
        if (idx[i] < 0)
            return fail(out, ERR_ACCOUNT_INELIGIBLE, "the balance of %s is no longer live", legs[i].alias);
    }

    /* 7. apply: sources then destinations, in leg order (the stored positions already are) */
    txn_status op_status = commit ? TXN_STATUS_APPROVED : TXN_STATUS_CANCELED;
    op_row *ops = arena_alloc(a, (nlegs ? nlegs : 1) * sizeof(op_row));
    size_t nops = 0;
    bool funds = false, overflow = false;
    memcpy(t.organization_id, in->org, TXN_ID_LEN);
    memcpy(t.ledger_id, in->ledger, TXN_ID_LEN);
    for (size_t i = 0; i < nlegs; i++) {
        const leg_row *l = &legs[i];
        if (idx[i] < 0)
            continue;
        balance_row *b = &rows[idx[i]];
        op_type type = !commit ? OP_TYPE_RELEASE : l->source ? OP_TYPE_DEBIT : OP_TYPE_CREDIT;
        op_row *op = &ops[nops++];
        op_init(op, &t, b, type, op_status, l->alias, &l->amount, now, now);
        op->description = l->description;
        op->chart_of_accounts = l->chart_of_accounts;
        op->metadata = l->metadata;
        op_apply(op, b, commit && l->source, now, &funds, &overflow);
    }
    if (overflow)
        return fail(out, ERR_OVERFLOW, "%s", "a balance would leave the decimal limits");
    if (funds)
        return fail(out, ERR_INSUFFICIENT_FUNDS, "%s", "insufficient funds");

    /* writes */
    t.status = op_status;
    t.updated_us = now;
    st = store_txn_set_status(c, t.id, t.status, now);
    for (size_t i = 0; st == DB_OK && i < nops; i++)
        st = store_op_insert(c, a, &ops[i]);
    if (st == DB_OK)
        st = store_txn_load_ops(c, a, &t, 1); /* all operations, old and new, id ascending */
    if (st != DB_OK)
        return st;
    bool *touched = arena_alloc(a, (nrows ? nrows : 1) * sizeof(bool));
    for (size_t i = 0; i < nlegs; i++)
        if (idx[i] >= 0)
            touched[idx[i]] = true;
    tail_args tail = {.org = in->org,
                      .ledger = in->ledger,
                      .idem_key = in->idem_key,
                      .idem_fp = in->idem_fp,
                      .idem_ttl_s = in->idem_ttl_s,
                      .action = commit ? "committed" : "canceled",
                      .t = &t,
                      .new_ops = ops,
                      .n_new = nops,
                      .rows = rows,
                      .touched = touched,
                      .nrows = nrows,
                      .now = now};
    return write_tail(c, a, &tail, out);
}

db_status posting_settle_run(db_conn *c, arena *a, const posting_settle_input *in, posting_output *out)
{
    settle_ctx x = {a, in, out};
    db_status st = db_tx(c, settle_fn, &x);
    if (st != DB_OK) {
        free(out->body);
        out->body = NULL;
    }
    return st;
}
