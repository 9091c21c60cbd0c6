/* Builds the onboarding outbox rows (events.md sections 1-4): topic = this service's KAFKA_TOPIC,
 * CloudEvents type, key, subject, ids, time and the entity JSON as value. Must only be called inside
 * the transaction that made the change, after it took its row locks (events.md section 6). */
#include "events.h"

#include "service/service.h"

#define ONB_DEFAULT_TOPIC "midaz.onboarding.events"

db_status onb_event_organization(db_conn *c, bus_action action, const char *org_id, int64_t time_us,
                                 json_object *data)
{
    return bus_outbox_insert_json(c, service_event_topic(ONB_DEFAULT_TOPIC), "organization",
                                  bus_action_name(action), org_id, org_id, org_id, NULL, time_us, data);
}

db_status onb_event_ledger(db_conn *c, bus_action action, const char *org_id, const char *ledger_id,
                           int64_t time_us, json_object *data)
{
    return bus_outbox_insert_json(c, service_event_topic(ONB_DEFAULT_TOPIC), "ledger",
                                  bus_action_name(action), ledger_id, ledger_id, org_id, ledger_id, time_us,
                                  data);
}
