/* The operational endpoints of api.md: /health, /readyz, /version and /metrics. Rendering is pure and
 * separate from the handlers; the dependency probes belong to the caller (common/service), so this file
 * never opens a connection of its own. */
#include "health/health.h"

#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "timeutil/timeutil.h"

/* Build identity: CMake defines these; the fallbacks keep ad-hoc compiles working. */
#ifndef MIDAZ_VERSION
#define MIDAZ_VERSION "0.0.0"
#endif
#ifndef MIDAZ_COMMIT
#define MIDAZ_COMMIT "unknown"
#endif
#ifndef MIDAZ_BUILD_TIME
#define MIDAZ_BUILD_TIME "1970-01-01T00:00:00Z"
#endif

/* Set once by health_configure before the server starts; read-only afterwards. */
static const char *health_service = "unknown";
static health_probe health_probe_cfg;
static bool health_has_probe;

static const http_route health_route_health = {health_handle_health, NULL};
static const http_route health_route_readyz = {health_handle_readyz, NULL};
static const http_route health_route_version = {health_handle_version, NULL};
static const http_route health_route_metrics = {health_handle_metrics, NULL};

const route_def health_routes[] = {
    {HTTP_M_GET, "/health", &health_route_health},
    {HTTP_M_GET, "/readyz", &health_route_readyz},
    {HTTP_M_GET, "/version", &health_route_version},
    {HTTP_M_GET, "/metrics", &health_route_metrics},
};
const size_t health_routes_count = ARRAY_LEN(health_routes);

void health_configure(const char *service, const health_probe *probe)
{
    health_service = service ? service : "unknown";
    if (probe) {
        health_probe_cfg = *probe;
        health_has_probe = true;
    } else {
        memset(&health_probe_cfg, 0, sizeof(health_probe_cfg));
        health_has_probe = false;
    }
}

const char *health_state_name(health_state s)
{
    switch (s) {
    case HEALTH_UP:
        return "up";
    case HEALTH_DOWN:
        return "down";
    case HEALTH_SKIPPED:
        return "skipped";
    }
    return "down";
}

static json_object *health_check_json(const health_check *c)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string(health_state_name(c->state)));
    if (c->latency_ms >= 0)
        json_object_object_add(o, "latency_ms", json_object_new_int(c->latency_ms));
    if (c->error[0] != '\0')
        json_object_object_add(o, "error", json_object_new_string(c->error));
    return o;
}

json_object *health_render_readyz(const health_check checks[3], bool ready, int *status)
{
    static const char *const names[3] = {"postgres", "redis", "kafka"};
    const char *overall = "healthy";
    json_object *body = json_object_new_object();
    json_object *jchecks = json_object_new_object();

    for (size_t i = 0; i < 3; i++)
        json_object_object_add(jchecks, names[i], health_check_json(&checks[i]));

    /* PostgreSQL is the only truth: without it nothing can be served. Redis and Kafka only slow the
     * service down (cache misses go to PostgreSQL, events wait in the outbox). */
    if (!ready || checks[0].state == HEALTH_DOWN) {
        overall = "unhealthy";
        *status = 503;
    } else if (checks[1].state == HEALTH_DOWN || checks[2].state == HEALTH_DOWN) {
        overall = "degraded";
        *status = 200;
    } else {
        *status = 200;
    }
    json_object_object_add(body, "status", json_object_new_string(overall));
    json_object_object_add(body, "version", json_object_new_string(MIDAZ_VERSION));
    json_object_object_add(body, "checks", jchecks);
    return body;
}

json_object *health_render_version(const char *service, int64_t now_us)
{
    char now[TIME_STR_MAX];
    json_object *body = json_object_new_object();

    time_format_us(now_us, now, sizeof(now));
    json_object_object_add(body, "service", json_object_new_string(service ? service : "unknown"));
    json_object_object_add(body, "version", json_object_new_string(MIDAZ_VERSION));
    json_object_object_add(body, "commit", json_object_new_string(MIDAZ_COMMIT));
    json_object_object_add(body, "buildTime", json_object_new_string(MIDAZ_BUILD_TIME));
    json_object_object_add(body, "requestDate", json_object_new_string(now));
    return body;
}

void health_handle_health(http_request *r)
{
    static const char body[] = "healthy";
    http_reply_raw(r, 200, "text/plain", body, sizeof(body) - 1);
}

void health_handle_version(http_request *r)
{
    http_reply_json(r, 200, health_render_version(health_service, time_now_us()));
}

void health_handle_metrics(http_request *r)
{
    char *text = metrics_render();
    http_reply_raw(r, 200, "text/plain; version=0.0.4", text, strlen(text));
    free(text);
}

static void health_check_init(health_check *c)
{
    c->state = HEALTH_SKIPPED;
    c->latency_ms = -1;
    c->error[0] = '\0';
}

void health_handle_readyz(http_request *r)
{
    health_check checks[3];
    bool ready = true;
    int status = 503;

    for (size_t i = 0; i < 3; i++)
        health_check_init(&checks[i]);
    if (health_has_probe) {
        /* Probes leave a dependency "skipped" unless they set it, so a service can omit one. */
        if (health_probe_cfg.postgres)
            health_probe_cfg.postgres(r, &checks[0]);
        if (health_probe_cfg.redis)
            health_probe_cfg.redis(r, &checks[1]);
        if (health_probe_cfg.kafka)
            health_probe_cfg.kafka(r, &checks[2]);
        if (health_probe_cfg.ready)
            ready = health_probe_cfg.ready(r);
    }
    json_object *body = health_render_readyz(checks, ready, &status);
    http_reply_json(r, status, body);
}
