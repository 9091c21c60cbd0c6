/* Outbox writer: one INSERT in the caller's transaction per event (given whole, or as an entity event
 * whose type and value it builds), with the value bytes as a binary parameter so they are stored (and
 * later republished) verbatim. Must not open or commit transactions. */
#include <string.h>

#include "bus/bus_internal.h"
#include "json/json.h"
#include "log/log.h"
#include "timeutil/timeutil.h"
#include "uuid/uuid.h"

static const char outbox_insert_sql[] =
    "INSERT INTO outbox(id, topic, key, type, subject, time, organization_id, ledger_id, value) "
    "VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7, $8, $9)";

db_status bus_outbox_insert(db_conn *c, const bus_event *ev, char id_out[37])
{
    char id[UUID_STR_LEN + 1];
    char timebuf[TIME_STR_MAX];
    const char *params[9];
    int lengths[9] = {0};
    int formats[9] = {0};
    PGresult *res = NULL;
    PGconn *pg = db_pg(c);
    db_status st = DB_ERROR;

    if (!pg)
        return DB_UNAVAILABLE;
    if (PQtransactionStatus(pg) != PQTRANS_INTRANS) {
        /* Outside a transaction the row could be published for a change that never commits (D1). */
        log_error("bus: outbox insert outside a transaction");
        return DB_ERROR;
    }
    uuid_v7_str(id);
    if (bus_outbox_params(ev, id, timebuf, sizeof(timebuf), params) < 0) {
        log_error("bus: outbox insert with an incomplete event");
        return DB_ERROR;
    }
    params[8] = ev->data ? ev->data : "";
    lengths[8] = (int)ev->data_len;
    formats[8] = 1; /* bytea, binary: no escaping, exact bytes */
    res = PQexecParams(pg, outbox_insert_sql, 9, NULL, params, lengths, formats, 0);
    st = db_status_of(res);
    if (st != DB_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (PQstatus(pg) != CONNECTION_OK)
            st = DB_UNAVAILABLE;
        log_debug("bus: outbox insert failed (%s): %s", state ? state : "",
                  res ? PQresultErrorMessage(res) : PQerrorMessage(pg));
    } else if (id_out) {
        memcpy(id_out, id, sizeof(id));
    }
    PQclear(res);
    return st;
}

db_status bus_outbox_insert_text(db_conn *c, const char *topic, const char *entity, const char *action,
                                 const char *key, const char *subject, const char *organization_id,
                                 const char *ledger_id, int64_t time_us, const char *json_text)
{
    char type[BUS_TYPE_MAX];
    bus_event ev = {
        .topic = topic,
        .key = key,
        .type = type,
        .subject = subject,
        .time_us = time_us,
        .organization_id = organization_id,
        .ledger_id = ledger_id,
        .data = json_text,
        .data_len = json_text ? strlen(json_text) : 0,
    };

    if (bus_event_type(entity, action, type, sizeof(type)) < 0) {
        log_error("bus: outbox insert with an invalid event type");
        return DB_ERROR;
    }
    return bus_outbox_insert(c, &ev, NULL);
}

db_status bus_outbox_insert_json(db_conn *c, const char *topic, const char *entity, const char *action,
                                 const char *key, const char *subject, const char *organization_id,
                                 const char *ledger_id, int64_t time_us, json_object *data)
{
    return bus_outbox_insert_text(c, topic, entity, action, key, subject, organization_id, ledger_id, time_us,
                                  json_dump(data));
}
