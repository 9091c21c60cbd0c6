/* SQL of the organization and ledger registries (events.md 7.2): the local copies of onboarding's
 * entities that answer 0038/0037, fed by onboarding events and by read-through lookups, and the
 * ledger "closed" mark of the internal ledger close. Knows nothing about HTTP or Kafka. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "util/mem.h"

typedef enum pf_reg_state {
    PF_REG_UNKNOWN, /* no registry row: ask the owner (read-through) */
    PF_REG_LIVE,    /* live (for a ledger: of that organization and not closed) */
    PF_REG_GONE     /* deleted, closed, or (ledger) registered under another organization */
} pf_reg_state;

/* State of organization `id` in the registry. */
db_status pf_reg_org_state(db_conn *c, const char *id, pf_reg_state *state) MUSTCHECK;
/* State of ledger `id` for the path organization `org_id`. */
db_status pf_reg_ledger_state(db_conn *c, const char *org_id, const char *id, pf_reg_state *state) MUSTCHECK;

/* Read-through result: register a live entity when no row exists yet (an existing row always wins:
 * events and earlier lookups are at least as recent). updated_us = the entity's updatedAt. */
db_status pf_reg_org_register(db_conn *c, const char *id, int64_t updated_us) MUSTCHECK;
db_status pf_reg_ledger_register(db_conn *c, const char *org_id, const char *id,
                                 int64_t updated_us) MUSTCHECK;

/* Event upserts (events.md 7): insert, or overwrite the row when the event's time (updatedAt, or
 * deletedAt for a deletion) is not older than the stored one. deleted_us < 0 = live. A deletion is
 * never undone and the closed mark is never touched. */
db_status pf_reg_org_apply(db_conn *c, const char *id, int64_t time_us, int64_t deleted_us) MUSTCHECK;
db_status pf_reg_ledger_apply(db_conn *c, const char *org_id, const char *id, int64_t time_us,
                              int64_t deleted_us) MUSTCHECK;

/* Inside a child-creating transaction: lock the ledger row FOR KEY SHARE when it is live, belongs to
 * org_id and is not closed (*live true); otherwise *live false and nothing is locked. Conflicts with
 * the FOR UPDATE of pf_reg_ledger_lock_for_close. */
db_status pf_reg_ledger_lock_live(db_conn *c, const char *org_id, const char *id, bool *live) MUSTCHECK;

/* Inside the close transaction: lock the ledger row (of org_id, whatever its state) FOR UPDATE. */
db_status pf_reg_ledger_lock_for_close(db_conn *c, const char *org_id, const char *id, bool *found) MUSTCHECK;
/* Mark the ledger closed at at_us (kept when already closed). */
db_status pf_reg_ledger_mark_closed(db_conn *c, const char *id, int64_t at_us) MUSTCHECK;
