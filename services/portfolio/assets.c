/* Asset handlers (HTTP <-> domain): body schemas, the api.md validation order (body, format rules
 * 0040/0004/0033/0005, path checks, business rules), one transaction per write with its outbox
 * events. The create writes the asset and its @external/<code> account together; the delete closes
 * the external accounts' balances at the transaction service first. No SQL here (store_*.c). */
#include "assets.h"

#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "json/json.h"
#include "pf_events.h"
#include "pf_http.h"
#include "pf_remote.h"
#include "pf_rules.h"
#include "pf_scope.h"
#include "service/service.h"
#include "store_account.h"
#include "timeutil/timeutil.h"
#include "uuid/uuid.h"

#define ASSET_ENTITY "Asset"

static const json_field asset_create_fields[] = {
    {.name = "name", .kind = JK_STRING, .flags = JF_REQUIRED, .min_len = 1, .max_len = 256},
    {.name = "type", .kind = JK_STRING, .flags = JF_REQUIRED},
    {.name = "code", .kind = JK_STRING, .flags = JF_REQUIRED, .min_len = 1, .max_len = 100},
    {.name = "status", .kind = JK_STATUS},
    {.name = "metadata", .kind = JK_METADATA},
};
static const json_schema asset_create_schema = {asset_create_fields, ARRAY_LEN(asset_create_fields)};

static const json_field asset_patch_fields[] = {
    {.name = "name", .kind = JK_STRING, .min_len = 1, .max_len = 256},
    {.name = "type", .kind = JK_ANY, .flags = JF_IMMUTABLE},
    {.name = "code", .kind = JK_ANY, .flags = JF_IMMUTABLE},
    {.name = "status", .kind = JK_STATUS},
    {.name = "metadata", .kind = JK_METADATA},
};
static const json_schema asset_patch_schema = {asset_patch_fields, ARRAY_LEN(asset_patch_fields)};

static const char *const asset_list_filters[] = {"status", NULL};

static const json_schema *asset_create_choose(json_object *body)
{
    (void)body;
    return &asset_create_schema;
}

static const json_schema *asset_patch_choose(json_object *body)
{
    (void)body;
    return &asset_patch_schema;
}

json_object *pf_asset_to_json(const pf_asset *a)
{
    json_object *obj = json_object_new_object();

    pf_json_add_head(obj, &a->b);
    json_object_object_add(obj, "name", json_object_new_string(a->name ? a->name : ""));
    json_object_object_add(obj, "type", json_object_new_string(a->type ? a->type : ""));
    json_object_object_add(obj, "code", json_object_new_string(a->code ? a->code : ""));
    pf_json_add_tail(obj, &a->b);
    return obj;
}

/* ---- writes ------------------------------------------------------------------------------------ */

/* State of one write transaction; asset_write_reset runs at the start of each db_tx attempt. */
typedef struct asset_write {
    pf_scope scope;
    const char *id;         /* PATCH / DELETE target (lowercase) */
    const char *request_id; /* for the balance close calls */
    json_object *body;      /* PATCH body */
    int64_t now_us;
    pf_asset in;       /* create: the new asset */
    pf_account ext_in; /* create: its external account */
    pf_outcome outcome;
    pf_asset out;
    json_object *json; /* response and event data */
} asset_write;

static void asset_write_reset(asset_write *w)
{
    w->outcome = PF_OK;
    pf_asset_clear(&w->out);
    json_object_put(w->json);
    w->json = NULL;
}

static void asset_write_clear(asset_write *w)
{
    asset_write_reset(w);
    pf_asset_clear(&w->in);
    pf_account_clear(&w->ext_in);
}

static db_status asset_create_tx(db_conn *c, void *arg)
{
    asset_write *w = arg;
    pf_account ext = {0};
    json_object *ext_json = NULL;
    bool live = false;
    db_status st = DB_OK;

    asset_write_reset(w);
    if ((st = pf_scope_lock(c, &w->scope, &live)) != DB_OK)
        goto cleanup;
    if (!live) {
        w->outcome = PF_LEDGER_GONE;
        goto cleanup;
    }
    if ((st = pf_store_asset_insert(c, &w->in, &w->out)) != DB_OK) {
        if (st == DB_CONFLICT)
            w->outcome = PF_ASSET_DUPLICATE;
        goto cleanup;
    }
    if ((st = pf_store_account_insert(c, &w->ext_in, &ext)) != DB_OK) {
        if (st != DB_RETRY && st != DB_UNAVAILABLE)
            w->outcome = PF_CREATION_FAILED;
        goto cleanup;
    }
    w->json = pf_asset_to_json(&w->out);
    ext_json = pf_account_to_json(&ext);
    /* events.md section 5: asset.created, then account.created of its external account. */
    if ((st = pf_event_emit(c, "asset", PF_EVENT_CREATED, w->scope.org, w->scope.ledger, w->out.b.id,
                            w->out.b.created_us, w->json)) != DB_OK)
        goto cleanup;
    st = pf_event_emit(c, "account", PF_EVENT_CREATED, w->scope.org, w->scope.ledger, ext.b.id,
                       ext.b.created_us, ext_json);
cleanup:
    json_object_put(ext_json);
    pf_account_clear(&ext);
    return st;
}

static db_status asset_patch_tx(db_conn *c, void *arg)
{
    asset_write *w = arg;
    pf_asset cur = {0};
    pf_asset next = {0};
    pf_status status = {0};
    bool found = false;
    db_status st = DB_OK;

    asset_write_reset(w);
    if ((st = pf_store_asset_get(c, w->scope.org, w->scope.ledger, w->id, PF_LOCK_UPDATE, &cur, &found)) !=
        DB_OK)
        goto cleanup;
    if (!found) {
        w->outcome = PF_NOT_FOUND;
        goto cleanup;
    }
    next.b = cur.b;
    next.b.status_code = NULL;
    next.b.status_description = NULL;
    next.b.metadata = NULL;
    next.name = pf_patch_text_apply(w->body, "name", false, cur.name);
    pf_status_for_patch(json_get(w->body, "status"), cur.b.status_code, cur.b.status_description, &status);
    next.b.status_code = status.code;
    next.b.status_description = status.description;
    status.code = status.description = NULL;
    next.b.metadata =
        json_metadata_merge(cur.b.metadata, json_get(w->body, "metadata"), json_has(w->body, "metadata"));
    next.b.updated_us = w->now_us;
    if ((st = pf_store_asset_update(c, &next, &w->out, &found)) != DB_OK) {
        if (st == DB_CONFLICT)
            w->outcome = PF_ASSET_DUPLICATE;
        goto cleanup;
    }
    if (!found) {
        st = DB_ERROR; /* locked above: cannot vanish */
        goto cleanup;
    }
    w->json = pf_asset_to_json(&w->out);
    st = pf_event_emit(c, "asset", PF_EVENT_UPDATED, w->scope.org, w->scope.ledger, w->out.b.id,
                       w->out.b.updated_us, w->json);
cleanup:
    pf_status_clear(&status);
    pf_asset_clear(&cur);
    pf_asset_clear(&next);
    return st;
}

/* Asset delete: lock the asset, refuse while a live non-external account uses its code (0008), lock
 * the external accounts and have the transaction service close their balances (a refusal rolls
 * everything back), then soft-delete them and the asset. The balance close runs while the rows are
 * locked so no account can be created with the code in between; it is idempotent at the transaction
 * service, so a retried attempt may call it again. */
static db_status asset_delete_tx(db_conn *c, void *arg)
{
    asset_write *w = arg;
    pf_account *ext = NULL;
    size_t n_ext = 0;
    pf_account gone = {0};
    json_object *gone_json = NULL;
    bool found = false;
    bool in_use = false;
    db_status st = DB_OK;

    asset_write_reset(w);
    if ((st = pf_store_asset_get(c, w->scope.org, w->scope.ledger, w->id, PF_LOCK_UPDATE, &w->out, &found)) !=
        DB_OK)
        goto cleanup;
    if (!found) {
        w->outcome = PF_NOT_FOUND;
        goto cleanup;
    }
    if ((st = pf_store_account_code_in_use(c, w->scope.org, w->scope.ledger, w->out.code, &in_use)) != DB_OK)
        goto cleanup;
    if (in_use) {
        w->outcome = PF_IN_USE;
        goto cleanup;
    }
    if ((st = pf_store_account_lock_externals(c, w->scope.org, w->scope.ledger, w->out.code, &ext, &n_ext)) !=
        DB_OK)
        goto cleanup;
    for (size_t i = 0; i < n_ext; i++) {
        switch (pf_remote_close_balances(w->request_id, w->scope.org, w->scope.ledger, ext[i].b.id)) {
        case PF_CLOSE_DONE:
            continue;
        case PF_CLOSE_NONZERO:
            w->outcome = PF_BALANCE_NONZERO;
            break;
        case PF_CLOSE_UNAVAILABLE:
            w->outcome = PF_UNAVAILABLE;
            break;
        }
        st = DB_CHECK; /* roll back: nothing is deleted */
        goto cleanup;
    }
    /* events.md section 5: account.deleted of each external account, then asset.deleted. */
    for (size_t i = 0; i < n_ext; i++) {
        if ((st = pf_store_account_soft_delete(c, w->scope.org, w->scope.ledger, ext[i].b.id, w->now_us,
                                               &gone, &found)) != DB_OK)
            goto cleanup;
        if (!found) {
            st = DB_ERROR;
            goto cleanup;
        }
        gone_json = pf_account_to_json(&gone);
        st = pf_event_emit(c, "account", PF_EVENT_DELETED, w->scope.org, w->scope.ledger, gone.b.id,
                           gone.b.deleted_us, gone_json);
        json_object_put(gone_json);
        gone_json = NULL;
        if (st != DB_OK)
            goto cleanup;
    }
    if ((st = pf_store_asset_soft_delete(c, w->scope.org, w->scope.ledger, w->id, w->now_us, &w->out,
                                         &found)) != DB_OK)
        goto cleanup;
    if (!found) {
        st = DB_ERROR;
        goto cleanup;
    }
    w->json = pf_asset_to_json(&w->out);
    st = pf_event_emit(c, "asset", PF_EVENT_DELETED, w->scope.org, w->scope.ledger, w->out.b.id,
                       w->out.b.deleted_us, w->json);
cleanup:
    json_object_put(gone_json);
    pf_account_clear(&gone);
    pf_account_list_free(ext, n_ext);
    return st;
}

/* ---- handlers ---------------------------------------------------------------------------------- */

void asset_create(http_request *r)
{
    json_object *body = NULL;
    api_error e = {0};
    asset_write w = {0};
    pf_status status = {0};
    db_conn *c = NULL;
    const char *type = NULL;
    const char *code = NULL;
    db_status st = DB_OK;

    if (pf_body_or_reply(r, asset_create_choose, JSON_MODE_CREATE, &body) < 0)
        return;
    type = json_get_text(body, "type");
    code = json_get_text(body, "code");
    if (pf_asset_check(type, code, &e) < 0) {
        http_reply_api_error(r, &e);
        goto cleanup;
    }
    if (!(c = pf_db_or_reply(r)))
        goto cleanup;
    if (pf_scope_or_reply(r, c, &w.scope) < 0)
        goto cleanup;

    int64_t now = time_now_us();
    uuid_v7_str(w.in.b.id);
    memcpy(w.in.b.organization_id, w.scope.org, sizeof(w.scope.org));
    memcpy(w.in.b.ledger_id, w.scope.ledger, sizeof(w.scope.ledger));
    w.in.name = xstrdup(json_get_text(body, "name"));
    w.in.type = xstrdup(type);
    w.in.code = xstrdup(code);
    pf_status_for_create(json_get(body, "status"), &status);
    w.in.b.status_code = status.code;
    w.in.b.status_description = status.description;
    status.code = status.description = NULL;
    w.in.b.metadata = json_metadata_for_create(json_get(body, "metadata"));
    w.in.b.created_us = w.in.b.updated_us = now;
    w.in.b.deleted_us = -1;

    /* api.md "Assets": the external account created with the asset. */
    uuid_v7_str(w.ext_in.b.id);
    memcpy(w.ext_in.b.organization_id, w.scope.org, sizeof(w.scope.org));
    memcpy(w.ext_in.b.ledger_id, w.scope.ledger, sizeof(w.scope.ledger));
    w.ext_in.asset_code = xstrdup(code);
    w.ext_in.name = xasprintf("External %s", code);
    w.ext_in.alias = pf_external_alias(code);
    w.ext_in.type = xstrdup("external");
    w.ext_in.blocked = false;
    w.ext_in.b.status_code = xstrdup("external");
    w.ext_in.b.status_description = xasprintf("Account external created by asset: %s", code);
    w.ext_in.b.metadata = json_object_new_object();
    w.ext_in.b.created_us = w.ext_in.b.updated_us = now;
    w.ext_in.b.deleted_us = -1;

    st = db_tx(c, asset_create_tx, &w);
    pf_reply_write(r, w.outcome, st, ASSET_ENTITY, 201, w.json);
cleanup:
    api_error_clear(&e);
    pf_status_clear(&status);
    asset_write_clear(&w);
    json_object_put(body);
}

void asset_list(http_request *r)
{
    page_params p;
    pf_scope s;
    pf_asset *items = NULL;
    size_t n = 0;
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (pf_page_params_or_reply(r, asset_list_filters, &p) < 0)
        return;
    if (!(c = pf_db_or_reply(r)) || pf_scope_or_reply(r, c, &s) < 0)
        return;
    st = pf_store_asset_list(c, s.org, s.ledger, &p, page_filter_get(&p, "status"), &items, &n);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    json_object *arr = json_object_new_array_ext((int)n);
    for (size_t i = 0; i < n; i++)
        json_object_array_add(arr, pf_asset_to_json(&items[i]));
    pf_asset_list_free(items, n);
    http_reply_json(r, 200, pf_list_envelope(arr, &p));
}

void asset_get(http_request *r)
{
    pf_scope s;
    pf_asset a = {0};
    char id[UUID_STR_LEN + 1];
    bool found = false;
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (!(c = pf_db_or_reply(r)) || pf_scope_or_reply(r, c, &s) < 0)
        return;
    pf_path_id(r, "asset_id", id);
    st = pf_store_asset_get(c, s.org, s.ledger, id, PF_LOCK_NONE, &a, &found);
    if (st != DB_OK)
        service_reply_db_error(r, st);
    else if (!found)
        pf_reply_not_found(r, ERR_ENTITY_NOT_FOUND, ASSET_ENTITY);
    else
        http_reply_json(r, 200, pf_asset_to_json(&a));
    pf_asset_clear(&a);
}

void asset_patch(http_request *r)
{
    json_object *body = NULL;
    asset_write w = {0};
    char id[UUID_STR_LEN + 1];
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (pf_body_or_reply(r, asset_patch_choose, JSON_MODE_PATCH, &body) < 0)
        return;
    if (!(c = pf_db_or_reply(r)) || pf_scope_or_reply(r, c, &w.scope) < 0)
        goto cleanup;
    pf_path_id(r, "asset_id", id);
    w.id = id;
    w.body = body;
    w.now_us = time_now_us();
    st = db_tx(c, asset_patch_tx, &w);
    pf_reply_write(r, w.outcome, st, ASSET_ENTITY, 200, w.json);
cleanup:
    asset_write_clear(&w);
    json_object_put(body);
}

void asset_delete(http_request *r)
{
    asset_write w = {0};
    char id[UUID_STR_LEN + 1];
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (!(c = pf_db_or_reply(r)) || pf_scope_or_reply(r, c, &w.scope) < 0)
        return;
    pf_path_id(r, "asset_id", id);
    w.id = id;
    w.request_id = http_req_id(r);
    w.now_us = time_now_us();
    st = db_tx(c, asset_delete_tx, &w);
    pf_reply_write(r, w.outcome, st, ASSET_ENTITY, 204, NULL);
    asset_write_clear(&w);
}

void asset_count(http_request *r)
{
    pf_scope s;
    int64_t n = 0;
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (!(c = pf_db_or_reply(r)) || pf_scope_or_reply(r, c, &s) < 0)
        return;
    st = pf_store_asset_count(c, s.org, s.ledger, &n);
    if (st != DB_OK)
        service_reply_db_error(r, st);
    else
        pf_reply_count(r, n);
}
