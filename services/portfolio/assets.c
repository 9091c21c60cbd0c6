/* Asset handlers (HTTP <-> domain): body schemas, the api.md validation order (body, format rules
 * 0040/0004/0033/0005, path checks, business rules), one transaction per write with its outbox
 * events. The create writes the asset and its @external/<code> account together; the delete closes
 * the external accounts' balances at the transaction service first. No SQL here (store_*.c). */
#include "assets.h"

#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "entity/entity.h"
#include "json/json.h"
#include "pf_events.h"
#include "pf_http.h"
#include "pf_resource.h"
#include "pf_remote.h"
#include "pf_rules.h"
#include "pf_scope.h"
#include "service/service.h"
#include "service/service_http.h"
#include "store_account.h"
#include "timeutil/timeutil.h"
#include "util/write_time.h"
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

/* ---- the descriptor of the generic handlers ---------------------------------------------------- */

static db_status asset_get_row(db_conn *c, const pf_scope *s, const char *id, void *row, bool *found)
{
    return pf_store_asset_get(c, s->org, s->ledger, id, DB_LOCK_NONE, row, found);
}

static db_status asset_list_rows(db_conn *c, const pf_scope *s, const page_params *p, void **rows, size_t *n)
{
    pf_asset *items = NULL;
    db_status st = pf_store_asset_list(c, s->org, s->ledger, p, page_filter_get(p, "status"), &items, n);

    *rows = items;
    return st;
}

static json_object *asset_row_json(const void *row)
{
    return pf_asset_to_json(row);
}

static void asset_row_clear(void *row)
{
    pf_asset_clear(row);
}

static const pf_resource asset_resource = {
    .entity = ASSET_ENTITY,
    .id_param = "asset_id",
    .list_filters = asset_list_filters,
    .patch_schema = &asset_patch_schema,
    .row_size = sizeof(pf_asset),
    .get = asset_get_row,
    .list = asset_list_rows,
    .count = pf_store_asset_count,
    .to_json = asset_row_json,
    .clear = asset_row_clear,
};

/* ---- writes ------------------------------------------------------------------------------------ */

/* State of one write transaction (pf_write first: see pf_resource.h); asset_write_reset runs at the
 * start of each db_tx attempt. */
typedef struct asset_write {
    pf_write w;
    pf_asset in;       /* create: the new asset */
    pf_account ext_in; /* create: its external account */
    pf_asset out;
} asset_write;

static void asset_write_reset(asset_write *aw)
{
    pf_write_reset(&aw->w);
    pf_asset_clear(&aw->out);
}

static void asset_write_clear(asset_write *aw)
{
    asset_write_reset(aw);
    pf_asset_clear(&aw->in);
    pf_account_clear(&aw->ext_in);
}

static db_status asset_create_tx(db_conn *c, void *arg)
{
    asset_write *aw = arg;
    pf_write *w = &aw->w;
    pf_account ext = {0};
    json_object *ext_json = NULL;
    bool live = false;
    db_status st = DB_OK;

    asset_write_reset(aw);
    if ((st = pf_scope_lock(c, &w->scope, &live)) != DB_OK)
        goto cleanup;
    if (!live) {
        w->outcome = PF_LEDGER_GONE;
        goto cleanup;
    }
    if ((st = pf_store_asset_insert(c, &aw->in, &aw->out)) != DB_OK) {
        if (st == DB_CONFLICT)
            w->outcome = PF_ASSET_DUPLICATE;
        goto cleanup;
    }
    if ((st = pf_store_account_insert(c, &aw->ext_in, &ext)) != DB_OK) {
        if (st != DB_RETRY && st != DB_UNAVAILABLE)
            w->outcome = PF_CREATION_FAILED;
        goto cleanup;
    }
    w->json = pf_asset_to_json(&aw->out);
    ext_json = pf_account_to_json(&ext);
    /* events.md section 5: asset.created, then account.created of its external account. */
    if ((st = pf_event_emit(c, "asset", BUS_ACTION_CREATED, w->scope.org, w->scope.ledger, aw->out.b.id,
                            aw->out.b.common.created_us, w->json)) != DB_OK)
        goto cleanup;
    st = pf_event_emit(c, "account", BUS_ACTION_CREATED, w->scope.org, w->scope.ledger, ext.b.id,
                       ext.b.common.created_us, ext_json);
cleanup:
    json_object_put(ext_json);
    pf_account_clear(&ext);
    return st;
}

static db_status asset_patch_tx(db_conn *c, void *arg)
{
    asset_write *aw = arg;
    pf_write *w = &aw->w;
    pf_asset cur = {0};
    pf_asset next = {0};
    bool found = false;
    db_status st = DB_OK;

    asset_write_reset(aw);
    if ((st = pf_store_asset_get(c, w->scope.org, w->scope.ledger, w->id, DB_LOCK_UPDATE, &cur, &found)) !=
        DB_OK)
        goto cleanup;
    if (!found) {
        w->outcome = PF_NOT_FOUND;
        goto cleanup;
    }
    /* taken under the row lock and after the stored time: commit order = time order (events.md 7) */
    pf_base_init_patch(&next.b, &cur.b, w->body, write_time_now_after(cur.b.common.updated_us));
    next.name = entity_patch_text_apply(w->body, "name", false, cur.name);
    if ((st = pf_store_asset_update(c, &next, &aw->out, &found)) != DB_OK) {
        if (st == DB_CONFLICT)
            w->outcome = PF_ASSET_DUPLICATE;
        goto cleanup;
    }
    if (!found) {
        st = DB_ERROR; /* locked above: cannot vanish */
        goto cleanup;
    }
    w->json = pf_asset_to_json(&aw->out);
    st = pf_event_emit(c, "asset", BUS_ACTION_UPDATED, w->scope.org, w->scope.ledger, aw->out.b.id,
                       aw->out.b.common.updated_us, w->json);
cleanup:
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
    asset_write *aw = arg;
    pf_write *w = &aw->w;
    pf_account *ext = NULL;
    size_t n_ext = 0;
    pf_account gone = {0};
    json_object *gone_json = NULL;
    bool found = false;
    bool in_use = false;
    int64_t now = 0;
    db_status st = DB_OK;

    asset_write_reset(aw);
    if ((st = pf_store_asset_get(c, w->scope.org, w->scope.ledger, w->id, DB_LOCK_UPDATE, &aw->out,
                                 &found)) != DB_OK)
        goto cleanup;
    if (!found) {
        w->outcome = PF_NOT_FOUND;
        goto cleanup;
    }
    if ((st = pf_store_account_code_in_use(c, w->scope.org, w->scope.ledger, aw->out.code, &in_use)) != DB_OK)
        goto cleanup;
    if (in_use) {
        w->outcome = PF_IN_USE;
        goto cleanup;
    }
    if ((st = pf_store_account_lock_externals(c, w->scope.org, w->scope.ledger, aw->out.code, &ext,
                                              &n_ext)) != DB_OK)
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
    /* events.md section 5: account.deleted of each external account, then asset.deleted. Each time is
     * taken now, under the row locks, and after that row's stored updatedAt. */
    now = time_now_us();
    for (size_t i = 0; i < n_ext; i++) {
        if ((st = pf_store_account_soft_delete(c, w->scope.org, w->scope.ledger, ext[i].b.id,
                                               write_time_after(now, ext[i].b.common.updated_us), &gone,
                                               &found)) != DB_OK)
            goto cleanup;
        if (!found) {
            st = DB_ERROR;
            goto cleanup;
        }
        gone_json = pf_account_to_json(&gone);
        st = pf_event_emit(c, "account", BUS_ACTION_DELETED, w->scope.org, w->scope.ledger, gone.b.id,
                           gone.b.common.deleted_us, gone_json);
        json_object_put(gone_json);
        gone_json = NULL;
        if (st != DB_OK)
            goto cleanup;
    }
    if ((st = pf_store_asset_soft_delete(c, w->scope.org, w->scope.ledger, w->id,
                                         write_time_after(now, aw->out.b.common.updated_us), &aw->out,
                                         &found)) != DB_OK)
        goto cleanup;
    if (!found) {
        st = DB_ERROR;
        goto cleanup;
    }
    w->json = pf_asset_to_json(&aw->out);
    st = pf_event_emit(c, "asset", BUS_ACTION_DELETED, w->scope.org, w->scope.ledger, aw->out.b.id,
                       aw->out.b.common.deleted_us, w->json);
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
    asset_write aw = {0};
    db_conn *c = NULL;
    const char *type = NULL;
    const char *code = NULL;
    int64_t now = 0;
    db_status st = DB_OK;

    if (http_body_json_or_reply(r, &asset_create_schema, JSON_MODE_CREATE, &body) < 0)
        return;
    type = json_get_text(body, "type");
    code = json_get_text(body, "code");
    if (pf_asset_check(type, code, &e) < 0) {
        http_reply_api_error(r, &e);
        goto cleanup;
    }
    if (!(c = service_db_or_reply(r)))
        goto cleanup;
    if (pf_scope_or_reply(r, c, &aw.w.scope) < 0)
        goto cleanup;

    now = time_now_us();
    pf_base_init_create(&aw.in.b, &aw.w.scope, body, now);
    aw.in.name = xstrdup(json_get_text(body, "name"));
    aw.in.type = xstrdup(type);
    aw.in.code = xstrdup(code);

    /* api.md "Assets": the external account created with the asset. */
    uuid_v7_str(aw.ext_in.b.id);
    memcpy(aw.ext_in.b.organization_id, aw.w.scope.org, sizeof(aw.w.scope.org));
    memcpy(aw.ext_in.b.ledger_id, aw.w.scope.ledger, sizeof(aw.w.scope.ledger));
    aw.ext_in.asset_code = xstrdup(code);
    aw.ext_in.name = xasprintf("External %s", code);
    aw.ext_in.alias = pf_external_alias(code);
    aw.ext_in.type = xstrdup("external");
    aw.ext_in.blocked = false;
    aw.ext_in.b.common.status_code = xstrdup("external");
    aw.ext_in.b.common.status_description = xasprintf("Account external created by asset: %s", code);
    aw.ext_in.b.common.metadata = json_object_new_object();
    aw.ext_in.b.common.created_us = aw.ext_in.b.common.updated_us = now;
    aw.ext_in.b.common.deleted_us = -1;

    st = db_tx(c, asset_create_tx, &aw);
    pf_reply_write(r, aw.w.outcome, st, ASSET_ENTITY, 201, aw.w.json);
cleanup:
    api_error_clear(&e);
    asset_write_clear(&aw);
    json_object_put(body);
}

void asset_list(http_request *r)
{
    pf_resource_list(r, &asset_resource);
}

void asset_get(http_request *r)
{
    pf_resource_get(r, &asset_resource);
}

void asset_patch(http_request *r)
{
    asset_write aw = {0};

    pf_resource_patch(r, &asset_resource, &aw.w, asset_patch_tx);
    asset_write_clear(&aw);
}

void asset_delete(http_request *r)
{
    asset_write aw = {0};

    pf_resource_delete(r, &asset_resource, &aw.w, asset_delete_tx);
    asset_write_clear(&aw);
}

void asset_count(http_request *r)
{
    pf_resource_count(r, &asset_resource);
}
