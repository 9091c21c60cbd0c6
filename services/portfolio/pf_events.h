/* The portfolio events of events.md (asset.*, segment.*, portfolio.*, account.*): one outbox row per
 * committed change, written on the caller's open transaction after its row locks. It never opens or
 * commits a transaction and never talks to Kafka (the relay of common/bus does). */
#pragma once
#include <json-c/json.h>
#include <stdint.h>

#include "bus/bus.h"
#include "db/db.h"
#include "util/mem.h"

/* Record studio.lerian.<entity>.<action> on this service's KAFKA_TOPIC: key and ce_ledgerid =
 * ledger_id, ce_organizationid = org_id, subject = subject_id, ce_time = time_us, value = data
 * serialised (the entity as GET returns it right after the change; with deletedAt for a deletion).
 * DB_* status of the insert. */
db_status pf_event_emit(db_conn *c, const char *entity, bus_action action, const char *org_id,
                        const char *ledger_id, const char *subject_id, int64_t time_us,
                        json_object *data) MUSTCHECK;
