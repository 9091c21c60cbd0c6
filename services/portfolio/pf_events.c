/* Builds the portfolio outbox rows (events.md sections 1-4). Must only be called inside the
 * transaction that made the change, after it took its row locks (events.md section 6). */
#include "pf_events.h"

#include <stdio.h>
#include <string.h>

#include "bus/bus.h"
#include "json/json.h"
#include "service/service.h"

#define PF_DEFAULT_TOPIC "midaz.portfolio.events"

static const char *pf_event_action_name(pf_event_action action)
{
    switch (action) {
    case PF_EVENT_CREATED:
        return "created";
    case PF_EVENT_UPDATED:
        return "updated";
    case PF_EVENT_DELETED:
        return "deleted";
    }
    return "updated";
}

static const char *pf_event_topic(void)
{
    const service_config *cfg = service_config_get();
    return cfg && cfg->kafka_topic && cfg->kafka_topic[0] ? cfg->kafka_topic : PF_DEFAULT_TOPIC;
}

db_status pf_event_emit(db_conn *c, const char *entity, pf_event_action action, const char *org_id,
                        const char *ledger_id, const char *subject_id, int64_t time_us, json_object *data)
{
    char type[64];
    const char *value = json_dump(data);
    bus_event ev = {
        .topic = pf_event_topic(),
        .key = ledger_id,
        .type = type,
        .subject = subject_id,
        .time_us = time_us,
        .organization_id = org_id,
        .ledger_id = ledger_id,
        .data = value,
        .data_len = strlen(value),
    };

    snprintf(type, sizeof(type), "studio.lerian.%s.%s", entity, pf_event_action_name(action));
    return bus_outbox_insert(c, &ev, NULL);
}
