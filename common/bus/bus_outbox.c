/* Outbox writer: one INSERT in the caller's transaction per event, with the value bytes as a binary
 * parameter so they are stored (and later republished) verbatim. Must not open or commit transactions. */
#include <string.h>

#include "bus/bus_internal.h"
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
