/* Balance handlers: request checks in api.md order (body, path entities, business rules), one
 * PostgreSQL transaction per write with the balance row locked, outbox events, and the version-checked
 * Redis cache refreshed after commit. Lists and gets read PostgreSQL (B2 may answer from the cache). */
#include "balances.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "balance_cache.h"
#include "json/json.h"
#include "registry.h"
#include "service/service.h"
#include "service/service_http.h"
#include "store_balance.h"
#include "store_registry.h"
#include "timeutil/timeutil.h"
#include "tx_events.h"
#include "util/write_time.h"
#include "txn_render.h"
#include "uuid/uuid.h"

/* ---- shared ------------------------------------------------------------------------------------- */

typedef struct path_ids {
    char org[TXN_ID_LEN];
    char ledger[TXN_ID_LEN];
} path_ids;

static void ledger_ids(http_request *r, path_ids *p)
{
    service_path_id(r, "organization_id", p->org);
    service_path_id(r, "ledger_id", p->ledger);
}

static void reply_balance_page(http_request *r, const page_params *pp, const balance_row *rows, size_t n,
                               bool has_prev, bool has_next)
{
    json_object *items = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(items, txn_render_balance(&rows[i]));
    http_reply_json(r, 200,
                    txn_render_cursor_envelope(items, pp->limit, n ? rows[0].id : NULL,
                                               n ? rows[n - 1].id : NULL, has_prev, has_next));
}

/* List the balances of the ledger (account_id NULL) or of one account. */
static void list_and_reply(http_request *r, db_conn *c, const path_ids *p, const char *account_id,
                           const page_params *pp)
{
    balance_row *rows = NULL;
    size_t n = 0;
    bool has_prev = false, has_next = false;
    db_status st = store_balance_list(c, http_req_arena(r), p->org, p->ledger, account_id, pp, &rows, &n,
                                      &has_prev, &has_next);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    reply_balance_page(r, pp, rows, n, has_prev, has_next);
}

/* ---- B1, B5, B7, B8 --------------------------------------------------------------------------------- */

void balance_list(http_request *r)
{
    page_params pp;
    path_ids p;
    if (service_page_params_or_reply(r, PAGE_CURSOR, NULL, &pp) < 0)
        return;
    ledger_ids(r, &p);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, p.org, p.ledger) < 0)
        return;
    list_and_reply(r, c, &p, NULL, &pp);
}

void balance_list_account(http_request *r)
{
    page_params pp;
    path_ids p;
    char account[TXN_ID_LEN];
    reg_account acc;
    db_status st = DB_OK;
    if (service_page_params_or_reply(r, PAGE_CURSOR, NULL, &pp) < 0)
        return;
    ledger_ids(r, &p);
    service_path_id(r, "account_id", account);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, p.org, p.ledger) < 0)
        return;
    reg_result res = registry_account_by_id(r, c, http_req_arena(r), p.org, p.ledger, account, &acc, &st);
    if (res != REG_RESULT_FOUND) {
        registry_reply(r, res, st, ERR_ENTITY_NOT_FOUND, "Account");
        return;
    }
    list_and_reply(r, c, &p, acc.id, &pp);
}

static void list_by_alias(http_request *r, const char *alias)
{
    page_params pp;
    path_ids p;
    reg_account acc;
    db_status st = DB_OK;
    if (service_page_params_or_reply(r, PAGE_CURSOR, NULL, &pp) < 0)
        return;
    ledger_ids(r, &p);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, p.org, p.ledger) < 0)
        return;
    reg_result res = registry_account_by_alias(r, c, http_req_arena(r), p.org, p.ledger, alias, &acc, &st);
    if (res != REG_RESULT_FOUND) {
        registry_reply(r, res, st, ERR_ACCOUNT_ALIAS_NOT_FOUND, "Account");
        return;
    }
    list_and_reply(r, c, &p, acc.id, &pp);
}

void balance_list_alias(http_request *r)
{
    const char *alias = http_req_param(r, "alias");
    list_by_alias(r, alias ? alias : "");
}

void balance_list_external(http_request *r)
{
    const char *code = http_req_param(r, "asset_code");
    list_by_alias(r, arena_printf(http_req_arena(r), "@external/%s", code ? code : ""));
}

/* ---- B2 ------------------------------------------------------------------------------------------ */

void balance_get(http_request *r)
{
    path_ids p;
    char id[TXN_ID_LEN];
    balance_row b;
    bool found = false;
    ledger_ids(r, &p);
    service_path_id(r, "balance_id", id);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, p.org, p.ledger) < 0)
        return;

    char *cached = balance_cache_get(service_cache_of(r), id);
    if (cached) {
        /* served only when the cached entry belongs to the path's organization and ledger */
        json_object *o = txn_json_parse_text(cached);
        const char *o_org = json_get_text(o, "organizationId");
        const char *o_ledger = json_get_text(o, "ledgerId");
        bool ok = o_org && o_ledger && strcmp(o_org, p.org) == 0 && strcmp(o_ledger, p.ledger) == 0;
        json_object_put(o);
        if (ok) {
            service_reply_json_text(r, 200, cached);
            free(cached);
            return;
        }
        free(cached);
    }
    db_status st = store_balance_get(c, http_req_arena(r), p.org, p.ledger, id, false, &b, &found);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    if (!found) {
        service_reply_not_found(r, ERR_ENTITY_NOT_FOUND, "Balance");
        return;
    }
    http_reply_json(r, 200, txn_render_balance(&b));
}

/* ---- B3 ------------------------------------------------------------------------------------------ */

static const json_field patch_fields[] = {
    {.name = "allowSending", .kind = JK_BOOL},
    {.name = "allowReceiving", .kind = JK_BOOL},
};
static const json_schema patch_schema = {patch_fields, ARRAY_LEN(patch_fields)};

typedef struct patch_ctx {
    arena *a;
    const path_ids *p;
    const char *id;
    json_object *body;
    bool found;
    balance_row b;
} patch_ctx;

static db_status patch_fn(db_conn *c, void *arg)
{
    patch_ctx *x = arg;
    db_status st = store_balance_get(c, x->a, x->p->org, x->p->ledger, x->id, true, &x->b, &x->found);
    if (st != DB_OK || !x->found)
        return st;
    json_object *s = json_get(x->body, "allowSending");
    json_object *rcv = json_get(x->body, "allowReceiving");
    if (s)
        x->b.allow_sending = json_object_get_boolean(s);
    if (rcv)
        x->b.allow_receiving = json_object_get_boolean(rcv);
    /* under the row lock and after the stored time: commit order = time order */
    x->b.updated_us = write_time_now_after(x->b.updated_us);
    st = store_balance_set_flags(c, x->b.id, x->b.allow_sending, x->b.allow_receiving, x->b.updated_us);
    if (st != DB_OK)
        return st;
    return tx_event_balance(c, BUS_ACTION_UPDATED, &x->b);
}

void balance_patch(http_request *r)
{
    path_ids p;
    char id[TXN_ID_LEN];
    json_object *body = NULL;
    if (http_body_json_or_reply(r, &patch_schema, JSON_MODE_PATCH, &body) < 0)
        return;
    ledger_ids(r, &p);
    service_path_id(r, "balance_id", id);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, p.org, p.ledger) < 0)
        goto cleanup;
    patch_ctx x = {.a = http_req_arena(r), .p = &p, .id = id, .body = body};
    db_status st = db_tx(c, patch_fn, &x);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        goto cleanup;
    }
    if (!x.found) {
        service_reply_not_found(r, ERR_ENTITY_NOT_FOUND, "Balance");
        goto cleanup;
    }
    balance_cache_put(service_cache_of(r), &x.b);
    http_reply_json(r, 200, txn_render_balance(&x.b));
cleanup:
    json_object_put(body);
}

/* ---- B4 ------------------------------------------------------------------------------------------ */

typedef struct delete_ctx {
    arena *a;
    const path_ids *p;
    const char *id;
    bool found;
    bool nonzero;
    balance_row b;
} delete_ctx;

static db_status delete_fn(db_conn *c, void *arg)
{
    delete_ctx *x = arg;
    x->nonzero = false;
    db_status st = store_balance_get(c, x->a, x->p->org, x->p->ledger, x->id, true, &x->b, &x->found);
    if (st != DB_OK || !x->found)
        return st;
    if (!decimal_is_zero(&x->b.st.available) || !decimal_is_zero(&x->b.st.on_hold)) {
        x->nonzero = true;
        return DB_OK; /* nothing written: committing the empty transaction only releases the lock */
    }
    x->b.deleted_us = write_time_now_after(x->b.updated_us);
    st = store_balance_soft_delete(c, x->b.id, x->b.deleted_us, false);
    if (st != DB_OK)
        return st;
    return tx_event_balance(c, BUS_ACTION_DELETED, &x->b);
}

void balance_delete(http_request *r)
{
    path_ids p;
    char id[TXN_ID_LEN];
    ledger_ids(r, &p);
    service_path_id(r, "balance_id", id);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, p.org, p.ledger) < 0)
        return;
    delete_ctx x = {.a = http_req_arena(r), .p = &p, .id = id};
    db_status st = db_tx(c, delete_fn, &x);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    if (!x.found) {
        service_reply_not_found(r, ERR_ENTITY_NOT_FOUND, "Balance");
        return;
    }
    if (x.nonzero) {
        http_reply_error(r, ERR_BALANCE_CANNOT_BE_DELETED, "the balance must be zero to be deleted");
        return;
    }
    balance_cache_tombstone(service_cache_of(r), &x.b);
    http_reply_empty(r, 204);
}

/* ---- B6 ------------------------------------------------------------------------------------------ */

static const json_field create_fields[] = {
    {.name = "key", .kind = JK_STRING, .flags = JF_REQUIRED | JF_NO_SPACE, .min_len = 1, .max_len = 100},
    {.name = "allowSending", .kind = JK_BOOL},
    {.name = "allowReceiving", .kind = JK_BOOL},
};
static const json_schema create_schema = {create_fields, ARRAY_LEN(create_fields)};

typedef struct create_ctx {
    arena *a;
    const path_ids *p;
    const reg_account *acc;
    const char *key;
    bool allow_sending;
    bool allow_receiving;
    err_id err;
    balance_row b;
} create_ctx;

static db_status create_fn(db_conn *c, void *arg)
{
    create_ctx *x = arg;
    balance_row def;
    bool found = false;
    x->err = ERR_NONE;
    db_status st = store_reg_account_lock(c, x->acc->id);
    if (st == DB_OK)
        st = store_balance_by_key(c, x->a, x->p->org, x->p->ledger, x->acc->id, "default", &def, &found);
    if (st != DB_OK)
        return st;
    if (!found) {
        x->err = ERR_DEFAULT_BALANCE_NOT_FOUND;
        return DB_OK;
    }
    if (strcmp(def.account_type, "external") == 0) {
        x->err = ERR_ADDITIONAL_BALANCE_NOT_ALLOWED;
        return DB_OK;
    }
    memset(&x->b, 0, sizeof(x->b));
    uuid_v7_str(x->b.id);
    memcpy(x->b.organization_id, x->p->org, TXN_ID_LEN);
    memcpy(x->b.ledger_id, x->p->ledger, TXN_ID_LEN);
    memcpy(x->b.account_id, x->acc->id, TXN_ID_LEN);
    x->b.alias = def.alias;
    x->b.key = x->key;
    x->b.asset_code = def.asset_code;
    x->b.account_type = def.account_type;
    decimal_zero(&x->b.st.available);
    decimal_zero(&x->b.st.on_hold);
    x->b.allow_sending = x->allow_sending;
    x->b.allow_receiving = x->allow_receiving;
    x->b.created_us = x->b.updated_us = time_now_us();
    x->b.deleted_us = -1;
    st = store_balance_insert(c, x->a, &x->b);
    if (st == DB_CONFLICT) {
        x->err = ERR_DUPLICATED_ALIAS_KEY;
        return DB_CHECK; /* roll back the aborted transaction */
    }
    if (st != DB_OK)
        return st;
    return tx_event_balance(c, BUS_ACTION_CREATED, &x->b);
}

void balance_create(http_request *r)
{
    path_ids p;
    char account[TXN_ID_LEN];
    json_object *body = NULL;
    reg_account acc;
    db_status st = DB_OK;
    arena *a = http_req_arena(r);

    if (http_body_json_or_reply(r, &create_schema, JSON_MODE_CREATE, &body) < 0)
        return;
    ledger_ids(r, &p);
    service_path_id(r, "account_id", account);
    db_conn *c = service_db_or_reply(r);
    if (!c || registry_ledger_or_reply(r, c, p.org, p.ledger) < 0)
        goto cleanup;
    reg_result res = registry_account_by_id(r, c, a, p.org, p.ledger, account, &acc, &st);
    if (res != REG_RESULT_FOUND) {
        registry_reply(r, res, st, ERR_ENTITY_NOT_FOUND, "Account");
        goto cleanup;
    }
    char *key = arena_strdup(a, json_get_text(body, "key"));
    for (char *k = key; *k; k++)
        *k = (char)tolower((unsigned char)*k);
    json_object *s = json_get(body, "allowSending");
    json_object *rcv = json_get(body, "allowReceiving");
    create_ctx x = {.a = a,
                    .p = &p,
                    .acc = &acc,
                    .key = key,
                    .allow_sending = s ? json_object_get_boolean(s) : true,
                    .allow_receiving = rcv ? json_object_get_boolean(rcv) : true};
    st = db_tx(c, create_fn, &x);
    if (x.err == ERR_DEFAULT_BALANCE_NOT_FOUND) {
        http_reply_error(r, x.err, "the account has no live default balance");
        goto cleanup;
    }
    if (x.err == ERR_ADDITIONAL_BALANCE_NOT_ALLOWED) {
        http_reply_error(r, x.err, "external accounts cannot have additional balances");
        goto cleanup;
    }
    if (x.err == ERR_DUPLICATED_ALIAS_KEY) {
        http_reply_error(r, x.err, "the account already has a live balance with key %s", key);
        goto cleanup;
    }
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        goto cleanup;
    }
    http_reply_json(r, 201, txn_render_balance(&x.b));
cleanup:
    json_object_put(body);
}

/* ---- internal close (12.3) --------------------------------------------------------------------------- */

typedef struct close_ctx {
    arena *a;
    const path_ids *p;
    const char *account;
    bool nonzero;
    balance_row *rows;
    size_t n;
} close_ctx;

static db_status close_fn(db_conn *c, void *arg)
{
    close_ctx *x = arg;
    x->nonzero = false;
    x->n = 0;
    db_status st = store_reg_account_lock(c, x->account);
    if (st == DB_OK)
        st = store_balance_lock_account(c, x->a, x->p->org, x->p->ledger, x->account, &x->rows, &x->n);
    if (st != DB_OK)
        return st;
    for (size_t i = 0; i < x->n; i++) {
        if (!decimal_is_zero(&x->rows[i].st.available) || !decimal_is_zero(&x->rows[i].st.on_hold)) {
            x->nonzero = true;
            return DB_OK; /* nothing written */
        }
    }
    /* taken under the locks; each balance's deletedAt is after its own stored updatedAt */
    int64_t now = time_now_us();
    for (size_t i = 0; i < x->n; i++) {
        balance_row *b = &x->rows[i];
        b->allow_sending = b->allow_receiving = false;
        b->deleted_us = write_time_after(now, b->updated_us);
        st = store_balance_soft_delete(c, b->id, b->deleted_us, true);
        if (st == DB_OK)
            st = tx_event_balance(c, BUS_ACTION_DELETED, b);
        if (st != DB_OK)
            return st;
    }
    return store_reg_account_close(c, x->account, x->p->org, x->p->ledger, now);
}

void balance_close_account(http_request *r)
{
    path_ids p;
    char account[TXN_ID_LEN];
    ledger_ids(r, &p);
    service_path_id(r, "account_id", account);
    db_conn *c = service_db_or_reply(r);
    if (!c)
        return;
    close_ctx x = {.a = http_req_arena(r), .p = &p, .account = account};
    db_status st = db_tx(c, close_fn, &x);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    if (x.nonzero) {
        http_reply_error(r, ERR_ACCOUNT_BALANCE_DELETION, "the account has a non-zero balance");
        return;
    }
    for (size_t i = 0; i < x.n; i++)
        balance_cache_tombstone(service_cache_of(r), &x.rows[i]);
    http_reply_empty(r, 204);
}
