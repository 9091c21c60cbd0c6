/* Registry lookups with the read-through fallback of events.md 7.3 (GET /internal<public path> at the
 * owner, X-Request-Id propagated, bounded wait), and the account effects of events.md 7.1 shared by the
 * consumer and the fallback. It never answers "not found" before asking the owner once, and never
 * creates a balance for a closed or deleted account. */
#include "registry.h"

#include <stdio.h>
#include <string.h>

#include "balance_cache.h"
#include "client/internal_client.h"
#include "log/log.h"
#include "metrics/metrics.h"
#include "service/service.h"
#include "store_balance.h"
#include "timeutil/timeutil.h"
#include "tx_events.h"
#include "util/write_time.h"
#include "uuid/uuid.h"

/* ---- parsing owner answers ---------------------------------------------------------------------- */

static int parse_time_member(json_object *o, const char *name, int64_t *us)
{
    const char *t = json_get_text(o, name);
    return t && time_parse_rfc3339(t, us) == 0 ? 0 : -1;
}

static int copy_uuid_member(json_object *o, const char *name, char out[TXN_ID_LEN], bool nullable)
{
    const char *t = json_get_text(o, name);
    out[0] = '\0';
    if (!t)
        return nullable ? 0 : -1;
    return uuid_normalize(t, out);
}

int registry_parse_account(json_object *o, arena *a, reg_account *out)
{
    memset(out, 0, sizeof(*out));
    out->deleted_us = -1;
    if (!json_object_is_type(o, json_type_object))
        return -1;
    if (copy_uuid_member(o, "id", out->id, false) < 0 ||
        copy_uuid_member(o, "organizationId", out->organization_id, false) < 0 ||
        copy_uuid_member(o, "ledgerId", out->ledger_id, false) < 0 ||
        copy_uuid_member(o, "portfolioId", out->portfolio_id, true) < 0)
        return -1;
    const char *alias = json_get_text(o, "alias");
    const char *type = json_get_text(o, "type");
    const char *asset = json_get_text(o, "assetCode");
    if (!alias || !type || !asset)
        return -1;
    out->alias = arena_strdup(a, alias);
    out->type = arena_strdup(a, type);
    out->asset_code = arena_strdup(a, asset);
    if (parse_time_member(o, "updatedAt", &out->updated_us) < 0)
        return -1;
    int64_t del = 0;
    if (parse_time_member(o, "deletedAt", &del) == 0)
        out->deleted_us = del;
    return 0;
}

char *registry_percent_encode(arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    strbuf sb = {0};
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '.' || *p == '_' || *p == '~') {
            strbuf_putc(&sb, (char)*p);
        } else {
            strbuf_putc(&sb, '%');
            strbuf_putc(&sb, hex[*p >> 4]);
            strbuf_putc(&sb, hex[*p & 15]);
        }
    }
    char *out = arena_strdup(a, sb.buf ? sb.buf : "");
    strbuf_free(&sb);
    return out;
}

/* ---- read-through ----------------------------------------------------------------------------- */

typedef enum owner { OWNER_ONBOARDING, OWNER_PORTFOLIO } owner;

/* GET the internal mirror; on 200 *body is the parsed JSON object (caller puts it). */
static reg_result owner_get(http_request *r, owner who, const char *path, json_object **body)
{
    const service_config *cfg = service_config_get();
    const char *base = who == OWNER_ONBOARDING ? cfg->onboarding_url : cfg->portfolio_url;
    internal_response resp = {0};
    reg_result res = REG_RESULT_UNAVAILABLE;
    api_error e = {0};

    *body = NULL;
    internal_call_status cs =
        internal_call("GET", base, path, r ? http_req_id(r) : NULL, NULL, 0, cfg->internal_timeout_ms, &resp);
    if (cs != INTERNAL_OK) {
        log_warn("read-through %s: owner %s", path, cs == INTERNAL_TIMEOUT ? "timed out" : "unreachable");
        goto cleanup;
    }
    if (resp.status == 404) {
        res = REG_RESULT_NOT_FOUND;
        goto cleanup;
    }
    if (resp.status != 200) {
        log_warn("read-through %s: owner answered %d", path, resp.status);
        goto cleanup;
    }
    if (json_parse_strict(resp.body, resp.len, 64, body, NULL, &e) < 0 ||
        !json_object_is_type(*body, json_type_object)) {
        log_warn("read-through %s: unparseable answer", path);
        json_object_put(*body);
        *body = NULL;
        goto cleanup;
    }
    res = REG_RESULT_FOUND;
cleanup:
    api_error_clear(&e);
    internal_response_clear(&resp);
    return res;
}

void registry_reply(http_request *r, reg_result res, db_status dbst, err_id not_found_id,
                    const char *entity_type)
{
    switch (res) {
    case REG_RESULT_FOUND:
        break;
    case REG_RESULT_NOT_FOUND: {
        api_error e = {0};
        api_error_set(&e, not_found_id, "%s not found", entity_type ? entity_type : "entity");
        if (not_found_id == ERR_ENTITY_NOT_FOUND)
            e.entity_type = entity_type;
        http_reply_api_error(r, &e);
        api_error_clear(&e);
        return;
    }
    case REG_RESULT_UNAVAILABLE:
        http_reply_error(r, ERR_SERVICE_UNAVAILABLE, "owner service unavailable");
        return;
    case REG_RESULT_DB_ERROR:
        service_reply_db_error(r, dbst);
        return;
    }
    http_reply_error(r, ERR_INTERNAL, "unexpected lookup state");
}

typedef struct upsert_arg {
    const char *id;
    const char *org;
    const char *ledger;
    int64_t updated_us;
    int64_t deleted_us;
} upsert_arg;

static db_status org_upsert_fn(db_conn *c, void *arg)
{
    upsert_arg *u = arg;
    return store_reg_org_upsert(c, u->id, u->updated_us, u->deleted_us);
}

static db_status ledger_upsert_fn(db_conn *c, void *arg)
{
    upsert_arg *u = arg;
    return store_reg_ledger_upsert(c, u->id, u->org, u->updated_us, u->deleted_us);
}

static db_status portfolio_upsert_fn(db_conn *c, void *arg)
{
    upsert_arg *u = arg;
    return store_reg_portfolio_upsert(c, u->id, u->org, u->ledger, u->updated_us, u->deleted_us);
}

/* Register an entity answered by its owner: id (lowercase), updatedAt, deletedAt. */
static reg_result register_answer(db_conn *c, json_object *body, const char *want_id, const char *org,
                                  const char *ledger, db_tx_fn fn, db_status *dbst)
{
    char id[TXN_ID_LEN];
    upsert_arg u = {.org = org, .ledger = ledger, .deleted_us = -1};
    int64_t del = 0;
    if (copy_uuid_member(body, "id", id, false) < 0 || strcmp(id, want_id) != 0 ||
        parse_time_member(body, "updatedAt", &u.updated_us) < 0) {
        log_warn("read-through: owner answer lacks id/updatedAt");
        return REG_RESULT_UNAVAILABLE;
    }
    if (parse_time_member(body, "deletedAt", &del) == 0)
        return REG_RESULT_NOT_FOUND;
    u.id = id;
    *dbst = db_tx(c, fn, &u);
    return *dbst == DB_OK ? REG_RESULT_FOUND : REG_RESULT_DB_ERROR;
}

static reg_result lookup_org(http_request *r, db_conn *c, const char *org, db_status *dbst)
{
    json_object *body = NULL;
    char *path = xasprintf("/internal/v1/organizations/%s", org);
    reg_result res = owner_get(r, OWNER_ONBOARDING, path, &body);
    if (res == REG_RESULT_FOUND)
        res = register_answer(c, body, org, NULL, NULL, org_upsert_fn, dbst);
    json_object_put(body);
    free(path);
    return res;
}

static reg_result lookup_ledger(http_request *r, db_conn *c, const char *org, const char *ledger,
                                db_status *dbst)
{
    json_object *body = NULL;
    char *path = xasprintf("/internal/v1/organizations/%s/ledgers/%s", org, ledger);
    reg_result res = owner_get(r, OWNER_ONBOARDING, path, &body);
    if (res == REG_RESULT_FOUND) {
        char owner_org[TXN_ID_LEN];
        if (copy_uuid_member(body, "organizationId", owner_org, false) < 0 || strcmp(owner_org, org) != 0)
            res = REG_RESULT_NOT_FOUND;
        else
            res = register_answer(c, body, ledger, org, NULL, ledger_upsert_fn, dbst);
    }
    json_object_put(body);
    free(path);
    return res;
}

int registry_ledger_or_reply(http_request *r, db_conn *c, const char *org_in, const char *ledger_in)
{
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN];
    reg_state os = REG_MISSING, ls = REG_MISSING;
    db_status st = DB_OK;
    reg_result res = REG_RESULT_FOUND;

    if (uuid_normalize(org_in, org) < 0 || uuid_normalize(ledger_in, ledger) < 0) {
        http_reply_error(r, ERR_INVALID_PATH_PARAMETER, "invalid path id");
        return -1;
    }
    st = store_reg_org_ledger(c, org, ledger, &os, &ls);
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return -1;
    }
    if (os == REG_DELETED) {
        registry_reply(r, REG_RESULT_NOT_FOUND, DB_OK, ERR_ORGANIZATION_NOT_FOUND, "Organization");
        return -1;
    }
    if (os == REG_MISSING) {
        res = lookup_org(r, c, org, &st);
        if (res != REG_RESULT_FOUND) {
            registry_reply(r, res, st, ERR_ORGANIZATION_NOT_FOUND, "Organization");
            return -1;
        }
    }
    if (ls == REG_DELETED) {
        registry_reply(r, REG_RESULT_NOT_FOUND, DB_OK, ERR_LEDGER_NOT_FOUND, "Ledger");
        return -1;
    }
    if (ls == REG_MISSING) {
        res = lookup_ledger(r, c, org, ledger, &st);
        if (res != REG_RESULT_FOUND) {
            registry_reply(r, res, st, ERR_LEDGER_NOT_FOUND, "Ledger");
            return -1;
        }
    }
    return 0;
}

/* ---- account effects ------------------------------------------------------------------------------ */

db_status registry_account_created(db_conn *c, arena *a, const reg_account *acc)
{
    reg_account stored;
    reg_state state = REG_MISSING;
    bool closed = false, ever = false;
    db_status st = store_reg_account_lock(c, acc->id);
    if (st == DB_OK)
        st = store_reg_account_upsert(c, acc);
    if (st == DB_OK)
        st = store_reg_account_get(c, a, acc->organization_id, acc->ledger_id, acc->id, &stored, &state);
    if (st == DB_OK)
        st = store_reg_account_is_closed(c, acc->id, &closed);
    if (st == DB_OK)
        st = store_balance_default_ever(c, acc->id, &ever);
    if (st != DB_OK || state != REG_LIVE || closed || ever)
        return st;

    balance_row b;
    memset(&b, 0, sizeof(b));
    uuid_v7_str(b.id);
    memcpy(b.organization_id, acc->organization_id, TXN_ID_LEN);
    memcpy(b.ledger_id, acc->ledger_id, TXN_ID_LEN);
    memcpy(b.account_id, acc->id, TXN_ID_LEN);
    b.alias = stored.alias;
    b.key = "default";
    b.asset_code = stored.asset_code;
    b.account_type = stored.type;
    decimal_zero(&b.st.available);
    decimal_zero(&b.st.on_hold);
    b.allow_sending = b.allow_receiving = true;
    b.created_us = b.updated_us = time_now_us();
    b.deleted_us = -1;
    st = store_balance_insert(c, a, &b);
    if (st == DB_CONFLICT)
        return DB_OK; /* a live default balance exists after all: nothing to add */
    if (st != DB_OK)
        return st;
    return tx_event_balance(c, BUS_ACTION_CREATED, &b);
}

db_status registry_account_updated(db_conn *c, const reg_account *acc)
{
    return store_reg_account_upsert(c, acc);
}

db_status registry_account_deleted(db_conn *c, arena *a, const reg_account *acc, cache *rc)
{
    balance_row *rows = NULL;
    size_t n = 0;
    db_status st = store_reg_account_lock(c, acc->id);
    if (st == DB_OK)
        st = store_reg_account_upsert(c, acc);
    if (st == DB_OK)
        st = store_balance_lock_account(c, a, acc->organization_id, acc->ledger_id, acc->id, &rows, &n);
    if (st != DB_OK)
        return st;
    int64_t now = time_now_us();
    for (size_t i = 0; i < n; i++) {
        balance_row *b = &rows[i];
        if (!decimal_is_zero(&b->st.available) || !decimal_is_zero(&b->st.on_hold)) {
            log_error("account %s deleted with a non-zero balance %s; left untouched", acc->id, b->id);
            metrics_counter_add("transaction_nonzero_balance_on_delete_total",
                                "account.deleted events that found a non-zero live balance", NULL, 1);
            continue;
        }
        b->deleted_us = write_time_after(now, b->updated_us); /* under the lock, after its updatedAt */
        st = store_balance_soft_delete(c, b->id, b->deleted_us, false);
        if (st != DB_OK)
            return st;
        st = tx_event_balance(c, BUS_ACTION_DELETED, b);
        if (st != DB_OK)
            return st;
        /* before the commit is harmless: a reader then falls back to PostgreSQL */
        balance_cache_tombstone(rc, b);
    }
    return DB_OK;
}

/* ---- account lookups ----------------------------------------------------------------------------- */

typedef struct created_arg {
    arena *a;
    const reg_account *acc;
} created_arg;

static db_status account_created_fn(db_conn *c, void *arg)
{
    created_arg *x = arg;
    return registry_account_created(c, x->a, x->acc);
}

/* An owner answer for an account: check scope, register it and create its default balance. */
static reg_result adopt_account(db_conn *c, arena *a, json_object *body, const char *org, const char *ledger,
                                reg_account *out, db_status *dbst)
{
    if (registry_parse_account(body, a, out) < 0) {
        log_warn("read-through: malformed account answer");
        return REG_RESULT_UNAVAILABLE;
    }
    if (strcmp(out->organization_id, org) != 0 || strcmp(out->ledger_id, ledger) != 0 || out->deleted_us >= 0)
        return REG_RESULT_NOT_FOUND;
    created_arg x = {a, out};
    *dbst = db_tx(c, account_created_fn, &x);
    return *dbst == DB_OK ? REG_RESULT_FOUND : REG_RESULT_DB_ERROR;
}

reg_result registry_account_by_id(http_request *r, db_conn *c, arena *a, const char *org_in,
                                  const char *ledger_in, const char *id_in, reg_account *out, db_status *dbst)
{
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN], id[TXN_ID_LEN];
    reg_state state = REG_MISSING;
    json_object *body = NULL;

    *dbst = DB_OK;
    if (uuid_normalize(org_in, org) < 0 || uuid_normalize(ledger_in, ledger) < 0 ||
        uuid_normalize(id_in, id) < 0)
        return REG_RESULT_NOT_FOUND;
    *dbst = store_reg_account_get(c, a, org, ledger, id, out, &state);
    if (*dbst != DB_OK)
        return REG_RESULT_DB_ERROR;
    if (state == REG_LIVE)
        return REG_RESULT_FOUND;
    if (state == REG_DELETED)
        return REG_RESULT_NOT_FOUND;
    /* Not registered yet but already closed (the close call came before any event or lookup): its
     * delete is committing or committed at the owner, so the account is gone for every path check. */
    bool closed = false;
    *dbst = store_reg_account_is_closed(c, id, &closed);
    if (*dbst != DB_OK)
        return REG_RESULT_DB_ERROR;
    if (closed)
        return REG_RESULT_NOT_FOUND;
    char *path = xasprintf("/internal/v1/organizations/%s/ledgers/%s/accounts/%s", org, ledger, id);
    reg_result res = owner_get(r, OWNER_PORTFOLIO, path, &body);
    free(path);
    if (res == REG_RESULT_FOUND) {
        res = adopt_account(c, a, body, org, ledger, out, dbst);
        if (res == REG_RESULT_FOUND && strcmp(out->id, id) != 0)
            res = REG_RESULT_NOT_FOUND;
    }
    json_object_put(body);
    return res;
}

reg_result registry_account_by_alias(http_request *r, db_conn *c, arena *a, const char *org_in,
                                     const char *ledger_in, const char *alias, reg_account *out,
                                     db_status *dbst)
{
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN];
    bool found = false;
    json_object *body = NULL;
    char *path = NULL;

    *dbst = DB_OK;
    if (uuid_normalize(org_in, org) < 0 || uuid_normalize(ledger_in, ledger) < 0)
        return REG_RESULT_NOT_FOUND;
    *dbst = store_reg_account_by_alias(c, a, org, ledger, alias, out, &found);
    if (*dbst != DB_OK)
        return REG_RESULT_DB_ERROR;
    if (found)
        return REG_RESULT_FOUND;
    if (strncmp(alias, "@external/", 10) == 0)
        path = xasprintf("/internal/v1/organizations/%s/ledgers/%s/accounts/external/%s", org, ledger,
                         registry_percent_encode(a, alias + 10));
    else
        path = xasprintf("/internal/v1/organizations/%s/ledgers/%s/accounts/alias/%s", org, ledger,
                         registry_percent_encode(a, alias));
    reg_result res = owner_get(r, OWNER_PORTFOLIO, path, &body);
    free(path);
    if (res == REG_RESULT_FOUND) {
        res = adopt_account(c, a, body, org, ledger, out, dbst);
        if (res == REG_RESULT_FOUND && strcmp(out->alias, alias) != 0)
            res = REG_RESULT_NOT_FOUND;
    }
    json_object_put(body);
    return res;
}

reg_result registry_portfolio(http_request *r, db_conn *c, const char *org_in, const char *ledger_in,
                              const char *id_in, db_status *dbst)
{
    char org[TXN_ID_LEN], ledger[TXN_ID_LEN], id[TXN_ID_LEN];
    reg_state state = REG_MISSING;
    json_object *body = NULL;

    *dbst = DB_OK;
    if (uuid_normalize(org_in, org) < 0 || uuid_normalize(ledger_in, ledger) < 0 ||
        uuid_normalize(id_in, id) < 0)
        return REG_RESULT_NOT_FOUND;
    *dbst = store_reg_portfolio_state(c, org, ledger, id, &state);
    if (*dbst != DB_OK)
        return REG_RESULT_DB_ERROR;
    if (state == REG_LIVE)
        return REG_RESULT_FOUND;
    if (state == REG_DELETED)
        return REG_RESULT_NOT_FOUND;
    char *path = xasprintf("/internal/v1/organizations/%s/ledgers/%s/portfolios/%s", org, ledger, id);
    reg_result res = owner_get(r, OWNER_PORTFOLIO, path, &body);
    free(path);
    if (res == REG_RESULT_FOUND) {
        char o2[TXN_ID_LEN], l2[TXN_ID_LEN];
        if (copy_uuid_member(body, "organizationId", o2, false) < 0 || strcmp(o2, org) != 0 ||
            copy_uuid_member(body, "ledgerId", l2, false) < 0 || strcmp(l2, ledger) != 0)
            res = REG_RESULT_NOT_FOUND;
        else
            res = register_answer(c, body, id, org, ledger, portfolio_upsert_fn, dbst);
    }
    json_object_put(body);
    return res;
}
