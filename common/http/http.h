/* The HTTP server every service uses: libevent evhttp with N worker threads accepting on one listening
 * socket, the api.md request pipeline (X-Request-Id, route match 404/405, 1 MiB body limit 413, path id
 * check 0065) and JSON replies with the error envelope. It knows nothing about any service. */
#pragma once
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "errors/errors.h"
#include "http/router.h"
#include "json/json.h"
#include "pagination/pagination.h"
#include "util/mem.h"

#define HTTP_MAX_BODY (1024 * 1024)
#define REQUEST_ID_MAX 128

typedef struct http_request http_request;
typedef struct http_server http_server;

/* A handler must eventually reply exactly once: synchronously before returning, or later from the same
 * worker's event loop (asynchronous handlers, e.g. the gateway proxy). */
typedef void (*http_handler_fn)(http_request *r);

/* What route_def.data points to for servers built with http_server_new. */
typedef struct http_route {
    http_handler_fn fn;
    const void *data; /* handler-specific payload, see http_req_route_data */
} http_route;

typedef struct http_server_config {
    const char *service;        /* name used in logs and metrics ("onboarding", "gateway") */
    const char *bind_addr;      /* default "0.0.0.0" */
    int port;
    int workers;                /* worker threads, >= 1 */
    const route_def *routes;    /* rows whose data is a `const http_route *` */
    size_t route_count;
    bool validate_path_ids;     /* params named *_id must be UUIDs (0065); services true, gateway false */
    size_t max_body;            /* 0 = HTTP_MAX_BODY */
    /* Called once in each worker thread before it serves; the result is http_req_worker_data. */
    void *(*worker_init)(int index, struct event_base *base, void *arg);
    void (*worker_free)(void *worker_data);
    void *worker_arg;
    /* Optional (NULL: none). Runs on every matched route after the route check (404/405) and before
     * the body-size check (413): the gateway's authentication (api.md "Validation order" step 1).
     * Returns 0 to go on, or non-zero after replying synchronously (the pipeline then stops). */
    int (*pre_body_check)(http_request *r);
} http_server_config;

/* Bind and listen (so the port is taken when this returns). NULL on failure (logged). */
http_server *http_server_new(const http_server_config *cfg);
/* Start the workers and block until http_server_stop; then stop accepting, let in-flight requests
 * finish (up to grace_ms), join the workers. Returns 0, or -1 when a worker could not start (the
 * others are then drained too). */
int http_server_run(http_server *s, int grace_ms);
/* Ask a running server to drain and stop. Async-signal-safe. */
void http_server_stop(http_server *s);
/* True once stop was requested (readyz reports draining). */
bool http_server_draining(const http_server *s);
void http_server_free(http_server *s);
int http_server_port(const http_server *s);

/* ---- request accessors (valid until the reply is sent) ---- */
unsigned http_req_method(const http_request *r);      /* HTTP_M_* bit */
const char *http_req_method_name(const http_request *r);
const char *http_req_path(const http_request *r);      /* raw path without query */
const char *http_req_uri(const http_request *r);       /* raw path and query as received */
const char *http_req_template(const http_request *r);  /* matched template or "unmatched" */
/* Percent-decoded path parameter, always valid UTF-8 (router_percent_decode keeps the raw text of a
 * segment that does not decode to UTF-8), or NULL. */
const char *http_req_param(const http_request *r, const char *name);
const char *http_req_id(const http_request *r);        /* X-Request-Id (kept or generated) */
const char *http_req_header(const http_request *r, const char *name);
const void *http_req_route_data(const http_request *r); /* http_route.data of the matched row */
void *http_req_worker_data(const http_request *r);     /* worker_init's result for this thread */
struct event_base *http_req_base(const http_request *r);
struct evhttp_request *http_req_raw(http_request *r);
arena *http_req_arena(http_request *r);                /* freed when the request ends */
/* Body bytes (NUL-terminated copy; len excludes the NUL). Never NULL (empty body: "" and 0). */
const char *http_req_body(http_request *r, size_t *len);
/* Query parameters in order, repeats kept, arena-owned. Keys and values are decoded as
 * application/x-www-form-urlencoded ('+' is a space, "%2B" a '+'; router_query_decode), and may hold
 * invalid UTF-8: pass them through page_params_parse (0082) before they reach SQL. */
size_t http_req_query(http_request *r, const query_param **out);

/* ---- replies (exactly one per request; each echoes X-Request-Id) ----
 * A reply sent from an asynchronous callback frees r before returning: do not touch r afterwards.
 * HEAD requests, 1xx, 204 and 304 get no body and Content-Length: 0. While the server drains, replies
 * carry Connection: close. */
/* Add a response header (repeats kept). X-Request-Id, Content-Length and, when the reply names one,
 * Content-Type are always set by the reply itself. A value with CR/LF is refused (logged). */
void http_reply_set_header(http_request *r, const char *name, const char *value);
/* Serialise body (reference is taken and released) with Content-Type application/json. */
void http_reply_json(http_request *r, int status, json_object *body);
/* content_type NULL keeps one added with http_reply_set_header (the gateway relays upstream's). */
void http_reply_raw(http_request *r, int status, const char *content_type, const void *body, size_t len);
/* Empty body, Content-Length: 0 (204 of DELETE and HEAD count). */
void http_reply_empty(http_request *r, int status);
/* Error envelope from the catalogue. HEAD requests get the status with no body. */
void http_reply_error(http_request *r, err_id id, const char *fmt, ...) PRINTF_LIKE(3, 4);
void http_reply_api_error(http_request *r, const api_error *e);
bool http_req_replied(const http_request *r);

/* Validate-or-reply helpers keep handlers linear: on failure they have already replied, return -1. */
/* Parse and validate the body against `schema`; *out is a new reference owned by the caller. */
int http_body_json_or_reply(http_request *r, const json_schema *schema, json_mode mode,
                            json_object **out) MUSTCHECK;
