/* Segment handlers (HTTP <-> domain): body schemas, path checks, the 0015 unique live name (enforced
 * by the unique index so concurrent creates have one winner), one transaction per write with its
 * outbox event. No SQL here (store_segment.c). */
#include "segments.h"

#include <stdlib.h>
#include <string.h>

#include "entity/entity.h"
#include "json/json.h"
#include "pf_events.h"
#include "pf_http.h"
#include "pf_resource.h"
#include "pf_scope.h"
#include "service/service.h"
#include "service/service_http.h"
#include "timeutil/timeutil.h"
#include "util/write_time.h"
#include "uuid/uuid.h"

#define SEGMENT_ENTITY "Segment"

static const json_field segment_create_fields[] = {
    {.name = "name", .kind = JK_STRING, .flags = JF_REQUIRED, .min_len = 1, .max_len = 256},
    {.name = "status", .kind = JK_STATUS},
    {.name = "metadata", .kind = JK_METADATA},
};
static const json_schema segment_create_schema = {segment_create_fields, ARRAY_LEN(segment_create_fields)};

static const json_field segment_patch_fields[] = {
    {.name = "name", .kind = JK_STRING, .min_len = 1, .max_len = 256},
    {.name = "status", .kind = JK_STATUS},
    {.name = "metadata", .kind = JK_METADATA},
};
static const json_schema segment_patch_schema = {segment_patch_fields, ARRAY_LEN(segment_patch_fields)};

static const char *const segment_list_filters[] = {"status", NULL};

json_object *pf_segment_to_json(const pf_segment *s)
{
    json_object *obj = json_object_new_object();

    pf_json_add_head(obj, &s->b);
    json_object_object_add(obj, "name", json_object_new_string(s->name ? s->name : ""));
    pf_json_add_tail(obj, &s->b);
    return obj;
}

/* ---- the descriptor of the generic handlers ---------------------------------------------------- */

static db_status segment_get_row(db_conn *c, const pf_scope *s, const char *id, void *row, bool *found)
{
    return pf_store_segment_get(c, s->org, s->ledger, id, DB_LOCK_NONE, row, found);
}

static db_status segment_list_rows(db_conn *c, const pf_scope *s, const page_params *p, void **rows,
                                   size_t *n)
{
    pf_segment *items = NULL;
    db_status st = pf_store_segment_list(c, s->org, s->ledger, p, page_filter_get(p, "status"), &items, n);

    *rows = items;
    return st;
}

static json_object *segment_row_json(const void *row)
{
    return pf_segment_to_json(row);
}

static void segment_row_clear(void *row)
{
    pf_segment_clear(row);
}

static const pf_resource segment_resource = {
    .entity = SEGMENT_ENTITY,
    .id_param = "segment_id",
    .list_filters = segment_list_filters,
    .patch_schema = &segment_patch_schema,
    .row_size = sizeof(pf_segment),
    .get = segment_get_row,
    .list = segment_list_rows,
    .count = pf_store_segment_count,
    .to_json = segment_row_json,
    .clear = segment_row_clear,
};

/* ---- writes ------------------------------------------------------------------------------------ */

/* State of one write transaction (pf_write first: see pf_resource.h). */
typedef struct segment_write {
    pf_write w;
    pf_segment in;
    pf_segment out;
} segment_write;

static void segment_write_reset(segment_write *sw)
{
    pf_write_reset(&sw->w);
    pf_segment_clear(&sw->out);
}

static void segment_write_clear(segment_write *sw)
{
    segment_write_reset(sw);
    pf_segment_clear(&sw->in);
}

static db_status segment_create_tx(db_conn *c, void *arg)
{
    segment_write *sw = arg;
    pf_write *w = &sw->w;
    bool live = false;
    db_status st = DB_OK;

    segment_write_reset(sw);
    if ((st = pf_scope_lock(c, &w->scope, &live)) != DB_OK)
        return st;
    if (!live) {
        w->outcome = PF_LEDGER_GONE;
        return DB_OK;
    }
    if ((st = pf_store_segment_insert(c, &sw->in, &sw->out)) != DB_OK) {
        if (st == DB_CONFLICT)
            w->outcome = PF_SEGMENT_DUPLICATE;
        return st;
    }
    w->json = pf_segment_to_json(&sw->out);
    return pf_event_emit(c, "segment", BUS_ACTION_CREATED, w->scope.org, w->scope.ledger, sw->out.b.id,
                         sw->out.b.common.created_us, w->json);
}

static db_status segment_patch_tx(db_conn *c, void *arg)
{
    segment_write *sw = arg;
    pf_write *w = &sw->w;
    pf_segment cur = {0};
    pf_segment next = {0};
    bool found = false;
    db_status st = DB_OK;

    segment_write_reset(sw);
    if ((st = pf_store_segment_get(c, w->scope.org, w->scope.ledger, w->id, DB_LOCK_UPDATE, &cur, &found)) !=
        DB_OK)
        goto cleanup;
    if (!found) {
        w->outcome = PF_NOT_FOUND;
        goto cleanup;
    }
    /* taken under the row lock and after the stored time: commit order = time order (events.md 7) */
    pf_base_init_patch(&next.b, &cur.b, w->body, write_time_now_after(cur.b.common.updated_us));
    next.name = entity_patch_text_apply(w->body, "name", false, cur.name);
    if ((st = pf_store_segment_update(c, &next, &sw->out, &found)) != DB_OK) {
        if (st == DB_CONFLICT)
            w->outcome = PF_SEGMENT_DUPLICATE;
        goto cleanup;
    }
    if (!found) {
        st = DB_ERROR;
        goto cleanup;
    }
    w->json = pf_segment_to_json(&sw->out);
    st = pf_event_emit(c, "segment", BUS_ACTION_UPDATED, w->scope.org, w->scope.ledger, sw->out.b.id,
                       sw->out.b.common.updated_us, w->json);
cleanup:
    pf_segment_clear(&cur);
    pf_segment_clear(&next);
    return st;
}

static db_status segment_delete_tx(db_conn *c, void *arg)
{
    segment_write *sw = arg;
    pf_write *w = &sw->w;
    bool found = false;
    db_status st = DB_OK;

    segment_write_reset(sw);
    /* lock first: deletedAt is taken under the row lock, after the stored updatedAt (events.md 7) */
    if ((st = pf_store_segment_get(c, w->scope.org, w->scope.ledger, w->id, DB_LOCK_UPDATE, &sw->out,
                                   &found)) != DB_OK)
        return st;
    if (!found) {
        w->outcome = PF_NOT_FOUND;
        return DB_OK;
    }
    if ((st = pf_store_segment_soft_delete(c, w->scope.org, w->scope.ledger, w->id,
                                           write_time_now_after(sw->out.b.common.updated_us), &sw->out,
                                           &found)) != DB_OK)
        return st;
    if (!found)
        return DB_ERROR; /* locked above: cannot vanish */
    w->json = pf_segment_to_json(&sw->out);
    return pf_event_emit(c, "segment", BUS_ACTION_DELETED, w->scope.org, w->scope.ledger, sw->out.b.id,
                         sw->out.b.common.deleted_us, w->json);
}

/* ---- handlers ---------------------------------------------------------------------------------- */

void segment_create(http_request *r)
{
    json_object *body = NULL;
    segment_write sw = {0};
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (http_body_json_or_reply(r, &segment_create_schema, JSON_MODE_CREATE, &body) < 0)
        return;
    if (!(c = service_db_or_reply(r)) || pf_scope_or_reply(r, c, &sw.w.scope) < 0)
        goto cleanup;
    pf_base_init_create(&sw.in.b, &sw.w.scope, body, time_now_us());
    sw.in.name = xstrdup(json_get_text(body, "name"));
    st = db_tx(c, segment_create_tx, &sw);
    pf_reply_write(r, sw.w.outcome, st, SEGMENT_ENTITY, 201, sw.w.json);
cleanup:
    segment_write_clear(&sw);
    json_object_put(body);
}

void segment_list(http_request *r)
{
    pf_resource_list(r, &segment_resource);
}

void segment_get(http_request *r)
{
    pf_resource_get(r, &segment_resource);
}

void segment_patch(http_request *r)
{
    segment_write sw = {0};

    pf_resource_patch(r, &segment_resource, &sw.w, segment_patch_tx);
    segment_write_clear(&sw);
}

void segment_delete(http_request *r)
{
    segment_write sw = {0};

    pf_resource_delete(r, &segment_resource, &sw.w, segment_delete_tx);
    segment_write_clear(&sw);
}

void segment_count(http_request *r)
{
    pf_resource_count(r, &segment_resource);
}
