/* Segment handlers (HTTP <-> domain): body schemas, path checks, the 0015 unique live name (enforced
 * by the unique index so concurrent creates have one winner), one transaction per write with its
 * outbox event. No SQL here (store_segment.c). */
#include "segments.h"

#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "pf_events.h"
#include "pf_http.h"
#include "pf_rules.h"
#include "pf_scope.h"
#include "service/service.h"
#include "timeutil/timeutil.h"
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

static const json_schema *segment_create_choose(json_object *body)
{
    (void)body;
    return &segment_create_schema;
}

static const json_schema *segment_patch_choose(json_object *body)
{
    (void)body;
    return &segment_patch_schema;
}

json_object *pf_segment_to_json(const pf_segment *s)
{
    json_object *obj = json_object_new_object();

    pf_json_add_head(obj, &s->b);
    json_object_object_add(obj, "name", json_object_new_string(s->name ? s->name : ""));
    pf_json_add_tail(obj, &s->b);
    return obj;
}

typedef struct segment_write {
    pf_scope scope;
    const char *id;
    json_object *body;
    int64_t now_us;
    pf_segment in;
    pf_outcome outcome;
    pf_segment out;
    json_object *json;
} segment_write;

static void segment_write_reset(segment_write *w)
{
    w->outcome = PF_OK;
    pf_segment_clear(&w->out);
    json_object_put(w->json);
    w->json = NULL;
}

static void segment_write_clear(segment_write *w)
{
    segment_write_reset(w);
    pf_segment_clear(&w->in);
}

static db_status segment_create_tx(db_conn *c, void *arg)
{
    segment_write *w = arg;
    bool live = false;
    db_status st = DB_OK;

    segment_write_reset(w);
    if ((st = pf_scope_lock(c, &w->scope, &live)) != DB_OK)
        return st;
    if (!live) {
        w->outcome = PF_LEDGER_GONE;
        return DB_OK;
    }
    if ((st = pf_store_segment_insert(c, &w->in, &w->out)) != DB_OK) {
        if (st == DB_CONFLICT)
            w->outcome = PF_SEGMENT_DUPLICATE;
        return st;
    }
    w->json = pf_segment_to_json(&w->out);
    return pf_event_emit(c, "segment", PF_EVENT_CREATED, w->scope.org, w->scope.ledger, w->out.b.id,
                         w->out.b.created_us, w->json);
}

static db_status segment_patch_tx(db_conn *c, void *arg)
{
    segment_write *w = arg;
    pf_segment cur = {0};
    pf_segment next = {0};
    pf_status status = {0};
    bool found = false;
    db_status st = DB_OK;

    segment_write_reset(w);
    if ((st = pf_store_segment_get(c, w->scope.org, w->scope.ledger, w->id, PF_LOCK_UPDATE, &cur, &found)) !=
        DB_OK)
        goto cleanup;
    if (!found) {
        w->outcome = PF_NOT_FOUND;
        goto cleanup;
    }
    next.b = cur.b;
    next.b.status_code = next.b.status_description = NULL;
    next.b.metadata = NULL;
    next.name = pf_patch_text_apply(w->body, "name", false, cur.name);
    pf_status_for_patch(json_get(w->body, "status"), cur.b.status_code, cur.b.status_description, &status);
    next.b.status_code = status.code;
    next.b.status_description = status.description;
    status.code = status.description = NULL;
    next.b.metadata =
        json_metadata_merge(cur.b.metadata, json_get(w->body, "metadata"), json_has(w->body, "metadata"));
    next.b.updated_us = w->now_us;
    if ((st = pf_store_segment_update(c, &next, &w->out, &found)) != DB_OK) {
        if (st == DB_CONFLICT)
            w->outcome = PF_SEGMENT_DUPLICATE;
        goto cleanup;
    }
    if (!found) {
        st = DB_ERROR;
        goto cleanup;
    }
    w->json = pf_segment_to_json(&w->out);
    st = pf_event_emit(c, "segment", PF_EVENT_UPDATED, w->scope.org, w->scope.ledger, w->out.b.id,
                       w->out.b.updated_us, w->json);
cleanup:
    pf_status_clear(&status);
    pf_segment_clear(&cur);
    pf_segment_clear(&next);
    return st;
}

static db_status segment_delete_tx(db_conn *c, void *arg)
{
    segment_write *w = arg;
    bool found = false;
    db_status st = DB_OK;

    segment_write_reset(w);
    if ((st = pf_store_segment_soft_delete(c, w->scope.org, w->scope.ledger, w->id, w->now_us, &w->out,
                                           &found)) != DB_OK)
        return st;
    if (!found) {
        w->outcome = PF_NOT_FOUND;
        return DB_OK;
    }
    w->json = pf_segment_to_json(&w->out);
    return pf_event_emit(c, "segment", PF_EVENT_DELETED, w->scope.org, w->scope.ledger, w->out.b.id,
                         w->out.b.deleted_us, w->json);
}

void segment_create(http_request *r)
{
    json_object *body = NULL;
    segment_write w = {0};
    pf_status status = {0};
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (pf_body_or_reply(r, segment_create_choose, JSON_MODE_CREATE, &body) < 0)
        return;
    if (!(c = pf_db_or_reply(r)) || pf_scope_or_reply(r, c, &w.scope) < 0)
        goto cleanup;
    uuid_v7_str(w.in.b.id);
    memcpy(w.in.b.organization_id, w.scope.org, sizeof(w.scope.org));
    memcpy(w.in.b.ledger_id, w.scope.ledger, sizeof(w.scope.ledger));
    w.in.name = xstrdup(json_get_text(body, "name"));
    pf_status_for_create(json_get(body, "status"), &status);
    w.in.b.status_code = status.code;
    w.in.b.status_description = status.description;
    status.code = status.description = NULL;
    w.in.b.metadata = json_metadata_for_create(json_get(body, "metadata"));
    w.in.b.created_us = w.in.b.updated_us = time_now_us();
    w.in.b.deleted_us = -1;
    st = db_tx(c, segment_create_tx, &w);
    pf_reply_write(r, w.outcome, st, SEGMENT_ENTITY, 201, w.json);
cleanup:
    pf_status_clear(&status);
    segment_write_clear(&w);
    json_object_put(body);
}

void segment_list(http_request *r)
{
    page_params p;
    pf_scope s;
    pf_segment *items = NULL;
    size_t n = 0;
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (pf_page_params_or_reply(r, segment_list_filters, &p) < 0)
        return;
    if (!(c = pf_db_or_reply(r)) || pf_scope_or_reply(r, c, &s) < 0)
        return;
    st = pf_store_segment_list(c, s.org, s.ledger, &p, page_filter_get(&p, "status"), &items, &n);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    json_object *arr = json_object_new_array_ext((int)n);
    for (size_t i = 0; i < n; i++)
        json_object_array_add(arr, pf_segment_to_json(&items[i]));
    pf_segment_list_free(items, n);
    http_reply_json(r, 200, pf_list_envelope(arr, &p));
}

void segment_get(http_request *r)
{
    pf_scope s;
    pf_segment seg = {0};
    char id[UUID_STR_LEN + 1];
    bool found = false;
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (!(c = pf_db_or_reply(r)) || pf_scope_or_reply(r, c, &s) < 0)
        return;
    pf_path_id(r, "segment_id", id);
    st = pf_store_segment_get(c, s.org, s.ledger, id, PF_LOCK_NONE, &seg, &found);
    if (st != DB_OK)
        service_reply_db_error(r, st);
    else if (!found)
        pf_reply_not_found(r, ERR_ENTITY_NOT_FOUND, SEGMENT_ENTITY);
    else
        http_reply_json(r, 200, pf_segment_to_json(&seg));
    pf_segment_clear(&seg);
}

void segment_patch(http_request *r)
{
    json_object *body = NULL;
    segment_write w = {0};
    char id[UUID_STR_LEN + 1];
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (pf_body_or_reply(r, segment_patch_choose, JSON_MODE_PATCH, &body) < 0)
        return;
    if (!(c = pf_db_or_reply(r)) || pf_scope_or_reply(r, c, &w.scope) < 0)
        goto cleanup;
    pf_path_id(r, "segment_id", id);
    w.id = id;
    w.body = body;
    w.now_us = time_now_us();
    st = db_tx(c, segment_patch_tx, &w);
    pf_reply_write(r, w.outcome, st, SEGMENT_ENTITY, 200, w.json);
cleanup:
    segment_write_clear(&w);
    json_object_put(body);
}

void segment_delete(http_request *r)
{
    segment_write w = {0};
    char id[UUID_STR_LEN + 1];
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (!(c = pf_db_or_reply(r)) || pf_scope_or_reply(r, c, &w.scope) < 0)
        return;
    pf_path_id(r, "segment_id", id);
    w.id = id;
    w.now_us = time_now_us();
    st = db_tx(c, segment_delete_tx, &w);
    pf_reply_write(r, w.outcome, st, SEGMENT_ENTITY, 204, NULL);
    segment_write_clear(&w);
}

void segment_count(http_request *r)
{
    pf_scope s;
    int64_t n = 0;
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (!(c = pf_db_or_reply(r)) || pf_scope_or_reply(r, c, &s) < 0)
        return;
    st = pf_store_segment_count(c, s.org, s.ledger, &n);
    if (st != DB_OK)
        service_reply_db_error(r, st);
    else
        pf_reply_count(r, n);
}
