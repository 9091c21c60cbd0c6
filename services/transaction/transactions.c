/* Transaction handlers. Creates follow 5.1 step by step: headers (3), body and plan (5-16, pure), path
 * entities (17), idempotency (18), leg resolution through the registries (19) and the write path
 * (19-24 under lock). Reads embed every operation. Nothing here touches SQL directly. */
#include "transactions.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "balance_cache.h"
#include "idempotency.h"
#include "json/json.h"
#include "log/log.h"
#include "posting.h"
#include "registry.h"
#include "service/service.h"
#include "service/service_http.h"
#include "store_txn.h"
#include "timeutil/timeutil.h"
#include "txn_dsl.h"
#include "txn_idem.h"
#include "txn_plan.h"
#include "txn_patch.h"
#include "txn_render.h"
#include "util/write_time.h"

/* ---- T1-T3 ------------------------------------------------------------------------------------------ */

/* Step 19 (first half): every leg's alias to a live account, read-through included. Returns 0, or -1
 * after replying (0019 unless the key's winner is answered instead, 503, database error) with the
 * idempotency claim of ic released. */
static int resolve_legs_or_reply(http_request *r, db_conn *c, arena *a, const char *org, const char *ledger,
                                 const txn_plan *plan, reg_account *accounts, cache *rc, idem_ctx *ic)
{
    for (size_t i = 0; i < plan->n_legs; i++) {
        const char *alias = plan->legs[i].alias;
        size_t j = 0;
        for (; j < i; j++)
            if (strcmp(plan->legs[j].alias, alias) == 0)
                break;
        if (j < i) {
            accounts[i] = accounts[j];
            continue;
        }
        db_status st = DB_OK;
        reg_result res = registry_account_by_alias(r, c, a, org, ledger, alias, &accounts[i], &st);
        if (res == REG_RESULT_NOT_FOUND) {
            /* state-dependent (an account deleted meanwhile): the key's winner answers first (8.3) */
            if (!idem_answer_if_completed(r, rc, c, ic))
                http_reply_error(r, ERR_ACCOUNT_INELIGIBLE, "no live account with alias %s", alias);
            return -1;
        }
        if (res != REG_RESULT_FOUND) {
            idem_release(rc, ic);
            registry_reply(r, res, st, ERR_ACCOUNT_INELIGIBLE, "Account");
            return -1;
        }
    }
    return 0;
}

/* The reply of a write that ran posting_run / posting_settle_run: 201 (cache updated, idempotency record
 * cached), the winner's answer when another holder of the key committed first, or the 4xx / 5xx
 * (claim released). */
static void finish_write(http_request *r, db_conn *c, cache *rc, idem_ctx *ic, db_status st,
                         posting_output *out)
{
    if (st == DB_OK) {
        for (size_t i = 0; i < out->n_balances; i++)
            balance_cache_put(rc, &out->balances[i]);
        idem_completed(rc, ic, 201, out->body, out->idem_expires_us);
        idem_reply(r, 201, out->body, false);
        return;
    }
    if (st == DB_CONFLICT && out->idem_conflict) {
        idem_answer_winner(r, rc, c, ic);
        return;
    }
    if (api_error_is_set(&out->err)) {
        /* a 4xx of the locked checks (0099, 0019, 0018, 0087, ...) may have been caused by the key's
         * winner when claims were lost: its record answers first (8.3) */
        if (!idem_answer_if_completed(r, rc, c, ic))
            http_reply_api_error(r, &out->err);
        return;
    }
    idem_release(rc, ic);
    service_reply_db_error(r, st);
}

/* Steps 5-24 of one create, after the idempotency headers (3) and, for T4, the DSL translation (4):
 * `text` is the JSON body (or translation) and `fp_name` the endpoint name of the fingerprint. */
static void create_run(http_request *r, txn_endpoint ep, const char *fp_name, const txn_idem_headers *h,
                       const char *text, size_t len)
{
    arena *a = http_req_arena(r);
    api_error e = {0};
    json_object *body = NULL;
    txn_plan plan;
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN];
    char fp[TXN_FINGERPRINT_LEN + 1];
    idem_ctx ic;
    posting_output out;

    memset(&out, 0, sizeof(out));
    /* 5-10. body */
    if (txn_plan_decode(ep, text, len, &body, &e) < 0)
        goto reply_error;
    /* 11-16. shape, dates, values, ambiguity, resolution, sums */
    if (txn_plan_build(ep, body, time_now_us(), a, &plan, &e) < 0)
        goto reply_error;
    /* 17. organization, ledger */
    service_path_id(r, "organization_id", org);
    service_path_id(r, "ledger_id", ledger);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, org, ledger) < 0)
        goto cleanup;
    /* 18. idempotency */
    txn_fingerprint(fp_name, NULL, body, ep != TXN_EP_INFLOW, fp);
    idem_init(&ic, org, ledger, h, fp);
    cache *rc = service_cache_of(r);
    if (idem_begin(r, rc, c, &ic) == IDEM_REPLIED)
        goto cleanup;
    /* 19. accounts of the legs */
    reg_account *accounts = arena_alloc(a, (plan.n_legs ? plan.n_legs : 1) * sizeof(reg_account));
    if (resolve_legs_or_reply(r, c, a, org, ledger, &plan, accounts, rc, &ic) < 0)
        goto cleanup;
    /* 19-24 and the writes, in one PostgreSQL transaction */
    posting_input in = {.plan = &plan,
                        .org = org,
                        .ledger = ledger,
                        .accounts = accounts,
                        .idem_key = ic.active ? ic.h.key : NULL,
                        .idem_fp = fp,
                        .idem_ttl_s = ic.h.ttl_s};
    db_status st = posting_run(c, a, &in, &out);
    finish_write(r, c, rc, &ic, st, &out);
    goto cleanup;

reply_error:
    if (!api_error_is_set(&e))
        api_error_set(&e, ERR_UNMARSHALLING, "invalid request body");
    http_reply_api_error(r, &e);
cleanup:
    api_error_clear(&e);
    api_error_clear(&out.err);
    free(out.body);
    json_object_put(body);
}

/* Step 3 of every write: X-Idempotency / X-TTL. Returns 0, or -1 after replying 0047. */
static int idem_headers_or_reply(http_request *r, txn_idem_headers *h)
{
    api_error e = {0};
    if (txn_idem_parse_headers(http_req_header(r, "X-Idempotency"), http_req_header(r, "X-TTL"), h, &e) == 0)
        return 0;
    http_reply_api_error(r, &e);
    api_error_clear(&e);
    return -1;
}

static void transaction_create(http_request *r, txn_endpoint ep)
{
    txn_idem_headers h;
    size_t len = 0;
    if (idem_headers_or_reply(r, &h) < 0)
        return;
    const char *text = http_req_body(r, &len);
    create_run(r, ep, txn_endpoint_name(ep), &h, text, len);
}

void transaction_create_json(http_request *r)
{
    transaction_create(r, TXN_EP_JSON);
}

void transaction_create_inflow(http_request *r)
{
    transaction_create(r, TXN_EP_INFLOW);
}

void transaction_create_outflow(http_request *r)
{
    transaction_create(r, TXN_EP_OUTFLOW);
}

/* ---- T4 ------------------------------------------------------------------------------------------ */

void transaction_create_dsl(http_request *r)
{
    txn_idem_headers h;
    api_error e = {0};
    char *json = NULL;
    size_t len = 0;

    /* 3. idempotency headers, 4. multipart and Gold */
    if (idem_headers_or_reply(r, &h) < 0)
        return;
    const char *body = http_req_body(r, &len);
    if (txn_dsl_translate(http_req_header(r, "Content-Type"), body, len, &json, &e) < 0) {
        http_reply_api_error(r, &e);
        api_error_clear(&e);
        return;
    }
    /* 5-24: exactly the /json path, fingerprinted as "dsl" over the translation */
    create_run(r, TXN_EP_JSON, "dsl", &h, json, strlen(json));
    free(json);
}

/* ---- T8 ------------------------------------------------------------------------------------------ */

/* Read one transaction with all its operations; replies 0070 or a database error and returns -1. */
static int load_full_or_reply(http_request *r, db_conn *c, const char *org, const char *ledger,
                              const char *id, txn_row *t)
{
    bool found = false;
    db_status st = store_txn_get(c, http_req_arena(r), org, ledger, id, false, t, &found);
    if (st == DB_OK && found)
        st = store_txn_load_ops(c, http_req_arena(r), t, 1);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return -1;
    }
    if (!found) {
        service_reply_not_found(r, ERR_TRANSACTION_NOT_FOUND, "Transaction");
        return -1;
    }
    return 0;
}

void transaction_get(http_request *r)
{
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN], id[TXN_ID_LEN];
    txn_row t;
    service_path_id(r, "organization_id", org);
    service_path_id(r, "ledger_id", ledger);
    service_path_id(r, "transaction_id", id);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, org, ledger) < 0)
        return;
    if (load_full_or_reply(r, c, org, ledger, id, &t) < 0)
        return;
    http_reply_json(r, 200, txn_render_transaction(&t));
}

/* ---- T9 ------------------------------------------------------------------------------------------ */

void transaction_list(http_request *r)
{
    page_params pp;
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN];
    txn_row *rows = NULL;
    size_t n = 0;
    bool has_prev = false, has_next = false;

    if (service_page_params_or_reply(r, PAGE_CURSOR, NULL, &pp) < 0)
        return;
    service_path_id(r, "organization_id", org);
    service_path_id(r, "ledger_id", ledger);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, org, ledger) < 0)
        return;
    db_status st = store_txn_list(c, http_req_arena(r), org, ledger, &pp, &rows, &n, &has_prev, &has_next);
    if (st == DB_OK)
        st = store_txn_load_ops(c, http_req_arena(r), rows, n);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    json_object *items = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(items, txn_render_transaction(&rows[i]));
    http_reply_json(r, 200,
                    txn_render_cursor_envelope(items, pp.limit, n ? rows[0].id : NULL,
                                               n ? rows[n - 1].id : NULL, has_prev, has_next));
}

/* ---- T10 ----------------------------------------------------------------------------------------- */

typedef struct txn_patch_ctx {
    arena *a;
    const char *org;
    const char *ledger;
    const char *id;
    json_object *body;
    bool found;
} txn_patch_ctx;

static db_status txn_patch_fn(db_conn *c, void *arg)
{
    txn_patch_ctx *x = arg;
    txn_row t;
    db_status st = store_txn_get(c, x->a, x->org, x->ledger, x->id, true, &t, &x->found);
    if (st != DB_OK || !x->found)
        return st;
    /* under the row lock and after the stored time: commit order = time order */
    return store_txn_update(c, t.id, json_get_text(x->body, "description"),
                            txn_patch_metadata(x->a, t.metadata, x->body), write_time_now_after(t.updated_us));
}

void transaction_patch(http_request *r)
{
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN], id[TXN_ID_LEN];
    json_object *body = NULL;
    txn_row t;

    if (http_body_json_or_reply(r, &txn_patch_schema, JSON_MODE_PATCH, &body) < 0)
        return;
    service_path_id(r, "organization_id", org);
    service_path_id(r, "ledger_id", ledger);
    service_path_id(r, "transaction_id", id);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, org, ledger) < 0)
        goto cleanup;
    txn_patch_ctx x = {.a = http_req_arena(r), .org = org, .ledger = ledger, .id = id, .body = body};
    db_status st = db_tx(c, txn_patch_fn, &x);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        goto cleanup;
    }
    if (!x.found) {
        service_reply_not_found(r, ERR_TRANSACTION_NOT_FOUND, "Transaction");
        goto cleanup;
    }
    if (load_full_or_reply(r, c, org, ledger, id, &t) < 0)
        goto cleanup;
    http_reply_json(r, 200, txn_render_transaction(&t));
cleanup:
    json_object_put(body);
}

/* ---- T11 ----------------------------------------------------------------------------------------- */

void transaction_count(http_request *r)
{
    static const char *const filters[] = {"status", NULL};
    const query_param *q = NULL;
    size_t nq = http_req_query(r, &q);
    query_param *kept = arena_alloc(http_req_arena(r), (nq ? nq : 1) * sizeof(query_param));
    size_t nk = 0;
    page_params pp;
    api_error e = {0};
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN];
    txn_status statuses[1];
    size_t n_status = 0;
    bool nothing = false;

    /* only status and the dates are parameters of this route; others are ignored */
    for (size_t i = 0; i < nq; i++)
        if (strcmp(q[i].key, "status") == 0 || strcmp(q[i].key, "start_date") == 0 ||
            strcmp(q[i].key, "end_date") == 0)
            kept[nk++] = q[i];
    if (page_params_parse(kept, nk, PAGE_CURSOR, filters, &pp, &e) < 0) {
        http_reply_api_error(r, &e);
        api_error_clear(&e);
        return;
    }
    const char *status = page_filter_get(&pp, "status");
    if (status) {
        if (strcasecmp(status, "PENDING") == 0) {
            statuses[n_status++] = TXN_STATUS_PENDING;
        } else if (strcasecmp(status, "APPROVED") == 0) {
            statuses[n_status++] = TXN_STATUS_APPROVED;
        } else if (strcasecmp(status, "CANCELED") == 0) {
            statuses[n_status++] = TXN_STATUS_CANCELED;
        } else if (strcasecmp(status, "CREATED") == 0 || strcasecmp(status, "NOTED") == 0) {
            nothing = true; /* accepted for compatibility; never counts anything */
        } else {
            http_reply_error(r, ERR_INVALID_QUERY_PARAMETER, "invalid status");
            return;
        }
    }
    service_path_id(r, "organization_id", org);
    service_path_id(r, "ledger_id", ledger);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, org, ledger) < 0)
        return;
    int64_t count = 0;
    if (!nothing) {
        db_status st = store_txn_count(c, org, ledger, statuses, n_status, &pp, &count);
        if (st != DB_OK) {
            service_reply_db_error(r, st);
            return;
        }
    }
    service_reply_count(r, count);
}

/* ---- T5, T6 ---------------------------------------------------------------------------------------- */

/* 5.2 steps 2-7. The body, if any, is ignored. */
static void transaction_settle(http_request *r, posting_settle_kind kind)
{
    const char *name = kind == POSTING_COMMIT ? "commit" : "cancel";
    txn_idem_headers h;
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN], id[TXN_ID_LEN];
    char fp[TXN_FINGERPRINT_LEN + 1];
    txn_row t;
    bool found = false;
    idem_ctx ic;
    posting_output out;

    memset(&out, 0, sizeof(out));
    /* 2. idempotency headers */
    if (idem_headers_or_reply(r, &h) < 0)
        return;
    /* 3. organization, ledger, transaction */
    service_path_id(r, "organization_id", org);
    service_path_id(r, "ledger_id", ledger);
    service_path_id(r, "transaction_id", id);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, org, ledger) < 0)
        return;
    db_status st = store_txn_get(c, http_req_arena(r), org, ledger, id, false, &t, &found);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    if (!found) {
        service_reply_not_found(r, ERR_TRANSACTION_NOT_FOUND, "Transaction");
        return;
    }
    /* 4. idempotency: the fingerprint is the endpoint and the transaction id */
    txn_fingerprint(name, id, NULL, false, fp);
    idem_init(&ic, org, ledger, &h, fp);
    cache *rc = service_cache_of(r);
    if (idem_begin(r, rc, c, &ic) == IDEM_REPLIED)
        return;
    /* 5-7 under the transaction row lock */
    posting_settle_input in = {.kind = kind,
                               .org = org,
                               .ledger = ledger,
                               .transaction_id = id,
                               .idem_key = ic.active ? ic.h.key : NULL,
                               .idem_fp = fp,
                               .idem_ttl_s = ic.h.ttl_s};
    st = posting_settle_run(c, http_req_arena(r), &in, &out);
    finish_write(r, c, rc, &ic, st, &out);
    api_error_clear(&out.err);
    free(out.body);
}

void transaction_commit(http_request *r)
{
    transaction_settle(r, POSTING_COMMIT);
}

void transaction_cancel(http_request *r)
{
    transaction_settle(r, POSTING_CANCEL);
}

/* ---- T7 ------------------------------------------------------------------------------------------ */

/* 5.3 steps 5-7 before any lock, so the common cases answer without touching balances; they are
 * checked again under the original's row lock by the write path (G6). These answers depend on state (a
 * lost-claim holder of the same key may have reverted it just now), so the key's durable record answers
 * first (8.3). Returns 0, or -1 after replying with the claim of ic released. */
static int revert_rules_or_reply(http_request *r, db_conn *c, const txn_row *t, cache *rc, idem_ctx *ic)
{
    api_error e = {0};
    bool child = false;
    db_status st = DB_OK;

    if (t->parent_id[0]) {
        api_error_set(&e, ERR_TRANSACTION_IS_REVERSAL, "the transaction is itself a reversal");
    } else if (t->status != TXN_STATUS_APPROVED) {
        api_error_set(&e, ERR_INVALID_TRANSACTION_STATUS,
                      "only an APPROVED transaction can be reverted, it is %s", txn_status_name(t->status));
    } else if ((st = store_txn_has_child(c, t->id, &child)) != DB_OK) {
        idem_release(rc, ic);
        service_reply_db_error(r, st);
        return -1;
    } else if (child) {
        api_error_set(&e, ERR_TRANSACTION_REVERT_EXISTS, "the transaction was already reverted");
    } else {
        return 0;
    }
    if (!idem_answer_if_completed(r, rc, c, ic))
        http_reply_api_error(r, &e);
    api_error_clear(&e);
    return -1;
}

void transaction_revert(http_request *r)
{
    arena *a = http_req_arena(r);
    txn_idem_headers h;
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN], id[TXN_ID_LEN];
    char fp[TXN_FINGERPRINT_LEN + 1];
    txn_row t;
    txn_plan plan;
    idem_ctx ic;
    posting_output out;

    memset(&out, 0, sizeof(out));
    /* 2. idempotency headers */
    if (idem_headers_or_reply(r, &h) < 0)
        return;
    /* 3. organization, ledger, transaction */
    service_path_id(r, "organization_id", org);
    service_path_id(r, "ledger_id", ledger);
    service_path_id(r, "transaction_id", id);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, org, ledger) < 0)
        return;
    if (load_full_or_reply(r, c, org, ledger, id, &t) < 0)
        return;
    /* 4. idempotency */
    txn_fingerprint("revert", id, NULL, false, fp);
    idem_init(&ic, org, ledger, &h, fp);
    cache *rc = service_cache_of(r);
    if (idem_begin(r, rc, c, &ic) == IDEM_REPLIED)
        return;
    /* 5-7. not a reversal, APPROVED, not reverted yet */
    if (revert_rules_or_reply(r, c, &t, rc, &ic) < 0)
        return;
    /* 8-13: steps 19-24 of 5.1 for the reversal */
    txn_plan_reversal(a, &t, &plan);
    reg_account *accounts = arena_alloc(a, (plan.n_legs ? plan.n_legs : 1) * sizeof(reg_account));
    if (resolve_legs_or_reply(r, c, a, org, ledger, &plan, accounts, rc, &ic) < 0)
        return;
    posting_input in = {.plan = &plan,
                        .org = org,
                        .ledger = ledger,
                        .accounts = accounts,
                        .idem_key = ic.active ? ic.h.key : NULL,
                        .idem_fp = fp,
                        .idem_ttl_s = ic.h.ttl_s,
                        .parent_id = id};
    db_status st = posting_run(c, a, &in, &out);
    finish_write(r, c, rc, &ic, st, &out);
    api_error_clear(&out.err);
    free(out.body);
}
