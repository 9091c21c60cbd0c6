/* Behaviour while a piece of the stack is down: a stopped service makes the gateway answer 503 0901
 * and report itself unready; a stopped Redis leaves the services answering and "degraded". Each test
 * restarts what it stopped (also from its fini when an assertion aborted it) so later tests see a
 * complete stack. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "util/mem.h"
#include "uuid/uuid.h"

#define READY_TIMEOUT_MS 60000

/* Per test process (Criterion forks one per test): what this test stopped and did not restart yet. */
static const char *stopped_component = NULL;
static bool body_done = false;

static bool readyz_healthy(const it_response *r, void *arg)
{
    const char *s = it_json_str(r, "status");
    (void)arg;
    return r->status == 200 && s != NULL && strcmp(s, "healthy") == 0;
}

static bool readyz_redis_down(const it_response *r, void *arg)
{
    const char *s = it_json_str(r, "status");
    const char *redis = it_json_path_str(r, "checks.redis.status");
    (void)arg;
    return s != NULL && strcmp(s, "degraded") == 0 && redis != NULL && strcmp(redis, "down") == 0;
}

static bool gateway_unready(const it_response *r, void *arg)
{
    (void)arg;
    return r->status == 503;
}

static void stop_component(const char *component)
{
    int rc = it_stack("stop", component);
    cr_assert_eq(rc, 0, "scripts/stack.sh stop %s failed (exit %d)", component, rc);
    stopped_component = component;
}

static void start_component(const char *component)
{
    int rc = it_stack("start", component);
    if (rc != 0)
        it_dump_log(component, 60);
    cr_assert_eq(rc, 0, "scripts/stack.sh start %s failed (exit %d)", component, rc);
    stopped_component = NULL;
}

/* Waits until every service (and so the gateway) reports healthy again. */
static void wait_stack_healthy(void)
{
    static const char *const vars[] = {"ONBOARDING_URL", "PORTFOLIO_URL", "TRANSACTION_URL", "GATEWAY_URL"};

    for (size_t i = 0; i < ARRAY_LEN(vars); i++) {
        char *url = it_url(vars[i], "/readyz");
        it_response r;
        bool ok = it_wait_until(url, READY_TIMEOUT_MS, readyz_healthy, NULL, &r);
        cr_assert(ok, "%s/readyz did not become healthy within %d s: %s", vars[i], READY_TIMEOUT_MS / 1000,
                  it_describe(&r));
        it_response_free(&r);
        free(url);
    }
}

/* Runs after the body, also when an assertion aborted it: restart what is still stopped and show the
 * logs of what the test touched. */
static void restore_stack(void)
{
    const char *touched[] = {"gateway", "onboarding", "portfolio"};

    if (!body_done)
        for (size_t i = 0; i < ARRAY_LEN(touched); i++)
            it_dump_log(touched[i], 40);
    if (stopped_component != NULL) {
        fprintf(stderr, "[it] restoring %s after a failed test\n", stopped_component);
        if (it_stack("start", stopped_component) != 0)
            fprintf(stderr, "[it] could not restart %s: later tests will fail\n", stopped_component);
        stopped_component = NULL;
    }
}

Test(unavailable, stopped_service_gives_503_0901_and_unready_gateway, .fini = restore_stack,
     .timeout = 180)
{
    char o[UUID_STR_LEN + 1];
    char l[UUID_STR_LEN + 1];
    char *assets_path = NULL;
    char *assets = NULL;
    char *readyz = it_url("GATEWAY_URL", "/readyz");
    char *orgs = it_url("GATEWAY_URL", "/v1/organizations");
    it_response r;

    uuid_v7_str(o);
    uuid_v7_str(l);
    assets_path = xasprintf("/v1/organizations/%s/ledgers/%s/assets", o, l);
    assets = it_url("GATEWAY_URL", assets_path);

    cr_assert(it_wait_until(readyz, READY_TIMEOUT_MS, readyz_healthy, NULL, &r),
              "precondition: the gateway must be ready: %s", it_describe(&r));
    it_response_free(&r);

    stop_component("portfolio");

    it_get(assets, &r);
    it_assert_error(&r, 503, "0901", "Service Unavailable");
    cr_expect(r.elapsed_s < 10.0, "503 must come promptly, took %.3f s", r.elapsed_s);
    cr_expect(it_header_get(&r, "X-Request-Id") != NULL, "503 must echo X-Request-Id: %s", it_describe(&r));
    it_response_free(&r);

    /* a second request (the pool may have had a stale connection the first time) fails the same way */
    it_request("POST", assets, NULL, "{}", 2, &r);
    it_assert_error(&r, 503, "0901", "Service Unavailable");
    it_response_free(&r);

    cr_assert(it_wait_until(readyz, 15000, gateway_unready, NULL, &r),
              "gateway /readyz must answer 503 while portfolio is stopped: %s", it_describe(&r));
    cr_expect(it_json_str(&r, "status") != NULL && strcmp(it_json_str(&r, "status"), "unhealthy") == 0,
              "gateway /readyz status must be unhealthy: %s", it_describe(&r));
    cr_expect(it_json_path_str(&r, "services.portfolio.status") != NULL &&
                  strcmp(it_json_path_str(&r, "services.portfolio.status"), "down") == 0,
              "services.portfolio.status must be down: %s", it_describe(&r));
    cr_expect(it_json_path_str(&r, "services.onboarding.status") != NULL &&
                  strcmp(it_json_path_str(&r, "services.onboarding.status"), "up") == 0,
              "services.onboarding.status must stay up: %s", it_describe(&r));
    it_response_free(&r);

    /* the other services keep answering through the gateway */
    it_get(orgs, &r);
    cr_expect_neq(r.status, 503, "onboarding routes must not be affected: %s", it_describe(&r));
    it_response_free(&r);

    start_component("portfolio");
    cr_assert(it_wait_status(readyz, 200, READY_TIMEOUT_MS, &r),
              "gateway /readyz must be 200 again after portfolio restarted: %s", it_describe(&r));
    it_response_free(&r);

    it_get(assets, &r);
    cr_expect_neq(r.status, 503, "portfolio routes must be served again: %s", it_describe(&r));
    it_response_free(&r);

    body_done = true;
    free(orgs);
    free(readyz);
    free(assets);
    free(assets_path);
}

Test(degraded, stopped_redis_leaves_services_answering_and_degraded, .fini = restore_stack,
     .timeout = 180)
{
    char *ready = it_url("ONBOARDING_URL", "/readyz");
    char *health = it_url("ONBOARDING_URL", "/health");
    char *gw_ready = it_url("GATEWAY_URL", "/readyz");
    char *orgs = it_url("GATEWAY_URL", "/v1/organizations");
    it_response r;

    cr_assert(it_wait_until(ready, READY_TIMEOUT_MS, readyz_healthy, NULL, &r),
              "precondition: onboarding must be healthy: %s", it_describe(&r));
    it_response_free(&r);

    stop_component("redis");

    cr_assert(it_wait_until(ready, 15000, readyz_redis_down, NULL, &r),
              "onboarding /readyz must report degraded with redis down: %s", it_describe(&r));
    cr_expect_eq(r.status, 200, "a degraded service still answers 200 on /readyz: %s", it_describe(&r));
    cr_expect(it_json_path_str(&r, "checks.postgres.status") != NULL &&
                  strcmp(it_json_path_str(&r, "checks.postgres.status"), "up") == 0,
              "postgres must stay up: %s", it_describe(&r));
    cr_expect(it_json_path_str(&r, "checks.redis.error") == NULL ||
                  strstr(it_json_path_str(&r, "checks.redis.error"), "127.0.0.1") == NULL,
              "the redis error must not name hosts: %s", it_describe(&r));
    it_response_free(&r);

    for (int i = 0; i < 3; i++) {
        it_get(orgs, &r);
        cr_expect_eq(r.status, 200, "the organization list must keep working without redis: %s",
                     it_describe(&r));
        cr_expect(r.elapsed_s < 2.0, "requests must stay fast without redis, took %.3f s", r.elapsed_s);
        it_response_free(&r);
    }

    it_get(health, &r);
    cr_expect_eq(r.status, 200, "onboarding /health without redis: %s", it_describe(&r));
    it_response_free(&r);

    it_get(gw_ready, &r);
    cr_expect_eq(r.status, 200, "degraded services are still ready for the gateway: %s", it_describe(&r));
    it_response_free(&r);

    start_component("redis");
    wait_stack_healthy();

    body_done = true;
    free(orgs);
    free(gw_ready);
    free(health);
    free(ready);
}
