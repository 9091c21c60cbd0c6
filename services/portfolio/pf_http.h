/* Reply and representation helpers of the portfolio handlers: the outcome of a write transaction and
 * its reply, and the JSON members every portfolio entity carries (head and tail of pf_base). Generic
 * request/reply helpers come from common/service/service_http.h. No SQL, no domain rules. */
#pragma once
#include <json-c/json.h>

#include "db/db.h"
#include "http/http.h"
#include "store_common.h"

/* Add id, organizationId, ledgerId of b to obj (the first members of every entity). */
void pf_json_add_head(json_object *obj, const pf_base *b);
/* Add status, metadata, createdAt, updatedAt, deletedAt of b to obj (the last members). */
void pf_json_add_tail(json_object *obj, const pf_base *b);

/* What a write transaction decided, besides its database status. */
typedef enum pf_outcome {
    PF_OK,
    PF_NOT_FOUND,             /* 0007 (entityType of the target) */
    PF_LEDGER_GONE,           /* 0037: the ledger was closed while the request ran */
    PF_ASSET_DUPLICATE,       /* 0003 */
    PF_SEGMENT_DUPLICATE,     /* 0015 */
    PF_ALIAS_TAKEN,           /* 0020 */
    PF_IN_USE,                /* 0008 */
    PF_ASSET_CODE_MISSING,    /* 0034 */
    PF_PORTFOLIO_MISSING,     /* 0035 */
    PF_SEGMENT_MISSING,       /* 0036 */
    PF_PARENT_INVALID,        /* 0029 */
    PF_PARENT_ASSET_MISMATCH, /* 0030 */
    PF_EXTERNAL_IMMUTABLE,    /* 0074 */
    PF_BALANCE_NONZERO,       /* 0012 */
    PF_UNAVAILABLE,           /* 503 0901: an internal call failed */
    PF_CREATION_FAILED        /* 500 0127 */
} pf_outcome;

/* Reply for a finished write: the outcome's error when it is not PF_OK, else the database error when
 * st != DB_OK, else `status` with `entity` (a new reference is taken; no body for 204). entity_type
 * names the target for 0007. */
void pf_reply_write(http_request *r, pf_outcome outcome, db_status st, const char *entity_type, int status,
                    json_object *entity);
