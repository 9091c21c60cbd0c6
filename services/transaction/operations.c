/* Operation handlers: query and body checks in api.md order, path entities left to right (organization,
 * ledger, account, portfolio or transaction, operation), then the read or the PATCH (no event). Operations
 * are never deleted; only description, metadata and updatedAt ever change. */
#include "operations.h"

#include <strings.h>
#include <string.h>

#include "json/json.h"
#include "registry.h"
#include "service/service.h"
#include "service/service_http.h"
#include "store_txn.h"
#include "timeutil/timeutil.h"
#include "txn_patch.h"
#include "txn_render.h"
#include "util/write_time.h"

static const char *const o1_filters[] = {"type", "direction", NULL};

/* type / direction values (case-insensitive); -1 after replying 0082. */
static int op_filter_or_reply(http_request *r, const page_params *pp, op_filter *f)
{
    const char *type = page_filter_get(pp, "type");
    const char *dir = page_filter_get(pp, "direction");
    static const char *const types[] = {"DEBIT", "CREDIT", "ON_HOLD", "RELEASE"};
    memset(f, 0, sizeof(*f));
    if (type) {
        bool ok = false;
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
            if (strcasecmp(type, types[i]) == 0) {
                f->type = types[i];
                ok = true;
            }
        }
        if (strcasecmp(type, "OVERDRAFT") == 0) {
            f->match_nothing = true; /* accepted, never matches in this version */
            ok = true;
        }
        if (!ok) {
            api_error e = {0};
            api_error_set(&e, ERR_INVALID_QUERY_PARAMETER,
                          "type must be CREDIT, DEBIT, ON_HOLD, RELEASE or OVERDRAFT");
            api_error_field(&e, "type", "must be CREDIT, DEBIT, ON_HOLD, RELEASE or OVERDRAFT");
            http_reply_api_error(r, &e);
            api_error_clear(&e);
            return -1;
        }
    }
    if (dir) {
        if (strcasecmp(dir, "debit") == 0) {
            f->direction = "debit";
        } else if (strcasecmp(dir, "credit") == 0) {
            f->direction = "credit";
        } else {
            api_error e = {0};
            api_error_set(&e, ERR_INVALID_QUERY_PARAMETER, "direction must be credit or debit");
            api_error_field(&e, "direction", "must be credit or debit");
            http_reply_api_error(r, &e);
            api_error_clear(&e);
            return -1;
        }
    }
    return 0;
}

void operation_list_account(http_request *r)
{
    page_params pp;
    op_filter f;
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN], account[TXN_ID_LEN];
    reg_account acc;
    db_status st = DB_OK;
    op_row *rows = NULL;
    size_t n = 0;
    bool has_prev = false, has_next = false;

    if (service_page_params_or_reply(r, PAGE_CURSOR, o1_filters, &pp) < 0 ||
        op_filter_or_reply(r, &pp, &f) < 0)
        return;
    service_path_id(r, "organization_id", org);
    service_path_id(r, "ledger_id", ledger);
    service_path_id(r, "account_id", account);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, org, ledger) < 0)
        return;
    reg_result res = registry_account_by_id(r, c, http_req_arena(r), org, ledger, account, &acc, &st);
    if (res != REG_RESULT_FOUND) {
        registry_reply(r, res, st, ERR_ENTITY_NOT_FOUND, "Account");
        return;
    }
    f.account_id = acc.id;
    st = store_op_list(c, http_req_arena(r), org, ledger, &f, &pp, &rows, &n, &has_prev, &has_next);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    json_object *items = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(items, txn_render_operation(&rows[i]));
    http_reply_json(r, 200,
                    txn_render_cursor_envelope(items, pp.limit, n ? rows[0].id : NULL,
                                               n ? rows[n - 1].id : NULL, has_prev, has_next));
}

void operation_get_account(http_request *r)
{
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN], account[TXN_ID_LEN], id[TXN_ID_LEN];
    reg_account acc;
    op_row op;
    bool found = false;
    db_status st = DB_OK;

    service_path_id(r, "organization_id", org);
    service_path_id(r, "ledger_id", ledger);
    service_path_id(r, "account_id", account);
    service_path_id(r, "operation_id", id);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, org, ledger) < 0)
        return;
    reg_result res = registry_account_by_id(r, c, http_req_arena(r), org, ledger, account, &acc, &st);
    if (res != REG_RESULT_FOUND) {
        registry_reply(r, res, st, ERR_ENTITY_NOT_FOUND, "Account");
        return;
    }
    st = store_op_get(c, http_req_arena(r), org, ledger, acc.id, NULL, id, false, &op, &found);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    if (!found) {
        service_reply_not_found(r, ERR_OPERATION_NOT_FOUND, "Operation");
        return;
    }
    http_reply_json(r, 200, txn_render_operation(&op));
}

/* ---- O4, O5 (legacy) ---------------------------------------------------------------------------------- */

/* Path checks of the legacy routes: organization, ledger, then the live portfolio (404 0007 Portfolio).
 * Returns the connection, or NULL after replying. */
static db_conn *portfolio_path_or_reply(http_request *r, char org[TXN_ID_LEN], char ledger[TXN_ID_LEN],
                                        char portfolio[TXN_ID_LEN])
{
    db_status st = DB_OK;
    service_path_id(r, "organization_id", org);
    service_path_id(r, "ledger_id", ledger);
    service_path_id(r, "portfolio_id", portfolio);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, org, ledger) < 0)
        return NULL;
    reg_result res = registry_portfolio(r, c, org, ledger, portfolio, &st);
    if (res != REG_RESULT_FOUND) {
        registry_reply(r, res, st, ERR_ENTITY_NOT_FOUND, "Portfolio");
        return NULL;
    }
    return c;
}

void operation_list_portfolio(http_request *r)
{
    page_params pp;
    op_filter f;
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN], portfolio[TXN_ID_LEN];
    op_row *rows = NULL;
    size_t n = 0;
    bool has_prev = false, has_next = false;

    if (service_page_params_or_reply(r, PAGE_CURSOR, o1_filters, &pp) < 0 ||
        op_filter_or_reply(r, &pp, &f) < 0)
        return;
    db_conn *c = portfolio_path_or_reply(r, org, ledger, portfolio);
    if (!c)
        return;
    f.portfolio_id = portfolio;
    db_status st = store_op_list(c, http_req_arena(r), org, ledger, &f, &pp, &rows, &n, &has_prev, &has_next);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    json_object *items = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(items, txn_render_operation(&rows[i]));
    http_reply_json(r, 200,
                    txn_render_cursor_envelope(items, pp.limit, n ? rows[0].id : NULL,
                                               n ? rows[n - 1].id : NULL, has_prev, has_next));
}

void operation_get_portfolio(http_request *r)
{
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN], portfolio[TXN_ID_LEN], id[TXN_ID_LEN];
    op_row op;
    bool found = false;

    service_path_id(r, "operation_id", id);
    db_conn *c = portfolio_path_or_reply(r, org, ledger, portfolio);
    if (!c)
        return;
    db_status st = store_op_get_portfolio(c, http_req_arena(r), org, ledger, portfolio, id, &op, &found);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    if (!found) {
        service_reply_not_found(r, ERR_OPERATION_NOT_FOUND, "Operation");
        return;
    }
    http_reply_json(r, 200, txn_render_operation(&op));
}

/* ---- O3 ------------------------------------------------------------------------------------------ */

typedef struct op_patch_ctx {
    arena *a;
    const char *org;
    const char *ledger;
    const char *txn;
    const char *id;
    json_object *body;
    bool found;
    op_row op;
} op_patch_ctx;

static db_status op_patch_fn(db_conn *c, void *arg)
{
    op_patch_ctx *x = arg;
    db_status st = store_op_get(c, x->a, x->org, x->ledger, NULL, x->txn, x->id, true, &x->op, &x->found);
    if (st != DB_OK || !x->found)
        return st;
    x->op.metadata = txn_patch_metadata(x->a, x->op.metadata, x->body);
    const char *desc = json_get_text(x->body, "description");
    if (desc)
        x->op.description = arena_strdup(x->a, desc);
    x->op.updated_us = write_time_now_after(x->op.updated_us); /* under the row lock, after the stored */
    return store_op_update(c, x->op.id, desc, x->op.metadata, x->op.updated_us);
}

void operation_patch(http_request *r)
{
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN], txn[TXN_ID_LEN], id[TXN_ID_LEN];
    json_object *body = NULL;
    txn_row t;
    bool found = false;

    if (http_body_json_or_reply(r, &txn_patch_schema, JSON_MODE_PATCH, &body) < 0)
        return;
    service_path_id(r, "organization_id", org);
    service_path_id(r, "ledger_id", ledger);
    service_path_id(r, "transaction_id", txn);
    service_path_id(r, "operation_id", id);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, org, ledger) < 0)
        goto cleanup;
    db_status st = store_txn_get(c, http_req_arena(r), org, ledger, txn, false, &t, &found);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        goto cleanup;
    }
    if (!found) {
        service_reply_not_found(r, ERR_TRANSACTION_NOT_FOUND, "Transaction");
        goto cleanup;
    }
    op_patch_ctx x = {
        .a = http_req_arena(r), .org = org, .ledger = ledger, .txn = txn, .id = id, .body = body};
    st = db_tx(c, op_patch_fn, &x);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        goto cleanup;
    }
    if (!x.found) {
        service_reply_not_found(r, ERR_OPERATION_NOT_FOUND, "Operation");
        goto cleanup;
    }
    http_reply_json(r, 200, txn_render_operation(&x.op));
cleanup:
    json_object_put(body);
}
