/* Builds the onboarding outbox rows (events.md sections 1-4): topic = this service's KAFKA_TOPIC,
 * CloudEvents type, key, subject, ids, time and the entity JSON as value. Must only be called inside
 * the transaction that made the change, after it took its row locks (events.md section 6). */
#include "events.h"

#include <stdio.h>
#include <string.h>

#include "bus/bus.h"
#include "json/json.h"
#include "service/service.h"

#define ONB_DEFAULT_TOPIC "midaz.onboarding.events"

static const char *onb_event_action_name(onb_event_action action)
{
    switch (action) {
    case ONB_EVENT_CREATED:
        return "created";
    case ONB_EVENT_UPDATED:
        return "updated";
    case ONB_EVENT_DELETED:
        return "deleted";
    }
    return "updated";
}

static const char *onb_event_topic(void)
{
    const service_config *cfg = service_config_get();
    return cfg && cfg->kafka_topic && cfg->kafka_topic[0] ? cfg->kafka_topic : ONB_DEFAULT_TOPIC;
}

static db_status onb_event_emit(db_conn *c, const char *entity, onb_event_action action, const char *key,
                                const char *org_id, const char *ledger_id, int64_t time_us,
                                json_object *data)
{
    char type[64];
    const char *value = json_dump(data);
    bus_event ev = {
        .topic = onb_event_topic(),
        .key = key,
        .type = type,
        .subject = key,
        .time_us = time_us,
        .organization_id = org_id,
        .ledger_id = ledger_id,
        .data = value,
        .data_len = strlen(value),
    };

    snprintf(type, sizeof(type), "studio.lerian.%s.%s", entity, onb_event_action_name(action));
    return bus_outbox_insert(c, &ev, NULL);
}

db_status onb_event_organization(db_conn *c, onb_event_action action, const char *org_id, int64_t time_us,
                                 json_object *data)
{
    return onb_event_emit(c, "organization", action, org_id, org_id, NULL, time_us, data);
}

db_status onb_event_ledger(db_conn *c, onb_event_action action, const char *org_id, const char *ledger_id,
                           int64_t time_us, json_object *data)
{
    return onb_event_emit(c, "ledger", action, ledger_id, org_id, ledger_id, time_us, data);
}
