/* The PATCH body shared by T10 (a transaction) and O3 (an operation), transactions.md 10.2 and 11:
 * description and metadata only, metadata merged per api.md. Pure code: no SQL, no HTTP. */
#pragma once
#include <json-c/json.h>

#include "json/json.h"
#include "util/mem.h"

/* {description?: string <= 256, metadata?: object}; anything else -> 0053. */
extern const json_schema txn_patch_schema;

/* The stored metadata (JSON text, may be NULL) after applying the body's `metadata` member (merge
 * patch: absent keeps, null clears, an object merges). Returns JSON text allocated in a. */
char *txn_patch_metadata(arena *a, const char *stored, json_object *body);
