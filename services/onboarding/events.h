/* The onboarding events of events.md (organization.* and ledger.*): one outbox row per committed
 * change, written on the caller's open transaction after its row locks. It never opens or commits a
 * transaction and never talks to Kafka (the relay of common/bus does). */
#pragma once
#include <json-c/json.h>
#include <stdint.h>

#include "bus/bus.h"
#include "db/db.h"

/* Record studio.lerian.organization.<action> for organization org_id: key, subject and
 * ce_organizationid = org_id, no ledger id, ce_time = time_us, value = data serialised (the entity as
 * GET returns it right after the change). DB_* status of the insert. */
db_status onb_event_organization(db_conn *c, bus_action action, const char *org_id, int64_t time_us,
                                 json_object *data) MUSTCHECK;

/* Record studio.lerian.ledger.<action>: key and subject = ledger_id, ce_organizationid = org_id,
 * ce_ledgerid = ledger_id. */
db_status onb_event_ledger(db_conn *c, bus_action action, const char *org_id, const char *ledger_id,
                           int64_t time_us, json_object *data) MUSTCHECK;
