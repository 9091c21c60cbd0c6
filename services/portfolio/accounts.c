/* Account handlers (HTTP <-> domain): body schemas (alias required for an external account), the
 * api.md validation order (body, 0096, path checks, business rules 0034/0035/0036/0029/0030/0020 on
 * create, 0074 on PATCH/DELETE), one transaction per write with its outbox event, the balance close
 * call before a delete, lookups and lists. No SQL here (store_*.c). */
#include "accounts.h"

#include <stdlib.h>
#include <string.h>

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
#include "store_asset.h"
#include "store_portfolio.h"
#include "store_segment.h"
#include "timeutil/timeutil.h"
#include "util/write_time.h"
#include "uuid/uuid.h"

#define ACCOUNT_ENTITY "Account"

#define ACCOUNT_CREATE_FIELDS(alias_flags)                                                                   \
    {.name = "assetCode", .kind = JK_STRING, .flags = JF_REQUIRED, .min_len = 1, .max_len = 100},            \
        {.name = "type", .kind = JK_STRING, .flags = JF_REQUIRED, .min_len = 1, .max_len = 256},             \
        {.name = "name", .kind = JK_STRING, .max_len = 256},                                                 \
        {.name = "alias", .kind = JK_STRING, .flags = (alias_flags), .min_len = 1, .max_len = 100},          \
        {.name = "parentAccountId", .kind = JK_STRING, .flags = JF_NULLABLE | JF_UUID},                      \
        {.name = "portfolioId", .kind = JK_STRING, .flags = JF_NULLABLE | JF_UUID},                          \
        {.name = "segmentId", .kind = JK_STRING, .flags = JF_NULLABLE | JF_UUID},                            \
        {.name = "entityId", .kind = JK_STRING, .flags = JF_NULLABLE, .max_len = 256},                       \
        {.name = "blocked", .kind = JK_BOOL}, {.name = "status", .kind = JK_STATUS},                         \
    {                                                                                                        \
        .name = "metadata", .kind = JK_METADATA                                                              \
    }

static const json_field account_create_fields[] = {ACCOUNT_CREATE_FIELDS(0)};
static const json_schema account_create_schema = {account_create_fields, ARRAY_LEN(account_create_fields)};
/* api.md: alias is required when type is external (0009). */
static const json_field account_create_external_fields[] = {ACCOUNT_CREATE_FIELDS(JF_REQUIRED)};
static const json_schema account_create_external_schema = {account_create_external_fields,
                                                           ARRAY_LEN(account_create_external_fields)};

static const json_field account_patch_fields[] = {
    {.name = "name", .kind = JK_STRING, .max_len = 256},
    {.name = "portfolioId", .kind = JK_STRING, .flags = JF_NULLABLE | JF_UUID},
    {.name = "segmentId", .kind = JK_STRING, .flags = JF_NULLABLE | JF_UUID},
    {.name = "entityId", .kind = JK_STRING, .flags = JF_NULLABLE, .max_len = 256},
    {.name = "blocked", .kind = JK_BOOL},
    {.name = "status", .kind = JK_STATUS},
    {.name = "metadata", .kind = JK_METADATA},
    {.name = "assetCode", .kind = JK_ANY, .flags = JF_IMMUTABLE},
    {.name = "type", .kind = JK_ANY, .flags = JF_IMMUTABLE},
    {.name = "alias", .kind = JK_ANY, .flags = JF_IMMUTABLE},
    {.name = "parentAccountId", .kind = JK_ANY, .flags = JF_IMMUTABLE},
};
static const json_schema account_patch_schema = {account_patch_fields, ARRAY_LEN(account_patch_fields)};

static const char *const account_list_filters[] = {"portfolio_id", "segment_id", "parent_account_id",
                                                   "entity_id",    "asset_code", "type",
                                                   "blocked",      "name",       "alias",
                                                   "status",       NULL};

static const json_schema *account_create_choose(json_object *body)
{
    json_object *type = json_get(body, "type");

    if (json_object_is_type(type, json_type_string) && pf_type_is_external(json_object_get_string(type)))
        return &account_create_external_schema;
    return &account_create_schema;
}

json_object *pf_account_to_json(const pf_account *a)
{
    json_object *obj = json_object_new_object();

    pf_json_add_head(obj, &a->b);
    json_object_object_add(obj, "assetCode", json_object_new_string(a->asset_code ? a->asset_code : ""));
    json_object_object_add(obj, "name", json_object_new_string(a->name ? a->name : ""));
    json_object_object_add(obj, "alias", json_object_new_string(a->alias ? a->alias : ""));
    json_object_object_add(obj, "type", json_object_new_string(a->type ? a->type : ""));
    json_object_object_add(obj, "parentAccountId", service_json_text(a->parent_account_id));
    json_object_object_add(obj, "portfolioId", service_json_text(a->portfolio_id));
    json_object_object_add(obj, "segmentId", service_json_text(a->segment_id));
    json_object_object_add(obj, "entityId", service_json_text(a->entity_id));
    json_object_object_add(obj, "blocked", json_object_new_boolean(a->blocked));
    pf_json_add_tail(obj, &a->b);
    return obj;
}

/* ---- the descriptor of the generic handlers ---------------------------------------------------- */

static db_status account_get_row(db_conn *c, const pf_scope *s, const char *id, void *row, bool *found)
{
    return pf_store_account_get(c, s->org, s->ledger, id, DB_LOCK_NONE, row, found);
}

static json_object *account_row_json(const void *row)
{
    return pf_account_to_json(row);
}

static void account_row_clear(void *row)
{
    pf_account_clear(row);
}

/* The list is not generic (its filters need format checks before the database): no .list. */
static const pf_resource account_resource = {
    .entity = ACCOUNT_ENTITY,
    .id_param = "account_id",
    .list_filters = account_list_filters,
    .patch_schema = &account_patch_schema,
    .row_size = sizeof(pf_account),
    .get = account_get_row,
    .count = pf_store_account_count,
    .to_json = account_row_json,
    .clear = account_row_clear,
};

/* Lowercase copy of a body UUID member (the schema checked its form), or NULL when absent/null. */
static char *account_body_uuid(json_object *body, const char *key)
{
    char norm[UUID_STR_LEN + 1];
    const char *v = json_get_text(body, key);

    if (!v || uuid_normalize(v, norm) < 0)
        return NULL;
    return xstrdup(norm);
}

/* ---- writes ------------------------------------------------------------------------------------ */

/* State of one write transaction (pf_write first: see pf_resource.h). */
typedef struct account_write {
    pf_write w;
    pf_account in;     /* create: the new row (entity_id may be filled from the portfolio) */
    bool entity_given; /* create: entityId was sent */
    pf_account out;
} account_write;

static void account_write_reset(account_write *aw)
{
    pf_write_reset(&aw->w);
    pf_account_clear(&aw->out);
}

static void account_write_clear(account_write *aw)
{
    account_write_reset(aw);
    pf_account_clear(&aw->in);
}

/* Create rules 2-4 of api.md: portfolio (0035, entityId copy), segment (0036), parent (0029/0030),
 * each referenced row locked FOR KEY SHARE. */
static db_status account_create_refs(db_conn *c, account_write *aw)
{
    pf_write *w = &aw->w;
    pf_portfolio pf = {0};
    pf_account parent = {0};
    bool found = false;
    db_status st = DB_OK;

    if (aw->in.portfolio_id) {
        if ((st = pf_store_portfolio_get(c, w->scope.org, w->scope.ledger, aw->in.portfolio_id,
                                         DB_LOCK_KEY_SHARE, &pf, &found)) != DB_OK)
            goto cleanup;
        if (!found) {
            w->outcome = PF_PORTFOLIO_MISSING;
            goto cleanup;
        }
        if (!aw->entity_given && pf.entity_id) {
            free(aw->in.entity_id);
            aw->in.entity_id = xstrdup(pf.entity_id);
        }
    }
    if (aw->in.segment_id) {
        if ((st = pf_store_segment_get(c, w->scope.org, w->scope.ledger, aw->in.segment_id, DB_LOCK_KEY_SHARE,
                                       NULL, &found)) != DB_OK)
            goto cleanup;
        if (!found) {
            w->outcome = PF_SEGMENT_MISSING;
            goto cleanup;
        }
    }
    if (aw->in.parent_account_id) {
        if ((st = pf_store_account_get(c, w->scope.org, w->scope.ledger, aw->in.parent_account_id,
                                       DB_LOCK_KEY_SHARE, &parent, &found)) != DB_OK)
            goto cleanup;
        if (!found || (aw->in.portfolio_id &&
                       (!parent.portfolio_id || strcmp(parent.portfolio_id, aw->in.portfolio_id) != 0))) {
            w->outcome = PF_PARENT_INVALID;
            goto cleanup;
        }
        if (strcmp(parent.asset_code ? parent.asset_code : "", aw->in.asset_code) != 0) {
            w->outcome = PF_PARENT_ASSET_MISMATCH;
            goto cleanup;
        }
    }
cleanup:
    pf_portfolio_clear(&pf);
    pf_account_clear(&parent);
    return st;
}

static db_status account_create_tx(db_conn *c, void *arg)
{
    account_write *aw = arg;
    pf_write *w = &aw->w;
    bool ok = false;
    db_status st = DB_OK;

    account_write_reset(aw);
    if (!aw->entity_given) { /* a previous attempt may have copied it from the portfolio */
        free(aw->in.entity_id);
        aw->in.entity_id = NULL;
    }
    if ((st = pf_scope_lock(c, &w->scope, &ok)) != DB_OK)
        return st;
    if (!ok) {
        w->outcome = PF_LEDGER_GONE;
        return DB_OK;
    }
    if ((st = pf_store_asset_lock_code(c, w->scope.org, w->scope.ledger, aw->in.asset_code, &ok)) != DB_OK)
        return st;
    if (!ok) {
        w->outcome = PF_ASSET_CODE_MISSING;
        return DB_OK;
    }
    if ((st = account_create_refs(c, aw)) != DB_OK || w->outcome != PF_OK)
        return st;
    if ((st = pf_store_account_insert(c, &aw->in, &aw->out)) != DB_OK) {
        if (st == DB_CONFLICT)
            w->outcome = PF_ALIAS_TAKEN;
        else if (st != DB_RETRY && st != DB_UNAVAILABLE)
            w->outcome = PF_CREATION_FAILED;
        return st;
    }
    w->json = pf_account_to_json(&aw->out);
    return pf_event_emit(c, "account", BUS_ACTION_CREATED, w->scope.org, w->scope.ledger, aw->out.b.id,
                         aw->out.b.common.created_us, w->json);
}

/* Two nullable references (NULL = none) name the same row. */
static bool account_same_ref(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* PATCH of a nullable UUID reference: KEEP, SET_NULL or SET to a live row (else `missing`). */
static db_status account_patch_ref(db_conn *c, account_write *aw, const char *key, const char *cur,
                                   pf_outcome missing, char **out)
{
    pf_write *w = &aw->w;
    const char *sent = NULL;
    char norm[UUID_STR_LEN + 1];
    bool found = false;
    db_status st = DB_OK;

    *out = NULL;
    switch (entity_patch_text(w->body, key, true, &sent)) {
    case ENTITY_PATCH_KEEP:
        *out = cur ? xstrdup(cur) : NULL;
        return DB_OK;
    case ENTITY_PATCH_SET_NULL:
        return DB_OK;
    case ENTITY_PATCH_SET:
        break;
    }
    if (uuid_normalize(sent, norm) < 0)
        return DB_ERROR; /* the schema checked it */
    if (missing == PF_PORTFOLIO_MISSING)
        st = pf_store_portfolio_get(c, w->scope.org, w->scope.ledger, norm, DB_LOCK_KEY_SHARE, NULL, &found);
    else
        st = pf_store_segment_get(c, w->scope.org, w->scope.ledger, norm, DB_LOCK_KEY_SHARE, NULL, &found);
    if (st != DB_OK)
        return st;
    if (!found)
        w->outcome = missing;
    else
        *out = xstrdup(norm);
    return DB_OK;
}

static db_status account_patch_tx(db_conn *c, void *arg)
{
    account_write *aw = arg;
    pf_write *w = &aw->w;
    pf_account cur = {0};
    pf_account next = {0};
    json_object *blocked = NULL;
    bool found = false;
    db_status st = DB_OK;

    account_write_reset(aw);
    if ((st = pf_store_account_get(c, w->scope.org, w->scope.ledger, w->id, DB_LOCK_UPDATE, &cur, &found)) !=
        DB_OK)
        goto cleanup;
    if (!found) {
        w->outcome = PF_NOT_FOUND;
        goto cleanup;
    }
    if (pf_type_is_external(cur.type)) {
        w->outcome = PF_EXTERNAL_IMMUTABLE;
        goto cleanup;
    }
    /* taken under the row lock and after the stored time: commit order = time order (events.md 7) */
    pf_base_init_patch(&next.b, &cur.b, w->body, write_time_now_after(cur.b.common.updated_us));
    if ((st = account_patch_ref(c, aw, "portfolioId", cur.portfolio_id, PF_PORTFOLIO_MISSING,
                                &next.portfolio_id)) != DB_OK ||
        w->outcome != PF_OK)
        goto cleanup;
    if ((st = account_patch_ref(c, aw, "segmentId", cur.segment_id, PF_SEGMENT_MISSING, &next.segment_id)) !=
            DB_OK ||
        w->outcome != PF_OK)
        goto cleanup;
    next.name = entity_patch_text_apply(w->body, "name", false, cur.name);
    next.entity_id = entity_patch_text_apply(w->body, "entityId", true, cur.entity_id);
    blocked = json_get(w->body, "blocked");
    next.blocked = blocked ? json_object_get_boolean(blocked) : cur.blocked;
    if ((st = pf_store_account_update(c, &next, &aw->out, &found)) != DB_OK)
        goto cleanup;
    if (!found) {
        st = DB_ERROR; /* locked above: cannot vanish */
        goto cleanup;
    }
    w->json = pf_account_to_json(&aw->out);
    /* The transaction service records the account's portfolio on every operation it writes (6): it
     * must know the new one before this PATCH answers, not when account.updated arrives. Told inside
     * this transaction, so a failed call changes nothing (503 0901). */
    if (!account_same_ref(cur.portfolio_id, aw->out.portfolio_id)) {
        const char *text = json_dump(w->json);
        if (pf_remote_sync_account(w->request_id, w->scope.org, w->scope.ledger, aw->out.b.id, text,
                                   strlen(text)) < 0) {
            w->outcome = PF_UNAVAILABLE;
            st = DB_CHECK; /* roll back the update */
            goto cleanup;
        }
    }
    st = pf_event_emit(c, "account", BUS_ACTION_UPDATED, w->scope.org, w->scope.ledger, aw->out.b.id,
                       aw->out.b.common.updated_us, w->json);
cleanup:
    pf_account_clear(&cur);
    pf_account_clear(&next);
    return st;
}

/* Account delete: lock the row (0007), refuse external accounts (0074), have the transaction service
 * close the balances while the row is locked (0012 / 503), then soft-delete and emit account.deleted.
 * The close is idempotent there, so a retried attempt may call it again. */
static db_status account_delete_tx(db_conn *c, void *arg)
{
    account_write *aw = arg;
    pf_write *w = &aw->w;
    bool found = false;
    db_status st = DB_OK;

    account_write_reset(aw);
    if ((st = pf_store_account_get(c, w->scope.org, w->scope.ledger, w->id, DB_LOCK_UPDATE, &aw->out,
                                   &found)) != DB_OK)
        return st;
    if (!found) {
        w->outcome = PF_NOT_FOUND;
        return DB_OK;
    }
    if (pf_type_is_external(aw->out.type)) {
        w->outcome = PF_EXTERNAL_IMMUTABLE;
        return DB_OK;
    }
    switch (pf_remote_close_balances(w->request_id, w->scope.org, w->scope.ledger, w->id)) {
    case PF_CLOSE_DONE:
        break;
    case PF_CLOSE_NONZERO:
        w->outcome = PF_BALANCE_NONZERO;
        return DB_OK;
    case PF_CLOSE_UNAVAILABLE:
        w->outcome = PF_UNAVAILABLE;
        return DB_OK;
    }
    /* deletedAt: under the row lock and after the last updatedAt, like a PATCH's time */
    if ((st = pf_store_account_soft_delete(c, w->scope.org, w->scope.ledger, w->id,
                                           write_time_now_after(aw->out.b.common.updated_us), &aw->out,
                                           &found)) != DB_OK)
        return st;
    if (!found)
        return DB_ERROR;
    w->json = pf_account_to_json(&aw->out);
    return pf_event_emit(c, "account", BUS_ACTION_DELETED, w->scope.org, w->scope.ledger, aw->out.b.id,
                         aw->out.b.common.deleted_us, w->json);
}

/* ---- handlers ---------------------------------------------------------------------------------- */

/* Step 6 rule of an account create (issue 4): the prefix of the asset external accounts' aliases is
 * reserved, so a client alias starting with "@external/" is refused with 0047 (listed with the other
 * member rules), before the character-set rule 0096 would. */
static void account_create_extra_rules(json_object *body, json_object *found, void *arg)
{
    (void)arg;
    const char *alias = json_get_text(body, "alias");
    if (alias && strncmp(alias, PF_EXTERNAL_ALIAS_PREFIX, strlen(PF_EXTERNAL_ALIAS_PREFIX)) == 0)
        json_object_object_add(found, "alias",
                               json_object_new_string("the prefix @external/ is reserved for asset accounts"));
}

void account_create(http_request *r)
{
    json_object *body = NULL;
    account_write aw = {0};
    db_conn *c = NULL;
    const char *alias = NULL;
    json_object *blocked = NULL;
    db_status st = DB_OK;

    if (service_body_choose_or_reply(r, account_create_choose, JSON_MODE_CREATE, account_create_extra_rules,
                                     NULL, &body) < 0)
        return;
    alias = json_get_text(body, "alias");
    if (alias && !pf_alias_valid(alias)) {
        http_reply_error(r, ERR_INVALID_ACCOUNT_ALIAS, "alias may only contain A-Z, a-z, 0-9, @, :, _ and -");
        goto cleanup;
    }
    if (!(c = service_db_or_reply(r)) || pf_scope_or_reply(r, c, &aw.w.scope) < 0)
        goto cleanup;

    pf_base_init_create(&aw.in.b, &aw.w.scope, body, time_now_us());
    aw.in.asset_code = xstrdup(json_get_text(body, "assetCode"));
    aw.in.type = pf_account_type_normalize(json_get_text(body, "type"));
    aw.in.name = pf_text_dup(body, "name");
    if (!aw.in.name)
        aw.in.name = pf_account_default_name(aw.in.asset_code, aw.in.type);
    aw.in.alias = xstrdup(alias ? alias : aw.in.b.id);
    aw.in.parent_account_id = account_body_uuid(body, "parentAccountId");
    aw.in.portfolio_id = account_body_uuid(body, "portfolioId");
    aw.in.segment_id = account_body_uuid(body, "segmentId");
    aw.in.entity_id = pf_text_dup(body, "entityId");
    aw.entity_given = aw.in.entity_id != NULL;
    blocked = json_get(body, "blocked");
    aw.in.blocked = blocked ? json_object_get_boolean(blocked) : false;

    st = db_tx(c, account_create_tx, &aw);
    pf_reply_write(r, aw.w.outcome, st, ACCOUNT_ENTITY, 201, aw.w.json);
cleanup:
    account_write_clear(&aw);
    json_object_put(body);
}

/* The account list filters that need a format check (UUIDs, blocked) -> 0082. */
static int account_filter_or_reply(http_request *r, const page_params *p, pf_account_filter *f,
                                   char uuids[3][UUID_STR_LEN + 1])
{
    static const char *const uuid_names[3] = {"portfolio_id", "segment_id", "parent_account_id"};
    const char **uuid_targets[3] = {&f->portfolio_id, &f->segment_id, &f->parent_account_id};
    bool blocked = false;

    for (size_t i = 0; i < 3; i++) {
        const char *v = page_filter_get(p, uuid_names[i]);
        *uuid_targets[i] = NULL;
        if (!v)
            continue;
        if (uuid_normalize(v, uuids[i]) < 0) {
            service_reply_bad_filter(r, uuid_names[i], "must be a valid UUID");
            return -1;
        }
        *uuid_targets[i] = uuids[i];
    }
    f->blocked = NULL;
    if (page_filter_get(p, "blocked")) {
        if (pf_parse_bool_filter(page_filter_get(p, "blocked"), &blocked) < 0) {
            service_reply_bad_filter(r, "blocked", "must be true, false, 1 or 0");
            return -1;
        }
        f->blocked = blocked ? "true" : "false";
    }
    f->entity_id = page_filter_get(p, "entity_id");
    f->asset_code = page_filter_get(p, "asset_code");
    f->type = page_filter_get(p, "type");
    f->name = page_filter_get(p, "name");
    f->alias = page_filter_get(p, "alias");
    f->status = page_filter_get(p, "status");
    return 0;
}

void account_list(http_request *r)
{
    page_params p;
    pf_scope s;
    pf_account_filter f;
    char uuids[3][UUID_STR_LEN + 1];
    pf_account *items = NULL;
    size_t n = 0;
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (service_page_params_or_reply(r, PAGE_OFFSET, account_list_filters, &p) < 0 ||
        account_filter_or_reply(r, &p, &f, uuids) < 0)
        return;
    if (!(c = service_db_or_reply(r)) || pf_scope_or_reply(r, c, &s) < 0)
        return;
    st = pf_store_account_list(c, s.org, s.ledger, &p, &f, &items, &n);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    pf_resource_reply_rows(r, &account_resource, &p, items, n);
}

void account_get(http_request *r)
{
    pf_resource_get(r, &account_resource);
}

/* Alias lookups: exact, case-sensitive; no match -> 404 0085. */
static void account_lookup_alias(http_request *r, const char *alias)
{
    pf_scope s;
    pf_account a = {0};
    bool found = false;
    db_conn *c = NULL;
    db_status st = DB_OK;

    if (!(c = service_db_or_reply(r)) || pf_scope_or_reply(r, c, &s) < 0)
        return;
    st = pf_store_account_get_by_alias(c, s.org, s.ledger, alias, &a, &found);
    if (st != DB_OK)
        service_reply_db_error(r, st);
    else if (!found)
        service_reply_not_found(r, ERR_ACCOUNT_ALIAS_NOT_FOUND, ACCOUNT_ENTITY);
    else
        http_reply_json(r, 200, pf_account_to_json(&a));
    pf_account_clear(&a);
}

void account_get_by_alias(http_request *r)
{
    const char *alias = http_req_param(r, "alias");
    account_lookup_alias(r, alias ? alias : "");
}

void account_get_external(http_request *r)
{
    char *alias = pf_external_alias(http_req_param(r, "asset_code"));
    account_lookup_alias(r, alias);
    free(alias);
}

void account_patch(http_request *r)
{
    account_write aw = {0};

    pf_resource_patch(r, &account_resource, &aw.w, account_patch_tx);
    account_write_clear(&aw);
}

void account_delete(http_request *r)
{
    account_write aw = {0};

    pf_resource_delete(r, &account_resource, &aw.w, account_delete_tx);
    account_write_clear(&aw);
}

void account_count(http_request *r)
{
    pf_resource_count(r, &account_resource);
}
