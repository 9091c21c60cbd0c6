/* Request helpers shared by the transaction service's handlers: the worker's connections, the cursor
 * list parameters, normalised path ids, not-found and count replies, JSON replies from text. No SQL and
 * no domain rule lives here. */
#pragma once
#include <json-c/json.h>
#include <stdint.h>

#include "cache/cache.h"
#include "db/db.h"
#include "http/http.h"
#include "pagination/pagination.h"
#include "txn_model.h"

/* The worker's PostgreSQL connection, or NULL after replying 503 0901. */
db_conn *tx_db_or_reply(http_request *r);
/* The worker's Redis cache (may be down; never NULL for a service worker). */
cache *tx_cache(http_request *r);

/* Lower-case copy of a (router-validated) path id into out. */
void tx_path_id(http_request *r, const char *name, char out[TXN_ID_LEN]);

/* page_params_parse (cursor lists) over the query; filter_names NULL-terminated or NULL. Returns 0, or -1
 * after replying the failing parameter's error. */
int tx_page_params_or_reply(http_request *r, const char *const *filter_names, page_params *p) MUSTCHECK;

/* 404 with `id`; entity_type only for 0007. */
void tx_reply_not_found(http_request *r, err_id id, const char *entity_type);
/* 204, X-Total-Count: n, empty body. */
void tx_reply_count(http_request *r, int64_t n);
/* Reply `status` with JSON text (already serialised; sent byte for byte). */
void tx_reply_text(http_request *r, int status, const char *json_text);
