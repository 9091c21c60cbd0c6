/* Builds the portfolio outbox rows (events.md sections 1-4). Must only be called inside the
 * transaction that made the change, after it took its row locks (events.md section 6). */
#include "pf_events.h"

#include "service/service.h"

#define PF_DEFAULT_TOPIC "midaz.portfolio.events"

db_status pf_event_emit(db_conn *c, const char *entity, bus_action action, const char *org_id,
                        const char *ledger_id, const char *subject_id, int64_t time_us, json_object *data)
{
    return bus_outbox_insert_json(c, service_event_topic(PF_DEFAULT_TOPIC), entity, bus_action_name(action),
                                  ledger_id, subject_id, org_id, ledger_id, time_us, data);
}
