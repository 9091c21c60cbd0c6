/* Blocking service-to-service HTTP calls (paths outside /v1) made from a worker thread: one private
 * libevent base per call, X-Request-Id propagated, a hard timeout. Used for read-through lookups and the
 * ledger/balance close calls of the specs. */
#pragma once
#include <stddef.h>

typedef enum internal_call_status {
    INTERNAL_OK = 0,       /* a complete response arrived (any HTTP status) */
    INTERNAL_UNREACHABLE,  /* connect failure or reset before a response (-> 503 0901) */
    INTERNAL_TIMEOUT       /* no complete response within timeout_ms (-> 503 0901) */
} internal_call_status;

typedef struct internal_response {
    int status;
    char *body; /* NUL-terminated, caller frees (internal_response_clear) */
    size_t len;
} internal_response;

/* method "GET"/"POST"; base_url "http://host:port"; path starts with "/internal/...". body may be NULL. */
internal_call_status internal_call(const char *method, const char *base_url, const char *path,
                                   const char *request_id, const char *body, size_t body_len,
                                   int timeout_ms, internal_response *out);
void internal_response_clear(internal_response *r);
