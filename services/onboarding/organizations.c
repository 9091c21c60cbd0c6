/* Organization handlers (HTTP <-> domain): the api.md validation order (body, then
 * existence, then business rules 0039/0091/0008), one transaction per write with its outbox event,
 * and the response built from the row the write returned. No SQL here (store_organization.c). */
#include "organizations.h"

#include <stdlib.h>
#include <string.h>

#include "entity/entity.h"
#include "events.h"
#include "json/json.h"
#include "log/log.h"
#include "onb_rules.h"
#include "onb_schemas.h"
#include "service/service.h"
#include "service/service_http.h"
#include "store_ledger.h"
#include "timeutil/timeutil.h"
#include "util/write_time.h"
#include "uuid/uuid.h"

#define ORG_ENTITY "Organization"

static const char *const org_list_filters[] = {"legal_name", "doing_business_as", "legal_document", "status",
                                               NULL};

/* ---- representation --------------------------------------------------------------------------- */

json_object *organization_to_json(const organization *o)
{
    json_object *obj = json_object_new_object();

    json_object_object_add(obj, "id", json_object_new_string(o->id));
    json_object_object_add(obj, "parentOrganizationId", service_json_text(o->parent_id));
    json_object_object_add(obj, "legalName", json_object_new_string(o->legal_name ? o->legal_name : ""));
    json_object_object_add(obj, "doingBusinessAs", service_json_text(o->doing_business_as));
    json_object_object_add(obj, "legalDocument",
                           json_object_new_string(o->legal_document ? o->legal_document : ""));
    json_object_object_add(obj, "address", onb_address_normalize(o->address));
    service_json_add_common(obj, &o->common);
    return obj;
}

/* ---- writes ------------------------------------------------------------------------------------ */

typedef enum org_outcome {
    ORG_DONE,
    ORG_NOT_FOUND,        /* 0007 */
    ORG_PARENT_NOT_FOUND, /* 0039 */
    ORG_PARENT_INVALID,   /* 0091 */
    ORG_HAS_LEDGERS       /* 0008 */
} org_outcome;

/* State of one write transaction; re-initialised by each attempt of db_tx. */
typedef struct org_write {
    const char *id;    /* target of PATCH / DELETE */
    json_object *body; /* PATCH body */
    organization in;   /* create: the new row */
    org_outcome outcome;
    organization out;  /* the row after the change */
    json_object *json; /* its representation: response and event data */
} org_write;

static void org_write_clear(org_write *w)
{
    organization_clear(&w->in);
    organization_clear(&w->out);
    json_object_put(w->json);
    w->json = NULL;
}

static void org_write_reset(org_write *w)
{
    w->outcome = ORG_DONE;
    json_object_put(w->json);
    w->json = NULL;
}

static db_status org_create_tx(db_conn *c, void *arg)
{
    org_write *w = arg;
    bool found = false;
    db_status st = DB_OK;

    org_write_reset(w);
    if (w->in.parent_id) {
        st = store_organization_get(c, w->in.parent_id, DB_LOCK_NONE, NULL, &found);
        if (st != DB_OK)
            return st;
        if (!found) {
            w->outcome = ORG_PARENT_NOT_FOUND;
            return DB_OK;
        }
    }
    st = store_organization_insert(c, &w->in, &w->out);
    if (st != DB_OK)
        return st;
    w->json = organization_to_json(&w->out);
    return onb_event_organization(c, BUS_ACTION_CREATED, w->out.id, w->out.common.created_us, w->json);
}

/* The stored address after a PATCH: absent or empty object keeps it, null resets it, anything else
 * replaces it whole. New reference. */
static json_object *org_patched_address(json_object *body, json_object *current)
{
    json_object *addr = NULL;

    if (!json_has(body, "address"))
        return json_object_get(current);
    if (json_is_null_member(body, "address"))
        return onb_address_normalize(NULL);
    addr = json_get(body, "address");
    if (onb_address_is_empty(addr))
        return json_object_get(current);
    return onb_address_normalize(addr);
}

static db_status org_patch_tx(db_conn *c, void *arg)
{
    org_write *w = arg;
    organization cur = {0};
    organization next = {0};
    const char *parent_sent = NULL;
    char parent[UUID_STR_LEN + 1] = "";
    bool found = false;
    bool cyclic = false;
    db_status st = DB_OK;
    entity_patch_action parent_action =
        entity_patch_text(w->body, "parentOrganizationId", true, &parent_sent);

    org_write_reset(w);
    if (parent_action == ENTITY_PATCH_SET) {
        if (uuid_normalize(parent_sent, parent) < 0) { /* the schema checked it: cannot happen */
            st = DB_ERROR;
            goto cleanup;
        }
        /* Before the row lock, so that every tree change takes the two locks in the same order. */
        if ((st = store_organization_lock_tree(c)) != DB_OK)
            goto cleanup;
    }
    if ((st = store_organization_get(c, w->id, DB_LOCK_UPDATE, &cur, &found)) != DB_OK)
        goto cleanup;
    if (!found) {
        w->outcome = ORG_NOT_FOUND;
        goto cleanup;
    }
    if (parent_action == ENTITY_PATCH_SET) {
        if ((st = store_organization_get(c, parent, DB_LOCK_NONE, NULL, &found)) != DB_OK)
            goto cleanup;
        if (!found) {
            w->outcome = ORG_PARENT_NOT_FOUND;
            goto cleanup;
        }
        if ((st = store_organization_is_self_or_descendant(c, cur.id, parent, &cyclic)) != DB_OK)
            goto cleanup;
        if (cyclic) {
            w->outcome = ORG_PARENT_INVALID;
            goto cleanup;
        }
    }

    memcpy(next.id, cur.id, sizeof(next.id));
    switch (parent_action) {
    case ENTITY_PATCH_KEEP:
        next.parent_id = cur.parent_id ? xstrdup(cur.parent_id) : NULL;
        break;
    case ENTITY_PATCH_SET_NULL:
        next.parent_id = NULL;
        break;
    case ENTITY_PATCH_SET:
        next.parent_id = xstrdup(parent);
        break;
    }
    next.legal_name = entity_patch_text_apply(w->body, "legalName", false, cur.legal_name);
    next.doing_business_as = entity_patch_text_apply(w->body, "doingBusinessAs", true, cur.doing_business_as);
    next.legal_document = xstrdup(cur.legal_document ? cur.legal_document : "");
    next.address = org_patched_address(w->body, cur.address);
    /* taken under the row lock and after the stored time: commit order = time order (events.md 7) */
    entity_common_for_patch(&next.common, &cur.common, w->body, write_time_now_after(cur.common.updated_us));

    if ((st = store_organization_update(c, &next, &w->out, &found)) != DB_OK)
        goto cleanup;
    if (!found) { /* locked above: cannot vanish */
        st = DB_ERROR;
        goto cleanup;
    }
    w->json = organization_to_json(&w->out);
    st = onb_event_organization(c, BUS_ACTION_UPDATED, w->out.id, w->out.common.updated_us, w->json);
cleanup:
    organization_clear(&cur);
    organization_clear(&next);
    return st;
}

static db_status org_delete_tx(db_conn *c, void *arg)
{
    org_write *w = arg;
    organization cur = {0};
    bool found = false;
    bool has_ledgers = false;
    db_status st = DB_OK;

    org_write_reset(w);
    /* FOR UPDATE conflicts with the FOR KEY SHARE a ledger create holds on this row: a concurrent
     * create either commits first (and is seen below) or waits and then finds the row deleted. */
    if ((st = store_organization_get(c, w->id, DB_LOCK_UPDATE, &cur, &found)) != DB_OK)
        goto cleanup;
    if (!found) {
        w->outcome = ORG_NOT_FOUND;
        goto cleanup;
    }
    if ((st = store_ledger_any_live(c, w->id, &has_ledgers)) != DB_OK)
        goto cleanup;
    if (has_ledgers) {
        w->outcome = ORG_HAS_LEDGERS;
        goto cleanup;
    }
    /* deletedAt: under the row lock and after the last updatedAt, like a PATCH's time */
    if ((st = store_organization_soft_delete(c, w->id, write_time_now_after(cur.common.updated_us), &w->out,
                                             &found)) != DB_OK)
        goto cleanup;
    if (!found) {
        st = DB_ERROR;
        goto cleanup;
    }
    w->json = organization_to_json(&w->out);
    st = onb_event_organization(c, BUS_ACTION_DELETED, w->out.id, w->out.common.deleted_us, w->json);
cleanup:
    organization_clear(&cur);
    return st;
}

/* Reply for a finished write: the outcome's error, or `status` with the entity (none for 204). */
static void org_reply_write(http_request *r, const org_write *w, int status)
{
    switch (w->outcome) {
    case ORG_DONE:
        if (status == 204)
            http_reply_empty(r, 204);
        else
            http_reply_json(r, status, json_object_get(w->json));
        return;
    case ORG_NOT_FOUND:
        service_reply_not_found(r, ERR_ENTITY_NOT_FOUND, ORG_ENTITY);
        return;
    case ORG_PARENT_NOT_FOUND:
        http_reply_error(r, ERR_PARENT_ORGANIZATION_NOT_FOUND,
                         "parentOrganizationId is not a live organization");
        return;
    case ORG_PARENT_INVALID:
        http_reply_error(r, ERR_INVALID_PARENT_ID,
                         "parentOrganizationId is the organization itself or one of its descendants");
        return;
    case ORG_HAS_LEDGERS:
        http_reply_error(r, ERR_ACTION_NOT_PERMITTED, "the organization still has live ledgers");
        return;
    }
}

/* ---- handlers ---------------------------------------------------------------------------------- */

/* The body of a create or PATCH: schema checks (http_body_json_or_reply), then the address rule of
 * step 7 (0032). *out is a new reference; -1 after replying. */
static int org_body_or_reply(http_request *r, const json_schema *schema, json_mode mode, json_object **out)
{
    api_error e = {0};

    if (http_body_json_or_reply(r, schema, mode, out) < 0)
        return -1;
    if (onb_address_check(json_get(*out, "address"), &e) < 0) {
        http_reply_api_error(r, &e);
        api_error_clear(&e);
        json_object_put(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

void organization_create(http_request *r)
{
    json_object *body = NULL;
    org_write w = {0};
    db_conn *c = NULL;
    const char *parent = NULL;
    db_status st = DB_OK;

    if (org_body_or_reply(r, &onb_org_create_schema, JSON_MODE_CREATE, &body) < 0)
        return;
    if (!(c = service_db_or_reply(r)))
        goto cleanup;

    uuid_v7_str(w.in.id);
    if ((parent = json_get_text(body, "parentOrganizationId"))) {
        char norm[UUID_STR_LEN + 1];
        if (uuid_normalize(parent, norm) == 0)
            w.in.parent_id = xstrdup(norm);
    }
    w.in.legal_name = xstrdup(json_get_text(body, "legalName"));
    w.in.legal_document = xstrdup(json_get_text(body, "legalDocument"));
    if (json_get_text(body, "doingBusinessAs"))
        w.in.doing_business_as = xstrdup(json_get_text(body, "doingBusinessAs"));
    w.in.address = onb_address_normalize(
        onb_address_is_empty(json_get(body, "address")) ? NULL : json_get(body, "address"));
    entity_common_for_create(&w.in.common, body, time_now_us());

    st = db_tx(c, org_create_tx, &w);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        goto cleanup;
    }
    org_reply_write(r, &w, 201);
cleanup:
    org_write_clear(&w);
    json_object_put(body);
}

void organization_list(http_request *r)
{
    page_params p;
    organization *items = NULL;
    size_t n = 0;
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (service_page_params_or_reply(r, PAGE_OFFSET, org_list_filters, &p) < 0)
        return;
    if (!(c = service_db_or_reply(r)))
        return;
    const organization_filter f = {
        .legal_name = page_filter_get(&p, "legal_name"),
        .doing_business_as = page_filter_get(&p, "doing_business_as"),
        .legal_document = page_filter_get(&p, "legal_document"),
        .status = page_filter_get(&p, "status"),
    };
    st = store_organization_list(c, &p, &f, &items, &n);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    json_object *arr = json_object_new_array_ext((int)n);
    for (size_t i = 0; i < n; i++)
        json_object_array_add(arr, organization_to_json(&items[i]));
    organization_list_free(items, n);
    http_reply_json(r, 200, service_json_offset_list(arr, &p));
}

void organization_get(http_request *r)
{
    organization o = {0};
    bool found = false;
    db_conn *c = service_db_or_reply(r);
    db_status st = DB_OK;

    if (!c)
        return;
    st = store_organization_get(c, http_req_param(r, "organization_id"), DB_LOCK_NONE, &o, &found);
    if (st != DB_OK)
        service_reply_db_error(r, st);
    else if (!found)
        service_reply_not_found(r, ERR_ENTITY_NOT_FOUND, ORG_ENTITY);
    else
        http_reply_json(r, 200, organization_to_json(&o));
    organization_clear(&o);
}

void organization_patch(http_request *r)
{
    json_object *body = NULL;
    org_write w = {0};
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (org_body_or_reply(r, &onb_org_patch_schema, JSON_MODE_PATCH, &body) < 0)
        return;
    if (!(c = service_db_or_reply(r)))
        goto cleanup;
    w.id = http_req_param(r, "organization_id");
    w.body = body;
    st = db_tx(c, org_patch_tx, &w);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        goto cleanup;
    }
    org_reply_write(r, &w, 200);
cleanup:
    org_write_clear(&w);
    json_object_put(body);
}

void organization_delete(http_request *r)
{
    org_write w = {0};
    db_conn *c = service_db_or_reply(r);
    db_status st = DB_OK;

    if (!c)
        return;
    w.id = http_req_param(r, "organization_id");
    st = db_tx(c, org_delete_tx, &w);
    if (st != DB_OK)
        service_reply_db_error(r, st);
    else
        org_reply_write(r, &w, 204);
    org_write_clear(&w);
}

void organization_count(http_request *r)
{
    int64_t n = 0;
    db_conn *c = service_db_or_reply(r);
    db_status st = DB_OK;

    if (!c)
        return;
    st = store_organization_count(c, &n);
    if (st != DB_OK)
        service_reply_db_error(r, st);
    else
        service_reply_count(r, n);
}
