/* Process-wide Prometheus metrics: http_requests_total{method,route,status} and the histogram
 * http_request_duration_seconds{method,route}, plus named gauges and counters other modules set
 * (outbox lag, consumer lag, pool usage). Thread-safe. Text format version 0.0.4. */
#pragma once
#include <stddef.h>

/* Record one served request (route = matched template or "unmatched"). */
void metrics_http_observe(const char *method, const char *route, int status, double seconds);
/* Set a gauge / add to a counter identified by name and an optional label string ("topic=\"x\""). */
void metrics_gauge_set(const char *name, const char *help, const char *labels, double value);
void metrics_counter_add(const char *name, const char *help, const char *labels, double delta);
/* The whole exposition as a new heap string (caller frees). */
char *metrics_render(void);
