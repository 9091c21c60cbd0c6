/* Handler scaffolding of the portfolio entities: a descriptor per entity drives generic get, list,
 * count, PATCH and DELETE handlers, with the write state and base members they all share. Entity
 * rules stay in assets.c, segments.c, portfolios.c and accounts.c; no SQL here. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "http/http.h"
#include "json/json.h"
#include "pagination/pagination.h"
#include "pf_http.h"
#include "pf_scope.h"
#include "store_common.h"

/* One entity kind as the generic handlers see it. Rows are the store's typed structs, reached through
 * row_size and the callbacks (thin adapters in the entity file). */
typedef struct pf_resource {
    const char *entity;              /* entityType of 0007 and the 0008 message ("Asset") */
    const char *id_param;            /* path parameter naming one row ("asset_id") */
    const char *const *list_filters; /* filter names of the list, NULL-terminated */
    const json_schema *patch_schema; /* PATCH body schema */
    size_t row_size;                 /* sizeof the store's row struct */
    /* The live row `id` of the scope, without a lock, into *row (filled only when *found). */
    db_status (*get)(db_conn *c, const pf_scope *s, const char *id, void *row, bool *found);
    /* One page of the scope's live rows matching p: *rows a new array of *n rows (row_size each). */
    db_status (*list)(db_conn *c, const pf_scope *s, const page_params *p, void **rows, size_t *n);
    /* Number of the scope's live rows. */
    db_status (*count)(db_conn *c, const char *org_id, const char *ledger_id, int64_t *n);
    /* Representation of a row (new reference). */
    json_object *(*to_json)(const void *row);
    /* Free a row's members (the row itself is the caller's). */
    void (*clear)(void *row);
} pf_resource;

/* GET .../<entities>/{id}: scope checks, the row (0007 entityType res->entity when missing), 200. */
void pf_resource_get(http_request *r, const pf_resource *res);
/* GET .../<entities>: list parameters (res->list_filters), scope checks, one page, 200 envelope. */
void pf_resource_list(http_request *r, const pf_resource *res);
/* HEAD .../<entities>/metrics/count: scope checks, 204 with X-Total-Count. */
void pf_resource_count(http_request *r, const pf_resource *res);
/* 200 with the offset list envelope of n rows of res (rows as returned by res->list or the store's own
 * list; their members and the array are freed here). */
void pf_resource_reply_rows(http_request *r, const pf_resource *res, const page_params *p, void *rows,
                            size_t n);

/* The state every write transaction shares. An entity's write state embeds it as its FIRST member, so
 * that the db_tx argument (a pf_write *) converts back to the entity's struct. */
typedef struct pf_write {
    pf_scope scope;
    char id[UUID_STR_LEN + 1]; /* PATCH / DELETE target (lowercase) */
    const char *request_id;    /* X-Request-Id, for internal calls made inside the transaction */
    json_object *body;         /* PATCH body (borrowed for the request) */
    pf_outcome outcome;
    json_object *json; /* the written row's representation: response and event data */
} pf_write;

/* Start of a db_tx attempt: outcome PF_OK, json released (the entity resets its own rows). */
void pf_write_reset(pf_write *w);

/* PATCH .../<entities>/{id}: body (res->patch_schema), scope checks, path id, then fn in db_tx with w
 * (filled: scope, id, request_id, body; fn takes the write time itself, under the row lock, with
 * util/write_time.h), then pf_reply_write 200 with w->json. The caller zeroes the entity write state
 * before and clears it after; w->body is NULL again on return. */
void pf_resource_patch(http_request *r, const pf_resource *res, pf_write *w, db_tx_fn fn);
/* DELETE .../<entities>/{id}: scope checks, path id, fn in db_tx with w, then pf_reply_write 204. */
void pf_resource_delete(http_request *r, const pf_resource *res, pf_write *w, db_tx_fn fn);

/* A new row's base: a new UUIDv7 id, the scope's ids and the members every entity has from body
 * (entity_common_for_create: status, metadata, created = updated = now_us, live). b must be empty
 * (zeroed or cleared). */
void pf_base_init_create(pf_base *b, const pf_scope *s, json_object *body, int64_t now_us);
/* The base of cur after a PATCH: cur's ids, and the members every entity has resolved from body
 * (entity_common_for_patch: status, metadata, cur's created time, updated = now_us). next must be
 * empty; it owns new copies. */
void pf_base_init_patch(pf_base *next, const pf_base *cur, json_object *body, int64_t now_us);
