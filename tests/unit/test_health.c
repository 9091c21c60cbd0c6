/* Unit tests of common/health: the /readyz status rules (healthy / degraded / unhealthy), the JSON shape
 * of checks and /version, and the route rows. Pure rendering only: no server is started. */
#include <criterion/criterion.h>
#include <string.h>

#include "health/health.h"
#include "timeutil/timeutil.h"

static health_check check_of(health_state s)
{
    health_check c;
    memset(&c, 0, sizeof(c));
    c.state = s;
    c.latency_ms = -1;
    return c;
}

static const char *str_member(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

typedef struct readyz_case {
    health_state pg, redis, kafka;
    bool ready;
    int status;
    const char *overall;
} readyz_case;

static const readyz_case readyz_cases[] = {
    {HEALTH_UP, HEALTH_UP, HEALTH_UP, true, 200, "healthy"},
    {HEALTH_UP, HEALTH_DOWN, HEALTH_UP, true, 200, "degraded"},
    {HEALTH_UP, HEALTH_UP, HEALTH_DOWN, true, 200, "degraded"},
    {HEALTH_UP, HEALTH_DOWN, HEALTH_DOWN, true, 200, "degraded"},
    {HEALTH_DOWN, HEALTH_UP, HEALTH_UP, true, 503, "unhealthy"},
    {HEALTH_DOWN, HEALTH_DOWN, HEALTH_DOWN, true, 503, "unhealthy"},
    {HEALTH_UP, HEALTH_UP, HEALTH_UP, false, 503, "unhealthy"}, /* before traffic / draining */
    {HEALTH_UP, HEALTH_DOWN, HEALTH_UP, false, 503, "unhealthy"},
    {HEALTH_UP, HEALTH_SKIPPED, HEALTH_SKIPPED, true, 200, "healthy"},
    {HEALTH_SKIPPED, HEALTH_UP, HEALTH_UP, true, 200, "healthy"}, /* skipped is not down */
};

Test(health, readyz_status_rules)
{
    for (size_t i = 0; i < sizeof(readyz_cases) / sizeof(readyz_cases[0]); i++) {
        const readyz_case *tc = &readyz_cases[i];
        health_check checks[3] = {check_of(tc->pg), check_of(tc->redis), check_of(tc->kafka)};
        int status = -1;
        json_object *body = health_render_readyz(checks, tc->ready, &status);
        cr_assert_not_null(body);
        cr_expect_eq(status, tc->status, "case %zu: status %d, want %d", i, status, tc->status);
        cr_expect_str_eq(str_member(body, "status"), tc->overall, "case %zu", i);
        json_object_put(body);
    }
}

Test(health, readyz_checks_shape)
{
    health_check checks[3] = {check_of(HEALTH_UP), check_of(HEALTH_DOWN), check_of(HEALTH_SKIPPED)};
    checks[0].latency_ms = 3;
    snprintf(checks[1].error, sizeof(checks[1].error), "connection refused");
    int status = 0;
    json_object *body = health_render_readyz(checks, true, &status);
    json_object *jchecks = NULL, *pg = NULL, *redis = NULL, *kafka = NULL, *v = NULL;

    cr_assert(json_object_object_get_ex(body, "checks", &jchecks));
    cr_assert_eq(json_object_object_length(jchecks), 3);
    cr_assert(json_object_object_get_ex(jchecks, "postgres", &pg));
    cr_assert(json_object_object_get_ex(jchecks, "redis", &redis));
    cr_assert(json_object_object_get_ex(jchecks, "kafka", &kafka));

    cr_expect_str_eq(str_member(pg, "status"), "up");
    cr_assert(json_object_object_get_ex(pg, "latency_ms", &v));
    cr_expect(json_object_is_type(v, json_type_int));
    cr_expect_eq(json_object_get_int(v), 3);
    cr_expect_not(json_object_object_get_ex(pg, "error", NULL), "empty error is omitted");

    cr_expect_str_eq(str_member(redis, "status"), "down");
    cr_expect_str_eq(str_member(redis, "error"), "connection refused");
    cr_expect_not(json_object_object_get_ex(redis, "latency_ms", NULL), "negative latency is omitted");

    cr_expect_str_eq(str_member(kafka, "status"), "skipped");
    cr_expect_eq(json_object_object_length(kafka), 1);

    cr_expect_not_null(str_member(body, "version"));
    cr_expect_eq(json_object_object_length(body), 3);
    json_object_put(body);
}

Test(health, version_document)
{
    int64_t now = 1741616525481237; /* 2025-03-10T14:22:05.481237Z */
    json_object *body = health_render_version("portfolio", now);
    int64_t parsed = 0;

    cr_expect_str_eq(str_member(body, "service"), "portfolio");
    cr_expect_not_null(str_member(body, "version"));
    cr_expect_not_null(str_member(body, "commit"));
    cr_expect_not_null(str_member(body, "buildTime"));
    cr_assert_not_null(str_member(body, "requestDate"));
    cr_expect_str_eq(str_member(body, "requestDate"), "2025-03-10T14:22:05.481237Z");
    const char *built = str_member(body, "buildTime");
    cr_expect(strlen(built) >= 20 && built[10] == 'T' && built[strlen(built) - 1] == 'Z', "%s", built);
    cr_expect_eq(time_parse_rfc3339(str_member(body, "requestDate"), &parsed), 0);
    cr_expect_eq(parsed, now);
    cr_expect_eq(json_object_object_length(body), 5);
    json_object_put(body);
}

Test(health, state_names)
{
    cr_expect_str_eq(health_state_name(HEALTH_UP), "up");
    cr_expect_str_eq(health_state_name(HEALTH_DOWN), "down");
    cr_expect_str_eq(health_state_name(HEALTH_SKIPPED), "skipped");
}

Test(health, routes_are_get_only_and_complete)
{
    static const char *const want[] = {"/health", "/readyz", "/version", "/metrics"};

    cr_assert_eq(health_routes_count, 4);
    for (size_t i = 0; i < 4; i++) {
        bool found = false;
        for (size_t j = 0; j < health_routes_count; j++) {
            if (strcmp(health_routes[j].tmpl, want[i]) != 0)
                continue;
            found = true;
            cr_expect_eq(health_routes[j].methods, (unsigned)HTTP_M_GET, "%s is GET only", want[i]);
            const http_route *route = health_routes[j].data;
            cr_assert_not_null(route);
            cr_expect_not_null(route->fn);
        }
        cr_expect(found, "%s missing", want[i]);
    }
}

Test(health, routes_build_a_router)
{
    router *rt = router_new(health_routes, health_routes_count);
    route_match m;

    cr_assert_not_null(rt);
    memset(&m, 0, sizeof(m));
    cr_expect_eq(router_match(rt, "/readyz", HTTP_M_GET, &m), ROUTE_OK);
    route_match_clear(&m);
    memset(&m, 0, sizeof(m));
    cr_expect_eq(router_match(rt, "/readyz", HTTP_M_POST, &m), ROUTE_METHOD_NOT_ALLOWED);
    route_match_clear(&m);
    memset(&m, 0, sizeof(m));
    cr_expect_eq(router_match(rt, "/health/", HTTP_M_GET, &m), ROUTE_NOT_FOUND);
    route_match_clear(&m);
    router_free(rt);
}
