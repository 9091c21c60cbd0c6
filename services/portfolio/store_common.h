/* Pieces shared by the portfolio store files: the columns every portfolio entity has (ids, status,
 * metadata, timestamps) and how they are read from a row. libpq value and parameter helpers come from
 * common/db/db_row.h. Nothing here talks HTTP or decides a business rule. */
#pragma once
#include <json-c/json.h>
#include <libpq-fe.h>
#include <stdint.h>

#include "db/db.h"
#include "db/db_row.h"
#include "entity/entity.h"
#include "pagination/pagination.h"
#include "uuid/uuid.h"

/* Members every asset, segment, portfolio and account row has. Owned strings (pf_base_clear). */
typedef struct pf_base {
    char id[UUID_STR_LEN + 1];
    char organization_id[UUID_STR_LEN + 1];
    char ledger_id[UUID_STR_LEN + 1];
    entity_common common; /* status, metadata and times */
} pf_base;

/* Column lists of the shared members, in the order pf_base_from_row reads them: the head first
 * (columns 0-2), the entity's own columns, then the tail (the entity_common columns). */
#define PF_HEAD_COLUMNS "id::text, organization_id::text, ledger_id::text"
#define PF_TAIL_COLUMNS DB_SQL_ENTITY_COLUMNS

/* Free b's members and reset it (deleted_us = -1); NULL accepted. */
void pf_base_clear(pf_base *b);
/* Fill b from a row: columns 0-2 are the head, tail_col..tail_col+5 the tail. */
void pf_base_from_row(const PGresult *res, int row, int tail_col, pf_base *b);
