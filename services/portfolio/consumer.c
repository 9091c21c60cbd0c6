/* The portfolio service's event consumer (events.md 7.2): organization.* and ledger.* maintain the
 * local organization and ledger registries that answer 0038/0037. It never writes outside this
 * service's schema; the inbox dedup and offset commits are done by common/bus. */
#include "routes.h"

#include <string.h>

#include "bus/bus.h"
#include "json/json.h"
#include "log/log.h"
#include "store_registry.h"
#include "timeutil/timeutil.h"
#include "uuid/uuid.h"

/* The change time of an entity event: deletedAt for a deletion, else updatedAt. -1 when missing. */
static int64_t consume_time(json_object *data, bool deleted, int64_t *deleted_us)
{
    int64_t us = -1;
    const char *text = json_get_text(data, deleted ? "deletedAt" : "updatedAt");

    *deleted_us = -1;
    if (!text || time_parse_rfc3339(text, &us) < 0)
        return -1;
    if (deleted)
        *deleted_us = us;
    return us;
}

/* Lowercase id of a member, or false when missing/invalid. */
static bool consume_id(json_object *data, const char *key, const char *fallback, char out[UUID_STR_LEN + 1])
{
    const char *v = json_get_text(data, key);

    if (!v)
        v = fallback;
    return v && uuid_normalize(v, out) == 0;
}

db_status portfolio_consume(db_conn *c, const bus_message *m, void *arg)
{
    const char *type = m->ce_type;
    const char *entity = NULL;
    const char *action = NULL;
    json_object *data = NULL;
    api_error e = {0};
    char id[UUID_STR_LEN + 1];
    char org[UUID_STR_LEN + 1];
    int64_t time_us = -1;
    int64_t deleted_us = -1;
    bool deleted = false;
    db_status st = DB_OK;

    (void)arg;
    if (!type || strncmp(type, BUS_TYPE_PREFIX, strlen(BUS_TYPE_PREFIX)) != 0)
        return DB_OK; /* not ours to interpret: acknowledged without effect */
    entity = type + strlen(BUS_TYPE_PREFIX);
    if (strncmp(entity, "organization.", 13) == 0)
        action = entity + 13;
    else if (strncmp(entity, "ledger.", 7) == 0)
        action = entity + 7;
    else
        return DB_OK;
    if (strcmp(action, "created") != 0 && strcmp(action, "updated") != 0 && strcmp(action, "deleted") != 0)
        return DB_OK;
    deleted = strcmp(action, "deleted") == 0;

    if (json_parse_strict(m->data ? m->data : "", m->data_len, 64, &data, NULL, &e) < 0 ||
        !json_object_is_type(data, json_type_object)) {
        log_error("event %s (%s): unparseable data: %s", type, m->ce_id ? m->ce_id : "?", e.message);
        st = DB_ERROR;
        goto cleanup;
    }
    time_us = consume_time(data, deleted, &deleted_us);
    if (time_us < 0 || !consume_id(data, "id", m->ce_subject, id)) {
        log_error("event %s (%s): missing id or time", type, m->ce_id ? m->ce_id : "?");
        st = DB_ERROR;
        goto cleanup;
    }
    if (entity[0] == 'o') {
        st = pf_reg_org_apply(c, id, time_us, deleted_us);
    } else {
        if (!consume_id(data, "organizationId", m->ce_organizationid, org)) {
            log_error("event %s (%s): missing organizationId", type, m->ce_id ? m->ce_id : "?");
            st = DB_ERROR;
            goto cleanup;
        }
        st = pf_reg_ledger_apply(c, org, id, time_us, deleted_us);
    }
    if (st != DB_OK && st != DB_RETRY && st != DB_UNAVAILABLE)
        st = DB_ERROR; /* anything else cannot get better by retrying */
cleanup:
    api_error_clear(&e);
    json_object_put(data);
    return st;
}
