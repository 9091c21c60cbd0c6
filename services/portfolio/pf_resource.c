/* Generic portfolio handlers driven by a pf_resource descriptor, and the shared parts of the write
 * state (see pf_resource.h). The validation order is api.md's: body, then the path checks (0038,
 * 0037), then the row. No SQL here; the entity's rules live in its own file. */
#include "pf_resource.h"

#include <stdlib.h>
#include <string.h>

#include "entity/entity.h"
#include "service/service.h"
#include "service/service_http.h"
#include "util/mem.h"
#include "uuid/uuid.h"

void pf_resource_get(http_request *r, const pf_resource *res)
{
    pf_scope s;
    char id[UUID_STR_LEN + 1];
    void *row = NULL;
    bool found = false;
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (!(c = service_db_or_reply(r)) || pf_scope_or_reply(r, c, &s) < 0)
        return;
    service_path_id(r, res->id_param, id);
    row = xcalloc(1, res->row_size);
    st = res->get(c, &s, id, row, &found);
    if (st != DB_OK)
        service_reply_db_error(r, st);
    else if (!found)
        service_reply_not_found(r, ERR_ENTITY_NOT_FOUND, res->entity);
    else
        http_reply_json(r, 200, res->to_json(row));
    res->clear(row);
    free(row);
}

void pf_resource_reply_rows(http_request *r, const pf_resource *res, const page_params *p, void *rows,
                            size_t n)
{
    json_object *arr = json_object_new_array_ext((int)n);

    for (size_t i = 0; i < n; i++) {
        void *row = (char *)rows + i * res->row_size;
        json_object_array_add(arr, res->to_json(row));
        res->clear(row);
    }
    free(rows);
    http_reply_json(r, 200, service_json_offset_list(arr, p));
}

void pf_resource_list(http_request *r, const pf_resource *res)
{
    page_params p;
    pf_scope s;
    void *rows = NULL;
    size_t n = 0;
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (service_page_params_or_reply(r, PAGE_OFFSET, res->list_filters, &p) < 0)
        return;
    if (!(c = service_db_or_reply(r)) || pf_scope_or_reply(r, c, &s) < 0)
        return;
    st = res->list(c, &s, &p, &rows, &n);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    pf_resource_reply_rows(r, res, &p, rows, n);
}

void pf_resource_count(http_request *r, const pf_resource *res)
{
    pf_scope s;
    int64_t n = 0;
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (!(c = service_db_or_reply(r)) || pf_scope_or_reply(r, c, &s) < 0)
        return;
    st = res->count(c, s.org, s.ledger, &n);
    if (st != DB_OK)
        service_reply_db_error(r, st);
    else
        service_reply_count(r, n);
}

/* ---- writes ------------------------------------------------------------------------------------ */

void pf_write_reset(pf_write *w)
{
    w->outcome = PF_OK;
    json_object_put(w->json);
    w->json = NULL;
}

/* Scope checks and the target of a PATCH / DELETE into w. Returns the connection, or NULL after
 * replying. */
static db_conn *pf_write_target_or_reply(http_request *r, const pf_resource *res, pf_write *w)
{
    db_conn *c = service_db_or_reply(r);

    if (!c || pf_scope_or_reply(r, c, &w->scope) < 0)
        return NULL;
    service_path_id(r, res->id_param, w->id);
    w->request_id = http_req_id(r);
    return c;
}

void pf_resource_patch(http_request *r, const pf_resource *res, pf_write *w, db_tx_fn fn)
{
    json_object *body = NULL;
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (http_body_json_or_reply(r, res->patch_schema, JSON_MODE_PATCH, &body) < 0)
        return;
    if (!(c = pf_write_target_or_reply(r, res, w)))
        goto cleanup;
    w->body = body;
    st = db_tx(c, fn, w);
    pf_reply_write(r, w->outcome, st, res->entity, 200, w->json);
cleanup:
    w->body = NULL;
    json_object_put(body);
}

void pf_resource_delete(http_request *r, const pf_resource *res, pf_write *w, db_tx_fn fn)
{
    db_conn *c = pf_write_target_or_reply(r, res, w);
    db_status st = DB_OK;

    if (!c)
        return;
    st = db_tx(c, fn, w);
    pf_reply_write(r, w->outcome, st, res->entity, 204, NULL);
}

/* ---- the shared members of a written row ------------------------------------------------------- */

void pf_base_init_create(pf_base *b, const pf_scope *s, json_object *body, int64_t now_us)
{
    uuid_v7_str(b->id);
    memcpy(b->organization_id, s->org, sizeof(s->org));
    memcpy(b->ledger_id, s->ledger, sizeof(s->ledger));
    entity_common_for_create(&b->common, body, now_us);
}

void pf_base_init_patch(pf_base *next, const pf_base *cur, json_object *body, int64_t now_us)
{
    memcpy(next->id, cur->id, sizeof(next->id));
    memcpy(next->organization_id, cur->organization_id, sizeof(next->organization_id));
    memcpy(next->ledger_id, cur->ledger_id, sizeof(next->ledger_id));
    entity_common_for_patch(&next->common, &cur->common, body, now_us);
}
