/* SQL of the organizations table: insert, lookups with row locks, update, soft delete, the
 * descendant walk of the 0091 rule, lists and counts. Knows nothing about HTTP or events; every value
 * travels as a statement parameter. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "db/db_row.h"
#include "entity/entity.h"
#include "pagination/pagination.h"
#include "uuid/uuid.h"

/* One organization row. Strings and JSON objects are owned by the struct (organization_clear). */
typedef struct organization {
    char id[UUID_STR_LEN + 1];
    char *parent_id; /* NULL = null */
    char *legal_name;
    char *doing_business_as; /* NULL = null */
    char *legal_document;
    json_object *address; /* normalised address object (onb_address_normalize) */
    entity_common common; /* status, metadata and times */
} organization;

void organization_clear(organization *o);

/* List filters of api.md "Organizations" (NULL = not given). */
typedef struct organization_filter {
    const char *legal_name;        /* ASCII case-insensitive literal prefix */
    const char *doing_business_as; /* same */
    const char *legal_document;    /* exact */
    const char *status;            /* status.code, ASCII case-insensitive */
} organization_filter;

/* Insert `in` (all members set by the caller, deleted_us ignored) and read the stored row back into
 * *out. DB_* status of the statement. */
db_status store_organization_insert(db_conn *c, const organization *in, organization *out) MUSTCHECK;

/* Live organization by id, locked as asked. *found says whether it exists; *out is filled only then
 * (out may be NULL for an existence check). */
db_status store_organization_get(db_conn *c, const char *id, db_lock lock, organization *out,
                                 bool *found) MUSTCHECK;

/* Write every mutable member of `in` (parent, names, address, status, metadata, updated_at) to the
 * live row in->id and read it back into *out. *found false when the row is gone. */
db_status store_organization_update(db_conn *c, const organization *in, organization *out,
                                    bool *found) MUSTCHECK;

/* Set deleted_at on the live row id and read the deleted row back into *out (deleted_us set). */
db_status store_organization_soft_delete(db_conn *c, const char *id, int64_t at_us, organization *out,
                                         bool *found) MUSTCHECK;

/* Serialise changes of the parent/child graph (transaction-scoped advisory lock), so two concurrent
 * PATCHes cannot together build a cycle that each alone would not. */
db_status store_organization_lock_tree(db_conn *c) MUSTCHECK;

/* *result = candidate is `id` itself or a live organization reachable from `id` by following live
 * children (parent_organization_id links). */
db_status store_organization_is_self_or_descendant(db_conn *c, const char *id, const char *candidate,
                                                   bool *result) MUSTCHECK;

/* One page of live organizations in (created_at, id) order (descending when p->desc) matching the
 * filters, the date window and the metadata filters. *items is a new array of *n rows; free it with
 * organization_list_free. */
db_status store_organization_list(db_conn *c, const page_params *p, const organization_filter *f,
                                  organization **items, size_t *n) MUSTCHECK;
void organization_list_free(organization *items, size_t n);

/* Number of live organizations. */
db_status store_organization_count(db_conn *c, int64_t *n) MUSTCHECK;
