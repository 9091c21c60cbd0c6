/* The transaction service's event consumer (events.md 7.1): account.* creates and retires default
 * balances; organization.*, ledger.* and portfolio.* maintain the registries. It runs inside the bus
 * helper's inbox transaction and never writes outside this service's schema. */
#include <string.h>

#include "bus/bus.h"
#include "json/json.h"
#include "log/log.h"
#include "metrics/metrics.h"
#include "registry.h"
#include "routes.h"
#include "service/service.h"
#include "store_registry.h"
#include "timeutil/timeutil.h"
#include "uuid/uuid.h"

/* The consumer runs on one thread: its own Redis connection, for balance-cache tombstones. */
static cache *consumer_cache(void)
{
    static cache *c = NULL;
    const service_config *cfg = service_config_get();
    if (!c && cfg && cfg->redis_url)
        c = cache_new(cfg->redis_url, cfg->redis_timeout_ms);
    return c;
}

typedef struct entity_times {
    char id[TXN_ID_LEN];
    char org[TXN_ID_LEN];
    char ledger[TXN_ID_LEN];
    int64_t updated_us;
    int64_t deleted_us;
} entity_times;

/* id, organizationId, ledgerId (when present) and the updatedAt/deletedAt rule's times. A deletion
 * counts from deletedAt. -1 when the payload lacks what the registry needs. */
static int entity_of(json_object *o, bool deleted, entity_times *t)
{
    const char *id = json_get_text(o, "id");
    const char *org = json_get_text(o, "organizationId");
    const char *ledger = json_get_text(o, "ledgerId");
    const char *upd = json_get_text(o, "updatedAt");
    const char *del = json_get_text(o, "deletedAt");
    memset(t, 0, sizeof(*t));
    t->deleted_us = -1;
    if (!id || uuid_normalize(id, t->id) < 0)
        return -1;
    if (org && uuid_normalize(org, t->org) < 0)
        return -1;
    if (ledger && uuid_normalize(ledger, t->ledger) < 0)
        return -1;
    if (!upd || time_parse_rfc3339(upd, &t->updated_us) < 0)
        return -1;
    if (del && time_parse_rfc3339(del, &t->deleted_us) < 0)
        return -1;
    if (deleted) {
        if (t->deleted_us < 0)
            t->deleted_us = t->updated_us;
        if (t->deleted_us > t->updated_us)
            t->updated_us = t->deleted_us;
    } else {
        t->deleted_us = -1;
    }
    return 0;
}

static db_status skip(const bus_message *m, const char *why)
{
    log_error("event %s (%s) skipped: %s", m->ce_id ? m->ce_id : "?", m->ce_type ? m->ce_type : "?", why);
    metrics_counter_add("transaction_consumer_unparseable_total", "events the consumer could not parse", NULL,
                        1);
    return DB_ERROR;
}

db_status transaction_consume(db_conn *c, const bus_message *m, void *arg)
{
    const char *type = m->ce_type;
    json_object *o = NULL;
    api_error e = {0};
    arena *a = NULL;
    entity_times t;
    db_status st = DB_OK;

    (void)arg;
    if (!type || strncmp(type, BUS_TYPE_PREFIX, strlen(BUS_TYPE_PREFIX)) != 0)
        return DB_OK;
    type += strlen(BUS_TYPE_PREFIX);
    const char *dot = strchr(type, '.');
    if (!dot)
        return DB_OK;
    size_t elen = (size_t)(dot - type);
    const char *action = dot + 1;
    bool is_org = elen == 12 && strncmp(type, "organization", 12) == 0;
    bool is_ledger = elen == 6 && strncmp(type, "ledger", 6) == 0;
    bool is_portfolio = elen == 9 && strncmp(type, "portfolio", 9) == 0;
    bool is_account = elen == 7 && strncmp(type, "account", 7) == 0;
    if (!is_org && !is_ledger && !is_portfolio && !is_account)
        return DB_OK; /* asset.*, segment.* and anything else: not ours */
    bool created = strcmp(action, "created") == 0;
    bool updated = strcmp(action, "updated") == 0;
    bool deleted = strcmp(action, "deleted") == 0;
    if (!created && !updated && !deleted)
        return DB_OK;

    if (!m->data || json_parse_strict(m->data, m->data_len, 64, &o, NULL, &e) < 0 ||
        !json_object_is_type(o, json_type_object)) {
        st = skip(m, "payload is not a JSON object");
        goto cleanup;
    }
    if (is_account) {
        reg_account acc;
        a = arena_new();
        if (registry_parse_account(o, a, &acc) < 0) {
            st = skip(m, "account payload lacks registry members");
            goto cleanup;
        }
        if (deleted) {
            if (acc.deleted_us < 0)
                acc.deleted_us = acc.updated_us;
            if (acc.deleted_us > acc.updated_us)
                acc.updated_us = acc.deleted_us;
            st = registry_account_deleted(c, a, &acc, consumer_cache());
        } else {
            acc.deleted_us = -1;
            st = created ? registry_account_created(c, a, &acc) : registry_account_updated(c, &acc);
        }
        goto cleanup;
    }
    if (entity_of(o, deleted, &t) < 0) {
        st = skip(m, "payload lacks id, organizationId/ledgerId or updatedAt");
        goto cleanup;
    }
    if (is_org) {
        st = store_reg_org_upsert(c, t.id, t.updated_us, t.deleted_us);
    } else if (is_ledger) {
        if (!t.org[0]) {
            st = skip(m, "ledger payload lacks organizationId");
            goto cleanup;
        }
        st = store_reg_ledger_upsert(c, t.id, t.org, t.updated_us, t.deleted_us);
    } else {
        if (!t.org[0] || !t.ledger[0]) {
            st = skip(m, "portfolio payload lacks organizationId/ledgerId");
            goto cleanup;
        }
        st = store_reg_portfolio_upsert(c, t.id, t.org, t.ledger, t.updated_us, t.deleted_us);
    }
cleanup:
    api_error_clear(&e);
    json_object_put(o);
    arena_free(a);
    return st;
}
