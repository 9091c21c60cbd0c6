/* Ledger handlers (HTTP <-> domain): the api.md validation order (body, organization
 * 0038, ledger 0007, then 0002 / the portfolio close for 0008), one transaction per write with its
 * outbox event. No SQL here (store_ledger.c); the name rule is the store's unique index. */
#include "ledgers.h"

#include <stdlib.h>
#include <string.h>

#include "client/internal_client.h"
#include "entity/entity.h"
#include "events.h"
#include "json/json.h"
#include "log/log.h"
#include "onb_schemas.h"
#include "service/service.h"
#include "service/service_http.h"
#include "store_organization.h"
#include "timeutil/timeutil.h"
#include "util/write_time.h"
#include "uuid/uuid.h"

#define LEDGER_ENTITY "Ledger"

static const char *const ledger_list_filters[] = {"name", "status", NULL};

/* ---- representation --------------------------------------------------------------------------- */

json_object *ledger_to_json(const ledger *l)
{
    json_object *obj = json_object_new_object();

    json_object_object_add(obj, "id", json_object_new_string(l->id));
    json_object_object_add(obj, "organizationId", json_object_new_string(l->organization_id));
    json_object_object_add(obj, "name", json_object_new_string(l->name ? l->name : ""));
    service_json_add_common(obj, &l->common);
    return obj;
}

/* ---- writes ------------------------------------------------------------------------------------ */

typedef enum ledger_outcome {
    LEDGER_DONE,
    LEDGER_ORG_NOT_FOUND, /* 0038 */
    LEDGER_NOT_FOUND      /* 0007 */
} ledger_outcome;

typedef struct ledger_write {
    const char *org_id;
    const char *id;    /* PATCH / DELETE target */
    json_object *body; /* PATCH body */
    ledger in;         /* create: the new row */
    ledger_outcome outcome;
    ledger out;
    json_object *json;
} ledger_write;

static void ledger_write_clear(ledger_write *w)
{
    ledger_clear(&w->in);
    ledger_clear(&w->out);
    json_object_put(w->json);
    w->json = NULL;
}

static void ledger_write_reset(ledger_write *w)
{
    w->outcome = LEDGER_DONE;
    json_object_put(w->json);
    w->json = NULL;
}

/* Start of every ledger write attempt: reset w, then hold the organization row FOR KEY SHARE until
 * commit: an organization delete (FOR UPDATE) waits for this transaction and then sees the new ledger
 * (0008), or ran first and we see no row (0038: w->outcome = LEDGER_ORG_NOT_FOUND, DB_OK). */
static db_status ledger_tx_begin(db_conn *c, ledger_write *w)
{
    bool found = false;
    db_status st = DB_OK;

    ledger_write_reset(w);
    if ((st = store_organization_get(c, w->org_id, DB_LOCK_KEY_SHARE, NULL, &found)) != DB_OK)
        return st;
    if (!found)
        w->outcome = LEDGER_ORG_NOT_FOUND;
    return DB_OK;
}

static db_status ledger_create_tx(db_conn *c, void *arg)
{
    ledger_write *w = arg;
    db_status st = DB_OK;

    if ((st = ledger_tx_begin(c, w)) != DB_OK || w->outcome != LEDGER_DONE)
        return st;
    /* DB_CONFLICT (unique live name) propagates: the handler answers 0002. */
    if ((st = store_ledger_insert(c, &w->in, &w->out)) != DB_OK)
        return st;
    w->json = ledger_to_json(&w->out);
    return onb_event_ledger(c, BUS_ACTION_CREATED, w->out.organization_id, w->out.id,
                            w->out.common.created_us, w->json);
}

static db_status ledger_patch_tx(db_conn *c, void *arg)
{
    ledger_write *w = arg;
    ledger cur = {0};
    ledger next = {0};
    bool found = false;
    db_status st = DB_OK;

    if ((st = ledger_tx_begin(c, w)) != DB_OK || w->outcome != LEDGER_DONE)
        goto cleanup;
    if ((st = store_ledger_get(c, w->org_id, w->id, DB_LOCK_UPDATE, &cur, &found)) != DB_OK)
        goto cleanup;
    if (!found) {
        w->outcome = LEDGER_NOT_FOUND;
        goto cleanup;
    }
    memcpy(next.id, cur.id, sizeof(next.id));
    memcpy(next.organization_id, cur.organization_id, sizeof(next.organization_id));
    next.name = entity_patch_text_apply(w->body, "name", false, cur.name);
    /* taken under the row lock and after the stored time: commit order = time order (events.md 7) */
    entity_common_for_patch(&next.common, &cur.common, w->body, write_time_now_after(cur.common.updated_us));

    /* A new name held by another live ledger -> DB_CONFLICT (0002); its own name in another case is
     * the same index key on the same row, which is no conflict. */
    if ((st = store_ledger_update(c, &next, &w->out, &found)) != DB_OK)
        goto cleanup;
    if (!found) {
        st = DB_ERROR;
        goto cleanup;
    }
    w->json = ledger_to_json(&w->out);
    st = onb_event_ledger(c, BUS_ACTION_UPDATED, w->out.organization_id, w->out.id, w->out.common.updated_us,
                          w->json);
cleanup:
    ledger_clear(&cur);
    ledger_clear(&next);
    return st;
}

static db_status ledger_delete_tx(db_conn *c, void *arg)
{
    ledger_write *w = arg;
    ledger cur = {0};
    bool found = false;
    db_status st = DB_OK;

    if ((st = ledger_tx_begin(c, w)) != DB_OK || w->outcome != LEDGER_DONE)
        goto cleanup;
    if ((st = store_ledger_get(c, w->org_id, w->id, DB_LOCK_UPDATE, &cur, &found)) != DB_OK)
        goto cleanup;
    if (!found) { /* deleted by a concurrent request since the checks before the close call */
        w->outcome = LEDGER_NOT_FOUND;
        goto cleanup;
    }
    /* deletedAt: under the row lock and after the last updatedAt, like a PATCH's time */
    if ((st = store_ledger_soft_delete(c, w->org_id, w->id, write_time_now_after(cur.common.updated_us),
                                       &w->out, &found)) != DB_OK)
        goto cleanup;
    if (!found) {
        st = DB_ERROR;
        goto cleanup;
    }
    w->json = ledger_to_json(&w->out);
    st = onb_event_ledger(c, BUS_ACTION_DELETED, w->out.organization_id, w->out.id, w->out.common.deleted_us,
                          w->json);
cleanup:
    ledger_clear(&cur);
    return st;
}

static void ledger_reply_write(http_request *r, db_status st, const ledger_write *w, int status)
{
    if (st == DB_CONFLICT) {
        http_reply_error(r, ERR_LEDGER_NAME_CONFLICT,
                         "a live ledger of this organization already has this name");
        return;
    }
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    switch (w->outcome) {
    case LEDGER_DONE:
        if (status == 204)
            http_reply_empty(r, 204);
        else
            http_reply_json(r, status, json_object_get(w->json));
        return;
    case LEDGER_ORG_NOT_FOUND:
        service_reply_not_found(r, ERR_ORGANIZATION_NOT_FOUND, "Organization");
        return;
    case LEDGER_NOT_FOUND:
        service_reply_not_found(r, ERR_ENTITY_NOT_FOUND, LEDGER_ENTITY);
        return;
    }
}

/* ---- handlers ---------------------------------------------------------------------------------- */

void ledger_create(http_request *r)
{
    json_object *body = NULL;
    ledger_write w = {0};
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (http_body_json_or_reply(r, &onb_ledger_create_schema, JSON_MODE_CREATE, &body) < 0)
        return;
    if (!(c = service_db_or_reply(r)))
        goto cleanup;
    w.org_id = http_req_param(r, "organization_id");
    uuid_v7_str(w.in.id);
    if (uuid_normalize(w.org_id, w.in.organization_id) < 0) { /* checked by the server (0065) */
        http_reply_error(r, ERR_INTERNAL, "organization_id is not a UUID");
        goto cleanup;
    }
    w.in.name = xstrdup(json_get_text(body, "name"));
    entity_common_for_create(&w.in.common, body, time_now_us());

    st = db_tx(c, ledger_create_tx, &w);
    ledger_reply_write(r, st, &w, 201);
cleanup:
    ledger_write_clear(&w);
    json_object_put(body);
}

/* Existence check of api.md step 5 for every route below an organization: the organization is live
 * (0038). Returns 0, or -1 after replying. */
static int ledger_org_or_reply(http_request *r, db_conn *c, const char *org_id)
{
    bool found = false;
    db_status st = store_organization_get(c, org_id, DB_LOCK_NONE, NULL, &found);

    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return -1;
    }
    if (!found) {
        service_reply_not_found(r, ERR_ORGANIZATION_NOT_FOUND, "Organization");
        return -1;
    }
    return 0;
}

void ledger_list(http_request *r)
{
    page_params p;
    ledger *items = NULL;
    size_t n = 0;
    db_conn *c = NULL;
    db_status st = DB_OK;
    const char *org_id = http_req_param(r, "organization_id");

    if (service_page_params_or_reply(r, PAGE_OFFSET, ledger_list_filters, &p) < 0)
        return;
    if (!(c = service_db_or_reply(r)) || ledger_org_or_reply(r, c, org_id) < 0)
        return;
    const ledger_filter f = {
        .name = page_filter_get(&p, "name"),
        .status = page_filter_get(&p, "status"),
    };
    if ((st = store_ledger_list(c, org_id, &p, &f, &items, &n)) != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    json_object *arr = json_object_new_array_ext((int)n);
    for (size_t i = 0; i < n; i++)
        json_object_array_add(arr, ledger_to_json(&items[i]));
    ledger_list_free(items, n);
    http_reply_json(r, 200, service_json_offset_list(arr, &p));
}

/* Existence checks of api.md step 5 for routes addressing one ledger: 0038, then 0007. Replies and
 * returns -1 on failure; fills *out when out is not NULL. */
static int ledger_find_or_reply(http_request *r, db_conn *c, ledger *out)
{
    const char *org_id = http_req_param(r, "organization_id");
    const char *id = http_req_param(r, "ledger_id");
    bool found = false;
    db_status st = DB_OK;

    if (ledger_org_or_reply(r, c, org_id) < 0)
        return -1;
    if ((st = store_ledger_get(c, org_id, id, DB_LOCK_NONE, out, &found)) != DB_OK) {
        service_reply_db_error(r, st);
        return -1;
    }
    if (!found) {
        service_reply_not_found(r, ERR_ENTITY_NOT_FOUND, LEDGER_ENTITY);
        return -1;
    }
    return 0;
}

void ledger_get(http_request *r)
{
    ledger l = {0};
    db_conn *c = service_db_or_reply(r);

    if (!c)
        return;
    if (ledger_find_or_reply(r, c, &l) == 0)
        http_reply_json(r, 200, ledger_to_json(&l));
    ledger_clear(&l);
}

void ledger_patch(http_request *r)
{
    json_object *body = NULL;
    ledger_write w = {0};
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (http_body_json_or_reply(r, &onb_ledger_patch_schema, JSON_MODE_PATCH, &body) < 0)
        return;
    if (!(c = service_db_or_reply(r)))
        goto cleanup;
    w.org_id = http_req_param(r, "organization_id");
    w.id = http_req_param(r, "ledger_id");
    w.body = body;
    st = db_tx(c, ledger_patch_tx, &w);
    ledger_reply_write(r, st, &w, 200);
cleanup:
    ledger_write_clear(&w);
    json_object_put(body);
}

/* Outcome of the portfolio service's ledger close (api.md "Ledgers", DELETE). */
typedef enum ledger_close_result {
    LEDGER_CLOSE_OK,         /* 204: no live account, the ledger is closed for new children */
    LEDGER_CLOSE_REFUSED,    /* 422 0008: the ledger has a live account */
    LEDGER_CLOSE_UNAVAILABLE /* unreachable, timeout or any other answer -> 503 0901 */
} ledger_close_result;

static bool ledger_close_body_is_0008(const internal_response *resp)
{
    json_object *body = NULL;
    api_error e = {0};
    bool refused = false;

    if (resp->body && json_parse_strict(resp->body, resp->len, JSON_MAX_DEPTH, &body, NULL, &e) == 0) {
        const char *code = json_get_text(body, "code");
        refused = code && strcmp(code, "0008") == 0;
    }
    json_object_put(body);
    api_error_clear(&e);
    return refused;
}

static ledger_close_result ledger_close_remote(http_request *r, const char *org_id, const char *id)
{
    const service_config *cfg = service_config_get();
    internal_response resp = {0};
    internal_call_status cs;
    ledger_close_result res = LEDGER_CLOSE_UNAVAILABLE;
    char o[UUID_STR_LEN + 1];
    char l[UUID_STR_LEN + 1];
    char *path = NULL;

    if (uuid_normalize(org_id, o) < 0 || uuid_normalize(id, l) < 0)
        return LEDGER_CLOSE_UNAVAILABLE;
    path = xasprintf("/internal/v1/organizations/%s/ledgers/%s/close", o, l);
    cs = internal_call("POST", cfg->portfolio_url, path, http_req_id(r), NULL, 0, cfg->internal_timeout_ms,
                       &resp);
    switch (cs) {
    case INTERNAL_OK:
        if (resp.status == 204)
            res = LEDGER_CLOSE_OK;
        else if (resp.status == 422 && ledger_close_body_is_0008(&resp))
            res = LEDGER_CLOSE_REFUSED;
        else
            log_warn("ledger close: portfolio answered %d for %s", resp.status, path);
        break;
    case INTERNAL_UNREACHABLE:
        log_warn("ledger close: portfolio unreachable");
        break;
    case INTERNAL_TIMEOUT:
        log_warn("ledger close: portfolio timed out");
        break;
    }
    internal_response_clear(&resp);
    free(path);
    return res;
}

void ledger_delete(http_request *r)
{
    ledger_write w = {0};
    db_conn *c = service_db_or_reply(r);
    db_status st = DB_OK;

    if (!c)
        return;
    if (ledger_find_or_reply(r, c, NULL) < 0)
        return;
    w.org_id = http_req_param(r, "organization_id");
    w.id = http_req_param(r, "ledger_id");
    /* Ask the owner of accounts first, outside any transaction (no lock held across the network).
     * Once it agreed, no child can be created under the ledger any more, so deleting it is safe. */
    switch (ledger_close_remote(r, w.org_id, w.id)) {
    case LEDGER_CLOSE_OK:
        break;
    case LEDGER_CLOSE_REFUSED:
        http_reply_error(r, ERR_ACTION_NOT_PERMITTED, "the ledger still has live accounts");
        return;
    case LEDGER_CLOSE_UNAVAILABLE:
        http_reply_error(r, ERR_SERVICE_UNAVAILABLE, "portfolio service unavailable");
        return;
    }
    st = db_tx(c, ledger_delete_tx, &w);
    ledger_reply_write(r, st, &w, 204);
    ledger_write_clear(&w);
}

void ledger_count(http_request *r)
{
    const char *org_id = http_req_param(r, "organization_id");
    int64_t n = 0;
    db_conn *c = service_db_or_reply(r);
    db_status st = DB_OK;

    if (!c || ledger_org_or_reply(r, c, org_id) < 0)
        return;
    if ((st = store_ledger_count(c, org_id, &n)) != DB_OK)
        service_reply_db_error(r, st);
    else
        service_reply_count(r, n);
}
