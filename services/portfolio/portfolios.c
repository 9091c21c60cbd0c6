/* Portfolio handlers (HTTP <-> domain): body schemas (entityId is free text), path checks, one
 * transaction per write with its outbox event; a delete never blocks (accounts keep their
 * portfolioId). No SQL here (store_portfolio.c). */
#include "portfolios.h"

#include <stdlib.h>
#include <string.h>

#include "entity/entity.h"
#include "json/json.h"
#include "pf_events.h"
#include "pf_http.h"
#include "pf_resource.h"
#include "pf_rules.h"
#include "pf_scope.h"
#include "service/service.h"
#include "service/service_http.h"
#include "timeutil/timeutil.h"
#include "util/write_time.h"
#include "uuid/uuid.h"

#define PORTFOLIO_ENTITY "Portfolio"

static const json_field portfolio_create_fields[] = {
    {.name = "name", .kind = JK_STRING, .flags = JF_REQUIRED, .min_len = 1, .max_len = 256},
    {.name = "entityId", .kind = JK_STRING, .flags = JF_NULLABLE, .max_len = 256},
    {.name = "status", .kind = JK_STATUS},
    {.name = "metadata", .kind = JK_METADATA},
};
static const json_schema portfolio_create_schema = {portfolio_create_fields,
                                                    ARRAY_LEN(portfolio_create_fields)};

static const json_field portfolio_patch_fields[] = {
    {.name = "name", .kind = JK_STRING, .min_len = 1, .max_len = 256},
    {.name = "entityId", .kind = JK_STRING, .flags = JF_NULLABLE, .max_len = 256},
    {.name = "status", .kind = JK_STATUS},
    {.name = "metadata", .kind = JK_METADATA},
};
static const json_schema portfolio_patch_schema = {portfolio_patch_fields, ARRAY_LEN(portfolio_patch_fields)};

static const char *const portfolio_list_filters[] = {"entity_id", "status", NULL};

json_object *pf_portfolio_to_json(const pf_portfolio *s)
{
    json_object *obj = json_object_new_object();

    pf_json_add_head(obj, &s->b);
    json_object_object_add(obj, "name", json_object_new_string(s->name ? s->name : ""));
    json_object_object_add(obj, "entityId", service_json_text(s->entity_id));
    pf_json_add_tail(obj, &s->b);
    return obj;
}

/* ---- the descriptor of the generic handlers ---------------------------------------------------- */

static db_status portfolio_get_row(db_conn *c, const pf_scope *s, const char *id, void *row, bool *found)
{
    return pf_store_portfolio_get(c, s->org, s->ledger, id, DB_LOCK_NONE, row, found);
}

static db_status portfolio_list_rows(db_conn *c, const pf_scope *s, const page_params *p, void **rows,
                                     size_t *n)
{
    const pf_portfolio_filter f = {
        .entity_id = page_filter_get(p, "entity_id"),
        .status = page_filter_get(p, "status"),
    };
    pf_portfolio *items = NULL;
    db_status st = pf_store_portfolio_list(c, s->org, s->ledger, p, &f, &items, n);

    *rows = items;
    return st;
}

static json_object *portfolio_row_json(const void *row)
{
    return pf_portfolio_to_json(row);
}

static void portfolio_row_clear(void *row)
{
    pf_portfolio_clear(row);
}

static const pf_resource portfolio_resource = {
    .entity = PORTFOLIO_ENTITY,
    .id_param = "portfolio_id",
    .list_filters = portfolio_list_filters,
    .patch_schema = &portfolio_patch_schema,
    .row_size = sizeof(pf_portfolio),
    .get = portfolio_get_row,
    .list = portfolio_list_rows,
    .count = pf_store_portfolio_count,
    .to_json = portfolio_row_json,
    .clear = portfolio_row_clear,
};

/* ---- writes ------------------------------------------------------------------------------------ */

/* State of one write transaction (pf_write first: see pf_resource.h). */
typedef struct portfolio_write {
    pf_write w;
    pf_portfolio in;
    pf_portfolio out;
} portfolio_write;

static void portfolio_write_reset(portfolio_write *pw)
{
    pf_write_reset(&pw->w);
    pf_portfolio_clear(&pw->out);
}

static void portfolio_write_clear(portfolio_write *pw)
{
    portfolio_write_reset(pw);
    pf_portfolio_clear(&pw->in);
}

static db_status portfolio_create_tx(db_conn *c, void *arg)
{
    portfolio_write *pw = arg;
    pf_write *w = &pw->w;
    bool live = false;
    db_status st = DB_OK;

    portfolio_write_reset(pw);
    if ((st = pf_scope_lock(c, &w->scope, &live)) != DB_OK)
        return st;
    if (!live) {
        w->outcome = PF_LEDGER_GONE;
        return DB_OK;
    }
    if ((st = pf_store_portfolio_insert(c, &pw->in, &pw->out)) != DB_OK)
        return st;
    w->json = pf_portfolio_to_json(&pw->out);
    return pf_event_emit(c, "portfolio", BUS_ACTION_CREATED, w->scope.org, w->scope.ledger, pw->out.b.id,
                         pw->out.b.common.created_us, w->json);
}

static db_status portfolio_patch_tx(db_conn *c, void *arg)
{
    portfolio_write *pw = arg;
    pf_write *w = &pw->w;
    pf_portfolio cur = {0};
    pf_portfolio next = {0};
    bool found = false;
    db_status st = DB_OK;

    portfolio_write_reset(pw);
    if ((st = pf_store_portfolio_get(c, w->scope.org, w->scope.ledger, w->id, DB_LOCK_UPDATE, &cur,
                                     &found)) != DB_OK)
        goto cleanup;
    if (!found) {
        w->outcome = PF_NOT_FOUND;
        goto cleanup;
    }
    /* taken under the row lock and after the stored time: commit order = time order (events.md 7) */
    pf_base_init_patch(&next.b, &cur.b, w->body, write_time_now_after(cur.b.common.updated_us));
    next.name = entity_patch_text_apply(w->body, "name", false, cur.name);
    next.entity_id = entity_patch_text_apply(w->body, "entityId", true, cur.entity_id);
    if ((st = pf_store_portfolio_update(c, &next, &pw->out, &found)) != DB_OK)
        goto cleanup;
    if (!found) {
        st = DB_ERROR;
        goto cleanup;
    }
    w->json = pf_portfolio_to_json(&pw->out);
    st = pf_event_emit(c, "portfolio", BUS_ACTION_UPDATED, w->scope.org, w->scope.ledger, pw->out.b.id,
                       pw->out.b.common.updated_us, w->json);
cleanup:
    pf_portfolio_clear(&cur);
    pf_portfolio_clear(&next);
    return st;
}

static db_status portfolio_delete_tx(db_conn *c, void *arg)
{
    portfolio_write *pw = arg;
    pf_write *w = &pw->w;
    bool found = false;
    db_status st = DB_OK;

    portfolio_write_reset(pw);
    /* lock first: deletedAt is taken under the row lock, after the stored updatedAt (events.md 7) */
    if ((st = pf_store_portfolio_get(c, w->scope.org, w->scope.ledger, w->id, DB_LOCK_UPDATE, &pw->out,
                                     &found)) != DB_OK)
        return st;
    if (!found) {
        w->outcome = PF_NOT_FOUND;
        return DB_OK;
    }
    if ((st = pf_store_portfolio_soft_delete(c, w->scope.org, w->scope.ledger, w->id,
                                             write_time_now_after(pw->out.b.common.updated_us), &pw->out,
                                             &found)) != DB_OK)
        return st;
    if (!found)
        return DB_ERROR; /* locked above: cannot vanish */
    w->json = pf_portfolio_to_json(&pw->out);
    return pf_event_emit(c, "portfolio", BUS_ACTION_DELETED, w->scope.org, w->scope.ledger, pw->out.b.id,
                         pw->out.b.common.deleted_us, w->json);
}

/* ---- handlers ---------------------------------------------------------------------------------- */

void portfolio_create(http_request *r)
{
    json_object *body = NULL;
    portfolio_write pw = {0};
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (http_body_json_or_reply(r, &portfolio_create_schema, JSON_MODE_CREATE, &body) < 0)
        return;
    if (!(c = service_db_or_reply(r)) || pf_scope_or_reply(r, c, &pw.w.scope) < 0)
        goto cleanup;
    pf_base_init_create(&pw.in.b, &pw.w.scope, body, time_now_us());
    pw.in.name = xstrdup(json_get_text(body, "name"));
    pw.in.entity_id = pf_text_dup(body, "entityId");
    st = db_tx(c, portfolio_create_tx, &pw);
    pf_reply_write(r, pw.w.outcome, st, PORTFOLIO_ENTITY, 201, pw.w.json);
cleanup:
    portfolio_write_clear(&pw);
    json_object_put(body);
}

void portfolio_list(http_request *r)
{
    pf_resource_list(r, &portfolio_resource);
}

void portfolio_get(http_request *r)
{
    pf_resource_get(r, &portfolio_resource);
}

void portfolio_patch(http_request *r)
{
    portfolio_write pw = {0};

    pf_resource_patch(r, &portfolio_resource, &pw.w, portfolio_patch_tx);
    portfolio_write_clear(&pw);
}

void portfolio_delete(http_request *r)
{
    portfolio_write pw = {0};

    pf_resource_delete(r, &portfolio_resource, &pw.w, portfolio_delete_tx);
    portfolio_write_clear(&pw);
}

void portfolio_count(http_request *r)
{
    pf_resource_count(r, &portfolio_resource);
}
