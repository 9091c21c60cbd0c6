/* Operational endpoints of the four binaries (api.md "Operational endpoints"): /health, /readyz,
 * /version, /metrics on every port, plus the gateway's /v1/openapi.json and /docs. Read-only: these
 * tests never stop or change anything in the stack. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "util/mem.h"

typedef struct target {
    const char *url_var;
    const char *service; /* name /version must report */
} target;

static const target targets[] = {
    {"GATEWAY_URL", "gateway"},
    {"ONBOARDING_URL", "onboarding"},
    {"PORTFOLIO_URL", "portfolio"},
    {"TRANSACTION_URL", "transaction"},
};

static const target services[] = {
    {"ONBOARDING_URL", "onboarding"},
    {"PORTFOLIO_URL", "portfolio"},
    {"TRANSACTION_URL", "transaction"},
};

static bool readyz_healthy(const it_response *r, void *arg)
{
    const char *s = NULL;
    (void)arg;
    if (r->status != 200)
        return false;
    s = it_json_str(r, "status");
    return s != NULL && strcmp(s, "healthy") == 0;
}

Test(ops, health_is_plain_healthy_on_every_binary)
{
    for (size_t i = 0; i < ARRAY_LEN(targets); i++) {
        char *url = it_url(targets[i].url_var, "/health");
        it_response r;
        const char *ct = NULL;

        it_get(url, &r);
        ct = it_header_get(&r, "Content-Type");
        cr_expect_eq(r.status, 200, "%s GET /health: %s", targets[i].service, it_describe(&r));
        cr_expect(ct != NULL && strncasecmp(ct, "text/plain", 10) == 0,
                  "%s GET /health: Content-Type must be text/plain: %s", targets[i].service,
                  it_describe(&r));
        cr_expect(r.body_len == 7 && memcmp(r.body, "healthy", 7) == 0,
                  "%s GET /health: body must be exactly \"healthy\": %s", targets[i].service,
                  it_describe(&r));
        cr_expect(it_header_get(&r, "X-Request-Id") != NULL,
                  "%s GET /health: X-Request-Id must be echoed: %s", targets[i].service, it_describe(&r));
        it_response_free(&r);
        free(url);
    }
}

Test(ops, service_readyz_reports_every_dependency_up)
{
    static const char *const deps[] = {"postgres", "redis", "kafka"};

    for (size_t i = 0; i < ARRAY_LEN(services); i++) {
        char *url = it_url(services[i].url_var, "/readyz");
        it_response r;
        json_object *checks = NULL;
        json_object *version = NULL;

        /* A freshly started stack may still be connecting to Kafka: poll briefly, then judge. */
        (void)it_wait_until(url, 30000, readyz_healthy, NULL, &r);
        cr_expect_eq(r.status, 200, "%s /readyz: %s", services[i].service, it_describe(&r));
        cr_expect(it_header_get(&r, "Content-Type") != NULL &&
                      strncasecmp(it_header_get(&r, "Content-Type"), "application/json", 16) == 0,
                  "%s /readyz: JSON expected: %s", services[i].service, it_describe(&r));
        cr_expect(it_json_str(&r, "status") != NULL && strcmp(it_json_str(&r, "status"), "healthy") == 0,
                  "%s /readyz: status must be healthy: %s", services[i].service, it_describe(&r));
        cr_expect(r.json != NULL && json_object_object_get_ex(r.json, "version", &version) &&
                      json_object_is_type(version, json_type_string),
                  "%s /readyz: version string expected: %s", services[i].service, it_describe(&r));
        cr_expect(r.json != NULL && json_object_object_get_ex(r.json, "checks", &checks) &&
                      json_object_is_type(checks, json_type_object),
                  "%s /readyz: checks object expected: %s", services[i].service, it_describe(&r));
        for (size_t d = 0; d < ARRAY_LEN(deps); d++) {
            char path[64];
            json_object *check = NULL;
            json_object *lat = NULL;

            snprintf(path, sizeof(path), "checks.%s.status", deps[d]);
            cr_expect(it_json_path_str(&r, path) != NULL && strcmp(it_json_path_str(&r, path), "up") == 0,
                      "%s /readyz: %s must be up: %s", services[i].service, path, it_describe(&r));
            if (checks != NULL && json_object_object_get_ex(checks, deps[d], &check) &&
                json_object_object_get_ex(check, "latency_ms", &lat))
                cr_expect(json_object_is_type(lat, json_type_int) && json_object_get_int64(lat) >= 0,
                          "%s /readyz: %s latency_ms must be a non-negative integer: %s",
                          services[i].service, deps[d], it_describe(&r));
        }
        it_response_free(&r);
        free(url);
    }
}

Test(ops, gateway_readyz_reports_every_service_up)
{
    static const char *const names[] = {"onboarding", "portfolio", "transaction"};
    char *url = it_url("GATEWAY_URL", "/readyz");
    it_response r;

    (void)it_wait_until(url, 30000, readyz_healthy, NULL, &r);
    cr_assert_eq(r.status, 200, "gateway /readyz: %s", it_describe(&r));
    cr_assert(it_header_get(&r, "Content-Type") != NULL &&
                  strncasecmp(it_header_get(&r, "Content-Type"), "application/json", 16) == 0,
              "gateway /readyz: JSON expected: %s", it_describe(&r));
    cr_assert(it_json_str(&r, "status") != NULL && strcmp(it_json_str(&r, "status"), "healthy") == 0,
              "gateway /readyz: status must be healthy: %s", it_describe(&r));
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        char path[64];
        snprintf(path, sizeof(path), "services.%s.status", names[i]);
        cr_expect(it_json_path_str(&r, path) != NULL && strcmp(it_json_path_str(&r, path), "up") == 0,
                  "gateway /readyz: %s must be up: %s", path, it_describe(&r));
    }
    it_response_free(&r);
    free(url);
}

Test(ops, version_names_the_binary_and_dates_the_request)
{
    static const char *const members[] = {"version", "commit", "buildTime", "requestDate"};

    for (size_t i = 0; i < ARRAY_LEN(targets); i++) {
        char *url = it_url(targets[i].url_var, "/version");
        it_response r;
        const char *service = NULL;

        it_get(url, &r);
        cr_expect_eq(r.status, 200, "%s /version: %s", targets[i].service, it_describe(&r));
        cr_expect(it_header_get(&r, "Content-Type") != NULL &&
                      strncasecmp(it_header_get(&r, "Content-Type"), "application/json", 16) == 0,
                  "%s /version: JSON expected: %s", targets[i].service, it_describe(&r));
        service = it_json_str(&r, "service");
        cr_expect(service != NULL && strcmp(service, targets[i].service) == 0,
                  "/version on %s must say service \"%s\": %s", targets[i].url_var, targets[i].service,
                  it_describe(&r));
        for (size_t m = 0; m < ARRAY_LEN(members); m++)
            cr_expect(it_json_str(&r, members[m]) != NULL && it_json_str(&r, members[m])[0] != '\0',
                      "%s /version: %s must be a non-empty string: %s", targets[i].service, members[m],
                      it_describe(&r));
        cr_expect(it_is_rfc3339(it_json_str(&r, "requestDate")),
                  "%s /version: requestDate must be RFC 3339: %s", targets[i].service, it_describe(&r));
        cr_expect(it_is_rfc3339(it_json_str(&r, "buildTime")),
                  "%s /version: buildTime must be RFC 3339: %s", targets[i].service, it_describe(&r));
        it_response_free(&r);
        free(url);
    }
}

Test(ops, metrics_expose_request_counter_and_latency_histogram)
{
    for (size_t i = 0; i < ARRAY_LEN(targets); i++) {
        char *health = it_url(targets[i].url_var, "/health");
        char *url = it_url(targets[i].url_var, "/metrics");
        it_response warm;
        it_response r;
        const char *ct = NULL;

        /* make sure at least one request was counted before reading the metrics */
        it_get(health, &warm);
        it_response_free(&warm);
        it_get(url, &r);
        ct = it_header_get(&r, "Content-Type");
        cr_expect_eq(r.status, 200, "%s /metrics: %s", targets[i].service, it_describe(&r));
        cr_expect(ct != NULL && strncasecmp(ct, "text/plain", 10) == 0,
                  "%s /metrics: Content-Type must be text/plain; version=0.0.4: %s", targets[i].service,
                  it_describe(&r));
        cr_expect(strstr(r.body, "http_requests_total") != NULL,
                  "%s /metrics: http_requests_total missing: %s", targets[i].service, it_describe(&r));
        cr_expect(strstr(r.body, "http_request_duration_seconds") != NULL,
                  "%s /metrics: http_request_duration_seconds missing: %s", targets[i].service,
                  it_describe(&r));
        cr_expect(strstr(r.body, "# TYPE http_requests_total counter") != NULL,
                  "%s /metrics: http_requests_total must be declared a counter: %s", targets[i].service,
                  it_describe(&r));
        cr_expect(strstr(r.body, "# TYPE http_request_duration_seconds histogram") != NULL &&
                      strstr(r.body, "http_request_duration_seconds_bucket{") != NULL,
                  "%s /metrics: http_request_duration_seconds must be a histogram with buckets: %s",
                  targets[i].service, it_describe(&r));
        it_response_free(&r);
        free(url);
        free(health);
    }
}

Test(ops, gateway_serves_openapi_document_and_docs_page)
{
    char *url = it_url("GATEWAY_URL", "/v1/openapi.json");
    char *docs = it_url("GATEWAY_URL", "/docs");
    it_response r;
    it_response d;
    json_object *paths = NULL;

    it_get(url, &r);
    cr_assert_eq(r.status, 200, "/v1/openapi.json: %s", it_describe(&r));
    cr_assert(it_header_get(&r, "Content-Type") != NULL &&
                  strncasecmp(it_header_get(&r, "Content-Type"), "application/json", 16) == 0,
              "/v1/openapi.json: JSON expected: %s", it_describe(&r));
    cr_assert(it_json_str(&r, "openapi") != NULL && strcmp(it_json_str(&r, "openapi"), "3.1.0") == 0,
              "/v1/openapi.json: openapi must be 3.1.0: %s", it_describe(&r));
    cr_assert(json_object_object_get_ex(r.json, "paths", &paths) &&
                  json_object_is_type(paths, json_type_object),
              "/v1/openapi.json: paths object expected: %s", it_describe(&r));
    cr_expect(json_object_object_get_ex(paths, "/readyz", NULL),
              "/v1/openapi.json: /readyz must be documented: %s", it_describe(&r));

    it_get(docs, &d);
    cr_expect_eq(d.status, 200, "/docs: %s", it_describe(&d));
    cr_expect(it_header_get(&d, "Content-Type") != NULL &&
                  strncasecmp(it_header_get(&d, "Content-Type"), "text/html", 9) == 0,
              "/docs: Content-Type must be text/html: %s", it_describe(&d));
    it_response_free(&d);
    it_response_free(&r);
    free(docs);
    free(url);
}
